/*
 * SPDX-License-Identifier: MIT
 * tests/net/test_net_ip.c - IPv4 receive checks (each bad header dropped and
 * counted under its reason), delivery details (padding, options,
 * broadcast, TTL), routing (on-link vs gateway), and ICMP echo both ways.
 * Fragments: tests/net/test_ip_frag.c.
 * Frames are injected on the test NIC; a socket bound to TEST_PORT is
 * the receiver for the "delivered" cases.
 */
#include <errno.h>
#include <kernel/ktest.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <net/checksum.h>
#include <net/socket.h>
#include <string.h>

#include "net_test.h"

#define TEST_PORT 4000

/* The test NIC and a socket on TEST_PORT, for one case. */
struct ip_env {
	struct net_device *dev;
	struct socket *sock;
};

static void env_up(struct ktest *t, struct ip_env *e)
{
	e->dev = net_test_nic(t);
	if (sock_create_udp(&e->sock) || udp_bind(e->sock, TEST_PORT)) {
		sock_release(e->sock);
		net_test_nic_destroy(e->dev);
		ASSERT_TRUE(t, false);
	}
}

static void env_down(struct ip_env *e)
{
	sock_release(e->sock);
	net_test_nic_destroy(e->dev);
}

/* What the socket got, without waiting: bytes, or -EAGAIN. */
static int received(struct ip_env *e, void *buf, size_t len)
{
	return udp_recvfrom(e->sock, buf, len, NULL, NULL, MSG_DONTWAIT);
}

static void good_udp(struct frame *f)
{
	frame_udp(f, PEER_IP, OUR_IP, 5555, TEST_PORT, "data", 4);
}

/* Inject @f; expect one more drop for @reason, nothing delivered, nothing sent. */
static void expect_ip_drop(struct ktest *t, struct ip_env *e, struct frame *f,
			   enum skb_drop_reason reason)
{
	unsigned long d = drops(reason);
	char buf[8];

	tnic_inject(e->dev, f->data, f->len);
	EXPECT_EQ(t, drops(reason) - d, 1);
	EXPECT_EQ(t, received(e, buf, sizeof(buf)), -EAGAIN);
	EXPECT_EQ(t, tnic_tx_count(e->dev), 0);
}

TEST_CASE(ip_test_good_datagram_is_delivered)
{
	unsigned long delivers = ip_mib.InDelivers;
	struct ip_env e;
	struct frame f;
	char buf[8];

	env_up(t, &e);
	good_udp(&f);
	tnic_inject(e.dev, f.data, f.len);
	EXPECT_EQ(t, received(&e, buf, sizeof(buf)), 4);
	EXPECT_EQ(t, memcmp(buf, "data", 4), 0);
	EXPECT_EQ(t, ip_mib.InDelivers - delivers, 1);
	env_down(&e);
}

TEST_CASE(ip_test_ethernet_padding_is_trimmed)
{
	struct ip_env e;
	struct frame f;
	char buf[64];

	env_up(t, &e);
	frame_udp(&f, PEER_IP, OUR_IP, 5555, TEST_PORT, "z", 1);
	f.len = ETH_ZLEN; /* 43 bytes of frame, padded with zeroes to 60 */
	tnic_inject(e.dev, f.data, f.len);
	EXPECT_EQ(t, received(&e, buf, sizeof(buf)), 1);
	env_down(&e);
}

TEST_CASE(ip_test_options_are_skipped)
{
	struct ip_env e;
	struct frame f;
	char buf[8];
	u8 *p;

	env_up(t, &e);
	good_udp(&f);
	/* Move the UDP datagram 4 bytes on and put NOP, NOP, NOP, EOL in front. */
	p = f.data + ETH_HLEN + 20;
	memmove(p + 4, p, f.len - ETH_HLEN - 20);
	memcpy(p, "\x01\x01\x01\x00", 4);
	frame_iph(&f)->ihl = 6;
	frame_iph(&f)->tot_len = htons(ntohs(frame_iph(&f)->tot_len) + 4);
	frame_ip_recsum(&f);
	f.len += 4;
	tnic_inject(e.dev, f.data, f.len);
	EXPECT_EQ(t, received(&e, buf, sizeof(buf)), 4);
	env_down(&e);
}

