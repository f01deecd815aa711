# SPDX-License-Identifier: MIT
"""tools/init_checks.py - the boot's shape: every initcall; a kernel that stands without its tests.

tools/run-tests.py imports this for step_init(), the checks of issue 10:

  initcall_debug  the default image with its tests module, no devices, booted
                  with `initcall_debug loglevel=8 ktest.initcall_fail` to the
                  monitor's prompt.  The initcalls the ELF holds are read from
                  its symbols (`nm -n`): each `__initcall_<fn><level>` pointer
                  (include/kernel/init.h), its level found from the
                  `__initcallN_start` symbols linker.ld puts between the levels
                  (and it must agree with the name's); the tests module's, in
                  [__ktests_initcall_start, __ktests_initcall_end), of any
                  level, run after every level-7 one (pseudo level "module").
                  The log must hold, for each in that order and nothing else,
                  "calling  fn+0x0/0x.. @ 1" then "initcall fn+0x0/0x..
                  returned R after N usecs": every level ran, in level order,
                  by pid 1, each with its cost.  The test initcall
                  (tests/kernel/test_initcall.c) returns -5 and is reported;
                  every other returns 0; the prompt still comes and answers.
                  The judge is first shown to refuse a log with two calls
                  swapped, a "returned" missing and a level left out, and the
                  table reader a module initcall with no level in its name.
  no module       the kernel without its tests module (ktests.bin).  Its
                  image: ktest_run, bench_run, ktest_fail and vblk_test_bio are
                  in the module's text, the suite, benchmark and runner tables
                  in [_ktests_start, _ktests_end), and the text the loader
                  loads (_etext - _kernel_start) is under 450 KB, a limit shown
                  to refuse it with the module's text.  Booted alone
                  (-kernel, no -initrd) it reaches the prompt, answers `help`,
                  says that no tests and no benchmarks are loaded at `test`,
                  `test all` and `bench`, and refuses test=all with exit
                  status 35 saying why.  Booted with a module spoiled from
                  ktests.bin (written to the log directory: the build ID's
                  first byte flipped, cut to half its image, its size 4 KiB
                  more) it says why it refused it, reports a degraded boot and
                  has no tests; with 4 KiB of zeros (no header) it says the
                  module is ignored.  Booted with ktests.bin, the log says the
                  module is loaded and `test list` lists its suites.

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

# Bytes of text the loader may load (TCP, HTTP, fragments, ICMP errors and netem took it
# past 350 KB).
TEXT_LIMIT = 450 * 1024
FAILING = "ktest_initcall_fails_on_request"   # tests/kernel/test_initcall.c: -EIO on request
LEVELS = ["early", "1", "2", "3", "4", "5", "6", "7"]       # the names' level suffixes
MODULE = len(LEVELS)    # the pseudo level of the tests module's initcalls: after level 7
LEVEL_NAMES = ["early", "core", "postcore", "arch", "subsys", "fs", "device", "late", "module"]
BOUNDS = (["__initcall_start"] + ["__initcall%s_start" % lv for lv in LEVELS[1:]]
          + ["__initcall_end"])
MODULE_BOUNDS = ["__ktests_initcall_start", "__ktests_initcall_end"]
CALLING = re.compile(r"^calling  (\w+)\+0x0/0x[0-9a-f]+ @ (\d+)$")
RETURNED = re.compile(r"^initcall (\w+)\+0x0/0x[0-9a-f]+ returned (-?\d+) after (\d+) usecs$")
MODULE_CODE = ["ktest_run", "bench_run", "ktest_fail", "vblk_test_bio"]
MODULE_TABLES = ["ktest_suites", "bench_cases", "kernel_runners"]
KTESTS = struct.Struct("<IIQQQ20s12x")      # struct ktests_header (include/kernel/ktests.h)
NO_TESTS = "no tests are loaded: the loader passed no tests module (ktests.bin)"


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
    """[(level index, function name)] in call order, from the pointers' symbols: the kernel's
    levels, then the tests module's initcalls (MODULE; they lie above the kernel).  ValueError
    if a bound is missing or a pointer's name does not carry the level it sits in (any level,
    in the module)."""
    where = {name: addr for addr, name in syms}
    missing = [b for b in BOUNDS + MODULE_BOUNDS if b not in where]
    if missing:
        raise ValueError("no symbol %s in the image" % ", ".join(missing))
    bounds = [where[b] for b in BOUNDS]
    table = []
    for addr, name in syms:
        if not name.startswith("__initcall_") or name in BOUNDS:
            continue
        level = next((i for i in range(len(LEVELS)) if bounds[i] <= addr < bounds[i + 1]), None)
        if level is None and where[MODULE_BOUNDS[0]] <= addr < where[MODULE_BOUNDS[1]]:
            level = MODULE
        if level is None:
            continue        # a function named __initcall_..., not a pointer
        suffix = (LEVELS[level] if level < MODULE
                  else next((lv for lv in LEVELS if name.endswith(lv)), ""))
        if not suffix or not name.endswith(suffix):
            raise ValueError("%s sits in level %s" % (name, LEVEL_NAMES[level]))
        table.append((level, name[len("__initcall_"):-len(suffix)]))
    return table


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


CANNED_TABLE = [(0, "spawn_ksoftirqd"), (4, "blk_init"), (6, "virtblk_init"), (MODULE, FAILING)]
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
# nm -n of the bounds and pointers CANNED_TABLE comes from (the module's last).
CANNED_SYMS = ([(0x100, "__initcall_start"), (0x100, "__initcall_spawn_ksoftirqdearly")]
               + [(0x108, "__initcall%d_start" % i) for i in (1, 2, 3, 4)]
               + [(0x108, "__initcall_blk_init4"), (0x110, "__initcall5_start"),
                  (0x110, "__initcall6_start"), (0x110, "__initcall_virtblk_init6"),
                  (0x118, "__initcall7_start"), (0x118, "__initcall_end"),
                  (0x900, "__initcall_%s7" % FAILING), (0x900, "__ktests_initcall_start"),
                  (0x908, "__ktests_initcall_end")])


def check_judge(tally):
    """The judge accepts the canned log and refuses it spoiled three ways; the table reader
    puts a module initcall after level 7 and refuses one whose name has no level."""
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
    nameless = [(a, "__initcall_%s" % FAILING if n.endswith("request7") else n)
                for a, n in CANNED_SYMS]

    def read(syms):
        try:
            return initcall_table(syms)
        except ValueError as e:
            return str(e)
    table, refused = read(CANNED_SYMS), read(nameless)
    tally.check(table == CANNED_TABLE and isinstance(refused, str), "the table reader puts the "
                "module's initcall after level 7 and refuses one whose name carries no level",
                ["canned symbols read as %r" % (table,), "with no level: %r" % (refused,)])


# ------------------------------------------------------------- the boots --

def boot_to_prompt(opts, name, kernel, cmdline, lines, ktests=True, devices=()):
    """Boot @kernel (with its tests module if @ktests; @devices) with @cmdline, type @lines
    at the prompt: (booted, the whole log, {line: answer}, exit status)."""
    log_path = os.path.join(opts.logdir, name + ".log")
    cmd = qemu.qemu_cmd(opts, devices, cmdline=cmdline, kernel=kernel, ktests=ktests)
    guest = qemu.spawn(cmd, log_path)
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
    tally.check((MODULE, FAILING) in table and len(levels) >= 6,
                "the image has %d initcalls at levels %s, the test's failing one in the module"
                % (len(table), ", ".join(LEVEL_NAMES[lv] for lv in levels)), [repr(table)])
    booted, log, answers, status = boot_to_prompt(
        opts, "initcall-debug", opts.kernel, "initcall_debug loglevel=8 ktest.initcall_fail",
        ["version"])
    where = ["log: %s" % os.path.join(opts.logdir, "initcall-debug.log")]
    bad = initcall_problems(log, table)
    tally.check(not bad, "each initcall is logged 'calling  fn+0x0/0x.. @ 1', then 'initcall "
                "fn+0x0/0x.. returned R after N usecs', in the image's level order, the "
                "module's last", bad + where)
    tally.check("initcall %s+0x0/" % FAILING in log and "returned -5: what it starts is not there"
                in log, "a failing initcall is reported at boot", where)
    tally.check(booted and "teachos" in answers.get("version", ""),
                "after the failing initcall the boot reaches the prompt, which answers", where)
    tally.check(status == qemu.EXIT_OK, "poweroff exits with status 33",
                ["QEMU exit status %s" % status] + where)


def check_module_image(tally, kernel):
    """The tests and benchmarks lie in the module, not in the text the loader loads, which is
    under TEXT_LIMIT; the limit would refuse it with the module's text."""
    where = {name: addr for addr, name in nm_symbols(kernel)}
    bounds = ["_kernel_start", "_etext", "_ktests_start", "_ktests_etext", "_ktests_end"]
    missing = [s for s in bounds if s not in where]
    if not tally.check(not missing, "the image has the kernel's and the module's bounds",
                       ["no symbol %s" % ", ".join(missing)]):
        return
    start, etext, end = where["_ktests_start"], where["_ktests_etext"], where["_ktests_end"]
    code = [s for s in MODULE_CODE if not start <= where.get(s, -1) < etext]
    tables = [t for t in MODULE_TABLES if not start <= where.get("__%s_start" % t, -1)
              < where.get("__%s_end" % t, -1) < end]
    tally.check(not code and not tables, "%s are in the module's text, its suites, benchmarks "
                "and runners in [_ktests_start, _ktests_end)" % ", ".join(MODULE_CODE),
                ["_ktests_start %#x, _ktests_etext %#x, _ktests_end %#x" % (start, etext, end)]
                + ["%s at %#x" % (s, where[s]) if s in where else "no %s" % s for s in code]
                + ["__%s_start/_end: %s, %s" % (t, hex(where.get("__%s_start" % t, -1)),
                                                hex(where.get("__%s_end" % t, -1)))
                   for t in tables])
    text, mtext = where["_etext"] - where["_kernel_start"], etext - start
    tally.check(text < TEXT_LIMIT, "the text the loader loads is under 450 KB (%d KB)"
                % (text // 1024), ["%d bytes" % text])
    tally.check(text + mtext >= TEXT_LIMIT, "the 450 KB limit would refuse it with the module's "
                "text (%d KB)" % ((text + mtext) // 1024), ["%d + %d bytes" % (text, mtext)])


def check_alone(opts, tally):
    """Booted without the module: the prompt, help, no tests, no benchmarks, no test=all."""
    booted, log, answers, status = boot_to_prompt(opts, "no-ktests", opts.kernel, "",
                                                  ["help", "test", "test all", "bench"],
                                                  ktests=False)
    where = ["log: %s" % os.path.join(opts.logdir, "no-ktests.log")]
    helptext = answers.get("help", "")
    tally.check(booted and "poweroff" in helptext and "memcheck" in helptext,
                "without its tests module it boots to the prompt and help lists the commands",
                where + helptext.splitlines())
    for line, what in (("test", "tests"), ("test all", "tests"), ("bench", "benchmarks")):
        said = "%s: no %s are loaded" % (line.split()[0], what)
        tally.check(said in answers.get(line, ""), "'%s' says: %s" % (line, said),
                    where + answers.get(line, "").splitlines()[:5])
    tally.check(status == qemu.EXIT_OK, "poweroff exits with status 33",
                ["QEMU exit status %s" % status] + where)
    log_path = os.path.join(opts.logdir, "no-ktests-test-all.log")
    cmd = qemu.qemu_cmd(opts, cmdline="test=all", ktests=False)
    try:
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=min(opts.boot_timeout, 120))
        out, status = r.stdout, r.returncode
    except subprocess.TimeoutExpired as e:
        out, status = e.stdout or b"", None
    log = out.decode("utf-8", "replace")
    with open(log_path, "w") as f:
        f.write(log)
    tally.check("test=all: " + NO_TESTS in log and status == 35,
                "test=all without it says no tests are loaded and exits with status 35",
                ["QEMU exit status %s" % status, "log: %s" % log_path] + log.splitlines()[-5:])


def ktests_lines(log):
    """The lines of @log kernel/ktests.c wrote."""
    return "\n".join(ln for ln in log.splitlines() if ln.startswith("ktests: "))


MOVED_RE = re.compile(r"^ktests: the tests module, \d+ KiB, moved from (0x[0-9a-f]+) \(module "
                      r"(\d+)\) to 0x1000000$", re.M)
KTESTS_PHYS = 16 << 20


def boot_padded(opts, name, module, pad_len):
    """Boot test=ktests with a module of @pad_len zero bytes before ktests.bin (@module, a
    path): (exit status, where the log says ktests.bin was, or None, which module, the log)."""
    pad = os.path.join(opts.logdir, name + "-pad.bin")
    with open(pad, "wb") as f:
        f.truncate(pad_len)
    log_path = os.path.join(opts.logdir, name + ".log")
    cmd = qemu.qemu_cmd(opts, ["-initrd", pad + "," + module], cmdline="test=ktests",
                        ktests=False)
    try:
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=min(opts.boot_timeout, 120))
        status, out = r.returncode, r.stdout
    except subprocess.TimeoutExpired as e:
        status, out = None, e.stdout or b""
    log = out.decode("utf-8", "replace").replace("\r", "")
    with open(log_path, "w") as f:
        f.write(log)
    m = MOVED_RE.search(log)
    return status, (int(m.group(1), 16) if m else None), (m.group(2) if m else None), log


def check_moved(opts, tally, module, size):
    """ktests.bin where the loader put it overlapping its place at 16 MiB, below it and
    above it: moved all the same (memmove), its .bss zeroed over the old bytes there
    (suite ktests passes), and a module before it without the magic ignored."""
    _, first, _, log = boot_padded(opts, "ktests-pad-probe", module, 4096)
    if not tally.check(first is not None, "behind a 4 KiB module of zeros, ktests.bin is "
                       "loaded (module 1), and the log says from where",
                       ktests_lines(log).splitlines()):
        return
    base = first - 4096                 # where QEMU puts the first module
    for where, src in (("below", KTESTS_PHYS - size // 2), ("above", KTESTS_PHYS + size // 2)):
        name = "ktests-pad-" + where
        status, got, index, log = boot_padded(opts, name, module, src - base)
        overlaps = got is not None and got < KTESTS_PHYS + size and KTESTS_PHYS < got + size
        tally.check(overlaps and (got < KTESTS_PHYS) == (where == "below") and index == "1"
                    and "1 boot module without the tests module's header, ignored" in log
                    and re.search(r"# ktest: [1-9]\d* passed, 0 failed", log)
                    and status == qemu.EXIT_OK,
                    "ktests.bin put %s 16 MiB, overlapping its place (%s): moved, suite "
                    "ktests passes, the module before it ignored" % (
                        where, "%#x" % got if got is not None else "not loaded"),
                    ["log: %s" % os.path.join(opts.logdir, name + ".log"),
                     "QEMU exit status %s" % status] + ktests_lines(log).splitlines())


def spoiled_modules(module):
    """[(name, the file's bytes, what the log must say)]: ktests.bin's bytes @module spoiled
    four ways; the first three keep the magic and are refused, the last has no header."""
    magic, hsize, start, size, mem_size, build_id = KTESTS.unpack_from(module)
    other_id = bytes([build_id[0] ^ 0xff]) + build_id[1:]
    return [("ktests-build-id", KTESTS.pack(magic, hsize, start, size, mem_size, other_id)
             + module[KTESTS.size:], "refused: it was built with another kernel"),
            ("ktests-cut", module[:KTESTS.size + size // 2], "refused: it is cut short"),
            ("ktests-size", KTESTS.pack(magic, hsize, start, size + 4096, mem_size, build_id)
             + module[KTESTS.size:], "refused: its layout is not the one"),
            ("ktests-zeros", bytes(4096), "boot module without the tests module's header, "
             "ignored")]


def check_spoiled(opts, tally, name, data, said):
    """Boot with @data as the only module: the log says @said, the prompt answers `test`
    with no tests; refused (@said) means a degraded boot, ignored means no refusal."""
    path = os.path.join(opts.logdir, name + ".bin")
    with open(path, "wb") as f:
        f.write(data)
    booted, log, answers, status = boot_to_prompt(opts, name, opts.kernel, "", ["test"],
                                                  ktests=False, devices=["-initrd", path])
    refused = "refused:" in said
    logged = said in log and ("boot: degraded: ktests: the tests module refused" in log
                              if refused else "refused:" not in ktests_lines(log))
    tally.check(logged, "with %s.bin the log says \"%s\"%s" % (
        name, said, ", and the boot is degraded" if refused else ", and no refusal"),
        ["module: %s" % path, "log: %s" % os.path.join(opts.logdir, name + ".log")]
        + [ln for ln in log.splitlines() if "ktests" in ln])
    # `test` gives the refusal's reason, or that there is no module.
    why = said.split("refused: ", 1)[1] if refused else NO_TESTS.split(": ", 1)[1]
    tally.check(booted and "test: no tests are loaded: " + why in answers.get("test", "")
                and status == qemu.EXIT_OK, "then the prompt answers `test`: no tests are "
                "loaded: %s, and poweroff exits with status 33" % why,
                ["QEMU exit status %s" % status] + answers.get("test", "").splitlines()[:5])


def check_loaded(opts, tally):
    """The normal boot loads the module: said in the log, and `test list` has suites."""
    booted, log, answers, status = boot_to_prompt(opts, "ktests", opts.kernel, "",
                                                  ["test list"])
    where = ["log: %s" % os.path.join(opts.logdir, "ktests.log")]
    tally.check("ktests: the tests module," in log and "refused:" not in ktests_lines(log),
                "with ktests.bin the log says \"ktests: the tests module, ...\" and refuses "
                "nothing", where + [ln for ln in log.splitlines() if "ktests" in ln])
    listed = answers.get("test list", "")
    tally.check(booted and "initcall" in listed and "no tests are loaded" not in listed
                and status == qemu.EXIT_OK, "`test list` lists its suites (initcall among "
                "them), and poweroff exits with status 33",
                where + ["QEMU exit status %s" % status] + listed.splitlines()[:10])


def check_no_module(opts, tally):
    section("the kernel without its tests module: the image, a boot alone, modules refused")
    check_module_image(tally, opts.kernel)
    check_alone(opts, tally)
    module = os.path.join(os.path.dirname(opts.kernel), "ktests.bin")
    if not tally.check(os.path.exists(module), "the tests module is built: %s" % module):
        return
    with open(module, "rb") as f:
        data = f.read()
    for name, spoiled, said in spoiled_modules(data):
        check_spoiled(opts, tally, name, spoiled, said)
    check_loaded(opts, tally)
    check_moved(opts, tally, module, len(data))


def step_init(opts, tally):
    """initcall_debug on the default image, then the kernel without its tests module."""
    check_initcall_debug(opts, tally)
    check_no_module(opts, tally)


def main():
    """Standalone: python3 tools/init_checks.py --build build."""
    return qemu.run_alone(__doc__, step_init)


if __name__ == "__main__":
    raise SystemExit(main())
