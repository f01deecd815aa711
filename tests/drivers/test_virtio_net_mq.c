/*
 * SPDX-License-Identifier: MIT
 * tests/drivers/test_virtio_net_mq.c - virtio-net multiqueue (VIRTIO_NET_F_MQ,
 * drivers/net/virtio_net_ctrl.c) and the stack's side of it (XPS and the
 * per-queue stop/wake of net/dev.c), suite `virtio_net_mq`.
 *
 * The cases that need a multiqueue NIC skip ("no multiqueue NIC") unless
 * an eth has MQ negotiated; only tap gives QEMU several queues, so the
 * machine is (docs/network.md "Multiqueue", tools/net_checks.py):
 *
 *   host, in a netns: sysctl -w net.ipv6.conf.all.disable_ipv6=1 \
 *                            net.ipv6.conf.default.disable_ipv6=1
 *                     ip tuntap add dev tq0 mode tap multi_queue
 *                     ip addr add 10.0.2.2/24 dev tq0; ip link set tq0 up
 *   qemu -smp 4 -netdev tap,id=n0,ifname=tq0,script=no,downscript=no,queues=4,vhost=off
 *        -device virtio-net-pci,netdev=n0,mq=on,vectors=10,mac=52:54:00:7e:57:20
 *        -append "test=virtio_net_mq"                    (eth0: 10.0.2.15, ip=)
 *
 * The host's kernel answers the pings to 10.0.2.2 and, by the tap's flow
 * steering, answers a flow on the queue it came from: so a ping from the
 * i-th online CPU leaves on pair i and comes back on pair i, whose vectors
 * are on that CPU.
 * The XPS, subqueue and feature-validation cases need no NIC.  IPv6 off in the namespace: the
 * host's router solicitations and MLD reports would arrive at any moment and
 * move the slab counts the harness compares around each case (the user
 * network's variants turn it off the same way: ipv6=off).
 */
#include <drivers/pci.h>
#include <drivers/virtio_net.h>
#include <drivers/virtio_net_test.h>
#include <drivers/virtio_pci.h>
#include <kernel/irq.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <mm/fault_inject.h>
#include <net/ethernet.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <errno.h>
#include <string.h>

#include "scratch_dev.h"

#define PINGS	   4	 /* per CPU */
#define PING_MS	   1000	 /* the host answers at once; QEMU under load may take a while */
#define THREAD_MS  20000 /* a pinger that has not ended by then is a failure */
#define MQ_PING_ID 0x7e60

/* ---- helpers ------------------------------------------------------------------------- */

/* The first virtio-net device with MQ negotiated, its gateway reachable (eth0: ip=); or skip. */
static struct virtnet_info *mq_nic(struct ktest *t)
{
	struct virtnet_info *vi;

	list_for_each_entry(vi, &virtnet_devices, node)
		if (vi->cvq && vi->dev->ip4.ifa_local)
			return vi;
	ktest_skip(t, "no multiqueue NIC (a tap with queues=N and mq=on: docs/network.md)");
	return NULL;
}

/* As mq_nic, with more than one pair in use (so more than one CPU). */
static struct virtnet_info *mq_nic_pairs(struct ktest *t)
{
	struct virtnet_info *vi = mq_nic(t);

	if (vi->curr_queue_pairs < 2)
		ktest_skip(t, "no multiqueue NIC with several pairs in use (one CPU online?)");
	return vi;
}

/* Pair @i's CPU: the @i-th online one (CPU numbers may have holes: smp_hang_cpu=). */
static unsigned int mq_pair_cpu(unsigned int i)
{
	unsigned int cpu, idx = 0;

	for_each_online_cpu(cpu)
		if (idx++ == i)
			return cpu;
	return 0;
}

/* The transmit queue @cpu's frames take: its place among the online CPUs, mod the pairs. */
static unsigned int mq_cpu_queue(const struct virtnet_info *vi, unsigned int cpu)
{
	unsigned int c, idx = 0;

	for_each_online_cpu(c) {
		if (c == cpu)
			break;
		idx++;
	}
	return idx % vi->curr_queue_pairs;
}

/* The gateway of @vi's subnet: the host's end of the tap (x.x.x.2). */
static __be32 mq_gateway(const struct virtnet_info *vi)
{
	return htonl((ntohl(vi->dev->ip4.ifa_local) & 0xffffff00U) | 2);
}

