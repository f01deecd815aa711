/*
 * SPDX-License-Identifier: MIT
 * mm/slab.h - the slab allocator: caches of equal-sized objects, and kmalloc.
 *
 * The page allocator hands out whole pages; most kernel objects are far
 * smaller.  A cache (struct kmem_cache) cuts slabs - runs of 2^order pages -
 * into objects of one size and hands them out one at a time:
 *
 *   struct kmem_cache *c = kmem_cache_create("request", sizeof(struct request),
 *                                            0, SLAB_HWCACHE_ALIGN, NULL);
 *   struct request *rq = kmem_cache_alloc(c, GFP_KERNEL);
 *   ...
 *   kmem_cache_free(c, rq);
 *   kmem_cache_destroy(c);       // only once every object is back
 *
 * kmalloc(size) picks one of the kmalloc caches by size (kmalloc-8 ...
 * kmalloc-8192, with kmalloc-96 and kmalloc-192 as in Linux), and serves
 * anything bigger straight from the page allocator; kfree() tells the two
 * apart by the struct page.  Names, signatures and behaviour are Linux's
 * (include/linux/slab.h), implemented as Linux's SLUB does (mm/slab.c);
 * docs/memory.md draws a slab page with its objects and freelist.
 *
 * Debugging: SLUB's slub_debug.  Per cache with the SLAB_* debug flags
 * below, or from the kernel command line for all or some caches:
 *
 *   slub_debug=            every cache, every check (F, Z, P, U)
 *   slub_debug=FZ          every cache, sanity checks and red zones
 *   slub_debug=FZPU,kmalloc-64,request   only these caches (a trailing *
 *                          matches a prefix: kmalloc-*)
 *   slub_debug=-           off (the default)
 *
 *   F  SLAB_CONSISTENCY_CHECKS  double free, free of a non-object, bad freelist
 *   Z  SLAB_RED_ZONE            guard bytes each side of an object (0xbb free, 0xcc in use)
 *   P  SLAB_POISON              freed objects filled with 0x6b, last byte 0xa5
 *   U  SLAB_STORE_USER          remember who allocated and freed each object
 *
 * Every problem found is reported as Linux reports it:
 *
 *   BUG request (Not tainted): Poison overwritten
 *   INFO: 0x...-0x... @offset=8. First byte 0x0 instead of 0x6b
 *   INFO: Object 0x... @offset=128 fp=0x...
 *   INFO: Allocated in submit+0x1c/0x80 age=3 pid=7
 *   INFO: Freed in complete+0x33/0x90 age=1 pid=7
 *   Object   0x...: 6b 6b 00 6b ...
 *   FIX request: Restoring Poison 0x...-0x...=0x6b
 *
 * is counted in slab_debug_errors, and the system goes on: the damaged bytes
 * are restored and the damaged object is quarantined (never handed out
 * again, its memory kept until the cache is destroyed); a bad kfree is
 * ignored ("Object at 0x... not freed").
 *
 * Context: kmem_cache_alloc/kmalloc with GFP_ATOMIC or GFP_NOWAIT, and every
 * free, may be called from any context, interrupt handlers included.  With
 * __GFP_WAIT (GFP_KERNEL) they may sleep; called from atomic context they
 * warn (might_sleep) and behave as GFP_ATOMIC.  Creating and destroying
 * caches: thread context only.
 */
#ifndef MM_SLAB_H
#define MM_SLAB_H

#include <kernel/types.h>
#include <mm/gfp.h>

struct kmem_cache;

/* Cache flags for kmem_cache_create(): Linux's names and values. */
typedef unsigned int slab_flags_t;

#define SLAB_CONSISTENCY_CHECKS 0x00000100U /* F: sanity checks on every alloc and free */
#define SLAB_RED_ZONE		0x00000400U /* Z: red zones around each object */
#define SLAB_POISON		0x00000800U /* P: poison free objects */
#define SLAB_HWCACHE_ALIGN	0x00002000U /* align objects on a cache line (64 bytes) */
#define SLAB_CACHE_DMA		0x00004000U /* slabs from ZONE_DMA */
#define SLAB_CACHE_DMA32	0x00008000U /* slabs from ZONE_DMA32 */
#define SLAB_STORE_USER		0x00010000U /* U: record alloc and free call sites */
#define SLAB_PANIC		0x00040000U /* kmem_cache_create panics instead of failing */

/* Every debug flag: what slub_debug with no letters turns on. */
#define SLAB_DEBUG_FLAGS (SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER)

#define ARCH_KMALLOC_MINALIGN  8 /* every kmalloc object is at least this aligned */
#define KMALLOC_MIN_SIZE       8
#define KMALLOC_SHIFT_HIGH     13
#define KMALLOC_MAX_CACHE_SIZE (1UL << KMALLOC_SHIFT_HIGH) /* 8192: bigger goes to pages */
/* 3.10's SLUB says 8 MiB (MAX_ORDER + PAGE_SHIFT); we the largest block: docs/linux-3.10.md */
#define KMALLOC_MAX_SIZE       (4UL << 20) /* the largest block the page allocator has */

