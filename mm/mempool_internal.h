/*
 * SPDX-License-Identifier: MIT
 * mm/mempool_internal.h - between mm/mempool.c (the pool),
 * mm/mempool_alloc.c (mempool_alloc and mempool_free) and mm/mempool_owner.c
 * (who holds which element, and the deadlock rule).  Nothing outside those
 * three files includes this.
 *
 * The owner table (mm/owner_table.h: open addressing, load at most 1/2)
 * maps each element out to the pid of its holder:
 *
 *   owners[]:  | e7:pid 12 |  empty  | e2:pid 12 | e9:IN_FLIGHT | empty | ...
 *
 * It starts as the "base" table, sized at create/resize time (a sleeping
 * allocation) for twice min_nr elements, so the case that matters -- the
 * reserve handed out, the allocator failing -- never has to allocate.  More
 * elements out than that grow it with GFP_ATOMIC; when the pool has nothing
 * out again it falls back to the base table and frees the big one, so a
 * long-lived pool does not keep a high-water mark of memory.  An element
 * that could not be recorded (the growth failed) is counted in
 * nr_untracked, and while that is non-zero the deadlock rule stays silent.
 *
 * Every function here is called with pool->lock held (irqsave), except
 * setup/teardown, which run before the pool is shared or after it is not,
 * and the reports, which only print.
 *
 * The table, the waiter list and the rule are CONFIG_DEBUG_MEMPOOL's
 * (MEMPOOL_DEBUG=y, docs/mempool.md).  Without it mm/mempool_owner.c is
 * empty and the owner functions below are empty inlines: nothing is
 * recorded, no wait is judged a deadlock, and mempool_alloc/mempool_free
 * take the lock only for the reserve, as 3.10's.
 */
#ifndef MM_MEMPOOL_INTERNAL_H
#define MM_MEMPOOL_INTERNAL_H

#include "owner_table.h"
#include <mm/mempool.h>
#include <kernel/panic.h>
#include <kernel/sched.h>

#define MEMPOOL_IN_FLIGHT (-1) /* owner pid of an element given away */

/* A task asleep in mempool_alloc on this pool (on its stack, linked in pool->waiters). */
struct mempool_waiter {
	struct task_struct *task;
	struct list_head node;
};

/* What the deadlock rule found, copied out under the lock for the report. */
#define MEMPOOL_REPORT_HOLDERS 4
struct mempool_deadlock {
	unsigned int nr_out; /* elements out */
	int nr_holders;	     /* distinct holders (all blocked on this pool) */
	struct {
		char comm[TASK_COMM_LEN];
		int pid;
		unsigned int held;
	} holders[MEMPOOL_REPORT_HOLDERS];
};

#ifdef CONFIG_DEBUG_MEMPOOL
/*
 * mempool_owner_setup - make the base table fit @min_nr elements out (x2).
 * At create, the pool is not shared yet; at resize, the swap is done under
 * the pool lock.  Returns 0 or -ENOMEM (pool unchanged).  May sleep with
 * @gfp.
 */
int mempool_owner_setup(mempool_t *pool, int min_nr, gfp_t gfp, int node);

/* Free the tables.  The pool is no longer shared. */
void mempool_owner_teardown(mempool_t *pool);

/* Record @elem as held by the current task (given away when in interrupt context).  Locked. */
void mempool_owner_add(mempool_t *pool, void *elem);

/* @elem came back: forget it.  Unknown elements are fine (see nr_untracked).  Locked. */
void mempool_owner_del(mempool_t *pool, void *elem);

/* @elem is now held by whoever will free it, not by its allocator.  Locked. */
void mempool_owner_give_away(mempool_t *pool, void *elem);

/*
 * mempool_owner_deadlocked - can nothing come back to @pool?  True when
 * every element out is held by the current task or by a task in
 * pool->waiters, none is given away and none is untracked; @d then says
 * who holds them.  The caller has seen the reserve empty.  Locked.
 */
bool mempool_owner_deadlocked(mempool_t *pool, struct mempool_deadlock *d);

/* Print the deadlock line for @pool (named @name) and a backtrace.  Not locked. */
void mempool_deadlock_report(const char *name, const struct mempool_deadlock *d);

/*
 * mempool_owner_count - how many elements out the current task holds
 * (*@mine) and how many are given away (*@away).  For the stall warning.
 * Locked.
 */
void mempool_owner_count(mempool_t *pool, unsigned int *mine, unsigned int *away);

/* The pid holding the first element still out, or 0 if none (mempool_destroy's report).  Locked. */
int mempool_owner_any(mempool_t *pool);

/*
 * mempool_give_up - report the deadlock @d found on @pool, count it in
 * mempool_deadlocks, wake the other waiters so they judge their own case.
 * Not locked.  Returns NULL, for mempool_alloc to return.
 */
void *mempool_give_up(mempool_t *pool, const struct mempool_deadlock *d);

