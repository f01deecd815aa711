/*
 * SPDX-License-Identifier: MIT
 * tests/block/test_bounce.c - bounce buffers (block/bounce.c): which limits
 * bounce and into which pool, what blk_queue_bounce builds, the copy in
 * for writes and back for reads, the original ended when the bounce bio
 * is, pages given back - and reads and writes through an ISA ramdisk in
 * every completion context, with the data checked and the device never
 * handed a page above 16 MiB.
 *
 *   -append "test=bounce"
 *
 * What "will BUG" means - bouncing where sleeping is not allowed - is
 * tests/block/test_blk_make_request.c, where the man page says it.
 */
#include <kernel/err.h>
#include <kernel/printk.h>
#include <mm/mempool.h>
#include <string.h>

#include "blk_test.h"

static int bounce_suite_init(void)
{
	return init_emergency_isa_pool();
}

static struct ramdisk *isa_disk(struct ktest *t, enum ramdisk_completion how)
{
	return blk_test_disk(t, &(struct ramdisk_config){ .bounce_limit = BLK_BOUNCE_ISA,
							  .completion = how });
}

/* A bio of one page per entry of @zones, direction @rw, pages filled with @seed + i. */
static struct bio *zoned_bio(struct ktest *t, struct ramdisk *rd, int rw,
			     const enum blk_test_zone *zones, int n, struct page **p,
			     struct bio_result *r, unsigned int seed)
{
	for (int i = 0; i < n; i++) {
		p[i] = blk_test_page(t, zones[i]);
		blk_test_fill(page_address(p[i]), PAGE_SIZE, seed + i);
	}
	bio_result_init(r);
	return blk_test_bio(t, rd, rw, 0, p, n, r);
}

static void free_pages_of(struct page **p, int n)
{
	for (int i = 0; i < n; i++)
		__free_page(p[i]);
}

static bool bounce_at_baseline(void)
{
	return bounce_stats.pages_in_use == 0 && isa_page_pool->curr_nr == ISA_POOL_SIZE;
}

/* ---- which limits bounce ---- */

/* Not ISA DMA: bounce_gfp without __GFP_DMA, bounce_pfn at or past the last page, @bio kept. */
static void expect_no_bouncing(struct ktest *t, struct request_queue *q, struct bio *bio)
{
	unsigned long bios = bounce_stats.bios;
	struct bio *b = bio;

	EXPECT_FALSE(t, q->bounce_gfp & __GFP_DMA);
	EXPECT_GE(t, queue_bounce_pfn(q), blk_max_pfn);
	EXPECT_EQ(t, blk_queue_bounce(q, &b), 0);
	EXPECT_TRUE(t, b == bio);
	EXPECT_EQ(t, bounce_stats.bios, bios);
}

/* BLK_BOUNCE_ANY is -1ULL; it and BLK_BOUNCE_HIGH (all memory on x86_64) bounce nothing. */
TEST_CASE(bounce_test_high_and_any_limits_bounce_nothing_on_x86_64)
{
	static const enum blk_test_zone high[1] = { BLK_TEST_HIGH };
	struct ramdisk *rd =
		blk_test_disk(t, &(struct ramdisk_config){ .bounce_limit = BLK_BOUNCE_ANY });
	struct bio_result r;
	struct page *p[1];
	struct bio *bio = zoned_bio(t, rd, WRITE, high, 1, p, &r, 0);

	EXPECT_TRUE(t, BLK_BOUNCE_ANY == ~0ULL);
	EXPECT_EQ(t, queue_bounce_pfn(rd->queue), (unsigned long)(~0ULL >> PAGE_SHIFT));
	expect_no_bouncing(t, rd->queue, bio);
	blk_queue_bounce_limit(rd->queue, BLK_BOUNCE_HIGH);
	EXPECT_EQ(t, BLK_BOUNCE_HIGH, (u64)(max_pfn - 1) << PAGE_SHIFT);
	expect_no_bouncing(t, rd->queue, bio);
	bio_put(bio);
	free_pages_of(p, 1);
	ramdisk_destroy(rd);
}

