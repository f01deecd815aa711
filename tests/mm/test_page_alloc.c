/*
 * SPDX-License-Identifier: MIT
 * tests/mm/test_page_alloc.c - the zoned buddy allocator: zones and fallback,
 * exhaustion, watermarks and the reserve, pfmemalloc, sleeping allocations,
 * node placement, the per-CPU list and the single-page fast paths (each
 * checked against what the whole algorithm would do).
 *
 * Tests that empty a zone hold every page they took on a private list
 * (through page->lru, which belongs to the owner of an allocated page) and
 * give them all back, so the harness sees the counters return.
 */
#include <kernel/irq.h>
#include <kernel/ktest.h>
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <kernel/err.h>
#include <mm/mmzone.h>
#include <stdlib.h>

#define TEST_IRQ 10

struct page_list {
	struct list_head head;
	unsigned long nr;
	unsigned long pfmemalloc; /* how many came from the reserve */
	unsigned long per_zone[MAX_NR_ZONES];
};

static void pl_init(struct page_list *pl)
{
	memset(pl, 0, sizeof(*pl));
	INIT_LIST_HEAD(&pl->head);
}

/* Allocate order-0 pages with @gfp until it fails; returns how many were taken. */
static unsigned long take_all(struct page_list *pl, gfp_t gfp)
{
	unsigned long n = 0;
	struct page *p;

	while ((p = alloc_page(gfp | __GFP_NOWARN))) {
		list_add(&p->lru, &pl->head);
		pl->nr++;
		pl->pfmemalloc += page_is_pfmemalloc(p);
		pl->per_zone[page_zonenum(p)]++;
		n++;
	}
	return n;
}

static void give_back(struct page_list *pl, unsigned long n)
{
	while (n-- && !list_empty(&pl->head)) {
		struct page *p = list_first_entry(&pl->head, struct page, lru);

		list_del(&p->lru);
		pl->nr--;
		__free_page(p);
	}
}

/*
 * Keep the running case on CPU 0 from now on: an allocation prefers the
 * running CPU's node, and the low zones (ZONE_DMA) are on CPU 0's.  Each
 * case is a thread of its own, so this ends with the case.
 */
static void stay_on_cpu0(void)
{
	u64 cpu0 = 1;

	set_cpus_allowed_ptr(current, &cpu0);
}

/* A zone of the node the case allocates from (CPU 0's, where it stays). */
static struct zone *node0_zone(enum zone_type zt)
{
	stay_on_cpu0();
	return &NODE_DATA(numa_node_id())->node_zones[zt];
}

TEST_CASE(page_alloc_test_gfp_selects_zone)
{
	struct page *dma = alloc_page(GFP_DMA), *dma32 = alloc_page(GFP_DMA32);
	struct page *normal = alloc_page(GFP_KERNEL);

	ASSERT_NOT_NULL(t, dma);
	ASSERT_NOT_NULL(t, dma32);
	ASSERT_NOT_NULL(t, normal);
	EXPECT_EQ(t, page_zonenum(dma), ZONE_DMA);
	EXPECT_LT(t, page_to_phys(dma), 16UL << 20);
	EXPECT_EQ(t, page_zonenum(dma32), ZONE_DMA32); /* DMA32 has room: no fallback */
	EXPECT_LT(t, page_to_phys(dma32), 4UL << 30);
	/* Without ZONE_NORMAL memory (less than 4 GiB of RAM), GFP_KERNEL falls back to DMA32. */
	if (!populated_zone(node0_zone(ZONE_NORMAL)))
		EXPECT_EQ(t, page_zonenum(normal), ZONE_DMA32);
	else
		EXPECT_EQ(t, page_zonenum(normal), ZONE_NORMAL);
	__free_page(dma);
	__free_page(dma32);
	__free_page(normal);
}

TEST_CASE(page_alloc_test_split_and_coalesce_restore_free_lists)
{
	unsigned long before[MAX_ORDER], after[MAX_ORDER];
	struct page *p;

	drain_all_pages();
	buddyinfo_counts(before);
	p = alloc_pages(GFP_KERNEL, 4);
	ASSERT_NOT_NULL(t, p);
	EXPECT_EQ(t, page_to_pfn(p) % 16, 0); /* naturally aligned */
	EXPECT_EQ(t, p->order, 4);
	__free_pages(p, 4);
	drain_all_pages();
	buddyinfo_counts(after);
	for (int o = 0; o < MAX_ORDER; o++) /* merged back exactly as it was */
		EXPECT_EQ(t, after[o], before[o]);
}

