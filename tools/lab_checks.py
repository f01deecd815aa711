# SPDX-License-Identifier: MIT
"""tools/lab_checks.py - make test's step `labs`: every grader can fail.

For each lab of labs/ (tools/grade.py, docs/teaching.md):

  - the untouched skeleton builds, its kernel boots (each of its boots reaches
    the KTAP), and every part scores 0 for a reason a student can act on: a
    failed case or a host check's problem, never a missing case or a lab.json
    that names nothing;
  - the reference (make grade REF=1) scores 100;
  - the skeleton solved by copying each reference body into it (grade.py solve:
    what a student who solved the lab hands in) scores 100.

And the grader itself, on the buddy lab: lab.json is refused when its points do
not add up to 100; grade-all over four submissions (solved, untouched, one that
panics in one part, one that does not compile) gives 100, 0, that part's points
lost and nothing else, and 0, in its CSV.
"""

import argparse
import contextlib
import csv
import io
import json
import os
import re
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import grade  # noqa: E402

# The reasons a part may fail on a skeleton only if the lab itself is broken.
WRONG_REASONS = ("no result (no such case?)", "no host check",
                 "the kernel does not build", "does not build:", "the check ")


def grade_quietly(opts, lab, **kw):
    """grade.grade() with its report kept: (report, what it printed)."""
    out = io.StringIO()
    r = grade.grade(opts, lab, out=out, **kw)
    return r, out.getvalue()


def lab_opts(opts):
    o = argparse.Namespace(**vars(opts))
    o.logdir = os.path.join(opts.build, "test-logs", "labs")
    o.quiet_limit = getattr(opts, "quiet_limit", 120)
    os.makedirs(o.logdir, exist_ok=True)
    return o


def check_lab(o, tally, name):
    lab = grade.load(name)
    drift = grade.drifted(lab)
    tally.check(not drift, "lab %s: what the skeleton keeps is the reference's, line for line "
                "(only TODO bodies and planted bugs differ)" % name, drift)
    r, out = grade_quietly(o, lab)
    shown = out.splitlines()[-25:]
    tally.check(r["built"], "lab %s: the skeleton builds" % name, shown)
    tally.check(r["boots"] and all(b[1] for b in r["boots"]),
                "lab %s: the skeleton's kernel boots and runs the graded cases" % name,
                ["boots (name, KTAP began, finished): %s" % r["boots"]] + shown)
    scored = [p for p in r["parts"] if p[2]]
    tally.check(not scored, "lab %s: the untouched skeleton scores 0 on every part "
                "(%d parts)" % (name, len(r["parts"])),
                ["%s: %d/%d" % (p[0], p[2], p[1]) for p in scored] + shown)
    wrong = ["%s: %s" % (p[0], pr) for p in r["parts"] for pr in p[3]
             if any(w in pr for w in WRONG_REASONS)]
    tally.check(not wrong, "lab %s: each part fails on the skeleton for a reason of its own "
                "(a failed case or check)" % name, wrong + shown)

    r, out = grade_quietly(o, lab, ref=True)
    tally.check(r["total"] == 100, "lab %s: the reference scores 100 (make grade REF=1)" % name,
                ["scored %d" % r["total"]] + out.splitlines()[-25:])

    solved = os.path.join(o.build, "lab-solved", name)
    shutil.rmtree(solved, ignore_errors=True)
    grade.solve(lab, solved)
    r, out = grade_quietly(o, lab, labdir=solved,
                           lbuild=os.path.join(o.build, "lab-solved-build", name))
    tally.check(r["total"] == 100, "lab %s: the skeleton with the reference's bodies copied in "
                "scores 100" % name, ["scored %d" % r["total"]] + out.splitlines()[-25:])


# A submission of the buddy lab whose expand() panics for one case's split only (the
# scratch zone's, keeping 8 frames): that part is lost, no other.
PANIC_LINE = ("\tif (!strcmp(z->name, \"scratch\") && low == 3)\n"
              "\t\tpanic(\"lab check: a deliberate panic in expand\");\n")


# ... and one whose expand() hangs with interrupts off for another case's split: no output
# at all, so the grader's limit on silence ends the boot (HANG_LIMIT seconds here).
HANG_LINES = ("\tif (!strcmp(z->name, \"scratch\") && low == 0) {\n"
              "\t\tlocal_irq_disable();\n\t\tfor (;;)\n\t\t\t;\n\t}\n")
HANG_LIMIT = 15


def solved_with(lab, where, header, lines):
    """The buddy lab solved into @where, with @lines planted at the top of expand()'s body
    (and <@header> and <string.h> included)."""
    grade.solve(lab, where)
    path = os.path.join(where, "buddy.c")
    with open(path) as f:
        text = f.read()
    text = text.replace('#include "internal.h"\n', '#include "internal.h"\n#include <%s>\n'
                        '#include <string.h>\n' % header)
    at = text.index("\tunsigned long size = 1UL << high;\n")
    end = text.index("\n", at) + 1
    with open(path, "w") as f:
        f.write(text[:end] + "\n" + lines + text[end:])


