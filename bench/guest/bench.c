/*
 * bench/guest/bench.c - runs the BENCH() cases (include/kernel/bench.h).
 */
#include <kernel/bench.h>
#include <kernel/printk.h>
#include <arch/x86.h>
#include <string.h>

extern const struct bench_case __bench_cases_start[], __bench_cases_end[];

#define BENCH_ITERS	1000
#define BENCH_REPEAT	7

/* The fewest ticks per operation over BENCH_REPEAT runs. */
static u64 best_per_op(u64 (*fn)(unsigned long))
{
	u64 best = ~0ULL;

	fn(BENCH_ITERS);	/* warm caches, slabs and per-CPU lists first */
	for (int i = 0; i < BENCH_REPEAT; i++) {
		u64 t = fn(BENCH_ITERS);

		if (t < best)
			best = t;
	}
	return best / BENCH_ITERS;
}

void bench_run(const char *filter)
{
	bool all = !strcmp(filter, "all");

	printk(KERN_NOTICE "bench: start (instructions per operation under -icount shift=0)\n");
	for (const struct bench_case *b = __bench_cases_start; b < __bench_cases_end; b++) {
		u64 ours, base;

		if (!all && strncmp(b->name, filter, strlen(filter)))
			continue;
		ours = best_per_op(b->run);
		if (!b->baseline) {
			printk(KERN_NOTICE "bench: %s: %llu insns/op\n", b->name, (unsigned long long)ours);
			continue;
		}
		base = best_per_op(b->baseline);
		printk(KERN_NOTICE "bench: %s: %llu insns/op; %s: %llu insns/op (%llu.%llux)\n", b->name,
		       (unsigned long long)ours, b->baseline_name, (unsigned long long)base,
		       (unsigned long long)(ours ? base / ours : 0),
		       (unsigned long long)(ours ? base * 10 / ours % 10 : 0));
	}
	printk(KERN_NOTICE "bench: done\n");
}
