/*
 * SPDX-License-Identifier: MIT
 * kernel/boot_report.h - what degraded during boot, in one place.
 *
 * A boot goes on when a step fails (an initcall, a device's probe, a ring
 * that could not be filled): each such step says so in its own log line,
 * and also records one entry here.  At the end of boot, just before the
 * prompt (or the tests), kernel_init prints the entries, one line each:
 *
 *   boot: degraded: initcall ramdisk_boot_init returned -12
 *   boot: degraded: virtio1: virtio-blk probe failed (-12); bound on retry 2
 *   boot: degraded: eth0: RX ring 17/256 at open; refilled
 *
 * and nothing when nothing degraded.  The monitor's `boot` prints them
 * again ("boot: nothing degraded" when there are none), with the outcomes
 * as they are now: a ring refilled after the prompt shows it there.
 *
 *   id = boot_degraded("eth0: RX ring %u/%u at open", ...);
 *   ...
 *   boot_degraded_outcome(id, "refilled");  -> "...; refilled"
 *
 * Entries are recorded only until the report is printed (boot_report());
 * later, boot_degraded() returns 0 and records nothing: what fails at run
 * time is not the boot's.  Nothing here allocates: the entries are a
 * fixed table, so the report works when memory does not.  Any context
 * (outcomes come from softirqs); the text is cut at BOOT_REPORT_LEN.
 */
#ifndef KERNEL_BOOT_REPORT_H
#define KERNEL_BOOT_REPORT_H

#include <kernel/compiler.h>
#include <kernel/types.h>

#define BOOT_REPORT_MAX 32 /* entries; more are counted, not kept */
#define BOOT_REPORT_LEN 96 /* bytes of one entry's text, and of its outcome */

/* Record a step that degraded.  Its id (> 0) for an outcome, or 0 if not recorded. */
__printf(1, 2) int boot_degraded(const char *fmt, ...);
/* Set (or replace) entry @id's outcome; @id 0 is ignored. */
__printf(2, 3) void boot_degraded_outcome(int id, const char *fmt, ...);
/* How many steps degraded (kept or not). */
unsigned int boot_degraded_count(void);
/* The end of boot: print the entries and stop recording. */
void boot_report(void);
/* True until boot_report() ran. */
bool boot_in_progress(void);

/*
 * A step the kernel cannot run without (the init thread, a CPU's ksoftirqd,
 * a SLAB_PANIC cache, fs_bio_set, the IST stacks) is tried up to
 * BOOT_ESSENTIAL_TRIES times before the kernel panics; 3.10 panics at the
 * first failure (docs/linux-3.10.md).  The caller loops; this logs and
 * reports a step that needed more than one try (@tries, the last failure
 * @err), whether it then worked (@done) or not (the caller panics next):
 *
 *   smpboot: ksoftirqd/1: failed (-12) 2 times, then done (essential: retried)
 */
#define BOOT_ESSENTIAL_TRIES 10
void boot_essential_retried(const char *what, int err, unsigned int tries, bool done);

#endif
