/*
 * SPDX-License-Identifier: MIT
 * kernel/monitor_args.c - how monitor commands check their arguments.
 *
 * Every command says a bad argument the same way: one line naming the
 * command, the argument and what was wrong with it, then -EINVAL, after
 * which monitor_exec() prints the command's usage line:
 *
 *   > ping 10.0.2.2 abc
 *   ping: 'abc' is not a count (a number from 1 to 1000)
 *   usage: ping <a.b.c.d> [<count>]
 *   > blk read vda 8abc
 *   blk: '8abc' is not a sector: 'abc' follows the number
 *   usage: blk [read <disk> <sector> | write <disk> <sector> <pattern> | check <disk>]
 *
 * Numbers are parsed here, once, instead of with strtoul in each command:
 * strtoul stops quietly at the first bad character, takes a sign ("-1" is
 * a huge number) and wraps on overflow, and each of those is a wrong answer
 * to a typo.
 */
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

int monitor_bad_arg(const char *cmd, const char *fmt, ...)
{
	char what[MONITOR_LINE_MAX + 64]; /* it may quote the whole line */
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	printk("%s: %s\n", cmd, what); /* one printk: one line, whoever else prints */
	return -EINVAL;
}

int monitor_check_args(int argc, char **argv, int min, int max)
{
	int given = argc - 1;

	if (given > max && !max)
		return monitor_bad_arg(argv[0], "takes no arguments ('%s' given)", argv[1]);
	if (given > max)
		return monitor_bad_arg(argv[0], "too many arguments from '%s' on (at most %d)",
				       argv[max + 1], max);
	if (given < min)
		return monitor_bad_arg(argv[0], "too few arguments (%d given, at least %d needed)",
				       given, min);
	return 0;
}

/* The value of digit @c in @base, or @base when it is none. */
static unsigned int digit_value(char c, unsigned int base)
{
	unsigned int d = base;

	if (c >= '0' && c <= '9')
		d = (unsigned int)(c - '0');
	else if (c >= 'a' && c <= 'f')
		d = (unsigned int)(c - 'a' + 10);
	else if (c >= 'A' && c <= 'F')
		d = (unsigned int)(c - 'A' + 10);
	return d < base ? d : base;
}

int monitor_parse_uint(const char *cmd, const char *what, const char *arg, unsigned long long min,
		       unsigned long long max, unsigned long long *out)
{
	const char *p = arg;
	unsigned long long v = 0;
	unsigned int base = 10, d;
	bool overflow = false;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (digit_value(*p, base) == base)
		return monitor_bad_arg(cmd, "'%s' is not %s (a number from %llu to %llu)", arg,
				       what, min, max);
	for (; (d = digit_value(*p, base)) < base; p++) {
		if (v > (~0ULL - d) / base)
			overflow = true;
		else
			v = v * base + d;
	}
	if (*p)
		return monitor_bad_arg(cmd, "'%s' is not %s: '%s' follows the number", arg, what,
				       p);
	if (overflow || v < min || v > max)
		return monitor_bad_arg(cmd, "'%s' is out of range for %s (%llu to %llu)", arg, what,
				       min, max);
	*out = v;
	return 0;
}
