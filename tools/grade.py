#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tools/grade.py - the labs' grader (docs/teaching.md).

A lab (labs/<name>/) replaces whole reference files of the kernel with skeletons
the student fills in; labs/<name>/lab.json says which, and how the work is
scored:

    {"title": "...", "hours": 4,
     "replaces": {"mm/buddy.c": "buddy.c"},      reference file -> skeleton in labs/<name>/
     "machine": "plain",                         or a boot of tools/run-tests.py's VARIANTS
     "timeout": 300,                             seconds for each boot
     "parts": [{"name": "...", "points": 20, "tests": ["suite.case", "suite"]},
               {"name": "...", "points": 10, "check": "function in labs/<name>/checks.py"}]}

A part scores its points when every case it names passes (a skip does not) and
its host check, if any, finds no problem.  Commands:

  grade LAB [--ref] [--labdir DIR]   build the lab's kernel (the reference with --ref;
                                     the skeletons of DIR instead of labs/LAB) and grade it
  grade-all LAB SUBMISSIONS          grade every subfolder of SUBMISSIONS (one student's
                                     labs/LAB each) and write the scores as CSV
  solve LAB DIR                      the skeletons with each function's body copied from
                                     the reference: what a student who solved the lab hands in
  replaces LAB                       "reference:skeleton" pairs, for the Makefile
  list                               the labs, their titles and hours

The in-guest cases run in as few boots as the machines allow, the KTAP read as
it arrives.  A boot that panics, hangs (no output for --quiet-limit seconds) or
outlives its time limit costs only the parts whose cases had not all reported:
each of those is booted again alone, and one that still does not finish scores 0
with what happened.  Nothing the student's code does can stop the grader.
"""

import argparse
import csv
import importlib.util
import io
import json
import os
import re
import select
import shutil
import subprocess
import sys
import time
import traceback

sys.dont_write_bytecode = True
TOOLS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TOOLS)
sys.path.insert(0, TOOLS)
from ktap import KtapParser  # noqa: E402
import qemu  # noqa: E402

LABS = os.path.join(ROOT, "labs")
EXIT_OK, EXIT_FAILED, EXIT_PANIC = 33, 35, 37
# The kernel refuses a command-line value longer than this (kernel/cmdline.c WORD_MAX 256).
FILTER_MAX = 240
MONITOR_BANNER = "type 'help' for commands"
# Seconds a build of the lab's kernel or of a host test may take (a student's file could
# make the compiler loop: #include "/dev/zero").
BUILD_LIMIT = 900


class LabError(Exception):
    """lab.json or a command's arguments are wrong: said in one line."""


# ------------------------------------------------------------------ lab.json --

LAB_KEYS = {"title": str, "hours": int, "replaces": dict, "machine": str, "timeout": int,
            "parts": list, "planted": list}
PART_KEYS = {"name": str, "points": int, "tests": list, "check": str, "machine": str}
TEST_NAME = re.compile(r"[a-z0-9_]+(\.[a-z0-9_]+)?")


