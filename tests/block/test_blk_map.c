/*
 * SPDX-License-Identifier: MIT
 * tests/block/test_blk_map.c - kernel buffers into requests (block/blk-map.c):
 * bio_map_kern and blk_rq_map_kern, and blkdev_issue_rw, which follows
 * the end of blk_make_request(9)'s WARNING: "If possible a big IO should
 * be split into smaller parts when allocation fails.  Partial allocation
 * should not be an error, or you risk a live-lock."  A 256 KiB transfer
 * is driven under failslab and fail_page_alloc (probability, interval,
 * everything failing), and must complete, byte for byte, leaking nothing.
 *
 *   -append "test=blk_map"
 */
#include <kernel/err.h>
#include <kernel/printk.h>
#include <mm/slab.h>
#include <stdio.h>
#include <string.h>

#include "blk_test.h"

#define BUF_ORDER 6 /* 256 KiB */
#define BUF_SIZE  (PAGE_SIZE << BUF_ORDER)

/* A physically contiguous kernel buffer above 16 MiB, filled with @seed's pattern. */
static char *big_buffer(struct ktest *t, unsigned int seed)
{
	char *buf = (char *)__get_free_pages(GFP_KERNEL, BUF_ORDER);

	ASSERT_NOT_NULL(t, buf);
	blk_test_fill(buf, BUF_SIZE, seed);
	return buf;
}

static void big_buffer_free(char *buf)
{
	free_pages((unsigned long)buf, BUF_ORDER);
}

/* ---- bio_map_kern, blk_rq_map_kern ---- */

TEST_CASE(blk_map_test_bio_map_kern_cuts_a_buffer_into_vecs_the_queue_takes)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ .max_segment_size = 2048 });
	char *buf = big_buffer(t, 0);
	struct bio *bio = bio_map_kern(rd->queue, buf + 100, 9000, GFP_KERNEL);
	struct bio_vec *bv;
	unsigned int total = 0;
	int i;

	ASSERT_FALSE(t, IS_ERR(bio));
	EXPECT_NULL(t, bio->bi_pool);	    /* bio_kmalloc */
	EXPECT_NOT_NULL(t, bio->bi_end_io); /* it puts itself */
	EXPECT_EQ(t, bio->bi_size, 9000);
	bio_for_each_segment(bv, bio, i) {
		EXPECT_LE(t, bv->bv_len, 2048);
		EXPECT_LE(t, bv->bv_offset + bv->bv_len, PAGE_SIZE);
		EXPECT_TRUE(t,
			    (char *)page_address(bv->bv_page) + bv->bv_offset == buf + 100 + total);
		total += bv->bv_len;
	}
	EXPECT_EQ(t, total, 9000);
	EXPECT_EQ(t, bio->bi_vcnt, 5); /* 2048, 1948 (page end), 2048, 2048 (end), 908 */
	bio_endio(bio, 0);	       /* frees it */
	big_buffer_free(buf);
	ramdisk_destroy(rd);
}

TEST_CASE(blk_map_test_bio_map_kern_refuses_what_one_request_cannot_hold)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ .max_hw_sectors = 16,
									.max_segments = 2 });
	char *buf = big_buffer(t, 0);
	struct bio *bio;

	bio = bio_map_kern(rd->queue, buf, 16 * 512 + 512, GFP_KERNEL); /* too many sectors */
	EXPECT_TRUE(t, IS_ERR(bio) && PTR_ERR(bio) == -EINVAL);
	bio = bio_map_kern(rd->queue, buf + 512, 8192, GFP_KERNEL); /* three segments */
	EXPECT_TRUE(t, IS_ERR(bio) && PTR_ERR(bio) == -EINVAL);
	bio = bio_map_kern(rd->queue, buf, 0, GFP_KERNEL);
	EXPECT_TRUE(t, IS_ERR(bio) && PTR_ERR(bio) == -EINVAL);
	big_buffer_free(buf);
	ramdisk_destroy(rd);
}

