/*
 * mm/page_alloc.c - the binary buddy page allocator.
 *
 * Free memory is kept as blocks of 2^order frames, each naturally aligned
 * (a block of order k starts at a pfn that is a multiple of 2^k).  One free
 * list per order:
 *
 *   order 0: [1 frame] [1 frame] ...
 *   order 1: [2 frames] ...
 *   ...
 *   order 10: [1024 frames = 4 MiB] ...
 *
 * Allocation takes the smallest free block that fits and splits it, putting
 * the unused halves back on the lower lists.  Freeing does the reverse: a
 * block's "buddy" (pfn ^ 2^order) is checked, and while it is free and of
 * the same order the two merge into a block of the next order.
 *
 * XXX: one zone, one node, no watermarks, no per-CPU lists, and an
 * allocation that may sleep does not yet wait for memory: the memory issue
 * adds all of these behind the same functions.
 */
#include <mm/mm.h>
#include <mm/paging.h>
#include <kernel/multiboot.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <string.h>

extern char _kernel_end[];
void paging_allocator_ready(void);

struct page *mem_map;
unsigned long max_pfn;
unsigned long totalram_pages;

struct free_area {
	struct list_head free_list;
	unsigned long nr_free;		/* blocks on the list */
};

/* The allocator's state; every field is protected by lock (irqsave). */
static struct {
	spinlock_t lock;
	struct free_area free_area[MAX_ORDER];
	unsigned long nr_free;		/* frames free */
} buddy = { .lock = __SPIN_LOCK_UNLOCKED(buddy.lock) };

/* memblock: a bump allocator over one region, for the time before the buddy allocator. */
static struct {
	phys_addr_t start, cur, end;
} memblock;

#define SZ_1M		0x100000UL
#define SZ_4G		0x100000000UL

static inline void set_page_flag(struct page *p, int bit)
{
	p->flags |= 1UL << bit;
}

static inline void clear_page_flag(struct page *p, int bit)
{
	p->flags &= ~(1UL << bit);
}

static inline bool test_page_flag(const struct page *p, int bit)
{
	return p->flags & (1UL << bit);
}

phys_addr_t memblock_alloc(size_t size, size_t align)
{
	phys_addr_t pa = ALIGN_UP(memblock.cur, align);

	if (pa + size > memblock.end)
		panic("memblock: out of boot memory (%zu bytes wanted)", size);
	memblock.cur = pa + size;
	memset(__va(pa), 0, size);
	return pa;
}

/* Boot memory: the largest free RAM region below 4 GiB, above the kernel. */
static void memblock_init(void)
{
	phys_addr_t kend = __pa(_kernel_end);

	for (int i = 0; i < boot_info.nr_regions; i++) {
		const struct mem_region *r = &boot_info.regions[i];
		phys_addr_t s = max(r->start, kend), e = min(r->end, SZ_4G);

		if (r->type != MULTIBOOT_MEMORY_AVAILABLE || s >= e)
			continue;
		if (e - s > memblock.end - memblock.start) {
			memblock.start = memblock.cur = ALIGN_UP(s, PAGE_SIZE);
			memblock.end = ALIGN_DOWN(e, PAGE_SIZE);
		}
	}
	if (memblock.end <= memblock.start)
		panic("mm: no usable memory above the kernel");
}

/* Put a free block of @order at @pfn on its list, merging with free buddies. */
static void __free_one_page(unsigned long pfn, unsigned int order)
{
	while (order < MAX_ORDER - 1) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		struct page *b;

		if (buddy_pfn >= max_pfn)
			break;
		b = pfn_to_page(buddy_pfn);
		if (!test_page_flag(b, PG_buddy) || b->order != order)
			break;
		list_del(&b->lru);
		clear_page_flag(b, PG_buddy);
		buddy.free_area[order].nr_free--;
		pfn &= ~(1UL << order);	/* the merged block starts at the lower buddy */
		order++;
	}
	struct page *p = pfn_to_page(pfn);

	p->order = order;
	set_page_flag(p, PG_buddy);
	list_add(&p->lru, &buddy.free_area[order].free_list);
	buddy.free_area[order].nr_free++;
}

/* Take a block of at least @order, split it down to @order.  Caller holds the lock. */
static struct page *__rmqueue(unsigned int order)
{
	for (unsigned int o = order; o < MAX_ORDER; o++) {
		struct free_area *area = &buddy.free_area[o];
		struct page *p;

		if (list_empty(&area->free_list))
			continue;
		p = list_first_entry(&area->free_list, struct page, lru);
		list_del(&p->lru);
		clear_page_flag(p, PG_buddy);
		area->nr_free--;
		/* Give back the upper halves: order o-1, o-2, ..., order. */
		while (o > order) {
			o--;
			__free_one_page(page_to_pfn(p) + (1UL << o), o);
		}
		p->order = order;
		return p;
	}
	return NULL;
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	static struct ratelimit_state rs;
	unsigned long flags;
	struct page *p;

