/*
 * SPDX-License-Identifier: MIT
 * tests/net/test_netem.c - netem (net/netem.c) on a test NIC: loss,
 * duplication, corruption, delay, reordering and the queue limit on
 * transmit and receive, switching off with packets waiting, a device going
 * down, the monitor's and the command line's settings, and settings
 * changed while every CPU sends.
 *
 * Every case seeds the generator and computes with netem_prandom_u32 which
 * packets fall, so the assertions are exact.  Transmit: frames built here
 * go through dev_queue_xmit and are read back with tnic_tx_pop, each
 * carrying its number.  Receive: ICMP echo requests from the peer are
 * injected and the echo replies (same sequence number) read back; netem is
 * then on for rx only, so the replies go out untouched.
 */
#include <errno.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <mm/slab.h>
#include <net/netem.h>
#include <stdio.h>
#include <string.h>

#include "monitor_test.h"
#include "net_test.h"

#define NETEM_TEST_PROTO 0x88b5 /* IEEE's local experimental EtherType: nobody parses it */
#define WAIT_MS		 5000	/* for packets that must come */

/* A frame to the peer carrying @seq (and @tag: the sender, for the SMP case). */
static struct sk_buff *tx_frame(struct net_device *dev, u32 seq, u32 tag)
{
	struct sk_buff *skb = alloc_skb(128, GFP_KERNEL);
	u32 words[2] = { seq, tag };

	if (!skb)
		return NULL;
	skb_reserve(skb, 32);
	skb_put_data(skb, words, sizeof(words));
	if (dev_hard_header(skb, dev, NETEM_TEST_PROTO, peer_mac, NULL, skb->len) < 0) {
		kfree_skb(skb);
		return NULL;
	}
	skb->dev = dev;
	skb->protocol = htons(NETEM_TEST_PROTO);
	return skb;
}

/* Send frame @seq through dev_queue_xmit: its result, or -ENOMEM. */
static int tx_send(struct net_device *dev, u32 seq)
{
	struct sk_buff *skb = tx_frame(dev, seq, 0);

	return skb ? dev_queue_xmit(skb) : -ENOMEM;
}

static u32 frame_seq(const struct sk_buff *skb)
{
	u32 seq;

	memcpy(&seq, skb->data + ETH_HLEN, sizeof(seq));
	return seq;
}

/* Pop @n frames (waiting up to WAIT_MS for them) and record their numbers.  How many came. */
static unsigned int tx_collect(struct net_device *dev, u32 *seqs, unsigned int n)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(WAIT_MS);
	unsigned int got = 0;
	struct sk_buff *skb;

	while (got < n) {
		skb = tnic_tx_pop(dev);
		if (!skb) {
			if (time_after(jiffies, deadline))
				break;
			msleep(1);
			continue;
		}
		seqs[got++] = frame_seq(skb);
		consume_skb(skb);
	}
	return got;
}

/* An ICMP echo request #@seq from the peer, in through the test NIC. */
static void rx_echo(struct net_device *dev, u16 seq)
{
	struct frame f;

	frame_icmp_echo(&f, PEER_IP, OUR_IP, ICMP_ECHO, 0x4e4d, seq, "netem", 5);
	tnic_inject(dev, f.data, f.len);
}

/* The next echo reply's sequence number, -1 if none came within @ms or it is not one. */
static int rx_reply(struct net_device *dev, unsigned int ms)
{
	struct icmphdr *icmph;
	struct frame f;

	if (!tnic_next_tx(dev, &f, ms))
		return -1;
	icmph = frame_l4(&f);
	if (frame_iph(&f)->protocol != IPPROTO_ICMP || icmph->type != ICMP_ECHOREPLY)
		return -1;
	return ntohs(icmph->un.echo.sequence);
}

/* Settings for the cases: all zero but @limit and @seed. */
static struct netem_config cfg_seeded(u32 seed)
{
	struct netem_config c = { .limit = NETEM_LIMIT_DEFAULT, .seed = seed, .seed_set = true };

	return c;
}

/* Fill in the thresholds from the ppm, as netem_parse does. */
static void cfg_finish(struct netem_config *c)
{
	c->loss = netem_ppm_to_prob(c->loss_ppm);
	c->duplicate = netem_ppm_to_prob(c->duplicate_ppm);
	c->reorder = netem_ppm_to_prob(c->reorder_ppm);
	c->corrupt = netem_ppm_to_prob(c->corrupt_ppm);
}

