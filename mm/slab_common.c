/*
 * mm/slab_common.c - kmalloc on top of the slab caches, the boot-time
 * caches, and the counters (slabinfo, slab_live_objects).
 *
 * kmalloc picks a cache by size, as Linux's kmalloc_caches table:
 *
 *   size      1-8  9-16  17-32  33-64  65-96  97-128  129-192  193-256 ... 4097-8192  > 8192
 *   cache     8    16    32     64     96     128     192      256     ... 8192       pages
 *
 * The two odd sizes (96, 192) halve the waste between 64, 128 and 256,
 * where most small kernel structures fall.  Above 8192 bytes a kmalloc is a
 * block of whole pages, marked PG_head (its tails point back at it), so
 * kfree() tells it from a slab object (PG_slab) by its struct page.
 * GFP_DMA kmallocs come from a second set of caches, dma-kmalloc-*, whose
 * slabs are in ZONE_DMA.
 */
#include <kernel/monitor.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <stdio.h>

#include "slab_internal.h"

unsigned long kmalloc_large_live;

enum kmalloc_cache_type {
	KMALLOC_NORMAL,
	KMALLOC_DMA,
	NR_KMALLOC_TYPES
};

/* The kmalloc caches themselves: static, so that kmalloc needs no allocation to exist. */
static struct kmem_cache kmalloc_cache_store[NR_KMALLOC_TYPES][KMALLOC_SHIFT_HIGH + 1];

#define KMALLOC_ROW(t)                                                                      \
	{ NULL, &kmalloc_cache_store[t][1], &kmalloc_cache_store[t][2],                      \
	  &kmalloc_cache_store[t][3], &kmalloc_cache_store[t][4], &kmalloc_cache_store[t][5], \
	  &kmalloc_cache_store[t][6], &kmalloc_cache_store[t][7], &kmalloc_cache_store[t][8], \
	  &kmalloc_cache_store[t][9], &kmalloc_cache_store[t][10],                            \
	  &kmalloc_cache_store[t][11], &kmalloc_cache_store[t][12],                           \
	  &kmalloc_cache_store[t][13] }

/*
 * kmalloc_caches[type][i]: the cache of objects of 2^i bytes, except [1]
 * (96 bytes) and [2] (192 bytes); [0] is unused.  A table of pointers, as
 * Linux's, so that finding the cache is one load.
 */
static struct kmem_cache *const kmalloc_caches[NR_KMALLOC_TYPES][KMALLOC_SHIFT_HIGH + 1] = {
	KMALLOC_ROW(KMALLOC_NORMAL),
	KMALLOC_ROW(KMALLOC_DMA),
};

/* The cache index of sizes 1..192, by (size - 1) / 8. */
static const u8 size_index[24] = {
	3, 4, 5, 5, 6, 6, 6, 6,	/*   1..64  */
	1, 1, 1, 1,		/*  65..96  */
	7, 7, 7, 7,		/*  97..128 */
	2, 2, 2, 2, 2, 2, 2, 2,	/* 129..192 */
};

static inline unsigned int kmalloc_index(size_t size)
{
	if (size <= 192)
		return size_index[(size - 1) / 8];
	return 64 - __builtin_clzl(size - 1);	/* fls: the power of two that holds it */
}

static unsigned int kmalloc_size(unsigned int index)
{
	return index == 1 ? 96 : index == 2 ? 192 : 1U << index;
}

/* The cache for a kmalloc of @size (1..KMALLOC_MAX_CACHE_SIZE) bytes with @gfp. */
static inline struct kmem_cache *kmalloc_slab(size_t size, gfp_t gfp)
{
	return kmalloc_caches[gfp & __GFP_DMA ? KMALLOC_DMA : KMALLOC_NORMAL][kmalloc_index(size)];
}

/* ---- boot ------------------------------------------------------------------- */

static void create_boot_cache(struct kmem_cache *s, const char *name, unsigned int size,
			      unsigned int align, slab_flags_t flags)
{
	if (kmem_cache_open(s, name, size, align, flags, NULL))
		panic("kmem_cache_init: cannot create cache %s", name);
	list_add(&s->list, &slab_caches);
}

void kmem_cache_init(void)
{
	char name[SLAB_NAME_LEN];

	if (kmem_cache_boot.objects)
		return;
	/*
	 * failslab= from the command line must be in force before the first
	 * slab allocation: the fast path only looks at whether it is armed.
	 */
	fault_inject_init();
	/* The cache of caches first: kmem_cache_create takes from it. */
	create_boot_cache(&kmem_cache_boot, "kmem_cache", sizeof(struct kmem_cache), 0,
			  SLAB_HWCACHE_ALIGN);
	for (int type = 0; type < NR_KMALLOC_TYPES; type++)
		for (unsigned int i = 1; i <= KMALLOC_SHIFT_HIGH; i++) {
			unsigned int size = kmalloc_size(i);

			snprintf(name, sizeof(name), "%skmalloc-%u", type == KMALLOC_DMA ? "dma-" : "",
				 size);
			/* kmalloc's promise: a power-of-two size is aligned to itself. */
			create_boot_cache(kmalloc_caches[type][i], name, size,
					  max((unsigned int)ARCH_KMALLOC_MINALIGN, size & -size),
					  SLAB_KMALLOC | (type == KMALLOC_DMA ? SLAB_CACHE_DMA : 0));
		}
}

/* ---- kmalloc ------------------------------------------------------------------ */

