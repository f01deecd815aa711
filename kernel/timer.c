/*
 * SPDX-License-Identifier: MIT
 * kernel/timer.c - timer_list: "call this function at jiffy N", and msleep.
 *
 * Pending timers sit on one list sorted by expiry, earliest first:
 *
 *   timer_base.pending -> [expires 105] -> [expires 230] -> [expires 231] -> (head)
 *
 * so the tick only looks at the first entry.  The work is split the usual way:
 *
 *   tick (hardirq)    run_local_timers(): first one due?  raise TIMER_SOFTIRQ
 *   TIMER_SOFTIRQ     run_timer_softirq(): take every due timer off the
 *                     list, call its function with interrupts on
 *
 * A timer function runs in softirq context: it must not sleep, it may
 * re-arm its own timer (mod_timer), or arm and delete others.
 *
 * Locking: the list is touched from threads, softirqs and the tick, so every
 * access holds timer_base.lock with interrupts off.  The lock is dropped
 * around each timer function, which may itself call mod_timer/del_timer.
 * `pending` is true exactly while the timer is on a list (the main one, or
 * the softirq's private list of timers about to run).
 *
 * 3.10 keeps a timer wheel; we one sorted list, O(n) per mod_timer: docs/linux-3.10.md
 */
#include <kernel/list.h>
#include <kernel/sched.h>
#include <kernel/softirq.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>

/* 3.10 has a timer wheel per CPU; we one sorted list, run by CPU 0's tick: docs/linux-3.10.md */
static struct {
	spinlock_t lock;
	struct list_head pending;	  /* armed timers, sorted by expires */
	struct timer_list *running_timer; /* whose function runs now (del_timer_sync) */
} timer_base = {
	.lock = __SPIN_LOCK_UNLOCKED(timer_base.lock),
	.pending = LIST_HEAD_INIT(timer_base.pending),
};

/*
 * timer_setup - prepare @t to call @fn(t) when it fires (@flags: none yet).
 * Call once before the first mod_timer; never on a pending timer.
 */
void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *), unsigned int flags)
{
	INIT_LIST_HEAD(&t->entry);
	t->expires = 0;
	t->function = fn;
	t->pending = false;
}

/* Take @t off whichever list it is on.  Caller holds timer_base.lock. */
static int __detach_timer(struct timer_list *t)
{
	if (!t->pending)
		return 0;
	list_del_init(&t->entry);
	t->pending = false;
	return 1;
}

/* Insert @t in expiry order, after timers with the same expiry (they fire in arming order). */
static void __enqueue_timer(struct timer_list *t)
{
	struct timer_list *pos;

	list_for_each_entry(pos, &timer_base.pending, entry)
		if (time_after(pos->expires, t->expires))
			break;
	list_add_tail(&t->entry, &pos->entry); /* before pos, or at the tail */
	t->pending = true;
}

/*
 * mod_timer - (re)arm @t for jiffy @expires; a time already past fires at
 * the next tick.  Returns 1 if @t was pending (it is moved), else 0.
 * Context: any (thread, softirq, hardirq).
 */
int mod_timer(struct timer_list *t, unsigned long expires)
{
	unsigned long flags;
	int was_pending;

	spin_lock_irqsave(&timer_base.lock, flags);
	was_pending = __detach_timer(t);
	t->expires = expires;
	__enqueue_timer(t);
	spin_unlock_irqrestore(&timer_base.lock, flags);
	return was_pending;
}

/*
 * del_timer - disarm @t.  Returns 1 if it was pending, 0 if it had fired
 * or was never armed.  Its function may still be running on another CPU:
 * use del_timer_sync() before freeing @t.  Context: any.
 */
int del_timer(struct timer_list *t)
{
	unsigned long flags;
	int was_pending;

	spin_lock_irqsave(&timer_base.lock, flags);
	was_pending = __detach_timer(t);
	spin_unlock_irqrestore(&timer_base.lock, flags);
	return was_pending;
}

