/*
 * SPDX-License-Identifier: MIT
 * net/ethernet.h - Ethernet II frames: the header, addresses, and the two
 * calls every Ethernet driver makes.
 *
 * A frame as the NIC hands it over (no preamble, no FCS: the hardware
 * checks and strips those):
 *
 *   0      6      12     14                              14+n
 *   +------+------+------+-------------------------------+
 *   | dest | src  | type |  payload (46..1500 bytes)     |
 *   +------+------+------+-------------------------------+
 *    struct ethhdr (14)
 *
 * type >= 0x0600 is an EtherType (0x0800 IPv4, 0x0806 ARP); below that it
 * is an IEEE 802.3 length and an LLC header follows, which this stack does
 * not speak.  Short payloads are padded to 46 bytes (ETH_ZLEN = 60 with the
 * header), so the IP layer must trust its own total length, not the frame's.
 *
 * The receive side of a driver:
 *
 *   skb->protocol = eth_type_trans(skb, dev);   pulls the header, classifies
 *   netif_receive_skb(skb);                     (or napi_gro_receive in Linux)
 *
 * and the transmit side of the stack builds headers with dev_hard_header()
 * (net/netdevice.h), which calls eth_header() for Ethernet devices.
 */
#ifndef NET_ETHERNET_H
#define NET_ETHERNET_H

#include <kernel/compiler.h>
#include <kernel/types.h>
#include <net/byteorder.h>
#include <net/dropreason.h>
#include <string.h>

struct net_device;
struct sk_buff;

#define ETH_ALEN      6	   /* octets in an address */
#define ETH_HLEN      14   /* octets in the header */
#define ETH_ZLEN      60   /* minimum frame, header included, FCS excluded */
#define ETH_DATA_LEN  1500 /* maximum payload: the MTU */
#define ETH_FRAME_LEN 1514 /* maximum frame, FCS excluded */

/* EtherTypes (IEEE registry), host order. */
#define ETH_P_IP	0x0800
#define ETH_P_ARP	0x0806
#define ETH_P_IPV6	0x86DD
#define ETH_P_802_3_MIN 0x0600 /* below: an 802.3 length, not a type */
#define ETH_P_802_3	0x0001 /* what eth_type_trans returns for 802.3/LLC frames */

/* The header; packed because frames land at any alignment. */
struct ethhdr {
	u8 h_dest[ETH_ALEN];
	u8 h_source[ETH_ALEN];
	__be16 h_proto;
} __packed;
_Static_assert(sizeof(struct ethhdr) == ETH_HLEN, "Ethernet header is 14 octets");
_Static_assert(offsetof(struct ethhdr, h_proto) == 12, "EtherType at octet 12");

/* "02:00:00:00:00:01" in printf: printf(MAC_FMT, MAC_ARG(addr)). */
#define MAC_FMT	   "%02x:%02x:%02x:%02x:%02x:%02x"
#define MAC_ARG(a) (a)[0], (a)[1], (a)[2], (a)[3], (a)[4], (a)[5]

static inline bool is_zero_ether_addr(const u8 *a)
{
	return !(a[0] | a[1] | a[2] | a[3] | a[4] | a[5]);
}

/* The group bit: the low bit of the first octet (IEEE 802-2014 section 8.2). */
static inline bool is_multicast_ether_addr(const u8 *a)
{
	return a[0] & 1;
}

static inline bool is_broadcast_ether_addr(const u8 *a)
{
	return (a[0] & a[1] & a[2] & a[3] & a[4] & a[5]) == 0xff;
}

/* A unicast address that is not all zeroes: what a station may have. */
static inline bool is_valid_ether_addr(const u8 *a)
{
	return !is_multicast_ether_addr(a) && !is_zero_ether_addr(a);
}

/*
 * The four below touch 6 bytes on every packet: __builtin_mem* (which the
 * compiler turns into a 4-byte and a 2-byte access; we build with
 * -ffreestanding, so plain memcmp/memcpy would be calls into the C
 * library), as 3.10 compares and copies addresses a word at a time.
 */
static inline bool ether_addr_equal(const u8 *a, const u8 *b)
{
	u32 a0, b0;
	u16 a1, b1;

	__builtin_memcpy(&a0, a, 4);
	__builtin_memcpy(&b0, b, 4);
	__builtin_memcpy(&a1, a + 4, 2);
	__builtin_memcpy(&b1, b + 4, 2);
	return ((a0 ^ b0) | (u32)(a1 ^ b1)) == 0;
}

static inline void ether_addr_copy(u8 *dst, const u8 *src)
{
	__builtin_memcpy(dst, src, ETH_ALEN);
}

static inline void eth_broadcast_addr(u8 *a)
{
	__builtin_memset(a, 0xff, ETH_ALEN);
}

static inline void eth_zero_addr(u8 *a)
{
	__builtin_memset(a, 0, ETH_ALEN);
}

/*
 * eth_hdr_check - does @frame, @len bytes as received, hold an Ethernet
 * header?  Returns SKB_NOT_DROPPED_YET, or SKB_DROP_REASON_PKT_TOO_SMALL.
 * Pure: no kernel state, runs on the host.
 */
enum skb_drop_reason eth_hdr_check(const void *frame, unsigned int len);

/*
 * eth_type_trans - classify a received frame and pull its Ethernet header.
 *
 * Sets skb->dev, the MAC header offset and skb->pkt_type (PACKET_HOST,
 * PACKET_BROADCAST, PACKET_MULTICAST, or PACKET_OTHERHOST when the frame is
 * unicast to another address), pulls ETH_HLEN bytes, and returns the
 * protocol in network order: the EtherType, or htons(ETH_P_802_3) for an
 * 802.3 length field.  A frame shorter than ETH_HLEN is left untouched and
 * 0 is returned (never a valid EtherType): netif_receive_skb then drops it
 * as SKB_DROP_REASON_PKT_TOO_SMALL (3.10 does not check: docs/linux-3.10.md).
 * Context: any; usually the driver's NAPI poll.
 */
__be16 eth_type_trans(struct sk_buff *skb, struct net_device *dev);

/*
 * eth_header - push an Ethernet header of protocol @type (host order) onto
 * @skb.  @daddr NULL: broadcast; @saddr NULL: the device's address.  @len
 * is unused (Linux uses it for 802.3).  Returns ETH_HLEN.
 * The caller reserved the headroom (MAX_HEADER, net/netdevice.h).
 */
int eth_header(struct sk_buff *skb, struct net_device *dev, unsigned short type, const void *daddr,
	       const void *saddr, unsigned int len);

/*
 * ether_setup - fill in the Ethernet defaults of @dev: type ARPHRD_ETHER,
 * MTU 1500, header length 14, broadcast address, IFF_BROADCAST.
 */
void ether_setup(struct net_device *dev);

/*
 * alloc_etherdev - alloc_netdev() with @sizeof_priv bytes of driver data,
 * the name "eth%d" and ether_setup().  Returns NULL without memory.
 * Context: thread, may sleep.
 */
struct net_device *alloc_etherdev(int sizeof_priv);

/* alloc_etherdev_mqs - alloc_etherdev with @txqs transmit and @rxqs receive queues (3.10's). */
struct net_device *alloc_etherdev_mqs(int sizeof_priv, unsigned int txqs, unsigned int rxqs);

#endif
