/*
 * SPDX-License-Identifier: MIT
 * tests/net/test_skb_ops.c - what is done with an skb once it exists: reserve,
 * put, push, pull, trim, the panics past either end, header offsets,
 * references, clones and copies, the queues, skb_dump.  The allocation
 * contract itself (__alloc_skb(9)) is tests/net/test_skb.c, suite "skb".
 *
 *   -append "test=skb_ops"
 *   -append "test=skb_ops.skb_ops_test_put_past_end_panics"   a panic case, alone
 *
 * Each case frees every skb it made; the harness checks that slab objects
 * and free pages are back at their baseline after each one.
 */
#include <errno.h>
#include <kernel/irq.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <mm/slab.h>
#include <net/skbuff.h>
#include <net/sock.h>

#define TEST_IRQ 10

/* ---- reserve, put, push, pull, trim ----------------------------------------------------- */

TEST_CASE(skb_ops_test_reserve_moves_data_and_tail)
{
	struct sk_buff *skb = alloc_skb(256, GFP_KERNEL);
	unsigned int room;

	ASSERT_NOT_NULL(t, skb);
	room = skb_tailroom(skb);
	skb_reserve(skb, 32);
	EXPECT_EQ(t, skb_headroom(skb), 32);
	EXPECT_EQ(t, skb_tailroom(skb), room - 32);
	EXPECT_EQ(t, skb->tail, 32); /* an offset from head */
	EXPECT_TRUE(t, skb_tail_pointer(skb) == skb->data);
	EXPECT_EQ(t, skb->len, 0);
	kfree_skb(skb);
}

TEST_CASE(skb_ops_test_put_appends_at_tail)
{
	struct sk_buff *skb = alloc_skb(256, GFP_KERNEL);
	unsigned char *a, *b;

	ASSERT_NOT_NULL(t, skb);
	skb_reserve(skb, 16);
	a = skb_put(skb, 10);
	EXPECT_TRUE(t, a == skb->data);
	ktest_fill(a, 10, 1);
	b = skb_put_data(skb, "abcd", 4);
	EXPECT_TRUE(t, b == a + 10);
	EXPECT_EQ(t, skb->len, 14);
	EXPECT_TRUE(t, skb_tail_pointer(skb) == skb->data + 14);
	EXPECT_TRUE(t, ktest_holds(skb->data, 10, 1));
	EXPECT_TRUE(t, !memcmp(skb->data + 10, "abcd", 4));
	b = skb_put_zero(skb, 6);
	EXPECT_TRUE(t, b[0] == 0 && b[5] == 0);
	EXPECT_EQ(t, skb->len, 20);
	kfree_skb(skb);
}

TEST_CASE(skb_ops_test_push_prepends_a_header)
{
	struct sk_buff *skb = alloc_skb(256, GFP_KERNEL);
	unsigned char *h;

	ASSERT_NOT_NULL(t, skb);
	skb_reserve(skb, 64);
	skb_put_data(skb, "payload", 7);
	h = skb_push(skb, 20);
	EXPECT_TRUE(t, h == skb->data);
	EXPECT_EQ(t, skb_headroom(skb), 44);
	EXPECT_EQ(t, skb->len, 27);
	EXPECT_TRUE(t, !memcmp(skb->data + 20, "payload", 7));
	h = skb_push(skb, 44); /* exactly all the headroom */
	EXPECT_EQ(t, skb_headroom(skb), 0);
	EXPECT_TRUE(t, h == skb->head);
	kfree_skb(skb);
}

TEST_CASE(skb_ops_test_pull_strips_a_header_or_refuses)
{
	struct sk_buff *skb = alloc_skb(256, GFP_KERNEL);
	unsigned char *start, *p;

	ASSERT_NOT_NULL(t, skb);
	ktest_fill(skb_put(skb, 40), 40, 9);
	start = skb->data;
	p = skb_pull(skb, 14);
	EXPECT_TRUE(t, p == start + 14 && p == skb->data);
	EXPECT_EQ(t, skb->len, 26);
	EXPECT_EQ(t, skb_headroom(skb), 14);
	EXPECT_NULL(t, skb_pull(skb, 27)); /* a short packet: NULL, nothing moved */
	EXPECT_TRUE(t, skb->data == p);
	EXPECT_EQ(t, skb->len, 26);
	EXPECT_NOT_NULL(t, skb_pull(skb, 26)); /* all of it */
	EXPECT_EQ(t, skb->len, 0);
	EXPECT_TRUE(t, pskb_may_pull(skb, 0));
	EXPECT_FALSE(t, pskb_may_pull(skb, 1));
	kfree_skb(skb);
}

