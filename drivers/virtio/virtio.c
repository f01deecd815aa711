/*
 * SPDX-License-Identifier: MIT
 * drivers/virtio/virtio.c - the virtio core: devices meet drivers, and the
 * initialisation sequence of virtio 1.2 section 3.1.1 ("Driver
 * Requirements: Device Initialization") runs around each driver's probe.
 * The step numbers in the comments are the spec's:
 *
 *   1. Reset the device.
 *   2. Set the ACKNOWLEDGE status bit: the guest OS has noticed the device.
 *   3. Set the DRIVER status bit: the guest OS knows how to drive it.
 *   4. Read the device feature bits, and write the subset understood by
 *      the OS and the driver.
 *   5. Set the FEATURES_OK status bit.  No new feature bits after this.
 *   6. Re-read the status: if FEATURES_OK is not set, the device does not
 *      support our subset of features and is unusable.
 *   7. Device-specific setup: find the virtqueues, read or write the
 *      configuration space, fill the queues.
 *   8. Set the DRIVER_OK status bit: the device is "live".
 *
 * A legacy device (no VIRTIO_F_VERSION_1) skips 5 and 6 (3.1.2).  "If any
 * of these steps go irrecoverably wrong, the driver SHOULD set the FAILED
 * status bit to indicate that it has given up on the device": we do, say
 * why, and leave the device alone until a driver tries it again (which
 * starts over with a reset).
 *
 * The device and driver lists change only in thread context, one thread
 * at a time (boot, then the tests); interrupt handlers look only at the
 * device they were given.
 */
#include <drivers/virtio.h>
#include <kernel/boot_report.h>
#include <kernel/monitor.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <errno.h>
#include <stdio.h>

static LIST_HEAD(virtio_devices);
static LIST_HEAD(virtio_drivers);
static int virtio_next_index;

static u8 get_status(struct virtio_device *dev)
{
	return dev->config->get_status(dev);
}

void virtio_add_status(struct virtio_device *dev, unsigned int status)
{
	dev->config->set_status(dev, get_status(dev) | status);
}

void virtio_reset_device(struct virtio_device *dev)
{
	dev->config->reset(dev);
}

void virtio_device_ready(struct virtio_device *dev)
{
	u8 status = get_status(dev);

	WARN_ON(status & VIRTIO_CONFIG_S_DRIVER_OK);
	/* Step 8: from here the device may use the queues and interrupt. */
	dev->config->set_status(dev, status | VIRTIO_CONFIG_S_DRIVER_OK);
}

static bool id_matches(const struct virtio_device *dev, const struct virtio_device_id *id)
{
	if (id->device != dev->id.device && id->device != VIRTIO_DEV_ANY_ID)
		return false;
	return id->vendor == VIRTIO_DEV_ANY_ID || id->vendor == dev->id.vendor;
}

static bool driver_matches(const struct virtio_driver *drv, const struct virtio_device *dev)
{
	for (const struct virtio_device_id *id = drv->id_table; id->device; id++)
		if (id_matches(dev, id))
			return true;
	return false;
}

static int virtio_deferred_retry(struct deferred_probe *dp)
{
	return virtio_device_attach(container_of(dp, struct virtio_device, deferred));
}

/*
 * Give up on @dev: report, FAILED, leave it alone; unless @drv's probe ran
 * out of memory during boot: then it is tried again at late_initcall.
 */
/* 3.10 defers only -EPROBE_DEFER; we -ENOMEM at boot, 3 times: docs/linux-3.10.md */
static void virtio_fail(struct virtio_device *dev, const struct virtio_driver *drv, const char *why,
			int err)
{
	char name[40];

	snprintf(name, sizeof(name), "%s: %s", dev->name, drv->name);
	if (err == -ENOMEM &&
	    driver_deferred_probe_add(&dev->deferred, name, err, virtio_deferred_retry))
		pr_err("virtio %s: %s (%d); FAILED for now, %s tried again later in boot\n",
		       dev->name, why, err, drv->name);
	else
		pr_err("virtio %s: %s (%d); FAILED, left alone\n", dev->name, why, err);
	if (!dev->deferred.report) /* a deferred probe's entry says how its retries ended */
		boot_degraded("%s: %s (%d); left alone", dev->name, why, err);
	virtio_add_status(dev, VIRTIO_CONFIG_S_FAILED);
	dev->failed = true;
}

