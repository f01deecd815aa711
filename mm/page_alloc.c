/*
 * SPDX-License-Identifier: MIT
 * mm/page_alloc.c - the zoned buddy page allocator.
 *
 * Free memory in each zone is kept as blocks of 2^order frames, each
 * naturally aligned, one free list per order:
 *
 *   order 0: [1 frame] [1 frame] ...
 *   order 1: [2 frames] ...
 *   ...
 *   order 10: [1024 frames = 4 MiB] ...
 *
 * Allocation takes the smallest free block that fits and splits it, putting
 * the unused halves back on the lower lists.  Freeing does the reverse: the
 * block's buddy (pfn ^ 2^order) is checked, and while it is free, of the
 * same order and in the same zone, the two merge into the next order.
 *
 * Single pages go through a per-CPU list first (struct per_cpu_pages,
 * one per zone per CPU): a push or a pop with interrupts off on this
 * CPU's own list, refilled and drained in batches under zone->lock.
 *
 *   CPU 0                    CPU 1                     zone
 *   pcp list (irqs off)      pcp list (irqs off)       free_area[] (zone->lock)
 *   [p][p][p]  <-- batch --> ......  <-- batch ------> order 0 .. 10
 *
 * No CPU touches another's list: drain_all_pages() asks every CPU, by IPI
 * (on_each_cpu), to give its own lists back.  An allocation that fails
 * while pages sit on the lists drains them and tries once more (3.10 does
 * so after direct reclaim): every CPU's with __GFP_WAIT, this CPU's only
 * without (an atomic caller cannot wait for IPIs).
 *
 * Counting: z->free_pages is the buddy lists only, what the watermarks see
 * (3.10's NR_FREE_PAGES); zone_free_pages() and nr_free_pages() add every
 * CPU's list, so the leak checker and meminfo are exact.
 *
 * The lists themselves, merging and splitting: mm/buddy.c.
 * Which zone: see mm/mmzone.h (zonelists, watermarks, the reserve).
 * Locking: zone->lock (irqsave) for the free lists and free_pages; a pcp
 * list with interrupts off, on its own CPU.  Both may be taken from
 * interrupt handlers.  Order: a pcp list (irqs off), then zone->lock.
 */
#include <mm/fault_inject.h>
#include <mm/mmzone.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <mm/percpu.h>
#include <string.h>
#include "internal.h"

/*
 * A waiting allocation says so after alloc_stall_report_ms and gives up after
 * alloc_wait_limit_ms.
 */
unsigned long alloc_stall_report_ms = 1000;
unsigned long alloc_wait_limit_ms = 10000;
struct ratelimit_state nopage_rs, alloc_stall_rs; /* of the two reports (mmzone.h) */

struct page *mem_map;
unsigned long max_pfn;
unsigned long totalram_pages;
struct pglist_data node_data[MAX_NUMNODES];
struct zonelist zonelists[MAX_NUMNODES][MAX_NR_ZONES];
DECLARE_WAIT_QUEUE_HEAD(page_alloc_wait);
unsigned long alloc_stall_count;

struct zone *page_zone(const struct page *page)
{
	unsigned long pfn = page_to_pfn(page);

	return &NODE_DATA(pfn_to_nid(pfn))->node_zones[pfn_zone_type(pfn)];
}

/* Free a block into @z: lock, merge, count, wake sleepers. */
static void free_one_block(struct zone *z, unsigned long pfn, unsigned int order)
{
	unsigned long flags;

	spin_lock_irqsave(&z->lock, flags);
	__free_one_page(z, pfn, order);
	z->free_pages += 1UL << order;
	spin_unlock_irqrestore(&z->lock, flags);
}

/*
 * Take a block of at least @order and split it down to @order (3.10's
 * __rmqueue_smallest; mm/buddy.c splits).  Caller holds z->lock.
 */
static struct page *__rmqueue(struct zone *z, unsigned int order)
{
	for (unsigned int o = order; o < MAX_ORDER; o++) {
		struct free_area *area = &z->free_area[o];
		struct page *p;

		if (list_empty(&area->free_list))
			continue;
		p = list_first_entry(&area->free_list, struct page, lru);
		list_del(&p->lru);
		rmv_page_order(p);
		area->nr_free--;
		expand(z, p, order, o, area); /* the upper halves back, one per order */
		p->order = order;
		z->free_pages -= 1UL << order;
		return p;
	}
	return NULL;
}

