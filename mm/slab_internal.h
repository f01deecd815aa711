/*
 * SPDX-License-Identifier: MIT
 * mm/slab_internal.h - the slab allocator's own structures.
 *
 * Users include <mm/slab.h> only.  This header is for the allocator itself;
 * the cache structures are public in <mm/slub_def.h> (as in 3.10), the
 * byte patterns in <mm/poison.h>, and what only the tests call inside in
 * <mm/slab_test.h>:
 *
 *   here                 the slot layout, what the files share
 *   mm/slab_freelist.c   a new slab cut into a freelist (new_slab), the fast
 *                        paths, and the API functions that inline them
 *                        (kmem_cache_alloc/free, kmalloc, kfree, krealloc)
 *   mm/slab.c            slabs, node lists, the slow paths, shrink, destroy
 *   mm/slab_common.c     cache layout and creation, kmalloc's caches, slabinfo
 *   mm/slab_debug.c      slub_debug: checks, reports, validate, walking slabs
 *
 * A slab is 2^order pages cut into slots of s->size bytes.  Its struct page
 * (the first page's) holds the slab's state: PG_slab, slab_cache, freelist,
 * inuse, objects, frozen (mm/mm.h).  A slot, with every debug option on:
 *
 *   slot start                 object (what the user gets)
 *   |                          |
 *   v                          v
 *   +--------------------------+--------------+----------+-------+-------+-------+---------+
 *   | left red zone            | object_size  | right    | free  | alloc | free  | padding |
 *   | (red_left_pad: 0xbb/0xcc)| bytes        | red zone | ptr   | track | track | (0x5a)  |
 *   +--------------------------+--------------+----------+-------+-------+-------+---------+
 *                              0          object_size  inuse  offset     size - red_left_pad
 *
 * Offsets are from the object.  Without debugging a slot is just the object
 * rounded up to the alignment, and the free pointer - the link to the next
 * free object - lives in the object's first word (offset 0) while it is
 * free.  With poisoning or a constructor the free pointer moves after the
 * object, so that a free object's bytes are all poison (every stray write
 * shows) or all constructed state (the constructor's work survives).
 *
 * Where each slab is:
 *
 *   cpu slab   one per CPU (s->cpu_slab, alloc_percpu): frozen = 1, on no
 *              list; its free objects are on that CPU's c->freelist (the
 *              fast path); page->freelist collects what other CPUs free
 *              into it, and page->inuse == objects - (that list's length)
 *   partial    on s->node[nid].partial: some objects free (maybe all: empty
 *              slabs are kept for reuse, at most min_partial of them)
 *   full       on s->node[nid].full: no free object (Linux keeps this list
 *              only when debugging; here always, so that destroy and
 *              validate can see every object)
 *
 * Locking, several CPUs (the rule 3.10's SLUB states in mm/slub.c):
 *
 *   c = this CPU's kmem_cache_cpu   interrupts off, this CPU only: no lock.
 *                                   Other CPUs never touch it; flush_all()
 *                                   sends them an IPI to deactivate theirs
 *   n->list_lock (irqs off)         the node's lists and counters, and the
 *                                   freelist/inuse/frozen of its slabs
 *   slab_debug_lock                 debug bookkeeping: slab_state_buf, the
 *                                   quarantine, a debugging cache's checks
 *   slab_caches_lock                the list of caches; never taken with
 *                                   interrupts off (its holder waits for IPIs)
 *
 *   order: slab_caches_lock -> n->list_lock -> slab_debug_lock -> zone->lock
 *
 * The fast path keeps interrupts off for its few instructions instead of
 * 3.10's this_cpu_cmpxchg_double with a transaction id.  Why: the slow
 * paths need interrupts off anyway (and SLUB's do too), the rule is one
 * sentence ("this CPU's kmem_cache_cpu is touched with interrupts off"),
 * and under -icount it costs no more instructions (pushf/pop/cli and
 * popf against the tid load, cmpxchg16b and its retry loop).  Real
 * hardware is where SLUB's choice pays: popf and cli are slow there, and a
 * preemptible fast path needs no preempt_disable either.
 */
#ifndef MM_SLAB_INTERNAL_H
#define MM_SLAB_INTERNAL_H

