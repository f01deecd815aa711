/*
 * SPDX-License-Identifier: MIT
 * kernel/ktests.h - the tests module: the in-guest tests and benchmarks
 * (tests/, bench/guest/), loaded only when the boot loader passes them.
 *
 * They are linked with the kernel, so each side calls the other by name, but
 * at KTESTS_PHYS (16 MiB), past the image the loader loads (linker.ld).  The
 * build cuts them out into ktests.bin (tools/mkktests):
 *
 *   ktests.bin   +----------------------+-------------------------------------------+
 *                | struct ktests_header | the bytes of _ktests_start.._ktests_edata |
 *                +----------------------+-------------------------------------------+
 *
 * make run, make test and the ISO pass it as a multiboot module; a plain
 * `-kernel build/kernel.elf` boots without it, and QEMU then loads 0.58 MiB
 * instead of 1.44 (docs/testing.md, "The tests module").  ktests_load()
 * checks the module against this kernel, moves it to KTESTS_PHYS and zeroes
 * its .bss; from then on its tables (suites, runners, options, an initcall,
 * perf layers) are walked after the kernel's.  A module from another build
 * is refused, with the reason, as a degraded boot step (kernel/boot_report.h):
 * its addresses would be wrong.
 */
#ifndef KERNEL_KTESTS_H
#define KERNEL_KTESTS_H

#include <kernel/types.h>

#define KTESTS_PHYS  0x1000000	/* 16 MiB: linker.ld's KTESTS_PHYS */
#define KTESTS_MAGIC 0x5453544b /* "KTST" */

/* The first 64 bytes of ktests.bin, little-endian (tools/mkktests writes it). */
struct ktests_header {
	u32 magic;	 /* KTESTS_MAGIC */
	u32 header_size; /* sizeof(struct ktests_header): the image follows */
	u64 start;	 /* where it was linked: _ktests_start */
	u64 size;	 /* image bytes after the header: _ktests_edata - _ktests_start */
	u64 mem_size;	 /* with its .bss: _ktests_end - _ktests_start */
	u8 build_id[20]; /* the kernel's link (ld --build-id): the two go together */
	u8 reserved[12];
};

_Static_assert(sizeof(struct ktests_header) == 64, "tools/mkktests packs 64 bytes");

/* The module's sections and tables (linker.ld); meaningful only once loaded. */
extern char _ktests_start[], _ktests_etext[], _ktests_data[], _ktests_edata[], _ktests_end[];

/*
 * ktests_load - find the tests module among the loader's modules, check it and
 * move it into place.  Context: start_kernel, after multiboot_save() and before
 * clear_bss(): the loader may have put the module where .bss lies, so no printk
 * and no .bss here; ktests_report() says what happened.
 */
void ktests_load(void);

/* ktests_load()'s outcome in the log; a refusal is also a degraded boot step. */
void ktests_report(void);

/* Is the tests module loaded?  Context: any, after ktests_load(). */
bool ktests_loaded(void);

/* Why it is not: "the loader passed no tests module (ktests.bin)", or the refusal. */
const char *ktests_why_not(void);

/* Is @addr in the loaded module's text (a return address, for the oops's guesses)? */
bool ktests_text_contains(unsigned long addr);

/* Is @addr in the loaded module's .data or .bss (static objects: lockdep, stack walks)? */
bool ktests_data_contains(unsigned long addr);

/* The module's physical range, for the page allocator: [0, 0) when none is loaded. */
void ktests_phys_range(phys_addr_t *start, phys_addr_t *end);

#endif