TEST_CASE(skb_ops_test_trim_cuts_the_end)
{
	struct sk_buff *skb = alloc_skb(256, GFP_KERNEL);

	ASSERT_NOT_NULL(t, skb);
	ktest_fill(skb_put(skb, 100), 100, 2);
	skb_trim(skb, 60);
	EXPECT_EQ(t, skb->len, 60);
	EXPECT_TRUE(t, skb_tail_pointer(skb) == skb->data + 60);
	skb_trim(skb, 80); /* longer than the data: nothing */
	EXPECT_EQ(t, skb->len, 60);
	EXPECT_EQ(t, pskb_trim(skb, 0), 0);
	EXPECT_EQ(t, skb->len, 0);
	kfree_skb(skb);
}

/*
 * Past the tail, as 3.10; also a negative len and an offset before head,
 * which 3.10 does not check (it would copy from before the buffer).
 */
TEST_CASE(skb_ops_test_copy_bits_refuses_a_negative_len_and_bytes_before_head_or_past_tail)
{
	struct sk_buff *skb = alloc_skb(64, GFP_KERNEL);
	unsigned char buf[32];

	ASSERT_NOT_NULL(t, skb);
	skb_reserve(skb, 8);
	ktest_fill(skb_put(skb, 20), 20, 4);
	EXPECT_EQ(t, skb_copy_bits(skb, 4, buf, 16), 0);
	EXPECT_TRUE(t, ktest_holds(buf, 16, 4 + 4 * 7));
	EXPECT_EQ(t, skb_copy_bits(skb, 5, buf, 16), -EFAULT);
	EXPECT_EQ(t, skb_copy_bits(skb, -8, buf, 8), 0); /* the headroom */
	EXPECT_EQ(t, skb_copy_bits(skb, -9, buf, 8), -EFAULT);
	EXPECT_EQ(t, skb_copy_bits(skb, 0, buf, -1), -EFAULT);
	kfree_skb(skb);
}

/* The man page's panics: these end the kernel (the runner boots each alone). */
TEST_CASE(skb_ops_test_put_past_end_panics)
{
	struct sk_buff *skb = alloc_skb(100, GFP_KERNEL);

	ASSERT_NOT_NULL(t, skb);
	skb_put(skb, skb_tailroom(skb) + 1);
	kfree_skb(skb); /* not reached */
}

/*
 * A len that would wrap tail round to the start (0u - tail): 3.10 adds
 * first, and its tail > end check then passes.  Ours checks first and
 * panics, the report showing the tail as the caller left it (0x38).
 */
TEST_CASE(skb_ops_test_put_that_would_wrap_panics_with_the_tail_as_it_was)
{
	struct sk_buff *skb = alloc_skb(100, GFP_KERNEL);

	ASSERT_NOT_NULL(t, skb);
	skb_reserve(skb, 0x30);
	skb_put_zero(skb, 8);
	skb_put(skb, 0u - skb->tail);
	kfree_skb(skb); /* not reached */
}

TEST_CASE(skb_ops_test_push_past_head_panics)
{
	struct sk_buff *skb = alloc_skb(100, GFP_KERNEL);

	ASSERT_NOT_NULL(t, skb);
	skb_reserve(skb, 10);
	skb_push(skb, 11);
	kfree_skb(skb); /* not reached */
}

/* ---- header offsets ---------------------------------------------------------------------- */

TEST_CASE(skb_ops_test_header_offsets_survive_push_and_pull)
{
	struct sk_buff *skb = alloc_skb(256, GFP_KERNEL);
	unsigned char *eth, *ip;

	ASSERT_NOT_NULL(t, skb);
	skb_reserve(skb, 2);
	eth = skb_put(skb, 14 + 20 + 8);
	skb_reset_mac_header(skb);
	skb_set_network_header(skb, 14);
	skb_set_transport_header(skb, 34);
	EXPECT_TRUE(t, skb_mac_header(skb) == eth);
	ip = skb_network_header(skb);
	EXPECT_TRUE(t, ip == eth + 14);
	EXPECT_TRUE(t, skb_transport_header(skb) == eth + 34);
	skb_reset_mac_len(skb);
	EXPECT_EQ(t, skb->mac_len, 14);

	skb_pull(skb, 14); /* as the Ethernet layer hands the packet up */
	EXPECT_TRUE(t, skb_mac_header(skb) == eth);
	EXPECT_TRUE(t, skb_network_header(skb) == skb->data);
	EXPECT_EQ(t, skb_network_offset(skb), 0);
	EXPECT_EQ(t, skb_mac_offset(skb), -14);
	EXPECT_EQ(t, skb_transport_offset(skb), 20);
	skb_pull(skb, 20);
	skb_reset_transport_header(skb);
	EXPECT_TRUE(t, skb_transport_header(skb) == eth + 34);
	kfree_skb(skb);
}

/* ---- references, clones, copies ------------------------------------------------------------ */

