/*
 * SPDX-License-Identifier: MIT
 * drivers/virtio/virtio_pci_modern.c - the virtio 1.x PCI transport (virtio 1.2,
 * 4.1.4 and 4.1.5): the device's structures are found through vendor
 * capabilities (drivers/virtio_pci.h draws them) and reached in its BARs.
 *
 * Capabilities are input from the device: each one used is checked to be
 * long enough, to name a BAR that exists, and to lie inside it; a doorbell
 * offset the device gives is checked against the notify structure's length.
 */
#include <drivers/pci.h>
#include <drivers/virtio.h>
#include <drivers/virtio_pci.h>
#include <kernel/err.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/time.h>
#include <errno.h>
#include <string.h>

#define VP_MODERN_VRING_ALIGN 64      /* a cache line: more than the 4 the used ring needs */
#define VP_RESET_POLLS	      1000000 /* reads of device_status after a reset */

/* The register @field of the common configuration structure. */
#define common_reg(vp, field) ((char *)(vp)->common + offsetof(struct virtio_pci_common_cfg, field))

/* ---- finding the structures -------------------------------------------------- */

struct vp_cap {
	u8 bar;
	u32 offset, length;
};

/*
 * Read the virtio capability at @pos and check it fits its BAR.  Returns 0,
 * or -EINVAL (reported) for one that is too short, names a missing BAR or
 * points outside it.
 */
static int vp_read_cap(struct pci_dev *pdev, u8 pos, struct vp_cap *c)
{
	u8 len;

	pci_read_config_byte(pdev, pos + offsetof(struct virtio_pci_cap, cap_len), &len);
	pci_read_config_byte(pdev, pos + offsetof(struct virtio_pci_cap, bar), &c->bar);
	pci_read_config_dword(pdev, pos + offsetof(struct virtio_pci_cap, offset), &c->offset);
	pci_read_config_dword(pdev, pos + offsetof(struct virtio_pci_cap, length), &c->length);
	if (len < sizeof(struct virtio_pci_cap) || c->bar >= PCI_STD_NUM_BARS ||
	    !pci_resource_len(pdev, c->bar) ||
	    (u64)c->offset + c->length > pci_resource_len(pdev, c->bar)) {
		pr_warn("virtio-pci %s: bad capability at %#x (len %u, BAR %u + %#x, %#x bytes)\n",
			pci_name(pdev), pos, len, c->bar, c->offset, c->length);
		return -EINVAL;
	}
	return 0;
}

/* The first good capability of type @type (4.1.4.1: "the first one ... they can support"). */
static u8 vp_find_cap(struct pci_dev *pdev, u8 type, struct vp_cap *c)
{
	for (u8 pos = pci_find_capability(pdev, PCI_CAP_ID_VNDR); pos;
	     pos = pci_find_next_capability(pdev, pos, PCI_CAP_ID_VNDR)) {
		u8 cfg_type;

		pci_read_config_byte(pdev, pos + offsetof(struct virtio_pci_cap, cfg_type),
				     &cfg_type);
		if (cfg_type == type && !vp_read_cap(pdev, pos, c))
			return pos;
	}
	return 0;
}

static void *vp_map_cap(struct pci_dev *pdev, const struct vp_cap *c, u32 min_len)
{
	if (c->length < min_len)
		return NULL;
	return pci_iomap_range(pdev, c->bar, c->offset, c->length);
}

/* ---- config_ops ---------------------------------------------------------------- */

static void vp_get(struct virtio_device *vdev, unsigned int offset, void *buf, unsigned int len)
{
	struct virtio_pci_device *vp = to_vp_device(vdev);
	char *p = (char *)vp->device + offset;
	u32 lo, hi;

	if (WARN_ON(!vp->device || offset + len > vp->device_len)) {
		memset(buf, 0, len);
		return;
	}
	/* 4.1.3.1: each field by its natural width; a 64-bit one as two 32-bit halves. */
	switch (len) {
	case 1:
		*(u8 *)buf = ioread8(p);
		break;
	case 2:
		*(u16 *)buf = ioread16(p);
		break;
	case 4:
		*(u32 *)buf = ioread32(p);
		break;
	case 8:
		lo = ioread32(p);
		hi = ioread32(p + 4);
		*(u64 *)buf = ((u64)hi << 32) | lo;
		break;
	default:
		WARN_ON(1);
		memset(buf, 0, len);
	}
}

