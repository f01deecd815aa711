/*
 * SPDX-License-Identifier: MIT
 * net/arp.c - ARP (RFC 826) and the neighbour cache; the states and the
 * table are drawn in include/net/arp.h.  What happens to one entry (the
 * first request and the waiting packets, the answer, the timer) is
 * net/neighbour.c, called with the locks below held (net/arp_internal.h).
 *
 * State: one file-static table, arp_tbl, of ARP_TABLE_SIZE entries.
 * Threads (a socket sending) and softirqs (ARP replies, the entries'
 * timers, ICMP echo replies) on every CPU use it, with 3.10's two locks:
 *
 *   arp_tbl.lock  rwlock (3.10's tbl->lock): which slots are in use and
 *                 for which (dev, ip).  Lookups take it for reading, so
 *                 CPUs resolve in parallel; creating, freeing (timer,
 *                 flush, eviction) take it for writing.  _bh: softirqs too.
 *   n->lock       rwlock per entry (3.10's neighbour lock): the entry's
 *                 state, MAC, probes, age and its queue of waiting packets.
 *                 Taken inside arp_tbl.lock held for reading; under the
 *                 write lock nobody else can hold it, so it is not needed.
 *
 *   order: arp_tbl.lock -> n->lock -> (the timer base's lock, mod_timer)
 *
 * 3.10 drops tbl->lock after the lookup and holds a reference on the
 * neighbour; our entries are slots without references, so the read lock is
 * kept while the entry is used.
 *
 * Packets are never sent with a lock held: each function collects what it
 * must send or drop on a private queue and handles it after unlocking,
 * because sending can loop back into the stack.
 */
#include <errno.h>
#include <kernel/monitor.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/rwlock.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <kernel/trace.h>
#include <net/arp.h>
#include <net/ip.h>
#include <net/netdevice.h>
#include <stdio.h>
#include <string.h>

#include "arp_internal.h"
#include "net_internal.h"

struct arp_params arp_params = {
	.reachable_ms = 60000,
	.retrans_ms = 1000,
	.max_probes = 3,
	.queue_len_bytes = 64 * 1024, /* 3.10's arp_tbl (unres_qlen_bytes) */
};

static struct {
	rwlock_t lock; /* which entries are used, for what: read to look up, write to change */
	struct neighbour tbl[ARP_TABLE_SIZE];
} arp_tbl = { .lock = __RW_LOCK_UNLOCKED(arp_tbl.lock) };

static void todo_init(struct arp_todo *todo)
{
	memset(todo, 0, sizeof(*todo));
	__skb_queue_head_init(&todo->send);
	__skb_queue_head_init(&todo->drop);
}

static void arp_timer(struct timer_list *t);

/* ---- the table (arp_tbl.lock held; to change an entry, as each says) ---------- */

static struct neighbour *__neigh_lookup(struct net_device *dev, __be32 ip)
{
	for (int i = 0; i < ARP_TABLE_SIZE; i++) {
		struct neighbour *n = &arp_tbl.tbl[i];

		if (n->nud_state != NUD_NONE && n->dev == dev && n->ip == ip)
			return n;
	}
	return NULL;
}

/*
 * __neigh_release - see arp_internal.h.
 * del_timer, not _sync: we hold the lock the timer function waits for, and a
 * slot is never freed; a function already running re-checks under the lock.
 */
void __neigh_release(struct neighbour *n, struct arp_todo *todo)
{
	struct sk_buff *skb;

	del_timer(&n->timer);
	while ((skb = __skb_dequeue(&n->arp_queue))) {
		n->arp_queue_len_bytes -= skb->truesize;
		__skb_queue_tail(&todo->drop, skb);
	}
	WARN_ON_ONCE(n->arp_queue_len_bytes); /* an enqueue or dequeue that did not count */
	n->arp_queue_len_bytes = 0;
	n->nud_state = NUD_NONE;
	n->dev = NULL;
	n->ip = 0;
	n->probes = 0;
}

/* A slot for a new entry: a free one, else the stalest REACHABLE one, else NULL.  Written. */
static struct neighbour *__neigh_alloc(struct net_device *dev, __be32 ip, struct arp_todo *todo)
{
	struct neighbour *victim = NULL;

