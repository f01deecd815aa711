/*
 * SPDX-License-Identifier: MIT
 * block/blk-chain.c - from a buffer to a request: pieces into a bio
 * (bio_add_page, Linux 3.10's fs/bio.c), a buffer into a bio chain
 * (kern_build_chain, for blkdev_issue_rw in blk-map.c), and a chain into
 * a request (blk_rq_append_bio, blk_make_request: 3.10's block/blk-map.c
 * and block/blk-core.c).  The reference for labs/block/.
 *
 *   buffer [=========================================]
 *     kern_build_chain: cut into pieces the queue takes (kern_piece_len),
 *     bio 0 -> bio 1 -> ...  filled with bio_add_pc_page (kern_fill_bio)
 *   blk_make_request(q, chain, gfp)
 *     blk_get_request; for each bio: blk_queue_bounce, blk_rq_append_bio
 *     any error: blk_rq_unmake - bounce bios dropped, chain relinked, request put
 *
 * The limits are the queue's (docs/block.md, "A bio chain and its
 * bio_vecs"): a vec is a segment here, so max_segments, max_segment_size
 * and seg_boundary_mask hold for every vec, and max_sectors (max_hw_sectors
 * for BLOCK_PC) for the bio.  No locks: a bio and a chain have one owner
 * until they are submitted.
 */
#include <block/blkdev.h>
#include <kernel/err.h>
#include <kernel/panic.h>
#include <kernel/trace.h>
#include <mm/mm.h>

#include "blk.h"

/* ---- pieces into a bio ---- */

/*
 * bvec_can_extend - may the piece (@len bytes at @offset of @page) be
 * merged into the bio's last vec @prev?  Only if it is the same page, the
 * piece starts right where @prev ends, and the merged vec is still one
 * segment @q accepts (blk_seg_fits: max_segment_size, the boundary).
 */
static bool bvec_can_extend(struct request_queue *q, const struct bio_vec *prev, struct page *page,
			    unsigned int len, unsigned int offset)
{
	return prev->bv_page == page && prev->bv_offset + prev->bv_len == offset &&
	       blk_seg_fits(q, page_to_phys(page) + prev->bv_offset, prev->bv_len + len);
}

/*
 * __bio_add_page - bio_add_page with the sector limit given: @max_sectors
 * (max_sectors for FS bios, max_hw_sectors for BLOCK_PC).  All or nothing:
 * returns @len, or 0 with @bio unchanged when
 *   - @bio is a clone (it shares its vecs with the original);
 *   - the piece is empty or does not lie inside its page;
 *   - bi_size would pass @max_sectors;
 *   - it cannot be merged into the last vec and a new vec would pass
 *     bi_max_vecs or the queue's max_segments, or is not one segment the
 *     queue accepts (blk_seg_fits).
 * A new vec also keeps bi_phys_segments (= bi_vcnt: a vec is a segment)
 * and BIO_SEG_VALID up to date.
 */
static __always_inline int __bio_add_page(struct request_queue *q, struct bio *bio,
					  struct page *page, unsigned int len, unsigned int offset,
					  unsigned int max_sectors)
{
	struct bio_vec *bv;

	if (bio_flagged(bio, BIO_CLONED))
		return 0;
	if (!len || offset >= PAGE_SIZE || len > PAGE_SIZE - offset)
		return 0;
	if (((u64)bio->bi_size + len) > ((u64)max_sectors << SECTOR_SHIFT))
		return 0;
	if (bio->bi_vcnt > 0 &&
	    bvec_can_extend(q, &bio->bi_io_vec[bio->bi_vcnt - 1], page, len, offset)) {
		bio->bi_io_vec[bio->bi_vcnt - 1].bv_len += len;
		goto done;
	}
	if (bio->bi_vcnt >= bio->bi_max_vecs)
		return 0;
	if (bio->bi_vcnt >= queue_max_segments(q))
		return 0;
	if (!blk_seg_fits(q, page_to_phys(page) + offset, len))
		return 0;
	bv = &bio->bi_io_vec[bio->bi_vcnt];
	bv->bv_page = page;
	bv->bv_len = len;
	bv->bv_offset = offset;
	bio->bi_vcnt++;
	bio->bi_phys_segments = bio->bi_vcnt;
	bio->bi_flags |= 1UL << BIO_SEG_VALID;
done:
	bio->bi_size += len;
	return len;
}