TEST_CASE(ip_test_truncated_datagrams_are_dropped)
{
	unsigned long trunc = ip_mib.InTruncatedPkts;
	struct ip_env e;
	struct frame f;

	env_up(t, &e);
	good_udp(&f);
	f.len = ETH_HLEN + 10; /* half a header */
	expect_ip_drop(t, &e, &f, SKB_DROP_REASON_IP_TRUNCATED);
	good_udp(&f);
	frame_iph(&f)->ihl = 15; /* 60-byte header in a 32-byte packet */
	frame_ip_recsum(&f);
	expect_ip_drop(t, &e, &f, SKB_DROP_REASON_IP_TRUNCATED);
	good_udp(&f);
	f.len -= 1; /* total length says one more byte */
	expect_ip_drop(t, &e, &f, SKB_DROP_REASON_IP_TRUNCATED);
	EXPECT_EQ(t, ip_mib.InTruncatedPkts - trunc, 3);
	env_down(&e);
}

TEST_CASE(ip_test_bad_version_is_dropped)
{
	struct ip_env e;
	struct frame f;

	env_up(t, &e);
	good_udp(&f);
	frame_iph(&f)->version = 6;
	frame_ip_recsum(&f);
	expect_ip_drop(t, &e, &f, SKB_DROP_REASON_IP_INHDR);
	env_down(&e);
}

TEST_CASE(ip_test_header_length_below_five_is_dropped)
{
	struct ip_env e;
	struct frame f;

	env_up(t, &e);
	good_udp(&f);
	frame_iph(&f)->ihl = 4;
	expect_ip_drop(t, &e, &f, SKB_DROP_REASON_IP_INHDR);
	env_down(&e);
}

TEST_CASE(ip_test_total_length_below_header_is_dropped)
{
	unsigned long hdr = ip_mib.InHdrErrors;
	struct ip_env e;
	struct frame f;

	env_up(t, &e);
	good_udp(&f);
	frame_iph(&f)->tot_len = htons(19);
	frame_ip_recsum(&f);
	expect_ip_drop(t, &e, &f, SKB_DROP_REASON_IP_INHDR);
	EXPECT_EQ(t, ip_mib.InHdrErrors - hdr, 1);
	env_down(&e);
}

TEST_CASE(ip_test_bad_header_checksum_is_dropped)
{
	struct ip_env e;
	struct frame f;

	env_up(t, &e);
	good_udp(&f);
	frame_iph(&f)->check ^= htons(1);
	expect_ip_drop(t, &e, &f, SKB_DROP_REASON_IP_CSUM);
	env_down(&e);
}

TEST_CASE(ip_test_martian_sources_are_dropped)
{
	static const u32 martians[] = { 0xe0000005U, 0xffffffffU, 0x00000000U, 0x7f000001U,
					0xf0000001U };
	struct ip_env e;
	struct frame f;

	env_up(t, &e);
	for (size_t i = 0; i < ARRAY_SIZE(martians); i++) {
		frame_udp(&f, htonl(martians[i]), OUR_IP, 5555, TEST_PORT, "data", 4);
		expect_ip_drop(t, &e, &f, SKB_DROP_REASON_IP_MARTIAN_SRC);
	}
	env_down(&e);
}

TEST_CASE(ip_test_datagrams_for_other_hosts_are_dropped)
{
	unsigned long addr = ip_mib.InAddrErrors;
	struct ip_env e;
	struct frame f;

	env_up(t, &e);
	frame_udp(&f, PEER_IP, OTHER_IP, 5555, TEST_PORT, "data", 4);
	expect_ip_drop(t, &e, &f, SKB_DROP_REASON_IP_NOT_OURS); /* no forwarding */
	frame_udp(&f, PEER_IP, INADDR_LOOPBACK, 5555, TEST_PORT, "data", 4);
	expect_ip_drop(t, &e, &f, SKB_DROP_REASON_IP_NOT_OURS); /* 127/8 from a wire */
	EXPECT_EQ(t, ip_mib.InAddrErrors - addr, 2);
	env_down(&e);
}