def load(name, labs=LABS, deep=True):
    """labs/@name/lab.json, checked: every key known and of its type, the files there, the
    parts well formed (tests by name, machines that exist, checks defined, names unique),
    and the points adding up to 100."""
    path = os.path.join(labs, name, "lab.json")
    if not re.fullmatch(r"[a-z0-9_-]+", name or "") or not os.path.isfile(path):
        have = ", ".join(lab_names()) or "none"
        raise LabError("no lab %r (labs: %s)" % (name, have))
    with open(path) as f:
        try:
            lab = json.load(f)
        except ValueError as e:
            raise LabError("%s: %s" % (path, e))
    if not isinstance(lab, dict):
        raise LabError("%s: not a JSON object" % path)
    lab_dir = os.path.dirname(path)
    problems = ["unknown key %r (keys: %s)" % (k, ", ".join(LAB_KEYS)) for k in lab
                if k not in LAB_KEYS]
    problems += ["%s: a %s, not %r" % (k, t.__name__, lab[k]) for k, t in LAB_KEYS.items()
                 if k in lab and not isinstance(lab[k], t)]
    if problems:
        raise LabError("%s: %s" % (path, "; ".join(problems)))
    for ref, skel in lab.get("replaces", {}).items():
        if not os.path.isfile(os.path.join(ROOT, ref)):
            problems.append("replaces %s, which does not exist" % ref)
        if not isinstance(skel, str) or "/" in skel or not skel.endswith(".c"):
            problems.append("skeleton %r: a .c file name inside labs/%s/" % (skel, name))
        elif not os.path.isfile(os.path.join(lab_dir, skel)):
            problems.append("no skeleton %s in labs/%s/" % (skel, name))
    if not lab.get("replaces"):
        problems.append("replaces no file")
    problems += ["planted: %r is not a function's name" % n for n in lab.get("planted", [])
                 if not isinstance(n, str) or not re.fullmatch(r"[A-Za-z_]\w*", n)]
    if not 10 <= lab.get("timeout", 300) <= 1800:
        problems.append("timeout: seconds per boot, 10 to 1800")
    machines = {lab.get("machine", "plain")}
    checks = None
    if deep and os.path.isfile(os.path.join(lab_dir, "checks.py")):
        checks = load_checks({"name": name, "dir": lab_dir})
    seen = set()
    for p in lab.get("parts", []):
        if not isinstance(p, dict):
            problems.append("part %r: not an object" % (p,))
            continue
        what = "part %r" % p.get("name")
        problems += ["%s: unknown key %r (keys: %s)" % (what, k, ", ".join(PART_KEYS))
                     for k in p if k not in PART_KEYS]
        problems += ["%s: %s is a %s, not %r" % (what, k, t.__name__, p[k])
                     for k, t in PART_KEYS.items() if k in p and not isinstance(p[k], t)]
        if not p.get("name") or not isinstance(p.get("points"), int) or p["points"] <= 0:
            problems.append("%s: needs a name and positive integer points" % what)
        if p.get("name") in seen:
            problems.append("%s: two parts of that name" % what)
        seen.add(p.get("name"))
        if not p.get("tests") and not p.get("check"):
            problems.append("%s: names no test and no check" % what)
        for t in p.get("tests", []) if isinstance(p.get("tests"), list) else []:
            if not isinstance(t, str) or not TEST_NAME.fullmatch(t) or len(t) > FILTER_MAX:
                problems.append("%s: test %r is not a suite or suite.case name" % (what, t))
        if deep and p.get("check") and not callable(getattr(checks, str(p["check"]), None)):
            problems.append("%s: no function %s in labs/%s/checks.py" % (what, p["check"], name))
        if "machine" in p:
            machines.add(p["machine"])
    for m in machines if deep else ():
        if m != "plain" and m not in variants():
            problems.append("no machine %r (plain, or one of %s)" % (m, ", ".join(variants())))
    total = sum(p.get("points", 0) for p in lab.get("parts", []) if isinstance(p, dict))
    if total != 100:
        problems.append("the parts' points add up to %d, not 100" % total)
    if problems:
        raise LabError("%s: %s" % (path, "; ".join(problems)))
    lab["name"] = name
    lab["dir"] = lab_dir
    return lab


def lab_names():
    if not os.path.isdir(LABS):
        return []
    return sorted(d for d in os.listdir(LABS) if os.path.isfile(os.path.join(LABS, d, "lab.json")))


# ------------------------------------------------------------------- solve --

# A function definition in the kernel's style: its header starts at column 0 (the name may
# start a line of its own after the type's, as in 3.10's "void\nprepare_to_wait(") and may
# go on over indented lines; its body is the lines from a "{" alone at column 0 to the
# "}" at column 0 that closes it (braces counted outside strings, characters and comments).
FUNC_HEAD = re.compile(r"^(?:[A-Za-z_][^;=(]*?[\s*])?([A-Za-z_]\w*)\s*\(")
NOT_CODE = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|//[^\n]*|/\*.*?\*/', re.S)


def functions(text):
    """{name: (index of the body's "{" line, index after its closing "}" line)} for @text."""
    lines = text.replace("\r\n", "\n").split("\n")
    found, name, i = {}, None, 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("{") and name:
            depth, end = 0, i
            while end < len(lines):
                code = NOT_CODE.sub("", lines[end])
                depth += code.count("{") - code.count("}")
                if depth <= 0 and lines[end].startswith("}"):
                    break
                end += 1
            found[name] = (i, end + 1)
            name, i = None, end + 1
            continue
        m = FUNC_HEAD.match(line)
        if m and not line.startswith("#") and not line.rstrip().endswith(";"):
            name = m.group(1)
        elif not line.strip() or (line.rstrip().endswith(";") and not line[:1].isspace()):
            name = None
        i += 1
    return found


