/*
 * SPDX-License-Identifier: MIT
 * tests/net/test_ip_frag.c - IPv4 fragments (net/ip_fragment.c): reassembly
 * in any order, duplicates, overlaps (RFC 5722), contradictions, the 65535
 * limit, the time limit and the memory limit, each drop counted; and
 * fragmentation on output, checked piece by piece and by putting a
 * 65507-byte datagram back together.
 *
 * A datagram is built whole (UDP header and data, checksummed) and cut
 * here into frames from the peer, injected on the test NIC in the order
 * each case wants; a socket on TEST_PORT receives what reassembly makes.
 */
#include <errno.h>
#include <kernel/ktest.h>
#include <kernel/time.h>
#include <mm/slab.h>
#include <net/checksum.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/socket.h>
#include <net/udp.h>
#include <string.h>

#include "net_test.h"

#define TEST_PORT  4001
#define DGRAM_ROOM (65536 + 64) /* the longest datagram, and fragments past its end */

struct frag_env {
	struct net_device *dev;
	struct socket *sock;
	u8 *dgram;	  /* the UDP datagram, header and data, as the peer sent it */
	unsigned int len; /* its length */
	u8 *got;	  /* what the socket received */
	long saved[4];	  /* ipfrag_high_thresh, _low_thresh, _time_ms, sysctl_icmp_ratelimit */
};

/* A datagram of @data_len bytes (a pattern) from the peer to TEST_PORT. */
static void dgram_make(struct frag_env *e, unsigned int data_len)
{
	struct udphdr *uh = (struct udphdr *)e->dgram;

	e->len = sizeof(*uh) + data_len;
	uh->source = htons(5555);
	uh->dest = htons(TEST_PORT);
	uh->len = htons((u16)e->len);
	uh->check = 0;
	for (unsigned int i = 0; i < data_len; i++)
		e->dgram[sizeof(*uh) + i] = (u8)(i * 7 + (i >> 8));
	uh->check = csum_tcpudp_magic(PEER_IP, OUR_IP, e->len, IPPROTO_UDP,
				      csum_partial(e->dgram, (int)e->len, 0));
	if (!uh->check)
		uh->check = 0xffff;
}

static void env_up(struct ktest *t, struct frag_env *e)
{
	memset(e, 0, sizeof(*e));
	e->saved[0] = ipfrag_high_thresh;
	e->saved[1] = ipfrag_low_thresh;
	e->saved[2] = ipfrag_time_ms;
	e->saved[3] = sysctl_icmp_ratelimit;
	e->dgram = kmalloc(DGRAM_ROOM, GFP_KERNEL);
	e->got = kmalloc(UDP_MAX_PAYLOAD + 1, GFP_KERNEL);
	e->dev = net_test_nic(t);
	if (!e->dgram || !e->got || sock_create_udp(&e->sock) || udp_bind(e->sock, TEST_PORT)) {
		sock_release(e->sock);
		net_test_nic_destroy(e->dev);
		kfree(e->dgram);
		kfree(e->got);
		ASSERT_TRUE(t, false);
	}
}

static void env_down(struct frag_env *e)
{
	ipfrag_high_thresh = e->saved[0];
	ipfrag_low_thresh = e->saved[1];
	ipfrag_time_ms = e->saved[2];
	sysctl_icmp_ratelimit = e->saved[3];
	sock_release(e->sock);
	net_test_nic_destroy(e->dev);
	kfree(e->dgram);
	kfree(e->got);
}

/*
 * Inject bytes [@off, @off + @n) of the datagram as a fragment with id
 * @id; @more: MF set.
 */
static void inject_frag(struct frag_env *e, u16 id, unsigned int off, unsigned int n, bool more)
{
	struct frame f;

	frame_ipv4(&f, PEER_IP, OUR_IP, IPPROTO_UDP, n);
	memcpy(frame_l4(&f), e->dgram + off, n);
	frame_iph(&f)->id = htons(id);
	frame_iph(&f)->frag_off = htons((u16)((off >> 3) | (more ? IP_MF : 0)));
	frame_ip_recsum(&f);
	tnic_inject(e->dev, f.data, f.len);
}

/* The next datagram on the socket, without waiting: bytes, or -EAGAIN. */
static int received(struct frag_env *e)
{
	return udp_recvfrom(e->sock, e->got, UDP_MAX_PAYLOAD + 1, NULL, NULL, MSG_DONTWAIT);
}

