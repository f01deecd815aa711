/*
 * SPDX-License-Identifier: MIT
 * drivers/pci/pci.c - finding PCI devices: configuration space access,
 * enumeration of the buses, BAR sizing, the capability list.
 *
 * Configuration mechanism #1 (PCI Local Bus Specification 3.0,
 * 3.2.2.3.2): write the address of a config register to port 0xCF8, then
 * read or write its dword at port 0xCFC (or a byte or word of it at
 * 0xCFC + offset):
 *
 *    31  30    24 23    16 15   11 10    8 7        2 1 0
 *   +---+--------+--------+-------+-------+----------+---+
 *   | E |reserved|  bus   |device |  fn   | register | 0 |     E: enable
 *   +---+--------+--------+-------+-------+----------+---+
 *
 * The two ports form one transaction, so pci_config_lock keeps two CPUs
 * (or a thread and an interrupt handler) from interleaving theirs: without
 * it, CPU 1 could write its address between CPU 0's address and data, and
 * CPU 0 would read CPU 1's register (3.10's pci_config_lock of
 * arch/x86/pci/direct.c; 3.10 also wraps it in drivers/pci/access.c's
 * pci_lock, which adds nothing for one mechanism).
 *
 * Enumeration (as PCI firmware and Linux do it): for every slot of a bus,
 * read function 0's vendor id (0xffff: empty); if its header type has the
 * multi-function bit, try functions 1-7 too; a PCI-to-PCI bridge (header
 * type 1) leads to its secondary bus, scanned the same way.  Everything
 * read here comes from devices, so it is checked before it is used: a
 * bridge cannot send us round in circles, a capability list cannot loop,
 * a 64-bit BAR cannot claim a sixth slot that does not exist.
 *
 * 3.10 may renumber buses and assign BARs; we keep the firmware's: docs/linux-3.10.md
 * Nothing is reassigned: the firmware (SeaBIOS) has placed the BARs and
 * numbered the bridges, and we take what it did.
 */
#include <arch/x86.h>
#include <drivers/pci.h>
#include <kernel/boot_report.h>
#include <kernel/init.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <mm/slab.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "pci_internal.h"

#define PCI_CONF1_ADDRESS 0xcf8
#define PCI_CONF1_DATA	  0xcfc
#define PCI_CONF1_ENABLE  0x80000000u
#define PCI_MAX_BUSES	  256

LIST_HEAD(pci_devices);

/* Ports 0xcf8-0xcff: address then data, one step (3.10's name and rule). */
static DEFINE_SPINLOCK(pci_config_lock);

static u32 conf1_address(unsigned int bus, unsigned int devfn, int where)
{
	return PCI_CONF1_ENABLE | (bus << 16) | (devfn << 8) | (where & 0xfc);
}

static int conf1_read(const struct pci_config_ops *ops, unsigned int bus, unsigned int devfn,
		      int where, int size, u32 *val)
{
	unsigned long flags;
	u16 port = PCI_CONF1_DATA + (where & 3);

	spin_lock_irqsave(&pci_config_lock, flags);
	outl(PCI_CONF1_ADDRESS, conf1_address(bus, devfn, where));
	if (size == 1)
		*val = inb(port);
	else if (size == 2)
		*val = inw(port);
	else
		*val = inl(port);
	spin_unlock_irqrestore(&pci_config_lock, flags);
	return 0;
}

static int conf1_write(const struct pci_config_ops *ops, unsigned int bus, unsigned int devfn,
		       int where, int size, u32 val)
{
	unsigned long flags;
	u16 port = PCI_CONF1_DATA + (where & 3);

	spin_lock_irqsave(&pci_config_lock, flags);
	outl(PCI_CONF1_ADDRESS, conf1_address(bus, devfn, where));
	if (size == 1)
		outb(port, val);
	else if (size == 2)
		outw(port, val);
	else
		outl(port, val);
	spin_unlock_irqrestore(&pci_config_lock, flags);
	return 0;
}

const struct pci_config_ops pci_conf1_ops = {
	.read = conf1_read,
	.write = conf1_write,
};

/* A naturally aligned access of 1, 2 or 4 bytes inside the 256 bytes mechanism #1 reaches. */
static bool config_access_ok(int where, int size)
{
	return where >= 0 && where + size <= PCI_CFG_SPACE_SIZE && !(where & (size - 1));
}

