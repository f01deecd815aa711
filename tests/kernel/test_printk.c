/*
 * SPDX-License-Identifier: MIT
 * tests/kernel/test_printk.c - printk: levels, the log buffer, and lines that an
 * interrupt's message never splits.  No case wraps the kernel's log (the
 * user's boot messages): wrapping is tested on a ring of the test's own.
 */
#include <drivers/serial.h>
#include <kernel/irq.h>
#include <kernel/sched.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/time.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define TEST_IRQ 10

static irqreturn_t printing_irq(int irq, void *dev)
{
	printk(KERN_INFO "irq-line-%d\n", irq);
	return IRQ_HANDLED;
}

/*
 * A thread prints "part1" and, later, "part2" as one line in two pieces
 * (KERN_CONT); an interrupt prints its own line in between.  The interrupt's
 * text must stand on a line of its own, not inside the thread's line.
 */
TEST_CASE(printk_test_irq_message_never_lands_mid_line)
{
	u64 mark = log_seq();
	char buf[256];

	ASSERT_EQ(t, request_irq(TEST_IRQ, printing_irq, 0, "test", NULL), 0);
	printk(KERN_INFO "part1-");
	irq_raise_for_test(TEST_IRQ);
	pr_cont("part2\n");
	free_irq(TEST_IRQ, NULL);

	log_read(mark, buf, sizeof(buf));
	EXPECT_NOT_NULL(t, strstr(buf, "\nirq-line-10\n"));
	EXPECT_NULL(t, strstr(buf, "part1-irq"));
	EXPECT_NOT_NULL(t, strstr(buf, "part1-\n")); /* the open line was ended first */
}

TEST_CASE(printk_test_continuation_joins_a_line)
{
	u64 mark = log_seq();

	printk(KERN_INFO "joined:");
	pr_cont("a");
	pr_cont("b\n");
	EXPECT_TRUE(t, log_contains(mark, "joined:ab\n"));
}

TEST_CASE(printk_test_level_below_loglevel_is_logged_not_shown)
{
	long saved = console_loglevel;
	u64 mark = log_seq();

	console_loglevel = 1; /* only KERN_EMERG reaches the console */
	printk(KERN_DEBUG "quiet-debug-line\n");
	console_loglevel = saved;
	EXPECT_TRUE(t, log_contains(mark, "quiet-debug-line")); /* kept in the log all the same */
}

/* A continuation goes where its line went: a hidden line stays hidden, a shown one shown. */
TEST_CASE(printk_test_continuation_follows_its_line)
{
	long saved = console_loglevel;
	u64 tx;

	console_loglevel = 4;
	tx = serial_stats.tx_bytes;
	printk(KERN_DEBUG "hidden-start");
	pr_cont("-hidden-end\n");
	EXPECT_EQ(t, serial_stats.tx_bytes, tx); /* nothing reached the console */
	printk(KERN_ERR "shown-start");
	pr_cont("-shown-end\n");
	EXPECT_GT(t, serial_stats.tx_bytes, tx + 20);
	console_loglevel = saved;
}

/* The monitor's own output shows at any loglevel (its thread forces the console). */
TEST_CASE(printk_test_forced_console_shows_every_level)
{
	long saved = console_loglevel;
	u64 tx;

	console_loglevel = 1;
	tx = serial_stats.tx_bytes;
	current->console_force = true;
	printk(KERN_DEBUG "forced-line\n");
	current->console_force = false;
	EXPECT_GT(t, serial_stats.tx_bytes, tx);
	tx = serial_stats.tx_bytes;
	printk(KERN_DEBUG "not-forced-line\n");
	EXPECT_EQ(t, serial_stats.tx_bytes, tx);
	console_loglevel = saved;
}

static irqreturn_t echoing_irq(int irq, void *dev)
{
	printk_echo("^C\n");
	return IRQ_HANDLED;
}

/*
 * The serial interrupt's "^C" (printk_echo) reaches the console at any
 * loglevel, and on a line of its own even when a thread's line is open.
 */
TEST_CASE(printk_test_echo_from_an_irq_shows_at_any_loglevel_on_its_own_line)
{
	long saved = console_loglevel;
	u64 mark = log_seq(), tx;
	char buf[128];

	ASSERT_EQ(t, request_irq(TEST_IRQ, echoing_irq, 0, "test", NULL), 0);
	console_loglevel = 1;
	printk(KERN_ERR "open-line-");
	tx = serial_stats.tx_bytes;
	irq_raise_for_test(TEST_IRQ);
	EXPECT_EQ(t, serial_stats.tx_bytes, tx + 4); /* "^C\r\n": the hidden line needs no end */
	pr_cont("closed\n");
	console_loglevel = saved;
	free_irq(TEST_IRQ, NULL);
	log_read(mark, buf, sizeof(buf));
	EXPECT_NOT_NULL(t, strstr(buf, "open-line-\n^C\nclosed\n"));
}

TEST_CASE(printk_test_returns_length_without_level)
{
	EXPECT_EQ(t, printk(KERN_INFO "12345\n"), 6);
}

TEST_CASE(printk_test_long_message_is_cut_with_newline)
{
	char big[700];
	u64 mark;
	char buf[700];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	mark = log_seq();
	printk(KERN_DEBUG "%s", big);
	printk(KERN_DEBUG "after\n");
	log_read(mark, buf, sizeof(buf));
	EXPECT_LT(t, strlen(buf), 600);
	EXPECT_NOT_NULL(t, strstr(buf, "x\nafter\n"));
}