/* The interrupt line of @vq's own MSI-X vector, or -1 (shared vector, INTx). */
static int mq_vq_irq(struct virtqueue *vq)
{
	struct virtio_pci_device *vp = to_vp_device(vq->vdev);
	struct virtio_pci_vq_info *info = vq->priv;

	if (!vp->per_vq_vectors || info->msix_vector == VIRTIO_MSI_NO_VECTOR)
		return -1;
	return pci_irq_vector(vp->pci_dev, info->msix_vector);
}

struct mq_pinger {
	struct virtnet_info *vi;
	unsigned int cpu;
	int answered;
};

/* Runs on its CPU: PINGS echo requests to the gateway, one after the other. */
static int mq_ping_fn(void *arg)
{
	struct mq_pinger *p = arg;

	p->answered = 0;
	for (int i = 0; i < PINGS; i++)
		p->answered += !icmp_ping(mq_gateway(p->vi), (u16)(MQ_PING_ID + p->cpu), (u16)i, 32,
					  PING_MS, NULL);
	return 0;
}

/* Ping the gateway from a thread bound to @cpu; returns the answers. */
static int mq_ping_from(struct ktest *t, struct virtnet_info *vi, unsigned int cpu)
{
	struct mq_pinger p = { .vi = vi, .cpu = cpu };
	struct task_struct *k = ktest_thread_start_on(mq_ping_fn, &p, "vnet-mq-ping", cpu);

	ASSERT_NOT_NULL(t, k);
	EXPECT_EQ(t, ktest_thread_finish(k, THREAD_MS), 0);
	return p.answered;
}

/* Resolve the gateway once (ARP) so the pings that follow go out from their own CPU. */
static void mq_warm(struct ktest *t, struct virtnet_info *vi)
{
	int err = -ETIMEDOUT;

	for (int i = 0; i < 3 && err; i++)
		err = icmp_ping(mq_gateway(vi), MQ_PING_ID - 1, (u16)i, 8, PING_MS, NULL);
	ASSERT_EQ(t, err, 0);
}

/* ---- negotiation ------------------------------------------------------------------------- */

/* "pairs = min(max_virtqueue_pairs, online CPUs, VIRTNET_MAX_QUEUE_PAIRS)", all in use. */
TEST_CASE(virtio_net_mq_test_pairs_are_the_device_max_or_the_online_cpus)
{
	struct virtnet_info *vi = mq_nic(t);
	u16 max = virtio_cread16(vi->vdev, offsetof(struct virtio_net_config, max_virtqueue_pairs));
	unsigned int want = min((unsigned int)max, num_online_cpus());

	want = min(want, (unsigned int)VIRTNET_MAX_QUEUE_PAIRS);
	EXPECT_TRUE(t, virtio_has_feature(vi->vdev, VIRTIO_NET_F_MQ));
	EXPECT_TRUE(t, virtio_has_feature(vi->vdev, VIRTIO_NET_F_CTRL_VQ));
	EXPECT_EQ(t, vi->dev_queue_pairs, max);
	EXPECT_EQ(t, vi->max_queue_pairs, want);
	EXPECT_EQ(t, vi->curr_queue_pairs, want);
	EXPECT_EQ(t, vi->dev->real_num_tx_queues, want);
	EXPECT_EQ(t, vi->cvq->index, 2U * max); /* 5.1.2: after all the device's pairs */
	for (unsigned int i = 0; i < want; i++) {
		EXPECT_EQ(t, vi->rq[i].vq->index, 2 * i);
		EXPECT_EQ(t, vi->sq[i].vq->index, 2 * i + 1);
	}
	pr_info("virtio_net_mq test: %s: %u pairs of %u, %u CPUs\n", vi->dev->name,
		vi->curr_queue_pairs, max, num_online_cpus());
}

/* The control queue: VQ_PAIRS_SET acked with VIRTIO_NET_OK; counts outside 1..pairs refused. */
TEST_CASE(virtio_net_mq_test_set_queues_is_acked_by_the_device)
{
	struct virtnet_info *vi = mq_nic(t);
	unsigned long ok = vi->stats.ctrl_ok, failed = vi->stats.ctrl_failed;

	EXPECT_GE(t, ok, 1); /* at probe */
	EXPECT_EQ(t, virtnet_set_queues(vi, vi->curr_queue_pairs), 0);
	EXPECT_EQ(t, vi->ctrl->ack, VIRTIO_NET_OK);
	EXPECT_EQ(t, vi->stats.ctrl_ok, ok + 1);
	EXPECT_EQ(t, virtnet_set_queues(vi, 0), -EINVAL);
	EXPECT_EQ(t, virtnet_set_queues(vi, vi->max_queue_pairs + 1), -EINVAL);
	EXPECT_EQ(t, vi->stats.ctrl_failed, failed);
	EXPECT_FALSE(t, vi->ctrl_broken);
}