TEST_CASE(bounce_test_isa_limit_bounces_into_the_isa_pool_of_16_pages)
{
	struct ramdisk *rd = isa_disk(t, RAMDISK_COMPLETE_INLINE);

	EXPECT_EQ(t, isa_page_pool->min_nr, ISA_POOL_SIZE);
	EXPECT_EQ(t, ISA_POOL_SIZE, 16);
	EXPECT_STREQ(t, isa_page_pool->name, "bounce-isa");
	EXPECT_TRUE(t, rd->queue->bounce_gfp & __GFP_DMA);
	EXPECT_TRUE(t, rd->queue->bounce_gfp & __GFP_WAIT);
	EXPECT_EQ(t, queue_bounce_pfn(rd->queue), ISA_LIMIT_PFN - 1);
	ramdisk_destroy(rd);
}

/* A 4 GiB mask: 3.10 (64-bit) counts on an IOMMU up to 4 GiB - no bouncing at all, any machine. */
TEST_CASE(bounce_test_4gib_mask_bounces_nothing)
{
	static const enum blk_test_zone high[1] = { BLK_TEST_HIGH };
	struct ramdisk *rd =
		blk_test_disk(t, &(struct ramdisk_config){ .bounce_limit = DMA_BIT_MASK(32) });
	struct bio_result r;
	struct page *p[1];
	struct bio *bio = zoned_bio(t, rd, WRITE, high, 1, p, &r, 0);

	expect_no_bouncing(t, rd->queue, bio);
	bio_put(bio);
	free_pages_of(p, 1);
	ramdisk_destroy(rd);
}

/*
 * A 1 GiB mask is ISA DMA (__GFP_DMA, the ISA pool) only where memory goes
 * past 1 GiB; on a smaller machine it reaches everything and bounces
 * nothing.  bounce_pfn is the mask's pfn either way.
 */
TEST_CASE(bounce_test_1gib_mask_is_isa_dma_only_where_memory_reaches_past_it)
{
	struct ramdisk *rd =
		blk_test_disk(t, &(struct ramdisk_config){ .bounce_limit = DMA_BIT_MASK(30) });
	unsigned long b_pfn = DMA_BIT_MASK(30) >> PAGE_SHIFT;

	EXPECT_EQ(t, queue_bounce_pfn(rd->queue), b_pfn);
	if (blk_max_pfn > b_pfn)
		EXPECT_TRUE(t, rd->queue->bounce_gfp & __GFP_DMA);
	else
		EXPECT_FALSE(t, rd->queue->bounce_gfp & __GFP_DMA);
	ramdisk_destroy(rd);
}

/*
 * A mask below the end of memory (and 4 GiB) - here just below a page of
 * ZONE_DMA32 - is ISA DMA: that page is bounced into a page of the ISA
 * pool, below 16 MiB, not merely below the mask.
 */
TEST_CASE(bounce_test_mask_below_memory_bounces_into_the_isa_pool)
{
	struct page *p[1] = { alloc_page(GFP_KERNEL | __GFP_DMA32) };
	unsigned long pfn = p[0] ? page_to_pfn(p[0]) : 0;
	struct ramdisk *rd;
	struct bio_result r;
	struct bio *bio, *b;

	ASSERT_NOT_NULL(t, p[0]);
	ASSERT_GE(t, pfn, ISA_LIMIT_PFN);
	rd = blk_test_disk(t, &(struct ramdisk_config){ .bounce_limit =
								((u64)pfn << PAGE_SHIFT) - 1 });
	EXPECT_TRUE(t, rd->queue->bounce_gfp & __GFP_DMA);
	EXPECT_EQ(t, queue_bounce_pfn(rd->queue), pfn - 1);
	blk_test_fill(page_address(p[0]), PAGE_SIZE, 5);
	bio_result_init(&r);
	b = bio = blk_test_bio(t, rd, WRITE, 0, p, 1, &r);
	ASSERT_EQ(t, blk_queue_bounce(rd->queue, &b), 0);
	ASSERT_TRUE(t, b != bio);
	EXPECT_LT(t, page_to_pfn(b->bi_io_vec[0].bv_page), ISA_LIMIT_PFN);
	EXPECT_TRUE(t, blk_test_holds(page_address(b->bi_io_vec[0].bv_page), PAGE_SIZE, 5));
	bio_endio(b, 0);
	EXPECT_EQ(t, r.calls, 1);
	EXPECT_TRUE(t, bounce_at_baseline());
	bio_put(bio);
	free_pages_of(p, 1);
	ramdisk_destroy(rd);
}

/* ---- what blk_queue_bounce builds ---- */