static struct netem_stats stats_of(struct net_device *dev, enum netem_direction dir)
{
	struct netem_stats st = { 0 };

	netem_get(dev, dir, NULL, &st);
	return st;
}

TEST_CASE(netem_test_loss_100_drops_every_packet_and_counts_them)
{
	struct net_device *dev = net_test_nic(t);
	struct netem_config c = cfg_seeded(1);
	unsigned long d = drops(SKB_DROP_REASON_NETEM);
	struct netem_stats st;

	c.loss_ppm = NETEM_PPM_100;
	cfg_finish(&c);
	ASSERT_EQ(t, netem_change(dev, 1U << NETEM_TX, &c), 0);
	for (u32 i = 0; i < 20; i++)
		EXPECT_EQ(t, tx_send(dev, i), NET_XMIT_SUCCESS); /* lost "on the wire" */
	st = stats_of(dev, NETEM_TX);
	EXPECT_EQ(t, tnic_tx_count(dev), 0);
	EXPECT_EQ(t, st.lost, 20);
	EXPECT_EQ(t, st.passed, 0);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_NETEM) - d, 20);
	EXPECT_EQ(t, dev->stats.tx_packets, 0);
	EXPECT_EQ(t, dev->stats.tx_dropped, 0); /* netem's drops are not the device's */
	netem_off(dev, NETEM_BOTH);
	EXPECT_NULL(t, dev->netem);
	EXPECT_EQ(t, tx_send(dev, 99), NET_XMIT_SUCCESS); /* off: straight through */
	EXPECT_EQ(t, tnic_tx_count(dev), 1);
	net_test_nic_destroy(dev);
}

#define LOSS_N 200

TEST_CASE(netem_test_loss_30_drops_exactly_the_packets_the_generator_says)
{
	struct net_device *dev = net_test_nic(t);
	struct netem_config c = cfg_seeded(1234);
	static u32 want[LOSS_N], got[LOSS_N];
	unsigned int nwant = 0, ngot;
	u64 rnd = 1234;

	c.loss_ppm = 300000;
	cfg_finish(&c);
	for (u32 i = 0; i < LOSS_N; i++) /* one draw per packet: only loss is set */
		if (!(c.loss >= netem_prandom_u32(&rnd)))
			want[nwant++] = i;
	/* The seed must make the case mean something: some lost, most through. */
	ASSERT_GT(t, nwant, LOSS_N / 2);
	ASSERT_LT(t, nwant, LOSS_N);
	ASSERT_EQ(t, netem_change(dev, 1U << NETEM_TX, &c), 0);
	for (u32 i = 0; i < LOSS_N; i++)
		tx_send(dev, i);
	ngot = tx_collect(dev, got, LOSS_N);
	EXPECT_EQ(t, ngot, nwant);
	for (unsigned int i = 0; i < ngot && i < nwant; i++)
		EXPECT_EQ(t, got[i], want[i]);
	EXPECT_EQ(t, stats_of(dev, NETEM_TX).lost, LOSS_N - nwant);
	EXPECT_EQ(t, stats_of(dev, NETEM_TX).passed, nwant);
	printk("    # %s: %u of %u lost, as drawn\n", t->tcase->name, LOSS_N - nwant, LOSS_N);
	net_test_nic_destroy(dev); /* unregister frees netem's state */
}

TEST_CASE(netem_test_duplicate_100_sends_every_packet_twice_as_separate_skbs)
{
	struct net_device *dev = net_test_nic(t);
	struct netem_config c = cfg_seeded(5);

	c.duplicate_ppm = NETEM_PPM_100;
	cfg_finish(&c);
	ASSERT_EQ(t, netem_change(dev, 1U << NETEM_TX, &c), 0);
	for (u32 i = 0; i < 10; i++)
		tx_send(dev, i);
	EXPECT_EQ(t, tnic_tx_count(dev), 20);
	for (u32 i = 0; i < 10; i++) {
		struct sk_buff *a = tnic_tx_pop(dev), *b = tnic_tx_pop(dev);

		ASSERT_TRUE(t, a && b);
		EXPECT_EQ(t, frame_seq(a), i); /* the copy first, as 3.10 enqueues it first */
		EXPECT_EQ(t, frame_seq(b), i);
		EXPECT_TRUE(t, a != b);
		/* TX copies are clones (3.10's skb_clone): two sk_buffs, one buffer. */
		EXPECT_TRUE(t, a->head == b->head && skb_cloned(a) && skb_cloned(b));
		consume_skb(a);
		consume_skb(b);
	}
	EXPECT_EQ(t, stats_of(dev, NETEM_TX).duplicated, 10);
	EXPECT_EQ(t, stats_of(dev, NETEM_TX).passed, 20);
	net_test_nic_destroy(dev);
}

