# SPDX-License-Identifier: MIT
"""tools/bench_tcp.py - TCP and HTTP in `make bench` (tools/bench.py calls run()).

One guest with a modern virtio-net NIC on QEMU's user network and a 64 MiB
disk image of its own, measured from the host by the wall clock, each TCP
figure printed beside a UDP figure of the same guest in the same run:

  round trip    one 64-byte message at a time over one TCP connection to the
                echo service (port 7), beside a 64-byte UDP datagram to the
                UDP echo service: the median of each run, the median of runs
  download      curl GET /disk/vda, 64 MiB read through bio chains and sent
                through TCP: MB/s, beside 1472-byte UDP datagrams echoed
                with 32 in flight (bytes each way per second)
  requests/s    GET /proc/meminfo 200 times over one keep-alive connection,
                and 200 times with a new connection each

The path is the whole of `make run`'s: the guest, QEMU's user network and the
host's loopback.  The guest's own cost (instructions per operation) is in
the in-guest benchmarks (bench/guest/bench_tcp.c).

Then where the download's time goes: a second guest with the same disk under
`-icount shift=0,align=off` (the TSC counts instructions), `perf on`, curl
GETs the first PERF_MIB MiB of /disk/vda (checked byte for byte), `perf off`,
`perf show bytes=N` (include/kernel/perf.h): guest instructions per byte in
each layer (tcp sendmsg, the copy from the bio pages into the skbs, tcp
output, ip, virtio-net, the block layer...), beside the whole guest's
(every instruction not in the idle task, divided by the bytes).

  python3 tools/bench_tcp.py --build build-bench [--runs 3]
"""

import argparse
import http.client
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import time
from types import SimpleNamespace

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_linux  # noqa: E402
import benchfmt  # noqa: E402
import bench_net  # noqa: E402
import disk_checks  # noqa: E402
import net_checks  # noqa: E402
import perf_checks  # noqa: E402

IMAGE = 64 << 20
PERF_MIB = 8  # under -icount: about 3 s of wall time per 4 MiB here
ROUND_TRIPS = 300
REQUESTS = 200
# bench/guest/bench_perf.c's line: one counted layer call, counting on (the baseline).
PAIR_RE = re.compile(r"perf enter\+exit, counting off: ours \d+ vs baseline (\d+) insns/op")


def tcp_round_trip_us(addr, n):
    """The median round trip of @n 64-byte messages over one connection, microseconds."""
    s = socket.create_connection(addr, timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    times = []
    try:
        for i in range(n):
            msg = b"%08d" % i + b"t" * 56
            start = time.perf_counter()
            s.sendall(msg)
            got = b""
            while len(got) < len(msg):
                chunk = s.recv(4096)
                if not chunk:
                    return None
                got += chunk
            times.append(time.perf_counter() - start)
    finally:
        s.close()
    return statistics.median(times) * 1e6


def download_mb_s(port, out):
    """curl the whole disk: MB/s, or None."""
    start = time.monotonic()
    r = subprocess.run(["curl", "-s", "-o", out, "-w", "%{http_code}",
                        "http://127.0.0.1:%d/disk/vda" % port],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=300)
    took = time.monotonic() - start
    ok = r.stdout == b"200" and os.path.getsize(out) == IMAGE
    return IMAGE / 1e6 / took if ok else None


def udp_bulk_mb_s(addr, seconds=2.0, window=32, size=1472):
    """1472-byte datagrams echoed with @window in flight: MB/s each way."""
    return bench_net.rate(addr, seconds, window, size) * size / 1e6


def requests_per_s(port, keep_alive):
    """@REQUESTS GETs of /proc/meminfo: per second, over one connection or one each."""
    start = time.monotonic()
    conn = None
    for _ in range(REQUESTS):
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/proc/meminfo",
                     headers={} if keep_alive else {"Connection": "close"})
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            return None
        if not keep_alive:
            conn.close()
            conn = None
    if conn:
        conn.close()
    return REQUESTS / (time.monotonic() - start)


