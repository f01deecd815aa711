/*
 * SPDX-License-Identifier: MIT
 * tests/mm/test_fault_inject.c - failslab and fail_page_alloc: each knob shown
 * by counting the failures over a loop of real allocations, and the
 * command-line syntax, good and bad.
 *
 * The loops allocate with __GFP_NOWARN (quiet) unless a test looks at the
 * message.  Every case starts and ends by resetting both attributes: an
 * attribute left armed would make the harness's next thread fail to start.
 * Cases use EXPECT, not ASSERT, between arming and resetting for the same
 * reason.
 */
#include <kernel/cmdline.h>
#include <kernel/irq.h>
#include <kernel/ktest.h>
#include <kernel/monitor.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <mm/fault_inject.h>
#include <mm/mempool.h>
#include <mm/mm.h>
#include <mm/paging.h>
#include <mm/slab.h>
#include <net/skbuff.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define LOOP 20

extern const struct kernel_param __cmdline_params_start[], __cmdline_params_end[];

static void reset_both(void)
{
	fault_attr_reset(&fail_page_alloc);
	fault_attr_reset(&failslab);
	fault_inject_seed(1);
}

/* Arm @attr with "<interval>,<probability>,<space>,<times>", sleeping callers included. */
static void arm(struct fault_attr *attr, const char *spec)
{
	reset_both();
	fault_attr_parse(attr, spec);
	attr->ignore_gfp_wait = false;
	attr->min_order = 0;
}

/*
 * Allocate @n blocks of 2^@order pages one by one, freeing each at once.
 * Returns how many failed; bit i of *@which is set when call i failed.
 */
static int page_failures(int n, gfp_t gfp, unsigned int order, u64 *which)
{
	int failed = 0;

	if (which)
		*which = 0;
	for (int i = 0; i < n; i++) {
		struct page *p = alloc_pages(gfp | __GFP_NOWARN, order);

		if (!p) {
			failed++;
			if (which && i < 64)
				*which |= 1ULL << i;
			continue;
		}
		__free_pages(p, order);
	}
	return failed;
}

/* The same with kmalloc(@size). */
static int kmalloc_failures(int n, gfp_t gfp, size_t size)
{
	int failed = 0;

	for (int i = 0; i < n; i++) {
		void *p = kmalloc(size, gfp | __GFP_NOWARN);

		if (!p)
			failed++;
		kfree(p);
	}
	return failed;
}

TEST_CASE(fault_inject_test_off_by_default)
{
	reset_both();
	EXPECT_EQ(t, fail_page_alloc.probability, 0);
	EXPECT_EQ(t, page_failures(LOOP, GFP_ATOMIC, 1, NULL), 0);
	EXPECT_EQ(t, fail_page_alloc.calls, 0); /* disarmed: not even counted */
}

TEST_CASE(fault_inject_test_probability_100_fails_every_call)
{
	arm(&fail_page_alloc, "1,100,0,-1");
	EXPECT_EQ(t, page_failures(LOOP, GFP_KERNEL, 0, NULL), LOOP);
	EXPECT_EQ(t, fail_page_alloc.failures, LOOP);
	EXPECT_EQ(t, fail_page_alloc.calls, LOOP);
	reset_both();
}

TEST_CASE(fault_inject_test_probability_is_a_percentage)
{
	int failed;

	arm(&fail_page_alloc, "1,30,0,-1");
	failed = page_failures(1000, GFP_ATOMIC, 0, NULL);
	reset_both();
	/* 30% of 1000; the dice are seeded, the bounds generous. */
	EXPECT_GT(t, failed, 200);
	EXPECT_LT(t, failed, 400);
}

TEST_CASE(fault_inject_test_seed_repeats_the_same_failures)
{
	u64 first, second;

	arm(&fail_page_alloc, "1,50,0,-1");
	fault_inject_seed(1234);
	page_failures(64, GFP_ATOMIC, 0, &first);
	fault_inject_seed(1234);
	page_failures(64, GFP_ATOMIC, 0, &second);
	reset_both();
	EXPECT_EQ(t, first, second);
	EXPECT_NE(t, first, 0);
	EXPECT_NE(t, first, ~0ULL);
}

TEST_CASE(fault_inject_test_interval_makes_every_nth_call_a_candidate)
{
	u64 which;

	arm(&fail_page_alloc, "3,100,0,-1");
	EXPECT_EQ(t, page_failures(9, GFP_ATOMIC, 0, &which), 3);
	reset_both();
	EXPECT_EQ(t, which, (1u << 2) | (1u << 5) | (1u << 8)); /* calls 3, 6 and 9 */
}

TEST_CASE(fault_inject_test_times_limits_the_failures)
{
	u64 which;

	arm(&fail_page_alloc, "1,100,0,2");
	EXPECT_EQ(t, page_failures(LOOP, GFP_ATOMIC, 0, &which), 2);
	EXPECT_EQ(t, which, 3); /* the first two, then no more */
	EXPECT_EQ(t, fail_page_alloc.times, 0);
	reset_both();
}

TEST_CASE(fault_inject_test_times_defaults_to_one_as_linux)
{
	reset_both();
	fail_page_alloc.probability = 100;
	fail_page_alloc.ignore_gfp_wait = false;
	fail_page_alloc.min_order = 0;
	EXPECT_EQ(t, page_failures(LOOP, GFP_ATOMIC, 0, NULL), 1);
	reset_both();
}

