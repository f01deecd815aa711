# SPDX-License-Identifier: MIT
"""tools/init_checks.py - the boot's shape: every initcall; a kernel that stands without its tests.

tools/run-tests.py imports this for step_init(), two checks of issue 10:

  initcall_debug  the default image, no devices, booted with
                  `initcall_debug loglevel=8 ktest.initcall_fail` to the
                  monitor's prompt.  The initcalls the ELF holds are read from
                  its symbols (`nm -n`): each `__initcall_<fn><level>` pointer
                  (include/kernel/init.h), its level found from the
                  `__initcallN_start` symbols linker.ld puts between the levels
                  (and it must agree with the name's).  The log must hold, for
                  each in that order and nothing else, "calling  fn+0x0/0x.. @ 1"
                  then "initcall fn+0x0/0x.. returned R after N usecs": every
                  level ran, in level order, by pid 1, each with its cost.  The
                  test initcall (tests/kernel/test_initcall.c) returns -5 and is
                  reported; every other returns 0; the prompt still comes and
                  answers.  The judge is first shown to refuse a log with two
                  calls swapped, a "returned" missing and a level left out.
  KTEST=n         `make KTEST=n BUILD=<build>/nokt`: a kernel with no suite, no
                  benchmark and no runner linked (its .ktest_suites,
                  .bench_cases and .kernel_runners are empty; no ktest_run or
                  bench_run), which boots to the prompt, answers `help`, says
                  that no tests and no benchmarks are linked at `test` and
                  `bench`, refuses test=all with exit status 35 saying why, and
                  whose .text is under 450 KB, a limit shown to refuse the
                  default image (tests in).

Standalone: python3 tools/init_checks.py --build build
"""

import os
import re
import struct
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402

TEXT_LIMIT = 450 * 1024          # bytes of .text a kernel without its tests may have (TCP,
                                 # HTTP, fragments, ICMP errors and netem took it past 350)
FAILING = "ktest_initcall_fails_on_request"   # tests/kernel/test_initcall.c: -EIO on request
LEVELS = ["early", "1", "2", "3", "4", "5", "6", "7"]
LEVEL_NAMES = ["early", "core", "postcore", "arch", "subsys", "fs", "device", "late"]
BOUNDS = (["__initcall_start"] + ["__initcall%s_start" % lv for lv in LEVELS[1:]]
          + ["__initcall_end"])
CALLING = re.compile(r"^calling  (\w+)\+0x0/0x[0-9a-f]+ @ (\d+)$")
RETURNED = re.compile(r"^initcall (\w+)\+0x0/0x[0-9a-f]+ returned (-?\d+) after (\d+) usecs$")


def section(title):
    print("\n== %s" % title, flush=True)


# ------------------------------------------------------------- the ELF --

def nm_symbols(elf):
    """[(address, name)] of @elf, by address (`nm -n`)."""
    out = subprocess.run(["nm", "-n", elf], stdout=subprocess.PIPE, check=True).stdout.decode()
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            syms.append((int(parts[0], 16), parts[2]))
    return syms


def initcall_table(syms):
    """[(level index, function name)] in call order, from the pointers' symbols; ValueError
    if a bound is missing or a pointer's name does not carry the level it sits in."""
    where = {name: addr for addr, name in syms}
    missing = [b for b in BOUNDS if b not in where]
    if missing:
        raise ValueError("no symbol %s in the image" % ", ".join(missing))
    bounds = [where[b] for b in BOUNDS]
    table = []
    for addr, name in syms:
        if not name.startswith("__initcall_") or name in BOUNDS:
            continue
        level = next((i for i in range(len(LEVELS)) if bounds[i] <= addr < bounds[i + 1]), None)
        if level is None:
            continue        # a function named __initcall_..., not a pointer
        if not name.endswith(LEVELS[level]):
            raise ValueError("%s sits in level %s" % (name, LEVELS[level]))
        table.append((level, name[len("__initcall_"):-len(LEVELS[level])]))
    return table


def text_size(elf):
    """The size of @elf's .text section, read from its ELF64 section headers."""
    with open(elf, "rb") as f:
        data = f.read()
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
    sec = [struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize) for i in range(shnum)]
    strtab = sec[shstrndx][4]
    for name_off, _, _, _, _, size in sec:
        end = data.index(b"\0", strtab + name_off)
        if data[strtab + name_off:end] == b".text":
            return size
    raise ValueError("%s has no .text" % elf)


