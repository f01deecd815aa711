#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tools/docgen.py - transcripts in README.md and docs/*.md, made by the kernel.

A transcript in the docs is a block between two HTML comments (invisible
when the Markdown is rendered):

    <!-- docgen kind=monitor script="help;ps" -->
    ```
    ...what the kernel printed; `make docs` writes it...
    ```
    <!-- /docgen -->

`make docs` boots the kernel and rewrites every block; `make test` (step
"docs" of tools/run-tests.py) fails when a block differs from what the
kernel prints now.  The comparison masks timing figures and heap addresses
(MASKS below) on both sides first; everything else must match.

The key=value words after `docgen` (values may be double-quoted) are the
block's arguments, a dict of strings:

  kind=boot     the boot log, up to and including the monitor's banner (or
                to QEMU's exit, for a command line that runs tests)
  kind=monitor  a session: each command of script= typed at the "> "
                prompt, and the kernel's answers, as a user sees them
                (the kernel echoes what is typed).  boot=yes puts the boot
                log in front.
  kind=K        another kind of GENERATORS below: that module's
                doc_transcript(opts, args) returns the text (kind=gdb:
                tools/gdb_checks.py, trace: trace_checks.py, monitor_line:
                monitor_checks.py, image: image_checks.py, arch:
                arch_checks.py, labs: lab_checks.py); always under TCG

