/*
 * SPDX-License-Identifier: MIT
 * tests/mm/test_slab.c - the slab allocator: caches, kmalloc, node placement,
 * exact counters, the reserve, fault injection.  (The fast path's cost is a
 * benchmark, bench/guest/bench_slab.c, not a test: make bench.)
 * (tests/mm/test_slab_debug.c has the slub_debug detections.)
 *
 * Each case frees what it took and destroys its cache, so the harness sees
 * pages and slab objects return.
 *
 *   -append "test=slab"                       this suite
 *   -append "test=slab slub_debug"            the same with every cache debugged
 *   -numa ... (see mm/numa.c)                 runs the node placement cases
 */
#include <arch/x86.h>
#include <kernel/ktest.h>
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <mm/fault_inject.h>
#include <mm/kmalloc_sizes.h>
#include <mm/mm.h>
#include <mm/mmzone.h>
#include <mm/slab.h>
#include <mm/slub_def.h>
#include <stdio.h>

#include "slab_suites.h"

/* ---- caches ------------------------------------------------------------------ */

TEST_CASE(slab_test_create_alloc_free_destroy)
{
	struct kmem_cache *s = kmem_cache_create("slab-test-basic", 40, 0, 0, NULL);
	void *a, *b, *c;

	ASSERT_NOT_NULL(t, s);
	EXPECT_EQ(t, kmem_cache_size(s), 40);
	a = kmem_cache_alloc(s, GFP_KERNEL);
	b = kmem_cache_alloc(s, GFP_KERNEL);
	c = kmem_cache_alloc(s, GFP_ATOMIC);
	EXPECT_TRUE(t, a && b && c);
	EXPECT_TRUE(t, a != b && b != c && a != c);
	memset(a, 1, 40);
	memset(b, 2, 40);
	EXPECT_EQ(t, ((u8 *)a)[39], 1); /* neighbours do not overlap */
	kmem_cache_free(s, a);
	kmem_cache_free(s, b);
	kmem_cache_free(s, c);
	kmem_cache_destroy(s);
}

TEST_CASE(slab_test_bad_create_arguments_fail)
{
	EXPECT_NULL(t, kmem_cache_create("slab-test-zero", 0, 0, 0, NULL));
	EXPECT_NULL(t,
		    kmem_cache_create("slab-test-align", 32, 24, 0, NULL)); /* not a power of 2 */
	EXPECT_NULL(t, kmem_cache_create(NULL, 32, 0, 0, NULL));
}

TEST_CASE(slab_test_explicit_alignment_is_honoured)
{
	struct kmem_cache *s = kmem_cache_create("slab-test-align128", 24, 128, 0, NULL);
	void *objs[20];

	ASSERT_NOT_NULL(t, s);
	for (int i = 0; i < 20; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		EXPECT_EQ(t, (unsigned long)objs[i] % 128, 0);
	}
	for (int i = 0; i < 20; i++)
		kmem_cache_free(s, objs[i]);
	kmem_cache_destroy(s);
}

/* A cache line for big objects, the smallest power of two holding small ones (Linux's rule). */
TEST_CASE(slab_test_hwcache_alignment_is_honoured)
{
	struct kmem_cache *big =
		kmem_cache_create("slab-test-hw100", 100, 0, SLAB_HWCACHE_ALIGN, NULL);
	struct kmem_cache *small =
		kmem_cache_create("slab-test-hw20", 20, 0, SLAB_HWCACHE_ALIGN, NULL);
	void *b[8], *s[8];

	ASSERT_TRUE(t, big && small);
	for (int i = 0; i < 8; i++) {
		b[i] = kmem_cache_alloc(big, GFP_KERNEL);
		s[i] = kmem_cache_alloc(small, GFP_KERNEL);
		EXPECT_EQ(t, (unsigned long)b[i] % 64, 0);
		EXPECT_EQ(t, (unsigned long)s[i] % 32, 0);
	}
	for (int i = 0; i < 8; i++) {
		kmem_cache_free(big, b[i]);
		kmem_cache_free(small, s[i]);
	}
	kmem_cache_destroy(big);
	kmem_cache_destroy(small);
}

static unsigned int ctor_calls;

