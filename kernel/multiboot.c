/*
 * SPDX-License-Identifier: MIT
 * kernel/multiboot.c - copy, then check, the multiboot information.
 *
 * The loader's structures sit in memory that is about to be reused: QEMU's
 * -kernel puts the command line just past bss_end_addr, where .bss starts
 * (linker.ld), and any loader may use RAM the page allocator will hand out.
 * So multiboot_save() copies the raw bytes first thing, before clear_bss();
 * multiboot_parse() checks that copy into boot_info once the kernel can
 * print.  Reading goes through the boot direct map (0-4 GiB).
 */
#include <kernel/multiboot.h>
#include <kernel/printk.h>
#include <arch/boot.h>
#include <errno.h>
#include <string.h>

struct boot_info boot_info;

/* Memory map bytes kept: two 24-byte entries for each region boot_info can hold. */
#define SAVED_MMAP_BYTES (2 * MAX_MEM_REGIONS * sizeof(struct multiboot_mmap_entry))

/*
 * The loader's bytes as multiboot_save() found them.  In .data, not .bss: it is
 * written before clear_bss(), which would undo it.  Each string keeps one byte
 * more than boot_info's copy, to tell a string that fits from one that was cut.
 */
static struct {
	u32 magic;
	u64 mbi_phys;
	struct multiboot_info mbi;
	char cmdline[sizeof(boot_info.cmdline) + 1];
	char loader[sizeof(boot_info.loader) + 1];
	u32 mmap_len; /* bytes in mmap: at most SAVED_MMAP_BYTES */
	u8 mmap[SAVED_MMAP_BYTES] __aligned(8);
	u32 mods_count; /* entries in mods: at most MULTIBOOT_SAVED_MODS */
	struct multiboot_mod_list mods[MULTIBOOT_SAVED_MODS];
} saved __section(".data");

static bool regions_full; /* boot_info.regions ran out in this multiboot_parse() */

static const void *boot_phys(u64 pa)
{
	return (const void *)(PAGE_OFFSET + pa);
}

static void save_string(char *dst, size_t len, u64 pa)
{
	size_t n = strnlen(boot_phys(pa), len - 1);

	memcpy(dst, boot_phys(pa), n);
	dst[n] = '\0';
}

/**
 * multiboot_save - copy what the loader left (the information structure, both
 * strings, the memory map) into kernel data, unchecked.
 *
 * Context: start_kernel's first call, before clear_bss(): no printk, no per-CPU
 * data, nothing in .bss.  multiboot_parse() does the checking later.
 */
void multiboot_save(u32 magic, u64 mbi_phys)
{
	const struct multiboot_info *mbi = boot_phys(mbi_phys);

	saved.magic = magic;
	saved.mbi_phys = mbi_phys;
	if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
		return; /* EBX means nothing: read nothing through it */
	saved.mbi = *mbi;
	if (mbi->flags & MULTIBOOT_INFO_CMDLINE)
		save_string(saved.cmdline, sizeof(saved.cmdline), mbi->cmdline);
	if (mbi->flags & MULTIBOOT_INFO_BOOT_LOADER_NAME)
		save_string(saved.loader, sizeof(saved.loader), mbi->boot_loader_name);
	if (mbi->flags & MULTIBOOT_INFO_MEM_MAP) {
		saved.mmap_len = min(mbi->mmap_length, (u32)sizeof(saved.mmap));
		memcpy(saved.mmap, boot_phys(mbi->mmap_addr), saved.mmap_len);
	}
	if (mbi->flags & MULTIBOOT_INFO_MODS) {
		saved.mods_count = min(mbi->mods_count, (u32)MULTIBOOT_SAVED_MODS);
		memcpy(saved.mods, boot_phys(mbi->mods_addr),
		       saved.mods_count * sizeof(saved.mods[0]));
	}
}

unsigned int multiboot_saved_mods(const struct multiboot_mod_list **mods)
{
	*mods = saved.mods;
	return saved.magic == MULTIBOOT_BOOTLOADER_MAGIC ? saved.mods_count : 0;
}

unsigned int multiboot_module_count(void)
{
	bool mods = saved.magic == MULTIBOOT_BOOTLOADER_MAGIC &&
		    (saved.mbi.flags & MULTIBOOT_INFO_MODS);

	return mods ? saved.mbi.mods_count : 0;
}

