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
 *   filters     order < min_order, or __GFP_WAIT with ignore_gfp_wait:
 *               not eligible, passes, is not counted anywhere
 *   nth         if set: count down; the call that brings it to 0 fails
 *               (whatever probability and times say), the others pass
 *   probability 0: passes
 *   times       0: passes
 *   space       if space > size: space -= size, passes
 *   interval    if > 1: only every interval-th call goes on
 *   dice        fails with probability percent (a seeded PRNG)
 *   failing     prints "FAULT_INJECTION: forcing a failure." (rate-limited,
 *               not with __GFP_NOWARN); times -= 1 unless it is -1
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
 * Differences from Linux: space counts bytes for pages too (Linux counts
 * pages there); nth belongs to the attribute, not to the task (Linux's
 * /proc/<pid>/fail-nth); there is no task or cache filter and no
 * stacktrace filter.  The PRNG is seedable (fault_inject_seed) so a test
 * run is reproducible.
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

/* Called by the page allocator: true if this allocation must fail. Context: any. */
bool should_fail_alloc_page(gfp_t gfp, unsigned int order);
/* Called by the slab allocator: true if this allocation must fail. Context: any. */
bool should_failslab(struct kmem_cache *s, gfp_t gfp);

/*
 * should_fail - the common judgement (the table above, after the filters)
 * for a call of @size bytes.  Prints the failure line.  Returns true if the
 * call must fail.  Context: any (interrupts are held off while @attr is
 * updated).
 */
bool should_fail(struct fault_attr *attr, ssize_t size);

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
