/*
 * SPDX-License-Identifier: MIT
 * tests/net/test_tcp.c - TCP: connections over lo from end to end (the
 * handshake, data both ways, the close and TIME_WAIT, refusal, a reset for
 * unread data, a megabyte each way through fast clones, the same under
 * netem loss), and segments scripted on the test NIC for the rules a
 * connection over lo never meets (SYN-ACK fields, RFC 5961's challenge
 * ACKs, RSTs for closed ports).
 *
 * Every case ends with every connection gone (TIME_WAIT shortened to
 * 20 ms), so the harness's leak check holds.
 */
#include <errno.h>
#include <kernel/err.h>
#include <kernel/ktest.h>
#include <kernel/smp.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <mm/slab.h>
#include <net/checksum.h>
#include <net/echo.h>
#include <net/ip.h>
#include <net/loopback.h>
#include <net/netem.h>
#include <net/socket.h>
#include <net/tcp.h>
#include <string.h>

#include "net_test.h"

#define PORT 5001

struct tcp_env {
	unsigned int socks; /* tcp_sock_count() before */
	long tw_saved;	    /* tcp_timewait_ms */
};

static void env_up(struct tcp_env *e)
{
	e->socks = tcp_sock_count();
	e->tw_saved = tcp_timewait_ms;
	tcp_timewait_ms = 20;
}

/* Every connection of the case gone (within 2 s)? */
static bool env_down(struct tcp_env *e)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(2000);
	bool settled;

	while (tcp_sock_count() != e->socks && !time_after(jiffies, deadline))
		msleep(5);
	settled = tcp_sock_count() == e->socks;
	tcp_timewait_ms = e->tw_saved;
	return settled;
}

static int state_of(struct socket *sock)
{
	return READ_ONCE(tcp_sk(sock->sk)->state);
}

/* A listener on @port with @backlog, and a client connected to it, and the accepted end. */
static void pair_up(struct ktest *t, struct socket **l, struct socket **c, struct socket **a)
{
	ASSERT_EQ(t, sock_create_tcp(l), 0);
	ASSERT_EQ(t, kernel_bind(*l, PORT), 0);
	ASSERT_EQ(t, kernel_listen(*l, 4), 0);
	ASSERT_EQ(t, sock_create_tcp(c), 0);
	ASSERT_EQ(t, kernel_connect(*c, INADDR_LOOPBACK, PORT, 0), 0);
	ASSERT_EQ(t, kernel_accept(*l, a, 0), 0);
}

TEST_CASE(tcp_test_handshake_data_and_close_over_loopback)
{
	unsigned long active = tcp_mib.ActiveOpens, passive = tcp_mib.PassiveOpens;
	struct socket *l, *c, *a;
	struct tcp_env e;
	char buf[64];

	env_up(&e);
	pair_up(t, &l, &c, &a);
	EXPECT_EQ(t, state_of(c), TCP_ESTABLISHED);
	EXPECT_EQ(t, state_of(a), TCP_ESTABLISHED);
	EXPECT_EQ(t, tcp_mib.ActiveOpens - active, 1);
	EXPECT_EQ(t, tcp_mib.PassiveOpens - passive, 1);
	EXPECT_EQ(t, kernel_sendmsg(c, "hello", 5, 0), 5);
	EXPECT_EQ(t, kernel_recvmsg(a, buf, sizeof(buf), 0), 5);
	EXPECT_EQ(t, memcmp(buf, "hello", 5), 0);
	EXPECT_EQ(t, kernel_sendmsg(a, "world!", 6, 0), 6);
	EXPECT_EQ(t, kernel_recvmsg(c, buf, sizeof(buf), 0), 6);
	EXPECT_EQ(t, memcmp(buf, "world!", 6), 0);
	EXPECT_EQ(t, kernel_recvmsg(c, buf, sizeof(buf), MSG_DONTWAIT), -EAGAIN);
	/* The client ends its half: the server reads the end, and may still send. */
	EXPECT_EQ(t, kernel_sock_shutdown(c, SHUT_WR), 0);
	EXPECT_EQ(t, kernel_recvmsg(a, buf, sizeof(buf), 0), 0);
	EXPECT_EQ(t, state_of(a), TCP_CLOSE_WAIT);
	EXPECT_EQ(t, kernel_sendmsg(a, "bye", 3, 0), 3);
	EXPECT_EQ(t, kernel_recvmsg(c, buf, sizeof(buf), 0), 3);
	EXPECT_EQ(t, kernel_sendmsg(c, "x", 1, 0), -EPIPE);
	sock_release(a); /* LAST_ACK, then CLOSE; the client TIME_WAIT */
	EXPECT_EQ(t, kernel_recvmsg(c, buf, sizeof(buf), 0), 0);
	EXPECT_EQ(t, state_of(c), TCP_TIME_WAIT);
	sock_release(c);
	sock_release(l);
	EXPECT_TRUE(t, env_down(&e));
}

TEST_CASE(tcp_test_a_connection_to_a_closed_port_is_refused)
{
	unsigned long rsts = tcp_mib.OutRsts, fails = tcp_mib.AttemptFails;
	struct socket *c;
	struct tcp_env e;

	env_up(&e);
	ASSERT_EQ(t, sock_create_tcp(&c), 0);
	EXPECT_EQ(t, kernel_connect(c, INADDR_LOOPBACK, PORT + 1, 0), -ECONNREFUSED);
	EXPECT_EQ(t, state_of(c), TCP_CLOSE);
	EXPECT_EQ(t, tcp_mib.OutRsts - rsts, 1);
	EXPECT_EQ(t, tcp_mib.AttemptFails - fails, 1);
	sock_release(c);
	EXPECT_TRUE(t, env_down(&e));
}

TEST_CASE(tcp_test_closing_with_unread_data_resets_the_connection)
{
	unsigned long abort = tcp_mib.TCPAbortOnData;
	struct socket *l, *c, *a;
	struct tcp_env e;
	char buf[8];

	env_up(&e);
	pair_up(t, &l, &c, &a);
	EXPECT_EQ(t, kernel_sendmsg(a, "unread", 6, 0), 6);
	msleep(10); /* lo delivers in a softirq: let it arrive */
	sock_release(c);
	EXPECT_EQ(t, tcp_mib.TCPAbortOnData - abort, 1);
	EXPECT_EQ(t, kernel_recvmsg(a, buf, sizeof(buf), 0), -ECONNRESET);
	EXPECT_EQ(t, state_of(a), TCP_CLOSE);
	sock_release(a);
	sock_release(l);
	EXPECT_TRUE(t, env_down(&e));
}

