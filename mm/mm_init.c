/*
 * SPDX-License-Identifier: MIT
 * mm/mm_init.c - from the boot memory map to a running page allocator.
 *
 *   1. memblock: a bump allocator, top down, over the largest free region
 *      below 4 GiB, for what is needed before the buddy allocator exists
 *      (page tables, mem_map), so ZONE_DMA stays free;
 *   2. paging_init: the kernel's own page tables (mm/paging.c);
 *   3. numa_init: node ranges from the ACPI SRAT (mm/numa.c);
 *   4. mem_map: one zeroed struct page per frame.  Nothing else is done
 *      per frame: a page's zone and node follow from its address, so boot
 *      cost grows only with the memset (measured by `make bench`);
 *   5. zones: spans, watermarks, lowmem reserves, per-CPU lists (one per
 *      CPU, from alloc_percpu: mm/percpu.c);
 *   6. free every available frame, except the first MiB, the kernel image
 *      and memblock, into its zone in the largest aligned blocks;
 *   7. the slab allocator's own caches (kmem_cache_init).
 *
 * The first MiB is never freed (step 6): BIOS data, the EBDA and ACPI's RSDP
 * live there.  One page of it, usable RAM, is named realmode_trampoline_pa
 * for kernel/smpboot.c, which copies the APs' real-mode start code there.
 */
#include <kernel/multiboot.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <mm/mmzone.h>
#include <mm/paging.h>
#include <mm/slab.h>
#include <string.h>

extern char _kernel_end[];

#define SZ_1M  0x100000UL
#define SZ_16M 0x1000000UL
#define SZ_4G  0x100000000UL

static const char *const zone_names[MAX_NR_ZONES] = { "DMA", "DMA32", "Normal" };
static const unsigned long zone_end_pfn[MAX_NR_ZONES] = { SZ_16M >> PAGE_SHIFT, SZ_4G >> PAGE_SHIFT,
							  ~0UL };
/* Linux's sysctl_lowmem_reserve_ratio: a lower zone keeps 1/256 of the higher zones' size. */
#define LOWMEM_RESERVE_RATIO 256

/* memblock hands out [cur, end) of [start, end), growing down from end. */
static struct {
	phys_addr_t start, cur, end;
} memblock;

unsigned long min_free_kbytes;
phys_addr_t realmode_trampoline_pa;

#define REALMODE_END 0xa0000UL /* conventional memory ends; VGA and the BIOS ROM above */

#define BDA_EBDA_SEGMENT 0x40e	   /* BIOS Data Area: the EBDA's real-mode segment */
#define BDA_BASE_KB	 0x413	   /* BIOS Data Area: base memory in KiB */
#define LOWMEM_INSANE	 0x20000UL /* a base memory end below 128 KiB is not believed */
#define LOWMEM_CAP	 0x9f000UL /* what we assume then: the top page or so is the EBDA */

phys_addr_t realmode_limit(u16 ebda_segment, u16 base_kb)
{
	phys_addr_t lowmem = (phys_addr_t)base_kb << 10, ebda = (phys_addr_t)ebda_segment << 4;

	if (ebda && ebda < lowmem)
		lowmem = ebda;
	if (lowmem < LOWMEM_INSANE || lowmem > REALMODE_END)
		lowmem = LOWMEM_CAP;
	return lowmem;
}

/*
 * The highest RAM page below the EBDA (realmode_limit; and above page 0,
 * the real-mode interrupt table) in the memory map, as Linux puts its
 * trampoline near the top of base memory: the loader's structures, copied
 * by then, were lower.  The memory map alone is not enough: some BIOSes
 * report their EBDA as available RAM.  It lies in the first MiB, which
 * step 6 never frees, so it stays ours.
 */
static void reserve_realmode_trampoline(void)
{
	phys_addr_t limit = realmode_limit(*(const u16 *)__va(BDA_EBDA_SEGMENT),
					   *(const u16 *)__va(BDA_BASE_KB));

	for (int i = 0; i < boot_info.nr_regions; i++) {
		const struct mem_region *r = &boot_info.regions[i];
		phys_addr_t top = ALIGN_DOWN(min((phys_addr_t)r->end, limit), PAGE_SIZE);

		if (r->type != MULTIBOOT_MEMORY_AVAILABLE || top < PAGE_SIZE * 2 ||
		    top - PAGE_SIZE < max((phys_addr_t)r->start, PAGE_SIZE))
			continue;
		if (top - PAGE_SIZE > realmode_trampoline_pa)
			realmode_trampoline_pa = top - PAGE_SIZE;
	}
}

