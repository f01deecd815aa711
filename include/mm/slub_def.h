/*
 * SPDX-License-Identifier: MIT
 * mm/slub_def.h - a slab cache's structures (as 3.10's include/linux/slub_def.h).
 *
 * Users allocate through <mm/slab.h> and need none of this; it is here for
 * those that look at a cache from outside the allocator (its name, its slot
 * size, its flags: the monitor's views, the tests).  mm/slab_internal.h has
 * the slot layout and the fast paths that work on these structures.
 */
#ifndef MM_SLUB_DEF_H
#define MM_SLUB_DEF_H

#include <kernel/list.h>
#include <kernel/percpu.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>
#include <mm/mm.h>
#include <mm/slab.h>

#define SLAB_NAME_LEN	    32
#define SLAB_QUARANTINE_MAX 16 /* damaged objects a cache remembers; more stay "in use" */

/*
 * What the slow paths count, per CPU (3.10's CONFIG_SLUB_STATS items, with
 * their names; slab_stat() sums them).  Only slow-path events: the fast
 * paths count nothing, so that they stay a few instructions; an allocation
 * that did not count ALLOC_SLOWPATH took the fast path.
 */
/* 3.10: an option, 26 items, fast paths too; here always on, slow only: docs/linux-3.10.md */
enum stat_item {
	ALLOC_SLOWPATH,	    /* the fast path could not pop this CPU's freelist */
	ALLOC_REFILL,	    /* the cpu slab took the objects freed into it by the slow path */
	ALLOC_FROM_PARTIAL, /* a slab from the node's partial list */
	ALLOC_SLAB,	    /* a new slab from the page allocator */
	FREE_SLOWPATH,	    /* the fast path could not push onto this CPU's freelist */
	FREE_FROZEN,	    /* ... and the object went to a cpu slab's own freelist */
	FREE_SLAB,	    /* an empty slab went back to the page allocator */
	CPUSLAB_FLUSH,	    /* a cpu slab was deactivated by flush_all */
	NR_SLUB_STAT_ITEMS
};

/*
 * The fast path's state, one per CPU (s->cpu_slab is alloc_percpu'ed).
 * Only its own CPU touches it, with interrupts off; another CPU that needs
 * it emptied asks by IPI (flush_all in mm/slab.c).
 */
struct kmem_cache_cpu {
	void *freelist;	    /* next free object of the cpu slab; NULL: take the slow path */
	unsigned long base; /* the cpu slab's first byte, 0 without a cpu slab */
	unsigned long span; /* its length in bytes, 0 without one: base + span bounds it */
	struct page *page;  /* the cpu slab (frozen), or NULL */
	int node;	    /* page_to_nid(page) */
	unsigned int stat[NR_SLUB_STAT_ITEMS]; /* slow-path events on this CPU */
};

/*
 * One NUMA node's slabs of a cache.  list_lock (taken with interrupts off)
 * guards the lists, the counters, and the freelist/inuse/frozen of every
 * slab of the node - a cpu slab's too, whose page->freelist collects the
 * objects other CPUs free into it.
 */
struct kmem_cache_node {
	spinlock_t list_lock;
	struct list_head partial;    /* slabs with free objects (page->lru) */
	struct list_head full;	     /* slabs without */
	unsigned long nr_partial;    /* slabs on @partial */
	unsigned long nr_slabs;	     /* every slab of the node: partial, full and cpu */
	unsigned long total_objects; /* objects in those slabs */
};

struct kmem_cache {
	/* first: the fast path reaches this CPU's copy as %gs:(s->cpu_slab) + field */
	struct kmem_cache_cpu __percpu *cpu_slab;
	unsigned int offset;	   /* free pointer, from the object start */
	unsigned int object_size;  /* what the creator asked for */
	unsigned int size;	   /* one slot: object, red zones, metadata, padding */
	unsigned int inuse;	   /* object + right red zone: where metadata starts */
	unsigned int align;	   /* of every object */
	unsigned int red_left_pad; /* left red zone: slot start to object */
	unsigned int order;	   /* a slab is 2^order pages ... */
	unsigned int objects;	   /* ... holding this many slots */
	unsigned int min_partial;  /* empty slabs kept per node */
	slab_flags_t flags;	   /* SLAB_* as created, plus slub_debug's and internal ones */
	gfp_t allocflags;	   /* added to every slab allocation: GFP_DMA for SLAB_CACHE_DMA */
	void (*ctor)(void *);
	/*
	 * Objects the debug checks found damaged: on no freelist, still
	 * counted in their slab's inuse, so never handed out nor freed again
	 * until the cache is destroyed.  An array, not a list through the
	 * objects, because their bytes cannot be trusted.  Under
	 * slab_debug_lock (mm/slab_debug.c).
	 */
	void *quarantine[SLAB_QUARANTINE_MAX];
	unsigned int nr_quarantined;
	struct list_head list; /* on slab_caches */
	char name[SLAB_NAME_LEN];
	struct kmem_cache_node node[MAX_NUMNODES];
};

/* slab_stat - @s's count of @si, summed over every CPU (3.10's sysfs file alloc_slowpath...). */
unsigned long slab_stat(struct kmem_cache *s, enum stat_item si);

#endif