TEST_CASE(page_alloc_test_pcp_list_reuses_the_hot_page)
{
	struct page *a = alloc_page(GFP_KERNEL), *b;

	ASSERT_NOT_NULL(t, a);
	__free_page(a);
	b = alloc_page(GFP_KERNEL); /* the per-CPU list is LIFO: same, cache-hot page */
	EXPECT_EQ(t, (unsigned long)b, (unsigned long)a);
	__free_page(b);
}

/*
 * A freed single page goes onto this CPU's list of its own zone, for a page
 * of each zone, and what the page recorded on its last time on a free list
 * (page->node, page->zone) is what page_zone() computes from the frame
 * number.  A wrong zone would put the page on another zone's list.
 */
TEST_CASE(page_alloc_test_free_puts_a_page_on_its_own_zones_list)
{
	static const gfp_t gfps[] = { GFP_KERNEL | __GFP_DMA, GFP_KERNEL | __GFP_DMA32,
				      GFP_KERNEL };
	int checked = 0;

	for (unsigned int i = 0; i < sizeof(gfps) / sizeof(gfps[0]); i++) {
		struct page *p = alloc_page(gfps[i] | __GFP_NOWARN);
		struct zone *z;
		unsigned int cpu;
		int before, high;

		if (!p)
			continue; /* that zone is empty or absent in this boot */
		z = page_zone(p);
		EXPECT_EQ(t, (unsigned long)&NODE_DATA(p->node)->node_zones[p->zone],
			  (unsigned long)z);
		preempt_disable(); /* the list counted is this CPU's */
		cpu = smp_processor_id();
		before = zone_pcp_count(z, cpu);
		high = per_cpu_ptr(z->pageset, cpu)->pcp.high;
		__free_page(p);
		if (before < high) /* below high: a push, no batch given back */
			EXPECT_EQ(t, zone_pcp_count(z, cpu), before + 1);
		preempt_enable();
		checked++;
	}
	EXPECT_GE(t, checked, 1);
	/*
	 * Give the pages back to the buddy lists: a DMA page left on this
	 * CPU's list is out of reach of a later case running on another CPU
	 * (page_alloc_test_dma_zone_exhaustion_and_reserve counts it).
	 */
	drain_all_pages();
}

/*
 * The order-0 fast path's watermark (zone_watermark_fast, one compare) gives
 * zone_watermark_ok's answer for a single page without ALLOC_HIGH or
 * ALLOC_HARDER, on both sides of the mark, with and without a lowmem
 * reserve, and with the mark above everything.  A private zone: the real
 * ones' counts move under us on other CPUs.
 */
TEST_CASE(page_alloc_test_fast_watermark_agrees_with_zone_watermark_ok)
{
	static const unsigned long frees[] = { 0, 1, 2, 7, 100, 5000 };
	static struct zone z;
	int checked = 0;

	for (unsigned int i = 0; i < ARRAY_SIZE(frees); i++)
		for (unsigned long reserve = 0; reserve <= 3; reserve += 3) {
			memset(&z, 0, sizeof(z));
			z.free_pages = frees[i];
			z.lowmem_reserve[ZONE_DMA] = reserve;
			for (long d = -3; d <= 3; d++) {
				long mark = (long)frees[i] - (long)reserve + d;

				if (mark < 0)
					continue;
				EXPECT_EQ(t, zone_watermark_fast(&z, mark, ZONE_DMA),
					  zone_watermark_ok(&z, 0, mark, ZONE_DMA,
							    ALLOC_WMARK_LOW));
				checked++;
			}
			EXPECT_FALSE(t, zone_watermark_fast(&z, ~0UL / 4, ZONE_DMA));
		}
	EXPECT_GT(t, checked, 50);
}

/*
 * The fast path pops a page from this CPU's list only when the zone is
 * above its low watermark: with DMA32's mark raised above everything, the
 * page just freed onto DMA32's list stays there, DMA32 counts the refusal,
 * and the page comes from the zonelist's next zone (ZONE_DMA) when that one
 * has room above its reserve.
 */
