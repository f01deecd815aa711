"""tools/gdb/session.py - the guided gdb session of docs/debugging.md, run inside gdb -batch.

tools/gdb_checks.py boots make run's machine (QEMU's gdb stub on a free port,
the serial console on a unix socket), waits for the monitor prompt and runs

    gdb -batch -x tools/gdb/teachos.py -x tools/gdb/session.py build/kernel.elf

with TEACHOS_GDB_PORT, TEACHOS_CONSOLE (the socket) and TEACHOS_UDP_PORT (the
host port forwarded to the guest's UDP echo service) in the environment.  This
script then does what a student does by hand: attach, break in udp_rcv and
send a datagram from the host, look at the skb, break in __alloc_skb for the
echo's reply, type `blk check vda` at the monitor and stop in
blk_make_request, look at the bio chain and the request, and detach.

It prints each command as "(gdb) command" followed by gdb's answer: that is
the transcript docs/debugging.md shows.  Lines starting "@@" are for the
checker only (what the host saw); tools/gdb_checks.py takes them out.
"""
import os
import socket
import time

import gdb

PAYLOAD = b"hello from the host\n"
HOST_PORT = 40007       # the datagram's source port, if free (the UDP header shows it)


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
    run("break udp_rcv")
    note("the host sends %r to the forwarded UDP port (the echo service, port 7)"
         % PAYLOAD.decode())
    udp.sendto(PAYLOAD, ("127.0.0.1", int(os.environ["TEACHOS_UDP_PORT"])))
    run("continue")
    run("skb skb")
    run("bt")
    run("delete")
    run('break __alloc_skb if $_any_caller_is("udp_sendto", 4)')
    run("continue")
    run("gfp gfp_mask")
    run("finish")
    run("skb $")
    run("delete")


def block_part(console):
    """Stop in blk_make_request while the monitor runs `blk check vda`."""
    run("break blk_make_request")
    note("at the monitor prompt: blk check vda")
    console.type("blk check vda")
    run("continue")
    run("bio bio")
    run("finish")
    run("rq $")
    run("delete")


def tour():
    """The helpers that need no breakpoint, where gdb stopped the idle kernel."""
    run("gfp 0x8020")
    run("slab skbuff_head_cache")
    run("buddy")
    run("kps")


def main():
    console = Console(os.environ["TEACHOS_CONSOLE"])
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.settimeout(10)
    try:
        udp.bind(("127.0.0.1", HOST_PORT))      # the same bytes in every transcript
    except OSError:
        pass                                    # taken: any port will do for the check
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
    say("@@ console after blk check (prompt back: %s): %r" % (ok, console.text.decode("utf-8", "replace")))


try:
    main()
except Exception as e:             # noqa: BLE001 - the checker must see any failure
    say("@@ session failed: %s: %s" % (type(e).__name__, e))
