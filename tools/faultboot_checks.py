# SPDX-License-Identifier: MIT
"""tools/faultboot_checks.py - booting under fault injection: the prompt, and a true report.

tools/run-tests.py imports this for step_faultboot() (issue 15, part 4).  Each
boot is make run's machine (its NIC and disk, tools/qemu.py run_devices, on an
image of our own) with fault injection on from the first allocation:

  clean        no injection: no "boot: degraded" line, and `boot` at the
               prompt says "boot: nothing degraded"
  slab-a/b/c   failslab=1,5,<space>,-1 failslab.ignore_gfp_wait=0 (5% of every
               slab allocation, sleeping ones too, for the whole boot and after),
               three patterns (space shifts which calls fail); one with -smp 2
  page         fail_page_alloc=1,5,<space>,-1 with ignore_gfp_wait=0 and
               min_order=0 (5% of every page allocation)
  slab-20      failslab at 20%: the steps the kernel cannot run without (the
               init thread, ksoftirqd, SLAB_PANIC caches, fs_bio_set, the IST
               stacks) are tried again rather than panic; prompt and report
               only (the NIC may be given up, a ping lose every packet)

and each faulted boot must:

  - reach the prompt, with no panic, WARNING or slab BUG in the log;
  - print a report at the end of boot ("boot: degraded: ..." lines) that lists
    exactly the steps whose own log lines say they failed: an initcall that
    returned an error, a probe deferred for want of memory (with its outcome:
    bound on retry N, or given up), a PCI function retried at enumeration, a
    receive ring short at open.  expected_report() derives the entries from
    those log lines alone, so a report that misses one, adds one, or lies
    about an outcome fails; check_judge() shows it refusing such reports;
  - give the same report again at the monitor (`boot`), where a short ring
    must have become "refilled" (and `virtio` must show its receive queue
    full), a device bound on retry must show its driver, one given up FAILED;
  - answer at the monitor: memcheck, meminfo; and, when eth0 came up, a ping
    to QEMU's gateway 10.0.2.2 and (when the echo service started) a UDP echo
    from the host, with retries: injection stays on, so single packets may be
    lost, but not all of them.

The faulted boots together must have degraded something (else they tested
nothing).  Cost: six short boots, about 30 s on a quiet machine.

Standalone: python3 tools/faultboot_checks.py --build build
"""

import os
import re
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402
import net_checks  # noqa: E402

SLAB = "failslab=1,%d,%d,-1 failslab.ignore_gfp_wait=0"
PAGE = "fail_page_alloc=1,5,%d,-1 fail_page_alloc.ignore_gfp_wait=0 fail_page_alloc.min_order=0"
# (name, command line, CPUs, network checked).  The spaces shift the pattern of failures
# (today these fail different steps; the checks hold for any pattern).  At 20% the NIC may
# be given up and a ping may well lose all its packets: the prompt and the report only.
BOOTS = [
    ("clean", "", 1, True),
    ("slab-a", SLAB % (5, 0), 1, True),
    ("slab-b", SLAB % (5, 40000), 1, True),
    ("slab-c", SLAB % (5, 20000), 2, True),
    ("page", PAGE % (100 * 4096), 1, True),
    ("slab-20", SLAB % (20, 0), 1, False),
]
BAD = re.compile(r"Kernel panic|WARNING: CPU|^BUG |cut here", re.M)
REPORT = re.compile(r"^boot: degraded: (.*)$")

# The log lines of the steps that fail (the kernel's own words, one rule each).
INITCALL = re.compile(r"^initcall (\w+)\+0x0/0x[0-9a-f]+ returned (-?\d+): what it starts is "
                      r"not there$")
DEFERRED = re.compile(r"^virtio (virtio\d+): .* \((-?\d+)\); FAILED for now, (\S+) tried again "
                      r"later in boot$")
PCI_DEFERRED = re.compile(r"^pci ([0-9a-f:.]+): (\S+) probe failed: (-?\d+); tried again later "
                          r"in boot$")
