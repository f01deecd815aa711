#!/usr/bin/env python3
"""tools/run-tests.py - boot the kernel under QEMU and check what it says.

`make test` runs this.  Each step boots QEMU headless (TCG, the serial port
on a pipe, isa-debug-exit for the exit status) with a wall-clock limit, reads
the serial output as it comes, and judges it:

  0. the KTAP parser below, fed canned text (also alone: --self-test)
  1. test=all: every in-guest suite, KTAP parsed as it arrives
  2. every panic case alone (test=suite.case): must panic with its text
  3. test=ktest_selftest: each deliberately bad case reported as it should be
  4. the GRUB ISO (-cdrom): the command line arrives, the KTAP is right
  5. the monitor, fed a script on the serial port
  6. make host-test: portable kernel code under ASan/UBSan on the host

Every check counts as one test; the last line is `N passed, N failed`
(`, N skipped` when some were), and the exit status is non-zero if anything
failed.  Serial logs are kept in BUILD/test-logs/.

The guest's exit statuses (include/kernel/power.h): 33 ok, 35 tests failed,
37 panic.  0 means QEMU stopped by itself (triple fault); anything else is
QEMU's own error.  The KTAP format is the one tests/ktest.c prints (Linux
Documentation/dev-tools/ktap.rst): change both together.
"""

import argparse
import os
import re
import select
import shutil
import subprocess
import sys
import time

EXIT_OK, EXIT_FAILED, EXIT_PANIC = 33, 35, 37

# The monitor script of step 5.
MONITOR_PROMPT = "> "
LONG_LINE = "x" * 300


def describe_status(status):
    """A readable name for a QEMU exit status (None: we killed it)."""
    return {
        None: "killed after the time limit",
        EXIT_OK: "33 (EXIT_OK)",
        EXIT_FAILED: "35 (EXIT_FAILED: tests failed)",
        EXIT_PANIC: "37 (EXIT_PANIC: the kernel panicked)",
        0: "0 (QEMU stopped by itself: triple fault or halt)",
    }.get(status, "%s (QEMU error)" % status)


# ---------------------------------------------------------------- KTAP --

KTAP_VERSION = re.compile(r"^( *)KTAP version 1\s*$")
KTAP_PLAN = re.compile(r"^( *)1\.\.(\d+)\s*$")
KTAP_RESULT = re.compile(r"^( *)(ok|not ok) (\d+)(?:\s+([^#]*?))?\s*(?:#\s*(.*))?$")
KTAP_DIAG = re.compile(r"^( *)#(?: (.*))?$")
SUMMARY = re.compile(r"^ktest: (\d+) passed, (\d+) failed, (\d+) skipped$")
PANIC_CASE = re.compile(r"^panic-case: (\S+) expects: (.*)$")


class KtapNode:
    """A test: the whole run, a suite (a subtest) or a case (a leaf)."""

    def __init__(self, indent, subtest):
        self.indent = indent
        self.subtest = subtest  # made by a "KTAP version 1" line
        self.name = None
        self.plan = None
        self.children = []
        self.pending = []  # diagnostics waiting for the next result at this level
        self.diags = []  # the diagnostics that came before this node's result
        self.result = None  # "ok", "not ok", "skip"; None: no result line seen
        self.directive = ""

    def set_result(self, status, desc, directive, diags):
        if desc:
            self.name = desc
        self.directive = directive or ""
        if status == "ok" and self.directive.upper().startswith("SKIP"):
            status = "skip"
        self.result = status
        self.diags = diags

    def cases(self):
        """Every leaf below this node, depth first."""
        for c in self.children:
            if c.subtest:
                yield from c.cases()
            else:
                yield c

    def counts(self):
        n = {"ok": 0, "not ok": 0, "skip": 0}
        for c in self.cases():
            n[c.result] += 1
        return n["ok"], n["not ok"], n["skip"]


