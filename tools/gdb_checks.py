# SPDX-License-Identifier: MIT
"""tools/gdb_checks.py - the gdb session of `make test`, and the transcript docs/debugging.md shows.

tools/run-tests.py imports this for step_gdb(); tools/docgen.py calls
doc_transcript() for the blocks of kind=gdb.  Both run the same session:

  1. boot make run's machine (the NIC on QEMU's user network with a host UDP
     port forwarded to the echo service, a virtio-blk disk, the monitor), with
     QEMU's gdb stub on a free port and the serial console on a unix socket;
     the disk is a fresh scratch image in the build directory, never the
     user's disk.img
  2. wait for the monitor prompt, type slabinfo and buddyinfo (the kernel's
     own view, to hold the helpers' numbers against), then run gdb -batch
     with the helpers
     (tools/gdb/teachos.py) and the session script (tools/gdb/session.py):
     attach; break in udp_rcv while the host sends a datagram; `skb skb`;
     break in __alloc_skb only when udp_sendto calls it (the echo's reply;
     receive buffers are allocated all the time); `finish`, `skb $`; break in
     blk_make_request while the monitor runs `blk check vda`; `bio bio`,
     `finish`, `rq $`; then gfp, slab, buddy and kps; detach
  3. judge() reads the transcript (each `delete` names its breakpoint: typed,
     a bare one asks "Delete all breakpoints? (y or n)"): each helper printed its fields with values
     that fit what happened (the skb holds the datagram, the fresh skb is
     empty with its room, the bio chain adds up to what the request says...);
     `slab` and `buddy` say what slabinfo and buddyinfo said; the echo reply
     reached the host and blk check ended ok; poweroff

judge() is checked on canned transcripts first (self_test): a good one
passes, and each kind of wrong one fails the check that should catch it.
Before the session, `make gdb-attach` on a port nothing listens on must say
to start `make gdb` first (and the port test must see a port that listens).

Standalone: python3 tools/gdb_checks.py --build build-gdb [-v] [--transcript]
"""

import os
import re
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import net_checks  # noqa: E402
import qemu  # noqa: E402

TOOLS = os.path.dirname(os.path.abspath(__file__))
PAYLOAD = b"hello from the host\n"     # tools/gdb/session.py sends it
UDP_HLEN = 8
DISK_MB = 16
EXIT_OK = qemu.EXIT_OK
BANNER = qemu.MONITOR_BANNER
GDB_TIMEOUT_S = 300     # the whole gdb -batch run; each continue has its own watchdog (60 s)


def qemu_args(opts, disk, udp_port, gdb_port, console):
    """make run's machine (its devices from the Makefile), the console on a socket, the
    gdb stub."""
    devices = qemu.run_devices(opts, disk, udp_port) + ["-gdb", "tcp:127.0.0.1:%d" % gdb_port]
    return qemu.qemu_cmd(opts, devices, "", serial=(
        "-chardev", "socket,id=con0,path=%s,server=on,wait=off" % console,
        "-serial", "chardev:con0"))


def console_connect(path, timeout):
    end = time.monotonic() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            s.settimeout(0.5)
            return s
        except OSError:
            s.close()
            if time.monotonic() > end:
                return None
            time.sleep(0.1)


def console_read_until(s, pattern, timeout, log):
    """Read the console into @log until @pattern; True if it came."""
    end, text = time.monotonic() + timeout, b""
    while pattern not in text and time.monotonic() < end:
        try:
            chunk = s.recv(4096)
        except socket.timeout:
            continue
        if not chunk:
            break
        log.write(chunk)
        text += chunk.replace(b"\r", b"")
    return pattern in text


