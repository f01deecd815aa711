"""tools/userdisk_checks.py - `test all` from `make run` leaves the user's disk and NIC alone.

tools/run-tests.py imports this for step_userdisk(): the real `make run`, as
a user's script drives it (stdin and stdout are pipes), on a disk image of
its own in the build folder filled with a known pattern:

  make -s -o BUILD/kernel.elf run BUILD=... QEMU=... DISK_IMG=BUILD/userdisk.img \
      NETPORT=<a free port>

(-o: make never remakes the kernel under test, whatever flags it was built with).

At the monitor prompt it gives eth0 an address of the user's choosing,
types `test all`, waits for the prompt to come back, then names the two
suites that `all` leaves out and that write all over a disk
(virtio_blk_host, virtio_blk_bench), looks at eth0 again and types
`poweroff`.  It checks that

  - the run ends `0 failed` (cases that need the runner's machine skip),
  - the two named suites skip every case on this disk,
  - the write cases skipped because vda is not a test disk, and the NIC
    cases because eth0 is not a test NIC (tests/scratch_dev.h: make run's
    serial teachos-vda and MAC 52:54:00:12:34:56 are the user's),
  - eth0 still has the user's address, flags and MAC, its packet counters
    have not moved, and the default route is unchanged (no test unbound,
    reset, re-addressed or sent through it),
  - the image is byte for byte what it was (SHA-256 before and after; the
    first differing byte is named).

Standalone: python3 tools/userdisk_checks.py --build build
"""

import hashlib
import os
import random
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ktap import KtapParser  # noqa: E402
from net_checks import free_udp_ports  # noqa: E402
import qemu  # noqa: E402

IMAGE_MB = 16
SEED = 0x05afe              # the image's bytes: random.Random(SEED).randbytes
USER_ADDR = "10.0.2.20/24"  # not the default 10.0.2.15: a rebound eth0 would lose it
WHOLE_DISK_SUITES = ("virtio_blk_host", "virtio_blk_bench")   # only when named
PROMPT = qemu.PROMPT
BANNER = qemu.MONITOR_BANNER


def make_image(path):
    """A fresh image of IMAGE_MB MiB of random-looking bytes; returns them."""
    data = random.Random(SEED).randbytes(IMAGE_MB << 20)
    with open(path, "wb") as f:
        f.write(data)
    return data


def first_difference(a, b):
    if len(a) != len(b):
        return min(len(a), len(b))
    for off in range(0, len(a), 1 << 16):
        if a[off:off + (1 << 16)] != b[off:off + (1 << 16)]:
            return next(i for i in range(off, off + (1 << 16)) if a[i] != b[i])
    return None


def eth0_config(ifconfig_text):
    """eth0's block of `ifconfig` (flags, MAC, address, counters) and the default route."""
    keep, inside = [], False
    for line in (ifconfig_text or "").splitlines():
        if re.match(r"\d+: ", line):
            inside = re.match(r"\d+: eth0:", line) is not None
        elif not line.startswith(" "):
            inside = False
        if inside or line.startswith("default"):
            keep.append(line.strip())
    return keep


def run_session(opts, img, log_path):
    """make run, the user's address, test all, ifconfig, poweroff: (replies dict, make status).
    make never remakes the kernel under test (-o): with other flags than the build's (a
    DEBUG=1 build, say) it would rebuild every object.  Whatever happens, make and the QEMU
    it started are gone when this returns."""
    port = free_udp_ports(1)[0]
    cmd = ["make", "-s", "--no-print-directory", "-o", opts.kernel, "run", "BUILD=" + opts.build,
           "QEMU=" + opts.qemu, "DISK_IMG=" + img, "NETPORT=%d" % port, "ACCEL=" + opts.accel,
           "MEM=" + opts.mem]
    run = qemu.spawn(cmd, log_path, cwd=opts.root, group=True)
    replies, status = {}, None
    try:
        if run.wait_for(BANNER, 180) and run.wait_for(PROMPT, 30, at_end=True):
            replies["set"] = run.cmd("ifconfig eth0 " + USER_ADDR, 60)
            replies["before"] = run.cmd("ifconfig", 60)
            replies["test"] = run.cmd("test all", timeout=opts.boot_timeout)
            for suite in WHOLE_DISK_SUITES:
                replies[suite] = run.cmd("test " + suite, timeout=opts.boot_timeout)
            replies["after"] = run.cmd("ifconfig", 60)
        status = run.close(30)
    finally:
        if run.proc.returncode is None:     # an exception or Ctrl-C on the way
            run.kill()
            run.proc.wait()
    return replies, status


