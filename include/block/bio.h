/*
 * SPDX-License-Identifier: MIT
 * block/bio.h - the bio: one block I/O in flight, as Linux 3.10's
 * include/linux/bio.h and blk_types.h (names, fields and flags as there).
 *
 * A bio says "move bi_size bytes between the disk, starting at 512-byte
 * sector bi_sector, and these pieces of memory".  The pieces are bio_vecs:
 * a page, an offset into it and a length, never crossing the page.  Bios
 * are linked through bi_next into a chain (a request's list, or a chain a
 * caller builds for blk_make_request):
 *
 *   struct bio (bi_next) ---------------> struct bio (bi_next) ---> NULL
 *   | bi_sector   = 0                     | bi_sector   = 24
 *   | bi_rw       = WRITE                 | bi_rw       = WRITE
 *   | bi_size     = 12288                 | bi_size     = 512
 *   | bi_vcnt = 3, bi_idx = 0             | bi_vcnt = 1, bi_idx = 0
 *   | bi_io_vec --+                       | bi_io_vec --+
 *   +-------------|---------              +-------------|---------
 *                 v                                     v
 *     [0] page A, offset 0,    len 4096      [0] page D, offset 1024, len 512
 *     [1] page B, offset 0,    len 4096
 *     [2] page C, offset 0,    len 4096      (inline vecs: right after the
 *                                             struct, for up to 4)
 *
 *   bi_idx is where the unfinished part starts: partial completion moves it
 *   forward (bio_advance), so bio_for_each_segment walks what is left.
 *
 * Life of a bio: bio_alloc (one reference), bio_add_page for each piece,
 * set bi_sector, bi_bdev, bi_end_io, bi_private, then submit_bio() (or
 * blk_make_request for a chain).  When the device is done, bio_endio()
 * calls bi_end_io(bio, error) - from softirq or hardirq context - and
 * that callback usually bio_put()s it.
 *
 * Where bios come from (block/bio_set.c):
 *
 *   bio_alloc(gfp, n)       fs_bio_set: a mempool of 2 bios in reserve.  With
 *                           __GFP_WAIT it does not fail, PROVIDED the caller
 *                           holds no other bio of that pool it has not
 *                           submitted: the pool's guarantee is "the bios
 *                           others hold come back".  A second __GFP_WAIT
 *                           bio_alloc while holding an unsubmitted one can
 *                           wait for ever (blk_make_request(9)'s WARNING;
 *                           here the mempool diagnoses it and returns NULL).
 *   bio_alloc_bioset(gfp, n, bs)   the same from your own struct bio_set.
 *   bio_kmalloc(gfp, n)     plain kmalloc: no pool, may fail, but never waits
 *                           on a pool - the safe way to allocate the rest of
 *                           a chain.
 *
 * Context: everything here may be called from any context when the gfp
 * does not have __GFP_WAIT (bio_put, bio_endio: any context).
 */
#ifndef BLOCK_BIO_H
#define BLOCK_BIO_H

#include <kernel/compiler.h>
#include <kernel/err.h>
#include <kernel/types.h>
#include <mm/gfp.h>
#include <mm/mempool.h>
#include <mm/mm.h>

typedef u64 sector_t; /* a 512-byte sector number, whatever the block size */

#define SECTOR_SHIFT 9
#define SECTOR_SIZE  (1U << SECTOR_SHIFT)

#define BIO_MAX_PAGES	256  /* the most vecs bio_alloc gives one bio */
#define BIO_INLINE_VECS 4    /* vecs stored right after the struct */
#define UIO_MAXIOV	1024 /* the most vecs bio_kmalloc gives one bio */
#define BIO_POOL_SIZE	2    /* fs_bio_set's reserve, as Linux */

struct page;
struct bio;
struct bio_set;
struct block_device;
struct request_queue;

/* One piece of memory: never crosses its page (offset + len <= PAGE_SIZE). */
struct bio_vec {
	struct page *bv_page;
	unsigned int bv_len;
	unsigned int bv_offset;
};

/* Called once when the whole bio is done: error 0 or -errno.  Any context. */
typedef void(bio_end_io_t)(struct bio *, int);

