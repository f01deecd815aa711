/*
 * SPDX-License-Identifier: MIT
 * mm/slab_freelist.c - the freelists inside free objects: a new slab cut
 * into one (new_slab), and the per-CPU fast paths that pop and push this
 * CPU's (slab_alloc_node, slab_free).  The reference for labs/slab/.
 *
 * A free object's first word (or, when it must keep its bytes, the word
 * after it: s->offset) points to the next free object; get_freepointer and
 * set_freepointer (slab_internal.h) read and write it:
 *
 *   c->freelist --> [obj 5|next] --> [obj 2|next] --> [obj 7|NULL]
 *
 * The fast paths work on this CPU's kmem_cache_cpu with interrupts off for
 * a few instructions; whatever they cannot do goes to the slow paths in
 * mm/slab.c (___slab_alloc, __slab_free) by a tail call.  They are always
 * inlined into the API functions at the end of this file (kmem_cache_alloc,
 * kmalloc, kfree, ...), which is why those live here: each gets its own
 * copy, with no call in between.  The locking rules and the slot layout are
 * in slab_internal.h, the guide in docs/memory.md.
 */
#include <kernel/irqflags.h>
#include <kernel/preempt.h>
#include <string.h>

#include "slab_internal.h"

/* ---- a new slab ---------------------------------------------------------------- */

struct page *new_slab(struct kmem_cache *s, gfp_t gfp, int node, unsigned long irqflags)
{
	struct page *page = allocate_slab(s, gfp, node, irqflags);
	char *base;

	if (!page)
		return NULL;
	base = slab_address(page);
	if (kmem_cache_debug(s))
		setup_slab_debug(
			s, page); /* red zones and poison first: they leave the free pointer */
	for (unsigned int i = 0; i < page->objects; i++) {
		void *object = slab_object(s, base, i);

		if (s->ctor)
			s->ctor(object);
		set_freepointer(s, object,
				i + 1 < page->objects ? slab_object(s, base, i + 1) : NULL);
	}
	page->freelist = slab_object(s, base, 0);
	return page;
}

/* ---- the fast paths ------------------------------------------------------------ */

/*
 * slab_alloc_node - the fast path: pop the cpu freelist.  Always inlined
 * into the API function (kmem_cache_alloc, kmalloc, ...), so that each has
 * its own copy without a further call, and so that _RET_IP_ here is the
 * API function's caller - the call site SLAB_STORE_USER records (GCC
 * documents __builtin_return_address in inlined code that way).  It is
 * read only on the way to the slow path: reading it before the interrupt
 * flags would cost every allocation an instruction.
 */
static __always_inline void *slab_alloc_node(struct kmem_cache *s, gfp_t gfp, int node)
{
	/* This CPU's kmem_cache_cpu, as slab_free reaches it (this_cpu_slab). */
	struct kmem_cache_cpu __pcpu_seg *c = this_cpu_slab(s);
	unsigned long flags;
	void *object;

	/* Interrupts off: we stay on this CPU, and nothing else touches its kmem_cache_cpu. */
	local_irq_save(flags);
	object = c->freelist;
	/*
	 * Two copies of the pop, so that the common case - a thread with
	 * interrupts on - knows it turns them back on with a bare sti.
	 */
#ifdef CONFIG_DEBUG_PREEMPT
	if (likely(!preempt_count() && !arch_irqs_disabled_flags(flags))) {
		if (unlikely(!object || (node != NUMA_NO_NODE && c->node != node) ||
			     slab_alloc_unusual(gfp, false)))
			goto slow;
		c->freelist = get_freepointer(s, object);
		local_irq_enable();
	} else
#endif
	/*
	 * Without the debug checks (make bench), as 3.10 without
	 * CONFIG_DEBUG_ATOMIC_SLEEP: the context is not looked at here, a
	 * sleeping allocation in atomic context is caught only if it gets to
	 * the slow path (which says so), and one copy of the pop does.
	 */
	{
		if (unlikely(!object || (node != NUMA_NO_NODE && c->node != node) ||
			     slab_alloc_unusual(gfp, SLAB_CHECK_ATOMIC)))
			goto slow;
		c->freelist = get_freepointer(s, object);
		arch_local_irq_restore(
			flags); /* push; popf: local_irq_restore's test-and-sti is more */
	}
	if (unlikely(gfp & __GFP_ZERO))
		return memset(object, 0, s->object_size); /* a tail call: it returns @object */
	return object;
slow:
	return ___slab_alloc(s, gfp, node, _RET_IP_, flags);
}

/*
 * slab_free - the fast path: an object of this CPU's cpu slab goes on this
 * CPU's freelist.  Anything else - another slab (another CPU's cpu slab
 * included: that object goes to its slab's own freelist, as in SLUB), a
 * debugging cache, a pointer outside the cpu slab, the freelist's own head
 * freed again - is the slow path's to sort out.  A pointer inside the cpu
 * slab but not at an object's start is NOT caught here (it would corrupt
 * the freelist, as in Linux without debugging): slub_debug=F makes every
 * cache take the checked slow path.  Always inlined, as slab_alloc_node.
 * @addr: the call site to report, or 0 for the caller of the function this
 * is inlined into (then read only on the way to the slow path).
 */
