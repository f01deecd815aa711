/*
 * SPDX-License-Identifier: MIT
 * mm/fault_inject.c - failslab and fail_page_alloc: deciding which
 * allocations fail on purpose.  The contract, the order of the checks and
 * the differences from Linux are in mm/fault_inject.h; the user's guide is
 * docs/mempool.md ("Fault injection").
 *
 * Try it:
 *   qemu-system-x86_64 ... -kernel kernel.elf \
 *       -append "failslab=1,100,0,3 failslab.ignore_gfp_wait=0 test=..."
 * makes the first three slab allocations after boot fail.
 *
 * State: two struct fault_attr and one PRNG shared by both, updated under
 * fault_lock with interrupts off (an interrupt handler allocating with
 * GFP_ATOMIC may be judged in the middle of a thread's call, and every CPU
 * allocates).  The fast paths read "armed?" without it: a call racing with
 * the arming is judged either way, as in Linux.
 */
#include <mm/fault_inject.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include <kernel/cmdline.h>
#include <kernel/compiler.h>
#include <kernel/irqflags.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define FAULT_RATELIMIT_MS    5000 /* Linux's DEFAULT_RATELIMIT_INTERVAL */
#define FAULT_RATELIMIT_BURST 10

/* Linux's FAULT_ATTR_INITIALIZER plus the per-attribute defaults of mm/. */
#define FAULT_ATTR_DEFAULTS(attr_name, min_ord)                                                   \
	{                                                                                         \
		.probability = 0, .interval = 1, .times = 1, .space = 0, .ignore_gfp_wait = true, \
		.min_order = (min_ord), .nth = 0, .name = (attr_name),                            \
	}

struct fault_attr fail_page_alloc = FAULT_ATTR_DEFAULTS("fail_page_alloc", 1);
struct fault_attr failslab = FAULT_ATTR_DEFAULTS("failslab", 0);

/*
 * The dice: xorshift64* (Marsaglia; Vigna's multiplier).  Tiny, and good
 * enough to spread "fail 30% of calls" evenly; not for anything secret.
 */
static u64 prng_state = 0x9e3779b97f4a7c15ULL;
static DEFINE_SPINLOCK(fault_lock); /* the attributes' counters and the PRNG */

/*
 * Command-line options.  kernel/params.c only stores strings and numbers,
 * so the "<interval>,<probability>,<space>,<times>" strings and the
 * integer options land in these staging variables first and are applied
 * by fault_inject_init(); the booleans go straight into the attributes.
 * -1 in a staged integer means "not given".
 */
static struct {
	char page_alloc[64]; /* fail_page_alloc= */
	char slab[64];	     /* failslab= */
	long page_min_order; /* fail_page_alloc.min_order= */
	long page_nth;	     /* fail_page_alloc.nth= */
	long slab_nth;	     /* failslab.nth= */
	bool applied;	     /* fault_inject_init() has run */
} boot_opts = { .page_min_order = -1, .page_nth = -1, .slab_nth = -1 };

/*
 * cmdline_param_*() build the symbol from the option name, and these names
 * contain a dot, so they are spelled out (same section, same layout).
 */
#define FAULT_PARAM(sym, pname, ptype, pvar, pmin, pmax, phelp)                   \
	static const struct kernel_param __param_##sym                            \
		__attribute__((section(".cmdline_params"), used, aligned(8))) = { \
			.name = pname,                                            \
			.type = ptype,                                            \
			.var = pvar,                                              \
			.min = pmin,                                              \
			.max = pmax,                                              \
			.help = phelp,                                            \
		}

FAULT_PARAM(fail_page_alloc, "fail_page_alloc", PARAM_STRING, boot_opts.page_alloc, 0,
	    sizeof(boot_opts.page_alloc), "<interval>,<probability>,<space>,<times>");
FAULT_PARAM(failslab, "failslab", PARAM_STRING, boot_opts.slab, 0, sizeof(boot_opts.slab),
	    "<interval>,<probability>,<space>,<times>");
FAULT_PARAM(fpa_igw, "fail_page_alloc.ignore_gfp_wait", PARAM_BOOL,
	    &fail_page_alloc.ignore_gfp_wait, 0, 1, "sleeping page allocations never fail");
FAULT_PARAM(fpa_min_order, "fail_page_alloc.min_order", PARAM_INT, &boot_opts.page_min_order, 0, 10,
	    "smaller page allocations never fail");
FAULT_PARAM(fpa_nth, "fail_page_alloc.nth", PARAM_INT, &boot_opts.page_nth, 0, 1L << 30,
	    "fail the nth eligible page allocation");
