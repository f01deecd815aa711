/*
 * SPDX-License-Identifier: MIT
 * boot/boot.S - from the boot loader's jump to the first line of C.
 *
 * A multiboot v1 loader (GRUB, or QEMU's -kernel) enters _start32 in 32-bit
 * protected mode with paging off, EAX = 0x2BADB002 and EBX = the physical
 * address of the multiboot information (multiboot spec 3.2).  This file:
 *
 *   1. checks the CPU can do long mode and NX (CPUID 0x80000001),
 *   2. enables SSE (CR0.EM=0, CR0.MP=1, CR4.OSFXSR, CR4.OSXMMEXCPT): gcc and
 *      newlib emit SSE instructions, which #UD without these bits,
 *   3. builds boot page tables of 2 MiB pages: physical 0-4 GiB at the
 *      direct map, and physical 0-1 GiB twice more:
 *               identity               0x0000000000000000 (only for the jump)
 *               direct map             0xffff888000000000 (PAGE_OFFSET, 4 GiB)
 *               kernel image           0xffffffff80000000 (KERNEL_VMA, 1 GiB)
 *   4. turns on PAE, long mode, NX and paging with write protection (CR0.WP,
 *      so a write to a read-only page faults even in ring 0),
 *   5. far-jumps to 64-bit code, moves to the higher half and calls
 *      start_kernel(magic, mbi_phys) on the boot stack.
 *
 * mm/paging.c later replaces these tables with the real ones: 4 KiB
 * pages with per-section rights for the kernel, a direct map of all RAM and
 * no identity map, so a NULL dereference faults.
 */
#include <arch/boot.h>

#define MB_MAGIC	0x1BADB002
#define MB_FLAGS	((1 << 0) | (1 << 1) | (1 << 16))	/* align, mem, a.out kludge */
#define PHYS(x)		((x) - KERNEL_VMA)

	.section .multiboot, "a"
	.align 4
multiboot_header:			/* multiboot spec 3.1.1 */
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	/*
	 * The a.out kludge (flags bit 16): physical addresses the loader uses
	 * instead of parsing the ELF.  QEMU's -kernel refuses ELF64 files
	 * unless this is set; GRUB honours it too.
	 */
	.long PHYS(multiboot_header)	/* header_addr */
	.long PHYS(_text)		/* load_addr */
	.long PHYS(_edata)		/* load_end_addr */
	.long PHYS(_eboot_bss)		/* bss_end_addr: loader zeroes .boot.bss; C the rest */
	.long PHYS(_start32)		/* entry_addr */

	.section .boot.text, "ax"
	.code32
	.globl _start32
_start32:
	cli
	cld
	movl	$PHYS(boot_stack_top), %esp
	movl	%eax, PHYS(boot_magic)	/* CPUID below clobbers EAX and EBX */
	movl	%ebx, PHYS(boot_mbi)
	rdtsc				/* boot cost is measured from here (make bench) */
	movl	%eax, PHYS(boot_tsc)
	movl	%edx, PHYS(boot_tsc) + 4

	/* 1. Long mode (bit 29) and NX (bit 20) in CPUID 0x80000001.EDX. */
	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	jb	no_long_mode
	movl	$0x80000001, %eax
	cpuid
	testl	$(1 << 29), %edx
	jz	no_long_mode
	testl	$(1 << 20), %edx
	jz	no_long_mode

	/* 2. SSE. */
	movl	%cr0, %eax
	andl	$~(1 << 2), %eax	/* EM: no x87 emulation */
	orl	$(1 << 1), %eax		/* MP: monitor coprocessor */
	movl	%eax, %cr0
	movl	%cr4, %eax
	orl	$((1 << 5) | (1 << 9) | (1 << 10)), %eax	/* PAE, OSFXSR, OSXMMEXCPT */
	movl	%eax, %cr4

	/* 3. Four page directories of 2 MiB pages cover 0-4 GiB. */
	movl	$PHYS(boot_pd), %ebx
	xorl	%ecx, %ecx
