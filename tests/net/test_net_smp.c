/*
 * SPDX-License-Identifier: MIT
 * tests/net/test_net_smp.c - the stack on many CPUs: threads bound to every
 * online CPU (ktest_thread_start_on) send, receive and inject at the same
 * time, and every datagram is accounted for exactly.
 *
 *   CPU 0       CPU 1       CPU 2       CPU 3         (one sender each)
 *   udp_sendto  udp_sendto  udp_sendto  udp_sendto    own socket, own port
 *      |           |           |           |
 *   lo xmit --> netif_rx: that CPU's backlog, polled by that CPU's softirq
 *      \___________\___________\___________\__> one receiving socket
 *                                                  (a reader thread drains it)
 *
 *   sent = received + dropped at the socket (sk_drops) + dropped at a
 *   backlog (CPU_BACKLOG), and no datagram arrives twice or changed.
 *
 * Run it on several CPUs (the runner's smp2-all and smp4-all boots):
 * -smp 4, `test=net_smp`.  On one CPU it still passes (every thread is
 * then on CPU 0).
 */
#include <errno.h>
#include <kernel/ktest.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <net/arp.h>
#include <net/arp_test.h>
#include <net/sock.h>
#include <net/socket.h>
#include <string.h>

#include "net_test.h"

#define SMP_PORT      4200 /* the shared receiving socket */
#define SMP_PER_CPU   300  /* datagrams each sender sends */
#define SMP_ECHOES    40   /* echo round trips per CPU */
#define SMP_INJECTS   200  /* frames each CPU injects into the test NIC */
#define SMP_WAIT_MS   30000
#define SMP_SEQ_WORDS ((SMP_PER_CPU + 63) / 64)

/* What each datagram carries: who sent it, and its number. */
struct smp_payload {
	u32 cpu;
	u32 seq;
	u32 check; /* cpu * 7919 + seq: a datagram changed on the way shows */
};

/* One sender thread's orders and results. */
struct smp_sender {
	unsigned int cpu;      /* bound here */
	unsigned int ran_on;   /* where it found itself */
	unsigned int sent;     /* datagrams udp_sendto accepted */
	int err;	       /* the first error udp_sendto returned, or 0 */
	u16 dport;	       /* where it sends (smp_send_peer: how many) */
	struct socket *shared; /* smp_send_shared: the socket all of them use */
};

/* The reader's state: which datagrams arrived, from whom. */
static struct {
	struct socket *sock;
	bool stop; /* set once every sender is done */
	unsigned int received;
	unsigned int dups;
	unsigned int bad; /* wrong length, unknown sender, bad check */
	u64 seen[NR_CPUS][SMP_SEQ_WORDS];
} rd;

static int smp_send(void *arg)
{
	struct smp_sender *s = arg;
	struct socket *sock;
	int err;

	s->ran_on = raw_smp_processor_id();
	err = sock_create_udp(&sock);
	if (err)
		return err;
	for (u32 seq = 0; seq < SMP_PER_CPU; seq++) {
		struct smp_payload p = { s->cpu, seq, s->cpu * 7919 + seq };
		int n = udp_sendto(sock, &p, sizeof(p), INADDR_LOOPBACK, s->dport);

		if (n == (int)sizeof(p))
			s->sent++;
		else if (!s->err)
			s->err = n;
	}
	sock_release(sock);
	return 0;
}

/* Note one arrived datagram in rd. */
static void smp_note(const struct smp_payload *p, int n)
{
	u64 bit;

	if (n != (int)sizeof(*p) || p->cpu >= NR_CPUS || p->seq >= SMP_PER_CPU ||
	    p->check != p->cpu * 7919 + p->seq) {
		rd.bad++;
		return;
	}
	bit = 1ULL << (p->seq % 64);
	if (rd.seen[p->cpu][p->seq / 64] & bit)
		rd.dups++;
	rd.seen[p->cpu][p->seq / 64] |= bit;
	rd.received++;
}

/* The reader: drains the socket while the senders fill it, until told to stop and empty. */
static int smp_read(void *unused)
{
	struct smp_payload p;

	for (;;) {
		/* Read stop first: a datagram queued before stop was set is still taken. */
		bool last = smp_load_acquire(&rd.stop);
		int n = udp_recvfrom(rd.sock, &p, sizeof(p), NULL, NULL, MSG_TRUNC);

		if (n >= 0)
			smp_note(&p, n);
		else if (last)
			return 0;
	}
}

