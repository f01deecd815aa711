/*
 * SPDX-License-Identifier: MIT
 * mm/mempool_owner.c - who holds each element a pool handed out, and the
 * rule that tells a wait that can end from one that cannot.
 *
 * Why a pool needs to know: mempool_alloc with __GFP_WAIT sleeps until
 * somebody gives an element back.  If everybody who holds one is the
 * sleeper itself, or is asleep in the same mempool_alloc, nobody ever
 * will (short of the allocator recovering, which is exactly what a pool
 * exists not to depend on).  Linux sleeps there for ever; we say so.
 *
 * The rule (mempool_owner_deadlocked), evaluated with the reserve empty,
 * just before the caller would sleep:
 *
 *   deadlock  <=>  no element is untracked, none is given away, and each
 *                  element out is held by the caller or by a task in
 *                  pool->waiters
 *
 * A task in pool->waiters is inside mempool_alloc on this pool from its
 * first sleep until it returns, and can free nothing in between; that is
 * what makes the rule sound.  Its limits (what it cannot see) are listed
 * in docs/mempool.md.  The table's life is described in
 * mm/mempool_internal.h, the table itself in mm/owner_table.h.
 */
#include "mempool_internal.h"
#include <mm/mm.h>
#include <mm/slab.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#ifdef CONFIG_DEBUG_MEMPOOL /* the whole file: mm/mempool_internal.h has the stand-ins */

#define OWNER_MIN_SLOTS 16

/* Slots for @min_nr: room for twice the reserve out at load 1/2, a power of two. */
static unsigned int owner_slots_for(int min_nr)
{
	unsigned int want = 4u * (unsigned int)min_nr, slots = OWNER_MIN_SLOTS;

	while (slots < want)
		slots <<= 1;
	return slots;
}

static struct mempool_owner *owners_alloc(unsigned int slots, gfp_t gfp, int node)
{
	return kmalloc_node(slots * sizeof(struct mempool_owner), gfp | __GFP_ZERO, node);
}

int mempool_owner_setup(mempool_t *pool, int min_nr, gfp_t gfp, int node)
{
	unsigned int slots = owner_slots_for(min_nr);
	struct mempool_owner *tab, *old_base, *old_cur = NULL;
	unsigned long flags;

	if (slots <= pool->owners_base_size)
		return 0; /* the base table never shrinks */
	tab = owners_alloc(slots, gfp, node);
	if (!tab)
		return -ENOMEM;

	spin_lock_irqsave(&pool->lock, flags);
	old_base = pool->owners_base;
	if (pool->nr_out * 2 <= slots) {
		/* Move in now; a big table in use (not the base) is freed below. */
		if (pool->owners)
			owner_table_copy(tab, slots, pool->owners, pool->owners_size);
		if (pool->owners != old_base)
			old_cur = pool->owners;
		pool->owners = tab;
		pool->owners_size = slots;
	}
	pool->owners_base = tab;
	pool->owners_base_size = slots;
	spin_unlock_irqrestore(&pool->lock, flags);

	kfree(old_cur);
	kfree(old_base);
	return 0;
}

void mempool_owner_teardown(mempool_t *pool)
{
	if (pool->owners != pool->owners_base)
		kfree(pool->owners);
	kfree(pool->owners_base);
	pool->owners = pool->owners_base = NULL;
	pool->owners_size = pool->owners_base_size = 0;
}

/*
 * Double the table in use (GFP_ATOMIC: we hold the pool lock).  Returns false if it cannot.
 * Out of line: mempool_owner_add, on every allocation, then needs no registers saved.
 */
static noinline bool owner_grow(mempool_t *pool)
{
	unsigned int slots = pool->owners_size * 2;
	struct mempool_owner *tab = owners_alloc(slots, GFP_ATOMIC | __GFP_NOWARN, NUMA_NO_NODE);

	if (!tab)
		return false;
	owner_table_copy(tab, slots, pool->owners, pool->owners_size);
	if (pool->owners != pool->owners_base)
		kfree(pool->owners);
	pool->owners = tab;
	pool->owners_size = slots;
	return true;
}

void mempool_owner_add(mempool_t *pool, void *elem)
{
	/* Taken in an interrupt handler, it belongs to no task: someone will free it. */
	int pid = (in_interrupt() || !current) ? MEMPOOL_IN_FLIGHT : current->pid;

	if ((pool->nr_out + 1) * 2 > pool->owners_size && !owner_grow(pool)) {
		pool->nr_untracked++;
		return;
	}
	owner_table_insert(pool->owners, pool->owners_size, (struct mempool_owner){ elem, pid });
	pool->nr_out++;
}

void mempool_owner_del(mempool_t *pool, void *elem)
{
	int i = owner_table_find(pool->owners, pool->owners_size, elem);

	if (i < 0) {
		/* Not recorded: one the table missed (or a stranger; see the limits). */
		if (pool->nr_untracked)
			pool->nr_untracked--;
		return;
	}
	owner_table_remove(pool->owners, pool->owners_size, (unsigned int)i);
	if (--pool->nr_out == 0 && pool->owners != pool->owners_base) {
		/* Nothing out: back to the base table, give the big one back. */
		kfree(pool->owners);
		memset(pool->owners_base, 0, pool->owners_base_size * sizeof(*pool->owners_base));
		pool->owners = pool->owners_base;
		pool->owners_size = pool->owners_base_size;
	}
}