TEST_CASE(skb_ops_test_get_makes_shared_and_kfree_drops_one)
{
	struct sk_buff *skb = alloc_skb(100, GFP_KERNEL);
	unsigned long live = skb_live();

	ASSERT_NOT_NULL(t, skb);
	EXPECT_TRUE(t, skb_get(skb) == skb);
	EXPECT_TRUE(t, skb_shared(skb));
	EXPECT_EQ(t, skb->users, 2);
	kfree_skb(skb);
	EXPECT_EQ(t, skb_live(), live); /* still there */
	EXPECT_FALSE(t, skb_shared(skb));
	kfree_skb(skb);
	EXPECT_EQ(t, skb_live(), live - 1);
	kfree_skb(NULL); /* ignored */
	consume_skb(NULL);
}

TEST_CASE(skb_ops_test_kfree_counts_a_drop_consume_does_not)
{
	struct sk_buff *a = alloc_skb(10, GFP_KERNEL), *b = alloc_skb(10, GFP_KERNEL);
	unsigned long dropped = skb_stats.dropped;

	ASSERT_NOT_NULL(t, a);
	ASSERT_NOT_NULL(t, b);
	consume_skb(a);
	EXPECT_EQ(t, skb_stats.dropped, dropped);
	kfree_skb(b);
	EXPECT_EQ(t, skb_stats.dropped, dropped + 1);
}

static int destructor_calls;

static void count_destructor(struct sk_buff *skb)
{
	destructor_calls++;
}

TEST_CASE(skb_ops_test_destructor_runs_once_at_the_last_free)
{
	struct sk_buff *skb = alloc_skb(10, GFP_KERNEL), *c;

	ASSERT_NOT_NULL(t, skb);
	destructor_calls = 0;
	skb->destructor = count_destructor;
	c = skb_clone(skb, GFP_KERNEL); /* the clone does not inherit it */
	ASSERT_NOT_NULL(t, c);
	EXPECT_NULL(t, c->destructor);
	skb_get(skb);
	kfree_skb(skb);
	EXPECT_EQ(t, destructor_calls, 0);
	kfree_skb(skb);
	EXPECT_EQ(t, destructor_calls, 1);
	kfree_skb(c);
	EXPECT_EQ(t, destructor_calls, 1);
}

TEST_CASE(skb_ops_test_clone_shares_data_not_the_struct)
{
	struct sk_buff *skb = alloc_skb(256, GFP_KERNEL), *c;

	ASSERT_NOT_NULL(t, skb);
	skb_reserve(skb, 16);
	ktest_fill(skb_put(skb, 100), 100, 5);
	skb_reset_network_header(skb);
	skb->protocol = 0x0008;
	skb->sk = (struct sock *)0x1000; /* only compared, never used */
	c = skb_clone(skb, GFP_KERNEL);
	skb->sk = NULL;
	ASSERT_NOT_NULL(t, c);
	EXPECT_TRUE(t, c != skb);
	EXPECT_TRUE(t, c->head == skb->head && c->data == skb->data);
	EXPECT_EQ(t, c->len, 100);
	EXPECT_EQ(t, c->protocol, 0x0008);
	EXPECT_EQ(t, c->network_header, skb->network_header);
	EXPECT_NULL(t, c->sk);
	EXPECT_EQ(t, c->users, 1);
	EXPECT_EQ(t, skb_shinfo(skb)->dataref, 2);
	EXPECT_TRUE(t, skb_cloned(skb) && skb_cloned(c));
	EXPECT_FALSE(t, skb_shared(skb));

	skb_pull(c, 20); /* its own pointers ... */
	EXPECT_EQ(t, skb->len, 100);
	c->data[0] = 0xee; /* ... over the same bytes */
	EXPECT_EQ(t, skb->data[20], 0xee);

	kfree_skb(skb);
	EXPECT_FALSE(t, skb_cloned(c)); /* the last user of the data */
	EXPECT_EQ(t, skb_shinfo(c)->dataref, 1);
	kfree_skb(c);
}

TEST_CASE(skb_ops_test_copy_is_private)
{
	struct sk_buff *skb = alloc_skb(256, GFP_KERNEL), *n;

	ASSERT_NOT_NULL(t, skb);
	skb_reserve(skb, 30);
	ktest_fill(skb_put(skb, 120), 120, 6);
	skb_push(skb, 10);
	skb_reset_mac_header(skb);
	skb_set_network_header(skb, 10);
	n = skb_copy(skb, GFP_KERNEL);
	ASSERT_NOT_NULL(t, n);
	EXPECT_TRUE(t, n->head != skb->head);
	EXPECT_EQ(t, skb_headroom(n), skb_headroom(skb));
	EXPECT_EQ(t, n->len, skb->len);
	EXPECT_TRUE(t, !memcmp(n->data, skb->data, skb->len));
	EXPECT_EQ(t, skb_network_offset(n), 10);
	EXPECT_EQ(t, skb_mac_offset(n), 0);
	EXPECT_FALSE(t, skb_cloned(n) || skb_cloned(skb));
	EXPECT_EQ(t, n->users, 1);
	n->data[15] ^= 0xff;
	EXPECT_TRUE(t, memcmp(n->data, skb->data, skb->len));
	kfree_skb(skb);
	kfree_skb(n);
}

