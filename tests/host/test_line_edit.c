/*
 * SPDX-License-Identifier: MIT
 * tests/host/test_line_edit.c - the monitor's line editor (kernel/monitor_line.c)
 * on the host, under AddressSanitizer and UBSan.
 *
 * Every echo the editor produces is played on a simulated terminal (one
 * line of cells and a cursor; '\b' moves left, '\n' starts a new line), and
 * after every byte the terminal must show the prompt, then exactly the
 * line, with its cursor on the editor's cursor.  So a redraw that is one
 * '\b' short fails here, not on a student's screen.
 * (tests/kernel/test_monitor.c feeds the same editor inside the kernel, and
 * tools/monitor_checks.py types at a booted monitor.)
 *
 *   make host-test          # from the top of the tree
 */
#include "monitor_line.h" /* private to kernel/: -iquote kernel (Makefile) */
#include <stdint.h>
#include <string.h>

#include "htest.h"

#define PROMPT "> "
#define PLEN   (sizeof(PROMPT) - 1)

/* In no order, as the linker leaves commands: a listing must sort them. */
static const char *const names[] = { "ps", "help", "ping", "uptime", "hexdump", "poweroff" };

static const char *name_at(unsigned int i)
{
	return i < HTEST_COUNT(names) ? names[i] : NULL;
}

/* The simulated terminal: one line of cells. */
static struct {
	char cells[4 * LINE_BUF_SIZE];
	size_t col;
	unsigned int newlines;
	char last_line[4 * LINE_BUF_SIZE]; /* the line a '\n' ended */
} term;

static void term_new_line(void)
{
	memcpy(term.last_line, term.cells, sizeof(term.cells));
	memset(term.cells, 0, sizeof(term.cells));
	term.col = 0;
	term.newlines++;
}

static void term_play(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\b' && term.col)
			term.col--;
		else if (s[i] == '\n')
			term_new_line();
		else if (s[i] == '\r')
			term.col = 0;
		else if (s[i] >= ' ' && s[i] < 0x7f && term.col < sizeof(term.cells) - 1)
			term.cells[term.col++] = s[i];
	}
}

/* Does the terminal show prompt + line (blanks after it allowed), the cursor in place? */
static bool term_shows(const struct line_editor *ed)
{
	if (memcmp(term.cells, PROMPT, PLEN) || memcmp(term.cells + PLEN, ed->buf, ed->len))
		return false;
	for (size_t i = PLEN + ed->len; i < sizeof(term.cells); i++)
		if (term.cells[i] && term.cells[i] != ' ')
			return false;
	return term.col == PLEN + ed->cursor;
}

static struct line_history hist;
static struct line_editor ed;
static char echo[16384]; /* every echo byte since start(), for exact checks */
static size_t echo_len;

static void start(size_t max)
{
	line_edit_init(&ed, &hist, PROMPT, name_at);
	line_edit_start(&ed, max);
	memset(&term, 0, sizeof(term));
	term_play(PROMPT, PLEN);
	echo_len = 0;
}

/* Feed @s (@n bytes); CHECK the screen after each byte.  Returns the last status. */
static enum line_status feed_n(const char *s, size_t n)
{
	enum line_status st = LINE_EDITING;

	for (size_t i = 0; i < n; i++) {
		st = line_edit_feed(&ed, (unsigned char)s[i]);
		CHECK(ed.out_len <= LINE_OUT_SIZE);
		term_play(ed.out, ed.out_len);
		if (echo_len + ed.out_len < sizeof(echo)) {
			memcpy(echo + echo_len, ed.out, ed.out_len);
			echo_len += ed.out_len;
		}
		if (st == LINE_EDITING)
			CHECK(term_shows(&ed));
	}
	return st;
}

static enum line_status feed(const char *s)
{
	return feed_n(s, strlen(s));
}

static void reset_history(void)
{
	memset(&hist, 0, sizeof(hist));
}

