/*
 * SPDX-License-Identifier: MIT
 * tests/mm/test_mm_smp.c - memory management on several CPUs: alloc_percpu,
 * the slab and page allocators hammered from every online CPU at once,
 * objects and pages freed on another CPU than the one that allocated them,
 * drain_all_pages and slab flushing by IPI, TLB shootdown, and the views
 * that sum or show per-CPU figures.
 *
 * Work is done by threads bound to each online CPU (ktest_thread_start_on);
 * the test thread only starts them and checks.  Under -smp 1 every case
 * still runs on CPU 0 alone, except those that need a second CPU (they
 * skip: "one CPU online"); the runner's smp4-mm and smp4-all boots have four.
 */
#include <kernel/irqflags.h>
#include <kernel/ktest.h>
#include <kernel/monitor.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <mm/mempool.h>
#include <mm/mmzone.h>
#include <mm/paging.h>
#include <mm/percpu.h>
#include <mm/slab.h>
#include <mm/slub_def.h>
#include <errno.h>
#include <stdio.h>

#include "slab_suites.h"

#define STRESS_ROUNDS 1500 /* per thread: batches of slab objects, or page blocks */
#define STRESS_BATCH  16
#define MBOX_SLOTS    64 /* objects waiting for another CPU to free them */

/* Start @fn(@arg) on every online CPU, wait for all; returns how many did not return 0. */
static int run_on_each_cpu(struct ktest *t, int (*fn)(void *), void *args, size_t arg_size)
{
	struct task_struct *k[NR_CPUS] = { NULL };
	unsigned int cpu;
	int bad = 0;

	for_each_online_cpu(cpu) {
		k[cpu] = ktest_thread_start_on(fn, (char *)args + cpu * arg_size, "mm-smp", cpu);
		EXPECT_NOT_NULL(t, k[cpu]);
	}
	for_each_online_cpu(cpu)
		if (k[cpu] && ktest_thread_finish(k[cpu], 60000) != 0)
			bad++;
	return bad;
}

/* Pages as the harness counts them: free (every CPU's lists), page tables, slabs. */
static unsigned long pages_now(void)
{
	kmem_cache_shrink_all(); /* flushes every CPU's cpu slabs, then gives empty slabs back */
	return nr_free_pages() + pgtable_pages + slab_nr_pages();
}

/* Skip unless another CPU than the one running the test is online. */
static unsigned int other_cpu(struct ktest *t)
{
	unsigned int cpu;

	for_each_online_cpu(cpu)
		if (cpu != 0)
			return cpu;
	ktest_skip(t, "one CPU online (boot with -smp 2 or more)");
}

/* ---- alloc_percpu ----------------------------------------------------------------- */

struct pcpu_arg {
	u64 *p; /* alloc_percpu(u64[4]) */
	unsigned int cpu;
};

/* On its CPU: this_cpu_ptr() must be per_cpu_ptr(, this CPU); write the CPU's mark there. */
static int pcpu_mark_own_copy(void *arg)
{
	struct pcpu_arg *a = arg;
	unsigned int cpu = get_cpu();
	u64 *mine = this_cpu_ptr(a->p);

	put_cpu();
	if (cpu != a->cpu || mine != per_cpu_ptr(a->p, cpu))
		return -EINVAL;
	for (int i = 0; i < 4; i++)
		mine[i] = 0xc0de0000 + cpu * 16 + i;
	return 0;
}

TEST_CASE(mm_smp_test_alloc_percpu_gives_each_cpu_a_distinct_zeroed_copy)
{
	struct pcpu_arg args[NR_CPUS];
	unsigned long used = pcpu_dynamic_used();
	unsigned int cpu, other;
	u64 *p = (u64 *)__alloc_percpu(4 * sizeof(u64), 32);

	ASSERT_NOT_NULL(t, p);
	EXPECT_EQ(t, pcpu_dynamic_used(), used + 32);
	EXPECT_EQ(t, (unsigned long)per_cpu_ptr(p, 0) % 32, 0); /* the alignment asked for */
	for_each_online_cpu(cpu) {
		for (int i = 0; i < 4; i++)
			EXPECT_EQ(t, per_cpu_ptr(p, cpu)[i], 0); /* zeroed everywhere */
		for_each_online_cpu(other)
			if (other < cpu)
				EXPECT_NE(t, (unsigned long)per_cpu_ptr(p, cpu),
					  (unsigned long)per_cpu_ptr(p, other));
		args[cpu] = (struct pcpu_arg){ .p = p, .cpu = cpu };
	}
	EXPECT_EQ(t, run_on_each_cpu(t, pcpu_mark_own_copy, args, sizeof(args[0])), 0);
	for_each_online_cpu(cpu) /* each CPU wrote its own copy, and only it */
		for (int i = 0; i < 4; i++)
			EXPECT_EQ(t, per_cpu_ptr(p, cpu)[i], 0xc0de0000 + cpu * 16 + i);
	free_percpu(p);
	EXPECT_EQ(t, pcpu_dynamic_used(), used);
	/* The same space again: zeroed again, though every copy held marks. */
	p = (u64 *)__alloc_percpu(4 * sizeof(u64), 32);
	ASSERT_NOT_NULL(t, p);
	for_each_online_cpu(cpu)
		for (int i = 0; i < 4; i++)
			EXPECT_EQ(t, per_cpu_ptr(p, cpu)[i], 0);
	free_percpu(p);
}

