/*
 * SPDX-License-Identifier: MIT
 * tests/host/fuzz_tcp.c - a fuzz target for TCP on an established
 * connection: each input sets one up (the scripted handshake of
 * tcp_script.h), then is read as a program of operations on it - segments
 * from the peer, the user's calls, the clock moving - with the real
 * net/tcp*.c under ASan/UBSan.
 *
 * The segments are built to get past the checks at the door (valid IP and
 * TCP checksums, the right ports) with their numbers near the
 * connection's own (seq around rcv_nxt, ack around snd_una and snd_nxt),
 * so the input reaches the state machine itself: windows, retransmission,
 * the out-of-order queue, FIN and RST in every state the input leads to.
 *
 * After each operation the connection's books must balance (the
 * invariants below) and every frame we sent must be valid TCP; after each
 * input the connection is reset, the clock moved until it is gone, and
 * the fake slab must be back at its baseline.  Any of these failing
 * aborts, as a sanitizer report does.
 *
 * Two ways to run it (tests/host/Makefile), as fuzz_net_rx:
 *
 *   libFuzzer (-DNET_FUZZ_LIBFUZZER): `make fuzz`, from seeds it writes;
 *   standalone: random programs, `fuzz_tcp [inputs] [seed]`; `make test`
 *   runs it for about a second.
 *
 * The first byte picks the handshake (window scaling or not).  Then an
 * operation is one byte, then its arguments:
 *
 *   0-3  segment   flags, seq offset (s16), ack base and offset (s8),
 *                  window, data length, option bytes
 *   4    send      length / 8 bytes ... 2 KiB
 *   5    recv      up to a length
 *   6    time      a few ms, or one of the timers' periods; or the nth
 *                  allocation of the next operation fails
 *   7    user      shutdown (rd, wr, both) or close
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_frames.h"
#include "tcp_script.h"
#include <kernel/time.h>

#define FUZZ_PEER_PORT 50000

/* The connection: without window scaling, or with it both ways (the input's first byte says). */
static const char *const handshake[2][6] = {
	{
		"listen 8080",
		"< S 0:0(0) win 65535 <mss 1000>",
		"> S. 0:0(0) ack 1 <mss 1460>",
		"< . 1:1(0) ack 1 win 65535",
		"accept",
		NULL,
	},
	{
		"listen 8080",
		"< S 0:0(0) win 65535 <mss 1000,nop,wscale 3>",
		"> S. 0:0(0) ack 1 <mss 1460,nop,wscale 2>",
		"< . 1:1(0) ack 1 win 8192",
		"accept",
		NULL,
	},
};

/* The input being read; reads past its end give zeros. */
struct input {
	const u8 *p, *end;
};

static u8 take(struct input *in)
{
	return in->p < in->end ? *in->p++ : 0;
}

static u16 take16(struct input *in)
{
	return (u16)(take(in) << 8 | take(in));
}

/* The input under way, for the report. */
static const u8 *cur_data;
static size_t cur_size;

/* Say what broke and with which input (hex: `fuzz_tcp --replay HEX` runs it again), and abort. */
static void fail(const char *what)
{
	fflush(stdout);
	fprintf(stderr, "fuzz_tcp: %s\ninput:", what);
	for (size_t i = 0; i < cur_size; i++)
		fprintf(stderr, "%02x", cur_data[i]);
	fprintf(stderr, "\n");
	abort();
}

/* ---- the connection's books ------------------------------------------------------------- */

/* The write queue: one run of sequence space from snd_una's segment on; its truesize. */
static unsigned long write_queue_truesize(struct tcp_sock *tp)
{
	unsigned long sum = 0;
	struct sk_buff *skb;
	u32 next = 0;
	bool first = true;

	skb_queue_walk(&tp->write_queue, skb) {
		const struct tcp_skb_cb *tcb = TCP_SKB_CB(skb);

		if ((!first && tcb->seq != next) || before(tcb->end_seq, tcb->seq))
			fail("the write queue is not one run of sequence space");
		next = tcb->end_seq;
		first = false;
		sum += skb->truesize;
	}
	if (!first && next != tp->write_seq)
		fail("the write queue does not end at write_seq");
	return sum;
}

