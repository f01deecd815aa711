/*
 * SPDX-License-Identifier: MIT
 * tests/kernel/test_ktests.c - suite `ktests`: the tests module as the kernel
 * holds it once loaded (kernel/ktests.c, include/kernel/ktests.h): at the
 * address it was linked for, its pages reserved and mapped with each part's
 * rights, its functions named, its options and runners found.  This suite is
 * itself in the module.  What happens without it, or with a bad one, is shown
 * from the host by tools/init_checks.py (step init).
 */
#include <kernel/cmdline.h>
#include <kernel/ktest.h>
#include <kernel/ktests.h>
#include <kernel/lockdep.h>
#include <kernel/lockdep_test.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/runner.h>
#include <kernel/spinlock.h>
#include <mm/mm.h>
#include <mm/paging.h>
#include <string.h>

extern const struct kernel_param __cmdline_params_start[], __cmdline_params_end[];
extern const struct kernel_param __ktests_params_start[], __ktests_params_end[];

static int ktests_some_data = 1; /* in .ktests.data */
static int ktests_some_bss;	 /* in .ktests.bss */
static const char ktests_some_rodata[] = "in .ktests.rodata";

TEST_CASE(ktests_test_module_is_loaded_where_it_was_linked)
{
	unsigned long fn = (unsigned long)&ktests_test_module_is_loaded_where_it_was_linked;
	phys_addr_t start, end;

	ASSERT_TRUE(t, ktests_loaded());
	EXPECT_EQ(t, __pa(_ktests_start), KTESTS_PHYS);
	EXPECT_TRUE(t, fn >= (unsigned long)_ktests_start && fn < (unsigned long)_ktests_etext);
	EXPECT_EQ(t, ktests_some_data, 1); /* copied with the module */
	EXPECT_EQ(t, ktests_some_bss, 0);  /* zeroed by ktests_load() */
	ktests_phys_range(&start, &end);
	EXPECT_EQ(t, start, KTESTS_PHYS);
	EXPECT_EQ(t, end, __pa(_ktests_end));
}

TEST_CASE(ktests_test_module_pages_are_reserved)
{
	unsigned long pfn;

	/* Every frame of the module, .bss included: the allocator never hands one out. */
	for (pfn = KTESTS_PHYS >> PAGE_SHIFT; pfn < __pa(_ktests_end) >> PAGE_SHIFT; pfn++)
		if (!PageReserved(pfn_to_page(pfn)))
			break;
	EXPECT_EQ(t, pfn, __pa(_ktests_end) >> PAGE_SHIFT);
}

TEST_CASE(ktests_test_each_part_has_its_rights)
{
	u64 text = lookup_pte((unsigned long)&ktests_test_each_part_has_its_rights, NULL);
	u64 ro = lookup_pte((unsigned long)ktests_some_rodata, NULL);
	u64 data = lookup_pte((unsigned long)&ktests_some_data, NULL);
	u64 bss = lookup_pte((unsigned long)&ktests_some_bss, NULL);

	ASSERT_TRUE(t, text && ro && data && bss);
	EXPECT_FALSE(t, text & PTE_WRITE);
	EXPECT_FALSE(t, text & PTE_NX);
	EXPECT_FALSE(t, ro & PTE_WRITE);
	EXPECT_TRUE(t, ro & PTE_NX);
	EXPECT_TRUE(t, (data & PTE_WRITE) && (data & PTE_NX));
	EXPECT_TRUE(t, (bss & PTE_WRITE) && (bss & PTE_NX));
	/* Past its end nothing is mapped: a stray pointer into it faults. */
	EXPECT_EQ(t, lookup_pte((unsigned long)_ktests_end, NULL), 0);
}

TEST_CASE(ktests_test_its_functions_and_statics_are_known)
{
	unsigned long fn = (unsigned long)&ktests_test_its_functions_and_statics_are_known;
	unsigned long off = 1;
	const char *name = ksym_lookup(fn + 4, &off, NULL);

	/* Named from the module's own symbol table (.ktests.ksyms). */
	ASSERT_NE(t, name, NULL);
	EXPECT_STREQ(t, name, "ktests_test_its_functions_and_statics_are_known");
	EXPECT_EQ(t, off, 4);
	EXPECT_TRUE(t, ktests_text_contains(fn));
	EXPECT_FALSE(t, ktests_text_contains((unsigned long)&printk));
	EXPECT_TRUE(t, ktests_data_contains((unsigned long)&ktests_some_data));
	EXPECT_TRUE(t, ktests_data_contains((unsigned long)&ktests_some_bss));
	EXPECT_FALSE(t, ktests_data_contains((unsigned long)ktests_some_rodata));
}

/* Is an option called @name in [@p, @end)? */
static bool has_param(const struct kernel_param *p, const struct kernel_param *end,
		      const char *name)
{
	for (; p < end; p++)
		if (!strcmp(p->name, name))
			return true;
	return false;
}

TEST_CASE(ktests_test_its_options_and_runners_are_its_own)
{
	/* tests/lib/ktest.c's option is the module's, test= the kernel's (kernel/runner.c). */
	EXPECT_TRUE(t, has_param(__ktests_params_start, __ktests_params_end, "ktest.timeout"));
	EXPECT_FALSE(t, has_param(__cmdline_params_start, __cmdline_params_end, "ktest.timeout"));
	EXPECT_TRUE(t, has_param(__cmdline_params_start, __cmdline_params_end, "test"));
	EXPECT_TRUE(t, ktests_text_contains((unsigned long)kernel_runner_find("test")->run));
	EXPECT_TRUE(t, ktests_text_contains((unsigned long)kernel_runner_find("bench")->run));
}

#ifdef CONFIG_LOCKDEP
/* Two static locks of one name: each is keyed by its address, so they are two classes. */
static spinlock_t ktests_twin_a = __SPIN_LOCK_UNLOCKED(ktests_twin);
static spinlock_t ktests_twin_b = __SPIN_LOCK_UNLOCKED(ktests_twin);

TEST_CASE(ktests_test_its_static_locks_are_static_to_lockdep)
{
	unsigned long before = READ_ONCE(lockdep_reports[LOCKDEP_RECURSIVE]);

	lockdep_test_reset();
	spin_lock(&ktests_twin_a);
	spin_lock(&ktests_twin_b); /* keyed by their one name, this would be recursive locking */
	spin_unlock(&ktests_twin_b);
	spin_unlock(&ktests_twin_a);
	EXPECT_EQ(t, READ_ONCE(lockdep_reports[LOCKDEP_RECURSIVE]), before);
	EXPECT_EQ(t, debug_locks, 1);
}
#endif

static struct ktest_case ktests_cases[] = {
	KTEST(ktests_test_module_is_loaded_where_it_was_linked),
	KTEST(ktests_test_module_pages_are_reserved),
	KTEST(ktests_test_each_part_has_its_rights),
	KTEST(ktests_test_its_functions_and_statics_are_known),
	KTEST(ktests_test_its_options_and_runners_are_its_own),
#ifdef CONFIG_LOCKDEP
	KTEST(ktests_test_its_static_locks_are_static_to_lockdep),
#endif
	{}
};
TEST_SUITE(ktests, ktests_cases);