TEST_CASE(ip_test_unknown_protocols_are_dropped)
{
	unsigned long unk = ip_mib.InUnknownProtos, d = drops(SKB_DROP_REASON_IP_NOPROTO);
	struct ip_env e;
	struct frame f;
	char buf[8];

	env_up(t, &e);
	frame_ipv4(&f, PEER_IP, OUR_IP, 253, 20); /* RFC 3692's experimental protocol */
	tnic_inject(e.dev, f.data, f.len);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_IP_NOPROTO) - d, 1);
	EXPECT_EQ(t, received(&e, buf, sizeof(buf)), -EAGAIN);
	EXPECT_EQ(t, ip_mib.InUnknownProtos - unk, 1);
	/* And answered: net_icmp.icmp_test_unknown_protocol_brings_protocol_unreachable. */
	env_down(&e);
}

TEST_CASE(ip_test_broadcasts_and_low_ttl_are_delivered)
{
	static const __be32 dsts[] = { INADDR_BROADCAST, SUBNET_BCAST };
	struct ip_env e;
	struct frame f;
	char buf[8];

	env_up(t, &e);
	for (size_t i = 0; i < ARRAY_SIZE(dsts); i++) {
		frame_udp(&f, PEER_IP, dsts[i], 5555, TEST_PORT, "data", 4);
		memcpy(frame_eth(&f)->h_dest, bcast_mac, ETH_ALEN);
		tnic_inject(e.dev, f.data, f.len);
		EXPECT_EQ(t, received(&e, buf, sizeof(buf)), 4);
	}
	/* RFC 1122 3.2.1.7: a host must not discard a datagram for its low TTL. */
	good_udp(&f);
	frame_iph(&f)->ttl = 0;
	frame_ip_recsum(&f);
	tnic_inject(e.dev, f.data, f.len);
	EXPECT_EQ(t, received(&e, buf, sizeof(buf)), 4);
	env_down(&e);
}

/* The ARP request the stack sends for a datagram to @daddr: for whom? 0 if none. */
static __be32 asks_for(struct ktest *t, struct ip_env *e, __be32 daddr)
{
	struct frame f;

	EXPECT_EQ(t, udp_sendto(e->sock, "x", 1, daddr, 9), 1);
	if (!tnic_next_tx(e->dev, &f, 0) || frame_eth(&f)->h_proto != htons(ETH_P_ARP))
		return 0;
	return ((const struct arp_eth_ipv4 *)(f.data + ETH_HLEN))->ar_tip;
}

TEST_CASE(ip_test_route_is_on_link_or_via_the_gateway)
{
	unsigned long noroute = ip_mib.OutNoRoutes;
	__be32 saved = inet_gateway;
	struct ip_env e;

	env_up(t, &e);
	inet_gateway_set(TEST_GW);
	EXPECT_EQ(t, asks_for(t, &e, PEER_IP), PEER_IP); /* on our /24: itself */
	EXPECT_EQ(t, asks_for(t, &e, FAR_IP), TEST_GW);	 /* elsewhere: the gateway */
	inet_gateway_set(0);
	EXPECT_EQ(t, udp_sendto(e.sock, "x", 1, FAR_IP, 9), -ENETUNREACH);
	EXPECT_EQ(t, ip_mib.OutNoRoutes - noroute, 0); /* refused before building */
	inet_gateway_set(saved);
	env_down(&e);
}

/* ip_route_output to @daddr on CPU @arg's thread: what the cached route says there. */
struct route_probe {
	__be32 daddr;
	int err;
	struct ip_route rt;
};

static int route_probe_fn(void *arg)
{
	struct route_probe *p = arg;

	p->err = ip_route_output(p->daddr, &p->rt);
	return 0;
}

/* The route to @daddr as CPU @cpu finds it (its own cache): the error; @rt filled. */
static int route_on(unsigned int cpu, __be32 daddr, struct ip_route *rt)
{
	struct route_probe p = { .daddr = daddr };

	if (ktest_thread_finish(ktest_thread_start_on(route_probe_fn, &p, "route", cpu), 5000))
		return -ETIMEDOUT;
	*rt = p.rt;
	return p.err;
}

