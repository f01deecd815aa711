/*
 * SPDX-License-Identifier: MIT
 * tests/kernel/test_monitor.c - the monitor's line editor, command dispatch,
 * `test list` and dmesg's timestamps, driven by input injected into the
 * serial receive ring (the input queued there before is set aside while the
 * suite runs, and put back after it).  (tests/host/test_line_edit.c checks
 * the editor's every redraw on the host; tools/monitor_checks.py types at a
 * booted monitor, Ctrl-C during a command included.)
 */
#include <drivers/serial.h>
#include <kernel/ktest.h>
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "monitor_test.h"

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
	EXPECT_EQ(t, exec("a b c d e f g h i j k l m n o p q r s t u v w x y"), -E2BIG);
}

TEST_CASE(monitor_test_meminfo_format)
{
	u64 mark = log_seq();

	EXPECT_EQ(t, exec("meminfo"), 0);
	EXPECT_TRUE(t, log_contains(mark, "MemTotal:"));
	EXPECT_TRUE(t, log_contains(mark, " kB\n"));
}

/* Inject @in and read it back as a line into @buf; returns monitor_read_line()'s result. */
static int type_line(const char *in, char *buf, size_t size)
{
	if (serial_inject_input(in, strlen(in)) != strlen(in))
		return -ENOSPC;
	return monitor_read_line(buf, size, false);
}

TEST_CASE(monitor_test_backspace_erases_and_ctrl_a_moves_to_the_start)
{
	char buf[MONITOR_LINE_MAX];

	EXPECT_EQ(t,
		  type_line("ab\bc\x01"
			    "d\r",
			    buf, sizeof(buf)),
		  3);
	EXPECT_STREQ(t, buf, "dac");
}

TEST_CASE(monitor_test_arrow_keys_move_in_the_line)
{
	char buf[MONITOR_LINE_MAX];

	/* left, insert; Home, insert; End (VT220 spelling), insert */
	EXPECT_EQ(t, type_line("helo\x1b[Dl\x1b[H>\x1b[4~!\n", buf, sizeof(buf)), 7);
	EXPECT_STREQ(t, buf, ">hello!");
}

TEST_CASE(monitor_test_unknown_escape_sequences_leave_nothing_in_the_line)
{
	char buf[MONITOR_LINE_MAX];

	/* Ctrl-Right, F5, F1: once they leaked as "[1;5C", "[15~", "OP" */
	EXPECT_EQ(t, type_line("ab\x1b[1;5C\x1b[15~\x1bOPc\n", buf, sizeof(buf)), 3);
	EXPECT_STREQ(t, buf, "abc");
}

TEST_CASE(monitor_test_ctrl_c_abandons_the_typed_line)
{
	char buf[MONITOR_LINE_MAX];

	ASSERT_EQ(t, serial_inject_input("versi\x03on\n", 9), 9);
	EXPECT_EQ(t, monitor_read_line(buf, sizeof(buf), false), -EINTR);
	EXPECT_EQ(t, monitor_read_line(buf, sizeof(buf), false), 2); /* what came after */
	EXPECT_STREQ(t, buf, "on");
}

TEST_CASE(monitor_test_tab_completes_a_command_name)
{
	char buf[MONITOR_LINE_MAX];

	EXPECT_EQ(t, type_line("upt\t\n", buf, sizeof(buf)), 7);
	EXPECT_STREQ(t, buf, "uptime ");
	EXPECT_EQ(t, type_line("zzz\t\n", buf, sizeof(buf)), 3); /* no such command */
	EXPECT_STREQ(t, buf, "zzz");
}

TEST_CASE(monitor_test_over_long_line_refused_whole)
{
	char buf[16];
	const char in[] = "0123456789abcdefghij\nok\n";

	ASSERT_EQ(t, serial_inject_input(in, sizeof(in) - 1), sizeof(in) - 1);
	EXPECT_EQ(t, monitor_read_line(buf, sizeof(buf), false), -E2BIG);
	EXPECT_EQ(t, monitor_read_line(buf, sizeof(buf), false), 2); /* the next line is intact */
	EXPECT_STREQ(t, buf, "ok");
}

/* Every suite, in link order: the .ktest_suites section (tests/lib/ktest.c). */
extern const struct ktest_suite __ktest_suites_start[], __ktest_suites_end[];

