/*
 * SPDX-License-Identifier: MIT
 * kernel/perf_thunk.S - the calls perf_enter, perf_exit and
 * perf_sched_switch make when counting is on (include/kernel/perf.h).
 *
 * As the tracepoints' thunks (kernel/trace_thunk.S, which explains it):
 * the instrumented function sees an asm statement, not a C call, so with
 * counting off it saves no register for it; here, on the path that runs
 * with counting on, every register a C call may clobber is saved (SysV ABI
 * 3.2.1: rax, rcx, rdx, rsi, rdi, r8-r11; the asm declares the flags and
 * xmm registers clobbered), the stack aligned to 16 bytes, the C function
 * called with the argument the asm put in rdi, and all of it restored.
 */
	.macro PERF_THUNK name, target
	.text
	.globl	\name
	.type	\name, @function
\name:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rax
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	andq	$-16, %rsp
	call	\target
	leaq	-72(%rbp), %rsp		/* the nine registers pushed above */
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rax
	popq	%rbp
	ret
	.size	\name, . - \name
	.endm

	PERF_THUNK __perf_enter_thunk, __perf_enter
	PERF_THUNK __perf_exit_thunk, __perf_exit
	PERF_THUNK __perf_switch_thunk, __perf_switch