/* Did the socket get exactly the datagram's data? */
static void expect_datagram(struct ktest *t, struct frag_env *e)
{
	unsigned int data = e->len - sizeof(struct udphdr);

	EXPECT_EQ(t, received(e), (int)data);
	EXPECT_EQ(t, memcmp(e->got, e->dgram + sizeof(struct udphdr), data), 0);
	EXPECT_EQ(t, received(e), -EAGAIN); /* once */
}

static unsigned int queues_now(void)
{
	unsigned int q;
	int bytes;

	ipfrag_usage(&q, &bytes);
	return q;
}

/* Wait (at most @ms) until no datagram is being reassembled; true if none is. */
static bool queues_drain(unsigned int ms)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(ms);

	while (queues_now()) {
		if (time_after(jiffies, deadline))
			return false;
		msleep(2);
	}
	return true;
}

/* Drop every datagram still being reassembled; true when none is left. */
static bool queues_flush(void)
{
	ipfrag_flush();
	return queues_now() == 0;
}

TEST_CASE(ipfrag_test_fragments_in_order_make_the_datagram)
{
	unsigned long reqds = ip_mib.ReasmReqds, oks = ip_mib.ReasmOKs;
	struct frag_env e;

	env_up(t, &e);
	dgram_make(&e, 3000);
	inject_frag(&e, 1, 0, 1480, true);
	EXPECT_EQ(t, queues_now(), 1);
	EXPECT_EQ(t, received(&e), -EAGAIN);
	inject_frag(&e, 1, 1480, 1480, true);
	inject_frag(&e, 1, 2960, e.len - 2960, false);
	expect_datagram(t, &e);
	EXPECT_EQ(t, ip_mib.ReasmReqds - reqds, 3);
	EXPECT_EQ(t, ip_mib.ReasmOKs - oks, 1);
	EXPECT_EQ(t, queues_now(), 0);
	env_down(&e);
}

TEST_CASE(ipfrag_test_fragments_in_any_order_make_the_datagram)
{
	static const unsigned int order[][4] = { { 3, 2, 1, 0 }, { 1, 3, 0, 2 }, { 2, 0, 3, 1 } };
	struct frag_env e;

	env_up(t, &e);
	dgram_make(&e, 100);
	/* Four pieces of 32, 32, 32 and 12 bytes: 108 in all. */
	for (unsigned int o = 0; o < ARRAY_SIZE(order); o++) {
		for (unsigned int i = 0; i < 4; i++) {
			unsigned int k = order[o][i], off = k * 32;

			inject_frag(&e, (u16)(10 + o), off, k == 3 ? e.len - off : 32, k != 3);
		}
		expect_datagram(t, &e);
	}
	EXPECT_EQ(t, queues_now(), 0);
	env_down(&e);
}

TEST_CASE(ipfrag_test_datagrams_with_different_ids_or_sources_do_not_mix)
{
	struct frag_env e;
	struct frame f;

	env_up(t, &e);
	dgram_make(&e, 40);
	inject_frag(&e, 20, 0, 24, true);
	inject_frag(&e, 21, 24, e.len - 24, false); /* another id: another datagram */
	EXPECT_EQ(t, queues_now(), 2);
	EXPECT_EQ(t, received(&e), -EAGAIN);
	/* The same id from another source is yet another datagram. */
	frame_ipv4(&f, OTHER_IP, OUR_IP, IPPROTO_UDP, e.len - 24);
	memcpy(frame_l4(&f), e.dgram + 24, e.len - 24);
	frame_iph(&f)->id = htons(20);
	frame_iph(&f)->frag_off = htons(24 >> 3);
	frame_ip_recsum(&f);
	tnic_inject(e.dev, f.data, f.len);
	EXPECT_EQ(t, queues_now(), 3);
	EXPECT_EQ(t, received(&e), -EAGAIN);
	inject_frag(&e, 20, 24, e.len - 24, false);
	expect_datagram(t, &e);
	EXPECT_EQ(t, queues_now(), 2);
	EXPECT_TRUE(t, queues_flush());
	env_down(&e);
}

TEST_CASE(ipfrag_test_an_exact_duplicate_is_dropped_and_the_datagram_completes)
{
	unsigned long dup = drops(SKB_DROP_REASON_DUP_FRAG), fails = ip_mib.ReasmFails;
	struct frag_env e;

	env_up(t, &e);
	dgram_make(&e, 100);
	inject_frag(&e, 30, 0, 64, true);
	inject_frag(&e, 30, 0, 64, true);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_DUP_FRAG) - dup, 1);
	inject_frag(&e, 30, 64, e.len - 64, false);
	expect_datagram(t, &e);
	EXPECT_EQ(t, ip_mib.ReasmFails - fails, 0); /* RFC 5722 lets duplicates be */
	env_down(&e);
}

