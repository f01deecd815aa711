/*
 * SPDX-License-Identifier: MIT
 * kernel/params.c - the kernel's side of the command line: every option
 * declared with cmdline_param_*() lives in the .cmdline_params section;
 * this file parses the boot command line against them and reports problems.
 */
#include <kernel/cmdline.h>
#include <kernel/printk.h>

extern const struct kernel_param __cmdline_params_start[], __cmdline_params_end[];

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

int cmdline_init(const char *line)
{
	int n = cmdline_parse(line, __cmdline_params_start,
			      __cmdline_params_end - __cmdline_params_start, report_problem, NULL);

	cmdline_errors += n;
	return n;
}

void cmdline_show(void)
{
	for (const struct kernel_param *p = __cmdline_params_start; p < __cmdline_params_end; p++) {
		switch (p->type) {
		case PARAM_INT:
			printk("  %-16s = %-10ld %s\n", p->name, *(long *)p->var, p->help);
			break;
		case PARAM_BOOL:
			printk("  %-16s = %-10s %s\n", p->name, *(bool *)p->var ? "1" : "0",
			       p->help);
			break;
		case PARAM_STRING:
		case PARAM_STRING_OPT:
			printk("  %-16s = %-10s %s\n", p->name, (char *)p->var, p->help);
			break;
		}
	}
}
