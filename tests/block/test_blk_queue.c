/*
 * SPDX-License-Identifier: MIT
 * tests/block/test_blk_queue.c - I/O through a queue to the ramdisk: submit_bio
 * in each completion context, the checks before a bio reaches a driver
 * (end of disk, read-only, alignment), flush, a bad sector failing part of
 * a request, a full device stopping and restarting its queue, the
 * in-flight marking that keeps a waiting mempool_alloc from being called a
 * deadlock, the disk registry and the monitor's `blk` command, and the bio
 * path under injected failures.  The driver-facing calls one by one are
 * tests/block/test_blk_driver.c.
 *
 *   -append "test=blk_queue"
 */
#include <kernel/err.h>
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/softirq.h>
#include <kernel/time.h>
#include <mm/slab.h>
#include <string.h>

#include "blk_test.h"

/* ---- the ramdisk, each way of completing ---- */

/* Write two pages at sector 8, read them back into fresh pages; return how the read ended. */
static void roundtrip(struct ktest *t, enum ramdisk_completion how, struct bio_result *rr)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ .completion = how });
	struct page *w[2] = { blk_test_page(t, BLK_TEST_HIGH), blk_test_page(t, BLK_TEST_HIGH) };
	struct page *r[2] = { blk_test_page(t, BLK_TEST_HIGH), blk_test_page(t, BLK_TEST_HIGH) };
	struct bio_result wr;
	struct bio *bio;

	blk_test_fill(page_address(w[0]), PAGE_SIZE, 1);
	blk_test_fill(page_address(w[1]), PAGE_SIZE, 2);
	bio_result_init(&wr);
	bio_result_init(rr);
	bio = blk_test_bio(t, rd, WRITE, 8, w, 2, &wr);
	submit_bio(WRITE, bio);
	bio_result_wait(&wr, 1);
	EXPECT_EQ(t, wr.error, 0);
	bio_put(bio);
	EXPECT_TRUE(t, blk_test_disk_holds(rd, 8 * 512, PAGE_SIZE, 1));
	EXPECT_TRUE(t, blk_test_disk_holds(rd, 8 * 512 + PAGE_SIZE, PAGE_SIZE, 2));

	bio = blk_test_bio(t, rd, READ, 8, r, 2, rr);
	submit_bio(READ, bio);
	bio_result_wait(rr, 1);
	EXPECT_EQ(t, rr->error, 0);
	EXPECT_TRUE(t, blk_test_holds(page_address(r[0]), PAGE_SIZE, 1));
	EXPECT_TRUE(t, blk_test_holds(page_address(r[1]), PAGE_SIZE, 2));
	EXPECT_EQ(t, rd->stats.reads, 1);
	EXPECT_EQ(t, rd->stats.writes, 1);
	EXPECT_EQ(t, rd->stats.limit_violations, 0);
	bio_put(bio);
	for (int i = 0; i < 2; i++) {
		__free_page(w[i]);
		__free_page(r[i]);
	}
	ramdisk_destroy(rd);
}

TEST_CASE(blk_queue_test_inline_completion_runs_in_the_submitter)
{
	struct bio_result r;

	roundtrip(t, RAMDISK_COMPLETE_INLINE, &r);
	EXPECT_FALSE(t, r.in_irq);
	EXPECT_FALSE(t, r.in_softirq);
}

TEST_CASE(blk_queue_test_softirq_completion_ends_bios_in_block_softirq)
{
	unsigned long before = softirq_count[BLOCK_SOFTIRQ];
	struct bio_result r;

	roundtrip(t, RAMDISK_COMPLETE_SOFTIRQ, &r);
	EXPECT_TRUE(t, r.in_softirq);
	EXPECT_FALSE(t, r.in_irq);
	EXPECT_GT(t, softirq_count[BLOCK_SOFTIRQ], before);
}

TEST_CASE(blk_queue_test_irq_completion_ends_bios_in_the_interrupt_handler)
{
	struct bio_result r;

	roundtrip(t, RAMDISK_COMPLETE_IRQ, &r);
	EXPECT_TRUE(t, r.in_irq);
}

