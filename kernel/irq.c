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
 *        kstat_irqs_cpu(L, cpu)++
 *        chip->eoi(L)           the chip may now deliver L (and lower) again
 *        irq_exit()             runs pending softirqs, interrupts back on
 *
 * EOI comes before irq_exit on purpose: softirqs run with interrupts on and
 * may take long; until the EOI the chip would hold back the next tick.
 *
 * One handler per line (no sharing).  Each line's irq_desc has a lock:
 * request_irq/free_irq change the handler under it, and do_irq, on any CPU,
 * takes it to read the handler and mark the line in progress, then calls
 * the handler without it.  free_irq waits until no CPU runs the old handler
 * (3.10's synchronize_irq), so the handler's data may be freed after it.
 * (The tick is line 0 on every CPU: its handler runs on all at once.)
 */
#include <arch/x86.h>
#include <kernel/cmdline.h>
#include <kernel/irq.h>
#include <kernel/monitor.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/softirq.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <errno.h>
#include <stdio.h>
#include "irqchip.h"

#define __stringify_1(x) #x
#define __stringify(x)	 __stringify_1(x)

struct irq_desc {
	irq_handler_t handler;	     /* NULL: line free */
	void *dev;		     /* passed to handler; identifies the owner in free_irq */
	const char *name;	     /* for the monitor's `interrupts` */
	bool warned;		     /* "no handler" or "nobody cared" already reported */
	unsigned int irq_count;	     /* handled or not, since the last 100,000 (note_interrupt) */
	unsigned int irqs_unhandled; /* of those, how many its handler did not claim */
	bool msi;		     /* reserved by msi_irq_alloc(): msi_chip's line */
	struct msi_desc *msi_desc;   /* an MSI line's device end (irq_set_msi_desc) */
	unsigned int affinity;	     /* the CPU it is delivered to (irq_set_affinity) */
	unsigned int in_progress;    /* CPUs running the handler now */
	spinlock_t lock;	     /* handler, dev, name, in_progress */
};

static struct irq_desc irq_desc[NR_IRQS];
static DEFINE_SPINLOCK(irq_desc_lock);
static const struct irq_chip *irq_chip; /* the controller chosen by irq_init() */

/*
 * The chip that handles line @irq: msi_chip for a line msi_irq_alloc()
 * reserved (its mask, vector and destination are in the device), else the
 * controller.  3.10 keeps the chip in each irq_desc; we derive it.
 */
static const struct irq_chip *irq_desc_chip(unsigned int irq)
{
	return irq_desc[irq].msi ? &msi_chip : irq_chip;
}

static DEFINE_PER_CPU(unsigned long[NR_IRQS], kstat_irqs_arr);
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
	for (unsigned int irq = 0; irq < NR_IRQS; irq++)
		spin_lock_init(&irq_desc[irq].lock);
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
	spin_lock(&desc->lock);
	desc->handler = handler;
	desc->dev = dev;
	desc->name = name;
	desc->warned = false;
	desc->irq_count = desc->irqs_unhandled = 0;
	spin_unlock(&desc->lock);
	if (irq_desc_chip(irq)->set_type)
		irq_desc_chip(irq)->set_type(irq, flags & IRQF_TRIGGER_MASK);
	/* Unmask with the lock held: the handler is in place before the first interrupt. */
	irq_desc_chip(irq)->unmask(irq);
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
	irq_desc_chip(irq)->mask(irq);
	spin_lock(&desc->lock);
	desc->handler = NULL;
	desc->dev = NULL;
	desc->name = NULL;
	spin_unlock(&desc->lock);
	spin_unlock_irqrestore(&irq_desc_lock, flags);
	synchronize_irq(irq);
}

/*
 * Under irq_desc_lock: a line's chip, its MSI descriptor and its
 * destination change together, and two callers for one line do not
 * interleave their writes (lock order: irq_desc_lock, then ioapic_lock or
 * the PCI code's msix_lock inside the chip).
 */
