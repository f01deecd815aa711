/*
 * SPDX-License-Identifier: MIT
 * kernel/ktests.c - the tests module: found among the loader's modules,
 * checked, and moved to where it was linked (include/kernel/ktests.h).
 *
 * 3.10 would make tests like ours loadable modules, which load_module()
 * relocates into module space and links against the kernel's exported
 * symbols.  Ours is linked with the kernel instead, at a fixed address, so
 * loading is a copy and nothing is relocated; the price is that a module
 * works with the one kernel it was linked with, which the build ID checks
 * (docs/linux-3.10.md).
 *
 *   physical    1 MiB                      16 MiB
 *               | kernel image | .bss .noinit |  ...  | .ktests.text rodata data | bss |
 *               ^ loaded by the loader                ^ ktests_load() copies the module here
 */
#include <kernel/boot_report.h>
#include <kernel/ktests.h>
#include <kernel/multiboot.h>
#include <kernel/printk.h>
#include <mm/mm.h>
#include <string.h>

extern const u8 __build_id_note[]; /* linker.ld: the GNU note ld --build-id wrote */

/* In .data, not .bss: ktests_load() runs before clear_bss(). */
static struct {
	bool loaded;
	unsigned int index; /* which module of the loader's */
	u64 mod_start, mod_len;
	const char *refused; /* why the module was not loaded, or NULL */
	unsigned int others; /* modules that are not a tests module (no KTESTS_MAGIC) */
} kt __section(".data");

/* Why @h (the first @len bytes of a module, @len >= its header) cannot be loaded, or NULL. */
static const char *ktests_check(const struct ktests_header *h, u64 len)
{
	/* The 20 bytes after the note's header: namesz 4, descsz 20, type 3, "GNU\0". */
	const u8 *build_id = __build_id_note + 16;

	if (h->header_size != sizeof(*h))
		return "its header is not the 64 bytes this kernel reads";
	if (memcmp(h->build_id, build_id, sizeof(h->build_id)))
		return "it was built with another kernel (the build IDs differ)";
	if (h->start != (unsigned long)_ktests_start ||
	    h->size != (u64)(_ktests_edata - _ktests_start) ||
	    h->mem_size != (u64)(_ktests_end - _ktests_start))
		return "its layout is not the one this kernel was linked with";
	if (len - sizeof(*h) < h->size)
		return "it is cut short";
	if (!multiboot_saved_ram(__pa(_ktests_start), __pa(_ktests_end)))
		return "there is no RAM where it goes (16 MiB and up)";
	return NULL;
}

void ktests_load(void)
{
	const struct multiboot_mod_list *mods;
	unsigned int n = multiboot_saved_mods(&mods);

	for (unsigned int i = 0; i < n; i++) {
		const struct ktests_header *h = __va(mods[i].mod_start);
		u64 len = mods[i].mod_end - (u64)mods[i].mod_start;

		if (mods[i].mod_end < mods[i].mod_start || len < sizeof(*h) ||
		    h->magic != KTESTS_MAGIC) {
			kt.others++; /* not a tests module: nothing else reads modules */
			continue;
		}
		kt.index = i;
		kt.mod_start = mods[i].mod_start;
		kt.mod_len = len;
		kt.refused = ktests_check(h, len);
		if (kt.refused)
			return;
		/*
		 * The module may lie where it goes: memmove, not memcpy, and both through
		 * the direct map.  memmove picks its direction from the two virtual
		 * addresses: through _ktests_start (KERNEL_VMA) the overlap is hidden.
		 */
		memmove(__va(__pa(_ktests_start)), h + 1, h->size);
		memset(__va(__pa(_ktests_edata)), 0, _ktests_end - _ktests_edata);
		kt.loaded = true;
		return;
	}
}

void ktests_report(void)
{
	const struct multiboot_mod_list *mods;

	if (multiboot_module_count() > multiboot_saved_mods(&mods))
		pr_warn("ktests: %u boot modules, only the first %u looked at\n",
			multiboot_module_count(), multiboot_saved_mods(&mods));
	if (kt.others)
		pr_warn("ktests: %u boot module%s without the tests module's header, ignored\n",
			kt.others, kt.others == 1 ? "" : "s");
	if (kt.refused) {
		pr_err("ktests: module %u (%llu bytes at %#llx) refused: %s\n", kt.index,
		       (unsigned long long)kt.mod_len, (unsigned long long)kt.mod_start,
		       kt.refused);
		boot_degraded("ktests: the tests module refused: %s", kt.refused);
	}
	if (!kt.loaded)
		return;
	pr_info("ktests: the tests module, %lu KiB, moved from %#llx (module %u) to %#lx\n",
		(unsigned long)(_ktests_end - _ktests_start) >> 10,
		(unsigned long long)kt.mod_start, kt.index, (unsigned long)__pa(_ktests_start));
}

bool ktests_loaded(void)
{
	return kt.loaded;
}

const char *ktests_why_not(void)
{
	return kt.refused ? kt.refused : "the loader passed no tests module (ktests.bin)";
}

bool ktests_text_contains(unsigned long addr)
{
	return kt.loaded && addr >= (unsigned long)_ktests_start &&
	       addr < (unsigned long)_ktests_etext;
}

bool ktests_data_contains(unsigned long addr)
{
	return kt.loaded && addr >= (unsigned long)_ktests_data &&
	       addr < (unsigned long)_ktests_end;
}

void ktests_phys_range(phys_addr_t *start, phys_addr_t *end)
{
	*start = kt.loaded ? __pa(_ktests_start) : 0;
	*end = kt.loaded ? __pa(_ktests_end) : 0;
}
