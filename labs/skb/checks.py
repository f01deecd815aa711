# SPDX-License-Identifier: MIT
"""labs/skb/checks.py - the skb lab's host check (tools/grade.py calls it)."""

# Each panic case of tests/net/test_skb_data.c, booted alone, and what its panic line must
# say: the report (skb_over_panic or skb_under_panic), the caller (the test function, from
# __builtin_return_address(0) in skb_put or skb_push), and the skb as the caller left it
# (checked before anything moved).
PANICS = [
    ("skb_data_test_put_past_end_panics", "skb_over_panic",
     ["len:0 put:241 ", " tail:0x10 end:0x100 "]),
    ("skb_data_test_put_that_would_wrap_panics_with_the_tail_as_it_was", "skb_over_panic",
     ["len:8 put:4294967240 ", " tail:0x38 end:0x100 "]),
    ("skb_data_test_push_past_head_panics", "skb_under_panic",
     ["len:4 put:11 ", " tail:0xe end:0x100 "]),
]


def put_and_push_past_the_buffer_panic(lab):
    """skb_put past end and skb_push past head panic with 3.10's report, naming the caller,
    before they move anything (a put so big that tail would wrap round included)."""
    problems = []
    for case, report, fields in PANICS:
        text = lab.boot("test=skb_data." + case)
        line = next((l for l in text.splitlines() if l.startswith("Kernel panic")), None)
        if line is None:
            problems.append("%s: the kernel did not panic" % case)
            continue
        want = ["%s: text:%s+" % (report, case)] + fields
        missing = [w.strip() for w in want if w not in line]
        if missing:
            problems.append("%s: the panic line lacks %s: %s"
                            % (case, ", ".join(repr(m) for m in missing), line.strip()))
    return problems
