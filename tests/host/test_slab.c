/*
 * SPDX-License-Identifier: MIT
 * tests/host/test_slab.c - mm/slab*.c on the host, under ASan/UBSan,
 * on a fake page allocator, driven by long random sequences of allocations
 * and frees and checked against a reference model.
 *
 * The fake page allocator hands out 2^order-page blocks of a host arena
 * (shim/: PAGE_OFFSET is the arena, so __pa/virt_to_page work unchanged).
 * Its two halves are NUMA nodes 0 and 1; it can be told to fail, or to
 * serve only __GFP_MEMALLOC callers with pfmemalloc pages (the reserve).
 * Freed blocks must come back clean (no PG_slab/PG_head, no tail pointers)
 * and are filled with a pattern, so the slab allocator touching a page it
 * gave back shows.
 *
 * The model: every live object's bytes are owned in a byte map of the
 * arena (an overlap is two owners), filled with a pattern from its id
 * (checked when freed: contents preserved), aligned as its cache promises,
 * zeroed when asked.  Every so often slab_live_objects(), each cache's
 * active_objs and kmem_cache_validate() are compared with the model.  At
 * the end every page must be back in the fake allocator.
 *
 * One thread, no interrupts: the host's saved interrupt flags
 * (shim/arch/irqflags.h) say "on" as the guest's do, so GFP_KERNEL and
 * GFP_ATOMIC allocations both take the fast path, as in the guest.
 *
 *   make host-test          # from the top of the tree; HTEST_VERBOSE=1 shows the log
 */
#include "htest.h"
#include <mm/kmalloc_sizes.h>
#include "slab_internal.h" /* private to mm/: -iquote mm (Makefile) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "shim/host_kernel.h"

#define ARENA_PAGES 4096 /* 16 MiB of "RAM" */
#define NODE_PAGES  (ARENA_PAGES / 2)
#define MAX_LIVE    3000
#define NR_CACHES   6

/* ---- the fake page allocator ------------------------------------------------ */

struct page *mem_map;
unsigned long max_pfn;
int nr_online_nodes = 2;

static struct {
	u8 *arena;
	bool used[ARENA_PAGES];
	unsigned long nr_used;
	bool fail;	   /* every allocation fails */
	bool reserve_only; /* only __GFP_MEMALLOC succeeds, with pfmemalloc pages */
} fake;

/* numa_node_id() reads it (mm.h): the host's one CPU is on node 0. */
DEFINE_PER_CPU(int, numa_node);

/* The kernel derives a frame's node from its address (mm/numa.c): here, its half. */
int pfn_to_nid(unsigned long pfn)
{
	return (int)(pfn / NODE_PAGES);
}

/* First fit of an aligned 2^order block in [start, end); -1 if none. */
static long fake_find(unsigned long start, unsigned long end, unsigned int order)
{
	for (unsigned long pfn = start; pfn + (1UL << order) <= end; pfn += 1UL << order) {
		unsigned long i = 0;

		while (i < (1UL << order) && !fake.used[pfn + i])
			i++;
		if (i == (1UL << order))
			return pfn;
	}
	return -1;
}

struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order)
{
	bool reserve = false;
	struct page *page;
	long pfn;

	if (fake.fail || order >= MAX_ORDER)
		return NULL;
	if (fake.reserve_only) {
		if (!(gfp & __GFP_MEMALLOC) || (gfp & __GFP_NOMEMALLOC))
			return NULL;
		reserve = true;
	}
	if (nid == NUMA_NO_NODE)
		nid = numa_node_id();
	pfn = fake_find(nid * NODE_PAGES, (nid + 1) * NODE_PAGES, order);
	if (pfn < 0) /* that node is full: the other one, as the real allocator falls back */
		pfn = fake_find(!nid * NODE_PAGES, (!nid + 1) * NODE_PAGES, order);
	if (pfn < 0)
		return NULL;
	for (unsigned long i = 0; i < (1UL << order); i++)
		fake.used[pfn + i] = true;
	fake.nr_used += 1UL << order;
	page = pfn_to_page(pfn);
	page->order = order;
	page->pfmemalloc = reserve;
	page->_refcount = 1;
	if (gfp & __GFP_ZERO)
		memset(page_address(page), 0, PAGE_SIZE << order);
	return page;
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	return alloc_pages_node(NUMA_NO_NODE, gfp, order);
}

