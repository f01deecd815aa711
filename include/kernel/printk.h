/*
 * SPDX-License-Identifier: MIT
 * kernel/printk.h - the kernel's voice: printk and its log levels.
 *
 * printk(KERN_ERR "disk %d failed\n", n) formats the message and writes it to
 * the console (COM1) if its level is below the console log level (the
 * loglevel= option, default 7: everything but debug).  Every message also goes
 * into the log buffer, whatever its level, so `dmesg` and the tests can read
 * it back.
 *
 * Context: any.  A message is written whole with interrupts off, so a line
 * printed by an interrupt handler never lands inside another line; if an
 * interrupt's message arrives while a thread's line is unfinished (no '\n'
 * yet), the console starts a new line first.
 */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <stdarg.h>
#include <kernel/compiler.h>
#include <kernel/types.h>

#include <kernel/kern_levels.h>

#define LOGLEVEL_DEFAULT 4 /* a message without a level is a warning, as in Linux */

extern long console_loglevel; /* messages below this level reach the console */

/* Returns the number of characters of the message (without the level prefix). */
__printf(1, 2) int printk(const char *fmt, ...);
int vprintk(const char *fmt, va_list ap);
/*
 * printk_echo - printk, shown on the console whatever the console log
 * level: the terminal's echo of a key, which the user must see (the serial
 * driver's "^C" when Ctrl-C becomes a signal).  Logged, and never inside
 * another line, like any printk.  Context: any.
 */
__printf(1, 2) int printk_echo(const char *fmt, ...);

/*
 * printk_capture - ours: send this thread's printk into a buffer instead
 * of the log and the console, so a command's output can be had as text
 * (the HTTP server's /proc views run the monitor's commands this way:
 * monitor_capture() in <kernel/monitor.h>, docs/monitor.md).
 *
 *   struct printk_capture cap;
 *   printk_capture_start(&cap, buf, size);
 *   cmd_meminfo(...);                       every printk of this thread lands in buf
 *   n = printk_capture_end(&cap);           buf NUL-terminated, n bytes kept
 *   if (cap.wanted > n) ... it was cut: a bigger buffer gets all of it
 *
 * Only the thread's own printks are captured: an interrupt's, or another
 * thread's, go to the log as always.  Nothing is allocated (printk runs
 * under spinlocks), so a buffer too small keeps the first size - 1 bytes
 * and counts the rest in @wanted.  Captures nest: the inner one ends first.
 * Context: thread.
 */
struct printk_capture {
	char *buf;		     /* @size bytes, always NUL-terminated */
	size_t size;		     /* > 0 */
	size_t len;		     /* bytes kept */
	size_t wanted;		     /* bytes printed: more than @len if cut */
	struct printk_capture *prev; /* the thread's capture before this one, or NULL */
};
void printk_capture_start(struct printk_capture *cap, char *buf, size_t size);
size_t printk_capture_end(struct printk_capture *cap);

#define pr_emerg(fmt, ...)  printk(KERN_EMERG fmt, ##__VA_ARGS__)
#define pr_crit(fmt, ...)   printk(KERN_CRIT fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...)    printk(KERN_ERR fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)   printk(KERN_WARNING fmt, ##__VA_ARGS__)
#define pr_notice(fmt, ...) printk(KERN_NOTICE fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)   printk(KERN_INFO fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)  printk(KERN_DEBUG fmt, ##__VA_ARGS__)
#define pr_cont(fmt, ...)   printk(KERN_CONT fmt, ##__VA_ARGS__)

/*
 * The log buffer.  Every byte printk produced has a sequence number;
 * log_seq() is the next one.  A test remembers log_seq() before doing
 * something, then asks log_contains(start, "text") whether the kernel has
 * said "text" since.  Old text is overwritten when the buffer wraps
 * (LOG_BUF_SIZE bytes); log_contains then searches what is left.
 * 256 KiB, what Linux's x86_64_defconfig sets (LOG_BUF_SHIFT 18): the boot messages
 * and the whole output of one `test all` at the monitor (about 140 KB)
 * fit, so `dmesg` after it still starts at the boot banner.
 */