static void count_ctor(void *obj)
{
	ctor_calls++;
	*(u32 *)obj = 0xc0ffee;
}

/* The constructor runs once per object when its slab is made, not per allocation. */
TEST_CASE(slab_test_ctor_runs_once_per_object)
{
	struct kmem_cache *s = kmem_cache_create("slab-test-ctor", 64, 0, 0, count_ctor);
	struct slabinfo si;
	u32 *obj;

	ASSERT_NOT_NULL(t, s);
	ctor_calls = 0;
	obj = kmem_cache_alloc(s, GFP_KERNEL);
	ASSERT_NOT_NULL(t, obj);
	get_slabinfo(s, &si);
	EXPECT_EQ(t, ctor_calls, si.objects_per_slab); /* the whole first slab */
	EXPECT_EQ(t, *obj, 0xc0ffee);
	kmem_cache_free(s, obj);
	obj = kmem_cache_alloc(s, GFP_KERNEL);
	EXPECT_EQ(t, ctor_calls, si.objects_per_slab); /* reused: not constructed again */
	EXPECT_EQ(t, *obj, 0xc0ffee);
	kmem_cache_free(s, obj);
	kmem_cache_destroy(s);
}

TEST_CASE(slab_test_zalloc_zeroes)
{
	struct kmem_cache *s = kmem_cache_create("slab-test-zero", 200, 0, 0, NULL);
	u8 *p;

	ASSERT_NOT_NULL(t, s);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	memset(p, 0x77, 200);
	kmem_cache_free(s, p);
	p = kmem_cache_zalloc(s, GFP_KERNEL); /* most likely the same object again */
	for (int i = 0; i < 200; i++)
		if (p[i]) {
			EXPECT_EQ(t, p[i], 0);
			break;
		}
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
}

/*
 * A mask the compiler cannot see (here read through a volatile) takes the
 * allocation that tests __GFP_ZERO; a constant one without the bit takes
 * the one that does not (include/mm/slab.h): both must do what the mask
 * says, from the fast path and the slow one alike.
 */
TEST_CASE(slab_test_zero_mask_known_only_at_run_time_zeroes)
{
	struct kmem_cache *s = kmem_cache_create("slab-test-zero-rt", 200, 0, 0, NULL);
	static volatile gfp_t gfp = GFP_KERNEL | __GFP_ZERO;
	u8 *p[20];
	int dirty = 0;

	ASSERT_NOT_NULL(t, s);
	for (int i = 0; i < 20; i++) { /* more than this CPU's freelist may hold: a slow path too */
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
		ASSERT_NOT_NULL(t, p[i]);
		memset(p[i], 0x77, 200);
	}
	for (int i = 0; i < 20; i++)
		kmem_cache_free(s, p[i]);
	for (int i = 0; i < 20; i++) {
		p[i] = i % 2 ? kmem_cache_alloc(s, gfp)
			     : kmem_cache_alloc_node(s, gfp, NUMA_NO_NODE);
		ASSERT_NOT_NULL(t, p[i]);
		for (int j = 0; j < 200; j++)
			dirty |= p[i][j];
	}
	EXPECT_EQ(t, dirty, 0);
	for (int i = 0; i < 20; i++)
		kmem_cache_free(s, p[i]);
	kmem_cache_destroy(s);
}

/* ---- kmalloc ----------------------------------------------------------------- */

/*
 * kmalloc_size_roundup says what ksize will: __alloc_skb sizes an skb's
 * tailroom with it before the buffer exists (net/skb_alloc.c), so the two
 * must agree for every size, slub_debug or not.
 */
TEST_CASE(slab_test_kmalloc_size_roundup_is_what_ksize_says)
{
	static const size_t large[] = { KMALLOC_MAX_CACHE_SIZE + 1, 5 * PAGE_SIZE, 64 * 1024 };

	for (size_t size = 1; size <= KMALLOC_MAX_CACHE_SIZE; size++) {
		void *p = kmalloc(size, GFP_KERNEL);

		ASSERT_NOT_NULL(t, p);
		if (ksize(p) != kmalloc_size_roundup(size)) {
			EXPECT_EQ(t, ksize(p), kmalloc_size_roundup(size));
			kfree(p);
			break;
		}
		kfree(p);
	}
	for (size_t i = 0; i < ARRAY_SIZE(large); i++) {
		void *p = kmalloc(large[i], GFP_KERNEL);

		ASSERT_NOT_NULL(t, p);
		EXPECT_EQ(t, ksize(p), kmalloc_size_roundup(large[i]));
		kfree(p);
	}
}