TEST_CASE(fault_inject_test_space_lets_bytes_through_first)
{
	u64 which;

	/* Three pages' worth (plus one byte: a call passes while space > its size). */
	arm(&fail_page_alloc, "1,100,12289,-1");
	EXPECT_EQ(t, page_failures(6, GFP_ATOMIC, 0, &which), 3);
	reset_both();
	EXPECT_EQ(t, which, 0x38); /* calls 4, 5, 6 */
}

TEST_CASE(fault_inject_test_nth_fails_exactly_that_call)
{
	u64 which;

	reset_both();
	fail_page_alloc.nth = 5; /* probability stays 0: only the nth */
	fail_page_alloc.min_order = 0;
	EXPECT_EQ(t, page_failures(LOOP, GFP_ATOMIC, 0, &which), 1);
	EXPECT_EQ(t, which, 1u << 4);
	EXPECT_EQ(t, fail_page_alloc.nth, 0); /* fired, and off again */
	reset_both();
}

TEST_CASE(fault_inject_test_ignore_gfp_wait_spares_sleeping_callers)
{
	arm(&fail_page_alloc, "1,100,0,-1");
	fail_page_alloc.ignore_gfp_wait = true;
	EXPECT_EQ(t, page_failures(LOOP, GFP_KERNEL, 0, NULL), 0);
	EXPECT_EQ(t, page_failures(LOOP, GFP_ATOMIC, 0, NULL), LOOP);
	EXPECT_EQ(t, fail_page_alloc.calls, LOOP); /* the spared ones are not eligible */
	reset_both();
}

TEST_CASE(fault_inject_test_min_order_spares_small_blocks)
{
	arm(&fail_page_alloc, "1,100,0,-1");
	fail_page_alloc.min_order = 2;
	EXPECT_EQ(t, page_failures(LOOP, GFP_ATOMIC, 0, NULL), 0);
	EXPECT_EQ(t, page_failures(LOOP, GFP_ATOMIC, 1, NULL), 0);
	EXPECT_EQ(t, page_failures(LOOP, GFP_ATOMIC, 2, NULL), LOOP);
	EXPECT_EQ(t, page_failures(LOOP, GFP_ATOMIC, 3, NULL), LOOP);
	reset_both();
}

TEST_CASE(fault_inject_test_failure_is_reported_unless_nowarn)
{
	u64 mark = log_seq();
	struct page *p;

	arm(&fail_page_alloc, "1,100,0,-1");
	p = alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 0);
	EXPECT_NULL(t, p);
	EXPECT_FALSE(t, log_contains(mark, "FAULT_INJECTION"));
	p = alloc_pages(GFP_ATOMIC, 0);
	reset_both();
	EXPECT_NULL(t, p);
	EXPECT_TRUE(t, log_contains(mark, "FAULT_INJECTION: forcing a failure."));
	EXPECT_TRUE(t, log_contains(mark, "name fail_page_alloc"));
}

/*
 * failslab is built in only with FAILSLAB=y, make test's (include/mm/fault_inject.h):
 * without it a case that arms it is skipped.
 */
static void skip_without_failslab(struct ktest *t)
{
#ifndef CONFIG_FAILSLAB
	ktest_skip(t, "built with FAILSLAB=n: failslab never fires");
#endif
	(void)t;
}

TEST_CASE(fault_inject_test_failslab_fails_kmalloc)
{
	int failed;

	skip_without_failslab(t);
	arm(&failslab, "1,100,0,-1");
	failed = kmalloc_failures(LOOP, GFP_KERNEL, 64);
	reset_both();
	EXPECT_EQ(t, failed, LOOP);
	EXPECT_EQ(t, kmalloc_failures(LOOP, GFP_KERNEL, 64), 0);
}

TEST_CASE(fault_inject_test_failslab_honours_ignore_gfp_wait_and_nth)
{
	skip_without_failslab(t);
	arm(&failslab, "1,100,0,-1");
	failslab.ignore_gfp_wait = true;
	EXPECT_EQ(t, kmalloc_failures(LOOP, GFP_KERNEL, 32), 0);
	EXPECT_EQ(t, kmalloc_failures(LOOP, GFP_ATOMIC, 32), LOOP);
	reset_both();
	failslab.nth = 3;
	EXPECT_EQ(t, kmalloc_failures(LOOP, GFP_ATOMIC, 32), 1);
	reset_both();
}

TEST_CASE(fault_inject_test_parse_accepts_linux_syntax)
{
	struct fault_attr a = { .name = "test" };

	EXPECT_EQ(t, fault_attr_parse(&a, "10,25,4096,-1"), 0);
	EXPECT_EQ(t, a.interval, 10);
	EXPECT_EQ(t, a.probability, 25);
	EXPECT_EQ(t, a.space, 4096);
	EXPECT_EQ(t, a.times, -1);
	EXPECT_EQ(t, fault_attr_parse(&a, "1,100,0,5"), 0);
	EXPECT_EQ(t, a.probability, 100);
	EXPECT_EQ(t, a.times, 5);
}

