/*
 * SPDX-License-Identifier: MIT
 * tests/kernel/test_lockdep.c - the lock validator: one case per report, each
 * provoked without the deadlock it predicts (the second lock of a pair is
 * free when taken), the report counted and its headline in the log; and a
 * clean nesting that reports nothing.  Every case turns the validator back
 * on when done (kernel/lockdep_test.h).  And lock_stat: a lock waited for
 * on another CPU is counted contended; and virt_spin_lock: under QEMU a
 * waiter takes no ticket.  Built only with LOCKDEP=y.
 */
#include <kernel/irq.h>
#include <kernel/ktest.h>
#include <kernel/lockdep.h>
#include <kernel/lockdep_test.h>
#include <kernel/mutex.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include "monitor_test.h"

#ifdef CONFIG_LOCKDEP

#define TEST_IRQ 10 /* an ISA line no device uses under QEMU's pc machine */

/* Static locks: each is a class of its own (keyed by its address). */
static DEFINE_SPINLOCK(lockdep_a);
static DEFINE_SPINLOCK(lockdep_b);
static DEFINE_SPINLOCK(lockdep_c);
static DEFINE_SPINLOCK(lockdep_irq_then_on);
static DEFINE_SPINLOCK(lockdep_on_then_irq);
static DEFINE_SPINLOCK(lockdep_sleeper);
static DEFINE_SPINLOCK(lockdep_mon_x);
static DEFINE_SPINLOCK(lockdep_mon_y);

/* Two locks of one class: one init call site. */
static void init_same_class(spinlock_t *l)
{
	spin_lock_init(l);
}

static unsigned long reports(enum lockdep_report kind)
{
	return READ_ONCE(lockdep_reports[kind]);
}

TEST_CASE(lockdep_test_ab_then_ba_is_a_circular_dependency)
{
	unsigned long before = reports(LOCKDEP_CIRCULAR);
	u64 mark = log_seq();

	lockdep_test_reset();
	spin_lock(&lockdep_a);
	spin_lock(&lockdep_b); /* the edge a -> b */
	spin_unlock(&lockdep_b);
	spin_unlock(&lockdep_a);
	EXPECT_EQ(t, debug_locks, 1);
	spin_lock(&lockdep_b);
	spin_lock(&lockdep_a); /* b -> a closes the cycle */
	spin_unlock(&lockdep_a);
	spin_unlock(&lockdep_b);
	EXPECT_EQ(t, reports(LOCKDEP_CIRCULAR), before + 1);
	EXPECT_EQ(t, debug_locks, 0);
	EXPECT_TRUE(t,
		    log_contains(mark, "WARNING: possible circular locking dependency detected"));
	EXPECT_TRUE(t, log_contains(mark, "the existing dependency chain (in reverse order) is:"));
	EXPECT_TRUE(t, log_contains(mark, "-> #1 (lockdep_b)"));
	/* Both stacks: the edge's, saved when a -> b was made, and the current one. */
	EXPECT_TRUE(t, log_contains(mark, "lockdep_test_ab_then_ba_is_a_circular_dependency+"));
	lockdep_test_reset();
}

static irqreturn_t take_in_irq(int irq, void *dev)
{
	spinlock_t *l = dev;

	spin_lock(l);
	spin_unlock(l);
	return IRQ_HANDLED;
}

static void take_in_hardirq(struct ktest *t, spinlock_t *l)
{
	ASSERT_EQ(t, request_irq(TEST_IRQ, take_in_irq, 0, "lockdep", l), 0);
	irq_raise_for_test(TEST_IRQ);
	free_irq(TEST_IRQ, l);
}

