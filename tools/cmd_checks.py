# SPDX-License-Identifier: MIT
"""tools/cmd_checks.py - every monitor command answers a bad argument with its usage line.

tools/run-tests.py imports this for step_cmds(): a guest with a NIC and a
fresh scratch disk (serial ktest-cmds, an image made under BUILD/ for this
boot alone) runs the monitor; the host reads `help`, and for EVERY command
it lists sends bad arguments - a run of junk words, plus the known traps of
each command (`ping 10.0.2.2 abc`, `blk read vda 8abc`, `skbinfo foo`...) -
and checks that each is answered with one line naming the command and then
`usage: <the usage line help showed>`.  A command added later without a
usage line, or one that answers a bad argument any other way, fails here.

It also checks what the commands do with good arguments: `ifconfig eth0`
shows that device alone; `blk write vda 9 be` and `blk write vda 10 0xbe`
change exactly those two sectors of the image (text once and zero-padded,
a byte in all 512), and no refused line changed anything; `skbinfo demo`
draws each pointer (head, data, tail, end) over a '|' of the buffer and
over its offset; `fault` (mm/fault_inject.c) shows Linux's defaults after the
refused lines, `fault failslab probability=100 times=3 ignore_gfp_wait=0`
makes exactly three allocations fail (three `skbinfo demo`s ask for more),
`fault` then shows failures=3, `fault stats` has rows, each a symbol+0xoff of
failslab, summing to its total of 3, and `fault off` brings the defaults back.

The checkers are pure functions of the text (usage_problems,
picture_problems, fault_problems, fault_stats_problems); self_check() feeds
them wrong answers to show that they refuse them, and step_cmds runs it first.

Standalone: python3 tools/cmd_checks.py --build build
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import disk_checks  # noqa: E402
import net_checks  # noqa: E402
import qemu  # noqa: E402

SCRATCH_SERIAL = "ktest-cmds"   # tests/lib/scratch_dev.h: a disk made for tests
SCRATCH_MAC = "52:54:00:7e:57:30"   # ... and a NIC
IMAGE_MB = 1
IMAGE_SEED = 0xc3d5
SECTOR = 512
JUNK = " ".join([",bad,"] * 6)  # no command takes this: refused by every one

# The known traps of each command (issue 8): each must be refused with the usage line.
BAD_LINES = {
    "ping": ["ping 10.0.2.2 abc", "ping 10.0.2.2 8abc", "ping 10.0.2.2 0", "ping 10.0.2",
             "ping"],
    "skbinfo": ["skbinfo foo", "skbinfo demo 1"],
    "blk": ["blk read vda 8abc", "blk read vda 2048", "blk read vda -1", "blk read nodisk 0",
            "blk write vda 9 0x1be", "blk write vda 9", "blk erase vda", "blk check"],
    "ifconfig": ["ifconfig nosuch0", "ifconfig eth0 10.9.9.9/33", "ifconfig eth0 224.0.0.1/4",
                 "ifconfig eth0 10.9.9.9/8 up"],
    "ethtool": ["ethtool -x", "ethtool nosuch0", "ethtool -S eth0 eth1"],
    "http": ["http get", "http get 10.0.2/x", "http get 10.0.2.2:0/x", "http get 10.0.2.2:8x/x",
             "http get 10.0.2.2:/x", "http put 10.0.2.2/", "http get 10.0.2.2/ more"],
    "perf": ["perf bogus", "perf on now", "perf show count=3", "perf show bytes=0",
             "perf show bytes=12x"],
    "help": ["help nosuchcmd", "help ping blk"],
    "test": ["test list nosuchsuite", "test nosuchsuite", "test page_alloc.nosuchcase"],
    "fault": ["fault failslab probability=101", "fault failslab cache=nosuch",
              "fault fail_page_alloc cache=kmalloc-64", "fault failslab min_order=1",
              "fault failslab bogus=1", "fault failslab probability=5 interval=0",
              "fault fail_page_alloc times=-2", "fault failslab task=999999",
              "fault failslab", "fault seed x", "fault stats all", "fault off now"],
}


def help_usages(text):
    """{name: usage line} from `help`'s table: a command's line starts with two spaces."""
    out = {}
    for line in text.splitlines():
        if not re.match(r"  \S", line):
            continue
        usage = re.split(r"\s{2,}", line.strip())[0]
        out[usage.split()[0]] = usage
    return out


# Where commands are defined: the kernel's sources (the Makefile's KDIRS).
SOURCE_DIRS = ("boot", "kernel", "mm", "drivers", "net", "block", "tests", "bench/guest")


def source_commands(root):
    """The names of every MONITOR_CMD(name, ...) in the kernel's C sources."""
    names = set()
    for top in SOURCE_DIRS:
        for d, _, files in os.walk(os.path.join(root, top)):
            for fn in files:
                if fn.endswith(".c") and "/tests/host" not in os.path.join(d, fn):
                    with open(os.path.join(d, fn), errors="replace") as f:
                        names.update(re.findall(r"^MONITOR_CMD\(\s*(\w+)\s*,", f.read(), re.M))
    return names


