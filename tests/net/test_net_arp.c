/*
 * SPDX-License-Identifier: MIT
 * tests/net/test_net_arp.c - ARP (RFC 826) and the neighbour cache: answering,
 * asking, queueing while asking, giving up, expiring, and dropping what
 * is malformed.  Over the test NIC; lo never asks.
 */
#include <kernel/ktest.h>
#include <kernel/time.h>
#include <net/arp_test.h>
#include <net/socket.h>
#include <string.h>

#include "net_test.h"

static const u8 other_mac[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x42 };

static const struct arp_eth_ipv4 *frame_arp_body(struct frame *f)
{
	return (const struct arp_eth_ipv4 *)(f->data + ETH_HLEN);
}

/* Is @f an ARP request from us for @tip? */
static bool is_our_request_for(struct frame *f, __be32 tip)
{
	const struct arp_eth_ipv4 *arp = frame_arp_body(f);

	return frame_eth(f)->h_proto == htons(ETH_P_ARP) &&
	       is_broadcast_ether_addr(frame_eth(f)->h_dest) &&
	       arp->hdr.ar_op == htons(ARPOP_REQUEST) && arp->ar_tip == tip &&
	       arp->ar_sip == OUR_IP && ether_addr_equal(arp->ar_sha, our_mac);
}

/* Wait (at most 2 s) until @ip's entry on @dev is in @state. */
static bool wait_arp_state(struct net_device *dev, __be32 ip, int state)
{
	for (int i = 0; i < 2000; i++) {
		if (arp_state(dev, ip) == state)
			return true;
		msleep(1);
	}
	return false;
}

TEST_CASE(arp_test_request_for_us_is_answered)
{
	struct net_device *dev = net_test_nic(t);
	const struct arp_eth_ipv4 *arp;
	struct frame f;

	frame_arp(&f, ARPOP_REQUEST, peer_mac, PEER_IP, OUR_IP);
	tnic_inject(dev, f.data, f.len);
	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 0));
	arp = frame_arp_body(&f);
	EXPECT_TRUE(t, ether_addr_equal(frame_eth(&f)->h_dest, peer_mac));
	EXPECT_TRUE(t, ether_addr_equal(frame_eth(&f)->h_source, our_mac));
	EXPECT_EQ(t, ntohs(frame_eth(&f)->h_proto), ETH_P_ARP);
	EXPECT_EQ(t, ntohs(arp->hdr.ar_op), ARPOP_REPLY);
	EXPECT_TRUE(t, ether_addr_equal(arp->ar_sha, our_mac));
	EXPECT_EQ(t, arp->ar_sip, OUR_IP);
	EXPECT_TRUE(t, ether_addr_equal(arp->ar_tha, peer_mac));
	EXPECT_EQ(t, arp->ar_tip, PEER_IP);
	/* RFC 826: the target adds the sender to its table. */
	EXPECT_EQ(t, arp_state(dev, PEER_IP), NUD_REACHABLE);
	net_test_nic_destroy(dev);
}

TEST_CASE(arp_test_request_for_someone_else_is_ignored)
{
	struct net_device *dev = net_test_nic(t);
	struct frame f;

	frame_arp(&f, ARPOP_REQUEST, peer_mac, PEER_IP, OTHER_IP);
	tnic_inject(dev, f.data, f.len);
	EXPECT_EQ(t, tnic_tx_count(dev), 0);
	EXPECT_EQ(t, arp_state(dev, PEER_IP), NUD_NONE); /* not learned: not for us */
	net_test_nic_destroy(dev);
}

TEST_CASE(arp_test_address_probe_is_answered_without_learning)
{
	struct net_device *dev = net_test_nic(t);
	struct frame f;

	frame_arp(&f, ARPOP_REQUEST, peer_mac, 0, OUR_IP); /* RFC 5227 probe */
	tnic_inject(dev, f.data, f.len);
	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 0));
	EXPECT_EQ(t, ntohs(frame_arp_body(&f)->hdr.ar_op), ARPOP_REPLY);
	EXPECT_EQ(t, frame_arp_body(&f)->ar_tip, 0);
	EXPECT_EQ(t, arp_cache_count(), 0);
	net_test_nic_destroy(dev);
}

