/*
 * SPDX-License-Identifier: MIT
 * tests/net/test_net_udp.c - UDP and the socket API: the echo service on port
 * 7 (over lo and over the test NIC; its thread per CPU sharing the load),
 * bind rules, blocking and non-blocking receive (one sleeping reader woken
 * per datagram), the bounded receive queue, malformed datagrams, and the
 * pfmemalloc delivery policy.
 */
#include <errno.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <mm/slab.h>
#include <net/checksum.h>
#include <net/echo.h>
#include <net/sock.h>
#include <net/socket.h>
#include <string.h>

#include "net_test.h"

#define TEST_PORT 4001

static struct socket *new_sock(struct ktest *t, u16 port)
{
	struct socket *sock;

	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	if (port && udp_bind(sock, port)) {
		sock_release(sock);
		ASSERT_TRUE(t, false);
	}
	return sock;
}

TEST_CASE(udp_test_echo_service_answers_over_loopback)
{
	struct socket *sock = new_sock(t, 0);
	char buf[32] = { 0 };
	__be32 ip = 0;
	u16 port = 0;

	sock_set_rcvtimeo(sock, 5000);
	EXPECT_EQ(t, udp_sendto(sock, "hello, echo", 11, INADDR_LOOPBACK, 7), 11);
	EXPECT_EQ(t, udp_recvfrom(sock, buf, sizeof(buf), &ip, &port, 0), 11);
	EXPECT_STREQ(t, buf, "hello, echo");
	EXPECT_EQ(t, ip, INADDR_LOOPBACK);
	EXPECT_EQ(t, port, 7);
	sock_release(sock);
}

TEST_CASE(udp_test_echo_service_answers_over_the_nic)
{
	struct net_device *dev = net_test_nic(t);
	struct udphdr *uh;
	struct frame f;

	net_test_learn_peer(dev);
	frame_udp(&f, PEER_IP, OUR_IP, 5555, 7, "echo me", 7);
	tnic_inject(dev, f.data, f.len);
	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 5000)); /* the service thread answers */
	uh = frame_l4(&f);
	EXPECT_EQ(t, frame_iph(&f)->saddr, OUR_IP);
	EXPECT_EQ(t, frame_iph(&f)->daddr, PEER_IP);
	EXPECT_EQ(t, ntohs(uh->source), 7);
	EXPECT_EQ(t, ntohs(uh->dest), 5555);
	EXPECT_EQ(t, ntohs(uh->len), 8 + 7);
	EXPECT_EQ(t, memcmp(uh + 1, "echo me", 7), 0);
	EXPECT_EQ(t, udp_hdr_check(uh, 8 + 7, OUR_IP, PEER_IP), SKB_NOT_DROPPED_YET);
	net_test_nic_destroy(dev);
}

TEST_CASE(udp_test_bind_conflicts_are_refused)
{
	struct socket *a = new_sock(t, TEST_PORT), *b = new_sock(t, 0);

	EXPECT_EQ(t, udp_bind(b, 7), -EADDRINUSE); /* the echo service's */
	EXPECT_EQ(t, udp_bind(b, TEST_PORT), -EADDRINUSE);
	EXPECT_EQ(t, udp_bind(a, TEST_PORT + 1), -EINVAL); /* already bound */
	sock_release(a);
	EXPECT_EQ(t, udp_bind(b, TEST_PORT), 0); /* free again */
	sock_release(b);
}

/*
 * Ports 64 apart share a slot of the port hash (UDP_HTABLE_SIZE, 64): each
 * datagram still reaches the socket bound to its own port, whichever was
 * bound first.
 */
