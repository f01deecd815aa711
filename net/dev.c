/*
 * SPDX-License-Identifier: MIT
 * net/dev.c - network devices: registration, the receive dispatch, and the
 * transmit path with its per-device backlog.
 *
 * include/net/netdevice.h has the contract and the driver's view; NAPI and
 * the receive backlog are in net/napi.c.  This file's state:
 *
 *   dev_base_head   every registered device, in registration order
 *   tx_sched        transmit queues that were woken, or whose backlog
 *                   grew behind a wake: NET_TX_SOFTIRQ (net_tx_action)
 *                   sends what waits
 *   net_drop_count  drops per reason (net/dropreason.h)
 *
 * Receive (netif_receive_skb) runs in softirq context, from a NAPI poll,
 * on the CPU that polls.  Transmit (dev_queue_xmit) runs in threads and
 * softirqs on any CPU; it disables bottom halves, so the driver's
 * ndo_start_xmit never races a NAPI poll of the same CPU, and takes the
 * queue's _xmit_lock (HARD_TX_LOCK), so it never races a transmit of
 * another CPU on the same queue.  Which queue: netdev_pick_tx (the
 * sending CPU's XPS entry), so on a multiqueue NIC each CPU sends on a
 * queue of its own and takes no other CPU's lock.
 *
 * The locks of this file (include/net/netdevice.h has the whole list):
 *
 *   dev_base_lock   rwlock: dev_base_head, next_ifindex, dev->registered
 *   _xmit_lock      per queue: the driver's transmit; the queue's state
 *                   is atomic bits, read also without it
 *   tx_global_lock  per device: netif_tx_lock against another one
 *   tx_sched_lock   irqsave: tx_sched and each txq->tx_scheduled
 *   tx_backlog.lock the skb queue's own (one per transmit queue)
 *
 * Lock order: dev_base_lock, then tx_global_lock, then _xmit_lock, then
 * tx_sched_lock; the skb queues' own locks are innermost.
 */
#include <errno.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/softirq.h>
#include <kernel/time.h>
#include <kernel/trace.h>
#include <mm/slab.h>
#include <net/arp.h>
#include <net/ethernet.h>
#include <net/ip.h>
#include <net/netdevice.h>
#include <net/netem.h>
#include <stdio.h>
#include <string.h>

#include "net_internal.h"

LIST_HEAD(dev_base_head);
DEFINE_RWLOCK(dev_base_lock);
unsigned long net_drop_count[SKB_DROP_REASON_MAX]; /* atomic adds: every CPU drops */

static int next_ifindex = 1; /* under dev_base_lock (write) */
/* 3.10 queues a qdisc on this CPU's output_queue; we on one locked list: docs/linux-3.10.md */
static LIST_HEAD(tx_sched);	       /* transmit queues for net_tx_action */
static DEFINE_SPINLOCK(tx_sched_lock); /* tx_sched and txq->tx_scheduled; irqsave */

#define TX_QUEUE_LEN_DEFAULT 256

void skb_drop(struct sk_buff *skb, enum skb_drop_reason reason)
{
	if ((unsigned int)reason >= SKB_DROP_REASON_MAX)
		reason = SKB_DROP_REASON_NOT_SPECIFIED;
	__atomic_add_fetch(&net_drop_count[reason], 1, __ATOMIC_RELAXED);
	kfree_skb(skb);
}

/* Bump one device counter; atomic because threads and softirqs both count. */
#define dev_stat_add(dev, field, n) __atomic_add_fetch(&(dev)->stats.field, (n), __ATOMIC_RELAXED)

/* ---- allocation and registration ------------------------------------------ */