def check_test_run(tally, text, log):
    """The KTAP of `test all` at the prompt: complete, and 0 failed."""
    parser = KtapParser()
    for line in text.splitlines():
        parser.feed(line)
    problems = parser.finish()
    p, f, s = parser.root.counts() if parser.root else (0, 0, 0)
    failed = [c.name for c in parser.root.cases() if c.result == "not ok"] if parser.root else []
    verdict = re.search(r"^(\d+) failed$", text, re.M)
    tally.check(p and not f and not problems and verdict and verdict.group(1) == "0",
                "test all at make run's prompt: 0 failed (%d passed, %d skipped)" % (p, s),
                problems + ["failed: %s" % c for c in failed]
                + ["the monitor said: %s" % (verdict.group(0) if verdict else "no 'N failed' line")]
                + log)


def step_userdisk(opts, tally):
    """The check described at the top of this file."""
    print("\n== make run's disk and NIC: test all at the prompt, then the image compared",
          flush=True)
    img = os.path.join(opts.build, "userdisk.img")
    log_path = os.path.join(opts.logdir, "userdisk.log")
    data = make_image(img)
    try:
        check_session(opts, tally, img, data, log_path)
    finally:
        os.unlink(img)


def check_session(opts, tally, img, data, log_path):
    """Run make run on @img (holding @data) and judge what it did."""
    log = ["log: %s" % log_path]
    before = hashlib.sha256(data).hexdigest()
    t0 = time.monotonic()
    replies, status = run_session(opts, img, log_path)
    print("  ..      make run, test all, poweroff: make exit status %s after %.0f s"
          % (status, time.monotonic() - t0), flush=True)
    with open(log_path, "rb") as f:
        whole = f.read().decode("utf-8", "replace")
    if not tally.check(replies.get("test") is not None,
                       "make run reaches the prompt and test all returns to it",
                       log + whole.splitlines()[-15:]):
        return
    text = replies["test"]
    check_test_run(tally, text, log)
    tally.check("vda is not a test disk (serial teachos-vda): writes skipped" in text,
                "the cases that write skip on make run's vda, saying it is not a test disk", log)
    for suite in WHOLE_DISK_SUITES:
        out = replies.get(suite) or ""
        ran = re.findall(r"^    (?:not )?ok \d+ (\S+)(.*)$", out, re.M)
        tally.check(ran and all("is not a test disk" in rest for _, rest in ran),
                    "test %s (it writes all over a disk) skips every case on vda" % suite,
                    ["%s%s" % r for r in ran] + log)
    tally.check("is not a test NIC (MAC 52:54:00:12:34:56): left alone" in text,
                "the cases that reconfigure a NIC skip on make run's eth0, saying why", log)
    was, now = eth0_config(replies.get("before")), eth0_config(replies.get("after"))
    tally.check(was and was == now and any(USER_ADDR.split("/")[0] in w for w in was),
                "eth0 keeps the user's address (%s), flags, MAC, counters and default route"
                % USER_ADDR, ["before: %s" % was, "after:  %s" % now] + log)
    tally.check(status == 0 and "QEMU exited with status" not in whole,
                "poweroff ends make run cleanly", ["make exit status %s" % status] + log
                + whole.splitlines()[-5:])
    with open(img, "rb") as f:
        got = f.read()
    diff = first_difference(data, got)
    tally.check(hashlib.sha256(got).hexdigest() == before,
                "make run's disk image is byte for byte unchanged (%d MiB, SHA-256)" % IMAGE_MB,
                ["first difference at byte %s (sector %s)" % (diff, None if diff is None
                                                                else diff // 512)] + log)


def main():
    opts = qemu.standalone(__doc__.split("\n")[0])
    tally = qemu.Tally()
    step_userdisk(opts, tally)
    return tally.summary()


if __name__ == "__main__":
    sys.exit(main())
