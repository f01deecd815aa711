/*
 * SPDX-License-Identifier: MIT
 * drivers/virtio/virtio_pci_legacy.c - the legacy (virtio 0.9.5) PCI transport,
 * for transitional devices without the modern capabilities (QEMU's
 * disable-modern=on): every register at a fixed offset of I/O BAR 0
 * (virtio 1.2, 4.1.4.10 "Legacy Interfaces: A Note on PCI Device Layout"):
 *
 *   0  host features   4  guest features   8  queue PFN     12 queue size
 *   14 queue select    16 queue notify     18 status        19 ISR
 *   20 config vector   22 queue vector     (only while MSI-X is enabled)
 *   20 or 24: the device-specific configuration
 *
 * Differences from modern: 32 feature bits, no FEATURES_OK (3.1.2), a
 * queue size the driver cannot change, one contiguous ring whose used part
 * starts on a 4096-byte boundary, given as a page frame number (2.7.2),
 * and configuration in guest byte order (little-endian here anyway).
 */
#include <drivers/pci.h>
#include <drivers/virtio.h>
#include <drivers/virtio_pci.h>
#include <kernel/err.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <errno.h>
#include <string.h>

#define VP_LEGACY_MIN_BAR (VIRTIO_PCI_CONFIG_OFF(true)) /* the registers, before config */

static void *reg(struct virtio_pci_device *vp, unsigned int off)
{
	return (char *)vp->ioaddr + off;
}

/* Where the device-specific configuration starts: it moves when MSI-X is on. */
static unsigned int config_off(struct virtio_pci_device *vp)
{
	return VIRTIO_PCI_CONFIG_OFF(vp->pci_dev->msix_enabled);
}

static bool config_range_ok(struct virtio_pci_device *vp, unsigned int offset, unsigned int len)
{
	return (u64)config_off(vp) + offset + len <= pci_resource_len(vp->pci_dev, 0);
}

static void vp_legacy_get(struct virtio_device *vdev, unsigned int offset, void *buf,
			  unsigned int len)
{
	struct virtio_pci_device *vp = to_vp_device(vdev);

	if (WARN_ON(!config_range_ok(vp, offset, len))) {
		memset(buf, 0, len);
		return;
	}
	for (unsigned int i = 0; i < len; i++)
		((u8 *)buf)[i] = ioread8(reg(vp, config_off(vp) + offset + i));
}

static void vp_legacy_set(struct virtio_device *vdev, unsigned int offset, const void *buf,
			  unsigned int len)
{
	struct virtio_pci_device *vp = to_vp_device(vdev);

	if (WARN_ON(!config_range_ok(vp, offset, len)))
		return;
	for (unsigned int i = 0; i < len; i++)
		iowrite8(((const u8 *)buf)[i], reg(vp, config_off(vp) + offset + i));
}

static u32 vp_legacy_generation(struct virtio_device *vdev)
{
	return 0; /* no generation counter: a legacy read can tear (2.5.4) */
}

static u8 vp_legacy_get_status(struct virtio_device *vdev)
{
	return ioread8(reg(to_vp_device(vdev), VIRTIO_PCI_STATUS));
}

static void vp_legacy_set_status(struct virtio_device *vdev, u8 status)
{
	WARN_ON(!status);
	iowrite8(status, reg(to_vp_device(vdev), VIRTIO_PCI_STATUS));
}

static void vp_legacy_reset(struct virtio_device *vdev)
{
	struct virtio_pci_device *vp = to_vp_device(vdev);

	iowrite8(0, reg(vp, VIRTIO_PCI_STATUS));
	/* Read back: a legacy device has reset when the read returns (it is synchronous). */
	ioread8(reg(vp, VIRTIO_PCI_STATUS));
}

static u64 vp_legacy_get_features(struct virtio_device *vdev)
{
	return ioread32(reg(to_vp_device(vdev), VIRTIO_PCI_HOST_FEATURES));
}

static int vp_legacy_finalize_features(struct virtio_device *vdev)
{
	vring_transport_features(vdev);
	/* Only 32 bits fit; a legacy device cannot have offered more. */
	WARN_ON(vdev->features >> 32);
	iowrite32((u32)vdev->features, reg(to_vp_device(vdev), VIRTIO_PCI_GUEST_FEATURES));
	return 0;
}

