/*
 * SPDX-License-Identifier: MIT
 * tests/host/net_host_env.c - the fake slab and the stack's set-up for
 * the host tests of net/ (net_host_env.h).
 */
#include <malloc.h>
#include <mm/slab.h>
#include <stdlib.h>
#include <string.h>

#include "net_internal.h" /* private to net/: -iquote net (Makefile) */
#include "net_host_env.h"
#include "shim/host_slab.h"
#include <net/arp.h>
#include <net/ip.h>
#include <net/tcp.h>

const u8 host_our_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
const u8 host_peer_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };

static struct net_device *nic;
static struct socket *udp_sock, *echo_sock;
static unsigned int udp_received;

/* The slab is the shared fake (shim/host_slab.c): each object its own malloc. */

void net_host_fail_nth(unsigned long n)
{
	host_slab_fail_nth = n;
}

unsigned long net_host_live(void)
{
	return host_slab_live;
}

/* ---- the stack ---------------------------------------------------------------------- */

void net_host_init(void)
{
	skb_init();
	net_dev_init();
	arp_init();
	ipfrag_init();
	udp_sock_init();
	tcp_init();
	inet_config_init();
	if (loopback_init() || sock_create_udp(&udp_sock) || udp_bind(udp_sock, HOST_UDP_PORT) ||
	    sock_create_udp(&echo_sock) || udp_bind(echo_sock, 7))
		abort();
}

struct net_device *net_host_nic(void)
{
	if (!nic) {
		nic = tnic_create(host_our_mac);
		if (!nic || inet_addr_set(nic, HOST_OUR_IP, 24))
			abort();
	}
	return nic;
}

static void drain(struct socket *sock, unsigned int *count)
{
	char buf[64];

	while (udp_recvfrom(sock, buf, sizeof(buf), NULL, NULL, MSG_DONTWAIT) >= 0)
		if (count)
			(*count)++;
}

void net_host_settle(struct net_device *dev)
{
	local_bh_disable();
	local_bh_enable(); /* anything still raised runs now */
	tnic_tx_purge(dev);
	arp_cache_flush(NULL);
	ipfrag_flush(); /* datagrams half reassembled: held by design, not leaked */
	drain(udp_sock, &udp_received);
	drain(echo_sock, NULL);
	tnic_tx_purge(dev);
}

unsigned int net_host_udp_received(void)
{
	unsigned int n = udp_received;

	udp_received = 0;
	return n;
}
