/*
 * SPDX-License-Identifier: MIT
 * tests/drivers/test_virtio_net.c - the virtio-net driver against QEMU's device,
 * suite `virtio_net`.  Without a virtio-net device every case skips.
 *
 * tools/run-tests.py's virtio-net variants boot with two NICs:
 *
 *   -netdev user,id=n0,hostfwd=udp:127.0.0.1:E-10.0.2.15:7,hostfwd=udp:127.0.0.1:S-10.0.2.15:4321
 *   -device virtio-net-pci,netdev=n0,mac=52:54:00:7e:57:00      eth0, 10.0.2.15/24 (ip=)
 *   -netdev user,id=n1,net=10.0.3.0/24
 *   -device virtio-net-pci,netdev=n1,mac=52:54:00:7e:57:01      eth1, 10.0.3.15/24 (set here)
 *
 * once modern first (disable-legacy=on, then disable-modern=on) and once
 * legacy first with `pci=nomsi virtio_net=nomrg,noanylayout,nomac` (the
 * 10-byte header in a descriptor of its own, INTx, a random MAC), and
 * with vnet_test.echo_port=E vnet_test.self_port=S: the host ports that
 * QEMU forwards back into the guest.  A datagram the guest sends to
 * 10.0.2.2:E goes out through eth0 to QEMU's user network, which hands it
 * to the host's 127.0.0.1:E, which QEMU's forwarding brings back in
 * through eth0 to the echo service on port 7; its answer takes the same
 * way back.  So every datagram crosses the driver's RX and TX paths twice
 * with no program on the host: real traffic for the in-guest tests.
 * Port S comes back to VNET_SELF_PORT, a socket of the test's own.
 *
 * A case sends traffic through a NIC, feeds its receive path, re-addresses,
 * unbinds or rebinds it only if the runner made it for tests: MAC
 * 52:54:00:7e:57:xx (tests/lib/scratch_dev.h).  On make run's NIC (MAC
 * 52:54:00:12:34:56, the user's) those cases skip ("virtio0 is not a test
 * NIC (MAC ...): left alone"); the ones that only look still run.  The
 * runner fails these boots if anything skips for want of its machine.
 */
#include <drivers/virtio_net.h>
#include <drivers/virtio_net_test.h>
#include <drivers/virtio_pci.h>
#include <kernel/cmdline.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <mm/fault_inject.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/sock.h>
#include <net/socket.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "net_test.h"
#include "probe_fault.h"
#include "scratch_dev.h"

#define VNET_SELF_PORT 4321			     /* where host port S comes back in */
#define SLIRP_HOST     __constant_htonl(0x0a000202U) /* 10.0.2.2: QEMU's gateway, the host */
#define ROUND_TRIP_MS  1000

static long echo_port, self_port;
static const struct kernel_param __param_vnet_echo_port __section(".cmdline_params")
	__used __aligned(8) = {
		.name = "vnet_test.echo_port",
		.type = PARAM_INT,
		.var = &echo_port,
		.min = 0,
		.max = 65535,
		.help = "virtio_net tests: host UDP port QEMU forwards to 10.0.2.15:7",
	};
static const struct kernel_param __param_vnet_self_port __section(".cmdline_params")
	__used __aligned(8) = {
		.name = "vnet_test.self_port",
		.type = PARAM_INT,
		.var = &self_port,
		.min = 0,
		.max = 65535,
		.help = "virtio_net tests: host UDP port QEMU forwards to 10.0.2.15:4321",
	};

/* ---- helpers ------------------------------------------------------------------------- */

/* eth@n if it is a virtio-net device (eth0, eth1 in the variants), or skip. */
static struct virtnet_info *vnet_nth(struct ktest *t, unsigned int n)
{
	struct virtnet_info *vi;
	char name[IFNAMSIZ];

	snprintf(name, sizeof(name), "eth%u", n);
	vi = virtnet_from_netdev(dev_get_by_name(name));
	if (!vi)
		ktest_skip(t, "not enough virtio-net devices (the virtio-net variants have two)");
	return vi;
}

/* eth@n as vnet_nth, if the runner made it for tests (its MAC); else skip, leaving it alone. */
static struct virtnet_info *vnet_scratch(struct ktest *t, unsigned int n)
{
	struct virtnet_info *vi = vnet_nth(t, n);

	scratch_need_nic(t, vi->vdev);
	return vi;
}

static unsigned int vnet_count(void)
{
	struct virtnet_info *vi;
	unsigned int n = 0;

	list_for_each_entry(vi, &virtnet_devices, node)
		n++;
	return n;
}

/* The subnet of the n-th device's user network: 10.0.2.0/24, 10.0.3.0/24, ... */
static __be32 vnet_addr(unsigned int n, u8 host)
{
	return htonl(0x0a000000U | (2 + n) << 8 | host);
}

/* Give device @n its address (eth0 has it from ip=); returns the gateway to ping. */
static __be32 vnet_configure(struct ktest *t, struct virtnet_info *vi, unsigned int n)
{
	if (!vi->dev->ip4.ifa_local)
		ASSERT_EQ(t, inet_addr_set(vi->dev, vnet_addr(n, 15), 24), 0);
	return vnet_addr(n, 2);
}

