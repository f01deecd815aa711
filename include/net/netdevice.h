/*
 * SPDX-License-Identifier: MIT
 * net/netdevice.h - network devices: what a driver registers, how packets
 * get in (NAPI, netif_rx) and out (dev_queue_xmit), and the counters.
 *
 * A driver's life, as in Linux:
 *
 *   dev = alloc_etherdev(sizeof(struct my_priv));   zeroed, priv behind it
 *   dev->netdev_ops = &my_ops;  memcpy(dev->dev_addr, mac, ETH_ALEN);
 *   netif_napi_add(dev, &priv->napi, my_poll);
 *   register_netdev(dev);        named eth0, eth1...; opened: ndo_open runs
 *                                (fill the RX ring, napi_enable, netif_start_queue,
 *                                netif_carrier_on, unmask interrupts)
 *   ...
 *   unregister_netdev(dev);      ndo_stop runs (mask, napi_disable, free the
 *                                rings), unlinked, its packets dropped
 *   netif_napi_del(&priv->napi);
 *   free_netdev(dev);
 *
 * Receive, NAPI style (Linux's "New API"):
 *
 *   IRQ handler:   mask the device's RX interrupt; napi_schedule(&napi)
 *   NET_RX_SOFTIRQ (net_rx_action, in net/dev.c) calls my_poll(napi, budget):
 *       for up to budget packets:
 *           skb->protocol = eth_type_trans(skb, dev);
 *           netif_receive_skb(skb);            up the stack, synchronously
 *       refill the RX ring (netdev_alloc_skb, GFP_ATOMIC)
 *       if fewer than budget: napi_complete_done(napi, done); unmask the IRQ
 *       return done;
 *
 * A poll that used its whole budget stays scheduled and runs again after
 * the other devices had their turn; net_rx_action gives all devices
 * together at most netdev_budget packets per softirq run, then leaves the
 * rest to a later run (ksoftirqd if it keeps coming), so a flood cannot
 * starve the threads.  Devices without NAPI (loopback) call netif_rx(),
 * which queues on a backlog that a built-in NAPI instance drains.
 *
 * Transmit: the stack calls dev_queue_xmit(skb) with skb->dev set and the
 * link-layer header built (dev_hard_header).  With bottom halves off and
 * the transmit queue's _xmit_lock held (HARD_TX_LOCK: one CPU at a time
 * in the driver per queue), it calls ndo_start_xmit(skb, dev), which
 * returns NETDEV_TX_OK (the skb is the driver's now: free it when the
 * hardware is done) or NETDEV_TX_BUSY (ring full: the skb is still the
 * caller's; the driver must also netif_stop_queue()).  While the queue is
 * stopped, packets wait in a small backlog of that queue (tx_queue_len) and
 * go out from NET_TX_SOFTIRQ after the driver's netif_wake_queue(); past
 * that they are dropped (TX_QUEUE_FULL).
 *
 * Several transmit queues (a multiqueue NIC: alloc_etherdev_mqs): the
 * stack picks one per packet (netdev_pick_tx: the sending CPU's entry in
 * dev->xps_cpu_map, set by netif_set_xps_queue, else queue 0) and records
 * it in skb->queue_mapping; the driver sends on that ring and stops or
 * wakes that queue alone (netif_stop_subqueue, netif_wake_subqueue).
 *
 *   CPU 0 --xps_cpu_map[0]=0--> _tx[0] (_xmit_lock, tx_backlog) --> ring 0
 *   CPU 1 --xps_cpu_map[1]=1--> _tx[1] (_xmit_lock, tx_backlog) --> ring 1
 *   CPU 2 --xps_cpu_map[2]=0--> _tx[0]       (more CPUs than queues: shared)
 *
 * Counters, as `ip -s link` shows them.  The core counts rx_packets/bytes
 * (in netif_receive_skb: the frame as it arrived, Ethernet header
 * included), tx_packets/bytes (when ndo_start_xmit accepts), rx_dropped
 * (frames the core drops: unknown EtherTypes, full backlog, device down),
 * rx_errors + rx_length_errors (runts), tx_dropped.  Drivers count only
 * what the hardware reports: rx_errors and its kinds, rx_missed_errors
 * (no buffer for a frame), tx_errors.
 * Protocol drops (a bad IP checksum) are not device drops: they are counted
 * per reason (net/dropreason.h) and in the protocol MIBs.
 *
 * Locking, as 3.10 (docs/network.md, "The stack on many CPUs", draws it):
 *
 *   dev_base_lock        rwlock: the device list and the devices' IPv4
 *                        addresses.  Writers (register, unregister, an
 *                        address set) write_lock_bh; lookups from threads
 *                        and softirqs read_lock_bh, in parallel.
 *   txq->_xmit_lock      spinlock, bottom halves off: one CPU at a time in
 *                        the driver's ndo_start_xmit for that queue
 *                        (HARD_TX_LOCK); xmit_lock_owner says which CPU.
 *                        netif_tx_lock_bh(dev) takes tx_global_lock and
 *                        freezes every queue under its _xmit_lock, to keep
 *                        all transmits out.
 *   tx_sched_lock        irqsave (net/dev.c): the queues NET_TX_SOFTIRQ
 *                        drains.
 *   txq->tx_backlog.lock the stopped queue's backlog (our qdisc), innermost.
 *   xps_cpu_map          written before the device is registered (the
 *                        driver's probe), read locklessly by senders.
 *   softnet_data         per CPU, interrupts off (net/napi.c).
 *   counters             dev->stats fields are updated with atomic adds
 *                        (3.10 counts the core's drops in atomic_long_t
 *                        rx_dropped and drivers' in per-CPU stats).
 *
 * Devices are not reference counted: unregister_netdev() first closes the
 * device (IFF_UP cleared, then every queue's _xmit_lock taken once, so no
 * CPU is still in ndo_start_xmit; a NET_TX_SOFTIRQ drain waited for; its
 * NAPI disabled: no poll on any CPU), drops every packet that still points
 * at it (every CPU's backlog, by IPI; ARP queues), so nothing in the stack
 * holds a pointer to it afterwards.
 */