def check_grader(o, tally):
    """The grader on canned labs and submissions of the buddy lab."""
    with tempfile.TemporaryDirectory() as tmp:
        bad = os.path.join(tmp, "badlab")
        os.makedirs(bad)
        with open(os.path.join(grade.LABS, "buddy", "lab.json")) as f:
            spec = json.load(f)
        spec["parts"][0]["points"] += 1
        with open(os.path.join(bad, "lab.json"), "w") as f:
            json.dump(spec, f)
        try:
            grade.load("badlab", labs=tmp)
            refused = None
        except grade.LabError as e:
            refused = str(e)
        tally.check(refused and "add up to 101" in refused,
                    "grader: a lab.json whose points add up to 101 is refused",
                    ["load() said: %r" % refused])

        lab = grade.load("buddy")
        # The block lab keeps bio_add_page() and friends whole: change one of them.
        drift = os.path.join(tmp, "driftlab")
        block = grade.load("block")
        shutil.copytree(block["dir"], drift)
        skel = os.path.join(drift, next(iter(block["replaces"].values())))
        with open(skel) as f:
            lines = f.read().split("\n")
        bodies = grade.functions("\n".join(lines))
        kept = sorted(n for n, (a, b) in bodies.items()
                      if not any("TODO" in line for line in lines[a:b]))
        lines.insert(bodies[kept[0]][1] - 1, "\t(void)0;\t/* the reference never had this */")
        with open(skel, "w") as f:
            f.write("\n".join(lines))
        found = grade.drifted(grade.load("driftlab", labs=tmp))
        tally.check(len(found) == 1 and kept[0] + "()" in found[0],
                    "grader: a skeleton whose kept function %s() has drifted from the "
                    "reference is caught" % kept[0], ["drifted() said: %s" % found])

        subs = os.path.join(tmp, "subs")
        solved = os.path.join(subs, "alice")
        grade.solve(lab, solved)
        shutil.copytree(lab["dir"], os.path.join(subs, "bob"))     # untouched
        # carol hands in a whole clone; hers panics, erin's hangs, in expand() only.
        solved_with(lab, os.path.join(subs, "carol", "labs", "buddy"), "kernel/panic.h",
                    PANIC_LINE)
        solved_with(lab, os.path.join(subs, "erin"), "kernel/irq.h", HANG_LINES)
        dave = os.path.join(subs, "dave")
        grade.solve(lab, dave)
        with open(os.path.join(dave, "buddy.c"), "a") as f:
            f.write("\nthis is not C\n")
        out = io.StringIO()
        quick = argparse.Namespace(**vars(o))
        quick.quiet_limit = HANG_LIMIT
        top = os.path.join(o.logdir, "grade-all", "buddy")    # never the teacher's results
        with contextlib.redirect_stdout(out):
            grade.grade_all(quick, lab, subs, top=top)
        csv_path = top + ".csv"
        with open(csv_path) as f:
            rows = {row[0]: row for row in csv.reader(f)}
        head = rows.get("student", [])
        total = head.index("total") if "total" in head else -1
        who = ("alice", "bob", "carol", "erin", "dave")
        got = {w: rows[w][total] if w in rows else None for w in who}
        expand = next(p["points"] for p in lab["parts"] if p["name"].startswith("expand"))
        want = dict(zip(who, ("100", "0", str(100 - expand), str(100 - expand), "0")))
        shown = out.getvalue().splitlines()[-60:]
        tally.check(got == want, "grader: grade-all's CSV scores a solved, an untouched, a "
                    "panicking, a hanging and a broken submission %s"
                    % "/".join(want.values()), ["got %s" % got] + shown)
        text = out.getvalue()
        for what, pattern in (("panicking", "kernel panic: "),
                              ("hanging", "hung: no output for %d s" % HANG_LIMIT)):
            tally.check(re.search(r"expand splits[^\n]*FAIL[^\n]*\n\s+did not finish: "
                                  + re.escape(pattern), text) is not None,
                        "grader: the %s part is reported by name, with what happened" % what,
                        shown)
        tally.check(rows.get("dave", [""])[-1] == "does not build" and
                    re.search(r"buddy\.c:\d+:\d+: error", text) is not None,
                    "grader: a submission that does not compile is reported so, with the "
                    "compiler's error", shown)


def step_labs(opts, tally):
    print("\n== labs: each skeleton scores 0, the reference and the solved skeleton 100",
          flush=True)
    o = lab_opts(opts)
    names = grade.lab_names()
    tally.check(names, "labs/ holds labs", ["no labs/*/lab.json"])
    for name in names:
        check_lab(o, tally, name)
    check_grader(o, tally)


def doc_transcript(opts, args):
    """make docs (tools/docgen.py kind=labs): what=list, `tools/grade.py list`; else
    `make grade LAB=<lab>` (ref=1: REF=1), as the grader prints it."""
    if args.get("what") == "list":
        return grade.list_text()
    o = lab_opts(opts)
    o.qemu = getattr(opts, "qemu", "qemu-system-x86_64")
    o.accel = "tcg"
    o.mem = "128M"
    _, out = grade_quietly(o, grade.load(args["lab"]), ref=args.get("ref") == "1")
    return out
