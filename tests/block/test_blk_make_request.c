/*
 * SPDX-License-Identifier: MIT
 * tests/block/test_blk_make_request.c - the Linux man page blk_make_request(9), whose
 * contract include/block/blkdev.h states in our words: one
 * test per sentence of the man page and of its WARNING; then every
 * allocation on the path failed in turn.  The splitting advice of the
 * warning ("a big IO should be split into smaller parts when allocation
 * fails") is tests/block/test_blk_map.c.
 *
 *   -append "test=blk_make_request"
 */
#include <kernel/err.h>
#include <kernel/irq.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <mm/slab.h>
#include <stdio.h>
#include <string.h>

#include "blk_test.h"

#define TEST_IRQ  10 /* an ISA line no device uses under QEMU's pc machine */
#define MAX_CHAIN 16

/* A chain of one-page bios for consecutive sectors, and its pages. */
struct chain {
	int n;
	struct bio *bio[MAX_CHAIN];
	struct page *page[MAX_CHAIN];
	struct bio_result r;
};

/*
 * @n bios (bio_alloc, GFP_KERNEL) of one page each, direction @rw, at
 * @sector on, linked through bi_next; pages from @zone, page i filled
 * with pattern @seed + i.
 */
static void chain_make(struct ktest *t, struct chain *c, struct ramdisk *rd, int rw, int n,
		       enum blk_test_zone zone, sector_t sector, unsigned int seed)
{
	memset(c, 0, sizeof(*c));
	bio_result_init(&c->r);
	for (int i = 0; i < n; i++) {
		c->page[i] = blk_test_page(t, zone);
		blk_test_fill(page_address(c->page[i]), PAGE_SIZE, seed + i);
		c->bio[i] = blk_test_bio(t, rd, rw, sector + 8 * i, &c->page[i], 1, &c->r);
		if (i)
			c->bio[i - 1]->bi_next = c->bio[i];
		c->n = i + 1;
	}
}

static void chain_free(struct chain *c)
{
	for (int i = 0; i < c->n; i++) {
		bio_put(c->bio[i]);
		__free_page(c->page[i]);
	}
}

/* Is the chain linked as made, and no bio ended? */
static bool chain_intact(struct chain *c)
{
	for (int i = 0; i < c->n; i++)
		if (c->bio[i]->bi_next != (i + 1 < c->n ? c->bio[i + 1] : NULL))
			return false;
	return c->r.calls == 0;
}

/* Finish @rq as a BLOCK_PC WRITE(10)/READ(10) of its bytes at @lba and run it. */
static int finish_and_execute(struct ramdisk *rd, struct request *rq, u32 lba)
{
	rq->cmd_type = REQ_TYPE_BLOCK_PC;
	ramdisk_setup_rw10(rq, rq_data_dir(rq) == WRITE, lba, blk_rq_bytes(rq) / 512);
	return blk_execute_rq(rd->queue, rd->disk, rq, 0);
}

/* ---- DESCRIPTION, sentence by sentence ---- */

/* NAME: "given a bio, allocate a corresponding struct request." */
TEST_CASE(blk_make_request_test_gives_a_request_for_the_bio)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ 0 });
	struct chain c;
	struct request *rq;

	chain_make(t, &c, rd, READ, 1, BLK_TEST_HIGH, 0, 1);
	ASSERT_EQ(t, ramdisk_poke(rd, 0, page_address(c.page[0]), PAGE_SIZE), 0);
	memset(page_address(c.page[0]), 0, PAGE_SIZE);
	rq = blk_make_request(rd->queue, c.bio[0], GFP_KERNEL);
	ASSERT_FALSE(t, IS_ERR(rq));
	EXPECT_TRUE(t, rq->q == rd->queue);
	EXPECT_TRUE(t, rq->bio == c.bio[0] && rq->biotail == c.bio[0]);
	EXPECT_EQ(t, blk_rq_bytes(rq), PAGE_SIZE);
	EXPECT_EQ(t, blk_rq_nr_phys_segments(rq), 1);
	EXPECT_TRUE(t, rq->rq_disk == rd->disk);
	EXPECT_EQ(t, rq->ref_count, 1);
	EXPECT_EQ(t, c.r.calls, 0);
	EXPECT_EQ(t, finish_and_execute(rd, rq, 0), 0);
	blk_put_request(rq);
	EXPECT_EQ(t, c.r.calls, 1);
	EXPECT_TRUE(t, blk_test_holds(page_address(c.page[0]), PAGE_SIZE, 1));
	EXPECT_EQ(t, rd->queue->root_rl.count, 0);
	chain_free(&c);
	ramdisk_destroy(rd);
}

/* ARGUMENTS: "bio ... It may be a chained-bio properly constructed by block/bio layer." */
TEST_CASE(blk_make_request_test_a_chain_becomes_one_request)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ 0 });
	struct request *rq;
	struct bio *bio;
	struct chain c;
	int i = 0;

	chain_make(t, &c, rd, WRITE, 4, BLK_TEST_HIGH, 0, 10);
	rq = blk_make_request(rd->queue, c.bio[0], GFP_KERNEL);
	ASSERT_FALSE(t, IS_ERR(rq));
	__rq_for_each_bio(bio, rq)
		EXPECT_TRUE(t, bio == c.bio[i++]);
	EXPECT_EQ(t, i, 4);
	EXPECT_TRUE(t, rq->biotail == c.bio[3]);
	EXPECT_EQ(t, blk_rq_bytes(rq), 4 * PAGE_SIZE);
	EXPECT_EQ(t, blk_rq_nr_phys_segments(rq), 4);
	EXPECT_EQ(t, finish_and_execute(rd, rq, 16), 0);
	blk_put_request(rq);
	EXPECT_EQ(t, c.r.calls, 4);
	EXPECT_EQ(t, rd->stats.requests, 1);
	for (i = 0; i < 4; i++)
		EXPECT_TRUE(t,
			    blk_test_disk_holds(rd, 16 * 512 + i * PAGE_SIZE, PAGE_SIZE, 10 + i));
	chain_free(&c);
	ramdisk_destroy(rd);
}