/* Start one sender per online CPU; returns how many started (the rest: NULL in @k). */
static unsigned int smp_start_senders(struct smp_sender *s, struct task_struct **k, u16 dport,
				      int (*fn)(void *))
{
	unsigned int cpu, n = 0;

	for_each_online_cpu(cpu) {
		s[n] = (struct smp_sender){ .cpu = cpu, .dport = dport };
		k[n] = ktest_thread_start_on(fn, &s[n], "net-smp", cpu);
		n++;
	}
	return n;
}

/*
 * Datagrams from every CPU at once into one socket over loopback:
 * sent = received + counted drops, each exactly once and intact.
 */
TEST_CASE(net_smp_test_datagrams_from_every_cpu_to_one_socket_are_all_accounted)
{
	static struct smp_sender s[NR_CPUS];
	static struct task_struct *k[NR_CPUS];
	unsigned long backlog_drops = drops(SKB_DROP_REASON_CPU_BACKLOG);
	unsigned long sent = 0, dropped;
	struct task_struct *reader;
	unsigned int n;

	memset(&rd, 0, sizeof(rd));
	ASSERT_EQ(t, sock_create_udp(&rd.sock), 0);
	if (udp_bind(rd.sock, SMP_PORT)) {
		sock_release(rd.sock);
		ASSERT_TRUE(t, false);
	}
	sock_set_rcvtimeo(rd.sock, 100);
	reader = ktest_thread_start(smp_read, NULL, "net-smp-rd");
	n = smp_start_senders(s, k, SMP_PORT, smp_send);
	for (unsigned int i = 0; i < n; i++) {
		ASSERT_NOT_NULL(t, k[i]);
		EXPECT_EQ(t, ktest_thread_finish(k[i], SMP_WAIT_MS), 0);
		EXPECT_EQ(t, s[i].ran_on, s[i].cpu);
		EXPECT_EQ(t, s[i].err, 0);
		EXPECT_EQ(t, s[i].sent, SMP_PER_CPU);
		sent += s[i].sent;
	}
	smp_store_release(&rd.stop, true);
	ASSERT_NOT_NULL(t, reader);
	EXPECT_EQ(t, ktest_thread_finish(reader, SMP_WAIT_MS), 0);

	dropped = READ_ONCE(rd.sock->sk->sk_drops) + drops(SKB_DROP_REASON_CPU_BACKLOG) -
		  backlog_drops;
	printk("    # %s: sent %lu from %u CPU(s), received %u, dropped %lu\n", t->tcase->name,
	       sent, n, rd.received, dropped);
	EXPECT_EQ(t, sent, rd.received + dropped);
	EXPECT_EQ(t, rd.dups, 0);
	EXPECT_EQ(t, rd.bad, 0);
	EXPECT_GT(t, rd.received, 0);
	sock_release(rd.sock);
}

/* A sender that waits for the echo of each datagram and checks it. */
static int smp_echo(void *arg)
{
	struct smp_sender *s = arg;
	struct socket *sock;
	int err;

	s->ran_on = raw_smp_processor_id();
	err = sock_create_udp(&sock);
	if (err)
		return err;
	sock_set_rcvtimeo(sock, 5000);
	for (u32 seq = 0; seq < SMP_ECHOES && !s->err; seq++) {
		struct smp_payload p = { s->cpu, seq, s->cpu * 7919 + seq }, got = { 0 };
		u16 port = 0;
		int n = udp_sendto(sock, &p, sizeof(p), INADDR_LOOPBACK, s->dport);

		if (n != (int)sizeof(p)) {
			s->err = n < 0 ? n : -EIO;
			break;
		}
		n = udp_recvfrom(sock, &got, sizeof(got), NULL, &port, 0);
		if (n != (int)sizeof(got) || memcmp(&got, &p, sizeof(p)) || port != s->dport)
			s->err = n < 0 ? n : -EBADMSG;
		else
			s->sent++;
	}
	sock_release(sock);
	return 0;
}

/* The echo service answers every CPU's datagrams, each to its sender, unchanged. */
TEST_CASE(net_smp_test_echo_service_answers_every_cpu)
{
	static struct smp_sender s[NR_CPUS];
	static struct task_struct *k[NR_CPUS];
	unsigned int n = smp_start_senders(s, k, 7, smp_echo);

	for (unsigned int i = 0; i < n; i++) {
		ASSERT_NOT_NULL(t, k[i]);
		EXPECT_EQ(t, ktest_thread_finish(k[i], SMP_WAIT_MS), 0);
		EXPECT_EQ(t, s[i].ran_on, s[i].cpu);
		EXPECT_EQ(t, s[i].err, 0);
		EXPECT_EQ(t, s[i].sent, SMP_ECHOES);
	}
}