static void need_port(struct ktest *t, long port)
{
	if (!port)
		ktest_skip(t, "no forwarded host port (vnet_test.echo_port=, the variants set it)");
}

static struct socket *vnet_sock(struct ktest *t, u16 port)
{
	struct socket *sock;

	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	if (port && udp_bind(sock, port)) {
		sock_release(sock);
		ASSERT_TRUE(t, false);
	}
	sock_set_rcvtimeo(sock, ROUND_TRIP_MS);
	return sock;
}

/*
 * Send @len bytes of @msg to 10.0.2.2:@port and wait for the same bytes to
 * come back (the echo service's answer, or our own datagram).  Tries
 * @tries times (QEMU's user network may drop under load).  Returns true
 * if they came back.
 */
static bool vnet_round_trip(struct socket *sock, u16 port, const void *msg, size_t len, int tries)
{
	static u8 buf[UDP_MAX_PAYLOAD];

	while (tries-- > 0) {
		if (udp_sendto(sock, msg, len, SLIRP_HOST, port) != (int)len)
			continue;
		for (;;) {
			int n = udp_recvfrom(sock, buf, sizeof(buf), NULL, NULL, 0);

			if (n < 0)
				break; /* timed out: send again */
			if ((size_t)n == len && !memcmp(buf, msg, len))
				return true; /* else a late answer to an earlier try */
		}
	}
	return false;
}

/* Wait up to @ms for @sk to hold @n datagrams. */
static bool vnet_wait_queued(struct sock *sk, unsigned int n, unsigned int ms)
{
	return ktest_wait_until(skb_queue_len(&sk->sk_receive_queue) >= n, ms);
}

/* Wait up to @ms for @vi's receive ring to be full again. */
static bool vnet_wait_ring_full(struct virtnet_info *vi, unsigned int ms)
{
	return ktest_wait_until(virtnet_rx_ring_full(vi), ms);
}

/* ---- binding, configuration, features --------------------------------------------------- */

TEST_CASE(virtio_net_test_every_device_is_bound)
{
	struct virtio_device *vdev = NULL;
	unsigned int n = 0;
	char name[IFNAMSIZ];

	while ((vdev = virtio_get_device(VIRTIO_ID_NET, vdev))) {
		struct virtnet_info *vi = vdev->priv;

		EXPECT_EQ(t, vdev->driver, &virtnet_driver);
		ASSERT_NOT_NULL(t, vi);
		snprintf(name, sizeof(name), "eth%u", n++);
		EXPECT_STREQ(t, vi->dev->name, name); /* eth0, eth1 in PCI order */
		EXPECT_EQ(t, dev_get_by_name(name), vi->dev);
		EXPECT_TRUE(t, netif_running(vi->dev));
	}
	if (!n)
		ktest_skip(t, "no virtio-net device");
	EXPECT_EQ(t, vnet_count(), n);
}

/* The variants' machine: two test NICs, one on each transport (only a modern one has VERSION_1). */
TEST_CASE(virtio_net_test_two_test_nics_one_modern_one_legacy)
{
	unsigned int tests = 0, modern = 0;

	for (unsigned int n = 0; n < vnet_count(); n++) {
		struct virtnet_info *vi = vnet_nth(t, n);

		if (!scratch_nic(vi->vdev, NULL))
			continue;
		tests++;
		modern += virtio_has_feature(vi->vdev, VIRTIO_F_VERSION_1);
	}
	if (tests < 2)
		ktest_skip(t, "fewer than two test NICs (the virtio-net variants have two)");
	EXPECT_EQ(t, tests, 2);
	EXPECT_EQ(t, modern, 1);
}

/* 5.1.5 step 5: the MAC QEMU was given (the runner's: 52:54:00:7e:57:0n), or a random local one. */
TEST_CASE(virtio_net_test_mac_comes_from_config_space)
{
	for (unsigned int n = 0; n < vnet_count(); n++) {
		struct virtnet_info *vi = vnet_nth(t, n);
		u8 given[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x7e, 0x57, n }, mac[ETH_ALEN];

		if (!virtio_has_feature(vi->vdev, VIRTIO_NET_F_MAC)) {
			EXPECT_TRUE(t, is_valid_ether_addr(vi->dev->dev_addr));
			EXPECT_TRUE(t, vi->dev->dev_addr[0] & 0x02); /* locally administered */
			continue;
		}
		virtio_cread(vi->vdev, struct virtio_net_config, mac, &mac);
		EXPECT_EQ(t, memcmp(vi->dev->dev_addr, mac, ETH_ALEN), 0);
		if (scratch_nic(vi->vdev, NULL)) /* make run's is the user's choice */
			EXPECT_EQ(t, memcmp(vi->dev->dev_addr, given, ETH_ALEN), 0);
	}
	if (!vnet_count())
		ktest_skip(t, "no virtio-net device");
}

TEST_CASE(virtio_net_test_random_macs_are_local_unicast_and_differ)
{
	u8 a[ETH_ALEN], b[ETH_ALEN];

	virtnet_random_mac(a);
	virtnet_random_mac(b);
	EXPECT_TRUE(t, is_valid_ether_addr(a));
	EXPECT_EQ(t, a[0] & 0x03, 0x02); /* unicast, locally administered */
	EXPECT_EQ(t, b[0] & 0x03, 0x02);
	EXPECT_NE(t, memcmp(a, b, ETH_ALEN), 0);
}

