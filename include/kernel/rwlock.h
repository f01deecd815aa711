/*
 * SPDX-License-Identifier: MIT
 * kernel/rwlock.h - reader-writer spinlocks, as Linux 3.10 on x86.
 *
 * Many readers at once, or one writer alone.  Right for data read often
 * and changed rarely, where a read section is short (it still spins, with
 * preemption off); a reader never waits for another reader.  Writers can
 * starve: while readers keep arriving, the count never gets back to full.
 *
 * The lock word is 3.10's biased counter: it starts at RW_LOCK_BIAS.
 *
 *     RW_LOCK_BIAS        free
 *     RW_LOCK_BIAS - n    n readers inside
 *     0                   a writer inside
 *     < 0                 a writer inside and readers trying (they give back
 *                         their 1 and wait)
 *
 *   read_lock:   lock decl; if the result went negative, a writer is in:
 *                give it back (lock incl) and spin until positive, retry
 *   write_lock:  lock subl BIAS; if the result is not 0, someone is in:
 *                give it back and spin until it reads BIAS, retry
 *   unlocks:     lock incl / lock addl BIAS
 *
 * The API is spinlock.h's with read_/write_ in front: read_lock_irqsave,
 * write_lock_bh, read_trylock...  Under the validator a reader is a
 * "recursive reader" (it may nest inside another reader of its class).
 */
#ifndef KERNEL_RWLOCK_H
#define KERNEL_RWLOCK_H

#include <kernel/spinlock.h>

#define RW_LOCK_BIAS 0x00100000 /* 3.10 with fewer than 2048 CPUs */

typedef struct {
	int lock; /* the biased count above */
} arch_rwlock_t;

#define __ARCH_RW_LOCK_UNLOCKED \
	{                       \
		RW_LOCK_BIAS    \
	}

static __always_inline void arch_read_lock(arch_rwlock_t *rw)
{
	while (unlikely(__atomic_sub_fetch(&rw->lock, 1, __ATOMIC_ACQUIRE) < 0)) {
		__atomic_add_fetch(&rw->lock, 1, __ATOMIC_RELAXED);
		while (READ_ONCE(rw->lock) <= 0)
			cpu_relax();
	}
}

static __always_inline void arch_write_lock(arch_rwlock_t *rw)
{
	while (unlikely(__atomic_sub_fetch(&rw->lock, RW_LOCK_BIAS, __ATOMIC_ACQUIRE) != 0)) {
		__atomic_add_fetch(&rw->lock, RW_LOCK_BIAS, __ATOMIC_RELAXED);
		while (READ_ONCE(rw->lock) != RW_LOCK_BIAS)
			cpu_relax();
	}
}

static __always_inline bool arch_read_trylock(arch_rwlock_t *rw)
{
	if (__atomic_sub_fetch(&rw->lock, 1, __ATOMIC_ACQUIRE) >= 0)
		return true;
	__atomic_add_fetch(&rw->lock, 1, __ATOMIC_RELAXED);
	return false;
}

static __always_inline bool arch_write_trylock(arch_rwlock_t *rw)
{
	if (__atomic_sub_fetch(&rw->lock, RW_LOCK_BIAS, __ATOMIC_ACQUIRE) == 0)
		return true;
	__atomic_add_fetch(&rw->lock, RW_LOCK_BIAS, __ATOMIC_RELAXED);
	return false;
}

/* Both unlocks order the section's loads and stores before the locked add (release). */
static __always_inline void arch_read_unlock(arch_rwlock_t *rw)
{
	__atomic_add_fetch(&rw->lock, 1, __ATOMIC_RELEASE);
}

static __always_inline void arch_write_unlock(arch_rwlock_t *rw)
{
	__atomic_add_fetch(&rw->lock, RW_LOCK_BIAS, __ATOMIC_RELEASE);
}

typedef struct {
	arch_rwlock_t raw_lock;
#ifdef CONFIG_LOCKDEP
	struct lockdep_map dep_map;
#endif
} rwlock_t;

#ifdef CONFIG_LOCKDEP
#define RW_DEP_MAP_INIT(n) .dep_map = { .name = #n },
#else
#define RW_DEP_MAP_INIT(n)
#endif

#define __RW_LOCK_UNLOCKED(n)                                         \
	(rwlock_t)                                                    \
	{                                                             \
		RW_DEP_MAP_INIT(n).raw_lock = __ARCH_RW_LOCK_UNLOCKED \
	}
#define DEFINE_RWLOCK(n) rwlock_t n = __RW_LOCK_UNLOCKED(n)

