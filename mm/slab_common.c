/*
 * SPDX-License-Identifier: MIT
 * mm/slab_common.c - creating caches (the slot layout, the slab order),
 * kmalloc on top of them, the boot-time caches, and the counters
 * (slabinfo, slab_live_objects).
 *
 * kmalloc picks a cache by size, as Linux's kmalloc_caches table, with
 * kmalloc_index() from <mm/kmalloc_sizes.h> (the size classes are drawn
 * there; the host tests' fake slab uses the same table).  Above 8192 bytes
 * a kmalloc is a block of whole pages, marked PG_head (its tails point
 * back at it), so kfree() tells it from a slab object (PG_slab) by its
 * struct page.
 * GFP_DMA kmallocs come from a second set of caches, dma-kmalloc-*, whose
 * slabs are in ZONE_DMA.
 */
#include <kernel/boot_report.h>
#include <kernel/err.h>
#include <kernel/monitor.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <mm/kmalloc_sizes.h>
#include <errno.h>
#include <stdio.h>

#include "slab_internal.h"

LIST_HEAD(slab_caches);
DEFINE_SPINLOCK(slab_caches_lock);
struct kmem_cache kmem_cache_boot;
unsigned long kmalloc_large_live;

/* The kmalloc caches themselves: static, so that kmalloc needs no allocation to exist. */
static struct kmem_cache kmalloc_cache_store[NR_KMALLOC_TYPES][KMALLOC_SHIFT_HIGH + 1];

/* A table laid out by hand: clang-format 14 indents its rows unevenly. */
/* clang-format off */
#define KMALLOC_ROW(t)                                                                      \
	{ NULL, &kmalloc_cache_store[t][1], &kmalloc_cache_store[t][2],                      \
	  &kmalloc_cache_store[t][3], &kmalloc_cache_store[t][4], &kmalloc_cache_store[t][5], \
	  &kmalloc_cache_store[t][6], &kmalloc_cache_store[t][7], &kmalloc_cache_store[t][8], \
	  &kmalloc_cache_store[t][9], &kmalloc_cache_store[t][10],                            \
	  &kmalloc_cache_store[t][11], &kmalloc_cache_store[t][12],                           \
	  &kmalloc_cache_store[t][13] }
/* clang-format on */

struct kmem_cache *const kmalloc_caches[NR_KMALLOC_TYPES][KMALLOC_SHIFT_HIGH + 1] = {
	KMALLOC_ROW(KMALLOC_NORMAL),
	KMALLOC_ROW(KMALLOC_DMA),
};

/* ---- caches: layout and creation ------------------------------------------- */

/*
 * SLAB_HWCACHE_ALIGN: a cache line, but objects of at most half a line are
 * aligned to the smallest power of two that holds them, so several still
 * share a line (Linux's calculate_alignment).
 */
static unsigned int calculate_alignment(slab_flags_t flags, unsigned int align, unsigned int size)
{
	if (flags & SLAB_HWCACHE_ALIGN) {
		unsigned int ralign = 64;

		while (size <= ralign / 2)
			ralign /= 2;
		align = max(align, ralign);
	}
	align = max(align, (unsigned int)ARCH_KMALLOC_MINALIGN);
	return ALIGN_UP(align, sizeof(void *));
}

/*
 * The smallest order <= @max_order holding @min_objects slots with at most
 * 1/@fraction wasted, or -1.
 */
static int slab_order(unsigned int size, unsigned int min_objects, unsigned int max_order,
		      unsigned int fraction)
{
	for (unsigned int order = get_order((unsigned long)size * min_objects); order <= max_order;
	     order++) {
		unsigned long bytes = PAGE_SIZE << order;

		if (bytes % size <= bytes / fraction)
			return order;
	}
	return -1;
}

/*
 * Pick the slab order as SLUB does: enough objects per slab that the slow
 * path is rare, little waste, and no order above 3 unless one object needs it.
 */
static int calculate_order(unsigned int size)
{
	for (unsigned int min_objects = SLUB_MIN_OBJECTS; min_objects > 1; min_objects--)
		for (unsigned int fraction = 16; fraction >= 4; fraction /= 2) {
			int order = slab_order(size, min_objects, SLUB_MAX_ORDER, fraction);

			if (order >= 0)
				return order;
		}
	return slab_order(size, 1, MAX_ORDER - 1, 1);
}

