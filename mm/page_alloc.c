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
 * The paths: alloc_pages_fast() pops a single page when the zonelist's first
 * zone is above its low watermark and this CPU's list of it is not empty;
 * everything else is __alloc_pages_nodemask(), the whole algorithm, from the
 * start.  __free_pages() pushes a single page; a list at high
 * (free_hot_page_overflow), a block or a bad page (__free_pages_ok) go out of
 * line.  Each fast path is a subset of its slow one, with the same result.
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

/*
 * __alloc_pages_nodemask - the whole allocation, any order and gfp, from
 * node @nid's zonelist (3.10's __alloc_pages_nodemask, and after its first
 * pass its __alloc_pages_slowpath): the checks, a first pass at the low
 * watermark, struct pages not yet set up, the harder passes, the reserve, a
 * drain, the wait.  alloc_pages_fast() answers the commonest case first, with
 * the answer this would give; everything else comes here, from the start.
 * @caller: the return address into whoever called alloc_pages (the call
 * site fault injection counts), read by the fast path on its way here only.
 */
static noinline struct page *__alloc_pages_nodemask(gfp_t gfp, unsigned int order, int nid,
						    unsigned long caller)
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
	if (should_fail_alloc_page(gfp, order, caller))
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

/* The fast path's __GFP_ZERO, out of line: returns @p, so that the fast path tail-calls it. */
static noinline struct page *alloc_pages_zero(struct page *p)
{
	memset(page_address(p), 0, PAGE_SIZE);
	return p;
}

/* Does the fast path look at the context (the test build; make bench's leaves it to the above)? */
#ifdef CONFIG_DEBUG_PREEMPT
#define PAGE_ALLOC_CHECK_ATOMIC true
#else
#define PAGE_ALLOC_CHECK_ATOMIC false
#endif

/*
 * Must this allocation see __alloc_pages_nodemask's checks: a sleeping one
 * where sleeping is not allowed (DEBUG_PREEMPT builds: might_sleep reports
 * it there), or fail_page_alloc armed (should_fail_alloc_page judges it)?
 * fail_page_alloc's armed word is one load (include/mm/fault_inject.h).
 */
static __always_inline bool alloc_pages_unusual(gfp_t gfp)
{
	if (PAGE_ALLOC_CHECK_ATOMIC && (gfp & __GFP_WAIT) && !__can_sleep_fast())
		return true;
	return fault_attr_armed(&fail_page_alloc);
}

/*
 * alloc_pages_fast - what __alloc_pages_nodemask's first pass does for a
 * single page when its first zone passes: the low watermark of the
 * zonelist's first zone (zone_watermark_ok for order 0 without ALLOC_HIGH
 * or ALLOC_HARDER is this one compare of the buddy lists' count), then a pop
 * from this CPU's list of it with interrupts off (rmqueue_pcp).  Anything
 * else - another order, a zone below its mark, an empty list to refill,
 * fault injection - goes to __alloc_pages_nodemask from the start, which
 * gives the same answer for this case and every other.  Without a frame
 * pointer (__page_fastpath), it calls nothing but by a tail call.
 */
static __always_inline struct page *alloc_pages_fast(gfp_t gfp, unsigned int order, int nid)
{
	enum zone_type high = gfp_zone(gfp);
	struct zone *z = zonelists[nid][high].zones[0];
	struct per_cpu_pages *pcp;
	struct list_head *first;
	unsigned long flags;
	struct page *p;

	if (unlikely(order || alloc_pages_unusual(gfp) || !z ||
		     !zone_watermark_fast(z, z->watermark[WMARK_LOW], high)))
		return __alloc_pages_nodemask(gfp, order, nid, _RET_IP_);
	local_irq_save(flags);
	pcp = &this_cpu_ptr(z->pageset)->pcp; /* interrupts off: we stay on this CPU */
	if (unlikely(!pcp->count)) {
		arch_local_irq_restore(flags);
		return __alloc_pages_nodemask(gfp, order, nid, _RET_IP_); /* refills the list */
	}
	/* list_del of the first page, not reinitialised: lru is the new owner's (3.10's poison). */
	first = pcp->list.next;
	pcp->list.next = first->next;
	first->next->prev = &pcp->list;
	pcp->count--;
	arch_local_irq_restore(flags); /* push; popf, as the slab fast paths */
	p = list_entry(first, struct page, lru);
	__atomic_add_fetch(&z->alloc_count, 1, __ATOMIC_RELAXED); /* any CPU */
	p->pfmemalloc = false;
	p->_refcount = 1;
	if (unlikely(gfp & __GFP_ZERO))
		return alloc_pages_zero(p);
	return p;
}

