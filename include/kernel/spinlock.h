/*
 * SPDX-License-Identifier: MIT
 * kernel/spinlock.h - spinlocks, with Linux's irq-save variants.
 *
 * On one CPU a spinlock never actually spins: what matters is that holding it
 * disables preemption, so no other thread runs the critical section, and
 * (with the _irq/_irqsave variants) disables interrupts, so no interrupt
 * handler does.  The lock word still records the holder, so taking a lock
 * twice, or releasing a lock that is not held, is caught with a BUG.
 *
 *   spin_lock(&l)                 thread vs thread
 *   spin_lock_bh(&l)              thread vs softirq
 *   spin_lock_irqsave(&l, flags)  anything vs a hardware interrupt handler
 */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <kernel/irqflags.h>
#include <kernel/preempt.h>

typedef struct spinlock {
	volatile int locked; /* 1 while held */
	const char *name;    /* for reports */
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(n)         \
	{                               \
		.locked = 0, .name = #n \
	}
#define DEFINE_SPINLOCK(n) spinlock_t n = __SPIN_LOCK_UNLOCKED(n)

static inline void spin_lock_init(spinlock_t *l)
{
	l->locked = 0;
	l->name = "spinlock";
}

void spin_lock_bug(spinlock_t *l, const char *why);

static inline void do_raw_spin_lock(spinlock_t *l)
{
	/* One CPU: a held lock here can only be our own, a deadlock. */
	if (unlikely(__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)))
		spin_lock_bug(l, "recursive lock (deadlock)");
}

static inline void do_raw_spin_unlock(spinlock_t *l)
{
	if (unlikely(!l->locked))
		spin_lock_bug(l, "unlock of a lock that is not held");
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(spinlock_t *l)
{
	return l->locked;
}

static inline void spin_lock(spinlock_t *l)
{
	preempt_disable();
	do_raw_spin_lock(l);
}

static inline void spin_unlock(spinlock_t *l)
{
	do_raw_spin_unlock(l);
	preempt_enable();
}

static inline void spin_lock_irq(spinlock_t *l)
{
	local_irq_disable();
	spin_lock(l);
}

static inline void spin_unlock_irq(spinlock_t *l)
{
	do_raw_spin_unlock(l);
	preempt_enable_no_resched();
	local_irq_enable();
	preempt_schedule();
}

#define spin_lock_irqsave(l, flags)    \
	do {                           \
		local_irq_save(flags); \
		spin_lock(l);          \
	} while (0)

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	do_raw_spin_unlock(l);
	preempt_enable_no_resched();
	local_irq_restore(flags);
	preempt_schedule();
}

void local_bh_disable(void);
void local_bh_enable(void);

static inline void spin_lock_bh(spinlock_t *l)
{
	local_bh_disable();
	spin_lock(l);
}

static inline void spin_unlock_bh(spinlock_t *l)
{
	spin_unlock(l);
	local_bh_enable();
}

#endif