TEST_CASE(blk_queue_test_interrupt_handing_over_to_block_softirq)
{
	struct bio_result r;

	roundtrip(t, RAMDISK_COMPLETE_IRQ_SOFTIRQ, &r);
	EXPECT_FALSE(t, r.in_irq);
	EXPECT_TRUE(t, r.in_softirq);
}

/* ---- what never reaches the driver ---- */

/* @rw of @p, one page, at @sector of @rd: the error. */
static int page_io(struct ktest *t, struct ramdisk *rd, int rw, sector_t sector, struct page *p)
{
	struct bio_result r;
	struct bio *bio;
	int err;

	bio_result_init(&r);
	bio = blk_test_bio(t, rd, rw, sector, &p, 1, &r);
	err = submit_bio_wait(rw, bio);
	bio_put(bio);
	return err;
}

/* submit_bio_wait a one-page bio of a page of its own; returns its error. */
static int one_page_io(struct ktest *t, struct ramdisk *rd, int rw, sector_t sector)
{
	struct page *p = blk_test_page(t, BLK_TEST_HIGH);
	int err = page_io(t, rd, rw, sector, p);

	__free_page(p);
	return err;
}

/* A ramdisk of @sectors whose medium is as ramdisk_create leaves it: no page yet. */
static struct ramdisk *lazy_disk(struct ktest *t, sector_t sectors)
{
	struct ramdisk *rd = ramdisk_create(&(struct ramdisk_config){ .sectors = sectors });

	ASSERT_FALSE(t, IS_ERR(rd));
	return rd;
}

static bool all_zero(const u8 *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (b[i])
			return false;
	return true;
}

TEST_CASE(blk_queue_test_ramdisk_medium_comes_with_the_first_write)
{
	struct ramdisk *rd = lazy_disk(t, 64); /* 8 pages */
	struct page *p = blk_test_page(t, BLK_TEST_HIGH);
	u8 *back = kmalloc(2 * PAGE_SIZE, GFP_KERNEL);

	ASSERT_NOT_NULL(t, back);
	EXPECT_EQ(t, rd->stats.medium_pages, 0);
	/* Never written: a read gives zeros, and allocates nothing. */
	blk_test_fill(page_address(p), PAGE_SIZE, 4);
	EXPECT_EQ(t, page_io(t, rd, READ, 0, p), 0);
	EXPECT_TRUE(t, all_zero(page_address(p), PAGE_SIZE));
	EXPECT_EQ(t, rd->stats.medium_pages, 0);
	/* A write to page 1 gives it, and only it, a page; a second write reuses it. */
	blk_test_fill(page_address(p), PAGE_SIZE, 5);
	EXPECT_EQ(t, page_io(t, rd, WRITE, 8, p), 0);
	EXPECT_EQ(t, page_io(t, rd, WRITE, 8, p), 0);
	EXPECT_EQ(t, rd->stats.medium_pages, 1);
	for (unsigned long i = 0; i < rd->nr_pages; i++)
		EXPECT_EQ(t, rd->pages[i] != NULL, i == 1);
	EXPECT_EQ(t, ramdisk_peek(rd, 0, back, 2 * PAGE_SIZE), 0);
	EXPECT_TRUE(t, all_zero(back, PAGE_SIZE));
	EXPECT_TRUE(t, blk_test_holds(back + PAGE_SIZE, PAGE_SIZE, 5));
	/* A poke of two bytes across pages 3 and 4 gives both a page, zero but those bytes. */
	EXPECT_EQ(t, ramdisk_poke(rd, 4 * PAGE_SIZE - 1, "\x11\x22", 2), 0);
	EXPECT_EQ(t, rd->stats.medium_pages, 3);
	EXPECT_EQ(t, ramdisk_peek(rd, 3 * PAGE_SIZE, back, 2 * PAGE_SIZE), 0);
	EXPECT_TRUE(t, all_zero(back, PAGE_SIZE - 1) && back[PAGE_SIZE - 1] == 0x11 &&
			       back[PAGE_SIZE] == 0x22 &&
			       all_zero(back + PAGE_SIZE + 1, PAGE_SIZE - 1));
	kfree(back);
	__free_page(p);
	ramdisk_destroy(rd); /* frees the three pages: the leak check sees it */
}

