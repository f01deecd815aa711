/*
 * SPDX-License-Identifier: MIT
 * bench/guest/bench_tcp.c - TCP in guest instructions (make bench, or boot
 * with bench=tcp): a 64-byte round trip through the TCP echo service over
 * lo beside the same through the UDP echo service, and a bulk transfer
 * over lo per KiB (the sender's and the receiver's work, both on this CPU).
 */
#include <arch/x86.h>
#include <kernel/bench.h>
#include <kernel/printk.h>
#include <mm/slab.h>
#include <net/arp.h>
#include <net/checksum.h>
#include <net/echo.h>
#include <net/ethernet.h>
#include <net/ip.h>
#include <net/loopback.h>
#include <net/socket.h>
#include <net/tcp.h>

#include "bench_net.h"
#include <string.h>

#define ECHO_BYTES 64

static u64 bench_tcp_echo(unsigned long iters)
{
	static u8 buf[ECHO_BYTES];
	struct socket *sock;
	u64 start, used = 0;

	if (sock_create_tcp(&sock))
		return 0;
	sock_set_rcvtimeo(sock, 1000);
	if (kernel_connect(sock, INADDR_LOOPBACK, ECHO_PORT, 0))
		goto out;
	start = rdtsc();
	for (unsigned long i = 0; i < iters; i++) {
		if (kernel_sendmsg(sock, buf, sizeof(buf), 0) != sizeof(buf) ||
		    kernel_recvmsg(sock, buf, sizeof(buf), 0) != sizeof(buf)) {
			pr_warn("bench_tcp: an echo over lo failed\n");
			goto out;
		}
	}
	used = rdtsc() - start;
out:
	sock_release(sock);
	return used;
}

/*
 * @iters KiB through one connection over lo, sent and read in 16 KiB
 * pieces by this thread (the send buffer holds what is not yet read).
 */
static u64 bench_tcp_bulk(unsigned long iters)
{
	struct socket *l, *c = NULL, *a = NULL;
	u8 *buf = kmalloc(16384, GFP_KERNEL);
	unsigned long left = iters * 1024;
	u64 start, used = 0;

	if (!buf || sock_create_tcp(&l)) {
		kfree(buf);
		return 0;
	}
	/* A fresh ephemeral port each run: the last run's may still be in TIME_WAIT. */
	if (kernel_bind(l, 0) || kernel_listen(l, 1) || sock_create_tcp(&c) ||
	    kernel_connect(c, INADDR_LOOPBACK, l->sk->inet_num, 0) || kernel_accept(l, &a, 0))
		goto out;
	sock_set_rcvtimeo(a, 1000);
	start = rdtsc();
	while (left) {
		size_t n = left < 16384 ? left : 16384;
		int got = 0, r;

		if (kernel_sendmsg(c, buf, n, 0) != (int)n)
			goto out;
		while ((size_t)got < n && (r = kernel_recvmsg(a, buf, n - (size_t)got, 0)) > 0)
			got += r;
		if ((size_t)got != n)
			goto out;
		left -= n;
	}
	used = rdtsc() - start;
out:
	if (!used)
		pr_warn("bench_tcp: the bulk transfer over lo failed\n");
	sock_release(a);
	sock_release(c);
	sock_release(l);
	kfree(buf);
	return used;
}

/* ---- one segment sent, one ACK processed: a scripted peer on a test NIC --------------- */

#define OUR  __constant_htonl(0xc0a84e01U) /* 192.168.78.1 */
#define PEER __constant_htonl(0xc0a84e02U) /* 192.168.78.2 */
#define SEG  1448			   /* a segment of a timestamp-less 1500-byte path */

static const u8 our_mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0x4e, 1 };
static const u8 peer_mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0x4e, 2 };

/* A frame from the peer: Ethernet, IPv4 (@proto, @len bytes after the header at @l4). */
static unsigned int peer_frame(u8 *f, u16 type, u8 proto, unsigned int len, u8 **l4)
{
	struct ethhdr *eth = (struct ethhdr *)f;
	struct iphdr *iph = (struct iphdr *)(f + ETH_HLEN);

	memcpy(eth->h_dest, our_mac, ETH_ALEN);
	memcpy(eth->h_source, peer_mac, ETH_ALEN);
	eth->h_proto = htons(type);
	*l4 = f + ETH_HLEN;
	if (type != ETH_P_IP)
		return ETH_HLEN + len;
	memset(iph, 0, sizeof(*iph));
	iph->version = 4;
	iph->ihl = 5;
	iph->tot_len = htons((u16)(20 + len));
	iph->ttl = 64;
	iph->protocol = proto;
	iph->saddr = PEER;
	iph->daddr = OUR;
	iph->check = ip_fast_csum(iph, 5);
	*l4 = (u8 *)(iph + 1);
	return ETH_HLEN + 20 + len;
}

/* A TCP segment from the peer (port 80) to @dport: @flags, @seq, @ack, window 65535 << 7. */
static unsigned int peer_tcp(u8 *f, u16 dport, u32 seq, u32 ack, u8 flags, bool syn_opts)
{
	unsigned int hlen = syn_opts ? 28 : 20;
	struct tcphdr *th;
	u8 *l4;
	unsigned int n = peer_frame(f, ETH_P_IP, IPPROTO_TCP, hlen, &l4);

	th = (struct tcphdr *)l4;
	memset(th, 0, hlen);
	th->source = htons(80);
	th->dest = htons(dport);
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	th->doff = hlen / 4;
	((u8 *)th)[13] = flags;
	th->window = htons(65535);
	if (syn_opts) { /* MSS 1448, NOP, window scale 7 */
		static const u8 opts[8] = { 2, 4, SEG >> 8, SEG & 0xff, 1, 3, 3, 7 };

		memcpy(th + 1, opts, sizeof(opts));
	}
	th->check = csum_tcpudp_magic(PEER, OUR, hlen, IPPROTO_TCP, csum_partial(th, (int)hlen, 0));
	return n;
}

