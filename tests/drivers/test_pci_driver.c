/*
 * SPDX-License-Identifier: MIT
 * tests/drivers/test_pci_driver.c - using PCI devices: id tables and binding,
 * MSI-X vectors as the device's table holds them, INTx shared by several
 * devices, pci=nomsi, and the lspci monitor command.
 *
 * MSI-X and INTx are exercised on devices nobody is using (irqs == NULL):
 * the virtio devices of the virtio variant, whose transport only takes
 * vectors when a virtio driver makes queues.  The vectors are raised from
 * software (irq_raise_for_test): the devices themselves stay quiet.
 */
#include <drivers/pci.h>
#include <drivers/pci_test.h>
#include <kernel/irq.h>
#include <kernel/irqchip_test.h>
#include <kernel/ktest.h>
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <errno.h>
#include <string.h>

/* IO-APIC redirection entry bits (82093AA data sheet, 3.2.4). */
#define REDIR_ACTIVE_LOW (1U << 13)
#define REDIR_LEVEL	 (1U << 15)
#define REDIR_MASKED	 (1U << 16)

TEST_CASE(pci_driver_test_match_id_rules)
{
	struct pci_dev dev = {
		.vendor = 0x1af4,
		.device = 0x1041,
		.subsystem_vendor = 0x1af4,
		.subsystem_device = 0x1100,
		.class = 0x020000,
	};
	const struct pci_device_id exact[] = { { PCI_DEVICE(0x1af4, 0x1041) }, {} };
	const struct pci_device_id other[] = { { PCI_DEVICE(0x1af4, 0x1042) }, {} };
	const struct pci_device_id any[] = { { PCI_DEVICE(0x1af4, PCI_ANY_ID) }, {} };
	const struct pci_device_id cls[] = { { PCI_DEVICE_CLASS(0x020000, 0xffff00) }, {} };
	const struct pci_device_id sub[] = { { .vendor = 0x1af4,
					       .device = 0x1041,
					       .subvendor = 0x8086,
					       .subdevice = PCI_ANY_ID },
					     {} };
	const struct pci_device_id second[] = { { PCI_DEVICE(0x8086, 0x1237) },
						{ PCI_DEVICE(0x1af4, 0x1041), .driver_data = 7 },
						{} };

	EXPECT_EQ(t, pci_match_id(exact, &dev), &exact[0]);
	EXPECT_NULL(t, pci_match_id(other, &dev));
	EXPECT_EQ(t, pci_match_id(any, &dev), &any[0]);
	EXPECT_EQ(t, pci_match_id(cls, &dev), &cls[0]);
	EXPECT_NULL(t, pci_match_id(sub, &dev));
	EXPECT_EQ(t, pci_match_id(second, &dev)->driver_data, 7);
	dev.class = 0x010000;
	EXPECT_NULL(t, pci_match_id(cls, &dev));
}

static int probes, removes;

static int counting_probe(struct pci_dev *dev, const struct pci_device_id *id)
{
	probes++;
	pci_set_drvdata(dev, (void *)id->driver_data);
	return id->driver_data == 42 ? 0 : -EIO;
}

static void counting_remove(struct pci_dev *dev)
{
	removes++;
}

/* The PIIX4 power management function: on every pc machine, and no driver here. */
static const struct pci_device_id piix4_pm_ids[] = {
	{ PCI_DEVICE(0x8086, 0x7113), .driver_data = 42 }, {}
};
static const struct pci_device_id piix4_pm_bad_ids[] = {
	{ PCI_DEVICE(0x8086, 0x7113), .driver_data = 1 }, {}
};

