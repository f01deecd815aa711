/*
 * SPDX-License-Identifier: MIT
 * net/checksum.c - the Internet checksum of RFC 1071.
 *
 * The sum is accumulated 64 bits at a time, each carry out of the top
 * added back in at once (RFC 1071 section 2(B): the ones' complement sum
 * of 16-bit words is the same whatever the width of the adds, with an
 * end-around carry), and folded to 32 bits at the end.  On x86-64 a round
 * is four add-with-carry instructions over 32 bytes, as 3.10's do_csum
 * (arch/x86/lib/csum-partial_64.c) unrolls it; a 1460-byte segment costs
 * about 400 instructions instead of 1,800.  Reads go through memcpy (or
 * the asm), so a header at an odd address (an IP header behind a 14-byte
 * Ethernet header) is summed without an unaligned access the sanitizers
 * would flag; x86 loads any alignment.  The compiler's __builtin_memcpy:
 * -ffreestanding would otherwise call the library's for each word.
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

/* @acc plus the 8 bytes at @p, the carry out of the top added back in (end-around). */
static inline u64 add64_carry(u64 acc, const u8 *p)
{
	u64 w64;

	__builtin_memcpy(&w64, p, 8);
	acc += w64;
	return acc + (acc < w64);
}

#ifdef __x86_64__
/*
 * @acc plus the @rounds x 32 bytes at @p, each carry added back (the last by
 * adc $0).  Out of line: the short sums (headers) then need no frame.
 */
static __attribute__((noinline)) u64 csum_rounds(const u8 *p, size_t rounds, u64 acc)
{
	asm("clc\n"
	    "1:\tadcq 0(%[p]), %[acc]\n\t"
	    "adcq 8(%[p]), %[acc]\n\t"
	    "adcq 16(%[p]), %[acc]\n\t"
	    "adcq 24(%[p]), %[acc]\n\t"
	    "leaq 32(%[p]), %[p]\n\t" /* lea and dec: the carry flag stays */
	    "decq %[n]\n\t"
	    "jnz 1b\n\t"
	    "adcq $0, %[acc]"
	    : [acc] "+r"(acc), [p] "+r"(p), [n] "+r"(rounds)
	    : "m"(*(const u8(*)[rounds * 32]) p)
	    : "cc");
	return acc;
}
#endif

__wsum csum_partial(const void *buff, int len, __wsum sum)
{
	const u8 *p = buff;
	u64 acc = sum;
	u32 w32;
	u16 w16;

	if (len <= 0)
		return sum;
#ifdef __x86_64__
	if (len >= 32) {
		acc = csum_rounds(p, (size_t)len / 32, acc);
		p += len & ~31;
		len %= 32;
	}
	/* Fewer than 32 bytes left: 16, then 8, by the bits of the length, with no loop. */
	if (len & 16) {
		acc = add64_carry(acc, p);
		acc = add64_carry(acc, p + 8);
		p += 16;
	}
	if (len & 8) {
		acc = add64_carry(acc, p);
		p += 8;
	}
	len &= 7;
#endif
	while (len >= 8) {
		acc = add64_carry(acc, p);
		p += 8;
		len -= 8;
	}
	acc = fold64(acc); /* 32 bits: the few adds below cannot carry out */
	while (len >= 4) {
		__builtin_memcpy(&w32, p, 4);
		acc += w32;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		__builtin_memcpy(&w16, p, 2);
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
	const u8 *p = iph;
	unsigned int i = 0;
	u64 acc = 0;
	u32 w0, w1, w2, w3, w4;

	/* At most 15 words of 32 bits: a 64-bit sum cannot carry out. */
	if (ihl >= 5) {
		/* Every valid header: its five words, each into a register, without a loop. */
		__builtin_memcpy(&w0, p, 4);
		__builtin_memcpy(&w1, p + 4, 4);
		__builtin_memcpy(&w2, p + 8, 4);
		__builtin_memcpy(&w3, p + 12, 4);
		__builtin_memcpy(&w4, p + 16, 4);
		acc = (u64)w0 + w1 + w2 + w3 + w4;
		i = 5;
	}
	for (; i < ihl; i++) {
		__builtin_memcpy(&w0, p + 4 * i, 4);
		acc += w0;
	}
	return csum_fold(fold64(acc));
}