/*
 * "blk_make_request is the parallel of generic_make_request for BLOCK_PC
 * type commands.  Where the struct request needs to be farther initialized
 * by the caller."  It comes back not queued, with no command and no
 * cmd_type (3.10 had no blk_rq_set_block_pc yet): the caller makes it
 * BLOCK_PC, writes the command and runs it.
 */
TEST_CASE(blk_make_request_test_leaves_cmd_type_to_the_caller)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ 0 });
	struct request *rq;
	struct chain c;

	chain_make(t, &c, rd, READ, 2, BLK_TEST_HIGH, 0, 20);
	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(t,
			  ramdisk_poke(rd, (40 + 8 * i) * 512, page_address(c.page[i]), PAGE_SIZE),
			  0);
		memset(page_address(c.page[i]), 0, PAGE_SIZE);
	}
	rq = blk_make_request(rd->queue, c.bio[0], GFP_KERNEL);
	ASSERT_FALSE(t, IS_ERR(rq));
	EXPECT_EQ(t, rq->cmd_type, 0); /* no REQ_TYPE_* */
	EXPECT_FALSE(t, blk_rq_started(rq));
	EXPECT_TRUE(t, list_empty(&rq->queuelist)); /* not queued: nothing ran yet */
	EXPECT_EQ(t, rd->stats.requests, 0);
	EXPECT_EQ(t, rq->cmd[0], 0);	  /* no command in it */
	rq->cmd_type = REQ_TYPE_BLOCK_PC; /* the caller's part: a READ(10) */
	ramdisk_setup_rw10(rq, false, 40, 16);
	EXPECT_EQ(t, blk_execute_rq(rd->queue, rd->disk, rq, 0), 0);
	blk_put_request(rq);
	EXPECT_EQ(t, rd->stats.pc_commands, 1);
	EXPECT_TRUE(t, blk_test_holds(page_address(c.page[0]), PAGE_SIZE, 20));
	EXPECT_TRUE(t, blk_test_holds(page_address(c.page[1]), PAGE_SIZE, 21));
	chain_free(&c);
	ramdisk_destroy(rd);
}

/*
 * ... a request nobody gave a cmd_type is no request the driver knows:
 * 3.10's drivers BUG() on it (virtio_blk's do_req); ours fail it with
 * -EIO, count it and say why.  Nothing is written.
 */
TEST_CASE(blk_make_request_test_request_with_no_cmd_type_set_is_failed_by_the_driver)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ 0 });
	u64 mark = log_seq();
	struct request *rq;
	struct chain c;

	chain_make(t, &c, rd, WRITE, 1, BLK_TEST_HIGH, 0, 35);
	rq = blk_make_request(rd->queue, c.bio[0], GFP_KERNEL);
	ASSERT_FALSE(t, IS_ERR(rq));
	ramdisk_setup_rw10(rq, true, 0, 8); /* a command, but no cmd_type */
	EXPECT_EQ(t, blk_execute_rq(rd->queue, rd->disk, rq, 0), -EIO);
	blk_put_request(rq);
	EXPECT_EQ(t, c.r.error, -EIO);
	EXPECT_EQ(t, rd->stats.bad_cmd_type, 1);
	EXPECT_EQ(t, rd->stats.writes, 0);
	EXPECT_FALSE(t, blk_test_disk_holds(rd, 0, PAGE_SIZE, 35));
	EXPECT_TRUE(t, log_contains(mark, "request with cmd_type 0 (none set?"));
	chain_free(&c);
	ramdisk_destroy(rd);
}

/* ... and a BLOCK_PC request the caller did not finish is not a command the device can do. */
TEST_CASE(blk_make_request_test_unfinished_request_is_refused_by_the_device)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ 0 });
	struct request *rq;
	struct chain c;

	chain_make(t, &c, rd, WRITE, 1, BLK_TEST_HIGH, 0, 30);
	rq = blk_make_request(rd->queue, c.bio[0], GFP_KERNEL);
	ASSERT_FALSE(t, IS_ERR(rq));
	rq->cmd_type = REQ_TYPE_BLOCK_PC;
	/* its cmd[] is all zeroes: TEST UNIT READY, which moves no data */
	EXPECT_EQ(t, blk_execute_rq(rd->queue, rd->disk, rq, 0), -EIO);
	blk_put_request(rq);
	EXPECT_EQ(t, c.r.error, -EIO);
	EXPECT_EQ(t, rd->stats.writes, 0);
	EXPECT_FALSE(t, blk_test_disk_holds(rd, 0, PAGE_SIZE, 30));
	chain_free(&c);
	ramdisk_destroy(rd);
}