/* 5.1.6: 12 bytes with VERSION_1 or MRG_RXBUF, else 10; legacy without ANY_LAYOUT: split. */
TEST_CASE(virtio_net_test_header_layout_follows_the_features)
{
	for (unsigned int n = 0; n < vnet_count(); n++) {
		struct virtnet_info *vi = vnet_nth(t, n);
		bool v1 = virtio_has_feature(vi->vdev, VIRTIO_F_VERSION_1);
		bool mrg = virtio_has_feature(vi->vdev, VIRTIO_NET_F_MRG_RXBUF);
		bool any = virtio_has_feature(vi->vdev, VIRTIO_F_ANY_LAYOUT);

		EXPECT_EQ(t, vi->hdr_len, v1 || mrg ? 12 : 10);
		EXPECT_EQ(t, vi->rx_descs, v1 || any ? 1 : 2);
		EXPECT_GE(t, vi->rx_buf_len, 1526); /* 5.1.6.3.1 */
		pr_info("virtio_net test: %s: %s, header %u bytes in %s, rx buffers of %u\n",
			vi->dev->name, v1 ? "modern" : "legacy", vi->hdr_len,
			vi->rx_descs == 1 ? "the same descriptor" : "its own descriptor",
			vi->rx_buf_len);
	}
	if (!vnet_count())
		ktest_skip(t, "no virtio-net device");
}

/* 5.1.5 step 6: the link status comes from the config space; QEMU's link is up. */
TEST_CASE(virtio_net_test_link_is_up)
{
	for (unsigned int n = 0; n < vnet_count(); n++) {
		struct virtnet_info *vi = vnet_nth(t, n);

		EXPECT_TRUE(t, virtio_has_feature(vi->vdev, VIRTIO_NET_F_STATUS));
		EXPECT_TRUE(t,
			    virtio_cread16(vi->vdev, offsetof(struct virtio_net_config, status)) &
				    VIRTIO_NET_S_LINK_UP);
		EXPECT_TRUE(t, netif_carrier_ok(vi->dev));
	}
	if (!vnet_count())
		ktest_skip(t, "no virtio-net device");
}

TEST_CASE(virtio_net_test_rx_ring_is_kept_full)
{
	for (unsigned int n = 0; n < vnet_count(); n++) {
		struct virtnet_info *vi = vnet_nth(t, n);

		EXPECT_TRUE(t, vnet_wait_ring_full(vi, 1000));
		for (unsigned int i = 0; i < vi->curr_queue_pairs; i++) {
			struct receive_queue *rq = &vi->rq[i];

			EXPECT_EQ(t, virtqueue_num_in_flight(rq->vq), rq->rx_posted);
			EXPECT_GT(t, rq->rx_posted, rq->vq->num_max / 2 - 1);
		}
	}
	if (!vnet_count())
		ktest_skip(t, "no virtio-net device");
}

/* ---- traffic ---------------------------------------------------------------------------- */

/* QEMU's user network answers pings to its gateway itself; each NIC through its own. */
TEST_CASE(virtio_net_test_ping_the_gateway_through_each_nic)
{
	for (unsigned int n = 0; n < vnet_count(); n++) {
		struct virtnet_info *vi = vnet_scratch(t, n);
		struct net_device_stats before = vi->dev->stats;
		__be32 gw = vnet_configure(t, vi, n);
		int err = -ETIMEDOUT;
		u64 rtt = 0;

		for (int i = 0; i < 3 && err; i++)
			err = icmp_ping(gw, 0x7e57, (u16)i, 56, ROUND_TRIP_MS, &rtt);
		EXPECT_EQ(t, err, 0);
		EXPECT_GE(t, vi->dev->stats.rx_packets, before.rx_packets + 1);
		EXPECT_GE(t, vi->dev->stats.tx_packets, before.tx_packets + 1);
		EXPECT_GE(t, vi->dev->stats.rx_bytes, before.rx_bytes + 14 + 20 + 8 + 56);
		EXPECT_EQ(t, vi->dev->stats.rx_errors, before.rx_errors);
		EXPECT_EQ(t, vi->dev->stats.tx_errors, before.tx_errors);
		if (n)
			inet_addr_set(vi->dev, 0, 0);
	}
	if (!vnet_count())
		ktest_skip(t, "no virtio-net device");
}

/* Datagrams of every size up to the MTU, out to the host and back to the echo service and us. */
TEST_CASE(virtio_net_test_udp_through_the_host_to_the_echo_service)
{
	static const size_t sizes[] = { 1, 18, 64, 512, 1000, 1472 }; /* 1472: a 1514-byte frame */
	struct virtnet_info *vi = vnet_scratch(t, 0);
	static u8 msg[1472];
	struct socket *sock;

	need_port(t, echo_port);
	sock = vnet_sock(t, 0);
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (u8)(i * 7 + 3);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		msg[0] = (u8)i;
		EXPECT_TRUE(t, vnet_round_trip(sock, (u16)echo_port, msg, sizes[i], 3));
	}
	EXPECT_EQ(t, vi->dev->stats.rx_errors, 0);
	sock_release(sock);
}

/* ---- sent frames: freed without a TX interrupt ----------------------------------------------- */