class Session:
    """One boot with gdb: .booted, .gdb_text, .status, .log_path after run()."""

    def __init__(self, opts, name="gdb", transcript=False):
        self.opts, self.transcript = opts, transcript
        self.log_path = os.path.join(opts.logdir, name + ".log")
        self.disk = os.path.join(opts.build, name + "-disk.img")
        self.console = os.path.join(opts.build, name + "-console.sock")
        self.booted = False
        self.monitor_text = ""          # slabinfo and buddyinfo, just before gdb attaches
        self.gdb_text = ""
        self.status = None

    def run(self):
        with open(self.disk, "wb") as f:
            f.truncate(DISK_MB << 20)
        try:
            if os.path.exists(self.console):
                os.unlink(self.console)
            udp_port, = net_checks.free_udp_ports(1)
            gdb_port = qemu.free_tcp_port()
            cmd = qemu_args(self.opts, self.disk, udp_port, gdb_port, self.console)
            with open(self.log_path, "wb") as log:
                log.write(("$ " + " ".join(cmd) + "\n").encode())
                log.flush()
                proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
                try:
                    self._drive(proc, log, udp_port, gdb_port)
                finally:
                    if proc.poll() is None:
                        proc.kill()
                    proc.wait()
        finally:
            for path in (self.disk, self.console):
                if os.path.exists(path):
                    os.unlink(path)
        return self

    @staticmethod
    def _ask(con, log, line):
        """The kernel's own view, for judge_agrees(): @line's answer at the monitor."""
        start = log.tell()
        con.sendall(line.encode() + b"\n")
        console_read_until(con, b"\n> ", 20, log)
        log.flush()
        with open(log.name, "rb") as f:
            f.seek(start)
            return f.read().decode("utf-8", "replace").replace("\r", "")

    def _drive(self, qemu, log, udp_port, gdb_port):
        con = console_connect(self.console, 30)
        self.booted = con is not None and console_read_until(con, BANNER + b"\n> ", 120, log)
        if self.booted:
            self.monitor_text = self._ask(con, log, "slabinfo") + self._ask(con, log, "buddyinfo")
        if con:
            con.close()
        if not self.booted:
            return
        env = dict(os.environ, TEACHOS_GDB_PORT=str(gdb_port), TEACHOS_CONSOLE=self.console,
                   TEACHOS_UDP_PORT=str(udp_port),
                   TEACHOS_GDB_TRANSCRIPT="1" if self.transcript else "0")
        try:
            out = subprocess.run(
                ["gdb", "-q", "-nx", "-batch", "-x", os.path.join(TOOLS, "gdb", "teachos.py"),
                 "-x", os.path.join(TOOLS, "gdb", "session.py"), self.opts.kernel],
                env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, timeout=GDB_TIMEOUT_S).stdout
        except subprocess.TimeoutExpired as e:     # run() kills QEMU; the checks say why
            out = (e.stdout or b"") + (b"\n@@ session failed: gdb did not finish within %d s\n"
                                       % GDB_TIMEOUT_S)
        self.gdb_text = out.decode("utf-8", "replace")
        log.write(b"\n--- gdb ---\n" + out + b"\n--- gdb end ---\n")
        con = console_connect(self.console, 5)
        if con:
            con.sendall(b"poweroff\n")
            console_read_until(con, b"Power down", 15, log)
            con.close()
        try:
            self.status = qemu.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.status = None


# ------------------------------------------------------------------ judging --

def section_of(text, command):
    """What gdb answered to `(gdb) command` (up to the next command)."""
    m = re.search(r"^\(gdb\) %s\n(.*?)(?=^\(gdb\) |\Z)" % re.escape(command), text, re.M | re.S)
    return m.group(1) if m else ""


SKB_RE = re.compile(r"sk_buff 0x[0-9a-f]+: len (\d+) \(data_len 0\), users (\d+), truesize (\d+)")
SKB_OFF_RE = re.compile(r"head 0x[0-9a-f]+: data \+(\d+), tail \+(\d+), end \+(\d+)")
SKB_PIC_RE = re.compile(r"headroom (\d+) ->\|<- data (\d+) ->\|<- tailroom (\d+) ->")
DATAREF_RE = re.compile(r"shared info: dataref (\d+)")
BIO_RE = re.compile(r"bio 0x[0-9a-f]+: sector (\d+), (\d+) bytes \((\d+) sectors?\), "
                    r"(READ|WRITE)\S*, vecs (\d+) \(idx (\d+)")
VEC_RE = re.compile(r"vec \d+: pfn 0x[0-9a-f]+, offset (\d+), len (\d+)")
CHAIN_RE = re.compile(r"chain: (\d+) bios?, (\d+) bytes")
RQ_RE = re.compile(r"request 0x[0-9a-f]+: (\w+), (READ|WRITE)\S*, sector (?:\d+|-1 \(unset\)), "
                   r"(\d+) bytes left")