def help_problems(usages, defined):
    """What is wrong with help's {name: usage} against the @defined command names."""
    problems = ["%s is defined (MONITOR_CMD) but help does not list it" % n
                for n in sorted(defined - set(usages))]
    problems += ["help lists %s, which no MONITOR_CMD defines" % n
                 for n in sorted(set(usages) - defined)]
    problems += ["%s: no usage line" % n for n, u in sorted(usages.items()) if not u.strip()]
    if not defined:
        problems.append("no MONITOR_CMD found in the sources")
    return problems


def answer_lines(reply, line):
    """The lines a command printed for @line: the echo and the next prompt taken off."""
    lines = (reply or "").replace("\r", "").split("\n")
    if lines and lines[0].strip() == line.strip():
        lines = lines[1:]
    if lines and lines[-1].strip() in ("", ">"):
        lines = lines[:-1]
    return [ln for ln in lines if ln.strip()]


def usage_problems(name, usage, line, reply):
    """What is wrong with @reply as the refusal of @line by command @name; [] if nothing."""
    if reply is None:
        return ["no prompt came back (did the command act on it, or hang?)"]
    got = answer_lines(reply, line)
    if len(got) != 2:
        return ["expected 2 lines (what was wrong, then the usage line), got %d: %r"
                % (len(got), got)]
    problems = []
    if not got[0].startswith(name + ":"):
        problems.append("the first line does not name %r: %r" % (name, got[0]))
    if got[1] != "usage: " + usage:
        problems.append("the second line is %r, not %r" % (got[1], "usage: " + usage))
    return problems


PICTURE_STEP = 'after skb_put(12) of "hello, world":'
PICTURE_OFFSETS = {"head": 0, "data": 42, "tail": 54}


def picture_problems(text):
    """What is wrong with `skbinfo demo`'s picture after skb_put(12); [] if nothing."""
    lines = text.replace("\r", "").split("\n")
    if PICTURE_STEP not in lines:
        return ["no %r step" % PICTURE_STEP]
    i = lines.index(PICTURE_STEP)
    if i + 3 >= len(lines):
        return ["the picture is cut short"]
    names, bar, offs = lines[i + 1:i + 4]
    problems, cols = [], []
    for ptr in ("head", "data", "tail", "end"):
        m = re.search(r"(?<![a-z=])%s(?![a-z])" % ptr, names)
        if not m:
            problems.append("%s is not named over the bar: %r" % (ptr, names))
            continue
        col = m.start()
        cols.append(col)
        if col >= len(bar) or bar[col] != "|":
            problems.append("%s (column %d) is not over a '|' of the bar: %r" % (ptr, col, bar))
        num = re.match(r"\d+", offs[col:]) if col < len(offs) else None
        want = PICTURE_OFFSETS.get(ptr)
        if not num or (want is not None and int(num.group()) != want):
            problems.append("under %s (column %d) the offset is not %s: %r"
                            % (ptr, col, want if want is not None else "a number", offs))
    if cols != sorted(set(cols)) or len(cols) != 4:
        problems.append("head, data, tail, end are not left to right: columns %s" % cols)
    for label in ("headroom 42", "len 12", "tailroom ", "skb_shared_info"):
        if label not in bar:
            problems.append("the bar does not show %r: %r" % (label, bar))
    return problems