TEST_CASE(ipfrag_test_an_overlap_drops_the_whole_datagram)
{
	unsigned long ovl = drops(SKB_DROP_REASON_FRAG_OVERLAP), fails = ip_mib.ReasmFails;
	struct frag_env e;

	env_up(t, &e);
	dgram_make(&e, 100);
	/* Overlapping the one before, then the one after. */
	for (unsigned int way = 0; way < 2; way++) {
		u16 id = (u16)(40 + way);

		inject_frag(&e, id, 0, 48, true);
		inject_frag(&e, id, 64, e.len - 64, false);
		if (way == 0)
			inject_frag(&e, id, 40, 24, true); /* [40, 64) over [0, 48) */
		else
			inject_frag(&e, id, 48, 24, true); /* [48, 72) over [64, 108) */
		EXPECT_EQ(t, queues_now(), 0);
		EXPECT_EQ(t, received(&e), -EAGAIN);
	}
	/* Each time: the queue's two fragments and the one that overlapped. */
	EXPECT_EQ(t, drops(SKB_DROP_REASON_FRAG_OVERLAP) - ovl, 6);
	EXPECT_EQ(t, ip_mib.ReasmFails - fails, 2);
	env_down(&e);
}

TEST_CASE(ipfrag_test_fragments_that_contradict_the_length_are_dropped)
{
	unsigned long bad = drops(SKB_DROP_REASON_FRAG_BAD);
	struct frag_env e;

	env_up(t, &e);
	dgram_make(&e, 100);
	inject_frag(&e, 50, 64, e.len - 64, false); /* the end: 108 */
	inject_frag(&e, 50, 96, 8, false);	    /* another end, 104 */
	inject_frag(&e, 50, 104, 8, true);	    /* more, beyond the end */
	inject_frag(&e, 50, 16, 0, true);	    /* no bytes */
	inject_frag(&e, 50, 0, 7, true);	    /* MF with less than 8: nothing left */
	EXPECT_EQ(t, drops(SKB_DROP_REASON_FRAG_BAD) - bad, 4);
	/* The queue survives them and completes. */
	inject_frag(&e, 50, 0, 64, true);
	expect_datagram(t, &e);
	env_down(&e);
}

TEST_CASE(ipfrag_test_a_datagram_beyond_65535_bytes_is_dropped)
{
	unsigned long big = drops(SKB_DROP_REASON_FRAG_TOO_BIG);
	struct frag_env e;

	env_up(t, &e);
	dgram_make(&e, 100);
	inject_frag(&e, 60, 0, 64, true);
	/* 20 bytes at 65520: 65540 in all with the header (ping of death). */
	inject_frag(&e, 60, 65520, 20, false);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_FRAG_TOO_BIG) - big, 2); /* the queue's and its own */
	EXPECT_EQ(t, queues_now(), 0);
	env_down(&e);
}

TEST_CASE(ipfrag_test_an_incomplete_datagram_times_out)
{
	unsigned long tmo = ip_mib.ReasmTimeout, d = drops(SKB_DROP_REASON_FRAG_REASM_TIMEOUT);
	struct frag_env e;
	struct frame f;
	bool sent;

	env_up(t, &e);
	net_test_learn_peer(e.dev);
	dgram_make(&e, 100);
	ipfrag_time_ms = 20;
	sysctl_icmp_ratelimit = 0; /* what earlier cases sent the peer must not hold this back */
	inject_frag(&e, 70, 0, 64, true); /* the first: the peer hears of it */
	inject_frag(&e, 71, 64, 8, true); /* not the first: it does not */
	EXPECT_EQ(t, queues_now(), 2);
	EXPECT_TRUE(t, queues_drain(2000));
	EXPECT_EQ(t, ip_mib.ReasmTimeout - tmo, 2);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_FRAG_REASM_TIMEOUT) - d, 2);
	EXPECT_EQ(t, received(&e), -EAGAIN);
	/* RFC 792: time exceeded, code 1, quoting the first fragment's header. */
	sent = tnic_next_tx(e.dev, &f, 500);
	EXPECT_TRUE(t, sent);
	if (sent) {
		EXPECT_EQ(t, frame_iph(&f)->protocol, IPPROTO_ICMP);
		EXPECT_EQ(t, frame_iph(&f)->daddr, PEER_IP);
		EXPECT_EQ(t, ((struct icmphdr *)frame_l4(&f))->type, ICMP_TIME_EXCEEDED);
		EXPECT_EQ(t, ((struct icmphdr *)frame_l4(&f))->code, ICMP_EXC_FRAGTIME);
		EXPECT_EQ(t, ntohs(((struct iphdr *)((u8 *)frame_l4(&f) + 8))->id), 70);
		EXPECT_FALSE(t, tnic_next_tx(e.dev, &f, 50));
	}
	env_down(&e);
}