TEST_CASE(fault_inject_test_parse_rejects_bad_strings)
{
	static const char *const bad[] = {
		"",	      "1",	     "1,100",	    "1,100,0",	  "1,100,0,-1,7",
		"1,101,0,-1", "0,100,0,-1",  "1,100,-5,-1", "1,100,0,-2", "a,100,0,-1",
		"1,,0,-1",    "1,100,0,-1x", " 1,100,0,1",  "+1,100,0,1", "1,100,0,1 ",
	};
	struct fault_attr a = { .name = "test", .interval = 7, .probability = 3, .times = 9 };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (fault_attr_parse(&a, bad[i]) != -EINVAL)
			ktest_fail(t, __FILE__, __LINE__, "accepted \"%s\"", bad[i]);
	}
	EXPECT_EQ(t, fault_attr_parse(&a, NULL), -EINVAL);
	/* Untouched by all of them. */
	EXPECT_EQ(t, a.interval, 7);
	EXPECT_EQ(t, a.probability, 3);
	EXPECT_EQ(t, a.times, 9);
}

/* Run the kernel's own option table on @line, then the boot-time step. */
static int boot_with(const char *line)
{
	int problems = cmdline_parse(line, __cmdline_params_start,
				     __cmdline_params_end - __cmdline_params_start, NULL, NULL);

	fault_inject_apply_boot_options();
	return problems;
}

TEST_CASE(fault_inject_test_boot_options_set_the_attributes)
{
	skip_without_failslab(t);
	reset_both();
	EXPECT_EQ(t,
		  boot_with("fail_page_alloc=2,100,0,3 fail_page_alloc.min_order=3 "
			    "fail_page_alloc.ignore_gfp_wait=0 fail_page_alloc.nth=6 "
			    "failslab=1,50,100,-1 failslab.ignore_gfp_wait=0 "
			    "failslab.nth=4"),
		  0);
	EXPECT_EQ(t, fail_page_alloc.interval, 2);
	EXPECT_EQ(t, fail_page_alloc.probability, 100);
	EXPECT_EQ(t, fail_page_alloc.times, 3);
	EXPECT_EQ(t, fail_page_alloc.min_order, 3);
	EXPECT_FALSE(t, fail_page_alloc.ignore_gfp_wait);
	EXPECT_EQ(t, fail_page_alloc.nth, 6);
	EXPECT_EQ(t, failslab.probability, 50);
	EXPECT_EQ(t, failslab.space, 100);
	EXPECT_EQ(t, failslab.times, -1);
	EXPECT_FALSE(t, failslab.ignore_gfp_wait);
	EXPECT_EQ(t, failslab.nth, 4);
	reset_both();
}

TEST_CASE(fault_inject_test_bad_boot_option_is_reported_not_fatal)
{
	unsigned long errors = cmdline_errors;
	u64 mark = log_seq();

	skip_without_failslab(t);
	reset_both();
	EXPECT_EQ(t, boot_with("failslab=1,200,0,1"), 0); /* a string to the parser */
	EXPECT_EQ(t, failslab.probability, 0);		  /* left off */
	EXPECT_EQ(t, cmdline_errors, errors + 1);
	EXPECT_TRUE(t, log_contains(mark, "bad failslab= value '1,200,0,1'"));
	/* And a bad number for an integer option is the generic parser's report. */
	EXPECT_EQ(t, boot_with("fail_page_alloc.min_order=x"), 1);
	EXPECT_EQ(t, fail_page_alloc.min_order, 1);
	cmdline_errors = errors;
	reset_both();
}

/* FAILSLAB=n: failslab= is refused (counted, reported), and nothing is armed. */
TEST_CASE(fault_inject_test_failslab_option_is_refused_without_failslab)
{
#ifdef CONFIG_FAILSLAB
	ktest_skip(t, "built with FAILSLAB=y: failslab= is taken");
#else
	unsigned long errors = cmdline_errors;
	u64 mark = log_seq();

	reset_both();
	EXPECT_EQ(t, boot_with("failslab=1,100,0,-1 failslab.nth=2"), 0);
	EXPECT_EQ(t, failslab.armed, 0);
	EXPECT_EQ(t, cmdline_errors, errors + 1);
	EXPECT_TRUE(t, log_contains(mark, "failslab: built without it (FAILSLAB=n); ignored"));
	EXPECT_EQ(t, kmalloc_failures(LOOP, GFP_ATOMIC, 32), 0);
	cmdline_errors = errors;
	reset_both();
#endif
}

/* ---- run-time control: the monitor's `fault` --------------------------------------- */

#define TEST_IRQ 10 /* an ISA line no device uses under QEMU's pc machine (as test_mempool) */

static const char slab_defaults[] =
	"failslab: probability=0 interval=1 times=1 space=0 ignore_gfp_wait=1 nth=0 task=all "
	"cache=all calls=0 failures=0";
static const char page_defaults[] =
	"fail_page_alloc: probability=0 interval=1 times=1 space=0 ignore_gfp_wait=1 min_order=1 "
	"nth=0 task=all calls=0 failures=0";

/*
 * What the memory is doing, to compare before and after the allocations a case
 * makes fail: pages as the harness counts them (free, page tables, slabs: an
 * object freed on another CPU may leave its slab there) and slab objects.
 */
struct mem_mark {
	unsigned long free_pages, slab_objects;
};

