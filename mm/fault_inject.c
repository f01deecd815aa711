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
 * State: two struct fault_attr, one PRNG shared by both and the call-site
 * table, updated under fault_lock with interrupts off (an interrupt handler allocating with
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
#include <kernel/monitor.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <mm/slub_def.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
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
	long seed;	     /* fault_seed= */
	bool applied;	     /* fault_inject_init() has run */
} boot_opts = { .page_min_order = -1, .page_nth = -1, .slab_nth = -1, .seed = -1 };

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
/* 3.10's dice are prandom_u32, not seedable; ours are: docs/linux-3.10.md */
FAULT_PARAM(fault_seed, "fault_seed", PARAM_INT, &boot_opts.seed, 0, LONG_MAX,
	    "restart fault injection's dice from this seed");

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

/* ---- the call-site statistics --------------------------------------------------------- */

static struct fault_site sites[FAULT_SITES]; /* under fault_lock; ip 0: free */
_Static_assert(sizeof(failslab.cache_name) == SLAB_NAME_LEN, "a cache's whole name fits");
static unsigned long sites_other; /* failures that found the table full */

/*
 * Functions that allocate on behalf of their caller: a failure that comes
 * back through one of them is counted at the function that called it, the
 * site that asked (the slab's and page allocator's own layers, their
 * helpers, mempool's, skb's and bio's allocators).  Compared up to a '.'
 * (GCC's .isra.0, .part.0 copies).
 */
/* clang-format 14 puts each name on a line of its own, four screens: left as written. */
/* clang-format off */
static const char *const alloc_wrappers[] = {
	/* the slab allocator and the page allocator (some are inline at -O2, functions at -Og) */
	"kmalloc", "kmalloc_node", "krealloc", "kmalloc_large_node", "kzalloc", "kcalloc",
	"kmalloc_array", "__kmem_cache_alloc", "__kmem_cache_alloc_nozero",
	"__kmem_cache_alloc_node", "__kmem_cache_alloc_node_nozero", "kmem_cache_alloc",
	"kmem_cache_zalloc", "___slab_alloc",
	"slab_alloc_slowpath", "get_new_slab", "new_slab", "allocate_slab", "alloc_pages",
	"alloc_pages_node", "__get_free_pages", "get_zeroed_page", "__alloc_pages_nodemask",
	/* mempool: its pool's allocator, then mempool_alloc's (or the pool's creator's) caller */
	"mempool_alloc", "mempool_alloc_slab", "mempool_kmalloc", "mempool_alloc_pages",
	"mempool_create", "mempool_create_node", "mempool_create_slab_pool",
	"mempool_create_kmalloc_pool", "mempool_create_page_pool", "mempool_resize",
	/* sk_buffs */
	"__alloc_skb", "alloc_skb", "__netdev_alloc_skb", "netdev_alloc_skb", "skb_clone",
	"skb_copy", "pskb_expand_head", "skb_cow_head", "skb_unshare", "skb_share_check",
	/* bios */
	"bio_alloc_bioset", "bio_alloc", "bio_alloc_big", "bio_kmalloc", "bio_clone",
	"bio_clone_bioset", "bio_clone_kmalloc",
};
/* clang-format on */

/* Is @ip inside one of alloc_wrappers? */
static bool in_alloc_wrapper(unsigned long ip)
{
	const char *name = ksym_lookup(ip, NULL, NULL);
	size_t len;

	if (!name)
		return false;
	len = strcspn(name, ".");
	for (size_t i = 0; i < ARRAY_SIZE(alloc_wrappers); i++) {
		if (strlen(alloc_wrappers[i]) == len && !strncmp(name, alloc_wrappers[i], len))
			return true;
	}
	return false;
}

/*
 * The site that asked: @caller (the entry point's _RET_IP_), or, when that
 * is inside a wrapper, the first return address above it on the frame
 * chain outside every wrapper.  If the chain does not lead there, @caller.
 * Only on an injected failure: the fast paths never come here.
 */
/* 3.10 counts no call sites (verbose=2 prints a trace); ours: docs/linux-3.10.md */
static noinline unsigned long fault_site_of(unsigned long caller)
{
	unsigned long trace[24];
	unsigned int n, i;

	if (!in_alloc_wrapper(caller))
		return caller;
	n = stack_trace_save(trace, ARRAY_SIZE(trace));
	for (i = 0; i < n && trace[i] != caller; i++)
		;
	while (i < n && in_alloc_wrapper(trace[i]))
		i++;
	return i < n ? trace[i] : caller;
}

