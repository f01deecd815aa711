/*
 * SPDX-License-Identifier: MIT
 * kernel/panic.h - when the kernel finds itself wrong.
 *
 * panic(fmt, ...)   prints "Kernel panic - not syncing: <reason>", the
 *                   registers and a symbolized backtrace, then exits QEMU
 *                   with EXIT_PANIC (kernel/power.h lists the statuses).
 * BUG_ON(cond)      a broken invariant: panic with file and line.
 * WARN_ON(cond)     a recoverable surprise: print a warning with a backtrace,
 *                   count it, go on.  Evaluates to cond, so
 *                   `if (WARN_ON(x)) return -EINVAL;` reads naturally.
 * WARN_ON_ONCE(c)   the same, printed only the first time at this site.
 * dump_stack()      print the backtrace of the caller.
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <kernel/compiler.h>
#include <kernel/types.h>

struct pt_regs;

__printf(1, 2) __noreturn void panic(const char *fmt, ...);

/* Like panic, but with the registers of a trap frame instead of the caller's. */
__printf(2, 3) __noreturn void panic_regs(struct pt_regs *regs, const char *fmt, ...);

/* 3.10 BUG() oopses and kills the task; we panic: docs/linux-3.10.md */
#define BUG() panic("kernel BUG at %s:%d!", __FILE__, __LINE__)

#define BUG_ON(cond)                                         \
	do {                                                 \
		if (unlikely(cond))                          \
			__bug_on(__FILE__, __LINE__, #cond); \
	} while (0)

__noreturn void __bug_on(const char *file, int line, const char *cond);

void __warn(const char *file, int line, const char *cond);
extern unsigned long warn_count; /* warnings printed since boot */

#define WARN_ON(cond)                                      \
	({                                                 \
		bool __c = !!(cond);                       \
		if (unlikely(__c))                         \
			__warn(__FILE__, __LINE__, #cond); \
		unlikely(__c);                             \
	})

#define WARN_ON_ONCE(cond)                                 \
	({                                                 \
		static bool __warned;                      \
		bool __c = !!(cond);                       \
		if (unlikely(__c) && !__warned) {          \
			__warned = true;                   \
			__warn(__FILE__, __LINE__, #cond); \
		}                                          \
		unlikely(__c);                             \
	})

/* Print "Call Trace:" and one symbolized line per frame, starting at the caller. */
void dump_stack(void);

/* Print the backtrace of the frame chain starting at @rbp (for trap frames and other threads). */
void show_backtrace(unsigned long rip, unsigned long rbp);
/*
 * stack_trace_save - the return addresses of the frame-pointer chain, the
 * caller's first, into @store (at most @size); stops at a bad frame and at
 * entry code.  Returns how many.  Context: any.
 */
unsigned int stack_trace_save(unsigned long *store, unsigned int size);

/* Print the task, the registers in @regs and the backtrace from them (an oops, panic_regs). */
void show_regs(struct pt_regs *regs);

/*
 * Resolve @addr to "function+0xoff/0xsize" in @buf.  Returns false (and
 * prints the bare hex address) when @addr is not inside a known function.
 */
bool ksym_format(unsigned long addr, char *buf, size_t len);

/* The name of the function containing @addr and the offset into it, or NULL. */
const char *ksym_lookup(unsigned long addr, unsigned long *offset, unsigned long *size);

/* true once panic() has started: printing paths stop taking locks. */
extern bool oops_in_progress;

#endif
