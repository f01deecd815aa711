/*
 * SPDX-License-Identifier: MIT
 * arch/irqflags.h - the x86_64 interrupt flag, under the arch_* names
 * <kernel/irqflags.h> builds local_irq_save() and friends on (as Linux's
 * asm/irqflags.h under linux/irqflags.h).
 *
 * A flags word is the RFLAGS image: interrupts are on when its IF bit is
 * set.  Only arch_irqs_disabled_flags() looks inside one, so code that
 * saves flags need not know the encoding.  The host tests put their own
 * arch/irqflags.h first on the include path (tests/host/shim/arch/).
 */
#ifndef ARCH_IRQFLAGS_H
#define ARCH_IRQFLAGS_H

#include <arch/x86.h>

static inline unsigned long arch_local_save_flags(void)
{
	return read_rflags();
}

/* true if @flags (a saved flags word) says interrupts were off. */
static inline bool arch_irqs_disabled_flags(unsigned long flags)
{
	return !(flags & X86_EFLAGS_IF);
}

static inline void arch_local_irq_disable(void)
{
	__asm__ __volatile__("cli" ::: "memory");
}

static inline void arch_local_irq_enable(void)
{
	__asm__ __volatile__("sti" ::: "memory");
}

/* Interrupts off; returns the flags from before, for local_irq_restore(). */
static inline unsigned long arch_local_irq_save(void)
{
	unsigned long flags = arch_local_save_flags();

	arch_local_irq_disable();
	return flags;
}

/*
 * arch_local_irq_restore - put back the flags word @flags, interrupt flag
 * included, as 3.10's native_restore_fl: "push; popf".  Two instructions
 * whatever was saved; local_irq_restore's test-and-sti is three, plus the
 * jump the compiler lays out around the sti.  popf is the slower of the two
 * on real hardware, so only the allocators' fast paths use it (a few
 * instructions each, where make bench counts every one under -icount).
 */
static inline void arch_local_irq_restore(unsigned long flags)
{
	__asm__ __volatile__("push %0; popf" : : "g"(flags) : "memory", "cc");
}

/* Enable interrupts and halt in one step: sti holds interrupts off for one more instruction. */
static inline void arch_safe_halt(void)
{
	__asm__ __volatile__("sti; hlt" ::: "memory");
}

#endif