TEST_CASE(bounce_test_pages_below_the_limit_are_not_bounced)
{
	static const enum blk_test_zone dma[2] = { BLK_TEST_DMA, BLK_TEST_DMA };
	struct ramdisk *rd = isa_disk(t, RAMDISK_COMPLETE_INLINE);
	unsigned long bios = bounce_stats.bios;
	struct bio_result r;
	struct page *p[2];
	struct bio *bio = zoned_bio(t, rd, WRITE, dma, 2, p, &r, 0), *b = bio;

	EXPECT_EQ(t, blk_queue_bounce(rd->queue, &b), 0);
	EXPECT_TRUE(t, b == bio);
	EXPECT_EQ(t, bounce_stats.bios, bios);
	bio_put(bio);
	free_pages_of(p, 2);
	ramdisk_destroy(rd);
}

TEST_CASE(bounce_test_write_copies_the_data_into_bounce_pages)
{
	static const enum blk_test_zone high[2] = { BLK_TEST_HIGH, BLK_TEST_HIGH };
	struct ramdisk *rd = isa_disk(t, RAMDISK_COMPLETE_INLINE);
	struct bio_result r;
	struct page *p[2];
	struct bio *bio = zoned_bio(t, rd, WRITE, high, 2, p, &r, 10), *b = bio;

	ASSERT_EQ(t, blk_queue_bounce(rd->queue, &b), 0);
	ASSERT_TRUE(t, b != bio);
	EXPECT_TRUE(t, bio_flagged(b, BIO_BOUNCED));
	EXPECT_TRUE(t, b->bi_private == bio);
	EXPECT_TRUE(t, b->bi_pool == fs_bio_set); /* 3.10's __blk_queue_bounce's */
	EXPECT_EQ(t, b->bi_size, bio->bi_size);
	EXPECT_EQ(t, bio_data_dir(b), WRITE);
	EXPECT_EQ(t, bounce_stats.pages_in_use, 2);
	for (int i = 0; i < 2; i++) {
		struct page *bp = b->bi_io_vec[i].bv_page;

		EXPECT_LT(t, page_to_pfn(bp), ISA_LIMIT_PFN);
		EXPECT_TRUE(t, blk_test_holds(page_address(bp), PAGE_SIZE, 10 + i));
		EXPECT_TRUE(t, bio->bi_io_vec[i].bv_page == p[i]); /* the original is untouched */
	}
	bio_endio(b, 0); /* as the driver would: the original ends too */
	EXPECT_EQ(t, r.calls, 1);
	EXPECT_EQ(t, r.error, 0);
	EXPECT_TRUE(t, bounce_at_baseline());
	bio_put(bio);
	free_pages_of(p, 2);
	ramdisk_destroy(rd);
}

TEST_CASE(bounce_test_read_copies_the_data_back_on_completion)
{
	static const enum blk_test_zone high[2] = { BLK_TEST_HIGH, BLK_TEST_HIGH };
	struct ramdisk *rd = isa_disk(t, RAMDISK_COMPLETE_INLINE);
	struct bio_result r;
	struct page *p[2];
	struct bio *bio = zoned_bio(t, rd, READ, high, 2, p, &r, 0), *b = bio;

	memset(page_address(p[0]), 0, PAGE_SIZE);
	memset(page_address(p[1]), 0, PAGE_SIZE);
	ASSERT_EQ(t, blk_queue_bounce(rd->queue, &b), 0);
	ASSERT_TRUE(t, b != bio);
	for (int i = 0; i < 2; i++) /* the "device" reads into the bounce pages */
		blk_test_fill(page_address(b->bi_io_vec[i].bv_page), PAGE_SIZE, 20 + i);
	EXPECT_FALSE(t, blk_test_holds(page_address(p[0]), PAGE_SIZE, 20)); /* not yet */
	bio_endio(b, 0);
	EXPECT_TRUE(t, blk_test_holds(page_address(p[0]), PAGE_SIZE, 20));
	EXPECT_TRUE(t, blk_test_holds(page_address(p[1]), PAGE_SIZE, 21));
	EXPECT_EQ(t, r.calls, 1);
	EXPECT_TRUE(t, bounce_at_baseline());
	bio_put(bio);
	free_pages_of(p, 2);
	ramdisk_destroy(rd);
}

