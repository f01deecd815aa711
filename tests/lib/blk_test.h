/*
 * SPDX-License-Identifier: MIT
 * tests/lib/blk_test.h - what the block suites share (tests/block/test_bio.c,
 * test_blk_queue.c, test_blk_make_request.c, test_bounce.c, test_blk_map.c):
 * a ramdisk per test, pages above and below 16 MiB, data patterns, and a
 * bi_end_io that records how each bio ended.
 *
 *   struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ .sectors = 2048 });
 *   struct page *p = blk_test_page(t, BLK_TEST_HIGH);   above 16 MiB
 *   struct bio_result r;
 *   bio_result_init(&r);
 *   struct bio *bio = blk_test_bio(t, rd, WRITE, 8, &p, 1, &r);
 *   submit_bio(WRITE, bio);
 *   bio_result_wait(&r, 1);        r.error, r.in_irq, r.in_softirq
 *   bio_put(bio); __free_page(p); ramdisk_destroy(rd);
 *
 * Helpers ASSERT (ending the case) when they cannot do their job.
 *
 * Every disk these suites write is a ramdisk the case made and destroys;
 * none touches ram0 or a virtio-blk disk.  A test that must write to a
 * real device uses only one the runner made for tests (tests/lib/scratch_dev.h).
 */
#ifndef TESTS_BLK_TEST_H
#define TESTS_BLK_TEST_H

#include <block/blkdev.h>
#include <drivers/ramdisk.h>
#include <kernel/completion.h>
#include <kernel/ktest.h>
#include "ktest_blk.h"
#include <mm/fault_inject.h>

/* Where a test page comes from. */
enum blk_test_zone {
	BLK_TEST_HIGH, /* above 16 MiB: an ISA device cannot reach it */
	BLK_TEST_DMA,  /* ZONE_DMA, below 16 MiB */
};

#define ISA_LIMIT_PFN ((16UL << 20) >> PAGE_SHIFT)

/*
 * A ramdisk as @cfg says (sectors 0: 2048, i.e. 1 MiB), its medium all
 * allocated (written with zeros); destroy it with ramdisk_destroy.
 */
struct ramdisk *blk_test_disk(struct ktest *t, const struct ramdisk_config *cfg);

/* One page from @zone (ASSERTed to be there); __free_page it. */
struct page *blk_test_page(struct ktest *t, enum blk_test_zone zone);

/* Fill @len bytes with a pattern of @seed; check them. */
void blk_test_fill(void *p, size_t len, unsigned int seed);
bool blk_test_holds(const void *p, size_t len, unsigned int seed);

/* Does the medium hold @seed's pattern for @len bytes at byte @pos? */
bool blk_test_disk_holds(struct ramdisk *rd, u64 pos, size_t len, unsigned int seed);

/* struct bio_result, bio_result_init/end_io/wait: in "ktest_blk.h". */

/*
 * blk_test_bio - a bio from fs_bio_set (GFP_KERNEL) for @rd at @sector,
 * direction @rw, one whole page per entry of @pages (blk_test_add_vec),
 * ending into @r.
 */
/*
 * blk_test_add_vec - append a vec (@len bytes at @offset of @page) to @bio
 * by hand, as bio_add_page does for a new vec but with no queue limit and no
 * merging: the suites of requests, bouncing and the driver build their bios
 * without bio_add_page, so labs/block grades a student's bio_add_page by its
 * own cases only.  ASSERTs the vec fits the bio and the page.
 */
void blk_test_add_vec(struct ktest *t, struct bio *bio, struct page *page, unsigned int len,
		      unsigned int offset);

struct bio *blk_test_bio(struct ktest *t, struct ramdisk *rd, int rw, sector_t sector,
			 struct page **pages, int n, struct bio_result *r);

/*
 * blk_test_need_isa - skip the case (call it first, before allocating) when
 * there is no ISA bounce pool: with much RAM the boot allocations can take
 * all of ZONE_DMA, and then nothing can be bounced below 16 MiB.
 */
void blk_test_need_isa(struct ktest *t);

/*
 * blk_test_need_mempool_debug - skip the case (call it first, before
 * allocating) in a kernel built without CONFIG_DEBUG_MEMPOOL: a case that
 * needs the mempool's deadlock rule to turn a wait that cannot end into a
 * NULL would hang there, as 3.10 does.
 */
void blk_test_need_mempool_debug(struct ktest *t);

/*
 * blk_test_make_isa_pool - a suite init: make the ISA bounce pool before the
 * first case counts pages (it lives for ever).  Returns 0 even when it
 * cannot be made: the cases that need it skip themselves.
 */
int blk_test_make_isa_pool(void);

/* Poll (1 ms steps, up to 5 s) until a task sleeps on @wq; false if none did. */
bool blk_test_wait_for_sleeper(wait_queue_head_t *wq);

/* "Every allocation fails": failslab (and fail_page_alloc with @pages) at 100%, sleepers too. */
void blk_test_fail_all(bool pages);
/* Fail @percent of slab (and page) allocations, sleepers too, from PRNG seed @seed. */
void blk_test_fail_some(unsigned int percent, bool slab, bool pages, u64 seed);
/* Injection off, defaults back. */
void blk_test_fail_none(void);

#endif