/* A sender to a socket of its own; checks the backlog of its own CPU did the work. */
static int smp_send_local(void *arg)
{
	struct smp_sender *s = arg;
	struct softnet_data *sd = per_cpu_ptr(&softnet_data, s->cpu);
	unsigned long before = READ_ONCE(sd->processed);
	struct socket *sock;
	u8 buf[8];
	int err;

	s->ran_on = raw_smp_processor_id();
	err = sock_create_udp(&sock);
	if (err)
		return err;
	err = udp_bind(sock, 0);
	for (u32 i = 0; i < 20 && !err; i++) {
		if (udp_sendto(sock, "x", 1, INADDR_LOOPBACK, sock->sk->inet_num) != 1 ||
		    udp_recvfrom(sock, buf, sizeof(buf), NULL, NULL, MSG_DONTWAIT) != 1)
			err = -EIO;
	}
	/* Each was processed before udp_sendto returned (local_bh_enable), here. */
	s->sent = (unsigned int)(READ_ONCE(sd->processed) - before);
	sock_release(sock);
	return err;
}

/* netif_rx queues on the sending CPU's backlog, and that CPU's softirq receives it. */
TEST_CASE(net_smp_test_loopback_packets_are_received_on_the_sending_cpu)
{
	static struct smp_sender s[NR_CPUS];
	static struct task_struct *k[NR_CPUS];
	unsigned int n = 0, cpu;

	/* One CPU at a time, so no other sender's packets land on the CPU measured. */
	for_each_online_cpu(cpu) {
		s[n] = (struct smp_sender){ .cpu = cpu };
		k[n] = ktest_thread_start_on(smp_send_local, &s[n], "net-smp-lo", cpu);
		ASSERT_NOT_NULL(t, k[n]);
		EXPECT_EQ(t, ktest_thread_finish(k[n], SMP_WAIT_MS), 0);
		EXPECT_EQ(t, s[n].ran_on, cpu);
		EXPECT_GE(t, s[n].sent, 20);
		n++;
	}
}

/* What an injector needs: the NIC and a frame to send it. */
struct smp_inject {
	struct net_device *dev;
	struct frame f;
	unsigned int cpu;
	unsigned int ran_on;
	unsigned int injected;
};

static int smp_inject(void *arg)
{
	struct smp_inject *in = arg;

	in->ran_on = raw_smp_processor_id();
	for (unsigned int i = 0; i < SMP_INJECTS; i++)
		if (!tnic_inject(in->dev, in->f.data, in->f.len))
			in->injected++;
	return 0;
}

/*
 * Every CPU schedules the test NIC's one NAPI instance at once: it is
 * polled by one CPU at a time (NAPI_STATE_SCHED), and every frame is
 * received exactly once.
 */
TEST_CASE(net_smp_test_one_napi_instance_is_polled_by_one_cpu_at_a_time)
{
	static struct smp_inject in[NR_CPUS];
	static struct task_struct *k[NR_CPUS];
	struct net_device *dev = net_test_nic(t);
	unsigned long injected = 0;
	unsigned int n = 0, cpu;

	for_each_online_cpu(cpu) {
		in[n].dev = dev;
		in[n].cpu = cpu;
		in[n].ran_on = ~0U;
		in[n].injected = 0;
		/* An ARP request for an address nobody here has: received and consumed. */
		frame_arp(&in[n].f, ARPOP_REQUEST, peer_mac, PEER_IP, OTHER_IP);
		k[n] = ktest_thread_start_on(smp_inject, &in[n], "net-smp-in", cpu);
		n++;
	}
	for (unsigned int i = 0; i < n; i++) {
		if (!k[i])
			continue;
		EXPECT_EQ(t, ktest_thread_finish(k[i], SMP_WAIT_MS), 0);
		EXPECT_EQ(t, in[i].ran_on, in[i].cpu);
		injected += in[i].injected;
	}
	ktest_wait_until(dev->stats.rx_packets >= injected, 1000);
	EXPECT_EQ(t, injected, (unsigned long)n * SMP_INJECTS);
	EXPECT_EQ(t, dev->stats.rx_packets, injected);
	EXPECT_EQ(t, tnic_poll_overlaps(dev), 0);
	net_test_nic_destroy(dev);
}

