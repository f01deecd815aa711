/*
 * SPDX-License-Identifier: MIT
 * kernel/power.h - leaving the machine.
 *
 * Under QEMU with `-device isa-debug-exit,iobase=0xf4,iosize=0x04`, writing v
 * to port 0xf4 makes QEMU exit with status (v << 1) | 1.  The host runner
 * (tools/run-tests.py) reads these statuses:
 *
 *   guest code         QEMU status   meaning
 *   EXIT_OK      0x10  33            poweroff / every test passed
 *   EXIT_FAILED  0x11  35            tests ran, some failed
 *   EXIT_PANIC   0x12  37            panic() or BUG()
 *
 * Status 0 means QEMU stopped by itself (a triple fault under -no-reboot, or
 * the guest halted for good): never success.
 */
#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

#include <kernel/compiler.h>

#define QEMU_EXIT_PORT 0xf4
#define EXIT_OK	       0x10
#define EXIT_FAILED    0x11
#define EXIT_PANIC     0x12

/*
 * Exit QEMU with @code; if no debug-exit device answers, try ACPI-less shutdown
 * ports, then halt forever.
 */
__noreturn void qemu_exit(int code);

#endif
