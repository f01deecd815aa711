/*
 * SPDX-License-Identifier: MIT
 * kernel/spinlock.h - spinlocks: ticket locks that spin, as Linux 3.10 on x86.
 *
 * A spinlock keeps every other CPU out of a short critical section: a CPU
 * that finds it held waits by spinning, never by sleeping.  So the holder
 * must not sleep either, and must not be preempted (the waiter would spin
 * through a whole time slice): taking a spinlock disables preemption.  An
 * interrupt handler that takes the lock too needs the _irq/_irqsave
 * variant on the thread side, or the handler, arriving on the CPU that holds
 * the lock, would spin for ever:
 *
 *   spin_lock(&l)                 thread vs thread (any CPU)
 *   spin_lock_bh(&l)              ... and vs softirqs
 *   spin_lock_irqsave(&l, flags)  ... and vs hardware interrupt handlers
 *
 * The lock word is a ticket lock (3.10's arch_spinlock_t): two 8-bit
 * counters, like the ticket roll and the "now serving" sign at a counter.
 *
 *        head_tail (16 bits, one word)
 *     +------------+------------+
 *     |   tail     |   head     |      head: the ticket being served
 *     +------------+------------+      tail: the next ticket to hand out
 *       bits 15-8    bits 7-0
 *
 *   lock:    my = tail++ (one lock xadd on the word, which also reads head);
 *            spin (pause) until head == my
 *   unlock:  head++ (only the holder writes head)
 *   free:    head == tail          contended: tail - head > 1
 *
 * The code: kernel/ticket_spinlock.c, called through arch_spin_*() below.
 *
 * Waiters are served in arrival order, so no CPU starves (a plain
 * test-and-set lock lets the CPU nearest the cache line win every time).
 * Not under a hypervisor (QEMU, KVM): there waiters use trylock, see
 * virt_spin_lock() below, unless booted with nopvspin.
 * Not quite with LOCKDEP=y: as 3.10's CONFIG_DEBUG_SPINLOCK, a waiter first
 * polls with trylock for up to a second (to report a lockup), and only
 * then waits for real (a ticket, or the trylock spin under a hypervisor).
 * 8-bit tickets serve up to 255 waiting CPUs (NR_CPUS is 64).
 *
 * With CONFIG_LOCKDEP (LOCKDEP=y, the default) each lock also carries
 * 3.10's CONFIG_DEBUG_SPINLOCK fields (owner, owner_cpu: "recursion",
 * "already unlocked", "wrong owner", and "lockup suspected" after a second
 * of spinning, kernel/spinlock.c) and a lockdep_map for the validator
 * (kernel/lockdep.h).  With LOCKDEP=n a spinlock is the 2-byte word and
 * spin_lock() is preempt_disable() and a call to __ticket_spin_lock(), one
 * lock xadd when the lock is free.
 *
 * raw_spinlock_t/raw_spin_*() are the same lock: in 3.10 only -rt makes
 * spinlock_t sleep, and then raw_ is the one that still spins.
 */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <arch/barrier.h>
#include <arch/x86.h> /* cpu_relax */
#include <kernel/irqflags.h>
#include <kernel/lockdep.h>
#include <kernel/preempt.h>

/* ---- the ticket lock: arch_spinlock_t ------------------------------------------------ */

typedef u8 __ticket_t;
typedef u16 __ticketpair_t;
#define TICKET_SHIFT (sizeof(__ticket_t) * 8)

typedef struct arch_spinlock {
	union {
		__ticketpair_t head_tail;
		struct __raw_tickets {
			__ticket_t head, tail; /* little endian: head is the low byte */
		} tickets;
	};
} arch_spinlock_t;

#define __ARCH_SPIN_LOCK_UNLOCKED \
	{                         \
		{                 \
			0         \
		}                 \
	}

/*
 * The ticket lock itself, 3.10's x86 __ticket_spin_*(), out of line in
 * kernel/ticket_spinlock.c (the file labs/locks/ has the student write):
 *
 *   __ticket_spin_lock      take a ticket (tail++), wait until head is it
 *   __ticket_spin_trylock   take the lock only if free (head == tail);
 *                           true if taken
 *   __ticket_spin_unlock    serve the next ticket (head++)
 *
 * Each is a call: one per lock and one per unlock, as 3.10 on x86, whose
 * spin_lock() calls _raw_spin_lock() out of line; 3.10 inlines these three
 * into it: docs/linux-3.10.md#ticket-out-of-line.  The rest of the tree
 * goes through arch_spin_*() below.
 */