HTEST(typing_and_enter_echo_as_a_plain_terminal_would)
{
	start(LINE_BUF_SIZE - 1);
	CHECK(feed("hello\r") == LINE_DONE);
	CHECK(!strcmp(ed.buf, "hello"));
	CHECK(echo_len == 6 && !memcmp(echo, "hello\n", 6));
	start(LINE_BUF_SIZE - 1);
	CHECK(feed("ab\x7f"
		   "c\b\n") == LINE_DONE); /* DEL and ^H both erase left */
	CHECK(!strcmp(ed.buf, "a"));
	CHECK(echo_len == 10 && !memcmp(echo, "ab\b \bc\b \b\n", 10));
}

HTEST(arrows_move_the_cursor_and_typing_inserts_there)
{
	start(LINE_BUF_SIZE - 1);
	feed("helo\x1b[D");
	CHECK(ed.cursor == 3);
	feed("l");
	CHECK(!strcmp(ed.buf, "hello") && ed.cursor == 4);
	feed("\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D"); /* stops at 0 */
	CHECK(ed.cursor == 0);
	feed("\x1b[C\x1b[C");
	CHECK(ed.cursor == 2);
	feed("\x02\x06\x06"); /* ^B ^F ^F */
	CHECK(ed.cursor == 3);
	CHECK(feed("\r") == LINE_DONE && !strcmp(ed.buf, "hello"));
}

HTEST(home_and_end_in_every_spelling)
{
	static const char *const home[] = { "\x1b[H", "\x1bOH", "\x1b[1~", "\x1b[7~", "\x01" };
	static const char *const end[] = { "\x1b[F", "\x1bOF", "\x1b[4~", "\x1b[8~", "\x05" };

	for (size_t i = 0; i < HTEST_COUNT(home); i++) {
		start(LINE_BUF_SIZE - 1);
		feed("abc");
		feed(home[i]);
		CHECK(ed.cursor == 0);
		feed("X");
		feed(end[i]);
		CHECK(ed.cursor == 4);
		feed("Y");
		CHECK(!strcmp(ed.buf, "XabcY"));
	}
}

HTEST(delete_erases_under_the_cursor_and_backspace_before_it)
{
	start(LINE_BUF_SIZE - 1);
	feed("abcd\x1b[D\x1b[D\x1b[3~");
	CHECK(!strcmp(ed.buf, "abd") && ed.cursor == 2);
	feed("\x7f");
	CHECK(!strcmp(ed.buf, "ad") && ed.cursor == 1);
	feed("\x1b[F\x1b[3~"); /* Delete at the end: nothing */
	CHECK(!strcmp(ed.buf, "ad"));
	feed("\x01\x7f"); /* Backspace at the start: nothing */
	CHECK(!strcmp(ed.buf, "ad"));
}

HTEST(ctrl_u_k_and_w_erase_as_in_bash)
{
	start(LINE_BUF_SIZE - 1);
	feed("blk read vda 8");
	feed("\x17"); /* ^W: "8" */
	CHECK(!strcmp(ed.buf, "blk read vda "));
	feed("\x17"); /* ^W: "vda " with its space */
	CHECK(!strcmp(ed.buf, "blk read "));
	feed("\x1b[D\x1b[D\x1b[D\x1b[D\x0b"); /* ^K from "read" on */
	CHECK(!strcmp(ed.buf, "blk r") && ed.cursor == 5);
	feed("\x1b[D\x15"); /* ^U before the cursor */
	CHECK(!strcmp(ed.buf, "r") && ed.cursor == 0);
	CHECK(feed("\r") == LINE_DONE && !strcmp(ed.buf, "r"));
}

HTEST(ctrl_c_abandons_the_line)
{
	start(LINE_BUF_SIZE - 1);
	CHECK(feed("versi\x03") == LINE_INTERRUPTED);
	CHECK(echo_len == 8 && !memcmp(echo, "versi^C\n", 8));
	start(LINE_BUF_SIZE - 1);
	CHECK(feed("on\r") == LINE_DONE && !strcmp(ed.buf, "on"));
}

