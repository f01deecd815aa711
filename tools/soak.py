# SPDX-License-Identifier: MIT
"""tools/soak.py - `make soak` and make test's step `soak`: the guest under load from the
host while fault injection cycles, then everything it holds counted back to its baseline.

One guest (one CPU, 128M) with
  eth0  virtio-net (modern) on QEMU's user network: host ports forwarded to the UDP echo
        service (7), the TCP echo service (7) and the HTTP server (80)
  eth1  virtio-net (legacy) on a `-netdev dgram` socket: the host writes raw Ethernet
        frames into a UDP socket and reads what the guest sends (no root, no tap); eth1 is
        10.0.9.15/24, the host plays 10.0.9.1 (and answers ARP for all of 10.0.9.0/24)
  vda   a fresh 16 MiB image of seeded random bytes (serial ktest-soak, BUILD/soak.img)
and `slub_debug` (red zones and poison on every cache: a write past an object or after
its free on an error path is reported, and fails the soak), `http.token=`,
`tcp_timewait_ms=500` and `ipfrag_time=2000` (TIME_WAIT and the fragments that never
complete leave within the drain).

The workloads, each a host thread, run for the whole soak:
  udp       bursts of datagrams to port 7 (net_checks.echo_burst): every reply must be
            the datagram sent, byte for byte; unanswered ones are retried, then counted
            lost (allowed while failures are injected)
  tcp       connections to the TCP echo: what comes back must be what was sent, or (a
            connection cut or refused under faults) a prefix of it
  get       GET /disk/vda with a Range in the image's first half, which nothing writes:
            a 206 must carry exactly the host's bytes
  put       PUT with the token at a seeded offset and length in the second half: a 200
            (sent only after the guest's flush) means the host's image file holds those
            bytes at once, read back at once; then GET through the guest: the same
  raw       malformed frames into eth1 (runts, bad IHL/length/checksum, bad UDP and TCP
            lengths, fragments that never complete, ARP garbage, unknown types, oversize
            frames) with valid UDP echo probes among them, whose replies must be exact
While they run, the main thread switches failslab and fail_page_alloc together through
1 %, 5 %, 20 % and off (`fault failslab probability=P interval=1 times=-1 space=0
ignore_gfp_wait=0`, the same for fail_page_alloc with min_order=0), a phase each few
seconds; under 20 % the monitor itself may fail a command: it is retried and counted.

Then `fault off`, the workloads stop, and with no fault injected:
  - every workload once more, and this time everything must succeed: a burst of echoes
    with no loss, a TCP echo of 1 MiB, a GET, a PUT, probes on eth1 (a guest that
    degraded for good - a ring never refilled, a thread gone - fails here)
  - every slot a PUT wrote (200) is read through the guest and from the image, and the
    first half of the image still holds its seeded bytes
  - the drain: memcheck (pages, slab objects, skbs, threads, bios) until it equals the
    baseline taken before the soak (after one of each workload, so that what the first
    use makes and keeps - the ARP entries of 10.0.2.2 and 10.0.9.1, a cached route, the
    HTTP buffers - is in both).  What may differ, and why: nothing, once
      * the RX rings are full again (each NIC posts as many buffers as its ring holds:
        a refill that failed under faults is redone by the refill timer; `ethtool`
        shows them), and a ring not refilled is a failure of its own
      * no ARP entry holds packets (the ARP table is a fixed array, so its entries -
        new ones from garbage ARP included - hold no memory; their queues hold skbs)
      * no fragment queue is left (`netstat`: Frag inuse 0, after ipfrag_time)
      * no connection is left but the listeners (TIME_WAIT ends after 500 ms)
    The soak waits for those (at most DRAIN_S seconds), then requires the counters equal.
  - the serial log holds no panic, WARN, BUG or slab-debug report (kernel/panic.c's
    "Kernel panic - not syncing", "WARNING: CPU:", "------------[ cut here ]",
    "kernel BUG at", "BUG: ..."; mm/slab_debug.c's "BUG <cache> (Not tainted)",
    "FIX <cache>:", its ===== line; mm/mempool*.c's deadlock and destroy reports)
  - failures were injected: each attribute's `failures=` counted above zero
  - `make soak` only: tools/crash_checks.py's crash_rounds(opts, tally, 20, seed), if that
    module is there (the soak says so if not)
One table (markdown) at the end: operations done per workload, losses and errors, the
failures injected, each memcheck resource before and after.

  python3 tools/soak.py --build build --minutes M [--seed S] [--crash-rounds N]
make test's step `soak` runs it for SHORT_S seconds with no crash rounds.
"""

import hashlib
import http.client
import os
import random
import re
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402
import net_checks  # noqa: E402
import disk_checks  # noqa: E402

IMAGE = 16 << 20
HALF = IMAGE // 2               # GETs below, PUTs above
SLOT = 256 << 10                # a PUT stays in one slot of the written half
SLOTS = HALF // SLOT
PUT_MAX = 96 << 10
GET_MAX = 192 << 10
TOKEN = "soak-%d" % os.getpid()
PHASES = (1, 5, 20, 0)          # percent; 0 is `fault off`
SHORT_S = 50                    # make test's soak
PHASE_S = 5.0                   # seconds per phase in make test's soak ...
LONG_PHASE_S = 15.0             # ... and in make soak
DRAIN_S = 60.0
RAW_RATE = 150                  # frames a second into eth1
GUEST_MAC = bytes.fromhex(net_checks.MACS[1].replace(":", ""))
HOST_MAC = bytes.fromhex("5254000a0b0c")
GUEST_IP1 = "10.0.9.15"
HOST_IP1 = "10.0.9.1"
CMDLINE = ("slub_debug http.token=%s http.conns=32 tcp_timewait_ms=500 ipfrag_time=2000"
           % TOKEN)
