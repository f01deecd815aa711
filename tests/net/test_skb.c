/*
 * SPDX-License-Identifier: MIT
 * tests/net/test_skb.c - getting socket buffers: every promise of the Linux
 * __alloc_skb(9) man page (in our words: include/net/skbuff.h), fast-clone
 * accounting, SKB_ALLOC_RX and pfmemalloc marking under an exhausted zone,
 * the delivery policy, GFP_ATOMIC-only from interrupts, netdev_alloc_skb.
 * What is done with an skb afterwards (put, push, clone, queues, ...) is
 * tests/net/test_skb_ops.c.
 *
 *   -append "test=skb"          this suite (the numa variant of
 *                               tools/run-tests.py runs it on two nodes:
 *                               skb_test_alloc_on_node)
 *   -append "test=skb,skb_ops"  both skb suites
 *
 * Each case frees every skb it made; the harness checks that slab objects
 * and free pages are back at their baseline after each one.
 */
#include <kernel/irq.h>
#include <kernel/ktest.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <mm/fault_inject.h>
#include <mm/mmzone.h>
#include <mm/slab.h>
#include <net/skbuff.h>
#include <net/sock.h>

#define TEST_IRQ 10

static const unsigned int sizes[] = { 0, 1, 63, 64, 100, 1500, 2048, 4000, 9000, 20000 };

/* ---- __alloc_skb(9), sentence by sentence ------------------------------------------ */

/* "Allocate a new sk_buff." ... "The return is the buffer." */
TEST_CASE(skb_test_alloc_returns_an_empty_skb)
{
	struct sk_buff *skb = __alloc_skb(1500, GFP_KERNEL, 0, NUMA_NO_NODE);

	ASSERT_NOT_NULL(t, skb);
	EXPECT_EQ(t, skb->len, 0);
	EXPECT_EQ(t, skb->data_len, 0);
	EXPECT_EQ(t, skb->tail, 0); /* an offset from head, as 3.10 on 64-bit */
	EXPECT_TRUE(t, skb_tail_pointer(skb) == skb->data);
	EXPECT_EQ(t, skb->fclone, SKB_FCLONE_UNAVAILABLE);
	EXPECT_FALSE(t, skb->cloned);
	EXPECT_FALSE(t, skb->pfmemalloc);
	EXPECT_FALSE(t, skb_mac_header_was_set(skb));
	EXPECT_FALSE(t, skb_network_header_was_set(skb));
	EXPECT_FALSE(t, skb_transport_header_was_set(skb));
	EXPECT_NULL(t, skb->sk);
	EXPECT_NULL(t, skb->dev);
	EXPECT_NULL(t, skb->next);
	EXPECT_EQ(t, skb_shinfo(skb)->nr_frags, 0);
	EXPECT_GE(t, skb->truesize, SKB_TRUESIZE(1500));
	kfree_skb(skb);
}

/*
 * All three header offsets start unset, network_header too (3.10 leaves
 * it 0 and has no skb_network_header_was_set): a layer that never set it
 * is told so instead of reading the buffer's first byte as a header.
 */
TEST_CASE(skb_test_alloc_leaves_every_header_offset_unset)
{
	struct sk_buff *skb = alloc_skb(100, GFP_KERNEL);

	ASSERT_NOT_NULL(t, skb);
	EXPECT_EQ(t, skb->mac_header, SKB_HEADER_UNSET);
	EXPECT_EQ(t, skb->network_header, SKB_HEADER_UNSET);
	EXPECT_EQ(t, skb->transport_header, SKB_HEADER_UNSET);
	EXPECT_FALSE(t, skb_network_header_was_set(skb));
	skb_reset_network_header(skb);
	EXPECT_TRUE(t, skb_network_header_was_set(skb));
	EXPECT_EQ(t, skb->network_header, 0);
	kfree_skb(skb);
}

/* "The returned buffer has no headroom" */
TEST_CASE(skb_test_alloc_has_no_headroom)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct sk_buff *skb = __alloc_skb(sizes[i], GFP_KERNEL, 0, NUMA_NO_NODE);

		ASSERT_NOT_NULL(t, skb);
		EXPECT_EQ(t, skb_headroom(skb), 0);
		EXPECT_TRUE(t, skb->data == skb->head);
		kfree_skb(skb);
	}
}

/*
 * "and a tail room of at least size bytes": all of it is usable - filling
 * it completely leaves the skb_shared_info after it intact.
 */
TEST_CASE(skb_test_alloc_tailroom_at_least_size)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct sk_buff *skb = __alloc_skb(sizes[i], GFP_KERNEL, 0, NUMA_NO_NODE);
		int room;

		ASSERT_NOT_NULL(t, skb);
		room = skb_tailroom(skb);
		EXPECT_GE(t, room, sizes[i]);
		ktest_fill(skb_put(skb, room), room, i);
		EXPECT_EQ(t, skb_tailroom(skb), 0);
		EXPECT_EQ(t, skb_shinfo(skb)->dataref, 1);
		EXPECT_EQ(t, skb_shinfo(skb)->nr_frags, 0);
		EXPECT_TRUE(t, ktest_holds(skb->data, room, i));
		kfree_skb(skb);
	}
}

/* "The object has a reference count of one." */
TEST_CASE(skb_test_alloc_reference_count_is_one)
{
	struct sk_buff *skb = alloc_skb(100, GFP_KERNEL);

	ASSERT_NOT_NULL(t, skb);
	EXPECT_EQ(t, skb->users, 1);
	EXPECT_FALSE(t, skb_shared(skb));
	EXPECT_EQ(t, skb_shinfo(skb)->dataref, 1);
	EXPECT_FALSE(t, skb_cloned(skb));
	kfree_skb(skb); /* the one reference: this frees it (the harness checks) */
}

/* ---- 3.10's arithmetic: the shared info, tailroom, truesize --------------------------------- */

/*
 * The kmalloc size class a student looks up for @bytes: every skb buffer
 * is past 256 bytes (the shared info alone is 320), where the classes -
 * and above 8 KiB the page allocator's blocks - are powers of two.
 */
static size_t buffer_class(size_t bytes)
{
	size_t c = 512;

	while (c < bytes)
		c *= 2;
	return c;
}