/* Raw access by address, for the scan (before there is a pci_dev). */
static int bus_read(const struct pci_config_ops *ops, unsigned int bus, unsigned int devfn,
		    int where, int size, u32 *val)
{
	if (!config_access_ok(where, size)) {
		*val = ~0u;
		return -EINVAL;
	}
	return ops->read(ops, bus, devfn, where, size, val);
}

static int bus_write(const struct pci_config_ops *ops, unsigned int bus, unsigned int devfn,
		     int where, int size, u32 val)
{
	if (!config_access_ok(where, size))
		return -EINVAL;
	return ops->write(ops, bus, devfn, where, size, val);
}

int pci_read_config_byte(const struct pci_dev *dev, int where, u8 *val)
{
	u32 v;
	int ret = bus_read(dev->ops, dev->busnr, dev->devfn, where, 1, &v);

	*val = v;
	return ret;
}

int pci_read_config_word(const struct pci_dev *dev, int where, u16 *val)
{
	u32 v;
	int ret = bus_read(dev->ops, dev->busnr, dev->devfn, where, 2, &v);

	*val = v;
	return ret;
}

int pci_read_config_dword(const struct pci_dev *dev, int where, u32 *val)
{
	return bus_read(dev->ops, dev->busnr, dev->devfn, where, 4, val);
}

int pci_write_config_byte(const struct pci_dev *dev, int where, u8 val)
{
	return bus_write(dev->ops, dev->busnr, dev->devfn, where, 1, val);
}

int pci_write_config_word(const struct pci_dev *dev, int where, u16 val)
{
	return bus_write(dev->ops, dev->busnr, dev->devfn, where, 2, val);
}

int pci_write_config_dword(const struct pci_dev *dev, int where, u32 val)
{
	return bus_write(dev->ops, dev->busnr, dev->devfn, where, 4, val);
}

/* ---- capabilities ------------------------------------------------------ */

int pci_scan_capabilities(struct pci_dev *dev)
{
	u64 seen = 0; /* one bit per dword of config space: where the walk has been */
	u16 status;
	u8 pos, id, next;
	const char *bad = NULL;

	dev->nr_caps = 0;
	dev->cap_list_broken = false;
	if (pci_read_config_word(dev, PCI_STATUS, &status) || !(status & PCI_STATUS_CAP_LIST) ||
	    dev->hdr_type == PCI_HEADER_TYPE_CARDBUS)
		return 0;
	pci_read_config_byte(dev, PCI_CAPABILITY_LIST, &pos);
	/* PCI 3.0 6.7: "the bottom two bits are reserved ... software must mask them off". */
	for (pos &= ~3; pos; pos = next & ~3) {
		if (pos < PCI_STD_HEADER_SIZEOF) {
			bad = "points into the standard header";
			break;
		}
		if (seen & (1ULL << (pos / 4))) {
			bad = "loops";
			break;
		}
		seen |= 1ULL << (pos / 4);
		pci_read_config_byte(dev, pos + PCI_CAP_LIST_ID, &id);
		pci_read_config_byte(dev, pos + PCI_CAP_LIST_NEXT, &next);
		if (id == 0xff) { /* what an absent device reads as: not a capability */
			bad = "has an entry with id 0xff";
			break;
		}
		dev->caps[dev->nr_caps].id = id;
		dev->caps[dev->nr_caps].pos = pos;
		dev->nr_caps++; /* at most PCI_CAP_MAX: each dword is visited once */
	}
	if (!bad)
		return dev->nr_caps;
	dev->cap_list_broken = true;
	pr_warn("pci %s: capability list %s at %#x; using the %u capabilities before it\n",
		pci_name(dev), bad, pos, dev->nr_caps);
	return -EINVAL;
}

static u8 find_cap_from(const struct pci_dev *dev, unsigned int i, int cap)
{
	for (; i < dev->nr_caps; i++)
		if (dev->caps[i].id == cap)
			return dev->caps[i].pos;
	return 0;
}

u8 pci_find_capability(const struct pci_dev *dev, int cap)
{
	return find_cap_from(dev, 0, cap);
}

u8 pci_find_next_capability(const struct pci_dev *dev, u8 pos, int cap)
{
	for (unsigned int i = 0; i < dev->nr_caps; i++)
		if (dev->caps[i].pos == pos)
			return find_cap_from(dev, i + 1, cap);
	return 0;
}

/* ---- BARs ----------------------------------------------------------------- */

/* The lowest set bit of @mask: the size of a window whose writable address bits are @mask. */
static u64 size_from_mask(u64 mask)
{
	return mask & -mask;
}

