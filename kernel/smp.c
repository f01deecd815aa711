/*
 * SPDX-License-Identifier: MIT
 * kernel/smp.c - inter-processor interrupts: "reschedule" and "call this
 * function".
 *
 * A CPU asks another for something by sending it an IPI through its local
 * APIC; the other takes it as an interrupt, between two instructions of
 * whatever it runs.  Two kinds, on 3.10's vectors:
 *
 *   RESCHEDULE_VECTOR 0xfd      set need_resched on the current thread: the
 *                               interrupt's return path then switches
 *   CALL_FUNCTION_SINGLE_VECTOR 0xfb   run the calls queued for this CPU
 *   REBOOT_VECTOR 0xf8          stop, for good (a panic elsewhere)
 *
 * A call is a struct call_single_data (csd): function, argument, and a
 * LOCK flag that is set while the call is in flight.  The caller queues it
 * on the target's per-CPU list and sends the IPI only if the list was empty
 * (an IPI already on its way will find the new entry too):
 *
 *   CPU 0: smp_call_function_single(1, f, x, wait)     CPU 1
 *     csd.LOCK = 1, queue csd on cpu1's list
 *     IPI 0xfb  ------------------------------------>  interrupt:
 *     wait: spin while csd.LOCK                          take the list
 *                                                        f(x)
 *     <--------------------- csd.LOCK = 0 (release) ---  next entry ...
 *
 * The caller's CPU must not wait with interrupts off: the target may be
 * waiting, interrupts off, for a call the caller should answer.
 * A csd without @wait is the caller's per-CPU one, reused once its last
 * call ran.
 */
#include <kernel/irqflags.h>
#include <kernel/list.h>
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <errno.h>
#include "irqchip.h"

#define CSD_FLAG_LOCK 0x01

/* 3.10 has a shared queue and vector for many-calls; we per-target queues: docs/linux-3.10.md */
struct call_single_queue {
	struct list_head list;
	spinlock_t lock;
};

static DEFINE_PER_CPU(struct call_single_queue, call_single_queue);
/* The csd of a call that does not wait, one per caller CPU (3.10's csd_data). */
static DEFINE_PER_CPU(struct call_single_data, csd_data);
/* smp_call_function_many's: one csd per target, per caller CPU (3.10's cfd_data). */
static DEFINE_PER_CPU(struct call_single_data[NR_CPUS], cfd_data);
DEFINE_PER_CPU(unsigned long, irq_resched_count);
DEFINE_PER_CPU(unsigned long, irq_call_count);

void smp_ipi_init(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct call_single_queue *q = &per_cpu(call_single_queue, cpu);

		INIT_LIST_HEAD(&q->list);
		spin_lock_init(&q->lock);
	}
}

/* Wait until @csd's previous call has run (acquire: its function's writes are seen). */
static void csd_lock_wait(struct call_single_data *csd)
{
	while (__atomic_load_n(&csd->flags, __ATOMIC_ACQUIRE) & CSD_FLAG_LOCK)
		cpu_relax();
}

static void csd_lock(struct call_single_data *csd)
{
	csd_lock_wait(csd);
	csd->flags |= CSD_FLAG_LOCK;
}

/* The call ran.  Release: the waiter sees what func wrote; the csd may vanish after. */
static void csd_unlock(struct call_single_data *csd)
{
	__atomic_store_n(&csd->flags, 0, __ATOMIC_RELEASE);
}

/* Queue @csd (locked) on @cpu's list; an IPI if the list was empty. */
static void queue_call(unsigned int cpu, struct call_single_data *csd)
{
	struct call_single_queue *q = &per_cpu(call_single_queue, cpu);
	unsigned long flags;
	bool ipi;

	spin_lock_irqsave(&q->lock, flags);
	ipi = list_empty(&q->list);
	list_add_tail(&csd->list, &q->list);
	spin_unlock(&q->lock);
	/*
	 * The IPI before interrupts come back on: an interrupt here could run
	 * a softirq that queues a call to @cpu behind ours (no IPI: the list
	 * is not empty) and waits for it, and ours would never be sent.
	 */
	if (ipi)
		apic_send_ipi(cpu, CALL_FUNCTION_SINGLE_VECTOR);
	local_irq_restore(flags);
}

/* CALL_FUNCTION_SINGLE_VECTOR: run every call queued for this CPU.  Hardirq. */
static void call_function_interrupt(void)
{
	struct call_single_queue *q = this_cpu_ptr(&call_single_queue);
	LIST_HEAD(calls);

	this_cpu_inc(irq_call_count);
	spin_lock(&q->lock);
	list_splice_init(&q->list, &calls);
	spin_unlock(&q->lock);
	while (!list_empty(&calls)) {
		struct call_single_data *csd =
			list_first_entry(&calls, struct call_single_data, list);

		list_del(&csd->list);
		csd->func(csd->info);
		csd_unlock(csd);
	}
}

