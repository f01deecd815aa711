/*
 * SPDX-License-Identifier: MIT
 * tests/lib/monitor_test.h - what the monitor suites share: running a line
 * as if it were typed at the prompt (without the prompt's Ctrl-C handling
 * or its "^C" line: monitor_exec only).
 */
#ifndef TESTS_MONITOR_TEST_H
#define TESTS_MONITOR_TEST_H

#include <kernel/monitor.h>
#include <string.h>

/* Run @text as a monitor line (a copy: monitor_exec splits it in place). */
static inline int exec(const char *text)
{
	char line[MONITOR_LINE_MAX];

	strncpy(line, text, sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	return monitor_exec(line);
}

#endif