/* blk_get_request + blk_rq_map_kern + execute: a read into a kernel buffer (bounced on ISA). */
static void rq_map_kern_read(struct ktest *t, u64 bounce_limit)
{
	struct ramdisk *rd =
		blk_test_disk(t, &(struct ramdisk_config){ .bounce_limit = bounce_limit });
	char *buf = big_buffer(t, 0), *medium = big_buffer(t, 3);
	struct request *rq;

	ASSERT_EQ(t, ramdisk_poke(rd, 8 * 512, medium, 3 * PAGE_SIZE), 0);
	memset(buf, 0, BUF_SIZE);
	rq = blk_get_request(rd->queue, READ, GFP_KERNEL);
	ASSERT_NOT_NULL(t, rq);
	EXPECT_EQ(t, blk_rq_map_kern(rd->queue, rq, buf + 512, 3 * PAGE_SIZE, GFP_KERNEL), 0);
	rq->cmd_type = REQ_TYPE_FS;
	rq->__sector = 8;
	EXPECT_EQ(t, blk_execute_rq(rd->queue, rd->disk, rq, 0), 0);
	blk_put_request(rq);
	EXPECT_TRUE(t, !memcmp(buf + 512, medium, 3 * PAGE_SIZE));
	EXPECT_EQ(t, buf[511], 0);
	EXPECT_EQ(t, buf[512 + 3 * PAGE_SIZE], 0);
	EXPECT_EQ(t, rd->stats.dma_violations, 0);
	EXPECT_EQ(t, bounce_stats.pages_in_use, 0);
	big_buffer_free(buf);
	big_buffer_free(medium);
	ramdisk_destroy(rd);
}

TEST_CASE(blk_map_test_rq_map_kern_reads_into_a_kernel_buffer)
{
	rq_map_kern_read(t, 0);
}

TEST_CASE(blk_map_test_rq_map_kern_bounces_for_an_isa_device)
{
	unsigned long bios = bounce_stats.bios;

	blk_test_need_isa(t);

	rq_map_kern_read(t, BLK_BOUNCE_ISA);
	EXPECT_EQ(t, bounce_stats.bios, bios + 1);
}

/* ---- blkdev_issue_rw ---- */

/*
 * Write @len bytes of pattern @seed from byte @off of a big buffer to
 * sector 64 of @rd, read them back into the zeroed buffer, compare.
 * Returns false if either failed or the data differs.
 */
static bool write_read_back(struct ktest *t, struct ramdisk *rd, unsigned int seed, size_t off,
			    size_t len, struct blk_map_stats *ws, struct blk_map_stats *rs)
{
	char *buf = big_buffer(t, 0);
	int werr, rerr;
	bool same;

	blk_test_fill(buf + off, len, seed);
	werr = blkdev_issue_rw(&rd->disk->bdev, WRITE, 64, buf + off, len, GFP_KERNEL, ws);
	memset(buf, 0, BUF_SIZE);
	rerr = blkdev_issue_rw(&rd->disk->bdev, READ, 64, buf + off, len, GFP_KERNEL, rs);
	same = blk_test_holds(buf + off, len, seed);
	big_buffer_free(buf);
	EXPECT_EQ(t, werr, 0);
	EXPECT_EQ(t, rerr, 0);
	return !werr && !rerr && same && blk_test_disk_holds(rd, 64 * 512, len, seed);
}

TEST_CASE(blk_map_test_issue_rw_moves_a_big_buffer_in_requests_the_queue_takes)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ .max_hw_sectors = 64,
									.max_segments = 8 });
	struct blk_map_stats ws = { 0 }, rs = { 0 };

	EXPECT_TRUE(t, write_read_back(t, rd, 7, 0, BUF_SIZE, &ws, &rs));
	EXPECT_EQ(t, ws.requests, BUF_SIZE / (64 * 512)); /* 32 KiB (8 pages) each */
	EXPECT_EQ(t, rs.requests, ws.requests);
	EXPECT_EQ(t, ws.short_chains, 0);
	EXPECT_EQ(t, rd->stats.limit_violations, 0);
	ramdisk_destroy(rd);
}

TEST_CASE(blk_map_test_issue_rw_cuts_vecs_at_segment_size_and_boundary)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ .max_segment_size = 1024,
									.seg_boundary_mask = 0x7ff,
									.max_segments = 16 });
	struct blk_map_stats ws = { 0 }, rs = { 0 };

	/* from 512 bytes into a page: pieces of 1024 would cross 2 KiB lines, so some are 512 */
	EXPECT_TRUE(t, write_read_back(t, rd, 8, 512, BUF_SIZE - PAGE_SIZE, &ws, &rs));
	EXPECT_GT(t, ws.requests, (BUF_SIZE - PAGE_SIZE) / (16 * 1024));
	EXPECT_EQ(t, rd->stats.limit_violations, 0);
	ramdisk_destroy(rd);
}