	if (gfp & __GFP_WAIT)
		might_sleep();
	if (order >= MAX_ORDER) {
		WARN_ON_ONCE(!(gfp & __GFP_NOWARN));
		return NULL;
	}
	spin_lock_irqsave(&buddy.lock, flags);
	p = __rmqueue(order);
	if (p)
		buddy.nr_free -= 1UL << order;
	spin_unlock_irqrestore(&buddy.lock, flags);

	if (!p) {
		if (!(gfp & __GFP_NOWARN) && __ratelimit(&rs, 5000, 3))
			pr_warn("page allocation failure: order:%u, mode:%#x, free:%lu pages\n",
				order, gfp, buddy.nr_free);
		return NULL;
	}
	p->_refcount = 1;
	if (gfp & __GFP_ZERO)
		memset(page_address(p), 0, PAGE_SIZE << order);
	return p;
}

void __free_pages(struct page *page, unsigned int order)
{
	unsigned long flags;

	BUG_ON(test_page_flag(page, PG_buddy));		/* double free */
	BUG_ON(test_page_flag(page, PG_reserved));
	BUG_ON(page->order != order);			/* freed with another order */
	page->_refcount = 0;
	spin_lock_irqsave(&buddy.lock, flags);
	__free_one_page(page_to_pfn(page), order);
	buddy.nr_free += 1UL << order;
	spin_unlock_irqrestore(&buddy.lock, flags);
}

unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *p = alloc_pages(gfp, order);

	return p ? (unsigned long)page_address(p) : 0;
}

unsigned long get_zeroed_page(gfp_t gfp)
{
	return __get_free_pages(gfp | __GFP_ZERO, 0);
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (addr)
		__free_pages(virt_to_page((void *)addr), order);
}

unsigned long nr_free_pages(void)
{
	return READ_ONCE(buddy.nr_free);
}

void buddyinfo_counts(unsigned long counts[MAX_ORDER])
{
	unsigned long flags;

	spin_lock_irqsave(&buddy.lock, flags);
	for (int o = 0; o < MAX_ORDER; o++)
		counts[o] = buddy.free_area[o].nr_free;
	spin_unlock_irqrestore(&buddy.lock, flags);
}

/* Free frames [start, end) into the allocator in the largest aligned blocks. */
static void free_range(unsigned long start, unsigned long end)
{
	while (start < end) {
		unsigned int order = 0;

		while (order < MAX_ORDER - 1 && !(start & ((1UL << (order + 1)) - 1)) &&
		       start + (1UL << (order + 1)) <= end)
			order++;
		for (unsigned long i = 0; i < (1UL << order); i++)
			clear_page_flag(pfn_to_page(start + i), PG_reserved);
		__free_one_page(start, order);
		buddy.nr_free += 1UL << order;
		totalram_pages += 1UL << order;
		start += 1UL << order;
	}
}

/* Free [start, end) minus the frames the kernel image and memblock hold. */
static void free_region(phys_addr_t start, phys_addr_t end)
{
	const phys_addr_t holes[][2] = {
		{ 0, SZ_1M },					/* BIOS, real-mode data */
		{ KERNEL_PHYS, __pa(_kernel_end) },		/* the kernel image */
		{ memblock.start, memblock.cur },		/* page tables, mem_map */
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
		free_range(start >> PAGE_SHIFT, end >> PAGE_SHIFT);
}

void mm_init(void)
{
	for (int i = 0; i < boot_info.nr_regions; i++)
		if (boot_info.regions[i].type == MULTIBOOT_MEMORY_AVAILABLE)
			max_pfn = max(max_pfn, (unsigned long)(boot_info.regions[i].end >> PAGE_SHIFT));
	for (int o = 0; o < MAX_ORDER; o++)
		INIT_LIST_HEAD(&buddy.free_area[o].free_list);

	memblock_init();
	paging_init();
	mem_map = __va(memblock_alloc(max_pfn * sizeof(struct page), PAGE_SIZE));
	for (unsigned long pfn = 0; pfn < max_pfn; pfn++)
		mem_map[pfn].flags = 1UL << PG_reserved;

	for (int i = 0; i < boot_info.nr_regions; i++)
		if (boot_info.regions[i].type == MULTIBOOT_MEMORY_AVAILABLE)
			free_region(boot_info.regions[i].start, boot_info.regions[i].end);
	paging_allocator_ready();
	pr_info("mm: %lu KiB usable, %lu KiB free, mem_map %lu KiB, boot memory %lu KiB\n",
		totalram_pages * 4, buddy.nr_free * 4, max_pfn * sizeof(struct page) / 1024,
		(unsigned long)(memblock.cur - memblock.start) / 1024);
}