/* ---- bulk data -------------------------------------------------------------------------- */

struct bulk {
	struct socket *sock;
	size_t len;
	size_t chunk; /* bytes per kernel_sendmsg; 0: odd sizes up to 7001 */
	int result;   /* bytes sent, or -errno */
};

static u8 pattern(size_t i)
{
	return (u8)(i * 31 + (i >> 11));
}

/* A thread: send @len bytes of the pattern, in pieces of odd sizes, then shut down. */
static int bulk_sender(void *arg)
{
	struct bulk *b = arg;
	size_t max = b->chunk ? b->chunk : 7001;
	u8 *chunk = kmalloc(max, GFP_KERNEL);
	size_t done = 0;

	if (!chunk)
		return b->result = -ENOMEM;
	while (done < b->len) {
		size_t n = b->len - done < max ? b->len - done : b->chunk ? max : max - done % 1000;
		int r;

		for (size_t i = 0; i < n; i++)
			chunk[i] = pattern(done + i);
		r = kernel_sendmsg(b->sock, chunk, n, 0);
		if (r <= 0) {
			b->result = r;
			break;
		}
		done += (size_t)r;
	}
	if (done == b->len) {
		b->result = (int)done;
		kernel_sock_shutdown(b->sock, SHUT_WR);
	}
	kfree(chunk);
	return 0;
}

/* Read to the end from @sock; the bytes, or -1 at the first one not the pattern's. */
static long bulk_receive(struct socket *sock)
{
	u8 *buf = kmalloc(4096, GFP_KERNEL);
	long got = 0;
	int r;

	if (!buf)
		return -2;
	while ((r = kernel_recvmsg(sock, buf, 4096, 0)) > 0) {
		for (int i = 0; i < r; i++) {
			if (buf[i] != pattern((size_t)got + (size_t)i)) {
				kfree(buf);
				return -1;
			}
		}
		got += r;
	}
	kfree(buf);
	return r < 0 ? r : got;
}

/* @len bytes from c to a, by a thread, checked byte by byte; the thread's result. */
static void bulk_transfer_by(struct ktest *t, struct socket *from, struct socket *to, size_t len,
			     size_t chunk)
{
	struct bulk b = { .sock = from, .len = len, .chunk = chunk };
	struct task_struct *th = kthread_create(bulk_sender, &b, "tcp-bulk");

	ASSERT_TRUE(t, th != NULL);
	get_task_struct(th);
	wake_up_process(th);
	EXPECT_EQ(t, bulk_receive(to), (long)len);
	EXPECT_EQ(t, kthread_join(th, msecs_to_jiffies(60000)), 0);
	put_task_struct(th);
	EXPECT_EQ(t, b.result, (int)len);
}

static void bulk_transfer(struct ktest *t, struct socket *from, struct socket *to, size_t len)
{
	bulk_transfer_by(t, from, to, len, 0);
}

TEST_CASE(tcp_test_a_megabyte_each_way_arrives_intact_through_fast_clones)
{
	unsigned long fclones = skb_stats.fclone_hits;
	struct socket *l, *c, *a;
	struct tcp_env e;

	env_up(&e);
	pair_up(t, &l, &c, &a);
	bulk_transfer(t, c, a, 1 << 20);
	bulk_transfer(t, a, c, 1 << 20);
	/* Each segment sent is the fast clone of the original kept on the write queue. */
	EXPECT_GE(t, skb_stats.fclone_hits - fclones, (1u << 21) / 65483);
	EXPECT_EQ(t, tcp_sk(c->sk)->wmem_queued, 0); /* every original freed by its ACK */
	sock_release(a);
	sock_release(c);
	sock_release(l);
	EXPECT_TRUE(t, env_down(&e));
}

/* A client of the echo service: @rounds connections of 64 KiB each, every byte checked. */
struct echo_client {
	int rounds;
	int good; /* rounds that came back whole */
};

static int echo_client_thread(void *arg)
{
	struct echo_client *ec = arg;

	for (int r = 0; r < ec->rounds; r++) {
		struct socket *c;
		struct bulk b;
		long got;

		if (sock_create_tcp(&c))
			continue;
		if (kernel_connect(c, INADDR_LOOPBACK, ECHO_PORT, 0)) {
			sock_release(c);
			continue;
		}
		/* The echo sends back as it reads: a thread sends while this one reads. */
		b = (struct bulk){ .sock = c, .len = 64 << 10 };
		{
			struct task_struct *th = kthread_create(bulk_sender, &b, "tcp-echo-tx");

			if (!IS_ERR(th)) {
				get_task_struct(th);
				wake_up_process(th);
				got = bulk_receive(c);
				kthread_join(th, msecs_to_jiffies(60000));
				put_task_struct(th);
				if (got == (long)b.len && b.result == (int)b.len)
					ec->good++;
			}
		}
		sock_release(c);
	}
	return 0;
}

TEST_CASE(tcp_test_every_cpu_uses_the_echo_service_at_once)
{
	unsigned int n = num_online_cpus(), cpu, i = 0;
	struct echo_client ec[NR_CPUS];
	struct task_struct *th[NR_CPUS];
	struct tcp_env e;

	env_up(&e);
	for_each_online_cpu(cpu) {
		ec[i] = (struct echo_client){ .rounds = 4 };
		th[i] = kthread_create(echo_client_thread, &ec[i], "tcp-client/%u", cpu);
		ASSERT_FALSE(t, IS_ERR(th[i]));
		kthread_bind(th[i], cpu);
		get_task_struct(th[i]);
		wake_up_process(th[i]);
		i++;
	}
	for (i = 0; i < n; i++) {
		EXPECT_EQ(t, kthread_join(th[i], msecs_to_jiffies(60000)), 0);
		put_task_struct(th[i]);
		EXPECT_EQ(t, ec[i].good, 4);
	}
	EXPECT_TRUE(t, env_down(&e));
}

/* Netem on lo, both ways: @words as at the monitor. */
static int lo_netem(const char *words)
{
	char line[128], *argv[24], err[96];
	struct netem_config cfg;
	unsigned int dirs;
	int argc = 0;
	bool off;

	strncpy(line, words, sizeof(line) - 1);
	line[sizeof(line) - 1] = 0;
	for (char *p = strtok(line, " "); p && argc < 24; p = strtok(NULL, " "))
		argv[argc++] = p;
	if (netem_parse(argc, argv, &dirs, &cfg, &off, err, sizeof(err)))
		return -EINVAL;
	return netem_change(loopback_dev, dirs, &cfg);
}

