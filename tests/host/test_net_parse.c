/*
 * SPDX-License-Identifier: MIT
 * tests/host/test_net_parse.c - the Internet checksum and the header checks
 * of net/hdr_check.c on crafted good and bad packets, under ASan/UBSan.
 *
 * Each packet is built in a heap buffer of exactly its length, so a check
 * that reads one byte too far is an AddressSanitizer report, and at an odd
 * address, so a misaligned access is a UBSan report.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "htest.h"
#include <net/arp.h>
#include <net/checksum.h>
#include <net/ethernet.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/udp.h>

#define SRC htonl(0x0a00020fU) /* 10.0.2.15 */
#define DST htonl(0x0a000202U) /* 10.0.2.2 */

/* A copy of @n bytes at an odd address inside an allocation that ends with them. */
static void *odd_copy(const void *src, size_t n, void **alloc)
{
	u8 *p = malloc(n + 1);

	memcpy(p + 1, src, n);
	*alloc = p;
	return p + 1;
}

/* ---- checksum -------------------------------------------------------- */

/* RFC 1071 section 3's example: bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2 (in big-endian words). */
HTEST(csum_rfc1071_example)
{
	static const u8 data[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	__wsum s = csum_partial(data, sizeof(data), 0);
	__sum16 c = csum_fold(s);

	CHECK(ntohs((u16)~c) == 0xddf2);
	CHECK(ntohs(c) == 0x220d);
}

/* An IPv4 header whose checksum, 0xb861, is a common worked example. */
HTEST(csum_known_ip_header)
{
	u8 h[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
		     0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
	__sum16 c = ip_fast_csum(h, 5);

	CHECK(ntohs(c) == 0xb861);
	memcpy(h + 10, &c, 2);
	CHECK(ip_fast_csum(h, 5) == 0);
}

HTEST(csum_odd_length_pads_with_zero)
{
	static const u8 odd[] = { 0x12, 0x34, 0x56 };
	static const u8 even[] = { 0x12, 0x34, 0x56, 0x00 };

	CHECK(csum_fold(csum_partial(odd, 3, 0)) == csum_fold(csum_partial(even, 4, 0)));
}

/* Summing in pieces at any split gives the whole sum (RFC 1071 section 2(A), (B)). */
HTEST(csum_partial_sums_at_every_split)
{
	u8 buf[97];
	__wsum whole;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)(i * 37 + 11);
	whole = csum_partial(buf, sizeof(buf), 0);
	for (int split = 0; split <= (int)sizeof(buf); split++) {
		__wsum a = csum_partial(buf, split, 0);
		__wsum b = csum_partial(buf + split, (int)sizeof(buf) - split, 0);

		CHECK(csum_fold(csum_block_add(a, b, split)) == csum_fold(whole));
	}
}

/* RFC 1071 as written: 16-bit words, an odd byte padded, the carries folded as they come. */
static u16 csum_reference(const u8 *p, size_t len, u32 start)
{
	u32 s = (start & 0xffff) + (start >> 16);

	for (size_t i = 0; i < len; i += 2) {
		s += (u32)p[i] | (i + 1 < len ? (u32)p[i + 1] << 8 : 0); /* little-endian words */
		s = (s & 0xffff) + (s >> 16);
	}
	return (u16)((s & 0xffff) + (s >> 16));
}

/* The fold as RFC 1071 does it: add the halves, then the carry that made, then complement. */
static u16 fold_reference(u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

/* csum_fold's one rotate-and-add equals the two-step fold, at the carry edges and at random. */
HTEST(csum_fold_equals_the_two_step_fold)
{
	static const u32 edges[] = { 0,		 1,	     0xffff,	 0x10000,    0x0000ffff,
				     0xffff0001, 0x8000ffff, 0xfffeffff, 0xffff0000, 0xffffffff };
	unsigned int rnd = 777;

	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		CHECK(csum_fold(edges[i]) == fold_reference(edges[i]));
	for (int i = 0; i < 100000; i++) {
		u32 v = (u32)rand_r(&rnd) << 16 ^ (u32)rand_r(&rnd);

		CHECK(csum_fold(v) == fold_reference(v));
	}
}

/* csum_tcpudp_nofold's sum, folded, against RFC 768's pseudo-header words summed one by one. */
static bool pseudo_header_sum_right(__be32 sa, __be32 da, u16 len, u32 sum)
{
	u8 ph[12];

	memcpy(ph, &sa, 4);
	memcpy(ph + 4, &da, 4);
	ph[8] = 0;
	ph[9] = IPPROTO_UDP;
	ph[10] = (u8)(len >> 8);
	ph[11] = (u8)len;
	u16 got = csum_fold(csum_tcpudp_nofold(sa, da, len, IPPROTO_UDP, sum));
	u16 want = (u16)~csum_reference(ph, sizeof(ph), sum);

	return got == want;
}

/* The pseudo-header's sum, all-ones included, and one whose first fold carries again. */
HTEST(csum_tcpudp_nofold_equals_the_pseudo_header_words)
{
	static const u32 vals[] = { 0, 1, 0x0000ffff, 0xffff0000, 0xfffffffe, 0xffffffff };

	for (size_t a = 0; a < 6; a++)
		for (size_t b = 0; b < 6; b++)
			for (size_t c = 0; c < 6; c++)
				CHECK(pseudo_header_sum_right(vals[a], vals[b],
							      (u16)(vals[c] ^ 0x1234), vals[c]));
	/*
	 * 0xffffffff + (2^32 - x) + x = 0x1ffffffff, x the protocol and length as
	 * summed: the first fold gives 2^32, and only the end-around carry after it
	 * keeps the 1.
	 */
	for (u32 len = 0; len < 0x10000; len += 997) {
		u32 x = htons(IPPROTO_UDP) + htons((u16)len);

		CHECK(pseudo_header_sum_right(0, 0u - x, (u16)len, 0xffffffff));
	}
}

/*
 * Every length from 0 to 300 at every start offset 0-7, from random bytes
 * and all-ones, from the starting sums 0, 1 and 0xffffffff: the fast
 * rounds (32 bytes with add-with-carry), the 8-, 4-, 2- and 1-byte tails
 * and their carries agree with the plain RFC 1071 sum.
 */
HTEST(csum_partial_equals_rfc1071_at_every_length_offset_and_start)
{
	static const u32 starts[] = { 0, 1, 0xffffffffu };
	u8 buf[320];
	unsigned int rnd = 12345;

	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < sizeof(buf); i++) {
			rnd = rnd * 1103515245u + 12345u;
			buf[i] = pass ? 0xff : (u8)(rnd >> 16);
		}
		for (size_t off = 0; off < 8; off++)
			for (size_t len = 0; len <= 300; len++)
				for (size_t s = 0; s < ARRAY_SIZE(starts); s++) {
					__wsum got = csum_partial(buf + off, (int)len, starts[s]);
					u32 g = ((u32)got & 0xffff) + ((u32)got >> 16);

					g = (g & 0xffff) + (g >> 16);
					if (len && g != csum_reference(buf + off, len, starts[s])) {
						CHECK(!"csum_partial disagrees with RFC 1071");
						return;
					}
				}
	}
}

