/*
 * SPDX-License-Identifier: MIT
 * net/skbuff_internal.h - between net/skbuff.c (freeing, clones, copies) and
 * net/skb_alloc.c (__alloc_skb and the data pointers, the reference for
 * labs/skb/).  Nothing outside those two files includes this.
 *
 * In 3.10 all of it is one file, net/core/skbuff.c, where these are static.
 */
#ifndef NET_SKBUFF_INTERNAL_H
#define NET_SKBUFF_INTERNAL_H

#include <kernel/compiler.h>
#include <kernel/preempt.h>
#include <mm/gfp.h>
#include <net/skbuff.h>

/* Count one event in skb_stats (atomically: any context, any CPU). */
#define skb_stat_inc(field) __atomic_add_fetch(&skb_stats.field, 1, __ATOMIC_RELAXED)

/*
 * skb_gfp_context - the mask to really use.  The man page: "Buffers may
 * only be allocated from interrupts using a gfp_mask of GFP_ATOMIC".  So a
 * sleeping mask where sleeping is not allowed, or in interrupt context any
 * mask that is not GFP_ATOMIC's (GFP_NOWAIT included, which Linux would let
 * pass), is the caller's bug: might_sleep() reports it once, and it is
 * served as GFP_ATOMIC, as the allocators below would.
 *
 * A debug check, as the slab fast path's: only CONFIG_DEBUG_PREEMPT builds
 * (make test's) look.  Without it (make bench) @gfp goes on as given, as in
 * 3.10 without CONFIG_DEBUG_ATOMIC_SLEEP: a sleeping mask in atomic context
 * is then reported, and served as atomic, by the slab slow path if the
 * allocation gets there.
 */
static __unused gfp_t skb_gfp_context(gfp_t gfp)
{
#ifdef CONFIG_DEBUG_PREEMPT
	/*
	 * 3.10 lets GFP_NOWAIT pass in an IRQ; we warn, serve it as GFP_ATOMIC:
	 * docs/linux-3.10.md
	 */
	bool not_atomic = gfpflags_allow_blocking(gfp) || !(gfp & __GFP_HIGH);

	/* GFP_ATOMIC, the common case, is decided by the mask alone: no context read. */
	if ((gfpflags_allow_blocking(gfp) || (not_atomic && in_interrupt())) && might_sleep())
		gfp = (gfp & ~__GFP_WAIT) | __GFP_HIGH;
#endif
	return gfp;
}

/* May @gfp dip into the emergency reserve?  __GFP_MEMALLOC, unless __GFP_NOMEMALLOC. */
static inline bool gfp_pfmemalloc_allowed(gfp_t gfp)
{
	return (gfp & __GFP_MEMALLOC) && !(gfp & __GFP_NOMEMALLOC);
}

/*
 * skb_buffer_size - what to ask kmalloc for, for @size bytes of data: the
 * data rounded to a cache line, then the shared info (itself a whole
 * number of cache lines).  No ceiling here: header offsets are
 * sk_buff_data_t, so whatever kmalloc gives works, and a size it cannot
 * give fails there (as 3.10's kmalloc_reserve).  size_t: rounding never
 * wraps, where 3.10's unsigned int does for sizes past 0xffffffc0.
 */
static inline size_t skb_buffer_size(size_t size)
{
	return SKB_DATA_ALIGN(size) + SKB_DATA_ALIGN(sizeof(struct skb_shared_info));
}

/*
 * skb_clear - zero @bytes (a multiple of 4, known at compile time) at @p,
 * as 16-byte stores written out in line, then at most one of 8 and one of
 * 4 bytes.  What memset would do, without the call (-ffreestanding makes
 * every memset one) and without the "rep stos" the compiler picks for a
 * constant size, which runs once per 8 bytes: __alloc_skb clears 128 bytes
 * of the struct in 8 stores and the shared info's 36 in 4.  @p needs no
 * alignment (the vectors are declared 8-byte aligned: unaligned stores).
 */
static __always_inline void skb_clear(void *p, size_t bytes)
{
	typedef u64 skb_vec __attribute__((vector_size(16), aligned(8)));
	char *c = p;
	size_t i;

#pragma GCC unroll 16
	for (i = 0; i + 16 <= bytes; i += 16)
		*(skb_vec *)(c + i) = (skb_vec){ 0, 0 };
	if (bytes - i >= 8) {
		*(u64 *)(c + i) = 0;
		i += 8;
	}
	if (bytes - i >= 4)
		*(u32 *)(c + i) = 0;
}

/* A fast-clone object's count of halves in use: the int after the two sk_buffs. */
static inline int *skb_fclone_ref(struct sk_buff *orig)
{
	return (int *)(orig + 2);
}

/*
 * kmalloc_reserve - a data buffer of @size bytes on @node (net/skb_alloc.c).
 * If @gfp allows the reserve (gfp_pfmemalloc_allowed), tries first without
 * it (__GFP_NOMEMALLOC, quietly) and only then with it, setting *@pfmemalloc
 * when the second try was needed; otherwise one try, *@pfmemalloc false.
 * Returns the buffer or NULL.  3.10: __kmalloc_reserve.
 */
void *kmalloc_reserve(size_t size, gfp_t gfp, int node, bool *pfmemalloc);

/*
 * The reports of a put past the end or a push past the start (net/skbuff.c):
 * a BUG, with the caller @addr, the size asked for and the skb's pointers.
 */
__noreturn void skb_over_panic(const struct sk_buff *skb, unsigned int sz, void *addr);
__noreturn void skb_under_panic(const struct sk_buff *skb, unsigned int sz, void *addr);

#endif
