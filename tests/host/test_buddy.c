/*
 * SPDX-License-Identifier: MIT
 * tests/host/test_buddy.c - mm/page_alloc.c on the host, under ASan/UBSan,
 * driven by long random sequences of allocations and frees and checked
 * against a reference model: a bitmap of the frames the test owns.
 *
 * After every operation: a new block is aligned, inside a zone its GFP
 * flags allow, overlaps nothing the test owns, and is zeroed if asked.
 * Every block is filled with a pattern made from its pfn, checked when it is
 * freed (an overlap would have overwritten it).  Every so often the free
 * lists are walked: each free block is a PG_buddy head of the right order,
 * aligned, disjoint from the others and from what the test owns, and
 * free + owned == managed, exactly.  At the end everything is freed and the
 * free lists must be merged back to exactly what they were at the start.
 */
#include "htest.h"
#include <kernel/acpi.h>
#include <mm/fault_inject.h>
#include <mm/mmzone.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "shim/host_kernel.h"

#define PHYS_SIZE   (64UL << 20) /* 64 MiB of "RAM" ... */
/* ... of which the last 3 pages are missing: the last blocks' buddies lie past max_pfn, which
 * merging must never look at (mem_map ends there: ASan would see the read). */
#define NR_PFNS	    ((PHYS_SIZE >> PAGE_SHIFT) - 3)
#define DMA_END_PFN ((16UL << 20) >> PAGE_SHIFT)
#define MAX_LIVE    4096

/*
 * Hooks the page allocator calls, defined by the test.  Its fast path asks
 * should_fail_alloc_page() only while fail_page_alloc is armed (probability
 * or nth set), as mm/fault_inject.c's would: inject() arms both.
 */
static bool inject_failure;
struct fault_attr fail_page_alloc;
bool should_fail_alloc_page(gfp_t gfp, unsigned int order, unsigned long caller)
{
	return inject_failure;
}

static void inject(bool on)
{
	inject_failure = on;
	fail_page_alloc.probability = on ? 100 : 0;
}

const struct acpi_table_header *acpi_find_table(const char sig[4], int instance)
{
	return NULL; /* no SRAT: one node */
}

/* mm/mm_init.c's deferred struct page set-up: here every frame is set up from the start. */
bool deferred_grow(void)
{
	return false;
}

static struct {
	unsigned char owned[NR_PFNS];
	struct {
		struct page *p;
		unsigned int order;
	} live[MAX_LIVE];
	int nr_live;
	unsigned long owned_pages;
	unsigned long managed;
} m;

static u64 rng = 0x9e3779b97f4a7c15ULL;

static u64 next_rand(void)
{
	return htest_rand(&rng);
}

static void zone_setup(struct zone *z, enum zone_type type, const char *name, unsigned long start,
		       unsigned long end)
{
	z->type = type;
	z->name = name;
	z->node = 0;
	spin_lock_init(&z->lock);
	for (int o = 0; o < MAX_ORDER; o++)
		INIT_LIST_HEAD(&z->free_area[o].free_list);
	z->pageset_batch = 8;
	z->pageset_high = 48;
	z->pageset = alloc_percpu(struct per_cpu_pageset);
	CHECK(z->pageset);
	INIT_LIST_HEAD(&this_cpu_ptr(z->pageset)->pcp.list);
	this_cpu_ptr(z->pageset)->pcp.batch = z->pageset_batch;
	this_cpu_ptr(z->pageset)->pcp.high = z->pageset_high;
	z->zone_start_pfn = start;
	z->spanned_pages = z->present_pages = end - start;
	free_boot_range(z, start, end);
	z->watermark[WMARK_MIN] = 64;
	z->watermark[WMARK_LOW] = 80;
	z->watermark[WMARK_HIGH] = 96;
}

