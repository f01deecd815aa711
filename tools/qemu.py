# SPDX-License-Identifier: MIT
"""tools/qemu.py - QEMU for the host-side checks: the command line, make run's machine,
a serial-console driver and the tally every step counts into.

  qemu_cmd(opts, devices, cmdline)   the QEMU argv every check boots: the
                                     runner's base machine (opts.accel,
                                     opts.mem, no default devices, no reboot,
                                     isa-debug-exit for the exit status), the
                                     serial port on stdio unless serial= says
                                     otherwise, then @devices and the kernel
                                     with its tests module (kernel_args)
  run_devices(opts, disk, netport)   the devices `make run` attaches, as the
                                     Makefile itself prints them (`make -s
                                     print-run-devices`): its NIC on QEMU's
                                     user network (MAC 52:54:00:12:34:56, host
                                     UDP port @netport forwarded to the echo
                                     service) and its disk (serial
                                     teachos-vda) on the image @disk.  The
                                     Makefile is the one place make run's
                                     machine is written down
  Guest(proc, log_path)              drives the monitor on the serial console
                                     of any Popen with stdin and stdout on
                                     pipes (QEMU itself, or `make run`): wait
                                     for text, type a line and read the answer
                                     up to the next prompt, poweroff and reap
  Tally                              passed/failed/skipped counts, one line
                                     per check (tools/run-tests.py's, and the
                                     standalone mains')
  standalone(description)            the options a check module's standalone
                                     main takes, as run-tests.py builds them
"""

import os
import select
import shlex
import signal
import socket
import subprocess
import time

TOOLS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TOOLS)
MONITOR_BANNER = b"type 'help' for commands"
PROMPT = b"\n> "
EXIT_OK = 33
# isa-debug-exit: the guest writes its exit status here (include/kernel/power.h).
BASE = ["-nodefaults", "-no-reboot", "-display", "none",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]


def kernel_args(kernel, ktests=True):
    """-kernel @kernel, then -initrd with the tests module built beside it (ktests.bin,
    include/kernel/ktests.h) if there is one and @ktests: the boot of make run and make test.
    Without it the kernel boots alone, as make bench times it."""
    module = os.path.join(os.path.dirname(kernel), "ktests.bin")
    return ["-kernel", kernel] + (["-initrd", module] if ktests and os.path.exists(module) else [])


def qemu_cmd(opts, devices=(), cmdline="", serial=("-serial", "stdio"), accel=None, mem=None,
             kernel=None, ktests=True):
    """QEMU's argv: the base machine, @serial, @devices, then the kernel (@kernel, or
    opts.kernel) and its tests module (kernel_args) with @cmdline."""
    return [opts.qemu, "-accel", accel or opts.accel, "-m", mem or getattr(opts, "mem", "128M"),
            *BASE, *serial, *devices, *kernel_args(kernel or opts.kernel, ktests),
            "-append", cmdline]


def run_to_end(cmd, log_path, timeout=600):
    """Run @cmd (a boot that ends by itself) with its output captured; the output as text,
    also written to @log_path (what came before a timeout, if it timed out)."""
    try:
        out = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, timeout=timeout).stdout
    except subprocess.TimeoutExpired as e:
        out = e.stdout or b""
    text = out.decode("utf-8", "replace")
    with open(log_path, "w") as f:
        f.write(text)
    return text