TEST_CASE(mm_smp_test_alloc_percpu_fails_cleanly_when_the_area_is_full)
{
	unsigned long used = pcpu_dynamic_used();
	void *big = __alloc_percpu(PERCPU_DYNAMIC_SIZE - used, 8);
	void *more;

	ASSERT_NOT_NULL(t, big); /* all that is left, in one piece (first fit from a clean end) */
	more = __alloc_percpu(8, 8);
	EXPECT_NULL(t, more);
	free_percpu(more);
	free_percpu(big);
	EXPECT_EQ(t, pcpu_dynamic_used(), used);
}

/* ---- slab and page stress from every CPU ------------------------------------------ */

/* An object (or a page block) in the mailbox, with what the freer checks it against. */
struct mbox_item {
	void *obj;
	unsigned int seed;  /* its contents: ktest_fill(obj, , seed) */
	unsigned int order; /* pages: the block's order */
	unsigned int cpu;   /* the CPU that allocated it */
};

/* Objects handed from one CPU to another, to be freed there. */
struct mbox {
	spinlock_t lock;
	struct mbox_item item[MBOX_SLOTS];
	int n;
};

struct stress_arg {
	struct kmem_cache *s;
	struct mbox *mbox;
	unsigned int cpu;
	unsigned long swaps;	    /* objects this thread took out of the mailbox and freed */
	unsigned long remote_frees; /* ... of them allocated on another CPU */
};

/*
 * Leave @it for another CPU; true if @it now holds one left by someone
 * else (to free here), false if the mailbox took @it without giving one.
 * The one given back may be the caller's own: the mailbox does not know.
 */
static bool mbox_swap(struct mbox *m, struct mbox_item *it)
{
	struct mbox_item mine = *it;
	unsigned long flags;
	bool got = false;

	spin_lock_irqsave(&m->lock, flags);
	if (m->n == MBOX_SLOTS) {
		*it = m->item[0];
		m->item[0] = mine;
		got = true;
	} else {
		m->item[m->n++] = mine;
	}
	spin_unlock_irqrestore(&m->lock, flags);
	return got;
}

/* Count a free of @it by @a's thread: a remote one if another CPU allocated it. */
static void count_swap(struct stress_arg *a, const struct mbox_item *it)
{
	a->swaps++;
	if (it->cpu != a->cpu)
		a->remote_frees++;
}

static int slab_stress(void *arg)
{
	struct stress_arg *a = arg;
	unsigned int size = kmem_cache_size(a->s);
	void *objs[STRESS_BATCH];

	for (unsigned int r = 0; r < STRESS_ROUNDS; r++) {
		for (int i = 0; i < STRESS_BATCH; i++) {
			objs[i] = kmem_cache_alloc(a->s, GFP_KERNEL);
			if (!objs[i])
				return -ENOMEM;
			ktest_fill(objs[i], size, a->cpu * 100000 + r * 32 + i);
		}
		for (int i = 0; i < STRESS_BATCH; i++) {
			unsigned int seed = a->cpu * 100000 + r * 32 + i;
			struct mbox_item it = { .obj = objs[i], .seed = seed, .cpu = a->cpu };

			if (!ktest_holds(objs[i], size, seed))
				return -EIO; /* someone else was handed the same object */
			if (i) {
				kmem_cache_free(a->s, objs[i]);
				continue;
			}
			/* One per batch goes to another CPU; we free one of theirs. */
			if (!mbox_swap(a->mbox, &it))
				continue;
			if (!ktest_holds(it.obj, size, it.seed))
				return -EIO;
			kmem_cache_free(a->s, it.obj);
			count_swap(a, &it);
		}
	}
	return 0;
}

/* Free what is left in @m (objects of @s, or page blocks when @s is NULL). */
static void mbox_empty(struct ktest *t, struct mbox *m, struct kmem_cache *s)
{
	while (m->n) {
		struct mbox_item *it = &m->item[--m->n];

		if (s) {
			EXPECT_TRUE(t, ktest_holds(it->obj, kmem_cache_size(s), it->seed));
			kmem_cache_free(s, it->obj);
		} else {
			__free_pages(it->obj, it->order);
		}
	}
}

