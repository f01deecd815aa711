/*
 * SPDX-License-Identifier: MIT
 * kernel/mutex.h - mutexes: locks whose waiters sleep, as Linux 3.10.
 *
 * A mutex is for long critical sections in thread context: the holder may
 * sleep (allocate with GFP_KERNEL, wait for I/O), and a thread that finds
 * it held sleeps on its wait list instead of spinning.  Never from an
 * interrupt or with a spinlock held; only the thread that locked it may
 * unlock it.
 *
 *   count   1 free, 0 locked, -1 locked and someone may wait
 *
 *   mutex_lock:    count 1 -> 0 (one cmpxchg), or join wait_list (FIFO)
 *                  and sleep until count can be made -1 from 1
 *   mutex_unlock:  count -> 1 and wake the first waiter, which retries
 *
 * As in 3.10 a woken waiter is not handed the lock: a thread arriving
 * between the unlock and the waiter's run takes it first (fairness for
 * throughput), but the waiters themselves go in the order they came.  With
 * LOCKDEP=y (3.10's CONFIG_DEBUG_MUTEXES) an unlock by another thread and a
 * mutex used from an interrupt are reported, and the validator sees mutexes
 * as locks like any other.
 */
#ifndef KERNEL_MUTEX_H
#define KERNEL_MUTEX_H

#include <kernel/atomic.h>
#include <kernel/list.h>
#include <kernel/lockdep.h>
#include <kernel/spinlock.h>

struct task_struct;

struct mutex {
	atomic_t count;		    /* 1 free, 0 locked, < 0 locked with waiters */
	spinlock_t wait_lock;	    /* wait_list */
	struct list_head wait_list; /* struct mutex_waiter, first come first */
	struct task_struct *owner;  /* the holder, NULL if free */
#ifdef CONFIG_LOCKDEP
	struct lockdep_map dep_map;
#endif
};

/* On the stack of a thread waiting in mutex_lock(). */
struct mutex_waiter {
	struct list_head list;
	struct task_struct *task;
};

#ifdef CONFIG_LOCKDEP
#define MUTEX_DEP_MAP_INIT(n) , .dep_map = { .name = #n }
#else
#define MUTEX_DEP_MAP_INIT(n)
#endif

#define __MUTEX_INITIALIZER(n)                                                           \
	{                                                                                \
		.count = ATOMIC_INIT(1), .wait_lock = __SPIN_LOCK_UNLOCKED(n.wait_lock), \
		.wait_list = LIST_HEAD_INIT(n.wait_list) MUTEX_DEP_MAP_INIT(n)           \
	}
#define DEFINE_MUTEX(n) struct mutex n = __MUTEX_INITIALIZER(n)

void __mutex_init(struct mutex *lock, const char *name, struct lock_class_key *key);

/* mutex_init - a free mutex; a class of its own for each call site.  Context: any. */
#define mutex_init(mutex)                              \
	do {                                           \
		static struct lock_class_key __key;    \
		__mutex_init((mutex), #mutex, &__key); \
	} while (0)

/*
 * mutex_lock - take @lock, sleeping (TASK_UNINTERRUPTIBLE) until it is free.
 * Context: thread, may sleep; not with a spinlock held, not in an interrupt.
 */
void mutex_lock(struct mutex *lock);

/*
 * mutex_lock_interruptible - the same, but a signal (send_sig) ends the
 * wait: returns 0 with @lock held, or -EINTR without it.  Context: as mutex_lock.
 */
int mutex_lock_interruptible(struct mutex *lock);

/* mutex_trylock - take @lock if free: 1 if taken, 0 if not; never sleeps.  Context: thread. */
int mutex_trylock(struct mutex *lock);

/* mutex_unlock - release @lock (held by the caller) and wake its first waiter.  Context: thread. */
void mutex_unlock(struct mutex *lock);

/* true if someone holds @lock (a hint, unless the caller holds it). */
static inline bool mutex_is_locked(struct mutex *lock)
{
	return atomic_read(&lock->count) != 1;
}

#endif