TEST_CASE(lockdep_test_hardirq_lock_then_irqs_on_is_inconsistent)
{
	unsigned long before = reports(LOCKDEP_INCONSISTENT);
	u64 mark = log_seq();

	lockdep_test_reset();
	take_in_hardirq(t, &lockdep_irq_then_on);
	EXPECT_EQ(t, debug_locks, 1);
	spin_lock(&lockdep_irq_then_on); /* interrupts on: the handler could come now */
	spin_unlock(&lockdep_irq_then_on);
	EXPECT_EQ(t, reports(LOCKDEP_INCONSISTENT), before + 1);
	EXPECT_TRUE(t, log_contains(mark, "WARNING: inconsistent lock state"));
	EXPECT_TRUE(t, log_contains(mark, "inconsistent {IN-HARDIRQ-W} -> {HARDIRQ-ON-W} usage."));
	EXPECT_TRUE(t, log_contains(mark, "take_in_irq+")); /* where IN-HARDIRQ-W was seen */
	lockdep_test_reset();
}

TEST_CASE(lockdep_test_irqs_on_lock_then_hardirq_is_inconsistent)
{
	unsigned long before = reports(LOCKDEP_INCONSISTENT);
	u64 mark = log_seq();

	lockdep_test_reset();
	spin_lock(&lockdep_on_then_irq);
	spin_unlock(&lockdep_on_then_irq);
	take_in_hardirq(t, &lockdep_on_then_irq);
	EXPECT_EQ(t, reports(LOCKDEP_INCONSISTENT), before + 1);
	EXPECT_TRUE(t, log_contains(mark, "inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage."));
	EXPECT_TRUE(t, log_contains(mark, "<Interrupt>"));
	lockdep_test_reset();
}

TEST_CASE(lockdep_test_two_locks_of_one_class_nested_are_recursive)
{
	unsigned long before = reports(LOCKDEP_RECURSIVE);
	spinlock_t x, y;
	u64 mark = log_seq();

	init_same_class(&x);
	init_same_class(&y);
	lockdep_test_reset();
	spin_lock(&x);
	spin_lock(&y); /* another lock, so no real deadlock; the same class */
	spin_unlock(&y);
	spin_unlock(&x);
	EXPECT_EQ(t, reports(LOCKDEP_RECURSIVE), before + 1);
	EXPECT_TRUE(t, log_contains(mark, "WARNING: possible recursive locking detected"));
	EXPECT_TRUE(t, log_contains(mark, "May be due to missing lock nesting notation"));
	lockdep_test_reset();
}

TEST_CASE(lockdep_test_spin_lock_nested_marks_a_legitimate_nesting)
{
	unsigned long before = reports(LOCKDEP_RECURSIVE);
	spinlock_t x, y;

	init_same_class(&x);
	init_same_class(&y);
	lockdep_test_reset();
	spin_lock(&x);
	spin_lock_nested(&y, SINGLE_DEPTH_NESTING);
	EXPECT_EQ(t, lockdep_depth(), 2);
	spin_unlock(&y);
	spin_unlock(&x);
	EXPECT_EQ(t, reports(LOCKDEP_RECURSIVE), before);
	EXPECT_EQ(t, debug_locks, 1);
}

TEST_CASE(lockdep_test_unlocking_a_lock_not_held_is_bad_unlock_balance)
{
	unsigned long before = reports(LOCKDEP_BAD_UNLOCK);
	spinlock_t l;
	u64 mark = log_seq();

	spin_lock_init(&l);
	lockdep_test_reset();
	preempt_disable(); /* the count spin_unlock gives back */
	spin_unlock(&l);   /* the ticket word is wrong after this: l is not used again */
	EXPECT_EQ(t, reports(LOCKDEP_BAD_UNLOCK), before + 1);
	EXPECT_TRUE(t, log_contains(mark, "WARNING: bad unlock balance detected!"));
	EXPECT_TRUE(t, log_contains(mark, "but there are no more locks to release!"));
	lockdep_test_reset();
}

static unsigned long all_reports(void)
{
	unsigned long total = 0;

	for (int i = 0; i < LOCKDEP_NR_REPORTS; i++)
		total += reports(i);
	return total;
}