TEST_CASE(udp_test_datagrams_reach_the_socket_of_their_port)
{
	static const u16 ports[] = { TEST_PORT + 128, TEST_PORT, TEST_PORT + 64 };
	struct socket *rx[ARRAY_SIZE(ports)], *tx = new_sock(t, 0);
	char buf[8];
	u16 from;

	for (unsigned int i = 0; i < ARRAY_SIZE(ports); i++)
		rx[i] = new_sock(t, ports[i]);
	for (unsigned int i = 0; i < ARRAY_SIZE(ports); i++) {
		char c = (char)('a' + i);

		EXPECT_EQ(t, udp_sendto(tx, &c, 1, INADDR_LOOPBACK, ports[i]), 1);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(ports); i++) {
		EXPECT_EQ(t, udp_recvfrom(rx[i], buf, sizeof(buf), NULL, &from, MSG_DONTWAIT), 1);
		EXPECT_EQ(t, buf[0], 'a' + i);
		EXPECT_EQ(t, from, tx->sk->inet_num);
		EXPECT_EQ(t, udp_recvfrom(rx[i], buf, sizeof(buf), NULL, NULL, MSG_DONTWAIT),
			  -EAGAIN);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(ports); i++)
		sock_release(rx[i]);
	sock_release(tx);
}

/*
 * A queued datagram is counted (InDatagrams) and charged to its socket:
 * sk_rmem_alloc holds its truesize until the reader has taken it.
 */
TEST_CASE(udp_test_a_queued_datagram_is_counted_and_charged_until_read)
{
	struct socket *rx = new_sock(t, TEST_PORT), *tx = new_sock(t, 0);
	unsigned long in = udp_mib.InDatagrams;
	struct sk_buff *skb;
	char buf[16] = { 0 };

	EXPECT_EQ(t, udp_sendto(tx, "counted", 7, INADDR_LOOPBACK, TEST_PORT), 7);
	EXPECT_EQ(t, udp_mib.InDatagrams - in, 1);
	skb = skb_peek(&rx->sk->sk_receive_queue);
	ASSERT_NOT_NULL(t, skb);
	EXPECT_EQ(t, skb->len, 7); /* the payload: the UDP header pulled */
	EXPECT_TRUE(t, skb->sk == rx->sk);
	EXPECT_EQ(t, rx->sk->sk_rmem_alloc, skb->truesize);
	EXPECT_EQ(t, udp_recvfrom(rx, buf, sizeof(buf), NULL, NULL, MSG_DONTWAIT), 7);
	EXPECT_STREQ(t, buf, "counted");
	EXPECT_EQ(t, rx->sk->sk_rmem_alloc, 0);
	sock_release(tx);
	sock_release(rx);
}

TEST_CASE(udp_test_port_zero_and_unbound_sends_get_ephemeral_ports)
{
	struct socket *a = new_sock(t, 0), *b = new_sock(t, 0);

	EXPECT_EQ(t, udp_bind(a, 0), 0);
	EXPECT_GE(t, a->sk->inet_num, UDP_PORT_EPHEMERAL_MIN);
	EXPECT_EQ(t, b->sk->inet_num, 0);
	EXPECT_EQ(t, udp_sendto(b, "x", 1, INADDR_LOOPBACK, 9), 1); /* nobody on 9 */
	EXPECT_GE(t, b->sk->inet_num, UDP_PORT_EPHEMERAL_MIN);
	EXPECT_NE(t, a->sk->inet_num, b->sk->inet_num);
	sock_release(a);
	sock_release(b);
}

struct reader {
	struct socket *sock;
	int result;
	char buf[16];
};

static int reader_fn(void *arg)
{
	struct reader *r = arg;

	r->result = udp_recvfrom(r->sock, r->buf, sizeof(r->buf), NULL, NULL, 0);
	return 0;
}

TEST_CASE(udp_test_blocking_recvfrom_is_woken_by_a_datagram)
{
	struct reader r = { .sock = new_sock(t, TEST_PORT), .result = 1 };
	struct socket *tx = new_sock(t, 0);
	struct task_struct *k;

	k = ktest_thread_start(reader_fn, &r, "udp-reader");
	ASSERT_NOT_NULL(t, k);
	ktest_wait_until(waitqueue_active(&r.sock->sk->sk_wq), 5000);
	EXPECT_TRUE(t, waitqueue_active(&r.sock->sk->sk_wq)); /* it sleeps */
	EXPECT_EQ(t, r.result, 1);
	EXPECT_EQ(t, udp_sendto(tx, "wake", 4, INADDR_LOOPBACK, TEST_PORT), 4);
	EXPECT_EQ(t, ktest_thread_finish(k, 5000), 0);
	EXPECT_EQ(t, r.result, 4);
	EXPECT_EQ(t, memcmp(r.buf, "wake", 4), 0);
	sock_release(tx);
	sock_release(r.sock);
}

