/*
 * SPDX-License-Identifier: MIT
 * arch/realmode.h - the real-mode trampoline an application processor starts in.
 *
 * A startup IPI starts a CPU in real mode at CS = page << 8, IP = 0: the
 * code must sit in a page below 1 MiB.  kernel/trampoline.S holds that code
 * (from trampoline_start to trampoline_end, position independent: it finds
 * its own address in CS) and kernel/smpboot.c copies it to the page mm_init()
 * reserved (realmode_trampoline_pa), then fills struct trampoline_params at
 * offset (trampoline_params - trampoline_start) of the copy for each CPU.
 * The same offsets serve the assembler (TP_*) and C (the struct).
 */
#ifndef ARCH_REALMODE_H
#define ARCH_REALMODE_H

#define TP_PGD	      0	 /* u32: the trampoline PML4 (below 4 GiB), for CR3 in 32-bit mode */
#define TP_CR4	      4	 /* u32: CR4 to load before paging (PAE, SSE bits: the BSP's) */
#define TP_CR0	      8	 /* u32: CR0 that turns paging on (the BSP's: PG, WP, PE, MP) */
#define TP_KERNEL_PGD 16 /* u64: the kernel's PML4, loaded once in the higher half */
#define TP_STACK      24 /* u64: top of this CPU's stack */
#define TP_ENTRY      32 /* u64: the 64-bit entry in the higher half (ap_start64) */
#define TP_CPU	      40 /* u64: the CPU number, the C entry's argument */
#define TP_SIZE	      48

#ifndef __ASSEMBLER__
#include <kernel/types.h>

struct trampoline_params {
	u32 pgd;
	u32 cr4;
	u32 cr0;
	u32 reserved;
	u64 kernel_pgd;
	u64 stack;
	u64 entry;
	u64 cpu;
};

_Static_assert(sizeof(struct trampoline_params) == TP_SIZE, "arch/realmode.h: TP_SIZE");
_Static_assert(__builtin_offsetof(struct trampoline_params, kernel_pgd) == TP_KERNEL_PGD, "TP_*");
_Static_assert(__builtin_offsetof(struct trampoline_params, cpu) == TP_CPU, "TP_CPU");

/* kernel/trampoline.S: the real-mode code to copy, its parameter block, the 64-bit entry. */
extern const char trampoline_start[], trampoline_params[], trampoline_end[];
void ap_start64(void);
void ap_hang64(void); /* smp_hang_cpu=: an AP that never comes online */
#endif

#endif
