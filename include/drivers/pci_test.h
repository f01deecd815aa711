/*
 * SPDX-License-Identifier: MIT
 * drivers/pci_test.h - for tests only: a device's interrupt vectors as
 * drivers/pci/pci_irq.c keeps them (dev->irqs), which the PCI tests check.
 *
 * Included by tests/ and by drivers/pci/pci_internal.h; no other kernel file.
 */
#ifndef DRIVERS_PCI_TEST_H
#define DRIVERS_PCI_TEST_H

#include <kernel/irq.h>
#include <kernel/types.h>

/* What one allocated vector is (drivers/pci/pci_irq.c). */
struct pci_irq_vec {
	unsigned int irq; /* the line request_irq knows it by */
	bool requested;	  /* pci_request_irq()ed and not freed */
	void *dev_id;
	char name[24];	     /* shown by the monitor's `interrupts` */
	void *msix_entry;    /* MSI-X: its table entry (iomap cookie), else NULL */
	struct msi_desc msi; /* MSI-X: the line's device end, for irq_set_affinity */
};

struct pci_irq_state {
	unsigned int nvec;
	bool msix;	  /* MSI-X vectors; else the one INTx vector */
	void *msix_table; /* iomap cookie of the MSI-X table */
	struct pci_irq_vec vec[];
};

#endif
