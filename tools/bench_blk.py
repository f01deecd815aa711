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

Scaling with CPUs (issue 11): the case randread_qd32_allcpus alone
(test=virtio_blk_bench.vblk_bench_randread_qd32_allcpus) booted with -smp 1,
2 and 4, a request queue per vCPU (virtio-blk-pci num-queues=N, what QEMU's
"auto" picks too, written out), 32 reads in flight in all whatever N:

  vblk_bench: randread_qd32_allcpus 21000 IOPS (2 CPUs, 2 queues)

Under TCG the vCPUs run in threads of their own (MTTCG, -accel
tcg,thread=multi) where this QEMU takes it, else in one thread (and then
several vCPUs run in turn).  Each round boots 1, 2 and 4 vCPUs one after
the other, so a round's figures share the host's state; the medians over the
rounds are printed with each N beside N=1; then the same with every vCPU in
one thread (tcg,thread=single) for comparison.  --iothread adds a third
table: the device's queues served by a QEMU iothread (-object iothread,
virtio-blk-pci iothread=) instead of QEMU's main loop; on a 2-core host it
was slower still (docs/block.md), so make bench leaves it out.

Standalone: python3 tools/bench_blk.py --build build [--runs 5] [--scaling-only] [--iothread]
"""

import os
import re
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchfmt  # noqa: E402
import qemu  # noqa: E402

LINE = re.compile(r"vblk_bench: (\S+) ([\d.]+) (IOPS|MB/s)")
ALLCPUS = re.compile(r"vblk_bench: randread_qd32_allcpus (\d+) IOPS \((\d+) CPUs, (\d+) queues\)")
ORDER = ["randread_qd1", "randread_qd32", "randread_qd32_allcpus", "randwrite_qd1",
         "randwrite_qd32", "seqread_1m", "seqwrite_1m"]
SCALING_CASE = "virtio_blk_bench.vblk_bench_randread_qd32_allcpus"
SCALING_CPUS = (1, 2, 4)
IMG_BYTES = 64 << 20


def fresh_image(img):
    """The bench's own sparse image at @img, made anew (never a user's disk)."""
    with open(img, "wb") as f:
        f.truncate(IMG_BYTES)


def one_run(args, kernel, img, log_path):
    """One boot on a fresh image: {name: (value, unit)} (empty if it failed)."""
    fresh_image(img)
    devices = ["-drive", "if=none,id=d0,format=raw,file=" + img,
               "-device", "virtio-blk-pci,drive=d0,serial=ktest-bench"]
    text = qemu.run_to_end(qemu.qemu_cmd(args, devices, "test=virtio_blk_bench", mem="256M",
                                         kernel=kernel), log_path)
    return {m.group(1): (float(m.group(2)), m.group(3)) for m in LINE.finditer(text)}


def mttcg_accel(args):
    """-accel for several vCPUs: tcg,thread=multi if this QEMU takes it, else @args.accel.
    QEMU refuses MTTCG at once where guest and host memory orders do not fit; with -S a
    machine it accepts sits waiting, and is stopped after a second."""
    if args.accel != "tcg":
        return args.accel
    cmd = [args.qemu, "-accel", "tcg,thread=multi", "-smp", "2", "-S", "-nodefaults",
           "-display", "none", "-monitor", "none", "-serial", "none"]
    try:
        subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=1.5)
    except subprocess.TimeoutExpired:
        return "tcg,thread=multi"
    return args.accel


def scaling_boot(args, kernel, img, cpus, accel, iothread, log_path):
    """The all-CPUs case alone on @cpus vCPUs and as many queues: (IOPS, CPUs, queues),
    or None if it printed no figure."""
    fresh_image(img)
    dev = "virtio-blk-pci,drive=d0,serial=ktest-bench,num-queues=%d" % cpus
    devices = ["-smp", str(cpus), "-drive", "if=none,id=d0,format=raw,file=" + img]
    if iothread:
        devices += ["-object", "iothread,id=io0"]
        dev += ",iothread=io0"
    devices += ["-device", dev]
    text = qemu.run_to_end(qemu.qemu_cmd(args, devices, "test=" + SCALING_CASE, mem="256M",
                                         kernel=kernel, accel=accel), log_path)
    m = ALLCPUS.search(text)
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def scaling(args, kernel, logdir, runs, accel, iothread=False):
    """@runs rounds of 1, 2, 4 vCPUs; print the medians, each beside the 1-vCPU one."""
    img = os.path.join(logdir, "vblk-bench.img")
    got = {n: [] for n in SCALING_CPUS}
    seen = {}
    tag = ("io-" if iothread else "") + ("mttcg-" if "multi" in accel else "")
    for i in range(runs):
        for n in SCALING_CPUS:
            log = os.path.join(logdir, "vblk-scale-%s%d-%d.log" % (tag, n, i))
            r = scaling_boot(args, kernel, img, n, accel, iothread, log)
            if r:
                got[n].append(r[0])
                seen[n] = r[1:]
    os.unlink(img)
    where = "a QEMU iothread" if iothread else "QEMU's main loop"
    print(f"virtio-blk randread_qd32_allcpus: 4 KiB random reads, 32 in flight in all, "
          f"a thread per vCPU; -accel {accel}, num-queues = vCPUs, served by {where} "
          f"({runs} rounds, median):")
    print_scaling(got, seen, logdir)


def print_scaling(got, seen, logdir):
    """{vCPUs: [IOPS per round]}: each median beside 1 vCPU's."""
    one = statistics.median(got[1]) if got[1] else None
    for n in SCALING_CPUS:
        if not got[n]:
            print(f"  {n} vCPU{'s' if n > 1 else ' '}  missing: see {logdir}/vblk-scale-*.log")
            continue
        med = statistics.median(got[n])
        cpus, queues = seen[n]
        fig = (benchfmt.compare(f"{n} vCPUs", med, "1 vCPU", one, "IOPS") if n > 1 else
               benchfmt.no_baseline(f"{med:.0f} IOPS", "the others are compared with it"))
        print(f"  {n} vCPU{'s' if n > 1 else ' '} {fig}  ({cpus} CPUs, {queues} queues used, "
              f"{len(got[n])} runs)")


