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
 * icmp_ping(), and count and consume every other type but the errors.
 *
 * Errors (RFC 1122 section 3.2.2).  icmp_send() reports a problem with a
 * datagram to its sender: the second word is @info (the next-hop MTU for
 * ICMP_FRAG_NEEDED, 0 for the others), the data is the datagram's IP header
 * and as much of what follows as keeps the error within 576 bytes:
 *
 *   +-------+-------+---------------+
 *   | type  | code  |   checksum    |    ICMP_DEST_UNREACH, ICMP_TIME_EXCEEDED,
 *   +-------+-------+---------------+    ICMP_PARAMETERPROB
 *   |       unused / info           |    FRAG_NEEDED: 16 bits unused, the MTU
 *   +-------------------------------+
 *   | the datagram's IP header, its |    at least the header and 8 bytes
 *   | first 8 data bytes, more ...  |    (RFC 1122 3.2.2: the ports of UDP)
 *
 * A received error is checked (the quote is one of our datagrams) and handed
 * to the protocol of the quoted datagram (udp_err), which tells its socket.
 * The rules, the rate limit and the life of one error: docs/network.md,
 * "ICMP errors".
 */
#ifndef NET_ICMP_H
#define NET_ICMP_H

#include <kernel/compiler.h>
#include <kernel/types.h>
#include <net/byteorder.h>
#include <net/dropreason.h>

struct sk_buff;

/* Types (3.10's include/uapi/linux/icmp.h). */
#define ICMP_ECHOREPLY	   0
#define ICMP_DEST_UNREACH  3
#define ICMP_SOURCE_QUENCH 4
#define ICMP_REDIRECT	   5
#define ICMP_ECHO	   8
#define ICMP_TIME_EXCEEDED 11
#define ICMP_PARAMETERPROB 12
#define NR_ICMP_TYPES	   18 /* a type above it is unknown: treated as an error */

/* Codes of ICMP_DEST_UNREACH. */
#define ICMP_NET_UNREACH  0
#define ICMP_HOST_UNREACH 1
#define ICMP_PROT_UNREACH 2 /* no handler for the IP protocol */
#define ICMP_PORT_UNREACH 3 /* nobody bound to the UDP port */
#define ICMP_FRAG_NEEDED  4 /* DF set and larger than the MTU; the MTU in un.frag.mtu */
#define NR_ICMP_UNREACH	  15

/* Codes of ICMP_TIME_EXCEEDED. */
#define ICMP_EXC_TTL	  0 /* TTL 0 in transit (a router's) */
#define ICMP_EXC_FRAGTIME 1 /* fragment reassembly time exceeded */

struct icmphdr {
	u8 type;
	u8 code;
	__sum16 checksum;
	union {
		struct {
			__be16 id;
			__be16 sequence;
		} echo;
		__be32 gateway; /* redirect; errors: the info word */
		struct {
			__be16 reserved; /* 3.10's __unused, a macro here */
			__be16 mtu;
		} frag; /* ICMP_FRAG_NEEDED */
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
 * icmp_quote_check - can a protocol read the quote of a received error:
 * @data, the @len bytes after its ICMP header?  It must hold an IPv4
 * header (version 4, IHL >= 5) and the first 8 bytes after it (the ports).
 * Returns SKB_NOT_DROPPED_YET, ICMP_QUOTE_TRUNCATED or ICMP_QUOTE_INVALID.
 * Whose datagram it quotes is the caller's question.  Pure: runs on the host.
 */
enum skb_drop_reason icmp_quote_check(const void *data, unsigned int len);

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

/*
 * icmp_send - send an ICMP error of @type and @code, with @info in its
 * second word (network order: htonl(mtu) for ICMP_FRAG_NEEDED), to the
 * source of the datagram in @skb_in, whose network header is set (at its
 * IPv4 header) and whose tail ends the datagram; skb_in->dev is where it
 * arrived (NULL for one we built).  @skb_in is not consumed.
 *
 * Nothing is sent (RFC 1122 section 3.2.2, RFC 1812 section 4.3.2.7) about
 * an ICMP error, a fragment other than the first, a datagram sent to a
 * broadcast or multicast address (of the link: skb->pkt_type; or of IP), or
 * one whose source is not one host (0/8, broadcast, multicast, class E,
 * loopback from a wire); nor when there is no route back, and not beyond
 * the rate limit (sysctl_icmp_ratelimit, _ratemask; OutRateLimitHost).
 * The error comes from the address the datagram was sent to if it is ours,
 * else from our address on the route back.  No memory: counted in
 * OutErrors.  3.10's icmp_send.  Context: softirq or thread (GFP_ATOMIC).
 */
void icmp_send(struct sk_buff *skb_in, int type, int code, __be32 info);

/*
 * The rate limit of errors, per destination host (3.10's sysctls
 * icmp_ratelimit and icmp_ratemask; command line icmp.ratelimit=,
 * icmp.ratemask=): a type whose bit is in the mask may be sent once per
 * ratelimit ms on average, in bursts of up to 6 (XRLIM_BURST_FACTOR).
 * 0 ms: no limit.  Never limited: ICMP_FRAG_NEEDED (path MTU discovery
 * depends on it) and errors through the loopback device.
 */
extern long sysctl_icmp_ratelimit; /* ms, default 1000 */
extern long sysctl_icmp_ratemask;  /* default 0x1818: unreachable, quench, time, parameter */
#define XRLIM_BURST_FACTOR 6

/* The errno and "hard error" of each ICMP_DEST_UNREACH code (3.10's icmp_err_convert). */
struct icmp_err {
	int err;	    /* 3.10's .errno; errno is a macro here */
	unsigned fatal : 1; /* hard: ends a connection (RFC 1122 section 4.2.3.9) */
};
extern const struct icmp_err icmp_err_convert[NR_ICMP_UNREACH + 1];

/* ICMP counters, RFC 4293's icmpMsgStats subset (3.10's /proc/net/snmp "Icmp:" names). */
struct icmp_mib {
	unsigned long InMsgs;
	unsigned long InErrors; /* truncated, bad checksum, a bad quote, no socket for it */
	unsigned long InDestUnreachs;
	unsigned long InTimeExcds;
	unsigned long InParmProbs;
	unsigned long InEchos;
	unsigned long InEchoReps;
	unsigned long OutMsgs;
	unsigned long OutErrors;	/* an error not sent for want of memory */
	unsigned long OutRateLimitHost; /* an error the rate limit held back (later Linux's) */
	unsigned long OutDestUnreachs;
	unsigned long OutTimeExcds;
	unsigned long OutParmProbs;
	unsigned long OutEchos;
	unsigned long OutEchoReps;
};
extern struct icmp_mib icmp_mib;

#endif