/* The caller may finish it as something else: a read/write at a sector (REQ_TYPE_FS). */
TEST_CASE(blk_make_request_test_caller_can_make_it_an_fs_request)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ 0 });
	struct request *rq;
	struct chain c;

	chain_make(t, &c, rd, WRITE, 3, BLK_TEST_HIGH, 0, 40);
	rq = blk_make_request(rd->queue, c.bio[0], GFP_KERNEL);
	ASSERT_FALSE(t, IS_ERR(rq));
	rq->cmd_type = REQ_TYPE_FS;
	rq->__sector = 24;
	EXPECT_EQ(t, blk_execute_rq(rd->queue, rd->disk, rq, 0), 0);
	blk_put_request(rq);
	EXPECT_EQ(t, rd->stats.pc_commands, 0);
	for (int i = 0; i < 3; i++)
		EXPECT_TRUE(t,
			    blk_test_disk_holds(rd, 24 * 512 + i * PAGE_SIZE, PAGE_SIZE, 40 + i));
	chain_free(&c);
	ramdisk_destroy(rd);
}

/*
 * "It is passed a struct bio, which describes the memory info of the I/O
 * transfer.  The caller of blk_make_request must make sure that bi_io_vec
 * are set to describe the memory buffers."  Exactly the bytes the vecs
 * describe move, nothing around them.
 */
TEST_CASE(blk_make_request_test_bi_io_vec_describes_the_memory)
{
	static const struct {
		unsigned int off, len;
	} piece[] = { { 1024, 512 }, { 512, 1536 }, { 2048, 2048 } };
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ 0 });
	struct page *p[3];
	struct bio_result r;
	struct request *rq;
	struct bio *bio = bio_alloc(GFP_KERNEL, 3);
	unsigned int pos = 0;

	ASSERT_NOT_NULL(t, bio);
	bio_result_init(&r);
	bio->bi_bdev = &rd->disk->bdev;
	bio->bi_end_io = bio_result_end_io;
	bio->bi_private = &r;
	/* the medium: patterns 50, 51, 52; the pages: 0xee - only what the vecs say may change */
	for (int i = 0; i < 3; i++) {
		unsigned char medium[2048];

		p[i] = blk_test_page(t, BLK_TEST_HIGH);
		memset(page_address(p[i]), 0xee, PAGE_SIZE);
		blk_test_add_vec(t, bio, p[i], piece[i].len, piece[i].off);
		blk_test_fill(medium, sizeof(medium), 50 + i);
		ASSERT_EQ(t, ramdisk_poke(rd, pos, medium, piece[i].len), 0);
		pos += piece[i].len;
	}
	rq = blk_make_request(rd->queue, bio, GFP_KERNEL);
	ASSERT_FALSE(t, IS_ERR(rq));
	EXPECT_EQ(t, finish_and_execute(rd, rq, 0), 0);
	blk_put_request(rq);
	for (int i = 0; i < 3; i++) {
		unsigned char *a = page_address(p[i]);

		EXPECT_TRUE(t, blk_test_holds(a + piece[i].off, piece[i].len, 50 + i));
		EXPECT_TRUE(t, a[piece[i].off - 1] == 0xee);
		EXPECT_TRUE(t, piece[i].off + piece[i].len == PAGE_SIZE ||
				       a[piece[i].off + piece[i].len] == 0xee);
	}
	bio_put(bio);
	for (int i = 0; i < 3; i++)
		__free_page(p[i]);
	ramdisk_destroy(rd);
}

/*
 * "That bio_data_dir will return the needed direction of the request."
 * A write chain makes a write request, a read chain a read request.
 */
TEST_CASE(blk_make_request_test_direction_comes_from_bio_data_dir)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ 0 });
	struct chain w, r;
	struct request *rq;

	chain_make(t, &w, rd, WRITE, 2, BLK_TEST_HIGH, 0, 60);
	rq = blk_make_request(rd->queue, w.bio[0], GFP_KERNEL);
	ASSERT_FALSE(t, IS_ERR(rq));
	EXPECT_EQ(t, rq_data_dir(rq), WRITE);
	EXPECT_EQ(t, finish_and_execute(rd, rq, 8), 0);
	blk_put_request(rq);

	chain_make(t, &r, rd, READ, 2, BLK_TEST_HIGH, 0, 99);
	rq = blk_make_request(rd->queue, r.bio[0], GFP_KERNEL);
	ASSERT_FALSE(t, IS_ERR(rq));
	EXPECT_EQ(t, rq_data_dir(rq), READ);
	EXPECT_EQ(t, finish_and_execute(rd, rq, 8), 0);
	blk_put_request(rq);
	EXPECT_TRUE(t, blk_test_holds(page_address(r.page[0]), PAGE_SIZE, 60));
	EXPECT_TRUE(t, blk_test_holds(page_address(r.page[1]), PAGE_SIZE, 61));
	EXPECT_EQ(t, rd->stats.writes, 1);
	EXPECT_EQ(t, rd->stats.reads, 1);
	chain_free(&w);
	chain_free(&r);
	ramdisk_destroy(rd);
}

/*
 * "(And all bio's in the passed bio-chain are properly set accordingly)":
 * a chain that mixes directions is refused with -EINVAL, and given back as
 * it was - bounced bios unbounced, the request put, nothing ended.
 */
static void mixed_chain_is_refused(struct ktest *t, u64 bounce_limit)
{
	struct ramdisk *rd =
		blk_test_disk(t, &(struct ramdisk_config){ .bounce_limit = bounce_limit });
	unsigned long bounced = bounce_stats.bios;
	struct request *rq;
	struct chain c;

	chain_make(t, &c, rd, WRITE, 4, BLK_TEST_HIGH, 0, 70);
	c.bio[2]->bi_rw = READ;
	rq = blk_make_request(rd->queue, c.bio[0], GFP_KERNEL);
	EXPECT_TRUE(t, IS_ERR(rq) && PTR_ERR(rq) == -EINVAL);
	EXPECT_TRUE(t, chain_intact(&c));
	EXPECT_EQ(t, rd->queue->root_rl.count, 0);
	EXPECT_EQ(t, bounce_stats.pages_in_use, 0);
	if (bounce_limit) /* bounced: the two before it, and itself before the append refused it */
		EXPECT_EQ(t, bounce_stats.bios, bounced + 3);
	chain_free(&c);
	ramdisk_destroy(rd);
}

