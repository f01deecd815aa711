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
                  link goes down and up from QEMU's monitor (`set_link`); then
                  a guest booted with netem=eth0.tx:loss=100%: the echo gets no
                  reply and `netem` counts the losses, `netem eth0 off` and it
                  answers, `netem eth0 tx loss 100%` at the monitor and it stops
  step_tap()      where we are root and /dev/net/tun, ip and ping exist: a tap
                  device in a network namespace of its own, the host's own
                  `ping` to the guest, UDP from the namespace, and a connected
                  socket refused (ECONNREFUSED) by a closed guest port's ICMP
                  port unreachable, which QEMU's user network never passes on;
                  then a SYN flood at the TCP echo service from raw sockets there
                  (tap_synflood): cookies, a real client served, memory bounded;
                  skipped (counted as skipped) otherwise
  step_tap_mq()   the same host, a multi_queue tap and a guest with -smp 4 (MTTCG)
                  and a virtio-net of four queue pairs: UDP echoes from 32
                  source ports of the namespace, every reply checked; `ethtool
                  eth0` must count packets on every RX and TX queue, `interrupts`
                  each queue's vector on its own CPU, `netstat` every echo
                  thread answering; memory back at baseline; then the in-guest
                  suite virtio_net_mq typed at the prompt must pass, no skips
  step_run_mq()   `make run SMP=4 NET=tap` itself, run in a namespace (its tap is
                  made and removed there): it says four queue pairs, the
                  guest's eth0 has four, `ethtool eth0` shows them

tools/bench_net.py uses the Guest class, the namespace helpers (MqTap,
netns_sockets) and echo_flows for `make bench`.

