"""tools/trace_checks.py - the tracing checks of `make test` that need the host.

tools/run-tests.py imports this for step_trace(); tools/docgen.py for
doc_transcript() (blocks with kind=trace in docs/tracing.md).

  step_trace()      a guest with a virtio-net NIC on QEMU's user network (a
                    host UDP port forwarded to the echo service, port 7) and
                    a fresh scratch virtio-blk image made here (never
                    build/disk.img); at its monitor:
                      trace on skb port=7, one datagram from the host (after
                      a first one that lets the guest learn the gateway's
                      MAC), trace show: every hop of the datagram and of
                      the echo's reply must appear, in the order of SKB_HOPS
                      trace on bio disk=vda, blk read vda 8, trace show: the
                      hops of BIO_HOPS, in order
                      a user's session (trace on bio, a read) survives
                      `test trace`: every case skips, saying why, and
                      `trace` says the same before and after
                    and the checker itself must refuse a story told out of
                    order or with a hop missing.
  doc_transcript()  the same session, as the text docs/tracing.md shows:
                    args["what"] is "skb" or "bio".

Standalone: python3 tools/trace_checks.py --build build [--what skb|bio]
"""

import os
import re
import sys
import time
from types import SimpleNamespace

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import net_checks  # noqa: E402
import disk_checks  # noqa: E402

# The story of one UDP echo datagram, as `trace show` names the hops
# (docs/tracing.md tells it): (event, which skb: "in" the datagram, "out"
# the reply, "" a NIC's context).  Other records may come between them.
SKB_HOPS = [
    ("virtio_net_irq", ""), ("napi_poll", ""), ("virtnet_receive", "in"),
    ("eth_type_trans", "in"), ("ip_rcv", "in"), ("udp_rcv", "in"), ("udp_queue_rcv", "in"),
    ("netdev_alloc_skb", ""),           # the same poll refills the ring slot the datagram used
    ("udp_recvfrom", "in"), ("consume_skb", "in"),
    ("alloc_skb", "out"), ("ip_output", "out"), ("arp_output", "out"),
    ("dev_queue_xmit", "out"), ("virtqueue_add", "out"),
    ("virtio_net_irq", ""), ("virtnet_tx_done", "out"), ("consume_skb", "out"),
]

# The story of `blk read vda 8`: (event, "bio" or "rq").
BIO_HOPS = [
    ("bio_alloc", "bio"), ("blk_make_request", "bio"), ("blk_execute_rq", "rq"),
    ("virtblk_add_req", "rq"), ("virtblk_irq", "rq"), ("blk_done_softirq", "rq"),
    ("bio_endio", "bio"), ("blk_put_request", "rq"),
]

# A `trace show` record line: [   12.345678] T event dev obj ...
RECORD_RE = re.compile(r"^\[ *\d+\.\d+\] ([HST]) (\w+) +(\S+)(?: +((?:skb|bio|rq)\d+))?")
SCRATCH_SERIAL = "trace-scratch"


def parse_show(text):
    """The records of a `trace show` answer: a list of (event, object name or "")."""
    out = []
    for line in text.replace("\r", "").split("\n"):
        m = RECORD_RE.match(line)
        if m:
            out.append((m.group(2), m.group(4) or ""))
    return out


def story_problems(records, hops):
    """Why @records do not tell @hops in order (a list of lines; empty: they do).

    Each hop must come after the one before it; the objects must be
    consistent: every hop marked "in" names one skb, every "out" one skb
    (another name than "in" unless the name was freed and reused), "bio" one
    bio, "rq" one request; "" hops are a NIC's context or another skb."""
    names = {}
    at = 0
    for event, role in hops:
        while at < len(records):
            ev, obj = records[at]
            at += 1
            if ev != event:
                continue
            if role and names.setdefault(role, obj) != obj:
                continue
            break
        else:
            return ["hop %s (%s) is missing after record %d" % (event, role or "-", at)]
    return []


def scratch_image(opts, name):
    """A fresh 8 MiB blank image for vda, in the log directory (never build/disk.img)."""
    path = os.path.join(opts.logdir, name + "-scratch.img")
    disk_checks.make_image(path, 8)
    return path