/* The transmit queues: each with its lock, free, started (3.10's netif_alloc_netdev_queues). */
static int netif_alloc_netdev_queues(struct net_device *dev, unsigned int count)
{
	dev->_tx = kcalloc(count, sizeof(*dev->_tx), GFP_KERNEL);
	if (!dev->_tx)
		return -ENOMEM;
	dev->num_tx_queues = dev->real_num_tx_queues = count;
	for (unsigned int i = 0; i < count; i++) {
		struct netdev_queue *txq = &dev->_tx[i];

		txq->dev = dev;
		/* One class for every device's queues, as 3.10 for Ethernet. */
		spin_lock_init(&txq->_xmit_lock);
		txq->_xmit_lock.name = "_xmit_ETHER";
		txq->xmit_lock_owner = -1;
		/* 3.10 queues in a qdisc (pfifo_fast); we in a backlog: docs/linux-3.10.md */
		skb_queue_head_init(&txq->tx_backlog);
		INIT_LIST_HEAD(&txq->tx_sched);
	}
	return 0;
}

struct net_device *alloc_netdev(int sizeof_priv, const char *name,
				void (*setup)(struct net_device *))
{
	return alloc_netdev_mqs(sizeof_priv, name, setup, 1, 1);
}

struct net_device *alloc_netdev_mqs(int sizeof_priv, const char *name,
				    void (*setup)(struct net_device *), unsigned int txqs,
				    unsigned int rxqs)
{
	size_t size = ALIGN_UP(sizeof(struct net_device), 16) + (size_t)sizeof_priv;
	struct net_device *dev;

	if (!txqs || !rxqs)
		return NULL;
	dev = kzalloc(size, GFP_KERNEL);
	if (!dev)
		return NULL;
	if (netif_alloc_netdev_queues(dev, txqs)) {
		kfree(dev);
		return NULL;
	}
	snprintf(dev->name, sizeof(dev->name), "%s", name);
	if (sizeof_priv)
		dev->priv = (char *)dev + ALIGN_UP(sizeof(struct net_device), 16);
	INIT_LIST_HEAD(&dev->dev_list);
	INIT_LIST_HEAD(&dev->napi_list);
	spin_lock_init(&dev->tx_global_lock);
	spin_lock_init(&dev->netem_lock);
	dev->tx_queue_len = TX_QUEUE_LEN_DEFAULT;
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		dev->xps_cpu_map[cpu] = -1;
	dev->mtu = ETH_DATA_LEN;
	if (setup)
		setup(dev);
	return dev;
}

void free_netdev(struct net_device *dev)
{
	if (!dev)
		return;
	WARN_ON(dev->registered);
	kfree(dev->_tx);
	kfree(dev);
}

/* Is @name used by a registered device?  Caller holds dev_base_lock. */
static bool __dev_name_taken(const char *name)
{
	struct net_device *d;

	for_each_netdev(d)
		if (!strcmp(d->name, name))
			return true;
	return false;
}

/* Fill in "eth%d" with the lowest free number.  Caller holds dev_base_lock. */
static int __dev_alloc_name(struct net_device *dev)
{
	char pattern[IFNAMSIZ], candidate[IFNAMSIZ + 8];

	if (!strchr(dev->name, '%'))
		return __dev_name_taken(dev->name) ? -EEXIST : 0;
	snprintf(pattern, sizeof(pattern), "%s", dev->name);
	for (int i = 0; i < 100; i++) {
		snprintf(candidate, sizeof(candidate), pattern, i);
		size_t len = strlen(candidate);

		if (len < IFNAMSIZ && !__dev_name_taken(candidate)) {
			memcpy(dev->name, candidate, len + 1);
			return 0;
		}
	}
	return -ENFILE;
}

int register_netdev(struct net_device *dev)
{
	int err;

	if (!dev->netdev_ops || !dev->netdev_ops->ndo_start_xmit || dev->registered)
		return -EINVAL;
	write_lock_bh(&dev_base_lock);
	err = __dev_alloc_name(dev);
	if (!err) {
		dev->ifindex = next_ifindex++;
		list_add_tail(&dev->dev_list, &dev_base_head);
		dev->registered = true;
	}
	write_unlock_bh(&dev_base_lock);
	if (err)
		return err;

	err = dev_open(dev);
	if (err)
		goto err_unlink;
	inet_autoconfig(dev);
	pr_info("net: %s registered, " MAC_FMT ", mtu %u\n", dev->name, MAC_ARG(dev->dev_addr),
		dev->mtu);
	return 0;

err_unlink:
	write_lock_bh(&dev_base_lock);
	list_del_init(&dev->dev_list);
	dev->registered = false;
	write_unlock_bh(&dev_base_lock);
	return err;
}