/* Count one failure of @attr at @ip.  Caller holds fault_lock; no allocation here. */
static void fault_site_add(const struct fault_attr *attr, unsigned long ip)
{
	struct fault_site *free = NULL;

	for (unsigned int i = 0; i < FAULT_SITES; i++) {
		struct fault_site *row = &sites[i];

		if (row->ip == ip && row->attr == attr) {
			row->failures++;
			return;
		}
		if (!row->ip && !free)
			free = row;
	}
	if (!free) {
		sites_other++;
		return;
	}
	free->ip = ip;
	free->attr = attr;
	free->failures = 1;
}

unsigned int fault_site_stats(struct fault_site *rows)
{
	unsigned int n = 0;
	unsigned long flags;

	spin_lock_irqsave(&fault_lock, flags);
	for (unsigned int i = 0; i < FAULT_SITES; i++) {
		if (sites[i].ip)
			rows[n++] = sites[i];
	}
	if (sites_other)
		rows[n++] = (struct fault_site){ .ip = 0, .attr = NULL, .failures = sites_other };
	spin_unlock_irqrestore(&fault_lock, flags);
	/* Most first (insertion sort: 33 rows at most); "other" stays last. */
	for (unsigned int i = 1; i < n; i++) {
		struct fault_site row = rows[i];
		unsigned int j = i;

		if (!row.ip)
			continue;
		for (; j > 0 && rows[j - 1].failures < row.failures; j--)
			rows[j] = rows[j - 1];
		rows[j] = row;
	}
	return n;
}

void fault_site_clear(void)
{
	unsigned long flags;

	spin_lock_irqsave(&fault_lock, flags);
	memset(sites, 0, sizeof(sites));
	sites_other = 0;
	spin_unlock_irqrestore(&fault_lock, flags);
}

/* ---- the judgement ---------------------------------------------------------------------- */

/*
 * Do the filters leave this call out (not judged, not counted)?  Linux's
 * fail_task(): with a task filter, only that task, and never in an
 * interrupt (the interrupted task did not ask).  @s: the cache, failslab.
 * Caller holds fault_lock.
 */
/* 3.10: make-it-fail per task, SLAB_FAILSLAB per cache; ours a pid, a name: docs/linux-3.10.md */
static bool fault_filtered(const struct fault_attr *attr, struct kmem_cache *s)
{
	if (attr->task_pid && (in_interrupt() || !current || current->pid != attr->task_pid))
		return true;
	if (attr->cache_name[0] && (!s || strcmp(s->name, attr->cache_name)))
		return true;
	return false;
}

/*
 * The full judgement of a call of @size bytes from @caller (of cache @s, or
 * NULL); @nowarn keeps the failure quiet (__GFP_NOWARN).
 */
static bool __should_fail(struct fault_attr *attr, ssize_t size, bool nowarn, unsigned long caller,
			  struct kmem_cache *s)
{
	unsigned long flags;
	bool fail;

	spin_lock_irqsave(&fault_lock, flags);
	if (fault_filtered(attr, s)) {
		spin_unlock_irqrestore(&fault_lock, flags);
		return false;
	}
	attr->calls++;
	fail = fault_judge(attr, size);
	if (fail) {
		attr->failures++;
		if (attr->times > 0)
			attr->times--;
		fault_site_add(attr, fault_site_of(caller));
	}
	spin_unlock_irqrestore(&fault_lock, flags);
	if (fail && !nowarn)
		fault_report(attr);
	return fail;
}

noinline bool should_fail(struct fault_attr *attr, ssize_t size)
{
	if (!fault_attr_armed(attr))
		return false;
	return __should_fail(attr, size, false, _RET_IP_, NULL);
}

/* Armed: the checks of an allocation that may be made to fail. */
static noinline bool should_fail_alloc_page_armed(gfp_t gfp, unsigned int order,
						  unsigned long caller)
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
	return __should_fail(attr, (ssize_t)(PAGE_SIZE << order), gfp & __GFP_NOWARN, caller, NULL);
}

/*
 * On every page allocation: not armed (the rule) costs two loads and a
 * branch; without a frame pointer, as the slab fast paths (a tail call
 * keeps backtraces whole).
 */
__attribute__((optimize("omit-frame-pointer"))) bool
should_fail_alloc_page(gfp_t gfp, unsigned int order, unsigned long caller)
{
	if (likely(boot_opts.applied && !fault_attr_armed(&fail_page_alloc)))
		return false;
	return should_fail_alloc_page_armed(gfp, order, caller);
}

