/*
 * SPDX-License-Identifier: MIT
 * kernel/e820.c - the BIOS memory map as 3.10 keeps and prints it (reference for labs/boot/).
 *
 * kernel/multiboot.c has already checked and copied the loader's memory map
 * into boot_info.regions, which the memory manager reads.  Here that copy
 * becomes 3.10's `e820` map (arch/x86/kernel/e820.c): sanitized (sorted, no
 * overlaps, neighbours of one type merged), printed in the boot log as
 *
 *   e820: BIOS-provided physical RAM map:
 *   BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable
 *   ...
 *
 * and shown by the monitor's `e820`.  The map only describes: the page
 * allocator still comes from boot_info (docs/linux-3.10.md, "e820").
 */
#include <arch/e820.h>
#include <kernel/monitor.h>
#include <kernel/multiboot.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <stdlib.h>
#include <string.h>

struct e820map e820;

/* Append one entry to @e820x, or say that it is full. */
static void __e820_add_region(struct e820map *e820x, u64 start, u64 size, int type)
{
	u32 x = e820x->nr_map;

	if (x >= ARRAY_SIZE(e820x->map)) {
		/* 0x%08llx, not 3.10's %#010llx: newlib prints no 0x for a zero */
		printk(KERN_ERR "e820: too many entries; ignoring [mem 0x%08llx-0x%08llx]\n",
		       (unsigned long long)start, (unsigned long long)(start + size - 1));
		return;
	}
	e820x->map[x].addr = start;
	e820x->map[x].size = size;
	e820x->map[x].type = type;
	e820x->nr_map = x + 1;
}

void e820_add_region(u64 start, u64 size, int type)
{
	__e820_add_region(&e820, start, size, type);
}

/* The rest of an entry's line: its type in words. */
static void e820_print_type(u32 type)
{
	switch (type) {
	case E820_RAM:
	case E820_RESERVED_KERN:
		pr_cont("usable");
		break;
	case E820_RESERVED:
		pr_cont("reserved");
		break;
	case E820_ACPI:
		pr_cont("ACPI data");
		break;
	case E820_NVS:
		pr_cont("ACPI NVS");
		break;
	case E820_UNUSABLE:
		pr_cont("unusable");
		break;
	default:
		pr_cont("type %u", type);
		break;
	}
}

