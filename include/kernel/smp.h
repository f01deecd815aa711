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
 * tells how.  For now an AP that came up parks: interrupts off, hlt forever.
 */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#include <kernel/types.h>

#define NR_CPUS 64 /* 3.10's x86_64 default CONFIG_NR_CPUS; the masks are one u64 */

/* Possible CPUs (numbers 0 .. nr_cpu_ids - 1), set by smp_init(); 1 before it. */
extern unsigned int nr_cpu_ids;
/* maxcpus= (NR_CPUS when not given) and nr_cpus= (NR_CPUS when not given), as parsed. */
extern long setup_max_cpus;
extern long setup_nr_cpus;
/* smp_hang_cpu= (-1 when not given): that CPU stops before it comes online, for the tests. */
extern long smp_hang_cpu;

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

/*
 * smp_ap_main - an AP's first C code (from kernel/trampoline.S's ap_start64),
 * on its own stack, on the kernel's page tables, interrupts off.  Never returns.
 */
void smp_ap_main(unsigned long cpu) __attribute__((noreturn));

#endif