def boot_guest(opts, name):
    """A guest with eth0 on a user network (host port -> echo) and vda on a scratch image."""
    port = net_checks.free_udp_ports(1)[0]
    img = scratch_image(opts, name)
    if not hasattr(opts, "mem"):
        opts = SimpleNamespace(**vars(opts), mem="128M")
    args = (net_checks.nic_args(0, "modern", net_checks.user_netdev(0, [(port, net_checks.ECHO_PORT)]))
            + disk_checks.drive_args(0, img, serial=SCRATCH_SERIAL))
    return net_checks.Guest(opts, name, args), ("127.0.0.1", port), img


def trace_datagram(guest, addr):
    """Warm up ARP, then trace one echo datagram: (answered, `trace on` answer, `trace show`)."""
    warm = net_checks.echo_once(addr, b"warm-up: the gateway's MAC", timeout=2.0, tries=5)
    guest.cmd("trace clear")
    on = guest.cmd("trace on skb port=7") or ""
    answered = warm and net_checks.echo_once(addr, b"hello, trace", timeout=2.0, tries=1)
    # The reply's TX completion comes after the reply left: on a loaded host, a while after.
    for _ in range(20):
        show = guest.cmd("trace show") or ""
        if not answered or not story_problems(parse_show(show), SKB_HOPS):
            break
        time.sleep(0.5)
    guest.cmd("trace off")
    return answered, on, show


def trace_read(guest):
    """Trace `blk read vda 8`: (the read's answer, `trace on` answer, `trace show`)."""
    guest.cmd("trace clear")
    on = guest.cmd("trace on bio disk=vda") or ""
    read = guest.cmd("blk read vda 8") or ""
    show = guest.cmd("trace show") or ""
    guest.cmd("trace off")
    return read, on, show


# A case of `test trace` run over a user's session: it must skip, saying why.
CASE_RE = re.compile(r"^\s*(?:not )?ok \d+ (trace_test_\w+)(.*)$", re.M)
SESSION_SKIP = "# SKIP a trace session is in use"


def session_problems(before, test_out, after):
    """Why a user's session did not survive `test trace` (a list of lines; empty: it did).

    @before and @after are `trace` status answers around it, @test_out its KTAP."""
    cases = CASE_RE.findall(test_out.replace("\r", ""))
    bad = ["case %s ran: %s" % (name, rest.strip() or "ok") for name, rest in cases
           if not rest.strip().startswith(SESSION_SKIP)]
    if not cases:
        bad.append("no case of the trace suite was listed")
    status = [a.replace("\r", "").split("\n")[1:2] for a in (before, after)]
    if status[0] != status[1] or not status[0] or "following bio" not in status[0][0]:
        bad.append("the session changed: %r became %r" % (status[0], status[1]))
    return bad


def user_session_survives(guest):
    """A user traces a read, then runs `test trace`: (problems, answers for the log)."""
    guest.cmd("trace clear")
    guest.cmd("trace on bio disk=vda")
    guest.cmd("blk read vda 8")
    before = guest.cmd("trace") or ""
    test_out = guest.cmd("test trace", timeout=120) or ""
    after = guest.cmd("trace") or ""
    guest.cmd("trace off")
    return session_problems(before, test_out, after), [before, test_out, after]


def session_text(*answers):
    """Monitor answers (Guest.cmd's: the echoed line, the reply, the next prompt) as a user
    sees them: each after a "> "."""
    out = ""
    for a in answers:
        a = a.replace("\r", "")
        if a.endswith("\n> "):
            a = a[:-2]              # the next answer brings its own prompt
        out += "> " + a
    return out