/* A sender through the test NIC to the peer (port 9, discard). */
static int smp_send_peer(void *arg)
{
	struct smp_sender *s = arg;
	struct socket *sock;
	int err;

	s->ran_on = raw_smp_processor_id();
	err = sock_create_udp(&sock);
	if (err)
		return err;
	for (u32 seq = 0; seq < s->dport; seq++) {
		struct smp_payload p = { s->cpu, seq, s->cpu * 7919 + seq };
		int n = udp_sendto(sock, &p, sizeof(p), PEER_IP, 9);

		if (n == (int)sizeof(p))
			s->sent++;
		else if (!s->err)
			s->err = n;
	}
	sock_release(sock);
	return 0;
}

/* Run smp_send_peer on every online CPU, @count datagrams each; returns the total sent. */
static unsigned long smp_send_peer_everywhere(struct ktest *t, u16 count)
{
	static struct smp_sender s[NR_CPUS];
	static struct task_struct *k[NR_CPUS];
	unsigned long sent = 0;
	unsigned int n = smp_start_senders(s, k, count, smp_send_peer);

	for (unsigned int i = 0; i < n; i++) {
		EXPECT_NOT_NULL(t, k[i]);
		if (!k[i])
			continue;
		EXPECT_EQ(t, ktest_thread_finish(k[i], SMP_WAIT_MS), 0);
		EXPECT_EQ(t, s[i].ran_on, s[i].cpu);
		EXPECT_EQ(t, s[i].err, 0);
		sent += s[i].sent;
	}
	return sent;
}

/* With the peer's MAC known, every CPU's datagrams reach the NIC's "wire": none lost. */
TEST_CASE(net_smp_test_sends_from_every_cpu_through_one_nic_all_reach_the_wire)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long tx, sent;

	net_test_learn_peer(dev);
	tx = dev->stats.tx_packets;
	sent = smp_send_peer_everywhere(t, 100);
	EXPECT_EQ(t, sent, num_online_cpus() * 100UL);
	EXPECT_EQ(t, dev->stats.tx_packets - tx, sent);
	EXPECT_EQ(t, tnic_tx_count(dev), sent);
	net_test_nic_destroy(dev);
}

/*
 * Every CPU sends to a peer whose MAC nobody knows yet, at once: one entry
 * is made and one request asked (not one per CPU).  With the queue's limit
 * set to three datagrams' truesize (T, measured on another entry), three
 * wait, the rest are counted as NEIGH_QUEUEFULL, the entry's byte count is
 * 3T, and the reply sends the three.
 */
TEST_CASE(net_smp_test_one_arp_request_for_a_neighbour_all_cpus_want)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long full = drops(SKB_DROP_REASON_NEIGH_QUEUEFULL), sent;
	struct smp_payload p = { 0, 0, 0 };
	struct arp_params saved = arp_params;
	unsigned int requests = 0, udp = 0;
	struct arp_test_queue_info q;
	struct socket *sock;
	unsigned int one;
	struct frame f;

	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	EXPECT_EQ(t, udp_sendto(sock, &p, sizeof(p), OTHER_IP, 9), (int)sizeof(p));
	sock_release(sock);
	ASSERT_EQ(t, arp_test_queue(dev, OTHER_IP, &q), 1);
	one = q.bytes;
	ASSERT_GT(t, one, 0);
	tnic_tx_purge(dev); /* OTHER_IP's request */
	arp_params.queue_len_bytes = 3 * one + one / 2;
	sent = smp_send_peer_everywhere(t, 10);
	arp_params = saved;
	EXPECT_EQ(t, arp_state(dev, PEER_IP), NUD_INCOMPLETE);
	while (tnic_next_tx(dev, &f, 0))
		requests += frame_eth(&f)->h_proto == htons(ETH_P_ARP);
	EXPECT_EQ(t, requests, 1);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_NEIGH_QUEUEFULL) - full, sent - 3);
	EXPECT_EQ(t, arp_test_queue(dev, PEER_IP, &q), 3);
	EXPECT_EQ(t, q.bytes, 3 * one);
	EXPECT_EQ(t, q.bytes, q.truesize_sum);

	frame_arp(&f, ARPOP_REPLY, peer_mac, PEER_IP, OUR_IP);
	tnic_inject(dev, f.data, f.len);
	while (tnic_next_tx(dev, &f, 0))
		udp += frame_eth(&f)->h_proto == htons(ETH_P_IP);
	EXPECT_EQ(t, udp, 3);
	net_test_nic_destroy(dev);
}