TEST_CASE(netem_test_rx_duplicate_100_delivers_each_packet_twice)
{
	struct net_device *dev = net_test_nic(t);
	struct netem_config c = cfg_seeded(5);

	net_test_learn_peer(dev);
	c.duplicate_ppm = NETEM_PPM_100;
	cfg_finish(&c);
	ASSERT_EQ(t, netem_change(dev, 1U << NETEM_RX, &c), 0);
	for (u16 i = 0; i < 5; i++) {
		rx_echo(dev, i);
		/* Two requests reached ICMP, each answered intact: the copy had its own bytes. */
		EXPECT_EQ(t, rx_reply(dev, WAIT_MS), i);
		EXPECT_EQ(t, rx_reply(dev, WAIT_MS), i);
	}
	EXPECT_EQ(t, stats_of(dev, NETEM_RX).duplicated, 5);
	EXPECT_EQ(t, stats_of(dev, NETEM_RX).passed, 10);
	EXPECT_FALSE(t, netem_get(dev, NETEM_TX, NULL, NULL));
	net_test_nic_destroy(dev);
}

TEST_CASE(netem_test_corrupt_100_flips_the_drawn_bit)
{
	struct net_device *dev = net_test_nic(t);
	struct netem_config c = cfg_seeded(77);
	u64 rnd = 77;

	c.corrupt_ppm = NETEM_PPM_100;
	cfg_finish(&c);
	ASSERT_EQ(t, netem_change(dev, 1U << NETEM_TX, &c), 0);
	for (u32 i = 0; i < 8; i++) {
		struct sk_buff *skb, *sent = tx_frame(dev, i, 0xa5a5a5a5);
		u8 want[64];
		u32 byte, bit;

		ASSERT_NOT_NULL(t, sent);
		memcpy(want, sent->data, sent->len);
		netem_prandom_u32(&rnd); /* the corrupt draw (100%: yes) */
		byte = netem_prandom_u32(&rnd) % sent->len;
		bit = netem_prandom_u32(&rnd) % 8;
		want[byte] ^= (u8)(1U << bit);
		dev_queue_xmit(sent);
		skb = tnic_tx_pop(dev);
		ASSERT_NOT_NULL(t, skb);
		EXPECT_EQ(t, memcmp(skb->data, want, skb->len), 0);
		consume_skb(skb);
	}
	EXPECT_EQ(t, stats_of(dev, NETEM_TX).corrupted, 8);
	net_test_nic_destroy(dev);
}

#define DELAY_MS 100

/* Poll for the first frame: the jiffies when it was seen (read after seeing it). */
static unsigned long first_seen(struct net_device *dev)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(WAIT_MS);

	for (;;) {
		if (tnic_tx_count(dev))
			return jiffies;
		if (time_after(jiffies, deadline))
			return 0;
		msleep(1);
	}
}

