/*
 * SPDX-License-Identifier: MIT
 * bench/guest/bench_trace.c - what the tracepoints cost, in guest
 * instructions (make bench, or boot with bench=trace).
 *
 *   trace udp echo over lo       one 64-byte datagram to the echo service
 *                                and its reply back: about 16 tracepoints
 *   trace 4 KiB read, ramdisk    blkdev_issue_rw of one 4 KiB block from a
 *                                RAM disk that completes inline: about 8
 *
 * each measured with the tracepoints off (the default) beside the same
 * with tracing on but following nothing (a filter no object matches: every
 * tracepoint takes its slow path, looks and stages).  tools/bench.py boots
 * this and a TRACE=0 build (tracepoints compiled out) and prints the
 * difference between "off" here and there: the price of one untaken branch
 * per tracepoint.
 */
#include <arch/x86.h>
#include <block/blkdev.h>
#include <drivers/ramdisk.h>
#include <kernel/bench.h>
#include <kernel/err.h>
#include <kernel/printk.h>
#include <kernel/trace.h>
#include <mm/slab.h>
#include <net/ip.h>
#include <net/socket.h>

#include "bench_net.h"

#define ECHO_BYTES 64

/* bench_udp_echo_lo - see bench_net.h. */
u64 bench_udp_echo_lo(unsigned long iters)
{
	static u8 buf[ECHO_BYTES];
	struct socket *sock;
	u64 start, used = 0;

	if (sock_create_udp(&sock))
		return 0;
	sock_set_rcvtimeo(sock, 1000);
	start = rdtsc();
	for (unsigned long i = 0; i < iters; i++) {
		if (udp_sendto(sock, buf, sizeof(buf), INADDR_LOOPBACK, 7) != sizeof(buf) ||
		    udp_recvfrom(sock, buf, sizeof(buf), NULL, NULL, 0) != sizeof(buf)) {
			pr_warn("bench_trace: an echo over lo failed\n");
			goto out;
		}
	}
	used = rdtsc() - start;
out:
	sock_release(sock);
	return used;
}

/* @iters 4 KiB reads from a fresh inline RAM disk; 0 on failure. */
static u64 bench_read_4k(unsigned long iters)
{
	static const struct ramdisk_config cfg = { .sectors = 64 };
	struct ramdisk *rd = ramdisk_create(&cfg);
	void *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	u64 start, used = 0;

	if (IS_ERR(rd) || !buf)
		goto out;
	start = rdtsc();
	for (unsigned long i = 0; i < iters; i++)
		if (blkdev_issue_rw(&rd->disk->bdev, READ, 8, buf, PAGE_SIZE, GFP_KERNEL, NULL))
			goto out;
	used = rdtsc() - start;
out:
	kfree(buf);
	if (!IS_ERR(rd))
		ramdisk_destroy(rd);
	return used;
}

/* Tracing on, following nothing: a port and a disk nobody uses. */
static u64 with_tracing_on(u64 (*fn)(unsigned long), unsigned int cls, unsigned long iters)
{
	struct trace_filter f = { .class = cls,
				  .port = 9,
				  .sector_set = true,
				  .sector_first = ~0ULL >> 2,
				  .sector_last = ~0ULL >> 2 };
	u64 used;

	if (trace_start(&f))
		return 0;
	used = fn(iters);
	trace_stop();
	trace_clear();
	return used;
}

static u64 bench_udp_echo_on(unsigned long iters)
{
	return with_tracing_on(bench_udp_echo_lo, TRACE_SKB, iters);
}

static u64 bench_read_4k_on(unsigned long iters)
{
	return with_tracing_on(bench_read_4k, TRACE_BIO, iters);
}

BENCH(trace_udp_echo, "trace udp echo over lo, tracepoints off", bench_udp_echo_lo,
      "on, following nothing", bench_udp_echo_on);
BENCH(trace_read_4k, "trace 4 KiB read, ramdisk, tracepoints off", bench_read_4k,
      "on, following nothing", bench_read_4k_on);
