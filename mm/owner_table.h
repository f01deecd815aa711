/*
 * SPDX-License-Identifier: MIT
 * mm/owner_table.h - a small map from element pointer to holder pid: the
 * bookkeeping under a mempool's deadlock diagnosis (mm/mempool_owner.c).
 *
 * Open addressing with linear probing in a power-of-two array; the caller
 * keeps the load at or under 1/2 and does all locking.  Deletion moves the
 * later entries of the probe run back into the hole (Knuth's algorithm R),
 * so there are no tombstones and a lookup stops at the first empty slot:
 *
 *   home(e7) = 2
 *   [0] empty  [1] empty  [2] e7  [3] e2  [4] e9  [5] empty ...
 *                          \_____ run from e7's home ____/
 *
 * Plain C, no kernel headers, on purpose: tests/host/test_owner_table.c
 * runs it on the host under AddressSanitizer and UBSan against a reference
 * model.
 */
#ifndef MM_OWNER_TABLE_H
#define MM_OWNER_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mempool_owner {
	void *elem; /* NULL: the slot is empty */
	int pid;    /* the holder's pid, or MEMPOOL_IN_FLIGHT (mm/mempool_internal.h) */
};

/*
 * Lookup and insertion are inline: they run on every mempool_alloc and mempool_free of a
 * CONFIG_DEBUG_MEMPOOL kernel, and are a few instructions each.
 */

/* The slot @elem hashes to in a table of @slots (a power of two >= 2). */
static inline unsigned int owner_table_home(const void *elem, unsigned int slots)
{
	/* Fibonacci hashing: the top bits of elem * 2^64/phi. */
	uint64_t h = (uint64_t)(uintptr_t)elem * 0x9e3779b97f4a7c15ULL;

	return (unsigned int)(h >> (64 - __builtin_ctz(slots)));
}

/* The slot holding @elem, or -1 if it is not in @tab. */
static inline int owner_table_find(const struct mempool_owner *tab, unsigned int slots,
				   const void *elem)
{
	unsigned int i = owner_table_home(elem, slots);

	for (; tab[i].elem; i = (i + 1) & (slots - 1))
		if (tab[i].elem == elem)
			return (int)i;
	return -1;
}

/* Add @e (e.elem != NULL).  The table must have a free slot. */
static inline void owner_table_insert(struct mempool_owner *tab, unsigned int slots,
				      struct mempool_owner e)
{
	unsigned int i = owner_table_home(e.elem, slots);

	while (tab[i].elem)
		i = (i + 1) & (slots - 1);
	tab[i] = e;
}

/* Empty slot @i (which holds an entry), keeping every other entry findable. */
void owner_table_remove(struct mempool_owner *tab, unsigned int slots, unsigned int i);

/* Insert every entry of @src into @dst (empty, with room for them all). */
void owner_table_copy(struct mempool_owner *dst, unsigned int dst_slots,
		      const struct mempool_owner *src, unsigned int src_slots);

#endif
