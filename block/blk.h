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
 * (mempool_mark_in_flight).  Nothing for a kmalloc'ed bio, nor without
 * CONFIG_DEBUG_MEMPOOL (the pools record nothing).  Context: any.
 */
static inline void bio_mark_in_flight(struct bio *bio)
{
	struct bio_set *bs = bio->bi_pool;

	if (!bs)
		return;
	/* Inline: mempool_mark_in_flight is a test when the pool recorded nothing. */
	mempool_mark_in_flight(bs->bio_pool, (char *)bio - bs->front_pad);
	if (BIO_POOL_IDX(bio) == BIOVEC_MAX_IDX)
		mempool_mark_in_flight(bs->bvec_pool, bio->bi_io_vec);
}

/* blk-core.c: the request cache.  Context: thread (boot). */
void blk_dev_init(void);

#ifdef CONFIG_DEBUG_MEMPOOL
/*
 * blk_rq_mark_in_flight - @rq goes to the driver: mark it, its bios, and
 * the bounce pages and original bios behind bounce bios, in flight.
 * Without CONFIG_DEBUG_MEMPOOL there is nothing to mark: it does nothing.
 */
void blk_rq_mark_in_flight(struct request *rq);

/*
 * bounce_mark_in_flight - @bio is a bounce bio going to the driver: mark
 * its bounce pages and its original bio in flight.  Context: any.
 */
void bounce_mark_in_flight(struct bio *bio);
#else
static inline void blk_rq_mark_in_flight(struct request *rq)
{
}
#endif

/* blk_account_io_start - count @rq (data requests) in its disk's stats.  Queue lock held. */
void blk_account_io_start(struct request *rq);

/* blk-softirq.c: open BLOCK_SOFTIRQ.  Context: thread (boot). */
void blk_softirq_init(void);

/* blk-settings.c: blk_max_pfn and blk_max_low_pfn from max_pfn.  Context: boot. */
void blk_settings_init(void);

/*
 * blk_bounce_discard - undo blk_queue_bounce for a bounce bio that was
 * never submitted: give its pages back and put it, without ending the
 * original.  Returns the original bio.  Context: any.
 */
struct bio *blk_bounce_discard(struct bio *bounce);

/*
 * ---- a buffer into a bio chain: blkdev_issue_rw (blk-map.c) and the
 * functions of blk-chain.c it builds its chains with ----
 */

/* One blkdev_issue_rw call. */
struct kern_io {
	struct block_device *bdev;
	struct request_queue *q;
	int rw;
	gfp_t gfp;
	int error; /* the first error a bio ended with */
	struct blk_map_stats *stats;
};

/*
 * kern_alloc_bio - a bio for up to @nr vecs of @io's transfer (bdev, rw,
 * end_io and private set).  The first of a chain (@first) comes from
 * fs_bio_set with the caller's gfp (with __GFP_WAIT it does not fail); the
 * others by bio_kmalloc without sleeping - and if @nr vecs cannot be had,
 * a smaller bio (BIO_INLINE_VECS) is better than none.  NULL if nothing
 * could be had.  blk-map.c.
 */
struct bio *kern_alloc_bio(struct kern_io *io, bool first, unsigned int nr);

/*
 * kern_trim_chain - remove the last @bytes of @chain (bios left empty are
 * put); returns the chain, NULL if nothing is left.  __kern_trim_chain is
 * blk-map.c; nothing to remove (a chain of whole blocks, the usual case)
 * costs no call.
 */
struct bio *__kern_trim_chain(struct bio *chain, size_t bytes);

static inline struct bio *kern_trim_chain(struct bio *chain, size_t bytes)
{
	return bytes ? __kern_trim_chain(chain, bytes) : chain;
}

/*
 * kern_count_pieces - the vecs @q needs for [@addr, @addr + @len) of the
 * direct map, counting at most @max: a vec ends where a page ends, at
 * max_segment_size, and at each seg_boundary_mask boundary.  blk-chain.c.
 */
unsigned int kern_count_pieces(struct request_queue *q, unsigned long addr, size_t len,
			       unsigned int max);

/*
 * kern_fill_bio - add the pieces of [@addr, @addr + @len) to @bio with
 * bio_add_pc_page, in order, while it takes them; returns the bytes added
 * (a prefix: what did not fit is left out).  blk-chain.c.
 */
size_t kern_fill_bio(struct request_queue *q, struct bio *bio, unsigned long addr, size_t len);

/*
 * kern_build_chain - the bio chain for up to @len bytes at @addr (@len fits
 * one request of @io->q), trimmed to whole logical blocks; *@bytes gets
 * what it holds.  NULL with *@bytes 0: not even the first bio could be had
 * (-ENOMEM); NULL with *@bytes 1: the queue's limits do not let one request
 * hold a logical block (-EINVAL).  blk-chain.c.
 */
struct bio *kern_build_chain(struct kern_io *io, unsigned long addr, size_t len, size_t *bytes);

/* The original bio behind a bounce bio, or @bio itself. */
static inline struct bio *bio_orig(struct bio *bio)
{
	return bio_flagged(bio, BIO_BOUNCED) ? bio->bi_private : bio;
}

#endif
