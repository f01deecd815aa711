/*
 * SPDX-License-Identifier: MIT
 * net/arp_internal.h - between net/arp.c (the table, its locks, sending and
 * receiving ARP) and net/neighbour.c (what happens to one entry: resolving,
 * the answer, the timer; the reference for labs/net/).  Nothing outside
 * those two files includes this.
 *
 * The functions of net/neighbour.c run with the table's locks held (each
 * says which) and never send or free a packet: they put what must go out,
 * be dropped or be asked for on the caller's struct arp_todo, and net/arp.c
 * does it once the locks are dropped (arp_todo_run), because sending can
 * loop back into the stack.
 */
#ifndef NET_ARP_INTERNAL_H
#define NET_ARP_INTERNAL_H

#include <kernel/rwlock.h>
#include <kernel/time.h>
#include <net/arp.h>
#include <net/skbuff.h>

/*
 * One cache entry; a free one has dev == NULL and nud_state NUD_NONE.
 * dev, ip and "free or not" change only under arp_tbl.lock for writing;
 * the rest under lock (or arp_tbl.lock for writing).
 */
struct neighbour {
	rwlock_t lock;			  /* the fields below dev and ip */
	struct net_device *dev;		  /* on this link */
	__be32 ip;			  /* this address */
	u8 ha[ETH_ALEN];		  /* has this MAC (valid when REACHABLE) */
	u8 nud_state;			  /* NUD_* */
	u8 probes;			  /* requests sent while INCOMPLETE */
	unsigned long updated;		  /* jiffies of the last answer, or of creation */
	struct sk_buff_head arp_queue;	  /* packets waiting for the MAC (its lock unused) */
	unsigned int arp_queue_len_bytes; /* their truesize, summed */
	struct timer_list timer;	  /* INCOMPLETE: ask again; REACHABLE: expire */
};

/* Work to do once the lock is dropped. */
struct arp_todo {
	struct sk_buff_head send; /* resolved packets: header, then transmit */
	struct net_device *send_dev;
	u8 send_ha[ETH_ALEN];
	struct sk_buff_head drop;	  /* packets to drop ... */
	enum skb_drop_reason drop_reason; /* ... for this reason */
	struct net_device *ask_dev;	  /* send a request for ask_ip, if not NULL */
	__be32 ask_ip;
};

/*
 * __neigh_release - empty @n's queue onto @todo's drop list (the caller
 * sets todo->drop_reason; n->arp_queue_len_bytes back to 0), stop its timer
 * and make it a free slot.
 * arp_tbl.lock written.  net/arp.c.
 */
void __neigh_release(struct neighbour *n, struct arp_todo *todo);

/* ---- net/neighbour.c ---------------------------------------------------------------- */

/*
 * __neigh_enqueue - @skb waits on @n's queue.  The queue holds at most
 * arp_params.queue_len_bytes bytes of truesize (n->arp_queue_len_bytes):
 * while @skb would not fit, the oldest is pushed out onto @todo's drop list
 * (SKB_DROP_REASON_NEIGH_QUEUEFULL), so the latest are kept (RFC 1122
 * 2.3.2.2).  An @skb larger than the limit by itself empties the queue and
 * waits alone.  n->arp_queue_len_bytes follows every packet in and out.
 * n->lock written (or arp_tbl.lock written).  3.10: __neigh_event_send.
 */
void __neigh_enqueue(struct neighbour *n, struct sk_buff *skb, struct arp_todo *todo);

/*
 * __neigh_event_send - @skb for @n, which has no answer: a new entry
 * (NUD_NONE, just taken by __neigh_alloc, dev and ip set) starts resolving:
 * NUD_INCOMPLETE, one request sent (@todo asks for n->ip on n->dev),
 * probes 1, the timer due in arp_params.retrans_ms; one already
 * INCOMPLETE only takes the packet.  Either way @skb waits
 * (__neigh_enqueue).  n->lock written (or arp_tbl.lock written).
 * 3.10: __neigh_event_send.
 */
void __neigh_event_send(struct neighbour *n, struct sk_buff *skb, struct arp_todo *todo);

/*
 * __neigh_confirm - @n's MAC is @ha (a reply, or a request from it):
 * NUD_REACHABLE, probes 0, updated now, the timer due when the answer is
 * arp_params.reachable_ms old, and every packet that waited moves to
 * @todo's send list, in order, for n->dev and @ha (n->arp_queue_len_bytes
 * back to 0).  n->lock written (or arp_tbl.lock written).  3.10:
 * neigh_update.
 */
void __neigh_confirm(struct neighbour *n, const u8 *ha, struct arp_todo *todo);

/*
 * __neigh_timer - @n's timer fired and the entry still wants it.
 * INCOMPLETE: another request (probes + 1, the timer again in retrans_ms)
 * while fewer than arp_params.max_probes were sent, else give up: the
 * entry is freed and what waited dropped (NEIGH_FAILED).  REACHABLE: an
 * answer reachable_ms old is freed the same way; a younger one (the timer
 * ran early) waits the rest.  Any other state: nothing.  arp_tbl.lock
 * written.  3.10: neigh_timer_handler.
 */
void __neigh_timer(struct neighbour *n, struct arp_todo *todo);

#endif