HTEST(csum_unaligned_and_all_ones)
{
	u8 ones[64];
	void *alloc;
	const u8 *p;

	memset(ones, 0xff, sizeof(ones));
	p = odd_copy(ones, sizeof(ones), &alloc);
	/*
	 * One's complement: a sum of all-ones words is "negative zero", folded
	 * to 0xffff; ~ gives 0.
	 */
	CHECK(ip_compute_csum(p, sizeof(ones)) == 0);
	CHECK(csum_partial(p, 0, 1234) == 1234);
	free(alloc);
}

/* ---- IPv4 ------------------------------------------------------------ */

/* A valid header + @payload bytes of zeroes, checksummed. */
static void make_ip(u8 *buf, unsigned int payload, u8 proto)
{
	struct iphdr *iph = (struct iphdr *)buf;

	memset(buf, 0, sizeof(*iph) + payload);
	iph->version = 4;
	iph->ihl = 5;
	iph->tot_len = htons(sizeof(*iph) + payload);
	iph->ttl = 64;
	iph->protocol = proto;
	iph->saddr = SRC;
	iph->daddr = DST;
	iph->check = ip_fast_csum(iph, 5);
}

static void ip_recsum(u8 *buf)
{
	struct iphdr *iph = (struct iphdr *)buf;

	iph->check = 0;
	iph->check = ip_fast_csum(iph, iph->ihl);
}

static enum skb_drop_reason ip_check_at_odd(const u8 *buf, unsigned int len)
{
	void *alloc;
	const void *p = odd_copy(buf, len, &alloc);
	enum skb_drop_reason r = ip_hdr_check(p, len);

	free(alloc);
	return r;
}

