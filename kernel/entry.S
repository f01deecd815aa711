/*
 * SPDX-License-Identifier: MIT
 * kernel/entry.S - the way into C for every interrupt and exception.
 *
 * The CPU enters an IDT gate (kernel/gdt.c) with interrupts off, having
 * pushed SS, RSP, RFLAGS, CS, RIP and, for some exceptions, an error code
 * (Intel SDM vol. 3, 6.14.2).  The stub for the vector makes every frame
 * look the same (a 0 where the CPU pushes no error code) and adds the vector
 * number; the common path below saves everything else and calls
 *
 *     void interrupt_dispatch(struct pt_regs *regs);	(kernel/traps.c)
 *
 * The stack during the call, higher addresses first:
 *
 *          ss, rsp, rflags, cs, rip    pushed by the CPU
 *          error_code                  by the CPU, or 0 by the stub
 *          vector                      by the stub
 *          rax ... r15                 by interrupt_common
 *   regs ->                            (= struct pt_regs, arch/traps.h)
 *          (padding to 16 bytes)
 *          512-byte FXSAVE area        x87/SSE state of the interrupted code
 *          regs->rip                   a fake call frame: the backtrace
 *   rbp -> regs->rbp                   walks on from here into the
 *                                      interrupted function
 *          interrupt_dispatch's frame
 *
 * Why save SSE state: gcc and newlib use XMM registers freely, so a handler
 * (or a thread the handler switches to) may clobber the interrupted code's.
 * The area is on the interrupted thread's own stack, so it also survives a
 * preemptive thread switch made in preempt_schedule_irq(): when this thread
 * is switched back in, it returns here and finds its area untouched.
 */
/* Offsets into struct pt_regs (kernel/traps.c checks them against the C struct). */
#define PT_RBP	(8 * 8)
#define PT_RIP	(17 * 8)

#define FXSAVE_SIZE	512

	.text

/*
 * Vectors for which the CPU pushes an error code (SDM vol. 3, table 6-1):
 * #DF 8, #TS 10, #NP 11, #SS 12, #GP 13, #PF 14, #AC 17, #CP 21, #VC 29, #SX 30.
 */
	.macro INTERRUPT_STUB vec
	.p2align 4
.Lstub_\vec:
	.if !((\vec == 8) || ((\vec >= 10) && (\vec <= 14)) || (\vec == 17) || \
	      (\vec == 21) || (\vec == 29) || (\vec == 30))
	pushq	$0			/* no error code from the CPU: keep the frame uniform */
	.endif
	pushq	$\vec
	jmp	interrupt_common
	.endm

	.macro STUB_ADDRESS vec
	.quad	.Lstub_\vec
	.endm

	.altmacro

	.globl	interrupt_stubs
	.type	interrupt_stubs, @function
interrupt_stubs:
	.set	vec, 0
	.rept	256
	INTERRUPT_STUB	%vec
	.set	vec, vec + 1
	.endr
	.size	interrupt_stubs, . - interrupt_stubs

	.p2align 4
	.globl	interrupt_common
	.type	interrupt_common, @function
interrupt_common:
	cld				/* the C ABI wants DF clear on every call */
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, %rbx		/* regs; callee-saved, so it survives the call */

	subq	$FXSAVE_SIZE, %rsp
	andq	$~15, %rsp		/* fxsave64 needs a 16-byte aligned area */
	fxsave64 (%rsp)

	/* The fake frame; 16 bytes, so the call below is made with RSP 16-aligned. */
	pushq	PT_RIP(%rbx)
	pushq	PT_RBP(%rbx)
	movq	%rsp, %rbp

	movq	%rbx, %rdi
	call	interrupt_dispatch

	addq	$16, %rsp		/* drop the fake frame */
	fxrstor64 (%rsp)
	movq	%rbx, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp		/* vector and error code */
	iretq
	.size	interrupt_common, . - interrupt_common

/* Entry point of each vector, for the IDT (kernel/gdt.c). */
	.section .rodata
	.p2align 3
	.globl	interrupt_stub_table
	.type	interrupt_stub_table, @object
interrupt_stub_table:
	.set	vec, 0
	.rept	256
	STUB_ADDRESS	%vec
	.set	vec, vec + 1
	.endr
	.size	interrupt_stub_table, . - interrupt_stub_table

