/*
 * SPDX-License-Identifier: MIT
 * drivers/pci/pci_driver.c - binding drivers to PCI devices, reaching their
 * registers, and the `lspci` monitor command.
 *
 * Binding is a match of the device's ids against each driver's table,
 * then the driver's probe.  Who comes first does not matter: a driver
 * registered after the scan is offered every unbound device, and devices
 * never appear later (no hotplug).  pci_drivers and each dev->driver are
 * changed only in thread context, under pci_driver_lock, so two threads
 * (on two CPUs) registering drivers at once probe each device once; the
 * probe and remove callbacks run under it, one at a time, as 3.10 runs
 * them under the device's lock.  The monitor only reads them.
 */
#include <arch/x86.h>
#include <drivers/pci.h>
#include <kernel/monitor.h>
#include <kernel/mutex.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <mm/paging.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "pci_internal.h"

#define PCI_IOMAP_WHOLE_BAR (1UL << 20) /* BARs up to this size are mapped whole */

/* 3.10 takes each device's device_lock; we one mutex for all: docs/linux-3.10.md */
static DEFINE_MUTEX(pci_driver_lock); /* pci_drivers, every dev->driver; probe/remove */
static LIST_HEAD(pci_drivers);	      /* under pci_driver_lock */

static bool id_field_matches(u32 want, u32 have)
{
	return want == PCI_ANY_ID || want == have;
}

/* The all-zero terminator has no vendor and no class mask. */
static bool id_is_end(const struct pci_device_id *id)
{
	return !id->vendor && !id->device && !id->subvendor && !id->class_mask;
}

const struct pci_device_id *pci_match_id(const struct pci_device_id *ids, const struct pci_dev *dev)
{
	for (; ids && !id_is_end(ids); ids++) {
		if (id_field_matches(ids->vendor, dev->vendor) &&
		    id_field_matches(ids->device, dev->device) &&
		    id_field_matches(ids->subvendor, dev->subsystem_vendor) &&
		    id_field_matches(ids->subdevice, dev->subsystem_device) &&
		    !((ids->class ^ dev->class) & ids->class_mask))
			return ids;
	}
	return NULL;
}

static int pci_deferred_retry(struct deferred_probe *dp);

/*
 * Offer @dev to @drv; on success it is bound.  0, -ENODEV (not @drv's), or
 * the probe's error.  A probe that runs out of memory at boot is tried
 * again at late_initcall (<drivers/deferred_probe.h>).  Caller holds
 * pci_driver_lock.
 */
/* 3.10 defers only -EPROBE_DEFER; we -ENOMEM at boot, 3 times: docs/linux-3.10.md */
static int pci_try_probe(struct pci_driver *drv, struct pci_dev *dev)
{
	const struct pci_device_id *id = pci_match_id(drv->id_table, dev);
	char name[40];
	int ret;

	if (!id || dev->driver)
		return -ENODEV;
	dev->driver = drv; /* set first: probe may look at it */
	ret = drv->probe(dev, id);
	if (!ret)
		return 0;
	dev->driver = NULL;
	snprintf(name, sizeof(name), "pci %s: %s", pci_name(dev), drv->name);
	if (ret == -ENOMEM &&
	    driver_deferred_probe_add(&dev->deferred, name, ret, pci_deferred_retry))
		pr_warn("pci %s: %s probe failed: %d; tried again later in boot\n", pci_name(dev),
			drv->name, ret);
	else
		pr_warn("pci %s: %s probe failed: %d\n", pci_name(dev), drv->name, ret);
	return ret;
}

/* A deferred retry: offer @dp's device to every driver again, as registration does. */
static int pci_deferred_retry(struct deferred_probe *dp)
{
	struct pci_dev *dev = container_of(dp, struct pci_dev, deferred);
	struct pci_driver *drv;
	int err = -ENODEV, ret;

	mutex_lock(&pci_driver_lock);
	list_for_each_entry(drv, &pci_drivers, node) {
		ret = pci_try_probe(drv, dev);
		if (ret != -ENODEV)
			err = ret; /* bound (0), or this driver's failure */
		if (!ret || dev->deferred.queued)
			break;
	}
	mutex_unlock(&pci_driver_lock);
	return err;
}

