#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tools/compile_commands.py - compile_commands.json for clangd and editors.

`make compile_commands.json` runs this with the Makefile's own compiler, flags and
kernel sources, so the file says exactly how each .c is built (no build is needed, none
is run); it writes the JSON to stdout and the Makefile puts it at the top of the tree:

  compile_commands.py --cc gcc --build build --cflags '<KCFLAGS>' \
      --test-cflags='<KTESTFLAGS>' kernel/main.c ...

One entry per kernel .c (clang's JSON compilation database format): directory, file,
arguments and output.  -MMD and -MP are left out: an editor that runs the command should
not write the build's dependency files.
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


def problems(db, sources, clang="clang", probe=None):
    """[problem] with the database @db (parsed JSON) for the kernel .c files @sources
    (relative to the tree): not exactly one entry each, or, when @probe (a relative path)
    is given and @clang exists, its entry's command does not parse with clang."""
    if not isinstance(db, list):
        return ["not a JSON list"]
    bad, seen = [], {}
    for e in db:
        if not isinstance(e, dict) or not {"directory", "file", "arguments"} <= set(e):
            bad.append("an entry without directory, file and arguments: %r" % (e,))
            continue
        f = os.path.relpath(e["file"], e["directory"])
        seen[f] = seen.get(f, 0) + 1
    bad += ["%s: %d entries" % (f, n) for f, n in sorted(seen.items()) if n > 1]
    bad += ["%s: no entry" % f for f in sorted(set(sources) - set(seen))]
    bad += ["%s: an entry, but not a kernel .c" % f for f in sorted(set(seen) - set(sources))]
    entry = [e for e in db if isinstance(e, dict) and probe
             and e.get("file", "").endswith("/" + probe)]
    if probe and entry and shutil.which(clang):
        args = entry[0]["arguments"]
        i = args.index("-c")
        cmd = [clang] + args[1:i] + ["-fsyntax-only", args[i + 1]]
        r = subprocess.run(cmd, cwd=entry[0]["directory"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True)
        if r.returncode != 0 or r.stdout.strip():
            bad.append("%s: clang -fsyntax-only with its entry's flags: status %d"
                       % (probe, r.returncode))
            bad += r.stdout.splitlines()[:10]
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cc", required=True, help="the compiler (the Makefile's CC)")
    ap.add_argument("--build", required=True, help="the build directory (BUILD)")
    ap.add_argument("--cflags", required=True, help="the Makefile's KCFLAGS, one string")
    ap.add_argument("--test-cflags", default="",
                    help="the Makefile's KTESTFLAGS, added for the in-guest tests")
    ap.add_argument("sources", nargs="+", help="the kernel's .c files, relative to the tree")
    args = ap.parse_args()
    missing = [s for s in args.sources if not os.path.isfile(os.path.join(ROOT, s))]
    if missing:
        sys.stderr.write("compile_commands: no such source: %s\n" % " ".join(missing))
        return 1
    json.dump(entries(args.cc, args.build, args.cflags, args.sources,
                      test_cflags=args.test_cflags), sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