TEST_CASE(pci_driver_test_register_probes_and_unregister_removes)
{
	struct pci_driver drv = { .name = "test-pm",
				  .id_table = piix4_pm_ids,
				  .probe = counting_probe,
				  .remove = counting_remove };
	struct pci_dev *dev = pci_get_device(0x8086, 0x7113, NULL);

	ASSERT_NOT_NULL(t, dev);
	ASSERT_NULL(t, dev->driver);
	probes = removes = 0;
	ASSERT_EQ(t, pci_register_driver(&drv), 0);
	EXPECT_EQ(t, probes, 1);
	EXPECT_EQ(t, dev->driver, &drv);
	EXPECT_EQ(t, (unsigned long)pci_get_drvdata(dev), 42);
	EXPECT_EQ(t, pci_register_driver(&drv), -EBUSY);
	pci_unregister_driver(&drv);
	EXPECT_EQ(t, removes, 1);
	EXPECT_NULL(t, dev->driver);
	EXPECT_NULL(t, pci_get_drvdata(dev));
}

TEST_CASE(pci_driver_test_failed_probe_leaves_the_device_unbound)
{
	struct pci_driver drv = { .name = "test-pm-bad",
				  .id_table = piix4_pm_bad_ids,
				  .probe = counting_probe,
				  .remove = counting_remove };
	struct pci_driver incomplete = { .name = "no-probe", .id_table = piix4_pm_ids };
	struct pci_dev *dev = pci_get_device(0x8086, 0x7113, NULL);

	ASSERT_NOT_NULL(t, dev);
	probes = removes = 0;
	EXPECT_EQ(t, pci_register_driver(&incomplete), -EINVAL);
	ASSERT_EQ(t, pci_register_driver(&drv), 0); /* registered; that device refused */
	EXPECT_EQ(t, probes, 1);
	EXPECT_NULL(t, dev->driver);
	pci_unregister_driver(&drv);
	EXPECT_EQ(t, removes, 0);
}

/* A device with MSI-X that nobody is using right now, or skip. */
static struct pci_dev *idle_msix_device(struct ktest *t)
{
	struct pci_dev *d;

	list_for_each_entry(d, &pci_devices, bus_list)
		if (d->msix_cap && !d->irqs && pci_msix_vec_count(d) >= 2)
			return d;
	ktest_skip(t, "no idle device with MSI-X (the virtio variant has some)");
}

static irqreturn_t count_irq(int irq, void *data)
{
	(*(int *)data)++;
	return IRQ_HANDLED;
}

static irqreturn_t count_irq_not_mine(int irq, void *data)
{
	(*(int *)data)++;
	return IRQ_NONE;
}

static u32 msix_read(struct pci_dev *d, unsigned int nr, unsigned int field)
{
	return ioread32((char *)d->irqs->msix_table + nr * 16 + field);
}

