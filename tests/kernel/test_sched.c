/*
 * SPDX-License-Identifier: MIT
 * tests/kernel/test_sched.c - threads, preemption, wait queues, completions,
 * softirqs and the execution-context checks.
 */
#include <kernel/completion.h>
#include <kernel/err.h>
#include <kernel/irq.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/softirq.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <mm/slab.h>
#include <string.h>

#define TEST_IRQ 10 /* an ISA line no device uses under QEMU's pc machine */

static struct task_struct *start(int (*fn)(void *), void *arg, const char *name)
{
	return ktest_thread_start(fn, arg, name);
}

static int finish(struct task_struct *k)
{
	return ktest_thread_finish(k, 5000);
}

static int return_arg(void *arg)
{
	return (int)(long)arg;
}

TEST_CASE(sched_test_thread_runs_and_returns_its_code)
{
	struct task_struct *k = start(return_arg, (void *)42L, "ret42");

	ASSERT_NOT_NULL(t, k);
	EXPECT_EQ(t, finish(k), 42);
}

static int exit_early(void *arg)
{
	kthread_exit(7);
}

TEST_CASE(sched_test_kthread_exit_ends_the_thread)
{
	struct task_struct *k = start(exit_early, NULL, "exit7");

	ASSERT_NOT_NULL(t, k);
	EXPECT_EQ(t, finish(k), 7);
}

static int yield_counter;

static int yielder(void *arg)
{
	for (int i = 0; i < 100; i++) {
		__atomic_add_fetch(&yield_counter, 1, __ATOMIC_RELAXED);
		yield();
	}
	return 0;
}

TEST_CASE(sched_test_many_threads_all_finish)
{
	struct task_struct *k[16];

	yield_counter = 0;
	for (int i = 0; i < 16; i++) {
		k[i] = start(yielder, NULL, "yielder");
		ASSERT_NOT_NULL(t, k[i]);
	}
	for (int i = 0; i < 16; i++)
		EXPECT_EQ(t, finish(k[i]), 0);
	EXPECT_EQ(t, yield_counter, 1600);
}

static volatile bool spin_stop;

static int spinner(void *arg)
{
	while (!READ_ONCE(spin_stop))
		cpu_relax(); /* never sleeps, never yields */
	return 1;
}

/* A thread that never gives up the CPU must not stop the others: the tick preempts it. */
TEST_CASE(sched_test_timer_preempts_a_busy_thread)
{
	struct task_struct *k;
	unsigned long before;

	spin_stop = false;
	k = start(spinner, NULL, "spinner");
	ASSERT_NOT_NULL(t, k);
	before = jiffies;
	msleep(30); /* only returns if the spinner is preempted */
	EXPECT_GE(t, jiffies - before, 30);
	EXPECT_GT(t, k->runtime_ticks, 0);
	spin_stop = true;
	EXPECT_EQ(t, finish(k), 1);
}

static DECLARE_WAIT_QUEUE_HEAD(test_wq);
static volatile int wq_cond;
static volatile int wq_woken;

static int waiter(void *arg)
{
	wait_event(test_wq, wq_cond);
	__atomic_add_fetch(&wq_woken, 1, __ATOMIC_RELAXED);
	return 0;
}

TEST_CASE(sched_test_wait_event_sleeps_until_condition)
{
	struct task_struct *k;

	wq_cond = 0;
	wq_woken = 0;
	k = start(waiter, NULL, "waiter");
	ASSERT_NOT_NULL(t, k);
	msleep(20);
	EXPECT_EQ(t, wq_woken, 0); /* still asleep */
	EXPECT_EQ(t, k->state, TASK_UNINTERRUPTIBLE);
	wake_up(&test_wq); /* a wake-up without the condition */
	msleep(10);
	EXPECT_EQ(t, wq_woken, 0); /* re-checked, went back to sleep */
	wq_cond = 1;
	wake_up(&test_wq);
	EXPECT_EQ(t, finish(k), 0);
	EXPECT_EQ(t, wq_woken, 1);
}