HTEST(unknown_escape_sequences_are_swallowed_whole)
{
	start(LINE_BUF_SIZE - 1);
	feed("ab");
	/* F5, F1, Shift-Tab, Alt-x, a 30-digit parameter, F5 with Shift, ESC ESC [ D */
	feed("\x1b[15~\x1bOP\x1b[Z\x1bx\x1b[123456789012345678901234567890~\x1b[15;2~\x1b\x1b[D");
	CHECK(!strcmp(ed.buf, "ab") && ed.cursor == 1);
	CHECK(feed("\x1b\r") == LINE_DONE); /* a control byte cuts a sequence short */
	CHECK(!strcmp(ed.buf, "ab"));
	start(LINE_BUF_SIZE - 1);
	feed("\x1b[\xc3\xa9z"); /* non-ASCII inside: dropped, then z typed */
	CHECK(!strcmp(ed.buf, "z"));
}

HTEST(a_modifier_after_the_first_parameter_is_ignored)
{
	start(LINE_BUF_SIZE - 1);
	feed("abcd\x01");
	feed("\x1b[1;5C"); /* Ctrl-Right: as Right */
	CHECK(ed.cursor == 1);
	feed("\x1b[3;2~"); /* Shift-Delete: as Delete, not "32~" */
	CHECK(!strcmp(ed.buf, "acd") && ed.cursor == 1);
	feed("\x1b[1;5~"); /* Ctrl-Home: as Home, not "15~" (F5) */
	CHECK(ed.cursor == 0);
	feed("\x1b[4;3~"); /* Alt-End: as End */
	CHECK(ed.cursor == 3);
	feed("\x1b[1;2D\x1b[1;2;3D"); /* more than one modifier: still Left */
	CHECK(ed.cursor == 1);
}

HTEST(up_and_down_walk_the_history_and_bring_back_the_typed_line)
{
	reset_history();
	start(LINE_BUF_SIZE - 1);
	feed("one\r");
	start(LINE_BUF_SIZE - 1);
	feed("two\r");
	start(LINE_BUF_SIZE - 1);
	feed("tw");
	feed("\x1b[A");
	CHECK(!strcmp(ed.buf, "two") && ed.cursor == 3);
	feed("\x1b[A\x1b[A"); /* stops at the oldest */
	CHECK(!strcmp(ed.buf, "one"));
	feed("\x1b[B");
	CHECK(!strcmp(ed.buf, "two"));
	feed("\x0e"); /* ^N: back to what was typed */
	CHECK(!strcmp(ed.buf, "tw"));
	feed("\x10!\r"); /* ^P, then edit the recalled line */
	CHECK(!strcmp(ed.buf, "two!"));
	CHECK(!strcmp(line_history_get(&hist, 1), "two!"));
}

HTEST(history_keeps_32_lines_without_blanks_or_repeats)
{
	char line[16];

	reset_history();
	for (int i = 0; i < 40; i++) {
		snprintf(line, sizeof(line), "cmd%d", i);
		line_history_add(&hist, line);
		line_history_add(&hist, line); /* a repeat is not kept */
		line_history_add(&hist, "");
		line_history_add(&hist, "   ");
	}
	CHECK(LINE_HISTORY_SIZE >= 32);
	CHECK(!strcmp(line_history_get(&hist, 1), "cmd39"));
	CHECK(!strcmp(line_history_get(&hist, LINE_HISTORY_SIZE), "cmd8"));
	CHECK(line_history_get(&hist, LINE_HISTORY_SIZE + 1) == NULL);
	CHECK(line_history_get(&hist, 0) == NULL);
	start(LINE_BUF_SIZE - 1);
	for (int i = 0; i < 50; i++)
		feed("\x1b[A");
	CHECK(!strcmp(ed.buf, "cmd8"));
}

HTEST(tab_completes_a_unique_name_and_adds_a_space)
{
	start(LINE_BUF_SIZE - 1);
	feed("upt\t");
	CHECK(!strcmp(ed.buf, "uptime ") && ed.cursor == 7);
	start(LINE_BUF_SIZE - 1);
	feed("pow\x1b[D\t"); /* cursor inside the word: nothing */
	CHECK(!strcmp(ed.buf, "pow"));
	start(LINE_BUF_SIZE - 1);
	feed("ping 10\t"); /* not the first word: nothing */
	CHECK(!strcmp(ed.buf, "ping 10"));
	start(LINE_BUF_SIZE - 1);
	feed("zz\t\t"); /* no match: nothing */
	CHECK(!strcmp(ed.buf, "zz") && term.newlines == 0);
}

