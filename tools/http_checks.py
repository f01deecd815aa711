# SPDX-License-Identifier: MIT
"""tools/http_checks.py - the HTTP server (net/http.c) from the host, with curl.

tools/run-tests.py imports this for step_http() (make test's step `http`):
a guest booted with `http.token=SECRET http.conns=64 tcp_timewait_ms=500` (the
connections the server closes first leave TIME_WAIT before the memory check) on
QEMU's user network,
host TCP port P forwarded to its port 80, and a fresh 64 MiB image of random
bytes this step made (BUILD/http-test.img, serial ktest-http) as vda.  Then:

  - `curl /disk/vda` downloads the disk: its sha256 equals the image's
  - `curl -T` PUTs 8 MiB of random data at byte 5 MiB + 512 with
    `Content-Range` and the token: 200, and the host image holds exactly
    those bytes there (the guest answered after its flush)
  - a PUT without the token, and one with a wrong token: 403 each, and
    the image unchanged (sha256 before and after)
  - 50 curls at once, each a different range (some unaligned, the last to
    the end): every one 206 with its Content-Range, every byte checked
  - bad HTTP from a Python socket: garbage (400), a 1 MiB header (431), a
    range past the end (416, Content-Range: bytes */67108864), a
    half-closed connection (its answer, then the end)
  - the client: the host runs `python3 -m http.server` on 127.0.0.1 (a free
    port, a temp dir with a known text file), and `http get 10.0.2.2:PORT/file`
    at the guest's monitor prints its status line, its Content-Length and the
    file's text (QEMU's user network maps 10.0.2.2 to the host's 127.0.0.1); a
    missing file prints the 404, a port nobody listens on one refusal line
  - the guest's memory (`memcheck`) back at its baseline, and `http` at the
    monitor counting the two 403s, the 400, the 431 and the 416

Standalone: python3 tools/http_checks.py --build build
"""

import concurrent.futures
import hashlib
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402
import net_checks  # noqa: E402
import disk_checks  # noqa: E402

TOKEN = "SECRET-%d" % os.getpid()
IMAGE = 64 << 20
PUT_AT = (5 << 20) + 512
PUT_LEN = 8 << 20
RANGES = 50


NETEM_SPAN = 4 << 20


def curl(port, path, *args, timeout=120):
    """curl http://127.0.0.1:@port@path with @args: (HTTP status, stdout bytes)."""
    cmd = ["curl", "-s", "-S", "--max-time", str(timeout), "-w", "\n%{http_code}", *args,
           "http://127.0.0.1:%d%s" % (port, path)]
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout + 10)
    except subprocess.TimeoutExpired:
        return None, b""
    body, _, code = r.stdout.rpartition(b"\n")
    return (int(code) if code.isdigit() else None), body