TEST_CASE(ipfrag_test_above_the_memory_limit_the_oldest_queues_go)
{
	unsigned long ev = drops(SKB_DROP_REASON_FRAG_EVICTED);
	unsigned int q;
	int bytes;
	struct frag_env e;

	env_up(t, &e);
	dgram_make(&e, 1000);
	inject_frag(&e, 80, 0, 512, true);
	ipfrag_usage(&q, &bytes);
	/* Room for about four such queues; then down to two. */
	ipfrag_high_thresh = bytes * 4;
	ipfrag_low_thresh = bytes * 2;
	for (u16 id = 81; id < 90; id++)
		inject_frag(&e, id, 0, 512, true);
	ipfrag_usage(&q, &bytes);
	EXPECT_LE(t, bytes, ipfrag_high_thresh + ipfrag_high_thresh / 4);
	EXPECT_GT(t, drops(SKB_DROP_REASON_FRAG_EVICTED) - ev, 0);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_FRAG_EVICTED) - ev + q, 10);
	/* The oldest went: 80 cannot complete, the newest can. */
	inject_frag(&e, 80, 512, e.len - 512, false);
	EXPECT_EQ(t, received(&e), -EAGAIN);
	inject_frag(&e, 89, 512, e.len - 512, false);
	expect_datagram(t, &e);
	EXPECT_TRUE(t, queues_flush());
	env_down(&e);
}

/* ---- output ------------------------------------------------------------------- */

TEST_CASE(ipfrag_test_a_datagram_over_the_mtu_is_sent_in_fragments)
{
	unsigned long oks = ip_mib.FragOKs, creates = ip_mib.FragCreates;
	static u8 data[3000];
	unsigned int off = 0;
	struct frag_env e;
	struct frame f;
	u16 id = 0;

	env_up(t, &e);
	net_test_learn_peer(e.dev);
	for (unsigned int i = 0; i < sizeof(data); i++)
		data[i] = (u8)(i ^ (i >> 3));
	EXPECT_EQ(t, udp_sendto(e.sock, data, sizeof(data), PEER_IP, 9), (int)sizeof(data));
	/* 3008 bytes of UDP: 1480 + 1480 + 48. */
	for (unsigned int k = 0; k < 3; k++) {
		const struct iphdr *iph;
		unsigned int n;

		ASSERT_TRUE(t, tnic_next_tx(e.dev, &f, 0));
		iph = frame_iph(&f);
		n = ntohs(iph->tot_len) - 20;
		EXPECT_EQ(t, ip_hdr_check(iph, f.len - ETH_HLEN), SKB_NOT_DROPPED_YET);
		EXPECT_LE(t, ntohs(iph->tot_len), 1500);
		EXPECT_EQ(t, n, k < 2 ? 1480u : 48u);
		EXPECT_EQ(t, (ntohs(iph->frag_off) & IP_OFFSET) << 3, off);
		EXPECT_EQ(t, !!(ntohs(iph->frag_off) & IP_MF), k < 2);
		if (k == 0)
			id = iph->id;
		EXPECT_EQ(t, iph->id, id);
		/* The data after the UDP header in the first, all of it after. */
		if (k == 0)
			EXPECT_EQ(t, memcmp((u8 *)frame_l4(&f) + 8, data, n - 8), 0);
		else
			EXPECT_EQ(t, memcmp(frame_l4(&f), data + off - 8, n), 0);
		off += n;
	}
	EXPECT_EQ(t, tnic_tx_count(e.dev), 0);
	EXPECT_EQ(t, ip_mib.FragOKs - oks, 1);
	EXPECT_EQ(t, ip_mib.FragCreates - creates, 3);
	env_down(&e);
}

/*
 * The longest datagram, 65507 bytes of UDP data, sent to the peer and its
 * fragments turned round (peer -> us) and injected last first: the socket
 * gets every byte.
 */