static struct mem_mark mem_mark(void)
{
	kmem_cache_shrink_all(); /* empty slabs kept for reuse are nobody's */
	return (struct mem_mark){ nr_free_pages() + pgtable_pages + slab_nr_pages(),
				  slab_live_objects() };
}

#define EXPECT_MEM_BACK(t, m)                                       \
	do {                                                        \
		struct mem_mark __now = mem_mark();                 \
		EXPECT_EQ(t, __now.free_pages, (m).free_pages);     \
		EXPECT_EQ(t, __now.slab_objects, (m).slab_objects); \
	} while (0)

/* fault_attr_configure() on the words of @line (split at spaces, at most 12). */
static int configure(struct fault_attr *attr, const char *line, char *err, size_t errlen)
{
	char buf[160], *argv[12];
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *w = strtok(buf, " "); w && argc < 12; w = strtok(NULL, " "))
		argv[argc++] = w;
	err[0] = '\0';
	return fault_attr_configure(attr, argc, argv, err, errlen);
}

static const char *line_of(const struct fault_attr *attr)
{
	static char buf[256];

	return fault_attr_format(attr, buf, sizeof(buf));
}

TEST_CASE(fault_inject_test_command_sets_and_shows_every_knob)
{
	char err[160], want[256];

	skip_without_failslab(t);
	reset_both();
	EXPECT_STREQ(t, line_of(&failslab), slab_defaults);
	EXPECT_STREQ(t, line_of(&fail_page_alloc), page_defaults);
	snprintf(want, sizeof(want),
		 "probability=7 interval=3 times=-1 space=4096 "
		 "ignore_gfp_wait=0 nth=9 task=%d cache=kmalloc-64",
		 current->pid);
	EXPECT_EQ(t, configure(&failslab, want, err, sizeof(err)), 0);
	EXPECT_STREQ(t, err, "");
	EXPECT_EQ(t,
		  configure(&fail_page_alloc,
			    "probability=100 interval=2 times=5 space=1 ignore_gfp_wait=0 "
			    "min_order=0 nth=4 task=all",
			    err, sizeof(err)),
		  0);
	/* Read back, field by field... */
	EXPECT_EQ(t, failslab.probability, 7);
	EXPECT_EQ(t, failslab.interval, 3);
	EXPECT_EQ(t, failslab.times, -1);
	EXPECT_EQ(t, failslab.space, 4096);
	EXPECT_FALSE(t, failslab.ignore_gfp_wait);
	EXPECT_EQ(t, failslab.nth, 9);
	EXPECT_EQ(t, failslab.task_pid, current->pid);
	EXPECT_STREQ(t, failslab.cache_name, "kmalloc-64");
	EXPECT_EQ(t, fail_page_alloc.min_order, 0);
	EXPECT_EQ(t, fail_page_alloc.times, 5);
	/* ... and as `fault` shows them. */
	snprintf(want, sizeof(want),
		 "failslab: probability=7 interval=3 times=-1 space=4096 "
		 "ignore_gfp_wait=0 nth=9 task=%d cache=kmalloc-64 calls=0 failures=0",
		 current->pid);
	EXPECT_STREQ(t, line_of(&failslab), want);
	EXPECT_STREQ(
		t, line_of(&fail_page_alloc),
		"fail_page_alloc: probability=100 interval=2 times=5 space=1 ignore_gfp_wait=0 "
		"min_order=0 nth=4 task=all calls=0 failures=0");
	/* Each filter's all= touches only that filter. */
	EXPECT_EQ(t, configure(&failslab, "cache=kmalloc-32 task=all", err, sizeof(err)), 0);
	EXPECT_STREQ(t, failslab.cache_name, "kmalloc-32");
	EXPECT_EQ(t, failslab.task_pid, 0);
	/* A later pair of the same knob wins; all= turns a filter off. */
	EXPECT_EQ(t,
		  configure(&failslab, "probability=1 probability=2 task=all cache=all", err,
			    sizeof(err)),
		  0);
	EXPECT_EQ(t, failslab.probability, 2);
	EXPECT_EQ(t, failslab.task_pid, 0);
	EXPECT_STREQ(t, failslab.cache_name, "");
	reset_both();
}