/*
 * A switch pending when prepare_to_wait drops the queue's lock (after it has
 * set the thread's state to sleeping) is a preemption: the thread must come
 * back and see that its condition is already true, not sleep for ever.
 */
TEST_CASE(sched_test_preemption_inside_prepare_to_wait_loses_no_wakeup)
{
	DECLARE_WAIT_QUEUE_HEAD(wq);
	long ret;

	set_tsk_need_resched(current);
	wait_event(wq, true); /* returns: the condition holds */
	set_tsk_need_resched(current);
	ret = wait_event_timeout(wq, true, msecs_to_jiffies(1000));
	EXPECT_GT(t, ret, 0);
	set_tsk_need_resched(current);
	ret = wait_event_timeout(wq, false, msecs_to_jiffies(20));
	EXPECT_EQ(t, ret, 0); /* and a real timeout still fires */
}

TEST_CASE(sched_test_wait_event_timeout_returns_zero_on_timeout)
{
	unsigned long before = jiffies;
	long ret;

	wq_cond = 0;
	ret = wait_event_timeout(test_wq, wq_cond, msecs_to_jiffies(20));
	EXPECT_EQ(t, ret, 0);
	EXPECT_GE(t, jiffies - before, msecs_to_jiffies(20));
}

TEST_CASE(sched_test_wait_event_timeout_returns_time_left)
{
	long ret;

	wq_cond = 1;
	ret = wait_event_timeout(test_wq, wq_cond, msecs_to_jiffies(1000));
	EXPECT_GT(t, ret, 0); /* true at once: at least 1 */
	wq_cond = 0;
}

static DECLARE_WAIT_QUEUE_HEAD(excl_wq);
static volatile int excl_tokens;
static volatile int excl_done;

static int excl_waiter(void *arg)
{
	DEFINE_WAIT(w);

	for (;;) {
		prepare_to_wait_exclusive(&excl_wq, &w, TASK_UNINTERRUPTIBLE);
		if (excl_tokens > 0) {
			excl_tokens--;
			break;
		}
		schedule();
	}
	finish_wait(&excl_wq, &w);
	__atomic_add_fetch(&excl_done, 1, __ATOMIC_RELAXED);
	return 0;
}

TEST_CASE(sched_test_wake_up_wakes_one_exclusive_waiter)
{
	struct task_struct *k[3];

	excl_tokens = 0;
	excl_done = 0;
	for (int i = 0; i < 3; i++) {
		k[i] = start(excl_waiter, NULL, "excl");
		ASSERT_NOT_NULL(t, k[i]);
	}
	msleep(20);
	excl_tokens = 1;
	wake_up(&excl_wq); /* one token, one wake-up */
	msleep(20);
	EXPECT_EQ(t, excl_done, 1);
	excl_tokens = 2;
	wake_up_all(&excl_wq);
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(t, finish(k[i]), 0);
	EXPECT_EQ(t, excl_done, 3);
}

static struct completion test_done;

static irqreturn_t completing_irq(int irq, void *dev)
{
	complete((struct completion *)dev);
	return IRQ_HANDLED;
}

TEST_CASE(sched_test_completion_from_interrupt_wakes_waiter)
{
	init_completion(&test_done);
	ASSERT_EQ(t, request_irq(TEST_IRQ, completing_irq, 0, "test", &test_done), 0);
	irq_raise_for_test(TEST_IRQ);
	EXPECT_GT(t, wait_for_completion_timeout(&test_done, msecs_to_jiffies(1000)), 0);
	EXPECT_FALSE(t, completion_done(&test_done)); /* the one complete() was used up */
	free_irq(TEST_IRQ, &test_done);
}

TEST_CASE(sched_test_completion_timeout_and_counting)
{
	init_completion(&test_done);
	EXPECT_EQ(t, wait_for_completion_timeout(&test_done, msecs_to_jiffies(10)), 0);
	complete(&test_done);
	complete(&test_done);
	EXPECT_TRUE(t, try_wait_for_completion(&test_done));
	EXPECT_TRUE(t, try_wait_for_completion(&test_done));
	EXPECT_FALSE(t, try_wait_for_completion(&test_done));
	complete_all(&test_done);
	for (int i = 0; i < 5; i++)
		EXPECT_TRUE(t, try_wait_for_completion(&test_done));
	reinit_completion(&test_done);
	EXPECT_FALSE(t, completion_done(&test_done));
}