def skb_fields(out):
    """(len, users, data, tail, end, headroom, datalen, tailroom, dataref) or None."""
    ms = [SKB_RE.search(out), SKB_OFF_RE.search(out), SKB_PIC_RE.search(out),
          DATAREF_RE.search(out)]
    if not all(ms):
        return None
    a, b, c, d = ms
    return (int(a.group(1)), int(a.group(2)), *map(int, b.groups()), *map(int, c.groups()),
            int(d.group(1)))


def dumped_text(out):
    """The printable column of skb's hex dump, rows joined."""
    return "".join(re.findall(r"^\s+\+\d+\s.*\|(.{1,16})\|$", out, re.M))


def judge_rx_skb(text):
    out = section_of(text, "skb skb")
    f = skb_fields(out)
    want = len(PAYLOAD) + UDP_HLEN
    ok = f is not None and f[0] == want and f[1] == 1 and f[8] == 1 and \
        0 < f[2] <= f[3] <= f[4] and f[3] - f[2] == want and \
        (f[5], f[6], f[7]) == (f[2], f[3] - f[2], f[4] - f[3]) and \
        "hello from the host" in dumped_text(out) and \
        re.search(r"^\s+\+0\s+\w\w \w\w 00 07 %02x %02x " % (want >> 8, want & 0xff), out, re.M)
    return ("skb skb in udp_rcv: the host's datagram (UDP header to port 7, then %d bytes), "
            "headroom/len/tailroom matching data/tail/end, users 1, dataref 1" % len(PAYLOAD),
            bool(ok), out)


def judge_tx_skb(text):
    out = section_of(text, "skb $")
    f = skb_fields(out)
    gfp = section_of(text, "gfp gfp_mask")
    ok = f is not None and f[0] == 0 and f[1] == 1 and f[8] == 1 and f[2] == f[3] == 0 and \
        f[4] >= len(PAYLOAD) + UDP_HLEN and f[5:8] == (0, 0, f[4]) and "= GFP_" in gfp
    return ("__alloc_skb for the echo reply: gfp as flag names; the new skb is empty (len 0, "
            "no headroom, tailroom = end >= the reply), users 1, dataref 1", ok, gfp + out)


def judge_bio(text):
    out = section_of(text, "bio bio")
    bios, chain = BIO_RE.findall(out), CHAIN_RE.search(out)
    vecs = VEC_RE.findall(out)
    ok = bool(bios) and chain is not None and int(chain.group(1)) == len(bios) and \
        sum(int(b[1]) for b in bios) == int(chain.group(2)) and \
        all(int(b[0]) < (DISK_MB << 11) and int(b[1]) > 0 and int(b[1]) % 512 == 0 and
            int(b[2]) * 512 == int(b[1]) and int(b[4]) >= 1 for b in bios) and \
        sum(int(v[1]) for v in vecs) == int(chain.group(2)) and \
        all(int(o) + int(n) <= 4096 for o, n in vecs)
    return ("bio bio in blk_make_request: each bio's sector on the disk, a whole number of "
            "sectors, its vecs adding up to the chain's bytes", ok, out)


def judge_rq(text):
    out = section_of(text, "rq $")
    m, chain = RQ_RE.search(out), CHAIN_RE.search(out)
    bio_out = section_of(text, "bio bio")
    bio_chain, first = CHAIN_RE.search(bio_out), BIO_RE.search(bio_out)
    ok = m is not None and chain is not None and bio_chain is not None and first is not None \
        and m.group(1) == "unset" and int(m.group(3)) == int(chain.group(2)) == \
        int(bio_chain.group(2)) and first.group(4) == m.group(2)
    return ("rq $ after blk_make_request: a request whose cmd_type is left to the caller, "
            "holding the same chain, its bytes left equal to the chain's", ok, out)


def judge_tour(text):
    gfp = section_of(text, "gfp 0x8020")
    slab = section_of(text, "slab skbuff_head_cache")
    buddy = section_of(text, "buddy")
    kps = section_of(text, "kps")
    return [
        ("gfp 0x8020 reads GFP_ATOMIC|__GFP_ZERO", "= GFP_ATOMIC|__GFP_ZERO" in gfp, gfp),
        ("slab skbuff_head_cache shows the cache with active/total objects",
         re.search(r"^skbuff_head_cache\s+\d+\s+\d+\s+\d+\s+\d+\s+\d+/\d+", slab, re.M) is not None,
         slab),
        ("buddy: free blocks of each order in DMA and DMA32, adding up to each zone's free_pages",
         re.search(r"^node 0 DMA\s", buddy, re.M) is not None and
         re.search(r"^node 0 DMA32\s", buddy, re.M) is not None and "!=" not in buddy, buddy),
        ("kps lists the threads: the echo service asleep in schedule, waiting for a datagram",
         re.search(r"^\s+\d+ [SD]\s+udp-echo(/\d+)?\s+\S*schedule .*< "
                   r"(udp_wait_dequeue|udp_recvfrom|echo_thread)", kps, re.M)
         is not None and re.search(r"^\s+0 R\s+swapper", kps, re.M) is not None, kps),
    ]