/*
 * Each CPU keeps its last output route (3.10's per-CPU nh_pcpu_rth_output)
 * until rt_cache_flush: a route looked up twice comes from the cache, and
 * every change a lookup reads - the gateway, an address, the device down and
 * up again - is seen at the next lookup, on this CPU and on every other.
 */
TEST_CASE(ip_test_cached_routes_follow_gateway_address_and_device_changes)
{
	__be32 saved = inet_gateway, other_gw = OTHER_IP;
	unsigned int cpu, last = 0;
	struct ip_route rt;
	struct ip_env e;

	env_up(t, &e);
	for_each_online_cpu(cpu)
		last = cpu; /* the other CPU, on -smp 2 and more */
	inet_gateway_set(TEST_GW);
	for (int i = 0; i < 2; i++) { /* a lookup, then the cached route */
		EXPECT_EQ(t, route_on(last, FAR_IP, &rt), 0);
		EXPECT_EQ(t, rt.nexthop, TEST_GW);
		EXPECT_EQ(t, ip_route_output(FAR_IP, &rt), 0);
		EXPECT_EQ(t, rt.nexthop, TEST_GW);
		EXPECT_TRUE(t, rt.dev == e.dev);
		EXPECT_EQ(t, rt.saddr, OUR_IP);
	}
	inet_gateway_set(other_gw);
	EXPECT_EQ(t, ip_route_output(FAR_IP, &rt), 0);
	EXPECT_EQ(t, rt.nexthop, other_gw);
	EXPECT_EQ(t, route_on(last, FAR_IP, &rt), 0);
	EXPECT_EQ(t, rt.nexthop, other_gw);
	inet_gateway_set(0);
	EXPECT_EQ(t, ip_route_output(FAR_IP, &rt), -ENETUNREACH);
	EXPECT_EQ(t, route_on(last, FAR_IP, &rt), -ENETUNREACH);
	inet_gateway_set(TEST_GW);

	/* A new address: the source of the cached route changes with it. */
	EXPECT_EQ(t, ip_route_output(PEER_IP, &rt), 0);
	EXPECT_EQ(t, route_on(last, PEER_IP, &rt), 0);
	EXPECT_EQ(t, inet_addr_set(e.dev, OTHER_IP, 24), 0);
	EXPECT_EQ(t, ip_route_output(PEER_IP, &rt), 0);
	EXPECT_EQ(t, rt.saddr, OTHER_IP);
	EXPECT_EQ(t, route_on(last, PEER_IP, &rt), 0);
	EXPECT_EQ(t, rt.saddr, OTHER_IP);
	EXPECT_EQ(t, inet_addr_set(e.dev, OUR_IP, 24), 0);

	/* The device down: no route through it; up: back. */
	EXPECT_EQ(t, ip_route_output(PEER_IP, &rt), 0);
	dev_close(e.dev);
	EXPECT_EQ(t, ip_route_output(PEER_IP, &rt), -ENETUNREACH);
	EXPECT_EQ(t, route_on(last, PEER_IP, &rt), -ENETUNREACH);
	EXPECT_EQ(t, dev_open(e.dev), 0);
	EXPECT_EQ(t, ip_route_output(PEER_IP, &rt), 0);
	EXPECT_TRUE(t, rt.dev == e.dev);
	EXPECT_EQ(t, rt.saddr, OUR_IP);
	inet_gateway_set(saved);
	env_down(&e);
}

TEST_CASE(ip_test_sent_headers_are_valid)
{
	struct ip_env e;
	struct frame f;

	env_up(t, &e);
	net_test_learn_peer(e.dev);
	EXPECT_EQ(t, udp_sendto(e.sock, "hello", 5, PEER_IP, 9), 5);
	ASSERT_TRUE(t, tnic_next_tx(e.dev, &f, 0));
	EXPECT_EQ(t, ip_hdr_check(frame_iph(&f), f.len - ETH_HLEN), SKB_NOT_DROPPED_YET);
	EXPECT_EQ(t, frame_iph(&f)->ttl, IPDEFTTL);
	EXPECT_EQ(t, frame_iph(&f)->saddr, OUR_IP);
	EXPECT_EQ(t, frame_iph(&f)->daddr, PEER_IP);
	EXPECT_EQ(t, ntohs(frame_iph(&f)->tot_len), 20 + 8 + 5);
	EXPECT_EQ(t, udp_hdr_check(frame_l4(&f), 8 + 5, OUR_IP, PEER_IP), SKB_NOT_DROPPED_YET);
	EXPECT_NE(t, ((struct udphdr *)frame_l4(&f))->check, 0);
	env_down(&e);
}

