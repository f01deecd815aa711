# SPDX-License-Identifier: MIT
"""tools/bench_layers.py - what one UDP echo and one 4 KiB disk read cost the guest, layer by
layer (issue 14's per-datagram and per-block figures; tools/bench.py calls run()).

One guest under -icount shift=0,align=off (the TSC counts guest instructions), with a virtio-net
NIC on QEMU's user network and a virtio-blk disk of this run's own (BUILD/bench-logs):

  UDP echo    `perf on`, ECHOES datagrams of 64 bytes from the host to the echo service on
              port 7, one at a time, each reply checked; `perf off`; `perf show`.  From the
              virtio interrupt that brings a datagram to the transmit kick of its echo.
  4 KiB read  `perf on`, READS GETs of 4 KiB at 4 KiB-aligned offsets of /disk/vda on one
              kept-alive HTTP connection, each checked against the image; `perf off`.  The
              block layers only: from the bio chain the server builds to bio_endio (the HTTP
              and TCP layers of the same GETs are shown apart, not counted in the read).

Each layer's self instructions (kernel/perf.c: nested layers apart) divided by the operations,
grouped as issue 14 asks: driver, skb or bio, protocol or block layer, copy.  Counting has a
cost of its own (bench perf: one enter+exit, a few hundred instructions, spread over the
layers); the tables say how much of each operation it is, and the figure without it.

Standalone: python3 tools/bench_layers.py --build build
"""

import argparse
import http.client
import os
import random
import socket
import sys
from types import SimpleNamespace

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_tcp  # noqa: E402
import disk_checks  # noqa: E402
import net_checks  # noqa: E402
import perf_checks  # noqa: E402

ECHOES = 300
READS = 100
IMAGE = 8 << 20  # the disk: random bytes, so a wrong read is seen

# Issue 14's groups, per operation.  A layer in no group is "other".
ECHO_GROUPS = [
    ("driver", ["virtio-net irq", "virtio-net poll", "virtio-net xmit"]),
    ("skb", ["skb alloc", "skb free"]),
    ("protocol", ["ip rcv", "ip output", "udp sendmsg", "udp recvmsg"]),
    ("copy", ["udp copy to skb", "udp copy from skb"]),
    ("interrupt entry, softirq loop", ["hardirq", "softirq"]),
]
READ_GROUPS = [
    ("driver", ["virtio-blk queue", "virtio-blk irq"]),
    ("bio", ["bio chain, request", "bio alloc", "bio free"]),
    ("block layer", ["blk submit_bio", "blk execute rq", "blk softirq", "bio endio"]),
]