bool should_failslab(struct kmem_cache *s, gfp_t gfp, unsigned long caller)
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
	return __should_fail(attr, s ? (ssize_t)kmem_cache_size(s) : 0, gfp & __GFP_NOWARN, caller,
			     s);
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
	attr->task_pid = 0;
	attr->cache_name[0] = '\0';
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
	if (boot_opts.seed >= 0)
		fault_inject_seed(boot_opts.seed);
	apply_boot_string(&fail_page_alloc, boot_opts.page_alloc);
	apply_boot_string(&failslab, boot_opts.slab);
	/* Consumed: applying again must not undo what tests did since. */
	boot_opts.page_alloc[0] = boot_opts.slab[0] = '\0';
	boot_opts.page_min_order = boot_opts.page_nth = boot_opts.slab_nth = boot_opts.seed = -1;
}

void fault_inject_init(void)
{
	if (boot_opts.applied)
		return;
	/* Set first: the printks of a bad option must not bring us back here. */
	boot_opts.applied = true;
	fault_inject_apply_boot_options();
}

/* ---- run-time control: the monitor's `fault` ------------------------------------------ */

enum fault_knob {
	KNOB_PROBABILITY,
	KNOB_INTERVAL,
	KNOB_TIMES,
	KNOB_SPACE,
	KNOB_IGNORE_GFP_WAIT,
	KNOB_NTH,
	KNOB_MIN_ORDER,
	KNOB_TASK,
	KNOB_CACHE,
	NR_KNOBS
};

/* Each knob's name (Linux's debugfs file is in docs/mempool.md), range and attribute. */
static const struct {
	const char *name;
	long min, max;
	const struct fault_attr *only; /* the one attribute that has it, or NULL: both */
} knobs[NR_KNOBS] = {
	[KNOB_PROBABILITY] = { "probability", 0, 100, NULL },
	[KNOB_INTERVAL] = { "interval", 1, 1L << 30, NULL },
	[KNOB_TIMES] = { "times", -1, 1L << 40, NULL },
	[KNOB_SPACE] = { "space", 0, 1L << 40, NULL },
	[KNOB_IGNORE_GFP_WAIT] = { "ignore_gfp_wait", 0, 1, NULL },
	[KNOB_NTH] = { "nth", 0, 1L << 30, NULL },
	[KNOB_MIN_ORDER] = { "min_order", 0, 10, &fail_page_alloc },
	[KNOB_TASK] = { "task", 1, INT_MAX, NULL },
	[KNOB_CACHE] = { "cache", 0, 0, &failslab },
};

/* The values a line sets, checked, before any is applied. */
struct fault_knobs {
	unsigned int set; /* 1 << enum fault_knob */
	long val[NR_KNOBS];
	char cache[sizeof(failslab.cache_name)];
};

/* "<digits>" or "-<digits>" within knobs[k]'s range into @out; false with the reason in @err. */
static bool knob_number(enum fault_knob k, const char *v, long *out, char *err, size_t errlen)
{
	char *end;
	long n;

	/* strtol would also skip blanks and take a '+': the syntax is digits, maybe a '-'. */
	if (!isdigit((unsigned char)v[0]) && !(v[0] == '-' && isdigit((unsigned char)v[1]))) {
		snprintf(err, errlen, "%s='%.24s': not a number", knobs[k].name, v);
		return false;
	}
	errno = 0;
	n = strtol(v, &end, 10);
	if (*end) {
		snprintf(err, errlen, "%s='%.24s': junk after the number", knobs[k].name, v);
		return false;
	}
	if (errno || n < knobs[k].min || n > knobs[k].max) {
		snprintf(err, errlen, "%s=%.24s: out of range (%ld to %ld)", knobs[k].name, v,
			 knobs[k].min, knobs[k].max);
		return false;
	}
	*out = n;
	return true;
}

/* The value of task= or cache=: "all" (0, "") or an existing thread or cache. */
static bool knob_filter(enum fault_knob k, const char *v, struct fault_knobs *kn, char *err,
			size_t errlen)
{
	if (!strcmp(v, "all")) {
		if (k == KNOB_CACHE)
			kn->cache[0] = '\0';
		else
			kn->val[k] = 0;
		return true;
	}
	if (k == KNOB_CACHE) {
		if (strlen(v) >= sizeof(kn->cache) || !kmem_cache_name_exists(v)) {
			snprintf(err, errlen,
				 "cache=%.32s: no such slab cache (slabinfo lists them)", v);
			return false;
		}
		strcpy(kn->cache, v);
		return true;
	}
	if (!knob_number(k, v, &kn->val[k], err, errlen))
		return false;
	if (!task_pid_exists((int)kn->val[k])) {
		snprintf(err, errlen, "task=%s: no thread with that pid (ps lists them)", v);
		return false;
	}
	return true;
}

