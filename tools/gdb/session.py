# SPDX-License-Identifier: MIT
"""tools/gdb/session.py - the guided gdb session of docs/debugging.md, run inside gdb -batch.

tools/gdb_checks.py boots make run's machine (QEMU's gdb stub on a free port,
the serial console on a unix socket), waits for the monitor prompt and runs

    gdb -batch -x tools/gdb/teachos.py -x tools/gdb/session.py build/kernel.elf

with TEACHOS_GDB_PORT, TEACHOS_CONSOLE (the socket) and TEACHOS_UDP_PORT (the
host port forwarded to the guest's UDP echo service) in the environment, and
TEACHOS_GDB_TRANSCRIPT=1 when the session is docs/debugging.md's transcript
(then the datagram must leave from HOST_PORT: the hex dump shows it).  This
script then does what a student does by hand: attach, break in udp_rcv and
send a datagram from the host, look at the skb, break in __alloc_skb for the
echo's reply, type `blk check vda` at the monitor and stop in
blk_make_request, look at the bio chain and the request, and detach.

It prints each command as "(gdb) command" followed by gdb's answer: that is
the transcript docs/debugging.md shows.  Lines starting "@@" are for the
checker only (what the host saw); tools/gdb_checks.py takes them out.

Every `continue` has a watchdog: a breakpoint that has not fired within
CONTINUE_S seconds (TEACHOS_GDB_CONTINUE_S) is a failure; the watchdog stops
the kernel (SIGINT, as Ctrl-C would), the session prints "@@ session failed:"
naming the breakpoint, detaches and ends, so the checker goes on.
"""
import os
import re
import signal
import socket
import threading
import time

import gdb

PAYLOAD = b"hello from the host\n"
HOST_PORT = 40007       # the datagram's source port: the UDP header in the transcript shows it
CONTINUE_S = float(os.environ.get("TEACHOS_GDB_CONTINUE_S", "60"))


class SessionFailed(Exception):
    pass


def say(text):
    gdb.write(text if text.endswith("\n") or not text else text + "\n")
    gdb.flush()


def run(cmd):
    """Type @cmd at gdb's prompt; print it and what gdb answered."""
    say("(gdb) " + cmd)
    try:
        out = gdb.execute(cmd, to_string=True)
    except gdb.error as e:
        out = "%s\n" % e
    say(out)
    return out


def run_break(spec):
    """`break @spec`; returns the new breakpoint's number, for `delete N` (a bare `delete`
    typed at gdb's prompt asks "Delete all breakpoints? (y or n)"; only -batch says yes)."""
    out = run("break " + spec)
    m = re.match(r"Breakpoint (\d+) at ", out)
    if not m:
        raise SessionFailed("break %s: %s" % (spec, out.strip()))
    return int(m.group(1))


def run_continue(where):
    """`continue`, which must stop at the breakpoint in @where within CONTINUE_S seconds;
    else the watchdog interrupts the kernel and SessionFailed says which one never fired."""
    stopped, hits = threading.Event(), []

    def on_stop(event):
        if isinstance(event, gdb.BreakpointEvent):
            hits.extend(bp.location for bp in event.breakpoints)

    def watchdog():
        if not stopped.wait(CONTINUE_S):
            os.kill(os.getpid(), signal.SIGINT)     # gdb stops the target, as Ctrl-C does

    threading.Thread(target=watchdog, daemon=True).start()
    gdb.events.stop.connect(on_stop)
    try:
        run("continue")
    except KeyboardInterrupt:
        pass
    finally:
        stopped.set()
        gdb.events.stop.disconnect(on_stop)
    if not any(loc and loc.startswith(where) for loc in hits):
        raise SessionFailed("the breakpoint in %s did not fire within %.0f s (stopped at: %s)"
                            % (where, CONTINUE_S, hits or "no breakpoint"))


def note(text):
    """A comment in the transcript: what happens outside gdb at this point."""
    say("(gdb) # " + text)


class Console:
    """The serial console: type at the monitor, collect what it prints."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.sock.settimeout(0.2)
        self.text = b""

    def type(self, line):
        self.sock.sendall(line.encode() + b"\n")

    def collect(self, until, timeout):
        """Read until @until (bytes) shows up or @timeout seconds pass; True if it did."""
        end = time.monotonic() + timeout
        while until not in self.text and time.monotonic() < end:
            try:
                chunk = self.sock.recv(4096)
            except socket.timeout:
                continue
            if not chunk:
                break
            self.text += chunk.replace(b"\r", b"")
        return until in self.text


def skb_part(udp):
    """Stop where the datagram arrives, then where the echo allocates its reply."""
    bp = run_break("udp_rcv")
    note("the host sends %r to the forwarded UDP port (the echo service, port 7)"
         % PAYLOAD.decode())
    udp.sendto(PAYLOAD, ("127.0.0.1", int(os.environ["TEACHOS_UDP_PORT"])))
    run_continue("udp_rcv")
    run("skb skb")
    run("bt")
    run("delete %d" % bp)
    bp = run_break('__alloc_skb if $_any_caller_is("udp_sendto", 4)')
    run_continue("__alloc_skb")
    run("gfp gfp_mask")
    # Gone before `finish`: an interrupt that allocates on this stack while
    # __alloc_skb runs could meet the condition too and cut `finish` short.
    run("delete %d" % bp)
    run("finish")
    run("skb $")


def block_part(console):
    """Stop in blk_make_request while the monitor runs `blk check vda`."""
    bp = run_break("blk_make_request")
    note("at the monitor prompt: blk check vda")
    console.type("blk check vda")
    run_continue("blk_make_request")
    run("bio bio")
    run("delete %d" % bp)
    run("finish")
    run("rq $")


def tour():
    """The helpers that need no breakpoint, where gdb stopped the idle kernel."""
    run("gfp 0x8020")
    run("slab skbuff_head_cache")
    run("buddy")
    run("kps")


def bind_source(udp):
    """The datagram's source port: HOST_PORT if free; in a transcript it must be."""
    try:
        udp.bind(("127.0.0.1", HOST_PORT))
    except OSError as e:
        if os.environ.get("TEACHOS_GDB_TRANSCRIPT") == "1":
            raise SessionFailed("UDP port %d (the datagram's source port, shown in the "
                                "transcript) is in use: %s" % (HOST_PORT, e))
        udp.bind(("127.0.0.1", 0))              # the check reads any port


def main():
    console = Console(os.environ["TEACHOS_CONSOLE"])
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.settimeout(10)
    bind_source(udp)
    gdb.execute("target remote 127.0.0.1:%s" % os.environ["TEACHOS_GDB_PORT"], to_string=True)
    note("attached (target remote): the kernel is stopped, at its monitor prompt")
    tour()
    skb_part(udp)
    block_part(console)
    run("detach")
    try:
        reply = udp.recv(2048)
    except socket.timeout:
        reply = b""
    say("@@ echo reply: %r" % reply)
    ok = console.collect(b"\n> ", 30)
    say("@@ console after blk check (prompt back: %s): %r"
        % (ok, console.text.decode("utf-8", "replace")))


try:
    main()
except BaseException as e:         # noqa: BLE001 - the checker must see any failure
    say("@@ session failed: %s: %s" % (type(e).__name__, e))
    try:                            # leave the kernel running: poweroff must still work
        gdb.execute("delete", to_string=True)   # -batch: no "Delete all breakpoints?" question
        gdb.execute("detach", to_string=True)
    except gdb.error:
        pass
