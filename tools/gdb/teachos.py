# SPDX-License-Identifier: MIT
"""tools/gdb/teachos.py - gdb helpers for teachos: the kernel's structures as a student reads them.

`make gdb-attach` and `make gdb-here` load this file (gdb -x); by hand:
`source tools/gdb/teachos.py`.  `help teachos` lists what it adds:

  skb EXPR        an sk_buff: head/data/tail/end as offsets from head, headroom,
                  len and tailroom drawn in order, users, the shared info, the bytes
  bio EXPR        a bio and every bio after it on bi_next: sector, size, rw, vecs
  rq EXPR         a struct request and its bios
  slab [NAME]     every slab cache (as slabinfo), or one cache and its partial slabs
  buddy           the buddy free lists: free blocks per zone and order
  gfp EXPR        a gfp mask as flag names (0xd0 -> GFP_KERNEL)
  kps             the threads, as the monitor's ps, with where each one waits
  kbt PID         the backtrace of a thread that is not running (frame pointers)
  console-attach PATH, console LINE
                  make gdb-here: the serial console inside gdb (output as it
                  comes; LINE is typed at the monitor's prompt)

and pretty-printers: `p *skb`, `p *bio`, `p *rq`, `p *s` (a kmem_cache), `p *t`
(a task) start with a one-line summary; a gfp_t prints as its flag names
everywhere, breakpoint lines included.  The raw fields stay: `p/r *skb`.

This file holds the commands, the console and the pretty-printers; what they
print is made in tools/gdb/teachos_views.py, from the kernel's own structures
read through the debug info.  tools/gdb_checks.py runs them in a gdb -batch
session under `make test` (tools/gdb/session.py, the session docs/debugging.md
shows).
"""
import os
import socket
import sys
import threading

import gdb

sys.dont_write_bytecode = True      # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from teachos_views import (  # noqa: E402
    STATES, SLAB_HEADER, buddy_lines, bio_chain_lines, cstr, deref, enum_name, eval_arg,
    gfp_names, kps_lines, rq_lines, rq_sector, rw_names, saved_frames, skb_lines, skb_summary,
    slab_caches, slab_detail, slab_row, tasks, ulong, where)

# ---------------------------------------------------------------- commands --


class TeachosCommand(gdb.Command):
    """A teachos helper: the subclass's run(arg) returns the lines to print (its docstring
    is its help).  A memory read that fails is reported in one line, as gdb's own are."""

    def __init__(self, name):
        super().__init__(name, gdb.COMMAND_USER)
        self.name = name

    def invoke(self, arg, from_tty):
        try:
            lines = self.run(arg)
        except (gdb.error, gdb.GdbError) as e:     # gdb.MemoryError too: a bad pointer
            text = str(e)
            raise gdb.GdbError(text if text.startswith(self.name + ":") else
                               "%s: %s" % (self.name, text))
        if lines:
            gdb.write("\n".join(lines) + "\n")


class Teachos(TeachosCommand):
    """teachos gdb helpers (tools/gdb/teachos.py).

  skb EXPR        an sk_buff drawn: head/data/tail/end, headroom/len/tailroom,
                  users, shared info (dataref), header offsets, the first bytes
  bio EXPR        a bio chain: each bio's sector, size, rw, vecs; follows bi_next
  rq EXPR         a struct request (type, flags, sector, bytes, disk) and its bios
  slab [NAME]     slab caches as slabinfo; with NAME one cache and its slabs
  buddy           the buddy allocator's free lists, per zone and order
  gfp EXPR        a gfp mask as flag names: gfp 0xd0 -> GFP_KERNEL
  kps             the threads (as ps) and where each one waits
  kbt PID         backtrace of a thread that is not running
  console LINE    (make gdb-here) type LINE at the monitor; output shows as it comes
Pretty-printers: p *skb, p *bio, p *rq, p *cache, p *task begin with a summary;
a gfp_t prints as flag names.  p/r shows the raw value.  docs/debugging.md has a session."""

    def __init__(self):
        super().__init__("teachos")

    def run(self, arg):
        return [self.__doc__]