TEST_CASE(ipfrag_test_the_longest_datagram_goes_out_and_comes_back_whole)
{
	struct frame *frames = kmalloc(50 * sizeof(*frames), GFP_KERNEL);
	unsigned int n = 0;
	struct frag_env e;

	ASSERT_TRUE(t, frames != NULL);
	env_up(t, &e);
	net_test_learn_peer(e.dev);
	for (unsigned int i = 0; i < UDP_MAX_PAYLOAD; i++)
		e.dgram[i] = (u8)(i * 13 + (i >> 9));
	EXPECT_EQ(t, udp_sendto(e.sock, e.dgram, UDP_MAX_PAYLOAD, PEER_IP, TEST_PORT),
		  UDP_MAX_PAYLOAD);
	while (n < 50 && tnic_next_tx(e.dev, &frames[n], 0))
		n++;
	EXPECT_EQ(t, n, 45); /* 65515 bytes of IP payload, 1480 a fragment */
	for (unsigned int k = n; k-- > 0;) {
		struct frame *f = &frames[k];

		memcpy(frame_eth(f)->h_dest, our_mac, ETH_ALEN);
		memcpy(frame_eth(f)->h_source, peer_mac, ETH_ALEN);
		frame_iph(f)->saddr = PEER_IP;
		frame_iph(f)->daddr = OUR_IP;
		frame_ip_recsum(f); /* the UDP checksum covers both addresses: swapping keeps it */
		tnic_inject(e.dev, f->data, f->len);
	}
	EXPECT_EQ(t, received(&e), UDP_MAX_PAYLOAD);
	EXPECT_EQ(t, memcmp(e.got, e.dgram, UDP_MAX_PAYLOAD), 0);
	EXPECT_EQ(t, queues_now(), 0);
	env_down(&e);
	kfree(frames);
}

TEST_CASE(ipfrag_test_a_df_datagram_over_the_mtu_is_not_cut)
{
	unsigned long fails = ip_mib.FragFails, big = drops(SKB_DROP_REASON_IP_TOOBIG);
	unsigned long unreach = icmp_mib.InDestUnreachs;
	struct sk_buff *skb = alloc_skb(2000, GFP_KERNEL);
	struct frag_env e;
	struct iphdr *iph;

	ASSERT_TRUE(t, skb != NULL);
	env_up(t, &e);
	iph = skb_put(skb, 1600);
	memset(iph, 0, 1600);
	iph->version = 4;
	iph->ihl = 5;
	iph->tot_len = htons(1600);
	iph->frag_off = htons(IP_DF);
	iph->ttl = 64;
	iph->protocol = IPPROTO_UDP;
	iph->saddr = OUR_IP;
	iph->daddr = PEER_IP;
	iph->check = ip_fast_csum(iph, 5);
	skb_reset_network_header(skb);
	skb->dev = e.dev;
	EXPECT_EQ(t, ip_fragment(skb, e.dev, PEER_IP), -EMSGSIZE);
	EXPECT_EQ(t, ip_mib.FragFails - fails, 1);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_IP_TOOBIG) - big, 1);
	EXPECT_EQ(t, tnic_tx_count(e.dev), 0); /* nothing on the wire */
	/* The source, ourselves, hears "fragmentation needed" through lo. */
	EXPECT_EQ(t, icmp_mib.InDestUnreachs - unreach, 1);
	env_down(&e);
}

static const struct ktest_case ip_frag_cases[] = {
	KTEST(ipfrag_test_fragments_in_order_make_the_datagram),
	KTEST(ipfrag_test_fragments_in_any_order_make_the_datagram),
	KTEST(ipfrag_test_datagrams_with_different_ids_or_sources_do_not_mix),
	KTEST(ipfrag_test_an_exact_duplicate_is_dropped_and_the_datagram_completes),
	KTEST(ipfrag_test_an_overlap_drops_the_whole_datagram),
	KTEST(ipfrag_test_fragments_that_contradict_the_length_are_dropped),
	KTEST(ipfrag_test_a_datagram_beyond_65535_bytes_is_dropped),
	KTEST(ipfrag_test_an_incomplete_datagram_times_out),
	KTEST(ipfrag_test_above_the_memory_limit_the_oldest_queues_go),
	KTEST(ipfrag_test_a_datagram_over_the_mtu_is_sent_in_fragments),
	KTEST(ipfrag_test_the_longest_datagram_goes_out_and_comes_back_whole),
	KTEST(ipfrag_test_a_df_datagram_over_the_mtu_is_not_cut),
	{}
};
TEST_SUITE(ip_frag, ip_frag_cases);