TEST_CASE(mm_smp_test_slab_stress_from_every_cpu_at_once_leaks_nothing)
{
	static struct stress_arg args[NR_CPUS];
	struct kmem_cache *s = kmem_cache_create("mm_smp_stress", 72, 0, 0, NULL);
	struct mbox m = { .n = 0 };
	unsigned long errors = slab_debug_errors, remote = 0, swaps = 0;
	unsigned int cpu;

	ASSERT_NOT_NULL(t, s);
	spin_lock_init(&m.lock);
	for_each_online_cpu(cpu)
		args[cpu] = (struct stress_arg){ .s = s, .mbox = &m, .cpu = cpu };
	EXPECT_EQ(t, run_on_each_cpu(t, slab_stress, args, sizeof(args[0])), 0);
	for_each_online_cpu(cpu) {
		swaps += args[cpu].swaps;
		remote += args[cpu].remote_frees;
	}
	EXPECT_EQ(t, slab_test_active_objs(s), m.n); /* exact: only the mailbox's are out */
	mbox_empty(t, &m, s);
	EXPECT_EQ(t, slab_test_active_objs(s), 0);
	EXPECT_GT(t, swaps, 0);
	/* Frees of objects another CPU allocated happened (one CPU: none can). */
	if (num_online_cpus() > 1)
		EXPECT_GT(t, remote, 0);
	else
		EXPECT_EQ(t, remote, 0);
	kmem_cache_destroy(s); /* no "still has objects" report */
	EXPECT_EQ(t, slab_debug_errors, errors);
}

static int page_stress(void *arg)
{
	struct stress_arg *a = arg;

	for (unsigned int r = 0; r < STRESS_ROUNDS / 2; r++) {
		unsigned int order = r % 4 == 3 ? 2 : 0, seed = a->cpu * 100000 + r;
		struct page *p = alloc_pages(GFP_KERNEL, order);
		struct mbox_item it = { .obj = p, .seed = seed, .order = order, .cpu = a->cpu };

		if (!p)
			return -ENOMEM;
		ktest_fill(page_address(p), PAGE_SIZE << order, seed);
		if (!ktest_holds(page_address(p), PAGE_SIZE << order, seed))
			return -EIO;
		if (r % 2) {
			__free_pages(p, order);
			continue;
		}
		if (!mbox_swap(a->mbox, &it))
			continue;
		if (!ktest_holds(page_address(it.obj), PAGE_SIZE << it.order, it.seed))
			return -EIO; /* a page handed out twice */
		__free_pages(it.obj, it.order);
		count_swap(a, &it);
	}
	return 0;
}

TEST_CASE(mm_smp_test_page_stress_from_every_cpu_at_once_leaks_nothing)
{
	static struct stress_arg args[NR_CPUS];
	unsigned long before = pages_now();
	struct mbox m = { .n = 0 };
	unsigned long remote = 0;
	unsigned int cpu;

	spin_lock_init(&m.lock);
	for_each_online_cpu(cpu)
		args[cpu] = (struct stress_arg){ .mbox = &m, .cpu = cpu };
	EXPECT_EQ(t, run_on_each_cpu(t, page_stress, args, sizeof(args[0])), 0);
	for_each_online_cpu(cpu)
		remote += args[cpu].remote_frees;
	if (num_online_cpus() > 1)
		EXPECT_GT(t, remote, 0); /* blocks freed on another CPU than their allocator's */
	mbox_empty(t, &m, NULL);
	/* Every page back, some on other CPUs' per-CPU lists: the sum counts them. */
	EXPECT_EQ(t, pages_now(), before);
}

/* ---- cross-CPU free ------------------------------------------------------------------ */

struct batch {
	struct kmem_cache *s;
	void *obj[256];
	int n;
	struct page *page;
};

static int free_batch(void *arg)
{
	struct batch *b = arg;

	for (int i = 0; i < b->n; i++)
		kmem_cache_free(b->s, b->obj[i]);
	if (b->page)
		__free_page(b->page);
	return 0;
}

static int alloc_batch(void *arg)
{
	struct batch *b = arg;

	for (int i = 0; i < b->n; i++)
		if (!(b->obj[i] = kmem_cache_alloc(b->s, GFP_KERNEL)))
			return -ENOMEM;
	return 0;
}

static int run_on(int (*fn)(void *), void *arg, unsigned int cpu)
{
	struct task_struct *k = ktest_thread_start_on(fn, arg, "mm-smp", cpu);

	return k ? ktest_thread_finish(k, 10000) : -ENOMEM;
}

/* Allocated on CPU 0, freed on another: back on their slab, reused by CPU 0. */
TEST_CASE(mm_smp_test_slab_object_allocated_on_one_cpu_is_freed_on_another)
{
	unsigned int cpu = other_cpu(t); /* first: a skip must leave no cache behind */
	struct kmem_cache *s = kmem_cache_create("mm_smp_xfree", 128, 0, 0, NULL);
	struct batch b = { .s = s, .n = 40 }; /* more than a slab: some full, one the cpu slab */
	unsigned long errors = slab_debug_errors;

	ASSERT_NOT_NULL(t, s);
	ASSERT_EQ(t, run_on(alloc_batch, &b, 0), 0);
	EXPECT_EQ(t, slab_test_active_objs(s), 40);
	ASSERT_EQ(t, run_on(free_batch, &b, cpu), 0);
	EXPECT_EQ(t, slab_test_active_objs(s),
		  0); /* counted back, though CPU 0's cpu slab got some */
	/* CPU 0 allocates again: it finds the objects CPU `cpu` freed into its cpu slab. */
	ASSERT_EQ(t, run_on(alloc_batch, &b, 0), 0);
	EXPECT_EQ(t, slab_test_active_objs(s), 40);
	ASSERT_EQ(t, run_on(free_batch, &b, cpu), 0);
	kmem_cache_destroy(s);
	EXPECT_EQ(t, slab_debug_errors, errors); /* no double free, no leak reported */
}