TEST_CASE(blk_map_test_issue_rw_reports_device_errors)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ .sectors = 64 });
	struct ramdisk *ro = blk_test_disk(t, &(struct ramdisk_config){ .read_only = true });
	char *buf = big_buffer(t, 9);

	EXPECT_EQ(t, blkdev_issue_rw(&rd->disk->bdev, WRITE, 60, buf, 4096, GFP_KERNEL, NULL),
		  -EIO);
	EXPECT_EQ(t, blkdev_issue_rw(&ro->disk->bdev, WRITE, 0, buf, 4096, GFP_KERNEL, NULL),
		  -EROFS);
	EXPECT_EQ(t,
		  blkdev_issue_rw(&ro->disk->bdev, READ, 0, buf + BUF_SIZE / 2, 4096, GFP_KERNEL,
				  NULL),
		  0);
	EXPECT_EQ(t, blkdev_issue_rw(&rd->disk->bdev, WRITE, 0, buf, 1000, GFP_KERNEL, NULL),
		  -EINVAL);
	ramdisk_set_bad_sector(rd, 5);
	EXPECT_EQ(t, blkdev_issue_rw(&rd->disk->bdev, WRITE, 0, buf, 8192, GFP_KERNEL, NULL), -EIO);
	EXPECT_TRUE(t, blk_test_disk_holds(rd, 0, 5 * 512, 9)); /* up to the bad sector */
	big_buffer_free(buf);
	ramdisk_destroy(rd);
	ramdisk_destroy(ro);
}

/* Limits that cannot hold one logical block in a request: an error, not a loop. */
TEST_CASE(blk_map_test_issue_rw_refuses_limits_smaller_than_a_block)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ .logical_block_size = 4096,
									.max_segment_size = 512,
									.max_segments = 4 });
	char *buf = big_buffer(t, 0);

	EXPECT_EQ(t, blkdev_issue_rw(&rd->disk->bdev, WRITE, 0, buf, 4096, GFP_KERNEL, NULL),
		  -EINVAL);
	big_buffer_free(buf);
	ramdisk_destroy(rd);
}

/* ---- split on failure: under injection ---- */

struct injection {
	const char *what;
	int percent;	       /* 0: every call fails (interval below) */
	unsigned int interval; /* >1: only every interval-th call may fail */
	bool slab, pages;
};

/* Arm @inj (sleeping allocations fail too). */
static void inject(const struct injection *inj, u64 seed)
{
	if (inj->interval > 1) {
		char spec[32];

		snprintf(spec, sizeof(spec), "%u,100,0,-1", inj->interval);
		if (inj->slab)
			fault_attr_parse(&failslab, spec);
		if (inj->pages)
			fault_attr_parse(&fail_page_alloc, spec);
		failslab.ignore_gfp_wait = fail_page_alloc.ignore_gfp_wait = false;
		fail_page_alloc.min_order = 0;
	} else if (inj->percent) {
		blk_test_fail_some(inj->percent, inj->slab, inj->pages, seed);
	} else {
		blk_test_fail_all(inj->pages);
	}
}

/* A 256 KiB write and read back under @inj: complete, correct; returns the failures injected. */
static unsigned long transfer_under(struct ktest *t, const struct ramdisk_config *cfg,
				    const struct injection *inj, struct blk_map_stats *ws)
{
	struct ramdisk *rd = blk_test_disk(t, cfg);
	char *buf = big_buffer(t, 11), *back = big_buffer(t, 0);
	unsigned long injected;
	int werr, rerr;

	memset(back, 0, BUF_SIZE);
	inject(inj, 42);
	werr = blkdev_issue_rw(&rd->disk->bdev, WRITE, 0, buf, BUF_SIZE, GFP_NOIO, ws);
	rerr = blkdev_issue_rw(&rd->disk->bdev, READ, 0, back, BUF_SIZE, GFP_NOIO, NULL);
	injected = failslab.failures + fail_page_alloc.failures;
	blk_test_fail_none();
	EXPECT_EQ(t, werr, 0);
	EXPECT_EQ(t, rerr, 0);
	EXPECT_TRUE(t, !memcmp(buf, back, BUF_SIZE));
	EXPECT_TRUE(t, blk_test_disk_holds(rd, 0, BUF_SIZE, 11));
	EXPECT_EQ(t, rd->stats.limit_violations + rd->stats.dma_violations, 0);
	EXPECT_EQ(t, bounce_stats.pages_in_use, 0);
	EXPECT_EQ(t, fs_bio_set->bio_pool->curr_nr, BIO_POOL_SIZE);
	pr_info("blk_map: %s: %lu failures injected; %u requests, %u bios, %u short chains, %u "
		"retries\n",
		inj->what, injected, ws->requests, ws->bios, ws->short_chains, ws->retries);
	big_buffer_free(buf);
	big_buffer_free(back);
	ramdisk_destroy(rd);
	return injected;
}

/*
 * Vecs of 512 bytes and requests of up to 1 MiB: a 256 KiB part needs 512
 * vecs, more than one bio (256) holds, so parts are chains of bios.
 */
static const struct ramdisk_config chains_cfg = { .max_segment_size = 512,
						  .max_segments = 2048,
						  .max_hw_sectors = 2048 };
