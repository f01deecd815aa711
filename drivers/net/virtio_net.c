/*
 * SPDX-License-Identifier: MIT
 * drivers/net/virtio_net.c - the virtio network driver (virtio 1.2, section
 * 5.1 "Network Device"): a struct net_device per virtio-net device, eth0,
 * eth1, ... in PCI order.
 *
 * Try it (what `make run` does; the README has the rest):
 *
 *   qemu-system-x86_64 -accel tcg -m 128M -nodefaults -no-reboot -display none \
 *       -serial mon:stdio -kernel build/kernel.elf \
 *       -netdev user,id=n0,hostfwd=udp:127.0.0.1:5555-10.0.2.15:7 \
 *       -device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56
 *   (disable-legacy=on for a modern-only device, disable-modern=on for a legacy one)
 *
 *   host$ echo hi | nc -u -w1 127.0.0.1 5555        the UDP echo service answers "hi"
 *   guest> ping 10.0.2.2                            QEMU's user network answers
 *   guest> ethtool eth0                             this driver's counters
 *
 * The life of a frame here (docs/network.md draws the whole stack):
 *
 *   receive   ndo_open fills receiveq1 with empty skbs (netdev_alloc_skb:
 *             SKB_ALLOC_RX, so under memory pressure they may come from
 *             the reserve).  The device writes header + frame into one and
 *             interrupts: virtnet_rx_done turns the callback off and
 *             schedules NAPI.  virtnet_poll (NET_RX_SOFTIRQ) takes used
 *             buffers, checks what the device wrote, pulls the header and
 *             hands the frame to netif_receive_skb, then refills the ring
 *             with GFP_ATOMIC and turns callbacks back on.
 *   transmit  ndo_start_xmit puts a zeroed header in front of the frame
 *             (in its headroom, or in a descriptor of its own), adds it to
 *             transmitq1 and kicks.  The device's completion interrupt
 *             schedules the same poll, which frees the skbs it sent.
 *
 * Options (kernel command line): virtio_net=nomrg,noanylayout,nomac keeps
 * the driver from accepting MRG_RXBUF (legacy devices then use the
 * 10-byte header), ANY_LAYOUT (legacy devices then get the header in its
 * own descriptor) or MAC (a random address), to exercise those paths.
 */
#include <drivers/pci.h>
#include <drivers/virtio.h>
#include <drivers/virtio_net.h>
#include <drivers/virtio_ring.h>
#include <arch/x86.h>
#include <kernel/cmdline.h>
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/softirq.h>
#include <kernel/trace.h>
#include <net/ethernet.h>
#include <errno.h>
#include <string.h>

#include "virtio_net_internal.h"

LIST_HEAD(virtnet_devices);

static char virtnet_options[48];
cmdline_param_string(virtio_net, virtnet_options,
		     "virtio-net: refuse features to test other paths: nomrg,noanylayout,nomac");

static const struct net_device_ops virtnet_ops;

static void stat_inc(unsigned long *counter)
{
	__atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
}

struct virtnet_info *virtnet_from_netdev(const struct net_device *dev)
{
	return dev && dev->netdev_ops == &virtnet_ops ? netdev_priv(dev) : NULL;
}

/* ---- receive --------------------------------------------------------------------- */

bool virtnet_rx_ring_full(struct virtnet_info *vi)
{
	return READ_ONCE(vi->rvq->num_free) < vi->rx_descs;
}

/*
 * Add empty skbs to receiveq1 until it is full (5.1.6.3: buffers of at
 * least 1526 bytes without MRG_RXBUF; ours hold hdr_len + 1518).  If
 * memory runs out first, the timer tries again later: an empty ring means
 * no interrupt will ever come to do it.  A broken queue is left alone.
 */
