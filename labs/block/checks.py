# SPDX-License-Identifier: MIT
"""labs/block/checks.py - the block lab's host checks (tools/grade.py calls them).

host_model builds tests/host/test_bio.c with the student's blk-chain.c (BLK_CHAIN_SRC) under
ASan/UBSan and runs its model cases: thousands of random bios and chains through
bio_add_page and blk_make_request, on fake allocators that fail on demand, every byte
and every object accounted for.  disk_byte_for_byte is make test's step "disk" against the
lab's kernel: the host writes a pattern into a fresh virtio-blk image, the guest reads and
checks it, writes its own, and the host compares the image byte for byte.
"""

import os
import re
import subprocess

TIMEOUT = 120
MODEL_CASES = ["add_page_matches_a_model_of_the_limits", "random_chains_through_blk_make_request",
               "submit_bio_checks_and_bounced_read_in_pieces", "issue_rw_completes_under_failures",
               "gfp_wait_beyond_the_first_bio_is_a_diagnosed_deadlock"]


def _host(lab, name, var, src, tests):
    """Build tests/host/@name with @var=@src, run @tests (HTEST_ONLY), return the problems."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = os.path.join(lab.logdir, "host-" + lab.lab["name"])
    binary = os.path.join(out, name)
    env = dict(os.environ)
    for k in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES"):
        env.pop(k, None)
    r = subprocess.run(["make", "-s", "--no-print-directory", "-B", "-C",
                        os.path.join(root, "tests", "host"), "BUILD=" + out, "%s=%s" % (var, src),
                        binary], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    if r.returncode:
        lines = r.stdout.decode("utf-8", "replace").splitlines()
        return ["the host test %s does not build with %s:" % (name, src)] + \
            ([line for line in lines if "error" in line] or lines[-5:])[:5]
    env.update(ASAN_OPTIONS="detect_leaks=1:abort_on_error=0",
               UBSAN_OPTIONS="print_stacktrace=1", HTEST_ONLY=",".join(tests))
    try:
        r = subprocess.run([binary], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=TIMEOUT)
        text = r.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        r, text = None, (e.stdout or b"").decode("utf-8", "replace")
    with open(binary + ".log", "w") as f:
        f.write(text)
    problems, checks, seen = [], [], set()
    for line in text.splitlines():
        m = re.match(r"(not )?ok \d+ - (\S+)", line)
        if not m:
            if line.startswith("# ") and "CHECK failed" in line:
                checks.append(line[2:])
            continue
        seen.add(m.group(2))
        if m.group(1) and m.group(2) in tests:
            problems.append("host %s: %s" % (m.group(2), checks[0] if checks else "failed"))
        checks = []
    report = re.search(r"(ERROR: \w+Sanitizer[^\n]*|runtime error[^\n]*)", text)
    missing = [t for t in tests if t not in seen]
    if missing:
        why = ("still running after %d s" % TIMEOUT if r is None else
               report.group(1).strip() if report else "no result (exit status %d)" % r.returncode)
        problems.append("host %s: %s" % (missing[0], why))
    return problems


def host_model(lab):
    """tests/host/test_bio.c's model cases with the student's blk-chain.c: bio_add_page
    against a model of the limits, random chains through blk_make_request (bouncing,
    mixed directions, failing allocations: the chain back intact or the right bytes moved,
    each bio ended once), blkdev_issue_rw under failures; nothing leaked."""
    return _host(lab, "test_bio", "BLK_CHAIN_SRC", lab.replaced("block/blk-chain.c"),
                 MODEL_CASES)


def disk_byte_for_byte(lab):
    """make test's step "disk" (tools/disk_checks.py) on the lab's kernel, on one CPU and on
    four: the guest reads the host's pattern from a virtio-blk disk through bios it builds
    with bio_add_page, writes its own, and the image must hold exactly both."""
    passed, failed, failures = lab.step("disk")
    if failed or not passed:
        return ["disk: %s" % f for f in failures] or ["disk: no check ran"]
    return []