/* 5.1.4: max_virtqueue_pairs must be 1..0x8000; anything else means one pair, counted. */
TEST_CASE(virtio_net_mq_test_bad_max_virtqueue_pairs_is_refused)
{
	static const struct {
		u32 offered, used;
	} cases[] = { { 0, 1 },	     { 1, 1 },	    { 4, 4 },	   { 0x8000, 0x8000 },
		      { 0x8001, 1 }, { 0xffff, 1 }, { 0x10000, 1 } };
	static struct virtio_device fake = { .name = "vnet-mq-test" };
	unsigned long bad = virtnet_config_bad, refused = 0;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(t, virtnet_check_max_pairs(&fake, cases[i].offered), cases[i].used);
		refused += cases[i].offered != cases[i].used;
	}
	EXPECT_EQ(t, virtnet_config_bad, bad + refused);
}

/*
 * virtnet_mq_features: "MQ and CTRL_VQ only together, only with 2..0x8000
 * pairs, and only if the control queue (2N) is one the device has
 * (2N + 1 <= num_queues)"; else both cleared and every other bit kept.
 */
TEST_CASE(virtio_net_mq_test_validation_keeps_mq_only_when_usable)
{
	const u64 mq = 1ULL << VIRTIO_NET_F_MQ, cvq = 1ULL << VIRTIO_NET_F_CTRL_VQ;
	const u64 other = (1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_F_VERSION_1);
	static const struct {
		u64 offered;
		u32 max_pairs;
		unsigned int num_queues;
		bool kept;
	} cases[] = {
		{ 1ULL << VIRTIO_NET_F_MQ | 1ULL << VIRTIO_NET_F_CTRL_VQ, 4, 9, true },
		{ 1ULL << VIRTIO_NET_F_MQ | 1ULL << VIRTIO_NET_F_CTRL_VQ, 4, 0, true }, /* legacy */
		{ 1ULL << VIRTIO_NET_F_MQ | 1ULL << VIRTIO_NET_F_CTRL_VQ, 4, 20, true },
		{ 1ULL << VIRTIO_NET_F_MQ | 1ULL << VIRTIO_NET_F_CTRL_VQ, 4, 8, false }, /* no 2N */
		{ 1ULL << VIRTIO_NET_F_MQ | 1ULL << VIRTIO_NET_F_CTRL_VQ, 2, 5, true },
		{ 1ULL << VIRTIO_NET_F_MQ | 1ULL << VIRTIO_NET_F_CTRL_VQ, 2, 4, false },
		{ 1ULL << VIRTIO_NET_F_MQ | 1ULL << VIRTIO_NET_F_CTRL_VQ, 1, 3,
		  false }, /* max <= 1 */
		{ 1ULL << VIRTIO_NET_F_MQ | 1ULL << VIRTIO_NET_F_CTRL_VQ, 0, 9, false },
		{ 1ULL << VIRTIO_NET_F_MQ | 1ULL << VIRTIO_NET_F_CTRL_VQ, 0x8000, 0, true },
		{ 1ULL << VIRTIO_NET_F_MQ | 1ULL << VIRTIO_NET_F_CTRL_VQ, 0x8001, 0, false },
		{ 1ULL << VIRTIO_NET_F_MQ, 4, 9, false },      /* MQ without CTRL_VQ */
		{ 1ULL << VIRTIO_NET_F_CTRL_VQ, 4, 9, false }, /* CTRL_VQ without MQ */
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		u64 got = virtnet_mq_features(cases[i].offered | other, cases[i].max_pairs,
					      cases[i].num_queues);

		EXPECT_EQ(t, got & other, other); /* nothing else touched */
		EXPECT_EQ(t, got & (mq | cvq), cases[i].kept ? (mq | cvq) : 0);
		if ((got & (mq | cvq)) != (cases[i].kept ? (mq | cvq) : 0))
			pr_info("virtio_net_mq test: case %zu: %#llx, %u pairs, %u queues\n", i,
				(unsigned long long)cases[i].offered, cases[i].max_pairs,
				cases[i].num_queues);
	}
}

