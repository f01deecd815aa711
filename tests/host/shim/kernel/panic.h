/*
 * SPDX-License-Identifier: MIT
 * Host shim: BUG aborts (the test fails loudly), WARN prints and counts.
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <kernel/compiler.h>
#include <kernel/types.h>
#include <stdio.h>
#include <stdlib.h>

extern unsigned long warn_count;
extern bool oops_in_progress;

#define panic(...)                                      \
	do {                                            \
		fprintf(stderr, "panic: " __VA_ARGS__); \
		fputc('\n', stderr);                    \
		abort();                                \
	} while (0)
#define BUG() panic("kernel BUG at %s:%d!", __FILE__, __LINE__)
#define BUG_ON(c)                                                                 \
	do {                                                                      \
		if (unlikely(c))                                                  \
			panic("kernel BUG at %s:%d: %s", __FILE__, __LINE__, #c); \
	} while (0)
#define WARN_ON(c)                                                                         \
	({                                                                                 \
		bool __c = !!(c);                                                          \
		if (__c) {                                                                 \
			warn_count++;                                                      \
			fprintf(stderr, "WARNING at %s:%d: %s\n", __FILE__, __LINE__, #c); \
		}                                                                          \
		__c;                                                                       \
	})
#define WARN_ON_ONCE(c) WARN_ON(c)
static inline void dump_stack(void)
{
}
static inline bool ksym_format(unsigned long a, char *b, size_t l)
{
	snprintf(b, l, "%#lx", a);
	return false;
}

static inline const char *ksym_lookup(unsigned long a, unsigned long *off, unsigned long *size)
{
	return NULL;
}

#endif
