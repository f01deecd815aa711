/*
 * SPDX-License-Identifier: MIT
 * kernel/irqflags.h - turning interrupts off and on, as Linux spells it.
 *
 * local_irq_save(flags) remembers whether interrupts were on and turns them
 * off; local_irq_restore(flags) puts back exactly what was saved, so the pair
 * nests.  "Local": only this CPU's interrupts; the other CPUs go on taking
 * theirs, so data an interrupt handler shares with them needs a spinlock too
 * (spin_lock_irqsave).  The instructions are <arch/irqflags.h>'s; this file
 * only names them as Linux.
 */
#ifndef KERNEL_IRQFLAGS_H
#define KERNEL_IRQFLAGS_H

#include <arch/irqflags.h>

static inline void local_irq_disable(void)
{
	arch_local_irq_disable();
}

static inline void local_irq_enable(void)
{
	arch_local_irq_enable();
}

/* true when interrupts are off. */
static inline bool irqs_disabled(void)
{
	return arch_irqs_disabled_flags(arch_local_save_flags());
}

static inline void local_irq_restore(unsigned long flags)
{
	if (!arch_irqs_disabled_flags(flags))
		arch_local_irq_enable();
}

#define local_irq_save(flags) ((flags) = arch_local_irq_save())

/* Enable interrupts and halt in one step: an interrupt between the two cannot be missed. */
static inline void safe_halt(void)
{
	arch_safe_halt();
}

#endif