void __free_pages(struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page);

	if (pfn >= ARENA_PAGES || !fake.used[pfn] || page->order != order) {
		fprintf(stderr, "fake __free_pages: bad free of pfn %lu order %u\n", pfn, order);
		abort();
	}
	CHECK(!(page->flags & ((1UL << PG_slab) | (1UL << PG_head)))); /* the slab cleaned up */
	for (unsigned long i = 0; i < (1UL << order); i++) {
		CHECK(i == 0 || page[i].compound_head == 0);
		fake.used[pfn + i] = false;
	}
	fake.nr_used -= 1UL << order;
	page->pfmemalloc = false;
	memset(page_address(page), 0x5f, PAGE_SIZE << order); /* stale reads show */
}

/* ---- fault injection, as the test wants it ------------------------------------ */

struct fault_attr failslab;
static bool fail_next_slab;

bool should_failslab(struct kmem_cache *s, gfp_t gfp, unsigned long caller)
{
	bool fail = fail_next_slab;

	fail_next_slab = false;
	return fail;
}

void fault_inject_init(void)
{
}

/* ---- the model ------------------------------------------------------------------ */

struct live {
	u8 *p;
	size_t size;
	struct kmem_cache *cache; /* NULL: kmalloc */
	u32 id;
};

static struct {
	u16 *owner; /* per arena byte: live id + 1, or 0 */
	struct live live[MAX_LIVE];
	int nr_live;
	unsigned long per_cache[NR_CACHES];
	u32 next_id;
} m;

static u64 rng = 0x2545f4914f6cdd1dULL;

static u64 next_rand(void)
{
	return htest_rand(&rng);
}

static void setup(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	fake.arena = host_phys_init(ARENA_PAGES * PAGE_SIZE);
	mem_map = calloc(ARENA_PAGES, sizeof(struct page));
	max_pfn = ARENA_PAGES;
	for (unsigned long pfn = 0; pfn < ARENA_PAGES; pfn++)
		mem_map[pfn].node =
			pfn / NODE_PAGES; /* every frame knows its node, as in the kernel */
	m.owner = calloc(ARENA_PAGES * PAGE_SIZE, sizeof(u16));
	kmem_cache_init();
}

static u8 pattern(u32 id, size_t i)
{
	return (u8)(id * 131 + i * 7 + 1);
}

/* Record a new object: inside the arena, overlapping nothing live; fill it. */
static void model_add(u8 *p, size_t size, struct kmem_cache *cache, bool zeroed)
{
	size_t off = p - fake.arena;
	struct live *l = &m.live[m.nr_live++];

	CHECK(p >= fake.arena && off + size <= ARENA_PAGES * PAGE_SIZE);
	l->p = p;
	l->size = size;
	l->cache = cache;
	l->id = m.next_id++;
	for (size_t i = 0; i < size; i++) {
		if (m.owner[off + i]) {
			CHECK(!"overlap");
			break;
		}
		if (zeroed && p[i]) {
			CHECK(!"not zeroed");
			zeroed = false;
		}
		m.owner[off + i] = (u16)(m.nr_live);
		p[i] = pattern(l->id, i);
	}
}

/* Check a live object's contents, release its bytes, drop it from the model. */
static struct live model_take(int idx)
{
	struct live l = m.live[idx];
	size_t off = l.p - fake.arena;

	for (size_t i = 0; i < l.size; i++) {
		if (l.p[i] != pattern(l.id, i)) {
			CHECK(!"contents changed");
			break;
		}
	}
	memset(&m.owner[off], 0, l.size * sizeof(u16));
	m.live[idx] = m.live[--m.nr_live];
	return l;
}

/* Every count the allocator keeps agrees with the model; every object is intact. */
static void check_counters(struct kmem_cache **caches, unsigned long base_live)
{
	struct slabinfo si;

	CHECK(slab_live_objects() == base_live + m.nr_live);
	for (int c = 0; c < NR_CACHES; c++) {
		get_slabinfo(caches[c], &si);
		CHECK(si.active_objs == m.per_cache[c]);
		CHECK(si.num_objs == si.num_slabs * si.objects_per_slab);
		CHECK(kmem_cache_validate(caches[c]) == 0);
	}
}

static int cache_index(struct kmem_cache **caches, struct kmem_cache *s)
{
	for (int c = 0; c < NR_CACHES; c++)
		if (caches[c] == s)
			return c;
	return -1;
}

