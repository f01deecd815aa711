/*
 * SPDX-License-Identifier: MIT
 * net/udp.c - UDP (RFC 768): a received datagram's way to its socket.  The
 * reference for labs/net/ (with net/neighbour.c).
 *
 *   ip_rcv --> udp_rcv: udp_hdr_check (length field, checksum with the
 *              pseudo-header), trim to the UDP length, pull the header
 *          --> udp_queue_rcv: the socket bound to the port (__udp_lookup,
 *              under the slot's lock; nobody: ICMP port unreachable),
 *              sk_filter (pfmemalloc), the receive buffer limit, charged to
 *              the socket (skb_set_owner_r), on its queue, one reader woken
 *              (sk_wake_one)
 *
 * Every drop is counted twice: in udp_mib (Linux's "Udp:" counters,
 * include/net/udp.h) and by reason (skb_drop).  The port table, sockets,
 * sending and reading are net/socket.c; what the two share is
 * net/udp_internal.h.  3.10: net/ipv4/udp.c (__udp4_lib_rcv,
 * __udp4_lib_lookup, udp_queue_rcv_skb) and net/core/sock.c
 * (sock_queue_rcv_skb, sock_rfree).
 */
#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <kernel/trace.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/netdevice.h>
#include <net/sock.h>
#include <net/socket.h>
#include <net/udp.h>

#include "udp_internal.h"

/* ---- the socket ---------------------------------------------------------------- */

/* __udp_lookup - see udp_internal.h: walk @port's slot. */
struct sock *__udp_lookup(u16 port)
{
	struct sock *sk;

	list_for_each_entry(sk, &udp_hashslot(port)->head, sk_bind_node)
		if (sk->inet_num == port)
			return sk;
	return NULL;
}

/* sock_rfree - see udp_internal.h: give the skb's memory back to the socket's budget. */
void sock_rfree(struct sk_buff *skb)
{
	__atomic_sub_fetch(&skb->sk->sk_rmem_alloc, (int)skb->truesize, __ATOMIC_RELAXED);
}

/* skb_set_owner_r - see udp_internal.h: charge @skb to @sk until it is freed. */
void skb_set_owner_r(struct sk_buff *skb, struct sock *sk)
{
	skb_orphan(skb);
	skb->sk = sk;
	skb->destructor = sock_rfree;
	__atomic_add_fetch(&sk->sk_rmem_alloc, (int)skb->truesize, __ATOMIC_RELAXED);
}

/* 3.10 finds the socket under RCU with a reference; we hold the slot lock: docs/linux-3.10.md */
/* udp_queue_rcv - see include/net/socket.h. */
int udp_queue_rcv(struct sk_buff *skb, u16 dport)
{
	struct udp_hslot *hslot = udp_hashslot(dport);
	enum skb_drop_reason reason;
	struct sock *sk;

	spin_lock_bh(&hslot->lock);
	sk = __udp_lookup(dport);
	if (!sk) {
		spin_unlock_bh(&hslot->lock);
		udp_mib_inc(NoPorts);
		/* RFC 1122 section 4.1.3.1: SHOULD answer (not a broadcast: icmp_send checks). */
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
		skb_drop(skb, SKB_DROP_REASON_NO_SOCKET);
		return SKB_DROP_REASON_NO_SOCKET;
	}
	/* Linux's order: the filter (a pfmemalloc skb), then the receive buffer limit. */
	reason = SKB_NOT_DROPPED_YET;
	if (sk_filter(sk, skb)) {
		reason = SKB_DROP_REASON_PFMEMALLOC;
	} else if (__atomic_load_n(&sk->sk_rmem_alloc, __ATOMIC_RELAXED) >=
		   READ_ONCE(sk->sk_rcvbuf)) {
		udp_mib_inc(RcvbufErrors);
		udp_mib_inc(InErrors);
		reason = SKB_DROP_REASON_SOCKET_RCVBUFF;
	}
	if (reason == SKB_NOT_DROPPED_YET) {
		skb_set_owner_r(skb, sk);
		trace_skb(TE_UDP_QUEUE, skb, dport);
		skb_queue_tail(&sk->sk_receive_queue, skb);
		udp_mib_inc(InDatagrams);
		sk_wake_one(sk);
	} else {
		__atomic_add_fetch(&sk->sk_drops, 1, __ATOMIC_RELAXED);
	}
	spin_unlock_bh(&hslot->lock);
	if (reason != SKB_NOT_DROPPED_YET)
		skb_drop(skb, reason);
	return reason;
}

/* ---- the datagram --------------------------------------------------------------- */

/* udp_rcv - see include/net/udp.h. */
int udp_rcv(struct sk_buff *skb)
{
	const struct iphdr *iph = (const struct iphdr *)skb_network_header(skb);
	const struct udphdr *uh = (const struct udphdr *)skb->data;
	enum skb_drop_reason reason;

	reason = udp_hdr_check(skb->data, skb->len, iph->saddr, iph->daddr);
	if (reason != SKB_NOT_DROPPED_YET) {
		udp_mib_inc(InErrors);
		if (reason == SKB_DROP_REASON_UDP_CSUM)
			udp_mib_inc(InCsumErrors);
		skb_drop(skb, reason);
		return NET_RX_DROP;
	}
	/* Bytes beyond the UDP length are not part of the datagram (RFC 768 "Length"). */
	pskb_trim(skb, ntohs(uh->len));
	__skb_pull(skb, sizeof(*uh));
	trace_skb(TE_UDP_RCV, skb, ntohs(uh->dest));
	if (udp_queue_rcv(skb, ntohs(uh->dest)) != SKB_NOT_DROPPED_YET)
		return NET_RX_DROP;
	return NET_RX_SUCCESS;
}
