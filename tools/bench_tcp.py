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

  python3 tools/bench_tcp.py --build build-bench [--runs 3]
"""

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from types import SimpleNamespace

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_net  # noqa: E402
import disk_checks  # noqa: E402
import net_checks  # noqa: E402

IMAGE = 64 << 20
ROUND_TRIPS = 300
REQUESTS = 200


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


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


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
    guest = net_checks.Guest(opts, "bench-tcp", net_checks.nic_args(
        0, "modern", net_checks.user_netdev(0, [(udp, 7)], [(echo, 7), (web, 80)]))
        + disk_checks.drive_args(0, img, serial="bench-tcp"))
    out = img + ".down"
    try:
        if not guest.boot():
            print("  the guest did not reach the monitor (%s)" % guest.log_path)
            return
        bench_net.round_trip_us(("127.0.0.1", udp), 50)
        tcp_round_trip_us(("127.0.0.1", echo), 50)
        tcp_rtt = med([tcp_round_trip_us(("127.0.0.1", echo), ROUND_TRIPS) for _ in range(runs)])
        udp_rtt = med([bench_net.round_trip_us(("127.0.0.1", udp), ROUND_TRIPS)
                       for _ in range(runs)])
        down = med([download_mb_s(web, out) for _ in range(runs)])
        udp_mb = med([udp_bulk_mb_s(("127.0.0.1", udp)) for _ in range(runs)])
        keep = med([requests_per_s(web, True) for _ in range(runs)])
        fresh = med([requests_per_s(web, False) for _ in range(runs)])
    finally:
        guest.close()
        for path in (img, out):
            if os.path.exists(path):
                os.unlink(path)

    def show(label, value, unit, fmt="%.1f"):
        return "%s %s %s" % (label, (fmt % value) if value is not None else "n/a", unit)

    print("  echo round trip, 64 B:  " + show("TCP", tcp_rtt, "us") + ";  "
          + show("UDP", udp_rtt, "us") + (
              "  (TCP takes %.2fx UDP's time)" % (tcp_rtt / udp_rtt) if tcp_rtt and udp_rtt
              else ""))
    print("  bulk:  " + show("curl GET /disk/vda (64 MiB)", down, "MB/s") + ";  "
          + show("UDP echo, 1472 B x 32 in flight", udp_mb, "MB/s each way") + (
              "  (TCP moves %.2fx UDP's bytes)" % (down / udp_mb) if down and udp_mb else ""))
    print("  GET /proc/meminfo:  " + show("keep-alive", keep, "requests/s", "%.0f") + ";  "
          + show("a connection each", fresh, "requests/s", "%.0f") + (
              "  (keep-alive serves %.2fx as many)" % (keep / fresh) if keep and fresh else ""))


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