static size_t expected_class(size_t size)
{
	size_t c = 8;

	if (size > 64 && size <= 96)
		return 96;
	if (size > 128 && size <= 192)
		return 192;
	while (c < size)
		c *= 2;
	return c;
}

TEST_CASE(slab_test_kmalloc_size_classes)
{
	for (size_t size = 1; size <= KMALLOC_MAX_CACHE_SIZE; size++) {
		void *p = kmalloc(size, GFP_KERNEL);

		ASSERT_NOT_NULL(t, p);
		if (ksize(p) != expected_class(size)) {
			EXPECT_EQ(t, ksize(p), expected_class(size));
			kfree(p);
			break;
		}
		kfree(p);
	}
}

/*
 * Power-of-two sizes are aligned to themselves; 96 and 192 to their largest
 * power-of-two divisor.
 */
TEST_CASE(slab_test_kmalloc_natural_alignment)
{
	static const size_t sizes[] = { 8, 16, 64, 96, 192, 256, 1024, 4096, 8192 };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		void *p = kmalloc(sizes[i], GFP_KERNEL);

		ASSERT_NOT_NULL(t, p);
		EXPECT_EQ(t, (unsigned long)p % (sizes[i] & -sizes[i]), 0);
		kfree(p);
	}
}

TEST_CASE(slab_test_kmalloc_large_is_page_backed)
{
	u8 *p = kmalloc(10000, GFP_KERNEL);
	struct page *page;

	ASSERT_NOT_NULL(t, p);
	page = virt_to_page(p);
	EXPECT_EQ(t, (unsigned long)p % PAGE_SIZE, 0);
	EXPECT_EQ(t, ksize(p), 16384);
	EXPECT_TRUE(t, PageHead(page));
	EXPECT_FALSE(t, PageSlab(page));
	memset(p, 0x5c, 10000);
	kfree(p);
}

TEST_CASE(slab_test_kmalloc_zero_bytes_is_zero_size_ptr)
{
	void *p = kmalloc(0, GFP_KERNEL);

	EXPECT_EQ(t, (unsigned long)p, (unsigned long)ZERO_SIZE_PTR);
	EXPECT_EQ(t, ksize(p), 0);
	kfree(p); /* accepted, does nothing */
}

TEST_CASE(slab_test_kzalloc_zeroes)
{
	u8 *p = kmalloc(300, GFP_KERNEL), *q;

	ASSERT_NOT_NULL(t, p);
	memset(p, 0xee, 300);
	kfree(p);
	q = kzalloc(300, GFP_KERNEL);
	ASSERT_NOT_NULL(t, q);
	EXPECT_EQ(t, q[0] | q[150] | q[299], 0);
	kfree(q);
}

TEST_CASE(slab_test_krealloc_preserves_contents)
{
	u8 *p = kmalloc(16, GFP_KERNEL), *q;

	ASSERT_NOT_NULL(t, p);
	for (int i = 0; i < 16; i++)
		p[i] = i;
	q = krealloc(p, 200, GFP_KERNEL); /* grows: a kmalloc-256 object */
	ASSERT_NOT_NULL(t, q);
	EXPECT_EQ(t, ksize(q), 256);
	EXPECT_EQ(t, q[0] + q[15], 15);
	EXPECT_EQ(t, (unsigned long)krealloc(q, 100, GFP_KERNEL), (unsigned long)q); /* fits */
	p = krealloc(q, 20000, GFP_KERNEL); /* grows into pages */
	ASSERT_NOT_NULL(t, p);
	EXPECT_EQ(t, p[7], 7);
	EXPECT_EQ(t, (unsigned long)krealloc(p, 0, GFP_KERNEL), (unsigned long)ZERO_SIZE_PTR);
}

