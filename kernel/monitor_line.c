/*
 * SPDX-License-Identifier: MIT
 * kernel/monitor_line.c - the monitor's line editor: bytes in, a line and
 * its echo out (the contract is in monitor_line.h; docs/monitor.md draws
 * the state machine).
 *
 * Plain C with no kernel headers: tests/host/test_line_edit.c builds this
 * file on the host and checks every redraw against a simulated terminal.
 *
 * Keys (what a terminal sends for them):
 *   printable        insert at the cursor       ^A, Home     start of line
 *   ^H, DEL          erase left of the cursor   ^E, End      end of line
 *   ESC [3~ (Delete) erase under the cursor     ^B/^F, left/right arrows
 *   ^U               erase from start to cursor ^P/^N, up/down arrows: history
 *   ^K               erase from cursor to end   Tab          complete a command name
 *   ^W               erase the word before      ^C           abandon the line
 *   CR or LF         end the line
 * Home and End come as ESC [H / ESC [F, ESC O H / ESC O F, ESC [1~ / ESC [4~
 * (also 7~ / 8~).  Only the first parameter counts: a modifier after it
 * (ESC [1;5C, Ctrl-Right) is ignored and the key acts as its plain self.
 * Any other escape sequence is read to its end and dropped.
 */
#include "monitor_line.h"

#include <string.h>

/* clang-format 14 reads "(x) & y" or "(x) - y" in a macro as a cast: left as written. */
/* clang-format off */
#define CTRL(c)		((c) & 0x1f)
/* clang-format on */
#define BYTE_ESC      0x1b
#define BYTE_DEL      0x7f
#define CSI_PARAM_CAP 1000 /* a longer number is not a key we know */

/* ---- the echo buffer ---------------------------------------------------- */

/* Append @n bytes of @s to the echo; what does not fit is dropped. */
static void out_put(struct line_editor *ed, const char *s, size_t n)
{
	size_t room = LINE_OUT_SIZE - ed->out_len;

	if (n > room)
		n = room;
	memcpy(ed->out + ed->out_len, s, n);
	ed->out_len += n;
}

static void out_repeat(struct line_editor *ed, char c, size_t n)
{
	while (n-- && ed->out_len < LINE_OUT_SIZE)
		ed->out[ed->out_len++] = c;
}

static void out_str(struct line_editor *ed, const char *s)
{
	out_put(ed, s, strlen(s));
}

/*
 * Make the screen show buf and put the terminal's cursor on ed->cursor.
 * Before: the screen cursor is at @screen, the screen holds @old_len
 * characters, and nothing left of @from has changed (from <= screen).
 */
static void redraw(struct line_editor *ed, size_t from, size_t screen, size_t old_len)
{
	size_t end = ed->len;

	out_repeat(ed, '\b', screen - from);
	out_put(ed, ed->buf + from, ed->len - from);
	if (old_len > ed->len) {
		out_repeat(ed, ' ', old_len - ed->len); /* wipe what was deleted */
		end = old_len;
	}
	out_repeat(ed, '\b', end - ed->cursor);
}

/* ---- editing operations ------------------------------------------------- */

static void move_cursor(struct line_editor *ed, size_t to)
{
	if (to < ed->cursor)
		out_repeat(ed, '\b', ed->cursor - to);
	else
		out_put(ed, ed->buf + ed->cursor, to - ed->cursor); /* retyping: right */
	ed->cursor = to;
}

/* Insert @n bytes at the cursor; false (and nothing changes) if the line would be too long. */
static bool insert(struct line_editor *ed, const char *s, size_t n)
{
	size_t at = ed->cursor;

	if (ed->len + n > ed->max)
		return false;
	memmove(ed->buf + at + n, ed->buf + at, ed->len - at + 1);
	memcpy(ed->buf + at, s, n);
	ed->len += n;
	ed->cursor += n;
	redraw(ed, at, at, ed->len - n);
	return true;
}

/* Erase [a, b) and leave the cursor at @a. */
static void erase(struct line_editor *ed, size_t a, size_t b)
{
	size_t screen = ed->cursor, old_len = ed->len;

	if (a >= b)
		return;
	memmove(ed->buf + a, ed->buf + b, ed->len - b + 1);
	ed->len -= b - a;
	ed->cursor = a;
	redraw(ed, a, screen, old_len);
}