TEST_CASE(bounce_test_failed_read_passes_the_error_and_copies_nothing_back)
{
	static const enum blk_test_zone high[1] = { BLK_TEST_HIGH };
	struct ramdisk *rd = isa_disk(t, RAMDISK_COMPLETE_INLINE);
	struct bio_result r;
	struct page *p[1];
	struct bio *bio = zoned_bio(t, rd, READ, high, 1, p, &r, 30), *b = bio;

	ASSERT_EQ(t, blk_queue_bounce(rd->queue, &b), 0);
	ASSERT_TRUE(t, b != bio);
	memset(page_address(b->bi_io_vec[0].bv_page), 0x77, PAGE_SIZE);
	bio_endio(b, -EIO);
	EXPECT_EQ(t, r.error, -EIO);
	EXPECT_TRUE(t, blk_test_holds(page_address(p[0]), PAGE_SIZE, 30)); /* unchanged */
	EXPECT_TRUE(t, bounce_at_baseline());
	bio_put(bio);
	free_pages_of(p, 1);
	ramdisk_destroy(rd);
}

TEST_CASE(bounce_test_only_pages_above_the_limit_are_replaced)
{
	static const enum blk_test_zone mixed[3] = { BLK_TEST_DMA, BLK_TEST_HIGH, BLK_TEST_DMA };
	struct ramdisk *rd = isa_disk(t, RAMDISK_COMPLETE_INLINE);
	unsigned long pages = bounce_stats.pages;
	struct bio_result r;
	struct page *p[3];
	struct bio *bio = zoned_bio(t, rd, WRITE, mixed, 3, p, &r, 40), *b = bio;

	ASSERT_EQ(t, blk_queue_bounce(rd->queue, &b), 0);
	ASSERT_TRUE(t, b != bio);
	EXPECT_TRUE(t, b->bi_io_vec[0].bv_page == p[0]);
	EXPECT_TRUE(t, b->bi_io_vec[1].bv_page != p[1]);
	EXPECT_TRUE(t, b->bi_io_vec[2].bv_page == p[2]);
	EXPECT_EQ(t, bounce_stats.pages, pages + 1);
	bio_endio(b, 0);
	EXPECT_TRUE(t, bounce_at_baseline());
	bio_put(bio);
	free_pages_of(p, 3);
	ramdisk_destroy(rd);
}

/* Whether to bounce, only what is left to do counts: a high page before bi_idx needs none. */
TEST_CASE(bounce_test_looks_only_from_bi_idx)
{
	static const enum blk_test_zone zones[2] = { BLK_TEST_HIGH, BLK_TEST_DMA };
	struct ramdisk *rd = isa_disk(t, RAMDISK_COMPLETE_INLINE);
	struct bio_result r;
	struct page *p[2];
	struct bio *bio = zoned_bio(t, rd, WRITE, zones, 2, p, &r, 0), *b;

	bio_advance(bio, PAGE_SIZE);
	b = bio;
	EXPECT_EQ(t, blk_queue_bounce(rd->queue, &b), 0);
	EXPECT_TRUE(t, b == bio);
	bio_put(bio);
	free_pages_of(p, 2);
	ramdisk_destroy(rd);
}

/*
 * But once it bounces, every vec above the limit is replaced, those before
 * bi_idx too (3.10 walks the clone with bio_for_each_segment_all), the
 * data of each copied in for a write; on completion exactly those pages
 * (the ones that differ from the original's) go back to the pool.
 */
TEST_CASE(bounce_test_advanced_bio_has_every_vec_above_the_limit_bounced_and_given_back)
{
	static const enum blk_test_zone zones[3] = { BLK_TEST_HIGH, BLK_TEST_HIGH, BLK_TEST_DMA };
	struct ramdisk *rd = isa_disk(t, RAMDISK_COMPLETE_INLINE);
	unsigned long pages = bounce_stats.pages;
	struct bio_result r;
	struct page *p[3];
	struct bio *bio = zoned_bio(t, rd, WRITE, zones, 3, p, &r, 70), *b;

	bio_advance(bio, PAGE_SIZE);
	b = bio;
	ASSERT_EQ(t, blk_queue_bounce(rd->queue, &b), 0);
	ASSERT_TRUE(t, b != bio);
	EXPECT_EQ(t, b->bi_idx, 1);
	for (int i = 0; i < 2; i++) {
		struct page *bp = b->bi_io_vec[i].bv_page;

		EXPECT_TRUE(t, bp != p[i]);
		EXPECT_LT(t, page_to_pfn(bp), ISA_LIMIT_PFN);
		EXPECT_TRUE(t, blk_test_holds(page_address(bp), PAGE_SIZE, 70 + i));
	}
	EXPECT_TRUE(t, b->bi_io_vec[2].bv_page == p[2]);
	EXPECT_EQ(t, bounce_stats.pages, pages + 2);
	EXPECT_EQ(t, bounce_stats.pages_in_use, 2);
	bio_endio(b, 0);
	EXPECT_EQ(t, r.calls, 1);
	EXPECT_TRUE(t, bounce_at_baseline());
	bio_put(bio);
	free_pages_of(p, 3);
	ramdisk_destroy(rd);
}