void __ticket_spin_lock(arch_spinlock_t *lock);
bool __ticket_spin_trylock(arch_spinlock_t *lock);
void __ticket_spin_unlock(arch_spinlock_t *lock);

/* Take it only if free; true if taken. */
static __always_inline bool arch_spin_trylock(arch_spinlock_t *lock)
{
	return __ticket_spin_trylock(lock);
}

/*
 * Under a hypervisor a vCPU is a host thread, and the host may deschedule
 * it at any instruction.  A ticket lock then stalls whenever the vCPU whose
 * ticket is up is not running (it holds the lock, or is the next waiter):
 * every other waiter spins until the host runs that one thread again, a
 * host time slice per hand-over.  With more vCPUs than host cores this
 * collapses throughput (docs/locking.md: 4 vCPUs on 2 cores, 0.11x).  So,
 * as Linux 4.2's virt_spin_lock(), a CPUID "hypervisor" guest spins with
 * trylock instead: whoever runs when the lock comes free takes it (unfair,
 * no order).  Both kinds take and free the same word the same way, so they
 * mix.  3.10 always queues on tickets (paravirt ticket locks, 3.12, made the
 * host wake the next waiter); we bypass them under a hypervisor unless
 * booted with nopvspin: docs/linux-3.10.md.  Set once at boot
 * (kernel/spinlock.c).
 */
extern bool virt_spin_lock_enabled;

/* true if it took @lock the test-and-set way; false: take a ticket. */
static __always_inline bool virt_spin_lock(arch_spinlock_t *lock)
{
	if (!READ_ONCE(virt_spin_lock_enabled))
		return false;
	while (!arch_spin_trylock(lock))
		cpu_relax(); /* trylock reads first: waiters only read until it is free */
	return true;
}

static __always_inline void arch_spin_lock(arch_spinlock_t *lock)
{
	if (!virt_spin_lock(lock))
		__ticket_spin_lock(lock);
}

static __always_inline void arch_spin_unlock(arch_spinlock_t *lock)
{
	__ticket_spin_unlock(lock);
}

static __always_inline bool arch_spin_is_locked(arch_spinlock_t *lock)
{
	struct __raw_tickets t = READ_ONCE(lock->tickets);

	return t.head != t.tail;
}

/* Waiters holding tickets; trylock spinners (virt_spin_lock) hold none, so never counted. */
static __always_inline bool arch_spin_is_contended(arch_spinlock_t *lock)
{
	struct __raw_tickets t = READ_ONCE(lock->tickets);

	return (__ticket_t)(t.tail - t.head) > 1;
}

/* ---- raw_spinlock_t: the ticket lock, plus the debug fields -------------------------- */

typedef struct raw_spinlock {
	arch_spinlock_t raw_lock;
#ifdef CONFIG_LOCKDEP
	int owner_cpu;		   /* CONFIG_DEBUG_SPINLOCK: the holder's CPU, -1 if free */
	struct task_struct *owner; /* ... and thread, NULL if free */
	struct lockdep_map dep_map;
#endif
} raw_spinlock_t;

#ifdef CONFIG_LOCKDEP
#define SPIN_DEBUG_INIT(n) .owner_cpu = -1, .owner = NULL, .dep_map = { .name = #n },
#else
#define SPIN_DEBUG_INIT(n)
#endif

#define __RAW_SPIN_LOCK_UNLOCKED(n)                                     \
	{                                                               \
		SPIN_DEBUG_INIT(n).raw_lock = __ARCH_SPIN_LOCK_UNLOCKED \
	}
#define DEFINE_RAW_SPINLOCK(n) raw_spinlock_t n = __RAW_SPIN_LOCK_UNLOCKED(n)

#ifdef CONFIG_LOCKDEP
/* With the checks (kernel/spinlock.c, 3.10's lib/spinlock_debug.c). */
void __raw_spin_lock_init(raw_spinlock_t *lock, const char *name, struct lock_class_key *key);
void do_raw_spin_lock(raw_spinlock_t *lock);
bool do_raw_spin_trylock(raw_spinlock_t *lock);
void do_raw_spin_unlock(raw_spinlock_t *lock);