def curl_range(port, first, last, out):
    """curl bytes [@first, @last] of /disk/vda into @out: True if all came."""
    r = subprocess.run(["curl", "-s", "-o", out, "-w", "%{http_code}", "-r",
                        "%d-%d" % (first, last), "http://127.0.0.1:%d/disk/vda" % port],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=300)
    return r.stdout == b"206" and os.path.getsize(out) == last - first + 1


def where_the_time_goes(args, kernel, logdir, img, out):
    """The download under -icount with the layer counters on: `perf show`'s rows, parsed
    (perf_checks.parse_show), or an error text."""
    (web,) = net_checks.free_udp_ports(1, socket.SOCK_STREAM)
    opts = SimpleNamespace(qemu=args.qemu, accel="tcg", mem="128M", kernel=kernel,
                           logdir=logdir)
    guest = net_checks.Guest(opts, "bench-tcp-perf", net_checks.nic_args(
        0, "modern", net_checks.user_netdev(0, [], [(web, 80)]))
        + disk_checks.drive_args(0, img, serial="bench-tcp-perf")
        + ["-icount", "shift=0,align=off"])
    n = PERF_MIB << 20
    try:
        if not guest.boot():
            return "the -icount guest did not reach the monitor (%s)" % guest.log_path
        if not curl_range(web, 0, 4095, out):  # the ARP exchange and first connection first
            return "the warm-up GET failed (%s)" % guest.log_path
        guest.cmd("perf on")
        ok = curl_range(web, 0, n - 1, out)
        guest.cmd("perf off")
        show = guest.cmd("perf show bytes=%d" % n) or ""
        # What one counted call costs (bench/guest/bench_perf.c), to say what counting added.
        pair = PAIR_RE.search(guest.cmd("bench perf", timeout=120) or "")
    finally:
        guest.close()
    with open(img, "rb") as f, open(out, "rb") as g:
        if not ok or f.read(n) != g.read():
            return "the download under -icount failed or differs from the image"
    got = perf_checks.parse_show(show)
    if not got["layers"] or got["busy"] is None:
        return "no `perf show` table (%s)" % guest.log_path
    got["pair"] = int(pair.group(1)) if pair else None
    return got


def print_where(got, n):
    """The table: instructions per byte by layer, beside the whole guest's."""
    print("  where the time goes: guest instructions per byte by layer (curl GET of %d MiB of "
          "/disk/vda, -icount shift=0, `perf show bytes=%d`, self: nested layers apart):"
          % (n >> 20, n))
    if isinstance(got, str):
        print("    " + got)
        return
    print("    %-22s %9s %14s %10s %10s %7s" % ("layer", "calls", "instructions", "per call",
                                              "per byte", "share"))
    busy = got["busy"]
    rows = sorted(got["layers"].items(), key=lambda kv: -kv[1][1])
    for name, (calls, insns) in rows + [("(outside any layer)", (0, got["outside"]))]:
        print("    %-22s %9s %14d %10s %10.3f %6.1f%%" % (
            name, calls or "", insns, insns // calls if calls else "", insns / n,
            100.0 * insns / busy if busy else 0))
    print("    %-22s %9s %14d %10s %10.3f %6.1f%%   <- the whole guest (all but the idle task)"
          % ("whole guest", "", busy, "", busy / n, 100.0))
    if got.get("pair"):
        calls = sum(c for c, _ in got["layers"].values())
        cost = calls * got["pair"]
        print("    counting's own cost: %d instructions per layer call (bench perf enter+exit), "
              "%d calls: about %.3f of the %.3f instructions per byte (%.1f%%), spread over "
              "the layers; without it the whole guest is about %.3f per byte"
              % (got["pair"], calls, cost / n, busy / n, 100.0 * cost / busy, (busy - cost) / n))


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def print_tcp(tcp_rtt, udp_rtt, down, udp_mb, keep, fresh):
    """The wall-clock figures, each beside its baseline in the same guest: TCP beside UDP,
    keep-alive beside a connection per request."""
    print("  echo round trip, 64 B:  "
          + benchfmt.compare("TCP", tcp_rtt, "UDP", udp_rtt, "us", "{:.1f}"))
    print("  bulk, curl GET /disk/vda (64 MiB) beside UDP echo, 1472 B x 32 in flight:  "
          + benchfmt.compare("TCP", down, "UDP", udp_mb, "MB/s", "{:.1f}", "MB/s")
          + "  (UDP: bytes each way)")
    print("  GET /proc/meminfo:  " + benchfmt.compare("keep-alive", keep, "a connection each",
                                                      fresh, "requests/s"))


