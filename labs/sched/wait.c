/*
 * SPDX-License-Identifier: MIT
 * labs/sched/wait.c - YOUR wait queues and completions: how a thread goes to
 * sleep until something happens, and how whoever makes it happen wakes it.
 * This file takes the place of kernel/wait.c in `make lab LAB=sched`
 * (labs/sched/README.md).
 *
 * The waiter's side (wait_event in include/kernel/wait.h):
 *     prepare_to_wait   queue ourselves, state = sleeping
 *     check cond        if true: finish_wait, done
 *     schedule()        sleep until a wake-up
 * The waker's side: make cond true, then wake_up(&wq).
 *
 * What you may use (include/kernel/wait.h, sched.h, list.h, spinlock.h):
 *   wq->lock, spin_lock_irqsave(&lock, flags), spin_unlock_irqrestore(&lock, flags)
 *   wq->head, w->entry, w->task, w->flags & WQ_FLAG_EXCLUSIVE
 *   list_empty, list_add, list_add_tail, list_del_init, list_for_each_entry_safe
 *   current, current->state = TASK_RUNNING / TASK_UNINTERRUPTIBLE / ...
 *   wake_up_process(task): true if it woke a sleeper, false if @task was awake
 *   schedule_timeout(jiffies): sleep (in the state you set) until woken or the time
 *   is up; returns the jiffies left (MAX_SCHEDULE_TIMEOUT: no limit)
 *   c->done, COMPLETION_ALL, c->wait (a wait queue)
 *
 * Until you write them the kernel still boots: every wait polls its
 * condition, every wake-up wakes everybody, and a completion is a flag.
 */
#include <kernel/completion.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <kernel/wait.h>

void init_waitqueue_head(struct wait_queue_head *wq)
{
	spin_lock_init(&wq->lock);
	wq->lock.name = "waitqueue";
	INIT_LIST_HEAD(&wq->head);
}

/*
 * __prepare_to_wait - put @w on @wq, unless it is on it already, and set the
 * current thread's state to @state, both under wq->lock.  A plain waiter
 * (@exclusive false) goes at the head of the queue and has WQ_FLAG_EXCLUSIVE
 * cleared; an exclusive one goes at the tail with the flag set.  Afterwards
 * the caller checks its condition, and calls schedule() only if it is false.
 */
static void __prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *w, int state,
			      bool exclusive)
{
	/*
	 * TODO (part "a waiter sleeps on the queue").
	 * Hint: why must the entry be on the queue and the state set BEFORE
	 * the caller checks its condition?  Think of a wake_up() on another
	 * CPU just after the check.
	 *
	 * Until then nothing is queued and the state stays TASK_RUNNING: the
	 * caller's schedule() only yields, so every wait polls its condition
	 * (`ps` at the prompt shows sleepers as R, and they burn the CPU).
	 */
}

void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *w, int state)
{
	__prepare_to_wait(wq, w, state, false);
}

void prepare_to_wait_exclusive(struct wait_queue_head *wq, struct wait_queue_entry *w, int state)
{
	__prepare_to_wait(wq, w, state, true);
}

/*
 * finish_wait - the wait is over: the current thread is TASK_RUNNING again
 * and @w is off @wq (list_del_init under wq->lock, so that a later
 * prepare_to_wait sees it as not queued).  @w may already be off the queue.
 */
void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *w)
{
	/*
	 * TODO (part "a waiter sleeps on the queue"): back to TASK_RUNNING, then,
	 * under the same lock __prepare_to_wait takes, take @w off the queue if it
	 * is still on it, leaving it empty (list_del_init) so that a second call
	 * finds nothing to do.  @w lives on the waiter's stack: it must never stay
	 * on the queue after this returns.
	 */
	current->state = TASK_RUNNING;
}

/*
 * __wake_up_common - wake the waiters of @wq, in queue order, wq->lock held by
 * the caller: every plain waiter, and exclusive ones until @nr_exclusive of
 * them were really woken (wake_up_process returned true; one already awake
 * does not count).  @nr_exclusive 0 wakes them all.
 */