TEST_CASE(tcp_test_loss_duplication_and_reordering_still_deliver_every_byte)
{
	unsigned long retrans = tcp_mib.RetransSegs;
	struct socket *l, *c, *a;
	struct tcp_env e;

	env_up(&e);
	pair_up(t, &l, &c, &a);
	ASSERT_EQ(t, lo_netem("loss 3% duplicate 2% reorder 10% delay 2ms seed 7"), 0);
	bulk_transfer(t, c, a, 256 << 10);
	netem_off(loopback_dev, NETEM_BOTH);
	EXPECT_GT(t, tcp_mib.RetransSegs - retrans, 0);
	sock_release(a);
	sock_release(c);
	sock_release(l);
	EXPECT_TRUE(t, env_down(&e));
}

/* ---- scripted segments on the test NIC ---------------------------------------------------- */

/* A TCP segment from the peer to us, @flags, seq, ack, window 8192, no options. */
static void frame_tcp(struct frame *f, u16 sport, u16 dport, u32 seq, u32 ack, u8 flags,
		      const void *data, unsigned int n)
{
	struct tcphdr *th;

	frame_ipv4(f, PEER_IP, OUR_IP, IPPROTO_TCP, sizeof(*th) + n);
	th = frame_l4(f);
	memset(th, 0, sizeof(*th));
	th->source = htons(sport);
	th->dest = htons(dport);
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	th->doff = 5;
	((u8 *)th)[13] = flags;
	th->window = htons(8192);
	memcpy(th + 1, data, n);
	th->check = csum_tcpudp_magic(PEER_IP, OUR_IP, sizeof(*th) + n, IPPROTO_TCP,
				      csum_partial(th, (int)(sizeof(*th) + n), 0));
}

static const struct tcphdr *tcp_of(struct frame *f)
{
	return (const struct tcphdr *)frame_l4(f);
}

/* A listener on the test NIC and a peer that has done the handshake; its next seq, our next. */
struct scripted {
	struct net_device *dev;
	struct socket *l, *a;
	u32 peer_seq, our_seq;
};

static void scripted_up(struct ktest *t, struct scripted *s)
{
	struct frame f;

	s->dev = net_test_nic(t);
	net_test_learn_peer(s->dev);
	ASSERT_EQ(t, sock_create_tcp(&s->l), 0);
	ASSERT_EQ(t, kernel_bind(s->l, PORT), 0);
	ASSERT_EQ(t, kernel_listen(s->l, 4), 0);
	frame_tcp(&f, 40000, PORT, 1000, 0, TCPHDR_SYN, NULL, 0);
	tnic_inject(s->dev, f.data, f.len);
	ASSERT_TRUE(t, tnic_next_tx(s->dev, &f, 100));
	ASSERT_EQ(t, tcp_flag_byte(tcp_of(&f)), TCPHDR_SYN | TCPHDR_ACK);
	s->our_seq = ntohl(tcp_of(&f)->seq) + 1;
	s->peer_seq = 1001;
	frame_tcp(&f, 40000, PORT, s->peer_seq, s->our_seq, TCPHDR_ACK, NULL, 0);
	tnic_inject(s->dev, f.data, f.len);
	ASSERT_EQ(t, kernel_accept(s->l, &s->a, O_NONBLOCK), 0);
}

static void scripted_down(struct scripted *s)
{
	struct frame f;

	/* The peer resets: the connection ends at once, no TIME_WAIT. */
	frame_tcp(&f, 40000, PORT, s->peer_seq, 0, TCPHDR_RST, NULL, 0);
	tnic_inject(s->dev, f.data, f.len);
	sock_release(s->a);
	sock_release(s->l);
	tnic_tx_purge(s->dev);
	net_test_nic_destroy(s->dev);
}

TEST_CASE(tcp_test_a_syn_gets_a_syn_ack_with_our_mss_and_its_seq_plus_one)
{
	struct socket *l;
	struct tcp_env e;
	struct frame f;
	const u8 *opt;
	struct net_device *dev = net_test_nic(t);

	env_up(&e);
	net_test_learn_peer(dev);
	ASSERT_EQ(t, sock_create_tcp(&l), 0);
	ASSERT_EQ(t, kernel_bind(l, PORT), 0);
	ASSERT_EQ(t, kernel_listen(l, 4), 0);
	frame_tcp(&f, 40001, PORT, 0xfffffff0u, 0, TCPHDR_SYN, NULL, 0);
	tnic_inject(dev, f.data, f.len);
	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 100));
	EXPECT_EQ(t, tcp_flag_byte(tcp_of(&f)), TCPHDR_SYN | TCPHDR_ACK);
	EXPECT_EQ(t, ntohl(tcp_of(&f)->ack_seq), 0xfffffff1u); /* wraps well */
	EXPECT_EQ(t, ntohs(tcp_of(&f)->source), PORT);
	EXPECT_EQ(t, ntohs(tcp_of(&f)->dest), 40001);
	EXPECT_EQ(t, tcp_of(&f)->doff, 6);
	opt = (const u8 *)(tcp_of(&f) + 1);
	EXPECT_EQ(t, opt[0], TCPOPT_MSS);
	EXPECT_EQ(t, opt[2] << 8 | opt[3], 1460); /* the test NIC's 1500 less 40 */
	EXPECT_EQ(t,
		  csum_tcpudp_magic(frame_iph(&f)->saddr, frame_iph(&f)->daddr, 24, IPPROTO_TCP,
				    csum_partial(tcp_of(&f), 24, 0)),
		  0);
	/* The peer gives up: RST at our SYN-ACK's seq + 1 ends the child. */
	frame_tcp(&f, 40001, PORT, 0xfffffff1u, 0, TCPHDR_RST, NULL, 0);
	tnic_inject(dev, f.data, f.len);
	sock_release(l);
	net_test_nic_destroy(dev);
	EXPECT_TRUE(t, env_down(&e));
}

/* A SYN from the peer with options @opt (@optlen bytes, a multiple of 4). */
static void frame_syn_opts(struct frame *f, u16 sport, u32 seq, u16 win, const u8 *opt,
			   unsigned int optlen)
{
	struct tcphdr *th;

	frame_ipv4(f, PEER_IP, OUR_IP, IPPROTO_TCP, sizeof(*th) + optlen);
	th = frame_l4(f);
	memset(th, 0, sizeof(*th));
	th->source = htons(sport);
	th->dest = htons(PORT);
	th->seq = htonl(seq);
	th->doff = (sizeof(*th) + optlen) / 4;
	th->syn = 1;
	th->window = htons(win);
	memcpy(th + 1, opt, optlen);
	th->check = csum_tcpudp_magic(PEER_IP, OUR_IP, sizeof(*th) + optlen, IPPROTO_TCP,
				      csum_partial(th, (int)(sizeof(*th) + optlen), 0));
}

