/*
 * SPDX-License-Identifier: MIT
 * kernel/printk.c - printk, the console and the log buffer.
 *
 * Every message is formatted into a buffer on the caller's stack first, then
 * written in one piece with interrupts off.  So an interrupt handler's printk
 * can only come before or after a thread's message, never inside it.  The
 * only mixing left is a thread's unfinished line (printed in pieces with
 * KERN_CONT): when another context prints meanwhile, the console ends the
 * open line first, so each line on the screen comes from one context.
 *
 * The log buffer keeps the last LOG_BUF_SIZE bytes of everything printed,
 * whatever its level, numbered by a 64-bit sequence that never wraps.  It
 * is one struct log_ring; the log_ring_* functions work on any ring, so a
 * test can wrap a ring of its own and leave the user's log alone.
 */
#include <drivers/serial.h>
#include <kernel/cmdline.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <kernel/irqflags.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* 3.10 keeps log records, prints under console_sem; we lines, at once: docs/linux-3.10.md */
#define PRINTK_MAX 512 /* longest single message; longer ones are cut */

long console_loglevel = 7;
cmdline_param_int(loglevel, &console_loglevel, 0, 8,
		  "console log level: messages below it are shown (0-8)");

/* The console's state; only touched with interrupts off. */
static struct {
	bool line_open;		/* the last byte logged was not '\n' */
	bool line_shown;	/* ... and that open line is on the console too */
	const void *line_owner; /* context that left the line open */
} con;

/*
 * The kernel's log: LOG_BUF_SIZE bytes and, beside them, where each line
 * starts and when it was logged, for dmesg's "[seconds.micros]".  The bytes
 * stay exactly what printk said, so log_read/log_contains readers see no
 * timestamps.  A line record per 16 bytes: lines of 16 bytes on average
 * fill the buffer.  A test that must wrap a log makes a ring of its own.
 *
 * Both arrays are in .noinit (linker.ld), not .bss: nothing reads a byte or a
 * line record before writing it (readers stop at next_seq and next_line), so
 * they need no zeroing, and the boot loader need not copy and zero their
 * 384 KiB, nor the host fault in pages a short log never reaches.
 */
#define LOG_LINES (LOG_BUF_SIZE / 32) /* lines of 32 bytes on average, or more */
static char kernel_log_buf[LOG_BUF_SIZE] __section(".noinit.log");
static struct log_line kernel_log_lines[LOG_LINES] __section(".noinit.log");
static struct log_ring kernel_log = LOG_RING_INIT(kernel_log_buf, kernel_log_lines);

/* A name for "who is printing": the thread, or an interrupt level on top of it. */
static const void *print_context(void)
{
	return (const char *)current + (in_irq() ? 2 : in_softirq() ? 1 : 0);
}

/* The log rings and the console line state, from any CPU (a print_lock: spinlock.h). */
static struct print_lock logbuf_lock = PRINT_LOCK_INIT;

/* Caller holds logbuf_lock. */
static void __log_ring_store(struct log_ring *r, const char *s, size_t len, u64 ns)
{
	size_t pos;

	pos = r->next_seq % r->size; /* one division, not one per byte */
	for (size_t i = 0; i < len; i++) {
		if (r->line_done) {
			r->lines[r->next_line % r->nr_lines] =
				(struct log_line){ .seq = r->next_seq + i, .ns = ns };
			r->next_line++;
		}
		r->buf[pos] = s[i];
		pos = pos + 1 == r->size ? 0 : pos + 1;
		r->line_done = s[i] == '\n';
	}
	r->next_seq += len;
}

void log_ring_store(struct log_ring *r, const char *s, size_t len, u64 ns)
{
	unsigned long flags;
	bool locked = print_lock_irqsave(&logbuf_lock, &flags);

	__log_ring_store(r, s, len, ns);
	print_unlock_irqrestore(&logbuf_lock, locked, flags);
}

/* Append to the kernel's log.  Caller holds logbuf_lock. */
static void log_store(const char *s, size_t len)
{
	if (len)
		__log_ring_store(&kernel_log, s, len, ktime_get_ns());
}

void console_write(const char *s, size_t len)
{
	serial_console_write(s, len); /* under the port's lock: no other CPU's bytes in between */
}

/* The monitor's thread prints its commands' output whatever the log level: it is the user's. */
static bool console_forced(void)
{
	return current && current->console_force && !in_interrupt();
}