/* ---- the stack's queues ------------------------------------------------------------------ */

/* netif_set_xps_queue and netif_set_real_num_tx_queues check their arguments. */
TEST_CASE(virtio_net_mq_test_xps_map_and_queue_count_refuse_bad_values)
{
	struct net_device *dev = alloc_etherdev_mqs(0, 4, 4);

	ASSERT_NOT_NULL(t, dev);
	EXPECT_EQ(t, dev->num_tx_queues, 4);
	EXPECT_EQ(t, dev->xps_cpu_map[0], -1); /* no map: queue 0 */
	EXPECT_EQ(t, netif_set_xps_queue(dev, 1, 3), 0);
	EXPECT_EQ(t, dev->xps_cpu_map[1], 3);
	EXPECT_EQ(t, netif_set_xps_queue(dev, 1, 4), -EINVAL);
	EXPECT_EQ(t, netif_set_xps_queue(dev, NR_CPUS, 0), -EINVAL);
	EXPECT_EQ(t, netif_set_xps_queue(dev, 1, -1), 0);
	EXPECT_EQ(t, dev->xps_cpu_map[1], -1);
	EXPECT_EQ(t, netif_set_real_num_tx_queues(dev, 0), -EINVAL);
	EXPECT_EQ(t, netif_set_real_num_tx_queues(dev, 5), -EINVAL);
	EXPECT_EQ(t, netif_set_real_num_tx_queues(dev, 2), 0);
	EXPECT_EQ(t, dev->real_num_tx_queues, 2);
	free_netdev(dev);
}

/* netif_stop_subqueue stops that queue alone; netif_wake_subqueue starts it again. */
TEST_CASE(virtio_net_mq_test_subqueues_stop_and_wake_one_at_a_time)
{
	struct net_device *dev = alloc_etherdev_mqs(0, 4, 4);

	ASSERT_NOT_NULL(t, dev);
	netif_tx_start_all_queues(dev);
	netif_stop_subqueue(dev, 2);
	for (u16 i = 0; i < 4; i++)
		EXPECT_EQ(t, __netif_subqueue_stopped(dev, i), i == 2);
	EXPECT_FALSE(t, netif_queue_stopped(dev)); /* queue 0 */
	netif_wake_subqueue(dev, 2);		   /* not running: restarted, nothing scheduled */
	EXPECT_FALSE(t, __netif_subqueue_stopped(dev, 2));
	EXPECT_FALSE(t, netdev_get_tx_queue(dev, 2)->tx_scheduled);
	free_netdev(dev);
}

/* ---- traffic: each CPU on its own pair ------------------------------------------------- */

/*
 * Pings from every online CPU: each answered, each on its CPU's transmit
 * queue (XPS: the frames of the c-th online CPU leave on transmit queue
 * c % pairs, tx_queue_<i>_packets).
 */
static void mq_expect_each_cpu_on_its_queue(struct ktest *t, struct virtnet_info *vi)
{
	unsigned int cpu;

	mq_warm(t, vi);
	for_each_online_cpu(cpu) {
		unsigned int q = mq_cpu_queue(vi, cpu);
		unsigned long before = READ_ONCE(vi->sq[q].packets);

		EXPECT_EQ(t, vi->dev->xps_cpu_map[cpu], (s16)q);
		EXPECT_EQ(t, mq_ping_from(t, vi, cpu), PINGS);
		EXPECT_GE(t, READ_ONCE(vi->sq[q].packets), before + PINGS);
	}
}

TEST_CASE(virtio_net_mq_test_each_cpu_sends_on_its_own_queue)
{
	mq_expect_each_cpu_on_its_queue(t, mq_nic_pairs(t));
}

struct mq_irq_counts {
	unsigned long rx[NR_CPUS], tx[NR_CPUS];
};

static void mq_irq_snapshot(int rx, int tx, struct mq_irq_counts *c)
{
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		c->rx[cpu] = kstat_irqs_cpu(rx, cpu);
		c->tx[cpu] = kstat_irqs_cpu(tx, cpu);
	}
}