def print_samples():
    """Every ratio line this prints, from canned figures (make test: tools/benchfmt.py)."""
    print_tcp(121.0, 60.0, 16.9, 21.0, 893.0, 302.0)
    print_tcp(None, 60.0, 16.9, 16.9, 302.0, 893.0)


def run(args, kernel, logdir, runs=3):
    """Print the TCP and HTTP benchmarks (called by tools/bench.py)."""
    print("TCP and HTTP, from the host through QEMU's user network (-accel %s, wall clock; "
          "each beside UDP in the same guest):" % args.accel)
    img = os.path.join(logdir, "bench-tcp.img")
    with open(img, "wb") as f:
        f.write(random.Random(5).randbytes(IMAGE))
    (udp,) = net_checks.free_udp_ports(1)
    echo, web = net_checks.free_udp_ports(2, socket.SOCK_STREAM)
    opts = SimpleNamespace(qemu=args.qemu, accel=args.accel, mem="128M", kernel=kernel,
                           logdir=logdir)
    start = time.monotonic()
    guest = net_checks.Guest(opts, "bench-tcp", net_checks.nic_args(
        0, "modern", net_checks.user_netdev(0, [(udp, 7)], [(echo, 7), (web, 80)]))
        + disk_checks.drive_args(0, img, serial="bench-tcp"))
    out = img + ".down"
    try:
        if not guest.boot():
            print("  the guest did not reach the monitor (%s)" % guest.log_path)
            return
        boot = time.monotonic() - start
        bench_net.round_trip_us(("127.0.0.1", udp), 50)
        tcp_round_trip_us(("127.0.0.1", echo), 50)
        tcp_rtt = med([tcp_round_trip_us(("127.0.0.1", echo), ROUND_TRIPS) for _ in range(runs)])
        udp_rtt = med([bench_net.round_trip_us(("127.0.0.1", udp), ROUND_TRIPS)
                       for _ in range(runs)])
        down = med([download_mb_s(web, out) for _ in range(runs)])
        udp_mb = med([udp_bulk_mb_s(("127.0.0.1", udp)) for _ in range(runs)])
        keep = med([requests_per_s(web, True) for _ in range(runs)])
        fresh = med([requests_per_s(web, False) for _ in range(runs)])
        guest.close()
        where = where_the_time_goes(args, kernel, logdir, img, out)
    finally:
        guest.close()
        for path in (img, out):
            if os.path.exists(path):
                os.unlink(path)

    print_tcp(tcp_rtt, udp_rtt, down, udp_mb, keep, fresh)
    print_where(where, PERF_MIB << 20)
    bench_linux.run(args, logdir, dict(boot=boot, rtt=tcp_rtt, down=down, keep=keep, fresh=fresh),
                    runs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("--accel", default="tcg")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    logdir = os.path.join(args.build, "bench-logs")
    os.makedirs(logdir, exist_ok=True)
    run(args, os.path.join(args.build, "kernel.elf"), logdir, runs=args.runs)


if __name__ == "__main__":
    main()