/* Where the word before the cursor starts (spaces before it are part of it, as bash's ^W). */
static size_t word_start(const struct line_editor *ed)
{
	size_t p = ed->cursor;

	while (p && ed->buf[p - 1] == ' ')
		p--;
	while (p && ed->buf[p - 1] != ' ')
		p--;
	return p;
}

/* Replace the whole line with @s (cut to ed->max), cursor at its end. */
static void set_line(struct line_editor *ed, const char *s)
{
	size_t screen = ed->cursor, old_len = ed->len, n = strlen(s);

	if (n > ed->max)
		n = ed->max;
	memcpy(ed->buf, s, n);
	ed->buf[n] = '\0';
	ed->len = n;
	ed->cursor = n;
	redraw(ed, 0, screen, old_len);
}

/* ---- history ------------------------------------------------------------ */

void line_history_add(struct line_history *hist, const char *line)
{
	const char *newest = line_history_get(hist, 1);
	char *slot;

	if (strspn(line, " ") == strlen(line) || (newest && !strcmp(newest, line)))
		return;
	slot = hist->lines[hist->count % LINE_HISTORY_SIZE];
	strncpy(slot, line, LINE_BUF_SIZE - 1);
	slot[LINE_BUF_SIZE - 1] = '\0';
	hist->count++;
}

const char *line_history_get(const struct line_history *hist, unsigned int back)
{
	unsigned int held = hist->count < LINE_HISTORY_SIZE ? hist->count : LINE_HISTORY_SIZE;

	if (!back || back > held)
		return NULL;
	return hist->lines[(hist->count - back) % LINE_HISTORY_SIZE];
}

/* Up (@older) or down one history line; the typed line is kept aside and comes back last. */
static void history_walk(struct line_editor *ed, bool older)
{
	const char *line;

	if (!ed->hist)
		return;
	if (older) {
		line = line_history_get(ed->hist, ed->hist_back + 1);
		if (!line)
			return;
		if (!ed->hist_back)
			memcpy(ed->typed, ed->buf, ed->len + 1);
		ed->hist_back++;
	} else {
		if (!ed->hist_back)
			return;
		ed->hist_back--;
		line = ed->hist_back ? line_history_get(ed->hist, ed->hist_back) : ed->typed;
	}
	set_line(ed, line);
}

/* ---- Tab: command names --------------------------------------------------- */

/*
 * Count the names starting with buf[0..cursor) and find how far they all
 * agree (*common: length of their common prefix).  Returns the count.
 */
static unsigned int complete_scan(const struct line_editor *ed, const char **first, size_t *common)
{
	unsigned int n = 0;
	const char *name;

	for (unsigned int i = 0; (name = ed->name_at(i)); i++) {
		if (strncmp(name, ed->buf, ed->cursor))
			continue;
		if (!n++) {
			*first = name;
			*common = strlen(name);
		} else {
			size_t k = ed->cursor;

			while (k < *common && name[k] == (*first)[k])
				k++;
			*common = k;
		}
	}
	return n;
}

/* The first name after @prev (NULL: the first) in strcmp order that starts with the word. */
static const char *complete_next(const struct line_editor *ed, const char *prev)
{
	const char *best = NULL, *name;

	for (unsigned int i = 0; (name = ed->name_at(i)); i++)
		if (!strncmp(name, ed->buf, ed->cursor) && (!prev || strcmp(name, prev) > 0) &&
		    (!best || strcmp(name, best) < 0))
			best = name;
	return best;
}

/* The second Tab: list the candidates in order, then draw the prompt and the line again. */
static void complete_list(struct line_editor *ed)
{
	out_str(ed, "\n");
	for (const char *name = complete_next(ed, NULL); name; name = complete_next(ed, name)) {
		out_str(ed, name);
		out_str(ed, "  ");
	}
	out_str(ed, "\n");
	out_str(ed, ed->prompt);
	out_put(ed, ed->buf, ed->len);
	out_repeat(ed, '\b', ed->len - ed->cursor);
}

/*
 * Tab: only the first word, with the cursor at its end, is completed.
 * One match: complete it and add a space.  Several: extend to their common
 * prefix; a second Tab in a row lists them.
 */