struct bio {
	sector_t bi_sector;		/* device address, in 512-byte sectors */
	struct bio *bi_next;		/* the chain / a request's list */
	struct block_device *bi_bdev;	/* the disk (gives the queue and its limits) */
	unsigned long bi_flags;		/* BIO_* bits below; top 4: BIO_POOL_IDX */
	unsigned long bi_rw;		/* REQ_* bits: bit 0 is the direction (READ/WRITE) */
	unsigned short bi_vcnt;		/* vecs in use */
	unsigned short bi_idx;		/* first vec not yet done */
	unsigned int bi_phys_segments;	/* segments the device sees (here: one per vec) */
	unsigned int bi_size;		/* bytes left to do */
	unsigned int bi_seg_front_size; /* Linux's merge bookkeeping; kept 0 here */
	unsigned int bi_seg_back_size;
	bio_end_io_t *bi_end_io;
	void *bi_private;		 /* for bi_end_io */
	unsigned int bi_max_vecs;	 /* vecs bi_io_vec can hold */
	int bi_cnt;			 /* references (Linux: atomic_t; __atomic ops here) */
	struct bio_vec *bi_io_vec;	 /* bi_inline_vecs, or from a biovec slab */
	struct bio_set *bi_pool;	 /* the set it came from; NULL: bio_kmalloc */
	struct bio_vec bi_inline_vecs[]; /* must be last */
};

/* bi_flags bits (Linux's numbers). */
#define BIO_UPTODATE	       0  /* ok after I/O completion */
#define BIO_SEG_VALID	       3  /* bi_phys_segments is right */
#define BIO_CLONED	       4  /* shares its pages with another bio: cannot grow */
#define BIO_BOUNCED	       5  /* a bounce bio: bi_private is the original */
#define BIO_QUIET	       10 /* do not print I/O errors */
#define bio_flagged(bio, flag) (((bio)->bi_flags & (1UL << (flag))) != 0)

/*
 * The top BIO_POOL_BITS of bi_flags say which biovec slab bi_io_vec came
 * from (BIO_POOL_NONE: inline vecs or kmalloc), so bio_put can give it back.
 */
#define BIO_POOL_BITS	  4
#define BIO_POOL_NONE	  ((1UL << BIO_POOL_BITS) - 1)
#define BIO_POOL_OFFSET	  (sizeof(unsigned long) * 8 - BIO_POOL_BITS)
#define BIO_POOL_MASK	  (1UL << BIO_POOL_OFFSET)
#define BIO_POOL_IDX(bio) ((bio)->bi_flags >> BIO_POOL_OFFSET)

/*
 * bi_rw and request cmd_flags bits: Linux 3.10's enum rq_flag_bits, the
 * ones we use, with Linux's bit numbers.
 */
enum rq_flag_bits {
	__REQ_WRITE = 0,  /* not set: read.  set: write */
	__REQ_SYNC = 4,	  /* someone waits for it */
	__REQ_META = 5,	  /* metadata */
	__REQ_FUA = 11,	  /* forced unit access: on stable media before completion */
	__REQ_FLUSH = 12, /* flush the device's volatile cache first */
	/* request only */
	__REQ_STARTED = 18, /* the driver has taken it (blk_start_request) */
	__REQ_QUIET = 23,   /* no error messages */
	__REQ_ALLOCED = 25, /* from the queue's request pool: blk_put_request frees it */
};

#define REQ_WRITE	(1U << __REQ_WRITE)
#define REQ_SYNC	(1U << __REQ_SYNC)
#define REQ_META	(1U << __REQ_META)
#define REQ_FUA		(1U << __REQ_FUA)
#define REQ_FLUSH	(1U << __REQ_FLUSH)
#define REQ_STARTED	(1U << __REQ_STARTED)
#define REQ_QUIET	(1U << __REQ_QUIET)
#define REQ_ALLOCED	(1U << __REQ_ALLOCED)
/* What a bio passes on to the request made from it. */
#define REQ_COMMON_MASK (REQ_WRITE | REQ_SYNC | REQ_META | REQ_FUA | REQ_FLUSH)

#define READ	0
#define WRITE	REQ_WRITE
#define RW_MASK REQ_WRITE

/* READ or WRITE. */
#define bio_data_dir(bio) ((bio)->bi_rw & RW_MASK)

/* ---- looking at a bio ---- */

#define bio_iovec_idx(bio, idx) (&((bio)->bi_io_vec[(idx)]))
#define bio_iovec(bio)		bio_iovec_idx((bio), (bio)->bi_idx)
#define bio_page(bio)		bio_iovec((bio))->bv_page
#define bio_offset(bio)		bio_iovec((bio))->bv_offset
#define bio_segments(bio)	((bio)->bi_vcnt - (bio)->bi_idx)
#define bio_sectors(bio)	((bio)->bi_size >> SECTOR_SHIFT)
#define bio_end_sector(bio)	((bio)->bi_sector + bio_sectors((bio)))

/* Bytes in the current (first unfinished) vec; the whole size for a bio without vecs. */
static inline unsigned int bio_cur_bytes(const struct bio *bio)
{
	if (bio->bi_vcnt)
		return bio->bi_io_vec[bio->bi_idx].bv_len;
	return bio->bi_size;
}

/* true if the bio moves data (a flush alone does not). */
static inline bool bio_has_data(const struct bio *bio)
{
	return bio && bio->bi_vcnt && bio->bi_size;
}

