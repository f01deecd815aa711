/*
 * SPDX-License-Identifier: MIT
 * mm/tlb.c - TLB shootdown: when a kernel mapping goes away, every CPU
 * forgets it, not just the one that changed the page table.
 *
 * Each CPU caches translations in its own TLB; INVLPG empties only the
 * TLB of the CPU that runs it (Intel SDM vol. 3, 4.10.5).  So a CPU that
 * removes a mapping another CPU has used must ask that CPU, by IPI, to
 * run INVLPG too, and wait until it has - only then may the page (or the
 * page-table page) be used for something else:
 *
 *   CPU 0: iounmap(va)                          CPU 1 (read va before: TLB has it)
 *     clear the PTE (pgtable_lock)
 *     invlpg va
 *     IPI "flush [va, va+len)" --------------->  interrupt: invlpg va
 *     wait ...                                   done
 *     <---------------------------------------   (csd released)
 *     free the page / reuse the address          next read of va: page fault
 *
 * 3.10's flush_tlb_kernel_range() does this with on_each_cpu(); so do we.
 * Waiting for other CPUs needs interrupts on (kernel/smp.c), which is why
 * a stack freed in the scheduler (interrupts off) is flushed lazily:
 * mm/paging.c.
 */
#include <arch/x86.h>
#include <kernel/irqflags.h>
#include <kernel/panic.h>
#include <kernel/smp.h>
#include <mm/mm.h>
#include <mm/paging.h>

/* A range to flush (passed to every CPU's IPI; on the caller's stack, which waits). */
struct flush_tlb_info {
	unsigned long start, end; /* page-aligned, end exclusive */
};

/* IPI (or here): drop [start, end) from this CPU's TLB.  Interrupts off. */
static void do_kernel_range_flush(void *info)
{
	const struct flush_tlb_info *f = info;

	for (unsigned long va = f->start; va < f->end; va += PAGE_SIZE)
		invlpg(va);
}

void flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
	struct flush_tlb_info f = { ALIGN_DOWN(start, PAGE_SIZE), ALIGN_UP(end, PAGE_SIZE) };
	unsigned long flags;

	if (irqs_disabled()) {
		/* Cannot wait for the others (kernel/smp.c): a caller bug unless we are alone. */
		WARN_ON_ONCE(num_online_cpus() > 1);
		local_irq_save(flags);
		do_kernel_range_flush(&f);
		local_irq_restore(flags);
		return;
	}
	on_each_cpu(do_kernel_range_flush, &f, 1);
}
