/*
 * SPDX-License-Identifier: MIT
 * mm/mempool.h - memory pools: a reserve of preallocated elements that
 * guarantees forward progress when the allocators run dry (Linux's
 * include/linux/mempool.h, API and algorithm as in Linux 3.10).
 *
 * A pool wraps an allocator (a slab cache, kmalloc of one size, pages of one
 * order, or your own alloc_fn/free_fn) and keeps min_nr elements aside:
 *
 *   pool --> elements[0 .. curr_nr)   the reserve, filled at creation
 *            min_nr                   how many the reserve holds when full
 *            alloc_fn / free_fn       the allocator underneath
 *            wait                     sleepers waiting for a free
 *
 *   mempool_alloc(pool, gfp):
 *     1. the allocator, without sleeping, I/O, warnings or the memalloc
 *        reserve:   gfp & ~(__GFP_WAIT|__GFP_IO) | __GFP_NOMEMALLOC|__GFP_NOWARN
 *     2. else an element of the reserve
 *     3. else, if gfp has __GFP_WAIT: the allocator once with the full gfp,
 *        then sleep until mempool_free() gives an element back (or 5 s
 *        pass), and go to 1.  Without __GFP_WAIT: NULL at once.
 *   mempool_free(elem, pool):
 *     reserve not full?  the element refills it, and a sleeper is woken;
 *     otherwise it goes back to the allocator.
 *
 * The guarantee: a caller that holds no element of the pool and may sleep
 * always gets one eventually, because the elements others hold come back.
 * It holds only if every holder frees what it holds without needing a
 * second element from the same pool first.  A caller that takes a second
 * element with __GFP_WAIT while holding the first can wait for ever (the
 * bio-chain deadlock of blk_make_request(9)).
 *
 * Additions to Linux (ours, for diagnosis):
 *
 *   - A name per pool (mempool_set_name), used in every report.  Pools made
 *     by the helpers get one by default ("slab-<object size>", "kmalloc-<size>",
 *     "page-order<n>"), others the name of their alloc_fn.
 *   - A sleeping mempool_alloc that has waited mempool_stall_ms (5 s) in
 *     total prints a rate-limited stall warning and goes on waiting.
 *
 * And, with CONFIG_DEBUG_MEMPOOL (MEMPOOL_DEBUG=y: the default build, not
 * make bench's), a debug instrument, as lockdep is one:
 *
 *   - Ownership: the pool remembers which task holds each element it handed
 *     out.  A sleeping mempool_alloc that can never be satisfied -- reserve
 *     empty, every outstanding element held by the caller or by tasks that
 *     are themselves waiting on this pool, none given away -- is reported
 *     ("mempool_alloc: deadlock: pool '<name>' is empty and all <n>
 *     outstanding elements are held by <comm>/<pid> ...", with a backtrace),
 *     counted in mempool_deadlocks, and returns NULL.  Linux would hang
 *     there for ever; this is the one case where a __GFP_WAIT mempool_alloc
 *     here returns NULL.
 *   - An element given to someone else to free (submitted for I/O, queued
 *     to another thread or an interrupt handler) must be marked with
 *     mempool_mark_in_flight(): otherwise the pool still counts it as held
 *     by its allocator, and could call a wait for it a deadlock.
 *   - The price: every mempool_alloc and mempool_free takes the pool's lock
 *     to record or forget the holder.  Without CONFIG_DEBUG_MEMPOOL the pool
 *     is 3.10's: step 1 and a mempool_free that finds the reserve full take
 *     no lock, and such a wait hangs, as in Linux.
 *
 * Context: mempool_alloc without __GFP_WAIT and mempool_free may be called
 * from any context, interrupt handlers included (the pool lock is taken
 * with irqsave).  create, resize and destroy may sleep.
 */
#ifndef MM_MEMPOOL_H
#define MM_MEMPOOL_H

#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>
#include <kernel/wait.h>
#include <mm/gfp.h>

struct kmem_cache;
struct mempool_owner;

typedef void *(mempool_alloc_t)(gfp_t gfp_mask, void *pool_data);
typedef void(mempool_free_t)(void *element, void *pool_data);

#define MEMPOOL_NAME_LEN 32

/*
 * One pool.  Linux's fields first; the rest is ours.  mempool_t is Linux's
 * typedef, kept (against our no-typedef rule) so code reads as in Linux.
 */
typedef struct mempool_s {
	spinlock_t lock; /* guards every field below, with irqsave */
	int min_nr;	 /* size of the reserve when full */
	int curr_nr;	 /* elements in the reserve now */
	void **elements; /* the reserve: elements[0 .. curr_nr) */
	void *pool_data; /* alloc_fn/free_fn's argument */
	mempool_alloc_t *alloc;
	mempool_free_t *free;
	wait_queue_head_t wait; /* tasks sleeping in mempool_alloc */

	char name[MEMPOOL_NAME_LEN]; /* for reports */
	struct list_head waiters;    /* struct mempool_waiter per sleeper (the rule's, below) */
#ifdef CONFIG_DEBUG_MEMPOOL
	/* who holds what (mm/mempool_owner.c): element -> owner pid */
	struct mempool_owner *owners;	   /* open-addressing hash table in use */
	unsigned int owners_size;	   /* its slots: a power of two */
	struct mempool_owner *owners_base; /* the table sized for min_nr, never freed early */
	unsigned int owners_base_size;
	unsigned int nr_out;	   /* elements out, recorded in the table */
	unsigned int nr_untracked; /* elements out that the table missed */
#endif
} mempool_t;