/* ---- when bouncing cannot be done ---- */

/*
 * fs_bio_set's reserve held by this thread, its slab failing: the clone
 * would wait for ever (3.10 does), the mempool says so, and
 * blk_queue_bounce gives -ENOMEM with the bio unchanged; through
 * submit_bio the bio ends with -ENOMEM.  (The bio is bio_kmalloc'ed: one
 * of fs_bio_set in flight could come back, and the mempool would wait.)
 */
TEST_CASE(bounce_test_no_bounce_bio_gives_enomem)
{
	blk_test_need_mempool_debug(t);

	struct ramdisk *rd = isa_disk(t, RAMDISK_COMPLETE_INLINE);
	unsigned long failures = bounce_stats.failures;
	struct bio *held[BIO_POOL_SIZE];
	struct bio_result r;
	struct page *p[1] = { blk_test_page(t, BLK_TEST_HIGH) };
	struct bio *bio = bio_kmalloc(GFP_KERNEL, 1), *b = bio;

	ASSERT_NOT_NULL(t, bio);
	bio_result_init(&r);
	bio->bi_bdev = &rd->disk->bdev;
	bio->bi_end_io = bio_result_end_io;
	bio->bi_private = &r;
	ASSERT_EQ(t, bio_add_page(bio, p[0], PAGE_SIZE, 0), PAGE_SIZE);
	blk_test_fail_all(false);
	for (int i = 0; i < BIO_POOL_SIZE; i++)
		held[i] = bio_alloc_bioset(GFP_NOIO, 0, fs_bio_set);
	EXPECT_EQ(t, blk_queue_bounce(rd->queue, &b), -ENOMEM);
	EXPECT_TRUE(t, b == bio);
	submit_bio(WRITE, bio);
	blk_test_fail_none();
	EXPECT_EQ(t, r.error, -ENOMEM);
	EXPECT_EQ(t, bounce_stats.failures, failures + 2);
	EXPECT_EQ(t, rd->stats.requests, 0);
	for (int i = 0; i < BIO_POOL_SIZE; i++)
		if (held[i])
			bio_put(held[i]);
	EXPECT_TRUE(t, bounce_at_baseline());
	bio_put(bio);
	free_pages_of(p, 1);
	ramdisk_destroy(rd);
}

/* The same with the ISA pool's pages: the first page found, the second not: it goes back. */
TEST_CASE(bounce_test_no_bounce_page_gives_back_what_it_got)
{
	blk_test_need_mempool_debug(t);

	static const enum blk_test_zone high[2] = { BLK_TEST_HIGH, BLK_TEST_HIGH };
	struct ramdisk *rd = isa_disk(t, RAMDISK_COMPLETE_INLINE);
	struct page *held[ISA_POOL_SIZE - 1];
	struct bio_result r;
	struct page *p[2];
	struct bio *bio = zoned_bio(t, rd, WRITE, high, 2, p, &r, 0), *b = bio;

	blk_test_fail_all(true);
	for (int i = 0; i < ISA_POOL_SIZE - 1; i++)
		held[i] = mempool_alloc(isa_page_pool, GFP_NOIO);
	EXPECT_EQ(t, blk_queue_bounce(rd->queue, &b), -ENOMEM);
	EXPECT_EQ(t, isa_page_pool->curr_nr, 1); /* the one it got is back */
	blk_test_fail_none();
	EXPECT_TRUE(t, b == bio);
	EXPECT_EQ(t, bounce_stats.pages_in_use, 0);
	for (int i = 0; i < ISA_POOL_SIZE - 1; i++)
		if (held[i])
			mempool_free(held[i], isa_page_pool);
	EXPECT_TRUE(t, bounce_at_baseline());
	bio_put(bio);
	free_pages_of(p, 2);
	ramdisk_destroy(rd);
}

