/*
 * SPDX-License-Identifier: MIT
 * kernel/thunk.S - the calls a tracepoint makes when tracing is on, and a
 * perf layer's when counting is on (include/kernel/trace.h, include/kernel/perf.h).
 *
 * A tracepoint or a perf layer calls its slow half through a thunk from
 * inline asm, not as a C call: the compiler then sees no call in the
 * traced function, so it need not save registers or set up a frame on the
 * path that runs with tracing (or counting) off.  The price is paid here, on the
 * path that runs with tracing on: the thunk saves every register a C call
 * may clobber (SysV ABI 3.2.1: rax, rcx, rdx, rsi, rdi, r8-r11; the asm
 * statement declares the flags and xmm registers clobbered), aligns the
 * stack to 16 bytes as the ABI wants at a call, calls the C function with
 * the arguments the asm put in rdi, rsi, rdx, rcx, and restores it all.
 * (Linux does the same for its irq-tracing thunks, arch/x86/entry/thunk_64.S.)
 *
 * No red zone in the kernel (-mno-red-zone), so pushing below the
 * caller's rsp is safe anywhere.
 */
	.macro C_THUNK name, target
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

	C_THUNK __trace_skb_thunk, __trace_skb
	C_THUNK __trace_net_ctx_thunk, __trace_net_ctx
	C_THUNK __trace_bio_thunk, __trace_bio
	C_THUNK __trace_rq_thunk, __trace_rq
	C_THUNK __trace_token_thunk, __trace_token
	C_THUNK __trace_tcp_thunk, __trace_tcp
	C_THUNK __trace_tcp_skb_thunk, __trace_tcp_skb
	C_THUNK __perf_enter_thunk, __perf_enter
	C_THUNK __perf_exit_thunk, __perf_exit
	C_THUNK __perf_switch_thunk, __perf_switch