/*
 * kmalloc(0) returns ZERO_SIZE_PTR: not NULL (the call did not fail), but
 * faulting if touched.  kfree() and ksize() accept it, as they accept NULL.
 */
#define ZERO_SIZE_PTR	    ((void *)16)
#define ZERO_OR_NULL_PTR(x) ((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

/* ---- caches -------------------------------------------------------------- */

/*
 * kmem_cache_create - a new cache of @size-byte objects.
 * @name:  shown by slabinfo and in every debug report (copied, at most 31 characters)
 * @align: 0, or the alignment each object needs (a power of two)
 * @flags: SLAB_HWCACHE_ALIGN, SLAB_CACHE_DMA(32), SLAB_PANIC, debug flags
 * @ctor:  NULL, or called on every object when its slab is created - not on
 *         each allocation, so an object must be freed back in its
 *         constructed state (Linux semantics)
 *
 * SLAB_HWCACHE_ALIGN aligns on 64 bytes, or on the largest power of two
 * that still keeps several small objects in a line, as Linux does.  Debug
 * flags can also come from slub_debug= on the command line.
 *
 * Returns the cache, or NULL (bad arguments, no memory) - or panics with
 * SLAB_PANIC.  Context: thread, may sleep.
 */
struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     slab_flags_t flags, void (*ctor)(void *));

/*
 * kmem_cache_destroy - give a cache and all its pages back.
 *
 * Every object must have been freed.  If some have not, it prints
 * "kmem_cache_destroy <name>: Slab cache still has objects" and each live
 * object's address (and its allocation call site with SLAB_STORE_USER),
 * then leaves the cache alone: freeing memory someone still points at would
 * turn a leak into corruption.  The cache stays usable, so the caller may
 * free the rest and destroy it again.  NULL is ignored.  Objects may have
 * been freed on any CPU: every CPU's cpu slab is flushed by IPI first.
 * Context: thread, interrupts on.
 */
void kmem_cache_destroy(struct kmem_cache *s);

/*
 * The allocations kmem_cache_alloc and kmem_cache_alloc_node make
 * (mm/slab_freelist.c): the plain ones for any mask, the _nozero ones for a
 * mask the caller knows has no __GFP_ZERO - they leave out the test of it.
 * A constant mask is known (GFP_KERNEL), and so is one with the bit cleared
 * in front of the call (gfp & ~__GFP_ZERO).
 */
void *__kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp);
void *__kmem_cache_alloc_nozero(struct kmem_cache *s, gfp_t gfp);
void *__kmem_cache_alloc_node(struct kmem_cache *s, gfp_t gfp, int node);
void *__kmem_cache_alloc_node_nozero(struct kmem_cache *s, gfp_t gfp, int node);

/* Is @gfp known at compile time not to ask for zeroing? */
#define gfp_known_nozero(gfp) (__builtin_constant_p((gfp)&__GFP_ZERO) && !((gfp)&__GFP_ZERO))

/*
 * kmem_cache_alloc - one object from @s, or NULL.
 * @gfp: GFP_KERNEL (may sleep), GFP_ATOMIC, ...; __GFP_ZERO zeroes the object.
 *
 * The object is what the constructor left (or what the previous user freed).
 * Slabs carved from the emergency reserve (__GFP_MEMALLOC) hand their objects
 * only to callers that may use the reserve (__GFP_MEMALLOC without
 * __GFP_NOMEMALLOC).  Fails at once when failslab fault injection says so.
 * Context: any with GFP_ATOMIC/GFP_NOWAIT; may sleep with __GFP_WAIT.
 */
/* 3.10's is out of line; ours picks a copy without the __GFP_ZERO test: docs/linux-3.10.md */
static __always_inline void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	if (gfp_known_nozero(gfp))
		return __kmem_cache_alloc_nozero(s, gfp);
	return __kmem_cache_alloc(s, gfp);
}

/*
 * kmem_cache_alloc_node - as kmem_cache_alloc, with the object on NUMA node
 * @node while that node has memory (NUMA_NO_NODE: the current node).
 */
static __always_inline void *kmem_cache_alloc_node(struct kmem_cache *s, gfp_t gfp, int node)
{
	if (gfp_known_nozero(gfp))
		return __kmem_cache_alloc_node_nozero(s, gfp, node);
	return __kmem_cache_alloc_node(s, gfp, node);
}

/* kmem_cache_zalloc - kmem_cache_alloc, zeroed. */
static inline void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t gfp)
{
	return kmem_cache_alloc(s, gfp | __GFP_ZERO);
}

/*
 * kmem_cache_free - give back an object of @s.  NULL is ignored.
 * Freeing twice, or freeing what is not an object of @s, is a caller bug:
 * reported and ignored on the checked path (see the debug flags).
 * Context: any.
 */
void kmem_cache_free(struct kmem_cache *s, void *obj);

/* The object size the cache was created with. */
unsigned int kmem_cache_size(struct kmem_cache *s);