int pci_register_driver(struct pci_driver *drv)
{
	struct pci_driver *d;
	struct pci_dev *dev;

	if (!drv->probe || !drv->id_table || !drv->name)
		return -EINVAL;
	mutex_lock(&pci_driver_lock);
	list_for_each_entry(d, &pci_drivers, node) {
		if (d == drv) {
			mutex_unlock(&pci_driver_lock);
			return -EBUSY;
		}
	}
	list_add_tail(&drv->node, &pci_drivers);
	list_for_each_entry(dev, &pci_devices, bus_list)
		pci_try_probe(drv, dev);
	mutex_unlock(&pci_driver_lock);
	return 0;
}

void pci_unregister_driver(struct pci_driver *drv)
{
	struct pci_dev *dev;

	mutex_lock(&pci_driver_lock);
	list_for_each_entry(dev, &pci_devices, bus_list) {
		if (dev->driver != drv)
			continue;
		if (drv->remove)
			drv->remove(dev);
		if (dev->irqs) {
			pr_warn("pci %s: %s left its interrupt vectors allocated\n", pci_name(dev),
				drv->name);
		}
		dev->driver = NULL;
		dev->driver_data = NULL;
	}
	list_del(&drv->node);
	mutex_unlock(&pci_driver_lock);
}

struct pci_dev *pci_get_device(unsigned int vendor, unsigned int device, struct pci_dev *from)
{
	struct pci_dev *dev = from ? list_entry(from->bus_list.next, struct pci_dev, bus_list)
				   : list_first_entry(&pci_devices, struct pci_dev, bus_list);

	for (; &dev->bus_list != &pci_devices;
	     dev = list_entry(dev->bus_list.next, struct pci_dev, bus_list))
		if (id_field_matches(vendor, dev->vendor) && id_field_matches(device, dev->device))
			return dev;
	return NULL;
}

struct pci_dev *pci_get_slot(unsigned int bus, unsigned int devfn)
{
	struct pci_dev *dev;

	list_for_each_entry(dev, &pci_devices, bus_list)
		if (dev->busnr == bus && dev->devfn == devfn)
			return dev;
	return NULL;
}

/* ---- command register ---------------------------------------------------- */

static void pci_command_update(struct pci_dev *dev, u16 clear, u16 set)
{
	u16 cmd;

	pci_read_config_word(dev, PCI_COMMAND, &cmd);
	pci_write_config_word(dev, PCI_COMMAND, (cmd & ~clear) | set);
}

int pci_enable_device(struct pci_dev *dev)
{
	u16 set = 0;

	for (int i = 0; i < PCI_STD_NUM_BARS; i++) {
		if (dev->bar[i].flags & IORESOURCE_IO)
			set |= PCI_COMMAND_IO;
		if (dev->bar[i].flags & IORESOURCE_MEM)
			set |= PCI_COMMAND_MEMORY;
	}
	pci_command_update(dev, 0, set);
	return 0;
}

void pci_disable_device(struct pci_dev *dev)
{
	pci_command_update(dev, PCI_COMMAND_MASTER, 0);
}

void pci_intx(struct pci_dev *dev, int enable)
{
	if (enable)
		pci_command_update(dev, PCI_COMMAND_INTX_DISABLE, 0);
	else
		pci_command_update(dev, 0, PCI_COMMAND_INTX_DISABLE);
}

void pci_set_master(struct pci_dev *dev)
{
	pci_command_update(dev, 0, PCI_COMMAND_MASTER);
}

void pci_clear_master(struct pci_dev *dev)
{
	pci_command_update(dev, PCI_COMMAND_MASTER, 0);
}

/* ---- register windows ------------------------------------------------------ */