/* The out-of-order queue: sorted, every segment past rcv_nxt; its truesize. */
static unsigned long ofo_queue_truesize(struct tcp_sock *tp)
{
	unsigned long sum = 0;
	struct sk_buff *skb;
	u32 prev = tp->rcv_nxt;

	skb_queue_walk(&tp->out_of_order_queue, skb) {
		const struct tcp_skb_cb *tcb = TCP_SKB_CB(skb);

		if (!after(tcb->seq, tp->rcv_nxt) || before(tcb->seq, prev) ||
		    !after(tcb->end_seq, tcb->seq))
			fail("the out-of-order queue is not sorted past rcv_nxt");
		prev = tcb->seq;
		sum += skb->truesize;
	}
	return sum;
}

/* What must hold between any two events, whatever the input. */
static void check_invariants(struct tcp_sock *tp)
{
	unsigned long rmem = 0;
	struct sk_buff *skb;

	if (!tp)
		return;
	if (after(tp->snd_una, tp->snd_nxt) || after(tp->snd_nxt, tp->write_seq))
		fail("snd_una <= snd_nxt <= write_seq broken");
	if (after(tp->copied_seq, tp->rcv_nxt))
		fail("the reader is past rcv_nxt");
	if ((unsigned long)tp->wmem_queued != write_queue_truesize(tp))
		fail("wmem_queued is not the write queue's truesize");
	skb_queue_walk(&tp->sk.sk_receive_queue, skb)
		rmem += skb->truesize;
	rmem += ofo_queue_truesize(tp);
	if ((unsigned long)tp->sk.sk_rmem_alloc != rmem)
		fail("sk_rmem_alloc is not what the receive queues hold");
	if (tp->sk.sk_rmem_alloc > tp->sk.sk_rcvbuf + 4096)
		fail("the receive buffer is over its limit");
	if (tp->snd_cwnd < 1 || tp->snd_ssthresh < 2)
		fail("cwnd or ssthresh out of range");
}

/* Every frame we sent: IPv4 from us to the peer, TCP with a good checksum. */
static void check_sent(void)
{
	struct sk_buff *skb;

	while ((skb = tcps_next_frame())) {
		const struct ethhdr *eth = (const struct ethhdr *)skb->data;
		const struct iphdr *iph = (const struct iphdr *)(skb->data + ETH_HLEN);
		unsigned int tot;

		/* ARP is answered by tcps_next_frame: nothing else but IPv4 goes out. */
		if (skb->len < ETH_HLEN || eth->h_proto != htons(ETH_P_IP))
			fail("we sent a frame that is not IPv4");
		if (ip_hdr_check(iph, skb->len - ETH_HLEN) != SKB_NOT_DROPPED_YET ||
		    iph->protocol != IPPROTO_TCP)
			fail("we sent a bad IP packet");
		tot = ntohs(iph->tot_len) - iph->ihl * 4u;
		if (tot < sizeof(struct tcphdr) ||
		    csum_tcpudp_magic(iph->saddr, iph->daddr, tot, IPPROTO_TCP,
				      csum_partial((const u8 *)iph + iph->ihl * 4, (int)tot, 0)))
			fail("we sent a TCP segment with a bad checksum");
		consume_skb(skb);
	}
}

/* ---- the operations --------------------------------------------------------------------- */

static struct net_device *dev;

