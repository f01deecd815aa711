/*
 * SPDX-License-Identifier: MIT
 * kernel/cmdline.h - the kernel command line, parsed into named options.
 *
 * The line is what the boot loader passes (GRUB's `multiboot` line, QEMU's
 * -append): words separated by spaces, each `name=value` or a bare `name`;
 * a value may be "double quoted" to hold spaces.  Each option the kernel
 * knows is declared where it is used:
 *
 *   static long loglevel = 7;		(PARAM_INT options are longs)
 *   cmdline_param_int(loglevel, &loglevel, 0, 8, "console log level");
 *
 * Unknown options and bad values are reported and counted, never fatal: the
 * kernel boots with the defaults.  The parser (kernel/cmdline.c) is plain C
 * with no kernel dependencies, so tests/host runs it under the sanitizers.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

enum param_type {
	PARAM_INT,	  /* long, within [min, max] */
	PARAM_BOOL,	  /* bare name, or =1/0, y/n, yes/no, on/off, true/false */
	PARAM_STRING,	  /* copied into a char array of max bytes */
	PARAM_STRING_OPT, /* the same, and a bare name means "" (as Linux's slub_debug) */
};

struct kernel_param {
	const char *name;
	enum param_type type;
	void *var;     /* long *, bool *, or char[max] */
	long min, max; /* PARAM_INT: range; PARAM_STRING: max = buffer size */
	const char *help;
};

#define __cmdline_param(pname, ptype, pvar, pmin, pmax, phelp)                    \
	static const struct kernel_param __param_##pname                          \
		__attribute__((section(".cmdline_params"), used, aligned(8))) = { \
			.name = #pname,                                           \
			.type = ptype,                                            \
			.var = pvar,                                              \
			.min = pmin,                                              \
			.max = pmax,                                              \
			.help = phelp,                                            \
		}

/* The variable is a long: the parser stores one (a smaller one would be overrun). */
#define cmdline_param_int(name, var, lo, hi, help)                                         \
	_Static_assert(sizeof(*(var)) == sizeof(long), #name ": a cmdline int is a long"); \
	__cmdline_param(name, PARAM_INT, var, lo, hi, help)
#define cmdline_param_bool(name, var, help) __cmdline_param(name, PARAM_BOOL, var, 0, 1, help)
#define cmdline_param_string(name, buf, help) \
	__cmdline_param(name, PARAM_STRING, buf, 0, sizeof(buf), help)
#define cmdline_param_string_opt(name, buf, help) \
	__cmdline_param(name, PARAM_STRING_OPT, buf, 0, sizeof(buf), help)

enum cmdline_error {
	CMDLINE_UNKNOWN,       /* no option of that name */
	CMDLINE_BAD_VALUE,     /* not a number / not a boolean / out of range */
	CMDLINE_MISSING_VALUE, /* an int or string option without =value */
	CMDLINE_TOO_LONG,      /* a string value that does not fit (it is cut) */
	CMDLINE_UNTERMINATED,  /* an opening quote without its closing quote */
};

/* Called once per problem: what went wrong, the option's name and value (may be NULL). */
typedef void (*cmdline_error_fn)(enum cmdline_error err, const char *name, const char *value,
				 void *ctx);

/*
 * cmdline_parse - apply @line to the options in @params[0..n).
 * Later words override earlier ones.  Returns the number of problems
 * (each also reported through @on_error if it is not NULL).  @line is not
 * modified.  Words longer than 255 bytes are reported as CMDLINE_TOO_LONG.
 */
int cmdline_parse(const char *line, const struct kernel_param *params, size_t n,
		  cmdline_error_fn on_error, void *ctx);

/* A readable name for @err ("unknown option", ...). */
const char *cmdline_error_str(enum cmdline_error err);

/* The kernel's own: parse boot_info.cmdline against every declared option, print problems. */
int cmdline_init(const char *line);
extern unsigned long cmdline_errors; /* problems found at boot */

/* Print every option with its current value and help (monitor `cmdline`). */
void cmdline_show(void);

#endif
