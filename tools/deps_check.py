#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tools/deps_check.py - make deps-check: who may include whom.

  deps_check.py              check every #include of the kernel tree (make deps-check)
  deps_check.py --selftest   the checker fed canned include lists, each breaking one rule
  deps_check.py --table      the layer table, as docs/architecture.md shows it

Every `#include` line of a .c, .h or .S file under boot/ kernel/ mm/ drivers/ net/
block/ include/ tests/ bench/ is resolved as gcc resolves it with the Makefile's
flags (INCLUDE_PATHS: a quoted name beside the file first, then in the -I folders,
include/ and, for tests, tests/lib/; an angled name in the -I folders; anything
else is newlib's or gcc's), and judged by four rules:

  layer    a file may include a public header (include/<subsystem>/) of its own
           layer, of a layer below it in LAYERS or of a layer of its rank that
           LAYERS names its peer (kernel and mm); never of a layer above, nor of
           a layer beside it that is not its peer (net and block)
  private  a header outside include/ is private to its folder: only files in that
           folder, or files whose -I folders hold it (tests/lib/), include it
  outside  a quoted name never climbs out of its folder ("../x.h"), and no name
           reaches a file outside include/ that only `-I.` would find
  tests    kernel code never includes a test header: anything under tests/ or
           bench/, one of TEST_HEADERS, or a test-only include/<subsystem>/*_test.h,
           which only a private header of that subsystem (its owner) may include

Tests and benchmarks (tests/, bench/) and the test headers sit above every layer:
they may include any public header and any test header.  tests/host/ is not
judged: host tests build kernel code on the host with include paths of their own
(tests/host/Makefile), which are their documented way in.  A few includes break
the layer rule on purpose; ALLOWED lists each with its reason, and an entry that
no longer matches any include fails the check, so the list cannot outlive what
it excuses.  The Makefile's -I folders are checked too: the kernel's (make
print-kcflags) must be INCLUDE_PATHS' and the ones the in-guest tests add (make
print-ktestflags) tests/lib/ alone; -I. (the root of the tree) in either is refused.

Each problem is one line, `file:line: what`, and the exit status is 1 if there
is any.  docs/architecture.md explains the layers; make test runs this as its
step `deps` (the selftest first, then the tree).
"""

import argparse
import os
import json
import re
import subprocess
import sys

TOOLS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TOOLS)

# The layers, bottom to top: (rank, layer, paths, peers, what lives there).  A path is
# a folder ("kernel/") or one file; a file belongs to the longest path it starts with.
# A file may include the public headers of its own layer, of lower ranks and of its
# peers: layers of the same rank that need each other (each names the other).  Two
# layers of one rank that are not peers stand side by side and include nothing of
# each other.
LAYERS = [
    (0, "boot", ["boot/", "include/arch/boot.h"], [], "long mode, first page tables, address map"),
    (1, "kernel", ["kernel/", "include/kernel/", "include/arch/"], ["mm"],
     "printk, traps, irq, time, sched, init, monitor"),
    (1, "mm", ["mm/", "include/mm/"], ["kernel"], "pages, paging, slab, mempools, fault injection"),
    (2, "net", ["net/", "include/net/"], [], "sk_buff, net_device, ARP, IPv4, UDP, echo"),
    (2, "block", ["block/", "include/block/"], [], "bios, bio sets, request queues, bounce"),
    (3, "drivers", ["drivers/", "include/drivers/"], [],
     "serial, PCI, virtio, virtio-net/-blk, ram0"),
    (4, "tests", ["tests/", "bench/"], [], "suites, benchmarks: any public or test header"),
]

# Headers for tests only, outside tests/ and without the *_test.h name.
TEST_HEADERS = ["include/kernel/ktest.h", "include/kernel/bench.h"]

# The includes that break the layer rule on purpose: (file, header, why).
ALLOWED = [
    ("kernel/main.c", "include/drivers/serial.h",
     "the console: start_kernel programs the UART before anything can print"),
    ("kernel/printk.c", "include/drivers/serial.h",
     "the console: printk writes to the UART itself (3.10 goes through register_console)"),
    ("kernel/monitor.c", "include/drivers/serial.h",
     "the monitor reads its lines from the UART, the only console"),
    ("kernel/trace_cmd.c", "include/block/genhd.h",
     "`trace on bio disk=vda` finds the disk by its name"),
    ("kernel/trace_cmd.c", "include/net/netdevice.h",
     "`trace on skb dev=eth0` finds the device by its name"),
    ("net/http.c", "include/block/blkdev.h",
     "the HTTP server reads and writes /disk/<name> through blkdev_issue_rw (docs/http.md)"),
    ("net/http.c", "include/block/genhd.h",
     "the HTTP server finds /disk/<name> by its name and lists the disks"),
]

# The Makefile's -I flags: the folders searched for the files under a path (first match).
INCLUDE_PATHS = [
    ("tests/", ["include", "tests/lib"]),     # in-guest tests: the harness and shared helpers
    ("", ["include"]),
]

SCAN_DIRS = ["boot", "kernel", "mm", "drivers", "net", "block", "include", "tests", "bench"]
SKIP_DIRS = ["tests/host"]     # host tests: their own include paths (tests/host/Makefile)
EXTS = (".c", ".h", ".S")
TREE_OK = "every #include keeps the layer, private, outside and tests rules"
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


# ---------------------------------------------------------- reading the tree --

def tree_files(root, dirs=SCAN_DIRS, skip=SKIP_DIRS):
    """Every .c, .h and .S under @dirs of @root (relative paths, sorted), @skip left out."""
    res = []
    for top in dirs:
        for d, subdirs, files in os.walk(os.path.join(root, top)):
            rel = os.path.relpath(d, root)
            subdirs[:] = sorted(x for x in subdirs if os.path.join(rel, x) not in skip)
            res += [os.path.join(rel, f) for f in files if f.endswith(EXTS)]
    return sorted(res)


def parse_includes(lines):
    """[(line number, '<' or '"', name)] for the #include lines of @lines."""
    return [(n, m.group(1), m.group(2)) for n, m in
            ((n, INCLUDE.match(line)) for n, line in enumerate(lines, 1)) if m]


def read_includes(root, files):
    """{file: [(line number, '<' or '"', name)]} for every #include line of @files."""
    res = {}
    for path in files:
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            res[path] = parse_includes(f)
    return res


# ------------------------------------------------------------- the judge --

def layer_of(path):
    """(rank, layer) of the longest LAYERS path @path starts with, or None."""
    best = None
    for rank, name, paths, _, _ in LAYERS:
        for p in paths:
            if (path == p or (p.endswith("/") and path.startswith(p))) and \
                    (best is None or len(p) > best[0]):
                best = (len(p), rank, name)
    return best and best[1:]


def peers_of(layer, layers=LAYERS):
    """The layers @layer may include beside its own rank (LAYERS' peers)."""
    return next((peers for _, name, _, peers, _ in layers if name == layer), [])


def layers_problems(layers=LAYERS):
    """[] if every peer of @layers is another layer of the same rank that names it back."""
    rank = {name: r for r, name, _, _, _ in layers}
    out = []
    for r, name, _, peers, _ in layers:
        for p in peers:
            if rank.get(p) != r or p == name:
                out.append("tools/deps_check.py: LAYERS makes %s (layer %d) a peer of %s, "
                           "which is not another layer of rank %d" % (p, rank.get(p, -1), name, r))
            elif name not in peers_of(p, layers):
                out.append("tools/deps_check.py: LAYERS makes %s a peer of %s, but not %s "
                           "of %s" % (p, name, name, p))
    return out


def is_test_header(path):
    return (path.startswith(("tests/", "bench/")) or path.endswith("_test.h")
            or path in TEST_HEADERS)


def is_test_file(path):
    """Tests, benchmarks and test headers: above every layer."""
    return path.startswith(("tests/", "bench/")) or is_test_header(path)


def is_private(path):
    return not path.startswith("include/")


def owns_test_header(path, header):
    """Is @path a private header of the subsystem whose test-only header @header is?  It
    includes it so that each declaration exists once, checked against its definition."""
    return (path.endswith(".h") and is_private(path) and header.endswith("_test.h")
            and header.startswith("include/") and layer_of(path) == layer_of(header))


def search_dirs(path):
    return next(dirs for under, dirs in INCLUDE_PATHS if path.startswith(under))


def resolve(path, kind, name, exists):
    """(tree path or None for a system header, how it was reached: 'dir' (beside @path),
    'search' (an -I folder) or 'root' (only -I. would find it)), as gcc finds @name."""
    tries = ([(os.path.join(os.path.dirname(path), name), "dir")] if kind == '"' else [])
    tries += [(os.path.join(d, name), "search") for d in search_dirs(path)]
    tries += [(name, "root")]
    for cand, how in tries:
        cand = os.path.normpath(cand)
        if not cand.startswith("..") and exists(cand):
            return cand, how
    return None, None


def layer_problem(path, header):
    """Why @path may not include the public header @header by the layer rule, or None:
    @header is above @path's layer, or beside it (same rank) and not its peer."""
    mine, theirs = layer_of(path), layer_of(header)
    if is_test_file(path) or not mine or not theirs:
        return None
    where = "%s (%s, layer %d)" % (header, theirs[1], theirs[0])
    if theirs[0] > mine[0]:
        return "%s is above %s (layer %d)" % (where, mine[1], mine[0])
    if theirs[0] == mine[0] and theirs[1] != mine[1] and theirs[1] not in peers_of(mine[1]):
        return "%s is beside %s (layer %d), not its peer in LAYERS" % (where, mine[1], mine[0])
    return None


def judge_one(path, line, kind, name, exists):
    """The problems of one include line: [(message, header, is it the layer rule's)]."""
    header, how = resolve(path, kind, name, exists)
    if header is None:  # <name>: a system header; "name": a typo or a file that moved
        return [('"%s" names no file of the tree' % name, None, False)] if kind == '"' else []
    shown = "%s%s%s" % (kind, name, ">" if kind == "<" else '"')
    folder = os.path.dirname(header)
    problems = []
    if kind == '"' and ".." in name.split("/"):
        problems.append("%s climbs out of its folder with ../" % shown)
    if how == "root":
        problems.append("%s reaches %s outside include/ (that needs -I.)" % (shown, header))
    if is_private(header) and folder != os.path.dirname(path) and \
            folder not in search_dirs(path):
        problems.append("%s is private to %s/" % (header, folder))
    if is_test_header(header) and not is_test_file(path) and not owns_test_header(path, header):
        problems.append("%s is a test header: kernel code never includes one" % header)
    if layer_of(header) is None:
        problems.append("%s belongs to no layer of LAYERS" % header)
    res = [(msg, header, False) for msg in problems]
    layer = layer_problem(path, header)
    return res + ([(layer, header, True)] if layer else [])


def judge(includes, exists, allowed=ALLOWED):
    """Every problem of @includes ({file: [(line, kind, name)]}) as 'file:line: what',
    less the ALLOWED ones; an ALLOWED entry that matched nothing is a problem too."""
    excused = {(f, h) for f, h, _ in allowed}
    used, out = set(), []
    for path in sorted(includes):
        if layer_of(path) is None and not is_test_file(path):
            out.append("%s:1: belongs to no layer of LAYERS (tools/deps_check.py)" % path)
        for line, kind, name in includes[path]:
            for msg, header, layer_rule in judge_one(path, line, kind, name, exists):
                if (path, header) in excused and layer_rule:
                    used.add((path, header))
                    continue
                out.append("%s:%d: %s" % (path, line, msg))
    out += ["tools/deps_check.py: ALLOWED names %s including %s, which it no longer does"
            % (f, h) for f, h, _ in allowed if (f, h) not in used]
    return out


SEARCH_FLAGS = ("-I", "-iquote", "-isystem", "-idirafter")


def search_flags(flags, root=ROOT):
    """[(flag as written, folder relative to @root)] for each include-path flag of @flags
    (a list of words: "-Ix", "-I x", "-iquote x"...) that names a folder of the tree (the
    -isystem folders of newlib and gcc are not the tree's)."""
    res = []
    for i, f in enumerate(flags):
        opt = next((o for o in SEARCH_FLAGS if f.startswith(o)), None)
        if opt is None or (opt != "-I" and f != opt):
            continue
        d = f[len(opt):] or (flags[i + 1] if i + 1 < len(flags) else "")
        rel = os.path.relpath(os.path.join(root, d), root)
        if not rel.startswith(".."):
            res.append((f if f != opt else "%s %s" % (f, d), rel))
    return res


def flags_problems(kcflags, ktestflags, root=ROOT):
    """[] if the kernel's flags (@kcflags) search INCLUDE_PATHS' folders for the kernel and
    the in-guest tests' flags (@ktestflags) add exactly what they add for tests/; else why
    not.  -I. (the tree's root, however spelled) in either is named: it opens every
    private header."""
    out, kernel = [], search_dirs("kernel/")
    for var, target, flags, want in (
            ("KCFLAGS", "print-kcflags", kcflags, kernel),
            ("KTESTFLAGS", "print-ktestflags", ktestflags, search_dirs("tests/")[len(kernel):])):
        found = search_flags(flags.split(), root)
        out += ["Makefile: %s (make %s) has %s: the root of the tree, from which every "
                "private header can be reached" % (var, target, f) for f, d in found if d == "."]
        dirs = [d for _, d in found]
        if dirs != want:
            out.append("Makefile: %s (make %s) searches %s; tools/deps_check.py resolves with "
                       "%s (INCLUDE_PATHS)" % (var, target, " ".join(dirs) or "nothing",
                                              " ".join(want) or "nothing"))
    return out


def makefile_problems(root):
    """flags_problems() of the Makefile's own flags (make print-kcflags, print-ktestflags)."""
    flags = []
    for target in ("print-kcflags", "print-ktestflags"):
        r = subprocess.run(["make", "-s", "--no-print-directory", target], cwd=root,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True)
        if r.returncode:
            return ["Makefile: make %s: status %d" % (target, r.returncode)] + \
                r.stdout.splitlines()[-5:]
        flags.append(r.stdout)
    return flags_problems(flags[0], flags[1], root)


def lab_skeletons(root):
    """{labs/<lab>/<skeleton>: the reference file it replaces} for every lab's lab.json."""
    res = {}
    labs = os.path.join(root, "labs")
    for lab in sorted(os.listdir(labs)) if os.path.isdir(labs) else []:
        path = os.path.join(labs, lab, "lab.json")
        if os.path.isfile(path):
            try:
                with open(path) as f:
                    replaces = json.load(f).get("replaces", {})
            except (ValueError, AttributeError):
                continue    # tools/grade.py names what is wrong with it
            for ref, skel in replaces.items():
                res["labs/%s/%s" % (lab, skel)] = ref
    return res


def check_tree(root=ROOT):
    """The problems of the whole tree, as judge() gives them, LAYERS' and the Makefile's.
    A lab's skeleton is compiled in its reference file's place (-iquote of that folder), so
    it is judged as if it were that file, under its own name."""
    exists = lambda p: os.path.isfile(os.path.join(root, p))  # noqa: E731
    out = layers_problems() + makefile_problems(root) + judge(
        read_includes(root, tree_files(root)), exists)
    for skel, ref in lab_skeletons(root).items():
        got = judge({ref: read_includes(root, [skel])[skel]}, exists, allowed=[])
        out += [skel + p[len(ref):] for p in got]
    return out


# -------------------------------------------------------------- selftest --

# A small tree: the files that exist, and what each includes.
CANNED_FILES = ["include/kernel/printk.h", "include/mm/slab.h", "include/net/skbuff.h",
                "include/drivers/serial.h", "include/mm/slab_test.h", "mm/slab.c",
                "mm/slab_internal.h", "net/skbuff.c", "kernel/printk.c", "tests/ktest.c",
                "tests/mm/test_slab.c", "drivers/pci.c", "drivers/virtio/virtio_pci.h",
                "tests/lib/net_test.h", "tests/net/test_udp.c", "bench/guest/bench_net.c",
                "include/block/genhd.h", "block/genhd.c"]
CANNED_GOOD = {
    "mm/slab.c": [(3, "<", "kernel/printk.h"), (4, '"', "slab_internal.h"),
                  (5, "<", "string.h")],
    "net/skbuff.c": [(7, "<", "mm/slab.h"), (8, "<", "net/skbuff.h")],
    "kernel/printk.c": [(9, "<", "drivers/serial.h"), (10, "<", "mm/slab.h")],  # mm: a peer
    "tests/mm/test_slab.c": [(2, "<", "mm/slab_test.h"), (3, "<", "drivers/serial.h")],
    "include/mm/slab_test.h": [(12, "<", "mm/slab.h")],
    "drivers/pci.c": [(4, "<", "net/skbuff.h")],
    "mm/slab_internal.h": [(30, "<", "mm/slab_test.h")],
    "tests/net/test_udp.c": [(5, '"', "net_test.h"), (6, "<", "kernel/printk.h")],
    "bench/guest/bench_net.c": [(4, "<", "net/skbuff.h")],
    "block/genhd.c": [(3, "<", "block/genhd.h"), (4, "<", "mm/slab.h")],
}
CANNED_ALLOWED = [("kernel/printk.c", "include/drivers/serial.h", "the console")]
# Each bad case: (what, the file it changes, the include it adds, the lines expected
# (each a prefix of one problem line, the same number of lines)).
CANNED_BAD = [
    ("an upward include", "mm/slab.c", (11, "<", "net/skbuff.h"),
     ["mm/slab.c:11: include/net/skbuff.h (net, layer 2) is above mm (layer 1)"]),
    ("a foreign private include", "drivers/pci.c", (12, '"', "virtio/virtio_pci.h"),
     ["drivers/pci.c:12: drivers/virtio/virtio_pci.h is private to drivers/virtio/"]),
    ("a private header reached with ../", "tests/mm/test_slab.c",
     (13, '"', "../../mm/slab_internal.h"),
     ['tests/mm/test_slab.c:13: "../../mm/slab_internal.h" climbs out of its folder',
      "tests/mm/test_slab.c:13: mm/slab_internal.h is private to mm/"]),
    ("a private header reached through -I.", "net/skbuff.c", (14, "<", "mm/slab_internal.h"),
     ["net/skbuff.c:14: <mm/slab_internal.h> reaches mm/slab_internal.h outside include/",
      "net/skbuff.c:14: mm/slab_internal.h is private to mm/"]),
    ("a test header included from the kernel", "net/skbuff.c", (15, "<", "mm/slab_test.h"),
     ["net/skbuff.c:15: include/mm/slab_test.h is a test header"]),
    ("a test-only header included by a .c of its subsystem", "mm/slab.c",
     (17, "<", "mm/slab_test.h"), ["mm/slab.c:17: include/mm/slab_test.h is a test header"]),
    ("a test helper reached from a benchmark", "bench/guest/bench_net.c",
     (9, '"', "../../tests/lib/net_test.h"),
     ['bench/guest/bench_net.c:9: "../../tests/lib/net_test.h" climbs out of its folder',
      "bench/guest/bench_net.c:9: tests/lib/net_test.h is private to tests/lib/"]),
    ("a quoted include of a file that does not exist", "bench/guest/bench_net.c",
     (10, '"', "../../tests/lib/ktest.h"),
     ['bench/guest/bench_net.c:10: "../../tests/lib/ktest.h" names no file of the tree']),
    ("an upward include excused for another file", "kernel/printk.c",
     (16, "<", "net/skbuff.h"),
     ["kernel/printk.c:16: include/net/skbuff.h (net, layer 2) is above kernel (layer 1)"]),
    ("a block header included by net, beside it", "net/skbuff.c", (18, "<", "block/genhd.h"),
     ["net/skbuff.c:18: include/block/genhd.h (block, layer 2) is beside net (layer 2), "
      "not its peer"]),
    ("a net header included by block, beside it", "block/genhd.c", (19, "<", "net/skbuff.h"),
     ["block/genhd.c:19: include/net/skbuff.h (net, layer 2) is beside block (layer 2), "
      "not its peer"]),
]
# The Makefile's flags: (what, KCFLAGS, KTESTFLAGS, the lines expected as above).
CANNED_KCFLAGS = "-O2 -isystem /usr/lib/gcc/include -Iinclude -MMD"
CANNED_FLAGS = [
    ("the Makefile's flags as they are", CANNED_KCFLAGS, "-Itests/lib", []),
    ("-I. added to the tests' flags", CANNED_KCFLAGS, "-Itests/lib -I.",
     ["Makefile: KTESTFLAGS (make print-ktestflags) has -I.: the root of the tree",
      "Makefile: KTESTFLAGS (make print-ktestflags) searches tests/lib .; "]),
    ("-I . added to the kernel's flags", CANNED_KCFLAGS + " -I .", "-Itests/lib",
     ["Makefile: KCFLAGS (make print-kcflags) has -I .: the root of the tree",
      "Makefile: KCFLAGS (make print-kcflags) searches include .; "]),
    ("the root, spelled as an absolute -iquote, in the tests' flags", CANNED_KCFLAGS,
     "-Itests/lib -iquote " + ROOT, ["Makefile: KTESTFLAGS (make print-ktestflags) has -iquote ",
                                     "Makefile: KTESTFLAGS (make print-ktestflags) searches "]),
    ("a private folder added to the kernel's flags", CANNED_KCFLAGS + " -Imm", "-Itests/lib",
     ["Makefile: KCFLAGS (make print-kcflags) searches include mm; "]),
]
# LAYERS with a one-sided peer and a peer of another rank.
CANNED_LAYERS = [(1, "kernel", [], ["mm"], ""), (1, "mm", [], [], ""),
                 (2, "net", [], ["kernel"], "")]


def canned_exists(p):
    return p in CANNED_FILES


def lines_match(got, want):
    """[] if each line of @got starts with the line of @want in the same place."""
    if len(got) == len(want) and all(g.startswith(w) for g, w in zip(got, want)):
        return []
    return ["expected: %s" % w for w in want] + ["got: %s" % g for g in got or ["nothing"]]


CANNED_SOURCE = """/*
 * x.c - an example: #include <net/skbuff.h> in a comment is no include
 */
