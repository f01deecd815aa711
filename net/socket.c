/*
 * SPDX-License-Identifier: MIT
 * net/socket.c - UDP sockets: creating, binding, the port table, sending a
 * datagram, and the receive call (the contract is in include/net/socket.h).
 * A received datagram's way to the socket's queue is net/udp.c.
 *
 * State: udp_table, a hash of bound sockets by local port
 * (net/udp_internal.h).  A socket and its struct sock are one allocation.
 * Receive memory: each queued skb is charged to the socket (sk_rmem_alloc
 * += truesize, net/udp.c) and its destructor uncharges it when the reader
 * frees it, as Linux's skb_set_owner_r/sock_rfree.
 *
 * Locking, as 3.10 (the kinds and the order; 3.10 looks sockets up under
 * RCU with a reference, we under the slot's lock):
 *
 *   sk->sk_lock.slock  spinlock, _bh: the socket's binding (inet_num, and
 *                      SOCK_DEAD) against a second bind or autobind from
 *                      another thread, and against release
 *   hslot->lock        spinlock per hash slot (3.10's udp_hslot), _bh:
 *                      the slot's list and count.  Delivery (softirq, any
 *                      CPU) holds it from the lookup until the datagram is
 *                      queued, and release unhashes under it, so nothing
 *                      is queued on a socket being freed; CPUs delivering
 *                      to different ports do not meet.
 *   sk_receive_queue.lock  the queue's own (skb_queue_tail, irqsave)
 *   sk_wq's lock       the wait queue's own (wake_up; readers wait
 *                      exclusively: one woken per datagram)
 *
 *   order: sk_lock.slock -> hslot->lock -> sk_receive_queue.lock / sk_wq
 *
 * The counters (sk_rmem_alloc, sk_drops, udp_table.count) are atomic.
 */
#include <errno.h>
#include <kernel/list.h>
#include <kernel/panic.h>
#include <kernel/perf.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <kernel/trace.h>
#include <kernel/wait.h>
#include <mm/slab.h>
#include <net/checksum.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/netdevice.h>
#include <net/sock.h>
#include <net/socket.h>
#include <net/tcp.h>
#include <net/udp.h>
#include <string.h>

#include "net_internal.h"
#include "udp_internal.h"

/* The bound sockets by port: net/udp_internal.h. */
struct udp_table udp_table;

/* Linux's "Udp:" counters (include/net/udp.h), changed with udp_mib_inc. */
struct udp_mib udp_mib;

/* A socket and its sock, allocated together. */
struct udp_socket {
	struct socket socket;
	struct sock sk;
};

/* ---- create and release -------------------------------------------------------- */

/* 3.10 reaches sockets by system calls; we by kernel calls only: docs/linux-3.10.md */
int sock_create_udp(struct socket **res)
{
	struct udp_socket *us = kzalloc(sizeof(*us), GFP_KERNEL);
	struct sock *sk;

	if (!us)
		return -ENOMEM;
	sk = &us->sk;
	us->socket.type = SOCK_DGRAM;
	us->socket.sk = sk;
	sk->sk_socket = &us->socket;
	sk->sk_protocol = IPPROTO_UDP;
	sk->sk_allocation = GFP_KERNEL;
	sk->sk_rcvbuf = UDP_RCVBUF_DEFAULT;
	sk->sk_rcvtimeo = MAX_SCHEDULE_TIMEOUT;
	sk->sk_sndtimeo = MAX_SCHEDULE_TIMEOUT;
	spin_lock_init(&sk->sk_lock.slock);
	skb_queue_head_init(&sk->sk_receive_queue);
	sk->sk_receive_queue.lock.name = "sk_receive_queue";
	init_waitqueue_head(&sk->sk_wq);
	INIT_LIST_HEAD(&sk->sk_bind_node);
	*res = &us->socket;
	return 0;
}

