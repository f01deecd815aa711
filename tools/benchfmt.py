# SPDX-License-Identifier: MIT
"""tools/benchfmt.py - how `make bench` prints a figure beside its baseline, and a checker.

One convention for every benchmark line (docs/performance.md, "How to read a
line"): the figure and its same-run baseline side by side, then the winner
named, with the larger over the smaller so the ratio is never below 1:

  <label A> <a> vs <label B> <b> <unit>: <winner> <R.RR>x <word>
  <label A> <a> vs <label B> <b> <unit>: the same        (rounded to 1.00x)

The word says in which way the winner is better, from the unit: "fewer" for
counts (instructions), "faster" for times (us, ms, s: lower wins) and for
rates (/s, IOPS: higher wins), "smaller" for sizes (B, KiB).  A figure with
no same-run baseline says so: "... (no baseline: <why>)".  The guest prints
its BENCH lines the same way (bench/guest/bench_format.c), with "ours" and
"baseline" as the labels:

  bench: <name>: ours 362 vs baseline 388 insns/op (baseline: <name>): ours 1.07x fewer

check_line() refuses anything else that carries a ratio: the old "(0.6x)"
(better or worse?), "N vCPUs / 1 vCPU = 0.92x", a verdict naming the loser,
a ratio the figures do not give, or a comparison with no verdict.

  python3 tools/benchfmt.py --check FILE    check a saved `make bench` output
  python3 tools/benchfmt.py --self-test     make test's step (also: --step bench-format)
"""

import os
import re
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

NUM = r"-?\d[\d,]*(?:\.\d+)?"
# The verdict ends the comparison: at the end of the line, or before "  (" (runs, notes).
VERDICT_RE = re.compile(r": (?:(?P<w>[^:]+?) (?P<r>\d+\.\d\d)x (?P<word>fewer|faster|smaller)"
                        r"|(?P<same>the same)"
                        r"|(?P<w0>[^:]+?) (?P<word0>fewer|faster|smaller) \(no ratio: one figure "
                        r"is 0\))(?=$|  \()")
RATIO_RE = re.compile(r"(?<![\w.])\d+(?:\.\d+)?x(?!\w)")
OLD_RE = re.compile(r"\(\d+(?:\.\d+)?x\)")
LEFT_RE = re.compile(r"(?P<a>\S(?:.*?\S)?) (?P<av>" + NUM + r")(?: (?P<au>[^\d]*?))?$")
RIGHT_RE = re.compile(r"^(?P<b>\S(?:.*?\S)?) (?P<bv>" + NUM + r") (?P<bu>[^\d(]*?)(?: \(.*\))?$")


def direction(unit):
    """(lower_wins, word) for a figure in @unit."""
    u = unit.strip()
    if re.search(r"/s\b|\bIOPS\b|per second", u):
        return False, "faster"
    if re.match(r"(ns|us|ms|s)\b", u):
        return True, "faster"
    if re.match(r"(B|KiB|MiB|bytes)\b", u):
        return True, "smaller"
    return True, "fewer"


