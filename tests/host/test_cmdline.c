/*
 * SPDX-License-Identifier: MIT
 * tests/host/test_cmdline.c - kernel/cmdline.c on the host, under
 * AddressSanitizer and UBSan, fed ordinary and hostile command lines.
 *
 * Every line is copied into a heap block of exactly its size first, so a
 * read one byte past the terminating NUL is an ASan report, not luck.
 * (tests/kernel/test_cmdline.c checks the same parser inside the kernel.)
 *
 *   make host-test          # from the top of the tree
 */
#include <kernel/cmdline.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "htest.h"

static long opt_num;
static bool opt_flag;
static char opt_str[16];

static const struct kernel_param params[] = {
	{ .name = "num", .type = PARAM_INT, .var = &opt_num, .min = -5, .max = 100 },
	{ .name = "flag", .type = PARAM_BOOL, .var = &opt_flag },
	{ .name = "str", .type = PARAM_STRING, .var = opt_str, .max = sizeof(opt_str) },
	{ .name = "ktest.timeout", .type = PARAM_INT, .var = &opt_num, .min = 1, .max = LONG_MAX },
};
#define NR_PARAMS (sizeof(params) / sizeof(params[0]))

/* What the parser reported, through on_error. */
static struct {
	int count;
	enum cmdline_error last;
	char name[300];
	bool had_value;
} errs;

static void on_error(enum cmdline_error e, const char *name, const char *value, void *ctx)
{
	(void)ctx;
	errs.count++;
	errs.last = e;
	snprintf(errs.name, sizeof(errs.name), "%s", name ? name : "(null)");
	errs.had_value = value != NULL;
}

/* Reset the options, parse a heap copy of exactly strlen(line) + 1 bytes. */
static int parse_with(const char *line, cmdline_error_fn fn)
{
	size_t len = strlen(line) + 1;
	char *copy = malloc(len);
	int n;

	memcpy(copy, line, len);
	opt_num = 0;
	opt_flag = false;
	opt_str[0] = '\0';
	memset(&errs, 0, sizeof(errs));
	n = cmdline_parse(copy, params, NR_PARAMS, fn, NULL);
	CHECK(memcmp(copy, line, len) == 0); /* the line is const: left as it was */
	free(copy);
	return n;
}

static int parse(const char *line)
{
	return parse_with(line, on_error);
}

HTEST(cmdline_applies_each_type)
{
	CHECK(parse("num=42 flag str=hello") == 0);
	CHECK(opt_num == 42);
	CHECK(opt_flag);
	CHECK(strcmp(opt_str, "hello") == 0);
	CHECK(parse("num=-5 num=0x10") == 0);
	CHECK(opt_num == 16); /* base prefixes work; the later word wins */
}

HTEST(cmdline_names_may_hold_dots)
{
	CHECK(parse("ktest.timeout=2500") == 0);
	CHECK(opt_num == 2500);
}

HTEST(cmdline_whitespace_of_any_kind_separates)
{
	CHECK(parse(" \t num=7\r\n\tflag \n") == 0);
	CHECK(opt_num == 7 && opt_flag);
	CHECK(parse("") == 0);
	CHECK(parse(" \t\r\n ") == 0);
	CHECK(errs.count == 0);
}

HTEST(cmdline_null_line_is_empty)
{
	CHECK(cmdline_parse(NULL, params, NR_PARAMS, on_error, NULL) == 0);
}

HTEST(cmdline_quotes_keep_spaces)
{
	CHECK(parse("str=\"a b c\" num=3") == 0);
	CHECK(strcmp(opt_str, "a b c") == 0);
	CHECK(opt_num == 3);
	CHECK(parse("str=x\"y z\"w") == 0);
	CHECK(strcmp(opt_str, "xy zw") == 0);
	CHECK(parse("str=\"\"") == 0);
	CHECK(opt_str[0] == '\0');
}

HTEST(cmdline_unterminated_quote_is_reported)
{
	CHECK(parse("num=1 str=\"abc num=9") == 1);
	CHECK(errs.last == CMDLINE_UNTERMINATED);
	CHECK(opt_num == 1); /* the quote swallowed "num=9" */
	CHECK(parse("\"") == 1);
	CHECK(errs.last == CMDLINE_UNTERMINATED);
}

HTEST(cmdline_unknown_option_is_named)
{
	CHECK(parse("nosuch=1 num=2") == 1);
	CHECK(errs.last == CMDLINE_UNKNOWN);
	CHECK(strcmp(errs.name, "nosuch") == 0);
	CHECK(errs.had_value);
	CHECK(opt_num == 2);
	CHECK(parse("=5") == 1);
	CHECK(errs.last == CMDLINE_UNKNOWN);
	CHECK(parse("nu") == 1 && parse("numb=1") == 1); /* whole names only */
}

HTEST(cmdline_bad_numbers_keep_the_default)
{
	static const char *const bad[] = {
		"num=101",
		"num=-6",
		"num=abc",
		"num=12abc",
		"num=0x",
		"num=1.5",
		"num=99999999999999999999",
		"num=-99999999999999999999",
		"num=1e3",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(parse(bad[i]) == 1);
		CHECK(errs.last == CMDLINE_BAD_VALUE);
		CHECK(opt_num == 0);
	}
	CHECK(parse("ktest.timeout=9223372036854775807") == 0);
	CHECK(opt_num == LONG_MAX);
}

