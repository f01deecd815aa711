/*
 * SPDX-License-Identifier: MIT
 * kernel/main.c - start_kernel: from the first C line to the first thread.
 *
 * boot/boot.S calls start_kernel(magic, mbi) on the boot stack with
 * interrupts off.  Only what must happen here, in this order, does; each
 * step needs the ones above:
 *
 *   multiboot_save   copy what the loader said before its memory is reused
 *   ktests_load      the tests module into place, if the loader passed it
 *   clear_bss        .bss to zero: the loader zeroes only .boot.bss
 *   percpu_init_boot_cpu  CPU 0's per-CPU area, %gs (kernel/percpu.h)
 *   serial_init      a console, so everything after can print
 *   multiboot_parse  check the copy into boot_info; ktests_report
 *   cmdline_init     options such as loglevel= apply from here on
 *   fault_inject_init  fail_page_alloc=, failslab= (mm/fault_inject.h)
 *   setup_memory_map the loader's memory map as 3.10's e820 map, printed
 *   mm_init          page tables and the page allocator
 *   trap_init        GDT, TSS, IDT: exceptions are reported, not fatal
 *   sched_init       the boot thread becomes the idle task (pid 0)
 *   irq_init         interrupt controllers
 *   timers_init, time_init   TSC calibration, the periodic tick
 *   local_irq_enable
 *   kernel_init      the first thread, pid 1 (kernel/init.c)
 *
 * Then the boot thread becomes the idle loop, and kernel_init, as 3.10's,
 * runs everything else through the initcalls of include/kernel/init.h,
 * level by level: ksoftirqd (early), the block layer, the network core and
 * PCI enumeration (subsys), IPv4 and lo (fs), the drivers: ram0, virtio-blk,
 * virtio-net (device), the UDP echo service and the monitor's console
 * input (late).  Last it becomes the monitor, or runs the tests (test=)
 * or the benchmarks (bench=).  docs/boot.md follows all of it.
 */
#include <arch/e820.h>
#include <arch/traps.h>
#include <drivers/serial.h>
#include <kernel/boot_report.h>
#include <kernel/cmdline.h>
#include <kernel/err.h>
#include <kernel/init.h>
#include <kernel/irq.h>
#include <kernel/ktests.h>
#include <kernel/multiboot.h>
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <kernel/version.h>
#include <mm/fault_inject.h>
#include <mm/mm.h>
#include <string.h>

extern char _bss[], _ebss[];

/*
 * The loader zeroes only .boot.bss (bss_end_addr, boot/boot.S); the rest of
 * .bss is cleared here, as 3.10's x86_64_start_kernel calls clear_bss().
 * QEMU's -kernel would otherwise fault in and zero a buffer of its own for
 * every page of it (docs/boot.md, section 3).
 */
static void clear_bss(void)
{
	memset(_bss, 0, _ebss - _bss);
}

void start_kernel(u32 magic, u64 mbi_phys)
{
	struct task_struct *init;
	unsigned int tries;

	multiboot_save(magic, mbi_phys); /* QEMU's loader leaves the command line in .bss */
	ktests_load();			 /* ... and the tests module too */
	clear_bss();
	percpu_init_boot_cpu(); /* before anything touches a per-CPU variable (current) */
	serial_init();
	printk(KERN_NOTICE "%s\n", kernel_banner);
	multiboot_parse();
	ktests_report();
	printk(KERN_NOTICE "Command line: %s\n", boot_info.cmdline);
	cmdline_init(boot_info.cmdline);
	fault_inject_init(); /* fail_page_alloc=, failslab= apply from the first allocation */
	if (boot_info.loader[0])
		printk(KERN_INFO "Boot loader: %s\n", boot_info.loader);
	setup_memory_map();

	mm_init();
	trap_init();
	sched_init();
	irq_init();
	timers_init();
	time_init();

	scheduler_running = true;
	local_irq_enable();

	/* The first thread, so pid 1, as Linux's kernel_init: every other thread comes after. */
	/* 3.10 then starts kthreadd (pid 2); we have none: docs/linux-3.10.md */
	init = ERR_PTR(-ENOMEM);
	for (tries = 0; IS_ERR(init) && tries < BOOT_ESSENTIAL_TRIES; tries++)
		init = kthread_create(kernel_init, NULL, "init");
	/* Reported before it runs: it prints the report at the end of boot. */
	boot_essential_retried("the init thread", IS_ERR(init) ? PTR_ERR(init) : -ENOMEM, tries,
			       !IS_ERR(init));
	if (IS_ERR(init))
		panic("cannot start the init thread: %ld", PTR_ERR(init));
	wake_up_process(init);
	cpu_idle_loop();
}