TEST_CASE(slab_test_kcalloc_overflow_returns_null)
{
	u32 *p;

	EXPECT_NULL(t, kcalloc((size_t)1 << 62, 8, GFP_KERNEL));
	EXPECT_NULL(t, kmalloc_array(SIZE_MAX / 2, 3, GFP_KERNEL));
	p = kcalloc(10, sizeof(u32), GFP_KERNEL);
	ASSERT_NOT_NULL(t, p);
	EXPECT_EQ(t, p[0] | p[9], 0);
	kfree(p);
}

TEST_CASE(slab_test_kmalloc_counts_as_live_object)
{
	unsigned long before = slab_live_objects();
	void *small = kmalloc(50, GFP_KERNEL), *large = kmalloc(20000, GFP_KERNEL);

	EXPECT_EQ(t, slab_live_objects(), before + 2);
	kfree(small);
	kfree(large);
	EXPECT_EQ(t, slab_live_objects(), before);
}

/* ---- NUMA nodes -------------------------------------------------------------- */

/* The node whose memory holds @p, by its physical address (the SRAT's ranges). */
static int phys_nid(const void *p)
{
	return pfn_to_nid(__pa(p) >> PAGE_SHIFT);
}

/* Objects of a multi-page slab (3000 bytes: order 3) land on the node asked for. */
TEST_CASE(slab_test_alloc_node_places_objects)
{
	struct kmem_cache *s;
	void *objs[MAX_NUMNODES][40];

	if (nr_online_nodes < 2)
		ktest_skip(t, "one NUMA node (boot QEMU with -numa to run this)");
	s = kmem_cache_create("slab-test-node", 3000, 0, 0, NULL);
	ASSERT_NOT_NULL(t, s);
	for (int nid = 0; nid < nr_online_nodes; nid++)
		for (int i = 0; i < 40; i++) {
			objs[nid][i] = kmem_cache_alloc_node(s, GFP_KERNEL, nid);
			EXPECT_EQ(t, phys_nid(objs[nid][i]), nid);
		}
	for (int nid = 0; nid < nr_online_nodes; nid++)
		for (int i = 0; i < 40; i++)
			kmem_cache_free(s, objs[nid][i]);
	kmem_cache_destroy(s);
}

/*
 * A slab records the node of its memory (slab_nid reads it on every
 * slow-path free): objects of node N's slabs freed after their slabs left
 * the cpu slab go back to node N's lists, never to another node's, and
 * node N's counts come back to 0 once the cache is shrunk.
 */
TEST_CASE(slab_test_frees_go_back_to_the_node_of_the_slab)
{
	struct kmem_cache *s;
	void *objs[40];
	int nid = nr_online_nodes - 1;

	if (nr_online_nodes < 2)
		ktest_skip(t, "one NUMA node (boot QEMU with -numa to run this)");
	s = kmem_cache_create("slab-test-node-free", 3000, 0, 0, NULL);
	ASSERT_NOT_NULL(t, s);
	for (int i = 0; i < 40; i++) {
		objs[i] = kmem_cache_alloc_node(s, GFP_KERNEL, nid);
		ASSERT_NOT_NULL(t, objs[i]);
		EXPECT_EQ(t, slab_virt_to_head_page(objs[i])->node, phys_nid(objs[i]));
	}
	/* The first slabs are full, none the cpu slab: their frees take the slow path. */
	for (int i = 0; i < 40; i++)
		kmem_cache_free(s, objs[i]);
	for (int other = 0; other < nid; other++) {
		EXPECT_EQ(t, s->node[other].nr_slabs, 0);
		EXPECT_TRUE(t, list_empty(&s->node[other].partial));
	}
	kmem_cache_shrink(s);
	EXPECT_EQ(t, s->node[nid].nr_slabs, 0);
	kmem_cache_destroy(s);
}

TEST_CASE(slab_test_kmalloc_node_places_objects)
{
	if (nr_online_nodes < 2)
		ktest_skip(t, "one NUMA node (boot QEMU with -numa to run this)");
	for (int nid = 0; nid < nr_online_nodes; nid++) {
		void *small = kmalloc_node(64, GFP_KERNEL, nid),
		     *large = kmalloc_node(50000, GFP_KERNEL, nid);

		ASSERT_TRUE(t, small && large);
		EXPECT_EQ(t, phys_nid(small), nid);
		EXPECT_EQ(t, phys_nid(large), nid);
		kfree(small);
		kfree(large);
	}
}