static void __wake_up_common(struct wait_queue_head *wq, int nr_exclusive)
{
	/*
	 * TODO (part "__wake_up wakes every plain waiter and nr_exclusive others").
	 * Hint: the entries of the waiters you wake stay on the queue until
	 * their own finish_wait, so walk with list_for_each_entry_safe all the
	 * same: a waiter on another CPU may take its entry off the moment the
	 * lock is dropped.
	 *
	 * Until then every waiter is woken, as if each wake-up were wake_up_all.
	 */
	struct wait_queue_entry *w, *tmp;

	list_for_each_entry_safe(w, tmp, &wq->head, entry)
		wake_up_process(w->task);
}

/* __wake_up - __wake_up_common under wq->lock.  Context: any, interrupts included. */
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

/*
 * complete - one more "done": under c->wait.lock, c->done + 1 (unless it is
 * COMPLETION_ALL, which stays) and one exclusive waiter woken
 * (__wake_up_common), both before the lock is dropped.  Context: any.
 */
void complete(struct completion *c)
{
	/*
	 * TODO (part "complete counts, complete_all opens for good").
	 *
	 * Until then a completion is a flag: set, never counted, never taken,
	 * and every waiter is woken to look at it.
	 */
	WRITE_ONCE(c->done, 1);
	__wake_up(&c->wait, 0);
}

/*
 * complete_all - every present and future wait returns at once, until
 * reinit_completion: under c->wait.lock, c->done = COMPLETION_ALL and every
 * waiter woken.
 */
void complete_all(struct completion *c)
{
	/* TODO (part "complete counts, complete_all opens for good"). */
	WRITE_ONCE(c->done, 1);
	__wake_up(&c->wait, 0);
}

/*
 * try_wait_for_completion - take one "done" without sleeping, under
 * c->wait.lock: false if there is none; COMPLETION_ALL is never used up.
 */
bool try_wait_for_completion(struct completion *c)
{
	/*
	 * TODO (part "complete counts, complete_all opens for good").
	 *
	 * Until then the flag is looked at, never taken.
	 */
	return READ_ONCE(c->done) != 0;
}

bool completion_done(struct completion *c)
{
	return READ_ONCE(c->done) != 0;
}

/*
 * wait_for_completion_timeout - take one "done", sleeping (uninterruptibly,
 * as an exclusive waiter on c->wait) until there is one or @timeout jiffies
 * have passed.  Returns 0 on timeout, else the jiffies that were left, at
 * least 1: a completion already done returns @timeout itself (1 if @timeout
 * is 0).  MAX_SCHEDULE_TIMEOUT waits for ever.  Context: may sleep.
 */
unsigned long wait_for_completion_timeout(struct completion *c, unsigned long timeout)
{
	/*
	 * TODO (part "wait_for_completion_timeout returns the jiffies left").
	 * Under c->wait.lock (spin_lock_irq): if there is no "done", join the
	 * queue's tail as an exclusive waiter and loop: state
	 * TASK_UNINTERRUPTIBLE, drop the lock, left = schedule_timeout(left),
	 * take the lock, until there is a "done" or no time is left; leave the
	 * queue.  Then take the "done" (or return 0 if there is none).  Why must
	 * the state be set with the lock held?  Think of two complete() calls
	 * racing with a waiter that was just woken (review question 6).
	 *
	 * Until then: look at the flag every jiffy; 1 if it came, 0 if not in time.
	 */
	unsigned long start = jiffies;

	might_sleep();
	while (!try_wait_for_completion(c)) {
		if (timeout != MAX_SCHEDULE_TIMEOUT && jiffies - start >= timeout)
			return 0;
		current->state = TASK_UNINTERRUPTIBLE;
		schedule_timeout(1);
	}
	return 1;
}

void wait_for_completion(struct completion *c)
{
	wait_for_completion_timeout(c, MAX_SCHEDULE_TIMEOUT);
}
