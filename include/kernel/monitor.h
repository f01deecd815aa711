/*
 * kernel/monitor.h - the serial console monitor: a tiny shell.
 *
 * After boot (without test=), a thread reads lines from COM1 and runs them:
 *
 *   > help
 *   > meminfo
 *
 * Commands are declared next to the code they show, through the
 * .monitor_cmds linker section:
 *
 *   static int cmd_uptime(int argc, char **argv) { ...; return 0; }
 *   MONITOR_CMD(uptime, "time since boot", cmd_uptime);
 *
 * A command returns 0 or a negative errno, which the monitor reports.
 * Input is checked: lines over MONITOR_LINE_MAX-1 characters are refused
 * whole ("line too long"), control characters other than backspace are
 * dropped, unknown commands get "unknown command: <name> (try 'help')".
 * It works the same with input piped in (no TTY), so it can be scripted.
 */
#ifndef KERNEL_MONITOR_H
#define KERNEL_MONITOR_H

#include <kernel/compiler.h>
#include <kernel/types.h>

#define MONITOR_LINE_MAX	128
#define MONITOR_ARGS_MAX	16

struct monitor_cmd {
	const char *name;
	const char *help;
	int (*fn)(int argc, char **argv);
};

#define MONITOR_CMD(cname, chelp, cfn)                                      \
	static const struct monitor_cmd __monitor_cmd_##cname               \
	__section(".monitor_cmds") __used __aligned(8) = {                  \
		.name = #cname, .help = chelp, .fn = cfn,                   \
	}

/*
 * monitor_exec - split @line (modified in place) into words and run the
 * command.  Returns the command's result, 0 for an empty line, -ENOENT for
 * an unknown command, -E2BIG for too many words.  Context: thread.
 */
int monitor_exec(char *line);

/*
 * monitor_read_line - read one line from the console into @buf, applying
 * backspace, echoing what is typed when @echo.  Returns its length, or -E2BIG when the line did not
 * fit in @size-1 characters (the whole line is consumed and dropped).
 * Context: thread, sleeps until a line ends.
 */
int monitor_read_line(char *buf, size_t size, bool echo);

/* Read and run lines from the console forever.  Context: thread. */
__noreturn void monitor_run(void);

#endif
