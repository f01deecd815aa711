/*
 * SPDX-License-Identifier: MIT
 * tests/host/shim/arch/irqflags.h - the host's "architecture" for
 * <kernel/irqflags.h>: the arch_* calls that include/arch/irqflags.h makes
 * with cli, sti and pushf.  A host process cannot turn interrupts off and
 * has none to turn off, so the flag is only recorded (host_irqs_off, in
 * shim/host_kernel.c): irqs_disabled() and might_sleep() read it back.
 * local_irq_save() and the rest come from the real <kernel/irqflags.h>.
 */
#ifndef ARCH_IRQFLAGS_H
#define ARCH_IRQFLAGS_H

#include <kernel/types.h>

extern bool host_irqs_off;

/* The bit RFLAGS keeps IF in, so a saved word means the same as in the guest. */
#define HOST_FLAGS_IRQS_ON (1UL << 9)

static inline unsigned long arch_local_save_flags(void)
{
	return host_irqs_off ? 0 : HOST_FLAGS_IRQS_ON;
}

static inline bool arch_irqs_disabled_flags(unsigned long flags)
{
	return !(flags & HOST_FLAGS_IRQS_ON);
}

static inline void arch_local_irq_disable(void)
{
	host_irqs_off = true;
}

static inline void arch_local_irq_enable(void)
{
	host_irqs_off = false;
}

static inline unsigned long arch_local_irq_save(void)
{
	unsigned long flags = arch_local_save_flags();

	arch_local_irq_disable();
	return flags;
}

/* Nothing could wake a halted host thread: halting is a bug in a test. */
static inline void arch_local_irq_restore(unsigned long flags)
{
	host_irqs_off = arch_irqs_disabled_flags(flags);
}

void arch_safe_halt(void);

#endif
