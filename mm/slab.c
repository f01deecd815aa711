/*
 * SPDX-License-Identifier: MIT
 * mm/slab.c - caches of equal-sized objects: slabs, their lists, and the
 * allocation and free paths.  The SLUB design, on several CPUs.
 *
 * The fast path (slab_alloc_node/slab_free in mm/slab_freelist.c) works
 * on this CPU's cpu slab alone: pop or push one object on this CPU's
 * c->freelist with interrupts off for a few instructions, no lock, no
 * list.  Everything else is the slow path, here, under the node's
 * list_lock (the locking rules are in slab_internal.h):
 *
 *   ___slab_alloc   this CPU's freelist is empty (or on the wrong node):
 *                   take what other CPUs freed into the cpu slab
 *                   (page->freelist), else retire the cpu slab to its
 *                   node's lists and take a slab from the node's partial
 *                   list, or a new one from the page allocator, and make
 *                   it this CPU's cpu slab
 *   __slab_free     the object is not in this CPU's cpu slab: check that
 *                   it is an object of this cache, put it back on its
 *                   slab's own freelist (a cpu slab's included),
 *                   move the slab full -> partial, and give an empty slab
 *                   back when the node has enough partial ones
 *
 * Freeing on another CPU (allocated on CPU 1, freed on CPU 2):
 *
 *   CPU 1: c1->page = P, c1->freelist -> a -> b      CPU 2: kfree(x), x in P
 *                                                      not in c2's slab: slow path
 *                                                      lock n->list_lock
 *                                                      P->freelist = x -> ..., P->inuse--
 *   CPU 1, c1->freelist empty:                         unlock
 *     lock, take P->freelist, P->inuse = objects, unlock: c1->freelist = x ...
 *
 * Two kinds of slab never become a cpu slab and are served one object at
 * a time from their own freelists: slabs of debugging caches (every alloc
 * and free must pass the checks in slab_debug.c, under slab_debug_lock)
 * and slabs carved from the emergency reserve (their objects are only for
 * callers allowed the reserve, and the fast path does not ask who is
 * calling).
 *
 * Invariants (under the node's list_lock):
 *   page->inuse == page->objects - (objects on page->freelist)
 *   a slab is some CPU's cpu slab (frozen), or on exactly one node list:
 *   partial if page->freelist, full if not
 *   node->nr_slabs / total_objects count every slab of the node, cpu slabs included
 *   quarantined objects are on no freelist and still count in page->inuse
 */
#include <kernel/err.h>
#include <kernel/irqflags.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <mm/fault_inject.h>
#include <stdio.h>
#include <string.h>

#include "slab_internal.h"

static inline struct kmem_cache_node *get_node(struct kmem_cache *s, const struct page *page)
{
	return &s->node[slab_nid(page)];
}

/* ---- slab pages ---------------------------------------------------------- */

/*
 * allocate_slab - the pages of a new slab of @s, marked as its slab: a
 * slab of s->objects objects, none of them on a freelist yet (new_slab
 * does that), counted nowhere, on no list.  With __GFP_WAIT the page
 * allocator may sleep, so interrupts go back to the caller's state
 * (@irqflags) meanwhile - and the thread may come back on another CPU: the
 * caller looks its cpu slab up again.  Returns with interrupts off.
 */
struct page *allocate_slab(struct kmem_cache *s, gfp_t gfp, int node, unsigned long irqflags)
{
	bool blocking = gfpflags_allow_blocking(gfp);
	struct page *page;

	/* 3.10 BUGs on __GFP_DMA32; we warn, keep the cache's zone: docs/linux-3.10.md */
	if (unlikely(gfp & __GFP_DMA32) && !(s->allocflags & __GFP_DMA32)) {
		static bool warned;

		if (!warned)
			pr_warn("slab %s: unexpected gfp %#x: __GFP_DMA32 ignored\n", s->name, gfp);
		warned = true;
	}
	/*
	 * The slab zeroes objects itself (whole pages would be wasted work), in
	 * the cache's zone.
	 */
	gfp = (gfp & ~(__GFP_ZERO | __GFP_DMA | __GFP_DMA32)) | s->allocflags;
	if (blocking)
		local_irq_restore(irqflags);
	page = alloc_pages_node(node, gfp, s->order);
	if (blocking)
		local_irq_disable();
	if (!page)
		return NULL;
	prep_compound(page, s->order);
	page->flags |= 1UL << PG_slab;
	page->slab_cache = s;
	page->node = page_to_nid(page); /* once per slab: every free reads it (slab_nid) */
	page->objects = s->objects;
	page->inuse = 0;
	page->frozen = 0;
	page->freelist = NULL;
	return page;
}