/*
 * As 3.10's copy_skb_header: the copy of a reserve (pfmemalloc) packet is
 * one too, so an ordinary socket still refuses it (sk_filter, which
 * udp_admit asks); mac_len and hdr_len are not copied.
 */
TEST_CASE(skb_ops_test_copy_keeps_pfmemalloc_but_not_mac_len_or_hdr_len)
{
	struct sk_buff *skb = alloc_skb(128, GFP_KERNEL), *n, *plain_copy;
	unsigned long drops = sk_pfmemalloc_drops;
	struct sock plain = { 0 };

	ASSERT_NOT_NULL(t, skb);
	skb_put_zero(skb, 40);
	skb_reset_mac_header(skb);
	skb_set_network_header(skb, 14);
	skb_reset_mac_len(skb);
	skb->hdr_len = 20;
	plain_copy = skb_copy(skb, GFP_KERNEL);
	skb->pfmemalloc = 1; /* as if from the reserve (tests/net/test_skb.c makes real ones) */
	n = skb_copy(skb, GFP_KERNEL);
	skb->pfmemalloc = 0;
	ASSERT_NOT_NULL(t, plain_copy);
	EXPECT_FALSE(t, skb_pfmemalloc(plain_copy));
	ASSERT_NOT_NULL(t, n);
	EXPECT_TRUE(t, skb_pfmemalloc(n));
	EXPECT_EQ(t, sk_filter(&plain, n), -ENOMEM);
	EXPECT_EQ(t, sk_pfmemalloc_drops, drops + 1);
	EXPECT_EQ(t, skb->mac_len, 14);
	EXPECT_EQ(t, n->mac_len, 0);
	EXPECT_EQ(t, n->hdr_len, 0);
	EXPECT_EQ(t, skb_network_offset(n), 14); /* the offsets are copied */
	kfree_skb(plain_copy);
	kfree_skb(n);
	kfree_skb(skb);
}

TEST_CASE(skb_ops_test_share_check_and_unshare)
{
	struct sk_buff *skb = alloc_skb(100, GFP_KERNEL), *s, *c, *u;
	unsigned long dropped;

	ASSERT_NOT_NULL(t, skb);
	skb_put_data(skb, "xyz", 3);
	EXPECT_TRUE(t, skb_share_check(skb, GFP_KERNEL) == skb); /* not shared: itself */
	skb_get(skb);
	s = skb_share_check(skb, GFP_KERNEL); /* shared: a clone, our ref dropped */
	ASSERT_NOT_NULL(t, s);
	EXPECT_TRUE(t, s != skb);
	EXPECT_FALSE(t, skb_shared(skb));
	EXPECT_TRUE(t, skb_cloned(s));
	dropped = skb_stats.dropped;
	u = skb_unshare(s, GFP_KERNEL); /* cloned: a private copy */
	ASSERT_NOT_NULL(t, u);
	EXPECT_EQ(t, skb_stats.dropped, dropped + 1); /* s went with kfree_skb, as in 3.10 */
	EXPECT_FALSE(t, skb_cloned(u));
	EXPECT_FALSE(t, skb_cloned(skb)); /* s is gone, skb's data is its own again */
	EXPECT_TRUE(t, !memcmp(u->data, "xyz", 3));
	c = skb_unshare(skb, GFP_KERNEL);
	EXPECT_TRUE(t, c == skb);
	kfree_skb(u);
	kfree_skb(skb);
}

TEST_CASE(skb_ops_test_cow_head_makes_room_and_a_private_copy)
{
	struct sk_buff *skb = alloc_skb(100, GFP_KERNEL), *c;
	unsigned char *old_head;

	ASSERT_NOT_NULL(t, skb);
	skb_reserve(skb, 4);
	ktest_fill(skb_put(skb, 50), 50, 8);
	skb_reset_network_header(skb);
	EXPECT_EQ(t, skb_cow_head(skb, 4), 0); /* enough room, not cloned: no change */
	old_head = skb->head;
	EXPECT_TRUE(t, skb->head == old_head);

	c = skb_clone(skb, GFP_KERNEL);
	ASSERT_NOT_NULL(t, c);
	EXPECT_EQ(t, skb_cow_head(skb, 40), 0);
	EXPECT_TRUE(t, skb->head != old_head);
	EXPECT_GE(t, skb_headroom(skb), 40);
	EXPECT_FALSE(t, skb_cloned(skb));
	EXPECT_FALSE(t, skb_cloned(c));
	EXPECT_TRUE(t, ktest_holds(skb->data, 50, 8));
	EXPECT_TRUE(t, skb_network_header(skb) == skb->data); /* offsets moved with the data */
	EXPECT_TRUE(t, c->head == old_head && ktest_holds(c->data, 50, 8));
	kfree_skb(c);
	kfree_skb(skb);
}

