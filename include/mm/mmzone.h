/*
 * SPDX-License-Identifier: MIT
 * mm/mmzone.h - nodes and zones: how physical memory is divided.
 *
 *   node 0                                   node 1
 *   +------------+-------------+-----------+ +-----------+
 *   | ZONE_DMA   | ZONE_DMA32  | ZONE_     | | ZONE_     |  (a zone may be
 *   | 0-16 MiB   | 16 MiB-4 GiB| NORMAL    | | DMA32 ... |   empty on a node)
 *   +------------+-------------+-----------+ +-----------+
 *
 * A node is memory close to a set of CPUs (ACPI SRAT; one node without
 * one).  Within a node, a zone is memory that a class of devices can reach.
 * Each zone has its own buddy free lists, its own per-CPU list of single
 * pages, and three watermarks:
 *
 *   free pages
 *     |  ...
 *     |  high   kswapd would stop reclaiming here (no reclaim yet)
 *     |  low    a normal allocation (first try) needs more than this
 *     |  min    __GFP_WAIT allocations need more than this; GFP_ATOMIC
 *     |         may go to min/2 (min/4 more with ALLOC_HARDER);
 *     |  0      __GFP_MEMALLOC may use everything: the reserve
 *
 * An allocation walks a zonelist: the preferred node's zones from the
 * highest the gfp allows down to ZONE_DMA, then the other nodes'.  Lower
 * zones keep a lowmem_reserve against allocations that could have used a
 * higher zone, so ordinary kernel memory does not eat the DMA zone.
 */
#ifndef MM_MMZONE_H
#define MM_MMZONE_H

#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <kernel/wait.h>
#include <mm/mm.h>

enum zone_watermarks {
	WMARK_MIN,
	WMARK_LOW,
	WMARK_HIGH,
	NR_WMARK
};

struct free_area {
	struct list_head free_list; /* first pages of free blocks of this order */
	unsigned long nr_free;	    /* blocks on the list */
};

/*
 * Free single pages kept out of the buddy lists, one list per zone per CPU,
 * so order-0 alloc/free is a push or a pop with interrupts off on this
 * CPU's list: no lock, no other CPU ever touches it (drain_all_pages asks
 * each CPU by IPI to empty its own).  Refilled and drained `batch` pages
 * at a time under zone->lock; never holds more than `high`.  A zeroed one
 * (a CPU whose area came after the zone's) is valid: high 0 sends the
 * first free, and count 0 the first allocation, to the slow path, which
 * sets high and batch from the zone.
 */
struct per_cpu_pages {
	int count; /* pages on the list */
	int high;  /* a free above this gives a batch back */
	int batch; /* pages taken or given back at once */
	struct list_head list;
};

/* 3.10's per_cpu_pageset: the lists, and (not here) vm statistics deltas. */
struct per_cpu_pageset {
	struct per_cpu_pages pcp;
};

struct zone {
	unsigned long watermark[NR_WMARK];
	unsigned long
		lowmem_reserve[MAX_NR_ZONES]; /* kept back from allocations aimed at zone [i] */
	int node;
	enum zone_type type;
	const char *name;
	unsigned long zone_start_pfn; /* first pfn of the zone's span */
	unsigned long spanned_pages;  /* span, holes included */
	unsigned long present_pages;  /* RAM in the span */
	unsigned long managed_pages;  /* handed to the buddy allocator */

	spinlock_t lock; /* free_area, free_pages */
	struct free_area free_area[MAX_ORDER];
	unsigned long free_pages; /* pages in free_area (not the pcp list) */

	/* Each CPU's list (alloc_percpu); this CPU's with interrupts off, others' by IPI only. */
	struct per_cpu_pageset __percpu *pageset;
	int pageset_high, pageset_batch; /* what every CPU's pcp gets (3.10 sets each directly) */

	unsigned long alloc_count;	/* successful allocations from this zone */
	unsigned long fail_count;	/* allocations that found this zone too low */
	unsigned long pfmemalloc_count; /* allocations that dipped into the reserve */
};

struct pglist_data {
	struct zone node_zones[MAX_NR_ZONES];
	int node_id;
	unsigned long node_start_pfn; /* span of the node's memory */
	unsigned long node_end_pfn;   /* exclusive */
	unsigned long node_present_pages;
};

extern struct pglist_data node_data[MAX_NUMNODES];
#define NODE_DATA(nid) (&node_data[nid])

/*
 * page_zone - the zone a frame belongs to: by its node and its address, so
 * no struct page needs setting up for it.  With one node every frame is
 * node 0's and the SRAT's ranges need no search: the free path asks this on
 * every page.
 */
/* 3.10 reads node and zone from page->flags; we compute them: docs/linux-3.10.md */
static inline struct zone *page_zone(const struct page *page)
{
	unsigned long pfn = page_to_pfn(page);
	int nid = likely(nr_online_nodes == 1) ? 0 : pfn_to_nid(pfn);

	return &NODE_DATA(nid)->node_zones[pfn_zone_type(pfn)];
}

/* page_zone() when the caller knows there is one node (nr_online_nodes == 1). */
static inline struct zone *page_zone_one_node(const struct page *page)
{
	return &NODE_DATA(0)->node_zones[page_zonenum(page)];
}

static inline bool populated_zone(const struct zone *z)
{
	return z->managed_pages != 0;
}

static inline unsigned long min_wmark_pages(const struct zone *z)
{
	return z->watermark[WMARK_MIN];
}

static inline unsigned long low_wmark_pages(const struct zone *z)
{
	return z->watermark[WMARK_LOW];
}

