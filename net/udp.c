/*
 * SPDX-License-Identifier: MIT
 * net/udp.c - UDP (RFC 768): the receive path up to the socket layer, and
 * sending a datagram.  Sockets themselves are in net/socket.c.
 *
 *   ip_rcv --> udp_rcv: udp_hdr_check (length field, checksum with the
 *              pseudo-header), trim to the UDP length, pull the header,
 *              udp_queue_rcv (net/socket.c)
 *   udp_sendto: route (for the source address the checksum covers),
 *              build, checksum, ip_build_and_send_pkt
 */
#include <errno.h>
#include <kernel/trace.h>
#include <mm/slab.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/netdevice.h>
#include <net/sock.h>
#include <net/socket.h>
#include <net/udp.h>

struct udp_mib udp_mib;

/* 3.10 keeps the MIBs per CPU; we add atomically to one copy: docs/linux-3.10.md */
#define mib_inc(field) __atomic_add_fetch(&udp_mib.field, 1, __ATOMIC_RELAXED)

int udp_rcv(struct sk_buff *skb)
{
	const struct iphdr *iph = (const struct iphdr *)skb_network_header(skb);
	const struct udphdr *uh = (const struct udphdr *)skb->data;
	enum skb_drop_reason reason;

	reason = udp_hdr_check(skb->data, skb->len, iph->saddr, iph->daddr);
	if (reason != SKB_NOT_DROPPED_YET) {
		mib_inc(InErrors);
		if (reason == SKB_DROP_REASON_UDP_CSUM)
			mib_inc(InCsumErrors);
		skb_drop(skb, reason);
		return NET_RX_DROP;
	}
	/* Bytes beyond the UDP length are not part of the datagram (RFC 768 "Length"). */
	pskb_trim(skb, ntohs(uh->len));
	__skb_pull(skb, sizeof(*uh));
	trace_skb(TE_UDP_RCV, skb, ntohs(uh->dest));
	/*
	 * 3.10 sends ICMP port unreachable here (docs/linux-3.10.md).
	 * XXX: RFC 1122 section 4.1.3.1 says a host SHOULD answer a datagram
	 * for a port nobody listens on with ICMP Port Unreachable; we only
	 * count it (NO_SOCKET, udp_mib.NoPorts).
	 */
	if (udp_queue_rcv(skb, ntohs(uh->dest)) != SKB_NOT_DROPPED_YET)
		return NET_RX_DROP;
	return NET_RX_SUCCESS;
}

/* Push and fill the UDP header over the payload at skb->data; checksum it. */
static void udp_push_header(struct sk_buff *skb, u16 sport, u16 dport, __be32 saddr, __be32 daddr)
{
	struct udphdr *uh = skb_push(skb, sizeof(*uh));
	unsigned int ulen = skb->len;

	skb_reset_transport_header(skb);
	uh->source = htons(sport);
	uh->dest = htons(dport);
	uh->len = htons((u16)ulen);
	uh->check = 0;
	uh->check =
		csum_tcpudp_magic(saddr, daddr, ulen, IPPROTO_UDP, csum_partial(uh, (int)ulen, 0));
	/* RFC 768: a computed zero is sent as all ones; zero means "no checksum". */
	if (!uh->check)
		uh->check = 0xffff;
}

int udp_sendto(struct socket *sock, const void *buf, size_t len, __be32 dst_ip, u16 dst_port)
{
	struct sock *sk = sock->sk;
	struct ip_route rt;
	struct sk_buff *skb;
	int err;

	if (!dst_port)
		return -EINVAL;
	if (len > UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (!READ_ONCE(sk->inet_num)) {
		err = udp_autobind(sock); /* 3.10's inet_autobind */
		if (err)
			return err;
	}
	if (ip_route_output(dst_ip, &rt))
		return -ENETUNREACH;
	skb = alloc_skb(MAX_HEADER + sizeof(struct udphdr) + len, sk->sk_allocation);
	if (!skb)
		return -ENOMEM;
	skb_reserve(skb, MAX_HEADER);
	skb_put_data(skb, buf, (unsigned int)len);
	udp_push_header(skb, sk->inet_num, dst_port, rt.saddr, dst_ip);
	mib_inc(OutDatagrams);
	err = ip_build_and_send_pkt(skb, rt.saddr, dst_ip, IPPROTO_UDP);
	return err ? err : (int)len;
}
