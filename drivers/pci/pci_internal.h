/*
 * SPDX-License-Identifier: MIT
 * drivers/pci/pci_internal.h - shared by the PCI core (drivers/pci/) only.  Drivers
 * include <drivers/pci.h>; the tests see the vector state through
 * <drivers/pci_test.h>.
 */
#ifndef DRIVERS_PCI_INTERNAL_H
#define DRIVERS_PCI_INTERNAL_H

#include <drivers/pci.h>
#include <drivers/pci_test.h>

/*
 * Describe @dev's interrupt set-up in @buf for lspci: "MSI-X 3/4 vectors,
 * lines 24-26" or "INTx pin A line 11".  Returns @buf.
 */
const char *pci_irq_describe(const struct pci_dev *dev, char *buf, size_t size);

#endif
