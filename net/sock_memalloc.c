/*
 * SPDX-License-Identifier: MIT
 * net/sock_memalloc.c - marking sockets that memory reclaim depends on.
 *
 * include/net/sock.h explains the policy: while a SOCK_MEMALLOC socket
 * exists, receive buffers may use the emergency reserve, and skbs that did
 * (pfmemalloc) are dropped by sk_filter() at every other socket.  Linux
 * keeps the count in a static key (memalloc_socks_key); a counter will do.
 */
#include <net/sock.h>

int memalloc_socks;
unsigned long sk_pfmemalloc_drops;

/* sk_set_memalloc - see include/net/sock.h: mark once, count once. */
void sk_set_memalloc(struct sock *sk)
{
	if (sock_flag(sk, SOCK_MEMALLOC))
		return;
	sock_set_flag(sk, SOCK_MEMALLOC);
	sk->sk_allocation |= __GFP_MEMALLOC;
	__atomic_add_fetch(&memalloc_socks, 1, __ATOMIC_RELAXED);
}

/* sk_clear_memalloc - undo sk_set_memalloc; nothing if not marked. */
void sk_clear_memalloc(struct sock *sk)
{
	if (!sock_flag(sk, SOCK_MEMALLOC))
		return;
	sock_reset_flag(sk, SOCK_MEMALLOC);
	sk->sk_allocation &= ~__GFP_MEMALLOC;
	__atomic_sub_fetch(&memalloc_socks, 1, __ATOMIC_RELAXED);
}
