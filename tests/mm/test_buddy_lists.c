/*
 * SPDX-License-Identifier: MIT
 * tests/mm/test_buddy_lists.c - the buddy lists' two primitives (mm/buddy.c):
 * __free_one_page merges a freed block with its free buddies, expand splits a
 * large block into one half per order.  Graded by labs/buddy/.
 *
 * Each case works on a scratch zone of its own: free lists that nothing else
 * uses, filled with the frames of one block of the largest order taken from
 * the real allocator.  Merging stops at that order (MAX_ORDER - 1), so the
 * primitives never reach a frame outside the block, and whatever they do, the
 * block goes back to the real allocator whole at the end.
 *
 *   real zone:     ... [ block of 2^10 frames, ours ] ...
 *   scratch zone:  free_area[0..10], holding parts of that block only
 */
#include <kernel/ktest.h>
#include <mm/mmzone.h>
#include <stdio.h>
#include <string.h>

#define TOP_ORDER   (MAX_ORDER - 1)
#define BLOCK_PAGES (1UL << TOP_ORDER)

struct scratch {
	struct zone zone;
	struct page *block;
	unsigned long pfn; /* the block's first frame */
};

/* Take a top-order block for a scratch zone; false (and the case skips) if none is free. */
static bool scratch_init(struct ktest *t, struct scratch *s)
{
	struct page *block = alloc_pages(GFP_KERNEL | __GFP_NOWARN, TOP_ORDER);
	struct zone *real;

	if (!block) {
		ktest_skip(t, "no free block of the largest order");
		return false;
	}
	real = page_zone(block);
	memset(&s->zone, 0, sizeof(s->zone));
	s->zone.type = real->type; /* the marks the primitives leave match the frames' zone */
	s->zone.node = real->node;
	s->zone.name = "scratch";
	for (int o = 0; o < MAX_ORDER; o++)
		INIT_LIST_HEAD(&s->zone.free_area[o].free_list);
	s->block = block;
	s->pfn = page_to_pfn(block);
	return true;
}

/* Whatever the lists hold now, give the whole block back to the real allocator. */
static void scratch_release(struct scratch *s)
{
	for (unsigned long i = 0; i < BLOCK_PAGES; i++)
		s->block[i].flags &= ~(1UL << PG_buddy);
	s->block->order = TOP_ORDER;
	__free_pages(s->block, TOP_ORDER);
}

static unsigned long nr_free(const struct scratch *s, unsigned int order)
{
	return s->zone.free_area[order].nr_free;
}

/* The blocks on @order's list really are as many as nr_free says. */
static unsigned long listed(const struct scratch *s, unsigned int order)
{
	unsigned long n = 0;
	struct page *p;

	list_for_each_entry(p, &s->zone.free_area[order].free_list, lru)
		n++;
	return n;
}

static bool is_free_head(const struct page *p, unsigned int order)
{
	return (p->flags & (1UL << PG_buddy)) && p->order == order;
}

static void free_block(struct scratch *s, unsigned long off, unsigned int order)
{
	__free_one_page(&s->zone, s->pfn + off, order);
}

/* The block was taken off the top-order list: split it, keeping 2^low frames. */
static void split_block(struct scratch *s, unsigned int low)
{
	expand(&s->zone, s->block, low, TOP_ORDER, &s->zone.free_area[TOP_ORDER]);
}

TEST_CASE(buddy_test_free_merges_with_a_free_buddy)
{
	struct scratch s;

	if (!scratch_init(t, &s))
		return;
	free_block(&s, 1, 0); /* its buddy, frame 0, is in use: no merge */
	EXPECT_EQ(t, nr_free(&s, 0), 1);
	EXPECT_TRUE(t, is_free_head(&s.block[1], 0));
	free_block(&s, 0, 0); /* now the pair merges into one block of order 1 at frame 0 */
	EXPECT_EQ(t, nr_free(&s, 0), 0);
	EXPECT_EQ(t, listed(&s, 0), 0);
	EXPECT_EQ(t, nr_free(&s, 1), 1);
	EXPECT_EQ(t, listed(&s, 1), 1);
	EXPECT_TRUE(t, is_free_head(&s.block[0], 1));
	EXPECT_FALSE(t, s.block[1].flags & (1UL << PG_buddy)); /* no longer a head */
	scratch_release(&s);
}

TEST_CASE(buddy_test_free_merges_only_with_a_buddy_of_the_same_order)
{
	struct scratch s;

	if (!scratch_init(t, &s))
		return;
	free_block(&s, 0, 0);
	free_block(&s, 2, 1); /* buddy of [2,3] is [0,1], but frame 0 heads an order-0 block */
	EXPECT_EQ(t, nr_free(&s, 0), 1);
	EXPECT_EQ(t, nr_free(&s, 1), 1);
	EXPECT_TRUE(t, is_free_head(&s.block[2], 1));
	free_block(&s, 1, 0); /* 1 merges with 0 into [0,1], which merges with [2,3] */
	EXPECT_EQ(t, nr_free(&s, 0), 0);
	EXPECT_EQ(t, nr_free(&s, 1), 0);
	EXPECT_EQ(t, nr_free(&s, 2), 1);
	EXPECT_EQ(t, listed(&s, 2), 1);
	EXPECT_TRUE(t, is_free_head(&s.block[0], 2));
	EXPECT_FALSE(t, s.block[2].flags & (1UL << PG_buddy));
	scratch_release(&s);
}

