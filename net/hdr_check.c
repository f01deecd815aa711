/*
 * SPDX-License-Identifier: MIT
 * net/hdr_check.c - "does this header hold together?", for each protocol.
 *
 * The receive path of every protocol starts with one of these checks.
 * They are pure functions of the bytes (plus the addresses UDP's
 * pseudo-header needs): no sk_buff, no device, no locks.  That keeps the
 * rules of each RFC in one readable place, and lets tests/host run them
 * under AddressSanitizer and UBSan on crafted and fuzzed packets.
 *
 * Each returns SKB_NOT_DROPPED_YET or the reason to drop; the caller
 * counts and frees.  Every read is bounded by the length it was given
 * before it is made.  Also here: the names of the drop reasons, and
 * address parsing for the command line and the monitor.
 */
#include <errno.h>
#include <net/arp.h>
#include <net/checksum.h>
#include <net/ethernet.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/udp.h>

enum skb_drop_reason eth_hdr_check(const void *frame, unsigned int len)
{
	if (len < ETH_HLEN)
		return SKB_DROP_REASON_PKT_TOO_SMALL;
	return SKB_NOT_DROPPED_YET;
}

/*
 * RFC 826 "Packet Reception": "?Do I have the hardware type in ar$hrd? ...
 * ?Do I speak the protocol in ar$pro?"
 */
enum skb_drop_reason arp_hdr_check(const void *data, unsigned int len)
{
	const struct arp_eth_ipv4 *arp = data;

	if (len < sizeof(struct arphdr))
		return SKB_DROP_REASON_ARP_TRUNCATED;
	if (arp->hdr.ar_hrd != htons(ARPHRD_ETHER) || arp->hdr.ar_pro != htons(ETH_P_IP) ||
	    arp->hdr.ar_hln != ETH_ALEN || arp->hdr.ar_pln != 4)
		return SKB_DROP_REASON_ARP_INVALID;
	if (len < sizeof(*arp))
		return SKB_DROP_REASON_ARP_TRUNCATED;
	if (arp->hdr.ar_op != htons(ARPOP_REQUEST) && arp->hdr.ar_op != htons(ARPOP_REPLY))
		return SKB_DROP_REASON_ARP_INVALID;
	/* No station sends from a group address; no group has an ARP entry. */
	if (is_multicast_ether_addr(arp->ar_sha) || ipv4_is_multicast(arp->ar_sip) ||
	    ipv4_is_lbcast(arp->ar_sip) || ipv4_is_loopback(arp->ar_sip))
		return SKB_DROP_REASON_ARP_MARTIAN;
	if (ipv4_is_multicast(arp->ar_tip) || ipv4_is_loopback(arp->ar_tip))
		return SKB_DROP_REASON_ARP_MARTIAN;
	return SKB_NOT_DROPPED_YET;
}

/* RFC 1122 section 3.2.1.3: sources a datagram can never have. */
static bool ip_src_is_martian(__be32 saddr)
{
	return ipv4_is_multicast(saddr) || ipv4_is_lbcast(saddr) || ipv4_is_zeronet(saddr) ||
	       ipv4_is_reserved(saddr);
}

enum skb_drop_reason ip_hdr_check(const void *data, unsigned int len)
{
	const struct iphdr *iph = data;
	unsigned int hlen, tot_len;

	if (len < sizeof(*iph))
		return SKB_DROP_REASON_IP_TRUNCATED;
	if (iph->version != IPVERSION || iph->ihl < 5)
		return SKB_DROP_REASON_IP_INHDR;
	hlen = iph->ihl * 4u;
	/* 3.10 parses options (ip_options_compile); we skip them: docs/linux-3.10.md */
	if (hlen > len)
		return SKB_DROP_REASON_IP_TRUNCATED;
	/* RFC 791 section 3.1: the checksum field is summed with the rest; 0 means intact. */
	if (ip_fast_csum(iph, iph->ihl))
		return SKB_DROP_REASON_IP_CSUM;
	tot_len = ntohs(iph->tot_len);
	if (tot_len < hlen)
		return SKB_DROP_REASON_IP_INHDR;
	if (tot_len > len)
		return SKB_DROP_REASON_IP_TRUNCATED;
	if (ip_src_is_martian(iph->saddr))
		return SKB_DROP_REASON_IP_MARTIAN_SRC;
	return SKB_NOT_DROPPED_YET;
}

enum skb_drop_reason icmp_hdr_check(const void *data, unsigned int len)
{
	if (len < sizeof(struct icmphdr))
		return SKB_DROP_REASON_ICMP_TRUNCATED;
	/* RFC 792: the checksum covers the ICMP message, type through data. */
	if (ip_compute_csum(data, (int)len))
		return SKB_DROP_REASON_ICMP_CSUM;
	return SKB_NOT_DROPPED_YET;
}