# ------------------------------------------------------------- the judge --

def initcall_events(log):
    """[("calling"|"returned", fn, pid or return value)] in the order the log says them."""
    events = []
    for line in log.replace("\r", "").splitlines():
        m = CALLING.match(line)
        if m:
            events.append(("calling", m.group(1), int(m.group(2))))
        m = RETURNED.match(line)
        if m:
            events.append(("returned", m.group(1), int(m.group(2))))
    return events


def initcall_problems(log, table, failing=FAILING):
    """What is wrong with @log's initcall_debug lines against @table: [] if each initcall
    was called by pid 1 and returned (0, or -5 for @failing), in @table's order."""
    want = []
    for _, fn in table:
        want += [("calling", fn, 1), ("returned", fn, -5 if fn == failing else 0)]
    got = initcall_events(log)
    for i, (w, g) in enumerate(zip(want, got)):
        if w != g:
            return ["line %d of the initcall lines: expected %s %s (%s), the log says %s %s (%s)"
                    % ((i + 1,) + w + g)]
    if len(got) != len(want):
        return ["%d initcall lines where %d were expected; first extra or missing: %s"
                % (len(got), len(want), (got[len(want):] or want[len(got):])[0])]
    return []


CANNED_TABLE = [(0, "spawn_ksoftirqd"), (4, "blk_init"), (6, "virtblk_init"), (7, FAILING)]
CANNED_LOG = """calling  spawn_ksoftirqd+0x0/0x56 @ 1
initcall spawn_ksoftirqd+0x0/0x56 returned 0 after 126 usecs
calling  blk_init+0x0/0x39 @ 1
ramdisk: what a call prints in between is no problem
initcall blk_init+0x0/0x39 returned 0 after 2360 usecs
calling  virtblk_init+0x0/0xc @ 1
initcall virtblk_init+0x0/0xc returned 0 after 98 usecs
calling  %s+0x0/0x1a @ 1
initcall %s+0x0/0x1a returned -5 after 3 usecs
""" % (FAILING, FAILING)


def check_judge(tally):
    """The judge accepts the canned log and refuses it spoiled three ways."""
    lines = CANNED_LOG.splitlines(True)
    swapped = "".join(lines[:2] + lines[5:7] + lines[2:5] + lines[7:])
    no_return = "".join(lines[:6] + lines[7:])
    no_level = "".join(lines[:5] + lines[7:])
    bad = [name for name, log, ok in [("the canned log", CANNED_LOG, True),
                                      ("two calls swapped", swapped, False),
                                      ("a returned line missing", no_return, False),
                                      ("the device level left out", no_level, False)]
           if (not initcall_problems(log, CANNED_TABLE)) != ok]
    tally.check(not bad, "the initcall judge accepts a good log and refuses one with two calls "
                "swapped, a 'returned' missing or a level left out", bad)


# ------------------------------------------------------------- the boots --

def boot_to_prompt(opts, name, kernel, cmdline, lines):
    """Boot @kernel (no devices) with @cmdline, type @lines at the prompt: (booted, the
    whole log, {line: answer}, exit status)."""
    log_path = os.path.join(opts.logdir, name + ".log")
    guest = qemu.spawn(qemu.qemu_cmd(opts, cmdline=cmdline, kernel=kernel), log_path)
    answers = {}
    try:
        booted = guest.boot(timeout=min(opts.boot_timeout, 120))
        for line in lines if booted else []:
            answers[line] = (guest.cmd(line) or "").replace("\r", "")
    finally:
        status = guest.close()
    with open(log_path, "rb") as f:
        return booted, f.read().decode("utf-8", "replace"), answers, status


