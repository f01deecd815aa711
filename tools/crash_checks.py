# SPDX-License-Identifier: MIT
"""tools/crash_checks.py - what a flush promises: QEMU killed (SIGKILL) in the middle of
writes, then the disk image checked byte for byte (issue 15, part 3).

tools/run-tests.py imports this for step_crash() (make test's step `crash`: the judge's
self-test, the failed flush, three rounds with fixed seeds); tools/soak.py calls
crash_rounds(opts, tally, n, seed) for `make soak` (twenty rounds).  One round,
everything drawn from its seed:

  - a fresh 8 MiB image (BUILD/crash-SEED.img, serial ktest-crash; kept as
    BUILD/crash-fail-SEED.img if the round fails) of seeded random bytes, so every
    "old" byte is known; a guest booted with `http.token=` on QEMU's user network,
    host TCP port P forwarded to its HTTP server (net/http.c)
  - one to three PUTs /disk/vda at seeded offsets and lengths (1 byte to 1 MiB, most
    of them not sector aligned: the server reads, modifies and writes a partial
    sector).  The server writes the body, calls blkdev_issue_flush, and only then
    answers: each must answer 200 "wrote N bytes at X, flushed", and QEMU's own
    counters (`info blockstats` in QEMU's monitor) must show at least one more flush
    once the answer is in than before the request: the flush reached the device
  - the burst: a PUT of 256 KiB to 2 MiB (at a seeded place, overlapping an
    acknowledged range in some rounds) whose body is streamed but never answered, and
    QEMU killed with SIGKILL at one of three points, by the round's index:
      0, 3, ...  the burst's head goes, then one more PUT of several 64 KiB windows,
                 and the kill comes the moment its status line arrives: a server that
                 answered before its last write was done loses those bytes here
      1, 4, ...  the whole body streamed, the kill the moment a seeded sector of the
                 burst is seen new in the image file: mid-burst, a write just landed
      2, 5, ...  a seeded number of body bytes, then a seeded pause of up to 0.4 s
  - the image file, read on the host: every acknowledged byte outside the burst's
    sectors is there; every byte outside the acknowledged ranges and the burst's
    sectors is the old one; every 512-byte sector the burst touches is wholly what
    it was before the burst or wholly what the burst makes of it (a partial first
    or last sector: the old bytes around the new ones)
  - the killed image booted again: a GET of each acknowledged range and of the
    burst's span reads back exactly what the image file holds (the guest sees what
    the host sees), and poweroff ends it with 33

Before the rounds, make test's step also shows that the image judge refuses wrong
images (judge_self_test: five canned wrong ones, two right ones), and that a flush the
device fails is never acknowledged (check_failed_flush: QEMU's blkdebug driver fails
the first flush with EIO; that PUT must get 500, the next one 200).

What is promised, and why (docs/block.md, "What a flush promises, and the crash
test").  QEMU's default cache mode for a -drive is writeback on a raw file: a write
request completes to the guest once QEMU's pwritev() returned, i.e. once the bytes
are in the HOST's page cache; a FLUSH is fdatasync() on the image.  SIGKILL ends
QEMU, not the host kernel, so everything QEMU completed is in the file whether or
not it was flushed: a flush promises more (surviving a host crash or power loss)
than this test can see, and a guest that skipped its flush would pass the image
check.  That is why the flush is checked through QEMU's counters instead.  What
the kill does reveal is an answer given before the write completed: those bytes
were still in the guest or in flight.

Per-sector "old or new" is what can be promised for the burst, not per byte only:
the host kernel copies a pwritev() into its page cache a page (or a larger folio,
aligned in the file) at a time and stops for a fatal signal only between them, so a
write cut by SIGKILL ends on a 4 KiB boundary of the file; a copy cut short by a fault
on QEMU's side ends on a page boundary of guest memory, and the server's buffer is a
page-aligned kmalloc, so that too falls on a sector boundary of the request.  Nothing
in the burst is promised to be there, nor its order: no flush was acknowledged.
(A qcow2 image would be different: QEMU may keep updated cluster tables in its own
memory until a flush, so unflushed writes to fresh clusters could vanish whole on
SIGKILL.  No test here: this machine has no qemu-img to make one.)

Standalone: python3 tools/crash_checks.py --build build [--rounds N --seed S]
"""

