/*
 * SPDX-License-Identifier: MIT
 * bench/guest/bench_mm.c - the page allocator's fast paths.
 */
#include <kernel/bench.h>
#include <mm/mm.h>
#include <arch/x86.h>

static u64 bench_pages(unsigned long iters, unsigned int order)
{
	u64 start = rdtsc();

	for (unsigned long i = 0; i < iters; i++) {
		struct page *p = alloc_pages(GFP_KERNEL, order);

		__free_pages(p, order);
	}
	return rdtsc() - start;
}

static u64 bench_order0(unsigned long iters)
{
	return bench_pages(iters, 0);
}

static u64 bench_order3(unsigned long iters)
{
	return bench_pages(iters, 3);
}

BENCH(order0, "alloc_pages+__free_pages order 0", bench_order0, NULL, NULL);
BENCH(order3, "alloc_pages+__free_pages order 3", bench_order3, NULL, NULL);
