/*
 * SPDX-License-Identifier: MIT
 * tests/mm/test_slab_debug.c - slub_debug: every detection, and the bytes
 * that make it possible.
 *
 * Each case damages objects on purpose (double free, writes after free and
 * past the end, frees of pointers that are no objects) in a cache created
 * with all four debug flags, then checks that the log names the cache, the
 * object and its alloc/free call sites, that slab_debug_errors moved by
 * exactly one per problem, and that the cache still works: the damaged
 * object is quarantined and destroying the cache gives everything back.
 *
 *   -append "test=slab_debug"
 */
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <mm/mm.h>
#include <mm/poison.h>
#include <mm/slab.h>
#include <mm/slab_test.h>
#include <mm/slub_def.h>
#include <stdio.h>

#include "slab_suites.h"

#define DEBUG_ALL SLAB_DEBUG_FLAGS

TEST_CASE(slab_debug_test_option_syntax)
{
	EXPECT_EQ(t, slub_debug_parse("", "x"), DEBUG_ALL);
	EXPECT_EQ(t, slub_debug_parse("-", "x"), 0);
	EXPECT_EQ(t, slub_debug_parse("FZ", "x"), SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE);
	EXPECT_EQ(t, slub_debug_parse("fzpu", "x"), DEBUG_ALL);
	EXPECT_EQ(t, slub_debug_parse("FZPU,kmalloc-64,mycache", "kmalloc-64"), DEBUG_ALL);
	EXPECT_EQ(t, slub_debug_parse("FZPU,kmalloc-64,mycache", "mycache"), DEBUG_ALL);
	EXPECT_EQ(t, slub_debug_parse("FZPU,kmalloc-64,mycache", "kmalloc-32"), 0);
	EXPECT_EQ(t, slub_debug_parse(",kmalloc-64", "kmalloc-64"), DEBUG_ALL);
	EXPECT_EQ(t, slub_debug_parse("U,kmalloc-*", "kmalloc-8"), SLAB_STORE_USER);
	EXPECT_EQ(t, slub_debug_parse("FZ;U,foo", "foo"), SLAB_STORE_USER);
	EXPECT_EQ(t, slub_debug_parse("FZ;U,foo", "bar"), SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE);
}

/* P and Z lay out their bytes: 0xcc around a live object, 0x6b..0xa5 and 0xbb once it is free. */
TEST_CASE(slab_debug_test_poison_and_red_zones_in_memory)
{
	struct kmem_cache *s = kmem_cache_create("slab-test-bytes", 24, 0, DEBUG_ALL, NULL);
	volatile u8 *p;

	ASSERT_NOT_NULL(t, s);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	ASSERT_NOT_NULL(t, p);
	EXPECT_EQ(t, p[-1], SLUB_RED_ACTIVE);
	EXPECT_EQ(t, p[24], SLUB_RED_ACTIVE);
	kmem_cache_free(s, (void *)p);
	/* Reading a freed object: wrong in real code, the point of this test. */
	EXPECT_EQ(t, p[0], POISON_FREE);
	EXPECT_EQ(t, p[23], POISON_END);
	EXPECT_EQ(t, p[-1], SLUB_RED_INACTIVE);
	EXPECT_EQ(t, p[24], SLUB_RED_INACTIVE);
	EXPECT_EQ(t, kmem_cache_validate(s), 0);
	kmem_cache_destroy(s);
}