HTEST(ip_good_header_passes)
{
	u8 buf[28];

	make_ip(buf, 8, IPPROTO_UDP);
	CHECK(ip_check_at_odd(buf, 28) == SKB_NOT_DROPPED_YET);
	/* Ethernet padding after the datagram is fine. */
	CHECK(ip_hdr_check(buf, 28) == SKB_NOT_DROPPED_YET);
}

HTEST(ip_truncated_at_every_length)
{
	u8 buf[28];

	make_ip(buf, 8, IPPROTO_UDP);
	for (unsigned int len = 0; len < 28; len++)
		CHECK(ip_check_at_odd(buf, len) == SKB_DROP_REASON_IP_TRUNCATED);
}

HTEST(ip_bad_version_and_ihl)
{
	u8 buf[28];
	struct iphdr *iph = (struct iphdr *)buf;

	make_ip(buf, 8, IPPROTO_UDP);
	iph->version = 6;
	ip_recsum(buf);
	CHECK(ip_check_at_odd(buf, 28) == SKB_DROP_REASON_IP_INHDR);

	make_ip(buf, 8, IPPROTO_UDP);
	iph->ihl = 4;
	CHECK(ip_check_at_odd(buf, 28) == SKB_DROP_REASON_IP_INHDR);

	make_ip(buf, 8, IPPROTO_UDP);
	iph->ihl = 15; /* 60 bytes of header in a 28-byte packet */
	CHECK(ip_check_at_odd(buf, 28) == SKB_DROP_REASON_IP_TRUNCATED);
}

HTEST(ip_options_are_allowed)
{
	u8 buf[32] = { 0 };
	struct iphdr *iph = (struct iphdr *)buf;

	make_ip(buf, 12, IPPROTO_UDP);
	iph->ihl = 6; /* 4 bytes of options: a NOP x3 and EOL */
	buf[20] = 1;
	buf[21] = 1;
	buf[22] = 1;
	buf[23] = 0;
	ip_recsum(buf);
	CHECK(ip_check_at_odd(buf, 32) == SKB_NOT_DROPPED_YET);
}

HTEST(ip_bad_checksum)
{
	u8 buf[28];

	make_ip(buf, 8, IPPROTO_UDP);
	buf[8] ^= 1; /* TTL changed, checksum not */
	CHECK(ip_check_at_odd(buf, 28) == SKB_DROP_REASON_IP_CSUM);
}

HTEST(ip_total_length_wrong)
{
	u8 buf[28];
	struct iphdr *iph = (struct iphdr *)buf;

	make_ip(buf, 8, IPPROTO_UDP);
	iph->tot_len = htons(19);
	ip_recsum(buf);
	CHECK(ip_check_at_odd(buf, 28) == SKB_DROP_REASON_IP_INHDR);

	iph->tot_len = htons(29);
	ip_recsum(buf);
	CHECK(ip_check_at_odd(buf, 28) == SKB_DROP_REASON_IP_TRUNCATED);
}

/* Fragments pass the header check: reassembly (net/ip_fragment.c) judges them. */
HTEST(ip_fragments_pass_the_header_check)
{
	u8 buf[28];
	struct iphdr *iph = (struct iphdr *)buf;

	make_ip(buf, 8, IPPROTO_UDP);
	iph->frag_off = htons(IP_MF);
	ip_recsum(buf);
	CHECK(ip_check_at_odd(buf, 28) == SKB_NOT_DROPPED_YET);
	iph->frag_off = htons(185);
	ip_recsum(buf);
	CHECK(ip_check_at_odd(buf, 28) == SKB_NOT_DROPPED_YET);
	iph->frag_off = htons(IP_DF);
	ip_recsum(buf);
	CHECK(ip_check_at_odd(buf, 28) == SKB_NOT_DROPPED_YET);
}

HTEST(ip_martian_sources)
{
	static const u32 bad[] = { 0xe0000001U, 0xffffffffU, 0x00000000U, 0x00010203U,
				   0xf0000001U };
	u8 buf[28];

	for (size_t i = 0; i < HTEST_COUNT(bad); i++) {
		make_ip(buf, 8, IPPROTO_UDP);
		((struct iphdr *)buf)->saddr = htonl(bad[i]);
		ip_recsum(buf);
		CHECK(ip_check_at_odd(buf, 28) == SKB_DROP_REASON_IP_MARTIAN_SRC);
	}
}