	for (int i = 0; i < ARP_TABLE_SIZE; i++) {
		struct neighbour *n = &arp_tbl.tbl[i];

		if (n->nud_state == NUD_NONE) {
			victim = n;
			break;
		}
		if (n->nud_state == NUD_REACHABLE &&
		    (!victim || time_before(n->updated, victim->updated)))
			victim = n;
	}
	if (!victim)
		return NULL;
	if (victim->nud_state != NUD_NONE)
		__neigh_release(victim, todo);
	victim->dev = dev;
	victim->ip = ip;
	victim->updated = jiffies;
	return victim;
}

/* ---- after the lock -------------------------------------------------------------- */

static void arp_todo_run(struct arp_todo *todo)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(&todo->drop)))
		skb_drop(skb, todo->drop_reason);
	while ((skb = __skb_dequeue(&todo->send))) {
		dev_hard_header(skb, todo->send_dev, ETH_P_IP, todo->send_ha, NULL, skb->len);
		dev_queue_xmit(skb);
	}
	if (todo->ask_dev)
		arp_send(ARPOP_REQUEST, ETH_P_ARP, todo->ask_ip, todo->ask_dev,
			 todo->ask_dev->ip4.ifa_local, NULL, NULL, NULL);
}

/* ---- sending ------------------------------------------------------------------------ */

int arp_send(int type, int ptype, __be32 dest_ip, struct net_device *dev, __be32 src_ip,
	     const u8 *dest_hw, const u8 *src_hw, const u8 *target_hw)
{
	struct arp_eth_ipv4 *arp;
	struct sk_buff *skb;

	skb = alloc_skb(MAX_HEADER + sizeof(*arp), GFP_ATOMIC);
	if (!skb) {
		skb_drop(NULL, SKB_DROP_REASON_NOMEM);
		return -ENOMEM;
	}
	skb_reserve(skb, MAX_HEADER);
	arp = skb_put_zero(skb, sizeof(*arp));
	skb_reset_network_header(skb);
	arp->hdr.ar_hrd = htons(ARPHRD_ETHER);
	arp->hdr.ar_pro = htons(ETH_P_IP);
	arp->hdr.ar_hln = ETH_ALEN;
	arp->hdr.ar_pln = 4;
	arp->hdr.ar_op = htons((u16)type);
	ether_addr_copy(arp->ar_sha, src_hw ? src_hw : dev->dev_addr);
	arp->ar_sip = src_ip;
	if (target_hw)
		ether_addr_copy(arp->ar_tha, target_hw);
	arp->ar_tip = dest_ip;

	skb->dev = dev;
	skb->protocol = htons(ETH_P_ARP);
	dev_hard_header(skb, dev, (unsigned short)ptype, dest_hw, src_hw, skb->len);
	dev_queue_xmit(skb);
	return 0;
}

/* RFC 1112 section 6.4: 01:00:5e and the low 23 bits of the group address. */
static void ip_mc_map(__be32 addr, u8 *ha)
{
	u32 a = ntohl(addr);

	ha[0] = 0x01;
	ha[1] = 0x00;
	ha[2] = 0x5e;
	ha[3] = (a >> 16) & 0x7f;
	ha[4] = (a >> 8) & 0xff;
	ha[5] = a & 0xff;
}

/* Next hops that need no question: broadcast, multicast, and devices without ARP. */
static bool arp_static_map(struct net_device *dev, __be32 nexthop, u8 *ha)
{
	if (dev->flags & IFF_NOARP) {
		ether_addr_copy(ha, dev->dev_addr);
		return true;
	}
	if (ipv4_is_lbcast(nexthop) || (dev->ip4.ifa_local && nexthop == dev->ip4.ifa_broadcast)) {
		eth_broadcast_addr(ha);
		return true;
	}
	if (ipv4_is_multicast(nexthop)) {
		ip_mc_map(nexthop, ha);
		return true;
	}
	return false;
}

/* Send @skb, whose next hop has MAC @ha. */
static int arp_xmit_resolved(struct sk_buff *skb, struct net_device *dev, const u8 *ha)
{
	trace_skb(TE_ARP_OUTPUT, skb, 1);
	dev_hard_header(skb, dev, ETH_P_IP, ha, NULL, skb->len);
	return dev_queue_xmit(skb) == NET_XMIT_SUCCESS ? 0 : -ENOBUFS;
}