static void complete(struct line_editor *ed, bool second_tab)
{
	const char *first = NULL;
	size_t common = 0;
	unsigned int n;

	if (!ed->name_at || memchr(ed->buf, ' ', ed->cursor) ||
	    (ed->buf[ed->cursor] && ed->buf[ed->cursor] != ' '))
		return;
	n = complete_scan(ed, &first, &common);
	if (n == 1) {
		bool fits = insert(ed, first + ed->cursor, common - ed->cursor);

		if (fits && ed->buf[ed->cursor] != ' ')
			insert(ed, " ", 1);
	} else if (n > 1 && common > ed->cursor) {
		insert(ed, first + ed->cursor, common - ed->cursor);
		ed->tab_listed_next = true;
	} else if (n > 1) {
		if (second_tab)
			complete_list(ed);
		ed->tab_listed_next = true;
	}
}

/* ---- the state machine ------------------------------------------------- */

/* What a byte or an escape sequence asks for. */
enum line_key {
	KEY_NONE, /* nothing we use: dropped */
	KEY_LEFT,
	KEY_RIGHT,
	KEY_HOME,
	KEY_END,
	KEY_UP,		/* older history line */
	KEY_DOWN,	/* newer history line */
	KEY_BACKSPACE,	/* erase left of the cursor */
	KEY_DELETE,	/* erase under the cursor */
	KEY_KILL_START, /* erase from the start to the cursor */
	KEY_KILL_END,	/* erase from the cursor to the end */
	KEY_KILL_WORD,	/* erase the word before the cursor */
	KEY_TAB,
};

/* Control bytes as a shell reads them (Enter, ^C and ESC are handled before). */
static const unsigned char ctrl_keys[0x20] = {
	[CTRL('A')] = KEY_HOME,	     [CTRL('E')] = KEY_END,	  [CTRL('B')] = KEY_LEFT,
	[CTRL('F')] = KEY_RIGHT,     [CTRL('P')] = KEY_UP,	  [CTRL('N')] = KEY_DOWN,
	[CTRL('H')] = KEY_BACKSPACE, [CTRL('I')] = KEY_TAB,	  [CTRL('U')] = KEY_KILL_START,
	[CTRL('K')] = KEY_KILL_END,  [CTRL('W')] = KEY_KILL_WORD,
};

/* The key of ESC [ <param> ~ (VT220 editing keys). */
static enum line_key tilde_key(unsigned int param)
{
	switch (param) {
	case 1:
	case 7:
		return KEY_HOME;
	case 4:
	case 8:
		return KEY_END;
	case 3:
		return KEY_DELETE;
	default:
		return KEY_NONE;
	}
}

/*
 * The key of ESC [ <param> <final> or ESC O <final>.  A modifier after
 * the first parameter is ignored: Ctrl-Right (ESC [1;5C) moves as Right,
 * Shift-Delete (ESC [3;2~) deletes as Delete.
 */
static enum line_key escape_key(unsigned char final, unsigned int param)
{
	switch (final) {
	case 'A':
		return KEY_UP;
	case 'B':
		return KEY_DOWN;
	case 'C':
		return KEY_RIGHT;
	case 'D':
		return KEY_LEFT;
	case 'H':
		return KEY_HOME;
	case 'F':
		return KEY_END;
	case '~':
		return tilde_key(param);
	default:
		return KEY_NONE; /* F1 (ESC O P), ESC [ Z...: dropped whole */
	}
}

/*
 * One byte inside an escape sequence: returns the key once the sequence
 * is complete, else KEY_NONE.  *@cut_short is set when @c is a control
 * byte, which cuts the sequence short and is to be read as a key itself.
 */
static enum line_key escape_byte(struct line_editor *ed, unsigned char c, bool *cut_short)
{
	enum line_esc state = ed->esc;

	ed->esc = LINE_ESC_NONE;
	*cut_short = c < 0x20 && c != BYTE_ESC;
	if (*cut_short || c >= BYTE_DEL) /* garbage ends the sequence */
		return KEY_NONE;
	if (c == BYTE_ESC) { /* a new sequence starts over */
		ed->esc = LINE_ESC_START;
		ed->esc_param = 0;
		ed->esc_param_done = false;
		return KEY_NONE;
	}
	if (state == LINE_ESC_START) {
		ed->esc = c == '[' ? LINE_ESC_CSI : c == 'O' ? LINE_ESC_SS3 : LINE_ESC_NONE;
		return KEY_NONE; /* ESC x (Alt-x) is dropped */
	}
	if (state == LINE_ESC_CSI && c < 0x40) { /* parameter and intermediate bytes */
		ed->esc = LINE_ESC_CSI;
		if (c < '0' || c > '9') /* ';' (or another byte) ends the first parameter */
			ed->esc_param_done = true;
		else if (!ed->esc_param_done && ed->esc_param < CSI_PARAM_CAP)
			ed->esc_param = ed->esc_param * 10 + (unsigned int)(c - '0');
		return KEY_NONE;
	}
	return escape_key(c, state == LINE_ESC_CSI ? ed->esc_param : 0);
}