/* Lay out a slot (see the drawing in slab_internal.h).  False if no slab can hold one. */
static bool calculate_sizes(struct kmem_cache *s)
{
	slab_flags_t flags = s->flags;
	unsigned int size = ALIGN_UP(s->object_size, sizeof(void *));
	int order;

	/* At least a word of right red zone: the padding up to a word, or one more. */
	if ((flags & SLAB_RED_ZONE) && size == s->object_size)
		size += sizeof(void *);
	s->inuse = size;

	/*
	 * The free pointer leaves the object when the object's bytes must
	 * survive being free (poison, constructed state), and when a tiny
	 * object's red zone would otherwise lie under it.
	 */
	if ((flags & SLAB_POISON) || s->ctor ||
	    ((flags & SLAB_RED_ZONE) && s->object_size < sizeof(void *))) {
		s->offset = size;
		size += sizeof(void *);
	} else {
		s->offset = 0;
	}
	if (flags & SLAB_STORE_USER)
		size += 2 * sizeof(struct track);
	if (flags & SLAB_RED_ZONE) {
		/* A word of padding: an overrun from the slot before hits it, not our metadata. */
		size += sizeof(void *);
		s->red_left_pad = ALIGN_UP((unsigned int)sizeof(void *), s->align);
		size += s->red_left_pad;
	}
	s->size = ALIGN_UP(size, s->align);
	order = calculate_order(s->size);
	if (order < 0)
		return false;
	s->order = order;
	s->objects = slab_bytes(s) / s->size;
	return s->objects >= 1 && s->objects <= SLAB_MAX_OBJECTS;
}

int kmem_cache_open(struct kmem_cache *s, const char *name, unsigned int size, unsigned int align,
		    slab_flags_t flags, void (*ctor)(void *))
{
	s->flags = kmem_cache_flags(name, flags);
	if ((s->flags & SLAB_POISON) && !ctor)
		s->flags |= __OBJECT_POISON;
	memcpy(s->name, name, strnlen(name, sizeof(s->name) - 1)); /* cut; @s is zeroed */
	s->object_size = size;
	s->ctor = ctor;
	s->align = calculate_alignment(s->flags, align, size);
	if (!calculate_sizes(s))
		return -EINVAL;
	/* Linux's rule: bigger objects keep more empty slabs around, within [5, 10]. */
	s->min_partial = min(MAX_PARTIAL, max(MIN_PARTIAL, (31 - __builtin_clz(s->size)) / 2));
	if (s->flags & SLAB_CACHE_DMA)
		s->allocflags = GFP_DMA;
	else if (s->flags & SLAB_CACHE_DMA32)
		s->allocflags = GFP_DMA32;
	for (int n = 0; n < MAX_NUMNODES; n++) {
		spin_lock_init(&s->node[n].list_lock);
		INIT_LIST_HEAD(&s->node[n].partial);
		INIT_LIST_HEAD(&s->node[n].full);
	}
	/* 3.10's alloc_kmem_cache_cpus: one kmem_cache_cpu per CPU, zeroed (no cpu slab). */
	s->cpu_slab = alloc_percpu(struct kmem_cache_cpu);
	return s->cpu_slab ? 0 : -ENOMEM;
}

unsigned int kmem_cache_size(struct kmem_cache *s)
{
	return s->object_size;
}

/* One try of kmem_cache_create: the cache, or NULL and *@err. */
static struct kmem_cache *kmem_cache_create_once(const char *name, unsigned int size,
						 unsigned int align, slab_flags_t flags,
						 void (*ctor)(void *), int *err)
{
	struct kmem_cache *s;

	*err = -EINVAL;
	if (!name || !size || size > KMALLOC_MAX_SIZE || (align & (align - 1)) ||
	    (flags & ~SLAB_CREATE_MASK))
		return NULL;
	*err = -ENOMEM;
	s = kmem_cache_zalloc(&kmem_cache_boot, GFP_KERNEL);
	if (!s)
		return NULL;
	*err = kmem_cache_open(s, name, size, align, flags, ctor);
	if (*err) {
		kmem_cache_free(&kmem_cache_boot, s);
		return NULL;
	}
	spin_lock(&slab_caches_lock);
	list_add(&s->list, &slab_caches);
	spin_unlock(&slab_caches_lock);
	return s;
}

/*
 * A SLAB_PANIC cache is one the kernel cannot run without: out of memory,
 * it is tried again (kernel/boot_report.h, boot_essential_retried) before
 * the panic.
 */
