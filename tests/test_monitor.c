/*
 * tests/test_monitor.c - the monitor's line discipline and command dispatch,
 * driven by input injected into the serial receive ring.  (The host runner
 * also drives a booted monitor through a pipe.)
 */
#include <drivers/serial.h>
#include <kernel/ktest.h>
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <errno.h>

static int exec(const char *cmd)
{
	char line[MONITOR_LINE_MAX];

	strncpy(line, cmd, sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	return monitor_exec(line);
}

TEST_CASE(monitor_test_version_and_help)
{
	u64 mark = log_seq();

	EXPECT_EQ(t, exec("version"), 0);
	EXPECT_TRUE(t, log_contains(mark, "teachos"));
	mark = log_seq();
	EXPECT_EQ(t, exec("help"), 0);
	EXPECT_TRUE(t, log_contains(mark, "poweroff"));
	EXPECT_TRUE(t, log_contains(mark, "meminfo"));
}

TEST_CASE(monitor_test_unknown_command)
{
	u64 mark = log_seq();

	EXPECT_EQ(t, exec("frobnicate now"), -ENOENT);
	EXPECT_TRUE(t, log_contains(mark, "unknown command: frobnicate (try 'help')"));
}

TEST_CASE(monitor_test_empty_and_too_many_words)
{
	EXPECT_EQ(t, exec(""), 0);
	EXPECT_EQ(t, exec("   \t "), 0);
	EXPECT_EQ(t, exec("a b c d e f g h i j k l m n o p q r"), -E2BIG);
}

TEST_CASE(monitor_test_meminfo_format)
{
	u64 mark = log_seq();

	EXPECT_EQ(t, exec("meminfo"), 0);
	EXPECT_TRUE(t, log_contains(mark, "MemTotal:"));
	EXPECT_TRUE(t, log_contains(mark, " kB\n"));
}

TEST_CASE(monitor_test_line_editing)
{
	char buf[MONITOR_LINE_MAX];
	const char in[] = "ab\bc\x01" "d\x1b\r";	/* backspace erases b; ^A and ESC dropped */

	ASSERT_EQ(t, serial_inject_input(in, sizeof(in) - 1), sizeof(in) - 1);
	EXPECT_EQ(t, monitor_read_line(buf, sizeof(buf), false), 3);
	EXPECT_STREQ(t, buf, "acd");
}

TEST_CASE(monitor_test_over_long_line_refused_whole)
{
	char buf[16];
	const char in[] = "0123456789abcdefghij\nok\n";

	ASSERT_EQ(t, serial_inject_input(in, sizeof(in) - 1), sizeof(in) - 1);
	EXPECT_EQ(t, monitor_read_line(buf, sizeof(buf), false), -E2BIG);
	EXPECT_EQ(t, monitor_read_line(buf, sizeof(buf), false), 2);	/* the next line is intact */
	EXPECT_STREQ(t, buf, "ok");
}

static const struct ktest_case monitor_cases[] = {
	KTEST(monitor_test_version_and_help),
	KTEST(monitor_test_unknown_command),
	KTEST(monitor_test_empty_and_too_many_words),
	KTEST(monitor_test_meminfo_format),
	KTEST(monitor_test_line_editing),
	KTEST(monitor_test_over_long_line_refused_whole),
	{}
};
TEST_SUITE(monitor, monitor_cases);