def judge_agrees(text, monitor):
    """The helpers read what the kernel itself reports: `slab` and `buddy`, run as gdb
    attaches, against slabinfo and buddyinfo typed at the monitor just before."""
    slab = re.search(r"^skbuff_head_cache\s+\d+\s+\d+\s+\d+\s+\d+\s+(\d+)/(\d+)",
                     section_of(text, "slab skbuff_head_cache"), re.M)
    info = re.search(r"^skbuff_head_cache\s+(\d+)\s+(\d+)", monitor, re.M)
    ours = dict((m.group(1), m.group(2).split()) for m in re.finditer(
        r"^node 0 (\w+)\s+((?:\d+\s+){11})", section_of(text, "buddy"), re.M))
    theirs = dict((m.group(1), m.group(2).split()) for m in re.finditer(
        r"^Node 0, zone\s+(\w+)\s+((?:\d+\s*){11})", monitor, re.M))
    return [
        ("slab skbuff_head_cache: active/total objects as the monitor's slabinfo says",
         slab is not None and info is not None and slab.groups() == info.groups(),
         ["gdb: %s, slabinfo: %s" % (slab and slab.groups(), info and info.groups())]),
        ("buddy: the free blocks per order of each zone as the monitor's buddyinfo says",
         bool(ours) and ours == theirs, ["gdb: %s" % ours, "buddyinfo: %s" % theirs]),
    ]


def judge(text, monitor=None):
    """[(what, passed, details)] for a session's gdb output (and the monitor's slabinfo and
    buddyinfo from just before gdb attached, when given)."""
    failed = [line for line in text.splitlines() if line.startswith("@@ session failed")]
    stops = [("gdb stops in %s %s" % (fn, why), "Breakpoint %d, %s (" % (n, fn) in text,
              failed or section_of(text, "continue")) for n, fn, why in
             ((1, "udp_rcv", "when the host's datagram arrives"),
              (2, "__alloc_skb", "when udp_sendto allocates the echo's reply"),
              (3, "blk_make_request", "while the monitor runs blk check vda"))]
    return stops + [judge_rx_skb(text), judge_tx_skb(text), judge_bio(text), judge_rq(text)] + \
        judge_tour(text) + [
            ("the echo reply reached the host after gdb detached",
             "@@ echo reply: %r" % PAYLOAD in text, ""),
            ("blk check vda ends ok after the breakpoint",
             re.search(r"@@ console after blk check \(prompt back: True\):.*blk check vda: ok",
                       text) is not None, ""),
            ("every `delete` names its breakpoint (typed, a bare one asks \"Delete all "
             "breakpoints? (y or n)\")", re.search(r"^\(gdb\) delete\s*$", text, re.M) is None
             and re.search(r"^\(gdb\) delete \d+$", text, re.M) is not None, ""),
            ("the session ran to its end", "@@ session failed" not in text and "@@ echo" in text,
             failed)] + (judge_agrees(text, monitor) if monitor is not None else [])


# ------------------------------------------------------------- self test --

