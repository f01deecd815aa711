/*
 * SPDX-License-Identifier: MIT
 * tests/net/test_net_arp.c - ARP (RFC 826) and the neighbour cache: answering,
 * asking, queueing while asking, giving up, expiring, and dropping what
 * is malformed.  Over the test NIC; lo never asks.
 */
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/time.h>
#include <mm/slab.h>
#include <net/arp_test.h>
#include <net/socket.h>
#include <string.h>

#include "net_test.h"

static const u8 other_mac[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x42 };

static const struct arp_eth_ipv4 *frame_arp_body(struct frame *f)
{
	return (const struct arp_eth_ipv4 *)(f->data + ETH_HLEN);
}

/* Is @f an ARP request from us for @tip? */
static bool is_our_request_for(struct frame *f, __be32 tip)
{
	const struct arp_eth_ipv4 *arp = frame_arp_body(f);

	return frame_eth(f)->h_proto == htons(ETH_P_ARP) &&
	       is_broadcast_ether_addr(frame_eth(f)->h_dest) &&
	       arp->hdr.ar_op == htons(ARPOP_REQUEST) && arp->ar_tip == tip &&
	       arp->ar_sip == OUR_IP && ether_addr_equal(arp->ar_sha, our_mac);
}

/* Wait (at most 2 s) until @ip's entry on @dev is in @state. */
static bool wait_arp_state(struct net_device *dev, __be32 ip, int state)
{
	for (int i = 0; i < 2000; i++) {
		if (arp_state(dev, ip) == state)
			return true;
		msleep(1);
	}
	return false;
}

TEST_CASE(arp_test_request_for_us_is_answered)
{
	struct net_device *dev = net_test_nic(t);
	const struct arp_eth_ipv4 *arp;
	struct frame f;

	frame_arp(&f, ARPOP_REQUEST, peer_mac, PEER_IP, OUR_IP);
	tnic_inject(dev, f.data, f.len);
	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 0));
	arp = frame_arp_body(&f);
	EXPECT_TRUE(t, ether_addr_equal(frame_eth(&f)->h_dest, peer_mac));
	EXPECT_TRUE(t, ether_addr_equal(frame_eth(&f)->h_source, our_mac));
	EXPECT_EQ(t, ntohs(frame_eth(&f)->h_proto), ETH_P_ARP);
	EXPECT_EQ(t, ntohs(arp->hdr.ar_op), ARPOP_REPLY);
	EXPECT_TRUE(t, ether_addr_equal(arp->ar_sha, our_mac));
	EXPECT_EQ(t, arp->ar_sip, OUR_IP);
	EXPECT_TRUE(t, ether_addr_equal(arp->ar_tha, peer_mac));
	EXPECT_EQ(t, arp->ar_tip, PEER_IP);
	/* RFC 826: the target adds the sender to its table. */
	EXPECT_EQ(t, arp_state(dev, PEER_IP), NUD_REACHABLE);
	net_test_nic_destroy(dev);
}

TEST_CASE(arp_test_request_for_someone_else_is_ignored)
{
	struct net_device *dev = net_test_nic(t);
	struct frame f;

	frame_arp(&f, ARPOP_REQUEST, peer_mac, PEER_IP, OTHER_IP);
	tnic_inject(dev, f.data, f.len);
	EXPECT_EQ(t, tnic_tx_count(dev), 0);
	EXPECT_EQ(t, arp_state(dev, PEER_IP), NUD_NONE); /* not learned: not for us */
	net_test_nic_destroy(dev);
}

TEST_CASE(arp_test_address_probe_is_answered_without_learning)
{
	struct net_device *dev = net_test_nic(t);
	struct frame f;

	frame_arp(&f, ARPOP_REQUEST, peer_mac, 0, OUR_IP); /* RFC 5227 probe */
	tnic_inject(dev, f.data, f.len);
	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 0));
	EXPECT_EQ(t, ntohs(frame_arp_body(&f)->hdr.ar_op), ARPOP_REPLY);
	EXPECT_EQ(t, frame_arp_body(&f)->ar_tip, 0);
	EXPECT_EQ(t, arp_cache_count(), 0);
	net_test_nic_destroy(dev);
}

