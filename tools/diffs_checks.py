# SPDX-License-Identifier: MIT
"""tools/diffs_checks.py - keeps docs/linux-3.10.md, the table of differences, from rotting.

tools/run-tests.py imports this for step_diffs() (`--step diffs`).  No QEMU:
it reads the tree.

  step_diffs()  first the checker itself, on canned pages and a canned tree:
                it must accept a good page and refuse each kind of bad one;
                then the real page:
                  every table row has the five cells (area, 3.10, teachos,
                  why, test), none empty, and "why" is not the teachos cell
                  again;
                  every test it names exists: suite.case is a case listed
                  (KTEST, KTEST_TIMEOUT or KTEST_PANIC) in the table of
                  TEST_SUITE(suite, ...) and defined by TEST_CASE(case) under
                  tests/; host.case is an HTEST in tests/host/; runner.name
                  is a Python function under tools/;
                  a row without a test says "none:" and what it is
                  (structure, signature, missing feature...);
                  every id is unique, and every link to the page
                  (linux-3.10.md#id) from docs/*.md, README.md or the code
                  finds its id;
                  every source file whose comment points at
                  docs/linux-3.10.md is named by some row.

Standalone: python3 tools/diffs_checks.py
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu as qemu_tools  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGE = "docs/linux-3.10.md"
# Where the code lives whose comments point at the page (tests only explain, and may link).
SOURCE_DIRS = ("boot", "kernel", "mm", "net", "block", "drivers", "include", "bench")
SOURCE_EXTS = (".c", ".h", ".S", ".ld")
CELLS = ("area", "3.10", "teachos", "why", "test")

# A test reference in the test cell: suite.case (or host.case, runner.name); not file.c.
TEST_REF = re.compile(r"(?<![/\w.])([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)(?![\w.]*/)")
NOT_TESTS = {"c", "h", "py", "md", "s", "ld", "txt"}
ANCHOR = re.compile(r'<a id="([^"]+)"></a>')
LINK = re.compile(r"linux-3\.10\.md#([A-Za-z0-9_-]+)")


# ---- the tree: which tests exist ----------------------------------------------------

def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def suite_cases(text):
    """{suite: {case, ...}} of one test file: TEST_SUITE(name, table) and the table's entries."""
    tables = {}
    for m in re.finditer(r"struct ktest_case\s+(\w+)\[\]\s*=\s*\{(.*?)\};", text, re.S):
        tables[m.group(1)] = set(re.findall(r"KTEST(?:_TIMEOUT|_PANIC)?\(\s*(\w+)", m.group(2)))
    suites = {}
    for m in re.finditer(r"TEST_SUITE(?:_INIT)?\(\s*(\w+)\s*,\s*(\w+)", text):
        suites.setdefault(m.group(1), set()).update(tables.get(m.group(2), ()))
    return suites


def known_tests(root):
    """What a row may name: {"suites": {suite: cases}, "host": set, "runner": set}."""
    suites, defined, host, runner = {}, set(), set(), set()
    for top, dirs, files in os.walk(os.path.join(root, "tests")):
        for name in files:
            if not name.endswith(".c"):
                continue
            text = read(os.path.join(top, name))
            if os.path.relpath(top, root).split(os.sep)[:2] == ["tests", "host"]:
                host.update(re.findall(r"\bHTEST\(\s*(\w+)\s*\)", text))
                continue
            defined.update(re.findall(r"\bTEST_CASE\(\s*(\w+)\s*\)", text))
            for suite, cases in suite_cases(text).items():
                suites.setdefault(suite, set()).update(cases)
    for suite in suites:
        suites[suite] &= defined
    for name in os.listdir(os.path.join(root, "tools")):
        if name.endswith(".py"):
            text = read(os.path.join(root, "tools", name))
            runner.update(re.findall(r"^\s*def (\w+)\(", text, re.M))
    return {"suites": suites, "host": host, "runner": runner}