void unregister_netdev(struct net_device *dev)
{
	if (WARN_ON(!dev->registered))
		return;
	dev_close(dev);
	netem_off(dev, NETEM_BOTH); /* its state freed (the queue was emptied by dev_close) */
	backlog_purge_dev(dev);
	arp_cache_flush(dev);
	inet_addr_set(dev, 0, 0);
	write_lock_bh(&dev_base_lock);
	list_del_init(&dev->dev_list);
	dev->registered = false;
	rt_cache_flush(); /* no cached route may name it: it is freed next */
	write_unlock_bh(&dev_base_lock);
	pr_info("net: %s unregistered\n", dev->name);
}

int dev_open(struct net_device *dev)
{
	int err;

	if (netif_running(dev))
		return 0;
	/* The driver's ndo_open enables its NAPI (napi_enable), as in Linux. */
	if (dev->netdev_ops->ndo_open) {
		err = dev->netdev_ops->ndo_open(dev);
		if (err)
			return err;
	}
	__atomic_fetch_or(&dev->flags, IFF_UP, __ATOMIC_RELEASE);
	rt_cache_flush(); /* routes may go out through it now */
	return 0;
}

/*
 * Take @txq off the NET_TX_SOFTIRQ list, and wait while a CPU's
 * net_tx_action is still draining it (3.10's dev_deactivate waits for busy
 * qdiscs the same way).  IFF_UP is clear, so it is not put back.  Thread.
 */
static void dev_tx_unschedule(struct netdev_queue *txq)
{
	unsigned long flags;
	bool draining;

	for (;;) {
		spin_lock_irqsave(&tx_sched_lock, flags);
		draining = txq->tx_scheduled && list_empty(&txq->tx_sched);
		if (!draining) {
			list_del_init(&txq->tx_sched);
			txq->tx_scheduled = false;
		}
		spin_unlock_irqrestore(&tx_sched_lock, flags);
		if (!draining)
			return;
		msleep(1);
	}
}

/*
 * Wait until no CPU is in @dev's ndo_start_xmit: take and drop each
 * queue's lock.  A transmit that starts later sees IFF_UP clear under the
 * lock and drops its packet (3.10's dev_deactivate waits the same way for
 * busy qdiscs).
 */
static void dev_tx_quiesce(struct net_device *dev)
{
	local_bh_disable();
	for (unsigned int i = 0; i < dev->num_tx_queues; i++) {
		struct netdev_queue *txq = netdev_get_tx_queue(dev, i);

		HARD_TX_LOCK(dev, txq, smp_processor_id());
		HARD_TX_UNLOCK(dev, txq);
	}
	local_bh_enable();
}

void dev_close(struct net_device *dev)
{
	if (!netif_running(dev))
		return;
	/* No new transmits from here on, and none still in the driver on another CPU. */
	__atomic_fetch_and(&dev->flags, ~IFF_UP, __ATOMIC_RELEASE);
	rt_cache_flush(); /* no cached route goes out through it any more */
	dev_tx_quiesce(dev);
	/* The driver's ndo_stop disables its NAPI (napi_disable): no poll runs after it. */
	if (dev->netdev_ops->ndo_stop)
		dev->netdev_ops->ndo_stop(dev);

	for (unsigned int i = 0; i < dev->num_tx_queues; i++) {
		struct netdev_queue *txq = netdev_get_tx_queue(dev, i);

		dev_tx_unschedule(txq);
		skb_queue_purge(&txq->tx_backlog);
	}
	netem_dev_down(dev); /* what waits on its netem queues is dropped */
}

