/*
 * SPDX-License-Identifier: MIT
 * net/udp_internal.h - between net/socket.c (UDP sockets: create, bind, send,
 * read; the port table) and net/udp.c (a received datagram's way to its
 * socket, the reference for labs/net/).  Nothing outside those two files
 * includes this.
 */
#ifndef NET_UDP_INTERNAL_H
#define NET_UDP_INTERNAL_H

#include <kernel/list.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/wait.h>
#include <net/dropreason.h>
#include <net/skbuff.h>
#include <net/sock.h>
#include <net/udp.h>

#define UDP_HTABLE_SIZE 64

/* One slot of the port hash (3.10's struct udp_hslot). */
struct udp_hslot {
	struct list_head head; /* bound sockets whose port hashes here, by sk_bind_node */
	spinlock_t lock;       /* head, and delivery to those sockets; spin_lock_bh */
};

/* The bound sockets by local port (3.10's struct udp_table); defined in net/socket.c. */
struct udp_table {
	struct udp_hslot hash[UDP_HTABLE_SIZE];
	u16 next_ephemeral; /* where the next search starts (atomic) */
	unsigned int count; /* bound sockets (atomic) */
};
extern struct udp_table udp_table;

/* The slot of @port. */
static inline struct udp_hslot *udp_hashslot(u16 port)
{
	return &udp_table.hash[port % UDP_HTABLE_SIZE];
}

/* 3.10 keeps the MIBs per CPU; we add atomically to one copy: docs/linux-3.10.md */
#define udp_mib_inc(field) __atomic_add_fetch(&udp_mib.field, 1, __ATOMIC_RELAXED)

/* ---- net/udp.c ------------------------------------------------------------------- */

/*
 * __udp_lookup - the socket bound to @port (sk->inet_num), found on its
 * slot's list, or NULL.  Caller holds the slot's lock.  Binding asks it too
 * (is the port taken?).  3.10: __udp4_lib_lookup.
 */
struct sock *__udp_lookup(u16 port);

/*
 * skb_set_owner_r - charge @skb to @sk until it is freed: its destructor
 * becomes sock_rfree, skb->sk @sk, and sk_rmem_alloc grows by its truesize
 * (after running any destructor it had).  Linux's (include/net/sock.h).
 */
void skb_set_owner_r(struct sk_buff *skb, struct sock *sk);

/* sock_rfree - the destructor skb_set_owner_r sets: sk_rmem_alloc less the truesize. */
void sock_rfree(struct sk_buff *skb);

/* ---- for net/udp.c ------------------------------------------------------------------ */

/*
 * sk_wake_one - wake one reader of @sk for a datagram just queued: a sleeper whose last
 * CPU is this one if there is one, otherwise the first (wake_up).  The
 * datagram was received on this CPU (its NIC queue's vector is bound here,
 * or it came over lo from a thread here), so a reader here answers it
 * without an IPI and, through this CPU's transmit queue, without touching
 * another CPU's data: the echo service's thread per CPU then serves the
 * queue of its CPU.  Any reader may take any datagram; this only picks who
 * wakes.  Caller holds the slot lock (not sk_wq's).
 */
/* 3.10 wakes the first exclusive sleeper; we prefer one on this CPU: docs/linux-3.10.md */
static inline void sk_wake_one(struct sock *sk)
{
	unsigned int cpu = raw_smp_processor_id(); /* a hint: softirq or bh off, we stay */
	struct wait_queue_head *wq = &sk->sk_wq;
	struct wait_queue_entry *w;
	unsigned long flags;

	spin_lock_irqsave(&wq->lock, flags);
	list_for_each_entry(w, &wq->head, entry) {
		if ((w->flags & WQ_FLAG_EXCLUSIVE) && READ_ONCE(w->task->cpu) == cpu &&
		    wake_up_process(w->task)) {
			spin_unlock_irqrestore(&wq->lock, flags);
			return;
		}
	}
	spin_unlock_irqrestore(&wq->lock, flags);
	wake_up(wq);
}

#endif