/* More than KMALLOC_MAX_CACHE_SIZE: whole pages, marked as one block. */
static void *kmalloc_large_node(size_t size, gfp_t gfp, int node)
{
	struct page *page;
	unsigned int order;

	if (unlikely(size > KMALLOC_MAX_SIZE)) {
		if (!(gfp & __GFP_NOWARN))
			pr_warn("kmalloc: %zu bytes is more than KMALLOC_MAX_SIZE (%lu)\n", size,
				KMALLOC_MAX_SIZE);
		return NULL;
	}
	order = get_order(size);
	page = alloc_pages_node(node, gfp, order);	/* __GFP_ZERO zeroes whole pages there */
	if (!page)
		return NULL;
	prep_compound(page, order);
	__atomic_add_fetch(&kmalloc_large_live, 1, __ATOMIC_RELAXED);
	return page_address(page);
}

/* Always inlined: its _RET_IP_ (in slab_alloc_node) is then the caller of kmalloc, kmalloc_node or krealloc. */
static __always_inline void *__do_kmalloc_node(size_t size, gfp_t gfp, int node)
{
	if (unlikely(size > KMALLOC_MAX_CACHE_SIZE))
		return kmalloc_large_node(size, gfp, node);
	if (unlikely(!size))
		return ZERO_SIZE_PTR;
	return slab_alloc_node(kmalloc_slab(size, gfp), gfp, node);
}

__slab_fastpath void *kmalloc(size_t size, gfp_t gfp)
{
	return __do_kmalloc_node(size, gfp, NUMA_NO_NODE);
}

void *kmalloc_node(size_t size, gfp_t gfp, int node)
{
	return __do_kmalloc_node(size, gfp, node);
}

/* kfree of something that is not a slab object: a large kmalloc, or a caller bug. */
static void free_large_kmalloc(struct page *page, const void *x, unsigned long addr)
{
	unsigned int order;

	if (unlikely(!page || !PageHead(page) || x != page_address(page))) {
		slab_report_bad_free(NULL, NULL, x, addr, "kfree of a pointer kmalloc did not return");
		return;
	}
	order = page->order;
	clear_compound(page, order);
	__atomic_sub_fetch(&kmalloc_large_live, 1, __ATOMIC_RELAXED);
	__free_pages(page, order);
}

__slab_fastpath void kfree(const void *x)
{
	struct page *page;

	if (unlikely(ZERO_OR_NULL_PTR(x)))
		return;
	page = slab_virt_to_head_page(x);
	if (likely(page && PageSlab(page)))
		slab_free(page->slab_cache, (void *)x);
	else
		free_large_kmalloc(page, x, _RET_IP_);
}

size_t ksize(const void *x)
{
	struct page *page;

	if (unlikely(ZERO_OR_NULL_PTR(x)))
		return 0;
	page = slab_virt_to_head_page(x);
	if (page && PageSlab(page))
		return page->slab_cache->object_size;
	if (page && PageHead(page))
		return PAGE_SIZE << page->order;
	WARN_ON_ONCE(1);	/* not from kmalloc */
	return 0;
}

void *krealloc(const void *p, size_t new_size, gfp_t gfp)
{
	size_t old_size;
	void *ret;

	if (unlikely(!new_size)) {
		kfree(p);
		return ZERO_SIZE_PTR;
	}
	old_size = ksize(p);
	if (old_size >= new_size)
		return (void *)p;	/* it already fits: nothing moves */
	ret = __do_kmalloc_node(new_size, gfp, NUMA_NO_NODE);
	if (ret && !ZERO_OR_NULL_PTR(p)) {
		memcpy(ret, p, old_size);
		kfree(p);
	}
	return ret;
}

/* ---- counters ------------------------------------------------------------------- */

void get_slabinfo(struct kmem_cache *s, struct slabinfo *sinfo)
{
	slab_count(s, sinfo);
}

unsigned long slab_live_objects(void)
{
	unsigned long flags, live = READ_ONCE(kmalloc_large_live);
	struct kmem_cache *s;
	struct slabinfo si;

	local_irq_save(flags);
	list_for_each_entry(s, &slab_caches, list) {
		slab_count(s, &si);
		live += si.active_objs;
	}
	local_irq_restore(flags);
	return live;
}

/*
 * The format of Linux's /proc/slabinfo, version 2.1.  The tunables and
 * shared columns are SLAB's (the allocator before SLUB) and read 0 here,
 * as they do with SLUB.  objsize is the slot size, metadata included.
 */
static int cmd_slabinfo(int argc, char **argv)
{
	struct kmem_cache *s;
	struct slabinfo si;
	unsigned long flags;

	printk("slabinfo - version: 2.1\n");
	printk("# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
	       " : tunables <limit> <batchcount> <sharedfactor>"
	       " : slabdata <active_slabs> <num_slabs> <sharedavail>\n");
	/* Interrupts off: no cache may come or go while the list is walked. */
	local_irq_save(flags);
	list_for_each_entry(s, &slab_caches, list) {
		slab_count(s, &si);
		printk("%-17s %6lu %6lu %6u %4u %4d : tunables %4u %4u %4u : slabdata %6lu %6lu %6lu\n",
		       s->name, si.active_objs, si.num_objs, s->size, si.objects_per_slab,
		       1 << si.cache_order, si.limit, si.batchcount, si.shared, si.active_slabs,
		       si.num_slabs, si.shared_avail);
	}
	local_irq_restore(flags);
	return 0;
}
MONITOR_CMD(slabinfo, "slab caches, as /proc/slabinfo", cmd_slabinfo);
