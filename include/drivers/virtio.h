/*
 * SPDX-License-Identifier: MIT
 * drivers/virtio.h - virtio devices and their drivers (the virtio 1.2
 * specification, OASIS; sections cited below are of that version).
 *
 * A virtio device is a paravirtual device with the same shape on every
 * bus: a status byte, feature bits, a device-specific configuration space
 * and some virtqueues (<drivers/virtio_ring.h>).  A transport
 * (drivers/virtio_pci*.c for PCI) finds devices and implements
 * struct virtio_config_ops; drivers only see this header:
 *
 *   static const struct virtio_device_id rng_ids[] = { { VIRTIO_ID_RNG, VIRTIO_DEV_ANY_ID }, {} };
 *   static const unsigned int rng_features[] = { };
 *   static struct virtio_driver rng_driver = {
 *           .name = "virtio-rng", .id_table = rng_ids,
 *           .feature_table = rng_features, .feature_table_size = 0,
 *           .probe = rng_probe, .remove = rng_remove,
 *   };
 *   register_virtio_driver(&rng_driver);
 *
 * The core runs the initialisation sequence of section 3.1.1 around the
 * driver's probe (drivers/virtio/virtio.c has each step):
 *
 *   register_virtio_device:  1 reset, 2 ACKNOWLEDGE
 *   binding a driver:        3 DRIVER, 4 features: device's & driver's,
 *                            5 FEATURES_OK, 6 re-read: refused -> FAILED,
 *                            7 drv->probe(): config->find_vqs(), config,
 *                              fill queues,
 *                            8 DRIVER_OK (unless probe did virtio_device_ready)
 *   unbinding:               drv->remove() must reset the device before it
 *                            frees the queues' buffers, then del_vqs; the
 *                            core checks and resets anyway, then ACKNOWLEDGE
 *
 * A device that refuses FEATURES_OK, or says DEVICE_NEEDS_RESET, is
 * reported and left alone: FAILED set, no driver bound (or, at run time,
 * its queues marked broken until the driver is removed).  A probe that
 * fails with -ENOMEM during boot is FAILED too, but tried again at
 * late_initcall (<drivers/deferred_probe.h>), starting over with a reset.
 *
 * Context: registration, probing and removal in thread context, one at a
 * time; virtio_cread/cwrite anywhere but interrupt context is fine for PCI.
 */
#ifndef DRIVERS_VIRTIO_H
#define DRIVERS_VIRTIO_H

#include <drivers/deferred_probe.h>
#include <drivers/virtio_ring.h>
#include <kernel/compiler.h>
#include <kernel/list.h>
#include <kernel/types.h>
#include <errno.h>

/* Device status (2.1): what the driver has done so far.  Writing 0 resets. */
#define VIRTIO_CONFIG_S_ACKNOWLEDGE 1	 /* the OS noticed the device */
#define VIRTIO_CONFIG_S_DRIVER	    2	 /* the OS has a driver for it */
#define VIRTIO_CONFIG_S_DRIVER_OK   4	 /* the driver is ready: the device is live */
#define VIRTIO_CONFIG_S_FEATURES_OK 8	 /* features agreed (1.x only) */
#define VIRTIO_CONFIG_S_NEEDS_RESET 0x40 /* the device hit an error it cannot recover from */
#define VIRTIO_CONFIG_S_FAILED	    0x80 /* the driver gave up on the device */

/* Feature bits 24-41 belong to the transport and the ring (6, "Reserved Feature Bits"). */
#define VIRTIO_F_NOTIFY_ON_EMPTY    24 /* legacy */
#define VIRTIO_F_ANY_LAYOUT	    27 /* legacy */
#define VIRTIO_RING_F_INDIRECT_DESC 28 /* descriptors may point at tables (2.7.5.3) */
#define VIRTIO_RING_F_EVENT_IDX	    29 /* used_event/avail_event (2.7.7, 2.7.10) */
#define VIRTIO_F_VERSION_1	    32 /* a 1.x device; required by the modern transport */
#define VIRTIO_F_ACCESS_PLATFORM    33 /* DMA goes through an IOMMU: not supported */
#define VIRTIO_F_RING_PACKED	    34 /* not supported */
#define VIRTIO_F_IN_ORDER	    35
#define VIRTIO_F_ORDER_PLATFORM	    36
#define VIRTIO_F_SR_IOV		    37
#define VIRTIO_F_NOTIFICATION_DATA  38
#define VIRTIO_TRANSPORT_F_START    28
#define VIRTIO_TRANSPORT_F_END	    42

/* Device types (5, "Device Types"). */
#define VIRTIO_ID_NET	  1
#define VIRTIO_ID_BLOCK	  2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_RNG	  4
#define VIRTIO_ID_BALLOON 5
#define VIRTIO_ID_SCSI	  8
#define VIRTIO_ID_9P	  9

#define VIRTIO_DEV_ANY_ID 0xffffffff

struct virtio_device_id {
	u32 device; /* VIRTIO_ID_*; a table ends with device 0 */
	u32 vendor; /* VIRTIO_DEV_ANY_ID, or the PCI subsystem vendor */
};

