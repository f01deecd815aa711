/*
 * SPDX-License-Identifier: MIT
 * mm/internal.h - what the page allocator's files share: the page-flag
 * helpers and the marks of a free block's head (as 3.10's mm/internal.h and
 * the static helpers of its page_alloc.c).
 *
 *   mm/page_alloc.c   zones, per-CPU lists, allocation and freeing
 *   mm/buddy.c        the free lists themselves: merging on free
 *                     (__free_one_page) and splitting on allocation (expand);
 *                     the reference for labs/buddy/
 */
#ifndef MM_INTERNAL_H
#define MM_INTERNAL_H

#include <mm/mmzone.h>

static inline void set_page_flag(struct page *p, int bit)
{
	p->flags |= 1UL << bit;
}

static inline void clear_page_flag(struct page *p, int bit)
{
	p->flags &= ~(1UL << bit);
}

static inline bool test_page_flag(const struct page *p, int bit)
{
	return p->flags & (1UL << bit);
}

/* Mark @page the head of a free block of 2^@order frames in @z (before it goes on a list). */
static inline void set_page_order(struct zone *z, struct page *page, unsigned int order)
{
	page->order = order;
	page->zone = z->type;
	page->node = z->node;
	set_page_flag(page, PG_buddy);
}

/* @page leaves its free list: no longer a free head. */
static inline void rmv_page_order(struct page *page)
{
	clear_page_flag(page, PG_buddy);
}

/*
 * May @buddy merge with @page, a block of 2^@order frames being freed?  Only
 * if it is itself a free head (on a list now), of the same order, and in the
 * same zone: a zone boundary may cut a pair of buddies in two.
 */
static inline bool page_is_buddy(const struct page *page, const struct page *buddy,
				 unsigned int order)
{
	return test_page_flag(buddy, PG_buddy) && buddy->order == order &&
	       page_zone(buddy) == page_zone(page);
}

#endif