/* A new slab (new_slab's) joins its node's counts.  Interrupts off. */
static void inc_slabs_node(struct kmem_cache *s, struct page *page)
{
	struct kmem_cache_node *n = get_node(s, page);

	spin_lock(&n->list_lock);
	n->nr_slabs++;
	n->total_objects += page->objects;
	spin_unlock(&n->list_lock);
}

/* discard_slab - give an empty slab (on no list) back.  Caller holds its node's list_lock. */
static void discard_slab(struct kmem_cache *s, struct page *page)
{
	struct kmem_cache_node *n = get_node(s, page);

	n->nr_slabs--;
	n->total_objects -= page->objects;
	stat(s, FREE_SLAB);
	if (kmem_cache_debug(s))
		slab_pad_check(s, page);
	page->flags &= ~(1UL << PG_slab);
	page->slab_cache = NULL;
	page->freelist = NULL;
	page->inuse = page->objects = 0;
	clear_compound(page, s->order);
	__free_pages(page, s->order);
}

/* ---- node lists (under n->list_lock) ------------------------------------------ */

static void add_partial(struct kmem_cache_node *n, struct page *page)
{
	list_add_tail(&page->lru, &n->partial);
	n->nr_partial++;
}

static void remove_partial(struct kmem_cache_node *n, struct page *page)
{
	list_del(&page->lru);
	n->nr_partial--;
}

/*
 * An empty slab goes back to the page allocator when the node keeps enough, or
 * it is reserve memory.
 */
static bool discard_empty(struct kmem_cache *s, struct kmem_cache_node *n, struct page *page)
{
	return n->nr_partial >= s->min_partial || page_is_pfmemalloc(page);
}

/* ---- the cpu slab -------------------------------------------------------------- */

/*
 * deactivate_slab - this CPU's cpu slab goes back to its node: the cpu
 * freelist rejoins the slab's own (which may hold objects other CPUs
 * freed), and the slab lands on the list its state says.  Interrupts off.
 */
static void deactivate_slab(struct kmem_cache *s, struct kmem_cache_cpu *c)
{
	struct page *page = c->page;
	struct kmem_cache_node *n = get_node(s, page);
	void *object = c->freelist;

	c->page = NULL;
	c->freelist = NULL;
	c->base = c->span = 0;
	spin_lock(&n->list_lock);
	while (object) {
		void *next = get_freepointer(s, object);

		set_freepointer(s, object, page->freelist);
		page->freelist = object;
		page->inuse--;
		object = next;
	}
	page->frozen = 0;
	if (!page->freelist)
		list_add(&page->lru, &n->full);
	else if (!page->inuse && discard_empty(s, n, page))
		discard_slab(s, page);
	else
		add_partial(n, page);
	spin_unlock(&n->list_lock);
}

/* IPI (or here): deactivate this CPU's cpu slab of @info, a cache.  Interrupts off. */
static void flush_cpu_slab(void *info)
{
	struct kmem_cache *s = info;
	struct kmem_cache_cpu *c = this_cpu_ptr(s->cpu_slab);

	if (c->page) {
		deactivate_slab(s, c);
		stat(s, CPUSLAB_FLUSH);
	}
}

void flush_all(struct kmem_cache *s)
{
	unsigned long flags;

	if (irqs_disabled()) { /* no waiting for IPIs: this CPU's only (the contract says so) */
		local_irq_save(flags);
		flush_cpu_slab(s);
		local_irq_restore(flags);
		return;
	}
	on_each_cpu(flush_cpu_slab, s, 1);
}

/*
 * install_cpu_slab - make frozen @page, whose free objects are @freelist,
 * this CPU's cpu slab, and take its first object.  A cpu slab that an
 * interrupt installed meanwhile (or that the thread found on the CPU it
 * came back on after sleeping) is deactivated first.  Interrupts off.
 */