typedef void vq_callback_t(struct virtqueue *);

struct virtio_device;

/*
 * What a transport provides (Linux's virtio_config_ops).  Drivers call the
 * wrappers below, not these.  get/set: @len is 1, 2, 4 or 8 at a naturally
 * aligned @offset of the device-specific configuration space.
 */
struct virtio_config_ops {
	void (*get)(struct virtio_device *vdev, unsigned int offset, void *buf, unsigned int len);
	void (*set)(struct virtio_device *vdev, unsigned int offset, const void *buf,
		    unsigned int len);
	u32 (*generation)(struct virtio_device *vdev); /* 0 for legacy devices */
	u8 (*get_status)(struct virtio_device *vdev);
	void (*set_status)(struct virtio_device *vdev, u8 status); /* never 0: use reset */
	void (*reset)(struct virtio_device *vdev); /* returns when the device is reset */
	/*
	 * find_vqs: make @nvqs queues, names[i] and callbacks[i] (NULL: no callback,
	 * no interrupt vector) for queue i, with the interrupts the transport can
	 * (PCI: a vector per queue, else one shared, else INTx).  0 or -errno, and
	 * then nothing is left allocated.  Drivers call vdev->config->find_vqs().
	 */
	int (*find_vqs)(struct virtio_device *vdev, unsigned int nvqs, struct virtqueue *vqs[],
			vq_callback_t *callbacks[], const char *const names[]);
	void (*del_vqs)(struct virtio_device *vdev);
	u64 (*get_features)(struct virtio_device *vdev);      /* what the device offers */
	int (*finalize_features)(struct virtio_device *vdev); /* write vdev->features */
	const char *(*bus_name)(struct virtio_device *vdev);
	/* Optional: deliver @vq's interrupt to CPU @cpu (-1: back to the default).  0 or -errno. */
	int (*set_vq_affinity)(struct virtqueue *vq, int cpu);
	/* Optional: how many virtqueues the device has (modern PCI: num_queues, 4.1.4.3). */
	/* 3.10 has no such op (no virtio 1.x); we for virtio-net's checks: docs/linux-3.10.md */
	unsigned int (*num_queues)(struct virtio_device *vdev);
};

struct virtio_driver;

struct virtio_device {
	struct list_head node; /* on the core's device list */
	int index;	       /* virtio<index> */
	char name[16];	       /* "virtio0" */
	bool failed;	       /* FAILED set: refused or broken at probe */
	bool broken;	       /* said DEVICE_NEEDS_RESET while live */
	struct virtio_device_id id;
	const struct virtio_config_ops *config;
	struct list_head vqs;		/* its struct virtqueues */
	u64 features;			/* negotiated (during probe: being negotiated) */
	u64 device_features;		/* what the device offered, for the record */
	struct virtio_driver *driver;	/* bound driver, or NULL */
	void *priv;			/* the driver's */
	unsigned long config_changes;	/* configuration change interrupts seen */
	struct deferred_probe deferred; /* a probe that ran out of memory at boot: retried */
};

struct virtio_driver {
	const char *name;
	const struct virtio_device_id *id_table; /* ends with { 0 } */
	const unsigned int *feature_table;	 /* feature bit numbers it understands */
	unsigned int feature_table_size;
	/* Optional: look at the negotiated features before FEATURES_OK; may clear some. */
	int (*validate)(struct virtio_device *dev);
	/* Step 7 of 3.1.1: queues, config; 0 or -errno.  Context: thread, may sleep. */
	int (*probe)(struct virtio_device *dev);
	/* Quiesce: virtio_reset_device(), take back buffers, del_vqs.  Context: thread. */
	void (*remove)(struct virtio_device *dev);
	/* The device's configuration changed (e.g. link status).  Context: hardirq. */
	void (*config_changed)(struct virtio_device *dev);
	struct list_head node; /* on the core's driver list */
};

/*
 * register_virtio_driver - add @drv and bind it to every unbound device its
 * table matches (3.1.1 steps 3-8 for each).  Returns 0, -EINVAL (no
 * probe, no table), -EBUSY (already registered).  A device whose probe
 * fails is reported and left unbound.
 */
int register_virtio_driver(struct virtio_driver *drv);

/* unregister_virtio_driver - unbind (remove) every device of @drv, forget @drv. */
void unregister_virtio_driver(struct virtio_driver *drv);

/*
 * register_virtio_device - for transports: a new device.  Resets it (step
 * 1), sets ACKNOWLEDGE (step 2), names it and offers it to the drivers.
 * @dev->config and @dev->id must be set.  Returns 0 or -errno.
 */
int register_virtio_device(struct virtio_device *dev);

/* unregister_virtio_device - for transports: unbind @dev, reset it, forget it. */
void unregister_virtio_device(struct virtio_device *dev);

/*
 * virtio_config_changed - for transports, from the configuration change
 * interrupt.  Reports and breaks a device that set DEVICE_NEEDS_RESET
 * (its queues then refuse work), else calls the driver's config_changed.
 * Context: hardirq.
 */
