/*
 * SPDX-License-Identifier: MIT
 * drivers/virtio_pci.h - the virtio PCI transport (drivers/virtio/virtio_pci*.c):
 * the register layout of both shapes (as 3.10's uapi linux/virtio_pci.h) and the
 * transport's device, which the virtio test drivers look at (tests/lib/).
 * Drivers of virtio devices use <drivers/virtio.h> only.
 *
 * A virtio device on PCI comes in two shapes (virtio 1.2, 4.1):
 *
 * modern (1.x; device id 0x1040 + type, or a transitional 0x1000-0x103f
 * that also has them): vendor-specific capabilities point into the BARs
 *
 *   config space                      BAR 4 (QEMU)
 *   cap VNDR type 1 COMMON  --------> +0x0000 common configuration (struct below)
 *   cap VNDR type 3 ISR     --------> +0x1000 ISR status byte
 *   cap VNDR type 4 DEVICE  --------> +0x2000 device-specific configuration
 *   cap VNDR type 2 NOTIFY  --------> +0x3000 queue q's doorbell at
 *                                             queue_notify_off(q) * notify_off_multiplier
 *
 * legacy (0.9.5; a transitional device 0x1000-0x103f without the caps,
 * e.g. QEMU's disable-modern=on): fixed registers in I/O BAR 0, the
 * VIRTIO_PCI_* offsets below, then the device-specific configuration at
 * 20, or at 24 while MSI-X is enabled (two vector registers come first).
 */
#ifndef DRIVERS_VIRTIO_PCI_H
#define DRIVERS_VIRTIO_PCI_H

#include <drivers/pci.h>
#include <drivers/virtio.h>

#define VIRTIO_PCI_VENDOR_ID		0x1af4
#define VIRTIO_PCI_DEVICE_ID_LEGACY_MIN 0x1000 /* transitional; type in the subsystem id */
#define VIRTIO_PCI_DEVICE_ID_LEGACY_MAX 0x103f
#define VIRTIO_PCI_DEVICE_ID_MODERN_MIN 0x1040 /* 0x1040 + the virtio device type */
#define VIRTIO_PCI_DEVICE_ID_MODERN_MAX 0x107f

/* cfg_type of a virtio capability (4.1.4). */
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG	  3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4
#define VIRTIO_PCI_CAP_PCI_CFG	  5

/* The vendor-specific capability every virtio structure is found by (4.1.4). */
struct virtio_pci_cap {
	u8 cap_vndr; /* PCI_CAP_ID_VNDR */
	u8 cap_next;
	u8 cap_len;  /* of this capability, these bytes included */
	u8 cfg_type; /* VIRTIO_PCI_CAP_* */
	u8 bar;	     /* 0-5 */
	u8 id;	     /* several of one type: which (1.2) */
	u8 padding[2];
	u32 offset; /* of the structure in the BAR */
	u32 length; /* of the structure */
};

/* The notification capability adds the multiplier (4.1.4.4). */
struct virtio_pci_notify_cap {
	struct virtio_pci_cap cap;
	u32 notify_off_multiplier;
};

/* The common configuration structure (4.1.4.3), little-endian. */
struct virtio_pci_common_cfg {
	u32 device_feature_select;	      /* rw: which 32 feature bits device_feature shows */
	u32 device_feature;		      /* ro */
	u32 driver_feature_select;	      /* rw */
	u32 driver_feature;		      /* rw */
	u16 config_msix_vector;		      /* rw: MSI-X vector for configuration changes */
	u16 num_queues;			      /* ro */
	u8 device_status;		      /* rw: writing 0 resets */
	u8 config_generation;		      /* ro */
	u16 queue_select;		      /* rw: the queue the fields below are about */
	u16 queue_size;			      /* rw: max on reset, may be lowered */
	u16 queue_msix_vector;		      /* rw */
	u16 queue_enable;		      /* rw: write 1 when set up */
	u16 queue_notify_off;		      /* ro */
	u32 queue_desc_lo, queue_desc_hi;     /* rw: physical addresses of the three parts */
	u32 queue_driver_lo, queue_driver_hi; /* (64-bit fields, as two halves: 4.1.3.1) */
	u32 queue_device_lo, queue_device_hi;
};

_Static_assert(sizeof(struct virtio_pci_cap) == 16, "virtio 1.2 4.1.4");
_Static_assert(offsetof(struct virtio_pci_cap, offset) == 8, "virtio 1.2 4.1.4");
_Static_assert(sizeof(struct virtio_pci_notify_cap) == 20, "virtio 1.2 4.1.4.4");
_Static_assert(offsetof(struct virtio_pci_common_cfg, config_msix_vector) == 0x10, "4.1.4.3");
_Static_assert(offsetof(struct virtio_pci_common_cfg, device_status) == 0x14, "virtio 1.2 4.1.4.3");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_select) == 0x16, "virtio 1.2 4.1.4.3");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_notify_off) == 0x1e, "4.1.4.3");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_desc_lo) == 0x20, "virtio 1.2 4.1.4.3");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_device_lo) == 0x30, "4.1.4.3");
_Static_assert(sizeof(struct virtio_pci_common_cfg) == 0x38, "virtio 1.2 4.1.4.3");