phys_addr_t memblock_alloc(size_t size, size_t align)
{
	phys_addr_t pa;

	/* Top down, as Linux's memblock: low memory (ZONE_DMA) stays for those who need it. */
	if (size > memblock.cur - memblock.start)
		panic("memblock: out of boot memory (%zu bytes wanted)", size);
	pa = ALIGN_DOWN(memblock.cur - size, align);
	if (pa < memblock.start)
		panic("memblock: out of boot memory (%zu bytes wanted)", size);
	memblock.cur = pa;
	memset(__va(pa), 0, size);
	return pa;
}

/* Boot memory: the largest free RAM region below 4 GiB, above the kernel, used from its top. */
static void memblock_init(void)
{
	phys_addr_t kend = __pa(_kernel_end);

	for (int i = 0; i < boot_info.nr_regions; i++) {
		const struct mem_region *r = &boot_info.regions[i];
		phys_addr_t s = max(r->start, kend), e = min(r->end, SZ_4G);

		if (r->type != MULTIBOOT_MEMORY_AVAILABLE || s >= e)
			continue;
		if (e - s > memblock.end - memblock.start) {
			memblock.start = ALIGN_UP(s, PAGE_SIZE);
			memblock.end = memblock.cur = ALIGN_DOWN(e, PAGE_SIZE);
		}
	}
	if (memblock.end <= memblock.start)
		panic("mm: no usable memory above the kernel");
}

static void zones_init(void)
{
	for (int n = 0; n < MAX_NUMNODES; n++) {
		struct pglist_data *pgdat = NODE_DATA(n);

		pgdat->node_id = n;
		pgdat->node_start_pfn = ~0UL;
		for (int zt = 0; zt < MAX_NR_ZONES; zt++) {
			struct zone *z = &pgdat->node_zones[zt];

			z->node = n;
			z->type = zt;
			z->name = zone_names[zt];
			z->zone_start_pfn = ~0UL;
			spin_lock_init(&z->lock);
			z->lock.name = "zone->lock";
			for (int o = 0; o < MAX_ORDER; o++)
				INIT_LIST_HEAD(&z->free_area[o].free_list);
		}
	}
}

/* Record that frames [s, e) of RAM lie in zone @z (spans and present counts). */
static void zone_account(struct zone *z, unsigned long s, unsigned long e)
{
	struct pglist_data *pgdat = NODE_DATA(z->node);
	unsigned long zend = z->zone_start_pfn == ~0UL ? 0 : z->zone_start_pfn + z->spanned_pages;

	z->zone_start_pfn = min(z->zone_start_pfn, s);
	z->spanned_pages = max(zend, e) - z->zone_start_pfn;
	z->present_pages += e - s;
	pgdat->node_start_pfn = min(pgdat->node_start_pfn, s);
	pgdat->node_end_pfn = max(pgdat->node_end_pfn, e);
	pgdat->node_present_pages += e - s;
}

/*
 * Call @fn(zone, s, e) for every piece of frames [start, end) cut at node
 * and zone boundaries.
 */
static void for_each_zone_piece(unsigned long start, unsigned long end,
				void (*fn)(struct zone *, unsigned long, unsigned long))
{
	while (start < end) {
		int nid = pfn_to_nid(start);
		enum zone_type zt = ZONE_DMA;
		unsigned long e = end;

		while (start >= zone_end_pfn[zt])
			zt++;
		e = min(e, zone_end_pfn[zt]);
		/* Stop where the node changes: search forward in big steps, then exactly. */
		for (unsigned long p = start + 1; p < e; p++) {
			if (pfn_to_nid(p) != nid) {
				e = p;
				break;
			}
			if (!(p & 0xfff) && p + 0x1000 < e && pfn_to_nid(p + 0x1000) == nid)
				p += 0xfff;
		}
		fn(&NODE_DATA(nid)->node_zones[zt], start, e);
		start = e;
	}
}

static void free_piece(struct zone *z, unsigned long s, unsigned long e)
{
	free_boot_range(z, s, e);
}

/* Free [start, end) of an available region, minus the first MiB, the kernel and memblock. */
static void free_region(phys_addr_t start, phys_addr_t end)
{
	const phys_addr_t holes[][2] = {
		{ 0, SZ_1M },
		{ KERNEL_PHYS, __pa(_kernel_end) },
		{ memblock.cur, memblock.end },
	};

	start = ALIGN_UP(start, PAGE_SIZE);
	end = ALIGN_DOWN(end, PAGE_SIZE);
	for (size_t i = 0; i < ARRAY_SIZE(holes) && start < end; i++) {
		phys_addr_t hs = holes[i][0], he = ALIGN_UP(holes[i][1], PAGE_SIZE);

		if (he <= start || hs >= end)
			continue;
		if (hs > start)
			free_region(start, hs);
		start = he;
	}
	if (start < end)
		for_each_zone_piece(start >> PAGE_SHIFT, end >> PAGE_SHIFT, free_piece)
			;
}

