/*
 * SPDX-License-Identifier: MIT
 * net/skbuff.c - freeing, cloning and copying socket buffers, and their caches.
 *
 * The contract is include/net/skbuff.h; the pictures are in docs/network.md.
 * Semantics follow Linux's net/core/skbuff.c; the code is our own.  Getting
 * an skb (__alloc_skb) and moving its data pointers (skb_reserve, put, push,
 * pull) are net/skb_alloc.c, the reference for labs/skb/ (3.10: this file).
 *
 * Design notes.
 *
 *  - Two slab caches: skbuff_head_cache (one struct sk_buff) and
 *    skbuff_fclone_cache (two struct sk_buffs and an int fclone_ref, one
 *    after the other, as 3.10 lays them out: skb + 1 is the companion,
 *    skb + 2 the count).  Data buffers come from kmalloc_node, sized so the
 *    struct skb_shared_info lands on a cache line at the end; whatever
 *    slack the kmalloc size class leaves becomes tailroom (ksize), as
 *    Linux does.
 *
 *  - Two reference counts: skb->users counts holders of the struct,
 *    shinfo->dataref counts structs sharing the buffer (in its low 16 bits;
 *    the high 16 count those that released the headers, skb->nohdr).  The
 *    struct is freed when users reaches 0; the buffer when the last
 *    sk_buff using it lets go: an skb that was never cloned frees it
 *    outright, a cloned one subtracts its share (1, or 1 + 1 << 16 with
 *    nohdr) and frees on 0.  A fast-clone object is freed when fclone_ref
 *    reaches 0 (each half in use holds one).
 *
 *  - Reserve memory (pfmemalloc): an SKB_ALLOC_RX buffer may come from the
 *    reserve and is then marked pfmemalloc (net/skb_alloc.c, kmalloc_reserve);
 *    a clone or copy of such a packet may use the reserve too.
 *
 *  - Sleeping: a gfp mask that may sleep, used where sleeping is not
 *    allowed, is warned about once here (might_sleep) and then stripped of
 *    __GFP_WAIT, so the slab and page allocators below do not warn again.
 *
 * No locks: an skb has one owner at a time; counts are atomic.
 */
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/trace.h>
#include <mm/slab.h>
#include <net/sock.h>
#include <string.h>

#include "skbuff_internal.h"

struct kmem_cache *skbuff_head_cache;	/* struct sk_buff */
struct kmem_cache *skbuff_fclone_cache; /* two struct sk_buffs and an int */

/* 3.10 keeps no such counters; ours feed the monitor's skbinfo: docs/linux-3.10.md */
struct skb_stats skb_stats;

/* shinfo sits at end: everything in front of it must stay cache aligned. */
BUILD_BUG_ON(SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) % SMP_CACHE_BYTES);
/* fclone is a 2-bit field holding SKB_FCLONE_*. */
BUILD_BUG_ON(SKB_FCLONE_CLONE > 3);
/* The int after the two sk_buffs of a fast-clone object needs no padding. */
BUILD_BUG_ON(sizeof(struct sk_buff) % __alignof__(int));

/* skb_init - the two caches; SLAB_PANIC: without them there is no networking.  Thread. */
void skb_init(void)
{
	if (skbuff_head_cache)
		return;
	skbuff_head_cache = kmem_cache_create("skbuff_head_cache", sizeof(struct sk_buff), 0,
					      SLAB_HWCACHE_ALIGN | SLAB_PANIC, NULL);
	skbuff_fclone_cache =
		kmem_cache_create("skbuff_fclone_cache", 2 * sizeof(struct sk_buff) + sizeof(int),
				  0, SLAB_HWCACHE_ALIGN | SLAB_PANIC, NULL);
}

/* ---- freeing ---------------------------------------------------------------- */

/*
 * Drop this skb's hold on its buffer and free the buffer if it was the last:
 * an skb never cloned owns it alone; a cloned one gives back its share of
 * dataref (one reference, plus one payload-only reference if it released
 * the headers) and frees it when nothing is left.
 */
static __always_inline void skb_release_data(struct sk_buff *skb)
{
	if (!skb->cloned) {
		kfree(skb->head); /* never cloned: the buffer is ours alone, no count to touch */
	} else {
		int share = skb->nohdr ? (1 << SKB_DATAREF_SHIFT) + 1 : 1;

		if (__atomic_sub_fetch(&skb_shinfo(skb)->dataref, share, __ATOMIC_ACQ_REL) == 0)
			kfree(skb->head);
	}
	/* skb->head now dangles: both callers free the struct or give it a new head next. */
}