/* bio_add_page, bio_add_pc_page: the contract is in <block/bio.h>. */
int bio_add_page(struct bio *bio, struct page *page, unsigned int len, unsigned int offset)
{
	struct request_queue *q;

	if (WARN_ON_ONCE(!bio->bi_bdev || !bdev_get_queue(bio->bi_bdev)))
		return 0;
	q = bdev_get_queue(bio->bi_bdev);
	return __bio_add_page(q, bio, page, len, offset, queue_max_sectors(q));
}

int bio_add_pc_page(struct request_queue *q, struct bio *bio, struct page *page, unsigned int len,
		    unsigned int offset)
{
	return __bio_add_page(q, bio, page, len, offset, queue_max_hw_sectors(q));
}

/* ---- a buffer into a bio chain ---- */

/*
 * kern_piece_len - the longest vec starting at @addr (direct map), at most
 * @left bytes, that @q accepts: it ends where the page ends, at
 * max_segment_size, and at the next seg_boundary_mask boundary.
 */
static unsigned int kern_piece_len(struct request_queue *q, unsigned long addr, size_t left)
{
	unsigned long mask = queue_segment_boundary(q);
	phys_addr_t phys = __pa((void *)addr);
	size_t n = PAGE_SIZE - (addr & ~PAGE_MASK);

	if (n > left)
		n = left;
	if (n > queue_max_segment_size(q))
		n = queue_max_segment_size(q);
	if (n > mask - (phys & mask) + 1)
		n = mask - (phys & mask) + 1;
	return n;
}

/*
 * kern_count_pieces, kern_fill_bio, kern_build_chain: the contracts are in blk.h.
 * The first two are inline here (no call per bio of a chain) and external for
 * blk-map.c: blk.h declares them without inline, so C emits them as well.
 */
__always_inline unsigned int kern_count_pieces(struct request_queue *q, unsigned long addr,
					       size_t len, unsigned int max)
{
	unsigned int nr = 0;

	while (len && nr < max) {
		unsigned int n = kern_piece_len(q, addr, len);

		addr += n;
		len -= n;
		nr++;
	}
	return nr;
}

__always_inline size_t kern_fill_bio(struct request_queue *q, struct bio *bio, unsigned long addr,
				     size_t len)
{
	size_t added = 0;

	while (added < len) {
		unsigned long a = addr + added;
		unsigned int n = kern_piece_len(q, a, len - added);

		/* bio_add_pc_page, inlined: a call less per piece */
		if (!__bio_add_page(q, bio, virt_to_page((void *)a), n, a & ~PAGE_MASK,
				    queue_max_hw_sectors(q)))
			break;
		added += n;
	}
	return added;
}

struct bio *kern_build_chain(struct kern_io *io, unsigned long addr, size_t len, size_t *bytes)
{
	unsigned int segs_left = queue_max_segments(io->q);
	struct bio *chain = NULL, **tail = &chain;
	size_t done = 0;

	while (done < len && segs_left) {
		unsigned int nr =
			kern_count_pieces(io->q, addr + done, len - done,
					  segs_left < BIO_MAX_PAGES ? segs_left : BIO_MAX_PAGES);
		struct bio *bio = kern_alloc_bio(io, !chain, nr);
		size_t n;

		if (!bio) {
			if (chain && io->stats)
				io->stats->short_chains++;
			break; /* partial allocation is not an error: send what we have */
		}
		n = kern_fill_bio(io->q, bio, addr + done, len - done);
		if (WARN_ON_ONCE(!n)) { /* a piece the queue refuses: cannot happen */
			bio_put(bio);
			break;
		}
		done += n;
		segs_left -= bio->bi_vcnt;
		*tail = bio;
		tail = &bio->bi_next;
	}
	*bytes = done - done % queue_logical_block_size(io->q);
	chain = kern_trim_chain(chain, done - *bytes);
	if (!chain)
		*bytes = done ? 1 : 0;
	return chain;
}

