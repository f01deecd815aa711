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
import bench_net  # noqa: E402
import bench_tcp  # noqa: E402
import bench_blk  # noqa: E402
import bench_trace  # noqa: E402
import bench_layers  # noqa: E402

PROMPT_RE = re.compile(rb"\n> ")
BOOT_RE = re.compile(rb"boot: (\d+) TSC cycles from the multiboot entry to the monitor")


def qemu_cmd(args, kernel, mem="128M", extra=()):
    return [args.qemu, "-accel", args.accel, "-m", mem, "-nodefaults", "-no-reboot",
            "-display", "none", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-serial", "stdio", "-kernel", kernel, *extra]


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
            if PROMPT_RE.search(out):
                elapsed = time.monotonic() - start
                break
    finally:
        p.kill()
        p.wait()
    return elapsed, out


def time_exit_kernel(args, kernel):
    start = time.monotonic()
    subprocess.run(qemu_cmd(args, kernel), stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    return time.monotonic() - start


def image_size(kernel, build):
    out = subprocess.run(["size", kernel], capture_output=True, text=True, check=True).stdout
    text, data, bss = (int(x) for x in out.splitlines()[1].split()[:3])
    stripped = os.path.join(build, "kernel.stripped")
    subprocess.run(["strip", "-g", "-o", stripped, kernel], check=True)
    return text, data, bss, os.path.getsize(stripped)


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


def in_guest_benchmarks(args, kernel, cases="all", smp=1):
    """The BENCH() cases (include/kernel/bench.h), each beside its baseline, on @smp CPUs."""
    cmd = qemu_cmd(args, kernel, extra=("-smp", str(smp), "-icount", "shift=0,align=off",
                                        "-append", "bench=" + cases))
    try:
        out = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                             timeout=600).stdout.decode(errors="replace")
    except subprocess.TimeoutExpired:
        print("in-guest benchmarks: timed out")
        return
    print(f"in-guest benchmarks, -smp {smp} (guest instructions per operation, "
          "-icount shift=0, best of 7):")
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("bench: ") and line not in ("bench: done",) and "start" not in line:
            print("  " + line[len("bench: "):])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("--accel", default="tcg")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", choices=("boot",),
                    help="boot: only the boot figures (wall time, instructions per RAM size "
                    "and per CPU count), not the in-guest, network, block or size ones")
    args = ap.parse_args()
    kernel = os.path.join(args.build, "kernel.elf")
    exit_kernel = os.path.join(args.build, "exit-kernel.elf")

    print(f"bench: {args.runs} runs each, -accel {args.accel}")
    walls, bases = [], []
    for _ in range(args.runs):
        bases.append(time_exit_kernel(args, exit_kernel))
        t, out = boot_until_prompt(qemu_cmd(args, kernel))
        if t is None:
            sys.exit("bench: the kernel did not reach the prompt:\n" + out.decode(errors="replace"))
        walls.append(t)
    wall, base = statistics.median(walls), statistics.median(bases)
    print(f"boot wall time to prompt   {wall * 1000:8.1f} ms  (median)")
    print(f"QEMU with an exit-at-once  {base * 1000:8.1f} ms  (median, same run)")
    print(f"difference                 {(wall - base) * 1000:8.1f} ms")

    _, out = boot_until_prompt(qemu_cmd(args, kernel, extra=("-icount", "shift=0,align=off")))
    m = BOOT_RE.search(out)
    if m:
        print("guest instructions, multiboot entry to prompt (-icount shift=0): "
              f"{int(m.group(1)):,}")
    else:
        print("guest instructions: boot line not found")

    # Boot cost against memory size: struct page set-up must not dominate.
    for mem in ("128M", "1G", "4G"):
        _, out = boot_until_prompt(qemu_cmd(args, kernel, mem, ("-icount", "shift=0,align=off")),
                                   timeout=120)
        m = BOOT_RE.search(out)
        print(f"guest instructions to prompt with -m {mem:>4}: "
              + (f"{int(m.group(1)):,}" if m else "boot line not found"))

    # Boot with one and with eight CPUs: what the APs add (docs/smp.md).
    for smp in (1, 8):
        walls, insns = [], None
        for _ in range(args.runs):
            t, out = boot_until_prompt(qemu_cmd(args, kernel, extra=("-smp", str(smp))))
            if t is not None:
                walls.append(t)
        _, out = boot_until_prompt(qemu_cmd(args, kernel, extra=(
            "-smp", str(smp), "-icount", "shift=0,align=off")), timeout=120)
        m = BOOT_RE.search(out)
        insns = f"{int(m.group(1)):,}" if m else "boot line not found"
        wall = f"{statistics.median(walls) * 1000:.1f} ms" if walls else "no prompt"
        print(f"boot to prompt with -smp {smp}: wall {wall} (median), "
              f"guest instructions {insns}")
    if args.only == "boot":
        return

    in_guest_benchmarks(args, kernel)
    # The allocators' fast paths on four CPUs: per-CPU lists must cost what one CPU's did.
    for case in ("alloc_pages", "kmem_cache", "kmalloc"):
        in_guest_benchmarks(args, kernel, case, smp=4)
    logdir = os.path.join(args.build, "bench-logs")
    os.makedirs(logdir, exist_ok=True)
    bench_net.run(args, kernel, logdir, runs=args.runs)
    bench_tcp.run(args, kernel, logdir, runs=3)
    bench_blk.run(args, kernel, logdir, runs=args.runs)
    bench_trace.run(args, kernel, logdir)
    bench_layers.run(args, kernel, logdir)

    text, data, bss, stripped = image_size(kernel, args.build)
    print(f"image: text {text:,} B, data {data:,} B, bss {bss:,} B; "
          f"file without debug info {stripped / 1024:.0f} KiB (target < 1024 KiB)")
    mem = smallest_memory(args, kernel)
    print(f"smallest -m reaching the prompt: {mem} MiB (target <= 32 MiB)" if mem
          else "smallest -m: the prompt was not reached even with 128 MiB")


if __name__ == "__main__":
    main()