def pointing_files(root, dirs=SOURCE_DIRS):
    """Source files (relative paths) under @dirs whose text mentions docs/linux-3.10.md."""
    found = []
    for d in dirs:
        for top, dirs, files in os.walk(os.path.join(root, d)):
            for name in sorted(files):
                path = os.path.join(top, name)
                if name.endswith(SOURCE_EXTS) and "docs/linux-3.10.md" in read(path):
                    found.append(os.path.relpath(path, root))
    return sorted(found)


def linking_texts(root):
    """{relative path: text} of every file that may link to the page's ids."""
    paths = [os.path.join("docs", n) for n in sorted(os.listdir(os.path.join(root, "docs")))
             if n.endswith(".md")] + ["README.md"] + pointing_files(root, SOURCE_DIRS + ("tests",))
    return {p: read(os.path.join(root, p)) for p in paths if os.path.exists(os.path.join(root, p))}


# ---- the page ---------------------------------------------------------------------

def split_row(line):
    """The cells of a markdown table line, "\\|" kept inside a cell."""
    cells = re.split(r"(?<!\\)\|", line.strip())
    return [c.strip() for c in cells[1:-1]]


def table_rows(text):
    """(line number, cells) of every table body row (header and --- lines left out)."""
    rows = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.startswith("|"):
            continue
        cells = split_row(line)
        if cells and (cells[0] == "area" or all(re.fullmatch(r":?-+:?", c) for c in cells)):
            continue
        rows.append((n, cells))
    return rows


def page_ids(text):
    """Every id a link may name: the <a id> anchors and the headings' slugs."""
    ids = ANCHOR.findall(text)
    for m in re.finditer(r"^#+ (.*)$", text, re.M):
        title = ANCHOR.sub("", m.group(1)).strip().lower()
        ids.append(re.sub(r"[^a-z0-9 _-]", "", title).replace(" ", "-"))
    return ids


def test_refs(cell):
    """The (first, second) parts of each test reference in a test cell."""
    return [(a, b) for a, b in TEST_REF.findall(cell) if b not in NOT_TESTS]


def ref_problem(first, second, known):
    """Why the reference first.second names no test, or None."""
    if first == "host":
        return None if second in known["host"] else "no HTEST(%s) in tests/host" % second
    if first == "runner":
        return None if second in known["runner"] else "no function %s in tools/" % second
    if first not in known["suites"]:
        return "no suite %s (TEST_SUITE) in tests/" % first
    if second not in known["suites"][first]:
        return "suite %s has no case %s (TEST_CASE and its table)" % (first, second)
    return None


def row_problems(n, cells, known):
    """What is wrong with the table row at line @n."""
    where = "%s:%d" % (PAGE, n)
    if len(cells) != len(CELLS):
        return ["%s: %d cells, a row has %d (%s)"
                % (where, len(cells), len(CELLS), " | ".join(CELLS))]
    problems = ["%s: the %s cell is empty" % (where, name)
                for name, c in zip(CELLS, cells) if not c]
    if cells[3] and cells[3] == cells[2]:
        problems.append("%s: 'why' repeats the teachos cell instead of giving a reason" % where)
    test = re.sub(r"^test:\s*", "", cells[4])
    refs = test_refs(test)
    if not refs and not test.startswith("none:"):
        problems.append("%s: no test named, and no 'none: <structure|signature|missing feature>'"
                        % where)
    for first, second in refs:
        why = ref_problem(first, second, known)
        if why:
            problems.append("%s: %s.%s: %s" % (where, first, second, why))
    return problems


def page_problems(text, known, files, linkers):
    """Every problem of page @text against the tree: @known tests, the @files that
    point at the page, the {path: text} @linkers that may link to its ids."""
    problems = []
    rows = table_rows(text)
    if not rows:
        problems.append("%s: no table rows" % PAGE)
    for n, cells in rows:
        problems += row_problems(n, cells, known)
    ids = page_ids(text)
    problems += ["%s: id '%s' used twice" % (PAGE, i) for i in sorted(set(ids)) if ids.count(i) > 1]
    for path, body in sorted(linkers.items()):
        problems += ["%s: links to %s#%s, which has no such id" % (path, PAGE, i)
                     for i in LINK.findall(body) if i not in ids]
    problems += ["%s#%s: no such id" % (PAGE, i) for i in re.findall(r"\]\(#([\w-]+)\)", text)
                 if i not in ids]
    row_text = "\n".join(" | ".join(cells) for _, cells in rows)
    problems += ["%s points at %s, and no row names it" % (f, PAGE) for f in files
                 if f not in row_text]
    return problems


