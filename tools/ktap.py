# SPDX-License-Identifier: MIT
"""tools/ktap.py - a reader for the KTAP that tests/lib/ktest.c prints.

KTAP version 1 (Linux Documentation/dev-tools/ktap.rst): a version line, a
plan, result lines, "# " diagnostics; a subtest is the same, indented.  The
kernel's harness prints one subtest per suite:

    KTAP version 1
    1..1
        KTAP version 1
        # Subtest: list
        1..2
        # list_test_del: EXPECT failed at tests/test_list.c:40: ...
        not ok 1 list_test_del          <- its diagnostics came just before
        ok 2 list_test_add # SKIP why
    not ok 1 list
    # ktest: 0 passed, 1 failed, 1 skipped

KtapParser takes the serial output a line at a time, so results can be shown
as they arrive, and ignores every line that is not KTAP (boot messages, an
oops).  tools/run-tests.py uses it; self_test() checks it on canned text.
"""

import re

KTAP_VERSION = re.compile(r"^( *)KTAP version 1\s*$")
KTAP_PLAN = re.compile(r"^( *)1\.\.(\d+)\s*$")
KTAP_RESULT = re.compile(r"^( *)(ok|not ok) (\d+)(?:\s+([^#]*?))?\s*(?:#\s*(.*))?$")
KTAP_DIAG = re.compile(r"^( *)#(?: (.*))?$")
SUMMARY = re.compile(r"^ktest: (\d+) passed, (\d+) failed, (\d+) skipped$")
PANIC_CASE = re.compile(r"^panic-case: (\S+) expects: (.*)$")
EXPECT_PANIC = re.compile(r"^expect-panic: (.*)$")


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

    def interrupted(self):
        """A suite stopped by Ctrl-C (tests/lib/ktest.c): 'not ok N suite # interrupted'."""
        return self.subtest and self.result == "not ok" and self.directive.lower() == "interrupted"

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
        self.expect_panic = None  # the text a case run alone should panic with
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
        m = EXPECT_PANIC.match(text)
        if m:
            self.expect_panic = m.group(1)
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
        # Ctrl-C at the monitor: "not ok N suite # interrupted" ends a suite,
        # and the run, with fewer results than planned but never more.
        cut = node.interrupted() or any(c.interrupted() for c in node.children[-1:])
        if node.plan is None:
            self.problems.append("%s has no plan line" % name)
        elif node.plan != len(node.children) and not (cut and len(node.children) < node.plan):
            self.problems.append("%s planned %d tests, reported %d"
                                 % (name, node.plan, len(node.children)))
        for c in node.children:
            if c.subtest:
                self._check_plans(c)


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

CANNED_INTERRUPTED = """\
KTAP version 1
1..2
    KTAP version 1
    # Subtest: alpha
    1..3
    ok 1 alpha_one
not ok 1 alpha # interrupted
# ktest: interrupted after 1 case(s)
# ktest: 1 passed, 0 failed, 0 skipped
"""


def parse_text(text):
    suites = []
    p = KtapParser(on_suite=lambda n: suites.append(n.name))
    for line in text.splitlines(True):
        p.feed(line)
    return p, p.finish(), suites


def self_test(check):
    """Feed the parser canned runs; check(cond, what, details) records each verdict."""
    p, problems, suites = parse_text(CANNED_PASS)
    cases = {c.name: c for c in p.root.cases()}
    check(not problems, "a well-formed run has no problems", problems)
    check(p.root.counts() == (2, 1, 2), "cases are counted 2 passed, 1 failed, 2 skipped",
                [str(p.root.counts())])
    check(suites == ["alpha", "beta"], "suites are reported as their result lines arrive",
                [str(suites)])
    check(len(cases["beta_bad"].diags) == 2 and "tests/b.c:8" in cases["beta_bad"].diags[1],
                "diagnostics belong to the result that follows them", cases["beta_bad"].diags)
    check(cases["beta_skipped"].directive == "SKIP no device", "the SKIP reason is kept",
                [cases["beta_skipped"].directive])
    check(p.panic_cases == [("beta.beta_boom", "it broke")], "panic cases are collected",
                [str(p.panic_cases)])
    check(p.summary == (2, 1, 2), "the kernel's summary line is read", [str(p.summary)])
    p, problems, _ = parse_text(CANNED_CRASH)
    check(any("never finished" in x for x in problems)
                and any("planned 2 tests, reported 0" in x for x in problems),
                "a run cut short by a crash is a problem", problems)
    _, problems, _ = parse_text(CANNED_MISCOUNT)
    check(any("the kernel counted" in x for x in problems),
                "a summary that disagrees with the results is a problem", problems)
    p, problems, _ = parse_text(CANNED_INIT_SKIP)
    check(not problems and p.root.counts() == (0, 0, 2) and p.root.children[0].result == "skip",
                "a suite whose init failed is skipped with its cases", problems)
    p, _, _ = parse_text("KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: beta\n"
                         "    1..1\n    # expect-panic: it broke\nKernel panic - it broke\n")
    check(p.expect_panic == "it broke", "a case run alone announces its panic",
                [str(p.expect_panic)])
    p, problems, _ = parse_text(CANNED_INTERRUPTED)
    check(not problems and p.root.children[0].result == "not ok"
                and p.root.children[0].interrupted(),
                "a suite cut short by Ctrl-C ('# interrupted') is not ok, "
                "its short plan no problem",
                problems)
    _, problems, _ = parse_text(CANNED_INTERRUPTED.replace(" # interrupted", ""))
    check(any("planned 3 tests, reported 1" in x for x in problems),
                "the same short suite without '# interrupted' is a problem", problems)
    _, problems, _ = parse_text("Kernel panic - not syncing: early\n")
    check(problems == ["no KTAP output"], "no KTAP at all is a problem", problems)
