/*
 * SPDX-License-Identifier: MIT
 * drivers/deferred_probe.h - a probe that failed for want of memory at
 * boot is tried again later in boot, a bounded number of times
 * (drivers/base/dd.c).
 *
 * A bus embeds a struct deferred_probe in its device and, when binding a
 * driver fails with -ENOMEM during boot, queues it:
 *
 *   if (err == -ENOMEM && driver_deferred_probe_add(&dev->deferred, name, err, retry_fn))
 *           ... tried again later; say so, keep the device unbound ...
 *
 * At late_initcall, deferred_probe_initcall calls @retry (the bus's
 * "offer the device to its drivers again") for each queued device, up to
 * DEFERRED_PROBE_RETRIES times with a short sleep before each round; a
 * retry that fails with -ENOMEM again queues the device again.  Devices a
 * retry makes (a PCI function's virtio device) are queued and retried in
 * the next rounds.  Each device gets one entry in the boot report
 * (kernel/boot_report.h): "virtio1: virtio-blk probe failed (-12); bound on
 * retry 2", or "...; given up after 3 retries (-12)".
 *
 * 3.10's deferred probe (drivers/base/dd.c) retries only -EPROBE_DEFER,
 * whenever another driver binds, with no limit; this one retries -ENOMEM,
 * at late_initcall, at most three times (docs/linux-3.10.md).  Once that
 * initcall has run, driver_deferred_probe_add() refuses: a probe failing
 * at run time is the caller's to report.
 *
 * Context: thread, during boot (kernel_init's initcalls run one at a time).
 */
#ifndef DRIVERS_DEFERRED_PROBE_H
#define DRIVERS_DEFERRED_PROBE_H

#include <kernel/list.h>
#include <kernel/types.h>

#define DEFERRED_PROBE_RETRIES 3

struct deferred_probe {
	struct list_head node;			 /* on the pending list while queued */
	bool queued;				 /* on it now */
	int (*retry)(struct deferred_probe *dp); /* the bus's: 0 bound, or -errno */
	unsigned int retries;			 /* retries done so far */
	int first_err;				 /* the failure that queued it */
	int report;				 /* its boot report entry (0: none) */
	char name[40];				 /* "virtio1: virtio-blk", for the log */
};

/*
 * Queue @dp (whose probe failed with @err) for a retry; @name ("virtio1:
 * virtio-blk") names it in the boot report.  True if queued (or queued
 * already); false if retries are over for it or for the boot.
 */
bool driver_deferred_probe_add(struct deferred_probe *dp, const char *name, int err,
			       int (*retry)(struct deferred_probe *dp));
/* Take @dp off the queue (its device goes away). */
void driver_deferred_probe_del(struct deferred_probe *dp);
/* True once the retries are done: nothing more is queued. */
bool driver_deferred_probe_closed(void);

#endif
