/*
 * SPDX-License-Identifier: MIT
 * arch/percpu.h - the x86_64 per-CPU operations <kernel/percpu.h> builds
 * this_cpu_read() and friends on (as Linux's asm/percpu.h): one instruction
 * on this CPU's copy of a variable, through the %gs segment.
 *
 * The host tests put their own arch/percpu.h first on the include path
 * (tests/host/shim/arch/): one CPU, the variable itself.
 */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

/*
 * One instruction on this CPU's copy through %gs.  gcc prints a global's
 * memory operand RIP-relative ("var(%rip)"), and the segment base is added
 * to that address: %gs:var(%rip) is var + this CPU's offset.
 */
/*
 * __pcpu_seg - the %gs segment as a C address space (GCC's __seg_gs): a
 * pointer "T __pcpu_seg *p" made from a per-CPU pointer reaches this CPU's
 * copy, and the compiler may use *p as the operand of any instruction (a
 * compare, a subtract) where __pcpu_op_read() first loads it into a
 * register.  The same rules as __this_cpu_*: this CPU's copy while the
 * thread cannot move (interrupts or preemption off).
 */
#define __pcpu_seg __seg_gs

#define __pcpu_size_check(var)                                                     \
	_Static_assert(sizeof(var) == 1 || sizeof(var) == 2 || sizeof(var) == 4 || \
			       sizeof(var) == 8,                                   \
		       "this_cpu ops take 1, 2, 4 or 8 bytes")

#define __pcpu_op_read(var)                                                       \
	({                                                                        \
		__pcpu_size_check(var);                                           \
		__typeof__(var) __ret;                                            \
		__asm__ __volatile__("mov %%gs:%1, %0" : "=r"(__ret) : "m"(var)); \
		__ret;                                                            \
	})
/* As above, but the compiler may reuse the value: for what a thread never sees change (current). */
#define __pcpu_op_read_stable(var)                                       \
	({                                                               \
		__pcpu_size_check(var);                                  \
		__typeof__(var) __ret;                                   \
		__asm__("mov %%gs:%P1, %0" : "=r"(__ret) : "p"(&(var))); \
		__ret;                                                   \
	})
/*
 * A store or an add names its size (b/w/l/q): with an immediate operand and
 * a memory one, nothing else tells the assembler how wide the variable is.
 */
#define __pcpu_op2(op, var, val)                                               \
	do {                                                                   \
		__pcpu_size_check(var);                                        \
		switch (sizeof(var)) {                                         \
		case 1:                                                        \
			__asm__ __volatile__(op "b %1, %%gs:%0"                \
					     : "+m"(var)                       \
					     : "qi"((u8)(unsigned long)(val))  \
					     : "cc");                          \
			break;                                                 \
		case 2:                                                        \
			__asm__ __volatile__(op "w %1, %%gs:%0"                \
					     : "+m"(var)                       \
					     : "ri"((u16)(unsigned long)(val)) \
					     : "cc");                          \
			break;                                                 \
		case 4:                                                        \
			__asm__ __volatile__(op "l %1, %%gs:%0"                \
					     : "+m"(var)                       \
					     : "ri"((u32)(unsigned long)(val)) \
					     : "cc");                          \
			break;                                                 \
		default:                                                       \
			__asm__ __volatile__(op "q %1, %%gs:%0"                \
					     : "+m"(var)                       \
					     : "re"((u64)(unsigned long)(val)) \
					     : "cc");                          \
			break;                                                 \
		}                                                              \
	} while (0)
#define __pcpu_op_write(var, val) __pcpu_op2("mov", var, val)
#define __pcpu_op_add(var, val)	  __pcpu_op2("add", var, val)

#endif
