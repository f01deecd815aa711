/*
 * SPDX-License-Identifier: MIT
 * mm/paging.c - build the kernel's page tables, map and unmap pages.
 *
 * Boot (boot/boot.S) left us 2 MiB mappings (the first 1 GiB at 0 and at
 * KERNEL_VMA, the first 4 GiB at PAGE_OFFSET), writable and executable
 * everywhere.  paging_init() replaces them with tables that give
 * each part of the kernel only the rights it needs (see mm/paging.h), so a
 * stray write to code or a jump into data faults instead of corrupting.
 *
 * Page-table pages come from memblock during boot and from the page
 * allocator afterwards (pgtable_pages counts them).  They stay for good,
 * except the ones a failed ioremap() allocated: it frees them again.
 *
 * Several CPUs: pgtable_lock (irqsave) guards every page-table change and
 * the vmap area's bookkeeping.  Every CPU runs on these same tables, but
 * each caches them in its own TLB, so a removed mapping is flushed on
 * every CPU (flush_tlb_kernel_range, mm/tlb.c) before its page or its
 * address is used again:
 *
 *   unmap_page, iounmap   clear, then flush every CPU (IPI), wait
 *   ioremap_undo          clear, detach empty tables, flush, free tables
 *   vmap_stack_free       clear, flush here, free the pages; the slot
 *                         stays "lazy" until vmap_purge_lazy() flushes
 *                         all lazy slots on every CPU at once, from a
 *                         thread (the next vmap_stack_alloc), and only
 *                         then hands it out again
 *
 * The lazy path is 3.10's lazy vunmap (mm/vmalloc.c: pages freed at once,
 * the TLB flush batched before the addresses are reused) for the one
 * caller that cannot wait for IPIs: finish_task_switch() reaping a dead
 * thread's stack with interrupts off.  Freeing the pages first is safe
 * because nothing may touch a freed stack's addresses; a stale TLB entry
 * elsewhere could only serve a stray access, the one thing a guard page
 * would have caught.
 */
#include <mm/mm.h>
#include <mm/paging.h>
#include <kernel/ktests.h>
#include <kernel/multiboot.h>
#include <kernel/printk.h>
#include <kernel/panic.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <arch/x86.h>
#include <errno.h>
#include <string.h>

extern char _text[], _etext[], _rodata[], _erodata[], _data[], _kernel_end[];
extern char boot_stack_guard[];

#define PTRS_PER_TABLE 512
#define SIZE_2M	       (1UL << 21)

/* The vmap area: kernel stacks first, then ioremap()ed device memory. */
#define STACK_SLOT_SIZE (32 * 1024) /* guard page + stack, padded */
#define NR_STACK_SLOTS	4096
#define IOREMAP_START	(VMAP_START + (1UL << 40))

unsigned long pgtable_pages;

static u64 *kernel_pml4;
static bool allocator_ready; /* page tables from the buddy allocator from now on */
static DEFINE_SPINLOCK(pgtable_lock);
/* One vmap_purge_lazy() at a time (3.10's purge_lock); taken before pgtable_lock. */
static DEFINE_SPINLOCK(purge_lock);

/* 3.10's stacks need no flush (direct map); we flush freed ones lazily: docs/linux-3.10.md */
/* Lazy slots past this many are flushed at the next vmap_stack_alloc (3.10's lazy_max_pages). */
#define VMAP_LAZY_MAX 32

static struct {
	u64 used[NR_STACK_SLOTS / 64]; /* bit per slot: in use, or lazy */
	unsigned long ioremap_next;    /* bump pointer */
} vmap = { .ioremap_next = IOREMAP_START };
/* Apart from vmap: zero at boot, so in .bss, not the image. */
static struct {
	u64 slots[NR_STACK_SLOTS / 64]; /* bit per slot: freed, other TLBs not yet flushed */
	unsigned long nr;		/* bits set in slots (a purge takes them all) */
} vmap_lazy;

static inline unsigned int pt_index(unsigned long va, int level)
{
	return (va >> (12 + 9 * (level - 1))) & (PTRS_PER_TABLE - 1);
}

