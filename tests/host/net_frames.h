/*
 * SPDX-License-Identifier: MIT
 * tests/host/net_frames.h - valid frames from the peer to us, for the host
 * tests and the fuzz driver's seeds (static inline: each program takes
 * what it uses).  Each returns the frame's length in @buf (>= 128 bytes;
 * nf_tcp's: 128 + the options and the payload).
 */
#ifndef TESTS_HOST_NET_FRAMES_H
#define TESTS_HOST_NET_FRAMES_H

#include <net/arp.h>
#include <net/checksum.h>
#include <net/ethernet.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/tcp.h>
#include <net/udp.h>
#include <string.h>

#include "net_host_env.h"

static inline unsigned int nf_eth(u8 *buf, const u8 *dst, u16 proto)
{
	struct ethhdr *eth = (struct ethhdr *)buf;

	memcpy(eth->h_dest, dst, ETH_ALEN);
	memcpy(eth->h_source, host_peer_mac, ETH_ALEN);
	eth->h_proto = htons(proto);
	return ETH_HLEN;
}

static inline unsigned int nf_ip(u8 *buf, u8 proto, unsigned int payload)
{
	struct iphdr *iph = (struct iphdr *)(buf + ETH_HLEN);

	nf_eth(buf, host_our_mac, ETH_P_IP);
	memset(iph, 0, sizeof(*iph));
	iph->version = 4;
	iph->ihl = 5;
	iph->tot_len = htons(20 + payload);
	iph->ttl = 64;
	iph->protocol = proto;
	iph->saddr = HOST_PEER_IP;
	iph->daddr = HOST_OUR_IP;
	iph->check = ip_fast_csum(iph, 5);
	return ETH_HLEN + 20 + payload;
}

static inline unsigned int nf_udp(u8 *buf, u16 dport, const char *payload)
{
	unsigned int n = (unsigned int)strlen(payload), len = nf_ip(buf, IPPROTO_UDP, 8 + n);
	struct udphdr *uh = (struct udphdr *)(buf + ETH_HLEN + 20);

	uh->source = htons(5555);
	uh->dest = htons(dport);
	uh->len = htons(8 + n);
	uh->check = 0;
	memcpy(uh + 1, payload, n);
	uh->check = csum_tcpudp_magic(HOST_PEER_IP, HOST_OUR_IP, 8 + n, IPPROTO_UDP,
				      csum_partial(uh, (int)(8 + n), 0));
	if (!uh->check)
		uh->check = 0xffff;
	return len;
}

static inline unsigned int nf_echo(u8 *buf, const char *payload)
{
	unsigned int n = (unsigned int)strlen(payload), len = nf_ip(buf, IPPROTO_ICMP, 8 + n);
	struct icmphdr *icmph = (struct icmphdr *)(buf + ETH_HLEN + 20);

	memset(icmph, 0, sizeof(*icmph));
	icmph->type = ICMP_ECHO;
	icmph->un.echo.id = htons(0x77);
	icmph->un.echo.sequence = htons(1);
	memcpy(icmph + 1, payload, n);
	icmph->checksum = ip_compute_csum(icmph, (int)(8 + n));
	return len;
}

static inline unsigned int nf_arp(u8 *buf, u16 op, __be32 tip)
{
	struct arp_eth_ipv4 *arp = (struct arp_eth_ipv4 *)(buf + ETH_HLEN);
	static const u8 bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	nf_eth(buf, op == ARPOP_REQUEST ? bcast : host_our_mac, ETH_P_ARP);
	memset(arp, 0, sizeof(*arp));
	arp->hdr.ar_hrd = htons(ARPHRD_ETHER);
	arp->hdr.ar_pro = htons(ETH_P_IP);
	arp->hdr.ar_hln = ETH_ALEN;
	arp->hdr.ar_pln = 4;
	arp->hdr.ar_op = htons(op);
	memcpy(arp->ar_sha, host_peer_mac, ETH_ALEN);
	arp->ar_sip = HOST_PEER_IP;
	arp->ar_tip = tip;
	return ETH_HLEN + sizeof(*arp);
}

/*
 * A TCP segment from the peer's @sport to our @dport: @flags TCPHDR_*,
 * @olen bytes of options @opt (a multiple of 4, at most 40), @len bytes of
 * @data; checksums valid.
 */
static inline unsigned int nf_tcp(u8 *buf, u16 sport, u16 dport, u32 seq, u32 ack, u8 flags,
				  u16 win, const u8 *opt, unsigned int olen, const u8 *data,
				  unsigned int len)
{
	unsigned int hlen = sizeof(struct tcphdr) + olen;
	unsigned int n = nf_ip(buf, IPPROTO_TCP, hlen + len);
	struct tcphdr *th = (struct tcphdr *)(buf + ETH_HLEN + 20);

	memset(th, 0, sizeof(*th));
	th->source = htons(sport);
	th->dest = htons(dport);
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	th->doff = hlen / 4;
	((u8 *)th)[13] = flags;
	th->window = htons(win);
	if (olen)
		memcpy(th + 1, opt, olen);
	if (len)
		memcpy((u8 *)th + hlen, data, len);
	th->check = csum_tcpudp_magic(HOST_PEER_IP, HOST_OUR_IP, hlen + len, IPPROTO_TCP,
				      csum_partial(th, (int)(hlen + len), 0));
	return n;
}

#endif