import os
import random
import re
import signal
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402
import net_checks  # noqa: E402
import disk_checks  # noqa: E402

TOKEN = "CRASH-%d" % os.getpid()
IMAGE = 8 << 20
SECTOR = 512
SEEDS = (1510, 1511, 1512)      # make test's three rounds: one of each kill mode
MODES = ("the moment the last PUT's 200 came", "as sector N reached the image",
         "after N bytes and a pause")
PIECE = 16 << 10                # the burst's body goes in pieces this size


class Round:
    """One round's plan, all drawn from its seed: the old image, the acknowledged PUTs
    (offset, bytes), the burst, and where the kill comes."""

    def __init__(self, seed, index):
        rng = random.Random(seed)
        self.seed, self.mode = seed, index % len(MODES)
        self.old = rng.randbytes(IMAGE)
        self.puts = [self.span(rng, rng.choice((1, 511, 512, 4096, 70001, 300000, 1 << 20)))
                     for _ in range(rng.randint(1, 3))]
        if self.mode == 0:  # the kill follows this one's 200 at once: make it several windows
            self.puts.append(self.span(rng, rng.choice((300000, 1 << 20))))
        n = rng.randrange(256 << 10, 2 << 20)
        at, _ = rng.choice(self.puts)
        first = (min(at, IMAGE - n) if rng.random() < 0.5 else rng.randrange(0, IMAGE - n))
        self.burst = (first, rng.randbytes(n))
        self.kill_after = 0 if self.mode == 0 else rng.randrange(0, n)
        # Mode 1's kill: the moment this sector (not the first nor the last) is new.
        self.watch = first // SECTOR + 1 + rng.randrange(0, n // SECTOR - 2)
        self.pause = rng.uniform(0, 0.4) if self.mode == 2 else 0.0

    def kill_text(self):
        """Where the kill comes, in words."""
        return MODES[self.mode].replace("N", str(self.watch if self.mode == 1
                                                 else self.kill_after))

    @staticmethod
    def span(rng, n):
        """@n random bytes at a random place (sector aligned 3 times in 10)."""
        first = rng.randrange(0, IMAGE - n)
        if rng.random() < 0.3:
            first -= first % SECTOR
        return first, rng.randbytes(n)


def apply(image, puts):
    """@image with each (first, data) of @puts written over it, in order."""
    out = bytearray(image)
    for first, data in puts:
        out[first:first + len(data)] = data
    return bytes(out)


# ------------------------------------------------------------------------- HTTP --

def put_head(port, first, n):
    """A PUT /disk/vda head for @n bytes at byte @first, with the token."""
    return ("PUT /disk/vda HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAuthorization: Bearer %s\r\n"
            "Content-Length: %d\r\nContent-Range: bytes %d-%d/*\r\n\r\n"
            % (port, TOKEN, n, first, first + n - 1)).encode()


def read_answer(s):
    """One HTTP answer from socket @s: (status, headers text, body)."""
    got = b""
    while b"\r\n\r\n" not in got:
        chunk = s.recv(65536)
        if not chunk:
            return None, "", got
        got += chunk
    head, _, body = got.partition(b"\r\n\r\n")
    text = head.decode("latin-1")
    m = re.match(r"HTTP/1\.1 (\d{3}) ", text)
    n = re.search(r"(?i)\r\ncontent-length: *(\d+)", text)
    while n and len(body) < int(n.group(1)):
        chunk = s.recv(65536)
        if not chunk:
            break
        body += chunk
    return (int(m.group(1)) if m else None), text, body


