/*
 * SPDX-License-Identifier: MIT
 * tests/host/virtio_host_mm.h - the allocator behind drivers/virtio/virtio_ring.c
 * on the host (virtio_host_mm.c): an arena of "physical" memory with
 * AddressSanitizer poisoning of everything not allocated.
 */
#ifndef TESTS_HOST_VIRTIO_HOST_MM_H
#define TESTS_HOST_VIRTIO_HOST_MM_H

#include <kernel/types.h>
#include <stddef.h>

/* Make @bytes of arena (physical 0..bytes), all free and poisoned. */
void host_mm_init(size_t bytes);

/* Is [pa, pa+len) entirely allocated memory?  What a device may DMA to. */
bool host_mm_dma_ok(u64 pa, u64 len);

/* Pages and kmalloc objects allocated right now (leak checks). */
unsigned long host_mm_live_pages(void);
unsigned long host_mm_live_kmallocs(void);

/* Fail the next @n page allocations (-1: all until set to 0). */
void host_mm_fail_pages(int n);
/* Fail the next @n kmallocs that may not sleep (GFP_ATOMIC and the like). */
void host_mm_fail_atomic_kmalloc(int n);

#endif
