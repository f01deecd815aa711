/*
 * SPDX-License-Identifier: MIT
 * block/blk-softirq.c - ending requests in BLOCK_SOFTIRQ (Linux 3.10's
 * block/blk-softirq.c, for our one CPU).
 *
 * An interrupt handler should be short.  Ending a request is not: every
 * bio's end_io runs, bounce pages are copied back, waiters are woken.  So
 * the handler calls blk_complete_request(rq), which only puts rq on a list
 * and raises BLOCK_SOFTIRQ; the softirq, interrupts on, calls the queue's
 * softirq_done_fn for each request, which ends it:
 *
 *   hardirq:  blk_complete_request(rq)   list_add_tail(rq->donelist, done)
 *                                        raise_softirq_irqoff(BLOCK_SOFTIRQ)
 *   irq_exit: BLOCK_SOFTIRQ: blk_done_softirq
 *               take the whole list (interrupts off), then for each:
 *               rq->q->softirq_done_fn(rq)   -> blk_end_request_all(rq, err)
 *
 * Raised from a thread, the softirq runs in ksoftirqd instead.
 */
#include <block/blkdev.h>
#include <kernel/irqflags.h>
#include <kernel/panic.h>
#include <kernel/softirq.h>
#include <kernel/trace.h>

#include "blk.h"

static LIST_HEAD(blk_cpu_done);	       /* requests completed, not yet ended; interrupts off */
unsigned long blk_softirq_completions; /* requests ended by BLOCK_SOFTIRQ since boot */

void blk_complete_request(struct request *rq)
{
	unsigned long flags;
	bool was_empty;

	if (WARN_ON_ONCE(!rq->q->softirq_done_fn)) {
		blk_end_request_all(rq, rq->errors);
		return;
	}
	local_irq_save(flags);
	was_empty = list_empty(&blk_cpu_done);
	list_add_tail(&rq->donelist, &blk_cpu_done);
	if (was_empty)
		raise_softirq_irqoff(BLOCK_SOFTIRQ);
	local_irq_restore(flags);
}

static void blk_done_softirq(void)
{
	LIST_HEAD(local);

	/* Move the list to ours with interrupts off: handlers add to it. */
	local_irq_disable();
	while (!list_empty(&blk_cpu_done)) {
		struct request *rq = list_first_entry(&blk_cpu_done, struct request, donelist);

		list_del(&rq->donelist);
		list_add_tail(&rq->donelist, &local);
	}
	local_irq_enable();

	while (!list_empty(&local)) {
		struct request *rq = list_first_entry(&local, struct request, donelist);

		list_del_init(&rq->donelist);
		blk_softirq_completions++;
		trace_rq(TE_BLK_DONE_SOFTIRQ, rq, rq->errors);
		rq->q->softirq_done_fn(rq);
	}
}

void blk_softirq_init(void)
{
	open_softirq(BLOCK_SOFTIRQ, blk_done_softirq);
}
