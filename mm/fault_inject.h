/*
 * mm/fault_inject.h - making allocations fail on purpose, as Linux's
 * fault-injection framework (Documentation/fault-injection/).
 *
 * Two attributes, each configured like Linux's debugfs knobs:
 *
 *   fail_page_alloc   page allocator (alloc_pages and everything on it)
 *   failslab          slab allocator (kmem_cache_alloc, kmalloc)
 *
 *   probability   percent of calls that fail (0-100)
 *   interval      only every interval-th eligible call may fail (1 = any)
 *   times         how many failures at most (-1 = no limit)
 *   space         this many bytes of eligible calls pass first
 *   ignore_gfp_wait  calls that may sleep (__GFP_WAIT) never fail
 *   min_order     (fail_page_alloc) smaller orders never fail
 *   nth           fail exactly the nth eligible call from now (0 = off)
 *
 * Set from the command line as Linux does, "fail_page_alloc=<interval>,
 * <probability>,<space>,<times>" and "failslab=...", plus
 * "fail_page_alloc.ignore_gfp_wait=1" style options; tests set the
 * struct fault_attr fields directly.  __GFP_NOFAIL-like callers do not exist
 * here; __GFP_NOWARN keeps the failure quiet as usual.
 */
#ifndef MM_FAULT_INJECT_H
#define MM_FAULT_INJECT_H

#include <mm/gfp.h>
#include <kernel/types.h>

struct kmem_cache;

struct fault_attr {
	unsigned long probability;	/* percent */
	unsigned long interval;
	long times;			/* failures left; -1: unlimited */
	unsigned long space;		/* bytes to let through first */
	bool ignore_gfp_wait;
	unsigned int min_order;
	unsigned long nth;		/* fail the nth eligible call (1-based), 0: off */
	/* counters */
	unsigned long calls;		/* eligible calls seen */
	unsigned long failures;		/* failures injected */
};

extern struct fault_attr fail_page_alloc;
extern struct fault_attr failslab;

/* Called by the page allocator: true if this allocation must fail. Context: any. */
bool should_fail_alloc_page(gfp_t gfp, unsigned int order);
/* Called by the slab allocator: true if this allocation must fail. Context: any. */
bool should_failslab(struct kmem_cache *s, gfp_t gfp);

/* Turn an attribute off and zero its counters (tests call this when done). */
void fault_attr_reset(struct fault_attr *attr);

#endif