TEST_CASE(netem_test_delay_holds_a_packet_until_its_time)
{
	struct net_device *dev = net_test_nic(t);
	struct netem_config c = cfg_seeded(1);
	unsigned long j0, seen;

	net_test_learn_peer(dev); /* before netem: its ARP reply is not what this case waits for */
	c.delay_ms = DELAY_MS;
	cfg_finish(&c);
	ASSERT_EQ(t, netem_change(dev, 1U << NETEM_TX, &c), 0);
	j0 = jiffies;
	EXPECT_EQ(t, tx_send(dev, 1), NET_XMIT_SUCCESS);
	seen = first_seen(dev);
	ASSERT_NE(t, seen, 0);
	/* Not before jiffies + delay (j0 is no later than the send), and then it came. */
	EXPECT_TRUE(t, time_after_eq(seen, j0 + DELAY_MS));
	EXPECT_EQ(t, stats_of(dev, NETEM_TX).delayed, 1);
	EXPECT_EQ(t, stats_of(dev, NETEM_TX).queued, 0);
	tnic_tx_purge(dev);

	/* Receive: the echo request waits, so does the reply. */
	netem_off(dev, 1U << NETEM_TX);
	ASSERT_EQ(t, netem_change(dev, 1U << NETEM_RX, &c), 0);
	j0 = jiffies;
	rx_echo(dev, 7);
	seen = first_seen(dev);
	ASSERT_NE(t, seen, 0);
	EXPECT_TRUE(t, time_after_eq(seen, j0 + DELAY_MS));
	EXPECT_EQ(t, rx_reply(dev, WAIT_MS), 7);
	net_test_nic_destroy(dev);
}

#define REORDER_N     20
#define REORDER_DELAY 1000 /* long, so the burst is sent before any delayed packet is due */

TEST_CASE(netem_test_reorder_sends_the_drawn_packets_ahead_of_the_waiting_ones)
{
	struct net_device *dev = net_test_nic(t);
	struct netem_config c = cfg_seeded(2024);
	u32 want[REORDER_N], got[REORDER_N];
	unsigned int now = 0, later = 0, n;
	u32 delayed[REORDER_N];
	u64 rnd = 2024;

	c.reorder_ppm = 250000;
	c.delay_ms = REORDER_DELAY;
	cfg_finish(&c);
	/* One draw per packet: reorder >= draw goes at once, the others wait. */
	for (u32 i = 0; i < REORDER_N; i++) {
		if (c.reorder >= netem_prandom_u32(&rnd))
			want[now++] = i;
		else
			delayed[later++] = i;
	}
	ASSERT_TRUE(t, now > 0 && later > 0 && want[0] > delayed[0]); /* a later one overtakes */
	memcpy(want + now, delayed, later * sizeof(u32));
	ASSERT_EQ(t, netem_change(dev, 1U << NETEM_TX, &c), 0);
	for (u32 i = 0; i < REORDER_N; i++)
		tx_send(dev, i);
	n = tx_collect(dev, got, REORDER_N);
	ASSERT_EQ(t, n, REORDER_N);
	for (unsigned int i = 0; i < REORDER_N; i++)
		EXPECT_EQ(t, got[i], want[i]);
	EXPECT_EQ(t, stats_of(dev, NETEM_TX).reordered, now);
	EXPECT_EQ(t, stats_of(dev, NETEM_TX).delayed, later);
	net_test_nic_destroy(dev);
}

TEST_CASE(netem_test_limit_drops_beyond_the_queue_and_off_releases_it_in_order)
{
	struct net_device *dev = net_test_nic(t);
	struct netem_config c = cfg_seeded(1);
	unsigned long d = drops(SKB_DROP_REASON_QDISC_DROP);
	struct netem_stats st;
	u32 got[5];

	c.delay_ms = 10000;
	c.limit = 5;
	cfg_finish(&c);
	ASSERT_EQ(t, netem_change(dev, 1U << NETEM_TX, &c), 0);
	for (u32 i = 0; i < 8; i++)
		EXPECT_EQ(t, tx_send(dev, i), i < 5 ? NET_XMIT_SUCCESS : NET_XMIT_DROP);
	st = stats_of(dev, NETEM_TX);
	EXPECT_EQ(t, st.limit_drops, 3);
	EXPECT_EQ(t, st.queued, 5);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_QDISC_DROP) - d, 3);
	EXPECT_EQ(t, tnic_tx_count(dev), 0);
	/* Off: the five waiting go out now, in order, and the state is freed (the leak check). */
	netem_off(dev, NETEM_BOTH);
	EXPECT_NULL(t, dev->netem);
	EXPECT_EQ(t, tnic_tx_count(dev), 5);
	EXPECT_EQ(t, tx_collect(dev, got, 5), 5);
	for (u32 i = 0; i < 5; i++)
		EXPECT_EQ(t, got[i], i);
	net_test_nic_destroy(dev);
}