#ifndef NET_NETDEVICE_H
#define NET_NETDEVICE_H

#include <kernel/list.h>
#include <kernel/percpu.h>
#include <kernel/rwlock.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>
#include <net/byteorder.h>
#include <net/dropreason.h>
#include <net/skbuff.h>

#define IFNAMSIZ     16
#define MAX_ADDR_LEN 32
/* Headroom every transmitted skb gets: Ethernet + IPv4 + UDP or ICMP, rounded up. */
#define MAX_HEADER   64

/* dev->flags, Linux's values (linux/if.h). */
#define IFF_UP	      0x1 /* administratively up: dev_open() succeeded */
#define IFF_BROADCAST 0x2
#define IFF_LOOPBACK  0x8
#define IFF_RUNNING   0x40 /* carrier on (netif_carrier_on) */
#define IFF_NOARP     0x80 /* no neighbour resolution (loopback) */

/* netif_receive_skb / netif_rx results. */
#define NET_RX_SUCCESS 0
#define NET_RX_DROP    1

/* ndo_start_xmit results. */
enum netdev_tx {
	NETDEV_TX_OK = 0x00,   /* taken: the driver owns the skb */
	NETDEV_TX_BUSY = 0x10, /* ring full: the caller still owns it */
};
typedef enum netdev_tx netdev_tx_t;

struct net_device;
struct napi_struct;
struct netem_sched;

/* txq->state bits (3.10's; atomic bit operations). */
enum netdev_queue_state_t {
	__QUEUE_STATE_DRV_XOFF, /* the driver stopped it: ring full (netif_tx_stop_queue) */
	__QUEUE_STATE_FROZEN,	/* netif_tx_lock holds the device: no transmits */
};

/*
 * struct netdev_queue - one transmit queue of a device (3.10's, the
 * fields used here).  A single-queue device has one (dev->_tx[0]); the
 * netif_*_queue(dev) calls act on it, the netif_*_subqueue(dev, i) calls
 * on queue i.
 */
struct netdev_queue {
	struct net_device *dev;
	spinlock_t _xmit_lock; /* one CPU at a time in ndo_start_xmit for this queue */
	int xmit_lock_owner;   /* the CPU holding _xmit_lock, -1: none (under it) */
	unsigned long state;   /* 1 << __QUEUE_STATE_* */
	/* 3.10 has a qdisc per queue; we a bounded backlog per queue: docs/linux-3.10.md */
	struct sk_buff_head tx_backlog; /* waiting while the queue is stopped */
	struct list_head tx_sched;	/* on the list NET_TX_SOFTIRQ drains */
	bool tx_scheduled;		/* on that list or being drained (tx_sched_lock) */
};