TEST_CASE(blk_queue_test_ramdisk_write_without_memory_fails_with_enomem)
{
	struct ramdisk *rd = lazy_disk(t, 64);
	struct page *p = blk_test_page(t, BLK_TEST_HIGH);
	struct bio_result r;
	struct bio *bio;
	u8 back[512];
	int err;

	blk_test_fill(page_address(p), PAGE_SIZE, 6);
	bio_result_init(&r);
	bio = blk_test_bio(t, rd, WRITE, 16, &p, 1, &r);
	blk_test_fail_some(100, false, true, 1); /* every page allocation fails */
	err = submit_bio_wait(WRITE, bio);
	blk_test_fail_none();
	bio_put(bio);
	EXPECT_EQ(t, err, -ENOMEM); /* as 3.10's brd */
	EXPECT_EQ(t, rd->stats.medium_alloc_failures, 1);
	EXPECT_EQ(t, rd->stats.medium_pages, 0);
	EXPECT_EQ(t, rd->stats.writes, 0);
	EXPECT_EQ(t, rd->stats.errors, 1);
	EXPECT_EQ(t, ramdisk_peek(rd, 16 * 512, back, sizeof(back)), 0);
	EXPECT_TRUE(t, all_zero(back, sizeof(back)));
	/* With memory again, the same write goes through. */
	EXPECT_EQ(t, page_io(t, rd, WRITE, 16, p), 0);
	EXPECT_EQ(t, rd->stats.medium_pages, 1);
	EXPECT_TRUE(t, blk_test_disk_holds(rd, 16 * 512, PAGE_SIZE, 6));
	__free_page(p);
	ramdisk_destroy(rd);
}

TEST_CASE(blk_queue_test_io_past_the_end_fails_with_eio_before_the_device)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ .sectors = 64 });

	EXPECT_EQ(t, one_page_io(t, rd, READ, 56), 0);	  /* the last 8 sectors */
	EXPECT_EQ(t, one_page_io(t, rd, READ, 60), -EIO); /* 4 of them past the end */
	EXPECT_EQ(t, one_page_io(t, rd, WRITE, 1000), -EIO);
	EXPECT_EQ(t, rd->stats.requests, 1); /* only the first got there */
	EXPECT_EQ(t, rd->disk->stats.errors, 2);
	ramdisk_destroy(rd);
}

TEST_CASE(blk_queue_test_write_to_a_read_only_disk_fails_with_erofs)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ .read_only = true });

	EXPECT_EQ(t, one_page_io(t, rd, WRITE, 0), -EROFS);
	EXPECT_EQ(t, one_page_io(t, rd, READ, 0), 0);
	EXPECT_EQ(t, rd->stats.writes, 0);
	EXPECT_EQ(t, rd->stats.reads, 1);
	ramdisk_destroy(rd);
}

TEST_CASE(blk_queue_test_misaligned_io_on_4k_blocks_fails_with_eio)
{
	struct ramdisk *rd =
		blk_test_disk(t, &(struct ramdisk_config){ .logical_block_size = 4096 });
	struct page *p = blk_test_page(t, BLK_TEST_HIGH);
	struct bio_result r;
	struct bio *bio;

	EXPECT_EQ(t, one_page_io(t, rd, WRITE, 8), 0);
	EXPECT_EQ(t, one_page_io(t, rd, WRITE, 9), -EIO); /* not on a block */
	bio_result_init(&r);
	bio = bio_alloc(GFP_KERNEL, 1);
	ASSERT_NOT_NULL(t, bio);
	bio->bi_bdev = &rd->disk->bdev;
	EXPECT_EQ(t, bio_add_page(bio, p, 512, 0), 512); /* a part of a block */
	EXPECT_EQ(t, submit_bio_wait(READ, bio), -EIO);
	bio_put(bio);
	__free_page(p);
	ramdisk_destroy(rd);
}

