/*
 * SPDX-License-Identifier: MIT
 * kernel/bench.h - in-guest micro-benchmarks, counted in guest instructions.
 *
 * Booted with `-icount shift=0,align=off` (make bench does), QEMU makes the
 * TSC count executed guest instructions, so rdtsc() around a loop measures
 * work exactly, the same on every machine.  A benchmark runs its operation
 * @iters times and returns the TSC ticks used; the runner repeats it and
 * keeps the smallest (a timer tick inside the loop only ever adds), then
 * prints instructions per operation beside the baseline's, measured in the
 * same boot, and which of the two is better: the larger over the smaller,
 * named by the winner (bench_format(); docs/performance.md):
 *
 *   bench: kmalloc+kfree 64 B: ours 67 vs baseline 137 insns/op (baseline: newlib
 *          malloc+free 64 B): ours 2.04x fewer
 *   bench: spin_lock+spin_unlock uncontended: 31 insns/op (no baseline)
 *
 * Declare one with BENCH() next to the code it measures (bench/guest/).
 * Boot with `bench=all` or `bench=<name prefix>` to run them, or type
 * `bench` at the monitor (without -icount the figures are TSC ticks, not
 * instructions).  bench/guest/bench.c registers the runner with the kernel
 * (include/kernel/runner.h); all of it is in the tests module (kernel/ktests.h).
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

/*
 * bench_format - write the line for @name's figure @ours into @buf (@size
 * bytes, NUL-terminated, cut if short): beside @base_name's @base and the
 * verdict ("ours 1.07x fewer", "baseline 2.56x fewer", "the same"), or
 * "(no baseline)" if @base_name is NULL.  Returns snprintf's length.
 * tools/benchfmt.py prints and checks the same form.  Context: any.
 */
int bench_format(char *buf, size_t size, const char *name, u64 ours, const char *base_name,
		 u64 base);

#endif
