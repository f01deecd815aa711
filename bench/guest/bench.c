/*
 * SPDX-License-Identifier: MIT
 * bench/guest/bench.c - runs the BENCH() cases (include/kernel/bench.h), and
 * registers itself with the kernel as the runner of bench= and of the
 * monitor's `bench` (include/kernel/runner.h).
 */
#include <kernel/bench.h>
#include <kernel/printk.h>
#include <kernel/runner.h>
#include <kernel/sched.h>
#include <arch/x86.h>
#include <errno.h>
#include <string.h>

extern const struct bench_case __bench_cases_start[], __bench_cases_end[];

#define BENCH_ITERS  1000
#define BENCH_REPEAT 7

/* The fewest ticks per operation over BENCH_REPEAT runs. */
static u64 best_per_op(u64 (*fn)(unsigned long))
{
	u64 best = ~0ULL;

	fn(BENCH_ITERS); /* warm caches, slabs and per-CPU lists first */
	for (int i = 0; i < BENCH_REPEAT; i++) {
		u64 t = fn(BENCH_ITERS);

		if (t < best)
			best = t;
	}
	return best / BENCH_ITERS;
}

/* Is @b selected by @filter: "all", or a prefix of its name? */
static bool bench_selected(const struct bench_case *b, const char *filter)
{
	return !strcmp(filter, "all") || !strncmp(b->name, filter, strlen(filter));
}

/* Measure @b (and its baseline, in the same boot) and print the line (bench_format()). */
static void bench_one(const struct bench_case *b)
{
	u64 ours = best_per_op(b->run);
	u64 base = b->baseline ? best_per_op(b->baseline) : 0;
	char line[320];

	bench_format(line, sizeof(line), b->name, ours, b->baseline ? b->baseline_name : NULL,
		     base);
	printk(KERN_NOTICE "bench: %s\n", line);
}

int bench_run(const char *filter)
{
	printk(KERN_NOTICE "bench: start (instructions per operation under -icount shift=0)\n");
	for (const struct bench_case *b = __bench_cases_start; b < __bench_cases_end; b++) {
		if (signal_pending(current))
			break;
		if (bench_selected(b, filter))
			bench_one(b);
	}
	printk(KERN_NOTICE "bench: done\n");
	return 0;
}

bool bench_matches(const char *filter, const char **bad, size_t *bad_len)
{
	for (const struct bench_case *b = __bench_cases_start; b < __bench_cases_end; b++)
		if (*filter && bench_selected(b, filter))
			return true;
	*bad = filter;
	*bad_len = strlen(filter);
	return false;
}

int bench_list(const char *prefix)
{
	int n = 0;

	for (const struct bench_case *b = __bench_cases_start; b < __bench_cases_end; b++)
		if (!prefix || !strncmp(b->name, prefix, strlen(prefix))) {
			printk("  %s\n", b->name);
			n++;
		}
	return n ? 0 : -ENOENT;
}

KERNEL_RUNNER(bench, .name = "bench", .run = bench_run, .matches = bench_matches,
	      .list = bench_list);