TEST_CASE(blk_make_request_test_mixed_direction_chain_is_refused)
{
	mixed_chain_is_refused(t, 0);
}

TEST_CASE(blk_make_request_test_mixed_direction_chain_is_refused_after_bouncing)
{
	blk_test_need_isa(t);

	mixed_chain_is_refused(t, BLK_BOUNCE_ISA);
	EXPECT_EQ(t, isa_page_pool->curr_nr, ISA_POOL_SIZE);
}

/*
 * ARGUMENTS: "gfp_mask gfp flags to be used for memory allocation": with
 * GFP_ATOMIC and no request to be had, ERR_PTR(-ENOMEM) at once, nothing
 * leaked, the bio untouched.
 */
TEST_CASE(blk_make_request_test_no_request_for_the_gfp_mask_is_enomem)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ 0 });
	struct request *held[BLKDEV_MIN_RQ], *rq;
	struct chain c;
	int n = 0;

	chain_make(t, &c, rd, WRITE, 2, BLK_TEST_HIGH, 0, 80);
	/* all nr_requests out */
	rd->queue->nr_requests = 1;
	held[0] = blk_get_request(rd->queue, WRITE, GFP_KERNEL);
	ASSERT_NOT_NULL(t, held[0]);
	rq = blk_make_request(rd->queue, c.bio[0], GFP_ATOMIC);
	EXPECT_TRUE(t, IS_ERR(rq) && PTR_ERR(rq) == -ENOMEM);
	blk_put_request(held[0]);
	rd->queue->nr_requests = BLKDEV_MAX_RQ;
	/* the slab failing and the pool's reserve held */
	blk_test_fail_all(false);
	while (n < BLKDEV_MIN_RQ && (held[n] = blk_get_request(rd->queue, WRITE, GFP_ATOMIC)))
		n++;
	rq = blk_make_request(rd->queue, c.bio[0], GFP_ATOMIC);
	blk_test_fail_none();
	EXPECT_EQ(t, n, BLKDEV_MIN_RQ);
	EXPECT_TRUE(t, IS_ERR(rq) && PTR_ERR(rq) == -ENOMEM);
	while (n--)
		blk_put_request(held[n]);
	EXPECT_TRUE(t, chain_intact(&c));
	EXPECT_EQ(t, rd->queue->root_rl.count, 0);
	chain_free(&c);
	ramdisk_destroy(rd);
}

/*
 * RETURN: an error of blk_rq_append_bio comes back as ERR_PTR(that error)
 * with nothing leaked: a chain longer than the queue's max_hw_sectors, or
 * with more segments than max_segments - bounced first or not.
 */
static void too_big_chain_is_refused(struct ktest *t, const struct ramdisk_config *cfg)
{
	struct ramdisk *rd = blk_test_disk(t, cfg);
	struct request *rq;
	struct chain c;

	chain_make(t, &c, rd, WRITE, 3, BLK_TEST_HIGH, 0, 90);
	rq = blk_make_request(rd->queue, c.bio[0], GFP_KERNEL);
	EXPECT_TRUE(t, IS_ERR(rq) && PTR_ERR(rq) == -EINVAL);
	EXPECT_TRUE(t, chain_intact(&c));
	EXPECT_EQ(t, rd->queue->root_rl.count, 0);
	EXPECT_EQ(t, bounce_stats.pages_in_use, 0);
	EXPECT_EQ(t, rd->stats.requests, 0);
	chain_free(&c);
	ramdisk_destroy(rd);
}

TEST_CASE(blk_make_request_test_append_error_is_returned_with_nothing_leaked)
{
	blk_test_need_isa(t);

	too_big_chain_is_refused(t, &(struct ramdisk_config){ .max_hw_sectors = 16 });
	too_big_chain_is_refused(t, &(struct ramdisk_config){ .max_segments = 2 });
	too_big_chain_is_refused(t, &(struct ramdisk_config){ .max_hw_sectors = 16,
							      .bounce_limit = BLK_BOUNCE_ISA });
	EXPECT_EQ(t, isa_page_pool->curr_nr, ISA_POOL_SIZE);
}

/* Bouncing, where it may sleep: each bio of the chain is bounced, and completes its original. */
TEST_CASE(blk_make_request_test_bounces_each_bio_of_the_chain)
{
	blk_test_need_isa(t);

	struct ramdisk *rd =
		blk_test_disk(t, &(struct ramdisk_config){ .bounce_limit = BLK_BOUNCE_ISA });
	unsigned long bounced = bounce_stats.bios;
	struct request *rq;
	struct bio *bio;
	struct chain c;
	int i = 0;

	chain_make(t, &c, rd, WRITE, 4, BLK_TEST_HIGH, 0, 100);
	rq = blk_make_request(rd->queue, c.bio[0], GFP_KERNEL);
	ASSERT_FALSE(t, IS_ERR(rq));
	__rq_for_each_bio(bio, rq) {
		EXPECT_TRUE(t, bio_flagged(bio, BIO_BOUNCED));
		EXPECT_TRUE(t, bio->bi_private == c.bio[i]);
		EXPECT_LT(t, page_to_pfn(bio->bi_io_vec[0].bv_page), ISA_LIMIT_PFN);
		i++;
	}
	EXPECT_EQ(t, i, 4);
	EXPECT_EQ(t, bounce_stats.bios, bounced + 4);
	EXPECT_EQ(t, finish_and_execute(rd, rq, 0), 0);
	blk_put_request(rq);
	EXPECT_EQ(t, c.r.calls, 4); /* the originals were ended */
	EXPECT_EQ(t, c.r.error, 0);
	EXPECT_EQ(t, rd->stats.dma_violations, 0);
	for (i = 0; i < 4; i++)
		EXPECT_TRUE(t, blk_test_disk_holds(rd, i * PAGE_SIZE, PAGE_SIZE, 100 + i));
	EXPECT_EQ(t, bounce_stats.pages_in_use, 0);
	EXPECT_EQ(t, isa_page_pool->curr_nr, ISA_POOL_SIZE);
	chain_free(&c);
	ramdisk_destroy(rd);
}