void virtio_config_changed(struct virtio_device *dev);

/* virtio_device_ready - step 8 (DRIVER_OK), for a probe that uses its queues itself. */
void virtio_device_ready(struct virtio_device *dev);

/* virtio_reset_device - write 0 to the status: the device stops using every queue. */
void virtio_reset_device(struct virtio_device *dev);

/* OR @status into the device status. */
void virtio_add_status(struct virtio_device *dev, unsigned int status);

/* Bind @dev to the first registered driver matching it; 0, -ENODEV (none), or probe's error. */
int virtio_device_attach(struct virtio_device *dev);
/* Unbind @dev from its driver (remove, reset, ACKNOWLEDGE); no-op if unbound. */
void virtio_device_release_driver(struct virtio_device *dev);

/* The device after @from (NULL: the first) with type @device_id (VIRTIO_DEV_ANY_ID: any). */
struct virtio_device *virtio_get_device(u32 device_id, struct virtio_device *from);

/*
 * virtqueue_set_affinity - take @vq's interrupts on CPU @cpu from now on
 * (-1: back to CPU 0, where every vector starts).  Only a queue with an
 * interrupt of its own can move: on PCI, its own MSI-X vector, which is
 * routed there (irq_set_affinity).  Returns 0, or -EINVAL for a queue
 * without a callback, on a shared vector or INTx, an offline CPU, or a
 * transport that cannot.  Context: thread; the queue set up (find_vqs).
 *
 * Queue i goes to the i-th *online* CPU, not to CPU number i: a CPU left
 * out at boot (smp_hang_cpu=) leaves a hole in the numbers.
 *
 *   i = 0;
 *   for_each_online_cpu(cpu) {
 *           if (i == nqueues)
 *                   break;
 *           virtqueue_set_affinity(rx[i++], cpu);   the queue's work on "its" CPU
 *   }
 */
/* 3.10 sets an affinity hint (irqbalance may move it); we route the vector: docs/linux-3.10.md */
/* 3.10 returns 0 when the transport has no set_vq_affinity; we -EINVAL: docs/linux-3.10.md */
static inline int virtqueue_set_affinity(struct virtqueue *vq, int cpu)
{
	struct virtio_device *vdev = vq->vdev;

	if (!vdev->config->set_vq_affinity)
		return -EINVAL;
	return vdev->config->set_vq_affinity(vq, cpu);
}

/*
 * virtio_num_queues - the virtqueues @vdev has, as its transport reports
 * them (a modern PCI device's num_queues), or 0: unknown (legacy
 * devices do not say).  Drivers may read it before FEATURES_OK, in
 * validate.  Context: any.
 */
static inline unsigned int virtio_num_queues(struct virtio_device *vdev)
{
	return vdev->config->num_queues ? vdev->config->num_queues(vdev) : 0;
}

static inline bool __virtio_test_bit(const struct virtio_device *vdev, unsigned int fbit)
{
	return fbit < 64 && (vdev->features & (1ULL << fbit));
}

/* true if feature @fbit was negotiated (during probe: is being offered and accepted). */
static inline bool virtio_has_feature(const struct virtio_device *vdev, unsigned int fbit)
{
	return __virtio_test_bit(vdev, fbit);
}

/*
 * Device-specific configuration space.  A 1.x device counts changes in a
 * generation number; a read of more than one field, or of a field wider
 * than 32 bits, is retried until the generation is the same before and
 * after (2.5.1, "Driver Requirements: Device Configuration Space").
 */
u8 virtio_cread8(struct virtio_device *vdev, unsigned int offset);
u16 virtio_cread16(struct virtio_device *vdev, unsigned int offset);
u32 virtio_cread32(struct virtio_device *vdev, unsigned int offset);
u64 virtio_cread64(struct virtio_device *vdev, unsigned int offset);
void virtio_cwrite8(struct virtio_device *vdev, unsigned int offset, u8 val);
void virtio_cwrite16(struct virtio_device *vdev, unsigned int offset, u16 val);
void virtio_cwrite32(struct virtio_device *vdev, unsigned int offset, u32 val);
/* @len bytes from @offset, byte by byte, consistent as a whole (generation checked). */
void virtio_cread_bytes(struct virtio_device *vdev, unsigned int offset, void *buf, size_t len);

/* Read field @member of the device's config struct @structname into *@ptr (Linux's macro). */
#define virtio_cread(vdev, structname, member, ptr) \
	virtio_cread_bytes(vdev, offsetof(structname, member), ptr, sizeof(*(ptr)))

/* The same if feature @fbit was negotiated: 0, else -ENOENT and *@ptr untouched. */
#define virtio_cread_feature(vdev, fbit, structname, member, ptr)    \
	({                                                           \
		int __r = -ENOENT;                                   \
		if (virtio_has_feature(vdev, fbit)) {                \
			virtio_cread(vdev, structname, member, ptr); \
			__r = 0;                                     \
		}                                                    \
		__r;                                                 \
	})

#endif