def request(port, data, timeout=120):
    """Send @data on a connection of its own; the answer (status, head, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        return read_answer(s)


def get_range(port, first, n):
    """GET @n bytes of vda at @first: (status, body)."""
    code, _, body = request(port, b"GET /disk/vda HTTP/1.1\r\nHost: a\r\nRange: bytes=%d-%d"
                            b"\r\nConnection: close\r\n\r\n" % (first, first + n - 1))
    return code, body


def flushes(g):
    """QEMU's count of flushes on vda (drive d0), from `info blockstats`; None if unread."""
    m = re.search(r"d0:.*?flush_operations=(\d+)", g.qemu_monitor("info blockstats"), re.S)
    return int(m.group(1)) if m else None


# ------------------------------------------------------------------ one round --

def boot(opts, img, port, name, blkdebug=None):
    """A guest with the HTTP server on @img (vda; through QEMU's blkdebug driver with the
    rules file @blkdebug if given), host port @port forwarded to its port 80: (the guest,
    whether it reached the monitor)."""
    nic = net_checks.nic_args(0, "modern", net_checks.user_netdev(0, tcp_forwards=[(port, 80)]))
    disk = disk_checks.drive_args(0, "blkdebug:%s:%s" % (blkdebug, img) if blkdebug else img,
                                  serial="ktest-crash")
    g = net_checks.Guest(opts, name, nic + disk, cmdline="http.token=%s" % TOKEN)
    return g, g.boot(timeout=opts.boot_timeout)


def acknowledged_puts(g, port, puts):
    """@puts, one after another: the problems seen (empty if each got its 200 after a
    flush QEMU counted)."""
    bad = []
    for first, data in puts:
        before = flushes(g)
        code, _, body = request(port, put_head(port, first, len(data)) + data)
        after = flushes(g)
        want = b"wrote %d bytes at %d, flushed\n" % (len(data), first)
        if code != 200 or body != want:
            bad.append("PUT %d bytes at %d: %s %r" % (len(data), first, code, body[:80]))
        elif before is None or after is None or after <= before:
            bad.append("PUT %d bytes at %d: QEMU counted flushes %s -> %s"
                       % (len(data), first, before, after))
    return bad


def burst_and_kill(g, port, img, plan):
    """Start the burst, stream its body, SIGKILL QEMU at the plan's point.  Mode 0: the
    burst's head goes first, then the plan's last PUT, and the kill comes the moment its
    status line arrives.  Returns QEMU's exit status, the burst's body bytes sent by then,
    and the problems seen (the last PUT's status in mode 0, a watched sector never seen
    new in mode 1)."""
    first, data = plan.burst
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    sent, bad = [0], []

    def stream(upto):
        try:
            while sent[0] < upto:
                n = min(PIECE, upto - sent[0])
                s.sendall(data[sent[0]:sent[0] + n])
                sent[0] += n
        except OSError:
            pass            # QEMU, and with it the connection, went

    try:
        s.sendall(put_head(port, first, len(data)))
        if plan.mode == 0:
            bad += last_put(port, plan.puts[-1], g)
        elif plan.mode == 1:
            threading.Thread(target=stream, args=(len(data),), daemon=True).start()
            if not wait_sector(img, plan):
                bad.append("sector %d never held its new bytes" % plan.watch)
        else:
            stream(plan.kill_after)
            time.sleep(plan.pause)
        os.kill(g.proc.pid, signal.SIGKILL)
        status = g.proc.wait(timeout=30)
    finally:
        s.close()
    g.close(poweroff=False)
    return status, sent[0], bad


def last_put(port, put, g):
    """Mode 0: PUT @put and return the moment its status line came (QEMU is killed
    next): the problems seen (not 200)."""
    first, data = put
    with socket.create_connection(("127.0.0.1", port), timeout=120) as s:
        s.sendall(put_head(port, first, len(data)) + data)
        got = b""
        while b"\r\n" not in got:
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
    if got.startswith(b"HTTP/1.1 200 "):
        return []
    return ["the last PUT (%d bytes at %d) got %r" % (len(data), first, got[:40])]


