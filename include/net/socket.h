/*
 * SPDX-License-Identifier: MIT
 * net/socket.h - a small UDP socket API for kernel code.
 *
 * No file descriptors: a socket is a struct socket pointer.  Ports are in
 * host order (they are numbers you type); addresses are __be32 in network
 * order (as ip4_parse() returns them and as they sit in headers).
 *
 *   struct socket *sock;
 *   sock_create_udp(&sock);
 *   udp_bind(sock, 7);                               or 0: any free port
 *   n = udp_recvfrom(sock, buf, sizeof(buf), &ip, &port, 0);   sleeps
 *   udp_sendto(sock, buf, n, ip, port);
 *   sock_release(sock);
 *
 * Receiving: datagrams wait on sk->sk_receive_queue, whose memory is
 * bounded by sk->sk_rcvbuf (bytes of skb truesize, as Linux's SO_RCVBUF:
 * a datagram is dropped when what is queued already reaches the limit;
 * counted in sk_drops, udp_mib.RcvbufErrors and SOCKET_RCVBUFF).  A
 * pfmemalloc datagram reaches only a SOCK_MEMALLOC socket (sk_filter,
 * net/sock.h); others drop it (PFMEMALLOC).
 *
 * Binding: one socket per port; binding a taken port is -EADDRINUSE.
 * There is no SO_REUSEADDR and no connect().
 *
 * Locking: each slot of the port table has its lock, taken with bottom
 * halves off (delivery runs in NET_RX_SOFTIRQ, on any CPU).  Delivery
 * looks the socket up and queues under its slot's lock, and sock_release
 * unhashes under it, so a datagram never lands on a socket being freed.
 * A socket's binding is under its own sk_lock.slock, so threads on several
 * CPUs may send on one unbound socket (the first send binds it, once).
 * One socket may be used by several threads, but none may be inside
 * udp_recvfrom when it is released.
 */
#ifndef NET_SOCKET_H
#define NET_SOCKET_H

#include <kernel/types.h>
#include <net/byteorder.h>
#include <stddef.h>

struct sock;
struct sk_buff;

#define SOCK_DGRAM 2

/* Flags of udp_recvfrom, Linux's values. */
#define MSG_TRUNC    0x20   /* return the datagram's real length, even if cut */
#define MSG_DONTWAIT 0x40   /* nothing queued: -EAGAIN instead of sleeping */
#define MSG_MORE     0x8000 /* TCP: more follows at once; hold a short segment for it */

#define UDP_RCVBUF_DEFAULT     (128 * 1024)
#define UDP_PORT_EPHEMERAL_MIN 49152 /* RFC 6335 section 6: the dynamic ports */
#define UDP_PORT_EPHEMERAL_MAX 65535
#define UDP_MAX_PAYLOAD	       (65535 - 20 - 8)

struct socket {
	short type; /* SOCK_DGRAM */
	struct sock *sk;
};

/*
 * sock_create_udp - a new, unbound UDP socket in *@res.  Returns 0 or
 * -ENOMEM.  Context: thread, may sleep.
 */
int sock_create_udp(struct socket **res);

/*
 * sock_release - unbind, drop what is queued, free.  NULL is ignored.
 * No thread may be blocked in udp_recvfrom on it.  Context: thread.
 */
void sock_release(struct socket *sock);

/*
 * udp_bind - bind @sock to local port @port on every address; port 0 picks
 * a free ephemeral port (read it back in sock->sk->inet_num).  Returns 0,
 * -EADDRINUSE (taken, or no ephemeral port free), -EINVAL (already bound).
 * Context: thread or softirq.
 */
int udp_bind(struct socket *sock, u16 port);

/*
 * udp_sendto - send @len bytes of @buf as one datagram to @dst_ip:@dst_port,
 * from the route's address; an unbound socket is bound to an ephemeral
 * port first.  Returns @len when sent (or queued for ARP: delivery is not
 * promised), -EINVAL (port 0), -EMSGSIZE (more than UDP_MAX_PAYLOAD; a
 * datagram longer than the MTU leaves in fragments), -ENETUNREACH, -ENOMEM, -EADDRINUSE (no port to
 * bind), -ENOBUFS (dropped on the way: device backlog or neighbour table
 * full; counted under its reason).
 * Context: thread (allocates with sk->sk_allocation, GFP_KERNEL).
 */
int udp_sendto(struct socket *sock, const void *buf, size_t len, __be32 dst_ip, u16 dst_port);

/*
 * udp_recvfrom - take the oldest queued datagram: copy up to @len bytes to
 * @buf (the rest of a longer one is lost, as with recvfrom(2)) and its
 * source to *@src_ip, *@src_port (either may be NULL).  Sleeps until one
 * arrives, at most sk_rcvtimeo, unless @flags has MSG_DONTWAIT.  Returns
 * the bytes copied (the datagram's length with MSG_TRUNC), or -EAGAIN
 * (nothing queued and MSG_DONTWAIT, or the timeout passed).
 * Context: thread (may sleep); with MSG_DONTWAIT any but hardirq.
 */
int udp_recvfrom(struct socket *sock, void *buf, size_t len, __be32 *src_ip, u16 *src_port,
		 int flags);

/* poll(2)'s events, Linux's values. */
#define POLLIN	0x001 /* data to read, the end of a stream, a connection to accept */
#define POLLOUT 0x004 /* room to send */
#define POLLERR 0x008 /* an error is pending (always reported) */
#define POLLHUP 0x010 /* closed both ways (always reported) */

struct kpollfd {
	struct socket *sock;
	short events;  /* what the caller waits for */
	short revents; /* what is true now (filled by kernel_poll) */
};
#define KPOLL_MAX 64

/*
 * kernel_poll - wait until one of @n (at most KPOLL_MAX) sockets, TCP or
 * UDP, has one of its events, at most @timeout_ms (negative: forever; 0:
 * look and return).  Returns how many have revents, 0 on timeout, or
 * -EINVAL / -ENOMEM.  Context: thread, may sleep (net/sock_poll.c).
 */
int kernel_poll(struct kpollfd *fds, unsigned int n, int timeout_ms);

/* sock_set_sndtimeo - SO_SNDTIMEO: a blocking TCP send waits at most @ms (0: forever). */
void sock_set_sndtimeo(struct socket *sock, unsigned int ms);

/* sock_set_rcvtimeo - blocking receives wait at most @ms (0: forever).  Context: any. */
void sock_set_rcvtimeo(struct socket *sock, unsigned int ms);

/* sock_set_rcvbuf - Linux's: the receive limit in bytes of truesize (at least 2048). */
void sock_set_rcvbuf(struct sock *sk, int val);

/*
 * udp_queue_rcv - find the socket bound to @dport and queue @skb (data at
 * the UDP payload, network and transport headers set) on it, after the
 * pfmemalloc and receive-buffer checks.  Consumes @skb.  Returns
 * SKB_NOT_DROPPED_YET when queued, else the reason it was dropped (counted
 * and freed).  Context: softirq.  Called by udp_rcv.
 */
int udp_queue_rcv(struct sk_buff *skb, u16 dport);

/* Bound UDP sockets now (tests: the table ends as it began). */
unsigned int udp_sock_count(void);

/*
 * udp_autobind - bind @sock to a free ephemeral port unless it is bound
 * already (by this or another thread): udp_sendto's first send.  Returns
 * 0, -EADDRINUSE (no free port) or -EINVAL (released).  Context: thread.
 */
int udp_autobind(struct socket *sock);

#endif
