/*
 * SPDX-License-Identifier: MIT
 * block/bounce.c - bounce buffers: I/O for devices that cannot reach all
 * of memory (Linux 3.10's mm/bounce.c; the limit is set by
 * blk_queue_bounce_limit in block/blk-settings.c).
 *
 * An ISA DMA controller reaches only the first 16 MiB.  A bio with a page
 * above a queue's limit is replaced, on its way to the driver, by a clone
 * from fs_bio_set whose out-of-reach pages are pages of the ISA pool:
 *
 *   original bio (the caller's)            bounce bio (fs_bio_set, BIO_BOUNCED)
 *   bi_io_vec:                             bi_io_vec:
 *     [0] page @ 40 MiB  -- copy in -->      [0] page @ 3 MiB   (from isa_page_pool)
 *     [1] page @ 9 MiB   (reachable) ----    [1] page @ 9 MiB   (the same page)
 *     [2] page @ 70 MiB  -- copy in -->      [2] page @ 5 MiB   (from isa_page_pool)
 *         (write: data copied in now; read: copied back on completion)
 *
 *   bounce bio completes (softirq/hardirq): bounce_end_io_{read,write}_isa
 *     read and no error: copy [0] and [2] back into the original's pages
 *     give back every page that differs from the original's: [0] and [2]
 *     bio_endio(original, error); bio_put(bounce bio)
 *
 * Whether to bounce is decided from bi_idx on (what is left to do), but the
 * clone has all the original's vecs and every one above the limit is
 * replaced - those before bi_idx too, which the device never touches.
 * That is 3.10 (bio_for_each_segment decides, bio_for_each_segment_all
 * replaces and gives back), kept so the two read alike.
 *
 * The pools.  3.10 has two: the ISA pool (ISA_POOL_SIZE = 16 pages of
 * ZONE_DMA, made by the first queue with an ISA limit) and the page pool
 * (64 pages, made at boot only with CONFIG_HIGHMEM or
 * CONFIG_NEED_BOUNCE_POOL, which x86_64 sets only for bio integrity with
 * ext3's JBD: stable-page snapshots).  We have no highmem, no bio
 * integrity and no JBD, so, as such an x86_64 3.10, no page pool: a limit
 * that is not ISA DMA never bounces (blk_queue_bounce_limit makes its
 * bounce_pfn at least max_low_pfn, which is all of memory).
 *
 * Many CPUs: a bounce bio ends on whichever CPU ends its request (the
 * submitter's, block/blk-softirq.c) and gives its pages back to the ISA
 * pool there; the pool locks itself, and bounce_stats are atomic.
 *
 * Sleeping: the clone and the pages are allocated with GFP_NOIO from
 * mempools, so they do not fail where the caller may sleep (unless the
 * mempool diagnoses a deadlock).  Where it may not, mempool_alloc's
 * might_sleep prints "BUG: sleeping function called from invalid
 * context" and the allocation goes on without sleeping - the warning 3.10
 * prints there too (CONFIG_DEBUG_ATOMIC_SLEEP); blk_make_request(9)'s
 * "will BUG" is that message.  With the pool empty as well, 3.10 tries
 * the page allocator again with the full sleeping mask (direct reclaim) and
 * then sleeps in io_schedule_timeout ("BUG: scheduling while atomic",
 * printed whatever the config); we fail the bio with -ENOMEM.
 */
#include <block/blkdev.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/trace.h>
#include <mm/mempool.h>
#include <string.h>

#include "blk.h"

mempool_t *isa_page_pool;
struct bounce_stats bounce_stats;

#define stat_add(field, n) __atomic_add_fetch(&bounce_stats.field, (n), __ATOMIC_RELAXED)

static void *bounce_alloc_isa_page(gfp_t gfp, void *data)
{
	return mempool_alloc_pages(gfp | __GFP_DMA, data);
}