static void *install_cpu_slab(struct kmem_cache *s, struct page *page, void *freelist)
{
	struct kmem_cache_cpu *c = this_cpu_ptr(s->cpu_slab);

	if (c->page)
		deactivate_slab(s, c);
	c->page = page;
	c->node = slab_nid(page);
	c->base = (unsigned long)slab_address(page);
	c->span = slab_bytes(s);
	c->freelist = get_freepointer(s, freelist);
	return freelist;
}

/*
 * Freeze @page: all its free objects go to a cpu freelist; returns them.
 * Under its node's list_lock, or on a new slab nobody else can see.
 */
static void *freeze_slab(struct page *page)
{
	void *freelist = page->freelist;

	page->freelist = NULL;
	page->inuse = page->objects;
	page->frozen = 1;
	return freelist;
}

/*
 * take_remote_frees - the objects other CPUs freed into this CPU's cpu
 * slab (SLUB's get_freelist): all of page->freelist, or NULL.  Interrupts off.
 */
static void *take_remote_frees(struct kmem_cache *s, struct page *page)
{
	struct kmem_cache_node *n = get_node(s, page);
	void *freelist;

	if (!READ_ONCE(page->freelist))
		return NULL; /* a racy peek: a free landing just now waits for the next time */
	spin_lock(&n->list_lock);
	freelist = freeze_slab(page);
	spin_unlock(&n->list_lock);
	if (freelist)
		stat(s, ALLOC_REFILL);
	return freelist;
}

/* ---- debug bookkeeping (under a list_lock, then slab_debug_lock) ------------------ */

static void quarantine_object(struct kmem_cache *s, void *object)
{
	if (s->nr_quarantined < SLAB_QUARANTINE_MAX) {
		s->quarantine[s->nr_quarantined++] = object;
		return;
	}
	/* 3.10 marks the whole slab used; we set one object aside: docs/linux-3.10.md */
	/* No room to remember it: it stays "in use" for good, as Linux leaves such objects. */
	pr_err("FIX %s: quarantine full, object 0x%lx kept in use\n", s->name,
	       (unsigned long)object);
}

static bool is_quarantined(const struct kmem_cache *s, const void *object)
{
	for (unsigned int i = 0; i < s->nr_quarantined; i++)
		if (s->quarantine[i] == object)
			return true;
	return false;
}

/*
 * alloc_single_from_slab - one object off partial slab @page's own
 * freelist, for slabs that never become a cpu slab.  NULL if the object
 * failed the debug checks: it is quarantined, and the caller tries again.
 * Caller holds the node's list_lock.
 */
static void *alloc_single_from_slab(struct kmem_cache *s, struct kmem_cache_node *n,
				    struct page *page, unsigned long addr)
{
	bool debug = kmem_cache_debug(s), ok = true;
	void *object = page->freelist;

	if (debug) {
		spin_lock(&slab_debug_lock);
		ok = alloc_debug_processing(s, page, object, addr);
	}
	page->freelist = get_freepointer(s, object);
	page->inuse++;
	if (!ok) {
		quarantine_object(s, object);
		/* a cut freelist lost objects: recount */
		slab_object_states(s, page, slab_state_buf);
	}
	if (debug)
		spin_unlock(&slab_debug_lock);
	if (!page->freelist) {
		remove_partial(n, page);
		list_add(&page->lru, &n->full);
	}
	return ok ? object : NULL;
}

/* ---- allocation slow path --------------------------------------------------- */

/*
 * get_partial_node - take from a partial slab of node @nid usable with
 * @gfp: it becomes this CPU's cpu slab, or (debug, reserve) gives one
 * object.  Returns false if the node has none; else true with *@object
 * (NULL when a quarantined object made the caller try again).
 * Interrupts off.
 */