# `fault`'s lines with Linux's defaults (include/mm/fault_inject.h), counters zero.
FAULT_DEFAULTS = {
    "failslab": "probability=0 interval=1 times=1 space=0 ignore_gfp_wait=1 nth=0 task=all "
                "cache=all calls=0 failures=0",
    "fail_page_alloc": "probability=0 interval=1 times=1 space=0 ignore_gfp_wait=1 min_order=1 "
                       "nth=0 task=all calls=0 failures=0",
}
FAULT_TIMES = 3


def fault_lines(text):
    """{attribute: {knob: value}} from `fault`'s "<name>: k=v k=v" lines."""
    out = {}
    for line in (text or "").replace("\r", "").split("\n"):
        m = re.match(r"(failslab|fail_page_alloc): (\S+=\S+(?: \S+=\S+)*)$", line.strip())
        if m:
            out[m.group(1)] = dict(kv.split("=", 1) for kv in m.group(2).split())
    return out


def fault_problems(text, want):
    """What differs between `fault`'s answer and @want, {attribute: {knob: value}}."""
    got = fault_lines(text)
    problems = []
    for attr, knobs in want.items():
        if attr not in got:
            problems.append("no %s line" % attr)
            continue
        problems += ["%s %s=%s, want %s" % (attr, k, got[attr].get(k), v)
                     for k, v in knobs.items() if got[attr].get(k) != v]
    return problems


def fault_defaults():
    return {a: dict(kv.split("=", 1) for kv in line.split()) for a, line in FAULT_DEFAULTS.items()}


def fault_stats_problems(text, total):
    """`fault stats`: rows "<symbol>+0x<off> failslab <n>" summing to a total line of @total."""
    rows, totals, problems = [], [], []
    for line in (text or "").replace("\r", "").split("\n"):
        words = line.split()
        if len(words) == 2 and words[0] == "total":
            totals.append(int(words[1]))
        elif len(words) == 3 and words[2].isdigit():
            rows.append(words)
    if totals != [total]:
        problems.append("the total line says %s, want [%d]" % (totals, total))
    if sum(int(r[2]) for r in rows) != total:
        problems.append("the rows sum to %d, want %d: %s" % (sum(int(r[2]) for r in rows), total,
                                                             rows))
    problems += ["row %s: not symbol+0xoff of failslab (or other, -)" % r for r in rows
                 if r[:2] != ["other", "-"] and (r[1] != "failslab" or not re.match(
                     r"[A-Za-z_][\w.]*\+0x[0-9a-f]+$", r[0]))]
    return problems


GOOD_STATS = ("call site                                attribute        failures\n"
              "cmd_skbinfo+0x67                         failslab                2\n"
              "udp_sendmsg+0x1a0                        failslab                1\n"
              "total                                                            3\n")


GOOD_PICTURE = "\n".join([
    PICTURE_STEP,
    "  head              data       tail                    end",
    "  |<- headroom 42 ->|= len 12 =|<---- tailroom 74 ---->| skb_shared_info |",
    "  0                 42         54                      128               152"])


