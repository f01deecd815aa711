/*
 * SPDX-License-Identifier: MIT
 * kernel/irq.c - hardware interrupt lines: who handles them, and dispatch.
 *
 * The path of one interrupt:
 *
 *   device raises line L -> chip (IO-APIC or 8259) -> vector 32+L
 *   -> kernel/entry.S stub -> do_irq(regs)
 *        irq_enter()            in_irq() is true from here
 *        handler(L, dev)        interrupts off, must not sleep
 *        irq_count[L]++
 *        chip->eoi(L)           the chip may now deliver L (and lower) again
 *        irq_exit()             runs pending softirqs, interrupts back on
 *
 * EOI comes before irq_exit on purpose: softirqs run with interrupts on and
 * may take long; until the EOI the chip would hold back the next tick.
 *
 * One handler per line (no sharing).  irq_desc[] is written by
 * request_irq/free_irq with interrupts off and read by do_irq, which runs
 * with interrupts off: on one CPU the two never overlap.
 */
#include <arch/x86.h>
#include <kernel/cmdline.h>
#include <kernel/irq.h>
#include <kernel/monitor.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/softirq.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <errno.h>
#include "irqchip.h"

#define __stringify_1(x) #x
#define __stringify(x)	 __stringify_1(x)

struct irq_desc {
	irq_handler_t handler; /* NULL: line free */
	void *dev;	       /* passed to handler; identifies the owner in free_irq */
	const char *name;      /* for the monitor's `interrupts` */
	bool warned;	       /* "no handler" already reported for this line */
	bool msi;	       /* reserved by msi_irq_alloc() */
};

static struct irq_desc irq_desc[NR_IRQS];
static DEFINE_SPINLOCK(irq_desc_lock);
static const struct irq_chip *irq_chip; /* the controller chosen by irq_init() */

unsigned long irq_count[NR_IRQS];
unsigned long irq_spurious_count;
const char *irq_chip_name = "none";

static bool noapic;
cmdline_param_bool(noapic, &noapic, "use the 8259 PIC and the PIT even if there is an APIC");

/*
 * `int $n` for each line's vector, 4 bytes apart: the 8259 cannot raise an
 * interrupt from software, so irq_raise_for_test() calls irq_int_stubs +
 * 4 * line.  An interrupt gate clears IF whatever raised it, so the handler
 * sees the same context as for a real interrupt.
 */
extern const char irq_int_stubs[];
/* One assembler line per string (clang-format would re-flow it). */
/* clang-format off */
__asm__(".pushsection .text\n"
	".balign 4\n"
	"irq_int_stubs:\n"
	".set irq_vec, " __stringify(IRQ_VECTOR_BASE) "\n"
	".rept " __stringify(NR_IRQS) "\n"
	"int $irq_vec\n"
	"ret\n"
	".balign 4\n"
	".set irq_vec, irq_vec + 1\n"
	".endr\n"
	".popsection");
/* clang-format on */

void irq_init(void)
{
	/* Always reprogram the 8259s: left at vectors 8-15 they would alias CPU exceptions. */
	pic_init();
	if (!noapic && apic_init() == 0)
		irq_chip = &apic_chip;
	else
		irq_chip = &pic_chip;
	irq_chip_name = irq_chip->name;
	pr_info("irq: %s, lines 0-%d on vectors %d-%d%s\n", irq_chip_name, NR_IRQS - 1,
		IRQ_VECTOR_BASE, IRQ_VECTOR_BASE + NR_IRQS - 1, noapic ? " (noapic)" : "");
}

int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags, const char *name,
		void *dev)
{
	unsigned long iflags;
	struct irq_desc *desc;

	if (irq >= NR_IRQS || !handler)
		return -EINVAL;
	if (WARN_ON(!irq_chip)) /* before irq_init() */
		return -ENODEV;
	desc = &irq_desc[irq];
	spin_lock_irqsave(&irq_desc_lock, iflags);
	/* 3.10 chains IRQF_SHARED handlers on a line; we one (PCI shares): docs/linux-3.10.md */
	if (desc->handler) {
		spin_unlock_irqrestore(&irq_desc_lock, iflags);
		return -EBUSY;
	}
	desc->handler = handler;
	desc->dev = dev;
	desc->name = name;
	desc->warned = false;
	if (irq_chip->set_type)
		irq_chip->set_type(irq, flags & IRQF_TRIGGER_MASK);
	/* Unmask with the lock held: the handler is in place before the first interrupt. */
	irq_chip->unmask(irq);
	spin_unlock_irqrestore(&irq_desc_lock, iflags);
	return 0;
}

