/*
 * SPDX-License-Identifier: MIT
 * net/skbuff.h - socket buffers: the one structure a packet lives in from the
 * NIC's receive ring to a socket's queue, and from a socket back to the wire.
 *
 * Names, signatures and meaning are Linux's (include/linux/skbuff.h), so code
 * written against this header reads like Linux driver and protocol code.
 * docs/network.md draws the same pictures with the tests that show them.
 *
 * Two allocations make one skb: the struct sk_buff (from the slab cache
 * "skbuff_head_cache", or "skbuff_fclone_cache" for a fast-clone pair), and
 * the data buffer (kmalloc_node) which ends in a struct skb_shared_info.
 * tail and end are offsets from head (sk_buff_data_t: Linux 3.10 on 64-bit,
 * NET_SKBUFF_DATA_USES_OFFSET); head and data are pointers:
 *
 *   struct sk_buff                      data buffer (kmalloc_node)
 *   +-------------+          +-----------------------------------------+
 *   | head  ------+--------> | headroom   (skb_headroom)               |
 *   | data  ------+--------> +-----------------------------------------+ <-+
 *   |             |          | packet data: len bytes                  |   | len
 *   | tail  ------+-head+--> +-----------------------------------------+ <-+
 *   |             |          | tailroom   (skb_tailroom)               |
 *   | end   ------+-head+--> +-----------------------------------------+
 *   | len         |          | struct skb_shared_info (320 bytes)      |
 *   | users = 1   |          |   dataref: sk_buffs sharing this buffer |
 *   | cloned      |          |   nr_frags, frags[], frag_list, gso_*   |
 *   | fclone      |          +-----------------------------------------+
 *   | ...         |
 *   +-------------+          head <= data <= head + tail <= head + end;
 *                            len == head + tail - data (all data is linear)
 *
 * skb_tail_pointer() and skb_end_pointer() turn the offsets into pointers;
 * code that uses them (and skb_end_offset()) reads the same as 3.10's.
 *
 * How the pointers move (the arrows are what each call changes):
 *
 *   __alloc_skb(size)   head = data, tail = 0       end >= size
 *   skb_reserve(n)      data += n, tail += n        (headroom for headers)
 *   skb_put(n)          tail += n, len += n         (append payload; returns the old tail)
 *   skb_push(n)         data -= n, len += n         (prepend a header; returns new data)
 *   skb_pull(n)         data += n, len -= n         (strip a header; returns new data)
 *   skb_trim(n)         tail = data - head + n      (cut the end off; len = n)
 *
 * Header offsets (mac_header, network_header, transport_header) are
 * sk_buff_data_t offsets from head too, so they survive pushes and pulls:
 * skb_reset_*_header() records the current data position, skb_*_header()
 * returns the pointer.  An unsigned int lets a header sit anywhere in the
 * largest buffer kmalloc can give (KMALLOC_MAX_SIZE).
 *
 * Memory.  An skb with a buffer of X data bytes costs SKB_TRUESIZE(X) =
 * X + SKB_DATA_ALIGN(sizeof(struct sk_buff)) + SKB_DATA_ALIGN(sizeof(struct
 * skb_shared_info)), which truesize reports.  __alloc_skb(size) asks kmalloc
 * for SKB_DATA_ALIGN(size) + SKB_DATA_ALIGN(320) bytes and gives every byte
 * of the size class up to the shared info to the data:
 * end = SKB_WITH_OVERHEAD(ksize(head)), as 3.10 does.
 *
 * Sharing.  Two counts, two questions:
 *   skb->users                  "who holds this struct sk_buff?"  skb_get(),
 *                               skb_shared(); kfree_skb() drops one.
 *   skb_shinfo(skb)->dataref    "how many sk_buffs point at this buffer?"
 *                               skb_clone() adds one; skb_cloned() asks.
 * A clone is a second struct sk_buff over the same data (for a packet going
 * two ways: a tap and the stack, or kept for retransmission while the NIC
 * sends it).  Neither may write to the shared bytes: skb_copy(), skb_unshare()
 * or skb_cow_head() give a private buffer.
 *
 * dataref holds two counts, 16 bits each (3.10's SKB_DATAREF_SHIFT):
 *
 *   bits 31..16: sk_buffs that use only the payload (skb_header_release:
 *                skb->nohdr set; they promise never to touch the headers)
 *   bits 15..0:  all sk_buffs that use the buffer (what skb_cloned() reads)
 *
 * skb_header_cloned() subtracts the first from the second: true when some
 * other sk_buff may still read the headers.  A TCP-like sender keeps the
 * original with its headers released and hands clones to the device; the
 * clone may then rewrite its headers in place while the original waits.
 *
 * Fast clones.  __alloc_skb(..., SKB_ALLOC_FCLONE, ...) takes one object of
 * skbuff_fclone_cache: two struct sk_buffs and an int, one after the other
 * (3.10's layout: no struct around them, addressed as skb + 1 and skb + 2):
 *
 *   skb          fclone = SKB_FCLONE_ORIG          returned to the caller
 *   skb + 1      fclone = SKB_FCLONE_UNAVAILABLE   the companion, waiting
 *   skb + 2      int fclone_ref = 1                 halves in use
 *
 * skb_clone(skb) hands out the companion without allocating when skb is
 * SKB_FCLONE_ORIG and the companion is SKB_FCLONE_UNAVAILABLE (free): it
 * becomes SKB_FCLONE_CLONE and fclone_ref goes to 2.  Any other clone (of a
 * plain skb, of a clone, or while the companion is out) comes from
 * skbuff_head_cache and is SKB_FCLONE_UNAVAILABLE.  Freeing the companion
 * makes it SKB_FCLONE_UNAVAILABLE again (free for the next clone); the
 * object goes back to skbuff_fclone_cache when fclone_ref reaches 0.
 *
 * pfmemalloc.  Under memory pressure the page allocator keeps a reserve for
 * __GFP_MEMALLOC callers (mm/gfp.h).  If some socket serves swap or
 * writeback (sock.h: SOCK_MEMALLOC, sk_memalloc_socks()), receive buffers
 * (SKB_ALLOC_RX, and so netdev_alloc_skb) may use it.  An skb whose data came
 * from the reserve has skb->pfmemalloc set and may only be delivered to a
 * SOCK_MEMALLOC socket: the protocol stack calls sk_filter() (sock.h) at
 * socket delivery, which drops it for others and counts the drop.
 *
 * Context.  Everything here may run in any context - interrupt handlers,
 * softirqs, threads - except allocation with a gfp mask that may sleep
 * (GFP_KERNEL): from interrupts only GFP_ATOMIC (the man page, __alloc_skb(9));
 * anything else prints the might_sleep "BUG: sleeping function called from
 * invalid context" warning and is then served as GFP_ATOMIC.  An sk_buff
 * has no lock: one owner at a time uses it (queues have a lock).
 *
 * Not here (yet): paged fragments and frag_list (skb_shared_info has 3.10's
 * frags[MAX_SKB_FRAGS] and frag_list, but nothing fills them: nr_frags and
 * data_len are always 0, so every skb is linear and pskb_may_pull() only
 * checks the length), GSO, checksum offload beyond the ip_summed field.
 */