class SkbCommand(TeachosCommand):
    """skb EXPR: an sk_buff drawn - offsets of data/tail/end from head, headroom, len, tailroom,
users, dataref from the shared info, the header offsets and the first 64 bytes of data.
EXPR is a struct sk_buff * or a struct sk_buff (skb, $, *skb)."""

    def __init__(self):
        super().__init__("skb")

    def run(self, arg):
        return skb_lines(deref(eval_arg(arg, "sk_buff"), arg.strip(), "sk_buff"))


class BioCommand(TeachosCommand):
    """bio EXPR: a bio and the bios after it on bi_next - sector, bytes, READ/WRITE and flags,
vecs (page frame, offset, length), references, pool and end_io.  EXPR: a struct bio *."""

    def __init__(self):
        super().__init__("bio")

    def run(self, arg):
        return bio_chain_lines(deref(eval_arg(arg, "bio"), arg.strip(), "bio"))


class RqCommand(TeachosCommand):
    """rq EXPR: a struct request - type (FS, BLOCK_PC), flags, sector, bytes left, disk,
segments - and its bios from rq->bio to rq->biotail.  EXPR: a struct request *."""

    def __init__(self):
        super().__init__("rq")

    def run(self, arg):
        return rq_lines(deref(eval_arg(arg, "request"), arg.strip(), "request"))


class SlabCommand(TeachosCommand):
    """slab [NAME|EXPR]: without an argument, every slab cache as the monitor's slabinfo
(object and slot size, objects per slab, order, active/total objects, slabs, partial slabs);
with a cache name (slab kmalloc-64) or a struct kmem_cache *, that cache and its slabs."""

    def __init__(self):
        super().__init__("slab")

    def run(self, arg):
        arg = arg.strip()
        if not arg:
            return [SLAB_HEADER] + [slab_row(s) for s in slab_caches()]
        for s in slab_caches():
            if cstr(s["name"]) == arg:
                return slab_detail(s)
        try:
            value = gdb.parse_and_eval(arg)
        except gdb.error:
            raise gdb.GdbError("slab: no cache named '%s' (slab alone lists them)" % arg)
        return slab_detail(deref(value, arg, "kmem_cache"))


class BuddyCommand(TeachosCommand):
    """buddy: the buddy allocator's free lists - free blocks of each order in each zone of
each node (as the monitor's buddyinfo), the free pages they add up to and the per-CPU list."""

    def __init__(self):
        super().__init__("buddy")

    def run(self, arg):
        return buddy_lines()


class GfpCommand(TeachosCommand):
    """gfp EXPR: a gfp mask as flag names, as include/mm/gfp.h defines them.
gfp 0xd0 -> GFP_KERNEL; gfp gfp_mask in a frame that has one."""

    def __init__(self):
        super().__init__("gfp")

    def run(self, arg):
        v = eval_arg(arg, "gfp mask")
        if v.is_optimized_out:
            raise gdb.GdbError("%s is <optimized out> here" % arg.strip())
        return ["0x%x = %s" % (int(v), gfp_names(int(v)))]


class KpsCommand(TeachosCommand):
    """kps: every thread (all_tasks), as the monitor's ps: pid, state (R running or runnable,
S/D asleep, X dead), name, and for a thread that is not running the functions it waits in."""

    def __init__(self):
        super().__init__("kps")

    def run(self, arg):
        return kps_lines()


class KbtCommand(TeachosCommand):
    """kbt PID: the backtrace of thread PID when it is not the one running - read from the
registers kernel/switch.S saved on its stack, then its frame pointers.  (For the running
thread, gdb's own bt.)"""

    def __init__(self):
        super().__init__("kbt")

    def run(self, arg):
        pid = int(eval_arg(arg, "thread (a pid)"))
        current = ulong(gdb.parse_and_eval("current_task"))
        for t in tasks():
            if int(t["pid"]) != pid:
                continue
            if ulong(t.address) == current:
                raise gdb.GdbError("kbt: %d is the running thread: use bt" % pid)
            frames = saved_frames(t)
            return ["#%-2d %s" % (i, where(a)) for i, a in enumerate(frames)] or \
                ["kbt: no frames on %d's stack" % pid]
        raise gdb.GdbError("kbt: no thread with pid %d (kps lists them)" % pid)

# ---------------------------------------------------------------- console --


