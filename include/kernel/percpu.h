/*
 * SPDX-License-Identifier: MIT
 * kernel/percpu.h - per-CPU variables: one copy of a variable for each CPU.
 *
 * A variable defined with DEFINE_PER_CPU is not used where the linker put
 * it.  That copy, in the section .data..percpu, is only the template: at
 * boot every CPU gets its own area, a copy of the template, and reaches it
 * through the %gs segment, whose base register (MSR_GS_BASE) holds the
 * distance from the template to its area, its per-CPU offset:
 *
 *      template (.data..percpu)      CPU 0's area         CPU 1's area
 *     +----------------------+     +--------------+     +--------------+
 *     | current_task         |     | current_task |     | current_task |
 *     | __preempt_count      |     | ...          |     | ...          |
 *     +----------------------+     +--------------+     +--------------+
 *     ^ &var                       ^ &var + off[0]      ^ &var + off[1]
 *
 *     on CPU 1:   movq %gs:current_task(%rip), %rax     loads CPU 1's copy
 *
 * So one instruction reads or changes this CPU's copy (this_cpu_read,
 * this_cpu_add ...), and no interrupt can come between the read and the
 * write of this_cpu_inc(): those are safe anywhere.  Taking the *address*
 * of this CPU's copy (this_cpu_ptr, __this_cpu_*) or its number
 * (smp_processor_id) is safe only while the thread cannot move to another
 * CPU: with preemption or interrupts off.  With CONFIG_DEBUG_PREEMPT, a
 * use from preemptible code prints Linux's "BUG: using smp_processor_id()
 * in preemptible code" with the caller.  per_cpu(var, cpu) names any CPU's
 * copy (the caller orders its accesses with that CPU's own).
 */
#ifndef KERNEL_PERCPU_H
#define KERNEL_PERCPU_H

#include <kernel/compiler.h>
#include <kernel/types.h>

#define NR_CPUS 64 /* 3.10's x86_64 default CONFIG_NR_CPUS; the masks are one u64 */

/* 3.10 x86_64 links .data..percpu at 0; we keep its address in .data: docs/linux-3.10.md */
#define __percpu_section __attribute__((section(".data..percpu")))

#define DEFINE_PER_CPU(type, name)  __percpu_section __typeof__(type) name
#define DECLARE_PER_CPU(type, name) extern __percpu_section __typeof__(type) name
/* A per-CPU variable aligned to its own cache line (its CPU writes it often). */
#define DEFINE_PER_CPU_ALIGNED(type, name) \
	__percpu_section __typeof__(type) name __attribute__((aligned(64)))

/* The template's bounds (linker.ld); CPU 0's area is reserved in .bss. */
extern char __per_cpu_start[], __per_cpu_end[], __per_cpu0_area[];

/*
 * Every CPU's area is the static template's size plus PERCPU_DYNAMIC_SIZE
 * bytes for alloc_percpu() (mm/percpu.c), right after the static variables:
 *
 *   area:  | static variables (a copy) | dynamic: alloc_percpu()'s, zeroed |
 *          ^ template + offset          ^ __per_cpu_end + offset
 *
 * An alloc_percpu() pointer is a "template" address at or above
 * __per_cpu_end: it only makes sense through per_cpu_ptr()/this_cpu_ptr()
 * (it has no memory of its own; dereferenced plainly it would hit .data).
 * linker.ld adds the same number to CPU 0's area.
 */
#define PERCPU_DYNAMIC_SIZE 8192
/* Marks a pointer that names every CPU's copy (3.10's sparse annotation; no checker here). */
#define __percpu

/*
 * __alloc_percpu - @size bytes aligned to @align (a power of two, at most
 * 64) in every CPU's area, zeroed in each.  Returns the pointer to use with
 * per_cpu_ptr()/this_cpu_ptr(), or NULL when the dynamic area is full.
 * free_percpu() gives it back (NULL is ignored).  Context: any; never sleeps.
 */
