/*
 * SPDX-License-Identifier: MIT
 * tests/kernel/test_initcall.c - suite `initcall`: the initcall levels in the
 * image and do_one_initcall's contract (kernel/init.c): the failure, the
 * preemption count or the interrupts an initcall leaves behind are
 * reported and put right, and initcall_debug logs each call with its cost
 * in 3.10's words.
 *
 * Also one initcall of its own, for tools/init_checks.py: booted with
 * `ktest.initcall_fail`, it fails (a late_initcall of the tests module: it
 * runs after the kernel's), and the boot must say so and still reach the
 * monitor's prompt.
 */
#include <drivers/deferred_probe.h>
#include <kernel/boot_report.h>
#include <kernel/cmdline.h>
#include <kernel/init.h>
#include <kernel/irqflags.h>
#include <kernel/ktest.h>
#include <kernel/monitor.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <net/loopback.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static bool initcall_fail;
static const struct kernel_param __param_ktest_initcall_fail __section(".cmdline_params")
	__used __aligned(8) = {
		.name = "ktest.initcall_fail",
		.type = PARAM_BOOL,
		.var = &initcall_fail,
		.min = 0,
		.max = 1,
		.help = "a test initcall fails at boot (tools/init_checks.py)",
	};

/* Fails with -EIO when booted with ktest.initcall_fail; else does nothing. */
static int ktest_initcall_fails_on_request(void)
{
	return initcall_fail ? -EIO : 0;
}
late_initcall(ktest_initcall_fails_on_request);

static int ran; /* how many times the initcalls below ran */

static int initcall_returns_eio(void)
{
	ran++;
	return -EIO;
}

static int initcall_returns_zero(void)
{
	ran++;
	return 0;
}

static int initcall_leaves_preemption_off(void)
{
	ran++;
	preempt_disable();
	return 0;
}

static int initcall_leaves_interrupts_off(void)
{
	ran++;
	local_irq_disable();
	return 0;
}

/* "name+0x0/0x" of @fn: the start of what every log line about it says. */
static void initcall_name(initcall_t fn, char *buf, size_t len)
{
	ksym_format((unsigned long)fn, buf, len);
	*strchr(buf, '/') = '\0';
}

TEST_CASE(initcall_test_levels_are_laid_out_in_order)
{
	const initcall_t *levels[] = { __initcall_start,  __initcall1_start, __initcall2_start,
				       __initcall3_start, __initcall4_start, __initcall5_start,
				       __initcall6_start, __initcall7_start, __initcall_end };

	for (size_t i = 1; i < ARRAY_SIZE(levels); i++)
		EXPECT_LE(t, (unsigned long)levels[i - 1], (unsigned long)levels[i]);
	EXPECT_LT(t, (unsigned long)__initcall_start, (unsigned long)__initcall_end);
}

TEST_CASE(initcall_test_each_entry_is_the_start_of_a_function)
{
	for (const initcall_t *fn = __initcall_start; fn < __initcall_end; fn++) {
		unsigned long off = 1;

		EXPECT_NOT_NULL(t, ksym_lookup((unsigned long)*fn, &off, NULL));
		EXPECT_EQ(t, off, 0);
	}
}

TEST_CASE(initcall_test_loopback_registers_itself_at_fs_level)
{
	int found = 0;

	for (const initcall_t *fn = __initcall5_start; fn < __initcall6_start; fn++)
		found += *fn == loopback_init;
	EXPECT_EQ(t, found, 1);
	for (const initcall_t *fn = __initcall_start; fn < __initcall_end; fn++)
		found += *fn == loopback_init;
	EXPECT_EQ(t, found, 2); /* and at no other level */
}

TEST_CASE(initcall_test_a_failing_initcall_is_reported_and_its_error_returned)
{
	char name[128], line[192];
	u64 mark = log_seq();

	ran = 0;
	initcall_name(initcall_returns_eio, name, sizeof(name));
	EXPECT_EQ(t, do_one_initcall(initcall_returns_eio), -EIO);
	EXPECT_EQ(t, ran, 1);
	snprintf(line, sizeof(line), "initcall %s/", name);
	EXPECT_TRUE(t, log_contains(mark, line));
	EXPECT_TRUE(t, log_contains(mark, "returned -5: what it starts is not there"));
}

TEST_CASE(initcall_test_a_good_initcall_says_nothing_without_initcall_debug)
{
	char name[128];
	u64 mark = log_seq();
	bool debug = initcall_debug;

	initcall_debug = false;
	ran = 0;
	EXPECT_EQ(t, do_one_initcall(initcall_returns_zero), 0);
	initcall_debug = debug;
	EXPECT_EQ(t, ran, 1);
	initcall_name(initcall_returns_zero, name, sizeof(name));
	EXPECT_FALSE(t, log_contains(mark, name));
}

