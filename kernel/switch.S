/*
 * SPDX-License-Identifier: MIT
 * kernel/switch.S - switching from one kernel thread to another.
 *
 * struct task_struct *__switch_to(struct task_struct *prev, struct task_struct *next)
 *
 * Saves the callee-saved registers (the only ones a C caller expects to
 * survive a call, SysV ABI 3.2.1) on prev's stack, stores prev's stack
 * pointer in prev->rsp, loads next->rsp and pops next's registers.  The
 * `ret` then returns into wherever next called __switch_to from, or, for a
 * new thread, into kthread_trampoline.  It returns prev *as seen by next*:
 * the thread that ran just before, which finish_task_switch() may reap.
 *
 * Interrupts are off throughout (the caller, schedule(), sees to that).
 */
	.text
	.globl __switch_to
__switch_to:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, 0(%rdi)		/* prev->rsp (offset 0, checked in sched.c) */
	movq	0(%rsi), %rsp		/* next->rsp */
	movq	%rdi, %rax		/* return prev */
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret

/*
 * A new thread's first `ret` lands here (kthread_create builds the stack
 * so).  %rax holds the previous thread; %rbp is 0, ending backtraces.
 */
	.globl kthread_trampoline
kthread_trampoline:
	movq	%rax, %rdi
	call	kthread_entry		/* never returns */
	ud2
