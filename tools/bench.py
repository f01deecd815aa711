#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tools/bench.py - what `make bench` measures.

Boot cost, two ways:
  * wall time from QEMU start to the monitor prompt (median of several runs),
    beside the wall time of a kernel that exits at once (bench/exit-kernel.S),
    measured in the same run, so QEMU's own start-up can be told apart;
  * guest instructions from the multiboot entry to the prompt, read from the
    kernel's boot line under `-icount shift=0,align=off` (the TSC then counts
    instructions: deterministic and machine-independent).
Size: text, data, bss of the kernel image, and the file size without debug
information.  Memory: the smallest -m (MiB) with which the prompt appears.
Network (tools/bench_net.py): UDP echo round trip and datagrams per second
from the host through virtio-net, wall clock, median of several runs; then
datagrams per second with 1, 2 and 4 vCPUs and as many queue pairs over a
multi_queue tap (MTTCG, root only), each with its ratio to 1 vCPU.
Tracepoints (tools/bench_trace.py): guest instructions per UDP echo and per
4 KiB read with tracepoints compiled in and off against a TRACE=0 build.

Every figure is printed beside a baseline measured in the same run, and the
better of the two is named (tools/benchfmt.py; docs/performance.md says how
to read each line); a figure with none says "no baseline" and why.  The
output is kept in BUILD/bench-logs/bench.txt and checked against that
convention at the end; --record appends the run's headline figures as a row
of docs/performance.md's table (--record-from FILE: from a saved output).

Later issues add their micro-benchmarks as in-guest suites (`bench=...`).
"""
import argparse
import os
import re
import select
import statistics
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchfmt  # noqa: E402
import bench_net  # noqa: E402
import bench_tcp  # noqa: E402
import bench_blk  # noqa: E402
import bench_trace  # noqa: E402
import bench_layers  # noqa: E402
import qemu  # noqa: E402

PROMPT_RE = re.compile(rb"\n> ")
BOOT_RE = re.compile(rb"boot: (\d+) TSC cycles from the multiboot entry to the monitor")


def qemu_cmd(args, kernel, mem="128M", extra=(), ktests=False):
    """The kernel alone, or with @ktests its tests module, as make run boots it
    (include/kernel/ktests.h): the in-guest benchmarks are in the module."""
    return [args.qemu, "-accel", args.accel, "-m", mem, "-nodefaults", "-no-reboot",
            "-display", "none", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-serial", "stdio", *qemu.kernel_args(kernel, ktests), *extra]


def boot_until_prompt(cmd, timeout=60.0):
    """Start QEMU, return (seconds until the prompt or None, serial output)."""
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    out = b""
    elapsed = None
    try:
        while time.monotonic() - start < timeout:
            r, _, _ = select.select([p.stdout], [], [], 0.5)
            if not r:
                if p.poll() is not None:
                    break
                continue
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                break
            out += chunk
            # The new bytes only (and the two before them): QEMU's serial port sends a byte
            # per write, so this runs once per byte, beside the guest, on the same host.
            if PROMPT_RE.search(out, max(0, len(out) - len(chunk) - 2)):
                elapsed = time.monotonic() - start
                break
    finally:
        p.kill()
        p.wait()
    return elapsed, out


def time_exit_kernel(args, kernel, timeout=60.0):
    """Seconds from QEMU's start to its exit.  Waits on a pidfd, which wakes at the exit:
    subprocess.run(timeout=) polls with sleeps of up to 50 ms, which rounded this baseline
    up by as much (its values fell on 63.5, 113.5, 163.5 ms...)."""
    start = time.monotonic()
    p = subprocess.Popen(qemu_cmd(args, kernel), stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pidfd, done = os.pidfd_open(p.pid), []
    try:
        done, _, _ = select.select([pidfd], [], [], timeout)
        elapsed = time.monotonic() - start
    finally:
        os.close(pidfd)
        if not done:
            p.kill()
        p.wait()
    if not done:
        raise subprocess.TimeoutExpired(p.args, timeout)
    return elapsed


def image_size(kernel, build):
    """(bytes the loader loads, bytes reserved past them, the tests module's bytes, the
    kernel's file without debug info or the module)."""
    out = subprocess.run(["nm", kernel], capture_output=True, text=True, check=True).stdout
    sym = {f[2]: int(f[0], 16) for f in (line.split() for line in out.splitlines())
           if len(f) == 3}
    stripped = os.path.join(build, "kernel.stripped")
    # (objcopy warns that the module's LOAD segments are left empty: that is the point)
    subprocess.run(["objcopy", "--strip-debug", "--wildcard", "--remove-section=.ktests.*",
                    kernel, stripped], check=True, stderr=subprocess.DEVNULL)
    return (sym["_edata"] - sym["_kernel_start"], sym["_kernel_end"] - sym["_edata"],
            sym["_ktests_edata"] - sym["_ktests_start"], os.path.getsize(stripped))


def smallest_memory(args, kernel):
    """Binary search over -m in MiB for the smallest that reaches the prompt."""
    lo, hi = 2, 128          # lo fails (assumed), hi works (checked)
    if boot_until_prompt(qemu_cmd(args, kernel, f"{hi}M"))[0] is None:
        return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if boot_until_prompt(qemu_cmd(args, kernel, f"{mid}M"), timeout=30)[0] is None:
            lo = mid
        else:
            hi = mid
    return hi


GUEST_LINE = re.compile(r"^(.+?): (?:ours )?(\d+)(?: vs baseline \d+)? insns/op")


def in_guest_benchmarks(args, kernel, cases="all", smp=1, one_cpu=None):
    """The BENCH() cases (include/kernel/bench.h), each beside its baseline, on @smp CPUs;
    with @one_cpu ({name: insns/op} of a 1-CPU run), each also beside its 1-CPU figure.
    Returns {name: insns/op}."""
    cmd = qemu_cmd(args, kernel, extra=("-smp", str(smp), "-icount", "shift=0,align=off",
                                        "-append", "bench=" + cases), ktests=True)
    try:
        out = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                             timeout=600).stdout.decode(errors="replace")
    except subprocess.TimeoutExpired:
        print("in-guest benchmarks: timed out")
        return {}
    lines = [line.strip()[len("bench: "):] for line in out.splitlines()
             if line.strip().startswith("bench: ") and line.strip() != "bench: done"
             and "start" not in line]
    return print_in_guest(lines, smp, one_cpu)