static u64 *alloc_table(gfp_t gfp)
{
	void *t;

	if (allocator_ready) {
		t = (void *)get_zeroed_page(gfp);
		if (!t)
			return NULL;
	} else {
		t = __va(memblock_alloc(PAGE_SIZE, PAGE_SIZE));
	}
	pgtable_pages++;
	return t;
}

/*
 * Walk from the PML4 down to the table at @level (1 = the PT) for @va,
 * creating missing tables.  Returns the entry's address, or NULL if a table
 * could not be allocated or a 2 MiB page is in the way.
 */
static u64 *walk_create(unsigned long va, int level, gfp_t gfp)
{
	u64 *table = kernel_pml4;

	for (int l = 4; l > level; l--) {
		u64 *e = &table[pt_index(va, l)];

		if (!(*e & PTE_PRESENT)) {
			u64 *t = alloc_table(gfp);

			if (!t)
				return NULL;
			/* Upper levels allow everything; the leaf entry decides. */
			*e = __pa(t) | PTE_PRESENT | PTE_WRITE;
		} else if (*e & PTE_HUGE) {
			return NULL;
		}
		table = __va(*e & PTE_ADDR_MASK);
	}
	return &table[pt_index(va, level)];
}

u64 lookup_pte(unsigned long va, int *level)
{
	u64 *table = (u64 *)__va(read_cr3() & PTE_ADDR_MASK);

	for (int l = 4; l >= 1; l--) {
		u64 e = table[pt_index(va, l)];

		if (!(e & PTE_PRESENT))
			return 0;
		if (l == 1 || (l == 2 && (e & PTE_HUGE))) {
			if (level)
				*level = l;
			return e;
		}
		table = __va(e & PTE_ADDR_MASK);
	}
	return 0;
}

int map_page(unsigned long va, phys_addr_t pa, unsigned long prot, gfp_t gfp)
{
	unsigned long flags;
	bool replaced = false;
	u64 *pte;

	spin_lock_irqsave(&pgtable_lock, flags);
	pte = walk_create(va, 1, gfp & ~__GFP_WAIT);
	if (pte) {
		replaced = *pte & PTE_PRESENT;
		*pte = (pa & PTE_ADDR_MASK) | prot;
	}
	spin_unlock_irqrestore(&pgtable_lock, flags);
	if (!pte)
		return -ENOMEM;
	/* A new entry: no TLB has it.  A changed one: every CPU may have the old. */
	if (replaced && !irqs_disabled()) {
		flush_tlb_kernel_range(va, va + PAGE_SIZE);
		return 0;
	}
	/* Interrupts off: no waiting for the others, who may keep the old page (a caller bug). */
	WARN_ON_ONCE(replaced && num_online_cpus() > 1);
	invlpg(va);
	return 0;
}

/* Clear @va's 4 KiB entry, if any, and flush it here; true if it had one.  Under pgtable_lock. */
static bool __unmap_page(unsigned long va)
{
	int level;

	if (!lookup_pte(va, &level) || level != 1)
		return false;
	*walk_create(va, 1, 0) = 0; /* exists: walk allocates nothing */
	invlpg(va);
	return true;
}

void unmap_page(unsigned long va)
{
	unsigned long flags;

	spin_lock_irqsave(&pgtable_lock, flags);
	__unmap_page(va);
	spin_unlock_irqrestore(&pgtable_lock, flags);
	flush_tlb_kernel_range(va, va + PAGE_SIZE);
}

static void map_2m(unsigned long va, phys_addr_t pa, unsigned long prot)
{
	u64 *pde = walk_create(va, 2, 0);

	BUG_ON(!pde);
	if (!(*pde & PTE_PRESENT))
		*pde = pa | prot | PTE_HUGE;
}

/* The rights of the kernel image page at @va, or of the tests module's. */
static unsigned long image_prot(unsigned long va)
{
	if (va >= (unsigned long)_ktests_start)
		return va < (unsigned long)_ktests_etext  ? PAGE_KERNEL_EXEC
		       : va < (unsigned long)_ktests_data ? PAGE_KERNEL_RO
							  : PAGE_KERNEL;
	if (va < (unsigned long)_etext)
		return PAGE_KERNEL_EXEC;
	if (va < (unsigned long)_data)
		return PAGE_KERNEL_RO;
	return PAGE_KERNEL;
}