/* ---- dataref's two halves: skb_header_release and nohdr ------------------------------------ */

#define PAYLOAD_REF (1 << SKB_DATAREF_SHIFT)

/*
 * A sender keeps the original (headers released) and gives a clone to the
 * device: dataref counts 2 users, 1 of them payload-only; the clone may
 * write its headers (skb_header_cloned false) though the data is still
 * shared (skb_cloned true).
 */
TEST_CASE(skb_ops_test_header_release_leaves_the_clone_free_to_write_headers)
{
	struct sk_buff *skb = alloc_skb(256, GFP_KERNEL), *c;

	ASSERT_NOT_NULL(t, skb);
	skb_reserve(skb, 64);
	ktest_fill(skb_put(skb, 100), 100, 9);
	EXPECT_FALSE(t, skb_header_cloned(skb)); /* never cloned */
	c = skb_clone(skb, GFP_KERNEL);
	ASSERT_NOT_NULL(t, c);
	EXPECT_TRUE(t, skb_header_cloned(c)); /* the original still reads its headers */
	skb_header_release(skb);
	EXPECT_TRUE(t, skb->nohdr);
	EXPECT_FALSE(t, c->nohdr);
	EXPECT_EQ(t, skb_shinfo(skb)->dataref, PAYLOAD_REF + 2);
	EXPECT_TRUE(t, skb_cloned(c) && skb_cloned(skb));
	EXPECT_FALSE(t, skb_header_cloned(c));
	kfree_skb(c);
	EXPECT_EQ(t, skb_shinfo(skb)->dataref, PAYLOAD_REF + 1);
	EXPECT_FALSE(t, skb_cloned(skb));
	kfree_skb(skb);
}

/* Two clones keep their headers: each sees the other, the released original aside. */
TEST_CASE(skb_ops_test_header_cloned_while_another_clone_keeps_its_headers)
{
	struct sk_buff *skb = alloc_skb(256, GFP_KERNEL), *c1, *c2;

	ASSERT_NOT_NULL(t, skb);
	skb_put_zero(skb, 40);
	c1 = skb_clone(skb, GFP_KERNEL);
	ASSERT_NOT_NULL(t, c1);
	c2 = skb_clone(skb, GFP_KERNEL);
	ASSERT_NOT_NULL(t, c2);
	skb_header_release(skb);
	EXPECT_EQ(t, skb_shinfo(skb)->dataref, PAYLOAD_REF + 3);
	EXPECT_TRUE(t, skb_header_cloned(c1));
	EXPECT_TRUE(t, skb_header_cloned(c2));
	kfree_skb(c2);
	EXPECT_FALSE(t, skb_header_cloned(c1));
	kfree_skb(c1);
	kfree_skb(skb);
}

/*
 * The buffer is freed exactly once whichever goes first: the original with
 * its headers released gives back 1 + 1 << 16, a clone 1.  Counted in
 * kmalloc objects: the struct goes at each free, the buffer only at the last.
 */
static void free_header_released_pair(struct ktest *t, bool orig_first)
{
	unsigned long objs = slab_live_objects();
	struct sk_buff *skb = alloc_skb(256, GFP_KERNEL), *c;

	ASSERT_NOT_NULL(t, skb);
	ktest_fill(skb_put(skb, 64), 64, 4);
	c = skb_clone(skb, GFP_KERNEL);
	ASSERT_NOT_NULL(t, c);
	skb_header_release(skb);
	EXPECT_EQ(t, slab_live_objects(), objs + 3); /* two structs, one buffer */
	kfree_skb(orig_first ? skb : c);
	EXPECT_EQ(t, slab_live_objects(), objs + 2);
	c = orig_first ? c : skb;
	EXPECT_EQ(t, skb_shinfo(c)->dataref, orig_first ? 1 : PAYLOAD_REF + 1);
	EXPECT_TRUE(t, ktest_holds(c->data, 64, 4));
	kfree_skb(c);
	EXPECT_EQ(t, slab_live_objects(), objs);
}

TEST_CASE(skb_ops_test_header_released_buffer_freed_once_original_first)
{
	free_header_released_pair(t, true);
}

TEST_CASE(skb_ops_test_header_released_buffer_freed_once_clone_first)
{
	free_header_released_pair(t, false);
}