/* ---- a chain into a request ---- */

/* Would @rq (empty or not) plus @bio still be a request the hardware takes? */
static bool blk_rq_room_for(struct request_queue *q, struct request *rq, struct bio *bio)
{
	u64 bytes = (u64)blk_rq_bytes(rq) + bio->bi_size;

	if (bytes > ((u64)queue_max_hw_sectors(q) << SECTOR_SHIFT))
		return false;
	return rq->nr_phys_segments + bio_segments(bio) <= queue_max_segments(q);
}

/*
 * The contract of blk_rq_append_bio and blk_make_request is in <block/blkdev.h>.
 * blk_rq_append_bio is inline in blk_make_request (a call less per bio) and
 * external for the rest (blkdev.h declares it without inline).
 */
__always_inline int blk_rq_append_bio(struct request_queue *q, struct request *rq, struct bio *bio)
{
	/* 3.10 does not compare directions; we refuse a mixed chain: docs/linux-3.10.md */
	if (bio_data_dir(bio) != rq_data_dir(rq) || !blk_rq_room_for(q, rq, bio))
		return -EINVAL;
	if (!rq->bio) {
		blk_rq_bio_prep(q, rq, bio);
		return 0;
	}
	rq->biotail->bi_next = bio;
	rq->biotail = bio;
	bio->bi_next = NULL;
	rq->__data_len += bio->bi_size;
	rq->nr_phys_segments += bio_segments(bio);
	return 0;
}

/*
 * blk_rq_unmake - undo blk_make_request's appending: every bounce bio on
 * @rq is discarded (pages back, original not ended), the originals are
 * linked again in their order and the last of them to @failed (the bio
 * that could not be appended, whose own link was never touched), and the
 * request is put.
 */
static void blk_rq_unmake(struct request *rq, struct bio *failed)
{
	/* 3.10 puts rq, its bounce bios leaked; we unbounce, relink: docs/linux-3.10.md */
	struct bio *bio = rq->bio, *prev = NULL;

	while (bio) {
		struct bio *next = bio->bi_next;
		struct bio *orig = bio;

		if (bio_flagged(bio, BIO_BOUNCED))
			orig = blk_bounce_discard(bio);
		if (prev)
			prev->bi_next = orig;
		prev = orig;
		bio = next;
	}
	if (prev)
		prev->bi_next = failed;
	rq->bio = rq->biotail = NULL;
	rq->__data_len = 0;
	blk_put_request(rq);
}

/*
 * blk_make_request - a request from blk_get_request(@gfp_mask) (none:
 * -ENOMEM), then for each bio of the chain, in order: blk_queue_bounce
 * (its error), blk_rq_append_bio of the bounced bio (its error; a bounce
 * bio that was not appended is discarded).  On any error, blk_rq_unmake
 * with the bio that failed: the caller gets its chain back as it was.
 */
struct request *blk_make_request(struct request_queue *q, struct bio *bio, gfp_t gfp_mask)
{
	struct request *rq = blk_get_request(q, bio_data_dir(bio), gfp_mask);
	struct bio *next;
	int err;

	if (unlikely(!rq))
		return ERR_PTR(-ENOMEM);
	for (; bio; bio = next) { /* cmd_type is the caller's to set, as in 3.10 */
		struct bio *bounce_bio = bio;

		next = bio->bi_next; /* appending overwrites it */
		err = blk_queue_bounce(q, &bounce_bio);
		if (err)
			goto unmake;
		err = blk_rq_append_bio(q, rq, bounce_bio);
		if (unlikely(err)) {
			if (bounce_bio != bio)
				blk_bounce_discard(bounce_bio);
			goto unmake;
		}
		trace_bio(TE_BLK_MAKE_REQUEST, bounce_bio, rq, 0);
	}
	return rq;

unmake:
	blk_rq_unmake(rq, bio);
	return ERR_PTR(err);
}