def wait_sector(img, plan, timeout=60):
    """Until the plan's watched sector of the burst holds its new bytes on the image."""
    want = apply(apply(plan.old, plan.puts), [plan.burst])
    at = plan.watch * SECTOR
    end = time.monotonic() + timeout
    fd = os.open(img, os.O_RDONLY)
    try:
        while time.monotonic() < end:
            if os.pread(fd, SECTOR, at) == want[at:at + SECTOR]:   # the host's page cache
                return True
            time.sleep(0.001)
        return False
    finally:
        os.close(fd)


def judge_image(got, plan):
    """The image @got (bytes) after the kill against the plan: (problems, sectors of the
    burst found new, sectors found old)."""
    acked = apply(plan.old, plan.puts)
    new = apply(acked, [plan.burst])
    first, data = plan.burst
    s0, s1 = first // SECTOR, (first + len(data) + SECTOR - 1) // SECTOR
    lo, hi = s0 * SECTOR, s1 * SECTOR
    bad, n_new, n_old = [], 0, 0
    if len(got) != IMAGE:
        return ["the image is %d bytes, not %d" % (len(got), IMAGE)], 0, 0
    for first_p, d in plan.puts:
        for a, b in ((first_p, min(first_p + len(d), lo)), (max(first_p, hi), first_p + len(d))):
            if a < b and got[a:b] != acked[a:b]:
                bad.append("acknowledged bytes %d-%d differ (first at %d)"
                           % (a, b - 1, a + first_diff(got[a:b], acked[a:b])))
    for a, b in ((0, lo), (hi, IMAGE)):
        if got[a:b] != acked[a:b] and not bad:
            bad.append("bytes outside the PUTs changed (first at %d)"
                       % (a + first_diff(got[a:b], acked[a:b])))
    for s in range(s0, s1):
        sec = got[s * SECTOR:(s + 1) * SECTOR]
        if sec == new[s * SECTOR:(s + 1) * SECTOR]:
            n_new += 1
        elif sec == acked[s * SECTOR:(s + 1) * SECTOR]:
            n_old += 1
        elif len(bad) < 8:
            bad.append("burst sector %d is neither old nor new" % s)
    return bad, n_new, n_old


