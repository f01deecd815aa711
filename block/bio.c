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
 * vecs.  bio_add_page enforces them as pieces are added; a piece that
 * continues the previous vec in the same page is merged into that vec
 * when the merged vec still fits.
 *
 * No locks: a bio has one owner until it is submitted.
 */
#include <block/bio.h>
#include <block/blkdev.h>
#include <kernel/panic.h>
#include <kernel/trace.h>
#include <string.h>

void bio_init(struct bio *bio)
{
	memset(bio, 0, sizeof(*bio));
	bio->bi_flags = 1UL << BIO_UPTODATE;
	bio->bi_cnt = 1;
}

void bio_endio(struct bio *bio, int error)
{
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
	while (bytes) {
		struct bio_vec *bv = bio_iovec(bio);

		if (WARN_ON_ONCE(bio->bi_idx >= bio->bi_vcnt))
			break;
		if (bytes >= bv->bv_len) {
			bytes -= bv->bv_len;
			bio->bi_idx++;
		} else {
			bv->bv_len -= bytes;
			bv->bv_offset += bytes;
			bytes = 0;
		}
	}
}

/* true if the piece can be merged into @prev: same page, right after it, and the result fits. */
static bool bvec_can_extend(struct request_queue *q, const struct bio_vec *prev, struct page *page,
			    unsigned int len, unsigned int offset)
{
	return prev->bv_page == page && prev->bv_offset + prev->bv_len == offset &&
	       blk_seg_fits(q, page_to_phys(page) + prev->bv_offset, prev->bv_len + len);
}

/*
 * __bio_add_page - bio_add_page with the sector limit given: @max_sectors
 * (max_sectors for FS bios, max_hw_sectors for BLOCK_PC).  Returns @len or 0.
 */
static int __bio_add_page(struct request_queue *q, struct bio *bio, struct page *page,
			  unsigned int len, unsigned int offset, unsigned int max_sectors)
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
