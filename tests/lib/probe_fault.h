/*
 * SPDX-License-Identifier: MIT
 * tests/lib/probe_fault.h - a virtio driver's probe with each of its
 * allocations failing in turn (tests/lib/probe_fault.c): the virtio-blk and
 * virtio-net suites' "nothing leaks" cases.
 */
#ifndef TESTS_PROBE_FAULT_H
#define TESTS_PROBE_FAULT_H

#include <drivers/virtio.h>
#include <kernel/ktest.h>
#include <mm/fault_inject.h>

struct probe_fault_run {
	unsigned long nth;   /* the last nth tried: the probe took no failure there */
	unsigned int hit;    /* binds with a failure injected */
	unsigned int failed; /* of those, probes that failed (cleanly: checked) */
	int err;	     /* the last bind's result */
};

/*
 * probe_failing_in_turn - bind @vdev with the nth eligible allocation of
 * @attr failing, for nth = 1, 2, ... until a bind takes no failure, or
 * @enough (may be NULL) says, after a bind that survived its failure, that
 * the rest would be more of the same.  Each failed bind must be -ENOMEM and
 * leave @vdev unbound (a ktest failure otherwise); @attr is reset after
 * each.  The caller's harness then finds every page and slab object of the
 * failed tries freed.  Context: process, @vdev a test's scratch device.
 */
struct probe_fault_run probe_failing_in_turn(struct ktest *t, struct virtio_device *vdev,
					     struct fault_attr *attr,
					     bool (*enough)(struct virtio_device *vdev));

#endif