/* IEEE 802 local experimental EtherType 1: QEMU's user network drops it. */
#define VNET_SILENT_PROTO 0x88b5

/* A 60-byte broadcast frame nobody answers, for queue 0 of @vi; NULL if out of memory. */
static struct sk_buff *vnet_silent_skb(struct virtnet_info *vi)
{
	struct sk_buff *skb = alloc_skb(NET_SKB_PAD + ETH_ZLEN, GFP_KERNEL);
	struct frame f;

	if (!skb)
		return NULL;
	skb_reserve(skb, NET_SKB_PAD); /* room for the virtio header in front */
	frame_ether(&f, bcast_mac, VNET_SILENT_PROTO);
	memset(f.data + ETH_HLEN, 0x5a, ETH_ZLEN - ETH_HLEN);
	skb_put_data(skb, f.data, ETH_ZLEN);
	skb->dev = vi->dev;
	skb_set_queue_mapping(skb, 0);
	return skb;
}

/* Do @vi's queues share an interrupt (INTx, or one MSI-X vector)?  Each runs every callback. */
static bool vnet_shared_line(struct virtnet_info *vi)
{
	return !to_vp_device(vi->vdev)->per_vq_vectors;
}

/* Send ring @i of @vi empty (all sent and freed) and its reclaim timer not pending. */
static bool vnet_tx_ring_idle(struct virtnet_info *vi, unsigned int i)
{
	return READ_ONCE(vi->sq[i].vq->num_free) == vi->sq[i].vq->num_max &&
	       !timer_pending(&vi->sq[i].reclaim_timer);
}

/* Every send ring of @vi idle (vnet_tx_ring_idle); each waited for up to @ms. */
static bool vnet_wait_tx_idle(struct virtnet_info *vi, unsigned int ms)
{
	for (unsigned int i = 0; i < vi->curr_queue_pairs; i++)
		if (!ktest_wait_until(vnet_tx_ring_idle(vi, i), ms))
			return false;
	return true;
}

/* Wait up to @ms for @vi to have freed @n sent frames more than @before says. */
static bool vnet_wait_tx_completed(struct virtnet_info *vi, const struct virtnet_stats *before,
				   unsigned long n, unsigned int ms)
{
	return ktest_wait_until(READ_ONCE(vi->stats.tx_completed) >= before->tx_completed + n, ms);
}

/*
 * As in 3.10, the TX interrupt is off while the queue runs.  A frame that
 * no later transmit or receive collects (nothing answers this one) is
 * freed by the send queue's reclaim timer, armed by the transmit.
 */
TEST_CASE(virtio_net_test_a_sent_frame_is_freed_by_the_reclaim_timer_not_an_interrupt)
{
	struct virtnet_info *vi = vnet_scratch(t, 0);
	struct virtnet_stats before;
	struct sk_buff *skb;

	ASSERT_TRUE(t, vnet_wait_tx_idle(vi, 1000));
	before = vi->stats;
	skb = vnet_silent_skb(vi);
	ASSERT_NOT_NULL(t, skb);
	EXPECT_EQ(t, dev_queue_xmit(skb), NET_XMIT_SUCCESS);
	EXPECT_TRUE(t, vnet_wait_tx_completed(vi, &before, 1, 1000));
	EXPECT_EQ(t, vi->stats.tx_completed, before.tx_completed + 1);
	EXPECT_GE(t, vi->stats.tx_reclaim_timer, before.tx_reclaim_timer + 1);
	if (!vnet_shared_line(vi)) /* on a shared line any interrupt runs the TX callback */
		EXPECT_EQ(t, vi->stats.tx_interrupts, before.tx_interrupts);
	EXPECT_TRUE(t, vnet_wait_tx_idle(vi, 1000));
}

/*
 * A send ring without room for another frame stops its net queue and
 * arms the TX interrupt (3.10's virtqueue_enable_cb_delayed); the poll it
 * schedules frees what was sent and wakes the queue.  The ring is filled
 * under the queue's lock without a kick, so the device cannot empty it
 * first; the last frame goes through ndo_start_xmit, which kicks.  The
 * reclaim timer that transmit armed is taken off, so the wake-up is the
 * interrupt's (the timer frees what is left after it).
 */