/* kmem_cache_destroy flushes every CPU's cpu slab by IPI: nothing is reported leaked. */
TEST_CASE(mm_smp_test_destroy_after_objects_were_freed_on_other_cpus)
{
	unsigned int cpu = other_cpu(t);
	struct kmem_cache *s = kmem_cache_create("mm_smp_destroy", 200, 0, 0, NULL);
	unsigned long errors = slab_debug_errors;
	struct batch b = { .s = s, .n = 64 };
	u64 mark = log_seq();

	ASSERT_NOT_NULL(t, s);
	ASSERT_EQ(t, run_on(alloc_batch, &b, 0), 0);
	/* Each other CPU frees a share and takes a cpu slab of its own (alloc + free). */
	for_each_online_cpu(cpu) {
		struct batch share = { .s = s, .n = 0 };

		if (cpu == 0)
			continue;
		while (b.n && share.n < 64 / (int)num_online_cpus() + 1)
			share.obj[share.n++] = b.obj[--b.n];
		EXPECT_EQ(t, run_on(free_batch, &share, cpu), 0);
		share.n = 3;
		EXPECT_EQ(t, run_on(alloc_batch, &share, cpu), 0);
		EXPECT_EQ(t, run_on(free_batch, &share, cpu), 0);
	}
	EXPECT_EQ(t, run_on(free_batch, &b, 0), 0);
	kmem_cache_destroy(s);
	EXPECT_EQ(t, slab_debug_errors, errors);
	EXPECT_FALSE(t, log_contains(mark, "still has objects"));
}

/* The zone an order-0 GFP_KERNEL page comes from (the one the per-CPU lists are checked in). */
static struct zone *kernel_zone(void)
{
	struct page *p = alloc_page(GFP_KERNEL);
	struct zone *z = page_zone(p);

	__free_page(p);
	return z;
}

struct pcp_free {
	struct page *page;
	struct zone *zone;
	int before, after; /* this CPU's list of the zone around the free */
};

/* Free @page here, watching this CPU's list (preemption off: we stay on it). */
static int free_watching_pcp(void *arg)
{
	struct pcp_free *f = arg;
	unsigned int cpu = get_cpu();

	drain_local_pages(NULL); /* an empty list: the free cannot overflow it */
	f->before = zone_pcp_count(f->zone, cpu);
	__free_page(f->page);
	f->after = zone_pcp_count(f->zone, cpu);
	put_cpu();
	return 0;
}

TEST_CASE(mm_smp_test_page_allocated_on_one_cpu_is_freed_to_the_freeing_cpus_list)
{
	unsigned int cpu = other_cpu(t);
	struct pcp_free f = { .zone = kernel_zone() };
	unsigned long before = pages_now();

	f.page = alloc_page(GFP_KERNEL); /* here, on CPU 0's list or its buddy lists */
	ASSERT_NOT_NULL(t, f.page);
	ASSERT_EQ(t, page_zone(f.page), f.zone);
	ASSERT_EQ(t, run_on(free_watching_pcp, &f, cpu), 0);
	EXPECT_EQ(t, f.before, 0);
	EXPECT_EQ(t, f.after, 1);	   /* the freeing CPU's list, not the allocating one's */
	EXPECT_EQ(t, pages_now(), before); /* counted as free there */
}

/* ---- drain_all_pages and flushing by IPI ------------------------------------------------ */

static int fill_pcp(void *arg)
{
	struct page *p[8];

	for (int i = 0; i < 8; i++)
		if (!(p[i] = alloc_page(GFP_KERNEL)))
			return -ENOMEM;
	for (int i = 0; i < 8; i++)
		__free_page(p[i]);
	return 0;
}

TEST_CASE(mm_smp_test_drain_all_pages_empties_every_cpus_list)
{
	struct zone *z = kernel_zone();
	unsigned long pages = pages_now();
	int args[NR_CPUS];
	unsigned int cpu;

	EXPECT_EQ(t, run_on_each_cpu(t, fill_pcp, args, sizeof(args[0])), 0);
	for_each_online_cpu(cpu)
		EXPECT_GT(t, zone_pcp_count(z, cpu), 0);
	drain_all_pages();
	for_each_online_cpu(cpu)
		EXPECT_EQ(t, zone_pcp_count(z, cpu), 0);
	EXPECT_EQ(t, zone_free_pages(z), READ_ONCE(z->free_pages)); /* all in the buddy lists */
	EXPECT_EQ(t, pages_now(), pages);
}

static int alloc_one_keep(void *arg)
{
	struct batch *b = arg;

	b->obj[0] = kmem_cache_alloc(b->s, GFP_KERNEL);
	return b->obj[0] ? 0 : -ENOMEM;
}