/*
 * Size BAR @i (PCI 3.0, 6.2.5.1): write all-ones, read which bits stuck,
 * put the old value back.  Decoding is off meanwhile (the caller's job),
 * so the device never answers at the all-ones address.  Returns the
 * number of BAR slots used (2 for a 64-bit memory BAR, else 1).
 */
static int pci_size_bar(struct pci_dev *dev, int i)
{
	struct pci_bar *b = &dev->bar[i];
	int reg = PCI_BASE_ADDRESS_0 + 4 * i;
	u32 orig, mask, orig_hi = 0, mask_hi = 0;
	bool is64;

	pci_read_config_dword(dev, reg, &orig);
	pci_write_config_dword(dev, reg, ~0u);
	pci_read_config_dword(dev, reg, &mask);
	pci_write_config_dword(dev, reg, orig);
	if (!mask || mask == ~0u) /* unimplemented, or nothing answering */
		return 1;
	if (orig & PCI_BASE_ADDRESS_SPACE_IO) {
		mask &= PCI_BASE_ADDRESS_IO_MASK;
		if (!(mask & 0xffff0000u)) /* a 16-bit decoder: the upper half reads 0 */
			mask |= 0xffff0000u;
		b->start = orig & PCI_BASE_ADDRESS_IO_MASK;
		b->len = size_from_mask(mask);
		b->flags = IORESOURCE_IO;
		return 1;
	}
	is64 = (orig & PCI_BASE_ADDRESS_MEM_TYPE_MASK) == PCI_BASE_ADDRESS_MEM_TYPE_64;
	if (is64 && i == PCI_STD_NUM_BARS - 1) {
		pr_warn("pci %s: 64-bit BAR %d has no upper half; ignored\n", pci_name(dev), i);
		return 1;
	}
	if (is64) {
		pci_read_config_dword(dev, reg + 4, &orig_hi);
		pci_write_config_dword(dev, reg + 4, ~0u);
		pci_read_config_dword(dev, reg + 4, &mask_hi);
		pci_write_config_dword(dev, reg + 4, orig_hi);
	} else {
		mask_hi = ~0u; /* a 32-bit BAR's window cannot be larger than 4 GiB */
	}
	b->start = ((u64)orig_hi << 32) | (orig & PCI_BASE_ADDRESS_MEM_MASK);
	b->len = size_from_mask(((u64)mask_hi << 32) | (mask & PCI_BASE_ADDRESS_MEM_MASK));
	b->flags = IORESOURCE_MEM | (is64 ? IORESOURCE_MEM_64 : 0) |
		   (orig & PCI_BASE_ADDRESS_MEM_PREFETCH ? IORESOURCE_PREFETCH : 0);
	return is64 ? 2 : 1;
}

