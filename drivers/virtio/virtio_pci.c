/*
 * SPDX-License-Identifier: MIT
 * drivers/virtio/virtio_pci.c - virtio over PCI (virtio 1.2, 4.1): the PCI driver
 * that finds virtio devices, picks their shape, and sets up interrupts.
 *
 *   QEMU: -device virtio-net-pci,disable-legacy=on,netdev=n0   modern, 1af4:1041
 *         -device virtio-net-pci,disable-modern=on,netdev=n1   legacy, 1af4:1000
 *         -device virtio-rng-pci                               transitional: modern is used
 *   (each net device with its -netdev user,id=nX)
 *
 * The shape is chosen at probe: the modern capabilities if the device has
 * them (always for ids 0x1040-0x107f), else the legacy I/O registers (ids
 * 0x1000-0x103f only), or legacy first with virtio_pci_force_legacy.
 *
 * Interrupts, tried in this order (as Linux does, 4.1.5.1.2 and 4.1.5.4):
 *   1. MSI-X, vector 0 for configuration changes and one per queue that has
 *      a callback: no interrupt ever needs to ask "who was it?";
 *   2. MSI-X, vector 0 for configuration changes, vector 1 shared by every
 *      queue (each queue's vring_interrupt checks its used ring);
 *   3. INTx: one level-triggered line, maybe shared with other devices;
 *      the handler reads the ISR status byte, which says "queue" and/or
 *      "configuration" and, by being read, lowers the line (4.1.4.5).
 * pci=nomsi, or pci_dev->no_msi, goes straight to 3.
 */
#include <drivers/pci.h>
#include <drivers/virtio.h>
#include <drivers/virtio_pci.h>
#include <kernel/cmdline.h>
#include <kernel/err.h>
#include <kernel/init.h>
#include <kernel/irq.h>
#include <kernel/printk.h>
#include <mm/slab.h>
#include <errno.h>

bool virtio_pci_force_legacy;
cmdline_param_bool(virtio_pci_force_legacy, &virtio_pci_force_legacy,
		   "drive transitional virtio devices through the legacy registers");

const char *vp_bus_name(struct virtio_device *vdev)
{
	return pci_name(to_vp_device(vdev)->pci_dev);
}

bool vp_notify(struct virtqueue *vq)
{
	struct virtio_pci_vq_info *info = vq->priv;

	/* 4.1.5.2: the queue index, 16 bits, to the queue's doorbell (legacy: QUEUE_NOTIFY). */
	iowrite16(vq->index, info->notify);
	return true;
}

/* ---- interrupt handlers -------------------------------------------------------- */

static irqreturn_t vp_config_changed_irq(int irq, void *opaque)
{
	struct virtio_pci_device *vp = opaque;

	virtio_config_changed(&vp->vdev);
	return IRQ_HANDLED;
}

/* Every queue looks at its used ring: a shared vector, or INTx. */
static irqreturn_t vp_vring_interrupt(int irq, void *opaque)
{
	struct virtio_pci_device *vp = opaque;
	irqreturn_t ret = IRQ_NONE;
	struct virtqueue *vq;

	list_for_each_entry(vq, &vp->vdev.vqs, list)
		if (vring_interrupt(irq, vq) == IRQ_HANDLED)
			ret = IRQ_HANDLED;
	return ret;
}

/* INTx: the ISR byte says whether it was us, and reading it lowers the line (4.1.5.3, 4.1.5.4). */
static irqreturn_t vp_interrupt(int irq, void *opaque)
{
	struct virtio_pci_device *vp = opaque;
	u8 isr = ioread8(vp->isr);

	if (!isr)
		return IRQ_NONE; /* another device on the shared line */
	vp->intx_interrupts++;
	if (isr & VIRTIO_PCI_ISR_CONFIG)
		virtio_config_changed(&vp->vdev);
	vp_vring_interrupt(irq, opaque);
	return IRQ_HANDLED;
}

/* ---- queues --------------------------------------------------------------------- */

static struct virtqueue *vp_setup_vq(struct virtio_pci_device *vp, unsigned int index,
				     vq_callback_t *callback, const char *name, u16 msix_vec)
{
	struct virtio_pci_vq_info *info = kzalloc(sizeof(*info), GFP_KERNEL);
	struct virtqueue *vq;

	if (!info)
		return ERR_PTR(-ENOMEM);
	info->msix_vector = msix_vec;
	vq = vp->setup_vq(vp, info, index, callback, name, msix_vec);
	if (IS_ERR(vq)) {
		kfree(info);
		return vq;
	}
	info->vq = vq;
	return vq;
}