HTEST(ip_ttl_zero_is_accepted_by_a_host)
{
	u8 buf[28];

	make_ip(buf, 8, IPPROTO_UDP);
	buf[8] = 0;
	ip_recsum(buf);
	CHECK(ip_check_at_odd(buf, 28) == SKB_NOT_DROPPED_YET);
}

/* ---- UDP ------------------------------------------------------------- */

static unsigned int make_udp(u8 *buf, const char *payload)
{
	struct udphdr *uh = (struct udphdr *)buf;
	unsigned int n = (unsigned int)strlen(payload), ulen = 8 + n;

	uh->source = htons(1234);
	uh->dest = htons(7);
	uh->len = htons(ulen);
	uh->check = 0;
	memcpy(buf + 8, payload, n);
	uh->check = csum_tcpudp_magic(SRC, DST, ulen, IPPROTO_UDP, csum_partial(buf, ulen, 0));
	if (!uh->check)
		uh->check = 0xffff;
	return ulen;
}

static enum skb_drop_reason udp_check_at_odd(const u8 *buf, unsigned int len)
{
	void *alloc;
	const void *p = odd_copy(buf, len, &alloc);
	enum skb_drop_reason r = udp_hdr_check(p, len, SRC, DST);

	free(alloc);
	return r;
}

HTEST(udp_good_datagram_passes)
{
	u8 buf[64];
	unsigned int n = make_udp(buf, "hello, odd");

	CHECK(udp_check_at_odd(buf, n) == SKB_NOT_DROPPED_YET);
	/* Trailing bytes beyond the UDP length are the caller's to trim. */
	CHECK(udp_check_at_odd(buf, n + 3) == SKB_NOT_DROPPED_YET);
}

HTEST(udp_truncated_and_bad_lengths)
{
	u8 buf[64];
	unsigned int n = make_udp(buf, "hello");

	for (unsigned int len = 0; len < 8; len++)
		CHECK(udp_check_at_odd(buf, len) == SKB_DROP_REASON_UDP_TRUNCATED);
	for (unsigned int len = 8; len < n; len++)
		CHECK(udp_check_at_odd(buf, len) == SKB_DROP_REASON_UDP_BADLEN);
	((struct udphdr *)buf)->len = htons(7);
	CHECK(udp_check_at_odd(buf, n) == SKB_DROP_REASON_UDP_BADLEN);
}

HTEST(udp_bad_checksum_and_zero_checksum)
{
	u8 buf[64];
	unsigned int n = make_udp(buf, "hello");

	buf[9] ^= 0x20;
	CHECK(udp_check_at_odd(buf, n) == SKB_DROP_REASON_UDP_CSUM);
	((struct udphdr *)buf)->check = 0; /* "no checksum": accepted as is */
	CHECK(udp_check_at_odd(buf, n) == SKB_NOT_DROPPED_YET);
	/* The pseudo-header counts: the same datagram from another source fails. */
	make_udp(buf, "hello");
	CHECK(udp_hdr_check(buf, n, htonl(0x0a00020eU), DST) == SKB_DROP_REASON_UDP_CSUM);
}

/* ---- ICMP ------------------------------------------------------------ */

HTEST(icmp_echo_good_truncated_bad_checksum)
{
	u8 buf[16] = { ICMP_ECHO, 0, 0, 0, 0x12, 0x34, 0x00, 0x01, 'p', 'i', 'n', 'g', 1, 2, 3, 4 };
	__sum16 c = ip_compute_csum(buf, sizeof(buf));
	void *alloc;
	const u8 *p;

	memcpy(buf + 2, &c, 2);
	p = odd_copy(buf, sizeof(buf), &alloc);
	CHECK(icmp_hdr_check(p, sizeof(buf)) == SKB_NOT_DROPPED_YET);
	for (unsigned int len = 0; len < 8; len++)
		CHECK(icmp_hdr_check(p, len) == SKB_DROP_REASON_ICMP_TRUNCATED);
	CHECK(icmp_hdr_check(p, sizeof(buf) - 1) == SKB_DROP_REASON_ICMP_CSUM);
	free(alloc);
}