/*
 * Give the struct back, 3.10's three cases: a plain skb to skbuff_head_cache;
 * a fast-clone original or companion drops its half of fclone_ref (the
 * companion first becomes UNAVAILABLE again, free for the next skb_clone of
 * the original), and the object goes back to skbuff_fclone_cache on 0.
 */
static __always_inline void kfree_skbmem(struct sk_buff *skb)
{
	struct sk_buff *orig;

	skb_stat_inc(freed);
	switch (skb->fclone) {
	case SKB_FCLONE_UNAVAILABLE:
		kmem_cache_free(skbuff_head_cache, skb);
		return;
	case SKB_FCLONE_ORIG:
		orig = skb;
		break;
	default: /* SKB_FCLONE_CLONE */
		orig = skb - 1;
		skb->fclone = SKB_FCLONE_UNAVAILABLE;
		break;
	}
	if (__atomic_sub_fetch(skb_fclone_ref(orig), 1, __ATOMIC_ACQ_REL) == 0)
		kmem_cache_free(skbuff_fclone_cache, orig);
}

/*
 * __kfree_skb - free @skb now, whatever its users count: destructor, data,
 * struct.  Inlined, with the two above, into kfree_skb and consume_skb:
 * freeing an skb is then one call deep to the slab allocator's fast paths.
 */
static __always_inline void __kfree_skb(struct sk_buff *skb)
{
	if (skb->destructor)
		skb->destructor(skb);
	/*
	 * The common case, tested at once: never cloned, no fast-clone half
	 * (the two bit fields share a word: one test).  Then the buffer and
	 * the struct are this skb's alone, as skb_release_data and
	 * kfree_skbmem would find after a test each.
	 */
	if (likely(!skb->cloned && skb->fclone == SKB_FCLONE_UNAVAILABLE)) {
		kfree(skb->head);
		skb_stat_inc(freed);
		kmem_cache_free(skbuff_head_cache, skb);
		return;
	}
	skb_release_data(skb);
	kfree_skbmem(skb);
}

/* Drop one reference; true if it was the last (the caller frees). */
static __always_inline bool skb_unref(struct sk_buff *skb)
{
	if (unlikely(!skb))
		return false;
	if (likely(__atomic_load_n(&skb->users, __ATOMIC_RELAXED) == 1))
		return true; /* nobody else can be dropping it at the same time */
	return __atomic_sub_fetch(&skb->users, 1, __ATOMIC_ACQ_REL) == 0;
}

/* kfree_skb - drop a reference; the last one frees, counted as a drop.  Any context. */
void kfree_skb(struct sk_buff *skb)
{
	if (!skb_unref(skb))
		return;
	skb_stat_inc(dropped);
	trace_skb(TE_KFREE_SKB, skb, 0);
	__kfree_skb(skb);
}

/* consume_skb - kfree_skb for a packet that was used: not counted as a drop.  Any context. */
void consume_skb(struct sk_buff *skb)
{
	if (!skb_unref(skb))
		return;
	trace_skb(TE_CONSUME_SKB, skb, 0);
	__kfree_skb(skb);
}

/* ---- clones and copies --------------------------------------------------------- */

/*
 * skb_clone_struct - a struct for a clone of @skb: the fast-clone companion
 * (@skb + 1) when @skb is an original and the companion is free
 * (UNAVAILABLE), with no allocation (so @gfp is not even looked at); else
 * one from skbuff_head_cache.
 * Only @skb's owner clones it, so the check needs no atomic exchange.
 */
static struct sk_buff *skb_clone_struct(struct sk_buff *skb, gfp_t gfp)
{
	struct sk_buff *n = skb + 1;

	if (skb->fclone == SKB_FCLONE_ORIG && n->fclone == SKB_FCLONE_UNAVAILABLE) {
		n->fclone = SKB_FCLONE_CLONE;
		__atomic_add_fetch(skb_fclone_ref(skb), 1, __ATOMIC_RELAXED);
		skb_stat_inc(fclone_hits);
		return n;
	}
	/* As 3.10, only a clone that allocates is held to the context rule. */
	gfp = skb_gfp_context(gfp);
	if (skb_pfmemalloc(skb))
		gfp |= __GFP_MEMALLOC; /* a reserve packet may be cloned from the reserve */
	/* Every field is copied from @skb: __GFP_ZERO would only be undone. */
	n = kmem_cache_alloc(skbuff_head_cache, gfp & ~__GFP_ZERO);
	if (n)
		n->fclone = SKB_FCLONE_UNAVAILABLE;
	return n;
}

/*
 * skb_clone - a new struct over the same buffer (dataref + 1), the fclone
 * companion when free.  Returns NULL on failure.  Context: as __alloc_skb.
 */