int dev_set_mtu(struct net_device *dev, unsigned int mtu)
{
	/* 3.10 lets lo take any MTU: docs/linux-3.10.md#dev-mtu */
	if (mtu < DEV_MIN_MTU || mtu > dev_max_mtu(dev))
		return -EINVAL;
	WRITE_ONCE(dev->mtu, mtu);
	return 0;
}

struct net_device *dev_get_by_name(const char *name)
{
	struct net_device *d, *found = NULL;

	read_lock_bh(&dev_base_lock);
	for_each_netdev(d) {
		if (!strcmp(d->name, name)) {
			found = d;
			break;
		}
	}
	read_unlock_bh(&dev_base_lock);
	return found;
}

struct net_device *dev_get_by_index(int ifindex)
{
	struct net_device *d, *found = NULL;

	read_lock_bh(&dev_base_lock);
	for_each_netdev(d) {
		if (d->ifindex == ifindex) {
			found = d;
			break;
		}
	}
	read_unlock_bh(&dev_base_lock);
	return found;
}

/* ---- receive ----------------------------------------------------------------- */

/* The protocols above Ethernet (Linux registers these with dev_add_pack). */
static const struct packet_type {
	u16 type; /* ETH_P_*, host order */
	int (*func)(struct sk_buff *skb, struct net_device *dev);
} ptype_base[] = {
	{ ETH_P_ARP, arp_rcv },
	{ ETH_P_IP, ip_rcv },
};

/* Count a frame that arrived, as the wire saw it (link-layer header included). */
static void rx_account(struct net_device *dev, const struct sk_buff *skb)
{
	unsigned int bytes = skb->len;

	if (skb_mac_header_was_set(skb) && skb_mac_header(skb) < skb->data)
		bytes += skb->data - skb_mac_header(skb);
	dev_stat_add(dev, rx_packets, 1);
	dev_stat_add(dev, rx_bytes, bytes);
	if (skb->pkt_type == PACKET_BROADCAST || skb->pkt_type == PACKET_MULTICAST)
		dev_stat_add(dev, multicast, 1);
}

/* The core drops a frame it could not hand to anyone: rx_dropped and the reason. */
static int rx_drop(struct net_device *dev, struct sk_buff *skb, enum skb_drop_reason reason)
{
	dev_stat_add(dev, rx_dropped, 1);
	skb_drop(skb, reason);
	return NET_RX_DROP;
}

/* 3.10 drivers may use napi_gro_receive; we have no GRO: docs/linux-3.10.md */
int netif_receive_skb(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	u16 proto = ntohs(skb->protocol);

	rx_account(dev, skb);
	if (!netif_running(dev))
		return rx_drop(dev, skb, SKB_DROP_REASON_DEV_DOWN);
	if (!proto) { /* eth_type_trans's mark for a runt */
		dev_stat_add(dev, rx_errors, 1);
		dev_stat_add(dev, rx_length_errors, 1);
		skb_drop(skb, SKB_DROP_REASON_PKT_TOO_SMALL);
		return NET_RX_DROP;
	}
	if (skb->pkt_type == PACKET_OTHERHOST) {
		/* Not for us (promiscuous, or a switch flooding): nobody's error. */
		skb_drop(skb, SKB_DROP_REASON_OTHERHOST);
		return NET_RX_DROP;
	}
	skb_reset_network_header(skb);
	skb_reset_mac_len(skb);
	/* netem: one test when off (net/netem.c); 3.10 needs an ifb here: docs/linux-3.10.md */
	if (unlikely(READ_ONCE(dev->netem)))
		return netem_receive(skb);
	return netif_deliver_skb(skb);
}