/* Split off a KERN_<level> prefix: returns the level (or -1 for KERN_CONT) and advances *text. */
static int printk_level(const char **text)
{
	const char *s = *text;

	if (s[0] != KERN_SOH[0] || !s[1])
		return LOGLEVEL_DEFAULT;
	*text = s + 2;
	if (s[1] == 'c')
		return -1;
	if (s[1] >= '0' && s[1] <= '7')
		return s[1] - '0';
	return LOGLEVEL_DEFAULT;
}

/* 3.10 has no capture (views are seq_files); ours for monitor_capture: docs/linux-3.10.md */
/* This thread's capture, if it has one and we are not in an interrupt on top of it. */
static struct printk_capture *printk_capture_of_current(void)
{
	return current && !in_interrupt() ? current->printk_capture : NULL;
}

/* Into the thread's capture, if any (then not logged, not shown): true if it took it. */
static bool printk_captured(const char *text, size_t n)
{
	struct printk_capture *cap = printk_capture_of_current();
	size_t room;

	if (!cap)
		return false;
	room = cap->size - 1 - cap->len;
	if (n < room)
		room = n;
	memcpy(cap->buf + cap->len, text, room);
	cap->len += room;
	cap->buf[cap->len] = '\0';
	cap->wanted += n;
	return true;
}

void printk_capture_start(struct printk_capture *cap, char *buf, size_t size)
{
	*cap = (struct printk_capture){ .buf = buf, .size = size, .prev = current->printk_capture };
	buf[0] = '\0';
	current->printk_capture = cap;
}

size_t printk_capture_end(struct printk_capture *cap)
{
	WARN_ON_ONCE(current->printk_capture != cap); /* captures end innermost first */
	current->printk_capture = cap->prev;
	return cap->len;
}

/* vprintk, shown on the console whatever the level when @force. */
static int vprintk_emit(bool force, const char *fmt, va_list ap)
{
	char buf[PRINTK_MAX];
	const char *text = buf;
	const void *ctx = print_context();
	unsigned long flags;
	bool locked;
	int level, n;
	bool show;

	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		return n;
	if (n >= (int)sizeof(buf)) { /* cut, but keep the line ending */
		n = sizeof(buf) - 1;
		buf[n - 1] = '\n';
	}
	level = printk_level(&text);
	n -= (int)(text - buf);
	if (printk_captured(text, (size_t)n))
		return n;

	locked = print_lock_irqsave(&logbuf_lock, &flags);
	if (level < 0 && con.line_open && con.line_owner == ctx) {
		show = con.line_shown; /* a continuation goes where its line went */
	} else {
		if (con.line_open) { /* another message or context: end the open line */
			log_store("\n", 1);
			if (con.line_shown)
				console_write("\n", 1);
		}
		if (level < 0)
			level = LOGLEVEL_DEFAULT; /* a continuation of nothing */
		show = force || level < console_loglevel || console_forced();
	}
	log_store(text, n);
	if (show)
		console_write(text, n);
	if (n)
		con.line_open = text[n - 1] != '\n';
	con.line_shown = show;
	con.line_owner = ctx;
	print_unlock_irqrestore(&logbuf_lock, locked, flags);
	return n;
}

int vprintk(const char *fmt, va_list ap)
{
	return vprintk_emit(false, fmt, ap);
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk_emit(false, fmt, ap);
	va_end(ap);
	return n;
}

int printk_echo(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk_emit(true, fmt, ap);
	va_end(ap);
	return n;
}

u64 log_seq(void)
{
	return READ_ONCE(kernel_log.next_seq);
}

size_t log_ring_read(struct log_ring *r, u64 since, char *buf, size_t len)
{
	unsigned long flags;
	bool locked;
	size_t n = 0, pos;
	u64 seq;

	if (!len)
		return 0;
	locked = print_lock_irqsave(&logbuf_lock, &flags);
	seq = since < r->next_seq ? since : r->next_seq; /* a future @since: nothing */
	if (r->next_seq - seq > r->size) /* overwritten: start at the oldest byte left */
		seq = r->next_seq - r->size;
	pos = seq % r->size;
	for (; seq < r->next_seq && n < len - 1; seq++) {
		buf[n++] = r->buf[pos];
		pos = pos + 1 == r->size ? 0 : pos + 1;
	}
	print_unlock_irqrestore(&logbuf_lock, locked, flags);
	buf[n] = '\0';
	return n;
}