/* A zeroed pcp (its CPU's area came after the zone's) gets the zone's sizes.  Irqs off. */
static void pcp_init(struct zone *z, struct per_cpu_pages *pcp)
{
	INIT_LIST_HEAD(&pcp->list);
	pcp->count = 0;
	pcp->high = z->pageset_high;
	pcp->batch = z->pageset_batch;
}

/* This CPU's list of @z empty: take a batch from the buddy lists.  Interrupts off. */
static void pcp_refill(struct zone *z, struct per_cpu_pages *pcp)
{
	if (unlikely(!pcp->list.next))
		pcp_init(z, pcp);
	spin_lock(&z->lock);
	for (int i = 0; i < pcp->batch; i++) {
		struct page *q = __rmqueue(z, 0);

		if (!q)
			break;
		list_add_tail(&q->lru, &pcp->list);
		pcp->count++;
	}
	spin_unlock(&z->lock);
}

/* Order 0: pop from this CPU's list, refilling it from the buddy lists when empty. */
/* 3.10 keeps a pcp list per migrate type and CPU; we one per zone and CPU: docs/linux-3.10.md */
static struct page *rmqueue_pcp(struct zone *z)
{
	struct per_cpu_pages *pcp;
	unsigned long flags;
	struct page *p = NULL;

	local_irq_save(flags);
	pcp = &this_cpu_ptr(z->pageset)->pcp; /* interrupts off: we stay on this CPU */
	if (unlikely(!pcp->count))
		pcp_refill(z, pcp);
	if (likely(pcp->count)) {
		p = list_first_entry(&pcp->list, struct page, lru);
		list_del(&p->lru);
		pcp->count--;
	}
	local_irq_restore(flags);
	return p;
}

static struct page *rmqueue(struct zone *z, unsigned int order)
{
	unsigned long flags;
	struct page *p;

	if (order == 0)
		return rmqueue_pcp(z);
	spin_lock_irqsave(&z->lock, flags);
	p = __rmqueue(z, order);
	spin_unlock_irqrestore(&z->lock, flags);
	return p;
}

/* Give @count pages from the tail of this CPU's @pcp back to the buddy lists.  Irqs off. */
static void free_pcp_pages(struct zone *z, struct per_cpu_pages *pcp, int count)
{
	spin_lock(&z->lock);
	while (count-- > 0 && pcp->count) {
		struct page *p = list_entry(pcp->list.prev, struct page, lru);

		list_del(&p->lru);
		pcp->count--;
		__free_one_page(z, page_to_pfn(p), 0);
		z->free_pages++;
	}
	spin_unlock(&z->lock);
}

/* The free fast path found the list at high (or never set up): add, then give a batch back. */
static noinline void free_pcp_overflow(struct zone *z, struct per_cpu_pages *pcp, struct page *page)
{
	if (unlikely(!pcp->list.next))
		pcp_init(z, pcp);
	list_add(&page->lru, &pcp->list);
	if (++pcp->count > pcp->high)
		free_pcp_pages(z, pcp, pcp->batch);
}

int zone_pcp_count(const struct zone *z, unsigned int cpu)
{
	if (!z->pageset || !pcpu_area_ready(cpu))
		return 0;
	/* Another CPU's counter, read as it changes: a snapshot, exact when it is idle. */
	return READ_ONCE(per_cpu_ptr(z->pageset, cpu)->pcp.count);
}

/* 3.10's NR_FREE_PAGES leaves pcp pages out; we count every CPU's: docs/linux-3.10.md */
unsigned long zone_free_pages(const struct zone *z)
{
	unsigned long sum = READ_ONCE(z->free_pages);
	unsigned int cpu;

	for_each_pcpu_area(cpu)
		sum += zone_pcp_count(z, cpu);
	return sum;
}

bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
		       enum zone_type classzone, int alloc_flags)
{
	long min = (long)mark;
	/* The buddy lists only, as 3.10's NR_FREE_PAGES: pcp pages are no one CPU's to count. */
	long free = (long)READ_ONCE(z->free_pages) - (1L << order) + 1;

	if (alloc_flags & ALLOC_HIGH)
		min -= min / 2;
	if (alloc_flags & ALLOC_HARDER)
		min -= min / 4;
	if (free <= min + (long)z->lowmem_reserve[classzone])
		return false;
	/* Enough of it in blocks big enough?  Smaller blocks don't count for larger orders. */
	for (unsigned int o = 0; o < order; o++) {
		free -= (long)(z->free_area[o].nr_free << o);
		min >>= 1;
		if (free <= min)
			return false;
	}
	return true;
}

