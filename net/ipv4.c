/*
 * SPDX-License-Identifier: MIT
 * net/ipv4.c - receiving IPv4 (RFC 791) as a host (RFC 1122).
 *
 *   netif_receive_skb --> ip_rcv:
 *       ip_hdr_check        version, IHL, lengths, checksum, martian
 *                           sources (net/hdr_check.c)
 *       loopback source     only on the loopback device
 *       destination         ours, or broadcast; else silently discarded
 *                           (RFC 1122 section 3.2.1.3): a host does not forward
 *       trim                to the total length: Ethernet pads short frames
 *       a fragment?         ip_defrag queues it; the one that completes its
 *                           datagram brings the whole datagram back
 *                           (net/ip_fragment.c)
 *       skip options        IHL*4 bytes of header pulled
 *       --> icmp_rcv / udp_rcv; another protocol: ICMP protocol unreachable
 *
 * Every drop is counted under its reason and in ip_mib (RFC 4293's names).
 * The send side and the addresses are in net/route.c.
 */
#include <kernel/perf.h>
#include <kernel/trace.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/netdevice.h>
#include <net/tcp.h>
#include <net/udp.h>

struct ip_mib ip_mib;

#define mib_inc(field) __atomic_add_fetch(&ip_mib.field, 1, __ATOMIC_RELAXED)

/* Count a header drop in the MIB counter RFC 4293 puts it under. */
static void ip_mib_count_drop(enum skb_drop_reason reason)
{
	switch (reason) {
	case SKB_DROP_REASON_IP_TRUNCATED:
		mib_inc(InTruncatedPkts);
		break;
	case SKB_DROP_REASON_IP_NOT_OURS:
		mib_inc(InAddrErrors);
		break;
	case SKB_DROP_REASON_IP_NOPROTO:
		mib_inc(InUnknownProtos);
		break;
	default:
		mib_inc(InHdrErrors);
		break;
	}
}

/*
 * Is @daddr, arriving on @dev, for this host?  Any of our addresses on any
 * device (the "weak host model", RFC 1122 section 3.3.4.2), the limited
 * broadcast, or @dev's subnet broadcast.
 */
static bool ip_dst_is_ours(const struct net_device *dev, __be32 daddr)
{
	/* RFC 1122 section 3.2.1.3 (g): nor may 127/8 arrive from outside. */
	if (ipv4_is_loopback(daddr))
		return dev->flags & IFF_LOOPBACK;
	if (ipv4_is_lbcast(daddr))
		return true;
	/* @dev's own address (the usual case) needs no walk of the devices under their lock. */
	if (daddr && daddr == READ_ONCE(dev->ip4.ifa_local))
		return true;
	if (dev->ip4.ifa_local && dev->ip4.ifa_broadcast && daddr == dev->ip4.ifa_broadcast)
		return true;
	return ip_addr_is_local(daddr);
}

/* Checks that need the device: what ip_hdr_check cannot know. */
static enum skb_drop_reason ip_rcv_check_route(const struct sk_buff *skb,
					       const struct net_device *dev)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;

	/* RFC 1122 section 3.2.1.3 (g): 127/8 "MUST NOT appear outside a host". */
	if (ipv4_is_loopback(iph->saddr) && !(dev->flags & IFF_LOOPBACK))
		return SKB_DROP_REASON_IP_MARTIAN_SRC;
	if (!ip_dst_is_ours(dev, iph->daddr))
		return SKB_DROP_REASON_IP_NOT_OURS;
	return SKB_NOT_DROPPED_YET;
}

static int ip_rcv_drop(struct sk_buff *skb, enum skb_drop_reason reason)
{
	ip_mib_count_drop(reason);
	skb_drop(skb, reason);
	return NET_RX_DROP;
}

DEFINE_PERF_LAYER(perf_ip_rcv, "ip rcv");

int ip_rcv(struct sk_buff *skb, struct net_device *dev)
{
	PERF_SCOPE(&perf_ip_rcv); /* udp_rcv and icmp_rcv are in its self, tcp_v4_rcv is not */
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	enum skb_drop_reason reason;
	u8 protocol;

	mib_inc(InReceives);
	reason = ip_hdr_check(skb->data, skb->len);
	if (reason == SKB_NOT_DROPPED_YET)
		reason = ip_rcv_check_route(skb, dev);
	if (reason != SKB_NOT_DROPPED_YET)
		return ip_rcv_drop(skb, reason);

	/* Ethernet pads frames to 60 bytes: what follows the datagram is not ours. */
	pskb_trim(skb, ntohs(iph->tot_len));
	skb_reset_network_header(skb);
	/* 3.10 reassembles later, in ip_local_deliver; for a host it is the same place. */
	if (ip_is_fragment(iph)) {
		skb = ip_defrag(skb);
		if (!skb)
			return NET_RX_SUCCESS; /* queued, or dropped and counted */
		iph = (const struct iphdr *)skb->data;
	}
	protocol = iph->protocol;
	/* Options (IHL > 5) are skipped: we act on none (no source routing, no timestamps). */
	__skb_pull(skb, iph->ihl * 4u);
	skb_reset_transport_header(skb);
	trace_skb(TE_IP_RCV, skb, protocol);

	switch (protocol) {
	case IPPROTO_ICMP:
		mib_inc(InDelivers);
		return icmp_rcv(skb);
	case IPPROTO_UDP:
		mib_inc(InDelivers);
		return udp_rcv(skb);
	case IPPROTO_TCP:
		mib_inc(InDelivers);
		return tcp_v4_rcv(skb);
	default:
		/* RFC 1122 3.2.2.1: a host SHOULD say so (3.10: ip_local_deliver_finish). */
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0);
		return ip_rcv_drop(skb, SKB_DROP_REASON_IP_NOPROTO);
	}
}
