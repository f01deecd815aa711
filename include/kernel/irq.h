/*
 * SPDX-License-Identifier: MIT
 * kernel/irq.h - hardware interrupts.
 *
 * Drivers ask for an interrupt line with request_irq(); the interrupt
 * controller code (kernel/apic.c, or kernel/pic.c without an APIC) routes the
 * line to a vector and unmasks it.  Lines are ISA numbers (0 timer, 1
 * keyboard, 4 COM1, ...) or, above 15, IO-APIC global system interrupts,
 * or lines no pin drives that PCI devices raise by message (msi_irq_alloc).
 *
 *   irq line --(IO-APIC redirection / 8259)--> vector 32+line --> handler
 *   MSI-X entry --(message to 0xFEE00000 | APIC ID << 12)--> vector 32+line
 *
 * Either way the destination CPU is one field (the redirection entry's,
 * or the message address's) that irq_set_affinity() rewrites.
 */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

#include <arch/traps.h>
#include <kernel/types.h>

enum irqreturn {
	IRQ_NONE = 0, /* not our device */
	IRQ_HANDLED = 1,
};
typedef enum irqreturn irqreturn_t;
typedef irqreturn_t (*irq_handler_t)(int irq, void *dev_id);

#define NR_IRQS 64

/*
 * request_irq() @flags: how the line signals, Linux's names and values.
 * 0 keeps what the firmware says (the MADT's override for the line, else
 * the bus default of an ISA line: edge, active high).  A PCI INTx line is
 * level-triggered (drivers/pci/pci_irq.c asks for that); the IO-APIC programs
 * the trigger mode and polarity, the 8259s ignore these flags (their ELCR
 * is the firmware's).
 */
#define IRQF_TRIGGER_NONE    0x00000000
#define IRQF_TRIGGER_RISING  0x00000001 /* edge, active high */
#define IRQF_TRIGGER_FALLING 0x00000002 /* edge, active low */
#define IRQF_TRIGGER_HIGH    0x00000004 /* level, active high */
#define IRQF_TRIGGER_LOW     0x00000008 /* level, active low */
#define IRQF_TRIGGER_MASK    0x0000000f

/*
 * request_irq - call @handler(irq, dev) when line @irq fires.
 * @flags: IRQF_TRIGGER_* (0: as the firmware set the line up).
 * Returns 0, -EINVAL for a bad line, -EBUSY if the line is taken.
 * Context: thread.  The handler runs in hardirq context, interrupts off.
 */
int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags, const char *name,
		void *dev);
void free_irq(unsigned int irq, void *dev);
/*
 * irq_set_affinity - deliver line @irq to CPU @cpu from now on (3.10 takes
 * a cpumask; we one CPU, the physical destination an IO-APIC entry or an
 * MSI message holds).  An IO-APIC line gets the destination field of its
 * redirection entry rewritten; an MSI-X line a new message in its device's
 * table entry, written with the entry masked (an interrupt raised meanwhile
 * stays pending in the device and arrives, on the new CPU, at the unmask).
 * The line's irq_desc remembers the CPU (irq_get_affinity, `interrupts`).
 * Returns 0, or -EINVAL for a bad line, an offline CPU, the tick's line
 * (every CPU has its own), a chip that cannot (the 8259s) or an MSI line
 * no device has taken yet (no irq_set_msi_desc).  Context: thread.
 */
int irq_set_affinity(unsigned int irq, unsigned int cpu);

/* The CPU line @irq is delivered to (0 until irq_set_affinity moved it); -EINVAL: bad line. */
int irq_get_affinity(unsigned int irq);

/* Wait until no CPU runs line @irq's handler (free_irq does).  Context: thread. */
void synchronize_irq(unsigned int irq);

/* How often line @irq fired: on every CPU, on CPU @cpu (3.10's names; monitor `interrupts`). */
unsigned long kstat_irqs(unsigned int irq);
unsigned long kstat_irqs_cpu(unsigned int irq, unsigned int cpu);

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
	/* Optional: program the line's trigger and polarity (IRQF_TRIGGER_*, 0: firmware's). */
	void (*set_type)(unsigned int irq, unsigned int flow_type);
	/* Optional: deliver the line to CPU @cpu (an online one).  Returns 0 or -errno. */
	int (*set_affinity)(unsigned int irq, unsigned int cpu);
};

