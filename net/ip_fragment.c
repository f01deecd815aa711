/*
 * SPDX-License-Identifier: MIT
 * net/ip_fragment.c - IPv4 fragments (RFC 791 section 2.3, "Fragmentation"):
 * putting them back together on input (ip_defrag) and cutting a datagram
 * the device cannot carry on output (ip_fragment).
 *
 * Reassembly.  A datagram cut in pieces arrives as fragments that share
 * (source, destination, protocol, identification).  Each key has a queue,
 * its fragments sorted by offset:
 *
 *   ipq (10.0.2.2 -> 10.0.2.15, UDP, id 0x1c46)       len 3008 (known: last in)
 *     fragments: [0, 1480) -> [1480, 2960) -> [2960, 3008)   meat 3008
 *                 first in                    last in (no MF)
 *
 * When the first (offset 0) and the last (no MF) have arrived and the bytes
 * held ("meat") equal the length, the datagram is complete: its pieces are
 * copied behind the first fragment's header into one new skb, which goes on
 * up the stack as if it had arrived whole.
 *
 * What can go wrong, and what happens (each counted under its drop reason
 * and in ip_mib, RFC 4293's names):
 *
 *   a fragment overlaps one queued     the whole queue is dropped (RFC 5722's
 *   (not an exact duplicate)           rule; 3.10 trims: linux-3.10.md#ipfrag-overlap)
 *   an exact duplicate                 that fragment is dropped, the queue kept
 *   a length that contradicts the      that fragment is dropped
 *   last fragment's, or no bytes
 *   more than 65535 bytes in all       the whole queue is dropped
 *   30 s without completing            the queue is dropped; ICMP time exceeded
 *                                      (reassembly) if its first fragment came
 *   all queues above ipfrag_high_thresh  the oldest queues are dropped until
 *                                      below ipfrag_low_thresh
 *
 * One lock, ipfrags.lock, covers every queue (3.10 has a lock per queue and
 * per hash chain: docs/linux-3.10.md#ipfrag-lock).  A queue holds a reference for being
 * on the table and one while its timer is pending; the last put frees it, so
 * a timer that fires while another CPU kills the queue finds it still there.
 *
 * Fragmentation (ip_fragment) cuts a datagram too big for the device's MTU
 * into pieces of at most MTU bytes, each with a copy of the header, all but
 * the last with MF and a multiple of 8 data bytes.  A datagram marked DF is
 * not cut: ICMP "fragmentation needed" goes to its source.
 */
#include <errno.h>
#include <kernel/cmdline.h>
#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <kernel/trace.h>
#include <mm/slab.h>
#include <net/arp.h>
#include <net/checksum.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/netdevice.h>
#include <net/skbuff.h>
#include <string.h>

/* The limits, 3.10's sysctls net.ipv4.ipfrag_* (and their defaults). */
long ipfrag_high_thresh = 256 * 1024; /* bytes queued above which the oldest go */
long ipfrag_low_thresh = 192 * 1024;  /* ... until this few are left */
long ipfrag_time_ms = 30 * 1000;      /* a queue's life (3.10: IP_FRAG_TIME, 30 s) */
cmdline_param_int(ipfrag_high_thresh, &ipfrag_high_thresh, 0, 64 << 20,
		  "bytes of IP fragments queued before the oldest queues are dropped");
cmdline_param_int(ipfrag_low_thresh, &ipfrag_low_thresh, 0, 64 << 20,
		  "bytes of IP fragments left after dropping the oldest queues");
cmdline_param_int(ipfrag_time, &ipfrag_time_ms, 1, 3600 * 1000,
		  "milliseconds a fragmented datagram may take to arrive whole");

/* ipq->last_in (3.10's INET_FRAG_*). */
#define INET_FRAG_COMPLETE 4 /* done with: reassembled or killed */
#define INET_FRAG_FIRST_IN 2 /* the fragment at offset 0 is queued */
#define INET_FRAG_LAST_IN  1 /* the fragment without MF is queued: len is known */

#define IPQ_HASHSZ 64

