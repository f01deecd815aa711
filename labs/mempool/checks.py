# SPDX-License-Identifier: MIT
"""labs/mempool/checks.py - the mempool lab's host check: the bio-chain deadlock of
blk_make_request(9) reproduced at the monitor with the student's mempool_alloc, and the
diagnosis read back (labs/mempool/README.md, step 6)."""

import re

DIAGNOSIS = ("mempool_alloc: deadlock: pool 'bio-chain' is empty and all 2 outstanding "
             "elements are held by {holder}")


def _reply(pairs, line, nth=0):
    """The reply to the @nth typing of @line ('' if it never came back)."""
    found = [reply for typed, reply in pairs if typed == line]
    return found[nth] if len(found) > nth else ""


def _objects(memcheck):
    m = re.search(r"objects (\d+)", memcheck)
    return int(m.group(1)) if m else None


def seed_deadlock_at_the_monitor(lab):
    """`blk chain 3 all`: two bios from a bio set of 2 held, the third asked for with
    __GFP_WAIT while the slab fails.  The pool must name the deadlock and its holder (the
    monitor's own thread, as `ps` shows it) and return NULL instead of hanging;
    `blk chain 3 first` (__GFP_WAIT for the first bio only) must stop short without a
    deadlock; and nothing may leak."""
    # memcheck settled: the listening services each hold their next accept's socket once they run.
    lines = ["ps", "memcheck", "blk chain 3 all", "blk chain 3 first", "memcheck"]
    pairs = lab.monitor(lines, settle=("memcheck",))
    problems = []

    ps = _reply(pairs, "ps")
    m = re.search(r"^\s*(\d+)\s+\S+\s+\d+\s+\d+\s+(\S+) \(current\)", ps, re.M)
    if not m:
        return ["`ps` did not show the monitor's thread (marked '(current)'):\n" + ps]
    holder = "%s/%s" % (m.group(2), m.group(1))

    chain = _reply(pairs, "blk chain 3 all")
    if DIAGNOSIS.format(holder=holder) not in chain:
        problems.append("`blk chain 3 all` printed no line \"%s (...)\" (%s is the monitor's "
                        "thread, in `ps`)" % (DIAGNOSIS.format(holder=holder), holder))
    if "blk chain: bio 2 (GFP_NOIO): NULL" not in chain:
        problems.append("`blk chain 3 all`: the third bio_alloc did not return NULL")
    if "2 of 3 bios; deadlocks diagnosed: 1" not in chain:
        problems.append("`blk chain 3 all`: expected two bios from the reserve and one "
                        "deadlock counted in mempool_deadlocks")

    first = _reply(pairs, "blk chain 3 first")
    if "deadlock" in first:
        problems.append("`blk chain 3 first` reported a deadlock, but only its first bio may "
                        "sleep: a GFP_NOWAIT caller gets NULL at once")
    if "2 of 3 bios: submit these" not in first:
        problems.append("`blk chain 3 first`: expected two bios from the reserve, then NULL "
                        "for the third")

    before, after = _objects(_reply(pairs, "memcheck", 0)), _objects(_reply(pairs, "memcheck", 1))
    if before is None or after is None:
        problems.append("`memcheck` did not answer")
    elif before != after:
        problems.append("slab objects before the chains %d, after %d: a bio or an owner "
                        "record leaked" % (before, after))
    return problems