/*
 * 3.10's formulas, by hand: __alloc_skb(size) asks kmalloc for
 * SKB_DATA_ALIGN(size) + SKB_DATA_ALIGN(sizeof(struct skb_shared_info))
 * bytes, and the whole size class but the shared info is the buffer:
 * tailroom = SKB_WITH_OVERHEAD(class), truesize = SKB_TRUESIZE(tailroom).
 * alloc_skb(1500): 1536 + 320 = 1856 bytes, kmalloc-2048, tailroom 1728.
 */
TEST_CASE(skb_test_tailroom_and_truesize_follow_3_10s_formulas)
{
	static const unsigned int sz[] = { 0, 1, 100, 1500, 1600, 2048, 4000, 9000, 20000, 65536 };
	struct sk_buff *skb;

	EXPECT_EQ(t, sizeof(struct skb_shared_info), 320); /* 3.10's, x86_64 */
	EXPECT_EQ(t, MAX_SKB_FRAGS, 17);		   /* 65536 / 4096 + 1 */
	for (unsigned int i = 0; i < ARRAY_SIZE(sz); i++) {
		size_t bytes =
			SKB_DATA_ALIGN(sz[i]) + SKB_DATA_ALIGN(sizeof(struct skb_shared_info));
		unsigned int room = SKB_WITH_OVERHEAD(buffer_class(bytes));

		skb = alloc_skb(sz[i], GFP_KERNEL);
		ASSERT_NOT_NULL(t, skb);
		EXPECT_EQ(t, skb_tailroom(skb), room);
		EXPECT_EQ(t, skb_end_offset(skb), room);
		EXPECT_EQ(t, skb->truesize, SKB_TRUESIZE(room));
		kfree_skb(skb);
	}
	skb = alloc_skb(1500, GFP_KERNEL);
	ASSERT_NOT_NULL(t, skb);
	EXPECT_EQ(t, skb_tailroom(skb), 1728);
	EXPECT_EQ(t, skb->truesize, 1728 + SKB_DATA_ALIGN(sizeof(struct sk_buff)) + 320);
	kfree_skb(skb);
}

/*
 * A mask with __GFP_ZERO zeroes the buffer, as kmalloc does for 3.10's
 * __alloc_skb: the whole tailroom, on a buffer dirtied before (kmalloc most
 * likely hands the just-freed one back), for a plain and a fast-clone skb.
 */
TEST_CASE(skb_test_alloc_with_gfp_zero_zeroes_the_data)
{
	static const int flags[] = { 0, SKB_ALLOC_FCLONE };

	for (unsigned int i = 0; i < ARRAY_SIZE(flags); i++) {
		struct sk_buff *skb = alloc_skb(1500, GFP_KERNEL);
		int dirty = 0;

		ASSERT_NOT_NULL(t, skb);
		memset(skb->head, 0xa5, skb_end_offset(skb));
		kfree_skb(skb);
		skb = __alloc_skb(1500, GFP_KERNEL | __GFP_ZERO, flags[i], NUMA_NO_NODE);
		ASSERT_NOT_NULL(t, skb);
		for (unsigned int j = 0; j < skb_end_offset(skb); j++)
			dirty |= skb->head[j];
		EXPECT_EQ(t, dirty, 0);
		EXPECT_EQ(t, skb_tailroom(skb), 1728); /* the same skb as without the flag */
		EXPECT_EQ(t, skb_shinfo(skb)->dataref, 1);
		EXPECT_EQ(t, skb->fclone, flags[i] ? SKB_FCLONE_ORIG : SKB_FCLONE_UNAVAILABLE);
		kfree_skb(skb);
	}
}

/*
 * "make sure we initialize shinfo sequentially": __alloc_skb zeroes the
 * shared info up to dataref (which it sets to 1) and, as 3.10, leaves
 * destructor_arg and frags[] alone.  Shown on a buffer dirtied before:
 * kmalloc hands the just-freed one back (if it does not, the zeroed part is
 * checked and the case is reported skipped); under slub_debug its bytes are
 * the free poison.
 */
TEST_CASE(skb_test_alloc_zeroes_shared_info_up_to_dataref)
{
	struct sk_buff *skb = alloc_skb(1500, GFP_KERNEL);
	struct skb_shared_info *sh;
	unsigned char *old_head;
	bool same;

	ASSERT_NOT_NULL(t, skb);
	old_head = skb->head;
	memset(skb_shinfo(skb), 0xa5, sizeof(struct skb_shared_info));
	kfree_skb(skb); /* never cloned: the buffer is freed without reading dataref */
	skb = alloc_skb(1500, GFP_KERNEL);
	ASSERT_NOT_NULL(t, skb);
	sh = skb_shinfo(skb);
	same = skb->head == old_head;
	EXPECT_EQ(t, sh->nr_frags, 0);
	EXPECT_EQ(t, sh->tx_flags, 0);
	EXPECT_EQ(t, sh->gso_size, 0);
	EXPECT_EQ(t, sh->gso_segs, 0);
	EXPECT_EQ(t, sh->gso_type, 0);
	EXPECT_NULL(t, sh->frag_list);
	EXPECT_EQ(t, sh->hwtstamps.hwtstamp, 0);
	EXPECT_EQ(t, sh->hwtstamps.syststamp, 0);
	EXPECT_EQ(t, sh->ip6_frag_id, 0);
	EXPECT_EQ(t, sh->dataref, 1);
	if (!same) {
		kfree_skb(skb);
		ktest_skip(t,
			   "kmalloc gave another buffer: the part left alone could not be checked");
	}
	/* still dirty: our 0xa5 bytes, or slub_debug's poison */
	EXPECT_NOT_NULL(t, sh->destructor_arg);
	EXPECT_NE(t, sh->frags[0].page_offset, 0);
	EXPECT_NE(t, sh->frags[MAX_SKB_FRAGS - 1].size, 0);
	kfree_skb(skb);
}

/* ---- past 64 KiB: header offsets are sk_buff_data_t, the buffer whole pages ------------ */

/* The largest @size whose buffer kmalloc can give: 4 MiB less the shared info. */
#define SKB_LARGEST_SIZE SKB_WITH_OVERHEAD(KMALLOC_MAX_SIZE)

/*
 * The man page's promises at a size past what u16 header offsets could
 * reach, plain and fast-clone: no headroom, at least @size of tailroom,
 * len 0, one user.  All the tailroom is written (the shared info after it
 * stays intact) and a header set at the far end reads back where it was.
 */