void vp_del_vqs(struct virtio_device *vdev)
{
	struct virtio_pci_device *vp = to_vp_device(vdev);
	struct pci_dev *pdev = vp->pci_dev;
	struct virtqueue *vq, *n;

	list_for_each_entry_safe(vq, n, &vdev->vqs, list) {
		struct virtio_pci_vq_info *info = vq->priv;

		if (vp->per_vq_vectors && info->msix_vector != VIRTIO_MSI_NO_VECTOR)
			pci_free_irq(pdev, info->msix_vector, vq);
		vp->del_vq(vp, info); /* frees the vq */
		kfree(info);
	}
	if (vp->config_irq) {
		vp->config_vector(vp, VIRTIO_MSI_NO_VECTOR);
		pci_free_irq(pdev, 0, vp);
	}
	if (vp->shared_irq)
		pci_free_irq(pdev, 1, vp);
	if (vp->intx)
		pci_free_irq(pdev, 0, vp);
	pci_free_irq_vectors(pdev);
	vp->msix_vectors = 0;
	vp->per_vq_vectors = vp->intx = vp->config_irq = vp->shared_irq = false;
}

/* Vector 0 for configuration changes (4.1.5.1.2: write it, read back: NO_VECTOR means no). */
static int vp_request_config_vector(struct virtio_pci_device *vp)
{
	int ret = pci_request_irq(vp->pci_dev, 0, vp_config_changed_irq, NULL, vp, "%s-config",
				  vp->vdev.name);

	if (ret)
		return ret;
	vp->config_irq = true;
	if (vp->config_vector(vp, 0) == VIRTIO_MSI_NO_VECTOR)
		return -EBUSY;
	return 0;
}

/* The queues, each with its own vector (@per_vq) or all on vector 1. */
static int vp_setup_msix_queues(struct virtio_pci_device *vp, unsigned int nvqs,
				struct virtqueue *vqs[], vq_callback_t *callbacks[],
				const char *const names[], bool per_vq)
{
	unsigned int next = 1;
	int ret;

	for (unsigned int i = 0; i < nvqs; i++) {
		u16 vec = !callbacks[i] ? VIRTIO_MSI_NO_VECTOR : per_vq ? next : 1;

		vqs[i] = NULL;
		if (!names[i])
			continue;
		vqs[i] = vp_setup_vq(vp, i, callbacks[i], names[i], vec);
		if (IS_ERR(vqs[i]))
			return PTR_ERR(vqs[i]);
		if (!per_vq || vec == VIRTIO_MSI_NO_VECTOR)
			continue;
		next++;
		ret = pci_request_irq(vp->pci_dev, vec, vring_interrupt, NULL, vqs[i], "%s-%s",
				      vp->vdev.name, names[i]);
		if (ret) {
			/* vp_del_vqs frees what was requested: this one was not. */
			struct virtio_pci_vq_info *info = vqs[i]->priv;

			info->msix_vector = VIRTIO_MSI_NO_VECTOR;
			return ret;
		}
	}
	return 0;
}

static int vp_find_vqs_msix(struct virtio_device *vdev, unsigned int nvqs, struct virtqueue *vqs[],
			    vq_callback_t *callbacks[], const char *const names[], bool per_vq)
{
	struct virtio_pci_device *vp = to_vp_device(vdev);
	unsigned int nvec = 2;
	int ret;

	if (per_vq) {
		nvec = 1;
		for (unsigned int i = 0; i < nvqs; i++)
			nvec += names[i] && callbacks[i];
	}
	ret = pci_alloc_irq_vectors(vp->pci_dev, nvec, nvec, PCI_IRQ_MSIX);
	if (ret < 0)
		return ret;
	vp->msix_vectors = nvec;
	vp->per_vq_vectors = per_vq;
	if ((ret = vp_request_config_vector(vp)))
		goto del;
	if (!per_vq) {
		ret = pci_request_irq(vp->pci_dev, 1, vp_vring_interrupt, NULL, vp, "%s-virtqueues",
				      vdev->name);
		if (ret)
			goto del;
		vp->shared_irq = true;
	}
	ret = vp_setup_msix_queues(vp, nvqs, vqs, callbacks, names, per_vq);
	if (ret)
		goto del;
	return 0;

del:
	vp_del_vqs(vdev);
	return ret;
}

static int vp_find_vqs_intx(struct virtio_device *vdev, unsigned int nvqs, struct virtqueue *vqs[],
			    vq_callback_t *callbacks[], const char *const names[])
{
	struct virtio_pci_device *vp = to_vp_device(vdev);
	int ret = pci_alloc_irq_vectors(vp->pci_dev, 1, 1, PCI_IRQ_INTX);

	if (ret < 0)
		return ret;
	ret = pci_request_irq(vp->pci_dev, 0, vp_interrupt, NULL, vp, "%s", vdev->name);
	if (ret)
		goto del;
	vp->intx = true;
	for (unsigned int i = 0; i < nvqs; i++) {
		vqs[i] = NULL;
		if (!names[i])
			continue;
		vqs[i] = vp_setup_vq(vp, i, callbacks[i], names[i], VIRTIO_MSI_NO_VECTOR);
		if (IS_ERR(vqs[i])) {
			ret = PTR_ERR(vqs[i]);
			goto del;
		}
	}
	return 0;

del:
	vp_del_vqs(vdev);
	return ret;
}

