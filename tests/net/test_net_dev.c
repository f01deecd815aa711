/*
 * SPDX-License-Identifier: MIT
 * tests/net/test_net_dev.c - the net_device layer: registration, the receive
 * dispatch and its counters, NAPI budgets, the netif_rx backlog, and the
 * transmit backlog of a stopped queue.  Frames come from the test NIC
 * (net/loopback.h), which goes through the calls a real driver makes.
 */
#include <kernel/ktest.h>
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <errno.h>
#include <mm/slab.h>
#include <net/socket.h>
#include <string.h>

#include "net_test.h"

/* An ARP request from the peer for an address nobody here has: received, consumed, no answer. */
static void arp_for_nobody(struct frame *f)
{
	frame_arp(f, ARPOP_REQUEST, peer_mac, PEER_IP, OTHER_IP);
}

TEST_CASE(netdev_test_register_names_devices_and_opens_them)
{
	struct net_device *a = tnic_create(our_mac), *b;

	ASSERT_NOT_NULL(t, a);
	b = tnic_create(peer_mac);
	if (!b)
		tnic_destroy(a);
	ASSERT_NOT_NULL(t, b);
	EXPECT_TRUE(t, !strncmp(a->name, "tnic", 4) && !strncmp(b->name, "tnic", 4));
	EXPECT_TRUE(t, strcmp(a->name, b->name) != 0);
	EXPECT_GT(t, b->ifindex, a->ifindex);
	EXPECT_TRUE(t, netif_running(a) && netif_carrier_ok(a));
	EXPECT_TRUE(t, dev_get_by_name(a->name) == a);
	EXPECT_TRUE(t, dev_get_by_name("lo") == loopback_dev);
	tnic_destroy(b);
	tnic_destroy(a);
	EXPECT_NULL(t, dev_get_by_name("tnic0"));
}

static netdev_tx_t null_xmit(struct sk_buff *skb, struct net_device *dev)
{
	consume_skb(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops null_ops = { .ndo_start_xmit = null_xmit };

TEST_CASE(netdev_test_register_refuses_a_taken_name)
{
	struct net_device *dev = alloc_etherdev(0);

	ASSERT_NOT_NULL(t, dev);
	strcpy(dev->name, "lo");
	dev->netdev_ops = &null_ops;
	EXPECT_EQ(t, register_netdev(dev), -EEXIST);
	EXPECT_FALSE(t, dev->registered);
	free_netdev(dev);
}

TEST_CASE(netdev_test_rx_and_tx_are_counted_as_ip_link_shows)
{
	struct net_device *dev = net_test_nic(t);
	struct net_device_stats before = dev->stats;
	struct frame f;

	/* A broadcast ARP request for us: one frame in, one reply out. */
	frame_arp(&f, ARPOP_REQUEST, peer_mac, PEER_IP, OUR_IP);
	f.len = ETH_ZLEN; /* padded, as on a real wire */
	tnic_inject(dev, f.data, f.len);
	EXPECT_EQ(t, dev->stats.rx_packets - before.rx_packets, 1);
	EXPECT_EQ(t, dev->stats.rx_bytes - before.rx_bytes, ETH_ZLEN);
	EXPECT_EQ(t, dev->stats.multicast - before.multicast, 1);
	EXPECT_EQ(t, dev->stats.tx_packets - before.tx_packets, 1);
	EXPECT_EQ(t, dev->stats.tx_bytes - before.tx_bytes, ETH_HLEN + sizeof(struct arp_eth_ipv4));
	EXPECT_EQ(t, dev->stats.rx_dropped, before.rx_dropped);
	net_test_nic_destroy(dev);
}

TEST_CASE(netdev_test_runt_frames_are_length_errors)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long d = drops(SKB_DROP_REASON_PKT_TOO_SMALL);
	u8 runt[ETH_HLEN - 1] = { 0 };

	for (unsigned int len = 0; len < sizeof(runt); len++)
		tnic_inject(dev, runt, len);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_PKT_TOO_SMALL) - d, ETH_HLEN - 1);
	EXPECT_EQ(t, dev->stats.rx_length_errors, ETH_HLEN - 1);
	EXPECT_EQ(t, dev->stats.rx_errors, ETH_HLEN - 1);
	net_test_nic_destroy(dev);
}

