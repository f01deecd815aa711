/*
 * SPDX-License-Identifier: MIT
 * tests/mm/test_paging.c - the kernel page tables and the page allocator as
 * the foundation leaves them: rights per section, guard pages, the direct
 * map, and buddy split/merge.  (tests/kernel/test_traps.c shows the faults.)
 */
#include <kernel/ktest.h>
#include <kernel/multiboot.h>
#include <kernel/sched.h>
#include <mm/fault_inject.h>
#include <mm/mm.h>
#include <mm/paging.h>

extern char _text[], _rodata[], _data[], _bss[];
extern char boot_stack_guard[], boot_stack_bottom[];
static int some_data = 1;

TEST_CASE(paging_test_text_is_read_only_and_executable)
{
	int level;
	u64 pte = lookup_pte((unsigned long)_text, &level);

	ASSERT_NE(t, pte, 0);
	EXPECT_EQ(t, level, 1);
	EXPECT_FALSE(t, pte & PTE_WRITE);
	EXPECT_FALSE(t, pte & PTE_NX);
	pte = lookup_pte((unsigned long)&paging_test_text_is_read_only_and_executable, &level);
	EXPECT_FALSE(t, pte & PTE_WRITE);
}

TEST_CASE(paging_test_rodata_read_only_no_execute)
{
	u64 pte = lookup_pte((unsigned long)_rodata, NULL);

	ASSERT_NE(t, pte, 0);
	EXPECT_FALSE(t, pte & PTE_WRITE);
	EXPECT_TRUE(t, pte & PTE_NX);
}

TEST_CASE(paging_test_data_bss_and_stacks_no_execute)
{
	int local;

	EXPECT_TRUE(t, lookup_pte((unsigned long)&some_data, NULL) & PTE_NX);
	EXPECT_TRUE(t, lookup_pte((unsigned long)&some_data, NULL) & PTE_WRITE);
	EXPECT_TRUE(t, lookup_pte((unsigned long)_bss, NULL) & PTE_NX);
	EXPECT_TRUE(t, lookup_pte((unsigned long)&local, NULL) & PTE_NX);
	EXPECT_TRUE(t, lookup_pte((unsigned long)&local, NULL) & PTE_WRITE);
}

TEST_CASE(paging_test_guard_pages_unmapped)
{
	unsigned long guard = current->stack_bottom - PAGE_SIZE;

	EXPECT_EQ(t, lookup_pte(guard, NULL), 0);
	EXPECT_TRUE(t, is_stack_guard_page(guard));
	EXPECT_FALSE(t, is_stack_guard_page(current->stack_bottom));
	EXPECT_NE(t, lookup_pte(current->stack_bottom, NULL), 0);
	EXPECT_EQ(t, lookup_pte((unsigned long)boot_stack_guard, NULL), 0);
	EXPECT_NE(t, lookup_pte((unsigned long)boot_stack_bottom, NULL), 0);
}

/* The #DF and NMI stacks are stacks too: a guard page below each. */
TEST_CASE(paging_test_ist_stacks_have_guard_pages)
{
	for (int ist = 1; ist <= 2; ist++) {
		unsigned long top = trap_ist_stack_top(ist), bottom = top - IST_STACK_SIZE;

		ASSERT_NE(t, top, 0);
		EXPECT_NE(t, lookup_pte(bottom, NULL), 0);
		EXPECT_NE(t, lookup_pte(top - 8, NULL), 0);
		EXPECT_EQ(t, lookup_pte(bottom - PAGE_SIZE, NULL), 0);
		EXPECT_TRUE(t, is_stack_guard_page(bottom - PAGE_SIZE));
	}
}

TEST_CASE(paging_test_null_and_low_memory_unmapped)
{
	EXPECT_EQ(t, lookup_pte(0, NULL), 0);
	EXPECT_EQ(t, lookup_pte(0x100000, NULL), 0); /* no identity map left */
}

TEST_CASE(paging_test_direct_map_covers_all_ram)
{
	for (int i = 0; i < boot_info.nr_regions; i++) {
		const struct mem_region *r = &boot_info.regions[i];

		if (r->type != MULTIBOOT_MEMORY_AVAILABLE)
			continue;
		EXPECT_NE(t, lookup_pte((unsigned long)__va(r->start), NULL), 0);
		EXPECT_NE(t, lookup_pte((unsigned long)__va(r->end - 1), NULL), 0);
	}
	EXPECT_TRUE(t, lookup_pte((unsigned long)__va(0x200000), NULL) & PTE_NX);
}

