/*
 * SPDX-License-Identifier: MIT
 * tests/host/test_bio.c - the block layer's bio, request and bounce logic
 * (block/bio.c, bio_set.c, blk-chain.c, blk-core.c, blk-driver.c,
 * blk-exec.c, blk-softirq.c, blk-settings.c, bounce.c, blk-map.c) on the host, under
 * AddressSanitizer and UBSan, with the real mempools (mm/mempool*.c).
 *
 * Underneath, two fakes (below): a slab allocator where every object is
 * its own malloc (ASan sees a write past a bio's vecs, a use after free,
 * a leak), and a page allocator over the shim's "physical" arena: pages
 * below 16 MiB (ZONE_DMA) and above, counted, poisoned when freed.  Both
 * fail on demand.  The device is simulated: a request_fn that copies
 * between the request's vecs and a byte array, and ends the request at
 * once, in random pieces, or through BLOCK_SOFTIRQ.
 *
 * The centre is a random walk: thousands of bio chains of random pieces
 * (pages above and below 16 MiB, odd offsets), random direction (some
 * mixed), to a queue that bounces or not, with an allocation failing now
 * and then; each blk_make_request either fails with the chain given back
 * intact, or runs and moves exactly the right bytes, each original bio
 * ended once - and afterwards every object and page is back.
 */
#include <block/blkdev.h>
#include <drivers/ramdisk.h>
#include <kernel/completion.h>
#include <kernel/err.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/softirq.h>
#include <mm/mempool.h>
#include <mm/slab.h>
#include <malloc.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "blk.h" /* private to block/: -iquote block (Makefile) */
#include "htest.h"
#include "shim/host_slab.h"
#include "shim/host_kernel.h"

/* The slab is the shared fake (shim/host_slab.c): each object its own malloc. */

/* ---- a fake page allocator over the arena ---- */

#define ARENA_PAGES 8192 /* 32 MiB of "physical" memory */
#define DMA_PAGES   4096 /* the first 16 MiB */
#define BUF_FIRST   7680 /* pages kept back for contiguous buffers */

struct page *mem_map;
unsigned long max_pfn;
static struct page *free_dma[DMA_PAGES], *free_high[ARENA_PAGES];
static int nr_free_dma, nr_free_high;
static long pages_out;
static unsigned long page_fail_nth;
static bool page_fail_all;

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	struct page *p;

	CHECK(order == 0);
	if (page_fail_all || (page_fail_nth && --page_fail_nth == 0))
		return NULL;
	if ((gfp & __GFP_DMA) || !nr_free_high) {
		if (!nr_free_dma)
			return NULL;
		p = free_dma[--nr_free_dma];
	} else {
		p = free_high[--nr_free_high];
	}
	p->_refcount = 1;
	pages_out++;
	memset(page_address(p), (gfp & __GFP_ZERO) ? 0 : 0xa5, PAGE_SIZE);
	return p;
}

void __free_pages(struct page *p, unsigned int order)
{
	CHECK(p->_refcount == 1);
	p->_refcount = 0;
	memset(page_address(p), 0x6b, PAGE_SIZE); /* poison: reading it after is seen */
	if (page_to_pfn(p) < DMA_PAGES)
		free_dma[nr_free_dma++] = p;
	else
		free_high[nr_free_high++] = p;
	pages_out--;
}

static void arena_init(void)
{
	host_phys_init((size_t)ARENA_PAGES * PAGE_SIZE);
	mem_map = calloc(ARENA_PAGES, sizeof(struct page));
	max_pfn = ARENA_PAGES;
	for (unsigned long pfn = 16; pfn < BUF_FIRST; pfn++) { /* pfn < 16: "firmware" */
		if (pfn < DMA_PAGES)
			free_dma[nr_free_dma++] = &mem_map[pfn];
		else
			free_high[nr_free_high++] = &mem_map[pfn];
	}
}

/* The contiguous buffer at the top of the arena (above 16 MiB), for blk-map. */
static char *arena_buffer(void)
{
	return page_address(&mem_map[BUF_FIRST]);
}