void sock_release(struct socket *sock)
{
	struct sock *sk;

	if (!sock)
		return;
	if (sock->type == SOCK_STREAM) {
		tcp_close(sock);
		return;
	}
	sk = sock->sk;
	spin_lock_bh(&sk->sk_lock.slock);
	if (sk->inet_num) {
		struct udp_hslot *hslot = udp_hashslot(sk->inet_num);

		/* Waits for a delivery to this socket in progress on another CPU. */
		spin_lock_bh(&hslot->lock);
		list_del_init(&sk->sk_bind_node);
		spin_unlock_bh(&hslot->lock);
		__atomic_sub_fetch(&udp_table.count, 1, __ATOMIC_RELAXED);
	}
	sock_set_flag(sk, SOCK_DEAD);
	spin_unlock_bh(&sk->sk_lock.slock);
	/* Unhashed: nothing more can be queued.  What is queued still points at sk. */
	skb_queue_purge(&sk->sk_receive_queue);
	WARN_ON(__atomic_load_n(&sk->sk_rmem_alloc, __ATOMIC_RELAXED));
	sk_clear_memalloc(sk);
	kfree(container_of(sock, struct udp_socket, socket));
}

void sock_set_rcvtimeo(struct socket *sock, unsigned int ms)
{
	WRITE_ONCE(sock->sk->sk_rcvtimeo, ms ? (long)msecs_to_jiffies(ms) : MAX_SCHEDULE_TIMEOUT);
}

void sock_set_sndtimeo(struct socket *sock, unsigned int ms)
{
	WRITE_ONCE(sock->sk->sk_sndtimeo, ms ? (long)msecs_to_jiffies(ms) : MAX_SCHEDULE_TIMEOUT);
}

void sock_set_rcvbuf(struct sock *sk, int val)
{
	WRITE_ONCE(sk->sk_rcvbuf, val < 2048 ? 2048 : val);
}

/* ---- binding ------------------------------------------------------------------- */

/* Hash @sk on @port if nobody has it: 0 or -EADDRINUSE.  Caller holds sk_lock.slock. */
static int __udp_hash(struct sock *sk, u16 port)
{
	struct udp_hslot *hslot = udp_hashslot(port);
	int err = 0;

	spin_lock_bh(&hslot->lock);
	if (__udp_lookup(port)) {
		err = -EADDRINUSE;
	} else {
		sk->inet_num = port;
		sk->inet_rcv_saddr = INADDR_ANY;
		list_add_tail(&sk->sk_bind_node, &hslot->head);
		__atomic_add_fetch(&udp_table.count, 1, __ATOMIC_RELAXED);
	}
	spin_unlock_bh(&hslot->lock);
	return err;
}

/*
 * Hash @sk on a free port of the ephemeral range: 0, or -EADDRINUSE if
 * none is free.  Each candidate is checked and taken under its own slot's
 * lock, so CPUs binding at once get different ports (3.10's
 * udp_lib_get_port).  Caller holds sk_lock.slock.
 */
static int __udp_hash_ephemeral(struct sock *sk)
{
	unsigned int range = UDP_PORT_EPHEMERAL_MAX - UDP_PORT_EPHEMERAL_MIN + 1;
	/* Each search starts after the last one's start: CPUs start apart. */
	unsigned int start = __atomic_fetch_add(&udp_table.next_ephemeral, 1, __ATOMIC_RELAXED);

	for (unsigned int i = 0; i < range; i++) {
		u16 port = UDP_PORT_EPHEMERAL_MIN + (start + i) % range;

		if (!__udp_hash(sk, port))
			return 0;
	}
	return -EADDRINUSE;
}

int udp_bind(struct socket *sock, u16 port)
{
	struct sock *sk = sock->sk;
	int err;

	spin_lock_bh(&sk->sk_lock.slock);
	if (sk->inet_num || sock_flag(sk, SOCK_DEAD))
		err = -EINVAL;
	else
		err = port ? __udp_hash(sk, port) : __udp_hash_ephemeral(sk);
	spin_unlock_bh(&sk->sk_lock.slock);
	return err;
}

int udp_autobind(struct socket *sock)
{
	struct sock *sk = sock->sk;
	int err = 0;

	spin_lock_bh(&sk->sk_lock.slock);
	if (sock_flag(sk, SOCK_DEAD))
		err = -EINVAL;
	else if (!sk->inet_num) /* another thread may have bound it since the caller looked */
		err = __udp_hash_ephemeral(sk);
	spin_unlock_bh(&sk->sk_lock.slock);
	return err;
}

