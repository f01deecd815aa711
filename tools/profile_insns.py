# SPDX-License-Identifier: MIT
"""tools/profile.py - one packet, instruction by instruction: which functions the guest ran
and how many instructions each (docs/debugging.md, "Profiling one packet instruction by
instruction").  `make profile WHAT=udp-echo` runs it on the bench kernel.

  1. boot the kernel under -icount shift=0 with QEMU's gdb stub and a virtio-net NIC on the
     user network (UDP port 7, the echo service, forwarded from the host)
  2. warm up (20 echoes: ARP, slabs, rings), then run gdb -batch with
     tools/gdb/profile_step.py: a breakpoint at the start, `stepi` until the stop, each
     program counter counted
  3. the host sends the traffic once the breakpoint is set; gdb detaches at the stop
  4. the counts by function (`nm`) and, with --lines, by source line (`addr2line`): the top
     ones and the total

WHAT is one of:

  udp-echo   one 64-byte datagram to the echo service: from the first instruction of the
             interrupt stub of virtio0-input.0's vector to the return of the virtqueue_notify
             that virtnet_start_xmit makes (the kick of the echo); --to-halt goes on to the
             CPU's next `hlt` (the echo thread back asleep, the completion interrupt)
  ping-lo    `ping 127.0.0.1 1` at the monitor: icmp_rcv, from its entry to its return
             (the check in make test: short and fixed)
  disk-read  one GET of 4 KiB of /disk/vda (a virtio-blk disk of random bytes) through the
             HTTP server, in two windows: blkdev_issue_rw's entry to the CPU's `hlt` (chain,
             request, queue, the thread asleep), then the first instruction of the disk's
             interrupt stub to the return of blk_put_request (irq, softirq, bio_endio, the
             thread woken, the request put).  The completion interrupt is held until the
             first window ends, so this is the quiet-host path of tools/bench_layers.py.

Then, for udp-echo, the same guest runs a `perf` session of ECHOES echoes: the layer total
per echo (counting's own cost taken out, as tools/bench_layers.py does) beside the profile's.

--expect FUNC[=N] fails (exit status 1) unless FUNC ran (exactly N instructions if given);
--save FILE and --load FILE keep a profile and judge it again without a guest.

Standalone: python3 tools/profile.py --build build-bench [--what udp-echo] [--lines] [--top N]
"""

import argparse
import bisect
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from types import SimpleNamespace

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
TOOLS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TOOLS)
import bench_tcp  # noqa: E402
import disk_checks  # noqa: E402
import net_checks  # noqa: E402
import perf_checks  # noqa: E402
from bench_layers import IMAGE, echo_once, read_all  # noqa: E402

GDB_TIMEOUT_S = 600
MAX_STEPS = 200000
ECHOES = 100  # the perf session beside the profile
WARMUP = 20


# ---------------------------------------------------------------- symbols --

class Symbols:
    """The kernel's functions (nm) and, on demand, source lines (addr2line)."""

    def __init__(self, elf):
        self.elf = elf
        out = subprocess.run(["nm", "-n", "--defined-only", elf], capture_output=True,
                             text=True, check=True).stdout
        self.addrs, self.names = [], []
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] in "tTwW":
                self.addrs.append(int(parts[0], 16))
                self.names.append(parts[2])

    def addr(self, name):
        """@name's address; KeyError if there is no such function."""
        for a, n in zip(self.addrs, self.names):
            if n == name:
                return a
        raise KeyError(name)

    def func(self, pc):
        i = bisect.bisect_right(self.addrs, pc) - 1
        return self.names[i] if i >= 0 else "?"

    def lines(self, pcs):
        """{pc: "file:line"} for @pcs."""
        pcs = sorted(pcs)
        out = subprocess.run(["addr2line", "-e", self.elf] + ["%x" % pc for pc in pcs],
                             capture_output=True, text=True, check=True).stdout.splitlines()
        root = os.path.dirname(TOOLS) + "/"
        return {pc: line.replace(root, "").split(" (")[0] for pc, line in zip(pcs, out)}

    def halts(self):
        """The address of every `hlt` in the kernel's text."""
        out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", self.elf],
                             capture_output=True, text=True, check=True).stdout
        return [int(m.group(1), 16) for m in re.finditer(r"^\s*([0-9a-f]+):\s+hlt\b", out, re.M)]


# ---------------------------------------------------------------- the run --

def rx_vector(guest, name="virtio0-input.0"):
    """The vector of interrupt line @name, from the monitor's `interrupts`."""
    text = guest.cmd("interrupts") or ""
    m = re.search(r"(\d+)\s+(\d+)\s+[\d\s]*?\S+\s+\S+\s+%s\b" % re.escape(name), text)
    return int(m.group(2)) if m else None


