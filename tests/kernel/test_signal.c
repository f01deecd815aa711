/*
 * SPDX-License-Identifier: MIT
 * tests/kernel/test_signal.c - Ctrl-C for kernel threads (kernel/signal.c):
 * send_sig marks a thread, signal_pending asks, flush_signals forgets,
 * msleep_interruptible and wait_event_interruptible_timeout are cut short by
 * a signal but only by one, and an uninterruptible sleep is not woken.
 * (tools/monitor_checks.py sends a real Ctrl-C to a running `ping`.)
 */
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <errno.h>

/* What a sleeping thread saw. */
struct sleeper {
	unsigned int ms;    /* how long it asked to sleep */
	unsigned long left; /* what msleep_interruptible returned */
	u64 slept_ns;	    /* how long it really slept */
	bool pending;	    /* signal_pending(current) when it woke */
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

/* Wait (at most 2 s) until @k sleeps in @state. */
static bool wait_until_state(struct task_struct *k, long state)
{
	for (int i = 0; i < 2000; i++) {
		if (READ_ONCE(k->state) == state)
			return true;
		msleep(1);
	}
	return false;
}

static bool wait_until_asleep(struct task_struct *k)
{
	return wait_until_state(k, TASK_INTERRUPTIBLE);
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
	EXPECT_GE(t, s.slept_ns, 40 * NSEC_PER_MSEC); /* 50 ms, less TSC calibration error */
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

/*
 * send_sig leaves a TASK_UNINTERRUPTIBLE sleeper asleep: right after it the
 * state is unchanged (a wake-up would have made it TASK_RUNNING at once,
 * whatever msleep's loop did next).
 */
TEST_CASE(signal_test_an_uninterruptible_sleep_is_not_cut_short)
{
	struct sleeper s = { .ms = 1000 };
	struct task_struct *k = ktest_thread_start(plain_sleeper_thread, &s, "sleeper");
	long state;

	ASSERT_NOT_NULL(t, k);
	EXPECT_TRUE(t, wait_until_state(k, TASK_UNINTERRUPTIBLE));
	EXPECT_EQ(t, send_sig(SIGINT, k, 1), 0);
	state = READ_ONCE(k->state);
	EXPECT_TRUE(t, signal_pending(k));
	EXPECT_EQ(t, ktest_thread_finish(k, 3000), 0);
	EXPECT_EQ(t, state, TASK_UNINTERRUPTIBLE);
	EXPECT_TRUE(t, s.pending);
}

/* A waiter on a queue nobody wakes: what wait_event_interruptible_timeout said. */
struct queue_waiter {
	struct wait_queue_head wq;
	bool cond;
	unsigned int ms; /* its timeout */
	long ret;
};

static int queue_waiter_thread(void *arg)
{
	struct queue_waiter *w = arg;

	w->ret = wait_event_interruptible_timeout(w->wq, READ_ONCE(w->cond),
						  msecs_to_jiffies(w->ms));
	return 0;
}

TEST_CASE(signal_test_a_signal_ends_wait_event_interruptible_timeout_with_erestartsys)
{
	struct queue_waiter w = { .ms = 10000, .ret = 1 };
	struct task_struct *k;

	init_waitqueue_head(&w.wq);
	k = ktest_thread_start(queue_waiter_thread, &w, "waiter");
	ASSERT_NOT_NULL(t, k);
	EXPECT_TRUE(t, wait_until_asleep(k));
	EXPECT_EQ(t, send_sig(SIGINT, k, 1), 0);
	/*
	 * Woken by the signal itself: it ends long before its 10 s.  (Not its
	 * state now: on another CPU it is already back in its wait loop, whose
	 * prepare_to_wait sets TASK_INTERRUPTIBLE again before it sees the signal.)
	 */
	EXPECT_EQ(t, ktest_thread_finish(k, 3000), 0);
	EXPECT_EQ(t, w.ret, -ERESTARTSYS);
}

TEST_CASE(signal_test_wait_event_interruptible_timeout_times_out_or_sees_its_condition)
{
	struct queue_waiter w = { .ms = 20000, .ret = -1 };
	struct task_struct *k;
	long ret;

	init_waitqueue_head(&w.wq);
	ret = wait_event_interruptible_timeout(w.wq, READ_ONCE(w.cond), msecs_to_jiffies(20));
	EXPECT_EQ(t, ret, 0); /* timed out */
	k = ktest_thread_start(queue_waiter_thread, &w, "waiter");
	ASSERT_NOT_NULL(t, k);
	EXPECT_TRUE(t, wait_until_asleep(k));
	WRITE_ONCE(w.cond, true);
	wake_up(&w.wq);
	EXPECT_EQ(t, ktest_thread_finish(k, 3000), 0);
	EXPECT_GT(t, w.ret, 0); /* jiffies left */
	EXPECT_LE(t, w.ret, (long)msecs_to_jiffies(20000));
	/* The condition is asked before the signal: a true one wins. */
	EXPECT_EQ(t, send_sig(SIGINT, current, 1), 0);
	EXPECT_GT(t, wait_event_interruptible_timeout(w.wq, READ_ONCE(w.cond), 5), 0);
	WRITE_ONCE(w.cond, false);
	EXPECT_EQ(t, wait_event_interruptible_timeout(w.wq, READ_ONCE(w.cond), 5), -ERESTARTSYS);
	flush_signals(current);
}

static const struct ktest_case signal_cases[] = {
	KTEST(signal_test_a_signalled_sleeper_wakes_early_and_sees_it_pending),
	KTEST(signal_test_an_unsignalled_sleep_lasts_its_full_time),
	KTEST(signal_test_a_pending_signal_ends_the_sleep_at_once_until_flushed),
	KTEST(signal_test_only_sigint_exists),
	KTEST(signal_test_an_uninterruptible_sleep_is_not_cut_short),
	KTEST(signal_test_a_signal_ends_wait_event_interruptible_timeout_with_erestartsys),
	KTEST(signal_test_wait_event_interruptible_timeout_times_out_or_sees_its_condition),
	{}
};
TEST_SUITE(signal, signal_cases);