/*
 * The allocators' entry points without a frame pointer, as the slab's
 * (__slab_fastpath): the fast path is some forty instructions and calls
 * nothing but by tail calls, so a backtrace from anything it reaches is whole.
 */
#define __page_fastpath __attribute__((optimize("omit-frame-pointer", "no-tree-slp-vectorize")))

__page_fastpath struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order)
{
	if (nid == NUMA_NO_NODE || nid < 0 || nid >= nr_online_nodes)
		nid = numa_node_id();
	return alloc_pages_fast(gfp, order, nid);
}

__page_fastpath struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	return alloc_pages_fast(gfp, order, numa_node_id());
}

/*
 * 3.10's wq_has_sleeper: the page is back on a list (the stores before)
 * before we look at the queue; pairs with the locked instruction of the
 * waiter's prepare_to_wait() before its retry (alloc_wait_for_free).
 * Either its retry sees the page or we see it queued and wake it.
 */
static __always_inline void free_pages_wake(void)
{
	smp_mb();
	if (waitqueue_active(&page_alloc_wait))
		wake_up_all(&page_alloc_wait);
}

/*
 * __free_pages_ok - every free that is not a single page pushed onto a list
 * with room: a block (order > 0) back to the buddy lists, and the page the
 * fast path refused for its flags or order, which the checks here stop.
 */
static noinline void __free_pages_ok(struct page *page, unsigned int order)
{
	BUG_ON(test_page_flag(page, PG_buddy));	   /* double free */
	BUG_ON(test_page_flag(page, PG_reserved)); /* not the allocator's */
	BUG_ON(page->order != order);		   /* freed with another order */
	BUG_ON(order == 0);			   /* the fast path's: it refused nothing else */
	page->_refcount = 0;
	page->pfmemalloc = false;
	free_one_block(page_zone(page), page_to_pfn(page), order);
	free_pages_wake();
}

/* The free fast path found this CPU's list at high (or never set up): push, a batch back. */
static noinline void free_hot_page_overflow(struct zone *z, struct per_cpu_pages *pcp,
					    struct page *page, unsigned long flags)
{
	if (unlikely(!pcp->list.next))
		pcp_init(z, pcp);
	list_add(&page->lru, &pcp->list);
	if (++pcp->count > pcp->high)
		free_pcp_pages(z, pcp, pcp->batch);
	arch_local_irq_restore(flags);
	free_pages_wake();
}

/* An order-0 page of @z onto this CPU's list (3.10's free_hot_cold_page for a hot page). */
static __always_inline void free_hot_page(struct zone *z, struct page *page)
{
	struct per_cpu_pages *pcp;
	unsigned long flags;

	page->_refcount = 0;
	page->pfmemalloc = false;
	local_irq_save(flags);
	pcp = &this_cpu_ptr(z->pageset)->pcp; /* interrupts off: we stay on this CPU */
	if (unlikely(pcp->count >= pcp->high))
		return free_hot_page_overflow(z, pcp, page, flags);
	list_add(&page->lru, &pcp->list);
	pcp->count++;
	arch_local_irq_restore(flags);
	free_pages_wake();
}

/* More than one node: page_zone() searches the SRAT's ranges, a call kept off the fast path. */
static noinline void free_hot_page_nodes(struct page *page)
{
	free_hot_page(page_zone(page), page);
}

/*
 * __free_pages - an order-0 page the allocator handed out, not reserved and
 * not already free, goes on this CPU's list of its zone: a push with
 * interrupts off.  Anything else is __free_pages_ok's or, at high,
 * free_hot_page_overflow's.
 */
__page_fastpath void __free_pages(struct page *page, unsigned int order)
{
	/* order and page->order 0, PG_buddy and PG_reserved clear: two tests. */
	if (unlikely((order | page->order) ||
		     (page->flags & ((1UL << PG_buddy) | (1UL << PG_reserved)))))
		return __free_pages_ok(page, order);
	if (unlikely(nr_online_nodes != 1))
		return free_hot_page_nodes(page);
	free_hot_page(page_zone_one_node(page), page);
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
