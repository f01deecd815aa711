/*
 * SPDX-License-Identifier: MIT
 * kernel/mutex.c - sleeping locks (include/kernel/mutex.h), as 3.10's
 * kernel/mutex.c without the optimistic spinning.
 *
 * The fast paths are one atomic each (count 1 -> 0, and 0 -> 1 when nobody
 * waits).  The slow path joins the wait list under wait_lock, then loops:
 * set count to -1 ("locked, maybe waiters") with xchg; if it was 1 the lock
 * was free and is ours; otherwise sleep until the unlocker wakes us.  The
 * sleep cannot miss the wake-up: the state is set before wait_lock is
 * dropped, and the unlocker wakes under wait_lock, so a wake-up between our
 * unlock and schedule() finds us TASK_UNINTERRUPTIBLE and makes us runnable,
 * and schedule() then returns at once.
 *
 * 3.10 spins on a running owner before sleeping (CONFIG_MUTEX_SPIN_ON_OWNER);
 * we always sleep: docs/linux-3.10.md.
 */
#include <kernel/err.h>
#include <kernel/mutex.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/sched.h>

void __mutex_init(struct mutex *lock, const char *name, struct lock_class_key *key)
{
	atomic_set(&lock->count, 1);
	spin_lock_init(&lock->wait_lock);
	INIT_LIST_HEAD(&lock->wait_list);
	lock->owner = NULL;
	lockdep_init_map(&lock->dep_map, name, key, 0);
}

/* 3.10's DEBUG_MUTEXES checks (nothing with LOCKDEP=n): not in interrupts, unlock by the owner. */
static void debug_mutex_check(struct mutex *lock, bool unlocking)
{
	DEBUG_LOCKS_WARN_ON(in_interrupt());
	if (unlocking)
		DEBUG_LOCKS_WARN_ON(lock->owner != current);
}

static void set_state(long state)
{
	/* The state is written before the count is tested again (xchg is a full barrier too). */
	smp_store_release(&current->state, state);
	smp_mb();
}

/* The wait: 0 with the lock, or -EINTR (interruptible, a signal came) without it. */
static int __mutex_lock_slowpath(struct mutex *lock, long state)
{
	struct mutex_waiter waiter = { .task = current };
	int ret = 0;

	spin_lock(&lock->wait_lock);
	list_add_tail(&waiter.list, &lock->wait_list); /* FIFO: the first to come is woken first */
	for (;;) {
		if (atomic_xchg(&lock->count, -1) == 1)
			break; /* it was free: ours, with -1 saying "maybe waiters" */
		if (state == TASK_INTERRUPTIBLE && signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		set_state(state);
		spin_unlock(&lock->wait_lock);
		schedule();
		spin_lock(&lock->wait_lock);
	}
	set_state(TASK_RUNNING);
	list_del(&waiter.list);
	if (!ret && list_empty(&lock->wait_list))
		atomic_set(&lock->count,
			   0); /* ours, and nobody waits: unlock may take the fast path */
	if (!ret)
		lock->owner = current;
	spin_unlock(&lock->wait_lock);
	return ret;
}

static int __mutex_lock_common(struct mutex *lock, long state, unsigned long ip)
{
	int ret = 0;

	might_sleep();
	debug_mutex_check(lock, false);
	mutex_acquire(&lock->dep_map, 0, 0, ip);
	if (atomic_cmpxchg(&lock->count, 1, 0) == 1)
		lock->owner = current;
	else
		ret = __mutex_lock_slowpath(lock, state);
	if (ret)
		mutex_release(&lock->dep_map, 1, ip);
	return ret;
}

void mutex_lock(struct mutex *lock)
{
	__mutex_lock_common(lock, TASK_UNINTERRUPTIBLE, _RET_IP_);
}

int mutex_lock_interruptible(struct mutex *lock)
{
	return __mutex_lock_common(lock, TASK_INTERRUPTIBLE, _RET_IP_);
}

int mutex_trylock(struct mutex *lock)
{
	debug_mutex_check(lock, false);
	if (atomic_cmpxchg(&lock->count, 1, 0) != 1)
		return 0;
	lock->owner = current;
	mutex_acquire(&lock->dep_map, 0, 1, _RET_IP_);
	return 1;
}

void mutex_unlock(struct mutex *lock)
{
	struct mutex_waiter *first;

	debug_mutex_check(lock, true);
	mutex_release(&lock->dep_map, 1, _RET_IP_);
	lock->owner = NULL;
	if (atomic_cmpxchg(&lock->count, 0, 1) == 0)
		return; /* nobody waited */
	spin_lock(&lock->wait_lock);
	atomic_set(&lock->count, 1);
	if (!list_empty(&lock->wait_list)) {
		first = list_first_entry(&lock->wait_list, struct mutex_waiter, list);
		wake_up_process(first->task);
	}
	spin_unlock(&lock->wait_lock);
}
