/*
 * SPDX-License-Identifier: MIT
 * tests/kernel/test_ktest.c - the harness tested two ways.
 *
 * `ktest` (runs with test=all): the pieces that can be checked from inside
 * a passing case: EXPECT against a private struct ktest, the filter
 * matcher, the resource counters.
 *
 * `ktest_selftest` (selftest: runs only as test=ktest_selftest): one case
 * for each way a case can end badly.  Its output is wrong on purpose;
 * tools/run-tests.py boots it and checks that each case is reported the way
 * it should be, and that the kernel exits with EXIT_FAILED:
 *
 *   ktest_selftest_fails          not ok, two "EXPECT failed" diagnostics
 *   ktest_selftest_asserts        not ok, and the line after the ASSERT never ran
 *   ktest_selftest_assert_stopped ok: checks (and prints) that flag
 *   ktest_selftest_hangs          not ok, "timed out" (after 1 s)
 *   ktest_selftest_faults         not ok, "died" (NULL write: page fault)
 *   ktest_selftest_leaks          not ok, "leaked: slab objects"
 *   ktest_selftest_skips          ok # SKIP
 *   ktest_selftest_passes         ok
 *   ktest_selftest_panics         skipped; alone, it must panic
 */
#include <arch/x86.h>
#include <kernel/err.h>
#include <kernel/ktest.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include <string.h>

#include "ktest_internal.h"

/* ---- ktest: EXPECT on a private context ------------------------------- */

/* A case the EXPECT tests hand to a private struct ktest; never registered. */
static const struct ktest_case inner_case = { .name = "inner-case (deliberate failures)" };

static void inner_init(struct ktest *inner)
{
	memset(inner, 0, sizeof(*inner));
	inner->tcase = &inner_case;
}

TEST_CASE(ktest_test_expect_records_and_continues)
{
	struct ktest inner;
	bool reached = false;

	inner_init(&inner);
	EXPECT_EQ(&inner, 1, 2);
	reached = true;
	EXPECT_TRUE(&inner, 1 > 2);
	EXPECT_EQ(t, inner.failures, 2);
	EXPECT_TRUE(t, reached);
}

TEST_CASE(ktest_test_expect_passing_records_nothing)
{
	struct ktest inner;

	inner_init(&inner);
	EXPECT_EQ(&inner, 2, 2);
	EXPECT_NE(&inner, 1, 2);
	EXPECT_STREQ(&inner, "abc", "abc");
	EXPECT_NULL(&inner, NULL);
	EXPECT_EQ(t, inner.failures, 0);
}

TEST_CASE(ktest_test_binop_compares_signed)
{
	struct ktest inner;

	/* Operands are widened to long long, so -1 < 1 even mixed with unsigned types. */
	inner_init(&inner);
	EXPECT_LT(&inner, -1, 1);
	EXPECT_GE(&inner, (u8)255, 255);
	EXPECT_GT(&inner, 0x100000000ULL, 1);
	EXPECT_EQ(t, inner.failures, 0);
}

TEST_CASE(ktest_test_knows_its_case)
{
	EXPECT_STREQ(t, t->suite->name, "ktest");
	EXPECT_STREQ(t, t->tcase->name, "ktest_test_knows_its_case");
	/* The case thread is named after the case (cut to TASK_COMM_LEN - 1). */
	EXPECT_EQ(t, strncmp(current->comm, t->tcase->name, TASK_COMM_LEN - 1), 0);
	EXPECT_EQ(t, t->failures, 0);
}

/* ---- ktest: the filter -------------------------------------------------- */

static const struct ktest_case fake_cases[] = {
	{ .name = "one" },
	{ .name = "two" },
	{},
};
static const struct ktest_suite fake_suite = { .name = "fake", .cases = fake_cases };
static const struct ktest_suite fake_selftest = {
	.name = "fake_selftest",
	.cases = fake_cases,
	.selftest = true,
};
static const struct ktest_suite fake_by_name = {
	.name = "fake_by_name",
	.cases = fake_cases,
	.by_name_only = "needs something the host prepares",
};

#define MATCH(filter, s, i) ktest_filter_match(filter, s, &fake_cases[i])

TEST_CASE(ktest_test_filter_all_skips_selftests)
{
	EXPECT_EQ(t, MATCH("all", &fake_suite, 0), KTEST_MATCH_SUITE);
	EXPECT_EQ(t, MATCH("all", &fake_selftest, 0), KTEST_MATCH_NONE);
	EXPECT_EQ(t, MATCH("fake_selftest", &fake_selftest, 0), KTEST_MATCH_SUITE);
}