def judge_self_test(tally):
    """The image judge on canned images made from one plan: two it must accept (the
    burst half there, all there), five it must refuse.  True if it judged all seven right."""
    plan = Round(SEEDS[0], 2)
    acked = apply(plan.old, plan.puts)
    new = apply(acked, [plan.burst])
    first, data = plan.burst
    lo, hi = first - first % SECTOR, first + len(data)
    mid = (lo + hi) // 2 // SECTOR * SECTOR
    a = next(a + len(d) // 2 for a, d in plan.puts if not lo <= a + len(d) // 2 < hi + SECTOR)
    out = next(x for x in range(0, IMAGE, 4099) if not lo <= x < hi + SECTOR
               and not any(p <= x < p + len(d) for p, d in plan.puts))

    def flip(image, at):
        return image[:at] + bytes([image[at] ^ 0x40]) + image[at + 1:]

    cases = [("the burst's first half there", acked[:mid] + new[mid:hi] + acked[hi:], True),
             ("the whole burst there", new, True),
             ("an acknowledged byte flipped", flip(new, a), False),
             ("a byte outside every write flipped", flip(acked, out), False),
             ("the last acknowledged PUT missing", apply(plan.old, plan.puts[:-1]), False),
             ("a burst sector half old, half new",
              acked[:mid] + new[mid:mid + SECTOR // 2] + acked[mid + SECTOR // 2:], False),
             ("the image a sector short", new[:-SECTOR], False)]
    wrong = ["%s: %s" % (what, "refused" if ok else "accepted") for what, image, ok in cases
             if (not judge_image(image, plan)[0]) != ok]
    return tally.check(not wrong, "crash: the image judge accepts a burst half or wholly there "
                       "and refuses 5 canned wrong images (an acknowledged byte, another byte, "
                       "a lost PUT, a torn sector, a short image)", wrong)


def first_diff(a, b):
    """The index of the first byte where @a and @b differ."""
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))


def read_back(opts, img, plan, name):
    """Boot the killed image; GET each acknowledged range and the burst's span: the
    problems seen (empty if all read back as the image file holds them), the exit status."""
    (port,) = net_checks.free_udp_ports(1, socket.SOCK_STREAM)
    g, up = boot(opts, img, port, name)
    bad = [] if up else ["the killed image's guest did not reach the monitor"]
    try:
        with open(img, "rb") as f:
            disk = f.read()
        spans = [(a, len(d)) for a, d in plan.puts] + [(plan.burst[0], len(plan.burst[1]))]
        for first, n in spans if up else []:
            try:
                code, body = get_range(port, first, n)
            except OSError as e:    # refused, reset or timed out
                code, body = e, b""
            if code != 206 or body != disk[first:first + n]:
                bad.append("GET %d bytes at %d: %s, %d bytes, %s" % (
                    n, first, code, len(body),
                    "same" if body == disk[first:first + n] else "different"))
    finally:
        status = g.close()
    return bad, status, g


def write_and_kill(opts, tally, plan, img):
    """A round's first boot: the acknowledged PUTs, the burst, the kill.  True if the
    guest came up, answered and died as planned; None if it never came up or a
    connection failed (nothing left to judge)."""
    (port,) = net_checks.free_udp_ports(1, socket.SOCK_STREAM)
    g, up = boot(opts, img, port, "crash-%d" % plan.seed)
    log = ["log: %s" % g.log_path]
    desc = "seed %d: %s, burst %d bytes at %d, killed %s" % (
        plan.seed, " + ".join("%d at %d" % (len(d), a) for a, d in plan.puts),
        len(plan.burst[1]), plan.burst[0], plan.kill_text())
    try:
        if not tally.check(up, "crash %s: the guest reaches the monitor" % desc, log + g.tail()):
            return None
        counted = plan.puts[:-1] if plan.mode == 0 else plan.puts
        bad = acknowledged_puts(g, port, counted)
        ok = tally.check(not bad, "crash seed %d: the PUTs (%d) each answered 200 after a flush "
                         "QEMU counted" % (plan.seed, len(counted)), bad + log)
        status, sent, bad = burst_and_kill(g, port, img, plan)
        return ok & tally.check(status == -signal.SIGKILL and not bad,
                                "crash seed %d: QEMU killed (SIGKILL) %s, %d of the burst's %d "
                                "body bytes sent" % (plan.seed, plan.kill_text(), sent,
                                                     len(plan.burst[1])),
                                bad + ["status %s" % status] + log)
    except OSError as e:        # a connection refused, reset or timed out
        tally.fail("crash seed %d: talking to the guest failed: %s" % (plan.seed, e), log)
        return None
    finally:
        g.close(poweroff=False)


def crash_round(opts, tally, seed, index):
    """One round (seed @seed, kill mode index % 3), counted into @tally.  True if it
    passed; a failed round's image stays as BUILD/crash-fail-SEED.img."""
    plan = Round(seed, index)
    img = os.path.join(opts.build, "crash-%d.img" % seed)
    failed = os.path.join(opts.build, "crash-fail-%d.img" % seed)
    if os.path.exists(failed):
        os.unlink(failed)       # a failure of an earlier run with this seed
    with open(img, "wb") as f:
        f.write(plan.old)
    t0 = time.monotonic()
    ok = write_and_kill(opts, tally, plan, img)
    if ok is not None:
        with open(img, "rb") as f:
            bad, n_new, n_old = judge_image(f.read(), plan)
        ok &= tally.check(not bad, "crash seed %d: the image holds every acknowledged byte, "
                          "the rest unchanged; the burst's sectors old or new (%d new, %d old)"
                          % (seed, n_new, n_old), bad)
        bad, status, g2 = read_back(opts, img, plan, "crash-%d-again" % seed)
        ok &= tally.check(not bad and status == qemu.EXIT_OK,
                          "crash seed %d: booted again, GET reads the acknowledged ranges and "
                          "the burst's span as the image holds them; poweroff 33" % seed,
                          bad + ["status %s" % status, "log: %s" % g2.log_path])
        print("  ..      seed %d: the round took %.1f s" % (seed, time.monotonic() - t0),
              flush=True)
    if ok:
        os.unlink(img)
    else:
        os.replace(img, failed)
    return bool(ok)


def crash_rounds(opts, tally, n, seed):
    """@n rounds, seeds @seed, @seed+1, ...; the kill mode cycles with the round's
    index.  The number of rounds that passed."""
    return sum(crash_round(opts, tally, seed + i, i) for i in range(n))


# QEMU's blkdebug driver (its docs: "Block I/O error injection using blkdebug"): the image's
# first flush fails with EIO (errno 5), once; QEMU's default werror=enospc reports it to
# the guest.
FLUSH_FAILS = '[inject-error]\nevent = "flush_to_disk"\nerrno = "5"\nonce = "on"\n'


def check_failed_flush(opts, tally):
    """A flush the device fails is never acknowledged: the PUT whose flush QEMU fails
    (blkdebug) is answered 500, the next one 200 with its flush counted, `http` counts
    the 500, the guest says what failed and powers off with 33."""
    img = os.path.join(opts.build, "crash-flush.img")
    rules = img + ".blkdebug"
    with open(img, "wb") as f:
        f.write(bytes(IMAGE))
    with open(rules, "w") as f:
        f.write(FLUSH_FAILS)
    (port,) = net_checks.free_udp_ports(1, socket.SOCK_STREAM)
    g, up = boot(opts, img, port, "crash-flush", blkdebug=rules)
    log = ["log: %s" % g.log_path]
    try:
        if not tally.check(up, "crash: a guest whose disk fails its first flush reaches the "
                           "monitor", log + g.tail()):
            return
        answers = []
        for first in (1000, 70000):
            before = flushes(g)
            code, _, body = request(port, put_head(port, first, 5000) + bytes(5000))
            answers.append((code, body, before, flushes(g)))
        stats = g.cmd("http") or ""
        said = g.cmd("dmesg") or ""
    finally:
        status = g.close()
        for path in (img, rules):
            os.unlink(path)
    (c1, b1, _, _), (c2, b2, f0, f1) = answers
    tally.check(c1 == 500 and c2 == 200 and f0 is not None and f1 is not None and f1 > f0,
                "crash: the PUT whose flush the device failed (EIO) is answered 500, not 200; "
                "the next one 200 after its flush", ["answers %r" % answers] + log)
    tally.check(re.search(r"\b500 1\b", stats) is not None
                and "http: flush of vda at byte 0 failed: error -5" in said
                and status == qemu.EXIT_OK,
                "crash: `http` counts the 500, the guest logs the failed flush, poweroff 33",
                stats.splitlines() + ["status %s" % status] + log)


def step_crash(opts, tally):
    print("\n== QEMU killed mid-write: every byte acknowledged after a flush is on the image "
          "(%d rounds)" % len(SEEDS), flush=True)
    judge_self_test(tally)
    check_failed_flush(opts, tally)
    for i, seed in enumerate(SEEDS):
        crash_round(opts, tally, seed, i)


def main():
    def add(ap):
        ap.add_argument("--rounds", type=int, help="this many rounds instead of make test's")
        ap.add_argument("--seed", type=int, default=SEEDS[0], help="the first round's seed")

    def step(opts, tally):
        if opts.rounds is None:
            step_crash(opts, tally)
        else:
            crash_rounds(opts, tally, opts.rounds, opts.seed)
    sys.exit(qemu.run_alone(__doc__, step, add=add))


if __name__ == "__main__":
    main()