/* One datagram being reassembled (3.10's struct ipq around inet_frag_queue). */
struct ipq {
	struct list_head hash;	   /* on its chain of ipfrags.hash */
	struct list_head lru;	   /* on ipfrags.lru: oldest first */
	struct timer_list timer;   /* the end of its life */
	int refcnt;		   /* under ipfrags.lock: the table's, the pending timer's */
	u8 last_in;		   /* INET_FRAG_* */
	u8 protocol;		   /* the key: protocol, ... */
	__be16 id;		   /* ... identification, ... */
	__be32 saddr, daddr;	   /* ... and addresses */
	unsigned int len;	   /* the payload's length: exact once LAST_IN */
	unsigned int meat;	   /* payload bytes queued */
	int iif;		   /* the device the latest fragment came in on */
	struct sk_buff *fragments; /* sorted by offset, through skb->next */
};

/* What a queued fragment remembers, in skb->cb (3.10's FRAG_CB). */
struct ipfrag_skb_cb {
	unsigned int offset; /* of its payload in the datagram's */
	unsigned int end;    /* offset + its payload's length */
};
#define FRAG_CB(skb) ((struct ipfrag_skb_cb *)(skb)->cb)

static struct {
	spinlock_t lock;
	struct list_head hash[IPQ_HASHSZ];
	struct list_head lru;
	int mem; /* truesize of every queued fragment, plus the queues */
	unsigned int nqueues;
} ipfrags;

#define mib_inc(field)	  __atomic_add_fetch(&ip_mib.field, 1, __ATOMIC_RELAXED)
#define mib_add(field, n) __atomic_add_fetch(&ip_mib.field, (n), __ATOMIC_RELAXED)

static unsigned int ipqhashfn(__be16 id, __be32 saddr, __be32 daddr, u8 prot)
{
	u32 h = (u32)id * 0x9e3779b1u ^ saddr ^ (daddr * 31u) ^ prot;

	h ^= h >> 16;
	return (h * 0x45d9f3bu >> 16) % IPQ_HASHSZ;
}

/*
 * Free every fragment of @q (not the queue itself): dropped under @reason,
 * or consumed (SKB_NOT_DROPPED_YET) when they made a datagram.
 */
static void ipq_free_fragments(struct ipq *q, enum skb_drop_reason reason)
{
	struct sk_buff *skb = q->fragments, *next;

	for (; skb; skb = next) {
		next = skb->next;
		skb->next = NULL;
		ipfrags.mem -= skb->truesize;
		if (reason == SKB_NOT_DROPPED_YET)
			consume_skb(skb);
		else
			skb_drop(skb, reason);
	}
	q->fragments = NULL;
}

/* Drop a reference; the last frees the queue.  Caller holds ipfrags.lock. */
static void ipq_put(struct ipq *q)
{
	if (--q->refcnt)
		return;
	ipq_free_fragments(q, SKB_DROP_REASON_NOT_SPECIFIED); /* none left: killed first */
	ipfrags.mem -= sizeof(*q);
	ipfrags.nqueues--;
	kfree(q);
}

/*
 * Take @q off the table and stop its timer (3.10's inet_frag_kill): no new
 * fragment finds it.  Its fragments stay until the caller deals with them.
 */
static void ipq_kill(struct ipq *q)
{
	if (q->last_in & INET_FRAG_COMPLETE)
		return;
	q->last_in |= INET_FRAG_COMPLETE;
	/* del_timer, not _sync: the timer function waits for the lock we hold and sees COMPLETE. */
	if (del_timer(&q->timer))
		q->refcnt--; /* never the last: the table's is still held */
	list_del(&q->hash);
	list_del(&q->lru);
	ipq_put(q);
}

/*
 * Kill @q and free its fragments under @reason (SKB_NOT_DROPPED_YET: they
 * were reassembled).  A failure is one ReasmFails, however many fragments.
 */
static void ipq_end(struct ipq *q, enum skb_drop_reason reason)
{
	if (reason != SKB_NOT_DROPPED_YET)
		mib_inc(ReasmFails);
	q->refcnt++; /* kill may put the table's reference: keep q to empty it */
	ipq_kill(q);
	ipq_free_fragments(q, reason);
	ipq_put(q);
}

/*
 * The oldest queues go until no more than ipfrag_low_thresh bytes are held
 * (3.10's inet_frag_evictor, run when a fragment arrives above the high one).
 */
static void ip_evictor(void)
{
	while (ipfrags.mem > READ_ONCE(ipfrag_low_thresh) && !list_empty(&ipfrags.lru)) {
		struct ipq *q = list_first_entry(&ipfrags.lru, struct ipq, lru);

		ipq_end(q, SKB_DROP_REASON_FRAG_EVICTED);
	}
}

