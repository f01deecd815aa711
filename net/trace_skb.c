/*
 * SPDX-License-Identifier: MIT
 * net/trace_skb.c - the skb half of the tracepoints (include/kernel/trace.h):
 * fill a record from an skb, and decide whether the filter follows it.
 *
 * An skb is followed from the first hop where its contents match the
 * filter (`dev=`: the device it is on; `port=`: a UDP datagram to or from
 * that port).  To see the port, the IPv4 header is found the way each
 * layer left it:
 *
 *   network_header set        (ip_rcv on, ip output on)    head + network_header
 *   mac_header set            (eth_type_trans)             head + mac_header + 14
 *   neither, on a device      (the driver's receive)       data + 14: a whole frame
 *
 * and every byte looked at must lie between head and tail: a tracepoint
 * must never read outside the buffer, whatever the packet says.
 */
#include <kernel/trace.h>
#include <net/byteorder.h>
#include <net/ethernet.h>
#include <net/ip.h>
#include <net/netdevice.h>
#include <net/skbuff.h>
#include <string.h>

/* The IPv4 header of @skb as the layers left it, or NULL (net_internal.h). */
const u8 *trace_skb_l3(const struct sk_buff *skb)
{
	const u8 *eth;

	if (skb_network_header_was_set(skb))
		return skb->head + skb->network_header;
	if (skb_mac_header_was_set(skb))
		eth = skb->head + skb->mac_header;
	else if (skb->dev && skb->len >= ETH_HLEN)
		eth = skb->data;
	else
		return NULL;
	if (eth + ETH_HLEN > skb_tail_pointer(skb) || eth[12] != (ETH_P_IP >> 8) ||
	    eth[13] != (ETH_P_IP & 0xff))
		return NULL;
	return eth + ETH_HLEN;
}

/* Is @skb a UDP datagram from or to @port?  Reads only inside head..tail. */
static bool trace_skb_udp_port(const struct sk_buff *skb, u16 port)
{
	const u8 *ip = trace_skb_l3(skb), *udp;
	unsigned int ihl;

	if (!ip || ip < skb->head || ip + sizeof(struct iphdr) > skb_tail_pointer(skb))
		return false;
	ihl = (ip[0] & 0x0f) * 4u;
	if ((ip[0] >> 4) != 4 || ihl < sizeof(struct iphdr) || ip[9] != IPPROTO_UDP)
		return false;
	udp = ip + ihl;
	if (udp + 4 > skb_tail_pointer(skb))
		return false;
	return ((udp[0] << 8) | udp[1]) == port || ((udp[2] << 8) | udp[3]) == port;
}

static bool trace_skb_matches(const struct sk_buff *skb)
{
	const struct trace_filter *f = &trace_filter;

	if (f->dev[0] && (!skb->dev || strcmp(skb->dev->name, f->dev)))
		return false;
	return !f->port || trace_skb_udp_port(skb, f->port);
}

/* A reference count in a record's 16 bits: 0xffff stands for that many or more. */
static u16 trace_count16(int v)
{
	return v > 0xffff ? 0xffff : (u16)v;
}

static void trace_skb_fill(struct trace_record *rec, const struct sk_buff *skb)
{
	rec->obj = (uintptr_t)skb;
	rec->len = skb->len;
	rec->skb.head = (uintptr_t)skb->head;
	rec->skb.data = (u32)(skb->data - skb->head);
	rec->skb.tail = skb->tail; /* already offsets from head (sk_buff_data_t) */
	rec->skb.end = skb->end;
	rec->skb.users = trace_count16(__atomic_load_n(&skb->users, __ATOMIC_RELAXED));
	/* dataref's low half: the sk_buffs using the buffer (payload-only ones aside). */
	rec->skb.dataref = skb->head ? trace_count16(skb_dataref(skb) & SKB_DATAREF_MASK) : 0;
	if (skb->dev)
		strncpy(rec->dev, skb->dev->name, sizeof(rec->dev) - 1);
}

void __trace_skb(enum trace_event ev, const struct sk_buff *skb, u64 arg)
{
	struct trace_record rec = { .event = (u16)ev, .arg = arg };
	bool freed = ev == TE_KFREE_SKB || ev == TE_CONSUME_SKB;

	if (!skb)
		return;
	trace_skb_fill(&rec, skb);
	if (ev == TE_VIRTNET_RX_TAKEN) {
		trace_poll_rx_taken(&rec); /* counted for the poll's refills, not recorded */
		return;
	}
	/*
	 * A new skb: nothing staged at this address is its history (and for
	 * netdev_alloc_skb, its own alloc_skb record tells the same, worse).
	 */
	if (ev == TE_ALLOC_SKB || ev == TE_NETDEV_ALLOC_SKB)
		trace_forget(skb);
	if (trace_following(skb))
		trace_emit(&rec, TRACE_SKB, false);
	else if (!freed && trace_skb_matches(skb))
		trace_emit(&rec, TRACE_SKB, true);
	else if (ev == TE_NETDEV_ALLOC_SKB && trace_poll_refill())
		trace_emit(&rec, TRACE_SKB,
			   false); /* the traced poll refills a followed skb's slot */
	else if (!freed)
		trace_stage(&rec, TRACE_SKB);
	if (freed)
		trace_forget(skb);
}

void __trace_net_ctx(enum trace_event ev, const struct net_device *dev, u64 arg)
{
	struct trace_record rec = { .event = (u16)ev, .arg = arg };
	const char *name = dev ? dev->name : "backlog";

	if (trace_filter.dev[0] && strcmp(name, trace_filter.dev))
		return;
	strncpy(rec.dev, name, sizeof(rec.dev) - 1);
	if (ev == TE_NAPI_POLL_DONE)
		trace_emit(&rec, TRACE_SKB, false); /* written only if the poll was traced */
	else
		trace_stage(&rec, TRACE_SKB);
}