/* 3.10 unlocks the table and holds a reference on n; we keep the read lock: docs/linux-3.10.md */
/*
 * @n's MAC into @ha if it is REACHABLE (true); else queue @skb on it
 * (false), with what is to be done once the locks are dropped on @todo,
 * which this starts (todo_init) for the caller to run.  Caller holds
 * arp_tbl.lock, either way.  The common case, an answer we have, needs
 * only the read locks (and no @todo): CPUs sending to one neighbour do
 * not wait for each other.
 */
static bool __neigh_resolve(struct neighbour *n, struct sk_buff *skb, u8 *ha, struct arp_todo *todo)
{
	bool hit;

	read_lock(&n->lock);
	hit = n->nud_state == NUD_REACHABLE;
	if (hit)
		ether_addr_copy(ha, n->ha);
	read_unlock(&n->lock);
	if (hit)
		return true;
	todo_init(todo);
	write_lock(&n->lock);
	hit = n->nud_state == NUD_REACHABLE; /* answered since we looked */
	if (hit) {
		ether_addr_copy(ha, n->ha);
	} else {
		__neigh_event_send(n, skb, todo);
	}
	write_unlock(&n->lock);
	return hit;
}

/* No entry for @nexthop when we looked: make one (another CPU may have meanwhile). */
static int arp_output_miss(struct sk_buff *skb, struct net_device *dev, __be32 nexthop)
{
	struct arp_todo todo;
	struct neighbour *n;
	bool hit = false;
	u8 ha[ETH_ALEN];

	write_lock_bh(&arp_tbl.lock);
	n = __neigh_lookup(dev, nexthop);
	if (n) {
		hit = __neigh_resolve(n, skb, ha, &todo);
	} else {
		todo_init(&todo);
		n = __neigh_alloc(dev, nexthop, &todo);
		todo.drop_reason = SKB_DROP_REASON_NEIGH_FAILED; /* for an evicted queue */
		if (!n) {
			write_unlock_bh(&arp_tbl.lock);
			skb_drop(skb, SKB_DROP_REASON_NEIGH_CREATEFAIL);
			return -ENOBUFS;
		}
		__neigh_event_send(n, skb, &todo); /* NUD_NONE: asks, and @skb waits */
	}
	write_unlock_bh(&arp_tbl.lock);
	if (hit)
		return arp_xmit_resolved(skb, dev, ha);
	arp_todo_run(&todo);
	return 0;
}

int arp_output(struct sk_buff *skb, struct net_device *dev, __be32 nexthop)
{
	struct arp_todo todo;
	struct neighbour *n;
	bool hit = false;
	u8 ha[ETH_ALEN];

	skb->dev = dev;
	skb->protocol = htons(ETH_P_IP);
	if (arp_static_map(dev, nexthop, ha))
		return arp_xmit_resolved(skb, dev, ha);
	read_lock_bh(&arp_tbl.lock);
	n = __neigh_lookup(dev, nexthop);
	if (n)
		hit = __neigh_resolve(n, skb, ha, &todo);
	read_unlock_bh(&arp_tbl.lock);
	if (!n)
		return arp_output_miss(skb, dev, nexthop);
	if (hit)
		return arp_xmit_resolved(skb, dev, ha);
	arp_todo_run(&todo);
	return 0;
}

/*
 * The entry's timer.  It may free the entry, so it takes the table for
 * writing, and may wait for it: meanwhile another CPU may have answered the
 * entry (REACHABLE, the timer armed again for reachable_ms), freed it, or
 * freed and reused the slot (armed anew).  Every writer of the state arms or
 * stops the timer under arp_tbl.lock, so a timer pending again when we get
 * the lock is a newer decision: this run is stale and does nothing.
 */
static void arp_timer(struct timer_list *t)
{
	struct neighbour *n = container_of(t, struct neighbour, timer);
	struct arp_todo todo;

	todo_init(&todo);
	write_lock_bh(&arp_tbl.lock);
	/* 3.10's timer holds a reference; we re-check under the lock: docs/linux-3.10.md */
	if (!timer_pending(&n->timer))
		__neigh_timer(n, &todo);
	write_unlock_bh(&arp_tbl.lock);
	arp_todo_run(&todo);
}

/* ---- receiving ------------------------------------------------------------------------ */

/*
 * RFC 826 "Packet Reception", after the header checks: merge what the
 * sender tells about itself into an entry we already have; if we are the
 * target, add the sender if it was new.  Caller holds no lock.
 */