/*
 * Map [@start, @end) of the image with 4 KiB pages, leaving the boot stack's
 * guard page out.  The tables are not live yet (CR3 still holds boot.S's), so
 * there is nothing to lock and nothing to flush: one walk per page table, then
 * its entries in a row (map_page per page cost ~570 instructions, 0.7 M at boot).
 */
static void map_image(unsigned long start, unsigned long end)
{
	unsigned long va = ALIGN_DOWN(start, PAGE_SIZE);
	u64 *pte = NULL;

	for (; va < end; va += PAGE_SIZE, pte++) {
		if (!pte || !(va & (SIZE_2M - 1))) /* the first page, or a new page table */
			pte = walk_create(va, 1, 0);
		BUG_ON(!pte);
		if (va != (unsigned long)boot_stack_guard)
			*pte = (va - KERNEL_VMA) | image_prot(va);
	}
}

/* The kernel image; the tests module only if loaded: its addresses fault otherwise. */
static void map_kernel_image(void)
{
	map_image((unsigned long)_text, (unsigned long)_kernel_end);
	if (ktests_loaded())
		map_image((unsigned long)_ktests_start, (unsigned long)_ktests_end);
}

/* The direct map: every RAM and ACPI region, plus the first 2 MiB (BIOS data, ACPI RSDP). */
static void map_direct(void)
{
	map_2m(PAGE_OFFSET, 0, PAGE_KERNEL);
	for (int i = 0; i < boot_info.nr_regions; i++) {
		const struct mem_region *r = &boot_info.regions[i];
		u64 pa;

		if (r->type != MULTIBOOT_MEMORY_AVAILABLE &&
		    r->type != MULTIBOOT_MEMORY_ACPI_RECLAIMABLE && r->type != MULTIBOOT_MEMORY_NVS)
			continue;
		for (pa = ALIGN_DOWN(r->start, SIZE_2M); pa < r->end; pa += SIZE_2M)
			map_2m(PAGE_OFFSET + pa, pa, PAGE_KERNEL);
	}
}

void paging_init(void)
{
	kernel_pml4 = alloc_table(0);
	map_kernel_image();
	map_direct();
	write_cr3(__pa(kernel_pml4));
	pr_info("paging: kernel text RX, rodata RO, data NX, %lu page-table pages\n",
		pgtable_pages);
}

void paging_allocator_ready(void)
{
	allocator_ready = true;
}

/* true if no entry of the page-table page @table is in use. */
static bool table_empty(const u64 *table)
{
	for (int i = 0; i < PTRS_PER_TABLE; i++)
		if (table[i])
			return false;
	return true;
}

/*
 * Detach the empty page-table pages on the walk to @va, from the lowest
 * one that exists upwards, stopping at the first table still in use; never
 * the PML4.  They go on @out (through their struct page's lru) for the
 * caller to free once every CPU has flushed the walk (their paging-structure
 * caches may still point at them).  Caller holds pgtable_lock.
 */
static void detach_empty_tables(unsigned long va, struct list_head *out)
{
	u64 *entry[5]; /* entry[l]: the level-l entry pointing to the table below */
	u64 *table = kernel_pml4;
	int l;

	for (l = 4; l > 1; l--) {
		u64 *e = &table[pt_index(va, l)];

		if (!(*e & PTE_PRESENT) || (*e & PTE_HUGE))
			break;
		entry[l] = e;
		table = __va(*e & PTE_ADDR_MASK);
	}
	for (l++; l <= 4; l++) {
		u64 *t = __va(*entry[l] & PTE_ADDR_MASK);

		if (!table_empty(t))
			return;
		*entry[l] = 0;
		/* INVLPG also drops every cached walk (SDM 4.10.4.1): none may reach @t here. */
		invlpg(va);
		list_add(&virt_to_page(t)->lru, out);
	}
}

/*
 * Undo an ioremap() that failed after mapping @mapped bytes of its @len at
 * @va: unmap those pages (unmap_page flushes each from the TLB), free the
 * page-table pages left empty, and hand the addresses out again if no
 * later area was taken meanwhile (if one was, the hole stays unused).
 * Every empty table here is one this call allocated: a table under an
 * ioremap()ed page holds that page's entry for good (there is no iounmap),
 * and the tables of earlier failures were freed by this function.
 */