#define LOG_BUF_SIZE (256 * 1024)
u64 log_seq(void);
/* log_contains reads the log in pieces this big, each overlapping the last. */
#define LOG_CONTAINS_CHUNK 8192
bool log_contains(u64 since, const char *text);
/* Copy up to len-1 bytes logged since @since into buf, NUL-terminated. Returns bytes copied. */
size_t log_read(u64 since, char *buf, size_t len);

/*
 * struct log_ring - the log's storage, as a type: @size bytes in @buf, byte
 * number seq at buf[seq % size], and @nr_lines records in @lines of where
 * each line starts and when it was logged.  The kernel's log is one (the
 * functions above and below read it); a test that must wrap a log makes a
 * small ring of its own, so that it never overwrites the user's boot log:
 *
 *   static char bytes[256];
 *   static struct log_line lines[8];
 *   struct log_ring r = LOG_RING_INIT(bytes, lines);
 *
 * log_ring_store() appends @len bytes logged at @ns (a line starting in
 * them gets a record); it does not print.  log_ring_read(),
 * log_ring_lines_held() and log_ring_format_line() are log_read(),
 * log_lines_held() and log_format_line() on @r.  Context: any (each holds
 * the ring with interrupts off).
 */
struct log_line {
	u64 seq; /* its first byte */
	u64 ns;	 /* when that byte was logged */
};
struct log_ring {
	char *buf;
	size_t size;
	struct log_line *lines;
	size_t nr_lines;
	u64 next_seq;	/* bytes logged so far */
	u64 next_line;	/* lines started so far */
	bool line_done; /* the last byte logged was '\n' (or none yet) */
};
#define LOG_RING_INIT(bytes, line_records)                                            \
	{                                                                             \
		.buf = (bytes), .size = sizeof(bytes) + __must_be_array(bytes),       \
		.lines = (line_records),                                              \
		.nr_lines = ARRAY_SIZE(line_records) + __must_be_array(line_records), \
		.line_done = true,                                                    \
	}
void log_ring_store(struct log_ring *r, const char *s, size_t len, u64 ns);
size_t log_ring_read(struct log_ring *r, u64 since, char *buf, size_t len);
void log_ring_lines_held(struct log_ring *r, u64 *first, u64 *end);
int log_ring_format_line(struct log_ring *r, u64 nr, char *buf, size_t len);

/*
 * The log as lines with the time each was logged, as dmesg shows it.
 * Lines are numbered from 0 at boot.  log_lines_held() gives [*first,
 * *end): the lines still in the buffer.  log_format_line() writes line @nr
 * as "[    5.123456] text\n" (seconds.micros since boot, from ktime_get_ns;
 * 0 before the TSC is measured) into @buf, cut to fit @len (at least 32),
 * always NUL-terminated and ending in '\n'.  Returns its length, -ENOENT
 * if line @nr is gone or not written yet, -EINVAL if @len < 32.  Context: any.
 */
void log_lines_held(u64 *first, u64 *end);
int log_format_line(u64 nr, char *buf, size_t len);

/*
 * log_format_stamp - @ns since boot as dmesg shows a line's time,
 * "[    5.123456]" (no space after), into @buf, NUL-terminated;
 * LOG_STAMP_SIZE bytes always hold it.  Returns its length (snprintf's).
 * For every listing that stamps its lines the same way (`trace show`).
 * Context: any.
 */
#define LOG_STAMP_SIZE 24
int log_format_stamp(u64 ns, char *buf, size_t len);

/* Write raw bytes to the console, bypassing formatting (panic path, monitor echo). */
void console_write(const char *s, size_t len);

/*
 * printk_ratelimit-style helper: true at most @burst times per @interval_ms
 * for the call site owning @state.
 */
struct ratelimit_state {
	u64 begin_ns;
	int printed;
	int missed;
};
bool __ratelimit(struct ratelimit_state *rs, unsigned int interval_ms, int burst);

#endif