static inline unsigned long high_wmark_pages(const struct zone *z)
{
	return z->watermark[WMARK_HIGH];
}

/*
 * The zonelist of node n for a highest zone h: the populated zones an
 * allocation may use, in the order it tries them (node n's from h down to
 * ZONE_DMA, then the next nodes' the same way).  NULL-terminated; built once
 * at boot, so the allocation path only walks a short array.
 */
struct zonelist {
	struct zone *zones[MAX_NUMNODES * MAX_NR_ZONES + 1];
};
extern struct zonelist zonelists[MAX_NUMNODES][MAX_NR_ZONES];
/* Build them (mm_init, once the zones hold their memory). */
void build_all_zonelists(void);

/* Allocation flags: which watermark to respect and how far below it to go. */
#define ALLOC_WMARK_MIN	    WMARK_MIN
#define ALLOC_WMARK_LOW	    WMARK_LOW
#define ALLOC_WMARK_HIGH    WMARK_HIGH
#define ALLOC_NO_WATERMARKS 0x04 /* the reserve: ignore watermarks */
#define ALLOC_WMARK_MASK    (ALLOC_NO_WATERMARKS - 1)
#define ALLOC_HARDER	    0x10 /* atomic: a quarter further below min */
#define ALLOC_HIGH	    0x20 /* __GFP_HIGH: half way below min */

/*
 * zone_watermark_ok - would taking 2^order pages leave @z above @mark
 * (adjusted by @alloc_flags), counting the lowmem reserve for an allocation
 * aimed at @classzone, with enough free blocks of at least @order?
 */
bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
		       enum zone_type classzone, int alloc_flags);

/*
 * zone_watermark_fast - zone_watermark_ok(@z, 0, @mark, @classzone, 0) in
 * one compare: for a single page and no ALLOC_HIGH or ALLOC_HARDER there is
 * no block size to check and nothing to take off the mark, so what is left
 * is "the buddy lists hold more than the mark plus the reserve".  The order-0
 * fast path's test (Linux has it under this name since 4.9).
 */
static inline bool zone_watermark_fast(const struct zone *z, unsigned long mark,
				       enum zone_type classzone)
{
	return (long)READ_ONCE(z->free_pages) > (long)(mark + z->lowmem_reserve[classzone]);
}

/* The highest zone @gfp may use. */
static inline enum zone_type gfp_zone(gfp_t gfp)
{
	if (gfp & __GFP_DMA)
		return ZONE_DMA;
	if (gfp & __GFP_DMA32)
		return ZONE_DMA32;
	return ZONE_NORMAL;
}

/*
 * drain_all_pages - every CPU gives the pages on its per-CPU lists back to
 * the buddy lists: this one directly, the others by IPI (on_each_cpu),
 * waiting until all have.  Called by an allocation that failed while pages
 * sat on those lists, and by whoever needs the buddy lists exact (tests).
 * Context: thread or softirq, interrupts on (it waits for the other CPUs).
 * drain_local_pages - the same for this CPU's lists only.  Context: any.
 */
void drain_all_pages(void);
void drain_local_pages(void *unused);

/* Free pages of one zone: the buddy lists plus every CPU's per-CPU list. */
unsigned long zone_free_pages(const struct zone *z);
/* Pages on CPU @cpu's per-CPU list of @z (0 if that CPU has no area). */
int zone_pcp_count(const struct zone *z, unsigned int cpu);
/* Give every zone its per-CPU lists (mm_init, once the zones are sized). */
void setup_zone_pagesets(void);

/* Threads sleeping in an allocation wait here; every free wakes them. */
extern struct wait_queue_head page_alloc_wait;
extern unsigned long alloc_stall_count; /* allocations that had to wait */
/*
 * The bounded wait: a stall is reported after (1 s), the allocation fails after
 * (10 s); tests lower them.
 */
extern unsigned long alloc_stall_report_ms, alloc_wait_limit_ms;
/*
 * The rate limits of the two reports: "page allocation failure" (3 per 5 s,
 * 3.10's nopage_rs) and "page allocation stalls" (1 per 5 s).  A test that
 * must see its own report clears them first: the suites run back to back,
 * and an earlier suite's failures would otherwise hide it.
 */
extern struct ratelimit_state nopage_rs, alloc_stall_rs;

/*
 * The buddy lists' two primitives (mm/buddy.c, the reference for labs/buddy/), called
 * with z->lock held: put the free block [pfn, pfn + 2^order) on its list, merged with its
 * free buddies; hand back the upper halves of a 2^high block taken from @area, keeping
 * 2^low frames at @page.  static in 3.10's page_alloc.c: docs/linux-3.10.md.
 */
void __free_one_page(struct zone *z, unsigned long pfn, unsigned int order);
void expand(struct zone *z, struct page *page, unsigned int low, unsigned int high,
	    struct free_area *area);

/* @z's line of `buddyinfo` ("Node 0, zone    DMA32  nr_free of each order"); its length. */
int buddyinfo_format(const struct zone *z, char *buf, size_t len);

/* Boot: hand frames [start, end) of @z to its free lists (mm/mm_init.c), counted as managed. */
void free_boot_range(struct zone *z, unsigned long start, unsigned long end);
/* The same without the counting: for frames mm_init already counted (deferred init). */
void free_range_blocks(struct zone *z, unsigned long start, unsigned long end);

/* Boot: node ranges from the ACPI SRAT (mm/numa.c). */
void numa_init(void);
/* The physical range [start, end) of node @nid's memory blocks, by index; false when done. */
bool numa_memblk(int i, int *nid, u64 *start, u64 *end);

#endif