/* Arm the page allocator to fail every call, sleeping ones and single pages too. */
static void fail_every_page(void)
{
	fault_attr_parse(&fail_page_alloc, "1,100,0,-1");
	fail_page_alloc.ignore_gfp_wait = false;
	fail_page_alloc.min_order = 0;
}

/*
 * The ISA pool cannot be made (3.10 BUGs): blk_queue_bounce_limit warns,
 * the queue is still set up for ISA DMA, and I/O that needs bouncing fails
 * with -ENOMEM.  The pool made at suite start is set aside for the case
 * (nothing else bounces meanwhile) and put back.
 */
TEST_CASE(bounce_test_isa_pool_that_cannot_be_made_warns_and_isa_io_fails_with_enomem)
{
	static const enum blk_test_zone high[1] = { BLK_TEST_HIGH };
	struct ramdisk *rd =
		blk_test_disk(t, &(struct ramdisk_config){ .bounce_limit = BLK_BOUNCE_ANY });
	mempool_t *pool = isa_page_pool;
	struct bio_result r;
	struct page *p[1];
	struct bio *bio = zoned_bio(t, rd, WRITE, high, 1, p, &r, 0), *b = bio;
	u64 mark = log_seq();
	int err;

	isa_page_pool = NULL;
	fail_every_page();
	blk_queue_bounce_limit(rd->queue, BLK_BOUNCE_ISA);
	fault_attr_reset(&fail_page_alloc);
	EXPECT_NULL(t, isa_page_pool);
	err = blk_queue_bounce(rd->queue, &b);
	isa_page_pool = pool;
	EXPECT_TRUE(t, log_contains(mark, "no ISA bounce pool: I/O above 0xffffff will fail"));
	EXPECT_TRUE(t, rd->queue->bounce_gfp & __GFP_DMA);
	EXPECT_EQ(t, queue_bounce_pfn(rd->queue), ISA_LIMIT_PFN - 1);
	EXPECT_EQ(t, err, -ENOMEM);
	EXPECT_TRUE(t, b == bio);
	EXPECT_TRUE(t, bounce_at_baseline());
	bio_put(bio);
	free_pages_of(p, 1);
	ramdisk_destroy(rd);
}

/*
 * A bounce_pfn below memory without ISA DMA is a limit no setter makes
 * (someone wrote limits.bounce_pfn by hand).  3.10 would bounce into the
 * page pool x86_64 does not have; we warn once and fail with -EIO.
 */
TEST_CASE(bounce_test_hand_set_limit_without_isa_dma_fails_with_eio)
{
	static const enum blk_test_zone high[1] = { BLK_TEST_HIGH };
	struct ramdisk *rd =
		blk_test_disk(t, &(struct ramdisk_config){ .bounce_limit = BLK_BOUNCE_ANY });
	unsigned long bios = bounce_stats.bios;
	struct bio_result r;
	struct page *p[1];
	struct bio *bio = zoned_bio(t, rd, WRITE, high, 1, p, &r, 0), *b = bio;

	rd->queue->limits.bounce_pfn = ISA_LIMIT_PFN - 1;
	EXPECT_FALSE(t, rd->queue->bounce_gfp & __GFP_DMA);
	EXPECT_EQ(t, blk_queue_bounce(rd->queue, &b), -EIO);
	EXPECT_TRUE(t, b == bio);
	EXPECT_EQ(t, bounce_stats.bios, bios);
	EXPECT_TRUE(t, bounce_at_baseline());
	bio_put(bio);
	free_pages_of(p, 1);
	ramdisk_destroy(rd);
}

/* ---- through the ramdisk ---- */