/*
 * The TX callback is off while a queue runs (as in 3.10: only a stopped
 * queue asks for it).  Turn pair @i's on, as a stopped queue would, so the
 * next frame it sends interrupts; the poll that interrupt schedules turns
 * it off again.  First wait for the ring to be empty and the reclaim
 * timer done: with EVENT_IDX the device interrupts only as its used index
 * passes ours, so nothing may be left unreclaimed.
 */
static void mq_arm_tx_irq(struct ktest *t, struct virtnet_info *vi, unsigned int i)
{
	struct netdev_queue *txq = netdev_get_tx_queue(vi->dev, i);
	struct virtqueue *vq = vi->sq[i].vq;

	/* (a reclaim timer still to run would turn it off again) */
	ktest_wait_until(READ_ONCE(vq->num_free) == vq->num_max &&
				 !timer_pending(&vi->sq[i].reclaim_timer),
			 1000);
	EXPECT_EQ(t, READ_ONCE(vq->num_free), vq->num_max);
	local_bh_disable();
	__netif_tx_lock(txq, smp_processor_id());
	virtqueue_enable_cb_prepare(vi->sq[i].vq);
	__netif_tx_unlock(txq);
	local_bh_enable();
}

/*
 * Pair i's vectors are bound to the i-th online CPU (virtqueue_set_affinity):
 * after pings from that CPU (its TX callback armed), its TX and RX
 * interrupts counted there, and on no other CPU.
 */
TEST_CASE(virtio_net_mq_test_each_pairs_vectors_interrupt_its_own_cpu)
{
	struct virtnet_info *vi = mq_nic_pairs(t);
	static struct mq_irq_counts before, after;

	if (!vi->rq[0].vq->callback || mq_vq_irq(vi->rq[0].vq) < 0)
		ktest_skip(t, "the queues share a vector (too few MSI-X vectors, or pci=nomsi)");
	EXPECT_EQ(t, vi->stats.affinity_failed, 0);
	mq_warm(t, vi);
	for (unsigned int i = 0; i < vi->curr_queue_pairs; i++) {
		int rx = mq_vq_irq(vi->rq[i].vq), tx = mq_vq_irq(vi->sq[i].vq);
		unsigned int cpu, mine = mq_pair_cpu(i);

		ASSERT_GE(t, rx, 0);
		ASSERT_GE(t, tx, 0);
		EXPECT_EQ(t, irq_get_affinity((unsigned int)rx), (int)mine);
		EXPECT_EQ(t, irq_get_affinity((unsigned int)tx), (int)mine);
		mq_irq_snapshot(rx, tx, &before);
		mq_arm_tx_irq(t, vi, i);
		EXPECT_EQ(t, mq_ping_from(t, vi, mine), PINGS);
		mq_irq_snapshot(rx, tx, &after);
		EXPECT_GT(t, after.tx[mine], before.tx[mine]);
		EXPECT_GT(t, after.rx[mine], before.rx[mine]); /* the tap answered on that queue */
		for_each_online_cpu(cpu) {
			if (cpu == mine)
				continue;
			EXPECT_EQ(t, after.tx[cpu], before.tx[cpu]);
			EXPECT_EQ(t, after.rx[cpu], before.rx[cpu]);
		}
		pr_info("virtio_net_mq test: pair %u: rx irq %d +%lu, tx irq %d +%lu on CPU %u\n",
			i, rx, after.rx[mine] - before.rx[mine], tx,
			after.tx[mine] - before.tx[mine], mine);
	}
}

/* ---- the driver comes and goes ------------------------------------------------------- */

/* Every pair's two vectors on its CPU, by the irq core's record; none failed to move. */
static void mq_expect_vectors_bound(struct ktest *t, struct virtnet_info *vi)
{
	EXPECT_EQ(t, vi->stats.affinity_failed, 0);
	for (unsigned int i = 0; i < vi->curr_queue_pairs; i++) {
		int rx = mq_vq_irq(vi->rq[i].vq), tx = mq_vq_irq(vi->sq[i].vq);

		EXPECT_GE(t, rx, 0);
		EXPECT_GE(t, tx, 0);
		if (rx >= 0)
			EXPECT_EQ(t, irq_get_affinity((unsigned int)rx), (int)mq_pair_cpu(i));
		if (tx >= 0)
			EXPECT_EQ(t, irq_get_affinity((unsigned int)tx), (int)mq_pair_cpu(i));
	}
}