TEST_CASE(paging_test_map_and_unmap_a_page)
{
	struct page *p = alloc_page(GFP_KERNEL | __GFP_ZERO);
	unsigned long va = VMAP_START + (1UL << 39); /* far from stacks and ioremap */
	u64 pte;

	ASSERT_NOT_NULL(t, p);
	ASSERT_EQ(t, map_page(va, page_to_phys(p), PAGE_KERNEL, GFP_KERNEL), 0);
	pte = lookup_pte(va, NULL);
	EXPECT_EQ(t, pte & PTE_ADDR_MASK, page_to_phys(p));
	*(volatile int *)va = 0x1234; /* the same memory, two addresses */
	EXPECT_EQ(t, *(int *)page_address(p), 0x1234);
	unmap_page(va);
	EXPECT_EQ(t, lookup_pte(va, NULL), 0);
	__free_page(p);
}

TEST_CASE(paging_test_buddy_split_and_merge)
{
	unsigned long free_before = nr_free_pages();
	struct page *a = alloc_pages(GFP_KERNEL, 3);
	struct page *b;

	ASSERT_NOT_NULL(t, a);
	EXPECT_EQ(t, page_to_pfn(a) % 8, 0); /* naturally aligned */
	EXPECT_EQ(t, nr_free_pages(), free_before - 8);
	b = alloc_pages(GFP_KERNEL, 0);
	ASSERT_NOT_NULL(t, b);
	EXPECT_EQ(t, nr_free_pages(), free_before - 9);
	__free_pages(a, 3);
	__free_pages(b, 0);
	EXPECT_EQ(t, nr_free_pages(), free_before);
}

TEST_CASE(paging_test_zeroed_page_is_zero)
{
	unsigned long p = __get_free_page(GFP_KERNEL);
	unsigned long z;

	ASSERT_NE(t, p, 0);
	memset((void *)p, 0xab, PAGE_SIZE);
	free_page(p);
	z = get_zeroed_page(GFP_KERNEL);
	ASSERT_NE(t, z, 0);
	for (size_t i = 0; i < PAGE_SIZE; i++)
		if (((unsigned char *)z)[i])
			EXPECT_EQ(t, ((unsigned char *)z)[i], 0);
	free_page(z);
}

TEST_CASE(paging_test_too_large_order_fails)
{
	EXPECT_NULL(t, alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_ORDER));
}

#define SIZE_2M	  (1UL << 21)
#define MMIO_PHYS 0xfe000000UL /* the PCI hole: mapped here, never touched */

/*
 * A page of ioremap space, placed so that the next area (after the one
 * unmapped page) starts in the same page table, at least two pages before
 * its end.  Every probe stays mapped: ioremap is permanent.
 */
static unsigned long ioremap_probe(void)
{
	unsigned long va;

	do {
		va = (unsigned long)ioremap(MMIO_PHYS, PAGE_SIZE);
	} while (va && (va & (SIZE_2M - 1)) > SIZE_2M - 4 * PAGE_SIZE);
	return va;
}

/*
 * 4 MiB from inside a page table that exists crosses into two new ones:
 * the first is allocated, the second (the 2nd eligible page allocation)
 * fails, with pages mapped on both sides of the first boundary.
 */
TEST_CASE(paging_test_failed_ioremap_leaves_nothing_mapped)
{
	const size_t len = 2 * SIZE_2M;
	unsigned long a = ioremap_probe(), b, free_before, tables_before, failures;
	unsigned long still_mapped = 0;
	void *p;

	ASSERT_NE(t, a, 0);
	free_before = nr_free_pages();
	tables_before = pgtable_pages;
	fault_attr_reset(&fail_page_alloc);
	fail_page_alloc.min_order = 0;
	fail_page_alloc.nth = 2;
	p = ioremap(MMIO_PHYS, len);
	failures = fail_page_alloc.failures;
	fault_attr_reset(&fail_page_alloc);
	EXPECT_NULL(t, p);
	EXPECT_EQ(t, failures, 1);
	EXPECT_EQ(t, pgtable_pages, tables_before); /* the new, now empty, table freed */
	EXPECT_EQ(t, nr_free_pages(), free_before);
	/* The failed area was the next one: after a's page and its unmapped page. */
	for (unsigned long va = a + 2 * PAGE_SIZE; va < a + 2 * PAGE_SIZE + len; va += PAGE_SIZE)
		still_mapped += lookup_pte(va, NULL) != 0;
	EXPECT_EQ(t, still_mapped, 0);
	b = (unsigned long)ioremap(MMIO_PHYS, PAGE_SIZE);
	EXPECT_EQ(t, b, a + 2 * PAGE_SIZE); /* the failed call's addresses, given back */
}