/*
 * Wrapping a log takes more than it holds: the test fills a small ring of
 * its own (256 bytes, 16 line records), never the kernel's log, which holds
 * the user's boot messages.  Twenty 20-byte lines and "last-line\n" are 410
 * bytes: the oldest byte left is 154, inside line 7, so line 8 (at byte 160)
 * is the first whole line held.
 */
/* log_contains reads the log in pieces: a text across two pieces is still found. */
TEST_CASE(printk_test_log_contains_finds_a_text_across_its_read_pieces)
{
	u64 mark = log_seq(), filled;

	while (log_seq() - mark < LOG_CONTAINS_CHUNK - 128)
		printk(KERN_DEBUG "printk_test: filling one piece of log_contains' reads\n");
	filled = log_seq() - mark;
	/* "straddling-marker" starts 8 bytes before the first piece ends. */
	printk(KERN_DEBUG "%.*s straddling-marker\n", (int)(LOG_CONTAINS_CHUNK - 9 - filled),
	       "................................................................................"
	       "................................................................................");
	EXPECT_TRUE(t, log_contains(mark, "straddling-marker"));
	EXPECT_FALSE(t, log_contains(mark, "straddling-marker-not"));
	EXPECT_FALSE(t, log_contains(log_seq() + 100, "straddling")); /* @since in the future */
}

TEST_CASE(printk_test_log_ring_read_survives_wrap)
{
	static char bytes[256];
	static struct log_line lines[16];
	struct log_ring r = LOG_RING_INIT(bytes, lines);
	u64 kernel_mark = log_seq(), first, end;
	char line[32], buf[300];

	for (int i = 0; i < 20; i++) {
		snprintf(line, sizeof(line), "filler %02d .........\n", i);
		ASSERT_EQ(t, strlen(line), 20);
		log_ring_store(&r, line, 20, (u64)i * NSEC_PER_SEC);
	}
	log_ring_store(&r, "last-line\n", 10, 20 * NSEC_PER_SEC);
	EXPECT_EQ(t, log_seq(), kernel_mark); /* not a byte in the kernel's log */
	/* Reading from the start gives the oldest byte left. */
	EXPECT_EQ(t, log_ring_read(&r, 0, buf, sizeof(buf)), 256);
	EXPECT_EQ(t, strncmp(buf, ".....\nfiller 08 ", 16), 0);
	EXPECT_NOT_NULL(t, strstr(buf, "filler 19 .........\nlast-line\n"));
	EXPECT_EQ(t, log_ring_read(&r, 400, buf, 64), 10);
	EXPECT_STREQ(t, buf, "last-line\n");
	/* Lines: a line whose first byte is gone is gone, though its record is not. */
	log_ring_lines_held(&r, &first, &end);
	EXPECT_EQ(t, first, 8);
	EXPECT_EQ(t, end, 21);
	EXPECT_EQ(t, log_ring_format_line(&r, 7, buf, 64), -ENOENT);
	EXPECT_EQ(t, log_ring_format_line(&r, 8, buf, 64), 35);
	EXPECT_STREQ(t, buf, "[    8.000000] filler 08 .........\n");
	EXPECT_GT(t, log_ring_format_line(&r, 20, buf, 64), 0);
	EXPECT_STREQ(t, buf, "[   20.000000] last-line\n");
	EXPECT_EQ(t, log_ring_format_line(&r, 21, buf, 64), -ENOENT); /* not written yet */
}

/* Fewer line records than lines the bytes hold: the records decide what is held. */
TEST_CASE(printk_test_log_ring_keeps_as_many_lines_as_records)
{
	static char bytes[256];
	static struct log_line lines[4];
	struct log_ring r = LOG_RING_INIT(bytes, lines);
	u64 first, end;
	char buf[64];

	for (int i = 0; i < 10; i++)
		log_ring_store(&r, "short\n", 6, (u64)i * NSEC_PER_USEC);
	log_ring_lines_held(&r, &first, &end);
	EXPECT_EQ(t, first, 6);
	EXPECT_EQ(t, end, 10);
	EXPECT_EQ(t, log_ring_format_line(&r, 5, buf, sizeof(buf)), -ENOENT);
	EXPECT_GT(t, log_ring_format_line(&r, 6, buf, sizeof(buf)), 0);
	EXPECT_STREQ(t, buf, "[    0.000006] short\n");
	EXPECT_EQ(t, log_ring_read(&r, 0, buf, sizeof(buf)), 60); /* the bytes are all there */
}

TEST_CASE(printk_test_ratelimit)
{
	struct ratelimit_state rs = { 0 };
	int passed = 0;

	for (int i = 0; i < 10; i++)
		passed += __ratelimit(&rs, 60000, 3);
	EXPECT_EQ(t, passed, 3);
	EXPECT_EQ(t, rs.missed, 7);
}

static const struct ktest_case printk_cases[] = {
	KTEST(printk_test_irq_message_never_lands_mid_line),
	KTEST(printk_test_continuation_joins_a_line),
	KTEST(printk_test_level_below_loglevel_is_logged_not_shown),
	KTEST(printk_test_continuation_follows_its_line),
	KTEST(printk_test_forced_console_shows_every_level),
	KTEST(printk_test_echo_from_an_irq_shows_at_any_loglevel_on_its_own_line),
	KTEST(printk_test_returns_length_without_level),
	KTEST(printk_test_long_message_is_cut_with_newline),
	KTEST(printk_test_log_contains_finds_a_text_across_its_read_pieces),
	KTEST(printk_test_log_ring_read_survives_wrap),
	KTEST(printk_test_log_ring_keeps_as_many_lines_as_records),
	KTEST(printk_test_ratelimit),
	{}
};
TEST_SUITE(printk, printk_cases);