/* 3.10 merges compatible caches (__kmem_cache_alias); we never do: docs/linux-3.10.md */
struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     slab_flags_t flags, void (*ctor)(void *))
{
	unsigned int tries = 0;
	struct kmem_cache *s;
	char what[48];
	int err;

	might_sleep();
	do
		s = kmem_cache_create_once(name, size, align, flags, ctor, &err);
	while (!s && err == -ENOMEM && (flags & SLAB_PANIC) && ++tries < BOOT_ESSENTIAL_TRIES);
	if (tries) {
		snprintf(what, sizeof(what), "slab: cache '%s'", name);
		boot_essential_retried(what, -ENOMEM, tries + !!s, s != NULL);
	}
	if (!s && (flags & SLAB_PANIC))
		panic("kmem_cache_create: failed to create slab '%s'. Error %d", name ? name : "?",
		      err);
	return s;
}

/* ---- boot ------------------------------------------------------------------- */

static void create_boot_cache(struct kmem_cache *s, const char *name, unsigned int size,
			      unsigned int align, slab_flags_t flags)
{
	if (kmem_cache_open(s, name, size, align, flags, NULL))
		panic("kmem_cache_init: cannot create cache %s", name);
	spin_lock(&slab_caches_lock);
	list_add(&s->list, &slab_caches);
	spin_unlock(&slab_caches_lock);
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

			snprintf(name, sizeof(name), "%skmalloc-%u",
				 type == KMALLOC_DMA ? "dma-" : "", size);
			/* kmalloc's promise: a power-of-two size is aligned to itself. */
			create_boot_cache(kmalloc_caches[type][i], name, size,
					  max((unsigned int)ARCH_KMALLOC_MINALIGN, size & -size),
					  SLAB_KMALLOC |
						  (type == KMALLOC_DMA ? SLAB_CACHE_DMA : 0));
		}
}

/* ---- kmalloc ------------------------------------------------------------------ */

void *kmalloc_large_node(size_t size, gfp_t gfp, int node)
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
	page = alloc_pages_node(node, gfp, order); /* __GFP_ZERO zeroes whole pages there */
	if (!page)
		return NULL;
	prep_compound(page, order);
	__atomic_add_fetch(&kmalloc_large_live, 1, __ATOMIC_RELAXED);
	return page_address(page);
}

void free_large_kmalloc(struct page *page, const void *x, unsigned long addr)
{
	unsigned int order;

	if (unlikely(!page || !PageHead(page) || x != page_address(page))) {
		slab_report_bad_free(NULL, NULL, x, addr,
				     "kfree of a pointer kmalloc did not return");
		return;
	}
	order = page->order;
	clear_compound(page, order);
	__atomic_sub_fetch(&kmalloc_large_live, 1, __ATOMIC_RELAXED);
	__free_pages(page, order);
}

/* Everything but an object in the first page of a slab: NULL, tail pages, large kmallocs. */
static noinline size_t ksize_slowpath(const void *x)
{
	struct page *page;

	if (unlikely(ZERO_OR_NULL_PTR(x)))
		return 0;
	page = slab_virt_to_head_page(x);
	if (page && PageSlab(page))
		return page->slab_cache->object_size;
	if (page && PageHead(page))
		return PAGE_SIZE << page->order;
	WARN_ON_ONCE(1); /* not from kmalloc */
	return 0;
}

size_t ksize(const void *x)
{
	/*
	 * The common case in a few instructions, as kfree's: @x in the direct
	 * map, on a page that starts a slab (NULL and ZERO_SIZE_PTR fall
	 * outside the direct map).
	 */
	unsigned long pfn = ((unsigned long)x - PAGE_OFFSET) >> PAGE_SHIFT;

	if (likely(pfn < max_pfn && PageSlab(pfn_to_page(pfn))))
		return pfn_to_page(pfn)->slab_cache->object_size;
	return ksize_slowpath(x);
}

/* ---- counters ------------------------------------------------------------------- */

unsigned long slab_stat(struct kmem_cache *s, enum stat_item si)
{
	unsigned long sum = 0;
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(s->cpu_slab, cpu)->stat[si]);
	return sum;
}

/* Objects on a freelist that the fast path maintains, so is trusted. */
static unsigned long freelist_length(const struct kmem_cache *s, void *object)
{
	unsigned long nr = 0;

	for (; object; object = get_freepointer(s, object))
		nr++;
	return nr;
}