static void virtnet_rx_refill(struct virtnet_info *vi, gfp_t gfp)
{
	bool ok = true, kick = false;
	unsigned long flags;

	while (!virtnet_rx_ring_full(vi)) {
		struct sk_buff *skb = __netdev_alloc_skb(vi->dev, vi->rx_buf_len, gfp);
		struct scatterlist sg[2];
		int err;

		if (!skb) {
			stat_inc(&vi->stats.rx_refill_failed);
			ok = false;
			break;
		}
		sg_init_table(sg, vi->rx_descs);
		if (vi->rx_descs == 1) {
			sg_set_buf(&sg[0], skb->data, vi->rx_buf_len);
		} else {
			/* Legacy without ANY_LAYOUT: the header alone, then the frame (5.1.6.6). */
			sg_set_buf(&sg[0], skb->data, vi->hdr_len);
			sg_set_buf(&sg[1], skb->data + vi->hdr_len, vi->rx_buf_len - vi->hdr_len);
		}
		spin_lock_irqsave(&vi->rq_lock, flags);
		/* Atomic under the lock: an indirect table (two pieces) is allocated in there. */
		err = virtqueue_add_inbuf(vi->rvq, sg, vi->rx_descs, skb,
					  GFP_ATOMIC | __GFP_NOWARN);
		if (!err)
			vi->rx_posted++;
		spin_unlock_irqrestore(&vi->rq_lock, flags);
		if (err) {
			consume_skb(skb); /* -ENOSPC: full after all; -EIO: broken */
			break;
		}
		kick = true;
	}
	if (kick) {
		spin_lock_irqsave(&vi->rq_lock, flags);
		kick = virtqueue_kick_prepare(vi->rvq);
		spin_unlock_irqrestore(&vi->rq_lock, flags);
		if (kick)
			virtqueue_notify(vi->rvq); /* a trapping I/O write: outside the lock */
	}
	if (!ok && !virtnet_rx_ring_full(vi) && !virtqueue_is_broken(vi->rvq))
		mod_timer(&vi->refill_timer, jiffies + msecs_to_jiffies(VIRTNET_REFILL_RETRY_MS));
}

/* The refill timer (softirq): let the poll refill, where the ring's other users are. */
static void virtnet_refill_timer(struct timer_list *t)
{
	struct virtnet_info *vi = container_of(t, struct virtnet_info, refill_timer);

	stat_inc(&vi->stats.rx_refill_timer);
	napi_schedule(&vi->napi);
}

static void virtnet_rx_length_error(struct virtnet_info *vi)
{
	stat_inc(&vi->dev->stats.rx_length_errors);
	stat_inc(&vi->dev->stats.rx_errors);
}

/*
 * Is the header the device wrote one we can accept?  It was copied out of
 * the buffer first, so the device cannot change it between check and use.
 * 5.1.6.4.1: without GUEST_CSUM the device sets no NEEDS_CSUM; without
 * GUEST_TSO4/6 or UFO it sends no GSO packets; without MRG_RXBUF a packet is
 * one buffer.  Flag bits we do not know are ignored (5.1.6.4.2).
 */
static int virtnet_check_hdr(struct virtnet_info *vi, const struct virtio_net_hdr_mrg_rxbuf *h)
{
	if (vi->mergeable && h->num_buffers != 1) {
		/* Our buffers hold any frame we take; more than one is a packet we refuse. */
		stat_inc(&vi->stats.rx_merged);
		if (h->num_buffers > 1)
			vi->rx_skip = min((unsigned int)h->num_buffers - 1, vi->rvq->num_max);
		virtnet_rx_length_error(vi);
		return -EINVAL;
	}
	if ((h->hdr.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) ||
	    h->hdr.gso_type != VIRTIO_NET_HDR_GSO_NONE) {
		stat_inc(&vi->stats.rx_bad_hdr);
		stat_inc(&vi->dev->stats.rx_frame_errors);
		stat_inc(&vi->dev->stats.rx_errors);
		return -EINVAL;
	}
	return 0;
}