int init_emergency_isa_pool(void)
{
	mempool_t *p;

	if (READ_ONCE(isa_page_pool))
		return 0;
	p = mempool_create(ISA_POOL_SIZE, bounce_alloc_isa_page, mempool_free_pages, (void *)0);
	if (!p)
		return -ENOMEM;
	mempool_set_name(p, "bounce-isa");
	/* mempool_create may sleep, so two threads can race here; the loser's pool goes. */
	if (!__atomic_compare_exchange_n(&isa_page_pool, &(mempool_t *){ NULL }, p, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		mempool_destroy(p);
		return 0;
	}
	pr_info("isa bounce pool size: %d pages\n", ISA_POOL_SIZE);
	return 0;
}

/* ---- completion ---- */

/* Copy what the device read into the bounce pages back into the original's pages. */
static void copy_to_high_bio_irq(struct bio *to, struct bio *from)
{
	struct bio_vec *tovec;
	int i;

	bio_for_each_segment(tovec, to, i) {
		struct bio_vec *fromvec = bio_iovec_idx(from, i);

		if (tovec->bv_page == fromvec->bv_page)
			continue;
		memcpy((char *)page_address(tovec->bv_page) + tovec->bv_offset,
		       (char *)page_address(fromvec->bv_page) + tovec->bv_offset, tovec->bv_len);
	}
}

/* Give back every page of @bio that is not the original's, in all its vecs. */
static void bounce_free_pages(struct bio *bio, struct bio *orig)
{
	struct bio_vec *bvec;
	unsigned long n = 0;
	int i;

	bio_for_each_segment_all(bvec, bio, i) {
		if (bvec->bv_page == bio_iovec_idx(orig, i)->bv_page)
			continue;
		mempool_free(bvec->bv_page, isa_page_pool);
		n++;
	}
	__atomic_sub_fetch(&bounce_stats.pages_in_use, n, __ATOMIC_RELAXED);
}

static void bounce_end_io_write_isa(struct bio *bio, int err)
{
	struct bio *orig = bio->bi_private;

	bounce_free_pages(bio, orig);
	bio_endio(orig, err);
	bio_put(bio);
}

static void bounce_end_io_read_isa(struct bio *bio, int err)
{
	if (!err && bio_flagged(bio, BIO_UPTODATE))
		copy_to_high_bio_irq(bio->bi_private, bio);
	bounce_end_io_write_isa(bio, err);
}

struct bio *blk_bounce_discard(struct bio *bounce)
{
	struct bio *orig = bounce->bi_private;

	bounce_free_pages(bounce, orig);
	bio_put(bounce);
	return orig;
}

#ifdef CONFIG_DEBUG_MEMPOOL
void bounce_mark_in_flight(struct bio *bio)
{
	struct bio *orig = bio->bi_private;
	struct bio_vec *bvec;
	int i;

	bio_for_each_segment_all(bvec, bio, i)
		if (bvec->bv_page != bio_iovec_idx(orig, i)->bv_page)
			mempool_mark_in_flight(isa_page_pool, bvec->bv_page);
	bio_mark_in_flight(orig);
}
#endif

/* ---- bouncing ---- */

/* Does any vec still to do (from bi_idx) lie above the limit? */
static bool bio_needs_bounce(struct request_queue *q, struct bio *bio)
{
	struct bio_vec *bvec;
	int i;

	bio_for_each_segment(bvec, bio, i)
		if (page_to_pfn(bvec->bv_page) > queue_bounce_pfn(q))
			return true;
	return false;
}

/*
 * Swap each page of the clone @bio above the limit - every vec, from 0 -
 * for an ISA pool page, the data copied in for a write.  -ENOMEM if a page
 * could not be had (the ones swapped so far are left for the caller).
 */
static int bounce_swap_pages(struct request_queue *q, struct bio *bio)
{
	struct bio_vec *to;
	int i;

	bio_for_each_segment_all(to, bio, i) {
		struct page *page;

		if (page_to_pfn(to->bv_page) <= queue_bounce_pfn(q))
			continue;
		page = mempool_alloc(isa_page_pool, q->bounce_gfp);
		if (!page)
			return -ENOMEM;
		if (bio_data_dir(bio) == WRITE)
			memcpy((char *)page_address(page) + to->bv_offset,
			       (char *)page_address(to->bv_page) + to->bv_offset, to->bv_len);
		to->bv_page = page;
		stat_add(pages, 1);
		stat_add(pages_in_use, 1);
	}
	return 0;
}

/* 3.10's __blk_queue_bounce: the clone, its pages, its end_io. */
static int __blk_queue_bounce(struct request_queue *q, struct bio **bio_orig)
{
	struct bio *orig = *bio_orig, *bio;

	if (!bio_needs_bounce(q, orig))
		return 0;
	/* 3.10 BUG()s with no pool, its GFP_NOIO never fails; we fail: docs/linux-3.10.md */
	bio = isa_page_pool ? bio_clone_bioset(orig, GFP_NOIO, fs_bio_set) : NULL;
	if (!bio)
		goto fail;
	bio->bi_end_io =
		bio_data_dir(orig) == READ ? bounce_end_io_read_isa : bounce_end_io_write_isa;
	bio->bi_private = orig;
	bio->bi_flags |= 1UL << BIO_BOUNCED;
	if (bounce_swap_pages(q, bio)) {
		blk_bounce_discard(bio);
		goto fail;
	}
	stat_add(bios, 1);
	trace_bio(TE_BLK_QUEUE_BOUNCE, bio, NULL, (uintptr_t)orig);
	*bio_orig = bio;
	return 0;

fail:
	stat_add(failures, 1);
	return -ENOMEM;
}

int __blk_queue_bounce_slow(struct request_queue *q, struct bio **bio_orig)
{
	if (!(q->bounce_gfp & __GFP_DMA)) {
		/* Only a bounce_pfn written by hand gets here: blk_queue_bounce_limit sets none. */
		/* 3.10 bounces into a page pool x86_64 lacks; we WARN, -EIO: docs/linux-3.10.md */
		return WARN_ON_ONCE(bio_needs_bounce(q, *bio_orig)) ? -EIO : 0;
	}
	return __blk_queue_bounce(q, bio_orig);
}