/* What `ip -s link` prints; Linux's struct rtnl_link_stats64 subset. */
struct net_device_stats {
	unsigned long rx_packets;
	unsigned long tx_packets;
	unsigned long rx_bytes;
	unsigned long tx_bytes;
	unsigned long rx_errors; /* bad frames: sum of the kinds below */
	unsigned long tx_errors;
	unsigned long rx_dropped; /* good frames the core dropped */
	unsigned long tx_dropped;
	unsigned long multicast; /* multicast and broadcast frames received */
	unsigned long collisions;
	unsigned long rx_length_errors; /* runts and giants */
	unsigned long rx_over_errors;
	unsigned long rx_crc_errors;
	unsigned long rx_frame_errors;
	unsigned long rx_fifo_errors;
	unsigned long rx_missed_errors; /* no buffer for a frame */
	unsigned long tx_aborted_errors;
	unsigned long tx_carrier_errors;
	unsigned long tx_fifo_errors;
};

/* What a driver implements; the unused ones may be NULL.  Linux's names. */
struct net_device_ops {
	/* Start the hardware: rings filled, interrupts on.  0 or -errno.  Context: thread. */
	int (*ndo_open)(struct net_device *dev);
	/* Stop it: no more interrupts, rings drained and freed.  Context: thread. */
	int (*ndo_stop)(struct net_device *dev);
	/* Send one frame (see above).  Context: bottom halves off, tx lock held. */
	netdev_tx_t (*ndo_start_xmit)(struct sk_buff *skb, struct net_device *dev);
};

/* A device's IPv4 configuration (Linux keeps it in struct in_device behind dev->ip_ptr). */
struct in_device {
	__be32 ifa_local; /* our address; 0: none */
	__be32 ifa_mask;
	__be32 ifa_broadcast; /* the subnet's directed broadcast */
	u8 ifa_prefixlen;
};

struct net_device {
	char name[IFNAMSIZ];		/* "eth0"; a "%d" in it is filled at registration */
	int ifindex;			/* 1, 2, ... by registration order */
	unsigned int flags;		/* IFF_* */
	unsigned int mtu;		/* largest L3 packet, bytes (1500) */
	unsigned short type;		/* ARPHRD_ETHER, ARPHRD_LOOPBACK */
	unsigned short hard_header_len; /* link-layer header bytes (ETH_HLEN) */
	u8 addr_len;			/* ETH_ALEN */
	u8 dev_addr[MAX_ADDR_LEN];	/* our hardware address */
	u8 broadcast[MAX_ADDR_LEN];
	const struct net_device_ops *netdev_ops;
	struct net_device_stats stats;
	struct in_device ip4;

	/* core state; drivers do not touch */
	struct list_head dev_list;	 /* on the list of all devices (dev_base_lock) */
	struct list_head napi_list;	 /* this device's NAPI instances (threads only) */
	bool registered;		 /* under dev_base_lock */
	struct netdev_queue *_tx;	 /* num_tx_queues transmit queues */
	unsigned int num_tx_queues;	 /* allocated (alloc_netdev_mqs) */
	unsigned int real_num_tx_queues; /* in use (netif_set_real_num_tx_queues) */
	spinlock_t tx_global_lock;	 /* netif_tx_lock: before every _xmit_lock */
	unsigned int tx_queue_len;	 /* bound of each queue's tx_backlog */
	/* 3.10 keeps an XPS map of CPU masks per queue; we a queue per CPU: docs/linux-3.10.md */
	s16 xps_cpu_map[NR_CPUS];  /* CPU -> transmit queue, -1: none (netdev_pick_tx) */
	void *priv;		   /* the driver's, from alloc_netdev */
	struct netem_sched *netem; /* net/netem.c's state; NULL: off (one test per packet) */
	spinlock_t netem_lock;	   /* dev->netem and what it points to; bottom halves off */
};

/* netdev_priv - the driver's private area (sizeof_priv bytes, zeroed). */
static inline void *netdev_priv(const struct net_device *dev)
{
	return dev->priv;
}

/* ---- allocation and registration ---------------------------------------- */

