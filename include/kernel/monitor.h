/*
 * SPDX-License-Identifier: MIT
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
 *   MONITOR_CMD(uptime, "uptime", "time since boot", cmd_uptime);
 *   MONITOR_CMD(ping, "ping <a.b.c.d> [<count>]", "ICMP echo: replies and round-trip times",
 *               cmd_ping);
 *
 * The usage line starts with the name; <x> is a value to give, a bare word
 * is typed as it is, [...] may be left out, a|b is one of them.  A usage
 * line that is only the name means "no arguments":
 * monitor_exec() refuses extra words for such a command before it runs.
 *
 * A command returns 0 or a negative errno, which the monitor reports.  A
 * bad argument (not a number, out of range, an unknown device, too many or
 * too few words...) is answered with ONE line naming the command and what
 * was wrong, and -EINVAL:
 *
 *   ping: 'abc' is not a count (a number from 1 to 1000)
 *
 * after which monitor_exec() prints "usage: <usage line>" itself.  So
 * -EINVAL means "bad argument" only: a command whose work fails with
 * -EINVAL must report that failure as another errno.  The helpers below
 * (monitor_bad_arg, monitor_check_args, monitor_parse_uint) print the
 * complaint and return -EINVAL, so that commands say it alike.
 *
 * Input is checked: lines over MONITOR_LINE_MAX-1 characters are refused
 * whole ("line too long"), unknown escape sequences and control characters
 * are dropped, unknown commands get "unknown command: <name> (try 'help')".
 * Lines are edited as in a shell (arrows, ^A/^E/^U/^K/^W, history, Tab:
 * kernel/monitor_line.c); Ctrl-C abandons a line, or interrupts a running
 * command (signal_pending(current), -EINTR; the serial driver echoes "^C"
 * at the keypress, the command prints nothing about it).  docs/monitor.md
 * explains it.
 * It works the same with input piped in (no TTY), so it can be scripted.
 */
#ifndef KERNEL_MONITOR_H
#define KERNEL_MONITOR_H

#include <kernel/compiler.h>
#include <kernel/types.h>

#define MONITOR_LINE_MAX 128
#define MONITOR_ARGS_MAX 24 /* netem with every setting and a direction: 19 */

struct monitor_cmd {
	const char *name;
	const char *usage; /* "ping <a.b.c.d> [<count>]"; just the name: no arguments */
	const char *help;  /* one line: what it shows or does */
	int (*fn)(int argc, char **argv);
};

#define MONITOR_CMD(cname, cusage, chelp, cfn)                                           \
	static const struct monitor_cmd __monitor_cmd_##cname __section(".monitor_cmds") \
		__used __aligned(8) = {                                                  \
			.name = #cname,                                                  \
			.usage = cusage,                                                 \
			.help = chelp,                                                   \
			.fn = cfn,                                                       \
		}

/* Every command, in link order: the .monitor_cmds section (linker.ld). */
extern const struct monitor_cmd __monitor_cmds_start[], __monitor_cmds_end[];

/*
 * monitor_exec - split @line (modified in place) into words and run the
 * command.  Returns the command's result, 0 for an empty line, -ENOENT for
 * an unknown command, -E2BIG for too many words.  When the result is
 * -EINVAL (a bad argument, already explained by the command), prints
 * "usage: <usage line>".  Context: thread.
 */
int monitor_exec(char *line);

/*
 * monitor_find_cmd - the command called @name, or NULL.  Context: any.
 */
const struct monitor_cmd *monitor_find_cmd(const char *name);

/*
 * monitor_capture - ours: run @line as monitor_exec() does (a copy of it;
 * at most MONITOR_LINE_MAX - 1 characters), with everything this thread
 * prints meanwhile captured into @buf (@size bytes, NUL-terminated)
 * instead of the log and the console (printk_capture, <kernel/printk.h>):
 * the command's output exactly as the monitor shows it.  *@wanted (may be
 * NULL) gets the bytes the command printed: more than fit means the text
 * was cut, and a buffer of *@wanted + 1 bytes would have held it.
 * Returns the command's result (-E2BIG: @line too long).  Context: thread.
 */
int monitor_capture(const char *line, char *buf, size_t size, size_t *wanted);

/*
 * monitor_bad_arg - print "<cmd>: <fmt...>" and a newline: the one line a
 * command says about a bad argument.  Returns -EINVAL, so a command can
 * `return monitor_bad_arg(argv[0], "no device '%s'", argv[1]);`.
 * Context: thread.
 */
__printf(2, 3) int monitor_bad_arg(const char *cmd, const char *fmt, ...);

/*
 * monitor_check_args - 0 when @argc-1 (the arguments after the command's
 * name in @argv) is between @min and @max; otherwise say which were missing
 * or which is the first one too many and return -EINVAL.  Context: thread.
 */
int monitor_check_args(int argc, char **argv, int min, int max);

/*
 * monitor_parse_uint - @arg as a number into @out: decimal, or hex after
 * "0x"; nothing else may follow (no sign, no spaces, no suffix).  @what
 * names the argument in the complaint ("a count", "a sector").  Returns 0,
 * or -EINVAL after one line saying what was wrong with @arg: not a
 * number, junk after the number, or outside @min..@max.  Context: thread.
 */
int monitor_parse_uint(const char *cmd, const char *what, const char *arg, unsigned long long min,
		       unsigned long long max, unsigned long long *out);

/*
 * monitor_read_line - read one line from the console into @buf through the
 * line editor (no history), echoing when @echo.  Returns its length,
 * -E2BIG when the line did not fit in @size-1 characters (the whole line is
 * consumed and dropped), -EINTR when Ctrl-C abandoned it, -EINVAL for a
 * @size of 0.  Context: thread, sleeps until a line ends.
 */
int monitor_read_line(char *buf, size_t size, bool echo);

/* Read and run lines from the console forever.  Context: thread. */
__noreturn void monitor_run(void);

#endif