/* The monitor's `lockdep` lists a class with its dependencies, acquisitions and usage. */
TEST_CASE(lockdep_test_monitor_lists_each_class_with_its_dependencies)
{
	u64 mark = log_seq();

	lockdep_test_reset();
	spin_lock(&lockdep_mon_x); /* x -> y: one dependency out of x, one into y */
	spin_lock(&lockdep_mon_y);
	spin_unlock(&lockdep_mon_y);
	spin_unlock(&lockdep_mon_x);
	EXPECT_EQ(t, exec("lockdep"), 0);
	EXPECT_TRUE(t, log_contains(mark, "validator on"));
	EXPECT_TRUE(t, log_contains(mark, "    1     0         1  (lockdep_mon_x){+.+.}"));
	EXPECT_TRUE(t, log_contains(mark, "    0     1         1  (lockdep_mon_y){+.+.}"));
}

TEST_CASE(lockdep_test_clean_nesting_a_b_c_reports_nothing)
{
	unsigned long before;

	lockdep_test_reset();
	before = all_reports();
	for (int round = 0; round < 2; round++) {
		spin_lock(&lockdep_a);
		spin_lock(&lockdep_b);
		spin_lock(&lockdep_c);
		EXPECT_EQ(t, lockdep_depth(), 3);
		spin_unlock(&lockdep_c);
		spin_unlock(&lockdep_b);
		spin_unlock(&lockdep_a);
	}
	EXPECT_EQ(t, all_reports(), before);
	EXPECT_EQ(t, debug_locks, 1);
	EXPECT_EQ(t, lockdep_depth(), 0);
}

TEST_CASE(lockdep_test_might_sleep_under_a_spinlock_lists_the_lock)
{
	u64 mark = log_seq();

	lockdep_test_reset();
	msleep(1100); /* past might_sleep's rate-limit window */
	spin_lock(&lockdep_sleeper);
	EXPECT_TRUE(t, might_sleep());
	spin_unlock(&lockdep_sleeper);
	EXPECT_TRUE(t, log_contains(mark, "BUG: sleeping function called from invalid context"));
	EXPECT_TRUE(t, log_contains(mark, "1 lock held by"));
	EXPECT_TRUE(t, log_contains(mark, "(lockdep_sleeper){"));
	EXPECT_EQ(t, debug_locks, 1); /* a sleep report is not the validator's: it stays on */
}

TEST_CASE(lockdep_test_schedule_under_a_spinlock_is_scheduling_while_atomic)
{
	unsigned long before = schedule_atomic_warnings;
	u64 mark = log_seq();

	lockdep_test_reset();
	spin_lock(&lockdep_sleeper);
	schedule_debug(current); /* what schedule() calls first */
	spin_unlock(&lockdep_sleeper);
	schedule_debug(current); /* not atomic: silent */
	EXPECT_EQ(t, schedule_atomic_warnings, before + 1);
	EXPECT_TRUE(t, log_contains(mark, "BUG: scheduling while atomic"));
	EXPECT_TRUE(t, log_contains(mark, "(lockdep_sleeper){"));
}

static DEFINE_MUTEX(lockdep_mutex);

static int lock_and_leave(void *unused)
{
	mutex_lock(&lockdep_mutex);
	return 0; /* ends holding it: the test unlocks it from another thread */
}

TEST_CASE(lockdep_test_mutex_unlock_by_a_non_owner_is_reported)
{
	unsigned long before = reports(LOCKDEP_DEBUG_WARN);
	struct task_struct *k;
	u64 mark = log_seq();

	lockdep_test_reset();
	k = ktest_thread_start(lock_and_leave, NULL, "holder");
	ASSERT_NOT_NULL(t, k);
	ASSERT_EQ(t, ktest_thread_finish(k, 5000), 0);
	EXPECT_TRUE(t, mutex_is_locked(&lockdep_mutex));
	mutex_unlock(&lockdep_mutex);
	EXPECT_FALSE(t, mutex_is_locked(&lockdep_mutex));
	EXPECT_EQ(t, reports(LOCKDEP_DEBUG_WARN), before + 1);
	EXPECT_TRUE(t, log_contains(mark, "DEBUG_LOCKS_WARN_ON(lock->owner != current)"));
	lockdep_test_reset();
}