/* 4 high pages written to an ISA disk, read back into 4 others: data, pool, device checked. */
static void isa_roundtrip(struct ktest *t, enum ramdisk_completion how)
{
	static const enum blk_test_zone high[4] = { BLK_TEST_HIGH, BLK_TEST_HIGH, BLK_TEST_HIGH,
						    BLK_TEST_HIGH };
	struct ramdisk *rd = isa_disk(t, how);
	unsigned long bios = bounce_stats.bios;
	struct page *w[4], *rp[4];
	struct bio_result wr, rr;
	struct bio *bio;

	bio = zoned_bio(t, rd, WRITE, high, 4, w, &wr, 50);
	EXPECT_EQ(t, submit_bio_wait(WRITE, bio), 0);
	bio_put(bio);
	for (int i = 0; i < 4; i++)
		EXPECT_TRUE(t, blk_test_disk_holds(rd, i * PAGE_SIZE, PAGE_SIZE, 50 + i));
	bio = zoned_bio(t, rd, READ, high, 4, rp, &rr, 0);
	for (int i = 0; i < 4; i++)
		memset(page_address(rp[i]), 0, PAGE_SIZE);
	EXPECT_EQ(t, submit_bio_wait(READ, bio), 0);
	bio_put(bio);
	for (int i = 0; i < 4; i++)
		EXPECT_TRUE(t, blk_test_holds(page_address(rp[i]), PAGE_SIZE, 50 + i));
	EXPECT_EQ(t, bounce_stats.bios, bios + 2);
	EXPECT_EQ(t, rd->stats.dma_violations, 0);
	EXPECT_EQ(t, rd->stats.errors, 0);
	EXPECT_TRUE(t, bounce_at_baseline());
	free_pages_of(w, 4);
	free_pages_of(rp, 4);
	ramdisk_destroy(rd);
}

TEST_CASE(bounce_test_isa_disk_with_inline_completion)
{
	isa_roundtrip(t, RAMDISK_COMPLETE_INLINE);
}

TEST_CASE(bounce_test_isa_disk_with_softirq_completion)
{
	isa_roundtrip(t, RAMDISK_COMPLETE_SOFTIRQ);
}

TEST_CASE(bounce_test_isa_disk_with_irq_completion)
{
	isa_roundtrip(t, RAMDISK_COMPLETE_IRQ);
}

TEST_CASE(bounce_test_isa_disk_with_irq_then_softirq_completion)
{
	isa_roundtrip(t, RAMDISK_COMPLETE_IRQ_SOFTIRQ);
}

/* A device that could reach the pages: unbounced, and the ISA device saw only low pages. */
TEST_CASE(bounce_test_without_a_limit_the_device_gets_the_callers_pages)
{
	static const enum blk_test_zone high[1] = { BLK_TEST_HIGH };
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ 0 });
	unsigned long bios = bounce_stats.bios;
	struct bio_result r;
	struct page *p[1];
	struct bio *bio = zoned_bio(t, rd, WRITE, high, 1, p, &r, 60);

	EXPECT_EQ(t, submit_bio_wait(WRITE, bio), 0);
	EXPECT_EQ(t, bounce_stats.bios, bios);
	EXPECT_TRUE(t, blk_test_disk_holds(rd, 0, PAGE_SIZE, 60));
	bio_put(bio);
	free_pages_of(p, 1);
	ramdisk_destroy(rd);
}

static const struct ktest_case bounce_cases[] = {
	KTEST(bounce_test_high_and_any_limits_bounce_nothing_on_x86_64),
	KTEST(bounce_test_isa_limit_bounces_into_the_isa_pool_of_16_pages),
	KTEST(bounce_test_4gib_mask_bounces_nothing),
	KTEST(bounce_test_1gib_mask_is_isa_dma_only_where_memory_reaches_past_it),
	KTEST(bounce_test_mask_below_memory_bounces_into_the_isa_pool),
	KTEST(bounce_test_pages_below_the_limit_are_not_bounced),
	KTEST(bounce_test_write_copies_the_data_into_bounce_pages),
	KTEST(bounce_test_read_copies_the_data_back_on_completion),
	KTEST(bounce_test_failed_read_passes_the_error_and_copies_nothing_back),
	KTEST(bounce_test_only_pages_above_the_limit_are_replaced),
	KTEST(bounce_test_looks_only_from_bi_idx),
	KTEST(bounce_test_advanced_bio_has_every_vec_above_the_limit_bounced_and_given_back),
	KTEST(bounce_test_no_bounce_bio_gives_enomem),
	KTEST(bounce_test_no_bounce_page_gives_back_what_it_got),
	KTEST(bounce_test_isa_pool_that_cannot_be_made_warns_and_isa_io_fails_with_enomem),
	KTEST(bounce_test_hand_set_limit_without_isa_dma_fails_with_eio),
	KTEST(bounce_test_isa_disk_with_inline_completion),
	KTEST(bounce_test_isa_disk_with_softirq_completion),
	KTEST(bounce_test_isa_disk_with_irq_completion),
	KTEST(bounce_test_isa_disk_with_irq_then_softirq_completion),
	KTEST(bounce_test_without_a_limit_the_device_gets_the_callers_pages),
	{}
};
TEST_SUITE_INIT(bounce, bounce_cases, bounce_suite_init, NULL);