# ---- the checker's own test -----------------------------------------------------

CANNED_KNOWN = {"suites": {"sched": {"sched_test_a"}}, "host": {"host_case"}, "runner": {"step_x"}}
CANNED_HEAD = "# t\n\n| area | 3.10 | teachos | why | test |\n|---|---|---|---|---|\n"
CANNED_GOOD = CANNED_HEAD + (
    '| <a id="one"></a>a | kernel/x.c, `f` | g (kernel/x.c) | because | `sched.sched_test_a` |\n'
    '| <a id="two"></a>b | mm/y.c, `h` | i (mm/y.c) | reason | none: structure |\n'
    '| c | net/z.c | j (net/z.c, tests/host/test_z.c) | r | host.host_case, runner.step_x |\n')
CANNED_BAD = {
    "a test that does not exist": CANNED_GOOD.replace("sched.sched_test_a", "sched.sched_test_b"),
    "a suite that does not exist": CANNED_GOOD.replace("sched.sched_test_a", "schad.sched_test_a"),
    "a host test that does not exist": CANNED_GOOD.replace("host.host_case", "host.host_gone"),
    "a row with neither test nor 'none:'": CANNED_GOOD.replace("none: structure", "structure"),
    "a row of four cells": CANNED_GOOD.replace("| reason |", "|"),
    "an empty why": CANNED_GOOD.replace("| because |", "|  |"),
    "a why that repeats the teachos cell": CANNED_GOOD.replace("| because |", "| g (kernel/x.c) |"),
    "an id used twice": CANNED_GOOD.replace('id="two"', 'id="one"'),
}
CANNED_FILES = ["kernel/x.c", "mm/y.c"]
CANNED_LINKERS = {"docs/a.md": "see linux-3.10.md#one and linux-3.10.md#two"}


def self_test(tally):
    """The checker accepts the canned good page and refuses each canned bad one."""
    good = page_problems(CANNED_GOOD, CANNED_KNOWN, CANNED_FILES, CANNED_LINKERS)
    tally.check(not good, "diffs checker: a good page has no problem", good)
    for what, page in CANNED_BAD.items():
        found = page_problems(page, CANNED_KNOWN, CANNED_FILES, CANNED_LINKERS)
        tally.check(len(found) >= 1, "diffs checker: refuses %s" % what, ["no problem found"])
    found = page_problems(CANNED_GOOD, CANNED_KNOWN, CANNED_FILES + ["drivers/w.c"], CANNED_LINKERS)
    tally.check(any("drivers/w.c" in p for p in found),
                "diffs checker: refuses a code comment pointing here from a file no row names",
                found)
    found = page_problems(CANNED_GOOD, CANNED_KNOWN, CANNED_FILES,
                          {"docs/a.md": "see linux-3.10.md#three"})
    tally.check(any("#three" in p for p in found),
                "diffs checker: refuses a link to an id the page does not have", found)


def section(title):
    print("\n== %s" % title, flush=True)


def step_diffs(opts, tally):
    """docs/linux-3.10.md against the tree: tests named, files named, links resolve."""
    section("docs/linux-3.10.md: every row's test exists, every pointing file has a row")
    self_test(tally)
    root = getattr(opts, "root", ROOT)
    text = read(os.path.join(root, PAGE))
    known = known_tests(root)
    rows = table_rows(text)
    problems = page_problems(text, known, pointing_files(root), linking_texts(root))
    tally.check(not problems, "%s: %d rows, %d naming tests, all exist; links and files match"
                % (PAGE, len(rows), sum(1 for _, c in rows if len(c) == 5 and test_refs(c[4]))),
                problems)


def main():
    return qemu_tools.run_alone(__doc__, step_diffs)


if __name__ == "__main__":
    raise SystemExit(main())
