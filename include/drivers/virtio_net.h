/*
 * SPDX-License-Identifier: MIT
 * drivers/virtio_net.h - the virtio network device (virtio 1.2, section 5.1
 * "Network Device"): what the spec defines, and what the driver
 * (drivers/net/virtio_net.c) shows the rest of the kernel.
 *
 * A virtio-net device has (at least) two virtqueues, receiveq1 (index 0)
 * and transmitq1 (index 1) (5.1.2); with VIRTIO_NET_F_MQ up to
 * max_virtqueue_pairs pairs and a control queue after them:
 *
 *   index  0          1           2          3               2N-1        2N
 *          receiveq1  transmitq1  receiveq2  transmitq2 ...  transmitqN  controlq
 *
 * The device uses only the first pair until the driver sends
 * VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET on the control queue (5.1.6.5.5); then
 * it spreads received flows over the receive queues of the pairs set.
 * Every packet in either direction is preceded by a struct virtio_net_hdr
 * (5.1.6):
 *
 *   one buffer, as the driver posts it to receiveq1 (or sends on transmitq1)
 *   +-----------------------------+--------------------------------------+
 *   | struct virtio_net_hdr       | the Ethernet frame, no FCS           |
 *   | 10 bytes (legacy), or 12:   | 14-byte header + up to 1500 (+4 for  |
 *   | + num_buffers with VERSION_1| an 802.1Q tag)                       |
 *   | or MRG_RXBUF                |                                      |
 *   +-----------------------------+--------------------------------------+
 *   <---------------- used length: what the device wrote --------------->
 *
 * Legacy devices (no VERSION_1) that did not negotiate VIRTIO_F_ANY_LAYOUT
 * need the header in a descriptor of its own ("Legacy Interface: Message
 * Framing", 5.1.6.6); modern ones take any layout.
 *
 * Device configuration (5.1.4): the MAC address if VIRTIO_NET_F_MAC, the
 * link status if VIRTIO_NET_F_STATUS (a change raises the configuration
 * change interrupt).  All fields little-endian, as x86.
 */
#ifndef DRIVERS_VIRTIO_NET_H
#define DRIVERS_VIRTIO_NET_H

#include <kernel/compiler.h>
#include <kernel/types.h>

/* Feature bits (5.1.3).  The driver negotiates MAC, STATUS, MRG_RXBUF, and CTRL_VQ with MQ. */
#define VIRTIO_NET_F_CSUM	    0 /* device checksums what we send: not used */
#define VIRTIO_NET_F_GUEST_CSUM	    1 /* we take partial checksums: not used */
#define VIRTIO_NET_F_MTU	    3
#define VIRTIO_NET_F_MAC	    5  /* config space has the MAC address */
#define VIRTIO_NET_F_GUEST_TSO4	    7  /* we take large packets: not used */
#define VIRTIO_NET_F_MRG_RXBUF	    15 /* a packet may span receive buffers */
#define VIRTIO_NET_F_STATUS	    16 /* config space has the link status */
#define VIRTIO_NET_F_CTRL_VQ	    17 /* a control queue (taken only with MQ) */
#define VIRTIO_NET_F_GUEST_ANNOUNCE 21
#define VIRTIO_NET_F_MQ		    22 /* several queue pairs, max_virtqueue_pairs */

/* status in the configuration space (5.1.4). */
#define VIRTIO_NET_S_LINK_UP  1
#define VIRTIO_NET_S_ANNOUNCE 2

/* The device-specific configuration space (5.1.4), up to the fields we may read. */
struct virtio_net_config {
	u8 mac[6];		 /* valid if VIRTIO_NET_F_MAC */
	u16 status;		 /* VIRTIO_NET_S_*, valid if VIRTIO_NET_F_STATUS */
	u16 max_virtqueue_pairs; /* valid if VIRTIO_NET_F_MQ */
	u16 mtu;		 /* valid if VIRTIO_NET_F_MTU */
} __packed;

_Static_assert(offsetof(struct virtio_net_config, mac) == 0, "virtio 1.2 5.1.4");
_Static_assert(offsetof(struct virtio_net_config, status) == 6, "virtio 1.2 5.1.4");
_Static_assert(offsetof(struct virtio_net_config, max_virtqueue_pairs) == 8, "virtio 1.2 5.1.4");
_Static_assert(offsetof(struct virtio_net_config, mtu) == 10, "virtio 1.2 5.1.4");

/* The packet header (5.1.6). */
#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1 /* csum_start/offset say where to finish the sum */
#define VIRTIO_NET_HDR_F_DATA_VALID 2 /* the device checked the checksum (RX) */
#define VIRTIO_NET_HDR_F_RSC_INFO   4
#define VIRTIO_NET_HDR_GSO_NONE	    0 /* one ordinary packet */
#define VIRTIO_NET_HDR_GSO_TCPV4    1
#define VIRTIO_NET_HDR_GSO_UDP	    3
#define VIRTIO_NET_HDR_GSO_TCPV6    4
#define VIRTIO_NET_HDR_GSO_ECN	    0x80

