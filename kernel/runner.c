/*
 * SPDX-License-Identifier: MIT
 * kernel/runner.c - test=, bench= and the monitor's `test` and `bench`:
 * what the kernel knows of its tests and benchmarks, which is a table.
 *
 * include/kernel/runner.h explains the table.  Everything here works the
 * same whether the tests module is loaded (make run, make test) or not (a
 * plain -kernel boot, or a module refused): then each entry point says so in one line,
 *
 *   > test
 *   test: no tests are loaded: the loader passed no tests module (ktests.bin)
 */
#include <kernel/cmdline.h>
#include <kernel/ktests.h>
#include <kernel/monitor.h>
#include <kernel/power.h>
#include <kernel/printk.h>
#include <kernel/runner.h>
#include <kernel/sched.h>
#include <mm/mm.h>
#include <errno.h>
#include <string.h>

static char test_filter[256];
cmdline_param_string(test, test_filter,
		     "run these test suites (all, suite, suite.case, a,b) and exit");
static char bench_filter[64];
cmdline_param_string(bench, bench_filter,
		     "run the in-guest benchmarks (all, or a name prefix) and exit");

const struct kernel_runner *kernel_runner_find(const char *name)
{
	if (!ktests_loaded()) /* the runners are the tests module's */
		return NULL;
	for (const struct kernel_runner *r = __kernel_runners_start; r < __kernel_runners_end; r++)
		if (!strcmp(r->name, name))
			return r;
	return NULL;
}

/* What runner @name runs, in the plural, for "no ... are loaded". */
static const char *runner_noun(const char *name)
{
	return !strcmp(name, "test") ? "tests" : "benchmarks";
}

/* Run @name's runner on @filter from the command line, and leave QEMU. */
static __noreturn void runner_boot_one(const char *name, const char *filter)
{
	const struct kernel_runner *r = kernel_runner_find(name);

	if (!r) {
		pr_err("%s=%s: no %s are loaded: %s\n", name, filter, runner_noun(name),
		       ktests_why_not());
		qemu_exit(EXIT_FAILED);
	}
	qemu_exit(r->run(filter) ? EXIT_FAILED : EXIT_OK);
}

void kernel_runner_boot(void)
{
	if (!test_filter[0] && !bench_filter[0])
		return;
	/* Every free page count the leak checks compare is final first (mm/mm_init.c). */
	deferred_init_finish();
	if (test_filter[0])
		runner_boot_one("test", test_filter);
	if (bench_filter[0])
		runner_boot_one("bench", bench_filter);
}

/* The runner of monitor command @cmd; NULL after saying that none is loaded. */
static const struct kernel_runner *runner_of(const char *cmd)
{
	const struct kernel_runner *r = kernel_runner_find(cmd);

	if (!r)
		printk("%s: no %s are loaded: %s\n", cmd, runner_noun(cmd), ktests_why_not());
	return r;
}

/* `<cmd> list [<what>]`: 0, or -EINVAL when there is no @what (@noun names it). */
static int runner_list(const struct kernel_runner *r, int argc, char **argv, const char *noun)
{
	if (r->list(argc == 3 ? argv[2] : NULL) == -ENOENT)
		return monitor_bad_arg(argv[0], "no %s '%s' ('%s list' shows them)", noun, argv[2],
				       argv[0]);
	return 0;
}

/* `<cmd> [<filter>]`: 0 if the filter selects something, else -EINVAL, saying so. */
static int runner_check_filter(const struct kernel_runner *r, int argc, char **argv,
			       const char *noun)
{
	const char *bad = "";
	size_t bad_len = 0;
	int err = monitor_check_args(argc, argv, 0, 1);

	if (err || argc == 1 || r->matches(argv[1], &bad, &bad_len))
		return err;
	return monitor_bad_arg(argv[0], "no %s '%.*s' ('%s list' shows them)", noun, (int)bad_len,
			       bad, argv[0]);
}

/*
 * What `test` and `bench` share: check the arguments (at most @max_args),
 * `<cmd> list [...]`, or run the filter and put what the runner returned in
 * *@ran.  0, -EINVAL (said why), -ENOENT (nothing loaded) or -EINTR (Ctrl-C).
 */
static int runner_cmd(int argc, char **argv, int max_args, const char *item,
		      const char *filter_noun, int *ran)
{
	int err = monitor_check_args(argc, argv, 0, max_args);
	const struct kernel_runner *r;

	if (err)
		return err;
	r = runner_of(argv[0]);
	if (!r)
		return -ENOENT;
	if (argc > 1 && !strcmp(argv[1], "list"))
		return runner_list(r, argc, argv, item);
	err = runner_check_filter(r, argc, argv, filter_noun);
	if (err)
		return err;
	deferred_init_finish(); /* done by now (the monitor's first prompt): a no-op */
	*ran = r->run(argc > 1 ? argv[1] : "all");
	return signal_pending(current) ? -EINTR : 0;
}

/* `test [filter]`: run suites, then say how many cases failed; Ctrl-C stops between cases. */
static int cmd_test(int argc, char **argv)
{
	int failed = -1;
	int err = runner_cmd(argc, argv, 2, "suite", "suite or case", &failed);

	if (failed >= 0)
		printk("%d failed\n", failed);
	return err;
}
MONITOR_CMD(test, "test [all|<suite>|<suite>.<case>|list [<suite>]]", "run in-guest tests",
	    cmd_test);

/*
 * `bench [filter]`: run benchmarks.  Their figures are TSC ticks per
 * operation: instructions only under -icount shift=0, as make bench boots.
 */
static int cmd_bench(int argc, char **argv)
{
	int ran;

	return runner_cmd(argc, argv, 1, "benchmark", "benchmark", &ran);
}
MONITOR_CMD(bench, "bench [all|<name prefix>|list]", "run in-guest benchmarks", cmd_bench);