CANNED = """(gdb) skb skb
sk_buff 0xffff800001000000: len 28 (data_len 0), users 1, truesize 2304, dev eth0, \
protocol 0x0800 (IPv4)
  head 0xffff800002000000: data +110, tail +138, end +1984
  |<- headroom 110 ->|<- data 28 ->|<- tailroom 1846 ->|<- skb_shared_info
  shared info: dataref 1, nr_frags 0
    +0    9c 47 00 07 00 1c a4 c5 68 65 6c 6c 6f 20 66 72  |.G......hello fr|
    +16   6f 6d 20 74 68 65 20 68 6f 73 74 0a              |om the host.|
(gdb) skb $
sk_buff 0xffff800001000100: len 0 (data_len 0), users 1, truesize 2304, dev none, protocol 0x0000
  head 0xffff800002001000: data +0, tail +0, end +192
  |<- headroom 0 ->|<- data 0 ->|<- tailroom 192 ->|<- skb_shared_info
  shared info: dataref 1, nr_frags 0
(gdb) gfp gfp_mask
0xd0 = GFP_KERNEL
(gdb) bio bio
  bio 0xffff800003000000: sector 8, 4096 bytes (8 sectors), READ, vecs 1 (idx 0, max 4), cnt 1
      vec 0: pfn 0x1234, offset 0, len 4096
  chain: 1 bio, 4096 bytes
(gdb) rq $
request 0xffff800004000000: unset, READ|ALLOCED, sector -1 (unset), 4096 bytes left, disk vda
  chain: 1 bio, 4096 bytes
(gdb) gfp 0x8020
0x8020 = GFP_ATOMIC|__GFP_ZERO
(gdb) slab skbuff_head_cache
name                 objsize   slot /slab order  active/objects  slabs partial
skbuff_head_cache        160    192    21     0         256/273     13       0
(gdb) buddy
node 0 DMA          0     1     1     1     0     1     0     1     1     1     2   2990 (0)
node 0 DMA32        1     1     0     0     0     0     0     0     0     0    27   27651 (0)
(gdb) kps
    0 R     swapper *        running (the frame gdb shows)
    2 D     udp-echo         __schedule < schedule < schedule_timeout < udp_wait_dequeue \
< echo_thread
(gdb) continue
Breakpoint 1, udp_rcv (skb=0xffff800001000000) at net/udp.c:26
(gdb) delete 1
(gdb) done
"""


CANNED_MONITOR = """> slabinfo
skbuff_head_cache    256    273    192   21    1 : tunables    0    0    0 : \
slabdata     13     13      0
> buddyinfo
Node 0, zone      DMA      0      1      1      1      0      1      0      1      1      1      2
Node 0, zone    DMA32      1      1      0      0      0      0      0      0      0      0     27
"""


def self_test(check):
    """judge() passes the canned session and fails each broken copy: @check(cond, what)."""
    def verdict(text, prefix):
        return [ok for what, ok, _ in judge(text) if what.startswith(prefix)]

    prefixes = ("skb skb", "__alloc_skb for", "bio bio", "rq $", "gfp 0x8020", "slab", "buddy",
                "kps", "gdb stops in udp_rcv", "every `delete`")
    check(all(sum((verdict(CANNED, p) for p in prefixes), [])),
          "gdb judge: a good transcript passes the skb, bio, request, gfp, slab, buddy and kps "
          "checks")
    broken = [("skb skb", "len 28 (", "len 27 ("), ("skb skb", "tail +138", "tail +137"),
              ("skb skb", "9c 47 00 07 00 1c", "9c 47 00 08 00 1c"),
              ("skb skb", "|om the host.|", "|om the hosx.|"),
              ("__alloc_skb for", "data +0, tail +0, end +192", "data +64, tail +64, end +192"),
              ("__alloc_skb for", "0xd0 = GFP_KERNEL", "0xd0"),
              ("bio bio", "len 4096\n", "len 512\n"), ("bio bio", "sector 8,", "sector 99999,"),
              ("rq $", "(unset), 4096 bytes", "(unset), 512 bytes"),
              ("rq $", "unset, READ|", "BLOCK_PC, READ|"),
              ("gfp 0x8020", "GFP_ATOMIC|__GFP_ZERO", "__GFP_HIGH|__GFP_ZERO"),
              ("slab", "256/273", "256"),
              ("buddy", "2990 (0)", "2990 (0)   (!= zone free_pages 2991)"),
              ("buddy", "node 0 DMA32", "node 0 NORMAL"), ("kps", "udp-echo ", "udp-echp "),
              ("kps", "0 R     swapper", "0 S     swapper"),
              ("gdb stops in udp_rcv", "Breakpoint 1, udp_rcv", "Breakpoint 1, ip_rcv"),
              ("every `delete`", "(gdb) delete 1\n", "(gdb) delete\n")]
    for prefix, good, bad in broken:
        assert good in CANNED, good
        check(not all(verdict(CANNED.replace(good, bad, 1), prefix)),
              "gdb judge: the %r check fails when %r reads %r" % (prefix, good, bad))
    agrees = [ok for _, ok, _ in judge_agrees(CANNED, CANNED_MONITOR)]
    check(agrees == [True, True], "gdb judge: slab and buddy agree with canned slabinfo/buddyinfo")
    for good, bad in (("256    273", "255    273"), ("0     27", "1     26")):
        assert good in CANNED_MONITOR, good
        check(not all(ok for _, ok, _ in judge_agrees(CANNED, CANNED_MONITOR.replace(good, bad))),
              "gdb judge: the agreement check fails when the monitor says %r, not %r"
              % (bad, good))


