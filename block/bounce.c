/*
 * block/bounce.c - bounce buffers: I/O for devices that cannot reach all
 * of memory (Linux 3.10's mm/bounce.c and blk_queue_bounce_limit).
 *
 * An ISA DMA controller reaches only the first 16 MiB.  A bio whose pages
 * lie above a queue's limit is replaced, on its way to the driver, by a
 * bounce bio whose out-of-reach pages are pages from a pool below the
 * limit:
 *
 *   original bio (the caller's)            bounce bio (bounce_bio_set, BIO_BOUNCED)
 *   bi_io_vec:                             bi_io_vec:            bi_private = original
 *     [0] page @ 40 MiB  -- copy in -->      [0] page @ 3 MiB   (from isa_page_pool)
 *     [1] page @ 9 MiB   (reachable) ----    [1] page @ 9 MiB   (the same page)
 *     [2] page @ 70 MiB  -- copy in -->      [2] page @ 5 MiB   (from isa_page_pool)
 *         (write: data copied in now; read: copied back on completion)
 *
 *   bounce bio completes (softirq/hardirq): bounce_end_io_{read,write}_isa
 *     read and no error: copy [0] and [2] back into the original's pages
 *     give [0] and [2] back to the pool
 *     bio_endio(original, error); bio_put(bounce bio)
 *
 * The pools (mempools of single pages), one per class of reach, made the
 * first time a queue needs one:
 *
 *   limit below 4 GiB    isa_page_pool   ISA_POOL_SIZE (16) pages, GFP_DMA
 *   limit 4 GiB or more  page_pool       POOL_SIZE (64) pages, GFP_DMA32
 *   limit above memory   no bouncing     (BLK_BOUNCE_HIGH and _ANY on x86_64)
 *
 * Sleeping: bounce bios and pages are allocated with GFP_NOIO (they come
 * from mempools, so they do not fail - unless the mempool diagnoses a
 * deadlock).  So bouncing must be able to sleep, and blk_queue_bounce BUGs
 * when asked to bounce where it cannot: blk_make_request(9) warns callers
 * in atomic context to allocate reachable buffers instead.
 */
#include <block/blkdev.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/trace.h>
#include <mm/mempool.h>
#include <string.h>

#include "blk.h"

unsigned long blk_max_low_pfn, blk_max_pfn;
mempool_t *isa_page_pool, *page_pool;
struct bio_set *bounce_bio_set;
struct bounce_stats bounce_stats;

#define stat_add(field, n) __atomic_add_fetch(&bounce_stats.field, (n), __ATOMIC_RELAXED)

void blk_bounce_init(void)
{
	/* No highmem on x86_64: "low" memory is all of it, as on 64-bit Linux. */
	blk_max_pfn = max_pfn - 1;
	blk_max_low_pfn = max_pfn - 1;
}

static void *bounce_alloc_isa_page(gfp_t gfp, void *data)
{
	return mempool_alloc_pages(gfp | __GFP_DMA, data);
}

static void *bounce_alloc_dma32_page(gfp_t gfp, void *data)
{
	return mempool_alloc_pages(gfp | __GFP_DMA32, data);
}

/*
 * The bio set of bounce bios (Linux 3.10 took them from fs_bio_set; Linux
 * 4.18 gave them a set of their own, so a caller holding fs_bio_set bios
 * cannot starve its own bouncing).  Made with the first pool.
 */
