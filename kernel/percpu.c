/*
 * SPDX-License-Identifier: MIT
 * kernel/percpu.c - the per-CPU areas and the preemption check
 * (include/kernel/percpu.h tells the idea).
 *
 * CPU 0's area is reserved in .bss by linker.ld and filled first thing in
 * start_kernel, before anything uses a per-CPU variable; the other possible
 * CPUs get theirs from the page allocator in smp_init(), before they start.
 * Every area is a copy of the template as the loader left it: the template
 * itself is never written.
 */
#include <arch/x86.h>
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <mm/gfp.h>
#include <mm/mm.h>
#include <errno.h>
#include <string.h>

unsigned long __per_cpu_offset[NR_CPUS];
DEFINE_PER_CPU(unsigned int, cpu_number);
DEFINE_PER_CPU(unsigned long, this_cpu_off);

static size_t percpu_size(void)
{
	return __per_cpu_end - __per_cpu_start;
}

/* Fill @area from the template and make it CPU @cpu's. */
static void percpu_area_init(unsigned int cpu, char *area)
{
	unsigned long off = (unsigned long)area - (unsigned long)__per_cpu_start;

	memcpy(area, __per_cpu_start, percpu_size());
	__per_cpu_offset[cpu] = off;
	per_cpu(cpu_number, cpu) = cpu;
	per_cpu(this_cpu_off, cpu) = off;
}

void percpu_load_cpu(unsigned int cpu)
{
	wrmsr(MSR_GS_BASE, __per_cpu_offset[cpu]);
}

void percpu_init_boot_cpu(void)
{
	percpu_area_init(0, __per_cpu0_area);
	percpu_load_cpu(0);
}

int setup_per_cpu_areas(void)
{
	/* The dynamic part after the copy: zeroed (mm/percpu.c's alloc_percpu promise). */
	unsigned int order = get_order(percpu_size() + PERCPU_DYNAMIC_SIZE);

	for (unsigned int cpu = 1; cpu < nr_cpu_ids; cpu++) {
		struct page *page;

		if (__per_cpu_offset[cpu])
			continue; /* set up by an earlier call */
		page = alloc_pages(GFP_KERNEL | __GFP_ZERO, order);
		if (!page)
			return -ENOMEM;
		percpu_area_init(cpu, page_address(page));
	}
	return 0;
}

#ifdef CONFIG_DEBUG_PREEMPT
unsigned long preempt_check_reports;

/* 3.10 checks smp_processor_id() only; we __this_cpu_*() too, as 3.15: docs/linux-3.10.md */
/*
 * As 3.10's debug_smp_processor_id(): the CPU number is stable with
 * preemption or interrupts off, for a thread allowed on this CPU only, and
 * at boot, when one thread runs.
 */
void check_preemption_disabled(const char *what)
{
	static struct ratelimit_state rs;
	unsigned int cpu = raw_smp_processor_id();
	struct task_struct *t;

	if (likely(preempt_count() || irqs_disabled()))
		return;
	t = current;
	if (!scheduler_running || oops_in_progress || !t || t->cpus_allowed == (1ULL << cpu))
		return;
	preempt_disable();
	preempt_check_reports++;
	if (__ratelimit(&rs, 1000, 10)) {
		printk(KERN_ERR "BUG: using %s in preemptible [%08x] code: %s/%d\n", what,
		       preempt_count() - 1, t->comm, t->pid);
		unsigned long caller = (unsigned long)__builtin_return_address(0), off = 0;
		const char *name = ksym_lookup(caller, &off, NULL);

		printk(KERN_ERR "caller is %s+%#lx\n", name ? name : "?", off);
		dump_stack();
	}
	preempt_enable_no_resched();
}
#endif
