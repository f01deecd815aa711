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
/* Descriptors one frame may take on a transmitq without indirect descriptors: header, data. */
#define VIRTNET_TX_MAX_DESCS	2
/* After a failed refill, try again this much later (the ring may be empty: no interrupt will). */
#define VIRTNET_REFILL_RETRY_MS 10
/*
 * A sent frame that no later transmit or poll frees (the TX interrupt is
 * off) is freed by the reclaim timer at most this much later.  Longer
 * means fewer timer runs on a busy queue; shorter, memory back sooner.
 */
#define VIRTNET_TX_RECLAIM_MS	10
/*
 * How long a control command may take.  QEMU handles the control queue in
 * its main loop or an iothread (ioeventfd): the kick returns at once and
 * the answer comes when that thread runs, which on a loaded host (TCG,
 * -smp 4, a test run beside others) can take a while.  5 s is far more than
 * that, and a device slower still is treated as broken: the probe fails.
 */
#define VIRTNET_CTRL_TIMEOUT_MS 5000

/* Driver counters: atomic adds, since several CPUs count at once (3.10: per-CPU u64_stats). */
static inline void stat_inc(unsigned long *counter)
{
	__atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
}

/* The pair a queue belongs to (5.1.2: receiveq<i+1> is 2i, transmitq<i+1> is 2i + 1); 3.10's. */
static inline unsigned int vq2rxq(const struct virtqueue *vq)
{
	return vq->index / 2;
}

static inline unsigned int vq2txq(const struct virtqueue *vq)
{
	return (vq->index - 1) / 2;
}

/* ---- virtio_net_ctrl.c: multiqueue and the control queue ---- */

/*
 * virtnet_validate_mq - before FEATURES_OK: reads max_virtqueue_pairs
 * (logs and counts one out of range) and keeps the features
 * virtnet_mq_features allows, num_queues not yet known.  Context: probe.
 */
void virtnet_validate_mq(struct virtio_device *vdev);

/*
 * virtnet_dev_queue_pairs - with MQ negotiated, max_virtqueue_pairs from
 * one read, if it still passes virtnet_mq_features, now with the device's
 * num_queues; else 1 (counted in virtnet_config_bad, no control queue).
 * The control queue's number is 2 * this when > 1.  Context: probe.
 */
u16 virtnet_dev_queue_pairs(struct virtio_device *vdev);

/* virtnet_pick_queue_pairs - the pairs to set up: min(@dev_pairs, online CPUs, our max). */
u16 virtnet_pick_queue_pairs(u16 dev_pairs);

/*
 * virtnet_set_queue_pairs - after DRIVER_OK, before register_netdev: ask
 * the device for every pair set up; curr_queue_pairs is what it acked
 * (else 1), the stack gets as many transmit queues, and pair i's vectors
 * and transmits go to the i-th online CPU.  Returns 0 (a refusal too: one
 * pair), or -ETIMEDOUT if the device did not answer: the caller must reset
 * it before freeing anything (the command is still in the ring).
 * Failures are logged and counted.
 */
int virtnet_set_queue_pairs(struct virtnet_info *vi);

/* virtnet_clean_affinity - every queue's vector back to its default CPU (remove). */
void virtnet_clean_affinity(struct virtnet_info *vi);

#endif
