/*
 * SPDX-License-Identifier: MIT
 * kernel/smp.h - the CPUs: which exist, which run, and how they are numbered.
 *
 * As Linux 3.10, a CPU has a number (0 .. nr_cpu_ids - 1; the boot CPU is
 * 0) and a hardware name, its local APIC ID; and three sets:
 *
 *   possible  may ever run here: the MADT's enabled local APICs, at most
 *             nr_cpus= of them (and NR_CPUS); disabled entries are ignored
 *   present   here: the same set (no hot-plug)
 *   online    running: the boot CPU, and every AP that came up, at most
 *             maxcpus= of them in all
 *
 * kernel/smpboot.c starts the other CPUs (the APs) at boot; docs/smp.md
 * tells how.  An AP that came up runs its idle task and whatever threads
 * the scheduler gives it (kernel/sched.c).
 *
 * CPUs ask each other to do things with inter-processor interrupts
 * (kernel/smp.c): "look at your run queue" (smp_send_reschedule) and "run
 * this function" (smp_call_function_single/many, on_each_cpu).
 */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#include <kernel/list.h>
#include <kernel/percpu.h>
#include <kernel/preempt.h>
#include <kernel/types.h>

/* Possible CPUs (numbers 0 .. nr_cpu_ids - 1), set by smp_init(); 1 before it. */
extern unsigned int nr_cpu_ids;
/* maxcpus= (NR_CPUS when not given) and nr_cpus= (NR_CPUS when not given), as parsed. */
extern long setup_max_cpus;
extern long setup_nr_cpus;
/* smp_hang_cpu= (-1 when not given): that CPU stops before it comes online, for the tests. */
extern long smp_hang_cpu;

/* 3.10 has struct cpumask; we one u64, bit n for CPU n (NR_CPUS 64): docs/linux-3.10.md */
/* The online CPUs, bit n for CPU n. */
u64 cpu_online_bits(void);
/* Mark @cpu (not) online: the CPU itself, as it comes up or stops. */
void set_cpu_online(unsigned int cpu, bool online);

#define for_each_possible_cpu(cpu)                   \
	for ((cpu) = 0; (cpu) < nr_cpu_ids; (cpu)++) \
		if (!cpu_possible(cpu)) {            \
		} else
#define for_each_online_cpu(cpu)                     \
	for ((cpu) = 0; (cpu) < nr_cpu_ids; (cpu)++) \
		if (!cpu_online(cpu)) {              \
		} else

/* This CPU's number, preemption off until put_cpu(): the thread stays here meanwhile. */
#define get_cpu()                   \
	({                          \
		preempt_disable();  \
		smp_processor_id(); \
	})
#define put_cpu() preempt_enable()

/* true if CPU @cpu is running (came up), is possible, is present. */
bool cpu_online(unsigned int cpu);
bool cpu_possible(unsigned int cpu);
bool cpu_present(unsigned int cpu);
unsigned int num_online_cpus(void);
unsigned int num_possible_cpus(void);

/*
 * cpu_physical_id - the local APIC ID of CPU @cpu: for an online AP the ID
 * it read from its own local APIC, otherwise the MADT's.  -1 if @cpu is not
 * possible.
 */
int cpu_physical_id(unsigned int cpu);

/* The local APIC ID of the CPU running this (Linux's hard_smp_processor_id). */
int hard_smp_processor_id(void);

/**
 * smp_init - number the MADT's CPUs and start the APs, one at a time, until
 * maxcpus= are online; an AP that is not up within its timeout is reported
 * and left out.  With one possible CPU it does (and prints) nothing.
 * Context: the init thread, once, before the initcalls.
 */
void smp_init(void);

typedef void (*smp_call_func_t)(void *info);

/* One function call for another CPU, queued on its list (kernel/smp.c). */
struct call_single_data {
	struct list_head list;
	smp_call_func_t func;
	void *info;
	unsigned int flags; /* CSD_FLAG_LOCK while in flight */
};

/*
 * smp_send_reschedule - make CPU @cpu look at its run queue (a reschedule
 * IPI: it sets need_resched on whatever runs there).  Context: any.
 */
void smp_send_reschedule(unsigned int cpu);

/*
 * smp_call_function_single - run @func(@info) on CPU @cpu, in its interrupt
 * context (on this CPU: here, interrupts off).  With @wait, return once it
 * has returned.  Returns 0, or -ENXIO if @cpu is not online.
 * Context: thread, interrupts on, not from a bottom half (a CPU that waits
 * - for the call, or for this CPU's previous call's csd - with interrupts or
 * bottom halves off could wait for one that waits for it), as 3.10.
 */
int smp_call_function_single(int cpu, smp_call_func_t func, void *info, int wait);

/*
 * __smp_call_function_single - the same with the caller's own @csd (func and
 * info filled in, flags 0 or its last call finished): it never waits for a
 * csd, so an interrupt handler or a softirq may use it without @wait
 * (3.10's, as the block layer's completions use rq->csd).  @cpu must be
 * online.  Context: any, @wait only from a thread with interrupts on.
 */
void __smp_call_function_single(int cpu, struct call_single_data *csd, int wait);

/*
 * smp_call_function_many - run @func(@info) on every online CPU of @mask
 * but this one, in their interrupt context; with @wait, return once all
 * have returned.  Context: as smp_call_function_single, preemption off.
 */
void smp_call_function_many(const u64 *mask, smp_call_func_t func, void *info, bool wait);

/* smp_call_function_many() on every other online CPU.  Returns 0. */
int smp_call_function(smp_call_func_t func, void *info, int wait);

/* Run @func(@info) on every online CPU, this one too (interrupts off here).  Returns 0. */
int on_each_cpu(smp_call_func_t func, void *info, int wait);

/*
 * smp_send_stop - stop every other online CPU (a stop IPI: interrupts off,
 * halted for good, no longer online), waiting for them up to 100 ms: one
 * spinning with interrupts off never takes the IPI.  Context: panic.
 */
void smp_send_stop(void);
/* Stop this CPU for good (interrupts off, offline, halted).  Never returns. */
__noreturn void smp_self_stop(void);

/* Reschedule and call-function IPIs this CPU received (the monitor's `interrupts`). */
DECLARE_PER_CPU(unsigned long, irq_resched_count);
DECLARE_PER_CPU(unsigned long, irq_call_count);

/*
 * smpboot_spawn_percpu_threads - start "@name/N", running @fn(NULL), bound
 * to CPU N, for every online CPU, and keep each in this CPU's copy of the
 * per-CPU variable @store (3.10's smpboot_register_percpu_thread, without
 * hot-plug).  Panics if one cannot be made: they are the kernel's own.
 * Context: kernel_init, after smp_init.
 */
struct task_struct;
void smpboot_spawn_percpu_threads(int (*fn)(void *), const char *name, struct task_struct **store);

/*
 * smp_ap_main - an AP's first C code (from kernel/trampoline.S's ap_start64),
 * on its own stack, on the kernel's page tables, interrupts off.  Never returns.
 */
void smp_ap_main(unsigned long cpu) __attribute__((noreturn));

#endif