#ifndef NET_SKBUFF_H
#define NET_SKBUFF_H

#include <kernel/compiler.h>
#include <kernel/panic.h>
#include <kernel/spinlock.h>
#include <kernel/trace.h>
#include <kernel/types.h>
#include <mm/gfp.h>
#include <mm/mm.h>

struct net_device; /* the stack's, include/net/netdevice.h */
struct sock;	   /* include/net/sock.h */

/* ---- sizes ---------------------------------------------------------------- */

#define SMP_CACHE_BYTES	  64
/* Round an allocation size so the struct skb_shared_info after it is cache aligned. */
#define SKB_DATA_ALIGN(x) ALIGN_UP((size_t)(x), SMP_CACHE_BYTES)
/* The data bytes that fit in an X-byte buffer once skb_shared_info is taken off. */
/* clang-format 14 reads "(x) & y" or "(x) - y" in a macro as a cast: left as written. */
/* clang-format off */
#define SKB_WITH_OVERHEAD(x)	((x) - SKB_DATA_ALIGN(sizeof(struct skb_shared_info)))
/* clang-format on */
/* What an skb with X bytes of data costs in memory: what truesize reports. */
#define SKB_TRUESIZE(x)                                 \
	((x) + SKB_DATA_ALIGN(sizeof(struct sk_buff)) + \
	 SKB_DATA_ALIGN(sizeof(struct skb_shared_info)))

/*
 * Headroom netdev_alloc_skb() leaves in front of received data, so headers
 * can be pushed (a tunnel, a VLAN tag) without reallocating.  Linux:
 * max(32, L1_CACHE_BYTES).
 */
#define NET_SKB_PAD  64
/* Extra headroom to align the IP header after a 14-byte Ethernet header: 0 on x86, as Linux. */
#define NET_IP_ALIGN 0

/* __alloc_skb() flags. */
#define SKB_ALLOC_FCLONE 0x01 /* from skbuff_fclone_cache, with a companion clone */
#define SKB_ALLOC_RX	 0x02 /* a receive buffer: may use the reserve (pfmemalloc) */

/*
 * skb->fclone, 3.10's states.  UNAVAILABLE is both "from skbuff_head_cache"
 * and "a fast-clone companion that is free": skb_clone() checks the
 * original's state first, so the two never meet.
 */
enum {
	SKB_FCLONE_UNAVAILABLE, /* plain skb, or the companion (skb + 1) while free */
	SKB_FCLONE_ORIG,	/* the first skb of a skbuff_fclone_cache object */
	SKB_FCLONE_CLONE,	/* the companion, handed out by skb_clone() */
};

