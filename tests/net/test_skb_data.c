/*
 * SPDX-License-Identifier: MIT
 * tests/net/test_skb_data.c - the data pointers alone (net/skb_alloc.c):
 * skb_reserve, skb_put, skb_push, skb_pull and their panics, on an skb
 * built by hand over a buffer on the stack, so that they are tested whatever
 * __alloc_skb does.  Graded by labs/skb/; what the same calls do on real
 * skbs is tests/net/test_skb_ops.c.
 *
 *   -append "test=skb_data"
 *   -append "test=skb_data.skb_data_test_put_past_end_panics"   a panic case, alone
 *
 * The hand-built skb is what __alloc_skb(BUF) would give, minus the
 * allocations: head = data, tail 0, end BUF (the shared info is not used by
 * these four calls and is not there).  Nothing is allocated, nothing freed.
 */
#include <kernel/ktest.h>
#include <net/skbuff.h>
#include <string.h>

#define BUF 256

struct hand_skb {
	struct sk_buff skb;
	unsigned char buf[BUF + 16]; /* 16 guard bytes after end */
};

#define GUARD 0x5a

/* An empty skb over @h->buf: no headroom, BUF bytes of tailroom, the guard bytes set. */
static struct sk_buff *hand_skb(struct hand_skb *h)
{
	memset(h, 0, sizeof(*h));
	memset(h->buf + BUF, GUARD, 16);
	h->skb.head = h->buf;
	h->skb.data = h->buf;
	h->skb.tail = 0;
	h->skb.end = BUF;
	h->skb.users = 1;
	h->skb.mac_header = SKB_HEADER_UNSET;
	h->skb.network_header = SKB_HEADER_UNSET;
	h->skb.transport_header = SKB_HEADER_UNSET;
	return &h->skb;
}

/* The guard bytes after end are untouched. */
static bool guard_intact(const struct hand_skb *h)
{
	for (int i = 0; i < 16; i++)
		if (h->buf[BUF + i] != GUARD)
			return false;
	return true;
}

TEST_CASE(skb_data_test_reserve_moves_data_and_tail)
{
	struct hand_skb h;
	struct sk_buff *skb = hand_skb(&h);

	skb_reserve(skb, 40);
	EXPECT_TRUE(t, skb->data == h.buf + 40);
	EXPECT_EQ(t, skb->tail, 40); /* an offset from head */
	EXPECT_EQ(t, skb->len, 0);
	EXPECT_EQ(t, skb_headroom(skb), 40);
	EXPECT_EQ(t, skb_tailroom(skb), BUF - 40);
	EXPECT_EQ(t, skb->end, BUF);
	skb_reserve(skb, 24);
	EXPECT_EQ(t, skb_headroom(skb), 64);
	EXPECT_TRUE(t, skb_tail_pointer(skb) == skb->data);
}

TEST_CASE(skb_data_test_put_returns_the_old_tail_and_grows_len)
{
	struct hand_skb h;
	struct sk_buff *skb = hand_skb(&h);
	unsigned char *a, *b;

	skb_reserve(skb, 16);
	a = skb_put(skb, 10);
	EXPECT_TRUE(t, a == h.buf + 16);
	EXPECT_EQ(t, skb->len, 10);
	EXPECT_EQ(t, skb->tail, 26);
	EXPECT_TRUE(t, skb->data == h.buf + 16); /* put never moves data */
	b = skb_put(skb, 5);
	EXPECT_TRUE(t, b == a + 10);
	EXPECT_EQ(t, skb->len, 15);
	EXPECT_TRUE(t, skb_tail_pointer(skb) == skb->data + 15);
}

/* A put of exactly the tailroom is allowed (no panic) and leaves none; end is not crossed. */
TEST_CASE(skb_data_test_put_of_all_the_tailroom_fills_it_exactly)
{
	struct hand_skb h;
	struct sk_buff *skb = hand_skb(&h);
	unsigned char *p;

	skb_reserve(skb, 8);
	skb_put(skb, 100);
	p = skb_put(skb, skb_tailroom(skb));
	EXPECT_TRUE(t, p == h.buf + 108);
	EXPECT_EQ(t, skb_tailroom(skb), 0);
	EXPECT_EQ(t, skb->tail, BUF);
	EXPECT_EQ(t, skb->len, BUF - 8);
	ktest_fill(p, BUF - 108, 3);
	EXPECT_TRUE(t, guard_intact(&h));
	p = skb_put(skb, 0); /* nothing more, and no panic */
	EXPECT_TRUE(t, p == h.buf + BUF);
	EXPECT_EQ(t, skb->len, BUF - 8);
}

TEST_CASE(skb_data_test_push_returns_the_new_data_and_grows_len)
{
	struct hand_skb h;
	struct sk_buff *skb = hand_skb(&h);
	unsigned char *p;

	skb_reserve(skb, 64);
	memcpy(skb_put(skb, 7), "payload", 7);
	p = skb_push(skb, 20);
	EXPECT_TRUE(t, p == h.buf + 44 && p == skb->data);
	EXPECT_EQ(t, skb->len, 27);
	EXPECT_EQ(t, skb->tail, 71); /* push never moves tail */
	EXPECT_EQ(t, skb_headroom(skb), 44);
	EXPECT_TRUE(t, !memcmp(skb->data + 20, "payload", 7));
	p = skb_push(skb, 44); /* exactly all the headroom: allowed */
	EXPECT_TRUE(t, p == h.buf);
	EXPECT_EQ(t, skb_headroom(skb), 0);
	EXPECT_EQ(t, skb->len, 71);
}

