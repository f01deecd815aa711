# SPDX-License-Identifier: MIT
"""tools/perf_checks.py - the layer counters at the monitor, from the host (make test).

tools/trace_checks.py's step_trace() calls check_at_monitor() with its guest
(eth0 on QEMU's user network, a host UDP port forwarded to the echo service,
vda on a scratch image), so the check costs no boot of its own:

  perf on, one UDP echo datagram from the host, `blk read vda 8`, perf off,
  perf show bytes=<the datagram's bytes>: every layer of that path (the
  virtio-net interrupt, poll and transmit, ip rcv and ip output, the
  virtio-blk queue and completion, blk softirq, bio endio, hardirq) has a
  line with calls > 0, the table adds up (the rows' self cycles and the
  line outside any layer make the busy total) and no exit was unmatched
  beyond the ones a layer open at `perf on` explains.

Standalone: python3 tools/perf_checks.py --build build
"""

import os
import re
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import net_checks  # noqa: E402
import qemu  # noqa: E402

# The layers one echo datagram and one virtio-blk read go through.
EXPECTED = ["virtio-net irq", "virtio-net poll", "ip rcv", "ip output", "virtio-net xmit",
            "virtio-blk queue", "virtio-blk irq", "blk softirq", "bio endio", "hardirq"]

ROW_RE = re.compile(r"^(\S.{0,19}?) +(\d+) +(\d+) +(\d+) +([\d.]+)%(?: +([\d.]+))?\s*$")
TOTAL_RE = re.compile(r"^\((outside any layer|busy: all of it)\) +(\d+) +([\d.]+)%")
HEAD_RE = re.compile(r"perf: (counting|stopped); (\d+) CPUs? counted; busy (\d+) cycles, "
                     r"idle (\d+)")


def parse_show(text):
    """`perf show` as {"layers": {name: (calls, cycles)}, "outside": n, "busy": n,
    "head": (state, cpus, busy, idle) or None}."""
    out = {"layers": {}, "outside": None, "busy": None, "head": None, "unmatched": None}
    for line in text.replace("\r", "").splitlines():
        m = HEAD_RE.search(line)
        if m:
            out["head"] = (m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4)))
            continue
        m = TOTAL_RE.match(line)
        if m:
            out["outside" if m.group(1).startswith("outside") else "busy"] = int(m.group(2))
            continue
        m = re.match(r"unmatched exits (\d+), stack overflows (\d+)", line)
        if m:
            out["unmatched"] = (int(m.group(1)), int(m.group(2)))
            continue
        m = ROW_RE.match(line)
        if m and m.group(1) != "layer":
            out["layers"][m.group(1).strip()] = (int(m.group(2)), int(m.group(3)))
    return out


def check_at_monitor(guest, addr, tally, log):
    """perf on, one echo datagram, blk read vda 8, perf off, perf show: see the docstring."""
    data = b"hello, perf"
    guest.cmd("perf on")
    answered = net_checks.echo_once(addr, data, timeout=5.0, tries=1)
    read = guest.cmd("blk read vda 8") or ""
    # The reply's TX completion (virtio-net irq, poll) may come a little after the reply.
    for _ in range(10):
        show = guest.cmd("perf show bytes=%d" % len(data)) or ""
        if parse_show(show)["layers"].get("virtio-net poll", (0, 0))[0] >= 2:
            break
        time.sleep(0.3)
    guest.cmd("perf off")
    show = guest.cmd("perf show bytes=%d" % len(data)) or ""
    got = parse_show(show)
    lines = log + show.splitlines()[:40]
    tally.check(answered and "vda sector 8:" in read,
                "perf: the echo datagram is answered and blk read vda 8 reads", lines)
    missing = [name for name in EXPECTED if got["layers"].get(name, (0, 0))[0] == 0]
    tally.check(not missing, "perf on, one echo datagram, blk read vda 8, perf off: `perf show` "
                "has a line with calls for each of the %d layers of that path" % len(EXPECTED),
                lines + ["missing: %s" % ", ".join(missing)] if missing else lines)
    head = got["head"]
    sums = (head is not None and got["busy"] is not None and got["outside"] is not None
            and head[0] == "stopped" and head[2] == got["busy"]
            and sum(c for _, c in got["layers"].values()) + got["outside"] == got["busy"])
    tally.check(sums, "perf show: stopped, and the layers' self cycles and those outside any "
                "layer add up to the busy total", lines)
    tally.check(got["unmatched"] is not None and got["unmatched"][1] == 0,
                "perf show: no layer stack overflowed", lines)


def main():
    """Standalone: boot trace_checks' guest and run check_at_monitor."""
    import trace_checks
    opts = qemu.standalone(__doc__.split("\n")[0])
    tally = qemu.Tally()
    guest, addr, img = trace_checks.boot_guest(opts, "perf")
    try:
        if tally.check(guest.boot(), "the guest reaches the monitor", guest.tail()):
            check_at_monitor(guest, addr, tally, ["log: %s" % guest.log_path])
    finally:
        guest.close()
        os.unlink(img)
    return tally.summary()


if __name__ == "__main__":
    raise SystemExit(main())
