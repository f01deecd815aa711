# SPDX-License-Identifier: MIT
"""tools/gdb/profile_step.py - the gdb half of tools/profile.py: run inside `gdb -batch -x`.

It attaches to QEMU's gdb stub, waits at a start address, then single-steps (`stepi`) and
counts each program counter it sees, until a stop condition; it writes the counts as JSON.
tools/profile.py does the rest (the guest, the host's traffic, the symbols, the report).

The parameters come as JSON in the environment variable PROFILE_STEP:

  port       the gdb stub's TCP port on 127.0.0.1
  elf        the kernel's ELF (symbols)
  windows    what to count, one after the other, each {start, stop, finish, to_halt, ready}:
               start    the address to break at (counting starts with its instruction)
               stop     addresses: the first one reached ends the window (none: at once);
                        with finish, only once that function has returned (it is counted)
               to_halt  after the stop, go on to the first `hlt` (the CPU idle again)
               ready    a file created once the breakpoint is set (the host then sends)
  halts      the addresses of the kernel's `hlt` instructions
  max        a bound on the steps of all windows (beyond it: a wrong stop address)
  out        the JSON file to write: {"pcs": {pc: count}, "steps", "windows", "reason"}

Interrupts and timers are held while stepping (QEMU's default, set explicitly): the steps are
the path's own, and an interrupt that comes meanwhile is taken at the next `continue`, where
a later window may break on its vector.
"""

import json
import os

import gdb  # noqa: F401 (given by gdb)


def run(cmd):
    return gdb.execute(cmd, to_string=True)


def pc_now():
    return int(gdb.selected_frame().pc())


def word_at(addr):
    return int(gdb.parse_and_eval("*(unsigned long *)%d" % addr)) & 0xFFFFFFFFFFFFFFFF


def window(w, halts, pcs, budget):
    """Break at w["start"], continue, then step and count into @pcs until w's stop.
    Returns (steps, reason)."""
    run("break *%d" % w["start"])
    if w.get("ready"):
        with open(w["ready"], "w") as f:
            f.write("armed\n")
    run("continue")
    run("delete")
    stop = set(w.get("stop") or [])
    halts = halts if w.get("to_halt") else set()
    ret = None  # (return address, stack pointer above it) while finishing a stop function
    stopped = not stop  # the stop condition was met
    steps, pc = 0, pc_now()
    while steps < budget:
        if stopped and (pc in halts or not halts):
            return steps, "halt" if halts else "stop"
        if ret and pc == ret[0] and int(gdb.parse_and_eval("$sp")) >= ret[1]:
            ret, stopped = None, True
            continue
        if not stopped and not ret and pc in stop:
            if w.get("finish"):
                sp = int(gdb.parse_and_eval("$sp"))
                ret = (word_at(sp), sp + 8)
            else:
                stopped = True
                continue
        pcs[pc] = pcs.get(pc, 0) + 1
        steps += 1
        run("stepi")
        pc = pc_now()
    return steps, "max"


def main():
    p = json.loads(os.environ["PROFILE_STEP"])
    run("set pagination off")
    run("set confirm off")
    run("set architecture i386:x86-64")
    run("file %s" % p["elf"])
    run("target remote 127.0.0.1:%d" % p["port"])
    # QEMU's stub: bit 0 steps, bit 1 holds interrupts, bit 2 holds timers while stepping.
    # Timers held: a step is never a tick that came meanwhile.  Interrupts held unless asked.
    run("maintenance packet Qqemu.sstep=%#x" % (0x5 if p.get("irqs") else 0x7))
    halts = set(p.get("halts") or [])
    pcs, windows, reason = {}, [], "stop"
    for w in p["windows"]:
        steps, reason = window(w, halts, pcs, p["max"] - sum(windows))
        windows.append(steps)
        print("profile_step: window %d: %d steps, %s at %#x" % (len(windows), steps, reason,
                                                                pc_now()))
        if reason == "max":
            break
    with open(p["out"], "w") as f:  # also when the bound was reached: what ran tells why
        json.dump({"pcs": {str(k): v for k, v in pcs.items()}, "steps": sum(windows),
                   "windows": windows, "reason": reason}, f)
    run("detach")


main()
