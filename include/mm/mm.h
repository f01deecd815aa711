/*
 * SPDX-License-Identifier: MIT
 * mm/mm.h - physical pages: the page allocator's public contract.
 *
 * Physical memory is cut into 4 KiB frames.  Each frame has a struct page in
 * the mem_map array, indexed by frame number (pfn):
 *
 *     mem_map[0] mem_map[1] ...  mem_map[pfn] ...
 *         |                          |
 *     frame 0 (0x0)              frame pfn (pfn << 12)
 *
 * and every frame of RAM is also mapped in the direct map, at
 * PAGE_OFFSET + physical address, so the kernel can touch any page:
 *
 *   page_to_pfn(p)  <->  pfn_to_page(pfn)
 *   page_address(p) ==  __va(page_to_pfn(p) << PAGE_SHIFT)
 *   virt_to_page(v) ==  pfn_to_page(__pa(v) >> PAGE_SHIFT)
 *
 * The allocator is a binary buddy allocator (mm/page_alloc.c): blocks of
 * 2^order contiguous, naturally aligned frames.
 */
#ifndef MM_MM_H
#define MM_MM_H

#include <arch/boot.h>
#include <kernel/list.h>
#include <kernel/percpu.h>
#include <kernel/types.h>
#include <mm/gfp.h>

#define PAGE_SHIFT   12
#define PAGE_SIZE    (1UL << PAGE_SHIFT)
#define PAGE_MASK    (~(PAGE_SIZE - 1))
#define MAX_ORDER    11 /* orders 0..10: blocks up to 4 MiB */
#define MAX_NUMNODES 4
#define NUMA_NO_NODE (-1)

/* Zones, as Linux has them on x86_64: what a device can reach. */
enum zone_type {
	ZONE_DMA,    /* below 16 MiB: ISA DMA */
	ZONE_DMA32,  /* below 4 GiB: 32-bit DMA */
	ZONE_NORMAL, /* everything else */
	MAX_NR_ZONES
};

/* Page flags (bit numbers). */
enum pageflags {
	PG_reserved, /* never handed out: firmware, kernel image, holes */
	PG_buddy,    /* the first frame of a free block on a free list */
	PG_slab,     /* owned by the slab allocator */
	PG_head,     /* first frame of a multi-page allocation */
};

struct kmem_cache;

struct page {
	unsigned long flags; /* PG_* bits */
	int _refcount;	     /* 0 while free, 1 when allocated */
	u8 order;	     /* block order (free head, or allocation head) */
	u8 zone;
	u8 node;
	bool pfmemalloc; /* came from the emergency reserve */
	union {
		struct list_head lru; /* free-list link while free; owner's use otherwise */
		/*
		 * Tail pages of a multi-page slab or large kmalloc: the head
		 * page's address | 1 (lru.next never has bit 0 set), so an
		 * object address finds its slab.  As Linux's compound_head.
		 */
		unsigned long compound_head;
	};
	void *private; /* the owner's */
	/* The slab allocator's, while PG_slab is set (mm/slab_internal.h): */
	struct kmem_cache *slab_cache; /* the cache the slab belongs to */
	void *freelist;		       /* first free object not on the cpu freelist */
	u16 inuse;		       /* objects not on @freelist */
	u16 objects;		       /* slots in the slab */
	u8 frozen;		       /* 1: the cache's cpu slab, on no node list */
};

/* 64 bytes, as Linux's: mem_map costs 1/64 of RAM (measured by make bench). */
_Static_assert(sizeof(struct page) == 64, "struct page grew");

extern struct page *mem_map;
extern unsigned long max_pfn;	     /* frames in mem_map */
extern unsigned long totalram_pages; /* frames the allocator manages */

static inline unsigned long __pa(const void *v)
{
	unsigned long a = (unsigned long)v;

	return a >= KERNEL_VMA ? a - KERNEL_VMA : a - PAGE_OFFSET;
}

static inline void *__va(phys_addr_t pa)
{
	return (void *)(pa + PAGE_OFFSET);
}