/* A clone of a header-released skb holds headers again: nohdr 0, hdr_len its headroom. */
TEST_CASE(skb_ops_test_clone_of_header_released_skb_records_its_headroom)
{
	struct sk_buff *skb = alloc_skb(256, GFP_KERNEL), *c;

	ASSERT_NOT_NULL(t, skb);
	skb_reserve(skb, 48);
	skb_put_zero(skb, 10);
	skb_header_release(skb);
	c = skb_clone(skb, GFP_KERNEL);
	ASSERT_NOT_NULL(t, c);
	EXPECT_FALSE(t, c->nohdr);
	EXPECT_EQ(t, c->hdr_len, 48);
	EXPECT_EQ(t, skb_shinfo(c)->dataref, PAYLOAD_REF + 2);
	kfree_skb(c);
	kfree_skb(skb);
}

/*
 * pskb_expand_head of an original that released its headers gives its
 * whole share of the old buffer back (1 + 1 << 16): its clone is the only
 * user then, and the expanded skb has a private buffer with nohdr clear.  As in 3.10,
 * truesize is left as it was (later kernels grow it with the buffer).
 */
TEST_CASE(skb_ops_test_expand_head_gives_back_the_payload_only_reference)
{
	struct sk_buff *skb = alloc_skb(256, GFP_KERNEL), *c;
	unsigned int truesize;

	ASSERT_NOT_NULL(t, skb);
	truesize = skb->truesize;
	skb_reserve(skb, 16);
	ktest_fill(skb_put(skb, 80), 80, 2);
	c = skb_clone(skb, GFP_KERNEL);
	ASSERT_NOT_NULL(t, c);
	skb_header_release(skb);
	EXPECT_EQ(t, pskb_expand_head(skb, 32, 0, GFP_KERNEL), 0);
	EXPECT_FALSE(t, skb->nohdr);
	EXPECT_EQ(t, skb_shinfo(skb)->dataref, 1);
	EXPECT_EQ(t, skb_shinfo(c)->dataref, 1);
	EXPECT_FALSE(t, skb_cloned(skb) || skb_cloned(c) || skb_header_cloned(c));
	EXPECT_EQ(t, skb_headroom(skb), 48);
	EXPECT_EQ(t, skb->truesize, truesize);
	EXPECT_TRUE(t, ktest_holds(skb->data, 80, 2) && ktest_holds(c->data, 80, 2));
	kfree_skb(c);
	kfree_skb(skb);
}

/*
 * pskb_expand_head moves the header offsets that were set with the data and
 * leaves the unset ones unset.  3.10 adds the new headroom to an unset
 * network or transport offset too, which then reads as set.
 */
TEST_CASE(skb_ops_test_expand_head_moves_only_the_header_offsets_that_are_set)
{
	struct sk_buff *skb = alloc_skb(128, GFP_KERNEL);

	ASSERT_NOT_NULL(t, skb);
	skb_reserve(skb, 16);
	ktest_fill(skb_put(skb, 40), 40, 3);
	skb_reset_mac_header(skb);
	EXPECT_EQ(t, pskb_expand_head(skb, 32, 0, GFP_KERNEL), 0);
	EXPECT_EQ(t, skb->mac_header, 48); /* set: moved with the data */
	EXPECT_TRUE(t, skb_mac_header(skb) == skb->data);
	EXPECT_TRUE(t, ktest_holds(skb->data, 40, 3));
	EXPECT_FALSE(t, skb_network_header_was_set(skb));
	EXPECT_FALSE(t, skb_transport_header_was_set(skb));
	EXPECT_EQ(t, skb->transport_header, SKB_HEADER_UNSET);
	kfree_skb(skb);
}

/*
 * skb_cow_head asks skb_header_cloned, as 3.10's __skb_cow: the clone a
 * sender hands on may push its headers in place when the only other user
 * of the buffer released its headers; with one that did not, it copies.
 */
TEST_CASE(skb_ops_test_cow_head_writes_in_place_when_only_header_released_skbs_share)
{
	struct sk_buff *skb = alloc_skb(256, GFP_KERNEL), *c;
	unsigned char *head;

	ASSERT_NOT_NULL(t, skb);
	skb_reserve(skb, 64);
	ktest_fill(skb_put(skb, 32), 32, 6);
	c = skb_clone(skb, GFP_KERNEL);
	ASSERT_NOT_NULL(t, c);
	head = c->head;
	skb_header_release(skb);
	EXPECT_EQ(t, skb_cow_head(c, 32), 0);
	EXPECT_TRUE(t, c->head == head); /* in place */
	EXPECT_TRUE(t, skb_cloned(c));
	kfree_skb(skb);

	skb = skb_clone(c, GFP_KERNEL); /* a clone that keeps its headers */
	ASSERT_NOT_NULL(t, skb);
	EXPECT_EQ(t, skb_cow_head(c, 32), 0);
	EXPECT_TRUE(t, c->head != head); /* copied */
	EXPECT_TRUE(t, ktest_holds(c->data, 32, 6) && ktest_holds(skb->data, 32, 6));
	kfree_skb(skb);
	kfree_skb(c);
}