/* Each call site has a class of its own: a static key there. */
#define raw_spin_lock_init(lock)                             \
	do {                                                 \
		static struct lock_class_key __key;          \
		__raw_spin_lock_init((lock), #lock, &__key); \
	} while (0)
#else
static __always_inline void do_raw_spin_lock(raw_spinlock_t *lock)
{
	arch_spin_lock(&lock->raw_lock);
}
static __always_inline bool do_raw_spin_trylock(raw_spinlock_t *lock)
{
	return arch_spin_trylock(&lock->raw_lock);
}
static __always_inline void do_raw_spin_unlock(raw_spinlock_t *lock)
{
	arch_spin_unlock(&lock->raw_lock);
}
#define raw_spin_lock_init(lock)                                          \
	do {                                                              \
		*(lock) = (raw_spinlock_t)__RAW_SPIN_LOCK_UNLOCKED(lock); \
	} while (0)
#endif

/*
 * A lock held across a thread switch (the run queue's) is taken by one
 * thread and released by another.  The scheduler says so, as 3.10's
 * context_switch() and finish_lock_switch() do:
 *
 *   raw_spin_lock_switch_out(lock)  the old thread, just before the switch
 *   raw_spin_lock_switch_in(lock)   the new thread, before it unlocks
 *
 * so the validator moves the lock from one held stack to the other and the
 * owner check accepts the new thread.  Nothing with LOCKDEP=n.
 */
#ifdef CONFIG_LOCKDEP
void raw_spin_lock_switch_out(raw_spinlock_t *lock);
void raw_spin_lock_switch_in(raw_spinlock_t *lock);
#else
static __always_inline void raw_spin_lock_switch_out(raw_spinlock_t *lock)
{
}
static __always_inline void raw_spin_lock_switch_in(raw_spinlock_t *lock)
{
}
#endif

static __always_inline bool raw_spin_is_locked(raw_spinlock_t *lock)
{
	return arch_spin_is_locked(&lock->raw_lock);
}

/*
 * The order matters: preemption off first (a waiter must never be
 * preempted while it holds a ticket), then the validator hears of the
 * acquisition (before spinning, so a deadlock is reported, not hung in),
 * then the lock.  Unlocking is the mirror image.
 */
static __always_inline void raw_spin_lock(raw_spinlock_t *lock)
{
	preempt_disable();
	spin_acquire(&lock->dep_map, 0, 0, _THIS_IP_);
	do_raw_spin_lock(lock);
}

/* Take @lock inside another lock of its own class: @subclass tells them apart. */
static __always_inline void raw_spin_lock_nested(raw_spinlock_t *lock, unsigned int subclass)
{
	preempt_disable();
	spin_acquire(&lock->dep_map, subclass, 0, _THIS_IP_);
	do_raw_spin_lock(lock);
}

static __always_inline void raw_spin_unlock(raw_spinlock_t *lock)
{
	spin_release(&lock->dep_map, 1, _THIS_IP_);
	do_raw_spin_unlock(lock);
	preempt_enable();
}

/* true if it took @lock (it never waits, so the validator records no wait). */
static __always_inline bool raw_spin_trylock(raw_spinlock_t *lock)
{
	preempt_disable();
	if (do_raw_spin_trylock(lock)) {
		spin_acquire(&lock->dep_map, 0, 1, _THIS_IP_);
		return true;
	}
	preempt_enable();
	return false;
}

static __always_inline void raw_spin_lock_irq(raw_spinlock_t *lock)
{
	local_irq_disable();
	raw_spin_lock(lock);
}

static __always_inline void raw_spin_unlock_irq(raw_spinlock_t *lock)
{
	spin_release(&lock->dep_map, 1, _THIS_IP_);
	do_raw_spin_unlock(lock);
	preempt_enable_no_resched();
	local_irq_enable();
	preempt_check_resched(); /* a switch that waited for both may happen now */
}

static __always_inline unsigned long _raw_spin_lock_irqsave(raw_spinlock_t *lock)
{
	unsigned long flags;

	local_irq_save(flags);
	raw_spin_lock(lock);
	return flags;
}
#define raw_spin_lock_irqsave(lock, flags) ((flags) = _raw_spin_lock_irqsave(lock))

static __always_inline void raw_spin_unlock_irqrestore(raw_spinlock_t *lock, unsigned long flags)
{
	spin_release(&lock->dep_map, 1, _THIS_IP_);
	do_raw_spin_unlock(lock);
	preempt_enable_no_resched();
	local_irq_restore(flags);
	preempt_check_resched();
}

void local_bh_disable(void);
void local_bh_enable(void);

static __always_inline void raw_spin_lock_bh(raw_spinlock_t *lock)
{
	local_bh_disable();
	raw_spin_lock(lock);
}

static __always_inline void raw_spin_unlock_bh(raw_spinlock_t *lock)
{
	raw_spin_unlock(lock);
	local_bh_enable();
}

/* ---- spinlock_t: what the tree uses -------------------------------------------------- */

/*
 * lock.name: the tree names some locks after initialising them
 * (zone->lock...).  With the validator that is its lockdep_map's name, the
 * one reports print (3.10 overlays dep_map the same way); without it a
 * plain field that nothing reads.
 */
#define LOCK_PADSIZE (offsetof(struct raw_spinlock, dep_map) + offsetof(struct lockdep_map, name))

typedef struct spinlock {
	union {
		struct raw_spinlock rlock;
#ifdef CONFIG_LOCKDEP
		struct {
			u8 __padding[LOCK_PADSIZE];
			const char *name;
		};
#endif
	};
#ifndef CONFIG_LOCKDEP
	const char *name;
#endif
} spinlock_t;

#ifdef CONFIG_LOCKDEP
#define __SPIN_LOCK_UNLOCKED(n)                      \
	(spinlock_t)                                 \
	{                                            \
		.rlock = __RAW_SPIN_LOCK_UNLOCKED(n) \
	}

/* A class for each call site (the validator groups locks by it), named after the argument. */
#define spin_lock_init(lock)                                         \
	do {                                                         \
		static struct lock_class_key __key;                  \
		__raw_spin_lock_init(&(lock)->rlock, #lock, &__key); \
	} while (0)
#else
#define __SPIN_LOCK_UNLOCKED(n)                                  \
	(spinlock_t)                                             \
	{                                                        \
		.rlock = __RAW_SPIN_LOCK_UNLOCKED(n), .name = #n \
	}
#define spin_lock_init(lock)                          \
	do {                                          \
		*(lock) = __SPIN_LOCK_UNLOCKED(lock); \
	} while (0)
#endif
#define DEFINE_SPINLOCK(n) spinlock_t n = __SPIN_LOCK_UNLOCKED(n)

/* Kept for kernel/panic.c and the host shim, which define it; the locks no longer call it. */
void spin_lock_bug(spinlock_t *l, const char *why);

static __always_inline void spin_lock(spinlock_t *lock)
{
	raw_spin_lock(&lock->rlock);
}

static __always_inline void spin_lock_nested(spinlock_t *lock, unsigned int subclass)
{
	raw_spin_lock_nested(&lock->rlock, subclass);
}

static __always_inline void spin_unlock(spinlock_t *lock)
{
	raw_spin_unlock(&lock->rlock);
}

static __always_inline bool spin_trylock(spinlock_t *lock)
{
	return raw_spin_trylock(&lock->rlock);
}

static __always_inline void spin_lock_irq(spinlock_t *lock)
{
	raw_spin_lock_irq(&lock->rlock);
}

static __always_inline void spin_unlock_irq(spinlock_t *lock)
{
	raw_spin_unlock_irq(&lock->rlock);
}

#define spin_lock_irqsave(lock, flags) raw_spin_lock_irqsave(&(lock)->rlock, flags)

static __always_inline void spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags)
{
	raw_spin_unlock_irqrestore(&lock->rlock, flags);
}

static __always_inline void spin_lock_bh(spinlock_t *lock)
{
	raw_spin_lock_bh(&lock->rlock);
}

static __always_inline void spin_unlock_bh(spinlock_t *lock)
{
	raw_spin_unlock_bh(&lock->rlock);
}

static __always_inline void spin_lock_switch_out(spinlock_t *lock)
{
	raw_spin_lock_switch_out(&lock->rlock);
}

static __always_inline void spin_lock_switch_in(spinlock_t *lock)
{
	raw_spin_lock_switch_in(&lock->rlock);
}

/* true if someone holds @lock (a hint: it may change at once, unless we hold it). */
static __always_inline bool spin_is_locked(spinlock_t *lock)
{
	return raw_spin_is_locked(&lock->rlock);
}

/* true if others wait for @lock: a long holder may drop and retake it. */
static __always_inline bool spin_is_contended(spinlock_t *lock)
{
	return arch_spin_is_contended(&lock->rlock.raw_lock);
}

/*
 * A lock for the printing paths (the log, the console's port): a bare
 * ticket lock, unseen by the validator (which prints through it), taken
 * with interrupts off.  A CPU that already holds it goes on without it (a
 * fault while printing), and once a panic started a CPU waits for it only
 * so long (its holder may be a CPU that stopped).  print_lock_irqsave
 * returns whether it took the lock; pass that to print_unlock_irqrestore.
 */
struct print_lock {
	arch_spinlock_t lock;
	int cpu; /* the holder, -1 if free */
};
#define PRINT_LOCK_INIT                                      \
	{                                                    \
		.lock = __ARCH_SPIN_LOCK_UNLOCKED, .cpu = -1 \
	}
bool print_lock_irqsave(struct print_lock *l, unsigned long *flags);
void print_unlock_irqrestore(struct print_lock *l, bool locked, unsigned long flags);

#endif