int vp_find_vqs(struct virtio_device *vdev, unsigned int nvqs, struct virtqueue *vqs[],
		vq_callback_t *callbacks[], const char *const names[])
{
	int ret = vp_find_vqs_msix(vdev, nvqs, vqs, callbacks, names, true);

	if (!ret)
		return 0;
	if (!vp_find_vqs_msix(vdev, nvqs, vqs, callbacks, names, false))
		return 0;
	ret = vp_find_vqs_intx(vdev, nvqs, vqs, callbacks, names);
	if (ret)
		pr_err("virtio %s: no interrupt for its queues: %d\n", vdev->name, ret);
	return ret;
}

/*
 * Only a vector of the queue's own can follow it to a CPU: moving the
 * shared vector (or INTx) would move every queue.  3.10 answers 0 for a
 * shared MSI-X vector and hints that one; we say -EINVAL.
 */
int vp_set_vq_affinity(struct virtqueue *vq, int cpu)
{
	struct virtio_pci_device *vp = to_vp_device(vq->vdev);
	struct virtio_pci_vq_info *info = vq->priv;
	int irq;

	if (!vq->callback || !vp->per_vq_vectors || info->msix_vector == VIRTIO_MSI_NO_VECTOR)
		return -EINVAL;
	if (cpu < -1)
		return -EINVAL;
	irq = pci_irq_vector(vp->pci_dev, info->msix_vector);
	if (irq < 0)
		return irq;
	/* 3.10 sets irq_set_affinity_hint; we route the vector: docs/linux-3.10.md */
	return irq_set_affinity(irq, cpu < 0 ? 0 : cpu);
}

/* ---- the PCI driver -------------------------------------------------------------- */

/* 3.10 drives legacy devices only; we modern (virtio 1.x) too: docs/linux-3.10.md */
static int virtio_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct virtio_pci_device *vp;
	bool legacy_id = pdev->device <= VIRTIO_PCI_DEVICE_ID_LEGACY_MAX;
	int ret = -ENODEV;

	if (pdev->device < VIRTIO_PCI_DEVICE_ID_LEGACY_MIN ||
	    pdev->device > VIRTIO_PCI_DEVICE_ID_MODERN_MAX)
		return -ENODEV; /* 4.1.2: other 1af4 ids are not virtio */
	vp = kzalloc(sizeof(*vp), GFP_KERNEL);
	if (!vp)
		return -ENOMEM;
	vp->pci_dev = pdev;
	pci_enable_device(pdev);
	if (legacy_id && virtio_pci_force_legacy)
		ret = virtio_pci_legacy_probe(vp);
	if (ret == -ENODEV)
		ret = virtio_pci_modern_probe(vp);
	if (ret == -ENODEV && legacy_id && !virtio_pci_force_legacy)
		ret = virtio_pci_legacy_probe(vp);
	if (ret)
		goto free;
	pci_set_master(pdev); /* the device reads and writes the rings itself */
	pci_set_drvdata(pdev, vp);
	pr_info("virtio-pci %s: %s virtio device type %u\n", pci_name(pdev),
		vp->modern ? "modern" : "legacy", vp->vdev.id.device);
	ret = register_virtio_device(&vp->vdev);
	if (ret)
		goto clear;
	return 0;

clear:
	pci_clear_master(pdev);
	pci_set_drvdata(pdev, NULL);
free:
	pci_disable_device(pdev);
	kfree(vp);
	return ret;
}

static void virtio_pci_remove(struct pci_dev *pdev)
{
	struct virtio_pci_device *vp = pci_get_drvdata(pdev);

	unregister_virtio_device(&vp->vdev);
	pci_clear_master(pdev);
	pci_disable_device(pdev);
	kfree(vp);
}

static const struct pci_device_id virtio_pci_ids[] = {
	{ PCI_DEVICE(VIRTIO_PCI_VENDOR_ID, PCI_ANY_ID) }, {}
};

static struct pci_driver virtio_pci_driver = {
	.name = "virtio-pci",
	.id_table = virtio_pci_ids,
	.probe = virtio_pci_probe,
	.remove = virtio_pci_remove,
};

static int virtio_pci_init(void)
{
	return pci_register_driver(&virtio_pci_driver);
}
device_initcall(virtio_pci_init);