/*
 * alloc_netdev - a zeroed net_device with @sizeof_priv bytes of private
 * data after it, named after @name ("eth%d": the %d is filled at
 * registration), set up by @setup (ether_setup for Ethernet).  3.10's
 * three arguments (3.17 added a name_assign_type).  Returns NULL without
 * memory.  Context: thread, may sleep.
 */
struct net_device *alloc_netdev(int sizeof_priv, const char *name,
				void (*setup)(struct net_device *));

/*
 * alloc_netdev_mqs - alloc_netdev with @txqs transmit queues (at least 1)
 * and @rxqs receive queues (3.10's; only the count is kept).  Returns NULL
 * without memory or for a count of 0.  Context: thread, may sleep.
 */
struct net_device *alloc_netdev_mqs(int sizeof_priv, const char *name,
				    void (*setup)(struct net_device *), unsigned int txqs,
				    unsigned int rxqs);

/* free_netdev - free what alloc_netdev gave (after unregister_netdev, or if never registered). */
void free_netdev(struct net_device *dev);

/*
 * register_netdev - make @dev known: fill in its name and ifindex, put it
 * on the device list, and open it (dev_open), so it is up when this
 * returns.  The IPv4 address from the command line (ip=) is given to the
 * device named by ip.dev= (eth0).  Returns 0, -EEXIST (name taken),
 * -ENFILE (no free number for "%d"), -EINVAL (no ndo_start_xmit), or what
 * ndo_open returned (then it is not registered).  Context: thread.
 */
int register_netdev(struct net_device *dev);

/*
 * unregister_netdev - take @dev out: close it, disable its NAPI, drop the
 * packets that refer to it (backlog, tx backlog, ARP queues), forget its
 * ARP entries and address, and unlink it.  Afterwards the stack holds no
 * pointer to it; free_netdev() may follow.  Context: thread, may sleep.
 */
void unregister_netdev(struct net_device *dev);

/*
 * dev_open - bring @dev up: ndo_open, then IFF_UP and the NAPI instances
 * enabled.  0 if up (or already up), or ndo_open's error.  dev_close
 * undoes it (NAPI disabled, ndo_stop, queued packets dropped).
 * Context: thread.
 */
int dev_open(struct net_device *dev);
void dev_close(struct net_device *dev);

/*
 * dev_set_mtu - the largest IP packet @dev sends from now on: 68 (RFC 791's
 * minimum) to 65536 on a loopback device, to 1500 on an Ethernet one
 * (3.10's eth_change_mtu; a virtio NIC without VIRTIO_NET_F_MTU has no
 * more).  Connections made later take their MSS from it.  0 or -EINVAL.
 * Context: thread.
 */
#define DEV_MIN_MTU 68
int dev_set_mtu(struct net_device *dev, unsigned int mtu);
static inline unsigned int dev_max_mtu(const struct net_device *dev)
{
	return dev->flags & IFF_LOOPBACK ? 65536 : 1500; /* ETH_DATA_LEN */
}

/* dev_get_by_name - the registered device called @name, or NULL.  Context: thread or softirq. */
struct net_device *dev_get_by_name(const char *name);
/* dev_get_by_index - the registered device numbered @ifindex, or NULL.  Context: as above. */
struct net_device *dev_get_by_index(int ifindex);

/* The registered devices, in order; hold dev_base_lock (read_lock_bh to walk). */
extern struct list_head dev_base_head;
extern rwlock_t dev_base_lock;
#define for_each_netdev(d) list_for_each_entry(d, &dev_base_head, dev_list)

/* ---- carrier and queue state (drivers) ----------------------------------- */

static inline bool netif_running(const struct net_device *dev)
{
	return __atomic_load_n(&dev->flags, __ATOMIC_ACQUIRE) & IFF_UP;
}

/* Atomic: a link interrupt on one CPU and dev_close on another change dev->flags at once. */
static inline void netif_carrier_on(struct net_device *dev)
{
	__atomic_fetch_or(&dev->flags, IFF_RUNNING, __ATOMIC_RELAXED);
}

static inline void netif_carrier_off(struct net_device *dev)
{
	__atomic_fetch_and(&dev->flags, ~IFF_RUNNING, __ATOMIC_RELAXED);
}

static inline bool netif_carrier_ok(const struct net_device *dev)
{
	return __atomic_load_n(&dev->flags, __ATOMIC_RELAXED) & IFF_RUNNING;
}

