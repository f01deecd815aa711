/*
 * SPDX-License-Identifier: MIT
 * tests/net/test_net_icmp.c - ICMP errors (net/icmp.c): the ones we send (port
 * and protocol unreachable, what icmp_send refuses, the 576-byte cap, the
 * rate limit) and the ones we receive (checked, then handed to udp_err).
 *
 * What goes out is captured on the test NIC, byte for byte; the whole loop
 * (a datagram to a closed port, the error back, the sending socket told) runs
 * over lo.  Cases that are not about the rate limit turn it off
 * (sysctl_icmp_ratelimit 0) and put it back; the rate limit's own cases use
 * addresses of their own, whose buckets no other case has touched.
 */
#include <errno.h>
#include <kernel/ktest.h>
#include <kernel/time.h>
#include <mm/fault_inject.h>
#include <net/checksum.h>
#include <net/sock.h>
#include <net/socket.h>
#include <string.h>

#include "net_test.h"

#define CLOSED_PORT 4998			  /* nobody binds it */
#define ICMP_PORT   4003			  /* the sockets of this file */
#define PROTO_NONE  253				  /* RFC 3692's experimental: no handler */
#define RATE_IP	    __constant_htonl(0xc0a84d42U) /* 192.168.77.66: the rate limit's case */
#define FRAG_IP	    __constant_htonl(0xc0a84d43U) /* 192.168.77.67: FRAG_NEEDED's */

/* The rate limit off for a case (the buckets of PEER_IP are shared by every suite). */
static long ratelimit_off(void)
{
	long old = READ_ONCE(sysctl_icmp_ratelimit);

	WRITE_ONCE(sysctl_icmp_ratelimit, 0);
	return old;
}

static void ratelimit_set(long ms)
{
	WRITE_ONCE(sysctl_icmp_ratelimit, ms);
}

/* The test NIC, the peer's MAC known (so what we send is the frame itself, not an ARP request). */
static struct net_device *icmp_nic(struct ktest *t)
{
	struct net_device *dev = net_test_nic(t);

	net_test_learn_peer(dev);
	return dev;
}

/* Make the stack know @ip at the peer's MAC, and forget our ARP reply. */
static void learn(struct net_device *dev, __be32 ip)
{
	struct frame f;

	frame_arp(&f, ARPOP_REQUEST, peer_mac, ip, OUR_IP);
	tnic_inject(dev, f.data, f.len);
	tnic_tx_purge(dev);
}

/* The IP datagram of @f as a received skb would hold it: network header set, data at it. */
static struct sk_buff *datagram_skb(struct net_device *dev, const struct frame *f)
{
	struct sk_buff *skb = alloc_skb(f->len - ETH_HLEN, GFP_KERNEL);

	if (!skb)
		return NULL;
	skb_put_data(skb, f->data + ETH_HLEN, f->len - ETH_HLEN);
	skb_reset_network_header(skb);
	skb->dev = dev;
	skb->pkt_type = PACKET_HOST;
	return skb;
}

/* icmp_send about the datagram of @f as if it arrived on @dev: how many frames went out. */
static unsigned int send_about(struct ktest *t, struct net_device *dev, struct frame *f, int type,
			       int code, __be32 info)
{
	struct sk_buff *skb = datagram_skb(dev, f);
	unsigned int sent;

	ASSERT_NOT_NULL(t, skb);
	icmp_send(skb, type, code, info);
	consume_skb(skb); /* icmp_send does not consume it */
	sent = tnic_tx_count(dev);
	tnic_tx_purge(dev);
	return sent;
}

/*
 * Check that @f (captured) is an ICMP error @type/@code from @saddr to
 * PEER_IP, valid, quoting the first @qlen bytes of @orig's datagram.
 */