TEST_CASE(slab_debug_test_detects_double_free)
{
	struct kmem_cache *s = kmem_cache_create("slab-test-dfree", 64, 0, DEBUG_ALL, NULL);
	unsigned long errors = slab_debug_errors;
	void *obj, *again;
	u64 mark;

	ASSERT_NOT_NULL(t, s);
	obj = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, obj);
	mark = log_seq();
	kmem_cache_free(s, obj);
	EXPECT_TRUE(t,
		    log_contains(mark, "BUG slab-test-dfree (Not tainted): Object already free"));
	EXPECT_TRUE(t, ktest_logged(mark, "INFO: Object 0x%lx", (unsigned long)obj));
	EXPECT_TRUE(t, log_contains(mark, "Allocated in slab_debug_test_detects_double_free"));
	EXPECT_TRUE(t, log_contains(mark, "Freed in slab_debug_test_detects_double_free"));
	EXPECT_TRUE(t, ktest_logged(mark, "Object at 0x%lx not freed", (unsigned long)obj));
	EXPECT_EQ(t, slab_debug_errors, errors + 1);
	EXPECT_EQ(t, slab_test_active_objs(s), 0); /* counted free once, not twice */
	again = kmem_cache_alloc(s, GFP_KERNEL);   /* and the cache goes on */
	EXPECT_NOT_NULL(t, again);
	kmem_cache_free(s, again);
	EXPECT_EQ(t, kmem_cache_validate(s), 0);
	kmem_cache_destroy(s);
}

/* The double free that the fast path sees (the cpu freelist's head) is caught without debugging. */
TEST_CASE(slab_debug_test_detects_double_free_without_debugging)
{
	struct kmem_cache *s = kmem_cache_create("slab-test-dfree-fast", 64, 0, 0, NULL);
	unsigned long errors = slab_debug_errors;
	void *obj;
	u64 mark;

	ASSERT_NOT_NULL(t, s);
	obj = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, obj);
	mark = log_seq();
	kmem_cache_free(s, obj);
	EXPECT_TRUE(t, log_contains(mark,
				    "BUG slab-test-dfree-fast (Not tainted): Object already free"));
	EXPECT_EQ(t, slab_debug_errors, errors + 1);
	EXPECT_EQ(t, slab_test_active_objs(s), 0);
	kmem_cache_destroy(s);
}

TEST_CASE(slab_debug_test_detects_free_of_interior_pointer)
{
	struct kmem_cache *s = kmem_cache_create("slab-test-inner", 64, 0, DEBUG_ALL, NULL);
	unsigned long errors = slab_debug_errors;
	u8 *obj;
	u64 mark;

	ASSERT_NOT_NULL(t, s);
	obj = kmem_cache_alloc(s, GFP_KERNEL);
	mark = log_seq();
	kmem_cache_free(s, obj + 8);
	EXPECT_TRUE(t, log_contains(mark,
				    "BUG slab-test-inner (Not tainted): Invalid object pointer"));
	EXPECT_TRUE(
		t,
		ktest_logged(
			mark,
			"INFO: 0x%lx freed from slab_debug_test_detects_free_of_interior_pointer",
			(unsigned long)(obj + 8)));
	EXPECT_TRUE(t, ktest_logged(mark, "INFO: Object 0x%lx",
				    (unsigned long)obj)); /* the object around it */
	EXPECT_TRUE(t,
		    log_contains(mark,
				 "Allocated in slab_debug_test_detects_free_of_interior_pointer"));
	EXPECT_EQ(t, slab_debug_errors, errors + 1);
	EXPECT_EQ(t, slab_test_active_objs(s), 1); /* not freed */
	kmem_cache_free(s, obj);
	kmem_cache_destroy(s);
}

TEST_CASE(slab_debug_test_detects_free_of_foreign_pointer)
{
	struct kmem_cache *s = kmem_cache_create("slab-test-foreign", 64, 0, DEBUG_ALL, NULL);
	unsigned long errors = slab_debug_errors;
	u8 on_stack[64];
	void *other;
	u64 mark;

	ASSERT_NOT_NULL(t, s);
	other = kmalloc(64, GFP_KERNEL); /* an object, but of kmalloc-64 */
	mark = log_seq();
	kmem_cache_free(s, on_stack);
	EXPECT_TRUE(t, log_contains(mark, "BUG slab-test-foreign (Not tainted): "
					  "Attempt to free object outside of slab"));
	EXPECT_TRUE(
		t, ktest_logged(
			   mark,
			   "INFO: 0x%lx freed from slab_debug_test_detects_free_of_foreign_pointer",
			   (unsigned long)on_stack));
	kmem_cache_free(s, other);
	EXPECT_TRUE(t, log_contains(mark, "BUG slab-test-foreign (Not tainted): Wrong slab cache. "
					  "slab-test-foreign but object is from kmalloc-64"));
	EXPECT_TRUE(
		t, ktest_logged(
			   mark,
			   "INFO: 0x%lx freed from slab_debug_test_detects_free_of_foreign_pointer",
			   (unsigned long)other));
	EXPECT_EQ(t, slab_debug_errors, errors + 2);
	kfree(other);
	kmem_cache_destroy(s);
}