HTEST(tab_extends_to_the_common_prefix_and_a_second_tab_lists)
{
	start(LINE_BUF_SIZE - 1);
	feed("h\t");
	CHECK(!strcmp(ed.buf, "he") && term.newlines == 0);
	feed("\t");
	CHECK(term.newlines == 2); /* the list, then the line again */
	CHECK(!strcmp(ed.buf, "he"));
	start(LINE_BUF_SIZE - 1);
	feed("p\t");
	CHECK(!strcmp(ed.buf, "p") && term.newlines == 0);
	feed("\t");
	CHECK(strstr(echo, "\nping  poweroff  ps  \n" PROMPT "p") != NULL);
	CHECK(!strstr(echo, "help"));
	feed("o\t");
	CHECK(!strcmp(ed.buf, "poweroff "));
}

HTEST(an_over_long_line_is_refused_whole)
{
	start(8);
	feed("0123456789ab");
	CHECK(ed.len == 8 && ed.too_long);
	CHECK(echo_len == 8); /* nothing echoed past the limit */
	CHECK(feed("\x7f\x1b[D") == LINE_EDITING && ed.len == 8); /* no editing any more */
	CHECK(feed("\n") == LINE_TOO_LONG);
	start(8);
	feed("1234567");
	feed("\x01");
	CHECK(feed("up") == LINE_EDITING && ed.too_long); /* inserting in the middle too */
	start(4);
	feed("upt\t"); /* a completion that does not fit: nothing */
	CHECK(!strcmp(ed.buf, "upt") && !ed.too_long);
}

/* Random bytes, weighted toward the interesting ones, with the screen checked after each. */
HTEST(random_byte_storms_keep_the_line_and_the_screen_consistent)
{
	static const char pick[] = "\x1b[~O0123ABCDFH\x7f\b\t"
				   "\x01\x05\x0b\x15\x17\x10\x0e\x02\x06\x03\r\x80\xff pux;";
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	unsigned int done = 0;

	reset_history();
	start(LINE_BUF_SIZE - 1);
	for (int i = 0; i < 400000 && !htest_failed; i++) {
		uint64_t r = htest_rand(&seed);
		char c = r & 1 ? pick[(r >> 8) % (sizeof(pick) - 1)] : (char)(r >> 16);
		enum line_status st = feed_n(&c, 1);

		CHECK(ed.len <= ed.max && ed.cursor <= ed.len && strlen(ed.buf) == ed.len);
		if (st != LINE_EDITING) {
			done++;
			start((r >> 24) % LINE_BUF_SIZE);
		}
	}
	CHECK(done > 1000);
	CHECK(hist.count > 0);
}

static const struct htest tests[] = {
	HTEST_ENTRY(typing_and_enter_echo_as_a_plain_terminal_would),
	HTEST_ENTRY(arrows_move_the_cursor_and_typing_inserts_there),
	HTEST_ENTRY(home_and_end_in_every_spelling),
	HTEST_ENTRY(delete_erases_under_the_cursor_and_backspace_before_it),
	HTEST_ENTRY(ctrl_u_k_and_w_erase_as_in_bash),
	HTEST_ENTRY(ctrl_c_abandons_the_line),
	HTEST_ENTRY(unknown_escape_sequences_are_swallowed_whole),
	HTEST_ENTRY(a_modifier_after_the_first_parameter_is_ignored),
	HTEST_ENTRY(up_and_down_walk_the_history_and_bring_back_the_typed_line),
	HTEST_ENTRY(history_keeps_32_lines_without_blanks_or_repeats),
	HTEST_ENTRY(tab_completes_a_unique_name_and_adds_a_space),
	HTEST_ENTRY(tab_extends_to_the_common_prefix_and_a_second_tab_lists),
	HTEST_ENTRY(an_over_long_line_is_refused_whole),
	HTEST_ENTRY(random_byte_storms_keep_the_line_and_the_screen_consistent),
};

int main(void)
{
	return htest_main("test_line_edit", tests, HTEST_COUNT(tests));
}