static DEFINE_SPINLOCK(lockdep_contended_lock);
static int lockdep_held, lockdep_spinning;

/* On CPU 0: take the lock, wait for the spinner to be at it, hold it 50 ms longer. */
static int hold_contended_lock(void *unused)
{
	spin_lock(&lockdep_contended_lock);
	WRITE_ONCE(lockdep_held, 1);
	while (!READ_ONCE(lockdep_spinning))
		cpu_relax();
	mdelay(50);
	spin_unlock(&lockdep_contended_lock);
	return 0;
}

/* On CPU 1: once the holder has it, take it too: a wait. */
static int spin_on_held_lock(void *unused)
{
	while (!READ_ONCE(lockdep_held))
		cpu_relax();
	WRITE_ONCE(lockdep_spinning, 1);
	spin_lock(&lockdep_contended_lock);
	spin_unlock(&lockdep_contended_lock);
	return 0;
}

/*
 * lock_stat: a lock one CPU holds while another CPU takes it is counted
 * once as contended, and `lock_stat` lists its class.
 */
TEST_CASE(lockdep_test_a_lock_held_while_another_cpu_spins_is_counted_contended)
{
	struct lockdep_map *map = &lockdep_contended_lock.rlock.dep_map;
	struct task_struct *holder, *spinner;
	unsigned long before;
	u64 mark = log_seq();

	if (num_online_cpus() < 2)
		ktest_skip(t, "needs two CPUs");
	lockdep_test_reset();
	spin_lock(&lockdep_contended_lock); /* registers the class */
	spin_unlock(&lockdep_contended_lock);
	before = lock_stat_contentions(map);
	/* A round counts one wait, unless the host kept the spinner off its CPU for 50 ms. */
	for (int round = 0; round < 5 && lock_stat_contentions(map) == before; round++) {
		WRITE_ONCE(lockdep_held, 0);
		WRITE_ONCE(lockdep_spinning, 0);
		spinner = ktest_thread_start_on(spin_on_held_lock, NULL, "spinner", 1);
		ASSERT_NOT_NULL(t, spinner); /* before the holder, who waits for it */
		holder = ktest_thread_start_on(hold_contended_lock, NULL, "holder", 0);
		ASSERT_NOT_NULL(t, holder);
		EXPECT_EQ(t, ktest_thread_finish(holder, 5000), 0);
		EXPECT_EQ(t, ktest_thread_finish(spinner, 5000), 0);
	}
	EXPECT_EQ(t, lock_stat_contentions(map), before + 1);
	EXPECT_EQ(t, exec("lock_stat"), 0);
	EXPECT_TRUE(t, log_contains(mark, "contentions"));
	EXPECT_TRUE(t, log_contains(mark, "lockdep_contended_lock "));
	EXPECT_EQ(t, debug_locks, 1);
}

/* virt_spin_lock: an arch lock held on CPU 0, a waiter on CPU 1, the word read meanwhile. */
static struct {
	arch_spinlock_t lock;
	int held, spinning;
	unsigned int waiters_tickets; /* tail - head - 1 seen by the holder while CPU 1 waited */
} vsl;

static int vsl_hold(void *unused)
{
	struct __raw_tickets tk;
	u64 end;

	preempt_disable(); /* a bare arch lock: we keep the CPU ourselves */
	arch_spin_lock(&vsl.lock);
	WRITE_ONCE(vsl.held, 1);
	while (!READ_ONCE(vsl.spinning))
		cpu_relax();
	/*
	 * CPU 1 is about to call arch_spin_lock: a ticket shows as soon as it
	 * takes one; a trylock spinner never takes one.  200 ms is plenty for
	 * the first even when the host keeps CPU 1's thread waiting.
	 */
	end = ktime_get_ns() + 200 * NSEC_PER_MSEC;
	do {
		tk = READ_ONCE(vsl.lock.tickets);
	} while ((__ticket_t)(tk.tail - tk.head) < 2 && ktime_get_ns() < end);
	vsl.waiters_tickets = (__ticket_t)(tk.tail - tk.head) - 1;
	arch_spin_unlock(&vsl.lock);
	preempt_enable();
	return 0;
}