/* 3.10's icmp_unreach checks the IP header's length and IHL; the version too here. */
enum skb_drop_reason icmp_quote_check(const void *data, unsigned int len)
{
	const struct iphdr *iph = data;

	if (len < sizeof(*iph))
		return SKB_DROP_REASON_ICMP_QUOTE_TRUNCATED;
	if (iph->version != IPVERSION || iph->ihl < 5)
		return SKB_DROP_REASON_ICMP_QUOTE_INVALID;
	/* RFC 1122 section 3.2.2: the header and at least 8 bytes: what a protocol needs. */
	if (len < iph->ihl * 4u + 8)
		return SKB_DROP_REASON_ICMP_QUOTE_TRUNCATED;
	return SKB_NOT_DROPPED_YET;
}

enum skb_drop_reason udp_hdr_check(const void *data, unsigned int len, __be32 saddr, __be32 daddr)
{
	const struct udphdr *uh = data;
	unsigned int ulen;

	if (len < sizeof(*uh))
		return SKB_DROP_REASON_UDP_TRUNCATED;
	ulen = ntohs(uh->len);
	if (ulen < sizeof(*uh) || ulen > len)
		return SKB_DROP_REASON_UDP_BADLEN;
	/*
	 * RFC 768: "An all zero transmitted checksum value means that the
	 * transmitter generated no checksum".
	 */
	if (uh->check &&
	    csum_tcpudp_magic(saddr, daddr, ulen, IPPROTO_UDP, csum_partial(data, (int)ulen, 0)))
		return SKB_DROP_REASON_UDP_CSUM;
	return SKB_NOT_DROPPED_YET;
}

static const char *const drop_reason_names[SKB_DROP_REASON_MAX] = {
	[SKB_NOT_DROPPED_YET] = "NOT_DROPPED_YET",
	[SKB_DROP_REASON_NOT_SPECIFIED] = "NOT_SPECIFIED",
	[SKB_DROP_REASON_NOMEM] = "NOMEM",
	[SKB_DROP_REASON_DEV_DOWN] = "DEV_DOWN",
	[SKB_DROP_REASON_PKT_TOO_SMALL] = "PKT_TOO_SMALL",
	[SKB_DROP_REASON_OTHERHOST] = "OTHERHOST",
	[SKB_DROP_REASON_UNHANDLED_PROTO] = "UNHANDLED_PROTO",
	[SKB_DROP_REASON_CPU_BACKLOG] = "CPU_BACKLOG",
	[SKB_DROP_REASON_PFMEMALLOC] = "PFMEMALLOC",
	[SKB_DROP_REASON_ARP_TRUNCATED] = "ARP_TRUNCATED",
	[SKB_DROP_REASON_ARP_INVALID] = "ARP_INVALID",
	[SKB_DROP_REASON_ARP_MARTIAN] = "ARP_MARTIAN",
	[SKB_DROP_REASON_NEIGH_FAILED] = "NEIGH_FAILED",
	[SKB_DROP_REASON_NEIGH_QUEUEFULL] = "NEIGH_QUEUEFULL",
	[SKB_DROP_REASON_NEIGH_CREATEFAIL] = "NEIGH_CREATEFAIL",
	[SKB_DROP_REASON_IP_TRUNCATED] = "IP_TRUNCATED",
	[SKB_DROP_REASON_IP_INHDR] = "IP_INHDR",
	[SKB_DROP_REASON_IP_CSUM] = "IP_CSUM",
	[SKB_DROP_REASON_IP_MARTIAN_SRC] = "IP_MARTIAN_SRC",
	[SKB_DROP_REASON_IP_NOT_OURS] = "IP_NOT_OURS",
	[SKB_DROP_REASON_IP_NOPROTO] = "IP_NOPROTO",
	[SKB_DROP_REASON_IP_OUTNOROUTES] = "IP_OUTNOROUTES",
	[SKB_DROP_REASON_IP_TOOBIG] = "IP_TOOBIG",
	[SKB_DROP_REASON_FRAG_BAD] = "FRAG_BAD",
	[SKB_DROP_REASON_DUP_FRAG] = "DUP_FRAG",
	[SKB_DROP_REASON_FRAG_OVERLAP] = "FRAG_OVERLAP",
	[SKB_DROP_REASON_FRAG_TOO_BIG] = "FRAG_TOO_BIG",
	[SKB_DROP_REASON_FRAG_REASM_TIMEOUT] = "FRAG_REASM_TIMEOUT",
	[SKB_DROP_REASON_FRAG_EVICTED] = "FRAG_EVICTED",
	[SKB_DROP_REASON_ICMP_TRUNCATED] = "ICMP_TRUNCATED",
	[SKB_DROP_REASON_ICMP_CSUM] = "ICMP_CSUM",
	[SKB_DROP_REASON_ICMP_BROADCAST] = "ICMP_BROADCAST",
	[SKB_DROP_REASON_ICMP_QUOTE_TRUNCATED] = "ICMP_QUOTE_TRUNCATED",
	[SKB_DROP_REASON_ICMP_QUOTE_INVALID] = "ICMP_QUOTE_INVALID",
	[SKB_DROP_REASON_ICMP_QUOTE_NOT_OURS] = "ICMP_QUOTE_NOT_OURS",
	[SKB_DROP_REASON_UDP_TRUNCATED] = "UDP_TRUNCATED",
	[SKB_DROP_REASON_UDP_BADLEN] = "UDP_BADLEN",
	[SKB_DROP_REASON_UDP_CSUM] = "UDP_CSUM",
	[SKB_DROP_REASON_NO_SOCKET] = "NO_SOCKET",
	[SKB_DROP_REASON_SOCKET_RCVBUFF] = "SOCKET_RCVBUFF",
	[SKB_DROP_REASON_TCP_TRUNCATED] = "TCP_TRUNCATED",
	[SKB_DROP_REASON_TCP_CSUM] = "TCP_CSUM",
	[SKB_DROP_REASON_TCP_FLAGS] = "TCP_FLAGS",
	[SKB_DROP_REASON_TCP_RESET] = "TCP_RESET",
	[SKB_DROP_REASON_TCP_INVALID_SEQUENCE] = "TCP_INVALID_SEQUENCE",
	[SKB_DROP_REASON_TCP_INVALID_SYN] = "TCP_INVALID_SYN",
	[SKB_DROP_REASON_TCP_ACK_UNSENT_DATA] = "TCP_ACK_UNSENT_DATA",
	[SKB_DROP_REASON_TCP_CLOSE] = "TCP_CLOSE",
	[SKB_DROP_REASON_TCP_OFOMERGE] = "TCP_OFOMERGE",
	[SKB_DROP_REASON_TCP_LISTEN_OVERFLOW] = "TCP_LISTEN_OVERFLOW",
	[SKB_DROP_REASON_TX_QUEUE_FULL] = "TX_QUEUE_FULL",
	[SKB_DROP_REASON_NETEM] = "NETEM",
	[SKB_DROP_REASON_QDISC_DROP] = "QDISC_DROP",
};