TEST_CASE(blk_queue_test_flush_reaches_only_a_device_with_a_write_cache)
{
	struct ramdisk *wc = blk_test_disk(t, &(struct ramdisk_config){ .write_cache = true });
	struct ramdisk *nc = blk_test_disk(t, &(struct ramdisk_config){ 0 });

	EXPECT_EQ(t, blkdev_issue_flush(&wc->disk->bdev, GFP_KERNEL, NULL), 0);
	EXPECT_EQ(t, wc->stats.flushes, 1);
	EXPECT_EQ(t, blkdev_issue_flush(&nc->disk->bdev, GFP_KERNEL, NULL), 0);
	EXPECT_EQ(t, nc->stats.requests, 0); /* nothing to flush: done at once */
	ramdisk_destroy(wc);
	ramdisk_destroy(nc);
}

TEST_CASE(blk_queue_test_bad_sector_fails_its_bio_and_not_the_one_before)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ 0 });
	struct page *p[3];
	struct bio *b[3];
	struct bio_result r[3];
	struct request *rq;

	for (int i = 0; i < 3; i++) {
		p[i] = blk_test_page(t, BLK_TEST_HIGH);
		blk_test_fill(page_address(p[i]), PAGE_SIZE, 10 + i);
		bio_result_init(&r[i]);
		b[i] = blk_test_bio(t, rd, WRITE, 8 * i, &p[i], 1, &r[i]);
		if (i)
			b[i - 1]->bi_next = b[i];
	}
	ramdisk_set_bad_sector(rd, 10); /* inside the second bio */
	rq = blk_make_request(rd->queue, b[0], GFP_KERNEL);
	ASSERT_FALSE(t, IS_ERR(rq));
	rq->cmd_type = REQ_TYPE_FS;
	rq->__sector = 0;
	EXPECT_EQ(t, blk_execute_rq(rd->queue, rd->disk, rq, 0), -EIO);
	blk_put_request(rq);
	EXPECT_EQ(t, r[0].last_error, 0);
	EXPECT_EQ(t, r[1].last_error, -EIO);
	EXPECT_EQ(t, r[2].last_error, -EIO);
	EXPECT_TRUE(t, blk_test_disk_holds(rd, 0, PAGE_SIZE, 10)); /* before the bad sector */
	EXPECT_TRUE(t, blk_test_disk_holds(rd, PAGE_SIZE, 1024, 11));
	for (int i = 0; i < 3; i++) {
		bio_put(b[i]);
		__free_page(p[i]);
	}
	ramdisk_destroy(rd);
}

/* ---- the device full: the queue stopped and restarted ---- */

TEST_CASE(blk_queue_test_full_device_stops_the_queue_and_completion_restarts_it)
{
	struct ramdisk *rd =
		blk_test_disk(t, &(struct ramdisk_config){ .completion = RAMDISK_COMPLETE_IRQ,
							   .queue_depth = 2 });
	struct page *p[6];
	struct bio *b[6];
	struct bio_result r;
	unsigned long flags;

	bio_result_init(&r);
	ramdisk_pause(rd, true);
	for (int i = 0; i < 6; i++) {
		p[i] = blk_test_page(t, BLK_TEST_HIGH);
		blk_test_fill(page_address(p[i]), PAGE_SIZE, 20 + i);
		b[i] = blk_test_bio(t, rd, WRITE, 8 * i, &p[i], 1, &r);
		submit_bio(WRITE, b[i]);
	}
	spin_lock_irqsave(&rd->lock, flags);
	EXPECT_EQ(t, rd->hw_in_flight, 2);
	EXPECT_TRUE(t, blk_queue_stopped(rd->queue));
	EXPECT_NOT_NULL(t, blk_peek_request(rd->queue));
	spin_unlock_irqrestore(&rd->lock, flags);
	EXPECT_GE(t, rd->stats.queue_stops, 1);
	ramdisk_pause(rd, false);
	bio_result_wait(&r, 6);
	EXPECT_EQ(t, r.error, 0);
	EXPECT_EQ(t, rd->stats.max_in_flight, 2);
	EXPECT_FALSE(t, blk_queue_stopped(rd->queue));
	for (int i = 0; i < 6; i++) {
		EXPECT_TRUE(t, blk_test_disk_holds(rd, 8 * 512 * i, PAGE_SIZE, 20 + i));
		bio_put(b[i]);
		__free_page(p[i]);
	}
	ramdisk_destroy(rd);
}