static void expect_big_alloc(struct ktest *t, unsigned int size, int flags)
{
	struct sk_buff *skb = __alloc_skb(size, GFP_KERNEL, flags, NUMA_NO_NODE);
	int room;

	ASSERT_NOT_NULL(t, skb);
	EXPECT_EQ(t, skb_headroom(skb), 0);
	EXPECT_GE(t, skb_tailroom(skb), size);
	EXPECT_EQ(t, skb->len, 0);
	EXPECT_EQ(t, skb->users, 1);
	EXPECT_EQ(t, skb->fclone, flags ? SKB_FCLONE_ORIG : SKB_FCLONE_UNAVAILABLE);
	EXPECT_GE(t, skb->truesize, SKB_TRUESIZE(size));
	room = skb_tailroom(skb);
	ktest_fill(skb_put(skb, room), room, size);
	skb_set_network_header(skb, room - 1);
	EXPECT_TRUE(t, skb_network_header(skb) == skb->data + room - 1);
	EXPECT_EQ(t, skb_shinfo(skb)->dataref, 1);
	EXPECT_EQ(t, skb_shinfo(skb)->nr_frags, 0);
	EXPECT_TRUE(t, ktest_holds(skb->data, room, size));
	kfree_skb(skb);
}

static void expect_big_allocs(struct ktest *t, unsigned int size)
{
	expect_big_alloc(t, size, 0);
	expect_big_alloc(t, size, SKB_ALLOC_FCLONE);
}

/* The old ceiling: the biggest size u16 header offsets allowed still works. */
TEST_CASE(skb_test_alloc_of_65408_bytes_works)
{
	expect_big_allocs(t, 65408);
}

/* One byte more: a buffer past 64 KiB, which u16 offsets refused. */
TEST_CASE(skb_test_alloc_of_65409_bytes_works)
{
	expect_big_allocs(t, 65409);
}

/* The loopback device's MTU. */
TEST_CASE(skb_test_alloc_of_65536_bytes_works)
{
	expect_big_allocs(t, 65536);
}

TEST_CASE(skb_test_alloc_of_128_kib_works)
{
	expect_big_allocs(t, 128 * 1024);
}

/* The largest: a 4 MiB buffer (an order-10 block), all of it tailroom but the shared info. */
TEST_CASE(skb_test_alloc_of_the_largest_size_kmalloc_can_back_works)
{
	struct sk_buff *skb;

	expect_big_allocs(t, SKB_LARGEST_SIZE);
	skb = alloc_skb(SKB_LARGEST_SIZE, GFP_KERNEL);
	ASSERT_NOT_NULL(t, skb);
	EXPECT_EQ(t, skb_tailroom(skb), SKB_LARGEST_SIZE); /* exactly: no slack at 4 MiB */
	EXPECT_EQ(t, ksize(skb->head), KMALLOC_MAX_SIZE);
	kfree_skb(skb);
}

/*
 * One byte more than the largest (and the largest unsigned int) is a
 * failure: NULL, counted, nothing left allocated, and quiet with
 * __GFP_NOWARN; without it kmalloc says why.
 */
TEST_CASE(skb_test_alloc_past_the_largest_size_returns_null_without_leaks)
{
	static const unsigned int too_big[] = { SKB_LARGEST_SIZE + 1, ~0U };
	unsigned long objs = slab_live_objects(), live = skb_live();
	unsigned long failed = skb_stats.alloc_failed;
	u64 mark = log_seq();

	for (unsigned int i = 0; i < ARRAY_SIZE(too_big); i++) {
		EXPECT_NULL(t, __alloc_skb(too_big[i], GFP_KERNEL | __GFP_NOWARN, 0, NUMA_NO_NODE));
		EXPECT_NULL(t, __alloc_skb(too_big[i], GFP_ATOMIC | __GFP_NOWARN, SKB_ALLOC_FCLONE,
					   NUMA_NO_NODE));
	}
	EXPECT_FALSE(t, log_contains(mark, "more than KMALLOC_MAX_SIZE"));
	EXPECT_NULL(t, alloc_skb(SKB_LARGEST_SIZE + 1, GFP_KERNEL));
	EXPECT_TRUE(t, log_contains(mark, "more than KMALLOC_MAX_SIZE"));
	EXPECT_EQ(t, slab_live_objects(), objs);
	EXPECT_EQ(t, skb_live(), live);
	EXPECT_EQ(t, skb_stats.alloc_failed, failed + 5);
}

/*
 * From 0xffffffc1 up, rounding the size to a cache line wraps to 0 in an
 * unsigned int, as 3.10's __alloc_skb does it: it then asks kmalloc for
 * the shared info alone and returns an skb with 192 bytes of tailroom.  We
 * round in size_t: the size is too big, the answer NULL, nothing kept.
 */
TEST_CASE(skb_test_alloc_of_a_size_that_wraps_when_aligned_returns_null)
{
	static const unsigned int wrapping[] = { 0xffffffc1u, 0xfffffff0u, ~0U };
	unsigned long objs = slab_live_objects(), live = skb_live();

	for (unsigned int i = 0; i < ARRAY_SIZE(wrapping); i++) {
		EXPECT_NULL(t,
			    __alloc_skb(wrapping[i], GFP_KERNEL | __GFP_NOWARN, 0, NUMA_NO_NODE));
		EXPECT_NULL(t, __alloc_skb(wrapping[i], GFP_ATOMIC | __GFP_NOWARN, SKB_ALLOC_FCLONE,
					   NUMA_NO_NODE));
	}
	EXPECT_EQ(t, slab_live_objects(), objs);
	EXPECT_EQ(t, skb_live(), live);
}

/*
 * Arm @attr to fail its @nth eligible call from now, every call eligible.
 * Page fault injection then also fails order-0 pages.
 */
static void fail_nth(struct fault_attr *attr, unsigned long nth)
{
	fault_attr_reset(attr);
	attr->ignore_gfp_wait = false;
	attr->min_order = 0;
	attr->nth = nth;
}

/*
 * "On a failure the return is NULL." - whichever allocation fails: make the
 * 1st, 2nd, ... allocation of @attr fail until __alloc_skb gets through,
 * checking each time that it returned NULL and that nothing stayed
 * allocated.  Returns how many distinct failure points there were.
 */
