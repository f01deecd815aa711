/*
 * SPDX-License-Identifier: MIT
 * tests/lib/blk_test.c - helpers of the block suites (tests/lib/blk_test.h).
 */
#include <kernel/err.h>
#include <kernel/preempt.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <stdio.h>
#include <string.h>

#include "blk_test.h"

static u8 blk_test_zeros[PAGE_SIZE];

struct ramdisk *blk_test_disk(struct ktest *t, const struct ramdisk_config *cfg)
{
	struct ramdisk_config c = *cfg;
	struct ramdisk *rd;

	if (!c.sectors)
		c.sectors = 2048;
	rd = ramdisk_create(&c);
	ASSERT_FALSE(t, IS_ERR(rd));
	/*
	 * The medium now, as a disk had it before its pages came with the
	 * first write: these suites inject failures into the block layer's
	 * allocations, not the medium's (blk_queue's ramdisk_medium cases
	 * test a lazy one).
	 */
	for (u64 pos = 0, end = (u64)c.sectors << SECTOR_SHIFT; pos < end; pos += PAGE_SIZE) {
		if (ramdisk_poke(rd, pos, blk_test_zeros, min((u64)PAGE_SIZE, end - pos))) {
			ramdisk_destroy(rd);
			ASSERT_TRUE(t, false);
		}
	}
	return rd;
}

struct page *blk_test_page(struct ktest *t, enum blk_test_zone zone)
{
	struct page *p = alloc_page(zone == BLK_TEST_DMA ? GFP_KERNEL | GFP_DMA : GFP_KERNEL);

	ASSERT_NOT_NULL(t, p);
	if (zone == BLK_TEST_DMA) {
		ASSERT_LT(t, page_to_pfn(p), ISA_LIMIT_PFN);
	} else if (page_to_pfn(p) < ISA_LIMIT_PFN) {
		__free_page(p);
		ktest_skip(t, "no page above 16 MiB");
	}
	return p;
}

void blk_test_fill(void *p, size_t len, unsigned int seed)
{
	unsigned char *c = p;

	for (size_t i = 0; i < len; i++)
		c[i] = (unsigned char)(seed * 131 + i * 7 + (i >> 9));
}

bool blk_test_holds(const void *p, size_t len, unsigned int seed)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < len; i++)
		if (c[i] != (unsigned char)(seed * 131 + i * 7 + (i >> 9)))
			return false;
	return true;
}

bool blk_test_disk_holds(struct ramdisk *rd, u64 pos, size_t len, unsigned int seed)
{
	unsigned char buf[512];

	for (size_t done = 0; done < len; done += sizeof(buf)) {
		size_t n = len - done < sizeof(buf) ? len - done : sizeof(buf);

		if (ramdisk_peek(rd, pos + done, buf, n))
			return false;
		for (size_t i = 0; i < n; i++) {
			size_t at = done + i;

			if (buf[i] != (unsigned char)(seed * 131 + at * 7 + (at >> 9)))
				return false;
		}
	}
	return true;
}

void bio_result_init(struct bio_result *r)
{
	memset(r, 0, sizeof(*r));
	init_completion(&r->done);
	spin_lock_init(&r->lock);
}

void bio_result_end_io(struct bio *bio, int error)
{
	struct bio_result *r = bio->bi_private;
	unsigned long flags;

	spin_lock_irqsave(&r->lock, flags);
	r->calls++;
	r->last_error = error;
	if (error && !r->error)
		r->error = error;
	if (in_irq())
		r->in_irq = true;
	else if (in_softirq())
		r->in_softirq = true;
	r->cpus |= 1ULL << smp_processor_id(); /* end_io: interrupts off, or softirq */
	spin_unlock_irqrestore(&r->lock, flags);
	complete(&r->done);
}

void bio_result_wait(struct bio_result *r, int n)
{
	while (n--)
		wait_for_completion(&r->done);
}

struct bio *blk_test_bio(struct ktest *t, struct ramdisk *rd, int rw, sector_t sector,
			 struct page **pages, int n, struct bio_result *r)
{
	struct bio *bio = bio_alloc(GFP_KERNEL, n);

	ASSERT_NOT_NULL(t, bio);
	bio->bi_bdev = &rd->disk->bdev;
	bio->bi_sector = sector;
	bio->bi_rw = rw;
	bio->bi_end_io = bio_result_end_io;
	bio->bi_private = r;
	for (int i = 0; i < n; i++)
		blk_test_add_vec(t, bio, pages[i], PAGE_SIZE, 0);
	return bio;
}

void blk_test_add_vec(struct ktest *t, struct bio *bio, struct page *page, unsigned int len,
		      unsigned int offset)
{
	ASSERT_TRUE(t, bio->bi_vcnt < bio->bi_max_vecs && len && offset + len <= PAGE_SIZE);
	bio->bi_io_vec[bio->bi_vcnt++] =
		(struct bio_vec){ .bv_page = page, .bv_len = len, .bv_offset = offset };
	bio->bi_size += len;
	bio->bi_phys_segments = bio->bi_vcnt; /* a vec is a segment (block/bio.c) */
	bio->bi_flags |= 1UL << BIO_SEG_VALID;
}

void blk_test_fail_all(bool pages)
{
	fault_attr_parse(&failslab, "1,100,0,-1");
	failslab.ignore_gfp_wait = false;
	if (pages) {
		fault_attr_parse(&fail_page_alloc, "1,100,0,-1");
		fail_page_alloc.ignore_gfp_wait = false;
		fail_page_alloc.min_order = 0;
	}
}

void blk_test_fail_some(unsigned int percent, bool slab, bool pages, u64 seed)
{
	char spec[32];

	snprintf(spec, sizeof(spec), "1,%u,0,-1", percent);
	fault_inject_seed(seed);
	if (slab) {
		fault_attr_parse(&failslab, spec);
		failslab.ignore_gfp_wait = false;
	}
	if (pages) {
		fault_attr_parse(&fail_page_alloc, spec);
		fail_page_alloc.ignore_gfp_wait = false;
		fail_page_alloc.min_order = 0;
	}
}

void blk_test_fail_none(void)
{
	fault_attr_reset(&failslab);
	fault_attr_reset(&fail_page_alloc);
}

void blk_test_need_isa(struct ktest *t)
{
	if (!isa_page_pool)
		ktest_skip(t, "no ISA bounce pool (ZONE_DMA is empty)");
}

void blk_test_need_mempool_debug(struct ktest *t)
{
#ifndef CONFIG_DEBUG_MEMPOOL
	ktest_skip(t,
		   "MEMPOOL_DEBUG=n: no mempool deadlock rule, the wait would hang (as in 3.10)");
#endif
}

int blk_test_make_isa_pool(void)
{
	init_emergency_isa_pool();
	return 0;
}

bool blk_test_wait_for_sleeper(wait_queue_head_t *wq)
{
	for (int i = 0; i < 5000; i++) {
		if (waitqueue_active(wq))
			return true;
		msleep(1);
	}
	return false;
}