def raw(port, data, shut=False, timeout=20):
    """Send @data on one connection (then SHUT_WR if @shut); everything until the end."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    got = b""
    try:
        try:
            s.sendall(data)
        except OSError:
            pass        # the server answered and closed before all of it went: read on
        if shut:
            s.shutdown(socket.SHUT_WR)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
    except OSError:
        pass
    finally:
        s.close()
    return got


def sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def ranges(rng):
    """RANGES spans of the disk: varied lengths, some unaligned, the last to its end."""
    out = []
    for i in range(RANGES - 1):
        n = rng.choice((1, 511, 512, 4096, 65536, 100000, 1 << 20))
        first = rng.randrange(0, IMAGE - n)
        out.append((first, first + n - 1))
    out.append((IMAGE - 700, IMAGE - 1))
    return out


def step_http(opts, tally):
    print("\n== the HTTP server from the host: curl, ranges, PUT with the token, bad requests",
          flush=True)
    img = os.path.join(opts.build, "http-test.img")
    rng = random.Random(80)
    with open(img, "wb") as f:
        f.write(rng.randbytes(IMAGE))
    (port,) = net_checks.free_udp_ports(1, socket.SOCK_STREAM)
    args = (net_checks.nic_args(0, "modern", net_checks.user_netdev(0, tcp_forwards=[(port, 80)]))
            + disk_checks.drive_args(0, img, serial="ktest-http"))
    g = net_checks.Guest(opts, "http-host", args,
                         cmdline="http.token=%s http.conns=64 tcp_timewait_ms=500" % TOKEN)
    log = ["log: %s" % g.log_path]
    try:
        if not tally.check(g.boot(), "the guest with vda and the HTTP server reaches the monitor",
                           log + g.tail()):
            return
        code, _ = curl(port, "/")
        # After the first GET's thread and TIME_WAIT (tcp_timewait_ms=500) are gone.
        base = net_checks.memcheck_stable(g, wait_s=8.0)
        check_download(tally, port, img, log, code)
        check_put(tally, port, img, log, rng)
        check_ranges(tally, port, img, log, rng)
        check_bad(tally, port, log)
        check_client(g, tally, log)
        check_under_netem(g, tally, port, img, log)
        after = net_checks.memcheck_settled(g, base, wait_s=8.0)
        tally.check(base is not None and after == base,
                    "the guest's pages, slab objects, skbs, threads and bios are back at baseline",
                    ["(pages, objects, skbs, threads, bios) before %s, after %s" % (base, after)]
                    + log)
        stats = g.cmd("http") or ""
        counts = {int(c): int(n) for c, n in re.findall(r"\b(\d{3}) (\d+)", stats)}
        tally.check(all(counts.get(c) == n for c, n in ((403, 2), (400, 1), (431, 1), (416, 1))),
                    "`http` counts the two 403s, the 400, the 431 and the 416",
                    stats.splitlines() + log)
    finally:
        status = g.close()
        if os.path.exists(img):
            os.unlink(img)
    tally.check(status == qemu.EXIT_OK, "poweroff ends the HTTP guest with status 33",
                ["status %s" % status] + log + g.tail())


def check_under_netem(g, tally, port, img, log):
    """4 MiB downloaded while the guest's NIC loses 5%, reorders 10% and duplicates 2% of
    what it sends and receives: TCP repairs it, byte for byte."""
    def retrans():
        m = re.search(r"RetransSegs (\d+)", g.cmd("netstat") or "")
        return int(m.group(1)) if m else None

    before = retrans()
    setting = g.cmd("netem eth0 loss 5% reorder 10% duplicate 2% delay 1ms seed 3") or ""
    out = img + ".netem"
    try:
        t0 = time.monotonic()
        code, _ = curl(port, "/disk/vda", "-r", "0-%d" % (NETEM_SPAN - 1), "-o", out)
        took = time.monotonic() - t0
        with open(img, "rb") as f:
            want = f.read(NETEM_SPAN)
        got = open(out, "rb").read() if os.path.exists(out) else b""
        print("  ..      4 MiB under netem in %.1f s" % took, flush=True)
        tally.check(code == 206 and got == want,
                    "curl downloads 4 MiB byte for byte while eth0 loses 5%, reorders 10% and "
                    "duplicates 2% both ways", ["status %s, %d bytes" % (code, len(got)),
                                                "netem: %s" % setting.strip()] + log)
    finally:
        g.cmd("netem eth0 off")
        if os.path.exists(out):
            os.unlink(out)
    after = retrans()
    tally.check(before is not None and after is not None and after > before,
                "TCP retransmitted what netem lost (RetransSegs %s -> %s)" % (before, after), log)


def check_download(tally, port, img, log, index_code):
    tally.check(index_code == 200, "GET / answers 200", log)
    out = os.path.join(os.path.dirname(img), "http-vda.img")
    t0 = time.monotonic()
    code, _ = curl(port, "/disk/vda", "-o", out)
    took = time.monotonic() - t0
    got = sha(out) if os.path.exists(out) else None
    print("  ..      64 MiB downloaded in %.1f s (%.1f MB/s)" % (took, IMAGE / 1e6 / took),
          flush=True)
    tally.check(code == 200 and got == sha(img),
                "curl downloads /disk/vda: its sha256 equals the image's",
                ["status %s, sha256 %s" % (code, got)] + log)
    if os.path.exists(out):
        os.unlink(out)


def check_put(tally, port, img, log, rng):
    data = rng.randbytes(PUT_LEN)
    body = os.path.join(os.path.dirname(img), "http-put.bin")
    with open(body, "wb") as f:
        f.write(data)
    span = "Content-Range: bytes %d-%d/*" % (PUT_AT, PUT_AT + PUT_LEN - 1)
    before = sha(img)
    refused = [curl(port, "/disk/vda", "-T", body, "-H", span, *auth)[0]
               for auth in ((), ("-H", "Authorization: Bearer wrong-" + TOKEN))]
    tally.check(refused == [403, 403] and sha(img) == before,
                "PUT without the token and with a wrong one: 403 each, the image unchanged",
                ["statuses %s" % refused] + log)
    code, answer = curl(port, "/disk/vda", "-T", body, "-H", span,
                        "-H", "Authorization: Bearer " + TOKEN)
    with open(img, "rb") as f:
        f.seek(PUT_AT)
        there = f.read(PUT_LEN)
    os.unlink(body)
    tally.check(code == 200 and there == data,
                "PUT of 8 MiB at byte %d with the token: 200 once flushed, the host image "
                "holds it" % PUT_AT, ["status %s: %r" % (code, answer[:80])] + log)


def check_ranges(tally, port, img, log, rng):
    spans = ranges(rng)
    with open(img, "rb") as f:
        disk = f.read()

    def one(span):
        first, last = span
        code, body = curl(port, "/disk/vda", "-D", "-", "-r", "%d-%d" % (first, last),
                          "--retry", "5")
        head, _, data = body.partition(b"\r\n\r\n")
        want = b"Content-Range: bytes %d-%d/%d" % (first, last, IMAGE)
        return code == 206 and want in head and data == disk[first:last + 1]

    with concurrent.futures.ThreadPoolExecutor(RANGES) as ex:
        results = list(ex.map(one, spans))
    bad = [s for s, ok in zip(spans, results) if not ok]
    tally.check(not bad, "%d curls at once, each a different range: every byte right" % RANGES,
                ["wrong: %s" % bad[:5]] + log)


def check_bad(tally, port, log):
    def status(answer):
        return answer.split(b"\r\n", 1)[0]

    got = raw(port, b"\x00\x01garbage\r\n\r\n")
    tally.check(status(got) == b"HTTP/1.1 400 Bad Request" and b"Connection: close" in got,
                "garbage: 400 and the connection closed", [repr(got[:120])] + log)
    got = raw(port, b"GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + b"x" * (1 << 20) + b"\r\n\r\n")
    tally.check(status(got) == b"HTTP/1.1 431 Request Header Fields Too Large",
                "a 1 MiB header: 431", [repr(got[:120])] + log)
    got = raw(port, b"GET /disk/vda HTTP/1.1\r\nHost: a\r\nRange: bytes=%d-\r\n"
              b"Connection: close\r\n\r\n" % IMAGE)
    tally.check(status(got) == b"HTTP/1.1 416 Range Not Satisfiable"
                and b"Content-Range: bytes */%d" % IMAGE in got,
                "a range past the end: 416 with the size", [repr(got[:160])] + log)
    got = raw(port, b"GET /proc/version HTTP/1.1\r\nHost: a\r\n\r\n", shut=True)
    tally.check(status(got) == b"HTTP/1.1 200 OK" and b"teachos" in got,
                "a half-closed connection still gets its answer, then the end",
                [repr(got[:160])] + log)


CLIENT_TEXT = "teachos fetched this from the host's python3 -m http.server\nline two\n"


def wait_listening(port, proc, timeout=5.0):
    """True once something accepts on 127.0.0.1:@port (and @proc still runs)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def answer_lines(text):
    """What a command printed: its lines without the echoed command and the prompt."""
    lines = text.replace("\r", "").splitlines()[1:]
    while lines and lines[-1].strip() in ("", ">"):
        lines.pop()
    return lines