static void ioremap_undo(unsigned long va, size_t mapped, size_t len)
{
	unsigned long flags;

	LIST_HEAD(tables);

	/* 3.10 keeps tables, frees the area; we free tables, area if last: docs/linux-3.10.md */
	spin_lock_irqsave(&pgtable_lock, flags);
	for (size_t off = 0; off < mapped; off += PAGE_SIZE)
		__unmap_page(va + off);
	/* Up to va + mapped: the failed page may have got its upper tables. */
	for (unsigned long a = ALIGN_DOWN(va, SIZE_2M); a <= va + mapped; a += SIZE_2M)
		detach_empty_tables(a, &tables);
	if (vmap.ioremap_next == va + len + PAGE_SIZE)
		vmap.ioremap_next = va;
	spin_unlock_irqrestore(&pgtable_lock, flags);
	/* Every CPU forgets the pages and the walks through the tables, then the tables go. */
	flush_tlb_kernel_range(ALIGN_DOWN(va, SIZE_2M), ALIGN_UP(va + mapped + 1, SIZE_2M));
	while (!list_empty(&tables)) {
		struct page *p = list_first_entry(&tables, struct page, lru);

		list_del(&p->lru);
		free_page((unsigned long)page_address(p));
		pgtable_pages--;
	}
}

void *ioremap(phys_addr_t phys, size_t size)
{
	phys_addr_t start = ALIGN_DOWN(phys, PAGE_SIZE);
	size_t len = ALIGN_UP(phys + size, PAGE_SIZE) - start;
	unsigned long flags, va;

	spin_lock_irqsave(&pgtable_lock, flags);
	va = vmap.ioremap_next;
	vmap.ioremap_next += len + PAGE_SIZE; /* an unmapped page between mappings */
	spin_unlock_irqrestore(&pgtable_lock, flags);

	for (size_t off = 0; off < len; off += PAGE_SIZE) {
		if (map_page(va + off, start + off, PAGE_KERNEL_NOCACHE, GFP_KERNEL)) {
			ioremap_undo(va, off, len);
			return NULL;
		}
	}
	return (void *)(va + (phys - start));
}

void iounmap(volatile void *addr)
{
	unsigned long start = ALIGN_DOWN((unsigned long)addr, PAGE_SIZE), va = start, flags;

	if (!addr)
		return;
	if (WARN_ON_ONCE(start < IOREMAP_START || start >= vmap.ioremap_next))
		return; /* not from ioremap */
	/* 3.10 frees the area; we keep tables, never reuse addresses: docs/linux-3.10.md */
	spin_lock_irqsave(&pgtable_lock, flags);
	while (__unmap_page(va)) /* the unmapped page after each area ends the walk */
		va += PAGE_SIZE;
	spin_unlock_irqrestore(&pgtable_lock, flags);
	flush_tlb_kernel_range(start, va);
}

static unsigned long stack_slot_va(unsigned int slot)
{
	return VMAP_START + (unsigned long)slot * STACK_SLOT_SIZE;
}

static bool slot_test(const u64 *map, unsigned int i)
{
	return map[i / 64] >> (i % 64) & 1;
}

/* A slot neither in use nor waiting for its flush, marked used; -1 if none. */
static int stack_slot_get(void)
{
	unsigned long flags;
	int slot = -1;

	spin_lock_irqsave(&pgtable_lock, flags);
	for (unsigned int i = 0; i < NR_STACK_SLOTS; i++) {
		if (!slot_test(vmap.used, i)) {
			vmap.used[i / 64] |= 1UL << (i % 64);
			slot = (int)i;
			break;
		}
	}
	spin_unlock_irqrestore(&pgtable_lock, flags);
	return slot;
}

static void stack_slot_put(unsigned int slot)
{
	unsigned long flags;

	spin_lock_irqsave(&pgtable_lock, flags);
	vmap.used[slot / 64] &= ~(1UL << (slot % 64));
	spin_unlock_irqrestore(&pgtable_lock, flags);
}