TEST_CASE(fault_inject_test_command_refuses_a_bad_pair_and_changes_nothing)
{
	static const struct {
		struct fault_attr *attr;
		const char *line, *why;
	} bad[] = {
		{ &failslab, "probability=101", "probability=101: out of range (0 to 100)" },
		{ &failslab, "probability=abc", "probability='abc': not a number" },
		{ &failslab, "probability=5x", "probability='5x': junk after the number" },
		{ &failslab, "probability=", "probability='': not a number" },
		{ &failslab, "probability=+5", "probability='+5': not a number" },
		{ &failslab, "interval=0", "interval=0: out of range (1 to 1073741824)" },
		{ &failslab, "times=-2", "times=-2: out of range (-1 to 1099511627776)" },
		{ &failslab, "space=-1", "space=-1: out of range (0 to 1099511627776)" },
		{ &failslab, "ignore_gfp_wait=2", "ignore_gfp_wait=2: out of range (0 to 1)" },
		{ &failslab, "nth=99999999999999999999",
		  "nth=99999999999999999999: out of range (0 to 1073741824)" },
		{ &fail_page_alloc, "min_order=11", "min_order=11: out of range (0 to 10)" },
		{ &failslab, "min_order=2", "min_order: fail_page_alloc only" },
		{ &fail_page_alloc, "cache=kmalloc-64", "cache: failslab only" },
		{ &failslab, "cache=nosuch",
		  "cache=nosuch: no such slab cache (slabinfo lists them)" },
		{ &failslab, "task=0", "task=0: out of range (1 to 2147483647)" },
		{ &failslab, "task=999999",
		  "task=999999: no thread with that pid (ps lists them)" },
		{ &failslab, "bogus=1",
		  "'bogus=1': no such knob (probability interval times space "
		  "ignore_gfp_wait nth min_order task cache)" },
		{ &failslab, "probability", "'probability': want probability=<value>" },
		/* all or nothing: the good pairs before the bad one are not applied either */
		{ &failslab, "probability=50 times=-1 interval=0",
		  "interval=0: out of range (1 to 1073741824)" },
		{ &fail_page_alloc, "probability=50 min_order=0 nth=x", "nth='x': not a number" },
	};
	char err[160];

	skip_without_failslab(t);
	reset_both();
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		int ret = configure(bad[i].attr, bad[i].line, err, sizeof(err));

		if (ret != -EINVAL || strcmp(err, bad[i].why))
			ktest_fail(t, __FILE__, __LINE__, "'%s': %d \"%s\", want -EINVAL \"%s\"",
				   bad[i].line, ret, err, bad[i].why);
	}
	EXPECT_EQ(t, configure(&failslab, "", err, sizeof(err)), -EINVAL);
	EXPECT_STREQ(t, err, "failslab: no <knob>=<value> given");
	/* Nothing changed. */
	EXPECT_STREQ(t, line_of(&failslab), slab_defaults);
	EXPECT_STREQ(t, line_of(&fail_page_alloc), page_defaults);
}

TEST_CASE(fault_inject_test_command_off_restores_the_defaults_and_keeps_the_stats)
{
	struct fault_site rows[FAULT_SITES + 1];
	char err[160];

	skip_without_failslab(t);
	reset_both();
	fault_site_clear();
	EXPECT_EQ(t,
		  configure(&failslab,
			    "probability=100 interval=1 times=-1 space=0 ignore_gfp_wait=0 nth=0 "
			    "cache=kmalloc-32",
			    err, sizeof(err)),
		  0);
	EXPECT_EQ(t,
		  configure(&fail_page_alloc, "probability=100 min_order=3 nth=2 space=9", err,
			    sizeof(err)),
		  0);
	EXPECT_EQ(t, kmalloc_failures(3, GFP_ATOMIC, 32), 3);
	fault_inject_off();
	EXPECT_STREQ(t, line_of(&failslab), slab_defaults);
	EXPECT_STREQ(t, line_of(&fail_page_alloc), page_defaults);
	EXPECT_EQ(t, kmalloc_failures(LOOP, GFP_ATOMIC, 32), 0); /* and really off */
	EXPECT_EQ(t, fault_site_stats(rows), 1);		 /* the failures' site stays */
	EXPECT_EQ(t, rows[0].failures, 3);
	fault_site_clear();
	EXPECT_EQ(t, fault_site_stats(rows), 0);
	reset_both();
}

/* Another thread's allocation, made when told to, while the filter is set. */
static struct {
	volatile bool go;
	void *got;
	bool judged_in_irq;
} other;

static int other_thread_kmalloc(void *arg)
{
	(void)arg;
	while (!READ_ONCE(other.go))
		msleep(1);
	other.got = kmalloc(32, GFP_ATOMIC | __GFP_NOWARN);
	return 0;
}

static irqreturn_t kmalloc_irq(int irq, void *dev)
{
	other.judged_in_irq = in_irq();
	other.got = kmalloc(32, GFP_ATOMIC | __GFP_NOWARN);
	return IRQ_HANDLED;
}

TEST_CASE(fault_inject_test_task_filter_judges_only_that_thread_and_no_interrupt)
{
	struct mem_mark m = mem_mark();
	struct task_struct *k;
	char err[160], line[96];
	void *mine;

	skip_without_failslab(t);
	reset_both();
	other.go = false;
	other.got = NULL;
	/* Everything that allocates for the test's own plumbing, before arming. */
	k = ktest_thread_start(other_thread_kmalloc, NULL, "fault-other");
	ASSERT_NOT_NULL(t, k);
	if (request_irq(TEST_IRQ, kmalloc_irq, 0, "fault-test", &other)) {
		other.go = true;
		ktest_thread_finish(k, 5000);
		ASSERT_TRUE(t, false);
	}
	snprintf(line, sizeof(line), "probability=100 times=-1 ignore_gfp_wait=0 task=%d",
		 current->pid);
	EXPECT_EQ(t, configure(&failslab, line, err, sizeof(err)), 0);
	/* Another thread: not judged, its allocation works, not even counted. */
	other.go = true;
	while (!READ_ONCE(other.got) && k->state != TASK_DEAD)
		msleep(1);
	EXPECT_NOT_NULL(t, other.got);
	EXPECT_EQ(t, failslab.calls, 0);
	kfree(other.got);
	/* An interrupt on this thread's CPU, while it runs: not judged either. */
	other.got = NULL;
	irq_raise_for_test(TEST_IRQ);
	EXPECT_TRUE(t, other.judged_in_irq);
	EXPECT_NOT_NULL(t, other.got);
	EXPECT_EQ(t, failslab.calls, 0);
	kfree(other.got);
	/* This thread: judged, and fails. */
	mine = kmalloc(32, GFP_ATOMIC | __GFP_NOWARN);
	EXPECT_NULL(t, mine);
	EXPECT_EQ(t, failslab.calls, 1);
	EXPECT_EQ(t, failslab.failures, 1);
	reset_both();
	kfree(mine);
	free_irq(TEST_IRQ, &other);
	EXPECT_EQ(t, ktest_thread_finish(k, 5000), 0);
	EXPECT_MEM_BACK(t, m);
}

