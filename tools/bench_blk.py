# SPDX-License-Identifier: MIT
"""tools/bench_blk.py - the virtio-blk benchmarks of `make bench` (tools/bench.py calls run()).

Each run boots the kernel with test=virtio_blk_bench (tests/drivers/test_virtio_blk_bench.c)
on a fresh, sparse 64 MiB raw image (BUILD/bench-logs/vblk-bench.img, QEMU's
default cache mode, serial ktest-bench: the guest writes only to a disk so
marked, tests/lib/scratch_dev.h) and reads its lines:

  vblk_bench: randread_qd1 14278 IOPS        4 KiB random reads, one at a time
  vblk_bench: randwrite_qd32 31742 IOPS      4 KiB random writes, 32 at a time
  vblk_bench: seqwrite_1m 1297.6 MB/s        32 MiB in 1 MiB I/Os

All wall clock in the guest (ktime_get_ns, TSC), under TCG unless --accel
says otherwise; the medians of the runs are printed.

Standalone: python3 tools/bench_blk.py --build build [--runs 5]
"""

import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402

LINE = re.compile(r"vblk_bench: (\S+) ([\d.]+) (IOPS|MB/s)")
ORDER = ["randread_qd1", "randread_qd32", "randwrite_qd1", "randwrite_qd32",
         "seqread_1m", "seqwrite_1m"]


def one_run(args, kernel, img, log_path):
    """One boot on a fresh image: {name: (value, unit)} (empty if it failed)."""
    with open(img, "wb") as f:
        f.truncate(64 << 20)
    devices = ["-drive", "if=none,id=d0,format=raw,file=" + img,
               "-device", "virtio-blk-pci,drive=d0,serial=ktest-bench"]
    text = qemu.run_to_end(qemu.qemu_cmd(args, devices, "test=virtio_blk_bench", mem="256M",
                                         kernel=kernel), log_path)
    return {m.group(1): (float(m.group(2)), m.group(3)) for m in LINE.finditer(text)}


def run(args, kernel, logdir, runs=5):
    """Boot @runs times, print the median of each number."""
    img = os.path.join(logdir, "vblk-bench.img")
    results = {}
    for i in range(runs):
        got = one_run(args, kernel, img, os.path.join(logdir, "vblk-bench-%d.log" % i))
        for name, (value, unit) in got.items():
            results.setdefault(name, (unit, []))[1].append(value)
    os.unlink(img)
    print(f"virtio-blk ({runs} runs, -accel {args.accel}, 64 MiB raw image, median):")
    if not results:
        print("  no results: see %s/vblk-bench-0.log" % logdir)
        return
    for name in ORDER:
        unit, values = results.get(name, ("", []))
        if values:
            print(f"  {name:16s} {statistics.median(values):10.1f} {unit}  ({len(values)} runs)")
        else:
            print(f"  {name:16s} missing")


def main():
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("--accel", default="tcg")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    logdir = os.path.join(args.build, "bench-logs")
    os.makedirs(logdir, exist_ok=True)
    run(args, os.path.join(args.build, "kernel.elf"), logdir, runs=args.runs)


if __name__ == "__main__":
    main()