/*
 * A queue's timer: reassembly took too long (3.10's ip_expire).  If the
 * first fragment came, its source hears ICMP time exceeded, code
 * "fragment reassembly time exceeded" (RFC 792; RFC 1122 section 3.3.2).
 */
static void ip_expire(struct timer_list *t)
{
	struct ipq *q = container_of(t, struct ipq, timer);
	struct sk_buff *first = NULL;
	int iif = 0;

	spin_lock_bh(&ipfrags.lock);
	if (!(q->last_in & INET_FRAG_COMPLETE)) {
		mib_inc(ReasmTimeout);
		if (q->last_in & INET_FRAG_FIRST_IN) {
			first = skb_get(q->fragments); /* the ICMP quotes it: sent unlocked */
			iif = q->iif;
		}
		ipq_end(q, SKB_DROP_REASON_FRAG_REASM_TIMEOUT);
	}
	ipq_put(q); /* the timer's reference */
	spin_unlock_bh(&ipfrags.lock);
	if (first) {
		/* Its device may be gone in 30 s (3.10 looks up qp->iif the same way). */
		first->dev = dev_get_by_index(iif);
		if (first->dev)
			icmp_send(first, ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME, 0);
		kfree_skb(first);
	}
}

/* The queue for @iph's datagram, created if there is none; NULL: no memory. */
static struct ipq *ip_find(const struct iphdr *iph)
{
	unsigned int h = ipqhashfn(iph->id, iph->saddr, iph->daddr, iph->protocol);
	struct ipq *q;

	list_for_each_entry(q, &ipfrags.hash[h], hash) {
		if (q->id == iph->id && q->saddr == iph->saddr && q->daddr == iph->daddr &&
		    q->protocol == iph->protocol)
			return q;
	}
	q = kzalloc(sizeof(*q), GFP_ATOMIC);
	if (!q)
		return NULL;
	q->id = iph->id;
	q->saddr = iph->saddr;
	q->daddr = iph->daddr;
	q->protocol = iph->protocol;
	q->refcnt = 2; /* the table's and the timer's */
	timer_setup(&q->timer, ip_expire, 0);
	mod_timer(&q->timer, jiffies + msecs_to_jiffies((unsigned int)READ_ONCE(ipfrag_time_ms)));
	list_add_tail(&q->hash, &ipfrags.hash[h]);
	list_add_tail(&q->lru, &ipfrags.lru);
	ipfrags.mem += sizeof(*q);
	ipfrags.nqueues++;
	return q;
}

/*
 * Queue @skb (data at its payload, FRAG_CB filled) on @q.  Returns 0, or
 * the reason @skb, or the whole queue, must go (3.10's ip_frag_queue, with
 * RFC 5722's rule for overlaps).  *kill: the queue must go too.
 */
static enum skb_drop_reason ip_frag_queue(struct ipq *q, struct sk_buff *skb, bool more, bool *kill)
{
	unsigned int offset = FRAG_CB(skb)->offset, end = FRAG_CB(skb)->end;
	struct sk_buff *prev = NULL, *next;

	*kill = false;
	if (!more) {
		/* The last: the length is known now, and must agree with what came. */
		if (end < q->len || ((q->last_in & INET_FRAG_LAST_IN) && end != q->len))
			return SKB_DROP_REASON_FRAG_BAD;
		q->last_in |= INET_FRAG_LAST_IN;
		q->len = end;
	} else {
		if (end > q->len) {
			if (q->last_in & INET_FRAG_LAST_IN)
				return SKB_DROP_REASON_FRAG_BAD; /* beyond the end */
			q->len = end;
		}
	}
	if (end == offset)
		return SKB_DROP_REASON_FRAG_BAD;

	/* Its place: after the last fragment that starts before it. */
	for (next = q->fragments; next && FRAG_CB(next)->offset < offset; next = next->next)
		prev = next;
	if (next && FRAG_CB(next)->offset == offset && FRAG_CB(next)->end == end)
		return SKB_DROP_REASON_DUP_FRAG; /* the same bytes again: harmless */
	if ((prev && FRAG_CB(prev)->end > offset) || (next && FRAG_CB(next)->offset < end)) {
		*kill = true;
		return SKB_DROP_REASON_FRAG_OVERLAP;
	}
	skb->next = next;
	if (prev)
		prev->next = skb;
	else
		q->fragments = skb;
	q->meat += end - offset;
	ipfrags.mem += skb->truesize;
	if (offset == 0)
		q->last_in |= INET_FRAG_FIRST_IN;
	/* Most recently changed last: the evictor takes the stalest first. */
	list_del(&q->lru);
	list_add_tail(&q->lru, &ipfrags.lru);
	return SKB_NOT_DROPPED_YET;
}