FAULT_PARAM(fs_igw, "failslab.ignore_gfp_wait", PARAM_BOOL, &failslab.ignore_gfp_wait, 0, 1,
	    "sleeping slab allocations never fail");
FAULT_PARAM(fs_nth, "failslab.nth", PARAM_INT, &boot_opts.slab_nth, 0, 1L << 30,
	    "fail the nth eligible slab allocation");

void fault_inject_seed(u64 seed)
{
	unsigned long flags;

	spin_lock_irqsave(&fault_lock, flags);
	/* xorshift never leaves 0; any other seed is fine. */
	prng_state = seed ? seed : 0x9e3779b97f4a7c15ULL;
	spin_unlock_irqrestore(&fault_lock, flags);
}

/* The next number of the dice.  Caller holds interrupts off. */
static u64 prng_next(void)
{
	prng_state ^= prng_state >> 12;
	prng_state ^= prng_state << 25;
	prng_state ^= prng_state >> 27;
	return prng_state * 0x2545f4914f6cdd1dULL;
}

/* Linux's fail_dump(): one line per failure, rate-limited per attribute. */
/* 3.10 has task and stack filters, verbose levels; we none: docs/linux-3.10.md */
static void fault_report(struct fault_attr *attr)
{
	if (!__ratelimit(&attr->ratelimit, FAULT_RATELIMIT_MS, FAULT_RATELIMIT_BURST))
		return;
	printk(KERN_NOTICE "FAULT_INJECTION: forcing a failure. name %s, interval %lu, "
			   "probability %u, space %lu, times %ld\n",
	       attr->name, attr->interval, attr->probability, attr->space, attr->times);
}

/* The checks of the header's table after "nth".  Caller holds interrupts off. */
static bool fault_judge(struct fault_attr *attr, ssize_t size)
{
	/* 3.10 has no nth (4.11's is per task); ours is the attribute's: docs/linux-3.10.md */
	if (attr->nth) {
		/* Counting down to the victim overrides every other knob. */
		return --attr->nth == 0;
	}
	if (!attr->probability || !attr->times)
		return false;
	if ((ssize_t)attr->space > size) {
		attr->space -= size;
		return false;
	}
	if (attr->interval > 1 && ++attr->count % attr->interval)
		return false;
	return attr->probability > prng_next() % 100;
}

/* The full judgement; @nowarn keeps the failure quiet (__GFP_NOWARN). */
static bool __should_fail(struct fault_attr *attr, ssize_t size, bool nowarn)
{
	unsigned long flags;
	bool fail;

	spin_lock_irqsave(&fault_lock, flags);
	attr->calls++;
	fail = fault_judge(attr, size);
	if (fail) {
		attr->failures++;
		if (attr->times > 0)
			attr->times--;
	}
	spin_unlock_irqrestore(&fault_lock, flags);
	if (fail && !nowarn)
		fault_report(attr);
	return fail;
}

bool should_fail(struct fault_attr *attr, ssize_t size)
{
	if (!fault_attr_armed(attr))
		return false;
	return __should_fail(attr, size, false);
}

/* Armed: the checks of an allocation that may be made to fail. */
static noinline bool should_fail_alloc_page_armed(gfp_t gfp, unsigned int order)
{
	struct fault_attr *attr = &fail_page_alloc;

	if (unlikely(!boot_opts.applied))
		fault_inject_init();
	if (!fault_attr_armed(attr))
		return false;
	if (order < attr->min_order)
		return false;
	if (attr->ignore_gfp_wait && (gfp & __GFP_WAIT))
		return false;
	/* 3.10 counts space in pages here; we in bytes: docs/linux-3.10.md */
	return __should_fail(attr, (ssize_t)(PAGE_SIZE << order), gfp & __GFP_NOWARN);
}

/*
 * On every page allocation: not armed (the rule) costs two loads and a
 * branch; without a frame pointer, as the slab fast paths (a tail call
 * keeps backtraces whole).
 */
__attribute__((optimize("omit-frame-pointer"))) bool should_fail_alloc_page(gfp_t gfp,
									    unsigned int order)
{
	if (likely(boot_opts.applied && !fault_attr_armed(&fail_page_alloc)))
		return false;
	return should_fail_alloc_page_armed(gfp, order);
}