static int fail_each_allocation(struct ktest *t, struct fault_attr *attr, unsigned int size,
				int flags)
{
	for (unsigned long nth = 1; nth < 16; nth++) {
		unsigned long objs = slab_live_objects(), live = skb_live();
		unsigned long failed = skb_stats.alloc_failed;
		struct sk_buff *skb;

		fail_nth(attr, nth);
		skb = __alloc_skb(size, GFP_ATOMIC | __GFP_NOWARN, flags, NUMA_NO_NODE);
		fault_attr_reset(attr);
		if (skb) {
			kfree_skb(skb);
			return nth - 1;
		}
		EXPECT_EQ(t, slab_live_objects(), objs); /* nothing leaked on this path */
		EXPECT_EQ(t, skb_live(), live);
		EXPECT_EQ(t, skb_stats.alloc_failed, failed + 1);
	}
	ktest_fail(t, __FILE__, __LINE__, "__alloc_skb never got through");
	return -1;
}

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

/* "On a failure the return is NULL" - failing the struct, then the data (slab). */
TEST_CASE(skb_test_alloc_failure_returns_null_without_leaks)
{
	skip_without_failslab(t);
	EXPECT_EQ(t, fail_each_allocation(t, &failslab, 1500, 0), 2); /* struct, data */
	EXPECT_EQ(t, fail_each_allocation(t, &failslab, 1500, SKB_ALLOC_FCLONE), 2);
	EXPECT_EQ(t, fail_each_allocation(t, &failslab, 64, SKB_ALLOC_RX), 2);
}

/* The same with the data from the page allocator (bigger than the largest kmalloc cache). */
TEST_CASE(skb_test_alloc_failure_of_page_data_returns_null_without_leaks)
{
	skip_without_failslab(t);
	EXPECT_GE(t, fail_each_allocation(t, &fail_page_alloc, 3 * PAGE_SIZE, 0), 1);
	EXPECT_EQ(t, fail_each_allocation(t, &failslab, 3 * PAGE_SIZE, 0), 1); /* the struct */
}

/*
 * "Buffers may only be allocated from interrupts using a gfp_mask of
 * GFP_ATOMIC." - from a real hardware interrupt handler: GFP_ATOMIC is
 * quiet, GFP_KERNEL gets the might_sleep warning (and is served atomically).
 */
static struct {
	gfp_t gfp;
	bool dma; /* 64 bytes of ZONE_DMA instead of 1500 anywhere */
	bool in_irq;
	bool got_skb;
	unsigned long warnings;
} irq_alloc;

static irqreturn_t allocating_irq(int irq, void *dev)
{
	unsigned long before = might_sleep_warnings;
	struct sk_buff *skb =
		irq_alloc.dma
			? __alloc_skb(64, irq_alloc.gfp | __GFP_DMA | __GFP_NOWARN, 0, NUMA_NO_NODE)
			: alloc_skb(1500, irq_alloc.gfp);

	irq_alloc.in_irq = in_irq();
	irq_alloc.warnings = might_sleep_warnings - before;
	irq_alloc.got_skb = skb != NULL;
	kfree_skb(skb);
	return IRQ_HANDLED;
}

static void alloc_in_irq_from(struct ktest *t, gfp_t gfp, bool dma)
{
	memset(&irq_alloc, 0, sizeof(irq_alloc));
	irq_alloc.gfp = gfp;
	irq_alloc.dma = dma;
	ASSERT_EQ(t, request_irq(TEST_IRQ, allocating_irq, 0, "skb-test", NULL), 0);
	irq_raise_for_test(TEST_IRQ);
	free_irq(TEST_IRQ, NULL);
	EXPECT_TRUE(t, irq_alloc.in_irq);
	EXPECT_TRUE(t, irq_alloc.got_skb);
}

static void alloc_in_irq(struct ktest *t, gfp_t gfp)
{
	alloc_in_irq_from(t, gfp, false);
}

/*
 * The mask is held to the context only in CONFIG_DEBUG_PREEMPT builds
 * (skb_gfp_context, as the slab fast path's check): without them the case
 * is skipped.
 */
static void skip_without_context_checks(struct ktest *t)
{
#ifndef CONFIG_DEBUG_PREEMPT
	ktest_skip(t, "built without CONFIG_DEBUG_PREEMPT: the mask is not held to the context");
#endif
	(void)t;
}

TEST_CASE(skb_test_gfp_atomic_from_irq_is_quiet)
{
	u64 mark = log_seq();

	alloc_in_irq(t, GFP_ATOMIC);
	EXPECT_EQ(t, irq_alloc.warnings, 0);
	EXPECT_FALSE(t, log_contains(mark, "sleeping function called from invalid context"));
}

TEST_CASE(skb_test_gfp_kernel_from_irq_warns)
{
	u64 mark = log_seq();

	skip_without_context_checks(t);
	alloc_in_irq(t, GFP_KERNEL);
	EXPECT_EQ(t, irq_alloc.warnings, 1); /* once, not once per allocation inside */
	EXPECT_TRUE(t, log_contains(mark, "BUG: sleeping function called from invalid context"));
	EXPECT_TRUE(t, log_contains(mark, "in_irq(): 1"));
}

/* Not GFP_ATOMIC but not sleeping either: still not what the man page allows in an interrupt. */
TEST_CASE(skb_test_gfp_nowait_from_irq_warns)
{
	u64 mark = log_seq();

	skip_without_context_checks(t);
	alloc_in_irq(t, GFP_NOWAIT);
	EXPECT_EQ(t, irq_alloc.warnings, 1);
	EXPECT_TRUE(t, log_contains(mark, "BUG: sleeping function called from invalid context"));
}

/*
 * "node: numa node to allocate memory on": the struct and the data, checked
 * against the SRAT ranges.
 */
static bool on_node(const void *p, int nid)
{
	u64 phys = __pa(p), s, e;
	int i = 0, bnid;

	while (numa_memblk(i++, &bnid, &s, &e))
		if (bnid == nid && phys >= s && phys < e)
			return page_to_nid(virt_to_page(p)) == nid;
	return false;
}

TEST_CASE(skb_test_alloc_on_node)
{
	if (nr_online_nodes < 2)
		ktest_skip(t, "one NUMA node (the numa variant boots two)");
	for (int nid = 0; nid < nr_online_nodes; nid++) {
		for (int fc = 0; fc < 2; fc++) {
			struct sk_buff *skb =
				__alloc_skb(1500, GFP_KERNEL, fc ? SKB_ALLOC_FCLONE : 0, nid);

			ASSERT_NOT_NULL(t, skb);
			EXPECT_TRUE(t, on_node(skb, nid));
			EXPECT_TRUE(t, on_node(skb->head, nid));
			EXPECT_TRUE(t, on_node(skb_end_pointer(skb), nid));
			kfree_skb(skb);
		}
		struct sk_buff *big = __alloc_skb(3 * PAGE_SIZE, GFP_KERNEL, 0, nid);

		ASSERT_NOT_NULL(t, big);
		EXPECT_TRUE(t, on_node(big->head, nid));
		kfree_skb(big);
	}
}