/*
 * "If called under none-sleepable conditions, mapped bio buffers must not
 * need bouncing, by calling the appropriate masked or flagged allocator,
 * suitable for the target device."  GFP_DMA pages for an ISA device, with
 * a spinlock held: no bouncing, the request made with GFP_ATOMIC.
 */
TEST_CASE(blk_make_request_test_atomic_caller_with_reachable_buffers_needs_no_bounce)
{
	blk_test_need_isa(t);

	struct ramdisk *rd =
		blk_test_disk(t, &(struct ramdisk_config){ .bounce_limit = BLK_BOUNCE_ISA });
	unsigned long bounced = bounce_stats.bios;
	DEFINE_SPINLOCK(lock);
	unsigned long flags;
	struct request *rq;
	struct chain c;

	chain_make(t, &c, rd, WRITE, 3, BLK_TEST_DMA, 0, 110);
	spin_lock_irqsave(&lock, flags);
	rq = blk_make_request(rd->queue, c.bio[0], GFP_ATOMIC);
	spin_unlock_irqrestore(&lock, flags);
	ASSERT_FALSE(t, IS_ERR(rq));
	EXPECT_TRUE(t, rq->bio == c.bio[0]); /* the caller's own bios */
	EXPECT_EQ(t, bounce_stats.bios, bounced);
	EXPECT_EQ(t, finish_and_execute(rd, rq, 0), 0);
	blk_put_request(rq);
	for (int i = 0; i < 3; i++)
		EXPECT_TRUE(t, blk_test_disk_holds(rd, i * PAGE_SIZE, PAGE_SIZE, 110 + i));
	EXPECT_EQ(t, rd->stats.dma_violations, 0);
	chain_free(&c);
	ramdisk_destroy(rd);
}

static struct {
	struct request_queue *q;
	struct bio *chain;
	struct request *rq;
	bool in_irq;
} irq_make;

static irqreturn_t make_request_irq(int irq, void *dev)
{
	irq_make.in_irq = in_irq();
	irq_make.rq = blk_make_request(irq_make.q, irq_make.chain, GFP_ATOMIC);
	return IRQ_HANDLED;
}

/* The same from an interrupt handler. */
TEST_CASE(blk_make_request_test_interrupt_handler_with_reachable_buffers)
{
	blk_test_need_isa(t);

	struct ramdisk *rd =
		blk_test_disk(t, &(struct ramdisk_config){ .bounce_limit = BLK_BOUNCE_ISA });
	struct chain c;

	chain_make(t, &c, rd, WRITE, 2, BLK_TEST_DMA, 0, 120);
	irq_make.q = rd->queue;
	irq_make.chain = c.bio[0];
	irq_make.rq = NULL;
	ASSERT_EQ(t, request_irq(TEST_IRQ, make_request_irq, 0, "blk-test", NULL), 0);
	irq_raise_for_test(TEST_IRQ);
	free_irq(TEST_IRQ, NULL);
	EXPECT_TRUE(t, irq_make.in_irq);
	ASSERT_FALSE(t, IS_ERR_OR_NULL(irq_make.rq));
	EXPECT_EQ(t, finish_and_execute(rd, irq_make.rq, 0), 0);
	blk_put_request(irq_make.rq);
	EXPECT_TRUE(t, blk_test_disk_holds(rd, 0, PAGE_SIZE, 120));
	chain_free(&c);
	ramdisk_destroy(rd);
}

/*
 * "Otherwise the call to blk_queue_bounce will BUG."  What 3.10 does
 * there: the GFP_NOIO clone and pages go through mempool_alloc, whose
 * might_sleep prints "BUG: sleeping function called from invalid context"
 * with a backtrace - a warning: the kernel goes on, and the allocations
 * are tried without sleeping.  With the pool's pages to be had, the
 * bounce and the I/O succeed; nothing leaks.
 */