#define WAKE_READERS 3

/* Sleepers on @wq now (taking its lock: an entry joins or leaves under it). */
static unsigned int waiters(struct wait_queue_head *wq)
{
	struct wait_queue_entry *w;
	unsigned long flags;
	unsigned int n = 0;

	spin_lock_irqsave(&wq->lock, flags);
	list_for_each_entry(w, &wq->head, entry)
		n++;
	spin_unlock_irqrestore(&wq->lock, flags);
	return n;
}

/*
 * "Readers wait exclusively: a datagram wakes one sleeper" (net/socket.c).
 * The readers and this thread share one CPU, and this thread injects with
 * preemption off, so a woken reader cannot run (and go back to sleep)
 * before we look: exactly one of them must be runnable.  Then every reader
 * gets exactly one of the three datagrams.
 */
TEST_CASE(udp_test_a_datagram_wakes_one_of_the_sleeping_readers)
{
	static struct reader r[WAKE_READERS];
	struct task_struct *k[WAKE_READERS];
	struct net_device *dev = net_test_nic(t);
	struct socket *rx = new_sock(t, TEST_PORT);
	u64 allowed = current->cpus_allowed, here;
	unsigned int cpu = raw_smp_processor_id(), woken = 0;
	struct frame f;

	here = 1ULL << cpu;
	EXPECT_EQ(t, set_cpus_allowed_ptr(current, &here), 0);
	for (int i = 0; i < WAKE_READERS; i++) {
		r[i] = (struct reader){ .sock = rx, .result = 1 };
		k[i] = ktest_thread_start_on(reader_fn, &r[i], "udp-reader", cpu);
	}
	/* (the sleeps also bring this thread back to @cpu, should it have left) */
	ktest_wait_until(waiters(&rx->sk->sk_wq) >= WAKE_READERS, 5000);
	EXPECT_EQ(t, waiters(&rx->sk->sk_wq), WAKE_READERS);
	EXPECT_EQ(t, raw_smp_processor_id(), cpu);

	frame_udp(&f, PEER_IP, OUR_IP, 5555, TEST_PORT, "wake", 4);
	preempt_disable();
	tnic_inject(dev, f.data, f.len); /* received and queued before it returns */
	for (int i = 0; i < WAKE_READERS; i++)
		woken += k[i] && READ_ONCE(k[i]->state) == TASK_RUNNING;
	preempt_enable();
	EXPECT_EQ(t, woken, 1);

	for (int i = 1; i < WAKE_READERS; i++)
		tnic_inject(dev, f.data, f.len);
	for (int i = 0; i < WAKE_READERS; i++) {
		EXPECT_NOT_NULL(t, k[i]);
		if (k[i])
			EXPECT_EQ(t, ktest_thread_finish(k[i], 5000), 0);
		EXPECT_EQ(t, r[i].result, 4); /* each reader got one of the three */
	}
	set_cpus_allowed_ptr(current, &allowed);
	sock_release(rx);
	net_test_nic_destroy(dev);
}

/*
 * "A sleeper whose last CPU is this one if there is one" (net/socket.c,
 * sk_wake_one): a reader on another CPU queued first, one on this CPU
 * second; a datagram received here wakes the second only.  Plain wake_up
 * would wake the first.
 */
