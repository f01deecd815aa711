# SPDX-License-Identifier: MIT
"""tools/monitor_checks.py - the monitor's line editor and Ctrl-C, typed from the host.

tools/run-tests.py imports this for step_monitor_line(): one guest with a
virtio-net on QEMU's user network and the monitor running (no test=).  The
serial port is driven byte by byte, as a person at a terminal would:

  versi ^C on       the half-typed line is abandoned: `version` does not run
  arrows, ^A, ^E    editing in the middle of a line runs the edited command
  up arrow          recalls the previous lines
  Tab               completes `upt` to `uptime`
  dmesg             every line starts with a [seconds.micros] stamp
  ping ... ^C       Ctrl-C stops `ping 10.0.2.2 100`: the prompt comes back,
                    with the statistics of the pings sent (fewer than 100),
                    at most one reply (in flight) after the ^C, one "^C" line,
                    echoed at the key: before ping's statistics, as a tty
                    shows it (the serial interrupt prints it)
  ping silent ^C    Ctrl-C during the wait for a reply that never comes
                    (`ping 10.0.2.99`, no such host): the wait ends, no
                    "no reply" line for it (an uninterruptible wait would
                    sit out its second and print one)
  test all ^C       Ctrl-C stops the test run between two cases; the suite
                    cut short says `not ok N suite # interrupted`; the "^C"
                    line comes before it
  version           and the monitor still works afterwards
  piped at boot     a second guest gets `version` and `uptime` on its serial
                    port before its kernel runs, as `printf ... | make run`
                    does: both run, not a byte lost (turning the UART's FIFOs
                    on once dropped the byte after the first)
  typed ahead       `test monitor`, `version` and `uptime` in one write, as a
                    piped script sends them: the suite passes on the input it
                    injects itself, then both commands run (the suite sets
                    the queued input aside and puts it back)

The outcomes asserted are what was printed after the ^C, not how fast.
The time from ^C to the prompt is printed and bounded by a few seconds
(about 3: the wait ends at the key, and a second's wait sat out in full
plus the loaded host's slowness would still fit; it is not a speed test).
The other monitor checks are step_monitor (run-tests.py, piped lines),
tests/kernel/test_monitor.c and tests/kernel/test_signal.c in the guest, and
tests/host/test_line_edit.c on the host.
"""

import re
import time

from net_checks import Guest

PROMPT = b"\n> "
CTRL_C = b"\x03"
KEY_UP = b"\x1b[A"
KEY_LEFT = b"\x1b[D"
STAMP_RE = re.compile(r"^\[\s*\d+\.\d{6}\] ")
NETDEV = ["-netdev", "user,id=n0,ipv6=off", "-device", "virtio-net-pci,netdev=n0"]
INTERRUPT_BOUND_S = 3       # ^C to prompt: at once; 3 s for slow hosts
REPLY_RE = re.compile(r"^64 bytes from .* icmp_seq=\d+ ", re.M)
SEQ_LINE_RE = re.compile(r"icmp_seq=\d+", re.M)


def section(title):
    print("\n== %s" % title, flush=True)


def type_bytes(g, data, gap=0.005):
    """Send @data one byte at a time, as a keyboard would (sequences split too)."""
    for i in range(len(data)):
        g.proc.stdin.write(data[i:i + 1])
        g.proc.stdin.flush()
        time.sleep(gap)


def typed(g, data, timeout=30):
    """Type @data (ending in Enter) and return the text up to the next prompt, or None."""
    g.out = b""
    try:
        type_bytes(g, data)
    except BrokenPipeError:
        return None
    if not g.wait_for(PROMPT, timeout):
        return None
    return g.out.replace(b"\r", b"").decode("utf-8", "replace")


def check_editing(g, tally, log):
    """^C abandons a line; arrows, ^A/^E, history and Tab edit one."""
    out = typed(g, b"versi" + CTRL_C) or ""
    tally.check("versi^C\n> " in out, "Ctrl-C abandons a half-typed line with ^C and a new prompt",
                log + out.splitlines())
    out = typed(g, b"on\n") or ""
    tally.check("unknown command: on" in out and "teachos" not in out,
                "versi^Con runs nothing: the next line is only 'on'", log + out.splitlines())
    out = typed(g, b"verson" + KEY_LEFT * 2 + b"i\n") or ""
    tally.check("teachos" in out, "left arrow, then typing, inserts in the middle of the line",
                log + out.splitlines())
    out = typed(g, b"ersio\x01v\x05n\n") or ""
    tally.check("teachos" in out, "^A and ^E move to the start and the end",
                log + out.splitlines())
    out = typed(g, b"uptime\n") or ""
    tally.check("jiffies" in out, "uptime runs", log + out.splitlines())
    out = typed(g, KEY_UP + b"\n") or ""
    tally.check("jiffies" in out, "up arrow recalls the previous line (uptime)",
                log + out.splitlines())
    out = typed(g, KEY_UP * 2 + b"\n") or ""
    tally.check("teachos" in out, "up arrow twice recalls the one before (version)",
                log + out.splitlines())
    out = typed(g, b"upt\t\n") or ""
    tally.check("uptime " in out and "jiffies" in out, "Tab completes 'upt' to 'uptime '",
                log + out.splitlines())