static void pci_read_bars(struct pci_dev *dev, int nr_bars)
{
	u16 cmd;

	pci_read_config_word(dev, PCI_COMMAND, &cmd);
	pci_write_config_word(dev, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	for (int i = 0; i < nr_bars;)
		i += pci_size_bar(dev, i);
	pci_write_config_word(dev, PCI_COMMAND, cmd);
}

/* ---- enumeration ------------------------------------------------------------ */

#define PCI_SCAN_RETRIES 3 /* more tries of a function's allocation before leaving it out */

struct pci_scan {
	const struct pci_config_ops *ops;
	struct list_head *list;
	u64 seen[PCI_MAX_BUSES / 64];	 /* buses scanned or waiting to be */
	u64 pending[PCI_MAX_BUSES / 64]; /* buses a bridge leads to, not scanned yet */
	int found;
};

static bool bus_bit(const u64 *map, unsigned int bus)
{
	return map[bus / 64] & (1ULL << (bus % 64));
}

static void bus_set(u64 *map, unsigned int bus, bool on)
{
	if (on)
		map[bus / 64] |= 1ULL << (bus % 64);
	else
		map[bus / 64] &= ~(1ULL << (bus % 64));
}

/* The fixed part of config space into @dev; the caller has checked the vendor id. */
static void pci_read_header(struct pci_dev *dev)
{
	u32 class_rev;
	u8 hdr, line;

	pci_read_config_word(dev, PCI_VENDOR_ID, &dev->vendor);
	pci_read_config_word(dev, PCI_DEVICE_ID, &dev->device);
	pci_read_config_dword(dev, PCI_REVISION_ID, &class_rev);
	dev->revision = class_rev & 0xff;
	dev->class = class_rev >> 8;
	pci_read_config_byte(dev, PCI_HEADER_TYPE, &hdr);
	dev->hdr_type = hdr & PCI_HEADER_TYPE_MASK;
	pci_read_config_byte(dev, PCI_INTERRUPT_PIN, &dev->pin);
	/* 3.10 routes INTx through ACPI's _PRT; we take the firmware's line: docs/linux-3.10.md */
	pci_read_config_byte(dev, PCI_INTERRUPT_LINE, &line);
	/* Firmware writes the line it routed the pin to; 0 and 0xff mean "not routed". */
	if (dev->pin >= 1 && dev->pin <= 4 && line && line != 0xff && line < NR_IRQS)
		dev->irq = line;
	if (dev->hdr_type == PCI_HEADER_TYPE_NORMAL) {
		pci_read_config_word(dev, PCI_SUBSYSTEM_VENDOR_ID, &dev->subsystem_vendor);
		pci_read_config_word(dev, PCI_SUBSYSTEM_ID, &dev->subsystem_device);
		pci_read_bars(dev, PCI_STD_NUM_BARS);
	} else if (dev->hdr_type == PCI_HEADER_TYPE_BRIDGE) {
		pci_read_config_byte(dev, PCI_SECONDARY_BUS, &dev->secondary);
		pci_read_config_byte(dev, PCI_SUBORDINATE_BUS, &dev->subordinate);
		pci_read_bars(dev, 2);
	}
}

/*
 * A pci_dev for a function that answered.  At boot nothing has had time to
 * free memory, so a failed allocation is simply tried again, a few times.
 */
/* 3.10 skips the function silently (pci_scan_single_device): docs/linux-3.10.md */
static struct pci_dev *pci_alloc_dev(const char *name)
{
	struct pci_dev *dev = NULL;
	unsigned int tries;

	for (tries = 0; !dev && tries <= PCI_SCAN_RETRIES; tries++)
		dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (tries == 1)
		return dev;
	if (dev) {
		pr_warn("pci %s: out of memory (-12); enumerated on retry %u\n", name, tries - 1);
		boot_degraded("pci %s: out of memory (-12); enumerated on retry %u", name,
			      tries - 1);
	} else {
		pr_err("pci %s: out of memory (-12) %u times; not enumerated\n", name, tries);
		boot_degraded("pci %s: out of memory (-12) %u times; not enumerated", name, tries);
	}
	return dev;
}

/*
 * Make the pci_dev for bus/devfn, or return NULL if no function answers
 * there, or (*@err = -ENOMEM) none could be allocated for it.
 */
static struct pci_dev *pci_scan_function(struct pci_scan *s, unsigned int bus, unsigned int devfn,
					 int *err)
{
	struct pci_dev *dev;
	char name[16];
	u32 id;

	bus_read(s->ops, bus, devfn, PCI_VENDOR_ID, 4, &id);
	/* All-ones: nobody answered; 0 or 0xffff in either half: a broken response. */
	if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0 || (id >> 16) == 0xffff)
		return NULL;
	snprintf(name, sizeof(name), "0000:%02x:%02x.%u", bus, PCI_SLOT(devfn), PCI_FUNC(devfn));
	dev = pci_alloc_dev(name);
	if (!dev) {
		*err = -ENOMEM;
		return NULL;
	}
	dev->ops = s->ops;
	dev->busnr = bus;
	dev->devfn = devfn;
	memcpy(dev->name, name, sizeof(dev->name));
	pci_read_header(dev);
	pci_scan_capabilities(dev);
	dev->msix_cap = pci_find_capability(dev, PCI_CAP_ID_MSIX);
	list_add_tail(&dev->bus_list, s->list);
	s->found++;
	return dev;
}

/*
 * Queue @bridge's secondary bus for scanning, unless it goes backwards or
 * was seen before (two bridges claiming one bus, or a loop).  Buses are
 * scanned from a queue, not by recursion: a chain of 255 bridges must not
 * run us off the stack.
 */
static void pci_queue_bridge(struct pci_scan *s, struct pci_dev *bridge)
{
	unsigned int sec = bridge->secondary;

	if (sec <= bridge->busnr || bus_bit(s->seen, sec)) {
		pr_warn("pci %s: bridge to bus %u %s; not followed\n", pci_name(bridge), sec,
			sec <= bridge->busnr ? "is not below it" : "was seen before (a loop)");
		return;
	}
	bus_set(s->seen, sec, true);
	bus_set(s->pending, sec, true);
}