/* Elements given back and not yet reused: a pool that is full is not short. */
static inline bool mempool_is_saturated(mempool_t *pool)
{
	return READ_ONCE(pool->curr_nr) >= pool->min_nr;
}

/*
 * mempool_create - a pool of @min_nr (>= 1) elements from @alloc_fn, given
 * back with @free_fn, both called with @pool_data.  The reserve is filled
 * now, with GFP_KERNEL.  Returns the pool, or NULL if the pool or any of
 * its elements could not be had (nothing is left allocated then).
 * Context: may sleep.
 */
mempool_t *mempool_create(int min_nr, mempool_alloc_t *alloc_fn, mempool_free_t *free_fn,
			  void *pool_data);

/* As mempool_create, allocating the pool with @gfp_mask on node @node_id (NUMA_NO_NODE: any). */
mempool_t *mempool_create_node(int min_nr, mempool_alloc_t *alloc_fn, mempool_free_t *free_fn,
			       void *pool_data, gfp_t gfp_mask, int node_id);

/*
 * mempool_set_name - name @pool for reports ("bio-0"); cut to
 * MEMPOOL_NAME_LEN - 1 bytes.  Ours, not Linux's.  Context: any.
 */
/* 3.10 pools have no name or owners; ours do, for the reports: docs/linux-3.10.md */
void mempool_set_name(mempool_t *pool, const char *name);

/*
 * mempool_destroy - free the reserve and the pool.  Every element handed
 * out must have been given back first: elements still out are reported
 * (with their holders) and leak.  NULL is ignored.  Context: may sleep.
 */
void mempool_destroy(mempool_t *pool);

/*
 * mempool_resize - change the reserve to @new_min_nr (>= 1) elements.
 * Shrinking frees surplus reserve elements at once; growing allocates the
 * new ones with GFP_KERNEL (an element that cannot be had now is left for
 * mempool_free to fill in).  Returns 0, or -ENOMEM (pool unchanged) if the
 * larger reserve array cannot be had, -EINVAL for @new_min_nr < 1.
 * Context: may sleep.
 */
/* 3.10 also takes a gfp_mask; we take 4.1's two arguments: docs/linux-3.10.md */
int mempool_resize(mempool_t *pool, int new_min_nr);

/*
 * mempool_alloc - an element of @pool, by the algorithm above.  Returns
 * NULL only without __GFP_WAIT, or on a diagnosed deadlock.  The caller
 * owns the element until mempool_free() (or mempool_mark_in_flight()).
 * Context: any without __GFP_WAIT; with __GFP_WAIT may sleep, and where it
 * may not (IRQ, atomic) warns and behaves as without it.
 */
void *mempool_alloc(mempool_t *pool, gfp_t gfp_mask);

/*
 * mempool_free - give @element (from mempool_alloc on @pool, or anything
 * @pool's free_fn accepts) back: into the reserve if it is short, else to
 * the allocator.  NULL is ignored.  Context: any, interrupt handlers too.
 */
void mempool_free(void *element, mempool_t *pool);

/*
 * mempool_mark_in_flight - the caller has handed @element to someone else
 * who will free it (the device, an interrupt handler, another thread): from
 * now on it does not count as held by the caller, so waiting for it is not
 * a deadlock.  Harmless for elements the pool does not know.  Without
 * CONFIG_DEBUG_MEMPOOL nothing is recorded, and it does nothing.  Ours, not
 * Linux's.  Context: any.
 */
#ifdef CONFIG_DEBUG_MEMPOOL
void mempool_mark_in_flight(mempool_t *pool, void *element);
#else
static inline void mempool_mark_in_flight(mempool_t *pool, void *element)
{
}
#endif

/* Diagnosed deadlocks since boot (each also printed; always 0 without CONFIG_DEBUG_MEMPOOL). */
extern unsigned long mempool_deadlocks;
/*
 * Stall reports (each mempool_stall_ms of waiting), counted even when the
 * message is rate-limited.
 */
extern unsigned long mempool_stalls;
/* Total sleep in one mempool_alloc before the stall warning (5000; tests lower it). */
extern unsigned long mempool_stall_ms;

/* ---- the common allocators: pool_data says which ---- */

/* pool_data: the struct kmem_cache * */
void *mempool_alloc_slab(gfp_t gfp_mask, void *pool_data);
void mempool_free_slab(void *element, void *pool_data);
/* pool_data: the size in bytes, cast to a pointer */
void *mempool_kmalloc(gfp_t gfp_mask, void *pool_data);
void mempool_kfree(void *element, void *pool_data);
/* pool_data: the order, cast to a pointer; elements are struct page * */
void *mempool_alloc_pages(gfp_t gfp_mask, void *pool_data);
void mempool_free_pages(void *element, void *pool_data);

/*
 * Pools over the common allocators, named for reports.  Each returns NULL
 * on failure, like mempool_create.  Context: may sleep.
 */
/* @min_nr objects of cache @kc; named "slab-<object size>" */
mempool_t *mempool_create_slab_pool(int min_nr, struct kmem_cache *kc);
/* @min_nr kmalloc(@size) objects; named "kmalloc-<size>" */
mempool_t *mempool_create_kmalloc_pool(int min_nr, size_t size);
/* @min_nr blocks of 2^@order pages; named "page-order<n>" */
mempool_t *mempool_create_page_pool(int min_nr, int order);

#endif