/* ---- submitted bios are in flight for their mempool ---- */

static void put_on_end(struct bio *bio, int error)
{
	struct bio_result *r = bio->bi_private;

	bio_put(bio); /* back to the pool: this is what wakes the waiter */
	r->calls++;
	complete(&r->done);
}

struct unpauser {
	struct ramdisk *rd;
	mempool_t *pool;
};

static int unpause_when_waiting(void *arg)
{
	struct unpauser *u = arg;
	bool seen = blk_test_wait_for_sleeper(&u->pool->wait);

	ramdisk_pause(u->rd, false);
	return seen ? 0 : -ETIMEDOUT;
}

/*
 * Two bios of a pool of two are with the device; asking for a third with
 * __GFP_WAIT waits for the device to give one back.  submit_bio marked
 * them in flight, so the mempool does not call this a deadlock.
 */
TEST_CASE(blk_queue_test_waiting_for_a_submitted_bio_is_not_a_deadlock)
{
	struct ramdisk *rd =
		blk_test_disk(t, &(struct ramdisk_config){ .completion = RAMDISK_COMPLETE_IRQ });
	struct bio_set *bs = bioset_create(2, 0);
	unsigned long deadlocks = mempool_deadlocks;
	struct page *p = blk_test_page(t, BLK_TEST_HIGH);
	struct unpauser u = { rd, NULL };
	struct bio *b[3] = { NULL };
	struct task_struct *k;
	struct bio_result r;

	ASSERT_NOT_NULL(t, bs);
	bioset_set_name(bs, "inflight");
	u.pool = bs->bio_pool;
	bio_result_init(&r);
	ramdisk_pause(rd, true);
	k = ktest_thread_start(unpause_when_waiting, &u, "unpauser");
	ASSERT_NOT_NULL(t, k);
	blk_test_fail_all(false);
	for (int i = 0; i < 3; i++) {
		b[i] = bio_alloc_bioset(GFP_NOIO, 1, bs); /* the third waits */
		if (!b[i] || i == 2)
			break;
		b[i]->bi_bdev = &rd->disk->bdev;
		b[i]->bi_sector = 8 * i;
		b[i]->bi_end_io = put_on_end;
		b[i]->bi_private = &r;
		bio_add_page(b[i], p, PAGE_SIZE, 0);
		submit_bio(READ, b[i]);
	}
	blk_test_fail_none();
	EXPECT_NOT_NULL(t, b[2]);
	EXPECT_EQ(t, mempool_deadlocks, deadlocks);
	EXPECT_EQ(t, ktest_thread_finish(k, 5000), 0);
	bio_result_wait(&r, 2);
	if (b[2])
		bio_put(b[2]);
	bioset_free(bs);
	__free_page(p);
	ramdisk_destroy(rd);
}

/* ---- disks ---- */

TEST_CASE(blk_queue_test_registry_finds_disks_by_name)
{
	unsigned int before = nr_disks();
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ .name = "rdreg" });

	EXPECT_EQ(t, nr_disks(), before + 1);
	EXPECT_TRUE(t, get_gendisk_by_name("rdreg") == rd->disk);
	EXPECT_TRUE(t, rd->disk->bdev.bd_queue == rd->queue);
	EXPECT_TRUE(t, bdget_disk(rd->disk, 0) == &rd->disk->bdev);
	ramdisk_destroy(rd);
	EXPECT_NULL(t, get_gendisk_by_name("rdreg"));
	EXPECT_EQ(t, nr_disks(), before);
}