def check_initcall_debug(opts, tally):
    section("initcalls: initcall_debug shows every one, level by level, with its cost")
    check_judge(tally)
    try:
        table = initcall_table(nm_symbols(opts.kernel))
    except (ValueError, subprocess.CalledProcessError) as e:
        tally.fail("the image's initcalls are read from its symbols", [str(e)])
        return
    levels = sorted({lv for lv, _ in table})
    tally.check(FAILING in [fn for _, fn in table] and len(levels) >= 5,
                "the image has %d initcalls at levels %s, the test's failing one among them"
                % (len(table), ", ".join(LEVEL_NAMES[lv] for lv in levels)), [repr(table)])
    booted, log, answers, status = boot_to_prompt(
        opts, "initcall-debug", opts.kernel, "initcall_debug loglevel=8 ktest.initcall_fail",
        ["version"])
    where = ["log: %s" % os.path.join(opts.logdir, "initcall-debug.log")]
    bad = initcall_problems(log, table)
    tally.check(not bad, "each initcall is logged 'calling  fn+0x0/0x.. @ 1', then 'initcall "
                "fn+0x0/0x.. returned R after N usecs', in the image's level order", bad + where)
    tally.check("initcall %s+0x0/" % FAILING in log and "returned -5: what it starts is not there"
                in log, "a failing initcall is reported at boot", where)
    tally.check(booted and "teachos" in answers.get("version", ""),
                "after the failing initcall the boot reaches the prompt, which answers", where)
    tally.check(status == qemu.EXIT_OK, "poweroff exits with status 33",
                ["QEMU exit status %s" % status] + where)


def build_nokt(opts):
    """make KTEST=n in <build>/nokt: (the kernel's path, or None; make's output)."""
    build = os.path.join(opts.build, "nokt")
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    r = subprocess.run(["make", "-s", "--no-print-directory", "-j2", "KTEST=n", "BUILD=" + build,
                        "kernel"], cwd=opts.root, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = r.stdout.decode("utf-8", "replace")
    return (os.path.join(build, "kernel.elf") if r.returncode == 0 else None), out


def check_nokt_image(tally, kernel, default_kernel):
    """No test or bench code in @kernel; its .text under the limit, which refuses the default."""
    where = {name: addr for addr, name in nm_symbols(kernel)}
    empty = [s for s in ("ktest_suites", "bench_cases", "kernel_runners")
             if where.get("__%s_start" % s) != where.get("__%s_end" % s)]
    linked = [s for s in ("ktest_run", "bench_run", "ktest_fail", "vblk_test_bio") if s in where]
    tally.check(not empty and not linked, "the KTEST=n image links no suite, benchmark or runner",
                ["non-empty sections: %s" % empty, "symbols: %s" % linked])
    size, full = text_size(kernel), text_size(default_kernel)
    tally.check(size < TEXT_LIMIT, "the KTEST=n image's .text is under 450 KB (%d KB)"
                % (size // 1024), ["%d bytes" % size])
    tally.check(full >= TEXT_LIMIT, "the 450 KB limit would refuse the default image, tests in "
                "(%d KB)" % (full // 1024), ["%d bytes" % full])


def check_nokt(opts, tally):
    section("make KTEST=n: a kernel without its tests boots to the prompt")
    kernel, out = build_nokt(opts)
    if not tally.check(kernel, "make KTEST=n builds", out.splitlines()[-20:]):
        return
    check_nokt_image(tally, kernel, opts.kernel)
    booted, log, answers, status = boot_to_prompt(opts, "nokt", kernel, "",
                                                  ["help", "test", "test all", "bench"])
    where = ["log: %s" % os.path.join(opts.logdir, "nokt.log")]
    helptext = answers.get("help", "")
    tally.check(booted and "poweroff" in helptext and "memcheck" in helptext,
                "it boots to the prompt and help lists the commands", where + helptext.splitlines())
    for line, what in (("test", "tests"), ("test all", "tests"), ("bench", "benchmarks")):
        said = "no %s are linked into this kernel" % what
        tally.check(said in answers.get(line, ""), "'%s' says: %s" % (line, said),
                    where + answers.get(line, "").splitlines())
    tally.check(status == qemu.EXIT_OK, "poweroff exits with status 33",
                ["QEMU exit status %s" % status] + where)
    r = subprocess.run(qemu.qemu_cmd(opts, cmdline="test=all", kernel=kernel),
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=min(opts.boot_timeout, 120))
    log = r.stdout.decode("utf-8", "replace")
    with open(os.path.join(opts.logdir, "nokt-test-all.log"), "w") as f:
        f.write(log)
    tally.check("test=all: no tests are linked into this kernel" in log and r.returncode == 35,
                "test=all on it says no tests are linked and exits with status 35",
                ["QEMU exit status %s" % r.returncode] + log.splitlines()[-5:])


def step_init(opts, tally):
    """initcall_debug on the default image, then the KTEST=n kernel."""
    check_initcall_debug(opts, tally)
    check_nokt(opts, tally)


def main():
    """Standalone: python3 tools/init_checks.py --build build."""
    return qemu.run_alone(__doc__, step_init)


if __name__ == "__main__":
    raise SystemExit(main())
