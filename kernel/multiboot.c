/*
 * SPDX-License-Identifier: MIT
 * kernel/multiboot.c - check and copy the multiboot information.
 *
 * The loader's structures sit somewhere in low memory that the page
 * allocator will soon hand out, so everything we need is copied into
 * boot_info first.  Reading goes through the boot direct map (0-4 GiB).
 */
#include <kernel/multiboot.h>
#include <kernel/printk.h>
#include <arch/boot.h>
#include <errno.h>
#include <string.h>

struct boot_info boot_info;

static const void *boot_phys(u64 pa)
{
	return (const void *)(PAGE_OFFSET + pa);
}

/* Copy a NUL-terminated loader string of at most len-1 bytes; report one that is cut. */
static void copy_boot_string(char *dst, size_t len, u64 pa, const char *what)
{
	const char *src = boot_phys(pa);
	size_t n = strnlen(src, len);

	if (n == len) {
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
		pr_warn("multiboot: more than %d memory regions, ignoring the rest\n",
			MAX_MEM_REGIONS);
		boot_info.bad_entries++;
		return;
	}
	r = &boot_info.regions[boot_info.nr_regions++];
	r->start = addr;
	r->end = addr + len;
	r->type = type;
}

static void parse_mmap(const struct multiboot_info *mbi)
{
	u64 p = mbi->mmap_addr, end = (u64)mbi->mmap_addr + mbi->mmap_length;

	while (p + sizeof(u32) <= end) {
		const struct multiboot_mmap_entry *e = boot_phys(p);

		if (e->size < 20 || p + e->size + 4 > end) {
			pr_warn("multiboot: memory map entry at %#lx has bad size %u, stopping\n",
				(unsigned long)p, e->size);
			boot_info.bad_entries++;
			return;
		}
		add_region(e->addr, e->len, e->type);
		p += e->size + 4;
	}
}

int multiboot_parse(u32 magic, u64 mbi_phys)
{
	const struct multiboot_info *mbi;

	if (magic != MULTIBOOT_BOOTLOADER_MAGIC) {
		pr_err("multiboot: bad magic %#x: not booted by a multiboot loader\n", magic);
		return -EINVAL;
	}
	mbi = boot_phys(mbi_phys);
	boot_info.mbi_start = mbi_phys;
	boot_info.mbi_end = mbi_phys + sizeof(*mbi);

	if (mbi->flags & MULTIBOOT_INFO_CMDLINE) {
		copy_boot_string(boot_info.cmdline, sizeof(boot_info.cmdline), mbi->cmdline,
				 "command line");
	}
	if (mbi->flags & MULTIBOOT_INFO_BOOT_LOADER_NAME)
		copy_boot_string(boot_info.loader, sizeof(boot_info.loader), mbi->boot_loader_name,
				 "boot loader name");
	if ((mbi->flags & MULTIBOOT_INFO_CMDLINE) && !strncmp(boot_info.loader, "qemu", 4))
		split_image_name();
	if (mbi->flags & MULTIBOOT_INFO_MEM_MAP) {
		parse_mmap(mbi);
	} else if (mbi->flags & MULTIBOOT_INFO_MEMORY) {
		/* No map: the spec's fallback is the two sizes. */
		add_region(0, (u64)mbi->mem_lower * 1024, MULTIBOOT_MEMORY_AVAILABLE);
		add_region(0x100000, (u64)mbi->mem_upper * 1024, MULTIBOOT_MEMORY_AVAILABLE);
	}
	if (!boot_info.nr_regions)
		pr_err("multiboot: the loader gave no memory information\n");
	return 0;
}
