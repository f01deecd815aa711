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
 *      per frame: a page's zone and node follow from its address.  Only the
 *      low 16 MiB (and the kernel) and the chunks holding memblock are set
 *      up here; the rest waits (deferred init, below), so boot cost hardly
 *      grows with RAM (measured by `make bench`);
 *   5. zones: spans, watermarks, lowmem reserves, per-CPU lists (one per
 *      CPU, from alloc_percpu: mm/percpu.c);
 *   6. free every available frame of what was set up, except the first
 *      MiB, the kernel image and memblock, into its zone in the largest
 *      aligned blocks; count the rest as the zones' already (managed pages,
 *      watermarks: as if freed), to be freed when set up;
 *   7. the slab allocator's own caches (kmem_cache_init).
 *
 * The first MiB is never freed (step 6): BIOS data, the EBDA and ACPI's RSDP
 * live there.  One page of it, usable RAM, is named realmode_trampoline_pa
 * for kernel/smpboot.c, which copies the APs' real-mode start code there.
 */
#include <kernel/ktests.h>
#include <kernel/multiboot.h>
#include <kernel/panic.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/wait.h>
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

/* memblock_alloc without the zeroing: for mem_map, which is set up chunk by chunk. */
static phys_addr_t memblock_alloc_raw(size_t size, size_t align)
{
	phys_addr_t pa;

	/* Top down, as Linux's memblock: low memory (ZONE_DMA) stays for those who need it. */
	if (size > memblock.cur - memblock.start)
		panic("memblock: out of boot memory (%zu bytes wanted)", size);
	pa = ALIGN_DOWN(memblock.cur - size, align);
	if (pa < memblock.start)
		panic("memblock: out of boot memory (%zu bytes wanted)", size);
	memblock.cur = pa;
	return pa;
}

phys_addr_t memblock_alloc(size_t size, size_t align)
{
	phys_addr_t pa = memblock_alloc_raw(size, align);

	memset(__va(pa), 0, size);
	return pa;
}

/* Take [@s, @e) for memblock if it is larger than what memblock has. */
static void memblock_consider(phys_addr_t s, phys_addr_t e)
{
	if (s < e && e - s > memblock.end - memblock.start) {
		memblock.start = ALIGN_UP(s, PAGE_SIZE);
		memblock.end = memblock.cur = ALIGN_DOWN(e, PAGE_SIZE);
	}
}

/*
 * Boot memory: the largest free RAM region below 4 GiB, above the kernel, used from its
 * top.  A loaded tests module splits a region in two: the larger part is considered.
 */