void free_irq(unsigned int irq, void *dev)
{
	unsigned long flags;
	struct irq_desc *desc;

	if (WARN_ON(irq >= NR_IRQS))
		return;
	desc = &irq_desc[irq];
	spin_lock_irqsave(&irq_desc_lock, flags);
	if (WARN_ON(!desc->handler || desc->dev != dev)) {
		spin_unlock_irqrestore(&irq_desc_lock, flags);
		return;
	}
	irq_chip->mask(irq);
	desc->handler = NULL;
	desc->dev = NULL;
	desc->name = NULL;
	spin_unlock_irqrestore(&irq_desc_lock, flags);
}

int msi_irq_alloc(struct msi_msg *msg)
{
	unsigned long flags;
	int found = -ENOSPC;

	if (irq_chip != &apic_chip)
		return -ENODEV;
	spin_lock_irqsave(&irq_desc_lock, flags);
	/* Lines below 16 are ISA's even when unwired: leave them to their drivers. */
	for (unsigned int irq = 16; irq < NR_IRQS; irq++) {
		struct irq_desc *desc = &irq_desc[irq];

		if (desc->handler || desc->msi || apic_irq_has_pin(irq))
			continue;
		desc->msi = true;
		found = irq;
		break;
	}
	spin_unlock_irqrestore(&irq_desc_lock, flags);
	if (found >= 0)
		apic_compose_msi_msg(IRQ_VECTOR_BASE + found, msg);
	return found;
}

bool msi_irq_supported(void)
{
	return irq_chip == &apic_chip;
}

void msi_irq_free(unsigned int irq)
{
	unsigned long flags;

	if (WARN_ON(irq >= NR_IRQS || !irq_desc[irq].msi || irq_desc[irq].handler))
		return;
	spin_lock_irqsave(&irq_desc_lock, flags);
	irq_desc[irq].msi = false;
	spin_unlock_irqrestore(&irq_desc_lock, flags);
}

/* A line fired that nobody handled: count it, tell once per line. */
static void irq_unhandled(unsigned int irq)
{
	irq_spurious_count++;
	if (!irq_desc[irq].warned) {
		irq_desc[irq].warned = true;
		pr_warn("irq: line %u (vector %u) fired with no handler claiming it\n", irq,
			IRQ_VECTOR_BASE + irq);
	}
}

/*
 * do_irq - dispatch one hardware interrupt (the picture at the top).
 * Context: hardirq, interrupts off, called by the trap code for every
 * vector >= IRQ_VECTOR_BASE; it preempts, if due, after we return.
 */
void do_irq(struct pt_regs *regs)
{
	unsigned int vector = regs->vector;
	unsigned int irq = vector - IRQ_VECTOR_BASE;
	struct irq_desc *desc;

	/* SDM "Spurious Interrupt": the local APIC sets no ISR bit for it, so no EOI. */
	if (vector == SPURIOUS_VECTOR) {
		irq_spurious_count++;
		return;
	}
	if (vector < IRQ_VECTOR_BASE || irq >= NR_IRQS) {
		irq_spurious_count++;
		WARN_ON_ONCE(1); /* a vector nobody programmed */
		irq_chip->eoi(irq);
		return;
	}
	irq_enter();
	desc = &irq_desc[irq];
	if (desc->handler && desc->handler(irq, desc->dev) == IRQ_HANDLED)
		irq_count[irq]++;
	else
		irq_unhandled(irq);
	irq_chip->eoi(irq);
	irq_exit();
}

/*
 * irq_raise_for_test - deliver line @irq's vector as if the line fired:
 * a self-IPI through the local APIC (the real path: IRR, ISR, EOI), or
 * `int` with the 8259s.  Called with interrupts on, the handler has run
 * when this returns; with them off, it runs when they come back on
 * (self-IPI) or at once (`int`, which ignores IF).  Context: thread.
 */
void irq_raise_for_test(unsigned int irq)
{
	if (WARN_ON(irq >= NR_IRQS))
		return;
	if (irq_chip == &apic_chip) {
		apic_send_self_ipi(IRQ_VECTOR_BASE + irq);
		return;
	}
	((void (*)(void))(irq_int_stubs + 4 * irq))();
}

/* Monitor `interrupts`: what each line is for and how often it fired, as /proc/interrupts. */
static int cmd_interrupts(int argc, char **argv)
{
	printk("chip: %s, tick: %s at %d Hz\n", irq_chip_name, clock_event_name, HZ);
	printk("line vector %12s  handler\n", "count");
	for (unsigned int irq = 0; irq < NR_IRQS; irq++) {
		const struct irq_desc *desc = &irq_desc[irq];

		if (!desc->handler && !irq_count[irq])
			continue;
		printk("%4u %6u %12lu  %s\n", irq, IRQ_VECTOR_BASE + irq, irq_count[irq],
		       desc->handler ? (desc->name ? desc->name : "?") : "-");
	}
	printk("spurious or unhandled: %lu\n", irq_spurious_count);
	return 0;
}
MONITOR_CMD(interrupts, "interrupts", "interrupt lines and counts, as /proc/interrupts",
	    cmd_interrupts);