static bool get_partial_node(struct kmem_cache *s, int nid, gfp_t gfp, unsigned long addr,
			     void **object)
{
	struct kmem_cache_node *n = &s->node[nid];
	struct page *page, *frozen = NULL;
	void *freelist = NULL;
	bool found = false;

	if (!READ_ONCE(n->nr_partial))
		return false; /* a peek without the lock, as 3.10's get_partial_node */
	spin_lock(&n->list_lock);
	list_for_each_entry(page, &n->partial, lru) {
		if (!pfmemalloc_match(page, gfp))
			continue;
		found = true;
		if (kmem_cache_debug(s) || page_is_pfmemalloc(page)) {
			*object = alloc_single_from_slab(s, n, page, addr);
		} else {
			remove_partial(n, page);
			freelist = freeze_slab(page);
			frozen = page;
		}
		break;
	}
	spin_unlock(&n->list_lock);
	if (found)
		stat(s, ALLOC_FROM_PARTIAL);
	/* Outside the lock: installing may deactivate a cpu slab of this very node. */
	if (frozen)
		*object = install_cpu_slab(s, frozen, freelist);
	return found;
}

/* Any node's partial slab: the last resort when the page allocator has nothing. */
static bool get_any_partial(struct kmem_cache *s, gfp_t gfp, unsigned long addr, void **object)
{
	for (int nid = 0; nid < nr_online_nodes && nid < MAX_NUMNODES; nid++)
		if (get_partial_node(s, nid, gfp, addr, object))
			return true;
	return false;
}

/* A new slab: this CPU's cpu slab, or (debug, reserve) on the partial list, one object taken. */
static bool get_new_slab(struct kmem_cache *s, gfp_t gfp, int node, unsigned long addr,
			 unsigned long irqflags, void **object)
{
	struct page *page = new_slab(s, gfp, node, irqflags);
	struct kmem_cache_node *n;

	if (!page)
		return false;
	stat(s, ALLOC_SLAB);
	inc_slabs_node(s, page);
	if (!kmem_cache_debug(s) && !page_is_pfmemalloc(page)) {
		*object = install_cpu_slab(s, page, freeze_slab(page));
		return true;
	}
	n = get_node(s, page);
	spin_lock(&n->list_lock);
	add_partial(n, page);
	*object = alloc_single_from_slab(s, n, page, addr);
	spin_unlock(&n->list_lock);
	return true;
}

/* Pop this CPU's freelist if it has an object for @node.  Interrupts off. */
static void *cpu_freelist_pop(struct kmem_cache *s, struct kmem_cache_cpu *c, int node)
{
	void *object = c->freelist;

	if (!object || (node != NUMA_NO_NODE && c->node != node))
		return NULL;
	c->freelist = get_freepointer(s, object);
	return object;
}

/*
 * slab_alloc_slowpath - the fast path found no object.  Called and returns
 * with interrupts off; @irqflags is what the caller saved, so that a
 * sleeping allocation can turn them back on while it waits for pages.
 */
static void *slab_alloc_slowpath(struct kmem_cache *s, gfp_t gfp, int node, unsigned long addr,
				 unsigned long irqflags)
{
	struct kmem_cache_cpu *c = this_cpu_ptr(s->cpu_slab);
	int searchnode;
	void *object;

	stat(s, ALLOC_SLOWPATH);
	if (node != NUMA_NO_NODE && (node < 0 || node >= nr_online_nodes || node >= MAX_NUMNODES)) {
		WARN_ON_ONCE(1); /* no such node: take the current one */
		node = NUMA_NO_NODE;
	}
	/* The fast path may have come here for its hooks only, or an interrupt refilled it. */
	object = cpu_freelist_pop(s, c, node);
	if (object)
		return object;
	if (c->page && (node == NUMA_NO_NODE || c->node == node)) {
		c->freelist = take_remote_frees(s, c->page); /* other CPUs' frees into our slab */
		object = cpu_freelist_pop(s, c, node);
		if (object)
			return object;
	}
	if (c->page)
		deactivate_slab(s, c); /* used up, or on the wrong node */
	searchnode = node == NUMA_NO_NODE ? numa_node_id() : node;
	for (;;) {
		object = NULL;
		if (!get_partial_node(s, searchnode, gfp, addr, &object) &&
		    !get_new_slab(s, gfp, node, addr, irqflags, &object) &&
		    !get_any_partial(s, gfp, addr, &object))
			return NULL;
		if (object)
			return object;
		/* a quarantined object: try again */
	}
}