/* Act on @key; @second_tab: the previous key was a Tab that found several names. */
static void do_key(struct line_editor *ed, enum line_key key, bool second_tab)
{
	switch (key) {
	case KEY_LEFT:
		if (ed->cursor)
			move_cursor(ed, ed->cursor - 1);
		break;
	case KEY_RIGHT:
		if (ed->cursor < ed->len)
			move_cursor(ed, ed->cursor + 1);
		break;
	case KEY_HOME:
		move_cursor(ed, 0);
		break;
	case KEY_END:
		move_cursor(ed, ed->len);
		break;
	case KEY_UP:
	case KEY_DOWN:
		history_walk(ed, key == KEY_UP);
		break;
	case KEY_BACKSPACE:
		if (ed->cursor)
			erase(ed, ed->cursor - 1, ed->cursor);
		break;
	case KEY_DELETE:
		if (ed->cursor < ed->len)
			erase(ed, ed->cursor, ed->cursor + 1);
		break;
	case KEY_KILL_START:
		erase(ed, 0, ed->cursor);
		break;
	case KEY_KILL_END:
		erase(ed, ed->cursor, ed->len);
		break;
	case KEY_KILL_WORD:
		erase(ed, word_start(ed), ed->cursor);
		break;
	case KEY_TAB:
		complete(ed, second_tab);
		break;
	case KEY_NONE:
		break;
	}
}

/* Enter: the line is done, or refused if it overflowed. */
static enum line_status finish_line(struct line_editor *ed)
{
	out_str(ed, "\n");
	if (ed->too_long)
		return LINE_TOO_LONG;
	if (ed->hist)
		line_history_add(ed->hist, ed->buf);
	return LINE_DONE;
}

/* A byte outside escape sequences: printable ones are inserted here, the rest become keys. */
static enum line_key byte_key(struct line_editor *ed, unsigned char c)
{
	if (c == BYTE_ESC) {
		ed->esc = LINE_ESC_START;
		ed->esc_param = 0;
		ed->esc_param_done = false;
		return KEY_NONE;
	}
	if (c < 0x20)
		return ctrl_keys[c];
	if (c == BYTE_DEL)
		return KEY_BACKSPACE;
	if (c < BYTE_DEL && !insert(ed, (const char *)&c, 1))
		ed->too_long = true;
	return KEY_NONE; /* bytes >= 0x80 (not ASCII) are dropped */
}

enum line_status line_edit_feed(struct line_editor *ed, unsigned char c)
{
	bool second_tab = ed->tab_listed_next, cut_short;

	ed->out_len = 0;
	ed->tab_listed_next = false;
	if (c == '\r' || c == '\n')
		return finish_line(ed);
	if (c == CTRL('C')) {
		out_str(ed, "^C\n");
		return LINE_INTERRUPTED;
	}
	if (ed->too_long)
		return LINE_EDITING; /* refused whole: wait for the end */
	if (ed->esc != LINE_ESC_NONE) {
		enum line_key key = escape_byte(ed, c, &cut_short);

		if (!cut_short) {
			do_key(ed, key, false);
			return LINE_EDITING;
		}
	}
	do_key(ed, byte_key(ed, c), second_tab);
	return LINE_EDITING;
}

void line_edit_start(struct line_editor *ed, size_t max)
{
	ed->max = max < LINE_BUF_SIZE ? max : LINE_BUF_SIZE - 1;
	ed->buf[0] = '\0';
	ed->len = 0;
	ed->cursor = 0;
	ed->too_long = false;
	ed->esc = LINE_ESC_NONE;
	ed->esc_param = 0;
	ed->esc_param_done = false;
	ed->tab_listed_next = false;
	ed->hist_back = 0;
	ed->out_len = 0;
}

void line_edit_init(struct line_editor *ed, struct line_history *hist, const char *prompt,
		    const char *(*name_at)(unsigned int i))
{
	ed->hist = hist;
	ed->prompt = prompt;
	ed->name_at = name_at;
	line_edit_start(ed, LINE_BUF_SIZE - 1);
}