TEST_CASE(netem_test_rx_off_hands_the_waiting_packets_up_in_order)
{
	struct net_device *dev = net_test_nic(t);
	struct netem_config c = cfg_seeded(1);

	net_test_learn_peer(dev);
	c.delay_ms = 10000;
	cfg_finish(&c);
	ASSERT_EQ(t, netem_change(dev, NETEM_BOTH, &c), 0);
	netem_off(dev, 1U << NETEM_TX); /* rx stays on: the state stays */
	ASSERT_NOT_NULL(t, dev->netem);
	for (u16 i = 0; i < 3; i++)
		rx_echo(dev, i);
	EXPECT_EQ(t, stats_of(dev, NETEM_RX).queued, 3);
	EXPECT_EQ(t, tnic_tx_count(dev), 0);
	netem_off(dev, 1U << NETEM_RX);
	EXPECT_NULL(t, dev->netem);
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(t, rx_reply(dev, WAIT_MS), i);
	net_test_nic_destroy(dev);
}

TEST_CASE(netem_test_device_down_drops_what_waits_and_keeps_the_settings)
{
	struct net_device *dev = net_test_nic(t);
	struct netem_config c = cfg_seeded(1), now;
	unsigned long d = drops(SKB_DROP_REASON_DEV_DOWN);

	c.delay_ms = 10000;
	cfg_finish(&c);
	ASSERT_EQ(t, netem_change(dev, 1U << NETEM_TX, &c), 0);
	for (u32 i = 0; i < 3; i++)
		tx_send(dev, i);
	EXPECT_EQ(t, stats_of(dev, NETEM_TX).queued, 3);
	dev_close(dev);
	EXPECT_EQ(t, drops(SKB_DROP_REASON_DEV_DOWN) - d, 3);
	EXPECT_EQ(t, stats_of(dev, NETEM_TX).queued, 0);
	EXPECT_EQ(t, stats_of(dev, NETEM_TX).down_drops, 3);
	EXPECT_TRUE(t, netem_get(dev, NETEM_TX, &now, NULL));
	EXPECT_EQ(t, now.delay_ms, 10000);
	EXPECT_EQ(t, dev_open(dev), 0);
	/* Up again, with packets waiting, then unregistered: all freed (the leak check). */
	for (u32 i = 0; i < 3; i++)
		tx_send(dev, i);
	EXPECT_EQ(t, stats_of(dev, NETEM_TX).queued, 3);
	net_test_nic_destroy(dev);
}

/* Run a monitor line about @dev: '@' in @text is its name. */
static int exec_dev(struct net_device *dev, const char *text)
{
	char line[MONITOR_LINE_MAX];
	size_t n = 0;

	for (const char *p = text; *p && n + IFNAMSIZ < sizeof(line); p++) {
		if (*p != '@') {
			line[n++] = *p;
			continue;
		}
		memcpy(line + n, dev->name, strlen(dev->name));
		n += strlen(dev->name);
	}
	line[n] = '\0';
	return exec(line);
}

TEST_CASE(netem_test_monitor_refuses_bad_arguments_and_changes_nothing)
{
	static const char *const bad[] = {
		"netem nosuchdev loss 5%", "netem @ loss 5",	    "netem @ loss 101%",
		"netem @ loss abc%",	   "netem @ loss 0.12345%", "netem @ loss",
		"netem @ tx tx loss 5%",   "netem @ bogus 1",	    "netem @ loss 5% loss 6%",
		"netem @ reorder 10%",	   "netem @ jitter 5ms",    "netem @ delay 20",
		"netem @ delay 61s",	   "netem @ limit 0",	    "netem @ seed -1",
		"netem @ seed 4294967296", "netem @ off now",	    "netem @ rx",
	};
	struct net_device *dev = net_test_nic(t);
	struct netem_config before, after;

	ASSERT_EQ(t, exec_dev(dev, "netem @ tx loss 5% delay 20ms jitter 5ms limit 10 seed 3"), 0);
	ASSERT_TRUE(t, netem_get(dev, NETEM_TX, &before, NULL));
	EXPECT_EQ(t, before.loss_ppm, 50000);
	EXPECT_EQ(t, before.jitter_ms, 5);
	EXPECT_EQ(t, before.limit, 10);
	EXPECT_EQ(t, before.seed, 3);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(t, exec_dev(dev, bad[i]), -EINVAL);
		ASSERT_TRUE(t, netem_get(dev, NETEM_TX, &after, NULL));
		EXPECT_EQ(t, memcmp(&before, &after, sizeof(after)), 0);
		EXPECT_FALSE(t, netem_get(dev, NETEM_RX, NULL, NULL));
	}
	/* Good lines: rx on with a fraction, then everything off. */
	EXPECT_EQ(t, exec_dev(dev, "netem @ rx duplicate 0.5% delay 1s"), 0);
	ASSERT_TRUE(t, netem_get(dev, NETEM_RX, &after, NULL));
	EXPECT_EQ(t, after.duplicate_ppm, 5000);
	EXPECT_EQ(t, after.delay_ms, 1000);
	EXPECT_EQ(t, exec_dev(dev, "netem @"), 0);
	EXPECT_EQ(t, exec("netem"), 0);
	EXPECT_EQ(t, exec_dev(dev, "netem @ off"), 0);
	EXPECT_NULL(t, dev->netem);
	net_test_nic_destroy(dev);
}