static void arp_learn(struct net_device *dev, const struct arp_eth_ipv4 *arp, bool for_us)
{
	struct arp_todo todo;
	struct neighbour *n;

	if (!arp->ar_sip) /* a probe (RFC 5227): nothing to learn */
		return;
	todo_init(&todo);
	todo.drop_reason = SKB_DROP_REASON_NEIGH_FAILED;
	read_lock_bh(&arp_tbl.lock);
	n = __neigh_lookup(dev, arp->ar_sip);
	if (n) {
		write_lock(&n->lock);
		__neigh_confirm(n, arp->ar_sha, &todo);
		write_unlock(&n->lock);
	}
	read_unlock_bh(&arp_tbl.lock);
	if (!n && for_us) {
		/* New: the table for writing, and look again (another CPU may have added it). */
		write_lock_bh(&arp_tbl.lock);
		n = __neigh_lookup(dev, arp->ar_sip);
		if (!n)
			n = __neigh_alloc(dev, arp->ar_sip, &todo);
		if (n)
			__neigh_confirm(n, arp->ar_sha, &todo);
		write_unlock_bh(&arp_tbl.lock);
	}
	arp_todo_run(&todo);
}

int arp_rcv(struct sk_buff *skb, struct net_device *dev)
{
	const struct arp_eth_ipv4 *arp = (const struct arp_eth_ipv4 *)skb->data;
	enum skb_drop_reason reason;
	__be32 us = dev->ip4.ifa_local;
	bool for_us;

	reason = arp_hdr_check(skb->data, skb->len);
	if (reason == SKB_NOT_DROPPED_YET && (dev->flags & IFF_NOARP))
		reason = SKB_DROP_REASON_ARP_INVALID;
	if (reason == SKB_NOT_DROPPED_YET && us && arp->ar_sip == us)
		reason = SKB_DROP_REASON_ARP_MARTIAN; /* someone else claims our address */
	if (reason != SKB_NOT_DROPPED_YET) {
		skb_drop(skb, reason);
		return NET_RX_DROP;
	}
	for_us = us && arp->ar_tip == us;
	arp_learn(dev, arp, for_us);
	/*
	 * "Swap hardware and protocol fields ... send the packet to the (new)
	 * target hardware address"
	 */
	if (for_us && arp->hdr.ar_op == htons(ARPOP_REQUEST))
		arp_send(ARPOP_REPLY, ETH_P_ARP, arp->ar_sip, dev, us, arp->ar_sha, NULL,
			 arp->ar_sha);
	consume_skb(skb);
	return NET_RX_SUCCESS;
}

/* ---- queries and housekeeping --------------------------------------------------------- */

bool arp_lookup(struct net_device *dev, __be32 ip, u8 *ha)
{
	struct neighbour *n;
	bool found = false;

	read_lock_bh(&arp_tbl.lock);
	n = __neigh_lookup(dev, ip);
	if (n) {
		read_lock(&n->lock);
		found = n->nud_state == NUD_REACHABLE;
		if (found)
			ether_addr_copy(ha, n->ha);
		read_unlock(&n->lock);
	}
	read_unlock_bh(&arp_tbl.lock);
	return found;
}

int arp_state(struct net_device *dev, __be32 ip)
{
	struct neighbour *n;
	int state;

	read_lock_bh(&arp_tbl.lock);
	n = __neigh_lookup(dev, ip);
	state = NUD_NONE;
	if (n) {
		read_lock(&n->lock);
		state = n->nud_state;
		read_unlock(&n->lock);
	}
	read_unlock_bh(&arp_tbl.lock);
	return state;
}

void arp_cache_flush(struct net_device *dev)
{
	struct arp_todo todo;

	todo_init(&todo);
	todo.drop_reason = SKB_DROP_REASON_NEIGH_FAILED;
	write_lock_bh(&arp_tbl.lock);
	for (int i = 0; i < ARP_TABLE_SIZE; i++) {
		struct neighbour *n = &arp_tbl.tbl[i];

		if (n->nud_state != NUD_NONE && (!dev || n->dev == dev))
			__neigh_release(n, &todo);
	}
	write_unlock_bh(&arp_tbl.lock);
	arp_todo_run(&todo);
}