#define virt_to_phys(v) __pa(v)
#define phys_to_virt(p) __va(p)

static inline unsigned long page_to_pfn(const struct page *p)
{
	return (unsigned long)(p - mem_map);
}

static inline struct page *pfn_to_page(unsigned long pfn)
{
	return mem_map + pfn;
}

static inline void *page_address(const struct page *p)
{
	return __va((phys_addr_t)page_to_pfn(p) << PAGE_SHIFT);
}

static inline struct page *virt_to_page(const void *v)
{
	return pfn_to_page(__pa(v) >> PAGE_SHIFT);
}

static inline phys_addr_t page_to_phys(const struct page *p)
{
	return (phys_addr_t)page_to_pfn(p) << PAGE_SHIFT;
}

static inline bool PageReserved(const struct page *p)
{
	return p->flags & (1UL << PG_reserved);
}

/* The smallest order whose block holds @size bytes. */
static inline unsigned int get_order(unsigned long size)
{
	unsigned int order = 0;

	size = (size - 1) >> PAGE_SHIFT;
	while (size) {
		order++;
		size >>= 1;
	}
	return order;
}

/*
 * Nodes with memory (ids 0..nr_online_nodes-1); the node of CPU @cpu (the
 * SRAT's entry for its local APIC ID, 0 without one); the node of the CPU
 * running the caller (preemptible callers get a hint: they may move).
 */
extern int nr_online_nodes;
int cpu_to_node(unsigned int cpu);
DECLARE_PER_CPU(int, numa_node); /* each CPU's, set once by numa_add_cpu (mm/numa.c) */

/* In line: one %gs load on every allocation.  Raw: a preemptible caller gets a hint, as 3.10's. */
static inline int numa_node_id(void)
{
	return (int)__pcpu_op_read(numa_node);
}
/* Record CPU @cpu's node for numa_node_id() (its per-CPU area exists).  Context: boot. */
void numa_add_cpu(unsigned int cpu);

/* The node of frame @pfn, from the SRAT ranges (mm/numa.c); 0 for none. */
int pfn_to_nid(unsigned long pfn);
/* The first frame after @pfn, at most @limit, whose node may differ from @pfn's (mm/numa.c). */
unsigned long pfn_to_nid_end(unsigned long pfn, unsigned long limit);

/*
 * A frame's node and zone follow from its address, so these hold for every
 * frame, tail pages of a block included.  (The zone and node fields of
 * struct page are kept on block heads only, for reading in a debugger.)
 */
static inline int page_to_nid(const struct page *p)
{
	return pfn_to_nid(page_to_pfn(p));
}

static inline enum zone_type pfn_zone_type(unsigned long pfn)
{
	if (pfn < (16UL << 20) >> PAGE_SHIFT)
		return ZONE_DMA;
	if (pfn < (4UL << 30) >> PAGE_SHIFT)
		return ZONE_DMA32;
	return ZONE_NORMAL;
}

static inline enum zone_type page_zonenum(const struct page *p)
{
	return pfn_zone_type(page_to_pfn(p));
}

/* true if the page came from the emergency reserve (see __GFP_MEMALLOC). */
static inline bool page_is_pfmemalloc(const struct page *p)
{
	return p->pfmemalloc;
}

/*
 * alloc_pages_node - as alloc_pages, preferring node @nid (NUMA_NO_NODE:
 * the current node).  Memory comes from @nid while it has any that fits
 * the zone and watermark rules, then from the other nodes.
 */
struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order);

/*
 * alloc_pages - 2^order contiguous frames.  Returns the struct page of the
 * first, or NULL.  __GFP_ZERO zeroes them.  Context: any with GFP_ATOMIC;
 * with __GFP_WAIT it may sleep (and warns if it is called where it may not).
 */
struct page *alloc_pages(gfp_t gfp, unsigned int order);
#define alloc_page(gfp) alloc_pages(gfp, 0)

/* Give back what alloc_pages returned, with the same order.  Context: any. */
void __free_pages(struct page *page, unsigned int order);
#define __free_page(p) __free_pages(p, 0)