bool multiboot_saved_ram(u64 start, u64 end)
{
	const struct multiboot_info *mbi = &saved.mbi;
	bool covered = false; /* by an available entry; and no other entry may overlap */
	u32 p = 0;

	if (saved.magic != MULTIBOOT_BOOTLOADER_MAGIC)
		return false;
	if (!(mbi->flags & MULTIBOOT_INFO_MEM_MAP)) /* the spec's fallback, as parse does */
		return (mbi->flags & MULTIBOOT_INFO_MEMORY) && start >= 0x100000 &&
		       end <= 0x100000 + (u64)mbi->mem_upper * 1024;
	while (p + sizeof(u32) <= saved.mmap_len) { /* parse_mmap()'s walk, silent */
		const struct multiboot_mmap_entry *e = (const void *)&saved.mmap[p];

		if (e->size < 20 || (u64)p + e->size + 4 > saved.mmap_len)
			return false;
		if (e->type == MULTIBOOT_MEMORY_AVAILABLE && e->addr <= start &&
		    end - e->addr <= e->len)
			covered = true;
		else if (e->type != MULTIBOOT_MEMORY_AVAILABLE && e->len && e->addr < end &&
			 (e->addr >= start || start - e->addr < e->len))
			return false; /* it overlaps: the firmware's data is in there */
		p += e->size + 4;
	}
	return covered;
}

/* Copy a saved string into boot_info's @len bytes; report one that does not fit. */
static void copy_boot_string(char *dst, size_t len, const char *src, const char *what)
{
	size_t n = strlen(src);

	if (n >= len) {
		pr_warn("multiboot: %s longer than %zu bytes, truncated\n", what, len - 1);
		n = len - 1;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/*
 * QEMU's -kernel loader starts the command line with the kernel image's
 * path ("build/kernel.elf loglevel=7"); GRUB 2 passes only the arguments.
 * For QEMU, move that first word to boot_info.image.
 */
static void split_image_name(void)
{
	char *line = boot_info.cmdline;
	size_t n = strcspn(line, " ");

	if (n >= sizeof(boot_info.image))
		n = sizeof(boot_info.image) - 1;
	memcpy(boot_info.image, line, n);
	boot_info.image[n] = '\0';
	n = strcspn(line, " ");
	n += strspn(line + n, " ");
	memmove(line, line + n, strlen(line + n) + 1);
}

static void add_region(u64 addr, u64 len, u32 type)
{
	struct mem_region *r;

	if (len == 0 || addr + len < addr) { /* empty, or wraps around */
		boot_info.bad_entries++;
		return;
	}
	if (boot_info.nr_regions == MAX_MEM_REGIONS) {
		if (!regions_full) /* once: "the rest" are all counted in bad_entries */
			pr_warn("multiboot: more than %d memory regions, ignoring the rest\n",
				MAX_MEM_REGIONS);
		regions_full = true;
		boot_info.bad_entries++;
		return;
	}
	r = &boot_info.regions[boot_info.nr_regions++];
	r->start = addr;
	r->end = addr + len;
	r->type = type;
}

/* The saved map: entries of e->size + 4 bytes; a map longer than the copy ends in a cut entry. */
static void parse_mmap(void)
{
	u32 p = 0, end = saved.mmap_len;

	while (p + sizeof(u32) <= end) {
		const struct multiboot_mmap_entry *e = (const void *)&saved.mmap[p];

		if (e->size < 20 || (u64)p + e->size + 4 > end) {
			pr_warn("multiboot: memory map entry at %#lx has bad size %u, stopping\n",
				(unsigned long)saved.mbi.mmap_addr + p, e->size);
			boot_info.bad_entries++;
			return;
		}
		add_region(e->addr, e->len, e->type);
		p += e->size + 4;
	}
}

int multiboot_parse(void)
{
	const struct multiboot_info *mbi = &saved.mbi;

	if (saved.magic != MULTIBOOT_BOOTLOADER_MAGIC) {
		pr_err("multiboot: bad magic %#x: not booted by a multiboot loader\n", saved.magic);
		return -EINVAL;
	}
	regions_full = false;

	if (mbi->flags & MULTIBOOT_INFO_CMDLINE)
		copy_boot_string(boot_info.cmdline, sizeof(boot_info.cmdline), saved.cmdline,
				 "command line");
	if (mbi->flags & MULTIBOOT_INFO_BOOT_LOADER_NAME)
		copy_boot_string(boot_info.loader, sizeof(boot_info.loader), saved.loader,
				 "boot loader name");
	if ((mbi->flags & MULTIBOOT_INFO_CMDLINE) && !strncmp(boot_info.loader, "qemu", 4))
		split_image_name();
	if (mbi->flags & MULTIBOOT_INFO_MEM_MAP) {
		if (mbi->mmap_length > saved.mmap_len)
			pr_warn("multiboot: memory map of %u bytes, only the first %u read\n",
				mbi->mmap_length, saved.mmap_len);
		parse_mmap();
	} else if (mbi->flags & MULTIBOOT_INFO_MEMORY) {
		/* No map: the spec's fallback is the two sizes. */
		add_region(0, (u64)mbi->mem_lower * 1024, MULTIBOOT_MEMORY_AVAILABLE);
		add_region(0x100000, (u64)mbi->mem_upper * 1024, MULTIBOOT_MEMORY_AVAILABLE);
	}
	if (!boot_info.nr_regions)
		pr_err("multiboot: the loader gave no memory information\n");
	return 0;
}