static int vsl_wait(void *unused)
{
	while (!READ_ONCE(vsl.held))
		cpu_relax();
	WRITE_ONCE(vsl.spinning, 1);
	preempt_disable();
	arch_spin_lock(&vsl.lock);
	arch_spin_unlock(&vsl.lock);
	preempt_enable();
	return 0;
}

/* Run the pair once; the tickets the waiter held while it waited (0 or 1). */
static unsigned int vsl_round(struct ktest *t)
{
	struct task_struct *w, *h;

	vsl.lock = (arch_spinlock_t)__ARCH_SPIN_LOCK_UNLOCKED;
	WRITE_ONCE(vsl.held, 0);
	WRITE_ONCE(vsl.spinning, 0);
	vsl.waiters_tickets = ~0U;
	w = ktest_thread_start_on(vsl_wait, NULL, "vsl-wait", 1);
	h = ktest_thread_start_on(vsl_hold, NULL, "vsl-hold", 0);
	if (w)
		EXPECT_EQ(t, ktest_thread_finish(w, 5000), 0);
	if (h)
		EXPECT_EQ(t, ktest_thread_finish(h, 5000), 0);
	EXPECT_NOT_NULL(t, w);
	EXPECT_NOT_NULL(t, h);
	EXPECT_FALSE(t, arch_spin_is_locked(&vsl.lock));
	return vsl.waiters_tickets;
}

/*
 * Under QEMU (CPUID hypervisor bit) a waiter spins with trylock and takes
 * no ticket, so a descheduled waiter never holds the line up; with the
 * bypass off (nopvspin) it queues on a ticket, as 3.10.  Both on one word.
 */
TEST_CASE(lockdep_test_under_a_hypervisor_a_spinlock_waiter_takes_no_ticket)
{
	bool was = READ_ONCE(virt_spin_lock_enabled);

	if (num_online_cpus() < 2)
		ktest_skip(t, "needs two CPUs");
	EXPECT_TRUE(t, was); /* QEMU sets CPUID.01H:ECX.hypervisor; the tests never pass nopvspin */
	WRITE_ONCE(virt_spin_lock_enabled, true);
	EXPECT_EQ(t, vsl_round(t), 0);
	WRITE_ONCE(virt_spin_lock_enabled,
		   false); /* the other CPUs' locks mix: same word, same free */
	EXPECT_EQ(t, vsl_round(t), 1);
	WRITE_ONCE(virt_spin_lock_enabled, was);
}

static const struct ktest_case lockdep_cases[] = {
	KTEST(lockdep_test_ab_then_ba_is_a_circular_dependency),
	KTEST(lockdep_test_hardirq_lock_then_irqs_on_is_inconsistent),
	KTEST(lockdep_test_irqs_on_lock_then_hardirq_is_inconsistent),
	KTEST(lockdep_test_two_locks_of_one_class_nested_are_recursive),
	KTEST(lockdep_test_spin_lock_nested_marks_a_legitimate_nesting),
	KTEST(lockdep_test_unlocking_a_lock_not_held_is_bad_unlock_balance),
	KTEST(lockdep_test_clean_nesting_a_b_c_reports_nothing),
	KTEST(lockdep_test_monitor_lists_each_class_with_its_dependencies),
	KTEST(lockdep_test_might_sleep_under_a_spinlock_lists_the_lock),
	KTEST(lockdep_test_schedule_under_a_spinlock_is_scheduling_while_atomic),
	KTEST(lockdep_test_mutex_unlock_by_a_non_owner_is_reported),
	KTEST(lockdep_test_a_lock_held_while_another_cpu_spins_is_counted_contended),
	KTEST(lockdep_test_under_a_hypervisor_a_spinlock_waiter_takes_no_ticket),
	{}
};
TEST_SUITE(lockdep, lockdep_cases);

#endif /* CONFIG_LOCKDEP */