/* ---- what else the block files call ---- */

void init_completion(struct completion *c)
{
	c->done = 0;
	init_waitqueue_head(&c->wait);
}

void complete(struct completion *c)
{
	c->done++;
}

/* One thread: whatever is awaited must be done by now, or by the pending softirqs. */
void wait_for_completion(struct completion *c)
{
	do_softirq();
	CHECK(c->done > 0);
	if (c->done)
		c->done--;
}

/* mempool.c's hook into fault injection is the fake slab's; nothing else here. */

/* ---- the simulated device ---- */

enum sim_mode {
	SIM_INLINE,
	SIM_PIECES,
	SIM_SOFTIRQ,
	NR_SIM_MODES
};

#define SIM_SECTORS	512 /* 256 KiB */
#define SIM_MAX_SECTORS 32  /* 16 KiB per request */

static struct sim {
	spinlock_t lock;
	struct request_queue *q;
	struct gendisk *disk;
	unsigned char medium[SIM_SECTORS * 512];
	enum sim_mode mode;
	unsigned long requests, violations;
} sims[2]; /* [0] reaches everything, [1] is an ISA device */

static uint64_t rng = 88172645463325252ULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned int rnd_below(unsigned int n)
{
	return (unsigned int)(rnd() % n);
}

/* Where a request's data goes: FS by sector, BLOCK_PC by its READ(10)/WRITE(10). */
static bool sim_locate(struct request *rq, size_t *pos)
{
	if (rq->cmd_type == REQ_TYPE_FS) {
		*pos = blk_rq_pos(rq) * 512;
	} else if (rq->cmd[0] == READ_10 || rq->cmd[0] == WRITE_10) {
		*pos = ((size_t)rq->cmd[4] << 8 | rq->cmd[5]) * 512;
	} else {
		return false;
	}
	return *pos + blk_rq_bytes(rq) <= sizeof(sims[0].medium);
}

static void sim_transfer(struct sim *s, struct request *rq)
{
	bool write = rq_data_dir(rq) == WRITE;
	struct req_iterator iter;
	struct bio_vec *bv;
	unsigned int segs = 0;
	size_t pos;

	if (!sim_locate(rq, &pos)) {
		rq->errors = -EIO;
		return;
	}
	rq_for_each_segment(bv, rq, iter) {
		unsigned char *mem = (unsigned char *)page_address(bv->bv_page) + bv->bv_offset;

		if (page_to_pfn(bv->bv_page) > queue_bounce_pfn(s->q) ||
		    !blk_seg_fits(s->q, page_to_phys(bv->bv_page) + bv->bv_offset, bv->bv_len))
			s->violations++;
		if (write)
			memcpy(s->medium + pos, mem, bv->bv_len);
		else
			memcpy(mem, s->medium + pos, bv->bv_len);
		pos += bv->bv_len;
		segs++;
	}
	if (segs > queue_max_segments(s->q) || segs != rq->nr_phys_segments)
		s->violations++;
	rq->errors = 0;
}

/* End @rq in random pieces: blk_update_request's partial path, bounce bios half done. */
static void sim_end_in_pieces(struct request *rq)
{
	while (__blk_end_request(rq, rq->errors,
				 1 + rnd_below(blk_rq_bytes(rq) ? blk_rq_bytes(rq) : 1U)))
		;
}

static void sim_request_fn(struct request_queue *q)
{
	struct sim *s = q->queuedata;
	struct request *rq;

	while ((rq = blk_fetch_request(q))) {
		s->requests++;
		sim_transfer(s, rq);
		if (s->mode == SIM_SOFTIRQ)
			blk_complete_request(rq);
		else if (s->mode == SIM_PIECES)
			sim_end_in_pieces(rq);
		else
			__blk_end_request_all(rq, rq->errors);
	}
}

static void sim_softirq_done(struct request *rq)
{
	blk_end_request_all(rq, rq->errors);
}

