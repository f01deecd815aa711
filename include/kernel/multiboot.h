/*
 * SPDX-License-Identifier: MIT
 * include/kernel/multiboot.h - what the boot loader tells us (multiboot spec 0.6.96,
 * section 3.3 "Boot information format").
 *
 * The loader passes the physical address of struct multiboot_info in EBX.
 * `flags` says which fields are valid.  Everything in here comes from outside
 * the kernel, so kernel/multiboot.c checks it before use: a memory map entry
 * with a silly size or a command line without its NUL is reported and skipped.
 */
#ifndef KERNEL_MULTIBOOT_H
#define KERNEL_MULTIBOOT_H

#include <kernel/types.h>

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002

#define MULTIBOOT_INFO_MEMORY		(1 << 0)
#define MULTIBOOT_INFO_CMDLINE		(1 << 2)
#define MULTIBOOT_INFO_MODS		(1 << 3)
#define MULTIBOOT_INFO_MEM_MAP		(1 << 6)
#define MULTIBOOT_INFO_BOOT_LOADER_NAME (1 << 9)

struct multiboot_info {
	u32 flags;
	u32 mem_lower; /* KiB below 1 MiB */
	u32 mem_upper; /* KiB above 1 MiB, up to the first hole */
	u32 boot_device;
	u32 cmdline; /* physical address of a C string */
	u32 mods_count;
	u32 mods_addr;
	u32 syms[4];
	u32 mmap_length; /* bytes of memory map */
	u32 mmap_addr;	 /* physical address of the first entry */
	u32 drives_length;
	u32 drives_addr;
	u32 config_table;
	u32 boot_loader_name; /* physical address of a C string */
	u32 apm_table;
	u32 vbe[6];
	u32 framebuffer[7];
} __attribute__((packed));

_Static_assert(__builtin_offsetof(struct multiboot_info, mmap_length) == 44, "spec 3.3");
_Static_assert(__builtin_offsetof(struct multiboot_info, boot_loader_name) == 64, "spec 3.3");

#define MULTIBOOT_MEMORY_AVAILABLE	  1
#define MULTIBOOT_MEMORY_RESERVED	  2
#define MULTIBOOT_MEMORY_ACPI_RECLAIMABLE 3
#define MULTIBOOT_MEMORY_NVS		  4
#define MULTIBOOT_MEMORY_BADRAM		  5

/* One memory map entry.  `size` does not count itself: the next entry is at +size+4. */
struct multiboot_mmap_entry {
	u32 size;
	u64 addr;
	u64 len;
	u32 type;
} __attribute__((packed));

_Static_assert(sizeof(struct multiboot_mmap_entry) == 24, "spec 3.3");

/* One module: mods_addr points at mods_count of these (spec 3.3). */
struct multiboot_mod_list {
	u32 mod_start; /* physical address of the first byte */
	u32 mod_end;   /* physical address past the last byte */
	u32 cmdline;   /* physical address of a C string */
	u32 pad;
};

_Static_assert(sizeof(struct multiboot_mod_list) == 16, "spec 3.3");

#define MULTIBOOT_SAVED_MODS 4 /* modules multiboot_save() keeps; more are ignored */

/* A checked copy of the loader's information, in kernel memory. */
#define MAX_MEM_REGIONS 32
struct mem_region {
	u64 start;
	u64 end;  /* exclusive */
	u32 type; /* MULTIBOOT_MEMORY_* */
};

struct boot_info {
	char cmdline[512]; /* the options, without the image path */
	char image[128];   /* the first word the loader passed: the kernel's path */
	char loader[64];
	struct mem_region regions[MAX_MEM_REGIONS];
	int nr_regions;
	unsigned long bad_entries; /* memory map entries rejected */
};

extern struct boot_info boot_info;

/* multiboot_save - copy the loader's bytes before clear_bss(); kernel/multiboot.c. */
void multiboot_save(u32 magic, u64 mbi_phys);

/*
 * multiboot_parse - check what multiboot_save() copied into boot_info.
 * Returns 0, or -EINVAL if the magic was not the multiboot magic (then
 * boot_info holds safe defaults: no memory map, empty command line).
 * Context: boot, after clear_bss() and serial_init(), before the page allocator.
 */
int multiboot_parse(void);

/*
 * Before multiboot_parse(), for ktests_load() (include/kernel/ktests.h): the
 * modules multiboot_save() copied (none without MULTIBOOT_INFO_MODS), and
 * whether the saved memory map gives [@start, @end) as available RAM (and
 * no entry of another type overlaps it).  Both
 * read the unchecked copy, checking each entry's bounds, and print nothing.
 */
unsigned int multiboot_saved_mods(const struct multiboot_mod_list **mods);
/* How many modules the loader passed (multiboot_saved_mods() keeps the first ones). */
unsigned int multiboot_module_count(void);
bool multiboot_saved_ram(u64 start, u64 end);

#endif