TEST_CASE(fault_inject_test_cache_filter_judges_only_that_cache)
{
	struct mem_mark m = mem_mark();
	char err[160];

	skip_without_failslab(t);
	reset_both();
	EXPECT_EQ(t,
		  configure(&failslab,
			    "probability=100 times=-1 ignore_gfp_wait=0 cache=kmalloc-64", err,
			    sizeof(err)),
		  0);
	EXPECT_EQ(t, kmalloc_failures(LOOP, GFP_ATOMIC, 128), 0); /* kmalloc-128: not judged */
	EXPECT_EQ(t, kmalloc_failures(LOOP, GFP_ATOMIC, 32), 0);  /* kmalloc-32: not judged */
	EXPECT_EQ(t, failslab.calls, 0);
	EXPECT_EQ(t, kmalloc_failures(LOOP, GFP_ATOMIC, 64), LOOP); /* kmalloc-64: fails */
	EXPECT_EQ(t, failslab.calls, LOOP);
	reset_both();
	EXPECT_MEM_BACK(t, m);
}

/* ---- the call sites: each must be named as the function below, not the allocator ---- */

static void *site_object;
static struct page *site_page;

static noinline bool fault_site_kmalloc(void)
{
	site_object = kmalloc(48, GFP_ATOMIC | __GFP_NOWARN);
	barrier(); /* no tail call: the return address must be in here */
	return site_object != NULL;
}

/* Not the same code as the above (GCC would fold the two into one function). */
static noinline bool fault_site_kmalloc_once(void)
{
	site_object = kmalloc(40, GFP_ATOMIC | __GFP_NOWARN);
	barrier();
	return site_object != NULL;
}

static noinline bool fault_site_kmalloc_large(void)
{
	site_object = kmalloc(KMALLOC_MAX_CACHE_SIZE + 1, GFP_ATOMIC | __GFP_NOWARN);
	barrier();
	return site_object != NULL;
}

static noinline bool fault_site_alloc_pages(void)
{
	site_page = alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 1);
	barrier();
	return site_page != NULL;
}

static noinline bool fault_site_mempool(mempool_t *pool)
{
	site_object = mempool_alloc(pool, GFP_ATOMIC | __GFP_NOWARN);
	barrier();
	return site_object != NULL;
}

static noinline bool fault_site_alloc_skb(void)
{
	site_object = alloc_skb(100, GFP_ATOMIC | __GFP_NOWARN);
	barrier();
	return site_object != NULL;
}

/* The name of the function of the @i-th busiest call site, "" if none. */
static const char *nth_site(unsigned int i, const struct fault_attr **attr, unsigned long *failures)
{
	struct fault_site rows[FAULT_SITES + 1];
	const char *name;

	if (fault_site_stats(rows) <= i)
		return "";
	*attr = rows[i].attr;
	*failures = rows[i].failures;
	name = ksym_lookup(rows[i].ip, NULL, NULL);
	return name ? name : "?";
}

static const char *top_site(const struct fault_attr **attr, unsigned long *failures)
{
	return nth_site(0, attr, failures);
}

TEST_CASE(fault_inject_test_stats_name_the_function_that_called_kmalloc)
{
	struct mem_mark m = mem_mark();
	const struct fault_attr *attr = NULL;
	unsigned long failures = 0;

	skip_without_failslab(t);
	arm(&failslab, "1,100,0,-1");
	fault_site_clear();
	EXPECT_FALSE(t, fault_site_kmalloc_once()); /* first in the table, once */
	EXPECT_FALSE(t, fault_site_kmalloc());
	EXPECT_FALSE(t, fault_site_kmalloc());
	reset_both();
	/* Most first. */
	EXPECT_STREQ(t, top_site(&attr, &failures), "fault_site_kmalloc");
	EXPECT_TRUE(t, attr == &failslab);
	EXPECT_EQ(t, failures, 2);
	EXPECT_STREQ(t, nth_site(1, &attr, &failures), "fault_site_kmalloc_once");
	EXPECT_EQ(t, failures, 1);
	fault_site_clear();
	EXPECT_MEM_BACK(t, m);
}