TEST_CASE(udp_test_a_datagram_wakes_a_reader_on_the_receiving_cpu_first)
{
	static struct reader r[2];
	struct task_struct *k[2] = { NULL, NULL };
	struct net_device *dev;
	struct socket *rx;
	u64 allowed = current->cpus_allowed, here;
	unsigned int cpu = raw_smp_processor_id(), other;
	bool local_woke, remote_woke;
	struct frame f;

	if (num_online_cpus() < 2)
		ktest_skip(t, "needs two online CPUs");
	for_each_online_cpu(other)
		if (other != cpu)
			break;
	dev = net_test_nic(t);
	rx = new_sock(t, TEST_PORT);
	here = 1ULL << cpu;
	EXPECT_EQ(t, set_cpus_allowed_ptr(current, &here), 0);
	for (int i = 0; i < 2; i++) {
		r[i] = (struct reader){ .sock = rx, .result = 1 };
		k[i] = ktest_thread_start_on(reader_fn, &r[i], "udp-reader", i ? cpu : other);
		/* the remote one first in the queue */
		ktest_wait_until(waiters(&rx->sk->sk_wq) >= (unsigned int)i + 1, 5000);
	}
	EXPECT_EQ(t, waiters(&rx->sk->sk_wq), 2);
	EXPECT_EQ(t, raw_smp_processor_id(), cpu);

	frame_udp(&f, PEER_IP, OUR_IP, 5555, TEST_PORT, "here", 4);
	preempt_disable();
	tnic_inject(dev, f.data, f.len);
	local_woke = k[1] && READ_ONCE(k[1]->state) == TASK_RUNNING;
	remote_woke = k[0] && READ_ONCE(k[0]->state) == TASK_RUNNING;
	preempt_enable();
	EXPECT_TRUE(t, local_woke);
	EXPECT_FALSE(t, remote_woke);

	tnic_inject(dev, f.data, f.len); /* the other reader's */
	for (int i = 0; i < 2; i++) {
		EXPECT_NOT_NULL(t, k[i]);
		if (k[i])
			EXPECT_EQ(t, ktest_thread_finish(k[i], 5000), 0);
		EXPECT_EQ(t, r[i].result, 4);
	}
	set_cpus_allowed_ptr(current, &allowed);
	sock_release(rx);
	net_test_nic_destroy(dev);
}

#define ECHO_PER_CLIENT 64 /* round trips per client: one bit each in a u64 */
#define ECHO_WINDOW	4  /* in flight per client */

/* A client of the echo service on one CPU, with a few datagrams in flight. */
struct echo_client {
	unsigned int cpu;
	unsigned int answered; /* distinct replies, each checked */
	int err;	       /* the first thing that went wrong, or 0 */
};

/* Check reply @m (@n bytes, from @ip:@port) of a client that sent @sent; mark it in @seen. */
static int echo_reply_check(const struct echo_client *c, const u32 *m, int n, __be32 ip, u16 port,
			    u32 sent, u64 *seen)
{
	if (n < 0)
		return n;
	if (n != 3 * sizeof(u32) || ip != INADDR_LOOPBACK || port != ECHO_PORT)
		return -EBADMSG;
	if (m[0] != c->cpu || m[1] >= sent || m[2] != c->cpu * 7919 + m[1] ||
	    (*seen & (1ULL << m[1])))
		return -EBADMSG; /* changed, never sent, or answered twice */
	*seen |= 1ULL << m[1];
	return 0;
}

static int echo_client_fn(void *arg)
{
	struct echo_client *c = arg;
	struct socket *sock;
	u32 sent = 0;
	u64 seen = 0;
	int err;

	err = sock_create_udp(&sock);
	if (err)
		return err;
	sock_set_rcvtimeo(sock, 5000);
	while (c->answered < ECHO_PER_CLIENT && !c->err) {
		u32 m[3];
		__be32 ip = 0;
		u16 port = 0;
		int n;

		for (; sent < ECHO_PER_CLIENT && sent - c->answered < ECHO_WINDOW; sent++) {
			m[0] = c->cpu, m[1] = sent, m[2] = c->cpu * 7919 + sent;
			if (udp_sendto(sock, m, sizeof(m), INADDR_LOOPBACK, ECHO_PORT) != sizeof(m))
				c->err = -EIO;
		}
		n = udp_recvfrom(sock, m, sizeof(m), &ip, &port, 0);
		c->err = c->err ?: echo_reply_check(c, m, n, ip, port, sent, &seen);
		c->answered += !c->err;
	}
	sock_release(sock);
	return 0;
}

/* Datagrams echo thread @i answered, and its CPU in @cpu. */
static unsigned long echo_thread_echoed(unsigned int i, unsigned int *cpu)
{
	struct echo_thread_stat st = { 0 };

	echo_service_thread_stat(i, &st);
	*cpu = st.cpu;
	return st.echoed;
}

