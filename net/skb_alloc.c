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
 *    the data from kmalloc_node, sized so the struct skb_shared_info lands
 *    on a cache line at the end; whatever slack the kmalloc size class
 *    leaves becomes tailroom (ksize), as Linux does.
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
#include <mm/slab.h>
#include <net/sock.h>
#include <string.h>

#include "skbuff_internal.h"

/*
 * kmalloc_reserve - see skbuff_internal.h.  The first try is quiet
 * (__GFP_NOWARN): its failure is not the caller's failure while the
 * reserve may still serve.
 */
__always_inline void *kmalloc_reserve(size_t size, gfp_t gfp, int node, bool *pfmemalloc)
{
	void *obj;

	*pfmemalloc = false;
	if (likely(!gfp_pfmemalloc_allowed(gfp)))
		return kmalloc_node(size, gfp, node); /* the common case: one try, a tail call */
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
 * __alloc_skb - see include/net/skbuff.h and __alloc_skb(9).  The struct
 * first, then the data; a failure of the data frees the struct, so every
 * path that returns NULL has given back what it took.
 *
 * The two clears are skb_clear (skbuff_internal.h): a few 16-byte stores in
 * line.  memset was a call into newlib's loop, a fifth of the whole
 * allocation and free (make bench, "skb alloc_skb").
 */
struct sk_buff *__alloc_skb(unsigned int size, gfp_t gfp_mask, int flags, int node)
{
	struct kmem_cache *cache;
	struct skb_shared_info *shinfo;
	struct sk_buff *skb;
	unsigned char *data;
	unsigned int room;
	bool pfmemalloc;

	gfp_mask = skb_gfp_context(gfp_mask);
	if ((flags & SKB_ALLOC_RX) && sk_memalloc_socks())
		gfp_mask |= __GFP_MEMALLOC;

	cache = (flags & SKB_ALLOC_FCLONE) ? skbuff_fclone_cache : skbuff_head_cache;
	if (unlikely(!cache))
		goto fail; /* before skb_init() */
	/* GFP_DMA is for the data a device reads; the struct never needs it. */
	skb = kmem_cache_alloc_node(cache, gfp_mask & ~__GFP_DMA, node);
	if (unlikely(!skb))
		goto fail;

	data = kmalloc_reserve(skb_buffer_size(size), gfp_mask, node, &pfmemalloc);
	if (unlikely(!data))
		goto free_skb;
	/* The size class's slack is tailroom too: everything up to the shared info. */
	room = SKB_WITH_OVERHEAD(ksize(data));

	/* Every field in front of tail is zero; the buffer's own are set below. */
	skb_clear(skb, offsetof(struct sk_buff, tail));
	skb->truesize = SKB_TRUESIZE(room);
	skb->pfmemalloc = pfmemalloc;
	skb->users = 1;
	skb->head = data;
	skb->data = data;
	skb_reset_tail_pointer(skb);
	skb->end = skb->tail + room;
	/* 3.10 leaves network_header 0; we unset it as mac and transport: docs/linux-3.10.md */
	skb->mac_header = SKB_HEADER_UNSET;
	skb->network_header = SKB_HEADER_UNSET;
	skb->transport_header = SKB_HEADER_UNSET;

	/*
	 * The shared info is zeroed up to dataref, as 3.10: destructor_arg and
	 * frags[] mean nothing while nr_frags is 0.  One pass: dataref is set
	 * right after the clear, nothing of it is written twice.
	 */
	shinfo = skb_shinfo(skb);
	skb_clear(shinfo, offsetof(struct skb_shared_info, dataref));
	shinfo->dataref = 1;

	if (flags & SKB_ALLOC_FCLONE) {
		/* The companion (skb + 1) waits, free, for the first skb_clone. */
		struct sk_buff *child = skb + 1;

		skb->fclone = SKB_FCLONE_ORIG;
		*skb_fclone_ref(skb) = 1;
		child->fclone = SKB_FCLONE_UNAVAILABLE;
		child->pfmemalloc = pfmemalloc;
	}
	skb_stat_inc(allocated);
	trace_skb(TE_ALLOC_SKB, skb, size);
	return skb;

free_skb:
	kmem_cache_free(cache, skb);
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