/* IPI (or here): drop every page of the slots in @info (a lazy bitmap) from this CPU's TLB. */
static void flush_lazy_slots(void *info)
{
	const u64 *lazy = info;

	for (unsigned int i = 0; i < NR_STACK_SLOTS; i++)
		if (slot_test(lazy, i))
			for (unsigned long off = 0; off < STACK_SLOT_SIZE; off += PAGE_SIZE)
				invlpg(stack_slot_va(i) + off);
}

/*
 * Move every lazy slot into @lazy: from here on they are this purger's
 * alone (another purger, or a slot freed meanwhile, sets or clears only
 * bits not in @lazy), and the count drops now, by what was taken, so it
 * never counts a slot twice.  Their vmap.used bits stay set: nobody can be
 * handed one before vmap_lazy_release().  Returns how many were taken.
 */
static unsigned long vmap_lazy_take(u64 *lazy)
{
	unsigned long flags, nr;

	spin_lock_irqsave(&pgtable_lock, flags);
	memcpy(lazy, vmap_lazy.slots, sizeof(vmap_lazy.slots));
	memset(vmap_lazy.slots, 0, sizeof(vmap_lazy.slots));
	nr = vmap_lazy.nr;
	WRITE_ONCE(vmap_lazy.nr, 0);
	spin_unlock_irqrestore(&pgtable_lock, flags);
	return nr;
}

/* The slots in @lazy are flushed on every CPU: free for the next stack. */
static void vmap_lazy_release(const u64 *lazy)
{
	unsigned long flags;

	spin_lock_irqsave(&pgtable_lock, flags);
	for (unsigned int w = 0; w < NR_STACK_SLOTS / 64; w++)
		vmap.used[w] &= ~lazy[w]; /* only ours: taken, so still marked used */
	spin_unlock_irqrestore(&pgtable_lock, flags);
}

void vmap_purge_lazy(void)
{
	u64 lazy[NR_STACK_SLOTS / 64];

	if (WARN_ON_ONCE(irqs_disabled()))
		return;
	/*
	 * 3.10's purge_lock: one purge at a time, so a caller that finds the
	 * count at 0 because another purge has taken the slots waits until
	 * that one has flushed and released them (vmap_stack_alloc's retry).
	 * Held with interrupts on: the holder's IPIs are answered by a CPU
	 * spinning here.
	 */
	spin_lock(&purge_lock);
	/* 3.10's purge_vmap_area_lazy: one flush on every CPU for all of them. */
	if (vmap_lazy_take(lazy)) {
		on_each_cpu(flush_lazy_slots, lazy, 1);
		vmap_lazy_release(lazy);
	}
	spin_unlock(&purge_lock);
}

unsigned long vmap_lazy_slots(void)
{
	return READ_ONCE(vmap_lazy.nr);
}

unsigned long vmap_stack_alloc(size_t size, gfp_t gfp)
{
	unsigned long bottom;
	size_t done;
	int slot;

	/* A thread may wait for IPIs: flush the stacks the scheduler freed (below). */
	if (READ_ONCE(vmap_lazy.nr) >= VMAP_LAZY_MAX && !irqs_disabled())
		vmap_purge_lazy();
	slot = stack_slot_get();
	if (slot < 0 && !irqs_disabled()) {
		vmap_purge_lazy(); /* every slot used or lazy: the lazy ones can be had */
		slot = stack_slot_get();
	}
	if (slot < 0 || size + PAGE_SIZE > STACK_SLOT_SIZE)
		goto out_slot;
	bottom = stack_slot_va(slot) + PAGE_SIZE; /* the slot's first page is the guard */
	for (done = 0; done < size; done += PAGE_SIZE) {
		struct page *p = alloc_page(gfp);

		if (!p || map_page(bottom + done, page_to_phys(p), PAGE_KERNEL, gfp)) {
			if (p)
				__free_page(p);
			goto out_unmap;
		}
	}
	return bottom;

out_unmap:
	vmap_stack_free(bottom, done);
	return 0;
out_slot:
	if (slot >= 0)
		stack_slot_put(slot);
	return 0;
}