void smp_send_reschedule(unsigned int cpu)
{
	if (WARN_ON_ONCE(!cpu_online(cpu)))
		return;
	apic_send_ipi(cpu, RESCHEDULE_VECTOR);
}

void smp_ipi_interrupt(unsigned int vector)
{
	apic_ack_irq();
	if (vector == RESCHEDULE_VECTOR) {
		/* 3.10's scheduler_ipi; the interrupt's return path does the switch. */
		this_cpu_inc(irq_resched_count);
		set_tsk_need_resched(current);
	} else if (vector == CALL_FUNCTION_SINGLE_VECTOR) {
		call_function_interrupt();
	} else if (vector == REBOOT_VECTOR) {
		smp_self_stop();
	}
}

void smp_self_stop(void)
{
	local_irq_disable();
	set_cpu_online(raw_smp_processor_id(), false);
	for (;;)
		__asm__ __volatile__("cli; hlt" ::: "memory");
}

void smp_send_stop(void)
{
	unsigned int this_cpu = raw_smp_processor_id(), cpu;

	if (num_online_cpus() == 1)
		return;
	for_each_online_cpu(cpu)
		if (cpu != this_cpu)
			apic_send_ipi(cpu, REBOOT_VECTOR);
	for (int us = 0; us < 100000 && num_online_cpus() > 1; us += 10)
		udelay(10);
}

/*
 * Any call with interrupts off could deadlock (the comment at the top): one
 * that waits for its function, and one that does not but may wait for its
 * csd's previous call (csd_lock).  3.10 warns the same.
 */
static void check_call_context(bool wait)
{
	(void)wait;
	WARN_ON_ONCE(irqs_disabled() && !oops_in_progress);
}

void __smp_call_function_single(int cpu, struct call_single_data *csd, int wait)
{
	unsigned int this_cpu = get_cpu();

	/* The caller's csd: in flight at most once, so csd_lock does not wait here. */
	if ((unsigned int)cpu == this_cpu) {
		unsigned long flags;

		local_irq_save(flags);
		csd->func(csd->info);
		local_irq_restore(flags);
	} else {
		if (wait)
			check_call_context(true);
		csd_lock(csd);
		queue_call(cpu, csd);
		if (wait)
			csd_lock_wait(csd);
	}
	put_cpu();
}

int smp_call_function_single(int cpu, smp_call_func_t func, void *info, int wait)
{
	struct call_single_data on_stack = { 0 }, *csd = &on_stack;
	int this_cpu = get_cpu(), err = 0;

	check_call_context(wait);
	if (cpu == this_cpu) {
		unsigned long flags;

		local_irq_save(flags);
		func(info);
		local_irq_restore(flags);
	} else if (cpu < 0 || (unsigned int)cpu >= nr_cpu_ids || !cpu_online(cpu)) {
		err = -ENXIO;
	} else {
		if (!wait)
			csd = this_cpu_ptr(&csd_data);
		csd_lock(csd);
		csd->func = func;
		csd->info = info;
		queue_call(cpu, csd);
		if (wait)
			csd_lock_wait(csd);
	}
	put_cpu();
	return err;
}

void smp_call_function_many(const u64 *mask, smp_call_func_t func, void *info, bool wait)
{
	struct call_single_data *cfd = *this_cpu_ptr(&cfd_data);
	unsigned int this_cpu = smp_processor_id(), cpu;
	u64 targets = *mask & cpu_online_bits() & ~(1ULL << this_cpu);

	check_call_context(wait);
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		if (!(targets >> cpu & 1))
			continue;
		csd_lock(&cfd[cpu]);
		cfd[cpu].func = func;
		cfd[cpu].info = info;
		queue_call(cpu, &cfd[cpu]);
	}
	if (!wait)
		return;
	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		if (targets >> cpu & 1)
			csd_lock_wait(&cfd[cpu]);
}

int smp_call_function(smp_call_func_t func, void *info, int wait)
{
	u64 all = ~0ULL;

	preempt_disable();
	smp_call_function_many(&all, func, info, wait);
	preempt_enable();
	return 0;
}

int on_each_cpu(smp_call_func_t func, void *info, int wait)
{
	unsigned long flags;

	preempt_disable();
	smp_call_function(func, info, wait);
	local_irq_save(flags);
	func(info);
	local_irq_restore(flags);
	preempt_enable();
	return 0;
}