/*
 * "One thread per online CPU ... the sum over the threads is exact"
 * (net/echo.h): clients on every CPU at once, each with datagrams in
 * flight, all answered exactly; the threads' counts grow by exactly what
 * was sent, and on several CPUs more than one thread did the work.
 */
TEST_CASE(udp_test_echo_threads_one_per_cpu_share_the_load_and_count_exactly)
{
	static struct echo_client c[NR_CPUS];
	static struct task_struct *k[NR_CPUS];
	static unsigned long before[NR_CPUS];
	unsigned int n = echo_service_threads(), cpu, clients = 0, busy = 0;
	unsigned long total = 0, grew = 0;

	ASSERT_EQ(t, n, num_online_cpus());
	for (unsigned int i = 0; i < n; i++) {
		before[i] = echo_thread_echoed(i, &cpu);
		EXPECT_TRUE(t, cpu_online(cpu));
		EXPECT_TRUE(t, i == 0 || cpu > c[0].cpu); /* one per CPU, in order */
		c[0].cpu = cpu;
	}
	for_each_online_cpu(cpu) {
		c[clients] = (struct echo_client){ .cpu = cpu };
		k[clients] = ktest_thread_start_on(echo_client_fn, &c[clients], "echo-client", cpu);
		clients++;
	}
	for (unsigned int i = 0; i < clients; i++) {
		ASSERT_NOT_NULL(t, k[i]);
		EXPECT_EQ(t, ktest_thread_finish(k[i], 30000), 0);
		EXPECT_EQ(t, c[i].err, 0);
		EXPECT_EQ(t, c[i].answered, ECHO_PER_CLIENT);
		total += ECHO_PER_CLIENT;
	}
	/* A thread counts after udp_sendto returns, maybe after its client saw the reply. */
	for (int ms = 0; ms < 2000; ms++, msleep(1)) {
		grew = busy = 0;
		for (unsigned int i = 0; i < n; i++) {
			unsigned long d = echo_thread_echoed(i, &cpu) - before[i];

			grew += d;
			busy += d > 0;
		}
		if (grew >= total)
			break;
	}
	printk("    # %s: %lu round trips from %u CPU(s), %u of %u echo threads answered\n",
	       t->tcase->name, total, clients, busy, n);
	EXPECT_EQ(t, grew, total);
	EXPECT_EQ(t, echo_service_count() >= total, true);
	if (n > 1)
		EXPECT_GE(t, busy, 2);
	else
		EXPECT_EQ(t, busy, 1);
}

TEST_CASE(udp_test_nonblocking_recvfrom_returns_eagain)
{
	struct socket *sock = new_sock(t, TEST_PORT);
	char buf[4];

	EXPECT_EQ(t, udp_recvfrom(sock, buf, sizeof(buf), NULL, NULL, MSG_DONTWAIT), -EAGAIN);
	sock_set_rcvtimeo(sock, 5);
	EXPECT_EQ(t, udp_recvfrom(sock, buf, sizeof(buf), NULL, NULL, 0), -EAGAIN);
	sock_release(sock);
}

TEST_CASE(udp_test_long_datagrams_are_cut_to_the_buffer)
{
	struct socket *rx = new_sock(t, TEST_PORT), *tx = new_sock(t, 0);
	char buf[4];

	udp_sendto(tx, "abcdefgh", 8, INADDR_LOOPBACK, TEST_PORT);
	udp_sendto(tx, "abcdefgh", 8, INADDR_LOOPBACK, TEST_PORT);
	EXPECT_EQ(t, udp_recvfrom(rx, buf, sizeof(buf), NULL, NULL, MSG_DONTWAIT), 4);
	EXPECT_EQ(t, memcmp(buf, "abcd", 4), 0);
	EXPECT_EQ(t, udp_recvfrom(rx, buf, sizeof(buf), NULL, NULL, MSG_DONTWAIT | MSG_TRUNC), 8);
	sock_release(tx);
	sock_release(rx);
}