def check_dmesg(g, tally, log):
    out = typed(g, b"dmesg\n", timeout=60) or ""
    lines = [l for l in out.split("\n")[1:-1] if l]      # between the echo and the prompt
    bad = [l for l in lines if not STAMP_RE.match(l)]
    tally.check(len(lines) > 10 and not bad,
                "dmesg: all %d lines start with [seconds.micros]" % len(lines),
                log + ["not stamped: %r" % l for l in bad[:5]])


def interrupt(g, start_line, started, timeout, pause=0.0):
    """Type @start_line, wait for the text @started (and @pause s), send ^C.

    Returns (seconds from the ^C to the prompt, the output after the ^C).
    """
    g.out = b""
    type_bytes(g, start_line)
    if not g.wait_for(started, timeout):
        return None, g.out.decode("utf-8", "replace")
    time.sleep(pause)
    g.out = b""
    sent = time.monotonic()
    type_bytes(g, CTRL_C)
    if not g.wait_for(PROMPT, 60):             # a test case runs to its end first
        return None, g.out.decode("utf-8", "replace")
    return time.monotonic() - sent, g.out.replace(b"\r", b"").decode("utf-8", "replace")


def ctrl_c_lines(out):
    """How many lines are the "^C" echo (the serial interrupt prints one per Ctrl-C)."""
    return sum(1 for l in out.split("\n") if l == "^C")


def echoed_before(out, marker):
    """The "^C" line comes before the first line holding @marker: echoed at the key, not
    when the command returned.  False if either is missing."""
    lines = out.split("\n")
    at = [i for i, l in enumerate(lines) if l == "^C"]
    after = [i for i, l in enumerate(lines) if marker in l]
    return bool(at and after) and at[0] < after[0]


def check_ctrl_c_ping(g, tally, log):
    took, out = interrupt(g, b"ping 10.0.2.2 100\n", b"icmp_seq=2", 60)
    if took is not None:
        print("  ..      ping: the prompt came back %.2f s after ^C" % took, flush=True)
    sent = re.search(r"(\d+) packets transmitted", out)
    tally.check(took is not None and took < INTERRUPT_BOUND_S,
                "Ctrl-C stops 'ping 10.0.2.2 100' and the prompt returns (within %d s)"
                % INTERRUPT_BOUND_S, log + out.splitlines()[-8:])
    tally.check(len(REPLY_RE.findall(out)) <= 1 and "Interrupted" not in out,
                "after the ^C ping prints at most the one reply in flight, no error line",
                log + out.splitlines()[-8:])
    tally.check(ctrl_c_lines(out) == 1 and sent and 2 <= int(sent.group(1)) < 100,
                "one ^C line, and ping counts only the pings it sent (fewer than 100)",
                log + out.splitlines()[-8:])
    tally.check(echoed_before(out, "ping statistics"),
                "the ^C is echoed at the key: before ping's statistics, not after",
                log + out.splitlines()[-8:])


def check_ctrl_c_silent_ping(g, tally, log):
    """^C while ping waits for a reply that never comes: the wait itself is cut short."""
    # 0.3 s after the first "no reply" the second request is well into its
    # one-second wait (a ^C that came sooner would also pass: no line either).
    took, out = interrupt(g, b"ping 10.0.2.99 100\n", b"icmp_seq=1: no reply", 60, pause=0.3)
    if took is not None:
        print("  ..      silent ping: the prompt came back %.2f s after ^C" % took, flush=True)
    sent = re.search(r"(\d+) packets transmitted, 0 received", out)
    tally.check(took is not None and not SEQ_LINE_RE.search(out) and sent
                and 1 <= int(sent.group(1)) < 100,
                "Ctrl-C ends ping's wait for a reply: no 'no reply' line after it, statistics",
                log + out.splitlines()[-8:])
    tally.check(took is not None and took < INTERRUPT_BOUND_S,
                "and the prompt returns (within %d s)" % INTERRUPT_BOUND_S,
                log + out.splitlines()[-8:])


def check_ctrl_c_test(g, tally, log):
    took, out = interrupt(g, b"test all\n", b"    ok 1 ", 120)
    m = re.search(r"interrupted after (\d+) case", out)
    tally.check(took is not None and m and "failed\n" in out and ctrl_c_lines(out) == 1,
                "Ctrl-C stops 'test all' between two cases, says how many ran, one ^C line",
                log + out.splitlines()[-8:])
    tally.check(re.search(r"^not ok \d+ \w+ # interrupted$", out, re.M) is not None,
                "the suite cut short says 'not ok N <suite> # interrupted'",
                log + out.splitlines()[-8:])
    tally.check(echoed_before(out, "# interrupted"),
                "the ^C is echoed at the key: before the interrupted suite's line",
                log + out.splitlines()[-8:])
    out = typed(g, b"version\n") or ""
    tally.check("teachos" in out, "the monitor runs the next command normally after a Ctrl-C",
                log + out.splitlines())