def solve_text(skeleton, reference):
    """@skeleton with every function's body replaced by the reference's (same name).  A
    "TODO" left in a body means the parser missed a function: refused, not written."""
    sk, ref = functions(skeleton), functions(reference)
    missing = sorted(set(sk) - set(ref))
    if missing:
        raise LabError("the reference has no function %s" % ", ".join(missing))
    lines, rlines = skeleton.replace("\r\n", "\n").split("\n"), reference.split("\n")
    for name, (a, b) in sorted(sk.items(), key=lambda kv: -kv[1][0]):
        ra, rb = ref[name]
        lines[a:b] = rlines[ra:rb]
    left = [n for n, line in enumerate(lines, 1) if "TODO" in line]
    if left:
        raise LabError("the solved skeleton still says TODO at line %s: a function the "
                       "solver did not see" % ", ".join(map(str, left[:5])))
    return "\n".join(lines)


def drifted(lab):
    """The functions of @lab's skeletons that differ from the reference's with no reason:
    a body the student does not write (no TODO in it) and that lab.json does not name as
    "planted" (a bug the student must find) is the reference's, line for line.  So the
    copies a whole-file skeleton keeps cannot drift from the kernel they stand in for.
    A planted function that is the reference's is reported too: it plants nothing."""
    planted, found = set(lab.get("planted", [])), []
    for ref, skel in sorted(lab["replaces"].items()):
        with open(os.path.join(lab["dir"], skel)) as f:
            sk_text = f.read()
        with open(os.path.join(ROOT, ref)) as f:
            ref_text = f.read()
        sk, rf = functions(sk_text), functions(ref_text)
        sk_lines, ref_lines = sk_text.split("\n"), ref_text.split("\n")
        for name, (a, b) in sorted(sk.items()):
            body = sk_lines[a:b]
            same = name in rf and body == ref_lines[rf[name][0]:rf[name][1]]
            if name in planted:
                if same:
                    found.append("%s: %s() is named planted but is the reference's" % (skel, name))
                planted.discard(name)
            elif not same and not any("TODO" in line for line in body):
                found.append("%s: %s() differs from %s's and has no TODO" % (skel, name, ref))
    found += ["planted %s(): in no skeleton" % n for n in sorted(planted)]
    return found


def solve(lab, into, labdir=None):
    """Write @lab's skeletons, solved from the reference, into the folder @into."""
    os.makedirs(into, exist_ok=True)
    for ref, skel in lab["replaces"].items():
        with open(os.path.join(labdir or lab["dir"], skel)) as f:
            text = f.read()
        with open(os.path.join(ROOT, ref)) as f:
            solved = solve_text(text, f.read())
        with open(os.path.join(into, skel), "w") as f:
            f.write(solved)


# ------------------------------------------------------------------- build --

def make_env():
    """The environment for our own make: nothing inherited from a make that ran us."""
    env = dict(os.environ)
    for k in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES", "LAB", "LABDIR", "LBUILD",
              "REF"):
        env.pop(k, None)
    return env


def build(opts, lab, labdir, lbuild, ref):
    """Build the kernel to grade; (kernel path, None) or (None, the compiler's complaint)."""
    args = ["make", "-s", "--no-print-directory", "-j2", "BUILD=" + opts.build]
    if ref:
        args.append("kernel")
        kernel = os.path.join(opts.build, "kernel.elf")
    else:
        args += ["lab", "LAB=" + lab["name"], "LABDIR=" + labdir, "LBUILD=" + lbuild]
        kernel = os.path.join(lbuild, "kernel.elf")
    try:
        r = subprocess.run(args, cwd=ROOT, env=make_env(), stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=BUILD_LIMIT, start_new_session=True)
    except subprocess.TimeoutExpired:
        return None, ["the build did not finish in %d s" % BUILD_LIMIT]
    out = r.stdout.decode("utf-8", "replace")
    if r.returncode or not os.path.isfile(kernel):
        errors = [l for l in out.splitlines() if "error" in l] or out.splitlines()[-10:]
        return None, errors[:10]
    return kernel, None


# ---------------------------------------------------------------- machines --

_variants = None