/* ---- SKB_ALLOC_FCLONE ---------------------------------------------------------------- */

/*
 * 3.10's fast-clone object: the original, its companion right after it
 * (skb + 1), and an int counting the halves in use after both (skb + 2).
 */
static int fclone_ref(struct sk_buff *orig)
{
	return *(int *)(orig + 2);
}

static unsigned long fclone_objects(void)
{
	struct slabinfo si;

	get_slabinfo(skbuff_fclone_cache, &si);
	return si.active_objs;
}

/*
 * "If SKB_ALLOC_FCLONE is set, allocate from fclone cache instead of head
 * cache and allocate a cloned (child) skb": the companion waits as
 * SKB_FCLONE_UNAVAILABLE; the first skb_clone hands it out without
 * allocating (SKB_FCLONE_CLONE, fclone_ref 2); freeing it makes it
 * UNAVAILABLE again (fclone_ref 1) while the original lives on.
 */
TEST_CASE(skb_test_fclone_companion_is_unavailable_until_cloned_and_after_its_free)
{
	unsigned long objs, hits = skb_stats.fclone_hits;
	struct sk_buff *skb, *c;

	skb = alloc_skb_fclone(1500, GFP_KERNEL);
	ASSERT_NOT_NULL(t, skb);
	EXPECT_EQ(t, skb->fclone, SKB_FCLONE_ORIG);
	EXPECT_EQ(t, (skb + 1)->fclone, SKB_FCLONE_UNAVAILABLE);
	EXPECT_EQ(t, fclone_ref(skb), 1);

	objs = slab_live_objects();
	c = skb_clone(skb, GFP_KERNEL);
	ASSERT_NOT_NULL(t, c);
	EXPECT_TRUE(t, c == skb + 1);
	EXPECT_EQ(t, slab_live_objects(), objs); /* no allocation at all */
	EXPECT_EQ(t, c->fclone, SKB_FCLONE_CLONE);
	EXPECT_EQ(t, skb->fclone, SKB_FCLONE_ORIG);
	EXPECT_EQ(t, fclone_ref(skb), 2);
	EXPECT_EQ(t, skb_stats.fclone_hits, hits + 1);

	kfree_skb(c);
	EXPECT_EQ(t, (skb + 1)->fclone, SKB_FCLONE_UNAVAILABLE);
	EXPECT_EQ(t, fclone_ref(skb), 1);
	EXPECT_EQ(t, slab_live_objects(), objs); /* the object stays for the original */
	kfree_skb(skb);
}

/*
 * While the companion is out a second clone comes from skbuff_head_cache
 * (UNAVAILABLE); once the first clone is freed, the next clone is the
 * companion again.
 */
TEST_CASE(skb_test_fclone_companion_is_reused_after_the_first_clone_is_freed)
{
	struct sk_buff *skb, *c1, *c2, *c3;
	unsigned long objs;

	skb = alloc_skb_fclone(1500, GFP_KERNEL);
	ASSERT_NOT_NULL(t, skb);
	objs = slab_live_objects();
	c1 = skb_clone(skb, GFP_KERNEL);
	ASSERT_NOT_NULL(t, c1);
	c2 = skb_clone(skb, GFP_KERNEL);
	ASSERT_NOT_NULL(t, c2);
	EXPECT_TRUE(t, c2 != skb + 1);
	EXPECT_EQ(t, slab_live_objects(), objs + 1); /* companion out: skbuff_head_cache */
	EXPECT_EQ(t, c2->fclone, SKB_FCLONE_UNAVAILABLE);
	EXPECT_EQ(t, fclone_ref(skb), 2); /* a head-cache clone is not counted */
	EXPECT_EQ(t, skb_shinfo(skb)->dataref, 3);

	kfree_skb(c1);
	c3 = skb_clone(skb, GFP_KERNEL);
	ASSERT_NOT_NULL(t, c3);
	EXPECT_TRUE(t, c3 == skb + 1);
	EXPECT_EQ(t, c3->fclone, SKB_FCLONE_CLONE);
	EXPECT_EQ(t, slab_live_objects(), objs + 1);
	kfree_skb(c3);
	kfree_skb(c2);
	kfree_skb(skb);
}

/* Only an SKB_FCLONE_ORIG skb has a companion: a clone of a clone comes from the head cache. */
TEST_CASE(skb_test_fclone_clone_of_a_clone_comes_from_head_cache)
{
	struct sk_buff *skb, *c, *cc;
	unsigned long objs;

	skb = alloc_skb_fclone(200, GFP_KERNEL);
	ASSERT_NOT_NULL(t, skb);
	c = skb_clone(skb, GFP_KERNEL);
	ASSERT_NOT_NULL(t, c);
	EXPECT_TRUE(t, c == skb + 1);
	objs = slab_live_objects();
	cc = skb_clone(c, GFP_KERNEL);
	ASSERT_NOT_NULL(t, cc);
	EXPECT_EQ(t, slab_live_objects(), objs + 1);
	EXPECT_EQ(t, cc->fclone, SKB_FCLONE_UNAVAILABLE);
	EXPECT_TRUE(t, cc != c + 1 && cc != skb + 1);
	EXPECT_EQ(t, c->fclone, SKB_FCLONE_CLONE);
	EXPECT_EQ(t, fclone_ref(skb), 2);
	EXPECT_EQ(t, skb_shinfo(skb)->dataref, 3);
	kfree_skb(cc);
	kfree_skb(c);
	kfree_skb(skb);
}

/*
 * Free a cloned fast-clone pair in the order given: the object goes back
 * to skbuff_fclone_cache exactly once, at the second free, and the data
 * (still intact for the survivor) with it.
 */
