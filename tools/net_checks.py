# SPDX-License-Identifier: MIT
"""tools/net_checks.py - the network checks of `make test` that need the host.

tools/run-tests.py imports this for three things:

  variants()      the in-guest virtio-net boots (suite virtio_net) for its
                  VARIANTS table: two NICs, modern and legacy, with host ports
                  QEMU forwards back into the guest (tests/drivers/test_virtio_net.c)
  step_net()      a guest on QEMU's user network with the monitor running
                  (no test=): a real host client (a Python socket) exchanges
                  UDP datagrams with the echo service on port 7 through a
                  forwarded port - single ones of every size, then a burst of
                  a few thousand with every reply checked - through eth0
                  (modern) and eth1 (legacy); the guest's memory counters
                  (`memcheck`) must be back at their baseline afterwards; the
                  link goes down and up from QEMU's monitor (`set_link`)
  step_tap()      where we are root and /dev/net/tun, ip and ping exist: a tap
                  device in a network namespace of its own, the host's own
                  `ping` to the guest and UDP from the namespace; skipped
                  (counted as skipped) otherwise

tools/bench_net.py uses the Guest class for `make bench`.

The guest's addresses are QEMU user networking's: 10.0.2.15/24, gateway
10.0.2.2 (eth0, from the kernel's defaults), and 10.0.3.15/24 on a second
user network for eth1 (set with the monitor's ifconfig).
"""

import os
import random
import re
import select
import shutil
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402

MONITOR_BANNER = qemu.MONITOR_BANNER
PROMPT = qemu.PROMPT
# 52:54:00:7e:57:xx marks a NIC made for tests (tests/lib/scratch_dev.h): the in-guest cases
# reconfigure only those, never make run's 52:54:00:12:34:56.
MACS = ("52:54:00:7e:57:00", "52:54:00:7e:57:01")
GUEST_IP = "10.0.2.15"
ECHO_PORT = 7
SELF_PORT = 4321        # tests/drivers/test_virtio_net.c: VNET_SELF_PORT
BURST = 3000            # datagrams in the eth0 burst (eth1: a third of it)
WINDOW = 32             # datagrams in flight at once
RETRY_S = 0.5           # a datagram not answered by then is sent again...
MAX_TRIES = 6           # ... at most this many times in all


def free_udp_ports(n):
    """@n distinct UDP ports on 127.0.0.1 that nobody uses now (the kernel picks them)."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def nic_args(index, flavour, netdev):
    """-netdev/-device arguments for NIC @index: @flavour is 'modern' or 'legacy'."""
    shape = "disable-legacy=on" if flavour == "modern" else "disable-modern=on"
    return ["-netdev", netdev, "-device",
            "virtio-net-pci,%s,netdev=n%d,mac=%s" % (shape, index, MACS[index])]


def user_netdev(index, forwards=()):
    """A user network n@index (10.0.(2+index).0/24) forwarding host ports to guest ports."""
    # ipv6=off: no router advertisements arriving unasked, so the guest's
    # packet counters move only with what a test sends.
    nd = "user,id=n%d,net=10.0.%d.0/24,ipv6=off" % (index, 2 + index)
    for host, guest in forwards:
        nd += ",hostfwd=udp:127.0.0.1:%d-10.0.%d.15:%d" % (host, 2 + index, guest)
    return nd


def variants():
    """The in-guest virtio-net boots, as VARIANTS entries (each with ports of its own)."""
    out = []
    for name, what, first, options in (
            ("virtio-net", "virtio-net: modern eth0, legacy eth1, MSI-X", "modern", ""),
            ("virtio-net-legacy", "virtio-net: legacy eth0 (10-byte header in its own "
             "descriptor, random MAC), modern eth1, INTx, slub_debug", "legacy",
             "slub_debug pci=nomsi virtio_net=nomrg,noanylayout,nomac ")):
        echo, selfp = free_udp_ports(2)
        second = "legacy" if first == "modern" else "modern"
        args = (nic_args(0, first, user_netdev(0, [(echo, ECHO_PORT), (selfp, SELF_PORT)]))
                + nic_args(1, second, user_netdev(1)))
        out.append((name, what, args, None, "%stest=virtio_net vnet_test.echo_port=%d "
                    "vnet_test.self_port=%d" % (options, echo, selfp)))
    return out


# ---------------------------------------------------------------- a guest --

class Guest(qemu.Guest):
    """QEMU with the monitor on its serial port, and QEMU's own monitor on a socket."""

    def __init__(self, opts, name, qemu_args, cmdline="", wrap=()):
        self.qmon_path = os.path.join(opts.logdir, name + ".qemu-monitor")
        if os.path.exists(self.qmon_path):
            os.unlink(self.qmon_path)
        devices = ["-monitor", "unix:%s,server=on,wait=off" % self.qmon_path, *qemu_args]
        started = qemu.spawn(qemu.qemu_cmd(opts, devices, cmdline),
                             os.path.join(opts.logdir, name + ".log"), wrap=wrap)
        super().__init__(started.proc, started.log_path, verbose=getattr(opts, "verbose", False))
        started.log.close()

    def qemu_monitor(self, line):
        """Run @line in QEMU's human monitor; return its answer."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(self.qmon_path)
        got = b""
        for send in (None, line):
            if send:
                s.sendall((send + "\n").encode())
                got = b""
            while not got.endswith(b"(qemu) "):
                chunk = s.recv(4096)
                if not chunk:
                    break
                got += chunk
        s.close()
        return got.decode("utf-8", "replace")

    def close(self, timeout=15, poweroff=True):
        """poweroff, then wait for QEMU; returns its exit status (None if it had to be killed)."""
        if self.log.closed:
            return self.proc.returncode
        status = super().close(timeout, poweroff)
        if os.path.exists(self.qmon_path):
            os.unlink(self.qmon_path)
        return status


MEMCHECK_RE = re.compile(r"memcheck: pages (\d+) objects (\d+) skbs (\d+) threads (\d+)")


def memcheck(guest):
    """The guest's (pages, slab objects, skbs, threads), or None."""
    m = MEMCHECK_RE.search(guest.cmd("memcheck") or "")
    return tuple(int(x) for x in m.groups()) if m else None