TEST_CASE(netdev_test_unknown_ethertypes_and_llc_are_dropped)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long d = drops(SKB_DROP_REASON_UNHANDLED_PROTO);
	struct frame f;

	frame_ether(&f, our_mac, ETH_P_IPV6);
	f.len = 60;
	tnic_inject(dev, f.data, f.len);
	frame_ether(&f, our_mac, 46); /* an 802.3 length field: LLC follows */
	f.len = 60;
	tnic_inject(dev, f.data, f.len);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_UNHANDLED_PROTO) - d, 2);
	EXPECT_EQ(t, dev->stats.rx_dropped, 2);
	net_test_nic_destroy(dev);
}

TEST_CASE(netdev_test_frames_for_another_mac_are_dropped)
{
	static const u8 stranger[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x99 };
	struct net_device *dev = net_test_nic(t);
	unsigned long d = drops(SKB_DROP_REASON_OTHERHOST);
	struct frame f;

	frame_icmp_echo(&f, PEER_IP, OUR_IP, ICMP_ECHO, 1, 1, "x", 1);
	memcpy(frame_eth(&f)->h_dest, stranger, ETH_ALEN);
	tnic_inject(dev, f.data, f.len);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_OTHERHOST) - d, 1);
	EXPECT_EQ(t, tnic_tx_count(dev), 0);
	EXPECT_EQ(t, dev->stats.rx_dropped, 0); /* not the device's problem */
	net_test_nic_destroy(dev);
}

/* Inject @n frames with bottom halves off, so one softirq run sees them all. */
static void inject_burst(struct net_device *dev, unsigned int n)
{
	struct frame f;

	arp_for_nobody(&f);
	local_bh_disable();
	for (unsigned int i = 0; i < n; i++)
		tnic_inject(dev, f.data, f.len);
	local_bh_enable(); /* NET_RX_SOFTIRQ runs here */
}

/* The softnet counters summed over the CPUs. */
static struct softnet_stat softnet_now(void)
{
	struct softnet_stat st;

	softnet_stat_read(&st);
	return st;
}

TEST_CASE(netdev_test_napi_polls_in_weight_sized_batches)
{
	struct net_device *dev = net_test_nic(t);
	struct softnet_stat before = softnet_now();

	inject_burst(dev, 200);
	EXPECT_EQ(t, softnet_now().processed - before.processed, 200);
	EXPECT_EQ(t, dev->stats.rx_packets, 200);
	EXPECT_EQ(t, softnet_now().time_squeeze, before.time_squeeze); /* 200 < netdev_budget */
	net_test_nic_destroy(dev);
}

TEST_CASE(netdev_test_budget_exhausted_leaves_the_rest_for_later)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long squeeze = softnet_now().time_squeeze;
	int saved = netdev_budget;

	/*
	 * Each softirq run polls every scheduled instance once (64 frames);
	 * a budget below that is used up at once: time_squeeze, and the
	 * softirq is raised again (its restart loop or ksoftirqd does the rest).
	 */
	netdev_budget = 32;
	inject_burst(dev, 250);
	netdev_budget = saved;
	ktest_wait_until(dev->stats.rx_packets >= 250, 1000);
	EXPECT_EQ(t, dev->stats.rx_packets, 250);
	EXPECT_GE(t, softnet_now().time_squeeze - squeeze, 2);
	net_test_nic_destroy(dev);
}

TEST_CASE(netdev_test_netif_rx_backlog_is_bounded)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long d = drops(SKB_DROP_REASON_CPU_BACKLOG);
	int saved = netdev_max_backlog;
	struct frame f;

	arp_for_nobody(&f);
	netdev_max_backlog = 4;
	local_bh_disable();
	for (int i = 0; i < 10; i++) {
		struct sk_buff *skb = netdev_alloc_skb(dev, f.len);

		if (!skb)
			break;
		skb_put_data(skb, f.data, f.len);
		skb->protocol = eth_type_trans(skb, dev);
		netif_rx(skb);
	}
	local_bh_enable();
	netdev_max_backlog = saved;
	EXPECT_EQ(t, drops(SKB_DROP_REASON_CPU_BACKLOG) - d, 6);
	EXPECT_EQ(t, dev->stats.rx_dropped, 6);
	EXPECT_EQ(t, dev->stats.rx_packets, 4);
	net_test_nic_destroy(dev);
}