BOUND = re.compile(r"^(.+): bound on retry (\d+)$")
GIVEN_UP = re.compile(r"^(.+): probe failed again \((-?\d+)\) on retry (\d+); given up$")
PCI_SCAN = re.compile(r"^(pci [0-9a-f:.]+: out of memory \(-12\)(?:; enumerated on retry \d+"
                      r"| \d+ times; not enumerated))$")
SMALL_RING = re.compile(r"^(virtio\d+: queue \S+: ring of \d+, not \d+): out of memory$")
ESSENTIAL = re.compile(r"^(.+: failed \(-?\d+\) \d+ times?, then done) \(essential: retried\)$")
LEFT_ALONE = re.compile(r"^virtio (virtio\d+): (.*) \((-?\d+)\); FAILED, left alone$")
RING = re.compile(r"^(eth\d+: RX ring \d+/\d+ at open): out of memory; the refill timer fills "
                  r"it$")


def section(title):
    print("\n== %s" % title, flush=True)


def boot_part(log):
    """The lines of @log up to the monitor's banner (the boot), without carriage returns."""
    text = log.replace("\r", "")
    end = text.find(qemu.MONITOR_BANNER.decode())
    return (text if end < 0 else text[:end]).splitlines()


def expected_report(lines):
    """The report the failed steps' own log lines in @lines call for: a list of (label,
    [acceptable report lines]), one per step, in log order."""
    want, deferred, devices = [], {}, set()
    for line in lines:
        m = INITCALL.match(line)
        if m:
            want.append((line, ["initcall %s returned %s" % m.groups()]))
        m = DEFERRED.match(line) or PCI_DEFERRED.match(line)
        if m:
            if m.re is DEFERRED:
                dev, err, drv = m.groups()
            else:
                dev, drv, err = "pci " + m.group(1), m.group(2), m.group(3)
            name = "%s: %s" % (dev, drv)
            devices.add(dev)
            if name not in deferred:    # a retry failing again prints the line again
                deferred[name] = len(want)
                want.append((line, ["%s probe failed (%s); to be retried" % (name, err)]))
        m = BOUND.match(line) or GIVEN_UP.match(line)
        if m and m.group(1) in deferred:
            i = deferred[m.group(1)]
            head = want[i][1][0].rsplit("; ", 1)[0]
            if m.re is BOUND:
                out = "bound on retry %s" % m.group(2)
            else:
                n = int(m.group(3))
                out = "given up after %d retr%s (%s)" % (n, "y" if n == 1 else "ies", m.group(2))
            want[i] = (want[i][0], ["%s; %s" % (head, out)])
        m = PCI_SCAN.match(line) or ESSENTIAL.match(line) or SMALL_RING.match(line)
        if m:
            want.append((line, [m.group(1)]))
        m = LEFT_ALONE.match(line)
        if m and m.group(1) not in devices:   # else: its deferred entry says "given up"
            want.append((line, ["%s: %s (%s); left alone" % m.groups()]))
        m = RING.match(line)
        if m:
            want.append((line, [m.group(1) + "; refilling", m.group(1) + "; refilled"]))
    return want


def enomem_not_retried(lines):
    """Probes in @lines that ran out of memory and were left alone without a retry."""
    deferred = {m.group(1) for m in map(DEFERRED.match, lines) if m}
    return [line for line in lines if LEFT_ALONE.match(line)
            and LEFT_ALONE.match(line).group(3) == "-12"
            and LEFT_ALONE.match(line).group(1) not in deferred]


def report_problems(want, got):
    """[] if the report lines @got are exactly the entries @want (expected_report) in any
    order; else what is missing and what is there without a failure to show for it."""
    left, problems = list(got), []
    for label, ok in want:
        hit = next((g for g in left if g in ok), None)
        if hit is None:
            problems.append("missing from the report: %s (the log says: %s)" % (ok[0], label))
        else:
            left.remove(hit)
    problems += ["in the report, but no failure in the log: %s" % g for g in left]
    return problems


def printed_report(lines):
    """The report's entries as printed at the end of boot (in @lines, the boot's log).  More
    than BOOT_REPORT_MAX (32) would end in "and N more, not kept": an entry the judge refuses,
    so a boot this broken fails rather than pass with a report cut short."""
    return [m.group(1) for m in map(REPORT.match, lines) if m]


