/*
 * SPDX-License-Identifier: MIT
 * net/checksum.c - the Internet checksum of RFC 1071.
 *
 * The sum is accumulated 32 bits at a time into a 64-bit register: a
 * 64-bit accumulator can take 2^32 such additions before it could overflow,
 * far more than any packet, so carries are folded once, at the end (RFC
 * 1071 section 2(C), "deferred carries").  Reads go through memcpy, so a
 * header at an odd address (an IP header behind a 14-byte Ethernet header)
 * is summed without an unaligned access the sanitizers would flag; the
 * compiler turns each memcpy into one load.
 */
#include <net/checksum.h>
#include <string.h>

/* Fold a 64-bit accumulator to 32 bits, end-around carries included. */
static u32 fold64(u64 acc)
{
	acc = (acc & 0xffffffffULL) + (acc >> 32);
	acc = (acc & 0xffffffffULL) + (acc >> 32);
	return (u32)acc;
}

__wsum csum_partial(const void *buff, int len, __wsum sum)
{
	const u8 *p = buff;
	u64 acc = sum;
	u32 w32;
	u16 w16;

	if (len <= 0)
		return sum;
	while (len >= 4) {
		memcpy(&w32, p, 4);
		acc += w32;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&w16, p, 2);
		acc += w16;
		p += 2;
		len -= 2;
	}
	/*
	 * The odd byte is the high-order byte of a big-endian word padded
	 * with zero (RFC 1071 section 4.1: "add left-over byte, if any").
	 * Read as a little-endian u16 that is just the byte itself.
	 */
	if (len)
		acc += *p;
	return fold64(acc);
}

__sum16 ip_compute_csum(const void *buff, int len)
{
	return csum_fold(csum_partial(buff, len, 0));
}

__sum16 ip_fast_csum(const void *iph, unsigned int ihl)
{
	return ip_compute_csum(iph, (int)ihl * 4);
}

__wsum csum_tcpudp_nofold(__be32 saddr, __be32 daddr, u32 len, u8 proto, __wsum sum)
{
	/*
	 * The pseudo-header of RFC 768 as 16-bit big-endian words: the two
	 * addresses, then {0, proto}, then the length.  Summed in host order
	 * by property (B), the protocol and length must be swapped to the
	 * byte positions they have on the wire.
	 */
	u64 acc = sum;

	acc += saddr;
	acc += daddr;
	acc += htons(proto);
	acc += htons((u16)len);
	return fold64(acc);
}