unsigned int arp_cache_count(void)
{
	unsigned int count = 0;

	read_lock_bh(&arp_tbl.lock); /* "used or free" is stable under the read lock */
	for (int i = 0; i < ARP_TABLE_SIZE; i++)
		count += READ_ONCE(arp_tbl.tbl[i].nud_state) != NUD_NONE;
	read_unlock_bh(&arp_tbl.lock);
	return count;
}

void arp_init(void)
{
	for (int i = 0; i < ARP_TABLE_SIZE; i++) {
		struct neighbour *n = &arp_tbl.tbl[i];

		rwlock_init(&n->lock);
		__skb_queue_head_init(&n->arp_queue);
		timer_setup(&n->timer, arp_timer, 0);
	}
}

/* ---- for tests (net/arp_test.h) ------------------------------------------------------ */

bool arp_test_timer_take(struct net_device *dev, __be32 ip, unsigned long *expires)
{
	struct neighbour *n;
	bool pending = false;

	read_lock_bh(&arp_tbl.lock);
	n = __neigh_lookup(dev, ip);
	if (n) {
		write_lock(&n->lock); /* as __neigh_confirm: nobody arms the timer meanwhile */
		*expires = n->timer.expires;
		pending = del_timer(&n->timer);
		write_unlock(&n->lock);
	}
	read_unlock_bh(&arp_tbl.lock);
	return pending;
}

int arp_test_queue(struct net_device *dev, __be32 ip, struct arp_test_queue_info *q)
{
	struct neighbour *n;
	struct sk_buff *skb;
	int packets = -1;

	memset(q, 0, sizeof(*q));
	read_lock_bh(&arp_tbl.lock);
	n = __neigh_lookup(dev, ip);
	if (n) {
		read_lock(&n->lock);
		packets = (int)skb_queue_len(&n->arp_queue);
		q->bytes = n->arp_queue_len_bytes;
		skb_queue_walk(&n->arp_queue, skb)
			q->truesize_sum += skb->truesize;
		skb = skb_peek(&n->arp_queue);
		q->oldest_truesize = skb ? skb->truesize : 0;
		read_unlock(&n->lock);
	}
	read_unlock_bh(&arp_tbl.lock);
	return packets;
}

bool arp_test_timer_run(struct net_device *dev, __be32 ip)
{
	struct neighbour *n;

	read_lock_bh(&arp_tbl.lock);
	n = __neigh_lookup(dev, ip);
	read_unlock_bh(&arp_tbl.lock);
	if (n) /* a slot never moves: the pointer outlives the lock, as the timer's does */
		arp_timer(&n->timer);
	return n;
}

/*
 * `arp`: the cache, as Linux's `ip neigh`, with what waits on each entry
 * (packets/bytes of truesize, against arp_params.queue_len_bytes).  Copied
 * under the lock, printed after.
 */
static int cmd_arp(int argc, char **argv)
{
	static const char *const state_name[] = { "NONE", "INCOMPLETE", "REACHABLE" };
	static struct neighbour snap[ARP_TABLE_SIZE]; /* the monitor is one thread */
	unsigned long now;

	write_lock_bh(&arp_tbl.lock); /* every entry still, for one consistent picture */
	memcpy(snap, arp_tbl.tbl, sizeof(snap));
	now = jiffies;
	write_unlock_bh(&arp_tbl.lock);

	printk("%-16s %-8s %-18s %-10s %-8s %s\n", "address", "dev", "lladdr", "state", "age(ms)",
	       "queue");
	for (int i = 0; i < ARP_TABLE_SIZE; i++) {
		const struct neighbour *n = &snap[i];
		char ip[16], ha[18];

		if (n->nud_state == NUD_NONE)
			continue;
		snprintf(ip, sizeof(ip), IP4_FMT, IP4_ARG(n->ip));
		snprintf(ha, sizeof(ha), MAC_FMT, MAC_ARG(n->ha));
		printk("%-16s %-8s %-18s %-10s %-8lu %u/%u\n", ip, n->dev->name,
		       n->nud_state == NUD_REACHABLE ? ha : "-", state_name[n->nud_state],
		       jiffies_to_msecs(now - n->updated), skb_queue_len(&n->arp_queue),
		       n->arp_queue_len_bytes);
	}
	printk("queue limit: %u bytes of truesize per address (unres_qlen_bytes)\n",
	       arp_params.queue_len_bytes);
	return 0;
}
MONITOR_CMD(arp, "arp", "the ARP cache (neighbours)", cmd_arp);
