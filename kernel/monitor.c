/*
 * kernel/monitor.c - the serial console monitor: read a line, run a command.
 *
 * Line discipline (what a terminal driver would do for a shell):
 *   printable bytes are echoed and kept, backspace/DEL erases one,
 *   CR or LF ends the line, other control bytes are dropped,
 *   a line longer than MONITOR_LINE_MAX-1 is refused whole.
 * Commands live in the .monitor_cmds section (kernel/monitor.h).
 */
#include <drivers/serial.h>
#include <kernel/cmdline.h>
#include <kernel/ktest.h>
#include <kernel/monitor.h>
#include <kernel/multiboot.h>
#include <kernel/power.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <kernel/version.h>
#include <mm/mm.h>
#include <mm/paging.h>
#include <mm/slab.h>
#include <errno.h>
#include <string.h>

extern const struct monitor_cmd __monitor_cmds_start[], __monitor_cmds_end[];

#define PROMPT	"> "

static const struct monitor_cmd *find_cmd(const char *name)
{
	for (const struct monitor_cmd *c = __monitor_cmds_start; c < __monitor_cmds_end; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

int monitor_exec(char *line)
{
	char *argv[MONITOR_ARGS_MAX + 1];
	const struct monitor_cmd *cmd;
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
	if (!argc)
		return 0;
	cmd = find_cmd(argv[0]);
	if (!cmd) {
		printk("unknown command: %s (try 'help')\n", argv[0]);
		return -ENOENT;
	}
	return cmd->fn(argc, argv);
}

int monitor_read_line(char *buf, size_t size, bool echo)
{
	size_t len = 0;
	bool too_long = false;

	for (;;) {
		int c = serial_getc();

		if (c == '\r' || c == '\n') {
			if (echo)
				console_write("\n", 1);
			break;
		}
		if (c == '\b' || c == 0x7f) {
			if (len && !too_long) {
				len--;
				if (echo)
					console_write("\b \b", 3);
			}
			continue;
		}
		if (c < ' ' || c > '~')
			continue;		/* control bytes, escape sequences, non-ASCII */
		if (len == size - 1) {
			too_long = true;
			continue;
		}
		buf[len++] = (char)c;
		if (echo)
			console_write(&buf[len - 1], 1);
	}
	buf[len] = '\0';
	return too_long ? -E2BIG : (int)len;
}

void monitor_run(void)
{
	static char line[MONITOR_LINE_MAX];

	current->console_force = true;	/* what commands print is the answer: show it at any loglevel */
	printk("%s: type 'help' for commands\n", kernel_banner);
	for (;;) {
		int n, ret;

		console_write(PROMPT, sizeof(PROMPT) - 1);
		n = monitor_read_line(line, sizeof(line), true);
		if (n == -E2BIG) {
			printk("line too long (at most %d characters)\n", MONITOR_LINE_MAX - 1);
			continue;
		}
		ret = monitor_exec(line);
		if (ret < 0 && ret != -ENOENT && ret != -E2BIG)
			printk("%s: error %d (%s)\n", line, ret, strerror(-ret));
	}
}

static int cmd_help(int argc, char **argv)
{
	for (const struct monitor_cmd *c = __monitor_cmds_start; c < __monitor_cmds_end; c++)
		printk("  %-10s %s\n", c->name, c->help);
	return 0;
}
MONITOR_CMD(help, "list the commands", cmd_help);

static int cmd_version(int argc, char **argv)
{
	printk("%s\n", kernel_banner);
	return 0;
}
MONITOR_CMD(version, "kernel name, version and compiler", cmd_version);

static int cmd_uptime(int argc, char **argv)
{
	u64 ns = ktime_get_ns();
	unsigned long s = ns / NSEC_PER_SEC;

	printk("up %lu:%02lu:%02lu.%03lu, jiffies %lu, %lu threads\n", s / 3600, s / 60 % 60, s % 60,
	       (unsigned long)(ns / NSEC_PER_MSEC % 1000), jiffies, nr_threads);
	return 0;
}
MONITOR_CMD(uptime, "time since boot", cmd_uptime);

static int cmd_cmdline(int argc, char **argv)
{
	printk("%s\n", boot_info.cmdline[0] ? boot_info.cmdline : "(empty command line)");
	cmdline_show();
	return 0;
}
MONITOR_CMD(cmdline, "the kernel command line and every option", cmd_cmdline);

static int cmd_test(int argc, char **argv)
{
	int failed = ktest_run(argc > 1 ? argv[1] : "all");

	printk("%d failed\n", failed);
	return 0;
}
MONITOR_CMD(test, "run in-guest tests: test [all|suite|suite.case]", cmd_test);

/* The log buffer: everything printk said, whatever its level (the console shows less). */
static int cmd_dmesg(int argc, char **argv)
{
	static char buf[LOG_BUF_SIZE + 1];
	u64 end = log_seq();

	log_read(end > LOG_BUF_SIZE ? end - LOG_BUF_SIZE : 0, buf, sizeof(buf));
	console_write(buf, strlen(buf));
	return 0;
}
MONITOR_CMD(dmesg, "the kernel log buffer, every level", cmd_dmesg);

static int cmd_ps(int argc, char **argv)
{
	show_tasks();
	return 0;
}
MONITOR_CMD(ps, "list the threads", cmd_ps);

static int cmd_poweroff(int argc, char **argv)
{
	printk("Power down.\n");
	qemu_exit(EXIT_OK);
}
MONITOR_CMD(poweroff, "leave QEMU", cmd_poweroff);
