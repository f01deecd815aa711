/*
 * SPDX-License-Identifier: MIT
 * net/af_inet.c - the stack's start at boot: two initcalls, at 3.10's levels.
 *
 *   subsys_initcall  net_core_init  skb_init (the sk_buff caches), net_dev_init
 *                                   (NET_RX_SOFTIRQ: NAPI and the backlog;
 *                                   NET_TX_SOFTIRQ).  3.10 makes the caches in
 *                                   sock_init (core) and the softirqs in
 *                                   net_dev_init (subsys); nothing of ours runs
 *                                   between the two levels, so one call does both
 *   fs_initcall      inet_init      arp_init (the neighbour table's timers),
 *                                   ipfrag_init (the reassembly queues),
 *                                   udp_sock_init (the port table),
 *                                   inet_config_init (ip=, gw=), as 3.10's
 *                                   inet_init (fs_initcall) sets up ARP and UDP
 *
 * What comes later registers itself (include/kernel/init.h): the loopback
 * device right after inet_init, at the same level (net/loopback.c, later in
 * link order: lo is the first device, ifindex 1, as in 3.10); the NIC
 * drivers at device_initcall level (drivers/net/virtio_net.c), whose ndo_open
 * allocates skbs and schedules NAPI, so they need both calls above; the UDP
 * echo service at late_initcall (net/echo.c).
 */
#include <kernel/init.h>
#include <net/arp.h>
#include <net/ip.h>
#include <net/netdevice.h>
#include <net/skbuff.h>
#include <net/tcp.h>

#include "net_internal.h"

/* 3.10 makes the caches at core level (sock_init); we with the softirqs: docs/linux-3.10.md */
static int net_core_init(void)
{
	skb_init();
	net_dev_init();
	return 0;
}
subsys_initcall(net_core_init);

/* Returns -EINVAL when ip= or gw= was not understood (the defaults are kept). */
static int inet_init(void)
{
	arp_init();
	ipfrag_init();
	udp_sock_init();
	tcp_init();
	return inet_config_init();
}
fs_initcall(inet_init);