void __percpu *__alloc_percpu(size_t size, size_t align);
void free_percpu(void __percpu *ptr);
#define alloc_percpu(type) \
	((__typeof__(type) __percpu *)__alloc_percpu(sizeof(type), __alignof__(type)))

/* Each CPU's offset: its area minus the template.  Set up by setup_per_cpu_areas(). */
extern unsigned long __per_cpu_offset[NR_CPUS];
#define per_cpu_offset(cpu) (__per_cpu_offset[cpu])

/* This CPU's number, in its own area (set once when the CPU comes up). */
DECLARE_PER_CPU(unsigned int, cpu_number);
/* This CPU's offset, in its own area: this_cpu_ptr() in one load. */
DECLARE_PER_CPU(unsigned long, this_cpu_off);

#define per_cpu_ptr(ptr, cpu) ((__typeof__(ptr))((unsigned long)(ptr) + per_cpu_offset(cpu)))
#define per_cpu(var, cpu)     (*per_cpu_ptr(&(var), (cpu)))

#include <arch/percpu.h> /* the %gs operations: __pcpu_op_read() ... */

/* Safe anywhere: one instruction on this CPU's copy. */
#define this_cpu_read(var)	  __pcpu_op_read(var)
#define this_cpu_read_stable(var) __pcpu_op_read_stable(var)
#define this_cpu_write(var, val)  __pcpu_op_write(var, val)
#define this_cpu_add(var, val)	  __pcpu_op_add(var, val)
#define this_cpu_sub(var, val)	  __pcpu_op_add(var, -(__typeof__(var))(val))
#define this_cpu_inc(var)	  this_cpu_add(var, 1)
#define this_cpu_dec(var)	  this_cpu_sub(var, 1)

#ifdef CONFIG_DEBUG_PREEMPT
/* Report a use of this CPU's identity from preemptible code (@what names the operation). */
void check_preemption_disabled(const char *what);
#else
static inline void check_preemption_disabled(const char *what)
{
	(void)what;
}
#endif

/* The same, for code that keeps preemption off: checked under CONFIG_DEBUG_PREEMPT. */
#define __this_cpu_read(var)                                    \
	({                                                      \
		check_preemption_disabled("__this_cpu_read()"); \
		__pcpu_op_read(var);                            \
	})
#define __this_cpu_write(var, val)                               \
	do {                                                     \
		check_preemption_disabled("__this_cpu_write()"); \
		__pcpu_op_write(var, val);                       \
	} while (0)
#define __this_cpu_add(var, val)                               \
	do {                                                   \
		check_preemption_disabled("__this_cpu_add()"); \
		__pcpu_op_add(var, val);                       \
	} while (0)
#define __this_cpu_inc(var) __this_cpu_add(var, 1)
#define __this_cpu_dec(var) __this_cpu_add(var, -1)

/* The address of this CPU's copy: valid while the thread stays on this CPU. */
#define __this_cpu_ptr(ptr) ((__typeof__(ptr))((unsigned long)(ptr) + __pcpu_op_read(this_cpu_off)))
#define this_cpu_ptr(ptr)                                    \
	({                                                   \
		check_preemption_disabled("this_cpu_ptr()"); \
		__this_cpu_ptr(ptr);                         \
	})

/* This CPU's number without the check (a report, a statistic). */
#define raw_smp_processor_id() ((unsigned int)__pcpu_op_read(cpu_number))

/* This CPU's number: the thread must not be able to move (preemption or interrupts off). */
#define smp_processor_id()                                       \
	({                                                       \
		check_preemption_disabled("smp_processor_id()"); \
		raw_smp_processor_id();                          \
	})

/*
 * setup_per_cpu_areas - give every possible CPU but 0 its area, a copy of
 * the template.  Returns 0 or -ENOMEM.  Context: boot, before the APs start.
 */
int setup_per_cpu_areas(void);

/* Load CPU @cpu's offset into %gs's base.  Context: that CPU, once, at its start. */
void percpu_load_cpu(unsigned int cpu);

/* CPU 0's area (.bss) from the template, %gs pointing to it: start_kernel's first step. */
void percpu_init_boot_cpu(void);

#endif