TEST_CASE(fault_inject_test_stats_look_through_the_allocators_own_wrappers)
{
	const struct fault_attr *attr = NULL;
	unsigned long failures = 0;
	struct mem_mark m;
	mempool_t *pool;

	skip_without_failslab(t);
	reset_both();
	pool = mempool_create_kmalloc_pool(1, 40); /* before arming: its reserve is kmalloc'd */
	ASSERT_NOT_NULL(t, pool);
	m = mem_mark();
	/* alloc_pages, from its caller. */
	arm(&fail_page_alloc, "1,100,0,-1");
	fault_site_clear();
	EXPECT_FALSE(t, fault_site_alloc_pages());
	reset_both();
	EXPECT_STREQ(t, top_site(&attr, &failures), "fault_site_alloc_pages");
	EXPECT_TRUE(t, attr == &fail_page_alloc);
	/* kmalloc too big for a cache: kmalloc -> kmalloc_large_node -> alloc_pages_node. */
	arm(&fail_page_alloc, "1,100,0,-1");
	fault_site_clear();
	EXPECT_FALSE(t, fault_site_kmalloc_large());
	reset_both();
	EXPECT_STREQ(t, top_site(&attr, &failures), "fault_site_kmalloc_large");
	/* mempool_alloc -> (pool->alloc) mempool_kmalloc -> kmalloc; the reserve serves. */
	arm(&failslab, "1,100,0,-1");
	fault_site_clear();
	EXPECT_TRUE(t, fault_site_mempool(pool));
	reset_both();
	EXPECT_STREQ(t, top_site(&attr, &failures), "fault_site_mempool");
	EXPECT_TRUE(t, attr == &failslab);
	mempool_free(site_object, pool);
	/* alloc_skb -> __alloc_skb -> kmem_cache_alloc_node. */
	arm(&failslab, "1,100,0,-1");
	fault_site_clear();
	EXPECT_FALSE(t, fault_site_alloc_skb());
	reset_both();
	EXPECT_STREQ(t, top_site(&attr, &failures), "fault_site_alloc_skb");
	fault_site_clear();
	EXPECT_MEM_BACK(t, m);
	mempool_destroy(pool);
}

/* FAULT_SITES + 8 call sites, each a call instruction of its own. */
static noinline int many_sites(void)
{
	int failed = 0;

#define ONE_SITE()                                                \
	do {                                                      \
		void *p = kmalloc(16, GFP_ATOMIC | __GFP_NOWARN); \
		failed += !p;                                     \
		kfree(p);                                         \
	} while (0)
#define FOUR_SITES()        \
	do {                \
		ONE_SITE(); \
		ONE_SITE(); \
		ONE_SITE(); \
		ONE_SITE(); \
	} while (0)
	FOUR_SITES();
	FOUR_SITES();
	FOUR_SITES();
	FOUR_SITES();
	FOUR_SITES();
	FOUR_SITES();
	FOUR_SITES();
	FOUR_SITES();
	FOUR_SITES();
	FOUR_SITES();
#undef FOUR_SITES
#undef ONE_SITE
	return failed;
}

TEST_CASE(fault_inject_test_stats_count_a_full_tables_overflow_as_other)
{
	struct fault_site rows[FAULT_SITES + 1];
	unsigned long total = 0;
	const char *name;
	unsigned int n;

	_Static_assert(FAULT_SITES + 8 == 40, "many_sites() has FAULT_SITES + 8 sites");
	skip_without_failslab(t);
	arm(&failslab, "1,100,0,-1");
	fault_site_clear();
	EXPECT_EQ(t, many_sites(), 40);
	reset_both();
	n = fault_site_stats(rows);
	EXPECT_EQ(t, n, FAULT_SITES + 1);
	for (unsigned int i = 0; i < n; i++)
		total += rows[i].failures;
	EXPECT_EQ(t, total, 40);
	EXPECT_EQ(t, rows[n - 1].ip, 0); /* "other", last */
	EXPECT_NULL(t, rows[n - 1].attr);
	EXPECT_EQ(t, rows[n - 1].failures, 8);
	name = ksym_lookup(rows[0].ip, NULL, NULL);
	EXPECT_STREQ(t, name ? name : "?", "many_sites");
	fault_site_clear();
}

TEST_CASE(fault_inject_test_fault_seed_option_restarts_the_dice)
{
	u64 first, second;

	arm(&fail_page_alloc, "1,50,0,-1");
	fault_inject_seed(98765);
	page_failures(64, GFP_ATOMIC, 0, &first);
	fault_inject_seed(1);
	EXPECT_EQ(t, boot_with("fault_seed=98765"), 0);
	page_failures(64, GFP_ATOMIC, 0, &second);
	reset_both();
	EXPECT_EQ(t, first, second);
	EXPECT_EQ(t, boot_with("fault_seed=-3"), 1); /* refused by the generic parser */
}

/* FAILSLAB=n: `fault failslab ...` is refused and says why; fail_page_alloc is still set. */
TEST_CASE(fault_inject_test_command_refuses_failslab_without_failslab)
{
#ifdef CONFIG_FAILSLAB
	ktest_skip(t, "built with FAILSLAB=y: failslab is set");
#else
	char err[160];

	reset_both();
	EXPECT_EQ(t, configure(&failslab, "probability=100", err, sizeof(err)), -EINVAL);
	EXPECT_STREQ(t, err, "failslab: built without it (FAILSLAB=n)");
	EXPECT_EQ(t, failslab.armed, 0);
	EXPECT_EQ(t, configure(&fail_page_alloc, "nth=2", err, sizeof(err)), 0);
	EXPECT_EQ(t, fail_page_alloc.nth, 2);
	reset_both();
#endif
}