/* Check one "<knob>=<value>" for @attr into @kn; false with the reason in @err. */
static bool knob_parse(const struct fault_attr *attr, const char *word, struct fault_knobs *kn,
		       char *err, size_t errlen)
{
	const char *eq = strchr(word, '=');
	size_t len = eq ? (size_t)(eq - word) : strlen(word);
	int k;

	for (k = 0; k < NR_KNOBS; k++) {
		if (strlen(knobs[k].name) == len && !strncmp(word, knobs[k].name, len))
			break;
	}
	if (k == NR_KNOBS) {
		snprintf(err, errlen,
			 "'%.32s': no such knob (probability interval times space "
			 "ignore_gfp_wait nth min_order task cache)",
			 word);
		return false;
	}
	if (!eq) {
		snprintf(err, errlen, "'%.32s': want %s=<value>", word, knobs[k].name);
		return false;
	}
	if (knobs[k].only && knobs[k].only != attr) {
		snprintf(err, errlen, "%s: %s only", knobs[k].name, knobs[k].only->name);
		return false;
	}
	kn->set |= 1u << k;
	if (k == KNOB_TASK || k == KNOB_CACHE)
		return knob_filter(k, eq + 1, kn, err, errlen);
	return knob_number(k, eq + 1, &kn->val[k], err, errlen);
}

/* Apply the checked values of @kn to @attr, all at once.  Interrupts off, fault_lock held. */
static void knobs_apply(struct fault_attr *attr, const struct fault_knobs *kn)
{
#define KNOB(k) (kn->set & (1u << (k)))
	if (KNOB(KNOB_PROBABILITY))
		attr->probability = kn->val[KNOB_PROBABILITY];
	if (KNOB(KNOB_INTERVAL)) {
		attr->interval = kn->val[KNOB_INTERVAL];
		attr->count = 0; /* as fault_attr_parse: the new interval counts from now */
	}
	if (KNOB(KNOB_TIMES))
		attr->times = kn->val[KNOB_TIMES];
	if (KNOB(KNOB_SPACE))
		attr->space = kn->val[KNOB_SPACE];
	if (KNOB(KNOB_IGNORE_GFP_WAIT))
		attr->ignore_gfp_wait = kn->val[KNOB_IGNORE_GFP_WAIT];
	if (KNOB(KNOB_NTH))
		attr->nth = kn->val[KNOB_NTH];
	if (KNOB(KNOB_MIN_ORDER))
		attr->min_order = kn->val[KNOB_MIN_ORDER];
	if (KNOB(KNOB_TASK))
		attr->task_pid = kn->val[KNOB_TASK];
	if (KNOB(KNOB_CACHE))
		memcpy(attr->cache_name, kn->cache, sizeof(attr->cache_name));
#undef KNOB
}

int fault_attr_configure(struct fault_attr *attr, int argc, char **argv, char *err, size_t errlen)
{
	struct fault_knobs kn = { .set = 0 };
	unsigned long flags;

#ifndef CONFIG_FAILSLAB
	if (attr == &failslab) {
		snprintf(err, errlen, "failslab: built without it (FAILSLAB=n)");
		return -EINVAL;
	}
#endif
	if (argc < 1) {
		snprintf(err, errlen, "%s: no <knob>=<value> given", attr->name);
		return -EINVAL;
	}
	for (int i = 0; i < argc; i++) {
		if (!knob_parse(attr, argv[i], &kn, err, errlen))
			return -EINVAL;
	}
	if (unlikely(!boot_opts.applied))
		fault_inject_init(); /* so the command line cannot undo this later */
	spin_lock_irqsave(&fault_lock, flags);
	knobs_apply(attr, &kn);
	spin_unlock_irqrestore(&fault_lock, flags);
	return 0;
}

char *fault_attr_format(const struct fault_attr *attr, char *buf, size_t len)
{
	char min_order[24] = "", task[24] = "all", cache[48] = "";
	struct fault_attr a;
	unsigned long flags;

	/* A copy taken under fault_lock: the knobs of one moment, and a whole cache name. */
	spin_lock_irqsave(&fault_lock, flags);
	a = *attr;
	spin_unlock_irqrestore(&fault_lock, flags);
	if (attr == &fail_page_alloc)
		snprintf(min_order, sizeof(min_order), " min_order=%u", a.min_order);
	if (a.task_pid)
		snprintf(task, sizeof(task), "%d", a.task_pid);
	if (attr == &failslab)
		snprintf(cache, sizeof(cache), " cache=%s", a.cache_name[0] ? a.cache_name : "all");
	snprintf(buf, len,
		 "%s: probability=%u interval=%lu times=%ld space=%lu "
		 "ignore_gfp_wait=%d%s nth=%u task=%s%s calls=%lu failures=%lu",
		 a.name, a.probability, a.interval, a.times, a.space, a.ignore_gfp_wait, min_order,
		 a.nth, task, cache, a.calls, a.failures);
	return buf;
}