/* kmem_cache_shrink gives back even another CPU's cpu slab (3.10's flush_all by IPI). */
TEST_CASE(mm_smp_test_shrink_flushes_the_cpu_slab_of_every_cpu)
{
	unsigned int cpu = other_cpu(t);
	struct kmem_cache *s = kmem_cache_create("mm_smp_shrink", 256, 0, 0, NULL);
	struct batch b = { .s = s, .n = 1 };
	struct slabinfo si;

	ASSERT_NOT_NULL(t, s);
	ASSERT_EQ(t, run_on(alloc_one_keep, &b, cpu), 0);
	ASSERT_EQ(t, run_on(free_batch, &b, cpu), 0); /* its cpu slab now holds no object */
	get_slabinfo(s, &si);
	EXPECT_EQ(t, si.num_slabs, 1);
	EXPECT_EQ(t, si.active_objs, 0);
	kmem_cache_shrink(s);
	get_slabinfo(s, &si);
	EXPECT_EQ(t, si.num_slabs, 0); /* CPU `cpu` deactivated it on our IPI; it was given back */
	kmem_cache_destroy(s);
}

/* ---- TLB shootdown -------------------------------------------------------------------- */

struct tlb_victim {
	volatile u32 *va;
	volatile int phase; /* 1: the victim has read; 2: the mapping is gone */
	u32 seen;
};

/* Read the mapping (its translation now in this CPU's TLB), wait, read again: must fault. */
static int tlb_victim(void *arg)
{
	struct tlb_victim *v = arg;

	v->seen = *v->va;
	WRITE_ONCE(v->phase, 1);
	while (READ_ONCE(v->phase) != 2)
		cpu_relax();
	v->seen = *v->va; /* the fault kills us here */
	return 0;
}

static int tlb_unmapper(void *arg)
{
	struct tlb_victim *v = arg;

	while (READ_ONCE(v->phase) != 1)
		cpu_relax();
	iounmap(v->va); /* clears the entry, flushes here and on the victim's CPU */
	WRITE_ONCE(v->phase, 2);
	return 0;
}

TEST_CASE(mm_smp_test_mapping_torn_down_on_one_cpu_faults_on_another)
{
	unsigned int cpu = other_cpu(t);
	struct page *p = alloc_page(GFP_KERNEL);
	struct tlb_victim v = { .phase = 0 };
	struct task_struct *victim, *unmapper;
	u64 mark = log_seq();

	ASSERT_NOT_NULL(t, p);
	*(u32 *)page_address(p) = 0x5eed5eed;
	v.va = ioremap(page_to_phys(p), PAGE_SIZE);
	ASSERT_NOT_NULL(t, v.va);
	victim = ktest_thread_start_on(tlb_victim, &v, "tlb-victim", cpu);
	unmapper = ktest_thread_start_on(tlb_unmapper, &v, "tlb-unmap", 0);
	ASSERT_NOT_NULL(t, victim);
	ASSERT_NOT_NULL(t, unmapper);
	EXPECT_EQ(t, ktest_thread_finish(unmapper, 5000), 0);
	EXPECT_EQ(t, ktest_thread_finish(victim, 5000), -EFAULT); /* killed by the page fault */
	EXPECT_EQ(t, v.seen, 0x5eed5eed);			  /* the first read went through */
	EXPECT_TRUE(t, ktest_logged(mark, "BUG: unable to handle page fault for address: 0x%016lx",
				    (unsigned long)v.va));
	__free_page(p);
}

static int exit_at_once(void *arg)
{
	return 0;
}

/* A stack freed by the scheduler (interrupts off) waits for one flush on every CPU. */
TEST_CASE(mm_smp_test_dead_threads_stack_is_flushed_lazily_before_reuse)
{
	unsigned int cpu = other_cpu(t);

	vmap_purge_lazy();
	EXPECT_EQ(t, vmap_lazy_slots(), 0);
	EXPECT_EQ(t, run_on(exit_at_once, NULL, cpu), 0);
	msleep(20); /* the exiting thread's stack is freed once it has switched away */
	EXPECT_GE(t, vmap_lazy_slots(), 1);
	vmap_purge_lazy(); /* flushed on every CPU: the slot can be handed out */
	EXPECT_EQ(t, vmap_lazy_slots(), 0);
}

/* Another thread's stack, read from CPU `cpu` while alive, then purged: must fault. */
struct stack_reader {
	volatile int phase; /* 1: the owner published its stack; 2: read once; 3: the owner may
			       exit; 4: purged, read again */
	volatile u32 *va;   /* the owner's stack bottom */
	u32 seen;
};

static int stack_owner(void *arg)
{
	struct stack_reader *r = arg;

	r->va = (volatile u32 *)current->stack_bottom;
	WRITE_ONCE(r->phase, 1);
	while (READ_ONCE(r->phase) != 3)
		msleep(1);
	return 0; /* our stack is freed once we have switched away: lazily */
}

/* Read the owner's stack (its translation now in this CPU's TLB), wait, read again. */
static int stack_reader(void *arg)
{
	struct stack_reader *r = arg;

	r->seen = *r->va;
	WRITE_ONCE(r->phase, 2);
	while (READ_ONCE(r->phase) != 4)
		cpu_relax(); /* no other address spaces, nothing evicts the entry */
	r->seen = *r->va;    /* the fault kills us here, if the purge flushed our TLB */
	return 0;
}

