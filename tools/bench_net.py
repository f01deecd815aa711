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

Then the scaling of multiqueue (where we are root with /dev/net/tun; skipped
and said so otherwise): a multi_queue tap in a network namespace
(tools/net_checks.py MqTap), guests with 1, 2 and 4 vCPUs and as many queue
pairs under MTTCG (-accel tcg,thread=multi: a host thread per vCPU), and
MQ_FLOWS sockets of the namespace (one source port each, so the tap spreads
the flows over the queues) keeping MQ_WINDOW 64-byte datagrams in flight for
MQ_SECONDS per run (one unanswered after MQ_RETRY_S is sent again); every
reply is checked.  The client is Python: about 20000 datagrams/s is its own
limit here, which the 1-vCPU guest nearly reaches.  Each figure is the median of
the runs, printed beside the 1-vCPU figure of the same bench run with the
ratio.  The host's cores bound it: on a 2-core host 4 vCPUs and the client
share two cores.

Then the stack's own scaling, without the host in the path: the in-guest
suite net_bench (tests/net/test_net_bench.c), UDP echo over loopback with a
client/server pair bound to each CPU, booted with 1, 2 and 4 vCPUs under
MTTCG; the median datagrams/s beside the 1-vCPU figure.

  python3 tools/bench_net.py --build build-bench [--runs 3] [--mq-only] [--loopback-only]
"""

import argparse
import os
import re
import select
import socket
import statistics
import sys
import time
from types import SimpleNamespace

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import benchfmt  # noqa: E402
import net_checks  # noqa: E402
import qemu  # noqa: E402

ROUND_TRIPS = 500
RATE_SECONDS = 2.0
WINDOW = 32
SIZE = 64
MQ_CPUS = (1, 2, 4)     # vCPUs, and as many queue pairs
MQ_FLOWS = 16           # host sockets (source ports)
MQ_WINDOW = 32          # datagrams in flight over all of them (the echo socket holds them)
MQ_RETRY_S = 0.2        # a lost one is sent again after this (keeps the window full)
MQ_SECONDS = 3.0        # per run
LOOPBACK = re.compile(r"net_bench: loopback_echo_allcpus (\d+) datagrams/s \((\d+) CPUs\)")


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


def rate(addr, seconds, window, size=SIZE):
    """Datagrams of @size echoed per second with @window in flight (a lost one is replaced
    after 0.2 s)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setblocking(False)
    msg = b"r" * size
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


def bench_flavour(args, flavour, runs, base=None):
    port = net_checks.free_udp_ports(1)[0]
    opts = SimpleNamespace(qemu=args.qemu, accel=args.accel, mem="128M", kernel=args.kernel,
                           logdir=args.logdir)
    guest = net_checks.Guest(opts, "bench-net-" + flavour, net_checks.nic_args(
        0, flavour, net_checks.user_netdev(0, [(port, net_checks.ECHO_PORT)])))
    addr = ("127.0.0.1", port)
    try:
        if not guest.boot():
            print("  %s: the guest did not reach the monitor (%s)" % (flavour, guest.log_path))
            return None
        round_trip_us(addr, 50)         # warm up: ARP, caches, slirp's socket
        rtts = [round_trip_us(addr, ROUND_TRIPS) for _ in range(runs)]
        rates = [rate(addr, RATE_SECONDS, WINDOW) for _ in range(runs)]
    finally:
        guest.close()
    return print_flavour(flavour, rtts, rates, runs, base)


def print_flavour(flavour, rtts, rates, runs, base=None):
    """@flavour's round trip and rate; beside @base = (rtt, rate) of the modern NIC, the first
    one measured (it has no baseline: a host-side echo would bypass the guest).  Returns
    (median rtt or None, median rate)."""
    rtt = None if None in rtts else statistics.median(rtts)
    rate_ = statistics.median(rates)
    what = "  %-6s UDP echo round trip (%d B): " % (flavour, SIZE)
    if rtt is None:
        print("  %s: a round trip was lost; no latency figure" % flavour)
    elif not base:
        print(what + benchfmt.no_baseline("%.1f us" % rtt, "the legacy NIC below is compared "
                                          "with it") + "  (median of %d runs of %d; runs %s)"
              % (runs, ROUND_TRIPS, "/".join("%.0f" % r for r in rtts)))
    else:
        print(what + benchfmt.compare(flavour, rtt, "modern", base[0], "us", "{:.1f}")
              + "  (median of %d runs of %d; runs %s)"
              % (runs, ROUND_TRIPS, "/".join("%.0f" % r for r in rtts)))
    what = "  %-6s UDP echo rate (%d B, %d in flight): " % (flavour, SIZE, WINDOW)
    tail = "  (median of %d runs of %.0f s)" % (runs, RATE_SECONDS)
    if not base:
        print(what + benchfmt.no_baseline("%.0f datagrams/s" % rate_, "the legacy NIC below is "
                                          "compared with it") + tail)
    else:
        print(what + benchfmt.compare(flavour, rate_, "modern", base[1], "datagrams/s") + tail)
    return rtt, rate_