static int completion_waiter(void *arg)
{
	wait_for_completion(arg);
	return 5;
}

TEST_CASE(sched_test_complete_all_wakes_every_waiter)
{
	struct task_struct *k[4];

	init_completion(&test_done);
	for (int i = 0; i < 4; i++) {
		k[i] = start(completion_waiter, &test_done, "cwait");
		ASSERT_NOT_NULL(t, k[i]);
	}
	msleep(10);
	complete_all(&test_done);
	for (int i = 0; i < 4; i++)
		EXPECT_EQ(t, finish(k[i]), 5);
}

/* What a handler saw about its context, filled in by the handlers below. */
static struct {
	bool in_irq, in_softirq, in_interrupt, irqs_off, ran;
	unsigned long warnings_before, warnings_after;
} seen;

static void record_context(void)
{
	seen.in_irq = in_irq();
	seen.in_softirq = in_softirq();
	seen.in_interrupt = in_interrupt();
	seen.irqs_off = irqs_disabled();
	seen.ran = true;
}

static irqreturn_t might_sleep_irq(int irq, void *dev)
{
	record_context();
	seen.warnings_before = might_sleep_warnings;
	might_sleep();
	seen.warnings_after = might_sleep_warnings;
	return IRQ_HANDLED;
}

TEST_CASE(sched_test_might_sleep_warns_in_irq_context)
{
	u64 mark = log_seq();

	seen = (typeof(seen)){ 0 };
	ASSERT_EQ(t, request_irq(TEST_IRQ, might_sleep_irq, 0, "test", &seen), 0);
	irq_raise_for_test(TEST_IRQ);
	free_irq(TEST_IRQ, &seen);
	ASSERT_TRUE(t, seen.ran);
	EXPECT_TRUE(t, seen.in_irq);
	EXPECT_TRUE(t, seen.in_interrupt);
	EXPECT_TRUE(t, seen.irqs_off);
	EXPECT_EQ(t, seen.warnings_after, seen.warnings_before + 1);
	EXPECT_TRUE(t, log_contains(mark, "BUG: sleeping function called from invalid context"));
	EXPECT_TRUE(t, log_contains(mark, "in_irq(): 1"));
	EXPECT_TRUE(t, log_contains(mark, "might_sleep_irq")); /* the backtrace names the caller */
}

TEST_CASE(sched_test_might_sleep_quiet_in_thread_warns_under_spinlock)
{
	DEFINE_SPINLOCK(lock);
	unsigned long before = might_sleep_warnings;

	EXPECT_FALSE(t, might_sleep());
	EXPECT_EQ(t, might_sleep_warnings, before);
	spin_lock(&lock);
	EXPECT_TRUE(t, in_atomic());
	EXPECT_TRUE(t, might_sleep());
	spin_unlock(&lock);
	EXPECT_FALSE(t, in_atomic());
	EXPECT_EQ(t, might_sleep_warnings, before + 1);
}

/*
 * 3.10's __might_sleep prints one report a second; ours prints ten (tests provoke
 * several in a row and read each) and counts every call (docs/linux-3.10.md#might-sleep-rate).
 */
TEST_CASE(sched_test_might_sleep_prints_ten_reports_a_second_and_counts_every_call)
{
	DEFINE_SPINLOCK(lock);
	size_t len = 64 * 1024, n;
	char *buf = kmalloc(len, GFP_KERNEL);
	unsigned long before;
	int warned = 0, reports = 0;
	u64 mark;

	ASSERT_NOT_NULL(t, buf);
	msleep(1100); /* past any earlier report's rate-limit window */
	before = might_sleep_warnings;
	mark = log_seq();
	spin_lock(&lock);
	for (int i = 0; i < 12; i++)
		warned += might_sleep();
	spin_unlock(&lock);
	n = log_read(mark, buf, len - 1);
	buf[n] = '\0';
	for (char *p = buf; (p = strstr(p, "BUG: sleeping function called")); p++)
		reports++;
	EXPECT_EQ(t, warned, 12);
	EXPECT_EQ(t, might_sleep_warnings, before + 12);
	EXPECT_EQ(t, reports, 10);
	kfree(buf);
}

