/*
 * SPDX-License-Identifier: MIT
 * net/checksum.h - the Internet checksum (RFC 1071), with partial sums.
 *
 * IPv4, ICMP and UDP protect their headers with the 16-bit one's complement
 * of the one's complement sum of the data taken as 16-bit words (RFC 791
 * section 3.1, "Header Checksum").  RFC 1071 section 2 lists the properties
 * that make it cheap:
 *
 *   (A) commutative and associative: sum the pieces in any order, then add
 *       the partial sums (csum_add) - a UDP checksum is the sum of a
 *       pseudo-header that is never sent plus the datagram
 *   (B) byte-order independent: sum the words as the CPU reads them and the
 *       folded result, stored the same way, is right in network order - no
 *       byte swapping anywhere in net/checksum.c
 *   (C) deferred carries: add into a wide accumulator, fold at the end
 *
 * The three steps:
 *
 *   __wsum s = csum_partial(buf, len, 0);     32-bit sum, carries folded in
 *   s = csum_add(s, csum_partial(more, n, 0)); more data (at an even offset;
 *                                               csum_block_add for any offset)
 *   __sum16 c = csum_fold(s);                  16 bits, complemented: what goes
 *                                               in the header
 *
 * Verifying: sum the data *with* the checksum field in it; the folded result
 * is 0 when the data is intact (RFC 1071 section 1, step 3).
 *
 * Names and signatures are Linux's (include/net/checksum.h).  Pure C, no
 * kernel dependencies: tests/host runs it under the sanitizers.
 */
#ifndef NET_CHECKSUM_H
#define NET_CHECKSUM_H

#include <kernel/types.h>
#include <net/byteorder.h>

/*
 * csum_partial - add @len bytes at @buff (any alignment, any length) to the
 * running sum @sum.  An odd final byte is summed as if followed by a zero
 * byte (RFC 1071 section 4.1).  Returns the new 32-bit sum, unfolded.
 * Context: any.
 */
__wsum csum_partial(const void *buff, int len, __wsum sum);

/*
 * csum_fold - fold a 32-bit sum to 16 bits and complement it: the header
 * value.  Write the sum as hi:lo.  Adding it to itself rotated by 16 adds
 * lo + hi in the low half, and in the high half hi + lo plus the carry c
 * out of that low add: (lo + hi) mod 2^16 + c, which is the end-around
 * fold of lo + hi and never carries again (3.10's x86 csum_fold does the
 * same with addl and adcl).  tests/host/test_net_parse.c checks it against
 * the two-step fold.
 */
static inline __sum16 csum_fold(__wsum sum)
{
	u32 r = sum + ((sum << 16) | (sum >> 16));

	return (__sum16)(~r >> 16);
}

/* csum_add - one's complement addition of two partial sums (end-around carry). */
static inline __wsum csum_add(__wsum a, __wsum b)
{
	u32 r = a + b;

	return r + (r < b);
}

/* csum_sub - remove partial sum @b from @a (one's complement subtraction). */
static inline __wsum csum_sub(__wsum a, __wsum b)
{
	return csum_add(a, ~b);
}

/*
 * csum_block_add - add @csum2, the sum of a block that starts @offset
 * bytes into the data summed by @csum.  A block at an odd offset has its
 * bytes in the other halves of the 16-bit words, so its sum is byte-rotated
 * first (RFC 1071 section 2(B)).
 */
static inline __wsum csum_block_add(__wsum csum, __wsum csum2, int offset)
{
	if (offset & 1)
		csum2 = (csum2 << 8) | (csum2 >> 24);
	return csum_add(csum, csum2);
}

/* ip_compute_csum - the folded checksum of @len bytes: csum_fold(csum_partial(buff, len, 0)). */
__sum16 ip_compute_csum(const void *buff, int len);

/* ip_fast_csum - the checksum of an IPv4 header of @ihl 32-bit words; 0 if one is valid. */
__sum16 ip_fast_csum(const void *iph, unsigned int ihl);

/*
 * csum_tcpudp_nofold - add the IPv4 pseudo-header of RFC 768 ("Fields")
 * to @sum: source and destination address, zero, protocol, and @len, the
 * UDP (or TCP) length in host order.  Returns the unfolded sum.
 */
static inline __wsum csum_tcpudp_nofold(__be32 saddr, __be32 daddr, u32 len, u8 proto, __wsum sum)
{
	/*
	 * The pseudo-header of RFC 768 as 16-bit big-endian words: the two
	 * addresses, then {0, proto}, then the length.  Summed in host order
	 * by property (B), the protocol and length must be swapped to the
	 * byte positions they have on the wire.  In line, as 3.10's x86 one:
	 * a handful of adds, on every UDP and TCP segment both ways.
	 */
	u64 acc = (u64)sum + saddr + daddr + htons(proto) + htons((u16)len);

	acc = (acc & 0xffffffffULL) + (acc >> 32); /* below 2^32 + 4 */
	return (u32)(acc + (acc >> 32));	   /* the last carry, end-around */
}

/* csum_tcpudp_magic - csum_fold(csum_tcpudp_nofold(...)). */
static inline __sum16 csum_tcpudp_magic(__be32 saddr, __be32 daddr, u32 len, u8 proto, __wsum sum)
{
	return csum_fold(csum_tcpudp_nofold(saddr, daddr, len, proto, sum));
}

#endif