TEST_CASE(initcall_test_initcall_debug_logs_the_call_and_its_cost_as_3_10)
{
	char name[128], line[192];
	u64 mark = log_seq();
	bool debug = initcall_debug;

	initcall_debug = true;
	EXPECT_EQ(t, do_one_initcall(initcall_returns_zero), 0);
	initcall_debug = debug;
	initcall_name(initcall_returns_zero, name, sizeof(name));
	snprintf(line, sizeof(line), "calling  %s/", name);
	EXPECT_TRUE(t, log_contains(mark, line));
	snprintf(line, sizeof(line), " @ %d\n", current->pid);
	EXPECT_TRUE(t, log_contains(mark, line));
	snprintf(line, sizeof(line), "initcall %s/", name);
	EXPECT_TRUE(t, log_contains(mark, line));
	EXPECT_TRUE(t, log_contains(mark, " returned 0 after "));
	EXPECT_TRUE(t, log_contains(mark, " usecs\n"));
}

TEST_CASE(initcall_test_a_preemption_imbalance_is_reported_and_undone)
{
	unsigned int count = preempt_count();
	unsigned long warned = warn_count;
	u64 mark = log_seq();

	EXPECT_EQ(t, do_one_initcall(initcall_leaves_preemption_off), 0);
	EXPECT_EQ(t, preempt_count(), count);
	EXPECT_EQ(t, warn_count, warned + 1);
	EXPECT_TRUE(t, log_contains(mark, "returned with preemption imbalance"));
}

TEST_CASE(initcall_test_interrupts_left_off_are_reported_and_turned_back_on)
{
	unsigned long warned = warn_count;
	u64 mark = log_seq();

	EXPECT_EQ(t, do_one_initcall(initcall_leaves_interrupts_off), 0);
	EXPECT_FALSE(t, irqs_disabled());
	EXPECT_EQ(t, warn_count, warned + 1);
	EXPECT_TRUE(t, log_contains(mark, "returned with disabled interrupts"));
}

/* After boot the report is closed: nothing more is recorded, and `boot` says what it holds. */
TEST_CASE(initcall_test_boot_report_is_closed_after_boot_and_boot_shows_it)
{
	unsigned int n = boot_degraded_count(), lines = 0;
	static char out[2 * BOOT_REPORT_MAX * BOOT_REPORT_LEN + 256];

	EXPECT_FALSE(t, boot_in_progress());
	EXPECT_EQ(t, boot_degraded("test: recorded after boot (%d)", -5), 0);
	boot_degraded_outcome(0, "ignored"); /* no entry 0: nothing happens */
	EXPECT_EQ(t, boot_degraded_count(), n);
	ASSERT_EQ(t, monitor_capture("boot", out, sizeof(out), NULL), 0);
	for (const char *p = out; (p = strstr(p, "boot: degraded: ")); p++)
		lines++;
	if (!n)
		EXPECT_STREQ(t, out, "boot: nothing degraded\n");
	else
		EXPECT_EQ(t, lines, n <= BOOT_REPORT_MAX ? n : BOOT_REPORT_MAX + 1);
	EXPECT_FALSE(t, strstr(out, "recorded after boot"));
	EXPECT_EQ(t, monitor_capture("boot now", out, sizeof(out), NULL), -EINVAL);
}

/* The deferred probes ran at late_initcall: a probe failing now is not queued again. */
TEST_CASE(initcall_test_deferred_probe_is_over_after_boot)
{
	struct deferred_probe dp = {};

	EXPECT_TRUE(t, driver_deferred_probe_closed());
	EXPECT_FALSE(t, driver_deferred_probe_add(&dp, "test: none", -ENOMEM, NULL));
	EXPECT_FALSE(t, dp.queued);
	EXPECT_EQ(t, dp.report, 0);
	driver_deferred_probe_del(&dp); /* not queued: nothing to take off */
	EXPECT_FALSE(t, dp.queued);
}

static const struct ktest_case initcall_cases[] = {
	KTEST(initcall_test_levels_are_laid_out_in_order),
	KTEST(initcall_test_each_entry_is_the_start_of_a_function),
	KTEST(initcall_test_loopback_registers_itself_at_fs_level),
	KTEST(initcall_test_a_failing_initcall_is_reported_and_its_error_returned),
	KTEST(initcall_test_a_good_initcall_says_nothing_without_initcall_debug),
	KTEST(initcall_test_initcall_debug_logs_the_call_and_its_cost_as_3_10),
	KTEST(initcall_test_a_preemption_imbalance_is_reported_and_undone),
	KTEST(initcall_test_interrupts_left_off_are_reported_and_turned_back_on),
	KTEST(initcall_test_boot_report_is_closed_after_boot_and_boot_shows_it),
	KTEST(initcall_test_deferred_probe_is_over_after_boot),
	{}
};
TEST_SUITE(initcall, initcall_cases);
