/*
 * SPDX-License-Identifier: MIT
 * net/icmp.h - ICMP (RFC 792): echo request and reply, i.e. ping.
 *
 *   0       8       16              31
 *   +-------+-------+---------------+
 *   | type  | code  |   checksum    |    checksum over the whole ICMP message
 *   +-------+-------+---------------+
 *   |  identifier   |   sequence    |    (echo messages)
 *   +---------------+---------------+
 *   |  data ...                     |    echoed back unchanged
 *
 * We answer every echo request sent to one of our unicast addresses (RFC
 * 1122 section 3.2.2.6: MUST), ignore echo requests to broadcast addresses
 * (MAY; counted as ICMP_BROADCAST), hand echo replies to whoever waits in
 * icmp_ping(), and count and consume every other type.
 */
#ifndef NET_ICMP_H
#define NET_ICMP_H

#include <kernel/compiler.h>
#include <kernel/types.h>
#include <net/byteorder.h>
#include <net/dropreason.h>

struct sk_buff;

#define ICMP_ECHOREPLY	   0
#define ICMP_DEST_UNREACH  3
#define ICMP_ECHO	   8
#define ICMP_TIME_EXCEEDED 11

struct icmphdr {
	u8 type;
	u8 code;
	__sum16 checksum;
	union {
		struct {
			__be16 id;
			__be16 sequence;
		} echo;
		__be32 gateway;
	} un;
} __packed;
_Static_assert(sizeof(struct icmphdr) == 8, "ICMP header is 8 octets");

/*
 * icmp_hdr_check - is @data, an ICMP message of @len bytes, whole?
 * Returns SKB_NOT_DROPPED_YET, ICMP_TRUNCATED (under 8 bytes) or
 * ICMP_CSUM.  Pure: runs on the host.
 */
enum skb_drop_reason icmp_hdr_check(const void *data, unsigned int len);

/*
 * icmp_rcv - handle one ICMP message (skb->data at the ICMP header; the
 * IP header before it).  Consumes @skb.  Returns NET_RX_SUCCESS or
 * NET_RX_DROP.  Context: softirq.
 */
int icmp_rcv(struct sk_buff *skb);

/*
 * icmp_ping - send one echo request of @len data bytes to @daddr with
 * identifier @id and sequence @seq, and wait at most @timeout_ms for the
 * matching reply.  On success *@rtt_ns (if not NULL) is the round-trip
 * time.  Returns 0, -ETIMEDOUT, -ENETUNREACH, -EMSGSIZE, -ENOMEM,
 * -EBADMSG when the reply's data differs from what was sent, or -EINTR
 * when a signal (Ctrl-C) ended the wait.  Context: thread, sleeps.
 */
int icmp_ping(__be32 daddr, u16 id, u16 seq, unsigned int len, unsigned int timeout_ms,
	      u64 *rtt_ns);

/* ICMP counters, RFC 4293's icmpMsgStats subset. */
struct icmp_mib {
	unsigned long InMsgs;
	unsigned long InErrors; /* truncated, bad checksum */
	unsigned long InEchos;
	unsigned long InEchoReps;
	unsigned long OutMsgs;
	unsigned long OutEchos;
	unsigned long OutEchoReps;
};
extern struct icmp_mib icmp_mib;

#endif
