/*
 * tests/test_printk.c - printk: levels, the log buffer, and lines that an
 * interrupt's message never splits.
 */
#include <drivers/serial.h>
#include <kernel/irq.h>
#include <kernel/sched.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>

#define TEST_IRQ	10

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
	EXPECT_NOT_NULL(t, strstr(buf, "part1-\n"));	/* the open line was ended first */
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

	console_loglevel = 1;			/* only KERN_EMERG reaches the console */
	printk(KERN_DEBUG "quiet-debug-line\n");
	console_loglevel = saved;
	EXPECT_TRUE(t, log_contains(mark, "quiet-debug-line"));	/* kept in the log all the same */
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
	EXPECT_EQ(t, serial_stats.tx_bytes, tx);	/* nothing reached the console */
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

TEST_CASE(printk_test_log_read_survives_wrap)
{
	u64 mark = log_seq();
	char buf[64];

	for (int i = 0; i < 2 * LOG_BUF_SIZE / 64; i++)
		printk(KERN_DEBUG "filler line %05d ......................................\n", i);
	printk(KERN_DEBUG "last-line\n");
	/* The start of what we printed is gone; reading from the old mark gives the oldest byte left. */
	EXPECT_TRUE(t, log_contains(mark, "last-line"));
	EXPECT_FALSE(t, log_contains(mark, "filler line 00000 "));
	EXPECT_EQ(t, log_read(log_seq() - 10, buf, sizeof(buf)), 10);
	EXPECT_STREQ(t, buf, "last-line\n");
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
	KTEST(printk_test_returns_length_without_level),
	KTEST(printk_test_long_message_is_cut_with_newline),
	KTEST(printk_test_log_read_survives_wrap),
	KTEST(printk_test_ratelimit),
	{}
};
TEST_SUITE(printk, printk_cases);