void *pci_iomap_range(struct pci_dev *dev, int bar, unsigned long offset, unsigned long maxlen)
{
	struct pci_bar *b;
	u64 len;

	if (bar < 0 || bar >= PCI_STD_NUM_BARS)
		return NULL;
	b = &dev->bar[bar];
	if (!b->len || !b->start || offset >= b->len)
		return NULL;
	len = maxlen ? min((u64)offset + maxlen, b->len) : b->len;
	if (b->len <= PCI_IOMAP_WHOLE_BAR)
		len = b->len; /* one mapping serves every later window of a small BAR */
	if (b->flags & IORESOURCE_IO) {
		if (b->start + b->len > 0x10000) /* x86 ports are 16 bits */
			return NULL;
		return (void *)(PCI_IOMAP_PIO_BASE + b->start + offset);
	}
	/* ioremap is permanent: map each BAR once, again only if more of it is wanted. */
	if (!b->map || b->map_len < len) {
		void *map = ioremap(b->start, len);

		if (!map)
			return NULL;
		b->map = map;
		b->map_len = len;
	}
	return (char *)b->map + offset;
}

void *pci_iomap(struct pci_dev *dev, int bar, unsigned long maxlen)
{
	return pci_iomap_range(dev, bar, 0, maxlen);
}

void pci_iounmap(struct pci_dev *dev, void *addr)
{
	/* Nothing to do: mappings stay for the next driver (see pci_iomap). */
}

static u16 pio_port(const void *addr)
{
	return (unsigned long)addr - PCI_IOMAP_PIO_BASE;
}

u8 ioread8(const void *addr)
{
	return pci_iomap_is_pio(addr) ? inb(pio_port(addr)) : *(const volatile u8 *)addr;
}

u16 ioread16(const void *addr)
{
	return pci_iomap_is_pio(addr) ? inw(pio_port(addr)) : *(const volatile u16 *)addr;
}

u32 ioread32(const void *addr)
{
	return pci_iomap_is_pio(addr) ? inl(pio_port(addr)) : *(const volatile u32 *)addr;
}

void iowrite8(u8 val, void *addr)
{
	if (pci_iomap_is_pio(addr))
		outb(pio_port(addr), val);
	else
		*(volatile u8 *)addr = val;
}

void iowrite16(u16 val, void *addr)
{
	if (pci_iomap_is_pio(addr))
		outw(pio_port(addr), val);
	else
		*(volatile u16 *)addr = val;
}

void iowrite32(u32 val, void *addr)
{
	if (pci_iomap_is_pio(addr))
		outl(pio_port(addr), val);
	else
		*(volatile u32 *)addr = val;
}

/* ---- lspci ------------------------------------------------------------------- */

static const struct {
	u16 class; /* base class << 8 | subclass */
	const char *name;
} class_names[] = {
	{ 0x0000, "Non-VGA unclassified device" },
	{ 0x0100, "SCSI storage controller" },
	{ 0x0101, "IDE interface" },
	{ 0x0106, "SATA controller" },
	{ 0x0108, "Non-Volatile memory controller" },
	{ 0x0180, "Mass storage controller" },
	{ 0x0200, "Ethernet controller" },
	{ 0x0280, "Network controller" },
	{ 0x0300, "VGA compatible controller" },
	{ 0x0380, "Display controller" },
	{ 0x0403, "Audio device" },
	{ 0x0600, "Host bridge" },
	{ 0x0601, "ISA bridge" },
	{ 0x0604, "PCI bridge" },
	{ 0x0680, "Bridge" },
	{ 0x0700, "Serial controller" },
	{ 0x0780, "Communication controller" },
	{ 0x0880, "System peripheral" },
	{ 0x0c03, "USB controller" },
	{ 0x0c05, "SMBus" },
	{ 0x00ff, "Unclassified device" },
};

static const char *class_name(u32 class)
{
	for (size_t i = 0; i < ARRAY_SIZE(class_names); i++)
		if (class_names[i].class == class >> 8)
			return class_names[i].name;
	return "Class";
}

static const char *cap_name(u8 id)
{
	switch (id) {
	case PCI_CAP_ID_PM:
		return "Power Management";
	case 0x03:
		return "Vital Product Data";
	case 0x04:
		return "Slot ID";
	case 0x0c:
		return "PCI Hot-plug";
	case 0x0d:
		return "Subsystem";
	case PCI_CAP_ID_MSI:
		return "MSI";
	case PCI_CAP_ID_VNDR:
		return "Vendor Specific Information";
	case PCI_CAP_ID_EXP:
		return "Express";
	case PCI_CAP_ID_MSIX:
		return "MSI-X";
	default:
		return "?";
	}
}