TEST_CASE(arp_test_resolving_queues_the_packet_and_sends_it_on_reply)
{
	struct net_device *dev = net_test_nic(t);
	struct socket *sock;
	struct frame f;

	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	EXPECT_EQ(t, udp_sendto(sock, "abc", 3, PEER_IP, 9), 3);
	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 0));
	EXPECT_TRUE(t, is_our_request_for(&f, PEER_IP));
	EXPECT_EQ(t, tnic_tx_count(dev), 0); /* the datagram waits */
	EXPECT_EQ(t, arp_state(dev, PEER_IP), NUD_INCOMPLETE);

	frame_arp(&f, ARPOP_REPLY, peer_mac, PEER_IP, OUR_IP);
	tnic_inject(dev, f.data, f.len);
	EXPECT_EQ(t, arp_state(dev, PEER_IP), NUD_REACHABLE);
	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 0));
	EXPECT_TRUE(t, ether_addr_equal(frame_eth(&f)->h_dest, peer_mac));
	EXPECT_EQ(t, frame_iph(&f)->protocol, IPPROTO_UDP);
	EXPECT_EQ(t, memcmp((u8 *)frame_l4(&f) + sizeof(struct udphdr), "abc", 3), 0);
	sock_release(sock);
	net_test_nic_destroy(dev);
}

/*
 * A miss (3.10's __neigh_event_send): the entry becomes INCOMPLETE, one
 * request goes out at once, the timer is due in retrans_ms, and the
 * packets wait - a second one for the same neighbour asks nothing more.
 * Unanswered, they fail when the NIC goes (the cache is flushed).
 */
TEST_CASE(arp_test_a_miss_asks_once_and_the_packets_wait)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long d = drops(SKB_DROP_REASON_NEIGH_FAILED), expires, before;
	struct socket *sock;
	struct frame f;

	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	before = jiffies;
	EXPECT_EQ(t, udp_sendto(sock, "one", 3, PEER_IP, 9), 3);
	EXPECT_EQ(t, arp_state(dev, PEER_IP), NUD_INCOMPLETE);
	EXPECT_EQ(t, udp_sendto(sock, "two", 3, PEER_IP, 9), 3);
	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 0));
	EXPECT_TRUE(t, is_our_request_for(&f, PEER_IP));
	EXPECT_EQ(t, tnic_tx_count(dev), 0); /* one request, and neither datagram */
	EXPECT_EQ(t, arp_cache_count(), 1);
	/* The timer (taken off here, so it cannot fire) was due in retrans_ms. */
	ASSERT_TRUE(t, arp_test_timer_take(dev, PEER_IP, &expires));
	EXPECT_GE(t, expires, before + msecs_to_jiffies(arp_params.retrans_ms));
	EXPECT_LE(t, expires, jiffies + msecs_to_jiffies(arp_params.retrans_ms));
	net_test_nic_destroy(dev);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_NEIGH_FAILED) - d, 2); /* both waited */
	sock_release(sock);
}

TEST_CASE(arp_test_queue_is_bounded_and_keeps_the_latest)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long d = drops(SKB_DROP_REASON_NEIGH_QUEUEFULL);
	struct socket *sock;
	struct frame f;

	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	for (char c = '0'; c < '5'; c++)
		udp_sendto(sock, &c, 1, PEER_IP, 9);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_NEIGH_QUEUEFULL) - d, 5 - arp_params.queue_len);
	tnic_tx_purge(dev); /* the request */
	frame_arp(&f, ARPOP_REPLY, peer_mac, PEER_IP, OUR_IP);
	tnic_inject(dev, f.data, f.len);
	for (char c = '5' - (char)arp_params.queue_len; c < '5'; c++) {
		ASSERT_TRUE(t, tnic_next_tx(dev, &f, 0));
		EXPECT_EQ(t, ((u8 *)frame_l4(&f))[sizeof(struct udphdr)], c);
	}
	sock_release(sock);
	net_test_nic_destroy(dev);
}

TEST_CASE(arp_test_unanswered_requests_are_retried_then_given_up)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long d = drops(SKB_DROP_REASON_NEIGH_FAILED);
	struct arp_params saved = arp_params;
	struct socket *sock;
	unsigned int requests = 0;
	struct frame f;

	arp_params.retrans_ms = 5;
	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	udp_sendto(sock, "x", 1, PEER_IP, 9);
	EXPECT_TRUE(t, wait_arp_state(dev, PEER_IP, NUD_NONE));
	arp_params = saved;
	while (tnic_next_tx(dev, &f, 0))
		requests += is_our_request_for(&f, PEER_IP);
	EXPECT_EQ(t, requests, saved.max_probes);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_NEIGH_FAILED) - d, 1); /* the datagram */
	sock_release(sock);
	net_test_nic_destroy(dev);
}

