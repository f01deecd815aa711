/*
 * SPDX-License-Identifier: MIT
 * kernel/init.h - initcalls: how a subsystem or a driver starts itself.
 *
 * A built-in piece of the kernel does not wait to be called by name from
 * start_kernel.  It declares its start-up function at a level, next to the
 * code it starts:
 *
 *   static int virtblk_init(void)
 *   {
 *           return register_virtio_driver(&virtio_blk);
 *   }
 *   device_initcall(virtblk_init);
 *
 * The macro puts a pointer to the function into the linker section of its
 * level (".initcall6.init" here); linker.ld lays the sections out in level
 * order, and kernel_init (kernel/init.c) calls every pointer, level by
 * level, before it starts the monitor or the tests.  Within a level the
 * order is link order, which is file-name order (the Makefile sorts the
 * sources): a level is a promise about what ran before, not about the
 * neighbours.  The levels are Linux 3.10's (include/linux/init.h):
 *
 *   level  macro                what runs there in teachos
 *   early  early_initcall       ksoftirqd: before anything that may defer work
 *   1      core_initcall        (none yet)
 *   2      postcore_initcall    (none yet)
 *   3      arch_initcall        (none yet)
 *   4      subsys_initcall      the block layer (bio sets, BLOCK_SOFTIRQ), the
 *                               network core (skb caches, NAPI), PCI enumeration
 *   5      fs_initcall          IPv4: ARP, UDP sockets, ip=/gw=; then lo (so it
 *                               is ifindex 1, before any NIC)
 *   6      device_initcall      drivers: ram0, virtio-pci, virtio-blk, virtio-net
 *   7      late_initcall        services: the UDP echo service, the monitor's console
 *
 * An initcall returns 0, or a negative errno when it could not start: the
 * failure is reported ("initcall foo+0x0/0x40 returned -12"), goes in the
 * report of what degraded printed before the prompt (<kernel/boot_report.h>)
 * and the boot goes on, as nothing can undo what the others did.  `initcall_debug` on
 * the command line also logs each call and its cost (docs/boot.md).
 */
#ifndef KERNEL_INIT_H
#define KERNEL_INIT_H

#include <kernel/compiler.h>
#include <kernel/types.h>

typedef int (*initcall_t)(void);

/*
 * The pointer's name carries the function's and the level's, as in 3.10
 * (__initcall_virtblk_init6): what tools/init_checks.py reads from the
 * ELF to know every initcall there is and its level.
 */
#define __define_initcall(fn, id)                                                      \
	static const initcall_t __initcall_##fn##id __section(".initcall" #id ".init") \
		__used __aligned(8) = fn

/* 3.10 also has pure, rootfs, *_sync levels and frees __init; we do not: docs/linux-3.10.md */
#define early_initcall(fn)    __define_initcall(fn, early)
#define core_initcall(fn)     __define_initcall(fn, 1)
#define postcore_initcall(fn) __define_initcall(fn, 2)
#define arch_initcall(fn)     __define_initcall(fn, 3)
#define subsys_initcall(fn)   __define_initcall(fn, 4)
#define fs_initcall(fn)	      __define_initcall(fn, 5)
#define device_initcall(fn)   __define_initcall(fn, 6)
#define late_initcall(fn)     __define_initcall(fn, 7)

/* Placed by linker.ld: the early calls, then levels 1..7 back to back. */
extern const initcall_t __initcall_start[], __initcall1_start[], __initcall2_start[],
	__initcall3_start[], __initcall4_start[], __initcall5_start[], __initcall6_start[],
	__initcall7_start[], __initcall_end[];

/* Set by `initcall_debug` on the command line: log each initcall and its cost. */
extern bool initcall_debug;

/**
 * do_one_initcall - call @fn as kernel_init calls every initcall.
 * @fn: an initcall
 *
 * With initcall_debug, logs "calling  fn+0x0/0x.. @ <pid>" before and
 * "initcall fn+0x0/0x.. returned <ret> after <n> usecs" after (KERN_DEBUG,
 * as 3.10).  A non-zero return is reported at KERN_WARNING; an initcall
 * that returns with the preemption count changed or with interrupts off is
 * reported with a warning and the state is put back.
 * Returns what @fn returned.  Context: thread, may sleep (as @fn may).
 */
int do_one_initcall(initcall_t fn);

/**
 * kernel_init - the first thread (pid 1): run every initcall, level by
 * level, then the tests or benchmarks the command line names, or else the
 * monitor.  Started by start_kernel once the early set-up is done; never
 * returns.  Context: thread.
 */
int kernel_init(void *unused);

#endif