/*
 * Message-signalled interrupts (PCI MSI/MSI-X): the device raises an
 * interrupt by writing @data to @address (Intel SDM vol. 3A, 11.11
 * "Message Signalled Interrupts"): address 0xFEE00000 | destination APIC
 * ID << 12, data = the vector, fixed delivery, edge.  Linux's layout.
 */
struct msi_msg {
	u32 address_lo;
	u32 address_hi;
	u32 data;
};
/*
 * The address fields, with 3.10's names (asm/msidef.h).  An 8-bit APIC ID
 * (xAPIC, physical mode): IDs above 255 cannot be addressed this way.
 * 3.10 writes the mask as 0x00ffff0, which after the shift keeps the same
 * bits 19-12; ours is exactly the field.
 */
#define MSI_ADDR_BASE_LO       0xfee00000u /* address_lo bits 31-20: 0xFEE */
#define MSI_ADDR_DEST_ID_SHIFT 12	   /* the destination APIC ID in bits 19-12 */
#define MSI_ADDR_DEST_ID_MASK  0x000ff000u
#define MSI_ADDR_DEST_ID_MAX   0xffu
#define MSI_ADDR_DEST_ID(id)   (((u32)(id) << MSI_ADDR_DEST_ID_SHIFT) & MSI_ADDR_DEST_ID_MASK)

/*
 * struct msi_desc - the device end of an MSI line (3.10 include/linux/msi.h):
 * where the message lives.  The bus code (drivers/pci/pci_irq.c for MSI-X)
 * embeds one per vector, sets @write_msg and hands it to irq_set_msi_desc();
 * irq_set_affinity() composes the message for the new CPU and calls
 * @write_msg, under the irq core's lock, interrupts off.
 */
/* 3.10's msi_set_affinity calls PCI's write_msi_msg; we a hook here: docs/linux-3.10.md */
struct msi_desc {
	unsigned int irq;   /* the line (irq_set_msi_desc sets it) */
	struct msi_msg msg; /* what the device holds now (@write_msg updates it) */
	/*
	 * Put @msg into the device, the entry masked around the write if it was
	 * live (PCI 3.0 6.8.3.5), and store it in @entry->msg.  Context: any,
	 * may be called with interrupts off; must not sleep.
	 */
	void (*write_msg)(struct msi_desc *entry, const struct msi_msg *msg);
};

/*
 * msi_irq_alloc - reserve a line that no interrupt controller pin drives
 * (on QEMU's 24-pin IO-APIC, lines 24-63) and fill @msg with what a device
 * writes to raise its vector.  request_irq() on the line then works as on
 * any other; its mask/unmask do nothing (mask in the device instead).
 * Returns the line, -ENODEV without a local APIC (the 8259 cannot take
 * messages), -ENOSPC when every such line is reserved.  Context: thread.
 */
int msi_irq_alloc(struct msi_msg *msg);

/* true if msi_irq_alloc() can work: the local APIC is in use (not with noapic). */
bool msi_irq_supported(void);

/* Give back a line from msi_irq_alloc(); free_irq() it first.  Context: thread. */
void msi_irq_free(unsigned int irq);

/*
 * irq_set_msi_desc - tell the irq core where MSI line @irq's message lives
 * (NULL: nowhere any more), so irq_set_affinity() can rewrite it.  @entry
 * must stay valid until msi_irq_free() or irq_set_msi_desc(@irq, NULL).
 * Returns 0, or -EINVAL if @irq is not a line from msi_irq_alloc().
 * Context: thread.  irq_get_msi_desc: the one set, or NULL.
 */
int irq_set_msi_desc(unsigned int irq, struct msi_desc *entry);
struct msi_desc *irq_get_msi_desc(unsigned int irq);

/* Raise interrupt line @irq's vector from software (tests of the irq paths). */
void irq_raise_for_test(unsigned int irq);

#endif