/*
 * How many "  <suite>  N cases" lines @text has; *@sorted: each suite's name
 * comes after the one before.
 */
static unsigned int listed_suites(char *text, bool *sorted)
{
	char *save, *prev = NULL;
	unsigned int n = 0;

	*sorted = true;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *name = l + strspn(l, " ");

		if (name == l || !strstr(l, " case"))
			continue;
		name[strcspn(name, " ")] = '\0';
		if (prev && strcmp(prev, name) >= 0)
			*sorted = false;
		prev = name;
		n++;
	}
	return n;
}

TEST_CASE(monitor_test_test_list_names_every_suite_and_its_cases)
{
	static char listing[8192];
	char want[64];
	unsigned int n = 0;
	u64 mark = log_seq();
	bool sorted;

	for (const struct ktest_case *c = t->suite->cases; c->name; c++)
		n++;
	snprintf(want, sizeof(want), "  %-24s %3u cases\n", "monitor", n);
	EXPECT_EQ(t, exec("test list"), 0);
	EXPECT_TRUE(t, log_contains(mark, want));
	ASSERT_LT(t, log_read(mark, listing, sizeof(listing)), sizeof(listing) - 1);
	n = 0;
	for (const struct ktest_suite *s = __ktest_suites_start; s < __ktest_suites_end; s++)
		n++;
	EXPECT_EQ(t, listed_suites(listing, &sorted), n); /* every suite, once */
	EXPECT_TRUE(t, sorted);				  /* by name, not in link order */
	mark = log_seq();
	EXPECT_EQ(t, exec("test list monitor"), 0);
	EXPECT_TRUE(t, log_contains(mark, "  monitor.monitor_test_test_list_names_every_suite"));
	EXPECT_FALSE(t, log_contains(mark, "  time.")); /* only the suite asked for */
	mark = log_seq();
	EXPECT_EQ(t, exec("test list nosuch"), -EINVAL);
	EXPECT_TRUE(t, log_contains(mark, "test: no suite 'nosuch'"));
}

/*
 * `test list` tells the two kinds of suite `test all` leaves out apart: a
 * selftest fails on purpose; a by-name-only suite is real and says why.
 */
TEST_CASE(monitor_test_test_list_says_why_a_suite_runs_only_by_name)
{
	static char want[160];
	unsigned int selftests = 0, by_name = 0;
	u64 mark = log_seq();

	EXPECT_EQ(t, exec("test list"), 0);
	for (const struct ktest_suite *s = __ktest_suites_start; s < __ktest_suites_end; s++) {
		unsigned int n = 0;

		if (!s->selftest && !s->by_name_only)
			continue;
		for (const struct ktest_case *c = s->cases; c->name; c++)
			n++;
		if (s->selftest)
			snprintf(want, sizeof(want),
				 "  %-24s %3u cases  (selftest: fails on purpose, "
				 "run only by name)\n",
				 s->name, n);
		else
			snprintf(want, sizeof(want), "  %-24s %3u %s  (run only by name: %s)\n",
				 s->name, n, n == 1 ? "case" : "cases", s->by_name_only);
		EXPECT_TRUE(t, log_contains(mark, want));
		selftests += s->selftest;
		by_name += !s->selftest;
	}
	EXPECT_GE(t, selftests, 1); /* ktest_selftest */
	EXPECT_GE(t, by_name, 1);   /* virtio_blk_host, virtio_blk_bench */
}

/* "[sssss.uuuuuu] " at @s as microseconds, or -1 if it is not that. */
static long long stamp_us(const char *s)
{
	long long sec = 0, us = 0;
	int digits = 0;

	if (s[0] != '[' || s[6] != '.' || s[13] != ']' || s[14] != ' ')
		return -1;
	for (int i = 1; i < 6; i++) {
		if (s[i] == ' ' && !digits)
			continue; /* right-aligned seconds */
		if (s[i] < '0' || s[i] > '9')
			return -1;
		sec = sec * 10 + (s[i] - '0');
		digits++;
	}
	for (int i = 7; i < 13; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		us = us * 10 + (s[i] - '0');
	}
	return digits ? sec * 1000000 + us : -1;
}