/* skb->ip_summed, as Linux. */
#define CHECKSUM_NONE	     0 /* nobody checked; software must */
#define CHECKSUM_UNNECESSARY 1 /* the device checked it */
#define CHECKSUM_COMPLETE    2 /* the device summed the packet into skb->csum */
#define CHECKSUM_PARTIAL     3 /* TX: the device must finish it */

/* skb->pkt_type, as Linux's PACKET_* (linux/if_packet.h). */
#define PACKET_HOST	 0 /* to us */
#define PACKET_BROADCAST 1
#define PACKET_MULTICAST 2
#define PACKET_OTHERHOST 3 /* to someone else (promiscuous) */
#define PACKET_OUTGOING	 4

/* ---- the structures --------------------------------------------------------- */

/*
 * An offset from skb->head: Linux 3.10's type on 64-bit (NET_SKBUFF_DATA_USES_OFFSET).
 * A typedef against the tree's habit, because 3.10 spells it so.
 */
typedef unsigned int sk_buff_data_t;

/*
 * MAX_SKB_FRAGS - page fragments one skb can carry: enough pages for a 64 KiB
 * frame that does not start on a page boundary (65536 / PAGE_SIZE + 1), at
 * least 16.  17 with 4 KiB pages, as 3.10 computes it.
 */
#define MAX_SKB_FRAGS ((65536 / PAGE_SIZE + 1) < 16 ? 16UL : (65536 / PAGE_SIZE + 1))

/* skb_frag_t - one page fragment: 3.10's struct skb_frag_struct on 64-bit (a typedef, as there). */
typedef struct skb_frag_struct skb_frag_t;

struct skb_frag_struct {
	struct {
		struct page *p;
	} page;
	u32 page_offset; /* bytes into the page */
	u32 size;	 /* bytes of packet in it */
};

/* 3.10's hardware time stamps are two ktime_t; we use s64 (same size): docs/linux-3.10.md */
struct skb_shared_hwtstamps {
	s64 hwtstamp;
	s64 syststamp;
};

/*
 * dataref's two halves: the high 16 bits count payload-only references
 * (skb_header_release), the low 16 bits every reference.
 */
#define SKB_DATAREF_SHIFT 16
#define SKB_DATAREF_MASK  ((1 << SKB_DATAREF_SHIFT) - 1)

/*
 * struct skb_shared_info - at skb_end_pointer(skb), shared by all clones:
 * 3.10's fields in 3.10's order, 320 bytes on x86_64.  __alloc_skb zeroes
 * every field before dataref and sets dataref to 1; destructor_arg and
 * frags[] are left as they are until someone fills nr_frags of them.
 * Fragments, frag_list, GSO and time stamps exist for the layout (so the
 * tailroom of a given size is 3.10's figure): nothing here fills them yet.
 */
/* 3.10's dataref is an atomic_t; we use an int with __atomic builtins: docs/linux-3.10.md */
struct skb_shared_info {
	unsigned char nr_frags; /* frags[] in use: always 0 */
	u8 tx_flags;		/* SKBTX_* (3.10): always 0 */
	unsigned short gso_size;
	unsigned short gso_segs;
	unsigned short gso_type;
	struct sk_buff *frag_list; /* always NULL */
	struct skb_shared_hwtstamps hwtstamps;
	u32 ip6_frag_id; /* __be32 in 3.10 */
	int dataref;	 /* two counts, SKB_DATAREF_SHIFT */
	void *destructor_arg;
	skb_frag_t frags[MAX_SKB_FRAGS]; /* must stay last */
};

BUILD_BUG_ON(sizeof(skb_frag_t) != 16);
BUILD_BUG_ON(offsetof(struct skb_shared_info, dataref) != 36);
BUILD_BUG_ON(sizeof(struct skb_shared_info) != 320); /* 3.10's, x86_64 with 4 KiB pages */

/* 3.10 has 31 more fields (tstamp, mark, vlan_tci, ...); we keep these: docs/linux-3.10.md */
struct sk_buff {
	/* Queue links: must stay first, struct sk_buff_head starts the same way. */
	struct sk_buff *next;
	struct sk_buff *prev;

	struct sock *sk;	/* owning socket, or NULL */
	struct net_device *dev; /* arrived on / leaves through */

	/*
	 * Scratch space for the layer that owns the skb now (Linux's cb):
	 * each protocol puts its per-packet state here and must not expect it
	 * to survive a hand-over to another layer.
	 */
	char cb[48] __aligned(8);

	void (*destructor)(
		struct sk_buff *skb); /* called when the skb is freed (socket accounting) */

	unsigned int len;      /* bytes of data: tail - data (+ data_len) */
	unsigned int data_len; /* bytes in fragments: always 0 here */
	u16 mac_len;	       /* length of the link-layer header */
	u16 hdr_len;

