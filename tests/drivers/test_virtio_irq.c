/*
 * SPDX-License-Identifier: MIT
 * tests/drivers/test_virtio_irq.c - how the virtio PCI transport takes interrupts
 * (drivers/virtio/virtio_pci.c): MSI-X with a vector per queue, MSI-X with one
 * vector shared by the queues, and INTx (pdev->no_msi, or everywhere with
 * pci=nomsi) where the ISR byte says what happened.  Each mode is checked
 * with a control-queue round trip that must arrive by interrupt.  Same
 * devices as tests/drivers/test_virtio.c, and the same rule: only the runner's test
 * NICs (MAC 52:54:00:7e:57:xx) are unbound and rebound, never make run's.
 */
#include <kernel/irq.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <mm/slab.h>
#include <string.h>
#include "virtio_test_drivers.h"

static const u8 legacy_mac5 = 0x11; /* last byte of 52:54:00:7e:57:11 */

static void need_msix(struct ktest *t)
{
	if (!pci_msi_enabled())
		ktest_skip(t, "no MSI-X here (pci=nomsi or noapic)");
}

TEST_CASE(virtio_irq_test_msix_vector_per_queue)
{
	struct virtio_device *dev = net_dev(t, true);
	struct virtio_pci_device *vp = to_vp_device(dev);
	struct tnet *n;
	int lines[4];
	unsigned long before;

	need_msix(t);
	register_or_abort(t, &tnet_driver);
	n = dev->priv;
	/* QEMU gives virtio-net 4 vectors: configuration + rx, tx, ctrl. */
	EXPECT_TRUE(t, vp->pci_dev->msix_enabled);
	EXPECT_EQ(t, vp->msix_vectors, 4);
	EXPECT_TRUE(t, vp->per_vq_vectors);
	EXPECT_FALSE(t, vp->intx);
	for (int i = 0; i < 4; i++) {
		lines[i] = pci_irq_vector(vp->pci_dev, i);
		ASSERT_GE(t, lines[i], 16);
		for (int j = 0; j < i; j++)
			EXPECT_NE(t, lines[i], lines[j]);
	}
	before = kstat_irqs(lines[3]);
	EXPECT_EQ(t, tnet_promisc(t, dev, 1), VIRTIO_NET_OK);
	EXPECT_GE(t, kstat_irqs(lines[3]), before + 1); /* the ctrl queue's own vector */
	EXPECT_EQ(t, n->callbacks[2], 1);
	unregister_virtio_driver(&tnet_driver);
}

TEST_CASE(virtio_irq_test_msix_vector_shared_by_the_queues)
{
	struct virtio_device *dev = net_dev(t, false);
	struct virtio_pci_device *vp = to_vp_device(dev);
	unsigned long before;
	int shared;

	need_msix(t);
	register_or_abort(t, &tnet_driver);
	/* vectors=2 on the command line: no room for one per queue. */
	EXPECT_TRUE(t, vp->pci_dev->msix_enabled);
	EXPECT_EQ(t, vp->msix_vectors, 2);
	EXPECT_FALSE(t, vp->per_vq_vectors);
	EXPECT_TRUE(t, vp->shared_irq);
	shared = pci_irq_vector(vp->pci_dev, 1);
	ASSERT_GE(t, shared, 16);
	before = kstat_irqs(shared);
	EXPECT_EQ(t, tnet_promisc(t, dev, 1), VIRTIO_NET_OK);
	EXPECT_GE(t, kstat_irqs(shared), before + 1);
	/* Legacy with MSI-X on: the configuration starts at 24. */
	EXPECT_EQ(t, virtio_cread8(dev, 5), legacy_mac5);
	unregister_virtio_driver(&tnet_driver);
}

TEST_CASE(virtio_irq_test_intx_when_msix_is_off)
{
	struct virtio_device *modern = net_dev(t, true), *legacy = net_dev(t, false);
	struct pci_dev *pm = to_vp_device(modern)->pci_dev, *pl = to_vp_device(legacy)->pci_dev;
	bool was_m = pm->no_msi, was_l = pl->no_msi;

	pm->no_msi = pl->no_msi = true;
	register_or_abort(t, &tnet_driver);
	for (int i = 0; i < 2; i++) {
		struct virtio_device *dev = i ? legacy : modern;
		struct virtio_pci_device *vp = to_vp_device(dev);

		EXPECT_TRUE(t, vp->intx);
		EXPECT_EQ(t, vp->msix_vectors, 0);
		EXPECT_FALSE(t, vp->pci_dev->msix_enabled);
		EXPECT_EQ(t, pci_irq_vector(vp->pci_dev, 0), (int)vp->pci_dev->irq);
		EXPECT_EQ(t, tnet_promisc(t, dev, 1), VIRTIO_NET_OK);
		EXPECT_GE(t, vp->intx_interrupts, 1); /* the ISR said "queue" */
	}
	/* Legacy without MSI-X: the configuration starts at 20. */
	EXPECT_EQ(t, virtio_cread8(legacy, 5), legacy_mac5);
	unregister_virtio_driver(&tnet_driver);
	pm->no_msi = was_m;
	pl->no_msi = was_l;
}

TEST_CASE(virtio_irq_test_queues_without_callback_get_no_vector)
{
	struct virtio_device *dev = net_dev(t, true);
	struct virtio_pci_device *vp = to_vp_device(dev);
	vq_callback_t *callbacks[] = { NULL, NULL };
	const char *const names[] = { "rx", "tx" };
	struct virtqueue *vqs[2];
	struct virtio_pci_vq_info *info;
	struct tnet *n;

	need_msix(t);
	register_or_abort(t, &tnet_driver);
	n = dev->priv;
	/* Make them again, without callbacks: only the configuration vector is needed. */
	virtio_reset_device(dev);
	dev->config->del_vqs(dev);
	ASSERT_EQ(t, dev->config->find_vqs(dev, 2, vqs, callbacks, names), 0);
	EXPECT_EQ(t, vp->msix_vectors, 1);
	info = vqs[0]->priv;
	EXPECT_EQ(t, info->msix_vector, VIRTIO_MSI_NO_VECTOR);
	memset(n->vq, 0, sizeof(n->vq));
	unregister_virtio_driver(&tnet_driver); /* tnet_remove resets and deletes these */
}

static const struct ktest_case virtio_irq_cases[] = {
	KTEST(virtio_irq_test_msix_vector_per_queue),
	KTEST(virtio_irq_test_msix_vector_shared_by_the_queues),
	KTEST(virtio_irq_test_intx_when_msix_is_off),
	KTEST(virtio_irq_test_queues_without_callback_get_no_vector),
	{}
};
TEST_SUITE_INIT(virtio_irq, virtio_irq_cases, virtio_suite_init, virtio_suite_exit);