TEST_CASE(arp_test_resolving_queues_the_packet_and_sends_it_on_reply)
{
	struct net_device *dev = net_test_nic(t);
	struct socket *sock;
	struct frame f;

	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	EXPECT_EQ(t, udp_sendto(sock, "abc", 3, PEER_IP, 9), 3);
	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 0));
	EXPECT_TRUE(t, is_our_request_for(&f, PEER_IP));
	EXPECT_EQ(t, tnic_tx_count(dev), 0); /* the datagram waits */
	EXPECT_EQ(t, arp_state(dev, PEER_IP), NUD_INCOMPLETE);

	frame_arp(&f, ARPOP_REPLY, peer_mac, PEER_IP, OUR_IP);
	tnic_inject(dev, f.data, f.len);
	EXPECT_EQ(t, arp_state(dev, PEER_IP), NUD_REACHABLE);
	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 0));
	EXPECT_TRUE(t, ether_addr_equal(frame_eth(&f)->h_dest, peer_mac));
	EXPECT_EQ(t, frame_iph(&f)->protocol, IPPROTO_UDP);
	EXPECT_EQ(t, memcmp((u8 *)frame_l4(&f) + sizeof(struct udphdr), "abc", 3), 0);
	sock_release(sock);
	net_test_nic_destroy(dev);
}

/*
 * A miss (3.10's __neigh_event_send): the entry becomes INCOMPLETE, one
 * request goes out at once, the timer is due in retrans_ms, and the
 * packets wait - a second one for the same neighbour asks nothing more.
 * Unanswered, they fail when the NIC goes (the cache is flushed).
 */
TEST_CASE(arp_test_a_miss_asks_once_and_the_packets_wait)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long d = drops(SKB_DROP_REASON_NEIGH_FAILED), expires, before;
	struct socket *sock;
	struct frame f;

	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	before = jiffies;
	EXPECT_EQ(t, udp_sendto(sock, "one", 3, PEER_IP, 9), 3);
	EXPECT_EQ(t, arp_state(dev, PEER_IP), NUD_INCOMPLETE);
	EXPECT_EQ(t, udp_sendto(sock, "two", 3, PEER_IP, 9), 3);
	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 0));
	EXPECT_TRUE(t, is_our_request_for(&f, PEER_IP));
	EXPECT_EQ(t, tnic_tx_count(dev), 0); /* one request, and neither datagram */
	EXPECT_EQ(t, arp_cache_count(), 1);
	/* The timer (taken off here, so it cannot fire) was due in retrans_ms. */
	ASSERT_TRUE(t, arp_test_timer_take(dev, PEER_IP, &expires));
	EXPECT_GE(t, expires, before + msecs_to_jiffies(arp_params.retrans_ms));
	EXPECT_LE(t, expires, jiffies + msecs_to_jiffies(arp_params.retrans_ms));
	net_test_nic_destroy(dev);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_NEIGH_FAILED) - d, 2); /* both waited */
	sock_release(sock);
}

/*
 * What waits on @ip's entry: the packets, expected to be @packets, and the
 * entry's byte count, which must be the truesize of the queued skbs added
 * up.  Returns the byte count.  No ASSERT: callers may have arp_params to
 * put back.
 */
static unsigned int queued_bytes(struct ktest *t, struct net_device *dev, __be32 ip, int packets)
{
	struct arp_test_queue_info q;

	EXPECT_EQ(t, arp_test_queue(dev, ip, &q), packets);
	EXPECT_EQ(t, q.bytes, q.truesize_sum);
	return q.bytes;
}