/* Unbind @vdev's driver and bind it again; returns the new virtnet_info (NULL: probe failed). */
static struct virtnet_info *mq_reprobe(struct ktest *t, struct virtio_device *vdev, int *err)
{
	char name[IFNAMSIZ];

	strcpy(name, ((struct virtnet_info *)vdev->priv)->dev->name);
	virtio_device_release_driver(vdev);
	EXPECT_NULL(t, dev_get_by_name(name));
	*err = virtio_device_attach(vdev);
	return *err ? NULL : vdev->priv;
}

/* Probe @vdev again, expecting every one of its @pairs back in use, vectors bound. */
static struct virtnet_info *mq_reprobe_all_pairs(struct ktest *t, struct virtio_device *vdev,
						 unsigned int pairs)
{
	struct virtnet_info *vi;
	int err;

	vi = mq_reprobe(t, vdev, &err);
	ASSERT_EQ(t, err, 0);
	ASSERT_NOT_NULL(t, vi);
	EXPECT_EQ(t, vi->curr_queue_pairs, pairs);
	EXPECT_EQ(t, vi->dev->real_num_tx_queues, pairs);
	mq_expect_vectors_bound(t, vi);
	return vi;
}

/*
 * Unbind and bind again: the same pairs, XPS map and vector binding (each
 * pair's vectors on its CPU, as irq_get_affinity records it); every pair
 * works; the harness checks that pages and slab objects are back at their
 * baseline (every ring, NAPI, timer and control buffer freed).
 */
TEST_CASE(virtio_net_mq_test_remove_and_probe_again)
{
	struct virtnet_info *vi = mq_nic_pairs(t);
	struct virtio_device *vdev = vi->vdev;
	unsigned int pairs = vi->curr_queue_pairs;

	scratch_need_nic(t, vdev);
	vi = mq_reprobe_all_pairs(t, vdev, pairs);
	if (!vi->dev->ip4.ifa_local) /* ip= gives eth0 its address again; another eth: skip */
		ktest_skip(t, "the NIC has no address after the re-probe (not eth0?)");
	mq_expect_each_cpu_on_its_queue(t, vi);
}

/*
 * "If it said VIRTIO_NET_ERR: one pair, as without MQ."  A probe that asks
 * for one pair more than the device has (5.1.6.5.5: it must refuse) ends
 * with one pair in use, one transmit queue for the stack, no vector moved,
 * and traffic through pair 0; the next probe gets every pair back.
 */
TEST_CASE(virtio_net_mq_test_a_refused_pair_count_falls_back_to_one_pair)
{
	struct virtnet_info *vi = mq_nic_pairs(t);
	struct virtio_device *vdev = vi->vdev;
	unsigned int pairs = vi->curr_queue_pairs;
	int err, irq;

	scratch_need_nic(t, vdev);
	WRITE_ONCE(virtnet_test_ask_pairs, (u16)(vi->dev_queue_pairs + 1));
	vi = mq_reprobe(t, vdev, &err);
	WRITE_ONCE(virtnet_test_ask_pairs, 0);
	ASSERT_EQ(t, err, 0);
	ASSERT_NOT_NULL(t, vi);
	EXPECT_EQ(t, vi->ctrl->ack, VIRTIO_NET_ERR);
	EXPECT_EQ(t, vi->stats.ctrl_failed, 1);
	EXPECT_EQ(t, vi->stats.ctrl_ok, 0);
	EXPECT_FALSE(t, vi->ctrl_broken);
	EXPECT_EQ(t, vi->curr_queue_pairs, 1);
	EXPECT_EQ(t, vi->max_queue_pairs, pairs); /* set up, but not in use */
	EXPECT_EQ(t, vi->dev->real_num_tx_queues, 1);
	irq = mq_vq_irq(vi->rq[1].vq);
	if (irq >= 0)
		EXPECT_EQ(t, irq_get_affinity((unsigned int)irq), 0);
	if (vi->dev->ip4.ifa_local) {
		unsigned long before = READ_ONCE(vi->sq[0].packets);

		mq_warm(t, vi);
		EXPECT_EQ(t, mq_ping_from(t, vi, mq_pair_cpu(pairs - 1)), PINGS);
		EXPECT_GE(t, READ_ONCE(vi->sq[0].packets), before + PINGS + 1);
	}
	vi = mq_reprobe_all_pairs(t, vdev, pairs);
	if (vi->dev->ip4.ifa_local)
		mq_warm(t, vi); /* the gateway's ARP entry back, as the case found it */
}