/* netdev_get_tx_queue - @dev's transmit queue @index. */
static inline struct netdev_queue *netdev_get_tx_queue(const struct net_device *dev,
						       unsigned int index)
{
	return &dev->_tx[index];
}

/* netif_tx_stop_queue - the driver can take no more frames on @txq (ring full).  Any context. */
static inline void netif_tx_stop_queue(struct netdev_queue *txq)
{
	__atomic_fetch_or(&txq->state, 1UL << __QUEUE_STATE_DRV_XOFF, __ATOMIC_RELAXED);
}

static inline bool netif_tx_queue_stopped(const struct netdev_queue *txq)
{
	return __atomic_load_n(&txq->state, __ATOMIC_RELAXED) & (1UL << __QUEUE_STATE_DRV_XOFF);
}

static inline void netif_tx_start_queue(struct netdev_queue *txq)
{
	__atomic_fetch_and(&txq->state, ~(1UL << __QUEUE_STATE_DRV_XOFF), __ATOMIC_RELAXED);
}

/* netif_stop_queue - the single-queue form: queue 0.  Context: any. */
static inline void netif_stop_queue(struct net_device *dev)
{
	netif_tx_stop_queue(netdev_get_tx_queue(dev, 0));
}

static inline bool netif_queue_stopped(const struct net_device *dev)
{
	return netif_tx_queue_stopped(netdev_get_tx_queue(dev, 0));
}

/*
 * netif_tx_wake_queue - room again on @txq (the driver freed TX
 * descriptors): restart it and let NET_TX_SOFTIRQ send what waited on it.
 * netif_wake_queue is the single-queue form (queue 0).  Context: any.
 */
void netif_tx_wake_queue(struct netdev_queue *txq);

static inline void netif_wake_queue(struct net_device *dev)
{
	netif_tx_wake_queue(netdev_get_tx_queue(dev, 0));
}

/* netif_start_queue - the queue may be used (drivers call it in ndo_open). */
static inline void netif_start_queue(struct net_device *dev)
{
	netif_tx_start_queue(netdev_get_tx_queue(dev, 0));
}

/* netif_tx_start_all_queues - every queue of @dev may be used (ndo_open of a multiqueue NIC). */
static inline void netif_tx_start_all_queues(struct net_device *dev)
{
	for (unsigned int i = 0; i < dev->num_tx_queues; i++)
		netif_tx_start_queue(netdev_get_tx_queue(dev, i));
}

/*
 * The multiqueue forms (3.10's names): stop, wake or test transmit queue
 * @queue_index of @dev, as the netif_*_queue calls do for queue 0.
 * Context: any.
 */
static inline void netif_stop_subqueue(struct net_device *dev, u16 queue_index)
{
	netif_tx_stop_queue(netdev_get_tx_queue(dev, queue_index));
}

static inline bool __netif_subqueue_stopped(const struct net_device *dev, u16 queue_index)
{
	return netif_tx_queue_stopped(netdev_get_tx_queue(dev, queue_index));
}

static inline void netif_wake_subqueue(struct net_device *dev, u16 queue_index)
{
	netif_tx_wake_queue(netdev_get_tx_queue(dev, queue_index));
}

/* The queue the stack picked for @skb (netdev_pick_tx); the driver sends it there. */
static inline u16 skb_get_queue_mapping(const struct sk_buff *skb)
{
	return skb->queue_mapping;
}

static inline void skb_set_queue_mapping(struct sk_buff *skb, u16 queue_mapping)
{
	skb->queue_mapping = queue_mapping;
}

/*
 * netif_set_real_num_tx_queues - let the stack use queues 0..@txq-1 of
 * @dev (at most num_tx_queues).  Returns 0, or -EINVAL for 0 or too many.
 * Call it before register_netdev (the driver's probe): we do not move
 * packets waiting on queues that go away.  Context: thread.
 */
int netif_set_real_num_tx_queues(struct net_device *dev, unsigned int txq);

/*
 * netif_set_xps_queue - packets that CPU @cpu sends through @dev go to
 * transmit queue @index (-1: none, netdev_pick_tx falls back to queue 0).
 * 3.10 takes a cpumask per queue; we one CPU at a time.  Returns 0, or
 * -EINVAL for a bad CPU or queue.  Context: thread, before register_netdev
 * (senders read the map without a lock).
 */