void e820_print_map(char *who)
{
	for (u32 i = 0; i < e820.nr_map; i++) {
		const struct e820entry *e = &e820.map[i];

		/* 0x%016llx: 3.10 writes %#018Lx, which in newlib prints no 0x for address 0 */
		printk(KERN_INFO "%s: [mem 0x%016llx-0x%016llx] ", who, (unsigned long long)e->addr,
		       (unsigned long long)(e->addr + e->size - 1));
		e820_print_type(e->type);
		pr_cont("\n");
	}
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
static struct change_member change_point_list[2 * E820_X_MAX];
static struct change_member *change_point[2 * E820_X_MAX];
static struct e820entry *overlap_list[E820_X_MAX];
static struct e820entry new_bios[E820_X_MAX];

/*
 * qsort's order of two change points (pointers to them): by address, and at
 * one address a start before an end, so that two entries that touch overlap
 * for a moment and, of one type, become one.
 */
static int cpcompare(const void *a, const void *b)
{
	const struct change_member *ap = *(struct change_member *const *)a;
	const struct change_member *bp = *(struct change_member *const *)b;

	if (ap->addr != bp->addr)
		return ap->addr > bp->addr ? 1 : -1;
	return (ap->addr != ap->pbios->addr) - (bp->addr != bp->pbios->addr);
}

int sanitize_e820_map(struct e820entry *biosmap, int max_nr_map, u32 *pnr_map)
{
	u32 old_nr = *pnr_map, current_type, last_type = 0;
	int chg_nr = 0, overlap_entries = 0, new_nr = 0;
	u64 last_addr = 0;

	if (old_nr < 2) /* one entry, or none: nothing to sort or merge */
		return -1;
	BUG_ON(max_nr_map > E820_X_MAX || old_nr > (u32)max_nr_map);

	for (u32 i = 0; i < old_nr; i++)
		if (biosmap[i].addr + biosmap[i].size < biosmap[i].addr)
			return -1; /* wraps around: not a map to trust */

	/* Two change points for each entry that is not empty. */
	for (u32 i = 0; i < old_nr; i++) {
		if (!biosmap[i].size)
			continue;
		change_point_list[chg_nr] =
			(struct change_member){ .pbios = &biosmap[i], .addr = biosmap[i].addr };
		change_point[chg_nr] = &change_point_list[chg_nr];
		chg_nr++;
		change_point_list[chg_nr] =
			(struct change_member){ .pbios = &biosmap[i],
						.addr = biosmap[i].addr + biosmap[i].size };
		change_point[chg_nr] = &change_point_list[chg_nr];
		chg_nr++;
	}
	qsort(change_point, chg_nr, sizeof(*change_point), cpcompare);

	/* Walk the points upwards, keeping the set of entries that cover the current piece. */
	for (int c = 0; c < chg_nr; c++) {
		struct change_member *cp = change_point[c];

		if (cp->addr == cp->pbios->addr) {
			overlap_list[overlap_entries++] = cp->pbios;
		} else {
			for (int i = 0; i < overlap_entries; i++)
				if (overlap_list[i] == cp->pbios)
					overlap_list[i] = overlap_list[overlap_entries - 1];
			overlap_entries--;
		}
		/* The piece from here on: the highest type that covers it, 0 if none. */
		current_type = 0;
		for (int i = 0; i < overlap_entries; i++)
			if (overlap_list[i]->type > current_type)
				current_type = overlap_list[i]->type;
		if (current_type == last_type)
			continue;
		if (last_type) { /* the open entry ends here; an empty one is overwritten */
			new_bios[new_nr].size = cp->addr - last_addr;
			if (new_bios[new_nr].size && ++new_nr >= max_nr_map)
				break; /* no room for more: the rest is lost, as in 3.10 */
		}
		if (current_type) {
			new_bios[new_nr].addr = cp->addr;
			new_bios[new_nr].type = current_type;
			last_addr = cp->addr;
		}
		last_type = current_type;
	}
	memcpy(biosmap, new_bios, new_nr * sizeof(*new_bios));
	*pnr_map = new_nr;
	return 0;
}

void setup_memory_map(void)
{
	static struct e820entry biosmap[E820_X_MAX]; /* where 3.10's boot_params.e820_map is */
	u32 nr = 0;

	for (int i = 0; i < boot_info.nr_regions && nr < E820_X_MAX; i++) {
		const struct mem_region *r = &boot_info.regions[i];

		biosmap[nr++] = (struct e820entry){ .addr = r->start,
						    .size = r->end - r->start,
						    .type = r->type };
	}
	sanitize_e820_map(biosmap, E820_X_MAX, &nr);
	e820.nr_map = 0;
	for (u32 i = 0; i < nr; i++)
		e820_add_region(biosmap[i].addr, biosmap[i].size, biosmap[i].type);
	printk(KERN_INFO "e820: BIOS-provided physical RAM map:\n");
	e820_print_map("BIOS-e820");
}

/* Monitor `e820`: the map as the boot log printed it, then its entries and usable RAM. */
static int cmd_e820(int argc, char **argv)
{
	u64 usable = 0;

	e820_print_map("BIOS-e820");
	for (u32 i = 0; i < e820.nr_map; i++)
		if (e820.map[i].type == E820_RAM || e820.map[i].type == E820_RESERVED_KERN)
			usable += e820.map[i].size;
	printk("e820: %u entries, %llu KiB usable\n", e820.nr_map,
	       (unsigned long long)usable >> 10);
	return 0;
}
MONITOR_CMD(e820, "e820", "the BIOS memory map (e820), as the boot log printed it", cmd_e820);
