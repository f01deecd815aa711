/*
 * SPDX-License-Identifier: MIT
 * net/loopback.h - two software devices: the loopback device, and a test
 * NIC that lets a test play the wire.
 *
 * lo: what is sent through it is received through it (Linux's loopback:
 * transmit = eth_type_trans + netif_rx).  127.0.0.1/8 and our own
 * addresses route here (net/route.c), so the whole stack - sockets, UDP,
 * IP, the echo service, ping - runs without any NIC.
 *
 * tnic%d: an Ethernet device with no hardware behind it, for tests.
 *
 *   dev = tnic_create(mac);               registered and up, NAPI enabled
 *   inet_addr_set(dev, addr, 24);
 *   tnic_inject(dev, frame, len);         "the wire delivers this frame":
 *                                         queued for the NAPI poll, which
 *                                         runs before tnic_inject returns
 *                                         (thread context, bottom halves on)
 *   skb = tnic_tx_pop(dev);               "what did the stack send?"
 *   tnic_destroy(dev);                    unregistered and freed
 *
 * Frames go through exactly the path a real driver's do: netdev_alloc_skb,
 * NAPI poll, eth_type_trans, netif_receive_skb; dev_queue_xmit,
 * ndo_start_xmit.  tnic_set_busy() makes the transmit ring "full"
 * (NETDEV_TX_BUSY, queue stopped) to test the transmit backlog.
 */
#ifndef NET_LOOPBACK_H
#define NET_LOOPBACK_H

#include <kernel/types.h>

struct net_device;
struct sk_buff;

/* The loopback device, "lo" (NULL before its fs_initcall). */
extern struct net_device *loopback_dev;

/* Register lo.  Returns 0 or -errno.  An fs_initcall (and the host tests call it). */
int loopback_init(void);

/*
 * tnic_create - a new registered, running test NIC with MAC @mac (6
 * bytes).  Returns it, or NULL without memory.  Context: thread.
 */
struct net_device *tnic_create(const u8 *mac);

/* tnic_destroy - unregister @dev, drop what it holds, free it.  Context: thread. */
void tnic_destroy(struct net_device *dev);

/*
 * tnic_inject - the wire delivers @len bytes of @frame (an Ethernet frame,
 * FCS excluded) to @dev.  Copies it into an skb from netdev_alloc_skb.
 * Returns 0, or -ENOMEM (counted as rx_missed_errors, as a NIC without a
 * free buffer would).  From a thread, the frame has been through the
 * stack when this returns.  Context: thread or softirq.
 */
int tnic_inject(struct net_device *dev, const void *frame, unsigned int len);

/* tnic_inject_skb - as tnic_inject with an skb the caller built (data = the frame); consumes it. */
void tnic_inject_skb(struct net_device *dev, struct sk_buff *skb);

/* tnic_tx_pop - the oldest frame the stack transmitted, or NULL; the caller frees it. */
struct sk_buff *tnic_tx_pop(struct net_device *dev);

/* Frames transmitted and not popped yet. */
unsigned int tnic_tx_count(struct net_device *dev);

/* tnic_tx_purge - free every transmitted frame not popped. */
void tnic_tx_purge(struct net_device *dev);

/*
 * tnic_set_busy - @busy: the "ring" is full: ndo_start_xmit stops the
 * queue and answers NETDEV_TX_BUSY.  !@busy: room again (netif_wake_queue).
 */
void tnic_set_busy(struct net_device *dev, bool busy);

/*
 * tnic_poll_overlaps - polls of @dev that began while another was running
 * (on another CPU): NAPI must make this 0.  Context: any.
 */
unsigned long tnic_poll_overlaps(struct net_device *dev);

#endif