class KtapParser:
    """Reads KTAP a line at a time, ignoring any other output between.

    on_case(suite, case) and on_suite(suite) are called as results arrive.
    After finish(), problems lists what was malformed or missing.
    """

    def __init__(self, on_case=None, on_suite=None):
        self.on_case = on_case
        self.on_suite = on_suite
        self.root = None
        self.stack = []
        self.summary = None  # (passed, failed, skipped) as the kernel counted
        self.panic_cases = []  # (suite.case, expected text)
        self.problems = []

    def node_at(self, indent):
        for n in reversed(self.stack):
            if n.indent == indent:
                return n
        return self.stack[-1]

    def feed(self, line):
        line = line.rstrip("\r\n").replace("\r", "")
        m = KTAP_VERSION.match(line)
        if m:
            self._version(len(m.group(1)))
            return
        if not self.stack:
            return  # boot messages before the KTAP
        m = KTAP_PLAN.match(line)
        if m:
            self.node_at(len(m.group(1))).plan = int(m.group(2))
            return
        m = KTAP_RESULT.match(line)
        if m:
            self._result(len(m.group(1)), m.group(2), m.group(4), m.group(5))
            return
        m = KTAP_DIAG.match(line)
        if m:
            self._diag(len(m.group(1)), m.group(2) or "")

    def _version(self, indent):
        if indent == 0:
            self.root = KtapNode(0, True)
            self.stack = [self.root]
            return
        if not self.stack:
            return
        while self.stack[-1].indent >= indent and len(self.stack) > 1:
            lost = self.stack.pop()
            self.problems.append("subtest %s has no result line" % (lost.name or "?"))
        self.stack.append(KtapNode(indent, True))

    def _diag(self, indent, text):
        node = self.node_at(indent)
        if text.startswith("Subtest: "):
            node.name = text[len("Subtest: "):].strip()
            return
        m = SUMMARY.match(text)
        if m:
            self.summary = tuple(int(x) for x in m.groups())
        m = PANIC_CASE.match(text)
        if m:
            self.panic_cases.append((m.group(1), m.group(2)))
        node.pending.append(text)

    def _result(self, indent, status, desc, directive):
        top = self.stack[-1]
        if top.indent > indent and len(self.stack) > 1:
            node = self.stack.pop()  # the subtest this line closes
            parent = self.stack[-1]
            node.set_result(status, desc, directive, parent.pending + node.pending)
            parent.pending = []
            parent.children.append(node)
            if self.on_suite:
                self.on_suite(node)
            return
        leaf = KtapNode(indent, False)
        leaf.set_result(status, desc, directive, top.pending)
        top.pending = []
        top.children.append(leaf)
        if self.on_case:
            self.on_case(top, leaf)

    def finish(self):
        """Check that every plan was kept; returns the list of problems."""
        if self.root is None:
            self.problems.append("no KTAP output")
            return self.problems
        for n in self.stack[1:]:
            self.problems.append("suite %s never finished" % (n.name or "?"))
        self._check_plans(self.root)
        if self.summary and self.summary != self.root.counts():
            self.problems.append("the kernel counted %d passed, %d failed, %d skipped; "
                                 "the KTAP says %d, %d, %d" % (self.summary + self.root.counts()))
        return self.problems

    def _check_plans(self, node):
        name = node.name or "the run"
        if node.plan is None:
            self.problems.append("%s has no plan line" % name)
        elif node.plan != len(node.children):
            self.problems.append("%s planned %d tests, reported %d" % (name, node.plan, len(node.children)))
        for c in node.children:
            if c.subtest:
                self._check_plans(c)


# ---------------------------------------------------------------- QEMU --

class Dialog:
    """Types one line each time the monitor prompt shows; keeps the replies."""

    def __init__(self, lines):
        self.todo = list(lines)
        self.replies = []  # (line sent, output until the next prompt)
        self.sent = None
        self.out = ""

    def on_output(self, text, partial, stdin):
        self.out += text
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


def boot(opts, name, qemu_args, on_line=None, dialog=None, limit=None):
    """Boot QEMU, feed each serial line to on_line as it arrives, return a BootResult."""
    log_path = os.path.join(opts.logdir, name + ".log")
    cmd = [opts.qemu, "-accel", opts.accel, "-m", opts.mem, "-nodefaults", "-no-reboot",
           "-display", "none", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
           "-serial", "stdio"] + qemu_args
    start = time.monotonic()
    deadline = start + (limit or opts.boot_timeout)
    text, pending = [], b""
    with open(log_path, "wb") as log, open(log_path + ".stderr", "wb") as err:
        log.write(("$ " + " ".join(cmd) + "\n").encode())
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if dialog else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=err)
        fd = proc.stdout.fileno()
        killed = False
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                proc.kill()
                killed = True
                break
            ready, _, _ = select.select([fd], [], [], min(left, 1.0))
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            log.write(chunk)
            log.flush()
            if opts.verbose:
                sys.stdout.write(chunk.decode("utf-8", "replace"))
                sys.stdout.flush()
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for raw in lines:
                line = raw.decode("utf-8", "replace")
                text.append(line + "\n")
                if on_line:
                    on_line(line)
            if dialog:
                dialog.on_output("".join(text[-len(lines):]) if lines else "",
                                 pending.decode("utf-8", "replace"), proc.stdin)
        status = proc.wait()
        text.append(pending.decode("utf-8", "replace"))
    if dialog:
        dialog.finish()
    # QEMU's own complaints (a bad option, a missing file) belong in the log too.
    with open(log_path + ".stderr", "rb") as f:
        errtext = f.read().decode("utf-8", "replace")
    if errtext:
        text.append(errtext)
        with open(log_path, "ab") as log:
            log.write(b"\n--- QEMU stderr ---\n" + errtext.encode())
    os.unlink(log_path + ".stderr")
    status = None if killed else status
    print("  ..      boot %s: exit status %s after %.0f s" % (name, describe_status(status),
                                                           time.monotonic() - start), flush=True)
    return BootResult(status, "".join(text), log_path)


