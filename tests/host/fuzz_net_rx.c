/*
 * SPDX-License-Identifier: MIT
 * tests/host/fuzz_net_rx.c - a fuzz target for the receive path: each
 * input is one Ethernet frame handed to the test NIC, which takes it
 * through NAPI, Ethernet, ARP or IPv4, ICMP or UDP, to a socket - with the
 * real sk_buff code under ASan/UBSan.  After each input the stack is
 * settled (sent frames, ARP entries, queued datagrams dropped) and the
 * fake slab must be back where it started: a leak aborts, as a crash does.
 *
 * Two ways to run it (tests/host/Makefile):
 *
 *   libFuzzer (clang -fsanitize=fuzzer, -DNET_FUZZ_LIBFUZZER): coverage-
 *   guided, `make fuzz` runs it for FUZZ_SECONDS from seeds it writes.
 *
 *   standalone (gcc, the default): a randomised driver that mutates valid
 *   frames (UDP, ICMP echo, ARP) - flipped bits, random bytes, cut or grown
 *   lengths, fields set to edge values - for a number of iterations:
 *   `fuzz_net_rx [iterations] [seed]`.  `make test` runs it briefly.
 *
 * The first input byte also picks a few knobs: a pfmemalloc skb, one
 * allocation failing, a timer run afterwards.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_frames.h"
#include "net_host_env.h"
#include <kernel/time.h>

static struct net_device *dev;
static unsigned long baseline;

static void fuzz_init(void)
{
	net_host_init();
	dev = net_host_nic();
	net_host_settle(dev);
	baseline = net_host_live();
}

/* One input: byte 0 holds the knobs, the rest is the frame. */
static void fuzz_one(const u8 *data, size_t size)
{
	struct sk_buff *skb;
	u8 knobs;

	if (!size)
		return;
	knobs = data[0];
	data++;
	size--;
	if (size > 2048)
		size = 2048;
	if (knobs & 0x07)
		net_host_fail_nth(knobs & 0x07);
	skb = netdev_alloc_skb(dev, (unsigned int)size);
	if (skb) {
		skb_put_data(skb, data, (unsigned int)size);
		skb->pfmemalloc = (knobs & 0x08) != 0;
		tnic_inject_skb(dev, skb);
	}
	net_host_fail_nth(0);
	if (knobs & 0x10)
		msleep(2000); /* ARP retransmissions and expiry */
	net_host_settle(dev);
	if (net_host_live() != baseline) {
		fprintf(stderr, "fuzz_net_rx: %lu objects leaked\n", net_host_live() - baseline);
		abort();
	}
}

#ifdef NET_FUZZ_LIBFUZZER

/* libFuzzer's entry point (it declares none in a header). */
int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static bool ready;

	if (!ready) {
		fuzz_init();
		ready = true;
	}
	fuzz_one(data, size);
	return 0;
}

#else /* the standalone randomised driver */

static u64 rng;

static u32 rnd(u32 n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (u32)(rng % n) : 0;
}

/* A valid seed frame in @buf + 1 (after the knob byte); returns its length. */
static unsigned int seed_frame(u8 *buf)
{
	static const char *const payloads[] = { "", "x", "hello", "a longer payload for the echo" };
	const char *p = payloads[rnd(4)];

	switch (rnd(5)) {
	case 0:
		return nf_udp(buf, HOST_UDP_PORT, p);
	case 1:
		return nf_udp(buf, rnd(2) ? 7 : (u16)rnd(65536), p);
	case 2:
		return nf_echo(buf, p);
	case 3:
		return nf_arp(buf, rnd(2) ? ARPOP_REQUEST : ARPOP_REPLY, HOST_OUR_IP);
	default:
		return nf_ip(buf, (u8)rnd(256), rnd(64));
	}
}

/* Mutate @buf (@len bytes, room for 512) a few times; returns the new length. */
static unsigned int mutate(u8 *buf, unsigned int len)
{
	static const u8 edges[] = { 0x00, 0x01, 0x04, 0x05, 0x0f, 0x40, 0x45, 0x7f, 0x80, 0xff };

	for (unsigned int m = rnd(4) + 1; m; m--) {
		switch (rnd(5)) {
		case 0:
			if (len)
				buf[rnd(len)] ^= (u8)(1u << rnd(8));
			break;
		case 1:
			if (len)
				buf[rnd(len)] = (u8)rnd(256);
			break;
		case 2:
			if (len)
				buf[rnd(len)] = edges[rnd(sizeof(edges))];
			break;
		case 3:
			len = rnd(len + 1); /* cut */
			break;
		default:
			while (len < 512 && rnd(4)) /* grow with junk */
				buf[len++] = (u8)rnd(256);
			break;
		}
	}
	return len;
}

/* `--seeds DIR`: write valid frames (knob byte 0) as a starting corpus for libFuzzer. */
static int write_seeds(const char *dir)
{
	u8 buf[1 + 512] = { 0 };

	for (int i = 0; i < 32; i++) {
		char path[4096];
		unsigned int len = seed_frame(buf + 1);
		FILE *f;

		snprintf(path, sizeof(path), "%s/seed-%02d", dir, i);
		f = fopen(path, "wb");
		if (!f || fwrite(buf, 1, len + 1, f) != len + 1) {
			perror(path);
			return 1;
		}
		fclose(f);
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long iterations;
	u8 buf[1 + 512];

	if (argc > 2 && !strcmp(argv[1], "--seeds")) {
		rng = 0x2545f4914f6cdd1dULL;
		return write_seeds(argv[2]);
	}
	iterations = argc > 1 ? strtoul(argv[1], NULL, 0) : 200000;

	rng = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x2545f4914f6cdd1dULL;
	if (!rng)
		rng = 1;
	fuzz_init();
	printf("1..1\n");
	for (unsigned long i = 0; i < iterations; i++) {
		unsigned int len = seed_frame(buf + 1);

		buf[0] = (u8)(rnd(4) ? 0 : rnd(256)); /* mostly no knobs */
		if (rnd(8))
			len = mutate(buf + 1, len);
		fuzz_one(buf, len + 1);
	}
	printf("# rx_packets %lu, udp delivered %u, drops:", dev->stats.rx_packets,
	       net_host_udp_received());
	for (int r = 1; r < SKB_DROP_REASON_MAX; r++)
		if (net_drop_count[r])
			printf(" %s=%lu", skb_drop_reason_name(r), net_drop_count[r]);
	printf("\nok 1 - fuzz_net_rx: %lu mutated frames, no crash, no leak\n", iterations);
	return 0;
}

#endif