static void vp_set(struct virtio_device *vdev, unsigned int offset, const void *buf,
		   unsigned int len)
{
	struct virtio_pci_device *vp = to_vp_device(vdev);
	char *p = (char *)vp->device + offset;

	if (WARN_ON(!vp->device || offset + len > vp->device_len))
		return;
	switch (len) {
	case 1:
		iowrite8(*(const u8 *)buf, p);
		break;
	case 2:
		iowrite16(*(const u16 *)buf, p);
		break;
	case 4:
		iowrite32(*(const u32 *)buf, p);
		break;
	case 8:
		iowrite32((u32) * (const u64 *)buf, p);
		iowrite32(*(const u64 *)buf >> 32, p + 4);
		break;
	default:
		WARN_ON(1);
	}
}

static u32 vp_generation(struct virtio_device *vdev)
{
	return ioread8(common_reg(to_vp_device(vdev), config_generation));
}

static u8 vp_get_status(struct virtio_device *vdev)
{
	return ioread8(common_reg(to_vp_device(vdev), device_status));
}

static void vp_set_status(struct virtio_device *vdev, u8 status)
{
	WARN_ON(!status); /* 0 is a reset: vp_reset */
	iowrite8(status, common_reg(to_vp_device(vdev), device_status));
}

static void vp_reset(struct virtio_device *vdev)
{
	struct virtio_pci_device *vp = to_vp_device(vdev);
	int n = 0;

	iowrite8(0, common_reg(vp, device_status));
	/* 4.1.4.3.2: "wait for a read of device_status to return 0 before reinitializing". */
	while (ioread8(common_reg(vp, device_status)) && ++n < VP_RESET_POLLS)
		udelay(1);
	if (n == VP_RESET_POLLS)
		pr_err("virtio %s: still not reset after %d us\n", vdev->name, n);
}

static u64 vp_get_features(struct virtio_device *vdev)
{
	struct virtio_pci_device *vp = to_vp_device(vdev);
	u64 features;

	iowrite32(0, common_reg(vp, device_feature_select));
	features = ioread32(common_reg(vp, device_feature));
	iowrite32(1, common_reg(vp, device_feature_select));
	return features | ((u64)ioread32(common_reg(vp, device_feature)) << 32);
}

static int vp_finalize_features(struct virtio_device *vdev)
{
	struct virtio_pci_device *vp = to_vp_device(vdev);

	vring_transport_features(vdev);
	/* 4.1.4: a device on this transport is a 1.x device; without VERSION_1 it is broken. */
	if (!virtio_has_feature(vdev, VIRTIO_F_VERSION_1)) {
		pr_err("virtio %s: modern device without VIRTIO_F_VERSION_1\n", vdev->name);
		return -EINVAL;
	}
	iowrite32(0, common_reg(vp, driver_feature_select));
	iowrite32((u32)vdev->features, common_reg(vp, driver_feature));
	iowrite32(1, common_reg(vp, driver_feature_select));
	iowrite32(vdev->features >> 32, common_reg(vp, driver_feature));
	return 0;
}

/* 4.1.4.3: num_queues, "the maximum number of virtqueues supported by the device". */
static unsigned int vp_num_queues(struct virtio_device *vdev)
{
	return ioread16(common_reg(to_vp_device(vdev), num_queues));
}

static int vp_modern_find_vqs(struct virtio_device *vdev, unsigned int nvqs,
			      struct virtqueue *vqs[], vq_callback_t *callbacks[],
			      const char *const names[]);

