/*
 * SPDX-License-Identifier: MIT
 * net/arp.h - the Address Resolution Protocol (RFC 826) for IPv4 over
 * Ethernet, and the neighbour cache it fills.
 *
 * To send an IP packet on Ethernet we need the next hop's MAC address.  We
 * broadcast "who has 10.0.2.2? tell 10.0.2.15"; the owner answers with its
 * MAC; we remember the answer for a while.  The packet, for ARP (28 bytes
 * after the Ethernet header):
 *
 *   0       2       4   5   6       8        14       18       24       28
 *   +-------+-------+---+---+-------+--------+--------+--------+--------+
 *   |  hrd  |  pro  |hln|pln|  op   |  sha   |  sip   |  tha   |  tip   |
 *   +-------+-------+---+---+-------+--------+--------+--------+--------+
 *    1=Eth   0x0800  6   4   1 req   sender   sender   target   target
 *                            2 reply  MAC      IP       MAC      IP
 *
 * The cache (net/arp.c, net/neighbour.c) is a fixed table of
 * ARP_TABLE_SIZE entries; no allocation.  Each entry is in one of these
 * states (Linux's NUD_* names):
 *
 *                    arp_output() miss: request sent, packet queued
 *   NUD_NONE (free) ---------------------------------------------> NUD_INCOMPLETE
 *        ^                                                            |   |
 *        |  max_probes requests unanswered: queue dropped             |   | reply (or a
 *        +------------------------------------------------------------+   | request from it)
 *        |                                                                v
 *        +------------- reachable_ms without news ------------------ NUD_REACHABLE
 *                                                                 queue flushed out
 *
 * Each entry's timer_list drives both transitions: in INCOMPLETE it fires
 * every retrans_ms to ask again; in REACHABLE it fires when the entry is
 * too old and frees it.  The packets waiting for one neighbour hold at
 * most queue_len_bytes bytes of truesize (3.10's unres_qlen_bytes, 64 KiB):
 * a new one pushes out the oldest until it fits (counted as
 * NEIGH_QUEUEFULL); one larger than the limit waits alone.  When the
 * table is full, the least recently updated REACHABLE entry is reused; if
 * every entry is INCOMPLETE, the packet is dropped (NEIGH_CREATEFAIL).
 *
 * Locking, as 3.10: the table's rwlock (which entries exist: read to look
 * up, write to add or free) and a rwlock per entry (its state, MAC and
 * waiting packets), both with bottom halves off; lookups on several CPUs
 * run in parallel.  Packets are never sent with either held.
 */
#ifndef NET_ARP_H
#define NET_ARP_H

#include <kernel/compiler.h>
#include <kernel/types.h>
#include <net/byteorder.h>
#include <net/dropreason.h>
#include <net/ethernet.h>

struct net_device;
struct sk_buff;

#define ARPHRD_ETHER	1   /* ar_hrd of Ethernet (RFC 826: "ares_hrd$Ethernet") */
#define ARPHRD_LOOPBACK 772 /* Linux's device type of the loopback device */
#define ARPOP_REQUEST	1
#define ARPOP_REPLY	2

/* The fixed part, for any hardware and protocol. */
struct arphdr {
	__be16 ar_hrd; /* hardware type: ARPHRD_ETHER */
	__be16 ar_pro; /* protocol type: ETH_P_IP */
	u8 ar_hln;     /* hardware address length: 6 */
	u8 ar_pln;     /* protocol address length: 4 */
	__be16 ar_op;  /* ARPOP_REQUEST or ARPOP_REPLY */
} __packed;
_Static_assert(sizeof(struct arphdr) == 8, "RFC 826 fixed header is 8 octets");

/* The whole packet for Ethernet and IPv4 (Linux spells out the tail by hand). */
struct arp_eth_ipv4 {
	struct arphdr hdr;
	u8 ar_sha[ETH_ALEN]; /* sender hardware address */
	__be32 ar_sip;	     /* sender protocol address */
	u8 ar_tha[ETH_ALEN]; /* target hardware address (zero in a request) */
	__be32 ar_tip;	     /* target protocol address */
} __packed;
_Static_assert(sizeof(struct arp_eth_ipv4) == 28, "Ethernet/IPv4 ARP packet is 28 octets");
_Static_assert(offsetof(struct arp_eth_ipv4, ar_sip) == 14, "ar_sip at octet 14");
_Static_assert(offsetof(struct arp_eth_ipv4, ar_tip) == 24, "ar_tip at octet 24");

