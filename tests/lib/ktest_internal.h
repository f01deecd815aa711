/*
 * SPDX-License-Identifier: MIT
 * tests/lib/ktest_internal.h - the harness's own parts, for its own tests.
 *
 * Test suites include <kernel/ktest.h> only.  This header exposes the pieces
 * of tests/lib/ktest.c that tests/kernel/test_ktest.c checks in-guest: the filter
 * matcher and the resource counters.  Nothing else should include it.
 */
#ifndef TESTS_KTEST_INTERNAL_H
#define TESTS_KTEST_INTERNAL_H

#include <kernel/ktest.h>

/* How a filter selects one case. */
enum ktest_match {
	KTEST_MATCH_NONE,  /* not selected */
	KTEST_MATCH_SUITE, /* selected by "all" or by its suite's name */
	KTEST_MATCH_EXACT, /* named exactly, "suite.case": panic cases run */
};

/*
 * ktest_filter_match - does @filter select case @c of suite @s?
 * @filter is "all", "suite", "suite.case" or a comma-separated list of
 * these; "all" leaves out selftest and by-name-only suites.  The strongest match of any
 * element wins.  Context: any.
 */
enum ktest_match ktest_filter_match(const char *filter, const struct ktest_suite *s,
				    const struct ktest_case *c);

/* The counters checked around every case ("pages", "slab objects", "threads"). */
extern const struct ktest_counter ktest_counters[];
#define KTEST_NR_COUNTERS 3

/* Read every counter into @vals[KTEST_NR_COUNTERS].  Context: any. */
void ktest_read_counters(unsigned long *vals);

/* The default per-case timeout in ms (`ktest.timeout=`, 10000 unless set). */
extern long ktest_timeout_ms;

#endif