/* "BUG_ON(skb->nohdr)": the headers are released once. */
TEST_CASE(skb_ops_test_header_release_twice_panics)
{
	struct sk_buff *skb = alloc_skb(64, GFP_KERNEL);

	ASSERT_NOT_NULL(t, skb);
	skb_header_release(skb);
	skb_header_release(skb);
	kfree_skb(skb);
}

/*
 * A negative ntail would shrink the buffer under its data: a BUG, as a negative
 * nhead is in 3.10.
 */
TEST_CASE(skb_ops_test_expand_head_with_negative_ntail_panics)
{
	struct sk_buff *skb = alloc_skb(64, GFP_KERNEL);

	ASSERT_NOT_NULL(t, skb);
	skb_put_zero(skb, 60);
	pskb_expand_head(skb, 0, -64, GFP_KERNEL);
	kfree_skb(skb);
}

/* ---- queues ------------------------------------------------------------------------------- */

static struct sk_buff *numbered_skb(struct ktest *t, u8 n)
{
	struct sk_buff *skb = alloc_skb(8, GFP_KERNEL);

	if (!skb)
		ktest_fail(t, __FILE__, __LINE__, "alloc_skb failed");
	else
		*(u8 *)skb_put(skb, 1) = n;
	return skb;
}

TEST_CASE(skb_ops_test_queue_is_fifo)
{
	struct sk_buff_head q;
	struct sk_buff *skb;

	skb_queue_head_init(&q);
	EXPECT_TRUE(t, skb_queue_empty(&q));
	EXPECT_NULL(t, skb_peek(&q));
	EXPECT_NULL(t, skb_dequeue(&q));
	for (u8 i = 1; i <= 3; i++)
		skb_queue_tail(&q, numbered_skb(t, i));
	__skb_queue_tail(&q, numbered_skb(t, 4));
	skb_queue_head(&q, numbered_skb(t, 0));
	EXPECT_EQ(t, skb_queue_len(&q), 5);
	EXPECT_EQ(t, skb_peek(&q)->data[0], 0); /* peek leaves it there */
	EXPECT_EQ(t, skb_peek_tail(&q)->data[0], 4);
	EXPECT_EQ(t, skb_queue_len(&q), 5);
	for (u8 i = 0; i <= 4; i++) {
		skb = skb_dequeue(&q);
		ASSERT_NOT_NULL(t, skb);
		EXPECT_EQ(t, skb->data[0], i);
		EXPECT_NULL(t, skb->next);
		kfree_skb(skb);
	}
	EXPECT_TRUE(t, skb_queue_empty(&q));
	EXPECT_EQ(t, skb_queue_len(&q), 0);
}

TEST_CASE(skb_ops_test_queue_unlink_walk_and_dequeue_tail)
{
	struct sk_buff_head q;
	struct sk_buff *skb, *tmp, *mid = NULL;
	int n = 0;

	skb_queue_head_init(&q);
	for (u8 i = 0; i < 5; i++) {
		skb = numbered_skb(t, i);
		if (i == 2)
			mid = skb;
		__skb_queue_tail(&q, skb);
	}
	skb_unlink(mid, &q);
	kfree_skb(mid);
	skb_queue_walk(&q, skb)
		n = n * 10 + skb->data[0];
	EXPECT_EQ(t, n, 134);
	skb = skb_dequeue_tail(&q);
	EXPECT_EQ(t, skb->data[0], 4);
	kfree_skb(skb);
	skb_queue_walk_safe(&q, skb, tmp) {
		__skb_unlink(skb, &q);
		kfree_skb(skb);
	}
	EXPECT_TRUE(t, skb_queue_empty(&q));
}

TEST_CASE(skb_ops_test_queue_purge_frees_everything)
{
	struct sk_buff_head q;
	unsigned long live = skb_live();

	skb_queue_head_init(&q);
	for (u8 i = 0; i < 20; i++)
		skb_queue_tail(&q, numbered_skb(t, i));
	EXPECT_EQ(t, skb_live(), live + 20);
	skb_queue_purge(&q);
	EXPECT_EQ(t, skb_queue_len(&q), 0);
	EXPECT_EQ(t, skb_live(), live);
	skb_queue_tail(&q, numbered_skb(t, 1));
	__skb_queue_purge(&q);
	EXPECT_TRUE(t, skb_queue_empty(&q));
}

/* An interrupt handler enqueues (as a NIC's RX would), the thread dequeues: the irqsave lock. */
static struct sk_buff_head irq_queue;

static irqreturn_t enqueue_irq(int irq, void *dev)
{
	struct sk_buff *skb = alloc_skb(8, GFP_ATOMIC);

	if (skb) {
		*(u8 *)skb_put(skb, 1) = 42;
		skb_queue_tail(&irq_queue, skb);
	}
	return IRQ_HANDLED;
}