The guest's addresses are QEMU user networking's: 10.0.2.15/24, gateway
10.0.2.2 (eth0, from the kernel's defaults), and 10.0.3.15/24 on a second
user network for eth1 (set with the monitor's ifconfig).
"""

import ctypes
import os
import random
import re
import select
import shutil
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402
from ktap import KtapParser  # noqa: E402

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


def free_udp_ports(n, kind=socket.SOCK_DGRAM):
    """@n distinct UDP (or @kind) ports on 127.0.0.1 that nobody uses now (the kernel picks)."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, kind)
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


def user_netdev(index, forwards=(), tcp_forwards=()):
    """A user network n@index (10.0.(2+index).0/24) forwarding host ports to guest ports
    (UDP, and TCP for @tcp_forwards)."""
    # ipv6=off: no router advertisements arriving unasked, so the guest's
    # packet counters move only with what a test sends.
    nd = "user,id=n%d,net=10.0.%d.0/24,ipv6=off" % (index, 2 + index)
    for host, guest in forwards:
        nd += ",hostfwd=udp:127.0.0.1:%d-10.0.%d.15:%d" % (host, 2 + index, guest)
    for host, guest in tcp_forwards:
        nd += ",hostfwd=tcp:127.0.0.1:%d-10.0.%d.15:%d" % (host, 2 + index, guest)
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

    def __init__(self, opts, name, qemu_args, cmdline="", wrap=(), accel=None):
        self.qmon_path = os.path.join(opts.logdir, name + ".qemu-monitor")
        if os.path.exists(self.qmon_path):
            os.unlink(self.qmon_path)
        devices = ["-monitor", "unix:%s,server=on,wait=off" % self.qmon_path, *qemu_args]
        started = qemu.spawn(qemu.qemu_cmd(opts, devices, cmdline, accel=accel),
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


# The bios in use came later (drivers/net/virtio_net_ethtool.c): optional, so that the
# first four fields are read the same from a kernel with or without them.
MEMCHECK_RE = re.compile(r"memcheck: pages (\d+) objects (\d+) skbs (\d+) threads (\d+)"
                         r"(?: bios (\d+))?")


def memcheck(guest):
    """The guest's (pages, slab objects, skbs, threads, bios), or None."""
    m = MEMCHECK_RE.search(guest.cmd("memcheck") or "")
    return tuple(int(x) for x in m.groups() if x is not None) if m else None


def memcheck_stable(guest, wait_s=5.0, gap_s=0.6):
    """memcheck once two readings @gap_s apart agree (a connection's thread, its TIME_WAIT,
    a TX completion still on its way), or the last reading after @wait_s: a baseline."""
    end = time.monotonic() + wait_s
    last = memcheck(guest)
    while time.monotonic() < end:
        time.sleep(gap_s)
        now = memcheck(guest)
        if now == last:
            return now
        last = now
    return last


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


def tcp_echo_exchange(addr, data, timeout=60.0):
    """Send @data over one TCP connection to @addr while reading the echo:
    (what came back, the error that ended it or None).  A refused or failed
    connection is an error too, not an exception (tools/soak.py counts them)."""
    got = bytearray()
    try:
        s = socket.create_connection(addr, timeout=timeout)
    except OSError as e:
        return b"", "connect: %s" % e
    err = None
    try:
        def send():
            try:
                s.sendall(data)
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass  # the reader sees the connection end
        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
        sender.join(timeout)
    except OSError as e:
        err = str(e)
    finally:
        s.close()
    return bytes(got), err


def tcp_echo_python(addr, data, timeout=60.0):
    """tcp_echo_exchange, saying why it ended early: what came back."""
    got, err = tcp_echo_exchange(addr, data, timeout)
    if err:
        print("  ..      tcp echo: %s after %d bytes" % (err, len(got)), flush=True)
    return got


def tcp_echo_nc(port, data, timeout=60):
    """The same through netcat (nc -N: shut down sending at the end of the input)."""
    try:
        r = subprocess.run(["nc", "-N", "127.0.0.1", str(port)], input=data,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=timeout)
        return r.stdout
    except (OSError, subprocess.TimeoutExpired):
        return b""


def check_tcp_slow_reader(g, tally, addr, base, log):
    """A client that sends and never reads: the guest holds a bounded amount for it (its
    connection's buffers), and another client is still served meanwhile."""
    def free_pages():
        m = re.search(r"\(free (\d+)", g.cmd("memcheck") or "")
        return int(m.group(1)) if m else None

    free_before = free_pages()
    try:
        slow = socket.create_connection(addr, timeout=10)
    except OSError as e:  # a failed check, not a crash of the step
        tally.check(False, "a client that never reads connects to the TCP echo",
                    ["connect: %s" % e] + log)
        return
    slow.setblocking(False)
    sent, stalled_at = 0, time.monotonic() + 20
    try:
        chunk = bytes(65536)
        while time.monotonic() < stalled_at:
            try:
                sent += slow.send(chunk)
            except BlockingIOError:
                # Every buffer on the way is full: the guest's, QEMU's, the host's.
                time.sleep(0.3)
                try:
                    sent += slow.send(chunk)
                except BlockingIOError:
                    break
        mid, free_mid = memcheck(g), free_pages()
        other = tcp_echo_python(addr, b"x" * 100000)
        tally.check(other == b"x" * 100000, "TCP echo serves another client while one sends "
                    "%d bytes and reads nothing" % sent, log)
        grown = (free_before - free_mid) * 4 if free_before and free_mid else None
        # The stalled connection's buffers: 256 KiB to send, 256 KiB received, each skb's
        # overhead, a thread: allow 3 MiB of the guest's 128.
        tally.check(grown is not None and 0 < grown < 3 * 1024,
                    "a client that never reads holds %s KiB of the guest's memory, bounded by "
                    "its connection's buffers" % grown, ["memcheck before %s, stalled %s"
                                                         % (base, mid)] + log)
        # Close only once the guest has ended that connection (the echo service's stall
        # timeout, net/tcp_echo.c): closing while QEMU's user network holds a full buffer for
        # the guest trips an assertion in libslirp 4.7 (soread: "buf_len != 0": the hang-up
        # makes it read into a full buffer), which kills QEMU.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not re.search(
                r"TCP echo: \d+ connections \(0 now", g.cmd("netstat") or ""):
            time.sleep(0.5)
        time.sleep(0.5)  # the guest's reset reaches QEMU's NAT, which closes its side
    finally:
        slow.close()


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
    (t0,) = free_udp_ports(1, socket.SOCK_STREAM)
    args = (nic_args(0, "modern", user_netdev(0, [(p0, ECHO_PORT)], [(t0, ECHO_PORT)]))
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
        answering = set()
        for nic, port in (("eth0", p0), ("eth1", p1)):
            addr = ("127.0.0.1", port)
            sizes = (0, 1, 100, 1000, 1472)
            ok = [n for n in sizes if echo_once(addr, bytes((i * 13 + n) & 0xff
                                                            for i in range(n)))]
            tally.check(len(ok) == len(sizes), "%s: echo answers datagrams of %s bytes"
                        % (nic, ", ".join(map(str, sizes))),
                        ["answered: %s" % ok] + log)
            if ok:
                answering.add(nic)
            # Past the MTU: QEMU fragments the datagram to the guest, which reassembles it,
            # echoes it in fragments of its own, and QEMU reassembles those.
            big = (1473, 3000, 65507)
            ok = [n for n in big if echo_once(addr, bytes((i * 7 + (i >> 8)) & 0xff
                                                          for i in range(n)), timeout=3.0)]
            tally.check(len(ok) == len(big), "%s: echo answers datagrams of %s bytes, "
                        "fragmented both ways" % (nic, ", ".join(map(str, big))),
                        ["answered: %s" % ok] + log)
        # TCP: a megabyte each way, by Python and by netcat, through QEMU's NAT.
        blob = bytes(random.Random(7).getrandbits(8) for _ in range(1 << 20))
        for who, run in (("python", lambda: tcp_echo_python(("127.0.0.1", t0), blob)),
                         ("nc", lambda: tcp_echo_nc(t0, blob))):
            back = run()
            tally.check(back == blob, "eth0: TCP echo on port 7 returns 1 MiB byte for byte "
                        "(%s)" % who, ["%d bytes back, first difference at %s" % (
                            len(back), next((i for i, (a, b) in enumerate(zip(back, blob))
                                             if a != b), min(len(back), len(blob))))] + log)
        stats = g.cmd("netstat") or ""
        reasm = re.search(r"ReasmOKs (\d+)", stats)
        frags = re.search(r"FragOKs (\d+)", stats)
        tally.check(reasm and frags and int(reasm.group(1)) >= 6 and int(frags.group(1)) >= 6,
                    "netstat counts the reassembled and the fragmented datagrams "
                    "(ReasmOKs, FragOKs)", log + stats.splitlines()[:8])
        base = memcheck_stable(g)
        tally.check(base is not None, "memcheck reports the guest's counters", log)
        for nic, port, count in (("eth0", p0, BURST), ("eth1", p1, BURST // 3)):
            if nic not in answering:
                # Every datagram would be retried MAX_TRIES times: minutes to say the same.
                tally.check(False, "%s: a burst of %d datagrams, %d in flight: every one "
                            "echoed exactly" % (nic, count, WINDOW),
                            ["not sent: not one single datagram was echoed"] + log)
                continue
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
        check_tcp_slow_reader(g, tally, ("127.0.0.1", t0), base, log)
        # The slow connection was ended by the echo service's own stall timeout (3 s a send;
        # net/tcp_echo.c) before its client closed; now everything must come back.
        after = memcheck_settled(g, base, wait_s=20.0)
        tally.check(base is not None and after == base,
                    "the guest's pages, slab objects, skbs, threads and bios are back at baseline",
                    ["(pages, objects, skbs, threads, bios) before %s, after %s" % (base, after)]
                    + log)
        check_counters(g, tally, log)
        check_link(g, tally, "n0", "eth0", ("127.0.0.1", p0), log)
        check_link(g, tally, "n1", "eth1", ("127.0.0.1", p1), log)
    finally:
        status = g.close()
    tally.check(status == 33, "poweroff ends the network guest with status 33",
                ["status %s" % status] + log + g.tail())
    check_netem(opts, tally)


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


NETEM_TX_RE = re.compile(r"^(\S+)\s+tx\s+loss .*\n\s+passed (\d+) lost (\d+)", re.M)


def netem_lost(g, nic):
    """(passed, lost) of netem on @nic's transmit side, as `netem <nic>` says; None if off."""
    m = NETEM_TX_RE.search(g.cmd("netem %s" % nic) or "")
    return (int(m.group(2)), int(m.group(3))) if m and m.group(1) == nic else None


def check_netem(opts, tally):
    """netem (net/netem.c): a guest booted with netem=eth0.tx:loss=100% sends the host's
    echo nothing back, counting what it lost; `netem eth0 off` at the monitor and the echo
    answers; `netem eth0 tx loss 100%` at the monitor and it stops again."""
    section("netem: loss 100% on eth0's transmit side, from the command line and the monitor")
    port = free_udp_ports(1)[0]
    addr = ("127.0.0.1", port)
    g = Guest(opts, "net-netem", nic_args(0, "modern", user_netdev(0, [(port, ECHO_PORT)])),
              cmdline="netem=eth0.tx:loss=100%,seed=1")
    log = ["log: %s" % g.log_path]
    try:
        if not tally.check(g.boot(), "the guest with netem= reaches the monitor", log + g.tail()):
            return
        for how in ("netem=eth0.tx:loss=100% on the command line", "netem eth0 tx loss 100%"):
            tally.check(not echo_once(addr, b"netem drops me", timeout=0.5, tries=2),
                        "%s: the host's echo gets no reply" % how, log)
            counts = netem_lost(g, "eth0")
            tally.check(counts is not None and counts[0] == 0 and counts[1] >= 1,
                        "%s: netem counts what it lost, passed nothing: %s" % (how, counts), log)
            g.cmd("netem eth0 off")
            tally.check(netem_lost(g, "eth0") is None and echo_once(addr, b"netem off"),
                        "then netem eth0 off: the echo answers again", log)
            out = g.cmd("netem eth0 tx loss 100% seed 1") or ""
            tally.check("usage:" not in out and NETEM_TX_RE.search(out),
                        "netem eth0 tx loss 100% at the monitor: taken", log + out.splitlines())
        drops = g.cmd("netstat") or ""
        tally.check(re.search(r"^\s+NETEM\s+[1-9]", drops, re.M),
                    "netstat counts the drops under NETEM", log + drops.splitlines()[-8:])
    finally:
        status = g.close()
    tally.check(status == 33, "poweroff ends the netem guest with status 33",
                ["status %s" % status] + log + g.tail())


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

# A connected socket learns of the guest's ICMP port unreachable as ECONNREFUSED (Linux's
# __udp4_lib_err: a hard error on a connected socket).  Port 9: nothing in the guest binds it.
NS_UDP_REFUSED = """
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
s.connect(("10.0.2.15", 9))
r = "no answer"
for i in range(3):
    s.send(b"anyone there?")
    try:
        s.recv(100)
        r = "answered"
    except ConnectionRefusedError:
        r = "refused"
        break
    except socket.timeout:
        pass
print(r)
"""


def step_tap(opts, tally):
    """A tap device in a namespace of its own: the host's ping and UDP reach the guest."""
    section("virtio-net on a tap device in a network namespace")
    why = tap_unavailable()
    if why:
        tally.skip("tap: host ping to the guest (%s)" % why)
        tally.skip("tap: UDP echo from the namespace (%s)" % why)
        tally.skip("tap: a closed guest port refuses (ICMP port unreachable) (%s)" % why)
        for what in SYNFLOOD_CHECK_NAMES:
            tally.skip("synflood: %s (%s)" % (what, why))
        return
    ns, tap = "teachos-vnet-%d" % os.getpid(), "tvnet0"
    setup = [("ip", "netns", "add", ns)]
    inside = [("ip", "link", "set", "lo", "up"),
              # No IPv6 (nothing unasked reaches the guest while memcheck counts), and no
              # forwarding: the SYN flood's SYN-ACKs to addresses not ours are dropped.
              ("sh", "-c", "for f in /proc/sys/net/ipv6/conf/all/disable_ipv6 "
               "/proc/sys/net/ipv6/conf/default/disable_ipv6; do [ -e $f ] && echo 1 > $f; "
               "done; echo 0 > /proc/sys/net/ipv4/ip_forward"),
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
        # Not on the user network: slirp drops what ICMP errors the guest sends (its
        # icmp_input), so only a tap shows a host socket refused (docs/network.md).
        r = sh("python3", "-c", NS_UDP_REFUSED, ns=ns)
        out = r.stdout.decode("utf-8", "replace").strip()
        tally.check(out == "refused",
                    "tap: a closed guest port refuses (ICMP port unreachable: ECONNREFUSED)",
                    [out] + log)
        pong = g.cmd("ping 10.0.2.2 2") or ""
        tally.check("2 received" in pong, "tap: the guest pings the host's end of the tap",
                    pong.splitlines()[-3:] + log)
        tap_synflood(g, ns, tap, tally, log)
    finally:
        g.close()
        sh("ip", "netns", "del", ns)


# ------------------------------------------------- a SYN flood from the tap --

# The flood's sources: addresses of the tap's subnet that nobody in the namespace owns.
# NS_ARP_RESPONDER answers the guest's ARP for them with the tap's MAC, so its SYN-ACKs
# reach the namespace, whose kernel (forwarding off, the addresses not its own) drops
# them in ip_error without a word: no RST ends a half-open child, and no ICMP error.
FLOOD_SOURCES = ["10.0.2.%d" % i for i in range(200, 216)]
FLOOD_SYNS = 2000               # in two halves: memory after the second = after the first
FLOOD_SEED = 13                 # the four-tuples and sequence numbers (NS_SYN_FLOOD)
ECHO_BACKLOG = 16               # net/tcp_echo.c: kernel_listen(..., TCP_ECHO_MAX)
FLOOD_CHILD_OBJECTS = 6         # slab objects one half-open child may hold (measured: 3)

# argv: tap device, then the addresses to answer for.  Prints "ready" once listening.
NS_ARP_RESPONDER = r"""
import socket, struct, sys
dev, mine = sys.argv[1], set(socket.inet_aton(a) for a in sys.argv[2:])
mac = bytes.fromhex(open("/sys/class/net/%s/address" % dev).read().strip().replace(":", ""))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0806))
s.bind((dev, 0x0806))
print("ready", flush=True)
while True:
    f = s.recv(100)
    if len(f) < 42 or f[12:14] != b"\x08\x06" or f[20:22] != b"\x00\x01" or f[38:42] not in mine:
        continue
    sha, spa, tpa = f[22:28], f[28:32], f[38:42]
    s.send(sha + mac + b"\x08\x06" + struct.pack("!HHBBH", 1, 0x0800, 6, 4, 2)
           + mac + tpa + sha + spa)
"""

# argv: syn SEED FIRST LAST (SYNs for four-tuples FIRST..LAST-1 of the seed's list), or
# rst SEED ADDR:PORT... (a RST at the child's rcv_nxt, our ISN + 1, for each).  Raw IP
# (IPPROTO_RAW: we write the IP header; the TCP checksum is ours to compute).
NS_SYN_FLOOD = r"""
import random, socket, struct, sys, time
SOURCES = %r
def tuples(seed, n=%d):
    rng = random.Random(seed)
    ports = rng.sample(range(1024, 65536), n)
    return [(SOURCES[i %% len(SOURCES)], ports[i], rng.getrandbits(32)) for i in range(n)]
def csum(b):
    b += b"\0" * (len(b) & 1)
    s = sum(struct.unpack("!%%dH" %% (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def segment(src, sport, seq, flags):
    opts = b"\x02\x04\x05\xb4" if flags == 0x02 else b""      # MSS 1460 on a SYN
    dst = socket.inet_aton("10.0.2.15")
    th = struct.pack("!HHIIBBHHH", sport, 7, seq, 0, (20 + len(opts)) << 2, flags, 64240, 0, 0)
    th += opts
    pseudo = socket.inet_aton(src) + dst + struct.pack("!BBH", 0, 6, len(th))
    th = th[:16] + struct.pack("!H", csum(pseudo + th)) + th[18:]
    ih = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(th), random.getrandbits(16), 0, 64, 6,
                     0, socket.inet_aton(src), dst)
    return ih[:10] + struct.pack("!H", csum(ih)) + ih[12:] + th
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
all_ = tuples(int(sys.argv[2]))
if sys.argv[1] == "syn":
    todo = [(a, p, q, 0x02) for a, p, q in all_[int(sys.argv[3]):int(sys.argv[4])]]
else:
    seqs = {"%%s:%%d" %% (a, p): q for a, p, q in all_}
    todo = [(t.split(":")[0], int(t.split(":")[1]), seqs[t] + 1, 0x04)
            for t in sys.argv[3:] if t in seqs]
sent = 0
for a, p, q, fl in todo:
    pkt = segment(a, p, q & 0xffffffff, fl)
    while True:
        try:
            s.sendto(pkt, ("10.0.2.15", 0))
            break
        except OSError:
            time.sleep(0.001)                               # ENOBUFS: the tap's queue is full
    sent += 1
print("sent", sent)
""" % (FLOOD_SOURCES, FLOOD_SYNS)

# A legitimate client: 4096 bytes to the echo service and back, compared.
NS_TCP_ECHO = r"""
import random, socket
data = random.Random(7).randbytes(4096)
try:
    c = socket.create_connection(("10.0.2.15", 7), timeout=15)
    c.sendall(data)
    got = b""
    while len(got) < len(data):
        b = c.recv(65536)
        if not b:
            break
        got += b
    c.close()
    print("echoed %d" % len(got) if got == data else "wrong: %d bytes" % len(got))
except OSError as e:
    print("failed:", e)
"""

SYNFLOOD_CHECK_NAMES = (
    "the flood's sources resolve (ARP) and a RST at rcv_nxt frees a half-open child",
    "%d SYNs from %d spoofed sources fill the echo service's backlog: %d in SYN_RECV, the "
    "rest answered with SYN cookies (SyncookiesSent), none dropped (ListenOverflows)"
    % (FLOOD_SYNS, len(FLOOD_SOURCES), ECHO_BACKLOG),
    "a connection from the namespace during the flood is made through a SYN cookie "
    "(SyncookiesRecv) and echoes 4096 bytes",
    "the guest's memory is bounded: the second %d SYNs hold nothing the first did not; the "
    "first, one skb (its SYN-ACK) and at most %d slab objects per backlog slot"
    % (FLOOD_SYNS // 2, FLOOD_CHILD_OBJECTS),
    "RSTs to the half-open children bring memcheck back to its baseline")

TCP_COUNTER_RE = r"\b%s (\d+)"


def tcp_counters(out, *names):
    """The values of TcpExt counters @names in `netstat` output @out (-1 if missing)."""
    found = [re.search(TCP_COUNTER_RE % n, out) for n in names]
    return tuple(int(m.group(1)) if m else -1 for m in found)


def syn_recv_peers(guest):
    """The foreign ADDR:PORT of every SYN_RECV connection to the echo port."""
    out = guest.cmd("netstat") or ""
    return re.findall(r"^tcp +\d+ +\d+ +%s:%d +(\S+) +SYN_RECV\b" % (re.escape(GUEST_IP),
                                                                    ECHO_PORT), out, re.M)


def memcheck_stable(guest, wait_s=3.0):
    """memcheck until two readings in a row agree (a SYN-ACK's retransmitted copy may be
    on its way out): the last reading."""
    end, last = time.monotonic() + wait_s, memcheck(guest)
    while time.monotonic() < end:
        time.sleep(0.2)
        now = memcheck(guest)
        if now == last:
            break
        last = now
    return last


def wait_syn_recv(guest, want, wait_s=10.0):
    """Poll netstat until want(peers) is true; the last peers seen."""
    end = time.monotonic() + wait_s
    while True:
        peers = syn_recv_peers(guest)
        if want(peers) or time.monotonic() > end:
            return peers
        time.sleep(0.3)


def flood(ns, seed, *args):
    """Run NS_SYN_FLOOD in @ns; its output."""
    r = sh("python3", "-c", NS_SYN_FLOOD, args[0], str(seed), *args[1:], ns=ns)
    return r.stdout.decode("utf-8", "replace").strip()


def reset_children(guest, ns, seed, rounds=3):
    """RST every half-open child of the echo port (its four-tuple from netstat) until none
    is left; the peers still there (empty when done)."""
    peers = syn_recv_peers(guest)
    for _ in range(rounds):
        if not peers:
            break
        flood(ns, seed, "rst", *peers)
        peers = wait_syn_recv(guest, lambda p: not p, 3.0)
    return peers


def tap_synflood(g, ns, tap, tally, log):
    """A SYN flood at the echo service from raw sockets in the namespace (see
    SYNFLOOD_CHECK_NAMES); the half-open children are reset at the end."""
    names = ["synflood: " + n for n in SYNFLOOD_CHECK_NAMES]
    arp = subprocess.Popen(["ip", "netns", "exec", ns, "python3", "-c", NS_ARP_RESPONDER, tap,
                            *FLOOD_SOURCES], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        ready = arp.stdout.readline().decode().strip() == "ready"
        # Warm-up: one SYN from each source, so the guest's ARP entries for them exist
        # before the baseline (each is a slab object that outlives the check).
        flood(ns, FLOOD_SEED + 1, "syn", "0", str(len(FLOOD_SOURCES)))
        peers = wait_syn_recv(g, lambda p: len(p) == len(FLOOD_SOURCES))
        warm = len(peers) == len(FLOOD_SOURCES)
        left = reset_children(g, ns, FLOOD_SEED + 1)
        arp_out = g.cmd("arp") or ""
        resolved = all(a in arp_out for a in FLOOD_SOURCES)
        if not tally.check(ready and warm and not left and resolved, names[0],
                           ["responder ready %s, %d SYN_RECV of %d, %d left after RSTs, "
                            "ARP resolved %s" % (ready, len(peers), len(FLOOD_SOURCES),
                                                 len(left), resolved)] + log):
            for n in names[1:]:
                tally.fail(n + " (not run: the warm-up failed)")
            return
        base = memcheck_stable(g)
        before = tcp_counters(g.cmd("netstat") or "", "SyncookiesSent", "SyncookiesRecv",
                              "ListenOverflows")
        half = FLOOD_SYNS // 2
        out1 = flood(ns, FLOOD_SEED, "syn", "0", str(half))
        peers = wait_syn_recv(g, lambda p: len(p) >= ECHO_BACKLOG)
        mid_counts = tcp_counters(g.cmd("netstat") or "", "SyncookiesSent")
        mid = memcheck_stable(g)
        # The second half and a real client at once: the backlog is full, so the
        # client's SYN gets a cookie, and its ACK makes the connection.
        second = subprocess.Popen(["ip", "netns", "exec", ns, "python3", "-c", NS_SYN_FLOOD,
                                   "syn", str(FLOOD_SEED), str(half), str(FLOOD_SYNS)],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        r = sh("python3", "-c", NS_TCP_ECHO, ns=ns)
        client = r.stdout.decode("utf-8", "replace").strip()
        out2 = second.communicate(timeout=30)[0].decode("utf-8", "replace").strip()
        peers2 = wait_syn_recv(g, lambda p: len(p) >= ECHO_BACKLOG)
        after = memcheck_settled(g, mid, 5.0)
        counts = tcp_counters(g.cmd("netstat") or "", "SyncookiesSent", "SyncookiesRecv",
                              "ListenOverflows")
        tally.check(len(peers) == ECHO_BACKLOG and len(peers2) == ECHO_BACKLOG
                    and mid_counts[0] > before[0] and counts[0] > mid_counts[0]
                    and counts[2] == before[2], names[1],
                    ["flood: %s, %s; SYN_RECV %d then %d; SyncookiesSent %d -> %d -> %d, "
                     "ListenOverflows %d -> %d" % (out1, out2, len(peers), len(peers2),
                                                   before[0], mid_counts[0], counts[0],
                                                   before[2], counts[2])] + log)
        tally.check(client == "echoed 4096" and counts[1] > before[1], names[2],
                    ["client: %s; SyncookiesRecv %d -> %d" % (client, before[1], counts[1])]
                    + log)
        grown = (mid[1] - base[1], mid[2] - base[2]) if mid and base else (None, None)
        tally.check(after == mid and grown[1] == ECHO_BACKLOG
                    and 0 < grown[0] <= FLOOD_CHILD_OBJECTS * ECHO_BACKLOG, names[3],
                    ["memcheck (pages, objects, skbs, threads, bios): baseline %s, after %d SYNs "
                     "%s, after %d %s" % (base, half, mid, FLOOD_SYNS, after)] + log)
        left = reset_children(g, ns, FLOOD_SEED)
        end = memcheck_settled(g, base, 10.0)
        tally.check(not left and end == base, names[4],
                    ["%d SYN_RECV left; memcheck baseline %s, now %s" % (len(left), base, end)]
                    + log)
    finally:
        arp.kill()
        arp.wait()


# ------------------------------------------------ multiqueue: a tap with queues --

MQ_MAC = "52:54:00:7e:57:20"    # a NIC made for tests (tests/lib/scratch_dev.h)
MQ_CPUS = 4                     # vCPUs and queue pairs of step_tap_mq
MQ_FLOWS = 32                   # host sockets, one source port each
MQ_COUNT = 3000                 # datagrams of the checked burst
MQ_RETRY_S = 2.0                # 4 vCPUs on a 2-core host answer slower than one
CLONE_NEWNET = 0x40000000       # <sched.h>: setns(2)'s network namespace type


def mttcg(opts):
    """The accelerator with every vCPU on a host thread of its own: tcg,thread=multi under TCG
    (KVM runs vCPUs in parallel anyway)."""
    return "tcg,thread=multi" if opts.accel == "tcg" else opts.accel


def mq_nic_args(tap, queues):
    """A virtio-net with @queues queue pairs on the multi_queue tap @tap: one vector each
    for the config, every queue and the control queue (2 * queues + 2)."""
    return ["-netdev", "tap,id=n0,ifname=%s,script=no,downscript=no,queues=%d,vhost=off"
            % (tap, queues),
            "-device", "virtio-net-pci,netdev=n0,mq=%s,vectors=%d,mac=%s"
            % ("on" if queues > 1 else "off", 2 * queues + 2, MQ_MAC)]


class MqTap:
    """A network namespace holding a multi_queue tap at 10.0.2.2/24 (the guest's gateway):
    QEMU runs inside it (wrap), the host's sockets are made inside it (sockets())."""

    def __init__(self, tag, multi_queue=True):
        self.ns, self.tap = "teachos-%s-%d" % (tag, os.getpid()), "tvmq0"
        self.wrap = ("ip", "netns", "exec", self.ns)
        # QEMU opens a tap with queues=1 without IFF_MULTI_QUEUE, which a multi_queue tap refuses.
        self.flags = ("multi_queue",) if multi_queue else ()

    def up(self):
        """Make the namespace and the tap; None, or what went wrong (then nothing is left)."""
        steps = [(None, ("ip", "netns", "add", self.ns)),
                 (self.ns, ("ip", "link", "set", "lo", "up")),
                 # No IPv6 in the namespace: the host's router solicitations and the like
                 # would reach the guest at any moment, and its in-guest suites count
                 # slab objects; the IPv4 traffic the checks send is all there is.
                 (self.ns, ("sh", "-c", "for f in /proc/sys/net/ipv6/conf/all/disable_ipv6 "
                            "/proc/sys/net/ipv6/conf/default/disable_ipv6; do "
                            "[ -e $f ] && echo 1 > $f; done; true")),
                 (self.ns, ("ip", "tuntap", "add", "dev", self.tap, "mode", "tap",
                            *self.flags)),
                 (self.ns, ("ip", "addr", "add", "10.0.2.2/24", "dev", self.tap)),
                 (self.ns, ("ip", "link", "set", self.tap, "up"))]
        for ns, c in steps:
            r = sh(*c, ns=ns)
            if r.returncode:
                self.down()
                return "%s: %s" % (" ".join(c), r.stdout.decode().strip())
        return None

    def down(self):
        sh("ip", "netns", "del", self.ns)

    def sockets(self, n):
        """@n non-blocking UDP sockets of the namespace, each bound to a port of its own.
        Made from inside it (setns(2) on this thread, and back): they stay in it."""
        libc = ctypes.CDLL(None, use_errno=True)
        own = os.open("/proc/self/ns/net", os.O_RDONLY)
        target = os.open("/run/netns/" + self.ns, os.O_RDONLY)
        socks = []
        try:
            if libc.setns(target, CLONE_NEWNET):
                raise OSError(ctypes.get_errno(), "setns into " + self.ns)
            try:
                for _ in range(n):
                    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                    s.bind(("0.0.0.0", 0))
                    s.setblocking(False)
                    socks.append(s)
            finally:
                if libc.setns(own, CLONE_NEWNET):
                    raise OSError(ctypes.get_errno(), "setns back to our own namespace")
        finally:
            os.close(own)
            os.close(target)
        return socks


def flow_payload(seq, size, rng):
    """Datagram @seq: its number, then @size bytes in all (None: 0-1400 random bytes)."""
    head = b"%08d:" % seq
    if size is None:
        return head + rng.randbytes(rng.randrange(0, 1400))
    return (head + bytes((seq + i) & 0xff for i in range(size)))[:max(size, len(head))]


def echo_flows(socks, addr, count=None, seconds=None, window=WINDOW, seed=1, size=None,
               first=0, retry_s=RETRY_S):
    """UDP echoes to @addr from every socket of @socks (datagram n from socks[n % len]),
    @window unanswered at most, until @count are answered or @seconds have passed.  Each
    reply must be the datagram sent, byte for byte, and come back to the socket (source
    port) that sent it; unanswered ones are sent again after @retry_s, at most MAX_TRIES
    times.  Returns EchoStats, with .done (distinct datagrams answered) and .took.  A timed
    run then waits up to a second for the replies still in flight (not counted); numbering
    the datagrams of each run from its own @first keeps a late answer from an earlier run
    on the same sockets apart (counted as a duplicate)."""
    rng = random.Random(seed)
    st = EchoStats()
    msgs, pending, done = {}, {}, set()
    nxt, start = first, time.monotonic()

    def running(now):
        if seconds is not None:
            return now - start < seconds
        return len(done) + len(st.lost) < count

    while running(time.monotonic()):
        now = time.monotonic()
        while (count is None or nxt < first + count) and len(pending) < window:
            msgs[nxt] = flow_payload(nxt, size, rng)
            socks[nxt % len(socks)].sendto(msgs[nxt], addr)
            st.sent += 1
            pending[nxt] = (now, 1)
            nxt += 1
        for seq, (when, tries) in list(pending.items()):
            if now - when < retry_s:
                continue
            del pending[seq]
            if tries >= MAX_TRIES:
                st.lost.append(seq)
                continue
            socks[seq % len(socks)].sendto(msgs[seq], addr)
            st.sent += 1
            st.retries += 1
            pending[seq] = (now, tries + 1)
        flows_receive(socks, st, msgs, pending, done, first, forget=count is None)
    st.done, st.took = len(done), time.monotonic() - start
    end = time.monotonic() + 1.0
    while pending and time.monotonic() < end:
        flows_receive(socks, st, msgs, pending, done, first, forget=True)
    return st


def flows_receive(socks, st, msgs, pending, done, first, forget):
    """Read and check the replies that are there (waiting up to 50 ms for one); a datagram
    answered leaves @pending, and @msgs too if @forget (a timed run keeps only what is in
    flight)."""
    by_fd = {s.fileno(): i for i, s in enumerate(socks)}
    ready, _, _ = select.select(socks, [], [], 0.05)
    for s in ready:
        while True:
            try:
                data = s.recv(65536)
            except BlockingIOError:
                break
            st.replies += 1
            m = re.match(rb"(\d{8}):", data)
            seq = int(m.group(1)) if m else -1
            if (seq in done and seq not in msgs) or 0 <= seq < first:
                st.duplicates += 1      # a retry's answer, of this run or an earlier one
            elif seq not in msgs or data != msgs[seq] or seq % len(socks) != by_fd[s.fileno()]:
                st.wrong += 1
            elif seq in done:
                st.duplicates += 1
            else:
                done.add(seq)
                pending.pop(seq, None)
                if forget:
                    del msgs[seq]


def ethtool_queues(text):
    """`ethtool eth0`: ((pairs in use, pairs offered) or None, {i: [rx packets, tx packets]})."""
    pairs = re.search(r"queue pairs: (\d+) of (\d+)", text)
    queues = {}
    for kind, i, n in re.findall(r"^\s*(rx|tx)_queue_(\d+)_packets: (\d+)", text, re.M):
        queues.setdefault(int(i), [None, None])[kind == "tx"] = int(n)
    return (tuple(map(int, pairs.groups())) if pairs else None), queues


def interrupts_table(text):
    """`interrupts`: (the CPU numbers of its columns, {handler name: [count per CPU]}).
    Read as a stream of words - a row is irq, vector, a count per CPU, then words of
    which the handler's name is the last (chip and target CPU may come between) - so a
    row broken over several lines reads the same."""
    words = text.split()
    cpus, rows = [], {}
    if "vector" not in words or "handler" not in words:
        return cpus, rows
    head = words[words.index("vector") + 1:words.index("handler")]
    cpus = [int(w[3:]) for w in head if re.fullmatch(r"CPU\d+", w)]
    body = words[words.index("handler") + 1:]
    width = 2 + len(cpus)
    starts = [i for i in range(len(body) - width)
              if all(w.isdigit() for w in body[i:i + width])]
    for n, i in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(body)
        tail = body[i + width:end]
        for stop in ("RES", "CAL", "spurious"):    # the IPI rows and the last line
            tail = tail[:tail.index(stop)] if stop in tail else tail
        if tail:
            rows[tail[-1]] = [int(w) for w in body[i + 2:i + width]]
    return cpus, rows


QUEUE_VECTOR_RE = re.compile(r"virtio\d+-(input|output|rx|tx)[.\-_]?(\d*)$")


def queue_vectors(rows):
    """{(kind 'rx'/'tx', queue): counts} of the virtio-net queue rows of interrupts_table()
    (virtio0-input.1 and the like; a name with no number is queue 0)."""
    out = {}
    for name, counts in rows.items():
        m = QUEUE_VECTOR_RE.search(name)
        if m:
            kind = "rx" if m.group(1) in ("input", "rx") else "tx"
            out[(kind, int(m.group(2) or 0))] = counts
    return out


def echo_thread_counts(text):
    """`netstat`'s Echo lines: {cpu: datagrams answered} of each udp-echo/N thread."""
    part = text[text.find("Echo:"):] if "Echo:" in text else ""
    return {int(c): int(n) for c, n in re.findall(r"udp-echo/(\d+) (\d+)", part)}


def ktap_verdict(text):
    """KTAP typed at the prompt: (passed, failed, skipped, problems)."""
    parser = KtapParser()
    for line in text.splitlines():
        parser.feed(line)
    problems = parser.finish()
    p, f, sk = parser.root.counts() if parser.root else (0, 0, 0)
    return p, f, sk, problems


MQ_CHECK_NAMES = ("the 4-CPU guest with four queue pairs reaches the monitor",
                  "UDP echoes from 32 source ports, every reply checked",
                  "ethtool: packets on every RX and TX queue, 4 of 4 pairs",
                  "interrupts: each queue's vector counts on its own CPU",
                  "netstat: every echo thread answered",
                  "memory back at baseline",
                  "test virtio_net_mq at the prompt passes, no skips")


def step_tap_mq(opts, tally):
    """A multi_queue tap in a namespace, a 4-CPU guest with four queue pairs: the load of
    many flows reaches every queue, every CPU and every echo thread."""
    section("virtio-net multiqueue on a multi_queue tap: %d CPUs, %d queue pairs"
            % (MQ_CPUS, MQ_CPUS))
    why = tap_unavailable()
    mq = MqTap("vmq")
    why = why or mq.up()
    if why:
        for what in MQ_CHECK_NAMES:
            tally.skip("tap-mq: %s (%s)" % (what, why))
        return
    g = None
    try:
        g = Guest(opts, "net-tap-mq", ["-smp", str(MQ_CPUS)] + mq_nic_args(mq.tap, MQ_CPUS),
                  wrap=mq.wrap, accel=mttcg(opts))
        log = ["log: %s" % g.log_path]
        if not tally.check(g.boot(), "tap-mq: " + MQ_CHECK_NAMES[0], log + g.tail()):
            return
        boot = g.text().decode("utf-8", "replace")
        line = re.search(r"eth0: virtio-net on .*", boot)
        tally.check(line and re.search(r"\b%d queue pairs \(of %d\)" % (MQ_CPUS, MQ_CPUS),
                                       line.group(0)),
                    "tap-mq: the boot line says eth0 has %d queue pairs (of %d)"
                    % (MQ_CPUS, MQ_CPUS), [line.group(0) if line else "no eth0 line"] + log)
        mq_traffic(g, mq, tally, log)
        out = g.cmd("test virtio_net_mq", timeout=opts.boot_timeout) or ""
        p, f, sk, problems = ktap_verdict(out)
        tally.check(p and not f and not sk and not problems, "tap-mq: " + MQ_CHECK_NAMES[6]
                    + " (%d passed, %d failed, %d skipped)" % (p, f, sk),
                    problems + out.strip().splitlines()[-8:] + log)
    finally:
        status = g.close() if g else None
        mq.down()
    if g:
        tally.check(status == 33, "tap-mq: poweroff ends the guest with status 33",
                    ["status %s" % status] + log + g.tail())


def step_run_mq(opts, tally):
    """make run SMP=4 NET=tap, run inside a namespace of its own (make run makes its
    multi_queue tap there, and removes it): four CPUs, four queue pairs."""
    section("make run SMP=%d NET=tap: a queue pair per CPU" % MQ_CPUS)
    names = ("make run says it gives %d queue pairs" % MQ_CPUS,
             "the guest's eth0 has %d queue pairs (of %d)" % (MQ_CPUS, MQ_CPUS),
             "ethtool eth0: queue pairs: %d of %d" % (MQ_CPUS, MQ_CPUS))
    ns = "teachos-run-%d" % os.getpid()
    why = tap_unavailable()
    if not why and sh("ip", "netns", "add", ns).returncode:
        why = "ip netns add failed"
    if why:
        for what in names:
            tally.skip("run-mq: %s (%s)" % (what, why))
        return
    img = os.path.join(opts.build, "run-mq.img")   # its own disk: never the user's
    cmd = ["make", "-s", "--no-print-directory", "-o", opts.kernel, "run", "BUILD=" + opts.build,
           "QEMU=" + opts.qemu, "DISK_IMG=" + img, "ACCEL=" + opts.accel, "SMP=%d" % MQ_CPUS,
           "NET=tap", "TAPDEV=tvrun0"]
    log_path = os.path.join(opts.logdir, "run-mq.log")
    run = qemu.spawn(cmd, log_path, cwd=opts.root, group=True, wrap=("ip", "netns", "exec", ns))
    log = ["log: %s" % log_path]
    try:
        booted = run.boot(180)
        boot = run.text().decode("utf-8", "replace")
        tally.check("%d queue pairs, one per CPU" % MQ_CPUS in boot, "run-mq: " + names[0],
                    log + boot.splitlines()[:4])
        line = re.search(r"eth0: virtio-net on .*", boot)
        tally.check(booted and line and "%d queue pairs (of %d)" % (MQ_CPUS, MQ_CPUS)
                    in line.group(0), "run-mq: " + names[1],
                    [line.group(0) if line else "no eth0 line"] + log)
        eth = (run.cmd("ethtool eth0", 60) or "") if booted else ""
        tally.check("queue pairs: %d of %d" % (MQ_CPUS, MQ_CPUS) in eth, "run-mq: " + names[2],
                    eth.splitlines()[:6] + log)
    finally:
        run.close(30)
        sh("ip", "netns", "del", ns)
        if os.path.exists(img):
            os.unlink(img)


def mq_traffic(g, mq, tally, log):
    """The checked burst from MQ_FLOWS source ports, then what the guest counted."""
    base = memcheck_stable(g)
    eth0_before = ethtool_queues(g.cmd("ethtool eth0") or "")[1]
    irq_before = queue_vectors(interrupts_table(g.cmd("interrupts") or "")[1])
    echo_before = echo_thread_counts(g.cmd("netstat") or "")
    socks = mq.sockets(MQ_FLOWS)
    try:
        st = echo_flows(socks, (GUEST_IP, ECHO_PORT), count=MQ_COUNT, seed=7,
                        retry_s=MQ_RETRY_S)
    finally:
        for s in socks:
            s.close()
    print("  ..      %d datagrams from %d ports, %d sent (%d retries), %d replies, %d lost, "
          "%.1f s" % (MQ_COUNT, MQ_FLOWS, st.sent, st.retries, st.replies, len(st.lost),
                      st.took), flush=True)
    tally.check(not st.lost and not st.wrong and st.retries <= MQ_COUNT // 200,
                "tap-mq: %s: %d datagrams, %d in flight, %d retries"
                % (MQ_CHECK_NAMES[1], MQ_COUNT, WINDOW, st.retries),
                ["lost: %s" % st.lost[:20], "wrong replies: %d" % st.wrong] + log)

    eth = g.cmd("ethtool eth0") or ""
    pairs, queues = ethtool_queues(eth)
    idle = ["%s queue %d: %s -> %s" % (kind, i, eth0_before.get(i, [0, 0])[k],
                                        queues.get(i, [None, None])[k])
            for i in range(MQ_CPUS) for k, kind in enumerate(("rx", "tx"))
            if not (queues.get(i, [None, None])[k] or 0) > (eth0_before.get(i, [0, 0])[k] or 0)]
    tally.check(pairs == (MQ_CPUS, MQ_CPUS) and not idle, "tap-mq: " + MQ_CHECK_NAMES[2],
                ["queue pairs: %s" % (pairs,)] + idle + log)

    cpus, rows = interrupts_table(g.cmd("interrupts") or "")
    vectors = queue_vectors(rows)
    wrong = []
    for i in range(MQ_CPUS):
        for kind in ("rx", "tx"):
            now = vectors.get((kind, i))
            if now is None:
                if kind == "rx":
                    wrong.append("no interrupt line for the %s vector of queue %d" % (kind, i))
                continue
            was = irq_before.get((kind, i), [0] * len(now))
            delta = {c: n - w for c, n, w in zip(cpus, now, was)}
            elsewhere = {c: d for c, d in delta.items() if c != i and d}
            if elsewhere or (kind == "rx" and not delta.get(i)):
                wrong.append("%s queue %d: new interrupts per CPU %s (all should be on CPU %d)"
                             % (kind, i, delta, i))
    tally.check(cpus == list(range(MQ_CPUS)) and not wrong, "tap-mq: " + MQ_CHECK_NAMES[3],
                ["columns: CPUs %s" % cpus] + wrong + log)

    echo = echo_thread_counts(g.cmd("netstat") or "")
    grew = {c: n - echo_before.get(c, 0) for c, n in echo.items()}
    tally.check(sorted(grew) == list(range(MQ_CPUS)) and all(grew.values())
                and sum(grew.values()) >= st.done,
                "tap-mq: %s (%s)" % (MQ_CHECK_NAMES[4], ", ".join(
                    "udp-echo/%d %d" % (c, n) for c, n in sorted(grew.items()))),
                ["answered per thread: %s, datagrams answered: %d" % (grew, st.done)] + log)
    after = memcheck_settled(g, base)
    tally.check(base is not None and after == base, "tap-mq: " + MQ_CHECK_NAMES[5],
                ["(pages, objects, skbs, threads, bios) before %s, after %s" % (base, after)] + log)


def main():
    """Standalone: python3 tools/net_checks.py --build build (step_net, step_tap, step_tap_mq,
    step_run_mq)."""
    return qemu.run_alone(__doc__, step_net, step_tap, step_tap_mq, step_run_mq)


if __name__ == "__main__":
    raise SystemExit(main())
