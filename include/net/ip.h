/*
 * SPDX-License-Identifier: MIT
 * net/ip.h - IPv4 (RFC 791) as a host (RFC 1122): the header, receiving,
 * routing, sending, and the addresses.
 *
 * The header (20 bytes without options):
 *
 *    0       4       8              16    19                 31
 *   +-------+-------+---------------+-----+-------------------+
 *   |version|  IHL  |      TOS      |        total length      |
 *   +-------+-------+---------------+-----+-------------------+
 *   |        identification         |flags|  fragment offset   |
 *   +---------------+---------------+-----+-------------------+
 *   |      TTL      |   protocol    |     header checksum      |
 *   +---------------+---------------+-------------------------+
 *   |                     source address                      |
 *   +---------------------------------------------------------+
 *   |                   destination address                   |
 *   +---------------------------------------------------------+
 *   |            options (IHL > 5), skipped here               |
 *   +---------------------------------------------------------+
 *
 * Receiving (net/ipv4.c, ip_rcv): validate the header (ip_hdr_check), trim
 * the Ethernet padding to the total length, drop fragments (no reassembly)
 * and packets not destined for us (RFC 1122 section 3.2.1.3: silently
 * discarded; a host does not forward), skip options, hand the payload to
 * ICMP or UDP.  Every
 * drop is counted under its reason (net/dropreason.h) and in ip_mib.
 *
 * Sending (net/route.c): ip_route_output() picks the device and the next
 * hop - the destination itself on a local subnet, else the default gateway;
 * ip_build_and_send_pkt() pushes the header and hands the packet to ARP.
 * Our own addresses and 127/8 go through the loopback device.
 *
 * Addresses are __be32 in network order everywhere, as in a header;
 * printf(IP4_FMT, IP4_ARG(addr)) prints one.
 */
#ifndef NET_IP_H
#define NET_IP_H

#include <kernel/compiler.h>
#include <kernel/types.h>
#include <net/byteorder.h>
#include <net/dropreason.h>

struct net_device;
struct sk_buff;

/* The header; packed because it lands at any alignment behind Ethernet. */
struct iphdr {
	/*
	 * x86 is little-endian: gcc fills a bit-field from the low bits, so ihl
	 * is the low nibble.
	 */
	u8 ihl : 4, version : 4;
	u8 tos;
	__be16 tot_len; /* header + data, bytes */
	__be16 id;
	__be16 frag_off; /* flags (IP_DF, IP_MF) and offset in 8-byte units */
	u8 ttl;
	u8 protocol;   /* IPPROTO_ICMP, IPPROTO_UDP */
	__sum16 check; /* over the header only */
	__be32 saddr;
	__be32 daddr;
} __packed;
_Static_assert(sizeof(struct iphdr) == 20, "IPv4 header without options is 20 octets");
_Static_assert(offsetof(struct iphdr, ttl) == 8, "TTL at octet 8");
_Static_assert(offsetof(struct iphdr, saddr) == 12, "source address at octet 12");

#define IPVERSION 4
#define IP_DF	  0x4000 /* don't fragment (host order of frag_off) */
#define IP_MF	  0x2000 /* more fragments */
#define IP_OFFSET 0x1fff /* fragment offset mask */
#define IPDEFTTL  64	 /* RFC 1700's recommended default */

#define IPPROTO_ICMP 1
#define IPPROTO_TCP  6
#define IPPROTO_UDP  17

#define INADDR_ANY	 ((__be32)0)
#define INADDR_BROADCAST __constant_htonl(0xffffffffU)
#define INADDR_LOOPBACK	 __constant_htonl(0x7f000001U)

#define IP4_FMT "%u.%u.%u.%u"
#define IP4_ARG(a)                                                       \
	(unsigned)(ntohl(a) >> 24), (unsigned)((ntohl(a) >> 16) & 0xff), \
		(unsigned)((ntohl(a) >> 8) & 0xff), (unsigned)(ntohl(a) & 0xff)

/* Address classes (RFC 1122 section 3.2.1.3, RFC 5735), Linux's names. */
static inline bool ipv4_is_multicast(__be32 a) /* 224/4 */
{
	return (ntohl(a) & 0xf0000000U) == 0xe0000000U;
}

