/*
 * SPDX-License-Identifier: MIT
 * mm/kmalloc_sizes.h - kmalloc's size classes: which cache a request for
 * n bytes comes from, and how big that cache's objects are.
 *
 *   size      1-8  9-16  17-32  33-64  65-96  97-128  129-192  193-256 ... 4097-8192  > 8192
 *   index     3    4     5      6      1      7       2        8       ... 13         -
 *   object    8    16    32     64     96     128     192      256     ... 8192       pages
 *
 * Index i is the cache of 2^i-byte objects, except 1 (96 bytes) and 2
 * (192 bytes), as Linux's kmalloc_index(); the two odd sizes halve the
 * waste between 64, 128 and 256, where most small kernel structures fall.
 * Above KMALLOC_MAX_CACHE_SIZE a kmalloc is a block of whole pages.
 *
 * One model for every user: mm/slab_common.c picks its cache with it, and
 * the host tests' fake slab (tests/host/shim/host_slab.c) sizes its
 * objects with it, so ksize() says the same in both.
 */
#ifndef MM_KMALLOC_SIZES_H
#define MM_KMALLOC_SIZES_H

#include <kernel/types.h>
#include <mm/mm.h>
#include <mm/slab.h>

/*
 * The cache index of every size, by (size - 1) / 8: one load, where Linux
 * has a table for the small sizes and fls() for the rest.
 */
static const u8 kmalloc_size_index[KMALLOC_MAX_CACHE_SIZE / 8] = {
	[0] = 3,	     /*    1..8    kmalloc-8 */
	[1] = 4,	     /*    9..16   */
	[2 ... 3] = 5,	     /*   17..32   */
	[4 ... 7] = 6,	     /*   33..64   */
	[8 ... 11] = 1,	     /*   65..96   kmalloc-96 */
	[12 ... 15] = 7,     /*   97..128  */
	[16 ... 23] = 2,     /*  129..192  kmalloc-192 */
	[24 ... 31] = 8,     /*  193..256  */
	[32 ... 63] = 9,     /*  257..512  */
	[64 ... 127] = 10,   /*  513..1024 */
	[128 ... 255] = 11,  /* 1025..2048 */
	[256 ... 511] = 12,  /* 2049..4096 */
	[512 ... 1023] = 13, /* 4097..8192 */
};

/* kmalloc_index - the kmalloc cache for @size bytes, 1 <= @size <= KMALLOC_MAX_CACHE_SIZE. */
static inline unsigned int kmalloc_index(size_t size)
{
	return kmalloc_size_index[(size - 1) / 8];
}

/*
 * The object size of each kmalloc cache, by index: a load, not two compares
 * and a shift.  Laid out by hand: clang-format 14 aligns its rows unevenly.
 */
/* clang-format off */
static const u16 kmalloc_index_size[KMALLOC_SHIFT_HIGH + 1] = {
	[1] = 96, [2] = 192, [3] = 8, [4] = 16, [5] = 32, [6] = 64, [7] = 128, [8] = 256,
	[9] = 512, [10] = 1024, [11] = 2048, [12] = 4096, [13] = 8192,
};
/* clang-format on */

/* kmalloc_size - the object size of kmalloc cache @index (1..KMALLOC_SHIFT_HIGH). */
static inline unsigned int kmalloc_size(unsigned int index)
{
	return kmalloc_index_size[index];
}

enum kmalloc_cache_type {
	KMALLOC_NORMAL,
	KMALLOC_DMA,
	NR_KMALLOC_TYPES
};

struct kmem_cache;

/*
 * kmalloc_caches[type][i]: the cache of objects of 2^i bytes, except [1]
 * (96 bytes) and [2] (192 bytes); [0] is unused.  A table of pointers, as
 * Linux's, so that finding the cache is one load (mm/slab_common.c).
 */
extern struct kmem_cache *const kmalloc_caches[NR_KMALLOC_TYPES][KMALLOC_SHIFT_HIGH + 1];

/*
 * kmalloc_slab - the cache a kmalloc of @size (1..KMALLOC_MAX_CACHE_SIZE)
 * bytes with @gfp comes from: kmalloc's own choice, for a caller that knows
 * its size is a slab's and allocates from the cache itself (3.10's, in
 * slub_def.h, for kmalloc of a constant size).
 */
static inline struct kmem_cache *kmalloc_slab(size_t size, gfp_t gfp)
{
	if (unlikely(gfp & __GFP_DMA))
		return kmalloc_caches[KMALLOC_DMA][kmalloc_index(size)];
	return kmalloc_caches[KMALLOC_NORMAL][kmalloc_index(size)];
}

/*
 * kmalloc_size_roundup - how many bytes a kmalloc of @size really gets
 * (what ksize() then says): its cache's object size, or up to
 * KMALLOC_MAX_SIZE the whole pages of the block; 0 for 0.  Linux 6.1's,
 * inline: for a size class it is two loads.
 */
static inline size_t kmalloc_size_roundup(size_t size)
{
	/* One compare for both rare cases: 0 - 1 wraps around to the largest size_t. */
	if (unlikely(size - 1 >= KMALLOC_MAX_CACHE_SIZE))
		return size ? PAGE_SIZE << get_order(size) : 0;
	return kmalloc_size(kmalloc_index(size));
}

#endif
