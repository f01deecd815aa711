# SPDX-License-Identifier: MIT
"""tools/trace_checks.py - the tracing checks of `make test` that need the host.

tools/run-tests.py imports this for step_trace(); tools/docgen.py for
doc_transcript() (blocks with kind=trace in docs/tracing.md).

  step_trace()      a guest with a virtio-net NIC on QEMU's user network (a
                    host UDP port forwarded to the echo service, port 7) and
                    a fresh scratch virtio-blk image made here (never
                    build/disk.img); at its monitor:
                      trace on skb port=7, the FIRST datagram from the host
                      after boot (QEMU's ARP request for the guest comes
                      just before it, often in the same NAPI poll), trace
                      show: exactly the records of SKB_HOPS, in order
                      trace on bio disk=vda (a new session: the skb records
                      go), blk read vda 8, trace show: exactly BIO_HOPS
                      a user's session (trace on bio, a read) survives
                      `test trace`: every case skips, saying why, and
                      `trace` says the same before and after
                    and the checkers themselves must refuse a story told out
                    of order, with a hop missing or one too many; then, on
                    the same guest, the layer counters (perf_checks.py).
  doc_transcript()  the same session, as the text docs/tracing.md shows:
                    args["what"] is "skb" or "bio".  A few texts of the skb
                    story depend on timing (TIMING_SHAPES): the transcript
                    has them in their common form, so it does not change
                    from run to run.  A story that is wrong, or a text that
                    no timing explains, is an error: the docs check fails.

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
import perf_checks  # noqa: E402
import qemu  # noqa: E402

# The story of one UDP echo datagram, as `trace show` names the hops
# (docs/tracing.md tells it): (event, which object).  "in" is the datagram,
# "refill" the buffer the poll puts in the ring slot it left, "out" the
# echo's reply, "" a NIC's context (interrupt, poll).  Nothing else may come
# between them: other traffic (QEMU's ARP request, our reply) is not this
# story.
SKB_HOPS = [
    ("virtio_net_irq", ""), ("napi_poll", ""), ("virtnet_receive", "in"),
    ("eth_type_trans", "in"), ("ip_rcv", "in"), ("udp_rcv", "in"), ("udp_queue_rcv", "in"),
    ("netdev_alloc_skb", "refill"), ("napi_poll_done", ""),
    ("udp_recvfrom", "in"), ("consume_skb", "in"),
    ("alloc_skb", "out"), ("ip_output", "out"), ("arp_output", "out"),
    ("dev_queue_xmit", "out"), ("virtqueue_add", "out"),
    ("virtio_net_irq", ""), ("napi_poll", ""), ("virtnet_tx_done", "out"), ("consume_skb", "out"),
    ("napi_poll_done", ""),
]

# The same story when the reply's transmit interrupt does not come (the TX interrupt
# is off, drivers/net/virtio_net.c; whether the device's completion finds it on is
# timing): the pair's reclaim timer, VIRTNET_TX_RECLAIM_MS later, starts the poll that
# frees it.  Record 16 of SKB_HOPS, that interrupt, is then missing.
TX_IRQ = 16
SKB_HOPS_BY_TIMER = SKB_HOPS[:TX_IRQ] + SKB_HOPS[TX_IRQ + 1:]

# The story of `blk read vda 8`: (event, "bio" or "rq").
BIO_HOPS = [
    ("bio_alloc", "bio"), ("blk_make_request", "bio"), ("blk_execute_rq", "rq"),
    ("virtblk_add_req", "rq"), ("virtblk_irq", "rq"), ("blk_done_softirq", "rq"),
    ("bio_endio", "bio"), ("blk_put_request", "rq"),
]

# What timing decides in the skb story: (record index in SKB_HOPS, the
# common text at the end of its line, the other texts it may have: regexes).
# The receive poll took QEMU's ARP request too, or not; a poll was brought by
# an interrupt of the skb's own queue, or by the other queue's (the transmit
# interrupt of our ARP reply starts the poll that finds the datagram, whose
# own interrupt comes while it runs); the reply went to the transmit
# descriptor our ARP reply had left, or to another.
TIMING_SHAPES = [
    (0, "receive queue", ["transmit queue"]),
    (8, "did 2 (1 not followed)", ["did 1"]),
    (15, "head desc 0, 1 desc", [r"head desc \d+, 1 desc"]),
    (16, "transmit queue", ["receive queue"]),
]

# A `trace show` record line: [   12.345678] T event dev obj ... (the rest: after two spaces)
RECORD_RE = re.compile(r"^\[ *\d+\.\d+\] ([HST]) (\w+) +(\S+)(?: +((?:skb|bio|rq)\d+))?(.*)$")
SCRATCH_SERIAL = "trace-scratch"


def parse_show(text):
    """The records of a `trace show` answer: a list of (event, object name or "", the line's
    last words: what its argument says)."""
    out = []
    for line in text.replace("\r", "").split("\n"):
        m = RECORD_RE.match(line)
        if m:
            out.append((m.group(2), m.group(4) or "", m.group(5).split("  ")[-1].strip()))
    return out


def story_problems(records, hops):
    """Why @records (parse_show's) do not tell exactly @hops (a list of lines; empty: they do).

    Record i must be hop i, no more and no fewer; the objects must be
    consistent: every hop of one role names one object, and two roles name
    two objects ("" hops are a NIC's context: no object)."""
    bad = []
    names = {}
    for i, (event, role) in enumerate(hops):
        if i >= len(records):
            return bad + ["hop %d, %s (%s), is missing: the story ends after %d records"
                          % (i, event, role or "-", len(records))]
        ev, obj = records[i][0], records[i][1]
        if ev != event:
            bad.append("record %d is %s %s, not %s (%s)" % (i, ev, obj or "-", event, role or "-"))
        elif not role and obj:
            bad.append("record %d, %s, names %s: a NIC's context names none" % (i, ev, obj))
        elif role and names.setdefault(role, obj) != obj:
            bad.append("record %d, %s, is about %s, not %s (%s)" % (i, ev, obj, names[role], role))
    if len(set(names.values())) != len(names):
        bad.append("two roles name the same object: %s" % sorted(names.items()))
    bad += ["record %d, %s %s, is one too many" % (i, r[0], r[1] or "-")
            for i, r in enumerate(records[len(hops):], len(hops))]
    return bad


def skb_story_problems(records):
    """story_problems() against the skb story, its reply freed after the transmit
    interrupt or by the reclaim timer: [] if either is told exactly."""
    bad = story_problems(records, SKB_HOPS)
    if bad and not story_problems(records, SKB_HOPS_BY_TIMER):
        return []
    return bad


def common_shape(show):
    """@show (a `trace show` answer with a good skb story) with each text timing decides
    written in its common form (TIMING_SHAPES): the transcript docs/tracing.md shows is
    the same whatever the timing of the run that made it."""
    common = {i: text for i, text, _ in TIMING_SHAPES}
    lines, n = [], 0
    for line in show.split("\n"):
        m = RECORD_RE.match(line.rstrip("\r"))
        if m:
            said = parse_show(line)[0][2]
            if n in common and line.rstrip("\r").endswith(said):
                line = line.rstrip("\r")[:len(line.rstrip("\r")) - len(said)] + common[n]
            n += 1
        lines.append(line)
    return "\n".join(lines)


def timing_shape(records):
    """How timing shaped a good skb story: [] if it is the common shape, else the
    differences (lines); raises ValueError for a text no timing explains."""
    odd = []
    by_timer = len(records) == len(SKB_HOPS_BY_TIMER)
    if by_timer:
        odd.append("no record %d, %s: the reclaim timer's poll freed the reply"
                   % (TX_IRQ, SKB_HOPS[TX_IRQ][0]))
    for i, common, others in TIMING_SHAPES:
        if by_timer and i == TX_IRQ:
            continue                # the interrupt whose text this is did not come
        if by_timer and i > TX_IRQ:
            i -= 1                  # one record fewer before it
        text = records[i][2]
        if text == common:
            continue
        if not any(re.fullmatch(o, text) for o in others):
            raise ValueError("record %d, %s, says %r: neither %r nor %s"
                             % (i, records[i][0], text, common, " nor ".join(map(repr, others))))
        odd.append("record %d, %s: %r rather than %r" % (i, records[i][0], text, common))
    return odd


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
    args = (net_checks.nic_args(0, "modern",
                                net_checks.user_netdev(0, [(port, net_checks.ECHO_PORT)]))
            + disk_checks.drive_args(0, img, serial=SCRATCH_SERIAL))
    return net_checks.Guest(opts, name, args), ("127.0.0.1", port), img


def trace_datagram(guest, addr):
    """Trace the first datagram after boot (QEMU's ARP request for the guest comes
    first, and often in the same NAPI poll): (answered, `trace on` answer, `trace show`)."""
    on = guest.cmd("trace on skb port=7") or ""
    answered = net_checks.echo_once(addr, b"hello, trace", timeout=5.0, tries=1)
    # The reply's TX completion comes after the reply left: on a loaded host, a while after.
    for _ in range(20):
        show = guest.cmd("trace show") or ""
        if not answered or "napi_poll_done" in [r[0] for r in parse_show(show)[16:]]:
            break
        time.sleep(0.5)
    guest.cmd("trace off")
    return answered, on, show


def trace_read(guest):
    """Trace `blk read vda 8` (`trace on` starts a new session: no clear first): (the
    read's answer, `trace on` answer, `trace show`)."""
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


# The first datagram's story as the look-behind buffer once told it (a
# learner's walkthrough): the poll before any interrupt, our ARP reply's
# transmit interrupt in the middle, both ring slots' refills.
BROKEN_FIRST_STORY = (["napi_poll", "virtio_net_irq"] + [e for e, _ in SKB_HOPS[2:8]]
                      + ["netdev_alloc_skb"] + [e for e, _ in SKB_HOPS[8:]])


def check_checker(tally):
    """The checkers must refuse wrong stories, or they prove nothing."""
    names = {"in": "skb1", "refill": "skb2", "out": "skb3"}
    good = [(e, names.get(r, ""), "") for e, r in SKB_HOPS]
    swapped = good[:]
    swapped[4], swapped[5] = swapped[5], swapped[4]           # udp before ip
    missing = [r for r in good if r[0] != "arp_output"]
    mixed = [(e, "skb4" if e == "ip_rcv" else o, x) for e, o, x in good]   # another skb's hop
    extra = good[:8] + [("netdev_alloc_skb", "skb4", "")] + good[8:]       # a second refill
    broken = [(e, names["in"] if e in ("virtnet_receive", "eth_type_trans") else "", "")
              for e in BROKEN_FIRST_STORY]
    tally.check(not story_problems(good, SKB_HOPS) and story_problems(swapped, SKB_HOPS)
                and story_problems(missing, SKB_HOPS) and story_problems(mixed, SKB_HOPS)
                and story_problems(extra, SKB_HOPS) and story_problems(broken, SKB_HOPS),
                "the hop-order checker accepts the story and refuses it swapped, cut, mixed, "
                "with a record too many, or as the look-behind buffer once told the first one")
    by_timer = good[:TX_IRQ] + good[TX_IRQ + 1:]
    no_rx_irq = good[1:]
    no_tx_done = [r for i, r in enumerate(by_timer) if i != TX_IRQ + 1]
    tally.check(not skb_story_problems(good) and not skb_story_problems(by_timer)
                and skb_story_problems(no_rx_irq) and skb_story_problems(no_tx_done)
                and skb_story_problems(swapped) and story_problems(by_timer, SKB_HOPS),
                "the skb story is also told with the reply freed by the reclaim timer (no "
                "transmit interrupt), but not without the receive interrupt or the reply's "
                "freeing")
    shaped = [list(r) for r in good]
    for i, common, _ in TIMING_SHAPES:
        shaped[i][2] = common
    other = [r[:] for r in shaped]
    other[8][2] = "did 1"
    wrong = [r[:] for r in shaped]
    wrong[8][2] = "did 3 (2 not followed)"
    try:
        timing_shape(wrong)
        refused = False
    except ValueError:
        refused = True
    text = "".join("[    1.000000] S %-16s eth0   %s  %s\n" % (e, o or "", x) for e, o, x in other)
    made = parse_show(common_shape(text))
    timer_shaped = shaped[:TX_IRQ] + shaped[TX_IRQ + 1:]
    tally.check(not timing_shape(shaped) and timing_shape(other) and refused
                and timing_shape(timer_shaped) and timing_shape(timer_shaped)[0].startswith(
                    "no record %d" % TX_IRQ)
                and made == [tuple(r) for r in shaped] and parse_show(text) != made,
                "the timing-shape checker knows the common shape, tells another timing, "
                "refuses a text no timing explains, and writes another timing in the common form")
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
    """The first UDP echo datagram after boot and one virtio-blk read, traced at the monitor."""
    section("tracing: the first UDP echo datagram and one blk read, every hop in order")
    check_checker(tally)
    guest, addr, img = boot_guest(opts, "trace")
    log = ["log: %s" % guest.log_path]
    try:
        if not tally.check(guest.boot(), "the guest with eth0 and vda reaches the monitor",
                           log + guest.tail()):
            return
        answered, _, show = trace_datagram(guest, addr)
        tally.check(answered, "the echo service answers the first datagram after boot", log)
        recs = parse_show(show)
        bad = skb_story_problems(recs)
        if tally.check(not bad, "trace on skb port=7: exactly the first datagram's %d hops, in "
                       "order (%d records; the reply freed after its transmit interrupt, or "
                       "by the reclaim timer without one)" % (len(SKB_HOPS), len(recs)),
                       log + bad + show.splitlines()[:60]):
            try:
                odd, why = timing_shape(recs), []
            except ValueError as e:
                odd, why = None, [str(e)]
            tally.check(odd is not None, "each of its texts is one the timing of the run explains",
                        log + why)
            if odd:
                print("  ..      this run's timing: %s" % "; ".join(odd), flush=True)
        read, on, show = trace_read(guest)
        tally.check("vda sector 8:" in read, "blk read vda 8 answers", log + read.splitlines()[:5])
        tally.check("records of the last session cleared" in on,
                    "trace on bio after an skb trace says it starts from an empty ring",
                    log + on.splitlines())
        recs = parse_show(show)
        bad = story_problems(recs, BIO_HOPS)
        tally.check(not bad, "trace on bio disk=vda: exactly the read's %d hops, in order, no skb "
                    "record left (%d records)" % (len(BIO_HOPS), len(recs)),
                    log + bad + show.splitlines()[:40])
        bad, answers = user_session_survives(guest)
        tally.check(not bad, "a user's trace session survives `test trace`: every case skips, "
                    "saying why", log + bad + "\n".join(answers).splitlines()[:40])
        perf_checks.check_at_monitor(guest, addr, tally, log)  # the same guest: no boot
    finally:
        guest.close()
        os.unlink(img)


def doc_skb_session(opts, boots=3):
    """The skb session for the docs: (records, `trace on` answer, `trace show` answer), or
    raises for a wrong story.  The page shows the reply freed after its transmit interrupt:
    a story told by the reclaim timer instead (right, but not that page's) boots again, up to
    @boots times."""
    for _ in range(boots):
        guest, addr, img = boot_guest(opts, "docgen-trace-skb")
        try:
            if not guest.boot():
                raise RuntimeError("trace: the guest did not reach the monitor (%s)"
                                   % guest.log_path)
            answered, on, show = trace_datagram(guest, addr)
            recs = parse_show(show)
            bad = (["the echo service did not answer"] if not answered else []) \
                + skb_story_problems(recs)
            if bad:
                raise RuntimeError("trace: the datagram's story is wrong (%s): %s"
                                   % (guest.log_path, "; ".join(bad[:3])))
            if not story_problems(recs, SKB_HOPS):
                return recs, on, show
        finally:
            guest.close()
            os.unlink(img)
    raise RuntimeError("trace: %d boots in a row, the reclaim timer freed the reply (%s)"
                       % (boots, guest.log_path))


def doc_transcript(opts, args):
    """The monitor session docs/tracing.md shows (args["what"]: "skb" or "bio")."""
    what = args.get("what", "skb")
    if what not in ("skb", "bio"):
        raise ValueError("trace: what=%r is not skb or bio" % what)
    if what == "skb":
        recs, on, show = doc_skb_session(opts)
        timing_shape(recs)          # a text that no timing explains is an error, not timing
        return session_text(on) + "(the host sends one datagram to the echo service)\n" \
            + session_text(common_shape(show))
    guest, addr, img = boot_guest(opts, "docgen-trace-" + what)
    try:
        if not guest.boot():
            raise RuntimeError("trace: the guest did not reach the monitor (%s)" % guest.log_path)
        read, on, show = trace_read(guest)
        bad = story_problems(parse_show(show), BIO_HOPS)
        if bad:
            raise RuntimeError("trace: the read's story is wrong (%s): %s"
                               % (guest.log_path, "; ".join(bad[:3])))
        lines = read.replace("\r", "").split("\n")
        read = "\n".join(lines[:3] + ["(... the rest of the sector's hex dump ...)", ""])
        return session_text(on, read, show)
    finally:
        guest.close()
        os.unlink(img)


def main():
    """Standalone: python3 tools/trace_checks.py --build build [--what skb|bio]."""
    opts = qemu.standalone(__doc__.split("\n")[0], lambda ap: ap.add_argument(
        "--what", default="", help="print doc_transcript() for skb or bio only"))
    if opts.what:
        print(doc_transcript(opts, {"what": opts.what}))
        return 0
    tally = qemu.Tally()
    step_trace(opts, tally)
    return tally.summary()


if __name__ == "__main__":
    raise SystemExit(main())