/* A segment from the peer, its fields from @in, its numbers near the connection's. */
static void op_segment(struct input *in, struct tcp_sock *tp)
{
	static u8 frame[ETH_HLEN + 60 + 60 + 2048];
	static const u16 windows[8] = { 0, 1, 500, 1000, 4096, 32768, 65535, 65535 };
	u8 flags = take(in), wsel = take(in), lsel = take(in), olen = take(in) % 41 & ~3u;
	s16 dseq = (s16)take16(in);
	s8 dack = (s8)take(in);
	u32 seq = tp->rcv_nxt + (dseq >> (flags & 0x80 ? 0 : 6)); /* mostly close by */
	u32 ack = (flags & 0x40 ? tp->snd_nxt : tp->snd_una) + dack * (lsel & 1 ? 1 : 100);
	unsigned int len = lsel & 0x80 ? (lsel & 0x7f) * 16u : lsel & 0x7f;
	unsigned int hlen = sizeof(struct tcphdr) + olen, n;
	struct tcphdr *th;

	n = nf_ip(frame, IPPROTO_TCP, hlen + len);
	th = (struct tcphdr *)(frame + ETH_HLEN + 20);
	memset(th, 0, sizeof(*th));
	th->source = htons(FUZZ_PEER_PORT);
	th->dest = htons(TCPS_PORT);
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	th->doff = hlen / 4;
	((u8 *)th)[13] = flags & 0x3f; /* FIN SYN RST PSH ACK URG */
	th->window = htons(windows[wsel & 7] ? windows[wsel & 7] : (u16)(wsel << 8));
	for (unsigned int i = 0; i < olen; i++)
		((u8 *)(th + 1))[i] = take(in); /* options: whatever the input says */
	for (unsigned int i = 0; i < len; i++)
		((u8 *)th)[hlen + i] = tcps_pat(seq - TCPS_PEER_ISN - 1 + i);
	th->check = csum_tcpudp_magic(HOST_PEER_IP, HOST_OUR_IP, hlen + len, IPPROTO_TCP,
				      csum_partial(th, (int)(hlen + len), 0));
	tnic_inject(dev, frame, n);
}

/* The user's calls: 4 send, 5 recv, 7 shutdown or close. */
static void op_user(struct input *in, u8 op)
{
	static u8 buf[2048];
	u8 arg = take(in);

	if (!tcps.conn)
		return;
	if ((op & 7) == 4) {
		for (unsigned int i = 0; i < arg * 8u; i++)
			buf[i] = tcps_pat(tcps.sent + i);
		if (kernel_sendmsg(tcps.conn, buf, arg * 8u, MSG_DONTWAIT) > 0)
			tcps.sent = tcps.tp->write_seq; /* only a count here */
	} else if ((op & 7) == 5) {
		kernel_recvmsg(tcps.conn, buf, arg * 8u + 1, MSG_DONTWAIT);
	} else if (arg & 0x80) {
		sock_release(tcps.conn);
		tcps.conn = NULL;
	} else {
		kernel_sock_shutdown(tcps.conn, SHUT_RD + arg % 3);
	}
}

/* 6: the clock moves a few ms or one of the timers' periods; or an allocation will fail. */
static void op_time(struct input *in)
{
	static const unsigned int periods[8] = { 1, 39, 40, 200, 1000, 5000, 60000, 120000 };
	u8 t = take(in);

	if (t >= 0xf8)
		net_host_fail_nth(t - 0xf8 + 1u); /* within the next operation */
	else
		msleep(t & 0x80 ? periods[t & 7] : t & 0x7f);
}

/* ---- one input ---------------------------------------------------------------------------- */

static void fuzz_init(void)
{
	tcps_init();
	dev = net_host_nic();
	tcp_timewait_ms = 1000; /* connections end sooner; the rules are the same */
}

static void fuzz_one(const u8 *data, size_t size)
{
	struct input in = { data, data + (size > 4096 ? 4096 : size) };

	cur_data = data;
	cur_size = size;
	tcps_begin(FUZZ_PEER_PORT);
	if (!tcps_run(handshake[take(&in) & 1]) || !tcps.tp)
		fail("the handshake failed");
	check_sent();
	while (in.p < in.end && tcps.tp) {
		u8 op = take(&in);

		if ((op & 7) < 4)
			op_segment(&in, tcps.tp);
		else if ((op & 7) == 6)
			op_time(&in);
		else
			op_user(&in, op);
		if ((op & 7) != 6)
			net_host_fail_nth(0);
		check_invariants(tcps.tp);
		check_sent();
	}
	net_host_fail_nth(0); /* a failure asked for at the very end */
	if (!tcps_end())
		fail("a connection or an object was left behind");
}

