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
#include <kernel/atomic.h>
#include <kernel/list.h>
#include <kernel/mutex.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <net/netdevice.h>

/* The most queue pairs the driver sets up, whatever the device offers (VIRTIO_NET_F_MQ). */
#define VIRTNET_MAX_QUEUE_PAIRS 8

/*
 * struct receive_queue - receiveq<i+1> and the NAPI instance of pair i
 * (3.10's name).  Everything here belongs to whoever owns @napi
 * (NAPI_STATE_SCHED: one CPU at a time): its poll, the interrupt handler
 * that won napi_schedule_prep (it only turns the callback off), and
 * ndo_open/ndo_stop while NAPI is disabled.  The poll also reclaims
 * transmitq<i+1> (under that queue's _xmit_lock).
 */
struct receive_queue {
	struct virtqueue *vq;		/* empty skbs the device fills */
	char name[16];			/* "input.<i>": the vq's, and its interrupt's */
	struct napi_struct napi;	/* RX i and TX i completions */
	struct timer_list refill_timer; /* retries a refill that found no memory */
	unsigned int rx_posted;		/* skbs in the ring now */
	unsigned int rx_skip;		/* buffers still to drop of a packet we refused */
	unsigned long packets;		/* frames passed up (`ethtool` rx_queue_<i>_packets) */
	bool boot_short;		/* not full at open during boot: the report waits */
};

/*
 * struct send_queue - transmitq<i+1> (3.10's name): under the net queue
 * i's _xmit_lock (ndo_start_xmit, the poll's reclaim, ndo_stop).
 */
struct send_queue {
	struct virtqueue *vq;		 /* frames the device sends */
	char name[16];			 /* "output.<i>" */
	unsigned long packets;		 /* frames given to the device (tx_queue_<i>_packets) */
	struct timer_list reclaim_timer; /* frees what was sent if nothing else does */
	bool poll_wanted; /* the TX interrupt or the timer asked for the poll (virtnet_complete) */
};

/*
 * The control queue's command and answer (5.1.6.5): the device reads
 * @hdr and @mq, writes @ack.  In vi (slab memory), not on a stack,
 * since the device reads and writes it by physical address.
 */
struct virtnet_ctrl_buf {
	struct virtio_net_ctrl_hdr hdr;
	struct virtio_net_ctrl_mq mq;
	u8 ack; /* VIRTIO_NET_OK or VIRTIO_NET_ERR */
};

/*
 * One virtio-net device: the driver's half of a net_device (netdev_priv)
 * and the virtio device's priv.
 *
 * Queues (5.1.2): receiveq1, transmitq1, ..., receiveqN, transmitqN, then
 * the control queue (index 2 * max_virtqueue_pairs) when VIRTIO_NET_F_MQ
 * is negotiated; without it one pair and no control queue.
 *
 *   pair i:  rq[i].vq = queue 2i,  sq[i].vq = queue 2i + 1,  rq[i].napi
 *            MSI-X vectors of both on the i-th online CPU, which sends on
 *            net queue i
 *
 * Locking, as 3.10's driver (no lock of its own but the control queue's;
 * drivers/net/virtio_net.c says more): each receive_queue belongs to its
 * NAPI owner, each send_queue to its net queue's _xmit_lock.  The queue
 * callbacks run in hardirq context and only claim and schedule NAPI (RX
 * also turns its callback off, as the owner).
 */
struct virtnet_info {
	struct virtio_device *vdev;
	struct net_device *dev;
	struct receive_queue *rq; /* max_queue_pairs of them */
	struct send_queue *sq;
	struct virtqueue *cvq;	/* the control queue, or NULL (no MQ) */
	unsigned int cvq_index; /* its number (2 * dev_queue_pairs), 0: none */

	/* fixed at probe */
	u16 max_queue_pairs; /* pairs set up: min(device's, online CPUs, VIRTNET_MAX_QUEUE_PAIRS) */
	u16 curr_queue_pairs;	 /* pairs the device uses: max_queue_pairs once it acked, else 1 */
	u16 dev_queue_pairs;	 /* max_virtqueue_pairs, read once at probe (1 without MQ) */
	unsigned int hdr_len;	 /* 10, or 12 with VERSION_1 or MRG_RXBUF (5.1.6) */
	bool mergeable;		 /* MRG_RXBUF: num_buffers is meaningful */
	bool any_layout;	 /* VERSION_1 or ANY_LAYOUT: header and data may share */
	unsigned int rx_descs;	 /* sg entries per RX buffer: 1, or 2 (header alone) */
	unsigned int rx_buf_len; /* hdr_len + VIRTNET_MAX_FRAME: what the device may write */