/*
 * The longest UDP payload IPv4 carries (UDP_MAX_PAYLOAD, an IP datagram of
 * 65535 bytes) fits lo's MTU of 65536: sent whole, no fragment, and
 * received byte for byte.  Its skb's buffer is past 64 KiB.
 */
TEST_CASE(udp_test_a_65507_byte_datagram_crosses_loopback_intact)
{
	struct socket *rx = new_sock(t, TEST_PORT), *tx = new_sock(t, 0);
	u8 *out = kmalloc(UDP_MAX_PAYLOAD, GFP_KERNEL);
	u8 *in = kmalloc(UDP_MAX_PAYLOAD + 1, GFP_KERNEL); /* a byte more would show */

	if (out && in) {
		ktest_fill(out, UDP_MAX_PAYLOAD, 65507);
		memset(in, 0, UDP_MAX_PAYLOAD + 1);
		sock_set_rcvtimeo(rx, 5000);
		EXPECT_EQ(t, udp_sendto(tx, out, UDP_MAX_PAYLOAD, INADDR_LOOPBACK, TEST_PORT),
			  UDP_MAX_PAYLOAD);
		EXPECT_EQ(t, udp_recvfrom(rx, in, UDP_MAX_PAYLOAD + 1, NULL, NULL, 0),
			  UDP_MAX_PAYLOAD);
		EXPECT_TRUE(t, ktest_holds(in, UDP_MAX_PAYLOAD, 65507));
		EXPECT_EQ(t, udp_sendto(tx, out, UDP_MAX_PAYLOAD + 1, INADDR_LOOPBACK, TEST_PORT),
			  -EMSGSIZE);
	}
	EXPECT_NOT_NULL(t, out);
	EXPECT_NOT_NULL(t, in);
	kfree(in);
	kfree(out);
	sock_release(tx);
	sock_release(rx);
}

TEST_CASE(udp_test_receive_queue_overflow_drops_are_counted)
{
	struct socket *rx = new_sock(t, TEST_PORT), *tx = new_sock(t, 0);
	unsigned long d = drops(SKB_DROP_REASON_SOCKET_RCVBUFF);
	unsigned long rcvbuf_errors = udp_mib.RcvbufErrors;
	unsigned int queued, dropped;
	char buf[64] = { 0 };

	sock_set_rcvbuf(rx->sk, 4096);
	for (int i = 0; i < 20; i++)
		EXPECT_EQ(t, udp_sendto(tx, buf, sizeof(buf), INADDR_LOOPBACK, TEST_PORT), 64);
	queued = skb_queue_len(&rx->sk->sk_receive_queue);
	dropped = 20 - queued;
	EXPECT_GT(t, queued, 0);
	EXPECT_GT(t, dropped, 0);
	EXPECT_EQ(t, rx->sk->sk_drops, dropped);
	EXPECT_EQ(t, udp_mib.RcvbufErrors - rcvbuf_errors, dropped);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_SOCKET_RCVBUFF) - d, dropped);
	/* Reading makes room again. */
	while (udp_recvfrom(rx, buf, sizeof(buf), NULL, NULL, MSG_DONTWAIT) == 64)
		;
	EXPECT_EQ(t, rx->sk->sk_rmem_alloc, 0);
	EXPECT_EQ(t, udp_sendto(tx, buf, sizeof(buf), INADDR_LOOPBACK, TEST_PORT), 64);
	EXPECT_EQ(t, skb_queue_len(&rx->sk->sk_receive_queue), 1);
	sock_release(tx);
	sock_release(rx);
}

/* Inject @f at the test NIC; expect a drop under @reason and nothing on @sock. */
static void expect_udp_drop(struct ktest *t, struct net_device *dev, struct socket *sock,
			    struct frame *f, enum skb_drop_reason reason)
{
	unsigned long d = drops(reason);
	char buf[8];

	tnic_inject(dev, f->data, f->len);
	EXPECT_EQ(t, drops(reason) - d, 1);
	EXPECT_EQ(t, udp_recvfrom(sock, buf, sizeof(buf), NULL, NULL, MSG_DONTWAIT), -EAGAIN);
}

