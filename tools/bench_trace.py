# SPDX-License-Identifier: MIT
"""tools/bench_trace.py - what tracepoints cost when off (tools/bench.py calls run()).

The kernel's tracepoints (include/kernel/trace.h) are compiled in and off by
default; `make TRACE=0` compiles them out.  This builds a TRACE=0 kernel
beside the one being benchmarked (BUILD-notrace/), boots both with
`-icount shift=0,align=off bench=trace` (bench/guest/bench_trace.c: one UDP
echo over lo, one 4 KiB RAM-disk read, guest instructions per operation,
best of 7) and prints, per operation, compiled in and off against compiled
out, and the difference in %; the aim is under 1%.  The in-guest benchmark
also measures tracing on with a filter that matches nothing, for scale.

Standalone: python3 tools/bench_trace.py --build build
"""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchfmt  # noqa: E402
import qemu  # noqa: E402

LINE = re.compile(r"bench: trace (.+?), tracepoints off: ours (\d+) vs baseline (\d+) insns/op "
                  r"\(baseline: on, following nothing\)")
AIM_PERCENT = 1.0


def guest_figures(args, kernel, log_path):
    """{operation: (off, on)} from one `bench=trace` boot of @kernel (empty if it failed)."""
    cmd = qemu.qemu_cmd(args, ["-icount", "shift=0,align=off"], "bench=trace", accel="tcg",
                        mem="128M", kernel=kernel)
    text = qemu.run_to_end(cmd, log_path)
    return {m.group(1): (int(m.group(2)), int(m.group(3))) for m in LINE.finditer(text)}


def build_notrace(build):
    """Build the TRACE=0 kernel in BUILD-notrace; its path, or None (the make's output shown)."""
    out_dir = build.rstrip("/") + "-notrace"
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    print("tracepoints: building a kernel with them compiled out (make TRACE=0 BUILD=%s)..."
          % out_dir, flush=True)
    r = subprocess.run(["make", "-s", "BUILD=" + out_dir, "TRACE=0", "kernel"], cwd=root,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode:
        print(r.stdout.decode("utf-8", "replace"))
        return None
    return os.path.join(root, out_dir, "kernel.elf") if not os.path.isabs(out_dir) \
        else os.path.join(out_dir, "kernel.elf")


def run(args, kernel, logdir):
    """Print the cost of tracepoints when off (called by tools/bench.py)."""
    notrace = build_notrace(args.build)
    if not notrace:
        print("tracepoints: the TRACE=0 build failed; no figures")
        return
    on = guest_figures(args, kernel, os.path.join(logdir, "trace-in.log"))
    out = guest_figures(args, notrace, os.path.join(logdir, "trace-out.log"))
    print("tracepoints when off (guest instructions per operation, -icount shift=0, best of 7):")
    if not on or not out:
        print("  no figures: see %s/trace-in.log and trace-out.log" % logdir)
        return
    print_figures(on, out)


def print_figures(on, out):
    """{operation: (off, following)} compiled in beside {operation: (off, _)} compiled out."""
    for op in sorted(on):
        if op not in out:
            print("  %-28s missing from the TRACE=0 run" % op)
            continue
        (off, following), (base, _) = on[op], out[op]
        pct = 100.0 * (off - base) / base if base else 0.0
        print("  %-28s %s  (%+.2f%%, %s; on, following nothing: %d)"
              % (op + ":", benchfmt.compare("compiled in, off", off, "compiled out", base,
                                            "insns/op"),
                 pct, "ok" if pct < AIM_PERCENT else "over the 1% aim", following))


def print_samples():
    """Every line this prints, from canned figures (make test: tools/benchfmt.py)."""
    print_figures({"udp echo over lo": (6557, 20553), "4 KiB read, ramdisk": (3926, 6866),
                   "x": (100, 120)}, {"udp echo over lo": (6520, 0), "4 KiB read, ramdisk":
                                      (3926, 0), "x": (90, 0)})


def main():
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    a = ap.parse_args()
    logdir = os.path.join(a.build, "bench-logs")
    os.makedirs(logdir, exist_ok=True)
    run(a, os.path.join(a.build, "kernel.elf"), logdir)


if __name__ == "__main__":
    main()