def mq_rates(args, mq, cpus, runs):
    """Boot @cpus vCPUs with @cpus queue pairs on @mq's tap (and args.cmdline); ([datagrams/s
    per run], queue pairs the driver uses) or None if the guest did not come up or a reply
    was wrong."""
    opts = SimpleNamespace(qemu=args.qemu, accel=args.accel, mem="128M", kernel=args.kernel,
                           logdir=args.logdir)
    guest = net_checks.Guest(opts, "bench-net-mq%d" % cpus,
                             ["-smp", str(cpus)] + net_checks.mq_nic_args(mq.tap, cpus),
                             cmdline=getattr(args, "cmdline", ""), wrap=mq.wrap,
                             accel=net_checks.mttcg(opts))
    addr = (net_checks.GUEST_IP, net_checks.ECHO_PORT)
    socks = []
    try:
        if not guest.boot():
            print("  %d vCPUs: the guest did not reach the monitor (%s)" % (cpus, guest.log_path))
            return None
        pairs = re.search(r"queue pairs: (\d+) of", guest.cmd("ethtool eth0") or "")
        socks = mq.sockets(MQ_FLOWS)
        net_checks.echo_flows(socks, addr, count=200, window=MQ_WINDOW, size=SIZE)  # warm up
        rates = []
        for r in range(runs):      # each run numbers its datagrams from a million further on
            st = net_checks.echo_flows(socks, addr, seconds=MQ_SECONDS, window=MQ_WINDOW,
                                       size=SIZE, first=(r + 1) * 1000000, retry_s=MQ_RETRY_S)
            if st.wrong:
                print("  %d vCPUs: %d wrong replies (%s)" % (cpus, st.wrong, guest.log_path))
                return None
            rates.append(st.done / st.took)
    finally:
        for s in socks:
            s.close()
        guest.close()
    return rates, int(pairs.group(1)) if pairs else 1


def run_mq(args, runs):
    """UDP echo datagrams/s with 1, 2 and 4 vCPUs over a multi_queue tap, and the ratios."""
    print("network, multiqueue: UDP echo over a multi_queue tap in a namespace, %d B, %d flows, "
          "%d in flight, -accel %s, median of %d runs of %.0f s%s:"
          % (SIZE, MQ_FLOWS, MQ_WINDOW, net_checks.mttcg(args), runs, MQ_SECONDS,
             ", booted with " + args.cmdline if getattr(args, "cmdline", "") else ""))
    why = net_checks.tap_unavailable()
    if why:
        print("  skipped: %s" % why)
        return
    got = {}
    for cpus in MQ_CPUS:
        mq = net_checks.MqTap("bmq%d" % cpus, multi_queue=cpus > 1)
        why = mq.up()
        if why:
            print("  %d vCPUs: skipped: %s" % (cpus, why))
            continue
        try:
            got[cpus] = mq_rates(args, mq, cpus, runs)
        finally:
            mq.down()
    print_mq(got)


def print_mq(got):
    """{cpus: ([datagrams/s per run], queue pairs)}: each beside 1 vCPU's median."""
    base = statistics.median(got[1][0]) if got.get(1) else None
    for cpus in MQ_CPUS:
        if not got.get(cpus):
            continue
        rates, pairs = got[cpus]
        rate = statistics.median(rates)
        head = "  %d vCPU%s, %d queue pair%s in use: " % (
            cpus, "s" if cpus > 1 else " ", pairs, "s" if pairs > 1 else " ")
        fig = (benchfmt.compare("%d vCPUs" % cpus, rate, "1 vCPU", base, "datagrams/s")
               if cpus > 1 else benchfmt.no_baseline("%.0f datagrams/s" % rate,
                                                     "the others are compared with it"))
        print(head + fig + "  (runs %s)" % "/".join("%.0f" % r for r in rates))


