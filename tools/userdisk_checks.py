# SPDX-License-Identifier: MIT
"""tools/userdisk_checks.py - `test all` from `make run` leaves the user's disk and NIC alone.

tools/run-tests.py imports this for step_userdisk(): the real `make run`, as
a user's script drives it (stdin and stdout are pipes), on a disk image of
its own in the build folder filled with a known pattern:

  make -s -o BUILD/kernel.elf run BUILD=... QEMU=... DISK_IMG=BUILD/userdisk.img \
      NETPORT=<a free port>

(-o: make never remakes the kernel under test, whatever flags it was built with).

At the monitor prompt it gives eth0 an address of the user's choosing,
types a line edited with Ctrl-A and Ctrl-E, types `test all`, waits for the
prompt to come back, then names the two suites that `all` leaves out and
that write all over a disk (virtio_blk_host, virtio_blk_bench), looks at
eth0 again, types `dmesg` and `poweroff`.  It checks that

  - `ifconfig eth0 <addr>` answers with eth0 as `ifconfig eth0` shows it,
    with the new address,
  - "ersio ^A v ^E n" runs `version`: Ctrl-A reaches the line editor
    through make run's console (QEMU's mux takes Ctrl-] as its escape key,
    -echr 0x1d; with QEMU's default, Ctrl-a, it swallowed ^A and the key
    after it),
  - the run ends `0 failed` (cases that need the runner's machine skip),
  - the two named suites skip every case on this disk,
  - the write cases skipped because vda is not a test disk, and the NIC
    cases because eth0 is not a test NIC (tests/lib/scratch_dev.h: make run's
    serial teachos-vda and MAC 52:54:00:12:34:56 are the user's),
  - eth0 still has the user's address, flags and MAC, its packet counters
    have not moved, and the default route is unchanged (no test unbound,
    reset, re-addressed or sent through it),
  - the image is byte for byte what it was (SHA-256 before and after; the
    first differing byte is named),
  - `dmesg` afterwards still starts with the boot log: its first line is
    the first line the kernel printed at boot (no test wrapped the user's
    log away).

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
EDITED_LINE = b"ersio\x01v\x05n\n"   # ^A: to the start, v; ^E: to the end, n: `version`


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


def typed_line(run, data, timeout=60):
    """Type @data (bytes, ending in Enter) as they are, control keys included; what the
    monitor printed up to its next prompt (or None)."""
    if not run.type(data) or not run.wait_for(PROMPT, timeout, True):
        return None
    return run.text().decode("utf-8", "replace")


def first_kernel_line(boot_text):
    """The first line the kernel printed at boot: the one after make's own lines, which
    come before QEMU starts (the kernel's first line is its banner, "teachos ...")."""
    lines = [l for l in boot_text.splitlines() if l.strip()]
    return next((l for l in lines if l.startswith("teachos ")), None)


def dmesg_first_line(dmesg_text):
    """dmesg's first line without its [seconds.micros] stamp (None if there is none)."""
    for line in (dmesg_text or "").splitlines()[1:]:        # after the echoed command
        m = re.match(r"^\[\s*\d+\.\d{6}\] (.*)$", line)
        if m:
            return m.group(1)
    return None


def run_session(opts, img, log_path):
    """make run, the user's address, test all, ifconfig, poweroff: (replies dict, make status).
    make never remakes the kernel under test (-o): with other flags than the build's (a
    DEBUG=1 build, say) it would rebuild every object.  Whatever happens, make and the QEMU
    it started are gone when this returns."""
    port = free_udp_ports(1)[0]
    cmd = ["make", "-s", "--no-print-directory", "-o", opts.kernel, "run", "BUILD=" + opts.build,
           "QEMU=" + opts.qemu, "DISK_IMG=" + img, "NETPORT=%d" % port,
           "TCPPORT=%d" % qemu.free_tcp_port(), "HTTPPORT=%d" % qemu.free_tcp_port(),
           "ACCEL=" + opts.accel,
           "MEM=" + opts.mem]
    run = qemu.spawn(cmd, log_path, cwd=opts.root, group=True)
    replies, status = {}, None
    try:
        if run.wait_for(BANNER, 180) and run.wait_for(PROMPT, 30, at_end=True):
            replies["boot"] = run.text().decode("utf-8", "replace")
            replies["set"] = run.cmd("ifconfig eth0 " + USER_ADDR, 60)
            replies["edited"] = typed_line(run, EDITED_LINE)
            replies["before"] = run.cmd("ifconfig", 60)
            replies["test"] = run.cmd("test all", timeout=opts.boot_timeout)
            for suite in WHOLE_DISK_SUITES:
                replies[suite] = run.cmd("test " + suite, timeout=opts.boot_timeout)
            replies["after"] = run.cmd("ifconfig", 60)
            replies["dmesg"] = run.cmd("dmesg", 120)
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


def check_console(tally, replies, log):
    """What make run's console does with the keys: ifconfig's answer, Ctrl-A and Ctrl-E."""
    out = replies.get("set") or ""
    addr = USER_ADDR.split("/")[0]
    tally.check(re.search(r"^\d+: eth0: <UP", out, re.M) and
                re.search(r"^    inet %s/24 brd " % re.escape(addr), out, re.M),
                "ifconfig eth0 %s answers with eth0 and its new address" % USER_ADDR,
                out.splitlines() + log)
    out = replies.get("edited") or ""
    tally.check("teachos " in out and "unknown command" not in out,
                "a line edited with Ctrl-A and Ctrl-E on make run's console runs `version`"
                " (QEMU's console escape is not Ctrl-a)", out.splitlines() + log)


def check_boot_log_kept(tally, replies, log):
    """dmesg after the tests starts where the boot log started."""
    want = first_kernel_line(replies.get("boot") or "")
    got = dmesg_first_line(replies.get("dmesg"))
    tally.check(want and got == want,
                "dmesg after test all still starts with the boot log's first line (%s)" % want,
                ["dmesg's first line: %r" % got] + log)


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
    check_console(tally, replies, log)
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
    check_boot_log_kept(tally, replies, log)
    with open(img, "rb") as f:
        got = f.read()
    diff = first_difference(data, got)
    tally.check(hashlib.sha256(got).hexdigest() == before,
                "make run's disk image is byte for byte unchanged (%d MiB, SHA-256)" % IMAGE_MB,
                ["first difference at byte %s (sector %s)" % (diff, None if diff is None
                                                                else diff // 512)] + log)


def main():
    return qemu.run_alone(__doc__, step_userdisk)


if __name__ == "__main__":
    sys.exit(main())