void vmap_stack_free(unsigned long bottom, size_t size)
{
	unsigned int slot = (bottom - VMAP_START) / STACK_SLOT_SIZE;
	struct page *pages[STACK_SLOT_SIZE / PAGE_SIZE];
	unsigned int nr = 0;
	unsigned long flags;

	spin_lock_irqsave(&pgtable_lock, flags);
	for (size_t off = 0; off < size && nr < ARRAY_SIZE(pages); off += PAGE_SIZE) {
		int level;
		u64 pte = lookup_pte(bottom + off, &level);

		if (__unmap_page(bottom + off))
			pages[nr++] = pfn_to_page((pte & PTE_ADDR_MASK) >> PAGE_SHIFT);
	}
	if (num_online_cpus() == 1) {
		vmap.used[slot / 64] &= ~(1UL << (slot % 64)); /* flushed above, the only TLB */
	} else {
		/* Other CPUs' TLBs may still hold the addresses: the slot waits for a purge. */
		vmap_lazy.slots[slot / 64] |= 1UL << (slot % 64);
		vmap_lazy.nr++;
	}
	spin_unlock_irqrestore(&pgtable_lock, flags);
	/* Nothing may touch a freed stack's addresses: its pages can go now (lazy vunmap). */
	while (nr)
		__free_page(pages[--nr]);
}

bool is_stack_guard_page(unsigned long addr)
{
	unsigned long guard = (unsigned long)boot_stack_guard;

	if (addr >= guard && addr < guard + PAGE_SIZE)
		return true;
	if (addr < VMAP_START ||
	    addr >= VMAP_START + (unsigned long)NR_STACK_SLOTS * STACK_SLOT_SIZE)
		return false;
	return (addr - VMAP_START) % STACK_SLOT_SIZE < PAGE_SIZE;
}

phys_addr_t kernel_pgd_phys(void)
{
	return __pa(kernel_pml4);
}

/* Table pages of a trampoline PGD: PML4, then the PDPT, PD and PT of its one low page. */
#define TRAMPOLINE_TABLES 4

phys_addr_t trampoline_pgd_alloc(phys_addr_t pa)
{
	u64 *t[TRAMPOLINE_TABLES];
	int i;

	for (i = 0; i < TRAMPOLINE_TABLES; i++) {
		t[i] = (u64 *)get_zeroed_page(GFP_KERNEL | __GFP_DMA32);
		if (!t[i])
			goto fail;
	}
	/* The higher half: the very same lower-level tables as the kernel's. */
	for (i = PTRS_PER_TABLE / 2; i < PTRS_PER_TABLE; i++)
		t[0][i] = kernel_pml4[i];
	/* The low page at its own address; no NX: the trampoline executes there. */
	t[0][pt_index(pa, 4)] = __pa(t[1]) | PTE_PRESENT | PTE_WRITE;
	t[1][pt_index(pa, 3)] = __pa(t[2]) | PTE_PRESENT | PTE_WRITE;
	t[2][pt_index(pa, 2)] = __pa(t[3]) | PTE_PRESENT | PTE_WRITE;
	t[3][pt_index(pa, 1)] = (pa & PTE_ADDR_MASK) | PTE_PRESENT | PTE_WRITE;
	return __pa(t[0]);

fail:
	while (i-- > 0)
		free_page((unsigned long)t[i]);
	return 0;
}

void trampoline_pgd_free(phys_addr_t pgd)
{
	u64 *t = __va(pgd);

	/* Only the low half's chain is ours: PML4 -> PDPT -> PD -> PT of the one page. */
	for (int i = 0; i < PTRS_PER_TABLE / 2; i++) {
		u64 *pdpt, *pd;

		if (!(t[i] & PTE_PRESENT))
			continue;
		pdpt = __va(t[i] & PTE_ADDR_MASK);
		for (int j = 0; j < PTRS_PER_TABLE; j++) {
			if (!(pdpt[j] & PTE_PRESENT))
				continue;
			pd = __va(pdpt[j] & PTE_ADDR_MASK);
			for (int k = 0; k < PTRS_PER_TABLE; k++)
				if (pd[k] & PTE_PRESENT)
					free_page((unsigned long)__va(pd[k] & PTE_ADDR_MASK));
			free_page((unsigned long)pd);
		}
		free_page((unsigned long)pdpt);
	}
	free_page((unsigned long)t);
}
