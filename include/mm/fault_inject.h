/*
 * SPDX-License-Identifier: MIT
 * mm/fault_inject.h - making allocations fail on purpose, as Linux's
 * fault-injection framework (Documentation/fault-injection/).
 *
 * Two attributes, each configured like Linux's debugfs knobs:
 *
 *   fail_page_alloc   page allocator (alloc_pages and everything on it)
 *   failslab          slab allocator (kmem_cache_alloc, kmalloc)
 *
 *   probability   percent of candidate calls that fail (0-100; 0 = off)
 *   interval      only every interval-th call is a candidate (1 = any)
 *   times         how many failures at most (-1 = no limit, 0 = no more)
 *   space         this many bytes of eligible calls pass first
 *   ignore_gfp_wait  calls that may sleep (__GFP_WAIT) never fail
 *   min_order     (fail_page_alloc) smaller orders never fail
 *   nth           fail exactly the nth eligible call from now (0 = off)
 *
 * How one call is judged, in this order (Linux's should_fail()):
 *
 *   filters     order < min_order, or __GFP_WAIT with ignore_gfp_wait, or
 *               the task or cache filter (below) leaves the call out:
 *               not eligible, passes, is not counted anywhere
 *   nth         if set: count down; the call that brings it to 0 fails
 *               (whatever probability and times say), the others pass
 *   probability 0: passes
 *   times       0: passes
 *   space       if space > size: space -= size, passes
 *   interval    if > 1: only every interval-th call goes on
 *   dice        fails with probability percent (a seeded PRNG)
 *   failing     prints "FAULT_INJECTION: forcing a failure." (rate-limited,
 *               not with __GFP_NOWARN); times -= 1 unless it is -1; the
 *               failure is counted at its call site (fault stats)
 *
 * Defaults are Linux's, and two of them surprise people: times is 1 (one
 * failure, then nothing), and ignore_gfp_wait is on (GFP_KERNEL callers
 * never fail), with min_order 1 for pages (single pages never fail).  So a
 * test that wants "every allocation fails" says so in full:
 *
 *   fault_attr_parse(&failslab, "1,100,0,-1");  // interval,prob,space,times
 *   failslab.ignore_gfp_wait = false;
 *   ... allocations fail ...
 *   fault_attr_reset(&failslab);                 // off again, defaults back
 *
 * From the kernel command line, as Linux: "fail_page_alloc=<interval>,
 * <probability>,<space>,<times>" and "failslab=...", plus
 * "fail_page_alloc.ignore_gfp_wait=0", "fail_page_alloc.min_order=0",
 * "failslab.ignore_gfp_wait=0", "fail_page_alloc.nth=N", "failslab.nth=N".
 * A bad value is reported and left off; it never stops the boot.
 *
 * failslab is built in with FAILSLAB=y, the default (3.10's CONFIG_FAILSLAB);
 * make bench builds FAILSLAB=n, where should_failslab() always says no, the
 * slab fast path does not look, and failslab= is refused.
 *
 * At run time the monitor's `fault` command shows and sets every knob
 * (fault_attr_configure() is its parser and setter), turns both off
 * (fault_inject_off), counts the injected failures by call site (fault
 * stats) and reseeds the dice; "fault_seed=N" does that at boot.
 *
 * Two filters, as Linux's task-filter and cache-filter, narrow what is
 * judged (a call they exclude passes and is not counted):
 *
 *   task_pid      nonzero: only that thread's allocations, never one in an
 *                 interrupt (Linux: task-filter + /proc/<pid>/make-it-fail)
 *   cache_name    failslab, nonempty: only that kmem_cache's allocations
 *                 (Linux: cache-filter + the cache's SLAB_FAILSLAB flag)
 *
 * Differences from Linux: space counts bytes for pages too (Linux counts
 * pages there); nth belongs to the attribute, not to the task (Linux's
 * /proc/<pid>/fail-nth); the filters name a pid and a cache instead of
 * per-task and per-cache flags; there is no stacktrace filter; the
 * call-site statistics and the seed are ours.  The PRNG is seedable
 * (fault_inject_seed) so a test run is reproducible.
 */
#ifndef MM_FAULT_INJECT_H
#define MM_FAULT_INJECT_H

#include <kernel/compiler.h>
#include <mm/gfp.h>
#include <kernel/printk.h>
#include <kernel/types.h>
#include <sys/types.h>

struct kmem_cache;

struct fault_attr {
	/*
	 * The two knobs that arm the attribute share one word, armed, so that
	 * the allocators' fast paths test both with one compare.
	 */
	/* 3.10: an unsigned long probability, no nth; ours two u32s: docs/linux-3.10.md */
	union {
		struct {
			unsigned int probability; /* percent */
			unsigned int nth; /* fail the nth eligible call (counts down); 0: off */
		};
		u64 armed; /* nonzero while probability or nth is */
	};
	unsigned long interval;
	long times;	     /* failures left; -1: unlimited */
	unsigned long space; /* bytes to let through first */
	bool ignore_gfp_wait;
	unsigned int min_order;
	/* filters (0, "": off) */
	/* 3.10: make-it-fail per task, SLAB_FAILSLAB per cache; ours: docs/linux-3.10.md */
	int task_pid;	     /* judge only this thread's calls, none in interrupts */
	char cache_name[32]; /* failslab: judge only this kmem_cache (SLAB_NAME_LEN) */
	/* counters */
	unsigned long calls;	/* eligible calls seen while armed (probability or nth) */
	unsigned long failures; /* failures injected */
	/* internals */
	const char *name;		  /* "failslab", "fail_page_alloc": for the message */
	unsigned long count;		  /* calls that reached the interval test */
	struct ratelimit_state ratelimit; /* of the "forcing a failure" line */
};

