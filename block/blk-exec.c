/*
 * SPDX-License-Identifier: MIT
 * block/blk-exec.c - running a request the caller made (blk_make_request,
 * blk_get_request): queue it, run the queue, wait or be called back
 * (Linux 3.10's block/blk-exec.c).
 *
 *   rq = blk_make_request(q, chain, GFP_KERNEL);
 *   if (IS_ERR(rq)) ...;
 *   rq->cmd[0] = ...; rq->cmd_len = 10;     finish initialising it
 *   err = blk_execute_rq(q, disk, rq, 0);   queued, run, waited for
 *   blk_put_request(rq);
 */
#include <block/blkdev.h>
#include <kernel/completion.h>
#include <kernel/perf.h>
#include <kernel/trace.h>

#include "blk.h"

DEFINE_PERF_LAYER(perf_blk_execute, "blk execute rq");

/* blk_execute_rq_nowait's body, inlined in blk_execute_rq too: a call less per request. */
static __always_inline void __blk_execute_rq_nowait(struct request_queue *q,
						    struct gendisk *bd_disk, struct request *rq,
						    int at_head, rq_end_io_fn *done)
{
	PERF_SCOPE(&perf_blk_execute); /* the driver's request_fn is a layer of its own */
	unsigned long flags;

	rq->rq_disk = bd_disk;
	rq->end_io = done;
	spin_lock_irqsave(q->queue_lock, flags);
	if (unlikely(blk_queue_dying(q))) {
		rq->errors = -ENXIO;
		__blk_end_request_all(rq, -ENXIO); /* its bios end too (Linux 3.10 forgets them) */
		spin_unlock_irqrestore(q->queue_lock, flags);
		return;
	}
	trace_rq(TE_BLK_EXECUTE_RQ, rq, 0);
	blk_rq_mark_in_flight(rq);
	blk_account_io_start(rq);
	if (at_head)
		list_add(&rq->queuelist, &q->queue_head);
	else
		list_add_tail(&rq->queuelist, &q->queue_head);
	__blk_run_queue(q);
	spin_unlock_irqrestore(q->queue_lock, flags);
}

void blk_execute_rq_nowait(struct request_queue *q, struct gendisk *bd_disk, struct request *rq,
			   int at_head, rq_end_io_fn *done)
{
	__blk_execute_rq_nowait(q, bd_disk, rq, at_head, done);
}

/* The end_io of blk_execute_rq: wake the waiter (who still owns the request). */
static void blk_end_sync_rq(struct request *rq, int error)
{
	struct completion *waiting = rq->end_io_data;

	rq->end_io_data = NULL;
	complete(waiting);
}

int blk_execute_rq(struct request_queue *q, struct gendisk *bd_disk, struct request *rq,
		   int at_head)
{
	DECLARE_COMPLETION(wait);

	rq->end_io_data = &wait;
	__blk_execute_rq_nowait(q, bd_disk, rq, at_head, blk_end_sync_rq);
	wait_for_completion(&wait);
	return rq->errors ? -EIO : 0;
}
