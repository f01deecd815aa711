/*
 * SPDX-License-Identifier: MIT
 * net/skb_alloc.c - getting a socket buffer (__alloc_skb, kmalloc_reserve) and
 * moving its data pointers (skb_reserve, skb_put, skb_push, skb_pull).
 * The reference for labs/skb/.
 *
 * The contracts are include/net/skbuff.h (for __alloc_skb, the Linux man
 * page __alloc_skb(9), restated there in our words); the pictures are in
 * docs/network.md.  Semantics follow Linux's net/core/skbuff.c; the code is
 * our own.  Freeing, clones and copies are net/skbuff.c.
 *
 *  - Two allocations make one skb: the struct from skbuff_head_cache (or,
 *    for SKB_ALLOC_FCLONE, a two-skb object of skbuff_fclone_cache), then
 *    the data from kmalloc's cache for its size, sized so the struct
 *    skb_shared_info lands on a cache line at the end; whatever slack the
 *    kmalloc size class leaves becomes tailroom, as Linux does (the size
 *    class is known before the allocation: kmalloc_size_roundup).
 *
 *  - Reserve memory (pfmemalloc): an SKB_ALLOC_RX buffer first tries without
 *    the reserve (__GFP_NOMEMALLOC) and only then with __GFP_MEMALLOC; an
 *    skb whose buffer needed the second try is marked pfmemalloc.  This is
 *    Linux's kmalloc_reserve(), and it keeps pfmemalloc meaning "would not
 *    have existed without the reserve".
 *
 * No locks: an skb has one owner at a time; counts are atomic.
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
	void *obj;

	*pfmemalloc = false;
	if (likely(!gfp_pfmemalloc_allowed(gfp)))
		return kmalloc_node(size, gfp, node); /* one try */
	obj = kmalloc_node(size, gfp | __GFP_NOMEMALLOC | __GFP_NOWARN, node);
	if (obj)
		return obj;
	obj = kmalloc_node(size, gfp, node);
	if (obj) {
		*pfmemalloc = true;
		skb_stat_inc(pfmemalloc);
	}
	return obj;
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
 *
 * The data's size is rounded up to its kmalloc size class before asking
 * (kmalloc_size_roundup), so the room is known without a ksize() of the
 * buffer afterwards: the same bytes, one lookup fewer.
 */