TEST_CASE(skb_ops_test_queue_filled_from_irq)
{
	struct sk_buff *skb;

	skb_queue_head_init(&irq_queue);
	ASSERT_EQ(t, request_irq(TEST_IRQ, enqueue_irq, 0, "skb-test", NULL), 0);
	irq_raise_for_test(TEST_IRQ);
	irq_raise_for_test(TEST_IRQ);
	free_irq(TEST_IRQ, NULL);
	EXPECT_EQ(t, skb_queue_len(&irq_queue), 2);
	while ((skb = skb_dequeue(&irq_queue))) {
		EXPECT_EQ(t, skb->data[0], 42);
		kfree_skb(skb);
	}
}

/* ---- skb_dump ---------------------------------------------------------------------------- */

TEST_CASE(skb_ops_test_dump_shows_layout_and_bytes)
{
	struct sk_buff *skb = alloc_skb(100, GFP_KERNEL);
	u64 mark = log_seq();

	ASSERT_NOT_NULL(t, skb);
	skb_reserve(skb, 16);
	skb_put_data(skb, "\x01\x02\x03\xfe", 4);
	skb_dump(KERN_INFO, skb, true);
	EXPECT_TRUE(t, log_contains(mark, "len=4 data_len=0 headroom=16 headlen=4"));
	EXPECT_TRUE(t, log_contains(mark, "users=1 dataref=1 cloned=0 fclone=0 pfmemalloc=0"));
	EXPECT_TRUE(t, log_contains(mark, "nr_frags=0 nohdr=0 payload_refs=0"));
	EXPECT_TRUE(t, log_contains(mark, "skb linear:   00000000: 01 02 03 fe"));
	kfree_skb(skb);
}

static int skb_ops_suite_init(void)
{
	skb_init();
	return 0;
}

static const struct ktest_case skb_ops_cases[] = {
	KTEST(skb_ops_test_reserve_moves_data_and_tail),
	KTEST(skb_ops_test_put_appends_at_tail),
	KTEST(skb_ops_test_push_prepends_a_header),
	KTEST(skb_ops_test_pull_strips_a_header_or_refuses),
	KTEST(skb_ops_test_trim_cuts_the_end),
	KTEST(skb_ops_test_copy_bits_refuses_a_negative_len_and_bytes_before_head_or_past_tail),
	KTEST_PANIC(skb_ops_test_put_past_end_panics, "skb_over_panic"),
	KTEST_PANIC(skb_ops_test_put_that_would_wrap_panics_with_the_tail_as_it_was,
		    "tail:0x38 end:"),
	KTEST_PANIC(skb_ops_test_push_past_head_panics, "skb_under_panic"),
	KTEST(skb_ops_test_header_offsets_survive_push_and_pull),
	KTEST(skb_ops_test_get_makes_shared_and_kfree_drops_one),
	KTEST(skb_ops_test_kfree_counts_a_drop_consume_does_not),
	KTEST(skb_ops_test_destructor_runs_once_at_the_last_free),
	KTEST(skb_ops_test_clone_shares_data_not_the_struct),
	KTEST(skb_ops_test_copy_is_private),
	KTEST(skb_ops_test_copy_keeps_pfmemalloc_but_not_mac_len_or_hdr_len),
	KTEST(skb_ops_test_share_check_and_unshare),
	KTEST(skb_ops_test_cow_head_makes_room_and_a_private_copy),
	KTEST(skb_ops_test_header_release_leaves_the_clone_free_to_write_headers),
	KTEST(skb_ops_test_header_cloned_while_another_clone_keeps_its_headers),
	KTEST(skb_ops_test_header_released_buffer_freed_once_original_first),
	KTEST(skb_ops_test_header_released_buffer_freed_once_clone_first),
	KTEST(skb_ops_test_clone_of_header_released_skb_records_its_headroom),
	KTEST(skb_ops_test_expand_head_gives_back_the_payload_only_reference),
	KTEST(skb_ops_test_expand_head_moves_only_the_header_offsets_that_are_set),
	KTEST(skb_ops_test_cow_head_writes_in_place_when_only_header_released_skbs_share),
	KTEST_PANIC(skb_ops_test_header_release_twice_panics, "BUG_ON(skb->nohdr)"),
	KTEST_PANIC(skb_ops_test_expand_head_with_negative_ntail_panics, "ntail < 0"),
	KTEST(skb_ops_test_queue_is_fifo),
	KTEST(skb_ops_test_queue_unlink_walk_and_dequeue_tail),
	KTEST(skb_ops_test_queue_purge_frees_everything),
	KTEST(skb_ops_test_queue_filled_from_irq),
	KTEST(skb_ops_test_dump_shows_layout_and_bytes),
	{}
};
TEST_SUITE_INIT(skb_ops, skb_ops_cases, skb_ops_suite_init, NULL);
