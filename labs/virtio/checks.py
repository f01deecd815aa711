# SPDX-License-Identifier: MIT
"""labs/virtio/checks.py - the virtio lab's host checks (tools/grade.py calls them).

Each builds tests/host/test_virtio_ring.c with the student's vring_buf.c (VRING_BUF_SRC) under
ASan/UBSan, once per grading, and runs the part's cases, each part in a process of its own
(HTEST_ONLY): a crash or a hang costs only that part.  The simulated device
(tests/host/virtio_sim.c) checks every chain it takes; the hostile cases write bad used
entries by hand.
"""

import hashlib
import os
import re
import subprocess

TIMEOUT = 120
_built = {}


def _binary(lab):
    """Build the host test against the graded file (once); (path, None) or (None, problems)."""
    src = lab.replaced("drivers/virtio/vring_buf.c")
    key = (src, os.path.getmtime(src) if os.path.exists(src) else 0)
    if key in _built:
        return _built[key]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    # One build directory per graded file: grading several in one process never mixes them.
    out = os.path.join(lab.logdir, "host-virtio-" + hashlib.sha1(src.encode()).hexdigest()[:8])
    binary = os.path.join(out, "test_virtio_ring")
    env = dict(os.environ)
    for k in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES"):
        env.pop(k, None)
    r = subprocess.run(["make", "-s", "--no-print-directory", "-B", "-C",
                        os.path.join(root, "tests", "host"), "BUILD=" + out,
                        "VRING_BUF_SRC=" + src, binary], env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode:
        lines = r.stdout.decode("utf-8", "replace").splitlines()
        _built[key] = None, ["the host test does not build with %s:" % src] + \
            ([line for line in lines if "error" in line] or lines[-5:])[:5]
    else:
        _built[key] = binary, None
    return _built[key]


def _run(lab, tests):
    """Run @tests of the host test; the problems (empty: every one passed)."""
    binary, problems = _binary(lab)
    if problems:
        return problems
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=0",
               UBSAN_OPTIONS="print_stacktrace=1", HTEST_ONLY=",".join(tests))
    try:
        r = subprocess.run([binary], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=TIMEOUT)
        out = r.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        r, out = None, (e.stdout or b"").decode("utf-8", "replace")
    with open(binary + "-%s.log" % tests[0], "w") as f:
        f.write(out)
    lines = out.splitlines()
    problems, checks = [], []
    for line in lines:
        m = re.match(r"(not )?ok \d+ - (\S+)", line)
        if not m:
            if line.startswith("# ") and "CHECK failed" in line:
                checks.append(line[2:])
            continue
        if m.group(1):
            problems.append("host %s: %s" % (m.group(2), checks[0] if checks else "failed"))
        checks = []
    seen = {m.group(1) for m in re.finditer(r"^(?:not )?ok \d+ - (\S+)", out, re.M)}
    report = re.search(r"(ERROR: \w+Sanitizer[^\n]*|runtime error[^\n]*)", out)
    for t in tests:
        if t in seen:
            continue
        if r is None:
            problems.append("host %s: still running after %d s" % (t, TIMEOUT))
        elif report:
            problems.append("host %s: %s" % (t, report.group(1).strip()))
        else:
            problems.append("host %s: no result (exit status %d)" % (t, r.returncode))
        break  # the ones after it never ran: one line says it
    return problems


def host_add(lab):
    """virtqueue_add's contract: -EINVAL for empty, oversized or tokenless chains, -ENOSPC when
    full, one descriptor per indirect chain and a direct chain when the table cannot be had,
    kicks that follow NO_NOTIFY and avail_event, every token back after a reset."""
    return _run(lab, ["add_rejects_empty_oversized_and_tokenless",
                      "indirect_takes_one_descriptor_and_falls_back_when_kmalloc_fails",
                      "kick_follows_no_notify_without_event_idx",
                      "kick_follows_avail_event_with_event_idx",
                      "detach_unused_returns_every_token_once"])


def host_random(lab):
    """Long random runs (indirect and EVENT_IDX on and off, rings of 2 to 256) against a model:
    every buffer back once, in used order, with its length and the device's bytes; no lost
    kick, no lost interrupt; free descriptors counted exactly; nothing leaked."""
    return _run(lab, ["random_direct_no_event", "random_indirect_no_event",
                      "random_direct_event_idx", "random_indirect_event_idx",
                      "random_tiny_ring", "random_big_ring",
                      "disable_cb_suppresses_and_enable_cb_reports_pending",
                      "enable_cb_delayed_waits_for_three_quarters"])


def host_hostile(lab):
    """A device that writes used ids out of range or not in flight, lengths past the buffer,
    an index that jumps, garbage, and scribbles on the descriptor table: each counted,
    dropped (or the queue broken), never a wrong token, never a crash."""
    return _run(lab, ["hostile_used_id_out_of_range_is_counted_and_dropped",
                      "hostile_used_id_not_in_flight_is_counted_and_dropped",
                      "hostile_used_len_past_buffer_returns_token_with_zero",
                      "hostile_used_idx_jump_breaks_the_queue",
                      "hostile_garbage_storm_never_returns_a_wrong_token",
                      "descriptor_table_scribbles_do_not_matter"])
