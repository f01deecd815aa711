/*
 * SPDX-License-Identifier: MIT
 * block/trace_bio.c - the block half of the tracepoints
 * (include/kernel/trace.h): fill a record from a bio or a request, and
 * decide whether the filter follows it.
 *
 * A bio is followed from the first hop where it names a disk (`disk=`)
 * and sectors (`sector=first-last`: any overlap) that match; before that
 * (bio_alloc: no disk, no sector yet) its records wait in the look-behind
 * buffer.  A request a followed bio joins (blk_make_request) is followed
 * too, so the driver's hops of the request are recorded: the ring's
 * descriptors, the interrupt, the softirq.  Both leave the follow set when
 * they end: a bio at bio_endio, a request when it is put.
 */
#include <block/blkdev.h>
#include <kernel/trace.h>
#include <string.h>

/* Do @disk and sectors @first..@first+@n-1 pass the filter? */
static bool trace_blk_matches(const struct gendisk *disk, sector_t first, unsigned int n)
{
	const struct trace_filter *f = &trace_filter;
	sector_t last = first + (n ? n : 1) - 1;

	if ((f->dev[0] || f->sector_set) && !disk)
		return false;
	if (f->dev[0] && strcmp(disk->disk_name, f->dev))
		return false;
	return !f->sector_set || (first <= f->sector_last && last >= f->sector_first);
}

static const struct gendisk *bio_disk(const struct bio *bio)
{
	return bio->bi_bdev ? bio->bi_bdev->bd_disk : NULL;
}

/*
 * Write @rec about @obj: followed, matching now (@match), or staged until
 * it does.  @related (@n of them) come along: their staged records first.
 */
static void trace_blk_record(struct trace_record *rec, const void *obj, bool match,
			     const u64 *related, unsigned int n)
{
	if (trace_following(obj) || match)
		trace_emit_related(rec, TRACE_BIO, match, related, n);
	else
		trace_stage(rec, TRACE_BIO);
}

/* The bios of @rq, and the original of each bounce bio among them, into @objs. */
static unsigned int rq_bios(const struct request *rq, u64 *objs, unsigned int max)
{
	unsigned int n = 0;

	for (const struct bio *b = rq->bio; b && n < max; b = b->bi_next) {
		objs[n++] = (uintptr_t)b;
		if (bio_flagged(b, BIO_BOUNCED) && n < max)
			objs[n++] = (uintptr_t)b->bi_private;
	}
	return n;
}

void __trace_bio(enum trace_event ev, const struct bio *bio, const struct request *rq, u64 arg)
{
	struct trace_record rec = { .event = (u16)ev, .arg = arg };
	const struct gendisk *disk;
	bool match;

	if (!bio)
		return;
	if (ev == TE_BIO_ALLOC)
		trace_forget(bio); /* a new bio: nothing staged at this address is its history */
	disk = bio_disk(bio);
	rec.obj = (uintptr_t)bio;
	rec.len = bio->bi_size;
	rec.bio.sector = bio->bi_sector;
	rec.bio.rq = (uintptr_t)rq;
	rec.bio.vcnt = bio->bi_vcnt;
	rec.bio.rw = bio_data_dir(bio) ? 1 : 0;
	if (disk)
		strncpy(rec.dev, disk->disk_name, sizeof(rec.dev) - 1);
	match = trace_blk_matches(disk, bio->bi_sector, bio->bi_size >> SECTOR_SHIFT);
	if (ev == TE_BIO_ENDIO) {
		/* bi_sector and bi_size have moved on by now: only a followed bio counts. */
		if (trace_following(bio))
			trace_emit(&rec, TRACE_BIO, false);
		trace_forget(bio);
		return;
	}
	/* A bounce bio brings its original (arg) along. */
	trace_blk_record(&rec, bio, match, &rec.arg, ev == TE_BLK_QUEUE_BOUNCE);
	if (rq && trace_following(bio))
		trace_follow(rq);
}

/* A request's record: @bios is how many it holds (counted by the caller). */
static void trace_rq_fill(struct trace_record *rec, const struct request *rq, unsigned int bios)
{
	rec->obj = (uintptr_t)rq;
	rec->len = blk_rq_bytes(rq);
	rec->bio.sector = blk_rq_pos(rq);
	rec->bio.rq = (uintptr_t)rq;
	rec->bio.vcnt = (u16)bios;
	rec->bio.rw = rq_data_dir(rq) ? 1 : 0;
	if (rq->rq_disk)
		strncpy(rec->dev, rq->rq_disk->disk_name, sizeof(rec->dev) - 1);
}

void __trace_rq(enum trace_event ev, const struct request *rq, u64 arg)
{
	struct trace_record rec = { .event = (u16)ev, .arg = arg };
	u64 related[TRACE_RELATED_MAX];
	unsigned int bios = 0, n;

	if (!rq)
		return;
	if (ev == TE_RQ_PUT) {
		/*
		 * Its bios have ended and may be freed by now: rq->bio is not
		 * looked at (blk-core.c warns if it is still set); "bios 0".
		 */
		if (trace_following(rq)) {
			trace_rq_fill(&rec, rq, 0);
			trace_emit(&rec, TRACE_BIO, false);
		}
		trace_forget(rq);
		return;
	}
	for (const struct bio *b = rq->bio; b; b = b->bi_next)
		bios++;
	trace_rq_fill(&rec, rq, bios);
	/*
	 * The bios of blk_make_request name no sector (the request does): a
	 * request that matches brings its bios' history along.
	 */
	n = rq_bios(rq, related, ARRAY_SIZE(related));
	trace_blk_record(&rec, rq,
			 trace_blk_matches(rq->rq_disk, blk_rq_pos(rq), blk_rq_sectors(rq)),
			 related, n);
}
