/*
 * mm/slab.h - small objects: kmalloc and friends.
 *
 * kmalloc(size, gfp) returns at least @size bytes aligned to 8 (or NULL);
 * kfree(p) gives them back; kfree(NULL) does nothing.  kzalloc zeroes.
 *
 * XXX: until the slab allocator exists (the memory issue), every kmalloc is
 * served by whole pages from the page allocator, with the size remembered in
 * the struct page.  The contract above stays when slab arrives.
 */
#ifndef MM_SLAB_H
#define MM_SLAB_H

#include <mm/gfp.h>
#include <kernel/types.h>

void *kmalloc(size_t size, gfp_t gfp);
void *kzalloc(size_t size, gfp_t gfp);
void *kcalloc(size_t n, size_t size, gfp_t gfp);
void kfree(const void *p);
/* The usable size of a kmalloc'ed object. */
size_t ksize(const void *p);

/* Objects handed out and not yet freed: a resource counter for the tests. */
extern unsigned long kmalloc_live_objects;

#endif