TEST_CASE(tcp_test_window_scale_is_agreed_only_when_both_syns_carry_it)
{
	/* MSS 1000, NOP, window scale 7, SACK permitted, NOP, NOP. */
	static const u8 opts[] = { 2, 4, 0x03, 0xe8, 1, 3, 3, 7, 4, 2, 1, 1 };
	struct net_device *dev = net_test_nic(t);
	struct socket *l, *a;
	struct tcp_env e;
	struct frame f;
	const u8 *o;
	u32 ours;

	env_up(&e);
	net_test_learn_peer(dev);
	ASSERT_EQ(t, sock_create_tcp(&l), 0);
	ASSERT_EQ(t, kernel_bind(l, PORT), 0);
	ASSERT_EQ(t, kernel_listen(l, 4), 0);
	frame_syn_opts(&f, 40003, 100, 50000, opts, sizeof(opts));
	tnic_inject(dev, f.data, f.len);
	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 100));
	/* The SYN-ACK: MSS, NOP, window scale 2 (256 KiB of buffer, half offered). */
	EXPECT_EQ(t, tcp_of(&f)->doff, 7);
	o = (const u8 *)(tcp_of(&f) + 1);
	EXPECT_EQ(t, o[4], TCPOPT_NOP);
	EXPECT_EQ(t, o[5], TCPOPT_WINDOW);
	EXPECT_EQ(t, o[6], TCPOLEN_WINDOW);
	EXPECT_EQ(t, o[7], 2);
	ours = ntohl(tcp_of(&f)->seq);
	/* The ACK says window 100: scaled by the peer's 7, 12800 bytes. */
	frame_tcp(&f, 40003, PORT, 101, ours + 1, TCPHDR_ACK, NULL, 0);
	((struct tcphdr *)frame_l4(&f))->window = htons(100);
	((struct tcphdr *)frame_l4(&f))->check = 0;
	((struct tcphdr *)frame_l4(&f))->check =
		csum_tcpudp_magic(PEER_IP, OUR_IP, 20, IPPROTO_TCP,
				  csum_partial(frame_l4(&f), 20, 0));
	tnic_inject(dev, f.data, f.len);
	ASSERT_EQ(t, kernel_accept(l, &a, O_NONBLOCK), 0);
	EXPECT_TRUE(t, tcp_sk(a->sk)->wscale_ok);
	EXPECT_TRUE(t, tcp_sk(a->sk)->sack_ok);
	EXPECT_EQ(t, tcp_sk(a->sk)->snd_wnd, 100u << 7);
	EXPECT_EQ(t, tcp_sk(a->sk)->mss_cache, 1000);
	/* Our data ACK's window field is our window >> 2. */
	frame_tcp(&f, 40003, PORT, 101, ours + 1, TCPHDR_ACK | TCPHDR_PSH, "x", 1);
	tnic_inject(dev, f.data, f.len);
	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 100));
	EXPECT_EQ(t, (u32)ntohs(tcp_of(&f)->window) << 2, tcp_sk(a->sk)->rcv_wnd);
	EXPECT_GT(t, tcp_sk(a->sk)->rcv_wnd, 65535u); /* more than an unscaled field could say */
	frame_tcp(&f, 40003, PORT, 102, 0, TCPHDR_RST, NULL, 0);
	tnic_inject(dev, f.data, f.len);
	sock_release(a);
	tnic_tx_purge(dev);
	/* A SYN without the option: no scaling either way, a plain 24-byte SYN-ACK. */
	frame_syn_opts(&f, 40004, 100, 50000, opts, 4);
	tnic_inject(dev, f.data, f.len);
	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 100));
	EXPECT_EQ(t, tcp_flag_byte(tcp_of(&f)), TCPHDR_SYN | TCPHDR_ACK);
	EXPECT_EQ(t, tcp_of(&f)->doff, 6);
	frame_tcp(&f, 40004, PORT, 101, 0, TCPHDR_RST, NULL, 0);
	tnic_inject(dev, f.data, f.len);
	sock_release(l);
	tnic_tx_purge(dev);
	net_test_nic_destroy(dev);
	EXPECT_TRUE(t, env_down(&e));
}

TEST_CASE(tcp_test_a_full_backlog_answers_with_syn_cookies)
{
	unsigned long sent = tcp_mib.SyncookiesSent, recv = tcp_mib.SyncookiesRecv;
	unsigned long failed = tcp_mib.SyncookiesFailed;
	struct net_device *dev = net_test_nic(t);
	unsigned int socks;
	struct socket *l, *a;
	struct tcp_env e;
	struct frame f;
	char buf[8];
	u32 cookie;

	env_up(&e);
	net_test_learn_peer(dev);
	ASSERT_EQ(t, sock_create_tcp(&l), 0);
	ASSERT_EQ(t, kernel_bind(l, PORT), 0);
	ASSERT_EQ(t, kernel_listen(l, 2), 0);
	/* Two handshakes left half done fill the backlog of 2. */
	for (u16 port = 41000; port < 41002; port++) {
		frame_tcp(&f, port, PORT, 500, 0, TCPHDR_SYN, NULL, 0);
		tnic_inject(dev, f.data, f.len);
	}
	tnic_tx_purge(dev);
	socks = tcp_sock_count();
	/* A third SYN: a SYN-ACK whose ISN is a cookie, and no new socket. */
	frame_tcp(&f, 41002, PORT, 700, 0, TCPHDR_SYN, NULL, 0);
	tnic_inject(dev, f.data, f.len);
	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 100));
	EXPECT_EQ(t, tcp_flag_byte(tcp_of(&f)), TCPHDR_SYN | TCPHDR_ACK);
	EXPECT_EQ(t, ntohl(tcp_of(&f)->ack_seq), 701);
	EXPECT_EQ(t, tcp_mib.SyncookiesSent - sent, 1);
	EXPECT_EQ(t, tcp_sock_count(), socks);
	cookie = ntohl(tcp_of(&f)->seq);
	/* A forged ACK (a guess at the cookie): RST, nothing made. */
	frame_tcp(&f, 41002, PORT, 701, (cookie ^ 0x00f0f000u) + 1, TCPHDR_ACK, NULL, 0);
	tnic_inject(dev, f.data, f.len);
	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 100));
	EXPECT_EQ(t, tcp_flag_byte(tcp_of(&f)), TCPHDR_RST);
	EXPECT_EQ(t, tcp_mib.SyncookiesFailed - failed, 1);
	EXPECT_EQ(t, tcp_sock_count(), socks);
	/* The real ACK, with data: the connection is made from the cookie alone. */
	frame_tcp(&f, 41002, PORT, 701, cookie + 1, TCPHDR_ACK | TCPHDR_PSH, "hi!", 3);
	tnic_inject(dev, f.data, f.len);
	EXPECT_EQ(t, tcp_mib.SyncookiesRecv - recv, 1);
	ASSERT_EQ(t, kernel_accept(l, &a, O_NONBLOCK), 0);
	EXPECT_EQ(t, state_of(a), TCP_ESTABLISHED);
	EXPECT_EQ(t, tcp_sk(a->sk)->inet_dport, 41002);
	EXPECT_EQ(t, tcp_sk(a->sk)->mss_cache, 536); /* the SYN said none: the table's least */
	EXPECT_EQ(t, kernel_recvmsg(a, buf, sizeof(buf), MSG_DONTWAIT), 3);
	EXPECT_EQ(t, memcmp(buf, "hi!", 3), 0);
	/* Everyone resets. */
	frame_tcp(&f, 41002, PORT, 704, 0, TCPHDR_RST, NULL, 0);
	tnic_inject(dev, f.data, f.len);
	for (u16 port = 41000; port < 41002; port++) {
		frame_tcp(&f, port, PORT, 501, 0, TCPHDR_RST, NULL, 0);
		tnic_inject(dev, f.data, f.len);
	}
	sock_release(a);
	sock_release(l);
	tnic_tx_purge(dev);
	net_test_nic_destroy(dev);
	EXPECT_TRUE(t, env_down(&e));
}

