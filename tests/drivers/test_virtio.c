/*
 * SPDX-License-Identifier: MIT
 * tests/drivers/test_virtio.c - the virtio core against QEMU's devices: the
 * initialisation sequence to DRIVER_OK on the modern and the legacy
 * transport, feature negotiation, configuration space, virtqueue round
 * trips (indirect and direct, EVENT_IDX on and off), a device refusing
 * FEATURES_OK, a device saying DEVICE_NEEDS_RESET, and driver removal
 * leaving nothing behind.  tests/drivers/test_virtio_irq.c has the interrupts.
 *
 * tools/run-tests.py's virtio variants boot with
 *
 *   virtio-net-pci disable-legacy=on  mac 52:54:00:7e:57:10   modern, MSI-X per queue
 *   virtio-net-pci disable-modern=on  mac 52:54:00:7e:57:11   legacy, no indirect, no
 *                  event_idx, vectors=2                       EVENT_IDX, MSI-X shared
 *   virtio-rng-pci behind a pci-bridge                        a queue round trip
 *   virtio-rng-pci iommu_platform=on                          refuses FEATURES_OK
 *
 * once as is and once with pci=nomsi; without the devices every case
 * skips.  The test drivers are in tests/lib/virtio_test_drivers.c.
 *
 * The suites unbind, reset and rebind only the NICs the runner made for
 * tests (MAC 52:54:00:7e:57:xx, tests/lib/scratch_dev.h) and virtio-rng
 * devices: make run's NIC (52:54:00:12:34:56) keeps its driver, its
 * address and its traffic, and the cases that need a test NIC skip.
 */
#include <drivers/pci.h>
#include <kernel/ktest.h>
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <mm/fault_inject.h>
#include <mm/mm.h>
#include <mm/paging.h>
#include <mm/slab.h>
#include <errno.h>
#include <string.h>
#include "scratch_dev.h"
#include "virtio_test_drivers.h"

static const u8 modern_mac[6] = { 0x52, 0x54, 0x00, 0x7e, 0x57, 0x10 };
static const u8 legacy_mac[6] = { 0x52, 0x54, 0x00, 0x7e, 0x57, 0x11 };

TEST_CASE(virtio_test_devices_found_by_type)
{
	struct virtio_device *dev = NULL;
	int net = 0, rng = 0, modern = 0;

	while ((dev = virtio_get_device(VIRTIO_DEV_ANY_ID, dev))) {
		bool test_nic = dev->id.device == VIRTIO_ID_NET && scratch_nic(dev, NULL);

		net += test_nic; /* make run's own NIC is not counted */
		rng += dev->id.device == VIRTIO_ID_RNG;
		modern += test_nic && to_vp_device(dev)->modern;
		if (!dev->driver) /* step 2 done, waiting for a driver (or FAILED by one) */
			EXPECT_EQ(t, status_of(dev) & ~VIRTIO_CONFIG_S_FAILED,
				  VIRTIO_CONFIG_S_ACKNOWLEDGE);
	}
	if (!net)
		ktest_skip(t, "no test NICs (the virtio variants have them)");
	EXPECT_EQ(t, net, 2);
	EXPECT_EQ(t, modern, 1); /* and one legacy */
	EXPECT_EQ(t, rng, 2);
}