TEST_CASE(virtio_net_test_a_full_send_ring_stops_the_queue_until_the_tx_interrupt)
{
	struct virtnet_info *vi = vnet_scratch(t, 0);
	struct netdev_queue *txq = netdev_get_tx_queue(vi->dev, 0);
	struct send_queue *sq = &vi->sq[0];
	unsigned int per = 1, fillers = 0; /* descriptors a frame takes: 2 for a header apart */
	struct sk_buff_head skbs;
	struct virtnet_stats before;
	netdev_tx_t ret;
	bool stopped;

	skb_queue_head_init(&skbs);
	for (unsigned int i = 0; i <= sq->vq->num_max; i++) {
		struct sk_buff *skb = vnet_silent_skb(vi);

		if (!skb) {
			__skb_queue_purge(&skbs);
			ASSERT_TRUE(t, false);
		}
		__skb_queue_tail(&skbs, skb);
	}
	ASSERT_TRUE(t, vnet_wait_tx_idle(vi, 1000));
	msleep(20); /* the device's last look at the ring is over */
	before = vi->stats;

	local_bh_disable();
	__netif_tx_lock(txq, smp_processor_id());
	while (sq->vq->num_free >= 2 * per) { /* stop with room for one frame, not two */
		struct sk_buff *skb = __skb_dequeue(&skbs);
		unsigned int free = sq->vq->num_free;

		if (virtnet_xmit_skb(vi, sq, skb)) {
			__skb_queue_head(&skbs, skb);
			break;
		}
		per = free - sq->vq->num_free; /* (an indirect table: one) */
		fillers++;
	}
	ret = vi->dev->netdev_ops->ndo_start_xmit(__skb_dequeue(&skbs), vi->dev);
	stopped = __netif_subqueue_stopped(vi->dev, 0);
	del_timer(&sq->reclaim_timer); /* so only the TX interrupt can wake the queue */
	__netif_tx_unlock(txq);
	local_bh_enable();
	__skb_queue_purge(&skbs);

	EXPECT_EQ(t, ret, NETDEV_TX_OK);
	EXPECT_TRUE(t, stopped);
	EXPECT_GE(t, fillers, sq->vq->num_max / per - 2);
	EXPECT_TRUE(t, vnet_wait_tx_completed(vi, &before, fillers + 1, 2000));
	EXPECT_TRUE(t, vnet_wait_tx_idle(vi, 1000));
	EXPECT_FALSE(t, __netif_subqueue_stopped(vi->dev, 0));
	EXPECT_EQ(t, vi->stats.tx_completed, before.tx_completed + fillers + 1);
	EXPECT_GE(t, vi->stats.tx_interrupts, before.tx_interrupts + 1);
}

/* ---- what the device writes is checked ----------------------------------------------------- */

/* An empty receive buffer as the driver posts it, with @hdr in front of an Ethernet frame. */
static struct sk_buff *vnet_rx_buf(struct ktest *t, struct virtnet_info *vi,
				   const struct virtio_net_hdr_mrg_rxbuf *hdr)
{
	struct sk_buff *skb = netdev_alloc_skb(vi->dev, vi->rx_buf_len);
	struct frame f;

	ASSERT_NOT_NULL(t, skb);
	memset(skb->data, 0, vi->rx_buf_len);
	memcpy(skb->data, hdr, vi->hdr_len);
	frame_udp(&f, PEER_IP, OUR_IP, 5555, 9, "x", 1); /* to another MAC: dropped upstairs */
	memcpy(skb->data + vi->hdr_len, f.data, f.len);
	return skb;
}

static int vnet_feed(struct virtnet_info *vi, struct sk_buff *skb, unsigned int len)
{
	int ret;

	local_bh_disable(); /* as in the NAPI poll */
	ret = virtnet_receive(vi, &vi->rq[0], skb, len);
	local_bh_enable();
	return ret;
}

/* A used length shorter than the header, or longer than the buffer: counted, dropped. */
TEST_CASE(virtio_net_test_bad_used_lengths_are_counted_and_dropped)
{
	struct virtnet_info *vi = vnet_scratch(t, 0);
	struct virtio_net_hdr_mrg_rxbuf hdr = { .num_buffers = 1 };
	struct net_device_stats before = vi->dev->stats;
	struct virtnet_stats vs = vi->stats;
	unsigned int frame = vi->hdr_len + ETH_HLEN + 20 + 8 + 1;

	EXPECT_EQ(t, vnet_feed(vi, vnet_rx_buf(t, vi, &hdr), 0), -EINVAL);
	EXPECT_EQ(t, vnet_feed(vi, vnet_rx_buf(t, vi, &hdr), vi->hdr_len - 1), -EINVAL);
	EXPECT_EQ(t, vnet_feed(vi, vnet_rx_buf(t, vi, &hdr), vi->rx_buf_len + 1), -EINVAL);
	EXPECT_EQ(t, vi->stats.rx_short, vs.rx_short + 2);
	EXPECT_EQ(t, vi->stats.rx_too_long, vs.rx_too_long + 1);
	EXPECT_EQ(t, vi->dev->stats.rx_length_errors, before.rx_length_errors + 3);
	EXPECT_EQ(t, vi->dev->stats.rx_errors, before.rx_errors + 3);
	EXPECT_EQ(t, vi->dev->stats.rx_packets, before.rx_packets); /* nothing went up */
	/* The same buffer with its real length goes up. */
	EXPECT_EQ(t, vnet_feed(vi, vnet_rx_buf(t, vi, &hdr), frame), 0);
	EXPECT_EQ(t, vi->dev->stats.rx_packets, before.rx_packets + 1);
	EXPECT_EQ(t, vi->dev->stats.rx_bytes, before.rx_bytes + frame - vi->hdr_len);
}

