/*
 * SPDX-License-Identifier: MIT
 * kernel/pic.c - the two cascaded 8259A interrupt controllers of the PC.
 *
 * Sixteen ISA lines: the master takes IRQ 0-7, the slave IRQ 8-15 and is
 * wired to the master's IRQ 2.  At power-on the BIOS points the master at
 * vectors 8-15, where the CPU's own exceptions live (8 is #DF!), so the
 * first thing to do, whether we use the 8259s or not, is move them to
 * vectors 32-47 and mask every line.
 *
 *   master 0x20/0x21: IRQ 0-7  -> vectors 32-39    slave 0xa0/0xa1: IRQ 8-15 -> 40-47
 *                       IRQ 2 <- cascade <- slave INT
 *
 * Programming follows the Intel 8259A data sheet ("Initialization Command
 * Words"): ICW1 starts the sequence, ICW2 is the vector base, ICW3 the
 * cascade wiring, ICW4 the 8086 mode.  After that, writes to the data port
 * set the mask (OCW1) and 0x20 to the command port is a non-specific EOI
 * (OCW2).
 *
 * Used as the interrupt chip only without an APIC, or with `noapic`:
 *   qemu-system-x86_64 -accel tcg -serial stdio -kernel kernel.elf -append noapic
 */
#include <arch/x86.h>
#include <kernel/irqflags.h>
#include "irqchip.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1

#define ICW1_INIT 0x10 /* start initialization */
#define ICW1_ICW4 0x01 /* an ICW4 follows */
#define ICW4_8086 0x01 /* 8086/88 mode (not MCS-80/85) */
#define OCW2_EOI  0x20 /* non-specific end of interrupt */

#define PIC_CASCADE_IRQ 2
#define PIC_NR_LINES	16

/* The current mask of both chips (bit n set: line n masked); written with interrupts off. */
static u16 pic_mask = 0xffff;

static void pic_write_mask(void)
{
	outb(PIC1_DATA, pic_mask & 0xff);
	outb(PIC2_DATA, pic_mask >> 8);
}

void pic_init(void)
{
	unsigned long flags;

	local_irq_save(flags);
	outb(PIC1_CMD, ICW1_INIT | ICW1_ICW4);
	io_delay();
	outb(PIC2_CMD, ICW1_INIT | ICW1_ICW4);
	io_delay();
	outb(PIC1_DATA, IRQ_VECTOR_BASE); /* ICW2: vector of IRQ 0 */
	io_delay();
	outb(PIC2_DATA, IRQ_VECTOR_BASE + 8); /* ICW2: vector of IRQ 8 */
	io_delay();
	outb(PIC1_DATA, 1 << PIC_CASCADE_IRQ); /* ICW3 master: a slave on IRQ 2 */
	io_delay();
	outb(PIC2_DATA, PIC_CASCADE_IRQ); /* ICW3 slave: my cascade identity is 2 */
	io_delay();
	outb(PIC1_DATA, ICW4_8086);
	io_delay();
	outb(PIC2_DATA, ICW4_8086);
	io_delay();
	pic_mask = 0xffff;
	pic_write_mask();
	local_irq_restore(flags);
}

static void pic_mask_irq(unsigned int irq)
{
	unsigned long flags;

	if (irq >= PIC_NR_LINES)
		return; /* no such wire: only raised from software */
	local_irq_save(flags);
	pic_mask |= 1U << irq;
	pic_write_mask();
	local_irq_restore(flags);
}

static void pic_unmask_irq(unsigned int irq)
{
	unsigned long flags;

	if (irq >= PIC_NR_LINES)
		return;
	local_irq_save(flags);
	pic_mask &= ~(1U << irq);
	if (irq >= 8) /* the slave's lines reach the CPU through the master's IRQ 2 */
		pic_mask &= ~(1U << PIC_CASCADE_IRQ);
	pic_write_mask();
	local_irq_restore(flags);
}

/*
 * A slave line is in service on both chips, so both need the EOI.
 * XXX: a spurious IRQ 7/15 (the 8259 data sheet's "default IR7") would need
 * the in-service register read to skip the EOI; it never happens in QEMU.
 */
static void pic_eoi(unsigned int irq)
{
	if (irq >= PIC_NR_LINES)
		return; /* raised with `int`: not in service on the 8259 */
	if (irq >= 8)
		outb(PIC2_CMD, OCW2_EOI);
	outb(PIC1_CMD, OCW2_EOI);
}

const struct irq_chip pic_chip = {
	.name = "8259 PIC",
	.mask = pic_mask_irq,
	.unmask = pic_unmask_irq,
	.eoi = pic_eoi,
};
