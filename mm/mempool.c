/*
 * SPDX-License-Identifier: MIT
 * mm/mempool.c - memory pools: a reserve that keeps allocations moving when
 * memory runs out.  The contract and the algorithm are in mm/mempool.h;
 * mempool_alloc and mempool_free themselves in mm/mempool_alloc.c;
 * who-holds-what and the deadlock rule in mm/mempool_owner.c; the guide
 * is docs/mempool.md.
 *
 * Locking: pool->lock, a spinlock always taken with irqsave (mempool_free
 * runs in interrupt handlers, on any CPU), guards the reserve, the owner
 * table and the waiter list: a free on one CPU hands its element to a
 * waiter sleeping on another (mm_smp's mempool case).  The allocator
 * underneath is called without it (it may sleep).  Lock order:
 * pool->lock, then the wait queue's lock (prepare_to_wait under it), then
 * the slab allocator's (the owner table grows under it).
 *
 * Invariants, under the lock:
 *   0 <= curr_nr <= min_nr          (resize shrinks curr_nr before min_nr)
 *   nr_out + nr_untracked           = elements handed out, not yet back
 *                                     (CONFIG_DEBUG_MEMPOOL only)
 *   a task is on pool->waiters only while inside mempool_alloc(pool)
 */
#include "mempool_internal.h"
#include <mm/mm.h>
#include <mm/slab.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MEMPOOL_RETRY_JIFFIES (5 * HZ) /* Linux's io_schedule_timeout(5*HZ) */

unsigned long mempool_deadlocks;
unsigned long mempool_stalls;
unsigned long mempool_stall_ms = 5000;

/* Free the reserve, the tables and the pool.  The pool is no longer shared. */
static void free_pool(mempool_t *pool)
{
	while (pool->curr_nr)
		pool->free(remove_element(pool), pool->pool_data);
	mempool_owner_teardown(pool);
	kfree(pool->elements);
	kfree(pool);
}

void mempool_set_name(mempool_t *pool, const char *name)
{
	snprintf(pool->name, sizeof(pool->name), "%s", name);
}

/* A default name: the alloc_fn's symbol, so even an unnamed pool says something. */
static void default_name(mempool_t *pool)
{
	unsigned long off, size;
	const char *sym = ksym_lookup((unsigned long)pool->alloc, &off, &size);

	snprintf(pool->name, sizeof(pool->name), "%s", sym ? sym : "mempool");
}

mempool_t *mempool_create_node(int min_nr, mempool_alloc_t *alloc_fn, mempool_free_t *free_fn,
			       void *pool_data, gfp_t gfp_mask, int node_id)
{
	mempool_t *pool;

	if (WARN_ON(min_nr < 1))
		return NULL;
	pool = kmalloc_node(sizeof(*pool), gfp_mask | __GFP_ZERO, node_id);
	if (!pool)
		return NULL;
	spin_lock_init(&pool->lock);
	init_waitqueue_head(&pool->wait);
	INIT_LIST_HEAD(&pool->waiters);
	pool->min_nr = min_nr;
	pool->pool_data = pool_data;
	pool->alloc = alloc_fn;
	pool->free = free_fn;
	default_name(pool);
	pool->elements = kmalloc_node(min_nr * sizeof(void *), gfp_mask, node_id);
	if (!pool->elements || mempool_owner_setup(pool, min_nr, gfp_mask, node_id))
		goto free_pool;

	/* Fill the reserve now: the guarantee starts at creation. */
	while (pool->curr_nr < pool->min_nr) {
		void *element = pool->alloc(gfp_mask, pool->pool_data);

		if (!element)
			goto free_pool;
		add_element(pool, element);
	}
	return pool;

free_pool:
	free_pool(pool);
	return NULL;
}

mempool_t *mempool_create(int min_nr, mempool_alloc_t *alloc_fn, mempool_free_t *free_fn,
			  void *pool_data)
{
	return mempool_create_node(min_nr, alloc_fn, free_fn, pool_data, GFP_KERNEL, NUMA_NO_NODE);
}

