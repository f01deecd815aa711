#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tools/arch_checks.py - the transcripts of docs/architecture.md (docgen kind=arch).

tools/docgen.py calls doc_transcript(opts, args) for a block
`<!-- docgen kind=arch show=... -->`; show= picks what it prints:

  show=layers     the layer table and its allowed exceptions, read from
                  tools/deps_check.py (LAYERS, ALLOWED): the very table
                  `make deps-check` judges every #include by
  show=refusals   the checker's own selftest: each canned bad include and
                  the file:line problem it is refused with
  show=initcalls  what runs at each initcall level: the image booted with
                  `initcall_debug loglevel=8` (no devices) to the prompt; its
                  "calling"/"initcall ... returned" lines give the order and
                  the return values, the `__initcall_<fn><level>` symbols
                  the level (tools/init_checks.py reads both), addr2line the
                  file each function is in.  Refuses a boot whose lines do
                  not match the image's initcalls one for one, in order
                  (any return value is shown, not judged).

All three are deterministic: no timing figure is printed (docs/boot.md shows the
costs, under -icount).

Standalone: python3 tools/arch_checks.py --build build [--show initcalls]
"""

import os
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import deps_check  # noqa: E402
import init_checks  # noqa: E402
import qemu  # noqa: E402

CMDLINE = "initcall_debug loglevel=8"


def source_files(elf, root, names):
    """{function: its source file relative to @root} for @names, by addr2line."""
    where = {name: addr for addr, name in init_checks.nm_symbols(elf)}
    addrs = ["0x%x" % where[n] for n in names]
    out = subprocess.run(["addr2line", "-e", elf] + addrs, stdout=subprocess.PIPE,
                         check=True, universal_newlines=True).stdout.splitlines()
    res = {}
    for name, line in zip(names, out):
        path = line.rsplit(":", 1)[0]
        res[name] = os.path.relpath(path, root) if os.path.isabs(path) else path
    return res


def level_label(level):
    """"early" or "module", or the level's name and number: "device (6)"."""
    name = init_checks.LEVEL_NAMES[level]
    return name if level in (0, init_checks.MODULE) else "%s (%d)" % (name, level)


def initcall_rows(log, table, files):
    """The table's lines in call order: level, function, file, return value; a level
    with no initcall gets one line saying so."""
    returned = {fn: ret for what, fn, ret in init_checks.initcall_events(log)
                if what == "returned"}
    rows = ["%-14s %-34s %-28s %s" % ("level", "initcall", "defined in", "returned")]
    for level in range(len(init_checks.LEVEL_NAMES)):
        mine = [fn for lv, fn in table if lv == level]
        for fn in mine:
            rows.append("%-14s %-34s %-28s %d" % (level_label(level), fn, files[fn],
                                                  returned[fn]))
        if not mine:
            rows.append("%-14s %s" % (level_label(level), "(none)"))
    return "\n".join(rows) + "\n"


def initcalls(opts):
    """show=initcalls: boot with initcall_debug and tabulate what ran at each level."""
    table = init_checks.initcall_table(init_checks.nm_symbols(opts.kernel))
    booted, log, _, _ = init_checks.boot_to_prompt(opts, "arch-initcalls", opts.kernel,
                                                   CMDLINE, [])
    if not booted:
        raise RuntimeError("the initcall_debug boot did not reach the prompt")
    events = init_checks.initcall_events(log)
    called = [fn for what, fn, _ in events if what == "calling"]
    returned = [fn for what, fn, _ in events if what == "returned"]
    if called != [fn for _, fn in table] or returned != called:
        raise ValueError("the initcall_debug lines do not match the image's initcalls: "
                         "called %s, returned %s, the image has %s" % (called, returned, table))
    files = source_files(opts.kernel, opts.root, [fn for _, fn in table])
    return initcall_rows(log, table, files)


def doc_transcript(opts, args):
    """The text of a kind=arch block of docs/architecture.md (show=layers|refusals|initcalls)."""
    show = args.get("show", "")
    if show == "layers":
        return deps_check.layer_table()
    if show == "refusals":
        return deps_check.refusals_text()
    if show == "initcalls":
        return initcalls(opts)
    raise ValueError("show=%s: use show=layers, show=refusals or show=initcalls" % show)


def main():
    def options(ap):
        ap.add_argument("--show", default="initcalls", help="layers or initcalls")
    opts = qemu.standalone(__doc__.split("\n")[0], options)
    sys.stdout.write(doc_transcript(opts, {"show": opts.show}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
