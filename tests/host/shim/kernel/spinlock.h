/*
 * SPDX-License-Identifier: MIT
 * Host shim: a spinlock that checks it is never taken twice or freed unheld.
 */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <kernel/irqflags.h>
#include <kernel/preempt.h>
#include <assert.h>

typedef struct spinlock {
	int locked;
	const char *name;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(n) \
	{                       \
		0, #n           \
	}
#define DEFINE_SPINLOCK(n) spinlock_t n = __SPIN_LOCK_UNLOCKED(n)

static inline void spin_lock_init(spinlock_t *l)
{
	l->locked = 0;
	l->name = "spinlock";
}
static inline void spin_lock(spinlock_t *l)
{
	assert(!l->locked);
	l->locked = 1;
	preempt_disable();
}
static inline void spin_unlock(spinlock_t *l)
{
	assert(l->locked);
	l->locked = 0;
	preempt_enable();
}
static inline bool spin_is_locked(spinlock_t *l)
{
	return l->locked;
}
#define spin_lock_irqsave(l, flags)    \
	do {                           \
		local_irq_save(flags); \
		spin_lock(l);          \
	} while (0)
static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long f)
{
	spin_unlock(l);
	local_irq_restore(f);
}
static inline void spin_lock_irq(spinlock_t *l)
{
	local_irq_disable();
	spin_lock(l);
}
static inline void spin_unlock_irq(spinlock_t *l)
{
	spin_unlock(l);
	local_irq_enable();
}
/* Bottom halves: shim/host_softirq.c (linked by the tests that use them). */
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