static void reserve_range(phys_addr_t start, phys_addr_t end)
{
	for (unsigned long pfn = start >> PAGE_SHIFT;
	     pfn < DIV_ROUND_UP(end, PAGE_SIZE) && pfn < max_pfn; pfn++)
		mem_map[pfn].flags |= 1UL << PG_reserved;
}

/* Linux's rule: min_free_kbytes = sqrt(16 * lowmem kB), within [128, 65536]; split by zone size. */
static void setup_watermarks(void)
{
	unsigned long kb = totalram_pages * (PAGE_SIZE / 1024), min_kb = 128;

	while ((min_kb + 1) * (min_kb + 1) <= 16 * kb)
		min_kb++;
	min_free_kbytes = min(max(min_kb, 128UL), 65536UL);

	for (int n = 0; n < nr_online_nodes; n++)
		for (int zt = 0; zt < MAX_NR_ZONES; zt++) {
			struct zone *z = &NODE_DATA(n)->node_zones[zt];
			unsigned long min =
				(min_free_kbytes / 4) * z->managed_pages / max(totalram_pages, 1UL);
			unsigned long higher = 0;

			z->watermark[WMARK_MIN] = min;
			z->watermark[WMARK_LOW] = min + min / 4;
			z->watermark[WMARK_HIGH] = min + min / 2;
			for (int up = zt + 1; up < MAX_NR_ZONES; up++) {
				higher += NODE_DATA(n)->node_zones[up].managed_pages;
				z->lowmem_reserve[up] = higher / LOWMEM_RESERVE_RATIO;
			}
			/*
			 * Per-CPU lists: about a quarter of a percent of the
			 * zone each, as Linux sizes them.
			 */
			z->pageset_batch = (int)min(max(z->managed_pages / 4096, 1UL), 31UL);
			z->pageset_high = 6 * z->pageset_batch;
		}
}

void mm_init(void)
{
	for (int i = 0; i < boot_info.nr_regions; i++)
		if (boot_info.regions[i].type == MULTIBOOT_MEMORY_AVAILABLE)
			max_pfn = max(max_pfn,
				      (unsigned long)(boot_info.regions[i].end >> PAGE_SHIFT));

	memblock_init();
	paging_init();
	numa_init();
	zones_init();
	mem_map = __va(memblock_alloc(max_pfn * sizeof(struct page), PAGE_SIZE));
	reserve_range(0, SZ_1M);
	reserve_realmode_trampoline();
	reserve_range(KERNEL_PHYS, __pa(_kernel_end));
	reserve_range(memblock.cur, memblock.end);

	for (int i = 0; i < boot_info.nr_regions; i++) {
		const struct mem_region *r = &boot_info.regions[i];

		if (r->type != MULTIBOOT_MEMORY_AVAILABLE)
			continue;
		for_each_zone_piece(r->start >> PAGE_SHIFT, r->end >> PAGE_SHIFT, zone_account)
			;
		free_region(r->start, r->end);
	}
	setup_watermarks();
	setup_zone_pagesets();
	build_all_zonelists();
	paging_allocator_ready();
	kmem_cache_init();
	pr_info("mm: %lu KiB usable, mem_map %lu KiB, boot memory %lu KiB, min_free_kbytes %lu\n",
		totalram_pages * 4, max_pfn * sizeof(struct page) / 1024,
		(unsigned long)(memblock.end - memblock.cur) / 1024, min_free_kbytes);
	for (int n = 0; n < nr_online_nodes; n++)
		for (int zt = 0; zt < MAX_NR_ZONES; zt++) {
			struct zone *z = &NODE_DATA(n)->node_zones[zt];

			if (z->present_pages)
				pr_info("  node %d zone %-6s [pfn %#lx-%#lx] %lu pages, "
					"min %lu low %lu high %lu\n",
					n, z->name, z->zone_start_pfn,
					z->zone_start_pfn + z->spanned_pages - 1, z->managed_pages,
					z->watermark[WMARK_MIN], z->watermark[WMARK_LOW],
					z->watermark[WMARK_HIGH]);
		}
}
