/*
 * SPDX-License-Identifier: MIT
 * block/blk-map.c - kernel buffers into bios and requests: bio_map_kern,
 * blk_rq_map_kern (Linux 3.10's fs/bio.c and block/blk-map.c), and
 * blkdev_issue_rw, which moves a large buffer as a series of requests
 * following blk_make_request(9)'s advice:
 *
 *   "you cannot use __GFP_WAIT for anything but the first bio in the chain
 *    ... Alternatively bios should be allocated using bio_kmalloc ...
 *    If possible a big IO should be split into smaller parts when
 *    allocation fails.  Partial allocation should not be an error, or you
 *    risk a live-lock."
 *
 * One part of blkdev_issue_rw:
 *
 *   buffer  [=============================================]  len
 *            <--- as much as one request may hold ---><rest: next parts>
 *   chain    bio 0 (bio_alloc, gfp: may sleep, never fails)
 *              -> bio 1 (bio_kmalloc, no sleep; fewer vecs if need be)
 *              -> bio 2 (bio_kmalloc fails: the chain stops here,
 *                        the part is what bios 0 and 1 hold)
 *   trimmed to a multiple of the logical block size
 *   rq = blk_make_request(q, chain, gfp)
 *        -ENOMEM (bouncing needed more than could be had):
 *          halve the chain, try again; one vec that still fails: -ENOMEM
 *   rq->cmd_type = REQ_TYPE_FS; rq->__sector = sector; blk_execute_rq
 *   each bio's end_io records the first error and puts the bio
 *
 * A piece of the buffer is cut where a page ends, where the queue's
 * max_segment_size ends, and at each seg_boundary_mask boundary, so every
 * vec is a segment the device takes.  The pieces and the chain are made in
 * block/blk-chain.c (kern_count_pieces, kern_fill_bio, kern_build_chain).
 */
#include <block/blkdev.h>
#include <kernel/err.h>
#include <kernel/panic.h>
#include <kernel/perf.h>
#include <mm/mm.h>

#include "blk.h"

static void bio_map_kern_endio(struct bio *bio, int error)
{
	bio_put(bio);
}

struct bio *bio_map_kern(struct request_queue *q, void *data, unsigned int len, gfp_t gfp_mask)
{
	unsigned long addr = (unsigned long)data;
	unsigned int nr;
	struct bio *bio;

	if (!len || len > (queue_max_hw_sectors(q) << SECTOR_SHIFT))
		return ERR_PTR(-EINVAL);
	nr = kern_count_pieces(q, addr, len, queue_max_segments(q) + 1);
	if (nr > queue_max_segments(q))
		return ERR_PTR(-EINVAL);
	bio = bio_kmalloc(gfp_mask, nr);
	if (!bio)
		return ERR_PTR(-ENOMEM);
	if (kern_fill_bio(q, bio, addr, len) != len) {
		bio_put(bio);
		return ERR_PTR(-EINVAL);
	}
	bio->bi_end_io = bio_map_kern_endio;
	return bio;
}

int blk_rq_map_kern(struct request_queue *q, struct request *rq, void *kbuf, unsigned int len,
		    gfp_t gfp_mask)
{
	struct bio *orig = bio_map_kern(q, kbuf, len, gfp_mask), *bio;
	int err;

	if (IS_ERR(orig))
		return PTR_ERR(orig);
	if (rq_data_dir(rq) == WRITE)
		orig->bi_rw |= REQ_WRITE;
	bio = orig;
	err = blk_queue_bounce(q, &bio);
	if (err)
		goto put;
	err = blk_rq_append_bio(q, rq, bio);
	if (!err)
		return 0;
	if (bio != orig)
		blk_bounce_discard(bio);
put:
	bio_put(orig);
	return err;
}

/* ---- blkdev_issue_rw (its chain is built by kern_build_chain, block/blk-chain.c) ---- */

static void kern_io_endio(struct bio *bio, int error)
{
	struct kern_io *io = bio->bi_private;

	if (error && !io->error)
		io->error = error;
	bio_put(bio);
}

struct bio *kern_alloc_bio(struct kern_io *io, bool first, unsigned int nr)
{
	gfp_t nowait = io->gfp & ~__GFP_WAIT;
	struct bio *bio;