int virtnet_receive(struct virtnet_info *vi, struct sk_buff *skb, unsigned int len)
{
	struct virtio_net_hdr_mrg_rxbuf hdr = { .num_buffers = 1 };

	if (vi->rx_skip) {
		/* The rest of a multi-buffer packet: its length error was counted once. */
		vi->rx_skip--;
		stat_inc(&vi->stats.rx_merged_bufs);
		goto drop;
	}
	/* The ring already refused lengths past the buffer (then len is 0); check anyway. */
	if (len < vi->hdr_len || len > vi->rx_buf_len) {
		stat_inc(len < vi->hdr_len ? &vi->stats.rx_short : &vi->stats.rx_too_long);
		virtnet_rx_length_error(vi);
		goto drop;
	}
	memcpy(&hdr, skb->data, vi->hdr_len);
	if (virtnet_check_hdr(vi, &hdr))
		goto drop;
	skb_put(skb, len);
	skb_pull(skb, vi->hdr_len);
	trace_skb(TE_VIRTNET_RX, skb, len);
	if (skb_pfmemalloc(skb))
		stat_inc(&vi->stats.rx_pfmemalloc);
	skb->protocol = eth_type_trans(skb, vi->dev); /* a runt: protocol 0, the core drops it */
	netif_receive_skb(skb);
	return 0;

drop:
	kfree_skb(skb);
	return -EINVAL;
}

/* Up to @budget used receive buffers through virtnet_receive.  Returns how many. */
static int virtnet_rx(struct virtnet_info *vi, int budget)
{
	int done = 0;

	while (done < budget) {
		unsigned long flags;
		struct sk_buff *skb;
		unsigned int len = 0;

		spin_lock_irqsave(&vi->rq_lock, flags);
		skb = virtqueue_get_buf(vi->rvq, &len);
		if (skb)
			vi->rx_posted--;
		spin_unlock_irqrestore(&vi->rq_lock, flags);
		if (!skb)
			break;
		trace_skb(TE_VIRTNET_RX_TAKEN, skb, len); /* dropped or not: refilled */
		virtnet_receive(vi, skb, len);
		done++;
	}
	return done;
}

/* ---- transmit ----------------------------------------------------------------------- */

/* Free what the device has sent; restart a stopped queue once a frame fits again. */
static void virtnet_tx_reclaim(struct virtnet_info *vi)
{
	bool room;

	for (;;) {
		unsigned long flags;
		struct sk_buff *skb;
		unsigned int len;

		spin_lock_irqsave(&vi->sq_lock, flags);
		skb = virtqueue_get_buf(vi->svq, &len); /* len: 0, nothing was device-writable */
		room = vi->svq->num_free >= VIRTNET_TX_MAX_DESCS;
		spin_unlock_irqrestore(&vi->sq_lock, flags);
		if (!skb)
			break;
		stat_inc(&vi->stats.tx_completed);
		trace_skb(TE_VIRTNET_TX_DONE, skb, 0);
		dev_consume_skb_any(skb);
	}
	if (room && netif_queue_stopped(vi->dev) && netif_running(vi->dev))
		netif_wake_queue(vi->dev);
}

/*
 * Can the header go in @skb's headroom, so one descriptor carries it all?
 * Only if the device takes any layout, the room is there, and the bytes in
 * front are ours to write (a clone shares them with someone else).
 */
static bool virtnet_tx_can_push(struct virtnet_info *vi, struct sk_buff *skb)
{
	return vi->any_layout && skb_headroom(skb) >= vi->hdr_len && !skb_cloned(skb);
}

/*
 * Map @skb into descriptors: a zeroed header (no checksum offload, no GSO:
 * 5.1.6.2) and the frame.  Fills @sg; returns the number of entries.
 */
static unsigned int virtnet_tx_map(struct virtnet_info *vi, struct sk_buff *skb,
				   struct scatterlist *sg, bool push)
{
	void *hdr;

