/*
 * SPDX-License-Identifier: MIT
 * drivers/net/virtio_net_internal.h - private to the virtio-net driver
 * (drivers/net/virtio_net*.c).  The rest of the kernel sees a virtio-net
 * device only as a struct net_device (<net/netdevice.h>); the device's own
 * structures are in <drivers/virtio_net.h>, and the driver's state that its
 * tests drive directly in <drivers/virtio_net_test.h>.
 */
#ifndef DRIVERS_VIRTIO_NET_INTERNAL_H
#define DRIVERS_VIRTIO_NET_INTERNAL_H

#include <drivers/virtio_net_test.h>

/* The largest frame we receive: Ethernet header, 1500 bytes, room for an 802.1Q tag. */
#define VIRTNET_MAX_FRAME	(14 + 1500 + 4)
/* Descriptors one frame may take on transmitq1 without indirect descriptors: header, data. */
#define VIRTNET_TX_MAX_DESCS	2
/* After a failed refill, try again this much later (the ring may be empty: no interrupt will). */
#define VIRTNET_REFILL_RETRY_MS 10

#endif