def ratio100(hi, lo):
    """100 * @hi / @lo rounded half up (integers as bench/guest/bench_format.c does)."""
    if isinstance(hi, int) and isinstance(lo, int):
        return (hi * 100 + lo // 2) // lo
    return int(hi * 100.0 / lo + 0.5)


def verdict(a_label, a, b_label, b, unit):
    """": <winner> R.RRx <word>" or ": the same" for @a against @b, both in @unit."""
    lower, word = direction(unit)
    a_wins = a < b if lower else a > b
    winner = a_label if a_wins else b_label
    hi, lo = max(a, b), min(a, b)
    if lo == 0:
        return ": the same" if hi == 0 else ": %s %s (no ratio: one figure is 0)" % (winner, word)
    r = ratio100(hi, lo)
    if r == 100:
        return ": the same"
    return ": %s %d.%02dx %s" % (winner, r // 100, r % 100, word)


def show(value, fmt):
    return value if isinstance(value, str) else fmt.format(value)


def compare(a_label, a, b_label, b, unit, fmt="{:,.0f}", a_unit=""):
    """"<a_label> <a>[ a_unit] vs <b_label> <b> <unit>: <verdict>"; a figure None (or a
    text) gives "n/a" and no verdict, said so."""
    left = "%s %s%s" % (a_label, show(a, fmt) if a is not None else "n/a",
                        " " + a_unit if a_unit else "")
    right = "%s %s %s" % (b_label, show(b, fmt) if b is not None else "n/a", unit)
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
        return "%s vs %s: no verdict (a figure is missing)" % (left, right)
    return "%s vs %s%s" % (left, right, verdict(a_label, a, b_label, b, unit))


def no_baseline(text, why=""):
    """@text with "(no baseline)" or "(no baseline: @why)" after it."""
    return "%s (no baseline%s)" % (text, ": " + why if why else "")


def guest_line(name, ours, base_name=None, base=0):
    """What bench/guest/bench_format.c prints (make test compares the two)."""
    if base_name is None:
        return "%s: %d insns/op (no baseline)" % (name, ours)
    return ("%s: ours %d vs baseline %d insns/op (baseline: %s)" % (name, ours, base, base_name)
            + verdict("ours", ours, "baseline", base, "insns/op"))


def number(text):
    return float(text.replace(",", ""))


def check_line(line):
    """None if @line follows the convention (or carries no comparison), else why not."""
    if OLD_RE.search(line):
        return "the old ambiguous (N.Nx) form: which is better?"
    v = VERDICT_RE.search(line)
    if not v:
        if RATIO_RE.search(line):
            return "a ratio with no verdict naming the better one"
        if re.search(NUM + r"(?: [^:]*?)? vs \S.*? " + NUM, line) and "no verdict" not in line:
            return "a comparison with no verdict"
        if "insns/op" in line and "no baseline" not in line:
            return "a figure with neither a baseline nor \"no baseline\""
        return None
    if RATIO_RE.search(line[v.end():]):
        return "a second ratio after the verdict"
    head = line[:v.start()]
    if " vs " not in head:
        return "a verdict with no \"A a vs B b\" before it"
    left, right = head.rsplit(" vs ", 1)
    lm, rm = LEFT_RE.search(left), RIGHT_RE.match(right)
    if not lm or not rm:
        return "the figures around \"vs\" are not \"<label> <number> [unit]\""
    a, b = number(lm.group("av")), number(rm.group("bv"))
    lower, word = direction(rm.group("bu"))
    if v.group("same"):
        hi, lo = max(a, b), min(a, b)
        return None if hi == lo or (lo > 0 and hi / lo < 1.0151) else \
            "\"the same\" for figures %.2fx apart" % (hi / lo if lo else float("inf"))
    w = v.group("w") or v.group("w0")
    got_word = v.group("word") or v.group("word0")
    if got_word != word:
        return "\"%s\" for a figure in %r (should be \"%s\")" % (got_word, rm.group("bu"), word)
    a_wins = a < b if lower else a > b
    if a == b:
        return "a winner named for equal figures"
    label_a, label_b = lm.group("a"), rm.group("b")
    winner_ok = (label_a == w or label_a.endswith(" " + w)) if a_wins else label_b == w
    if not winner_ok:
        return "the verdict names %r, but %r is better" % (
            w, label_a.split(": ")[-1].split("  ")[-1] if a_wins else label_b)
    if v.group("r"):
        lo = min(a, b)
        if lo <= 0:
            return "a ratio over a zero figure"
        want, got = max(a, b) / lo, float(v.group("r"))
        # The figures are printed rounded: the ratio may be of the unrounded ones.
        hi_s, lo_s = ((lm.group("av"), rm.group("bv")) if a >= b else
                      (rm.group("bv"), lm.group("av")))
        ulp = lambda s: 0.5 * 10 ** -len(s.split(".")[1]) if "." in s else 0.5  # noqa: E731
        widest = (max(a, b) + ulp(hi_s)) / max(lo - ulp(lo_s), 1e-9)
        narrowest = (max(a, b) - ulp(hi_s)) / (lo + ulp(lo_s))
        rounded_ok = narrowest - 0.011 <= got <= widest + 0.011
        if not rounded_ok and abs(got - want) > 0.006 * want + 0.011:
            return "ratio %.2fx, but the figures give %.2fx" % (got, want)
    return None


def check_text(text):
    """[(line number, line, why)] for every line of @text that breaks the convention."""
    bad = []
    for i, line in enumerate(text.splitlines(), 1):
        why = check_line(line)
        if why:
            bad.append((i, line, why))
    return bad


# ------------------------------------------------- the table in docs/performance.md --

# The headline figures: (column, regex on make bench's output whose group 1 is the figure).
# In-guest lines are matched in both the old form ("NAME: 362 insns/op; ...") and the new
# ("NAME: ours 362 vs ..."), so a saved output of an older commit can be recorded too.
def _guest(name):
    return re.compile(r"^\s*(?:bench: )?" + re.escape(name) + r": (?:ours )?(\d+)", re.M)


HEADLINES = [
    ("boot insns, 128M", re.compile(r"to prompt with -m 128M: (?:-m 128M )?([\d,]+)")),
    ("boot insns, 4G", re.compile(r"to prompt with -m   4G: (?:-m 4G )?([\d,]+)")),
    ("boot wall over exit-at-once, ms", re.compile(r"^difference +(-?[\d.]+) ms", re.M)),
    ("alloc_skb+kfree_skb", _guest("skb alloc_skb(1500, GFP_ATOMIC)+kfree_skb")),
    ("netdev_alloc_skb+kfree_skb", _guest("skb netdev_alloc_skb(1514)+kfree_skb")),
    ("bio_alloc+bio_put", _guest("block bio_alloc(GFP_NOIO, 1)+bio_put")),
    ("blk_make_request, 4 bios, no bounce", re.compile(
        r"4 bios, ISA bounce: (?:ours \d+ vs baseline (\d+)|\d+ insns/op; the same, no "
        r"bouncing: (\d+))")),
    ("order-0 pages", _guest("alloc_pages+__free_pages order 0")),
    ("kmem_cache hot", _guest("kmem_cache_alloc+free hot (64 B)")),
    ("tcp segment sent", _guest("tcp 1448-byte segment sent (sendmsg to the device)")),
    ("UDP echo RTT, us", re.compile(r"modern UDP echo round trip \(64 B\): +([\d.]+) us")),
    ("curl MB/s", re.compile(r"curl GET /disk/vda \(64 MiB\)[^\n]*?(?:TCP )?([\d.]+) MB/s")),
    ("image KiB", re.compile(r"file without debug info(?: or module)? (\d+) KiB")),
]
TABLE_START = "<!-- bench-table: tools/bench.py --record appends a row below -->"


def headlines(text):
    """[figure or "-"] for each of HEADLINES in a make bench output @text."""
    row = []
    for _, regex in HEADLINES:
        m = regex.search(text)
        value = next((g for g in m.groups() if g), None) if m else None
        row.append(value or "-")
    return row


def git_id(top):
    """(short commit id, "-dirty" if the tree has changes, its date) of @top."""
    def git(*a):
        return subprocess.run(["git", "-C", top, *a], capture_output=True,
                              text=True).stdout.strip()
    dirty = "+changes" if git("status", "--porcelain", "--untracked-files=no") else ""
    return git("rev-parse", "--short", "HEAD") + dirty, git("log", "-1", "--format=%cs")


def table_row(text, commit, date):
    return "| %s | %s | %s |" % (commit, date, " | ".join(headlines(text)))


def record(text, doc):
    """Append @text's headline figures as a row of @doc's table; what was done, in words."""
    commit, date = git_id(os.path.dirname(os.path.dirname(os.path.abspath(doc))))
    row = table_row(text, commit, date)
    with open(doc) as f:
        lines = f.read().split("\n")
    if TABLE_START not in lines:
        return "no %r in %s: nothing recorded" % (TABLE_START, doc)
    i = lines.index(TABLE_START) + 1
    while i < len(lines) and lines[i].startswith("|"):
        i += 1
    lines.insert(i, row)
    with open(doc, "w") as f:
        f.write("\n".join(lines))
    return "recorded in %s: %s" % (doc, row)


# ------------------------------------------------------------- make test's step --

# What `make bench` printed before this convention (issue 14): each must be refused.
OLD_LINES = [
    "  tcp echo over lo, 64 B round trip: 10216 insns/op; udp echo over lo, 64 B: 6557 insns/op "
    "(0.6x)",
    "bench: skb alloc_skb(1500, GFP_ATOMIC)+kfree_skb: 362 insns/op; newlib malloc struct + "
    "malloc(1500 + shinfo), two frees: 388 insns/op (1.0x)",
    "  2 vCPUs, 2 queue pairs in use:    7533 datagrams/s   2 vCPUs / 1 vCPU = 0.40x  (runs 7533)",
    "  echo round trip, 64 B:  TCP 121.0 us;  UDP 60.0 us  (TCP takes 2.02x UDP's time)",
    "  spin_lock+spin_unlock uncontended: 31 insns/op",
]
# Lines in the new form that lie: each must be refused too.
LYING_LINES = [
    ("the loser named", "x: ours 400 vs baseline 388 insns/op (baseline: y): ours 1.03x fewer"),
    ("a wrong ratio", "x: ours 100 vs baseline 300 insns/op (baseline: y): ours 2.00x fewer"),
    ("a rate's loser named", "2 vCPUs 7,533 vs 1 vCPU 18,805 datagrams/s: 2 vCPUs 2.50x faster"),
    ("a count called faster", "x: ours 100 vs baseline 300 insns/op (baseline: y): ours 3.00x "
     "faster"),
    ("the same, 2x apart", "TCP 121.0 vs UDP 60.0 us: the same"),
    ("no verdict", "boot: teachos 138.3 vs an exit-at-once kernel 115.4 ms"),
]
# (figures, the text compare() must give): both directions of each kind of unit, and ties.
COMPARE_CASES = [
    (("ours", 362, "baseline", 388, "insns/op"), "ours 362 vs baseline 388 insns/op: ours 1.07x "
     "fewer"),
    (("ours", 456, "baseline", 178, "insns/op"), "ours 456 vs baseline 178 insns/op: baseline "
     "2.56x fewer"),
    (("ours", 67, "baseline", 67, "insns/op"), "ours 67 vs baseline 67 insns/op: the same"),
    (("ours", 1000, "baseline", 1004, "insns/op"), "ours 1,000 vs baseline 1,004 insns/op: the "
     "same"),
    (("TCP", 121.0, "UDP", 60.0, "us", "{:.1f}"), "TCP 121.0 vs UDP 60.0 us: UDP 2.02x faster"),
    (("teachos", 0.9, "Linux 6.1", 5.3, "s", "{:.2f}"), "teachos 0.90 vs Linux 6.1 5.30 s: "
     "teachos 5.89x faster"),
    (("2 vCPUs", 7533, "1 vCPU", 18805, "datagrams/s"), "2 vCPUs 7,533 vs 1 vCPU 18,805 "
     "datagrams/s: 1 vCPU 2.50x faster"),
    (("keep-alive", 893, "a connection each", 302, "requests/s"), "keep-alive 893 vs a "
     "connection each 302 requests/s: keep-alive 2.96x faster"),
    (("4 vCPUs", 20000, "1 vCPU", 20050, "IOPS"), "4 vCPUs 20,000 vs 1 vCPU 20,050 IOPS: the "
     "same"),
    (("ours", 900, "the target", 1024, "KiB"), "ours 900 vs the target 1,024 KiB: ours 1.14x "
     "smaller"),
    (("ours", 0, "baseline", 5, "insns/op"), "ours 0 vs baseline 5 insns/op: ours fewer (no "
     "ratio: one figure is 0)"),
    (("TCP", None, "UDP", 60.0, "us", "{:.1f}"), "TCP n/a vs UDP 60.0 us: no verdict (a figure "
     "is missing)"),
]
# The guest's formatter and guest_line() on the same figures (name, ours, base name, base).
GUEST_CASES = [
    ("skb alloc_skb(1500, GFP_ATOMIC)+kfree_skb", 362,
     "newlib malloc struct + malloc(1500 + shinfo), two frees", 388),
    ("block bio_alloc(GFP_NOIO, 1)+bio_put", 456, "bio_kmalloc(GFP_NOIO, 1)+bio_put", 178),
    ("kmalloc+kfree 64 B", 67, "newlib malloc+free 64 B", 67),
    ("a tie by rounding", 1000, "b", 1004),
    ("perf enter+exit, counting off", 7, "counting on", 225),
    ("zero", 0, "five", 5),
    ("spin_lock+spin_unlock uncontended", 31, None, 0),
]

HARNESS = r"""
#include <kernel/bench.h>
#include <stdio.h>
int main(void)
{
	char buf[400];
	static const struct { const char *name, *base_name; u64 ours, base; } c[] = { %s };
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		bench_format(buf, sizeof(buf), c[i].name, c[i].ours, c[i].base_name, c[i].base);
		puts(buf);
	}
	bench_format(buf, 40, c[0].name, c[0].ours, c[0].base_name, c[0].base);
	puts(buf);
	return 0;
}
"""


def c_string(s):
    return "NULL" if s is None else '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')


def guest_formatter_lines(top, tmp):
    """Compile bench/guest/bench_format.c on the host with GUEST_CASES; its lines, or an error."""
    cases = ", ".join("{ %s, %s, %dULL, %dULL }" % (c_string(n), c_string(bn), o, b)
                      for n, o, bn, b in GUEST_CASES)
    src, exe = os.path.join(tmp, "harness.c"), os.path.join(tmp, "bench_format")
    with open(src, "w") as f:
        f.write(HARNESS.replace("%s", cases, 1))
    cmd = ["gcc", "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-I" + os.path.join(top, "include"),
           "-o", exe, src, os.path.join(top, "bench", "guest", "bench_format.c")]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        return "gcc failed: " + r.stderr.strip()
    return subprocess.run([exe], capture_output=True, text=True, timeout=10).stdout.splitlines()


def tool_samples():
    """Every host tool's ratio-bearing lines, printed from canned figures (no QEMU)."""
    import contextlib
    import io
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import bench  # noqa: F401  (tools/bench.py)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for module in ("bench", "bench_net", "bench_blk", "bench_tcp", "bench_trace",
                       "bench_linux"):
            __import__(module).print_samples()
    return out.getvalue()