TEST_CASE(skb_data_test_pull_returns_the_new_data_or_null_for_a_short_packet)
{
	struct hand_skb h;
	struct sk_buff *skb = hand_skb(&h);
	unsigned char *p;

	skb_reserve(skb, 2);
	ktest_fill(skb_put(skb, 42), 42, 9);
	p = skb_pull(skb, 14);
	EXPECT_TRUE(t, p == h.buf + 16 && p == skb->data);
	EXPECT_EQ(t, skb->len, 28);
	EXPECT_EQ(t, skb->tail, 44);	   /* pull never moves tail */
	EXPECT_NULL(t, skb_pull(skb, 29)); /* a short packet: NULL, nothing moved */
	EXPECT_TRUE(t, skb->data == p);
	EXPECT_EQ(t, skb->len, 28);
	p = skb_pull(skb, 28); /* all of it */
	EXPECT_TRUE(t, p == h.buf + 44);
	EXPECT_EQ(t, skb->len, 0);
	EXPECT_NULL(t, skb_pull(skb, 1));
	EXPECT_TRUE(t, skb_pull(skb, 0) == h.buf + 44);
}

/* A header pushed, then pulled again: the offsets from head stay right. */
TEST_CASE(skb_data_test_push_then_pull_gives_the_same_bytes_back)
{
	struct hand_skb h;
	struct sk_buff *skb = hand_skb(&h);
	unsigned char *p;

	skb_reserve(skb, 54);
	ktest_fill(skb_put(skb, 100), 100, 1);
	ktest_fill(skb_push(skb, 8), 8, 2); /* UDP */
	skb_reset_transport_header(skb);
	ktest_fill(skb_push(skb, 20), 20, 3); /* IP */
	skb_reset_network_header(skb);
	ktest_fill(skb_push(skb, 14), 14, 4); /* Ethernet */
	EXPECT_EQ(t, skb->len, 142);
	EXPECT_EQ(t, skb_headroom(skb), 12);
	p = skb_pull(skb, 14);
	ASSERT_NOT_NULL(t, p);
	EXPECT_TRUE(t, ktest_holds(p, 20, 3));
	EXPECT_TRUE(t, skb_network_header(skb) == skb->data);
	p = skb_pull(skb, 20);
	ASSERT_NOT_NULL(t, p);
	EXPECT_TRUE(t, ktest_holds(p, 8, 2));
	EXPECT_TRUE(t, skb_transport_header(skb) == skb->data);
	p = skb_pull(skb, 8);
	ASSERT_NOT_NULL(t, p);
	EXPECT_TRUE(t, ktest_holds(p, 100, 1));
	EXPECT_EQ(t, skb->len, 100);
}

/* The panics (run alone by the host runner and labs/skb/checks.py). */
TEST_CASE(skb_data_test_put_past_end_panics)
{
	struct hand_skb h;
	struct sk_buff *skb = hand_skb(&h);

	skb_reserve(skb, 16);
	skb_put(skb, BUF - 16 + 1);
}

/* A len that would wrap tail round to 0 must be caught before tail moves: tail:0x38 reported. */
TEST_CASE(skb_data_test_put_that_would_wrap_panics_with_the_tail_as_it_was)
{
	struct hand_skb h;
	struct sk_buff *skb = hand_skb(&h);

	skb_reserve(skb, 0x30);
	skb_put(skb, 8);
	skb_put(skb, 0u - skb->tail);
}

TEST_CASE(skb_data_test_push_past_head_panics)
{
	struct hand_skb h;
	struct sk_buff *skb = hand_skb(&h);

	skb_reserve(skb, 10);
	skb_put(skb, 4);
	skb_push(skb, 11);
}

static const struct ktest_case skb_data_cases[] = {
	KTEST(skb_data_test_reserve_moves_data_and_tail),
	KTEST(skb_data_test_put_returns_the_old_tail_and_grows_len),
	KTEST(skb_data_test_put_of_all_the_tailroom_fills_it_exactly),
	KTEST(skb_data_test_push_returns_the_new_data_and_grows_len),
	KTEST(skb_data_test_pull_returns_the_new_data_or_null_for_a_short_packet),
	KTEST(skb_data_test_push_then_pull_gives_the_same_bytes_back),
	KTEST_PANIC(skb_data_test_put_past_end_panics, "skb_over_panic"),
	KTEST_PANIC(skb_data_test_put_that_would_wrap_panics_with_the_tail_as_it_was,
		    "tail:0x38 end:0x100"),
	KTEST_PANIC(skb_data_test_push_past_head_panics, "skb_under_panic"),
	{}
};
TEST_SUITE(skb_data, skb_data_cases);