int netif_set_xps_queue(struct net_device *dev, unsigned int cpu, int index);

/*
 * __netif_tx_lock - take @txq's _xmit_lock as CPU @cpu (bottom halves
 * already off); __netif_tx_unlock releases it.  3.10's HARD_TX_LOCK is
 * this for every device here (no NETIF_F_LLTX).  Context: softirq, or a
 * thread with bottom halves off.
 */
static inline void __netif_tx_lock(struct netdev_queue *txq, int cpu)
{
	spin_lock(&txq->_xmit_lock);
	txq->xmit_lock_owner = cpu;
}

static inline void __netif_tx_unlock(struct netdev_queue *txq)
{
	txq->xmit_lock_owner = -1;
	spin_unlock(&txq->_xmit_lock);
}

#define HARD_TX_LOCK(dev, txq, cpu) __netif_tx_lock(txq, cpu)
#define HARD_TX_UNLOCK(dev, txq)    __netif_tx_unlock(txq)

/* Is @txq stopped by the driver or frozen by netif_tx_lock?  (Any context.) */
static inline bool netif_xmit_frozen_or_stopped(const struct netdev_queue *txq)
{
	return __atomic_load_n(&txq->state, __ATOMIC_RELAXED) &
	       ((1UL << __QUEUE_STATE_DRV_XOFF) | (1UL << __QUEUE_STATE_FROZEN));
}

/*
 * netif_tx_lock_bh - keep every CPU out of @dev's ndo_start_xmit until
 * netif_tx_unlock_bh: bottom halves off, tx_global_lock, then each queue
 * in turn frozen under its _xmit_lock (so a transmit in progress has
 * left, and the next one finds the queue frozen and waits in the backlog).
 * Context: thread.
 */
void netif_tx_lock_bh(struct net_device *dev);
void netif_tx_unlock_bh(struct net_device *dev);

/*
 * netif_tx_disable - stop every queue of @dev, waiting for a transmit in
 * progress on any CPU to leave the driver first.  Context: thread.
 */
void netif_tx_disable(struct net_device *dev);

/* ---- transmit ------------------------------------------------------------ */

/*
 * dev_hard_header - push the link-layer header for protocol @type (host
 * order) from @saddr (NULL: the device's) to @daddr (NULL: broadcast) onto
 * @skb.  Returns the header length, or -EINVAL for a device type without
 * headers.  Context: any.
 */
int dev_hard_header(struct sk_buff *skb, struct net_device *dev, unsigned short type,
		    const void *daddr, const void *saddr, unsigned int len);

/*
 * dev_queue_xmit - transmit @skb (skb->dev set, link-layer header built).
 * Consumes @skb in every case.  Returns NET_XMIT_SUCCESS (sent or queued
 * behind a stopped queue) or NET_XMIT_DROP (device down, backlog full;
 * counted as tx_dropped and per reason).  Context: thread or softirq (not
 * hardirq); disables bottom halves around the driver.
 */
int dev_queue_xmit(struct sk_buff *skb);
#define NET_XMIT_SUCCESS 0x00
#define NET_XMIT_DROP	 0x01

/* ---- receive ------------------------------------------------------------- */

/*
 * netif_receive_skb - hand one received frame up the stack, now.
 * The driver has called eth_type_trans() (skb->protocol set, the Ethernet
 * header pulled).  Counts it in dev->stats, applies the pfmemalloc policy
 * (only ARP and IPv4 may see reserve memory), and calls the protocol's
 * handler: arp_rcv or ip_rcv.  Consumes @skb.  Returns NET_RX_SUCCESS or
 * NET_RX_DROP.  Context: softirq (a NAPI poll); from a thread, disable
 * bottom halves around it.
 */
int netif_receive_skb(struct sk_buff *skb);

/*
 * netif_rx - queue a received frame on the backlog (at most
 * netdev_max_backlog) for NET_RX_SOFTIRQ; for devices without NAPI, and
 * from any context (hardirq included).  Consumes @skb.  Returns
 * NET_RX_SUCCESS or NET_RX_DROP (backlog full: CPU_BACKLOG).
 */
int netif_rx(struct sk_buff *skb);

/* ---- NAPI ---------------------------------------------------------------- */

/* Linux's NAPI_STATE_* bits in napi->state. */
enum {
	NAPI_STATE_SCHED,   /* on the poll list, or being polled */
	NAPI_STATE_DISABLE, /* napi_disable() in progress: do not schedule */
};

