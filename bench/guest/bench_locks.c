/*
 * SPDX-License-Identifier: MIT
 * bench/guest/bench_locks.c - an uncontended spinlock in guest instructions
 * per lock+unlock pair (make bench builds LOCKDEP=n: the bare ticket lock
 * behind spin_lock; under QEMU virt_spin_lock takes it with trylock unless
 * booted with nopvspin, docs/locking.md).
 */
#include <kernel/bench.h>
#include <kernel/spinlock.h>
#include <arch/x86.h>

static DEFINE_SPINLOCK(bench_lock);

static u64 bench_spin_lock(unsigned long iters)
{
	u64 start = rdtsc();

	for (unsigned long i = 0; i < iters; i++) {
		spin_lock(&bench_lock);
		spin_unlock(&bench_lock);
	}
	return rdtsc() - start;
}

static u64 bench_spin_lock_irqsave(unsigned long iters)
{
	unsigned long flags;
	u64 start = rdtsc();

	for (unsigned long i = 0; i < iters; i++) {
		spin_lock_irqsave(&bench_lock, flags);
		spin_unlock_irqrestore(&bench_lock, flags);
	}
	return rdtsc() - start;
}

static u64 bench_spin_trylock(unsigned long iters)
{
	u64 start = rdtsc();

	for (unsigned long i = 0; i < iters; i++)
		if (spin_trylock(&bench_lock))
			spin_unlock(&bench_lock);
	return rdtsc() - start;
}

BENCH(spin_lock, "spin_lock+spin_unlock uncontended", bench_spin_lock, NULL, NULL);
BENCH(spin_lock_irqsave, "spin_lock_irqsave+spin_unlock_irqrestore uncontended",
      bench_spin_lock_irqsave, NULL, NULL);
BENCH(spin_trylock, "spin_trylock+spin_unlock uncontended", bench_spin_trylock, NULL, NULL);