/* The next frame sent: a datagram to the peer whose one byte of data is @c. */
static void expect_byte_datagram(struct ktest *t, struct net_device *dev, char c)
{
	struct frame f;

	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 0));
	EXPECT_TRUE(t, ether_addr_equal(frame_eth(&f)->h_dest, peer_mac));
	EXPECT_EQ(t, ntohs(frame_iph(&f)->tot_len), 20 + sizeof(struct udphdr) + 1);
	EXPECT_EQ(t, ((u8 *)frame_l4(&f))[sizeof(struct udphdr)], c);
}

/* The peer answers our request (the request itself, and anything else sent, forgotten). */
static void peer_answers(struct net_device *dev)
{
	struct frame f;

	tnic_tx_purge(dev);
	frame_arp(&f, ARPOP_REPLY, peer_mac, PEER_IP, OUR_IP);
	tnic_inject(dev, f.data, f.len);
}

/*
 * The queue holds arp_params.queue_len_bytes of truesize (3.10's
 * unres_qlen_bytes), not a number of packets.  With room for three
 * one-byte datagrams (T bytes each) and not four, five leave the last
 * three: '0' and '1' are pushed out as NEIGH_QUEUEFULL.  The entry's count
 * is the truesize of what waits after every packet, and 0 once the answer
 * has sent it all.
 */
TEST_CASE(arp_test_queue_is_bounded_and_keeps_the_latest)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long d = drops(SKB_DROP_REASON_NEIGH_QUEUEFULL);
	struct arp_params saved = arp_params;
	struct socket *sock;
	unsigned int one;

	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	EXPECT_EQ(t, udp_sendto(sock, "0", 1, PEER_IP, 9), 1);
	one = queued_bytes(t, dev, PEER_IP, 1);
	ASSERT_GT(t, one, 0);
	arp_params.queue_len_bytes = 3 * one + one / 2;
	for (char c = '1'; c < '5'; c++) {
		int waiting = c - '0' + 1 < 3 ? c - '0' + 1 : 3;

		EXPECT_EQ(t, udp_sendto(sock, &c, 1, PEER_IP, 9), 1);
		EXPECT_EQ(t, queued_bytes(t, dev, PEER_IP, waiting), waiting * one);
	}
	arp_params = saved;
	EXPECT_EQ(t, drops(SKB_DROP_REASON_NEIGH_QUEUEFULL) - d, 2);
	peer_answers(dev);
	for (char c = '2'; c < '5'; c++)
		expect_byte_datagram(t, dev, c);
	EXPECT_EQ(t, tnic_tx_count(dev), 0);
	EXPECT_EQ(t, queued_bytes(t, dev, PEER_IP, 0), 0);
	sock_release(sock);
	net_test_nic_destroy(dev);
}

/*
 * One large packet pushes out as many of the oldest as it needs, and a
 * queue filled to the limit exactly is not over it.  Limit 2S + B (S a
 * one-byte datagram's truesize, B a 1400-byte one's, measured on another
 * entry): four small ones wait, the large one pushes out '0' and '1', and
 * '2', '3' and the large one leave, the count at the limit to the byte.
 */