static void expect_error(struct ktest *t, struct frame *f, __be32 saddr, u8 type, u8 code,
			 const struct frame *orig, unsigned int qlen)
{
	const struct iphdr *iph = frame_iph(f);
	const struct icmphdr *icmph = frame_l4(f);
	unsigned int icmp_len = ntohs(iph->tot_len) - iph->ihl * 4u;

	EXPECT_EQ(t, ip_hdr_check(iph, f->len - ETH_HLEN), SKB_NOT_DROPPED_YET);
	EXPECT_TRUE(t, ether_addr_equal(frame_eth(f)->h_dest, peer_mac));
	EXPECT_EQ(t, iph->saddr, saddr);
	EXPECT_EQ(t, iph->daddr, PEER_IP);
	EXPECT_EQ(t, iph->protocol, IPPROTO_ICMP);
	EXPECT_EQ(t, icmph->type, type);
	EXPECT_EQ(t, icmph->code, code);
	EXPECT_EQ(t, ip_compute_csum(icmph, (int)icmp_len), 0);
	EXPECT_EQ(t, icmp_len, sizeof(*icmph) + qlen);
	if (icmp_len == sizeof(*icmph) + qlen)
		EXPECT_EQ(t, memcmp(icmph + 1, orig->data + ETH_HLEN, qlen), 0);
}

/* ---- sending ------------------------------------------------------------------- */

/*
 * The whole loop over lo: a datagram to a closed port of 127.0.0.1 comes back
 * as one port unreachable (from 127.0.0.1, quoting it), which reaches the
 * socket that sent it: its sk_err_soft says ECONNREFUSED.
 */
TEST_CASE(icmp_test_closed_port_over_loopback_brings_one_port_unreachable_to_the_sender)
{
	unsigned long out = icmp_mib.OutDestUnreachs, in = icmp_mib.InDestUnreachs;
	unsigned long inerr = icmp_mib.InErrors, noports = udp_mib.NoPorts;
	struct socket *sock;
	char buf[4];

	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	EXPECT_EQ(t, udp_bind(sock, ICMP_PORT), 0);
	sock_set_rcvtimeo(sock, 2000);
	EXPECT_EQ(t, udp_sendto(sock, "anyone?", 7, INADDR_LOOPBACK, CLOSED_PORT), 7);
	/* The softirq that received it most likely ran before udp_sendto returned. */
	for (int i = 0; i < 500 && !READ_ONCE(sock->sk->sk_err_soft); i++)
		msleep(2);
	EXPECT_EQ(t, READ_ONCE(sock->sk->sk_err_soft), ECONNREFUSED);
	EXPECT_EQ(t, udp_mib.NoPorts - noports, 1);
	EXPECT_EQ(t, icmp_mib.OutDestUnreachs - out, 1);
	EXPECT_EQ(t, icmp_mib.InDestUnreachs - in, 1);
	EXPECT_EQ(t, icmp_mib.InErrors - inerr, 0);
	/* The socket still works: the error is kept, not returned by the next read. */
	EXPECT_EQ(t, udp_sendto(sock, "me", 2, INADDR_LOOPBACK, ICMP_PORT), 2);
	EXPECT_EQ(t, udp_recvfrom(sock, buf, sizeof(buf), NULL, NULL, 0), 2);
	sock_release(sock);
}

/* From a peer: the error is sent from the address it wrote to, and quotes the whole datagram. */
TEST_CASE(icmp_test_port_unreachable_quotes_the_datagram_exactly)
{
	struct net_device *dev = icmp_nic(t);
	long old = ratelimit_off();
	struct frame f, e;
	bool sent;

	frame_udp(&f, PEER_IP, OUR_IP, 5555, CLOSED_PORT, "data for nobody", 15);
	tnic_inject(dev, f.data, f.len);
	sent = tnic_next_tx(dev, &e, 0);
	ratelimit_set(old);
	ASSERT_TRUE(t, sent);
	expect_error(t, &e, OUR_IP, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, &f, 20 + 8 + 15);
	EXPECT_EQ(t, tnic_tx_count(dev), 0); /* exactly one */
	net_test_nic_destroy(dev);
}

/* RFC 1812 4.3.2.3: a big datagram is quoted only as far as keeps the error at 576 bytes. */
TEST_CASE(icmp_test_error_about_a_big_datagram_is_cut_to_576_bytes)
{
	static u8 payload[1400];
	struct net_device *dev = icmp_nic(t);
	long old = ratelimit_off();
	struct frame f, e;
	bool sent;

	for (unsigned int i = 0; i < sizeof(payload); i++)
		payload[i] = (u8)(i * 7);
	frame_udp(&f, PEER_IP, OUR_IP, 5555, CLOSED_PORT, payload, sizeof(payload));
	tnic_inject(dev, f.data, f.len);
	sent = tnic_next_tx(dev, &e, 0);
	ratelimit_set(old);
	ASSERT_TRUE(t, sent);
	EXPECT_EQ(t, ntohs(frame_iph(&e)->tot_len), 576);
	expect_error(t, &e, OUR_IP, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, &f, 576 - 20 - 8);
	net_test_nic_destroy(dev);
}

