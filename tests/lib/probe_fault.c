/*
 * SPDX-License-Identifier: MIT
 * tests/lib/probe_fault.c - a probe with each allocation failing in turn
 * (the contract: tests/lib/probe_fault.h).
 */
#include <drivers/virtio.h>
#include <errno.h>
#include "probe_fault.h"

struct probe_fault_run probe_failing_in_turn(struct ktest *t, struct virtio_device *vdev,
					     struct fault_attr *attr,
					     bool (*enough)(struct virtio_device *vdev))
{
	struct probe_fault_run run = { .err = -ENOMEM };

	for (run.nth = 1; run.nth < 1000; run.nth++) {
		unsigned long injected;

		virtio_device_release_driver(vdev);
		fault_attr_reset(attr);
		attr->ignore_gfp_wait = false;
		attr->min_order = 0;
		attr->nth = run.nth;
		run.err = virtio_device_attach(vdev);
		injected = attr->failures;
		fault_attr_reset(attr);
		if (run.err) {
			EXPECT_EQ(t, run.err, -ENOMEM);
			EXPECT_NULL(t, vdev->driver);
			run.failed++;
		}
		if (!injected)
			break; /* past the probe's last allocation */
		run.hit++;
		if (!run.err && enough && enough(vdev))
			break;
	}
	return run;
}
