/*
 * SPDX-License-Identifier: MIT
 * tests/kernel/test_runner.c - suite `runner`: how the kernel finds its tests and
 * benchmarks (kernel/runner.c, include/kernel/runner.h).  The harness and
 * the benchmark runner each register one entry in .kernel_runners; the
 * kernel looks them up by name for test=, bench= and the monitor's `test`
 * and `bench`.  (The kernel booted without its tests module, by
 * tools/init_checks.py: there `test` says no tests are loaded.)
 */
#include <kernel/bench.h>
#include <kernel/ktest.h>
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <kernel/runner.h>
#include <errno.h>
#include <string.h>

TEST_CASE(runner_test_the_harness_is_registered_as_test)
{
	const struct kernel_runner *r = kernel_runner_find("test");

	ASSERT_NOT_NULL(t, r);
	EXPECT_TRUE(t, r->run == ktest_run);
	EXPECT_TRUE(t, r->matches == ktest_matches);
	EXPECT_TRUE(t, r->list == ktest_list);
}

TEST_CASE(runner_test_the_benchmarks_are_registered_as_bench)
{
	const struct kernel_runner *r = kernel_runner_find("bench");

	ASSERT_NOT_NULL(t, r);
	EXPECT_TRUE(t, r->run == bench_run);
	EXPECT_TRUE(t, r->matches == bench_matches);
	EXPECT_TRUE(t, r->list == bench_list);
}

TEST_CASE(runner_test_a_name_nobody_registered_finds_nothing)
{
	EXPECT_NULL(t, kernel_runner_find("tes"));
	EXPECT_NULL(t, kernel_runner_find("nosuch"));
	EXPECT_NULL(t, kernel_runner_find(""));
}

TEST_CASE(runner_test_bench_matches_all_or_a_name_prefix_only)
{
	const char *bad = NULL;
	size_t len = 0;

	EXPECT_TRUE(t, bench_matches("all", &bad, &len));
	EXPECT_TRUE(t, bench_matches("kmalloc+kfree", &bad, &len));
	EXPECT_FALSE(t, bench_matches("nosuch", &bad, &len));
	EXPECT_STREQ(t, bad, "nosuch");
	EXPECT_EQ(t, len, 6);
	EXPECT_FALSE(t, bench_matches("", &bad, &len));
}

TEST_CASE(runner_test_bench_list_names_each_benchmark_and_refuses_a_prefix_of_none)
{
	char line[] = "bench list";
	u64 mark = log_seq();

	EXPECT_EQ(t, monitor_exec(line), 0);
	EXPECT_TRUE(t, log_contains(mark, "  kmalloc+kfree 64 B\n"));
	EXPECT_TRUE(t, log_contains(mark, "  alloc_pages+__free_pages order 0\n"));
	EXPECT_EQ(t, bench_list("kmalloc"), 0);
	EXPECT_EQ(t, bench_list("nosuch"), -ENOENT);
}

TEST_CASE(runner_test_monitor_bench_refuses_a_name_no_benchmark_has)
{
	char line[] = "bench nosuch";
	u64 mark = log_seq();

	EXPECT_EQ(t, monitor_exec(line), -EINVAL);
	EXPECT_TRUE(t,
		    log_contains(mark, "bench: no benchmark 'nosuch' ('bench list' shows them)\n"));
	EXPECT_TRUE(t, log_contains(mark, "usage: bench [all|<name prefix>|list]\n"));
	EXPECT_FALSE(t, log_contains(mark, "bench: start"));
}

TEST_CASE(runner_test_monitor_test_refuses_a_suite_nobody_registered)
{
	char line[] = "test nosuchsuite";
	u64 mark = log_seq();

	EXPECT_EQ(t, monitor_exec(line), -EINVAL);
	EXPECT_TRUE(t, log_contains(mark, "test: no suite or case 'nosuchsuite'"));
	EXPECT_FALSE(t, log_contains(mark, "KTAP version 1"));
}

static const struct ktest_case runner_cases[] = {
	KTEST(runner_test_the_harness_is_registered_as_test),
	KTEST(runner_test_the_benchmarks_are_registered_as_bench),
	KTEST(runner_test_a_name_nobody_registered_finds_nothing),
	KTEST(runner_test_bench_matches_all_or_a_name_prefix_only),
	KTEST(runner_test_bench_list_names_each_benchmark_and_refuses_a_prefix_of_none),
	KTEST(runner_test_monitor_bench_refuses_a_name_no_benchmark_has),
	KTEST(runner_test_monitor_test_refuses_a_suite_nobody_registered),
	{}
};
TEST_SUITE(runner, runner_cases);