/* RFC 1122 3.2.2.1: a protocol nobody speaks is answered with protocol unreachable. */
TEST_CASE(icmp_test_unknown_protocol_brings_protocol_unreachable)
{
	struct net_device *dev = icmp_nic(t);
	unsigned long unk = ip_mib.InUnknownProtos;
	long old = ratelimit_off();
	struct frame f, e;
	bool sent;

	frame_ipv4(&f, PEER_IP, OUR_IP, PROTO_NONE, 12);
	tnic_inject(dev, f.data, f.len);
	sent = tnic_next_tx(dev, &e, 0);
	ratelimit_set(old);
	ASSERT_TRUE(t, sent);
	expect_error(t, &e, OUR_IP, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, &f, 20 + 12);
	EXPECT_EQ(t, ip_mib.InUnknownProtos - unk, 1);
	net_test_nic_destroy(dev);
}

/* RFC 1122 3.2.2: never about a datagram to a broadcast address, of the link or of IP. */
TEST_CASE(icmp_test_no_error_about_a_broadcast_datagram)
{
	static const __be32 dsts[] = { INADDR_BROADCAST, SUBNET_BCAST, OUR_IP };
	struct net_device *dev = icmp_nic(t);
	unsigned long out = icmp_mib.OutDestUnreachs, noports = udp_mib.NoPorts;
	long old = ratelimit_off();
	struct frame f;

	for (unsigned int i = 0; i < ARRAY_SIZE(dsts); i++) {
		/* IP broadcast to our MAC; IP broadcast to the link's; unicast IP to the link's. */
		frame_udp(&f, PEER_IP, dsts[i], 5555, CLOSED_PORT, "all", 3);
		tnic_inject(dev, f.data, f.len);
		memcpy(frame_eth(&f)->h_dest, bcast_mac, ETH_ALEN);
		tnic_inject(dev, f.data, f.len);
	}
	EXPECT_EQ(t, udp_mib.NoPorts - noports, 6); /* each reached UDP ... */
	EXPECT_EQ(t, tnic_tx_count(dev), 1);	    /* ... the unicast one alone is answered */
	EXPECT_EQ(t, icmp_mib.OutDestUnreachs - out, 1);
	ratelimit_set(old);
	net_test_nic_destroy(dev);
}

/* Never an error about an error (RFC 1122 3.2.2); about a query, yes. */
TEST_CASE(icmp_test_no_error_about_an_icmp_error)
{
	struct net_device *dev = icmp_nic(t);
	long old = ratelimit_off();
	struct icmphdr *icmph;
	struct frame f;

	frame_icmp_echo(&f, PEER_IP, OUR_IP, ICMP_ECHO, 1, 1, "q", 1);
	EXPECT_EQ(t, send_about(t, dev, &f, ICMP_PARAMETERPROB, 0, 0), 1);
	icmph = frame_l4(&f);
	icmph->type = ICMP_DEST_UNREACH;
	EXPECT_EQ(t, send_about(t, dev, &f, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0), 0);
	icmph->type = ICMP_TIME_EXCEEDED;
	EXPECT_EQ(t, send_about(t, dev, &f, ICMP_PARAMETERPROB, 0, 0), 0);
	icmph->type = 200; /* unknown: might be an error */
	EXPECT_EQ(t, send_about(t, dev, &f, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0), 0);
	f.len = ETH_HLEN + 20; /* no ICMP header to tell by: nothing either */
	EXPECT_EQ(t, send_about(t, dev, &f, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0), 0);
	ratelimit_set(old);
	net_test_nic_destroy(dev);
}

/* Only about the first fragment: a later one says nothing new (RFC 1122 3.2.2). */
TEST_CASE(icmp_test_no_error_about_a_fragment_other_than_the_first)
{
	struct net_device *dev = icmp_nic(t);
	long old = ratelimit_off();
	struct frame f;

	frame_udp(&f, PEER_IP, OUR_IP, 5555, CLOSED_PORT, "frag", 4);
	frame_iph(&f)->frag_off = htons(IP_MF); /* the first of several */
	EXPECT_EQ(t, send_about(t, dev, &f, ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME, 0), 1);
	frame_iph(&f)->frag_off = htons(185); /* at 1480 bytes, the last */
	EXPECT_EQ(t, send_about(t, dev, &f, ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME, 0), 0);
	frame_iph(&f)->frag_off = htons(IP_MF | 1);
	EXPECT_EQ(t, send_about(t, dev, &f, ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME, 0), 0);
	ratelimit_set(old);
	net_test_nic_destroy(dev);
}

