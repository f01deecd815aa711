/*
 * SPDX-License-Identifier: MIT
 * kernel/softirq.c - softirqs and the interrupt entry/exit bookkeeping.
 *
 *   hardware interrupt
 *     irq_enter()            preempt_count += HARDIRQ_OFFSET
 *     handler                raise_softirq(NET_RX_SOFTIRQ) ...
 *     irq_exit()             preempt_count -= HARDIRQ_OFFSET;
 *                            outermost interrupt? run pending softirqs
 *                            (interrupts on, in_softirq() true)
 *
 * A softirq raised while softirqs are already running is picked up by the
 * same loop, up to MAX_SOFTIRQ_RESTART rounds; after that ksoftirqd, a
 * thread, takes over so a flood of interrupts cannot starve the threads.
 *
 * All of it is per CPU: the pending bits are a per-CPU variable, a softirq
 * runs on the CPU that raised it, and each CPU has its ksoftirqd/N, bound
 * to it.
 */
#include <kernel/err.h>
#include <kernel/init.h>
#include <kernel/irqflags.h>
#include <kernel/panic.h>
#include <kernel/perf.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/softirq.h>

#define MAX_SOFTIRQ_RESTART    10
/* local_bh_disable counts in steps of two, so "serving a softirq" (odd) is told apart. */
#define SOFTIRQ_DISABLE_OFFSET (2 * SOFTIRQ_OFFSET)

unsigned long softirq_count[NR_SOFTIRQS];

static struct softirq_action softirq_vec[NR_SOFTIRQS];
static DEFINE_PER_CPU(u32, pending); /* bit n: softirq n is raised on this CPU */
static DEFINE_PER_CPU(struct task_struct *, ksoftirqd);

void open_softirq(int nr, void (*action)(void))
{
	BUG_ON(nr < 0 || nr >= NR_SOFTIRQS);
	softirq_vec[nr].action = action;
}

u32 softirq_pending(void)
{
	return this_cpu_read(pending);
}

/* Interrupts off (so this CPU's ksoftirqd is the one we mean). */
static void wakeup_softirqd(void)
{
	struct task_struct *t = this_cpu_read(ksoftirqd);

	if (t)
		wake_up_process(t);
}

void raise_softirq_irqoff(unsigned int nr)
{
	this_cpu_write(pending, this_cpu_read(pending) | 1U << nr);
	/* Raised from a thread: nothing will run it at irq_exit soon, so wake the thread. */
	if (!in_interrupt())
		wakeup_softirqd();
}

void raise_softirq(unsigned int nr)
{
	unsigned long flags;

	local_irq_save(flags);
	raise_softirq_irqoff(nr);
	local_irq_restore(flags);
}

/* Run the pending softirqs.  Called with interrupts off; returns with them off. */
static void __do_softirq(void)
{
	int restart = MAX_SOFTIRQ_RESTART;
	u32 todo;

	preempt_count_add(SOFTIRQ_OFFSET);
	perf_enter(&perf_softirq); /* not charged to a layer it interrupted (kernel/perf.h) */
	do {
		todo = this_cpu_read(pending);
		this_cpu_write(pending, 0);
		local_irq_enable(); /* in_softirq() keeps us on this CPU meanwhile */
		for (int nr = 0; todo; nr++, todo >>= 1) {
			if (!(todo & 1))
				continue;
			softirq_count[nr]++;
			if (softirq_vec[nr].action)
				softirq_vec[nr].action();
			else
				WARN_ON_ONCE(1); /* raised but never opened */
		}
		local_irq_disable();
		/* 3.10 also stops after 2 ms; we count rounds only: docs/linux-3.10.md */
	} while (this_cpu_read(pending) && --restart);
	perf_exit(&perf_softirq);
	preempt_count_sub(SOFTIRQ_OFFSET);
	if (this_cpu_read(pending))
		wakeup_softirqd();
}

void do_softirq(void)
{
	unsigned long flags;

	if (in_interrupt())
		return;
	local_irq_save(flags);
	if (this_cpu_read(pending))
		__do_softirq();
	local_irq_restore(flags);
}

void irq_enter(void)
{
	preempt_count_add(HARDIRQ_OFFSET);
	perf_enter(&perf_hardirq); /* not charged to a layer it interrupted (kernel/perf.h) */
}

void irq_exit(void)
{
	perf_exit(&perf_hardirq);
	preempt_count_sub(HARDIRQ_OFFSET);
	if (!in_interrupt() && this_cpu_read(pending))
		__do_softirq();
}

void local_bh_disable(void)
{
	preempt_count_add(SOFTIRQ_DISABLE_OFFSET);
}

void local_bh_enable(void)
{
	preempt_count_sub(SOFTIRQ_DISABLE_OFFSET);
	if (!in_interrupt() && this_cpu_read(pending))
		do_softirq();
	preempt_check_resched();
}

static int ksoftirqd_fn(void *unused)
{
	/* Bound to its CPU: "pending" is that CPU's. */
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!this_cpu_read(pending))
			schedule();
		__set_current_state(TASK_RUNNING);
		do_softirq();
	}
	return 0;
}

/*
 * ksoftirqd/N for each online CPU, started by kernel_init before any other
 * initcall (3.10's spawn_ksoftirqd is an early_initcall too), after the APs
 * came up.  Until it runs, softirqs run only on interrupt exit and in
 * local_bh_enable: raise_softirq() wakes it only once it exists.
 */
static int spawn_ksoftirqd(void)
{
	smpboot_spawn_percpu_threads(ksoftirqd_fn, "ksoftirqd", &ksoftirqd);
	return 0;
}
early_initcall(spawn_ksoftirqd);