	u8 cloned : 1;	   /* head may be shared with another sk_buff */
	u8 ip_summed : 2;  /* CHECKSUM_* */
	u8 nohdr : 1;	   /* payload reference only (skb_header_release) */
	u8 pkt_type : 3;   /* PACKET_* */
	u8 fclone : 2;	   /* SKB_FCLONE_* */
	u8 pfmemalloc : 1; /* data came from the emergency reserve */

	u16 protocol;			 /* ETH_P_*, network byte order (Linux: __be16) */
	sk_buff_data_t transport_header; /* offsets from head; SKB_HEADER_UNSET (~0U) while unset */
	sk_buff_data_t network_header;
	sk_buff_data_t mac_header;

	u32 priority;
	u32 csum;	   /* for CHECKSUM_COMPLETE */
	u16 queue_mapping; /* transmit queue netdev_pick_tx chose (net/dev.c) */

	/* The buffer: __alloc_skb zeroes every field above tail, and sets these. */
	sk_buff_data_t tail; /* offset from head: skb_tail_pointer() */
	sk_buff_data_t end;  /* offset from head: skb_end_pointer(), the shared info */
	unsigned char *head;
	unsigned char *data;
	unsigned int truesize; /* memory charged for this skb: SKB_TRUESIZE(end) */
	int users;	       /* references to this struct (atomic) */
};

/*
 * struct sk_buff_head - a queue of skbs: a circular list whose head looks
 * like an sk_buff's first two fields, so an empty queue points at itself.
 *
 *   head.next -> skb1 <-> skb2 <-> skb3 <- head.prev
 *   (skb1->prev and skb3->next are (struct sk_buff *)&head)
 */
struct sk_buff_head {
	struct sk_buff *next; /* must match struct sk_buff */
	struct sk_buff *prev;
	u32 qlen;
	spinlock_t lock; /* for the unprefixed (locked) functions */
};

_Static_assert(offsetof(struct sk_buff, next) == offsetof(struct sk_buff_head, next),
	       "sk_buff_head must alias the start of sk_buff");
_Static_assert(offsetof(struct sk_buff, prev) == offsetof(struct sk_buff_head, prev),
	       "sk_buff_head must alias the start of sk_buff");

/* ---- allocation and freeing ------------------------------------------------- */

/**
 * __alloc_skb - allocate a network buffer
 * @size: bytes of tailroom wanted
 * @gfp_mask: allocation mask (GFP_ATOMIC from interrupts, GFP_KERNEL in threads)
 * @flags: 0, SKB_ALLOC_FCLONE (from skbuff_fclone_cache, with a companion
 *         clone ready for the next skb_clone), SKB_ALLOC_RX (use
 *         __GFP_MEMALLOC when sk_memalloc_socks(): a receive buffer may
 *         come from the reserve, and is then marked pfmemalloc)
 * @node: NUMA node for the struct and the data (NUMA_NO_NODE: the current one)
 *
 * Returns an skb with no headroom, a tailroom of at least @size bytes, len 0,
 * users 1, dataref 1, header offsets unset - or NULL on failure, having
 * freed whatever part was allocated.  The caller owns the reference.
 * Any @size whose buffer kmalloc can give works (whole pages above
 * KMALLOC_MAX_CACHE_SIZE): up to SKB_WITH_OVERHEAD(KMALLOC_MAX_SIZE) bytes;
 * more is a failure (kmalloc warns unless __GFP_NOWARN).
 * Context: any with GFP_ATOMIC; may sleep with GFP_KERNEL, which outside
 * thread context warns (might_sleep) and is served as GFP_ATOMIC.
 */
struct sk_buff *__alloc_skb(unsigned int size, gfp_t gfp_mask, int flags, int node);

/* alloc_skb - __alloc_skb(size, priority, 0, NUMA_NO_NODE). */
static inline struct sk_buff *alloc_skb(unsigned int size, gfp_t priority)
{
	return __alloc_skb(size, priority, 0, NUMA_NO_NODE);
}

/* alloc_skb_fclone - an skb whose first clone costs no allocation (TX paths that keep a copy). */
static inline struct sk_buff *alloc_skb_fclone(unsigned int size, gfp_t priority)
{
	return __alloc_skb(size, priority, SKB_ALLOC_FCLONE, NUMA_NO_NODE);
}

/**
 * __netdev_alloc_skb - a receive buffer for @dev
 * @dev: the device receiving (stored in skb->dev; may be NULL)
 * @length: bytes of packet the buffer must hold
 * @gfp_mask: GFP_ATOMIC normally (RX refill runs in softirq context)
 *
 * An SKB_ALLOC_RX skb with NET_SKB_PAD bytes of headroom already reserved
 * and at least @length bytes of tailroom.  Returns NULL on failure.
 * Context: any with GFP_ATOMIC.
 */