TEST_CASE(pci_driver_test_msix_vectors_programmed)
{
	struct pci_dev *d = idle_msix_device(t);
	int count = 0, nvec, line0, line1;
	u16 ctrl, cmd;

	if (!pci_msi_enabled()) {
		EXPECT_LT(t, pci_alloc_irq_vectors(d, 2, 2, PCI_IRQ_MSIX), 0);
		EXPECT_NULL(t, d->irqs);
		ktest_skip(t, "pci=nomsi or noapic: no MSI-X (checked it is refused)");
	}
	nvec = pci_alloc_irq_vectors(d, 2, 2, PCI_IRQ_MSIX);
	ASSERT_EQ(t, nvec, 2);
	EXPECT_TRUE(t, d->msix_enabled);
	pci_read_config_word(d, d->msix_cap + PCI_MSIX_FLAGS, &ctrl);
	EXPECT_TRUE(t, ctrl & PCI_MSIX_FLAGS_ENABLE);
	EXPECT_FALSE(t, ctrl & PCI_MSIX_FLAGS_MASKALL);
	pci_read_config_word(d, PCI_COMMAND, &cmd);
	EXPECT_TRUE(t, cmd & PCI_COMMAND_INTX_DISABLE);
	line0 = pci_irq_vector(d, 0);
	line1 = pci_irq_vector(d, 1);
	EXPECT_GE(t, line0, 16);
	EXPECT_NE(t, line0, line1);
	EXPECT_EQ(t, pci_irq_vector(d, 2), -EINVAL);
	/* The table: the local APIC's address, the line's vector, masked until requested. */
	EXPECT_EQ(t, msix_read(d, 0, 0) & 0xfff00000, 0xfee00000);
	EXPECT_EQ(t, msix_read(d, 0, 8), IRQ_VECTOR_BASE + line0);
	EXPECT_EQ(t, msix_read(d, 1, 8), IRQ_VECTOR_BASE + line1);
	EXPECT_EQ(t, msix_read(d, 0, 12), PCI_MSIX_ENTRY_CTRL_MASKBIT);
	ASSERT_EQ(t, pci_request_irq(d, 0, count_irq, NULL, &count, "test-msix-%d", 0), 0);
	EXPECT_EQ(t, msix_read(d, 0, 12), 0);
	EXPECT_EQ(t, pci_request_irq(d, 0, count_irq, NULL, &count, "again"), -EBUSY);
	irq_raise_for_test(line0);
	EXPECT_EQ(t, count, 1);
	pci_free_irq(d, 0, &count);
	EXPECT_EQ(t, msix_read(d, 0, 12), PCI_MSIX_ENTRY_CTRL_MASKBIT);
	pci_free_irq_vectors(d);
	EXPECT_FALSE(t, d->msix_enabled);
	EXPECT_NULL(t, d->irqs);
	pci_read_config_word(d, d->msix_cap + PCI_MSIX_FLAGS, &ctrl);
	EXPECT_FALSE(t, ctrl & PCI_MSIX_FLAGS_ENABLE);
	pci_read_config_word(d, PCI_COMMAND, &cmd);
	EXPECT_FALSE(t, cmd & PCI_COMMAND_INTX_DISABLE);
}

/* Does a device still take INTx on @line (a driver that really uses it)? */
static bool intx_line_in_use(unsigned int line)
{
	struct pci_dev *d;

	list_for_each_entry(d, &pci_devices, bus_list)
		if (d->irq == line && d->irqs && !d->irqs->msix)
			return true;
	return false;
}

TEST_CASE(pci_driver_test_intx_line_shared_by_two_devices)
{
	struct pci_dev *a = NULL, *b = NULL, *d;
	int count_a = 0, count_b = 0;
	unsigned long before;

	list_for_each_entry(d, &pci_devices, bus_list) {
		if (!d->irq || d->irqs || (d->class >> 16 != 0x00 && d->class >> 16 != 0x02))
			continue; /* only quiet network/unclassified (virtio) devices */
		if (!a)
			a = d;
		else if (!b && d->irq == a->irq)
			b = d;
	}
	if (!b)
		ktest_skip(t, "no two idle devices share an INTx line (the virtio variant has)");
	ASSERT_EQ(t, pci_alloc_irq_vectors(a, 1, 1, PCI_IRQ_INTX), 1);
	ASSERT_EQ(t, pci_alloc_irq_vectors(b, 1, 1, PCI_IRQ_INTX), 1);
	EXPECT_EQ(t, pci_irq_vector(a, 0), (int)a->irq);
	EXPECT_EQ(t, pci_request_irq(a, 0, count_irq_not_mine, NULL, &count_a, "test-a"), 0);
	EXPECT_EQ(t, pci_request_irq(b, 0, count_irq, NULL, &count_b, "test-b"), 0);
	if (apic_in_use()) {
		/* PCI INTx is level-triggered; QEMU's MADT makes lines 10 and 11 active high. */
		u32 redir = apic_read_redirection(a->irq);

		EXPECT_TRUE(t, redir & REDIR_LEVEL);
		EXPECT_FALSE(t, redir & REDIR_MASKED);
		EXPECT_FALSE(t, redir & REDIR_ACTIVE_LOW);
	}
	before = kstat_irqs(a->irq);
	irq_raise_for_test(a->irq);
	EXPECT_EQ(t, count_a, 1); /* each handler asked */
	EXPECT_EQ(t, count_b, 1);
	EXPECT_EQ(t, kstat_irqs(a->irq), before + 1); /* handled, by b */
	pci_free_irq(a, 0, &count_a);
	irq_raise_for_test(a->irq); /* b alone now */
	EXPECT_EQ(t, count_a, 1);
	EXPECT_EQ(t, count_b, 2);
	pci_free_irq(b, 0, &count_b);
	if (apic_in_use() && !intx_line_in_use(a->irq))
		EXPECT_TRUE(t, apic_read_redirection(a->irq) & REDIR_MASKED); /* last one off */
	pci_free_irq_vectors(a);
	pci_free_irq_vectors(b);
}