/* The protocol demux: the rest of netif_receive_skb (netem hands delayed packets here). */
int netif_deliver_skb(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	u16 proto = ntohs(skb->protocol);

	/*
	 * pfmemalloc: Linux's skb_pfmemalloc_protocol() lets reserve memory
	 * reach only the protocols that can lead to a SOCK_MEMALLOC socket
	 * (ARP, IP).  Those are all the handlers here, so a pfmemalloc frame
	 * of any other type is dropped below like any unknown type; the
	 * socket layer (sk_filter) makes the final decision.
	 */
	for (size_t i = 0; i < ARRAY_SIZE(ptype_base); i++)
		if (ptype_base[i].type == proto)
			return ptype_base[i].func(skb, dev);
	return rx_drop(dev, skb,
		       skb->pfmemalloc ? SKB_DROP_REASON_PFMEMALLOC
				       : SKB_DROP_REASON_UNHANDLED_PROTO);
}

/* ---- transmit ---------------------------------------------------------------- */

int dev_hard_header(struct sk_buff *skb, struct net_device *dev, unsigned short type,
		    const void *daddr, const void *saddr, unsigned int len)
{
	/* Loopback frames carry an Ethernet header too, as in Linux, so eth_type_trans works. */
	if (dev->type != ARPHRD_ETHER && dev->type != ARPHRD_LOOPBACK)
		return -EINVAL;
	return eth_header(skb, dev, type, daddr, saddr, len);
}

static void tx_drop(struct net_device *dev, struct sk_buff *skb, enum skb_drop_reason reason)
{
	dev_stat_add(dev, tx_dropped, 1);
	skb_drop(skb, reason);
}

/*
 * Hand @skb to the driver.  Caller holds @txq's _xmit_lock with bottom
 * halves off.  Returns NETDEV_TX_OK (the driver has it) or NETDEV_TX_BUSY
 * (it is still ours, and the queue is stopped).
 */
static netdev_tx_t __dev_xmit_one(struct net_device *dev, struct netdev_queue *txq,
				  struct sk_buff *skb)
{
	unsigned int len = skb->len;
	netdev_tx_t rc;

	trace_skb(TE_DEV_XMIT, skb, 0);
	rc = dev->netdev_ops->ndo_start_xmit(skb, dev);
	if (rc == NETDEV_TX_OK) {
		dev_stat_add(dev, tx_packets, 1);
		dev_stat_add(dev, tx_bytes, len);
		return rc;
	}
	/* The driver's job, but a queue that says BUSY must stay stopped or we would spin. */
	if (WARN_ON_ONCE(!netif_tx_queue_stopped(txq)))
		netif_tx_stop_queue(txq);
	return NETDEV_TX_BUSY;
}

static void netif_schedule_queue(struct netdev_queue *txq);

/*
 * Keep @skb until the queue is woken; the tail of a bounded backlog.
 * Caller holds @txq's _xmit_lock and found it stopped (or packets waiting).
 *
 * A driver may wake the queue without this lock (netif_wake_queue:
 * "Context: any"), after we looked and before @skb is on the backlog; the
 * drain that wake scheduled, or one already running, may then find nothing
 * to send and let the device go.  So look again once @skb is there: a
 * queue no longer stopped is scheduled here.  We enqueue, then look; the
 * waker clears the bit, then schedules: whichever comes second sees what
 * the first did (the barrier here, the waker's locked clear there).
 */
static int __dev_tx_backlog(struct net_device *dev, struct netdev_queue *txq, struct sk_buff *skb)
{
	if (skb_queue_len(&txq->tx_backlog) >= dev->tx_queue_len) {
		tx_drop(dev, skb, SKB_DROP_REASON_TX_QUEUE_FULL);
		return NET_XMIT_DROP;
	}
	skb_queue_tail(&txq->tx_backlog, skb);
	smp_mb(); /* the enqueue, then the queue's state: pairs with the wake's atomic clear */
	if (!netif_xmit_frozen_or_stopped(txq))
		netif_schedule_queue(txq); /* lock order: _xmit_lock, then tx_sched_lock */
	return NET_XMIT_SUCCESS;
}

/*
 * The queue this CPU sends on (3.10's get_xps_queue): its entry in the XPS
 * map if it names a queue in use, else queue 0.  Caller has bottom halves
 * off (we stay on this CPU until the queue's lock is taken).
 */