#include <kernel/compiler.h>
#include <kernel/irqflags.h>
#include <kernel/list.h>
#include <kernel/preempt.h>
#include <kernel/types.h>
#include <mm/fault_inject.h>
#include <mm/kmalloc_sizes.h>
#include <mm/mm.h>
#include <mm/poison.h>
#include <mm/slab.h>
#include <mm/slab_test.h>
#include <mm/slub_def.h>
#include <string.h>

/* The address the current function returns to: the call site SLAB_STORE_USER records. */
#define _RET_IP_ ((unsigned long)__builtin_return_address(0))

/*
 * For kmem_cache_alloc/free and kmalloc/kfree, whose hot path is some
 * twenty instructions: no frame pointer, which would be a sixth of it.
 * They call nothing on that path and reach the slow path by a tail call,
 * so a backtrace from the slow path is whole; only a fault inside the few
 * fast-path instructions (a corrupted freelist) shows the caller's caller
 * next to the faulting function instead of the caller.
 */
#define __slab_fastpath __attribute__((optimize("omit-frame-pointer")))

/* Internal cache flags, above the ones users may pass (Linux's values). */
#define SLAB_KMALLOC	0x00001000U /* a kmalloc cache: never destroyed */
#define __OBJECT_POISON 0x80000000U /* poison objects: SLAB_POISON without a ctor */

/* The flags kmem_cache_create() accepts from its caller. */
#define SLAB_CREATE_MASK \
	(SLAB_DEBUG_FLAGS | SLAB_HWCACHE_ALIGN | SLAB_CACHE_DMA | SLAB_CACHE_DMA32 | SLAB_PANIC)

#define SLUB_MAX_ORDER	 3 /* PAGE_ALLOC_COSTLY_ORDER: bigger slabs only for big objects */
/* 3.10 sizes it from nr_cpu_ids; we keep the one-CPU figure for all: docs/linux-3.10.md */
#define SLUB_MIN_OBJECTS 8    /* Linux's 4 * (fls(nr_cpu_ids) + 1) with one CPU */
#define MIN_PARTIAL	 5    /* empty slabs a node keeps at least ... */
#define MAX_PARTIAL	 10   /* ... and at most, before giving them back */
#define SLAB_MAX_OBJECTS 4096 /* 32 KiB of 8-byte objects: the most a slab holds */

/* SLAB_STORE_USER: who last allocated / freed an object, after its free pointer. */
struct track {
	unsigned long addr; /* call site (0: never) */
	unsigned long when; /* jiffies */
	int pid;	    /* of the thread, 0 at boot or in an interrupt of the idle task */
};

enum track_item {
	TRACK_ALLOC,
	TRACK_FREE
};

/* The slot layout (calculate_sizes) keeps every field after the object word-aligned. */
_Static_assert(sizeof(struct track) % sizeof(void *) == 0, "a track is whole words");
/* page->inuse and page->objects are u16. */
_Static_assert(SLAB_MAX_OBJECTS <= 0xffff, "objects per slab fit struct page's counters");

/* Every cache, kmalloc's included, newest first.  Under slab_caches_lock (interrupts on). */
extern struct list_head slab_caches;
extern spinlock_t slab_caches_lock;
/* The debug checks' shared state (the quarantine, slab_state_buf): inside a list_lock. */
extern spinlock_t slab_debug_lock;

/* ---- slots and free pointers ---------------------------------------------- */

static inline bool kmem_cache_debug(const struct kmem_cache *s)
{
	return s->flags & SLAB_DEBUG_FLAGS;
}

/* The free pointer lies after the object rather than in its first word. */
static inline bool freeptr_outside_object(const struct kmem_cache *s)
{
	return s->offset >= s->inuse;
}

static inline void *get_freepointer(const struct kmem_cache *s, void *object)
{
	return *(void **)((char *)object + s->offset);
}

static inline void set_freepointer(const struct kmem_cache *s, void *object, void *fp)
{
	*(void **)((char *)object + s->offset) = fp;
}