/* 3.10 frees with cmpxchg_double, per-CPU partials; we irqs off, no partials: docs/linux-3.10.md */
static __always_inline void slab_free(struct kmem_cache *s, void *x, unsigned long addr)
{
	struct kmem_cache_cpu __pcpu_seg *c = this_cpu_slab(s);
	unsigned long flags;

	local_irq_save(flags); /* interrupts off: this CPU's, until we turn them on */
	if (unlikely((unsigned long)x - c->base >= c->span || x == c->freelist)) {
		__slab_free(s, x, addr ? addr : _RET_IP_, flags);
		return;
	}
	set_freepointer(s, x, c->freelist);
	c->freelist = x;
	arch_local_irq_restore(flags);
}

/* ---- the API: each inlines the fast paths ---------------------------------------- */

/*
 * kmem_cache_alloc and kmem_cache_alloc_node (include/mm/slab.h) call these:
 * the _nozero copies for a mask known to have no __GFP_ZERO, where clearing
 * the bit lets the compiler drop slab_alloc_node's test of it.
 */
__slab_fastpath void *__kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	return slab_alloc_node(s, gfp, NUMA_NO_NODE);
}

__slab_fastpath void *__kmem_cache_alloc_nozero(struct kmem_cache *s, gfp_t gfp)
{
	return slab_alloc_node(s, gfp & ~__GFP_ZERO, NUMA_NO_NODE);
}

void *__kmem_cache_alloc_node(struct kmem_cache *s, gfp_t gfp, int node)
{
	return slab_alloc_node(s, gfp, node);
}

void *__kmem_cache_alloc_node_nozero(struct kmem_cache *s, gfp_t gfp, int node)
{
	return slab_alloc_node(s, gfp & ~__GFP_ZERO, node);
}

__slab_fastpath void kmem_cache_free(struct kmem_cache *s, void *obj)
{
	slab_free(s, obj, 0);
}

/*
 * Always inlined: its _RET_IP_ (in slab_alloc_node) is then the caller of
 * kmalloc, kmalloc_node or krealloc.
 */
static __always_inline void *__do_kmalloc_node(size_t size, gfp_t gfp, int node)
{
	/* One compare for both rare cases: 0 - 1 wraps around to the largest size_t. */
	if (unlikely(size - 1 >= KMALLOC_MAX_CACHE_SIZE)) {
		if (!size)
			return ZERO_SIZE_PTR;
		return kmalloc_large_node(size, gfp, node);
	}
	return slab_alloc_node(kmalloc_slab(size, gfp), gfp, node);
}

__slab_fastpath void *kmalloc(size_t size, gfp_t gfp)
{
	return __do_kmalloc_node(size, gfp, NUMA_NO_NODE);
}

void *kmalloc_node(size_t size, gfp_t gfp, int node)
{
	return __do_kmalloc_node(size, gfp, node);
}

void *krealloc(const void *p, size_t new_size, gfp_t gfp)
{
	size_t old_size;
	void *ret;

	if (unlikely(!new_size)) {
		kfree(p);
		return ZERO_SIZE_PTR;
	}
	old_size = ksize(p);
	if (old_size >= new_size)
		return (void *)p; /* it already fits: nothing moves */
	ret = __do_kmalloc_node(new_size, gfp, NUMA_NO_NODE);
	if (ret && !ZERO_OR_NULL_PTR(p)) {
		memcpy(ret, p, old_size);
		kfree(p);
	}
	return ret;
}

/* Everything but a slab object: NULL, ZERO_SIZE_PTR, large kmallocs, bugs. */
static noinline void kfree_slowpath(const void *x, unsigned long addr)
{
	if (ZERO_OR_NULL_PTR(x))
		return;
	free_large_kmalloc(slab_virt_to_head_page(x), x, addr);
}

__slab_fastpath void kfree(const void *x)
{
	/*
	 * The common case in a few instructions: @x in the direct map, on a
	 * page that starts a slab.  An object on a later page of a slab of
	 * several pages takes one step more (the tail page names its head).
	 * NULL and ZERO_SIZE_PTR fall outside the direct map, so they need no
	 * test of their own here.
	 */
	unsigned long pfn = ((unsigned long)x - PAGE_OFFSET) >> PAGE_SHIFT;
	struct page *page;

	if (unlikely(pfn >= max_pfn))
		goto slow;
	page = pfn_to_page(pfn);
	if (likely(PageSlab(page)))
		goto free;
	page = slab_compound_head(page);
	if (!PageSlab(page))
		goto slow;
free:
	slab_free(page->slab_cache, (void *)x, 0);
	return;
slow:
	kfree_slowpath(x, _RET_IP_);
}
