/*
 * SPDX-License-Identifier: MIT
 * kernel/power.c - leaving the machine: qemu_exit().
 *
 * QEMU command line this relies on (tools/run-tests.py and `make run` pass it):
 *
 *   qemu-system-x86_64 ... -device isa-debug-exit,iobase=0xf4,iosize=0x04
 *
 * A write of v to port 0xf4 then ends QEMU with status (v << 1) | 1, which
 * is how the host learns whether the tests passed (kernel/power.h lists the
 * codes).  Without that device the write goes nowhere, so we fall back to
 * an ACPI soft-off, and failing that halt for good.
 */
#include <arch/x86.h>
#include <kernel/irqflags.h>
#include <kernel/power.h>

/*
 * ACPI PM1a control block: writing SLP_EN (bit 13) with SLP_TYPa = 0 enters
 * S5 (ACPI 6.x, 4.8.3.2.1 "PM1 Control Registers").  QEMU's q35 chipset and
 * the PIIX4 as SeaBIOS sets it up have the block at 0x604; older QEMU and
 * Bochs at 0xb004.  Guessing the port instead of parsing the FADT is fine
 * for a last resort that only ever runs under an emulator.
 */
#define ACPI_PM1A_CNT_QEMU  0x604
#define ACPI_PM1A_CNT_BOCHS 0xb004
#define ACPI_PM1_SLP_EN	    0x2000

/**
 * qemu_exit - end the virtual machine with status @code (EXIT_OK, ...).
 *
 * Tries the isa-debug-exit device, then ACPI power-off, then halts with
 * interrupts off forever.  Never returns.  Context: any, the panic path
 * included (takes no lock, allocates nothing).
 */
__noreturn void qemu_exit(int code)
{
	local_irq_disable();
	outl(QEMU_EXIT_PORT, (u32)code);

	/* Still here: no debug-exit device.  Power off instead (status 0 on the host). */
	outw(ACPI_PM1A_CNT_QEMU, ACPI_PM1_SLP_EN);
	outw(ACPI_PM1A_CNT_BOCHS, ACPI_PM1_SLP_EN);

	for (;;)
		halt(); /* IF is clear: only an NMI wakes us, and we halt again */
}