TEST_CASE(arp_test_a_large_packet_pushes_out_as_many_as_it_needs)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long d = drops(SKB_DROP_REASON_NEIGH_QUEUEFULL);
	struct arp_params saved = arp_params;
	static char big[1400];
	unsigned int small, large;
	struct socket *sock;
	struct frame f;

	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	memset(big, 'B', sizeof(big));
	EXPECT_EQ(t, udp_sendto(sock, big, sizeof(big), OTHER_IP, 9), (int)sizeof(big));
	large = queued_bytes(t, dev, OTHER_IP, 1);
	EXPECT_EQ(t, udp_sendto(sock, "0", 1, PEER_IP, 9), 1);
	small = queued_bytes(t, dev, PEER_IP, 1);
	ASSERT_GE(t, large, 2 * small); /* so four small ones fit under 2S + B */
	arp_params.queue_len_bytes = 2 * small + large;
	for (char c = '1'; c < '4'; c++)
		EXPECT_EQ(t, udp_sendto(sock, &c, 1, PEER_IP, 9), 1);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_NEIGH_QUEUEFULL) - d, 0);
	EXPECT_EQ(t, udp_sendto(sock, big, sizeof(big), PEER_IP, 9), (int)sizeof(big));
	EXPECT_EQ(t, queued_bytes(t, dev, PEER_IP, 3), arp_params.queue_len_bytes);
	arp_params = saved;
	EXPECT_EQ(t, drops(SKB_DROP_REASON_NEIGH_QUEUEFULL) - d, 2);
	peer_answers(dev);
	expect_byte_datagram(t, dev, '2');
	expect_byte_datagram(t, dev, '3');
	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 0));
	EXPECT_EQ(t, ntohs(frame_iph(&f)->tot_len), 20 + sizeof(struct udphdr) + sizeof(big));
	EXPECT_EQ(t, tnic_tx_count(dev), 0);
	EXPECT_EQ(t, queued_bytes(t, dev, OTHER_IP, 1), large); /* another entry's, untouched */
	sock_release(sock);
	net_test_nic_destroy(dev);
}

/*
 * A packet larger than the whole limit still waits (3.10: the loop stops
 * when the queue is empty), alone: each new one pushes the one before out.
 */
TEST_CASE(arp_test_a_packet_larger_than_the_limit_waits_alone)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long d = drops(SKB_DROP_REASON_NEIGH_QUEUEFULL);
	struct arp_params saved = arp_params;
	struct socket *sock;
	unsigned int one;

	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	arp_params.queue_len_bytes = 1;
	EXPECT_EQ(t, udp_sendto(sock, "0", 1, PEER_IP, 9), 1);
	one = queued_bytes(t, dev, PEER_IP, 1);
	EXPECT_GT(t, one, arp_params.queue_len_bytes);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_NEIGH_QUEUEFULL) - d, 0);
	EXPECT_EQ(t, udp_sendto(sock, "1", 1, PEER_IP, 9), 1);
	EXPECT_EQ(t, queued_bytes(t, dev, PEER_IP, 1), one);
	arp_params = saved;
	EXPECT_EQ(t, drops(SKB_DROP_REASON_NEIGH_QUEUEFULL) - d, 1);
	peer_answers(dev);
	expect_byte_datagram(t, dev, '1');
	EXPECT_EQ(t, tnic_tx_count(dev), 0);
	sock_release(sock);
	net_test_nic_destroy(dev);
}

#define FRAG_PORT  4002
#define FRAGS	   45	/* 65507 bytes of data + 8 of UDP header, 1480 a fragment */
#define FRAG_BYTES 1480 /* the test NIC's MTU, 1500, less the IP header */

/* The longest datagram's data, a pattern; NULL if no memory. */
static u8 *longest_datagram(void)
{
	u8 *data = kmalloc(UDP_MAX_PAYLOAD, GFP_KERNEL);

	for (unsigned int i = 0; data && i < UDP_MAX_PAYLOAD; i++)
		data[i] = (u8)(i * 13 + (i >> 9));
	return data;
}

/*
 * The next @n frames sent are fragments @first .. @first + @n - 1 of
 * @data's datagram, in order: each to the peer's MAC, at its offset, MF
 * on all but the last fragment of the datagram, carrying its slice of the
 * data.  Each is copied to @frames[] (if not NULL).
 */
