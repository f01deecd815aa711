/*
 * SPDX-License-Identifier: MIT
 * tests/kernel/test_cmdline.c - command-line parsing in the guest: good options,
 * bad values, unknown options, quotes.  (tests/host/test_cmdline.c runs the
 * same parser on the host under the sanitizers with hostile input.)
 */
#include <kernel/cmdline.h>
#include <kernel/ktest.h>
#include <kernel/multiboot.h>
#include <kernel/printk.h>
#include <string.h>

static long opt_num;
static bool opt_flag;
static char opt_str[16];
static char opt_opt[16];

static const struct kernel_param params[] = {
	{ .name = "num", .type = PARAM_INT, .var = &opt_num, .min = -5, .max = 100 },
	{ .name = "flag", .type = PARAM_BOOL, .var = &opt_flag },
	{ .name = "str", .type = PARAM_STRING, .var = opt_str, .max = sizeof(opt_str) },
	{ .name = "opt", .type = PARAM_STRING_OPT, .var = opt_opt, .max = sizeof(opt_opt) },
};

static struct {
	int count;
	enum cmdline_error last;
	char name[32];
} errs;

static void on_error(enum cmdline_error e, const char *name, const char *value, void *ctx)
{
	errs.count++;
	errs.last = e;
	strncpy(errs.name, name, sizeof(errs.name) - 1);
}

static int parse(const char *line)
{
	opt_num = 0;
	opt_flag = false;
	opt_str[0] = '\0';
	strcpy(opt_opt, "unset");
	memset(&errs, 0, sizeof(errs));
	return cmdline_parse(line, params, ARRAY_SIZE(params), on_error, NULL);
}

TEST_CASE(cmdline_test_good_options)
{
	EXPECT_EQ(t, parse("num=42 flag str=hello"), 0);
	EXPECT_EQ(t, opt_num, 42);
	EXPECT_TRUE(t, opt_flag);
	EXPECT_STREQ(t, opt_str, "hello");
	EXPECT_EQ(t, parse("  num=0x10\tflag=off  "), 0);
	EXPECT_EQ(t, opt_num, 16);
	EXPECT_FALSE(t, opt_flag);
}

TEST_CASE(cmdline_test_quoted_value_keeps_spaces)
{
	EXPECT_EQ(t, parse("str=\"a b c\" num=3"), 0);
	EXPECT_STREQ(t, opt_str, "a b c");
	EXPECT_EQ(t, opt_num, 3);
}

TEST_CASE(cmdline_test_unknown_option_reported_not_fatal)
{
	EXPECT_EQ(t, parse("bogus=1 num=7"), 1);
	EXPECT_EQ(t, errs.last, CMDLINE_UNKNOWN);
	EXPECT_STREQ(t, errs.name, "bogus");
	EXPECT_EQ(t, opt_num, 7); /* the good option after it still applies */
}

TEST_CASE(cmdline_test_bad_values_keep_defaults)
{
	EXPECT_EQ(t, parse("num=abc"), 1);
	EXPECT_EQ(t, errs.last, CMDLINE_BAD_VALUE);
	EXPECT_EQ(t, opt_num, 0);
	EXPECT_EQ(t, parse("num=101"), 1); /* out of range */
	EXPECT_EQ(t, parse("num=-6"), 1);
	EXPECT_EQ(t, parse("num=12junk"), 1);
	EXPECT_EQ(t, parse("num"), 1);
	EXPECT_EQ(t, errs.last, CMDLINE_MISSING_VALUE);
	EXPECT_EQ(t, parse("flag=maybe"), 1);
	EXPECT_EQ(t, errs.last, CMDLINE_BAD_VALUE);
}

TEST_CASE(cmdline_test_too_long_and_unterminated)
{
	EXPECT_EQ(t, parse("str=0123456789abcdefXYZ"), 1);
	EXPECT_EQ(t, errs.last, CMDLINE_TOO_LONG);
	EXPECT_EQ(t, strlen(opt_str), sizeof(opt_str) - 1); /* cut, still terminated */
	EXPECT_EQ(t, parse("num=1 str=\"open"), 1);
	EXPECT_EQ(t, errs.last, CMDLINE_UNTERMINATED);
	EXPECT_EQ(t, opt_num, 1);
}

TEST_CASE(cmdline_test_optional_string_bare_means_empty)
{
	EXPECT_EQ(t, parse("opt"), 0);
	EXPECT_STREQ(t, opt_opt, "");
	EXPECT_EQ(t, parse("opt=FZ"), 0);
	EXPECT_STREQ(t, opt_opt, "FZ");
	EXPECT_EQ(t, parse("num=1"), 0);
	EXPECT_STREQ(t, opt_opt, "unset"); /* not given: untouched */
	EXPECT_EQ(t, parse("str"), 1);	   /* a plain string still needs its value */
	EXPECT_EQ(t, errs.last, CMDLINE_MISSING_VALUE);
}

TEST_CASE(cmdline_test_empty_line)
{
	EXPECT_EQ(t, parse(""), 0);
	EXPECT_EQ(t, parse("   "), 0);
	EXPECT_EQ(t, cmdline_parse(NULL, params, ARRAY_SIZE(params), NULL, NULL), 0);
}

extern const struct kernel_param __cmdline_params_start[], __cmdline_params_end[];

/* The value of the boot line's `test=` word (its length in @len), or NULL. */
static const char *boot_line_test_value(size_t *len)
{
	const char *line = boot_info.cmdline, *p = line;

	while ((p = strstr(p, "test="))) {
		if (p == line || p[-1] == ' ') {
			*len = strcspn(p + 5, " ");
			return p + 5;
		}
		p++;
	}
	return NULL;
}

/*
 * The runner boots with test=...: the kernel's `test` option must hold
 * that value.  From the monitor's `test` command there is no such word.
 */
TEST_CASE(cmdline_test_boot_line_was_applied)
{
	const struct kernel_param *p = __cmdline_params_start;
	size_t len = 0;
	const char *want = boot_line_test_value(&len);

	if (!want)
		ktest_skip(t,
			   "booted without test= (the monitor's test command; the runner has it)");
	while (p < __cmdline_params_end && strcmp(p->name, "test"))
		p++;
	ASSERT_TRUE(t, p < __cmdline_params_end);
	EXPECT_EQ(t, strlen(p->var), len);
	EXPECT_EQ(t, strncmp(p->var, want, len), 0);
}

TEST_CASE(cmdline_test_kernel_reports_unknown_option)
{
	u64 mark = log_seq();

	EXPECT_EQ(t, cmdline_init("no_such_option=1"), 1);
	EXPECT_TRUE(t, log_contains(mark, "cmdline: unknown option 'no_such_option'"));
	cmdline_errors--; /* ours, not the boot line's */
}

static const struct ktest_case cmdline_cases[] = {
	KTEST(cmdline_test_good_options),
	KTEST(cmdline_test_quoted_value_keeps_spaces),
	KTEST(cmdline_test_unknown_option_reported_not_fatal),
	KTEST(cmdline_test_bad_values_keep_defaults),
	KTEST(cmdline_test_too_long_and_unterminated),
	KTEST(cmdline_test_optional_string_bare_means_empty),
	KTEST(cmdline_test_empty_line),
	KTEST(cmdline_test_boot_line_was_applied),
	KTEST(cmdline_test_kernel_reports_unknown_option),
	{}
};
TEST_SUITE(cmdline, cmdline_cases);