/* Nor to a source that is not one host: nobody, or everybody, would get it. */
TEST_CASE(icmp_test_no_error_to_a_source_that_is_not_one_host)
{
	static const __be32 srcs[] = {
		0,
		__constant_htonl(0x00000001U), /* 0.0.0.1: "this network" */
		INADDR_BROADCAST,
		SUBNET_BCAST,
		__constant_htonl(0xe0000001U), /* 224.0.0.1 */
		__constant_htonl(0xf0000001U), /* 240.0.0.1: class E */
		INADDR_LOOPBACK,	       /* arriving on the test NIC, not lo */
	};
	struct net_device *dev = icmp_nic(t);
	struct sk_buff *skb;
	long old = ratelimit_off();
	struct frame f;

	for (unsigned int i = 0; i < ARRAY_SIZE(srcs); i++) {
		frame_udp(&f, srcs[i], OUR_IP, 5555, CLOSED_PORT, "who", 3);
		EXPECT_EQ(t, send_about(t, dev, &f, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0), 0);
	}
	/* A link-layer multicast is no host either, whatever the IP header says. */
	frame_udp(&f, PEER_IP, OUR_IP, 5555, CLOSED_PORT, "who", 3);
	skb = datagram_skb(dev, &f);
	ASSERT_NOT_NULL(t, skb);
	skb->pkt_type = PACKET_MULTICAST;
	icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
	consume_skb(skb);
	EXPECT_EQ(t, tnic_tx_count(dev), 0);
	/* The same datagram from the peer to us is answered: the check is not "never". */
	EXPECT_EQ(t, send_about(t, dev, &f, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0), 1);
	ratelimit_set(old);
	net_test_nic_destroy(dev);
}

/*
 * The rate limit (3.10's inet_peer_xrlim_allow): a full bucket lets 6 errors
 * through back to back, then one per ratelimit.  Phases with a ratelimit of
 * 5 s make the counts independent of how long the case takes (the bucket
 * cannot gain 5 s of tokens meanwhile); a 10 ms one then lets it refill.
 */
TEST_CASE(icmp_test_rate_limit_lets_six_of_twenty_through_then_one_per_interval)
{
	struct net_device *dev = icmp_nic(t);
	unsigned long out = icmp_mib.OutDestUnreachs, held = icmp_mib.OutRateLimitHost;
	long old = READ_ONCE(sysctl_icmp_ratelimit);
	struct frame f;

	learn(dev, RATE_IP);
	frame_udp(&f, RATE_IP, OUR_IP, 5555, CLOSED_PORT, "flood", 5);
	ratelimit_set(5000);
	for (int i = 0; i < 20; i++)
		tnic_inject(dev, f.data, f.len);
	EXPECT_EQ(t, tnic_tx_count(dev), XRLIM_BURST_FACTOR);
	EXPECT_EQ(t, icmp_mib.OutDestUnreachs - out, XRLIM_BURST_FACTOR);
	EXPECT_EQ(t, icmp_mib.OutRateLimitHost - held, 20 - XRLIM_BURST_FACTOR);
	tnic_tx_purge(dev);

	ratelimit_set(10); /* a token every 10 ms: wait for one */
	msleep(20);
	tnic_inject(dev, f.data, f.len);
	EXPECT_EQ(t, tnic_tx_count(dev), 1);
	tnic_tx_purge(dev);

	ratelimit_set(5000); /* and the bucket is empty again */
	tnic_inject(dev, f.data, f.len);
	EXPECT_EQ(t, tnic_tx_count(dev), 0);
	EXPECT_EQ(t, icmp_mib.OutRateLimitHost - held, 20 - XRLIM_BURST_FACTOR + 1);
	EXPECT_EQ(t, icmp_mib.OutDestUnreachs - out, XRLIM_BURST_FACTOR + 1);
	ratelimit_set(old);
	net_test_nic_destroy(dev);
}