static void sim_init(struct sim *s, const char *name, u64 bounce)
{
	spin_lock_init(&s->lock);
	s->q = blk_init_queue(sim_request_fn, &s->lock);
	s->q->queuedata = s;
	blk_queue_max_hw_sectors(s->q, SIM_MAX_SECTORS);
	blk_queue_max_segments(s->q, 12);
	blk_queue_softirq_done(s->q, sim_softirq_done);
	blk_queue_bounce_limit(s->q, bounce);
	s->disk = alloc_disk(1);
	strcpy(s->disk->disk_name, name);
	s->disk->queue = s->q;
	set_capacity(s->disk, SIM_SECTORS);
	add_disk(s->disk);
}

static void sim_fini(struct sim *s)
{
	del_gendisk(s->disk);
	blk_cleanup_queue(s->q);
	put_disk(s->disk);
}

/* ---- helpers ---- */

struct ended {
	int calls, error;
};

static void count_end(struct bio *bio, int error)
{
	struct ended *e = bio->bi_private;

	e->calls++;
	if (error)
		e->error = error;
}

static struct bio *new_bio(struct sim *s, int rw, int nr, struct ended *e)
{
	struct bio *bio = bio_alloc(GFP_KERNEL, nr);

	CHECK(bio != NULL);
	bio->bi_bdev = &s->disk->bdev;
	bio->bi_rw = rw;
	bio->bi_end_io = count_end;
	bio->bi_private = e;
	return bio;
}

/* ---- tests ---- */

/* bio_add_page against a model of the limits, for random limits and pieces. */
HTEST(add_page_matches_a_model_of_the_limits)
{
	struct sim *s = &sims[0];
	struct page *pg[4];

	for (int i = 0; i < 4; i++)
		pg[i] = alloc_pages(GFP_KERNEL, 0);
	for (int round = 0; round < 300; round++) {
		unsigned int maxseg = 1 + rnd_below(6), segsize = 512 << rnd_below(4);
		unsigned long mask = (512UL << rnd_below(5)) - 1;
		unsigned int maxsect = 8 + rnd_below(40), vecs = 1 + rnd_below(6);
		struct bio *bio;
		unsigned int size = 0, n = 0;

		blk_queue_max_segments(s->q, maxseg);
		blk_queue_max_segment_size(s->q, segsize);
		blk_queue_segment_boundary(s->q, mask);
		blk_queue_max_hw_sectors(s->q, maxsect);
		bio = bio_alloc(GFP_KERNEL, vecs);
		bio->bi_bdev = &s->disk->bdev;
		for (int k = 0; k < 12; k++) {
			struct page *p = pg[rnd_below(4)];
			unsigned int off = rnd_below(8) * 512,
				     len = 512 * (1 + rnd_below(8 - off / 512));
			struct bio_vec *last = n ? &bio->bi_io_vec[n - 1] : NULL;
			phys_addr_t ph = page_to_phys(p) + off;
			bool fits = len <= segsize && (ph | mask) == ((ph + len - 1) | mask);
			bool sect_ok = size + len <= queue_max_sectors(s->q) * 512;
			bool merge = last && last->bv_page == p &&
				     last->bv_offset + last->bv_len == off &&
				     last->bv_len + len <= segsize &&
				     ((page_to_phys(p) + last->bv_offset) | mask) ==
					     ((ph + len - 1) | mask);
			bool expect = sect_ok && (merge || (n < vecs && n < maxseg && fits));
			int got = bio_add_page(bio, p, len, off);

			CHECK(got == (expect ? (int)len : 0));
			if (got && !merge)
				n++;
			if (got)
				size += len;
			CHECK(bio->bi_vcnt == n && bio->bi_size == size);
		}
		bio_put(bio);
	}
	for (int i = 0; i < 4; i++)
		__free_pages(pg[i], 0);
	blk_queue_max_segments(s->q, 12);
	blk_queue_max_segment_size(s->q, BLK_MAX_SEGMENT_SIZE);
	blk_queue_segment_boundary(s->q, BLK_SEG_BOUNDARY_MASK);
	blk_queue_max_hw_sectors(s->q, SIM_MAX_SECTORS);
}