def run_devices(opts, disk, netport):
    """make run's NIC and disk (Makefile: NET_user, DISK_ARGS), from the Makefile itself."""
    r = subprocess.run(["make", "-s", "--no-print-directory", "print-run-devices", "NET=user",
                        "DISK_IMG=" + disk, "NETPORT=%d" % netport,
                        "TCPPORT=%d" % free_tcp_port(), "HTTPPORT=%d" % free_tcp_port()],
                       cwd=getattr(opts, "root", ROOT), stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = r.stdout.decode("utf-8", "replace").strip()
    if r.returncode or "-netdev" not in out or "-drive" not in out:
        raise RuntimeError("make print-run-devices did not print make run's devices: %r %s"
                           % (out, r.stderr.decode("utf-8", "replace").strip()))
    return shlex.split(out)


def free_tcp_port():
    """A TCP port on 127.0.0.1 that nobody uses now."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


def spawn(cmd, log_path, cwd=None, group=False, wrap=()):
    """Start @wrap + @cmd with stdin and stdout on pipes (stderr joined); its argv goes
    first into the log at @log_path.  @group: in a session of its own (make and the QEMU it
    starts are killed together).  Returns a Guest driving it."""
    cmd = list(wrap) + list(cmd)
    with open(log_path, "wb") as log:
        log.write(("$ " + " ".join(shlex.quote(c) for c in cmd) + "\n").encode())
    proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=group)
    return Guest(proc, log_path, group=group)


class Guest:
    """The monitor on the serial console of @proc (any Popen whose stdin and stdout are
    pipes), its output appended to @log_path.  @group: @proc leads a process group of its
    own, killed whole."""

    def __init__(self, proc, log_path, group=False, verbose=False):
        self.proc, self.log_path, self.group, self.verbose = proc, log_path, group, verbose
        self.log = open(log_path, "ab")
        self.out = b""          # what came since the last line typed

    def _pump(self, timeout):
        """Read what came within @timeout seconds; False once the output has ended."""
        r, _, _ = select.select([self.proc.stdout], [], [], max(timeout, 0))
        if not r:
            return self.proc.poll() is None
        chunk = os.read(self.proc.stdout.fileno(), 65536)
        if not chunk:
            return False
        self.log.write(chunk)
        self.log.flush()
        if self.verbose:
            print(chunk.decode("utf-8", "replace"), end="", flush=True)
        self.out += chunk
        return True

    def text(self):
        return self.out.replace(b"\r", b"")

    def wait_for(self, pattern, timeout, at_end=False):
        """Wait until @pattern (bytes) was printed since the last line typed (as the very
        last thing printed, if @at_end).  False if the time ran out or the output ended."""
        end = time.monotonic() + timeout
        while not (self.text().endswith(pattern) if at_end else pattern in self.text()):
            if time.monotonic() > end or not self._pump(min(0.5, end - time.monotonic())):
                return False
        return True

    def boot(self, timeout=120):
        """Wait for the monitor's first prompt.  False if it never came."""
        return self.wait_for(MONITOR_BANNER, timeout) and self.wait_for(PROMPT, 30)

    def type(self, data):
        """Send @data (bytes) to the console; False if nobody reads it any more."""
        self.out = b""
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
            return True
        except (BrokenPipeError, ValueError):
            return False

    def cmd(self, line, timeout=30):
        """Type @line; what the monitor printed up to its next prompt (or None)."""
        if not self.type((line + "\n").encode()) or not self.wait_for(PROMPT, timeout, True):
            return None
        return self.text().decode("utf-8", "replace")

    def kill(self):
        try:
            if self.group:
                os.killpg(self.proc.pid, signal.SIGKILL)
            else:
                self.proc.kill()
        except ProcessLookupError:
            pass

    def close(self, timeout=15, poweroff=True):
        """poweroff (unless it has exited or not @poweroff), end the input, wait @timeout
        seconds; kill what is left.  The exit status, None if it had to be killed."""
        if poweroff and self.proc.poll() is None:
            self.type(b"poweroff\n")
        try:
            self.proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        end = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < end:
            self._pump(0.2)
        status = self.proc.poll()
        if status is None:
            self.kill()
        self.proc.wait()
        while self._pump(0):
            pass
        self.log.close()
        return status

    def tail(self, n=15):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace").splitlines()[-n:]


class Tally:
    """One line per check; the counts and the failed checks' names for the summary."""

    def __init__(self):
        self.passed = self.failed = self.skipped = 0
        self.failures = []

    def ok(self, what):
        self.passed += 1
        print("  ok      %s" % what, flush=True)

    def fail(self, what, details=()):
        self.failed += 1
        self.failures.append(what)
        print("  FAILED  %s" % what)
        for d in details:
            print("            %s" % d)
        print(end="", flush=True)

    def check(self, cond, what, details=()):
        if cond:
            self.ok(what)
        else:
            self.fail(what, details)
        return cond

    def skip(self, what):
        self.skipped += 1
        print("  skip    %s" % what, flush=True)

    def summary(self):
        """Print `N passed, N failed[, N skipped]`; the exit status it means."""
        line = "%d passed, %d failed" % (self.passed, self.failed)
        print("\n" + line + (", %d skipped" % self.skipped if self.skipped else ""))
        return 1 if self.failed else 0


def run_alone(doc, *steps, add=None):
    """A check module run by itself: its options (standalone(), @add), @steps run
    in order on one Tally, the summary line; returns the exit status."""
    opts = standalone(doc.split("\n")[0], add)
    tally = Tally()
    for step in steps:
        step(opts, tally)
    return tally.summary()


def standalone(description, add=None):
    """A check module's standalone options (--build, --qemu, --accel, --mem, -v,
    --boot-timeout, and what @add(parser) adds), completed as tools/run-tests.py does."""
    import argparse
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--build", default="build", help="the build directory (default: build)")
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("--accel", default="tcg")
    ap.add_argument("--mem", default="128M")
    ap.add_argument("--boot-timeout", type=float, default=300,
                    help="seconds per boot (default 300)")
    ap.add_argument("-v", "--verbose", action="store_true", help="echo the whole serial log")
    if add:
        add(ap)
    opts = ap.parse_args()
    opts.root = ROOT
    opts.build = os.path.join(ROOT, opts.build) if not os.path.isabs(opts.build) else opts.build
    opts.kernel = os.path.join(opts.build, "kernel.elf")
    opts.logdir = os.path.join(opts.build, "test-logs")
    os.makedirs(opts.logdir, exist_ok=True)
    return opts
