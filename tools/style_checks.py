#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tools/style_checks.py - make check: the tree's style, enforced.

  style_checks.py --check [--warnings WARN...]   every check on the tree (make check)
  style_checks.py --selftest                     each check fed a canned bad file
  style_checks.py --list-c                       the C files make format formats
  style_checks.py --step [--build DIR]           as make test's step `style`

The checks, each one result line (`ok - what` or `not ok - what`, the offenders below):

  format    clang-format (.clang-format) would change no C file (clang-format --dry-run)
  columns   no line of a C, .S, .ld, Python, shell or Makefile file passes 100 columns,
            a tab counting as 8
  spdx      every such file has its SPDX-License-Identifier line (tools/spdx.py)
  warnings  no object of the kernel build left a compiler message: the Makefile keeps
            each object's stderr beside it (BUILD/x.o.warn) and `make check` reads them,
            so a warning fails make check, make test and CI, while a local `make` only
            prints it (docs/testing.md, "Style")

--selftest shows each check failing: it writes an over-long line, a misformatted
function, files without the SPDX line and a C file gcc warns about into a scratch
directory (the last compiled by the Makefile's own rule), and expects each check to
refuse it and to pass the same file made right.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

TOOLS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TOOLS)
sys.path.insert(0, TOOLS)
import spdx  # noqa: E402
import compile_commands  # noqa: E402

COLUMNS = 100
C_EXTS = (".c", ".h")
COLUMN_EXTS = (".c", ".h", ".S", ".ld", ".py", ".sh")


def c_files(paths):
    return [p for p in paths if p.endswith(C_EXTS)]


def column_files(paths):
    """The files whose lines the column limit applies to (docs and data are not)."""
    res = []
    for p in paths:
        if p.endswith(COLUMN_EXTS) or os.path.basename(p) == "Makefile":
            res.append(p)
        elif spdx.kind(p, spdx.first_line(p)):     # scripts without an extension
            res.append(p)
    return res


def rel(p):
    return os.path.relpath(p, ROOT)


CLANG_FORMAT_MAJOR = 14     # another version formats some lines differently


def clang_format_problem():
    """None, or why this host's clang-format cannot judge the tree's formatting."""
    try:
        out = subprocess.run(["clang-format", "--version"], stdout=subprocess.PIPE,
                             universal_newlines=True).stdout
    except FileNotFoundError:
        return "no clang-format (Debian: apt-get install clang-format; tools/setup-deps.sh)"
    m = re.search(r"version (\d+)\.", out)
    if not m or int(m.group(1)) != CLANG_FORMAT_MAJOR:
        return "clang-format %d is the tree's formatter; this is: %s" % (CLANG_FORMAT_MAJOR,
                                                                       out.strip())
    return None


def check_format(paths, style=None):
    """[problem] for each C file of @paths that clang-format would change."""
    why = clang_format_problem()
    if why:
        return [why]
    bad = []
    style = "--style=file" + (":" + style if style else "")
    for i in range(0, len(paths), 64):
        r = subprocess.run(["clang-format", style, "--dry-run", "-Werror", "--ferror-limit=1"]
                           + paths[i:i + 64], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True)
        found = [line for line in r.stderr.splitlines()
                 if line.endswith("[-Wclang-format-violations]")]
        bad += ["%s: not as clang-format writes it (make format)"
                % rel(line.split(": ")[0].rsplit(":", 2)[0]) for line in found]
        if r.returncode != 0 and not found:    # a broken .clang-format, an unreadable file
            bad += ["clang-format: status %d" % r.returncode] + r.stderr.splitlines()[:10]
    return bad


def check_columns(paths, limit=COLUMNS):
    """[problem] for each line of @paths wider than @limit columns (tabs of 8)."""
    bad = []
    for p in paths:
        with open(p, encoding="utf-8", errors="replace") as f:
            for n, line in enumerate(f, 1):
                width = len(line.rstrip("\n").expandtabs(8))
                if width > limit:
                    bad.append("%s:%d: %d columns (limit %d)" % (rel(p), n, width, limit))
    return bad