/*
 * Walk the zonelist for @nid: its zones from @high down, then the other
 * nodes' the same way.  Returns the first page a zone can give under
 * @alloc_flags.
 */
static struct page *get_page_from_freelist(gfp_t gfp, unsigned int order, int alloc_flags, int nid,
					   enum zone_type high)
{
	for (struct zone *const *zp = zonelists[nid][high].zones; *zp; zp++) {
		struct zone *z = *zp;
		struct page *p;

		if (!(alloc_flags & ALLOC_NO_WATERMARKS) &&
		    !zone_watermark_ok(z, order, z->watermark[alloc_flags & ALLOC_WMARK_MASK], high,
				       alloc_flags)) {
			__atomic_add_fetch(&z->fail_count, 1, __ATOMIC_RELAXED); /* any CPU */
			continue;
		}
		p = rmqueue(z, order);
		if (!p)
			continue;
		__atomic_add_fetch(&z->alloc_count, 1, __ATOMIC_RELAXED);
		p->pfmemalloc = !!(alloc_flags & ALLOC_NO_WATERMARKS);
		if (p->pfmemalloc)
			__atomic_add_fetch(&z->pfmemalloc_count, 1, __ATOMIC_RELAXED);
		return p;
	}
	return NULL;
}

void build_all_zonelists(void)
{
	for (int nid = 0; nid < nr_online_nodes; nid++)
		for (int high = 0; high < MAX_NR_ZONES; high++) {
			struct zone **zp = zonelists[nid][high].zones;

			for (int i = 0; i < nr_online_nodes; i++)
				for (int zt = high; zt >= 0; zt--) {
					struct zone *z = &NODE_DATA((nid + i) % nr_online_nodes)
								  ->node_zones[zt];

					if (populated_zone(z))
						*zp++ = z;
				}
			*zp = NULL;
		}
}

void drain_local_pages(void *unused)
{
	unsigned long flags;

	local_irq_save(flags);
	for (int n = 0; n < nr_online_nodes; n++)
		for (int zt = 0; zt < MAX_NR_ZONES; zt++) {
			struct zone *z = &NODE_DATA(n)->node_zones[zt];
			struct per_cpu_pages *pcp;

			if (!populated_zone(z))
				continue;
			pcp = &this_cpu_ptr(z->pageset)->pcp;
			if (pcp->count)
				free_pcp_pages(z, pcp, pcp->count);
		}
	local_irq_restore(flags);
}

void drain_all_pages(void)
{
	/* Waiting for the other CPUs with interrupts off could deadlock (kernel/smp.c). */
	if (WARN_ON_ONCE(irqs_disabled())) {
		drain_local_pages(NULL);
		return;
	}
	on_each_cpu(drain_local_pages, NULL, 1);
}

/* Pages on any CPU's list of a zone on @zonelist: worth a drain before failing? */
static bool pcp_pages_on(struct zone *const *zp)
{
	unsigned int cpu;

	for (; *zp; zp++)
		for_each_pcpu_area(cpu)
			if (zone_pcp_count(*zp, cpu))
				return true;
	return false;
}

/*
 * An allocation found nothing: if pages sit on per-CPU lists, give them
 * back (every CPU's if it may wait, else this one's) and say "try again".
 */
static bool drain_and_retry(gfp_t gfp, int nid, enum zone_type high)
{
	if (!pcp_pages_on(zonelists[nid][high].zones))
		return false;
	/* 3.10 drains only in direct reclaim; we this CPU's for atomic too: docs/linux-3.10.md */
	if (gfp & __GFP_WAIT)
		drain_all_pages();
	else
		drain_local_pages(NULL);
	return true;
}

/* The second, harder try: min watermark, and further below it for GFP_ATOMIC. */
static int gfp_to_alloc_flags(gfp_t gfp)
{
	int alloc_flags = ALLOC_WMARK_MIN;

	if (gfp & __GFP_HIGH)
		alloc_flags |= ALLOC_HIGH;
	if (!(gfp & __GFP_WAIT) && !(gfp & __GFP_NOMEMALLOC))
		alloc_flags |= ALLOC_HARDER;
	return alloc_flags;
}

/* May this allocation use the reserve below min?  Linux's gfp_pfmemalloc_allowed. */
static bool gfp_pfmemalloc_allowed(gfp_t gfp)
{
	return (gfp & __GFP_MEMALLOC) && !(gfp & __GFP_NOMEMALLOC);
}