static u16 netdev_xps_queue(const struct net_device *dev)
{
	int index = READ_ONCE(dev->xps_cpu_map[smp_processor_id()]);

	/* 3.10 falls back to skb_tx_hash (flow hash); we to queue 0: docs/linux-3.10.md */
	if (index < 0 || (unsigned int)index >= READ_ONCE(dev->real_num_tx_queues))
		return 0;
	return (u16)index;
}

/* 3.10's netdev_pick_tx without ndo_select_queue or a socket's cached queue. */
static struct netdev_queue *netdev_pick_tx(struct net_device *dev, struct sk_buff *skb)
{
	u16 index = READ_ONCE(dev->real_num_tx_queues) > 1 ? netdev_xps_queue(dev) : 0;

	skb_set_queue_mapping(skb, index);
	return netdev_get_tx_queue(dev, index);
}

int netif_set_real_num_tx_queues(struct net_device *dev, unsigned int txq)
{
	if (!txq || txq > dev->num_tx_queues)
		return -EINVAL;
	WRITE_ONCE(dev->real_num_tx_queues, txq);
	return 0;
}

int netif_set_xps_queue(struct net_device *dev, unsigned int cpu, int index)
{
	if (cpu >= NR_CPUS || index < -1 || index >= (int)dev->num_tx_queues)
		return -EINVAL;
	WRITE_ONCE(dev->xps_cpu_map[cpu], (s16)index);
	return 0;
}

int dev_queue_xmit(struct sk_buff *skb)
{
	/* netem sits where 3.10's root qdisc would: one test when it is off (net/netem.c). */
	if (unlikely(READ_ONCE(skb->dev->netem)))
		return netem_xmit(skb);
	return __dev_queue_xmit(skb);
}

/* dev_queue_xmit after netem: the driver, or the queue's backlog (netem hands packets here). */
int __dev_queue_xmit(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	int ret = NET_XMIT_SUCCESS;
	struct netdev_queue *txq;

	local_bh_disable(); /* also keeps us on this CPU for xmit_lock_owner */
	txq = netdev_pick_tx(dev, skb);
	HARD_TX_LOCK(dev, txq, smp_processor_id());
	/* Under the lock: dev_close clears IFF_UP, then waits for this lock. */
	if (!netif_running(dev)) {
		tx_drop(dev, skb, SKB_DROP_REASON_DEV_DOWN);
		ret = NET_XMIT_DROP;
	} else if (netif_xmit_frozen_or_stopped(txq) || !skb_queue_empty(&txq->tx_backlog)) {
		/* Behind packets that already wait, so the order on the wire is kept. */
		ret = __dev_tx_backlog(dev, txq, skb);
	} else if (__dev_xmit_one(dev, txq, skb) == NETDEV_TX_BUSY) {
		ret = __dev_tx_backlog(dev, txq, skb);
	}
	HARD_TX_UNLOCK(dev, txq);
	local_bh_enable(); /* runs the softirqs a loopback transmit raised */
	return ret;
}

/* Send what waits on @txq's backlog while the driver takes it.  Softirq context. */
static void dev_tx_drain(struct netdev_queue *txq)
{
	struct net_device *dev = txq->dev;
	struct sk_buff *skb;

	HARD_TX_LOCK(dev, txq, smp_processor_id());
	while (netif_running(dev) && !netif_xmit_frozen_or_stopped(txq)) {
		skb = skb_dequeue(&txq->tx_backlog);
		if (!skb)
			break;
		if (__dev_xmit_one(dev, txq, skb) == NETDEV_TX_BUSY) {
			skb_queue_head(&txq->tx_backlog, skb);
			break;
		}
	}
	HARD_TX_UNLOCK(dev, txq);
}

