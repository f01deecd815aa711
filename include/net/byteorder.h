/*
 * SPDX-License-Identifier: MIT
 * net/byteorder.h - network byte order (big-endian) on a little-endian CPU.
 *
 * Every multi-byte field on the wire is big-endian ("network byte order",
 * RFC 791 Appendix B); x86 is little-endian.  The types say which order a
 * value is in, as Linux's do:
 *
 *   __be16, __be32   as it sits in a packet header: convert before arithmetic
 *   u16, u32         host order: ready for arithmetic and printing
 *   __sum16          a folded Internet checksum as stored in a header
 *   __wsum           a 32-bit partial checksum sum, not yet folded
 *
 *   ntohs(iph->tot_len) < 20      host value from the wire
 *   uh->len = htons(8 + n)        wire value from the host
 *
 * Linux makes these distinct types for its checker (sparse); here they are
 * plain integers and the names are the documentation.
 */
#ifndef NET_BYTEORDER_H
#define NET_BYTEORDER_H

#include <kernel/types.h>

typedef u16 __be16;
typedef u32 __be32;
typedef u16 __sum16;
typedef u32 __wsum;

static inline u16 __swab16(u16 x)
{
	return __builtin_bswap16(x);
}

static inline u32 __swab32(u32 x)
{
	return __builtin_bswap32(x);
}

#define htons(x) ((__be16)__swab16((u16)(x)))
#define ntohs(x) ((u16)__swab16((__be16)(x)))
#define htonl(x) ((__be32)__swab32((u32)(x)))
#define ntohl(x) ((u32)__swab32((__be32)(x)))

/* Constant forms, usable in case labels and static initializers. */
/* clang-format 14 reads "(x) & y" or "(x) - y" in a macro as a cast: left as written. */
/* clang-format off */
#define __constant_htons(x)	((__be16)((((x) & 0xffU) << 8) | (((x) >> 8) & 0xffU)))
#define __constant_htonl(x)                                                  \
	((__be32)((((x) & 0xffUL) << 24) | (((x) & 0xff00UL) << 8) |          \
		  (((x) >> 8) & 0xff00UL) | (((x) >> 24) & 0xffUL)))
/* clang-format on */

#endif