# Reports the kernel prints when something is wrong (the formats of kernel/panic.c,
# mm/slab_debug.c, mm/mempool.c, mm/mempool_owner.c, kernel/lockdep.c).
REPORT_RE = re.compile(r"^(?:<\d>)?\s*(Kernel panic - not syncing|kernel BUG at|BUG[: ]|"
                       r"WARNING:|Oops|------------\[ cut here \]|FIX \S+:|={20,}$|"
                       r"mempool_alloc: deadlock|mempool_destroy:|kmem_cache_destroy .* still)")
RESOURCES = ("pages", "objects", "skbs", "threads", "bios")
MEMCHECK5_RE = re.compile(r"memcheck: pages (\d+) objects (\d+) skbs (\d+) threads (\d+) "
                          r"bios (\d+)")


# ------------------------------------------------------------- figures --

class Figures:
    """Counters the workers add to (under a lock), and the findings that fail the soak."""

    def __init__(self):
        self.lock = threading.Lock()
        self.n = {}
        self.problems = []

    def add(self, key, k=1):
        with self.lock:
            self.n[key] = self.n.get(key, 0) + k

    def get(self, key):
        return self.n.get(key, 0)

    def problem(self, what):
        with self.lock:
            if len(self.problems) < 50:
                self.problems.append(what)
            self.n["problems"] = self.n.get("problems", 0) + 1


# ---------------------------------------------------------- the monitor --

class Monitor:
    """The guest's monitor for the main thread, coping with commands that fail under
    injected failures: a command whose answer does not look right is typed again."""

    def __init__(self, guest, fig):
        self.g, self.fig = guest, fig

    def run(self, line, ok, tries=8, timeout=30):
        """Type @line until ok(answer) holds (at most @tries times); the answer or None."""
        for i in range(tries):
            if i:
                self.fig.add("monitor retries")
                time.sleep(0.3)
            got = self.g.cmd(line, timeout=timeout)
            if got is None:
                if self.g.proc.poll() is not None:
                    return None
                self.g.cmd("", timeout=timeout)     # resynchronise on the next prompt
                continue
            if ok(got):
                return got
        return None

    def memcheck(self):
        got = self.run("memcheck", MEMCHECK5_RE.search)
        m = MEMCHECK5_RE.search(got or "")
        return tuple(int(x) for x in m.groups()) if m else None

    def fault_counts(self):
        """{attribute: (calls, failures)} from `fault`, or None."""
        got = self.run("fault", lambda t: "fail_page_alloc:" in t and "failslab:" in t)
        if not got:
            return None
        out = {}
        for name, calls, fails in re.findall(r"(failslab|fail_page_alloc): .*?calls=(\d+) "
                                             r"failures=(\d+)", got):
            out[name] = (int(calls), int(fails))
        return out if len(out) == 2 else None

    def set_faults(self, percent):
        """Both attributes at @percent (0: `fault off`); True once `fault` shows it."""
        if percent:
            lines = ["fault failslab probability=%d interval=1 times=-1 space=0 "
                     "ignore_gfp_wait=0" % percent,
                     "fault fail_page_alloc probability=%d times=-1 ignore_gfp_wait=0 "
                     "min_order=0" % percent]
        else:
            lines = ["fault off"]
        want = "probability=%d " % percent
        for _ in range(8):
            for line in lines:
                self.run(line, lambda t: "usage" not in t and "unknown" not in t)
            got = self.run("fault", lambda t: "fail_page_alloc:" in t and "failslab:" in t)
            shown = re.findall(r"(failslab|fail_page_alloc): (probability=\d+ )", got or "")
            if len(shown) == 2 and all(p == want for _, p in shown):
                return True
            self.fig.add("monitor retries")
        return False

    def rings_full(self):
        """(posted RX buffers, ring sizes) over every NIC, from `ethtool`."""
        got = self.run("ethtool", lambda t: "rings of" in t) or ""
        pairs = [(int(a), int(b)) for a, b in
                 re.findall(r"rx: (\d+) buffers of \d+ bytes in rings of (\d+)", got)]
        return sum(a for a, _ in pairs), sum(b for _, b in pairs)

    def held(self):
        """What the drain waits for: {name: count}, each 0 when nothing is held."""
        arp = self.run("arp", lambda t: "queue limit" in t) or ""
        queued = sum(int(p) for p in re.findall(r" (\d+)/\d+\s*$", arp, re.M))
        stat = self.run("netstat", lambda t: "Frag: inuse" in t) or ""
        m = re.search(r"Frag: inuse (\d+)", stat)
        conns = [ln for ln in stat.splitlines() if ln.startswith("tcp ")
                 and "LISTEN" not in ln]
        posted, size = self.rings_full()
        return {"arp queued": queued, "fragment queues": int(m.group(1)) if m else -1,
                "connections": len(conns), "rx buffers missing": size - posted,
                "rx rings": size}


# ------------------------------------------------------------ workloads --

def tcp_echo(port, data, timeout=30.0):
    """@data over one connection to the TCP echo, read back meanwhile: (bytes, error)."""
    return net_checks.tcp_echo_exchange(("127.0.0.1", port), data, timeout)


def http_request(port, method, first, last, body=None, timeout=30.0):
    """One request on its own connection: (status, body) or (None, error text)."""
    headers = {"Connection": "close"}
    if method == "GET":
        headers["Range"] = "bytes=%d-%d" % (first, last)
    else:
        headers["Content-Range"] = "bytes %d-%d/*" % (first, last)
        headers["Authorization"] = "Bearer " + TOKEN
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, "/disk/vda", body=body, headers=headers)
        r = conn.getresponse()
        return r.status, r.read()
    except (OSError, http.client.HTTPException) as e:
        return None, str(e)
    finally:
        conn.close()