/* Send one UDP datagram with payload @c to the peer. */
static int send_char(struct socket *sock, char c)
{
	return udp_sendto(sock, &c, 1, PEER_IP, 9);
}

TEST_CASE(netdev_test_stopped_queue_holds_frames_and_sends_them_in_order)
{
	struct net_device *dev = net_test_nic(t);
	struct socket *sock;
	struct frame f;

	net_test_learn_peer(dev);
	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	tnic_set_busy(dev, true);
	for (char c = '0'; c < '3'; c++)
		EXPECT_EQ(t, send_char(sock, c), 1);
	EXPECT_TRUE(t, netif_queue_stopped(dev));
	EXPECT_EQ(t, tnic_tx_count(dev), 0);
	EXPECT_EQ(t, skb_queue_len(&netdev_get_tx_queue(dev, 0)->tx_backlog), 3);
	tnic_set_busy(dev, false); /* netif_wake_queue: NET_TX_SOFTIRQ sends them */
	for (char c = '0'; c < '3'; c++) {
		ASSERT_TRUE(t, tnic_next_tx(dev, &f, 1000));
		EXPECT_EQ(t, ((u8 *)frame_l4(&f))[sizeof(struct udphdr)], c);
	}
	EXPECT_EQ(t, dev->stats.tx_packets, 4); /* + the ARP reply of learn_peer */
	sock_release(sock);
	net_test_nic_destroy(dev);
}

TEST_CASE(netdev_test_stopped_queue_backlog_is_bounded)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long d = drops(SKB_DROP_REASON_TX_QUEUE_FULL);
	struct socket *sock;

	net_test_learn_peer(dev);
	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	dev->tx_queue_len = 2;
	tnic_set_busy(dev, true);
	for (char c = '0'; c < '4'; c++)
		send_char(sock, c);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_TX_QUEUE_FULL) - d, 2);
	EXPECT_EQ(t, dev->stats.tx_dropped, 2);
	tnic_set_busy(dev, false);
	ktest_wait_until(tnic_tx_count(dev) >= 2, 1000);
	EXPECT_EQ(t, tnic_tx_count(dev), 2);
	sock_release(sock);
	net_test_nic_destroy(dev); /* frees what the test left on the TX queue */
}

TEST_CASE(netdev_test_down_device_drops_what_it_is_given)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long d = drops(SKB_DROP_REASON_DEV_DOWN);
	struct sk_buff *skb = alloc_skb(MAX_HEADER, GFP_KERNEL);

	ASSERT_NOT_NULL(t, skb);
	dev_close(dev);
	EXPECT_FALSE(t, netif_running(dev));
	skb_reserve(skb, MAX_HEADER);
	skb->dev = dev;
	dev_hard_header(skb, dev, ETH_P_IP, peer_mac, NULL, 0);
	EXPECT_EQ(t, dev_queue_xmit(skb), NET_XMIT_DROP);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_DEV_DOWN) - d, 1);
	EXPECT_EQ(t, dev->stats.tx_dropped, 1);
	EXPECT_EQ(t, dev_open(dev), 0);
	net_test_nic_destroy(dev);
}

TEST_CASE(netdev_test_unregister_drops_packets_waiting_for_arp)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long d = drops(SKB_DROP_REASON_NEIGH_FAILED);
	struct socket *sock;

	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	EXPECT_EQ(t, udp_sendto(sock, "x", 1, OTHER_IP, 9), 1); /* waits for ARP */
	EXPECT_EQ(t, arp_state(dev, OTHER_IP), NUD_INCOMPLETE);
	net_test_nic_destroy(dev);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_NEIGH_FAILED) - d, 1);
	EXPECT_EQ(t, arp_cache_count(), 0);
	sock_release(sock);
}

