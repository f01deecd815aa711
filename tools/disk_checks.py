# SPDX-License-Identifier: MIT
"""tools/disk_checks.py - the virtio-blk checks of `make test` that need the host.

tools/run-tests.py imports this for two things:

  variants()   the in-guest virtio-blk boot (suite virtio_blk,
               tests/drivers/test_virtio_blk.c) for its VARIANTS table: vda on a
               fresh 8 MiB image, vdb on another with readonly=on (the RO
               feature); the images are made under BUILD/ when the boot runs
  step_disk()  the host pattern check: the host fills a fresh image with
               pattern(seed); the guest (test=virtio_blk_host
               vblk_host_seed=SEED, tests/drivers/test_virtio_blk_host.c) reads and
               checks all of it, writes its own pattern at PRNG offsets and
               lengths, flushes and prints each write; after QEMU exits the
               host regenerates the writes from the seed, checks the guest
               reported exactly those, and compares the image byte for byte;
               then the same on four CPUs (-smp 4), where the guest's writes
               come from a thread on each CPU at once

Every disk made here has a serial starting "ktest-" (ktest-rw, ktest-ro,
ktest-host): the mark of a disk the in-guest tests may write to
(tests/lib/scratch_dev.h).  On any other disk, such as make run's, they do not.

The pattern and the PRNG are tests/lib/vblk_test.h's: byte o of the disk under
seed s is byte (o % 8) of mix(s ^ (o // 8)), mix being splitmix64's
finaliser; the PRNG returns mix(state) with state counting up from seed << 20.

Standalone: python3 tools/disk_checks.py --build build
"""

import os
import random
import re
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ktap import KtapParser  # noqa: E402
import qemu as qemu_tools  # noqa: E402
from qemu import qemu_cmd  # noqa: E402

M64 = (1 << 64) - 1
SECTOR = 512
GUEST_SEED = 0x5eed     # tests/drivers/test_virtio_blk_host.c
HOST_WRITES = 48
BUF_SECTORS = 256       # 128 KiB: BUF_SECTORS in the guest
IMAGE_MB = 16
EXIT_OK = qemu_tools.EXIT_OK


def mix(x):
    """tests/lib/vblk_test.h: vblk_test_mix."""
    x = (x + 0x9e3779b97f4a7c15) & M64
    x = ((x ^ (x >> 30)) * 0xbf58476d1ce4e5b9) & M64
    x = ((x ^ (x >> 27)) * 0x94d049bb133111eb) & M64
    return x ^ (x >> 31)


