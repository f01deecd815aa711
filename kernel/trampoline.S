/*
 * SPDX-License-Identifier: MIT
 * kernel/trampoline.S - an application processor from real mode to the kernel.
 *
 * The startup IPI (kernel/smpboot.c) starts the CPU at CS:IP = (P >> 4):0,
 * P being the page below 1 MiB this code was copied to.  The CPU is then in
 * real mode, caches off, no paging, exactly as after a reset.  The code runs
 * anywhere: it reads P from CS and patches the three absolute addresses it
 * needs (its GDT's base, two far-jump targets) into its own copy.
 *
 *   16-bit real mode    lgdt (our GDT, in this page), CR0.PE, caches on
 *        | ljmpl 0x08:P+tr_pm32
 *   32-bit protected    CR4 (PAE, SSE), CR3 = trampoline PML4, EFER.LME|NXE,
 *        |              CR0.PG: compatibility mode, running at P thanks to
 *        |              the PML4's identity mapping of this one page
 *        | ljmpl 0x18:P+tr_lm64
 *   64-bit, low         load stack, kernel PML4, CPU number from the params
 *        | jmp *entry   (the PML4 shares the kernel's higher half)
 *   64-bit, high        ap_start64: CR3 = the kernel's PML4 (the low page is
 *                       gone from here on), call smp_ap_main(cpu)
 *
 * The blob lives in .rodata: it is data to the kernel, copied, never run in
 * place.  arch/realmode.h has the parameter offsets.
 */
#include <arch/boot.h>
#include <arch/realmode.h>

#define OFF(x)	((x) - trampoline_start)
#define PARAM(f) (OFF(trampoline_params) + (f))

	.section .rodata
	.balign 16
	.globl trampoline_start
	.code16
trampoline_start:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorl	%ebx, %ebx
	movw	%ax, %bx
	shll	$4, %ebx			/* EBX = P, kept to the end */

	leal	OFF(tr_gdt)(%ebx), %eax
	movl	%eax, OFF(tr_gdt_ptr) + 2
	leal	OFF(tr_pm32)(%ebx), %eax
	movl	%eax, OFF(tr_far32)
	leal	OFF(tr_lm64)(%ebx), %eax
	movl	%eax, OFF(tr_far64)

	lgdtl	OFF(tr_gdt_ptr)
	movl	%cr0, %eax
	andl	$~((1 << 30) | (1 << 29)), %eax	/* CD, NW: the reset leaves caching off */
	orl	$1, %eax			/* PE */
	movl	%eax, %cr0
	ljmpl	*OFF(tr_far32)

	.code32
tr_pm32:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs
	movl	PARAM(TP_CR4)(%ebx), %eax
	movl	%eax, %cr4
	movl	PARAM(TP_PGD)(%ebx), %eax
	movl	%eax, %cr3
	movl	$0xC0000080, %ecx		/* EFER */
	rdmsr
	orl	$((1 << 8) | (1 << 11)), %eax	/* LME, NXE (the kernel's tables use NX) */
	wrmsr
	movl	PARAM(TP_CR0)(%ebx), %eax	/* PG on: long mode, compatibility submode */
	movl	%eax, %cr0
	ljmpl	*OFF(tr_far64)(%ebx)

	.code64
tr_lm64:
	movl	%ebx, %ebx			/* upper halves are undefined after the switch */
	movq	PARAM(TP_KERNEL_PGD)(%rbx), %rdx
	movq	PARAM(TP_STACK)(%rbx), %rsp
	movq	PARAM(TP_CPU)(%rbx), %rdi
	movq	PARAM(TP_ENTRY)(%rbx), %rax
	jmp	*%rax

	.balign 8
tr_gdt:
	.quad	0			/* null */
	.quad	0x00cf9a000000ffff	/* 0x08: 32-bit code, 4 GiB */
	.quad	0x00cf92000000ffff	/* 0x10: data, 4 GiB */
	.quad	0x00af9a000000ffff	/* 0x18: 64-bit code */
tr_gdt_end:
tr_gdt_ptr:
	.word	tr_gdt_end - tr_gdt - 1
	.long	0			/* P + tr_gdt, patched */
tr_far32:
	.long	0			/* P + tr_pm32, patched */
	.word	0x08
tr_far64:
	.long	0			/* P + tr_lm64, patched */
	.word	0x18

	.balign 8
	.globl trampoline_params
trampoline_params:
	.skip	TP_SIZE			/* struct trampoline_params, filled per CPU */
	.globl trampoline_end
trampoline_end:

/*
 * In the kernel image, reached through the higher half of the trampoline
 * PML4 with RDX = the kernel's PML4, RDI = the CPU number, RSP = its stack.
 */
	.section .text
	.globl ap_start64
ap_start64:
	movq	%rdx, %cr3
	NULL_DATA_SEGMENTS
	xorl	%ebp, %ebp			/* ends the frame-pointer chain */
	call	smp_ap_main
1:	cli
	hlt
	jmp	1b

/*
 * smp_hang_cpu=N makes CPU N jump here instead: it stops in the higher half
 * without coming online, as a CPU that fails its bring-up, so the tests see
 * the BSP's timeout (kernel/smpboot.c).
 */
	.globl ap_hang64
ap_hang64:
	cli
	hlt
	jmp	ap_hang64