TEST_CASE(blk_queue_test_two_disks_work_side_by_side)
{
	struct ramdisk *a =
		blk_test_disk(t, &(struct ramdisk_config){ .completion = RAMDISK_COMPLETE_IRQ });
	struct ramdisk *b =
		blk_test_disk(t, &(struct ramdisk_config){ .completion = RAMDISK_COMPLETE_IRQ });
	struct page *pa = blk_test_page(t, BLK_TEST_HIGH), *pb = blk_test_page(t, BLK_TEST_HIGH);
	struct bio_result r;
	struct bio *ba, *bb;

	EXPECT_NE(t, a->irq, b->irq);
	bio_result_init(&r);
	blk_test_fill(page_address(pa), PAGE_SIZE, 31);
	blk_test_fill(page_address(pb), PAGE_SIZE, 32);
	ba = blk_test_bio(t, a, WRITE, 0, &pa, 1, &r);
	bb = blk_test_bio(t, b, WRITE, 0, &pb, 1, &r);
	submit_bio(WRITE, ba);
	submit_bio(WRITE, bb);
	bio_result_wait(&r, 2);
	EXPECT_EQ(t, r.error, 0);
	EXPECT_TRUE(t, blk_test_disk_holds(a, 0, PAGE_SIZE, 31));
	EXPECT_TRUE(t, blk_test_disk_holds(b, 0, PAGE_SIZE, 32));
	bio_put(ba);
	bio_put(bb);
	__free_page(pa);
	__free_page(pb);
	ramdisk_destroy(a);
	ramdisk_destroy(b);
}

static int run_line(const char *text)
{
	char line[MONITOR_LINE_MAX];

	strcpy(line, text);
	return monitor_exec(line);
}

TEST_CASE(blk_queue_test_monitor_lists_reads_writes_and_checks_disks)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ .name = "rdmon" });
	struct ramdisk *ro =
		blk_test_disk(t, &(struct ramdisk_config){ .name = "rdro", .read_only = true });
	unsigned char sector[512];
	u64 mark = log_seq();

	EXPECT_EQ(t, run_line("blk"), 0);
	EXPECT_TRUE(t, log_contains(mark, "rdmon"));
	EXPECT_EQ(t, run_line("blk write rdmon 3 0xc3"), 0);
	EXPECT_EQ(t, ramdisk_peek(rd, 3 * 512, sector, 512), 0);
	EXPECT_TRUE(t, sector[0] == 0xc3 && sector[511] == 0xc3);
	mark = log_seq();
	EXPECT_EQ(t, run_line("blk read rdmon 3"), 0);
	EXPECT_TRUE(t, log_contains(mark, "0000: c3 c3 c3"));
	mark = log_seq();
	EXPECT_EQ(t, run_line("blk check rdmon"), 0);
	EXPECT_TRUE(t, log_contains(mark, "blk check rdmon: ok"));
	EXPECT_EQ(t, ramdisk_peek(rd, 3 * 512, sector, 512), 0);
	EXPECT_EQ(t, sector[7], 0xc3); /* check put the data back */
	EXPECT_EQ(t, run_line("blk check rdro"), 0);
	EXPECT_EQ(t, run_line("blk write rdro 0 0xaa"), -EROFS);
	EXPECT_EQ(t, run_line("blk read nodisk 0"), -EINVAL);
	EXPECT_EQ(t, run_line("blk read rdmon 99999"), -EINVAL);
	ramdisk_destroy(rd);
	ramdisk_destroy(ro);
}

/* ---- the bio path under injected allocation failures ---- */

/*
 * 24 writes and reads of two pages through submit_bio_wait, half of the
 * allocations failing (sleeping ones too); all must succeed, since every
 * allocation on the path has a mempool behind it.  Returns the failures
 * injected.
 */