struct seg_bench {
	struct net_device *dev;
	struct socket *sock;
	u32 peer_seq, our_next;
};

/* The test NIC, the peer known, a connection to it made by a scripted SYN-ACK.  0 or -1. */
static int seg_bench_up(struct seg_bench *b)
{
	static u8 f[128];
	struct arp_eth_ipv4 *arp;
	struct sk_buff *syn;
	u8 *l4;

	memset(b, 0, sizeof(*b));
	b->dev = tnic_create(our_mac);
	if (!b->dev || inet_addr_set(b->dev, OUR, 24) || sock_create_tcp(&b->sock))
		return -1;
	/* The peer asks for our address: we learn its own (as net_test_learn_peer). */
	tnic_inject(b->dev, f, peer_frame(f, ETH_P_ARP, 0, sizeof(*arp), &l4));
	arp = (struct arp_eth_ipv4 *)(f + ETH_HLEN);
	arp->hdr = (struct arphdr){ htons(ARPHRD_ETHER), htons(ETH_P_IP), ETH_ALEN, 4,
				    htons(ARPOP_REQUEST) };
	memcpy(arp->ar_sha, peer_mac, ETH_ALEN);
	arp->ar_sip = PEER;
	memset(arp->ar_tha, 0, ETH_ALEN);
	arp->ar_tip = OUR;
	tnic_inject(b->dev, f, ETH_HLEN + sizeof(*arp));
	tnic_tx_purge(b->dev);
	if (kernel_connect(b->sock, PEER, 80, O_NONBLOCK) != -EINPROGRESS)
		return -1;
	syn = tnic_tx_pop(b->dev);
	if (!syn)
		return -1;
	b->our_next = ntohl(((struct tcphdr *)(syn->data + ETH_HLEN + 20))->seq) + 1;
	consume_skb(syn);
	b->peer_seq = 5000;
	tnic_inject(b->dev, f,
		    peer_tcp(f, b->sock->sk->inet_num, b->peer_seq, b->our_next,
			     TCPHDR_SYN | TCPHDR_ACK, true));
	b->peer_seq++;
	tnic_tx_purge(b->dev); /* our ACK */
	return tcp_sk(b->sock->sk)->state == TCP_ESTABLISHED ? 0 : -1;
}

static void seg_bench_down(struct seg_bench *b)
{
	static u8 f[128];

	if (b->sock && tcp_sk(b->sock->sk)->state == TCP_ESTABLISHED)
		tnic_inject(b->dev, f,
			    peer_tcp(f, b->sock->sk->inet_num, b->peer_seq, 0, TCPHDR_RST, false));
	sock_release(b->sock);
	if (b->dev) {
		tnic_tx_purge(b->dev);
		tnic_destroy(b->dev);
	}
}

/*
 * One segment and its ACK, @iters times; *@send and *@ack get the ticks of
 * kernel_sendmsg (a full segment: copied, an fclone allocated, its clone
 * headed and handed to the device) and of the ACK's way from the NIC to
 * tcp_ack (which frees the original).  The device's own work (taking the
 * frame off its queue) and building the ACK are outside both.
 */
static bool seg_bench_run(unsigned long iters, u64 *send, u64 *ack)
{
	static u8 data[SEG], f[128];
	struct seg_bench b;
	bool ok = false;

	*send = *ack = 0;
	if (seg_bench_up(&b))
		goto out;
	for (unsigned long i = 0; i < iters; i++) {
		struct sk_buff *skb;
		unsigned int n;
		u64 t0;

		t0 = rdtsc();
		if (kernel_sendmsg(b.sock, data, SEG, MSG_DONTWAIT) != SEG)
			goto out;
		*send += rdtsc() - t0;
		skb = tnic_tx_pop(b.dev);
		if (!skb)
			goto out;
		consume_skb(skb);
		b.our_next += SEG;
		n = peer_tcp(f, b.sock->sk->inet_num, b.peer_seq, b.our_next, TCPHDR_ACK, false);
		t0 = rdtsc();
		tnic_inject(b.dev, f, n);
		*ack += rdtsc() - t0;
	}
	ok = tcp_sk(b.sock->sk)->wmem_queued == 0;
out:
	if (!ok)
		pr_warn("bench_tcp: the scripted peer's connection failed\n");
	seg_bench_down(&b);
	return ok;
}

static u64 bench_tcp_segment_sent(unsigned long iters)
{
	u64 send, ack;

	return seg_bench_run(iters, &send, &ack) ? send : 0;
}

static u64 bench_tcp_ack_processed(unsigned long iters)
{
	u64 send, ack;

	return seg_bench_run(iters, &send, &ack) ? ack : 0;
}

BENCH(tcp_echo, "tcp echo over lo, 64 B round trip", bench_tcp_echo, "udp echo over lo, 64 B",
      bench_udp_echo_lo);
BENCH(tcp_segment, "tcp 1448-byte segment sent (sendmsg to the device)", bench_tcp_segment_sent,
      NULL, NULL);
BENCH(tcp_ack, "tcp ACK processed (NIC to tcp_ack, the original freed)", bench_tcp_ack_processed,
      NULL, NULL);
BENCH(tcp_bulk, "tcp bulk over lo, per KiB sent and received", bench_tcp_bulk, NULL, NULL);
