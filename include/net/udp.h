/*
 * SPDX-License-Identifier: MIT
 * net/udp.h - UDP (RFC 768): datagrams to ports.
 *
 *   0               16              31
 *   +---------------+---------------+
 *   |  source port  |   dest port   |
 *   +---------------+---------------+
 *   |    length     |   checksum    |    length: header + data, >= 8
 *   +---------------+---------------+
 *   |  data ...                     |
 *
 * The checksum covers a pseudo-header (source and destination address,
 * protocol, UDP length), the header and the data.  0 means "no checksum"
 * (RFC 768); a computed 0 is sent as 0xffff.  We always send one (RFC 1122
 * section 4.1.3.4: MUST default to checksumming) and accept 0 on receive.
 *
 * Receiving: udp_rcv validates, trims the datagram to its UDP length, and
 * queues it on the socket bound to the destination port (net/socket.c).
 * The socket API is in net/sock.h.
 */
#ifndef NET_UDP_H
#define NET_UDP_H

#include <kernel/compiler.h>
#include <kernel/types.h>
#include <net/byteorder.h>
#include <net/dropreason.h>

struct sk_buff;

struct udphdr {
	__be16 source;
	__be16 dest;
	__be16 len;
	__sum16 check;
} __packed;
_Static_assert(sizeof(struct udphdr) == 8, "UDP header is 8 octets");

/*
 * udp_hdr_check - is @data, the @len bytes of IP payload, a whole UDP
 * datagram from @saddr to @daddr?  Returns SKB_NOT_DROPPED_YET,
 * UDP_TRUNCATED (fewer than 8 bytes), UDP_BADLEN (length field < 8 or
 * more than @len) or UDP_CSUM (a non-zero checksum that does not verify).
 * Bytes after the UDP length are allowed (the caller trims them).
 * Pure: runs on the host.
 */
enum skb_drop_reason udp_hdr_check(const void *data, unsigned int len, __be32 saddr, __be32 daddr);

/*
 * udp_rcv - deliver one UDP datagram (skb->data at the UDP header, the IP
 * header before it) to its socket.  Consumes @skb.  Returns NET_RX_SUCCESS
 * or NET_RX_DROP.  Context: softirq.
 */
int udp_rcv(struct sk_buff *skb);

/*
 * udp_err - an ICMP error (@skb->data at the IP header it quotes, at least
 * 8 bytes after it; the ICMP header at the transport header) about a
 * datagram we sent: the socket bound to its source port keeps the errno in
 * sk_err_soft (ECONNREFUSED for a port unreachable).  No socket: counted
 * in icmp_mib.InErrors.  @info is the MTU of a FRAG_NEEDED, the pointer of
 * a parameter problem.  Does not consume @skb.  3.10's udp_err.  Context:
 * softirq.
 */
void udp_err(struct sk_buff *skb, u32 info);

/* UDP counters, Linux's /proc/net/snmp "Udp:" names. */
struct udp_mib {
	unsigned long InDatagrams;  /* queued on a socket */
	unsigned long NoPorts;	    /* nobody bound */
	unsigned long InErrors;	    /* bad length, bad checksum, receive queue full */
	unsigned long RcvbufErrors; /* receive queue full */
	unsigned long InCsumErrors;
	unsigned long OutDatagrams;
};
extern struct udp_mib udp_mib;

#endif