const char *skb_drop_reason_name(enum skb_drop_reason reason)
{
	if ((unsigned int)reason >= SKB_DROP_REASON_MAX || !drop_reason_names[reason])
		return "?";
	return drop_reason_names[reason];
}

/* One decimal part 0..255 of a dotted quad, no sign, no leading junk; advances *@s. */
static int parse_octet(const char **s, unsigned int *out)
{
	const char *p = *s;
	unsigned int v = 0;
	int digits = 0;

	while (*p >= '0' && *p <= '9' && digits < 4) {
		v = v * 10 + (unsigned int)(*p - '0');
		p++;
		digits++;
	}
	if (!digits || digits > 3 || v > 255)
		return -EINVAL;
	*s = p;
	*out = v;
	return 0;
}

/* Parse "a.b.c.d" at *@s; advance past it. */
static int parse_quad(const char **s, __be32 *addr)
{
	u32 host = 0;

	for (int i = 0; i < 4; i++) {
		unsigned int octet;

		if (i && *(*s)++ != '.')
			return -EINVAL;
		if (parse_octet(s, &octet))
			return -EINVAL;
		host = host << 8 | octet;
	}
	*addr = htonl(host);
	return 0;
}

int ip4_parse(const char *s, __be32 *addr)
{
	__be32 a;

	if (!s || parse_quad(&s, &a) || *s)
		return -EINVAL;
	*addr = a;
	return 0;
}

int ip4_parse_prefix(const char *s, __be32 *addr, int *prefixlen)
{
	unsigned int plen;
	__be32 a;

	if (!s || parse_quad(&s, &a))
		return -EINVAL;
	if (*s == '/') {
		s++;
		if (parse_octet(&s, &plen) || plen > 32 || *s)
			return -EINVAL;
		*prefixlen = (int)plen;
	} else if (*s) {
		return -EINVAL;
	}
	*addr = a;
	return 0;
}