/* Legacy registers in I/O BAR 0 ("Legacy Interfaces: A Note on PCI Device Layout"). */
#define VIRTIO_PCI_HOST_FEATURES    0  /* 32 bits, ro */
#define VIRTIO_PCI_GUEST_FEATURES   4  /* 32 bits */
#define VIRTIO_PCI_QUEUE_PFN	    8  /* 32 bits: ring address >> 12; 0 disables */
#define VIRTIO_PCI_QUEUE_NUM	    12 /* 16 bits, ro: the size, fixed */
#define VIRTIO_PCI_QUEUE_SEL	    14 /* 16 bits */
#define VIRTIO_PCI_QUEUE_NOTIFY	    16 /* 16 bits: write the queue index */
#define VIRTIO_PCI_STATUS	    18 /* 8 bits */
#define VIRTIO_PCI_ISR		    19 /* 8 bits, read clears */
#define VIRTIO_MSI_CONFIG_VECTOR    20 /* 16 bits, only while MSI-X is enabled */
#define VIRTIO_MSI_QUEUE_VECTOR	    22
#define VIRTIO_PCI_CONFIG_OFF(msix) ((msix) ? 24 : 20)
#define VIRTIO_PCI_QUEUE_ADDR_SHIFT 12

/* ISR status bits (4.1.4.5): reading the byte returns and clears them, and drops INTx. */
#define VIRTIO_PCI_ISR_QUEUE  0x1
#define VIRTIO_PCI_ISR_CONFIG 0x2

#define VIRTIO_MSI_NO_VECTOR 0xffff /* "no vector", and the device's "could not" */

/* What the transport keeps per queue (vq->priv). */
struct virtio_pci_vq_info {
	struct virtqueue *vq;
	void *notify;	 /* the doorbell: iomap cookie */
	u16 msix_vector; /* VIRTIO_MSI_NO_VECTOR when none */
};

struct virtio_pci_device {
	struct virtio_device vdev;
	struct pci_dev *pci_dev;
	bool modern; /* which of the two shapes */

	/* modern: the structures the capabilities point to (iomap cookies) */
	void *common;
	void *device; /* device-specific config, NULL if it has none */
	u32 device_len;
	void *notify_base;
	u32 notify_len;
	u32 notify_off_multiplier;
	/* both: the ISR status byte; legacy: all registers */
	void *isr;
	void *ioaddr;

	/* interrupts, as vp_find_vqs set them up */
	unsigned int msix_vectors;     /* 0: INTx (or none yet) */
	bool per_vq_vectors;	       /* a vector per queue (else one shared by all) */
	bool intx;		       /* INTx requested */
	bool config_irq;	       /* vector 0 requested (MSI-X) */
	bool shared_irq;	       /* vector 1 requested for every queue */
	unsigned long intx_interrupts; /* INTx calls that were ours (ISR non-zero) */

	/* the shape-specific half (virtio_pci_modern.c / virtio_pci_legacy.c) */
	u16 (*config_vector)(struct virtio_pci_device *vp, u16 vector);
	struct virtqueue *(*setup_vq)(struct virtio_pci_device *vp, struct virtio_pci_vq_info *info,
				      unsigned int index, vq_callback_t *callback, const char *name,
				      u16 msix_vector);
	void (*del_vq)(struct virtio_pci_device *vp, struct virtio_pci_vq_info *info);
};

static inline struct virtio_pci_device *to_vp_device(struct virtio_device *vdev)
{
	return container_of(vdev, struct virtio_pci_device, vdev);
}

/* Each returns 0, or -ENODEV when the device does not have that shape. */
int virtio_pci_modern_probe(struct virtio_pci_device *vp);
int virtio_pci_legacy_probe(struct virtio_pci_device *vp);

/* Common to both shapes (virtio_pci.c): the config_ops find_vqs/del_vqs/bus_name. */
int vp_find_vqs(struct virtio_device *vdev, unsigned int nvqs, struct virtqueue *vqs[],
		vq_callback_t *callbacks[], const char *const names[]);
void vp_del_vqs(struct virtio_device *vdev);
const char *vp_bus_name(struct virtio_device *vdev);
/* set_vq_affinity: route @vq's own MSI-X vector to CPU @cpu (-1: CPU 0); -EINVAL if shared. */
int vp_set_vq_affinity(struct virtqueue *vq, int cpu);
/* The notify a ring calls: write the queue index to its doorbell. */
bool vp_notify(struct virtqueue *vq);

/* virtio_pci_force_legacy: drive transitional devices through the legacy registers. */
extern bool virtio_pci_force_legacy;

#endif
