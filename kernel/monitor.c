/*
 * SPDX-License-Identifier: MIT
 * kernel/monitor.c - the serial console monitor: read a line, run a command.
 *
 * The line editor (kernel/monitor_line.c) turns input bytes into a line:
 * printable bytes are echoed and inserted, arrows/Home/End/^A/^E move,
 * Backspace/Delete/^U/^K/^W erase, up/down walk the history, Tab
 * completes a command name, CR or LF ends the line, ^C abandons it, a
 * line longer than MONITOR_LINE_MAX-1 is refused whole.  While a command
 * runs, ^C is a signal to this thread instead (kernel/signal.c).
 * Commands live in the .monitor_cmds section (kernel/monitor.h).
 * docs/monitor.md explains all of it.
 */
#include <drivers/serial.h>
#include <kernel/cmdline.h>
#include <kernel/init.h>
#include <kernel/monitor.h>
#include <kernel/multiboot.h>
#include <kernel/power.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <kernel/version.h>
#include <mm/mm.h>
#include <mm/paging.h>
#include <mm/slab.h>
#include <errno.h>
#include <string.h>

#include "monitor_line.h"

#define PROMPT "> "

_Static_assert(MONITOR_LINE_MAX == LINE_BUF_SIZE, "the editor holds any monitor line");