TEST_CASE(page_alloc_test_fast_path_refuses_a_zone_below_its_low_watermark)
{
	struct zone *dma32 = node0_zone(ZONE_DMA32), *dma = node0_zone(ZONE_DMA);
	unsigned long low = dma32->watermark[WMARK_LOW], fails, flags;
	struct page *p, *q;
	bool room;

	if (!populated_zone(dma))
		ktest_skip(t, "no ZONE_DMA memory");
	room = zone_free_pages(dma) > dma->lowmem_reserve[ZONE_DMA32] + high_wmark_pages(dma);
	local_irq_save(flags); /* one CPU's list throughout, no interrupt using it */
	p = alloc_page(GFP_NOWAIT | __GFP_DMA32);
	if (!p) {
		local_irq_restore(flags);
		ASSERT_NOT_NULL(t, p);
	}
	__free_page(p); /* the head of this CPU's DMA32 list */
	fails = READ_ONCE(dma32->fail_count);
	WRITE_ONCE(dma32->watermark[WMARK_LOW], ~0UL / 4);
	q = alloc_page(GFP_NOWAIT | __GFP_DMA32 | __GFP_NOWARN);
	WRITE_ONCE(dma32->watermark[WMARK_LOW], low);
	local_irq_restore(flags);
	ASSERT_NOT_NULL(t, q);
	EXPECT_GT(t, READ_ONCE(dma32->fail_count), fails); /* the low mark refused DMA32 */
	if (room) {
		EXPECT_EQ(t, page_zonenum(q), ZONE_DMA);
		EXPECT_NE(t, (unsigned long)q, (unsigned long)p);
	}
	__free_page(q);
	drain_all_pages(); /* no DMA page left on this CPU's list (see the exhaustion case) */
}

/*
 * This CPU's list empty, a single-page allocation takes one batch from the
 * buddy lists and hands out one page of it; the free puts it back on the
 * list.  The fast path sends the empty list to the slow path, which refills.
 */
TEST_CASE(page_alloc_test_empty_list_is_refilled_with_one_batch)
{
	struct zone *z = node0_zone(ZONE_DMA32);
	unsigned int cpu;
	int batch, after_alloc, after_free;
	unsigned long flags;
	struct page *p;

	local_irq_save(flags); /* this CPU's list, no interrupt using it */
	cpu = smp_processor_id();
	drain_local_pages(NULL);
	p = alloc_page(GFP_NOWAIT | __GFP_DMA32);
	after_alloc = zone_pcp_count(z, cpu);
	batch = per_cpu_ptr(z->pageset, cpu)->pcp.batch;
	if (p)
		__free_page(p);
	after_free = zone_pcp_count(z, cpu);
	local_irq_restore(flags);
	ASSERT_NOT_NULL(t, p);
	EXPECT_EQ(t, page_zonenum(p), ZONE_DMA32);
	EXPECT_GT(t, batch, 0);
	EXPECT_EQ(t, after_alloc, batch - 1);
	EXPECT_EQ(t, after_free, batch);
}

/*
 * A __GFP_ZERO page from the fast path is zeroed: the page just freed,
 * dirty, is the one handed out again (the list is LIFO), all zeroes.
 */
TEST_CASE(page_alloc_test_gfp_zero_clears_the_hot_page)
{
	struct page *p, *q;
	const u8 *b;
	size_t nonzero = 0;
	unsigned long flags;

	local_irq_save(flags); /* this CPU's list, no interrupt using it */
	p = alloc_page(GFP_NOWAIT);
	if (p) {
		memset(page_address(p), 0xa5, PAGE_SIZE);
		__free_page(p);
	}
	q = alloc_page(GFP_NOWAIT | __GFP_ZERO);
	local_irq_restore(flags);
	ASSERT_NOT_NULL(t, p);
	ASSERT_NOT_NULL(t, q);
	EXPECT_EQ(t, (unsigned long)q, (unsigned long)p);
	b = page_address(q);
	for (size_t i = 0; i < PAGE_SIZE; i++)
		nonzero += b[i] != 0;
	EXPECT_EQ(t, nonzero, 0);
	__free_page(q);
}

/*
 * Frees onto this CPU's list push until it holds high pages; the free that
 * finds it at high pushes, then gives one batch (the oldest pages) back to
 * the buddy lists.  The list never holds more than high.
 */
TEST_CASE(page_alloc_test_list_at_high_gives_one_batch_back)
{
	struct zone *z = node0_zone(ZONE_DMA32);
	struct per_cpu_pages *pcp;
	struct page_list pl;
	unsigned int cpu;
	int high, batch, most = 0, crossed = 0, after_cross = -1;
	unsigned long flags;

	pl_init(&pl);
	local_irq_save(flags); /* this CPU's list, no interrupt using it */
	cpu = smp_processor_id();
	pcp = &per_cpu_ptr(z->pageset, cpu)->pcp;
	drain_local_pages(NULL);
	high = pcp->high;
	batch = pcp->batch;
	for (int i = 0; i <= high; i++) {
		struct page *p = alloc_page(GFP_NOWAIT | __GFP_DMA32 | __GFP_NOWARN);

		if (!p)
			break;
		list_add(&p->lru, &pl.head);
		pl.nr++;
	}
	while (!list_empty(&pl.head)) {
		struct page *p = list_first_entry(&pl.head, struct page, lru);
		int before = zone_pcp_count(z, cpu);

		list_del(&p->lru);
		pl.nr--;
		__free_page(p);
		if (before == high) {
			crossed++;
			after_cross = zone_pcp_count(z, cpu);
		}
		if (zone_pcp_count(z, cpu) > most)
			most = zone_pcp_count(z, cpu);
	}
	local_irq_restore(flags);
	EXPECT_GT(t, high, batch);
	EXPECT_EQ(t, crossed, 1); /* high + 1 frees from below high: the list reached it once */
	EXPECT_EQ(t, after_cross, high + 1 - batch);
	EXPECT_LE(t, most, high);
	drain_all_pages();
}

