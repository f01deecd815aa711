/*
 * SPDX-License-Identifier: MIT
 * tests/host/net_host_env.h - the whole receive path of net/ on the host:
 * a fake slab allocator (each object its own malloc, counted, failing on
 * demand), the stack brought up as net_init does (without the echo
 * thread), and a test NIC to inject frames into.
 *
 *   net_host_init();                 once
 *   dev = net_host_nic();            tnic0, 192.168.77.1/24, peer .2
 *   tnic_inject(dev, frame, len);    through NAPI, eth, arp/ip, icmp/udp
 *   net_host_settle(dev);            drop what was sent, flush ARP, drain sockets
 *   net_host_live()                  objects still allocated
 */
#ifndef TESTS_HOST_NET_HOST_ENV_H
#define TESTS_HOST_NET_HOST_ENV_H

#include <net/loopback.h>
#include <net/netdevice.h>
#include <net/socket.h>

#define HOST_OUR_IP   __constant_htonl(0xc0a84d01U) /* 192.168.77.1 */
#define HOST_PEER_IP  __constant_htonl(0xc0a84d02U) /* 192.168.77.2 */
#define HOST_UDP_PORT 4000			    /* a bound socket listens here */

extern const u8 host_our_mac[6];
extern const u8 host_peer_mac[6];

/* Bring the stack up; the socket on HOST_UDP_PORT and the echo port 7 are bound. */
void net_host_init(void);
/* The test NIC (created on the first call). */
struct net_device *net_host_nic(void);
/* Forget everything one input left behind: TX frames, ARP entries, queued datagrams. */
void net_host_settle(struct net_device *dev);
/* Objects allocated from the fake slab and not freed. */
unsigned long net_host_live(void);
/* Make the @n-th allocation from now fail (0: none). */
void net_host_fail_nth(unsigned long n);
/* Datagrams received on HOST_UDP_PORT since the last settle. */
unsigned int net_host_udp_received(void);

#endif