int irq_set_affinity(unsigned int irq, unsigned int cpu)
{
	const struct irq_chip *chip;
	unsigned long flags;
	int ret = -EINVAL;

	/* 3.10 takes a struct cpumask; we one CPU: docs/linux-3.10.md */
	if (irq >= NR_IRQS || irq == TIMER_IRQ || cpu >= nr_cpu_ids || !cpu_online(cpu) ||
	    !irq_chip)
		return -EINVAL;
	spin_lock_irqsave(&irq_desc_lock, flags);
	chip = irq_desc_chip(irq);
	if (chip->set_affinity)
		ret = chip->set_affinity(irq, cpu);
	if (!ret)
		irq_desc[irq].affinity = cpu;
	spin_unlock_irqrestore(&irq_desc_lock, flags);
	return ret;
}

int irq_get_affinity(unsigned int irq)
{
	return irq < NR_IRQS ? (int)READ_ONCE(irq_desc[irq].affinity) : -EINVAL;
}

void synchronize_irq(unsigned int irq)
{
	/* Acquire: what the handler did is seen once it is out. */
	while (__atomic_load_n(&irq_desc[irq].in_progress, __ATOMIC_ACQUIRE))
		cpu_relax();
}

unsigned long kstat_irqs_cpu(unsigned int irq, unsigned int cpu)
{
	return irq < NR_IRQS && cpu < nr_cpu_ids ? per_cpu(kstat_irqs_arr, cpu)[irq] : 0;
}

unsigned long kstat_irqs(unsigned int irq)
{
	unsigned long sum = 0;
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		sum += kstat_irqs_cpu(irq, cpu);
	return sum;
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
		desc->msi_desc = NULL;
		desc->affinity = 0; /* the message below is for CPU 0 */
		found = irq;
		break;
	}
	spin_unlock_irqrestore(&irq_desc_lock, flags);
	if (found >= 0)
		apic_compose_msi_msg(IRQ_VECTOR_BASE + found, 0, msg);
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
	irq_desc[irq].msi_desc = NULL;
	irq_desc[irq].affinity = 0;
	spin_unlock_irqrestore(&irq_desc_lock, flags);
}

int irq_set_msi_desc(unsigned int irq, struct msi_desc *entry)
{
	unsigned long flags;

	if (irq >= NR_IRQS || !irq_desc[irq].msi)
		return -EINVAL;
	if (entry)
		entry->irq = irq;
	spin_lock_irqsave(&irq_desc_lock, flags);
	irq_desc[irq].msi_desc = entry;
	spin_unlock_irqrestore(&irq_desc_lock, flags);
	return 0;
}

/* Lockless: msi_chip calls it under irq_desc_lock; others own the line. */
struct msi_desc *irq_get_msi_desc(unsigned int irq)
{
	return irq < NR_IRQS ? irq_desc[irq].msi_desc : NULL;
}

/*
 * A handler that did not claim its interrupt (3.10's note_interrupt): a
 * queue's vector that fires after the poll already took the work, a
 * shared line's other device.  Normal now and then; a line whose
 * interrupts go unclaimed 99,900 times in 100,000 is stuck, and is
 * reported once.  3.10 then disables the line; we only report:
 * docs/linux-3.10.md.  Called under desc->lock.
 */
static void note_interrupt(unsigned int irq, struct irq_desc *desc, bool handled)
{
	if (!handled) {
		desc->irqs_unhandled++;
		__atomic_add_fetch(&irq_spurious_count, 1, __ATOMIC_RELAXED);
	}
	if (++desc->irq_count < 100000)
		return;
	if (desc->irqs_unhandled > 99900 && !desc->warned) {
		desc->warned = true;
		pr_err("irq %u: nobody cared (%u of the last 100000 unclaimed)\n", irq,
		       desc->irqs_unhandled);
	}
	desc->irq_count = desc->irqs_unhandled = 0;
}

unsigned int irq_unhandled_count(unsigned int irq)
{
	return irq < NR_IRQS ? READ_ONCE(irq_desc[irq].irqs_unhandled) : 0;
}