/* Header fields we never negotiated (GSO, NEEDS_CSUM) and impossible num_buffers. */
TEST_CASE(virtio_net_test_bad_headers_are_counted_and_dropped)
{
	struct virtnet_info *vi = vnet_scratch(t, 0);
	struct virtio_net_hdr_mrg_rxbuf good = { .num_buffers = 1 }, gso = good, csum = good;
	struct net_device_stats before = vi->dev->stats;
	struct virtnet_stats vs = vi->stats;
	unsigned int len = vi->hdr_len + 60;

	gso.hdr.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	csum.hdr.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	EXPECT_EQ(t, vnet_feed(vi, vnet_rx_buf(t, vi, &gso), len), -EINVAL);
	EXPECT_EQ(t, vnet_feed(vi, vnet_rx_buf(t, vi, &csum), len), -EINVAL);
	EXPECT_EQ(t, vi->stats.rx_bad_hdr, vs.rx_bad_hdr + 2);
	EXPECT_EQ(t, vi->dev->stats.rx_frame_errors, before.rx_frame_errors + 2);
	good.hdr.flags = VIRTIO_NET_HDR_F_DATA_VALID | 0x80; /* known-harmless and unknown bits */
	EXPECT_EQ(t, vnet_feed(vi, vnet_rx_buf(t, vi, &good), len), 0);
	if (vi->mergeable) {
		struct virtio_net_hdr_mrg_rxbuf three = { .num_buffers = 3 },
						none = { .num_buffers = 0 };

		/* A packet over three buffers: its two followers are dropped unread. */
		EXPECT_EQ(t, vnet_feed(vi, vnet_rx_buf(t, vi, &three), len), -EINVAL);
		EXPECT_EQ(t, vnet_feed(vi, vnet_rx_buf(t, vi, &good), len), -EINVAL);
		EXPECT_EQ(t, vnet_feed(vi, vnet_rx_buf(t, vi, &good), len), -EINVAL);
		EXPECT_EQ(t, vnet_feed(vi, vnet_rx_buf(t, vi, &none), len), -EINVAL);
		EXPECT_EQ(t, vnet_feed(vi, vnet_rx_buf(t, vi, &good), len), 0);
		EXPECT_EQ(t, vi->stats.rx_merged, vs.rx_merged + 2);
		EXPECT_EQ(t, vi->stats.rx_merged_bufs, vs.rx_merged_bufs + 2);
		EXPECT_EQ(t, vi->dev->stats.rx_length_errors, before.rx_length_errors + 2);
	}
	EXPECT_EQ(t, vi->dev->stats.rx_packets, before.rx_packets + 1 + vi->mergeable);
}

/* ---- memory running out ------------------------------------------------------------------ */

static void failslab_atomic_on(void)
{
	fault_attr_reset(&failslab);
	fault_attr_parse(&failslab, "1,100,0,-1");
	/*
	 * ignore_gfp_wait stays on: only GFP_ATOMIC (the refill) fails, not the
	 * sender's GFP_KERNEL.
	 */
	failslab.ignore_gfp_wait = true;
}

/*
 * With every atomic slab allocation failing, each frame received leaves
 * the ring one buffer emptier, until it is empty and the device must hold
 * what comes.  When memory is back the refill timer fills it, the held
 * answer arrives, and traffic goes on.
 */
TEST_CASE(virtio_net_test_rx_refill_recovers_after_failslab)
{
	struct virtnet_info *vi = vnet_scratch(t, 0);
	unsigned long refill_failed = vi->stats.rx_refill_failed;
	unsigned long timer = vi->stats.rx_refill_timer;
	unsigned int i, limit = vi->rq[0].vq->num_max + 8;
	struct socket *sock;
	char msg[16];
	bool lost = false;

	need_port(t, echo_port);
	sock = vnet_sock(t, 0);
	ASSERT_TRUE(t, vnet_round_trip(sock, (u16)echo_port, "warm", 4, 3)); /* ARP */
	failslab_atomic_on();
	for (i = 0; i < limit && !lost; i++) {
		snprintf(msg, sizeof(msg), "drain %u", i);
		/* Unanswered with buffers left: an ordinary loss; with none: dry. */
		lost = !vnet_round_trip(sock, (u16)echo_port, msg, strlen(msg), 1) &&
		       !READ_ONCE(vi->rq[0].rx_posted);
	}
	fault_attr_reset(&failslab);
	EXPECT_TRUE(t, lost); /* the ring ran dry ... */
	EXPECT_GT(t, vi->stats.rx_refill_failed, refill_failed);
	/* ... and the answer QEMU held arrives once the timer has refilled it. */
	sock_set_rcvtimeo(sock, 3000);
	{
		char buf[16] = { 0 };
		int n = udp_recvfrom(sock, buf, sizeof(buf), NULL, NULL, 0);

		EXPECT_EQ(t, n, (int)strlen(msg));
		EXPECT_EQ(t, memcmp(buf, msg, strlen(msg)), 0);
	}
	EXPECT_GT(t, vi->stats.rx_refill_timer, timer);
	EXPECT_TRUE(t, vnet_round_trip(sock, (u16)echo_port, "after", 5, 3));
	EXPECT_TRUE(t, vnet_wait_ring_full(vi, 1000));
	pr_info("virtio_net test: the ring ran dry after %u round trips; %lu refills failed\n", i,
		vi->stats.rx_refill_failed - refill_failed);
	sock_release(sock);
}

/* Every page the allocator would give GFP_ATOMIC, on a private list. */
/* Memory down to the reserve: every page GFP_NOWAIT and then GFP_ATOMIC can take. */
static void vnet_hog_all(struct ktest_hog *h)
{
	ktest_hog_init(h);
	ktest_hog_take(h, GFP_NOWAIT);
	ktest_hog_take(h, GFP_ATOMIC);
}

/*
 * Send to ourselves through the host until @want datagrams arrived in
 * reserve memory (pfmemalloc), holding them all; at most @limit sends.
 * Returns the datagrams sent.
 */
