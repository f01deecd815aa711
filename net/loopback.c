/*
 * SPDX-License-Identifier: MIT
 * net/loopback.c - the loopback device and the test NIC (net/loopback.h).
 *
 * Both are drivers in miniature.  lo shows the smallest possible one: its
 * transmit is a receive.  The test NIC shows the shape every NAPI driver
 * has - the RX "ring" is a queue the test fills, the TX "ring" a queue the
 * test empties - so the tests exercise the same calls virtio-net makes.
 */
#include <errno.h>
#include <kernel/init.h>
#include <kernel/spinlock.h>
#include <mm/slab.h>
#include <net/ethernet.h>
#include <net/arp.h>
#include <net/ip.h>
#include <net/loopback.h>
#include <net/netdevice.h>
#include <string.h>

struct net_device *loopback_dev;

/* ---- lo ---------------------------------------------------------------------- */

static netdev_tx_t loopback_xmit(struct sk_buff *skb, struct net_device *dev)
{
	/* The sender's claim on the memory ends here; the receiver's begins. */
	skb_orphan(skb);
	skb->protocol = eth_type_trans(skb, dev);
	/* Not processed now: we are inside dev_queue_xmit, bottom halves off. */
	netif_rx(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops loopback_ops = {
	.ndo_start_xmit = loopback_xmit,
};

static void loopback_setup(struct net_device *dev)
{
	dev->type = ARPHRD_LOOPBACK;
	dev->hard_header_len = ETH_HLEN;
	dev->addr_len = ETH_ALEN; /* all zero: eth_type_trans sees PACKET_HOST */
	dev->mtu = 65536;	  /* Linux's: any IP datagram fits */
	dev->flags = IFF_LOOPBACK | IFF_NOARP | IFF_RUNNING;
	dev->netdev_ops = &loopback_ops;
}

int loopback_init(void)
{
	struct net_device *dev;
	int err;

	dev = alloc_netdev(0, "lo", loopback_setup);
	if (!dev)
		return -ENOMEM;
	err = register_netdev(dev);
	if (err) {
		free_netdev(dev);
		return err;
	}
	loopback_dev = dev;
	rt_cache_flush(); /* our own addresses route through it now */
	return 0;
}
/* 3.10 registers lo in net_dev_init (subsys); we after inet_init: docs/linux-3.10.md */
fs_initcall(loopback_init);

/* ---- the test NIC ------------------------------------------------------------------ */

struct tnic_priv {
	struct napi_struct napi;
	struct sk_buff_head rxq; /* injected, waiting for the poll */
	struct sk_buff_head txq; /* transmitted, waiting for the test */
	bool busy;		 /* the "TX ring" is full */
	int polling;		 /* polls running now (atomic): more than one is a NAPI bug */
	unsigned long overlaps;	 /* polls that found another one running */
};

static int tnic_poll(struct napi_struct *napi, int budget)
{
	struct net_device *dev = napi->dev;
	struct tnic_priv *tp = netdev_priv(dev);
	unsigned long flags;
	int work = 0;

	/* NAPI_STATE_SCHED lets one CPU poll at a time; count it if not (test_net_smp.c). */
	if (__atomic_fetch_add(&tp->polling, 1, __ATOMIC_ACQ_REL))
		__atomic_add_fetch(&tp->overlaps, 1, __ATOMIC_RELAXED);
	while (work < budget) {
		struct sk_buff *skb;

		/* Empty-then-complete with interrupts off: see process_backlog in net/napi.c. */
		spin_lock_irqsave(&tp->rxq.lock, flags);
		skb = __skb_dequeue(&tp->rxq);
		if (!skb) {
			/* Out before SCHED is let go: from then on a poll may start on any CPU. */
			__atomic_sub_fetch(&tp->polling, 1, __ATOMIC_ACQ_REL);
			napi_complete_done(napi, work);
			spin_unlock_irqrestore(&tp->rxq.lock, flags);
			return work;
		}
		spin_unlock_irqrestore(&tp->rxq.lock, flags);
		skb->protocol = eth_type_trans(skb, dev);
		netif_receive_skb(skb);
		work++;
	}
	/* The whole budget: SCHED stays ours until net_rx_action polls again or completes. */
	__atomic_sub_fetch(&tp->polling, 1, __ATOMIC_ACQ_REL);
	return work;
}

static netdev_tx_t tnic_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct tnic_priv *tp = netdev_priv(dev);

	if (tp->busy) {
		netif_stop_queue(dev);
		return NETDEV_TX_BUSY;
	}
	skb_orphan(skb);
	skb_queue_tail(&tp->txq, skb);
	return NETDEV_TX_OK;
}

static int tnic_open(struct net_device *dev)
{
	struct tnic_priv *tp = netdev_priv(dev);

	napi_enable(&tp->napi);
	netif_start_queue(dev);
	netif_carrier_on(dev);
	return 0;
}

static int tnic_stop(struct net_device *dev)
{
	struct tnic_priv *tp = netdev_priv(dev);

	netif_carrier_off(dev);
	napi_disable(&tp->napi);
	skb_queue_purge(&tp->rxq);
	return 0;
}

static const struct net_device_ops tnic_ops = {
	.ndo_open = tnic_open,
	.ndo_stop = tnic_stop,
	.ndo_start_xmit = tnic_xmit,
};

struct net_device *tnic_create(const u8 *mac)
{
	struct net_device *dev = alloc_etherdev(sizeof(struct tnic_priv));
	struct tnic_priv *tp;

	if (!dev)
		return NULL;
	strcpy(dev->name, "tnic%d");
	memcpy(dev->dev_addr, mac, ETH_ALEN);
	dev->netdev_ops = &tnic_ops;
	tp = netdev_priv(dev);
	skb_queue_head_init(&tp->rxq);
	skb_queue_head_init(&tp->txq);
	netif_napi_add(dev, &tp->napi, tnic_poll);
	if (register_netdev(dev)) {
		netif_napi_del(&tp->napi);
		free_netdev(dev);
		return NULL;
	}
	return dev;
}

void tnic_destroy(struct net_device *dev)
{
	struct tnic_priv *tp = netdev_priv(dev);

	unregister_netdev(dev);
	netif_napi_del(&tp->napi);
	skb_queue_purge(&tp->txq);
	free_netdev(dev);
}

void tnic_inject_skb(struct net_device *dev, struct sk_buff *skb)
{
	struct tnic_priv *tp = netdev_priv(dev);

	skb_queue_tail(&tp->rxq, skb);
	/* What an RX interrupt handler does; the softirq runs at local_bh_enable. */
	local_bh_disable();
	napi_schedule(&tp->napi);
	local_bh_enable();
}

int tnic_inject(struct net_device *dev, const void *frame, unsigned int len)
{
	struct sk_buff *skb = netdev_alloc_skb(dev, len);

	if (!skb) {
		__atomic_add_fetch(&dev->stats.rx_missed_errors, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&dev->stats.rx_errors, 1, __ATOMIC_RELAXED);
		return -ENOMEM;
	}
	skb_put_data(skb, frame, len);
	tnic_inject_skb(dev, skb);
	return 0;
}

struct sk_buff *tnic_tx_pop(struct net_device *dev)
{
	struct tnic_priv *tp = netdev_priv(dev);

	return skb_dequeue(&tp->txq);
}

unsigned int tnic_tx_count(struct net_device *dev)
{
	struct tnic_priv *tp = netdev_priv(dev);

	return skb_queue_len(&tp->txq);
}

void tnic_tx_purge(struct net_device *dev)
{
	struct tnic_priv *tp = netdev_priv(dev);

	skb_queue_purge(&tp->txq);
}

void tnic_set_busy(struct net_device *dev, bool busy)
{
	struct tnic_priv *tp = netdev_priv(dev);

	tp->busy = busy;
	if (!busy) {
		local_bh_disable();
		netif_wake_queue(dev);
		local_bh_enable();
	}
}

unsigned long tnic_poll_overlaps(struct net_device *dev)
{
	struct tnic_priv *tp = netdev_priv(dev);

	return __atomic_load_n(&tp->overlaps, __ATOMIC_RELAXED);
}