/*
 * The node of slab @page, which allocate_slab records in the head page: a
 * load on every slow-path free, where page_to_nid searches the SRAT's
 * ranges.  (3.10 keeps every page's node in page->flags; we keep it in
 * page->node of a slab's head page only, valid while the page is a slab:
 * docs/linux-3.10.md.)
 */
static inline int slab_nid(const struct page *page)
{
	return page->node;
}

/* The first byte of a slab (the struct page is the slab's first page). */
static inline char *slab_address(const struct page *page)
{
	return page_address(page);
}

static inline unsigned long slab_bytes(const struct kmem_cache *s)
{
	return PAGE_SIZE << s->order;
}

/* Object number @i of a slab starting at @base. */
static inline void *slab_object(const struct kmem_cache *s, char *base, unsigned int i)
{
	return base + (unsigned long)i * s->size + s->red_left_pad;
}

/* The number of the slot holding @p (which may point anywhere inside it). */
static inline unsigned int slab_index(const struct kmem_cache *s, const struct page *page,
				      const void *p)
{
	return ((const char *)p - slab_address(page)) / s->size;
}

/*
 * check_valid_pointer - is @object NULL or exactly an object of slab @page?
 * (A freelist link may be NULL: the end of the list.)
 */
static inline bool check_valid_pointer(const struct kmem_cache *s, const struct page *page,
				       const void *object)
{
	const char *base = slab_address(page), *p = object;

	if (!object)
		return true;
	if (p < base || p >= base + (unsigned long)page->objects * s->size)
		return false;
	return (unsigned long)(p - base) % s->size == s->red_left_pad;
}

/* Mark a block of 2^order pages as one: PG_head on the first, tails pointing at it. */
static inline void prep_compound(struct page *page, unsigned int order)
{
	if (!order)
		return;
	page->flags |= 1UL << PG_head;
	for (unsigned long i = 1; i < (1UL << order); i++)
		page[i].compound_head = (unsigned long)page | 1;
}

/* Undo prep_compound before the block goes back: stale tails would misdirect a later lookup. */
static inline void clear_compound(struct page *page, unsigned int order)
{
	if (!order)
		return;
	page->flags &= ~(1UL << PG_head);
	for (unsigned long i = 1; i < (1UL << order); i++)
		page[i].compound_head = 0;
}

/*
 * pfmemalloc_match - may an allocation with @gfp take objects from slab
 * @page?  A slab carved from the emergency reserve serves only callers
 * allowed the reserve: __GFP_MEMALLOC without __GFP_NOMEMALLOC.
 */
static inline bool pfmemalloc_match(const struct page *page, gfp_t gfp)
{
	if (likely(!page_is_pfmemalloc(page)))
		return true;
	return (gfp & __GFP_MEMALLOC) && !(gfp & __GFP_NOMEMALLOC);
}

/* A slow-path event on this CPU (3.10's stat()).  Interrupts off. */
static inline void stat(struct kmem_cache *s, enum stat_item si)
{
	__this_cpu_inc(s->cpu_slab->stat[si]);
}

/* ---- the fast paths (mm/slab_freelist.c) ----------------------------------- */

/*
 * this_cpu_slab - this CPU's kmem_cache_cpu of @s, as a pointer into the
 * %gs segment (__pcpu_seg, arch/percpu.h): c->freelist is then "%gs:(s->cpu_slab)",
 * and the compiler may use it as an operand of a compare or subtract where
 * __this_cpu_read would first load it into a register.  Valid while
 * interrupts are off, as every other way to this CPU's copy.
 */
#define this_cpu_slab(s) ((struct kmem_cache_cpu __pcpu_seg *)(unsigned long)(s)->cpu_slab)

/*
 * Is anything unusual about this allocation, that the fast path must leave
 * it to the slow one?  A sleeping allocation where sleeping is not allowed
 * (the slow path warns through might_sleep()), or failslab armed (the slow
 * path asks should_failslab()).  A few loads and compares instead of two
 * calls on every allocation.  @atomic: preemption or interrupts were off.
 * failslab's word (probability and nth, struct fault_attr) is read plainly,
 * not with READ_ONCE: one read either way, and the compiler may then fold
 * the load into the compare.
 */