TEST_CASE(slab_debug_test_detects_kfree_of_non_kmalloc_pointer)
{
	unsigned long errors = slab_debug_errors;
	struct page *page = alloc_page(GFP_KERNEL);
	int on_stack;
	u64 mark;

	ASSERT_NOT_NULL(t, page);
	mark = log_seq();
	kfree(&on_stack);
	kfree(page_address(page));
	EXPECT_TRUE(t, log_contains(mark, "kfree of a pointer kmalloc did not return"));
	EXPECT_TRUE(t, ktest_logged(mark, "INFO: 0x%lx freed from",
				    (unsigned long)page_address(page)));
	EXPECT_EQ(t, slab_debug_errors, errors + 2);
	__free_page(page);
}

/* A write into a freed object shows as damaged poison when the object is next handed out. */
TEST_CASE(slab_debug_test_detects_write_after_free)
{
	struct kmem_cache *s = kmem_cache_create("slab-test-uaf", 64, 0, DEBUG_ALL, NULL);
	unsigned long errors = slab_debug_errors;
	volatile u8 *obj;
	void *next;
	u64 mark;

	ASSERT_NOT_NULL(t, s);
	obj = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, (void *)obj);
	obj[10] = 0x42; /* the bug */
	mark = log_seq();
	next = kmem_cache_alloc(s, GFP_KERNEL); /* the freed object is the freelist's head */
	EXPECT_TRUE(t, log_contains(mark, "BUG slab-test-uaf (Not tainted): Poison overwritten"));
	EXPECT_TRUE(t, ktest_logged(mark, "INFO: Object 0x%lx", (unsigned long)obj));
	EXPECT_TRUE(t, log_contains(mark, "First byte 0x42 instead of 0x6b"));
	EXPECT_TRUE(t, log_contains(mark, "Allocated in slab_debug_test_detects_write_after_free"));
	EXPECT_TRUE(t, log_contains(mark, "Freed in slab_debug_test_detects_write_after_free"));
	EXPECT_TRUE(t, log_contains(mark, "FIX slab-test-uaf: Restoring Poison"));
	EXPECT_EQ(t, slab_debug_errors, errors + 1);
	EXPECT_NOT_NULL(t, next);
	EXPECT_NE(t, (unsigned long)next, (unsigned long)obj); /* quarantined, not handed out */
	EXPECT_EQ(t, slab_test_active_objs(s), 1);
	kmem_cache_free(s, next);
	EXPECT_EQ(t, kmem_cache_validate(s), 0);
	kmem_cache_destroy(s); /* the quarantined object goes with the cache */
}

/*
 * 3.10's slab_fix marks every object of the damaged slab used (the slab is lost);
 * here only the damaged object is set aside and its neighbours are handed out.
 */
TEST_CASE(slab_debug_test_damage_quarantines_one_object_not_its_slab)
{
	struct kmem_cache *s = kmem_cache_create("slab-test-quarantine", 64, 0, DEBUG_ALL, NULL);
	volatile u8 *a;
	void *b, *next;

	ASSERT_NOT_NULL(t, s);
	a = kmem_cache_alloc(s, GFP_KERNEL);
	b = kmem_cache_alloc(s, GFP_KERNEL);
	ASSERT_NOT_NULL(t, a);
	ASSERT_NOT_NULL(t, b);
	ASSERT_EQ(t, (unsigned long)virt_to_page((void *)a), (unsigned long)virt_to_page(b));
	kmem_cache_free(s, b);
	kmem_cache_free(s, (void *)a);			     /* the freelist: a, then b */
	a[3] = 0x42;					     /* the bug */
	next = kmem_cache_alloc(s, GFP_KERNEL);		     /* finds a damaged, sets it aside */
	EXPECT_EQ(t, (unsigned long)next, (unsigned long)b); /* the same slab serves on */
	EXPECT_EQ(t, slab_test_active_objs(s), 1);
	kmem_cache_free(s, next);
	kmem_cache_destroy(s); /* the quarantined object goes with the cache */
}