/* A line fired that has no handler at all: count it, tell once per line. */
static void irq_unhandled(unsigned int irq)
{
	__atomic_add_fetch(&irq_spurious_count, 1, __ATOMIC_RELAXED);
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
	irq_handler_t handler;
	void *dev;

	/* SDM "Spurious Interrupt": the local APIC sets no ISR bit for it, so no EOI. */
	if (vector == SPURIOUS_VECTOR) {
		__atomic_add_fetch(&irq_spurious_count, 1, __ATOMIC_RELAXED);
		return;
	}
	if (vector >= FIRST_IPI_VECTOR && vector < SPURIOUS_VECTOR && irq_chip == &apic_chip) {
		irq_enter();
		smp_ipi_interrupt(vector);
		irq_exit();
		return;
	}
	if (vector < IRQ_VECTOR_BASE || irq >= NR_IRQS) {
		__atomic_add_fetch(&irq_spurious_count, 1, __ATOMIC_RELAXED);
		WARN_ON_ONCE(1); /* a vector nobody programmed */
		irq_chip->eoi(irq);
		return;
	}
	irq_enter();
	desc = &irq_desc[irq];
	spin_lock(&desc->lock);
	handler = desc->handler;
	dev = desc->dev;
	if (handler)
		desc->in_progress++;
	spin_unlock(&desc->lock);
	if (handler) {
		bool handled = handler(irq, dev) == IRQ_HANDLED;

		if (handled)
			(*this_cpu_ptr(&kstat_irqs_arr))[irq]++;
		spin_lock(&desc->lock);
		note_interrupt(irq, desc, handled);
		desc->in_progress--; /* free_irq may go on (release: the handler is done) */
		spin_unlock(&desc->lock);
	} else {
		irq_unhandled(irq);
	}
	irq_desc_chip(irq)->eoi(irq);
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

/*
 * Monitor `interrupts`: each line with a count per CPU, its chip and the CPU
 * it is routed to, then the IPIs, as /proc/interrupts (which has the routing
 * in /proc/irq/N/smp_affinity_list).
 */
static void interrupts_line(unsigned int irq)
{
	const struct irq_desc *desc = &irq_desc[irq];
	unsigned int cpu;
	char to[16];

	printk("%4u %6u", irq, IRQ_VECTOR_BASE + irq);
	for_each_online_cpu(cpu)
		printk(" %11lu", kstat_irqs_cpu(irq, cpu));
	/* Where it goes: the tick is every CPU's own, else the CPU irq_set_affinity chose. */
	if (irq == TIMER_IRQ)
		snprintf(to, sizeof(to), "each");
	else
		snprintf(to, sizeof(to), "CPU%u", desc->affinity);
	/* One printk: the tail is one record, which the tests look for whole. */
	printk("  %-7s %-5s %s\n", irq_desc_chip(irq)->name, to,
	       desc->handler ? (desc->name ? desc->name : "?") : "-");
}

static int cmd_interrupts(int argc, char **argv)
{
	unsigned int cpu;

	printk("chip: %s, tick: %s at %d Hz\n", irq_chip_name, clock_event_name, HZ);
	printk("line vector");
	for_each_online_cpu(cpu)
		printk(" %9s%-2u", "CPU", cpu);
	printk("  chip    to    handler\n");
	for (unsigned int irq = 0; irq < NR_IRQS; irq++)
		if (irq_desc[irq].handler || kstat_irqs(irq))
			interrupts_line(irq);
	if (num_online_cpus() > 1) {
		printk(" RES       ");
		for_each_online_cpu(cpu)
			printk(" %11lu", per_cpu(irq_resched_count, cpu));
		printk("  rescheduling interrupts\n CAL       ");
		for_each_online_cpu(cpu)
			printk(" %11lu", per_cpu(irq_call_count, cpu));
		printk("  function call interrupts\n");
	}
	printk("spurious or unhandled: %lu\n", irq_spurious_count);
	return 0;
}
MONITOR_CMD(interrupts, "interrupts", "interrupt lines and counts, as /proc/interrupts",
	    cmd_interrupts);