1:	movl	%ecx, %eax
	shll	$21, %eax		/* low 32 bits of the 2 MiB frame */
	orl	$0x83, %eax		/* present, writable, page size */
	movl	%eax, (%ebx, %ecx, 8)
	movl	%ecx, %eax
	shrl	$11, %eax		/* high 32 bits: frame >> 32 */
	movl	%eax, 4(%ebx, %ecx, 8)
	incl	%ecx
	cmpl	$2048, %ecx
	jb	1b

	/* The direct-map PDPT points at all four directories, the others at the first. */
	movl	$PHYS(boot_pdpt_dm), %edi
	movl	$PHYS(boot_pd) + 3, %eax
	xorl	%ecx, %ecx
2:	movl	%eax, (%edi, %ecx, 8)
	addl	$4096, %eax
	incl	%ecx
	cmpl	$4, %ecx
	jb	2b
	movl	$PHYS(boot_pd) + 3, %eax
	movl	%eax, PHYS(boot_pdpt_low)
	movl	%eax, PHYS(boot_pdpt_high) + 510 * 8

	movl	$PHYS(boot_pml4), %edi
	movl	$PHYS(boot_pdpt_low) + 3, %eax
	movl	%eax, (%edi)
	movl	$PHYS(boot_pdpt_dm) + 3, %eax
	movl	%eax, 273 * 8(%edi)	/* PAGE_OFFSET >> 39 & 511 */
	movl	$PHYS(boot_pdpt_high) + 3, %eax
	movl	%eax, 511 * 8(%edi)	/* KERNEL_VMA  >> 39 & 511 */
	movl	%edi, %cr3

	/* 4. EFER.LME and EFER.NXE, then paging with CR0.WP. */
	movl	$0xC0000080, %ecx
	rdmsr
	orl	$((1 << 8) | (1 << 11)), %eax
	wrmsr
	movl	%cr0, %eax
	orl	$((1 << 31) | (1 << 16)), %eax
	movl	%eax, %cr0

	/* 5. Into 64-bit mode (still at the identity-mapped low address). */
	lgdt	PHYS(boot_gdt_ptr)
	ljmp	$0x08, $PHYS(start64_low)

no_long_mode:
	movl	$PHYS(no_lm_msg), %esi
3:	lodsb
	testb	%al, %al
	jz	4f
	movw	$0x3f8, %dx
	outb	%al, %dx
	jmp	3b
4:	hlt
	jmp	4b

	.code64
start64_low:
	movabsq	$start64_high, %rax
	jmp	*%rax

	.section .text
start64_high:
	NULL_DATA_SEGMENTS
	movabsq	$boot_stack_top, %rsp
	xorl	%ebp, %ebp		/* ends the frame-pointer chain for backtraces */
	movl	boot_magic(%rip), %edi	/* start_kernel(magic, mbi_phys) */
	movl	boot_mbi(%rip), %esi
	call	start_kernel
5:	cli
	hlt
	jmp	5b

	.section .rodata
no_lm_msg:
	.asciz	"boot: this CPU cannot run 64-bit code with NX; giving up\r\n"

	.section .data
	.align 16
boot_gdt:
	.quad	0			/* null */
	.quad	0x00af9a000000ffff	/* 0x08: 64-bit code, ring 0 */
	.quad	0x00cf92000000ffff	/* 0x10: data */
boot_gdt_ptr:
	.word	boot_gdt_ptr - boot_gdt - 1
	.long	PHYS(boot_gdt)
boot_magic:
	.long	0
boot_mbi:
	.long	0
	.globl boot_tsc
	.align 8
boot_tsc:
	.quad	0			/* TSC at the multiboot entry */

	.section .boot.bss, "aw", @nobits
	.align 4096
boot_pml4:	.skip 4096
boot_pdpt_low:	.skip 4096
boot_pdpt_dm:	.skip 4096
boot_pdpt_high:	.skip 4096
boot_pd:	.skip 4 * 4096
	/*
	 * The boot stack, with an unmapped guard page below it once the kernel
	 * page tables are up (mm/paging.c): overflow faults, it never
	 * silently overwrites the page tables above.
	 */
	.globl boot_stack_guard, boot_stack_bottom, boot_stack_top
boot_stack_guard:	.skip 4096
boot_stack_bottom:	.skip BOOT_STACK_SIZE
boot_stack_top:
