/*
 * SPDX-License-Identifier: MIT
 * kernel/irqchip_test.h - for tests only: what the interrupt and timer tests
 * read of the chip code (kernel/irq.c, apic.c, pic.c, time.c).
 *
 * Included by tests/ and by kernel/irqchip.h (the declarations the chip code is
 * compiled against); no other kernel file.
 */
#ifndef KERNEL_IRQCHIP_TEST_H
#define KERNEL_IRQCHIP_TEST_H

#include <kernel/types.h>

#define TIMER_IRQ 0

/* true once apic_init() succeeded: the APIC is the chip in use. */
bool apic_in_use(void);

/* The low word of line @irq's IO-APIC redirection entry (0 if no pin): for the tests. */
u32 apic_read_redirection(unsigned int irq);

/* Interrupts not matching any handler, and vectors that are not ours (kernel/irq.c). */
extern unsigned long irq_spurious_count;

/* Of line @irq's interrupts since the last 100,000 (note_interrupt), those its handler left. */
unsigned int irq_unhandled_count(unsigned int irq);

/*
 * One end of the TSC's calibration window (kernel/time.c), against a counter
 * of the test's that @read returns: of EDGE_CATCHES ticks caught in a row,
 * the count of the one kept and the width in TSC cycles of the two reads
 * that caught it.  Returns 0, or -EIO if the counter did not move.
 * Context: any; interrupts off while it spins.
 */
int tsc_catch_tick_with(u64 (*read)(void), u64 *count, u64 *width);

#endif
