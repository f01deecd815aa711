/*
 * SPDX-License-Identifier: MIT
 * labs/net/udp.c - the net lab's skeleton, UDP half: a received datagram's
 * way to its socket.  `make lab LAB=net` builds the kernel with this file in
 * place of net/udp.c (and labs/net/neighbour.c in place of
 * net/neighbour.c); labs/net/README.md is the assignment.
 *
 *   ip_rcv --> udp_rcv: udp_hdr_check (length field, checksum with the
 *              pseudo-header), trim to the UDP length, pull the header
 *          --> udp_queue_rcv: the socket bound to the port (__udp_lookup,
 *              under the slot's lock; nobody: ICMP port unreachable),
 *              sk_filter (pfmemalloc), the receive buffer limit, charged to
 *              the socket (skb_set_owner_r), on its queue, one reader woken
 *              (sk_wake_one)
 *
 * Read include/net/udp.h, include/net/socket.h (udp_queue_rcv's contract),
 * include/net/sock.h (struct sock) and net/udp_internal.h (the port table,
 * the contracts of the functions below, sk_wake_one) first.  Every drop is
 * counted twice: in udp_mib (udp_mib_inc(NoPorts) ...) and by reason
 * (skb_drop(skb, SKB_DROP_REASON_...)), which also frees the skb.
 *
 * Useful: udp_hdr_check (include/net/udp.h), icmp_send (include/net/icmp.h),
 * pskb_trim, __skb_pull, skb_network_header, skb_orphan, skb_queue_tail
 * (net/skbuff.h),
 * list_for_each_entry (kernel/list.h), spin_lock_bh, sk_filter (net/sock.h),
 * ntohs, __atomic_add_fetch / __atomic_sub_fetch / __atomic_load_n.
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
	/*
	 * TODO (part "a datagram finds the socket of its port").  Now: no port
	 * is ever bound, as far as delivery and bind can tell.  Walk the
	 * sockets on udp_hashslot(port)->head (linked by sk_bind_node): a slot
	 * holds every port equal modulo UDP_HTABLE_SIZE, so compare inet_num.
	 */
	return NULL;
}

/* sock_rfree - see udp_internal.h: give the skb's memory back to the socket's budget. */
void sock_rfree(struct sk_buff *skb)
{
	/* TODO (part "the receive buffer limit"): give skb->truesize back to skb->sk. */
}

/* skb_set_owner_r - see udp_internal.h: charge @skb to @sk until it is freed. */
void skb_set_owner_r(struct sk_buff *skb, struct sock *sk)
{
	/*
	 * TODO (part "the receive buffer limit").  Now: nothing is charged.
	 * Run and forget any destructor the skb had (skb_orphan), then make
	 * @sk its owner: skb->sk, skb->destructor = sock_rfree, and
	 * sk->sk_rmem_alloc grows by skb->truesize (atomically: readers on
	 * other CPUs give memory back at the same time).
	 */
}

/* 3.10 finds the socket under RCU with a reference; we hold the slot lock: docs/linux-3.10.md */
/* udp_queue_rcv - see include/net/socket.h. */
int udp_queue_rcv(struct sk_buff *skb, u16 dport)
{
	/*
	 * TODO (parts "a datagram finds the socket of its port", "queued on its
	 * socket, a reader woken" and "the receive buffer limit").  Now: every
	 * datagram is dropped.
	 *  1. Take the slot's lock (spin_lock_bh) and look the port up.
	 *     Nobody: unlock, count NoPorts, tell the sender
	 *     (icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0): it
	 *     knows when not to), drop as SKB_DROP_REASON_NO_SOCKET.
	 *  2. Still under the lock: sk_filter(sk, skb) refuses a pfmemalloc skb
	 *     for most sockets (SKB_DROP_REASON_PFMEMALLOC); then while
	 *     sk_rmem_alloc >= sk_rcvbuf the socket is full
	 *     (SKB_DROP_REASON_SOCKET_RCVBUFF, counted in RcvbufErrors and
	 *     InErrors).  A refused datagram also counts in sk->sk_drops.
	 *  3. Accepted: charge it (skb_set_owner_r), trace_skb(TE_UDP_QUEUE,
	 *     skb, dport), queue it at the tail of sk_receive_queue, count
	 *     InDatagrams, wake one reader (sk_wake_one).
	 *  4. Unlock; drop a refused skb only after unlocking.  Return the
	 *     reason (SKB_NOT_DROPPED_YET when queued).
	 */
	skb_drop(skb, SKB_DROP_REASON_NOT_SPECIFIED);
	return SKB_DROP_REASON_NOT_SPECIFIED;
}

/* ---- the datagram --------------------------------------------------------------- */

/* udp_rcv - see include/net/udp.h. */
int udp_rcv(struct sk_buff *skb)
{
	/*
	 * TODO (parts "length and checksum" and the rest).  Now: every
	 * datagram is dropped.  skb->data is at the UDP header; the IP header
	 * is at skb_network_header(skb).
	 *  1. udp_hdr_check(data, len, source address, destination address):
	 *     the checksum covers a pseudo-header made of the IP addresses.  A
	 *     bad datagram counts in InErrors (and InCsumErrors for a bad
	 *     checksum) and is dropped with the reason it returned.
	 *  2. Trim the skb to the UDP length (bytes after it are not part of the
	 *     datagram), pull the UDP header off, trace_skb(TE_UDP_RCV, skb,
	 *     destination port), and hand it to udp_queue_rcv.
	 *  3. Return NET_RX_SUCCESS if it was queued, else NET_RX_DROP.
	 */
	skb_drop(skb, SKB_DROP_REASON_NOT_SPECIFIED);
	return NET_RX_DROP;
}