/* Path MTU discovery depends on FRAG_NEEDED: never limited, and the MTU in bits 48-63. */
TEST_CASE(icmp_test_frag_needed_is_never_rate_limited_and_carries_the_mtu)
{
	struct net_device *dev = icmp_nic(t);
	unsigned long held = icmp_mib.OutRateLimitHost;
	long old = READ_ONCE(sysctl_icmp_ratelimit);
	unsigned int got = 0;
	struct frame f, e;

	learn(dev, FRAG_IP);
	frame_udp(&f, FRAG_IP, OUR_IP, 5555, CLOSED_PORT, "big", 3);
	frame_iph(&f)->frag_off = htons(IP_DF);
	frame_ip_recsum(&f);
	ratelimit_set(5000);
	for (int i = 0; i < 20; i++) {
		struct sk_buff *skb = datagram_skb(dev, &f);

		ASSERT_NOT_NULL(t, skb);
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(1400));
		consume_skb(skb);
		if (!tnic_next_tx(dev, &e, 0))
			continue;
		got++;
		EXPECT_EQ(t, ((struct icmphdr *)frame_l4(&e))->code, ICMP_FRAG_NEEDED);
		EXPECT_EQ(t, ntohs(((struct icmphdr *)frame_l4(&e))->un.frag.mtu), 1400);
	}
	EXPECT_EQ(t, got, 20);
	EXPECT_EQ(t, icmp_mib.OutRateLimitHost - held, 0);
	ratelimit_set(old);
	net_test_nic_destroy(dev);
}

/* 3.10: "No rate limit on loopback": a host's own errors to itself are all sent. */
TEST_CASE(icmp_test_errors_through_loopback_are_never_rate_limited)
{
	unsigned long out = icmp_mib.OutDestUnreachs, held = icmp_mib.OutRateLimitHost;
	long old = READ_ONCE(sysctl_icmp_ratelimit);
	struct socket *sock;

	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	ratelimit_set(5000);
	for (int i = 0; i < 20; i++)
		EXPECT_EQ(t, udp_sendto(sock, "x", 1, INADDR_LOOPBACK, CLOSED_PORT), 1);
	for (int i = 0; i < 500 && icmp_mib.OutDestUnreachs - out < 20; i++)
		msleep(2);
	EXPECT_EQ(t, icmp_mib.OutDestUnreachs - out, 20);
	EXPECT_EQ(t, icmp_mib.OutRateLimitHost - held, 0);
	ratelimit_set(old);
	sock_release(sock);
}

/* An error that cannot get its memory is counted (OutErrors), nothing sent, nothing kept. */
TEST_CASE(icmp_test_allocation_failure_is_counted_in_out_errors)
{
	struct net_device *dev = icmp_nic(t);
	long old = ratelimit_off();
	unsigned long n, errs = icmp_mib.OutErrors;
	struct frame f;

	frame_udp(&f, PEER_IP, OUR_IP, 5555, CLOSED_PORT, "oom", 3);
	for (n = 1; n < 10; n++) {
		struct sk_buff *skb = datagram_skb(dev, &f);
		unsigned long failures;

		ASSERT_NOT_NULL(t, skb);
		fault_attr_reset(&failslab);
		failslab.ignore_gfp_wait = false;
		failslab.nth = n;
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
		failures = failslab.failures;
		fault_attr_reset(&failslab);
		consume_skb(skb);
		if (!failures)
			break;
		EXPECT_EQ(t, tnic_tx_count(dev), 0);
	}
	EXPECT_GE(t, n, 3); /* the skb and its buffer at least; then none was left to fail */
	EXPECT_LT(t, n, 10);
	EXPECT_EQ(t, icmp_mib.OutErrors - errs, n - 1);
	EXPECT_EQ(t, tnic_tx_count(dev), 1); /* the last round sent it */
	ratelimit_set(old);
	net_test_nic_destroy(dev);
}

/*
 * What the lead's output path does with a datagram too big for the link
 * (DF set): icmp_send about a datagram we sent.  The error goes to our own
 * address through lo and reaches the sending socket (EMSGSIZE).
 */