TEST_CASE(sched_test_contexts_in_a_thread)
{
	DEFINE_SPINLOCK(lock);
	unsigned long flags;

	EXPECT_FALSE(t, in_interrupt());
	EXPECT_FALSE(t, in_irq());
	EXPECT_FALSE(t, in_softirq());
	EXPECT_FALSE(t, irqs_disabled());
	EXPECT_EQ(t, preempt_count(), 0);

	spin_lock_irqsave(&lock, flags);
	EXPECT_TRUE(t, irqs_disabled());
	EXPECT_EQ(t, preempt_count(), 1);
	spin_unlock_irqrestore(&lock, flags);
	EXPECT_FALSE(t, irqs_disabled());

	local_irq_save(flags);
	local_irq_save(flags); /* nests: the inner save sees them off */
	EXPECT_TRUE(t, irqs_disabled());
	local_irq_restore(flags);
	EXPECT_TRUE(t, irqs_disabled());
	local_irq_enable();

	local_bh_disable();
	EXPECT_TRUE(t, in_softirq());
	EXPECT_TRUE(t, in_interrupt());
	local_bh_enable();
	EXPECT_FALSE(t, in_softirq());
}

static int test_softirq_runs;

static void test_softirq_action(void)
{
	record_context();
	test_softirq_runs++;
}

static irqreturn_t raising_irq(int irq, void *dev)
{
	raise_softirq(TEST_SOFTIRQ);
	return IRQ_HANDLED;
}

TEST_CASE(sched_test_softirq_runs_on_irq_exit)
{
	seen = (typeof(seen)){ 0 };
	test_softirq_runs = 0;
	open_softirq(TEST_SOFTIRQ, test_softirq_action);
	ASSERT_EQ(t, request_irq(TEST_IRQ, raising_irq, 0, "test", NULL), 0);
	irq_raise_for_test(TEST_IRQ);
	free_irq(TEST_IRQ, NULL);
	/* irq_exit ran it before returning to us. */
	EXPECT_EQ(t, test_softirq_runs, 1);
	EXPECT_TRUE(t, seen.in_softirq);
	EXPECT_FALSE(t, seen.in_irq);
	EXPECT_FALSE(t, seen.irqs_off); /* softirqs run with interrupts on */
}

TEST_CASE(sched_test_softirq_raised_in_thread_runs_soon)
{
	unsigned long before = softirq_count[TEST_SOFTIRQ];

	test_softirq_runs = 0;
	open_softirq(TEST_SOFTIRQ, test_softirq_action);
	raise_softirq(TEST_SOFTIRQ);
	msleep(20); /* ksoftirqd or the next interrupt's exit runs it */
	EXPECT_EQ(t, test_softirq_runs, 1);
	EXPECT_EQ(t, softirq_count[TEST_SOFTIRQ], before + 1);
}

TEST_CASE(sched_test_softirq_deferred_while_bh_disabled)
{
	test_softirq_runs = 0;
	open_softirq(TEST_SOFTIRQ, test_softirq_action);
	local_bh_disable();
	raise_softirq(TEST_SOFTIRQ);
	mdelay(5); /* ticks come and go; none may run it */
	EXPECT_EQ(t, test_softirq_runs, 0);
	local_bh_enable(); /* runs it here */
	EXPECT_EQ(t, test_softirq_runs, 1);
}

static volatile int preempt_flag_ran;

static int set_preempt_flag(void *unused)
{
	(void)unused;
	preempt_flag_ran = 1;
	return 0;
}

/*
 * The inline preempt_enable() (3.10's preempt_check_resched): a thread woken
 * on this CPU while preemption is off runs at the preempt_enable() that
 * brings the count to 0 with interrupts on, and not before: not at an inner
 * one, not with interrupts off (the switch waits for the next chance).
 */
