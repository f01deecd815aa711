/*
 * SPDX-License-Identifier: MIT
 * kernel/irqflags.h - turning interrupts off and on, as Linux spells it.
 *
 * local_irq_save(flags) remembers whether interrupts were on and turns them
 * off; local_irq_restore(flags) puts back exactly what was saved, so the pair
 * nests.  This kernel runs on one CPU, so "local" is all there is.
 */
#ifndef KERNEL_IRQFLAGS_H
#define KERNEL_IRQFLAGS_H

#include <arch/x86.h>

static inline void local_irq_disable(void)
{
	__asm__ __volatile__("cli" ::: "memory");
}

static inline void local_irq_enable(void)
{
	__asm__ __volatile__("sti" ::: "memory");
}

/* true when the interrupt flag is clear. */
static inline bool irqs_disabled(void)
{
	return !(read_rflags() & X86_EFLAGS_IF);
}

static inline unsigned long arch_local_irq_save(void)
{
	unsigned long flags = read_rflags();

	local_irq_disable();
	return flags;
}

static inline void local_irq_restore(unsigned long flags)
{
	if (flags & X86_EFLAGS_IF)
		local_irq_enable();
}

#define local_irq_save(flags) ((flags) = arch_local_irq_save())

/* Enable interrupts and halt in one step: an interrupt between the two cannot be missed. */
static inline void safe_halt(void)
{
	__asm__ __volatile__("sti; hlt" ::: "memory");
}

#endif