bool should_failslab(struct kmem_cache *s, gfp_t gfp)
{
	struct fault_attr *attr = &failslab;

#ifndef CONFIG_FAILSLAB
	return false; /* FAILSLAB=n: as 3.10 without CONFIG_FAILSLAB: docs/linux-3.10.md */
#endif

	if (unlikely(!boot_opts.applied))
		fault_inject_init();
	if (likely(!fault_attr_armed(attr)))
		return false;
	if (attr->ignore_gfp_wait && (gfp & __GFP_WAIT))
		return false;
	return __should_fail(attr, s ? (ssize_t)kmem_cache_size(s) : 0, gfp & __GFP_NOWARN);
}

void fault_attr_reset(struct fault_attr *attr)
{
	unsigned long flags;

	spin_lock_irqsave(&fault_lock, flags);
	attr->probability = 0;
	attr->interval = 1;
	attr->times = 1;
	attr->space = 0;
	attr->ignore_gfp_wait = true;
	attr->min_order = attr == &fail_page_alloc ? 1 : 0;
	attr->nth = 0;
	attr->calls = 0;
	attr->failures = 0;
	attr->count = 0;
	memset(&attr->ratelimit, 0, sizeof(attr->ratelimit));
	spin_unlock_irqrestore(&fault_lock, flags);
}

/* Parse one decimal field of @s ending at @sep into *@out, within [lo, hi]; advance @s. */
static bool parse_field(const char **s, char sep, long lo, long hi, long *out)
{
	char *end;
	long v;

	/* strtol would also skip blanks and take a '+': the syntax is digits, maybe a '-'. */
	if (!(**s >= '0' && **s <= '9') && **s != '-')
		return false;
	errno = 0;
	v = strtol(*s, &end, 10);
	if (errno || *end != sep || v < lo || v > hi)
		return false;
	*out = v;
	*s = sep ? end + 1 : end;
	return true;
}

int fault_attr_parse(struct fault_attr *attr, const char *str)
{
	long interval, probability, space, times;
	unsigned long flags;

	if (!str || !parse_field(&str, ',', 1, 1L << 30, &interval) ||
	    !parse_field(&str, ',', 0, 100, &probability) ||
	    !parse_field(&str, ',', 0, 1L << 40, &space) ||
	    !parse_field(&str, '\0', -1, 1L << 40, &times))
		return -EINVAL;

	spin_lock_irqsave(&fault_lock, flags);
	attr->interval = interval;
	attr->probability = probability;
	attr->space = space;
	attr->times = times;
	attr->count = 0;
	spin_unlock_irqrestore(&fault_lock, flags);
	return 0;
}

/* Apply one staged "<interval>,..." option; report it if it does not parse. */
static void apply_boot_string(struct fault_attr *attr, const char *val)
{
	if (!val[0])
		return;
	if (fault_attr_parse(attr, val)) {
		pr_warn("FAULT_INJECTION: bad %s= value '%s' (want <interval>,<probability>,"
			"<space>,<times>, e.g. 1,100,0,-1); %s stays off\n",
			attr->name, val, attr->name);
		cmdline_errors++;
		return;
	}
	pr_notice("FAULT_INJECTION: %s: interval %lu, probability %u, space %lu, times %ld\n",
		  attr->name, attr->interval, attr->probability, attr->space, attr->times);
}

void fault_inject_apply_boot_options(void)
{
	if (boot_opts.page_min_order >= 0)
		fail_page_alloc.min_order = boot_opts.page_min_order;
	if (boot_opts.page_nth >= 0)
		fail_page_alloc.nth = boot_opts.page_nth;
#ifndef CONFIG_FAILSLAB
	if (boot_opts.slab_nth >= 0 || boot_opts.slab[0]) {
		pr_warn("FAULT_INJECTION: failslab: built without it (FAILSLAB=n); ignored\n");
		cmdline_errors++;
		boot_opts.slab_nth = -1;
		boot_opts.slab[0] = '\0';
	}
#endif
	if (boot_opts.slab_nth >= 0)
		failslab.nth = boot_opts.slab_nth;
	apply_boot_string(&fail_page_alloc, boot_opts.page_alloc);
	apply_boot_string(&failslab, boot_opts.slab);
	/* Consumed: applying again must not undo what tests did since. */
	boot_opts.page_alloc[0] = boot_opts.slab[0] = '\0';
	boot_opts.page_min_order = boot_opts.page_nth = boot_opts.slab_nth = -1;
}

void fault_inject_init(void)
{
	if (boot_opts.applied)
		return;
	/* Set first: the printks of a bad option must not bring us back here. */
	boot_opts.applied = true;
	fault_inject_apply_boot_options();
}