static void expect_fragments(struct ktest *t, struct net_device *dev, const u8 *data,
			     unsigned int first, unsigned int n, struct frame *frames)
{
	static struct frame one;

	for (unsigned int i = first; i < first + n; i++) {
		struct frame *f = frames ? &frames[i - first] : &one;
		unsigned int off = i * FRAG_BYTES,
			     len = i + 1 < FRAGS ? FRAG_BYTES : UDP_MAX_PAYLOAD + 8 - off;
		unsigned int skip = i ? 0 : sizeof(struct udphdr); /* the header: not data */

		ASSERT_TRUE(t, tnic_next_tx(dev, f, 0));
		EXPECT_TRUE(t, ether_addr_equal(frame_eth(f)->h_dest, peer_mac));
		EXPECT_EQ(t, ntohs(frame_iph(f)->frag_off) & IP_OFFSET, off / 8);
		EXPECT_EQ(t, !!(ntohs(frame_iph(f)->frag_off) & IP_MF), i + 1 < FRAGS);
		EXPECT_EQ(t, ntohs(frame_iph(f)->tot_len), 20 + len);
		EXPECT_EQ(t, memcmp((u8 *)frame_l4(f) + skip, data + off + skip - 8, len - skip),
			  0);
	}
}

/*
 * 3.10's default limit, 64 KiB, does not hold the longest datagram: its 45
 * fragments each cost a 2 KiB buffer and an sk_buff (about 100 KiB of
 * truesize), so the first ones are pushed out while the rest wait, and the
 * datagram cannot be put back together - as on Linux 3.10 (4.14 raised the
 * default to SK_WMEM_MAX for this).  Exactly: the last k fragments leave,
 * in order; 45 - k are counted NEIGH_QUEUEFULL; what waited fit under the
 * limit and one more fragment would not have.
 */
TEST_CASE(arp_test_the_longest_datagram_keeps_its_last_fragments_within_64k)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long d = drops(SKB_DROP_REASON_NEIGH_QUEUEFULL);
	u8 *data = longest_datagram();
	struct arp_test_queue_info q;
	struct socket *sock;
	struct frame f;
	int k;

	ASSERT_TRUE(t, data != NULL);
	EXPECT_EQ(t, arp_params.queue_len_bytes, 64 * 1024);
	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	EXPECT_EQ(t, udp_sendto(sock, data, UDP_MAX_PAYLOAD, PEER_IP, 9), UDP_MAX_PAYLOAD);
	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 0));
	EXPECT_TRUE(t, is_our_request_for(&f, PEER_IP));
	EXPECT_EQ(t, tnic_tx_count(dev), 0);
	k = arp_test_queue(dev, PEER_IP, &q);
	EXPECT_GT(t, k, 0);
	EXPECT_LT(t, k, FRAGS);
	EXPECT_EQ(t, q.bytes, q.truesize_sum);
	EXPECT_LE(t, q.bytes, arp_params.queue_len_bytes);
	EXPECT_GT(t, q.bytes + q.oldest_truesize, arp_params.queue_len_bytes);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_NEIGH_QUEUEFULL) - d, FRAGS - k);
	printk("    # %s: %d of %d fragments wait, %u bytes of truesize\n", t->tcase->name, k,
	       FRAGS, q.bytes);
	peer_answers(dev);
	if (k > 0 && k < FRAGS)
		expect_fragments(t, dev, data, FRAGS - k, k, NULL);
	EXPECT_EQ(t, tnic_tx_count(dev), 0);
	EXPECT_EQ(t, queued_bytes(t, dev, PEER_IP, 0), 0);
	sock_release(sock);
	net_test_nic_destroy(dev);
	kfree(data);
}

/*
 * With room for them (Linux 4.14's default, SK_WMEM_MAX: 212992 bytes),
 * all 45 fragments of the longest datagram wait for the answer, leave in
 * order, and, turned round and injected, are put back together: the
 * socket gets every byte.
 */