/*
 * arp_hdr_check - is @data (@len bytes after the Ethernet header) an
 * Ethernet/IPv4 request or reply we may act on?  Returns
 * SKB_NOT_DROPPED_YET, or ARP_TRUNCATED (short), ARP_INVALID (hardware or
 * protocol type, address lengths, opcode), ARP_MARTIAN (multicast sender
 * MAC; multicast or broadcast sender IP; loopback or multicast target IP).
 * Sender IP 0.0.0.0 passes: that is an address probe (RFC 5227 section
 * 2.1.1).  Pure: runs on the host.
 */
enum skb_drop_reason arp_hdr_check(const void *data, unsigned int len);

/* Neighbour states (Linux's NUD_* names, the subset used here). */
enum {
	NUD_NONE = 0,	/* a free slot */
	NUD_INCOMPLETE, /* request sent, no answer yet */
	NUD_REACHABLE,	/* address known */
};

/* Tunables; tests change them.  Defaults: 60000, 1000, 3, 65536 (3.10's unres_qlen_bytes). */
struct arp_params {
	unsigned int reachable_ms;    /* how long an answer is trusted */
	unsigned int retrans_ms;      /* between two requests for one address */
	unsigned int max_probes;      /* requests before giving up */
	unsigned int queue_len_bytes; /* truesize of the packets waiting for one address */
};
extern struct arp_params arp_params;

#define ARP_TABLE_SIZE 32

/*
 * arp_rcv - handle a received ARP packet (skb->data at the ARP header),
 * following RFC 826 "Packet Reception": update a known sender, learn the
 * sender if we are the target, answer a request for our address.  Consumes
 * @skb.  Returns NET_RX_SUCCESS or NET_RX_DROP.  Context: softirq.
 */
int arp_rcv(struct sk_buff *skb, struct net_device *dev);

/*
 * arp_send - build and transmit one ARP packet of opcode @type.
 * @ptype: ETH_P_ARP.  @dest_hw: Ethernet destination (NULL: broadcast);
 * @src_hw: NULL for the device's address; @target_hw: the ar_tha field
 * (NULL: zero).  Linux's signature.  Returns 0 or -ENOMEM (counted).
 * Context: any but hardirq.
 */
int arp_send(int type, int ptype, __be32 dest_ip, struct net_device *dev, __be32 src_ip,
	     const u8 *dest_hw, const u8 *src_hw, const u8 *target_hw);

/*
 * arp_output - put an Ethernet header on @skb (an IP packet, skb->data at
 * the IP header) for next hop @nexthop on @dev and transmit it, resolving
 * the MAC address first when it is not cached: then the packet waits in
 * the entry's queue and a request goes out.  Broadcast next hops need no
 * resolution.  Consumes @skb.  Returns 0 when sent or queued, -errno when
 * dropped (and counted).  Context: thread or softirq.
 */
int arp_output(struct sk_buff *skb, struct net_device *dev, __be32 nexthop);

/*
 * arp_lookup - copy the MAC of @ip on @dev into @ha if a REACHABLE entry
 * has it.  Returns true if found.  Context: thread or softirq.
 */
bool arp_lookup(struct net_device *dev, __be32 ip, u8 *ha);

/* arp_state - the NUD_* state of @ip on @dev (NUD_NONE: no entry).  For tests and `arp`. */
int arp_state(struct net_device *dev, __be32 ip);

/*
 * arp_cache_flush - forget every entry of @dev (NULL: all), dropping the
 * packets that wait (counted as NEIGH_FAILED) and stopping the timers.
 * Context: thread or softirq.
 */
void arp_cache_flush(struct net_device *dev);

/* Entries in use, any state (tests: the cache ends empty). */
unsigned int arp_cache_count(void);

/* Called by inet_init (net/af_inet.c, an fs_initcall): the timers of the table. */
void arp_init(void);

#endif