TEST_CASE(monitor_test_dmesg_lines_carry_timestamps_that_never_go_back)
{
	static char buf[256];
	long long prev = 0, t_one = -1, t_two = -1;
	u64 first, end, nr_one = 0, mark = log_seq();

	printk(KERN_DEBUG "dmesg-mark-one, a line longer than thirty-two bytes\n");
	msleep(20);
	printk(KERN_DEBUG "dmesg-mark-two\n");
	log_lines_held(&first, &end);
	ASSERT_LT(t, first, end);
	for (u64 nr = first; nr < end; nr++) {
		long long us;
		int n = log_format_line(nr, buf, sizeof(buf));

		if (n == -ENOENT) /* a printk elsewhere pushed it out, as cmd_dmesg allows */
			continue;
		ASSERT_GT(t, n, 15);
		us = stamp_us(buf);
		if (us < prev) {
			ktest_fail(t, __FILE__, __LINE__, "line %llu: bad or earlier stamp: %s",
				   (unsigned long long)nr, buf);
			break;
		}
		prev = us;
		if (strstr(buf, "] dmesg-mark-one,")) {
			t_one = us;
			nr_one = nr;
		}
		t_two = strstr(buf, "] dmesg-mark-two\n") ? us : t_two;
	}
	EXPECT_GE(t, t_one, 0);
	EXPECT_GE(t, t_two - t_one, 15000); /* 20 ms apart, less the TSC calibration error */
	EXPECT_EQ(t, log_format_line(end + 1, buf, sizeof(buf)), -ENOENT);
	EXPECT_EQ(t, log_format_line(nr_one, buf, 32), 31); /* cut to fit, still a line */
	EXPECT_EQ(t, buf[30], '\n');
	/* The log bytes carry no stamp: log_read/log_contains see what was said. */
	log_read(mark, buf, sizeof(buf));
	EXPECT_TRUE(t, !strncmp(buf, "dmesg-mark-one,", 15));
}

/* dmesg asks signal_pending before each line: Ctrl-C stops it with -EINTR. */
TEST_CASE(monitor_test_dmesg_stops_at_a_pending_signal)
{
	u64 first, end;

	log_lines_held(&first, &end);
	ASSERT_LT(t, first, end);
	EXPECT_EQ(t, send_sig(SIGINT, current, 1), 0);
	EXPECT_EQ(t, exec("dmesg"), -EINTR); /* before its first line: nothing printed */
	flush_signals(current);
}

/* The suite holds the input ring from here on (monitor_suite_init): a second taker is refused. */
TEST_CASE(monitor_test_input_cannot_be_set_aside_twice)
{
	EXPECT_EQ(t, serial_rx_set_aside(), -EBUSY);
	EXPECT_EQ(t, serial_trygetc(), -1); /* the ring holds nothing but what a case injects */
}

/*
 * The cases inject their own input into the serial ring: whatever was typed
 * ahead or piped after `test` (the next commands) waits aside meanwhile.
 */
static int monitor_suite_init(void)
{
	return serial_rx_set_aside();
}

static void monitor_suite_exit(void)
{
	serial_rx_put_back();
}

static const struct ktest_case monitor_cases[] = {
	KTEST(monitor_test_version_and_help),
	KTEST(monitor_test_unknown_command),
	KTEST(monitor_test_empty_and_too_many_words),
	KTEST(monitor_test_meminfo_format),
	KTEST(monitor_test_backspace_erases_and_ctrl_a_moves_to_the_start),
	KTEST(monitor_test_arrow_keys_move_in_the_line),
	KTEST(monitor_test_unknown_escape_sequences_leave_nothing_in_the_line),
	KTEST(monitor_test_ctrl_c_abandons_the_typed_line),
	KTEST(monitor_test_tab_completes_a_command_name),
	KTEST(monitor_test_over_long_line_refused_whole),
	KTEST(monitor_test_test_list_names_every_suite_and_its_cases),
	KTEST(monitor_test_test_list_says_why_a_suite_runs_only_by_name),
	KTEST(monitor_test_dmesg_lines_carry_timestamps_that_never_go_back),
	KTEST(monitor_test_dmesg_stops_at_a_pending_signal),
	KTEST(monitor_test_input_cannot_be_set_aside_twice),
	{}
};
TEST_SUITE_INIT(monitor, monitor_cases, monitor_suite_init, monitor_suite_exit);