/* 3.10's is out of line, ours inline over __alloc_skb: docs/linux-3.10.md */
static inline struct sk_buff *__netdev_alloc_skb(struct net_device *dev, unsigned int length,
						 gfp_t gfp_mask)
{
	/*
	 * 3.10 takes a small head from a page fragment (build_skb); we kmalloc
	 * it: docs/linux-3.10.md
	 */
	struct sk_buff *skb =
		__alloc_skb(length + NET_SKB_PAD, gfp_mask, SKB_ALLOC_RX, NUMA_NO_NODE);

	if (unlikely(!skb))
		return NULL;
	/* skb_reserve(skb, NET_SKB_PAD), written out: skb_reserve is out of line for labs/skb. */
	skb->data += NET_SKB_PAD;
	skb->tail += NET_SKB_PAD;
	skb->dev = dev;
	trace_skb(TE_NETDEV_ALLOC_SKB, skb, length);
	return skb;
}

/* netdev_alloc_skb - __netdev_alloc_skb(dev, length, GFP_ATOMIC).  Context: any. */
static inline struct sk_buff *netdev_alloc_skb(struct net_device *dev, unsigned int length)
{
	return __netdev_alloc_skb(dev, length, GFP_ATOMIC);
}

/**
 * kfree_skb - drop a reference to @skb; free it if it was the last
 *
 * On the last reference: the destructor runs, the data buffer is freed when
 * no clone still uses it (dataref reaches 0), and the struct goes back to
 * its cache (a fast-clone pair when both halves are free).  Counts the skb
 * as dropped (skb_stats.dropped): use consume_skb() for a packet that was
 * used.  NULL is ignored.  The skb must not be on a queue.
 * Context: any.
 */
void kfree_skb(struct sk_buff *skb);

/*
 * consume_skb - as kfree_skb, for an skb that did its job (not counted as a
 * drop).  Context: any.
 */
void consume_skb(struct sk_buff *skb);

/* Linux's driver spellings; all contexts are alike here. */
static inline void dev_kfree_skb(struct sk_buff *skb)
{
	consume_skb(skb);
}
static inline void dev_kfree_skb_any(struct sk_buff *skb)
{
	kfree_skb(skb);
}
static inline void dev_kfree_skb_irq(struct sk_buff *skb)
{
	kfree_skb(skb);
}
static inline void dev_consume_skb_any(struct sk_buff *skb)
{
	consume_skb(skb);
}

/* ---- references, clones, copies ----------------------------------------------- */

/* skb_get - take another reference to @skb; returns @skb.  Context: any. */
static inline struct sk_buff *skb_get(struct sk_buff *skb)
{
	__atomic_add_fetch(&skb->users, 1, __ATOMIC_RELAXED);
	return skb;
}

/* skb_shared - does anyone else hold a reference to this struct sk_buff? */
static inline bool skb_shared(const struct sk_buff *skb)
{
	return __atomic_load_n(&skb->users, __ATOMIC_RELAXED) != 1;
}

/**
 * skb_clone - a second sk_buff over the same data
 * @skb: the skb to clone; keeps its reference
 * @gfp_mask: allocation mask for the new struct
 *
 * The clone has its own users (1), queue links, sk (NULL), destructor
 * (NULL) and nohdr (0; its hdr_len is @skb's headroom if @skb released its
 * headers), and copies every other field; the data buffer is shared
 * (dataref + 1) and both are marked cloned.  If @skb is SKB_FCLONE_ORIG and
 * its companion (@skb + 1) is SKB_FCLONE_UNAVAILABLE, the companion is the
 * clone (now SKB_FCLONE_CLONE; nothing allocated); otherwise the clone comes
 * from skbuff_head_cache.  Returns the clone, or NULL.
 * Context: as __alloc_skb when it allocates; a fast clone allocates nothing,
 * so its @gfp_mask is not checked against the context (as 3.10).
 */
struct sk_buff *skb_clone(struct sk_buff *skb, gfp_t gfp_mask);

/**
 * skb_copy - a private copy of @skb: new struct, new buffer
 *
 * Same headroom, data, length and header offsets, and @skb's pfmemalloc
 * mark; not cloned, users 1, no socket, mac_len and hdr_len 0 (as 3.10).
 * Returns NULL on failure.  Context: as __alloc_skb.
 */
struct sk_buff *skb_copy(const struct sk_buff *skb, gfp_t gfp_mask);

/**
 * pskb_expand_head - give @skb a private buffer with more room
 * @nhead: bytes of headroom to add
 * @ntail: bytes of tailroom to add
 *
 * @skb must not be shared (skb_shared() false).  The data moves to a new
 * buffer (the old one is released: freed, or left to the clones still
 * using it); pointers into the old buffer become invalid, header offsets
 * stay right.  Returns 0, or -ENOMEM leaving @skb untouched.
 * Context: as __alloc_skb.
 */
int pskb_expand_head(struct sk_buff *skb, int nhead, int ntail, gfp_t gfp_mask);