/*
 * Copy @q's fragments, complete and in order, into one new skb: the first
 * fragment's header (options and all) with the length and fragment fields
 * made those of a whole datagram.  3.10 chains them on frag_list instead of
 * copying: docs/linux-3.10.md#ipfrag-copy.  NULL: no memory.
 */
static struct sk_buff *ip_frag_reasm(struct ipq *q)
{
	struct sk_buff *first = q->fragments, *frag;
	unsigned int ihl = (unsigned int)(first->data - skb_network_header(first));
	struct sk_buff *skb = alloc_skb(NET_SKB_PAD + ihl + q->len, GFP_ATOMIC);
	struct iphdr *iph;

	if (!skb)
		return NULL;
	skb_reserve(skb, NET_SKB_PAD);
	skb_reset_network_header(skb);
	skb_put_data(skb, skb_network_header(first), ihl);
	for (frag = first; frag; frag = frag->next)
		skb_put_data(skb, frag->data, FRAG_CB(frag)->end - FRAG_CB(frag)->offset);
	iph = (struct iphdr *)skb->data;
	iph->tot_len = htons((u16)(ihl + q->len));
	iph->frag_off = 0;
	iph->check = 0;
	iph->check = ip_fast_csum(iph, iph->ihl);
	skb->pkt_type = first->pkt_type;
	skb->protocol = first->protocol;
	return skb;
}

/*
 * ip_defrag - see include/net/ip.h.
 */
struct sk_buff *ip_defrag(struct sk_buff *skb)
{
	const struct iphdr *iph = (const struct iphdr *)skb_network_header(skb);
	unsigned int ihl = iph->ihl * 4u, frag_off = ntohs(iph->frag_off);
	struct net_device *dev = skb->dev;
	bool more = frag_off & IP_MF, kill = false;
	enum skb_drop_reason reason;
	struct sk_buff *whole = NULL;
	struct ipq *q;

	mib_inc(ReasmReqds);
	FRAG_CB(skb)->offset = (frag_off & IP_OFFSET) << 3;
	FRAG_CB(skb)->end = FRAG_CB(skb)->offset + (skb->len - ihl);
	/* All but the last carry a multiple of 8 bytes: 3.10 trims the rest, as do we. */
	if (more)
		FRAG_CB(skb)->end &= ~7u;
	__skb_pull(skb, ihl);

	spin_lock_bh(&ipfrags.lock);
	if (ipfrags.mem > READ_ONCE(ipfrag_high_thresh))
		ip_evictor();
	q = ip_find(iph);
	if (!q) {
		reason = SKB_DROP_REASON_NOMEM;
		goto drop;
	}
	q->iif = dev ? dev->ifindex : 0;
	if (FRAG_CB(skb)->end + ihl > 0xffff) {
		/* No datagram is longer than 16 bits can say (3.10: "oversized"). */
		reason = SKB_DROP_REASON_FRAG_TOO_BIG;
		kill = true;
	} else {
		reason = ip_frag_queue(q, skb, more, &kill);
	}
	if (reason != SKB_NOT_DROPPED_YET) {
		if (kill)
			ipq_end(q, reason); /* counted there, once for the datagram */
		goto drop;
	}
	if (q->last_in == (INET_FRAG_FIRST_IN | INET_FRAG_LAST_IN) && q->meat == q->len) {
		whole = ip_frag_reasm(q);
		if (whole) {
			whole->dev = dev; /* alive: its packet is being received */
			mib_inc(ReasmOKs);
		}
		ipq_end(q, whole ? SKB_NOT_DROPPED_YET : SKB_DROP_REASON_NOMEM);
	}
	spin_unlock_bh(&ipfrags.lock);
	return whole;

drop:
	spin_unlock_bh(&ipfrags.lock);
	/* A duplicate is no failure (RFC 5722 lets them be), a killed queue counted itself. */
	if (!kill && reason != SKB_DROP_REASON_DUP_FRAG)
		mib_inc(ReasmFails);
	skb_drop(skb, reason);
	return NULL;
}

