/*
 * SPDX-License-Identifier: MIT
 * tests/mm/test_slab_lab.c - the freelists inside free objects, looked at
 * directly: a new slab's objects threaded in address order through their
 * free pointers (at s->offset), and the fast paths popping and pushing this
 * CPU's freelist without the slow path (its ALLOC_SLOWPATH and FREE_SLOWPATH
 * counters stay still).  The graded cases of labs/slab/.
 *
 * The cases that watch the fast path keep interrupts off while they look,
 * so that nothing else runs on this CPU's kmem_cache_cpu meanwhile, and
 * check what they saw after turning them back on.  A debugging cache (every
 * cache under slub_debug) has no cpu slab: there each of them skips.
 *
 *   -append "test=slab_lab"
 */
#include <kernel/irqflags.h>
#include <kernel/ktest.h>
#include <kernel/preempt.h>
#include <mm/mm.h>
#include <mm/poison.h>
#include <mm/slab.h>
#include <mm/slub_def.h>
#include <string.h>

#define MAX_OBJS 64

/* The free pointer of free object @obj of @s: the word at s->offset. */
static void *freeptr(const struct kmem_cache *s, const void *obj)
{
	return *(void *const *)((const char *)obj + s->offset);
}

/* Object @i of the slab starting at @base. */
static void *nth_object(const struct kmem_cache *s, void *base, unsigned int i)
{
	return (char *)base + (unsigned long)i * s->size + s->red_left_pad;
}

/* A cache for one case; NULL (and skipped) if slub_debug makes it a debugging cache. */
static struct kmem_cache *plain_cache(struct ktest *t, const char *name, unsigned int size,
				      void (*ctor)(void *))
{
	struct kmem_cache *s = kmem_cache_create(name, size, 0, 0, ctor);

	ASSERT_NOT_NULL(t, s);
	if (s->flags & SLAB_DEBUG_FLAGS) {
		kmem_cache_destroy(s);
		ktest_skip(t, "slub_debug: a debugging cache has no cpu slab, no fast path");
	}
	return s;
}

/*
 * The first allocation from a new cache @s makes a slab (new_slab): object
 * 0 is handed out, and objects 1 .. objects-1 wait on a freelist, in
 * address order, each free pointer at s->offset naming the next, the last
 * NULL.  They then come out in that order.  For a debugging cache the slab
 * is on the node's partial list (its freelist is page->freelist), and each
 * free object must still be all poison, between inactive red zones.
 */
static void check_new_slab(struct ktest *t, struct kmem_cache *s)
{
	unsigned int n = 0, bad = ~0U, objects = 0, mismatch = ~0U, damaged = ~0U;
	bool poison = s->flags & SLAB_POISON, red = s->flags & SLAB_RED_ZONE;
	void *objs[MAX_OBJS], *fl, *p;
	struct kmem_cache_cpu *c;
	char *base = NULL;
	unsigned long flags;
	struct page *page;

	/* Interrupts off from the allocation on: the new slab stays this CPU's meanwhile. */
	local_irq_save(flags);
	objs[0] = kmem_cache_alloc(s, GFP_ATOMIC);
	page = objs[0] ? slab_virt_to_head_page(objs[0]) : NULL;
	if (page) {
		base = page_address(page);
		objects = page->objects;
		c = this_cpu_ptr(s->cpu_slab);
		fl = c->page == page ? c->freelist : page->freelist;
		for (p = fl; p && n < objects; p = freeptr(s, p), n++) {
			u8 *o = p;

			if (p != nth_object(s, base, n + 1) && bad == ~0U)
				bad = n + 1;
			if (((poison &&
			      (o[0] != POISON_FREE || o[s->object_size - 1] != POISON_END)) ||
			     (red && o[-1] != SLUB_RED_INACTIVE)) &&
			    damaged == ~0U)
				damaged = n + 1;
		}
	}
	local_irq_restore(flags);
	if (!page) {
		kmem_cache_free(s, objs[0]);
		kmem_cache_destroy(s);
		ASSERT_NOT_NULL(t, page);
	}
	EXPECT_EQ(t, objects, s->objects); /* the whole slab, not part of it */
	EXPECT_TRUE(t, objs[0] == nth_object(s, base, 0));
	EXPECT_EQ(t, n, objects - 1); /* every other object once, then NULL */
	EXPECT_EQ(t, bad, ~0U);	      /* the first object out of order, if any */
	EXPECT_EQ(t, damaged, ~0U);   /* the first whose poison or red zone is wrong */

	if (objects > MAX_OBJS)
		objects = MAX_OBJS;
	for (unsigned int i = 1; i < objects; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		if (objs[i] != nth_object(s, base, i) && mismatch == ~0U)
			mismatch = i;
	}
	EXPECT_EQ(t, mismatch, ~0U); /* handed out in address order */
	/* Only now: validate flushes the cpu slab, whose freelist then goes back reversed. */
	EXPECT_EQ(t, kmem_cache_validate(s), 0);
	for (unsigned int i = 0; i < objects; i++)
		kmem_cache_free(s, objs[i]);
	kmem_cache_destroy(s);
}

