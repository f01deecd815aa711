/*
 * SPDX-License-Identifier: MIT
 * tests/block/test_blk_driver.c - the calls a block driver makes, one by one,
 * with a driver written here ("the parking driver"): its request_fn takes
 * each request and parks it on a list, so the test ends it itself -
 * wholly or in parts, after stopping, restarting or requeueing - through
 * the same calls a real driver (the ramdisk, virtio-blk) makes.  Also the
 * request allocation limit (nr_requests), blk_execute_rq_nowait's end_io
 * and at_head, and a dying queue.
 *
 *   -append "test=blk_driver"
 */
#include <kernel/err.h>
#include <kernel/sched.h>
#include <string.h>

#include "blk_test.h"

static struct {
	struct list_head parked;  /* started requests, oldest first */
	int calls;		  /* request_fn calls */
	struct request *order[4]; /* the first requests it saw */
	int seen;
} pd;

static void parking_request_fn(struct request_queue *q)
{
	struct request *rq;

	pd.calls++;
	while ((rq = blk_fetch_request(q))) {
		list_add_tail(&rq->queuelist, &pd.parked);
		if (pd.seen < 4)
			pd.order[pd.seen++] = rq;
	}
}

/* A queue and a registered disk for it. */
static struct request_queue *parking_queue(struct ktest *t, struct gendisk **diskp)
{
	struct request_queue *q = blk_init_queue(parking_request_fn, NULL);
	struct gendisk *disk;

	ASSERT_NOT_NULL(t, q);
	memset(&pd, 0, sizeof(pd));
	INIT_LIST_HEAD(&pd.parked);
	disk = alloc_disk(1);
	ASSERT_NOT_NULL(t, disk);
	strcpy(disk->disk_name, "parked");
	disk->queue = q;
	set_capacity(disk, 1024);
	add_disk(disk);
	*diskp = disk;
	return q;
}

static void parking_queue_free(struct request_queue *q, struct gendisk *disk)
{
	del_gendisk(disk);
	blk_cleanup_queue(q);
	put_disk(disk);
}

/* The oldest parked request, off the driver's list (ready to be ended). */
static struct request *unpark(void)
{
	struct request *rq;

	if (list_empty(&pd.parked))
		return NULL;
	rq = list_first_entry(&pd.parked, struct request, queuelist);
	list_del_init(&rq->queuelist);
	return rq;
}

static struct bio *parked_bio(struct ktest *t, struct gendisk *disk, struct page **p, int n,
			      sector_t sector, struct bio_result *r)
{
	struct bio *bio = bio_alloc(GFP_KERNEL, n);

	ASSERT_NOT_NULL(t, bio);
	bio->bi_bdev = &disk->bdev;
	bio->bi_sector = sector;
	bio->bi_end_io = bio_result_end_io;
	bio->bi_private = r;
	for (int i = 0; i < n; i++)
		ASSERT_EQ(t, bio_add_page(bio, p[i], PAGE_SIZE, 0), PAGE_SIZE);
	return bio;
}

TEST_CASE(blk_driver_test_end_request_in_parts_advances_bio_and_request)
{
	struct gendisk *disk;
	struct request_queue *q = parking_queue(t, &disk);
	struct page *p[2] = { blk_test_page(t, BLK_TEST_HIGH), blk_test_page(t, BLK_TEST_HIGH) };
	struct bio_result r;
	struct bio *bio;
	struct request *rq;

	bio_result_init(&r);
	bio = parked_bio(t, disk, p, 2, 16, &r);
	submit_bio(WRITE, bio);
	rq = unpark();
	ASSERT_NOT_NULL(t, rq);
	EXPECT_EQ(t, rq->cmd_type, REQ_TYPE_FS);
	EXPECT_EQ(t, rq_data_dir(rq), WRITE);
	EXPECT_TRUE(t, blk_rq_started(rq));
	EXPECT_EQ(t, blk_rq_pos(rq), 16);
	EXPECT_EQ(t, blk_rq_bytes(rq), 2 * PAGE_SIZE);
	EXPECT_EQ(t, blk_rq_nr_phys_segments(rq), 2);
	EXPECT_EQ(t, q->in_flight, 1);

	EXPECT_TRUE(t, blk_end_request(rq, 0, 1024)); /* a quarter of the first vec */
	EXPECT_EQ(t, blk_rq_bytes(rq), 2 * PAGE_SIZE - 1024);
	EXPECT_EQ(t, blk_rq_pos(rq), 18);
	EXPECT_EQ(t, bio->bi_io_vec[0].bv_offset, 1024);
	EXPECT_EQ(t, blk_rq_cur_bytes(rq), PAGE_SIZE - 1024);
	EXPECT_TRUE(t, blk_end_request(rq, 0, PAGE_SIZE)); /* into the second vec */
	EXPECT_EQ(t, bio->bi_idx, 1);
	EXPECT_EQ(t, blk_rq_nr_phys_segments(rq), 1);
	EXPECT_EQ(t, r.calls, 0); /* the bio is not done yet */
	EXPECT_FALSE(t, blk_end_request(rq, 0, PAGE_SIZE - 1024));
	EXPECT_EQ(t, r.calls, 1);
	EXPECT_EQ(t, r.error, 0);
	EXPECT_EQ(t, q->in_flight, 0);
	EXPECT_EQ(t, q->root_rl.count, 0); /* freed: no end_io, REQ_ALLOCED */
	bio_put(bio);
	__free_page(p[0]);
	__free_page(p[1]);
	parking_queue_free(q, disk);
}