	if (push) {
		hdr = skb_push(skb, vi->hdr_len);
		memset(hdr, 0, vi->hdr_len);
		sg_init_one(sg, skb->data, skb->len);
		stat_inc(&vi->stats.tx_hdr_pushed);
		return 1;
	}
	/* skb->cb is the driver's while it owns the skb; slab memory, so the device can read it. */
	BUILD_BUG_ON(sizeof(skb->cb) < sizeof(struct virtio_net_hdr_mrg_rxbuf));
	hdr = skb->cb;
	memset(hdr, 0, vi->hdr_len);
	sg_init_table(sg, 2);
	sg_set_buf(&sg[0], hdr, vi->hdr_len);
	sg_set_buf(&sg[1], skb->data, skb->len);
	stat_inc(&vi->stats.tx_hdr_separate);
	return 2;
}

static netdev_tx_t virtnet_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct virtnet_info *vi = netdev_priv(dev);
	bool push = virtnet_tx_can_push(vi, skb), kick = false;
	struct scatterlist sg[2];
	unsigned long flags;
	unsigned int nsg;
	int err;

	virtnet_tx_reclaim(vi);
	skb_orphan(skb); /* the socket's claim ends here: it may close while we hold this */
	nsg = virtnet_tx_map(vi, skb, sg, push);
	spin_lock_irqsave(&vi->sq_lock, flags);
	err = virtqueue_add_outbuf(vi->svq, sg, nsg, skb, GFP_ATOMIC);
	if (!err) {
		kick = virtqueue_kick_prepare(vi->svq);
		if (vi->svq->num_free < VIRTNET_TX_MAX_DESCS)
			netif_stop_queue(
				dev); /* the next frame might not fit: the poll restarts us */
	}
	spin_unlock_irqrestore(&vi->sq_lock, flags);

	if (err == -ENOSPC) {
		if (push)
			skb_pull(skb, vi->hdr_len); /* the stack gets its skb back as it was */
		netif_stop_queue(dev);
		stat_inc(&vi->stats.tx_ring_full);
		return NETDEV_TX_BUSY;
	}
	if (err) {
		/* A broken queue (the device needs a reset): drop it, say so in tx_errors. */
		stat_inc(&vi->stats.tx_errors);
		stat_inc(&dev->stats.tx_errors);
		kfree_skb(skb);
		return NETDEV_TX_OK;
	}
	if (kick)
		virtqueue_notify(vi->svq);
	return NETDEV_TX_OK;
}

/* ---- interrupts and the poll ----------------------------------------------------------- */

/* Queue callbacks (hardirq, from vring_interrupt): quiet the queue, let the poll work. */
static void virtnet_rx_done(struct virtqueue *vq)
{
	struct virtnet_info *vi = vq->vdev->priv;

	stat_inc(&vi->stats.interrupts);
	trace_net_ctx(TE_NET_IRQ, vi->dev, 0);
	spin_lock(&vi->rq_lock);
	virtqueue_disable_cb(vq);
	spin_unlock(&vi->rq_lock);
	napi_schedule(&vi->napi);
}

static void virtnet_tx_done(struct virtqueue *vq)
{
	struct virtnet_info *vi = vq->vdev->priv;

	stat_inc(&vi->stats.interrupts);
	trace_net_ctx(TE_NET_IRQ, vi->dev, 1);
	spin_lock(&vi->sq_lock);
	virtqueue_disable_cb(vq);
	spin_unlock(&vi->sq_lock);
	napi_schedule(&vi->napi);
}

/*
 * Callbacks back on after a poll that finished early.  A buffer used
 * between the poll's last look and now raised no interrupt (the callback
 * was off), so enable_cb says so and we poll again ourselves.  TX asks for
 * its interrupt only when most of what is in flight is done.
 */
