/*
 * SPDX-License-Identifier: MIT
 * labs/net/neighbour.c - the net lab's skeleton, ARP half: one neighbour
 * entry's life.  `make lab LAB=net` builds the kernel with this file in
 * place of net/neighbour.c (and labs/net/udp.c in place of net/udp.c);
 * labs/net/README.md is the assignment.
 *
 * Read include/net/arp.h (the states, drawn) and net/arp_internal.h (struct
 * neighbour, struct arp_todo, and the contract of each function below)
 * first.  net/arp.c calls these with its locks held: never send, free or
 * sleep here.  Put what must happen on the struct arp_todo instead:
 *
 *   todo->ask_dev, todo->ask_ip     send one ARP request for ask_ip
 *   todo->send (a queue)            packets to send to todo->send_ha on todo->send_dev
 *   todo->drop (a queue)            packets to drop, counted under todo->drop_reason
 *
 * and net/arp.c (arp_todo_run) does it once the locks are dropped.
 *
 * Useful: __skb_queue_tail, __skb_dequeue, skb_queue_len (net/skb_queue.h),
 * skb->truesize (what an skb costs: net/skbuff.h),
 * mod_timer, msecs_to_jiffies, time_before, jiffies (kernel/time.h),
 * ether_addr_copy (net/ethernet.h), arp_params (net/arp.h), __neigh_release.
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
	/*
	 * TODO (part "the queue holds the latest packets").  Now: the packet
	 * is dropped instead of waiting.  The packets on n->arp_queue hold at
	 * most arp_params.queue_len_bytes bytes of truesize, counted in
	 * n->arp_queue_len_bytes.  While @skb would not fit, push the OLDEST
	 * out onto todo->drop (reason SKB_DROP_REASON_NEIGH_QUEUEFULL); if the
	 * queue empties, @skb waits alone however large.  Then queue @skb at
	 * the tail.  Keep the count in step with every packet in and out.
	 */
	__skb_queue_tail(&todo->drop, skb);
	todo->drop_reason = SKB_DROP_REASON_NEIGH_FAILED;
}

/*
 * __neigh_event_send - see arp_internal.h: a new entry asks (once, now; the
 * timer asks again), and the packet waits for the answer.
 */
void __neigh_event_send(struct neighbour *n, struct sk_buff *skb, struct arp_todo *todo)
{
	/*
	 * TODO (part "a miss asks once and the packets wait").  Now: the packet
	 * is dropped and nobody is asked.
	 *  - A new entry (NUD_NONE): make it NUD_INCOMPLETE with probes 1, arm
	 *    n->timer for arp_params.retrans_ms from now, and ask: set
	 *    todo->ask_dev and todo->ask_ip from the entry.
	 *  - Then, new or already INCOMPLETE: trace_skb(TE_ARP_OUTPUT, skb, 0)
	 *    and let the packet wait (__neigh_enqueue).
	 */
	__skb_queue_tail(&todo->drop, skb);
	todo->drop_reason = SKB_DROP_REASON_NEIGH_FAILED;
}

/* __neigh_confirm - see arp_internal.h: REACHABLE for reachable_ms, and what waited goes out. */
void __neigh_confirm(struct neighbour *n, const u8 *ha, struct arp_todo *todo)
{
	/*
	 * TODO (part "the answer sends what waited").  Now: answers are
	 * ignored.  Record the MAC, make the entry NUD_REACHABLE (probes 0,
	 * updated now), arm the timer for when the answer is
	 * arp_params.reachable_ms old, and move every waiting packet, oldest
	 * first, onto todo->send, with todo->send_dev and todo->send_ha set
	 * (the queue is then empty: n->arp_queue_len_bytes is 0).
	 */
}

/* 3.10 keeps an old entry STALE; we free it: docs/linux-3.10.md */
/*
 * __neigh_timer - see arp_internal.h: what @n's timer asks for, if the
 * entry still wants it: ask again, give up, or expire an answer.
 */
void __neigh_timer(struct neighbour *n, struct arp_todo *todo)
{
	/*
	 * TODO (parts "unanswered: asked again, then given up" and "answers
	 * expire").  Now: the entry is given up at once, whatever its state.
	 *  - NUD_INCOMPLETE: fewer than arp_params.max_probes requests sent?
	 *    Ask again (probes + 1, the timer again in retrans_ms).  Else give up.
	 *  - NUD_REACHABLE: give up an answer reachable_ms old or older; a
	 *    younger one (the timer ran early) re-arms the timer for the rest.
	 *  - Any other state: the entry was freed meanwhile; do nothing.
	 * Giving up: todo->drop_reason = SKB_DROP_REASON_NEIGH_FAILED, then
	 * __neigh_release(n, todo).
	 */
	todo->drop_reason = SKB_DROP_REASON_NEIGH_FAILED;
	__neigh_release(n, todo);
}
