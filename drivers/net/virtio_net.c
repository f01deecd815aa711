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
 * A multiqueue NIC (VIRTIO_NET_F_MQ; QEMU needs a tap for it, docs/network.md
 * "Multiqueue" has the recipe) gets one queue pair per CPU, up to the
 * device's max_virtqueue_pairs and VIRTNET_MAX_QUEUE_PAIRS:
 *
 *   pair i   receiveq<i+1> + transmitq<i+1>, one NAPI instance (rq[i].napi)
 *            for RX i and TX i completions, both MSI-X vectors on the i-th
 *            online CPU ("CPU i" below; the numbers may have holes), and
 *            that CPU's transmits on net queue i (XPS):
 *
 *     CPU i: dev_queue_xmit --netdev_pick_tx--> _tx[i] --> sq[i] --> device
 *     device --rq[i] vector, on CPU i--> rq[i].napi (poll on CPU i)
 *                                        also frees what sq[i] sent
 *
 * virtio_net_ctrl.c tells the device how many pairs to use over the control
 * queue and binds the vectors; without MQ there is one pair and no control
 * queue, as before.
 *
 * The life of a frame in pair i (docs/network.md draws the whole stack):
 *
 *   receive   ndo_open fills receiveq<i+1> with empty skbs (netdev_alloc_skb:
 *             SKB_ALLOC_RX, so under memory pressure they may come from
 *             the reserve).  The device writes header + frame into one and
 *             interrupts: virtnet_rx_done claims NAPI, turns the callback
 *             off and schedules it.  virtnet_poll (NET_RX_SOFTIRQ, on the
 *             CPU that took the interrupt) takes used buffers, checks what
 *             the device wrote, pulls the header and hands the frame to
 *             netif_receive_skb, then refills the ring with GFP_ATOMIC and
 *             turns callbacks back on.
 *   transmit  ndo_start_xmit puts a zeroed header in front of the frame
 *             (in its headroom, or in a descriptor of its own), adds it to
 *             the transmitq the stack picked (skb->queue_mapping) and
 *             kicks.  The TX interrupt stays off, as in 3.10: what the
 *             device has sent is freed by the next ndo_start_xmit or the
 *             pair's next poll, and a frame nothing collects (the last
 *             one sent) by the pair's reclaim timer within
 *             VIRTNET_TX_RECLAIM_MS.  Only a queue stopped for want of
 *             room asks for the interrupt, to be woken when there is room.
 *
 * Locking, as 3.10's virtio_net (no lock of the driver's own on the data
 * path; each pair is independent of the others):
 *
 *   receiveq<i+1>   only whoever owns rq[i].napi (NAPI_STATE_SCHED)
 *                   touches it: the poll, the interrupt handler that won
 *                   napi_schedule_prep (it only turns the callback off),
 *                   and ndo_open/ndo_stop while NAPI is disabled.  One CPU
 *                   at a time, so no lock.  rx_posted and rx_skip too.
 *   transmitq<i+1>  net queue i's lock (_xmit_lock): the stack holds it
 *                   around ndo_start_xmit (HARD_TX_LOCK); the poll of pair
 *                   i and ndo_stop take it (__netif_tx_lock) to free what
 *                   was sent.  The TX interrupt handler and the reclaim
 *                   timer do not touch the queue: they schedule the poll.
 *   controlq        vi->ctrl_lock (a mutex: commands wait for the device).
 *   counters        atomic adds (3.10: per-CPU u64_stats).
 *
 * Options (kernel command line): virtio_net=nomrg,noanylayout,nomac,nomq
 * keeps the driver from accepting MRG_RXBUF (legacy devices then use the
 * 10-byte header), ANY_LAYOUT (legacy devices then get the header in its
 * own descriptor), MAC (a random address) or MQ (one pair), to exercise
 * those paths.
 */
#include <drivers/pci.h>
#include <drivers/virtio.h>
#include <drivers/virtio_net.h>
#include <drivers/virtio_ring.h>
#include <arch/x86.h>
#include <mm/slab.h>
#include <stdio.h>
#include <kernel/boot_report.h>
#include <kernel/cmdline.h>
#include <kernel/init.h>
#include <kernel/perf.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/softirq.h>
#include <kernel/trace.h>
#include <net/ethernet.h>
#include <errno.h>
#include <string.h>

#include "virtio_net_internal.h"

LIST_HEAD(virtnet_devices);

static char virtnet_options[48];
cmdline_param_string(
	virtio_net, virtnet_options,
	"virtio-net: refuse features to test other paths: nomrg,noanylayout,nomac,nomq");

static const struct net_device_ops virtnet_ops;