/* iounmap removes every page of the area, up to the unmapped page after it, and only those. */
TEST_CASE(paging_test_iounmap_unmaps_the_whole_area)
{
	unsigned long tables, next;
	char *p = ioremap(MMIO_PHYS + 0x10, 3 * PAGE_SIZE - 0x20); /* three pages, an offset in */
	unsigned long va;

	ASSERT_NOT_NULL(t, p);
	va = (unsigned long)p & ~(PAGE_SIZE - 1);
	for (int i = 0; i < 3; i++)
		EXPECT_NE(t, lookup_pte(va + i * PAGE_SIZE, NULL), 0);
	next = (unsigned long)ioremap(MMIO_PHYS, PAGE_SIZE); /* the area after ours stays */
	ASSERT_NE(t, next, 0);
	tables = pgtable_pages;
	iounmap(p);
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(t, lookup_pte(va + i * PAGE_SIZE, NULL), 0);
	EXPECT_NE(t, lookup_pte(next, NULL), 0);
	EXPECT_EQ(t, pgtable_pages, tables); /* its tables are kept (3.10 keeps them too) */
	iounmap((void *)next);
	EXPECT_EQ(t, lookup_pte(next, NULL), 0);
	iounmap(NULL); /* ignored */
}

/*
 * The trampoline page stays below the EBDA (kernel/smpboot.c copies code
 * there): realmode_limit takes the lower of the BDA's EBDA start and base
 * memory size, and refuses values no BIOS would give.
 */
TEST_CASE(paging_test_trampoline_page_stays_below_the_ebda)
{
	EXPECT_EQ(t, realmode_limit(0x9fc0, 639), 0x9fc00);  /* QEMU's SeaBIOS */
	EXPECT_EQ(t, realmode_limit(0x9000, 639), 0x90000);  /* an EBDA inside reported RAM */
	EXPECT_EQ(t, realmode_limit(0, 600), 600 << 10);     /* no EBDA */
	EXPECT_EQ(t, realmode_limit(0x9fc0, 2000), 0x9fc00); /* base memory past 640 KiB */
	EXPECT_EQ(t, realmode_limit(0, 2000), 0x9f000);	     /* both absurd: the cap */
	EXPECT_EQ(t, realmode_limit(0x0100, 639), 0x9f000);  /* EBDA at 4 KiB: not believed */
	/* This machine's page ends at or below its EBDA. */
	ASSERT_NE(t, realmode_trampoline_pa, 0);
	EXPECT_LE(t, realmode_trampoline_pa + PAGE_SIZE,
		  realmode_limit(*(const u16 *)__va(0x40e), *(const u16 *)__va(0x413)));
}

static const struct ktest_case paging_cases[] = {
	KTEST(paging_test_text_is_read_only_and_executable),
	KTEST(paging_test_rodata_read_only_no_execute),
	KTEST(paging_test_data_bss_and_stacks_no_execute),
	KTEST(paging_test_guard_pages_unmapped),
	KTEST(paging_test_ist_stacks_have_guard_pages),
	KTEST(paging_test_null_and_low_memory_unmapped),
	KTEST(paging_test_direct_map_covers_all_ram),
	KTEST(paging_test_map_and_unmap_a_page),
	KTEST(paging_test_buddy_split_and_merge),
	KTEST(paging_test_zeroed_page_is_zero),
	KTEST(paging_test_too_large_order_fails),
	KTEST(paging_test_failed_ioremap_leaves_nothing_mapped),
	KTEST(paging_test_iounmap_unmaps_the_whole_area),
	KTEST(paging_test_trampoline_page_stays_below_the_ebda),
	{}
};
TEST_SUITE(paging, paging_cases);