#ifdef CONFIG_DEBUG_MEMPOOL
/* The elements out of @pool, and in @who what the table knows of one holder.  Not locked. */
static unsigned int elements_out(mempool_t *pool, char *who, size_t len)
{
	unsigned long flags;
	unsigned int out;
	int holder;

	spin_lock_irqsave(&pool->lock, flags);
	out = pool->nr_out + pool->nr_untracked;
	holder = mempool_owner_any(pool);
	spin_unlock_irqrestore(&pool->lock, flags);
	snprintf(who, len, "one held by pid %d", holder);
	return out;
}
#else
/* Without the owner table only a short reserve shows (3.10's test); @who says so. */
static unsigned int elements_out(mempool_t *pool, char *who, size_t len)
{
	snprintf(who, len, "the reserve is short; holders not recorded");
	return (unsigned int)(pool->min_nr - READ_ONCE(pool->curr_nr));
}
#endif

void mempool_destroy(mempool_t *pool)
{
	unsigned int out;
	char who[48];

	if (!pool)
		return;
	out = elements_out(pool, who, sizeof(who));
	if (out) {
		/*
		 * Linux 3.10 BUGs here (docs/linux-3.10.md).  The elements leak, and a later
		 * mempool_free of one would be a use after free.
		 */
		pr_err("mempool_destroy: pool '%s' destroyed with %u elements still out (%s)\n",
		       pool->name, out, who);
		WARN_ON(out);
	}
	WARN_ON(waitqueue_active(&pool->wait));
	free_pool(pool);
}

/* Shrink the reserve to @new_min_nr, freeing the surplus.  Called and returns locked. */
static void mempool_shrink(mempool_t *pool, int new_min_nr, unsigned long *flags)
{
	while (pool->curr_nr > new_min_nr) {
		void *element = remove_element(pool);

		/* The allocator's free may take its own locks: not under ours. */
		spin_unlock_irqrestore(&pool->lock, *flags);
		pool->free(element, pool->pool_data);
		spin_lock_irqsave(&pool->lock, *flags);
	}
	pool->min_nr = new_min_nr;
}

/* Allocate elements until the reserve is full; stop quietly when the allocator fails. */
static void mempool_refill(mempool_t *pool)
{
	unsigned long flags;
	void *element;

	spin_lock_irqsave(&pool->lock, flags);
	while (pool->curr_nr < pool->min_nr) {
		spin_unlock_irqrestore(&pool->lock, flags);
		element = pool->alloc(GFP_KERNEL, pool->pool_data);
		if (!element)
			return; /* mempool_free will fill the gap */
		spin_lock_irqsave(&pool->lock, flags);
		if (pool->curr_nr >= pool->min_nr) {
			spin_unlock_irqrestore(&pool->lock, flags);
			pool->free(element, pool->pool_data); /* a free or a resize beat us */
			return;
		}
		add_element(pool, element);
	}
	spin_unlock_irqrestore(&pool->lock, flags);
}

int mempool_resize(mempool_t *pool, int new_min_nr)
{
	void **new_elements, **old_elements;
	unsigned long flags;

	if (WARN_ON(new_min_nr < 1))
		return -EINVAL;
	might_sleep();

	spin_lock_irqsave(&pool->lock, flags);
	if (new_min_nr <= pool->min_nr) {
		mempool_shrink(pool, new_min_nr, &flags);
		spin_unlock_irqrestore(&pool->lock, flags);
		return 0;
	}
	spin_unlock_irqrestore(&pool->lock, flags);

	new_elements = kmalloc(new_min_nr * sizeof(void *), GFP_KERNEL);
	if (!new_elements)
		return -ENOMEM;
	if (mempool_owner_setup(pool, new_min_nr, GFP_KERNEL, NUMA_NO_NODE)) {
		kfree(new_elements);
		return -ENOMEM;
	}

	spin_lock_irqsave(&pool->lock, flags);
	if (new_min_nr <= pool->min_nr) {
		/* Another resize grew it meanwhile: nothing left to do. */
		spin_unlock_irqrestore(&pool->lock, flags);
		kfree(new_elements);
		return 0;
	}
	memcpy(new_elements, pool->elements, pool->curr_nr * sizeof(void *));
	old_elements = pool->elements;
	pool->elements = new_elements;
	pool->min_nr = new_min_nr;
	spin_unlock_irqrestore(&pool->lock, flags);
	kfree(old_elements);

	mempool_refill(pool);
	return 0;
}