static void random_alloc(struct kmem_cache **caches)
{
	static const gfp_t gfps[] = { GFP_KERNEL, GFP_ATOMIC, GFP_ATOMIC | __GFP_ZERO, GFP_NOWAIT };
	gfp_t gfp = gfps[next_rand() % 4];
	int node = (int)(next_rand() % 3) - 1; /* NUMA_NO_NODE, 0 or 1 */
	struct kmem_cache *s = NULL;
	size_t size;
	u8 *p;

	if (next_rand() % 2) {
		s = caches[next_rand() % NR_CACHES];
		size = kmem_cache_size(s);
		p = kmem_cache_alloc_node(s, gfp, node);
		if (p)
			CHECK((unsigned long)p % s->align == 0);
	} else {
		size = next_rand() % 3 ? 1 + next_rand() % 512 : 1 + next_rand() % 20000;
		p = kmalloc_node(size, gfp, node);
		if (p)
			CHECK(ksize(p) == kmalloc_size_roundup(size));
		if (p && (size & (size - 1)) == 0)
			CHECK((unsigned long)p % size == 0 || size > PAGE_SIZE);
	}
	if (!p) {
		CHECK(!"allocation failed");
		return;
	}
	if (node != NUMA_NO_NODE)
		CHECK(page_to_nid(virt_to_page(p)) == node);
	model_add(p, size, s, gfp & __GFP_ZERO);
	if (s)
		m.per_cache[cache_index(caches, s)]++;
}

static void random_free(struct kmem_cache **caches)
{
	struct live l = model_take(next_rand() % m.nr_live);

	if (l.cache) {
		m.per_cache[cache_index(caches, l.cache)]--;
		kmem_cache_free(l.cache, l.p);
	} else {
		kfree(l.p);
	}
}

/* The random run, on caches created with @flags. */
static void random_run(slab_flags_t flags, int ops)
{
	static const unsigned int sizes[NR_CACHES] = { 1, 24, 100, 256, 1000, 5000 };
	static const unsigned int aligns[NR_CACHES] = { 0, 0, 64, 0, 512, 0 };
	unsigned long base_live, base_used;
	struct kmem_cache *caches[NR_CACHES];
	char name[32];

	setup();
	kmem_cache_shrink_all();
	base_used = fake.nr_used;
	base_live = slab_live_objects();
	for (int c = 0; c < NR_CACHES; c++) {
		snprintf(name, sizeof(name), "rand-%u", sizes[c]);
		caches[c] = kmem_cache_create(name, sizes[c], aligns[c],
					      flags | (c == 3 ? SLAB_HWCACHE_ALIGN : 0), NULL);
		CHECK(caches[c] != NULL);
	}
	for (int i = 0; i < ops; i++) {
		bool grow = m.nr_live == 0 || (m.nr_live < MAX_LIVE && next_rand() % 100 < 55);

		if (grow)
			random_alloc(caches);
		else
			random_free(caches);
		if (i % 5000 == 0)
			check_counters(caches, base_live + NR_CACHES);
	}
	check_counters(caches, base_live + NR_CACHES);
	while (m.nr_live)
		random_free(caches);
	for (int c = 0; c < NR_CACHES; c++)
		kmem_cache_destroy(caches[c]);
	kmem_cache_shrink_all();
	CHECK(slab_live_objects() == base_live);
	CHECK(fake.nr_used == base_used); /* every page back */
}

/* ---- the size classes ------------------------------------------------------------ */

/* mm/kmalloc_sizes.h's table as its comment (and Linux's) states it, in a form of its own. */
static const unsigned int documented_classes[] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
};

static unsigned int smallest_class_holding(size_t size)
{
	for (size_t i = 0; i < ARRAY_SIZE(documented_classes); i++)
		if (documented_classes[i] >= size)
			return documented_classes[i];
	return 0;
}