struct virtnet_info *virtnet_from_netdev(const struct net_device *dev)
{
	return dev && dev->netdev_ops == &virtnet_ops ? netdev_priv(dev) : NULL;
}

/* ---- receive --------------------------------------------------------------------- */

static bool virtnet_rq_full(struct virtnet_info *vi, struct receive_queue *rq)
{
	return READ_ONCE(rq->vq->num_free) < vi->rx_descs;
}

bool virtnet_rx_ring_full(struct virtnet_info *vi)
{
	for (unsigned int i = 0; i < vi->curr_queue_pairs; i++)
		if (!virtnet_rq_full(vi, &vi->rq[i]))
			return false;
	return true;
}

/*
 * @rq, short at open during boot, is full now: when it was the last short
 * ring, the boot report's entry says so.  Caller owns @rq's NAPI instance.
 */
static void virtnet_boot_refilled(struct virtnet_info *vi, struct receive_queue *rq)
{
	rq->boot_short = false;
	if (atomic_dec_and_test(&vi->boot_short))
		boot_degraded_outcome(vi->boot_report, "refilled");
}

/*
 * Add empty skbs to @rq's ring until it is full (5.1.6.3: buffers of at
 * least 1526 bytes without MRG_RXBUF; ours hold hdr_len + 1518).  If
 * memory runs out first, the timer tries again later: an empty ring means
 * no interrupt will ever come to do it.  A broken queue is left alone.
 * Caller owns @rq's NAPI instance (the poll, or NAPI disabled).
 */
static void virtnet_rx_refill(struct virtnet_info *vi, struct receive_queue *rq, gfp_t gfp)
{
	bool ok = true, kick = false;

	while (!virtnet_rq_full(vi, rq)) {
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
		/* @gfp also for the indirect table of a two-piece buffer. */
		err = virtqueue_add_inbuf(rq->vq, sg, vi->rx_descs, skb, gfp);
		if (!err)
			rq->rx_posted++;
		if (err) {
			consume_skb(skb); /* -ENOSPC: full after all; -EIO: broken */
			break;
		}
		kick = true;
	}
	if (kick && virtqueue_kick_prepare(rq->vq))
		virtqueue_notify(rq->vq);
	if (!ok && !virtnet_rq_full(vi, rq) && !virtqueue_is_broken(rq->vq))
		mod_timer(&rq->refill_timer, jiffies + msecs_to_jiffies(VIRTNET_REFILL_RETRY_MS));
	else if (unlikely(rq->boot_short) && virtnet_rq_full(vi, rq))
		virtnet_boot_refilled(vi, rq);
}