/* " [size=16K]" as lspci prints sizes, appended to @line. */
static void append_size(char *line, size_t size, u64 len)
{
	static const char units[] = "KMGT";
	size_t n = strlen(line);
	int u = -1;

	while (len >= 1024 && !(len % 1024) && u < 3) {
		len /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(line + n, size - n, " [size=%llu]", (unsigned long long)len);
	else
		snprintf(line + n, size - n, " [size=%llu%c]", (unsigned long long)len, units[u]);
}

static void lspci_bars(const struct pci_dev *dev)
{
	char line[96];

	for (int i = 0; i < PCI_STD_NUM_BARS; i++) {
		const struct pci_bar *b = &dev->bar[i];

		if (!b->len)
			continue;
		if (b->flags & IORESOURCE_IO)
			snprintf(line, sizeof(line), "\tI/O ports at %04llx",
				 (unsigned long long)b->start);
		else
			snprintf(line, sizeof(line), "\tMemory at %08llx (%s, %sprefetchable)",
				 (unsigned long long)b->start,
				 b->flags & IORESOURCE_MEM_64 ? "64-bit" : "32-bit",
				 b->flags & IORESOURCE_PREFETCH ? "" : "non-");
		append_size(line, sizeof(line), b->len);
		printk("%s\n", line);
	}
}

static void lspci_caps(struct pci_dev *dev)
{
	for (unsigned int i = 0; i < dev->nr_caps; i++) {
		u16 ctrl;

		if (dev->caps[i].id != PCI_CAP_ID_MSIX) {
			printk("\tCapabilities: [%02x] %s\n", dev->caps[i].pos,
			       cap_name(dev->caps[i].id));
			continue;
		}
		pci_read_config_word(dev, dev->caps[i].pos + PCI_MSIX_FLAGS, &ctrl);
		printk("\tCapabilities: [%02x] MSI-X: Enable%c Count=%u Masked%c\n",
		       dev->caps[i].pos, ctrl & PCI_MSIX_FLAGS_ENABLE ? '+' : '-',
		       (ctrl & PCI_MSIX_FLAGS_QSIZE) + 1,
		       ctrl & PCI_MSIX_FLAGS_MASKALL ? '+' : '-');
	}
	if (dev->cap_list_broken)
		printk("\tCapabilities: <broken list: the rest ignored>\n");
}

/* One device in the shape of `lspci -v`. */
static void lspci_one(struct pci_dev *dev)
{
	char irqbuf[64], rev[16] = "";
	u16 cmd;

	if (dev->revision)
		snprintf(rev, sizeof(rev), " (rev %02x)", dev->revision);
	printk("%02x:%02x.%u %s [%04x]: %04x:%04x%s\n", dev->busnr, PCI_SLOT(dev->devfn),
	       PCI_FUNC(dev->devfn), class_name(dev->class), dev->class >> 8, dev->vendor,
	       dev->device, rev);
	if (dev->hdr_type == PCI_HEADER_TYPE_NORMAL && dev->subsystem_vendor)
		printk("\tSubsystem: %04x:%04x\n", dev->subsystem_vendor, dev->subsystem_device);
	if (dev->hdr_type == PCI_HEADER_TYPE_BRIDGE)
		printk("\tBus: primary=%02x, secondary=%02x, subordinate=%02x\n", dev->busnr,
		       dev->secondary, dev->subordinate);
	pci_read_config_word(dev, PCI_COMMAND, &cmd);
	printk("\tFlags: %s%s\n", cmd & PCI_COMMAND_MASTER ? "bus master, " : "",
	       pci_irq_describe(dev, irqbuf, sizeof(irqbuf)));
	lspci_bars(dev);
	lspci_caps(dev);
	if (dev->driver)
		printk("\tKernel driver in use: %s\n", dev->driver->name);
	printk("\n");
}

static int cmd_lspci(int argc, char **argv)
{
	struct pci_dev *dev;

	if (list_empty(&pci_devices)) {
		printk("no PCI devices\n");
		return 0;
	}
	list_for_each_entry(dev, &pci_devices, bus_list)
		lspci_one(dev);
	return 0;
}
MONITOR_CMD(lspci, "lspci", "PCI devices: ids, class, BARs, interrupts, capabilities, driver",
	    cmd_lspci);