HTEST(kmalloc_sizes_go_to_the_smallest_class_that_holds_them)
{
	for (size_t size = 1; size <= KMALLOC_MAX_CACHE_SIZE; size++) {
		unsigned int index = kmalloc_index(size);

		CHECK(index >= 1 && index <= KMALLOC_SHIFT_HIGH);
		if (kmalloc_size(index) != smallest_class_holding(size) ||
		    kmalloc_size_roundup(size) != kmalloc_size(index)) {
			CHECK(!"size went to the wrong class");
			fprintf(stderr, "# size %zu: index %u, %u bytes\n", size, index,
				kmalloc_size(index));
			break;
		}
	}
	CHECK(kmalloc_size_roundup(0) == 0);
	CHECK(kmalloc_size_roundup(KMALLOC_MAX_CACHE_SIZE + 1) == 4 * PAGE_SIZE);
	CHECK(kmalloc_size_roundup(5 * PAGE_SIZE) == 8 * PAGE_SIZE);
	CHECK(kmalloc_size_roundup(KMALLOC_MAX_SIZE) == KMALLOC_MAX_SIZE);
}

/* The allocator's side of the table: each size lands in the cache named after its class. */
HTEST(kmalloc_serves_each_size_from_its_class_cache)
{
	char want[SLAB_NAME_LEN];

	setup();
	for (size_t size = 1; size <= KMALLOC_MAX_CACHE_SIZE; size++) {
		void *p = kmalloc(size, size % 2 ? GFP_KERNEL : GFP_DMA);
		struct kmem_cache *s = p ? slab_virt_to_head_page(p)->slab_cache : NULL;

		snprintf(want, sizeof(want), "%skmalloc-%u", size % 2 ? "" : "dma-",
			 smallest_class_holding(size));
		if (!s || strcmp(s->name, want) || ksize(p) != smallest_class_holding(size)) {
			CHECK(!"kmalloc used another cache");
			fprintf(stderr, "# size %zu: %s\n", size, s ? s->name : "(none)");
			kfree(p);
			break;
		}
		kfree(p);
	}
	kmem_cache_shrink_all();
}

HTEST(slab_random_ops_match_model)
{
	random_run(0, 200000);
}

HTEST(slab_random_ops_match_model_with_debugging)
{
	unsigned long errors = slab_debug_errors;

	random_run(SLAB_DEBUG_FLAGS, 60000);
	CHECK(slab_debug_errors == errors); /* no false alarms */
}

/* ---- one behaviour each ----------------------------------------------------------- */

static struct kmem_cache *debug_cache(const char *name, unsigned int size)
{
	setup();
	return kmem_cache_create(name, size, 0, SLAB_DEBUG_FLAGS, NULL);
}

static bool logged_addr(u64 mark, const char *fmt, const void *p)
{
	char text[128];

	snprintf(text, sizeof(text), fmt, (unsigned long)p);
	return log_contains(mark, text);
}

HTEST(slab_debug_catches_double_free)
{
	struct kmem_cache *s = debug_cache("h-dfree", 64);
	unsigned long errors = slab_debug_errors;
	void *p = kmem_cache_alloc(s, GFP_KERNEL);
	u64 mark;

	kmem_cache_free(s, p);
	mark = log_seq();
	kmem_cache_free(s, p);
	CHECK(log_contains(mark, "BUG h-dfree (Not tainted): Object already free"));
	CHECK(logged_addr(mark, "INFO: Object 0x%lx", p));
	CHECK(log_contains(mark, "INFO: Allocated in"));
	CHECK(log_contains(mark, "INFO: Freed in"));
	CHECK(slab_debug_errors == errors + 1);
	kmem_cache_destroy(s);
	kmem_cache_shrink_all();
}

HTEST(slab_debug_catches_bad_pointers)
{
	struct kmem_cache *s = debug_cache("h-bad", 64), *other = debug_cache("h-other", 64);
	unsigned long errors = slab_debug_errors;
	u8 *p = kmem_cache_alloc(s, GFP_KERNEL), *q = kmem_cache_alloc(other, GFP_KERNEL);
	void *heap = malloc(64);
	int on_stack;
	u64 mark = log_seq();

	kmem_cache_free(s, p + 8);
	CHECK(log_contains(mark, "Invalid object pointer"));
	kmem_cache_free(s, heap);
	kmem_cache_free(s, &on_stack);
	CHECK(log_contains(mark, "Attempt to free object outside of slab"));
	kmem_cache_free(s, q);
	CHECK(log_contains(mark, "Wrong slab cache"));
	kfree(heap);
	CHECK(log_contains(mark, "kfree of a pointer kmalloc did not return"));
	CHECK(slab_debug_errors == errors + 5);
	free(heap);
	kmem_cache_free(s, p);
	kmem_cache_free(other, q);
	kmem_cache_destroy(s);
	kmem_cache_destroy(other);
	kmem_cache_shrink_all();
}