static const struct virtio_config_ops vp_legacy_config_ops = {
	.get = vp_legacy_get,
	.set = vp_legacy_set,
	.generation = vp_legacy_generation,
	.get_status = vp_legacy_get_status,
	.set_status = vp_legacy_set_status,
	.reset = vp_legacy_reset,
	.find_vqs = vp_find_vqs,
	.del_vqs = vp_del_vqs,
	.get_features = vp_legacy_get_features,
	.finalize_features = vp_legacy_finalize_features,
	.bus_name = vp_bus_name,
	.set_vq_affinity = vp_set_vq_affinity,
};

static u16 vp_legacy_config_vector(struct virtio_pci_device *vp, u16 vector)
{
	iowrite16(vector, reg(vp, VIRTIO_MSI_CONFIG_VECTOR));
	return ioread16(reg(vp, VIRTIO_MSI_CONFIG_VECTOR));
}

static struct virtqueue *vp_legacy_setup_vq(struct virtio_pci_device *vp,
					    struct virtio_pci_vq_info *info, unsigned int index,
					    vq_callback_t *callback, const char *name, u16 msix_vec)
{
	struct virtqueue *vq;
	u64 pfn;
	u16 num;

	iowrite16(index, reg(vp, VIRTIO_PCI_QUEUE_SEL));
	num = ioread16(reg(vp, VIRTIO_PCI_QUEUE_NUM));
	if (!num || ioread32(reg(vp, VIRTIO_PCI_QUEUE_PFN)))
		return ERR_PTR(-ENOENT); /* absent, or already in use */
	/* The size is the device's, not ours to reduce. */
	vq = vring_create_virtqueue(index, num, VRING_LEGACY_ALIGN, &vp->vdev, true, false, false,
				    vp_notify, callback, name);
	if (!vq)
		return ERR_PTR(-ENOMEM);
	info->notify = reg(vp, VIRTIO_PCI_QUEUE_NOTIFY);
	vq->priv = info;
	pfn = virtqueue_get_desc_addr(vq) >> VIRTIO_PCI_QUEUE_ADDR_SHIFT;
	if (pfn >> 32) { /* the register is 32 bits: the ring must sit below 16 TiB */
		vring_del_virtqueue(vq);
		return ERR_PTR(-E2BIG);
	}
	if (msix_vec != VIRTIO_MSI_NO_VECTOR) {
		iowrite16(msix_vec, reg(vp, VIRTIO_MSI_QUEUE_VECTOR));
		if (ioread16(reg(vp, VIRTIO_MSI_QUEUE_VECTOR)) == VIRTIO_MSI_NO_VECTOR) {
			vring_del_virtqueue(vq);
			return ERR_PTR(-EBUSY);
		}
	}
	iowrite32(pfn, reg(vp, VIRTIO_PCI_QUEUE_PFN)); /* activates the queue */
	return vq;
}

static void vp_legacy_del_vq(struct virtio_pci_device *vp, struct virtio_pci_vq_info *info)
{
	iowrite16(info->vq->index, reg(vp, VIRTIO_PCI_QUEUE_SEL));
	if (vp->msix_vectors) {
		iowrite16(VIRTIO_MSI_NO_VECTOR, reg(vp, VIRTIO_MSI_QUEUE_VECTOR));
		ioread8(reg(vp, VIRTIO_PCI_ISR)); /* flush the write */
	}
	iowrite32(0, reg(vp, VIRTIO_PCI_QUEUE_PFN)); /* deactivate */
	vring_del_virtqueue(info->vq);
}

int virtio_pci_legacy_probe(struct virtio_pci_device *vp)
{
	struct pci_dev *pdev = vp->pci_dev;

	if (pdev->device > VIRTIO_PCI_DEVICE_ID_LEGACY_MAX)
		return -ENODEV;
	if (!(pci_resource_flags(pdev, 0) & IORESOURCE_IO) ||
	    pci_resource_len(pdev, 0) < VP_LEGACY_MIN_BAR) {
		pr_warn("virtio-pci %s: no legacy I/O BAR 0\n", pci_name(pdev));
		return -ENODEV;
	}
	vp->ioaddr = pci_iomap(pdev, 0, 0);
	if (!vp->ioaddr)
		return -ENOMEM;
	vp->isr = reg(vp, VIRTIO_PCI_ISR);
	/* "the Subsystem Device ID ... matches the virtio Device ID" (4.1.2.3, legacy). */
	vp->vdev.id.device = pdev->subsystem_device;
	vp->vdev.id.vendor = pdev->subsystem_vendor;
	vp->vdev.config = &vp_legacy_config_ops;
	vp->modern = false;
	vp->config_vector = vp_legacy_config_vector;
	vp->setup_vq = vp_legacy_setup_vq;
	vp->del_vq = vp_legacy_del_vq;
	return 0;
}