def memcheck_settled(guest, baseline, wait_s=5.0):
    """memcheck until it equals @baseline (TX completions may still be on their way)."""
    end = time.monotonic() + wait_s
    while True:
        now = memcheck(guest)
        if now == baseline or time.monotonic() > end:
            return now
        time.sleep(0.2)


# --------------------------------------------------------- UDP from the host --

class EchoStats:
    def __init__(self):
        self.sent = self.retries = self.replies = self.duplicates = self.wrong = 0
        self.lost = []


def payload(seq, rng):
    """Datagram @seq: its number, then 0-1400 bytes that depend on it."""
    head = b"%08d:" % seq
    return head + rng.randbytes(rng.randrange(0, 1400))


def echo_burst(addr, count, window=WINDOW, seed=1, sock_family=socket.AF_INET):
    """Send @count datagrams to @addr with at most @window unanswered; each reply must be
    the datagram sent, byte for byte.  Unanswered ones are sent again after RETRY_S, at
    most MAX_TRIES times.  Returns EchoStats."""
    rng = random.Random(seed)
    msgs = [payload(i, rng) for i in range(count)]
    st = EchoStats()
    s = socket.socket(sock_family, socket.SOCK_DGRAM)
    s.setblocking(False)
    pending = {}        # seq -> (last send time, tries)
    done = set()
    nxt = 0
    while len(done) + len(st.lost) < count:
        now = time.monotonic()
        while nxt < count and len(pending) < window:
            s.sendto(msgs[nxt], addr)
            st.sent += 1
            pending[nxt] = (now, 1)
            nxt += 1
        for seq, (when, tries) in list(pending.items()):
            if now - when < RETRY_S:
                continue
            if tries >= MAX_TRIES:
                del pending[seq]
                st.lost.append(seq)
                continue
            s.sendto(msgs[seq], addr)
            st.sent += 1
            st.retries += 1
            pending[seq] = (now, tries + 1)
        r, _, _ = select.select([s], [], [], 0.05)
        while r:
            try:
                data, _ = s.recvfrom(65536)
            except BlockingIOError:
                break
            st.replies += 1
            m = re.match(rb"(\d{8}):", data)
            seq = int(m.group(1)) if m else -1
            if not 0 <= seq < count or data != msgs[seq]:
                st.wrong += 1
            elif seq in done:
                st.duplicates += 1      # an answer to a retry of one answered already
            else:
                done.add(seq)
                pending.pop(seq, None)
    s.close()
    return st


