/*
 * SPDX-License-Identifier: MIT
 * bench/exit-kernel.S - the smallest multiboot kernel: it exits QEMU at once.
 *
 * `make bench` boots it beside the real kernel to measure what QEMU itself
 * costs (start-up, firmware, loader), so the kernel's own boot time can be
 * read as the difference.  Linked at 1 MiB; uses the same a.out kludge as
 * boot/boot.S.
 */
#define MB_MAGIC	0x1BADB002
#define MB_FLAGS	((1 << 1) | (1 << 16))

	.section .text
	.code32
	.globl _start
header:
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	-(MB_MAGIC + MB_FLAGS)
	.long	header		/* header_addr */
	.long	header		/* load_addr */
	.long	end		/* load_end_addr */
	.long	end		/* bss_end_addr */
	.long	_start		/* entry_addr */
_start:
	movw	$0xf4, %dx
	movl	$0x10, %eax	/* EXIT_OK: QEMU exits with status 33 */
	outl	%eax, %dx
1:	hlt
	jmp	1b
end:
