/*
 * SPDX-License-Identifier: MIT
 * kernel/compiler.h - small compiler helpers with Linux's names.
 */
#ifndef KERNEL_COMPILER_H
#define KERNEL_COMPILER_H

#include <stddef.h>

#define likely(x)      __builtin_expect(!!(x), 1)
#define unlikely(x)    __builtin_expect(!!(x), 0)
#define __used	       __attribute__((used))
#define __unused       __attribute__((unused))
#define __noreturn     __attribute__((noreturn))
#define __packed       __attribute__((packed))
#define __aligned(x)   __attribute__((aligned(x)))
#define __section(s)   __attribute__((section(s)))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define noinline       __attribute__((noinline))
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

/* A compiler barrier: no memory access moves across it. */
#define barrier() __asm__ __volatile__("" ::: "memory")

#define READ_ONCE(x)	 (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* clang-format 14 reads "(x) & y" or "(x) - y" in a macro as a cast: left as written. */
/* clang-format off */
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define ALIGN_UP(x, a)	(((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
/* clang-format on */
/* Each argument is evaluated once: min(x, f()) calls f() once. */
#define min(a, b)                                      \
	({                                             \
		__typeof__(a) __min_a = (a);           \
		__typeof__(b) __min_b = (b);           \
		__min_a < __min_b ? __min_a : __min_b; \
	})
#define max(a, b)                                      \
	({                                             \
		__typeof__(a) __max_a = (a);           \
		__typeof__(b) __max_b = (b);           \
		__max_a > __max_b ? __max_a : __max_b; \
	})

#define BUILD_BUG_ON(cond)	_Static_assert(!(cond), #cond)
/* 0, in an expression, or a compile error if @cond is true (Linux's name). */
#define BUILD_BUG_ON_ZERO(cond) ((int)(sizeof(struct { int : -!!(cond); })))
/* 0, or a compile error if @a is a pointer and not an array (Linux's name). */
#define __must_be_array(a) \
	BUILD_BUG_ON_ZERO(__builtin_types_compatible_p(__typeof__(a), __typeof__(&(a)[0])))

#endif
