# SPDX-License-Identifier: MIT
"""labs/boot/checks.py - the boot lab's host check (tools/grade.py calls it).

boot_log_and_e820_match_qemus_map: one boot of the lab's kernel with 128 MiB, SeaBIOS's
debug port written to a file.  SeaBIOS prints the e820 map it hands to the loader ("e820 map
has 7 items:"); this check sanitizes that map itself (the type at each address is the highest
type covering it; neighbours of one type merged) and formats 3.10's lines from it.  The boot log
must hold them right after "e820: BIOS-provided physical RAM map:", and `e820` at the prompt
must print the same lines and its summary.  So the kernel's answer is compared with the
firmware's own words, not with anything the kernel computed.

Standalone: python3 labs/boot/checks.py [--kernel build/kernel.elf]
"""

import os
import re
import sys
import tempfile
import types

LAB = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(LAB))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import qemu  # noqa: E402

SEABIOS_MAP = re.compile(r"e820 map has (\d+) items:\n((?:\s*\d+: [0-9a-f]{16} - [0-9a-f]{16} "
                         r"= \d+.*\n)*)")
SEABIOS_ENTRY = re.compile(r"\s*\d+: ([0-9a-f]{16}) - ([0-9a-f]{16}) = (\d+)")
HEADING = "e820: BIOS-provided physical RAM map:"
TYPES = {1: "usable", 2: "reserved", 3: "ACPI data", 4: "ACPI NVS", 5: "unusable",
         128: "usable"}
DEBUGCON = ["-debugcon", "file:%s", "-global", "isa-debugcon.iobase=0x402"]


def seabios_map(text):
    """[(start, end exclusive, type)] of the last map SeaBIOS's log printed, or None."""
    found = list(SEABIOS_MAP.finditer(text))
    if not found:
        return None
    entries = [tuple(int(x, 16) for x in m.groups()[:2]) + (int(m.group(3)),)
               for m in SEABIOS_ENTRY.finditer(found[-1].group(2))]
    return entries if len(entries) == int(found[-1].group(1)) else None


def sanitize(entries):
    """3.10's sanitize_e820_map by its definition: at each address the highest type of the
    entries covering it (none: no entry), pieces of one type that touch merged."""
    points = sorted({p for s, e, _ in entries if e > s for p in (s, e)})
    out = []
    for lo, hi in zip(points, points[1:]):
        t = max((ty for s, e, ty in entries if s <= lo < e), default=0)
        if not t:
            continue
        if out and out[-1][1] == lo and out[-1][2] == t:
            out[-1] = (out[-1][0], hi, t)
        else:
            out.append((lo, hi, t))
    return out


def e820_lines(entries, who="BIOS-e820"):
    return ["%s: [mem 0x%016x-0x%016x] %s" % (who, s, e - 1, TYPES.get(t, "type %d" % t))
            for s, e, t in entries]


def summary_line(entries):
    usable = sum(e - s for s, e, t in entries if t in (1, 128))
    return "e820: %d entries, %d KiB usable" % (len(entries), usable >> 10)


def compare(what, got, want):
    """Problems if the list of lines @got is not @want."""
    if got == want:
        return []
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            return ["%s, line %d: %r, expected %r" % (what, i + 1, g, w)]
    return ["%s: %d lines, expected %d (%s)" % (what, len(got), len(want),
                                                 "missing %r" % want[len(got)]
                                                 if len(got) < len(want)
                                                 else "extra %r" % got[len(want)])]


def boot_lines(text):
    """The lines after the heading up to the first that is not an e820 line; None without it."""
    lines = text.replace("\r", "").split("\n")
    if HEADING not in lines:
        return None
    out = []
    for line in lines[lines.index(HEADING) + 1:]:
        if not line.startswith("BIOS-e820: "):
            break
        out.append(line)
    return out


