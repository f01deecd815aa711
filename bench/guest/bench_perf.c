/*
 * SPDX-License-Identifier: MIT
 * bench/guest/bench_perf.c - what the layer counters cost, in guest
 * instructions (make bench, or boot with bench=perf; include/kernel/perf.h).
 *
 *   perf enter+exit          one empty layer opened and closed: counting
 *                            off (one untaken branch each) beside on (two
 *                            calls of the slow half); "on" is what each
 *                            call in a `perf show` table added to the
 *                            figures around it
 *   perf udp echo over lo    one 64-byte datagram to the echo service and
 *                            its reply, counting off beside on
 */
#include <arch/x86.h>
#include <kernel/bench.h>
#include <kernel/perf.h>

#include "bench_net.h"

DEFINE_PERF_LAYER(perf_bench_empty, "bench empty");

static u64 bench_pair(unsigned long iters)
{
	u64 start = rdtsc();

	for (unsigned long i = 0; i < iters; i++) {
		perf_enter(&perf_bench_empty);
		barrier();
		perf_exit(&perf_bench_empty);
	}
	return rdtsc() - start;
}

/* @fn(@iters) with counting on (a session of its own, stopped after). */
static u64 counting_on(u64 (*fn)(unsigned long), unsigned long iters)
{
	u64 used;

	perf_start();
	used = fn(iters);
	perf_stop();
	return used;
}

static u64 bench_pair_on(unsigned long iters)
{
	return counting_on(bench_pair, iters);
}

static u64 bench_udp_echo_on(unsigned long iters)
{
	return counting_on(bench_udp_echo_lo, iters);
}

BENCH(perf_pair, "perf enter+exit, counting off", bench_pair, "counting on", bench_pair_on);
BENCH(perf_udp_echo, "perf udp echo over lo, counting off", bench_udp_echo_lo, "counting on",
      bench_udp_echo_on);