/*
 * With several nodes, a single page asked of each node comes from it (the
 * fast path reads that node's zonelist), and its free goes onto this CPU's
 * list of the page's own zone on its own node: the free path finds the node
 * from the SRAT's ranges (free_hot_page_nodes).
 */
TEST_CASE(page_alloc_test_single_page_of_each_node_freed_to_its_zone)
{
	if (nr_online_nodes < 2)
		ktest_skip(t, "one NUMA node (boot QEMU with -numa to run this)");
	for (int nid = 0; nid < nr_online_nodes; nid++) {
		struct page *p = alloc_pages_node(nid, GFP_NOWAIT, 0);
		struct zone *z, *other;
		unsigned int cpu;
		int before, other_before, high;

		ASSERT_NOT_NULL(t, p);
		z = page_zone(p);
		EXPECT_EQ(t, page_to_nid(p), nid);
		EXPECT_EQ(t, z->node, nid);
		EXPECT_EQ(t, (int)z->type, (int)page_zonenum(p));
		other = &NODE_DATA((nid + 1) % nr_online_nodes)->node_zones[z->type];
		preempt_disable();
		cpu = smp_processor_id();
		before = zone_pcp_count(z, cpu);
		other_before = zone_pcp_count(other, cpu);
		high = per_cpu_ptr(z->pageset, cpu)->pcp.high;
		__free_page(p);
		if (before < high)
			EXPECT_EQ(t, zone_pcp_count(z, cpu), before + 1);
		EXPECT_EQ(t, zone_pcp_count(other, cpu), other_before);
		preempt_enable();
	}
	drain_all_pages();
}

/*
 * Empty ZONE_DMA step by step: an atomic GFP_DMA allocation stops near the
 * min watermark, GFP_ATOMIC (high priority) goes further, __GFP_MEMALLOC
 * takes the rest and marks those pages pfmemalloc, __GFP_NOMEMALLOC gets
 * nothing.  Then everything goes back.
 */
TEST_CASE(page_alloc_test_dma_zone_exhaustion_and_reserve)
{
	struct zone *z = node0_zone(ZONE_DMA);
	unsigned long min = min_wmark_pages(z);
	struct page_list pl;

	pl_init(&pl);
	if (!populated_zone(z))
		ktest_skip(t, "no ZONE_DMA memory");
	/*
	 * An atomic allocation drains this CPU's lists only: a DMA page an
	 * earlier case left on another CPU's list would stay out of reach and
	 * still be counted below.  Start from the buddy lists.
	 */
	drain_all_pages();
	take_all(&pl, GFP_NOWAIT | __GFP_DMA);
	EXPECT_EQ(t, pl.pfmemalloc, 0);
	EXPECT_LE(t, zone_free_pages(z), min);	   /* went below min ... */
	EXPECT_GE(t, zone_free_pages(z), min / 2); /* ... but only by ALLOC_HARDER's quarter */

	EXPECT_GT(t, take_all(&pl, GFP_ATOMIC | __GFP_DMA), 0); /* __GFP_HIGH: further */
	EXPECT_EQ(t, pl.pfmemalloc, 0);
	EXPECT_GT(t, zone_free_pages(z), 0);

	EXPECT_EQ(t, take_all(&pl, GFP_ATOMIC | __GFP_DMA | __GFP_MEMALLOC | __GFP_NOMEMALLOC), 0);
	EXPECT_GT(t, take_all(&pl, GFP_ATOMIC | __GFP_DMA | __GFP_MEMALLOC), 0);
	EXPECT_GT(t, pl.pfmemalloc, 0);		    /* reserve pages are marked */
	EXPECT_EQ(t, zone_free_pages(z), 0);	    /* nothing left at all */
	EXPECT_EQ(t, pl.per_zone[ZONE_DMA], pl.nr); /* GFP_DMA never leaves ZONE_DMA */
	EXPECT_NULL(t, alloc_page(GFP_ATOMIC | __GFP_DMA | __GFP_MEMALLOC | __GFP_NOWARN));
	give_back(&pl, pl.nr);
	EXPECT_GT(t, zone_free_pages(z), min);
}