TEST_CASE(tcp_test_keepalive_probes_an_idle_peer_and_gives_up_when_it_is_gone)
{
	unsigned long probes = tcp_mib.TCPKeepAliveProbes;
	struct scripted s;
	struct tcp_env e;
	struct frame f;
	char buf[4];

	env_up(&e);
	scripted_up(t, &s);
	tcp_set_keepalive(s.a, true, 50, 20, 3);
	/* Idle 50 ms: a probe, one byte below what the peer has acknowledged, no data. */
	ASSERT_TRUE(t, tnic_next_tx(s.dev, &f, 500));
	EXPECT_EQ(t, tcp_flag_byte(tcp_of(&f)), TCPHDR_ACK);
	EXPECT_EQ(t, ntohl(tcp_of(&f)->seq), s.our_seq - 1);
	EXPECT_EQ(t, ntohs(frame_iph(&f)->tot_len), 40);
	/* The peer answers: the count starts again, the connection lives. */
	frame_tcp(&f, 40000, PORT, s.peer_seq, s.our_seq, TCPHDR_ACK, NULL, 0);
	tnic_inject(s.dev, f.data, f.len);
	EXPECT_EQ(t, state_of(s.a), TCP_ESTABLISHED);
	/* Now silence: three probes 20 ms apart, then a RST, and the reader hears ETIMEDOUT. */
	for (int i = 0; i < 3; i++) {
		ASSERT_TRUE(t, tnic_next_tx(s.dev, &f, 500));
		EXPECT_EQ(t, ntohl(tcp_of(&f)->seq), s.our_seq - 1);
	}
	ASSERT_TRUE(t, tnic_next_tx(s.dev, &f, 500));
	EXPECT_EQ(t, tcp_flag_byte(tcp_of(&f)), TCPHDR_RST | TCPHDR_ACK);
	EXPECT_EQ(t, kernel_recvmsg(s.a, buf, sizeof(buf), 0), -ETIMEDOUT);
	EXPECT_EQ(t, state_of(s.a), TCP_CLOSE);
	EXPECT_EQ(t, tcp_mib.TCPKeepAliveProbes - probes, 4);
	scripted_down(&s);
	EXPECT_TRUE(t, env_down(&e));
}

TEST_CASE(tcp_test_segments_to_a_closed_port_get_the_rfc_reset)
{
	struct net_device *dev = net_test_nic(t);
	struct frame f;

	net_test_learn_peer(dev);
	/* With ACK: RST, SEQ = SEG.ACK. */
	frame_tcp(&f, 40002, PORT + 2, 500, 7777, TCPHDR_ACK, "ab", 2);
	tnic_inject(dev, f.data, f.len);
	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 100));
	EXPECT_EQ(t, tcp_flag_byte(tcp_of(&f)), TCPHDR_RST);
	EXPECT_EQ(t, ntohl(tcp_of(&f)->seq), 7777);
	/* Without: RST+ACK, SEQ 0, ACK = SEG.SEQ + SEG.LEN (the SYN counts). */
	frame_tcp(&f, 40002, PORT + 2, 500, 0, TCPHDR_SYN, NULL, 0);
	tnic_inject(dev, f.data, f.len);
	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 100));
	EXPECT_EQ(t, tcp_flag_byte(tcp_of(&f)), TCPHDR_RST | TCPHDR_ACK);
	EXPECT_EQ(t, ntohl(tcp_of(&f)->seq), 0);
	EXPECT_EQ(t, ntohl(tcp_of(&f)->ack_seq), 501);
	/* Never a RST for a RST. */
	frame_tcp(&f, 40002, PORT + 2, 500, 0, TCPHDR_RST, NULL, 0);
	tnic_inject(dev, f.data, f.len);
	EXPECT_FALSE(t, tnic_next_tx(dev, &f, 20));
	net_test_nic_destroy(dev);
}

TEST_CASE(tcp_test_a_reset_or_syn_not_at_rcv_nxt_gets_a_challenge_ack)
{
	unsigned long challenges = tcp_mib.TCPChallengeACK;
	struct scripted s;
	struct tcp_env e;
	struct frame f;

	env_up(&e);
	scripted_up(t, &s);
	/* RFC 5961 3.2: a RST inside the window but not at rcv_nxt. */
	frame_tcp(&f, 40000, PORT, s.peer_seq + 100, 0, TCPHDR_RST, NULL, 0);
	tnic_inject(s.dev, f.data, f.len);
	ASSERT_TRUE(t, tnic_next_tx(s.dev, &f, 100));
	EXPECT_EQ(t, tcp_flag_byte(tcp_of(&f)), TCPHDR_ACK);
	EXPECT_EQ(t, ntohl(tcp_of(&f)->ack_seq), s.peer_seq);
	EXPECT_EQ(t, state_of(s.a), TCP_ESTABLISHED);
	/* RFC 5961 4.2: a SYN on an established connection. */
	frame_tcp(&f, 40000, PORT, s.peer_seq + 5, 0, TCPHDR_SYN, NULL, 0);
	tnic_inject(s.dev, f.data, f.len);
	ASSERT_TRUE(t, tnic_next_tx(s.dev, &f, 100));
	EXPECT_EQ(t, tcp_flag_byte(tcp_of(&f)), TCPHDR_ACK);
	EXPECT_EQ(t, state_of(s.a), TCP_ESTABLISHED);
	EXPECT_EQ(t, tcp_mib.TCPChallengeACK - challenges, 2);
	/* A RST outside the window is ignored: no answer. */
	frame_tcp(&f, 40000, PORT, s.peer_seq + 1000000, 0, TCPHDR_RST, NULL, 0);
	tnic_inject(s.dev, f.data, f.len);
	EXPECT_FALSE(t, tnic_next_tx(s.dev, &f, 20));
	EXPECT_EQ(t, state_of(s.a), TCP_ESTABLISHED);
	scripted_down(&s);
	EXPECT_TRUE(t, env_down(&e));
}