def check_spdx(paths):
    return ["%s: %s" % (rel(p), why) for p, why in spdx.check(paths)]


def check_warnings(warns):
    """[problem] for each compiler message kept in @warns (BUILD/x.o.warn), or a missing one."""
    bad = []
    for w in warns:
        if not os.path.exists(w):
            bad.append("%s: missing (build the object with this Makefile)" % rel(w))
            continue
        with open(w, encoding="utf-8", errors="replace") as f:
            text = f.read().strip()
        if text:
            bad.append("%s:" % rel(w))
            bad += ["  " + l for l in text.splitlines()[:20]]
    return bad


def report(results):
    """Print one line per (what, problems); the number that failed."""
    failed = 0
    for what, problems in results:
        print("%s - %s" % ("not ok" if problems else "ok", what), flush=True)
        for p in problems[:60]:
            print("#   " + p)
        if len(problems) > 60:
            print("#   ... and %d more" % (len(problems) - 60))
        failed += bool(problems)
    return failed


def tree_checks(warns):
    paths = spdx.tree_files(ROOT)
    cs = c_files(paths)
    cols = column_files(paths)
    results = [
        ("format: clang-format would change none of the %d C files" % len(cs), check_format(cs)),
        ("columns: no line over %d columns in %d files" % (COLUMNS, len(cols)),
         check_columns(cols)),
        ("spdx: every source file has its SPDX-License-Identifier line",
         check_spdx(paths)),
    ]
    if warns is not None:
        results.append(("warnings: the %d kernel objects compiled without a message" % len(warns),
                        check_warnings(warns)))
    return results


# ------------------------------------------------------------------ self-test --
# Canned files: each bad one must be refused by its check, its good twin accepted.
HEADER = ("/*\n * SPDX-License-Identifier: MIT\n"
          " * selftest.c - a canned file for make check-selftest.\n */\n")
GOOD_C = HEADER + "int add_one(int a)\n{\n\treturn a + 1;\n}\n"
BAD_C = HEADER + "int add_one(int a) {\n    return a+1;\n}\n"
WIDE_OK = "x" * COLUMNS + "\n" + "\t" + "y" * (COLUMNS - 8) + "\n"
WIDE_BAD = "\t" + "y" * (COLUMNS - 7) + "\n"    # 93 characters, 101 columns
NO_SPDX_C = "/* nospdx.c - a header comment without the line. */\nint x;\n"
NO_SPDX_PY = "#!/usr/bin/env python3\n\"\"\"nospdx.py - no SPDX line.\"\"\"\n"
WARN_C = HEADER + "int f(void);\nint f(void)\n{\n\tint unused;\n\treturn 0;\n}\n"


def write(d, name, text):
    p = os.path.join(d, name)
    with open(p, "w") as f:
        f.write(text)
    return p


def selftest_format(d):
    style = os.path.join(ROOT, ".clang-format")
    good, bad = write(d, "good.c", GOOD_C), write(d, "bad.c", BAD_C)
    return [("format: a misformatted function is refused",
             [] if check_format([bad], style) else ["clang-format accepted bad.c"]),
            ("format: the same function as the kernel writes it passes",
             check_format([good], style)),
            ("format: a .clang-format clang-format cannot read fails the check",
             [] if check_format([good], write(d, "broken.yml", "UseTab: Sometimes\n"))
             else ["a broken style file passed"])]


def selftest_columns(d):
    ok, bad = write(d, "wide_ok.c", WIDE_OK), write(d, "wide_bad.c", WIDE_BAD)
    found = check_columns([bad])
    return [("columns: a 101-column line (a tab and 93 characters) is refused",
             [] if len(found) == 1 and "101 columns" in found[0] else ["found: %r" % found]),
            ("columns: lines of exactly 100 columns pass", check_columns([ok]))]


