/*
 * SPDX-License-Identifier: MIT
 * block/blk.h - what the files of block/ share and nobody else needs.
 */
#ifndef BLOCK_BLK_H
#define BLOCK_BLK_H

#include <block/bio.h>
#include <block/blkdev.h>

/* bio_set.c: the biovec slabs and fs_bio_set.  Context: thread (boot). */
void bio_set_init(void);

/*
 * bio_mark_in_flight - @bio (and its vec array) has been handed to the
 * block layer: tell their mempools it is no longer held by its allocator
 * (mempool_mark_in_flight).  Nothing for a kmalloc'ed bio.  Context: any.
 */
void bio_mark_in_flight(struct bio *bio);

/* blk-core.c: the request cache.  Context: thread (boot). */
void blk_dev_init(void);

/*
 * blk_rq_mark_in_flight - @rq goes to the driver: mark it, its bios, and
 * the bounce pages and original bios behind bounce bios, in flight.
 */
void blk_rq_mark_in_flight(struct request *rq);

/* blk_account_io_start - count @rq (data requests) in its disk's stats.  Queue lock held. */
void blk_account_io_start(struct request *rq);

/* blk-softirq.c: open BLOCK_SOFTIRQ.  Context: thread (boot). */
void blk_softirq_init(void);

/* blk-settings.c: blk_max_pfn and blk_max_low_pfn from max_pfn.  Context: boot. */
void blk_settings_init(void);

/*
 * bounce_mark_in_flight - @bio is a bounce bio going to the driver: mark
 * its bounce pages and its original bio in flight.  Context: any.
 */
void bounce_mark_in_flight(struct bio *bio);

/*
 * blk_bounce_discard - undo blk_queue_bounce for a bounce bio that was
 * never submitted: give its pages back and put it, without ending the
 * original.  Returns the original bio.  Context: any.
 */
struct bio *blk_bounce_discard(struct bio *bounce);

/* The original bio behind a bounce bio, or @bio itself. */
static inline struct bio *bio_orig(struct bio *bio)
{
	return bio_flagged(bio, BIO_BOUNCED) ? bio->bi_private : bio;
}

#endif