/*
 * GFP_DMA32 uses DMA32 first, then falls back to ZONE_DMA, but not into its
 * lowmem reserve.  The reserve grows with DMA32 (1/256 of it): on a small
 * machine ZONE_DMA has room above it and the fallback happens; above 4 GiB
 * (the runner's highmem boot) the reserve is larger than what ZONE_DMA has
 * free beside the kernel image, so a DMA32 allocation may not take a page
 * of it.  Both outcomes are Linux's rule; the case checks the one that
 * applies and says which.
 */
TEST_CASE(page_alloc_test_dma32_exhaustion_falls_back_to_dma)
{
	struct zone *dma = node0_zone(ZONE_DMA);
	unsigned long reserve = dma->lowmem_reserve[ZONE_DMA32], free_before;
	struct page_list pl;
	bool room;

	pl_init(&pl);
	if (!populated_zone(dma))
		ktest_skip(t, "no ZONE_DMA");
	if (nr_online_nodes > 1)
		ktest_skip(t, "more than one node: the other node's DMA32 would be taken first");
	/* The reserve picks the branch below: check it is Linux's 1/256 of DMA32 first. */
	EXPECT_EQ(t, reserve, node0_zone(ZONE_DMA32)->managed_pages / 256);
	free_before = zone_free_pages(dma);
	if (free_before > reserve + high_wmark_pages(dma))
		room = true;
	else if (free_before <= reserve + min_wmark_pages(dma) / 2)
		room = false;
	else
		ktest_skip(t, "ZONE_DMA's free pages are too close to its reserve to say");
	printk(KERN_DEBUG "page_alloc: ZONE_DMA %lu free, reserve against DMA32 %lu: fallback %s\n",
	       free_before, reserve, room ? "expected" : "refused");
	take_all(&pl, GFP_NOWAIT | __GFP_DMA32);
	EXPECT_GT(t, pl.per_zone[ZONE_DMA32], 0);
	EXPECT_EQ(t, pl.per_zone[ZONE_NORMAL], 0);
	if (room)
		EXPECT_GT(t, pl.per_zone[ZONE_DMA], 0); /* the fallback happened */
	else
		EXPECT_EQ(t, pl.per_zone[ZONE_DMA], 0); /* the reserve refused it all */
	/* ZONE_DMA kept its reserve against DMA32 allocations (all of it, when refused). */
	if (room)
		EXPECT_GT(t, zone_free_pages(dma), reserve);
	/* GFP_DMA may still use what was protected from DMA32 allocations. */
	EXPECT_GT(t, take_all(&pl, GFP_ATOMIC | __GFP_DMA), 0);
	give_back(&pl, pl.nr);
}

/* Above 4 GiB of RAM: GFP_KERNEL empties ZONE_NORMAL, then falls back to DMA32, then DMA. */
TEST_CASE(page_alloc_test_normal_exhaustion_falls_back_to_dma32)
{
	struct zone *normal = node0_zone(ZONE_NORMAL), *dma32 = node0_zone(ZONE_DMA32);
	struct page_list pl;

	if (!populated_zone(normal) || nr_online_nodes > 1)
		ktest_skip(
			t,
			"no ZONE_NORMAL memory (the highmem variant boots with more than 4 GiB)");
	pl_init(&pl);
	take_all(&pl, GFP_NOWAIT);
	EXPECT_GT(t, pl.per_zone[ZONE_NORMAL], 0);
	EXPECT_GT(t, pl.per_zone[ZONE_DMA32], 0); /* the fallback happened */
	EXPECT_LE(t, zone_free_pages(normal), min_wmark_pages(normal));
	/* DMA32 kept its reserve against allocations that could have used ZONE_NORMAL. */
	EXPECT_GT(t, zone_free_pages(dma32), dma32->lowmem_reserve[ZONE_NORMAL]);
	give_back(&pl, pl.nr);
}

/*
 * Forget the reports made before this case: they are rate limited, and a
 * suite that failed allocations just before (bounce, fault_inject) would
 * otherwise leave none for us to see.
 */
static void fresh_alloc_reports(void)
{
	nopage_rs = (struct ratelimit_state){ 0 };
	alloc_stall_rs = (struct ratelimit_state){ 0 };
}

TEST_CASE(page_alloc_test_atomic_failure_is_immediate_and_warns)
{
	unsigned long stalls = alloc_stall_count;
	struct page_list pl;
	u64 mark;

	pl_init(&pl);
	take_all(&pl, GFP_ATOMIC | __GFP_DMA | __GFP_MEMALLOC);
	fresh_alloc_reports();
	mark = log_seq();
	EXPECT_NULL(t, alloc_page(GFP_ATOMIC | __GFP_DMA));
	EXPECT_EQ(t, alloc_stall_count, stalls); /* it never waited */
	EXPECT_TRUE(t, log_contains(mark, "page allocation failure: order:0"));
	mark = log_seq();
	EXPECT_NULL(t, alloc_page(GFP_ATOMIC | __GFP_DMA | __GFP_NOWARN));
	EXPECT_FALSE(t, log_contains(mark, "page allocation failure"));
	give_back(&pl, pl.nr);
}

