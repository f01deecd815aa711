/*
 * SPDX-License-Identifier: MIT
 * tests/host/shim/host_slab.c - a fake slab allocator for host tests of code
 * that only uses the slab API (skb, bio, the network stack): every object is
 * its own malloc, so AddressSanitizer sees each one separately.  (The real
 * allocator, mm/slab*.c, has its own host test, test_slab.)
 *
 * What a test can look at and steer (host_slab.h):
 *   host_slab_live        objects handed out and not freed
 *   host_slab_fail_nth    fail the nth allocation from now (0: off)
 *   host_slab_fail_all    fail every allocation
 *   host_slab_pressure    fail unless the caller may use the reserve
 *                         (__GFP_MEMALLOC without __GFP_NOMEMALLOC)
 *   host_slab_bad_destroys  caches destroyed with objects still out
 * New objects hold garbage (0x5a) unless __GFP_ZERO, as a reused object
 * would; kmalloc rounds up to the kernel's own size classes
 * (<mm/kmalloc_sizes.h>), so ksize() and every figure computed from it
 * (an skb's truesize and tailroom) are the guest's.
 */
#include <malloc.h>
#include <mm/kmalloc_sizes.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include <stdlib.h>
#include <string.h>

#include "host_slab.h"

struct kmem_cache {
	unsigned int size;
	long live;
};

unsigned long host_slab_live;
unsigned long host_slab_fail_nth;
bool host_slab_fail_all;
bool host_slab_pressure;
unsigned long host_slab_bad_destroys;

static bool should_fail(gfp_t gfp)
{
	if (host_slab_fail_all || (host_slab_fail_nth && --host_slab_fail_nth == 0))
		return true;
	return host_slab_pressure && (!(gfp & __GFP_MEMALLOC) || (gfp & __GFP_NOMEMALLOC));
}

static void *fake_alloc(size_t size, gfp_t gfp)
{
	void *p;

	if (should_fail(gfp))
		return NULL;
	p = malloc(size ? size : 1);
	if (!p)
		abort();
	memset(p, (gfp & __GFP_ZERO) ? 0 : 0x5a, size);
	host_slab_live++;
	return p;
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     slab_flags_t flags, void (*ctor)(void *))
{
	struct kmem_cache *s = calloc(1, sizeof(*s));

	s->size = size;
	return s;
}

void kmem_cache_destroy(struct kmem_cache *s)
{
	if (!s)
		return;
	if (s->live)
		host_slab_bad_destroys++;
	free(s);
}

unsigned int kmem_cache_size(struct kmem_cache *s)
{
	return s->size;
}

/* What kmem_cache_alloc and kmem_cache_alloc_node (inline in <mm/slab.h>) call. */
void *__kmem_cache_alloc_node(struct kmem_cache *s, gfp_t gfp, int node)
{
	void *p = fake_alloc(s->size, gfp);

	if (p)
		s->live++;
	return p;
}

void *__kmem_cache_alloc_node_nozero(struct kmem_cache *s, gfp_t gfp, int node)
{
	return __kmem_cache_alloc_node(s, gfp & ~__GFP_ZERO, node);
}

void *__kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	return __kmem_cache_alloc_node(s, gfp, NUMA_NO_NODE);
}

void *__kmem_cache_alloc_nozero(struct kmem_cache *s, gfp_t gfp)
{
	return __kmem_cache_alloc_node(s, gfp & ~__GFP_ZERO, NUMA_NO_NODE);
}

void kmem_cache_free(struct kmem_cache *s, void *obj)
{
	if (!obj)
		return;
	s->live--;
	host_slab_live--;
	free(obj);
}

/* kmalloc's caches, one fake per size class, for callers that pick theirs with kmalloc_slab. */
static struct kmem_cache fake_kmalloc[NR_KMALLOC_TYPES][KMALLOC_SHIFT_HIGH + 1];

/* A table laid out by hand: clang-format 14 indents its rows unevenly. */
/* clang-format off */
#define FAKE_KMALLOC_ROW(t)                                                                 \
	{ NULL, &fake_kmalloc[t][1], &fake_kmalloc[t][2], &fake_kmalloc[t][3],              \
	  &fake_kmalloc[t][4], &fake_kmalloc[t][5], &fake_kmalloc[t][6], &fake_kmalloc[t][7], \
	  &fake_kmalloc[t][8], &fake_kmalloc[t][9], &fake_kmalloc[t][10],                    \
	  &fake_kmalloc[t][11], &fake_kmalloc[t][12], &fake_kmalloc[t][13] }
/* clang-format on */

struct kmem_cache *const kmalloc_caches[NR_KMALLOC_TYPES][KMALLOC_SHIFT_HIGH + 1] = {
	FAKE_KMALLOC_ROW(KMALLOC_NORMAL),
	FAKE_KMALLOC_ROW(KMALLOC_DMA),
};

/* Their object sizes, the kernel's (kmalloc_size), before any test runs. */
__attribute__((constructor)) static void fake_kmalloc_init(void)
{
	for (int t = 0; t < NR_KMALLOC_TYPES; t++)
		for (unsigned int i = 1; i <= KMALLOC_SHIFT_HIGH; i++)
			fake_kmalloc[t][i].size = kmalloc_size(i);
}

/* The kernel's size classes (mm/kmalloc_sizes.h): ksize() says what the guest's would. */
void *kmalloc_node(size_t size, gfp_t gfp, int node)
{
	if (size > KMALLOC_MAX_SIZE)
		return NULL; /* as the real kmalloc, which also warns */
	return fake_alloc(kmalloc_size_roundup(size), gfp);
}

void *kmalloc(size_t size, gfp_t gfp)
{
	return kmalloc_node(size, gfp, NUMA_NO_NODE);
}

void kfree(const void *p)
{
	if (!p)
		return;
	host_slab_live--;
	free((void *)p);
}

size_t ksize(const void *p)
{
	return malloc_usable_size((void *)p);
}