/*
 * kmem_cache_name_exists - is there a cache called @name (as slabinfo shows
 * it)?  For fault injection's cache= filter.  Context: thread.
 */
bool kmem_cache_name_exists(const char *name);

/*
 * kmem_cache_shrink - give back to the page allocator every slab of @s that
 * holds no object, including the ones kept hot for the fast path: every
 * CPU deactivates its cpu slab first, by IPI (3.10's flush_all).
 * Returns 0.  Context: thread, interrupts on; with them off, only this
 * CPU's cpu slab is deactivated.
 */
int kmem_cache_shrink(struct kmem_cache *s);

/*
 * kmem_cache_shrink_all - kmem_cache_shrink on every cache (one IPI round
 * for all of them).  The test harness calls it before counting free pages,
 * so a case is not blamed for the empty slabs kept for reuse.
 * Context: as kmem_cache_shrink.
 */
void kmem_cache_shrink_all(void);

/* ---- kmalloc ------------------------------------------------------------- */

/*
 * kmalloc - at least @size bytes, or NULL (ZERO_SIZE_PTR for 0 bytes).
 *
 * Up to 8192 bytes the object comes from the smallest kmalloc cache that
 * holds it; ksize() tells its real size.  A power-of-two size is aligned
 * to itself, anything else to ARCH_KMALLOC_MINALIGN.  Above 8192 bytes it
 * is a block of 2^order whole pages (page aligned), up to KMALLOC_MAX_SIZE.
 * GFP_DMA picks the dma-kmalloc caches.  Context: as kmem_cache_alloc.
 */
void *kmalloc(size_t size, gfp_t gfp);

/* kmalloc_node - as kmalloc, on NUMA node @node (NUMA_NO_NODE: the current one). */
void *kmalloc_node(size_t size, gfp_t gfp, int node);

static inline void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}

static inline void *kzalloc_node(size_t size, gfp_t gfp, int node)
{
	return kmalloc_node(size, gfp | __GFP_ZERO, node);
}

/* kmalloc_array - @n elements of @size bytes; NULL if n * size overflows. */
static inline void *kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kmalloc(bytes, gfp);
}

/* kcalloc - kmalloc_array, zeroed. */
static inline void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	return kmalloc_array(n, size, gfp | __GFP_ZERO);
}

/*
 * krealloc - resize @p to @new_size bytes, keeping its contents (up to the
 * smaller size).  Returns @p itself when it is already big enough, a new
 * object otherwise (@p is then freed), NULL on failure (@p is untouched).
 * krealloc(NULL, ...) is kmalloc; new_size 0 frees @p and returns
 * ZERO_SIZE_PTR.  Context: as kmalloc.
 */
void *krealloc(const void *p, size_t new_size, gfp_t gfp);

/* kfree - give back what kmalloc returned.  NULL and ZERO_SIZE_PTR are ignored.  Context: any. */
void kfree(const void *p);

/* ksize - the usable size of a kmalloc'ed object: its cache's object size, or its pages. */
size_t ksize(const void *p);

/* ---- introspection and debugging ----------------------------------------- */

/* What /proc/slabinfo shows about one cache (Linux's struct slabinfo). */
struct slabinfo {
	unsigned long active_objs;  /* objects handed out and not freed */
	unsigned long num_objs;	    /* objects in all slabs */
	unsigned long active_slabs; /* slabs with at least one object handed out */
	unsigned long num_slabs;
	unsigned long shared_avail; /* SLAB's, always 0 here */
	unsigned int limit;	    /* SLAB's tunables, always 0 here */
	unsigned int batchcount;
	unsigned int shared;
	unsigned int objects_per_slab;
	unsigned int cache_order; /* a slab is 2^cache_order pages */
};

/* Pages held by slabs of every cache (meminfo's "Slab:"), large kmallocs not included. */
unsigned long slab_nr_pages(void);

/*
 * get_slabinfo - @s's counters into @sinfo, exact while no other CPU uses
 * @s (each CPU counts its own cpu slab, by IPI).  Context: thread,
 * interrupts on; with them off the other CPUs' cpu slabs count as full.
 */
void get_slabinfo(struct kmem_cache *s, struct slabinfo *sinfo);

/*
 * slab_live_objects - objects allocated and not yet freed, in every cache,
 * large kmallocs included.  The test harness checks it after each case.
 * Context: as get_slabinfo.
 */
unsigned long slab_live_objects(void);

/*
 * kmem_cache_validate - check every object of @s: red zones, poison,
 * padding and freelists (what the cache's debug flags make checkable).
 * Each problem is reported, repaired, and counted.  Returns the number of
 * problems found (0: all is well).  Context: thread, interrupts on (the cpu
 * slabs are flushed by IPI first; interrupts are off while it walks each
 * node's slabs).
 */
int kmem_cache_validate(struct kmem_cache *s);

/* Problems the debug checks found since boot. */
extern unsigned long slab_debug_errors;

/*
 * kmem_cache_init - set up the kmalloc caches.  Called once by mm_init(),
 * after the page allocator; until then kmalloc would fail.
 */
void kmem_cache_init(void);

#endif