/*
 * The dead thread's stack slot is lazy: its pages are gone, but CPU `cpu`
 * still translates it.  vmap_purge_lazy() must flush that CPU's TLB too,
 * before the slot can be handed out: the second read faults.
 */
TEST_CASE(mm_smp_test_dead_threads_stack_faults_on_another_cpu_after_the_purge)
{
	unsigned int cpu = other_cpu(t);
	struct stack_reader r = { .phase = 0 };
	struct task_struct *owner, *reader;
	u64 mark = log_seq();

	owner = ktest_thread_start_on(stack_owner, &r, "stack-owner", 0);
	ASSERT_NOT_NULL(t, owner);
	while (READ_ONCE(r.phase) != 1)
		msleep(1);
	reader = ktest_thread_start_on(stack_reader, &r, "stack-reader", cpu);
	ASSERT_NOT_NULL(t, reader);
	while (READ_ONCE(r.phase) != 2)
		msleep(1);
	WRITE_ONCE(r.phase, 3);
	EXPECT_EQ(t, ktest_thread_finish(owner, 5000), 0);
	msleep(20); /* the owner has switched away: its stack unmapped here, lazy elsewhere */
	EXPECT_GE(t, vmap_lazy_slots(), 1);
	vmap_purge_lazy();
	WRITE_ONCE(r.phase, 4);
	EXPECT_EQ(t, ktest_thread_finish(reader, 5000), -EFAULT); /* killed by the page fault */
	EXPECT_TRUE(t, ktest_logged(mark, "BUG: unable to handle page fault for address: 0x%016lx",
				    (unsigned long)r.va));
}

struct purger {
	volatile int *go;	 /* set once every purger runs */
	volatile int *released;	 /* set once the test has looked */
	volatile int *purged;	 /* how many have returned from the purge */
	unsigned int started_on; /* the CPU it ran on (bound) */
};

static int purge_at_once(void *arg)
{
	struct purger *p = arg;

	while (!READ_ONCE(*p->go))
		cpu_relax();
	vmap_purge_lazy();
	__atomic_add_fetch(p->purged, 1, __ATOMIC_RELEASE);
	while (!READ_ONCE(*p->released))
		msleep(1); /* alive until the count is read: our own stack is not freed yet */
	return 0;
}

/* Start a purger on every online CPU, let them all purge at once; returns how many run. */
static int purge_everywhere(struct ktest *t, struct task_struct **k, struct purger *p,
			    volatile int *go)
{
	unsigned int cpu;
	int n = 0;

	for_each_online_cpu(cpu) {
		k[cpu] = ktest_thread_start_on(purge_at_once, &p[cpu], "purger", cpu);
		EXPECT_NOT_NULL(t, k[cpu]);
		n += k[cpu] != NULL;
	}
	WRITE_ONCE(*go, 1);
	return n;
}

/*
 * Every CPU purges at once, several rounds, each after a few threads died:
 * the purges take the lazy slots, so none is counted off twice (the count
 * would wrap) and none is freed by a purge that did not flush it.
 */
TEST_CASE(mm_smp_test_purges_on_every_cpu_at_once_keep_the_lazy_count_exact)
{
	unsigned int cpu = other_cpu(t);

	for (int round = 0; round < 8; round++) {
		struct task_struct *k[NR_CPUS] = { NULL };
		volatile int go = 0, released = 0, purged = 0;
		struct purger p[NR_CPUS];
		unsigned int c;
		int n;

		for (int i = 0; i < 4; i++)
			EXPECT_EQ(t, run_on(exit_at_once, NULL, cpu), 0);
		msleep(20); /* their stacks (and the last round's purgers') are lazy now */
		EXPECT_GE(t, vmap_lazy_slots(), 4);
		for_each_online_cpu(c)
			p[c] = (struct purger){ &go, &released, &purged, c };
		n = purge_everywhere(t, k, p, &go);
		while (__atomic_load_n(&purged, __ATOMIC_ACQUIRE) != n)
			msleep(1);
		/* Exact: nothing died since the purges began; a wrapped count is ~2^64. */
		EXPECT_EQ(t, vmap_lazy_slots(), 0);
		WRITE_ONCE(released, 1);
		for_each_online_cpu(c)
			if (k[c])
				EXPECT_EQ(t, ktest_thread_finish(k[c], 5000), 0);
	}
	msleep(20);
	vmap_purge_lazy();
	EXPECT_EQ(t, vmap_lazy_slots(), 0);
}

/* Replacing a present entry with interrupts off cannot reach the other TLBs: a warning. */
TEST_CASE(mm_smp_test_map_page_replacing_an_entry_with_interrupts_off_warns)
{
	unsigned long va = VMAP_START + (1UL << 39) + 16 * PAGE_SIZE; /* test_paging.c's area */
	unsigned long warned = warn_count, flags;
	u64 mark = log_seq();
	struct page *a, *b;
	int err;

	other_cpu(t); /* first: a skip must leave no page behind */
	a = alloc_page(GFP_KERNEL);
	ASSERT_NOT_NULL(t, a);
	b = alloc_page(GFP_KERNEL);
	if (!b)
		__free_page(a);
	ASSERT_NOT_NULL(t, b);
	ASSERT_EQ(t, map_page(va, page_to_phys(a), PAGE_KERNEL, GFP_KERNEL), 0);
	EXPECT_EQ(t, warn_count, warned); /* a new entry: nothing to flush anywhere */
	local_irq_save(flags);
	err = map_page(va, page_to_phys(b), PAGE_KERNEL, GFP_ATOMIC);
	local_irq_restore(flags);
	EXPECT_EQ(t, err, 0);
	EXPECT_EQ(t, lookup_pte(va, NULL) & PTE_ADDR_MASK, page_to_phys(b)); /* replaced */
	EXPECT_EQ(t, warn_count, warned + 1);
	EXPECT_TRUE(t, log_contains(mark, "mm/paging.c"));
	unmap_page(va);
	__free_page(a);
	__free_page(b);
}

