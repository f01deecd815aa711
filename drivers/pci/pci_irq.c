/*
 * SPDX-License-Identifier: MIT
 * drivers/pci/pci_irq.c - PCI interrupts: MSI-X where we can, INTx otherwise.
 *
 * INTx is the old way: four shared wires (INTA-INTD) per slot, routed by
 * the chipset to interrupt-controller inputs; firmware writes the line it
 * chose into config space (PCI_INTERRUPT_LINE).  A PCI INTx line is
 * level-triggered and may be shared, so each handler on it must check its
 * own device and say IRQ_NONE if that was quiet, and must make its device
 * drop the line before returning (else the level re-triggers at once).
 * kernel/irq.c has one handler per line, so this file keeps the list of
 * PCI handlers sharing each line and puts one dispatcher on it.
 *
 * MSI-X (PCI 3.0, 6.8.2) replaces the wire by a memory write the device
 * performs: a table in one of its BARs holds, per vector, the address and
 * data to write.  On x86 the address is the local APIC's (0xFEE00000 |
 * APIC ID << 12) and the data the IDT vector, so each vector gets its own
 * line from msi_irq_alloc() and nothing is shared:
 *
 *   MSI-X capability in config space          BAR (table BIR) + table offset
 *   +--------+--------+-----------------+     +----------+--------+------+------+
 *   | id 11h |  next  | message control |     | addr lo  |addr hi | data | ctrl | entry 0
 *   +--------+--------+-----------------+     +----------+--------+------+------+
 *   | table offset           | BIR      |---> | 0xfee00000   0     | 0x38 |  0   | entry 1
 *   | PBA offset             | BIR      |     +----------+--------+------+------+
 *   +-----------------------------------+     ...
 *   message control: enable, function mask, table size - 1
 *
 * Entries start masked; pci_request_irq() unmasks one once its handler is
 * in place, pci_free_irq() masks it again first.
 *
 * Each vector's line points back at its entry (a struct msi_desc, given
 * to the irq core with irq_set_msi_desc), so irq_set_affinity() can move a
 * live vector to another CPU: it composes the message with the new APIC
 * ID and msix_irq_write_msg() writes it, masking the entry around the
 * write as PCI 3.0 6.8.3.5 asks.  A message the device wants to send
 * meanwhile sets the entry's pending bit and goes out, to the new CPU, at
 * the unmask: none is lost.
 *
 * Locking.  intx_lock guards every line's list of INTx handlers: the
 * dispatcher walks a list in hardirq on CPU 0 while a driver on another
 * CPU may be adding or removing itself (3.10 keeps shared handlers on the
 * irq_desc's action list, under desc->lock).  msix_lock makes each change
 * to an MSI-X table (an entry's mask, address, data) and to the
 * message-control word (a read-modify-write of config space) one step,
 * whichever CPU makes it (3.10: the irq_desc lock around mask/unmask).
 * intx_mutex lets one thread at a time add or remove an INTx handler
 * (the first and the last on a line request and free it).
 * Allocating and freeing vectors is a driver's probe and remove: one
 * thread per device at a time (drivers/pci/pci_driver.c).
 */
#include <drivers/pci.h>
#include <kernel/acpi.h>
#include <kernel/cmdline.h>
#include <kernel/irqflags.h>
#include <kernel/mutex.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <mm/slab.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "pci_internal.h"

static char pci_options[32];
cmdline_param_string(pci, pci_options, "PCI options: nomsi (never use MSI-X, INTx only)");

/* One handler on a shared INTx line. */
struct intx_action {
	struct list_head node;
	irq_handler_t handler;
	void *dev_id;
};

/* Per line: the PCI handlers on it (empty: the dispatcher is not installed); intx_lock. */
static struct list_head intx_actions[NR_IRQS];
/* The lists of intx_actions, against the dispatcher (hardirq, CPU 0): irqsave. */
static DEFINE_SPINLOCK(intx_lock);
/* One adder or remover of INTx handlers at a time (they allocate, request, free lines). */
static DEFINE_MUTEX(intx_mutex);
/* MSI-X table entries and message control: one update at a time, from any CPU. */
static DEFINE_SPINLOCK(msix_lock);