/* ---- counters ------------------------------------------------------------------ */

TEST_CASE(slab_test_slabinfo_counts_are_exact)
{
	struct kmem_cache *s = kmem_cache_create("slab-test-info", 100, 0, 0, NULL);
	void *objs[100];
	struct slabinfo si;
	char line[160];
	u64 mark;

	ASSERT_NOT_NULL(t, s);
	EXPECT_EQ(t, slab_test_active_objs(s), 0);
	for (int i = 0; i < 100; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	EXPECT_EQ(t, slab_test_active_objs(s), 100);
	for (int i = 0; i < 40; i++)
		kmem_cache_free(s, objs[i]);
	get_slabinfo(s, &si);
	EXPECT_EQ(t, si.active_objs, 60);
	EXPECT_EQ(t, si.num_objs, si.num_slabs * si.objects_per_slab);
	EXPECT_GE(t, si.num_objs, 100);

	mark = log_seq();
	strcpy(line, "slabinfo");
	EXPECT_EQ(t, monitor_exec(line), 0);
	EXPECT_TRUE(t, log_contains(mark, "slabinfo - version: 2.1\n"));
	snprintf(line, sizeof(line), "%-17s %6u %6lu %6u %4u %4u : tunables", "slab-test-info", 60,
		 si.num_objs, s->size, si.objects_per_slab, 1U << si.cache_order);
	EXPECT_TRUE(t, log_contains(mark, line));
	for (int i = 40; i < 100; i++)
		kmem_cache_free(s, objs[i]);
	EXPECT_EQ(t, slab_test_active_objs(s), 0);
	kmem_cache_destroy(s);
}

TEST_CASE(slab_test_shrink_gives_empty_slabs_back)
{
	struct kmem_cache *s = kmem_cache_create("slab-test-shrink", 512, 0, 0, NULL);
	void *objs[64];
	struct slabinfo si;

	ASSERT_NOT_NULL(t, s);
	for (int i = 0; i < 64; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (int i = 0; i < 64; i++)
		kmem_cache_free(s, objs[i]);
	kmem_cache_shrink(s);
	get_slabinfo(s, &si);
	EXPECT_EQ(t, si.num_slabs, 0);
	kmem_cache_destroy(s);
}

/* kmem_cache_destroy with an object still out names it, and leaves the cache usable. */
TEST_CASE(slab_test_destroy_names_live_object)
{
	struct kmem_cache *s = kmem_cache_create("slab-test-leak", 48, 0, SLAB_STORE_USER, NULL);
	unsigned long errors = slab_debug_errors;
	void *obj;
	u64 mark;

	ASSERT_NOT_NULL(t, s);
	obj = kmem_cache_alloc(s, GFP_KERNEL);
	ASSERT_NOT_NULL(t, obj);
	mark = log_seq();
	kmem_cache_destroy(s);
	EXPECT_TRUE(
		t, log_contains(mark,
				"kmem_cache_destroy slab-test-leak: Slab cache still has objects"));
	EXPECT_TRUE(t, ktest_logged(mark, "INFO: Object 0x%lx", (unsigned long)obj));
	EXPECT_TRUE(t, log_contains(mark, "Allocated in slab_test_destroy_names_live_object"));
	EXPECT_EQ(t, slab_debug_errors, errors + 1);
	EXPECT_EQ(t, slab_test_active_objs(s), 1); /* still there, still counted */
	kmem_cache_free(s, obj);
	kmem_cache_destroy(s);
}

/* ---- the reserve ---------------------------------------------------------------- */

struct page_list {
	struct list_head head;
	unsigned long nr;
};

/* Take pages with @gfp until none are left; keep them on @pl (through page->lru, the owner's). */
static void take_all(struct page_list *pl, gfp_t gfp)
{
	struct page *p;

	while ((p = alloc_page(gfp | __GFP_NOWARN))) {
		list_add(&p->lru, &pl->head);
		pl->nr++;
	}
}

static void give_all_back(struct page_list *pl)
{
	while (!list_empty(&pl->head)) {
		struct page *p = list_first_entry(&pl->head, struct page, lru);

		list_del(&p->lru);
		__free_page(p);
	}
	pl->nr = 0;
}

/*
 * With ZONE_DMA emptied down to its reserve, only a __GFP_MEMALLOC
 * allocation gets a slab; its objects then go to reserve users alone, and
 * the slab goes back as soon as it is empty.
 */
TEST_CASE(slab_test_pfmemalloc_slab_serves_only_reserve_users)
{
	struct kmem_cache *s = kmem_cache_create("slab-test-pfmem", 256, 0, SLAB_CACHE_DMA, NULL);
	struct page_list pl = { LIST_HEAD_INIT(pl.head), 0 };
	const gfp_t atomic = GFP_ATOMIC | __GFP_NOWARN, memalloc = atomic | __GFP_MEMALLOC;
	void *a, *b, *c;
	struct slabinfo si;

	ASSERT_NOT_NULL(t, s);
	take_all(&pl, GFP_ATOMIC | __GFP_DMA);
	a = kmem_cache_alloc(s, memalloc);
	b = kmem_cache_alloc(s, atomic);
	c = kmem_cache_alloc(s, memalloc);
	EXPECT_NOT_NULL(t, a);
	EXPECT_NULL(t, b); /* free objects exist, but they are the reserve's */
	EXPECT_NOT_NULL(t, c);
	if (a)
		EXPECT_TRUE(t, page_is_pfmemalloc(slab_virt_to_head_page(a)));
	kmem_cache_free(s, a);
	kmem_cache_free(s, c);
	kmem_cache_free(s, b);
	get_slabinfo(s, &si);
	EXPECT_EQ(t, si.num_slabs, 0); /* the reserve slab went back at once */
	give_all_back(&pl);
	kmem_cache_destroy(s);
}

/* ---- where 3.10's SLUB does otherwise (docs/linux-3.10.md) ----------------------- */

/* 3.10's kmem_cache_create hands back an existing cache of the same size (an alias). */
TEST_CASE(slab_test_caches_of_one_size_are_never_merged)
{
	struct kmem_cache *a = kmem_cache_create("slab-test-merge-a", 64, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create("slab-test-merge-b", 64, 0, 0, NULL);
	void *oa, *ob;

	ASSERT_NOT_NULL(t, a);
	ASSERT_NOT_NULL(t, b);
	EXPECT_NE(t, (unsigned long)a, (unsigned long)b);
	oa = kmem_cache_alloc(a, GFP_KERNEL);
	ob = kmem_cache_alloc(b, GFP_KERNEL);
	ASSERT_NOT_NULL(t, oa);
	ASSERT_NOT_NULL(t, ob);
	EXPECT_EQ(t, (unsigned long)virt_to_page(oa)->slab_cache, (unsigned long)a);
	EXPECT_EQ(t, (unsigned long)virt_to_page(ob)->slab_cache, (unsigned long)b);
	EXPECT_NE(t, (unsigned long)virt_to_page(oa), (unsigned long)virt_to_page(ob));
	kmem_cache_free(a, oa);
	kmem_cache_free(b, ob);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
}

/* 3.10's SLUB says 8 MiB, a block the page allocator cannot give; ours is the largest block. */
TEST_CASE(slab_test_kmalloc_max_size_is_the_largest_block_and_more_fails_at_once)
{
	u64 mark = log_seq();

	EXPECT_EQ(t, KMALLOC_MAX_SIZE, PAGE_SIZE << (MAX_ORDER - 1));
	EXPECT_NULL(t, kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL));
	EXPECT_TRUE(t, log_contains(mark, "is more than KMALLOC_MAX_SIZE"));
	EXPECT_EQ(t, get_order(KMALLOC_MAX_SIZE), MAX_ORDER - 1);
}

/* 3.10's new_slab BUGs on __GFP_DMA32 (GFP_SLAB_BUG_MASK); the cache's own zone wins here. */
TEST_CASE(slab_test_dma32_gfp_on_a_plain_cache_warns_and_is_ignored)
{
	struct kmem_cache *s = kmem_cache_create("slab-test-dma32-gfp", 64, 0, 0, NULL);
	void *obj;

	ASSERT_NOT_NULL(t, s);
	obj = kmem_cache_alloc(s, GFP_KERNEL | __GFP_DMA32); /* a fresh cache: a new slab */
	EXPECT_NOT_NULL(t, obj);
	if (obj)
		EXPECT_EQ(t, (unsigned long)virt_to_page(obj)->slab_cache, (unsigned long)s);
	/* Warned once per boot, maybe by an earlier run: search the whole log. */
	EXPECT_TRUE(t, log_contains(0, ": unexpected gfp 0x"));
	EXPECT_TRUE(t, log_contains(0, "__GFP_DMA32 ignored"));
	kmem_cache_free(s, obj);
	kmem_cache_destroy(s);
}

/* ---- fault injection ------------------------------------------------------------- */

/*
 * failslab is built in only with FAILSLAB=y, make test's (include/mm/fault_inject.h):
 * without it a case that arms it is skipped.
 */
static void skip_without_failslab(struct ktest *t)
{
#ifndef CONFIG_FAILSLAB
	ktest_skip(t, "built with FAILSLAB=n: failslab never fires");
#endif
	(void)t;
}

TEST_CASE(slab_test_failslab_fails_allocation)
{
	struct kmem_cache *s;
	void *a, *b;

	skip_without_failslab(t);
	s = kmem_cache_create("slab-test-fail", 32, 0, 0, NULL);
	ASSERT_NOT_NULL(t, s);
	fault_attr_reset(&failslab);
	fault_attr_parse(&failslab, "1,100,0,1"); /* every call, at most once */
	failslab.ignore_gfp_wait = false;
	a = kmem_cache_alloc(s, GFP_KERNEL | __GFP_NOWARN);
	b = kmem_cache_alloc(s, GFP_KERNEL | __GFP_NOWARN);
	fault_attr_reset(&failslab);
	EXPECT_NULL(t, a);
	EXPECT_NOT_NULL(t, b);
	kmem_cache_free(s, b);
	kmem_cache_destroy(s);
}

static const struct ktest_case slab_cases[] = {
	KTEST(slab_test_create_alloc_free_destroy),
	KTEST(slab_test_bad_create_arguments_fail),
	KTEST(slab_test_explicit_alignment_is_honoured),
	KTEST(slab_test_hwcache_alignment_is_honoured),
	KTEST(slab_test_ctor_runs_once_per_object),
	KTEST(slab_test_zalloc_zeroes),
	KTEST(slab_test_zero_mask_known_only_at_run_time_zeroes),
	KTEST(slab_test_kmalloc_size_roundup_is_what_ksize_says),
	KTEST(slab_test_kmalloc_size_classes),
	KTEST(slab_test_kmalloc_natural_alignment),
	KTEST(slab_test_kmalloc_large_is_page_backed),
	KTEST(slab_test_kmalloc_zero_bytes_is_zero_size_ptr),
	KTEST(slab_test_kzalloc_zeroes),
	KTEST(slab_test_krealloc_preserves_contents),
	KTEST(slab_test_kcalloc_overflow_returns_null),
	KTEST(slab_test_kmalloc_counts_as_live_object),
	KTEST(slab_test_alloc_node_places_objects),
	KTEST(slab_test_kmalloc_node_places_objects),
	KTEST(slab_test_frees_go_back_to_the_node_of_the_slab),
	KTEST(slab_test_slabinfo_counts_are_exact),
	KTEST(slab_test_shrink_gives_empty_slabs_back),
	KTEST(slab_test_destroy_names_live_object),
	KTEST(slab_test_pfmemalloc_slab_serves_only_reserve_users),
	KTEST(slab_test_caches_of_one_size_are_never_merged),
	KTEST(slab_test_kmalloc_max_size_is_the_largest_block_and_more_fails_at_once),
	KTEST(slab_test_dma32_gfp_on_a_plain_cache_warns_and_is_ignored),
	KTEST(slab_test_failslab_fails_allocation),
	{}
};
TEST_SUITE(slab, slab_cases);
