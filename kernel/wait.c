/*
 * SPDX-License-Identifier: MIT
 * kernel/wait.c - wait queues and completions (reference for labs/sched/).
 *
 * The waiter's side (wait_event in kernel/wait.h):
 *     prepare_to_wait   queue ourselves, state = sleeping
 *     check cond        if true: finish_wait, done
 *     schedule()        sleep until a wake-up
 * The waker's side: make cond true, then wake_up(&wq).
 * Because the waiter is on the queue before it checks, a wake-up can never
 * fall between its check and its sleep.
 *
 * A woken entry stays on its queue until its task calls finish_wait (3.10's
 * DEFINE_WAIT has the waker take it off: docs/linux-3.10.md#wait-queues).
 */
#include <kernel/completion.h>
#include <kernel/sched.h>
#include <kernel/wait.h>

void init_waitqueue_head(struct wait_queue_head *wq)
{
	spin_lock_init(&wq->lock);
	wq->lock.name = "waitqueue";
	INIT_LIST_HEAD(&wq->head);
}

/*
 * Join @wq unless already on it, and set the state: all under the queue's
 * lock, so that a waker either finds us queued or runs after our check.
 * Plain waiters go first, exclusive ones at the end: __wake_up then wakes
 * every plain waiter before it counts exclusive ones.
 */
static void __prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *w, int state,
			      bool exclusive)
{
	unsigned long flags;

	spin_lock_irqsave(&wq->lock, flags);
	if (exclusive)
		w->flags |= WQ_FLAG_EXCLUSIVE;
	else
		w->flags &= ~WQ_FLAG_EXCLUSIVE;
	if (list_empty(&w->entry)) {
		if (exclusive)
			list_add_tail(&w->entry, &wq->head);
		else
			list_add(&w->entry, &wq->head);
	}
	current->state = state;
	spin_unlock_irqrestore(&wq->lock, flags);
}

void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *w, int state)
{
	__prepare_to_wait(wq, w, state, false);
}

void prepare_to_wait_exclusive(struct wait_queue_head *wq, struct wait_queue_entry *w, int state)
{
	__prepare_to_wait(wq, w, state, true);
}

void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *w)
{
	unsigned long flags;

	current->state = TASK_RUNNING;
	spin_lock_irqsave(&wq->lock, flags);
	if (!list_empty(&w->entry))
		list_del_init(&w->entry);
	spin_unlock_irqrestore(&wq->lock, flags);
}

/*
 * __wake_up_common - the waking itself, wq->lock held: every plain waiter, and
 * exclusive ones until @nr_exclusive were really woken.  complete() calls it
 * under the lock it counts under, as 3.10's __wake_up_locked.
 */
static void __wake_up_common(struct wait_queue_head *wq, int nr_exclusive)
{
	struct wait_queue_entry *w, *tmp;

	list_for_each_entry_safe(w, tmp, &wq->head, entry) {
		bool woke = wake_up_process(w->task);

		/* Only a sleeper really woken counts: one already awake is passed over. */
		if (woke && (w->flags & WQ_FLAG_EXCLUSIVE) && nr_exclusive && --nr_exclusive == 0)
			break;
	}
}

void __wake_up(struct wait_queue_head *wq, int nr_exclusive)
{
	unsigned long flags;

	spin_lock_irqsave(&wq->lock, flags);
	__wake_up_common(wq, nr_exclusive);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void init_completion(struct completion *c)
{
	c->done = 0;
	init_waitqueue_head(&c->wait);
}

void reinit_completion(struct completion *c)
{
	c->done = 0;
}

void complete(struct completion *c)
{
	unsigned long flags;

	/*
	 * Counted and woken under one lock: a waiter checks done under it too, so the
	 * one woken is one still asleep, and each "done" wakes a waiter of its own.
	 */
	spin_lock_irqsave(&c->wait.lock, flags);
	if (c->done != COMPLETION_ALL)
		c->done++;
	__wake_up_common(&c->wait, 1);
	spin_unlock_irqrestore(&c->wait.lock, flags);
}

void complete_all(struct completion *c)
{
	unsigned long flags;

	spin_lock_irqsave(&c->wait.lock, flags);
	c->done = COMPLETION_ALL;
	__wake_up_common(&c->wait, 0);
	spin_unlock_irqrestore(&c->wait.lock, flags);
}

bool try_wait_for_completion(struct completion *c)
{
	unsigned long flags;
	bool ret = false;

	spin_lock_irqsave(&c->wait.lock, flags);
	if (c->done) {
		if (c->done != COMPLETION_ALL)
			c->done--;
		ret = true;
	}
	spin_unlock_irqrestore(&c->wait.lock, flags);
	return ret;
}

bool completion_done(struct completion *c)
{
	return READ_ONCE(c->done) != 0;
}

/*
 * As 3.10's do_wait_for_common: done is checked, and the state set, with
 * c->wait.lock held, and complete() counts and wakes under the same lock.  So
 * a waiter is asleep whenever complete() can see it, and the exclusive wake-up
 * that each complete() sends goes to a waiter that will take that "done".
 * (Setting the state outside the lock, a waiter woken for one "done" could be
 * counted again as the sleeper woken for the next, and a second waiter slept on.)
 */
unsigned long wait_for_completion_timeout(struct completion *c, unsigned long timeout)
{
	long left = timeout;
	DEFINE_WAIT(w);

	might_sleep();
	spin_lock_irq(&c->wait.lock);
	if (!c->done) {
		w.flags |= WQ_FLAG_EXCLUSIVE;
		list_add_tail(&w.entry, &c->wait.head);
		do {
			__set_current_state(TASK_UNINTERRUPTIBLE);
			spin_unlock_irq(&c->wait.lock);
			left = schedule_timeout(left);
			spin_lock_irq(&c->wait.lock);
		} while (!c->done && left);
		list_del_init(&w.entry);
		if (!c->done) {
			spin_unlock_irq(&c->wait.lock);
			return 0;
		}
	}
	if (c->done != COMPLETION_ALL)
		c->done--;
	spin_unlock_irq(&c->wait.lock);
	return left ? left : 1;
}

void wait_for_completion(struct completion *c)
{
	wait_for_completion_timeout(c, MAX_SCHEDULE_TIMEOUT);
}
