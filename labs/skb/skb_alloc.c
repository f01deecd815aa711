/*
 * SPDX-License-Identifier: MIT
 * labs/skb/skb_alloc.c - the skb lab's skeleton: getting a socket buffer
 * (__alloc_skb, kmalloc_reserve) and moving its data pointers (skb_reserve,
 * skb_put, skb_push, skb_pull).  `make lab LAB=skb` builds the kernel with
 * this file in place of net/skb_alloc.c; labs/skb/README.md is the assignment.
 *
 * The contracts are include/net/skbuff.h (read __alloc_skb's comment there
 * first: every sentence of it is graded); the pictures are in
 * docs/network.md.  Freeing, clones and copies are net/skbuff.c: read
 * kfree_skbmem and skb_clone to see what they expect of an skb you made.
 *
 * What you have (net/skbuff_internal.h):
 *   skb_gfp_context(gfp)        the mask to really use in this context
 *   gfp_pfmemalloc_allowed(gfp) may this mask use the emergency reserve?
 *   skb_buffer_size(size)       how many bytes to ask kmalloc for
 *   skb_fclone_ref(skb)         the int after a fast-clone pair
 *   skb_stat_inc(field)         count one event in skb_stats
 *   skb_over_panic, skb_under_panic   the reports of a put or push too far
 * and from elsewhere: kmem_cache_alloc_node, kmem_cache_free (mm/slab.h),
 * kmalloc_node, ksize, kfree, sk_memalloc_socks (net/sock.h),
 * skbuff_head_cache and skbuff_fclone_cache (net/skbuff.h).
 */
#include <kernel/trace.h>
#include <mm/kmalloc_sizes.h>
#include <mm/slab.h>
#include <net/sock.h>
#include <string.h>

#include "skbuff_internal.h"

/*
 * kmalloc_reserve - see skbuff_internal.h.  The first try is quiet
 * (__GFP_NOWARN): its failure is not the caller's failure while the
 * reserve may still serve.
 */
void *kmalloc_reserve(size_t size, gfp_t gfp, int node, bool *pfmemalloc)
{
	/*
	 * TODO (part "pfmemalloc").  Now: one plain try, never marked.
	 *  - If gfp_pfmemalloc_allowed(gfp): try kmalloc_node without the
	 *    reserve first (add __GFP_NOMEMALLOC and __GFP_NOWARN); only if that
	 *    fails, try again with @gfp as given.  A buffer from that second try
	 *    came from the reserve: set *pfmemalloc and count skb_stats.pfmemalloc.
	 *  - Otherwise one try with @gfp; *pfmemalloc is false.
	 */
	*pfmemalloc = false;
	return kmalloc_node(size, gfp, node);
}

/*
 * skb_kmalloc - kmalloc_node(@size, @gfp, @node) with kmalloc's choice of
 * cache in line (kmalloc_slab): the same lookup kmalloc_size_roundup made of
 * @size just before, which the compiler then makes once.  @gfp has no
 * __GFP_ZERO (the caller tested it), so the allocation that leaves out its
 * test serves (what kmem_cache_alloc_node picks for a mask it can see).
 */
static __always_inline void *skb_kmalloc(size_t size, gfp_t gfp, int node)
{
	if (likely(size <= KMALLOC_MAX_CACHE_SIZE))
		return __kmem_cache_alloc_node_nozero(kmalloc_slab(size, gfp), gfp, node);
	return kmalloc_node(size, gfp, node);
}

/*
 * __alloc_skb - see include/net/skbuff.h and __alloc_skb(9).  The struct
 * first, then the data; a failure of the data frees the struct, so every
 * path that returns NULL has given back what it took.
 */
struct sk_buff *__alloc_skb(unsigned int size, gfp_t gfp_mask, int flags, int node)
{
	/*
	 * TODO.  Now: no skb ever (the NIC cannot fill its receive ring, UDP
	 * and ARP cannot send; the kernel still boots).  In steps:
	 *
	 *  1. The mask: gfp_mask = skb_gfp_context(gfp_mask).  With
	 *     SKB_ALLOC_RX and sk_memalloc_socks(), add __GFP_MEMALLOC
	 *     (part "pfmemalloc").
	 *  2. The struct: from skbuff_fclone_cache with SKB_ALLOC_FCLONE, else
	 *     skbuff_head_cache (NULL before skb_init: fail).  Never __GFP_DMA
	 *     for it: only the data is for the device.
	 *  3. The data: kmalloc_reserve(skb_buffer_size(size), ...).  On
	 *     failure give the struct back (part "failure").
	 *  4. The struct: zero every field before tail (offsetof); the room is
	 *     everything the size class gave up to the shared info:
	 *     SKB_WITH_OVERHEAD(ksize(data)).  head = data = the buffer, tail at
	 *     data, end after the room, truesize SKB_TRUESIZE(room), one user,
	 *     pfmemalloc as kmalloc_reserve said, all three header offsets
	 *     SKB_HEADER_UNSET (parts "empty, no headroom", "tailroom").
	 *  5. The shared info (skb_shinfo): zero up to dataref, dataref 1
	 *     (part "one reference").
	 *  6. SKB_ALLOC_FCLONE: skb is SKB_FCLONE_ORIG, its companion skb + 1
	 *     SKB_FCLONE_UNAVAILABLE with skb's pfmemalloc, and the count after
	 *     the pair (skb_fclone_ref) 1 (part "fast clones").
	 *  7. Count: skb_stats.allocated on success, alloc_failed on every NULL;
	 *     trace_skb(TE_ALLOC_SKB, skb, size) before returning the skb.
	 */
	return NULL;
}

/* ---- data: reserve, put, push, pull --------------------------------------------- */

/* skb_reserve - see include/net/skbuff.h.  3.10: a static inline there. */
void skb_reserve(struct sk_buff *skb, int len)
{
	/* TODO (part "reserve, put, push, pull"): move data and tail by @len. */
}

/* skb_put - append @len bytes; returns where they go.  Past end: skb_over_panic.  Any context. */
void *skb_put(struct sk_buff *skb, unsigned int len)
{
	/*
	 * TODO (parts "reserve, put, push, pull" and "put and push past the
	 * buffer panic").  Now: the old tail, nothing moved.  Check first (a
	 * len bigger than the tailroom, however big, calls skb_over_panic with
	 * __builtin_return_address(0) and the skb untouched), then move tail
	 * and len; return the old tail.
	 */
	return skb_tail_pointer(skb);
}

/*
 * skb_push - prepend @len bytes; returns the new data.  Past head:
 * skb_under_panic.  Any context.
 */
void *skb_push(struct sk_buff *skb, unsigned int len)
{
	/*
	 * TODO (the same two parts).  Now: data, nothing moved.  More than the
	 * headroom: skb_under_panic, checked before anything moves.
	 */
	return skb->data;
}

/* skb_pull - skip @len bytes of data; NULL (nothing changed) if there are fewer.  Any context. */
void *skb_pull(struct sk_buff *skb, unsigned int len)
{
	/*
	 * TODO (part "reserve, put, push, pull").  Now: every packet is too
	 * short.  A short packet is not a bug: NULL, the skb unchanged.
	 */
	return NULL;
}
