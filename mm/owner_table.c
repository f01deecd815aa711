/*
 * SPDX-License-Identifier: MIT
 * mm/owner_table.c - the pointer -> pid map of mm/owner_table.h: removal and
 * copying (lookup and insertion are inline in the header).
 *
 * Portable C (no kernel headers), like kernel/cmdline.c, so the host runs
 * it under the sanitizers with random insert/remove sequences.
 */
#include "owner_table.h"

/* Is @home cyclically inside (hole, j]?  Then the entry at j must stay where it is. */
static bool home_between(unsigned int hole, unsigned int home, unsigned int j)
{
	if (hole <= j)
		return hole < home && home <= j;
	return hole < home || home <= j; /* the run wrapped past the end */
}

void owner_table_remove(struct mempool_owner *tab, unsigned int slots, unsigned int i)
{
	unsigned int mask = slots - 1, j = i;

	for (;;) {
		tab[i].elem = NULL;
		/* Find the next entry of the run that may move back into the hole at i. */
		do {
			j = (j + 1) & mask;
			if (!tab[j].elem)
				return;
		} while (home_between(i, owner_table_home(tab[j].elem, slots), j));
		tab[i] = tab[j];
		i = j;
	}
}

void owner_table_copy(struct mempool_owner *dst, unsigned int dst_slots,
		      const struct mempool_owner *src, unsigned int src_slots)
{
	for (unsigned int i = 0; i < src_slots; i++)
		if (src[i].elem)
			owner_table_insert(dst, dst_slots, src[i]);
}