static struct page_list irq_list;

static irqreturn_t freeing_irq(int irq, void *dev)
{
	give_back(&irq_list, 64); /* more than ZONE_DMA's min watermark */
	return IRQ_HANDLED;
}

static int raise_later(void *arg)
{
	msleep(50);
	irq_raise_for_test(TEST_IRQ);
	return 0;
}

/* A GFP_KERNEL allocation with no memory left sleeps until an interrupt frees some. */
TEST_CASE(page_alloc_test_sleeping_alloc_woken_by_free_from_irq)
{
	unsigned long stalls = alloc_stall_count;
	struct task_struct *k;
	struct page *p;
	u64 start;

	pl_init(&irq_list);
	take_all(&irq_list, GFP_ATOMIC | __GFP_DMA | __GFP_MEMALLOC);
	ASSERT_EQ(t, request_irq(TEST_IRQ, freeing_irq, 0, "test", NULL), 0);
	k = ktest_thread_start(raise_later, NULL, "raise_later");
	ASSERT_NOT_NULL(t, k);
	start = ktime_get_ns();
	p = alloc_page(GFP_KERNEL | __GFP_DMA); /* sleeps */
	EXPECT_NOT_NULL(t, p);
	EXPECT_GE(t, ktime_get_ns() - start, 40 * NSEC_PER_MSEC);
	EXPECT_EQ(t, alloc_stall_count, stalls + 1);
	if (p) {
		EXPECT_EQ(t, page_zonenum(p), ZONE_DMA);
		__free_page(p);
	}
	EXPECT_EQ(t, ktest_thread_finish(k, 2000), 0);
	free_irq(TEST_IRQ, NULL);
	give_back(&irq_list, irq_list.nr);
}

/* Nothing is ever freed: the sleeping allocation reports its stall, then gives up. */
TEST_CASE(page_alloc_test_sleeping_alloc_wait_is_bounded_and_reported)
{
	unsigned long saved_report = alloc_stall_report_ms, saved_limit = alloc_wait_limit_ms;
	struct page_list pl;
	u64 mark, start;

	pl_init(&pl);
	take_all(&pl, GFP_ATOMIC | __GFP_DMA | __GFP_MEMALLOC);
	alloc_stall_report_ms = 100;
	alloc_wait_limit_ms = 300;
	fresh_alloc_reports();
	mark = log_seq();
	start = ktime_get_ns();
	EXPECT_NULL(t, alloc_page(GFP_KERNEL | __GFP_DMA));
	EXPECT_GE(t, ktime_get_ns() - start, 300 * NSEC_PER_MSEC); /* it did wait, to the limit */
	EXPECT_TRUE(t, log_contains(mark, "page allocation stalls for"));
	EXPECT_TRUE(t, log_contains(mark, "page allocation failure: order:0"));
	alloc_stall_report_ms = saved_report;
	alloc_wait_limit_ms = saved_limit;
	give_back(&pl, pl.nr);
}

static struct {
	struct page *page;
	unsigned long warnings_before, warnings_after;
} irq_alloc;

static irqreturn_t allocating_irq(int irq, void *dev)
{
	irq_alloc.warnings_before = might_sleep_warnings;
	irq_alloc.page = alloc_page(GFP_KERNEL); /* wrong here: must warn, then act atomic */
	irq_alloc.warnings_after = might_sleep_warnings;
	if (irq_alloc.page)
		__free_page(irq_alloc.page);
	return IRQ_HANDLED;
}

TEST_CASE(page_alloc_test_gfp_kernel_in_irq_warns_and_acts_atomic)
{
	u64 mark = log_seq();

	memset(&irq_alloc, 0, sizeof(irq_alloc));
	ASSERT_EQ(t, request_irq(TEST_IRQ, allocating_irq, 0, "test", NULL), 0);
	irq_raise_for_test(TEST_IRQ);
	free_irq(TEST_IRQ, NULL);
	EXPECT_NOT_NULL(t, irq_alloc.page);
	EXPECT_EQ(t, irq_alloc.warnings_after, irq_alloc.warnings_before + 1);
	EXPECT_TRUE(t, log_contains(mark, "BUG: sleeping function called from invalid context"));
}