#define SMP_BINDS 20 /* sockets each CPU binds to port 0 */

/* What a binder thread got: its sockets and their ports. */
struct smp_binder {
	unsigned int cpu;
	unsigned int ran_on;
	struct socket *sock[SMP_BINDS];
	int err;
};

static int smp_bind(void *arg)
{
	struct smp_binder *b = arg;

	b->ran_on = raw_smp_processor_id();
	for (int i = 0; i < SMP_BINDS && !b->err; i++) {
		b->err = sock_create_udp(&b->sock[i]);
		if (!b->err)
			b->err = udp_bind(b->sock[i], 0);
	}
	return 0;
}

/* Every CPU binds sockets to "any free port" at once: every port is different. */
TEST_CASE(net_smp_test_ephemeral_ports_bound_on_every_cpu_at_once_are_distinct)
{
	static struct smp_binder b[NR_CPUS];
	static struct task_struct *k[NR_CPUS];
	static u16 ports[NR_CPUS * SMP_BINDS];
	unsigned int before = udp_sock_count(), n = 0, nports = 0, cpu, dups = 0;

	for_each_online_cpu(cpu) {
		memset(&b[n], 0, sizeof(b[n]));
		b[n].cpu = cpu;
		k[n] = ktest_thread_start_on(smp_bind, &b[n], "net-smp-bind", cpu);
		n++;
	}
	for (unsigned int i = 0; i < n; i++) {
		EXPECT_NOT_NULL(t, k[i]);
		if (k[i])
			EXPECT_EQ(t, ktest_thread_finish(k[i], SMP_WAIT_MS), 0);
		EXPECT_EQ(t, b[i].err, 0);
		EXPECT_EQ(t, b[i].ran_on, b[i].cpu);
		for (int j = 0; j < SMP_BINDS; j++)
			if (b[i].sock[j] && b[i].sock[j]->sk->inet_num)
				ports[nports++] = b[i].sock[j]->sk->inet_num;
	}
	EXPECT_EQ(t, nports, n * SMP_BINDS);
	EXPECT_EQ(t, udp_sock_count(), before + nports);
	for (unsigned int i = 0; i < nports; i++)
		for (unsigned int j = i + 1; j < nports; j++)
			dups += ports[i] == ports[j];
	EXPECT_EQ(t, dups, 0);
	for (unsigned int i = 0; i < n; i++)
		for (int j = 0; j < SMP_BINDS; j++)
			sock_release(b[i].sock[j]);
	EXPECT_EQ(t, udp_sock_count(), before);
}

/* Senders that share one unbound socket: the first send binds it, and only once. */
static int smp_send_shared(void *arg)
{
	struct smp_sender *s = arg;
	struct socket *sock = s->shared;

	s->ran_on = raw_smp_processor_id();
	for (u32 seq = 0; seq < 20; seq++) {
		struct smp_payload p = { s->cpu, seq, s->cpu * 7919 + seq };
		int n = udp_sendto(sock, &p, sizeof(p), INADDR_LOOPBACK, SMP_PORT);

		if (n == (int)sizeof(p))
			s->sent++;
		else if (!s->err)
			s->err = n;
	}
	return 0;
}

/* Threads on every CPU send on one unbound socket at once: no send fails for the autobind. */
TEST_CASE(net_smp_test_one_unbound_socket_shared_by_every_cpu_is_bound_once)
{
	static struct smp_sender s[NR_CPUS];
	static struct task_struct *k[NR_CPUS];
	unsigned int before = udp_sock_count(), n = 0, cpu;
	struct socket *shared, *rx;

	ASSERT_EQ(t, sock_create_udp(&shared), 0);
	ASSERT_EQ(t, sock_create_udp(&rx), 0);
	EXPECT_EQ(t, udp_bind(rx, SMP_PORT), 0);
	sock_set_rcvbuf(rx->sk, 1 << 22); /* room for all: this case is about sending */
	for_each_online_cpu(cpu) {
		s[n] = (struct smp_sender){ .cpu = cpu, .shared = shared };
		k[n] = ktest_thread_start_on(smp_send_shared, &s[n], "net-smp-sh", cpu);
		n++;
	}
	for (unsigned int i = 0; i < n; i++) {
		EXPECT_NOT_NULL(t, k[i]);
		if (k[i])
			EXPECT_EQ(t, ktest_thread_finish(k[i], SMP_WAIT_MS), 0);
		EXPECT_EQ(t, s[i].err, 0);
		EXPECT_EQ(t, s[i].sent, 20);
	}
	EXPECT_GE(t, shared->sk->inet_num, UDP_PORT_EPHEMERAL_MIN);
	EXPECT_EQ(t, udp_sock_count(), before + 2);
	EXPECT_EQ(t, skb_queue_len(&rx->sk->sk_receive_queue), n * 20);
	sock_release(shared);
	sock_release(rx);
}