def self_check():
    """(what, ok) pairs: the checkers accept a right answer and refuse wrong ones."""
    usage = "ping <a.b.c.d> [<count>]"
    line = "ping 10.0.2.2 abc"
    right = (line + "\nping: 'abc' is not a count (a number from 1 to 1000)\nusage: " + usage
             + "\n> ")
    shifted = GOOD_PICTURE.replace("  head    ", "   head   ")
    return [
        ("the usage checker accepts a complaint and the usage line",
         not usage_problems("ping", usage, line, right)),
        ("the usage checker refuses an answer without a usage line (as 'error -22' was)",
         bool(usage_problems("ping", usage, line, line + "\n" + line + ": error -22 "
                             "(Invalid argument)\n> "))),
        ("the usage checker refuses a complaint alone",
         bool(usage_problems("ping", usage, line, line + "\nping: 'abc' is not a count\n> "))),
        ("the usage checker refuses another command's usage line",
         bool(usage_problems("ping", usage, line, right.replace(usage, "ping <a.b.c.d>")))),
        ("the usage checker refuses no answer at all", bool(usage_problems("ping", usage, line,
                                                                           None))),
        ("the help checker accepts help listing exactly the defined commands",
         not help_problems({"ping": usage, "ps": "ps"}, {"ping", "ps"})),
        ("the help checker refuses help that leaves out a defined command",
         bool(help_problems({"ping": usage}, {"ping", "ps"}))),
        ("the help checker refuses help listing a command nobody defines",
         bool(help_problems({"ping": usage, "ps": "ps"}, {"ping"}))),
        ("the picture checker accepts a right picture", not picture_problems(GOOD_PICTURE)),
        ("the picture checker refuses a pointer off its '|'", bool(picture_problems(shifted))),
        ("the picture checker refuses numbers without a picture",
         bool(picture_problems(PICTURE_STEP + "\nskb len=12 headroom=42 tailroom=74\n"))),
        ("the fault checker accepts the default lines",
         not fault_problems("\n".join("%s: %s" % kv for kv in FAULT_DEFAULTS.items()),
                            fault_defaults())),
        ("the fault checker refuses failures=2 for failures=3",
         bool(fault_problems("failslab: probability=100 failures=2",
                             {"failslab": {"failures": "3"}}))),
        ("the fault checker refuses a missing fail_page_alloc line",
         bool(fault_problems("failslab: " + FAULT_DEFAULTS["failslab"], fault_defaults()))),
        ("the stats checker accepts rows summing to the total", not fault_stats_problems(
            GOOD_STATS, 3)),
        ("the stats checker refuses rows that do not sum to the total",
         bool(fault_stats_problems(GOOD_STATS.replace("failslab                1",
                                                      "failslab                2"), 3))),
        ("the stats checker refuses a row without a symbol",
         bool(fault_stats_problems(GOOD_STATS.replace("udp_sendmsg+0x1a0", "0xffffffff8010"), 3))),
        ("the stats checker refuses no total line",
         bool(fault_stats_problems(GOOD_STATS.replace("total", "sum"), 3))),
    ]


def section(title):
    print("\n== %s" % title, flush=True)


def check_refusals(g, tally, usages, log):
    """Every command refuses junk, and the known traps, with its usage line."""
    for name in sorted(usages):
        lines = ["%s %s" % (name, JUNK)] + BAD_LINES.get(name, [])
        bad = []
        for line in lines:
            reply = g.cmd(line)
            bad += ["%r: %s" % (line, p) for p in usage_problems(name, usages[name], line, reply)]
            if reply is None:
                break
        tally.check(not bad, "%s refuses %s, each with its usage line"
                    % (name, "junk" if len(lines) == 1 else "junk and %d known traps"
                       % (len(lines) - 1)), bad + log)
        if g.proc.poll() is not None:
            return
    missing = [n for n in BAD_LINES if n not in usages]
    tally.check(not missing, "help lists every command with known traps", missing + log)


def check_fault(g, tally, log):
    """fault: defaults after the refused lines, exactly three failures, their sites, off."""
    text = g.cmd("fault") or ""
    problems = fault_problems(text, fault_defaults())
    tally.check(not problems, "fault shows Linux's defaults: none of the refused lines changed "
                "anything", problems + text.splitlines() + log)
    g.cmd("fault stats clear")
    text = g.cmd("fault failslab probability=100 times=%d ignore_gfp_wait=0" % FAULT_TIMES) or ""
    problems = fault_problems(text, {"failslab": {"probability": "100",
                                                  "times": str(FAULT_TIMES)}})
    tally.check(not problems, "fault failslab probability=100 times=3 ignore_gfp_wait=0 shows "
                "the knobs set", problems + text.splitlines() + log)
    for _ in range(FAULT_TIMES):
        g.cmd("skbinfo demo")  # each asks for an skb: at least one failure apiece
    text = g.cmd("fault") or ""
    problems = fault_problems(text, {"failslab": {"failures": str(FAULT_TIMES), "times": "0"}})
    tally.check(not problems, "fault shows failures=3 and times=0 after three skbinfo demos",
                problems + text.splitlines() + log)
    text = g.cmd("fault stats") or ""
    problems = fault_stats_problems(text, FAULT_TIMES)
    tally.check(not problems, "fault stats: failslab rows, symbol+0xoff each, summing to a "
                "total of 3", problems + text.splitlines() + log)
    g.cmd("fault off")
    text = g.cmd("fault") or ""
    problems = fault_problems(text, fault_defaults())
    tally.check(not problems, "fault off: the defaults back, counters zero", problems
                + text.splitlines() + log)