unsigned int udp_sock_count(void)
{
	return __atomic_load_n(&udp_table.count, __ATOMIC_RELAXED);
}

/* ---- sending --------------------------------------------------------------------- */

/* Push and fill the UDP header over the payload at skb->data; checksum it. */
static void udp_push_header(struct sk_buff *skb, u16 sport, u16 dport, __be32 saddr, __be32 daddr)
{
	struct udphdr *uh = skb_push(skb, sizeof(*uh));
	unsigned int ulen = skb->len;

	skb_reset_transport_header(skb);
	uh->source = htons(sport);
	uh->dest = htons(dport);
	uh->len = htons((u16)ulen);
	uh->check = 0;
	uh->check =
		csum_tcpudp_magic(saddr, daddr, ulen, IPPROTO_UDP, csum_partial(uh, (int)ulen, 0));
	/* RFC 768: a computed zero is sent as all ones; zero means "no checksum". */
	if (!uh->check)
		uh->check = 0xffff;
}

DEFINE_PERF_LAYER(perf_udp_sendmsg, "udp sendmsg");
DEFINE_PERF_LAYER(perf_udp_copy_to, "udp copy to skb");
DEFINE_PERF_LAYER(perf_udp_recvmsg, "udp recvmsg");
DEFINE_PERF_LAYER(perf_udp_copy_from, "udp copy from skb");