static unsigned int vnet_fill_from_reserve(struct socket *sock, unsigned int want,
					   unsigned int limit, unsigned int *pf)
{
	struct sk_buff_head *q = &sock->sk->sk_receive_queue;
	unsigned int sent = 0;

	for (*pf = 0; *pf < want && sent < limit; sent++) {
		char msg[16];

		unsigned int queued = skb_queue_len(q);

		int tries = 3;

		snprintf(msg, sizeof(msg), "reserve %u", sent);
		do { /* QEMU's user network may drop one: send it again */
			if (udp_sendto(sock, msg, strlen(msg), SLIRP_HOST, (u16)self_port) < 0)
				return sent;
		} while (!vnet_wait_queued(sock->sk, queued + 1, ROUND_TRIP_MS) && --tries);
		if (!tries)
			return sent;
		*pf += skb_peek_tail(q)->pfmemalloc;
	}
	return sent;
}

/*
 * Send a datagram from @sock to the echo service and wait until it is
 * dropped (sk_pfmemalloc_drops past @drops), answered (the answer queued on
 * @sock) or lost.  True if dropped.
 */
static bool vnet_echo_dropped(struct socket *sock, unsigned long drops)
{
	struct sk_buff_head *q = &sock->sk->sk_receive_queue;
	unsigned int queued = skb_queue_len(q);

	if (udp_sendto(sock, "to echo", 7, SLIRP_HOST, (u16)echo_port) < 0)
		return false;
	ktest_wait_until(READ_ONCE(sk_pfmemalloc_drops) != drops || skb_queue_len(q) != queued,
			 ROUND_TRIP_MS);
	return READ_ONCE(sk_pfmemalloc_drops) != drops;
}

/*
 * Memory exhausted but for the reserve, and a SOCK_MEMALLOC socket: the
 * ring is refilled from the reserve, traffic to that socket still flows in
 * pfmemalloc skbs, and a socket that is not SOCK_MEMALLOC (the echo
 * service) drops them and counts it.  Afterwards the ring's pfmemalloc
 * buffers are cycled out, so later traffic is not dropped.
 */
TEST_CASE(virtio_net_test_rx_uses_the_reserve_for_memalloc_sockets)
{
	struct virtnet_info *vi = vnet_scratch(t, 0);
	unsigned long drops = sk_pfmemalloc_drops, pfm = vi->stats.rx_pfmemalloc;
	unsigned int limit = 2 * vi->rq[0].vq->num_max + 64, sent, pf = 0, flushed;
	struct socket *sock;
	struct ktest_hog hog;

	need_port(t, self_port);
	need_port(t, echo_port);
	sock = vnet_sock(t, VNET_SELF_PORT);
	sock_set_rcvbuf(sock->sk, 8 << 20); /* it holds a ring's worth and more */
	ASSERT_TRUE(t, vnet_round_trip(sock, (u16)self_port, "warm", 4, 3)); /* ARP */
	/* Send without sleeping for memory (GFP_KERNEL would wait for frees), from the reserve. */
	sock->sk->sk_allocation = GFP_ATOMIC;
	sk_set_memalloc(sock->sk);
	vnet_hog_all(&hog);

	sent = vnet_fill_from_reserve(sock, 4, limit, &pf);
	EXPECT_EQ(t, skb_queue_len(&sock->sk->sk_receive_queue), sent); /* none lost */
	EXPECT_EQ(t, pf, 4);
	/*
	 * The echo service's socket is not SOCK_MEMALLOC: it must drop what
	 * comes in reserve memory.  Memory freed during the hog (a sent frame
	 * freed by the reclaim timer, a slab page given back) can put ordinary
	 * buffers in the ring between reserve ones, and those the service
	 * answers; so send, one at a time, until a datagram comes in reserve
	 * memory and is dropped.
	 */
	for (unsigned int i = 0; i < limit && !vnet_echo_dropped(sock, drops); i++)
		;
	EXPECT_GT(t, sk_pfmemalloc_drops, drops);

	ktest_hog_release(&hog);
	EXPECT_GT(t, vi->stats.rx_pfmemalloc, pfm);
	/* Cycle the ring: send (and free) until a datagram arrives in ordinary memory again. */
	skb_queue_purge(&sock->sk->sk_receive_queue);
	for (flushed = 0; flushed < limit; flushed++) {
		struct sk_buff_head *q = &sock->sk->sk_receive_queue;

		if (udp_sendto(sock, "flush", 5, SLIRP_HOST, (u16)self_port) < 0 ||
		    !vnet_wait_queued(sock->sk, 1, ROUND_TRIP_MS))
			continue;
		if (!skb_peek_tail(q)->pfmemalloc)
			break;
		skb_queue_purge(q);
	}
	EXPECT_LT(t, flushed, limit);
	pr_info("virtio_net test: %u datagrams held before 4 came in reserve memory (%lu pages "
		"hogged); %u to flush the ring\n",
		sent, hog.nr, flushed);
	sk_clear_memalloc(sock->sk);
	sock_release(sock);
	EXPECT_TRUE(t, vnet_wait_ring_full(vi, 1000));
}

/* ---- the driver comes and goes ------------------------------------------------------- */

