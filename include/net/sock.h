/*
 * SPDX-License-Identifier: MIT
 * net/sock.h - struct sock: the minimum the skb layer needs.
 *
 * OWNERSHIP: this file starts with the socket flags the skb layer uses
 * (SOCK_MEMALLOC and the count of memalloc sockets behind SKB_ALLOC_RX).
 * The protocol stack owns struct sock: it adds fields (addresses, ports,
 * wait queues, ...) and SOCK_* flags as it needs.  Keep it small.
 *
 * Memalloc sockets.  A socket that memory reclaim depends on (swap over the
 * network, writeback to a network disk) is marked with sk_set_memalloc().
 * While at least one exists, sk_memalloc_socks() is true and receive
 * buffers (__alloc_skb(SKB_ALLOC_RX), netdev_alloc_skb) may dip into the
 * page allocator's emergency reserve; those skbs are marked pfmemalloc.
 * The stack must then deliver pfmemalloc skbs only to SOCK_MEMALLOC sockets:
 * at socket delivery it calls sk_filter(), which drops (returns -ENOMEM)
 * and counts in sk_pfmemalloc_drops whatever another socket would get.
 *
 *   err = sk_filter(sk, skb);
 *   if (err) { atomic add 1 to sk->sk_drops; kfree_skb(skb); return err; }
 */
#ifndef NET_SOCK_H
#define NET_SOCK_H

#include <errno.h>
#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>
#include <kernel/wait.h>
#include <mm/gfp.h>
#include <net/byteorder.h>
#include <net/skbuff.h>

struct socket;

/* Bit numbers in sk->sk_flags (Linux's enum sock_flags, the ones used here). */
enum sock_flags {
	SOCK_DEAD,     /* closed: nothing more is delivered */
	SOCK_MEMALLOC, /* reclaim depends on it: may receive pfmemalloc skbs */
};

/* 3.10's socket lock; only its spinlock here (lock_sock's sleeping owner is not needed). */
typedef struct {
	spinlock_t slock; /* the socket's binding; spin_lock_bh (net/socket.c) */
} socket_lock_t;

struct sock {
	socket_lock_t sk_lock;		      /* see socket_lock_t */
	unsigned long sk_flags;		      /* 1 << SOCK_* */
	gfp_t sk_allocation;		      /* gfp for allocations on its behalf */
	struct sk_buff_head sk_receive_queue; /* received skbs, one reference each */
	unsigned long sk_drops;		      /* skbs dropped at delivery (atomic) */
	/* The protocol stack adds its fields here. */

	/*
	 * The UDP/IP part (net/socket.c).  Linux keeps the addresses in
	 * struct inet_sock around struct sock; one struct will do here.
	 */
	u8 sk_protocol;		       /* IPPROTO_UDP */
	int sk_rcvbuf;		       /* receive limit: bytes of skb truesize */
	int sk_rmem_alloc;	       /* truesize queued now (atomic) */
	long sk_rcvtimeo;	       /* a blocking receive waits this long, jiffies */
	long sk_sndtimeo;	       /* a blocking send (TCP) waits this long, jiffies */
	int sk_err_soft;	       /* the last ICMP error about what it sent (udp_err) */
	struct wait_queue_head sk_wq;  /* receivers sleeping for a datagram */
	__be32 inet_rcv_saddr;	       /* bound local address; INADDR_ANY: every one */
	u16 inet_num;		       /* bound local port, host order; 0: unbound */
	struct list_head sk_bind_node; /* on the UDP port table while bound */
	struct socket *sk_socket;      /* the socket it belongs to */
};

static inline bool sock_flag(const struct sock *sk, enum sock_flags flag)
{
	return sk->sk_flags & (1UL << flag);
}

static inline void sock_set_flag(struct sock *sk, enum sock_flags flag)
{
	sk->sk_flags |= 1UL << flag;
}

static inline void sock_reset_flag(struct sock *sk, enum sock_flags flag)
{
	sk->sk_flags &= ~(1UL << flag);
}

/* Sockets marked SOCK_MEMALLOC now (Linux: the memalloc_socks_key static key). */
extern int memalloc_socks;

/* sk_memalloc_socks - is any socket SOCK_MEMALLOC?  Context: any. */
static inline bool sk_memalloc_socks(void)
{
	return __atomic_load_n(&memalloc_socks, __ATOMIC_RELAXED) > 0;
}

/**
 * sk_set_memalloc - mark @sk SOCK_MEMALLOC: it may use the emergency reserve
 *
 * Sets the flag, adds __GFP_MEMALLOC to sk->sk_allocation and counts the
 * socket in memalloc_socks (once, however often it is called).
 * Context: thread or softirq; the caller serialises calls for one socket.
 */
void sk_set_memalloc(struct sock *sk);

/* sk_clear_memalloc - undo sk_set_memalloc (does nothing if @sk is not marked). */
void sk_clear_memalloc(struct sock *sk);

/* pfmemalloc skbs dropped at sockets that are not SOCK_MEMALLOC (Linux: PFMemallocDrop). */
extern unsigned long sk_pfmemalloc_drops;

/**
 * sk_filter - may @skb be delivered to @sk?
 *
 * Returns 0, or -ENOMEM for a pfmemalloc skb and a socket that is not
 * SOCK_MEMALLOC (counted in sk_pfmemalloc_drops): the caller then frees
 * the skb and counts its own drop.  Linux's sk_filter also runs the
 * socket's BPF filter; there is none here.  Context: any.
 */
static inline int sk_filter(struct sock *sk, struct sk_buff *skb)
{
	if (skb_pfmemalloc(skb) && !sock_flag(sk, SOCK_MEMALLOC)) {
		__atomic_add_fetch(&sk_pfmemalloc_drops, 1, __ATOMIC_RELAXED);
		return -ENOMEM;
	}
	return 0;
}

#endif