/* What each CPU counts of its own cpu slabs, in an IPI (or here). */
struct cpu_slab_count {
	struct kmem_cache *s;	     /* the cache, or NULL: every cache (slab_caches_lock held) */
	unsigned long free[NR_CPUS]; /* free objects of that CPU's cpu slab(s) */
	unsigned long empty;	     /* cpu slabs with every object free (atomic adds) */
};

/* This CPU's cpu slab of @s: its free objects (cpu freelist and remote frees).  Irqs off. */
static unsigned long cpu_slab_free(struct kmem_cache *s, bool *empty)
{
	struct kmem_cache_cpu *c = this_cpu_ptr(s->cpu_slab);
	struct kmem_cache_node *n;
	unsigned long nr;

	*empty = false;
	if (!c->page)
		return 0;
	n = &s->node[slab_nid(c->page)];
	spin_lock(&n->list_lock);
	nr = freelist_length(s, c->freelist) + c->page->objects - c->page->inuse;
	spin_unlock(&n->list_lock);
	*empty = nr == c->page->objects;
	return nr;
}

static void count_cpu_slabs(void *arg)
{
	struct cpu_slab_count *cc = arg;
	unsigned int cpu = smp_processor_id();
	struct kmem_cache *s;
	bool empty;

	if (cc->s) {
		cc->free[cpu] = cpu_slab_free(cc->s, &empty);
		if (empty)
			__atomic_add_fetch(&cc->empty, 1, __ATOMIC_RELAXED);
		return;
	}
	list_for_each_entry(s, &slab_caches, list)
		cc->free[cpu] += cpu_slab_free(s, &empty);
}

/*
 * Each CPU counts its own cpu slab(s) of @cc->s: by IPI with interrupts
 * on; with them off only this CPU can, and the others' cpu slabs stay
 * uncounted (as 3.10's slabinfo, they look full).
 */
static void count_all_cpu_slabs(struct cpu_slab_count *cc)
{
	unsigned long flags;

	if (irqs_disabled()) {
		local_irq_save(flags);
		count_cpu_slabs(cc);
		local_irq_restore(flags);
		return;
	}
	on_each_cpu(count_cpu_slabs, cc, 1);
}

/* The node lists' part of @si (objects, slabs, free objects and empty slabs on partials). */
static void count_nodes(struct kmem_cache *s, struct slabinfo *si, unsigned long *nr_free,
			unsigned long *nr_empty)
{
	for (int nid = 0; nid < MAX_NUMNODES; nid++) {
		struct kmem_cache_node *n = &s->node[nid];
		unsigned long flags;
		struct page *page;

		spin_lock_irqsave(&n->list_lock, flags);
		si->num_objs += n->total_objects;
		si->num_slabs += n->nr_slabs;
		list_for_each_entry(page, &n->partial, lru) {
			*nr_free += page->objects - page->inuse;
			*nr_empty += !page->inuse;
		}
		spin_unlock_irqrestore(&n->list_lock, flags);
	}
}

/* 3.10's slabinfo counts cpu slabs as full; we count each by its CPU: docs/linux-3.10.md */
void slab_count_cpus(struct kmem_cache *s, struct slabinfo *si, unsigned long *per_cpu_free)
{
	struct cpu_slab_count cc = { .s = s };
	unsigned long nr_free = 0, nr_empty = 0;
	unsigned int cpu;

	memset(si, 0, sizeof(*si));
	count_all_cpu_slabs(&cc);
	count_nodes(s, si, &nr_free, &nr_empty);
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		nr_free += cc.free[cpu];
	nr_empty += cc.empty;
	if (per_cpu_free)
		memcpy(per_cpu_free, cc.free, sizeof(cc.free));
	si->active_objs = si->num_objs - nr_free - READ_ONCE(s->nr_quarantined);
	si->active_slabs = si->num_slabs - nr_empty;
	si->objects_per_slab = s->objects;
	si->cache_order = s->order;
}

void get_slabinfo(struct kmem_cache *s, struct slabinfo *sinfo)
{
	slab_count(s, sinfo);
}

unsigned long slab_live_objects(void)
{
	struct cpu_slab_count cc = { .s = NULL }; /* every cache: one IPI round for all */
	unsigned long live = 0, cpu_free = 0;
	struct kmem_cache *s;

	spin_lock(&slab_caches_lock);
	count_all_cpu_slabs(&cc);
	list_for_each_entry(s, &slab_caches, list) {
		struct slabinfo si = { 0 };
		unsigned long nr_free = 0, nr_empty = 0;

		count_nodes(s, &si, &nr_free, &nr_empty);
		live += si.num_objs - nr_free - READ_ONCE(s->nr_quarantined);
	}
	spin_unlock(&slab_caches_lock);
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		cpu_free += cc.free[cpu];
	return live - cpu_free + READ_ONCE(kmalloc_large_live);
}