def variants():
    """tools/run-tests.py's VARIANTS, by name."""
    global _variants
    if _variants is None:
        spec = importlib.util.spec_from_file_location("run_tests",
                                                      os.path.join(TOOLS, "run-tests.py"))
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        _variants = {v[0]: v for v in mod.VARIANTS}
    return _variants


def machine(opts, name):
    """(QEMU arguments, memory, command line without its test= word) of machine @name."""
    if name in (None, "plain"):
        return [], None, ""
    v = variants().get(name)
    if v is None:
        raise LabError("no machine %r (plain, or one of %s)" % (name, ", ".join(variants())))
    _, _, extra, mem, cmdline = v
    extra = extra(opts) if callable(extra) else list(extra)
    return extra, mem, re.sub(r"(^| )test=\S*", "", cmdline).strip()


def boot(opts, name, kernel, args, mem, cmdline, on_line, limit, quiet_limit):
    """Boot @kernel; feed each serial line to @on_line.  (exit status or None, the text,
    why it was stopped or None)."""
    log_path = os.path.join(opts.logdir, name + ".log")
    cmd = [opts.qemu, "-accel", opts.accel, "-m", mem or opts.mem, "-nodefaults", "-no-reboot",
           "-display", "none", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
           "-serial", "stdio"] + args + qemu.kernel_args(kernel) + ["-append", cmdline]
    start = last = time.monotonic()
    text, pending, why = [], b"", None
    with open(log_path, "wb") as log:
        log.write(("$ " + " ".join(cmd) + "\n").encode())
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        fd = proc.stdout.fileno()
        while True:
            now = time.monotonic()
            if now - start > limit:
                why = "still running after %d s (the lab's time limit)" % limit
            elif now - last > quiet_limit:
                why = "hung: no output for %d s" % quiet_limit
            if why:
                proc.kill()
                break
            ready, _, _ = select.select([fd], [], [], 1.0)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            last = time.monotonic()
            log.write(chunk)
            *lines, pending = (pending + chunk).split(b"\n")
            for raw in lines:
                line = raw.decode("utf-8", "replace").rstrip("\r")
                text.append(line)
                if on_line(line):
                    why = "the monitor started: no test ran"
        status = proc.wait()
        text.append(pending.decode("utf-8", "replace"))
    return (None if why else status), "\n".join(text), why, log_path


def crash_words(text, status, why):
    """One line on how a boot ended early."""
    if why:
        return why
    m = re.search(r"Kernel panic[^\n]*", text)
    if m:
        oops = re.search(r"(BUG|general protection|page fault|oops)[^\n]*", text, re.I)
        return "kernel panic: %s" % (oops.group(0) if oops else m.group(0)).strip()
    return "the kernel stopped with exit status %s" % status


# ----------------------------------------------------------------- grading --

