/*
 * SPDX-License-Identifier: MIT
 * kernel/monitor_line.h - the monitor's line editor (private to kernel/).
 *
 * A state machine fed one input byte at a time.  Each byte may change the
 * line and produce bytes to echo (ed->out): the caller writes those to the
 * terminal.  It knows nothing of the UART or of the kernel, so the same
 * file is built into the kernel and into a host test (tests/host/
 * test_line_edit.c) that feeds it byte sequences under the sanitizers.
 *
 *   struct line_editor ed;
 *   line_edit_init(&ed, &history, "> ", name_at);
 *   line_edit_start(&ed, 127);              a new line, at most 127 chars
 *   do {
 *           st = line_edit_feed(&ed, getc());
 *           write(ed.out, ed.out_len);      the echo, possibly a redraw
 *   } while (st == LINE_EDITING);
 *   LINE_DONE: ed.buf holds the line (also added to the history)
 *
 * The echo uses only printable bytes, '\b' (cursor one left), '\n' and a
 * reprinted prompt, so it works on any terminal and on a pipe.
 * XXX: '\b' cannot go back over a wrapped line, so editing in the middle of
 * a line longer than the terminal is wide draws wrongly (the line is right).
 */
#ifndef KERNEL_MONITOR_LINE_H
#define KERNEL_MONITOR_LINE_H

#include <stdbool.h>
#include <stddef.h>

#define LINE_BUF_SIZE	  128  /* a line and its NUL */
#define LINE_HISTORY_SIZE 32   /* lines the history keeps */
#define LINE_OUT_SIZE	  2048 /* echo of one byte, at most (a Tab listing) */

enum line_status {
	LINE_EDITING,	  /* the line goes on: feed the next byte */
	LINE_DONE,	  /* Enter: ed->buf holds the line */
	LINE_TOO_LONG,	  /* Enter, but the line did not fit: refuse it whole */
	LINE_INTERRUPTED, /* Ctrl-C: the line is abandoned */
};

/* Where the escape-sequence parser is (ECMA-48: ESC [ params final, ESC O final). */
enum line_esc {
	LINE_ESC_NONE,	/* not in a sequence */
	LINE_ESC_START, /* after ESC */
	LINE_ESC_CSI,	/* after ESC [ : parameters until a final byte 0x40-0x7e */
	LINE_ESC_SS3,	/* after ESC O : one final byte */
};

/* The lines entered before, newest last; survives from line to line. */
struct line_history {
	char lines[LINE_HISTORY_SIZE][LINE_BUF_SIZE];
	unsigned int count; /* lines ever added; the newest is at (count - 1) % SIZE */
};

struct line_editor {
	char buf[LINE_BUF_SIZE];   /* the line so far, NUL-terminated */
	size_t len;		   /* strlen(buf) */
	size_t cursor;		   /* insertion point, 0..len */
	size_t max;		   /* longest line accepted, < LINE_BUF_SIZE */
	bool too_long;		   /* a byte did not fit: the line will be refused */
	enum line_esc esc;	   /* escape-sequence parser state */
	unsigned int esc_param;	   /* a CSI sequence's first parameter (ESC [3;2~: 3) */
	bool esc_param_done;	   /* a ';' ended it: later parameters are ignored */
	bool tab_listed_next;	   /* last key was a Tab with several matches */
	unsigned int hist_back;	   /* 0: the typed line; n: n-th newest history line */
	char typed[LINE_BUF_SIZE]; /* the typed line, kept while walking the history */
	struct line_history *hist; /* NULL: no history */
	const char *prompt;	   /* reprinted after a Tab listing */
	const char *(*name_at)(unsigned int i); /* Tab: i-th name, NULL past the end */
	char out[LINE_OUT_SIZE];		/* what the last byte fed asks to echo */
	size_t out_len;
};

/*
 * line_edit_init - set up @ed once: @hist (may be NULL) is shared from line
 * to line, @prompt is what the caller prints before each line, @name_at
 * (may be NULL: no completion) lists the words Tab completes.
 */
void line_edit_init(struct line_editor *ed, struct line_history *hist, const char *prompt,
		    const char *(*name_at)(unsigned int i));

/* line_edit_start - begin a new, empty line of at most @max (< LINE_BUF_SIZE) characters. */
void line_edit_start(struct line_editor *ed, size_t max);

/*
 * line_edit_feed - take one input byte @c.  Sets ed->out/out_len to the
 * bytes to echo and returns what became of the line.  After anything but
 * LINE_EDITING, call line_edit_start() before feeding more.  Never fails;
 * bytes that mean nothing are dropped.
 */
enum line_status line_edit_feed(struct line_editor *ed, unsigned char c);

/* line_history_add - remember @line, unless it is blank or the same as the newest entry. */
void line_history_add(struct line_history *hist, const char *line);

/* line_history_get - the @back-th newest line (1 = newest), or NULL if there are fewer. */
const char *line_history_get(const struct line_history *hist, unsigned int back);

#endif
