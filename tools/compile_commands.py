#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tools/compile_commands.py - compile_commands.json for clangd and editors.

`make compile_commands.json` runs this with the Makefile's own compiler, flags and
kernel sources, and the host tests' commands as tests/host/Makefile prints them (make -C
tests/host print-cflags: "file<TAB>command" lines), so the file says exactly how each .c
is built (no build is needed, none is run); it writes the JSON to stdout and the Makefile
puts it at the top of the tree:

  compile_commands.py --cc gcc --build build --cflags '<KCFLAGS>' \
      --test-cflags='<KTESTFLAGS>' --host-cflags FILE kernel/main.c ...

One entry per kernel .c and per .c of tests/host/ (clang's JSON compilation database
format): directory, file, arguments and output.  A host test's entry runs in tests/host/,
as its Makefile does, with the flags of the first test that builds the file; a kernel .c
a host test also builds (mm/slab.c) keeps its kernel entry.  -MMD and -MP are left out:
an editor that runs the command should not write the build's dependency files.
"""

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEP_FLAGS = ("-MMD", "-MP")


def entries(cc, build, cflags, sources, root=ROOT, test_cflags=""):
    """The database: a list of one dict per source (@test_cflags added for tests/)."""
    flags = [f for f in shlex.split(cflags) if f not in DEP_FLAGS]
    res = []
    for src in sources:
        obj = os.path.join(build, os.path.splitext(src)[0] + ".o")
        res.append({
            "directory": root,
            "file": os.path.join(root, src),
            "arguments": [cc] + flags + (shlex.split(test_cflags) if src.startswith("tests/")
                                         else []) + ["-c", src, "-o", obj],
            "output": os.path.join(root, obj),
        })
    return res


def host_entries(lines, build, root=ROOT, folder="tests/host"):
    """The database's entries for the .c files of @folder: @lines are "file<TAB>command"
    (the file relative to @folder, the command as its Makefile runs it there), and a file
    named more than once (a stand-in several tests link) gets the first one."""
    res, done = [], set()
    for line in lines:
        if not line.strip():
            continue
        if "\t" not in line:
            raise ValueError("not a file<TAB>command line: %r" % line)
        src, cmd = line.rstrip("\n").split("\t", 1)
        if src in done:
            continue
        done.add(src)
        obj = os.path.join(root, build, "host", os.path.splitext(src)[0] + ".o")
        res.append({
            "directory": os.path.join(root, folder),
            "file": os.path.join(root, folder, src),
            "arguments": shlex.split(cmd) + ["-c", src, "-o", obj],
            "output": obj,
        })
    return res


def parses(entry, clang):
    """[] if clang -fsyntax-only with @entry's flags, in its directory, says nothing."""
    args = entry["arguments"]
    i = args.index("-c")
    cmd = [clang] + args[1:i] + ["-fsyntax-only", args[i + 1]]
    r = subprocess.run(cmd, cwd=entry["directory"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True)
    if r.returncode == 0 and not r.stdout.strip():
        return []
    return ["%s: clang -fsyntax-only with its entry's flags: status %d"
            % (entry["file"], r.returncode)] + r.stdout.splitlines()[:10]


def problems(db, sources, clang="clang", probe=(), root=None):
    """[problem] with the database @db (parsed JSON) for the .c files @sources (relative to
    @root, or to each entry's directory if None): not exactly one entry each, or, when
    @clang exists, the entry of one of @probe (relative paths) does not parse with clang."""
    if not isinstance(db, list):
        return ["not a JSON list"]
    bad, seen = [], {}
    for e in db:
        if not isinstance(e, dict) or not {"directory", "file", "arguments"} <= set(e):
            bad.append("an entry without directory, file and arguments: %r" % (e,))
            continue
        f = os.path.join(e["directory"], e["file"])
        f = os.path.relpath(f, root or e["directory"])
        seen.setdefault(f, []).append(e)
    bad += ["%s: %d entries" % (f, len(n)) for f, n in sorted(seen.items()) if len(n) > 1]
    bad += ["%s: no entry" % f for f in sorted(set(sources) - set(seen))]
    bad += ["%s: an entry, but not a .c the Makefiles build" % f
            for f in sorted(set(seen) - set(sources))]
    for f in [probe] if isinstance(probe, str) else probe:
        if f in seen and shutil.which(clang):
            bad += [p.replace(seen[f][0]["file"], f, 1) for p in parses(seen[f][0], clang)]
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cc", required=True, help="the compiler (the Makefile's CC)")
    ap.add_argument("--build", required=True, help="the build directory (BUILD)")
    ap.add_argument("--cflags", required=True, help="the Makefile's KCFLAGS, one string")
    ap.add_argument("--test-cflags", default="",
                    help="the Makefile's KTESTFLAGS, added for the in-guest tests")
    ap.add_argument("--host-cflags", metavar="FILE",
                    help="make -C tests/host print-cflags's output: each host .c's command")
    ap.add_argument("sources", nargs="+", help="the kernel's .c files, relative to the tree")
    args = ap.parse_args()
    missing = [s for s in args.sources if not os.path.isfile(os.path.join(ROOT, s))]
    if missing:
        sys.stderr.write("compile_commands: no such source: %s\n" % " ".join(missing))
        return 1
    db = entries(args.cc, args.build, args.cflags, args.sources, test_cflags=args.test_cflags)
    if args.host_cflags:
        with open(args.host_cflags) as f:
            try:
                db += host_entries(f, args.build)
            except ValueError as e:
                sys.stderr.write("compile_commands: %s: %s\n" % (args.host_cflags, e))
                return 1
    json.dump(db, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
