/*
 * SPDX-License-Identifier: MIT
 * tests/kernel/test_wait.c - wait queues and completions, function by function
 * (kernel/wait.c, labs/sched/): what prepare_to_wait and finish_wait leave on
 * the queue, whom __wake_up wakes on a queue the test lays out itself, how
 * complete, complete_all and try_wait count, what wait_for_completion_timeout
 * returns, and waiters and wakers racing on two CPUs.  (tests/kernel/test_sched.c
 * has the end-to-end cases: wait_event, completions from an interrupt.)
 *
 * A waiter that really sleeps goes round its loop once per wake-up; one that
 * polls goes round it thousands of times.  The cases count the rounds.
 */
#include <kernel/completion.h>
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <errno.h>

static struct task_struct *start(int (*fn)(void *), void *arg, const char *name)
{
	return ktest_thread_start(fn, arg, name);
}

static int finish(struct task_struct *k)
{
	return ktest_thread_finish(k, 5000);
}

/* Wait up to a second for @k to sleep in @state, off its CPU. */
static bool asleep(struct task_struct *k, long state)
{
	for (int i = 0; i < 1000; i++) {
		if (READ_ONCE(k->state) == state && !READ_ONCE(k->on_cpu))
			return true;
		msleep(1);
	}
	return false;
}

static int queue_len(struct wait_queue_head *wq)
{
	struct list_head *p;
	unsigned long flags;
	int n = 0;

	spin_lock_irqsave(&wq->lock, flags);
	for (p = wq->head.next; p != &wq->head; p = p->next)
		n++;
	spin_unlock_irqrestore(&wq->lock, flags);
	return n;
}

/* ---- prepare_to_wait and finish_wait ------------------------------------------------ */

TEST_CASE(wait_test_prepare_to_wait_queues_the_waiter_and_sets_its_state)
{
	DECLARE_WAIT_QUEUE_HEAD(wq);
	DEFINE_WAIT(a);
	DEFINE_WAIT(b);
	DEFINE_WAIT(c);
	long state[4];

	/* Each state is read and put back at once: this thread must not really sleep. */
	prepare_to_wait(&wq, &a, TASK_UNINTERRUPTIBLE);
	state[0] = current->state;
	__set_current_state(TASK_RUNNING);
	prepare_to_wait_exclusive(&wq, &b, TASK_INTERRUPTIBLE);
	state[1] = current->state;
	__set_current_state(TASK_RUNNING);
	prepare_to_wait(&wq, &c, TASK_UNINTERRUPTIBLE);
	state[2] = current->state;
	__set_current_state(TASK_RUNNING);
	prepare_to_wait(&wq, &a, TASK_UNINTERRUPTIBLE); /* already queued: stays where it is */
	state[3] = current->state;
	__set_current_state(TASK_RUNNING);

	EXPECT_EQ(t, state[0], TASK_UNINTERRUPTIBLE);
	EXPECT_EQ(t, state[1], TASK_INTERRUPTIBLE);
	EXPECT_EQ(t, state[2], TASK_UNINTERRUPTIBLE);
	EXPECT_EQ(t, state[3], TASK_UNINTERRUPTIBLE);
	/* Plain waiters at the head, the exclusive one at the tail: c, a, b. */
	EXPECT_EQ(t, queue_len(&wq), 3);
	EXPECT_TRUE(t, wq.head.next == &c.entry);
	EXPECT_TRUE(t, c.entry.next == &a.entry);
	EXPECT_TRUE(t, wq.head.prev == &b.entry);
	EXPECT_FALSE(t, a.flags & WQ_FLAG_EXCLUSIVE);
	EXPECT_TRUE(t, b.flags & WQ_FLAG_EXCLUSIVE);
	EXPECT_FALSE(t, c.flags & WQ_FLAG_EXCLUSIVE);

	__set_current_state(TASK_INTERRUPTIBLE);
	finish_wait(&wq, &a);
	EXPECT_EQ(t, current->state, TASK_RUNNING);
	EXPECT_TRUE(t, list_empty(&a.entry)); /* off, and re-initialised */
	EXPECT_EQ(t, queue_len(&wq), 2);
	finish_wait(&wq, &a); /* off already: nothing happens */
	EXPECT_EQ(t, queue_len(&wq), 2);
	finish_wait(&wq, &b);
	finish_wait(&wq, &c);
	EXPECT_FALSE(t, waitqueue_active(&wq));
	/* Whatever happened above, nothing of this stack may stay on the queue. */
	if (waitqueue_active(&wq))
		INIT_LIST_HEAD(&wq.head);
}

