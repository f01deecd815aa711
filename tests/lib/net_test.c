/*
 * SPDX-License-Identifier: MIT
 * tests/lib/net_test.c - frame builders and the test NIC set-up shared by the
 * tests/net/test_net_*.c suites (tests/lib/net_test.h).
 */
#include <kernel/time.h>
#include <net/checksum.h>
#include <string.h>

#include "net_test.h"

const u8 our_mac[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
const u8 peer_mac[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
const u8 bcast_mac[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

void frame_ether(struct frame *f, const u8 *dst, u16 proto)
{
	struct ethhdr *eth = frame_eth(f);

	memset(f, 0, sizeof(*f));
	memcpy(eth->h_dest, dst, ETH_ALEN);
	memcpy(eth->h_source, peer_mac, ETH_ALEN);
	eth->h_proto = htons(proto);
	f->len = ETH_HLEN;
}

void frame_ipv4(struct frame *f, __be32 saddr, __be32 daddr, u8 proto, unsigned int payload_len)
{
	struct iphdr *iph;

	frame_ether(f, our_mac, ETH_P_IP);
	iph = frame_iph(f);
	iph->version = 4;
	iph->ihl = 5;
	iph->tot_len = htons(sizeof(*iph) + payload_len);
	iph->id = htons(0x1234);
	iph->ttl = 64;
	iph->protocol = proto;
	iph->saddr = saddr;
	iph->daddr = daddr;
	frame_ip_recsum(f);
	f->len = ETH_HLEN + sizeof(*iph) + payload_len;
}

void frame_ip_recsum(struct frame *f)
{
	struct iphdr *iph = frame_iph(f);

	iph->check = 0;
	iph->check = ip_fast_csum(iph, iph->ihl);
}

void frame_udp_recsum(struct frame *f)
{
	struct iphdr *iph = frame_iph(f);
	struct udphdr *uh = frame_l4(f);
	unsigned int ulen = ntohs(uh->len);

	uh->check = 0;
	uh->check = csum_tcpudp_magic(iph->saddr, iph->daddr, ulen, IPPROTO_UDP,
				      csum_partial(uh, (int)ulen, 0));
	if (!uh->check)
		uh->check = 0xffff;
}

void frame_udp(struct frame *f, __be32 saddr, __be32 daddr, u16 sport, u16 dport,
	       const void *payload, unsigned int n)
{
	struct udphdr *uh;

	frame_ipv4(f, saddr, daddr, IPPROTO_UDP, sizeof(*uh) + n);
	uh = frame_l4(f);
	uh->source = htons(sport);
	uh->dest = htons(dport);
	uh->len = htons(sizeof(*uh) + n);
	memcpy(uh + 1, payload, n);
	frame_udp_recsum(f);
}

void frame_icmp_echo(struct frame *f, __be32 saddr, __be32 daddr, u8 type, u16 id, u16 seq,
		     const void *data, unsigned int n)
{
	struct icmphdr *icmph;

	frame_ipv4(f, saddr, daddr, IPPROTO_ICMP, sizeof(*icmph) + n);
	icmph = frame_l4(f);
	icmph->type = type;
	icmph->un.echo.id = htons(id);
	icmph->un.echo.sequence = htons(seq);
	memcpy(icmph + 1, data, n);
	icmph->checksum = ip_compute_csum(icmph, (int)(sizeof(*icmph) + n));
}

void frame_arp(struct frame *f, u16 op, const u8 *sha, __be32 sip, __be32 tip)
{
	struct arp_eth_ipv4 *arp;

	frame_ether(f, op == ARPOP_REQUEST ? bcast_mac : our_mac, ETH_P_ARP);
	arp = (struct arp_eth_ipv4 *)(f->data + ETH_HLEN);
	arp->hdr.ar_hrd = htons(ARPHRD_ETHER);
	arp->hdr.ar_pro = htons(ETH_P_IP);
	arp->hdr.ar_hln = ETH_ALEN;
	arp->hdr.ar_pln = 4;
	arp->hdr.ar_op = htons(op);
	memcpy(arp->ar_sha, sha, ETH_ALEN);
	arp->ar_sip = sip;
	if (op == ARPOP_REPLY)
		memcpy(arp->ar_tha, our_mac, ETH_ALEN);
	arp->ar_tip = tip;
	f->len = ETH_HLEN + sizeof(*arp);
}

struct net_device *net_test_nic(struct ktest *t)
{
	struct net_device *dev = tnic_create(our_mac);

	ASSERT_NOT_NULL(t, dev);
	if (inet_addr_set(dev, OUR_IP, 24)) {
		tnic_destroy(dev);
		ASSERT_TRUE(t, false);
	}
	return dev;
}

void net_test_nic_destroy(struct net_device *dev)
{
	tnic_destroy(dev);
}

void net_test_learn_peer(struct net_device *dev)
{
	struct frame f;

	frame_arp(&f, ARPOP_REQUEST, peer_mac, PEER_IP, OUR_IP);
	tnic_inject(dev, f.data, f.len);
	tnic_tx_purge(dev);
}

bool tnic_next_tx(struct net_device *dev, struct frame *f, unsigned int ms)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(ms);
	struct sk_buff *skb;

	while (!(skb = tnic_tx_pop(dev))) {
		if (time_after(jiffies, deadline))
			return false;
		msleep(1);
	}
	memset(f, 0, sizeof(*f));
	f->len = min(skb->len, (unsigned int)sizeof(f->data));
	memcpy(f->data, skb->data, f->len);
	consume_skb(skb);
	return true;
}