TEST_CASE(pci_driver_test_no_msi_falls_back_to_intx)
{
	struct pci_dev *d = idle_msix_device(t);
	bool was = d->no_msi;

	if (!d->irq)
		ktest_skip(t, "the device has no INTx line");
	d->no_msi = true; /* as pci=nomsi does for every device */
	EXPECT_EQ(t, pci_alloc_irq_vectors(d, 1, 4, PCI_IRQ_MSIX), -ENOSPC);
	EXPECT_EQ(t, pci_alloc_irq_vectors(d, 1, 4, PCI_IRQ_ALL_TYPES), 1);
	EXPECT_FALSE(t, d->msix_enabled);
	EXPECT_EQ(t, pci_irq_vector(d, 0), (int)d->irq);
	EXPECT_EQ(t, pci_alloc_irq_vectors(d, 1, 1, PCI_IRQ_INTX), -EINVAL); /* twice */
	pci_free_irq_vectors(d);
	/* INTx is one vector: asking for two cannot be met. */
	EXPECT_EQ(t, pci_alloc_irq_vectors(d, 2, 4, PCI_IRQ_ALL_TYPES), -ENOSPC);
	d->no_msi = was;
}

static int exec(const char *cmd)
{
	char line[MONITOR_LINE_MAX];

	strncpy(line, cmd, sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	return monitor_exec(line);
}

TEST_CASE(pci_driver_test_lspci_prints_devices)
{
	u64 mark = log_seq();

	EXPECT_EQ(t, exec("lspci"), 0);
	EXPECT_TRUE(t, log_contains(mark, "00:00.0 Host bridge [0600]: 8086:1237"));
	EXPECT_TRUE(t, log_contains(mark, "00:01.1 IDE interface [0101]: 8086:7010"));
	EXPECT_TRUE(t, log_contains(mark, "I/O ports at "));
	if (!pci_get_device(0x1af4, 0x1041, NULL))
		return;
	EXPECT_TRUE(t, log_contains(mark, "Ethernet controller [0200]: 1af4:1041"));
	EXPECT_TRUE(t, log_contains(mark, "(64-bit, prefetchable) [size=16K]"));
	EXPECT_TRUE(t, log_contains(mark, "] MSI-X: Enable"));
	EXPECT_TRUE(t, log_contains(mark, "Vendor Specific Information"));
	EXPECT_TRUE(t, log_contains(mark, "Kernel driver in use: virtio-pci"));
}

static const struct ktest_case pci_driver_cases[] = {
	KTEST(pci_driver_test_match_id_rules),
	KTEST(pci_driver_test_register_probes_and_unregister_removes),
	KTEST(pci_driver_test_failed_probe_leaves_the_device_unbound),
	KTEST(pci_driver_test_msix_vectors_programmed),
	KTEST(pci_driver_test_intx_line_shared_by_two_devices),
	KTEST(pci_driver_test_no_msi_falls_back_to_intx),
	KTEST(pci_driver_test_lspci_prints_devices),
	{}
};
TEST_SUITE(pci_driver, pci_driver_cases);