TEST_CASE(netem_test_command_line_form_is_parsed_and_bad_specs_counted)
{
	static const char *const bad[] = {
		"%s", /* no ':' */
		"nosuchdev:loss=5%%",
		"%s.up:loss=5%%",
		"%s:loss=5",
		"%s:reorder=5%%",
		"%s:loss",
	};
	struct net_device *dev = net_test_nic(t);
	unsigned long errors = netem_cmdline_errors;
	struct netem_config c;
	char spec[96];

	snprintf(spec, sizeof(spec), "%s.tx:loss=100%%,delay=20ms,seed=9", dev->name);
	EXPECT_EQ(t, netem_cmdline_apply(spec), 0);
	ASSERT_TRUE(t, netem_get(dev, NETEM_TX, &c, NULL));
	EXPECT_EQ(t, c.loss_ppm, NETEM_PPM_100);
	EXPECT_EQ(t, c.delay_ms, 20);
	EXPECT_EQ(t, c.seed, 9);
	EXPECT_FALSE(t, netem_get(dev, NETEM_RX, NULL, NULL));
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct netem_config now;

		snprintf(spec, sizeof(spec), bad[i], dev->name);
		EXPECT_EQ(t, netem_cmdline_apply(spec), 1);
		ASSERT_TRUE(t, netem_get(dev, NETEM_TX, &now, NULL));
		EXPECT_EQ(t, memcmp(&c, &now, sizeof(now)), 0);
		EXPECT_FALSE(t, netem_get(dev, NETEM_RX, NULL, NULL));
	}
	EXPECT_EQ(t, netem_cmdline_errors - errors, ARRAY_SIZE(bad));
	/* Two specs in one value: rx on, then tx off. */
	snprintf(spec, sizeof(spec), "%s.rx:duplicate=2%%;%s.tx:off", dev->name, dev->name);
	EXPECT_EQ(t, netem_cmdline_apply(spec), 0);
	EXPECT_TRUE(t, netem_get(dev, NETEM_RX, &c, NULL));
	EXPECT_EQ(t, c.duplicate_ppm, 20000);
	EXPECT_FALSE(t, netem_get(dev, NETEM_TX, NULL, NULL));
	snprintf(spec, sizeof(spec), "%s:off", dev->name);
	EXPECT_EQ(t, netem_cmdline_apply(spec), 0);
	EXPECT_NULL(t, dev->netem);
	net_test_nic_destroy(dev);
}

/* ---- settings changed while every CPU sends ------------------------------------------- */

#define SMP_PER_CPU 400

struct netem_sender {
	struct net_device *dev;
	unsigned int cpu;
	unsigned int sent;
};

static int netem_smp_send(void *arg)
{
	struct netem_sender *s = arg;

	for (u32 i = 0; i < SMP_PER_CPU; i++) {
		struct sk_buff *skb = tx_frame(s->dev, i, s->cpu);

		if (!skb)
			return -ENOMEM;
		dev_queue_xmit(skb);
		s->sent++;
		if (!(i % 16))
			msleep(1); /* let the changes interleave */
	}
	return 0;
}

/*
 * Every CPU sends while this thread switches netem on, changes it and
 * switches it off, over and over: afterwards every frame is accounted for
 * (arrived once, or counted lost, or dropped at the limit), none twice.
 */
