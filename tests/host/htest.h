/*
 * SPDX-License-Identifier: MIT
 * tests/host/htest.h - the smallest test harness that will do, for kernel
 * code that is plain C and so can run on the host under the sanitizers.
 *
 *   HTEST(parse_empty_line) { CHECK(cmdline_parse("", ...) == 0); }
 *   static const struct htest tests[] = { HTEST_ENTRY(parse_empty_line), };
 *   int main(void) { return htest_main("test_cmdline", tests, HTEST_COUNT(tests)); }
 *
 * Output is TAP-like, which tools/run-tests.py reads:
 *
 *   1..2
 *   # test_cmdline.c:40: CHECK failed: n == 0       <- before its result
 *   not ok 1 - parse_empty_line
 *   ok 2 - parse_quotes
 *   # test_cmdline: 1 passed, 1 failed
 *
 * A sanitizer report ends the program at once (-fno-sanitize-recover=all):
 * the Makefile turns that exit status into a "not ok" line of its own.
 */
#ifndef TESTS_HOST_HTEST_H
#define TESTS_HOST_HTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>
#include <string.h>
#include <signal.h>

struct htest {
	const char *name;
	void (*fn)(void);
};

/*
 * htest_rand - xorshift64, for randomized tests: a fixed seed gives the same
 * sequence on every run, so a failure found once is found again.
 */
static inline uint64_t htest_rand(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/*
 * htest_child_panics_with - run @fn in a forked child (its stderr captured)
 * and say whether it died of a signal having printed @text: how a host test
 * checks that kernel code BUGs or panics (the shims' panic() aborts).
 */
static inline bool htest_child_panics_with(void (*fn)(void), const char *text)
{
	char buf[4096] = "";
	int fds[2], status;
	ssize_t n, got = 0;
	pid_t pid;

	if (pipe(fds))
		return false;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 2);
		signal(SIGABRT, SIG_DFL);
		fn();
		_exit(0);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += n;
	buf[got] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) && strstr(buf, text);
}

/* Set by a failed CHECK; cleared before each test. */
static bool htest_failed;

#define HTEST(fn)      static void fn(void)
/* clang-format 14 splits a braced initializer in a macro over four lines: left as written. */
/* clang-format off */
#define HTEST_ENTRY(fn) { #fn, fn }
/* clang-format on */
#define HTEST_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Record a failure and go on, as the in-guest EXPECT does. */
#define CHECK(cond)                                                                       \
	do {                                                                              \
		if (!(cond)) {                                                            \
			printf("# %s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
			htest_failed = true;                                              \
		}                                                                         \
	} while (0)

/* Is @name in the comma-separated list @only (NULL: every test is)? */
static inline bool htest_selected(const char *only, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = only; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, name, len) && (p[len] == ',' || p[len] == '\0'))
			return true;
	return !only;
}

/*
 * Run every test in order; returns the exit status for main (0: all passed).
 * HTEST_ONLY=name,name in the environment runs only those (a lab's grader
 * runs each part's tests in a process of its own); the others print nothing.
 */
static inline int htest_main(const char *prog, const struct htest *tests, size_t n)
{
	const char *only = getenv("HTEST_ONLY");
	int passed = 0, failed = 0;

	printf("1..%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		if (!htest_selected(only, tests[i].name))
			continue;
		htest_failed = false;
		tests[i].fn();
		printf("%sok %zu - %s\n", htest_failed ? "not " : "", i + 1, tests[i].name);
		fflush(stdout); /* a sanitizer abort must not lose earlier lines */
		if (htest_failed)
			failed++;
		else
			passed++;
	}
	printf("# %s: %d passed, %d failed\n", prog, passed, failed);
	return failed ? 1 : 0;
}

#endif
