/*
 * SPDX-License-Identifier: MIT
 * mm/mempool_alloc.c - mempool_alloc and mempool_free: the reserve, the
 * order of the attempts, sleeping for a free.  The reference for labs/mempool/.
 *
 * The contract is in include/mm/mempool.h, the guide in docs/mempool.md.
 * The rest of the pool (create, resize, destroy, the sleep and the
 * deadlock report) is mm/mempool.c; who holds what, mm/mempool_owner.c.
 *
 * Locking: pool->lock, always with irqsave (mempool_free runs in interrupt
 * handlers), guards the reserve, the owner table and the waiter list.  The
 * allocator underneath (pool->alloc, pool->free) is called without it: it
 * may sleep, and it may take locks of its own.  With CONFIG_DEBUG_MEMPOOL
 * every element handed out or given back is recorded under it; without,
 * an element the allocator gives, and one freed into a full reserve, do
 * not take it at all (3.10's mempool; mempool_hand_out_fresh and
 * mempool_free_locks in mm/mempool_internal.h).
 */
#include "mempool_internal.h"
#include <kernel/sched.h>

void *mempool_alloc(mempool_t *pool, gfp_t gfp_mask)
{
	void *element;
	gfp_t gfp_temp;

	/* 3.10 would sleep in atomic context; we warn and go on as atomic: docs/linux-3.10.md */
	if ((gfp_mask & __GFP_WAIT) && might_sleep())
		gfp_mask &= ~__GFP_WAIT;
	/* The reserve is our fallback, not the page allocator's; failures are expected. */
	/* 3.10 adds __GFP_NORETRY; we have no such flag: docs/linux-3.10.md */
	gfp_mask |= __GFP_NOMEMALLOC | __GFP_NOWARN;
	gfp_temp = gfp_mask & ~(__GFP_WAIT | __GFP_IO);
	element = pool->alloc(gfp_temp, pool->pool_data);
	if (likely(element)) /* the usual case: no waiter set up, none to leave */
		return mempool_hand_out_fresh(pool, element, NULL);
	{
		struct mempool_waiter waiter = { .task = current,
						 .node = LIST_HEAD_INIT(waiter.node) };
		struct mempool_deadlock d;
		unsigned long flags, waited = 0;

		for (;;) {
			spin_lock_irqsave(&pool->lock, flags);
			if (likely(pool->curr_nr))
				return mempool_hand_out(pool, remove_element(pool), &waiter, flags);
			if (gfp_temp != gfp_mask) {
				/* The gentle try failed and the reserve is empty: try hard once. */
				spin_unlock_irqrestore(&pool->lock, flags);
				gfp_temp = gfp_mask;
				goto again;
			}
			if (!(gfp_mask & __GFP_WAIT)) {
				/* Never slept, so never joined the waiters. */
				spin_unlock_irqrestore(&pool->lock, flags);
				return NULL;
			}
			/* 3.10 sleeps for ever; CONFIG_DEBUG_MEMPOOL reports: docs/linux-3.10.md */
			if (mempool_owner_deadlocked(pool, &d)) {
				waiter_leave(&waiter);
				spin_unlock_irqrestore(&pool->lock, flags);
				return mempool_give_up(pool, &d);
			}
			waiter_join(pool, &waiter);
			mempool_sleep(pool, flags, &waited);
again:
			element = pool->alloc(gfp_temp, pool->pool_data);
			if (likely(element))
				return mempool_hand_out_fresh(pool, element, &waiter);
		}
	}
}

void mempool_free(void *element, mempool_t *pool)
{
	unsigned long flags;

	if (unlikely(!element))
		return;
	if (mempool_free_locks(pool)) {
		spin_lock_irqsave(&pool->lock, flags);
		mempool_owner_del(pool, element);
		if (pool->curr_nr < pool->min_nr) {
			add_element(pool, element);
			spin_unlock_irqrestore(&pool->lock, flags);
			wake_up(&pool->wait);
			return;
		}
		spin_unlock_irqrestore(&pool->lock, flags);
	}
	pool->free(element, pool->pool_data);
}