TEST_CASE(virtio_net_test_remove_and_probe_again)
{
	struct virtnet_info *vi = vnet_scratch(t, 0);
	struct virtio_device *vdev = vi->vdev;
	char name[IFNAMSIZ];
	int err = -ETIMEDOUT;

	strcpy(name, vi->dev->name);
	virtio_device_release_driver(vdev);
	EXPECT_NULL(t, vdev->driver);
	EXPECT_NULL(t, dev_get_by_name(name));
	ASSERT_EQ(t, virtio_device_attach(vdev), 0);
	vi = vdev->priv;
	ASSERT_NOT_NULL(t, vi);
	EXPECT_STREQ(t, vi->dev->name, name); /* the lowest free number: the same */
	vnet_configure(t, vi, 0);
	for (int i = 0; i < 3 && err; i++)
		err = icmp_ping(vnet_addr(0, 2), 0x7e58, (u16)i, 8, ROUND_TRIP_MS, NULL);
	EXPECT_EQ(t, err, 0);
}

/* Past a survived failure that left the receive ring short: the rest is the same refill. */
static bool vnet_probe_reached_the_refill(struct virtio_device *vdev)
{
	return ((struct virtnet_info *)vdev->priv)->stats.rx_refill_failed != 0;
}

/*
 * Bind @vdev with the @nth eligible allocation of @attr failing, for nth =
 * 1, 2, ... until the probe takes no failure, or reaches the receive ring's
 * refill at open (a short ring is survived, and the rest is the same refill,
 * 256 times).  A failure survived earlier (a smaller vring) goes on too.
 * Each failed probe must be -ENOMEM and leave the device unbound; the
 * harness then finds every page and slab object of the failed tries freed,
 * the last, full-sized device's aside.
 */
static void vnet_probe_failing_in_turn(struct ktest *t, struct virtio_device *vdev,
				       struct fault_attr *attr)
{
	unsigned int ring = ((struct virtnet_info *)vdev->priv)->rq[0].vq->num_max;
	struct probe_fault_run run =
		probe_failing_in_turn(t, vdev, attr, vnet_probe_reached_the_refill);

	ASSERT_EQ(t, run.err, 0);
	EXPECT_GT(t, run.hit,
		  0); /* some failed (slab, legacy rings), some survived (modern rings) */
	EXPECT_TRUE(t, vnet_wait_ring_full(vdev->priv, 2000)); /* a short one: the timer */
	EXPECT_EQ(t, ((struct virtnet_info *)vdev->priv)->rq[0].vq->num_max, ring);
	pr_info("virtio_net test: %s: %u failures injected, %u probes failed cleanly, bound at nth "
		"%lu\n",
		attr->name, run.hit, run.failed, run.nth);
}

/* Every failure path of the probe, once each: nothing leaks, and the NIC works after. */
TEST_CASE(virtio_net_test_each_probe_allocation_failing_in_turn_leaks_nothing)
{
	struct virtnet_info *vi = vnet_scratch(t, 0);
	struct virtio_device *vdev = vi->vdev;
	int err = -ETIMEDOUT;

#ifndef CONFIG_FAILSLAB
	ktest_skip(t, "built with FAILSLAB=n: failslab never fires");
#endif
	vnet_probe_failing_in_turn(t, vdev, &failslab);
	vnet_probe_failing_in_turn(t, vdev, &fail_page_alloc);
	vi = vdev->priv;
	ASSERT_NOT_NULL(t, vi);
	vnet_configure(t, vi, 0);
	for (int i = 0; i < 3 && err; i++)
		err = icmp_ping(vnet_addr(0, 2), 0x7e59, (u16)i, 8, ROUND_TRIP_MS, NULL);
	EXPECT_EQ(t, err, 0);
}

static const struct ktest_case virtio_net_cases[] = {
	KTEST(virtio_net_test_every_device_is_bound),
	KTEST(virtio_net_test_two_test_nics_one_modern_one_legacy),
	KTEST(virtio_net_test_mac_comes_from_config_space),
	KTEST(virtio_net_test_random_macs_are_local_unicast_and_differ),
	KTEST(virtio_net_test_header_layout_follows_the_features),
	KTEST(virtio_net_test_link_is_up),
	KTEST(virtio_net_test_rx_ring_is_kept_full),
	KTEST(virtio_net_test_ping_the_gateway_through_each_nic),
	KTEST(virtio_net_test_udp_through_the_host_to_the_echo_service),
	KTEST(virtio_net_test_a_sent_frame_is_freed_by_the_reclaim_timer_not_an_interrupt),
	KTEST(virtio_net_test_a_full_send_ring_stops_the_queue_until_the_tx_interrupt),
	KTEST(virtio_net_test_bad_used_lengths_are_counted_and_dropped),
	KTEST(virtio_net_test_bad_headers_are_counted_and_dropped),
	KTEST_TIMEOUT(virtio_net_test_rx_refill_recovers_after_failslab, 60000),
	KTEST_TIMEOUT(virtio_net_test_rx_uses_the_reserve_for_memalloc_sockets, 60000),
	KTEST(virtio_net_test_remove_and_probe_again),
	KTEST_TIMEOUT(virtio_net_test_each_probe_allocation_failing_in_turn_leaks_nothing, 120000),
	{}
};
TEST_SUITE(virtio_net, virtio_net_cases);