#define NAPI_POLL_WEIGHT 64 /* packets per poll: Linux's default */

struct napi_struct {
	struct list_head poll_list; /* on the softirq's list while scheduled */
	unsigned long state;	    /* 1 << NAPI_STATE_* */
	int weight;		    /* budget of one poll */
	int (*poll)(struct napi_struct *napi, int budget);
	struct net_device *dev;
	struct list_head dev_list; /* on dev->napi_list */
};

/*
 * netif_napi_add - set up @napi for @dev with @poll and NAPI_POLL_WEIGHT
 * (netif_napi_add_weight: another weight).  It starts disabled: as in
 * Linux, the driver's ndo_open calls napi_enable() and its ndo_stop
 * napi_disable().  netif_napi_del undoes the add (after napi_disable,
 * after unregister_netdev).  Context: thread.
 */
void netif_napi_add(struct net_device *dev, struct napi_struct *napi,
		    int (*poll)(struct napi_struct *, int));
void netif_napi_add_weight(struct net_device *dev, struct napi_struct *napi,
			   int (*poll)(struct napi_struct *, int), int weight);
void netif_napi_del(struct napi_struct *napi);

/*
 * napi_schedule - arrange for @napi's poll to run in NET_RX_SOFTIRQ; does
 * nothing if it is already scheduled or disabled.  Context: any (usually
 * the interrupt handler).  From a thread the softirq runs at the next
 * local_bh_enable() or interrupt exit, or in ksoftirqd.
 */
void napi_schedule(struct napi_struct *napi);

/* napi_schedule_prep - claim @napi for scheduling: false if scheduled or disabled. */
bool napi_schedule_prep(struct napi_struct *napi);

/* __napi_schedule - put @napi on the poll list (after napi_schedule_prep succeeded). */
void __napi_schedule(struct napi_struct *napi);

/*
 * napi_complete_done - called by a poll that did @work_done < budget
 * packets: @napi leaves the poll list, so the driver may unmask its
 * interrupt.  Returns false if it must stay scheduled (being disabled), in
 * which case the driver leaves its interrupt masked.  Context: the poll.
 */
bool napi_complete_done(struct napi_struct *napi, int work_done);

/* napi_enable / napi_disable - allow scheduling / wait until not polled and forbid it.  Thread. */
void napi_enable(struct napi_struct *napi);
void napi_disable(struct napi_struct *napi);

/* Tunables (Linux's sysctls): packets per softirq run, backlog length. */
extern int netdev_budget;
extern int netdev_max_backlog;

/*
 * struct softnet_data - one CPU's receive state (3.10's, the fields used
 * here).  Every field is touched only by its own CPU, with interrupts off
 * (interrupt handlers schedule NAPI and call netif_rx), so there is no
 * lock: 3.10 without RPS.  Other CPUs only read the counters (summed by
 * softnet_stat_read) and, by IPI on that CPU, purge the backlog at
 * unregister.
 */
struct softnet_data {
	struct list_head poll_list;	     /* NAPI instances scheduled on this CPU */
	struct sk_buff_head input_pkt_queue; /* netif_rx's backlog (its lock unused) */
	struct napi_struct backlog;	     /* drains input_pkt_queue: process_backlog */
	unsigned long processed;	     /* packets the NAPI polls handled */
	unsigned long time_squeeze;	     /* runs that ended with work left (budget used up) */
	unsigned long dropped;		     /* backlog full */
};
DECLARE_PER_CPU(struct softnet_data, softnet_data);

/* The counters of softnet_data summed over the CPUs (Linux's /proc/net/softnet_stat). */
struct softnet_stat {
	unsigned long processed;
	unsigned long time_squeeze;
	unsigned long dropped;
};

/* softnet_stat_read - fill @sum with every CPU's counters added up.  Context: any. */
void softnet_stat_read(struct softnet_stat *sum);

/* ---- drops --------------------------------------------------------------- */

/*
 * skb_drop - count @skb under @reason (net_drop_count) and kfree_skb it.
 * Linux's kfree_skb_reason feeds a tracepoint; this stack counts instead.
 * NULL is counted and ignored.  Context: any.
 */
void skb_drop(struct sk_buff *skb, enum skb_drop_reason reason);

#endif