/* Does the fast path look at the context (atomic with __GFP_WAIT: the slow path reports it)? */
#ifdef CONFIG_DEBUG_PREEMPT
#define SLAB_CHECK_ATOMIC true
#else
#define SLAB_CHECK_ATOMIC false
#endif

static __always_inline bool slab_alloc_unusual(gfp_t gfp, bool atomic)
{
	if (atomic && (gfp & __GFP_WAIT))
		return true;
#ifdef CONFIG_FAILSLAB
	/* fault_attr_armed() without its READ_ONCE: "cmpq $0, mem; jne", one compare. */
	return failslab.armed != 0;
#else
	return false; /* FAILSLAB=n, as 3.10 without CONFIG_FAILSLAB: docs/linux-3.10.md */
#endif
}

/*
 * The slow paths, entered with interrupts off as the fast path left them;
 * both put back @irqflags (what the fast path saved) before returning.
 * ___slab_alloc also runs the allocation hooks (might_sleep, failslab) and
 * __GFP_ZERO.
 */
void *___slab_alloc(struct kmem_cache *s, gfp_t gfp, int node, unsigned long addr,
		    unsigned long irqflags);
void __slab_free(struct kmem_cache *s, void *x, unsigned long addr, unsigned long irqflags);

/* ---- slab_freelist.c --------------------------------------------------------- */

/*
 * new_slab - a new slab of @s: allocate_slab's pages, each object set up
 * (setup_slab_debug for a debugging cache, the constructor) and all of
 * them on page->freelist, in address order, linked through their free
 * pointers.  Not counted in its node yet, on no list.  With interrupts as
 * allocate_slab leaves them; NULL if there are no pages.
 */
struct page *new_slab(struct kmem_cache *s, gfp_t gfp, int node, unsigned long irqflags);

/* ---- slab.c ---------------------------------------------------------------- */

/*
 * allocate_slab - the pages of a new slab of @s, marked as its slab (PG_slab,
 * slab_cache, objects = s->objects, inuse 0, not frozen, no freelist), for
 * new_slab.  Called with interrupts off; with __GFP_WAIT they go back to
 * @irqflags while the page allocator may sleep, and the thread may come
 * back on another CPU.  Returns with interrupts off; NULL if no pages.
 */
struct page *allocate_slab(struct kmem_cache *s, gfp_t gfp, int node, unsigned long irqflags);

/*
 * flush_all - every CPU deactivates its cpu slab of @s (3.10's flush_all:
 * on_each_cpu(flush_cpu_slab)), so that all of @s's slabs are on its node
 * lists.  Context: thread, interrupts on; with them off only this CPU's.
 */
void flush_all(struct kmem_cache *s);

/* ---- slab_common.c --------------------------------------------------------- */

/*
 * kmem_cache_open - set up @s (zeroed, not on slab_caches) for @size-byte
 * objects.  Returns 0 or -EINVAL (an object too big for any slab).
 */
int kmem_cache_open(struct kmem_cache *s, const char *name, unsigned int size, unsigned int align,
		    slab_flags_t flags, void (*ctor)(void *));

/*
 * slab_count - @s's counters: the node lists under their list_locks, the
 * cpu slabs' free objects counted by each CPU itself (an IPI round), so
 * exact while no other CPU uses @s.  @per_cpu_free: NULL, or NR_CPUS
 * counters for each CPU's cpu-slab free objects (slabinfo's per-CPU view).
 * Context: thread, interrupts on; with them off the other CPUs' cpu slabs
 * count as full, as 3.10's slabinfo counts every cpu slab.
 */
void slab_count_cpus(struct kmem_cache *s, struct slabinfo *sinfo, unsigned long *per_cpu_free);
static inline void slab_count(struct kmem_cache *s, struct slabinfo *sinfo)
{
	slab_count_cpus(s, sinfo, NULL);
}

/* Large kmallocs handed out and not freed (slab_common.c). */
extern unsigned long kmalloc_large_live;

/* kmalloc_caches and kmalloc_slab, the cache of each size: <mm/kmalloc_sizes.h>. */

/* A kmalloc of more than KMALLOC_MAX_CACHE_SIZE bytes: whole pages, marked as one block. */
void *kmalloc_large_node(size_t size, gfp_t gfp, int node);