/* ---- ICMP ---------------------------------------------------------------------- */

TEST_CASE(icmp_test_echo_request_gets_a_correct_reply)
{
	struct net_device *dev = net_test_nic(t);
	struct icmphdr *icmph;
	unsigned int icmp_len;
	struct frame f;

	net_test_learn_peer(dev);
	frame_icmp_echo(&f, PEER_IP, OUR_IP, ICMP_ECHO, 0x4242, 7, "ping data!", 10);
	tnic_inject(dev, f.data, f.len);
	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 0));
	EXPECT_TRUE(t, ether_addr_equal(frame_eth(&f)->h_dest, peer_mac));
	EXPECT_EQ(t, ip_hdr_check(frame_iph(&f), f.len - ETH_HLEN), SKB_NOT_DROPPED_YET);
	EXPECT_EQ(t, frame_iph(&f)->saddr, OUR_IP);
	EXPECT_EQ(t, frame_iph(&f)->daddr, PEER_IP);
	EXPECT_EQ(t, frame_iph(&f)->protocol, IPPROTO_ICMP);
	icmph = frame_l4(&f);
	icmp_len = ntohs(frame_iph(&f)->tot_len) - 20;
	EXPECT_EQ(t, icmp_len, sizeof(*icmph) + 10);
	EXPECT_EQ(t, icmph->type, ICMP_ECHOREPLY);
	EXPECT_EQ(t, icmph->code, 0);
	EXPECT_EQ(t, ntohs(icmph->un.echo.id), 0x4242);
	EXPECT_EQ(t, ntohs(icmph->un.echo.sequence), 7);
	EXPECT_EQ(t, memcmp(icmph + 1, "ping data!", 10), 0);
	EXPECT_EQ(t, ip_compute_csum(icmph, (int)icmp_len), 0); /* checksum verifies */
	net_test_nic_destroy(dev);
}

TEST_CASE(icmp_test_echo_to_a_broadcast_address_is_ignored)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long d = drops(SKB_DROP_REASON_ICMP_BROADCAST);
	struct frame f;

	frame_icmp_echo(&f, PEER_IP, SUBNET_BCAST, ICMP_ECHO, 1, 1, "x", 1);
	memcpy(frame_eth(&f)->h_dest, bcast_mac, ETH_ALEN);
	tnic_inject(dev, f.data, f.len);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_ICMP_BROADCAST) - d, 1);
	EXPECT_EQ(t, tnic_tx_count(dev), 0);
	net_test_nic_destroy(dev);
}

TEST_CASE(icmp_test_bad_checksum_and_truncated_messages_are_counted)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long csum = drops(SKB_DROP_REASON_ICMP_CSUM);
	unsigned long trunc = drops(SKB_DROP_REASON_ICMP_TRUNCATED);
	unsigned long errors = icmp_mib.InErrors;
	struct frame f;

	frame_icmp_echo(&f, PEER_IP, OUR_IP, ICMP_ECHO, 1, 1, "abcd", 4);
	((u8 *)frame_l4(&f))[9] ^= 0xff;
	tnic_inject(dev, f.data, f.len);
	frame_ipv4(&f, PEER_IP, OUR_IP, IPPROTO_ICMP, 4); /* half a header */
	tnic_inject(dev, f.data, f.len);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_ICMP_CSUM) - csum, 1);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_ICMP_TRUNCATED) - trunc, 1);
	EXPECT_EQ(t, icmp_mib.InErrors - errors, 2);
	EXPECT_EQ(t, tnic_tx_count(dev), 0);
	net_test_nic_destroy(dev);
}