def check_blk_writes(g, tally, img, before, log):
    """blk write: text once, zero-padded; 0xNN in all 512 bytes; nothing else changed."""
    text = g.cmd("blk write vda 9 be") or ""
    tally.check('wrote text "be" (2 bytes, zero-padded) to vda sector 9' in text,
                "blk write vda 9 be says it wrote the text, zero-padded", text.splitlines() + log)
    text = g.cmd("blk write vda 10 0xbe") or ""
    tally.check("wrote byte 0xbe (all 512 bytes) to vda sector 10" in text,
                "blk write vda 10 0xbe says it wrote the byte", text.splitlines() + log)
    status = g.close()
    tally.check(status == qemu.EXIT_OK, "poweroff after the writes ends QEMU with status 33",
                ["status %s" % status] + log)
    with open(img, "rb") as f:
        after = f.read()
    want = bytearray(before)
    want[9 * SECTOR:10 * SECTOR] = b"be" + bytes(SECTOR - 2)
    want[10 * SECTOR:11 * SECTOR] = b"\xbe" * SECTOR
    diff = [o // SECTOR for o in range(0, len(want), SECTOR)
            if after[o:o + SECTOR] != want[o:o + SECTOR]]
    tally.check(not diff, "the image changed in sectors 9 (\"be\", then zeros) and 10 (0xbe) "
                "only: no refused line wrote", ["sectors that differ: %s" % diff[:20]] + log)


def step_cmds(opts, tally):
    """A NIC and a scratch disk; bad arguments to every command `help` lists."""
    section("monitor commands: bad arguments get the usage line (tools/cmd_checks.py)")
    for what, ok in self_check():
        tally.check(ok, what)
    img = os.path.join(opts.build, "cmd-scratch.img")
    disk_checks.make_image(img, IMAGE_MB, IMAGE_SEED)
    with open(img, "rb") as f:
        before = f.read()
    args = (["-netdev", net_checks.user_netdev(0), "-device",
             "virtio-net-pci,netdev=n0,mac=%s" % SCRATCH_MAC]
            + disk_checks.drive_args(0, img, serial=SCRATCH_SERIAL))
    g = None
    try:
        g = net_checks.Guest(opts, "cmds", args)
        log = ["log: %s" % g.log_path]
        if not tally.check(g.boot(), "the guest with a NIC and a scratch disk reaches the monitor",
                           log + g.tail()):
            return
        usages = help_usages(g.cmd("help") or "")
        problems = help_problems(usages, source_commands(opts.root))
        tally.check(not problems, "help lists the %d commands the source defines "
                    "(MONITOR_CMD), each with a usage line" % len(usages), problems + log)
        check_refusals(g, tally, usages, log)
        one = g.cmd("ifconfig eth0") or ""
        tally.check("eth0: <UP" in one and "lo:" not in one and "usage" not in one,
                    "ifconfig eth0 shows eth0 alone", one.splitlines() + log)
        demo = g.cmd("skbinfo demo") or ""
        problems = picture_problems(demo)
        tally.check(not problems, "skbinfo demo draws head, data, tail and end over the buffer "
                    "and their offsets", problems + demo.splitlines()[:12] + log)
        check_fault(g, tally, log)
        check_blk_writes(g, tally, img, before, log)
    finally:
        if g:
            g.close()
        if os.path.exists(img):
            os.unlink(img)


def main():
    """Standalone: python3 tools/cmd_checks.py --build build."""
    return qemu.run_alone(__doc__, step_cmds)


if __name__ == "__main__":
    raise SystemExit(main())