static int bounce_bio_set_create(void)
{
	struct bio_set *bs;

	if (READ_ONCE(bounce_bio_set))
		return 0;
	bs = bioset_create(BIO_POOL_SIZE, 0);
	if (!bs)
		return -ENOMEM;
	bioset_set_name(bs, "bounce");
	if (!__atomic_compare_exchange_n(&bounce_bio_set, &(struct bio_set *){ NULL }, bs, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		bioset_free(bs);	/* another thread made one while we slept */
	return 0;
}

/*
 * Make *@pool if it does not exist: @nr pages from @alloc_fn, named @name.
 * mempool_create may sleep, so two threads can race here; the loser's pool
 * is destroyed.
 */
static int bounce_pool_create(mempool_t **pool, int nr, mempool_alloc_t *alloc_fn, const char *name)
{
	mempool_t *p;

	if (READ_ONCE(*pool))
		return 0;
	if (bounce_bio_set_create())
		return -ENOMEM;
	p = mempool_create(nr, alloc_fn, mempool_free_pages, (void *)0);
	if (!p)
		return -ENOMEM;
	mempool_set_name(p, name);
	if (__atomic_compare_exchange_n(pool, &(mempool_t *){ NULL }, p, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE)) {
		pr_info("bounce: %s pool of %d pages\n", name, nr);
		return 0;
	}
	mempool_destroy(p);
	return 0;
}

int init_emergency_isa_pool(void)
{
	return bounce_pool_create(&isa_page_pool, ISA_POOL_SIZE, bounce_alloc_isa_page,
				  "bounce-isa");
}

int init_emergency_pool(void)
{
	return bounce_pool_create(&page_pool, POOL_SIZE, bounce_alloc_dma32_page, "bounce-dma32");
}

void blk_queue_bounce_limit(struct request_queue *q, u64 dma_mask)
{
	unsigned long b_pfn = dma_mask >> PAGE_SHIFT;
	bool isa = dma_mask < 0xffffffffULL;

	/* The ISA pool's pages reach up to 16 MiB: a device that reaches less cannot be served. */
	WARN_ON_ONCE(dma_mask < BLK_BOUNCE_ISA);
	q->limits.bounce_pfn = b_pfn;
	q->bounce_gfp = GFP_NOIO;
	q->bounce_pool = NULL;
	if (b_pfn >= blk_max_pfn)
		return;		/* the device reaches all of memory */
	if (isa ? init_emergency_isa_pool() : init_emergency_pool()) {
		pr_warn("blk_queue_bounce_limit: no bounce pool: I/O above %#llx will fail\n",
			(unsigned long long)dma_mask);
		return;
	}
	q->bounce_gfp = GFP_NOIO | (isa ? __GFP_DMA : __GFP_DMA32);
	q->bounce_pool = isa ? isa_page_pool : page_pool;
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

/* Give @bio's bounce pages (those not the original's) back to @pool. */
static void bounce_free_pages(struct bio *bio, struct bio *orig, mempool_t *pool)
{
	struct bio_vec *bvec;
	unsigned long n = 0;
	int i;

	bio_for_each_segment_all(bvec, bio, i) {
		if (bvec->bv_page == bio_iovec_idx(orig, i)->bv_page)
			continue;
		mempool_free(bvec->bv_page, pool);
		n++;
	}
	__atomic_sub_fetch(&bounce_stats.pages_in_use, n, __ATOMIC_RELAXED);
}

static void bounce_end_io(struct bio *bio, mempool_t *pool, int err)
{
	struct bio *orig = bio->bi_private;

	bounce_free_pages(bio, orig, pool);
	bio_endio(orig, err);
	bio_put(bio);
}

static void __bounce_end_io_read(struct bio *bio, mempool_t *pool, int err)
{
	if (!err && bio_flagged(bio, BIO_UPTODATE))
		copy_to_high_bio_irq(bio->bi_private, bio);
	bounce_end_io(bio, pool, err);
}

static void bounce_end_io_write_isa(struct bio *bio, int err)
{
	bounce_end_io(bio, isa_page_pool, err);
}

static void bounce_end_io_read_isa(struct bio *bio, int err)
{
	__bounce_end_io_read(bio, isa_page_pool, err);
}

static void bounce_end_io_write(struct bio *bio, int err)
{
	bounce_end_io(bio, page_pool, err);
}

static void bounce_end_io_read(struct bio *bio, int err)
{
	__bounce_end_io_read(bio, page_pool, err);
}

/* The pool a bounce bio's pages came from: its end_io says. */
static mempool_t *bounce_pool_of(struct bio *bio)
{
	bool isa = bio->bi_end_io == bounce_end_io_write_isa ||
		   bio->bi_end_io == bounce_end_io_read_isa;

	return isa ? isa_page_pool : page_pool;
}

struct bio *blk_bounce_discard(struct bio *bounce)
{
	struct bio *orig = bounce->bi_private;

	bounce_free_pages(bounce, orig, bounce_pool_of(bounce));
	bio_put(bounce);
	return orig;
}

void bounce_mark_in_flight(struct bio *bio)
{
	mempool_t *pool = bounce_pool_of(bio);
	struct bio *orig = bio->bi_private;
	struct bio_vec *bvec;
	int i;

	bio_for_each_segment_all(bvec, bio, i)
		if (bvec->bv_page != bio_iovec_idx(orig, i)->bv_page)
			mempool_mark_in_flight(pool, bvec->bv_page);
	bio_mark_in_flight(orig);
}

/* ---- bouncing ---- */

static bool bio_needs_bounce(struct request_queue *q, struct bio *bio)
{
	struct bio_vec *bvec;
	int i;

	bio_for_each_segment(bvec, bio, i)
		if (page_to_pfn(bvec->bv_page) > queue_bounce_pfn(q))
			return true;
	return false;
}

static __noreturn void bounce_in_atomic_bug(struct request_queue *q, struct bio *bio)
{
	/* One line that fits the panic message: why, and what to do instead. */
	panic("kernel BUG at %s:%d! blk_queue_bounce: bio needs bouncing in atomic context "
	      "(a page above bounce pfn %#lx; bounce pages may sleep): use buffers the device "
	      "reaches (GFP_DMA) or submit where sleeping is allowed",
	      __FILE__, __LINE__, queue_bounce_pfn(q));
}

/* Swap each page of @bio above the limit for a pool page (data copied in for a write). */
static int bounce_swap_pages(struct request_queue *q, struct bio *bio, struct bio *orig)
{
	struct bio_vec *to;
	int i;

	bio_for_each_segment(to, bio, i) {
		struct page *page;

		if (page_to_pfn(to->bv_page) <= queue_bounce_pfn(q))
			continue;
		page = mempool_alloc(q->bounce_pool, q->bounce_gfp);
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

int blk_queue_bounce(struct request_queue *q, struct bio **bio_orig)
{
	struct bio *orig = *bio_orig, *bio;
	bool read;

	if (!bio_has_data(orig) || queue_bounce_pfn(q) >= blk_max_pfn || !bio_needs_bounce(q, orig))
		return 0;
	if (!can_sleep())
		bounce_in_atomic_bug(q, orig);
	if (!q->bounce_pool)
		goto fail;
	bio = bio_clone_bioset(orig, GFP_NOIO, bounce_bio_set);
	if (!bio)
		goto fail;
	read = bio_data_dir(orig) == READ;
	if (q->bounce_pool == isa_page_pool)
		bio->bi_end_io = read ? bounce_end_io_read_isa : bounce_end_io_write_isa;
	else
		bio->bi_end_io = read ? bounce_end_io_read : bounce_end_io_write;
	bio->bi_private = orig;
	bio->bi_flags |= 1UL << BIO_BOUNCED;
	if (bounce_swap_pages(q, bio, orig)) {
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