struct sk_buff *skb_clone(struct sk_buff *skb, gfp_t gfp_mask)
{
	struct sk_buff *n;
	u8 fclone;

	n = skb_clone_struct(skb, gfp_mask);
	if (!n) {
		skb_stat_inc(alloc_failed);
		return NULL;
	}
	fclone = n->fclone;
	*n = *skb; /* every field, then what is the clone's own */
	n->fclone = fclone;
	n->next = n->prev = NULL;
	n->sk = NULL;
	n->destructor = NULL;
	n->users = 1;
	n->hdr_len = skb->nohdr ? skb_headroom(skb) : skb->hdr_len;
	n->nohdr = 0;
	n->cloned = 1;
	skb->cloned = 1;
	__atomic_add_fetch(&skb_shinfo(skb)->dataref, 1, __ATOMIC_RELAXED);
	skb_stat_inc(allocated);
	return n;
}

/*
 * The header fields a copy inherits (not the buffer, the socket or the
 * counts), as 3.10's copy_skb_header: pfmemalloc too, so a copy of a reserve
 * packet is still one; mac_len and hdr_len are not copied (they stay 0).
 */
static void skb_copy_header(struct sk_buff *n, const struct sk_buff *old)
{
	n->dev = old->dev;
	memcpy(n->cb, old->cb, sizeof(n->cb));
	n->protocol = old->protocol;
	n->priority = old->priority;
	n->pkt_type = old->pkt_type;
	n->ip_summed = old->ip_summed;
	n->csum = old->csum;
	n->pfmemalloc = old->pfmemalloc;
	n->mac_header = old->mac_header;
	n->network_header = old->network_header;
	n->transport_header = old->transport_header;
}

/* skb_copy - new struct and new buffer, same headroom, bytes and offsets.  NULL on failure. */
struct sk_buff *skb_copy(const struct sk_buff *skb, gfp_t gfp_mask)
{
	unsigned int headroom = skb_headroom(skb);
	struct sk_buff *n;

	/* A reserve packet's copy may come from the reserve too (Linux: skb_alloc_rx_flag). */
	n = __alloc_skb(skb_end_offset(skb), gfp_mask, skb_pfmemalloc(skb) ? SKB_ALLOC_RX : 0,
			NUMA_NO_NODE);
	if (!n)
		return NULL;
	skb_reserve(n, headroom);
	skb_put(n, skb->len);
	memcpy(n->head, skb->head, headroom + skb->len);
	skb_copy_header(n, skb); /* same headroom, so the offsets stay right */
	return n;
}

/* Move every header offset that is set by @off bytes (the buffer start moved). */
static void skb_headers_offset_update(struct sk_buff *skb, int off)
{
	/* 3.10 moves unset network/transport offsets too; we only set ones: docs/linux-3.10.md */
	if (skb_mac_header_was_set(skb))
		skb->mac_header += off;
	if (skb_network_header_was_set(skb))
		skb->network_header += off;
	if (skb_transport_header_was_set(skb))
		skb->transport_header += off;
}

/*
 * pskb_expand_head - move @skb's data into a new, bigger, private buffer.
 * 0 or -ENOMEM (@skb untouched).  @skb must not be shared.  As 3.10, the
 * shared info's fields move with the data, the old buffer is released as
 * a clone would release it (or freed outright if nobody else uses it), and
 * truesize stays what it was.
 */
int pskb_expand_head(struct sk_buff *skb, int nhead, int ntail, gfp_t gfp_mask)
{
	size_t bufsize = skb_buffer_size((size_t)skb_end_offset(skb) + nhead + ntail);
	unsigned char *data;
	unsigned int size;
	bool pfmemalloc;
	long off;

	/* 3.10 BUGs on a negative nhead only; we on a negative ntail too: docs/linux-3.10.md */
	BUG_ON(nhead < 0 || ntail < 0);
	BUG_ON(skb_shared(skb));
	gfp_mask = skb_gfp_context(gfp_mask);
	if (skb_pfmemalloc(skb))
		gfp_mask |= __GFP_MEMALLOC;
	data = kmalloc_reserve(bufsize, gfp_mask, NUMA_NO_NODE, &pfmemalloc);
	if (!data)
		return -ENOMEM;
	size = SKB_WITH_OVERHEAD(ksize(data));

	/* Headroom and data move; the old tailroom is not worth copying. */
	memcpy(data + nhead, skb->head, skb->tail);
	memcpy(data + size, skb_shinfo(skb),
	       offsetof(struct skb_shared_info, frags[skb_shinfo(skb)->nr_frags]));
	off = (data + nhead) - skb->head;
	if (skb_cloned(skb))
		skb_release_data(skb);
	else
		kfree(skb->head);

	skb->head = data;
	skb->data += off;
	skb->end = size;
	skb->tail += nhead; /* offsets from head move by the headroom added */
	skb_headers_offset_update(skb, nhead);
	skb->cloned = 0;
	skb->hdr_len = 0;
	skb->nohdr = 0;
	skb_shinfo(skb)->dataref = 1;
	/* 3.10 leaves pfmemalloc alone; we mark a buffer from the reserve: docs/linux-3.10.md */
	skb->pfmemalloc |= pfmemalloc;
	return 0;
}