/* The quote of a received error: an IPv4 header with options and 8 bytes, cut at every length. */
HTEST(icmp_quote_needs_an_ipv4_header_and_8_bytes)
{
	u8 buf[24 + 8] = { 0x46 }; /* version 4, IHL 6: 4 bytes of options */
	void *alloc;
	const u8 *p = odd_copy(buf, sizeof(buf), &alloc);

	CHECK(icmp_quote_check(p, sizeof(buf)) == SKB_NOT_DROPPED_YET);
	for (unsigned int len = 0; len < sizeof(buf); len++)
		CHECK(icmp_quote_check(p, len) == SKB_DROP_REASON_ICMP_QUOTE_TRUNCATED);
	free(alloc);
	buf[0] = 0x45; /* IHL 5: the options count as data, 28 bytes are enough */
	CHECK(icmp_quote_check(buf, 28) == SKB_NOT_DROPPED_YET);
	buf[0] = 0x44; /* IHL below 5 */
	CHECK(icmp_quote_check(buf, sizeof(buf)) == SKB_DROP_REASON_ICMP_QUOTE_INVALID);
	buf[0] = 0x65; /* IPv6 */
	CHECK(icmp_quote_check(buf, sizeof(buf)) == SKB_DROP_REASON_ICMP_QUOTE_INVALID);
}

/* ---- ARP and Ethernet ------------------------------------------------ */

static void make_arp(struct arp_eth_ipv4 *a)
{
	static const u8 mac[ETH_ALEN] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };

	memset(a, 0, sizeof(*a));
	a->hdr.ar_hrd = htons(ARPHRD_ETHER);
	a->hdr.ar_pro = htons(ETH_P_IP);
	a->hdr.ar_hln = 6;
	a->hdr.ar_pln = 4;
	a->hdr.ar_op = htons(ARPOP_REQUEST);
	memcpy(a->ar_sha, mac, ETH_ALEN);
	a->ar_sip = DST;
	a->ar_tip = SRC;
}

static enum skb_drop_reason arp_check_at_odd(const struct arp_eth_ipv4 *a, unsigned int len)
{
	void *alloc;
	const void *p = odd_copy(a, len, &alloc);
	enum skb_drop_reason r = arp_hdr_check(p, len);

	free(alloc);
	return r;
}

HTEST(arp_good_request_and_probe)
{
	struct arp_eth_ipv4 a;

	make_arp(&a);
	CHECK(arp_check_at_odd(&a, sizeof(a)) == SKB_NOT_DROPPED_YET);
	a.ar_sip = 0; /* RFC 5227 probe */
	CHECK(arp_check_at_odd(&a, sizeof(a)) == SKB_NOT_DROPPED_YET);
}

HTEST(arp_truncated_at_every_length)
{
	struct arp_eth_ipv4 a;

	make_arp(&a);
	for (unsigned int len = 0; len < sizeof(a); len++)
		CHECK(arp_check_at_odd(&a, len) == SKB_DROP_REASON_ARP_TRUNCATED);
}

HTEST(arp_invalid_fields)
{
	struct arp_eth_ipv4 a;

	make_arp(&a);
	a.hdr.ar_hrd = htons(6); /* IEEE 802 */
	CHECK(arp_check_at_odd(&a, sizeof(a)) == SKB_DROP_REASON_ARP_INVALID);
	make_arp(&a);
	a.hdr.ar_pro = htons(ETH_P_IPV6);
	CHECK(arp_check_at_odd(&a, sizeof(a)) == SKB_DROP_REASON_ARP_INVALID);
	make_arp(&a);
	a.hdr.ar_hln = 8;
	CHECK(arp_check_at_odd(&a, sizeof(a)) == SKB_DROP_REASON_ARP_INVALID);
	make_arp(&a);
	a.hdr.ar_op = htons(3); /* RARP request */
	CHECK(arp_check_at_odd(&a, sizeof(a)) == SKB_DROP_REASON_ARP_INVALID);
}

HTEST(arp_martians)
{
	struct arp_eth_ipv4 a;

	make_arp(&a);
	a.ar_sha[0] |= 1;
	CHECK(arp_check_at_odd(&a, sizeof(a)) == SKB_DROP_REASON_ARP_MARTIAN);
	make_arp(&a);
	a.ar_sip = INADDR_BROADCAST;
	CHECK(arp_check_at_odd(&a, sizeof(a)) == SKB_DROP_REASON_ARP_MARTIAN);
	make_arp(&a);
	a.ar_tip = htonl(0xe0000001U);
	CHECK(arp_check_at_odd(&a, sizeof(a)) == SKB_DROP_REASON_ARP_MARTIAN);
	make_arp(&a);
	a.ar_tip = INADDR_LOOPBACK;
	CHECK(arp_check_at_odd(&a, sizeof(a)) == SKB_DROP_REASON_ARP_MARTIAN);
}