/* The same by virtual address: returns the direct-map address, or 0. */
unsigned long __get_free_pages(gfp_t gfp, unsigned int order);
#define __get_free_page(gfp) __get_free_pages(gfp, 0)
unsigned long get_zeroed_page(gfp_t gfp);
void free_pages(unsigned long addr, unsigned int order);
#define free_page(addr) free_pages(addr, 0)

/* Frames free right now. */
unsigned long nr_free_pages(void);

/* Free blocks of each order (monitor `buddyinfo`). */
void buddyinfo_counts(unsigned long counts[MAX_ORDER]);

/*
 * Boot: take the memory map in boot_info, reserve the first MiB, the kernel
 * image and the loader's data, build the final page tables (mm/paging.c) and
 * free the rest into the allocator.
 */
void mm_init(void);

/*
 * Deferred struct page set-up (mm/mm_init.c, docs/boot.md "mem_map"):
 * deferred_grow() sets up and frees the next chunk of memory whose struct
 * pages mm_init left for later; true if it did (the allocator retries),
 * false once all are done.  Context: any (a chunk costs ~50,000
 * instructions, interrupts on but for the zone lock's moments).
 * deferred_init_finish() does all that is left and waits for chunks other
 * CPUs are doing: the free page counts are final after it.  Context: thread.
 * deferred_init_pending(): chunks not yet set up.
 */
bool deferred_grow(void);
void deferred_init_finish(void);
unsigned long deferred_init_pending(void);

/*
 * The 4 KiB page below 1 MiB that mm_init() set aside for the real-mode
 * trampoline the other CPUs start in (kernel/smpboot.c), or 0 if the memory
 * map has no free RAM page there.  Page aligned, below 0xa0000 (a startup
 * IPI names it by its page number); never handed to the page allocator.
 */
extern phys_addr_t realmode_trampoline_pa;

/*
 * realmode_limit - where usable base memory ends, from the BIOS Data Area's
 * EBDA segment (word at 0x40e) and base memory size in KiB (word at 0x413):
 * the lower of the two, or 0x9f000 if that is below 128 KiB or above 640 KiB
 * (3.10's reserve_ebda_region rule).  The trampoline page ends at or below
 * it, so a BIOS whose EBDA lies in "available" RAM keeps its EBDA.  Pure.
 */
phys_addr_t realmode_limit(u16 ebda_segment, u16 base_kb);

/*
 * Boot-time allocation before the buddy allocator is up: physically contiguous,
 * zeroed, below 4 GiB.
 */
phys_addr_t memblock_alloc(size_t size, size_t align);

/* ---- compound blocks and slabs (mm/slab*.c sets them up) ---- */

/*
 * slab_compound_head - the first page of the block @page belongs to.  Tail
 * pages of a multi-page slab or large kmalloc point at it (bit 0 marks a
 * tail), as Linux's compound_head().
 */
static inline struct page *slab_compound_head(struct page *page)
{
	unsigned long head = page->compound_head;

	return head & 1 ? (struct page *)(head - 1) : page;
}

/*
 * slab_virt_to_head_page - the head page of the block holding @x, or NULL
 * if @x is not in the direct map of RAM.  Anything else (the kernel image,
 * a vmap stack address, a user-looking pointer) translates to a frame
 * number beyond max_pfn - 64 TiB or more up - so one compare sorts it out.
 */
static inline struct page *slab_virt_to_head_page(const void *x)
{
	/*
	 * The direct map only: no slab lives in the kernel image, so __pa's
	 * second case is not needed.
	 */
	unsigned long pfn = ((unsigned long)x - PAGE_OFFSET) >> PAGE_SHIFT;

	if (pfn >= max_pfn)
		return NULL;
	return slab_compound_head(pfn_to_page(pfn));
}

static inline bool PageSlab(const struct page *page)
{
	return page->flags & (1UL << PG_slab);
}

static inline bool PageHead(const struct page *page)
{
	return page->flags & (1UL << PG_head);
}

#endif