def step(args, params, traffic):
    """Run gdb with tools/gdb/profile_step.py and @params; call @traffic() once it is armed.
    Returns the parsed result, or an error text."""
    tmp = tempfile.mkdtemp(prefix="profile-", dir=args.logdir)
    ready = os.path.join(tmp, "ready")
    params["windows"][0]["ready"] = ready
    params = dict(params, out=os.path.join(tmp, "out.json"), elf=os.path.abspath(args.kernel),
                  halts=Symbols(args.kernel).halts())
    params.setdefault("max", MAX_STEPS)
    env = dict(os.environ, PROFILE_STEP=json.dumps(params))
    log = open(os.path.join(args.logdir, "profile-gdb.log"), "w")
    gdb = subprocess.Popen([args.gdb, "-nx", "-batch", "-x",
                            os.path.join(TOOLS, "gdb", "profile_step.py")],
                           stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        end = time.monotonic() + 30
        while not os.path.exists(ready):
            if gdb.poll() is not None or time.monotonic() > end:
                return "gdb did not arm its breakpoint (%s)" % log.name
            time.sleep(0.05)
        time.sleep(0.2)  # `continue` follows the file at once
        traffic()
        gdb.wait(GDB_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return "gdb did not finish in %d s (%s)" % (GDB_TIMEOUT_S, log.name)
    finally:
        if gdb.poll() is None:
            gdb.kill()
            gdb.wait()
        log.close()
    if not os.path.exists(params["out"]):
        return "gdb wrote no profile (%s)" % log.name
    with open(params["out"]) as f:
        got = json.load(f)
    got["pcs"] = {int(k): v for k, v in got["pcs"].items()}
    if got["reason"] == "max":
        print("profile: no stop within %d steps (%s); what ran:" % (params["max"], log.name))
        report(got, Symbols(params["elf"]), 400, False)
        return "no stop within %d steps" % params["max"]
    return got


def boot(args, name, forwards=(), tcp_forwards=(), extra=()):
    (gport,) = net_checks.free_udp_ports(1, socket.SOCK_STREAM)
    opts = SimpleNamespace(qemu=args.qemu, accel="tcg", mem="128M", kernel=args.kernel,
                           logdir=args.logdir)
    guest = net_checks.Guest(opts, name, net_checks.nic_args(
        0, "modern", net_checks.user_netdev(0, forwards, tcp_forwards)) + list(extra)
        + ["-icount", "shift=0,align=off", "-gdb", "tcp:127.0.0.1:%d" % gport])
    if not guest.boot():
        guest.close()
        return None, gport
    return guest, gport


def layers_per_echo(guest, addr):
    """A `perf` session of ECHOES echoes: (total per echo, the same without counting's cost)."""
    guest.cmd("perf on")
    ok = all(echo_once(addr, b"%08d" % i + b"p" * 56, 2.0) for i in range(ECHOES))
    guest.cmd("perf off")
    got = perf_checks.parse_show(guest.cmd("perf show") or "")
    pair = bench_tcp.PAIR_RE.search(guest.cmd("bench perf", timeout=120) or "")
    if not ok or not got["layers"] or not pair:
        return None
    calls = sum(c for c, _ in got["layers"].values())
    total = sum(i for _, i in got["layers"].values()) + (got["outside"] or 0)
    return total / ECHOES, (total - calls * int(pair.group(1))) / ECHOES


def profile_udp_echo(args, syms):
    (udp,) = net_checks.free_udp_ports(1)
    addr = ("127.0.0.1", udp)
    guest, gport = boot(args, "profile-udp-echo", [(udp, 7)])
    if not guest:
        return "the guest did not boot (%s)" % args.logdir
    try:
        if not all(echo_once(addr, b"warm-up %02d" % i, 2.0) for i in range(WARMUP)):
            return "the warm-up echoes failed"
        rx, tx = rx_vector(guest, "virtio0-input.0"), rx_vector(guest, "virtio0-output.0")
        if rx is None or tx is None:
            return "no virtio0-input.0 or virtio0-output.0 line in `interrupts`"
        stubs = syms.addr("interrupt_stubs")  # one per vector, .p2align 4 (kernel/entry.S)
        windows = [dict(start=stubs + 16 * rx, stop=[syms.addr("virtnet_start_xmit")],
                        finish=True, to_halt=args.to_halt)]
        echoed = []
        params = dict(port=gport, windows=windows, max=args.max, irqs=args.to_halt)
        msg = b"profile" + b"e" * 57
        got = step(args, params, lambda: echoed.append(echo_once(addr, msg, 120.0)))
        if isinstance(got, str):
            return got
        if not echoed or not echoed[0]:
            # the reply is sent before gdb detaches; echo_once waited for it
            return "the profiled datagram's echo did not come back"
        got["layers"] = layers_per_echo(guest, addr)
        return got
    finally:
        guest.close()


def profile_ping_lo(args, syms):
    guest, gport = boot(args, "profile-ping-lo")
    if not guest:
        return "the guest did not boot (%s)" % args.logdir
    try:
        replies = []
        params = dict(port=gport, max=args.max, windows=[dict(
            start=syms.addr("icmp_rcv"), stop=[syms.addr("icmp_rcv")], finish=True)])
        got = step(args, params, lambda: guest.type(b"ping 127.0.0.1 1\n"))
        if isinstance(got, str):
            return got
        replies.append(guest.wait_for(b"1 received", 30))
        if not replies[0]:
            return "the ping got no reply"
        got["layers"] = None
        return got
    finally:
        guest.close()


def profile_disk_read(args, syms):
    img = os.path.join(args.logdir, "profile-disk.img")
    image = random.Random(3).randbytes(IMAGE)
    with open(img, "wb") as f:
        f.write(image)
    (web,) = net_checks.free_udp_ports(1, socket.SOCK_STREAM)
    guest, gport = boot(args, "profile-disk-read", tcp_forwards=[(web, 80)],
                        extra=disk_checks.drive_args(0, img, serial="profile"))
    if not guest:
        os.unlink(img)
        return "the guest did not boot (%s)" % args.logdir
    try:
        if not read_all(web, image, WARMUP, seed=1):
            return "the warm-up reads failed"
        vec = rx_vector(guest, "virtio1-requests")  # the NIC is virtio0
        if vec is None:
            return "no virtio1-requests line in `interrupts`"
        stubs = syms.addr("interrupt_stubs")  # one per vector, .p2align 4 (kernel/entry.S)
        windows = [dict(start=syms.addr("blkdev_issue_rw"), to_halt=True),
                   dict(start=stubs + 16 * vec, stop=[syms.addr("blk_put_request")],
                        finish=True)]
        params = dict(port=gport, windows=windows, max=args.max)
        read = []
        got = step(args, params, lambda: read.append(read_all(web, image, 1, seed=2,
                                                                timeout=GDB_TIMEOUT_S)))
        if isinstance(got, str):
            return got
        if not read or not read[0]:
            return "the profiled read did not come back right"
        got["layers"] = None
        return got
    finally:
        guest.close()
        os.unlink(img)


WHATS = {"udp-echo": profile_udp_echo, "ping-lo": profile_ping_lo, "disk-read": profile_disk_read}


# ---------------------------------------------------------------- report --

def by_function(got, syms):
    funcs = {}
    for pc, n in got["pcs"].items():
        f = syms.func(pc)
        funcs[f] = funcs.get(f, 0) + n
    return funcs


def report(got, syms, top, lines):
    funcs = by_function(got, syms)
    total = sum(funcs.values())
    print("%d instructions in %d functions (%s)" % (total, len(funcs), got.get("what", "")))
    print("  %8s %6s  %s" % ("insns", "share", "function"))
    for f, n in sorted(funcs.items(), key=lambda kv: (-kv[1], kv[0]))[:top]:
        print("  %8d %5.1f%%  %s" % (n, 100.0 * n / total, f))
    if lines:
        where = syms.lines(got["pcs"])
        per = {}
        for pc, n in got["pcs"].items():
            per[where[pc]] = per.get(where[pc], 0) + n
        print("  by source line:")
        for ln, n in sorted(per.items(), key=lambda kv: (-kv[1], kv[0]))[:top]:
            print("  %8d %5.1f%%  %s" % (n, 100.0 * n / total, ln))
    perf = sum(n for f, n in funcs.items() if f.startswith("__perf_") or f == "perf_charge")
    if perf:
        print("  (of which %d in perf's counting: a `perf` session was on)" % perf)
    if got.get("layers"):
        on, off = got["layers"]
        print("perf layers, same guest, %d echoes: %.0f per echo with counting on, %.0f "
              "without" % (ECHOES, on, off))
        print("profile / layers: %.2f (the profile stops at the kick: the echo thread's "
              "return to sleep and the completion interrupt are not in it; --to-halt adds "
              "them)" % (total / off) if not got.get("to_halt") else
              "profile / layers: %.2f" % (total / off))
    return funcs


def expectations_hold(funcs, expects):
    """Each FUNC[=N] of @expects against @funcs; the failures printed.  True if none."""
    ok = True
    for e in expects:
        name, _, n = e.partition("=")
        got = funcs.get(name, 0)
        if not got or (n and got != int(n)):
            print("expected %s%s: it ran %d instructions" % (name, " = " + n if n else "", got))
            ok = False
    return ok


# ------------------------------------------------------------- make test --

def step_profile(opts, tally):
    """make test's step `profile`: the ping-lo profile (one guest, ~10 s), judged right and
    judged wrong.  The profile must have icmp_rcv and the checksum it calls; --load of the
    same profile must fail with a function that is not on the path and with a wrong count.
    Then the disk-read profile (one guest, a few seconds) must hold both of its windows."""
    print("\n== profile: one ping over lo, instruction by instruction (tools/profile_insns.py)")
    me = os.path.abspath(__file__)
    saved = os.path.join(opts.build, "profile-logs", "ping-lo.json")
    base = [sys.executable, me, "--build", opts.build, "--qemu", opts.qemu, "--top", "1000"]

    def run(extra):
        r = subprocess.run(base + extra, capture_output=True, text=True, timeout=300)
        return r.returncode, r.stdout + r.stderr

    rc, out = run(["--what", "ping-lo", "--save", saved, "--expect", "icmp_rcv",
                   "--expect", "csum_partial"])
    m = re.search(r"^(\d+) instructions in (\d+) functions", out, re.M)
    icmp = re.search(r"^\s+(\d+)\s+[\d.]+%\s+icmp_rcv$", out, re.M)
    if not tally.check(rc == 0 and m and 200 < int(m.group(1)) < 20000,
                       "profile: ping 127.0.0.1, icmp_rcv stepped to its return: a few "
                       "hundred to a few thousand instructions, icmp_rcv and csum_partial in "
                       "them", out.splitlines()[-14:]):
        return
    rc, out2 = run(["--load", saved, "--expect", "tcp_v4_rcv"])
    tally.check(rc == 1 and "expected tcp_v4_rcv: it ran 0 instructions" in out2,
                "profile: --expect of a function off the path (tcp_v4_rcv) fails",
                out2.splitlines()[-4:])
    if tally.check(icmp, "profile: the table has icmp_rcv's own count", out.splitlines()[:12]):
        wrong = int(icmp.group(1)) + 1
        rc, out3 = run(["--load", saved, "--expect", "icmp_rcv=%d" % wrong])
        tally.check(rc == 1 and "expected icmp_rcv = %d" % wrong in out3,
                    "profile: --expect icmp_rcv=N with a wrong N fails", out3.splitlines()[-4:])
        rc, _ = run(["--load", saved, "--expect", "icmp_rcv=%s" % icmp.group(1)])
        tally.check(rc == 0, "profile: --expect icmp_rcv=N with the right N passes")
    # disk-read: both windows ran (the chain and the queue, then the completion to the put).
    rc, out = run(["--what", "disk-read", "--expect", "kern_build_chain", "--expect",
                   "virtblk_request_fn", "--expect", "virtblk_done", "--expect",
                   "blk_done_softirq", "--expect", "bio_endio", "--expect", "blk_put_request"])
    m = re.search(r"^(\d+) instructions in (\d+) functions", out, re.M)
    tally.check(rc == 0 and m and 1000 < int(m.group(1)) < 50000,
                "profile: one 4 KiB GET of /disk/vda, blkdev_issue_rw to the hlt, then the "
                "disk's interrupt to blk_put_request's return: the chain, the queue, the "
                "interrupt, the softirq, bio_endio and the put in it", out.splitlines()[-14:])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build-bench")
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("--gdb", default="gdb")
    ap.add_argument("--what", default="udp-echo", choices=sorted(WHATS))
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--lines", action="store_true", help="also by source line")
    ap.add_argument("--to-halt", action="store_true",
                    help="udp-echo: go on to the CPU's next hlt, interrupts delivered")
    ap.add_argument("--max", type=int, default=MAX_STEPS, help="steps at most")
    ap.add_argument("--expect", action="append", default=[], metavar="FUNC[=N]")
    ap.add_argument("--save", metavar="FILE")
    ap.add_argument("--load", metavar="FILE", help="judge a saved profile; no guest")
    args = ap.parse_args()
    args.kernel = os.path.join(args.build, "kernel.elf")
    args.logdir = os.path.join(args.build, "profile-logs")
    os.makedirs(args.logdir, exist_ok=True)
    syms = Symbols(args.kernel)
    if args.load:
        with open(args.load) as f:
            got = json.load(f)
        got["pcs"] = {int(k): v for k, v in got["pcs"].items()}
    else:
        got = WHATS[args.what](args, syms)
        if isinstance(got, str):
            print("profile: " + got)
            return 2
        got["what"], got["to_halt"] = args.what, args.to_halt
        if args.save:
            with open(args.save, "w") as f:
                json.dump(dict(got, pcs={str(k): v for k, v in got["pcs"].items()}), f)
    funcs = report(got, syms, args.top, args.lines)
    return 0 if expectations_hold(funcs, args.expect) else 1


if __name__ == "__main__":
    sys.exit(main())