DEFER = ("virtio virtio1: the driver's probe failed (-12); FAILED for now, virtio-blk tried "
         "again later in boot")
CANNED = ["pci: 6 functions",
          "initcall ramdisk_boot_init+0x0/0x9c returned -12: what it starts is not there",
          "eth0: RX ring 0/256 at open: out of memory; the refill timer fills it",
          DEFER, "pci 0000:00:04.0: out of memory (-12); enumerated on retry 1", DEFER,
          "virtio1: virtio-blk: bound on retry 2",
          "smpboot: ksoftirqd/1: failed (-12) 2 times, then done (essential: retried)",
          "virtio virtio2: feature negotiation failed (-19); FAILED, left alone",
          "virtio0: queue input.0: ring of 128, not 256: out of memory"]
CANNED_REPORT = ["initcall ramdisk_boot_init returned -12",
                 "eth0: RX ring 0/256 at open; refilling",
                 "virtio1: virtio-blk probe failed (-12); bound on retry 2",
                 "pci 0000:00:04.0: out of memory (-12); enumerated on retry 1",
                 "smpboot: ksoftirqd/1: failed (-12) 2 times, then done",
                 "virtio2: feature negotiation failed (-19); left alone",
                 "virtio0: queue input.0: ring of 128, not 256"]


def check_judge(tally):
    """The judge takes the canned report and refuses it spoiled four ways."""
    want = expected_report(CANNED)
    bad = [name for name, got, ok in [
        ("the canned report", CANNED_REPORT, True),
        ("an entry dropped", CANNED_REPORT[1:], False),
        ("an entry added", CANNED_REPORT + ["initcall http_start returned -12"], False),
        ("a wrong outcome", CANNED_REPORT[:2] + ["virtio1: virtio-blk probe failed (-12); "
                                                "bound on retry 1"] + CANNED_REPORT[3:], False),
        ("no report", [], False)] if (not report_problems(want, got)) != ok]
    tally.check(not bad, "the report judge takes a true report and refuses one with an entry "
                "dropped, one added, a wrong outcome, or none", bad)


# ------------------------------------------------------------------ the boots --

def command(guest, line, timeout=60):
    """Type @line; its answer up to the next prompt (a prompt anywhere: injection messages may
    follow it), or None."""
    if not guest.type((line + "\n").encode()) or not guest.wait_for(qemu.PROMPT, timeout):
        return None
    return guest.text().decode("utf-8", "replace")


def wait_refilled(guest, timeout=30):
    """`boot` until no entry says "refilling" (the refill timer at work); its last lines."""
    end = time.monotonic() + timeout
    while True:
        out = command(guest, "boot") or ""
        got = [m.group(1) for m in map(REPORT.match, out.replace("\r", "").splitlines()) if m]
        if not any(g.endswith("; refilling") for g in got) or time.monotonic() > end:
            return out, got
        time.sleep(0.5)


def check_devices(tally, name, guest, got, log):
    """`virtio`: a device bound on retry shows its driver, one given up FAILED; a ring that
    was short at open is full now."""
    out = (command(guest, "virtio") or "").replace("\r", "")
    problems = []
    for g in got:
        m = re.match(r"(virtio\d+): (?:(\S+) probe failed \(-?\d+\); (bound)|.*(given up|left "
                     r"alone))", g)
        if m:
            line = next((x for x in out.splitlines() if x.startswith(m.group(1) + ":")), "")
            want = (", %s," % m.group(2)) if m.group(3) else ", FAILED,"
            if want not in line:
                problems.append("%s: expected '%s' in: %s" % (m.group(1), want, line))
    if any(" RX ring " in g for g in got):
        rx = re.findall(r"queue \d+ input\.\d+ +size (\d+) free (\d+) in flight (\d+)", out)
        if not rx or any(int(f) != 0 for _, f, _ in rx):
            problems.append("a receive queue is not full: %s" % rx)
    tally.check(not problems, "%s: `virtio` agrees with the report (drivers bound on retry, "
                "given up FAILED, short rings full now)" % name, problems + log)