def print_in_guest(lines, smp, one_cpu=None):
    """The guest's BENCH lines; under each, on @smp > 1, the figure beside @one_cpu's."""
    print(f"in-guest benchmarks, -smp {smp} (guest instructions per operation, "
          "-icount shift=0, best of 7; each beside its baseline in the same boot):")
    got = {}
    for line in lines:
        print("  " + line)
        m = GUEST_LINE.match(line)
        if not m:
            continue
        got[m.group(1)] = int(m.group(2))
        if one_cpu and m.group(1) in one_cpu:
            print("    " + benchfmt.compare(f"-smp {smp}", got[m.group(1)], "-smp 1",
                                            one_cpu[m.group(1)], "insns/op"))
    return got


def print_boot(wall, base, runs, with_module):
    """Boot wall time beside an exit-at-once kernel's, both medians of @runs (seconds), and
    the boot with the tests module (make run's)."""
    print("boot wall time to prompt: " + benchfmt.compare(
        "teachos", wall * 1000, "a kernel that exits at once", base * 1000, "ms",
        "{:.1f}") + f"  (medians of {runs} runs each, same run)")
    print(f"difference                 {(wall - base) * 1000:8.1f} ms  (QEMU's own start-up "
          "taken away: what teachos's boot costs)")
    print(f"with the tests module      {(with_module - base) * 1000:8.1f} ms  (the same, "
          "booted as make run and make test do, with build/ktests.bin)")


