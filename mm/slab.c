/*
 * SPDX-License-Identifier: MIT
 * mm/slab.c - caches of equal-sized objects: slabs, their lists, and the
 * allocation and free paths.  The SLUB design, for one CPU.
 *
 * The fast path (slab_alloc_node/slab_free in slab_internal.h) works on the
 * cache's cpu slab alone: pop or push one object on s->cpu_slab.freelist
 * with interrupts off for a few instructions, no lock, no list.  Everything
 * else is the slow path, here:
 *
 *   ___slab_alloc   the cpu freelist is empty (or on the wrong node):
 *                   retire the cpu slab to its node's lists, take a slab
 *                   from the node's partial list, or a new one from the page
 *                   allocator, and make it the cpu slab
 *   __slab_free     the object is not in the cpu slab: check that it is an
 *                   object of this cache, put it back on its slab's own
 *                   freelist, move the slab full -> partial, and give an
 *                   empty slab back when the node has enough partial ones
 *
 * Two kinds of slab never become the cpu slab and are served one object at
 * a time from their own freelists: slabs of debugging caches (every alloc
 * and free must pass the checks in slab_debug.c) and slabs carved from the
 * emergency reserve (their objects are only for callers allowed the
 * reserve, and the fast path does not ask who is calling).
 *
 * Invariants (interrupts off to look at any of them):
 *   page->inuse == page->objects - (objects on page->freelist)
 *   a slab is the cpu slab (frozen), or on exactly one node list: partial
 *   if page->freelist, full if not
 *   node->nr_slabs / total_objects count every slab of the node, cpu slab included
 *   quarantined objects are on no freelist and still count in page->inuse
 */
#include <kernel/err.h>
#include <kernel/irqflags.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <mm/fault_inject.h>
#include <stdio.h>
#include <string.h>

#include "slab_internal.h"

static inline struct kmem_cache_node *get_node(struct kmem_cache *s, const struct page *page)
{
	return &s->node[page_to_nid(page)];
}

/* ---- slab pages ---------------------------------------------------------- */

/*
 * allocate_slab - pages for a new slab of @s, cut into objects on a
 * freelist (constructed, or set up for debugging).  On no list yet.
 */
static struct page *allocate_slab(struct kmem_cache *s, gfp_t gfp, int node)
{
	struct page *page;
	char *base;

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
	page = alloc_pages_node(node, gfp, s->order);
	if (!page)
		return NULL;
	prep_compound(page, s->order);
	page->flags |= 1UL << PG_slab;
	page->slab_cache = s;
	page->objects = s->objects;
	page->inuse = 0;
	page->frozen = 0;

	base = slab_address(page);
	if (kmem_cache_debug(s))
		setup_slab_debug(s, page);
	for (unsigned int i = 0; i < s->objects; i++) {
		void *object = slab_object(s, base, i);

		if (s->ctor)
			s->ctor(object);
		set_freepointer(s, object, i + 1 < s->objects ? slab_object(s, base, i + 1) : NULL);
	}
	page->freelist = slab_object(s, base, 0);
	return page;
}

/*
 * new_slab - a new slab for @s, put on its node's partial list.  With
 * __GFP_WAIT the page allocator may sleep, so interrupts go back to the
 * caller's state (@irqflags) meanwhile.  Returns with interrupts off.
 */
static struct page *new_slab(struct kmem_cache *s, gfp_t gfp, int node, unsigned long irqflags)
{
	bool blocking = gfpflags_allow_blocking(gfp);
	struct kmem_cache_node *n;
	struct page *page;

	if (blocking)
		local_irq_restore(irqflags);
	page = allocate_slab(s, gfp, node);
	if (blocking)
		local_irq_disable();
	if (!page)
		return NULL;
	n = get_node(s, page);
	n->nr_slabs++;
	n->total_objects += page->objects;
	list_add_tail(&page->lru, &n->partial);
	n->nr_partial++;
	return page;
}

/* discard_slab - give an empty slab (on no list) back to the page allocator. */
static void discard_slab(struct kmem_cache *s, struct page *page)
{
	struct kmem_cache_node *n = get_node(s, page);

	n->nr_slabs--;
	n->total_objects -= page->objects;
	if (kmem_cache_debug(s))
		slab_pad_check(s, page);
	page->flags &= ~(1UL << PG_slab);
	page->slab_cache = NULL;
	page->freelist = NULL;
	page->inuse = page->objects = 0;
	clear_compound(page, s->order);
	__free_pages(page, s->order);
}

/* ---- node lists ------------------------------------------------------------ */

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

/* A partial slab of @s on @n that an allocation with @gfp may use, or NULL. */
static struct page *get_partial_node(struct kmem_cache_node *n, gfp_t gfp)
{
	struct page *page;

	list_for_each_entry(page, &n->partial, lru)
		if (pfmemalloc_match(page, gfp))
			return page;
	return NULL;
}

