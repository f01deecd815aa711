/*
 * SPDX-License-Identifier: MIT
 * kernel/cmdline.c - split the command line into words and apply them.
 *
 * Portable C on purpose (no kernel headers): tests/host/test_cmdline.c runs
 * this file under AddressSanitizer and UBSan with hostile input.
 *
 *   loglevel=3 test="kmem page" quiet
 *   \________/ \_______________/ \___/
 *     word        quoted value    bare flag
 */
#include <kernel/cmdline.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define WORD_MAX 256

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

const char *cmdline_error_str(enum cmdline_error err)
{
	switch (err) {
	case CMDLINE_UNKNOWN:
		return "unknown option";
	case CMDLINE_BAD_VALUE:
		return "bad value";
	case CMDLINE_MISSING_VALUE:
		return "missing value";
	case CMDLINE_TOO_LONG:
		return "too long";
	case CMDLINE_UNTERMINATED:
		return "unterminated quote";
	}
	return "?";
}

static void report(cmdline_error_fn fn, void *ctx, enum cmdline_error e, const char *name,
		   const char *value)
{
	if (fn)
		fn(e, name, value, ctx);
}

static bool parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "1", "y", "yes", "on", "true" };
	static const char *const no[] = { "0", "n", "no", "off", "false" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(v, yes[i])) {
			*out = true;
			return true;
		}
		if (!strcasecmp(v, no[i])) {
			*out = false;
			return true;
		}
	}
	return false;
}

/* Apply one `name[=value]` to its option.  Returns the number of problems (0 or 1). */
static int apply(const struct kernel_param *p, const char *name, const char *val,
		 cmdline_error_fn fn, void *ctx)
{
	char *end;
	long l;
	bool b;

	switch (p->type) {
	case PARAM_BOOL:
		if (!val) {
			*(bool *)p->var = true; /* a bare flag turns it on */
			return 0;
		}
		if (!parse_bool(val, &b))
			goto bad;
		*(bool *)p->var = b;
		return 0;
	case PARAM_INT:
		if (!val || !*val)
			goto missing;
		errno = 0;
		l = strtol(val, &end, 0);
		if (errno || *end || l < p->min || l > p->max)
			goto bad;
		*(long *)p->var = l;
		return 0;
	case PARAM_STRING_OPT:
	case PARAM_STRING:
		if (!val && p->type == PARAM_STRING_OPT)
			val = "";
		if (!val)
			goto missing;
		if (strlen(val) >= (size_t)p->max) {
			memcpy(p->var, val, p->max - 1);
			((char *)p->var)[p->max - 1] = '\0';
			report(fn, ctx, CMDLINE_TOO_LONG, name, val);
			return 1;
		}
		strcpy(p->var, val);
		return 0;
	}
bad:
	report(fn, ctx, CMDLINE_BAD_VALUE, name, val);
	return 1;
missing:
	report(fn, ctx, CMDLINE_MISSING_VALUE, name, val);
	return 1;
}

static int apply_word(char *word, const struct kernel_param *params, size_t n, cmdline_error_fn fn,
		      void *ctx)
{
	char *eq = strchr(word, '=');
	const char *val = NULL;

	if (eq) {
		*eq = '\0';
		val = eq + 1;
	}
	for (size_t i = 0; i < n; i++)
		if (!strcmp(params[i].name, word))
			return apply(&params[i], word, val, fn, ctx);
	/* 3.10 passes unknown options to init; we report them: docs/linux-3.10.md */
	report(fn, ctx, CMDLINE_UNKNOWN, word, val);
	return 1;
}

/*
 * Copy the next word of *s into word[WORD_MAX], removing the quotes.
 * Returns 0, or the error that ended the word; *s moves past it.
 */
static int next_word(const char **s, char *word, bool *cut)
{
	const char *p = *s;
	size_t len = 0;
	bool quoted = false;

	*cut = false;
	for (; *p && (quoted || !is_space(*p)); p++) {
		if (*p == '"') {
			quoted = !quoted;
			continue;
		}
		if (len < WORD_MAX - 1)
			word[len++] = *p;
		else
			*cut = true;
	}
	word[len] = '\0';
	*s = p;
	return quoted ? -1 : 0;
}

int cmdline_parse(const char *line, const struct kernel_param *params, size_t n,
		  cmdline_error_fn fn, void *ctx)
{
	char word[WORD_MAX];
	int problems = 0;
	bool cut;

	if (!line)
		return 0;
	while (*line) {
		while (is_space(*line))
			line++;
		if (!*line)
			break;
		if (next_word(&line, word, &cut) < 0) {
			report(fn, ctx, CMDLINE_UNTERMINATED, word, NULL);
			problems++;
			continue; /* the rest of the line was swallowed by the quote */
		}
		if (cut) {
			report(fn, ctx, CMDLINE_TOO_LONG, word, NULL);
			problems++;
			continue;
		}
		problems += apply_word(word, params, n, fn, ctx);
	}
	return problems;
}