/* skb_cloned - may the data be shared with another sk_buff (so must not be written)? */
static inline bool skb_cloned(const struct sk_buff *skb);

/*
 * skb_unclone - make @skb's data private if it is cloned.  0 or -ENOMEM.
 * Context: as __alloc_skb.
 */
static inline int skb_unclone(struct sk_buff *skb, gfp_t pri)
{
	return skb_cloned(skb) ? pskb_expand_head(skb, 0, 0, pri) : 0;
}

/**
 * skb_cow_head - make the headroom writable and at least @headroom bytes
 *
 * Before writing headers in front of data that may be shared: the buffer
 * is copied if it is too small or if another sk_buff may read the headers
 * (skb_header_cloned; skbs that released them do not count).  Returns 0,
 * or -ENOMEM (@skb untouched).  Context: any (GFP_ATOMIC).
 */
int skb_cow_head(struct sk_buff *skb, unsigned int headroom);

/**
 * skb_share_check - get an skb this caller alone holds
 *
 * If @skb is shared, clone it and drop the caller's reference to the
 * original: returns the clone, or NULL (the reference is dropped either
 * way).  Otherwise returns @skb.  How a protocol's receive function starts.
 */
struct sk_buff *skb_share_check(struct sk_buff *skb, gfp_t pri);

/**
 * skb_unshare - get an skb whose data this caller alone may write
 *
 * If @skb is cloned, copy it and drop the caller's reference with kfree_skb
 * (a drop in skb_stats, as 3.10, even when the copy replaces it): returns
 * the copy, or NULL.  Otherwise returns @skb.
 */
struct sk_buff *skb_unshare(struct sk_buff *skb, gfp_t pri);

/* ---- the buffer --------------------------------------------------------------- */

/* tail and end are offsets from head (3.10's NET_SKBUFF_DATA_USES_OFFSET): these make pointers. */
static inline unsigned char *skb_tail_pointer(const struct sk_buff *skb)
{
	return skb->head + skb->tail;
}

static inline unsigned char *skb_end_pointer(const struct sk_buff *skb)
{
	return skb->head + skb->end;
}

/* skb_end_offset - the buffer's data bytes: where the shared info starts. */
static inline unsigned int skb_end_offset(const struct sk_buff *skb)
{
	return skb->end;
}

/* skb_reset_tail_pointer - tail = data: no packet bytes (yet). */
static inline void skb_reset_tail_pointer(struct sk_buff *skb)
{
	skb->tail = skb->data - skb->head;
}

/* skb_set_tail_pointer - tail @offset bytes after data. */
static inline void skb_set_tail_pointer(struct sk_buff *skb, const int offset)
{
	skb_reset_tail_pointer(skb);
	skb->tail += offset;
}

static inline struct skb_shared_info *skb_shinfo(const struct sk_buff *skb)
{
	return (struct skb_shared_info *)skb_end_pointer(skb);
}

/* skb_dataref - both halves of dataref (ours; 3.10 reads skb_shinfo(skb)->dataref itself). */
static inline int skb_dataref(const struct sk_buff *skb)
{
	return __atomic_load_n(&skb_shinfo(skb)->dataref, __ATOMIC_RELAXED);
}

/* skb_cloned: does any other sk_buff use this buffer (the low half of dataref)? */
static inline bool skb_cloned(const struct sk_buff *skb)
{
	return skb->cloned && (skb_dataref(skb) & SKB_DATAREF_MASK) != 1;
}

/**
 * skb_header_cloned - may another sk_buff read this buffer's headers?
 *
 * All references less the payload-only ones (skb_header_release): false
 * when every other sk_buff sharing the buffer has released the headers, so
 * this one may rewrite them in place.  Context: any.
 */
static inline bool skb_header_cloned(const struct sk_buff *skb)
{
	int dataref;

	if (!skb->cloned)
		return false;
	dataref = skb_dataref(skb);
	return (dataref & SKB_DATAREF_MASK) - (dataref >> SKB_DATAREF_SHIFT) != 1;
}

/**
 * skb_header_release - this sk_buff will not touch the headers any more
 *
 * Sets skb->nohdr and counts one payload-only reference in dataref's high
 * half, so skb_header_cloned() of the other sk_buffs over the buffer leaves
 * this one out.  Only once per skb (a second call is a BUG); the reference
 * is given back when the skb is freed.  Context: any.
 */
static inline void skb_header_release(struct sk_buff *skb)
{
	BUG_ON(skb->nohdr);
	skb->nohdr = 1;
	__atomic_add_fetch(&skb_shinfo(skb)->dataref, 1 << SKB_DATAREF_SHIFT, __ATOMIC_RELAXED);
}

static inline bool skb_is_nonlinear(const struct sk_buff *skb)
{
	return skb->data_len;
}
static inline unsigned int skb_headlen(const struct sk_buff *skb)
{
	return skb->len - skb->data_len;
}
static inline bool skb_pfmemalloc(const struct sk_buff *skb)
{
	return skb->pfmemalloc;
}