static void memblock_init(void)
{
	phys_addr_t kend = __pa(_kernel_end), ts, te;

	ktests_phys_range(&ts, &te);
	for (int i = 0; i < boot_info.nr_regions; i++) {
		const struct mem_region *r = &boot_info.regions[i];
		phys_addr_t s = max(r->start, kend), e = min(r->end, SZ_4G);

		if (r->type != MULTIBOOT_MEMORY_AVAILABLE || s >= e)
			continue;
		if (te > s && ts < e) { /* the module is in it */
			memblock_consider(s, ts);
			memblock_consider(te, e);
		} else {
			memblock_consider(s, e);
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
		/* Stop where the node changes: at a block boundary of mm/numa.c. */
		for (unsigned long p = start; (p = pfn_to_nid_end(p, e)) < e;)
			if (pfn_to_nid(p) != nid) {
				e = p;
				break;
			}
		fn(&NODE_DATA(nid)->node_zones[zt], start, e);
		start = e;
	}
}

typedef void (*piece_fn)(struct zone *, unsigned long, unsigned long);

/* Boot, set up: free and count.  Boot, deferred: count only.  Deferred init: free only. */
static void free_piece(struct zone *z, unsigned long s, unsigned long e)
{
	free_boot_range(z, s, e);
}

static void count_piece(struct zone *z, unsigned long s, unsigned long e)
{
	z->managed_pages += e - s;
	totalram_pages += e - s;
}

/*
 * @fn on [start, end) of an available region, minus the first MiB, the kernel, the tests
 * module and memblock.
 */
static void free_region(phys_addr_t start, phys_addr_t end, piece_fn fn)
{
	phys_addr_t holes[][2] = {
		{ 0, SZ_1M },
		{ KERNEL_PHYS, __pa(_kernel_end) },
		{ 0, 0 }, /* the tests module, when loaded */
		{ memblock.cur, memblock.end },
	};

	ktests_phys_range(&holes[2][0], &holes[2][1]);
	start = ALIGN_UP(start, PAGE_SIZE);
	end = ALIGN_DOWN(end, PAGE_SIZE);
	for (size_t i = 0; i < ARRAY_SIZE(holes) && start < end; i++) {
		phys_addr_t hs = holes[i][0], he = ALIGN_UP(holes[i][1], PAGE_SIZE);

		if (he <= start || hs >= end)
			continue;
		if (hs > start)
			free_region(start, hs, fn);
		start = he;
	}
	if (start < end)
		for_each_zone_piece(start >> PAGE_SHIFT, end >> PAGE_SHIFT, fn)
			;
}

/* free_region(@fn) on the available RAM among frames [lo, hi). */
static void free_available(unsigned long lo, unsigned long hi, piece_fn fn)
{
	for (int i = 0; i < boot_info.nr_regions; i++) {
		const struct mem_region *r = &boot_info.regions[i];
		phys_addr_t s = max((phys_addr_t)r->start, (phys_addr_t)lo << PAGE_SHIFT);
		phys_addr_t e = min((phys_addr_t)r->end, (phys_addr_t)hi << PAGE_SHIFT);

		if (r->type == MULTIBOOT_MEMORY_AVAILABLE && s < e)
			free_region(s, e, fn);
	}
}

/* Mark the frames of [start, end) among frames [lo, hi) reserved (their struct pages set up). */
static void reserve_range(phys_addr_t start, phys_addr_t end, unsigned long lo, unsigned long hi)
{
	for (unsigned long pfn = max(start >> PAGE_SHIFT, lo);
	     pfn < DIV_ROUND_UP(end, PAGE_SIZE) && pfn < min(hi, max_pfn); pfn++)
		mem_map[pfn].flags |= 1UL << PG_reserved;
}

/*
 * Set up the struct pages of frames [lo, hi): zeroed, and PG_reserved on
 * what is never freed (the first MiB, the kernel, the tests module, memblock).
 */
static void memmap_init_range(unsigned long lo, unsigned long hi)
{
	phys_addr_t ts, te;

	hi = min(hi, max_pfn);
	if (lo >= hi)
		return;
	memset(&mem_map[lo], 0, (hi - lo) * sizeof(struct page));
	reserve_range(0, SZ_1M, lo, hi);
	reserve_range(KERNEL_PHYS, __pa(_kernel_end), lo, hi);
	ktests_phys_range(&ts, &te);
	reserve_range(ts, te, lo, hi);
	reserve_range(memblock.cur, memblock.end, lo, hi);
}

/*
 * Deferred struct page set-up (as Linux 4.2's CONFIG_DEFERRED_STRUCT_PAGE_INIT;
 * 3.10 sets up every struct page at boot: docs/linux-3.10.md).  Zeroing
 * mem_map is 1/64 of RAM, ~2.4 M instructions per GiB, and almost none of
 * it is needed to reach the prompt.  So mm_init sets up only
 *
 *   pfn 0           boot_end          mb_lo        mb_hi            max_pfn
 *   | DMA, kernel   | chunk | chunk ... | memblock's  | chunk ...      |
 *   |<- at boot --->|<--- deferred ---->|<- at boot ->|<-- deferred -->|
 *
 * (memblock holds the page tables and mem_map: reserved, so its struct
 * pages must say so from the start), counts every deferred frame as its
 * zone's (managed pages, so watermarks and totals are final at once), and
 * leaves the deferred chunks' frames off the free lists.  A chunk is set
 * up and freed by whoever claims it first:
 *   - an allocation that finds too little (deferred_grow, page_alloc.c),
 *   - the monitor after its first prompt, and the test and benchmark
 *     runners before they start (deferred_init_finish): every count the
 *     leak checks compare is final before the first case.
 * A chunk is a multiple of the largest block and zones start on chunk
 * boundaries, so no buddy of a free block lies in a chunk not set up.
 */
/* 3.10 sets up every struct page at boot; we defer: docs/linux-3.10.md */
#define DEFER_CHUNK_PAGES 4096UL /* 16 MiB of RAM, 256 KiB of mem_map */

static struct {
	unsigned long boot_end;	    /* frames [0, boot_end) set up at boot */
	unsigned long mb_lo, mb_hi; /* and [mb_lo, mb_hi), memblock's chunks */
	unsigned long next;	    /* the next chunk to claim */
	unsigned long in_flight;    /* chunks claimed, not yet done */
	unsigned long pending;	    /* chunks not yet done (claimed or not) */
	unsigned long done_chunks;  /* chunks set up after boot (for the tests) */
	spinlock_t lock;	    /* the four counters */
} deferred = { .lock = __SPIN_LOCK_UNLOCKED(deferred.lock) };

static DECLARE_WAIT_QUEUE_HEAD(deferred_wq);

/* Chunks in [lo, hi): what boot leaves for later. */
static unsigned long chunks_in(unsigned long lo, unsigned long hi)
{
	return hi > lo ? DIV_ROUND_UP(hi - lo, DEFER_CHUNK_PAGES) : 0;
}

/* Which frames boot sets up; count the others as their zones' and leave them. */
static void deferred_init_setup(void)
{
	unsigned long low = max(SZ_16M, (unsigned long)__pa(_kernel_end)) >> PAGE_SHIFT;

	deferred.boot_end = min(ALIGN_UP(low, DEFER_CHUNK_PAGES), max_pfn);
	deferred.mb_lo = ALIGN_DOWN(memblock.cur >> PAGE_SHIFT, DEFER_CHUNK_PAGES);
	deferred.mb_hi =
		min(ALIGN_UP(DIV_ROUND_UP(memblock.end, PAGE_SIZE), DEFER_CHUNK_PAGES), max_pfn);
	if (deferred.mb_lo <= deferred.boot_end) { /* one range at the bottom */
		deferred.boot_end = max(deferred.boot_end, deferred.mb_hi);
		deferred.mb_lo = deferred.mb_hi = deferred.boot_end;
	}
	deferred.next = deferred.boot_end;
	deferred.pending =
		chunks_in(deferred.boot_end, deferred.mb_lo) + chunks_in(deferred.mb_hi, max_pfn);
}

/* Claim the next chunk nobody has: its first frame, or ~0UL when none is left. */
static unsigned long deferred_claim(void)
{
	unsigned long flags, pfn = ~0UL;

	spin_lock_irqsave(&deferred.lock, flags);
	if (deferred.next >= deferred.mb_lo && deferred.next < deferred.mb_hi)
		deferred.next = deferred.mb_hi;
	if (deferred.next < max_pfn) {
		pfn = deferred.next;
		deferred.next += DEFER_CHUNK_PAGES;
		deferred.in_flight++;
	}
	spin_unlock_irqrestore(&deferred.lock, flags);
	return pfn;
}

bool deferred_grow(void)
{
	unsigned long pfn, end, flags;

	if (!READ_ONCE(deferred.pending))
		return false;
	pfn = deferred_claim();
	if (pfn == ~0UL)
		return false; /* the last ones are being set up elsewhere */
	end = min(pfn + DEFER_CHUNK_PAGES, max_pfn);
	if (deferred.mb_lo > pfn)
		end = min(end, deferred.mb_lo);
	memmap_init_range(pfn, end);
	free_available(pfn, end, free_range_blocks);
	spin_lock_irqsave(&deferred.lock, flags);
	deferred.in_flight--;
	deferred.pending--;
	deferred.done_chunks++;
	spin_unlock_irqrestore(&deferred.lock, flags);
	if (!READ_ONCE(deferred.pending))
		wake_up_all(&deferred_wq);
	return true;
}

void deferred_init_finish(void)
{
	while (deferred_grow())
		;
	wait_event(deferred_wq, !READ_ONCE(deferred.pending));
}

unsigned long deferred_init_pending(void)
{
	return READ_ONCE(deferred.pending);
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
	phys_addr_t ts, te;

	for (int i = 0; i < boot_info.nr_regions; i++)
		if (boot_info.regions[i].type == MULTIBOOT_MEMORY_AVAILABLE)
			max_pfn = max(max_pfn,
				      (unsigned long)(boot_info.regions[i].end >> PAGE_SHIFT));

	memblock_init();
	paging_init();
	numa_init();
	zones_init();
	mem_map = __va(memblock_alloc_raw(max_pfn * sizeof(struct page), PAGE_SIZE));
	reserve_realmode_trampoline();
	deferred_init_setup();
	memmap_init_range(0, deferred.boot_end);
	memmap_init_range(deferred.mb_lo, deferred.mb_hi);
	ktests_phys_range(&ts, &te); /* its frames say PG_reserved from the start, too */
	memmap_init_range(ts >> PAGE_SHIFT, DIV_ROUND_UP(te, PAGE_SIZE));

	for (int i = 0; i < boot_info.nr_regions; i++) {
		const struct mem_region *r = &boot_info.regions[i];

		if (r->type == MULTIBOOT_MEMORY_AVAILABLE)
			for_each_zone_piece(r->start >> PAGE_SHIFT, r->end >> PAGE_SHIFT,
					    zone_account)
				;
	}
	free_available(0, deferred.boot_end, free_piece);
	free_available(deferred.mb_lo, deferred.mb_hi, free_piece);
	free_available(deferred.boot_end, deferred.mb_lo, count_piece);
	free_available(deferred.mb_hi, max_pfn, count_piece);
	setup_watermarks();
	setup_zone_pagesets();
	build_all_zonelists();
	paging_allocator_ready();
	kmem_cache_init();
	pr_info("mm: %lu KiB usable, mem_map %lu KiB, boot memory %lu KiB, min_free_kbytes %lu\n",
		totalram_pages * 4, max_pfn * sizeof(struct page) / 1024,
		(unsigned long)(memblock.end - memblock.cur) / 1024, min_free_kbytes);
	pr_info("mm: struct pages of %lu MiB set up, %lu chunks of %lu MiB deferred\n",
		(deferred.boot_end + deferred.mb_hi - deferred.mb_lo) >> (20 - PAGE_SHIFT),
		deferred.pending, DEFER_CHUNK_PAGES >> (20 - PAGE_SHIFT));
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