HTEST(cmdline_missing_values_are_reported)
{
	CHECK(parse("num") == 1 && errs.last == CMDLINE_MISSING_VALUE);
	CHECK(parse("num=") == 1 && errs.last == CMDLINE_MISSING_VALUE);
	CHECK(parse("str") == 1 && errs.last == CMDLINE_MISSING_VALUE);
	CHECK(parse("str=") == 0 && opt_str[0] == '\0'); /* an empty string is a value */
}

HTEST(cmdline_booleans_in_every_spelling)
{
	static const char *const yes[] = { "flag=1", "flag=y", "flag=YES", "flag=On", "flag=true" };
	static const char *const no[] = { "flag=0", "flag=n", "flag=No", "flag=OFF", "flag=false" };

	for (size_t i = 0; i < 5; i++) {
		CHECK(parse(yes[i]) == 0 && opt_flag);
		CHECK(parse(no[i]) == 0 && !opt_flag);
	}
	CHECK(parse("flag=maybe") == 1 && errs.last == CMDLINE_BAD_VALUE && !opt_flag);
	CHECK(parse("flag=") == 1 && errs.last == CMDLINE_BAD_VALUE);
}

HTEST(cmdline_strings_are_cut_to_fit)
{
	CHECK(parse("str=123456789012345") == 0); /* 15 chars + NUL: fits exactly */
	CHECK(strcmp(opt_str, "123456789012345") == 0);
	CHECK(parse("str=1234567890123456") == 1); /* one more */
	CHECK(errs.last == CMDLINE_TOO_LONG);
	CHECK(strlen(opt_str) == sizeof(opt_str) - 1);
}

HTEST(cmdline_long_words_are_refused)
{
	char line[600];

	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	CHECK(parse(line) == 1);
	CHECK(errs.last == CMDLINE_TOO_LONG);

	/* 255 characters is the longest word: an unknown option, not a long one. */
	line[255] = '\0';
	CHECK(parse(line) == 1);
	CHECK(errs.last == CMDLINE_UNKNOWN);
	/* 256: too long. */
	memset(line, 'a', 256);
	line[256] = '\0';
	CHECK(parse(line) == 1 && errs.last == CMDLINE_TOO_LONG);
}

HTEST(cmdline_works_without_an_error_callback)
{
	CHECK(parse_with("nosuch num=500 flag=maybe \"", NULL) == 4);
}

HTEST(cmdline_every_error_has_a_name)
{
	for (int e = CMDLINE_UNKNOWN; e <= CMDLINE_UNTERMINATED; e++) {
		const char *s = cmdline_error_str(e);

		CHECK(s && *s && strcmp(s, "?") != 0);
	}
}

HTEST(cmdline_survives_every_byte)
{
	char line[256];

	for (int i = 0; i < 255; i++)
		line[i] = (char)(i + 1);
	line[255] = '\0';
	parse(line); /* any result will do; the sanitizers watch the way there */
	CHECK(true);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	return htest_rand(&rng_state);
}

HTEST(cmdline_survives_random_lines)
{
	static const char alphabet[] = "a=\" \t\r\n\x01\xff"
				       "0x-9numflagstr.";
	char line[700];

	for (int iter = 0; iter < 20000; iter++) {
		size_t len = rng() % sizeof(line);

		for (size_t i = 0; i < len; i++)
			line[i] = alphabet[rng() % (sizeof(alphabet) - 1)];
		line[len] = '\0';
		CHECK(parse(line) >= 0);
		CHECK(strlen(opt_str) < sizeof(opt_str));
	}
}

HTEST(cmdline_survives_a_huge_line)
{
	size_t len = 1 << 20;
	char *line = malloc(len + 1);

	for (size_t i = 0; i < len; i++)
		line[i] = i % 300 == 299 ? ' ' : '"';
	line[len] = '\0';
	parse(line);
	memset(line, 'n', len);
	CHECK(parse(line) == 1 && errs.last == CMDLINE_TOO_LONG);
	free(line);
}

static const struct htest tests[] = {
	HTEST_ENTRY(cmdline_applies_each_type),
	HTEST_ENTRY(cmdline_names_may_hold_dots),
	HTEST_ENTRY(cmdline_whitespace_of_any_kind_separates),
	HTEST_ENTRY(cmdline_null_line_is_empty),
	HTEST_ENTRY(cmdline_quotes_keep_spaces),
	HTEST_ENTRY(cmdline_unterminated_quote_is_reported),
	HTEST_ENTRY(cmdline_unknown_option_is_named),
	HTEST_ENTRY(cmdline_bad_numbers_keep_the_default),
	HTEST_ENTRY(cmdline_missing_values_are_reported),
	HTEST_ENTRY(cmdline_booleans_in_every_spelling),
	HTEST_ENTRY(cmdline_strings_are_cut_to_fit),
	HTEST_ENTRY(cmdline_long_words_are_refused),
	HTEST_ENTRY(cmdline_works_without_an_error_callback),
	HTEST_ENTRY(cmdline_every_error_has_a_name),
	HTEST_ENTRY(cmdline_survives_every_byte),
	HTEST_ENTRY(cmdline_survives_random_lines),
	HTEST_ENTRY(cmdline_survives_a_huge_line),
};

int main(void)
{
	return htest_main("test_cmdline", tests, HTEST_COUNT(tests));
}
