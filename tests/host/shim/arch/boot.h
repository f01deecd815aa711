/*
 * SPDX-License-Identifier: MIT
 * Host shim of include/arch/boot.h: the direct map is a host arena.
 */
#ifndef ARCH_BOOT_H
#define ARCH_BOOT_H

extern unsigned long host_phys_base; /* host address of "physical" 0 */

#define KERNEL_VMA	  0xffffffff80000000UL
#define KERNEL_PHYS	  0x100000
#define PAGE_OFFSET	  host_phys_base
#define VMAP_START	  0xffffc90000000000UL
#define THREAD_STACK_SIZE 16384

#endif
