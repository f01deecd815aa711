/*
 * SPDX-License-Identifier: MIT
 * tests/net/test_net_fault.c - the receive path when memory runs out: every
 * slab allocation on the way made to fail in turn (failslab.nth), and a
 * storm of mixed frames with half of all allocations failing.  Nothing may
 * crash or leak (the harness checks after each case), and every frame
 * that could not be handled must be counted somewhere.
 */
#include <errno.h>
#include <kernel/ktest.h>
#include <mm/fault_inject.h>
#include <net/socket.h>
#include <string.h>

#include "net_test.h"

#define TEST_PORT 4002

/* Every failure this file injects: GFP_ATOMIC calls (the receive path's) count too. */
static void failslab_arm_nth(unsigned long n)
{
	fault_attr_reset(&failslab);
	failslab.ignore_gfp_wait = false;
	failslab.nth = n;
}

/*
 * Inject @f with the @n-th slab allocation from now failing.  Returns
 * true if the failure happened (false: the path has fewer than @n).
 */
static bool inject_with_nth_failure(struct net_device *dev, struct frame *f, unsigned long n)
{
	unsigned long failures;

	failslab_arm_nth(n);
	tnic_inject(dev, f->data, f->len);
	failures = failslab.failures;
	fault_attr_reset(&failslab);
	return failures > 0;
}

TEST_CASE(netfault_test_echo_request_with_each_allocation_failing)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long n, nomem = drops(SKB_DROP_REASON_NOMEM);
	unsigned int answered = 0;
	struct frame f;

	net_test_learn_peer(dev);
	frame_icmp_echo(&f, PEER_IP, OUR_IP, ICMP_ECHO, 1, 1, "abc", 3);
	for (n = 1; n < 20 && inject_with_nth_failure(dev, &f, n); n++) {
		answered += tnic_tx_count(dev);
		tnic_tx_purge(dev);
	}
	EXPECT_LT(t, n, 20);	   /* the path has an end */
	EXPECT_GE(t, n, 3);	   /* receive buffer, reply: at least two allocations */
	EXPECT_EQ(t, answered, 0); /* no allocation is optional */
	/* Receive-buffer failures are the NIC's (rx_missed_errors); the reply's are NOMEM drops. */
	EXPECT_EQ(t, dev->stats.rx_missed_errors + (drops(SKB_DROP_REASON_NOMEM) - nomem), n - 1);
	/* The last round, with fewer allocations than n, failed nothing: answered. */
	EXPECT_EQ(t, tnic_tx_count(dev), 1);
	net_test_nic_destroy(dev);
}

TEST_CASE(netfault_test_udp_delivery_with_each_allocation_failing)
{
	struct net_device *dev = net_test_nic(t);
	struct socket *sock;
	unsigned long n;
	struct frame f;
	char buf[8];

	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	ASSERT_EQ(t, udp_bind(sock, TEST_PORT), 0);
	frame_udp(&f, PEER_IP, OUR_IP, 5555, TEST_PORT, "data", 4);
	for (n = 1; n < 20 && inject_with_nth_failure(dev, &f, n); n++)
		EXPECT_EQ(t, udp_recvfrom(sock, buf, sizeof(buf), NULL, NULL, MSG_DONTWAIT),
			  -EAGAIN);
	EXPECT_LT(t, n, 20);
	EXPECT_EQ(t, dev->stats.rx_missed_errors, n - 1);
	/* The last round failed nothing: delivered. */
	EXPECT_EQ(t, udp_recvfrom(sock, buf, sizeof(buf), NULL, NULL, MSG_DONTWAIT), 4);
	sock_release(sock);
	net_test_nic_destroy(dev);
}

/* Frame number @i of the storm: a mix of everything the receive path handles. */
static void storm_frame(struct frame *f, unsigned int i)
{
	switch (i % 8) {
	case 0:
		frame_arp(f, ARPOP_REQUEST, peer_mac, PEER_IP, OUR_IP);
		break;
	case 1:
		frame_icmp_echo(f, PEER_IP, OUR_IP, ICMP_ECHO, 2, (u16)i, "storm", 5);
		break;
	case 2:
		frame_udp(f, PEER_IP, OUR_IP, 5555, TEST_PORT, "storm", 5);
		break;
	case 3:
		frame_udp(f, PEER_IP, OUR_IP, 5555, 4999, "closed", 6);
		break;
	case 4:
		frame_udp(f, PEER_IP, OUR_IP, 5555, TEST_PORT, "bad", 3);
		frame_iph(f)->check ^= 0x0101;
		break;
	case 5:
		frame_ipv4(f, PEER_IP, OUR_IP, IPPROTO_UDP, 3);
		break;
	case 6:
		frame_arp(f, ARPOP_REPLY, peer_mac, PEER_IP, OUR_IP);
		f->len -= 5;
		break;
	default:
		frame_ether(f, our_mac, 0x88b5); /* a local experimental EtherType */
		f->len = 60;
		break;
	}
}

TEST_CASE(netfault_test_storm_with_half_the_allocations_failing)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long nomem = drops(SKB_DROP_REASON_NOMEM);
	unsigned int frames = 400, got = 0;
	struct socket *sock;
	struct frame f;
	char buf[8];

	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	ASSERT_EQ(t, udp_bind(sock, TEST_PORT), 0);
	fault_inject_seed(42);
	fault_attr_reset(&failslab);
	ASSERT_EQ(t, fault_attr_parse(&failslab, "1,50,0,-1"), 0);
	failslab.ignore_gfp_wait = false;
	for (unsigned int i = 0; i < frames; i++) {
		storm_frame(&f, i);
		tnic_inject(dev, f.data, f.len);
	}
	fault_attr_reset(&failslab);

	while (udp_recvfrom(sock, buf, sizeof(buf), NULL, NULL, MSG_DONTWAIT) > 0)
		got++;
	/* Every frame was either received by the "NIC" or counted as missed. */
	EXPECT_EQ(t, dev->stats.rx_packets + dev->stats.rx_missed_errors, frames);
	EXPECT_GT(t, dev->stats.rx_missed_errors, 0);
	EXPECT_GT(t, drops(SKB_DROP_REASON_NOMEM) - nomem, 0); /* replies that failed */
	EXPECT_LE(t, got, frames / 8);
	sock_release(sock);
	net_test_nic_destroy(dev); /* and whatever the storm left queued is freed */
}

static const struct ktest_case net_fault_cases[] = {
	KTEST(netfault_test_echo_request_with_each_allocation_failing),
	KTEST(netfault_test_udp_delivery_with_each_allocation_failing),
	KTEST(netfault_test_storm_with_half_the_allocations_failing),
	{}
};
TEST_SUITE(net_fault, net_fault_cases);