	struct mutex ctrl_lock;	       /* the control queue, ctrl, ctrl_broken (threads only) */
	struct virtnet_ctrl_buf *ctrl; /* with cvq: the command in flight */
	bool ctrl_broken;	       /* a command never came back: no more are sent */

	struct virtnet_stats stats; /* the driver's own counters (`ethtool`) */
	struct list_head node;	    /* on virtnet_devices */
	int boot_report;	    /* the boot report's entry for short rings (0: none) */
	atomic_t boot_short;	    /* rings still short of that entry */
};

/* Every bound device, in probe order.  Changed only in thread context (probe, remove). */
extern struct list_head virtnet_devices;

/* The driver (registered at boot by a device_initcall). */
extern struct virtio_driver virtnet_driver;

/* virtnet_from_netdev - @dev's virtnet_info, or NULL if @dev is not virtio-net.  Context: any. */
struct virtnet_info *virtnet_from_netdev(const struct net_device *dev);

/*
 * virtnet_receive - one used buffer of @rq's ring: @skb as posted (data at
 * the header), @len as the device reported.  Checks the length and the header
 * and passes the frame up (netif_receive_skb), or counts it and drops it.
 * Consumes @skb.  Returns 0 if it went up, -EINVAL if dropped.
 * Context: the NAPI poll (or bottom halves off, as the tests call it).
 */
int virtnet_receive(struct virtnet_info *vi, struct receive_queue *rq, struct sk_buff *skb,
		    unsigned int len);

/*
 * virtnet_xmit_skb - put @skb on @sq's ring as ndo_start_xmit does (3.10's
 * xmit_skb): a zeroed header in its headroom or in a descriptor of its
 * own, then the frame.  No kick, no reclaim, no queue stop: the caller
 * does those.  Returns 0 or virtqueue_add_outbuf's error (-ENOSPC: no room;
 * @skb is then as it came).  Context: the queue's _xmit_lock held.
 */
int virtnet_xmit_skb(struct virtnet_info *vi, struct send_queue *sq, struct sk_buff *skb);

/*
 * virtnet_rx_ring_full - true if the receive ring of every pair in use
 * has no room for another buffer (what the driver keeps them at whenever
 * memory allows).  Context: any.
 */
bool virtnet_rx_ring_full(struct virtnet_info *vi);

/*
 * virtnet_check_max_pairs - the queue pairs @vdev, which offers
 * max_virtqueue_pairs = @max, may be used with: @max if the spec allows it
 * (5.1.4: VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN..MAX), else 1, counted in
 * virtnet_config_bad and logged.  Context: any.
 */
u16 virtnet_check_max_pairs(struct virtio_device *vdev, u32 max);

/* Devices that offered a max_virtqueue_pairs out of range (run single-queue). */
extern unsigned long virtnet_config_bad;

/*
 * virtnet_mq_features - which of @features a device with
 * max_virtqueue_pairs @max_pairs and @num_queues virtqueues (0: unknown,
 * a legacy device) keeps: MQ and CTRL_VQ only together (5.1.3.1: MQ needs
 * CTRL_VQ; nothing but MQ sends commands here), only with 2..0x8000 pairs
 * (one pair needs no control queue), and only if the control queue, number
 * 2 * @max_pairs, is one the device has.  Else both are cleared, the rest
 * kept.  A pure function.  Context: any.
 */
u64 virtnet_mq_features(u64 features, u32 max_pairs, unsigned int num_queues);

/* Control commands that got no answer in VIRTNET_CTRL_TIMEOUT_MS (their probe failed). */
extern unsigned long virtnet_ctrl_timeouts;

/*
 * Tests only: when not 0, the next probes ask the device for this many
 * queue pairs instead of every pair set up (0 or more than the device has:
 * it must answer VIRTIO_NET_ERR, 5.1.6.5.5).
 */
extern u16 virtnet_test_ask_pairs;

/*
 * virtnet_set_queues - tell the device to use @queue_pairs pairs
 * (VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET over the control queue, waiting for
 * its answer).  Returns 0 if it acked, -EOPNOTSUPP without a control
 * queue, -EINVAL for a count outside 1..max_queue_pairs, -EIO if it said
 * VIRTIO_NET_ERR (the ack byte is logged), -ETIMEDOUT if it did not
 * answer in time (counted: ctrl_failed; the control queue is then dead).
 * Does not change curr_queue_pairs.  Context: thread, may sleep.
 */
int virtnet_set_queues(struct virtnet_info *vi, u16 queue_pairs);

/* virtnet_random_mac - a random locally administered unicast address in @mac. */
void virtnet_random_mac(u8 *mac);

#endif
