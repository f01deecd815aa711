/*
 * SPDX-License-Identifier: MIT
 * kernel/stop_machine.c - stop every CPU but one (include/kernel/stop_machine.h).
 *
 * Each CPU has a stopper thread, migration/N, bound to it and asleep.
 * stop_machine() wakes every other CPU's, and they walk a state machine in
 * step with the caller (3.10's multi_cpu_stop):
 *
 *   caller (CPU 0)                     migration/1, migration/2 ...
 *   state = PREPARE, wake them         run (when their CPU gets to them)
 *   wait: all arrived                  preemption off, arrived++, spin,
 *                                      interrupts ON
 *   state = DISABLE_IRQ                interrupts off, disabled++, spin
 *   wait: all disabled
 *   interrupts off, fn(data)
 *   state = EXIT                       interrupts back, left++, sleep again
 *   wait: all left
 *
 * Why two steps: a stopper that turned its interrupts off on arrival would
 * stop answering IPIs while other CPUs have not yet reached their stopper;
 * one of them may be waiting, preemption off, for a function call that
 * CPU must run (a TLB shootdown), and so never get to its stopper.  Until
 * everyone has arrived, everyone still answers.
 *
 * A stopper is a thread, so its CPU reaches it only where it could switch
 * threads: never inside a spinlock or with interrupts off.  So while fn
 * runs no other CPU is in the middle of a spinlock's critical section.
 * 3.10 gives the stoppers the highest priority; ours wait their turn in
 * the round robin (a time slice at most).
 */
#include <kernel/atomic.h>
#include <kernel/err.h>
#include <kernel/init.h>
#include <kernel/irqflags.h>
#include <kernel/mutex.h>
#include <kernel/panic.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/stop_machine.h>

enum stop_state {
	STOP_NONE,
	STOP_PREPARE,
	STOP_DISABLE_IRQ,
	STOP_RUN,
	STOP_EXIT
};

static struct {
	volatile int state; /* enum stop_state */
	atomic_t arrived;   /* stoppers spinning, interrupts still on */
	atomic_t disabled;  /* stoppers spinning with interrupts off */
	atomic_t left;	    /* stoppers done with this round */
} stop;

static DEFINE_MUTEX(stop_mutex); /* one stop_machine at a time */
static DEFINE_PER_CPU(struct task_struct *, stopper);
static DEFINE_PER_CPU(bool, stopper_wanted);

static int stopper_fn(void *unused)
{
	for (;;) {
		unsigned long flags;

		set_current_state(TASK_INTERRUPTIBLE);
		if (!this_cpu_read(stopper_wanted)) {
			schedule();
			continue;
		}
		__set_current_state(TASK_RUNNING);
		this_cpu_write(stopper_wanted, false);
		/*
		 * Preemption off from here: a stopper switched away while it waits
		 * would let its CPU run a thread that waits for a call another
		 * stopper, interrupts off by then, never answers.
		 */
		preempt_disable();
		atomic_inc(&stop.arrived);
		/* Interrupts on until every stopper is here: IPIs still get answered. */
		while (smp_load_acquire(&stop.state) == STOP_PREPARE)
			cpu_relax();
		local_irq_save(flags);
		atomic_inc(&stop.disabled);
		/* Acquire: the caller's writes before STOP_EXIT are seen after it. */
		while (smp_load_acquire(&stop.state) != STOP_EXIT)
			cpu_relax();
		local_irq_restore(flags);
		preempt_enable();
		atomic_inc(&stop.left);
	}
	return 0;
}

int stop_machine(int (*fn)(void *data), void *data, const u64 *cpus)
{
	unsigned int this_cpu, cpu, others = 0;
	unsigned long flags;
	int ret;

	/* 3.10 runs fn on a CPU of @cpus, stoppers first; we here, in turn: docs/linux-3.10.md */
	mutex_lock(&stop_mutex);
	preempt_disable(); /* the caller's CPU runs fn: it must stay this one */
	this_cpu = smp_processor_id();
	atomic_set(&stop.arrived, 0);
	atomic_set(&stop.disabled, 0);
	atomic_set(&stop.left, 0);
	smp_store_release(&stop.state, STOP_PREPARE);
	for_each_online_cpu(cpu) {
		if (cpu == this_cpu || !per_cpu(stopper, cpu))
			continue;
		per_cpu(stopper_wanted, cpu) = true;
		smp_mb(); /* the flag before the wake-up: the stopper tests it after its state */
		wake_up_process(per_cpu(stopper, cpu));
		others++;
	}
	/* With preemption off we do not switch: the stoppers run on the other CPUs. */
	while (atomic_read(&stop.arrived) < (int)others)
		cpu_relax();
	smp_store_release(&stop.state, STOP_DISABLE_IRQ);
	while (atomic_read(&stop.disabled) < (int)others)
		cpu_relax();
	local_irq_save(flags);
	smp_store_release(&stop.state, STOP_RUN);
	ret = fn(data);
	smp_store_release(&stop.state,
			  STOP_EXIT); /* release: fn's writes before the others go on */
	local_irq_restore(flags);
	while (atomic_read(&stop.left) < (int)others)
		cpu_relax();
	stop.state = STOP_NONE;
	preempt_enable();
	mutex_unlock(&stop_mutex);
	(void)cpus;
	return ret;
}

/* migration/N, bound to CPU N, for every online CPU (early: after smp_init, before the drivers). */
static int spawn_stoppers(void)
{
	smpboot_spawn_percpu_threads(stopper_fn, "migration", &stopper);
	return 0;
}
early_initcall(spawn_stoppers);