static void fclone_free_in_order(struct ktest *t, bool orig_first)
{
	unsigned long objs = slab_live_objects(), pairs = fclone_objects();
	struct sk_buff *skb = alloc_skb_fclone(200, GFP_KERNEL), *c, *first, *last;

	ASSERT_NOT_NULL(t, skb);
	ktest_fill(skb_put(skb, 200), 200, 3);
	c = skb_clone(skb, GFP_KERNEL);
	ASSERT_NOT_NULL(t, c);
	EXPECT_TRUE(t, c == skb + 1);
	EXPECT_EQ(t, fclone_objects(), pairs + 1);
	first = orig_first ? skb : c;
	last = orig_first ? c : skb;
	kfree_skb(first);
	EXPECT_EQ(t, fclone_objects(), pairs + 1);   /* not yet */
	EXPECT_EQ(t, slab_live_objects(), objs + 2); /* the object and the data */
	EXPECT_EQ(t, fclone_ref(skb), 1);
	EXPECT_TRUE(t, ktest_holds(last->data, 200, 3));
	EXPECT_FALSE(t, skb_cloned(last));
	kfree_skb(last);
	EXPECT_EQ(t, fclone_objects(), pairs); /* once */
	EXPECT_EQ(t, slab_live_objects(), objs);
}

TEST_CASE(skb_test_fclone_pair_freed_once_when_the_original_goes_first)
{
	fclone_free_in_order(t, true);
}

TEST_CASE(skb_test_fclone_pair_freed_once_when_the_clone_goes_first)
{
	fclone_free_in_order(t, false);
}

/* ---- SKB_ALLOC_RX and pfmemalloc ------------------------------------------------------ */

/* Empty ZONE_DMA down to its reserve: every page GFP_NOWAIT and then GFP_ATOMIC can take. */
static void dma_zone_exhaust(struct ktest_hog *h)
{
	ktest_hog_init(h);
	ktest_hog_take(h, GFP_NOWAIT | __GFP_DMA);
	ktest_hog_take(h, GFP_ATOMIC | __GFP_DMA);
}

/* A receive buffer in ZONE_DMA; 64 bytes of data keep it in an order-0 dma-kmalloc slab. */
static struct sk_buff *rx_skb_in_exhausted_zone(int flags)
{
	return __alloc_skb(64, GFP_ATOMIC | __GFP_DMA | __GFP_NOWARN, flags, NUMA_NO_NODE);
}

/* ZONE_DMA on any node will do: a __GFP_DMA allocation falls back to it from every node. */
static void skip_without_dma_zone(struct ktest *t)
{
	for (int nid = 0; nid < nr_online_nodes; nid++)
		if (populated_zone(&NODE_DATA(nid)->node_zones[ZONE_DMA]))
			return;
	ktest_skip(t, "no ZONE_DMA memory");
}

/*
 * "If SKB_ALLOC_RX is set, __GFP_MEMALLOC will be used for allocations in
 * case the data is required for writeback": with a memalloc socket, an RX
 * skb comes from the reserve and is marked pfmemalloc.
 */
TEST_CASE(skb_test_rx_alloc_uses_reserve_with_memalloc_socket)
{
	struct sock sk = { 0 };
	struct ktest_hog hog;
	struct sk_buff *skb;
	unsigned long reserve_uses = skb_stats.pfmemalloc;

	skip_without_dma_zone(t);
	sk_set_memalloc(&sk);
	EXPECT_TRUE(t, sk_memalloc_socks());
	dma_zone_exhaust(&hog);
	skb = rx_skb_in_exhausted_zone(SKB_ALLOC_RX);
	ktest_hog_release(&hog);
	sk_clear_memalloc(&sk);
	ASSERT_NOT_NULL(t, skb);
	EXPECT_TRUE(t, skb_pfmemalloc(skb));
	EXPECT_EQ(t, page_zonenum(virt_to_page(skb->head)), ZONE_DMA);
	EXPECT_EQ(t, skb_stats.pfmemalloc, reserve_uses + 1);
	kfree_skb(skb);
}

/* A fast-clone pair from the reserve: both halves are marked, so the clone is one too. */
TEST_CASE(skb_test_rx_fclone_from_the_reserve_marks_both_halves)
{
	struct sock sk = { 0 };
	struct ktest_hog hog;
	struct sk_buff *skb, *clone;

	skip_without_dma_zone(t);
	sk_set_memalloc(&sk);
	dma_zone_exhaust(&hog);
	skb = rx_skb_in_exhausted_zone(SKB_ALLOC_RX | SKB_ALLOC_FCLONE);
	ktest_hog_release(&hog);
	sk_clear_memalloc(&sk);
	ASSERT_NOT_NULL(t, skb);
	EXPECT_TRUE(t, skb_pfmemalloc(skb));
	EXPECT_EQ(t, skb->fclone, SKB_FCLONE_ORIG);
	EXPECT_TRUE(t, (skb + 1)->pfmemalloc);
	clone = skb_clone(skb, GFP_ATOMIC);
	ASSERT_NOT_NULL(t, clone);
	EXPECT_TRUE(t, clone == skb + 1);
	EXPECT_TRUE(t, skb_pfmemalloc(clone));
	kfree_skb(clone);
	kfree_skb(skb);
}

/* Without a memalloc socket the same allocation fails (and leaks nothing). */
TEST_CASE(skb_test_rx_alloc_fails_without_memalloc_socket)
{
	unsigned long objs;
	struct ktest_hog hog;
	struct sk_buff *skb;

	skip_without_dma_zone(t);
	EXPECT_FALSE(t, sk_memalloc_socks());
	dma_zone_exhaust(&hog);
	objs = slab_live_objects();
	skb = rx_skb_in_exhausted_zone(SKB_ALLOC_RX);
	EXPECT_EQ(t, slab_live_objects(), objs);
	ktest_hog_release(&hog);
	EXPECT_NULL(t, skb);
	kfree_skb(skb);
}

/* A memalloc socket does not open the reserve to allocations that are not SKB_ALLOC_RX. */
TEST_CASE(skb_test_non_rx_alloc_never_uses_reserve)
{
	struct sock sk = { 0 };
	struct ktest_hog hog;
	struct sk_buff *skb;

	skip_without_dma_zone(t);
	sk_set_memalloc(&sk);
	dma_zone_exhaust(&hog);
	skb = rx_skb_in_exhausted_zone(0);
	ktest_hog_release(&hog);
	sk_clear_memalloc(&sk);
	EXPECT_NULL(t, skb);
	kfree_skb(skb);
}