struct virtio_net_hdr {
	u8 flags;	 /* VIRTIO_NET_HDR_F_* */
	u8 gso_type;	 /* VIRTIO_NET_HDR_GSO_* */
	u16 hdr_len;	 /* GSO: length of the headers */
	u16 gso_size;	 /* GSO: bytes per segment */
	u16 csum_start;	 /* NEEDS_CSUM: where the checksummed part starts */
	u16 csum_offset; /* NEEDS_CSUM: where the sum goes, from csum_start */
};

/* With VIRTIO_F_VERSION_1 or VIRTIO_NET_F_MRG_RXBUF the header is this one (5.1.6). */
struct virtio_net_hdr_mrg_rxbuf {
	struct virtio_net_hdr hdr;
	u16 num_buffers; /* RX: buffers the packet spans (1 unless MRG_RXBUF); TX: 0 */
};

_Static_assert(sizeof(struct virtio_net_hdr) == 10, "virtio 1.2 5.1.6: the legacy header");
_Static_assert(offsetof(struct virtio_net_hdr, hdr_len) == 2, "virtio 1.2 5.1.6");
_Static_assert(offsetof(struct virtio_net_hdr, csum_offset) == 8, "virtio 1.2 5.1.6");
_Static_assert(sizeof(struct virtio_net_hdr_mrg_rxbuf) == 12, "virtio 1.2 5.1.6: the 1.x header");
_Static_assert(offsetof(struct virtio_net_hdr_mrg_rxbuf, num_buffers) == 10, "virtio 1.2 5.1.6");

/* The control queue (5.1.6.5): a command is a header, its data, and an ack the device writes. */
struct virtio_net_ctrl_hdr {
	u8 class; /* VIRTIO_NET_CTRL_* */
	u8 cmd;
};

#define VIRTIO_NET_OK  0 /* the ack: done */
#define VIRTIO_NET_ERR 1 /* refused */

/* 5.1.6.5.5 Automatic receive steering in multiqueue mode. */
#define VIRTIO_NET_CTRL_MQ		4
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET 0
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN 1
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX 0x8000

struct virtio_net_ctrl_mq {
	u16 virtqueue_pairs; /* how many pairs the device may use from now on */
};

_Static_assert(sizeof(struct virtio_net_ctrl_hdr) == 2, "virtio 1.2 5.1.6.5");
_Static_assert(sizeof(struct virtio_net_ctrl_mq) == 2, "virtio 1.2 5.1.6.5.5");

/* Queue numbers (5.1.2): pair i's queues; the control queue comes after N pairs (2N). */
static inline unsigned int rxq2vq(unsigned int rxq)
{
	return rxq * 2;
}

static inline unsigned int txq2vq(unsigned int txq)
{
	return txq * 2 + 1;
}

/*
 * What the driver counts besides dev->stats (the `ethtool` monitor command
 * prints them, as `ethtool -S` does).  Each is also reflected in dev->stats
 * where `ip -s link` has a column for it (noted).
 */
struct virtnet_stats {
	unsigned long rx_short;	   /* used length < header: rx_length_errors */
	unsigned long rx_too_long; /* used length > the buffer: rx_length_errors */
	unsigned long rx_bad_hdr;  /* header fields we never allowed: rx_frame_errors */
	unsigned long rx_merged;   /* packets spanning >1 buffer (num_buffers): rx_length_errors */
	unsigned long rx_merged_bufs;	/* ... their extra buffers, dropped */
	unsigned long rx_pfmemalloc;	/* frames received in reserve memory */
	unsigned long rx_refill_failed; /* netdev_alloc_skb failures while refilling */
	unsigned long rx_refill_timer;	/* refills retried from the timer */
	unsigned long tx_hdr_pushed;	/* header in the skb's headroom: one descriptor */
	unsigned long tx_hdr_separate;	/* header in its own descriptor */
	unsigned long tx_ring_full;	/* NETDEV_TX_BUSY returned */
	unsigned long tx_errors;	/* the queue refused a frame: tx_errors */
	unsigned long tx_completed;	/* skbs freed after the device sent them */
	unsigned long link_changes;	/* carrier changes seen in config interrupts */
	unsigned long polls;		/* NAPI polls */
	unsigned long interrupts;	/* queue callbacks (RX and TX) */
	unsigned long tx_interrupts;	/* ... of them TX: only a stopped queue asks for one */
	unsigned long tx_reclaim_timer; /* reclaim timer runs (each asks for a poll) */
	unsigned long ctrl_ok;		/* control commands the device acked */
	unsigned long ctrl_failed;	/* ... it refused or did not answer in time */
	unsigned long affinity_failed;	/* queues whose vector could not move to their CPU */
};

#endif
