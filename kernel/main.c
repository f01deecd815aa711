/*
 * kernel/main.c - start_kernel: from the first C line to a running system.
 *
 * boot/boot.S calls start_kernel(magic, mbi) on the boot stack with
 * interrupts off.  The order below matters; each step needs the ones above:
 *
 *   serial_init      a console, so everything after can print
 *   multiboot_parse  copy what the loader said before its memory is reused
 *   cmdline_init     options such as loglevel= apply from here on
 *   fault_inject_init  fail_page_alloc=, failslab= (mm/fault_inject.h)
 *   mm_init          page tables and the page allocator
 *   trap_init        GDT, TSS, IDT: exceptions are reported, not fatal
 *   sched_init       the boot thread becomes the idle task
 *   irq_init         interrupt controllers
 *   softirq_init     bottom halves and ksoftirqd (the first thread)
 *   timers_init, time_init   TSC calibration, the periodic tick
 *   net_init         skb caches, NAPI softirqs, loopback, IPv4, echo service:
 *                    before pci_init, whose NIC drivers register net_devices
 *   blk_init         bio sets, request cache, BLOCK_SOFTIRQ, ram0: before pci_init too
 *   pci_init         find the PCI devices, bind their drivers
 *   local_irq_enable
 *
 * Then kernel_init, a thread, runs the tests (test=...) or the monitor, and
 * the boot thread becomes the idle loop.
 */
#include <block/blkdev.h>
#include <drivers/pci.h>
#include <drivers/serial.h>
#include <kernel/bench.h>
#include <kernel/cmdline.h>
#include <kernel/err.h>
#include <kernel/irq.h>
#include <kernel/ktest.h>
#include <kernel/monitor.h>
#include <kernel/multiboot.h>
#include <kernel/panic.h>
#include <kernel/power.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/softirq.h>
#include <kernel/time.h>
#include <kernel/version.h>
#include <mm/fault_inject.h>
#include <mm/mm.h>
#include <net/netdevice.h>

extern bool scheduler_running;
extern u64 boot_tsc;

static char test_filter[256];
cmdline_param_string(test, test_filter, "run these test suites (all, suite, suite.case, a,b) and exit");
static char bench_filter[64];
cmdline_param_string(bench, bench_filter, "run the in-guest benchmarks (all, or a name prefix) and exit");

static int kernel_init(void *unused)
{
	if (test_filter[0]) {
		int failed = ktest_run(test_filter);

		qemu_exit(failed ? EXIT_FAILED : EXIT_OK);
	}
	if (bench_filter[0]) {
		bench_run(bench_filter);
		qemu_exit(EXIT_OK);
	}
	printk(KERN_INFO "boot: %llu TSC cycles from the multiboot entry to the monitor\n",
	       (unsigned long long)(rdtsc() - boot_tsc));
	monitor_run();
}

void start_kernel(u32 magic, u64 mbi_phys)
{
	struct task_struct *init;

	serial_init();
	printk(KERN_NOTICE "%s\n", kernel_banner);
	multiboot_parse(magic, mbi_phys);
	printk(KERN_NOTICE "Command line: %s\n", boot_info.cmdline);
	cmdline_init(boot_info.cmdline);
	fault_inject_init();	/* fail_page_alloc=, failslab= apply from the first allocation */
	if (boot_info.loader[0])
		printk(KERN_INFO "Boot loader: %s\n", boot_info.loader);

	mm_init();
	trap_init();
	sched_init();
	irq_init();
	softirq_init();
	timers_init();
	time_init();
	net_init();
	blk_init();	/* before pci_init: a virtio-blk probe registers disks */
	pci_init();
	if (serial_enable_rx())
		pr_warn("serial: no input interrupt; the monitor will not hear you\n");

	scheduler_running = true;
	local_irq_enable();

	init = kthread_run(kernel_init, NULL, "init");
	if (IS_ERR(init))
		panic("cannot start the init thread: %ld", PTR_ERR(init));
	cpu_idle_loop();
}