#ifdef CONFIG_DEBUG_MEMPOOL
/* What the owner table says of the elements out, for the stall warning, into @buf. */
static void stall_details(mempool_t *pool, char *buf, size_t len)
{
	unsigned int mine, away, out, untracked;
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	mempool_owner_count(pool, &mine, &away);
	out = pool->nr_out;
	untracked = pool->nr_untracked;
	spin_unlock_irqrestore(&pool->lock, flags);
	snprintf(buf, len, ", %u elements out (%u held by this task, %u given away, %u untracked)",
		 out + untracked, mine, away, untracked);
}
#else
static void stall_details(mempool_t *pool, char *buf, size_t len)
{
	snprintf(buf, len, " (holders not recorded: MEMPOOL_DEBUG=n)");
}
#endif

/* The stall warning: printed each time another mempool_stall_ms of waiting has passed. */
/* 3.10 waits silently; we warn at each stall mark: docs/linux-3.10.md */
static void mempool_stall_report(mempool_t *pool, unsigned long waited_ms)
{
	static struct ratelimit_state rs;
	char details[96];

	stall_details(pool, details, sizeof(details));
	__atomic_add_fetch(&mempool_stalls, 1, __ATOMIC_RELAXED);
	if (!__ratelimit(&rs, 5000, 10))
		return;
	pr_warn("mempool_alloc: %s/%d stalled for %lu ms on pool '%s': reserve empty%s; still "
		"waiting\n",
		current->comm, current->pid, waited_ms, pool->name, details);
}

void mempool_sleep(mempool_t *pool, unsigned long flags, unsigned long *waited)
{
	unsigned long stall = msecs_to_jiffies(mempool_stall_ms ? mempool_stall_ms : 1);
	unsigned long to_mark = stall - *waited % stall;
	unsigned long start = jiffies;
	DEFINE_WAIT(wait);

	prepare_to_wait(&pool->wait, &wait, TASK_UNINTERRUPTIBLE);
	spin_unlock_irqrestore(&pool->lock, flags);
	schedule_timeout(min(to_mark, (unsigned long)MEMPOOL_RETRY_JIFFIES));
	finish_wait(&pool->wait, &wait);

	if ((*waited + (jiffies - start)) / stall > *waited / stall)
		mempool_stall_report(pool, jiffies_to_msecs(*waited + (jiffies - start)));
	*waited += jiffies - start;
}

/* ---- the common allocators ---- */

void *mempool_alloc_slab(gfp_t gfp_mask, void *pool_data)
{
	return kmem_cache_alloc(pool_data, gfp_mask);
}

void mempool_free_slab(void *element, void *pool_data)
{
	kmem_cache_free(pool_data, element);
}

void *mempool_kmalloc(gfp_t gfp_mask, void *pool_data)
{
	return kmalloc((size_t)pool_data, gfp_mask);
}

void mempool_kfree(void *element, void *pool_data)
{
	kfree(element);
}

void *mempool_alloc_pages(gfp_t gfp_mask, void *pool_data)
{
	return alloc_pages(gfp_mask, (unsigned int)(uintptr_t)pool_data);
}

void mempool_free_pages(void *element, void *pool_data)
{
	__free_pages(element, (unsigned int)(uintptr_t)pool_data);
}

mempool_t *mempool_create_slab_pool(int min_nr, struct kmem_cache *kc)
{
	mempool_t *pool = mempool_create(min_nr, mempool_alloc_slab, mempool_free_slab, kc);
	char name[MEMPOOL_NAME_LEN];

	if (pool) {
		/* struct kmem_cache is the slab allocator's: its size is all we can ask. */
		snprintf(name, sizeof(name), "slab-%u", kmem_cache_size(kc));
		mempool_set_name(pool, name);
	}
	return pool;
}

mempool_t *mempool_create_kmalloc_pool(int min_nr, size_t size)
{
	mempool_t *pool = mempool_create(min_nr, mempool_kmalloc, mempool_kfree, (void *)size);
	char name[MEMPOOL_NAME_LEN];

	if (pool) {
		snprintf(name, sizeof(name), "kmalloc-%zu", size);
		mempool_set_name(pool, name);
	}
	return pool;
}

mempool_t *mempool_create_page_pool(int min_nr, int order)
{
	mempool_t *pool = mempool_create(min_nr, mempool_alloc_pages, mempool_free_pages,
					 (void *)(uintptr_t)order);
	char name[MEMPOOL_NAME_LEN];

	if (pool) {
		snprintf(name, sizeof(name), "page-order%d", order);
		mempool_set_name(pool, name);
	}
	return pool;
}