def echo_once(addr, msg, timeout=2.0):
    """Send @msg to @addr; True once the same bytes came back (tools/profile_insns.py too)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.sendto(msg, addr)
        while s.recv(2048) != msg:
            pass
        return True
    except socket.timeout:
        return False
    finally:
        s.close()


def echo_all(addr, n, size=64):
    """@n echoes, one at a time; True if every reply came back exact."""
    return all(echo_once(addr, b"%08d" % i + b"e" * (size - 8)) for i in range(n))


def read_all(port, image, n, seed=14, timeout=10):
    """@n GETs of 4 KiB ranges on one connection; True if each equals the image's bytes
    (tools/profile_insns.py too, with a long @timeout: gdb steps the guest meanwhile)."""
    rnd = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        for _ in range(n):
            off = rnd.randrange(IMAGE // 4096) * 4096
            conn.request("GET", "/disk/vda", headers={"Range": "bytes=%d-%d" % (off, off + 4095)})
            r = conn.getresponse()
            if r.status != 206 or r.read() != image[off:off + 4096]:
                return False
        return True
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def session(guest, action):
    """`perf on`, @action(), `perf off`: (the parsed `perf show`, whether @action succeeded)."""
    guest.cmd("perf on")
    ok = action()
    guest.cmd("perf off")
    return perf_checks.parse_show(guest.cmd("perf show") or ""), ok


def measure(args, kernel, logdir):
    """Both sessions in one -icount guest: {"echo": parsed, "read": parsed, "pair": n} or an
    error text."""
    img = os.path.join(logdir, "bench-layers.img")
    image = random.Random(3).randbytes(IMAGE)
    with open(img, "wb") as f:
        f.write(image)
    (udp,) = net_checks.free_udp_ports(1)
    (web,) = net_checks.free_udp_ports(1, socket.SOCK_STREAM)
    opts = SimpleNamespace(qemu=args.qemu, accel="tcg", mem="128M", kernel=kernel,
                           logdir=logdir)
    guest = net_checks.Guest(opts, "bench-layers", net_checks.nic_args(
        0, "modern", net_checks.user_netdev(0, [(udp, 7)], [(web, 80)]))
        + disk_checks.drive_args(0, img, serial="bench-layers")
        + ["-icount", "shift=0,align=off"])
    try:
        if not guest.boot():
            return "the -icount guest did not reach the monitor (%s)" % guest.log_path
        # Warm up: ARP, the first connection, the slabs and the rings.
        if not echo_all(("127.0.0.1", udp), 20) or not read_all(web, image, 5, seed=1):
            return "the warm-up echo or read failed (%s)" % guest.log_path
        echo, ok_echo = session(guest, lambda: echo_all(("127.0.0.1", udp), ECHOES))
        read, ok_read = session(guest, lambda: read_all(web, image, READS))
        pair = bench_tcp.PAIR_RE.search(guest.cmd("bench perf", timeout=120) or "")
    finally:
        guest.close()
        os.unlink(img)
    if not ok_echo or not ok_read:
        return "an echo or a read under -icount failed or came back wrong (%s)" % guest.log_path
    if not echo["layers"] or not read["layers"]:
        return "no `perf show` table (%s)" % guest.log_path
    return {"echo": echo, "read": read, "pair": int(pair.group(1)) if pair else None}


def table(title, got, groups, ops, pair, only_groups):
    """Print one operation's table: each group's layers per operation, then the totals."""
    print("  " + title)
    layers = dict(got["layers"])
    total = calls_total = 0
    print("    %-30s %-20s %8s %12s" % ("group", "layer", "calls", "instructions"))
    for group, names in groups:
        sub = 0
        for name in names:
            if name not in layers:
                continue
            calls, insns = layers.pop(name)
            sub += insns
            calls_total += calls
            print("    %-30s %-20s %8.1f %12.0f" % (group, name, calls / ops, insns / ops))
        total += sub
        if sub:
            print("    %-30s %-20s %8s %12.0f" % ("", "(" + group + ")", "", sub / ops))
    if not only_groups:
        other = sum(i for _, i in layers.values()) + (got["outside"] or 0)
        calls_total += sum(c for c, _ in layers.values())
        print("    %-30s %-20s %8s %12.0f" % ("other", "(layers above, outside)", "",
                                             other / ops))
        total += other
    cost = pair * calls_total / ops if pair else 0
    print("    %-51s %12.0f   <- %s" % ("total per operation", total / ops,
                                        "with counting on" if pair else ""))
    if pair:
        print("    %-51s %12.0f   <- %.1f layer calls per operation x %d instructions of "
              "counting each (no baseline: a breakdown of one operation; docs/performance.md "
              "keeps this total per commit)"
              % ("total per operation, counting's own cost taken out", total / ops - cost,
                 calls_total / ops, pair))


def run(args, kernel, logdir):
    print("Per UDP echo and per 4 KiB read, by layer (one -icount guest: guest instructions, "
          "`perf` layer counters, self; tools/bench_layers.py):")
    got = measure(args, kernel, logdir)
    if isinstance(got, str):
        print("  " + got)
        return
    table("UDP echo of 64 bytes from the host, virtio interrupt to transmit kick (%d echoes; "
          "instructions per echo):" % ECHOES, got["echo"], ECHO_GROUPS, ECHOES, got["pair"], False)
    table("4 KiB read of /disk/vda through the HTTP server, bio chain to bio_endio "
          "(%d reads, instructions per read; HTTP and TCP not counted):" % READS, got["read"],
          READ_GROUPS, READS, got["pair"], True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    args = ap.parse_args()
    logdir = os.path.join(args.build, "bench-logs")
    os.makedirs(logdir, exist_ok=True)
    run(args, os.path.join(args.build, "kernel.elf"), logdir)


if __name__ == "__main__":
    main()