TEST_CASE(blk_make_request_test_bounce_in_atomic_context_warns_sleeping_function)
{
	blk_test_need_isa(t);

	struct ramdisk *rd =
		blk_test_disk(t, &(struct ramdisk_config){ .bounce_limit = BLK_BOUNCE_ISA });
	unsigned long warnings = might_sleep_warnings, bounced = bounce_stats.bios;
	u64 mark = log_seq();
	struct request *rq;
	struct bio *bio;
	struct chain c;

	chain_make(t, &c, rd, WRITE, 2, BLK_TEST_HIGH, 0, 130);
	preempt_disable();
	rq = blk_make_request(rd->queue, c.bio[0], GFP_ATOMIC);
	preempt_enable();
	ASSERT_FALSE(t, IS_ERR(rq));
	EXPECT_GT(t, might_sleep_warnings, warnings);
	EXPECT_TRUE(t, log_contains(mark, "BUG: sleeping function called from invalid context"));
	EXPECT_EQ(t, bounce_stats.bios, bounced + 2);
	__rq_for_each_bio(bio, rq)
		EXPECT_LT(t, page_to_pfn(bio->bi_io_vec[0].bv_page), ISA_LIMIT_PFN);
	EXPECT_EQ(t, finish_and_execute(rd, rq, 0), 0);
	blk_put_request(rq);
	EXPECT_EQ(t, c.r.calls, 2);
	EXPECT_EQ(t, c.r.error, 0);
	for (int i = 0; i < 2; i++)
		EXPECT_TRUE(t, blk_test_disk_holds(rd, i * PAGE_SIZE, PAGE_SIZE, 130 + i));
	EXPECT_EQ(t, bounce_stats.pages_in_use, 0);
	EXPECT_EQ(t, isa_page_pool->curr_nr, ISA_POOL_SIZE);
	chain_free(&c);
	ramdisk_destroy(rd);
}

/*
 * The same with the ISA pool empty and no page to be had: 3.10's
 * mempool_alloc would sleep anyway ("BUG: scheduling while atomic") until
 * a page came back.  Ours warns, does not sleep (the GFP downgrade in
 * atomic context), and blk_make_request fails with -ENOMEM, the chain
 * given back intact - no deadlock diagnosed, none needed.
 */
TEST_CASE(blk_make_request_test_bounce_in_atomic_context_with_the_pool_empty_fails_with_enomem)
{
	blk_test_need_isa(t);

	struct ramdisk *rd =
		blk_test_disk(t, &(struct ramdisk_config){ .bounce_limit = BLK_BOUNCE_ISA });
	unsigned long warnings = might_sleep_warnings, deadlocks = mempool_deadlocks;
	struct page *held[ISA_POOL_SIZE];
	struct request *rq;
	struct chain c;

	chain_make(t, &c, rd, WRITE, 1, BLK_TEST_HIGH, 0, 140);
	blk_test_fail_all(true);
	for (int i = 0; i < ISA_POOL_SIZE; i++)
		held[i] = mempool_alloc(isa_page_pool, GFP_NOIO);
	preempt_disable();
	rq = blk_make_request(rd->queue, c.bio[0], GFP_ATOMIC);
	preempt_enable();
	blk_test_fail_none();
	EXPECT_TRUE(t, IS_ERR(rq) && PTR_ERR(rq) == -ENOMEM);
	EXPECT_GT(t, might_sleep_warnings, warnings);
	EXPECT_EQ(t, mempool_deadlocks, deadlocks);
	EXPECT_TRUE(t, chain_intact(&c));
	EXPECT_EQ(t, rd->queue->root_rl.count, 0);
	EXPECT_EQ(t, bounce_stats.pages_in_use, 0);
	for (int i = 0; i < ISA_POOL_SIZE; i++)
		if (held[i])
			mempool_free(held[i], isa_page_pool);
	EXPECT_EQ(t, isa_page_pool->curr_nr, ISA_POOL_SIZE);
	chain_free(&c);
	ramdisk_destroy(rd);
}

/* ---- WARNING ---- */

/*
 * "When allocating/cloning a bio-chain, careful consideration should be
 * given to how you allocate bios.  In particular, you cannot use
 * __GFP_WAIT for anything but the first bio in the chain.  Otherwise you
 * risk waiting for IO completion of a bio that hasn't been submitted yet,
 * thus resulting in a deadlock."  A bio set of 2, its slab failing: the
 * third __GFP_WAIT bio_alloc, holding two unsubmitted, would wait for
 * ever.  The mempool diagnoses it, names the pool, and returns NULL.
 */
TEST_CASE(blk_make_request_test_warning_gfp_wait_beyond_the_first_bio_deadlocks)
{
	blk_test_need_mempool_debug(t);

	struct bio_set *bs = bioset_create(2, 0);
	unsigned long deadlocks = mempool_deadlocks;
	u64 mark = log_seq();
	struct bio *b[3];
	char expect[160];

	ASSERT_NOT_NULL(t, bs);
	bioset_set_name(bs, "chain");
	blk_test_fail_all(false);
	for (int i = 0; i < 3; i++)
		b[i] = bio_alloc_bioset(GFP_NOIO, 1, bs); /* i = 2: nobody can give one back */
	blk_test_fail_none();
	EXPECT_NOT_NULL(t, b[0]);
	EXPECT_NOT_NULL(t, b[1]);
	EXPECT_NULL(t, b[2]);
	EXPECT_EQ(t, mempool_deadlocks, deadlocks + 1);
	snprintf(expect, sizeof(expect),
		 "pool 'bio-chain' is empty and all 2 outstanding elements "
		 "are held by %s/%d",
		 current->comm, current->pid);
	EXPECT_TRUE(t, log_contains(mark, expect));
	for (int i = 0; i < 3; i++)
		if (b[i])
			bio_put(b[i]);
	bioset_free(bs);
}

/*
 * Write @npages @pages at @sector of @rd in chains from
 * @bs: the first bio of each with GFP_NOIO, the rest with bio_kmalloc
 * (@kmalloc_rest) or bio_alloc_bioset without __GFP_WAIT, until one fails;
 * each chain goes out at once (partial allocation is not an error).
 * Returns the number of chains; *@longest: the longest chain.
 */
