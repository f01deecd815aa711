/*
 * SPDX-License-Identifier: MIT
 * bench/guest/bench_net.h - what the network benchmarks share.
 */
#ifndef BENCH_GUEST_BENCH_NET_H
#define BENCH_GUEST_BENCH_NET_H

#include <kernel/types.h>

/*
 * bench_udp_echo_lo - @iters 64-byte datagrams to the UDP echo service over
 * lo, each waited for; the TSC ticks, or 0 if an echo failed
 * (bench/guest/bench_trace.c).  The baseline of bench_tcp.c's round trip.
 */
u64 bench_udp_echo_lo(unsigned long iters);

#endif