void mempool_owner_give_away(mempool_t *pool, void *elem)
{
	int i = owner_table_find(pool->owners, pool->owners_size, elem);

	if (i >= 0)
		pool->owners[i].pid = MEMPOOL_IN_FLIGHT;
}

void mempool_mark_in_flight(mempool_t *pool, void *element)
{
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	mempool_owner_give_away(pool, element);
	spin_unlock_irqrestore(&pool->lock, flags);
}

static struct task_struct *waiter_with_pid(mempool_t *pool, int pid)
{
	struct mempool_waiter *w;

	list_for_each_entry(w, &pool->waiters, node)
		if (w->task->pid == pid)
			return w->task;
	return NULL;
}

/* Count one element for @task in @d (the first MEMPOOL_REPORT_HOLDERS holders are named). */
static void note_holder(struct mempool_deadlock *d, struct task_struct *task)
{
	int i;

	for (i = 0; i < d->nr_holders && i < MEMPOOL_REPORT_HOLDERS; i++) {
		if (d->holders[i].pid == task->pid) {
			d->holders[i].held++;
			return;
		}
	}
	if (i < MEMPOOL_REPORT_HOLDERS) {
		memcpy(d->holders[i].comm, task->comm, TASK_COMM_LEN);
		d->holders[i].pid = task->pid;
		d->holders[i].held = 1;
	}
	d->nr_holders++;
}

bool mempool_owner_deadlocked(mempool_t *pool, struct mempool_deadlock *d)
{
	struct task_struct *holder;

	if (pool->nr_untracked || !current || in_interrupt())
		return false;
	memset(d, 0, sizeof(*d));
	d->nr_out = pool->nr_out;
	for (unsigned int i = 0; i < pool->owners_size; i++) {
		struct mempool_owner *o = &pool->owners[i];

		if (!o->elem)
			continue;
		if (o->pid == MEMPOOL_IN_FLIGHT)
			return false; /* it can come back */
		holder = o->pid == current->pid ? current : waiter_with_pid(pool, o->pid);
		if (!holder)
			return false; /* running, or asleep elsewhere: may free it */
		note_holder(d, holder);
	}
	return true;
}

/* "comm/pid" for one holder; "a/3 (2), b/4 (1), all waiting on this pool" for several. */
static void format_holders(const struct mempool_deadlock *d, char *buf, size_t len)
{
	int shown = min(d->nr_holders, MEMPOOL_REPORT_HOLDERS);
	size_t n = 0;

	if (d->nr_holders == 1) {
		snprintf(buf, len, "%s/%d", d->holders[0].comm, d->holders[0].pid);
		return;
	}
	buf[0] = '\0';
	for (int i = 0; i < shown && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%s/%d (%u)", i ? ", " : "", d->holders[i].comm,
			      d->holders[i].pid, d->holders[i].held);
	if (n < len)
		snprintf(buf + n, len - n, "%s, all waiting on this pool",
			 d->nr_holders > shown ? " and others" : "");
}

void mempool_deadlock_report(const char *name, const struct mempool_deadlock *d)
{
	char who[160];

	if (!d->nr_out) {
		pr_err("mempool_alloc: deadlock: pool '%s' is empty and no element is out "
		       "that could come back\n",
		       name);
	} else {
		format_holders(d, who, sizeof(who));
		pr_err("mempool_alloc: deadlock: pool '%s' is empty and all %u outstanding "
		       "elements are held by %s (allocate the rest of a chain without "
		       "__GFP_WAIT, or use bio_kmalloc)\n",
		       name, d->nr_out, who);
	}
	dump_stack();
}

void *mempool_give_up(mempool_t *pool, const struct mempool_deadlock *d)
{
	__atomic_add_fetch(&mempool_deadlocks, 1, __ATOMIC_RELAXED);
	mempool_deadlock_report(pool->name, d);
	/* If we hold elements, freeing them may unblock the others; if not, they must fail too. */
	wake_up_all(&pool->wait);
	return NULL;
}

void mempool_owner_count(mempool_t *pool, unsigned int *mine, unsigned int *away)
{
	int me = current ? current->pid : MEMPOOL_IN_FLIGHT;

	*mine = *away = 0;
	for (unsigned int i = 0; i < pool->owners_size; i++) {
		if (!pool->owners[i].elem)
			continue;
		if (pool->owners[i].pid == MEMPOOL_IN_FLIGHT)
			(*away)++;
		else if (pool->owners[i].pid == me)
			(*mine)++;
	}
}

int mempool_owner_any(mempool_t *pool)
{
	for (unsigned int i = 0; i < pool->owners_size; i++)
		if (pool->owners[i].elem)
			return pool->owners[i].pid;
	return 0;
}

#endif /* CONFIG_DEBUG_MEMPOOL */
