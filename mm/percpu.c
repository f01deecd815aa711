/*
 * SPDX-License-Identifier: MIT
 * mm/percpu.c - the dynamic per-CPU allocator: alloc_percpu() and
 * free_percpu(), a variable of every CPU made at run time (a cache's
 * kmem_cache_cpu, a zone's per_cpu_pageset).
 *
 * Every CPU's area (kernel/percpu.c) has PERCPU_DYNAMIC_SIZE bytes after
 * its copy of the static variables.  The allocator hands out the same
 * offset in every area at once, so one pointer names them all:
 *
 *   "template" address p = __per_cpu_end + off   (never dereferenced)
 *
 *   CPU 0's area  | static ... | ......[obj].......... |
 *   CPU 1's area  | static ... | ......[obj].......... |
 *                               ^ p + per_cpu_offset(cpu) = per_cpu_ptr(p, cpu)
 *
 * Which offsets are taken is a bitmap of 8-byte units, searched first fit
 * under pcpu_lock; a second bitmap marks the first unit of each allocation,
 * so free_percpu() finds where it ends.  No chunk is ever added: 3.10 grows
 * the area with new chunks (vmalloc'ed), we have one fixed region.
 *
 * Zeroing: an allocation zeroes its bytes in every CPU that has an area.
 * A CPU whose area is made later (the APs, in smp_init, after mm_init has
 * allocated the zones' pagesets) gets it from zeroed pages, so every copy
 * starts as zeroes either way.
 */
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <mm/mm.h>
#include <mm/percpu.h>
#include <string.h>

#define PCPU_UNIT      8 /* bytes: the smallest allocation and alignment */
#define PCPU_UNITS     (PERCPU_DYNAMIC_SIZE / PCPU_UNIT)
#define PCPU_ALIGN_MAX 64 /* every area's dynamic part starts on a cache line */

_Static_assert(PERCPU_DYNAMIC_SIZE % (64 * PCPU_UNIT) == 0, "whole bitmap words");

extern char __per_cpu0_area_end[];

/* The allocator's state; every field under pcpu_lock. */
static struct {
	u64 used[PCPU_UNITS / 64];  /* bit per unit: allocated */
	u64 first[PCPU_UNITS / 64]; /* bit per unit: the first unit of an allocation */
	unsigned long nr_used;	    /* units allocated */
} pcpu;
static DEFINE_SPINLOCK(pcpu_lock);

static bool unit_test(const u64 *map, unsigned int u)
{
	return map[u / 64] >> (u % 64) & 1;
}

static void unit_set(u64 *map, unsigned int u, bool on)
{
	if (on)
		map[u / 64] |= 1ULL << (u % 64);
	else
		map[u / 64] &= ~(1ULL << (u % 64));
}

/*
 * The first free run of @units units starting at a multiple of @ualign, or -1.
 * Boot makes dozens of allocations, each searching from unit 0 past all the
 * earlier ones, so the search skips what cannot start a run: a full bitmap
 * word, and every start up to a used unit it found (each would hold it too).
 */
static int pcpu_find_run(unsigned int units, unsigned int ualign)
{
	unsigned int u = 0;

	while (u + units <= PCPU_UNITS) {
		unsigned int i;

		if (pcpu.used[u / 64] == ~0ULL) { /* ualign divides 64: still aligned */
			u = ALIGN_UP(u + 1, 64U);
			continue;
		}
		for (i = 0; i < units && !unit_test(pcpu.used, u + i); i++)
			;
		if (i == units)
			return (int)u;
		u = ALIGN_UP(u + i + 1, ualign);
	}
	return -1;
}

bool pcpu_area_ready(unsigned int cpu)
{
	/* A CPU without an area has offset 0: its "copy" would be the template. */
	return cpu < NR_CPUS && per_cpu_offset(cpu) != 0;
}

/* 3.10 grows the area by vmalloc'ed chunks; we have one fixed region: docs/linux-3.10.md */
void __percpu *__alloc_percpu(size_t size, size_t align)
{
	unsigned int units = DIV_ROUND_UP(size, PCPU_UNIT), cpu;
	unsigned long flags;
	char *p;
	int u;

	/* linker.ld reserved the dynamic part in CPU 0's area: the two numbers must agree. */
	BUG_ON(__per_cpu0_area_end - __per_cpu0_area <
	       (__per_cpu_end - __per_cpu_start) + PERCPU_DYNAMIC_SIZE);
	if (WARN_ON_ONCE(!size || size > PERCPU_DYNAMIC_SIZE || (align & (align - 1)) ||
			 align > PCPU_ALIGN_MAX))
		return NULL;
	spin_lock_irqsave(&pcpu_lock, flags);
	u = pcpu_find_run(units, max(align, (size_t)PCPU_UNIT) / PCPU_UNIT);
	if (u >= 0) {
		for (unsigned int i = 0; i < units; i++)
			unit_set(pcpu.used, u + i, true);
		unit_set(pcpu.first, u, true);
		pcpu.nr_used += units;
	}
	spin_unlock_irqrestore(&pcpu_lock, flags);
	if (u < 0)
		return NULL;
	p = __per_cpu_end + (unsigned long)u * PCPU_UNIT;
	/* Nobody has the pointer yet, so no CPU uses these bytes: plain stores will do. */
	for_each_possible_cpu(cpu)
		if (pcpu_area_ready(cpu))
			memset(per_cpu_ptr(p, cpu), 0, (size_t)units * PCPU_UNIT);
	return p;
}

void free_percpu(void __percpu *ptr)
{
	unsigned long off = (unsigned long)ptr - (unsigned long)__per_cpu_end, flags;
	unsigned int u = off / PCPU_UNIT;

	if (!ptr)
		return;
	spin_lock_irqsave(&pcpu_lock, flags);
	if (WARN_ON_ONCE(off >= PERCPU_DYNAMIC_SIZE || off % PCPU_UNIT ||
			 !unit_test(pcpu.first, u))) {
		spin_unlock_irqrestore(&pcpu_lock, flags);
		return; /* not from alloc_percpu, or freed twice */
	}
	unit_set(pcpu.first, u, false);
	/* The run ends at the next allocation's first unit or at a free unit. */
	do {
		unit_set(pcpu.used, u, false);
		pcpu.nr_used--;
		u++;
	} while (u < PCPU_UNITS && unit_test(pcpu.used, u) && !unit_test(pcpu.first, u));
	spin_unlock_irqrestore(&pcpu_lock, flags);
}

unsigned long pcpu_dynamic_used(void)
{
	return READ_ONCE(pcpu.nr_used) * PCPU_UNIT;
}
