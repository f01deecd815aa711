/*
 * net/af_inet.c - net_init: the stack's boot, in dependency order.
 *
 *   skb_init           the sk_buff caches (net/skbuff.c)
 *   net_dev_init       NET_RX_SOFTIRQ (NAPI, the backlog), NET_TX_SOFTIRQ
 *   arp_init           the neighbour table's timers
 *   udp_sock_init      the port table
 *   inet_config_init   ip=, gw=
 *   loopback_init      lo, 127.0.0.1/8: from here IP works
 *   echo_service_start UDP port 7
 *
 * Drivers register their NICs after this (start_kernel calls net_init
 * before the PCI drivers probe): their ndo_open allocates skbs and
 * schedules NAPI, which need the caches and the softirqs above.
 */
#include <kernel/printk.h>
#include <net/arp.h>
#include <net/loopback.h>
#include <net/netdevice.h>

#include "net_internal.h"

void net_init(void)
{
	int err;

	skb_init();
	net_dev_init();
	arp_init();
	udp_sock_init();
	inet_config_init();
	err = loopback_init();
	if (err) {
		pr_err("net: no loopback device (%d): the stack stays down\n", err);
		return;
	}
	err = echo_service_start();
	if (err)
		pr_err("net: UDP echo service not started (%d)\n", err);
}