TEST_CASE(ktest_test_filter_all_skips_by_name_only_suites)
{
	EXPECT_EQ(t, MATCH("all", &fake_by_name, 0), KTEST_MATCH_NONE);
	EXPECT_EQ(t, MATCH("fake_by_name", &fake_by_name, 0), KTEST_MATCH_SUITE);
	EXPECT_EQ(t, MATCH("fake_by_name.two", &fake_by_name, 1), KTEST_MATCH_EXACT);
}

TEST_CASE(ktest_test_filter_suite_and_case)
{
	EXPECT_EQ(t, MATCH("fake", &fake_suite, 1), KTEST_MATCH_SUITE);
	EXPECT_EQ(t, MATCH("fake.two", &fake_suite, 1), KTEST_MATCH_EXACT);
	EXPECT_EQ(t, MATCH("fake.two", &fake_suite, 0), KTEST_MATCH_NONE);
}

TEST_CASE(ktest_test_filter_needs_whole_names)
{
	EXPECT_EQ(t, MATCH("fak", &fake_suite, 0), KTEST_MATCH_NONE);
	EXPECT_EQ(t, MATCH("fake_", &fake_suite, 0), KTEST_MATCH_NONE);
	EXPECT_EQ(t, MATCH("fake.on", &fake_suite, 0), KTEST_MATCH_NONE);
	EXPECT_EQ(t, MATCH("fake.one1", &fake_suite, 0), KTEST_MATCH_NONE);
	EXPECT_EQ(t, MATCH("fake.", &fake_suite, 0), KTEST_MATCH_NONE);
	EXPECT_EQ(t, MATCH("fake", &fake_selftest, 0), KTEST_MATCH_NONE);
	EXPECT_EQ(t, MATCH("", &fake_suite, 0), KTEST_MATCH_NONE);
}

TEST_CASE(ktest_test_filter_lists_take_the_strongest)
{
	EXPECT_EQ(t, MATCH("x,fake.one", &fake_suite, 0), KTEST_MATCH_EXACT);
	EXPECT_EQ(t, MATCH("all,fake.one", &fake_suite, 0), KTEST_MATCH_EXACT);
	EXPECT_EQ(t, MATCH("fake.one,all", &fake_suite, 1), KTEST_MATCH_SUITE);
	EXPECT_EQ(t, MATCH(",,fake,", &fake_suite, 0), KTEST_MATCH_SUITE);
	EXPECT_EQ(t, MATCH(",,", &fake_suite, 0), KTEST_MATCH_NONE);
}

/* ---- ktest: the counters ------------------------------------------------ */

enum {
	CNT_PAGES,
	CNT_SLAB,
	CNT_THREADS
};

TEST_CASE(ktest_test_counters_are_named)
{
	EXPECT_STREQ(t, ktest_counters[CNT_PAGES].name, "pages");
	EXPECT_STREQ(t, ktest_counters[CNT_SLAB].name, "slab objects");
	EXPECT_STREQ(t, ktest_counters[CNT_THREADS].name, "threads");
}

TEST_CASE(ktest_test_counters_see_kmalloc)
{
	unsigned long before[KTEST_NR_COUNTERS], during[KTEST_NR_COUNTERS];
	void *p;

	ktest_read_counters(before);
	p = kmalloc(32, GFP_KERNEL);
	ASSERT_NOT_NULL(t, p);
	ktest_read_counters(during);
	kfree(p);
	EXPECT_EQ(t, during[CNT_SLAB], before[CNT_SLAB] + 1);
}

TEST_CASE(ktest_test_counters_see_pages)
{
	unsigned long before[KTEST_NR_COUNTERS], during[KTEST_NR_COUNTERS],
		after[KTEST_NR_COUNTERS];
	struct page *pg;

	ktest_read_counters(before);
	pg = alloc_page(GFP_KERNEL);
	ASSERT_NOT_NULL(t, pg);
	ktest_read_counters(during);
	__free_page(pg);
	ktest_read_counters(after);
	EXPECT_EQ(t, during[CNT_PAGES], before[CNT_PAGES] - 1);
	EXPECT_EQ(t, after[CNT_PAGES], before[CNT_PAGES]);
}

static int ktest_nop(void *unused)
{
	return 0;
}

