#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tools/spdx.py - the SPDX-License-Identifier line in every source file's header.

  tools/spdx.py --check [FILE...]   list the files without the line; status 1 if any
  tools/spdx.py --apply [FILE...]   add it where it is missing (and say where)

With no FILE, every C, assembler, linker-script, Python, shell and Makefile file git
knows of (tracked or new, not ignored).  Where the line goes, one rule per comment style:

  C, .S, .ld    the first line inside the header comment:   /*
                                                             * SPDX-License-Identifier: MIT
                                                             * kernel/main.c - ...
                a one-line header comment /* x - y */ is opened up to that shape.
  #-comments    the first line, or the second after a #! line:
                                                            #!/usr/bin/env python3
                                                            # SPDX-License-Identifier: MIT

A C file that does not start with a comment is reported, never guessed at: it needs a
header comment first (docs/testing.md, "Style").
"""

import argparse
import os
import re
import subprocess
import sys

LICENSE = "MIT"
TAG = "SPDX-License-Identifier: "
C_EXTS = (".c", ".h", ".S", ".ld")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def kind(path, first_line):
    """'c', 'hash' or None (not a file this tool looks after)."""
    if path.endswith(C_EXTS):
        return "c"
    if path.endswith((".py", ".sh")) or os.path.basename(path) == "Makefile":
        return "hash"
    if first_line.startswith("#!") and re.search(r"\b(python3?|bash|sh)\b", first_line):
        return "hash"
    return None


def tree_files(root=ROOT):
    """Every file git knows of under @root (tracked, or new and not ignored)."""
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                         cwd=root, stdout=subprocess.PIPE, check=True).stdout
    return [os.path.join(root, p) for p in sorted(set(out.decode().split("\0"))) if p
            and os.path.isfile(os.path.join(root, p))]


def first_line(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.readline()


def source_files(paths):
    """[(path, kind)] of @paths that are sources this tool looks after."""
    res = []
    for p in paths:
        k = kind(p, first_line(p))
        if k:
            res.append((p, k))
    return res


def has_spdx(lines, k):
    """Whether @lines (a file's, newline-free) carry the line where the rule puts it."""
    want = TAG + LICENSE
    if k == "c":
        return len(lines) > 1 and lines[0] == "/*" and lines[1] == " * " + want
    i = 1 if lines and lines[0].startswith("#!") else 0
    return len(lines) > i and lines[i] == "# " + want


def add_spdx(lines, k):
    """@lines with the line added; raises ValueError when there is no place for it."""
    want = TAG + LICENSE
    if k == "hash":
        i = 1 if lines and lines[0].startswith("#!") else 0
        return lines[:i] + ["# " + want] + lines[i:]
    if lines and lines[0] == "/*":
        return lines[:1] + [" * " + want] + lines[1:]
    m = re.match(r"^/\*\s*(.*?)\s*\*/$", lines[0]) if lines else None
    if m:
        return ["/*", " * " + want, " * " + m.group(1), " */"] + lines[1:]
    m = re.match(r"^/\*\s*(\S.*)$", lines[0]) if lines else None
    if m and "*/" not in lines[0]:
        return ["/*", " * " + want, " * " + m.group(1)] + lines[1:]
    raise ValueError("does not start with a header comment")


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return text.split("\n"), text.endswith("\n")


def check(paths):
    """[(path, why)] for each file of @paths without the line where it belongs."""
    bad = []
    for p, k in source_files(paths):
        lines, _ = read_lines(p)
        if not has_spdx(lines, k):
            where = "line 2, inside the header comment" if k == "c" else "its first # line"
            bad.append((p, "no '%s%s' at %s" % (TAG, LICENSE, where)))
    return bad


def apply(paths, verbose=True):
    """Add the line to every file of @paths that lacks it; [(path, error)] for the
    files it could not place it in."""
    errors = []
    for p, k in source_files(paths):
        lines, _ = read_lines(p)
        if has_spdx(lines, k):
            continue
        if any(TAG in l for l in lines[:12]):
            errors.append((p, "has an %s line elsewhere: move it by hand" % TAG.strip()))
            continue
        try:
            new = add_spdx(lines, k)
        except ValueError as e:
            errors.append((p, str(e)))
            continue
        with open(p, "w", encoding="utf-8") as f:
            f.write("\n".join(new))
        if verbose:
            print("  SPDX    %s" % os.path.relpath(p))
    return errors


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="list files without the line")
    mode.add_argument("--apply", action="store_true", help="add the line where it is missing")
    ap.add_argument("files", nargs="*", help="default: every source file git knows of")
    args = ap.parse_args()
    paths = [os.path.abspath(f) for f in args.files] or tree_files()
    problems = check(paths) if args.check else apply(paths)
    for p, why in problems:
        print("%s: %s" % (os.path.relpath(p), why))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
