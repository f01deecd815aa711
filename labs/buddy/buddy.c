/*
 * SPDX-License-Identifier: MIT
 * labs/buddy/buddy.c - YOUR buddy lists: merging a freed block with its free
 * buddies, and splitting a large block to serve a smaller request.  This file
 * takes the place of mm/buddy.c in `make lab LAB=buddy` (labs/buddy/README.md).
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
 *
 * What you may use (mm/internal.h, mm/mmzone.h, include/kernel/list.h):
 *   pfn_to_page(pfn), page_to_pfn(page), max_pfn, MAX_ORDER
 *   page_is_buddy(page, buddy, order)   is @buddy a free head of @order in page's zone?
 *   set_page_order(z, page, order)      mark @page the head of a free block of @order
 *   rmv_page_order(page)                @page is no longer a free head
 *   z->free_area[order].free_list, .nr_free
 *   list_add(&page->lru, &list), list_del(&page->lru)
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

	/*
	 * TODO (part "free merges a block with its free buddy", then "... all the
	 * way up"): before the block goes on its list, merge.  While order is below
	 * MAX_ORDER - 1:
	 *   - the buddy's pfn is pfn with bit @order flipped; past max_pfn, stop;
	 *   - if page_is_buddy() says no, stop;
	 *   - take the buddy off its list: list_del, rmv_page_order, and one less
	 *     in nr_free of this order;
	 *   - the merged block starts at the lower of the two pfns; one order up.
	 * Hint: draw the lists of buddy_test_free_merges_only_with_a_buddy_of_the_same_order
	 * (tests/mm/test_buddy_lists.c) before you write the loop.
	 *
	 * Until then the block goes on its list as it is, never merged: free memory
	 * only ever breaks into smaller pieces.
	 */
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
	/*
	 * TODO (part "expand splits a block into one half per order"): while
	 * high > low, step down one order (area - 1, high - 1, the size halves),
	 * and put the upper half, &page[size], on that order's list as a free head
	 * of that order, counted in nr_free.  @area is &z->free_area[high].
	 *
	 * Until then every piece of 2^low frames after the first goes back by
	 * itself on the list of order @low: 2^(high-low) - 1 small blocks instead
	 * of one block per order, and they never grow back.
	 */
	for (unsigned long off = 1UL << low; off < 1UL << high; off += 1UL << low) {
		set_page_order(z, &page[off], low);
		list_add(&page[off].lru, &z->free_area[low].free_list);
		z->free_area[low].nr_free++;
	}
}