/* The direct-map address of the current vec's first byte. */
static inline void *bio_data(const struct bio *bio)
{
	return (char *)page_address(bio_page(bio)) + bio_offset(bio);
}

/*
 * bio_for_each_segment(bvl, bio, i) - each vec still to do, from bi_idx.
 * bio_for_each_segment_all(bvl, bio, i) - every vec, from 0 (the owner's
 * view, e.g. to free pages).  @bvl: struct bio_vec *, @i: int.
 */
#define bio_for_each_segment(bvl, bio, i) \
	for (i = (bio)->bi_idx; bvl = bio_iovec_idx((bio), (i)), i < (bio)->bi_vcnt; i++)

#define bio_for_each_segment_all(bvl, bio, i) \
	for (i = 0; bvl = bio_iovec_idx((bio), (i)), i < (bio)->bi_vcnt; i++)

/* Walk a chain: for_each_bio(bio) { ... } follows bi_next. */
#define for_each_bio(bio) for (; bio; bio = bio->bi_next)

/* ---- bio sets (block/bio_set.c) ---- */

#define BIOSET_NAME_LEN 24

/*
 * A source of bios with a guaranteed reserve: a slab of bios (each
 * front_pad bytes of the user's, the struct, 4 inline vecs) behind a
 * mempool, and a mempool of the largest vec arrays (256 vecs) for bios
 * that need more than the inline ones.
 *
 *   element of bio_pool:  [ front_pad ][ struct bio ][ 4 x bio_vec ]
 *                                      ^ the bio handed out
 */
struct bio_set {
	struct kmem_cache *bio_slab; /* this set's own (Linux shares slabs of equal size) */
	unsigned int front_pad;	     /* bytes before each bio, for the caller's struct */
	mempool_t *bio_pool;	     /* named "bio-<name>" in mempool reports */
	mempool_t *bvec_pool;	     /* 256-vec arrays; named "biovec-<name>" */
	char name[BIOSET_NAME_LEN];  /* ours: for the pools' names; "<n>" by default */
};

/*
 * The biovec slabs, as 3.10: arrays of 1, 4, 16, 64, 128 and BIO_MAX_PAGES
 * vecs, index 0..BIOVEC_MAX_IDX.  Only the largest has a mempool (each
 * set's bvec_pool); it stands in for any smaller one that fails.
 */
#define BIOVEC_NR_POOLS 6
#define BIOVEC_MAX_IDX	(BIOVEC_NR_POOLS - 1)

/* bvec_nr_vecs - how many vecs an array of biovec slab @idx holds.  Context: any. */
unsigned int bvec_nr_vecs(unsigned short idx);

/*
 * bvec_alloc - an array of at least @nr (1..BIO_MAX_PAGES) vecs from the
 * first biovec slab that fits; *@idx says which.  A smaller slab is tried
 * without sleeping; if that fails and @gfp has __GFP_WAIT, the largest
 * array comes from @pool instead (*@idx = BIOVEC_MAX_IDX).  The largest
 * always comes from @pool.  Returns the array (not zeroed) or NULL: @nr
 * out of range, or none to be had.  Context: as mempool_alloc with @gfp.
 */
struct bio_vec *bvec_alloc(gfp_t gfp, int nr, unsigned long *idx, mempool_t *pool);

/*
 * bvec_free - give back @bv, which bvec_alloc gave with index @idx and
 * @pool.  Context: any.
 */
void bvec_free(mempool_t *pool, struct bio_vec *bv, unsigned int idx);

/* The set bio_alloc() uses: BIO_POOL_SIZE bios in reserve, no front pad; named "fs". */
extern struct bio_set *fs_bio_set;

/*
 * bioset_create - a bio set whose pools hold @pool_size bios and vec arrays
 * in reserve, with @front_pad bytes in front of each bio (container_of to
 * the caller's struct).  Its pools are named "bio-<n>" and "biovec-<n>"
 * (n counts sets made since boot; bioset_set_name changes it).
 * Returns the set, or NULL (nothing left allocated).  Context: may sleep.
 */
struct bio_set *bioset_create(unsigned int pool_size, unsigned int front_pad);

/*
 * bioset_free - give back @bs: every bio from it must have been put.
 * Context: may sleep.
 */
void bioset_free(struct bio_set *bs);

/*
 * bioset_set_name - ours: name @bs's pools "bio-<name>" and "biovec-<name>"
 * for mempool reports (a deadlock report then says which set).  Context: any.
 */
void bioset_set_name(struct bio_set *bs, const char *name);