/* No SLP vectorizing: head and data as one 16-byte store took 3 instructions for 2. */
__attribute__((optimize("no-tree-slp-vectorize"))) struct sk_buff *
__alloc_skb(unsigned int size, gfp_t gfp_mask, int flags, int node)
{
	struct kmem_cache *cache;
	struct skb_shared_info *shinfo;
	struct sk_buff *skb;
	unsigned char *data;
	size_t bufsize, osize;
	unsigned int room;
	bool pfmemalloc;

	gfp_mask = skb_gfp_context(gfp_mask);
	/* 3.10's order: no memalloc socket (the rule) is one test, whatever the flags. */
	if (unlikely(sk_memalloc_socks()) && (flags & SKB_ALLOC_RX))
		gfp_mask |= __GFP_MEMALLOC;

	cache = (flags & SKB_ALLOC_FCLONE) ? skbuff_fclone_cache : skbuff_head_cache;
	if (unlikely(!cache))
		goto fail; /* before skb_init() */
	/*
	 * GFP_DMA is for the data a device reads; the struct never needs it,
	 * nor __GFP_ZERO: every field is set below.
	 */
	skb = kmem_cache_alloc_node(cache, gfp_mask & ~(__GFP_DMA | __GFP_ZERO), node);
	if (unlikely(!skb))
		goto fail;
	/*
	 * The fields that do not depend on the buffer first, so that fewer
	 * values live across the buffer's allocation: every field in front of
	 * tail zero, one user, no header yet, a fast-clone pair's halves.
	 */
	skb_clear(skb, offsetof(struct sk_buff, tail));
	skb->users = 1;
	/* 3.10 leaves network_header 0; we unset it as mac and transport: docs/linux-3.10.md */
	skb->transport_header = SKB_HEADER_UNSET;
	skb->network_header = SKB_HEADER_UNSET;
	skb->mac_header = SKB_HEADER_UNSET;
	if (flags & SKB_ALLOC_FCLONE) {
		/* The companion (skb + 1) waits, free, for the first skb_clone. */
		skb->fclone = SKB_FCLONE_ORIG;
		*skb_fclone_ref(skb) = 1;
		(skb + 1)->fclone = SKB_FCLONE_UNAVAILABLE;
		(skb + 1)->pfmemalloc = 0;
	}

	/* 3.10 asks ksize() after, we round up before: docs/linux-3.10.md */
	bufsize = skb_buffer_size(size);
	osize = kmalloc_size_roundup(bufsize);
	/* A mask that may use the reserve or zeroes takes kmalloc_reserve's tries; one test. */
	if (unlikely(gfp_mask & (__GFP_MEMALLOC | __GFP_ZERO))) {
		data = kmalloc_reserve(osize, gfp_mask, node, &pfmemalloc);
		if (data && pfmemalloc) {
			skb->pfmemalloc = 1;
			if (skb->fclone == SKB_FCLONE_ORIG)
				(skb + 1)->pfmemalloc = 1;
		}
	} else {
		data = skb_kmalloc(bufsize, gfp_mask, node);
	}
	if (unlikely(!data))
		goto free_skb;

	/* The size class's slack is tailroom too: everything up to the shared info. */
	room = SKB_WITH_OVERHEAD(osize);
	skb->truesize = SKB_TRUESIZE(room);
	skb->head = data;
	skb->data = data;
	skb_reset_tail_pointer(skb);
	skb->end = skb->tail + room;

	/*
	 * The shared info is zeroed up to dataref, as 3.10: destructor_arg and
	 * frags[] mean nothing while nr_frags is 0.  One pass: dataref is set
	 * right after the clear, nothing of it is written twice.
	 */
	shinfo = skb_shinfo(skb);
	skb_clear(shinfo, offsetof(struct skb_shared_info, dataref));
	shinfo->dataref = 1;
	skb_stat_inc(allocated);
	trace_skb(TE_ALLOC_SKB, skb, size);
	return skb;

free_skb:
	/* Its cache from the struct itself: @flags and @cache need not outlive the first call. */
	kmem_cache_free(skb->fclone == SKB_FCLONE_ORIG ? skbuff_fclone_cache : skbuff_head_cache,
			skb);
fail:
	skb_stat_inc(alloc_failed);
	return NULL;
}

/* ---- data: reserve, put, push, pull --------------------------------------------- */

/* skb_reserve - see include/net/skbuff.h.  3.10: a static inline there. */
void skb_reserve(struct sk_buff *skb, int len)
{
	skb->data += len;
	skb->tail += len;
}

/* skb_put - append @len bytes; returns where they go.  Past end: skb_over_panic.  Any context. */
void *skb_put(struct sk_buff *skb, unsigned int len)
{
	void *tmp = skb_tail_pointer(skb);

	/* 3.10 moves tail first and then checks; we check first: docs/linux-3.10.md */
	if (unlikely(len > skb->end - skb->tail))
		skb_over_panic(skb, len, __builtin_return_address(0));
	skb->tail += len;
	skb->len += len;
	return tmp;
}

/*
 * skb_push - prepend @len bytes; returns the new data.  Past head:
 * skb_under_panic.  Any context.
 */
void *skb_push(struct sk_buff *skb, unsigned int len)
{
	/* 3.10 moves data first and then checks; we check first: docs/linux-3.10.md */
	if (unlikely(len > skb_headroom(skb)))
		skb_under_panic(skb, len, __builtin_return_address(0));
	skb->data -= len;
	skb->len += len;
	return skb->data;
}

/* skb_pull - skip @len bytes of data; NULL (nothing changed) if there are fewer.  Any context. */
void *skb_pull(struct sk_buff *skb, unsigned int len)
{
	if (unlikely(len > skb->len))
		return NULL;
	skb->len -= len;
	return skb->data += len;
}
