/*
 * SPDX-License-Identifier: MIT
 * mm/buddy.c - the buddy lists: merging a freed block with its free buddies,
 * and splitting a large block to serve a smaller request.  The reference for
 * labs/buddy/ (mm/page_alloc.c calls both with zone->lock held).
 *
 * A block of 2^order frames starts at a pfn that is a multiple of 2^order.
 * Its buddy is the other half of the block of twice its size that holds it:
 * the pfn with bit `order` flipped.
 *
 *   order 2, pfn 8:   [ 8  9 10 11 ][12 13 14 15 ]   buddy of 8 is 12 (8 ^ 4)
 *                     \________ order 3, pfn 8 ___/
 *
 * Freeing merges while the buddy is a free head of the same order, climbing
 * one order each time; allocation takes a block of order `high`, keeps its
 * first 2^low frames and puts each upper half back, one per order.
 */
#include <mm/mmzone.h>
#include "internal.h"

/*
 * __free_one_page - put the free block [pfn, pfn + 2^order) of @z on its list.
 * While its buddy is free (page_is_buddy), take the buddy off its list and
 * go on with the merged block one order up; the result goes on the list of
 * its final order, its head marked (set_page_order) and counted in nr_free.
 * Never merges past MAX_ORDER - 1 or with a pfn beyond max_pfn.  Caller holds
 * z->lock and counts z->free_pages itself.
 */
void __free_one_page(struct zone *z, unsigned long pfn, unsigned int order)
{
	struct page *page = pfn_to_page(pfn);

	while (order < MAX_ORDER - 1) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		struct page *buddy;

		if (buddy_pfn >= max_pfn)
			break;
		buddy = pfn_to_page(buddy_pfn);
		if (!page_is_buddy(page, buddy, order))
			break;
		list_del(&buddy->lru);
		rmv_page_order(buddy);
		z->free_area[order].nr_free--;
		pfn &= ~(1UL << order); /* the merged block starts at the lower buddy */
		page = pfn_to_page(pfn);
		order++;
	}
	set_page_order(z, page, order);
	list_add(&page->lru, &z->free_area[order].free_list);
	z->free_area[order].nr_free++;
}

/*
 * expand - @page heads a block of 2^@high frames just taken off @area (the
 * list of order @high) for a request of order @low.  Keep its first 2^@low
 * frames for the caller and give each upper half back to the list one order
 * below, from the largest down: the halves of order high-1, high-2, ..., low.
 * No merging: each half's buddy is the part we keep.  Caller holds z->lock.
 */
void expand(struct zone *z, struct page *page, unsigned int low, unsigned int high,
	    struct free_area *area)
{
	unsigned long size = 1UL << high;

	while (high > low) {
		area--;
		high--;
		size >>= 1;
		set_page_order(z, &page[size], high);
		list_add(&page[size].lru, &area->free_list);
		area->nr_free++;
	}
}
