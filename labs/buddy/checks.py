# SPDX-License-Identifier: MIT
"""labs/buddy/checks.py - the buddy lab's host check (tools/grade.py calls it)."""


def host_model(lab):
    """tests/host/test_buddy.c with the student's buddy.c: mm/page_alloc.c on the host under
    ASan/UBSan, long random sequences of allocations and frees checked against a model,
    and at the end the free lists merged back to exactly what they were."""
    return lab.host_test("test_buddy", BUDDY_SRC=lab.replaced("mm/buddy.c"))
