/*
 * SPDX-License-Identifier: MIT
 * bench/guest/bench_block.c - the block layer in guest instructions (make
 * bench, or boot with bench=block).
 *
 *   bio_alloc(GFP_NOIO, 1)+bio_put       fs_bio_set's mempool over its slab
 *   vs bio_kmalloc(GFP_NOIO, 1)+bio_put  one kmalloc, no pool
 *   blk_make_request of a 4-bio chain, executed on a null device, with an
 *        ISA bounce limit (4 bounce pages, 16 KiB copied in, a bounce bio
 *        per bio, all given back on completion)
 *   vs the same chain on a device that reaches every page (no bouncing)
 *
 * The null device ends each request in its request_fn without touching the
 * data, so what is counted is the block layer's own work: the request from
 * its pool, appending, bouncing, queueing, completing the bios, putting.
 */
#include <arch/x86.h>
#include <block/blkdev.h>
#include <kernel/bench.h>
#include <kernel/printk.h>

#define CHAIN 4

static void bench_bio_put(struct bio *bio)
{
	if (bio)
		bio_put(bio);
}

static u64 bench_bio_alloc(unsigned long iters)
{
	u64 start = rdtsc();

	for (unsigned long i = 0; i < iters; i++)
		bench_bio_put(bio_alloc(GFP_NOIO, 1));
	return rdtsc() - start;
}

static u64 bench_bio_kmalloc(unsigned long iters)
{
	u64 start = rdtsc();

	for (unsigned long i = 0; i < iters; i++)
		bench_bio_put(bio_kmalloc(GFP_NOIO, 1));
	return rdtsc() - start;
}

BENCH(bio_alloc, "block bio_alloc(GFP_NOIO, 1)+bio_put", bench_bio_alloc,
      "bio_kmalloc(GFP_NOIO, 1)+bio_put", bench_bio_kmalloc);

/* ---- blk_make_request on a null device ---- */

static void null_request_fn(struct request_queue *q)
{
	struct request *rq;

	while ((rq = blk_fetch_request(q)))
		__blk_end_request_all(rq, 0);
}

/* What one benchmark run holds: a queue, a disk, a chain and its pages. */
struct null_dev {
	struct request_queue *q;
	struct gendisk *disk;
	struct bio *bio[CHAIN];
	struct page *page[CHAIN];
};

static void null_dev_free(struct null_dev *d)
{
	for (int i = 0; i < CHAIN; i++) {
		if (d->bio[i])
			bio_put(d->bio[i]);
		if (d->page[i])
			__free_page(d->page[i]);
	}
	if (d->disk)
		put_disk(d->disk);
	if (d->q)
		blk_cleanup_queue(d->q);
}

static int null_dev_init(struct null_dev *d, u64 bounce_limit)
{
	*d = (struct null_dev){ 0 };
	d->q = blk_init_queue(null_request_fn, NULL);
	d->disk = alloc_disk(1);
	if (!d->q || !d->disk)
		return -ENOMEM;
	blk_queue_bounce_limit(d->q, bounce_limit);
	d->disk->queue = d->q;
	d->disk->bdev.bd_queue = d->q; /* not add_disk: nobody else should see it */
	set_capacity(d->disk, 1024);
	for (int i = 0; i < CHAIN; i++) {
		d->page[i] = alloc_page(GFP_KERNEL); /* above 16 MiB on a 128 MiB guest */
		d->bio[i] = bio_alloc(GFP_KERNEL, 1);
		if (!d->page[i] || !d->bio[i])
			return -ENOMEM;
		d->bio[i]->bi_bdev = &d->disk->bdev;
		d->bio[i]->bi_rw = WRITE;
		bio_add_page(d->bio[i], d->page[i], PAGE_SIZE, 0);
	}
	return 0;
}

/* Completion advanced the bios to their end: make them whole again and relink them. */
static void chain_rewind(struct null_dev *d)
{
	for (int i = 0; i < CHAIN; i++) {
		struct bio *bio = d->bio[i];

		bio->bi_idx = 0;
		bio->bi_size = PAGE_SIZE;
		bio->bi_next = i + 1 < CHAIN ? d->bio[i + 1] : NULL;
	}
}

static u64 bench_make_request(unsigned long iters, u64 bounce_limit)
{
	struct null_dev d;
	u64 start, used = 0;

	if (!null_dev_init(&d, bounce_limit)) {
		start = rdtsc();
		for (unsigned long i = 0; i < iters; i++) {
			struct request *rq;

			chain_rewind(&d);
			rq = blk_make_request(d.q, d.bio[0], GFP_NOIO);
			if (IS_ERR(rq))
				break;
			rq->cmd_type = REQ_TYPE_FS;
			rq->__sector = 0;
			blk_execute_rq(d.q, d.disk, rq, 0);
			blk_put_request(rq);
		}
		used = rdtsc() - start;
	} else {
		pr_warn("bench_block: no memory for the null device\n");
	}
	null_dev_free(&d);
	return used;
}

static u64 bench_make_bounced(unsigned long iters)
{
	if (init_emergency_isa_pool())
		return 0;
	return bench_make_request(iters, BLK_BOUNCE_ISA);
}

static u64 bench_make_plain(unsigned long iters)
{
	return bench_make_request(iters, BLK_BOUNCE_ANY);
}

BENCH(make_request_bounce, "block blk_make_request+execute, 4 bios, ISA bounce", bench_make_bounced,
      "the same, no bouncing", bench_make_plain);
