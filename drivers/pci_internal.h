/*
 * SPDX-License-Identifier: MIT
 * drivers/pci_internal.h - shared by drivers/pci*.c and tests/test_pci.c
 * only.  Drivers include <drivers/pci.h>.
 */
#ifndef DRIVERS_PCI_INTERNAL_H
#define DRIVERS_PCI_INTERNAL_H

#include <drivers/pci.h>

/* What one allocated vector is (drivers/pci_irq.c). */
struct pci_irq_vec {
	unsigned int irq; /* the line request_irq knows it by */
	bool requested;	  /* pci_request_irq()ed and not freed */
	void *dev_id;
	char name[24]; /* shown by the monitor's `interrupts` */
};

struct pci_irq_state {
	unsigned int nvec;
	bool msix;	  /* MSI-X vectors; else the one INTx vector */
	void *msix_table; /* iomap cookie of the MSI-X table */
	struct pci_irq_vec vec[];
};

/*
 * Describe @dev's interrupt set-up in @buf for lspci: "MSI-X 3/4 vectors,
 * lines 24-26" or "INTx pin A line 11".  Returns @buf.
 */
const char *pci_irq_describe(const struct pci_dev *dev, char *buf, size_t size);

/* The MSI-X table size of @dev from its capability (0: none, or unusable). */
unsigned int pci_msix_vec_count(struct pci_dev *dev);

#endif
