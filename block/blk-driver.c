/*
 * SPDX-License-Identifier: MIT
 * block/blk-driver.c - the calls a block driver makes: taking requests off
 * its queue, stopping and restarting it, and ending requests wholly or in
 * part (Linux 3.10's blk-core.c, the driver half).  The recipe is at the
 * top of include/block/blkdev.h.
 *
 * Ending a request, step by step:
 *
 *   blk_end_request(rq, error, nr_bytes)
 *     blk_update_request: for the first nr_bytes of rq's bios
 *       a bio wholly covered: rq->bio moves to the next, bio_advance over
 *       it, bio_endio(bio, error) -> bi_end_io (the owner's, or a bounce
 *       bio's, which copies back and ends the original)
 *       a bio partly covered: bio_advance (bi_idx, bv_offset, bi_size move)
 *     bytes left?  return true: the driver goes on with the rest
 *     lock; blk_finish_request: in_flight--, rq->end_io(rq, error) or
 *     __blk_put_request; unlock
 *
 * Locking: functions starting with __ (and peek/start/fetch/requeue/stop/
 * start_queue) expect q->queue_lock held, interrupts off - as in
 * request_fn; the others take it.  The queue lock is what makes the
 * queue one thing on many CPUs: a thread on CPU 3 may be in request_fn
 * while CPU 0's interrupt handler ends a request and CPU 1's softirq
 * another, each with the lock in turn.  lockdep checks the flag changes
 * and __blk_run_queue are made with it held (queue_lockdep_assert_held).
 * blk_update_request runs without it: the request belongs to whoever
 * ends it, and its bios to the request.
 */
#include <block/blkdev.h>
#include <kernel/irqflags.h>
#include <kernel/panic.h>
#include <kernel/printk.h>

#include "blk.h"

struct request *blk_peek_request(struct request_queue *q)
{
	if (list_empty(&q->queue_head))
		return NULL;
	return list_first_entry(&q->queue_head, struct request, queuelist);
}

void blk_start_request(struct request *rq)
{
	BUG_ON(blk_rq_started(rq));
	list_del_init(&rq->queuelist);
	rq->cmd_flags |= REQ_STARTED;
	rq->q->in_flight++;
}

struct request *blk_fetch_request(struct request_queue *q)
{
	struct request *rq = blk_peek_request(q);

	if (rq)
		blk_start_request(rq);
	return rq;
}

void blk_requeue_request(struct request_queue *q, struct request *rq)
{
	BUG_ON(!blk_rq_started(rq));
	rq->cmd_flags &= ~REQ_STARTED;
	q->in_flight--;
	list_add(&rq->queuelist, &q->queue_head);
}

void blk_stop_queue(struct request_queue *q)
{
	queue_flag_set(QUEUE_FLAG_STOPPED, q);
}

void blk_start_queue(struct request_queue *q)
{
	WARN_ON_ONCE(!irqs_disabled());
	queue_flag_clear(QUEUE_FLAG_STOPPED, q);
	__blk_run_queue(q);
}

/*
 * Running request_fn from inside request_fn (a completion there restarting
 * the queue) would walk the list twice at once: the outer loop will see
 * the new requests anyway, so the inner run is skipped.
 */
void __blk_run_queue(struct request_queue *q)
{
	queue_lockdep_assert_held(q);
	if (blk_queue_stopped(q) || !q->request_fn || q->request_fn_active)
		return;
	q->request_fn_active++;
	q->request_fn(q);
	q->request_fn_active--;
}

void blk_run_queue(struct request_queue *q)
{
	unsigned long flags;

	spin_lock_irqsave(q->queue_lock, flags);
	__blk_run_queue(q);
	spin_unlock_irqrestore(q->queue_lock, flags);
}

/* @nbytes of @bio are done: advance it, and end it if nothing is left. */
static void req_bio_endio(struct request *rq, struct bio *bio, unsigned int nbytes, int error)
{
	if (error)
		bio->bi_flags &= ~(1UL << BIO_UPTODATE);
	else if (!bio_flagged(bio, BIO_UPTODATE))
		error = -EIO;
	if (rq->cmd_flags & REQ_QUIET)
		bio->bi_flags |= 1UL << BIO_QUIET;
	bio_advance(bio, nbytes);
	if (bio->bi_size == 0)
		bio_endio(bio, error);
}