TEST_CASE(ktest_test_counters_see_threads)
{
	unsigned long before[KTEST_NR_COUNTERS], during[KTEST_NR_COUNTERS],
		after[KTEST_NR_COUNTERS];
	struct task_struct *task;

	ktest_read_counters(before);
	task = kthread_create(ktest_nop, NULL, "ktest-nop");
	ASSERT_FALSE(t, IS_ERR(task));
	ktest_read_counters(during);
	get_task_struct(task);
	wake_up_process(task);
	EXPECT_EQ(t, kthread_join(task, MAX_SCHEDULE_TIMEOUT), 0);
	put_task_struct(task);
	ktest_read_counters(after);
	EXPECT_EQ(t, during[CNT_THREADS], before[CNT_THREADS] + 1);
	EXPECT_EQ(t, after[CNT_THREADS], before[CNT_THREADS]);
}

TEST_CASE(ktest_test_default_timeout_is_set)
{
	EXPECT_GT(t, ktest_timeout_ms, 0);
}

static const struct ktest_case ktest_cases[] = {
	KTEST(ktest_test_expect_records_and_continues),
	KTEST(ktest_test_expect_passing_records_nothing),
	KTEST(ktest_test_binop_compares_signed),
	KTEST(ktest_test_knows_its_case),
	KTEST(ktest_test_filter_all_skips_selftests),
	KTEST(ktest_test_filter_all_skips_by_name_only_suites),
	KTEST(ktest_test_filter_suite_and_case),
	KTEST(ktest_test_filter_needs_whole_names),
	KTEST(ktest_test_filter_lists_take_the_strongest),
	KTEST(ktest_test_counters_are_named),
	KTEST(ktest_test_counters_see_kmalloc),
	KTEST(ktest_test_counters_see_pages),
	KTEST(ktest_test_counters_see_threads),
	KTEST(ktest_test_default_timeout_is_set),
	{}
};
TEST_SUITE(ktest, ktest_cases);

/* ---- ktest_selftest: deliberately bad cases ------------------------------ */

/* Set if execution ever gets past a failed ASSERT: it must stay false. */
static bool selftest_ran_after_assert;

TEST_CASE(ktest_selftest_fails)
{
	EXPECT_EQ(t, 1, 2);
	EXPECT_STREQ(t, "first", "second"); /* EXPECT goes on: this is reported too */
}

TEST_CASE(ktest_selftest_asserts)
{
	ASSERT_TRUE(t, 1 + 1 == 3);
	selftest_ran_after_assert = true;
}

TEST_CASE(ktest_selftest_assert_stopped)
{
	printk(KERN_EMERG "    # %s: the line after the failed ASSERT ran: %s\n", t->tcase->name,
	       selftest_ran_after_assert ? "yes" : "no");
	EXPECT_FALSE(t, selftest_ran_after_assert);
}

TEST_CASE(ktest_selftest_hangs)
{
	for (;;)
		cpu_relax();
}

TEST_CASE(ktest_selftest_faults)
{
	/* Both volatile: the compiler may neither see that p is NULL nor drop the store. */
	volatile int *volatile p = NULL;

	*p = 1;
}

TEST_CASE(ktest_selftest_leaks)
{
	void *volatile leak = kmalloc(64, GFP_KERNEL);

	EXPECT_NOT_NULL(t, leak);
}

TEST_CASE(ktest_selftest_skips)
{
	ktest_skip(t, "deliberately skipped");
}

TEST_CASE(ktest_selftest_passes)
{
	EXPECT_EQ(t, 2 + 2, 4);
}

TEST_CASE(ktest_selftest_panics)
{
	panic("deliberate panic");
}

static const struct ktest_case ktest_selftest_cases[] = { KTEST(ktest_selftest_fails),
							  KTEST(ktest_selftest_asserts),
							  KTEST(ktest_selftest_assert_stopped),
							  KTEST_TIMEOUT(ktest_selftest_hangs, 1000),
							  KTEST(ktest_selftest_faults),
							  KTEST(ktest_selftest_leaks),
							  KTEST(ktest_selftest_skips),
							  KTEST(ktest_selftest_passes),
							  KTEST_PANIC(ktest_selftest_panics,
								      "deliberate panic"),
							  {} };

/* Spelled out: TEST_SUITE has no selftest form. */
static const struct ktest_suite __ktest_suite_ktest_selftest __section(".ktest_suites")
	__used __aligned(8) = {
		.name = "ktest_selftest",
		.cases = ktest_selftest_cases,
		.selftest = true,
	};