#ifdef NET_FUZZ_LIBFUZZER

/* libFuzzer's entry point (it declares none in a header). */
int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static bool ready;

	if (!ready) {
		fuzz_init();
		ready = true;
	}
	fuzz_one(data, size);
	return 0;
}

#else /* the standalone randomised driver */

static u64 rng;

static u32 rnd(u32 n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (u32)(rng % n) : 0;
}

/*
 * A random program: mostly segments with the ACK bit and small offsets
 * (the peer behaving almost well), user calls and time between them.
 */
static unsigned int random_program(u8 *buf, unsigned int max)
{
	unsigned int len = 0, ops = rnd(24) + 1;

	buf[len++] = (u8)rnd(2); /* window scaling or not */
	while (ops-- && len + 16 < max) {
		u8 op = (u8)rnd(8);

		buf[len++] = op;
		if (op < 4) {
			buf[len++] = (u8)(rnd(4) ? TCPHDR_ACK | rnd(256) % 0x10 : rnd(256));
			for (int i = 0; i < 6; i++)
				buf[len++] = (u8)rnd(256);
			buf[len - 3] = (u8)(rnd(3) ? 0 : rnd(256)); /* options mostly none */
		} else {
			buf[len++] = (u8)rnd(256);
		}
	}
	return len;
}

/* `--seeds DIR`: a few programs as a starting corpus for libFuzzer. */
static int write_seeds(const char *dir)
{
	u8 buf[512];

	for (int i = 0; i < 32; i++) {
		unsigned int len = random_program(buf, sizeof(buf));
		char path[4096];
		FILE *f;

		snprintf(path, sizeof(path), "%s/seed-%02d", dir, i);
		f = fopen(path, "wb");
		if (!f || fwrite(buf, 1, len, f) != len) {
			perror(path);
			return 1;
		}
		fclose(f);
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long inputs;
	u8 buf[512];

	if (argc > 2 && !strcmp(argv[1], "--seeds")) {
		rng = 0x2545f4914f6cdd1dULL;
		return write_seeds(argv[2]);
	}
	if (argc > 2 && !strcmp(argv[1], "--replay")) {
		unsigned int len = 0;

		for (const char *h = argv[2]; h[0] && h[1] && len < sizeof(buf); h += 2)
			sscanf(h, "%2hhx", &buf[len++]);
		fuzz_init();
		fuzz_one(buf, len);
		printf("ok 1 - fuzz_tcp: the input ran without a failure\n");
		return 0;
	}
	inputs = argc > 1 ? strtoul(argv[1], NULL, 0) : 15000;
	rng = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x2545f4914f6cdd1dULL;
	if (!rng)
		rng = 1;
	fuzz_init();
	printf("1..1\n");
	for (unsigned long i = 0; i < inputs; i++)
		fuzz_one(buf, random_program(buf, sizeof(buf)));
	printf("# InSegs %lu, OutSegs %lu, RetransSegs %lu, TCPChallengeACK %lu, TCPOFOQueue %lu, "
	       "EstabResets %lu, TCPAbortOnData %lu\n",
	       tcp_mib.InSegs, tcp_mib.OutSegs, tcp_mib.RetransSegs, tcp_mib.TCPChallengeACK,
	       tcp_mib.TCPOFOQueue, tcp_mib.EstabResets, tcp_mib.TCPAbortOnData);
	printf("ok 1 - fuzz_tcp: %lu programs on an established connection, no crash, no leak\n",
	       inputs);
	return 0;
}

#endif