TEST_CASE(udp_test_bad_checksums_are_dropped_and_zero_means_none)
{
	struct net_device *dev = net_test_nic(t);
	struct socket *sock = new_sock(t, TEST_PORT);
	unsigned long csum_errors = udp_mib.InCsumErrors;
	struct udphdr *uh;
	struct frame f;
	char buf[8];

	frame_udp(&f, PEER_IP, OUR_IP, 5555, TEST_PORT, "data", 4);
	((u8 *)frame_l4(&f))[8] ^= 1;
	expect_udp_drop(t, dev, sock, &f, SKB_DROP_REASON_UDP_CSUM);
	EXPECT_EQ(t, udp_mib.InCsumErrors - csum_errors, 1);

	frame_udp(&f, PEER_IP, OUR_IP, 5555, TEST_PORT, "data", 4);
	uh = frame_l4(&f);
	uh->check = 0; /* RFC 768: the sender computed none */
	tnic_inject(dev, f.data, f.len);
	EXPECT_EQ(t, udp_recvfrom(sock, buf, sizeof(buf), NULL, NULL, MSG_DONTWAIT), 4);
	sock_release(sock);
	net_test_nic_destroy(dev);
}

TEST_CASE(udp_test_bad_lengths_are_dropped)
{
	struct net_device *dev = net_test_nic(t);
	struct socket *sock = new_sock(t, TEST_PORT);
	struct udphdr *uh;
	struct frame f;

	frame_udp(&f, PEER_IP, OUR_IP, 5555, TEST_PORT, "data", 4);
	uh = frame_l4(&f);
	uh->len = htons(7);
	frame_udp_recsum(&f);
	expect_udp_drop(t, dev, sock, &f, SKB_DROP_REASON_UDP_BADLEN);

	frame_udp(&f, PEER_IP, OUR_IP, 5555, TEST_PORT, "data", 4);
	uh->len = htons(8 + 5); /* one byte more than IP carries */
	expect_udp_drop(t, dev, sock, &f, SKB_DROP_REASON_UDP_BADLEN);

	frame_ipv4(&f, PEER_IP, OUR_IP, IPPROTO_UDP, 4); /* half a header */
	expect_udp_drop(t, dev, sock, &f, SKB_DROP_REASON_UDP_TRUNCATED);
	sock_release(sock);
	net_test_nic_destroy(dev);
}

/* Bytes after the UDP length (RFC 768 "Length") are not part of the datagram. */
TEST_CASE(udp_test_bytes_past_the_udp_length_are_not_delivered)
{
	struct net_device *dev = net_test_nic(t);
	struct socket *sock = new_sock(t, TEST_PORT);
	unsigned long in = udp_mib.InDatagrams, errors = udp_mib.InErrors;
	struct udphdr *uh;
	struct frame f;
	char buf[16] = { 0 };

	frame_udp(&f, PEER_IP, OUR_IP, 5555, TEST_PORT, "data+tail", 9);
	uh = frame_l4(&f);
	uh->len = htons(8 + 4); /* IP carries 5 bytes more than the datagram */
	frame_udp_recsum(&f);
	tnic_inject(dev, f.data, f.len);
	EXPECT_EQ(t, udp_recvfrom(sock, buf, sizeof(buf), NULL, NULL, MSG_DONTWAIT | MSG_TRUNC), 4);
	EXPECT_STREQ(t, buf, "data");
	EXPECT_EQ(t, udp_mib.InDatagrams - in, 1);
	EXPECT_EQ(t, udp_mib.InErrors - errors, 0);
	sock_release(sock);
	net_test_nic_destroy(dev);
}

TEST_CASE(udp_test_datagrams_to_closed_ports_are_counted)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long d = drops(SKB_DROP_REASON_NO_SOCKET), noports = udp_mib.NoPorts;
	struct frame f;

	frame_udp(&f, PEER_IP, OUR_IP, 5555, 4999, "data", 4);
	tnic_inject(dev, f.data, f.len);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_NO_SOCKET) - d, 1);
	EXPECT_EQ(t, udp_mib.NoPorts - noports, 1);
	net_test_nic_destroy(dev);
}