#define SMP_PINGS     200  /* round trips between two CPUs */
#define SMP_PING_PORT 4300 /* the two sockets: this and the next */

/* One end of the ping-pong: its socket, the other end's port, who starts. */
struct smp_pong {
	struct socket *sock;
	u16 peer;
	bool first;
	unsigned int cpu;
	unsigned int ran_on;
	unsigned int done; /* round trips completed */
	int err;
};

static int smp_pingpong(void *arg)
{
	struct smp_pong *p = arg;
	u32 i;

	p->ran_on = raw_smp_processor_id();
	for (i = 0; i < SMP_PINGS && !p->err; i++) {
		u32 got = ~0U;

		if (p->first && udp_sendto(p->sock, &i, sizeof(i), INADDR_LOOPBACK, p->peer) != 4)
			p->err = -EIO;
		else if (udp_recvfrom(p->sock, &got, sizeof(got), NULL, NULL, 0) != 4 || got != i)
			p->err = -EBADMSG;
		else if (!p->first &&
			 udp_sendto(p->sock, &i, sizeof(i), INADDR_LOOPBACK, p->peer) != 4)
			p->err = -EIO;
		else
			p->done++;
	}
	return 0;
}

/*
 * A reader asleep in udp_recvfrom on one CPU is woken by a datagram queued
 * by another CPU's softirq, every time: 200 round trips between two CPUs
 * with a 5 s receive timeout take far less than one timeout (a lost
 * wake-up would cost 5 s, when the reader looks again).
 */
TEST_CASE(net_smp_test_a_reader_on_one_cpu_is_woken_by_a_sender_on_another)
{
	static struct smp_pong p[2];
	struct task_struct *k[2];
	unsigned int other = num_online_cpus() > 1 ? 1 : 0;
	unsigned long start;

	for (int i = 0; i < 2; i++) {
		p[i] = (struct smp_pong){ .peer = SMP_PING_PORT + !i,
					  .first = !i,
					  .cpu = i ? other : 0 };
		ASSERT_EQ(t, sock_create_udp(&p[i].sock), 0);
		EXPECT_EQ(t, udp_bind(p[i].sock, SMP_PING_PORT + i), 0);
		sock_set_rcvtimeo(p[i].sock, 5000);
	}
	start = jiffies;
	for (int i = 0; i < 2; i++)
		k[i] = ktest_thread_start_on(smp_pingpong, &p[i], "net-smp-pp", p[i].cpu);
	for (int i = 0; i < 2; i++) {
		EXPECT_NOT_NULL(t, k[i]);
		if (k[i])
			EXPECT_EQ(t, ktest_thread_finish(k[i], SMP_WAIT_MS), 0);
		EXPECT_EQ(t, p[i].ran_on, p[i].cpu);
		EXPECT_EQ(t, p[i].err, 0);
		EXPECT_EQ(t, p[i].done, SMP_PINGS);
	}
	EXPECT_LT(t, jiffies_to_msecs(jiffies - start), 4000);
	for (int i = 0; i < 2; i++)
		sock_release(p[i].sock);
}

static const struct ktest_case net_smp_cases[] = {
	KTEST(net_smp_test_datagrams_from_every_cpu_to_one_socket_are_all_accounted),
	KTEST(net_smp_test_echo_service_answers_every_cpu),
	KTEST(net_smp_test_loopback_packets_are_received_on_the_sending_cpu),
	KTEST(net_smp_test_one_napi_instance_is_polled_by_one_cpu_at_a_time),
	KTEST(net_smp_test_sends_from_every_cpu_through_one_nic_all_reach_the_wire),
	KTEST(net_smp_test_one_arp_request_for_a_neighbour_all_cpus_want),
	KTEST(net_smp_test_ephemeral_ports_bound_on_every_cpu_at_once_are_distinct),
	KTEST(net_smp_test_one_unbound_socket_shared_by_every_cpu_is_bound_once),
	KTEST(net_smp_test_a_reader_on_one_cpu_is_woken_by_a_sender_on_another),
	{}
};
TEST_SUITE(net_smp, net_smp_cases);