static void warn_alloc_failed(gfp_t gfp, unsigned int order, int nid)
{
	if ((gfp & __GFP_NOWARN) || !__ratelimit(&nopage_rs, 5000, 3))
		return;
	pr_warn("%s: page allocation failure: order:%u, mode:%#x, nid:%d\n",
		current ? current->comm : "boot", order, gfp, nid);
	for (int n = 0; n < nr_online_nodes; n++)
		for (int zt = 0; zt < MAX_NR_ZONES; zt++) {
			struct zone *z = &NODE_DATA(n)->node_zones[zt];

			if (populated_zone(z))
				pr_warn("Node %d %s free:%lukB min:%lukB low:%lukB high:%lukB\n", n,
					z->name, zone_free_pages(z) * 4,
					z->watermark[WMARK_MIN] * 4, z->watermark[WMARK_LOW] * 4,
					z->watermark[WMARK_HIGH] * 4);
		}
}

/*
 * Queue on page_alloc_wait, try once more, then sleep until some page is
 * freed (every free wakes page_alloc_wait) or 100 ms pass.  The try after
 * queueing sees a free that came before we queued (__free_pages' smp_mb),
 * unless that page sits on another CPU's per-CPU list, which only a drain
 * (the caller's, after we return) reaches: the timeout bounds that case.
 * Returns false once the allocation has waited alloc_wait_limit_ms in
 * total: then it fails.  *@p is the page the try found, or NULL.
 */
/* 3.10 reclaims, retries for ever; we wait for a free, fail after 10 s: docs/linux-3.10.md */
static bool alloc_wait_for_free(gfp_t gfp, unsigned int order, int nid, enum zone_type high,
				u64 start_ns, struct page **p)
{
	u64 waited_ms = (ktime_get_ns() - start_ns) / NSEC_PER_MSEC;
	DEFINE_WAIT(w);

	/* Reported before the limit is checked: a wait that overslept past both stalled too. */
	if (waited_ms >= alloc_stall_report_ms && __ratelimit(&alloc_stall_rs, 5000, 1))
		pr_warn("%s: page allocation stalls for %llums, order:%u, mode:%#x\n",
			current->comm, (unsigned long long)waited_ms, order, gfp);
	if (waited_ms >= alloc_wait_limit_ms)
		return false;
	prepare_to_wait(&page_alloc_wait, &w, TASK_UNINTERRUPTIBLE);
	*p = get_page_from_freelist(gfp, order, gfp_to_alloc_flags(gfp), nid, high);
	if (!*p)
		schedule_timeout(msecs_to_jiffies(100)); /* retry at least this often */
	finish_wait(&page_alloc_wait, &w);
	return true;
}

struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order)
{
	enum zone_type high = gfp_zone(gfp);
	struct page *p;
	u64 start_ns = 0;
	bool stalled = false, drained = false;

	if (order >= MAX_ORDER) {
		WARN_ON_ONCE(!(gfp & __GFP_NOWARN));
		return NULL;
	}
	/* 3.10 goes on and may sleep; we warn, then act atomic: docs/linux-3.10.md */
	if ((gfp & __GFP_WAIT) && might_sleep())
		gfp &= ~__GFP_WAIT;
	if (nid == NUMA_NO_NODE || nid < 0 || nid >= nr_online_nodes)
		nid = numa_node_id();
	if (should_fail_alloc_page(gfp, order))
		goto fail;

	p = get_page_from_freelist(gfp, order, ALLOC_WMARK_LOW, nid, high);
	/* Not yet there: struct pages whose set-up was deferred (mm/mm_init.c) come first. */
	while (!p && deferred_grow())
		p = get_page_from_freelist(gfp, order, ALLOC_WMARK_LOW, nid, high);
	while (!p) {
		p = get_page_from_freelist(gfp, order, gfp_to_alloc_flags(gfp), nid, high);
		if (!p && gfp_pfmemalloc_allowed(gfp))
			p = get_page_from_freelist(gfp, order, ALLOC_NO_WATERMARKS, nid, high);
		if (!p && !drained) {
			drained = true;
			if (drain_and_retry(gfp, nid, high))
				continue;
		}
		if (p || !(gfp & __GFP_WAIT))
			break;
		if (!stalled) {
			stalled = true;
			__atomic_add_fetch(&alloc_stall_count, 1, __ATOMIC_RELAXED);
			start_ns = ktime_get_ns();
		}
		if (!alloc_wait_for_free(gfp, order, nid, high, start_ns, &p))
			break;
		drained = false; /* frees meanwhile went to their CPUs' lists */
	}
	if (!p)
		goto fail;
	p->_refcount = 1;
	if (gfp & __GFP_ZERO)
		memset(page_address(p), 0, PAGE_SIZE << order);
	return p;
fail:
	warn_alloc_failed(gfp, order, nid);
	return NULL;
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	return alloc_pages_node(NUMA_NO_NODE, gfp, order);
}