/*
 * bio_alloc_bioset - a bio with room for @nr_iovecs vecs (0..BIO_MAX_PAGES),
 * from @bs, or from kmalloc when @bs is NULL (then up to UIO_MAXIOV).
 * The bio is zeroed but for: one reference, BIO_UPTODATE, bi_max_vecs,
 * bi_io_vec, bi_pool.  With __GFP_WAIT and a set, it waits for a bio of the
 * pool rather than fail - so a caller must hold no unsubmitted bio of @bs
 * when it asks with __GFP_WAIT (see the top of this file).
 * Returns the bio or NULL: no __GFP_WAIT and none to be had; too many vecs;
 * with __GFP_WAIT only when the mempool diagnoses a deadlock.
 * Context: any without __GFP_WAIT; may sleep with it.
 */
struct bio *bio_alloc_bioset(gfp_t gfp_mask, int nr_iovecs, struct bio_set *bs);

/*
 * bios_in_use - bios allocated (from any set, or bio_kmalloc) and not yet freed: the
 * `bios` of `memcheck`.  Exact when nothing allocates or frees meanwhile.  Context: any.
 */
unsigned long bios_in_use(void);

/* bio_alloc - bio_alloc_bioset from fs_bio_set.  Same contract. */
static inline struct bio *bio_alloc(gfp_t gfp_mask, unsigned int nr_iovecs)
{
	return bio_alloc_bioset(gfp_mask, nr_iovecs, fs_bio_set);
}

/*
 * bio_kmalloc - bio_alloc_bioset(gfp, n, NULL): one kmalloc for the bio and
 * its @nr_iovecs vecs, no pool behind it.  May fail (NULL) even with
 * __GFP_WAIT, never waits for another bio to be freed.  Context: as kmalloc.
 */
static inline struct bio *bio_kmalloc(gfp_t gfp_mask, unsigned int nr_iovecs)
{
	return bio_alloc_bioset(gfp_mask, nr_iovecs, NULL);
}

/*
 * bio_put - drop a reference; the last one frees the bio (and its vec
 * array) back to where it came from.  Context: any.
 */
void bio_put(struct bio *bio);

/* bio_get - take another reference (bio_put gives it back).  Context: any. */
void bio_get(struct bio *bio);

/* ---- building and ending (block/bio.c) ---- */

/*
 * bio_init - zero @bio and give it one reference and BIO_UPTODATE.  For
 * bios embedded in the caller's memory (no pool; the caller frees them).
 * Context: any.
 */
void bio_init(struct bio *bio);

/*
 * bio_add_page - append @len bytes at @offset of @page to @bio, within the
 * limits of the queue of bio->bi_bdev: max_sectors in all, max_segments
 * vecs (one vec is one segment here), each vec at most max_segment_size and
 * not crossing a seg_boundary_mask boundary.  A piece that continues the
 * last vec in the same page is merged into it when the merged vec still
 * fits those limits.  All or nothing: returns @len, or 0 if the piece does
 * not fit (the bio is unchanged), for a cloned bio, or without bi_bdev.
 * Context: any.
 */
int bio_add_page(struct bio *bio, struct page *page, unsigned int len, unsigned int offset);

/*
 * bio_add_pc_page - as bio_add_page, for a BLOCK_PC bio of queue @q (which
 * need not have bi_bdev): the limit is max_hw_sectors, not max_sectors.
 * Context: any.
 */
int bio_add_pc_page(struct request_queue *q, struct bio *bio, struct page *page, unsigned int len,
		    unsigned int offset);

/*
 * bio_endio - the bio is done: @error 0 or -errno.  Clears BIO_UPTODATE on
 * an error; a bio already not up to date ends with -EIO.  Calls bi_end_io
 * (who usually puts the bio).  Context: any (drivers call it from softirq
 * and hardirq handlers).
 */
void bio_endio(struct bio *bio, int error);

/*
 * bio_advance - @bytes of @bio are done: move bi_sector, bi_size, bi_idx
 * (and the offset into a half-done vec) past them.  Context: any.
 */
void bio_advance(struct bio *bio, unsigned int bytes);

/*
 * bio_clone_bioset - a new bio from @bs (NULL: kmalloc) describing the same
 * I/O as @bio: the same pages (shared, not copied), sector, size, flags
 * and direction, with BIO_CLONED set; no end_io, private or chain link.
 * Returns it or NULL (as bio_alloc_bioset).  Context: as bio_alloc_bioset.
 */
struct bio *bio_clone_bioset(struct bio *bio, gfp_t gfp_mask, struct bio_set *bs);

/* bio_clone - bio_clone_bioset from fs_bio_set.  bio_clone_kmalloc: from kmalloc. */
struct bio *bio_clone(struct bio *bio, gfp_t gfp_mask);
struct bio *bio_clone_kmalloc(struct bio *bio, gfp_t gfp_mask);

/*
 * __bio_clone - make @bio (fresh, with at least @bio_src->bi_max_vecs vecs)
 * describe @bio_src's I/O, as bio_clone_bioset does.  Context: any.
 */
void __bio_clone(struct bio *bio, struct bio *bio_src);

#endif