/* Arm @attr to fail its @nth eligible call from now, sleeping callers included. */
static void mq_fail_nth(struct fault_attr *attr, unsigned long nth)
{
	fault_attr_reset(attr);
	attr->ignore_gfp_wait = false;
	attr->min_order = 0;
	attr->nth = nth;
}

/*
 * Probe with the nth allocation failing, for n = 1, 2, ... until the probe
 * makes fewer than n: each probe either works or fails with nothing left
 * behind (no NAPI instance deleted that was never added, no ring, no
 * vector; the harness compares pages and slab objects), and the device
 * binds again afterwards with every pair.
 */
static void mq_probe_under(struct ktest *t, struct fault_attr *attr, unsigned int limit)
{
	struct virtio_device *vdev = mq_nic_pairs(t)->vdev;
	unsigned int pairs = ((struct virtnet_info *)vdev->priv)->curr_queue_pairs, n, failed = 0;
	struct virtnet_info *vi;
	int err;

	scratch_need_nic(t, vdev);
	for (n = 1; n <= limit; n++) {
		unsigned long left;

		if (vdev->priv)
			virtio_device_release_driver(vdev);
		mq_fail_nth(attr, n);
		err = virtio_device_attach(vdev);
		left = attr->nth;
		fault_attr_reset(attr);
		if (err) {
			failed++;
			EXPECT_NULL(t, vdev->priv);
			EXPECT_NULL(t, vdev->driver);
		} else {
			EXPECT_NOT_NULL(t, vdev->priv);
		}
		if (left)
			break; /* the probe made fewer than n allocations: all were tried */
	}
	/* A last probe with nothing failing (the loop's last may have lost a buffer or vector). */
	if (vdev->priv)
		virtio_device_release_driver(vdev);
	ASSERT_EQ(t, virtio_device_attach(vdev), 0);
	vi = vdev->priv;
	ASSERT_NOT_NULL(t, vi);
	EXPECT_EQ(t, vi->curr_queue_pairs, pairs);
	mq_expect_vectors_bound(t, vi);
	EXPECT_GT(t, failed, 0);
	if (vi->dev->ip4.ifa_local)
		mq_warm(t, vi); /* the gateway's ARP entry, flushed with the old eth0, back */
	pr_info("virtio_net_mq test: %s: %u of %u probes failed\n", attr->name, failed,
		n > limit ? limit : n);
}

/* Probe with each slab allocation failing in turn (virtnet_alloc_queues's two among them). */
TEST_CASE(virtio_net_mq_test_probe_survives_each_failed_kmalloc)
{
	mq_probe_under(t, &failslab, 48);
}

/* The same with page allocations (the rings). */
TEST_CASE(virtio_net_mq_test_probe_survives_each_failed_page_alloc)
{
	mq_probe_under(t, &fail_page_alloc, 48);
}

static const struct ktest_case virtio_net_mq_cases[] = {
	KTEST(virtio_net_mq_test_pairs_are_the_device_max_or_the_online_cpus),
	KTEST(virtio_net_mq_test_set_queues_is_acked_by_the_device),
	KTEST(virtio_net_mq_test_bad_max_virtqueue_pairs_is_refused),
	KTEST(virtio_net_mq_test_validation_keeps_mq_only_when_usable),
	KTEST(virtio_net_mq_test_xps_map_and_queue_count_refuse_bad_values),
	KTEST(virtio_net_mq_test_subqueues_stop_and_wake_one_at_a_time),
	KTEST_TIMEOUT(virtio_net_mq_test_each_cpu_sends_on_its_own_queue, 60000),
	KTEST_TIMEOUT(virtio_net_mq_test_each_pairs_vectors_interrupt_its_own_cpu, 60000),
	KTEST_TIMEOUT(virtio_net_mq_test_remove_and_probe_again, 60000),
	KTEST_TIMEOUT(virtio_net_mq_test_a_refused_pair_count_falls_back_to_one_pair, 60000),
	KTEST_TIMEOUT(virtio_net_mq_test_probe_survives_each_failed_kmalloc, 120000),
	KTEST_TIMEOUT(virtio_net_mq_test_probe_survives_each_failed_page_alloc, 120000),
	{}
};
TEST_SUITE(virtio_net_mq, virtio_net_mq_cases);