void __free_pages(struct page *page, unsigned int order)
{
	struct zone *z = page_zone(page);
	unsigned long flags;

	BUG_ON(test_page_flag(page, PG_buddy));	   /* double free */
	BUG_ON(test_page_flag(page, PG_reserved)); /* not the allocator's */
	BUG_ON(page->order != order);		   /* freed with another order */
	page->_refcount = 0;
	page->pfmemalloc = false;
	if (order == 0) {
		struct per_cpu_pages *pcp;

		local_irq_save(flags);
		pcp = &this_cpu_ptr(z->pageset)->pcp;
		if (likely(pcp->count < pcp->high)) {
			list_add(&page->lru, &pcp->list);
			pcp->count++;
		} else {
			free_pcp_overflow(z, pcp, page);
		}
		local_irq_restore(flags);
	} else {
		free_one_block(z, page_to_pfn(page), order);
	}
	/*
	 * 3.10's wq_has_sleeper: the page is back on a list (the stores above)
	 * before we look at the queue; pairs with the locked instruction of the
	 * waiter's prepare_to_wait() before its retry (alloc_wait_for_free).
	 * Either its retry sees the page or we see it queued and wake it.
	 */
	smp_mb();
	if (waitqueue_active(&page_alloc_wait))
		wake_up_all(&page_alloc_wait);
}

unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *p = alloc_pages(gfp, order);

	return p ? (unsigned long)page_address(p) : 0;
}

unsigned long get_zeroed_page(gfp_t gfp)
{
	return __get_free_pages(gfp | __GFP_ZERO, 0);
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (addr)
		__free_pages(virt_to_page((void *)addr), order);
}

void setup_zone_pagesets(void)
{
	for (int n = 0; n < MAX_NUMNODES; n++)
		for (int zt = 0; zt < MAX_NR_ZONES; zt++) {
			struct zone *z = &NODE_DATA(n)->node_zones[zt];
			unsigned int cpu;

			z->pageset = alloc_percpu(struct per_cpu_pageset);
			if (!z->pageset)
				panic("mm: no per-CPU space for the zones' pagesets");
			for_each_pcpu_area(cpu)
				pcp_init(z, &per_cpu_ptr(z->pageset, cpu)->pcp);
		}
}

unsigned long nr_free_pages(void)
{
	unsigned long sum = 0;

	for (int n = 0; n < nr_online_nodes; n++)
		for (int zt = 0; zt < MAX_NR_ZONES; zt++)
			sum += zone_free_pages(&NODE_DATA(n)->node_zones[zt]);
	return sum;
}

void buddyinfo_counts(unsigned long counts[MAX_ORDER])
{
	for (int o = 0; o < MAX_ORDER; o++)
		counts[o] = 0;
	for (int n = 0; n < nr_online_nodes; n++)
		for (int zt = 0; zt < MAX_NR_ZONES; zt++)
			for (int o = 0; o < MAX_ORDER; o++)
				counts[o] += NODE_DATA(n)->node_zones[zt].free_area[o].nr_free;
}

/* Hand frames [start, end) of zone @z to its free lists in the largest aligned blocks. */
void free_range_blocks(struct zone *z, unsigned long start, unsigned long end)
{
	while (start < end) {
		unsigned int order = 0;

		while (order < MAX_ORDER - 1 && !(start & ((1UL << (order + 1)) - 1)) &&
		       start + (1UL << (order + 1)) <= end)
			order++;
		free_one_block(z, start, order);
		start += 1UL << order;
	}
}

/* Boot: free_range_blocks, and count the frames as the zone's (managed) and RAM. */
void free_boot_range(struct zone *z, unsigned long start, unsigned long end)
{
	free_range_blocks(z, start, end);
	if (end > start) {
		z->managed_pages += end - start;
		totalram_pages += end - start;
	}
}