/* Is function 0 at bus/@devfn the first of several (the MFD bit of its header type)? */
static bool pci_slot_multifunction(struct pci_scan *s, unsigned int bus, unsigned int devfn)
{
	u32 hdr;

	bus_read(s->ops, bus, devfn, PCI_HEADER_TYPE, 1, &hdr);
	return hdr & PCI_HEADER_TYPE_MFD;
}

/* The functions of one slot; one that could not be allocated is left out, the others not. */
static void pci_scan_slot(struct pci_scan *s, unsigned int bus, unsigned int slot)
{
	for (unsigned int fn = 0; fn < 8; fn++) {
		int err = 0;
		struct pci_dev *dev = pci_scan_function(s, bus, PCI_DEVFN(slot, fn), &err);

		if (!dev && !err) {
			if (fn == 0)
				return; /* no function 0: the slot is empty */
			continue;
		}
		if (dev && dev->hdr_type == PCI_HEADER_TYPE_BRIDGE)
			pci_queue_bridge(s, dev);
		if (fn == 0 && !pci_slot_multifunction(s, bus, PCI_DEVFN(slot, 0)))
			return;
	}
}

/* The lowest queued bus, or -1. */
static int next_pending_bus(const struct pci_scan *s)
{
	for (unsigned int bus = 0; bus < PCI_MAX_BUSES; bus++)
		if (bus_bit(s->pending, bus))
			return bus;
	return -1;
}

int pci_scan_bus(const struct pci_config_ops *ops, unsigned int busnr, struct list_head *list)
{
	/* On the stack (88 bytes): an enumeration must not give up for want of them. */
	struct pci_scan s = { .ops = ops, .list = list };
	int bus;

	bus_set(s.seen, busnr & 0xff, true);
	bus_set(s.pending, busnr & 0xff, true);
	while ((bus = next_pending_bus(&s)) >= 0) {
		bus_set(s.pending, bus, false);
		for (unsigned int slot = 0; slot < 32; slot++)
			pci_scan_slot(&s, bus, slot);
	}
	return s.found;
}

void pci_free_devices(struct list_head *list)
{
	struct pci_dev *dev, *n;

	list_for_each_entry_safe(dev, n, list, bus_list) {
		WARN_ON(dev->driver || dev->irqs);
		list_del(&dev->bus_list);
		kfree(dev);
	}
}

/* ---- boot ------------------------------------------------------------------- */

/* Mechanism #1 answers if what we wrote to 0xCF8 reads back (PCI 3.0, 3.2.2.3.2). */
static bool conf1_present(void)
{
	unsigned long flags;
	u32 saved, back;

	spin_lock_irqsave(&pci_config_lock, flags);
	saved = inl(PCI_CONF1_ADDRESS);
	outl(PCI_CONF1_ADDRESS, PCI_CONF1_ENABLE);
	back = inl(PCI_CONF1_ADDRESS);
	outl(PCI_CONF1_ADDRESS, saved);
	spin_unlock_irqrestore(&pci_config_lock, flags);
	return back == PCI_CONF1_ENABLE;
}

/*
 * Enumerate the machine's PCI buses into pci_devices and print one line per
 * function.  No driver is bound yet: each registers at device_initcall
 * level, after this (3.10's pci_subsys_init is a subsys_initcall too).
 */
static int pci_init(void)
{
	struct pci_dev *dev;
	int n;

	if (!conf1_present()) {
		pr_info("pci: no configuration mechanism #1; no PCI\n");
		return 0;
	}
	n = pci_scan_bus(&pci_conf1_ops, 0, &pci_devices);
	/* KERN_DEBUG, as 3.10's pci_setup_device: in dmesg, not on the console; lspci lists them */
	list_for_each_entry(dev, &pci_devices, bus_list)
		pr_debug("pci %s: [%04x:%04x] class %06x%s%s\n", pci_name(dev), dev->vendor,
			 dev->device, dev->class, dev->msix_cap ? " MSI-X" : "",
			 dev->hdr_type == PCI_HEADER_TYPE_BRIDGE ? " bridge" : "");
	pr_info("pci: %d functions%s\n", n,
		pci_msi_enabled() ? "" : ", MSI-X off (pci=nomsi or noapic)");
	return 0;
}
subsys_initcall(pci_init);