HTEST(slab_debug_catches_write_after_free)
{
	struct kmem_cache *s = debug_cache("h-uaf", 48);
	unsigned long errors = slab_debug_errors;
	volatile u8 *p = kmem_cache_alloc(s, GFP_KERNEL);
	void *q;
	u64 mark;

	kmem_cache_free(s, (void *)p);
	p[5] = 1;
	mark = log_seq();
	q = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK(log_contains(mark, "BUG h-uaf (Not tainted): Poison overwritten"));
	CHECK(logged_addr(mark, "INFO: Object 0x%lx", (void *)p));
	CHECK(q && q != (void *)p);
	CHECK(slab_debug_errors == errors + 1);
	kmem_cache_free(s, q);
	CHECK(kmem_cache_validate(s) == 0);
	kmem_cache_destroy(s);
	kmem_cache_shrink_all();
}

HTEST(slab_debug_catches_write_past_end)
{
	struct kmem_cache *s = debug_cache("h-overrun", 30);
	unsigned long errors = slab_debug_errors;
	volatile u8 *p = kmem_cache_alloc(s, GFP_KERNEL);
	u64 mark = log_seq();

	p[30] = 0;
	kmem_cache_free(s, (void *)p);
	CHECK(log_contains(mark, "BUG h-overrun (Not tainted): Redzone overwritten"));
	CHECK(logged_addr(mark, "Object at 0x%lx not freed", (void *)p));
	CHECK(slab_debug_errors == errors + 1);
	kmem_cache_destroy(s); /* the quarantined object does not keep it alive */
	kmem_cache_shrink_all();
}

HTEST(slab_debug_catches_corrupt_freelist)
{
	struct kmem_cache *s;
	unsigned long errors;
	struct slabinfo si;
	void *objs[600], *next;
	unsigned int n;
	u64 mark;

	setup();
	s = kmem_cache_create("h-fp", 64, 0, SLAB_CONSISTENCY_CHECKS, NULL);
	errors = slab_debug_errors;
	objs[0] = kmem_cache_alloc(s, GFP_KERNEL);
	get_slabinfo(s, &si);
	n = si.objects_per_slab;
	CHECK(n <= 600);
	for (unsigned int i = 1; i < n; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, objs[3]);
	*(unsigned long *)objs[3] = 12345; /* the free pointer */
	mark = log_seq();
	next = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK(log_contains(mark, "BUG h-fp (Not tainted): Freepointer corrupt"));
	CHECK(next && next != objs[3]);
	CHECK(slab_debug_errors == errors + 1);
	for (unsigned int i = 0; i < n; i++)
		if (i != 3)
			kmem_cache_free(s, objs[i]);
	kmem_cache_free(s, next);
	kmem_cache_destroy(s);
	kmem_cache_shrink_all();
}

HTEST(slab_destroy_refuses_with_live_objects)
{
	struct kmem_cache *s;
	void *p;
	u64 mark;

	setup();
	s = kmem_cache_create("h-leak", 40, 0, SLAB_STORE_USER, NULL);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	mark = log_seq();
	kmem_cache_destroy(s);
	CHECK(log_contains(mark, "kmem_cache_destroy h-leak: Slab cache still has objects"));
	CHECK(logged_addr(mark, "INFO: Object 0x%lx", p));
	kmem_cache_free(s, p); /* the cache is still there */
	kmem_cache_destroy(s);
	kmem_cache_shrink_all();
}

/* Reserve slabs: objects only for reserve users; given back as soon as empty. */
HTEST(slab_pfmemalloc_objects_only_for_reserve_users)
{
	struct kmem_cache *s;
	unsigned long used;
	void *a, *b, *c;

	setup();
	s = kmem_cache_create("h-pfmem", 128, 0, 0, NULL);
	used = fake.nr_used;
	fake.reserve_only = true;
	a = kmem_cache_alloc(s, GFP_ATOMIC | __GFP_MEMALLOC);
	b = kmem_cache_alloc(s, GFP_ATOMIC);
	c = kmem_cache_alloc(s, GFP_ATOMIC | __GFP_MEMALLOC);
	fake.reserve_only = false;
	CHECK(a && !b && c);
	CHECK(a && page_is_pfmemalloc(virt_to_page(a)));
	b = kmem_cache_alloc(s, GFP_ATOMIC); /* memory is back: a fresh, ordinary slab */
	CHECK(b && !page_is_pfmemalloc(virt_to_page(b)));
	kmem_cache_free(s, a);
	kmem_cache_free(s, c);
	CHECK(fake.nr_used == used + 1); /* the reserve slab went back at once */
	kmem_cache_free(s, b);
	kmem_cache_destroy(s);
	kmem_cache_shrink_all();
}