/* With memory to spare an RX skb is not pfmemalloc, memalloc socket or not. */
TEST_CASE(skb_test_rx_alloc_with_free_memory_is_not_pfmemalloc)
{
	struct sock sk = { 0 };
	struct sk_buff *skb;

	sk_set_memalloc(&sk);
	skb = __alloc_skb(1500, GFP_ATOMIC, SKB_ALLOC_RX, NUMA_NO_NODE);
	sk_clear_memalloc(&sk);
	ASSERT_NOT_NULL(t, skb);
	EXPECT_FALSE(t, skb_pfmemalloc(skb));
	kfree_skb(skb);
}

/*
 * pskb_expand_head whose new buffer needed the reserve (the caller allowed
 * it with __GFP_MEMALLOC, the zone is exhausted) marks the skb pfmemalloc;
 * 3.10 passes NULL to kmalloc_reserve there and leaves the mark as it was.
 * The new buffer is of another size class than the old one, whose slab
 * could still have room.
 */
TEST_CASE(skb_test_expand_head_from_the_reserve_marks_the_skb_pfmemalloc)
{
	unsigned long reserve_uses = skb_stats.pfmemalloc;
	struct ktest_hog hog;
	struct sk_buff *skb;
	int err;

	skip_without_dma_zone(t);
	skb = __alloc_skb(64, GFP_ATOMIC | __GFP_DMA, 0, NUMA_NO_NODE);
	ASSERT_NOT_NULL(t, skb);
	skb_put_zero(skb, 40);
	EXPECT_FALSE(t, skb_pfmemalloc(skb));
	dma_zone_exhaust(&hog);
	err = pskb_expand_head(skb, 0, 1000,
			       GFP_ATOMIC | __GFP_DMA | __GFP_MEMALLOC | __GFP_NOWARN);
	ktest_hog_release(&hog);
	EXPECT_EQ(t, err, 0);
	EXPECT_TRUE(t, skb_pfmemalloc(skb));
	EXPECT_EQ(t, page_zonenum(virt_to_page(skb->head)), ZONE_DMA);
	EXPECT_EQ(t, skb_stats.pfmemalloc, reserve_uses + 1);
	kfree_skb(skb);
}

/* sk_set_memalloc counts a socket once; clearing undoes it. */
TEST_CASE(skb_test_memalloc_socket_count)
{
	struct sock a = { 0 }, b = { 0 };

	EXPECT_FALSE(t, sk_memalloc_socks());
	sk_set_memalloc(&a);
	sk_set_memalloc(&a);
	sk_set_memalloc(&b);
	EXPECT_EQ(t, memalloc_socks, 2);
	EXPECT_TRUE(t, sock_flag(&a, SOCK_MEMALLOC));
	EXPECT_TRUE(t, a.sk_allocation & __GFP_MEMALLOC);
	sk_clear_memalloc(&a);
	EXPECT_TRUE(t, sk_memalloc_socks());
	sk_clear_memalloc(&b);
	sk_clear_memalloc(&b);
	EXPECT_EQ(t, memalloc_socks, 0);
	EXPECT_FALSE(t, sock_flag(&a, SOCK_MEMALLOC));
}

/* The delivery policy: a pfmemalloc skb reaches only SOCK_MEMALLOC sockets; the drop is counted. */
TEST_CASE(skb_test_pfmemalloc_skb_delivered_only_to_memalloc_sockets)
{
	struct sock plain = { 0 }, memalloc = { 0 };
	struct sk_buff *skb = alloc_skb(100, GFP_KERNEL);
	unsigned long drops = sk_pfmemalloc_drops;

	ASSERT_NOT_NULL(t, skb);
	sk_set_memalloc(&memalloc);
	EXPECT_EQ(t, sk_filter(&plain, skb), 0); /* ordinary skb: anyone */
	skb->pfmemalloc = 1; /* as if from the reserve (the RX tests make real ones) */
	EXPECT_EQ(t, sk_filter(&memalloc, skb), 0);
	EXPECT_EQ(t, sk_filter(&plain, skb), -ENOMEM);
	EXPECT_EQ(t, sk_pfmemalloc_drops, drops + 1);
	sk_clear_memalloc(&memalloc);
	kfree_skb(skb);
}

/*
 * The other half of "warns ... and is served as GFP_ATOMIC": with ZONE_DMA
 * drained to its atomic reserve, a plain GFP_NOWAIT buffer there fails in
 * a thread, while @gfp in an interrupt handler warns once and still gets
 * its buffer, from the reserve only GFP_ATOMIC may use.
 */
static void expect_served_as_gfp_atomic_in_irq(struct ktest *t, gfp_t gfp)
{
	struct ktest_hog hog;
	struct sk_buff *skb;

	skip_without_context_checks(t);
	skip_without_dma_zone(t);
	ktest_hog_init(&hog);
	ktest_hog_take(&hog, GFP_NOWAIT | __GFP_DMA);
	skb = __alloc_skb(64, GFP_NOWAIT | __GFP_DMA | __GFP_NOWARN, 0, NUMA_NO_NODE);
	EXPECT_NULL(t, skb); /* the mask as given finds nothing */
	kfree_skb(skb);
	alloc_in_irq_from(t, gfp, true); /* checks that it got its skb */
	ktest_hog_release(&hog);
	EXPECT_EQ(t, irq_alloc.warnings, 1);
}

TEST_CASE(skb_test_gfp_kernel_from_irq_is_served_as_gfp_atomic)
{
	expect_served_as_gfp_atomic_in_irq(t, GFP_KERNEL);
}

TEST_CASE(skb_test_gfp_nowait_from_irq_is_served_as_gfp_atomic)
{
	expect_served_as_gfp_atomic_in_irq(t, GFP_NOWAIT);
}

/*
 * skb_clone holds its mask to the context only when it allocates, as 3.10:
 * in an interrupt handler GFP_KERNEL is quiet for the fast clone (the
 * companion, nothing allocated) and warns for the next clone (a new struct).
 */
static struct {
	struct sk_buff *orig, *fast, *slow;
	unsigned long fast_warnings, slow_warnings;
} irq_clone;

static irqreturn_t cloning_irq(int irq, void *dev)
{
	unsigned long before = might_sleep_warnings;

	irq_clone.fast = skb_clone(irq_clone.orig, GFP_KERNEL);
	irq_clone.fast_warnings = might_sleep_warnings - before;
	before = might_sleep_warnings;
	irq_clone.slow = skb_clone(irq_clone.orig, GFP_KERNEL);
	irq_clone.slow_warnings = might_sleep_warnings - before;
	return IRQ_HANDLED;
}

