/*
 * SPDX-License-Identifier: MIT
 * mm/percpu.h - what mm/ and the tests ask the dynamic per-CPU allocator
 * beyond alloc_percpu()/free_percpu() (those are in <kernel/percpu.h>).
 */
#ifndef MM_PERCPU_H
#define MM_PERCPU_H

#include <kernel/percpu.h>
#include <kernel/smp.h>

/*
 * pcpu_area_ready - has CPU @cpu an area yet?  A possible CPU gets one in
 * smp_init(); one left out (maxcpus=, no memory) never does, and its copy
 * of a per-CPU variable must not be read.  Context: any.
 */
bool pcpu_area_ready(unsigned int cpu);

/* Bytes of the dynamic part allocated now (the tests' leak check).  Context: any. */
unsigned long pcpu_dynamic_used(void);

/* Every possible CPU that has an area: the ones whose per-CPU copies may be summed. */
#define for_each_pcpu_area(cpu)                      \
	for ((cpu) = 0; (cpu) < nr_cpu_ids; (cpu)++) \
		if (!pcpu_area_ready(cpu)) {         \
		} else

#endif