TEST_CASE(arp_test_with_room_for_them_all_45_fragments_leave_in_order)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long d = drops(SKB_DROP_REASON_NEIGH_QUEUEFULL);
	struct frame *frames = kmalloc(FRAGS * sizeof(*frames), GFP_KERNEL);
	struct arp_params saved = arp_params;
	u8 *data = longest_datagram(), *got = kmalloc(UDP_MAX_PAYLOAD, GFP_KERNEL);
	struct socket *sock;
	unsigned int bytes;

	ASSERT_TRUE(t, frames && data && got);
	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	ASSERT_EQ(t, udp_bind(sock, FRAG_PORT), 0);
	arp_params.queue_len_bytes = 212992;
	EXPECT_EQ(t, udp_sendto(sock, data, UDP_MAX_PAYLOAD, PEER_IP, FRAG_PORT), UDP_MAX_PAYLOAD);
	bytes = queued_bytes(t, dev, PEER_IP, FRAGS);
	EXPECT_LE(t, bytes, arp_params.queue_len_bytes);
	arp_params = saved;
	EXPECT_GT(t, bytes, saved.queue_len_bytes); /* what 3.10's default could not hold */
	EXPECT_EQ(t, drops(SKB_DROP_REASON_NEIGH_QUEUEFULL) - d, 0);
	peer_answers(dev);
	expect_fragments(t, dev, data, 0, FRAGS, frames);
	EXPECT_EQ(t, tnic_tx_count(dev), 0);
	EXPECT_EQ(t, queued_bytes(t, dev, PEER_IP, 0), 0);
	for (unsigned int i = 0; i < FRAGS; i++) {
		struct frame *f = &frames[i];

		memcpy(frame_eth(f)->h_dest, our_mac, ETH_ALEN);
		memcpy(frame_eth(f)->h_source, peer_mac, ETH_ALEN);
		frame_iph(f)->saddr = PEER_IP;
		frame_iph(f)->daddr = OUR_IP;
		frame_ip_recsum(f); /* the UDP checksum covers both addresses: swapping keeps it */
		tnic_inject(dev, f->data, f->len);
	}
	EXPECT_EQ(t, udp_recvfrom(sock, got, UDP_MAX_PAYLOAD, NULL, NULL, MSG_DONTWAIT),
		  UDP_MAX_PAYLOAD);
	EXPECT_EQ(t, memcmp(got, data, UDP_MAX_PAYLOAD), 0);
	sock_release(sock);
	net_test_nic_destroy(dev);
	kfree(frames);
	kfree(data);
	kfree(got);
}

TEST_CASE(arp_test_unanswered_requests_are_retried_then_given_up)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long d = drops(SKB_DROP_REASON_NEIGH_FAILED);
	struct arp_params saved = arp_params;
	struct socket *sock;
	unsigned int requests = 0;
	struct frame f;

	arp_params.retrans_ms = 5;
	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	udp_sendto(sock, "x", 1, PEER_IP, 9);
	EXPECT_TRUE(t, wait_arp_state(dev, PEER_IP, NUD_NONE));
	arp_params = saved;
	while (tnic_next_tx(dev, &f, 0))
		requests += is_our_request_for(&f, PEER_IP);
	EXPECT_EQ(t, requests, saved.max_probes);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_NEIGH_FAILED) - d, 1); /* the datagram */
	sock_release(sock);
	net_test_nic_destroy(dev);
}

TEST_CASE(arp_test_cache_entries_expire)
{
	struct net_device *dev = net_test_nic(t);
	struct arp_params saved = arp_params;
	struct socket *sock;
	struct frame f;

	arp_params.reachable_ms = 5;
	net_test_learn_peer(dev);
	EXPECT_EQ(t, arp_state(dev, PEER_IP), NUD_REACHABLE);
	EXPECT_TRUE(t, wait_arp_state(dev, PEER_IP, NUD_NONE));
	arp_params = saved;
	/* Forgotten: the next packet asks again. */
	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	udp_sendto(sock, "x", 1, PEER_IP, 9);
	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 0));
	EXPECT_TRUE(t, is_our_request_for(&f, PEER_IP));
	sock_release(sock);
	net_test_nic_destroy(dev);
}

/*
 * A retransmit timer that lost the race for the table to an answer
 * (net/arp_test.h draws it) leaves the fresh entry alone: no request, no
 * drop, still REACHABLE, its timer the answer's.
 */