TEST_CASE(icmp_test_frag_needed_about_our_own_datagram_reaches_its_socket)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long in = icmp_mib.InDestUnreachs;
	struct socket *sock;
	struct sk_buff *skb;
	struct frame f;

	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	EXPECT_EQ(t, udp_bind(sock, ICMP_PORT), 0);
	frame_udp(&f, OUR_IP, FAR_IP, ICMP_PORT, 9, "too big", 7);
	frame_iph(&f)->frag_off = htons(IP_DF);
	frame_ip_recsum(&f);
	skb = datagram_skb(NULL, &f); /* not received: no device yet */
	ASSERT_NOT_NULL(t, skb);
	icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(576));
	consume_skb(skb);
	for (int i = 0; i < 500 && !READ_ONCE(sock->sk->sk_err_soft); i++)
		msleep(2);
	EXPECT_EQ(t, READ_ONCE(sock->sk->sk_err_soft), EMSGSIZE);
	EXPECT_EQ(t, icmp_mib.InDestUnreachs - in, 1);
	EXPECT_EQ(t, tnic_tx_count(dev), 0); /* to ourselves: through lo, never the NIC */
	sock_release(sock);
	net_test_nic_destroy(dev);
}

/* ---- receiving ------------------------------------------------------------------ */

/*
 * An ICMP error from the peer: @type/@code/@info, quoting @qlen bytes of a UDP
 * datagram from @qsrc:@sport to the peer's port 9 (its 8-byte header first).
 */
static void frame_icmp_error(struct frame *f, u8 type, u8 code, __be32 info, __be32 qsrc, u16 sport,
			     unsigned int qlen)
{
	struct frame q;
	struct icmphdr *icmph;

	frame_udp(&q, qsrc, PEER_IP, sport, 9, "sent by us", 10);
	frame_ipv4(f, PEER_IP, OUR_IP, IPPROTO_ICMP, sizeof(*icmph) + qlen);
	icmph = frame_l4(f);
	icmph->type = type;
	icmph->code = code;
	icmph->un.gateway = info;
	memcpy(icmph + 1, q.data + ETH_HLEN, qlen);
	icmph->checksum = 0;
	icmph->checksum = ip_compute_csum(icmph, (int)(sizeof(*icmph) + qlen));
}

/* RFC 1122 3.2.2.1-2: errors reach the transport; udp_err tells the socket of the source port. */
TEST_CASE(icmp_test_received_errors_reach_the_udp_socket_of_the_quoted_port)
{
	static const struct {
		u8 type, code;
		int err;
	} errs[] = {
		{ ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, ECONNREFUSED },
		{ ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, EHOSTUNREACH },
		{ ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, ENOPROTOOPT },
		{ ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, EHOSTUNREACH },
		{ ICMP_PARAMETERPROB, 0, EPROTO },
	};
	struct net_device *dev = net_test_nic(t);
	unsigned long du = icmp_mib.InDestUnreachs, te = icmp_mib.InTimeExcds;
	unsigned long pp = icmp_mib.InParmProbs, inerr = icmp_mib.InErrors;
	struct socket *sock;
	struct frame f;

	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	EXPECT_EQ(t, udp_bind(sock, ICMP_PORT), 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(errs); i++) {
		WRITE_ONCE(sock->sk->sk_err_soft, 0);
		frame_icmp_error(&f, errs[i].type, errs[i].code, 0, OUR_IP, ICMP_PORT, 20 + 8);
		tnic_inject(dev, f.data, f.len);
		EXPECT_EQ(t, READ_ONCE(sock->sk->sk_err_soft), errs[i].err);
	}
	EXPECT_EQ(t, icmp_mib.InDestUnreachs - du, 3);
	EXPECT_EQ(t, icmp_mib.InTimeExcds - te, 1);
	EXPECT_EQ(t, icmp_mib.InParmProbs - pp, 1);
	EXPECT_EQ(t, icmp_mib.InErrors - inerr, 0);
	/* About a port nobody has (any more): 3.10 counts it as an ICMP InErrors. */
	frame_icmp_error(&f, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, OUR_IP, CLOSED_PORT, 28);
	tnic_inject(dev, f.data, f.len);
	EXPECT_EQ(t, icmp_mib.InErrors - inerr, 1);
	EXPECT_EQ(t, tnic_tx_count(dev), 0); /* and no error is ever sent about an error */
	sock_release(sock);
	net_test_nic_destroy(dev);
}