static const struct virtio_config_ops vp_modern_config_ops = {
	.get = vp_get,
	.set = vp_set,
	.generation = vp_generation,
	.get_status = vp_get_status,
	.set_status = vp_set_status,
	.reset = vp_reset,
	.find_vqs = vp_modern_find_vqs,
	.del_vqs = vp_del_vqs,
	.get_features = vp_get_features,
	.finalize_features = vp_finalize_features,
	.bus_name = vp_bus_name,
	.set_vq_affinity = vp_set_vq_affinity,
	.num_queues = vp_num_queues,
};

/* ---- queues (4.1.5.1.3 "Virtqueue Configuration") ----------------------------------- */

static u16 vp_config_vector(struct virtio_pci_device *vp, u16 vector)
{
	iowrite16(vector, common_reg(vp, config_msix_vector));
	return ioread16(common_reg(vp, config_msix_vector)); /* NO_VECTOR: the device said no */
}

static void write_addr(struct virtio_pci_device *vp, unsigned int field, u64 addr)
{
	iowrite32((u32)addr, (char *)vp->common + field);
	iowrite32(addr >> 32, (char *)vp->common + field + 4);
}

/* The doorbell of the selected queue, or NULL if its offset lies outside the notify structure. */
static void *vp_queue_doorbell(struct virtio_pci_device *vp)
{
	u64 off = (u64)ioread16(common_reg(vp, queue_notify_off)) * vp->notify_off_multiplier;

	if (off + 2 > vp->notify_len)
		return NULL;
	return (char *)vp->notify_base + off;
}

static struct virtqueue *vp_modern_setup_vq(struct virtio_pci_device *vp,
					    struct virtio_pci_vq_info *info, unsigned int index,
					    vq_callback_t *callback, const char *name, u16 msix_vec)
{
	struct virtqueue *vq;
	u16 num;

	if (index >= ioread16(common_reg(vp, num_queues)))
		return ERR_PTR(-ENOENT);
	iowrite16(index, common_reg(vp, queue_select)); /* 1. select the queue */
	num = ioread16(common_reg(vp, queue_size));	/* 2. its maximum size */
	if (!num || ioread16(common_reg(vp, queue_enable)))
		return ERR_PTR(-ENOENT); /* absent, or already in use */
	info->notify = vp_queue_doorbell(vp);
	if (!info->notify || (num & (num - 1)))
		return ERR_PTR(-EINVAL); /* nonsense from the device */
	vq = vring_create_virtqueue(index, num, VP_MODERN_VRING_ALIGN, &vp->vdev, true, true, false,
				    vp_notify, callback, name);
	if (!vq)
		return ERR_PTR(-ENOMEM);
	vq->priv = info;
	/* 3. the size we use (vring_create_virtqueue may have halved it) */
	iowrite16(virtqueue_get_vring_size(vq), common_reg(vp, queue_size));
	if (msix_vec != VIRTIO_MSI_NO_VECTOR) { /* 4. its vector */
		iowrite16(msix_vec, common_reg(vp, queue_msix_vector));
		if (ioread16(common_reg(vp, queue_msix_vector)) == VIRTIO_MSI_NO_VECTOR) {
			vring_del_virtqueue(vq);
			return ERR_PTR(-EBUSY);
		}
	}
	/* 5. where the three parts are */
	write_addr(vp, offsetof(struct virtio_pci_common_cfg, queue_desc_lo),
		   virtqueue_get_desc_addr(vq));
	write_addr(vp, offsetof(struct virtio_pci_common_cfg, queue_driver_lo),
		   virtqueue_get_avail_addr(vq));
	write_addr(vp, offsetof(struct virtio_pci_common_cfg, queue_device_lo),
		   virtqueue_get_used_addr(vq));
	/* 6. enable: in vp_modern_find_vqs, once every queue is set up */
	return vq;
}

/*
 * vp_find_vqs, then enable every queue it set up (4.1.4.3.2: queue_enable
 * 1).  Last, as 3.10's vp_find_vqs writes the legacy PFN only on success:
 * an enabled queue can be disabled only by a reset, so a failed attempt
 * (per-queue vectors) must leave them all disabled for the next (a shared
 * vector, INTx) to set them up again.
 */
