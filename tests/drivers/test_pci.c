/*
 * SPDX-License-Identifier: MIT
 * tests/drivers/test_pci.c - finding PCI devices: what enumeration finds on QEMU's
 * pc machine, BAR sizing, the capability walker against a fake
 * configuration space in memory (good lists and corrupted ones), and
 * enumeration of a fake topology (multi-function devices, bridges, a
 * bridge loop), and config space read from every CPU at once.
 * tests/drivers/test_pci_driver.c has binding and interrupts.
 *
 * The virtio variant of tools/run-tests.py boots with virtio devices (one
 * behind a pci-bridge); the cases that need them skip without.
 */
#include <drivers/pci.h>
#include <kernel/irq.h>
#include <kernel/ktest.h>
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <mm/fault_inject.h>
#include <mm/slab.h>
#include <errno.h>
#include <string.h>

/* ---- a configuration space in memory --------------------------------------------- */

#define FAKE_FUNCS 16

struct fake_func {
	bool present;
	u8 bus, devfn;
	u8 cfg[PCI_CFG_SPACE_SIZE];
	u32 bar_mask[PCI_STD_NUM_BARS]; /* bits a write can change */
};

struct fake_bus {
	struct pci_config_ops ops;
	struct fake_func f[FAKE_FUNCS];
};

static struct fake_func *fake_find(const struct pci_config_ops *ops, unsigned int bus,
				   unsigned int devfn)
{
	struct fake_bus *fb = container_of(ops, struct fake_bus, ops);

	for (int i = 0; i < FAKE_FUNCS; i++)
		if (fb->f[i].present && fb->f[i].bus == bus && fb->f[i].devfn == devfn)
			return &fb->f[i];
	return NULL;
}

static int fake_read(const struct pci_config_ops *ops, unsigned int bus, unsigned int devfn,
		     int where, int size, u32 *val)
{
	struct fake_func *f = fake_find(ops, bus, devfn);

	*val = 0;
	if (!f) {
		*val = ~0u; /* nobody answers: all ones, as on a real bus */
		return 0;
	}
	memcpy(val, f->cfg + where, size);
	return 0;
}

/* BAR registers keep their read-only bits; everything else is plain memory. */
static int fake_write(const struct pci_config_ops *ops, unsigned int bus, unsigned int devfn,
		      int where, int size, u32 val)
{
	struct fake_func *f = fake_find(ops, bus, devfn);
	u32 old;

	if (!f)
		return 0;
	if (where >= PCI_BASE_ADDRESS_0 && where < PCI_BASE_ADDRESS_0 + 24 && size == 4) {
		int i = (where - PCI_BASE_ADDRESS_0) / 4;

		memcpy(&old, f->cfg + where, 4);
		val = (val & f->bar_mask[i]) | (old & ~f->bar_mask[i]);
	}
	memcpy(f->cfg + where, &val, size);
	return 0;
}

static struct fake_bus *fake_bus_new(void)
{
	struct fake_bus *fb = kzalloc(sizeof(*fb), GFP_KERNEL);

	if (fb) {
		fb->ops.read = fake_read;
		fb->ops.write = fake_write;
	}
	return fb;
}

static struct fake_func *fake_add(struct fake_bus *fb, u8 bus, u8 slot, u8 fn, u16 vendor,
				  u16 device, u32 class, u8 hdr)
{
	for (int i = 0; i < FAKE_FUNCS; i++) {
		struct fake_func *f = &fb->f[i];

		if (f->present)
			continue;
		f->present = true;
		f->bus = bus;
		f->devfn = PCI_DEVFN(slot, fn);
		memcpy(f->cfg + PCI_VENDOR_ID, &vendor, 2);
		memcpy(f->cfg + PCI_DEVICE_ID, &device, 2);
		class <<= 8; /* class, subclass, prog-if above the revision byte */
		memcpy(f->cfg + PCI_REVISION_ID, &class, 4);
		f->cfg[PCI_HEADER_TYPE] = hdr;
		return f;
	}
	return NULL;
}

static void fake_bar(struct fake_func *f, int i, u32 value, u32 mask)
{
	memcpy(f->cfg + PCI_BASE_ADDRESS_0 + 4 * i, &value, 4);
	f->bar_mask[i] = mask;
}