static unsigned short blk_rq_count_segments(const struct request *rq)
{
	unsigned int segs = 0;
	struct bio *bio;

	__rq_for_each_bio(bio, rq)
		segs += bio_segments(bio);
	return segs;
}

/*
 * blk_update_request's body, inlined in the blk_end_request family (each
 * request's completion passes here once): a call less per request.
 */
static __always_inline bool __blk_update_request(struct request *rq, int error,
						 unsigned int nr_bytes)
{
	unsigned int total = 0;

	if (!rq->bio)
		return false;
	if (error && rq->cmd_type == REQ_TYPE_FS && !(rq->cmd_flags & REQ_QUIET))
		pr_err("end_request: I/O error, dev %s, sector %llu\n",
		       rq->rq_disk ? rq->rq_disk->disk_name : "?",
		       (unsigned long long)blk_rq_pos(rq));
	/* A bio of 0 bytes (an empty flush) is ended by the first pass. */
	while (rq->bio) {
		struct bio *bio = rq->bio;
		unsigned int bio_bytes = bio->bi_size < nr_bytes ? bio->bi_size : nr_bytes;

		if (bio_bytes == bio->bi_size)
			rq->bio = bio->bi_next; /* read before bi_end_io may free it */
		req_bio_endio(rq, bio, bio_bytes, error);
		total += bio_bytes;
		nr_bytes -= bio_bytes;
		if (!nr_bytes)
			break;
	}
	if (!rq->bio) {
		rq->__data_len = 0;
		return false;
	}
	rq->__data_len -= total;
	if (rq->cmd_type == REQ_TYPE_FS)
		rq->__sector += total >> SECTOR_SHIFT;
	rq->nr_phys_segments = blk_rq_count_segments(rq);
	return true;
}

bool blk_update_request(struct request *rq, int error, unsigned int nr_bytes)
{
	return __blk_update_request(rq, error, nr_bytes);
}

/* All of @rq is done: hand it to its end_io, or free it.  Queue lock held. */
static __always_inline void blk_finish_request(struct request *rq, int error)
{
	BUG_ON(!list_empty(&rq->queuelist));
	if (rq->cmd_flags & REQ_STARTED) {
		rq->cmd_flags &= ~REQ_STARTED;
		rq->q->in_flight--;
	}
	if (error && !rq->errors)
		rq->errors = error;
	if (rq->end_io)
		rq->end_io(rq, error);
	else
		__blk_put_request(rq->q, rq);
}

bool __blk_end_request(struct request *rq, int error, unsigned int nr_bytes)
{
	if (__blk_update_request(rq, error, nr_bytes))
		return true;
	blk_finish_request(rq, error);
	return false;
}

void __blk_end_request_all(struct request *rq, int error)
{
	bool pending = __blk_end_request(rq, error, blk_rq_bytes(rq));

	BUG_ON(pending);
}

/*
 * blk_end_request's body, inlined there and in blk_end_request_all, as 3.10
 * shares blk_end_bidi_request between the two.
 */
static __always_inline bool blk_end_request_common(struct request *rq, int error,
						   unsigned int nr_bytes)
{
	struct request_queue *q = rq->q;
	unsigned long flags;

	if (__blk_update_request(rq, error, nr_bytes))
		return true;
	spin_lock_irqsave(q->queue_lock, flags);
	blk_finish_request(rq, error);
	spin_unlock_irqrestore(q->queue_lock, flags);
	return false;
}

bool blk_end_request(struct request *rq, int error, unsigned int nr_bytes)
{
	return blk_end_request_common(rq, error, nr_bytes);
}

void blk_end_request_all(struct request *rq, int error)
{
	bool pending = blk_end_request_common(rq, error, blk_rq_bytes(rq));

	BUG_ON(pending);
}
