/*
 * SPDX-License-Identifier: MIT
 * kernel/boot_report.c - the report of what degraded during boot
 * (kernel/boot_report.h has the contract), and the monitor's `boot`.
 *
 * A fixed table under a spinlock with interrupts off: entries are added by
 * kernel_init's initcalls and outcomes set from softirqs (a refill), on
 * any CPU.  The text is formatted into the table, never allocated: the
 * report has to work on the boots where allocations fail.
 */
#include <kernel/boot_report.h>
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <stdarg.h>
#include <stdio.h>

static struct boot_entry {
	char what[BOOT_REPORT_LEN];    /* "virtio1: virtio-blk probe failed (-12)" */
	char outcome[BOOT_REPORT_LEN]; /* "bound on retry 2", or "" */
} entries[BOOT_REPORT_MAX];
static unsigned int nr_degraded; /* recorded, kept or not */
static bool report_closed;	 /* boot_report() ran: no more entries */
static DEFINE_SPINLOCK(report_lock);

int boot_degraded(const char *fmt, ...)
{
	unsigned long flags;
	va_list ap;
	int id = 0;

	spin_lock_irqsave(&report_lock, flags);
	if (!report_closed) {
		if (nr_degraded < BOOT_REPORT_MAX) {
			va_start(ap, fmt);
			vsnprintf(entries[nr_degraded].what, BOOT_REPORT_LEN, fmt, ap);
			va_end(ap);
			entries[nr_degraded].outcome[0] = '\0';
			id = nr_degraded + 1;
		}
		nr_degraded++;
	}
	spin_unlock_irqrestore(&report_lock, flags);
	return id;
}

void boot_degraded_outcome(int id, const char *fmt, ...)
{
	unsigned long flags;
	va_list ap;

	if (id <= 0 || id > BOOT_REPORT_MAX)
		return;
	spin_lock_irqsave(&report_lock, flags);
	va_start(ap, fmt);
	vsnprintf(entries[id - 1].outcome, BOOT_REPORT_LEN, fmt, ap);
	va_end(ap);
	spin_unlock_irqrestore(&report_lock, flags);
}

unsigned int boot_degraded_count(void)
{
	return READ_ONCE(nr_degraded);
}

bool boot_in_progress(void)
{
	return !READ_ONCE(report_closed);
}

/* Entry @i as one line into @buf (under report_lock: an outcome may be changing). */
static void format_entry(unsigned int i, char *buf, size_t size)
{
	unsigned long flags;

	spin_lock_irqsave(&report_lock, flags);
	snprintf(buf, size, "boot: degraded: %s%s%s", entries[i].what,
		 entries[i].outcome[0] ? "; " : "", entries[i].outcome);
	spin_unlock_irqrestore(&report_lock, flags);
}

/* Every entry, one line each (printk, so also in dmesg); @quiet: nothing if none. */
static void print_report(bool quiet)
{
	unsigned int n = boot_degraded_count(), kept = n < BOOT_REPORT_MAX ? n : BOOT_REPORT_MAX;
	char line[2 * BOOT_REPORT_LEN + 24];

	if (!n && !quiet)
		printk("boot: nothing degraded\n");
	for (unsigned int i = 0; i < kept; i++) {
		format_entry(i, line, sizeof(line));
		printk("%s\n", line);
	}
	if (n > kept)
		printk("boot: degraded: and %u more, not kept (see the log above)\n", n - kept);
}

void boot_report(void)
{
	unsigned long flags;

	spin_lock_irqsave(&report_lock, flags);
	report_closed = true;
	spin_unlock_irqrestore(&report_lock, flags);
	print_report(true); /* a boot where all went well prints nothing */
}

/* 3.10 panics when an essential step fails once; we try up to 10 times: docs/linux-3.10.md */
void boot_essential_retried(const char *what, int err, unsigned int tries, bool done)
{
	unsigned int failed = done ? tries - 1 : tries;

	if (!failed)
		return;
	pr_warn("%s: failed (%d) %u time%s, then %s (essential: retried)\n", what, err, failed,
		failed == 1 ? "" : "s", done ? "done" : "given up");
	if (done)
		boot_degraded("%s: failed (%d) %u time%s, then done", what, err, failed,
			      failed == 1 ? "" : "s");
}

static int cmd_boot(int argc, char **argv)
{
	print_report(false);
	return 0;
}
MONITOR_CMD(boot, "boot",
	    "what degraded during boot (failed initcalls, probes retried, short rings)", cmd_boot);