size_t log_read(u64 since, char *buf, size_t len)
{
	return log_ring_read(&kernel_log, since, buf, len);
}

/* Are line @nr's record and first byte both still in @r?  Caller holds logbuf_lock. */
static bool log_line_held(const struct log_ring *r, u64 nr)
{
	return nr < r->next_line && r->next_line - nr <= r->nr_lines &&
	       r->next_seq - r->lines[nr % r->nr_lines].seq <= r->size;
}

void log_ring_lines_held(struct log_ring *r, u64 *first, u64 *end)
{
	unsigned long flags;
	bool locked;
	u64 nr;

	locked = print_lock_irqsave(&logbuf_lock, &flags);
	nr = r->next_line > r->nr_lines ? r->next_line - r->nr_lines : 0;
	while (nr < r->next_line && !log_line_held(r, nr))
		nr++;
	*first = nr;
	*end = r->next_line;
	print_unlock_irqrestore(&logbuf_lock, locked, flags);
}

void log_lines_held(u64 *first, u64 *end)
{
	log_ring_lines_held(&kernel_log, first, end);
}

int log_format_stamp(u64 ns, char *buf, size_t len)
{
	return snprintf(buf, len, "[%5llu.%06llu]", ns / NSEC_PER_SEC,
			ns / NSEC_PER_USEC % 1000000);
}

int log_ring_format_line(struct log_ring *r, u64 nr, char *buf, size_t len)
{
	unsigned long flags;
	bool locked;
	u64 seq, end;
	int n;

	if (len < 32)
		return -EINVAL;
	locked = print_lock_irqsave(&logbuf_lock, &flags);
	if (!log_line_held(r, nr)) {
		print_unlock_irqrestore(&logbuf_lock, locked, flags);
		return -ENOENT;
	}
	seq = r->lines[nr % r->nr_lines].seq;
	end = nr + 1 < r->next_line ? r->lines[(nr + 1) % r->nr_lines].seq : r->next_seq;
	n = log_format_stamp(r->lines[nr % r->nr_lines].ns, buf, len - 1); /* len >= 32: fits */
	buf[n++] = ' ';
	for (; seq < end && (size_t)n < len - 2; seq++)
		buf[n++] = r->buf[seq % r->size];
	print_unlock_irqrestore(&logbuf_lock, locked, flags);
	if (buf[n - 1] != '\n') /* the open last line, or a line cut to fit */
		buf[n++] = '\n';
	buf[n] = '\0';
	return n;
}

int log_format_line(u64 nr, char *buf, size_t len)
{
	return log_ring_format_line(&kernel_log, nr, buf, len);
}

bool log_contains(u64 since, const char *text)
{
	static char chunk[LOG_CONTAINS_CHUNK + 1]; /* too big for a stack */
	size_t overlap = strlen(text) ? strlen(text) - 1 : 0, n;
	u64 end = log_seq(), oldest = end > LOG_BUF_SIZE ? end - LOG_BUF_SIZE : 0;
	bool found = false;

	if (WARN_ON_ONCE(overlap >= LOG_CONTAINS_CHUNK / 2))
		return false;
	preempt_disable(); /* one user of chunk at a time */
	/* The log in pieces, each overlapping the last by strlen(text) - 1 bytes. */
	for (u64 seq = since > oldest ? since : oldest; seq < end && !found; seq += n - overlap) {
		n = log_read(seq, chunk, sizeof(chunk));
		found = strstr(chunk, text) != NULL;
		if (n <= overlap || seq + n >= end)
			break;
	}
	preempt_enable();
	return found;
}

bool __ratelimit(struct ratelimit_state *rs, unsigned int interval_ms, int burst)
{
	u64 now = ktime_get_ns();

	if (!rs->begin_ns || now - rs->begin_ns > (u64)interval_ms * NSEC_PER_MSEC) {
		if (rs->missed)
			printk(KERN_WARNING "%d messages suppressed\n", rs->missed);
		rs->begin_ns = now;
		rs->printed = 0;
		rs->missed = 0;
	}
	if (rs->printed < burst) {
		rs->printed++;
		return true;
	}
	rs->missed++;
	return false;
}