/* ---- mempool across CPUs ------------------------------------------------------------- */

static bool pool_alloc_fails;

/* kmalloc(32), until the test says the memory is gone: then only the reserve serves. */
static void *maybe_alloc(gfp_t gfp, void *data)
{
	return READ_ONCE(pool_alloc_fails) ? NULL : kmalloc(32, gfp);
}

static void free_kmalloc(void *element, void *data)
{
	kfree(element);
}

struct pool_waiter {
	mempool_t *pool;
	void *got;
};

static int pool_wait(void *arg)
{
	struct pool_waiter *w = arg;

	w->got = mempool_alloc(w->pool, GFP_KERNEL); /* sleeps: the reserve is empty */
	return w->got ? 0 : -ENOMEM;
}

TEST_CASE(mm_smp_test_mempool_waiter_on_another_cpu_is_woken_by_a_free)
{
	unsigned int cpu = other_cpu(t);
	mempool_t *pool;
	struct pool_waiter w;
	struct task_struct *k;
	void *e;

	WRITE_ONCE(pool_alloc_fails, false);
	pool = mempool_create(1, maybe_alloc, free_kmalloc, NULL);
	ASSERT_NOT_NULL(t, pool);
	w = (struct pool_waiter){ .pool = pool };
	WRITE_ONCE(pool_alloc_fails, true);
	e = mempool_alloc(pool, GFP_KERNEL); /* the only element: the reserve's */
	ASSERT_NOT_NULL(t, e);
	mempool_mark_in_flight(pool, e); /* given away: the waiter's sleep is no deadlock */
	k = ktest_thread_start_on(pool_wait, &w, "pool-wait", cpu);
	ASSERT_NOT_NULL(t, k);
	msleep(50);	       /* let it sleep in mempool_alloc */
	mempool_free(e, pool); /* here, on CPU 0: wakes the waiter on its CPU */
	EXPECT_EQ(t, ktest_thread_finish(k, 5000), 0);
	EXPECT_EQ(t, (unsigned long)w.got, (unsigned long)e);
	mempool_free(w.got, pool);
	mempool_destroy(pool);
	WRITE_ONCE(pool_alloc_fails, false);
}

/*
 * Every CPU allocates and frees from one pool at once, never sleeping, while its allocator
 * fails every third call, so the reserve serves and refills all the time; one element a
 * round is handed to the next CPU, which frees it (an atomic exchange is the hand-over).
 * Without CONFIG_DEBUG_MEMPOOL most of this runs without the pool's lock (3.10's fast
 * paths): whatever the order, every element must come back, the reserve first, and the
 * reserve be full at the end.
 */
#define POOL_STRESS_ROUNDS 2000
#define POOL_STRESS_HELD   3

static unsigned int flaky_calls; /* counted once the pool is made */
static bool flaky;
static void *pool_handoff[NR_CPUS]; /* an element CPU c left for the next CPU to free */

static void *flaky_alloc(gfp_t gfp, void *data)
{
	if (READ_ONCE(flaky) && __atomic_add_fetch(&flaky_calls, 1, __ATOMIC_RELAXED) % 3 == 0)
		return NULL;
	return kmalloc(32, gfp);
}

struct pool_stress {
	mempool_t *pool;
	unsigned int cpu, next;
	unsigned long got; /* allocations that succeeded */
};

static int pool_stress(void *arg)
{
	struct pool_stress *a = arg;
	void *e[POOL_STRESS_HELD];

	for (int r = 0; r < POOL_STRESS_ROUNDS; r++) {
		for (int i = 0; i < POOL_STRESS_HELD; i++) {
			e[i] = mempool_alloc(a->pool, GFP_ATOMIC); /* NULL when all is gone */
			a->got += e[i] != NULL;
		}
		/* e[0] to the next CPU; free what ours left that nobody took, and what we take. */
		mempool_free(__atomic_exchange_n(&pool_handoff[a->cpu], e[0], __ATOMIC_ACQ_REL),
			     a->pool);
		mempool_free(__atomic_exchange_n(&pool_handoff[a->next], NULL, __ATOMIC_ACQ_REL),
			     a->pool);
		for (int i = 1; i < POOL_STRESS_HELD; i++)
			mempool_free(e[i], a->pool);
	}
	return 0;
}