TEST_CASE(arp_test_timer_that_waited_while_the_answer_came_keeps_the_entry)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long d = drops(SKB_DROP_REASON_NEIGH_FAILED), expires;
	struct socket *sock;
	struct frame f;

	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	udp_sendto(sock, "x", 1, PEER_IP, 9);
	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 0));		     /* the first request */
	EXPECT_TRUE(t, arp_test_timer_take(dev, PEER_IP, &expires)); /* due: the softirq has it */
	frame_arp(&f, ARPOP_REPLY, peer_mac, PEER_IP, OUR_IP);
	tnic_inject(dev, f.data, f.len);	  /* another CPU: answered, the timer armed again */
	ASSERT_TRUE(t, tnic_next_tx(dev, &f, 0)); /* the datagram went out */
	EXPECT_TRUE(t, arp_test_timer_run(dev, PEER_IP)); /* the timer gets the lock */
	EXPECT_EQ(t, arp_state(dev, PEER_IP), NUD_REACHABLE);
	EXPECT_EQ(t, tnic_tx_count(dev), 0); /* and asked nothing */
	EXPECT_EQ(t, drops(SKB_DROP_REASON_NEIGH_FAILED) - d, 0);
	EXPECT_TRUE(t, arp_test_timer_take(dev, PEER_IP, &expires)); /* still armed */
	sock_release(sock);
	net_test_nic_destroy(dev);
}

/*
 * The timer of an answer frees it only once it is reachable_ms old (3.10's
 * neigh_timer_handler): early, it waits the rest, to the same jiffy.
 */
TEST_CASE(arp_test_timer_of_an_answer_not_yet_old_waits_the_rest)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long expires, again;

	net_test_learn_peer(dev); /* REACHABLE for reachable_ms (60 s) */
	ASSERT_TRUE(t, arp_test_timer_take(dev, PEER_IP, &expires));
	EXPECT_TRUE(t, arp_test_timer_run(dev, PEER_IP)); /* early: nobody armed it since */
	EXPECT_EQ(t, arp_state(dev, PEER_IP), NUD_REACHABLE);
	ASSERT_TRUE(t, arp_test_timer_take(dev, PEER_IP, &again));
	EXPECT_EQ(t, again, expires);
	EXPECT_EQ(t, tnic_tx_count(dev), 0);
	net_test_nic_destroy(dev);
}

TEST_CASE(arp_test_known_sender_is_updated_even_when_not_the_target)
{
	struct net_device *dev = net_test_nic(t);
	u8 ha[ETH_ALEN];
	struct frame f;

	net_test_learn_peer(dev);
	/* RFC 826's merge: the peer says it moved, asking about someone else. */
	frame_arp(&f, ARPOP_REQUEST, other_mac, PEER_IP, OTHER_IP);
	tnic_inject(dev, f.data, f.len);
	ASSERT_TRUE(t, arp_lookup(dev, PEER_IP, ha));
	EXPECT_TRUE(t, ether_addr_equal(ha, other_mac));
	EXPECT_EQ(t, tnic_tx_count(dev), 0);
	net_test_nic_destroy(dev);
}

/* Inject @f and expect exactly one drop under @reason and nothing sent. */
static void expect_arp_drop(struct ktest *t, struct net_device *dev, struct frame *f,
			    enum skb_drop_reason reason)
{
	unsigned long d = drops(reason);

	tnic_inject(dev, f->data, f->len);
	EXPECT_EQ(t, drops(reason) - d, 1);
	EXPECT_EQ(t, tnic_tx_count(dev), 0);
}

