/*
 * SPDX-License-Identifier: MIT
 * tests/host/shim/arch/boot.h - include/arch/boot.h with one change: the
 * direct map of "physical" memory starts at a host arena (host_phys_base,
 * set by host_phys_init() in shim/host_kernel.c), not at 0xffff888000000000,
 * so __va() and __pa() work in a host process.  Every other fixed point is
 * the real header's.
 */
#ifndef HOST_ARCH_BOOT_H
#define HOST_ARCH_BOOT_H

#include_next <arch/boot.h>

extern unsigned long host_phys_base; /* host address of "physical" 0 */

#undef PAGE_OFFSET
#define PAGE_OFFSET host_phys_base

#endif