void *___slab_alloc(struct kmem_cache *s, gfp_t gfp, int node, unsigned long addr,
		    unsigned long irqflags)
{
	void *object;

	/* The hooks, with interrupts as the caller had them: might_sleep must see that. */
	/* 3.10 would sleep here anyway; we warn and go on as atomic: docs/linux-3.10.md */
	local_irq_restore(irqflags);
	if ((gfp & __GFP_WAIT) && might_sleep())
		gfp &= ~__GFP_WAIT; /* warned; go on as an atomic allocation */
	if (should_failslab(s, gfp, addr))
		return NULL;
	local_irq_save(irqflags);
	object = slab_alloc_slowpath(s, gfp, node, addr, irqflags);
	local_irq_restore(irqflags);
	if (object && (gfp & __GFP_ZERO))
		memset(object, 0, s->object_size);
	return object;
}

/* ---- free slow path ---------------------------------------------------------- */

/*
 * Put @object back on @page's own freelist; move or give back the slab as
 * it changes state.  Caller holds the node's list_lock; @page is not frozen.
 */
static void free_to_slab(struct kmem_cache *s, struct kmem_cache_node *n, struct page *page,
			 void *object, unsigned long addr)
{
	bool was_full;

	if (kmem_cache_debug(s)) {
		enum free_verdict v;

		spin_lock(&slab_debug_lock);
		v = free_debug_processing(s, page, object, addr);
		if (v == FREE_QUARANTINE)
			quarantine_object(s, object);
		spin_unlock(&slab_debug_lock);
		if (v != FREE_OK)
			return;
	} else if (unlikely(object == page->freelist)) {
		/* 3.10 corrupts the freelist here; we report the double free: docs/linux-3.10.md */
		slab_report_bad_free(s, page, object, addr, "Object already free");
		return;
	}
	was_full = !page->freelist;
	set_freepointer(s, object, page->freelist);
	page->freelist = object;
	page->inuse--;
	if (!page->inuse && discard_empty(s, n, page)) {
		if (was_full)
			list_del(&page->lru);
		else
			remove_partial(n, page);
		discard_slab(s, page);
	} else if (was_full) {
		list_del(&page->lru);
		add_partial(n, page);
	}
}

/*
 * free_to_frozen - @object belongs to a cpu slab, another CPU's or (when
 * the fast path left it to us) this one's: onto the slab's own freelist,
 * which its CPU takes when its cpu freelist runs dry (take_remote_frees).
 * The head of either freelist freed again is a double free.  Caller holds
 * the node's list_lock, interrupts off.
 */
static void free_to_frozen(struct kmem_cache *s, struct page *page, void *object,
			   unsigned long addr)
{
	struct kmem_cache_cpu *c = this_cpu_ptr(s->cpu_slab);

	if (unlikely(object == page->freelist || (page == c->page && object == c->freelist))) {
		slab_report_bad_free(s, page, object, addr, "Object already free");
		return;
	}
	set_freepointer(s, object, page->freelist);
	page->freelist = object;
	page->inuse--;
	stat(s, FREE_FROZEN);
}

/*
 * slab_free_slowpath - the fast path could not take @x.  Make sure it is an
 * object of @s (always: the checks cost nothing next to the list work, and
 * a wrong pointer here would corrupt another cache), then free it.
 * Interrupts off.
 */
static void slab_free_slowpath(struct kmem_cache *s, void *x, unsigned long addr)
{
	struct kmem_cache_node *n;
	struct page *page;
	bool quarantined;

	if (unlikely(!x))
		return;
	stat(s, FREE_SLOWPATH);
	page = slab_virt_to_head_page(x);
	if (unlikely(!page || !PageSlab(page))) {
		slab_report_bad_free(s, NULL, x, addr, "Attempt to free object outside of slab");
		return;
	}
	if (unlikely(page->slab_cache != s)) {
		char what[40 + 2 * SLAB_NAME_LEN];

		snprintf(what, sizeof(what), "Wrong slab cache. %s but object is from %s", s->name,
			 page->slab_cache->name);
		slab_report_bad_free(s, NULL, x, addr, what);
		return;
	}
	if (unlikely(!check_valid_pointer(s, page, x))) {
		slab_report_bad_free(s, page, x, addr, "Invalid object pointer");
		return;
	}
	n = get_node(s, page);
	spin_lock(&n->list_lock);
	/*
	 * An object is quarantined under its node's list_lock, held here: a count of 0 read now
	 * means @x is not, and the common case takes no second lock (the count only grows).
	 */
	quarantined = false;
	if (READ_ONCE(s->nr_quarantined)) {
		spin_lock(&slab_debug_lock);
		quarantined = is_quarantined(s, x);
		spin_unlock(&slab_debug_lock);
	}
	if (unlikely(quarantined))
		slab_report_bad_free(s, page, x, addr, "Object already free");
	else if (page->frozen) /* read under the lock: its CPU unfreezes it under the lock */
		free_to_frozen(s, page, x, addr);
	else
		free_to_slab(s, n, page, x, addr);
	spin_unlock(&n->list_lock);
}

