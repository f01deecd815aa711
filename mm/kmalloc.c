/*
 * mm/kmalloc.c - kmalloc on whole pages, until the slab allocator arrives.
 *
 * XXX: every object takes at least one page.  Correct and simple; the slab
 * allocator (the memory issue) replaces this file behind mm/slab.h.
 */
#include <mm/mm.h>
#include <mm/slab.h>
#include <kernel/panic.h>
#include <string.h>

unsigned long kmalloc_live_objects;

void *kmalloc(size_t size, gfp_t gfp)
{
	struct page *p;

	if (!size)
		return NULL;
	p = alloc_pages(gfp, get_order(size));
	if (!p)
		return NULL;
	p->private = (void *)size;
	__atomic_add_fetch(&kmalloc_live_objects, 1, __ATOMIC_RELAXED);
	return page_address(p);
}

void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}

void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	if (size && n > (size_t)-1 / size)
		return NULL;
	return kzalloc(n * size, gfp);
}

size_t ksize(const void *obj)
{
	return PAGE_SIZE << virt_to_page(obj)->order;
}

void kfree(const void *obj)
{
	struct page *p;

	if (!obj)
		return;
	p = virt_to_page(obj);
	BUG_ON(((unsigned long)obj & ~PAGE_MASK) || !p->private);	/* not from kmalloc */
	p->private = NULL;
	__atomic_sub_fetch(&kmalloc_live_objects, 1, __ATOMIC_RELAXED);
	__free_pages(p, p->order);
}