def boot_log_and_e820_match_qemus_map(lab):
    """The boot log's e820 lines and `e820`'s answer are SeaBIOS's map, sanitized, in 3.10's
    format."""
    problems = self_check()
    if problems:
        return ["the checker itself is broken: " + p for p in problems]
    opts = lab.opts
    qopts = types.SimpleNamespace(qemu=getattr(opts, "qemu", None) or "qemu-system-x86_64",
                                  accel=getattr(opts, "accel", None) or "tcg", mem="128M")
    logdir = getattr(opts, "logdir", None) or tempfile.gettempdir()
    os.makedirs(logdir, exist_ok=True)
    bios_log = os.path.join(logdir, "lab-boot-seabios.log")
    serial_log = os.path.join(logdir, "lab-boot-e820.log")
    if os.path.exists(bios_log):
        os.unlink(bios_log)
    devices = [a % bios_log if "%s" in a else a for a in DEBUGCON]
    guest = qemu.spawn(qemu.qemu_cmd(qopts, devices, "", kernel=lab.kernel), serial_log)
    reply = None
    try:
        booted = guest.boot(timeout=getattr(opts, "boot_timeout", None) or 120)
        boot_text = guest.text().decode("utf-8", "replace")
        if booted:
            reply = guest.cmd("e820")
    finally:
        guest.close()
    if not booted:
        return ["the kernel did not reach the monitor's prompt (%s)" % serial_log]
    try:
        with open(bios_log, encoding="utf-8", errors="replace") as f:
            firmware = seabios_map(f.read())
    except OSError:
        firmware = None
    if not firmware:
        return ["SeaBIOS's log (%s) holds no e820 map: cannot check" % bios_log]
    want = sanitize(firmware)
    got = boot_lines(boot_text)
    if got is None:
        problems.append("the boot log has no line %r" % HEADING)
    else:
        problems += compare("the boot log's e820 map", got, e820_lines(want))
    if reply is None:
        problems.append("`e820` did not come back to the prompt")
    else:
        lines = [x for x in reply.replace("\r", "").split("\n")[1:]
                 if x and not x.startswith("> ")]
        problems += compare("`e820`", lines, e820_lines(want) + [summary_line(want)])
    return problems


def self_check():
    """The checker's own pieces on canned text: problems, an empty list if all is well."""
    problems = []
    canned = ("e820 map has 3 items:\n"
              "  0: 0000000000000000 - 000000000009fc00 = 1 RAM\n"
              "  1: 0000000000100000 - 0000000000200000 = 1 RAM\n"
              "  2: 0000000000180000 - 0000000000280000 = 2 RESERVED\n")
    m = seabios_map("junk\n" + canned + "enter handle_19:\n")
    if m != [(0, 0x9fc00, 1), (0x100000, 0x200000, 1), (0x180000, 0x280000, 2)]:
        problems.append("seabios_map read %r" % m)
    s = sanitize(m or [])
    if s != [(0, 0x9fc00, 1), (0x100000, 0x180000, 1), (0x180000, 0x280000, 2)]:
        problems.append("sanitize gave %r" % s)
    if sanitize([(0, 0x1000, 1), (0x1000, 0x2000, 1), (0x800, 0x800, 2)]) != [(0, 0x2000, 1)]:
        problems.append("sanitize does not merge touching RAM")
    if e820_lines([(0, 0x9fc00, 1)]) != [
            "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable"]:
        problems.append("e820_lines gave %r" % e820_lines([(0, 0x9fc00, 1)]))
    if not compare("x", ["a"], ["a", "b"]) or compare("x", ["a"], ["a"]):
        problems.append("compare is wrong")
    return problems


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kernel", default=os.path.join(ROOT, "build", "kernel.elf"))
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("--accel", default="tcg")
    a = ap.parse_args()
    lab = types.SimpleNamespace(kernel=a.kernel, opts=types.SimpleNamespace(
        qemu=a.qemu, accel=a.accel, logdir=tempfile.gettempdir()))
    found = boot_log_and_e820_match_qemus_map(lab)
    for p in found:
        print("  " + p)
    print("ok" if not found else "FAILED")
    sys.exit(1 if found else 0)