static void setup(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	host_phys_init(PHYS_SIZE);
	max_pfn = NR_PFNS;
	mem_map = calloc(NR_PFNS, sizeof(struct page));
	numa_init();
	/* The first MiB stays out, as in the kernel. */
	zone_setup(&NODE_DATA(0)->node_zones[ZONE_DMA], ZONE_DMA, "DMA", 256, DMA_END_PFN);
	zone_setup(&NODE_DATA(0)->node_zones[ZONE_DMA32], ZONE_DMA32, "DMA32", DMA_END_PFN,
		   NR_PFNS);
	NODE_DATA(0)->node_zones[ZONE_DMA].lowmem_reserve[ZONE_DMA32] = 32;
	build_all_zonelists();
	m.managed = NR_PFNS - 256;
}

static void fill(struct page *p, unsigned int order)
{
	unsigned long *w = page_address(p);

	for (size_t i = 0; i < (PAGE_SIZE << order) / sizeof(*w); i += 512)
		w[i] = page_to_pfn(p) * 1000003UL + i;
}

static bool pattern_ok(struct page *p, unsigned int order)
{
	unsigned long *w = page_address(p);

	for (size_t i = 0; i < (PAGE_SIZE << order) / sizeof(*w); i += 512)
		if (w[i] != page_to_pfn(p) * 1000003UL + i)
			return false;
	return true;
}

/* Allocate and check against the model; returns false if the allocator said no. */
static bool model_alloc(gfp_t gfp, unsigned int order)
{
	struct page *p;
	unsigned long pfn;

	if (m.nr_live == MAX_LIVE)
		return false;
	p = alloc_pages(gfp | __GFP_NOWARN, order);
	if (!p)
		return false;
	pfn = page_to_pfn(p);
	CHECK(pfn % (1UL << order) == 0);
	CHECK(pfn >= 256 && pfn + (1UL << order) <= NR_PFNS);
	if (gfp & __GFP_DMA)
		CHECK(pfn + (1UL << order) <= DMA_END_PFN);
	if (gfp & __GFP_ZERO) {
		unsigned char *b = page_address(p);
		size_t nonzero = 0;

		for (size_t i = 0; i < PAGE_SIZE << order; i++)
			nonzero += b[i] != 0;
		CHECK(nonzero == 0);
	}
	for (unsigned long i = 0; i < (1UL << order); i++) {
		CHECK(!m.owned[pfn + i]);
		m.owned[pfn + i] = 1;
	}
	m.owned_pages += 1UL << order;
	fill(p, order);
	m.live[m.nr_live].p = p;
	m.live[m.nr_live].order = order;
	m.nr_live++;
	return true;
}

static void model_free(int idx)
{
	struct page *p = m.live[idx].p;
	unsigned int order = m.live[idx].order;
	unsigned long pfn = page_to_pfn(p);

	CHECK(pattern_ok(p, order));
	for (unsigned long i = 0; i < (1UL << order); i++)
		m.owned[pfn + i] = 0;
	m.owned_pages -= 1UL << order;
	__free_pages(p, order);
	m.live[idx] = m.live[--m.nr_live];
}

/* Walk every free list and per-CPU list: disjoint, well-formed, and adding up. */
static void check_free_lists(void)
{
	static unsigned char seen[NR_PFNS];
	unsigned long free = 0;

	memcpy(seen, m.owned, sizeof(seen));
	for (int zt = ZONE_DMA; zt <= ZONE_DMA32; zt++) {
		struct zone *z = &NODE_DATA(0)->node_zones[zt];
		struct page *p;

		for (int o = 0; o < MAX_ORDER; o++) {
			unsigned long n = 0;

			list_for_each_entry(p, &z->free_area[o].free_list, lru) {
				unsigned long pfn = page_to_pfn(p);

				CHECK(p->flags & (1UL << PG_buddy));
				CHECK(p->order == o);
				CHECK(pfn % (1UL << o) == 0);
				CHECK(page_zone(p) == z);
				for (unsigned long i = 0; i < (1UL << o); i++) {
					CHECK(!seen[pfn + i]);
					seen[pfn + i] = 1;
				}
				n++;
			}
			CHECK(n == z->free_area[o].nr_free);
			free += n << o;
		}
		list_for_each_entry(p, &this_cpu_ptr(z->pageset)->pcp.list, lru) {
			CHECK(!seen[page_to_pfn(p)]);
			seen[page_to_pfn(p)] = 1;
			free++;
		}
	}
	CHECK(free == nr_free_pages());
	CHECK(free + m.owned_pages == m.managed);
}