/* skb_headroom - bytes free in front of data. */
static inline unsigned int skb_headroom(const struct sk_buff *skb)
{
	return skb->data - skb->head;
}

/* skb_tailroom - bytes free after tail (0 for a nonlinear skb). */
static inline int skb_tailroom(const struct sk_buff *skb)
{
	return skb_is_nonlinear(skb) ? 0 : (int)(skb->end - skb->tail);
}

/**
 * skb_reserve - make headroom in an empty skb
 * @len: bytes to move data and tail forward by
 *
 * Only on an skb with no data yet (len 0), before skb_put.  Unchecked, as
 * 3.10.  Context: any.
 */
/* 3.10's is a static inline; ours is out of line for labs/skb: docs/linux-3.10.md */
void skb_reserve(struct sk_buff *skb, int len);

/* netdev_alloc_skb_ip_align - with NET_IP_ALIGN more headroom (0 on x86).  Context: any. */
static inline struct sk_buff *netdev_alloc_skb_ip_align(struct net_device *dev, unsigned int length)
{
	struct sk_buff *skb = netdev_alloc_skb(dev, length + NET_IP_ALIGN);

	if (NET_IP_ALIGN && skb)
		skb_reserve(skb, NET_IP_ALIGN);
	return skb;
}

/**
 * skb_put - append @len bytes of data
 *
 * Returns a pointer to the first new byte (the old tail) for the caller to
 * fill.  Past the end of the buffer is a bug: skb_over_panic, with the
 * caller and the skb's pointers in the message.  Context: any.
 * __skb_put does the same without the check.
 */
void *skb_put(struct sk_buff *skb, unsigned int len);

static inline void *__skb_put(struct sk_buff *skb, unsigned int len)
{
	void *tmp = skb_tail_pointer(skb);

	skb->tail += len;
	skb->len += len;
	return tmp;
}

/* skb_put_data - skb_put, then copy @len bytes from @data there.  Returns the copy. */
void *skb_put_data(struct sk_buff *skb, const void *data, unsigned int len);

/* skb_put_zero - skb_put, then zero the new bytes.  Returns them. */
void *skb_put_zero(struct sk_buff *skb, unsigned int len);

/**
 * skb_push - prepend @len bytes (a header) to the data
 *
 * Returns the new data pointer for the caller to fill.  Past the start of
 * the buffer is a bug: skb_under_panic.  Context: any.  __skb_push: unchecked.
 */
void *skb_push(struct sk_buff *skb, unsigned int len);

static inline void *__skb_push(struct sk_buff *skb, unsigned int len)
{
	skb->data -= len;
	skb->len += len;
	return skb->data;
}

/**
 * skb_pull - remove @len bytes from the start of the data (a parsed header)
 *
 * Returns the new data pointer, or NULL (and @skb unchanged) if @len is
 * more than skb->len - a short packet, not a bug.  Context: any.
 */
void *skb_pull(struct sk_buff *skb, unsigned int len);

static inline void *__skb_pull(struct sk_buff *skb, unsigned int len)
{
	skb->len -= len;
	return skb->data += len;
}

/*
 * pskb_may_pull - are the first @len bytes of data in the linear part?
 * With no fragments: is the packet at least @len long.  What a parser
 * checks before reading a header.
 */
static inline bool pskb_may_pull(struct sk_buff *skb, unsigned int len)
{
	return len <= skb_headlen(skb);
}

/**
 * skb_trim - cut the data to @len bytes (nothing happens if it is shorter)
 * Context: any.  __skb_trim: @len must be <= skb->len.
 */
void skb_trim(struct sk_buff *skb, unsigned int len);

static inline void __skb_trim(struct sk_buff *skb, unsigned int len)
{
	skb->len = len;
	skb_set_tail_pointer(skb, len);
}

/* pskb_trim - skb_trim returning 0 (Linux's may fail for paged skbs; never here). */
static inline int pskb_trim(struct sk_buff *skb, unsigned int len)
{
	skb_trim(skb, len);
	return 0;
}

static inline void skb_copy_from_linear_data(const struct sk_buff *skb, void *to, unsigned int len)
{
	__builtin_memcpy(to, skb->data, len);
}

static inline void skb_copy_to_linear_data(struct sk_buff *skb, const void *from, unsigned int len)
{
	__builtin_memcpy(skb->data, from, len);
}

/**
 * skb_copy_bits - copy @len bytes at @offset of the packet data to @to
 * @offset: from skb->data; may be negative down to -skb_headroom(skb)
 * Returns 0, or -EFAULT if the range is not inside the buffer's used part.
 * Context: any.
 */
int skb_copy_bits(const struct sk_buff *skb, int offset, void *to, int len);

/* ---- header offsets ------------------------------------------------------------- */