/* A write past the end lands in the right red zone and is caught when the object is freed. */
TEST_CASE(slab_debug_test_detects_write_past_end)
{
	struct kmem_cache *s = kmem_cache_create("slab-test-overrun", 24, 0, DEBUG_ALL, NULL);
	unsigned long errors = slab_debug_errors;
	volatile u8 *obj;
	u64 mark;

	ASSERT_NOT_NULL(t, s);
	obj = kmem_cache_alloc(s, GFP_KERNEL);
	obj[24] = 0; /* the bug: one byte too far */
	mark = log_seq();
	kmem_cache_free(s, (void *)obj);
	EXPECT_TRUE(t,
		    log_contains(mark, "BUG slab-test-overrun (Not tainted): Redzone overwritten"));
	EXPECT_TRUE(t, ktest_logged(mark, "INFO: Object 0x%lx", (unsigned long)obj));
	EXPECT_TRUE(t, log_contains(mark, "First byte 0x0 instead of 0xcc"));
	EXPECT_TRUE(t, log_contains(mark, "Allocated in slab_debug_test_detects_write_past_end"));
	EXPECT_TRUE(t, ktest_logged(mark, "Object at 0x%lx not freed", (unsigned long)obj));
	EXPECT_EQ(t, slab_debug_errors, errors + 1);
	EXPECT_EQ(t, slab_test_active_objs(s), 0); /* quarantined: not live, not free */
	kmem_cache_destroy(s);
}

/*
 * A quarantined object freed again is a double free: reported, and still set aside once (not
 * quarantined a second time, not counted twice).  The free slow path looks in the quarantine
 * only when the cache has one (mm/slab.c); the debug checks find it too.
 */
TEST_CASE(slab_debug_test_freeing_a_quarantined_object_again_is_reported)
{
	struct kmem_cache *s = kmem_cache_create("slab-test-requarantine", 24, 0, DEBUG_ALL, NULL);
	volatile u8 *obj;
	u64 mark;

	ASSERT_NOT_NULL(t, s);
	obj = kmem_cache_alloc(s, GFP_KERNEL);
	ASSERT_NOT_NULL(t, obj);
	obj[24] = 0; /* damage: set aside when freed */
	kmem_cache_free(s, (void *)obj);
	EXPECT_EQ(t, s->nr_quarantined, 1);
	mark = log_seq();
	kmem_cache_free(s, (void *)obj); /* the bug: freed twice */
	EXPECT_TRUE(t, log_contains(mark, "Object already free"));
	EXPECT_EQ(t, s->nr_quarantined, 1);
	EXPECT_EQ(t, slab_test_active_objs(s), 0);
	kmem_cache_destroy(s);
}

TEST_CASE(slab_debug_test_detects_write_before_start)
{
	struct kmem_cache *s = kmem_cache_create("slab-test-underrun", 32, 0, DEBUG_ALL, NULL);
	unsigned long errors = slab_debug_errors;
	volatile u8 *obj;
	u64 mark;

	ASSERT_NOT_NULL(t, s);
	obj = kmem_cache_alloc(s, GFP_KERNEL);
	obj[-2] = 0x11;
	mark = log_seq();
	kmem_cache_free(s, (void *)obj);
	EXPECT_TRUE(t,
		    log_contains(mark,
				 "BUG slab-test-underrun (Not tainted): Left Redzone overwritten"));
	EXPECT_EQ(t, slab_debug_errors, errors + 1);
	kmem_cache_destroy(s);
}