def run_loopback(args, runs):
    """The in-guest loopback echo (suite net_bench) on 1, 2 and 4 vCPUs under MTTCG: the
    median datagrams/s of @runs boots each, and the ratios to 1 vCPU; then 2 and 4 vCPUs
    booted with nopvspin (the fair ticket lock, as 3.10: docs/locking.md)."""
    accel = net_checks.mttcg(args)
    print("network, in the guest alone: UDP echo over loopback, a client/server pair per CPU "
          "(test=net_bench), -accel %s, median of %d boots:" % (accel, runs))
    boots = [(n, "") for n in MQ_CPUS] + [(n, "nopvspin") for n in MQ_CPUS if n > 1]
    got = {b: [] for b in boots}
    for r in range(runs):
        for cpus, extra in boots:
            log = os.path.join(args.logdir, "net-bench-lo%d%s-%d.log" % (cpus, extra, r))
            text = qemu.run_to_end(qemu.qemu_cmd(args, ["-smp", str(cpus)],
                                                 ("test=net_bench " + extra).strip(),
                                                 accel=accel), log)
            m = LOOPBACK.search(text)
            if m:
                got[(cpus, extra)].append(int(m.group(1)))
    print_loopback(boots, got, args.logdir)


def print_loopback(boots, got, logdir):
    """{(cpus, extra): [datagrams/s per boot]}: each beside 1 vCPU's median."""
    base = statistics.median(got[(1, "")]) if got[(1, "")] else None
    for cpus, extra in boots:
        what = "%d vCPU%s, %d pair%s%s" % (cpus, "s" if cpus > 1 else " ", cpus,
                                            "s" if cpus > 1 else " ",
                                            ", " + extra if extra else "")
        if not got[(cpus, extra)]:
            print("  %s: no figure (see %s/net-bench-lo%d%s-*.log)"
                  % (what, logdir, cpus, extra))
            continue
        rate = statistics.median(got[(cpus, extra)])
        fig = (benchfmt.compare("%d vCPUs%s" % (cpus, ", " + extra if extra else ""), rate,
                                "1 vCPU", base, "datagrams/s")
               if cpus > 1 else benchfmt.no_baseline("%.0f datagrams/s" % rate,
                                                     "the others are compared with it"))
        print("  %-26s %s  (runs %s)" % (what + ":", fig,
                                         "/".join("%d" % v for v in got[(cpus, extra)])))


def print_samples():
    """Every line this prints, from canned figures (make test: tools/benchfmt.py)."""
    base = print_flavour("modern", [129, 137, 218, 177, 197], [18173, 18000], 5)
    print_flavour("legacy", [106, 139, 177, 142, 137], [17460, 17000], 5, base)
    print_flavour("legacy", [None], [17460], 1, base)
    print_mq({1: ([18805, 18068], 1), 2: ([7533, 5364], 2), 4: ([9009, 4288], 4)})
    boots = [(1, ""), (2, ""), (4, ""), (2, "nopvspin"), (4, "nopvspin")]
    print_loopback(boots, {(1, ""): [45000], (2, ""): [61891], (4, ""): [50326],
                           (2, "nopvspin"): [61761], (4, "nopvspin"): []}, "logs")


def run(args, kernel, logdir, runs=5):
    """Print the network benchmarks (called by tools/bench.py)."""
    args.kernel, args.logdir = kernel, logdir
    print("network, from the host through QEMU's user network to the guest's UDP echo service "
          "(-accel %s, wall clock):" % args.accel)
    base = bench_flavour(args, "modern", runs)
    bench_flavour(args, "legacy", runs, base)
    run_mq(args, runs)
    run_loopback(args, runs)


def main():
    """Standalone: the network benchmarks alone (--mq-only: the multiqueue scaling alone)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build-bench")
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("--accel", default="tcg")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--mq-only", action="store_true")
    ap.add_argument("--loopback-only", action="store_true")
    ap.add_argument("--nopvspin", action="store_true",
                    help="boot the multiqueue guests with nopvspin (ticket locks, as 3.10)")
    args = ap.parse_args()
    args.cmdline = "nopvspin" if args.nopvspin else ""
    logdir = os.path.join(args.build, "bench-logs")
    os.makedirs(logdir, exist_ok=True)
    args.kernel, args.logdir = os.path.join(args.build, "kernel.elf"), logdir
    if args.mq_only or args.loopback_only:
        if args.mq_only:
            run_mq(args, args.runs)
        if args.loopback_only:
            run_loopback(args, args.runs)
    else:
        run(args, os.path.join(args.build, "kernel.elf"), logdir, args.runs)


if __name__ == "__main__":
    main()