def check_checker(tally):
    """The order checker must refuse wrong stories, or it proves nothing."""
    good = [(e, {"in": "skb1", "out": "skb2"}.get(r, "")) for e, r in SKB_HOPS]
    swapped = good[:]
    swapped[4], swapped[5] = swapped[5], swapped[4]           # udp before ip
    missing = [r for r in good if r[0] != "arp_output"]
    mixed = [(e, "skb3" if e == "ip_rcv" else o) for e, o in good]   # another skb's hop
    tally.check(not story_problems(good, SKB_HOPS) and story_problems(swapped, SKB_HOPS)
                and story_problems(missing, SKB_HOPS) and story_problems(mixed, SKB_HOPS),
                "the hop-order checker accepts the story and refuses it swapped, cut or mixed")
    before = "trace\ntrace: following bio disk=vda; 8 records (ring of 512), 0 lost\n> "
    skipped = "    ok 1 trace_test_x %s: 'trace off' ...\n" % SESSION_SKIP
    ran = "    ok 2 trace_test_y\n"
    wiped = before.replace("following bio disk=vda; 8", "off; 0")
    tally.check(not session_problems(before, skipped, before)
                and session_problems(before, skipped + ran, before)
                and session_problems(before, "", before)
                and session_problems(before, skipped, wiped),
                "the session checker accepts skipped cases and refuses a case that ran, "
                "no cases, or a changed session")


def section(title):
    print("\n== %s" % title, flush=True)


def step_trace(opts, tally):
    """One UDP echo datagram and one virtio-blk read, traced at the monitor."""
    section("tracing: one UDP echo datagram and one blk read, every hop in order")
    check_checker(tally)
    guest, addr, img = boot_guest(opts, "trace")
    log = ["log: %s" % guest.log_path]
    try:
        if not tally.check(guest.boot(), "the guest with eth0 and vda reaches the monitor",
                           log + guest.tail()):
            return
        answered, _, show = trace_datagram(guest, addr)
        tally.check(answered, "the echo service answers the traced datagram", log)
        recs = parse_show(show)
        bad = story_problems(recs, SKB_HOPS)
        tally.check(not bad, "trace on skb port=7: the datagram's %d hops appear in order "
                    "(%d records)" % (len(SKB_HOPS), len(recs)), log + bad + show.splitlines()[:60])
        read, _, show = trace_read(guest)
        tally.check("vda sector 8:" in read, "blk read vda 8 answers", log + read.splitlines()[:5])
        recs = parse_show(show)
        bad = story_problems(recs, BIO_HOPS)
        tally.check(not bad, "trace on bio disk=vda: the read's %d hops appear in order "
                    "(%d records)" % (len(BIO_HOPS), len(recs)), log + bad + show.splitlines()[:40])
        bad, answers = user_session_survives(guest)
        tally.check(not bad, "a user's trace session survives `test trace`: every case skips, "
                    "saying why", log + bad + "\n".join(answers).splitlines()[:40])
    finally:
        guest.close()
        os.unlink(img)


def doc_transcript(opts, args):
    """The monitor session docs/tracing.md shows (args["what"]: "skb" or "bio")."""
    what = args.get("what", "skb")
    if what not in ("skb", "bio"):
        raise ValueError("trace: what=%r is not skb or bio" % what)
    guest, addr, img = boot_guest(opts, "docgen-trace-" + what)
    try:
        if not guest.boot():
            raise RuntimeError("trace: the guest did not reach the monitor (%s)" % guest.log_path)
        if what == "skb":
            _, on, show = trace_datagram(guest, addr)
            return session_text(on) + "(the host sends one datagram to the echo service)\n" \
                + session_text(show)
        read, on, show = trace_read(guest)
        lines = read.replace("\r", "").split("\n")
        read = "\n".join(lines[:3] + ["(... the rest of the sector's hex dump ...)", ""])
        return session_text(on, read, show)
    finally:
        guest.close()
        os.unlink(img)


def main():
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("--accel", default="tcg")
    ap.add_argument("--mem", default="128M")
    ap.add_argument("--what", default="")
    a = ap.parse_args()
    logdir = os.path.join(a.build, "test-logs")
    os.makedirs(logdir, exist_ok=True)
    opts = SimpleNamespace(build=a.build, kernel=os.path.join(a.build, "kernel.elf"), qemu=a.qemu,
                           accel=a.accel, mem=a.mem, logdir=logdir, verbose=False)
    if a.what:
        print(doc_transcript(opts, {"what": a.what}))
        return
    tally = SimpleNamespace(check=lambda c, w, d=(): print(("ok     " if c else "FAILED ") + w
                                                           + "".join("\n   " + x for x in d if not c)))
    step_trace(opts, tally)


if __name__ == "__main__":
    main()