def print_boot_insns(by_mem):
    """Guest instructions to the prompt per -m, each beside the smallest -m's."""
    base_mem, base = next(iter(by_mem.items()))
    for mem, insns in by_mem.items():
        head = f"guest instructions to prompt with -m {mem:>4}: "
        if insns is None:
            print(head + "boot line not found")
        elif mem == base_mem:
            print(head + benchfmt.no_baseline(f"{insns:,} instructions", "the larger -m below "
                                              "are compared with it; issue 14's target <= 2 M"))
        elif base is not None:
            print(head + benchfmt.compare(f"-m {mem}", insns, f"-m {base_mem}", base,
                                          "instructions"))


def print_boot_smp(smp, wall, insns, one):
    """Boot with @smp CPUs: wall (s) and instructions, beside @one = (wall, insns) of -smp 1."""
    if smp == 1:
        print("boot to prompt with -smp 1: " + benchfmt.no_baseline(
            (f"wall {wall * 1000:.1f} ms (median), " if wall else "wall: no prompt, ")
            + (f"guest instructions {insns:,}" if insns else "boot line not found"),
            "the larger -smp below are compared with it"))
        return
    print(f"boot to prompt with -smp {smp}, wall (median): " + benchfmt.compare(
        f"-smp {smp}", wall * 1000 if wall else None, "-smp 1",
        one[0] * 1000 if one[0] else None, "ms", "{:.1f}"))
    print(f"boot to prompt with -smp {smp}, guest instructions: " + benchfmt.compare(
        f"-smp {smp}", insns, "-smp 1", one[1], "instructions"))


def print_size(loaded, reserved, module, stripped, mem):
    print(f"image: {loaded:,} B loaded, {reserved:,} B reserved past them (bss, log, heap); "
          f"tests module {module:,} B; file without debug info or module "
          + benchfmt.no_baseline(f"{stripped / 1024:.0f} KiB", "the target is < 1024 KiB: "
                                 + ("met" if stripped < 1024 * 1024 else "missed")))
    print("smallest -m reaching the prompt: " + benchfmt.no_baseline(
        f"{mem} MiB", "the target is <= 32 MiB: " + ("met" if mem <= 32 else "missed"))
          if mem else "smallest -m: the prompt was not reached even with 128 MiB")


def print_samples():
    """Every line above from canned figures (make test's check, tools/benchfmt.py)."""
    print_boot(0.1383, 0.1154, 5, 0.1431)
    print_boot_insns({"128M": 2143514, "1G": 2273240, "4G": 2789679})
    print_boot_smp(1, 0.1161, 2143575, None)
    print_boot_smp(8, 0.2058, 19574608, (0.1161, 2143575))
    one = print_in_guest([benchfmt.guest_line("alloc_pages+__free_pages order 0", 281),
                          benchfmt.guest_line("kmem_cache_alloc+free hot (64 B)", 48,
                                              "newlib malloc+free 64 B", 137)], 1)
    print_in_guest([benchfmt.guest_line("alloc_pages+__free_pages order 0", 301),
                    benchfmt.guest_line("kmem_cache_alloc+free hot (64 B)", 48,
                                        "newlib malloc+free 64 B", 137)], 4, one)
    print_size(596168, 3028792, 1037656, 700 * 1024, 20)


class Tee:
    """stdout also into a file (the run's record, checked at the end)."""

    def __init__(self, path):
        self.out, self.file = sys.stdout, open(path, "w")

    def write(self, text):
        self.out.write(text)
        self.file.write(text)

    def flush(self):
        self.out.flush()
        self.file.flush()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("--accel", default="tcg")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--boot-runs", type=int, default=21,
                    help="runs of the boot wall time, each kernel (a third of a second a pair; "
                    "on a shared host a median of 5 moves by several ms from one bench to the "
                    "next)")
    ap.add_argument("--only", choices=("boot",),
                    help="boot: only the boot figures (wall time, instructions per RAM size "
                    "and per CPU count), not the in-guest, network, block or size ones")
    ap.add_argument("--record", action="store_true",
                    help="append this run's headline figures to docs/performance.md's table")
    ap.add_argument("--record-from", metavar="FILE",
                    help="append the headline figures of a saved make bench output, and stop")
    args = ap.parse_args()
    if args.record_from:
        with open(args.record_from) as f:
            print("bench: " + benchfmt.record(f.read(), DOC))
        return 0
    logdir = os.path.join(args.build, "bench-logs")
    os.makedirs(logdir, exist_ok=True)
    path = os.path.join(logdir, "bench.txt")
    sys.stdout = Tee(path)
    try:
        measure(args)
    finally:
        sys.stdout.flush()
        sys.stdout = sys.stdout.out
    return finish(args, path)