/* For an ISA disk: page-sized vecs (one bounce page each), 256 KiB in one bio. */
static const struct ramdisk_config isa_cfg = { .bounce_limit = BLK_BOUNCE_ISA,
					       .max_hw_sectors = 2048 };

TEST_CASE(blk_map_test_split_on_failure_under_failslab)
{
	static const struct injection inj = { "failslab 50%", 50, 0, true, false };
	struct blk_map_stats ws = { 0 };

	EXPECT_GT(t, transfer_under(t, &chains_cfg, &inj, &ws), 0);
	EXPECT_GT(t, ws.short_chains, 0); /* allocations failed, parts were sent anyway */
}

TEST_CASE(blk_map_test_split_on_failure_under_failslab_every_third_call)
{
	static const struct injection inj = { "failslab interval 3", 0, 3, true, false };
	struct blk_map_stats ws = { 0 };

	EXPECT_GT(t, transfer_under(t, &chains_cfg, &inj, &ws), 0);
	EXPECT_GT(t, ws.bios, 2); /* a bio of fewer vecs where the big one failed */
}

/* Pages are taken by bouncing: an ISA disk, its bounce pages failing half the time. */
TEST_CASE(blk_map_test_split_on_failure_under_fail_page_alloc)
{
	blk_test_need_isa(t);
	blk_test_need_mempool_debug(t); /* a chain that outgrows the ISA pool: the rule ends it */

	static const struct injection inj = { "fail_page_alloc 50%", 50, 0, false, true };
	struct blk_map_stats ws = { 0 };

	EXPECT_GT(t, transfer_under(t, &isa_cfg, &inj, &ws), 0);
	EXPECT_EQ(t, isa_page_pool->curr_nr, ISA_POOL_SIZE);
}

TEST_CASE(blk_map_test_split_on_failure_under_both)
{
	blk_test_need_isa(t);

	static const struct injection inj = { "failslab + fail_page_alloc 30%", 30, 0, true, true };
	struct blk_map_stats ws = { 0 }, isa = { 0 };

	EXPECT_GT(t, transfer_under(t, &chains_cfg, &inj, &ws), 0);
	blk_test_need_mempool_debug(t); /* the ISA half, as above */
	EXPECT_GT(t, transfer_under(t, &isa_cfg, &inj, &isa), 0);
}

/*
 * Every allocation failing: only the mempools' reserves are left.  One bio
 * per chain (the first, from fs_bio_set's reserve), and on an ISA disk a
 * chain bigger than the bounce pool's 16 pages is halved until it fits.
 */
TEST_CASE(blk_map_test_split_on_failure_when_every_allocation_fails)
{
	blk_test_need_isa(t);

	static const struct injection inj = { "everything fails", 0, 0, true, true };
	struct blk_map_stats ws = { 0 }, isa = { 0 };

	transfer_under(t, &chains_cfg, &inj, &ws);
	EXPECT_EQ(t, ws.bios, ws.requests); /* single-bio chains */
	EXPECT_GT(t, ws.short_chains, 0);
	blk_test_need_mempool_debug(t); /* the ISA half, as above */
	transfer_under(t, &isa_cfg, &inj, &isa);
	EXPECT_GT(t, isa.retries, 0); /* blk_make_request -ENOMEM: halved, not failed */
	EXPECT_EQ(t, isa_page_pool->curr_nr, ISA_POOL_SIZE);
}

static const struct ktest_case blk_map_cases[] = {
	KTEST(blk_map_test_bio_map_kern_cuts_a_buffer_into_vecs_the_queue_takes),
	KTEST(blk_map_test_bio_map_kern_refuses_what_one_request_cannot_hold),
	KTEST(blk_map_test_rq_map_kern_reads_into_a_kernel_buffer),
	KTEST(blk_map_test_rq_map_kern_bounces_for_an_isa_device),
	KTEST(blk_map_test_issue_rw_moves_a_big_buffer_in_requests_the_queue_takes),
	KTEST(blk_map_test_issue_rw_cuts_vecs_at_segment_size_and_boundary),
	KTEST(blk_map_test_issue_rw_reports_device_errors),
	KTEST(blk_map_test_issue_rw_refuses_limits_smaller_than_a_block),
	KTEST(blk_map_test_split_on_failure_under_failslab),
	KTEST(blk_map_test_split_on_failure_under_failslab_every_third_call),
	KTEST(blk_map_test_split_on_failure_under_fail_page_alloc),
	KTEST(blk_map_test_split_on_failure_under_both),
	KTEST(blk_map_test_split_on_failure_when_every_allocation_fails),
	{}
};
TEST_SUITE_INIT(blk_map, blk_map_cases, blk_test_make_isa_pool, NULL);