/* A cache of its own (under slub_debug a debugging one, as every cache). */
TEST_CASE(slab_lab_test_new_slab_threads_every_object_in_address_order)
{
	struct kmem_cache *s = kmem_cache_create("slab-lab-carve", 200, 0, 0, NULL);

	ASSERT_NOT_NULL(t, s);
	check_new_slab(t, s);
}

/*
 * A debugging cache, whatever slub_debug says: each object after a left red
 * zone (slab_object), the free pointer after the object (s->offset >=
 * s->inuse), the free objects all poison (setup_slab_debug before the
 * links are written).
 */
TEST_CASE(slab_lab_test_debugging_slab_threads_objects_after_their_red_zones)
{
	struct kmem_cache *s =
		kmem_cache_create("slab-lab-carve-debug", 200, 0, SLAB_DEBUG_FLAGS, NULL);

	ASSERT_NOT_NULL(t, s);
	EXPECT_GT(t, s->red_left_pad, 0);
	EXPECT_GE(t, s->offset, s->inuse);
	check_new_slab(t, s);
}

/*
 * kmem_cache_alloc with an object on this CPU's freelist: it pops the head
 * (the new head is the popped object's free pointer), and the slow path
 * never runs; kmem_cache_zalloc and kmem_cache_alloc_node on this node
 * too, and a zalloc zeroes the object.
 */
TEST_CASE(slab_lab_test_alloc_pops_this_cpus_freelist_without_the_slow_path)
{
	struct kmem_cache *s = plain_cache(t, "slab-lab-pop", 64, NULL);
	void *first, *head[4], *got[4], *next[4];
	unsigned int slow_before, slow_after;
	bool cpu_slab_had_free_objects;
	struct kmem_cache_cpu *c;
	unsigned long flags;
	u8 *z;

	local_irq_save(flags);
	first = kmem_cache_alloc(s, GFP_ATOMIC); /* a cpu slab with 63 free objects */
	c = this_cpu_ptr(s->cpu_slab);
	slow_before = c->stat[ALLOC_SLOWPATH];
	for (int i = 0; i < 3; i++) {
		head[i] = c->freelist;
		got[i] = i == 2 ? kmem_cache_alloc_node(s, GFP_ATOMIC, numa_node_id())
				: kmem_cache_alloc(s, GFP_ATOMIC);
		next[i] = got[i] ? freeptr(s, got[i]) : NULL;
	}
	head[3] = c->freelist;
	if (head[3])
		memset((u8 *)head[3] + sizeof(void *), 0x77, 64 - sizeof(void *)); /* dirty */
	got[3] = kmem_cache_zalloc(s, GFP_ATOMIC);
	next[3] = c->freelist;
	slow_after = c->stat[ALLOC_SLOWPATH];
	local_irq_restore(flags);

	EXPECT_EQ(t, slow_after, slow_before); /* four allocations, no slow path */
	cpu_slab_had_free_objects = first && head[0];
	/* If not: new_slab made a slab of one object (labs/slab: part 1 first). */
	EXPECT_TRUE(t, cpu_slab_had_free_objects);
	EXPECT_EQ(t, s->offset, 0); /* no ctor, no poison: the free pointer is the first word */
	for (int i = 0; i < 3; i++) {
		EXPECT_TRUE(t, got[i] && got[i] == head[i]); /* the head, popped */
		EXPECT_TRUE(t, head[i + 1] == next[i]);	     /* its free pointer, the new head */
	}
	EXPECT_TRUE(t, got[3] && got[3] == head[3]);
	z = got[3];
	if (z)
		EXPECT_EQ(t, z[0] | z[8] | z[63], 0);
	kmem_cache_free(s, first);
	for (int i = 0; i < 4; i++)
		kmem_cache_free(s, got[i]);
	kmem_cache_destroy(s);
}