TEST_CASE(sched_test_preempt_enable_switches_only_at_count_zero_with_irqs_on)
{
	struct task_struct *k = kthread_create(set_preempt_flag, NULL, "preempt_flag");

	ASSERT_FALSE(t, IS_ERR(k));
	get_task_struct(k);
	preempt_flag_ran = 0;
	preempt_disable();
	kthread_bind(k, smp_processor_id()); /* no other CPU may take it */
	wake_up_process(k);
	set_tsk_need_resched(current);
	preempt_disable();
	preempt_enable(); /* count 1: no switch */
	EXPECT_EQ(t, preempt_flag_ran, 0);
	EXPECT_TRUE(t, need_resched());
	local_irq_disable();
	preempt_enable(); /* count 0, interrupts off: no switch */
	EXPECT_EQ(t, preempt_flag_ran, 0);
	EXPECT_TRUE(t, need_resched());
	preempt_disable();
	local_irq_enable();
	preempt_enable(); /* now: the thread runs before this returns */
	EXPECT_EQ(t, preempt_flag_ran, 1);
	EXPECT_FALSE(t, need_resched());
	EXPECT_EQ(t, ktest_thread_finish(k, 5000), 0);
}

/* The same for the unlocks that end a preempt-off section: spin_unlock and _irqrestore. */
TEST_CASE(sched_test_spin_unlock_takes_a_pending_switch)
{
	DEFINE_SPINLOCK(lock);
	unsigned long flags;

	spin_lock(&lock);
	set_tsk_need_resched(current);
	spin_unlock(&lock);
	EXPECT_FALSE(t, need_resched()); /* __schedule ran and cleared it */
	spin_lock_irqsave(&lock, flags);
	set_tsk_need_resched(current);
	spin_unlock_irqrestore(&lock, flags);
	EXPECT_FALSE(t, need_resched());
	local_irq_disable();
	spin_lock_irqsave(&lock, flags);
	set_tsk_need_resched(current);
	spin_unlock_irqrestore(&lock, flags); /* interrupts stay off: it waits */
	EXPECT_TRUE(t, need_resched());
	local_irq_enable();
	local_bh_disable();
	local_bh_enable(); /* 3.10's local_bh_enable checks too */
	EXPECT_FALSE(t, need_resched());
}

static const struct ktest_case sched_cases[] = {
	KTEST(sched_test_thread_runs_and_returns_its_code),
	KTEST(sched_test_kthread_exit_ends_the_thread),
	KTEST(sched_test_many_threads_all_finish),
	KTEST(sched_test_timer_preempts_a_busy_thread),
	KTEST(sched_test_wait_event_sleeps_until_condition),
	KTEST_TIMEOUT(sched_test_preemption_inside_prepare_to_wait_loses_no_wakeup, 3000),
	KTEST(sched_test_wait_event_timeout_returns_zero_on_timeout),
	KTEST(sched_test_wait_event_timeout_returns_time_left),
	KTEST(sched_test_wake_up_wakes_one_exclusive_waiter),
	KTEST(sched_test_completion_from_interrupt_wakes_waiter),
	KTEST(sched_test_completion_timeout_and_counting),
	KTEST(sched_test_complete_all_wakes_every_waiter),
	KTEST(sched_test_might_sleep_warns_in_irq_context),
	KTEST(sched_test_might_sleep_quiet_in_thread_warns_under_spinlock),
	KTEST(sched_test_might_sleep_prints_ten_reports_a_second_and_counts_every_call),
	KTEST(sched_test_contexts_in_a_thread),
	KTEST(sched_test_softirq_runs_on_irq_exit),
	KTEST(sched_test_softirq_raised_in_thread_runs_soon),
	KTEST(sched_test_softirq_deferred_while_bh_disabled),
	KTEST(sched_test_preempt_enable_switches_only_at_count_zero_with_irqs_on),
	KTEST(sched_test_spin_unlock_takes_a_pending_switch),
	{}
};
TEST_SUITE(sched, sched_cases);