static unsigned long io_under_injection(struct ktest *t, bool slab, bool pages, u64 bounce_limit)
{
	unsigned long injected = 0;
	struct ramdisk *rd =
		blk_test_disk(t, &(struct ramdisk_config){ .completion = RAMDISK_COMPLETE_SOFTIRQ,
							   .bounce_limit = bounce_limit });
	struct page *p[2] = { blk_test_page(t, BLK_TEST_HIGH), blk_test_page(t, BLK_TEST_HIGH) };
	int errors = 0, bad = 0;

	for (int i = 0; i < 24; i++) {
		struct bio *bio;

		blk_test_fill(page_address(p[0]), PAGE_SIZE, 40 + i);
		blk_test_fill(page_address(p[1]), PAGE_SIZE, 80 + i);
		blk_test_fail_some(50, slab, pages, 1000 + i);
		bio = bio_alloc(GFP_NOIO, 2); /* the pool's reserve: never NULL */
		if (bio) {
			bio->bi_bdev = &rd->disk->bdev;
			bio->bi_sector = 16 * i;
			bio_add_page(bio, p[0], PAGE_SIZE, 0);
			bio_add_page(bio, p[1], PAGE_SIZE, 0);
			errors += submit_bio_wait(i & 1 ? READ : WRITE, bio) != 0;
			bio_put(bio);
		}
		injected += failslab.failures + fail_page_alloc.failures;
		blk_test_fail_none();
		if (!bio)
			errors++;
		else if (!(i & 1) &&
			 (!blk_test_disk_holds(rd, 16 * 512 * i, PAGE_SIZE, 40 + i) ||
			  !blk_test_disk_holds(rd, 16 * 512 * i + PAGE_SIZE, PAGE_SIZE, 80 + i)))
			bad++;
	}
	EXPECT_EQ(t, errors, 0);
	EXPECT_EQ(t, bad, 0);
	__free_page(p[0]);
	__free_page(p[1]);
	ramdisk_destroy(rd);
	return injected;
}

TEST_CASE(blk_queue_test_bio_path_survives_failslab)
{
	EXPECT_GT(t, io_under_injection(t, true, false, 0), 0);
}

/* Pages are taken on this path by bouncing (and by slabs growing): an ISA disk. */
TEST_CASE(blk_queue_test_bounced_bio_path_survives_fail_page_alloc_and_failslab)
{
	blk_test_need_isa(t);

	EXPECT_GT(t, io_under_injection(t, false, true, BLK_BOUNCE_ISA), 0);
	EXPECT_GT(t, io_under_injection(t, true, true, BLK_BOUNCE_ISA), 0);
	EXPECT_EQ(t, bounce_stats.pages_in_use, 0);
	EXPECT_EQ(t, isa_page_pool->curr_nr, ISA_POOL_SIZE);
}

static const struct ktest_case blk_queue_cases[] = {
	KTEST(blk_queue_test_inline_completion_runs_in_the_submitter),
	KTEST(blk_queue_test_softirq_completion_ends_bios_in_block_softirq),
	KTEST(blk_queue_test_irq_completion_ends_bios_in_the_interrupt_handler),
	KTEST(blk_queue_test_interrupt_handing_over_to_block_softirq),
	KTEST(blk_queue_test_ramdisk_medium_comes_with_the_first_write),
	KTEST(blk_queue_test_ramdisk_write_without_memory_fails_with_enomem),
	KTEST(blk_queue_test_io_past_the_end_fails_with_eio_before_the_device),
	KTEST(blk_queue_test_write_to_a_read_only_disk_fails_with_erofs),
	KTEST(blk_queue_test_misaligned_io_on_4k_blocks_fails_with_eio),
	KTEST(blk_queue_test_flush_reaches_only_a_device_with_a_write_cache),
	KTEST(blk_queue_test_bad_sector_fails_its_bio_and_not_the_one_before),
	KTEST(blk_queue_test_full_device_stops_the_queue_and_completion_restarts_it),
	KTEST(blk_queue_test_waiting_for_a_submitted_bio_is_not_a_deadlock),
	KTEST(blk_queue_test_registry_finds_disks_by_name),
	KTEST(blk_queue_test_two_disks_work_side_by_side),
	KTEST(blk_queue_test_monitor_lists_reads_writes_and_checks_disks),
	KTEST(blk_queue_test_bio_path_survives_failslab),
	KTEST(blk_queue_test_bounced_bio_path_survives_fail_page_alloc_and_failslab),
	{}
};

TEST_SUITE_INIT(blk_queue, blk_queue_cases, blk_test_make_isa_pool, NULL);