TEST_CASE(buddy_test_free_merges_up_to_the_largest_order)
{
	struct scratch s;

	if (!scratch_init(t, &s))
		return;
	/* Every frame alone, in a scrambled order (37 is odd: i * 37 visits each once). */
	for (unsigned long i = 0; i < BLOCK_PAGES; i++)
		free_block(&s, (i * 37) % BLOCK_PAGES, 0);
	for (unsigned int o = 0; o < TOP_ORDER; o++)
		EXPECT_EQ(t, nr_free(&s, o), 0);
	EXPECT_EQ(t, nr_free(&s, TOP_ORDER), 1);
	EXPECT_EQ(t, listed(&s, TOP_ORDER), 1);
	EXPECT_TRUE(t, is_free_head(s.block, TOP_ORDER));
	scratch_release(&s);
}

TEST_CASE(buddy_test_expand_puts_one_half_on_each_order)
{
	struct scratch s;

	if (!scratch_init(t, &s))
		return;
	split_block(&s, 0);
	/* Frames 0 kept; [1], [2,3], [4..7], ... [512..1023]: the half of order o at 2^o. */
	for (unsigned int o = 0; o < TOP_ORDER; o++) {
		EXPECT_EQ(t, nr_free(&s, o), 1);
		EXPECT_EQ(t, listed(&s, o), 1);
		EXPECT_TRUE(t, is_free_head(&s.block[1UL << o], o));
	}
	EXPECT_EQ(t, nr_free(&s, TOP_ORDER), 0);
	EXPECT_FALSE(t, s.block[0].flags & (1UL << PG_buddy)); /* the kept part is not free */
	scratch_release(&s);
}

TEST_CASE(buddy_test_expand_keeps_2_to_the_low_frames)
{
	struct scratch s;

	if (!scratch_init(t, &s))
		return;
	split_block(&s, 3); /* keep frames 0..7 */
	for (unsigned int o = 0; o < 3; o++)
		EXPECT_EQ(t, nr_free(&s, o), 0);
	for (unsigned int o = 3; o < TOP_ORDER; o++) {
		EXPECT_EQ(t, nr_free(&s, o), 1);
		EXPECT_EQ(t, listed(&s, o), 1);
		EXPECT_TRUE(t, is_free_head(&s.block[1UL << o], o));
	}
	EXPECT_FALSE(t, s.block[0].flags & (1UL << PG_buddy)); /* frames 0..7 are the caller's */
	EXPECT_EQ(t, nr_free(&s, TOP_ORDER), 0);
	scratch_release(&s);
}

/* The scratch zone's line of `buddyinfo`, orders 0 to 10, nothing else. */
static const char *counts(struct scratch *s, char *buf, size_t len)
{
	char line[160];
	int skip = strlen("Node 0, zone  scratch ");

	buddyinfo_format(&s->zone, line, sizeof(line));
	snprintf(buf, len, "%s", line + skip);
	return buf;
}

/*
 * A scripted sequence of splits and frees, with what `buddyinfo` must show
 * after each step (the scratch zone's line; orders 0 to 10, left to right).
 */
TEST_CASE(buddy_test_buddyinfo_after_a_scripted_sequence)
{
	static const struct {
		const char *what;
		unsigned long off; /* the block freed, or split_block's low order */
		unsigned int order;
		bool split;
		const char *want;
	} steps[] = {
		{ "split for order 2", 2, 0, true,
		  "     0      0      1      1      1      1      1      1      1      1      0 " },
		{ "free frames 2, 3 as one", 2, 1, false,
		  "     0      1      1      1      1      1      1      1      1      1      0 " },
		{ "free frame 1", 1, 0, false,
		  "     1      1      1      1      1      1      1      1      1      1      0 " },
		{ "free frame 0", 0, 0, false,
		  "     0      0      0      0      0      0      0      0      0      0      1 " },
	};
	char got[160];
	struct scratch s;

	if (!scratch_init(t, &s))
		return;
	for (unsigned int i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (steps[i].split)
			split_block(&s, steps[i].off);
		else
			free_block(&s, steps[i].off, steps[i].order);
		counts(&s, got, sizeof(got));
		if (strcmp(got, steps[i].want)) {
			ktest_fail(t, __FILE__, __LINE__,
				   "after '%s': buddyinfo shows \"%s\", not \"%s\"", steps[i].what,
				   got, steps[i].want);
			break;
		}
	}
	scratch_release(&s);
}

static const struct ktest_case buddy_cases[] = {
	KTEST(buddy_test_free_merges_with_a_free_buddy),
	KTEST(buddy_test_free_merges_only_with_a_buddy_of_the_same_order),
	KTEST(buddy_test_free_merges_up_to_the_largest_order),
	KTEST(buddy_test_expand_puts_one_half_on_each_order),
	KTEST(buddy_test_expand_keeps_2_to_the_low_frames),
	KTEST(buddy_test_buddyinfo_after_a_scripted_sequence),
	{}
};
TEST_SUITE(buddy, buddy_cases);
