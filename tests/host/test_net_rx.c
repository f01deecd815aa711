/*
 * SPDX-License-Identifier: MIT
 * tests/host/test_net_rx.c - the receive path of net/ (NAPI poll,
 * Ethernet, ARP, IPv4, ICMP, UDP, sockets) on the host under ASan/UBSan,
 * with the real sk_buff code and a fake slab that counts every object.
 *
 * Beyond what the in-guest suites check, this walks every truncation and
 * every single-byte corruption of good frames, and every allocation
 * failing in turn: none may crash, read out of bounds, or leak.
 */
#include <stdlib.h>
#include <string.h>

#include <kernel/time.h>

#include "htest.h"
#include "net_frames.h"
#include "net_host_env.h"

static struct net_device *dev;
static unsigned long baseline;

static void setup(void)
{
	net_host_init();
	dev = net_host_nic();
	net_host_settle(dev);
	baseline = net_host_live();
}

/* Inject @len bytes of @frame, copied to a buffer of exactly that size (ASan sees overreads). */
static void inject(const u8 *frame, unsigned int len)
{
	u8 *copy = malloc(len ? len : 1);

	memcpy(copy, frame, len);
	tnic_inject(dev, copy, len);
	free(copy);
}

/* The next frame we sent, or 0 bytes; copies at most @max. */
static unsigned int sent(u8 *buf, unsigned int max)
{
	struct sk_buff *skb = tnic_tx_pop(dev);
	unsigned int n;

	if (!skb)
		return 0;
	n = skb->len < max ? skb->len : max;
	memcpy(buf, skb->data, n);
	consume_skb(skb);
	return n;
}

static bool settled_without_leaks(void)
{
	net_host_settle(dev);
	return net_host_live() == baseline;
}

HTEST(udp_datagram_is_delivered)
{
	u8 f[128];
	unsigned int len = nf_udp(f, HOST_UDP_PORT, "hello");

	net_host_udp_received();
	inject(f, len);
	CHECK(settled_without_leaks());
	CHECK(net_host_udp_received() == 1);
}

HTEST(echo_request_is_answered_with_valid_checksums)
{
	u8 f[128], r[128];
	unsigned int len = nf_echo(f, "ping"), n;

	inject(r, nf_arp(r, ARPOP_REQUEST, HOST_OUR_IP)); /* the peer is learned */
	tnic_tx_purge(dev);
	inject(f, len);
	n = sent(r, sizeof(r));
	CHECK(n == len);
	if (n == len) {
		const struct iphdr *iph = (const struct iphdr *)(r + ETH_HLEN);

		CHECK(ip_hdr_check(iph, n - ETH_HLEN) == SKB_NOT_DROPPED_YET);
		CHECK(icmp_hdr_check(r + ETH_HLEN + 20, n - ETH_HLEN - 20) == SKB_NOT_DROPPED_YET);
		CHECK(r[ETH_HLEN + 20] == ICMP_ECHOREPLY);
		CHECK(iph->saddr == HOST_OUR_IP && iph->daddr == HOST_PEER_IP);
	}
	CHECK(settled_without_leaks());
}

HTEST(arp_request_is_answered)
{
	u8 f[128], r[128];
	unsigned int n;

	inject(f, nf_arp(f, ARPOP_REQUEST, HOST_OUR_IP));
	n = sent(r, sizeof(r));
	CHECK(n == ETH_HLEN + 28);
	CHECK(arp_hdr_check(r + ETH_HLEN, n - ETH_HLEN) == SKB_NOT_DROPPED_YET);
	CHECK(settled_without_leaks());
}

/* Every prefix of each good frame: dropped and counted, or handled; never a crash or a leak. */
HTEST(every_truncation_of_good_frames)
{
	u8 f[128];

	for (int k = 0; k < 4; k++) {
		unsigned int full = k == 0   ? nf_udp(f, HOST_UDP_PORT, "truncate me")
				    : k == 1 ? nf_echo(f, "truncate me")
				    : k == 2 ? nf_arp(f, ARPOP_REQUEST, HOST_OUR_IP)
					     : nf_udp(f, 7, "to the echo port");

		for (unsigned int len = 0; len < full; len++)
			inject(f, len);
		CHECK(settled_without_leaks());
	}
	net_host_udp_received();
}

/* Every byte of each good frame flipped in turn. */
HTEST(every_single_byte_corruption)
{
	u8 f[128], g[128];
	unsigned int len;

	for (int k = 0; k < 3; k++) {
		len = k == 0   ? nf_udp(f, HOST_UDP_PORT, "corrupt")
		      : k == 1 ? nf_echo(f, "corrupt")
			       : nf_arp(f, ARPOP_REQUEST, HOST_OUR_IP);
		for (unsigned int i = 0; i < len; i++) {
			for (int v = 0; v < 3; v++) {
				static const u8 flips[3] = { 0xff, 0x01, 0x80 };

				memcpy(g, f, len);
				g[i] ^= flips[v];
				inject(g, len);
			}
		}
		CHECK(settled_without_leaks());
	}
	net_host_udp_received();
}

/* Each allocation on the way fails in turn: the frame is dropped, nothing leaks. */
HTEST(every_allocation_failing_in_turn)
{
	u8 frames[3][128];
	unsigned int lens[3];

	lens[0] = nf_echo(frames[0], "x");
	lens[1] = nf_udp(frames[1], HOST_UDP_PORT, "x");
	lens[2] = nf_arp(frames[2], ARPOP_REQUEST, HOST_OUR_IP);
	for (int k = 0; k < 3; k++) {
		for (unsigned long n = 1; n < 12; n++) {
			net_host_fail_nth(n);
			inject(frames[k], lens[k]);
			net_host_fail_nth(0);
			CHECK(settled_without_leaks());
		}
	}
	net_host_udp_received();
}

/* A datagram waiting for ARP fails after the retries, freed by the timers. */
HTEST(unresolved_neighbour_times_out)
{
	unsigned long before = net_drop_count[SKB_DROP_REASON_NEIGH_FAILED];
	struct socket *sock;

	CHECK(sock_create_udp(&sock) == 0);
	CHECK(udp_sendto(sock, "x", 1, HOST_PEER_IP, 9) == 1);
	CHECK(arp_state(dev, HOST_PEER_IP) == NUD_INCOMPLETE);
	for (int i = 0; i < 10; i++)
		msleep(arp_params.retrans_ms);
	CHECK(arp_state(dev, HOST_PEER_IP) == NUD_NONE);
	CHECK(net_drop_count[SKB_DROP_REASON_NEIGH_FAILED] - before == 1);
	sock_release(sock);
	CHECK(settled_without_leaks());
}

static const struct htest tests[] = {
	HTEST_ENTRY(udp_datagram_is_delivered),
	HTEST_ENTRY(echo_request_is_answered_with_valid_checksums),
	HTEST_ENTRY(arp_request_is_answered),
	HTEST_ENTRY(every_truncation_of_good_frames),
	HTEST_ENTRY(every_single_byte_corruption),
	HTEST_ENTRY(every_allocation_failing_in_turn),
	HTEST_ENTRY(unresolved_neighbour_times_out),
};

int main(void)
{
	setup();
	return htest_main("test_net_rx", tests, HTEST_COUNT(tests));
}