const struct monitor_cmd *monitor_find_cmd(const char *name)
{
	for (const struct monitor_cmd *c = __monitor_cmds_start; c < __monitor_cmds_end; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* Split @line into @argv (NULL-terminated); the number of words, or -E2BIG. */
static int split_words(char *line, char **argv)
{
	int argc = 0;
	char *save;

	for (char *tok = strtok_r(line, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (argc == MONITOR_ARGS_MAX) {
			printk("too many words (at most %d)\n", MONITOR_ARGS_MAX);
			return -E2BIG;
		}
		argv[argc++] = tok;
	}
	argv[argc] = NULL;
	return argc;
}

int monitor_exec(char *line)
{
	char *argv[MONITOR_ARGS_MAX + 1];
	const struct monitor_cmd *cmd;
	int argc = split_words(line, argv), ret;

	if (argc <= 0)
		return argc;
	cmd = monitor_find_cmd(argv[0]);
	if (!cmd) {
		printk("unknown command: %s (try 'help')\n", argv[0]);
		return -ENOENT;
	}
	/* A usage line that is the bare name: the command takes no arguments. */
	ret = strchr(cmd->usage, ' ') ? 0 : monitor_check_args(argc, argv, 0, 0);
	if (!ret)
		ret = cmd->fn(argc, argv);
	if (ret == -EINVAL) /* the command said what was wrong: show how it is used */
		printk("usage: %s\n", cmd->usage);
	return ret;
}

int monitor_capture(const char *line, char *buf, size_t size, size_t *wanted)
{
	char copy[MONITOR_LINE_MAX];
	struct printk_capture cap;
	int ret;

	if (strlen(line) >= sizeof(copy))
		return -E2BIG;
	strcpy(copy, line);
	printk_capture_start(&cap, buf, size);
	ret = monitor_exec(copy); /* a usage line it prints for -EINVAL is captured too */
	printk_capture_end(&cap);
	if (wanted)
		*wanted = cap.wanted;
	return ret;
}

/* Tab completion's words: the i-th command name, NULL past the last. */
static const char *monitor_cmd_name(unsigned int i)
{
	const struct monitor_cmd *c = __monitor_cmds_start + i;

	return c < __monitor_cmds_end ? c->name : NULL;
}

/*
 * Feed console bytes to @ed until the line ends, echoing when @echo; copy
 * the line to @buf.  Returns its length, -E2BIG (too long) or -EINTR (^C).
 */
static int monitor_edit_line(struct line_editor *ed, char *buf, size_t size, bool echo)
{
	enum line_status st;

	buf[0] = '\0';
	line_edit_start(ed, size - 1);
	do {
		st = line_edit_feed(ed, (unsigned char)serial_getc());
		if (echo && ed->out_len)
			console_write(ed->out, ed->out_len);
	} while (st == LINE_EDITING);
	if (st == LINE_TOO_LONG)
		return -E2BIG;
	if (st == LINE_INTERRUPTED)
		return -EINTR;
	memcpy(buf, ed->buf, ed->len + 1);
	return (int)ed->len;
}

int monitor_read_line(char *buf, size_t size, bool echo)
{
	static struct line_editor ed; /* too big for a stack; one reader at a time */

	if (!size)
		return -EINVAL;
	line_edit_init(&ed, NULL, PROMPT, monitor_cmd_name);
	return monitor_edit_line(&ed, buf, size, echo);
}

/*
 * Run one line with Ctrl-C going to this thread as SIGINT (a tty's
 * foreground process), then forget a Ctrl-C the command did not see.
 * The "^C" line is the serial driver's echo at the keypress, not ours;
 * the errors the command did not explain itself are reported (-EINTR,
 * the Ctrl-C's, needs no word).
 *
 * XXX: a Ctrl-C typed after the line's Enter but before
 * serial_set_foreground() below is input, not a signal: the editor takes
 * it as "abandon the next line" and the command runs to its end.  The
 * window is the few instructions in between; docs/monitor.md says so.
 */
static void monitor_run_line(char *line)
{
	int ret;

	serial_set_foreground(current);
	ret = monitor_exec(line);
	serial_set_foreground(NULL);
	if (ret == -ERESTARTSYS) /* as a system call's return does */
		ret = -EINTR;
	flush_signals(current);
	if (ret < 0 && ret != -ENOENT && ret != -E2BIG && ret != -EINVAL && ret != -EINTR)
		printk("%s: error %d (%s)\n", line, ret, strerror(-ret));
}

/*
 * The monitor's ears: the serial port's input interrupt, taken at the last
 * initcall level, once the drivers have their vectors (kernel_init then
 * becomes the monitor, or runs the tests, which need no input).
 */
static int monitor_init(void)
{
	int err = serial_enable_rx();

	if (err)
		pr_warn("serial: no input interrupt; the monitor will not hear you\n");
	return err;
}
late_initcall(monitor_init);

void monitor_run(void)
{
	static struct line_history history;
	static struct line_editor ed;
	static char line[MONITOR_LINE_MAX];

	current->console_force =
		true; /* what commands print is the answer: show it at any loglevel */
	line_edit_init(&ed, &history, PROMPT, monitor_cmd_name);
	printk("%s: type 'help' for commands\n", kernel_banner);
	for (;;) {
		int n;

		console_write(PROMPT, sizeof(PROMPT) - 1);
		/* After the first prompt: the struct pages boot deferred (mm/mm_init.c). */
		deferred_init_finish();
		n = monitor_edit_line(&ed, line, sizeof(line), true);
		if (n == -E2BIG)
			printk("line too long (at most %d characters)\n", MONITOR_LINE_MAX - 1);
		else if (n >= 0)
			monitor_run_line(line);
	}
}

#define HELP_USAGE_WIDTH 32 /* the usage column; a longer usage has a line of its own */

/* One command in the help table: its usage line, then what it does. */
static void help_one(const struct monitor_cmd *c)
{
	if (strlen(c->usage) <= HELP_USAGE_WIDTH)
		printk("  %-*s  %s\n", HELP_USAGE_WIDTH, c->usage, c->help);
	else
		printk("  %s\n  %-*s  %s\n", c->usage, HELP_USAGE_WIDTH, "", c->help);
}

/* The command after @prev in alphabetical order (the first for NULL); NULL after the last. */
static const struct monitor_cmd *help_next(const struct monitor_cmd *prev)
{
	const struct monitor_cmd *next = NULL;

	for (const struct monitor_cmd *c = __monitor_cmds_start; c < __monitor_cmds_end; c++)
		if ((!prev || strcmp(c->name, prev->name) > 0) &&
		    (!next || strcmp(c->name, next->name) < 0))
			next = c;
	return next;
}

/* `help`: every command's usage and help, by name; `help <command>`: that one's. */
static int cmd_help(int argc, char **argv)
{
	const struct monitor_cmd *c;
	int err = monitor_check_args(argc, argv, 0, 1);

	if (err)
		return err;
	if (argc == 2) {
		c = monitor_find_cmd(argv[1]);
		if (!c)
			return monitor_bad_arg(argv[0], "no command '%s'", argv[1]);
		printk("usage: %s\n%s\n", c->usage, c->help);
		return 0;
	}
	printk("commands (<x>: a value, [...]: optional, a|b: one of them; 'help <command>'):\n");
	for (c = help_next(NULL); c; c = help_next(c))
		help_one(c);
	return 0;
}
MONITOR_CMD(help, "help [<command>]", "the commands and their usage, or one command's", cmd_help);

static int cmd_version(int argc, char **argv)
{
	printk("%s\n", kernel_banner);
	return 0;
}
MONITOR_CMD(version, "version", "kernel name, version and compiler", cmd_version);

static int cmd_uptime(int argc, char **argv)
{
	u64 ns = ktime_get_ns();
	unsigned long s = ns / NSEC_PER_SEC;

	printk("up %lu:%02lu:%02lu.%03lu, jiffies %lu, %lu threads\n", s / 3600, s / 60 % 60,
	       s % 60, (unsigned long)(ns / NSEC_PER_MSEC % 1000), jiffies, nr_threads);
	return 0;
}
MONITOR_CMD(uptime, "uptime", "time since boot", cmd_uptime);

static int cmd_cmdline(int argc, char **argv)
{
	printk("%s\n", boot_info.cmdline[0] ? boot_info.cmdline : "(empty command line)");
	cmdline_show();
	return 0;
}
MONITOR_CMD(cmdline, "cmdline", "the kernel command line and every option", cmd_cmdline);

/*
 * The log buffer: everything printk said, whatever its level (the console
 * shows less), each line after the time it was logged, "[    5.123456] ".
 * 256 KiB take tens of seconds at 115200 baud: Ctrl-C stops between two lines.
 */
static int cmd_dmesg(int argc, char **argv)
{
	static char buf[1024]; /* a longer line (many KERN_CONT pieces) is cut */
	u64 nr, end;

	log_lines_held(&nr, &end);
	for (; nr < end; nr++) {
		int n;

		if (signal_pending(current))
			return -EINTR;
		n = log_format_line(nr, buf, sizeof(buf));

		if (n > 0) /* else overwritten while we were printing */
			console_write(buf, (size_t)n);
	}
	return 0;
}
MONITOR_CMD(dmesg, "dmesg", "the kernel log buffer, every level", cmd_dmesg);

static int cmd_ps(int argc, char **argv)
{
	show_tasks();
	if (nr_cpu_ids > 1)
		sched_show_cpus();
	return 0;
}
MONITOR_CMD(ps, "ps", "list the threads (and each CPU's run queue)", cmd_ps);

static int cmd_poweroff(int argc, char **argv)
{
	printk("Power down.\n");
	qemu_exit(EXIT_OK);
}
MONITOR_CMD(poweroff, "poweroff", "leave QEMU", cmd_poweroff);