def check_client(g, tally, log):
    """`http get` in the guest against the host's python3 -m http.server (issue 13 item 4)."""
    port, unused = net_checks.free_udp_ports(2, socket.SOCK_STREAM)
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "hello.txt"), "w") as f:
            f.write(CLIENT_TEXT)
        srv = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1",
                                "--directory", d, str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            up = wait_listening(port, srv)
            got = g.cmd("http get 10.0.2.2:%d/hello.txt" % port, timeout=15) or ""
            missing = g.cmd("http get 10.0.2.2:%d/nosuch.txt" % port, timeout=15) or ""
        finally:
            srv.terminate()
            srv.wait(timeout=10)
    lines = answer_lines(got)
    tally.check(up and bool(lines) and re.match(r"HTTP/1\.[01] 200 OK$", lines[0]) is not None
                and "Content-Length: %d" % len(CLIENT_TEXT) in lines
                and CLIENT_TEXT in "\n".join(lines) + "\n",
                "`http get 10.0.2.2:PORT/hello.txt` prints the host server's 200, its "
                "Content-Length and the file's text", lines[:20] + log)
    tally.check(re.match(r"HTTP/1\.[01] 404 ", "\n".join(answer_lines(missing))) is not None,
                "`http get` of a missing file prints the host server's 404",
                missing.splitlines()[:5] + log)
    refused = g.cmd("http get 10.0.2.2:%d/x" % unused, timeout=15) or ""
    want = "http get 10.0.2.2:%d/x: " % unused
    tally.check(answer_lines(refused) == [want + "connection refused"],
                "`http get` to a host port nobody listens on: one line, the prompt back",
                refused.splitlines()[:5] + log)


def main():
    sys.exit(qemu.run_alone(__doc__, step_http))


if __name__ == "__main__":
    main()