class Lab:
    """What a host check (labs/<name>/checks.py) is handed."""

    def __init__(self, opts, lab, kernel, labdir):
        self.opts, self.lab, self.kernel, self.labdir = opts, lab, kernel, labdir
        self.logdir = opts.logdir

    def replaced(self, ref):
        """The file graded in place of the reference @ref (the reference itself with --ref)."""
        if self.labdir is None:
            return os.path.join(ROOT, ref)
        return os.path.join(self.labdir, self.lab["replaces"][ref])

    def boot(self, cmdline, machine_name="plain", limit=None):
        """Boot with @cmdline on a machine; the serial text."""
        args, mem, base = machine(self.opts, machine_name)
        _, text, _, _ = boot(self.opts, "check-boot", self.kernel, args, mem,
                             (base + " " + cmdline).strip(), lambda l: False,
                             limit or self.lab.get("timeout", 300), self.opts.quiet_limit)
        return text

    def monitor(self, lines, machine_name="plain", cmdline="", timeout=60, settle=()):
        """Type @lines at the monitor; [(line, reply)], shorter if the guest stopped.  A line
        in @settle is typed again (every 0.3 s, for up to 10 s) until two replies in a row
        agree, the last one kept: a counter such as memcheck's is read once the threads that
        boot started have settled (a service's listening thread holds its next accept's
        socket only once it has run)."""
        args, mem, base = machine(self.opts, machine_name)
        cmd = qemu.qemu_cmd(self.opts, args, (base + " " + cmdline).strip(), mem=mem,
                            kernel=self.kernel)
        g = qemu.spawn(cmd, os.path.join(self.logdir, "check-monitor.log"))
        out = []
        try:
            if g.boot(timeout=self.lab.get("timeout", 300)):
                for line in lines:
                    reply = g.cmd(line, timeout)
                    end = time.monotonic() + 10
                    while line in settle and reply is not None and time.monotonic() < end:
                        time.sleep(0.3)
                        again = g.cmd(line, timeout)
                        if again == reply:
                            break
                        reply = again
                    if reply is None:
                        break
                    out.append((line, reply))
        finally:
            g.close()
        return out

    def host_test(self, name, timeout=300, **make_vars):
        """Build tests/host/@name with @make_vars (a lab's file in place of the reference:
        BUDDY_SRC=...) and run it under ASan/UBSan; its problems: the build's errors, each
        "not ok" line, a sanitizer's report or a bad exit."""
        out_dir = os.path.join(self.logdir, "host-" + self.lab["name"])
        binary = os.path.join(out_dir, name)
        try:
            r = subprocess.run(["make", "-s", "--no-print-directory", "-B", "-C",
                                os.path.join(ROOT, "tests", "host"), "BUILD=" + out_dir, binary]
                               + ["%s=%s" % kv for kv in make_vars.items()], env=make_env(),
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=BUILD_LIMIT)
        except subprocess.TimeoutExpired:
            return ["the host test %s did not build in %d s" % (name, BUILD_LIMIT)]
        if r.returncode:
            lines = r.stdout.decode("utf-8", "replace").splitlines()
            return ["the host test %s does not build:" % name] + \
                ([l for l in lines if "error" in l] or lines[-5:])[:5]
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=0",
                   UBSAN_OPTIONS="print_stacktrace=1")
        try:
            r = subprocess.run([binary], env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
        except subprocess.TimeoutExpired:
            return ["the host test %s still ran after %d s" % (name, timeout)]
        out = r.stdout.decode("utf-8", "replace")
        with open(binary + ".log", "w") as f:
            f.write(out)
        problems, diags = [], []
        for line in out.splitlines():   # htest prints a case's "# ..." lines before its result
            if line.startswith("#"):
                diags.append(line.lstrip("# ").strip())
            elif line.startswith("not ok"):
                problems.append("host: %s%s" % (line, ": " + diags[0] if diags else ""))
                diags = []
            elif line.startswith("ok"):
                diags = []
        report = re.search(r"(ERROR: \w+Sanitizer[^\n]*|runtime error[^\n]*)", out)
        if report:
            problems.append("host %s: %s" % (name, report.group(1)))
        if r.returncode and not problems:
            problems.append("host test %s exited with status %d: %s"
                            % (name, r.returncode, " | ".join(out.splitlines()[-3:])))
        return problems

    def step(self, name):
        """Run tools/run-tests.py's step @name against this kernel:
        (passed, failed, the failed checks' names)."""
        spec = importlib.util.spec_from_file_location("run_tests",
                                                      os.path.join(TOOLS, "run-tests.py"))
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        from qemu import Tally
        o = argparse.Namespace(**vars(self.opts))
        o.kernel = self.kernel
        o.build = os.path.dirname(self.kernel)
        o.logdir = self.logdir
        o.root = ROOT
        tally, buf = Tally(), io.StringIO()
        old, sys.stdout = sys.stdout, buf
        # One file per kernel graded (the reference's and a submission's share the logdir),
        # with the traceback if the step raised, so a crash can be read after the run.
        out = os.path.join(self.logdir, "step-%s-%s.out"
                           % (name, os.path.basename(os.path.dirname(self.kernel))))
        try:
            mod.STEPS[name](o, tally)
        except Exception:
            buf.write(traceback.format_exc())
            raise
        finally:
            sys.stdout = old
            with open(out, "w") as f:
                f.write(buf.getvalue())
        return tally.passed, tally.failed, tally.failures


def first_problem(case):
    """The line that says best why @case failed: its first failed assertion, else a leak,
    a timeout or a death, else its first diagnostic."""
    diags = [d[len(case.name) + 2:] if d.startswith(case.name + ": ") else d
             for d in case.diags]
    for key in ("EXPECT failed", "ASSERT failed", "leaked:", "timed out", "died:"):
        for d in diags:
            if key in d:
                return d
    return diags[0] if diags else "(no diagnostic)"


class Results:
    """Case results gathered over the boots, per machine: (machine, 'suite.case') -> KtapNode,
    (machine, suite) -> KtapNode (a case may be graded on two machines)."""

    def __init__(self):
        self.cases, self.suites = {}, {}
        self.boots = []     # (name, the KTAP began, the boot finished)

    def add(self, parser, mname):
        root = parser.root
        if root is None:
            return
        for suite in root.children:
            if not suite.subtest:
                continue
            if suite.result is not None:
                self.suites[mname, suite.name] = suite
            for c in suite.children:
                if c.result is not None:
                    self.cases[mname, "%s.%s" % (suite.name, c.name)] = c

    def verdict(self, test, mname):
        """(reported?, problem or None) for one test name of a part."""
        if "." in test:
            c = self.cases.get((mname, test))
            if c is None:
                return False, None
            return True, None if c.result == "ok" else (
                "%s: %s" % (test, "skipped: " + c.directive if c.result == "skip"
                            else first_problem(c)))
        s = self.suites.get((mname, test))
        if s is None:
            return False, None
        for c in s.children:
            if c.result != "ok":
                return True, "%s.%s: %s" % (test, c.name, "skipped: " + c.directive
                                            if c.result == "skip" else first_problem(c))
        return True, None if s.children else "%s: no case ran" % test


def chunks(tests):
    """The tests split into test= filters the kernel accepts."""
    out, cur = [], []
    for t in tests:
        if cur and len(",".join(cur + [t])) > FILTER_MAX:
            out.append(cur)
            cur = []
        cur.append(t)
    return out + ([cur] if cur else [])


def part_machine(lab, part):
    return part.get("machine", lab.get("machine", "plain"))


def run_tests(opts, lab, kernel, parts, tag, results, notes):
    """Boot @parts' cases (grouped by machine); record in @results.  The parts whose cases
    did not all report come back, with why."""
    unfinished = []
    by_machine = {}
    for p in parts:
        by_machine.setdefault(part_machine(lab, p), []).append(p)
    for mname, group in by_machine.items():
        tests = list(dict.fromkeys(t for p in group for t in p.get("tests", [])))
        args, mem, base = machine(opts, mname)
        for n, filt in enumerate(chunks(tests)):
            parser = KtapParser()
            name = "grade-%s-%s%s%s" % (lab["name"], tag, mname, "-%d" % n if n else "")

            def on_line(line, parser=parser):
                parser.feed(line)
                return MONITOR_BANNER in line
            status, text, why, log = boot(opts, name, kernel, args, mem,
                                          (base + " test=" + ",".join(filt)).strip(), on_line,
                                          lab.get("timeout", 300), opts.quiet_limit)
            problems = parser.finish()
            results.add(parser, mname)
            finished = status in (EXIT_OK, EXIT_FAILED) and not problems
            results.boots.append((name, parser.root is not None, finished))
            if finished:
                continue
            how = crash_words(text, status, why)
            if parser.root is None:     # it never reached the tests: booting again is no use
                how = "the kernel never reached the tests: " + how
            notes.append("boot %s did not finish: %s (log %s)" % (name, how, log))
            for p in group:
                if any(not results.verdict(t, mname)[0] for t in p.get("tests", [])
                       if t in filt):
                    unfinished.append((p, how, parser.root is not None))
    return unfinished


def grade(opts, lab, labdir=None, ref=False, lbuild=None, out=None):
    """Build and grade; {"parts": [(name, points, score, problems)], "total", "built",
    "notes", "boots"}.  Prints the report on @out (a file; standard output if None)."""
    def say(line=""):
        stream = out or sys.stdout
        stream.write(line + "\n")
        stream.flush()
    labdir = os.path.abspath(labdir or lab["dir"])
    lbuild = lbuild or os.path.join(opts.build, "lab-" + lab["name"])
    what = "the reference" if ref else labdir
    say("== lab %s: %s" % (lab["name"], lab.get("title", "")))
    say("   grading %s" % (what if ref else os.path.relpath(labdir, ROOT)
                           if labdir.startswith(ROOT) else labdir))
    kernel, errors = build(opts, lab, labdir, lbuild, ref)
    report = {"lab": lab["name"], "parts": [], "total": 0, "built": kernel is not None,
              "notes": [], "boots": []}
    parts = lab["parts"]
    if kernel is None:
        say("   the kernel does not build:")
        for e in errors:
            say("     " + e)
        for p in parts:
            report["parts"].append((p["name"], p["points"], 0, ["the kernel does not build"]))
    else:
        tag = "ref-" if ref else ""
        results, notes = Results(), report["notes"]
        unfinished = run_tests(opts, lab, kernel, [p for p in parts if p.get("tests")], tag,
                               results, notes)
        crashed = {}
        # A part a crash cut short is booted again alone: only what it breaks is lost.
        for p, how, began in unfinished:
            if p["name"] in crashed:
                continue
            if not began:
                crashed[p["name"]] = how
                continue
            again = run_tests(opts, lab, kernel, [p], "%salone%d-" % (tag, parts.index(p)),
                              results, notes)
            if again:
                crashed[p["name"]] = again[0][1]
        report["boots"] = results.boots
        ctx = Lab(opts, lab, kernel, None if ref else labdir)
        checks = load_checks(lab)
        for p in parts:
            problems = []
            if p["name"] in crashed:
                problems.append("did not finish: %s" % crashed[p["name"]])
            for t in p.get("tests", []):
                seen, problem = results.verdict(t, part_machine(lab, p))
                if problem:
                    problems.append(problem)
                elif not seen and p["name"] not in crashed:
                    problems.append("%s: no result (no such case?)" % t)
            if p.get("check"):
                problems += run_check(checks, p["check"], ctx)
            report["parts"].append((p["name"], p["points"], 0 if problems else p["points"],
                                    problems))
    report["total"] = sum(r[2] for r in report["parts"])
    for name, points, score, problems in report["parts"]:
        say("%s: %s (%d/%d)" % (name, "OK" if score else "FAIL", score, points))
        for pr in problems[:3]:
            say("    " + (pr if len(pr) <= 240 else pr[:237] + "..."))
    for n in report["notes"]:
        say("   note: " + n)
    say("Score: %d/100" % report["total"])
    return report


def load_checks(lab):
    path = os.path.join(lab["dir"], "checks.py")
    if not os.path.isfile(path):
        return None
    spec = importlib.util.spec_from_file_location("lab_checks_" + lab["name"], path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_check(checks, name, ctx):
    fn = getattr(checks, name, None) if checks else None
    if fn is None:
        return ["no host check %s in labs/%s/checks.py" % (name, ctx.lab["name"])]
    try:
        return list(fn(ctx))
    except Exception:
        return ["the check %s crashed: %s (the whole traceback: %s/step-*.out)"
                % (name, traceback.format_exc().splitlines()[-1], ctx.logdir)]


# --------------------------------------------------------------- grade-all --

def submission_dir(path, lab):
    """A submission is a copy of labs/LAB/, or a clone holding labs/LAB/."""
    inner = os.path.join(path, "labs", lab["name"])
    return inner if os.path.isdir(inner) else path


def csv_cell(text):
    """A cell a spreadsheet shows as text, never as a formula (=, +, -, @ lead one)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def grade_all(opts, lab, subs, top=None):
    """Grade every subfolder of @subs; each student's report and logs under @top/<student>/
    (default BUILD/grade-all/LAB), the scores in @top.csv, a row written as each ends."""
    names = sorted(d for d in os.listdir(subs) if os.path.isdir(os.path.join(subs, d)))
    if not names:
        raise LabError("%s holds no submission folder" % subs)
    top = top or os.path.join(opts.build, "grade-all", lab["name"])
    out = top + ".csv"
    os.makedirs(top, exist_ok=True)
    rows, used = [], set()
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student"] + [p["name"] for p in lab["parts"]] + ["total", "note"])
        for who in names:
            safe = re.sub(r"[^A-Za-z0-9_.-]", "_", who)
            base, n = safe, 1
            while safe in used:         # "a b" and "a_b" keep folders of their own
                n += 1
                safe = "%s-%d" % (base, n)
            used.add(safe)
            row = grade_one(opts, lab, os.path.join(subs, who), who, os.path.join(top, safe))
            rows.append(row)
            w.writerow([csv_cell(str(c)) for c in row])
            f.flush()
    print("\n%d submissions graded: %s" % (len(rows), out))
    with open(out) as f:
        print(f.read(), end="")
    return rows


def grade_one(opts, lab, path, who, work):
    """One student's row: [name, each part's score, total, note]; their report goes to
    @work/report.txt and report.json, their logs to @work/logs/."""
    src_dir = submission_dir(path, lab)
    src = os.path.join(work, "src")     # only the skeleton files are taken
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(src)
    missing = [skel for skel in lab["replaces"].values()
               if not os.path.isfile(os.path.join(src_dir, skel))]
    for skel in lab["replaces"].values():
        if skel not in missing:
            shutil.copy(os.path.join(src_dir, skel), src)
    print("\n## %s" % who, flush=True)
    zeros = [0] * len(lab["parts"])
    if missing:
        print("   missing %s: scored 0" % ", ".join(missing))
        return [who] + zeros + [0, "missing " + " ".join(missing)]
    o = argparse.Namespace(**vars(opts))
    o.logdir = os.path.join(work, "logs")
    os.makedirs(o.logdir, exist_ok=True)
    text = io.StringIO()

    class Tee:
        def write(self, data):
            sys.stdout.write(data)
            text.write(data)

        def flush(self):
            sys.stdout.flush()
    try:
        r = grade(o, lab, labdir=src, lbuild=os.path.join(work, "build"), out=Tee())
    except Exception:       # one submission's grader error costs that row only
        err = traceback.format_exc().strip().splitlines()[-1]
        print("   grader error: " + err)
        return [who] + zeros + [0, "grader error: " + err]
    with open(os.path.join(work, "report.txt"), "w") as f:
        f.write(text.getvalue())
    with open(os.path.join(work, "report.json"), "w") as f:
        json.dump(r, f, indent=1)
    lost = [p[0] for p in r["parts"] if any(pr.startswith("did not finish") for pr in p[3])]
    note = ("does not build" if not r["built"] else
            "did not finish: " + "; ".join(lost) if lost else "")
    return [who] + [p[2] for p in r["parts"]] + [r["total"], note]


def list_text():
    """One line per lab: its name, hours, parts and title."""
    return "".join("%-8s %2s h  %d parts  %s\n" % (n, lab.get("hours", "?"), len(lab["parts"]),
                                                   lab.get("title", ""))
                   for n, lab in ((n, load(n)) for n in lab_names()))


# -------------------------------------------------------------------- main --

def options(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("grade")
    g.add_argument("lab")
    g.add_argument("--ref", action="store_true", help="grade the reference kernel")
    g.add_argument("--labdir", help="the skeletons from this folder, not labs/LAB")
    g.add_argument("--json", help="also write the report here")
    a = sub.add_parser("grade-all")
    a.add_argument("lab")
    a.add_argument("submissions")
    for p in (g, a):
        p.add_argument("--build", default="build")
        p.add_argument("--qemu", default="qemu-system-x86_64")
        p.add_argument("--accel", default="tcg")
        p.add_argument("--mem", default="128M")
        p.add_argument("--quiet-limit", type=float, default=120,
                       help="seconds without output that count as a hang (default 120)")
        p.add_argument("-v", "--verbose", action="store_true")
    s = sub.add_parser("solve")
    s.add_argument("lab")
    s.add_argument("dir")
    r = sub.add_parser("replaces")
    r.add_argument("lab")
    sub.add_parser("list")
    opts = ap.parse_args(argv)
    if hasattr(opts, "build"):
        opts.build = os.path.abspath(os.path.join(ROOT, opts.build))
        opts.logdir = os.path.join(opts.build, "grade-logs")
        opts.boot_timeout = 300
        opts.root = ROOT
        opts.kernel = os.path.join(opts.build, "kernel.elf")
        os.makedirs(opts.logdir, exist_ok=True)
    return opts


def main(argv=None):
    opts = options(argv if argv is not None else sys.argv[1:])
    try:
        if opts.cmd == "list":
            sys.stdout.write(list_text())
            return 0
        lab = load(opts.lab, deep=opts.cmd != "replaces")
        if opts.cmd == "replaces":
            print(" ".join("%s:%s" % kv for kv in lab["replaces"].items()))
        elif opts.cmd == "solve":
            solve(lab, opts.dir)
            print("solved skeletons of lab %s written to %s" % (lab["name"], opts.dir))
        elif opts.cmd == "grade":
            if opts.ref and opts.labdir:
                raise LabError("--ref grades the reference: no --labdir with it")
            r = grade(opts, lab, labdir=opts.labdir, ref=opts.ref)
            if opts.json:
                with open(opts.json, "w") as f:
                    json.dump(r, f, indent=1)
        elif opts.cmd == "grade-all":
            grade_all(opts, lab, opts.submissions)
    except LabError as e:
        print("grade: %s" % e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