#define SKB_HEADER_UNSET ((sk_buff_data_t)~0U)

static inline unsigned char *skb_mac_header(const struct sk_buff *skb)
{
	return skb->head + skb->mac_header;
}

static inline unsigned char *skb_network_header(const struct sk_buff *skb)
{
	return skb->head + skb->network_header;
}

static inline unsigned char *skb_transport_header(const struct sk_buff *skb)
{
	return skb->head + skb->transport_header;
}

static inline bool skb_mac_header_was_set(const struct sk_buff *skb)
{
	return skb->mac_header != SKB_HEADER_UNSET;
}

static inline bool skb_network_header_was_set(const struct sk_buff *skb)
{
	return skb->network_header != SKB_HEADER_UNSET;
}

static inline bool skb_transport_header_was_set(const struct sk_buff *skb)
{
	return skb->transport_header != SKB_HEADER_UNSET;
}

/* skb_reset_*_header - the header starts at skb->data now. */
static inline void skb_reset_mac_header(struct sk_buff *skb)
{
	skb->mac_header = skb->data - skb->head;
}

static inline void skb_reset_network_header(struct sk_buff *skb)
{
	skb->network_header = skb->data - skb->head;
}

static inline void skb_reset_transport_header(struct sk_buff *skb)
{
	skb->transport_header = skb->data - skb->head;
}

/* skb_set_*_header - the header starts @offset bytes after skb->data. */
static inline void skb_set_mac_header(struct sk_buff *skb, int offset)
{
	skb->mac_header = skb->data - skb->head + offset;
}

static inline void skb_set_network_header(struct sk_buff *skb, int offset)
{
	skb->network_header = skb->data - skb->head + offset;
}

static inline void skb_set_transport_header(struct sk_buff *skb, int offset)
{
	skb->transport_header = skb->data - skb->head + offset;
}

/* skb_*_offset - where the header starts relative to skb->data (negative once pulled). */
static inline int skb_mac_offset(const struct sk_buff *skb)
{
	return skb_mac_header(skb) - skb->data;
}

static inline int skb_network_offset(const struct sk_buff *skb)
{
	return skb_network_header(skb) - skb->data;
}

static inline int skb_transport_offset(const struct sk_buff *skb)
{
	return skb_transport_header(skb) - skb->data;
}

/* skb_reset_mac_len - mac_len = distance from the MAC header to the network header. */
static inline void skb_reset_mac_len(struct sk_buff *skb)
{
	skb->mac_len = skb->network_header - skb->mac_header;
}

/* ---- ownership -------------------------------------------------------------------- */

/* skb_orphan - run and forget the destructor, forget the socket.  Context: any. */
static inline void skb_orphan(struct sk_buff *skb)
{
	if (skb->destructor) {
		skb->destructor(skb);
		skb->destructor = NULL;
	}
	skb->sk = NULL;
}

/* ---- debugging ---------------------------------------------------------------------- */

/**
 * skb_dump - print @skb: its lengths, pointers, offsets, counts and flags,
 * and its data bytes in hex (all of them with @full_pkt, else the first 64)
 * @level: a printk level, KERN_ERR ...
 * Context: any.
 */
/* 3.10 has no skb_dump (5.4 added one); ours prints dataref's two halves too: docs/linux-3.10.md */
void skb_dump(const char *level, const struct sk_buff *skb, bool full_pkt);

/*
 * skb_stats - counters since boot, shown by the monitor's `skbinfo`.
 * Exact (updated with interrupts off or atomically).
 */
struct skb_stats {
	unsigned long allocated;    /* sk_buffs handed out by __alloc_skb, clones and copies */
	unsigned long freed;	    /* sk_buffs whose struct was released */
	unsigned long alloc_failed; /* __alloc_skb / skb_clone / copy returned NULL */
	unsigned long fclone_hits;  /* skb_clone used the fast-clone companion */
	unsigned long pfmemalloc;   /* buffers taken from the reserve */
	unsigned long dropped;	    /* kfree_skb (as opposed to consume_skb) */
};
extern struct skb_stats skb_stats;

/* Live sk_buffs: allocated - freed. */
static inline unsigned long skb_live(void)
{
	return skb_stats.allocated - skb_stats.freed;
}

/* The two caches (NULL before skb_init); for slabinfo and tests. */
struct kmem_cache;
extern struct kmem_cache *skbuff_head_cache;   /* struct sk_buff */
extern struct kmem_cache *skbuff_fclone_cache; /* two struct sk_buffs and an int fclone_ref */

/*
 * skb_init - create skbuff_head_cache and skbuff_fclone_cache.  Called once
 * at boot after the slab allocator (a second call does nothing); until then
 * every allocation fails.  Context: thread.
 */
void skb_init(void);

/* The sk_buff_head functions: skb_queue_tail, skb_dequeue, skb_queue_purge, ... */
#include <net/skb_queue.h>

#endif