# ----------------------------------------------------------------- entries --

def section(title):
    print("\n== %s" % title, flush=True)


def free_tcp_port():
    """A TCP port nothing listens on now."""
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


def check_gdb_attach_alone(opts, tally):
    """`make gdb-attach` with no `make gdb` on its port says so at once, and the port
    test (tools/gdb/listening.py) does see a port that listens."""
    port = free_tcp_port()
    r = subprocess.run(["make", "-s", "--no-print-directory", "gdb-attach",
                        "BUILD=" + os.path.abspath(opts.build), "GDBPORT=%d" % port],
                       cwd=os.path.dirname(TOOLS), stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    out = r.stdout.decode("utf-8", "replace")
    want = "nothing listens on 127.0.0.1:%d: start `make gdb` in another terminal first" % port
    tally.check(r.returncode != 0 and want in out and "Connection timed out" not in out,
                "make gdb-attach with no make gdb running says to start it first",
                ["status %d" % r.returncode] + out.splitlines()[-5:])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        seen = subprocess.run([sys.executable, os.path.join(TOOLS, "gdb", "listening.py"),
                               str(s.getsockname()[1])], timeout=30).returncode
    tally.check(seen == 0, "the port test sees a port that listens", ["status %d" % seen])


def step_gdb(opts, tally):
    section("gdb: a batch session on make run's machine (tools/gdb/session.py)")
    self_test(tally.check)
    check_gdb_attach_alone(opts, tally)
    s = Session(opts).run()
    log = ["log: %s" % s.log_path]
    if not tally.check(s.booted, "the machine (NIC, disk, monitor) reaches the monitor prompt",
                       log):
        return
    for what, ok, details in judge(s.gdb_text, s.monitor_text):
        tally.check(ok, what, log + (details if isinstance(details, list) else
                                     details.splitlines()[-12:]))
    tally.check(s.status == EXIT_OK, "poweroff after gdb detached ends QEMU with status 33",
                ["status %s" % s.status] + log)


# gdb says so when a source file changed after the build: true, but not part of the lesson.
STALE_SOURCE = "warning: Source file is more recent than executable."


def transcript(text):
    """The session as docs/debugging.md shows it: from its first command (where the attach
    happened to stop the kernel is left out), without the checker's @@ lines."""
    lines = text.rstrip("\n").splitlines()
    first = next((i for i, line in enumerate(lines) if line.startswith("(gdb) ")), len(lines))
    return "\n".join(line for line in lines[first:]
                     if not line.startswith("@@") and not line.startswith(STALE_SOURCE)) + "\n"


_sessions = {}                          # (kernel, its mtime) -> transcript
_sessions_lock = threading.Lock()


def doc_transcript(opts, args):
    """docgen kind=gdb: the whole session's transcript.  One session serves every block
    (they pick their part with docgen's from=/to=); it is run once per kernel build."""
    key = (opts.kernel, os.path.getmtime(opts.kernel))
    with _sessions_lock:
        if key not in _sessions:
            s = Session(opts, "docgen-gdb", transcript=True).run()
            if not s.booted or "@@ session failed" in s.gdb_text or "@@ echo" not in s.gdb_text:
                why = [ln for ln in s.gdb_text.splitlines() if ln.startswith("@@ session failed")]
                raise RuntimeError("the gdb session did not run to its end%s; see %s"
                                   % ((": " + why[0][3:]) if why else "", s.log_path))
            _sessions[key] = transcript(s.gdb_text)
        return _sessions[key]


def main():
    opts = qemu.standalone(__doc__.split("\n")[0], lambda ap: ap.add_argument(
        "--transcript", action="store_true", help="print doc_transcript() only"))
    if opts.transcript:
        sys.stdout.write(doc_transcript(opts, {}))
        return 0
    t = qemu.Tally()
    step_gdb(opts, t)
    return t.summary()


if __name__ == "__main__":
    raise SystemExit(main())