/* One chain of the random walk: built, made into a request, run (or refused), checked, freed. */
struct walk_stats {
	int made, refused_mixed, refused_memory, refused_limits;
};

#define MAX_BIOS 4
#define MAX_VECS 3

struct piece {
	struct page *page;
	unsigned int off, len;
};

/* One random chain: its bios, the pieces they describe, and what they hold. */
struct walk {
	struct sim *s;
	int nbios, rw;
	bool mixed;
	int nvec[MAX_BIOS];
	struct piece pc[MAX_BIOS][MAX_VECS];
	struct bio *b[MAX_BIOS];
	struct ended e;
	unsigned char data[MAX_BIOS * MAX_VECS * PAGE_SIZE]; /* the pieces, end to end */
	size_t total;
};

/* Build @w: random bios of random pieces (pages above and below 16 MiB), linked. */
static void walk_build(struct walk *w)
{
	w->s = &sims[rnd_below(2)];
	w->nbios = 1 + rnd_below(MAX_BIOS);
	w->rw = rnd_below(2) ? WRITE : READ;
	w->mixed = w->nbios > 1 && rnd_below(8) == 0;
	w->e = (struct ended){ 0, 0 };
	w->total = 0;
	w->s->mode = rnd_below(NR_SIM_MODES);
	for (int i = 0; i < w->nbios; i++) {
		int rw = (w->mixed && i == w->nbios - 1) ? (int)(w->rw ^ WRITE) : w->rw;

		w->nvec[i] = 1 + rnd_below(MAX_VECS);
		w->b[i] = new_bio(w->s, rw, w->nvec[i], &w->e);
		for (int k = 0; k < w->nvec[i]; k++) {
			struct piece *p = &w->pc[i][k];
			unsigned char *mem;

			p->page = alloc_pages(rnd_below(2) ? GFP_DMA : GFP_KERNEL, 0);
			p->off = 512 * rnd_below(8);
			p->len = 512 * (1 + rnd_below(8 - p->off / 512));
			mem = (unsigned char *)page_address(p->page) + p->off;
			for (unsigned int j = 0; j < p->len; j++)
				mem[j] = (unsigned char)rnd();
			CHECK(bio_add_pc_page(w->s->q, w->b[i], p->page, p->len, p->off) ==
			      (int)p->len);
			memcpy(w->data + w->total, mem, p->len);
			w->total += p->len;
		}
		if (i)
			w->b[i - 1]->bi_next = w->b[i];
	}
}

/* A refused chain: a reason for it, and given back as it was. */
static void walk_check_refused(struct walk *w, long err, struct walk_stats *ws)
{
	CHECK(err == -EINVAL || err == -ENOMEM);
	CHECK(err != -EINVAL || w->mixed || w->total > SIM_MAX_SECTORS * 512);
	ws->refused_mixed += w->mixed;
	ws->refused_memory += err == -ENOMEM;
	ws->refused_limits += err == -EINVAL && !w->mixed;
	for (int i = 0; i < w->nbios; i++)
		CHECK(w->b[i]->bi_next == (i + 1 < w->nbios ? w->b[i + 1] : NULL));
	CHECK(w->e.calls == 0);
}

/* Run @rq at @sector: each bio ended once, the bytes where they belong. */
static void walk_check_run(struct walk *w, struct request *rq, size_t sector)
{
	unsigned char *medium = w->s->medium + sector * 512;
	size_t at = 0;

	CHECK(!w->mixed);
	rq->cmd_type = REQ_TYPE_FS;
	rq->__sector = sector;
	CHECK(blk_execute_rq(w->s->q, w->s->disk, rq, 0) == 0);
	blk_put_request(rq);
	CHECK(w->e.calls == w->nbios && w->e.error == 0);
	if (w->rw == WRITE) {
		CHECK(!memcmp(medium, w->data, w->total));
		return;
	}
	for (int i = 0; i < w->nbios; i++)
		for (int k = 0; k < w->nvec[i]; k++) {
			struct piece *p = &w->pc[i][k];

			CHECK(!memcmp((char *)page_address(p->page) + p->off, medium + at, p->len));
			at += p->len;
		}
}