/* kmem_cache_validate finds damage without waiting for a free, repairs it, and counts it. */
TEST_CASE(slab_debug_test_validate_counts_and_repairs_damage)
{
	struct kmem_cache *s = kmem_cache_create("slab-test-validate", 40, 0, DEBUG_ALL, NULL);
	volatile u8 *live, *freed;
	u64 mark;

	ASSERT_NOT_NULL(t, s);
	live = kmem_cache_alloc(s, GFP_KERNEL);
	freed = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, (void *)freed);
	live[41] = 7; /* past the end of a live object */
	freed[0] = 7; /* into a free one */
	mark = log_seq();
	EXPECT_EQ(t, kmem_cache_validate(s), 2);
	EXPECT_TRUE(t, log_contains(mark,
				    "BUG slab-test-validate (Not tainted): Redzone overwritten"));
	EXPECT_TRUE(t,
		    log_contains(mark, "BUG slab-test-validate (Not tainted): Poison overwritten"));
	EXPECT_EQ(t, kmem_cache_validate(s), 0); /* repaired */
	kmem_cache_free(s, (void *)live);	 /* and freeable again */
	kmem_cache_destroy(s);
}

/*
 * Checks only (F): the free pointer lives in the object, so a write after
 * free there corrupts the freelist.  The next allocation notices before
 * following it.  The damaged object is made the slab's last free one, so
 * nothing after it is lost.
 */
TEST_CASE(slab_debug_test_detects_corrupt_freelist)
{
	struct kmem_cache *s =
		kmem_cache_create("slab-test-fp", 64, 0, SLAB_CONSISTENCY_CHECKS, NULL);
	unsigned long errors = slab_debug_errors;
	struct slabinfo si;
	void **objs, *next;
	unsigned int n;
	u64 mark;

	ASSERT_NOT_NULL(t, s);
	if (s->flags & SLAB_POISON) {
		kmem_cache_destroy(s);
		ktest_skip(t, "slub_debug= moved the free pointer out of the object");
	}
	objs = kmalloc_array(1, sizeof(void *), GFP_KERNEL);
	objs[0] = kmem_cache_alloc(s, GFP_KERNEL);
	get_slabinfo(s, &si);
	n = si.objects_per_slab;
	objs = krealloc(objs, n * sizeof(void *), GFP_KERNEL);
	ASSERT_NOT_NULL(t, objs);
	for (unsigned int i = 1; i < n; i++) /* the rest of the first slab */
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, objs[5]);
	*(volatile unsigned long *)objs[5] = 0xdead0000beefUL; /* the bug */
	mark = log_seq();
	next = kmem_cache_alloc(s, GFP_KERNEL);
	EXPECT_TRUE(t, log_contains(mark, "BUG slab-test-fp (Not tainted): Freepointer corrupt"));
	EXPECT_TRUE(t, ktest_logged(mark, "INFO: Object 0x%lx", (unsigned long)objs[5]));
	EXPECT_EQ(t, slab_debug_errors, errors + 1);
	EXPECT_NOT_NULL(t, next);
	EXPECT_NE(t, (unsigned long)next, (unsigned long)objs[5]);
	for (unsigned int i = 0; i < n; i++)
		if (i != 5)
			kmem_cache_free(s, objs[i]);
	kmem_cache_free(s, next);
	kfree(objs);
	EXPECT_EQ(t, slab_test_active_objs(s), 0);
	kmem_cache_destroy(s);
}

static const struct ktest_case slab_debug_cases[] = {
	KTEST(slab_debug_test_option_syntax),
	KTEST(slab_debug_test_poison_and_red_zones_in_memory),
	KTEST(slab_debug_test_detects_double_free),
	KTEST(slab_debug_test_detects_double_free_without_debugging),
	KTEST(slab_debug_test_detects_free_of_interior_pointer),
	KTEST(slab_debug_test_detects_free_of_foreign_pointer),
	KTEST(slab_debug_test_detects_kfree_of_non_kmalloc_pointer),
	KTEST(slab_debug_test_detects_write_after_free),
	KTEST(slab_debug_test_damage_quarantines_one_object_not_its_slab),
	KTEST(slab_debug_test_freeing_a_quarantined_object_again_is_reported),
	KTEST(slab_debug_test_detects_write_past_end),
	KTEST(slab_debug_test_detects_write_before_start),
	KTEST(slab_debug_test_validate_counts_and_repairs_damage),
	KTEST(slab_debug_test_detects_corrupt_freelist),
	{}
};
TEST_SUITE(slab_debug, slab_debug_cases);