/*
 * free_large_kmalloc - kfree of @x, which is no slab object: a large
 * kmalloc's pages go back; anything else is reported as a bad free from
 * call site @addr.
 */
void free_large_kmalloc(struct page *page, const void *x, unsigned long addr);

/* The cache struct kmem_cache_create takes its caches from. */
extern struct kmem_cache kmem_cache_boot;

/* ---- slab_debug.c ------------------------------------------------------- */

/* The flags a cache named @name gets: @flags plus what slub_debug= says. */
slab_flags_t kmem_cache_flags(const char *name, slab_flags_t flags);

/* A new slab of a debugging cache: padding poisoned, every object set up free. */
void setup_slab_debug(struct kmem_cache *s, struct page *page);

/*
 * alloc_debug_processing - check free @object before handing it out; on
 * success mark it allocated (red zones active, alloc track).  On failure
 * the problem is reported and repaired, and the caller quarantines @object.
 */
bool alloc_debug_processing(struct kmem_cache *s, struct page *page, void *object,
			    unsigned long addr);

enum free_verdict {
	FREE_OK,	 /* free it */
	FREE_IGNORE,	 /* not a live object (double free): leave everything alone */
	FREE_QUARANTINE, /* damaged: keep it out of circulation */
};

/*
 * free_debug_processing - check @object before it is freed, mark it free (red
 * zones, poison, track).
 */
enum free_verdict free_debug_processing(struct kmem_cache *s, struct page *page, void *object,
					unsigned long addr);

/* Check a debugging slab's padding before its pages go back. */
void slab_pad_check(struct kmem_cache *s, struct page *page);

/*
 * The reports.  Each one starts with "BUG <cache> (Not tainted): <what>"
 * and counts one error in slab_debug_errors.
 *   slab_err       about a slab: its state and a backtrace
 *   object_err     about an object: its tracks, bytes and a backtrace
 *   slab_fix       the "FIX <cache>: ..." line saying what was done about it
 */
__printf(3, 4) void slab_err(struct kmem_cache *s, struct page *page, const char *fmt, ...);
void object_err(struct kmem_cache *s, struct page *page, void *object, const char *reason);
__printf(2, 3) void slab_fix(struct kmem_cache *s, const char *fmt, ...);

/*
 * slab_report_bad_free - a free of @x from call site @addr that cannot be
 * done: @what.  @page is the slab of @s holding @x (its object is shown),
 * or NULL.  @s NULL: kfree of something kmalloc never returned.
 */
void slab_report_bad_free(struct kmem_cache *s, struct page *page, const void *x,
			  unsigned long addr, const char *what);

/* kmem_cache_destroy (called from @addr) found @live objects: name them. */
void slab_report_leaks(struct kmem_cache *s, unsigned long live, unsigned long addr);

/* The state every object of a slab is in: for validate and for destroy's leak report. */
enum slab_obj_state {
	OBJ_LIVE,
	OBJ_FREE,
	OBJ_QUARANTINED
};

/*
 * slab_object_states - fill @state[0..objects) for @page, and make
 * page->inuse agree with what the freelist really holds.  Caller holds the
 * node's list_lock and slab_debug_lock.  A frozen slab's cpu freelist is
 * read only if it is this CPU's (flush_all first to see every object).
 * Returns false if the freelist was corrupt (reported; the list is cut
 * there, and the objects after the cut count as in use from then on).
 */
bool slab_object_states(struct kmem_cache *s, struct page *page, u8 *state);

/* Scratch space for slab_object_states: one byte per object; under slab_debug_lock. */
extern u8 slab_state_buf[SLAB_MAX_OBJECTS];

/*
 * for_each_slab - call @fn on every slab on @s's node lists, each node
 * under its list_lock and slab_debug_lock (interrupts off); @fn must not
 * move slabs between lists.  Afterwards, partial slabs that a cut freelist
 * left without free objects move to the full list.  Cpu slabs are not
 * visited: the caller flushes them first (flush_all).  Context: thread.
 */
void for_each_slab(struct kmem_cache *s, void (*fn)(struct kmem_cache *, struct page *, void *),
		   void *arg);

#endif
