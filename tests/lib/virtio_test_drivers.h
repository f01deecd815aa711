/*
 * SPDX-License-Identifier: MIT
 * tests/lib/virtio_test_drivers.h - the test drivers of tests/lib/virtio_test_drivers.c
 * and the helpers the virtio suites share.
 */
#ifndef TESTS_VIRTIO_TEST_DRIVERS_H
#define TESTS_VIRTIO_TEST_DRIVERS_H

#include <drivers/pci.h>
#include <drivers/virtio.h>
#include <drivers/virtio_pci.h>
#include <kernel/completion.h>
#include <kernel/ktest.h>

/* What the test driver needs of virtio-net (virtio 1.2, 5.1). */
#define VIRTIO_NET_F_MAC	   5
#define VIRTIO_NET_F_STATUS	   16
#define VIRTIO_NET_F_CTRL_VQ	   17
#define VIRTIO_NET_F_CTRL_RX	   18
#define VIRTIO_NET_CTRL_RX	   0
#define VIRTIO_NET_CTRL_RX_PROMISC 0
#define VIRTIO_NET_OK		   0

struct test_net_config {
	u8 mac[6];
	u16 status;
} __packed;

/*
 * A control command (5.1.6.5): in kmalloc memory, never on the stack (a
 * vmap area): the device reads and writes it by physical address.
 */
struct test_net_ctrl {
	u8 class, cmd; /* device-readable */
	u8 on;	       /* device-readable */
	u8 ack;	       /* device-writable */
};

#define WAIT_MS 5000 /* a lost interrupt fails the case instead of hanging it */

/* test-net's per device state (vdev->priv). */
struct tnet {
	struct virtqueue *vq[3];    /* rx, tx, ctrl */
	u8 status_at_probe;	    /* the status while step 7 runs */
	u8 mac[6];		    /* read from config space in probe */
	struct completion done;	    /* completed by every queue callback */
	unsigned long callbacks[3]; /* per queue */
};

/* test-rng's per device state (vdev->priv). */
struct trng {
	struct virtqueue *vq;
	struct completion done;
};

extern struct virtio_driver tnet_driver; /* binds every virtio-net device */
extern struct virtio_driver trng_driver; /* binds every virtio-rng device */

/*
 * tnet_promisc - VIRTIO_NET_CTRL_RX_PROMISC @on through @vdev's control
 * queue, waiting for the interrupt; checks descriptors and length on the
 * way (EXPECTs on @t).  Returns the device's ack (VIRTIO_NET_OK) or -errno.
 */
int tnet_promisc(struct ktest *t, struct virtio_device *vdev, u8 on);

/* Suite init/exit: put aside, then give back, the drivers bound to test NICs and rng devices. */
int virtio_suite_init(void);
void virtio_suite_exit(void);

/* The test NIC (tests/lib/scratch_dev.h) on the modern (or legacy) transport; else skips. */
struct virtio_device *net_dev(struct ktest *t, bool modern);

/* Register @drv, skipping the case if no device of its first id exists. */
void register_or_abort(struct ktest *t, struct virtio_driver *drv);

u8 status_of(struct virtio_device *dev);

#endif
