/*
 * SPDX-License-Identifier: MIT
 * kernel/wait.h - wait queues: sleeping until something becomes true.
 *
 *   wait_event(wq, cond)     sleep until cond; re-checked after each wake-up
 *   wait_event_timeout, wait_event_interruptible_timeout: the same, bounded;
 *                            the second also ends on a signal (Ctrl-C)
 *   wake_up(&wq)             wake the sleepers, which re-check their cond
 *
 * The classic race (cond turns true between the check and the sleep) cannot
 * happen: the waiter sets its state and joins the queue *before* checking
 * cond, so a wake_up after that finds it on the queue.
 *
 *   wait_queue_head --> entry(task A) --> entry(task B) --> (back to head)
 *
 * Entries live on the sleeping thread's stack for as long as it waits.
 */
#ifndef KERNEL_WAIT_H
#define KERNEL_WAIT_H

#include <kernel/list.h>
#include <kernel/spinlock.h>

struct task_struct;

struct wait_queue_head {
	spinlock_t lock;
	struct list_head head;
};
typedef struct wait_queue_head wait_queue_head_t;

#define WQ_FLAG_EXCLUSIVE 0x01

struct wait_queue_entry {
	unsigned int flags;
	struct task_struct *task;
	struct list_head entry;
};

#define __WAIT_QUEUE_HEAD_INITIALIZER(name)                                                \
	{                                                                                  \
		.lock = __SPIN_LOCK_UNLOCKED(name.lock), .head = LIST_HEAD_INIT(name.head) \
	}
#define DECLARE_WAIT_QUEUE_HEAD(name) \
	struct wait_queue_head name = __WAIT_QUEUE_HEAD_INITIALIZER(name)

void init_waitqueue_head(struct wait_queue_head *wq);

#define DEFINE_WAIT(name) \
	struct wait_queue_entry name = { .task = current, .entry = LIST_HEAD_INIT(name.entry) }

/* Join @wq (if not on it) and set the current state; then check the condition, then schedule(). */
void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *w, int state);
void prepare_to_wait_exclusive(struct wait_queue_head *wq, struct wait_queue_entry *w, int state);
/* Back to TASK_RUNNING and off the queue. */
void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *w);

/* Wake every non-exclusive waiter and at most @nr exclusive ones.  Context: any. */
void __wake_up(struct wait_queue_head *wq, int nr);
#define wake_up(wq)	__wake_up(wq, 1)
#define wake_up_all(wq) __wake_up(wq, 0)

/* true if anyone is waiting (a hint; take the lock for certainty). */
static inline bool waitqueue_active(struct wait_queue_head *wq)
{
	return !list_empty(&wq->head);
}

#define wait_event(wq, cond)                                                \
	do {                                                                \
		DEFINE_WAIT(__w);                                           \
		might_sleep();                                              \
		for (;;) {                                                  \
			prepare_to_wait(&(wq), &__w, TASK_UNINTERRUPTIBLE); \
			if (cond)                                           \
				break;                                      \
			schedule();                                         \
		}                                                           \
		finish_wait(&(wq), &__w);                                   \
	} while (0)

/*
 * ___wait_event_timeout - the loop both timed waits share: sleep in @state
 * until @cond, @timeout jiffies, or (TASK_INTERRUPTIBLE only) a signal.
 * Linux 3.10 writes the two loops out separately; one here says the same.
 */
#define ___wait_event_timeout(wq, cond, timeout, state)                                 \
	({                                                                              \
		long __ret = (timeout);                                                 \
		DEFINE_WAIT(__w);                                                       \
		might_sleep();                                                          \
		for (;;) {                                                              \
			prepare_to_wait(&(wq), &__w, (state));                          \
			if (cond) {                                                     \
				if (!__ret)                                             \
					__ret = 1;                                      \
				break;                                                  \
			}                                                               \
			if ((state) == TASK_INTERRUPTIBLE && signal_pending(current)) { \
				__ret = -ERESTARTSYS;                                   \
				break;                                                  \
			}                                                               \
			if (!__ret)                                                     \
				break;                                                  \
			__ret = schedule_timeout(__ret);                                \
		}                                                                       \
		finish_wait(&(wq), &__w);                                               \
		__ret;                                                                  \
	})

/*
 * wait_event_timeout - as wait_event, for at most @timeout jiffies.
 * Returns 0 if @cond is still false after the timeout, otherwise the jiffies
 * left (at least 1), as Linux does.
 */
#define wait_event_timeout(wq, cond, timeout) \
	___wait_event_timeout(wq, cond, timeout, TASK_UNINTERRUPTIBLE)

/*
 * -ERESTARTSYS: a sleep was cut short by a signal.  Linux's kernel-only
 * errno (never seen by a program: the system call returns -EINTR, or is
 * restarted); here a command returns -EINTR instead, and the monitor
 * treats -ERESTARTSYS like -EINTR should one reach it.
 */
#ifndef ERESTARTSYS
#define ERESTARTSYS 512
#endif

/*
 * wait_event_interruptible_timeout - as wait_event_timeout, but asleep in
 * TASK_INTERRUPTIBLE: a signal (send_sig) ends the wait too.  Returns
 * -ERESTARTSYS if a signal is pending while @cond is false, 0 if @cond is
 * still false after @timeout jiffies, otherwise the jiffies left (at least
 * 1), as Linux 3.10 does.  @cond is tested before the signal: a wait whose
 * condition already holds succeeds even with a signal pending.
 */
#define wait_event_interruptible_timeout(wq, cond, timeout) \
	___wait_event_timeout(wq, cond, timeout, TASK_INTERRUPTIBLE)

#endif