TEST_CASE(icmp_test_ping_loopback_and_our_own_address)
{
	struct net_device *dev = net_test_nic(t);
	u64 rtt = 0;

	EXPECT_EQ(t, icmp_ping(INADDR_LOOPBACK, 0x7e59, 1, 56, 1000, &rtt), 0);
	EXPECT_GT(t, rtt, 0);
	/* Our own address goes through lo, never out of the NIC. */
	EXPECT_EQ(t, icmp_ping(OUR_IP, 0x7e59, 2, 1400, 1000, NULL), 0);
	EXPECT_EQ(t, tnic_tx_count(dev), 0);
	net_test_nic_destroy(dev);
}

struct pinger {
	int result;
};

static int pinger_fn(void *arg)
{
	struct pinger *p = arg;

	p->result = icmp_ping(PEER_IP, 0x7e5a, 3, 16, 5000, NULL);
	return 0;
}

TEST_CASE(icmp_test_ping_over_the_nic_gets_its_reply)
{
	struct net_device *dev = net_test_nic(t);
	struct pinger p = { .result = 1 };
	struct task_struct *k;
	struct icmphdr *icmph;
	struct frame f;

	net_test_learn_peer(dev);
	k = ktest_thread_start(pinger_fn, &p, "pinger");
	ASSERT_NOT_NULL(t, k);
	/* Play the peer: turn the request around. */
	if (tnic_next_tx(dev, &f, 5000)) {
		struct iphdr *iph = frame_iph(&f);
		__be32 src = iph->saddr;

		icmph = frame_l4(&f);
		EXPECT_EQ(t, icmph->type, ICMP_ECHO);
		memcpy(frame_eth(&f)->h_dest, our_mac, ETH_ALEN);
		memcpy(frame_eth(&f)->h_source, peer_mac, ETH_ALEN);
		iph->saddr = iph->daddr;
		iph->daddr = src;
		frame_ip_recsum(&f);
		icmph->type = ICMP_ECHOREPLY;
		icmph->checksum = 0;
		icmph->checksum = ip_compute_csum(icmph, ntohs(iph->tot_len) - 20);
		tnic_inject(dev, f.data, f.len);
	}
	EXPECT_EQ(t, ktest_thread_finish(k, 5000), 0);
	EXPECT_EQ(t, p.result, 0);
	net_test_nic_destroy(dev);
}

TEST_CASE(icmp_test_ping_without_a_reply_times_out)
{
	struct net_device *dev = net_test_nic(t);

	net_test_learn_peer(dev);
	EXPECT_EQ(t, icmp_ping(PEER_IP, 0x7e5b, 1, 8, 20, NULL), -ETIMEDOUT);
	EXPECT_EQ(t, tnic_tx_count(dev), 1); /* the request went out */
	net_test_nic_destroy(dev);
}

static const struct ktest_case net_ip_cases[] = {
	KTEST(ip_test_good_datagram_is_delivered),
	KTEST(ip_test_ethernet_padding_is_trimmed),
	KTEST(ip_test_options_are_skipped),
	KTEST(ip_test_truncated_datagrams_are_dropped),
	KTEST(ip_test_bad_version_is_dropped),
	KTEST(ip_test_header_length_below_five_is_dropped),
	KTEST(ip_test_total_length_below_header_is_dropped),
	KTEST(ip_test_bad_header_checksum_is_dropped),
	KTEST(ip_test_martian_sources_are_dropped),
	KTEST(ip_test_datagrams_for_other_hosts_are_dropped),
	KTEST(ip_test_unknown_protocols_are_dropped),
	KTEST(ip_test_broadcasts_and_low_ttl_are_delivered),
	KTEST(ip_test_route_is_on_link_or_via_the_gateway),
	KTEST(ip_test_cached_routes_follow_gateway_address_and_device_changes),
	KTEST(ip_test_sent_headers_are_valid),
	KTEST(icmp_test_echo_request_gets_a_correct_reply),
	KTEST(icmp_test_echo_to_a_broadcast_address_is_ignored),
	KTEST(icmp_test_bad_checksum_and_truncated_messages_are_counted),
	KTEST(icmp_test_ping_loopback_and_our_own_address),
	KTEST(icmp_test_ping_over_the_nic_gets_its_reply),
	KTEST(icmp_test_ping_without_a_reply_times_out),
	{}
};
TEST_SUITE(net_ip, net_ip_cases);