#ifdef CONFIG_LOCKDEP
/* A class for each call site, as spin_lock_init(). */
#define rwlock_init(lock)                                                  \
	do {                                                               \
		static struct lock_class_key __key;                        \
		(lock)->raw_lock = (arch_rwlock_t)__ARCH_RW_LOCK_UNLOCKED; \
		lockdep_init_map(&(lock)->dep_map, #lock, &__key, 0);      \
	} while (0)
#else
#define rwlock_init(lock)                           \
	do {                                        \
		*(lock) = __RW_LOCK_UNLOCKED(lock); \
	} while (0)
#endif

/* ---- readers ----------------------------------------------------------------------- */

static __always_inline void read_lock(rwlock_t *lock)
{
	preempt_disable();
	rwlock_acquire_read(&lock->dep_map, 0, 0, _THIS_IP_);
	arch_read_lock(&lock->raw_lock);
}

static __always_inline void read_unlock(rwlock_t *lock)
{
	rwlock_release(&lock->dep_map, 1, _THIS_IP_);
	arch_read_unlock(&lock->raw_lock);
	preempt_enable();
}

static __always_inline bool read_trylock(rwlock_t *lock)
{
	preempt_disable();
	if (arch_read_trylock(&lock->raw_lock)) {
		rwlock_acquire_read(&lock->dep_map, 0, 1, _THIS_IP_);
		return true;
	}
	preempt_enable();
	return false;
}

static __always_inline void read_lock_irq(rwlock_t *lock)
{
	local_irq_disable();
	read_lock(lock);
}

static __always_inline void read_unlock_irq(rwlock_t *lock)
{
	rwlock_release(&lock->dep_map, 1, _THIS_IP_);
	arch_read_unlock(&lock->raw_lock);
	preempt_enable_no_resched();
	local_irq_enable();
	preempt_check_resched();
}

static __always_inline unsigned long _read_lock_irqsave(rwlock_t *lock)
{
	unsigned long flags;

	local_irq_save(flags);
	read_lock(lock);
	return flags;
}
#define read_lock_irqsave(lock, flags) ((flags) = _read_lock_irqsave(lock))

static __always_inline void read_unlock_irqrestore(rwlock_t *lock, unsigned long flags)
{
	rwlock_release(&lock->dep_map, 1, _THIS_IP_);
	arch_read_unlock(&lock->raw_lock);
	preempt_enable_no_resched();
	local_irq_restore(flags);
	preempt_check_resched();
}

static __always_inline void read_lock_bh(rwlock_t *lock)
{
	local_bh_disable();
	read_lock(lock);
}

static __always_inline void read_unlock_bh(rwlock_t *lock)
{
	read_unlock(lock);
	local_bh_enable();
}

/* ---- writers ----------------------------------------------------------------------- */

static __always_inline void write_lock(rwlock_t *lock)
{
	preempt_disable();
	rwlock_acquire(&lock->dep_map, 0, 0, _THIS_IP_);
	arch_write_lock(&lock->raw_lock);
}

static __always_inline void write_unlock(rwlock_t *lock)
{
	rwlock_release(&lock->dep_map, 1, _THIS_IP_);
	arch_write_unlock(&lock->raw_lock);
	preempt_enable();
}

static __always_inline bool write_trylock(rwlock_t *lock)
{
	preempt_disable();
	if (arch_write_trylock(&lock->raw_lock)) {
		rwlock_acquire(&lock->dep_map, 0, 1, _THIS_IP_);
		return true;
	}
	preempt_enable();
	return false;
}

static __always_inline void write_lock_irq(rwlock_t *lock)
{
	local_irq_disable();
	write_lock(lock);
}

static __always_inline void write_unlock_irq(rwlock_t *lock)
{
	rwlock_release(&lock->dep_map, 1, _THIS_IP_);
	arch_write_unlock(&lock->raw_lock);
	preempt_enable_no_resched();
	local_irq_enable();
	preempt_check_resched();
}

static __always_inline unsigned long _write_lock_irqsave(rwlock_t *lock)
{
	unsigned long flags;

	local_irq_save(flags);
	write_lock(lock);
	return flags;
}
#define write_lock_irqsave(lock, flags) ((flags) = _write_lock_irqsave(lock))

static __always_inline void write_unlock_irqrestore(rwlock_t *lock, unsigned long flags)
{
	rwlock_release(&lock->dep_map, 1, _THIS_IP_);
	arch_write_unlock(&lock->raw_lock);
	preempt_enable_no_resched();
	local_irq_restore(flags);
	preempt_check_resched();
}

static __always_inline void write_lock_bh(rwlock_t *lock)
{
	local_bh_disable();
	write_lock(lock);
}

static __always_inline void write_unlock_bh(rwlock_t *lock)
{
	write_unlock(lock);
	local_bh_enable();
}

#endif