TEST_CASE(blk_driver_test_stopped_queue_holds_requests_until_started)
{
	struct gendisk *disk;
	struct request_queue *q = parking_queue(t, &disk);
	struct page *p = blk_test_page(t, BLK_TEST_HIGH);
	unsigned long flags;
	struct bio_result r;
	struct bio *bio;

	bio_result_init(&r);
	spin_lock_irqsave(q->queue_lock, flags);
	blk_stop_queue(q);
	spin_unlock_irqrestore(q->queue_lock, flags);
	bio = parked_bio(t, disk, &p, 1, 0, &r);
	submit_bio(READ, bio);
	EXPECT_EQ(t, pd.calls, 0);
	EXPECT_NOT_NULL(t, blk_peek_request(q));
	spin_lock_irqsave(q->queue_lock, flags);
	blk_start_queue(q); /* as an interrupt handler would, lock held */
	spin_unlock_irqrestore(q->queue_lock, flags);
	EXPECT_EQ(t, pd.calls, 1);
	EXPECT_NULL(t, blk_peek_request(q));
	blk_end_request_all(unpark(), 0);
	EXPECT_EQ(t, r.calls, 1);
	bio_put(bio);
	__free_page(p);
	parking_queue_free(q, disk);
}

TEST_CASE(blk_driver_test_requeue_gives_a_request_back_at_the_head)
{
	struct gendisk *disk;
	struct request_queue *q = parking_queue(t, &disk);
	struct page *p = blk_test_page(t, BLK_TEST_HIGH);
	unsigned long flags;
	struct bio_result r;
	struct bio *bio;
	struct request *rq;

	bio_result_init(&r);
	bio = parked_bio(t, disk, &p, 1, 0, &r);
	submit_bio(READ, bio);
	rq = unpark();
	ASSERT_NOT_NULL(t, rq);
	spin_lock_irqsave(q->queue_lock, flags);
	blk_requeue_request(q, rq); /* "the hardware was full after all" */
	EXPECT_TRUE(t, blk_peek_request(q) == rq);
	EXPECT_FALSE(t, blk_rq_started(rq));
	EXPECT_EQ(t, q->in_flight, 0);
	spin_unlock_irqrestore(q->queue_lock, flags);
	blk_run_queue(q);
	EXPECT_TRUE(t, unpark() == rq);
	blk_end_request_all(rq, 0);
	EXPECT_EQ(t, r.error, 0);
	bio_put(bio);
	__free_page(p);
	parking_queue_free(q, disk);
}

static int nowait_calls, nowait_error;

/* An end_io: called with the queue lock held, so __blk_put_request. */
static void nowait_done(struct request *rq, int error)
{
	nowait_calls++;
	nowait_error = error;
	__blk_put_request(rq->q, rq);
}

TEST_CASE(blk_driver_test_execute_nowait_calls_end_io_and_at_head_goes_first)
{
	struct gendisk *disk;
	struct request_queue *q = parking_queue(t, &disk);
	struct request *a = blk_get_request(q, READ, GFP_KERNEL);
	struct request *b = blk_get_request(q, READ, GFP_KERNEL);
	unsigned long flags;

	ASSERT_NOT_NULL(t, a);
	ASSERT_NOT_NULL(t, b);
	a->cmd_type = b->cmd_type = REQ_TYPE_SPECIAL;
	nowait_calls = 0;
	spin_lock_irqsave(q->queue_lock, flags);
	blk_stop_queue(q);
	spin_unlock_irqrestore(q->queue_lock, flags);
	blk_execute_rq_nowait(q, disk, a, 0, nowait_done);
	blk_execute_rq_nowait(q, disk, b, 1, nowait_done); /* at the head */
	spin_lock_irqsave(q->queue_lock, flags);
	blk_start_queue(q);
	spin_unlock_irqrestore(q->queue_lock, flags);
	EXPECT_EQ(t, pd.seen, 2);
	EXPECT_TRUE(t, pd.order[0] == b);
	EXPECT_TRUE(t, pd.order[1] == a);
	EXPECT_TRUE(t, a->rq_disk == disk);
	blk_end_request_all(unpark(), 0);
	blk_end_request_all(unpark(), 0);
	EXPECT_EQ(t, nowait_calls, 2);
	EXPECT_EQ(t, nowait_error, 0);
	EXPECT_EQ(t, q->root_rl.count, 0);
	parking_queue_free(q, disk);
}