static inline bool ipv4_is_loopback(__be32 a) /* 127/8 */
{
	return (ntohl(a) & 0xff000000U) == 0x7f000000U;
}

static inline bool ipv4_is_zeronet(__be32 a) /* 0/8: "this network" */
{
	return (ntohl(a) & 0xff000000U) == 0;
}

static inline bool ipv4_is_lbcast(__be32 a) /* 255.255.255.255 */
{
	return a == INADDR_BROADCAST;
}

static inline bool ipv4_is_reserved(__be32 a) /* 240/4, class E (but the broadcast) */
{
	return (ntohl(a) & 0xf0000000U) == 0xf0000000U && !ipv4_is_lbcast(a);
}

/* The netmask of a prefix length 0..32, network order. */
static inline __be32 inet_make_mask(int prefixlen)
{
	return prefixlen ? htonl(~0U << (32 - prefixlen)) : 0;
}

/*
 * ip_hdr_check - does @data hold a valid IPv4 header for a datagram of
 * which @len bytes arrived?  In the order Linux's ip_rcv checks:
 *   IP_TRUNCATED  fewer than 20 bytes, fewer than IHL*4, or total length
 *                 beyond what arrived
 *   IP_INHDR      version not 4, IHL < 5, total length < IHL*4
 *   IP_CSUM       the header checksum (RFC 791 section 3.1)
 *   IP_FRAGMENT   MF set or a fragment offset: not reassembled here
 *   IP_MARTIAN_SRC  source multicast, broadcast, 0/8 or class E
 *                 (RFC 1122 section 3.2.1.3: silently discarded)
 * Returns SKB_NOT_DROPPED_YET for a good header.  TTL is not checked: a
 * host must not discard a datagram for its low TTL (RFC 1122 section
 * 3.2.1.7).  Pure: runs on the host.
 */
enum skb_drop_reason ip_hdr_check(const void *data, unsigned int len);

/*
 * ip_rcv - receive one IPv4 packet (skb->data at the IP header) from @dev.
 * Consumes @skb.  Returns NET_RX_SUCCESS or NET_RX_DROP.  Context: softirq.
 */
int ip_rcv(struct sk_buff *skb, struct net_device *dev);

/* Where a packet to some address goes. */
struct ip_route {
	struct net_device *dev; /* out through this device */
	__be32 saddr;		/* our address on it */
	__be32 nexthop;		/* whose MAC: the destination, or the gateway */
};

/*
 * ip_route_output - the route to @daddr: loopback for 127/8 and our own
 * addresses; the device whose subnet holds @daddr (nexthop @daddr, also
 * for its subnet broadcast); for 255.255.255.255 and multicast the first
 * configured broadcast device; otherwise the default gateway (nexthop the
 * gateway, which must itself be on a local subnet).  Only devices that are
 * up and have an address count.  Returns 0, or -ENETUNREACH (also for
 * 0.0.0.0/8 and class E).  Context: any but hardirq.
 */
int ip_route_output(__be32 daddr, struct ip_route *rt);

/*
 * rt_cache_flush - forget every CPU's cached output route (3.10 moves
 * rt_genid the same way).  Call it after changing what a lookup reads: an
 * address or mask, the gateway, a device going up or down or leaving the
 * list, loopback_dev.  Context: any.
 */
void rt_cache_flush(void);

/*
 * ip_build_and_send_pkt - route @skb (skb->data at the transport header,
 * MAX_HEADER of headroom) to @daddr, push an IP header (@saddr, or the
 * route's source when 0; TTL IPDEFTTL; the checksum) and send it.
 * Consumes @skb.  Returns 0 when sent or queued for ARP; -ENETUNREACH,
 * -EMSGSIZE (larger than the MTU: no fragmentation), or what ARP and the
 * device return - each dropped and counted.  Context: thread or softirq.
 */
int ip_build_and_send_pkt(struct sk_buff *skb, __be32 saddr, __be32 daddr, u8 protocol);

/*
 * ip_addr_is_local - is @addr one of our addresses (including 127/8)?
 * Context: any.
 */
bool ip_addr_is_local(__be32 addr);

/*
 * inet_addr_set - give @dev the address @addr/@prefixlen (0 clears it).
 * Returns 0 or -EINVAL (prefix out of 0..32, or a multicast/broadcast
 * address).  Context: thread.
 */
