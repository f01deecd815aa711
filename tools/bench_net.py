# SPDX-License-Identifier: MIT
"""tools/bench_net.py - the network part of `make bench` (tools/bench.py calls run()).

A guest with one virtio-net NIC (modern, then legacy) on QEMU's user
network, its UDP echo service (port 7) reached through a forwarded host
port, measured from the host by the wall clock:

  round trip   one 64-byte datagram at a time, 500 per run: the median
               round-trip time of each run; we print the median of the runs
  rate         64-byte datagrams with WINDOW of them in flight for 2 s per
               run: datagrams echoed per second; the median of the runs

Every datagram crosses the guest's RX and TX paths, the stack and the echo
thread, but also QEMU's user network (slirp) and the host's loopback: the
numbers are of the whole path, which is what a user of `make run` sees.
"""

import select
import socket
import statistics
import time
from types import SimpleNamespace

import net_checks

ROUND_TRIPS = 500
RATE_SECONDS = 2.0
WINDOW = 32
SIZE = 64


def round_trip_us(addr, n):
    """The median round trip of @n sequential echoes, in microseconds (None: lost ones)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1.0)
    times = []
    try:
        for i in range(n):
            msg = b"%08d" % i + b"x" * (SIZE - 8)
            start = time.perf_counter()
            s.sendto(msg, addr)
            while True:
                try:
                    if s.recv(2048) == msg:
                        break
                except socket.timeout:
                    return None
            times.append(time.perf_counter() - start)
    finally:
        s.close()
    return statistics.median(times) * 1e6


def rate(addr, seconds, window):
    """Datagrams echoed per second with @window in flight (a lost one is replaced after 0.2 s)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setblocking(False)
    msg = b"r" * SIZE
    in_flight, echoed, last = 0, 0, time.monotonic()
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        while in_flight < window:
            s.sendto(msg, addr)
            in_flight += 1
        r, _, _ = select.select([s], [], [], 0.2)
        if not r:
            in_flight = max(0, in_flight - 1)    # assume one was lost: keep the window full
            continue
        while True:
            try:
                s.recv(2048)
            except BlockingIOError:
                break
            echoed += 1
            in_flight -= 1
        last = time.monotonic()
    s.close()
    return echoed / (last - start)


def bench_flavour(args, flavour, runs):
    port = net_checks.free_udp_ports(1)[0]
    opts = SimpleNamespace(qemu=args.qemu, accel=args.accel, mem="128M", kernel=args.kernel,
                           logdir=args.logdir)
    guest = net_checks.Guest(opts, "bench-net-" + flavour, net_checks.nic_args(
        0, flavour, net_checks.user_netdev(0, [(port, net_checks.ECHO_PORT)])))
    addr = ("127.0.0.1", port)
    try:
        if not guest.boot():
            print("  %s: the guest did not reach the monitor (%s)" % (flavour, guest.log_path))
            return
        round_trip_us(addr, 50)         # warm up: ARP, caches, slirp's socket
        rtts = [round_trip_us(addr, ROUND_TRIPS) for _ in range(runs)]
        rates = [rate(addr, RATE_SECONDS, WINDOW) for _ in range(runs)]
    finally:
        guest.close()
    if None in rtts:
        print("  %s: a round trip was lost; no latency figure" % flavour)
    else:
        print("  %-6s UDP echo round trip (%d B): %7.1f us  (median of %d runs of %d; runs %s)"
              % (flavour, SIZE, statistics.median(rtts), runs, ROUND_TRIPS,
                 "/".join("%.0f" % r for r in rtts)))
    print("  %-6s UDP echo rate (%d B, %d in flight): %7.0f datagrams/s  (median of %d runs "
          "of %.0f s)" % (flavour, SIZE, WINDOW, statistics.median(rates), runs, RATE_SECONDS))


def run(args, kernel, logdir, runs=5):
    """Print the network benchmarks (called by tools/bench.py)."""
    args.kernel, args.logdir = kernel, logdir
    print("network, from the host through QEMU's user network to the guest's UDP echo service "
          "(-accel %s, wall clock):" % args.accel)
    for flavour in ("modern", "legacy"):
        bench_flavour(args, flavour, runs)