#else /* !CONFIG_DEBUG_MEMPOOL: nothing recorded, nothing judged */

static inline int mempool_owner_setup(mempool_t *pool, int min_nr, gfp_t gfp, int node)
{
	return 0;
}

static inline void mempool_owner_teardown(mempool_t *pool)
{
}

static inline void mempool_owner_add(mempool_t *pool, void *elem)
{
}

static inline void mempool_owner_del(mempool_t *pool, void *elem)
{
}

static inline bool mempool_owner_deadlocked(mempool_t *pool, struct mempool_deadlock *d)
{
	return false;
}

static inline void *mempool_give_up(mempool_t *pool, const struct mempool_deadlock *d)
{
	return NULL;
}
#endif

/* ---- for mempool_alloc and mempool_free (mm/mempool_alloc.c) ---- */

/* Put @element in the reserve, which has room.  Locked. */
static inline void add_element(mempool_t *pool, void *element)
{
	BUG_ON(pool->curr_nr >= pool->min_nr);
	pool->elements[pool->curr_nr++] = element;
}

/* Take the element last put in the reserve, which is not empty.  Locked. */
static inline void *remove_element(mempool_t *pool)
{
	BUG_ON(pool->curr_nr <= 0);
	return pool->elements[--pool->curr_nr];
}

/* Take the task off the waiters (if it joined; NULL: a caller with no waiter).  Locked. */
static inline void waiter_leave(struct mempool_waiter *w)
{
	if (w && !list_empty(&w->node))
		list_del_init(&w->node);
}

/*
 * Join pool->waiters before a sleep (once: a task already on it stays).  Locked.  Only the
 * deadlock rule reads the list: without CONFIG_DEBUG_MEMPOOL nobody joins it.
 */
static inline void waiter_join(mempool_t *pool, struct mempool_waiter *w)
{
#ifdef CONFIG_DEBUG_MEMPOOL
	if (list_empty(&w->node))
		list_add_tail(&w->node, &pool->waiters);
#endif
}

/*
 * Hand @element (from the reserve, or the allocator) to the caller: record its owner, leave
 * the waiters.  Locked; unlocks.  Without CONFIG_DEBUG_MEMPOOL only the unlock is left, and
 * the write barrier of 3.10's reserve path: a CPU that frees this element must see the
 * reserve one short (mempool_free looks at curr_nr without the lock).
 */
static inline void *mempool_hand_out(mempool_t *pool, void *element, struct mempool_waiter *w,
				     unsigned long flags)
{
	mempool_owner_add(pool, element);
	waiter_leave(w);
	spin_unlock_irqrestore(&pool->lock, flags);
	smp_wmb(); /* pairs with mempool_free_locks()'s smp_rmb() */
	return element;
}

/*
 * mempool_hand_out_fresh - hand out @element, fresh from the allocator, without the lock held.
 * With CONFIG_DEBUG_MEMPOOL: take the lock and mempool_hand_out (record, leave the waiters).
 * Without: return it as it is, 3.10's lock-free fast path (nobody joined the waiters).
 * @w is NULL for an element of the first try, before the caller had a waiter.
 */
static inline void *mempool_hand_out_fresh(mempool_t *pool, void *element, struct mempool_waiter *w)
{
	/* 3.10 takes no lock here; CONFIG_DEBUG_MEMPOOL does, to record: docs/linux-3.10.md */
#ifdef CONFIG_DEBUG_MEMPOOL
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	return mempool_hand_out(pool, element, w, flags);
#else
	return element;
#endif
}

/*
 * mempool_free_locks - must mempool_free take the lock for this element?  With
 * CONFIG_DEBUG_MEMPOOL always (its holder is forgotten under it).  Without, only when the
 * reserve looks short, looked at without the lock as 3.10 does (checked again under it).  A
 * stale look only sends the element to the allocator while another CPU takes from the
 * reserve; a task that sleeps meanwhile finds it there on its next try, 5 s later at most.
 */
static inline bool mempool_free_locks(mempool_t *pool)
{
	/* 3.10 locks only for a short reserve; CONFIG_DEBUG_MEMPOOL always: docs/linux-3.10.md */
#ifdef CONFIG_DEBUG_MEMPOOL
	return true;
#else
	smp_rmb(); /* pairs with mempool_hand_out()'s smp_wmb() */
	return READ_ONCE(pool->curr_nr) < pool->min_nr;
#endif
}

/*
 * mempool_sleep - sleep on pool->wait until a mempool_free wakes us, 5 s
 * pass (Linux's io_schedule_timeout(5*HZ)), or the next stall mark; warn at
 * each stall mark.  Called with the lock held (@flags: what
 * spin_lock_irqsave saved) and the task on pool->waiters; returns
 * unlocked.  *@waited counts the jiffies slept so far.
 */
void mempool_sleep(mempool_t *pool, unsigned long flags, unsigned long *waited);

#endif