TEST_CASE(arp_test_malformed_packets_are_dropped_and_counted)
{
	struct net_device *dev = net_test_nic(t);
	struct arp_eth_ipv4 *arp;
	struct frame f;

	frame_arp(&f, ARPOP_REQUEST, peer_mac, PEER_IP, OUR_IP);
	f.len = ETH_HLEN + 20;
	expect_arp_drop(t, dev, &f, SKB_DROP_REASON_ARP_TRUNCATED);

	frame_arp(&f, ARPOP_REQUEST, peer_mac, PEER_IP, OUR_IP);
	arp = (struct arp_eth_ipv4 *)(f.data + ETH_HLEN);
	arp->hdr.ar_hrd = htons(6);
	expect_arp_drop(t, dev, &f, SKB_DROP_REASON_ARP_INVALID);

	frame_arp(&f, ARPOP_REQUEST, peer_mac, PEER_IP, OUR_IP);
	arp->hdr.ar_op = htons(9);
	expect_arp_drop(t, dev, &f, SKB_DROP_REASON_ARP_INVALID);

	frame_arp(&f, ARPOP_REQUEST, bcast_mac, PEER_IP, OUR_IP);
	expect_arp_drop(t, dev, &f, SKB_DROP_REASON_ARP_MARTIAN);

	/* Someone else claims our address: not believed. */
	frame_arp(&f, ARPOP_REQUEST, peer_mac, OUR_IP, OTHER_IP);
	expect_arp_drop(t, dev, &f, SKB_DROP_REASON_ARP_MARTIAN);
	EXPECT_EQ(t, arp_cache_count(), 0);
	net_test_nic_destroy(dev);
}

TEST_CASE(arp_test_full_table_of_unresolved_entries_refuses_more)
{
	struct net_device *dev = net_test_nic(t);
	unsigned long create = drops(SKB_DROP_REASON_NEIGH_CREATEFAIL);
	unsigned long failed = drops(SKB_DROP_REASON_NEIGH_FAILED);
	struct socket *sock;

	ASSERT_EQ(t, sock_create_udp(&sock), 0);
	for (u32 i = 0; i <= ARP_TABLE_SIZE; i++)
		udp_sendto(sock, "x", 1, htonl(0xc0a84d10U + i), 9);
	EXPECT_EQ(t, arp_cache_count(), ARP_TABLE_SIZE);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_NEIGH_CREATEFAIL) - create, 1);
	net_test_nic_destroy(dev); /* flushes: every waiting datagram fails */
	EXPECT_EQ(t, drops(SKB_DROP_REASON_NEIGH_FAILED) - failed, ARP_TABLE_SIZE);
	sock_release(sock);
}

TEST_CASE(arp_test_loopback_never_asks)
{
	EXPECT_EQ(t, icmp_ping(INADDR_LOOPBACK, 0x7e58, 1, 0, 1000, NULL), 0);
	EXPECT_EQ(t, arp_cache_count(), 0);
}

static const struct ktest_case net_arp_cases[] = {
	KTEST(arp_test_request_for_us_is_answered),
	KTEST(arp_test_request_for_someone_else_is_ignored),
	KTEST(arp_test_address_probe_is_answered_without_learning),
	KTEST(arp_test_a_miss_asks_once_and_the_packets_wait),
	KTEST(arp_test_resolving_queues_the_packet_and_sends_it_on_reply),
	KTEST(arp_test_queue_is_bounded_and_keeps_the_latest),
	KTEST(arp_test_a_large_packet_pushes_out_as_many_as_it_needs),
	KTEST(arp_test_a_packet_larger_than_the_limit_waits_alone),
	KTEST(arp_test_the_longest_datagram_keeps_its_last_fragments_within_64k),
	KTEST(arp_test_with_room_for_them_all_45_fragments_leave_in_order),
	KTEST(arp_test_unanswered_requests_are_retried_then_given_up),
	KTEST(arp_test_cache_entries_expire),
	KTEST(arp_test_timer_that_waited_while_the_answer_came_keeps_the_entry),
	KTEST(arp_test_timer_of_an_answer_not_yet_old_waits_the_rest),
	KTEST(arp_test_known_sender_is_updated_even_when_not_the_target),
	KTEST(arp_test_malformed_packets_are_dropped_and_counted),
	KTEST(arp_test_full_table_of_unresolved_entries_refuses_more),
	KTEST(arp_test_loopback_never_asks),
	{}
};
TEST_SUITE(net_arp, net_arp_cases);