/*
 * skb_cow_head - private headroom of at least @headroom bytes (rounded to
 * NET_SKB_PAD).  As 3.10's __skb_cow, only the headers must be private: a
 * buffer shared with skbs that released their headers is written in place.
 * 0 or -ENOMEM.
 */
int skb_cow_head(struct sk_buff *skb, unsigned int headroom)
{
	unsigned int delta = 0;

	if (headroom > skb_headroom(skb))
		delta = headroom - skb_headroom(skb);
	if (delta || skb_header_cloned(skb))
		return pskb_expand_head(skb, ALIGN_UP(delta, NET_SKB_PAD), 0, GFP_ATOMIC);
	return 0;
}

/* skb_share_check - @skb if unshared, else a clone (our reference moves to it).  NULL: dropped. */
struct sk_buff *skb_share_check(struct sk_buff *skb, gfp_t pri)
{
	struct sk_buff *nskb;

	if (!skb_shared(skb))
		return skb;
	nskb = skb_clone(skb, pri);
	if (nskb)
		consume_skb(skb);
	else
		kfree_skb(skb);
	return nskb;
}

/* skb_unshare - @skb if not cloned, else a private copy (reference moves).  NULL: dropped. */
struct sk_buff *skb_unshare(struct sk_buff *skb, gfp_t pri)
{
	struct sk_buff *nskb;

	if (!skb_cloned(skb))
		return skb;
	nskb = skb_copy(skb, pri);
	kfree_skb(skb); /* as 3.10: counted as a drop even when the copy replaces it */
	return nskb;
}

/* ---- data: the panics, put_data, put_zero, trim (put, push, pull: skb_alloc.c) ---- */

/*
 * skb_panic - a put or push past the buffer.  Writing on would corrupt the
 * next object or the skb_shared_info, so this is a BUG, with what a reader
 * of the log needs: who called, how much, and where the pointers were.
 */
static __noreturn void skb_panic(const struct sk_buff *skb, unsigned int sz, void *addr,
				 const char *msg)
{
	char caller[96];

	ksym_format((unsigned long)addr, caller, sizeof(caller));
	panic("%s: text:%s len:%u put:%u head:%p data:%p tail:%#lx end:%#lx dev:%p", msg, caller,
	      skb->len, sz, (void *)skb->head, (void *)skb->data, (unsigned long)skb->tail,
	      (unsigned long)skb->end, (void *)skb->dev);
}

/* skb_over_panic, skb_under_panic: skb_put's and skb_push's reports (skbuff_internal.h). */
noinline void skb_over_panic(const struct sk_buff *skb, unsigned int sz, void *addr)
{
	skb_panic(skb, sz, addr, __func__);
}

noinline void skb_under_panic(const struct sk_buff *skb, unsigned int sz, void *addr)
{
	skb_panic(skb, sz, addr, __func__);
}

/* skb_put_data - skb_put and copy @data in. */
void *skb_put_data(struct sk_buff *skb, const void *data, unsigned int len)
{
	void *tmp = skb_put(skb, len);

	memcpy(tmp, data, len);
	return tmp;
}

/* skb_put_zero - skb_put and zero the new bytes. */
void *skb_put_zero(struct sk_buff *skb, unsigned int len)
{
	void *tmp = skb_put(skb, len);

	memset(tmp, 0, len);
	return tmp;
}

/* skb_trim - shorten the data to @len bytes; a longer @len changes nothing.  Any context. */
void skb_trim(struct sk_buff *skb, unsigned int len)
{
	if (skb->len > len)
		__skb_trim(skb, len);
}

/* skb_copy_bits - copy bytes out of the data (or headroom); -EFAULT outside it.  Any context. */
int skb_copy_bits(const struct sk_buff *skb, int offset, void *to, int len)
{
	/* 3.10 checks only the end; we refuse len < 0, offset < -headroom: docs/linux-3.10.md */
	if (len < 0 || offset < -(int)skb_headroom(skb) || offset > (int)skb->len - len)
		return -EFAULT;
	memcpy(to, skb->data + offset, len);
	return 0;
}