TEST_CASE(netdev_test_loopback_counts_both_directions)
{
	struct net_device_stats before = loopback_dev->stats;

	EXPECT_EQ(t, icmp_ping(INADDR_LOOPBACK, 0x7e57, 1, 8, 1000, NULL), 0);
	/* Request and reply: each sent once and received once on lo. */
	EXPECT_EQ(t, loopback_dev->stats.tx_packets - before.tx_packets, 2);
	EXPECT_EQ(t, loopback_dev->stats.rx_packets - before.rx_packets, 2);
	EXPECT_EQ(t, loopback_dev->stats.rx_bytes - before.rx_bytes,
		  loopback_dev->stats.tx_bytes - before.tx_bytes);
}

static int exec(const char *cmd)
{
	char line[MONITOR_LINE_MAX];

	strncpy(line, cmd, sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	return monitor_exec(line);
}

TEST_CASE(netdev_test_monitor_commands_show_the_stack)
{
	struct net_device *dev = net_test_nic(t);
	u64 mark = log_seq();

	EXPECT_EQ(t, exec("ifconfig"), 0);
	EXPECT_TRUE(t, log_contains(mark, "lo: <UP,LOOPBACK"));
	EXPECT_TRUE(t, log_contains(mark, "inet 127.0.0.1/8"));
	EXPECT_TRUE(t, log_contains(mark, "inet 192.168.77.1/24 brd 192.168.77.255"));
	EXPECT_TRUE(t, log_contains(mark, "RX:  bytes packets errors dropped"));
	mark = log_seq();
	EXPECT_EQ(t, exec("ping 127.0.0.1 1"), 0);
	EXPECT_TRUE(t, log_contains(mark, "64 bytes from 127.0.0.1: icmp_seq=1 time="));
	EXPECT_TRUE(t, log_contains(mark, "1 packets transmitted, 1 received, 0% packet loss"));
	mark = log_seq();
	EXPECT_EQ(t, exec("netstat"), 0);
	EXPECT_TRUE(t, log_contains(mark, "Icmp: InMsgs"));
	EXPECT_TRUE(t, log_contains(mark, "Drops by reason:"));
	EXPECT_EQ(t, exec("ifconfig nosuchdev 10.0.0.1/8"), -EINVAL);
	EXPECT_EQ(t, exec("ifconfig lo 10.0.0.1/33"), -EINVAL);
	EXPECT_EQ(t, exec("ping 300.1.1.1"), -EINVAL);
	net_test_nic_destroy(dev);
}

/* An skb with an Ethernet frame in it, for dev_queue_xmit on @dev (ASSERTed). */
static struct sk_buff *xmit_skb(struct ktest *t, struct net_device *dev)
{
	struct sk_buff *skb = alloc_skb(128, GFP_KERNEL);
	struct frame f;

	ASSERT_NOT_NULL(t, skb);
	frame_arp(&f, ARPOP_REQUEST, our_mac, OUR_IP, PEER_IP);
	skb_put_data(skb, f.data, f.len);
	skb->dev = dev;
	return skb;
}

/*
 * netif_tx_lock_bh keeps every CPU out of the driver: a transmit meanwhile
 * waits in the backlog, and goes out when the lock is dropped.
 */
TEST_CASE(netdev_test_tx_lock_holds_transmits_until_unlocked)
{
	struct net_device *dev = net_test_nic(t);
	struct sk_buff *skb = xmit_skb(t, dev);

	netif_tx_lock_bh(dev);
	EXPECT_EQ(t, dev_queue_xmit(skb), NET_XMIT_SUCCESS);
	EXPECT_EQ(t, tnic_tx_count(dev), 0);
	EXPECT_EQ(t, skb_queue_len(&netdev_get_tx_queue(dev, 0)->tx_backlog), 1);
	netif_tx_unlock_bh(dev); /* NET_TX_SOFTIRQ sends it as bottom halves come back */
	EXPECT_EQ(t, tnic_tx_count(dev), 1);
	EXPECT_EQ(t, skb_queue_len(&netdev_get_tx_queue(dev, 0)->tx_backlog), 0);
	net_test_nic_destroy(dev);
}

/* netif_tx_disable stops the queue until the driver wakes it. */
TEST_CASE(netdev_test_tx_disable_stops_the_queue_until_woken)
{
	struct net_device *dev = net_test_nic(t);
	struct sk_buff *skb = xmit_skb(t, dev);

	netif_tx_disable(dev);
	EXPECT_TRUE(t, netif_queue_stopped(dev));
	EXPECT_EQ(t, dev_queue_xmit(skb), NET_XMIT_SUCCESS);
	EXPECT_EQ(t, tnic_tx_count(dev), 0);
	tnic_set_busy(dev, false); /* netif_wake_queue */
	EXPECT_EQ(t, tnic_tx_count(dev), 1);
	net_test_nic_destroy(dev);
}

/*
 * netif_wake_queue is "Context: any": a wake without the queue lock that
 * comes between a sender's look at the stopped queue and its enqueue still
 * gets the packet out.  The test plays both CPUs in the order of the race:
 * the sender (dev_queue_xmit, holding _xmit_lock) sees STOPPED; the test
 * NIC's completion (tnic_set_busy, no lock) wakes the queue and finds the
 * backlog still empty; then the sender adds its packet.
 */
TEST_CASE(netdev_test_wake_racing_a_sender_that_saw_the_queue_stopped_sends_its_packet)
{
	struct net_device *dev = net_test_nic(t);
	struct netdev_queue *txq = netdev_get_tx_queue(dev, 0);
	struct sk_buff *skb = xmit_skb(t, dev);

	netif_tx_disable(dev);
	local_bh_disable();
	__netif_tx_lock(txq, smp_processor_id());
	EXPECT_TRUE(t, netif_xmit_frozen_or_stopped(txq)); /* the sender: to the backlog */
	tnic_set_busy(dev, false);			   /* the waker, without the lock */
	skb_queue_tail(&netdev_get_tx_queue(dev, 0)->tx_backlog, skb); /* the sender's enqueue */
	__netif_tx_unlock(txq);
	local_bh_enable(); /* NET_TX_SOFTIRQ, if the wake scheduled it */
	EXPECT_EQ(t, tnic_tx_count(dev), 1);
	EXPECT_EQ(t, skb_queue_len(&netdev_get_tx_queue(dev, 0)->tx_backlog), 0);
	net_test_nic_destroy(dev);
}

static const struct ktest_case net_dev_cases[] = {
	KTEST(netdev_test_register_names_devices_and_opens_them),
	KTEST(netdev_test_register_refuses_a_taken_name),
	KTEST(netdev_test_rx_and_tx_are_counted_as_ip_link_shows),
	KTEST(netdev_test_runt_frames_are_length_errors),
	KTEST(netdev_test_unknown_ethertypes_and_llc_are_dropped),
	KTEST(netdev_test_frames_for_another_mac_are_dropped),
	KTEST(netdev_test_napi_polls_in_weight_sized_batches),
	KTEST(netdev_test_budget_exhausted_leaves_the_rest_for_later),
	KTEST(netdev_test_netif_rx_backlog_is_bounded),
	KTEST(netdev_test_stopped_queue_holds_frames_and_sends_them_in_order),
	KTEST(netdev_test_stopped_queue_backlog_is_bounded),
	KTEST(netdev_test_tx_lock_holds_transmits_until_unlocked),
	KTEST(netdev_test_tx_disable_stops_the_queue_until_woken),
	KTEST(netdev_test_wake_racing_a_sender_that_saw_the_queue_stopped_sends_its_packet),
	KTEST(netdev_test_down_device_drops_what_it_is_given),
	KTEST(netdev_test_unregister_drops_packets_waiting_for_arp),
	KTEST(netdev_test_loopback_counts_both_directions),
	KTEST(netdev_test_monitor_commands_show_the_stack),
	{}
};
TEST_SUITE(net_dev, net_dev_cases);