def selftest_spdx(d):
    c, py = write(d, "nospdx.c", NO_SPDX_C), write(d, "nospdx.py", NO_SPDX_PY)
    refused = len(check_spdx([c, py])) == 2
    errors = spdx.apply([c, py], verbose=False)
    with open(py) as f:
        second = f.read().split("\n")[1]
    return [("spdx: a C and a Python file without the line are refused",
             [] if refused else ["not refused"]),
            ("spdx: tools/spdx.py --apply adds it, after the #! line, and they pass",
             errors + check_spdx([c, py]) + ([] if second == "# SPDX-License-Identifier: MIT"
                                               else ["line 2 of nospdx.py: %r" % second]))]


def selftest_warnings(d):
    """A file gcc warns about, compiled by the Makefile's own rule into a scratch BUILD."""
    src = os.path.relpath(write(d, "warn.c", WARN_C), ROOT)
    write(d, "clean.c", GOOD_C)
    build = os.path.join(os.path.relpath(d, ROOT), "out")
    res = []
    for name, want in (("warn", True), ("clean", False)):
        warn = os.path.join(build, os.path.dirname(src), name + ".o.warn")
        # CI= : a local build (under CI=true the Makefile adds -Werror, and the object fails).
        r = subprocess.run(["make", "-s", "--no-print-directory", "CI=", "BUILD=" + build, warn],
                           cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True)
        found = check_warnings([os.path.join(ROOT, warn)])
        if want:
            ok = r.returncode == 0 and any("-Wunused-variable" in l for l in found)
            res.append(("warnings: an unused variable, compiled by the Makefile, is refused "
                        "(and the local build still succeeds)",
                        [] if ok else ["make: %d" % r.returncode] + r.stdout.splitlines() + found))
        else:
            res.append(("warnings: a clean file leaves an empty .o.warn and passes",
                        found + ([] if r.returncode == 0 else r.stdout.splitlines())))
    return res


def selftest_cdb(d):
    """compile_commands.json's checker on a database that is wrong in each way it knows."""
    for name in ("a.c", "b.c", "c.c"):
        write(d, name, GOOD_C)
    good = compile_commands.entries("gcc", "out", "-std=gnu11 -Wall", ["a.c", "b.c"], root=d)
    bad = good + [dict(good[0])] + compile_commands.entries("gcc", "out", "", ["c.c"], root=d)
    bad[1] = dict(bad[1], arguments=["gcc", "-include", "nonexistent.h", "-c", "b.c"])
    found = compile_commands.problems(bad, ["a.c", "b.c", "x.c"], probe="b.c")
    want = ["a.c: 2 entries", "x.c: no entry", "c.c: an entry, but not a .c the Makefiles",
            "b.c: clang -fsyntax-only"]
    # a host test's file, run in its folder: it parses only with its own command's -D
    os.makedirs(os.path.join(d, "host"))
    write(d, "host/t.c", HEADER + "#ifndef HOSTED\n#error HOSTED unset\n#endif\nint x;\n")
    host = compile_commands.host_entries(["t.c\tgcc -DHOSTED\n", "t.c\tgcc\n"], "out",
                                         root=d, folder="host")
    wrong = [dict(host[0], arguments=["gcc", "-c", "t.c"])]
    srcs = ["a.c", "b.c", "host/t.c"]
    found += compile_commands.problems(good + wrong, srcs, probe=["host/t.c"], root=d)
    want.append("host/t.c: clang -fsyntax-only")
    missed = [w for w in want if not any(f.startswith(w) for f in found)]
    if not shutil.which("clang"):
        missed = [m for m in missed if "clang" not in m]
    return [("compile_commands: a duplicated, a missing, a stray and an unparsable entry "
             "(a kernel and a host test's) are refused", ["not reported: " + m for m in missed]),
            ("compile_commands: a right database passes, a host test's file once, with the "
             "first of its commands", compile_commands.problems(
                 good + host, srcs, probe=["b.c", "host/t.c"], root=d))]


def selftest():
    """Every check on canned input; [(what, problems)]."""
    d = tempfile.mkdtemp(prefix="build-style-selftest-", dir=ROOT)   # /build*/: ignored
    try:
        return (selftest_format(d) + selftest_columns(d) + selftest_spdx(d)
                + selftest_warnings(d) + selftest_cdb(d))
    finally:
        shutil.rmtree(d)