class Console:
    """The serial console on a socket (make gdb-here): what the kernel prints is written to
    this terminal as it arrives (by a thread: it shows while the kernel runs), and lines
    typed with `console LINE` go to the monitor."""

    def __init__(self):
        self.sock = None

    def attach(self, path, wait_s=10.0):
        import time
        end = time.monotonic() + wait_s
        while True:
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(path)
                break
            except OSError as e:
                s.close()
                if time.monotonic() > end:
                    raise gdb.GdbError("console-attach: %s: %s" % (path, e))
                time.sleep(0.1)
        self.sock = s
        threading.Thread(target=self.pump, daemon=True).start()

    def pump(self):
        while True:
            try:
                data = self.sock.recv(4096)
            except OSError:
                return
            if not data:
                return
            os.write(1, data.replace(b"\r", b""))

    def send(self, text):
        if self.sock is None:
            raise gdb.GdbError("console: not attached (make gdb-here attaches it)")
        self.sock.sendall(text.encode())


CONSOLE = Console()


class ConsoleAttachCommand(TeachosCommand):
    """console-attach PATH: show the serial console on the unix socket PATH (make gdb-here
does this); `console LINE` then types at the monitor's prompt."""

    def __init__(self):
        super().__init__("console-attach")

    def run(self, arg):
        CONSOLE.attach(arg.strip())
        return []


class ConsoleCommand(TeachosCommand):
    """console LINE: type LINE (and Enter) at the kernel's monitor prompt (make gdb-here).
The kernel reads it when it runs: `console blk check vda`, then `continue`.
`console ^C` sends Ctrl-C to the monitor."""

    def __init__(self):
        super().__init__("console")

    def run(self, arg):
        CONSOLE.send("\x03" if arg.strip() == "^C" else arg + "\n")
        return []

# ---------------------------------------------------------- pretty-printers --


class Summary:
    """A struct printed as a summary line, then its fields as gdb prints them."""

    def __init__(self, val, summary):
        self.val = val
        self.summary = summary

    def to_string(self):
        try:
            return self.summary(self.val)
        except (gdb.error, gdb.MemoryError) as e:
            return "<%s>" % e

    def children(self):
        for f in self.val.type.strip_typedefs().fields():
            if f.name:
                yield f.name, self.val[f.name]


class GfpPrinter:
    def __init__(self, val):
        self.val = val

    def to_string(self):
        return "0x%x (%s)" % (int(self.val), gfp_names(int(self.val)))


def bio_summary(bio):
    vcnt = int(bio["bi_vcnt"])
    return "bio: sector %d, %d bytes, %s, %d vec%s%s" % (
        int(bio["bi_sector"]), int(bio["bi_size"]), rw_names(bio["bi_rw"]), vcnt,
        "" if vcnt == 1 else "s", ", more on bi_next" if ulong(bio["bi_next"]) else "")


def rq_summary(rq):
    return "request: %s %s, sector %s, %d bytes left" % (
        enum_name(rq["cmd_type"], "enum rq_cmd_type_bits", "REQ_TYPE_"), rw_names(rq["cmd_flags"]),
        rq_sector(rq), int(rq["__data_len"]))


def cache_summary(s):
    return "kmem_cache %s: %d-byte objects, %d per slab" % (
        cstr(s["name"]), int(s["object_size"]), int(s["objects"]))


def task_summary(t):
    return "task %d %s, %s" % (int(t["pid"]), cstr(t["comm"]), STATES.get(int(t["state"]), "?"))


STRUCT_SUMMARIES = {"sk_buff": skb_summary, "bio": bio_summary, "request": rq_summary,
                    "kmem_cache": cache_summary, "task_struct": task_summary}


def lookup_printer(val):
    if val.type.name == "gfp_t" or (val.type.code == gdb.TYPE_CODE_TYPEDEF
                                     and val.type.name == "gfp_t"):
        return GfpPrinter(val)
    t = val.type.strip_typedefs()
    if t.code == gdb.TYPE_CODE_STRUCT and t.tag in STRUCT_SUMMARIES:
        return Summary(val, STRUCT_SUMMARIES[t.tag])
    return None


def register():
    for cls in (Teachos, SkbCommand, BioCommand, RqCommand, SlabCommand, BuddyCommand,
                GfpCommand, KpsCommand, KbtCommand, ConsoleAttachCommand, ConsoleCommand):
        cls()
    gdb.pretty_printers.append(lookup_printer)
    # No "--Type <RET> for more--" in the middle of a long listing.
    gdb.execute("set pagination off")


register()