/* The monitor's own words: `fault` shows, a bad line is refused with the usage. */
TEST_CASE(fault_inject_test_monitor_command_shows_sets_and_refuses)
{
	char out[1024], want[512];

	skip_without_failslab(t);
	reset_both();
	EXPECT_EQ(t, monitor_capture("fault", out, sizeof(out), NULL), 0);
	snprintf(want, sizeof(want), "%s\n%s\n", slab_defaults, page_defaults);
	EXPECT_STREQ(t, out, want);
	EXPECT_EQ(t,
		  monitor_capture("fault fail_page_alloc nth=3 min_order=0", out, sizeof(out),
				  NULL),
		  0);
	EXPECT_NOT_NULL(t, strstr(out, "fail_page_alloc: probability=0 interval=1 times=1 space=0 "
				       "ignore_gfp_wait=1 min_order=0 nth=3 task=all"));
	EXPECT_EQ(t, monitor_capture("fault failslab probability=101", out, sizeof(out), NULL),
		  -EINVAL);
	EXPECT_NOT_NULL(t, strstr(out,
				  "fault: probability=101: out of range (0 to 100)\nusage: fault"));
	EXPECT_EQ(t, monitor_capture("fault bogus", out, sizeof(out), NULL), -EINVAL);
	EXPECT_EQ(t, monitor_capture("fault seed 12x", out, sizeof(out), NULL), -EINVAL);
	EXPECT_EQ(t, monitor_capture("fault stats all", out, sizeof(out), NULL), -EINVAL);
	EXPECT_EQ(t, monitor_capture("fault off now", out, sizeof(out), NULL), -EINVAL);
	EXPECT_EQ(t, fail_page_alloc.nth, 3); /* the refused lines changed nothing */
	/* fault seed N: the dice fault_inject_seed(N) gives. */
	{
		u64 first, second;

		arm(&fail_page_alloc, "1,50,0,-1");
		fault_inject_seed(4321);
		page_failures(64, GFP_ATOMIC, 0, &first);
		EXPECT_EQ(t, monitor_capture("fault seed 4321", out, sizeof(out), NULL), 0);
		page_failures(64, GFP_ATOMIC, 0, &second);
		reset_both();
		EXPECT_EQ(t, first, second);
		fail_page_alloc.nth = 3;
	}
	EXPECT_EQ(t, monitor_capture("fault off", out, sizeof(out), NULL), 0);
	EXPECT_STREQ(t, out, want);
	reset_both();
}

static const struct ktest_case fault_inject_cases[] = {
	KTEST(fault_inject_test_off_by_default),
	KTEST(fault_inject_test_probability_100_fails_every_call),
	KTEST(fault_inject_test_probability_is_a_percentage),
	KTEST(fault_inject_test_seed_repeats_the_same_failures),
	KTEST(fault_inject_test_interval_makes_every_nth_call_a_candidate),
	KTEST(fault_inject_test_times_limits_the_failures),
	KTEST(fault_inject_test_times_defaults_to_one_as_linux),
	KTEST(fault_inject_test_space_lets_bytes_through_first),
	KTEST(fault_inject_test_nth_fails_exactly_that_call),
	KTEST(fault_inject_test_ignore_gfp_wait_spares_sleeping_callers),
	KTEST(fault_inject_test_min_order_spares_small_blocks),
	KTEST(fault_inject_test_failure_is_reported_unless_nowarn),
	KTEST(fault_inject_test_failslab_fails_kmalloc),
	KTEST(fault_inject_test_failslab_honours_ignore_gfp_wait_and_nth),
	KTEST(fault_inject_test_parse_accepts_linux_syntax),
	KTEST(fault_inject_test_parse_rejects_bad_strings),
	KTEST(fault_inject_test_boot_options_set_the_attributes),
	KTEST(fault_inject_test_bad_boot_option_is_reported_not_fatal),
	KTEST(fault_inject_test_failslab_option_is_refused_without_failslab),
	KTEST(fault_inject_test_command_sets_and_shows_every_knob),
	KTEST(fault_inject_test_command_refuses_a_bad_pair_and_changes_nothing),
	KTEST(fault_inject_test_command_off_restores_the_defaults_and_keeps_the_stats),
	KTEST(fault_inject_test_task_filter_judges_only_that_thread_and_no_interrupt),
	KTEST(fault_inject_test_cache_filter_judges_only_that_cache),
	KTEST(fault_inject_test_stats_name_the_function_that_called_kmalloc),
	KTEST(fault_inject_test_stats_look_through_the_allocators_own_wrappers),
	KTEST(fault_inject_test_stats_count_a_full_tables_overflow_as_other),
	KTEST(fault_inject_test_fault_seed_option_restarts_the_dice),
	KTEST(fault_inject_test_monitor_command_shows_sets_and_refuses),
	KTEST(fault_inject_test_command_refuses_failslab_without_failslab),
	{}
};

static int fault_inject_suite_init(void)
{
	reset_both();
	return 0;
}

static void fault_inject_suite_exit(void)
{
	reset_both();
}

TEST_SUITE_INIT(fault_inject, fault_inject_cases, fault_inject_suite_init, fault_inject_suite_exit);