int del_timer_sync(struct timer_list *t)
{
	for (;;) {
		unsigned long flags;
		int was_pending;

		spin_lock_irqsave(&timer_base.lock, flags);
		was_pending = __detach_timer(t);
		if (timer_base.running_timer != t) {
			spin_unlock_irqrestore(&timer_base.lock, flags);
			return was_pending;
		}
		spin_unlock_irqrestore(&timer_base.lock, flags);
		/* Its function runs on another CPU (or we interrupted it: a bug, it never ends). */
		WARN_ON_ONCE(in_interrupt());
		cpu_relax();
	}
}

/* From the tick (hardirq): only looks at the earliest timer; the softirq does the work. */
void run_local_timers(void)
{
	unsigned long flags;
	struct timer_list *first;

	spin_lock_irqsave(&timer_base.lock, flags);
	if (!list_empty(&timer_base.pending)) {
		first = list_first_entry(&timer_base.pending, struct timer_list, entry);
		if (time_after_eq(jiffies, first->expires))
			raise_softirq(TIMER_SOFTIRQ);
	}
	spin_unlock_irqrestore(&timer_base.lock, flags);
}

/*
 * Move every due timer to @due.  Done once per softirq run, so a timer
 * that re-arms itself for "now" goes back on the main list and waits for
 * the next tick instead of looping here forever.
 */
static void __collect_due(struct list_head *due)
{
	while (!list_empty(&timer_base.pending)) {
		struct timer_list *t;

		t = list_first_entry(&timer_base.pending, struct timer_list, entry);
		if (time_before(jiffies, t->expires))
			break;
		list_del(&t->entry);
		list_add_tail(&t->entry, due);
	}
}

/* TIMER_SOFTIRQ: run the due timers, each with the lock dropped and interrupts on. */
static void run_timer_softirq(void)
{
	LIST_HEAD(due);
	unsigned long flags;

	spin_lock_irqsave(&timer_base.lock, flags);
	__collect_due(&due);
	while (!list_empty(&due)) {
		struct timer_list *t = list_first_entry(&due, struct timer_list, entry);
		void (*fn)(struct timer_list *) = t->function;

		__detach_timer(t);
		timer_base.running_timer = t;
		spin_unlock_irqrestore(&timer_base.lock, flags);
		fn(t); /* may free, re-arm or delete t and others */
		spin_lock_irqsave(&timer_base.lock, flags);
		timer_base.running_timer = NULL;
	}
	spin_unlock_irqrestore(&timer_base.lock, flags);
}

/* Boot, before the tick starts (time_init): hook the timer softirq. */
void timers_init(void)
{
	open_softirq(TIMER_SOFTIRQ, run_timer_softirq);
}

/*
 * The +1: the current jiffy is already partly over, so n jiffies from now
 * may be only n-1 full periods away.  Sleeping again after an early
 * wake-up keeps the promise "at least @msecs".
 */
void msleep(unsigned int msecs)
{
	long timeout = msecs_to_jiffies(msecs) + 1;

	while (timeout) {
		current->state = TASK_UNINTERRUPTIBLE;
		timeout = schedule_timeout(timeout);
	}
}

/*
 * The state is set before the signal is checked: a send_sig() between the
 * two then finds us TASK_INTERRUPTIBLE and wakes us, so no Ctrl-C is
 * missed (the same order as prepare_to_wait, kernel/wait.h).
 */
unsigned long msleep_interruptible(unsigned int msecs)
{
	long timeout = msecs_to_jiffies(msecs) + 1;

	while (timeout) {
		current->state = TASK_INTERRUPTIBLE;
		if (signal_pending(current)) {
			current->state = TASK_RUNNING;
			break;
		}
		timeout = schedule_timeout(timeout);
	}
	return jiffies_to_msecs((unsigned long)timeout);
}
