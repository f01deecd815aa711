/*
 * SPDX-License-Identifier: MIT
 * labs/block/blk-chain.c - YOUR copy of block/blk-chain.c, from a buffer to
 * a request: pieces into a bio (bio_add_page, Linux 3.10's fs/bio.c), a
 * buffer into a bio chain (kern_build_chain, for blkdev_issue_rw in
 * block/blk-map.c), and a chain into a request (blk_rq_append_bio,
 * blk_make_request: 3.10's block/blk-map.c and block/blk-core.c).  The
 * assignment: labs/block/README.md.
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
static __unused bool bvec_can_extend(struct request_queue *q, const struct bio_vec *prev,
				     struct page *page, unsigned int len, unsigned int offset)
{
	/*
	 * TODO (step 1).  Three conditions, all needed: the same page; @offset
	 * right where @prev ends (bv_offset + bv_len); and the merged vec,
	 * prev->bv_len + @len bytes at page_to_phys(page) + prev->bv_offset, is
	 * still one segment: blk_seg_fits(q, phys, len).
	 */
	return false;
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
	/*
	 * TODO (steps 1 and 2).  Every "no" returns 0 with the bio untouched.
	 * Step 1: a clone (bio_flagged(bio, BIO_CLONED)) takes nothing; the
	 * piece must be non-empty and inside its page; merge it into the last
	 * vec when bvec_can_extend says so; else a new vec at
	 * bio->bi_io_vec[bio->bi_vcnt] (room: bi_max_vecs), and bi_vcnt,
	 * bi_phys_segments, BIO_SEG_VALID.  In both cases bi_size grows.
	 * Step 2: the limits - bi_size + len within @max_sectors sectors (u64:
	 * no overflow), a new vec within queue_max_segments(q) and one segment
	 * by blk_seg_fits(q, page_to_phys(page) + offset, len).
	 */
	return 0;
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
	/*
	 * TODO (step 3).  Start with what is left of the page at @addr, then cut
	 * it down: to @left, to queue_max_segment_size(q), and to what is left
	 * up to the next boundary: with mask = queue_segment_boundary(q) and
	 * phys = __pa(addr), that is mask - (phys & mask) + 1 bytes.
	 */
	return 0;
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
	/*
	 * TODO (step 3).  Piece after piece (kern_piece_len), add it with
	 * bio_add_pc_page(q, bio, virt_to_page(p), n, offset in page); stop at
	 * the first piece the bio refuses.  Return the bytes added.
	 */
	return 0;
}

struct bio *kern_build_chain(struct kern_io *io, unsigned long addr, size_t len, size_t *bytes)
{
	/*
	 * TODO (step 4).  While bytes are left and the request has segments
	 * left (start with queue_max_segments(io->q)):
	 *   - count the pieces of the rest (kern_count_pieces, at most the
	 *     segments left and BIO_MAX_PAGES) and get a bio for them:
	 *     kern_alloc_bio(io, first?, nr).  None: stop - partial allocation
	 *     is not an error (count io->stats->short_chains if a chain exists).
	 *   - fill it (kern_fill_bio); link it at the tail of the chain; the
	 *     segments it used are gone.
	 * Then trim the chain to whole logical blocks (kern_trim_chain) and set
	 * *bytes as the contract in blk.h says, for the three outcomes.
	 */
	*bytes = 0;
	return NULL;
}

/* ---- a chain into a request ---- */

/* Would @rq (empty or not) plus @bio still be a request the hardware takes? */
static __unused bool blk_rq_room_for(struct request_queue *q, struct request *rq, struct bio *bio)
{
	/*
	 * TODO (step 5).  The request's bytes plus the bio's within
	 * queue_max_hw_sectors(q) sectors (u64), and its segments
	 * (rq->nr_phys_segments) plus bio_segments(bio) within
	 * queue_max_segments(q).
	 */
	return false;
}

/*
 * The contract of blk_rq_append_bio and blk_make_request is in <block/blkdev.h>.
 * blk_rq_append_bio is inline in blk_make_request (a call less per bio) and
 * external for the rest (blkdev.h declares it without inline).
 */
__always_inline int blk_rq_append_bio(struct request_queue *q, struct request *rq, struct bio *bio)
{
	/*
	 * TODO (step 5).  -EINVAL, nothing changed, for the other direction
	 * (bio_data_dir vs rq_data_dir) or no room.  The first bio:
	 * blk_rq_bio_prep(q, rq, bio).  Later ones: link at rq->biotail, end
	 * the chain at the bio, add its bytes to __data_len and its segments to
	 * nr_phys_segments.
	 */
	return -EINVAL;
}

/*
 * blk_rq_unmake - undo blk_make_request's appending: every bounce bio on
 * @rq is discarded (pages back, original not ended), the originals are
 * linked again in their order and the last of them to @failed (the bio
 * that could not be appended, whose own link was never touched), and the
 * request is put.
 */
static __unused void blk_rq_unmake(struct request *rq, struct bio *failed)
{
	/*
	 * TODO (step 7).  Walk rq->bio (read bi_next before you change
	 * anything): a BIO_BOUNCED bio is replaced by its original
	 * (blk_bounce_discard returns it); link the originals again in order,
	 * the last one to @failed.  Then the request is empty (bio, biotail,
	 * __data_len) and is put.
	 */
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
	/*
	 * TODO (steps 6 and 7).  Step 6: blk_get_request(q, bio_data_dir(bio),
	 * gfp_mask), none: ERR_PTR(-ENOMEM).  For each bio (remember bi_next
	 * first: appending overwrites it): blk_queue_bounce(q, &b), then
	 * blk_rq_append_bio(q, rq, b), then
	 * trace_bio(TE_BLK_MAKE_REQUEST, b, rq, 0).  Return rq; cmd_type stays 0.
	 * Step 7: any error - a bounce bio that was not appended goes back
	 * (blk_bounce_discard), blk_rq_unmake(rq, the bio that failed), and
	 * ERR_PTR(err).
	 */
	return ERR_PTR(-EINVAL);
}