/*
 * NET_TX_SOFTIRQ: every woken queue sends its backlog.  A queue taken off
 * the list keeps tx_scheduled while it is drained: a wake meanwhile does
 * not queue it twice, and dev_close waits for the drain to end (so the
 * device is not freed under it).  Afterwards it goes back on the list if
 * packets still wait and the queue takes them; else it is let go.
 */
static void net_tx_action(void)
{
	struct netdev_queue *txq;
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&tx_sched_lock, flags);
		if (list_empty(&tx_sched)) {
			spin_unlock_irqrestore(&tx_sched_lock, flags);
			return;
		}
		txq = list_first_entry(&tx_sched, struct netdev_queue, tx_sched);
		list_del_init(&txq->tx_sched);
		spin_unlock_irqrestore(&tx_sched_lock, flags);

		dev_tx_drain(txq);

		spin_lock_irqsave(&tx_sched_lock, flags);
		if (netif_running(txq->dev) && !skb_queue_empty(&txq->tx_backlog) &&
		    !netif_xmit_frozen_or_stopped(txq))
			list_add_tail(&txq->tx_sched, &tx_sched); /* woken while we drained */
		else
			txq->tx_scheduled = false; /* the last touch: dev_close waits for it */
		spin_unlock_irqrestore(&tx_sched_lock, flags);
	}
}

/*
 * Let NET_TX_SOFTIRQ send @txq's backlog (3.10's __netif_schedule).  Even
 * when the backlog looks empty, as 3.10: a sender holding _xmit_lock may be
 * about to add to it, and the drain takes that lock after it.  Any context.
 */
static void netif_schedule_queue(struct netdev_queue *txq)
{
	unsigned long flags;

	spin_lock_irqsave(&tx_sched_lock, flags);
	if (!txq->tx_scheduled && netif_running(txq->dev)) {
		txq->tx_scheduled = true;
		list_add_tail(&txq->tx_sched, &tx_sched);
		raise_softirq_irqoff(NET_TX_SOFTIRQ);
	}
	spin_unlock_irqrestore(&tx_sched_lock, flags);
}

void netif_tx_wake_queue(struct netdev_queue *txq)
{
	netif_tx_start_queue(txq);
	netif_schedule_queue(txq);
}

void netif_tx_lock_bh(struct net_device *dev)
{
	int cpu;

	local_bh_disable();
	cpu = smp_processor_id();
	spin_lock(&dev->tx_global_lock);
	for (unsigned int i = 0; i < dev->num_tx_queues; i++) {
		struct netdev_queue *txq = netdev_get_tx_queue(dev, i);

		/* One queue lock at a time: a transmit in progress leaves, the next sees FROZEN. */
		__netif_tx_lock(txq, cpu);
		__atomic_fetch_or(&txq->state, 1UL << __QUEUE_STATE_FROZEN, __ATOMIC_RELAXED);
		__netif_tx_unlock(txq);
	}
}

void netif_tx_unlock_bh(struct net_device *dev)
{
	for (unsigned int i = 0; i < dev->num_tx_queues; i++) {
		struct netdev_queue *txq = netdev_get_tx_queue(dev, i);

		__atomic_fetch_and(&txq->state, ~(1UL << __QUEUE_STATE_FROZEN), __ATOMIC_RELAXED);
	}
	spin_unlock(&dev->tx_global_lock);
	for (unsigned int i = 0; i < dev->num_tx_queues; i++)
		netif_schedule_queue(netdev_get_tx_queue(dev, i)); /* what waited while frozen */
	local_bh_enable();
}

void netif_tx_disable(struct net_device *dev)
{
	int cpu;

	local_bh_disable();
	cpu = smp_processor_id();
	for (unsigned int i = 0; i < dev->num_tx_queues; i++) {
		struct netdev_queue *txq = netdev_get_tx_queue(dev, i);

		__netif_tx_lock(txq, cpu);
		netif_tx_stop_queue(txq);
		__netif_tx_unlock(txq);
	}
	local_bh_enable();
}

void net_dev_init(void)
{
	open_softirq(NET_TX_SOFTIRQ, net_tx_action);
	napi_core_init();
}