def check_record(tally, tmp):
    """--record on canned outputs (old and new form) into a copy of a table."""
    new = tool_samples() + "\n".join(
        "bench: " + guest_line(n, o, bn, b) for n, o, bn, b in [
            ("skb alloc_skb(1500, GFP_ATOMIC)+kfree_skb", 362, "newlib", 388),
            ("block blk_make_request+execute, 4 bios, ISA bounce", 13252, "the same, no "
             "bouncing", 2388)])
    old = ("skb alloc_skb(1500, GFP_ATOMIC)+kfree_skb: 350 insns/op; newlib: 377 insns/op (1.0x)"
           "\nblock blk_make_request+execute, 4 bios, ISA bounce: 13000 insns/op; the same, no "
           "bouncing: 2276 insns/op (0.1x)\n")
    rows = [headlines(new), headlines(old)]
    want_new = {"boot insns, 128M": "2,143,514", "boot wall over exit-at-once, ms": "22.9",
                "alloc_skb+kfree_skb": "362", "blk_make_request, 4 bios, no bounce": "2388",
                "UDP echo RTT, us": "177.0", "curl MB/s": "16.9", "image KiB": "700"}
    cols = [c for c, _ in HEADLINES]
    got_new = {c: rows[0][cols.index(c)] for c in want_new}
    doc = os.path.join(tmp, "performance.md")
    with open(doc, "w") as f:
        f.write("# x\n\n" + TABLE_START + "\n| commit | date |\n|---|---|\n| a | b |\n\nafter\n")
    said = record(new, doc)
    with open(doc) as f:
        table = f.read().split("\n")
    tally.check(got_new == want_new and rows[1][cols.index("alloc_skb+kfree_skb")] == "350"
                and rows[1][cols.index("blk_make_request, 4 bios, no bounce")] == "2276"
                and table[6].startswith("| ") and table[6].endswith(" | 700 |")
                and table[7] == "" and table[8] == "after" and "recorded" in said,
                "benchfmt: --record finds the headline figures (new and old form) and appends "
                "a row at the end of the table", [repr(got_new), repr(rows[1])] + table)