static void walk_one(struct walk *w, struct walk_stats *ws)
{
	size_t sector = rnd_below(SIM_SECTORS - 2 * SIM_MAX_SECTORS);
	struct request *rq;

	walk_build(w);
	if (rnd_below(5) == 0) { /* an allocation on the way fails */
		if (rnd_below(2))
			host_slab_fail_nth = 1 + rnd_below(6);
		else
			page_fail_nth = 1 + rnd_below(6);
	}
	rq = blk_make_request(w->s->q, w->b[0], GFP_NOIO);
	host_slab_fail_nth = page_fail_nth = 0;
	if (IS_ERR(rq)) {
		walk_check_refused(w, PTR_ERR(rq), ws);
	} else {
		ws->made++;
		walk_check_run(w, rq, sector);
	}
	CHECK(bounce_stats.pages_in_use == 0);
	for (int i = 0; i < w->nbios; i++) {
		for (int k = 0; k < w->nvec[i]; k++)
			__free_pages(w->pc[i][k].page, 0);
		bio_put(w->b[i]);
	}
}

HTEST(random_chains_through_blk_make_request)
{
	unsigned long objects = host_slab_live;
	long pages = pages_out;
	static struct walk w;
	struct walk_stats ws = { 0 };

	for (int i = 0; i < 3000; i++)
		walk_one(&w, &ws);
	printf("# made %d, refused: %d mixed, %d no memory, %d too big; %lu bounced\n", ws.made,
	       ws.refused_mixed, ws.refused_memory, ws.refused_limits, bounce_stats.bios);
	CHECK(ws.made > 1000 && ws.refused_mixed > 50 && ws.refused_limits > 20);
	CHECK(bounce_stats.bios > 100);
	CHECK(sims[0].violations == 0 && sims[1].violations == 0);
	CHECK(host_slab_live == objects);
	CHECK(pages_out == pages);
	CHECK(isa_page_pool->curr_nr == ISA_POOL_SIZE);
}

/* submit_bio: the checks before the queue, and a bounced read ended in pieces. */
HTEST(submit_bio_checks_and_bounced_read_in_pieces)
{
	struct sim *s = &sims[1];
	struct ended e = { 0, 0 };
	struct page *p = alloc_pages(GFP_KERNEL, 0);
	struct bio *bio;

	memset(s->medium, 0x3c, 4096);
	s->mode = SIM_PIECES;
	bio = new_bio(s, READ, 1, &e);
	CHECK(bio_add_page(bio, p, 4096, 0) == 4096);
	submit_bio(READ, bio);
	CHECK(e.calls == 1 && e.error == 0);
	CHECK(((unsigned char *)page_address(p))[4095] == 0x3c);
	bio_put(bio);

	bio = new_bio(s, WRITE, 1, &e);
	bio->bi_sector = SIM_SECTORS - 4; /* 4 of 8 sectors past the end */
	CHECK(bio_add_page(bio, p, 4096, 0) == 4096);
	CHECK(submit_bio_wait(WRITE, bio) == -EIO);
	bio_put(bio);
	set_disk_ro(s->disk, 1);
	bio = new_bio(s, WRITE, 1, &e);
	CHECK(bio_add_page(bio, p, 4096, 0) == 4096);
	CHECK(submit_bio_wait(WRITE, bio) == -EROFS);
	bio_put(bio);
	set_disk_ro(s->disk, 0);
	__free_pages(p, 0);
	CHECK(bounce_stats.pages_in_use == 0);
}