TEST_CASE(mm_smp_test_mempool_from_every_cpu_at_once_gets_every_element_back)
{
	static struct pool_stress a[NR_CPUS];
	unsigned long got = 0;
	unsigned int cpu;
	mempool_t *pool;
	u64 mark;

	WRITE_ONCE(flaky, false);
	pool = mempool_create(4, flaky_alloc, free_kmalloc, NULL);
	ASSERT_NOT_NULL(t, pool);
	WRITE_ONCE(flaky, true);
	for_each_online_cpu(cpu) {
		a[cpu] = (struct pool_stress){ .pool = pool,
					       .cpu = cpu,
					       .next = (cpu + 1) % num_online_cpus() };
		pool_handoff[cpu] = NULL;
	}
	EXPECT_EQ(t, run_on_each_cpu(t, pool_stress, a, sizeof(a[0])), 0);
	WRITE_ONCE(flaky, false);
	for_each_online_cpu(cpu) {
		mempool_free(pool_handoff[cpu], pool);
		got += a[cpu].got;
	}
	EXPECT_GT(t, got, 0);
	EXPECT_EQ(t, pool->curr_nr, pool->min_nr);
	mark = log_seq();
	mempool_destroy(pool);
	EXPECT_FALSE(t, log_contains(mark, "still out"));
}

/* ---- views -------------------------------------------------------------------------- */

TEST_CASE(mm_smp_test_zoneinfo_shows_a_pageset_per_cpu)
{
	char cmd[16], want[16];
	unsigned int cpu;
	u64 mark = log_seq();

	strcpy(cmd, "zoneinfo");
	EXPECT_EQ(t, monitor_exec(cmd), 0);
	for_each_online_cpu(cpu) {
		snprintf(want, sizeof(want), "    cpu: %u\n", cpu);
		EXPECT_TRUE(t, log_contains(mark, want));
	}
}

TEST_CASE(mm_smp_test_slabinfo_cpu_shows_objects_on_each_cpus_cpu_slab)
{
	unsigned int cpu = other_cpu(t);
	struct kmem_cache *s = kmem_cache_create("mm_smp_view", 512, 0, 0, NULL);
	struct batch b = { .s = s, .n = 1 };
	char cmd[16], want[40];
	u64 mark;

	ASSERT_NOT_NULL(t, s);
	if (s->flags & SLAB_DEBUG_FLAGS) {
		kmem_cache_destroy(s);
		ktest_skip(t, "slub_debug: a debugging cache has no cpu slab");
	}
	ASSERT_EQ(t, run_on(alloc_one_keep, &b, cpu), 0); /* a cpu slab on CPU `cpu`, one out */
	mark = log_seq();
	strcpy(cmd, "slabinfo cpu");
	EXPECT_EQ(t, monitor_exec(cmd), 0);
	snprintf(want, sizeof(want), " C%u=%u\n", cpu, s->objects - 1);
	EXPECT_TRUE(t, log_contains(mark, want));
	EXPECT_EQ(t, slab_test_active_objs(s), 1); /* exact, counted by that CPU */
	ASSERT_EQ(t, run_on(free_batch, &b, cpu), 0);
	kmem_cache_destroy(s);
}

static const struct ktest_case mm_smp_cases[] = {
	KTEST(mm_smp_test_alloc_percpu_gives_each_cpu_a_distinct_zeroed_copy),
	KTEST(mm_smp_test_alloc_percpu_fails_cleanly_when_the_area_is_full),
	KTEST_TIMEOUT(mm_smp_test_slab_stress_from_every_cpu_at_once_leaks_nothing, 60000),
	KTEST_TIMEOUT(mm_smp_test_page_stress_from_every_cpu_at_once_leaks_nothing, 60000),
	KTEST(mm_smp_test_slab_object_allocated_on_one_cpu_is_freed_on_another),
	KTEST(mm_smp_test_destroy_after_objects_were_freed_on_other_cpus),
	KTEST(mm_smp_test_page_allocated_on_one_cpu_is_freed_to_the_freeing_cpus_list),
	KTEST(mm_smp_test_drain_all_pages_empties_every_cpus_list),
	KTEST(mm_smp_test_shrink_flushes_the_cpu_slab_of_every_cpu),
	KTEST(mm_smp_test_mapping_torn_down_on_one_cpu_faults_on_another),
	KTEST(mm_smp_test_dead_threads_stack_is_flushed_lazily_before_reuse),
	KTEST(mm_smp_test_dead_threads_stack_faults_on_another_cpu_after_the_purge),
	KTEST_TIMEOUT(mm_smp_test_purges_on_every_cpu_at_once_keep_the_lazy_count_exact, 60000),
	KTEST(mm_smp_test_map_page_replacing_an_entry_with_interrupts_off_warns),
	KTEST(mm_smp_test_mempool_waiter_on_another_cpu_is_woken_by_a_free),
	KTEST_TIMEOUT(mm_smp_test_mempool_from_every_cpu_at_once_gets_every_element_back, 60000),
	KTEST(mm_smp_test_zoneinfo_shows_a_pageset_per_cpu),
	KTEST(mm_smp_test_slabinfo_cpu_shows_objects_on_each_cpus_cpu_slab),
	{}
};
TEST_SUITE(mm_smp, mm_smp_cases);