bool kmem_cache_name_exists(const char *name)
{
	struct kmem_cache *s;
	bool found = false;

	spin_lock(&slab_caches_lock);
	list_for_each_entry(s, &slab_caches, list) {
		if (!strcmp(s->name, name)) {
			found = true;
			break;
		}
	}
	spin_unlock(&slab_caches_lock);
	return found;
}

/*
 * `slabinfo cpu`: each CPU's share, in the "N C0=n0 C1=n1" format of
 * 3.10's /sys/kernel/slab/<cache>/ files: here the free objects of each
 * CPU's cpu slab (objects only that CPU's fast path can hand out).
 */
static void show_cpu_slabs(struct kmem_cache *s)
{
	unsigned long free[NR_CPUS], total = 0;
	struct slabinfo si;
	char line[160];
	unsigned int cpu;
	int len;

	slab_count_cpus(s, &si, free);
	for_each_online_cpu(cpu)
		total += free[cpu];
	len = snprintf(line, sizeof(line), "%-17s %6lu", s->name, total);
	for_each_online_cpu(cpu)
		if (free[cpu] && len < (int)sizeof(line))
			len += snprintf(line + len, sizeof(line) - len, " C%u=%lu", cpu, free[cpu]);
	printk("%s\n", line);
}

/*
 * The format of Linux's /proc/slabinfo, version 2.1.  The tunables and
 * shared columns are SLAB's (the allocator before SLUB) and read 0 here,
 * as they do with SLUB.  objsize is the slot size, metadata included.
 * active_objs is exact: each CPU counts the free objects of its own cpu
 * slab (an IPI round per cache), where 3.10 counts cpu slabs as full.
 */
static int cmd_slabinfo(int argc, char **argv)
{
	bool per_cpu = argc > 1 && !strcmp(argv[1], "cpu");
	struct kmem_cache *s;
	struct slabinfo si;

	if (argc > 1 && !per_cpu) { /* monitor_bad_arg()'s line, without linking the monitor in */
		printk("%s: '%s' is not 'cpu'\n", argv[0], argv[1]);
		return -EINVAL;
	}

	if (per_cpu)
		printk("# name            <cpu slab free objects> C<cpu>=<on that CPU's>\n");
	else
		printk("slabinfo - version: 2.1\n"
		       "# name            <active_objs> <num_objs> <objsize> <objperslab> "
		       "<pagesperslab> : tunables <limit> <batchcount> <sharedfactor>"
		       " : slabdata <active_slabs> <num_slabs> <sharedavail>\n");
	/* No cache may come or go while the list is walked (interrupts stay on: IPIs). */
	spin_lock(&slab_caches_lock);
	list_for_each_entry(s, &slab_caches, list) {
		if (per_cpu) {
			show_cpu_slabs(s);
			continue;
		}
		slab_count(s, &si);
		printk("%-17s %6lu %6lu %6u %4u %4d : tunables %4u %4u %4u "
		       ": slabdata %6lu %6lu %6lu\n",
		       s->name, si.active_objs, si.num_objs, s->size, si.objects_per_slab,
		       1 << si.cache_order, si.limit, si.batchcount, si.shared, si.active_slabs,
		       si.num_slabs, si.shared_avail);
	}
	spin_unlock(&slab_caches_lock);
	return 0;
}
MONITOR_CMD(slabinfo, "slabinfo [cpu]", "slab caches, as /proc/slabinfo; cpu: each CPU's cpu slab",
	    cmd_slabinfo);

/* The node lists' counters only: no cpu slab needs counting for pages. */
unsigned long slab_nr_pages(void)
{
	struct kmem_cache *s;
	unsigned long pages = 0;

	spin_lock(&slab_caches_lock);
	list_for_each_entry(s, &slab_caches, list) {
		struct slabinfo si = { 0 };
		unsigned long nr_free = 0, nr_empty = 0;

		count_nodes(s, &si, &nr_free, &nr_empty);
		pages += si.num_slabs << s->order;
	}
	spin_unlock(&slab_caches_lock);
	return pages;
}