/* blkdev_issue_rw with half the allocations failing: done, correct. */
HTEST(issue_rw_completes_under_failures)
{
	struct sim *s = &sims[1];
	char *buf = arena_buffer();
	unsigned long objects = host_slab_live;
	long pages = pages_out;
	struct blk_map_stats st = { 0 };
	int fails = 0;

	for (int i = 0; i < 64 * 1024; i++)
		buf[i] = (char)rnd();
	s->mode = SIM_SOFTIRQ;
	for (int round = 0; round < 40; round++) {
		host_slab_fail_nth = 1 + rnd_below(4);
		page_fail_nth = 1 + rnd_below(4);
		fails += blkdev_issue_rw(&s->disk->bdev, WRITE, 16, buf + 512, 48 * 1024, GFP_NOIO,
					 &st) != 0;
	}
	host_slab_fail_nth = page_fail_nth = 0;
	CHECK(fails == 0);
	CHECK(!memcmp(s->medium + 16 * 512, buf + 512, 48 * 1024));
	CHECK(st.requests > 40);
	CHECK(host_slab_live == objects && pages_out == pages);
}

/*
 * bvec_alloc for every size 1..BIO_MAX_PAGES: the first of 3.10's six slabs
 * that fits (ASan catches a write past an array that is too small); when
 * the slabs fail, the set's reserve of the largest serves a caller that may
 * sleep, and one that may not gets NULL.
 */
HTEST(bvec_alloc_takes_the_first_slab_that_fits_for_every_size)
{
	static const unsigned int sizes[BIOVEC_NR_POOLS] = { 1, 4, 16, 64, 128, 256 };
	struct bio_set *bs = bioset_create(1, 0);
	unsigned long objects = host_slab_live, idx;
	struct bio_vec *bv;

	for (unsigned short i = 0; i < BIOVEC_NR_POOLS; i++)
		CHECK(bvec_nr_vecs(i) == sizes[i]);
	for (int nr = 1; nr <= BIO_MAX_PAGES; nr++) {
		bv = bvec_alloc(GFP_NOIO, nr, &idx, bs->bvec_pool);
		CHECK(bv != NULL && idx < BIOVEC_NR_POOLS);
		CHECK(bvec_nr_vecs(idx) >= (unsigned int)nr);
		CHECK(idx == 0 || bvec_nr_vecs(idx - 1) < (unsigned int)nr);
		memset(bv, 0xa5, (size_t)nr * sizeof(*bv));
		bvec_free(bs->bvec_pool, bv, idx);
	}
	CHECK(bvec_alloc(GFP_NOIO, 0, &idx, bs->bvec_pool) == NULL);
	CHECK(bvec_alloc(GFP_NOIO, BIO_MAX_PAGES + 1, &idx, bs->bvec_pool) == NULL);
	host_slab_fail_all = true;
	CHECK(bvec_alloc(GFP_NOWAIT, 2, &idx, bs->bvec_pool) == NULL);
	bv = bvec_alloc(GFP_NOIO, 2, &idx, bs->bvec_pool);
	host_slab_fail_all = false;
	CHECK(bv != NULL && idx == BIOVEC_MAX_IDX && bs->bvec_pool->curr_nr == 0);
	bvec_free(bs->bvec_pool, bv, idx);
	CHECK(bs->bvec_pool->curr_nr == 1 && host_slab_live == objects);
	bioset_free(bs);
}

/* The mempool deadlock of blk_make_request(9)'s warning, diagnosed by the real mempool. */
HTEST(gfp_wait_beyond_the_first_bio_is_a_diagnosed_deadlock)
{
	struct bio_set *bs = bioset_create(2, 0);
	unsigned long deadlocks = mempool_deadlocks;
	u64 mark = log_seq();
	struct bio *b[3];

	bioset_set_name(bs, "chain");
	host_slab_fail_all = true;
	for (int i = 0; i < 3; i++)
		b[i] = bio_alloc_bioset(GFP_NOIO, 1, bs);
	host_slab_fail_all = false;
	CHECK(b[0] && b[1] && !b[2]);
	CHECK(mempool_deadlocks == deadlocks + 1);
	CHECK(log_contains(mark, "pool 'bio-chain' is empty"));
	bio_put(b[0]);
	bio_put(b[1]);
	bioset_free(bs);
}