def kernel_boot(opts, name, cmdline, **kw):
    return boot(opts, name, ["-kernel", opts.kernel, "-append", cmdline], **kw)


# ------------------------------------------------------------- tallies --

class Tally:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0
        self.failures = []

    def ok(self, what):
        self.passed += 1
        print("  ok      %s" % what)

    def fail(self, what, details=()):
        self.failed += 1
        self.failures.append(what)
        print("  FAILED  %s" % what)
        for d in details:
            print("            %s" % d)

    def check(self, cond, what, details=()):
        if cond:
            self.ok(what)
        else:
            self.fail(what, details)
        return cond

    def skip(self, what):
        self.skipped += 1
        print("  skip    %s" % what)


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

def step_all(opts, tally):
    flt = opts.only or "all"
    section("in-guest suites (test=%s)" % flt)
    parser = KtapParser(on_suite=print_suite)
    res = kernel_boot(opts, "all" if not opts.only else "only-" + flt, "test=" + flt,
                      on_line=parser.feed)
    count_ktap(tally, parser, res, "test=" + flt, None)
    return parser.panic_cases


def step_panics(opts, tally, panic_cases):
    section("panic cases, each booted alone")
    if not panic_cases:
        tally.skip("no panic cases were listed")
    for case, expect in panic_cases:
        res = kernel_boot(opts, "panic-" + case, "test=" + case, limit=min(opts.boot_timeout, 120))
        where = res.text.find("Kernel panic")
        problems = []
        if res.status != EXIT_PANIC:
            problems.append("QEMU exit status %s, expected 37 (panic)" % describe_status(res.status))
        if where < 0:
            problems.append("no 'Kernel panic' in the output")
        elif expect not in res.text[where:]:
            problems.append("the panic does not say %r" % expect)
        tally.check(not problems, "%s panics with %r" % (case, expect),
                    problems + ["log: %s, its end:" % res.log_path] + res.tail() if problems else ())


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
        ("a leaking case is not ok, leaked kmalloc objects",
         has(case("leaks"), "not ok", "leaked: kmalloc objects"), case("leaks")),
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
    res = boot(opts, "iso", ["-cdrom", iso, "-boot", "d"], on_line=parser.feed)
    got = re.search(r"Command line: (.*)", res.text)
    tally.check(got is not None and got.group(1).strip() == cmdline,
                "the command line arrives through GRUB",
                ["kernel said: %r" % (got.group(0).strip() if got else None), "log: %s" % res.log_path])
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
    tally.check(dialog.replies, "the monitor shows its prompt %r" % MONITOR_PROMPT, log + res.tail())

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


# ------------------------------------------------- the parser, checked --

CANNED_PASS = """\
Command line: test=all\r
KTAP version 1\r
1..2\r
    KTAP version 1\r
    # Subtest: alpha\r
    1..2\r
    ok 1 alpha_one\r
some kernel message in between\r
    ok 2 alpha_two\r
ok 1 alpha\r
    KTAP version 1\r
    # Subtest: beta\r
    1..3\r
    # beta_bad: EXPECT failed at tests/b.c:7: expected 1 == 2, but ...\r
    # beta_bad: EXPECT failed at tests/b.c:8: expected x to be true\r
    not ok 1 beta_bad\r
    ok 2 beta_skipped # SKIP no device\r
    # panic-case: beta.beta_boom expects: it broke\r
    ok 3 beta_boom # SKIP panics; run alone by the host runner\r
not ok 2 beta\r
# ktest: 2 passed, 1 failed, 2 skipped\r
"""