HTEST(slab_failslab_hook_fails_allocation)
{
	struct kmem_cache *s;
	void *p;

	setup();
	s = kmem_cache_create("h-fail", 32, 0, 0, NULL);
	fail_next_slab = true;
	failslab.probability = 100; /* "armed", so the fast path asks */
	CHECK(kmem_cache_alloc(s, GFP_ATOMIC) == NULL);
	failslab.probability = 0;
	p = kmem_cache_alloc(s, GFP_ATOMIC);
	CHECK(p != NULL);
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
	kmem_cache_shrink_all();
}

HTEST(slab_page_allocator_failure_returns_null)
{
	setup();
	kmem_cache_shrink_all();
	fake.fail = true;
	CHECK(kmalloc(4000, GFP_KERNEL) == NULL);
	CHECK(kmalloc(40000, GFP_KERNEL) == NULL);
	fake.fail = false;
}

static unsigned int ctor_calls;

static void ctor(void *p)
{
	ctor_calls++;
	memset(p, 0xab, 16);
}

HTEST(slab_ctor_runs_once_per_object_per_slab)
{
	struct kmem_cache *s;
	struct slabinfo si;
	u8 *p;

	setup();
	s = kmem_cache_create("h-ctor", 16, 0, SLAB_DEBUG_FLAGS, ctor);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	get_slabinfo(s, &si);
	CHECK(ctor_calls == si.objects_per_slab);
	CHECK(p[0] == 0xab && p[15] == 0xab); /* no poison over constructed state */
	kmem_cache_free(s, p);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK(ctor_calls == si.objects_per_slab && p[7] == 0xab);
	kmem_cache_free(s, p);
	CHECK(kmem_cache_validate(s) == 0);
	kmem_cache_destroy(s);
	kmem_cache_shrink_all();
}

HTEST(slab_slub_debug_syntax)
{
	CHECK(slub_debug_parse("", "a") == SLAB_DEBUG_FLAGS);
	CHECK(slub_debug_parse("-", "a") == 0);
	CHECK(slub_debug_parse("ZP", "a") == (SLAB_RED_ZONE | SLAB_POISON));
	CHECK(slub_debug_parse("F,a,b", "b") == SLAB_CONSISTENCY_CHECKS);
	CHECK(slub_debug_parse("F,a,b", "c") == 0);
	CHECK(slub_debug_parse("U,kmalloc-*", "kmalloc-96") == SLAB_STORE_USER);
	CHECK(slub_debug_parse("U,kmalloc-*", "dma-kmalloc-96") == 0);
	CHECK(slub_debug_parse("P;Z,x", "x") == SLAB_RED_ZONE);
	CHECK(slub_debug_parse("P;Z,x", "y") == SLAB_POISON);
}

int main(void)
{
	static const struct htest tests[] = {
		HTEST_ENTRY(kmalloc_sizes_go_to_the_smallest_class_that_holds_them),
		HTEST_ENTRY(kmalloc_serves_each_size_from_its_class_cache),
		HTEST_ENTRY(slab_random_ops_match_model),
		HTEST_ENTRY(slab_random_ops_match_model_with_debugging),
		HTEST_ENTRY(slab_debug_catches_double_free),
		HTEST_ENTRY(slab_debug_catches_bad_pointers),
		HTEST_ENTRY(slab_debug_catches_write_after_free),
		HTEST_ENTRY(slab_debug_catches_write_past_end),
		HTEST_ENTRY(slab_debug_catches_corrupt_freelist),
		HTEST_ENTRY(slab_destroy_refuses_with_live_objects),
		HTEST_ENTRY(slab_pfmemalloc_objects_only_for_reserve_users),
		HTEST_ENTRY(slab_failslab_hook_fails_allocation),
		HTEST_ENTRY(slab_page_allocator_failure_returns_null),
		HTEST_ENTRY(slab_ctor_runs_once_per_object_per_slab),
		HTEST_ENTRY(slab_slub_debug_syntax),
	};

	return htest_main("test_slab", tests, HTEST_COUNT(tests));
}
