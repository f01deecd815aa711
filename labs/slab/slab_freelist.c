/*
 * SPDX-License-Identifier: MIT
 * labs/slab/slab_freelist.c - the freelists inside free objects: a new slab
 * cut into one (new_slab), and the per-CPU fast paths that pop and push
 * this CPU's (slab_alloc_node, slab_free).  Your file for the slab lab
 * (labs/slab/README.md); it replaces mm/slab_freelist.c.
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
 * copy, with no call in between.  You do not change the API functions.
 * The locking rules and the slot layout are in slab_internal.h, the guide
 * in docs/memory.md.
 *
 * What slab_internal.h gives you:
 *   get_freepointer(s, obj), set_freepointer(s, obj, next)
 *                                the link at s->offset inside free @obj
 *   slab_address(page)           a slab's first byte
 *   slab_object(s, base, i)      object @i of the slab at @base (after the
 *                                left red zone, if the cache has one)
 *   allocate_slab(...)           a slab's pages, set up but with no freelist
 *   setup_slab_debug(s, page)    red zones and poison of every object, for
 *                                a debugging cache (kmem_cache_debug(s))
 *   slab_alloc_unusual(gfp, atomic)
 *                                must this allocation see the slow path?
 *   ___slab_alloc(s, gfp, node, addr, flags), __slab_free(s, x, addr, flags)
 *                                the slow paths: entered with interrupts off,
 *                                they put back @flags before returning
 */
#include <kernel/irqflags.h>
#include <kernel/preempt.h>
#include <string.h>

#include "slab_internal.h"

/* ---- a new slab ---------------------------------------------------------------- */

/*
 * new_slab - a new slab of @s, its objects on a freelist.
 *
 * allocate_slab() gives you the pages (or NULL: return NULL) with
 * page->objects = s->objects, and interrupts off.  Then:
 *   - for a debugging cache, setup_slab_debug(s, page), before anything
 *     else touches the objects;
 *   - each object, in address order: the constructor, if the cache has one
 *     (s->ctor), then its free pointer, naming the next object (the last
 *     one's NULL);
 *   - page->freelist: the first object.
 * Leave the rest of the page's fields as allocate_slab set them: the
 * caller counts the slab in its node and freezes it or lists it.
 */
struct page *new_slab(struct kmem_cache *s, gfp_t gfp, int node, unsigned long irqflags)
{
	struct page *page = allocate_slab(s, gfp, node, irqflags);
	void *object;

	if (!page)
		return NULL;
	/*
	 * TODO: carve the whole slab into a freelist.  What this placeholder
	 * does: it uses object 0 alone and says the slab holds one object
	 * (page->objects = 1), so every allocation of a fresh object costs a
	 * whole slab of pages.  It works, slowly and wastefully.
	 *
	 * Hints:
	 * - Object i is slab_object(s, base, i), base = slab_address(page):
	 *   not base + i * s->size, which forgets the left red zone.
	 * - Link with set_freepointer(s, object, next): the free pointer is
	 *   at s->offset, which is not 0 when the cache poisons its objects
	 *   or has a constructor (their bytes must survive while free).
	 * - Under slub_debug every cache has a left red zone, poison and
	 *   the free pointer after the object: make grade's last part boots
	 *   that way.
	 */
	page->objects = 1;
	object = slab_object(s, slab_address(page), 0);
	if (kmem_cache_debug(s))
		setup_slab_debug(s, page);
	if (s->ctor)
		s->ctor(object);
	set_freepointer(s, object, NULL);
	page->freelist = object;
	return page;
}

/* ---- the fast paths ------------------------------------------------------------ */

/*
 * slab_alloc_node - the fast path of every allocation: pop this CPU's
 * freelist.  With interrupts off (local_irq_save), take the head of this
 * CPU's kmem_cache_cpu freelist (s->cpu_slab; __this_cpu_read and
 * __this_cpu_write reach this CPU's copy) and make its free pointer the new
 * head, interrupts back as they were, and return the object (zeroed with
 * __GFP_ZERO: s->object_size bytes).  Go to the slow path instead - a tail
 * call, return ___slab_alloc(s, gfp, node, _RET_IP_, flags), with
 * interrupts still off - when:
 *   - the freelist is empty;
 *   - @node is not NUMA_NO_NODE and this CPU's slab is on another node
 *     (the kmem_cache_cpu's node);
 *   - slab_alloc_unusual(gfp, atomic) says the slow path must see it:
 *     failslab is armed, or @atomic and @gfp may sleep.  @atomic: the
 *     caller had preemption or interrupts off - looked at only in
 *     CONFIG_DEBUG_PREEMPT builds, where SLAB_CHECK_ATOMIC is true (so
 *     SLAB_CHECK_ATOMIC && (that test) will do).
 * Always inlined into the API functions below: _RET_IP_ here is then
 * their caller, the call site slub_debug records.  No other call on the
 * fast path: it must stay a few instructions (make bench: "kmem_cache_alloc
 * +free hot" is 39 instructions for the pair in the reference).
 */
static __always_inline void *slab_alloc_node(struct kmem_cache *s, gfp_t gfp, int node)
{
	unsigned long flags;

	/*
	 * TODO: the pop.  What this placeholder does: it always takes the
	 * slow path, which pops the same freelist under more checks, and
	 * counts ALLOC_SLOWPATH every time.
	 *
	 * Hints:
	 * - struct kmem_cache_cpu __percpu *cs = s->cpu_slab; then
	 *   __this_cpu_read(cs->freelist) is this CPU's head.  Read it after
	 *   local_irq_save: before, the thread could move to another CPU.
	 * - preempt_count() and arch_irqs_disabled_flags(flags) tell whether
	 *   the caller was atomic.
	 */
	local_irq_save(flags);
	return ___slab_alloc(s, gfp, node, _RET_IP_, flags);
}

/*
 * slab_free - the fast path of every free: push @x on this CPU's freelist.
 * With interrupts off, if @x lies in this CPU's cpu slab (c->base <= x <
 * c->base + c->span; a cache with no cpu slab has base and span 0) and is
 * not the freelist's head already (a double free): link it to the head
 * through its free pointer, make it the head, interrupts back.  Anything
 * else goes to the slow path, a tail call with interrupts still off:
 * __slab_free(s, x, addr ? addr : _RET_IP_, flags).  @addr: the call site
 * to report, or 0 for the caller of the function this is inlined into.
 * Always inlined, as slab_alloc_node (make bench counts it in the same 48).
 */
static __always_inline void slab_free(struct kmem_cache *s, void *x, unsigned long addr)
{
	unsigned long flags;

	/*
	 * TODO: the push.  What this placeholder does: every free takes the
	 * slow path, which puts the object on its slab's own freelist under
	 * the node's list_lock (as for a free from another CPU) and counts
	 * FREE_SLOWPATH.  This CPU gets the object back only when its own
	 * freelist runs dry: not last in, first out.
	 *
	 * Hints:
	 * - With interrupts off, __this_cpu_ptr(s->cpu_slab) is this CPU's
	 *   struct kmem_cache_cpu.
	 * - One compare tests both ends of the range: (unsigned long)x -
	 *   c->base >= c->span is true below the base too (it wraps around).
	 */
	local_irq_save(flags);
	__slab_free(s, x, addr ? addr : _RET_IP_, flags);
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