def reason(code, text=b""):
    """How a request failed, in a few words: its status, or the kind of error."""
    if isinstance(code, int):
        return "status %d" % code
    text = str(code if code is not None and not isinstance(code, int) else text)
    for word, said in (("timed out", "timed out"), ("reset", "reset"), ("refused", "refused"),
                       ("broken pipe", "broken pipe"), ("incompleteread", "cut short"),
                       ("closed", "closed"), ("aborted", "aborted")):
        if word in text.lower():
            return said
    return text[:40]


class Soak:
    """One soak: the guest, its workloads, the fault cycle, the checks and the table."""

    def __init__(self, opts, seconds, seed, phase_s, name="soak"):
        self.opts, self.seconds, self.seed, self.phase_s = opts, seconds, seed, phase_s
        self.name = name
        self.fig = Figures()
        self.stop = threading.Event()
        self.faulty = threading.Event()         # set while failures may be injected
        self.img = os.path.join(opts.build, "soak.img")
        self.slots = {}                         # slot -> (offset, data) the last 200 wrote
        self.slots_lock = threading.Lock()
        rng = random.Random(seed)
        self.disk = bytearray(rng.randbytes(IMAGE))
        self.read_half = bytes(self.disk[:HALF])

    # ------------------------------------------------------------ boot --

    def start(self):
        with open(self.img, "wb") as f:
            f.write(self.disk)
        self.udp_port, = net_checks.free_udp_ports(1)
        self.tcp_port, self.http_port = net_checks.free_udp_ports(2, socket.SOCK_STREAM)
        self.raw_host, self.raw_guest = net_checks.free_udp_ports(2)
        self.raw = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.raw.bind(("127.0.0.1", self.raw_host))
        self.raw.settimeout(0.2)
        dgram = ("dgram,id=n1,remote.type=inet,remote.host=127.0.0.1,remote.port=%d,"
                 "local.type=inet,local.host=127.0.0.1,local.port=%d"
                 % (self.raw_host, self.raw_guest))
        args = (net_checks.nic_args(0, "modern", net_checks.user_netdev(
            0, [(self.udp_port, net_checks.ECHO_PORT)],
            [(self.tcp_port, net_checks.ECHO_PORT), (self.http_port, 80)]))
                + ["-netdev", dgram, "-device", "virtio-net-pci,disable-modern=on,netdev=n1,"
                   "mac=%s" % ":".join("%02x" % b for b in GUEST_MAC)]
                + disk_checks.drive_args(0, self.img, serial="ktest-soak"))
        cpus = getattr(self.opts, "smp", 1)
        if cpus > 1:
            args += ["-smp", str(cpus)]
        self.g = net_checks.Guest(self.opts, self.name, args, cmdline=CMDLINE,
                                  accel=net_checks.mttcg(self.opts) if cpus > 1 else None)
        self.mon = Monitor(self.g, self.fig)
        return self.g.boot(getattr(self.opts, "boot_timeout", 300))

    # ------------------------------------------------------- workers --

    def worker(self, fn):
        """Run @fn(rng) until the soak stops; an exception is a problem of its own."""
        rng = random.Random("%d-%s" % (self.seed, fn.__name__))

        def loop():
            try:
                while not self.stop.is_set():
                    fn(rng)
            except Exception as e:      # noqa: BLE001 - the soak reports it and goes on
                self.fig.problem("%s crashed: %r" % (fn.__name__, e))
        t = threading.Thread(target=loop, name=fn.__name__, daemon=True)
        t.start()
        return t

    def loss(self, key, k=1, why=None):
        """@k operations of @key that failed (@why: how): allowed while failures are
        injected; counted by how, for the table."""
        self.fig.add(key + " failed", k)
        if why is not None:
            self.fig.add("why %s: %s" % (key, why), k)
        if not self.faulty.is_set() and not self.in_fault_window():
            self.fig.add(key + " failed with faults off", k)

    def in_fault_window(self):
        """True within a few seconds of a phase with failures (a retry, a backoff)."""
        return time.monotonic() - self.last_fault_end < 10.0

    def udp(self, rng, count=48, strict=False):
        st = net_checks.echo_burst(("127.0.0.1", self.udp_port), count, window=8,
                                   seed=rng.randrange(1 << 30))
        self.fig.add("udp sent", count)
        self.fig.add("udp retries", st.retries)
        self.fig.add("udp answered", count - len(st.lost))
        if not strict:
            time.sleep(0.1)     # a machine shared with others: bursts, not a flood
        if st.wrong:
            self.fig.problem("udp: %d replies differ from what was sent" % st.wrong)
        if st.lost:
            self.loss("udp", len(st.lost))
        return not st.wrong and not st.lost

    def tcp(self, rng, size=None):
        data = rng.randbytes(size or rng.choice((100, 4000, 30000, 100000, 300000)))
        back, err = tcp_echo(self.tcp_port, data)
        self.fig.add("tcp connections")
        if back == data:
            self.fig.add("tcp echoed exactly")
            self.fig.add("tcp bytes", len(data))
            return True
        if not data.startswith(back):
            self.fig.problem("tcp: %d bytes back of %d, not a prefix of them (%s)"
                             % (len(back), len(data), err))
        self.loss("tcp", why=reason(err) if err else "cut short")
        return False

    def get(self, rng):
        n = rng.randrange(1, GET_MAX)
        first = rng.randrange(0, HALF - n)
        code, body = http_request(self.http_port, "GET", first, first + n - 1)
        self.fig.add("get requests")
        if code == 206:
            if body != self.read_half[first:first + n]:
                self.fig.problem("get %d-%d: 206 with other bytes" % (first, first + n - 1))
                return False
            self.fig.add("get bytes", n)
            return True
        self.loss("get", why=reason(code, body))
        return False

    def put(self, rng):
        slot = rng.randrange(SLOTS)
        n = rng.randrange(1, PUT_MAX)
        first = HALF + slot * SLOT + rng.randrange(0, SLOT - n)
        data = rng.randbytes(n)
        with self.slots_lock:
            self.slots.pop(slot, None)          # unknown until a 200
        code, answer = http_request(self.http_port, "PUT", first, first + n - 1, data)
        self.fig.add("put requests")
        if code != 200:
            self.loss("put", why=reason(code, answer))
            return False
        with open(self.img, "rb") as f:
            f.seek(first)
            there = f.read(n)
        if there != data:
            self.fig.problem("put %d-%d: 200, but the image does not hold it" % (
                first, first + n - 1))
            return False
        self.fig.add("put acknowledged and on the image")
        self.fig.add("put bytes", n)
        with self.slots_lock:
            self.slots[slot] = (first, data)
        code, body = http_request(self.http_port, "GET", first, first + n - 1)
        if code == 206 and body != data:
            self.fig.problem("put %d-%d: read back through the guest, other bytes"
                             % (first, first + n - 1))
        return True

    # ------------------------------------------------------- raw frames --

    def raw_rx(self):
        """eth1's frames: ARP requests answered for 10.0.9.x, probe replies checked."""
        while not self.stop.is_set() or self.draining_raw.is_set():
            try:
                frame, _ = self.raw.recvfrom(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            self.fig.add("raw frames from the guest")
            if frame[12:14] == b"\x08\x06" and len(frame) >= 42:
                op, tip = struct.unpack("!H", frame[20:22])[0], frame[38:42]
                if op == 1 and tip[:3] == bytes((10, 0, 9)) and tip[3] != 15:
                    self.send_raw(arp_frame(2, HOST_MAC, tip, frame[22:28], frame[28:32],
                                            dst=frame[6:12]))
            elif frame[12:14] == b"\x08\x00" and frame[23] == 17 and len(frame) >= 42:
                sport = struct.unpack("!H", frame[34:36])[0]
                if sport != net_checks.ECHO_PORT:
                    continue
                payload = frame[42:42 + struct.unpack("!H", frame[38:40])[0] - 8]
                m = re.match(rb"probe:(\d{8}):", payload)
                with self.probe_lock:
                    want = self.probes.pop(int(m.group(1)), None) if m else None
                if want is None:
                    continue
                if payload != want:
                    self.fig.problem("eth1: a probe's echo differs from the probe")
                else:
                    self.fig.add("raw probes answered")

    def send_raw(self, frame):
        try:
            self.raw.sendto(frame, ("127.0.0.1", self.raw_guest))
        except OSError:
            pass

    def raw_tx(self, rng):
        """One second of frames: malformed ones of every kind, a valid probe in ten."""
        t0 = time.monotonic()
        for i in range(RAW_RATE):
            if i % 10 == 0:
                self.probe(rng)
            else:
                kind, frame = malformed(rng)
                self.fig.add("raw malformed frames")
                self.fig.add("raw " + kind)
                self.send_raw(frame)
            wait = t0 + (i + 1) / RAW_RATE - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            if self.stop.is_set():
                return

    def probe(self, rng):
        with self.probe_lock:
            seq = self.probe_seq
            self.probe_seq += 1
            payload = b"probe:%08d:" % seq + rng.randbytes(rng.randrange(0, 1200))
            self.probes[seq] = payload
        self.fig.add("raw probes sent")
        self.send_raw(udp_frame(GUEST_MAC, HOST_IP1, GUEST_IP1, 40000 + seq % 1000,
                                net_checks.ECHO_PORT, payload))

    # ------------------------------------------------------- the run --

    def warm_up(self, rng):
        """One of each workload before the baseline: what a first use makes and keeps."""
        self.mon.run("ifconfig eth1 %s/24" % GUEST_IP1, lambda t: "inet %s" % GUEST_IP1 in t)
        ok = [self.udp(rng, 16), self.tcp(rng, 20000), self.get(rng), self.put(rng)]
        for _ in range(5):
            self.probe(rng)
        time.sleep(1.0)
        return all(ok)

    def cycle(self, tally):
        """Fault phases until the time is up; True if every switch took."""
        end, i, ok = time.monotonic() + self.seconds, 0, True
        self.mon.run("fault stats clear", lambda t: "unknown" not in t)
        self.faults = {"failslab": [0, 0], "fail_page_alloc": [0, 0]}
        while time.monotonic() < end and self.g.proc.poll() is None:
            pct = PHASES[i % len(PHASES)]
            if pct:
                self.faulty.set()
            before = self.mon.fault_counts() if pct == 0 else None
            if before:
                for k, (calls, fails) in before.items():
                    self.faults[k][0] += calls
                    self.faults[k][1] += fails
            if not self.mon.set_faults(pct):
                ok = False
                self.fig.problem("the monitor did not take `fault` at %d%%" % pct)
                break
            if pct == 0:
                self.faulty.clear()
                self.last_fault_end = time.monotonic()
            self.fig.add("phases at %d%%" % pct if pct else "phases off")
            time.sleep(max(0.0, min(self.phase_s, end - time.monotonic())))
            i += 1
        if self.faulty.is_set():        # the time ran out in a phase with failures
            for k, (calls, fails) in (self.mon.fault_counts() or {}).items():
                self.faults[k][0] += calls
                self.faults[k][1] += fails
        ok = self.mon.set_faults(0) and ok
        self.faulty.clear()
        self.last_fault_end = time.monotonic()
        stats = self.mon.run("fault stats", lambda t: "total" in t) or ""
        m = re.search(r"^total\s+(\d+)", stats, re.M)
        self.stats_total = int(m.group(1)) if m else None
        self.top_sites = re.findall(r"^(\S+\+0x[0-9a-f]+)\s+(\S+)\s+(\d+)$", stats, re.M)[:3]
        return ok

    def run(self, tally):
        """The whole soak; its checks counted on @tally."""
        print("\n== the soak: %d s of UDP, TCP, HTTP GET/PUT and malformed frames while "
              "fault injection cycles (seed %d)" % (self.seconds, self.seed), flush=True)
        t0 = time.monotonic()
        self.last_fault_end = -1e9
        self.probes, self.probe_seq = {}, 0
        self.probe_lock = threading.Lock()
        self.draining_raw = threading.Event()
        self.draining_raw.set()
        booted = self.start()
        self.log = ["log: %s" % self.g.log_path, "seed: %d" % self.seed]
        rx = threading.Thread(target=self.raw_rx, daemon=True)
        rx.start()
        try:
            if not tally.check(booted, "the soak's guest (two NICs, vda) reaches the monitor",
                               self.log + self.g.tail()):
                return
            rng = random.Random(self.seed)
            tally.check(self.warm_up(rng), "one of each workload succeeds before the soak",
                        self.log + self.fig.problems)
            self.base = self.stable_memcheck()
            self.slab_before = self.mon.run("slabinfo", lambda t: "active_objs" in t) or ""
            self.held_before = self.mon.held()
            has_fault = "unknown command" not in (self.g.cmd("fault") or "unknown command")
            workers = [self.worker(f) for f in (self.udp, self.tcp, self.get, self.put,
                                                self.raw_tx)]
            if has_fault:
                cycled = self.cycle(tally)
            else:
                cycled = False
                time.sleep(self.seconds)
            self.stop.set()
            for w in workers:
                w.join(90)
            tally.check(has_fault and cycled, "fault injection switched through 1%, 5%, 20% "
                        "and off at the monitor, every switch taken",
                        self.log + ([] if has_fault else ["the kernel has no `fault`"]))
            self.finish(tally, rng)
        finally:
            self.draining_raw.clear()
            self.stop.set()
            status = self.g.close()
            self.raw.close()
            if os.path.exists(self.img):
                os.unlink(self.img)
        tally.check(status == qemu.EXIT_OK, "poweroff ends the soak's guest with status 33",
                    ["status %s" % status] + self.log + self.g.tail())
        self.scan_log(tally)
        self.took = time.monotonic() - t0

    def stable_memcheck(self):
        """memcheck (five counters) once two readings a second apart agree."""
        last = self.mon.memcheck()
        for _ in range(10):
            time.sleep(1.0)
            now = self.mon.memcheck()
            if now == last:
                return now
            last = now
        return last

    def finish(self, tally, rng):
        """With faults off: every workload once more, the written slots, the drain."""
        fig = self.fig
        tally.check(not fig.problems, "every echo that came back was exact, every PUT "
                    "answered 200 was on the image at once, every GET right",
                    fig.problems[:20] + self.log)
        if hasattr(self, "faults"):
            tally.check(all(f > 0 for _, f in self.faults.values()),
                        "failures were injected: failslab %d, fail_page_alloc %d"
                        % (self.faults["failslab"][1], self.faults["fail_page_alloc"][1]),
                        self.log)
        time.sleep(3.0)     # backoffs and retransmissions of the last phase settle
        self.stop.clear()
        after = [self.udp(rng, 200, strict=True), self.tcp(rng, 1 << 20), self.get(rng),
                 self.put(rng)]
        sent = fig.get("raw probes answered")
        for _ in range(10):
            self.probe(rng)
            time.sleep(0.05)
        end = time.monotonic() + 10.0
        while fig.get("raw probes answered") - sent < 10 and time.monotonic() < end:
            time.sleep(0.2)
        after.append(fig.get("raw probes answered") - sent == 10)
        self.stop.set()
        tally.check(all(after), "with faults off, every workload succeeds again: 200 echoes "
                    "none lost, 1 MiB of TCP echo, a GET, a PUT, 10 probes on eth1",
                    ["udp, tcp, get, put, probes: %s" % after] + fig.problems[-5:] + self.log)
        self.check_slots(tally)
        self.drain(tally)

    def check_slots(self, tally):
        """Every slot a 200 wrote, through the guest and on the image; the read half as made."""
        bad = []
        with open(self.img, "rb") as f:
            image = f.read()
        for slot, (first, data) in sorted(self.slots.items()):
            code, body = http_request(self.http_port, "GET", first, first + len(data) - 1)
            if code != 206 or body != data or image[first:first + len(data)] != data:
                bad.append("slot %d at %d: status %s" % (slot, first, code))
        same = hashlib.sha256(image[:HALF]).digest() == hashlib.sha256(self.read_half).digest()
        tally.check(not bad and same, "each of the %d slots a 200 wrote holds its bytes, "
                    "read through the guest and on the image; the first half is untouched"
                    % len(self.slots), bad[:10] + ["first half untouched: %s" % same] + self.log)

    def drain(self, tally):
        """Wait until nothing is held (rings, ARP queues, fragments, connections) and the
        counters equal the baseline; then check."""
        end = time.monotonic() + DRAIN_S
        while True:
            held = self.mon.held()
            now = self.stable_memcheck() if not any(
                v for k, v in held.items() if k != "rx rings") else self.mon.memcheck()
            if (now == self.base and not any(v for k, v in held.items() if k != "rx rings")) \
                    or time.monotonic() > end:
                break
            time.sleep(1.0)
        self.after, self.held_after = now, held
        self.drain_s = DRAIN_S - (end - time.monotonic())
        tally.check(held["rx buffers missing"] == 0 and held["rx rings"] > 0,
                    "every RX ring is full again (%d buffers)" % held["rx rings"],
                    ["%s" % held] + self.log)
        tally.check(not any(v for k, v in held.items() if k not in ("rx rings",
                                                                     "rx buffers missing")),
                    "nothing held: no ARP queue, fragment queue or connection left",
                    ["%s" % held] + self.log)
        details = ["%s: before %s, after %s" % (r, b, a) for r, b, a in
                   zip(RESOURCES, self.base or (), now or ())]
        if now != self.base:
            slab_after = self.mon.run("slabinfo", lambda t: "active_objs" in t) or ""
            details += slab_diff(self.slab_before, slab_after)
        tally.check(self.base is not None and now == self.base,
                    "after `fault off` and the drain, pages, slab objects, skbs, threads "
                    "and bios are back at the baseline exactly", details + self.log)

    def scan_log(self, tally):
        with open(self.g.log_path, "rb") as f:
            lines = f.read().decode("utf-8", "replace").replace("\r", "").splitlines()
        self.reports = reports(lines)
        self.stalls = sum(1 for ln in lines if "stalled for" in ln)
        tally.check(not self.reports, "the serial log has no panic, WARN, BUG or slab-debug "
                    "report", self.reports[:15] + self.log)

    # ---------------------------------------------------------- table --

    def table(self, crash=None):
        """The figures as one markdown table."""
        f, rows = self.fig, []

        def row(what, value, note=""):
            rows.append("| %s | %s | %s |" % (what, value, note))
        row("wall time", "%.0f s (soak %d s, drain %.0f s)" % (
            getattr(self, "took", 0), self.seconds, getattr(self, "drain_s", 0)), "")
        row("fault phases", "%d at 1%%, %d at 5%%, %d at 20%%, %d off" % tuple(
            f.get("phases at %d%%" % p if p else "phases off") for p in PHASES),
            "%.0f s each; failslab and fail_page_alloc together" % self.phase_s)
        row("UDP echo (eth0)", "%d datagrams, %d answered exactly (%d sent again)" % (
            f.get("udp sent"), f.get("udp answered"), f.get("udp retries")),
            "%d lost under faults, %d lost with faults off" % (
                f.get("udp failed"), f.get("udp failed with faults off")))
        row("TCP echo", "%d connections, %d exact (%d bytes)" % (
            f.get("tcp connections"), f.get("tcp echoed exactly"), f.get("tcp bytes")),
            "%d cut or refused" % f.get("tcp failed"))
        row("HTTP GET (read half)", "%d requests, %d bytes checked" % (
            f.get("get requests"), f.get("get bytes")), "%d failed" % f.get("get failed"))
        row("HTTP PUT (flushed)", "%d requests, %d acknowledged and on the image (%d bytes)"
            % (f.get("put requests"), f.get("put acknowledged and on the image"),
               f.get("put bytes")), "%d failed (not 200)" % f.get("put failed"))
        row("how requests failed", ", ".join("%s %d" % (k[4:], v) for k, v in
                                             sorted(f.n.items()) if k.startswith("why ")),
            "all while failures were injected, or just after")
        row("raw frames into eth1", "%d malformed" % f.get("raw malformed frames"),
            ", ".join("%s %d" % (k[4:], v) for k, v in sorted(f.n.items())
                      if k.startswith("raw ") and k[4:] in KINDS))
        row("raw UDP probes (eth1)", "%d sent, %d answered exactly" % (
            f.get("raw probes sent"), f.get("raw probes answered")), "")
        for name, (calls, fails) in getattr(self, "faults", {}).items():
            row("failures injected: %s" % name, "%d of %d calls" % (fails, calls),
                "`fault` before each `fault off`")
        row("`fault stats` total", getattr(self, "stats_total", "-"), "most: " + ", ".join(
            "%s (%s) %s" % site for site in getattr(self, "top_sites", [])))
        row("monitor commands retried", f.get("monitor retries"), "failed under 20 %")
        row("wrong answers (exactness)", f.get("problems"), "must be 0")
        for i, r in enumerate(RESOURCES):
            b = self.base[i] if getattr(self, "base", None) else "-"
            a = self.after[i] if getattr(self, "after", None) else "-"
            row("memcheck %s" % r, "%s -> %s" % (b, a), "exact" if b == a else "DIFFERS")
        held = getattr(self, "held_after", {})
        row("allowed to differ", "nothing", "waited for: RX rings full (%s buffers), ARP "
            "queues %s, fragment queues %s, connections %s" % (
                held.get("rx rings", "-"), held.get("arp queued", "-"),
                held.get("fragment queues", "-"), held.get("connections", "-")))
        row("kernel reports (panic, WARN, BUG, slab)", len(getattr(self, "reports", [])),
            "mempool stalls (warnings, allowed): %d" % getattr(self, "stalls", 0))
        if crash is not None:
            row("crash rounds (SIGKILL)", crash, "tools/crash_checks.py")
        return "\n".join(["| figure | value | note |", "|---|---|---|"] + rows)


def reports(lines):
    """The lines of a serial log that report a kernel problem (REPORT_RE)."""
    return [ln for ln in lines if REPORT_RE.match(ln)]


# Lines as the kernel prints them: each must be caught (the first list) or not (the second).
REPORTED = ("Kernel panic - not syncing: Attempted to kill init",
            "------------[ cut here ]------------",
            "WARNING: CPU: 0 PID: 7 at net/http.c:1061 http_put_disk+0x2a/0x300: oops",
            "kernel BUG at block/bio_set.c:280! BUG_ON(bio->bi_cnt <= 0)",
            "BUG: scheduling while atomic: httpd/3/0x00000002",
            "BUG: unable to handle page fault for address: 0000000000000010",
            "BUG kmalloc-64 (Not tainted): Redzone overwritten",
            "=============================================================================",
            "FIX kmalloc-64: Restoring 0x1000-0x1003=0xcc",
            "WARNING: possible recursive locking detected",
            "mempool_alloc: deadlock: pool 'bio-fs' is empty and no element is out",
            "mempool_destroy: pool 'x' destroyed with 2 elements still out (y)",
            "kmem_cache_destroy foo: Slab cache still has objects when called from bar")
NOT_REPORTED = ("http: write of vda at byte 4096 failed: error -12",
                "mempool_alloc: httpd/3 stalled for 120 ms on pool 'bio-fs': reserve empty",
                "memcheck: pages 30638 objects 1125 skbs 512 threads 7 bios 0 (free 1)",
                "failslab: probability=20 interval=1 times=-1 space=0 calls=5 failures=1",
                "virtio_net: eth1: rx refill failed, the timer retries",
                "> fault stats", "INFO: Slab 0x1 objects=4 used=1 fp=0x0 flags=0x0")


def scan_self_test(tally):
    """The log scanner on canned lines: every report caught, no ordinary line taken."""
    missed = [ln for ln in REPORTED if not reports([ln])]
    taken = reports(NOT_REPORTED)
    tally.check(not missed and not taken, "the soak's log scanner catches the %d kinds of "
                "kernel report and no ordinary line" % len(REPORTED),
                ["missed: %s" % missed, "taken: %s" % taken])


def slab_diff(before, after):
    """The caches whose active objects changed, from two `slabinfo` answers."""
    def parse(text):
        return {m.group(1): int(m.group(2)) for m in
                re.finditer(r"^(\S+)\s+(\d+)\s+\d+\s+\d+", text, re.M)}
    b, a = parse(before), parse(after)
    return ["slab %s: %d -> %d" % (k, b.get(k, 0), a.get(k, 0))
            for k in sorted(set(a) | set(b)) if a.get(k, 0) != b.get(k, 0)]


# ------------------------------------------------------------- frames --

def csum(data):
    """The Internet checksum of @data."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip_header(src, dst, proto, payload_len, ident=0, frag=0, ttl=64, ihl=5, total=None):
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, total if total is not None
                    else 20 + payload_len, ident, frag, ttl, proto, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:]


def eth(dst, ethertype, payload, src=HOST_MAC):
    return dst + src + struct.pack("!H", ethertype) + payload


def udp_frame(dst_mac, src, dst, sport, dport, payload, ulen=None, good_csum=True):
    ulen = 8 + len(payload) if ulen is None else ulen
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 17, ulen)
    u = struct.pack("!HHHH", sport, dport, ulen, 0) + payload
    c = csum(pseudo + u) or 0xffff
    u = u[:6] + struct.pack("!H", c if good_csum else c ^ 0x5a5a) + u[8:]
    return eth(dst_mac, 0x0800, ip_header(src, dst, 17, len(u)) + u)


def arp_frame(op, sha, spa, tha, tpa, dst=b"\xff" * 6, htype=1, ptype=0x0800, hlen=6, plen=4):
    return eth(dst, 0x0806, struct.pack("!HHBBH", htype, ptype, hlen, plen, op)
               + sha + spa + tha + tpa)


def rand_ip(rng):
    """A sender on eth1's network other than the guest and the host's 10.0.9.1."""
    return "10.0.9.%d" % rng.randrange(2, 15)


def tcp_segment(src, dst, sport, dport, flags, payload=b"", doff=5, good=True):
    t = struct.pack("!HHIIBBHHH", sport, dport, 1, 1, doff << 4, flags, 8192, 0, 0) + payload
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(t))
    c = csum(pseudo + t)
    return t[:16] + struct.pack("!H", c if good else c ^ 0x1111) + t[18:]


def m_runt(rng):
    # Not 0 bytes: QEMU's dgram netdev takes an empty datagram for the end of the connection
    # and stops receiving (net/dgram.c); the guest would never see another frame.
    return eth(GUEST_MAC, 0x0800, b"")[:rng.randrange(1, 14)]


def m_short_ip(rng):
    return eth(GUEST_MAC, 0x0800, ip_header(rand_ip(rng), GUEST_IP1, 17, 0)[:rng.randrange(
        0, 20)])


def m_bad_ihl(rng):
    ihl = rng.choice((0, 1, 4, 6, 15))
    return eth(GUEST_MAC, 0x0800, ip_header(rand_ip(rng), GUEST_IP1, 17, 8, ihl=ihl)
               + rng.randbytes(8))


def m_bad_version(rng):
    h = bytearray(ip_header(rand_ip(rng), GUEST_IP1, 17, 8))
    h[0] = (rng.choice((0, 4 + 2, 6, 15)) << 4) | 5
    return eth(GUEST_MAC, 0x0800, bytes(h) + rng.randbytes(8))


def m_bad_length(rng):
    body = rng.randbytes(rng.randrange(0, 64))
    total = rng.choice((0, 10, 19, 20 + len(body) + rng.randrange(1, 2000), 65535))
    return eth(GUEST_MAC, 0x0800, ip_header(rand_ip(rng), GUEST_IP1, 17, 0, total=total)
               + body)


def m_bad_ip_csum(rng):
    h = bytearray(ip_header(rand_ip(rng), GUEST_IP1, 17, 12))
    h[10] ^= 0x40
    return eth(GUEST_MAC, 0x0800, bytes(h) + struct.pack("!HHHH", 5000, 7, 12, 0) + b"abcd")


def m_bad_udp_len(rng):
    payload = rng.randbytes(rng.randrange(0, 200))
    ulen = rng.choice((0, 3, 7, 8 + len(payload) + rng.randrange(1, 500)))
    return udp_frame(GUEST_MAC, rand_ip(rng), GUEST_IP1, 5000, 7, payload, ulen=ulen)


def m_bad_udp_csum(rng):
    return udp_frame(GUEST_MAC, rand_ip(rng), GUEST_IP1, 5001, 7, rng.randbytes(64),
                     good_csum=False)


def m_bad_tcp(rng):
    src = rand_ip(rng)
    kind = rng.randrange(3)
    seg = (tcp_segment(src, GUEST_IP1, 5002, 7, 0x10, doff=rng.choice((0, 2, 4, 15)))
           if kind == 0 else tcp_segment(src, GUEST_IP1, 5002, 7, 0x02, good=False)
           if kind == 1 else tcp_segment(src, GUEST_IP1, 5002, rng.choice((7, 80, 9)), 0x10,
                                         rng.randbytes(20)))
    if kind == 0 and rng.random() < 0.5:
        seg = seg[:rng.randrange(0, 20)]
    return eth(GUEST_MAC, 0x0800, ip_header(src, GUEST_IP1, 6, len(seg)) + seg)


def m_fragment(rng):
    """A piece of a datagram whose other pieces never come (or overlap, or overflow)."""
    ident = rng.randrange(1 << 16)
    body = rng.randbytes(rng.randrange(8, 600) & ~7)
    kind = rng.randrange(3)
    frag = (0x2000 if kind == 0 else rng.randrange(1, 100) if kind == 1
            else 0x2000 | 8189)     # the last: offset + length past 65535
    return eth(GUEST_MAC, 0x0800, ip_header(rand_ip(rng), GUEST_IP1, 17, len(body),
                                            ident=ident, frag=frag) + body)


def m_arp(rng):
    kind = rng.randrange(5)
    spa, tpa = socket.inet_aton(rand_ip(rng)), socket.inet_aton(GUEST_IP1)
    if kind == 0:
        return arp_frame(1, HOST_MAC, spa, b"\0" * 6, tpa)[:rng.randrange(14, 41)]
    if kind == 1:
        return arp_frame(rng.choice((0, 3, 9, 0xffff)), HOST_MAC, spa, b"\0" * 6, tpa)
    if kind == 2:
        return arp_frame(1, HOST_MAC, spa, b"\0" * 6, tpa, hlen=rng.choice((0, 5, 16)),
                         plen=rng.choice((0, 6, 16)))
    if kind == 3:
        return arp_frame(2, HOST_MAC, spa, GUEST_MAC, tpa, htype=rng.choice((0, 6, 0xffff)),
                         ptype=rng.choice((0x86dd, 0)))
    return eth(b"\xff" * 6, 0x0806, rng.randbytes(rng.randrange(0, 60)))


def m_junk(rng):
    kind = rng.randrange(4)
    if kind == 0:
        return eth(GUEST_MAC, rng.choice((0x86dd, 0x8100, 0x88cc, 0x1234)),
                   rng.randbytes(rng.randrange(0, 200)))
    if kind == 1:
        return eth(GUEST_MAC, 0x0800, rng.randbytes(rng.randrange(20, 1600)))   # oversize too
    if kind == 2:       # ICMP: unknown types, truncated, bad checksum
        icmp = bytes((rng.randrange(256), rng.randrange(256))) + rng.randbytes(
            rng.randrange(0, 40))
        return eth(GUEST_MAC, 0x0800, ip_header(rand_ip(rng), GUEST_IP1, 1, len(icmp)) + icmp)
    return rng.randbytes(rng.randrange(14, 200))


KINDS = {"runt": m_runt, "short-ip": m_short_ip, "bad-ihl": m_bad_ihl,
         "bad-version": m_bad_version, "bad-length": m_bad_length, "bad-ip-csum": m_bad_ip_csum,
         "bad-udp-len": m_bad_udp_len, "bad-udp-csum": m_bad_udp_csum, "bad-tcp": m_bad_tcp,
         "fragment": m_fragment, "arp": m_arp, "junk": m_junk}


def malformed(rng):
    kind = rng.choice(sorted(KINDS))
    return kind, KINDS[kind](rng)


# --------------------------------------------------------------- entries --

def crash_rounds(opts, tally, n, seed):
    """tools/crash_checks.py's rounds, if that module is there: 'n passed' or why not."""
    if not n:
        return None
    try:
        import crash_checks  # noqa: E402 - another helper's module, maybe not there yet
    except ImportError:
        tally.skip("%d crash rounds: tools/crash_checks.py is not there" % n)
        return "not run: tools/crash_checks.py not there"
    print("\n== %d crash rounds: QEMU killed by SIGKILL in the middle of writes (seed %d)"
          % (n, seed), flush=True)
    passed = crash_checks.crash_rounds(opts, tally, n, seed)
    return "%s of %d rounds passed (seeds %d-%d)" % (passed, n, seed, seed + n - 1)


def soak(opts, tally, seconds, seed, phase_s, crash=0):
    s = Soak(opts, seconds, seed, phase_s)
    s.run(tally)
    done = crash_rounds(opts, tally, crash, seed)
    print("\n" + s.table(done), flush=True)
    return s


def step_soak(opts, tally):
    """make test's short soak: SHORT_S seconds, phases of PHASE_S, no crash rounds."""
    scan_self_test(tally)
    soak(opts, tally, SHORT_S, int(os.environ.get("SOAK_SEED", "15")), PHASE_S)


def main():
    def add(ap):
        ap.add_argument("--minutes", type=float, default=10.0)
        ap.add_argument("--seed", type=int, default=None)
        ap.add_argument("--phase", type=float, default=LONG_PHASE_S,
                        help="seconds per fault phase (default %g)" % LONG_PHASE_S)
        ap.add_argument("--crash-rounds", type=int, default=20)
        ap.add_argument("--smp", type=int, default=1, help="the guest's CPUs (default 1)")
    opts = qemu.standalone(__doc__.split("\n")[0], add)
    seed = opts.seed if opts.seed is not None else random.randrange(1, 1 << 31)
    tally = qemu.Tally()
    scan_self_test(tally)
    soak(opts, tally, int(opts.minutes * 60), seed, opts.phase, opts.crash_rounds)
    sys.exit(tally.summary())


if __name__ == "__main__":
    main()