/*
 * 3.10's 64-bit blk_queue_bounce_limit on a pretended 8 GiB machine: a
 * mask below 4 GiB is ISA DMA (the ISA pool of 16, __GFP_DMA, the mask's
 * pfn); 4 GiB and BLK_BOUNCE_ANY (-1ULL) bounce nothing (bounce_pfn at
 * least max_low_pfn, which is all memory).
 */
HTEST(bounce_limits_follow_3_10_on_x86_64)
{
	unsigned long saved = blk_max_pfn;
	struct request_queue *q;

	CHECK(isa_page_pool && isa_page_pool->min_nr == 16);
	blk_max_pfn = blk_max_low_pfn = 0x1fffff; /* pretend: 8 GiB of memory */
	q = blk_alloc_queue(GFP_KERNEL);
	blk_queue_bounce_limit(q, DMA_BIT_MASK(30));
	CHECK((q->bounce_gfp & __GFP_DMA) && q->limits.bounce_pfn == 0x3ffff);
	blk_queue_bounce_limit(q, DMA_BIT_MASK(32));
	CHECK(!(q->bounce_gfp & __GFP_DMA) && q->limits.bounce_pfn == 0x200000);
	blk_queue_bounce_limit(q, BLK_BOUNCE_ANY);
	CHECK(!(q->bounce_gfp & __GFP_DMA) && q->limits.bounce_pfn == ~0UL >> PAGE_SHIFT);
	blk_max_pfn = blk_max_low_pfn = saved;
	kfree(q);
}

/* Where it cannot sleep, bouncing warns (might_sleep) and bounces all the same. */
HTEST(bounce_where_it_cannot_sleep_warns_and_bounces)
{
	struct sim *s = &sims[1];
	struct ended e = { 0, 0 };
	struct bio *bio = new_bio(s, WRITE, 1, &e), *orig = bio;
	struct page *p = alloc_pages(GFP_KERNEL, 0);
	unsigned long warnings = might_sleep_warnings;

	CHECK(page_to_pfn(p) >= DMA_PAGES);
	bio_add_page(bio, p, 4096, 0);
	preempt_disable();
	CHECK(blk_queue_bounce(s->q, &bio) == 0);
	preempt_enable();
	CHECK(bio != orig && might_sleep_warnings > warnings);
	CHECK(page_to_pfn(bio->bi_io_vec[0].bv_page) < DMA_PAGES);
	bio_endio(bio, 0);
	CHECK(e.calls == 1 && bounce_stats.pages_in_use == 0);
	bio_put(orig);
	__free_pages(p, 0);
}

/* Last: every bio set and cache the tests tore down was empty when destroyed. */
HTEST(no_cache_was_destroyed_with_objects_out)
{
	CHECK(host_slab_bad_destroys == 0);
}

static const struct htest tests[] = {
	HTEST_ENTRY(add_page_matches_a_model_of_the_limits),
	HTEST_ENTRY(random_chains_through_blk_make_request),
	HTEST_ENTRY(submit_bio_checks_and_bounced_read_in_pieces),
	HTEST_ENTRY(issue_rw_completes_under_failures),
	HTEST_ENTRY(bvec_alloc_takes_the_first_slab_that_fits_for_every_size),
	HTEST_ENTRY(gfp_wait_beyond_the_first_bio_is_a_diagnosed_deadlock),
	HTEST_ENTRY(bounce_limits_follow_3_10_on_x86_64),
	HTEST_ENTRY(bounce_where_it_cannot_sleep_warns_and_bounces),
	HTEST_ENTRY(no_cache_was_destroyed_with_objects_out),
};

int main(void)
{
	int ret;

	arena_init();
	blk_settings_init();
	blk_dev_init();
	bio_set_init();
	blk_softirq_init();
	sim_init(&sims[0], "sim0", BLK_BOUNCE_ANY);
	sim_init(&sims[1], "sim1", BLK_BOUNCE_ISA);
	ret = htest_main("test_bio", tests, HTEST_COUNT(tests));
	sim_fini(&sims[0]);
	sim_fini(&sims[1]);
	return ret;
}
