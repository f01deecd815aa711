/*
 * SPDX-License-Identifier: MIT
 * net/dropreason.h - why the stack threw a packet away.
 *
 * Every packet the stack drops is dropped for one reason, and counted under
 * it.  The monitor's `netstat` prints the counters that are not zero; the
 * tests read net_drop_count[] before and after feeding a bad frame.  The
 * names follow Linux's enum skb_drop_reason where Linux has the same reason
 * (include/net/dropreason-core.h); the others are this stack's own, finer
 * per layer, so a test can tell "IP header truncated" from "UDP length
 * wrong".
 *
 * Dropping is skb_drop(skb, reason) (net/dev.c): count, then kfree_skb.  A
 * packet that did its job (delivered, answered) is consume_skb()'d instead,
 * and counted nowhere here.
 */
#ifndef NET_DROPREASON_H
#define NET_DROPREASON_H

/* 3.10's kfree_skb has no reason (5.17 added them); we count each: docs/linux-3.10.md */
enum skb_drop_reason {
	SKB_NOT_DROPPED_YET = 0, /* a check passed: not a drop */
	SKB_DROP_REASON_NOT_SPECIFIED,
	SKB_DROP_REASON_NOMEM,	  /* an allocation on the way failed */
	SKB_DROP_REASON_DEV_DOWN, /* device not up (Linux: DEV_READY) */
	/* Ethernet and the core (net/eth.c, net/dev.c) */
	SKB_DROP_REASON_PKT_TOO_SMALL,	 /* shorter than an Ethernet header */
	SKB_DROP_REASON_OTHERHOST,	 /* unicast to another MAC address */
	SKB_DROP_REASON_UNHANDLED_PROTO, /* an EtherType we do not speak, or 802.3/LLC */
	SKB_DROP_REASON_CPU_BACKLOG,	 /* netif_rx backlog full */
	SKB_DROP_REASON_PFMEMALLOC,	 /* reserve memory, not for this protocol or socket */
	/* ARP (net/arp.c) */
	SKB_DROP_REASON_ARP_TRUNCATED,	  /* shorter than the Ethernet/IPv4 ARP packet */
	SKB_DROP_REASON_ARP_INVALID,	  /* hardware/protocol type or lengths, opcode */
	SKB_DROP_REASON_ARP_MARTIAN,	  /* multicast sender, loopback or multicast target... */
	SKB_DROP_REASON_NEIGH_FAILED,	  /* queued for a neighbour that never answered */
	SKB_DROP_REASON_NEIGH_QUEUEFULL,  /* too many packets waiting for one neighbour */
	SKB_DROP_REASON_NEIGH_CREATEFAIL, /* neighbour table full of unresolved entries */
	/* IPv4 (net/ipv4.c) */
	SKB_DROP_REASON_IP_TRUNCATED,	/* shorter than its header or its total length */
	SKB_DROP_REASON_IP_INHDR,	/* version, header length, total length < header */
	SKB_DROP_REASON_IP_CSUM,	/* header checksum */
	SKB_DROP_REASON_IP_MARTIAN_SRC, /* impossible source address */
	SKB_DROP_REASON_IP_NOT_OURS,	/* not for one of our addresses (no forwarding) */
	SKB_DROP_REASON_IP_NOPROTO,	/* no handler for the protocol */
	SKB_DROP_REASON_IP_OUTNOROUTES, /* no route to the destination */
	SKB_DROP_REASON_IP_TOOBIG,	/* larger than the MTU, and DF set */
	/* IPv4 fragments (net/ip_fragment.c) */
	SKB_DROP_REASON_FRAG_BAD,	    /* empty, or its end contradicts the last fragment's */
	SKB_DROP_REASON_DUP_FRAG,	    /* the same bytes again (Linux's name) */
	SKB_DROP_REASON_FRAG_OVERLAP,	    /* overlaps another: the datagram goes (RFC 5722) */
	SKB_DROP_REASON_FRAG_TOO_BIG,	    /* the datagram would pass 65535 bytes */
	SKB_DROP_REASON_FRAG_REASM_TIMEOUT, /* not whole in ipfrag_time (Linux's name) */
	SKB_DROP_REASON_FRAG_EVICTED,	    /* its queue was the oldest when memory ran short */
	/* ICMP (net/icmp.c) */
	SKB_DROP_REASON_ICMP_TRUNCATED,
	SKB_DROP_REASON_ICMP_CSUM,
	SKB_DROP_REASON_ICMP_BROADCAST,	      /* echo or error to a broadcast address: ignored */
	SKB_DROP_REASON_ICMP_QUOTE_TRUNCATED, /* an error quoting less than IP header + 8 */
	SKB_DROP_REASON_ICMP_QUOTE_INVALID,   /* an error quoting something not IPv4 */
	SKB_DROP_REASON_ICMP_QUOTE_NOT_OURS,  /* an error about a datagram we did not send */
	/* UDP and sockets (net/udp.c) */
	SKB_DROP_REASON_UDP_TRUNCATED, /* shorter than a UDP header */
	SKB_DROP_REASON_UDP_BADLEN,    /* length field < 8 or beyond the IP payload */
	SKB_DROP_REASON_UDP_CSUM,
	SKB_DROP_REASON_NO_SOCKET,	/* nobody bound to the port */
	SKB_DROP_REASON_SOCKET_RCVBUFF, /* the socket's receive queue is full */
	/* TCP (net/tcp_input.c), Linux's names where it has the reason */
	SKB_DROP_REASON_TCP_TRUNCATED, /* shorter than its header or its data offset */
	SKB_DROP_REASON_TCP_CSUM,
	SKB_DROP_REASON_TCP_FLAGS,	      /* flags the state cannot take; to a broadcast */
	SKB_DROP_REASON_TCP_RESET,	      /* a RST (acted on, or out of sequence) */
	SKB_DROP_REASON_TCP_INVALID_SEQUENCE, /* outside the receive window */
	SKB_DROP_REASON_TCP_INVALID_SYN,      /* a SYN in a synchronized state */
	SKB_DROP_REASON_TCP_ACK_UNSENT_DATA,  /* acknowledges what we never sent */
	SKB_DROP_REASON_TCP_CLOSE,	      /* for a closed connection */
	SKB_DROP_REASON_TCP_OFOMERGE,	      /* out of order, and held already */
	SKB_DROP_REASON_TCP_LISTEN_OVERFLOW,  /* the listener's backlog is full */
	/* transmit */
	SKB_DROP_REASON_TX_QUEUE_FULL, /* device queue stopped and its backlog full */
	/* netem (net/netem.c) */
	SKB_DROP_REASON_NETEM,	    /* lost on purpose: netem's loss draw (our own name) */
	SKB_DROP_REASON_QDISC_DROP, /* netem's queue at its limit (Linux's qdisc drop) */
	SKB_DROP_REASON_MAX,
};

/* Drops per reason since boot.  Context: read anywhere; written by skb_drop. */
extern unsigned long net_drop_count[SKB_DROP_REASON_MAX];

/* "IP_CSUM" for SKB_DROP_REASON_IP_CSUM; "?" out of range. */
const char *skb_drop_reason_name(enum skb_drop_reason reason);

#endif
