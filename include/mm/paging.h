/*
 * SPDX-License-Identifier: MIT
 * mm/paging.h - the kernel's page tables and virtual areas.
 *
 * x86_64 four-level paging (Intel SDM vol. 3, 4.5): a virtual address is cut
 * into four 9-bit table indexes and a 12-bit offset.
 *
 *   47      39 38      30 29      21 20      12 11         0
 *   +---------+----------+----------+----------+------------+
 *   |  PML4   |   PDPT   |    PD    |    PT    |   offset   |
 *   +---------+----------+----------+----------+------------+
 *
 * The kernel's tables (built by paging_init) map:
 *   - the kernel image with 4 KiB pages: text RX, rodata R+NX, data RW+NX;
 *     the guard page below the boot stack is left out;
 *   - all RAM at PAGE_OFFSET with 2 MiB pages, RW+NX;
 *   - kernel stacks and MMIO in the vmap area, on demand, 4 KiB pages.
 * Nothing maps address 0: a NULL dereference faults.
 */
#ifndef MM_PAGING_H
#define MM_PAGING_H

#include <kernel/types.h>
#include <mm/gfp.h>

#define PTE_PRESENT   (1UL << 0)
#define PTE_WRITE     (1UL << 1)
#define PTE_USER      (1UL << 2)
#define PTE_PWT	      (1UL << 3)
#define PTE_PCD	      (1UL << 4)
#define PTE_ACCESSED  (1UL << 5)
#define PTE_DIRTY     (1UL << 6)
#define PTE_HUGE      (1UL << 7) /* PS: 2 MiB page in a PD entry */
#define PTE_GLOBAL    (1UL << 8)
#define PTE_NX	      (1UL << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000UL

#define PAGE_KERNEL	    (PTE_PRESENT | PTE_WRITE | PTE_GLOBAL | PTE_NX)
#define PAGE_KERNEL_RO	    (PTE_PRESENT | PTE_GLOBAL | PTE_NX)
#define PAGE_KERNEL_EXEC    (PTE_PRESENT | PTE_GLOBAL)
#define PAGE_KERNEL_NOCACHE (PAGE_KERNEL | PTE_PCD | PTE_PWT)

/* Build the kernel page tables described above and switch to them.  Context: boot. */
void paging_init(void);

/* From now on page tables come from the page allocator, not memblock (mm_init calls it). */
void paging_allocator_ready(void);

/*
 * Map one 4 KiB page @va -> @pa with @prot (PTE_* bits).  Allocates missing
 * tables with @gfp.  Returns 0 or -ENOMEM.  Replacing a present entry
 * flushes the old one from every CPU's TLB (flush_tlb_kernel_range).
 * Context: any for a new entry; replacing one needs interrupts on, else
 * only this CPU's TLB is flushed (a warning if other CPUs are online).
 */
int map_page(unsigned long va, phys_addr_t pa, unsigned long prot, gfp_t gfp);
/*
 * Remove the mapping of @va (if any) and flush it from every CPU's TLB.
 * Context: thread, interrupts on (the other CPUs are waited for).
 */
void unmap_page(unsigned long va);

/**
 * flush_tlb_kernel_range - drop the translations of kernel addresses
 * [@start, @end) from the TLB of every online CPU: here with INVLPG, on
 * the others by IPI (on_each_cpu), returning once all have (mm/tlb.c draws
 * it).  Call it after clearing the page-table entries and before the
 * pages or the addresses are used again.
 * Context: thread or softirq, interrupts on.  With interrupts off only this
 * CPU's TLB is flushed (a warning if other CPUs are online).
 */
void flush_tlb_kernel_range(unsigned long start, unsigned long end);

/* The page-table entry that maps @va (4 KiB or 2 MiB level), or 0 if unmapped. */
u64 lookup_pte(unsigned long va, int *level);

/*
 * ioremap - map @size bytes of device memory at @phys, uncached.
 * Returns a kernel virtual address or NULL.  iounmap() removes the mapping;
 * its addresses are never handed out again.  Areas are handed out upwards from VMAP_START + 1 TiB,
 * each followed by one unmapped page.  On failure (a page-table page could
 * not be allocated) nothing of the call stays: the pages it had mapped are
 * unmapped and flushed, the page-table pages it allocated are freed, and
 * its addresses are handed out again unless a later area was meanwhile.
 * Context: thread (boot included).
 */
void *ioremap(phys_addr_t phys, size_t size);

/*
 * iounmap - remove the mapping ioremap() returned @addr for: its pages
 * (up to the unmapped page after the area) are unmapped and flushed from
 * every CPU's TLB (flush_tlb_kernel_range), so any CPU touching them
 * afterwards faults.  NULL is ignored.  Context: thread, interrupts on.
 */
void iounmap(volatile void *addr);

/*
 * vmap_stack_alloc - a kernel stack of @size bytes (a multiple of PAGE_SIZE)
 * in the vmap area with an unmapped guard page right below it.  Returns the
 * lowest stack address, or 0.  vmap_stack_free() undoes it.
 */
unsigned long vmap_stack_alloc(size_t size, gfp_t gfp);
/*
 * vmap_stack_free - unmap and free a stack of vmap_stack_alloc().  Its
 * pages go back at once; its addresses are flushed from the other CPUs'
 * TLBs lazily, before the slot is handed out again (the scheduler frees
 * a dead thread's stack with interrupts off, where no CPU may wait for
 * another's IPI).  Context: any.
 */
void vmap_stack_free(unsigned long bottom, size_t size);
/* Stack slots freed and waiting for a purge to flush them on every CPU (the tests). */
unsigned long vmap_lazy_slots(void);
/*
 * Flush them all now and make them reusable.  One purge at a time: a
 * caller that comes while another purges waits for it to finish, so on
 * return every slot that was lazy when it was called is free.
 * Context: thread, interrupts on (spins, waits for every CPU).
 */
void vmap_purge_lazy(void);

/**
 * trampoline_pgd_alloc - page tables for a CPU on its way out of real mode.
 * @pa: the page-aligned physical address of the trampoline page (below 1 MiB)
 *
 * A PML4 below 4 GiB (a CPU in 32-bit mode loads CR3 with 32 bits) that maps
 * the page at @pa at its own address, executable, for the switch to long mode,
 * and shares the kernel's higher half (its PML4 entries 256-511, so the
 * image, the direct map and vmap stacks) for the jump into the kernel: the
 * entries as they are now, so a higher-half area needing a PML4 entry made
 * later is not seen through it (the vmap stacks' entry exists from boot).
 * Returns the PML4's physical address, or 0 without memory.  Free it with
 * trampoline_pgd_free() once no CPU runs on it.  Context: thread.
 */
phys_addr_t trampoline_pgd_alloc(phys_addr_t pa);
/* Free what trampoline_pgd_alloc() returned (the kernel's shared tables stay). */
void trampoline_pgd_free(phys_addr_t pgd);
/* The physical address of the kernel's PML4, for CR3 (every CPU runs on it). */
phys_addr_t kernel_pgd_phys(void);

/* true if @addr is a guard page below a vmap stack (or the boot stack). */
bool is_stack_guard_page(unsigned long addr);

/* Pages used for page tables (kept for good, except a failed ioremap's). */
extern unsigned long pgtable_pages;

#endif
