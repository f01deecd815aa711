/*
 * tests/test_signal.c - Ctrl-C for kernel threads (kernel/signal.c):
 * send_sig marks a thread, signal_pending asks, flush_signals forgets, and
 * msleep_interruptible is cut short by a signal but only by one.
 * (tools/monitor_checks.py sends a real Ctrl-C to a running `ping`.)
 */
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <errno.h>

/* What a sleeping thread saw. */
struct sleeper {
	unsigned int ms;		/* how long it asked to sleep */
	unsigned long left;		/* what msleep_interruptible returned */
	u64 slept_ns;			/* how long it really slept */
	bool pending;			/* signal_pending(current) when it woke */
};

static int sleeper_thread(void *arg)
{
	struct sleeper *s = arg;
	u64 t0 = ktime_get_ns();

	s->left = msleep_interruptible(s->ms);
	s->slept_ns = ktime_get_ns() - t0;
	s->pending = signal_pending(current);
	return 0;
}

/* Wait (at most 2 s) until @k sleeps interruptibly. */
static bool wait_until_asleep(struct task_struct *k)
{
	for (int i = 0; i < 2000; i++) {
		if (READ_ONCE(k->state) == TASK_INTERRUPTIBLE)
			return true;
		msleep(1);
	}
	return false;
}

TEST_CASE(signal_test_a_signalled_sleeper_wakes_early_and_sees_it_pending)
{
	struct sleeper s = { .ms = 5000 };
	struct task_struct *k = ktest_thread_start(sleeper_thread, &s, "sleeper");

	ASSERT_NOT_NULL(t, k);
	EXPECT_TRUE(t, wait_until_asleep(k));
	EXPECT_FALSE(t, signal_pending(k));
	EXPECT_EQ(t, send_sig(SIGINT, k, 1), 0);
	EXPECT_EQ(t, ktest_thread_finish(k, 3000), 0);
	EXPECT_TRUE(t, s.pending);
	EXPECT_GT(t, s.left, 0);
	EXPECT_LT(t, s.slept_ns, 4000 * NSEC_PER_MSEC);
}

TEST_CASE(signal_test_an_unsignalled_sleep_lasts_its_full_time)
{
	struct sleeper s = { .ms = 50 };
	struct task_struct *k = ktest_thread_start(sleeper_thread, &s, "sleeper");

	ASSERT_NOT_NULL(t, k);
	EXPECT_EQ(t, ktest_thread_finish(k, 3000), 0);
	EXPECT_FALSE(t, s.pending);
	EXPECT_EQ(t, s.left, 0);
	EXPECT_GE(t, s.slept_ns, 40 * NSEC_PER_MSEC);	/* 50 ms, less TSC calibration error */
}

TEST_CASE(signal_test_a_pending_signal_ends_the_sleep_at_once_until_flushed)
{
	u64 t0 = ktime_get_ns();

	EXPECT_EQ(t, send_sig(SIGINT, current, 1), 0);
	EXPECT_TRUE(t, signal_pending(current));
	EXPECT_GT(t, msleep_interruptible(10000), 9000);
	EXPECT_LT(t, ktime_get_ns() - t0, 1000 * NSEC_PER_MSEC);
	flush_signals(current);
	EXPECT_FALSE(t, signal_pending(current));
	EXPECT_EQ(t, msleep_interruptible(5), 0);
}

TEST_CASE(signal_test_only_sigint_exists)
{
	EXPECT_EQ(t, send_sig(9, current, 1), -EINVAL);
	EXPECT_FALSE(t, signal_pending(current));
}

/* A plain msleep is uninterruptible: a signal waits for it to end. */
static int plain_sleeper_thread(void *arg)
{
	struct sleeper *s = arg;
	u64 t0 = ktime_get_ns();

	msleep(s->ms);
	s->slept_ns = ktime_get_ns() - t0;
	s->pending = signal_pending(current);
	return 0;
}

TEST_CASE(signal_test_an_uninterruptible_sleep_is_not_cut_short)
{
	struct sleeper s = { .ms = 100 };
	struct task_struct *k = ktest_thread_start(plain_sleeper_thread, &s, "sleeper");

	ASSERT_NOT_NULL(t, k);
	msleep(10);
	EXPECT_EQ(t, send_sig(SIGINT, k, 1), 0);
	EXPECT_EQ(t, ktest_thread_finish(k, 3000), 0);
	EXPECT_TRUE(t, s.pending);
	EXPECT_GE(t, s.slept_ns, 80 * NSEC_PER_MSEC);
}

static const struct ktest_case signal_cases[] = {
	KTEST(signal_test_a_signalled_sleeper_wakes_early_and_sees_it_pending),
	KTEST(signal_test_an_unsignalled_sleep_lasts_its_full_time),
	KTEST(signal_test_a_pending_signal_ends_the_sleep_at_once_until_flushed),
	KTEST(signal_test_only_sigint_exists),
	KTEST(signal_test_an_uninterruptible_sleep_is_not_cut_short),
	{}
};
TEST_SUITE(signal, signal_cases);
