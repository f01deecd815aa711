/*
 * SPDX-License-Identifier: MIT
 * kernel/runner.h - the in-guest tests and benchmarks, as the kernel sees
 * them: an entry in a table it walks, nothing it calls by name.
 *
 * The kernel does not depend on its tests.  The test harness (tests/lib/ktest.c)
 * and the benchmark runner (bench/guest/bench.c) each register one runner in
 * the .kernel_runners linker section:
 *
 *   KERNEL_RUNNER(ktest, .name = "test", .run = ktest_run,
 *                 .matches = ktest_matches, .list = ktest_list);
 *
 * and kernel/runner.c finds them by name for
 *
 *   test=<filter>, bench=<filter>    the command line: kernel_init runs the
 *                                    runner instead of the monitor, then
 *                                    leaves QEMU with its verdict
 *   `test ...`, `bench ...`          the monitor's commands
 *
 * Both are in the tests module (include/kernel/ktests.h): when the loader did
 * not pass it, or the kernel refused it, there is no table, and test=, bench=,
 * `test` and `bench` say that nothing of the kind is loaded, and why.
 */
#ifndef KERNEL_RUNNER_H
#define KERNEL_RUNNER_H

#include <kernel/compiler.h>
#include <kernel/types.h>

struct kernel_runner {
	const char *name; /* "test" or "bench": the option and the command */
	/* Run what @filter selects ("all", names...); prints; returns how many failed. */
	int (*run)(const char *filter);
	/* Does every word of @filter select something?  If not, the first that does not. */
	bool (*matches)(const char *filter, const char **bad, size_t *bad_len);
	/* Print what there is (@what NULL), or the parts of @what; -ENOENT: no @what. */
	int (*list)(const char *what);
};

#define KERNEL_RUNNER(id, ...)                                                              \
	static const struct kernel_runner __kernel_runner_##id __section(".kernel_runners") \
		__used __aligned(8) = { __VA_ARGS__ }

/* Every runner: the tests module's .kernel_runners (linker.ld), only when it is loaded. */
extern const struct kernel_runner __kernel_runners_start[], __kernel_runners_end[];

/*
 * kernel_runner_find - the runner called @name, or NULL when none is loaded
 * (no tests module).  Context: any.
 */
const struct kernel_runner *kernel_runner_find(const char *name);

/*
 * kernel_runner_boot - if the command line said test= or bench=, run that
 * and leave QEMU: status 33 if nothing failed, 35 if something did or if no
 * such runner is loaded (it says so).  Returns only when neither was given.
 * Context: thread (kernel_init, after the initcalls).
 */
void kernel_runner_boot(void);

#endif
