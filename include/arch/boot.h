/*
 * SPDX-License-Identifier: MIT
 * arch/boot.h - the fixed points of the virtual address space.
 *
 *   0xffffffff_ffffffff  +-------------------------------+
 *                        | kernel image (text, data, bss)|  KERNEL_VMA + phys
 *   0xffffffff_80000000  +-------------------------------+  KERNEL_VMA
 *                        |             ...               |
 *   0xffffe900_00000000  +-------------------------------+  VMAP_END
 *                        | kernel stacks (with guard     |
 *                        | pages) and ioremap()ed MMIO   |
 *   0xffffc900_00000000  +-------------------------------+  VMAP_START
 *                        |             ...               |
 *                        | direct map of all RAM         |  PAGE_OFFSET + phys
 *   0xffff8880_00000000  +-------------------------------+  PAGE_OFFSET
 *                        |  (non-canonical hole)         |
 *   0x00000000_00000000  +-------------------------------+  unmapped: NULL faults
 *
 * The same values as Linux x86_64 (__START_KERNEL_map, PAGE_OFFSET without
 * KASLR, VMALLOC_START), so addresses in an oops look familiar.
 * Included from assembly too: #defines, and one assembler macro for both
 * 64-bit entries (boot/boot.S, kernel/trampoline.S).
 */
#ifndef ARCH_BOOT_H
#define ARCH_BOOT_H

#define KERNEL_VMA  0xffffffff80000000
#define KERNEL_PHYS 0x100000
#define PAGE_OFFSET 0xffff888000000000
#define VMAP_START  0xffffc90000000000
#define VMAP_END    0xffffe90000000000

#define BOOT_STACK_SIZE	  16384
#define THREAD_STACK_SIZE 16384

#ifdef __ASSEMBLER__
/* clang-format off */
/* Null data selectors: in long mode none is needed, and none then names the boot GDT. */
.macro NULL_DATA_SEGMENTS
	xorl	%eax, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
.endm
/* clang-format on */
#endif

#endif