/*
 * kmem_cache_free of objects of this CPU's cpu slab pushes them on its
 * freelist: the freed object becomes the head, its free pointer (at
 * s->offset) the old head; the next allocations take them back last in,
 * first out; the slow path never runs.
 */
TEST_CASE(slab_lab_test_free_pushes_on_this_cpus_freelist_last_in_first_out)
{
	struct kmem_cache *s = plain_cache(t, "slab-lab-push", 64, NULL);
	void *a, *b, *head, *head_b, *fp_b, *head_a, *fp_a, *x, *y;
	unsigned int slow_before, slow_after;
	bool cpu_slab_had_free_objects;
	struct kmem_cache_cpu *c;
	unsigned long flags;

	local_irq_save(flags);
	a = kmem_cache_alloc(s, GFP_ATOMIC);
	b = kmem_cache_alloc(s, GFP_ATOMIC);
	c = this_cpu_ptr(s->cpu_slab);
	slow_before = c->stat[FREE_SLOWPATH];
	head = c->freelist;
	kmem_cache_free(s, b);
	head_b = c->freelist;
	fp_b = freeptr(s, b);
	kmem_cache_free(s, a);
	head_a = c->freelist;
	fp_a = freeptr(s, a);
	slow_after = c->stat[FREE_SLOWPATH];
	x = kmem_cache_alloc(s, GFP_ATOMIC);
	y = kmem_cache_alloc(s, GFP_ATOMIC);
	local_irq_restore(flags);

	EXPECT_EQ(t, slow_after, slow_before); /* two frees, no slow path */
	cpu_slab_had_free_objects = a && b && head;
	/* If not: new_slab made a slab of one object (labs/slab: part 1 first). */
	EXPECT_TRUE(t, cpu_slab_had_free_objects);
	EXPECT_TRUE(t, head_b == b);  /* pushed: the new head */
	EXPECT_TRUE(t, fp_b == head); /* linked to the old head */
	EXPECT_TRUE(t, head_a == a);
	EXPECT_TRUE(t, fp_a == b);
	EXPECT_TRUE(t, x == a); /* last in, first out */
	EXPECT_TRUE(t, y == b);
	kmem_cache_free(s, x);
	kmem_cache_free(s, y);
	kmem_cache_destroy(s);
}

static void coffee_ctor(void *obj)
{
	*(u32 *)obj = 0xc0ffee;
}

/*
 * With a constructor the free pointer lives after the object (s->offset >=
 * object_size), so that a free object keeps its constructed state: the
 * fast path's free must link through s->offset, not the first word.
 */
TEST_CASE(slab_lab_test_free_links_through_s_offset_and_keeps_a_constructed_object)
{
	struct kmem_cache *s = plain_cache(t, "slab-lab-ctor", 64, coffee_ctor);
	unsigned int slow_before, slow_after;
	void *a, *b, *head, *head_a, *fp_a;
	struct kmem_cache_cpu *c;
	unsigned long flags;
	u32 state;

	EXPECT_GE(t, s->offset, s->object_size);
	local_irq_save(flags);
	a = kmem_cache_alloc(s, GFP_ATOMIC);
	c = this_cpu_ptr(s->cpu_slab);
	slow_before = c->stat[FREE_SLOWPATH];
	head = c->freelist;
	kmem_cache_free(s, a);
	head_a = c->freelist;
	fp_a = a ? freeptr(s, a) : NULL;
	state = a ? *(volatile u32 *)a : 0; /* reading a free object: only a test may */
	slow_after = c->stat[FREE_SLOWPATH];
	b = kmem_cache_alloc(s, GFP_ATOMIC);
	local_irq_restore(flags);

	EXPECT_EQ(t, slow_after, slow_before); /* a free, no slow path */
	EXPECT_NOT_NULL(t, a);
	EXPECT_TRUE(t, head_a == a);
	EXPECT_TRUE(t, fp_a == head);
	EXPECT_EQ(t, state, 0xc0ffee); /* still constructed while free */
	EXPECT_TRUE(t, b == a);
	if (b)
		EXPECT_EQ(t, *(u32 *)b, 0xc0ffee);
	kmem_cache_free(s, b);
	kmem_cache_destroy(s);
}

