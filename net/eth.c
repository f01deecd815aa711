/*
 * SPDX-License-Identifier: MIT
 * net/eth.c - Ethernet II framing: classifying received frames, building
 * the header of transmitted ones, and the defaults of an Ethernet device.
 *
 * The frame format is drawn in include/net/ethernet.h.  The FCS never
 * reaches us: NICs (and virtio-net) check and strip it.
 */
#include <kernel/trace.h>
#include <net/arp.h>
#include <net/ethernet.h>
#include <net/netdevice.h>

__be16 eth_type_trans(struct sk_buff *skb, struct net_device *dev)
{
	const struct ethhdr *eth;
	u16 proto;

	skb->dev = dev;
	skb_reset_mac_header(skb);
	/* 3.10 assumes no runts and reads the header anyway; we check: docs/linux-3.10.md */
	if (eth_hdr_check(skb->data, skb->len) != SKB_NOT_DROPPED_YET)
		return 0; /* a runt: netif_receive_skb drops it (never a valid EtherType) */
	eth = (const struct ethhdr *)skb->data;
	__skb_pull(skb, ETH_HLEN);
	skb->mac_len = ETH_HLEN;
	trace_skb(TE_ETH_TYPE_TRANS, skb, ntohs(eth->h_proto));

	if (is_multicast_ether_addr(eth->h_dest))
		skb->pkt_type =
			is_broadcast_ether_addr(eth->h_dest) ? PACKET_BROADCAST : PACKET_MULTICAST;
	else if (ether_addr_equal(eth->h_dest, dev->dev_addr))
		skb->pkt_type = PACKET_HOST;
	else
		skb->pkt_type = PACKET_OTHERHOST;

	/* IEEE 802.3 section 3.2.6: values up to 1500 are a length, from 0x0600 a type. */
	proto = ntohs(eth->h_proto);
	if (proto < ETH_P_802_3_MIN)
		return htons(ETH_P_802_3);
	return eth->h_proto;
}

int eth_header(struct sk_buff *skb, struct net_device *dev, unsigned short type, const void *daddr,
	       const void *saddr, unsigned int len)
{
	struct ethhdr *eth = skb_push(skb, ETH_HLEN);

	eth->h_proto = htons(type);
	ether_addr_copy(eth->h_source, saddr ? saddr : dev->dev_addr);
	if (daddr)
		ether_addr_copy(eth->h_dest, daddr);
	else
		eth_broadcast_addr(eth->h_dest);
	skb_reset_mac_header(skb);
	return ETH_HLEN;
}

void ether_setup(struct net_device *dev)
{
	dev->type = ARPHRD_ETHER;
	dev->hard_header_len = ETH_HLEN;
	dev->mtu = ETH_DATA_LEN;
	dev->addr_len = ETH_ALEN;
	dev->flags = IFF_BROADCAST;
	eth_broadcast_addr(dev->broadcast);
}

struct net_device *alloc_etherdev(int sizeof_priv)
{
	return alloc_netdev(sizeof_priv, "eth%d", ether_setup);
}

struct net_device *alloc_etherdev_mqs(int sizeof_priv, unsigned int txqs, unsigned int rxqs)
{
	return alloc_netdev_mqs(sizeof_priv, "eth%d", ether_setup, txqs, rxqs);
}
