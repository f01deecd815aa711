/*
 * SPDX-License-Identifier: MIT
 * tests/host/virtio_host_mm.c - the page allocator and kmalloc that
 * drivers/virtio/virtio_ring.c sees on the host: blocks of a "physical" arena
 * (shim/host_kernel.c's host_phys_init, so __pa/__va work), each free page
 * poisoned for AddressSanitizer, each kmalloc'ed object exactly its size
 * (the rest of its page poisoned).  So an access one element past an
 * array, or into a freed ring or indirect table - by the driver or by the
 * simulated device - is an ASan report.  Allocations can be made to fail.
 */
#include "virtio_host_mm.h"

#include <mm/mm.h>
#include <mm/slab.h>
#include <sanitizer/asan_interface.h>
#include <stdlib.h>
#include <string.h>
#include "shim/host_kernel.h"

struct page *mem_map;
unsigned long max_pfn;

static struct {
	unsigned char *used; /* per frame: 1 if allocated */
	unsigned long live_pages;
	unsigned long live_kmallocs;
	int fail_pages;		 /* fail the next N page allocations (-1: all) */
	int fail_atomic_kmalloc; /* fail the next N kmallocs without __GFP_WAIT */
} mm;

void host_mm_init(size_t bytes)
{
	void *arena = host_phys_init(bytes);

	max_pfn = bytes >> PAGE_SHIFT;
	mem_map = calloc(max_pfn, sizeof(struct page));
	mm.used = calloc(max_pfn, 1);
	mm.used[0] = 1; /* physical 0 is never handed out, as in the kernel */
	ASAN_POISON_MEMORY_REGION(arena, bytes);
}

/* First fit of 2^order aligned frames. */
static struct page *arena_alloc(gfp_t gfp, unsigned int order)
{
	unsigned long n = 1UL << order;

	for (unsigned long pfn = n; pfn + n <= max_pfn; pfn += n) {
		unsigned long k = 0;

		while (k < n && !mm.used[pfn + k])
			k++;
		if (k < n)
			continue;
		memset(mm.used + pfn, 1, n);
		mm.live_pages += n;
		mem_map[pfn].order = order;
		ASAN_UNPOISON_MEMORY_REGION(__va(pfn << PAGE_SHIFT), n << PAGE_SHIFT);
		/* Not zeroed unless asked: the ring must not rely on luck. */
		memset(__va(pfn << PAGE_SHIFT), gfp & __GFP_ZERO ? 0 : 0xa5, n << PAGE_SHIFT);
		return &mem_map[pfn];
	}
	return NULL;
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	if (mm.fail_pages) {
		if (mm.fail_pages > 0)
			mm.fail_pages--;
		return NULL;
	}
	return arena_alloc(gfp, order);
}

void __free_pages(struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page), n = 1UL << order;

	if (!page)
		return;
	if (page->order != order)
		abort(); /* freed with the wrong order */
	for (unsigned long k = 0; k < n; k++) {
		if (!mm.used[pfn + k])
			abort(); /* double free */
		mm.used[pfn + k] = 0;
	}
	mm.live_pages -= n;
	ASAN_POISON_MEMORY_REGION(__va(pfn << PAGE_SHIFT), n << PAGE_SHIFT);
}

void *kmalloc(size_t size, gfp_t gfp)
{
	size_t rounded = ALIGN_UP(size ? size : 1, 8);
	struct page *page;
	void *p;

	if (!(gfp & __GFP_WAIT) && mm.fail_atomic_kmalloc) {
		mm.fail_atomic_kmalloc--;
		return NULL;
	}
	/* Not alloc_pages: page failures are for the ring; kmalloc fails as told above. */
	page = arena_alloc(gfp, get_order(rounded));
	if (!page)
		return NULL;
	p = page_address(page);
	page->private = (void *)(unsigned long)rounded;
	/* ASan granules are 8 bytes: everything after the (rounded) object is off limits. */
	ASAN_POISON_MEMORY_REGION((char *)p + rounded, (PAGE_SIZE << page->order) - rounded);
	mm.live_kmallocs++;
	return p;
}

void kfree(const void *p)
{
	struct page *page;

	if (!p)
		return;
	page = virt_to_page(p);
	if ((unsigned long)p & ~PAGE_MASK)
		abort(); /* not something kmalloc returned */
	ASAN_UNPOISON_MEMORY_REGION((void *)p, PAGE_SIZE << page->order);
	mm.live_kmallocs--;
	__free_pages(page, page->order);
}

bool host_mm_dma_ok(u64 pa, u64 len)
{
	if (!len || pa + len > (u64)max_pfn << PAGE_SHIFT || pa + len < pa)
		return false;
	for (u64 pfn = pa >> PAGE_SHIFT; pfn <= (pa + len - 1) >> PAGE_SHIFT; pfn++)
		if (!mm.used[pfn])
			return false;
	return true;
}

unsigned long host_mm_live_pages(void)
{
	return mm.live_pages;
}

unsigned long host_mm_live_kmallocs(void)
{
	return mm.live_kmallocs;
}

void host_mm_fail_pages(int n)
{
	mm.fail_pages = n;
}

void host_mm_fail_atomic_kmalloc(int n)
{
	mm.fail_atomic_kmalloc = n;
}