def echo_once(addr, data, timeout=1.0, tries=3):
    """Send @data to @addr; True if exactly @data came back."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        for _ in range(tries):
            s.sendto(data, addr)
            try:
                while True:
                    got, _ = s.recvfrom(65536)
                    if got == data:
                        return True
            except socket.timeout:
                continue
        return False
    finally:
        s.close()


# ------------------------------------------------------------------ steps --

def section(title):
    print("\n== %s" % title, flush=True)


def step_net(opts, tally):
    """Two NICs on user networks, the echo service driven from the host."""
    section("virtio-net from the host: UDP echo through QEMU's user network")
    p0, p1 = free_udp_ports(2)
    args = (nic_args(0, "modern", user_netdev(0, [(p0, ECHO_PORT)]))
            + nic_args(1, "legacy", user_netdev(1, [(p1, ECHO_PORT)])))
    g = Guest(opts, "net-host", args)
    log = ["log: %s" % g.log_path]
    try:
        if not tally.check(g.boot(), "the guest with two NICs reaches the monitor",
                           log + g.tail()):
            return
        ifc = g.cmd("ifconfig eth1 10.0.3.15/24") or ""
        tally.check("unknown" not in ifc and "usage" not in ifc, "eth1 gets 10.0.3.15/24",
                    log + ifc.splitlines())
        for nic, port in (("eth0", p0), ("eth1", p1)):
            addr = ("127.0.0.1", port)
            sizes = (0, 1, 100, 1000, 1472)
            ok = [n for n in sizes if echo_once(addr, bytes((i * 13 + n) & 0xff
                                                            for i in range(n)))]
            tally.check(len(ok) == len(sizes), "%s: echo answers datagrams of %s bytes"
                        % (nic, ", ".join(map(str, sizes))),
                        ["answered: %s" % ok] + log)
        base = memcheck(g)
        tally.check(base is not None, "memcheck reports the guest's counters", log)
        for nic, port, count in (("eth0", p0, BURST), ("eth1", p1, BURST // 3)):
            start = time.monotonic()
            st = echo_burst(("127.0.0.1", port), count, seed=port)
            took = time.monotonic() - start
            print("  ..      %s: %d datagrams, %d sent (%d retries), %d replies, %d duplicates, "
                  "%d lost, %.1f s" % (nic, count, st.sent, st.retries, st.replies,
                                       st.duplicates, len(st.lost), took), flush=True)
            tally.check(not st.lost and not st.wrong,
                        "%s: a burst of %d datagrams, %d in flight: every one echoed exactly"
                        % (nic, count, WINDOW),
                        ["lost: %s" % st.lost[:20], "wrong replies: %d" % st.wrong] + log)
            # Retries would hide drops in the guest: QEMU's user network on loopback loses
            # nothing at this rate, so allow a handful (1 in 200) and no more.
            tally.check(st.retries <= count // 200,
                        "%s: the guest dropped (next to) nothing: %d retries for %d datagrams"
                        % (nic, st.retries, count), log)
        after = memcheck_settled(g, base)
        tally.check(base is not None and after == base,
                    "the guest's pages, slab objects, skbs and threads are back at baseline",
                    ["(pages, objects, skbs, threads) before %s, after %s" % (base, after)]
                    + log)
        check_counters(g, tally, log)
        check_link(g, tally, "n0", "eth0", ("127.0.0.1", p0), log)
        check_link(g, tally, "n1", "eth1", ("127.0.0.1", p1), log)
    finally:
        status = g.close()
    tally.check(status == 33, "poweroff ends the network guest with status 33",
                ["status %s" % status] + log + g.tail())


def check_counters(g, tally, log):
    """No driver errors after all that: ip -s link's error columns and ethtool's counters."""
    eth = g.cmd("ethtool") or ""
    bad = [line.strip() for line in eth.splitlines()
           if re.match(r"\s+(rx_short|rx_too_long|rx_bad_hdr|rx_merged|tx_errors): [1-9]", line)]
    tally.check("NIC statistics" in eth and not bad,
                "ethtool: no bad lengths, headers or TX errors on either NIC",
                bad + log)
    ifc = g.cmd("ifconfig") or ""
    # The RX and TX lines: bytes packets errors dropped ...
    rows = re.findall(r"^\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+\s+\d+\s+\d+$", ifc, re.M)
    tally.check(rows and all(int(r[2]) == 0 for r in rows),
                "ifconfig: the error columns stay 0", log + ifc.splitlines())


def check_link(g, tally, netdev, nic, addr, log):
    """QEMU's set_link: the config interrupt turns @nic's carrier off and on."""
    g.qemu_monitor("set_link %s off" % netdev)
    down = g.wait_for(b"%s: link down" % nic.encode(), 5)
    eth = g.cmd("ethtool " + nic) or ""
    tally.check(down and "link down" in eth,
                "set_link %s off: the guest sees %s's link down" % (netdev, nic),
                log + eth.splitlines()[:3])
    tally.check(not echo_once(addr, b"while down", timeout=0.5, tries=2),
                "%s: no echo while the link is down" % nic, log)
    g.qemu_monitor("set_link %s on" % netdev)
    up = g.wait_for(b"%s: link up" % nic.encode(), 5)
    tally.check(up and echo_once(addr, b"up again"),
                "set_link %s on: %s's link is up and the echo answers again" % (netdev, nic), log)


def tap_unavailable():
    """Why the tap check cannot run here, or None."""
    if os.geteuid() != 0:
        return "not root"
    if not os.path.exists("/dev/net/tun"):
        return "no /dev/net/tun"
    for tool in ("ip", "ping"):
        if not shutil.which(tool):
            return "no %s (iproute2, iputils-ping)" % tool
    return None


def sh(*cmd, ns=None, timeout=30):
    full = (["ip", "netns", "exec", ns] if ns else []) + list(cmd)
    return subprocess.run(full, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=timeout)


NS_UDP_CLIENT = """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(1)
ok = 0
for i in range(20):
    m = b"tap %d" % i
    s.sendto(m, ("10.0.2.15", 7))
    try:
        ok += s.recv(100) == m
    except socket.timeout:
        pass