def pattern(seed, pos, length):
    """@length bytes of pattern @seed from disk byte @pos (both multiples of 8 here)."""
    assert pos % 8 == 0 and length % 8 == 0
    first = pos // 8
    return struct.pack("<%dQ" % (length // 8),
                       *[mix(seed ^ i) for i in range(first, first + length // 8)])


def guest_writes(seed, capacity):
    """(sector, sectors) pairs the guest's PRNG makes for @seed on a disk of @capacity sectors."""
    state = seed << 20
    out = []
    for _ in range(HOST_WRITES):
        n = 1 + mix(state) % BUF_SECTORS
        sector = mix(state + 1) % (capacity - n + 1)
        state += 2
        out.append((sector, n))
    return out


def make_image(path, mb, seed=None):
    """A fresh raw image of @mb MiB: zeros (truncate), or pattern(@seed) in every byte."""
    if os.path.exists(path):
        os.unlink(path)
    with open(path, "wb") as f:
        if seed is None:
            f.truncate(mb << 20)
        else:
            for off in range(0, mb << 20, 1 << 20):
                f.write(pattern(seed, off, 1 << 20))


def drive_args(index, path, readonly=False, serial=None, dev_opts=""):
    """-drive/-device arguments attaching @path as virtio-blk disk @index."""
    drive = ("if=none,id=d%d,format=raw,file=%s" % (index, path)
             + (",readonly=on" if readonly else ""))
    dev = "virtio-blk-pci,drive=d%d" % index + (",serial=%s" % serial if serial else "") + dev_opts
    return ["-drive", drive, "-device", dev]


def variant_args(opts, dev_opts=""):
    """QEMU arguments of the virtio_blk boot, its two images made fresh under BUILD/."""
    rw = os.path.join(opts.build, "vblk-test-rw.img")
    ro = os.path.join(opts.build, "vblk-test-ro.img")
    make_image(rw, 8)
    make_image(ro, 8)
    return (drive_args(0, rw, serial="ktest-rw", dev_opts=dev_opts)
            + drive_args(1, ro, readonly=True, serial="ktest-ro", dev_opts=dev_opts))


# The same disks on the legacy transport, without indirect descriptors or EVENT_IDX.
LEGACY = ",disable-modern=on,indirect_desc=off,event_idx=off"


def variants():
    """The in-guest virtio-blk boots, as VARIANTS entries (their arguments made when they run)."""
    return [("virtio-blk", "virtio-blk disks: vda writable, vdb read-only", variant_args, None,
             "test=virtio_blk"),
            ("virtio-blk-legacy", "virtio-blk on the legacy transport, no indirect, INTx",
             lambda opts: variant_args(opts, LEGACY), None, "pci=nomsi test=virtio_blk")]


def qemu(opts, args, cmdline, log_path, timeout):
    """Boot the kernel with @args and @cmdline; (exit status or None on timeout, serial text)."""
    cmd = qemu_cmd(opts, args, cmdline)
    try:
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout)
        status, out = r.returncode, r.stdout
    except subprocess.TimeoutExpired as e:
        status, out = None, e.stdout or b""
    text = out.decode("utf-8", "replace")
    with open(log_path, "w") as f:
        f.write("$ " + " ".join(cmd) + "\n" + text)
    return status, text


def expected_image(host_seed, capacity, writes):
    """The bytes the image must hold: the host's pattern, the guest's over what it wrote."""
    img = bytearray(pattern(host_seed, 0, capacity * SECTOR))
    gseed = host_seed ^ GUEST_SEED
    for sector, n in writes:
        img[sector * SECTOR:(sector + n) * SECTOR] = pattern(gseed, sector * SECTOR, n * SECTOR)
    return img


def first_difference(a, b):
    for off in range(0, min(len(a), len(b)), 4096):
        if a[off:off + 4096] != b[off:off + 4096]:
            for i in range(off, off + 4096):
                if a[i] != b[i]:
                    return i
    return None if len(a) == len(b) else min(len(a), len(b))


def step_disk(opts, tally, seed=None):
    """The host pattern check (see the top of this file), on one CPU and on four."""
    step_disk_on(opts, tally, seed, 1)
    step_disk_on(opts, tally, seed, 4)


def step_disk_on(opts, tally, seed, cpus):
    """The host pattern check on a machine of @cpus CPUs (more than one: the guest's
    writes come from a thread on each)."""
    print("\n== virtio-blk: host pattern in, guest pattern out, compared byte for byte"
          + (" (%d CPUs)" % cpus if cpus > 1 else ""), flush=True)
    seed = seed if seed is not None else random.randrange(1, 1 << 31)
    name = "virtio-blk-host" + ("-smp%d" % cpus if cpus > 1 else "")
    img = os.path.join(opts.build, "vblk-host.img")
    log_path = os.path.join(opts.logdir, name + ".log")
    capacity = (IMAGE_MB << 20) // SECTOR
    t0 = time.monotonic()
    make_image(img, IMAGE_MB, seed)
    parser = KtapParser()
    smp = ["-smp", str(cpus)] if cpus > 1 else []
    status, text = qemu(opts, smp + drive_args(0, img, serial="ktest-host"),
                        "test=virtio_blk_host vblk_host_seed=%d" % seed, log_path,
                        opts.boot_timeout)
    for line in text.splitlines():
        parser.feed(line)
    print("  ..      boot %s (seed %d): exit status %s after %.0f s"
          % (name, seed, status, time.monotonic() - t0))
    log = ["log: %s" % log_path, "seed: %d" % seed]
    p, f, s = parser.root.counts() if parser.root else (0, 0, 0)
    tally.check(status == EXIT_OK and p == 2 and not f,
                "the guest reads the host's pattern and writes its own (2 cases pass)",
                log + text.splitlines()[-15:])
    reported = [(int(a), int(b)) for a, b in re.findall(r"vblk_host: wrote (\d+) (\d+)", text)]
    want = guest_writes(seed, capacity)
    tally.check(reported == want, "the guest wrote the %d pieces its seed makes" % len(want),
                log + ["reported %d, first %s; expected first %s"
                       % (len(reported), reported[:2], want[:2])])
    tally.check("vblk_host: done" in text and "flushed" in text, "the guest flushed", log)
    if cpus > 1:
        tally.check("from %d CPUs" % cpus in text, "the guest wrote from all %d CPUs" % cpus, log)
    with open(img, "rb") as f:
        got = f.read()
    os.unlink(img)      # made again from the seed when needed
    diff = first_difference(got, expected_image(seed, capacity, want))
    tally.check(diff is None, "the image holds exactly the host's and the guest's bytes (%d MiB)"
                % IMAGE_MB, log + ["first difference at byte %s" % diff])


def main():
    sys.exit(qemu_tools.run_alone(__doc__, lambda opts, tally: step_disk(opts, tally, opts.seed),
                                  add=lambda ap: ap.add_argument("--seed", type=int)))


if __name__ == "__main__":
    main()
