/*
 * SPDX-License-Identifier: MIT
 * bench/guest/bench_format.c - the text of one benchmark line: a figure beside its
 * same-run baseline and which of the two is better (include/kernel/bench.h).
 *
 * Plain C on snprintf, so make test compiles it on the host and checks it
 * against tools/benchfmt.py, which prints the host benchmarks the same way
 * (docs/performance.md, "How to read a line"):
 *
 *   <name>: ours 362 vs baseline 388 insns/op (baseline: <its name>): ours 1.07x fewer
 *   <name>: ours 456 vs baseline 178 insns/op (baseline: <its name>): baseline 2.56x fewer
 *   <name>: ours 67 vs baseline 67 insns/op (baseline: <its name>): the same
 *   <name>: 281 insns/op (no baseline)
 *
 * The ratio is the larger figure over the smaller, so it is never below 1
 * and the word before it names the winner: no "(0.6x)" to puzzle over.
 */
#include <kernel/bench.h>
#include <stdio.h>

/* 100 times @hi / @lo, rounded half up, in integers (tools/benchfmt.py ratio100). */
static u64 ratio100(u64 hi, u64 lo)
{
	return (hi * 100 + lo / 2) / lo;
}

/* ": ours 1.07x fewer", ": baseline 2.56x fewer" or ": the same" after the figures. */
static int bench_verdict(char *buf, size_t size, u64 ours, u64 base)
{
	u64 hi = ours > base ? ours : base, lo = ours > base ? base : ours, r;

	if (!lo) /* a zero cannot be divided by: say so rather than print a ratio */
		return snprintf(buf, size,
				hi ? ": %s fewer (no ratio: one figure is 0)" : ": the same",
				ours < base ? "ours" : "baseline");
	r = ratio100(hi, lo);
	if (r == 100)
		return snprintf(buf, size, ": the same");
	return snprintf(buf, size, ": %s %llu.%02llux fewer", ours < base ? "ours" : "baseline",
			(unsigned long long)(r / 100), (unsigned long long)(r % 100));
}

int bench_format(char *buf, size_t size, const char *name, u64 ours, const char *base_name,
		 u64 base)
{
	int n;

	if (!base_name)
		return snprintf(buf, size, "%s: %llu insns/op (no baseline)", name,
				(unsigned long long)ours);
	n = snprintf(buf, size, "%s: ours %llu vs baseline %llu insns/op (baseline: %s)", name,
		     (unsigned long long)ours, (unsigned long long)base, base_name);
	if (n < 0 || (size_t)n >= size)
		return n;
	return n + bench_verdict(buf + n, size - n, ours, base);
}