/* Is @opt one of the words of the comma-separated pci= option? */
static bool pci_option(const char *opt)
{
	size_t n = strlen(opt);

	for (const char *p = pci_options; (p = strstr(p, opt)); p += n)
		if ((p == pci_options || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return true;
	return false;
}

int pci_msi_enabled(void)
{
	return !pci_option("nomsi") && msi_irq_supported();
}

/* ---- MSI-X ------------------------------------------------------------------- */

/* 3.10 also has plain MSI (pci_enable_msi); we MSI-X or INTx: docs/linux-3.10.md */

unsigned int pci_msix_vec_count(struct pci_dev *dev)
{
	u16 ctrl;

	if (!dev->msix_cap || pci_read_config_word(dev, dev->msix_cap + PCI_MSIX_FLAGS, &ctrl))
		return 0;
	return (ctrl & PCI_MSIX_FLAGS_QSIZE) + 1;
}

static void msix_ctrl_update(struct pci_dev *dev, u16 clear, u16 set)
{
	unsigned long flags;
	u16 ctrl;

	spin_lock_irqsave(&msix_lock, flags); /* read, change, write: one step */
	pci_read_config_word(dev, dev->msix_cap + PCI_MSIX_FLAGS, &ctrl);
	pci_write_config_word(dev, dev->msix_cap + PCI_MSIX_FLAGS, (ctrl & ~clear) | set);
	spin_unlock_irqrestore(&msix_lock, flags);
}

static void *msix_entry(struct pci_irq_state *st, unsigned int nr, unsigned int field)
{
	return (char *)st->msix_table + nr * sizeof(struct pci_msix_table_entry) + field;
}

static void msix_mask(struct pci_irq_state *st, unsigned int nr, bool masked)
{
	unsigned long flags;

	spin_lock_irqsave(&msix_lock, flags);
	iowrite32(masked ? PCI_MSIX_ENTRY_CTRL_MASKBIT : 0,
		  msix_entry(st, nr, offsetof(struct pci_msix_table_entry, vector_ctrl)));
	/* Read back: the write has reached the device before we go on (PCI posts writes). */
	ioread32(msix_entry(st, nr, offsetof(struct pci_msix_table_entry, vector_ctrl)));
	spin_unlock_irqrestore(&msix_lock, flags);
}

/*
 * msix_irq_write_msg - point an entry at @msg (the msi_desc's write_msg).
 * PCI 3.0 6.8.3.5: while an entry is unmasked the device may use its
 * address and data at any time, so software masks it, writes both, and
 * unmasks; a message due in between waits as a pending bit.  Context: any
 * (irq_set_affinity calls it with interrupts off), under msix_lock.
 */
static void msix_irq_write_msg(struct msi_desc *desc, const struct msi_msg *msg)
{
	struct pci_irq_vec *v = container_of(desc, struct pci_irq_vec, msi);
	char *ent = v->msix_entry;
	void *ctrl = ent + offsetof(struct pci_msix_table_entry, vector_ctrl);
	unsigned long flags;
	u32 was;

	spin_lock_irqsave(&msix_lock, flags);
	was = ioread32(ctrl);
	if (!(was & PCI_MSIX_ENTRY_CTRL_MASKBIT)) {
		iowrite32(was | PCI_MSIX_ENTRY_CTRL_MASKBIT, ctrl);
		ioread32(ctrl); /* the mask has reached the device before the new address */
	}
	iowrite32(msg->address_lo, ent + offsetof(struct pci_msix_table_entry, msg_addr_lo));
	iowrite32(msg->address_hi, ent + offsetof(struct pci_msix_table_entry, msg_addr_hi));
	iowrite32(msg->data, ent + offsetof(struct pci_msix_table_entry, msg_data));
	desc->msg = *msg;
	if (!(was & PCI_MSIX_ENTRY_CTRL_MASKBIT)) {
		iowrite32(was, ctrl); /* unmask: a pending message goes out now, to @msg */
		ioread32(ctrl);
	}
	spin_unlock_irqrestore(&msix_lock, flags);
}

/*
 * Map the MSI-X table.  Its BIR and offset come from the device: the BAR
 * must be a memory BAR that holds all @nvec entries.
 */
static int msix_map_table(struct pci_dev *dev, struct pci_irq_state *st, unsigned int nvec)
{
	u32 table;
	unsigned int bir;
	u64 off, size = (u64)nvec * sizeof(struct pci_msix_table_entry);

	pci_read_config_dword(dev, dev->msix_cap + PCI_MSIX_TABLE, &table);
	bir = table & PCI_MSIX_TABLE_BIR;
	off = table & PCI_MSIX_TABLE_OFFSET;
	if (bir >= PCI_STD_NUM_BARS || !(dev->bar[bir].flags & IORESOURCE_MEM) ||
	    off + size > dev->bar[bir].len) {
		pr_warn("pci %s: MSI-X table (BAR %u + %#llx, %u entries) outside its memory BAR\n",
			pci_name(dev), bir, (unsigned long long)off, nvec);
		return -EINVAL;
	}
	st->msix_table = pci_iomap_range(dev, bir, off, size);
	return st->msix_table ? 0 : -ENOMEM;
}

static void msix_free_lines(struct pci_irq_state *st, unsigned int n)
{
	while (n--) {
		irq_set_msi_desc(st->vec[n].irq, NULL);
		msi_irq_free(st->vec[n].irq);
	}
}

/* Program @st->nvec entries, each masked, each to its own line; then let messages through. */
static int msix_setup(struct pci_dev *dev, struct pci_irq_state *st)
{
	struct msi_msg msg;
	unsigned int i;
	int ret;

	/* Enabled with the function mask set: no message can go out while we write the table. */
	msix_ctrl_update(dev, 0, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	ret = msix_map_table(dev, st, st->nvec);
	if (ret)
		goto disable;
	for (i = 0; i < st->nvec; i++) {
		struct pci_irq_vec *v = &st->vec[i];

		ret = msi_irq_alloc(&msg);
		if (ret < 0)
			goto free_lines;
		v->irq = ret;
		v->msix_entry = msix_entry(st, i, 0);
		v->msi.write_msg = msix_irq_write_msg;
		msix_mask(st, i, true);
		msix_irq_write_msg(&v->msi, &msg);
		irq_set_msi_desc(v->irq, &v->msi); /* irq_set_affinity may rewrite it from now */
	}
	/* PCI 3.0 6.8.2: an MSI-X function does not use INTx; say so to those that would. */
	pci_intx(dev, 0);
	msix_ctrl_update(dev, PCI_MSIX_FLAGS_MASKALL, 0);
	dev->msix_enabled = true;
	return 0;

free_lines:
	msix_free_lines(st, i);
disable:
	msix_ctrl_update(dev, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL, 0);
	return ret;
}

static void msix_teardown(struct pci_dev *dev, struct pci_irq_state *st)
{
	for (unsigned int i = 0; i < st->nvec; i++)
		msix_mask(st, i, true);
	msix_ctrl_update(dev, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL, 0);
	msix_free_lines(st, st->nvec);
	dev->msix_enabled = false;
	pci_intx(dev, 1);
}

/* ---- INTx ---------------------------------------------------------------------- */

/*
 * The IO-APIC trigger for a PCI INTx line.  The MADT's override for the
 * line, where it names a trigger or polarity, says how the chipset wired
 * it (QEMU's pc machine: lines 5, 9, 10, 11 level-triggered, active high);
 * what it leaves to "the bus" is PCI's: level-triggered, active low (PCI
 * 3.0, 2.2.6).  Without an IO-APIC the flags are ignored.
 */
static unsigned long intx_trigger(unsigned int irq)
{
	const struct acpi_madt_info *m = acpi_madt();
	u16 inti = 0;

	for (int i = 0; m && i < m->nr_overrides; i++)
		if (m->override[i].isa_irq == irq)
			inti = m->override[i].inti_flags;
	if ((inti & ACPI_MADT_TRIGGER_MASK) == ACPI_MADT_TRIGGER_EDGE)
		return (inti & ACPI_MADT_POLARITY_MASK) == ACPI_MADT_POLARITY_ACTIVE_HIGH
			       ? IRQF_TRIGGER_RISING
			       : IRQF_TRIGGER_FALLING;
	return (inti & ACPI_MADT_POLARITY_MASK) == ACPI_MADT_POLARITY_ACTIVE_HIGH
		       ? IRQF_TRIGGER_HIGH
		       : IRQF_TRIGGER_LOW;
}

/* Every PCI handler sharing the line; handled if any of them was. */
static irqreturn_t pci_intx_interrupt(int irq, void *actions)
{
	struct list_head *head = actions;
	struct intx_action *a;
	irqreturn_t ret = IRQ_NONE;

	/* 3.10 drops desc->lock for the walk; we hold intx_lock across: docs/linux-3.10.md */
	spin_lock(&intx_lock);
	list_for_each_entry(a, head, node)
		if (a->handler(irq, a->dev_id) == IRQ_HANDLED)
			ret = IRQ_HANDLED;
	spin_unlock(&intx_lock);
	return ret;
}

static int __intx_add(unsigned int irq, irq_handler_t handler, void *dev_id)
{
	struct list_head *head = &intx_actions[irq];
	struct intx_action *a;
	unsigned long flags;
	int ret;

	if (!head->next)
		INIT_LIST_HEAD(head);
	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	a->handler = handler;
	a->dev_id = dev_id;
	if (list_empty(head)) {
		/* The first user: the dispatcher takes the line (nobody else is on it yet). */
		list_add_tail(&a->node, head);
		ret = request_irq(irq, pci_intx_interrupt, intx_trigger(irq), "pci-intx", head);
		if (ret) {
			list_del(&a->node);
			kfree(a);
		}
		return ret;
	}
	/* The dispatcher may be walking the list on another CPU. */
	spin_lock_irqsave(&intx_lock, flags);
	list_add_tail(&a->node, head);
	spin_unlock_irqrestore(&intx_lock, flags);
	return 0;
}

static void __intx_remove(unsigned int irq, void *dev_id)
{
	struct list_head *head = &intx_actions[irq];
	struct intx_action *a;
	unsigned long flags;

	if (!head->next)
		return;
	list_for_each_entry(a, head, node) {
		if (a->dev_id != dev_id)
			continue;
		spin_lock_irqsave(&intx_lock, flags);
		list_del(&a->node);
		spin_unlock_irqrestore(&intx_lock, flags);
		kfree(a); /* no dispatcher can be in its handler now: they hold intx_lock */
		if (list_empty(head))
			free_irq(irq, head);
		return;
	}
	WARN_ON(1); /* freeing a handler that was never requested */
}

static int intx_add(unsigned int irq, irq_handler_t handler, void *dev_id)
{
	int ret;

	mutex_lock(&intx_mutex);
	ret = __intx_add(irq, handler, dev_id);
	mutex_unlock(&intx_mutex);
	return ret;
}

static void intx_remove(unsigned int irq, void *dev_id)
{
	mutex_lock(&intx_mutex);
	__intx_remove(irq, dev_id);
	mutex_unlock(&intx_mutex);
}

/* ---- the driver interface ---------------------------------------------------------- */

static struct pci_irq_state *irq_state_alloc(unsigned int nvec, bool msix)
{
	struct pci_irq_state *st = kzalloc(sizeof(*st) + nvec * sizeof(st->vec[0]), GFP_KERNEL);

	if (st) {
		st->nvec = nvec;
		st->msix = msix;
	}
	return st;
}

static bool msix_allowed(struct pci_dev *dev)
{
	return dev->msix_cap && !dev->no_msi && pci_msi_enabled();
}

static int try_msix(struct pci_dev *dev, unsigned int min_vecs, unsigned int max_vecs)
{
	unsigned int nvec = min(max_vecs, pci_msix_vec_count(dev));
	struct pci_irq_state *st;
	int ret;

	if (nvec < min_vecs)
		return -ENOSPC;
	st = irq_state_alloc(nvec, true);
	if (!st)
		return -ENOMEM;
	ret = msix_setup(dev, st);
	if (ret) {
		kfree(st);
		return ret;
	}
	dev->irqs = st;
	return nvec;
}

/* 3.10 has pci_enable_msix, drivers fall back; we 4.8's one call: docs/linux-3.10.md */
int pci_alloc_irq_vectors(struct pci_dev *dev, unsigned int min_vecs, unsigned int max_vecs,
			  unsigned int flags)
{
	struct pci_irq_state *st;
	int ret = -ENOSPC;

	if (!min_vecs || min_vecs > max_vecs || dev->irqs || !(flags & PCI_IRQ_ALL_TYPES))
		return -EINVAL;
	if ((flags & PCI_IRQ_MSIX) && msix_allowed(dev)) {
		ret = try_msix(dev, min_vecs, max_vecs);
		if (ret > 0 || ret == -ENOMEM)
			return ret;
	}
	if (!(flags & PCI_IRQ_INTX) || min_vecs > 1 || !dev->irq)
		return ret;
	st = irq_state_alloc(1, false);
	if (!st)
		return -ENOMEM;
	st->vec[0].irq = dev->irq;
	pci_intx(dev, 1);
	dev->irqs = st;
	return 1;
}

void pci_free_irq_vectors(struct pci_dev *dev)
{
	struct pci_irq_state *st = dev->irqs;

	if (!st)
		return;
	for (unsigned int i = 0; i < st->nvec; i++)
		if (WARN_ON(st->vec[i].requested))
			pci_free_irq(dev, i, st->vec[i].dev_id);
	if (st->msix)
		msix_teardown(dev, st);
	dev->irqs = NULL;
	kfree(st);
}

int pci_irq_vector(struct pci_dev *dev, unsigned int nr)
{
	if (!dev->irqs || nr >= dev->irqs->nvec)
		return -EINVAL;
	return dev->irqs->vec[nr].irq;
}

int pci_request_irq(struct pci_dev *dev, unsigned int nr, irq_handler_t handler,
		    irq_handler_t thread_fn, void *dev_id, const char *fmt, ...)
{
	struct pci_irq_state *st = dev->irqs;
	struct pci_irq_vec *v;
	va_list ap;
	int ret;

	if (!st || nr >= st->nvec || !handler || thread_fn)
		return -EINVAL;
	v = &st->vec[nr];
	if (v->requested)
		return -EBUSY;
	va_start(ap, fmt);
	vsnprintf(v->name, sizeof(v->name), fmt, ap);
	va_end(ap);
	if (st->msix) {
		ret = request_irq(v->irq, handler, 0, v->name, dev_id);
		if (!ret)
			msix_mask(st, nr, false);
	} else {
		ret = intx_add(v->irq, handler, dev_id);
	}
	if (ret)
		return ret;
	v->requested = true;
	v->dev_id = dev_id;
	return 0;
}

void pci_free_irq(struct pci_dev *dev, unsigned int nr, void *dev_id)
{
	struct pci_irq_state *st = dev->irqs;
	struct pci_irq_vec *v;

	if (WARN_ON(!st || nr >= st->nvec || !st->vec[nr].requested ||
		    st->vec[nr].dev_id != dev_id))
		return;
	v = &st->vec[nr];
	if (st->msix) {
		msix_mask(st, nr, true); /* quiet first, then take the handler away */
		free_irq(v->irq, dev_id);
	} else {
		intx_remove(v->irq, dev_id);
	}
	v->requested = false;
	v->dev_id = NULL;
}

const char *pci_irq_describe(const struct pci_dev *dev, char *buf, size_t size)
{
	const struct pci_irq_state *st = dev->irqs;
	int n = snprintf(buf, size, dev->irq ? "IRQ %u" : "no INTx", dev->irq);

	if (st && st->msix && n >= 0 && (size_t)n < size)
		snprintf(buf + n, size - n, ", MSI-X %u vectors (lines %u-%u)", st->nvec,
			 st->vec[0].irq, st->vec[st->nvec - 1].irq);
	else if (st && n >= 0 && (size_t)n < size)
		snprintf(buf + n, size - n, " (INTx in use)");
	return buf;
}