int inet_addr_set(struct net_device *dev, __be32 addr, int prefixlen);

/* The default gateway (0: none).  inet_gateway_set returns 0 or -EINVAL.  Context: thread. */
extern __be32 inet_gateway;
int inet_gateway_set(__be32 gw);

/*
 * ip4_parse - "a.b.c.d" (four decimal parts 0..255, nothing after) to
 * @addr.  ip4_parse_prefix also takes "a.b.c.d/len" (len 0..32; without
 * it, @prefixlen is left alone).  Return 0 or -EINVAL, @addr untouched on
 * error.  Pure: runs on the host.
 */
int ip4_parse(const char *s, __be32 *addr);
int ip4_parse_prefix(const char *s, __be32 *addr, int *prefixlen);

/* IP counters, RFC 4293's ipSystemStats names (what `netstat -s` shows as "Ip:"). */
struct ip_mib {
	unsigned long InReceives;  /* datagrams handed to ip_rcv */
	unsigned long InHdrErrors; /* version, length, checksum, martian */
	unsigned long InTruncatedPkts;
	unsigned long InAddrErrors; /* not for us */
	unsigned long InUnknownProtos;
	unsigned long InDiscards;   /* pfmemalloc and no memory */
	unsigned long InDelivers;   /* to ICMP or UDP */
	unsigned long ReasmTimeout; /* queues dropped for want of time (3.10's counter) */
	unsigned long ReasmReqds;   /* fragments received */
	unsigned long ReasmOKs;	    /* datagrams reassembled */
	unsigned long ReasmFails;   /* datagrams that failed (a queue dropped) and bad fragments */
	unsigned long OutRequests;  /* datagrams we sent */
	unsigned long OutNoRoutes;
	unsigned long OutDiscards; /* too big with DF, no memory */
	unsigned long FragOKs;	   /* datagrams fragmented */
	unsigned long FragFails;   /* datagrams that needed it but could not (DF, no memory) */
	unsigned long FragCreates; /* fragments made */
};
extern struct ip_mib ip_mib;

/* Is @iph a piece of a datagram (MF set, or an offset)?  3.10's ip_is_fragment. */
static inline bool ip_is_fragment(const struct iphdr *iph)
{
	return (iph->frag_off & htons(IP_MF | IP_OFFSET)) != 0;
}

/*
 * ip_defrag - queue the fragment @skb (data and network header at its IP
 * header) with the others of its datagram (net/ip_fragment.c).  Returns
 * the whole datagram when @skb completed it: a new skb, data at its IP
 * header (frag_off 0, the checksum made again).  Otherwise NULL: @skb is
 * queued, or dropped and counted (a bad, duplicate or overlapping fragment,
 * no memory).  3.10 returns 0 and turns @skb into the head:
 * docs/linux-3.10.md#ipfrag-copy.  Context: softirq or thread.
 */
struct sk_buff *ip_defrag(struct sk_buff *skb);

/*
 * ip_fragment - send @skb (data at its IP header, longer than @dev's MTU)
 * to @nexthop as fragments of at most dev->mtu bytes; @skb is consumed.
 * With DF set it is not cut: ICMP "fragmentation needed" (with the MTU)
 * goes to its source and the result is -EMSGSIZE.  Returns 0, or the first
 * error of a fragment's sending.  Context: thread or softirq.
 */
int ip_fragment(struct sk_buff *skb, struct net_device *dev, __be32 nexthop);

/* Reassembly's limits (3.10's sysctls net.ipv4.ipfrag_*; command line, same names). */
extern long ipfrag_high_thresh, ipfrag_low_thresh, ipfrag_time_ms;
/*
 * ipfrag_flush - drop every datagram being reassembled (as evicted), as
 * 3.10's inet_frags_exit_net does when a namespace goes.  For the tests'
 * and the fuzzer's "back to the baseline".  Context: thread or softirq.
 */
void ipfrag_flush(void);
/* Datagrams being reassembled now, and the bytes their queues hold. */
void ipfrag_usage(unsigned int *queues, int *bytes);
/* Called by inet_init(). */
void ipfrag_init(void);

#endif
