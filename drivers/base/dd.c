/*
 * SPDX-License-Identifier: MIT
 * drivers/base/dd.c - deferred probe: devices whose probe failed with
 * -ENOMEM during boot, tried again at late_initcall, at most
 * DEFERRED_PROBE_RETRIES times (include/drivers/deferred_probe.h has the
 * contract; docs/boot.md "Booting under faults" the why).
 *
 * The pending list is touched only by kernel_init (the initcalls, one at a
 * time) and by the retries it runs, so deferred_probe_lock only documents
 * and checks that; it is never contended.
 */
#include <drivers/deferred_probe.h>
#include <kernel/boot_report.h>
#include <kernel/init.h>
#include <kernel/mutex.h>
#include <kernel/printk.h>
#include <kernel/time.h>
#include <errno.h>
#include <stdio.h>

#define DEFERRED_PROBE_SLEEP_MS 10 /* before round n: n times this, for memory to come back */
/* A retry may make a device (PCI function -> virtio device) with retries of its own. */
#define DEFERRED_PROBE_ROUNDS	(2 * DEFERRED_PROBE_RETRIES)

static DEFINE_MUTEX(deferred_probe_lock);
static LIST_HEAD(deferred_probe_pending_list); /* 3.10's name */
static bool deferred_probe_done;	       /* the retries ran: no more queueing */

bool driver_deferred_probe_add(struct deferred_probe *dp, const char *name, int err,
			       int (*retry)(struct deferred_probe *dp))
{
	bool queued = false;

	mutex_lock(&deferred_probe_lock);
	if (dp->queued) {
		queued = true;
	} else if (!deferred_probe_done && dp->retries < DEFERRED_PROBE_RETRIES) {
		if (!dp->retries && !dp->report) {
			/* The first failure: the report's entry, its outcome set by the retries. */
			dp->first_err = err;
			snprintf(dp->name, sizeof(dp->name), "%s", name);
			dp->report = boot_degraded("%s probe failed (%d)", name, err);
			boot_degraded_outcome(dp->report, "to be retried");
		}
		dp->retry = retry;
		dp->queued = true;
		list_add_tail(&dp->node, &deferred_probe_pending_list);
		queued = true;
	}
	mutex_unlock(&deferred_probe_lock);
	return queued;
}

void driver_deferred_probe_del(struct deferred_probe *dp)
{
	mutex_lock(&deferred_probe_lock);
	if (dp->queued) {
		list_del(&dp->node);
		dp->queued = false;
	}
	mutex_unlock(&deferred_probe_lock);
}

bool driver_deferred_probe_closed(void)
{
	return READ_ONCE(deferred_probe_done);
}

/* The first queued device, off the list; NULL when none is left. */
static struct deferred_probe *deferred_probe_next(struct list_head *round)
{
	struct deferred_probe *dp = NULL;

	mutex_lock(&deferred_probe_lock);
	if (!list_empty(round)) {
		dp = list_first_entry(round, struct deferred_probe, node);
		list_del(&dp->node);
		dp->queued = false;
	}
	mutex_unlock(&deferred_probe_lock);
	return dp;
}

static void deferred_probe_give_up(struct deferred_probe *dp, int err)
{
	pr_err("%s: probe failed again (%d) on retry %u; given up\n", dp->name, err, dp->retries);
	boot_degraded_outcome(dp->report, "given up after %u retr%s (%d)", dp->retries,
			      dp->retries == 1 ? "y" : "ies", err);
}

/* One retry of @dp; the lock is not held: the retry probes, and may queue it again. */
static void deferred_probe_one(struct deferred_probe *dp)
{
	int err;

	dp->retries++;
	err = dp->retry(dp);
	if (!err) {
		pr_info("%s: bound on retry %u\n", dp->name, dp->retries);
		boot_degraded_outcome(dp->report, "bound on retry %u", dp->retries);
	} else if (!dp->queued) {
		deferred_probe_give_up(dp, err);
	}
}

/* The retries, round after round, until none is pending or the rounds are over. */
static int deferred_probe_initcall(void)
{
	LIST_HEAD(round);
	struct deferred_probe *dp;

	for (unsigned int n = 1; n <= DEFERRED_PROBE_ROUNDS; n++) {
		mutex_lock(&deferred_probe_lock);
		list_splice_init(&deferred_probe_pending_list, &round);
		mutex_unlock(&deferred_probe_lock);
		if (list_empty(&round))
			break;
		msleep(n * DEFERRED_PROBE_SLEEP_MS);
		while ((dp = deferred_probe_next(&round)))
			deferred_probe_one(dp);
	}
	mutex_lock(&deferred_probe_lock);
	deferred_probe_done = true;
	/* Nothing is left, unless the rounds ran out: those are given up. */
	list_splice_init(&deferred_probe_pending_list, &round);
	mutex_unlock(&deferred_probe_lock);
	while ((dp = deferred_probe_next(&round)))
		deferred_probe_give_up(dp, dp->first_err);
	return 0;
}
/* 3.10's deferred_probe_initcall is a late_initcall too: after every driver registered. */
late_initcall(deferred_probe_initcall);
