/*
 * SPDX-License-Identifier: MIT
 * labs/boot/e820.c - YOUR e820 map: the loader's memory map turned into
 * Linux 3.10's, sorted and cleaned up, printed in the boot log as 3.10
 * prints it, and shown by a monitor command.  This file takes the place of
 * kernel/e820.c in `make lab LAB=boot` (labs/boot/README.md).
 *
 * kernel/multiboot.c has already checked the loader's map and copied it into
 * boot_info.regions (include/kernel/multiboot.h): start, end (exclusive) and
 * type of each range, in the loader's order.  The page allocator reads that
 * copy, so nothing you do here can stop the kernel from booting.
 *
 * What you may use:
 *   boot_info.regions[i].start, .end, .type; boot_info.nr_regions
 *   struct e820entry { addr, size, type }, struct e820map, E820_* (arch/e820.h)
 *   printk(KERN_INFO "..."), pr_cont("...") (the rest of the same line)
 *   qsort(base, n, size, compare) (newlib's <stdlib.h>), memcpy
 *   ARRAY_SIZE(a), BUG_ON(cond)
 */
#include <arch/e820.h>
#include <kernel/monitor.h>
#include <kernel/multiboot.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct e820map e820;

/*
 * __e820_add_region - append [@start, @start + @size) of @type as the last
 * entry of @e820x.  When the map is full (ARRAY_SIZE(e820x->map) entries),
 * add nothing and print, at KERN_ERR:
 *   "e820: too many entries; ignoring [mem 0x%08llx-0x%08llx]\n"
 * with the first and the LAST address of the range.
 */
static void __e820_add_region(struct e820map *e820x, u64 start, u64 size, int type)
{
	/*
	 * TODO (part "the map made at boot"): three fields and the count, or the
	 * message.
	 *
	 * Until then nothing is added: the map stays empty.
	 */
}

void e820_add_region(u64 start, u64 size, int type)
{
	__e820_add_region(&e820, start, size, type);
}

/*
 * e820_print_type - the end of an entry's line, with pr_cont: "usable" (for
 * E820_RAM and E820_RESERVED_KERN), "reserved", "ACPI data", "ACPI NVS",
 * "unusable", or "type N" for any other number.
 */
static void __unused e820_print_type(u32 type)
{
	/* TODO (part "e820_print_map prints 3.10's lines"): a switch. */
}

/*
 * e820_print_map - one line per entry of e820, in order, at KERN_INFO:
 *   "<who>: [mem 0x0000000000100000-0x0000000007fdffff] usable\n"
 * 16 hex digits after 0x; the second address is the entry's LAST byte.
 */
void e820_print_map(char *who)
{
	/*
	 * TODO (part "e820_print_map prints 3.10's lines"): printk the start of
	 * the line, e820_print_type, then pr_cont("\n").
	 * Hint: 3.10 writes %#018Lx.  In C (and in newlib) the # flag adds "0x"
	 * only to a value that is not zero, so the first entry would come out
	 * without it: spell the 0x out.
	 *
	 * Until then nothing is printed.
	 */
}

/*
 * Where an entry starts or ends.  Sorted by address, these points cut the
 * address space into pieces inside which the same entries overlap.
 */
struct change_member {
	struct e820entry *pbios; /* the entry that starts or ends here */
	u64 addr;		 /* its start, or its end (exclusive) */
};

/* Static, as 3.10's __initdata arrays: too big for a 16 KiB stack. */
static struct change_member change_point_list[2 * E820_X_MAX] __unused;
static struct change_member *change_point[2 * E820_X_MAX] __unused;
static struct e820entry *overlap_list[E820_X_MAX] __unused;
static struct e820entry new_bios[E820_X_MAX] __unused;

/*
 * cpcompare - qsort's order of two change points (@a and @b point to
 * pointers to them): by address; at one address, a start before an end.
 * Returns <0, 0 or >0 as qsort wants.
 */
static int __unused cpcompare(const void *a, const void *b)
{
	/*
	 * TODO (part "sanitize: sort and merge"): compare the addresses; if they
	 * are equal, an end point (addr != pbios->addr) is the greater.
	 * Hint: why a start before an end?  Take [0, 4K) and [4K, 8K), both RAM.
	 * Walk their four points in both orders and see which one gives one entry.
	 */
	return 0;
}

/*
 * sanitize_e820_map - sort @biosmap's *@pnr_map entries, remove overlaps
 * (where entries overlap, the highest type number wins), merge neighbours of
 * one type, drop empty entries.  The result replaces the input, at most
 * @max_nr_map entries (stop when that many are made: the rest is lost), and
 * *@pnr_map becomes its count.  Returns 0; or -1, the map untouched, when
 * *@pnr_map < 2 or an entry wraps around (addr + size < addr).
 *
 * 3.10's way, a sweep over "change points":
 *   1. for each entry with size > 0, two points: its start and its end;
 *      change_point[i] points at change_point_list[i];
 *   2. sort change_point[] with cpcompare;
 *   3. walk the points in order, keeping overlap_list[]: the entries that
 *      cover the piece after the point (a start adds its entry, an end
 *      removes it).  The piece's type is the highest type in the list, 0
 *      if none.  When it differs from the last piece's type: close the open
 *      entry of new_bios[] here (if there is one, and keep it only if its
 *      size is not 0), then open one here (unless the new type is 0);
 *   4. copy new_bios[] back over @biosmap.
 */
int sanitize_e820_map(struct e820entry *biosmap, int max_nr_map, u32 *pnr_map)
{
	/*
	 * TODO (parts "sanitize: sort and merge", "sanitize: overlapping types").
	 * Hint: draw the points of e820_test_sanitize_gives_an_overlap_to_the_higher_type
	 * (tests/kernel/test_e820.c) on a line before you write the walk.
	 *
	 * Until then -1: "nothing done", the map stays as the loader gave it.
	 */
	return -1;
}

/*
 * setup_memory_map - make e820 from boot_info.regions: copy them into a map
 * of struct e820entry (a static array of E820_X_MAX entries: size = end -
 * start), sanitize it, add each entry to e820 (which starts empty) with
 * e820_add_region, then print
 *   "e820: BIOS-provided physical RAM map:\n"   (KERN_INFO)
 * and the map with e820_print_map("BIOS-e820").
 */
void setup_memory_map(void)
{
	/*
	 * TODO (part "the map made at boot").
	 *
	 * Until then e820 stays empty and the boot log says nothing about it.
	 */
}

/*
 * Monitor `e820`: the map as the boot log printed it (e820_print_map with
 * "BIOS-e820"), then one line
 *   "e820: <entries> entries, <KiB> KiB usable\n"
 * where usable counts the bytes of the E820_RAM and E820_RESERVED_KERN
 * entries, shown in KiB (bytes >> 10).
 */
static int cmd_e820(int argc, char **argv)
{
	/*
	 * TODO (part "the monitor's e820").  The monitor has already refused
	 * arguments: the usage line below is the bare name.
	 */
	return -ENOSYS;
}
MONITOR_CMD(e820, "e820", "the BIOS memory map (e820), as the boot log printed it", cmd_e820);