TEST_CASE(tcp_test_out_of_order_data_waits_for_the_hole)
{
	unsigned long ofo = tcp_mib.TCPOFOQueue;
	struct scripted s;
	struct tcp_env e;
	struct frame f;
	char buf[16];

	env_up(&e);
	scripted_up(t, &s);
	/* "world" first, past a hole of 5: a duplicate ACK for the hole at once. */
	frame_tcp(&f, 40000, PORT, s.peer_seq + 5, s.our_seq, TCPHDR_ACK, "world", 5);
	tnic_inject(s.dev, f.data, f.len);
	ASSERT_TRUE(t, tnic_next_tx(s.dev, &f, 100));
	EXPECT_EQ(t, ntohl(tcp_of(&f)->ack_seq), s.peer_seq);
	EXPECT_EQ(t, kernel_recvmsg(s.a, buf, sizeof(buf), MSG_DONTWAIT), -EAGAIN);
	/* The hole filled: both arrive, in order, and the ACK covers all ten. */
	frame_tcp(&f, 40000, PORT, s.peer_seq, s.our_seq, TCPHDR_ACK, "hello", 5);
	tnic_inject(s.dev, f.data, f.len);
	ASSERT_TRUE(t, tnic_next_tx(s.dev, &f, 100));
	EXPECT_EQ(t, ntohl(tcp_of(&f)->ack_seq), s.peer_seq + 10);
	EXPECT_EQ(t, kernel_recvmsg(s.a, buf, sizeof(buf), 0), 10);
	EXPECT_EQ(t, memcmp(buf, "helloworld", 10), 0);
	EXPECT_EQ(t, tcp_mib.TCPOFOQueue - ofo, 1);
	/* "hello" once more (a retransmission): nothing new to read, an ACK at once. */
	frame_tcp(&f, 40000, PORT, s.peer_seq, s.our_seq, TCPHDR_ACK, "hello", 5);
	tnic_inject(s.dev, f.data, f.len);
	ASSERT_TRUE(t, tnic_next_tx(s.dev, &f, 0));
	EXPECT_EQ(t, ntohl(tcp_of(&f)->ack_seq), s.peer_seq + 10);
	EXPECT_EQ(t, kernel_recvmsg(s.a, buf, sizeof(buf), MSG_DONTWAIT), -EAGAIN);
	s.peer_seq += 10;
	scripted_down(&s);
	EXPECT_TRUE(t, env_down(&e));
}

/* ICMP destination unreachable @code from the peer, quoting our frame @seg with seq @seq. */
static void inject_unreach(struct net_device *dev, struct frame *seg, u8 code, u32 seq)
{
	struct frame f;
	struct icmphdr *icmph;
	u8 *quote;

	frame_ipv4(&f, PEER_IP, OUR_IP, IPPROTO_ICMP, sizeof(*icmph) + 28);
	icmph = frame_l4(&f);
	memset(icmph, 0, sizeof(*icmph));
	icmph->type = ICMP_DEST_UNREACH;
	icmph->code = code;
	quote = (u8 *)(icmph + 1);
	memcpy(quote, frame_iph(seg), 28);
	((struct tcphdr *)(quote + 20))->seq = htonl(seq);
	icmph->checksum = ip_compute_csum(icmph, sizeof(*icmph) + 28);
	tnic_inject(dev, f.data, f.len);
}

TEST_CASE(tcp_test_icmp_errors_end_a_handshake_only_when_hard_and_in_window)
{
	unsigned long oow = tcp_mib.OutOfWindowIcmps;
	struct net_device *dev = net_test_nic(t);
	struct socket *c;
	struct tcp_env e;
	struct frame syn;
	u32 iss;

	env_up(&e);
	net_test_learn_peer(dev);
	ASSERT_EQ(t, sock_create_tcp(&c), 0);
	EXPECT_EQ(t, kernel_connect(c, PEER_IP, 80, O_NONBLOCK), -EINPROGRESS);
	ASSERT_TRUE(t, tnic_next_tx(dev, &syn, 100));
	iss = ntohl(tcp_of(&syn)->seq);
	/* A quote of a seq we never sent (RFC 5927): ignored. */
	inject_unreach(dev, &syn, ICMP_PORT_UNREACH, iss + 5000);
	EXPECT_EQ(t, tcp_mib.OutOfWindowIcmps - oow, 1);
	EXPECT_EQ(t, state_of(c), TCP_SYN_SENT);
	/* Host unreachable is soft: kept for later, the attempt goes on. */
	inject_unreach(dev, &syn, ICMP_HOST_UNREACH, iss);
	EXPECT_EQ(t, state_of(c), TCP_SYN_SENT);
	EXPECT_EQ(t, tcp_sk(c->sk)->sk.sk_err_soft, EHOSTUNREACH);
	/* Port unreachable is hard: the attempt ends, refused. */
	inject_unreach(dev, &syn, ICMP_PORT_UNREACH, iss);
	EXPECT_EQ(t, state_of(c), TCP_CLOSE);
	EXPECT_EQ(t, tcp_sk(c->sk)->sk_err, ECONNREFUSED);
	sock_release(c);
	tnic_tx_purge(dev);
	net_test_nic_destroy(dev);
	EXPECT_TRUE(t, env_down(&e));
}

/* A thread that sends one UDP datagram to 127.0.0.1:@port after 20 ms. */
static int late_datagram(void *arg)
{
	struct socket *s;

	msleep(20);
	if (!sock_create_udp(&s)) {
		udp_sendto(s, "ping", 4, INADDR_LOOPBACK, (u16)(uintptr_t)arg);
		sock_release(s);
	}
	return 0;
}

