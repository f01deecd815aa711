/*
 * SPDX-License-Identifier: MIT
 * arch/e820.h - the BIOS memory map as Linux keeps it (3.10's asm/e820.h).
 *
 * The firmware describes physical memory as a list of ranges, each with a
 * type: the "e820" map, after the BIOS call (INT 15h, EAX=0xE820) that
 * returns it.  A multiboot loader hands the same list on (include/kernel/
 * multiboot.h); kernel/multiboot.c checks and copies it into boot_info, which
 * the memory manager reads.  kernel/e820.c makes 3.10's map from that copy:
 * sorted, without overlaps, adjacent ranges of one type merged, printed in
 * the boot log as 3.10 prints it, and shown by the monitor's `e820`.
 */
#ifndef ARCH_E820_H
#define ARCH_E820_H

#include <kernel/types.h>

/* The types: the same numbers as the multiboot map's (MULTIBOOT_MEMORY_*). */
#define E820_RAM	   1
#define E820_RESERVED	   2
#define E820_ACPI	   3
#define E820_NVS	   4
#define E820_UNUSABLE	   5
/* RAM the kernel itself reserved; printed as "usable", as RAM is. */
#define E820_RESERVED_KERN 128

/* The most entries a map holds (3.10: E820MAX in boot_params, E820_X_MAX in the kernel). */
#define E820MAX	   128
#define E820_X_MAX E820MAX

/* One range: [addr, addr + size - 1], of @type. */
struct e820entry {
	u64 addr;
	u64 size;
	u32 type;
} __attribute__((packed));

struct e820map {
	u32 nr_map;
	struct e820entry map[E820_X_MAX];
};

/* The map made at boot (setup_memory_map); the monitor's `e820` shows it. */
extern struct e820map e820;

/*
 * e820_add_region - append [@start, @start + @size) of @type to e820.  A full
 * map keeps what it has and says "e820: too many entries; ignoring [mem
 * 0x...-0x...]".  Nothing is sorted or merged: sanitize_e820_map does that.
 * Context: boot, or a test that saved e820 first.
 */
void e820_add_region(u64 start, u64 size, int type);

/*
 * e820_print_map - print every entry of e820 as one line, 3.10's format:
 * "<who>: [mem 0x0000000000000000-0x000000000009fbff] usable" (the last
 * address is inclusive; 16 hex digits).  KERN_INFO.
 */
void e820_print_map(char *who);

/*
 * sanitize_e820_map - sort @biosmap's *@pnr_map entries, remove overlaps
 * (where entries overlap, the highest type number wins: RAM, 1, is the
 * weakest claim), merge neighbours of one type, drop empty entries; the result
 * replaces the input, at most @max_nr_map entries, and *@pnr_map is its count.
 * Returns 0, or -1 with the map untouched when there is nothing to do (fewer
 * than two entries) or an entry wraps around the top of the address space.
 * @max_nr_map is at most E820_X_MAX.  Context: one caller at a time (its work
 * arrays are static, as 3.10's).
 */
int sanitize_e820_map(struct e820entry *biosmap, int max_nr_map, u32 *pnr_map);

/*
 * setup_memory_map - make e820 from the loader's map (boot_info.regions),
 * sanitized, and print it after "e820: BIOS-provided physical RAM map:".
 * Context: boot, from start_kernel, before mm_init.
 */
void setup_memory_map(void);

#endif