/* Any node's partial slab: the last resort when the page allocator has nothing. */
static struct page *get_any_partial(struct kmem_cache *s, gfp_t gfp)
{
	for (int nid = 0; nid < nr_online_nodes && nid < MAX_NUMNODES; nid++) {
		struct page *page = get_partial_node(&s->node[nid], gfp);

		if (page)
			return page;
	}
	return NULL;
}

/* ---- allocation slow path --------------------------------------------------- */

/*
 * freeze_slab - make partial slab @page the cpu slab and take its first
 * object.  Its whole freelist moves to the cpu freelist.
 */
static void *freeze_slab(struct kmem_cache *s, struct page *page)
{
	struct kmem_cache_cpu *c = &s->cpu_slab;
	void *object = page->freelist;

	remove_partial(get_node(s, page), page);
	page->freelist = NULL;
	page->inuse = page->objects;
	page->frozen = 1;
	c->page = page;
	c->node = page_to_nid(page);
	c->base = (unsigned long)slab_address(page);
	c->span = slab_bytes(s);
	c->freelist = get_freepointer(s, object);
	return object;
}

/*
 * deactivate_slab - the cpu slab goes back to its node: its cpu freelist
 * rejoins the slab's own, and the slab lands on the list its state says.
 */
static void deactivate_slab(struct kmem_cache *s)
{
	struct kmem_cache_cpu *c = &s->cpu_slab;
	struct page *page = c->page;
	struct kmem_cache_node *n = get_node(s, page);
	void *object = c->freelist;

	c->page = NULL;
	c->freelist = NULL;
	c->base = c->span = 0;
	while (object) {
		void *next = get_freepointer(s, object);

		set_freepointer(s, object, page->freelist);
		page->freelist = object;
		page->inuse--;
		object = next;
	}
	page->frozen = 0;
	if (!page->freelist) {
		list_add(&page->lru, &n->full);
	} else if (!page->inuse && discard_empty(s, n, page)) {
		discard_slab(s, page);
	} else {
		list_add_tail(&page->lru, &n->partial);
		n->nr_partial++;
	}
}

void flush_cpu_slab(struct kmem_cache *s)
{
	if (s->cpu_slab.page)
		deactivate_slab(s);
}

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
 * alloc_single_from_slab - one object off @page's own freelist, for slabs
 * that never become the cpu slab.  NULL if the object failed the debug
 * checks: it is quarantined, and the caller tries again.
 */
static void *alloc_single_from_slab(struct kmem_cache *s, struct page *page, unsigned long addr)
{
	struct kmem_cache_node *n = get_node(s, page);
	void *object = page->freelist;
	bool ok = !kmem_cache_debug(s) || alloc_debug_processing(s, page, object, addr);

	page->freelist = get_freepointer(s, object);
	page->inuse++;
	if (!ok) {
		quarantine_object(s, object);
		slab_object_states(s, page,
				   slab_state_buf); /* a cut freelist lost objects: recount */
	}
	if (!page->freelist) {
		remove_partial(n, page);
		list_add(&page->lru, &n->full);
	}
	return ok ? object : NULL;
}

/* A slab with a free object for @gfp on @node: a partial one, a new one, or any node's. */
static struct page *get_slab(struct kmem_cache *s, gfp_t gfp, int node, unsigned long irqflags)
{
	int searchnode = node == NUMA_NO_NODE ? numa_node_id() : node;
	struct page *page = get_partial_node(&s->node[searchnode], gfp);

	if (page)
		return page;
	page = new_slab(s, gfp, node, irqflags);
	if (page)
		return page;
	return get_any_partial(s, gfp);
}

/*
 * slab_alloc_slowpath - the fast path found no object.  Called and returns
 * with interrupts off; @irqflags is what the caller saved, so that a
 * sleeping allocation can turn them back on while it waits for pages.
 */
static void *slab_alloc_slowpath(struct kmem_cache *s, gfp_t gfp, int node, unsigned long addr,
				 unsigned long irqflags)
{
	struct kmem_cache_cpu *c = &s->cpu_slab;
	struct page *page;
	void *object;

	if (node != NUMA_NO_NODE && (node < 0 || node >= nr_online_nodes || node >= MAX_NUMNODES)) {
		WARN_ON_ONCE(1); /* no such node: take the current one */
		node = NUMA_NO_NODE;
	}
	/* The fast path may have come here for its hooks only, or an interrupt refilled it. */
	object = c->freelist;
	if (object && (node == NUMA_NO_NODE || c->node == node)) {
		c->freelist = get_freepointer(s, object);
		return object;
	}
	if (c->page)
		deactivate_slab(s); /* used up, or on the wrong node */
	do {
		page = get_slab(s, gfp, node, irqflags);
		if (!page)
			return NULL;
		if (!kmem_cache_debug(s) && !page_is_pfmemalloc(page)) {
			/* An interrupt may have installed a cpu slab while we waited for pages. */
			if (s->cpu_slab.page)
				deactivate_slab(s);
			return freeze_slab(s, page);
		}
		object = alloc_single_from_slab(s, page, addr);
	} while (!object);
	return object;
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
	if (should_failslab(s, gfp))
		return NULL;
	local_irq_save(irqflags);
	object = slab_alloc_slowpath(s, gfp, node, addr, irqflags);
	local_irq_restore(irqflags);
	if (object && (gfp & __GFP_ZERO))
		memset(object, 0, s->object_size);
	return object;
}

