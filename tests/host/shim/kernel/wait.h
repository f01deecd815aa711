/*
 * SPDX-License-Identifier: MIT
 * Host shim: wait queues that never block (one thread).
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
#define DEFINE_WAIT(name) struct wait_queue_entry name = { .entry = LIST_HEAD_INIT(name.entry) }
static inline void init_waitqueue_head(struct wait_queue_head *wq)
{
	spin_lock_init(&wq->lock);
	INIT_LIST_HEAD(&wq->head);
}
static inline void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *w, int s)
{
}
static inline void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *w)
{
}
static inline bool waitqueue_active(struct wait_queue_head *wq)
{
	return false;
}
static inline void __wake_up(struct wait_queue_head *wq, int nr)
{
}
#define wake_up(wq)	__wake_up(wq, 1)
#define wake_up_all(wq) __wake_up(wq, 0)
/* Nobody else can make @cond true while we "wait": check once, then time out. */
#define wait_event_timeout(wq, cond, timeout)                     \
	({                                                        \
		(void)(wq);                                       \
		(cond) ? ((timeout) ? (long)(timeout) : 1L) : 0L; \
	})
/* No signal is ever pending on the host: as wait_event_timeout. */
#define ERESTARTSYS					    512
#define wait_event_interruptible_timeout(wq, cond, timeout) wait_event_timeout(wq, cond, timeout)
#define wait_event(wq, cond)  \
	do {                  \
		(void)(wq);   \
		(void)(cond); \
	} while (0)

#endif