/* A quote nobody could act on is dropped, counted in InErrors and under its reason. */
TEST_CASE(icmp_test_malformed_received_errors_are_dropped_and_counted)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long trunc = drops(SKB_DROP_REASON_ICMP_QUOTE_TRUNCATED);
	unsigned long inval = drops(SKB_DROP_REASON_ICMP_QUOTE_INVALID);
	unsigned long notours = drops(SKB_DROP_REASON_ICMP_QUOTE_NOT_OURS);
	unsigned long bcast = drops(SKB_DROP_REASON_ICMP_BROADCAST);
	unsigned long inerr = icmp_mib.InErrors;
	struct socket *sock;
	struct frame f;

	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	EXPECT_EQ(t, udp_bind(sock, ICMP_PORT), 0);
	/* The IP header and 4 bytes: not the ports. */
	frame_icmp_error(&f, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, OUR_IP, ICMP_PORT, 24);
	tnic_inject(dev, f.data, f.len);
	/* Half an IP header. */
	frame_icmp_error(&f, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, OUR_IP, ICMP_PORT, 12);
	tnic_inject(dev, f.data, f.len);
	/* Not IPv4, then an IHL below 5. */
	frame_icmp_error(&f, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, OUR_IP, ICMP_PORT, 28);
	((u8 *)frame_l4(&f))[8] = 0x65;
	((struct icmphdr *)frame_l4(&f))->checksum = 0;
	((struct icmphdr *)frame_l4(&f))->checksum = ip_compute_csum(frame_l4(&f), 36);
	tnic_inject(dev, f.data, f.len);
	((u8 *)frame_l4(&f))[8] = 0x44;
	((struct icmphdr *)frame_l4(&f))->checksum = 0;
	((struct icmphdr *)frame_l4(&f))->checksum = ip_compute_csum(frame_l4(&f), 36);
	tnic_inject(dev, f.data, f.len);
	/* About a datagram another host sent. */
	frame_icmp_error(&f, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, OTHER_IP, ICMP_PORT, 28);
	tnic_inject(dev, f.data, f.len);
	/* Sent to the subnet's broadcast address. */
	frame_icmp_error(&f, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, OUR_IP, ICMP_PORT, 28);
	frame_iph(&f)->daddr = SUBNET_BCAST;
	frame_ip_recsum(&f);
	tnic_inject(dev, f.data, f.len);

	EXPECT_EQ(t, drops(SKB_DROP_REASON_ICMP_QUOTE_TRUNCATED) - trunc, 2);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_ICMP_QUOTE_INVALID) - inval, 2);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_ICMP_QUOTE_NOT_OURS) - notours, 1);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_ICMP_BROADCAST) - bcast, 1);
	EXPECT_EQ(t, icmp_mib.InErrors - inerr, 6);
	EXPECT_EQ(t, READ_ONCE(sock->sk->sk_err_soft), 0); /* none reached the socket */
	EXPECT_EQ(t, tnic_tx_count(dev), 0);
	sock_release(sock);
	net_test_nic_destroy(dev);
}

static const struct ktest_case net_icmp_cases[] = {
	KTEST(icmp_test_closed_port_over_loopback_brings_one_port_unreachable_to_the_sender),
	KTEST(icmp_test_port_unreachable_quotes_the_datagram_exactly),
	KTEST(icmp_test_error_about_a_big_datagram_is_cut_to_576_bytes),
	KTEST(icmp_test_unknown_protocol_brings_protocol_unreachable),
	KTEST(icmp_test_no_error_about_a_broadcast_datagram),
	KTEST(icmp_test_no_error_about_an_icmp_error),
	KTEST(icmp_test_no_error_about_a_fragment_other_than_the_first),
	KTEST(icmp_test_no_error_to_a_source_that_is_not_one_host),
	KTEST(icmp_test_rate_limit_lets_six_of_twenty_through_then_one_per_interval),
	KTEST(icmp_test_frag_needed_is_never_rate_limited_and_carries_the_mtu),
	KTEST(icmp_test_errors_through_loopback_are_never_rate_limited),
	KTEST(icmp_test_allocation_failure_is_counted_in_out_errors),
	KTEST(icmp_test_frag_needed_about_our_own_datagram_reaches_its_socket),
	KTEST(icmp_test_received_errors_reach_the_udp_socket_of_the_quoted_port),
	KTEST(icmp_test_malformed_received_errors_are_dropped_and_counted),
	{}
};
TEST_SUITE(net_icmp, net_icmp_cases);