static const gfp_t gfps[] = {
	GFP_KERNEL,
	GFP_ATOMIC,
	GFP_NOWAIT,
	GFP_KERNEL | __GFP_DMA,
	GFP_ATOMIC | __GFP_DMA32,
	GFP_KERNEL | __GFP_ZERO,
	GFP_ATOMIC | __GFP_MEMALLOC,
	GFP_NOIO,
};

HTEST(buddy_random_sequences_match_the_model)
{
	unsigned long start[MAX_ORDER], end[MAX_ORDER];

	setup();
	drain_all_pages();
	buddyinfo_counts(start);
	for (int step = 0; step < 200000; step++) {
		u64 r = next_rand();

		if (m.nr_live && (r % 100 < 45 || m.nr_live == MAX_LIVE)) {
			model_free((int)((r >> 8) % m.nr_live));
		} else {
			unsigned int order =
				(r >> 8) % 100 < 70 ? 0 : (unsigned int)((r >> 16) % 6);

			model_alloc(gfps[(r >> 24) % (sizeof(gfps) / sizeof(gfps[0]))] &
					    ~__GFP_WAIT,
				    order);
		}
		if (step % 5000 == 0)
			check_free_lists();
	}
	while (m.nr_live)
		model_free(m.nr_live - 1);
	drain_all_pages();
	check_free_lists();
	buddyinfo_counts(end);
	for (int o = 0; o < MAX_ORDER; o++)
		CHECK(end[o] == start[o]); /* everything merged back */
}

HTEST(buddy_exhaustion_respects_watermarks_and_reserve)
{
	struct zone *dma = &NODE_DATA(0)->node_zones[ZONE_DMA];
	unsigned long pfm = 0;

	setup();
	while (model_alloc(GFP_NOWAIT | __GFP_DMA, 0))
		;
	CHECK(zone_free_pages(dma) <= min_wmark_pages(dma));
	CHECK(zone_free_pages(dma) > 0);
	while (model_alloc(GFP_ATOMIC | __GFP_DMA | __GFP_MEMALLOC, 0))
		pfm += page_is_pfmemalloc(m.live[m.nr_live - 1].p);
	CHECK(pfm > 0);
	CHECK(zone_free_pages(dma) == 0);
	/* A sleeping allocation waits (the host clock jumps) and then gives up. */
	CHECK(!model_alloc(GFP_KERNEL | __GFP_DMA, 0));
	check_free_lists();
	while (m.nr_live)
		model_free(m.nr_live - 1);
	check_free_lists();
}

HTEST(buddy_injected_failure_and_bad_order)
{
	setup();
	inject(true);
	CHECK(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0) == NULL);
	inject(false);
	CHECK(alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_ORDER) == NULL);
	CHECK(model_alloc(GFP_KERNEL, MAX_ORDER - 1));
	if (m.nr_live) /* the allocation above may have failed: nothing to free then */
		model_free(m.nr_live - 1);
	check_free_lists();
}

static const struct htest tests[] = {
	HTEST_ENTRY(buddy_random_sequences_match_the_model),
	HTEST_ENTRY(buddy_exhaustion_respects_watermarks_and_reserve),
	HTEST_ENTRY(buddy_injected_failure_and_bad_order),
};

int main(void)
{
	return htest_main("test_buddy", tests, HTEST_COUNT(tests));
}