TEST_CASE(page_alloc_test_watermark_rules)
{
	struct zone *z = node0_zone(ZONE_DMA32);
	unsigned long free;

	/* The watermarks count the buddy lists only (3.10): empty the per-CPU lists into them. */
	drain_all_pages();
	free = zone_free_pages(z);
	/* A mark just below what is free passes; at what is free it fails. */
	EXPECT_TRUE(t, zone_watermark_ok(z, 0, free - 2 - z->lowmem_reserve[ZONE_DMA32], ZONE_DMA32,
					 0));
	EXPECT_FALSE(t, zone_watermark_ok(z, 0, free, ZONE_DMA32, 0));
	/* ALLOC_HIGH halves the mark, ALLOC_HARDER takes a further quarter. */
	EXPECT_TRUE(t, zone_watermark_ok(z, 0, free + free / 2, ZONE_DMA32, ALLOC_HIGH));
	EXPECT_FALSE(t, zone_watermark_ok(z, 0, free * 2 + 10, ZONE_DMA32, ALLOC_HIGH));
	EXPECT_TRUE(t,
		    zone_watermark_ok(z, 0, free * 2 - 10, ZONE_DMA32, ALLOC_HIGH | ALLOC_HARDER));
	/* Watermarks as Linux orders them. */
	EXPECT_LT(t, min_wmark_pages(z), low_wmark_pages(z));
	EXPECT_LT(t, low_wmark_pages(z), high_wmark_pages(z));
}

TEST_CASE(page_alloc_test_node_placement)
{
	if (nr_online_nodes < 2)
		ktest_skip(t, "one NUMA node (boot QEMU with -numa to run this)");
	for (int nid = 0; nid < nr_online_nodes; nid++) {
		struct page *p = alloc_pages_node(nid, GFP_KERNEL, 2);
		int i = 0, bnid;
		u64 s, e;
		bool inside = false;

		ASSERT_NOT_NULL(t, p);
		EXPECT_EQ(t, page_to_nid(p), nid);
		while (numa_memblk(i++, &bnid, &s, &e))
			if (bnid == nid && page_to_phys(p) >= s &&
			    page_to_phys(p) + (4 << PAGE_SHIFT) <= e)
				inside = true;
		EXPECT_TRUE(t, inside); /* the physical address is in the node's range */
		__free_pages(p, 2);
	}
	struct page *local;

	stay_on_cpu0(); /* numa_node_id() is the node this allocation prefers */
	local = alloc_pages_node(NUMA_NO_NODE, GFP_KERNEL, 0);

	ASSERT_NOT_NULL(t, local);
	EXPECT_EQ(t, page_to_nid(local), numa_node_id());
	__free_page(local);
}

/* On CPU @info's CPU, interrupts off (a cross call): an order-0 page from the local node. */
static void alloc_local_page(void *info)
{
	struct page **p = info;

	*p = alloc_pages(GFP_ATOMIC, 0);
}

/*
 * Each CPU allocates from its own node: numa_node_id() is the running CPU's
 * (the SRAT's entry for its APIC ID), not the boot CPU's for all.
 */
TEST_CASE(page_alloc_test_each_cpu_allocates_from_its_node)
{
	bool two = false;
	unsigned int cpu;

	for_each_online_cpu(cpu)
		two |= cpu_to_node(cpu) != cpu_to_node(0);
	if (!two)
		ktest_skip(t, "every online CPU on one NUMA node (the numa variant has two)");
	for_each_online_cpu(cpu) {
		struct page *p = NULL;

		ASSERT_EQ(t, smp_call_function_single((int)cpu, alloc_local_page, &p, 1), 0);
		ASSERT_NOT_NULL(t, p);
		EXPECT_EQ(t, page_to_nid(p), cpu_to_node(cpu));
		__free_page(p);
	}
}

TEST_CASE(page_alloc_test_node_falls_back_when_empty)
{
	struct page_list pl;
	struct page *p;

	if (nr_online_nodes < 2)
		ktest_skip(t, "one NUMA node");
	pl_init(&pl);
	/* Empty node 1 (what it lets us take), then ask it again: node 0 answers. */
	while ((p = alloc_pages_node(1, GFP_NOWAIT | __GFP_NOWARN, 0)) && page_to_nid(p) == 1)
		list_add(&p->lru, &pl.head), pl.nr++;
	ASSERT_NOT_NULL(t, p);
	EXPECT_EQ(t, page_to_nid(p), 0);
	__free_page(p);
	give_back(&pl, pl.nr);
}

/* Read "<field> <number>" out of what the monitor printed since @mark. */
static long log_number_after(u64 mark, const char *field)
{
	static char buf[4096];
	char *at;

	log_read(mark, buf, sizeof(buf));
	at = strstr(buf, field);
	return at ? strtol(at + strlen(field), NULL, 10) : -1;
}