__slab_fastpath void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	return slab_alloc_node(s, gfp, NUMA_NO_NODE);
}

void *kmem_cache_alloc_node(struct kmem_cache *s, gfp_t gfp, int node)
{
	return slab_alloc_node(s, gfp, node);
}

/* ---- free slow path ---------------------------------------------------------- */

/* Put @object back on @page's own freelist; move or give back the slab as it changes state. */
static void free_to_slab(struct kmem_cache *s, struct page *page, void *object, unsigned long addr)
{
	struct kmem_cache_node *n = get_node(s, page);
	bool was_full;

	if (kmem_cache_debug(s)) {
		switch (free_debug_processing(s, page, object, addr)) {
		case FREE_IGNORE:
			return;
		case FREE_QUARANTINE:
			quarantine_object(s, object);
			return;
		case FREE_OK:
			break;
		}
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
		list_add_tail(&page->lru, &n->partial);
		n->nr_partial++;
	}
}

/*
 * slab_free_slowpath - the fast path could not take @x.  Make sure it is an
 * object of @s (always: the checks cost nothing next to the list work, and
 * a wrong pointer here would corrupt another cache), then free it.
 * Interrupts off.
 */
static void slab_free_slowpath(struct kmem_cache *s, void *x, unsigned long addr)
{
	struct page *page;

	if (unlikely(!x))
		return;
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
	if (unlikely(page->frozen || (s->nr_quarantined && is_quarantined(s, x)))) {
		/*
		 * The fast path takes every cpu-slab object but its freelist's
		 * head: a double free.
		 */
		slab_report_bad_free(s, page, x, addr, "Object already free");
		return;
	}
	free_to_slab(s, page, x, addr);
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

__slab_fastpath void kmem_cache_free(struct kmem_cache *s, void *obj)
{
	slab_free(s, obj, 0);
}

/* ---- caches ---------------------------------------------------------------- */

/* Give back every empty slab on @n's partial list.  Interrupts off. */
static void discard_empty_partials(struct kmem_cache *s, struct kmem_cache_node *n)
{
	struct page *page, *tmp;

	list_for_each_entry_safe(page, tmp, &n->partial, lru)
		if (!page->inuse) {
			remove_partial(n, page);
			discard_slab(s, page);
		}
}

int kmem_cache_shrink(struct kmem_cache *s)
{
	unsigned long flags;

	local_irq_save(flags);
	flush_cpu_slab(s);
	for (int nid = 0; nid < MAX_NUMNODES; nid++)
		discard_empty_partials(s, &s->node[nid]);
	local_irq_restore(flags);
	return 0;
}

void kmem_cache_shrink_all(void)
{
	struct kmem_cache *s;
	unsigned long flags;

	local_irq_save(flags);
	list_for_each_entry(s, &slab_caches, list)
		kmem_cache_shrink(s);
	local_irq_restore(flags);
}

/* Every slab left holds only quarantined objects: give them all back.  Interrupts off. */
static void discard_all_slabs(struct kmem_cache *s)
{
	for (int nid = 0; nid < MAX_NUMNODES; nid++) {
		struct kmem_cache_node *n = &s->node[nid];
		struct page *page, *tmp;

		list_for_each_entry_safe(page, tmp, &n->partial, lru) {
			remove_partial(n, page);
			discard_slab(s, page);
		}
		list_for_each_entry_safe(page, tmp, &n->full, lru) {
			list_del(&page->lru);
			discard_slab(s, page);
		}
	}
	s->nr_quarantined = 0;
}

void kmem_cache_destroy(struct kmem_cache *s)
{
	struct slabinfo si;
	unsigned long flags;

	if (!s)
		return;
	if (WARN_ON(s->flags & SLAB_KMALLOC) || WARN_ON(s == &kmem_cache_boot))
		return;
	local_irq_save(flags);
	kmem_cache_shrink(s);
	slab_count(s, &si);
	if (si.active_objs) {
		local_irq_restore(flags);
		slab_report_leaks(s, si.active_objs, _RET_IP_);
		return;
	}
	discard_all_slabs(s);
	list_del(&s->list);
	local_irq_restore(flags);
	kmem_cache_free(&kmem_cache_boot, s);
}