TEST_CASE(virtio_test_init_sequence_reaches_driver_ok)
{
	struct virtio_device *modern = net_dev(t, true), *legacy = net_dev(t, false);
	const u8 ok =
		VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_DRIVER_OK;

	register_or_abort(t, &tnet_driver);
	EXPECT_EQ(t, modern->driver, &tnet_driver);
	EXPECT_EQ(t, legacy->driver, &tnet_driver);
	/* Step 7 runs after FEATURES_OK (modern only: 3.1.2) and before DRIVER_OK. */
	EXPECT_EQ(t, ((struct tnet *)modern->priv)->status_at_probe,
		  ok - VIRTIO_CONFIG_S_DRIVER_OK + VIRTIO_CONFIG_S_FEATURES_OK);
	EXPECT_EQ(t, ((struct tnet *)legacy->priv)->status_at_probe,
		  VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	EXPECT_EQ(t, status_of(modern), ok | VIRTIO_CONFIG_S_FEATURES_OK);
	EXPECT_EQ(t, status_of(legacy), ok);
	unregister_virtio_driver(&tnet_driver);
	/* Reset, then ACKNOWLEDGE: ready for the next driver. */
	EXPECT_EQ(t, status_of(modern), VIRTIO_CONFIG_S_ACKNOWLEDGE);
	EXPECT_EQ(t, status_of(legacy), VIRTIO_CONFIG_S_ACKNOWLEDGE);
	EXPECT_NULL(t, modern->driver);
}

TEST_CASE(virtio_test_features_negotiated)
{
	struct virtio_device *modern = net_dev(t, true), *legacy = net_dev(t, false);

	register_or_abort(t, &tnet_driver);
	/* Only what both sides have... */
	EXPECT_EQ(t, modern->features & ~modern->device_features, 0);
	EXPECT_EQ(t, legacy->features & ~legacy->device_features, 0);
	EXPECT_TRUE(t, modern->device_features & (1 << 15)); /* QEMU offers MRG_RXBUF ... */
	EXPECT_FALSE(t, virtio_has_feature(modern, 15));     /* ... not in the driver's table */
	EXPECT_TRUE(t, virtio_has_feature(modern, VIRTIO_NET_F_MAC));
	EXPECT_TRUE(t, virtio_has_feature(modern, VIRTIO_NET_F_CTRL_VQ));
	/* ... the ring features when offered, VERSION_1 on the modern transport only. */
	EXPECT_TRUE(t, virtio_has_feature(modern, VIRTIO_F_VERSION_1));
	EXPECT_TRUE(t, virtio_has_feature(modern, VIRTIO_RING_F_INDIRECT_DESC));
	EXPECT_TRUE(t, virtio_has_feature(modern, VIRTIO_RING_F_EVENT_IDX));
	EXPECT_FALSE(t, virtio_has_feature(legacy, VIRTIO_F_VERSION_1));
	/* Turned off on QEMU's command line: */
	EXPECT_FALSE(t, virtio_has_feature(legacy, VIRTIO_RING_F_INDIRECT_DESC));
	EXPECT_FALSE(t, virtio_has_feature(legacy, VIRTIO_RING_F_EVENT_IDX));
	EXPECT_TRUE(t, virtio_has_feature(legacy, VIRTIO_NET_F_CTRL_RX));
	EXPECT_EQ(t, legacy->features >> 32, 0);
	unregister_virtio_driver(&tnet_driver);
}

TEST_CASE(virtio_test_mac_from_config_space)
{
	struct virtio_device *modern = net_dev(t, true), *legacy = net_dev(t, false);
	u8 mac[6];
	int ret;

	register_or_abort(t, &tnet_driver);
	/* Modern: the device-specific structure in a BAR; legacy: I/O BAR 0 at 20 or 24. */
	EXPECT_EQ(t, memcmp(((struct tnet *)modern->priv)->mac, modern_mac, 6), 0);
	EXPECT_EQ(t, memcmp(((struct tnet *)legacy->priv)->mac, legacy_mac, 6), 0);
	virtio_cread(modern, struct test_net_config, mac, &mac);
	EXPECT_EQ(t, memcmp(mac, modern_mac, 6), 0);
	EXPECT_EQ(t, virtio_cread8(legacy, 5), legacy_mac[5]);
	ret = virtio_cread_feature(modern, VIRTIO_NET_F_MAC, struct test_net_config, mac, &mac);
	EXPECT_EQ(t, ret, 0);
	ret = virtio_cread_feature(modern, 63, struct test_net_config, mac, &mac);
	EXPECT_EQ(t, ret, -ENOENT);
	unregister_virtio_driver(&tnet_driver);
}

TEST_CASE(virtio_test_control_queue_round_trip)
{
	struct virtio_device *modern = net_dev(t, true), *legacy = net_dev(t, false);

	register_or_abort(t, &tnet_driver);
	/* Modern: an indirect table and EVENT_IDX; legacy: three direct descriptors, flags. */
	EXPECT_EQ(t, tnet_promisc(t, modern, 1), VIRTIO_NET_OK);
	EXPECT_EQ(t, tnet_promisc(t, modern, 0), VIRTIO_NET_OK);
	EXPECT_EQ(t, tnet_promisc(t, legacy, 1), VIRTIO_NET_OK);
	EXPECT_EQ(t, tnet_promisc(t, legacy, 0), VIRTIO_NET_OK);
	EXPECT_EQ(t, ((struct tnet *)modern->priv)->callbacks[2], 2);
	EXPECT_EQ(t, ((struct tnet *)modern->priv)->callbacks[0], 0); /* rx had nothing */
	unregister_virtio_driver(&tnet_driver);
}

/* The virtio-rng device test-rng bound, or skip. */
static struct virtio_device *bound_rng(struct ktest *t)
{
	struct virtio_device *dev = NULL;

	while ((dev = virtio_get_device(VIRTIO_ID_RNG, dev)))
		if (dev->driver == &trng_driver)
			return dev;
	unregister_virtio_driver(&trng_driver);
	ktest_skip(t, "no virtio-rng device took test-rng");
}

TEST_CASE(virtio_test_rng_fills_a_buffer)
{
	struct virtio_device *dev;
	struct trng *r;
	struct scatterlist sg;
	unsigned int len = 0, nonzero = 0;
	void *got;
	int ret;
	u8 *buf;

	register_or_abort(t, &trng_driver);
	dev = bound_rng(t);
	buf = kzalloc(64, GFP_KERNEL); /* the device writes it by address: not on the stack */
	ASSERT_NOT_NULL(t, buf);
	r = dev->priv;
	sg_init_one(&sg, buf, 64);
	/* EXPECT, not ASSERT: a failed add must still unregister, or every later case fails. */
	ret = virtqueue_add_inbuf(r->vq, &sg, 1, buf, GFP_KERNEL);
	EXPECT_EQ(t, ret, 0);
	virtqueue_kick(r->vq);
	EXPECT_NE(t, wait_for_completion_timeout(&r->done, msecs_to_jiffies(WAIT_MS)), 0);
	got = virtqueue_get_buf(r->vq, &len);
	EXPECT_EQ(t, got, buf);
	EXPECT_TRUE(t, len >= 1 && len <= 64);
	for (unsigned int i = 0; i < len && i < 64; i++)
		nonzero += buf[i] != 0;
	EXPECT_GT(t, nonzero, 0);
	unregister_virtio_driver(&trng_driver);
	if (ret || got == buf)
		kfree(buf); /* else still on the ring, and trng_remove freed it */
}

TEST_CASE(virtio_test_refused_features_left_alone)
{
	struct virtio_device *dev = NULL, *refuser = NULL;
	u64 mark = log_seq();

	register_or_abort(t, &trng_driver);
	/* iommu_platform=on: the device offers ACCESS_PLATFORM, we cannot accept it, it refuses. */
	while ((dev = virtio_get_device(VIRTIO_ID_RNG, dev)))
		if (dev->device_features & (1ULL << VIRTIO_F_ACCESS_PLATFORM))
			refuser = dev;
	if (!refuser) {
		unregister_virtio_driver(&trng_driver);
		ktest_skip(t, "no device offering ACCESS_PLATFORM");
	}
	EXPECT_NULL(t, refuser->driver);
	EXPECT_TRUE(t, refuser->failed);
	EXPECT_TRUE(t, status_of(refuser) & VIRTIO_CONFIG_S_FAILED);
	EXPECT_FALSE(t, status_of(refuser) & VIRTIO_CONFIG_S_FEATURES_OK);
	EXPECT_FALSE(t, status_of(refuser) & VIRTIO_CONFIG_S_DRIVER_OK);
	EXPECT_TRUE(t, log_contains(mark, "the device refused features"));
	EXPECT_TRUE(t, list_empty(&refuser->vqs));
	unregister_virtio_driver(&trng_driver);
}

TEST_CASE(virtio_test_needs_reset_stops_the_queues)
{
	struct virtio_device *dev = net_dev(t, true);
	struct tnet *n;
	struct scatterlist sg;
	struct test_net_ctrl *c = kzalloc(sizeof(*c), GFP_KERNEL);
	u64 mark = log_seq();
	int ret;

	ASSERT_NOT_NULL(t, c);
	register_or_abort(t, &tnet_driver);
	n = dev->priv;
	/*
	 * A command without its ack byte: QEMU calls it an error ("virtio-net
	 * ctrl missing headers"), sets DEVICE_NEEDS_RESET and sends a
	 * configuration interrupt (2.1.2).
	 */
	sg_init_one(&sg, c, 2);
	ret = virtqueue_add_outbuf(n->vq[2], &sg, 1, c, GFP_KERNEL);
	if (ret) {
		EXPECT_EQ(t, ret, 0); /* and unregister: later cases must be able to bind */
		unregister_virtio_driver(&tnet_driver);
		kfree(c);
		return;
	}
	virtqueue_kick(n->vq[2]);
	for (int i = 0; i < WAIT_MS / 10 && !dev->broken; i++)
		msleep(10);
	EXPECT_TRUE(t, dev->broken);
	EXPECT_TRUE(t, status_of(dev) & VIRTIO_CONFIG_S_NEEDS_RESET);
	EXPECT_TRUE(t, virtqueue_is_broken(n->vq[2]));
	EXPECT_TRUE(t, virtqueue_is_broken(n->vq[0]));
	EXPECT_EQ(t, tnet_promisc(t, dev, 1), -EIO); /* queues refuse work */
	EXPECT_GE(t, dev->config_changes, 1);
	EXPECT_TRUE(t, log_contains(mark, "DEVICE_NEEDS_RESET"));
	/* Removal resets it and takes the command back (tnet_remove frees it); then all is well. */
	unregister_virtio_driver(&tnet_driver);
	EXPECT_EQ(t, status_of(dev), VIRTIO_CONFIG_S_ACKNOWLEDGE);
	EXPECT_FALSE(t, dev->broken);
	ASSERT_EQ(t, register_virtio_driver(&tnet_driver), 0);
	EXPECT_EQ(t, dev->driver, &tnet_driver);
	EXPECT_EQ(t, tnet_promisc(t, dev, 1), VIRTIO_NET_OK);
	unregister_virtio_driver(&tnet_driver);
}

static unsigned long pages_now(void)
{
	kmem_cache_shrink_all(); /* as the harness counts: empty slabs are nobody's */
	return nr_free_pages() + pgtable_pages;
}

TEST_CASE(virtio_test_remove_resets_and_frees_everything)
{
	struct virtio_device *modern = net_dev(t, true);
	struct pci_dev *pdev = to_vp_device(modern)->pci_dev;
	unsigned long pages = pages_now(), objects = slab_live_objects();

	register_or_abort(t, &tnet_driver);
	EXPECT_LT(t, pages_now(), pages);	    /* the rings */
	EXPECT_GT(t, slab_live_objects(), objects); /* queue state, vectors */
	EXPECT_FALSE(t, list_empty(&modern->vqs));
	EXPECT_NOT_NULL(t, pdev->irqs);
	unregister_virtio_driver(&tnet_driver);
	EXPECT_EQ(t, status_of(modern), VIRTIO_CONFIG_S_ACKNOWLEDGE);
	EXPECT_TRUE(t, list_empty(&modern->vqs));
	EXPECT_NULL(t, pdev->irqs);
	EXPECT_FALSE(t, pdev->msix_enabled);
	EXPECT_EQ(t, pages_now(), pages);
	EXPECT_EQ(t, slab_live_objects(), objects);
}

/*
 * One failed allocation while the queues are set up with a vector each
 * (3 queues: 4 vectors, more than the legacy NIC has) must not cost the
 * device its queues: vp_find_vqs falls back to a shared vector, then INTx,
 * and each attempt sets the queues up afresh.  On the modern transport that
 * needs the queues left disabled until every one is set up (an enabled
 * queue stays enabled until a reset): the fallback found them "in use".
 */
TEST_CASE(virtio_test_a_failed_allocation_in_find_vqs_falls_back)
{
	struct virtio_device *modern = net_dev(t, true);
	unsigned int n, bound = 0;

	if (!pci_msi_enabled())
		ktest_skip(t, "no MSI-X (pci=nomsi): INTx is the first and last attempt");
	for (n = 1; n <= 40; n++) {
		u64 mark = log_seq();
		unsigned long left;

		fault_attr_reset(&failslab);
		failslab.ignore_gfp_wait = false;
		failslab.nth = n;
		register_or_abort(t, &tnet_driver);
		left = failslab.nth;
		fault_attr_reset(&failslab);
		EXPECT_FALSE(t, log_contains(mark, "no interrupt for its queues"));
		bound += modern->driver == &tnet_driver;
		unregister_virtio_driver(&tnet_driver);
		if (left)
			break; /* the probes made fewer than n allocations: all were tried */
	}
	EXPECT_GT(t, n, 5); /* the probes allocate; some failures fell in find_vqs */
	EXPECT_GT(t, bound, 0);
}

static int console_probes;

static int console_probe(struct virtio_device *vdev)
{
	console_probes++;
	return 0;
}

TEST_CASE(virtio_test_driver_binds_only_its_type)
{
	static const struct virtio_device_id ids[] = { { VIRTIO_ID_CONSOLE, VIRTIO_DEV_ANY_ID },
						       {} };
	struct virtio_driver drv = {
		.name = "test-console",
		.id_table = ids,
		.probe = console_probe,
	};
	struct virtio_driver bad = { .name = "test-bad", .id_table = ids };

	console_probes = 0;
	EXPECT_EQ(t, register_virtio_driver(&bad), -EINVAL); /* no probe */
	ASSERT_EQ(t, register_virtio_driver(&drv), 0);
	EXPECT_EQ(t, register_virtio_driver(&drv), -EBUSY);
	EXPECT_EQ(t, console_probes, 0); /* no console device here */
	unregister_virtio_driver(&drv);
}

TEST_CASE(virtio_test_monitor_lists_devices_and_queues)
{
	char line[] = "virtio";
	u64 mark;

	net_dev(t, true);
	register_or_abort(t, &tnet_driver);
	mark = log_seq();
	EXPECT_EQ(t, monitor_exec(line), 0);
	EXPECT_TRUE(t, log_contains(mark, "type 1 on 0000:00:"));
	EXPECT_TRUE(t, log_contains(mark, "test-net"));
	EXPECT_TRUE(t, log_contains(mark, "queue 2 ctrl"));
	unregister_virtio_driver(&tnet_driver);
}

static const struct ktest_case virtio_cases[] = {
	KTEST(virtio_test_devices_found_by_type),
	KTEST(virtio_test_init_sequence_reaches_driver_ok),
	KTEST(virtio_test_features_negotiated),
	KTEST(virtio_test_mac_from_config_space),
	KTEST(virtio_test_control_queue_round_trip),
	KTEST(virtio_test_rng_fills_a_buffer),
	KTEST(virtio_test_refused_features_left_alone),
	KTEST(virtio_test_needs_reset_stops_the_queues),
	KTEST(virtio_test_remove_resets_and_frees_everything),
	KTEST(virtio_test_a_failed_allocation_in_find_vqs_falls_back),
	KTEST(virtio_test_driver_binds_only_its_type),
	KTEST(virtio_test_monitor_lists_devices_and_queues),
	{}
};
TEST_SUITE_INIT(virtio, virtio_cases, virtio_suite_init, virtio_suite_exit);
