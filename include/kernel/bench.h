/*
 * SPDX-License-Identifier: MIT
 * kernel/bench.h - in-guest micro-benchmarks, counted in guest instructions.
 *
 * Booted with `-icount shift=0,align=off` (make bench does), QEMU makes the
 * TSC count executed guest instructions, so rdtsc() around a loop measures
 * work exactly, the same on every machine.  A benchmark runs its operation
 * @iters times and returns the TSC ticks used; the runner repeats it and
 * keeps the smallest (a timer tick inside the loop only ever adds), then
 * prints instructions per operation beside the baseline's, if it has one:
 *
 *   bench: kmalloc+kfree 64 B: 48 insns/op; newlib malloc+free: 131 insns/op (2.7x fewer)
 *
 * Declare one with BENCH() next to the code it measures (bench/guest/).
 * Boot with `bench=all` or `bench=<name prefix>` to run them, or type
 * `bench` at the monitor (without -icount the figures are TSC ticks, not
 * instructions).  bench/guest/bench.c registers the runner with the kernel
 * (include/kernel/runner.h); `make KTEST=n` links none of it.
 */
#ifndef KERNEL_BENCH_H
#define KERNEL_BENCH_H

#include <kernel/compiler.h>
#include <kernel/types.h>

struct bench_case {
	const char *name;		 /* what is measured */
	u64 (*run)(unsigned long iters); /* TSC ticks for @iters operations */
	const char *baseline_name;	 /* optional: the same work done another way */
	u64 (*baseline)(unsigned long iters);
};

#define BENCH(id, bname, fn, base_name, base_fn)                              \
	static const struct bench_case __bench_##id __section(".bench_cases") \
		__used __aligned(8) = {                                       \
			.name = bname,                                        \
			.run = fn,                                            \
			.baseline_name = base_name,                           \
			.baseline = base_fn,                                  \
		}

/*
 * bench_run - run the benchmarks whose names start with @filter ("all":
 * every one), printing one line each.  Returns 0 (a benchmark cannot fail).
 * A signal (Ctrl-C at the monitor) stops it between two benchmarks.
 * Context: thread.
 */
int bench_run(const char *filter);

/*
 * bench_matches - does @filter ("all" or a name prefix) select a benchmark?
 * If not, false with all of it in @bad/@bad_len.  Context: any.
 */
bool bench_matches(const char *filter, const char **bad, size_t *bad_len);

/*
 * bench_list - print the name of every benchmark (@prefix NULL), or of those
 * starting with @prefix.  Returns 0, or -ENOENT if none does.  Context: thread.
 */
int bench_list(const char *prefix);

#endif