	if (first)
		bio = bio_alloc(io->gfp, nr);
	else
		bio = bio_kmalloc(nowait, nr);
	if (!bio && !first && nr > BIO_INLINE_VECS)
		bio = bio_kmalloc(nowait, BIO_INLINE_VECS);
	if (!bio)
		return NULL;
	bio->bi_bdev = io->bdev;
	bio->bi_rw = io->rw;
	bio->bi_end_io = kern_io_endio;
	bio->bi_private = io;
	return bio;
}

static void kern_put_chain(struct bio *bio)
{
	while (bio) {
		struct bio *next = bio->bi_next;

		bio_put(bio);
		bio = next;
	}
}

struct bio *__kern_trim_chain(struct bio *chain, size_t bytes)
{
	while (bytes && chain) {
		struct bio *last = chain, *prev = NULL;
		struct bio_vec *bv;

		while (last->bi_next) {
			prev = last;
			last = last->bi_next;
		}
		bv = &last->bi_io_vec[last->bi_vcnt - 1];
		if (bv->bv_len <= bytes) {
			bytes -= bv->bv_len;
			last->bi_size -= bv->bv_len;
			last->bi_vcnt--;
		} else {
			bv->bv_len -= bytes;
			last->bi_size -= bytes;
			bytes = 0;
		}
		if (!last->bi_vcnt) {
			bio_put(last);
			if (!prev)
				return NULL;
			prev->bi_next = NULL;
		}
	}
	return chain;
}

/* Bytes a chain holds. */
static size_t kern_chain_bytes(struct bio *chain)
{
	size_t n = 0;

	for_each_bio(chain)
		n += chain->bi_size;
	return n;
}

/*
 * Make the request for @chain, halving the chain (in whole blocks) each
 * time blk_make_request says -ENOMEM.  On success *@chainp may be shorter.
 */
static struct request *kern_make_request(struct kern_io *io, struct bio **chainp)
{
	unsigned int lbs = queue_logical_block_size(io->q);

	for (;;) {
		struct request *rq = blk_make_request(io->q, *chainp, io->gfp);
		size_t bytes, half;

		if (!IS_ERR(rq) || PTR_ERR(rq) != -ENOMEM)
			return rq;
		bytes = kern_chain_bytes(*chainp); /* the chain is the caller's again */
		half = (bytes / 2) - (bytes / 2) % lbs;
		if (!half)
			return rq;
		if (io->stats)
			io->stats->retries++;
		*chainp = kern_trim_chain(*chainp, bytes - half);
	}
}

DEFINE_PERF_LAYER(perf_bio_chain, "bio chain, request");

/* One request's worth at @sector; returns the bytes done or -errno. */
static long kern_io_part(struct kern_io *io, sector_t sector, unsigned long addr, size_t len)
{
	size_t max = (size_t)queue_max_hw_sectors(io->q) << SECTOR_SHIFT, bytes;
	struct bio *chain = perf_call(&perf_bio_chain,
				      kern_build_chain(io, addr, len < max ? len : max, &bytes));
	struct request *rq;
	int err;

	if (!chain)
		return bytes ? -EINVAL : -ENOMEM;
	rq = perf_call(&perf_bio_chain, kern_make_request(io, &chain));
	if (IS_ERR(rq)) {
		kern_put_chain(chain);
		return PTR_ERR(rq);
	}
	bytes = blk_rq_bytes(rq);
	if (io->stats) {
		struct bio *b;

		io->stats->requests++;
		__rq_for_each_bio(b, rq)
			io->stats->bios++;
	}
	rq->cmd_type = REQ_TYPE_FS; /* finishing the request: a read/write at @sector */
	rq->__sector = sector;
	err = blk_execute_rq(io->q, io->bdev->bd_disk, rq, 0);
	blk_put_request(rq);
	if (io->error)
		return io->error;
	return err ? err : (long)bytes;
}

int blkdev_issue_rw(struct block_device *bdev, int rw, sector_t sector, void *buf, size_t len,
		    gfp_t gfp_mask, struct blk_map_stats *stats)
{
	struct kern_io io = { .bdev = bdev,
			      .q = bdev_get_queue(bdev),
			      .rw = rw & RW_MASK,
			      .gfp = gfp_mask,
			      .stats = stats };
	unsigned int lbs = queue_logical_block_size(io.q);
	unsigned long addr = (unsigned long)buf;

	if (!len || len % lbs || ((sector << SECTOR_SHIFT) % lbs))
		return -EINVAL;
	while (len) {
		long done = kern_io_part(&io, sector, addr, len);

		if (done < 0)
			return done;
		sector += done >> SECTOR_SHIFT;
		addr += done;
		len -= done;
	}
	return 0;
}