TEST_CASE(blk_driver_test_execute_on_a_dying_queue_ends_everything_with_enxio)
{
	struct gendisk *disk;
	struct request_queue *q = parking_queue(t, &disk);
	struct page *p = blk_test_page(t, BLK_TEST_HIGH);
	unsigned long flags;
	struct bio_result r;
	struct bio *bio;
	struct request *rq;

	bio_result_init(&r);
	bio = parked_bio(t, disk, &p, 1, 0, &r);
	rq = blk_make_request(q, bio, GFP_KERNEL);
	ASSERT_FALSE(t, IS_ERR(rq));
	rq->cmd_type = REQ_TYPE_BLOCK_PC; /* the caller's to set (nothing runs it here) */
	nowait_calls = 0;
	spin_lock_irqsave(q->queue_lock, flags);
	q->queue_flags |= 1UL << QUEUE_FLAG_DYING; /* as blk_cleanup_queue begins */
	spin_unlock_irqrestore(q->queue_lock, flags);
	blk_execute_rq_nowait(q, disk, rq, 0, nowait_done);
	EXPECT_EQ(t, nowait_calls, 1);
	EXPECT_EQ(t, nowait_error, -ENXIO);
	EXPECT_EQ(t, r.error, -ENXIO); /* its bio ended too */
	EXPECT_EQ(t, pd.calls, 0);
	EXPECT_NULL(t, blk_get_request(q, READ, GFP_KERNEL));
	bio_put(bio);
	__free_page(p);
	parking_queue_free(q, disk);
}

/* ---- request allocation ---- */

TEST_CASE(blk_driver_test_get_request_without_sleeping_fails_when_all_are_out)
{
	struct gendisk *disk;
	struct request_queue *q = parking_queue(t, &disk);
	struct request *a, *b, *c;

	q->nr_requests = 2;
	a = blk_get_request(q, WRITE, GFP_KERNEL);
	b = blk_get_request(q, WRITE, GFP_KERNEL);
	c = blk_get_request(q, WRITE, GFP_ATOMIC);
	ASSERT_NOT_NULL(t, a);
	ASSERT_NOT_NULL(t, b);
	EXPECT_NULL(t, c);
	EXPECT_EQ(t, rq_data_dir(a), WRITE);
	EXPECT_TRUE(t, a->cmd_flags & REQ_ALLOCED);
	EXPECT_EQ(t, a->ref_count, 1);
	blk_put_request(a);
	c = blk_get_request(q, WRITE, GFP_ATOMIC); /* one came back */
	EXPECT_NOT_NULL(t, c);
	blk_put_request(b);
	if (c)
		blk_put_request(c);
	EXPECT_EQ(t, q->root_rl.count, 0);
	parking_queue_free(q, disk);
}

static int get_request_sleeper(void *arg)
{
	struct request_queue *q = arg;
	struct request *rq = blk_get_request(q, READ, GFP_KERNEL); /* sleeps */

	if (!rq)
		return -ENOMEM;
	blk_put_request(rq);
	return 0;
}

TEST_CASE(blk_driver_test_get_request_sleeps_until_one_is_put)
{
	struct gendisk *disk;
	struct request_queue *q = parking_queue(t, &disk);
	struct request *held;
	struct task_struct *k;

	q->nr_requests = 1;
	held = blk_get_request(q, READ, GFP_KERNEL);
	ASSERT_NOT_NULL(t, held);
	k = ktest_thread_start(get_request_sleeper, q, "rq-sleeper");
	ASSERT_NOT_NULL(t, k);
	EXPECT_TRUE(t, blk_test_wait_for_sleeper(&q->root_rl.wait));
	blk_put_request(held); /* wakes it */
	EXPECT_EQ(t, ktest_thread_finish(k, 5000), 0);
	EXPECT_EQ(t, q->root_rl.count, 0);
	parking_queue_free(q, disk);
}

static const struct ktest_case blk_driver_cases[] = {
	KTEST(blk_driver_test_end_request_in_parts_advances_bio_and_request),
	KTEST(blk_driver_test_stopped_queue_holds_requests_until_started),
	KTEST(blk_driver_test_requeue_gives_a_request_back_at_the_head),
	KTEST(blk_driver_test_execute_nowait_calls_end_io_and_at_head_goes_first),
	KTEST(blk_driver_test_execute_on_a_dying_queue_ends_everything_with_enxio),
	KTEST(blk_driver_test_get_request_without_sleeping_fails_when_all_are_out),
	KTEST(blk_driver_test_get_request_sleeps_until_one_is_put),
	{}
};
TEST_SUITE(blk_driver, blk_driver_cases);