static int send_in_chains(struct ktest *t, struct ramdisk *rd, struct bio_set *bs,
			  bool kmalloc_rest, struct page **pages, int npages, sector_t sector,
			  int *longest)
{
	int done = 0, chains = 0;

	*longest = 0;
	while (done < npages) {
		struct bio_result r;
		struct bio *b[MAX_CHAIN];
		struct request *rq;
		int n = 0;

		bio_result_init(&r);
		while (done + n < npages && n < MAX_CHAIN) {
			b[n] = !n	      ? bio_alloc_bioset(GFP_NOIO, 1, bs)
			       : kmalloc_rest ? bio_kmalloc(GFP_NOIO, 1)
					      : bio_alloc_bioset(GFP_NOWAIT, 1, bs);
			if (!b[n])
				break;
			b[n]->bi_bdev = &rd->disk->bdev;
			b[n]->bi_rw = WRITE;
			b[n]->bi_end_io = bio_result_end_io;
			b[n]->bi_private = &r;
			blk_test_add_vec(t, b[n], pages[done + n], PAGE_SIZE, 0);
			if (n)
				b[n - 1]->bi_next = b[n];
			n++;
		}
		ASSERT_GT(t, n, 0); /* the first, with __GFP_WAIT, always comes */
		rq = blk_make_request(rd->queue, b[0], GFP_NOIO);
		ASSERT_FALSE(t, IS_ERR(rq));
		rq->cmd_type = REQ_TYPE_FS;
		rq->__sector = sector + done * 8;
		EXPECT_EQ(t, blk_execute_rq(rd->queue, rd->disk, rq, 0), 0);
		blk_put_request(rq);
		for (int i = 0; i < n; i++)
			bio_put(b[i]);
		done += n;
		chains++;
		if (n > *longest)
			*longest = n;
	}
	return chains;
}

static void pages_alloc(struct ktest *t, struct page **p, int n, unsigned int seed)
{
	for (int i = 0; i < n; i++) {
		p[i] = blk_test_page(t, BLK_TEST_HIGH);
		blk_test_fill(page_address(p[i]), PAGE_SIZE, seed + i);
	}
}

static void pages_free(struct page **p, int n)
{
	for (int i = 0; i < n; i++)
		__free_page(p[i]);
}

/* The same chain, __GFP_WAIT for the first bio only: it goes out in parts, and completes. */
TEST_CASE(blk_make_request_test_warning_gfp_wait_only_for_the_first_bio_completes)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ 0 });
	struct bio_set *bs = bioset_create(2, 0);
	unsigned long deadlocks = mempool_deadlocks;
	struct page *p[8];
	int chains, longest;

	ASSERT_NOT_NULL(t, bs);
	bioset_set_name(bs, "chain");
	pages_alloc(t, p, 8, 140);
	blk_test_fail_all(false);
	chains = send_in_chains(t, rd, bs, false, p, 8, 0, &longest);
	blk_test_fail_none();
	EXPECT_EQ(t, chains, 4); /* two bios each: the reserve */
	EXPECT_EQ(t, longest, 2);
	EXPECT_EQ(t, mempool_deadlocks, deadlocks);
	for (int i = 0; i < 8; i++)
		EXPECT_TRUE(t, blk_test_disk_holds(rd, i * PAGE_SIZE, PAGE_SIZE, 140 + i));
	pages_free(p, 8);
	bioset_free(bs);
	ramdisk_destroy(rd);
}

/*
 * "Alternatively bios should be allocated using bio_kmalloc instead of
 * bio_alloc, as that avoids the mempool deadlock."  With every slab
 * allocation failing, bio_kmalloc returns NULL at once instead of waiting:
 * one-bio chains, no deadlock.  With some failing, chains grow longer than
 * the pool's reserve could ever allow.
 */
TEST_CASE(blk_make_request_test_warning_bio_kmalloc_for_the_rest_completes)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ 0 });
	struct bio_set *bs = bioset_create(2, 0);
	unsigned long deadlocks = mempool_deadlocks;
	struct page *p[16];
	int chains, longest;

	ASSERT_NOT_NULL(t, bs);
	bioset_set_name(bs, "chain");
	pages_alloc(t, p, 16, 150);
	blk_test_fail_all(false);
	chains = send_in_chains(t, rd, bs, true, p, 8, 0, &longest);
	blk_test_fail_none();
	EXPECT_EQ(t, chains, 8);
	EXPECT_EQ(t, longest, 1);

	blk_test_fail_some(30, true, false, 7);
	chains = send_in_chains(t, rd, bs, true, p + 8, 8, 64, &longest);
	blk_test_fail_none();
	EXPECT_GT(t, longest, 2); /* more than the set's reserve of 2 */
	EXPECT_EQ(t, mempool_deadlocks, deadlocks);
	for (int i = 0; i < 16; i++)
		EXPECT_TRUE(t, blk_test_disk_holds(rd, i * PAGE_SIZE, PAGE_SIZE, 150 + i));
	pages_free(p, 16);
	bioset_free(bs);
	ramdisk_destroy(rd);
}

/* ---- every allocation on the path, failed in turn ---- */

/*
 * One round: a 3-bio chain (bio_alloc, then bio_kmalloc, GFP_ATOMIC) of
 * high pages to an ISA disk, blk_make_request(GFP_NOIO), executed.  Any
 * step may fail; what fails must fail cleanly.  Returns 1 if the write
 * completed (and checks the data), 0 if an allocation failed, -1 on a
 * wrong result.
 */