def run(args, kernel, logdir, runs=5, scaling_only=False, iothread=False):
    """Boot @runs times, print the median of each number; then the scaling rounds: with
    MTTCG, and (for comparison) with every vCPU in one QEMU thread; with @iothread also
    MTTCG with the queues in a QEMU iothread (it did not help here: docs/block.md)."""
    if not scaling_only:
        suite(args, kernel, logdir, runs)
    accel = mttcg_accel(args)
    scaling(args, kernel, logdir, runs, accel)
    if accel != args.accel:
        scaling(args, kernel, logdir, runs, args.accel + ",thread=single")
    if iothread:
        scaling(args, kernel, logdir, runs, accel, iothread=True)


def suite(args, kernel, logdir, runs):
    """The whole suite on one vCPU, @runs boots: the median of each figure."""
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
    print_suite(results)


# Each figure's baseline in the same boot: the same I/O one at a time, or reads for writes.
BASELINE = {"randread_qd32": "randread_qd1", "randread_qd32_allcpus": "randread_qd32",
            "randwrite_qd1": "randread_qd1", "randwrite_qd32": "randwrite_qd1",
            "seqwrite_1m": "seqread_1m"}


def print_suite(results):
    """{name: (unit, [value per run])}: each median beside its BASELINE's."""
    med = {name: (unit, statistics.median(v)) for name, (unit, v) in results.items() if v}
    for name in ORDER:
        if name not in med:
            print(f"  {name:21s} missing")
            continue
        unit, value = med[name]
        base = BASELINE.get(name)
        if base in med:
            fig = benchfmt.compare(name, value, base, med[base][1], unit, "{:.1f}")
        else:
            fig = benchfmt.no_baseline(f"{value:.1f} {unit}", "the first of its kind; "
                                       + ", ".join(k for k, b in BASELINE.items() if b == name)
                                       + " compared with it" if name in BASELINE.values()
                                       else "")
        print(f"  {name:21s} {fig}  ({len(results[name][1])} runs)")


def print_samples():
    """Every line this prints, from canned figures (make test: tools/benchfmt.py)."""
    print_suite({"randread_qd1": ("IOPS", [14278.0]), "randread_qd32": ("IOPS", [30000.0]),
                 "randread_qd32_allcpus": ("IOPS", [21000.0]), "randwrite_qd1": ("IOPS", [9000.0]),
                 "randwrite_qd32": ("IOPS", [31742.0]), "seqread_1m": ("MB/s", [1500.0]),
                 "seqwrite_1m": ("MB/s", [1297.6])})
    print_scaling({1: [20000, 21000], 2: [21000], 4: [20050]},
                  {1: (1, 1), 2: (2, 2), 4: (4, 4)}, "logs")


def main():
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("--accel", default="tcg")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--scaling-only", action="store_true",
                    help="only the 1, 2, 4 vCPU rounds of randread_qd32_allcpus")
    ap.add_argument("--iothread", action="store_true",
                    help="the 1, 2, 4 vCPU rounds also with a QEMU iothread")
    args = ap.parse_args()
    logdir = os.path.join(args.build, "bench-logs")
    os.makedirs(logdir, exist_ok=True)
    run(args, os.path.join(args.build, "kernel.elf"), logdir, runs=args.runs,
        scaling_only=args.scaling_only, iothread=args.iothread)


if __name__ == "__main__":
    main()