def check_parsers(tally):
    """The tools that read guest lines read the new form (bench_trace, bench_tcp, bench)."""
    import bench
    import bench_tcp
    import bench_trace
    trace = bench_trace.LINE.search("bench: " + guest_line(
        "trace udp echo over lo, tracepoints off", 6557, "on, following nothing", 20553))
    pair = bench_tcp.PAIR_RE.search("bench: " + guest_line(
        "perf enter+exit, counting off", 7, "counting on", 225))
    mine = [bench.GUEST_LINE.match(guest_line(*c)) for c in GUEST_CASES]
    tally.check(trace and trace.groups() == ("udp echo over lo", "6557", "20553")
                and pair and pair.group(1) == "225"
                and [m.group(1, 2) for m in mine] == [(c[0], str(c[1])) for c in GUEST_CASES],
                "benchfmt: bench_trace, bench_tcp (perf) and bench.py read the guest's lines",
                [repr(trace and trace.groups()), repr(pair and pair.groups())]
                + [repr(m and m.groups()) for m in mine])


def step_bench_format(opts, tally):
    """make test's step: the convention's formatter, the guest's twin, every tool's lines,
    and the checker refusing the old form and lying lines."""
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    print("\n== make bench's line format (tools/benchfmt.py, bench/guest/bench_format.c): "
          "a figure, its same-run baseline, the better one named", flush=True)
    got = [compare(*args[:5], **({"fmt": args[5]} if len(args) > 5 else {}))
           for args, _ in COMPARE_CASES]
    tally.check(got == [want for _, want in COMPARE_CASES],
                "benchfmt: compare() names the winner for counts, times, rates and sizes both "
                "ways, a tie as \"the same\", a zero and a missing figure",
                ["got  %s" % g for g, (_, w) in zip(got, COMPARE_CASES) if g != w]
                + ["want %s" % w for g, (_, w) in zip(got, COMPARE_CASES) if g != w])
    bad = [(want, check_line(want)) for _, want in COMPARE_CASES if check_line(want)]
    tally.check(not bad, "benchfmt: the checker accepts every line compare() gives",
                ["%s: %s" % b for b in bad])
    refused = [(line, check_line(line)) for line in OLD_LINES]
    tally.check(all(why for _, why in refused),
                "benchfmt: the checker refuses the old forms (\"(0.6x)\", \"2 vCPUs / 1 vCPU = "
                "0.40x\", \"TCP takes 2.02x UDP's time\", a figure without \"no baseline\")",
                ["%s -> %s" % r for r in refused])
    lies = [(what, check_line(line)) for what, line in LYING_LINES]
    tally.check(all(why for _, why in lies),
                "benchfmt: the checker refuses a lying verdict (the loser named, a wrong ratio, "
                "a count called faster, \"the same\" for 2x, no verdict)",
                ["%s -> %s" % r for r in lies])
    with tempfile.TemporaryDirectory(dir=getattr(opts, "logdir", None)) as tmp:
        lines = guest_formatter_lines(top, tmp)
        check_record(tally, tmp)
    want = [guest_line(n, o, bn, b) for n, o, bn, b in GUEST_CASES]
    want.append(want[0][:39])
    if isinstance(lines, str):
        tally.fail("benchfmt: bench/guest/bench_format.c builds on the host", [lines])
    else:
        tally.check(lines == want and not [ln for ln in lines[:-1] if check_line(ln)],
                    "benchfmt: the guest's bench_format() prints what guest_line() does "
                    "(ours better, the baseline better, ties, zero, no baseline, a short "
                    "buffer), and each passes the checker",
                    ["got  %s" % g for g, w in zip(lines, want) if g != w]
                    + ["want %s" % w for g, w in zip(lines, want) if g != w])
    check_parsers(tally)
    text = tool_samples()
    bad = check_text(text)
    verdicts = sum(1 for line in text.splitlines() if VERDICT_RE.search(line))
    tally.check(not bad and verdicts >= 20,
                "benchfmt: every tool's lines from canned figures (bench, bench_net, bench_blk, "
                "bench_tcp, bench_trace, bench_linux) follow it: %d verdicts" % verdicts,
                ["line %d: %s  <- %s" % b for b in bad] or text.splitlines()[:5])


def main():
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", metavar="FILE", help="check a saved make bench output")
    ap.add_argument("--self-test", action="store_true", help="make test's step alone")
    ap.add_argument("--samples", action="store_true",
                    help="print every tool's lines from canned figures")
    args = ap.parse_args()
    if args.samples:
        print(tool_samples(), end="")
        return 0
    if args.check:
        with open(args.check) as f:
            bad = check_text(f.read())
        for n, line, why in bad:
            print("%s:%d: %s\n    %s" % (args.check, n, why, line.strip()))
        print("%d line%s break the convention" % (len(bad), "" if len(bad) == 1 else "s"))
        return 1 if bad else 0
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import qemu
    tally = qemu.Tally()
    step_bench_format(None, tally)
    return tally.summary()


if __name__ == "__main__":
    raise SystemExit(main())
