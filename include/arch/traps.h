/*
 * SPDX-License-Identifier: MIT
 * arch/traps.h - the register frame every interrupt and exception builds.
 *
 * kernel/entry.S pushes the general registers on top of what the CPU pushed
 * (Intel SDM vol. 3, 6.14.2), giving this picture on the stack, lowest
 * address first:
 *
 *   r15 ... rax        pushed by entry.S
 *   vector             pushed by the per-vector stub
 *   error_code         pushed by the CPU, or a 0 the stub pushed for it
 *   rip cs rflags rsp ss   pushed by the CPU
 */
#ifndef ARCH_TRAPS_H
#define ARCH_TRAPS_H

#include <kernel/types.h>

struct pt_regs {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector;
	u64 error_code;
	u64 rip, cs, rflags, rsp, ss;
};

_Static_assert(sizeof(struct pt_regs) == 22 * 8, "entry.S pushes 22 quadwords");

/* CPU exception vectors (Intel SDM vol. 3, table 6-1). */
enum {
	X86_TRAP_DE = 0, /* divide error */
	X86_TRAP_DB = 1, /* debug */
	X86_TRAP_NMI = 2,
	X86_TRAP_BP = 3, /* int3 */
	X86_TRAP_OF = 4,
	X86_TRAP_BR = 5,
	X86_TRAP_UD = 6, /* invalid opcode */
	X86_TRAP_NM = 7,
	X86_TRAP_DF = 8, /* double fault */
	X86_TRAP_TS = 10,
	X86_TRAP_NP = 11,
	X86_TRAP_SS = 12,
	X86_TRAP_GP = 13, /* general protection */
	X86_TRAP_PF = 14, /* page fault */
	X86_TRAP_MF = 16,
	X86_TRAP_AC = 17,
	X86_TRAP_MC = 18,
	X86_TRAP_XM = 19, /* SIMD floating point */
	X86_TRAP_VE = 20,
	X86_TRAP_CP = 21,
};

/* Page-fault error code bits (SDM 4.7). */
#define PF_PROT	 (1 << 0) /* 0: page not present, 1: protection violation */
#define PF_WRITE (1 << 1)
#define PF_USER	 (1 << 2)
#define PF_RSVD	 (1 << 3)
#define PF_INSTR (1 << 4) /* instruction fetch (NX) */

/* First vector for hardware interrupts; 0-31 are CPU exceptions. */
#define IRQ_VECTOR_BASE 32
#define SPURIOUS_VECTOR 0xff

/* Install the GDT (with a TSS whose IST stacks serve #DF and NMI) and the IDT. */
void trap_init(void);

/**
 * trap_prepare_cpu - fill CPU @cpu's GDT and TSS, with IST stacks of its own
 * (guard pages below, as the boot CPU's).  Runs on the boot CPU before @cpu
 * starts.  Returns 0, -EINVAL for CPU 0 or past NR_CPUS, -ENOMEM.  A retry
 * after -ENOMEM keeps the stacks already made.  Context: thread.
 */
int trap_prepare_cpu(unsigned int cpu);
/**
 * trap_load_cpu - on CPU @cpu itself: load its GDT (segments, TSS) and the
 * shared IDT that trap_prepare_cpu() and trap_init() made.  Context: the
 * CPU's first code in the higher half, interrupts off.
 */
void trap_load_cpu(unsigned int cpu);

/* The top of IST stack @ist (1: #DF, 2: NMI) and its size, for the tests. */
unsigned long trap_ist_stack_top(int ist);
#define IST_STACK_SIZE 16384

/*
 * The fault a kernel thread died of, filled in by the trap handler before it
 * kills the thread (see kthread_fault_exit in kernel/sched.h).
 */
struct fault_info {
	u64 vector;
	u64 error_code;
	u64 rip;
	u64 cr2; /* faulting address for #PF, and #DF on a guard page */
	char reason[96];
};

#endif
