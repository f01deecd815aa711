/*
 * kernel/irq.h - hardware interrupts.
 *
 * Drivers ask for an interrupt line with request_irq(); the interrupt
 * controller code (kernel/apic.c, or kernel/pic.c without an APIC) routes the
 * line to a vector and unmasks it.  Lines are ISA numbers (0 timer, 1
 * keyboard, 4 COM1, ...) or, above 15, IO-APIC global system interrupts.
 *
 *   irq line --(IO-APIC redirection / 8259)--> vector 32+line --> handler
 */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

#include <arch/traps.h>
#include <kernel/types.h>

enum irqreturn {
	IRQ_NONE = 0,		/* not our device */
	IRQ_HANDLED = 1,
};
typedef enum irqreturn irqreturn_t;
typedef irqreturn_t (*irq_handler_t)(int irq, void *dev_id);

#define NR_IRQS		64

/*
 * request_irq - call @handler(irq, dev) when line @irq fires.
 * Returns 0, -EINVAL for a bad line, -EBUSY if the line is taken.
 * Context: thread.  The handler runs in hardirq context, interrupts off.
 */
int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags,
		const char *name, void *dev);
void free_irq(unsigned int irq, void *dev);

/* How often each line fired (monitor `interrupts`). */
extern unsigned long irq_count[NR_IRQS];

/* Called by the trap dispatcher for vectors >= IRQ_VECTOR_BASE. */
void do_irq(struct pt_regs *regs);

/* Set up the interrupt controllers: LAPIC + IO-APIC if there, else the 8259s. */
void irq_init(void);

/* The controller in use: "IO-APIC" or "8259 PIC". */
extern const char *irq_chip_name;

/*
 * The controller operations kernel/irq.c dispatches to.  Both kernel/apic.c
 * and kernel/pic.c provide one.
 */
struct irq_chip {
	const char *name;
	void (*mask)(unsigned int irq);
	void (*unmask)(unsigned int irq);
	void (*eoi)(unsigned int irq);
};

/* Raise interrupt line @irq's vector from software (tests of the irq paths). */
void irq_raise_for_test(unsigned int irq);

#endif