/* The refill timer (softirq): let the poll refill, where the ring's other users are. */
static void virtnet_refill_timer(struct timer_list *t)
{
	struct receive_queue *rq = container_of(t, struct receive_queue, refill_timer);
	struct virtnet_info *vi = rq->vq->vdev->priv;

	stat_inc(&vi->stats.rx_refill_timer);
	napi_schedule(&rq->napi);
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
static int virtnet_check_hdr(struct virtnet_info *vi, struct receive_queue *rq,
			     const struct virtio_net_hdr_mrg_rxbuf *h)
{
	if (vi->mergeable && h->num_buffers != 1) {
		/* Our buffers hold any frame we take; more than one is a packet we refuse. */
		stat_inc(&vi->stats.rx_merged);
		if (h->num_buffers > 1)
			rq->rx_skip = min((unsigned int)h->num_buffers - 1, rq->vq->num_max);
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

/*
 * The header the device wrote, out of its buffer: @len is one of the two
 * header sizes, each copied by the compiler's inline memcpy (-ffreestanding
 * would call the library's for a length it does not know).
 */
static void virtnet_hdr_copy(struct virtio_net_hdr_mrg_rxbuf *to, const void *from,
			     unsigned int len)
{
	if (len == sizeof(*to))
		__builtin_memcpy(to, from, sizeof(*to));
	else
		__builtin_memcpy(to, from, sizeof(struct virtio_net_hdr));
}

int virtnet_receive(struct virtnet_info *vi, struct receive_queue *rq, struct sk_buff *skb,
		    unsigned int len)
{
	struct virtio_net_hdr_mrg_rxbuf hdr = { .num_buffers = 1 };

	if (rq->rx_skip) {
		/* The rest of a multi-buffer packet: its length error was counted once. */
		rq->rx_skip--;
		stat_inc(&vi->stats.rx_merged_bufs);
		goto drop;
	}
	/* The ring already refused lengths past the buffer (then len is 0); check anyway. */
	if (len < vi->hdr_len || len > vi->rx_buf_len) {
		stat_inc(len < vi->hdr_len ? &vi->stats.rx_short : &vi->stats.rx_too_long);
		virtnet_rx_length_error(vi);
		goto drop;
	}
	virtnet_hdr_copy(&hdr, skb->data, vi->hdr_len);
	if (virtnet_check_hdr(vi, rq, &hdr))
		goto drop;
	skb_put(skb, len);
	skb_pull(skb, vi->hdr_len);
	trace_skb(TE_VIRTNET_RX, skb, len);
	if (skb_pfmemalloc(skb))
		stat_inc(&vi->stats.rx_pfmemalloc);
	skb->protocol = eth_type_trans(skb, vi->dev); /* a runt: protocol 0, the core drops it */
	stat_inc(&rq->packets);
	netif_receive_skb(skb);
	return 0;

drop:
	kfree_skb(skb);
	return -EINVAL;
}

/* Up to @budget used buffers of @rq through virtnet_receive.  Returns how many. */
static int virtnet_rx(struct virtnet_info *vi, struct receive_queue *rq, int budget)
{
	int done = 0;

	while (done < budget) {
		struct sk_buff *skb;
		unsigned int len = 0;

		skb = virtqueue_get_buf(rq->vq, &len); /* the poll owns the ring */
		if (!skb)
			break;
		rq->rx_posted--;
		trace_skb(TE_VIRTNET_RX_TAKEN, skb, len); /* dropped or not: refilled */
		virtnet_receive(vi, rq, skb, len);
		done++;
	}
	return done;
}

/* ---- transmit ----------------------------------------------------------------------- */

/* Pair @qnum's transmit lock: net queue @qnum's _xmit_lock. */
static struct netdev_queue *virtnet_txq(struct virtnet_info *vi, unsigned int qnum)
{
	return netdev_get_tx_queue(vi->dev, qnum);
}

/*
 * Free what the device has sent on @sq; restart its net queue once a
 * frame fits again.  Caller holds that queue's _xmit_lock (bottom halves
 * off).
 */
static void __virtnet_tx_reclaim(struct virtnet_info *vi, struct send_queue *sq)
{
	u16 qnum = (u16)(sq - vi->sq);
	struct sk_buff *skb;
	unsigned int len;

	while ((skb = virtqueue_get_buf(sq->vq, &len))) { /* len: 0, nothing device-writable */
		stat_inc(&vi->stats.tx_completed);
		trace_skb(TE_VIRTNET_TX_DONE, skb, 0);
		dev_consume_skb_any(skb);
	}
	if (sq->vq->num_free >= VIRTNET_TX_MAX_DESCS && __netif_subqueue_stopped(vi->dev, qnum) &&
	    netif_running(vi->dev))
		netif_wake_subqueue(vi->dev, qnum);
}

/*
 * Frames are in @sq's ring: make sure the reclaim timer will look at them
 * if no later transmit or poll does.  Armed at most once per period, so a
 * busy queue pays one test per frame.  Caller holds the queue's _xmit_lock.
 * (3.10 has no such timer: a frame waits for the next transmit; docs/linux-3.10.md)
 */
static void virtnet_tx_arm_reclaim(struct send_queue *sq)
{
	if (!timer_pending(&sq->reclaim_timer))
		mod_timer(&sq->reclaim_timer, jiffies + msecs_to_jiffies(VIRTNET_TX_RECLAIM_MS));
}

/*
 * The TX interrupt or the reclaim timer wants pair i's poll to free what
 * @sq sent.  If that poll is running already, napi_schedule does nothing
 * and the poll may be past its TX part: the flag, which the poll clears
 * before it frees, makes virtnet_complete poll once more (later Linux's
 * NAPIF_STATE_MISSED does the same for every NAPI instance).
 */
static void virtnet_tx_want_poll(struct virtnet_info *vi, struct send_queue *sq)
{
	WRITE_ONCE(sq->poll_wanted, true);
	napi_schedule(&vi->rq[sq - vi->sq].napi); /* an atomic test-and-set: after the store */
}

/* The reclaim timer (softirq): let the pair's poll free what was sent. */
static void virtnet_tx_reclaim_timer(struct timer_list *t)
{
	struct send_queue *sq = container_of(t, struct send_queue, reclaim_timer);
	struct virtnet_info *vi = sq->vq->vdev->priv;

	stat_inc(&vi->stats.tx_reclaim_timer);
	virtnet_tx_want_poll(vi, sq);
}

/*
 * The poll's part of transmit for pair @qnum: free what was sent.  The TX
 * interrupt stays off unless the queue is still stopped for want of room;
 * then it is armed, and the used index seen is returned for virtqueue_poll
 * after NAPI is given back (an interrupt while we own NAPI does nothing).
 * Returns -1 when no interrupt was armed.  Softirq context.
 */
static int virtnet_poll_tx(struct virtnet_info *vi, unsigned int qnum)
{
	struct netdev_queue *txq = virtnet_txq(vi, qnum);
	struct send_queue *sq = &vi->sq[qnum];
	int last = -1;

	WRITE_ONCE(sq->poll_wanted, false);
	smp_mb(); /* cleared before we look at the ring: a later want is seen in virtnet_complete */
	__netif_tx_lock(txq, smp_processor_id());
	__virtnet_tx_reclaim(vi, sq);
	if (unlikely(__netif_subqueue_stopped(vi->dev, qnum)))
		last = (int)virtqueue_enable_cb_prepare(sq->vq);
	else
		virtqueue_disable_cb(sq->vq);
	/* Not all sent yet: the timer comes back for the rest. */
	if (sq->vq->num_free < sq->vq->num_max && !virtqueue_is_broken(sq->vq))
		virtnet_tx_arm_reclaim(sq);
	__netif_tx_unlock(txq);
	return last;
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

/* A zeroed header of @len bytes (one of the two sizes) at @hdr; inline, as virtnet_hdr_copy. */
static void virtnet_hdr_zero(void *hdr, unsigned int len)
{
	if (len == sizeof(struct virtio_net_hdr_mrg_rxbuf))
		__builtin_memset(hdr, 0, sizeof(struct virtio_net_hdr_mrg_rxbuf));
	else
		__builtin_memset(hdr, 0, sizeof(struct virtio_net_hdr));
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
		virtnet_hdr_zero(hdr, vi->hdr_len);
		sg_init_one(sg, skb->data, skb->len);
		stat_inc(&vi->stats.tx_hdr_pushed);
		return 1;
	}
	/* skb->cb is the driver's while it owns the skb; slab memory, so the device can read it. */
	BUILD_BUG_ON(sizeof(skb->cb) < sizeof(struct virtio_net_hdr_mrg_rxbuf));
	hdr = skb->cb;
	virtnet_hdr_zero(hdr, vi->hdr_len);
	sg_init_table(sg, 2);
	sg_set_buf(&sg[0], hdr, vi->hdr_len);
	sg_set_buf(&sg[1], skb->data, skb->len);
	stat_inc(&vi->stats.tx_hdr_separate);
	return 2;
}

/*
 * The next frame might not fit in @sq: stop the net queue and ask for the
 * TX interrupt once the device has sent most of what is in flight (3.10:
 * virtqueue_enable_cb_delayed), whose poll wakes the queue.  If the device
 * got that far already, free now and go on.  Caller holds the _xmit_lock.
 */
static void virtnet_tx_stop(struct virtnet_info *vi, struct send_queue *sq, u16 qnum)
{
	netif_stop_subqueue(vi->dev, qnum);
	if (likely(virtqueue_enable_cb_delayed(sq->vq)))
		return;
	__virtnet_tx_reclaim(vi, sq); /* wakes the queue if a frame fits now */
	if (!__netif_subqueue_stopped(vi->dev, qnum))
		virtqueue_disable_cb(sq->vq);
}

DEFINE_PERF_LAYER(perf_virtnet_xmit, "virtio-net xmit");
DEFINE_PERF_LAYER(perf_virtnet_irq, "virtio-net irq");
DEFINE_PERF_LAYER(perf_virtnet_poll, "virtio-net poll");

int virtnet_xmit_skb(struct virtnet_info *vi, struct send_queue *sq, struct sk_buff *skb)
{
	bool push = virtnet_tx_can_push(vi, skb);
	struct scatterlist sg[2];
	unsigned int nsg = virtnet_tx_map(vi, skb, sg, push);
	int err = virtqueue_add_outbuf(sq->vq, sg, nsg, skb, GFP_ATOMIC);

	if (err && push)
		skb_pull(skb, vi->hdr_len); /* the caller gets its skb back as it was */
	return err;
}

/*
 * The stack picked net queue qnum (skb->queue_mapping) and holds its
 * _xmit_lock (HARD_TX_LOCK): transmitq<qnum+1> is ours here.
 */
static netdev_tx_t virtnet_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	PERF_SCOPE(&perf_virtnet_xmit);
	struct virtnet_info *vi = netdev_priv(dev);
	u16 qnum = skb_get_queue_mapping(skb);
	struct send_queue *sq = &vi->sq[qnum];
	bool kick = false;
	int err;

	__virtnet_tx_reclaim(vi, sq);
	skb_orphan(skb); /* the socket's claim ends here: it may close while we hold this */
	err = virtnet_xmit_skb(vi, sq, skb);
	if (!err) {
		stat_inc(&sq->packets);
		kick = virtqueue_kick_prepare(sq->vq);
		virtnet_tx_arm_reclaim(sq);
		if (sq->vq->num_free < VIRTNET_TX_MAX_DESCS)
			virtnet_tx_stop(vi, sq, qnum);
	}

	if (err == -ENOSPC) {
		/* We stop before the ring is this full; the TX interrupt restarts us. */
		stat_inc(&vi->stats.tx_ring_full);
		virtnet_tx_stop(vi, sq, qnum);
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
		virtqueue_notify(sq->vq);
	return NETDEV_TX_OK;
}

/* ---- interrupts and the poll ----------------------------------------------------------- */

/*
 * Queue callbacks (hardirq, from vring_interrupt, on the CPU the vector
 * goes to: the i-th online CPU for pair i).  RX: whoever claims the pair's NAPI owns
 * its receive ring until the poll completes, so only the winner turns the
 * callback off (3.10's skb_recv_done).  TX: armed only while the queue is
 * stopped; the send ring belongs to its _xmit_lock, which an interrupt
 * handler cannot take, so the pair's poll frees what was sent and turns
 * the callback off again.
 */
static void virtnet_rx_done(struct virtqueue *vq)
{
	struct virtnet_info *vi = vq->vdev->priv;
	struct receive_queue *rq = &vi->rq[vq2rxq(vq)];

	PERF_SCOPE(&perf_virtnet_irq);
	stat_inc(&vi->stats.interrupts);
	trace_net_ctx(TE_NET_IRQ, vi->dev, 0);
	if (napi_schedule_prep(&rq->napi)) {
		virtqueue_disable_cb(vq);
		__napi_schedule(&rq->napi);
	}
}

static void virtnet_tx_done(struct virtqueue *vq)
{
	struct virtnet_info *vi = vq->vdev->priv;

	PERF_SCOPE(&perf_virtnet_irq);
	stat_inc(&vi->stats.interrupts);
	stat_inc(&vi->stats.tx_interrupts);
	trace_net_ctx(TE_NET_IRQ, vi->dev, 1);
	virtnet_tx_want_poll(vi, &vi->sq[vq2txq(vq)]);
}

/*
 * Give NAPI back with the RX callback on, and TX's if virtnet_poll_tx
 * armed it (@tx_last >= 0) (3.10's virtnet_poll tail).  They were armed
 * while we still owned the queues; an interrupt in between found NAPI
 * still ours and did nothing, so virtqueue_poll looks for a buffer used
 * meanwhile, and poll_wanted for a TX interrupt or reclaim timer that came
 * since virtnet_poll_tx (a TX callback armed by start_xmit on another
 * CPU, say); then, if NAPI is still free, we claim it again.
 * (virtqueue_poll reads only the device's used index: no lock for sq.)
 */
static void virtnet_complete(struct receive_queue *rq, struct send_queue *sq, int done, int tx_last)
{
	unsigned int rx_last = virtqueue_enable_cb_prepare(rq->vq);

	napi_complete_done(&rq->napi, done);
	smp_mb(); /* NAPI given back before we look: a want after this schedules it itself */
	if ((virtqueue_poll(rq->vq, rx_last) || READ_ONCE(sq->poll_wanted) ||
	     (tx_last >= 0 && virtqueue_poll(sq->vq, (unsigned int)tx_last))) &&
	    napi_schedule_prep(&rq->napi)) {
		virtqueue_disable_cb(rq->vq);
		__napi_schedule(&rq->napi);
	}
}

/* Pair i's poll: RX i, its refill, TX i's completions. */
/* 3.10 frees sent skbs in start_xmit only; we in the pair's poll too: docs/linux-3.10.md */
static int virtnet_poll(struct napi_struct *napi, int budget)
{
	struct receive_queue *rq = container_of(napi, struct receive_queue, napi);
	struct virtnet_info *vi = rq->vq->vdev->priv;
	unsigned int qnum = vq2rxq(rq->vq);
	int done, tx_last;

	PERF_SCOPE(&perf_virtnet_poll); /* the stack above it (ip_rcv...) is in its own layers */
	stat_inc(&vi->stats.polls);
	done = virtnet_rx(vi, rq, budget);
	virtnet_rx_refill(vi, rq, GFP_ATOMIC | __GFP_NOWARN); /* failures are counted, retried */
	tx_last = virtnet_poll_tx(vi, qnum);
	if (done < budget)
		virtnet_complete(rq, &vi->sq[qnum], done, tx_last);
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

/*
 * During boot, receive rings that open could not fill go into the boot
 * report ("eth0: RX ring 17/256 at open"); the refill timer fills them
 * later and the entry then says "refilled".  NAPI is still disabled: the
 * rings are ours.
 */
static void virtnet_boot_check_rings(struct virtnet_info *vi)
{
	unsigned int posted = 0, size = 0, nr_short = 0;

	if (!boot_in_progress())
		return;
	for (unsigned int i = 0; i < vi->curr_queue_pairs; i++) {
		struct receive_queue *rq = &vi->rq[i];

		posted += rq->rx_posted;
		size += rq->vq->num_max / vi->rx_descs;
		rq->boot_short = !virtnet_rq_full(vi, rq);
		nr_short += rq->boot_short;
	}
	if (!nr_short)
		return;
	atomic_set(&vi->boot_short, nr_short);
	pr_warn("%s: RX ring %u/%u at open: out of memory; the refill timer fills it\n",
		vi->dev->name, posted, size);
	vi->boot_report = boot_degraded("%s: RX ring %u/%u at open", vi->dev->name, posted, size);
	boot_degraded_outcome(vi->boot_report, "refilling");
}

static int virtnet_open(struct net_device *dev)
{
	struct virtnet_info *vi = netdev_priv(dev);
	unsigned int i;

	/*
	 * 5.1.5 step 3: fill the receive queues the device may use.  NAPI is
	 * still disabled, so they are ours.  May sleep here; short is fine
	 * (the timer).
	 */
	for (i = 0; i < vi->curr_queue_pairs; i++)
		virtnet_rx_refill(vi, &vi->rq[i], GFP_KERNEL);
	virtnet_boot_check_rings(vi); /* before any poll may refill them */
	for (i = 0; i < vi->curr_queue_pairs; i++)
		napi_enable(&vi->rq[i].napi);
	netif_tx_start_all_queues(dev);
	/*
	 * One poll per pair now: it takes whatever the device used while we
	 * were closed, turns callbacks on.
	 */
	local_bh_disable();
	for (i = 0; i < vi->curr_queue_pairs; i++)
		napi_schedule(&vi->rq[i].napi);
	local_bh_enable();
	return 0;
}

/* Pair @qnum stopped: no poll, no refill timer, callbacks off, what was sent freed. */
static void virtnet_stop_pair(struct virtnet_info *vi, unsigned int qnum)
{
	struct receive_queue *rq = &vi->rq[qnum];
	struct send_queue *sq = &vi->sq[qnum];
	struct netdev_queue *txq = virtnet_txq(vi, qnum);

	napi_disable(&rq->napi); /* a running poll (on any CPU) finishes first */
	/*
	 * After napi_disable: the poll may have armed it.  _sync: the timer may
	 * be running on another CPU right now, and remove frees vi once we
	 * return (3.10: cancel_delayed_work_sync in virtnet_close).
	 */
	del_timer_sync(&rq->refill_timer);
	del_timer_sync(&sq->reclaim_timer); /* nothing is sent after netif_tx_disable */
	virtqueue_disable_cb(rq->vq);	    /* ours: NAPI is disabled */
	/*
	 * The receive buffers stay with the device (only a reset takes them
	 * back: remove does that); what it has sent is freed now.
	 */
	local_bh_disable();
	__netif_tx_lock(txq, smp_processor_id());
	virtqueue_disable_cb(sq->vq);
	__virtnet_tx_reclaim(vi, sq);
	__netif_tx_unlock(txq);
	local_bh_enable();
}

static int virtnet_stop(struct net_device *dev)
{
	struct virtnet_info *vi = netdev_priv(dev);

	netif_tx_disable(dev); /* no CPU is in start_xmit after this */
	for (unsigned int i = 0; i < vi->curr_queue_pairs; i++)
		virtnet_stop_pair(vi, i);
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

/*
 * 5.1.5 steps 1-2: the queues, numbered as 5.1.2 says.  Only the pairs we
 * use get a ring (a NULL name skips a queue); the control queue, when
 * there is one, sits after all the device's pairs and has no callback
 * (commands are polled), so no vector.
 */
static int virtnet_find_vqs(struct virtnet_info *vi)
{
	unsigned int i, nvqs = vi->cvq_index ? vi->cvq_index + 1 : 2;
	vq_callback_t **callbacks;
	struct virtqueue **vqs;
	const char **names;
	int err = -ENOMEM;

	vqs = kcalloc(nvqs, sizeof(*vqs), GFP_KERNEL);
	callbacks = kcalloc(nvqs, sizeof(*callbacks), GFP_KERNEL);
	names = kcalloc(nvqs, sizeof(*names), GFP_KERNEL);
	if (!vqs || !callbacks || !names)
		goto free;
	for (i = 0; i < vi->max_queue_pairs; i++) {
		callbacks[rxq2vq(i)] = virtnet_rx_done;
		callbacks[txq2vq(i)] = virtnet_tx_done;
		names[rxq2vq(i)] = vi->rq[i].name;
		names[txq2vq(i)] = vi->sq[i].name;
	}
	if (vi->cvq_index)
		names[vi->cvq_index] = "control";
	err = vi->vdev->config->find_vqs(vi->vdev, nvqs, vqs, callbacks, names);
	if (err)
		goto free;
	for (i = 0; i < vi->max_queue_pairs; i++) {
		vi->rq[i].vq = vqs[rxq2vq(i)];
		vi->sq[i].vq = vqs[txq2vq(i)];
	}
	vi->cvq = vi->cvq_index ? vqs[vi->cvq_index] : NULL;
free:
	kfree(names);
	kfree(callbacks);
	kfree(vqs);
	return err;
}

/* After a reset: take back every buffer the device still had, and free it. */
static void virtnet_free_unused(struct virtnet_info *vi)
{
	struct sk_buff *skb;

	for (unsigned int i = 0; i < vi->max_queue_pairs; i++) {
		while ((skb = virtqueue_detach_unused_buf(vi->rq[i].vq)))
			consume_skb(skb); /* an empty receive buffer */
		while ((skb = virtqueue_detach_unused_buf(vi->sq[i].vq)))
			kfree_skb(skb); /* a frame that was never sent */
		vi->rq[i].rx_posted = 0;
	}
	if (vi->cvq)
		while (virtqueue_detach_unused_buf(vi->cvq))
			; /* a command that timed out: vi->ctrl, freed with vi */
}

/*
 * The pairs' state, each with its NAPI instance and refill timer (3.10's
 * virtnet_alloc_queues).  All or nothing: on failure nothing is left for
 * virtnet_free_queues to undo (no NAPI instance was added).
 */
static int virtnet_alloc_queues(struct virtnet_info *vi)
{
	vi->rq = kcalloc(vi->max_queue_pairs, sizeof(*vi->rq), GFP_KERNEL);
	if (!vi->rq)
		return -ENOMEM;
	vi->sq = kcalloc(vi->max_queue_pairs, sizeof(*vi->sq), GFP_KERNEL);
	if (!vi->sq)
		goto free_rq;
	for (unsigned int i = 0; i < vi->max_queue_pairs; i++) {
		struct receive_queue *rq = &vi->rq[i];

		snprintf(rq->name, sizeof(rq->name), "input.%u", i);
		snprintf(vi->sq[i].name, sizeof(vi->sq[i].name), "output.%u", i);
		timer_setup(&rq->refill_timer, virtnet_refill_timer, 0);
		timer_setup(&vi->sq[i].reclaim_timer, virtnet_tx_reclaim_timer, 0);
		netif_napi_add(vi->dev, &rq->napi, virtnet_poll);
	}
	return 0;

free_rq:
	kfree(vi->rq);
	vi->rq = NULL;
	return -ENOMEM;
}

/* Undo a successful virtnet_alloc_queues: every pair had its NAPI instance added. */
static void virtnet_free_queues(struct virtnet_info *vi)
{
	for (unsigned int i = 0; i < vi->max_queue_pairs; i++)
		netif_napi_del(&vi->rq[i].napi);
	kfree(vi->rq);
	kfree(vi->sq);
}

/* Undo virtnet_alloc; the device is unregistered (or never was). */
static void virtnet_free(struct virtnet_info *vi)
{
	virtnet_free_queues(vi);
	kfree(vi->ctrl);
	vi->vdev->priv = NULL;
	free_netdev(vi->dev);
}

static struct virtnet_info *virtnet_alloc(struct virtio_device *vdev)
{
	u16 dev_pairs = virtnet_dev_queue_pairs(vdev); /* the one read of max_virtqueue_pairs */
	u16 pairs = virtnet_pick_queue_pairs(dev_pairs);
	struct net_device *dev = alloc_etherdev_mqs(sizeof(struct virtnet_info), pairs, pairs);
	struct virtnet_info *vi;

	if (!dev)
		return NULL;
	vi = netdev_priv(dev);
	vi->vdev = vdev;
	vi->dev = dev;
	vdev->priv = vi; /* before the queues: their callbacks look here */
	vi->dev_queue_pairs = dev_pairs;
	vi->max_queue_pairs = pairs;
	vi->curr_queue_pairs = 1; /* 5.1.6.5.5: what the device uses until told otherwise */
	if (dev_pairs > 1)
		vi->cvq_index = 2 * dev_pairs; /* 5.1.2: controlq after the device's pairs */
	mutex_init(&vi->ctrl_lock);
	INIT_LIST_HEAD(&vi->node);
	dev->netdev_ops = &virtnet_ops;
	virtnet_set_layout(vi);
	virtnet_read_mac(vi);
	if (virtnet_alloc_queues(vi))
		goto free_dev;
	if (vi->cvq_index && !(vi->ctrl = kzalloc(sizeof(*vi->ctrl), GFP_KERNEL)))
		goto free_queues;
	return vi;

free_queues:
	virtnet_free_queues(vi);
free_dev:
	vdev->priv = NULL;
	free_netdev(dev);
	return NULL;
}

/*
 * The boot line; the queue pairs only on a multiqueue device (one pair
 * reads as before).  RX buffers: posted over every pair in use.
 */
static void virtnet_announce(struct virtnet_info *vi)
{
	unsigned int rx = 0;
	char pairs[40] = "";

	for (unsigned int i = 0; i < vi->curr_queue_pairs; i++)
		rx += READ_ONCE(vi->rq[i].rx_posted); /* a poll may be running: a log line */
	if (vi->cvq)
		snprintf(pairs, sizeof(pairs), ", %u queue pair%s (of %u)", vi->curr_queue_pairs,
			 vi->curr_queue_pairs == 1 ? "" : "s", vi->dev_queue_pairs);
	pr_info("%s: virtio-net on %s, MAC " MAC_FMT ", %u-byte header, %u RX buffers of %u "
		"bytes%s, link %s\n",
		vi->dev->name, vi->vdev->name, MAC_ARG(vi->dev->dev_addr), vi->hdr_len, rx,
		vi->rx_buf_len, pairs, netif_carrier_ok(vi->dev) ? "up" : "down");
}

static int virtnet_probe(struct virtio_device *vdev)
{
	struct virtnet_info *vi = virtnet_alloc(vdev);
	int err;

	if (!vi)
		return -ENOMEM;
	err = virtnet_find_vqs(vi);
	if (err)
		goto free;
	/*
	 * 3.1.1 step 8 before registering: register_netdev opens the device,
	 * which fills and kicks the receive queues, and no notification may
	 * reach the device before DRIVER_OK.  The control queue needs it too.
	 */
	virtio_device_ready(vdev);
	err = virtnet_set_queue_pairs(vi); /* curr_queue_pairs, the stack's queues, vectors, XPS */
	if (err)
		goto reset;	 /* the device did not answer: the reset takes the command back */
	if (virtnet_link_up(vi)) /* 5.1.5 step 6 */
		netif_carrier_on(vi->dev);
	err = register_netdev(vi->dev);
	if (err)
		goto reset;
	list_add_tail(&vi->node, &virtnet_devices);
	virtnet_announce(vi);
	return 0;

reset:
	virtio_reset_device(vdev);
	virtnet_free_unused(vi);
	virtnet_clean_affinity(vi);
	vdev->config->del_vqs(vdev);
free:
	virtnet_free(vi);
	return err;
}

static void virtnet_remove(struct virtio_device *vdev)
{
	struct virtnet_info *vi = vdev->priv;

	list_del(&vi->node);
	unregister_netdev(vi->dev); /* closed: no poll, no timer running, callbacks off */
	/* The device lets go of every buffer only when reset (2.4); then they are ours to free. */
	virtio_reset_device(vdev);
	virtnet_free_unused(vi);
	virtnet_clean_affinity(vi);
	vdev->config->del_vqs(vdev);
	virtnet_free(vi);
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
		{ "nomq", VIRTIO_NET_F_MQ },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(opts); i++)
		if (strstr(virtnet_options, opts[i].name))
			vdev->features &= ~(1ULL << opts[i].bit);
	virtnet_validate_mq(vdev);
	return 0;
}

static const struct virtio_device_id virtnet_ids[] = { { VIRTIO_ID_NET, VIRTIO_DEV_ANY_ID }, {} };

/* What we understand; the core adds the ring's own (INDIRECT_DESC, EVENT_IDX, VERSION_1). */
/* 3.10 also takes CSUM, GSO, big buffers, RX and VLAN filters; we not yet: docs/linux-3.10.md */
static const unsigned int virtnet_features[] = {
	VIRTIO_NET_F_MAC,    VIRTIO_NET_F_STATUS, VIRTIO_NET_F_MRG_RXBUF,
	VIRTIO_F_ANY_LAYOUT, VIRTIO_NET_F_MQ,	  VIRTIO_NET_F_CTRL_VQ,
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