/* kmalloc and kfree inline the same fast paths: a kmalloc-64 pair, no slow path. */
TEST_CASE(slab_lab_test_kmalloc_and_kfree_take_the_fast_paths)
{
	void *first, *extra = NULL, *head = NULL, *p = NULL, *head_after = NULL;
	unsigned int alloc_slow = 0, free_slow = 0;
	bool cpu_slab_had_free_objects;
	struct kmem_cache_cpu *c;
	struct kmem_cache *s;
	unsigned long flags;
	bool debug;

	local_irq_save(flags);
	first = kmalloc(64, GFP_ATOMIC);
	s = first ? slab_virt_to_head_page(first)->slab_cache : NULL;
	debug = s && (s->flags & SLAB_DEBUG_FLAGS);
	if (s && !debug) {
		c = this_cpu_ptr(s->cpu_slab);
		if (!c->freelist) /* that was the cpu slab's last object: take a new one */
			extra = kmalloc(64, GFP_ATOMIC);
		alloc_slow = c->stat[ALLOC_SLOWPATH];
		free_slow = c->stat[FREE_SLOWPATH];
		head = c->freelist;
		p = kmalloc(64, GFP_ATOMIC);
		kfree(p);
		head_after = c->freelist;
		alloc_slow = c->stat[ALLOC_SLOWPATH] - alloc_slow;
		free_slow = c->stat[FREE_SLOWPATH] - free_slow;
	}
	local_irq_restore(flags);
	kfree(extra);
	kfree(first);
	ASSERT_NOT_NULL(t, s);
	if (debug)
		ktest_skip(t, "slub_debug: kmalloc-64 is a debugging cache, with no fast path");
	EXPECT_EQ(t, alloc_slow, 0);
	EXPECT_EQ(t, free_slow, 0);
	cpu_slab_had_free_objects = head != NULL;
	/* If not: new_slab made a slab of one object (labs/slab: part 1 first). */
	EXPECT_TRUE(t, cpu_slab_had_free_objects);
	EXPECT_TRUE(t, p == head);	 /* kmalloc popped the head */
	EXPECT_TRUE(t, head_after == p); /* kfree pushed it back */
}

/*
 * What the fast path must leave to the slow path even with objects on the
 * freelist: a sleeping allocation with interrupts off (the slow path's
 * might_sleep reports it; only CONFIG_DEBUG_PREEMPT builds look, as 3.10's
 * CONFIG_DEBUG_ATOMIC_SLEEP).
 */
TEST_CASE(slab_lab_test_sleeping_alloc_with_interrupts_off_goes_to_the_slow_path)
{
#ifdef CONFIG_DEBUG_PREEMPT
	struct kmem_cache *s = kmem_cache_create("slab-lab-atomic", 64, 0, 0, NULL);
	unsigned long warnings = might_sleep_warnings;
	unsigned long flags;
	void *a, *b;

	ASSERT_NOT_NULL(t, s);
	a = kmem_cache_alloc(s, GFP_KERNEL); /* objects left on this CPU's freelist */
	local_irq_save(flags);
	b = kmem_cache_alloc(s, GFP_KERNEL); /* the bug this case makes on purpose */
	local_irq_restore(flags);
	EXPECT_TRUE(t, a && b);
	EXPECT_EQ(t, might_sleep_warnings, warnings + 1);
	kmem_cache_free(s, a);
	kmem_cache_free(s, b);
	kmem_cache_destroy(s);
#else
	ktest_skip(t, "built without CONFIG_DEBUG_PREEMPT: the fast path does not look");
#endif
}

static const struct ktest_case slab_lab_cases[] = {
	KTEST(slab_lab_test_new_slab_threads_every_object_in_address_order),
	KTEST(slab_lab_test_debugging_slab_threads_objects_after_their_red_zones),
	KTEST(slab_lab_test_alloc_pops_this_cpus_freelist_without_the_slow_path),
	KTEST(slab_lab_test_free_pushes_on_this_cpus_freelist_last_in_first_out),
	KTEST(slab_lab_test_free_links_through_s_offset_and_keeps_a_constructed_object),
	KTEST(slab_lab_test_kmalloc_and_kfree_take_the_fast_paths),
	KTEST(slab_lab_test_sleeping_alloc_with_interrupts_off_goes_to_the_slow_path),
	{}
};
TEST_SUITE(slab_lab, slab_lab_cases);