/* meminfo's MemFree and zoneinfo's counts move by exactly what the test takes. */
TEST_CASE(page_alloc_test_meminfo_and_zoneinfo_counters_are_exact)
{
	struct zone *z = node0_zone(ZONE_DMA);
	char cmd[16];
	struct page *p;
	long before, after, zbefore, zafter;
	u64 mark;

	drain_all_pages();
	mark = log_seq();
	strcpy(cmd, "meminfo");
	monitor_exec(cmd);
	before = log_number_after(mark, "MemFree:");
	zbefore = (long)zone_free_pages(z);
	p = alloc_pages(GFP_KERNEL | __GFP_DMA, 5); /* 32 pages = 128 kB, from ZONE_DMA */
	ASSERT_NOT_NULL(t, p);
	mark = log_seq();
	strcpy(cmd, "meminfo");
	monitor_exec(cmd);
	after = log_number_after(mark, "MemFree:");
	zafter = (long)zone_free_pages(z);
	EXPECT_EQ(t, before - after, 128);
	EXPECT_GT(t, log_number_after(mark, "Slab:"), 0); /* the kmalloc caches hold some */
	EXPECT_EQ(t, zbefore - zafter, 32);
	mark = log_seq();
	strcpy(cmd, "zoneinfo");
	monitor_exec(cmd);
	EXPECT_EQ(t, log_number_after(mark, "zone      DMA\n  pages free"), zafter);
	__free_pages(p, 5);
}

/*
 * Deferred struct page set-up (mm/mm_init.c) is over before any test (the
 * runner finished it): nothing is left, a grow finds nothing, and every
 * zone's free lists hold what its counter says, so the deferred chunks went
 * on the lists as boot's frames did.
 */
TEST_CASE(page_alloc_test_deferred_init_done_before_tests)
{
	EXPECT_EQ(t, deferred_init_pending(), 0);
	EXPECT_FALSE(t, deferred_grow());
	for (int n = 0; n < nr_online_nodes; n++)
		for (int zt = 0; zt < MAX_NR_ZONES; zt++) {
			struct zone *z = &NODE_DATA(n)->node_zones[zt];
			unsigned long on_lists = 0, flags;

			spin_lock_irqsave(&z->lock, flags);
			for (int o = 0; o < MAX_ORDER; o++)
				on_lists += z->free_area[o].nr_free << o;
			EXPECT_EQ(t, on_lists, z->free_pages);
			spin_unlock_irqrestore(&z->lock, flags);
			EXPECT_LE(t, zone_free_pages(z), z->managed_pages);
		}
}

static const struct ktest_case page_alloc_cases[] = {
	KTEST(page_alloc_test_deferred_init_done_before_tests),
	KTEST(page_alloc_test_gfp_selects_zone),
	KTEST(page_alloc_test_split_and_coalesce_restore_free_lists),
	KTEST(page_alloc_test_pcp_list_reuses_the_hot_page),
	KTEST(page_alloc_test_free_puts_a_page_on_its_own_zones_list),
	KTEST(page_alloc_test_fast_watermark_agrees_with_zone_watermark_ok),
	KTEST(page_alloc_test_fast_path_refuses_a_zone_below_its_low_watermark),
	KTEST(page_alloc_test_empty_list_is_refilled_with_one_batch),
	KTEST(page_alloc_test_gfp_zero_clears_the_hot_page),
	KTEST(page_alloc_test_list_at_high_gives_one_batch_back),
	KTEST(page_alloc_test_single_page_of_each_node_freed_to_its_zone),
	KTEST(page_alloc_test_dma_zone_exhaustion_and_reserve),
	KTEST(page_alloc_test_dma32_exhaustion_falls_back_to_dma),
	KTEST_TIMEOUT(page_alloc_test_normal_exhaustion_falls_back_to_dma32, 120000),
	KTEST(page_alloc_test_atomic_failure_is_immediate_and_warns),
	KTEST(page_alloc_test_sleeping_alloc_woken_by_free_from_irq),
	KTEST(page_alloc_test_sleeping_alloc_wait_is_bounded_and_reported),
	KTEST(page_alloc_test_gfp_kernel_in_irq_warns_and_acts_atomic),
	KTEST(page_alloc_test_watermark_rules),
	KTEST(page_alloc_test_node_placement),
	KTEST(page_alloc_test_each_cpu_allocates_from_its_node),
	KTEST(page_alloc_test_node_falls_back_when_empty),
	KTEST(page_alloc_test_meminfo_and_zoneinfo_counters_are_exact),
	{}
};
TEST_SUITE(page_alloc, page_alloc_cases);
