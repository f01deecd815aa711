#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tools/run-tests.py - boot the kernel under QEMU and check what it says.

`make test` runs this.  Each step boots QEMU headless (TCG, the serial port
on a pipe, isa-debug-exit for the exit status) with a wall-clock limit, reads
the serial output as it comes, and judges it:

  0. the KTAP parser (tools/ktap.py), fed canned text (also alone: --self-test)
  1. test=all: every in-guest suite, KTAP parsed as it arrives
  2. every panic case alone (test=suite.case): must panic with its text
  3. test=ktest_selftest: each deliberately bad case reported as it should be
  4. the GRUB ISO (-cdrom): the command line arrives, the KTAP is right
  5. the monitor, fed a script on the serial port
  6. the network from the host (tools/net_checks.py): UDP to the echo service
     through virtio-net on QEMU's user network, a burst with every reply
     checked, memory back at baseline, link down/up; a tap in a network
     namespace and the host's ping (skipped where not root)
     disks from the host (tools/disk_checks.py): the host's pattern read and
     checked in the guest, the guest's PRNG writes compared byte for byte
     HTTP from the host (tools/http_checks.py): curl downloads the 64 MiB
     disk (sha256), PUTs 8 MiB with the token (and is refused without it),
     50 ranges at once, bad requests answered; memory back at baseline
     QEMU killed mid-write (tools/crash_checks.py): PUTs acknowledged after a
     flush are on the image byte for byte after SIGKILL, the unanswered
     burst's sectors each old or new, the rest unchanged; read back by GET
     the user's machine (tools/userdisk_checks.py): `test all` typed at the
     real `make run`'s prompt ends 0 failed, and its disk image is unchanged
     the docs (tools/docgen.py): every transcript in README.md and docs/*.md
     is what the kernel prints now, timing figures masked ("run make docs")
     gdb (tools/gdb_checks.py): a gdb -batch session on make run's machine
     stops in udp_rcv/__alloc_skb for a host datagram and in blk_make_request
     during `blk check`; the helpers' skb, bio and request printouts checked
     tracing (tools/trace_checks.py): `trace on skb port=7` and one datagram
     from the host, `trace on bio disk=vda` and `blk read`: every hop in order;
     then `perf on` and the same (tools/perf_checks.py): a line per layer
     the short soak (tools/soak.py): 50 s of UDP, TCP, HTTP GET/PUT and
     malformed frames while failslab and fail_page_alloc cycle 1/5/20 %/off;
     every echo exact, every flushed PUT on the image, memcheck back exactly
     the labs (tools/lab_checks.py): each skeleton builds, boots and scores 0
     on every part; the reference and the solved skeleton score 100; the
     grader on a panicking and a broken submission
     make bench's Linux guest (tools/bench_linux.py): its initramfs builder on a
     made-up package (no download): module order, the archive read back by cpio
     booting under faults (tools/faultboot_checks.py): make run's machine with
     failslab or fail_page_alloc at 5% from the first allocation reaches the
     prompt; the report of what degraded lists exactly the steps the log says
     failed (and `boot` again at the prompt); the monitor, ping and UDP answer
     make bench's line format (tools/benchfmt.py): every figure beside its
     same-run baseline with the better one named, the guest's formatter compiled
     on the host, every tool's lines from canned figures; the old "(0.6x)" refused
  7. make host-test: portable kernel code under ASan/UBSan on the host

Every check counts as one test; the last line is `N passed, N failed`
(`, N skipped` when some were), and the exit status is non-zero if anything
failed.  Serial logs are kept in BUILD/test-logs/.

The guest's exit statuses (include/kernel/power.h): 33 ok, 35 tests failed,
37 panic.  0 means QEMU stopped by itself (triple fault); anything else is
QEMU's own error.  The KTAP format is the one tests/lib/ktest.c prints (Linux
Documentation/dev-tools/ktap.rst): change both together.
"""

import os
import re
import select
import shutil
import subprocess
import sys
import time
import traceback

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ktap import KtapParser, parse_text, self_test as ktap_self_test  # noqa: E402
import net_checks  # noqa: E402
import disk_checks  # noqa: E402
import userdisk_checks  # noqa: E402
import http_checks  # noqa: E402
import crash_checks  # noqa: E402
import monitor_checks  # noqa: E402
import cmd_checks  # noqa: E402
import gdb_checks  # noqa: E402
import profile_insns  # noqa: E402
import trace_checks  # noqa: E402
import diffs_checks  # noqa: E402
import style_checks  # noqa: E402
import init_checks  # noqa: E402
import faultboot_checks  # noqa: E402
import lab_checks  # noqa: E402
import deps_check  # noqa: E402
import bench_linux  # noqa: E402
import soak  # noqa: E402
import benchfmt  # noqa: E402
import docgen  # noqa: E402
import qemu  # noqa: E402
from qemu import Tally  # noqa: E402

EXIT_OK, EXIT_FAILED, EXIT_PANIC = 33, 35, 37

# The monitor script of step 5.
MONITOR_PROMPT = "> "
LONG_LINE = "x" * 300


# A test boot that prints this has started the monitor instead: stop waiting.
MONITOR_BANNER = "type 'help' for commands"

# How a case that needs the test= word on the boot line skips without it
# (tests/kernel/test_cmdline.c).
NO_TEST_LINE = "booted without test="


def describe_status(status):
    """A readable name for a QEMU exit status (None: we killed it)."""
    return {
        None: "none: QEMU was killed (time limit, or the monitor started)",
        EXIT_OK: "33 (EXIT_OK)",
        EXIT_FAILED: "35 (EXIT_FAILED: tests failed)",
        EXIT_PANIC: "37 (EXIT_PANIC: the kernel panicked)",
        0: "0 (QEMU stopped by itself: triple fault or halt)",
    }.get(status, "%s (QEMU error)" % status)


# ---------------------------------------------------------------- QEMU --

class Dialog:
    """Types one line each time the monitor prompt shows; keeps the replies."""

    def __init__(self, lines):
        self.todo = list(lines)
        self.replies = []  # (line sent, output until the next prompt)
        self.sent = None
        self.out = ""

    def add_output(self, text):
        self.out += text

    def at_line_start(self, partial, stdin):
        """@partial: the unfinished last line; a bare prompt means "your turn"."""
        if partial.replace("\r", "") != MONITOR_PROMPT:
            return
        if self.sent is not None:
            self.replies.append((self.sent, self.out))
        self.out = ""
        self.sent = None
        if self.todo:
            self.sent = self.todo.pop(0)
            try:
                stdin.write((self.sent + "\n").encode())
                stdin.flush()
            except BrokenPipeError:
                pass

    def finish(self):
        if self.sent is not None:
            self.replies.append((self.sent, self.out))

    def reply(self, line):
        for sent, out in self.replies:
            if sent == line:
                return out
        return None


class BootResult:
    def __init__(self, status, text, log_path):
        self.status = status
        self.text = text
        self.log_path = log_path

    def tail(self, n=25):
        return self.text.replace("\r", "").splitlines()[-n:]


def read_serial(proc, deadline, log, verbose, on_lines, on_partial):
    """Pump QEMU's serial output until it exits or the deadline passes.

    on_lines(lines) gets each batch of complete lines; on_partial(text) the
    unfinished last line (a prompt has no newline).  Either may return True
    to stop now.  Returns (the unfinished text, True if we stopped QEMU).
    """
    pending = b""
    fd = proc.stdout.fileno()
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            proc.kill()
            return pending.decode("utf-8", "replace"), True
        ready, _, _ = select.select([fd], [], [], min(left, 1.0))
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            return pending.decode("utf-8", "replace"), False
        log.write(chunk)
        log.flush()
        if verbose:
            sys.stdout.write(chunk.decode("utf-8", "replace"))
            sys.stdout.flush()
        *lines, pending = (pending + chunk).split(b"\n")
        stop = on_lines([raw.decode("utf-8", "replace") for raw in lines])
        stop = on_partial(pending.decode("utf-8", "replace")) or stop
        if stop:
            deadline = 0


def boot(opts, name, qemu_args, on_line=None, dialog=None, limit=None, mem=None):
    """Boot QEMU, feed each serial line to on_line as it arrives, return a BootResult.

    With a dialog, its lines are typed at the monitor's prompts.  Without,
    this is a test boot: if the monitor starts, no test will run, so QEMU is
    stopped at once rather than at the time limit.
    """
    log_path = os.path.join(opts.logdir, name + ".log")
    cmd = [opts.qemu, "-accel", opts.accel, "-m", mem or opts.mem, "-nodefaults", "-no-reboot",
           "-display", "none", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
           "-serial", "stdio"] + qemu_args
    start = time.monotonic()
    text = []

    def on_lines(lines):
        for line in lines:
            text.append(line + "\n")
            if on_line:
                on_line(line)
        if dialog:
            dialog.add_output("".join(line + "\n" for line in lines))
        return not dialog and any(MONITOR_BANNER in line for line in lines)

    def on_partial(partial):
        if dialog:
            dialog.at_line_start(partial, proc.stdin)
        return False

    with open(log_path, "wb") as log, open(log_path + ".stderr", "w+b") as err:
        log.write(("$ " + " ".join(cmd) + "\n").encode())
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if dialog else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=err)
        rest, killed = read_serial(proc, start + (limit or opts.boot_timeout), log,
                                   opts.verbose, on_lines, on_partial)
        status = None if killed else proc.wait()
        proc.wait()
        text.append(rest)
        # QEMU's own complaints (a bad option, a missing file) belong in the log too.
        err.seek(0)
        errtext = err.read().decode("utf-8", "replace")
        if errtext:
            text.append(errtext)
            log.write(b"\n--- QEMU stderr ---\n" + errtext.encode())
    os.unlink(log_path + ".stderr")
    if dialog:
        dialog.finish()
    print("  ..      boot %s: exit status %s after %.0f s" % (name, describe_status(status),
                                                           time.monotonic() - start), flush=True)
    return BootResult(status, "".join(text), log_path)


def kernel_boot(opts, name, cmdline, extra=(), **kw):
    return boot(opts, name, list(extra) + qemu.kernel_args(opts.kernel) + ["-append", cmdline],
                **kw)


# ------------------------------------------------------------- tallies --

def section(title):
    print("\n== %s" % title, flush=True)


def print_suite(node):
    """Progress: one line per suite as its result arrives, failures in full."""
    p, f, s = node.counts()
    word = {"ok": "ok", "skip": "skip", "not ok": "FAILED"}[node.result]
    extra = ", %d skipped" % s if s else ""
    print("  %-7s %s: %d passed, %d failed%s" % (word, node.name, p, f, extra), flush=True)
    for case in node.cases():
        if case.result == "not ok":
            print("            not ok %s" % case.name)
            for d in case.diags:
                print("              # %s" % d)
    if node.result == "not ok" and not f:
        for d in node.diags:
            print("              # %s" % d)


def count_ktap(tally, parser, res, name, want_status):
    """Add a parsed run's cases to the tally; check the plans and the exit status."""
    root = parser.root
    if root is not None:
        p, f, s = root.counts()
        tally.passed += p
        tally.failed += f
        tally.skipped += s
        tally.failures += ["%s: %s" % (name, c.name) for c in root.cases() if c.result == "not ok"]
    problems = parser.finish()
    if root is not None:    # every runner boot has test=: a skip for want of it is a bad line
        problems += ["%s skipped: %s" % (c.name, c.directive) for c in root.cases()
                     if NO_TEST_LINE in c.directive]
    if want_status is None:
        want_status = EXIT_FAILED if root is not None and root.counts()[1] else EXIT_OK
    if res.status != want_status:
        problems.append("QEMU exit status %s, expected %s" % (describe_status(res.status),
                                                              describe_status(want_status)))
    if problems:
        tally.fail("%s: the run itself" % name,
                   problems + ["log: %s, its end:" % res.log_path] + res.tail())
    return not problems


# --------------------------------------------------------------- steps --

def panic_problems(res, expect):
    """What is wrong with a boot that should have panicked saying @expect."""
    where = res.text.find("Kernel panic")
    problems = []
    if res.status != EXIT_PANIC:
        problems.append("QEMU exit status %s, expected 37 (panic)" % describe_status(res.status))
    if where < 0:
        problems.append("no 'Kernel panic' in the output")
    elif expect not in res.text[where:]:
        problems.append("the panic does not say %r" % expect)
    if problems:
        problems += ["log: %s, its end:" % res.log_path] + res.tail()
    return problems


def step_all(opts, tally):
    flt = opts.only or "all"
    section("in-guest suites (test=%s)" % flt)
    parser = KtapParser(on_suite=print_suite)
    res = kernel_boot(opts, "all" if not opts.only else "only-" + flt, "test=" + flt,
                      on_line=parser.feed)
    if parser.expect_panic is not None:
        # --only named a panic case: the run is judged as step 2 judges it.
        problems = panic_problems(res, parser.expect_panic)
        tally.check(not problems, "%s panics with %r" % (flt, parser.expect_panic), problems)
        return []
    count_ktap(tally, parser, res, "test=" + flt, None)
    if opts.mem == "128M":      # the machine that has ZONE_DMA and the ISA pool
        forbidden_skips(tally, "test=" + flt, parser.root, DMA_SKIPS)
    return parser.panic_cases


# Other machines and configurations the suites must also pass on.
# Two nodes, a CPU on each (a socket per node): the SRAT names both CPUs' nodes.
TWO_NODES = ["-smp", "2,sockets=2",
             "-object", "memory-backend-ram,id=m0,size=64M", "-numa", "node,nodeid=0,memdev=m0",
             "-object", "memory-backend-ram,id=m1,size=64M", "-numa", "node,nodeid=1,memdev=m1",
             "-numa", "cpu,node-id=0,socket-id=0", "-numa", "cpu,node-id=1,socket-id=1"]
# tests/drivers/test_virtio.c: a modern and a legacy virtio-net (the legacy one without indirect
# descriptors and EVENT_IDX, with too few MSI-X vectors for one per queue), a virtio-rng
# behind a PCI bridge, one that offers ACCESS_PLATFORM (and so refuses FEATURES_OK), and
# a virtio-blk on a null disk (no image file needed).  MACs 52:54:00:7e:57:xx mark NICs made
# for tests: only those may be reset and rebound (tests/lib/scratch_dev.h, docs/testing.md).
VIRTIO_DEVICES = [
    "-netdev", "user,id=n0",
    "-device", "virtio-net-pci,disable-legacy=on,netdev=n0,mac=52:54:00:7e:57:10",
    "-netdev", "user,id=n1", "-device", "virtio-net-pci,disable-modern=on,netdev=n1,"
    "mac=52:54:00:7e:57:11,indirect_desc=off,event_idx=off,vectors=2",
    "-device", "pci-bridge,id=br1,chassis_nr=1", "-device", "virtio-rng-pci,bus=br1,addr=1",
    "-device", "virtio-rng-pci,disable-legacy=on,iommu_platform=on",
    "-blockdev", "driver=null-co,node-name=nul0,size=1048576",
    "-device", "virtio-blk-pci,drive=nul0"]
BLOCK_SUITES = "bio,bounce,blk_driver,blk_make_request,blk_map,blk_queue,blk_smp,virtio_blk"


def vnet_smp_variant(cpus):
    """virtio_net on -smp @cpus, threads on every CPU, on the virtio-net variant's two
    NICs (modern eth0 with the forwarded ports, legacy eth1)."""
    echo, selfp = net_checks.free_udp_ports(2)
    forwards = [(echo, net_checks.ECHO_PORT), (selfp, net_checks.SELF_PORT)]
    args = (["-smp", str(cpus)]
            + net_checks.nic_args(0, "modern", net_checks.user_netdev(0, forwards))
            + net_checks.nic_args(1, "legacy", net_checks.user_netdev(1)))
    return ("smp%d-vnet" % cpus, "%d CPUs, threads on all: virtio_net, eth0 and eth1" % cpus,
            args, None, "test=virtio_net vnet_test.echo_port=%d "
            "vnet_test.self_port=%d" % (echo, selfp))


VARIANTS = [
    # (boot name, what it shows, QEMU arguments, memory, command line)
    ("virtio", "virtio devices on PCI, MSI-X", VIRTIO_DEVICES, None,
     "test=pci,pci_driver,virtio,virtio_irq"),
    ("virtio-nomsi", "virtio devices on PCI, INTx only (pci=nomsi)", VIRTIO_DEVICES, None,
     "pci=nomsi test=pci,pci_driver,virtio,virtio_irq"),
    # tests/drivers/test_virtio_net.c: two NICs, modern and legacy, host ports forwarded back in.
    *net_checks.variants(),
    # tests/drivers/test_virtio_blk.c: vda and a read-only vdb on fresh images
    # (tools/disk_checks.py).
    *disk_checks.variants(),
    ("numa", "two NUMA nodes (ACPI SRAT), a CPU on each: node placement", TWO_NODES, "128M",
     "test=page_alloc,slab,mempool,skb"),
    ("highmem", "more than 4 GiB: ZONE_NORMAL exists", [], "4608M",
     "test=page_alloc,slab,bounce"),
    ("slub-debug", "every suite with slub_debug on for all caches", [], None,
     "slub_debug test=all"),
    ("noapic", "the 8259 PIC and PIT instead of the APICs", [], None,
     "noapic test=time,timer,sched,printk,monitor"),
    # Every suite, as the plain boot runs them, with threads on every CPU of two and of four
    # (the devices' suites skip here: the smp*-blk, -vnet and -virtio boots below have them).
    ("smp2-all", "two CPUs, threads on both: every suite", ["-smp", "2"], None, "test=all"),
    ("smp4-all", "four CPUs, threads on all: every suite", ["-smp", "4"], None, "test=all"),
    # tests/kernel/test_smp.c: the APs of the MADT brought up, or as many as the options allow.
    ("smp8", "eight CPUs: every AP brought up, each CPU's per-CPU data and IPIs",
     ["-smp", "8"], None, "test=smp"),
    ("smp4-maxcpus2", "four CPUs, two brought up (maxcpus=)", ["-smp", "4"], None,
     "maxcpus=2 test=smp"),
    ("smp4-nr_cpus3", "four CPUs, three possible (nr_cpus=)", ["-smp", "4"], None,
     "nr_cpus=3 test=smp"),
    ("smp4-hang", "four CPUs, CPU 2 never comes up: reported, left out", ["-smp", "4"], None,
     "smp_hang_cpu=2 test=smp"),
    # The block layer and its drivers on two and four CPUs, with the virtio_blk variant's
    # disks (tests/block/test_blk_smp.c does I/O from every CPU at once).
    ("smp2-blk", "two CPUs, threads on both: the block suites, vda and vdb",
     lambda opts: ["-smp", "2"] + disk_checks.variant_args(opts), None,
     "test=" + BLOCK_SUITES),
    ("smp4-blk", "four CPUs, threads on all: the block suites, vda and vdb",
     lambda opts: ["-smp", "4"] + disk_checks.variant_args(opts), None,
     "test=" + BLOCK_SUITES),
    ("smp4-blk-legacy", "four CPUs: virtio-blk legacy, no indirect, INTx, a queue per CPU",
     lambda opts: ["-smp", "4"] + disk_checks.variant_args(opts, disk_checks.LEGACY), None,
     "pci=nomsi test=blk_smp,virtio_blk"),
    ("smp4-virtio", "four CPUs, threads on all: the PCI and virtio suites",
     ["-smp", "4"] + VIRTIO_DEVICES, None, "test=pci,pci_driver,virtio,virtio_irq,serial"),
    # tests/mm/test_mm_smp.c and the mm suites: allocators, flushes and shootdowns on four CPUs.
    ("smp4-mm", "four CPUs: slab, pages, per-CPU data and TLB shootdown from every CPU",
     ["-smp", "4"], None, "test=mm_smp,page_alloc,slab,slab_debug,mempool,paging"),
    # virtio-net on two and four CPUs (tests/net/test_net_smp.c, which sends, receives and
    # injects from every CPU at once, runs in smp2-all and smp4-all).
    vnet_smp_variant(2),
    vnet_smp_variant(4),
]


# A variant exists to run what the plain boot skips: a skip for want of its
# machine there means the machine is broken (say the SRAT went unread).
# The plain 128 MiB machine has ZONE_DMA and so the ISA bounce pool: there a case
# that skips for want of them means the zones or the pool broke, and the ISA and
# ZONE_DMA cases would silently not run (the slub-debug variant is that machine too).
DMA_SKIPS = ("ZONE_DMA", "ISA bounce pool")
# highmem runs bounce too: 3.10's limits take their other branch past 1 GiB of memory.
# The smp*-all boots are the machines with several CPUs: a case may not skip there for one.
ONE_CPU_SKIPS = ("one CPU", "two online CPUs")
FORBIDDEN_SKIPS = {"numa": ("one NUMA node",) + DMA_SKIPS,
                   "highmem": ("no ZONE_NORMAL",) + DMA_SKIPS,
                   "slub-debug": DMA_SKIPS, "smp4-mm": ("one CPU online",),
                   "smp2-all": ONE_CPU_SKIPS + DMA_SKIPS,
                   "smp4-all": ONE_CPU_SKIPS + ("needs CPUs 0, 1 and 2",) + DMA_SKIPS}


CANNED_DMA_SKIP = """KTAP version 1
1..1
    KTAP version 1
    1..2
    ok 1 bounce_test_isa # SKIP no ISA bounce pool (ZONE_DMA is empty)
    ok 2 bounce_test_other
ok 1 bounce
"""


def forbidden_skips_self_test(check):
    """forbidden_skips() fails a canned run whose ISA case skipped, passes one without."""
    for text, want in ((CANNED_DMA_SKIP, 1), (CANNED_DMA_SKIP.replace(" # SKIP", " #"), 0)):
        quiet = Tally()
        with open(os.devnull, "w") as null:
            old, sys.stdout = sys.stdout, null
            try:
                forbidden_skips(quiet, "canned", parse_text(text)[0].root, DMA_SKIPS)
            finally:
                sys.stdout = old
        check(quiet.failed == want, "a run %s an ISA-pool skip is %s" %
              (("with", "refused") if want else ("without", "accepted")),
              ["failed %d, expected %d" % (quiet.failed, want)])


def forbidden_skips(tally, name, root, forbidden):
    """Fail the boot @name if a case of @root skipped with any reason in @forbidden."""
    if root is None:
        return
    skipped = ["%s # %s" % (c.name, c.directive) for c in root.cases()
               if c.result == "skip" and any(f in c.directive for f in forbidden)]
    tally.check(not skipped, "%s: no case skipped for want of %s"
                % (name, " or ".join(repr(f) for f in forbidden)), skipped)

# The device variants are the machines their suites' cases ask for: there a case may skip
# only for a feature the variant turns off on purpose.  Any other skip ("vda is not a test
# disk", "... is not a test NIC", no forwarded port, two disks missing) means the machine or
# the marks of the test devices broke (tests/lib/scratch_dev.h, docs/testing.md).
ONLY_SKIPS = {"virtio": (), "virtio-nomsi": ("no MSI-X",), "virtio-net": (),
              "virtio-net-legacy": (), "virtio-blk": (),
              "virtio-blk-legacy": ("does not offer INDIRECT_DESC",),
              "smp2-blk": (), "smp4-blk": (), "smp4-virtio": (),
              "smp4-blk-legacy": ("does not offer INDIRECT_DESC",),
              "smp2-vnet": (), "smp4-vnet": ()}
PANIC_SKIP = "panics; run alone by the host runner"


def unexpected_skips(root, allowed):
    """The cases of @root skipped for a reason not in @allowed (nor a panic case's)."""
    return ["%s # %s" % (c.name, c.directive) for c in root.cases() if c.result == "skip"
            and not any(a in c.directive for a in tuple(allowed) + (PANIC_SKIP,))]


SERIAL_SUMMARY = re.compile(r"serial_smp: (\d+) CPUs x (\d+) lines")
SERIAL_LINE = re.compile(r"serial_smp cpu=(\d+) line=(\d+) ([a-z]+) end$")


def serial_lines_problems(text):
    """tests/drivers/test_serial.c: each CPU's lines all there, each whole (no other
    output inside it), letters as the guest makes them."""
    summary = SERIAL_SUMMARY.search(text)
    if not summary:
        return ["no 'serial_smp: N CPUs x K lines' summary: the suite did not run"]
    cpus, lines = int(summary.group(1)), int(summary.group(2))
    seen, problems = set(), []
    for raw in text.splitlines():
        if "serial_smp cpu=" not in raw:
            continue
        m = SERIAL_LINE.fullmatch(raw.rstrip("\r"))
        want = m and "".join(chr(97 + (int(m.group(1)) * 7 + int(m.group(2)) * 3 + i) % 26)
                             for i in range(48))
        if not m or m.group(3) != want:
            problems.append("broken line: %r" % raw[:120])
            continue
        seen.add((int(m.group(1)), int(m.group(2))))
    if len(seen) != cpus * lines:
        problems.append("%d whole lines, expected %d CPUs x %d" % (len(seen), cpus, lines))
    return problems[:10]


# Checks of a variant's serial text beyond its KTAP: name -> function(text) -> problems.
SERIAL_WHOLE = ("lines written from every CPU at once arrive whole", serial_lines_problems)
TEXT_CHECKS = {"smp4-virtio": SERIAL_WHOLE, "smp2-all": SERIAL_WHOLE, "smp4-all": SERIAL_WHOLE}


def step_variants(opts, tally):
    picked = opts.variant.split(",") if opts.variant else None
    unknown = set(picked or ()) - {v[0] for v in VARIANTS}
    if unknown:
        tally.fail("--variant: no variant %s (variants: %s)"
                   % (", ".join(sorted(unknown)), ", ".join(v[0] for v in VARIANTS)))
        return
    for name, what, extra, mem, cmdline in VARIANTS:
        if picked and name not in picked:
            continue
        extra = extra(opts) if callable(extra) else extra   # made when it runs (disk images)
        section("%s (%s)" % (what, cmdline))
        parser = KtapParser(on_suite=print_suite)
        res = kernel_boot(opts, name, cmdline, extra=extra, mem=mem, on_line=parser.feed)
        count_ktap(tally, parser, res, name, None)
        if name in TEXT_CHECKS:
            what, check = TEXT_CHECKS[name]
            tally.check(not check(res.text), "%s: %s" % (name, what), check(res.text))
        if name in FORBIDDEN_SKIPS:
            forbidden_skips(tally, name, parser.root, FORBIDDEN_SKIPS[name])
        allowed = ONLY_SKIPS.get(name)
        if allowed is not None and parser.root is not None:
            skipped = unexpected_skips(parser.root, allowed)
            tally.check(not skipped, "%s: no case skipped for want of its machine" % name, skipped)


def step_panics(opts, tally, panic_cases):
    section("panic cases, each booted alone")
    if not panic_cases:
        print("  (no panic case was listed)")
    for case, expect in panic_cases:
        res = kernel_boot(opts, "panic-" + case, "test=" + case, limit=min(opts.boot_timeout, 120))
        problems = panic_problems(res, expect)
        tally.check(not problems, "%s panics with %r" % (case, expect), problems)


def selftest_expectations(cases, text):
    """(description, met?, case) for every promise test_ktest.c's selftest makes."""
    def case(name):
        return cases.get("ktest_selftest_" + name)

    def has(c, result, word=None, n=1):
        return c is not None and c.result == result and \
            (word is None or sum(word in d for d in c.diags) >= n)

    fails = case("fails")
    return [
        ("a failing case is not ok with both EXPECT diagnostics",
         has(fails, "not ok", "EXPECT failed", 2) and any("1 == 2" in d for d in fails.diags)
         and any('"first"' in d for d in fails.diags), fails),
        ("a failed ASSERT makes the case not ok", has(case("asserts"), "not ok", "EXPECT failed"),
         case("asserts")),
        ("nothing runs after a failed ASSERT",
         has(case("assert_stopped"), "ok")
         and "the line after the failed ASSERT ran: no" in text, case("assert_stopped")),
        ("a hanging case is not ok, timed out", has(case("hangs"), "not ok", "timed out"),
         case("hangs")),
        ("a faulting case is not ok, died", has(case("faults"), "not ok", "died"), case("faults")),
        ("a leaking case is not ok, leaked slab objects",
         has(case("leaks"), "not ok", "leaked: slab objects"), case("leaks")),
        ("a skipped case is ok # SKIP", has(case("skips"), "skip"), case("skips")),
        ("a passing case is ok", has(case("passes"), "ok"), case("passes")),
        ("a panic case is skipped in a suite run",
         has(case("panics"), "skip") and "panic-case: ktest_selftest.ktest_selftest_panics"
         in text, case("panics")),
    ]


def step_selftest(opts, tally):
    section("harness selftest (test=ktest_selftest)")
    parser = KtapParser()
    res = kernel_boot(opts, "ktest_selftest", "test=ktest_selftest", on_line=parser.feed)
    problems = parser.finish()
    cases = {c.name: c for c in parser.root.cases()} if parser.root else {}
    for what, met, c in selftest_expectations(cases, res.text):
        details = ["reported: %s" % (c.result if c else "nothing")] + \
                  ["# %s" % d for d in (c.diags if c else [])]
        tally.check(met, what, details)
    tally.check(res.status == EXIT_FAILED, "the selftest run exits with status 35",
                ["it exited with %s" % describe_status(res.status), "log: %s" % res.log_path])
    tally.check(not problems, "the selftest KTAP is complete and counted right", problems)
    return parser.panic_cases


def make_iso(opts, cmdline):
    """Build an ISO as `make iso` does, with our own command line, in BUILD/test-iso."""
    top = os.path.join(opts.build, "test-iso")
    grubdir = os.path.join(top, "isodir", "boot", "grub")
    os.makedirs(grubdir, exist_ok=True)
    shutil.copy(opts.kernel, os.path.join(top, "isodir", "boot", "kernel.elf"))
    shutil.copy(os.path.join(os.path.dirname(opts.kernel), "ktests.bin"),
                os.path.join(top, "isodir", "boot", "ktests.bin"))
    with open(os.path.join(opts.root, "boot", "grub.cfg")) as f:
        cfg = f.read().replace("@CMDLINE@", cmdline)
    with open(os.path.join(grubdir, "grub.cfg"), "w") as f:
        f.write(cfg)
    iso = os.path.join(top, "kernel.iso")
    r = subprocess.run(["grub-mkrescue", "-o", iso, os.path.join(top, "isodir")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return iso, r.returncode, r.stdout.decode("utf-8", "replace")


def step_iso(opts, tally):
    cmdline = "test=ktest loglevel=6"
    section("GRUB ISO boot (%s)" % cmdline)
    iso, rc, out = make_iso(opts, cmdline)
    if not tally.check(rc == 0, "grub-mkrescue builds the ISO", out.splitlines()[-15:]):
        return
    parser = KtapParser()
    res = boot(opts, "iso", ["-cdrom", iso, "-boot", "d"], on_line=parser.feed,
               limit=min(opts.boot_timeout, 180))
    got = re.search(r"Command line: (.*)", res.text)
    tally.check(got is not None and got.group(1).strip() == cmdline,
                "the command line arrives through GRUB",
                ["kernel said: %r" % (got.group(0).strip() if got else None),
                 "log: %s" % res.log_path])
    problems = parser.finish()
    p, f, s = parser.root.counts() if parser.root else (0, 0, 0)
    if not p:
        problems.append("no case passed")
    if res.status != EXIT_OK:
        problems.append("QEMU exit status %s" % describe_status(res.status))
    tally.check(not problems, "the ktest suite passes after a GRUB boot (%d cases)" % p,
                problems + ["log: %s" % res.log_path] + res.tail())


def step_monitor(opts, tally):
    section("monitor, scripted on the serial port")
    script = ["help", "version", "uptime", "cmdline", "nosuchcmd", LONG_LINE, "poweroff"]
    dialog = Dialog(script)
    res = kernel_boot(opts, "monitor", "", dialog=dialog, limit=min(opts.boot_timeout, 120))
    log = ["log: %s" % res.log_path]
    tally.check(dialog.replies, "the monitor shows its prompt %r" % MONITOR_PROMPT,
                log + res.tail())

    def reply(line):
        return (dialog.reply(line) or "").replace("\r", "")

    helptext = reply("help")
    tally.check(all(c in helptext for c in ("help", "version", "uptime", "cmdline", "poweroff")),
                "help lists the commands", log + helptext.splitlines())
    for cmd in ("version", "uptime", "cmdline"):
        out = reply(cmd)
        body = out.split("\n", 1)[1].strip() if "\n" in out else ""
        tally.check(body and "unknown command" not in out, "%s answers" % cmd,
                    log + out.splitlines())
    tally.check("teachos" in reply("version"), "version names the kernel", log)
    tally.check("ktest.timeout" in reply("cmdline"), "cmdline lists the options", log)
    tally.check("unknown command: nosuchcmd (try 'help')" in reply("nosuchcmd"),
                "an unknown command is named", log + reply("nosuchcmd").splitlines())
    tally.check("line too long" in reply(LONG_LINE), "a 300-character line is refused", log)
    tally.check(res.status == EXIT_OK, "poweroff exits with status 33",
                ["QEMU exit status %s" % describe_status(res.status)] + log + res.tail())
    check_long_cmdline(opts, tally)


def check_long_cmdline(opts, tally):
    """QEMU's loader puts the command line and its own name just past bss_end_addr, in .bss
    (linker.ld): multiboot_save() must copy both before clear_bss() zeroes them.  A line past
    the kernel's 511 bytes is cut with a warning; the name "qemu" still takes the image path
    off."""
    cmdline = "loglevel=7 " * 60
    dialog = Dialog(["poweroff"])
    res = kernel_boot(opts, "long-cmdline", cmdline, dialog=dialog,
                      limit=min(opts.boot_timeout, 120))
    text = res.text.replace("\r", "")
    got = re.search(r"Command line: (.*)", text)
    tally.check("multiboot: command line longer than 511 bytes, truncated" in text
                and "Boot loader: qemu" in text
                and got is not None and got.group(1) == cmdline[:got.end(1) - got.start(1)]
                and len(got.group(1)) >= 400 and dialog.replies,
                "a 660-byte command line is cut with a warning and the loader's name survives",
                ["kernel said: %r" % (got.group(0) if got else None), "log: %s" % res.log_path]
                + res.tail())


HOST_RESULT = re.compile(r"^(not ok|ok) \d+\s*-?\s*(.*?)(?:\s+#\s*(SKIP.*))?$")


def step_host(opts, tally):
    section("host unit tests (make host-test)")
    r = subprocess.run(["make", "-s", "--no-print-directory", "host-test", "BUILD=" + opts.build],
                       cwd=opts.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = r.stdout.decode("utf-8", "replace")
    with open(os.path.join(opts.logdir, "host-test.log"), "w") as f:
        f.write(out)
    seen = 0
    for line in out.splitlines():
        m = HOST_RESULT.match(line)
        if not m:
            continue
        seen += 1
        if m.group(3):
            tally.skip(m.group(2))
        elif m.group(1) == "ok":
            tally.passed += 1
        else:
            tally.fail("host: " + m.group(2))
    print("  %d host results read" % seen)
    tally.check(r.returncode == 0 and seen, "make host-test succeeds",
                ["status %d, %d results; log: %s" % (r.returncode, seen,
                                                     os.path.join(opts.logdir, "host-test.log"))]
                + out.splitlines()[-20:])


# ---------------------------------------------------------------- main --

def step_suites(opts, tally):
    """Steps 1-3: every suite, the harness selftest, each panic case alone."""
    panic_cases = step_all(opts, tally)
    if not opts.only:
        panic_cases += step_selftest(opts, tally)
    step_panics(opts, tally, panic_cases)


# The full run, in order; --step picks some by name, --only runs "suites" alone.
STEPS = {
    "suites": step_suites,
    "variants": step_variants,
    "iso": step_iso,
    "monitor": step_monitor,
    "monitor_line": monitor_checks.step_monitor_line,
    "cmds": cmd_checks.step_cmds,
    "net": net_checks.step_net,
    "tap": net_checks.step_tap,
    "tap-mq": net_checks.step_tap_mq,
    "run-mq": net_checks.step_run_mq,
    "disk": disk_checks.step_disk,
    "http": http_checks.step_http,
    "crash": crash_checks.step_crash,
    "soak": soak.step_soak,
    "userdisk": userdisk_checks.step_userdisk,
    "gdb": gdb_checks.step_gdb,
    "profile": profile_insns.step_profile,
    "trace": trace_checks.step_trace,
    "init": init_checks.step_init,
    "faultboot": faultboot_checks.step_faultboot,
    "diffs": diffs_checks.step_diffs,
    "labs": lab_checks.step_labs,
    "docs": docgen.step_docs,
    "linux-guest": bench_linux.step_initramfs,
    "bench-format": benchfmt.step_bench_format,
    "host": step_host,
    "style": style_checks.step_style,
    "deps": deps_check.step_deps,
}


def run_steps(opts, tally):
    names = (opts.step.split(",") if opts.step else ["suites"] if opts.only
             else ["variants"] if opts.variant else list(STEPS))
    unknown = [n for n in names if n not in STEPS]
    if unknown:
        tally.fail("--step: no step %s (steps: %s)" % (", ".join(unknown), ", ".join(STEPS)))
        return
    for name in names:
        try:
            STEPS[name](opts, tally)
        except Exception:   # a broken step is one failure; the others still run
            tally.fail("step %s crashed" % name, traceback.format_exc().rstrip().splitlines())


def main():
    def options(ap):
        ap.add_argument("--only", metavar="SUITE",
                        help="boot only test=SUITE (and its panic cases)")
        ap.add_argument("--step", metavar="NAME[,NAME]",
                        help="run only these steps of the full run (%s)" % ", ".join(STEPS))
        ap.add_argument("--variant", metavar="NAME[,NAME]",
                        help="run only these boots of step variants (e.g. smp4-all)")
        ap.add_argument("--self-test", action="store_true", help="check the KTAP parser only")
    opts = qemu.standalone(__doc__.split("\n")[0], options)

    tally = Tally()
    section("KTAP parser self-test (canned output, tools/ktap.py)")
    ktap_self_test(tally.check)
    forbidden_skips_self_test(tally.check)
    if not opts.self_test:
        if not os.path.exists(opts.kernel):
            tally.fail("%s exists (run make first)" % opts.kernel)
        else:
            run_steps(opts, tally)
    if tally.failures:
        print("\nFailed:")
        for f in tally.failures:
            print("  " + f)
    print()
    line = "%d passed, %d failed" % (tally.passed, tally.failed)
    if tally.skipped:
        line += ", %d skipped" % tally.skipped
    print(line)
    return 1 if tally.failed else 0


if __name__ == "__main__":
    sys.exit(main())