extern struct fault_attr fail_page_alloc;
extern struct fault_attr failslab;

/*
 * true if @attr could make anything fail (probability or nth set): the
 * allocators' fast paths test only this, one load of the shared word.
 */
static inline bool fault_attr_armed(const struct fault_attr *attr)
{
	return READ_ONCE(attr->armed) != 0;
}

/*
 * Called by the page allocator: true if this allocation must fail.  @caller:
 * the return address into the function that called the allocator's entry
 * point (_RET_IP_ there), for the call-site statistics.  Context: any.
 */
bool should_fail_alloc_page(gfp_t gfp, unsigned int order, unsigned long caller);
/* Called by the slab allocator: true if this allocation must fail.  @caller: as above. */
bool should_failslab(struct kmem_cache *s, gfp_t gfp, unsigned long caller);

/*
 * should_fail - the common judgement (the table above, after the filters)
 * for a call of @size bytes.  Prints the failure line.  Returns true if the
 * call must fail (counted in the call-site statistics under our caller).
 * Context: any (interrupts are held off while @attr is updated).
 */
bool should_fail(struct fault_attr *attr, ssize_t size);

/*
 * fault_attr_configure - set knobs of @attr from @argc words "<knob>=<value>"
 * (the monitor's `fault failslab|fail_page_alloc ...`): probability (0-100),
 * interval (>= 1), times (-1 or >= 0), space (bytes), ignore_gfp_wait (0|1),
 * nth (>= 0), min_order (fail_page_alloc, 0-10), task=<pid>|all,
 * cache=<name>|all (failslab; a cache slabinfo lists).  All or nothing: every
 * pair is checked first, then all are applied at once under fault_lock.
 * Returns 0, or -EINVAL with @attr untouched and one line in @err (@errlen
 * bytes) saying which pair and why.  Context: thread.
 */
int fault_attr_configure(struct fault_attr *attr, int argc, char **argv, char *err, size_t errlen);

/*
 * fault_attr_format - @attr as the monitor's `fault` shows it, "<name>:
 * probability=5 interval=1 ... calls=N failures=N" without a newline, into
 * @buf (@len bytes).  Returns @buf.  Context: any.
 */
char *fault_attr_format(const struct fault_attr *attr, char *buf, size_t len);

/* fault_inject_off - both attributes off with Linux's defaults, filters off (`fault off`). */
void fault_inject_off(void);

/* The call-site statistics: one row per (call site, attribute), FAULT_SITES of them. */
#define FAULT_SITES 32

struct fault_site {
	unsigned long ip;	       /* the return address in the function that asked */
	const struct fault_attr *attr; /* &failslab or &fail_page_alloc; NULL: "other" */
	unsigned long failures;
};

/*
 * fault_site_stats - copy the rows, most failures first, into @rows (room
 * for FAULT_SITES + 1: the last may be the "other" row of failures that
 * found the table full).  Returns how many rows.  Context: any.
 */
unsigned int fault_site_stats(struct fault_site *rows);

/* fault_site_clear - empty the call-site statistics (`fault stats clear`).  Context: any. */
void fault_site_clear(void);

/*
 * fault_attr_reset - turn @attr off, put Linux's defaults back and zero its
 * counters (tests call this when done).  Context: any.
 */
void fault_attr_reset(struct fault_attr *attr);

/*
 * fault_attr_parse - set interval, probability, space and times of @attr
 * from "<interval>,<probability>,<space>,<times>" (Linux's boot syntax,
 * e.g. "1,100,0,-1").  Interval >= 1, probability 0-100, space >= 0,
 * times >= -1, nothing else in the string.  Returns 0, or -EINVAL with
 * @attr untouched.  Resets the interval count.  Context: any.
 */
int fault_attr_parse(struct fault_attr *attr, const char *str);

/* Restart the dice (one PRNG for both attributes) from @seed.  Context: any. */
void fault_inject_seed(u64 seed);

/*
 * fault_inject_init - apply the fail_page_alloc=/failslab= options of the
 * command line (kernel/params.c stores them; this parses them), reporting
 * bad ones.  Called once after cmdline_init(); the hooks also call it on
 * their first use, so boot code need not.  Context: any.
 */
void fault_inject_init(void);

/*
 * fault_inject_apply_boot_options - the work of fault_inject_init(), run
 * again: apply (and consume) whatever the fail_page_alloc*= and failslab*=
 * options hold now.  For tests, which cmdline_parse() a line of their own
 * into the kernel's options and then call this.  Context: any.
 */
void fault_inject_apply_boot_options(void);

#endif
