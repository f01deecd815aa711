/*
 * SPDX-License-Identifier: MIT
 * labs/mempool/mempool_alloc.c - mempool_alloc and mempool_free: the
 * reserve, the order of the attempts, sleeping for a free.  Your file for
 * the mempool lab (labs/mempool/README.md); it replaces mm/mempool_alloc.c.
 *
 * The contract is in include/mm/mempool.h, the guide in docs/mempool.md.
 * The rest of the pool (create, resize, destroy, the sleep and the
 * deadlock report) is mm/mempool.c; who holds what, mm/mempool_owner.c.
 *
 * Locking: pool->lock, always with irqsave (mempool_free runs in interrupt
 * handlers), guards the reserve, the owner table and the waiter list.  The
 * allocator underneath (pool->alloc, pool->free) is called without it: it
 * may sleep, and it may take locks of its own.
 *
 * What mm/mempool_internal.h gives you (each "Locked" one wants pool->lock):
 *   add_element(pool, e)          push @e on the reserve (it must have room)
 *   remove_element(pool)          pop the element last pushed
 *   mempool_hand_out(pool, e, &waiter, flags)
 *                                 record @e as the current task's, leave the
 *                                 waiters, unlock; returns @e
 *   waiter_leave(&waiter)         off pool->waiters, if on it
 *   mempool_owner_deadlocked(pool, &d)
 *                                 the deadlock rule (docs/mempool.md)
 *   mempool_give_up(pool, &d)     report, count, wake the others; NULL
 *                                 (call it unlocked)
 *   mempool_sleep(pool, flags, &waited)
 *                                 sleep on pool->wait until a free wakes you
 *                                 or 5 s pass; called locked, returns unlocked
 *   mempool_owner_del(pool, e)    forget @e's holder
 */
#include "mempool_internal.h"
#include <kernel/sched.h>

/*
 * mempool_alloc - an element of @pool (include/mm/mempool.h):
 *   1. the allocator, gently: @gfp_mask without __GFP_WAIT and __GFP_IO,
 *      plus __GFP_NOMEMALLOC | __GFP_NOWARN (the reserve is ours, failures
 *      are expected);
 *   2. else the element last put in the reserve;
 *   3. else, once, the allocator with the full gfp (may sleep);
 *   4. else, without __GFP_WAIT: NULL at once;
 *   5. else, if the deadlock rule says nobody can give an element back:
 *      report it and return NULL;
 *   6. else join pool->waiters, sleep until a mempool_free (or 5 s), and
 *      go back to 1.
 * Every element handed out is recorded as the caller's (mempool_hand_out).
 * A __GFP_WAIT caller where sleeping is not allowed: might_sleep() warns
 * and returns true; drop __GFP_WAIT then and carry on as an atomic caller.
 * Context: any without __GFP_WAIT; with it, may sleep.
 */
void *mempool_alloc(mempool_t *pool, gfp_t gfp_mask)
{
	/*
	 * TODO: the algorithm above.  What this placeholder does: ask the
	 * allocator with the caller's gfp, and give up when it fails.  The
	 * reserve is never used, nobody ever waits, nothing is recorded.
	 *
	 * Hints:
	 * - You need a struct mempool_waiter on your stack, for
	 *   .task = current and .node = LIST_HEAD_INIT(its own node), a
	 *   struct mempool_deadlock for the rule, the irqsave flags, and a
	 *   count of the jiffies waited (0) for mempool_sleep.
	 * - Call pool->alloc(gfp, pool->pool_data) WITHOUT pool->lock; take
	 *   the lock (spin_lock_irqsave) to look at the reserve.
	 * - Each way out unlocks exactly once: mempool_hand_out unlocks for
	 *   you, mempool_sleep too; a NULL return must unlock (and leave the
	 *   waiters) itself.
	 * - Join pool->waiters (list_add_tail) once, before the first sleep:
	 *   the deadlock rule counts the elements your fellow waiters hold.
	 */
	return pool->alloc(gfp_mask, pool->pool_data);
}

/*
 * mempool_free - give @element back to @pool: into the reserve if it is
 * short (curr_nr < min_nr), waking a sleeper in mempool_alloc; else to the
 * allocator (pool->free, called without the lock).  Forget its holder in
 * both cases.  NULL is ignored.  Context: any, interrupt handlers too.
 */
void mempool_free(void *element, mempool_t *pool)
{
	if (unlikely(!element))
		return;
	/*
	 * TODO: the reserve first.  What this placeholder does: every element
	 * goes back to the allocator, so the reserve never refills and a
	 * sleeper in mempool_alloc is never woken.
	 *
	 * Hints: under pool->lock (irqsave): mempool_owner_del, then either
	 * add_element or nothing.  wake_up(&pool->wait) and pool->free both
	 * after the unlock.
	 */
	pool->free(element, pool->pool_data);
}
