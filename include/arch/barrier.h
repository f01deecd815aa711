/*
 * SPDX-License-Identifier: MIT
 * arch/barrier.h - memory barriers on x86_64, under Linux's names.
 *
 * Two things reorder memory accesses: the compiler (which may move, merge or
 * drop loads and stores it thinks nobody else sees) and the CPU.  barrier()
 * (kernel/compiler.h) stops only the first.  The x86 CPU keeps almost every
 * order by itself ("TSO", Intel SDM vol. 3A, 8.2.2): loads are not reordered
 * with loads, stores not with stores, nor a store with an earlier load.  The
 * one reordering it does is a later load passing an earlier store to another
 * address (the store waits in the store buffer):
 *
 *      CPU 0                 CPU 1
 *      x = 1;                y = 1;
 *      r0 = y;               r1 = x;        r0 == r1 == 0 is possible
 *
 * so only smp_mb() costs an instruction; smp_rmb() and smp_wmb() are compiler
 * barriers.  mb()/rmb()/wmb() order accesses to devices and to memory with
 * non-temporal stores as well, and are real fences.
 *
 *   smp_mb()   all earlier loads and stores before all later ones
 *   smp_rmb()  earlier loads before later loads
 *   smp_wmb()  earlier stores before later stores
 *   smp_load_acquire(p)      the load, then everything after it
 *   smp_store_release(p, v)  everything before it, then the store
 *
 * Pair them: a writer's smp_wmb() (or store_release) means something only
 * with the reader's smp_rmb() (or load_acquire) between its two loads.  Every
 * use in the tree has a comment saying what it orders against what.
 */
#ifndef ARCH_BARRIER_H
#define ARCH_BARRIER_H

#include <kernel/compiler.h>

#define mb()  __asm__ __volatile__("mfence" ::: "memory")
#define rmb() __asm__ __volatile__("lfence" ::: "memory")
#define wmb() __asm__ __volatile__("sfence" ::: "memory")

#define smp_mb()  mb()
#define smp_rmb() barrier()
#define smp_wmb() barrier()

/* The atomic read-modify-writes (kernel/atomic.h) are lock-prefixed: full barriers already. */
#define smp_mb__before_atomic_inc() barrier()
#define smp_mb__after_atomic_inc()  barrier()
#define smp_mb__before_atomic_dec() barrier()
#define smp_mb__after_atomic_dec()  barrier()

/* TSO: a plain load is an acquire and a plain store a release, once the compiler keeps out. */
#define smp_load_acquire(p)                              \
	({                                               \
		__typeof__(*(p)) ___v = READ_ONCE(*(p)); \
		barrier();                               \
		___v;                                    \
	})
#define smp_store_release(p, v)        \
	do {                           \
		barrier();             \
		WRITE_ONCE(*(p), (v)); \
	} while (0)

#endif