/* @f as an skb marked as coming from the memory reserve, injected at @dev. */
static void inject_pfmemalloc(struct net_device *dev, struct frame *f)
{
	struct sk_buff *skb = netdev_alloc_skb(dev, f->len);

	if (!skb)
		return;
	skb_put_data(skb, f->data, f->len);
	skb->pfmemalloc = 1;
	tnic_inject_skb(dev, skb);
}

TEST_CASE(udp_test_pfmemalloc_datagrams_reach_only_memalloc_sockets)
{
	struct net_device *dev = net_test_nic(t);
	struct socket *sock = new_sock(t, TEST_PORT);
	unsigned long d = drops(SKB_DROP_REASON_PFMEMALLOC);
	unsigned long pf = sk_pfmemalloc_drops;
	struct frame f;
	char buf[8];

	frame_udp(&f, PEER_IP, OUR_IP, 5555, TEST_PORT, "swap", 4);
	inject_pfmemalloc(dev, &f);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_PFMEMALLOC) - d, 1);
	EXPECT_EQ(t, sk_pfmemalloc_drops - pf, 1);
	EXPECT_EQ(t, udp_recvfrom(sock, buf, sizeof(buf), NULL, NULL, MSG_DONTWAIT), -EAGAIN);

	sk_set_memalloc(sock->sk);
	inject_pfmemalloc(dev, &f);
	EXPECT_EQ(t, udp_recvfrom(sock, buf, sizeof(buf), NULL, NULL, MSG_DONTWAIT), 4);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_PFMEMALLOC) - d, 1);
	sock_release(sock); /* clears SOCK_MEMALLOC */
	EXPECT_FALSE(t, sk_memalloc_socks());
	net_test_nic_destroy(dev);
}

TEST_CASE(udp_test_pfmemalloc_frames_of_unknown_protocols_are_dropped)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long d = drops(SKB_DROP_REASON_PFMEMALLOC);
	struct frame f;

	frame_ether(&f, our_mac, ETH_P_IPV6);
	f.len = 60;
	inject_pfmemalloc(dev, &f);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_PFMEMALLOC) - d, 1);
	/* ARP and IP may see reserve memory: an echo request is still answered. */
	net_test_learn_peer(dev);
	frame_icmp_echo(&f, PEER_IP, OUR_IP, ICMP_ECHO, 9, 9, "x", 1);
	inject_pfmemalloc(dev, &f);
	EXPECT_EQ(t, tnic_tx_count(dev), 1);
	net_test_nic_destroy(dev);
}

static const struct ktest_case net_udp_cases[] = {
	KTEST(udp_test_echo_service_answers_over_loopback),
	KTEST(udp_test_echo_service_answers_over_the_nic),
	KTEST(udp_test_bind_conflicts_are_refused),
	KTEST(udp_test_datagrams_reach_the_socket_of_their_port),
	KTEST(udp_test_a_queued_datagram_is_counted_and_charged_until_read),
	KTEST(udp_test_port_zero_and_unbound_sends_get_ephemeral_ports),
	KTEST(udp_test_blocking_recvfrom_is_woken_by_a_datagram),
	KTEST(udp_test_a_datagram_wakes_one_of_the_sleeping_readers),
	KTEST(udp_test_a_datagram_wakes_a_reader_on_the_receiving_cpu_first),
	KTEST(udp_test_echo_threads_one_per_cpu_share_the_load_and_count_exactly),
	KTEST(udp_test_nonblocking_recvfrom_returns_eagain),
	KTEST(udp_test_long_datagrams_are_cut_to_the_buffer),
	KTEST(udp_test_a_65507_byte_datagram_crosses_loopback_intact),
	KTEST(udp_test_receive_queue_overflow_drops_are_counted),
	KTEST(udp_test_bad_checksums_are_dropped_and_zero_means_none),
	KTEST(udp_test_bad_lengths_are_dropped),
	KTEST(udp_test_bytes_past_the_udp_length_are_not_delivered),
	KTEST(udp_test_datagrams_to_closed_ports_are_counted),
	KTEST(udp_test_pfmemalloc_datagrams_reach_only_memalloc_sockets),
	KTEST(udp_test_pfmemalloc_frames_of_unknown_protocols_are_dropped),
	{}
};
TEST_SUITE(net_udp, net_udp_cases);