int udp_sendto(struct socket *sock, const void *buf, size_t len, __be32 dst_ip, u16 dst_port)
{
	PERF_SCOPE(&perf_udp_sendmsg);
	struct sock *sk = sock->sk;
	struct ip_route rt;
	struct sk_buff *skb;
	int err;

	if (!dst_port)
		return -EINVAL;
	if (len > UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (!READ_ONCE(sk->inet_num)) {
		err = udp_autobind(sock); /* 3.10's inet_autobind */
		if (err)
			return err;
	}
	if (ip_route_output(dst_ip, &rt))
		return -ENETUNREACH;
	skb = alloc_skb(MAX_HEADER + sizeof(struct udphdr) + len, sk->sk_allocation);
	if (!skb)
		return -ENOMEM;
	skb_reserve(skb, MAX_HEADER);
	perf_enter(&perf_udp_copy_to);
	skb_put_data(skb, buf, (unsigned int)len);
	perf_exit(&perf_udp_copy_to);
	udp_push_header(skb, sk->inet_num, dst_port, rt.saddr, dst_ip);
	udp_mib_inc(OutDatagrams);
	err = ip_build_and_send_pkt(skb, rt.saddr, dst_ip, IPPROTO_UDP);
	return err ? err : (int)len;
}

/* ---- receiving ------------------------------------------------------------------- */

/*
 * The next datagram, waiting as @flags and the socket's timeout allow; NULL: -EAGAIN.
 *
 * Readers wait exclusively, as 3.10's wait_for_more_packets
 * (prepare_to_wait_exclusive), and udp_queue_rcv (sk_wake_one) wakes one
 * sleeper per datagram: the threads that share a socket (the echo
 * service's, one per CPU) are not all woken for each datagram only to find
 * the queue empty again.  None is lost: a wake-up counts only a sleeper it
 * really woke (one already awake for an earlier datagram is passed over),
 * and a woken reader that finds the queue empty (another reader came first)
 * simply waits again.
 */
static struct sk_buff *udp_wait_dequeue(struct sock *sk, int flags)
{
	long timeo = (flags & MSG_DONTWAIT) ? 0 : READ_ONCE(sk->sk_rcvtimeo);
	struct sk_buff *skb;
	DEFINE_WAIT(w);

	for (;;) {
		skb = skb_dequeue(&sk->sk_receive_queue);
		if (skb || !timeo)
			return skb;
		might_sleep();
		/* On the queue before the check: a datagram queued after it wakes us. */
		prepare_to_wait_exclusive(&sk->sk_wq, &w, TASK_UNINTERRUPTIBLE);
		if (skb_queue_empty(&sk->sk_receive_queue))
			timeo = schedule_timeout(timeo);
		finish_wait(&sk->sk_wq, &w);
	}
}

int udp_recvfrom(struct socket *sock, void *buf, size_t len, __be32 *src_ip, u16 *src_port,
		 int flags)
{
	PERF_SCOPE(&perf_udp_recvmsg);
	const struct udphdr *uh;
	struct sk_buff *skb;
	size_t copied;
	int ret;

	skb = udp_wait_dequeue(sock->sk, flags);
	if (!skb)
		return -EAGAIN;
	uh = (const struct udphdr *)skb_transport_header(skb);
	if (src_ip)
		*src_ip = ((const struct iphdr *)skb_network_header(skb))->saddr;
	if (src_port)
		*src_port = ntohs(uh->source);
	copied = min(len, (size_t)skb->len);
	perf_enter(&perf_udp_copy_from);
	memcpy(buf, skb->data, copied);
	perf_exit(&perf_udp_copy_from);
	ret = (flags & MSG_TRUNC) ? (int)skb->len : (int)copied;
	trace_skb(TE_UDP_RECV, skb, copied);
	consume_skb(skb); /* runs sock_rfree */
	return ret;
}

/* ---- ICMP errors ------------------------------------------------------------------ */

/*
 * The errno an ICMP error means for a UDP socket (3.10's __udp4_lib_err),
 * and whether it is "hard" (RFC 1122 section 4.2.3.9); -1: none (source
 * quench asks nothing of UDP).
 */
static int udp_icmp_errno(u8 type, u8 code, bool *hard)
{
	*hard = false;
	switch (type) {
	case ICMP_SOURCE_QUENCH:
		return -1;
	case ICMP_PARAMETERPROB:
		*hard = true;
		return EPROTO;
	case ICMP_DEST_UNREACH:
		if (code == ICMP_FRAG_NEEDED) { /* path MTU: we send with DF clear */
			*hard = true;
			return EMSGSIZE;
		}
		if (code > NR_ICMP_UNREACH)
			return EHOSTUNREACH;
		*hard = icmp_err_convert[code].fatal;
		return icmp_err_convert[code].err;
	default: /* time exceeded */
		return EHOSTUNREACH;
	}
}

/*
 * udp_err - see include/net/udp.h.  Here beside the port table rather than in
 * net/udp.c (3.10's place), whose functions are the net lab's to write.
 */
/* 3.10 tells only a connected or IP_RECVERR socket; ours keep it: docs/linux-3.10.md */
void udp_err(struct sk_buff *skb, u32 info)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	const struct udphdr *uh = (const struct udphdr *)(skb->data + iph->ihl * 4);
	const struct icmphdr *icmph = (const struct icmphdr *)skb_transport_header(skb);
	u16 sport = ntohs(uh->source);
	struct udp_hslot *hslot = udp_hashslot(sport);
	struct sock *sk;
	bool hard;
	int err;

	(void)info; /* the MTU of a FRAG_NEEDED: no path MTU cache to put it in */
	err = udp_icmp_errno(icmph->type, icmph->code, &hard);
	spin_lock_bh(&hslot->lock);
	sk = __udp_lookup(sport);
	/*
	 * No connect() and no IP_RECVERR: the socket keeps the error, and
	 * nothing reads it back or wakes for it, as a 3.10 socket that is
	 * neither (an echo server must not fail its next recvfrom because one
	 * client went away).  Hard or not matters once sockets connect.
	 */
	if (sk && err > 0)
		WRITE_ONCE(sk->sk_err_soft, err);
	spin_unlock_bh(&hslot->lock);
	if (!sk)
		__atomic_add_fetch(&icmp_mib.InErrors, 1, __ATOMIC_RELAXED);
}

void udp_sock_init(void)
{
	for (int i = 0; i < UDP_HTABLE_SIZE; i++) {
		INIT_LIST_HEAD(&udp_table.hash[i].head);
		/* One class for all slots: they are never held two at a time. */
		spin_lock_init(&udp_table.hash[i].lock);
		udp_table.hash[i].lock.name = "udp_hslot";
	}
}
