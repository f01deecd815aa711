/*
 * SPDX-License-Identifier: MIT
 * tests/host/shim/host_kernel.h - what the host stand-ins add to the
 * kernel's API, for the tests that drive them (shim/host_kernel.c,
 * shim/host_softirq.c).  Everything else a host test calls is declared by
 * the real headers under include/.
 */
#ifndef HOST_KERNEL_H
#define HOST_KERNEL_H

#include <stddef.h>

/*
 * host_phys_init - make @size bytes of zeroed host memory "physical"
 * addresses 0..@size: sets host_phys_base, which PAGE_OFFSET is on the
 * host (shim/arch/boot.h), so __va() and __pa() work.  Returns the arena;
 * aborts if there is no memory.  Call once, before anything uses __va().
 */
void *host_phys_init(size_t size);

/*
 * host_run_timers - run every timer_list due at the current jiffies, and
 * the softirqs they raise (shim/host_softirq.c).  msleep() calls it after
 * moving the clock; nothing else fires a timer on the host.
 */
void host_run_timers(void);

#endif