static int bounced_chain_round(struct ktest *t, struct ramdisk *rd, struct page **p,
			       unsigned int seed)
{
	struct bio_result r;
	struct bio *b[3] = { NULL };
	struct request *rq;
	int n, ret = 0;

	bio_result_init(&r);
	for (n = 0; n < 3; n++) {
		b[n] = n ? bio_kmalloc(GFP_ATOMIC, 1) : bio_alloc(GFP_ATOMIC, 1);
		if (!b[n])
			goto put;
		b[n]->bi_bdev = &rd->disk->bdev;
		b[n]->bi_rw = WRITE;
		b[n]->bi_end_io = bio_result_end_io;
		b[n]->bi_private = &r;
		blk_test_fill(page_address(p[n]), PAGE_SIZE, seed + n);
		blk_test_add_vec(t, b[n], p[n], PAGE_SIZE, 0);
		if (n)
			b[n - 1]->bi_next = b[n];
	}
	rq = blk_make_request(rd->queue, b[0], GFP_NOIO);
	if (IS_ERR(rq)) {
		ret = PTR_ERR(rq) == -ENOMEM && r.calls == 0 ? 0 : -1;
		goto put;
	}
	rq->cmd_type = REQ_TYPE_FS;
	rq->__sector = 0;
	ret = blk_execute_rq(rd->queue, rd->disk, rq, 0) == 0 && r.calls == 3 ? 1 : -1;
	blk_put_request(rq);
	for (int i = 0; i < 3 && ret == 1; i++)
		if (!blk_test_disk_holds(rd, i * PAGE_SIZE, PAGE_SIZE, seed + i))
			ret = -1;
put:
	while (n--)
		bio_put(b[n]);
	return ret;
}

/* Fail the 1st, 2nd, ... eligible allocation of @attr until a round sees no failure. */
static void fail_each_in_turn(struct ktest *t, struct ramdisk *rd, struct page **p,
			      struct fault_attr *attr)
{
	int failed_cleanly = 0, completed = 0;

	for (unsigned long nth = 1; nth < 200; nth++) {
		unsigned long injected;
		int ret;

		attr->ignore_gfp_wait = false;
		attr->min_order = 0;
		attr->nth = nth;
		ret = bounced_chain_round(t, rd, p, nth);
		injected = attr->failures;
		fault_attr_reset(attr);
		EXPECT_GE(t, ret, 0);
		EXPECT_EQ(t, bounce_stats.pages_in_use, 0);
		EXPECT_EQ(t, rd->queue->root_rl.count, 0);
		failed_cleanly += ret == 0;
		completed += ret == 1;
		if (!injected)
			break; /* nth is past the last allocation of a round */
	}
	EXPECT_GT(t, completed, 0);
	EXPECT_EQ(t, isa_page_pool->curr_nr, ISA_POOL_SIZE);
	EXPECT_EQ(t, rd->stats.dma_violations, 0);
	pr_info("%s: %d rounds failed cleanly, %d completed\n", attr->name, failed_cleanly,
		completed);
}

TEST_CASE(blk_make_request_test_each_allocation_failing_in_turn_leaks_nothing)
{
	blk_test_need_isa(t);

	struct ramdisk *rd =
		blk_test_disk(t, &(struct ramdisk_config){ .bounce_limit = BLK_BOUNCE_ISA });
	struct page *p[3];

	pages_alloc(t, p, 3, 0);
	fail_each_in_turn(t, rd, p, &failslab);
	fail_each_in_turn(t, rd, p, &fail_page_alloc);
	pages_free(p, 3);
	ramdisk_destroy(rd);
}

static const struct ktest_case blk_make_request_cases[] = {
	KTEST(blk_make_request_test_gives_a_request_for_the_bio),
	KTEST(blk_make_request_test_a_chain_becomes_one_request),
	KTEST(blk_make_request_test_leaves_cmd_type_to_the_caller),
	KTEST(blk_make_request_test_request_with_no_cmd_type_set_is_failed_by_the_driver),
	KTEST(blk_make_request_test_unfinished_request_is_refused_by_the_device),
	KTEST(blk_make_request_test_caller_can_make_it_an_fs_request),
	KTEST(blk_make_request_test_bi_io_vec_describes_the_memory),
	KTEST(blk_make_request_test_direction_comes_from_bio_data_dir),
	KTEST(blk_make_request_test_mixed_direction_chain_is_refused),
	KTEST(blk_make_request_test_mixed_direction_chain_is_refused_after_bouncing),
	KTEST(blk_make_request_test_no_request_for_the_gfp_mask_is_enomem),
	KTEST(blk_make_request_test_append_error_is_returned_with_nothing_leaked),
	KTEST(blk_make_request_test_bounces_each_bio_of_the_chain),
	KTEST(blk_make_request_test_atomic_caller_with_reachable_buffers_needs_no_bounce),
	KTEST(blk_make_request_test_interrupt_handler_with_reachable_buffers),
	KTEST(blk_make_request_test_bounce_in_atomic_context_warns_sleeping_function),
	KTEST(blk_make_request_test_bounce_in_atomic_context_with_the_pool_empty_fails_with_enomem),
	KTEST(blk_make_request_test_warning_gfp_wait_beyond_the_first_bio_deadlocks),
	KTEST(blk_make_request_test_warning_gfp_wait_only_for_the_first_bio_completes),
	KTEST(blk_make_request_test_warning_bio_kmalloc_for_the_rest_completes),
	KTEST(blk_make_request_test_each_allocation_failing_in_turn_leaks_nothing),
	{}
};
TEST_SUITE_INIT(blk_make_request, blk_make_request_cases, blk_test_make_isa_pool, NULL);