def typed_ahead_problems(out):
    """What is wrong with the output of `test monitor`, `version`, `uptime` sent at once."""
    suite = re.search(r"^ok \d+ monitor$", out, re.M)
    if not suite:
        return "the monitor suite did not pass"
    rest = out[suite.end():]
    if "unknown command" in rest:  # the suite's own unknown-command case prints one before
        return "a line the suite injected ran as a command"
    version = rest.find("teachos")
    up = re.search(r"\bup [\d:.]+, jiffies \d+", rest)
    if version < 0 or not up or up.start() < version:
        return "version and then uptime did not both run after the suite"
    return None


TYPED_AHEAD_GOOD = ("unknown command: frobnicate (try 'help')\nok 1 monitor\n0 failed\n"
                    "> version\nteachos 0.1\n> uptime\nup 0:00:03.050, jiffies 2979, 4 threads\n> ")
TYPED_AHEAD_BAD = {   # what the judge must refuse, each a way the bug showed
    "the suite failed": TYPED_AHEAD_GOOD.replace("ok 1 monitor", "not ok 1 monitor"),
    "an injected line ran": TYPED_AHEAD_GOOD + "unknown command: ok (try 'help')\n",
    "version was eaten": TYPED_AHEAD_GOOD.replace("teachos 0.1", ""),
    "uptime was eaten": TYPED_AHEAD_GOOD.replace("up 0:00:03.050", ""),
}


def check_typed_ahead(g, tally, log):
    tally.check(typed_ahead_problems(TYPED_AHEAD_GOOD) is None and
                all(typed_ahead_problems(bad) for bad in TYPED_AHEAD_BAD.values()),
                "the typed-ahead judge passes a good run and refuses: "
                + ", ".join(TYPED_AHEAD_BAD), log)
    g.type(b"test monitor\nversion\nuptime\n")
    g.wait_for(b", jiffies ", 180) and g.wait_for(PROMPT, 30, at_end=True)
    out = g.text().decode("utf-8", "replace")
    problem = typed_ahead_problems(out)
    tally.check(problem is None, "commands typed ahead of `test monitor` run after it, "
                "and the suite passes", log + [problem or ""] + out.splitlines()[-8:])


def check_piped_at_boot(opts, tally):
    g = Guest(opts, "monitor-piped", [])
    log = ["log: %s" % g.log_path]
    try:
        g.type(b"version\nuptime\n")  # before the kernel runs: QEMU holds it
        g.wait_for(b", jiffies ", 120) and g.wait_for(PROMPT, 30, at_end=True)
        out = g.text().decode("utf-8", "replace")
    finally:
        g.close()
    ok = "\n> version\n" in out and "\n> uptime\n" in out and "unknown command" not in out
    tally.check(ok, "lines piped before boot all reach the monitor, not a byte lost",
                log + out.splitlines()[-8:])


def doc_transcript(opts, args):
    """The text of docs/monitor.md's kind=monitor_line block (docgen maps the kind here).

    Typed byte by byte as in the checks: versi ^C, on, upt Tab, up arrow, and
    ping 10.0.2.2 100 stopped by ^C after its second reply.
    """
    g = Guest(opts, "doc-monitor-line", NETDEV)
    try:
        if not g.boot():
            raise RuntimeError("the guest did not reach the monitor (log: %s)" % g.log_path)
        text = "> "
        for data in (b"versi" + CTRL_C, b"on\n", b"upt\t\n", KEY_UP + b"\n"):
            out = typed(g, data)
            if out is None:
                raise RuntimeError("no prompt after %r (log: %s)" % (data, g.log_path))
            text += out
        g.out = b""
        type_bytes(g, b"ping 10.0.2.2 100\n")
        if not g.wait_for(b"icmp_seq=2 ", 60):
            raise RuntimeError("ping got no second reply (log: %s)" % g.log_path)
        type_bytes(g, CTRL_C)
        if not g.wait_for(PROMPT, 60):
            raise RuntimeError("no prompt after ^C (log: %s)" % g.log_path)
        text += g.out.replace(b"\r", b"").decode("utf-8", "replace")
    finally:
        g.close()
    return text[:-len("> ")] if text.endswith("\n> ") else text


def step_monitor_line(opts, tally):
    """The line editor and Ctrl-C, typed byte by byte at a booted monitor."""
    section("monitor line editor and Ctrl-C, typed byte by byte on the serial port")
    g = Guest(opts, "monitor-line", NETDEV)
    log = ["log: %s" % g.log_path]
    try:
        if not tally.check(g.boot(), "the guest with a NIC reaches the monitor", log + g.tail()):
            return
        check_editing(g, tally, log)
        check_dmesg(g, tally, log)
        check_ctrl_c_ping(g, tally, log)
        check_ctrl_c_silent_ping(g, tally, log)
        check_ctrl_c_test(g, tally, log)
        check_typed_ahead(g, tally, log)
    finally:
        status = g.close()
    tally.check(status == 33, "poweroff ends the guest with status 33",
                ["status %s" % status] + log + g.tail())
    check_piped_at_boot(opts, tally)