static int vp_modern_find_vqs(struct virtio_device *vdev, unsigned int nvqs,
			      struct virtqueue *vqs[], vq_callback_t *callbacks[],
			      const char *const names[])
{
	struct virtio_pci_device *vp = to_vp_device(vdev);
	struct virtqueue *vq;
	int ret = vp_find_vqs(vdev, nvqs, vqs, callbacks, names);

	if (ret)
		return ret;
	list_for_each_entry(vq, &vdev->vqs, list) {
		iowrite16(vq->index, common_reg(vp, queue_select));
		iowrite16(1, common_reg(vp, queue_enable));
	}
	return 0;
}

static void vp_modern_del_vq(struct virtio_pci_device *vp, struct virtio_pci_vq_info *info)
{
	iowrite16(info->vq->index, common_reg(vp, queue_select));
	if (vp->msix_vectors) {
		iowrite16(VIRTIO_MSI_NO_VECTOR, common_reg(vp, queue_msix_vector));
		ioread16(common_reg(vp, queue_msix_vector)); /* flush the posted write */
	}
	vring_del_virtqueue(info->vq);
}

/* ---- probe (4.1.5.1.1 "Virtio Device Configuration Layout Detection") ---------------- */

static int vp_map_structures(struct virtio_pci_device *vp)
{
	struct pci_dev *pdev = vp->pci_dev;
	struct vp_cap common, isr, notify, device;
	u8 notify_pos;

	if (!vp_find_cap(pdev, VIRTIO_PCI_CAP_COMMON_CFG, &common))
		return -ENODEV; /* no modern interface */
	notify_pos = vp_find_cap(pdev, VIRTIO_PCI_CAP_NOTIFY_CFG, &notify);
	if (!vp_find_cap(pdev, VIRTIO_PCI_CAP_ISR_CFG, &isr) || !notify_pos)
		return -EINVAL;
	pci_read_config_dword(pdev,
			      notify_pos +
				      offsetof(struct virtio_pci_notify_cap, notify_off_multiplier),
			      &vp->notify_off_multiplier);
	vp->common = vp_map_cap(pdev, &common, sizeof(struct virtio_pci_common_cfg));
	vp->isr = vp_map_cap(pdev, &isr, 1);
	vp->notify_base = vp_map_cap(pdev, &notify, 2);
	vp->notify_len = notify.length;
	if (!vp->common || !vp->isr || !vp->notify_base)
		return -EINVAL;
	/* The device-specific structure is optional (a device may have no configuration). */
	if (vp_find_cap(pdev, VIRTIO_PCI_CAP_DEVICE_CFG, &device)) {
		vp->device = vp_map_cap(pdev, &device, 1);
		vp->device_len = vp->device ? device.length : 0;
	}
	return 0;
}

int virtio_pci_modern_probe(struct virtio_pci_device *vp)
{
	struct pci_dev *pdev = vp->pci_dev;
	int ret = vp_map_structures(vp);

	if (ret == -EINVAL) {
		pr_warn("virtio-pci %s: unusable modern capabilities\n", pci_name(pdev));
		/* A transitional device may still be usable through its legacy registers. */
		if (pdev->device <= VIRTIO_PCI_DEVICE_ID_LEGACY_MAX)
			return -ENODEV;
	}
	if (ret)
		return ret;
	/* 4.1.2: the type is the device id - 0x1040, or for a transitional one the subsystem id. */
	vp->vdev.id.device = pdev->device >= VIRTIO_PCI_DEVICE_ID_MODERN_MIN
				     ? pdev->device - VIRTIO_PCI_DEVICE_ID_MODERN_MIN
				     : pdev->subsystem_device;
	vp->vdev.id.vendor = pdev->subsystem_vendor;
	vp->vdev.config = &vp_modern_config_ops;
	vp->modern = true;
	vp->config_vector = vp_config_vector;
	vp->setup_vq = vp_modern_setup_vq;
	vp->del_vq = vp_modern_del_vq;
	return 0;
}
