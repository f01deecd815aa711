/*
 * SPDX-License-Identifier: MIT
 * drivers/virtio_net_test.h - for tests only: the virtio-net driver's device
 * state and the entry points its tests call (drivers/net/virtio_net*.c).
 *
 * Included by tests/ and by drivers/net/virtio_net_internal.h; no other kernel
 * file.  The rest of the kernel sees a virtio-net device only as a struct
 * net_device (<net/netdevice.h>).
 */
#ifndef DRIVERS_VIRTIO_NET_TEST_H
#define DRIVERS_VIRTIO_NET_TEST_H

#include <drivers/virtio.h>
#include <drivers/virtio_net.h>
#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <net/netdevice.h>

/*
 * One virtio-net device: the driver's half of a net_device (netdev_priv)
 * and the virtio device's priv.
 *
 * Locking, as 3.10's driver (no lock of its own; drivers/net/virtio_net.c
 * says more): rvq, rx_posted and rx_skip belong to whoever owns the NAPI
 * instance (NAPI_STATE_SCHED: one CPU at a time); svq to the holder of the
 * device's transmit queue lock (_xmit_lock: ndo_start_xmit, the poll's
 * reclaim, ndo_stop).  The queue callbacks run in hardirq context and only
 * claim and schedule NAPI (RX also turns its callback off, as the owner).
 */
struct virtnet_info {
	struct virtio_device *vdev;
	struct net_device *dev;
	struct virtqueue *rvq;	 /* receiveq1: empty skbs the device fills */
	struct virtqueue *svq;	 /* transmitq1: frames the device sends */
	struct napi_struct napi; /* one poll for RX and for TX completions */
	/* rvq: the NAPI owner's only; svq: under the net queue's _xmit_lock (virtio_net.c) */
	struct timer_list refill_timer; /* retries a refill that found no memory */

	/* fixed at probe, from the negotiated features */
	unsigned int hdr_len;	 /* 10, or 12 with VERSION_1 or MRG_RXBUF (5.1.6) */
	bool mergeable;		 /* MRG_RXBUF: num_buffers is meaningful */
	bool any_layout;	 /* VERSION_1 or ANY_LAYOUT: header and data may share */
	unsigned int rx_descs;	 /* sg entries per RX buffer: 1, or 2 (header alone) */
	unsigned int rx_buf_len; /* hdr_len + VIRTNET_MAX_FRAME: what the device may write */

	/* receive state: the NAPI owner's (the poll, or open/stop with NAPI disabled) */
	unsigned int rx_posted; /* skbs in receiveq1 now */
	unsigned int rx_skip;	/* buffers still to drop of a packet we refused */

	struct virtnet_stats stats; /* the driver's own counters (`ethtool`) */
	struct list_head node;	    /* on virtnet_devices */
};

/* Every bound device, in probe order.  Changed only in thread context (probe, remove). */
extern struct list_head virtnet_devices;

/* The driver (registered at boot by a device_initcall). */
extern struct virtio_driver virtnet_driver;

/* virtnet_from_netdev - @dev's virtnet_info, or NULL if @dev is not virtio-net.  Context: any. */
struct virtnet_info *virtnet_from_netdev(const struct net_device *dev);

/*
 * virtnet_receive - one used receive buffer: @skb as posted (data at the
 * header), @len as the device reported.  Checks the length and the header
 * and passes the frame up (netif_receive_skb), or counts it and drops it.
 * Consumes @skb.  Returns 0 if it went up, -EINVAL if dropped.
 * Context: the NAPI poll (or bottom halves off, as the tests call it).
 */
int virtnet_receive(struct virtnet_info *vi, struct sk_buff *skb, unsigned int len);

/*
 * virtnet_rx_ring_full - true if receiveq1 has no room for another buffer
 * (what the driver keeps it at whenever memory allows).  Context: any.
 */
bool virtnet_rx_ring_full(struct virtnet_info *vi);

/* virtnet_random_mac - a random locally administered unicast address in @mac. */
void virtnet_random_mac(u8 *mac);

#endif