def measure(args):
    """Everything make bench prints (main() keeps it and checks it)."""
    kernel = os.path.join(args.build, "kernel.elf")
    exit_kernel = os.path.join(args.build, "exit-kernel.elf")

    print(f"bench: {args.runs} runs each ({args.boot_runs} of the boot wall time), "
          f"-accel {args.accel}")
    walls, bases, with_module = [], [], []
    for _ in range(args.boot_runs):
        bases.append(time_exit_kernel(args, exit_kernel))
        for ktests, times in ((False, walls), (True, with_module)):
            t, out = boot_until_prompt(qemu_cmd(args, kernel, ktests=ktests))
            if t is None:
                sys.exit("bench: the kernel did not reach the prompt:\n"
                         + out.decode(errors="replace"))
            times.append(t)
    wall, base = statistics.median(walls), statistics.median(bases)
    print_boot(wall, base, args.boot_runs, statistics.median(with_module))

    # Boot cost against memory size: struct page set-up must not dominate.
    by_mem = {}
    for mem in ("128M", "1G", "4G"):
        _, out = boot_until_prompt(qemu_cmd(args, kernel, mem, ("-icount", "shift=0,align=off")),
                                   timeout=120)
        m = BOOT_RE.search(out)
        by_mem[mem] = int(m.group(1)) if m else None
    print_boot_insns(by_mem)

    # Boot with one and with eight CPUs: what the APs add (docs/smp.md).
    one = None
    for smp in (1, 8):
        walls = []
        for _ in range(args.runs):
            t, out = boot_until_prompt(qemu_cmd(args, kernel, extra=("-smp", str(smp))))
            if t is not None:
                walls.append(t)
        _, out = boot_until_prompt(qemu_cmd(args, kernel, extra=(
            "-smp", str(smp), "-icount", "shift=0,align=off")), timeout=120)
        m = BOOT_RE.search(out)
        wall = statistics.median(walls) if walls else None
        insns = int(m.group(1)) if m else None
        print_boot_smp(smp, wall, insns, one)
        one = one or (wall, insns)
    if args.only == "boot":
        return

    one_cpu = in_guest_benchmarks(args, kernel)
    # The allocators' fast paths on four CPUs: per-CPU lists must cost what one CPU's did.
    for case in ("alloc_pages", "kmem_cache", "kmalloc"):
        in_guest_benchmarks(args, kernel, case, smp=4, one_cpu=one_cpu)
    logdir = os.path.join(args.build, "bench-logs")
    os.makedirs(logdir, exist_ok=True)
    bench_net.run(args, kernel, logdir, runs=args.runs)
    bench_tcp.run(args, kernel, logdir, runs=3)
    bench_blk.run(args, kernel, logdir, runs=args.runs)
    bench_trace.run(args, kernel, logdir)
    bench_layers.run(args, kernel, logdir)

    print_size(*image_size(kernel, args.build), smallest_memory(args, kernel))


def finish(args, path):
    """Check the run's output against the convention; --record: a row in the table."""
    sys.stdout.flush()
    with open(path) as f:
        text = f.read()
    bad = benchfmt.check_text(text)
    for n, line, why in bad:
        print(f"bench: line {n} breaks the convention ({why}): {line.strip()}")
    print(f"bench: output kept in {path}; "
          + ("every line follows docs/performance.md's convention" if not bad
             else f"{len(bad)} lines break docs/performance.md's convention"))
    if args.record:
        print("bench: " + benchfmt.record(text, DOC))
    return 1 if bad else 0


DOC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs",
                   "performance.md")

if __name__ == "__main__":
    raise SystemExit(main())
