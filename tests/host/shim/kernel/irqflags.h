/*
 * SPDX-License-Identifier: MIT
 * Host shim: no interrupts on the host; the flag is only tracked.
 */
#ifndef KERNEL_IRQFLAGS_H
#define KERNEL_IRQFLAGS_H

#include <kernel/types.h>

extern bool host_irqs_off;

static inline void local_irq_disable(void)
{
	host_irqs_off = true;
}
static inline void local_irq_enable(void)
{
	host_irqs_off = false;
}
static inline bool irqs_disabled(void)
{
	return host_irqs_off;
}
static inline unsigned long arch_local_irq_save(void)
{
	unsigned long f = host_irqs_off;

	host_irqs_off = true;
	return f;
}
static inline void local_irq_restore(unsigned long f)
{
	host_irqs_off = f;
}
#define local_irq_save(flags) ((flags) = arch_local_irq_save())

#endif