TEST_CASE(tcp_test_poll_waits_for_the_first_of_several_sockets)
{
	struct socket *l, *c, *a = NULL, *u;
	struct kpollfd fds[3];
	struct task_struct *th;
	struct tcp_env e;
	char buf[8];

	env_up(&e);
	ASSERT_EQ(t, sock_create_tcp(&l), 0);
	ASSERT_EQ(t, kernel_bind(l, PORT), 0);
	ASSERT_EQ(t, kernel_listen(l, 4), 0);
	ASSERT_EQ(t, sock_create_udp(&u), 0);
	ASSERT_EQ(t, udp_bind(u, PORT + 3), 0);
	fds[0] = (struct kpollfd){ .sock = l, .events = POLLIN };
	fds[1] = (struct kpollfd){ .sock = u, .events = POLLIN };
	/* Nothing yet: a short poll times out with nothing to report. */
	EXPECT_EQ(t, kernel_poll(fds, 2, 20), 0);
	EXPECT_EQ(t, fds[0].revents | fds[1].revents, 0);
	/* A connection on its way: the listener becomes readable. */
	ASSERT_EQ(t, sock_create_tcp(&c), 0);
	EXPECT_EQ(t, kernel_connect(c, INADDR_LOOPBACK, PORT, O_NONBLOCK), -EINPROGRESS);
	EXPECT_EQ(t, kernel_poll(fds, 2, 2000), 1);
	EXPECT_EQ(t, fds[0].revents, POLLIN);
	EXPECT_EQ(t, fds[1].revents, 0);
	ASSERT_EQ(t, kernel_accept(l, &a, O_NONBLOCK), 0);
	/* Asleep in poll, woken by a datagram another thread sends 20 ms later. */
	th = kthread_create(late_datagram, (void *)(uintptr_t)(PORT + 3), "late-dgram");
	ASSERT_FALSE(t, IS_ERR(th));
	get_task_struct(th);
	wake_up_process(th);
	fds[0] = (struct kpollfd){ .sock = a, .events = POLLIN };
	EXPECT_EQ(t, kernel_poll(fds, 2, 2000), 1);
	EXPECT_EQ(t, fds[0].revents, 0);
	EXPECT_EQ(t, fds[1].revents, POLLIN);
	kthread_join(th, msecs_to_jiffies(2000));
	put_task_struct(th);
	EXPECT_EQ(t, udp_recvfrom(u, buf, sizeof(buf), NULL, NULL, MSG_DONTWAIT), 4);
	/* Writable at once; readable when data comes; the end of the stream is readable too. */
	fds[2] = (struct kpollfd){ .sock = c, .events = POLLOUT };
	EXPECT_EQ(t, kernel_poll(&fds[2], 1, 0), 1);
	EXPECT_EQ(t, fds[2].revents, POLLOUT);
	EXPECT_EQ(t, kernel_sendmsg(c, "abc", 3, 0), 3);
	EXPECT_EQ(t, kernel_poll(fds, 1, 2000), 1);
	EXPECT_EQ(t, fds[0].revents, POLLIN);
	EXPECT_EQ(t, kernel_recvmsg(a, buf, sizeof(buf), 0), 3);
	EXPECT_EQ(t, kernel_sock_shutdown(c, SHUT_WR), 0);
	EXPECT_EQ(t, kernel_poll(fds, 1, 2000), 1);
	EXPECT_EQ(t, fds[0].revents, POLLIN);
	EXPECT_EQ(t, kernel_recvmsg(a, buf, sizeof(buf), 0), 0);
	/* More sockets than KPOLL_MAX are refused. */
	EXPECT_EQ(t, kernel_poll(fds, KPOLL_MAX + 1, 0), -EINVAL);
	sock_release(a);
	sock_release(c);
	sock_release(u);
	sock_release(l);
	EXPECT_TRUE(t, env_down(&e));
}

TEST_CASE(tcp_test_a_delayed_ack_goes_when_the_reader_takes_everything)
{
	struct scripted s;
	struct tcp_env e;
	struct frame f;
	char buf[8];

	env_up(&e);
	scripted_up(t, &s);
	/* The handshake's quick ACKs: the first two segments are answered at once. */
	for (int i = 0; i < 2; i++) {
		frame_tcp(&f, 40000, PORT, s.peer_seq, s.our_seq, TCPHDR_ACK, "ab", 2);
		tnic_inject(s.dev, f.data, f.len);
		s.peer_seq += 2;
		ASSERT_TRUE(t, tnic_next_tx(s.dev, &f, 0));
	}
	EXPECT_EQ(t, kernel_recvmsg(s.a, buf, sizeof(buf), 0), 4);
	tnic_tx_purge(s.dev);
	/* Now one small segment: its ACK is delayed ... */
	frame_tcp(&f, 40000, PORT, s.peer_seq, s.our_seq, TCPHDR_ACK, "cd", 2);
	tnic_inject(s.dev, f.data, f.len);
	s.peer_seq += 2;
	EXPECT_FALSE(t, tnic_next_tx(s.dev, &f, 10));
	/* ... until the reader takes everything: then it goes at once, not 40 ms later. */
	EXPECT_EQ(t, kernel_recvmsg(s.a, buf, sizeof(buf), 0), 2);
	ASSERT_TRUE(t, tnic_next_tx(s.dev, &f, 0));
	EXPECT_EQ(t, tcp_flag_byte(tcp_of(&f)), TCPHDR_ACK);
	EXPECT_EQ(t, ntohl(tcp_of(&f)->ack_seq), s.peer_seq);
	scripted_down(&s);
	EXPECT_TRUE(t, env_down(&e));
}

TEST_CASE(tcp_test_segments_fit_half_of_a_small_readers_window)
{
	struct socket *l, *c, *a;
	struct tcp_env e;

	env_up(&e);
	ASSERT_EQ(t, sock_create_tcp(&l), 0);
	sock_set_rcvbuf(l->sk, 32768); /* inherited by the accepted end */
	ASSERT_EQ(t, kernel_bind(l, PORT), 0);
	ASSERT_EQ(t, kernel_listen(l, 4), 0);
	ASSERT_EQ(t, sock_create_tcp(&c), 0);
	ASSERT_EQ(t, kernel_connect(c, INADDR_LOOPBACK, PORT, 0), 0);
	ASSERT_EQ(t, kernel_accept(l, &a, 0), 0);
	/* lo's MSS is 65483, the reader offers 16 KiB: a full segment would never fit. */
	EXPECT_LE(t, tcp_sk(c->sk)->max_window, 16384u);
	bulk_transfer_by(t, c, a, 128 << 10, 64 << 10); /* 64 KiB a call */
	sock_release(a);
	sock_release(c);
	sock_release(l);
	EXPECT_TRUE(t, env_down(&e));
}