TEST_CASE(arp_test_cache_entries_expire)
{
	struct net_device *dev = net_test_nic(t);
	struct arp_params saved = arp_params;
	struct socket *sock;
	struct frame f;

	arp_params.reachable_ms = 5;
	net_test_learn_peer(dev);
	EXPECT_EQ(t, arp_state(dev, PEER_IP), NUD_REACHABLE);
	EXPECT_TRUE(t, wait_arp_state(dev, PEER_IP, NUD_NONE));
	arp_params = saved;
	/* Forgotten: the next packet asks again. */
	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	udp_sendto(sock, "x", 1, PEER_IP, 9);
	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 0));
	EXPECT_TRUE(t, is_our_request_for(&f, PEER_IP));
	sock_release(sock);
	net_test_nic_destroy(dev);
}

/*
 * A retransmit timer that lost the race for the table to an answer
 * (net/arp_test.h draws it) leaves the fresh entry alone: no request, no
 * drop, still REACHABLE, its timer the answer's.
 */
TEST_CASE(arp_test_timer_that_waited_while_the_answer_came_keeps_the_entry)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long d = drops(SKB_DROP_REASON_NEIGH_FAILED), expires;
	struct socket *sock;
	struct frame f;

	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	udp_sendto(sock, "x", 1, PEER_IP, 9);
	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 0));		     /* the first request */
	EXPECT_TRUE(t, arp_test_timer_take(dev, PEER_IP, &expires)); /* due: the softirq has it */
	frame_arp(&f, ARPOP_REPLY, peer_mac, PEER_IP, OUR_IP);
	tnic_inject(dev, f.data, f.len);	  /* another CPU: answered, the timer armed again */
	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 0)); /* the datagram went out */
	EXPECT_TRUE(t, arp_test_timer_run(dev, PEER_IP)); /* the timer gets the lock */
	EXPECT_EQ(t, arp_state(dev, PEER_IP), NUD_REACHABLE);
	EXPECT_EQ(t, tnic_tx_count(dev), 0); /* and asked nothing */
	EXPECT_EQ(t, drops(SKB_DROP_REASON_NEIGH_FAILED) - d, 0);
	EXPECT_TRUE(t, arp_test_timer_take(dev, PEER_IP, &expires)); /* still armed */
	sock_release(sock);
	net_test_nic_destroy(dev);
}

/*
 * The timer of an answer frees it only once it is reachable_ms old (3.10's
 * neigh_timer_handler): early, it waits the rest, to the same jiffy.
 */
TEST_CASE(arp_test_timer_of_an_answer_not_yet_old_waits_the_rest)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long expires, again;

	net_test_learn_peer(dev); /* REACHABLE for reachable_ms (60 s) */
	ASSERT_TRUE(t, arp_test_timer_take(dev, PEER_IP, &expires));
	EXPECT_TRUE(t, arp_test_timer_run(dev, PEER_IP)); /* early: nobody armed it since */
	EXPECT_EQ(t, arp_state(dev, PEER_IP), NUD_REACHABLE);
	ASSERT_TRUE(t, arp_test_timer_take(dev, PEER_IP, &again));
	EXPECT_EQ(t, again, expires);
	EXPECT_EQ(t, tnic_tx_count(dev), 0);
	net_test_nic_destroy(dev);
}

TEST_CASE(arp_test_known_sender_is_updated_even_when_not_the_target)
{
	struct net_device *dev = net_test_nic(t);
	u8 ha[ETH_ALEN];
	struct frame f;

	net_test_learn_peer(dev);
	/* RFC 826's merge: the peer says it moved, asking about someone else. */
	frame_arp(&f, ARPOP_REQUEST, other_mac, PEER_IP, OTHER_IP);
	tnic_inject(dev, f.data, f.len);
	ASSERT_TRUE(t, arp_lookup(dev, PEER_IP, ha));
	EXPECT_TRUE(t, ether_addr_equal(ha, other_mac));
	EXPECT_EQ(t, tnic_tx_count(dev), 0);
	net_test_nic_destroy(dev);
}

