/*
 * SPDX-License-Identifier: MIT
 * kernel/atomic.h - atomic counters: atomic_t and atomic64_t, as Linux.
 *
 * counter++ is a load, an add and a store: two CPUs doing it at once can
 * both load 5 and both store 6.  The atomic_* operations are single
 * lock-prefixed instructions (lock xadd, lock cmpxchg...), so no other CPU
 * sees the counter between the read and the write.
 *
 *   atomic_read/atomic_set            a plain load/store (READ_ONCE/WRITE_ONCE)
 *   atomic_add/sub/inc/dec            change, no result; no barrier promised
 *   atomic_*_return, *_and_test,      change and tell; a full barrier (smp_mb)
 *   atomic_xchg, atomic_cmpxchg       before and after, as Linux promises
 *   atomic_add_unless(v, a, u)        add unless the value is u (refcounts:
 *                                     atomic_inc_not_zero)
 *
 * On x86 every lock-prefixed instruction is a full barrier, so the "no
 * barrier" ones order too; code must not count on that (other CPUs, other
 * kernels), which is why smp_mb__before_atomic_inc() and friends exist.
 * The builtins below compile to the instructions 3.10's asm spells out.
 */
#ifndef KERNEL_ATOMIC_H
#define KERNEL_ATOMIC_H

#include <arch/barrier.h>
#include <kernel/compiler.h>
#include <kernel/types.h>

typedef struct {
	int counter;
} atomic_t;

typedef struct {
	long counter;
} atomic64_t;

#define ATOMIC_INIT(i) \
	{              \
		(i)    \
	}
#define ATOMIC64_INIT(i) \
	{                \
		(i)      \
	}

/*
 * xchg/cmpxchg/xadd on any 1, 2, 4 or 8 byte word (3.10's asm/cmpxchg.h), full barriers.
 * xadd adds @inc and returns the value from before (lock xadd).
 */
#define xchg(ptr, v)   __atomic_exchange_n((ptr), (v), __ATOMIC_SEQ_CST)
#define xadd(ptr, inc) __atomic_fetch_add((ptr), (inc), __ATOMIC_SEQ_CST)
#define cmpxchg(ptr, old, new)                                                             \
	({                                                                                 \
		__typeof__(*(ptr)) __old = (old);                                          \
		__atomic_compare_exchange_n((ptr), &__old, (new), false, __ATOMIC_SEQ_CST, \
					    __ATOMIC_SEQ_CST);                             \
		__old; /* the value found: equal to old if the exchange happened */        \
	})

/* Generates the same operation set for atomic_t (int) and atomic64_t (long). */
#define ATOMIC_OPS(pfx, type, ctype)                                                \
	static __always_inline ctype pfx##_read(const type *v)                      \
	{                                                                           \
		return READ_ONCE(v->counter);                                       \
	}                                                                           \
	static __always_inline void pfx##_set(type *v, ctype i)                     \
	{                                                                           \
		WRITE_ONCE(v->counter, i);                                          \
	}                                                                           \
	static __always_inline void pfx##_add(ctype i, type *v)                     \
	{                                                                           \
		__atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED);               \
	}                                                                           \
	static __always_inline void pfx##_sub(ctype i, type *v)                     \
	{                                                                           \
		__atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED);               \
	}                                                                           \
	static __always_inline void pfx##_inc(type *v)                              \
	{                                                                           \
		pfx##_add(1, v);                                                    \
	}                                                                           \
	static __always_inline void pfx##_dec(type *v)                              \
	{                                                                           \
		pfx##_sub(1, v);                                                    \
	}                                                                           \
	static __always_inline ctype pfx##_add_return(ctype i, type *v)             \
	{                                                                           \
		return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST);        \
	}                                                                           \
	static __always_inline ctype pfx##_sub_return(ctype i, type *v)             \
	{                                                                           \
		return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST);        \
	}                                                                           \
	static __always_inline ctype pfx##_inc_return(type *v)                      \
	{                                                                           \
		return pfx##_add_return(1, v);                                      \
	}                                                                           \
	static __always_inline ctype pfx##_dec_return(type *v)                      \
	{                                                                           \
		return pfx##_sub_return(1, v);                                      \
	}                                                                           \
	static __always_inline bool pfx##_dec_and_test(type *v)                     \
	{                                                                           \
		return pfx##_sub_return(1, v) == 0;                                 \
	}                                                                           \
	static __always_inline bool pfx##_inc_and_test(type *v)                     \
	{                                                                           \
		return pfx##_add_return(1, v) == 0;                                 \
	}                                                                           \
	static __always_inline bool pfx##_sub_and_test(ctype i, type *v)            \
	{                                                                           \
		return pfx##_sub_return(i, v) == 0;                                 \
	}                                                                           \
	static __always_inline bool pfx##_add_negative(ctype i, type *v)            \
	{                                                                           \
		return pfx##_add_return(i, v) < 0;                                  \
	}                                                                           \
	static __always_inline ctype pfx##_xchg(type *v, ctype new)                 \
	{                                                                           \
		return xchg(&v->counter, new);                                      \
	}                                                                           \
	static __always_inline ctype pfx##_cmpxchg(type *v, ctype old, ctype new)   \
	{                                                                           \
		return cmpxchg(&v->counter, old, new);                              \
	}                                                                           \
	/* Add @a unless the value is @u; true if it added.  Full barrier if so. */ \
	static __always_inline bool pfx##_add_unless(type *v, ctype a, ctype u)     \
	{                                                                           \
		ctype c = pfx##_read(v);                                            \
                                                                                    \
		while (c != u) {                                                    \
			ctype old = pfx##_cmpxchg(v, c, c + a);                     \
			if (old == c)                                               \
				return true;                                        \
			c = old; /* someone changed it: try again from its value */ \
		}                                                                   \
		return false;                                                       \
	}

ATOMIC_OPS(atomic, atomic_t, int)
ATOMIC_OPS(atomic64, atomic64_t, long)

#define atomic_inc_not_zero(v)	 atomic_add_unless((v), 1, 0)
#define atomic64_inc_not_zero(v) atomic64_add_unless((v), 1, 0)

#endif