TEST_CASE(tcp_test_msg_more_holds_a_short_segment_for_what_follows)
{
	unsigned long segs;
	struct socket *l, *c, *a;
	struct tcp_env e;
	char buf[16];

	env_up(&e);
	pair_up(t, &l, &c, &a);
	segs = tcp_mib.OutSegs;
	EXPECT_EQ(t, kernel_sendmsg(c, "head;", 5, MSG_MORE), 5);
	msleep(5);
	EXPECT_EQ(t, kernel_recvmsg(a, buf, sizeof(buf), MSG_DONTWAIT), -EAGAIN);
	EXPECT_EQ(t, tcp_mib.OutSegs - segs, 0); /* held */
	EXPECT_EQ(t, kernel_sendmsg(c, "body", 4, 0), 4);
	/* Both in one segment, read in one call. */
	EXPECT_EQ(t, kernel_recvmsg(a, buf, sizeof(buf), 0), 9);
	EXPECT_EQ(t, memcmp(buf, "head;body", 9), 0);
	sock_release(a);
	sock_release(c);
	sock_release(l);
	EXPECT_TRUE(t, env_down(&e));
}

/*
 * A segment the peer does not acknowledge is sent again when the RTO
 * fires, from the original kept on the write queue: the same bytes at the
 * same seq.  Sent through its fast clone when the first clone is gone (the
 * device sent and freed it), through a copy when that clone is still in
 * the device's queue (skb_cloned).  The ACK frees the original.
 */
TEST_CASE(tcp_test_a_retransmission_is_sent_from_the_retained_original)
{
	unsigned long timeouts = tcp_mib.TCPTimeouts, retrans = tcp_mib.RetransSegs;
	static u8 data[500]; /* one segment: the scripted peer's SYN said no MSS, so 536 */
	struct frame first, again;
	unsigned long hits;
	struct scripted s;
	struct tcp_env e;
	int queued;

	for (unsigned int i = 0; i < sizeof(data); i++)
		data[i] = (u8)(i * 7);
	env_up(&e);
	scripted_up(t, &s);
	for (int round = 0; round < 2; round++) {
		hits = skb_stats.fclone_hits;
		EXPECT_EQ(t, kernel_sendmsg(s.a, data, sizeof(data), 0), (int)sizeof(data));
		queued = tcp_sk(s.a->sk)->wmem_queued;
		EXPECT_GT(t, queued, 0);
		EXPECT_EQ(t, skb_stats.fclone_hits - hits, 1); /* the first send: the companion */
		if (round == 0) {
			/* The device sent it and freed the clone: the companion is free again. */
			ASSERT_TRUE(t, tnic_next_tx(s.dev, &first, 0));
		}
		/* No ACK: the retransmission timer fires (the RTO is 200 ms here; then 400). */
		if (round == 0) {
			ASSERT_TRUE(t, tnic_next_tx(s.dev, &again, 1500));
		} else {
			/* The first clone stays in the device's queue until the RTO has fired. */
			unsigned long deadline = jiffies + msecs_to_jiffies(2000);

			while (tcp_mib.TCPTimeouts - timeouts < 2 && !time_after(jiffies, deadline))
				msleep(5);
			ASSERT_TRUE(t, tnic_next_tx(s.dev, &first, 0));
			ASSERT_TRUE(t, tnic_next_tx(s.dev, &again, 0));
		}
		EXPECT_EQ(t, again.len, first.len);
		EXPECT_EQ(t, tcp_of(&again)->seq, tcp_of(&first)->seq);
		EXPECT_EQ(t, memcmp(frame_l4(&again) + 20, data, sizeof(data)), 0);
		/* Round 0: a second fast clone; round 1: the first was still queued, a copy. */
		EXPECT_EQ(t, skb_stats.fclone_hits - hits, round == 0 ? 2 : 1);
		EXPECT_EQ(t, tcp_sk(s.a->sk)->wmem_queued, queued); /* still the one original */
		/* The ACK frees it. */
		s.our_seq += sizeof(data);
		frame_tcp(&first, 40000, PORT, s.peer_seq, s.our_seq, TCPHDR_ACK, NULL, 0);
		tnic_inject(s.dev, first.data, first.len);
		EXPECT_EQ(t, tcp_sk(s.a->sk)->wmem_queued, 0);
		tnic_tx_purge(s.dev);
	}
	EXPECT_EQ(t, tcp_mib.TCPTimeouts - timeouts, 2);
	EXPECT_EQ(t, tcp_mib.RetransSegs - retrans, 2);
	scripted_down(&s);
	EXPECT_TRUE(t, env_down(&e));
}

static const struct ktest_case tcp_cases[] = {
	KTEST(tcp_test_handshake_data_and_close_over_loopback),
	KTEST(tcp_test_a_connection_to_a_closed_port_is_refused),
	KTEST(tcp_test_closing_with_unread_data_resets_the_connection),
	KTEST_TIMEOUT(tcp_test_a_megabyte_each_way_arrives_intact_through_fast_clones, 60000),
	KTEST_TIMEOUT(tcp_test_loss_duplication_and_reordering_still_deliver_every_byte, 60000),
	KTEST(tcp_test_a_syn_gets_a_syn_ack_with_our_mss_and_its_seq_plus_one),
	KTEST(tcp_test_segments_to_a_closed_port_get_the_rfc_reset),
	KTEST(tcp_test_window_scale_is_agreed_only_when_both_syns_carry_it),
	KTEST(tcp_test_a_full_backlog_answers_with_syn_cookies),
	KTEST(tcp_test_keepalive_probes_an_idle_peer_and_gives_up_when_it_is_gone),
	KTEST(tcp_test_poll_waits_for_the_first_of_several_sockets),
	KTEST(tcp_test_a_delayed_ack_goes_when_the_reader_takes_everything),
	KTEST_TIMEOUT(tcp_test_segments_fit_half_of_a_small_readers_window, 30000),
	KTEST(tcp_test_msg_more_holds_a_short_segment_for_what_follows),
	KTEST(tcp_test_a_retransmission_is_sent_from_the_retained_original),
	KTEST(tcp_test_a_reset_or_syn_not_at_rcv_nxt_gets_a_challenge_ack),
	KTEST(tcp_test_out_of_order_data_waits_for_the_hole),
	KTEST(tcp_test_icmp_errors_end_a_handshake_only_when_hard_and_in_window),
	KTEST_TIMEOUT(tcp_test_every_cpu_uses_the_echo_service_at_once, 60000),
	{}
};
TEST_SUITE(tcp, tcp_cases);
