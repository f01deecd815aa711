/*
 * SPDX-License-Identifier: MIT
 * block/bio.c - building, cloning and ending bios (Linux 3.10's fs/bio.c,
 * the parts that are not allocation: those are in block/bio_set.c).
 *
 * The contract is include/block/bio.h; docs/block.md draws a bio chain.
 *
 * One choice differs from Linux and matters to drivers: a vec is a
 * segment.  Linux merges physically contiguous vecs into one "hardware
 * segment" and makes drivers map requests through blk_rq_map_sg; here
 * nothing is merged across vecs, so a driver can give the device one
 * descriptor per vec (rq_for_each_segment), and the limits a device
 * states (max_segments, max_segment_size, seg_boundary_mask) hold for
 * vecs.  bio_add_page (block/blk-chain.c) enforces them as pieces are
 * added; a piece that continues the previous vec in the same page is
 * merged into that vec when the merged vec still fits.
 *
 * No locks: a bio has one owner until it is submitted.
 */
#include <block/bio.h>
#include <block/blkdev.h>
#include <kernel/panic.h>
#include <kernel/perf.h>
#include <kernel/trace.h>
#include <string.h>

void bio_init(struct bio *bio)
{
	__builtin_memset(bio, 0, sizeof(*bio)); /* the compiler's, inline: the size is known */
	bio->bi_flags = 1UL << BIO_UPTODATE;
	bio->bi_cnt = 1;
}

DEFINE_PERF_LAYER(perf_bio_endio, "bio endio");

void bio_endio(struct bio *bio, int error)
{
	PERF_SCOPE(&perf_bio_endio);
	trace_bio(TE_BIO_ENDIO, bio, NULL, error);
	if (error)
		bio->bi_flags &= ~(1UL << BIO_UPTODATE);
	else if (!bio_flagged(bio, BIO_UPTODATE))
		error = -EIO;
	if (bio->bi_end_io)
		bio->bi_end_io(bio, error);
}

void bio_advance(struct bio *bio, unsigned int bytes)
{
	if (WARN_ON_ONCE(bytes > bio->bi_size))
		bytes = bio->bi_size;
	bio->bi_sector += bytes >> SECTOR_SHIFT;
	bio->bi_size -= bytes;
	if (!bio->bi_size) { /* all of it (a whole completion): every vec left is done */
		bio->bi_idx = bio->bi_vcnt;
		return;
	}
	while (bytes) {
		struct bio_vec *bv = bio_iovec(bio);

		if (WARN_ON_ONCE(bio->bi_idx >= bio->bi_vcnt))
			break;
		if (bytes < bv->bv_len) { /* a part of this vec: a partial completion */
			bv->bv_len -= bytes;
			bv->bv_offset += bytes;
			break;
		}
		bytes -= bv->bv_len;
		bio->bi_idx++;
	}
}

void __bio_clone(struct bio *bio, struct bio *bio_src)
{
	memcpy(bio->bi_io_vec, bio_src->bi_io_vec, bio_src->bi_max_vecs * sizeof(struct bio_vec));
	bio->bi_sector = bio_src->bi_sector;
	bio->bi_bdev = bio_src->bi_bdev;
	bio->bi_flags |= 1UL << BIO_CLONED;
	bio->bi_rw = bio_src->bi_rw;
	bio->bi_vcnt = bio_src->bi_vcnt;
	bio->bi_size = bio_src->bi_size;
	bio->bi_idx = bio_src->bi_idx;
	bio->bi_phys_segments = bio_src->bi_phys_segments;
}

struct bio *bio_clone_bioset(struct bio *bio, gfp_t gfp_mask, struct bio_set *bs)
{
	struct bio *b = bio_alloc_bioset(gfp_mask, bio->bi_max_vecs, bs);

	if (b)
		__bio_clone(b, bio);
	return b;
}

struct bio *bio_clone(struct bio *bio, gfp_t gfp_mask)
{
	return bio_clone_bioset(bio, gfp_mask, fs_bio_set);
}

struct bio *bio_clone_kmalloc(struct bio *bio, gfp_t gfp_mask)
{
	return bio_clone_bioset(bio, gfp_mask, NULL);
}