/* Inject @f and expect exactly one drop under @reason and nothing sent. */
static void expect_arp_drop(struct ktest *t, struct net_device *dev, struct frame *f,
			    enum skb_drop_reason reason)
{
	unsigned long d = drops(reason);

	tnic_inject(dev, f->data, f->len);
	EXPECT_EQ(t, drops(reason) - d, 1);
	EXPECT_EQ(t, tnic_tx_count(dev), 0);
}

TEST_CASE(arp_test_malformed_packets_are_dropped_and_counted)
{
	struct net_device *dev = net_test_nic(t);
	struct arp_eth_ipv4 *arp;
	struct frame f;

	frame_arp(&f, ARPOP_REQUEST, peer_mac, PEER_IP, OUR_IP);
	f.len = ETH_HLEN + 20;
	expect_arp_drop(t, dev, &f, SKB_DROP_REASON_ARP_TRUNCATED);

	frame_arp(&f, ARPOP_REQUEST, peer_mac, PEER_IP, OUR_IP);
	arp = (struct arp_eth_ipv4 *)(f.data + ETH_HLEN);
	arp->hdr.ar_hrd = htons(6);
	expect_arp_drop(t, dev, &f, SKB_DROP_REASON_ARP_INVALID);

	frame_arp(&f, ARPOP_REQUEST, peer_mac, PEER_IP, OUR_IP);
	arp->hdr.ar_op = htons(9);
	expect_arp_drop(t, dev, &f, SKB_DROP_REASON_ARP_INVALID);

	frame_arp(&f, ARPOP_REQUEST, bcast_mac, PEER_IP, OUR_IP);
	expect_arp_drop(t, dev, &f, SKB_DROP_REASON_ARP_MARTIAN);

	/* Someone else claims our address: not believed. */
	frame_arp(&f, ARPOP_REQUEST, peer_mac, OUR_IP, OTHER_IP);
	expect_arp_drop(t, dev, &f, SKB_DROP_REASON_ARP_MARTIAN);
	EXPECT_EQ(t, arp_cache_count(), 0);
	net_test_nic_destroy(dev);
}

TEST_CASE(arp_test_full_table_of_unresolved_entries_refuses_more)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long create = drops(SKB_DROP_REASON_NEIGH_CREATEFAIL);
	unsigned long failed = drops(SKB_DROP_REASON_NEIGH_FAILED);
	struct socket *sock;

	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	for (u32 i = 0; i <= ARP_TABLE_SIZE; i++)
		udp_sendto(sock, "x", 1, htonl(0xc0a84d10U + i), 9);
	EXPECT_EQ(t, arp_cache_count(), ARP_TABLE_SIZE);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_NEIGH_CREATEFAIL) - create, 1);
	net_test_nic_destroy(dev); /* flushes: every waiting datagram fails */
	EXPECT_EQ(t, drops(SKB_DROP_REASON_NEIGH_FAILED) - failed, ARP_TABLE_SIZE);
	sock_release(sock);
}

TEST_CASE(arp_test_loopback_never_asks)
{
	EXPECT_EQ(t, icmp_ping(INADDR_LOOPBACK, 0x7e58, 1, 0, 1000, NULL), 0);
	EXPECT_EQ(t, arp_cache_count(), 0);
}

static const struct ktest_case net_arp_cases[] = {
	KTEST(arp_test_request_for_us_is_answered),
	KTEST(arp_test_request_for_someone_else_is_ignored),
	KTEST(arp_test_address_probe_is_answered_without_learning),
	KTEST(arp_test_a_miss_asks_once_and_the_packets_wait),
	KTEST(arp_test_resolving_queues_the_packet_and_sends_it_on_reply),
	KTEST(arp_test_queue_is_bounded_and_keeps_the_latest),
	KTEST(arp_test_unanswered_requests_are_retried_then_given_up),
	KTEST(arp_test_cache_entries_expire),
	KTEST(arp_test_timer_that_waited_while_the_answer_came_keeps_the_entry),
	KTEST(arp_test_timer_of_an_answer_not_yet_old_waits_the_rest),
	KTEST(arp_test_known_sender_is_updated_even_when_not_the_target),
	KTEST(arp_test_malformed_packets_are_dropped_and_counted),
	KTEST(arp_test_full_table_of_unresolved_entries_refuses_more),
	KTEST(arp_test_loopback_never_asks),
	{}
};
TEST_SUITE(net_arp, net_arp_cases);