/* Capability @id at @pos pointing to @next; the status bit, and the list head for the first. */
static void fake_cap(struct fake_func *f, u8 pos, u8 id, u8 next)
{
	f->cfg[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
	if (!f->cfg[PCI_CAPABILITY_LIST])
		f->cfg[PCI_CAPABILITY_LIST] = pos;
	f->cfg[pos] = id;
	f->cfg[pos + 1] = next;
}

/* A pci_dev for fake function @f, without a scan. */
static void fake_dev(struct fake_bus *fb, struct fake_func *f, struct pci_dev *dev)
{
	memset(dev, 0, sizeof(*dev));
	dev->ops = &fb->ops;
	dev->busnr = f->bus;
	dev->devfn = f->devfn;
	strcpy(dev->name, "fake");
}

/* ---- the capability walker ---------------------------------------------------------- */

TEST_CASE(pci_test_cap_walk_follows_a_good_list)
{
	struct fake_bus *fb = fake_bus_new();
	struct fake_func *f;
	struct pci_dev dev;

	ASSERT_NOT_NULL(t, fb);
	f = fake_add(fb, 0, 1, 0, 0x1af4, 0x1041, 0x020000, 0);
	fake_cap(f, 0x40, PCI_CAP_ID_MSIX, 0x50);
	fake_cap(f, 0x50, PCI_CAP_ID_VNDR, 0x60);
	fake_cap(f, 0x60, PCI_CAP_ID_VNDR, 0xfc);
	fake_cap(f, 0xfc, PCI_CAP_ID_PM, 0); /* the last dword is a valid place */
	fake_dev(fb, f, &dev);
	EXPECT_EQ(t, pci_scan_capabilities(&dev), 4);
	EXPECT_FALSE(t, dev.cap_list_broken);
	EXPECT_EQ(t, pci_find_capability(&dev, PCI_CAP_ID_MSIX), 0x40);
	EXPECT_EQ(t, pci_find_capability(&dev, PCI_CAP_ID_VNDR), 0x50);
	EXPECT_EQ(t, pci_find_next_capability(&dev, 0x50, PCI_CAP_ID_VNDR), 0x60);
	EXPECT_EQ(t, pci_find_next_capability(&dev, 0x60, PCI_CAP_ID_VNDR), 0);
	EXPECT_EQ(t, pci_find_capability(&dev, PCI_CAP_ID_PM), 0xfc);
	EXPECT_EQ(t, pci_find_capability(&dev, PCI_CAP_ID_EXP), 0);
	kfree(fb);
}

TEST_CASE(pci_test_cap_walk_stops_at_a_loop)
{
	struct fake_bus *fb = fake_bus_new();
	struct fake_func *f;
	struct pci_dev dev;
	int n = 0;

	ASSERT_NOT_NULL(t, fb);
	f = fake_add(fb, 0, 1, 0, 0x1af4, 0x1041, 0x020000, 0);
	fake_cap(f, 0x40, PCI_CAP_ID_VNDR, 0x50);
	fake_cap(f, 0x50, PCI_CAP_ID_VNDR, 0x40); /* back to the first */
	fake_dev(fb, f, &dev);
	EXPECT_EQ(t, pci_scan_capabilities(&dev), -EINVAL);
	EXPECT_TRUE(t, dev.cap_list_broken);
	EXPECT_EQ(t, dev.nr_caps, 2);
	/* The loop Linux's-style iteration would spin in ends here. */
	for (u8 pos = pci_find_capability(&dev, PCI_CAP_ID_VNDR); pos && n < 100;
	     pos = pci_find_next_capability(&dev, pos, PCI_CAP_ID_VNDR))
		n++;
	EXPECT_EQ(t, n, 2);
	kfree(fb);
}

TEST_CASE(pci_test_cap_walk_stops_at_a_self_loop)
{
	struct fake_bus *fb = fake_bus_new();
	struct fake_func *f;
	struct pci_dev dev;

	ASSERT_NOT_NULL(t, fb);
	f = fake_add(fb, 0, 1, 0, 0x8086, 0x1234, 0x020000, 0);
	fake_cap(f, 0x80, PCI_CAP_ID_MSI, 0x80);
	fake_dev(fb, f, &dev);
	EXPECT_EQ(t, pci_scan_capabilities(&dev), -EINVAL);
	EXPECT_EQ(t, dev.nr_caps, 1);
	kfree(fb);
}

TEST_CASE(pci_test_cap_walk_rejects_pointers_into_the_header)
{
	struct fake_bus *fb = fake_bus_new();
	struct fake_func *f;
	struct pci_dev dev;

	ASSERT_NOT_NULL(t, fb);
	f = fake_add(fb, 0, 1, 0, 0x8086, 0x1234, 0x020000, 0);
	fake_cap(f, 0x40, PCI_CAP_ID_MSI, 0x20); /* 0x20: a BAR, not a capability */
	fake_dev(fb, f, &dev);
	EXPECT_EQ(t, pci_scan_capabilities(&dev), -EINVAL);
	EXPECT_EQ(t, dev.nr_caps, 1);
	f->cfg[PCI_CAPABILITY_LIST] = 0x3c; /* the head itself bad */
	EXPECT_EQ(t, pci_scan_capabilities(&dev), -EINVAL);
	EXPECT_EQ(t, dev.nr_caps, 0);
	kfree(fb);
}

TEST_CASE(pci_test_cap_walk_masks_the_reserved_low_bits)
{
	struct fake_bus *fb = fake_bus_new();
	struct fake_func *f;
	struct pci_dev dev;

	ASSERT_NOT_NULL(t, fb);
	f = fake_add(fb, 0, 1, 0, 0x8086, 0x1234, 0x020000, 0);
	fake_cap(f, 0x40, PCI_CAP_ID_MSIX, 0x53); /* PCI 3.0 6.7: read as 0x50 */
	fake_cap(f, 0x50, PCI_CAP_ID_PM, 0x02);	  /* read as 0: the end */
	f->cfg[PCI_CAPABILITY_LIST] = 0x41;
	fake_dev(fb, f, &dev);
	EXPECT_EQ(t, pci_scan_capabilities(&dev), 2);
	EXPECT_EQ(t, pci_find_capability(&dev, PCI_CAP_ID_PM), 0x50);
	kfree(fb);
}

TEST_CASE(pci_test_cap_walk_takes_the_longest_list)
{
	struct fake_bus *fb = fake_bus_new();
	struct fake_func *f;
	struct pci_dev dev;

	ASSERT_NOT_NULL(t, fb);
	f = fake_add(fb, 0, 1, 0, 0x8086, 0x1234, 0x020000, 0);
	for (int pos = 0x40; pos <= 0xfc; pos += 4)
		fake_cap(f, pos, PCI_CAP_ID_VNDR, pos == 0xfc ? 0 : pos + 4);
	fake_dev(fb, f, &dev);
	EXPECT_EQ(t, pci_scan_capabilities(&dev), PCI_CAP_MAX);
	EXPECT_FALSE(t, dev.cap_list_broken);
	kfree(fb);
}

TEST_CASE(pci_test_cap_walk_needs_the_status_bit)
{
	struct fake_bus *fb = fake_bus_new();
	struct fake_func *f;
	struct pci_dev dev;

	ASSERT_NOT_NULL(t, fb);
	f = fake_add(fb, 0, 1, 0, 0x8086, 0x1234, 0x020000, 0);
	fake_cap(f, 0x40, PCI_CAP_ID_MSIX, 0);
	f->cfg[PCI_STATUS] &= ~PCI_STATUS_CAP_LIST; /* "no list": the pointer is not one */
	fake_dev(fb, f, &dev);
	EXPECT_EQ(t, pci_scan_capabilities(&dev), 0);
	EXPECT_EQ(t, pci_find_capability(&dev, PCI_CAP_ID_MSIX), 0);
	kfree(fb);
}

/* ---- enumeration of a fake topology ------------------------------------------------- */

static struct pci_dev *find_in(struct list_head *list, u8 bus, u8 slot, u8 fn)
{
	struct pci_dev *dev;

	list_for_each_entry(dev, list, bus_list)
		if (dev->busnr == bus && dev->devfn == PCI_DEVFN(slot, fn))
			return dev;
	return NULL;
}

/*
 *   bus 0: 00.0 host bridge
 *          01.0, 01.2 a multi-function device (no 01.1)
 *          02.0 PCI bridge -> bus 1: 00.0 a device with 32-bit, 64-bit and I/O BARs
 *                                    01.0 a bridge back to bus 0 (a loop: not followed)
 *          03.1 a function 1 without function 0 (not found: slot empty)
 */
static void build_topology(struct fake_bus *fb)
{
	struct fake_func *f;

	fake_add(fb, 0, 0, 0, 0x8086, 0x1237, 0x060000, 0);
	fake_add(fb, 0, 1, 0, 0x8086, 0x7000, 0x060100, PCI_HEADER_TYPE_MFD);
	fake_add(fb, 0, 1, 2, 0x8086, 0x7020, 0x0c0300, 0);
	f = fake_add(fb, 0, 2, 0, 0x1b36, 0x0001, 0x060400, PCI_HEADER_TYPE_BRIDGE);
	f->cfg[PCI_SECONDARY_BUS] = 1;
	f->cfg[PCI_SUBORDINATE_BUS] = 1;
	f = fake_add(fb, 1, 0, 0, 0x1af4, 0x1041, 0x020000, 0);
	fake_bar(f, 0, 0xfebf0000, 0xfffff000); /* 32-bit, 4 KiB */
	fake_bar(f, 2, 0x00000000 | PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH,
		 0xffffc000);						/* 64-bit, 16 KiB ... */
	fake_bar(f, 3, 0x00000008, 0xffffffff);				/* ... at 32 GiB */
	fake_bar(f, 4, 0xc040 | PCI_BASE_ADDRESS_SPACE_IO, 0x0000ffe0); /* I/O, 32 ports, 16-bit */
	f = fake_add(fb, 1, 1, 0, 0x1b36, 0x0001, 0x060400, PCI_HEADER_TYPE_BRIDGE);
	f->cfg[PCI_SECONDARY_BUS] = 0;
	fake_add(fb, 0, 3, 1, 0x8086, 0x9999, 0x020000, 0);
}

TEST_CASE(pci_test_scan_fake_topology)
{
	struct fake_bus *fb = fake_bus_new();
	struct pci_dev *d;
	LIST_HEAD(list);

	ASSERT_NOT_NULL(t, fb);
	build_topology(fb);
	EXPECT_EQ(t, pci_scan_bus(&fb->ops, 0, &list), 6);
	EXPECT_NOT_NULL(t, find_in(&list, 0, 1, 2)); /* behind a gap: MFD says look */
	EXPECT_NULL(t, find_in(&list, 0, 3, 1));     /* no function 0: nothing */
	d = find_in(&list, 1, 0, 0);
	ASSERT_NOT_NULL(t, d); /* behind the bridge */
	EXPECT_STREQ(t, pci_name(d), "0000:01:00.0");
	EXPECT_EQ(t, pci_resource_start(d, 0), 0xfebf0000);
	EXPECT_EQ(t, pci_resource_len(d, 0), 4096);
	EXPECT_EQ(t, pci_resource_flags(d, 0), IORESOURCE_MEM);
	EXPECT_EQ(t, pci_resource_start(d, 2), 8ULL << 32);
	EXPECT_EQ(t, pci_resource_len(d, 2), 16384);
	EXPECT_EQ(t, pci_resource_flags(d, 2),
		  IORESOURCE_MEM | IORESOURCE_MEM_64 | IORESOURCE_PREFETCH);
	EXPECT_EQ(t, pci_resource_len(d, 3), 0); /* the upper half is not a BAR of its own */
	EXPECT_EQ(t, pci_resource_start(d, 4), 0xc040);
	EXPECT_EQ(t, pci_resource_len(d, 4), 32);
	EXPECT_EQ(t, pci_resource_flags(d, 4), IORESOURCE_IO);
	/* Sizing put every BAR back. */
	EXPECT_EQ(t, *(u32 *)&fb->f[4].cfg[PCI_BASE_ADDRESS_0 + 12], 8);
	pci_free_devices(&list);
	kfree(fb);
}

TEST_CASE(pci_test_scan_rejects_a_64bit_bar_in_the_last_slot)
{
	struct fake_bus *fb = fake_bus_new();
	struct fake_func *f;
	struct pci_dev *d;
	LIST_HEAD(list);

	ASSERT_NOT_NULL(t, fb);
	f = fake_add(fb, 0, 0, 0, 0x8086, 0x1234, 0x020000, 0);
	fake_bar(f, 5, PCI_BASE_ADDRESS_MEM_TYPE_64, 0xfffff000);
	EXPECT_EQ(t, pci_scan_bus(&fb->ops, 0, &list), 1);
	d = find_in(&list, 0, 0, 0);
	ASSERT_NOT_NULL(t, d);
	EXPECT_EQ(t, pci_resource_len(d, 5), 0);
	pci_free_devices(&list);
	kfree(fb);
}

/* ---- enumeration when memory runs out ------------------------------------------------ */

static void skip_without_failslab(struct ktest *t)
{
#ifndef CONFIG_FAILSLAB
	ktest_skip(t, "built with FAILSLAB=n: failslab never fires");
#endif
	(void)t;
}

/* One failed pci_dev allocation (01.0's, the second): tried again, every function found. */
TEST_CASE(pci_test_scan_retries_a_function_out_of_memory)
{
	struct fake_bus *fb = fake_bus_new();
	LIST_HEAD(list);
	int found;

	skip_without_failslab(t);
	ASSERT_NOT_NULL(t, fb);
	build_topology(fb);
	fault_attr_reset(&failslab);
	failslab.ignore_gfp_wait = false;
	failslab.nth = 2; /* the scan's state is on the stack: 00.0's pci_dev, then 01.0's */
	found = pci_scan_bus(&fb->ops, 0, &list);
	EXPECT_EQ(t, failslab.failures, 1);
	fault_attr_reset(&failslab);
	EXPECT_EQ(t, found, 6);
	EXPECT_NOT_NULL(t, find_in(&list, 0, 1, 0));
	EXPECT_NOT_NULL(t, find_in(&list, 0, 1, 2)); /* and its MFD sibling, behind it */
	pci_free_devices(&list);
	kfree(fb);
}

/* 00.0's allocation fails on every try: it is left out, the scan goes on past it. */
TEST_CASE(pci_test_scan_leaves_out_a_function_never_allocated)
{
	struct fake_bus *fb = fake_bus_new();
	LIST_HEAD(list);
	int found;

	skip_without_failslab(t);
	ASSERT_NOT_NULL(t, fb);
	build_topology(fb);
	fault_attr_reset(&failslab);
	EXPECT_EQ(t, fault_attr_parse(&failslab, "1,100,0,4"), 0); /* the first try and 3 more */
	failslab.ignore_gfp_wait = false;
	found = pci_scan_bus(&fb->ops, 0, &list);
	EXPECT_EQ(t, failslab.failures, 4);
	fault_attr_reset(&failslab);
	EXPECT_EQ(t, found, 5);
	EXPECT_NULL(t, find_in(&list, 0, 0, 0));
	EXPECT_NOT_NULL(t, find_in(&list, 1, 0, 0)); /* the rest, behind the bridge too */
	pci_free_devices(&list);
	kfree(fb);
}

/* ---- the machine (QEMU pc) ------------------------------------------------------------ */

TEST_CASE(pci_test_host_bridge_is_found)
{
	struct pci_dev *d = pci_get_device(0x8086, 0x1237, NULL);

	ASSERT_NOT_NULL(t, d);
	EXPECT_EQ(t, d->busnr, 0);
	EXPECT_EQ(t, d->devfn, PCI_DEVFN(0, 0));
	EXPECT_EQ(t, d->class >> 8, 0x0600); /* host bridge */
	EXPECT_STREQ(t, pci_name(d), "0000:00:00.0");
	EXPECT_EQ(t, pci_get_slot(0, PCI_DEVFN(0, 0)), d);
}

TEST_CASE(pci_test_functions_of_the_piix_are_found)
{
	struct pci_dev *isa = pci_get_slot(0, PCI_DEVFN(1, 0));
	struct pci_dev *ide = pci_get_slot(0, PCI_DEVFN(1, 1));

	ASSERT_NOT_NULL(t, isa);
	ASSERT_NOT_NULL(t, ide);
	EXPECT_EQ(t, isa->class >> 8, 0x0601); /* ISA bridge, function 0 */
	EXPECT_EQ(t, ide->class >> 8, 0x0101); /* IDE, function 1 */
	/* The IDE bus-master registers: 16 I/O ports in BAR 4. */
	EXPECT_EQ(t, pci_resource_flags(ide, 4), IORESOURCE_IO);
	EXPECT_EQ(t, pci_resource_len(ide, 4), 16);
}

TEST_CASE(pci_test_every_function_once_and_bars_restored)
{
	struct pci_dev *a, *b;

	list_for_each_entry(a, &pci_devices, bus_list) {
		EXPECT_NE(t, a->vendor, 0xffff);
		list_for_each_entry(b, &pci_devices, bus_list)
			if (a != b)
				EXPECT_FALSE(t, a->busnr == b->busnr && a->devfn == b->devfn);
		for (int i = 0; i < PCI_STD_NUM_BARS; i++) {
			u32 raw;

			if (a->hdr_type != PCI_HEADER_TYPE_NORMAL || !pci_resource_len(a, i))
				continue;
			pci_read_config_dword(a, PCI_BASE_ADDRESS_0 + 4 * i, &raw);
			EXPECT_EQ(t, raw & ~0xfU & ~3U, (u32)pci_resource_start(a, i) & ~0xfU);
		}
	}
}

/* A virtio device of @device id, or skip. */
static struct pci_dev *need(struct ktest *t, u16 device)
{
	struct pci_dev *d = pci_get_device(0x1af4, device, NULL);

	if (!d)
		ktest_skip(t, "no such virtio device (the virtio variant has them)");
	return d;
}

TEST_CASE(pci_test_virtio_bars)
{
	struct pci_dev *modern = need(t, 0x1041), *legacy = need(t, 0x1000);

	/* QEMU's modern virtio: MSI-X table in BAR 1, the virtio structures in 64-bit BAR 4. */
	EXPECT_EQ(t, pci_resource_flags(modern, 1), IORESOURCE_MEM);
	EXPECT_EQ(t, pci_resource_len(modern, 1), 4096);
	EXPECT_TRUE(t, pci_resource_flags(modern, 4) & IORESOURCE_MEM_64);
	EXPECT_TRUE(t, pci_resource_flags(modern, 4) & IORESOURCE_PREFETCH);
	EXPECT_EQ(t, pci_resource_len(modern, 4), 16384);
	EXPECT_NE(t, pci_resource_start(modern, 4), 0);
	EXPECT_EQ(t, pci_resource_len(modern, 0), 0); /* no legacy I/O BAR */
	/* Legacy: the registers in I/O BAR 0. */
	EXPECT_EQ(t, pci_resource_flags(legacy, 0), IORESOURCE_IO);
	EXPECT_GE(t, pci_resource_len(legacy, 0), 32);
	EXPECT_EQ(t, pci_resource_len(legacy, 0) & (pci_resource_len(legacy, 0) - 1), 0);
}

TEST_CASE(pci_test_device_behind_a_bridge)
{
	struct pci_dev *bridge = NULL, *d;

	list_for_each_entry(d, &pci_devices, bus_list)
		if (d->hdr_type == PCI_HEADER_TYPE_BRIDGE)
			bridge = d;
	if (!bridge)
		ktest_skip(t, "no PCI bridge (the virtio variant has one)");
	EXPECT_GT(t, bridge->secondary, bridge->busnr);
	d = NULL;
	for (int devfn = 0; devfn < 256 && !d; devfn++)
		d = pci_get_slot(bridge->secondary, devfn);
	EXPECT_NOT_NULL(t, d);
}

TEST_CASE(pci_test_virtio_capabilities)
{
	struct pci_dev *d = need(t, 0x1041);
	int vendor_caps = 0;

	EXPECT_FALSE(t, d->cap_list_broken);
	EXPECT_NE(t, d->msix_cap, 0);
	EXPECT_EQ(t, pci_find_capability(d, PCI_CAP_ID_MSIX), d->msix_cap);
	for (u8 pos = pci_find_capability(d, PCI_CAP_ID_VNDR); pos;
	     pos = pci_find_next_capability(d, pos, PCI_CAP_ID_VNDR))
		vendor_caps++;
	EXPECT_GE(t, vendor_caps, 4); /* common, notify, ISR, device (+ PCI cfg) */
	EXPECT_GE(t, pci_msix_vec_count(d), 2);
}

/* ---- config space from every CPU at once ---- */

#define CONF_READS 3000

/* What one reader of the next case reads over and over, and what it saw. */
struct conf_reader {
	struct pci_dev *dev;
	u32 id, class; /* its dwords 0 and 8 (PCI_REVISION_ID), read before the threads start */
	unsigned int wrong;
};

static int conf_reader_fn(void *arg)
{
	struct conf_reader *r = arg;

	for (unsigned int i = 0; i < CONF_READS; i++) {
		u32 v;

		pci_read_config_dword(r->dev, i & 1 ? PCI_REVISION_ID : PCI_VENDOR_ID, &v);
		if (v != (i & 1 ? r->class : r->id))
			r->wrong++;
	}
	return 0;
}

TEST_CASE(pci_test_config_reads_from_every_cpu_at_once_each_get_their_register)
{
	/*
	 * An access is "address to 0xcf8, then data at 0xcfc": without one lock
	 * around both, CPU 1's address lands between CPU 0's two steps and CPU 0
	 * reads CPU 1's register.  Each CPU reads its own device and offset.
	 * (Under QEMU's TCG the two steps of a CPU seldom have another's in
	 * between, so this catches a missing lock on real or KVM CPUs sooner.)
	 */
	struct conf_reader r[NR_CPUS] = { 0 };
	struct task_struct *k[NR_CPUS] = { NULL };
	struct pci_dev *dev = list_first_entry(&pci_devices, struct pci_dev, bus_list);
	unsigned int cpu, n = 0;

	ASSERT_FALSE(t, list_empty(&pci_devices));
	for_each_online_cpu(cpu) {
		r[n].dev = dev;
		pci_read_config_dword(dev, PCI_VENDOR_ID, &r[n].id);
		pci_read_config_dword(dev, PCI_REVISION_ID, &r[n].class);
		k[n] = ktest_thread_start_on(conf_reader_fn, &r[n], "pci_conf", cpu);
		EXPECT_NOT_NULL(t, k[n]);
		n++;
		dev = list_entry(dev->bus_list.next, struct pci_dev, bus_list);
		if (&dev->bus_list == &pci_devices) /* round again */
			dev = list_first_entry(&pci_devices, struct pci_dev, bus_list);
	}
	for (unsigned int i = 0; i < n; i++) {
		if (k[i])
			EXPECT_EQ(t, ktest_thread_finish(k[i], 30000), 0);
		EXPECT_EQ(t, r[i].wrong, 0);
	}
}

static const struct ktest_case pci_cases[] = {
	KTEST(pci_test_cap_walk_follows_a_good_list),
	KTEST(pci_test_cap_walk_stops_at_a_loop),
	KTEST(pci_test_cap_walk_stops_at_a_self_loop),
	KTEST(pci_test_cap_walk_rejects_pointers_into_the_header),
	KTEST(pci_test_cap_walk_masks_the_reserved_low_bits),
	KTEST(pci_test_cap_walk_takes_the_longest_list),
	KTEST(pci_test_cap_walk_needs_the_status_bit),
	KTEST(pci_test_scan_fake_topology),
	KTEST(pci_test_scan_rejects_a_64bit_bar_in_the_last_slot),
	KTEST(pci_test_scan_retries_a_function_out_of_memory),
	KTEST(pci_test_scan_leaves_out_a_function_never_allocated),
	KTEST(pci_test_host_bridge_is_found),
	KTEST(pci_test_functions_of_the_piix_are_found),
	KTEST(pci_test_every_function_once_and_bars_restored),
	KTEST(pci_test_virtio_bars),
	KTEST(pci_test_device_behind_a_bridge),
	KTEST(pci_test_virtio_capabilities),
	KTEST(pci_test_config_reads_from_every_cpu_at_once_each_get_their_register),
	{}
};
TEST_SUITE(pci, pci_cases);