/*
 * Not inlined into kmem_cache_free: as a tail call it keeps the fast path free
 * of register saves.
 */
noinline void __slab_free(struct kmem_cache *s, void *x, unsigned long addr, unsigned long irqflags)
{
	slab_free_slowpath(s, x, addr);
	local_irq_restore(irqflags);
}

/* ---- caches ---------------------------------------------------------------- */

/* Give back every empty slab on @n's partial list. */
static void discard_empty_partials(struct kmem_cache *s, struct kmem_cache_node *n)
{
	struct page *page, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&n->list_lock, flags);
	list_for_each_entry_safe(page, tmp, &n->partial, lru)
		if (!page->inuse) {
			remove_partial(n, page);
			discard_slab(s, page);
		}
	spin_unlock_irqrestore(&n->list_lock, flags);
}

int kmem_cache_shrink(struct kmem_cache *s)
{
	flush_all(s);
	for (int nid = 0; nid < MAX_NUMNODES; nid++)
		discard_empty_partials(s, &s->node[nid]);
	return 0;
}

/* IPI (or here): deactivate this CPU's cpu slab of every cache.  Caller holds slab_caches_lock. */
static void flush_cpu_slabs_all(void *unused)
{
	struct kmem_cache *s;

	list_for_each_entry(s, &slab_caches, list)
		flush_cpu_slab(s);
}

void kmem_cache_shrink_all(void)
{
	struct kmem_cache *s;
	unsigned long flags;

	/*
	 * One IPI round for all caches.  The other CPUs walk slab_caches
	 * without its lock: we hold it, and wait, for them (so it is never
	 * taken with interrupts off, or a CPU spinning on it could not answer).
	 */
	spin_lock(&slab_caches_lock);
	if (irqs_disabled()) {
		local_irq_save(flags);
		flush_cpu_slabs_all(NULL);
		local_irq_restore(flags);
	} else {
		on_each_cpu(flush_cpu_slabs_all, NULL, 1);
	}
	list_for_each_entry(s, &slab_caches, list)
		for (int nid = 0; nid < MAX_NUMNODES; nid++)
			discard_empty_partials(s, &s->node[nid]);
	spin_unlock(&slab_caches_lock);
}

/* Every slab left holds only quarantined objects: give them all back. */
static void discard_all_slabs(struct kmem_cache *s)
{
	for (int nid = 0; nid < MAX_NUMNODES; nid++) {
		struct kmem_cache_node *n = &s->node[nid];
		struct page *page, *tmp;
		unsigned long flags;

		spin_lock_irqsave(&n->list_lock, flags);
		list_for_each_entry_safe(page, tmp, &n->partial, lru) {
			remove_partial(n, page);
			discard_slab(s, page);
		}
		list_for_each_entry_safe(page, tmp, &n->full, lru) {
			list_del(&page->lru);
			discard_slab(s, page);
		}
		spin_unlock_irqrestore(&n->list_lock, flags);
	}
	s->nr_quarantined = 0;
}

void kmem_cache_destroy(struct kmem_cache *s)
{
	struct slabinfo si;

	if (!s)
		return;
	if (WARN_ON(s->flags & SLAB_KMALLOC) || WARN_ON(s == &kmem_cache_boot))
		return;
	/* Every CPU's cpu slab back on the node lists (by IPI): then the count is exact. */
	kmem_cache_shrink(s);
	slab_count(s, &si);
	if (si.active_objs) {
		slab_report_leaks(s, si.active_objs, _RET_IP_);
		return;
	}
	spin_lock(&slab_caches_lock);
	list_del(&s->list);
	spin_unlock(&slab_caches_lock);
	discard_all_slabs(s);
	free_percpu(s->cpu_slab);
	kmem_cache_free(&kmem_cache_boot, s);
}
