/*
 * SPDX-License-Identifier: MIT
 * kernel/init.c - kernel_init, the first thread: the initcalls, then the
 * tests or the monitor.
 *
 * start_kernel (kernel/main.c) does only what must happen in a fixed order
 * on the boot stack (console, command line, memory, traps, scheduler,
 * interrupts, timers) and starts this thread, which gets pid 1 as Linux's
 * kernel_init does.  Here every subsystem and driver starts itself: the
 * initcalls of include/kernel/init.h, level by level, in the order linker.ld
 * lays them out.  Then the command line decides what pid 1 becomes, as
 * Linux's init= does: the tests (test=), the benchmarks (bench=), or the
 * monitor.
 *
 * Booted with `initcall_debug loglevel=8`, the console shows each call
 * and its cost, for example (3.10's format; its %pF is our ksym_format):
 *
 *   calling  blk_init+0x0/0x2a @ 1
 *   initcall blk_init+0x0/0x2a returned 0 after 97 usecs
 */
#include <kernel/boot_report.h>
#include <kernel/cmdline.h>
#include <kernel/init.h>
#include <kernel/irqflags.h>
#include <kernel/ktests.h>
#include <kernel/monitor.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/runner.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <arch/x86.h>
#include <string.h>

extern u64 boot_tsc;

#define INITCALL_NAME_LEN 128 /* "function+0xoff/0xsize" */

bool initcall_debug;
cmdline_param_bool(initcall_debug, &initcall_debug,
		   "log each initcall and its cost at KERN_DEBUG (add loglevel=8 to see them)");

/* The first call of each level, and the end of the last: the levels are back to back. */
static const initcall_t *const initcall_levels[] = {
	__initcall_start,  __initcall1_start, __initcall2_start,
	__initcall3_start, __initcall4_start, __initcall5_start,
	__initcall6_start, __initcall7_start, __initcall_end,
};

/* Call @fn between the two lines initcall_debug asks for. */
static int do_one_initcall_debug(initcall_t fn)
{
	char name[INITCALL_NAME_LEN];
	u64 start;
	int ret;

	ksym_format((unsigned long)fn, name, sizeof(name));
	printk(KERN_DEBUG "calling  %s @ %d\n", name, current->pid);
	start = ktime_get_ns();
	ret = fn();
	/* 3.10 shifts nanoseconds right by 10 and calls it usecs; so do we. */
	printk(KERN_DEBUG "initcall %s returned %d after %llu usecs\n", name, ret,
	       (unsigned long long)((ktime_get_ns() - start) >> 10));
	return ret;
}

int do_one_initcall(initcall_t fn)
{
	unsigned int count = preempt_count();
	char name[INITCALL_NAME_LEN];
	int ret = initcall_debug ? do_one_initcall_debug(fn) : fn();

	if (ret || preempt_count() != count || irqs_disabled()) /* a name only to report */
		ksym_format((unsigned long)fn, name, sizeof(name));
	/* 3.10 reports a failure only under initcall_debug; we always do: docs/linux-3.10.md */
	if (ret) {
		pr_warn("initcall %s returned %d: what it starts is not there\n", name, ret);
		name[strcspn(name, "+")] = '\0'; /* the function's name alone, for the report */
		boot_degraded("initcall %s returned %d", name, ret);
	}
	if (preempt_count() != count) {
		pr_warn("initcall %s returned with preemption imbalance (%#x, was %#x)\n", name,
			preempt_count(), count);
		WARN_ON(1);
		this_cpu_write(__preempt_count, count);
	}
	if (irqs_disabled()) {
		pr_warn("initcall %s returned with disabled interrupts\n", name);
		WARN_ON(1);
		local_irq_enable();
	}
	return ret;
}

/* linker.ld: the tests module's initcalls, whatever their level (include/kernel/ktests.h). */
extern const initcall_t __ktests_initcall_start[], __ktests_initcall_end[];

/* Every initcall, level by level; within a level in link order; the tests module's last. */
static void do_initcalls(void)
{
	for (size_t level = 0; level + 1 < ARRAY_SIZE(initcall_levels); level++) {
		const initcall_t *end = initcall_levels[level + 1];

		for (const initcall_t *fn = initcall_levels[level]; fn < end; fn++)
			do_one_initcall(*fn);
	}
	/* As a module's init runs when it is loaded, after the boot's: docs/linux-3.10.md */
	if (ktests_loaded())
		for (const initcall_t *fn = __ktests_initcall_start; fn < __ktests_initcall_end;
		     fn++)
			do_one_initcall(*fn);
}

int kernel_init(void *unused)
{
	smp_init(); /* as 3.10's kernel_init_freeable: the other CPUs before the initcalls */
	sched_init_smp();
	do_initcalls();
	boot_report();	      /* what degraded, if anything did */
	kernel_runner_boot(); /* test= or bench=: runs them and leaves QEMU */
	printk(KERN_INFO "boot: %llu TSC cycles from the multiboot entry to the monitor\n",
	       (unsigned long long)(rdtsc() - boot_tsc));
	monitor_run();
}