/* ipfrag_flush - see include/net/ip.h. */
void ipfrag_flush(void)
{
	spin_lock_bh(&ipfrags.lock);
	while (!list_empty(&ipfrags.lru))
		ipq_end(list_first_entry(&ipfrags.lru, struct ipq, lru),
			SKB_DROP_REASON_FRAG_EVICTED);
	spin_unlock_bh(&ipfrags.lock);
}

/* Queues and bytes held now, for netstat (Linux's /proc/net/sockstat "FRAG:" line). */
void ipfrag_usage(unsigned int *queues, int *bytes)
{
	spin_lock_bh(&ipfrags.lock);
	*queues = ipfrags.nqueues;
	*bytes = ipfrags.mem;
	spin_unlock_bh(&ipfrags.lock);
}

void ipfrag_init(void)
{
	spin_lock_init(&ipfrags.lock);
	ipfrags.lock.name = "ipfrags.lock";
	for (int i = 0; i < IPQ_HASHSZ; i++)
		INIT_LIST_HEAD(&ipfrags.hash[i]);
	INIT_LIST_HEAD(&ipfrags.lru);
}

/* ---- fragmentation on output ------------------------------------------------- */

/*
 * ip_fragment - see include/net/ip.h.  3.10's slow path: each fragment a
 * new skb holding a copy of the header and its piece of the data (3.10's
 * fast path reuses a frag_list; our skbs have none).  Every fragment gets
 * the whole header: 3.10 keeps only the options marked "copied" after the
 * first, and we send no options (docs/linux-3.10.md#ipfrag-output).
 *
 *   [ IP | 0 ...................................... 2972 ]  mtu 1500
 *   [ IP | 0 ... 1479 ] MF   [ IP | 1480 ... 2959 ] MF   [ IP | 2960 ... 2971 ]
 */
int ip_fragment(struct sk_buff *skb, struct net_device *dev, __be32 nexthop)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	unsigned int hlen = iph->ihl * 4u, left = skb->len - hlen, ptr = hlen;
	unsigned int frag_off = ntohs(iph->frag_off);
	unsigned int offset = (frag_off & IP_OFFSET) << 3, mtu = dev->mtu;
	int err = 0;

	if ((frag_off & IP_DF) || mtu < hlen + 8) {
		__atomic_add_fetch(&ip_mib.FragFails, 1, __ATOMIC_RELAXED);
		if (frag_off & IP_DF)
			icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(mtu));
		skb_drop(skb, SKB_DROP_REASON_IP_TOOBIG);
		return -EMSGSIZE;
	}
	while (left) {
		/* All but the last: as much as fits, a multiple of 8. */
		unsigned int len = left > mtu - hlen ? (mtu - hlen) & ~7u : left;
		struct sk_buff *frag = alloc_skb(MAX_HEADER + hlen + len, GFP_ATOMIC);
		struct iphdr *fh;

		if (!frag) {
			err = -ENOMEM;
			break;
		}
		skb_reserve(frag, MAX_HEADER);
		skb_reset_network_header(frag);
		fh = skb_put_data(frag, skb->data, hlen);
		skb_put_data(frag, skb->data + ptr, len);
		fh->tot_len = htons((u16)(hlen + len));
		/* MF: not the end, or the datagram was itself a middle piece. */
		fh->frag_off = htons((u16)(((offset + ptr - hlen) >> 3) |
					   (len < left || (frag_off & IP_MF) ? IP_MF : 0)));
		fh->check = 0;
		fh->check = ip_fast_csum(fh, fh->ihl);
		frag->protocol = skb->protocol;
		frag->priority = skb->priority;
		ptr += len;
		left -= len;
		__atomic_add_fetch(&ip_mib.FragCreates, 1, __ATOMIC_RELAXED);
		err = arp_output(frag, dev, nexthop);
		if (err)
			break;
	}
	if (left || err)
		__atomic_add_fetch(&ip_mib.FragFails, 1, __ATOMIC_RELAXED);
	else
		__atomic_add_fetch(&ip_mib.FragOKs, 1, __ATOMIC_RELAXED);
	consume_skb(skb);
	return err;
}