TEST_CASE(skb_test_clone_in_an_irq_checks_the_gfp_only_when_it_allocates)
{
	skip_without_context_checks(t);
	memset(&irq_clone, 0, sizeof(irq_clone));
	irq_clone.orig = __alloc_skb(200, GFP_KERNEL, SKB_ALLOC_FCLONE, NUMA_NO_NODE);
	ASSERT_NOT_NULL(t, irq_clone.orig);
	ASSERT_EQ(t, request_irq(TEST_IRQ, cloning_irq, 0, "skb-test", NULL), 0);
	irq_raise_for_test(TEST_IRQ);
	free_irq(TEST_IRQ, NULL);
	EXPECT_TRUE(t, irq_clone.fast == irq_clone.orig + 1);
	EXPECT_EQ(t, irq_clone.fast_warnings, 0);
	EXPECT_NOT_NULL(t, irq_clone.slow);
	EXPECT_FALSE(t, irq_clone.slow == irq_clone.orig + 1);
	EXPECT_EQ(t, irq_clone.slow_warnings, 1);
	kfree_skb(irq_clone.slow);
	kfree_skb(irq_clone.fast);
	kfree_skb(irq_clone.orig);
}

/* ---- netdev_alloc_skb -------------------------------------------------------------------- */

TEST_CASE(skb_test_netdev_alloc_skb_has_pad_headroom)
{
	struct net_device *dev = (struct net_device *)0x1234; /* only stored, never used */
	struct sk_buff *skb = netdev_alloc_skb(dev, 1514);

	ASSERT_NOT_NULL(t, skb);
	EXPECT_EQ(t, skb_headroom(skb), NET_SKB_PAD);
	EXPECT_GE(t, skb_tailroom(skb), 1514);
	EXPECT_EQ(t, skb->len, 0);
	EXPECT_TRUE(t, skb->dev == dev);
	kfree_skb(skb);
}

static struct sk_buff *irq_skb;
static unsigned long irq_warnings;

static irqreturn_t netdev_alloc_irq(int irq, void *dev)
{
	unsigned long before = might_sleep_warnings;

	irq_skb = netdev_alloc_skb(NULL, 1514);
	irq_warnings = might_sleep_warnings - before;
	return IRQ_HANDLED;
}

/* netdev_alloc_skb is atomic: fine in an interrupt handler. */
TEST_CASE(skb_test_netdev_alloc_skb_works_in_irq)
{
	irq_skb = NULL;
	ASSERT_EQ(t, request_irq(TEST_IRQ, netdev_alloc_irq, 0, "skb-test", NULL), 0);
	irq_raise_for_test(TEST_IRQ);
	free_irq(TEST_IRQ, NULL);
	EXPECT_NOT_NULL(t, irq_skb);
	EXPECT_EQ(t, irq_warnings, 0);
	kfree_skb(irq_skb);
}

static int skb_suite_init(void)
{
	skb_init(); /* normally done at boot; harmless twice */
	return 0;
}

static const struct ktest_case skb_cases[] = {
	KTEST(skb_test_alloc_returns_an_empty_skb),
	KTEST(skb_test_alloc_leaves_every_header_offset_unset),
	KTEST(skb_test_alloc_has_no_headroom),
	KTEST(skb_test_alloc_tailroom_at_least_size),
	KTEST(skb_test_alloc_reference_count_is_one),
	KTEST(skb_test_tailroom_and_truesize_follow_3_10s_formulas),
	KTEST(skb_test_alloc_with_gfp_zero_zeroes_the_data),
	KTEST(skb_test_alloc_zeroes_shared_info_up_to_dataref),
	KTEST(skb_test_alloc_of_65408_bytes_works),
	KTEST(skb_test_alloc_of_65409_bytes_works),
	KTEST(skb_test_alloc_of_65536_bytes_works),
	KTEST(skb_test_alloc_of_128_kib_works),
	KTEST(skb_test_alloc_of_the_largest_size_kmalloc_can_back_works),
	KTEST(skb_test_alloc_past_the_largest_size_returns_null_without_leaks),
	KTEST(skb_test_alloc_of_a_size_that_wraps_when_aligned_returns_null),
	KTEST(skb_test_alloc_failure_returns_null_without_leaks),
	KTEST(skb_test_alloc_failure_of_page_data_returns_null_without_leaks),
	KTEST(skb_test_gfp_atomic_from_irq_is_quiet),
	KTEST(skb_test_gfp_kernel_from_irq_warns),
	KTEST(skb_test_gfp_nowait_from_irq_warns),
	KTEST(skb_test_alloc_on_node),
	KTEST(skb_test_fclone_companion_is_unavailable_until_cloned_and_after_its_free),
	KTEST(skb_test_fclone_companion_is_reused_after_the_first_clone_is_freed),
	KTEST(skb_test_fclone_clone_of_a_clone_comes_from_head_cache),
	KTEST(skb_test_fclone_pair_freed_once_when_the_original_goes_first),
	KTEST(skb_test_fclone_pair_freed_once_when_the_clone_goes_first),
	KTEST(skb_test_rx_alloc_uses_reserve_with_memalloc_socket),
	KTEST(skb_test_rx_fclone_from_the_reserve_marks_both_halves),
	KTEST(skb_test_rx_alloc_fails_without_memalloc_socket),
	KTEST(skb_test_non_rx_alloc_never_uses_reserve),
	KTEST(skb_test_rx_alloc_with_free_memory_is_not_pfmemalloc),
	KTEST(skb_test_expand_head_from_the_reserve_marks_the_skb_pfmemalloc),
	KTEST(skb_test_memalloc_socket_count),
	KTEST(skb_test_pfmemalloc_skb_delivered_only_to_memalloc_sockets),
	KTEST(skb_test_gfp_kernel_from_irq_is_served_as_gfp_atomic),
	KTEST(skb_test_gfp_nowait_from_irq_is_served_as_gfp_atomic),
	KTEST(skb_test_clone_in_an_irq_checks_the_gfp_only_when_it_allocates),
	KTEST(skb_test_netdev_alloc_skb_has_pad_headroom),
	KTEST(skb_test_netdev_alloc_skb_works_in_irq),
	{}
};
TEST_SUITE_INIT(skb, skb_cases, skb_suite_init, NULL);