print("echoed", ok)
"""


def step_tap(opts, tally):
    """A tap device in a namespace of its own: the host's ping and UDP reach the guest."""
    section("virtio-net on a tap device in a network namespace")
    why = tap_unavailable()
    if why:
        tally.skip("tap: host ping to the guest (%s)" % why)
        tally.skip("tap: UDP echo from the namespace (%s)" % why)
        return
    ns, tap = "teachos-vnet-%d" % os.getpid(), "tvnet0"
    setup = [("ip", "netns", "add", ns)]
    inside = [("ip", "link", "set", "lo", "up"),
              ("ip", "tuntap", "add", "dev", tap, "mode", "tap"),
              ("ip", "addr", "add", "10.0.2.2/24", "dev", tap),
              ("ip", "link", "set", tap, "up")]
    problems = []
    for c in setup:
        r = sh(*c)
        if r.returncode:
            problems.append("%s: %s" % (" ".join(c), r.stdout.decode().strip()))
    for c in inside if not problems else ():
        r = sh(*c, ns=ns)
        if r.returncode:
            problems.append("%s: %s" % (" ".join(c), r.stdout.decode().strip()))
    if problems:
        sh("ip", "netns", "del", ns)
        tally.skip("tap: the namespace could not be set up (%s)" % problems[0])
        return
    args = nic_args(0, "modern", "tap,id=n0,ifname=%s,script=no,downscript=no" % tap)
    g = Guest(opts, "net-tap", args, wrap=("ip", "netns", "exec", ns))
    log = ["log: %s" % g.log_path]
    try:
        if not tally.check(g.boot(), "tap: the guest reaches the monitor", log + g.tail()):
            return
        r = sh("ping", "-c", "3", "-W", "2", GUEST_IP, ns=ns)
        out = r.stdout.decode("utf-8", "replace")
        tally.check(r.returncode == 0 and " 0% packet loss" in out,
                    "tap: the host's ping reaches the guest (ICMP echo answered)",
                    out.splitlines()[-3:] + log)
        r = sh("python3", "-c", NS_UDP_CLIENT, ns=ns)
        out = r.stdout.decode("utf-8", "replace").strip()
        tally.check(out == "echoed 20", "tap: 20 UDP datagrams from the namespace echoed",
                    [out] + log)
        pong = g.cmd("ping 10.0.2.2 2") or ""
        tally.check("2 received" in pong, "tap: the guest pings the host's end of the tap",
                    pong.splitlines()[-3:] + log)
    finally:
        g.close()
        sh("ip", "netns", "del", ns)


def main():
    """Standalone: python3 tools/net_checks.py --build build (the checks of step_net/step_tap)."""
    return qemu.run_alone(__doc__, step_net, step_tap)


if __name__ == "__main__":
    raise SystemExit(main())
