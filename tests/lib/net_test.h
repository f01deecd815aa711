/*
 * SPDX-License-Identifier: MIT
 * tests/lib/net_test.h - what the net suites share: a test NIC on a made-up
 * link, and builders for the frames its "peer" sends.
 *
 *   us:    tnic%d, 02:00:00:00:00:01, 192.168.77.1/24
 *   peer:          02:00:00:00:00:02, 192.168.77.2
 *
 *   struct net_device *dev = net_test_nic(t);      ASSERTs it exists
 *   struct frame f;
 *   frame_udp(&f, PEER_IP, OUR_IP, 5555, 7, "hi", 2);
 *   tnic_inject(dev, f.data, f.len);
 *   ...
 *   net_test_nic_destroy(dev);
 *
 * Every builder writes a valid frame (checksums right); a test breaks one
 * thing, and fixes the IP checksum with frame_ip_recsum() if it must.
 *
 * The test NIC is made and destroyed by the case: the suites never change
 * eth0 or any NIC they did not make (a virtio NIC only if the runner made
 * it for tests, tests/lib/scratch_dev.h).  The global settings a case
 * changes (the default gateway, arp_params, netdev_budget,
 * netdev_max_backlog, sysctl_icmp_ratelimit) it puts back before it ends.
 */
#ifndef TESTS_NET_TEST_H
#define TESTS_NET_TEST_H

#include <kernel/ktest.h>
#include <net/arp.h>
#include <net/ethernet.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/loopback.h>
#include <net/netdevice.h>
#include <net/udp.h>

#define OUR_IP	     __constant_htonl(0xc0a84d01U) /* 192.168.77.1 */
#define PEER_IP	     __constant_htonl(0xc0a84d02U) /* 192.168.77.2 */
#define OTHER_IP     __constant_htonl(0xc0a84d03U) /* 192.168.77.3: nobody */
#define SUBNET_BCAST __constant_htonl(0xc0a84dffU) /* 192.168.77.255 */
#define TEST_GW	     __constant_htonl(0xc0a84dfeU) /* 192.168.77.254 */
#define FAR_IP	     __constant_htonl(0x08080808U) /* 8.8.8.8: off link */

extern const u8 our_mac[ETH_ALEN];
extern const u8 peer_mac[ETH_ALEN];
extern const u8 bcast_mac[ETH_ALEN];

/* A frame under construction or inspection. */
struct frame {
	unsigned int len;
	u8 data[2048];
};

/* Parts of a frame holding Ethernet + IPv4 (no checks: the builders made it). */
static inline struct ethhdr *frame_eth(struct frame *f)
{
	return (struct ethhdr *)f->data;
}

static inline struct iphdr *frame_iph(struct frame *f)
{
	return (struct iphdr *)(f->data + ETH_HLEN);
}

static inline void *frame_l4(struct frame *f)
{
	return f->data + ETH_HLEN + frame_iph(f)->ihl * 4;
}

/* Ethernet header peer -> us (dst may be bcast_mac), type @proto. */
void frame_ether(struct frame *f, const u8 *dst, u16 proto);
/* + IPv4 header @saddr -> @daddr, protocol @proto, @payload_len bytes (zero) after it. */
void frame_ipv4(struct frame *f, __be32 saddr, __be32 daddr, u8 proto, unsigned int payload_len);
/* Recompute the IP header checksum after changing the header. */
void frame_ip_recsum(struct frame *f);
/* A whole UDP datagram in a frame to our MAC; checksum computed. */
void frame_udp(struct frame *f, __be32 saddr, __be32 daddr, u16 sport, u16 dport,
	       const void *payload, unsigned int n);
/* Recompute the UDP checksum (after changing payload or header). */
void frame_udp_recsum(struct frame *f);
/* An ICMP echo request (@type ICMP_ECHO) or reply with @n data bytes. */
void frame_icmp_echo(struct frame *f, __be32 saddr, __be32 daddr, u8 type, u16 id, u16 seq,
		     const void *data, unsigned int n);
/*
 * An ARP packet from the peer: @op, sender (@sha, @sip), target @tip; to
 * broadcast for a request.
 */
void frame_arp(struct frame *f, u16 op, const u8 *sha, __be32 sip, __be32 tip);

/* The test NIC with our address, ASSERTed.  net_test_nic_destroy undoes it. */
struct net_device *net_test_nic(struct ktest *t);
void net_test_nic_destroy(struct net_device *dev);

/* Make the stack know the peer's MAC (an ARP request from it), then forget our reply. */
void net_test_learn_peer(struct net_device *dev);

/*
 * The next frame @dev transmitted, copied into @f and freed, waiting up to
 * @ms for one (a thread like the echo service may still be sending).
 * Returns false if none came.
 */
bool tnic_next_tx(struct net_device *dev, struct frame *f, unsigned int ms);

/* A snapshot of net_drop_count[@reason]. */
static inline unsigned long drops(enum skb_drop_reason reason)
{
	return READ_ONCE(net_drop_count[reason]);
}

#endif