static bool needs_reset(struct virtio_device *dev)
{
	return get_status(dev) & VIRTIO_CONFIG_S_NEEDS_RESET;
}

/* Step 4: the device's features & the driver's, plus the ring's own (the transport prunes). */
static void negotiate_features(struct virtio_device *dev, const struct virtio_driver *drv)
{
	u64 device = dev->config->get_features(dev), driver = 0;

	for (unsigned int i = 0; i < drv->feature_table_size; i++)
		if (drv->feature_table[i] < 64)
			driver |= 1ULL << drv->feature_table[i];
	dev->device_features = device;
	dev->features = device & driver;
	for (unsigned int i = VIRTIO_TRANSPORT_F_START; i < VIRTIO_TRANSPORT_F_END; i++)
		if (device & (1ULL << i))
			dev->features |= 1ULL << i;
}

/* Steps 5 and 6.  Returns 0, or -ENODEV if the device refused. */
static int features_ok(struct virtio_device *dev)
{
	int ret = dev->config->finalize_features(dev); /* writes dev->features */

	if (ret)
		return ret;
	if (!virtio_has_feature(dev, VIRTIO_F_VERSION_1))
		return 0; /* 3.1.2: a legacy device has no FEATURES_OK */
	virtio_add_status(dev, VIRTIO_CONFIG_S_FEATURES_OK);	/* step 5 */
	if (!(get_status(dev) & VIRTIO_CONFIG_S_FEATURES_OK)) { /* step 6 */
		pr_err("virtio %s: the device refused features %#llx (it offered %#llx)\n",
		       dev->name, (unsigned long long)dev->features,
		       (unsigned long long)dev->device_features);
		return -ENODEV;
	}
	return 0;
}

/* Steps 1-2 again if a previous driver or failure left the device elsewhere. */
static void back_to_acknowledge(struct virtio_device *dev)
{
	if (get_status(dev) == VIRTIO_CONFIG_S_ACKNOWLEDGE)
		return;
	virtio_reset_device(dev);			     /* step 1 */
	virtio_add_status(dev, VIRTIO_CONFIG_S_ACKNOWLEDGE); /* step 2 */
}