TEST_CASE(netem_test_settings_change_while_every_cpu_sends)
{
	static struct netem_sender s[NR_CPUS];
	static struct task_struct *k[NR_CPUS];
	static u8 seen[NR_CPUS][SMP_PER_CPU];
	unsigned long lost0 = drops(SKB_DROP_REASON_NETEM);
	unsigned long full0 = drops(SKB_DROP_REASON_QDISC_DROP);
	struct net_device *dev = net_test_nic(t);
	unsigned long sent = 0, arrived = 0, lost, twice = 0;
	unsigned int cpu, n = 0, round = 0;
	struct netem_config c = cfg_seeded(11);
	bool running = true;
	struct sk_buff *skb;

	memset(seen, 0, sizeof(seen));
	for_each_online_cpu(cpu) {
		s[n] = (struct netem_sender){ .dev = dev, .cpu = cpu };
		k[n] = ktest_thread_start_on(netem_smp_send, &s[n], "netem-smp", cpu);
		n++;
	}
	while (running) {
		c.loss_ppm = (round % 3) * 150000;
		c.delay_ms = round % 2 ? 2 : 0;
		c.jitter_ms = round % 2;
		c.reorder_ppm = round % 2 ? 100000 : 0;
		cfg_finish(&c);
		if (round % 4 == 3)
			netem_off(dev, NETEM_BOTH);
		else
			EXPECT_EQ(t, netem_change(dev, round % 2 ? NETEM_BOTH : 1U << NETEM_TX, &c),
				  0);
		round++;
		msleep(2);
		running = false;
		for (unsigned int i = 0; i < n; i++)
			if (k[i] && READ_ONCE(s[i].sent) < SMP_PER_CPU)
				running = true;
	}
	for (unsigned int i = 0; i < n; i++) {
		ASSERT_NOT_NULL(t, k[i]);
		EXPECT_EQ(t, ktest_thread_finish(k[i], 30000), 0);
		sent += s[i].sent;
	}
	netem_off(dev, NETEM_BOTH); /* what still waits goes out now */
	while ((skb = tnic_tx_pop(dev))) {
		u32 seq = frame_seq(skb), who;

		memcpy(&who, skb->data + ETH_HLEN + 4, sizeof(who));
		if (who < NR_CPUS && seq < SMP_PER_CPU) {
			twice += seen[who][seq];
			seen[who][seq] = 1;
		}
		arrived++;
		consume_skb(skb);
	}
	lost = drops(SKB_DROP_REASON_NETEM) - lost0 + drops(SKB_DROP_REASON_QDISC_DROP) - full0;
	printk("    # %s: %u CPU(s), %u changes: sent %lu, arrived %lu, lost %lu\n", t->tcase->name,
	       n, round, sent, arrived, lost);
	EXPECT_EQ(t, sent, n * SMP_PER_CPU);
	EXPECT_EQ(t, arrived + lost, sent);
	EXPECT_EQ(t, twice, 0);
	EXPECT_NULL(t, dev->netem);
	net_test_nic_destroy(dev);
}

static const struct ktest_case netem_cases[] = {
	KTEST(netem_test_loss_100_drops_every_packet_and_counts_them),
	KTEST(netem_test_loss_30_drops_exactly_the_packets_the_generator_says),
	KTEST(netem_test_duplicate_100_sends_every_packet_twice_as_separate_skbs),
	KTEST(netem_test_rx_duplicate_100_delivers_each_packet_twice),
	KTEST(netem_test_corrupt_100_flips_the_drawn_bit),
	KTEST(netem_test_delay_holds_a_packet_until_its_time),
	KTEST(netem_test_reorder_sends_the_drawn_packets_ahead_of_the_waiting_ones),
	KTEST(netem_test_limit_drops_beyond_the_queue_and_off_releases_it_in_order),
	KTEST(netem_test_rx_off_hands_the_waiting_packets_up_in_order),
	KTEST(netem_test_device_down_drops_what_waits_and_keeps_the_settings),
	KTEST(netem_test_monitor_refuses_bad_arguments_and_changes_nothing),
	KTEST(netem_test_command_line_form_is_parsed_and_bad_specs_counted),
	KTEST_TIMEOUT(netem_test_settings_change_while_every_cpu_sends, 60000),
	{}
};
TEST_SUITE(netem, netem_cases);