HTEST(eth_runts)
{
	u8 frame[ETH_HLEN] = { 0 };

	for (unsigned int len = 0; len < ETH_HLEN; len++)
		CHECK(eth_hdr_check(frame, len) == SKB_DROP_REASON_PKT_TOO_SMALL);
	CHECK(eth_hdr_check(frame, ETH_HLEN) == SKB_NOT_DROPPED_YET);
}

/* ---- addresses ------------------------------------------------------- */

HTEST(ip4_parse_good_and_bad)
{
	static const char *const bad[] = { "",		 "1.2.3",   "1.2.3.4.5", "256.1.1.1",
					   "1.2.3.4 ",	 "a.b.c.d", "1..2.3",	 "-1.2.3.4",
					   "1.2.3.0004", "1.2.3.4/" };
	__be32 a = 0;
	int plen = -1;

	CHECK(ip4_parse("10.0.2.15", &a) == 0 && a == SRC);
	CHECK(ip4_parse("0.0.0.0", &a) == 0 && a == 0);
	CHECK(ip4_parse("255.255.255.255", &a) == 0 && a == INADDR_BROADCAST);
	for (size_t i = 0; i < HTEST_COUNT(bad); i++) {
		a = 42;
		CHECK(ip4_parse(bad[i], &a) == -EINVAL && a == 42);
	}
	CHECK(ip4_parse_prefix("10.0.2.15/24", &a, &plen) == 0 && a == SRC && plen == 24);
	plen = 7;
	CHECK(ip4_parse_prefix("10.0.2.2", &a, &plen) == 0 && a == DST && plen == 7);
	CHECK(ip4_parse_prefix("10.0.2.2/33", &a, &plen) == -EINVAL);
	CHECK(ip4_parse_prefix("10.0.2.2/24x", &a, &plen) == -EINVAL);
	CHECK(inet_make_mask(24) == htonl(0xffffff00U) && inet_make_mask(0) == 0 &&
	      inet_make_mask(32) == 0xffffffffU);
}

HTEST(drop_reason_names_are_complete)
{
	for (int r = 0; r < SKB_DROP_REASON_MAX; r++)
		CHECK(strcmp(skb_drop_reason_name(r), "?") != 0);
	CHECK(!strcmp(skb_drop_reason_name(SKB_DROP_REASON_MAX), "?"));
	CHECK(!strcmp(skb_drop_reason_name(SKB_DROP_REASON_IP_CSUM), "IP_CSUM"));
}

static const struct htest tests[] = {
	HTEST_ENTRY(csum_rfc1071_example),
	HTEST_ENTRY(csum_fold_equals_the_two_step_fold),
	HTEST_ENTRY(csum_tcpudp_nofold_equals_the_pseudo_header_words),
	HTEST_ENTRY(csum_known_ip_header),
	HTEST_ENTRY(csum_odd_length_pads_with_zero),
	HTEST_ENTRY(csum_partial_sums_at_every_split),
	HTEST_ENTRY(csum_unaligned_and_all_ones),
	HTEST_ENTRY(csum_partial_equals_rfc1071_at_every_length_offset_and_start),
	HTEST_ENTRY(ip_good_header_passes),
	HTEST_ENTRY(ip_truncated_at_every_length),
	HTEST_ENTRY(ip_bad_version_and_ihl),
	HTEST_ENTRY(ip_options_are_allowed),
	HTEST_ENTRY(ip_bad_checksum),
	HTEST_ENTRY(ip_total_length_wrong),
	HTEST_ENTRY(ip_fragments_pass_the_header_check),
	HTEST_ENTRY(ip_martian_sources),
	HTEST_ENTRY(ip_ttl_zero_is_accepted_by_a_host),
	HTEST_ENTRY(udp_good_datagram_passes),
	HTEST_ENTRY(udp_truncated_and_bad_lengths),
	HTEST_ENTRY(udp_bad_checksum_and_zero_checksum),
	HTEST_ENTRY(icmp_echo_good_truncated_bad_checksum),
	HTEST_ENTRY(icmp_quote_needs_an_ipv4_header_and_8_bytes),
	HTEST_ENTRY(arp_good_request_and_probe),
	HTEST_ENTRY(arp_truncated_at_every_length),
	HTEST_ENTRY(arp_invalid_fields),
	HTEST_ENTRY(arp_martians),
	HTEST_ENTRY(eth_runts),
	HTEST_ENTRY(ip4_parse_good_and_bad),
	HTEST_ENTRY(drop_reason_names_are_complete),
};

int main(void)
{
	return htest_main("test_net_parse", tests, HTEST_COUNT(tests));
}