struct sleeper {
	struct wait_queue_head *wq;
	int cond;
	int loops; /* rounds of the wait loop: one per wake-up when it really sleeps */
};

static int sleeper_fn(void *arg)
{
	struct sleeper *s = arg;
	DEFINE_WAIT(w);

	for (;;) {
		prepare_to_wait(s->wq, &w, TASK_UNINTERRUPTIBLE);
		__atomic_add_fetch(&s->loops, 1, __ATOMIC_RELAXED);
		if (__atomic_load_n(&s->cond, __ATOMIC_ACQUIRE))
			break;
		schedule();
	}
	finish_wait(s->wq, &w);
	return 0;
}

TEST_CASE(wait_test_a_waiter_sleeps_on_the_queue_until_woken)
{
	DECLARE_WAIT_QUEUE_HEAD(wq);
	struct sleeper s = { .wq = &wq };
	struct task_struct *k = start(sleeper_fn, &s, "sleeper");
	bool slept, slept_again;
	int loops[2], len;

	ASSERT_NOT_NULL(t, k);
	slept = asleep(k, TASK_UNINTERRUPTIBLE);
	msleep(10);
	loops[0] = READ_ONCE(s.loops);
	len = queue_len(&wq);
	wake_up(&wq); /* without its condition: it looks, and sleeps again */
	msleep(10);
	slept_again = asleep(k, TASK_UNINTERRUPTIBLE);
	loops[1] = READ_ONCE(s.loops);
	__atomic_store_n(&s.cond, 1, __ATOMIC_RELEASE);
	wake_up(&wq);
	if (finish(k)) /* a thread that never slept stops too: it sees cond */
		ktest_fail(t, __FILE__, __LINE__, "the sleeper did not end");
	EXPECT_TRUE(t, slept);
	EXPECT_EQ(t, len, 1);
	EXPECT_EQ(t, loops[0], 1); /* went round once, then slept */
	EXPECT_TRUE(t, slept_again);
	EXPECT_EQ(t, loops[1], 2);
	EXPECT_FALSE(t, waitqueue_active(&wq));
	if (waitqueue_active(&wq))
		INIT_LIST_HEAD(&wq.head);
}

/* ---- __wake_up, on queues the test lays out itself ------------------------------------ */

struct napper {
	int wakeups;
	int stop;
};