CANNED_CRASH = """\
KTAP version 1
1..2
    KTAP version 1
    # Subtest: alpha
    1..3
    ok 1 alpha_one
Kernel panic - not syncing: oops
"""

CANNED_MISCOUNT = """\
KTAP version 1
1..1
    KTAP version 1
    # Subtest: alpha
    1..1
    ok 1 alpha_one
ok 1 alpha
# ktest: 2 passed, 0 failed, 0 skipped
"""

CANNED_INIT_SKIP = """\
KTAP version 1
1..1
    KTAP version 1
    # Subtest: gamma
    1..2
    ok 1 gamma_a # SKIP suite init failed: -12
    ok 2 gamma_b # SKIP suite init failed: -12
ok 1 gamma # SKIP init failed: -12
# ktest: 0 passed, 0 failed, 2 skipped
"""


def parse_text(text):
    suites = []
    p = KtapParser(on_suite=lambda n: suites.append(n.name))
    for line in text.splitlines(True):
        p.feed(line)
    return p, p.finish(), suites


def step_self_test(tally):
    section("KTAP parser self-test (canned output)")
    p, problems, suites = parse_text(CANNED_PASS)
    cases = {c.name: c for c in p.root.cases()}
    tally.check(not problems, "a well-formed run has no problems", problems)
    tally.check(p.root.counts() == (2, 1, 2), "cases are counted 2 passed, 1 failed, 2 skipped",
                [str(p.root.counts())])
    tally.check(suites == ["alpha", "beta"], "suites are reported as their result lines arrive",
                [str(suites)])
    tally.check(len(cases["beta_bad"].diags) == 2 and "tests/b.c:8" in cases["beta_bad"].diags[1],
                "diagnostics belong to the result that follows them", cases["beta_bad"].diags)
    tally.check(cases["beta_skipped"].directive == "SKIP no device", "the SKIP reason is kept",
                [cases["beta_skipped"].directive])
    tally.check(p.panic_cases == [("beta.beta_boom", "it broke")], "panic cases are collected",
                [str(p.panic_cases)])
    tally.check(p.summary == (2, 1, 2), "the kernel's summary line is read", [str(p.summary)])
    p, problems, _ = parse_text(CANNED_CRASH)
    tally.check(any("never finished" in x for x in problems)
                and any("planned 2 tests, reported 0" in x for x in problems),
                "a run cut short by a crash is a problem", problems)
    _, problems, _ = parse_text(CANNED_MISCOUNT)
    tally.check(any("the kernel counted" in x for x in problems),
                "a summary that disagrees with the results is a problem", problems)
    p, problems, _ = parse_text(CANNED_INIT_SKIP)
    tally.check(not problems and p.root.counts() == (0, 0, 2) and p.root.children[0].result == "skip",
                "a suite whose init failed is skipped with its cases", problems)
    _, problems, _ = parse_text("Kernel panic - not syncing: early\n")
    tally.check(problems == ["no KTAP output"], "no KTAP at all is a problem", problems)


# ---------------------------------------------------------------- main --

def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build", help="the build directory (default: build)")
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("--accel", default="tcg")
    ap.add_argument("--mem", default="128M")
    ap.add_argument("--boot-timeout", type=float, default=300, help="seconds per boot (default 300)")
    ap.add_argument("--only", metavar="SUITE", help="boot only test=SUITE (and its panic cases)")
    ap.add_argument("-v", "--verbose", action="store_true", help="echo the whole serial log")
    ap.add_argument("--self-test", action="store_true", help="check the KTAP parser only")
    opts = ap.parse_args()
    opts.root = root
    opts.build = os.path.join(root, opts.build) if not os.path.isabs(opts.build) else opts.build
    opts.kernel = os.path.join(opts.build, "kernel.elf")
    opts.logdir = os.path.join(opts.build, "test-logs")
    os.makedirs(opts.logdir, exist_ok=True)

    tally = Tally()
    step_self_test(tally)
    if not opts.self_test:
        if not os.path.exists(opts.kernel):
            tally.fail("%s exists (run make first)" % opts.kernel)
        else:
            panic_cases = step_all(opts, tally)
            if not opts.only:
                panic_cases += step_selftest(opts, tally)
            step_panics(opts, tally, panic_cases)
            if not opts.only:
                step_iso(opts, tally)
                step_monitor(opts, tally)
                step_host(opts, tally)

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