static void virtnet_enable_cbs(struct virtnet_info *vi)
{
	unsigned long flags;
	bool more;

	spin_lock_irqsave(&vi->rq_lock, flags);
	more = !virtqueue_enable_cb(vi->rvq);
	spin_unlock_irqrestore(&vi->rq_lock, flags);
	spin_lock_irqsave(&vi->sq_lock, flags);
	more |= !virtqueue_enable_cb_delayed(vi->svq);
	spin_unlock_irqrestore(&vi->sq_lock, flags);
	if (more)
		napi_schedule(&vi->napi);
}

static int virtnet_poll(struct napi_struct *napi, int budget)
{
	struct virtnet_info *vi = container_of(napi, struct virtnet_info, napi);
	int done;

	stat_inc(&vi->stats.polls);
	virtnet_tx_reclaim(vi);
	done = virtnet_rx(vi, budget);
	virtnet_rx_refill(vi, GFP_ATOMIC | __GFP_NOWARN); /* failures are counted and retried */
	if (done < budget && napi_complete_done(napi, done))
		virtnet_enable_cbs(vi);
	return done;
}

/* The link status (5.1.5 step 6: without STATUS negotiated, the link is up). */
static bool virtnet_link_up(struct virtnet_info *vi)
{
	if (!virtio_has_feature(vi->vdev, VIRTIO_NET_F_STATUS))
		return true;
	return virtio_cread16(vi->vdev, offsetof(struct virtio_net_config, status)) &
	       VIRTIO_NET_S_LINK_UP;
}

/* Carrier on or off as the link is; a change is counted and logged. */
static void virtnet_update_link(struct virtnet_info *vi)
{
	bool up = virtnet_link_up(vi);

	if (up == netif_carrier_ok(vi->dev))
		return;
	stat_inc(&vi->stats.link_changes);
	if (up)
		netif_carrier_on(vi->dev);
	else
		netif_carrier_off(vi->dev);
	pr_info("%s: link %s\n", vi->dev->name, up ? "up" : "down");
}

/* The configuration changed (hardirq): with STATUS negotiated, that is the link. */
static void virtnet_config_changed(struct virtio_device *vdev)
{
	struct virtnet_info *vi = vdev->priv;

	if (vi)
		virtnet_update_link(vi);
}

/* ---- open and stop ---------------------------------------------------------------------- */

static int virtnet_open(struct net_device *dev)
{
	struct virtnet_info *vi = netdev_priv(dev);

	/* 5.1.5 step 3: fill the receive queue.  May sleep here; short is fine (the timer). */
	virtnet_rx_refill(vi, GFP_KERNEL);
	napi_enable(&vi->napi);
	netif_start_queue(dev);
	/*
	 * One poll now: it takes whatever the device used while we were closed,
	 * turns callbacks on.
	 */
	local_bh_disable();
	napi_schedule(&vi->napi);
	local_bh_enable();
	return 0;
}

static int virtnet_stop(struct net_device *dev)
{
	struct virtnet_info *vi = netdev_priv(dev);
	unsigned long flags;

	netif_stop_queue(dev);
	napi_disable(&vi->napi);      /* a running poll finishes first */
	del_timer(&vi->refill_timer); /* after: the poll may have armed it */
	spin_lock_irqsave(&vi->rq_lock, flags);
	virtqueue_disable_cb(vi->rvq);
	spin_unlock_irqrestore(&vi->rq_lock, flags);
	spin_lock_irqsave(&vi->sq_lock, flags);
	virtqueue_disable_cb(vi->svq);
	spin_unlock_irqrestore(&vi->sq_lock, flags);
	/*
	 * The receive buffers stay with the device (only a reset takes them
	 * back: remove does that); what it has sent is freed now.
	 */
	virtnet_tx_reclaim(vi);
	return 0;
}

static const struct net_device_ops virtnet_ops = {
	.ndo_open = virtnet_open,
	.ndo_stop = virtnet_stop,
	.ndo_start_xmit = virtnet_start_xmit,
};

/* ---- probe and remove ------------------------------------------------------------------- */