/* Sleeps until woken, counts the wake-up, sleeps again; the test queues its entry. */
static int napper_fn(void *arg)
{
	struct napper *n = arg;

	for (;;) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		if (__atomic_load_n(&n->stop, __ATOMIC_ACQUIRE))
			break;
		schedule();
		__atomic_add_fetch(&n->wakeups, 1, __ATOMIC_RELAXED);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

#define NAPPERS 5

static struct {
	struct napper n[NAPPERS];
	struct wait_queue_entry e[NAPPERS];
	struct task_struct *k[NAPPERS];
} naps;

/* Start @nr nappers and queue them on @wq: the first @plain plain, the rest exclusive. */
static bool nappers_start(struct ktest *t, struct wait_queue_head *wq, int nr, int plain)
{
	unsigned long flags;

	memset(&naps, 0, sizeof(naps));
	for (int i = 0; i < nr; i++) {
		naps.k[i] = start(napper_fn, &naps.n[i], "napper");
		if (!naps.k[i])
			return false;
	}
	for (int i = 0; i < nr; i++)
		if (!asleep(naps.k[i], TASK_UNINTERRUPTIBLE))
			ktest_fail(t, __FILE__, __LINE__, "napper %d did not go to sleep", i);
	/* As prepare_to_wait lays a queue out: the plain waiters first, then the exclusive. */
	spin_lock_irqsave(&wq->lock, flags);
	for (int i = 0; i < nr; i++) {
		naps.e[i] = (struct wait_queue_entry){ .task = naps.k[i],
						       .flags = i < plain ? 0 : WQ_FLAG_EXCLUSIVE };
		list_add_tail(&naps.e[i].entry, &wq->head);
	}
	spin_unlock_irqrestore(&wq->lock, flags);
	return true;
}

static void nappers_stop(struct ktest *t, struct wait_queue_head *wq, int nr)
{
	unsigned long flags;

	spin_lock_irqsave(&wq->lock, flags);
	for (int i = 0; i < nr; i++)
		if (naps.k[i])
			list_del_init(&naps.e[i].entry);
	spin_unlock_irqrestore(&wq->lock, flags);
	for (int i = 0; i < nr; i++) {
		if (!naps.k[i])
			continue;
		__atomic_store_n(&naps.n[i].stop, 1, __ATOMIC_RELEASE);
		wake_up_process(naps.k[i]);
		EXPECT_EQ(t, finish(naps.k[i]), 0);
	}
}

/* After a wake-up, wait until every napper is asleep again; then compare the counts. */
static void expect_wakeups(struct ktest *t, int nr, const int *want, const char *what)
{
	for (int i = 0; i < nr; i++)
		asleep(naps.k[i], TASK_UNINTERRUPTIBLE);
	msleep(5);
	for (int i = 0; i < nr; i++) {
		int got = __atomic_load_n(&naps.n[i].wakeups, __ATOMIC_RELAXED);

		if (got != want[i])
			ktest_fail(t, __FILE__, __LINE__,
				   "%s: waiter %d (%s) woken %d times, not %d", what, i,
				   naps.e[i].flags & WQ_FLAG_EXCLUSIVE ? "exclusive" : "plain", got,
				   want[i]);
	}
}

TEST_CASE(wait_test_wake_up_wakes_every_plain_waiter_and_nr_exclusive_ones)
{
	DECLARE_WAIT_QUEUE_HEAD(wq);
	/* Two plain waiters, then three exclusive ones. */
	static const int after_1[NAPPERS] = { 1, 1, 1, 0, 0 };
	static const int after_2[NAPPERS] = { 2, 2, 2, 1, 0 };
	static const int after_all[NAPPERS] = { 3, 3, 3, 2, 1 };

	if (nappers_start(t, &wq, NAPPERS, 2)) {
		__wake_up(&wq, 1);
		expect_wakeups(t, NAPPERS, after_1, "__wake_up(wq, 1)");
		__wake_up(&wq, 2);
		expect_wakeups(t, NAPPERS, after_2, "then __wake_up(wq, 2)");
		__wake_up(&wq, 0);
		expect_wakeups(t, NAPPERS, after_all, "then __wake_up(wq, 0)");
	} else {
		ktest_fail(t, __FILE__, __LINE__, "could not start the waiters");
	}
	nappers_stop(t, &wq, NAPPERS);
}

TEST_CASE(wait_test_wake_up_passes_over_an_exclusive_waiter_already_awake)
{
	DECLARE_WAIT_QUEUE_HEAD(wq);
	struct wait_queue_entry me = { .task = current, .flags = WQ_FLAG_EXCLUSIVE };
	static const int want[2] = { 1, 0 };
	unsigned long flags;

	if (nappers_start(t, &wq, 2, 0)) {
		/* This thread, running, first in the queue: waking it wakes nobody. */
		spin_lock_irqsave(&wq.lock, flags);
		list_add(&me.entry, &wq.head);
		spin_unlock_irqrestore(&wq.lock, flags);
		wake_up(&wq);
		expect_wakeups(t, 2, want, "wake_up past a running exclusive waiter");
		spin_lock_irqsave(&wq.lock, flags);
		list_del(&me.entry);
		spin_unlock_irqrestore(&wq.lock, flags);
	} else {
		ktest_fail(t, __FILE__, __LINE__, "could not start the waiters");
	}
	nappers_stop(t, &wq, 2);
}

/* ---- complete, complete_all, try_wait_for_completion ---------------------------------- */

static struct completion wc;
static int wc_returned;

static int completion_waiter_fn(void *arg)
{
	wait_for_completion(&wc);
	__atomic_add_fetch(&wc_returned, 1, __ATOMIC_RELAXED);
	return 0;
}

/* Wait up to a second for wc_returned to reach @n. */
static int returned_reaches(int n)
{
	ktest_wait_until(__atomic_load_n(&wc_returned, __ATOMIC_RELAXED) >= n, 1000);
	return __atomic_load_n(&wc_returned, __ATOMIC_RELAXED);
}

TEST_CASE(wait_test_each_complete_lets_one_waiter_through)
{
	struct task_struct *k[3];
	int returned[3];

	init_completion(&wc);
	wc_returned = 0;
	for (int i = 0; i < 3; i++) {
		k[i] = start(completion_waiter_fn, NULL, "cwaiter");
		ASSERT_NOT_NULL(t, k[i]);
	}
	msleep(20);
	returned[0] = READ_ONCE(wc_returned);
	complete(&wc);
	returned_reaches(1);
	msleep(20); /* time for a second one to come through, if it wrongly could */
	returned[1] = READ_ONCE(wc_returned);
	complete(&wc);
	complete(&wc);
	returned[2] = returned_reaches(3);
	for (int i = 0; i < 3; i++) {
		if (finish(k[i]) == -ETIMEDOUT) { /* a waiter that missed its complete() */
			complete_all(&wc);
			ktest_fail(t, __FILE__, __LINE__, "waiter %d never returned", i);
		}
	}
	EXPECT_EQ(t, returned[0], 0);
	EXPECT_EQ(t, returned[1], 1);
	EXPECT_EQ(t, returned[2], 3);
	EXPECT_EQ(t, wc.done, 0); /* three given, three taken */
}

TEST_CASE(wait_test_complete_counts_and_complete_all_stays_open_until_reinit)
{
	struct completion c;
	bool took[6];

	init_completion(&c);
	complete(&c);
	complete(&c);
	EXPECT_EQ(t, c.done, 2);
	took[0] = try_wait_for_completion(&c);
	EXPECT_EQ(t, c.done, 1);
	took[1] = try_wait_for_completion(&c);
	took[2] = try_wait_for_completion(&c);
	EXPECT_TRUE(t, took[0]);
	EXPECT_TRUE(t, took[1]);
	EXPECT_FALSE(t, took[2]); /* two given, two taken */
	EXPECT_EQ(t, c.done, 0);

	complete_all(&c);
	EXPECT_EQ(t, c.done, COMPLETION_ALL);
	for (int i = 0; i < 6; i++)
		took[i] = try_wait_for_completion(&c);
	for (int i = 0; i < 6; i++)
		EXPECT_TRUE(t, took[i]);
	complete(&c); /* no overflow past "all" */
	EXPECT_EQ(t, c.done, COMPLETION_ALL);
	EXPECT_TRUE(t, completion_done(&c));
	reinit_completion(&c);
	EXPECT_FALSE(t, completion_done(&c));
	EXPECT_FALSE(t, try_wait_for_completion(&c));
}

/* ---- wait_for_completion_timeout ------------------------------------------------------ */

static int complete_later_fn(void *arg)
{
	msleep(10);
	complete(arg);
	return 0;
}

TEST_CASE(wait_test_wait_for_completion_timeout_returns_the_jiffies_left)
{
	struct completion c;
	struct task_struct *k;
	unsigned long before, ret, took;

	init_completion(&c);
	complete(&c);
	EXPECT_EQ(t, wait_for_completion_timeout(&c, 100), 100); /* done: all of it is left */
	complete(&c);
	EXPECT_EQ(t, wait_for_completion_timeout(&c, 0), 1); /* done, no time given: 1 */
	complete(&c);
	EXPECT_EQ(t, wait_for_completion_timeout(&c, MAX_SCHEDULE_TIMEOUT), MAX_SCHEDULE_TIMEOUT);
	EXPECT_EQ(t, c.done, 0);

	before = jiffies;
	EXPECT_EQ(t, wait_for_completion_timeout(&c, 0), 0); /* not done, no time: at once */
	EXPECT_LE(t, jiffies - before, 5); /* no sleep: a few jiffies at most on a busy host */
	before = jiffies;
	EXPECT_EQ(t, wait_for_completion_timeout(&c, 20), 0);
	EXPECT_GE(t, jiffies - before, 20);
	EXPECT_FALSE(t, waitqueue_active(&c.wait)); /* a waiter that gave up is off the queue */

	k = start(complete_later_fn, &c, "completer");
	ASSERT_NOT_NULL(t, k);
	before = jiffies;
	ret = wait_for_completion_timeout(&c, 1000);
	took = jiffies - before;
	EXPECT_EQ(t, finish(k), 0);
	EXPECT_GT(t, ret, 0);
	EXPECT_LE(t, ret, 1000 - 10);
	/* What was left is what was given minus what it took, to a few jiffies. */
	EXPECT_GE(t, ret + took, 1000 - 1);
	EXPECT_LE(t, ret + took, 1000 + 5);
	EXPECT_EQ(t, c.done, 0);
}

/* ---- two CPUs ------------------------------------------------------------------------ */

/* The two threads' CPUs: 0 and 1 when there are two, else wherever they land. */
static struct task_struct *start_on_own_cpu(int (*fn)(void *), void *arg, const char *name, int i)
{
	if (num_online_cpus() >= 2)
		return ktest_thread_start_on(fn, arg, name, i);
	return start(fn, arg, name);
}

#define PP_ROUNDS 400

static struct {
	struct wait_queue_head wq;
	unsigned int seq;
	int loops[2];
} pp;

/*
 * Thread @me's turns are seq 2r + me.  It waits for its turn, holds it for 50 us
 * (a poller would go round thousands of times meanwhile), passes it on, wakes the other.
 */
static int ping_pong_fn(void *arg)
{
	int me = (int)(long)arg;
	DEFINE_WAIT(w);

	for (unsigned int r = 0; r < PP_ROUNDS; r++) {
		unsigned int turn = 2 * r + me;

		for (;;) {
			prepare_to_wait(&pp.wq, &w, TASK_UNINTERRUPTIBLE);
			pp.loops[me]++;
			if (__atomic_load_n(&pp.seq, __ATOMIC_ACQUIRE) == turn)
				break;
			schedule();
		}
		finish_wait(&pp.wq, &w);
		udelay(50);
		__atomic_store_n(&pp.seq, turn + 1, __ATOMIC_RELEASE);
		wake_up(&pp.wq);
	}
	return 0;
}

TEST_CASE(wait_test_ping_pong_across_two_cpus_loses_no_wake_up)
{
	struct task_struct *k[2];

	init_waitqueue_head(&pp.wq);
	pp.seq = 0;
	pp.loops[0] = pp.loops[1] = 0;
	for (int i = 0; i < 2; i++) {
		k[i] = start_on_own_cpu(ping_pong_fn, (void *)(long)i, "pingpong", i);
		ASSERT_NOT_NULL(t, k[i]);
	}
	for (int i = 0; i < 2; i++)
		if (finish(k[i]) == -ETIMEDOUT)
			ktest_fail(t, __FILE__, __LINE__,
				   "thread %d hung at seq %u: a wake-up was lost", i,
				   __atomic_load_n(&pp.seq, __ATOMIC_RELAXED));
	EXPECT_EQ(t, pp.seq, 2 * PP_ROUNDS);
	/* Once per turn when the other's wake-up came first, twice when it slept. */
	EXPECT_LE(t, pp.loops[0], 2 * PP_ROUNDS + 2);
	EXPECT_LE(t, pp.loops[1], 2 * PP_ROUNDS + 2);
	EXPECT_FALSE(t, waitqueue_active(&pp.wq));
}

#define TOKENS 300

static struct {
	struct wait_queue_head wq;   /* consumers wait here, exclusively */
	struct wait_queue_head room; /* the producer waits here for the token to go */
	int tokens, consumed, done, loops;
	int churns;
} tk;

static bool take_token(void)
{
	int n = __atomic_load_n(&tk.tokens, __ATOMIC_ACQUIRE);

	while (n > 0)
		if (__atomic_compare_exchange_n(&tk.tokens, &n, n - 1, false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			return true;
	return false;
}

static int consumer_fn(void *arg)
{
	DEFINE_WAIT(w);

	for (;;) {
		prepare_to_wait_exclusive(&tk.wq, &w, TASK_UNINTERRUPTIBLE);
		__atomic_add_fetch(&tk.loops, 1, __ATOMIC_RELAXED);
		if (take_token()) {
			finish_wait(&tk.wq, &w);
			__atomic_add_fetch(&tk.consumed, 1, __ATOMIC_RELEASE);
			wake_up(&tk.room);
			continue;
		}
		if (__atomic_load_n(&tk.done, __ATOMIC_ACQUIRE))
			break;
		schedule();
	}
	finish_wait(&tk.wq, &w);
	return 0;
}

/* Joins and leaves the consumers' queue without sleeping, as fast as it can. */
static int churn_fn(void *arg)
{
	DEFINE_WAIT(w);

	while (!__atomic_load_n(&tk.done, __ATOMIC_ACQUIRE)) {
		prepare_to_wait(&tk.wq, &w, TASK_RUNNING);
		finish_wait(&tk.wq, &w);
		tk.churns++;
	}
	return 0;
}

TEST_CASE(wait_test_wake_ups_race_waiters_coming_and_going_on_two_cpus)
{
	struct task_struct *k[3];

	memset(&tk, 0, sizeof(tk));
	init_waitqueue_head(&tk.wq);
	init_waitqueue_head(&tk.room);
	k[0] = start_on_own_cpu(consumer_fn, NULL, "consumer", 0);
	k[1] = start_on_own_cpu(consumer_fn, NULL, "consumer", 1);
	k[2] = start_on_own_cpu(churn_fn, NULL, "churn", 0);
	for (int i = 0; i < 3; i++)
		ASSERT_NOT_NULL(t, k[i]);
	/* One token at a time: each waits for the last to be taken. */
	for (int i = 0; i < TOKENS; i++) {
		udelay(50);
		__atomic_add_fetch(&tk.tokens, 1, __ATOMIC_RELEASE);
		wake_up(&tk.wq);
		if (!wait_event_timeout(tk.room,
					__atomic_load_n(&tk.consumed, __ATOMIC_ACQUIRE) == i + 1,
					msecs_to_jiffies(2000))) {
			ktest_fail(t, __FILE__, __LINE__, "token %d was never taken", i);
			break;
		}
	}
	__atomic_store_n(&tk.done, 1, __ATOMIC_RELEASE);
	wake_up_all(&tk.wq);
	for (int i = 0; i < 3; i++)
		if (finish(k[i]) == -ETIMEDOUT)
			ktest_fail(t, __FILE__, __LINE__, "thread %d hung", i);
	EXPECT_EQ(t, tk.consumed, TOKENS);
	EXPECT_EQ(t, tk.tokens, 0);
	/*
	 * A consumer goes round once per token it takes and once per wake-up:
	 * about two rounds a token, a few more when both are woken at the end.
	 */
	EXPECT_LE(t, tk.loops, 3 * TOKENS + 10);
	EXPECT_GT(t, tk.churns, 0);
	EXPECT_FALSE(t, waitqueue_active(&tk.wq));
}

static int waits_for_wc_fn(void *arg)
{
	wait_for_completion(&wc);
	return 0;
}

TEST_CASE(wait_test_wait_for_completion_sleeps_as_an_exclusive_waiter)
{
	struct task_struct *k, *task = NULL;
	unsigned int flags = 0;
	unsigned long irqflags;
	bool slept;
	int len;

	init_completion(&wc);
	k = start(waits_for_wc_fn, NULL, "cwaiter");
	ASSERT_NOT_NULL(t, k);
	slept = asleep(k, TASK_UNINTERRUPTIBLE);
	msleep(5);
	len = queue_len(&wc.wait);
	spin_lock_irqsave(&wc.wait.lock, irqflags);
	if (len == 1 && !list_empty(&wc.wait.head)) { /* the entry is on the waiter's stack */
		struct wait_queue_entry *e =
			list_first_entry(&wc.wait.head, struct wait_queue_entry, entry);

		task = e->task;
		flags = e->flags;
	}
	spin_unlock_irqrestore(&wc.wait.lock, irqflags);
	complete(&wc);
	if (finish(k) == -ETIMEDOUT) {
		complete_all(&wc);
		ktest_fail(t, __FILE__, __LINE__, "the waiter never returned");
	}
	EXPECT_TRUE(t, slept);
	EXPECT_EQ(t, len, 1);
	EXPECT_TRUE(t, task == k);
	EXPECT_TRUE(t, flags & WQ_FLAG_EXCLUSIVE);
	EXPECT_FALSE(t, waitqueue_active(&wc.wait));
}

static const struct ktest_case wait_cases[] = {
	KTEST(wait_test_prepare_to_wait_queues_the_waiter_and_sets_its_state),
	KTEST(wait_test_a_waiter_sleeps_on_the_queue_until_woken),
	KTEST(wait_test_wake_up_wakes_every_plain_waiter_and_nr_exclusive_ones),
	KTEST(wait_test_wake_up_passes_over_an_exclusive_waiter_already_awake),
	KTEST(wait_test_each_complete_lets_one_waiter_through),
	KTEST(wait_test_complete_counts_and_complete_all_stays_open_until_reinit),
	KTEST(wait_test_wait_for_completion_timeout_returns_the_jiffies_left),
	KTEST_TIMEOUT(wait_test_ping_pong_across_two_cpus_loses_no_wake_up, 20000),
	KTEST_TIMEOUT(wait_test_wake_ups_race_waiters_coming_and_going_on_two_cpus, 20000),
	KTEST(wait_test_wait_for_completion_sleeps_as_an_exclusive_waiter),
	{}
};
TEST_SUITE(wait, wait_cases);