def check_monitor(tally, name, guest, text, port, log):
    """The monitor answers; the network too, if it came up."""
    mc = command(guest, "memcheck") or ""
    mi = command(guest, "meminfo") or ""
    tally.check("memcheck: pages" in mc and "MemTotal:" in mi,
                "%s: memcheck and meminfo answer" % name, log + mc.splitlines()[-3:])
    if port is None:
        return
    if "net: eth0 registered" not in text:
        tally.skip("%s: ping and UDP echo (eth0 did not come up: the report says why)" % name)
        return
    out = command(guest, "ping 10.0.2.2 5") or ""
    m = re.search(r"(\d+) received", out)
    tally.check(m and int(m.group(1)) > 0, "%s: ping 10.0.2.2 through eth0 gets replies"
                % name, log + out.splitlines()[-3:])
    if "net: UDP echo service on port 7" in text:
        tally.check(net_checks.echo_once(("127.0.0.1", port), b"faultboot %d" % port, tries=10),
                    "%s: the UDP echo service answers the host" % name, log)


def faulted_boot(opts, tally, name, cmdline, cpus, net, totals):
    """One boot of make run's machine with @cmdline; the checks of the module docstring."""
    img = os.path.join(opts.build, "faultboot-%s.img" % name)   # ours, blank: never the user's
    subprocess.run(["truncate", "-s", "0", img], check=True)
    subprocess.run(["truncate", "-s", "64M", img], check=True)
    port = qemu.free_tcp_port()
    devices = qemu.run_devices(opts, img, port) + ["-smp", str(cpus)]
    log_path = os.path.join(opts.logdir, "faultboot-%s.log" % name)
    guest = qemu.spawn(qemu.qemu_cmd(opts, devices, cmdline), log_path)
    log = ["log: %s" % log_path, "command line: %s" % cmdline]
    try:
        booted = guest.boot(timeout=min(opts.boot_timeout, 180))
        text = guest.text().decode("utf-8", "replace")
        lines = boot_part(text)
        tally.check(booted, "%s: the boot reaches the prompt" % name, log + guest.tail())
        if not booted:
            return
        got = printed_report(lines)
        totals.append(len(got))
        if not cmdline:
            out = command(guest, "boot") or ""
            tally.check(not got and "boot: nothing degraded" in out,
                        "clean: no report at the end of boot; `boot` says nothing degraded",
                        log + got + out.splitlines()[-2:])
            return
        want = expected_report(lines)
        tally.check(not enomem_not_retried(lines), "%s: every probe that ran out of memory was "
                    "tried again later in boot" % name, enomem_not_retried(lines) + log)
        tally.check(not report_problems(want, got), "%s: the report at the end of boot lists "
                    "exactly the %d failed steps of the log" % (name, len(want)),
                    report_problems(want, got) + ["report: %s" % got] + log)
        out, later = wait_refilled(guest)
        done = [(lbl, [o for o in ok if not o.endswith("; refilling")]) for lbl, ok in want]
        tally.check(not report_problems(done, later), "%s: `boot` at the prompt gives it again, "
                    "short rings refilled" % name,
                    report_problems(done, later) + out.splitlines()[-6:] + log)
        check_devices(tally, name, guest, later, log)
        check_monitor(tally, name, guest, text, port if net else None, log)
    finally:
        guest.close()
        with open(log_path, "rb") as f:
            whole = f.read().decode("utf-8", "replace")
        bad = BAD.search(whole)
        tally.check(not bad, "%s: no panic, WARNING or BUG in the log" % name,
                    log + ([whole[max(0, bad.start() - 200):bad.end() + 300]] if bad else []))
        os.remove(img)


def step_faultboot(opts, tally):
    """The judge on canned text, then the boots of BOOTS."""
    section("booting under fault injection: the prompt, and a true report of what degraded")
    check_judge(tally)
    totals = []
    for name, cmdline, cpus, net in BOOTS:
        faulted_boot(opts, tally, name, cmdline, cpus, net, totals)
    tally.check(sum(totals[1:]) > 0, "the faulted boots degraded something between them "
                "(else they tested nothing)", ["entries per boot: %s" % totals])


def main():
    """Standalone: python3 tools/faultboot_checks.py --build build."""
    return qemu.run_alone(__doc__, step_faultboot)


if __name__ == "__main__":
    raise SystemExit(main())
