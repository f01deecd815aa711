/*
 * SPDX-License-Identifier: MIT
 * net/neighbour.c - one neighbour entry's life: resolving (the first
 * request, the packets that wait, the queue's limit), the answer (what
 * waited goes out), the timer (ask again, give up, expire).  The reference
 * for labs/net/ (with net/udp.c).
 *
 * The states are drawn in include/net/arp.h; the table, its locks, and
 * sending and receiving ARP packets are net/arp.c, which calls these with
 * its locks held and does what they put on the struct arp_todo once it has
 * dropped them (net/arp_internal.h).  3.10: net/core/neighbour.c
 * (__neigh_event_send, neigh_update, neigh_timer_handler).
 */
#include <kernel/time.h>
#include <kernel/trace.h>
#include <net/arp.h>
#include <net/skbuff.h>

#include "arp_internal.h"

/*
 * __neigh_enqueue - see arp_internal.h: queue @skb on @n, pushing out the
 * oldest while the new one would not fit (RFC 1122 2.3.2.2: keep the
 * latest).  The limit is bytes of truesize, as 3.10's unres_qlen_bytes.
 *
 *   packets of T bytes, limit 3.5 x T:
 *   [ 1 | 2 | 3 ] + 4   ->   1 pushed out (NEIGH_QUEUEFULL), [ 2 | 3 | 4 ]
 */
void __neigh_enqueue(struct neighbour *n, struct sk_buff *skb, struct arp_todo *todo)
{
	while (n->arp_queue_len_bytes + skb->truesize > arp_params.queue_len_bytes) {
		struct sk_buff *old = __skb_dequeue(&n->arp_queue);

		if (!old)
			break; /* alone larger than the limit: it waits alone, as in 3.10 */
		n->arp_queue_len_bytes -= old->truesize;
		__skb_queue_tail(&todo->drop, old);
		todo->drop_reason = SKB_DROP_REASON_NEIGH_QUEUEFULL;
	}
	__skb_queue_tail(&n->arp_queue, skb);
	n->arp_queue_len_bytes += skb->truesize;
}

/*
 * __neigh_event_send - see arp_internal.h: a new entry asks (once, now; the
 * timer asks again), and the packet waits for the answer.
 */
void __neigh_event_send(struct neighbour *n, struct sk_buff *skb, struct arp_todo *todo)
{
	if (n->nud_state == NUD_NONE) {
		n->nud_state = NUD_INCOMPLETE;
		n->probes = 1;
		mod_timer(&n->timer, jiffies + msecs_to_jiffies(arp_params.retrans_ms));
		todo->ask_dev = n->dev;
		todo->ask_ip = n->ip;
	}
	trace_skb(TE_ARP_OUTPUT, skb, 0);
	__neigh_enqueue(n, skb, todo);
}

/* __neigh_confirm - see arp_internal.h: REACHABLE for reachable_ms, and what waited goes out. */
void __neigh_confirm(struct neighbour *n, const u8 *ha, struct arp_todo *todo)
{
	struct sk_buff *skb;

	ether_addr_copy(n->ha, ha);
	n->nud_state = NUD_REACHABLE;
	n->probes = 0;
	n->updated = jiffies;
	mod_timer(&n->timer, n->updated + msecs_to_jiffies(arp_params.reachable_ms));
	todo->send_dev = n->dev;
	ether_addr_copy(todo->send_ha, ha);
	while ((skb = __skb_dequeue(&n->arp_queue)))
		__skb_queue_tail(&todo->send, skb);
	n->arp_queue_len_bytes = 0;
}

/* 3.10 keeps an old entry STALE; we free it: docs/linux-3.10.md */
/*
 * __neigh_timer - see arp_internal.h: what @n's timer asks for, if the
 * entry still wants it: ask again, give up, or expire an answer.
 */
void __neigh_timer(struct neighbour *n, struct arp_todo *todo)
{
	unsigned long expires = n->updated + msecs_to_jiffies(arp_params.reachable_ms);

	switch (n->nud_state) {
	case NUD_INCOMPLETE:
		if (n->probes >= arp_params.max_probes)
			break; /* unanswered: its packets fail */
		n->probes++;
		mod_timer(&n->timer, jiffies + msecs_to_jiffies(arp_params.retrans_ms));
		todo->ask_dev = n->dev;
		todo->ask_ip = n->ip;
		return;
	case NUD_REACHABLE:
		/* Not old yet (3.10's neigh_timer_handler checks the age too): wait the rest. */
		if (time_before(jiffies, expires)) {
			mod_timer(&n->timer, expires);
			return;
		}
		break; /* an answer too old to trust */
	default:
		return; /* freed meanwhile */
	}
	todo->drop_reason = SKB_DROP_REASON_NEIGH_FAILED;
	__neigh_release(n, todo);
}