#include <mm/slab.h>
  #  include   "blk.h"
#include_next <stdio.h>
#define HDR <net/udp.h>
#if 0
#include <kernel/printk.h>
#endif
"""
CANNED_PARSED = [(4, "<", "mm/slab.h"), (5, '"', "blk.h"), (9, "<", "kernel/printk.h")]


def selftest():
    """[(what, problems)]: include lines read as written, the canned good tree passes,
    each bad case is refused with its file:line, a stale ALLOWED entry is reported."""
    got = parse_includes(CANNED_SOURCE.splitlines(True))
    res = [("#include lines are read with their line numbers, comments and "
            "#include_next left out", [] if got == CANNED_PARSED else
            ["expected: %s" % CANNED_PARSED, "got: %s" % got]),
           ("a tree that keeps every rule passes",
            judge(CANNED_GOOD, canned_exists, CANNED_ALLOWED))]
    for what, path, inc, want in CANNED_BAD:
        bad = dict(CANNED_GOOD)
        bad[path] = CANNED_GOOD.get(path, []) + [inc]
        got = judge(bad, canned_exists, CANNED_ALLOWED)
        res.append(("%s is refused, naming file:line" % what, lines_match(got, want)))
    for what, kcflags, ktestflags, want in CANNED_FLAGS:
        res.append(("%s: %s" % (what, "passes" if not want else "refused, naming the Makefile"),
                    lines_match(flags_problems(kcflags, ktestflags), want)))
    res.append(("LAYERS whose peers are one-sided or of another rank are refused",
                lines_match(layers_problems(CANNED_LAYERS),
                            ["tools/deps_check.py: LAYERS makes mm a peer of kernel, but not",
                             "tools/deps_check.py: LAYERS makes kernel (layer 1) a peer of net"])))
    stale = CANNED_ALLOWED + [("net/skbuff.c", "include/drivers/serial.h", "stale")]
    got = judge(CANNED_GOOD, canned_exists, stale)
    res.append(("an ALLOWED entry that excuses nothing is reported",
                lines_match(got, ["tools/deps_check.py: ALLOWED names net/skbuff.c including "
                                  "include/drivers/serial.h, which it no longer does"])))
    return res


# ------------------------------------------------------------- output --

def layer_table():
    """LAYERS and ALLOWED as text: what docs/architecture.md shows (kind=arch)."""
    out = ["%-5s %-8s %-37s %s" % ("rank", "layer", "paths", "what lives there")]
    for rank, name, paths, _, what in LAYERS:
        out.append("%-5d %-8s %-37s %s" % (rank, name, " ".join(paths), what))
    out += ["", "side by side (same rank):"]
    for i, (rank, name, _, peers, _) in enumerate(LAYERS):
        out += ["  %s and %s %s" % (name, other, "are peers: each may include the other"
                                    if other in peers else "are not peers: neither includes "
                                    "the other") for r, other, _, _, _ in LAYERS[i + 1:]
                if r == rank]
    out += ["", "allowed on purpose (file -> header: why):"]
    for path, header, why in ALLOWED:
        out += ["  %s -> %s" % (path, header), "      " + why]
    return "\n".join(out) + "\n"


def refusals_text():
    """What the checker says to each bad case of the selftest: the include added, then
    its problem lines (docs/architecture.md shows it, kind=arch show=refusals)."""
    out = []
    for what, path, (line, kind, name), _ in CANNED_BAD:
        bad = dict(CANNED_GOOD)
        bad[path] = CANNED_GOOD.get(path, []) + [(line, kind, name)]
        shown = "%s%s%s" % (kind, name, ">" if kind == "<" else '"')
        out.append("%s: %s:%d includes %s" % (what, path, line, shown))
        out += ["  " + p for p in judge(bad, canned_exists, CANNED_ALLOWED)]
    for what, kcflags, ktestflags, want in CANNED_FLAGS[1:3]:
        out.append("%s: KCFLAGS '%s', KTESTFLAGS '%s'" % (what, kcflags, ktestflags))
        out += ["  " + p for p in flags_problems(kcflags, ktestflags)]
    return "\n".join(out) + "\n"


def step_deps(opts, tally):
    """make test's step `deps`: the selftest's cases, then `make deps-check` on the tree."""
    print("\n== deps: who may include whom (make deps-check, docs/architecture.md)", flush=True)
    for what, problems in selftest():
        tally.check(not problems, "deps selftest: %s" % what, problems)
    r = subprocess.run(["make", "-s", "--no-print-directory", "deps-check"], cwd=opts.root,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True)
    lines = r.stdout.splitlines()
    problems = [line[4:] for line in lines if line.startswith("#   ")]
    said_ok = "ok - %s" % TREE_OK in lines
    tally.check(r.returncode == 0 and said_ok and not problems,
                "make deps-check: %s (%d problems)" % (TREE_OK, len(problems)),
                (problems[:40] + ["... %d more" % (len(problems) - 40)] * (len(problems) > 40))
                or ["status %d" % r.returncode] + lines[-20:])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--selftest", action="store_true", help="the checker on canned input")
    ap.add_argument("--table", action="store_true", help="print the layer table")
    args = ap.parse_args()
    if args.table:
        sys.stdout.write(layer_table())
        return 0
    results = selftest() if args.selftest else [(TREE_OK, check_tree())]
    failed = 0
    for what, problems in results:
        print("%s - %s" % ("not ok" if problems else "ok", what))
        for p in problems:
            print("#   " + p)
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