/* Steps 3-8 for @drv on @dev. */
static int virtio_bind(struct virtio_device *dev, struct virtio_driver *drv)
{
	const char *why;
	int ret;

	back_to_acknowledge(dev);
	dev->failed = dev->broken = false;
	virtio_add_status(dev, VIRTIO_CONFIG_S_DRIVER); /* step 3 */
	if (needs_reset(dev)) {
		why = "the device says DEVICE_NEEDS_RESET";
		ret = -EIO;
		goto fail;
	}
	negotiate_features(dev, drv); /* step 4 */
	dev->driver = drv;
	why = "the driver's validate refused it";
	if (drv->validate && (ret = drv->validate(dev)))
		goto fail;
	why = "feature negotiation failed";
	if ((ret = features_ok(dev))) /* steps 5, 6 */
		goto fail;
	why = "the driver's probe failed";
	if ((ret = drv->probe(dev))) /* step 7 */
		goto fail;
	if (!(get_status(dev) & VIRTIO_CONFIG_S_DRIVER_OK))
		virtio_device_ready(dev); /* step 8 */
	pr_info("virtio %s: %s bound, features %#llx\n", dev->name, drv->name,
		(unsigned long long)dev->features);
	return 0;

fail:
	dev->driver = NULL;
	if (!list_empty(&dev->vqs)) {
		/* A probe that failed after making queues: stop the device before freeing them. */
		virtio_reset_device(dev);
		dev->config->del_vqs(dev);
		virtio_add_status(dev, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	}
	virtio_fail(dev, drv, why, ret);
	return ret;
}

void virtio_device_release_driver(struct virtio_device *dev)
{
	struct virtio_driver *drv = dev->driver;

	if (!drv)
		return;
	if (drv->remove)
		drv->remove(dev);
	/* The driver should have; a device left running would DMA into freed memory. */
	if (get_status(dev)) {
		pr_warn("virtio %s: %s did not reset it; resetting\n", dev->name, drv->name);
		virtio_reset_device(dev);
	}
	if (!list_empty(&dev->vqs)) {
		pr_warn("virtio %s: %s left its queues; deleting them\n", dev->name, drv->name);
		dev->config->del_vqs(dev);
	}
	dev->driver = NULL;
	dev->priv = NULL;
	dev->features = 0;
	dev->broken = false;
	virtio_add_status(dev, VIRTIO_CONFIG_S_ACKNOWLEDGE); /* step 2, for another driver */
}

int virtio_device_attach(struct virtio_device *dev)
{
	struct virtio_driver *drv;
	int ret = -ENODEV;

	if (dev->driver)
		return 0;
	list_for_each_entry(drv, &virtio_drivers, node) {
		if (!driver_matches(drv, dev))
			continue;
		ret = virtio_bind(dev, drv);
		if (!ret)
			return 0;
	}
	return ret;
}

int register_virtio_driver(struct virtio_driver *drv)
{
	struct virtio_driver *d;
	struct virtio_device *dev;

	if (!drv->probe || !drv->id_table || !drv->name)
		return -EINVAL;
	list_for_each_entry(d, &virtio_drivers, node)
		if (d == drv)
			return -EBUSY;
	list_add_tail(&drv->node, &virtio_drivers);
	list_for_each_entry(dev, &virtio_devices, node)
		if (!dev->driver && driver_matches(drv, dev))
			virtio_bind(dev, drv);
	return 0;
}

void unregister_virtio_driver(struct virtio_driver *drv)
{
	struct virtio_device *dev;

	list_for_each_entry(dev, &virtio_devices, node)
		if (dev->driver == drv)
			virtio_device_release_driver(dev);
	list_del(&drv->node);
}

int register_virtio_device(struct virtio_device *dev)
{
	if (!dev->config || !dev->id.device)
		return -EINVAL;
	dev->index = virtio_next_index++;
	snprintf(dev->name, sizeof(dev->name), "virtio%d", dev->index);
	INIT_LIST_HEAD(&dev->vqs);
	dev->driver = NULL;
	dev->deferred = (struct deferred_probe){};
	virtio_reset_device(dev);			     /* step 1 */
	virtio_add_status(dev, VIRTIO_CONFIG_S_ACKNOWLEDGE); /* step 2 */
	list_add_tail(&dev->node, &virtio_devices);
	virtio_device_attach(dev);
	return 0;
}

void unregister_virtio_device(struct virtio_device *dev)
{
	driver_deferred_probe_del(&dev->deferred);
	virtio_device_release_driver(dev);
	virtio_reset_device(dev);
	list_del(&dev->node);
}

void virtio_config_changed(struct virtio_device *dev)
{
	struct virtqueue *vq;

	dev->config_changes++;
	if (needs_reset(dev)) {
		/* 2.1.2: requests in flight may or may not complete: stop using the queues. */
		if (!dev->broken)
			pr_err("virtio %s: the device says DEVICE_NEEDS_RESET; its queues are "
			       "stopped until its driver is removed\n",
			       dev->name);
		dev->broken = true;
		list_for_each_entry(vq, &dev->vqs, list)
			virtqueue_break(vq);
		return;
	}
	if (dev->driver && dev->driver->config_changed)
		dev->driver->config_changed(dev);
}

struct virtio_device *virtio_get_device(u32 device_id, struct virtio_device *from)
{
	struct virtio_device *dev;

	dev = from ? list_entry(from->node.next, struct virtio_device, node)
		   : list_first_entry(&virtio_devices, struct virtio_device, node);

	for (; &dev->node != &virtio_devices;
	     dev = list_entry(dev->node.next, struct virtio_device, node))
		if (device_id == VIRTIO_DEV_ANY_ID || dev->id.device == device_id)
			return dev;
	return NULL;
}

/* ---- configuration space ---------------------------------------------------- */

u8 virtio_cread8(struct virtio_device *vdev, unsigned int offset)
{
	u8 v;

	vdev->config->get(vdev, offset, &v, 1); /* one access: atomic by itself */
	return v;
}

u16 virtio_cread16(struct virtio_device *vdev, unsigned int offset)
{
	u16 v;

	vdev->config->get(vdev, offset, &v, 2);
	return v;
}

u32 virtio_cread32(struct virtio_device *vdev, unsigned int offset)
{
	u32 v;

	vdev->config->get(vdev, offset, &v, 4);
	return v;
}

u64 virtio_cread64(struct virtio_device *vdev, unsigned int offset)
{
	u32 before;
	u64 v;

	/* 2.5.1: two 32-bit halves; retry if the device changed it in between. */
	do {
		before = vdev->config->generation(vdev);
		vdev->config->get(vdev, offset, &v, 8);
	} while (before != vdev->config->generation(vdev));
	return v;
}

void virtio_cread_bytes(struct virtio_device *vdev, unsigned int offset, void *buf, size_t len)
{
	u32 before;

	do {
		before = vdev->config->generation(vdev);
		for (size_t i = 0; i < len; i++)
			vdev->config->get(vdev, offset + i, (u8 *)buf + i, 1);
	} while (before != vdev->config->generation(vdev));
}

void virtio_cwrite8(struct virtio_device *vdev, unsigned int offset, u8 val)
{
	vdev->config->set(vdev, offset, &val, 1);
}

void virtio_cwrite16(struct virtio_device *vdev, unsigned int offset, u16 val)
{
	vdev->config->set(vdev, offset, &val, 2);
}

void virtio_cwrite32(struct virtio_device *vdev, unsigned int offset, u32 val)
{
	vdev->config->set(vdev, offset, &val, 4);
}

/* ---- monitor ------------------------------------------------------------------ */

static void show_device(struct virtio_device *dev)
{
	struct virtqueue *vq;

	printk("%s: type %u on %s, status %#x, %s, features %#llx (offered %#llx)\n", dev->name,
	       dev->id.device, dev->config->bus_name(dev), get_status(dev),
	       dev->driver ? dev->driver->name : (dev->failed ? "FAILED" : "no driver"),
	       (unsigned long long)dev->features, (unsigned long long)dev->device_features);
	list_for_each_entry(vq, &dev->vqs, list)
		printk("  queue %u %-8s size %u free %u in flight %u%s; bad: id %lu, not in flight "
		       "%lu, len %lu, idx %lu\n",
		       vq->index, vq->name, vq->num_max, vq->num_free, virtqueue_num_in_flight(vq),
		       virtqueue_is_broken(vq) ? " BROKEN" : "", vq->errors.bad_id,
		       vq->errors.not_in_flight, vq->errors.bad_len, vq->errors.bad_idx);
}

static int cmd_virtio(int argc, char **argv)
{
	struct virtio_device *dev;

	if (list_empty(&virtio_devices))
		printk("no virtio devices\n");
	list_for_each_entry(dev, &virtio_devices, node)
		show_device(dev);
	return 0;
}
MONITOR_CMD(virtio, "virtio",
	    "virtio devices: status, features, driver, queues and their error counters",
	    cmd_virtio);
