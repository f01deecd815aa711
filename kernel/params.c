/*
 * SPDX-License-Identifier: MIT
 * kernel/params.c - the kernel's side of the command line: every option
 * declared with cmdline_param_*() lives in the .cmdline_params section;
 * this file parses the boot command line against them and reports problems.
 */
#include <kernel/cmdline.h>
#include <kernel/ktests.h>
#include <kernel/printk.h>
#include <string.h>

extern const struct kernel_param __cmdline_params_start[], __cmdline_params_end[];
extern const struct kernel_param __ktests_params_start[], __ktests_params_end[];

unsigned long cmdline_errors;

static void report_problem(enum cmdline_error err, const char *name, const char *value, void *ctx)
{
	if (err == CMDLINE_UNKNOWN)
		pr_warn("cmdline: unknown option '%s', ignored "
			"(the 'cmdline' command lists options)\n",
			name);
	else if (err == CMDLINE_TOO_LONG)
		pr_warn("cmdline: value for '%s' too long, truncated\n", name);
	else
		pr_warn("cmdline: %s for '%s'%s%s%s, using the default\n", cmdline_error_str(err),
			name, value ? ": '" : "", value ? value : "", value ? "'" : "");
}

/* The tests module's options (include/kernel/ktests.h): none unless it is loaded. */
static const struct kernel_param *ktests_params_end(void)
{
	return ktests_loaded() ? __ktests_params_end : __ktests_params_start;
}

static bool ktests_param(const char *name)
{
	for (const struct kernel_param *p = __ktests_params_start; p < ktests_params_end(); p++)
		if (!strcmp(p->name, name))
			return true;
	return false;
}

/* The kernel's pass: an option of the module's is unknown here, and is its pass's. */
static void kernel_problem(enum cmdline_error err, const char *name, const char *value, void *ctx)
{
	if (!ktests_param(name)) {
		report_problem(err, name, value, ctx);
		cmdline_errors++;
	}
}

/* The module's pass: only its own options' problems (the kernel's pass said the rest). */
static void ktests_problem(enum cmdline_error err, const char *name, const char *value, void *ctx)
{
	if (err != CMDLINE_UNKNOWN && ktests_param(name)) {
		report_problem(err, name, value, ctx);
		cmdline_errors++;
	}
}

int cmdline_init(const char *line)
{
	unsigned long before = cmdline_errors;

	cmdline_parse(line, __cmdline_params_start, __cmdline_params_end - __cmdline_params_start,
		      kernel_problem, NULL);
	if (ktests_loaded()) /* as a module's options, after the kernel's: docs/linux-3.10.md */
		cmdline_parse(line, __ktests_params_start,
			      __ktests_params_end - __ktests_params_start, ktests_problem, NULL);
	return (int)(cmdline_errors - before);
}

static void show_param(const struct kernel_param *p)
{
	switch (p->type) {
	case PARAM_INT:
		printk("  %-16s = %-10ld %s\n", p->name, *(long *)p->var, p->help);
		break;
	case PARAM_BOOL:
		printk("  %-16s = %-10s %s\n", p->name, *(bool *)p->var ? "1" : "0", p->help);
		break;
	case PARAM_STRING:
	case PARAM_STRING_OPT:
		printk("  %-16s = %-10s %s\n", p->name, (char *)p->var, p->help);
		break;
	}
}

void cmdline_show(void)
{
	for (const struct kernel_param *p = __cmdline_params_start; p < __cmdline_params_end; p++)
		show_param(p);
	for (const struct kernel_param *p = __ktests_params_start; p < ktests_params_end(); p++)
		show_param(p);
}