void virtnet_random_mac(u8 *mac)
{
	static u64 state;
	u64 x;

	/* splitmix64 over the TSC: different per boot and per call, which is all a MAC needs. */
	state += rdtsc() + 0x9e3779b97f4a7c15ULL;
	x = state;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	x ^= x >> 31;
	memcpy(mac, &x, ETH_ALEN);
	mac[0] = (mac[0] & ~0x01) | 0x02; /* unicast, locally administered (IEEE 802 8.2) */
}

/* 5.1.5 step 5: the MAC from config space, else a random local one. */
static void virtnet_read_mac(struct virtnet_info *vi)
{
	u8 mac[ETH_ALEN];

	if (virtio_cread_feature(vi->vdev, VIRTIO_NET_F_MAC, struct virtio_net_config, mac, &mac) ||
	    !is_valid_ether_addr(mac)) {
		if (virtio_has_feature(vi->vdev, VIRTIO_NET_F_MAC))
			pr_warn("virtio-net %s: config space MAC " MAC_FMT " is not a station "
				"address; using a random one\n",
				vi->vdev->name, MAC_ARG(mac));
		virtnet_random_mac(mac);
	}
	memcpy(vi->dev->dev_addr, mac, ETH_ALEN);
}

/* What the negotiated features mean for buffers and headers (5.1.6, 5.1.6.6). */
static void virtnet_set_layout(struct virtnet_info *vi)
{
	struct virtio_device *vdev = vi->vdev;
	bool v1 = virtio_has_feature(vdev, VIRTIO_F_VERSION_1);

	vi->mergeable = virtio_has_feature(vdev, VIRTIO_NET_F_MRG_RXBUF);
	vi->hdr_len = v1 || vi->mergeable ? sizeof(struct virtio_net_hdr_mrg_rxbuf)
					  : sizeof(struct virtio_net_hdr);
	vi->any_layout = v1 || virtio_has_feature(vdev, VIRTIO_F_ANY_LAYOUT);
	vi->rx_descs = vi->any_layout ? 1 : 2;
	vi->rx_buf_len = vi->hdr_len + VIRTNET_MAX_FRAME;
}

/* 5.1.5 steps 1-2: receiveq1 and transmitq1; no control queue, no multiqueue. */
static int virtnet_find_vqs(struct virtnet_info *vi)
{
	vq_callback_t *callbacks[] = { virtnet_rx_done, virtnet_tx_done };
	const char *const names[] = { "input", "output" };
	struct virtqueue *vqs[2];
	int err;

	err = vi->vdev->config->find_vqs(vi->vdev, 2, vqs, callbacks, names);
	if (err)
		return err;
	vi->rvq = vqs[VIRTNET_RX_QUEUE];
	vi->svq = vqs[VIRTNET_TX_QUEUE];
	return 0;
}

/* After a reset: take back every buffer the device still had, and free it. */
static void virtnet_free_unused(struct virtnet_info *vi)
{
	struct sk_buff *skb;

	while ((skb = virtqueue_detach_unused_buf(vi->rvq)))
		consume_skb(skb); /* an empty receive buffer */
	while ((skb = virtqueue_detach_unused_buf(vi->svq)))
		kfree_skb(skb); /* a frame that was never sent */
	vi->rx_posted = 0;
}

static struct virtnet_info *virtnet_alloc(struct virtio_device *vdev)
{
	struct net_device *dev = alloc_etherdev(sizeof(struct virtnet_info));
	struct virtnet_info *vi;

	if (!dev)
		return NULL;
	vi = netdev_priv(dev);
	vi->vdev = vdev;
	vi->dev = dev;
	spin_lock_init(&vi->rq_lock);
	spin_lock_init(&vi->sq_lock);
	timer_setup(&vi->refill_timer, virtnet_refill_timer, 0);
	INIT_LIST_HEAD(&vi->node);
	dev->netdev_ops = &virtnet_ops;
	virtnet_set_layout(vi);
	virtnet_read_mac(vi);
	netif_napi_add(dev, &vi->napi, virtnet_poll);
	return vi;
}