# ------------------------------------------------------------ make test step --

def step_style(opts, tally):
    """make test's step `style`: make check-selftest, then make check, one result a line."""
    print("\n== style (make check-selftest, make check: docs/testing.md)", flush=True)
    for target in ("check-selftest", "check"):
        t0 = time.time()
        r = subprocess.run(["make", "-s", "--no-print-directory", target, "BUILD=" + opts.build],
                           cwd=opts.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True)
        results = []
        for line in r.stdout.splitlines():
            if line.startswith(("ok - ", "not ok - ")):
                results.append((line.startswith("ok"), line.split(" - ", 1)[1], []))
            elif line.startswith("#   ") and results:
                results[-1][2].append(line[4:])
        for ok, what, details in results:
            tally.check(ok, "make %s: %s" % (target, what), details)
        # its status agrees with its lines: nothing crashed or failed unreported
        agree = results and (r.returncode == 0) == all(ok for ok, _, _ in results)
        tally.check(agree, "make %s ran its %d checks (%.1f s)" % (target, len(results),
                                                                  time.time() - t0),
                    ["status %d" % r.returncode] + r.stdout.splitlines()[-20:])
    problems = check_cdb(opts)
    tally.check(not problems, "make compile_commands.json: valid JSON, one entry per kernel .c "
                "and per .c of tests/host/, the entries of kernel/main.c and %s parse with "
                "clang" % HOST_PROBE, problems)


KERNEL_C_DIRS = ("boot", "kernel", "mm", "drivers", "net", "block", "tests", "bench/guest")


def kernel_c_files(root):
    """The kernel's .c files, relative to @root: the Makefile's KSRCS, found independently."""
    res = []
    for top in KERNEL_C_DIRS:
        for d, dirs, files in os.walk(os.path.join(root, top)):
            dirs[:] = [x for x in dirs if os.path.relpath(os.path.join(d, x), root) != "tests/host"]
            res += [os.path.relpath(os.path.join(d, f), root) for f in files if f.endswith(".c")]
    return sorted(res)


def host_c_files(root):
    """The .c files of tests/host/ (the host tests and their stand-ins), relative to @root."""
    return sorted(os.path.relpath(os.path.join(d, f), root)
                  for d, _, files in os.walk(os.path.join(root, "tests/host"))
                  for f in files if f.endswith(".c"))


HOST_PROBE = "tests/host/test_slab.c"


def check_cdb(opts):
    """`make compile_commands.json` (into a scratch file): valid JSON, one entry per
    kernel .c and per .c of tests/host/, and kernel/main.c's and HOST_PROBE's entries
    parse with clang."""
    fd, path = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    try:
        r = subprocess.run(["make", "-s", "--no-print-directory", "compile_commands.json",
                            "CDB=" + path, "BUILD=" + opts.build], cwd=opts.root,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True)
        if r.returncode != 0:
            return ["make compile_commands.json: status %d" % r.returncode] + r.stdout.splitlines()
        try:
            with open(path) as f:
                db = json.load(f)
        except ValueError as e:
            return ["not valid JSON: %s" % e]
        return compile_commands.problems(db, kernel_c_files(opts.root) + host_c_files(opts.root),
                                         probe=["kernel/main.c", HOST_PROBE], root=opts.root)
    finally:
        os.unlink(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="check the tree (make check)")
    mode.add_argument("--selftest", action="store_true", help="each check on canned bad input")
    mode.add_argument("--list-c", action="store_true", help="the C files, NUL-separated")
    ap.add_argument("--warnings", nargs="*", metavar="WARN", help="the objects' .o.warn files")
    args = ap.parse_args()
    if args.list_c:
        sys.stdout.write("".join(p + "\0" for p in c_files(spdx.tree_files(ROOT))))
        return 0
    t0 = time.time()
    failed = report(selftest() if args.selftest else tree_checks(args.warnings))
    print("# %s: %d failed (%.1f s)" % ("make check-selftest" if args.selftest else "make check",
                                        failed, time.time() - t0))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