void fault_inject_off(void)
{
	fault_inject_init(); /* a command-line option not yet applied would come back */
	fault_attr_reset(&failslab);
	fault_attr_reset(&fail_page_alloc);
}

/* `fault`: one line per attribute (or only @only's). */
static void fault_show(const struct fault_attr *only)
{
	const struct fault_attr *attrs[] = { &failslab, &fail_page_alloc };
	char line[256];

	for (size_t i = 0; i < ARRAY_SIZE(attrs); i++) {
		if (!only || attrs[i] == only)
			printk("%s\n", fault_attr_format(attrs[i], line, sizeof(line)));
	}
}

/* `fault stats [clear]`: the call-site table, most failures first, and the total. */
static int fault_stats_cmd(int argc, char **argv)
{
	struct fault_site rows[FAULT_SITES + 1];
	unsigned long total = 0;
	unsigned int n;

	if (argc == 3) {
		if (strcmp(argv[2], "clear"))
			return monitor_bad_arg(argv[0], "'%s': stats takes only 'clear'", argv[2]);
		fault_site_clear();
		return 0;
	}
	n = fault_site_stats(rows);
	printk("%-40s %-16s %8s\n", "call site", "attribute", "failures");
	for (unsigned int i = 0; i < n; i++) {
		char site[64] = "other"; /* failures that found the table full */
		unsigned long off;
		const char *name = rows[i].ip ? ksym_lookup(rows[i].ip, &off, NULL) : NULL;

		if (name)
			snprintf(site, sizeof(site), "%s+0x%lx", name, off);
		else if (rows[i].ip)
			snprintf(site, sizeof(site), "0x%016lx", rows[i].ip);
		printk("%-40s %-16s %8lu\n", site, rows[i].attr ? rows[i].attr->name : "-",
		       rows[i].failures);
		total += rows[i].failures;
	}
	printk("%-40s %-16s %8lu\n", "total", "", total);
	return 0;
}

/* `fault failslab|fail_page_alloc <knob>=<value>...`: set, then show the line. */
static int fault_set_cmd(struct fault_attr *attr, int argc, char **argv)
{
	char err[160];

	if (fault_attr_configure(attr, argc - 2, argv + 2, err, sizeof(err)))
		return monitor_bad_arg(argv[0], "%s", err);
	fault_show(attr);
	return 0;
}

/*
 * Monitor `fault`: failslab and fail_page_alloc at run time, as Linux's
 * debugfs directories of the same names (docs/mempool.md, "Fault injection").
 */
/* 3.10: a debugfs file per knob; ours one command, a line applied whole: docs/linux-3.10.md */
static int cmd_fault(int argc, char **argv)
{
	unsigned long long seed;

	if (argc == 1) {
		fault_show(NULL);
		return 0;
	}
	if (!strcmp(argv[1], "failslab"))
		return fault_set_cmd(&failslab, argc, argv);
	if (!strcmp(argv[1], "fail_page_alloc"))
		return fault_set_cmd(&fail_page_alloc, argc, argv);
	if (!strcmp(argv[1], "off")) {
		if (monitor_check_args(argc, argv, 1, 1))
			return -EINVAL;
		fault_inject_off();
		fault_show(NULL);
		return 0;
	}
	if (!strcmp(argv[1], "stats")) {
		if (monitor_check_args(argc, argv, 1, 2))
			return -EINVAL;
		return fault_stats_cmd(argc, argv);
	}
	if (!strcmp(argv[1], "seed")) {
		if (monitor_check_args(argc, argv, 2, 2) ||
		    monitor_parse_uint(argv[0], "a seed", argv[2], 0, ~0ULL, &seed))
			return -EINVAL;
		fault_inject_seed(seed);
		return 0;
	}
	return monitor_bad_arg(argv[0], "'%s': not failslab, fail_page_alloc, off, stats or seed",
			       argv[1]);
}
MONITOR_CMD(fault,
	    "fault [failslab|fail_page_alloc <knob>=<value>... | off | stats [clear] | seed <n>]",
	    "fault injection: show or set failslab and fail_page_alloc, failures by call site",
	    cmd_fault);