static int virtnet_probe(struct virtio_device *vdev)
{
	struct virtnet_info *vi = virtnet_alloc(vdev);
	int err;

	if (!vi)
		return -ENOMEM;
	vdev->priv = vi; /* before the queues: their callbacks look here */
	err = virtnet_find_vqs(vi);
	if (err)
		goto free_netdev;
	/*
	 * 3.1.1 step 8 before registering: register_netdev opens the device,
	 * which fills and kicks receiveq1, and no notification may reach the
	 * device before DRIVER_OK.
	 */
	virtio_device_ready(vdev);
	if (virtnet_link_up(vi)) /* 5.1.5 step 6 */
		netif_carrier_on(vi->dev);
	err = register_netdev(vi->dev);
	if (err)
		goto reset;
	list_add_tail(&vi->node, &virtnet_devices);
	pr_info("%s: virtio-net on %s, MAC " MAC_FMT ", %u-byte header, %u RX buffers of %u "
		"bytes, link %s\n",
		vi->dev->name, vdev->name, MAC_ARG(vi->dev->dev_addr), vi->hdr_len, vi->rx_posted,
		vi->rx_buf_len, netif_carrier_ok(vi->dev) ? "up" : "down");
	return 0;

reset:
	virtio_reset_device(vdev);
	virtnet_free_unused(vi);
	vdev->config->del_vqs(vdev);
free_netdev:
	netif_napi_del(&vi->napi);
	vdev->priv = NULL;
	free_netdev(vi->dev);
	return err;
}

static void virtnet_remove(struct virtio_device *vdev)
{
	struct virtnet_info *vi = vdev->priv;

	list_del(&vi->node);
	unregister_netdev(vi->dev); /* closed: no poll, no timer, callbacks off */
	/* The device lets go of every buffer only when reset (2.4); then they are ours to free. */
	virtio_reset_device(vdev);
	virtnet_free_unused(vi);
	vdev->config->del_vqs(vdev);
	netif_napi_del(&vi->napi);
	vdev->priv = NULL;
	free_netdev(vi->dev);
}

/* The options: clear the features they name before FEATURES_OK. */
static int virtnet_validate(struct virtio_device *vdev)
{
	static const struct {
		const char *name;
		unsigned int bit;
	} opts[] = {
		{ "nomrg", VIRTIO_NET_F_MRG_RXBUF },
		{ "noanylayout", VIRTIO_F_ANY_LAYOUT },
		{ "nomac", VIRTIO_NET_F_MAC },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(opts); i++)
		if (strstr(virtnet_options, opts[i].name))
			vdev->features &= ~(1ULL << opts[i].bit);
	return 0;
}

static const struct virtio_device_id virtnet_ids[] = { { VIRTIO_ID_NET, VIRTIO_DEV_ANY_ID }, {} };

/* What we understand; the core adds the ring's own (INDIRECT_DESC, EVENT_IDX, VERSION_1). */
/* 3.10 also takes CSUM, GSO, big buffers, multiqueue; we not yet: docs/linux-3.10.md */
static const unsigned int virtnet_features[] = {
	VIRTIO_NET_F_MAC,
	VIRTIO_NET_F_STATUS,
	VIRTIO_NET_F_MRG_RXBUF,
	VIRTIO_F_ANY_LAYOUT,
};

struct virtio_driver virtnet_driver = {
	.name = "virtio-net",
	.id_table = virtnet_ids,
	.feature_table = virtnet_features,
	.feature_table_size = ARRAY_SIZE(virtnet_features),
	.validate = virtnet_validate,
	.probe = virtnet_probe,
	.remove = virtnet_remove,
	.config_changed = virtnet_config_changed,
};

static int virtnet_init(void)
{
	return register_virtio_driver(&virtnet_driver);
}
device_initcall(virtnet_init);
