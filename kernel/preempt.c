/*
 * SPDX-License-Identifier: MIT
 * kernel/preempt.c - might_sleep(): catching sleeps where sleeping is a bug.
 *
 * Sleeping in an interrupt handler, under a spinlock or with interrupts off
 * would switch away from a context that cannot be switched away from.
 * Functions that may sleep say so with might_sleep(); when called where
 * sleeping is forbidden it prints Linux's message and a backtrace, so the
 * caller is found before the rare day the sleep really happens.
 */
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/irqflags.h>
#include <kernel/lockdep.h>

unsigned long might_sleep_warnings;
bool scheduler_running; /* set once threads run; boot may "sleep" freely before */

bool can_sleep(void)
{
	return preempt_count() == 0 && !irqs_disabled();
}

bool __might_sleep(const char *file, int line)
{
	static struct ratelimit_state rs;

	if (can_sleep() || !scheduler_running || oops_in_progress)
		return false;
	might_sleep_warnings++;
	/* 3.10 reports once a second; we up to 10 a second: docs/linux-3.10.md */
	if (!__ratelimit(&rs, 1000, 10))
		return true;
	printk(KERN_ERR "BUG: sleeping function called from invalid context at %s:%d\n", file,
	       line);
	printk(KERN_ERR "in_atomic(): %d, irqs_disabled(): %d, in_irq(): %d, in_softirq(): %d, "
			"pid: %d, name: %s\n",
	       in_atomic() ? 1 : 0, irqs_disabled() ? 1 : 0, in_irq() ? 1 : 0, in_softirq() ? 1 : 0,
	       current ? current->pid : -1, current ? current->comm : "?");
	printk(KERN_ERR "preempt_count: %x\n", preempt_count());
	debug_show_held_locks(current); /* which spinlock made it atomic (LOCKDEP=y) */
	dump_stack();
	return true;
}

unsigned long schedule_atomic_warnings;

void schedule_debug(struct task_struct *prev)
{
	if (likely(!in_atomic()) || prev->state == TASK_DEAD || oops_in_progress)
		return;
	schedule_atomic_warnings++;
	printk(KERN_ERR "BUG: scheduling while atomic: %s/%d/0x%08x\n", prev->comm, prev->pid,
	       preempt_count());
	debug_show_held_locks(prev);
	dump_stack();
}
