/*
 * SPDX-License-Identifier: MIT
 * bench/guest/bench_slab.c - slab and kmalloc against newlib's malloc, in
 * the same run, in guest instructions per alloc+free pair.
 *
 *   hot:    allocate and free one object, again and again (the per-CPU
 *           freelist fast path);
 *   batch:  allocate 1,000 objects, then free them all (slabs fill up,
 *           new slabs come from the page allocator, partial lists move).
 */
#include <kernel/bench.h>
#include <mm/slab.h>
#include <arch/x86.h>
#include <stdlib.h>

#define BATCH 1000

static struct kmem_cache *bench_cache;
static void *objs[BATCH];

static struct kmem_cache *cache(void)
{
	if (!bench_cache)
		bench_cache = kmem_cache_create("bench-64", 64, 0, 0, NULL);
	return bench_cache;
}

static u64 bench_cache_hot(unsigned long iters)
{
	struct kmem_cache *s = cache();
	u64 start = rdtsc();

	for (unsigned long i = 0; i < iters; i++)
		kmem_cache_free(s, kmem_cache_alloc(s, GFP_KERNEL));
	return rdtsc() - start;
}

static u64 bench_malloc_hot_64(unsigned long iters)
{
	u64 start = rdtsc();

	for (unsigned long i = 0; i < iters; i++)
		free(malloc(64));
	return rdtsc() - start;
}

/* Per pair: allocate a batch, free it, divide by the batch size. */
static u64 bench_cache_batch(unsigned long iters)
{
	struct kmem_cache *s = cache();
	u64 start = rdtsc();

	for (unsigned long i = 0; i < iters; i += BATCH) {
		for (int j = 0; j < BATCH; j++)
			objs[j] = kmem_cache_alloc(s, GFP_KERNEL);
		for (int j = 0; j < BATCH; j++)
			kmem_cache_free(s, objs[j]);
	}
	return rdtsc() - start;
}

static u64 bench_malloc_batch(unsigned long iters)
{
	u64 start = rdtsc();

	for (unsigned long i = 0; i < iters; i += BATCH) {
		for (int j = 0; j < BATCH; j++)
			objs[j] = malloc(64);
		for (int j = 0; j < BATCH; j++)
			free(objs[j]);
	}
	return rdtsc() - start;
}

BENCH(cache_hot, "kmem_cache_alloc+free hot (64 B)", bench_cache_hot, "newlib malloc+free 64 B",
      bench_malloc_hot_64);
BENCH(cache_batch, "kmem_cache_alloc+free batch of 1000 (64 B)", bench_cache_batch,
      "newlib malloc+free batch of 1000", bench_malloc_batch);

/* kmalloc against malloc at the sizes issue 3 names. */
#define KMALLOC_BENCH(size)                                                      \
	static u64 bench_kmalloc_##size(unsigned long iters)                     \
	{                                                                        \
		u64 start = rdtsc();                                             \
		for (unsigned long i = 0; i < iters; i++)                        \
			kfree(kmalloc(size, GFP_KERNEL));                        \
		return rdtsc() - start;                                          \
	}                                                                        \
	static u64 bench_malloc_##size(unsigned long iters)                      \
	{                                                                        \
		u64 start = rdtsc();                                             \
		for (unsigned long i = 0; i < iters; i++)                        \
			free(malloc(size));                                      \
		return rdtsc() - start;                                          \
	}                                                                        \
	BENCH(kmalloc_##size, "kmalloc+kfree " #size " B", bench_kmalloc_##size, \
	      "newlib malloc+free " #size " B", bench_malloc_##size)

KMALLOC_BENCH(64);
KMALLOC_BENCH(256);
KMALLOC_BENCH(2048);
KMALLOC_BENCH(8192);