Arguments of boot and monitor:

  machine=run   (default) the machine `make run` boots: its devices as the
                Makefile prints them (tools/qemu.py run_devices), a virtio-net
                NIC on QEMU's user network and a 64 MiB disk, a fresh blank
                image made here (never the user's build/disk.img)
  machine=bare  no devices at all, as the runner's test boots
  cmdline=      the kernel command line (default empty)
  mem=          guest RAM (default 128M)
  smp=          virtual CPUs, QEMU's -smp (default 1)
  script=       commands separated by ';' (backslash escapes such as \\x03
                are decoded after the split)
  session=      a name: blocks with the same machine, cmdline, mem, smp and
                session share one boot (see below)
  from=, to=    keep the lines from the first line matching the regex from=
                to the first after it matching to= (both included)
  grep=, drop=  keep only the lines matching grep=; then drop those matching
                drop= (regexes)
  timeout=      seconds for the whole boot (default 120)
  icount=on     boot with -icount shift=0: the guest's clock counts executed
                instructions (the TSC reads 1000 MHz), so a figure that
                depends on time comes out the same each run; about ten times
                slower (the clock calibrations read the PIT, and under
                -icount every port access ends QEMU's translated block; a
                `pause` loop crawls the same way)

Every boot is TCG (never KVM: the same on every host), -m 128M unless mem=
says otherwise, icount off: a boot to the prompt takes well under a second,
and the figures that differ from run to run are the timing ones the masks
hide.  Blocks that share a machine (same machine, cmdline, mem,
session) share one boot, in file order: README.md first, then docs/*.md
sorted; a monitor block's commands run after those of earlier blocks of the
same boot, so `ps` after `test ...` shows the test threads' pids.  Give a
block a session= of its own when it must start from a fresh boot.

    tools/docgen.py --build build             rewrite every block (make docs)
    tools/docgen.py --build build --check     compare only; exit 1 if stale
    tools/docgen.py --self-test               the parser, masks and compare,
                                              on canned text (no QEMU)

Transcripts are made from the default build only (-O2, TRACE=1): a DEBUG=1 or
TRACE=0 kernel prints other addresses, frames and records, so `make docs`
refuses such a build and `make test`'s docs step skips it (default_build()).
"""

import argparse
import codecs
import concurrent.futures
import difflib
import glob
import importlib
import os
import re
import select
import shlex
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402
from net_checks import free_udp_ports  # noqa: E402

# The generators of the other kinds: kind -> the module whose doc_transcript(opts, args)
# makes the block's text.
GENERATORS = {"gdb": "gdb_checks", "trace": "trace_checks", "monitor_line": "monitor_checks",
              "image": "image_checks", "arch": "arch_checks", "labs": "lab_checks"}

OPEN = re.compile(r"^<!-- docgen (.*?)\s*-->[ \t]*$")
CLOSE = "<!-- /docgen -->"
FENCE = "```"
PROMPT = "> "
BANNER = "type 'help' for commands"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-Za-z]|\x07")

# Timing figures and heap addresses: replaced by "#" on both sides before the
# comparison.  Each is (regex, replacement); the replacement keeps the words
# around the figure, so "TSC 2096.154 MHz" and "TSC 1000.000 MHz" compare equal
# but "TSC" against "HPET" does not.
MASKS = [
    (r"\b\d+ TSC cycles", "# TSC cycles"),
    (r"\b\d+(\.\d+)? ?(MHz|kHz|GHz)\b", r"# \2"),
    (r"\b\d+ counts per tick", "# counts per tick"),
    (r"\+-\d+ ppm\b", "+-# ppm"),                    # a calibration's error bound
    (r"\bup (\d+ days?, )?\d+:\d\d:\d\d(\.\d+)?", "up #"),
    (r"\b(jiffies|ticks|uptime)([:=]| =)? *\d+(\.\d+)?", r"\1 #"),
    (r"\[ *\d+\.\d+\]", "[#]"),                       # dmesg-style timestamps
    (r"\bage=\d+", "age=#"),                          # slub_debug's jiffies since alloc/free
    (r"\btime[=<] *\d+(\.\d+)? ?(ms|us|ns)\b", "time=#"),   # ping's round trip
    (r"\b(rtt|round.trip)[^=\n]*= *[\d./ ]+ ?(ms|us|ns)\b", r"\1 #"),
    (r"\b\d+(\.\d+)? ?(us|ns)\b", "# us"),             # any micro/nanosecond figure
    (r"\bours \d+ vs baseline \d+ insns/op", "ours # vs baseline # insns/op"),  # make bench
    (r"\b\d+ insns/op\b", "# insns/op"),             # (any edit moves them)
    # and the verdict (tools/benchfmt.py): who wins by how much moves with the figures
    (r": (?:[^:]+? \d+\.\d\dx (?:fewer|faster|smaller)|the same)(?=$|  \()", ": <verdict>"),
    (r"\b(0x)?ffff(88|c9)[0-9a-f]{8,}\b", "<heap>"),  # direct map and vmap addresses
    # Where code landed: any edit moves it, so these are layout, not content.
    (r"\b(0x)?ffffffff8[0-9a-f]{7}\b", "<text>"),    # kernel text and data addresses
    (r"\+0x[0-9a-f]+/0x[0-9a-f]+\b", "+#/#"),        # a symbol's offset/size in a backtrace
    (r"\b([\w./-]+\.[chS]):\d+\b", r"\1:#"),         # file.c:123 (gdb frames)
    (r"\b([\w./-]+\.[chS]), line \d+", r"\1, line #"),  # gdb's "Breakpoint 1 at ...: file"
    (r"^\d+\t", "#\t"),                               # gdb's source line: "549<tab>code"
]
MASKS = [(re.compile(p), r) for p, r in MASKS]
# A table whose header names one of these columns: its cells are timing.
TIMING_COLUMNS = ("TICKS",)


# ------------------------------------------------------------- parsing --

class Block:
    """One docgen block of a file: its arguments and the text between the fences."""

    def __init__(self, path, index, line, args, text, start, end):
        self.path = path        # the file, as given
        self.index = index      # 1-based, in the file
        self.line = line        # line number of the opening comment
        self.args = args        # dict of strings
        self.text = text        # what is between the fences now ("" if none)
        self.start = start      # first line after the opening comment (0-based)
        self.end = end          # the closing comment's line (0-based)
        self.fresh = None       # what the kernel prints now
        self.error = None       # why it could not be generated

    def name(self):
        words = " ".join("%s=%s" % (k, shlex.quote(v)) for k, v in self.args.items())
        return "%s:%d block %d (%s)" % (self.path, self.line, self.index, words)


def parse_args(words):
    """The key=value words of an opening comment as a dict; raises ValueError."""
    args = {}
    for word in shlex.split(words):
        key, eq, value = word.partition("=")
        if not eq or not re.match(r"^[A-Za-z_][\w.-]*$", key):
            raise ValueError("%r is not key=value" % word)
        args[key] = value
    if "kind" not in args:
        raise ValueError("no kind=")
    return args


def parse_text(path, text):
    """Every block of a document; raises ValueError naming the line of a broken one."""
    lines = text.split("\n")
    blocks = []
    i = 0
    while i < len(lines):
        fence = re.match(r"^ {0,3}(`{3,}|~{3,})", lines[i])
        if fence:   # a code block outside any docgen block: an example, not a block
            close = re.compile(r"^ {0,3}%s%s*\s*$" % (re.escape(fence.group(1)), fence.group(1)[0]))
            i += 1
            while i < len(lines) and not close.match(lines[i]):
                i += 1
            i += 1
            continue
        m = OPEN.match(lines[i])
        if not m:
            if lines[i].strip() == CLOSE:
                raise ValueError("%s:%d: %s without an opening comment" % (path, i + 1, CLOSE))
            i += 1
            continue
        try:
            args = parse_args(m.group(1))
        except ValueError as e:
            raise ValueError("%s:%d: docgen: %s" % (path, i + 1, e))
        end = i + 1
        while end < len(lines) and lines[end].strip() != CLOSE:
            if OPEN.match(lines[end]):
                break
            end += 1
        if end >= len(lines) or lines[end].strip() != CLOSE:
            raise ValueError("%s:%d: docgen block without %s" % (path, i + 1, CLOSE))
        body = lines[i + 1:end]
        inner = ""
        if len(body) >= 2 and body[0].startswith(FENCE) and body[-1].strip() == FENCE:
            inner = "".join(line + "\n" for line in body[1:-1])
        blocks.append(Block(path, len(blocks) + 1, i + 1, args, inner, i + 1, end))
        i = end + 1
    return blocks


def render(text, blocks):
    """The document with each block's fresh text (where there is one) between fences."""
    lines = text.split("\n")
    for b in reversed(blocks):
        if b.fresh is None:
            continue
        body = b.fresh if b.fresh.endswith("\n") or not b.fresh else b.fresh + "\n"
        lines[b.start:b.end] = [FENCE] + body.split("\n")[:-1] + [FENCE]
    return "\n".join(lines)


# ------------------------------------------------------------- masking --

def mask_columns(lines):
    """Replace the cells of timing columns (ps's TICKS) with '#'."""
    out = []
    col = None
    for line in lines:
        words = line.split()
        if any(c in words for c in TIMING_COLUMNS):
            col = [i for i, w in enumerate(words) if w in TIMING_COLUMNS][0]
        elif col is not None and len(words) > col and re.match(r"^\d+$", words[col]):
            indent = line[:len(line) - len(line.lstrip())]
            parts = re.split(r"(\s+)", line.strip())
            parts[2 * col] = "#"
            line = indent + "".join(parts)
        elif not line.strip() or line.startswith(PROMPT):
            col = None
        out.append(line)
    return out


def mask(text):
    """@text with every timing figure and heap address replaced; whitespace runs
    squeezed, so a figure that got wider does not move its neighbours."""
    lines = []
    for line in text.replace("\r", "").split("\n"):
        for pat, rep in MASKS:
            line = pat.sub(rep, line)
        lines.append(line.rstrip())
    lines = mask_columns(lines)
    return [re.sub(r"(?<=\S)[ \t]+", " ", line) for line in lines]


def compare(block):
    """None if the block is up to date, else a short diff (a list of lines)."""
    old, new = mask(block.text), mask(block.fresh)
    if old == new:
        return None
    # Matched on the masked lines, shown as they really are.
    raw_old = block.text.replace("\r", "").split("\n")
    raw_new = block.fresh.replace("\r", "").split("\n")
    diff = ["--- in the file, +++ what the kernel prints now"]
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op != "equal":
            diff += ["@@ line %d" % (i1 + 1)] + ["-" + line for line in raw_old[i1:i2]] + \
                    ["+" + line for line in raw_new[j1:j2]]
    return diff[:16] + (["... (%d more diff lines)" % (len(diff) - 16)] if len(diff) > 16 else [])


def select_lines(text, args):
    """Apply from=/to=/grep=/drop= to a transcript; ValueError if one of the first
    three matches nothing (the kernel stopped printing what the block is about)."""
    lines = text.split("\n")

    def pattern(key):
        try:
            return re.compile(args[key])
        except re.error as e:
            raise ValueError("%s=%r is not a regex: %s" % (key, args[key], e))

    for key in ("from", "to"):
        if args.get(key):
            pat = pattern(key)
            hits = [i for i, line in enumerate(lines) if pat.search(line)]
            if not hits:
                raise ValueError("%s=%r matches no line of the transcript" % (key, args[key]))
            lines = lines[hits[0]:] if key == "from" else lines[:hits[0] + 1]
    if args.get("grep"):
        pat = pattern("grep")
        lines = [line for line in lines if pat.search(line)]
        if not lines:
            raise ValueError("grep=%r matches no line of the transcript" % args["grep"])
    if args.get("drop"):
        pat = pattern("drop")
        lines = [line for line in lines if not pat.search(line)]
    while lines and not lines[-1].strip():
        lines.pop()
    return "".join(line + "\n" for line in lines)


# ---------------------------------------------------------------- QEMU --

def split_script(script):
    """script="a;b\\;c;\\x03" -> ["a", "b;c", "\\x03" decoded]."""
    items = re.split(r"(?<!\\);", script) if script else []
    return [codecs.decode(item.replace("\\;", ";").strip(), "unicode_escape") for item in items]


def machine_args(opts, machine, workdir, tag):
    """QEMU arguments for a named machine; makes its scratch disk."""
    if machine == "bare":
        return []
    if machine != "run":
        raise ValueError("machine=%s: use run or bare" % machine)
    disk = os.path.join(workdir, "disk-%s.img" % tag)
    with open(disk, "wb") as f:
        f.truncate(64 << 20)
    return qemu.run_devices(opts, disk, free_udp_ports(1)[0])  # nothing sends to the port


class Session:
    """One boot: the boot log, then each line typed at a prompt and its answer."""

    def __init__(self, opts, key, lines, limit, tag):
        self.opts, self.key, self.lines, self.limit, self.tag = opts, key, list(lines), limit, tag
        self.boot_log = ""      # everything before the first prompt
        self.answers = []       # (line typed, the text from its prompt to the next)
        self.status = None

    def command(self):
        machine, cmdline, mem, icount, smp, _ = self.key
        workdir = os.path.join(self.opts.build, "docgen")
        os.makedirs(workdir, exist_ok=True)
        if icount not in ("on", "off"):
            raise ValueError("icount=%s: use on or off" % icount)
        if not smp.isdigit() or int(smp) < 1:
            raise ValueError("smp=%s: use a number of CPUs" % smp)
        devices = (["-icount", "shift=0"] if icount == "on" else []) + \
            (["-smp", smp] if smp != "1" else []) + \
            machine_args(self.opts, machine, workdir, self.tag)
        return qemu.qemu_cmd(self.opts, devices, cmdline, accel="tcg", mem=mem), workdir

    def run(self):
        cmd, workdir = self.command()
        log_path = os.path.join(workdir, "boot-%s.log" % self.tag)
        with open(log_path, "wb") as log:
            log.write(("$ " + " ".join(shlex.quote(c) for c in cmd) + "\n").encode())
            proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT)
            try:
                self.pump(proc, log)
            finally:
                if proc.poll() is None:
                    proc.kill()
                self.status = proc.wait()
        disk = os.path.join(workdir, "disk-%s.img" % self.tag)
        if os.path.exists(disk):
            os.unlink(disk)
        return log_path

    def pump(self, proc, log):
        """Read the serial port; at each bare prompt type the next line (then poweroff)."""
        deadline = time.monotonic() + self.limit
        out = ""
        mark = None             # where the current command's prompt starts in out
        typed = None
        todo = self.lines + [None]      # None: poweroff, not shown
        fd = proc.stdout.fileno()
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            log.write(chunk)
            log.flush()
            out += ANSI.sub("", chunk.decode("utf-8", "replace").replace("\r", ""))
            if not out.endswith("\n" + PROMPT) or not todo:
                continue
            here = len(out) - len(PROMPT)
            if mark is None:
                self.boot_log = out[:here]
            else:
                self.answers.append((typed, out[mark:here]))
            typed = todo.pop(0)
            mark = here
            proc.stdin.write(((typed if typed is not None else "poweroff") + "\n").encode())
            proc.stdin.flush()
        else:
            raise RuntimeError("no answer within %d s (log: %s)" % (self.limit, log.name))
        if mark is None:
            self.boot_log = out     # a command line that ran tests and left QEMU
        elif typed is not None:
            self.answers.append((typed, out[mark:]))    # the script ended the boot itself


# ---------------------------------------------------------- generating --

def group_key(args):
    return (args.get("machine", "run"), args.get("cmdline", ""), args.get("mem", "128M"),
            args.get("icount", "off"), args.get("smp", "1"), args.get("session", ""))


def boot_part(text):
    """The boot log up to and including the banner line."""
    at = text.find(BANNER)
    return text if at < 0 else text[:text.index("\n", at) + 1] if "\n" in text[at:] else text


def run_group(opts, key, blocks, tag):
    """Boot once for every boot/monitor block of one machine; fill in block.fresh."""
    scripts = [split_script(b.args.get("script", "")) if b.args["kind"] == "monitor" else []
               for b in blocks]
    limit = max(float(b.args.get("timeout", 120)) for b in blocks)
    s = Session(opts, key, [line for script in scripts for line in script], limit, tag)
    try:
        log_path = s.run()
    except (OSError, RuntimeError, ValueError) as e:
        for b in blocks:
            b.error = str(e)
        return
    if not s.answers and not any(scripts) and s.status not in (33, 35, 37) \
            and BANNER not in s.boot_log:
        # Neither the prompt nor one of the guest's own exit statuses: QEMU refused to
        # start, or the kernel died before it could say anything useful.
        tail = s.boot_log.strip().split("\n")[-3:]
        for b in blocks:
            b.error = "QEMU exited with status %s before the prompt (log: %s): %s" % (
                s.status, log_path, " / ".join(tail))
        return
    answers = list(s.answers)
    for b, script in zip(blocks, scripts):
        mine, answers = answers[:len(script)], answers[len(script):]
        if len(mine) < len(script):
            b.error = "the boot ended before %r was answered (log: %s)" % (
                script[len(mine)], log_path)
            continue
        text = "".join(a for _, a in mine)
        if b.args["kind"] == "boot":
            text = boot_part(s.boot_log)
        elif b.args.get("boot", "no") in ("yes", "1"):
            text = boot_part(s.boot_log) + text
        try:
            b.fresh = select_lines(text, b.args)
        except ValueError as e:
            b.error = "%s (log: %s)" % (e, log_path)


def run_external(opts, b):
    """A block of another kind: its GENERATORS module's doc_transcript(), under TCG like
    every other block (never KVM, whatever make chose for the tests)."""
    kind = b.args["kind"]
    if kind not in GENERATORS:
        b.error = "kind=%s: no such kind (boot, monitor, %s)" % (kind, ", ".join(GENERATORS))
        return
    tcg = argparse.Namespace(**dict(vars(opts), accel="tcg"))
    try:
        module = importlib.import_module(GENERATORS[kind])
        b.fresh = select_lines(module.doc_transcript(tcg, dict(b.args)), b.args)
    except Exception as e:  # a broken generator names its block, whatever it raised
        b.error = "%s.doc_transcript: %s: %s" % (GENERATORS[kind], type(e).__name__, e)


def generate(opts, blocks, jobs=1):
    """Fill in fresh (or error) for every block; boots sharing a machine once."""
    groups = {}
    for b in blocks:
        if b.args["kind"] in ("boot", "monitor"):
            groups.setdefault(group_key(b.args), []).append(b)
    tasks = [(run_group, (opts, key, bs, "g%d" % n)) for n, (key, bs) in enumerate(groups.items())]
    tasks += [(run_external, (opts, b)) for b in blocks
              if b.args["kind"] not in ("boot", "monitor")]
    print("  DOCS    %d blocks: %d boots of the kernel, %d other generators, %d at a time" % (
        len(blocks), len(groups), len(tasks) - len(groups), max(1, jobs)), flush=True)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for f in [pool.submit(fn, *a) for fn, a in tasks]:
            f.result()


def doc_files(root):
    """README.md, then docs/*.md in name order."""
    return [os.path.join(root, "README.md")] + sorted(glob.glob(os.path.join(root, "docs", "*.md")))


def load(opts, files):
    """{path: (text, blocks)} for every file; raises ValueError on a broken block."""
    docs = {}
    for path in files:
        with open(path) as f:
            text = f.read()
        docs[path] = (text, parse_text(os.path.relpath(path, opts.root), text))
    return docs


def check_docs(opts, files=None, jobs=1):
    """[(block, diff or None)] for every block; a block that could not be made has
    block.error set and diff None."""
    docs = load(opts, files or doc_files(opts.root))
    blocks = [b for _, bs in docs.values() for b in bs]
    generate(opts, blocks, jobs)
    return [(b, None if b.error else compare(b)) for b in blocks]


def update_docs(opts, files=None, jobs=1):
    """Rewrite every block; returns (blocks changed, blocks that failed)."""
    docs = load(opts, files or doc_files(opts.root))
    generate(opts, [b for _, bs in docs.values() for b in bs], jobs)
    changed, failed = [], []
    for path, (text, blocks) in docs.items():
        for b in blocks:
            if b.fresh is not None and compare(b) is None:
                b.fresh = None      # differs in timing at most: keep it, no churn in git
        failed += [b for b in blocks if b.error]
        changed += [b for b in blocks if b.fresh is not None]
        new = render(text, blocks)
        if new != text:
            with open(path, "w") as f:
                f.write(new)
    return changed, failed


def default_build(opts):
    """None if @opts.build was compiled with the default flags (`make print-kcflags` with
    neither DEBUG=1 nor TRACE=0), else why not."""
    r = subprocess.run(["make", "-s", "--no-print-directory", "print-kcflags", "DEBUG=", "TRACE=1"],
                       cwd=opts.root, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    try:
        with open(os.path.join(opts.build, ".cflags")) as f:
            built = f.read().strip()
    except OSError as e:
        return "no compiler flags recorded: %s" % e
    want = r.stdout.decode("utf-8", "replace").strip()
    if r.returncode or built == want:
        return None if not r.returncode else "make print-kcflags failed: %s" % r.stderr.decode(
            "utf-8", "replace").strip()
    diff = sorted(set(built.split()) ^ set(want.split()))
    return "%s was not built with the default flags (DEBUG=1 or TRACE=0?): %s differ" % (
        os.path.relpath(opts.build, opts.root), " ".join(diff))


def step_docs(opts, tally):
    """tools/run-tests.py step "docs": every block matches what the kernel prints now."""
    print("\n== docs: transcripts in README.md and docs/*.md (tools/docgen.py)", flush=True)
    self_test(tally.check)
    why = default_build(opts)
    if why:
        tally.skip("docs: compared only on the default build (%s)" % why)
        return
    try:
        results = check_docs(opts, jobs=2)
    except ValueError as e:
        tally.fail("the docgen blocks parse", [str(e)])
        return
    for b, diff in results:
        if b.error:
            tally.fail("docs: %s could not be generated" % b.name(), [b.error])
            continue
        tally.check(diff is None, "docs: %s is up to date" % b.name(),
                    (diff or []) + ["run make docs (then read the diff: is the change meant?)"])


# ----------------------------------------------------------- self-test --

CANNED_DOC = """# A page

Some prose.

<!-- docgen kind=monitor cmdline="loglevel=3 test=\\"a b\\"" script="uptime;ps" -->
```
> uptime
up 0:00:00.030, jiffies 30, 4 threads
> ps
  PID STATE  TICKS NAME
    0 R          0 swapper
    3 R         12 init (current)
```
<!-- /docgen -->

More prose.

<!-- docgen kind=boot grep=paging -->
<!-- /docgen -->
"""

FRESH_SAME = """> uptime
up 0:00:02.500, jiffies 2500, 4 threads
> ps
  PID STATE  TICKS NAME
    0 R       1234 swapper
    3 R          3 init (current)
"""

FRESH_NEW_PID = FRESH_SAME.replace("    3 R", "    4 R")

# (checked-in line, fresh line, equal after masking?)
MASK_CASES = [
    ("bench: skb a: ours 374 vs baseline 384 insns/op (baseline: b): ours 1.03x fewer",
     "bench: skb a: ours 392 vs baseline 380 insns/op (baseline: b): baseline 1.03x fewer", True),
    ("bench: skb a: ours 374 vs baseline 384 insns/op (baseline: b): ours 1.03x fewer",
     "bench: skb a: ours 384 vs baseline 384 insns/op (baseline: b): the same", True),
    ("bench: skb a: ours 374 vs baseline 384 insns/op (baseline: b): ours 1.03x fewer",
     "bench: skb a: ours 374 vs baseline 384 insns/op (baseline: c): ours 1.03x fewer", False),
    ("bench: order 0: 281 insns/op (no baseline)", "bench: order 0: 268 insns/op (no baseline)",
     True),
    ("time: TSC 2096.154 MHz (PIT-calibrated)", "time: TSC 1000.000 MHz (PIT-calibrated)", True),
    ("boot: 216418524 TSC cycles from", "boot: 61681626 TSC cycles from", True),
    ("over 1011 us (+-636 ppm)", "over 1000 us (+-31 ppm)", True),
    ("[    0.001234] net: lo registered", "[   12.000001] net: lo registered", True),
    ("64 bytes from 10.0.2.2: seq=1 time=0.412 ms", "64 bytes from 10.0.2.2: seq=1 time=12.5 ms",
     True),
    ("head 0xffff888000123000 data 0xffff888000123040",
     "head 0xffff888007ff1000 data 0xffff888007ff1040", True),
    ("INFO: Freed in f+0x67/0x46d age=0 pid=32", "INFO: Freed in f+0x67/0x46d age=3 pid=32", True),
    ("paging: 7 page-table pages", "paging: 8 page-table pages", False),
    ("mm: 125180 KiB usable", "mm: 124596 KiB usable", False),
    ("INFO: Freed in f+0x67/0x46d age=0 pid=32", "INFO: Freed in f+0x67/0x46d age=0 pid=33", False),
    ("  ps         list the threads", "  pss        list the threads", False),
    ("Breakpoint 1 at 0xffffffff8012d7e0: file net/udp.c, line 549.",
     "Breakpoint 1 at 0xffffffff80130010: file net/udp.c, line 560.", True),
    ("#1  0xffffffff8010d60d in virtnet_receive (len=74) at drivers/net/virtio_net.c:197",
     "#1  0xffffffff8010d7aa in virtnet_receive (len=74) at drivers/net/virtio_net.c:201", True),
    ("549\t\treturn skb->head;", "553\t\treturn skb->head;", True),
    ("  [<ffffffff80118e32>] cpu_idle_loop+0x42/0x90",
     "  [<ffffffff80118f02>] cpu_idle_loop+0x4a/0x98", True),
    ("#1  virtnet_receive (len=74) at drivers/net/virtio_net.c:197",
     "#1  virtnet_receive (len=60) at drivers/net/virtio_net.c:197", False),
    ("549\t\treturn skb->head;", "549\t\treturn skb->data;", False),
]


def self_test(check):
    """The parser, the masks and the comparison on canned text; check(cond, what, details)."""
    blocks = parse_text("canned.md", CANNED_DOC)
    check(len(blocks) == 2 and blocks[0].line == 5
          and blocks[1].args == {"kind": "boot", "grep": "paging"},
          "docgen: blocks are found with their line and arguments", [str(len(blocks))])
    a = blocks[0].args
    check(a.get("cmdline") == 'loglevel=3 test="a b"' and a.get("script") == "uptime;ps",
          "docgen: quoted values keep their spaces and escaped quotes", [repr(a)])
    check(blocks[0].text.startswith("> uptime\n") and blocks[0].text.endswith("(current)\n")
          and blocks[1].text == "", "docgen: the text between the fences is the block's", [])
    blocks[0].fresh = FRESH_SAME
    check(compare(blocks[0]) is None,
          "docgen: uptime, jiffies and ps ticks differ only in timing: up to date", [])
    blocks[0].fresh = FRESH_NEW_PID
    diff = compare(blocks[0])
    check(diff is not None and any(line.startswith("+    4 R") for line in diff),
          "docgen: a changed pid makes the block stale, and the diff shows it", diff or [])
    for old, new, same in MASK_CASES:
        check((mask(old) == mask(new)) == same, "docgen: %r %s %r after masking"
              % (old, "equals" if same else "differs from", new),
              [repr(mask(old)), repr(mask(new))])
    blocks[0].fresh, blocks[1].fresh = FRESH_NEW_PID, "paging: 8 page-table pages\n"
    doc = render(CANNED_DOC, blocks)
    again = parse_text("canned.md", doc)
    check(again[0].text == FRESH_NEW_PID and again[1].text == "paging: 8 page-table pages\n"
          and doc.count("More prose.") == 1 and doc.endswith("<!-- /docgen -->\n"),
          "docgen: rewriting puts the fresh text between fences and keeps the prose",
          doc.split("\n"))
    again[0].fresh, again[1].fresh = again[0].text, again[1].text
    check(render(doc, again) == doc, "docgen: rewriting an up-to-date file changes nothing", [])
    for bad, why in [("<!-- docgen script=x -->\n<!-- /docgen -->\n", "no kind="),
                     ("<!-- docgen kind=boot -->\n```\nx\n```\n", "without"),
                     ("<!-- /docgen -->\n", "without an opening")]:
        try:
            parse_text("bad.md", bad)
            err = ""
        except ValueError as e:
            err = str(e)
        check(why in err and "bad.md:1" in err,
              "docgen: a broken block is refused (%s)" % why, [err])
    example = "````\n<!-- docgen kind=boot -->\n```\nx\n```\n<!-- /docgen -->\n````\n"
    check(parse_text("ex.md", example) == [],
          "docgen: a block shown inside a code fence is an example, not a block", [])
    check(split_script("help;blk write vda 8 a\\;b;\\x03")
          == ["help", "blk write vda 8 a;b", "\x03"],
          "docgen: a script splits at ';' and decodes escapes", [repr(split_script("a\\;b;\\x03"))])
    text = "a\nboot: x\nb\nc\nstop\nd\n"
    check(select_lines(text, {"from": "^boot", "to": "stop", "drop": "^c"}) == "boot: x\nb\nstop\n",
          "docgen: from=, to= and drop= pick the lines",
          [repr(select_lines(text, {"from": "^boot"}))])
    try:
        select_lines(text, {"grep": "^paging:"})
        err = ""
    except ValueError as e:
        err = str(e)
    check("matches no line" in err, "docgen: a grep= that matches nothing is an error, not an "
          "empty block", [err])


# ---------------------------------------------------------------- main --

def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("--accel", default="tcg", help="ignored: every block is made under TCG "
                    "(make passes the tests' choice)")
    ap.add_argument("--mem", default="128M", help="guest RAM for generators of other kinds")
    ap.add_argument("--check", action="store_true", help="compare only; exit 1 if a block is stale")
    ap.add_argument("--self-test", action="store_true", help="check docgen itself on canned text")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="boots at a time (default 2)")
    ap.add_argument("files", nargs="*", help="documents (default README.md and docs/*.md)")
    opts = ap.parse_args()
    opts.root = root
    opts.build = opts.build if os.path.isabs(opts.build) else os.path.join(root, opts.build)
    opts.kernel = os.path.join(opts.build, "kernel.elf")
    opts.logdir = os.path.join(opts.build, "docgen")
    opts.verbose, opts.boot_timeout = False, 300
    os.makedirs(opts.logdir, exist_ok=True)
    files = [os.path.abspath(f) for f in opts.files] or None

    if opts.self_test:
        bad = []
        self_test(lambda cond, what, details=(): cond or bad.append((what, details)))
        for what, details in bad:
            print("FAILED  %s" % what + "".join("\n          %s" % d for d in details))
        print("docgen self-test: %s" % ("%d failed" % len(bad) if bad else "ok"))
        return 1 if bad else 0
    why = default_build(opts)
    if why:
        print("docgen: %s; transcripts are made from a default build only (make docs "
              "without DEBUG=1 or TRACE=0)" % why)
        return 1
    start = time.monotonic()
    try:
        if opts.check:
            results = check_docs(opts, files, opts.jobs)
            stale = [(b, d) for b, d in results if d]
            failed = [b for b, _ in results if b.error]
            for b, diff in stale:
                print("docs: %s is out of date:" % b.name())
                print("".join("    %s\n" % line for line in diff), end="")
            for b in failed:
                print("docs: %s could not be generated: %s" % (b.name(), b.error))
            if stale:
                print("docs: %d block(s) out of date: run make docs" % len(stale))
            print("docs: %d block(s) checked, %d out of date, %d failed" % (
                len(results), len(stale), len(failed)))
            return 1 if stale or failed else 0
        changed, failed = update_docs(opts, files, opts.jobs)
    except ValueError as e:
        print("docgen: %s" % e)
        return 1
    for b in changed:
        print("  DOCS    %s" % b.name())
    for b in failed:
        print("docgen: %s: %s" % (b.name(), b.error))
    print("  DOCS    %d block(s) rewritten, %d failed (%.0f s)" % (len(changed), len(failed),
                                                                 time.monotonic() - start))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
