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
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <mm/fault_inject.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include <errno.h>

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
