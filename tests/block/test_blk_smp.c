/*
 * SPDX-License-Identifier: MIT
 * tests/block/test_blk_smp.c - suite `blk_smp`: the block layer on many
 * CPUs at once.  Threads bound to every online CPU write and read back
 * their own sectors of one disk together, in each completion mode of the
 * ramdisk (which the case makes and destroys) and on the runner's scratch
 * virtio-blk disk (through a request queue of its own per CPU where the
 * device has several: VIRTIO_BLK_F_MQ); every block is checked, and where
 * each bio ended: on
 * the CPU that submitted it (QUEUE_FLAG_SAME_COMP), or, with that flag
 * off, where its interrupt came (block/blk-softirq.c).
 *
 *   -smp 4 -append "test=blk_smp"    (the smp4-blk variant)
 *
 * On one CPU the I/O cases still run (one thread); the cases about which
 * CPU ends a request need two and skip without them.
 *
 *   CPU 0          CPU 1          CPU 2          CPU 3        one disk
 *   worker 0       worker 1       worker 2       worker 3
 *   sectors 0-63   64-127         128-191        192-255      writes, then reads,
 *        \_____________\______________\______________\__     every round
 *                           q->queue_lock, request_fn, the device
 */
#include <kernel/err.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <mm/slab.h>
#include <string.h>

#include "blk_test.h"
#include "vblk_test.h"

#define SMP_PAGES	    8 /* per worker: its region of the disk, 32 KiB */
#define SMP_BIOS	    2 /* in flight at once per worker, SMP_PAGES / SMP_BIOS pages each */
#define SMP_ROUNDS	    3
#define SMP_SECTORS_PER_CPU (SMP_PAGES * PAGE_SIZE >> SECTOR_SHIFT)

/* One worker: what it was given, and what it found (the case thread judges). */
struct smp_worker {
	struct block_device *bdev;
	unsigned int cpu;
	sector_t first; /* its region: SMP_SECTORS_PER_CPU sectors from here */
	u64 seed;	/* virtio-blk: vblk_test_pattern's seed; ramdisk: blk_test_fill's base */
	bool vblk;	/* pattern by disk position (vblk_test_*), else blk_test_fill per page */
	struct page *w[SMP_PAGES], *r[SMP_PAGES];
	int error;		/* the first I/O or allocation error */
	unsigned int bad;	/* pages read back that differ */
	unsigned int wrong_cpu; /* rounds whose bios did not all end on this CPU */
	u64 ended_on;		/* bit n: a bio of this worker ended on CPU n */
	bool in_softirq;	/* some bio ended in softirq context */
};

/* Fill (@check false) or check page @i of round @round of @w. */
static bool smp_pattern(struct smp_worker *w, struct page *p, unsigned int i, unsigned int round,
			bool check)
{
	u64 pos = ((w->first << SECTOR_SHIFT) + (u64)i * PAGE_SIZE);
	u64 seed = w->seed + round;

	if (w->vblk) {
		if (check)
			return vblk_test_holds(page_address(p), pos, PAGE_SIZE, seed);
		vblk_test_pattern(page_address(p), pos, PAGE_SIZE, seed);
		return true;
	}
	if (check)
		return blk_test_holds(page_address(p), PAGE_SIZE, (unsigned int)seed * 16 + i);
	blk_test_fill(page_address(p), PAGE_SIZE, (unsigned int)seed * 16 + i);
	return true;
}

/* SMP_BIOS bios over @pages, @rw, all in flight, waited for.  0 or the first error. */
static int smp_io(struct smp_worker *w, int rw, struct page **pages, struct bio_result *res)
{
	const unsigned int per = SMP_PAGES / SMP_BIOS;
	struct bio *bios[SMP_BIOS];
	unsigned int n;

	bio_result_init(res);
	for (n = 0; n < SMP_BIOS; n++) {
		struct bio *bio = bio_alloc(GFP_KERNEL, per);

		if (!bio)
			break;
		bio->bi_bdev = w->bdev;
		bio->bi_sector = w->first + n * (per * PAGE_SIZE >> SECTOR_SHIFT);
		bio->bi_end_io = bio_result_end_io;
		bio->bi_private = res;
		for (unsigned int i = 0; i < per; i++)
			bio_add_page(bio, pages[n * per + i], PAGE_SIZE, 0);
		bios[n] = bio;
	}
	for (unsigned int i = 0; i < n; i++)
		submit_bio(rw, bios[i]);
	bio_result_wait(res, n);
	for (unsigned int i = 0; i < n; i++)
		bio_put(bios[i]);
	return n < SMP_BIOS ? -ENOMEM : res->error;
}

/* Write the region, read it back, check it: SMP_ROUNDS times.  The thread of one CPU. */
static int smp_worker_fn(void *arg)
{
	struct smp_worker *w = arg;
	struct bio_result res;

	for (unsigned int round = 0; round < SMP_ROUNDS && !w->error; round++) {
		for (unsigned int i = 0; i < SMP_PAGES; i++) {
			smp_pattern(w, w->w[i], i, round, false);
			memset(page_address(w->r[i]), 0, PAGE_SIZE);
		}
		w->error = smp_io(w, WRITE, w->w, &res);
		w->ended_on |= res.cpus;
		if (res.cpus != 1ULL << w->cpu)
			w->wrong_cpu++;
		if (!w->error)
			w->error = smp_io(w, READ, w->r, &res);
		w->ended_on |= res.cpus;
		w->in_softirq |= res.in_softirq;
		if (res.cpus != 1ULL << w->cpu)
			w->wrong_cpu++;
		for (unsigned int i = 0; i < SMP_PAGES && !w->error; i++)
			if (!smp_pattern(w, w->r[i], i, round, true))
				w->bad++;
	}
	return 0;
}

static void smp_free_pages(struct smp_worker *w)
{
	for (unsigned int i = 0; i < SMP_PAGES; i++) {
		if (w->w[i])
			__free_page(w->w[i]);
		if (w->r[i])
			__free_page(w->r[i]);
	}
}

/* A worker per online CPU on @bdev (regions from @base); run them together; join. */
static struct smp_worker *smp_run(struct ktest *t, struct block_device *bdev, sector_t base,
				  u64 seed, bool vblk, unsigned int *nr)
{
	struct smp_worker *ws = kcalloc(nr_cpu_ids, sizeof(*ws), GFP_KERNEL);
	struct task_struct *k[NR_CPUS] = { NULL };
	unsigned int cpu, n = 0;

	ASSERT_NOT_NULL(t, ws);
	for_each_online_cpu(cpu) {
		struct smp_worker *w = &ws[n++];

		*w = (struct smp_worker){ .bdev = bdev,
					  .cpu = cpu,
					  .seed = seed + cpu * 16,
					  .first = base + cpu * SMP_SECTORS_PER_CPU,
					  .vblk = vblk };
		for (unsigned int i = 0; i < SMP_PAGES; i++) {
			w->w[i] = alloc_page(GFP_KERNEL);
			w->r[i] = alloc_page(GFP_KERNEL);
			if (!w->w[i] || !w->r[i])
				w->error = -ENOMEM;
		}
	}
	/* Every page first, then every thread: they start as close together as can be. */
	for (unsigned int i = 0; i < n; i++) {
		if (ws[i].error)
			continue;
		k[i] = ktest_thread_start_on(smp_worker_fn, &ws[i], "blk_smp", ws[i].cpu);
		EXPECT_NOT_NULL(t, k[i]);
	}
	for (unsigned int i = 0; i < n; i++)
		if (k[i])
			EXPECT_EQ(t, ktest_thread_finish(k[i], 60000), 0);
	*nr = n;
	return ws;
}

static void smp_free(struct smp_worker *ws, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		smp_free_pages(&ws[i]);
	kfree(ws);
}

/* The ramdisk: each worker's region holds its last round's pattern, read through the medium. */
static bool smp_medium_holds(struct ramdisk *rd, const struct smp_worker *w)
{
	for (unsigned int i = 0; i < SMP_PAGES; i++)
		if (!blk_test_disk_holds(rd, (w->first << SECTOR_SHIFT) + (u64)i * PAGE_SIZE,
					 PAGE_SIZE,
					 (unsigned int)(w->seed + SMP_ROUNDS - 1) * 16 + i))
			return false;
	return true;
}

/* One ramdisk in mode @how; every CPU's worker on it.  Checks blocks and completion CPUs. */
static void smp_ramdisk_round(struct ktest *t, enum ramdisk_completion how, unsigned int depth)
{
	struct ramdisk *rd =
		blk_test_disk(t,
			      &(struct ramdisk_config){ .sectors = nr_cpu_ids * SMP_SECTORS_PER_CPU,
							.completion = how,
							.queue_depth = depth });
	unsigned int n;
	struct smp_worker *ws = smp_run(t, &rd->disk->bdev, 0, 1 + how * 64, false, &n);

	for (unsigned int i = 0; i < n; i++) {
		struct smp_worker *w = &ws[i];

		EXPECT_EQ(t, w->error, 0);
		EXPECT_EQ(t, w->bad, 0);
		EXPECT_TRUE(t, smp_medium_holds(rd, w));
		/* Hardirq completion ends where the device thread raised it; the rest here. */
		if (how != RAMDISK_COMPLETE_IRQ)
			EXPECT_EQ(t, w->wrong_cpu, 0);
	}
	EXPECT_EQ(t, rd->stats.limit_violations, 0);
	EXPECT_EQ(t, rd->stats.errors, 0);
	EXPECT_EQ(t, rd->stats.requests, (unsigned long)n * SMP_ROUNDS * 2 * SMP_BIOS);
	EXPECT_EQ(t, rd->queue->in_flight, 0);
	EXPECT_EQ(t, rd->queue->root_rl.count, 0);
	smp_free(ws, n);
	ramdisk_destroy(rd);
}

TEST_CASE(blk_smp_test_every_cpu_writes_and_reads_back_its_sectors_at_once_in_each_mode)
{
	smp_ramdisk_round(t, RAMDISK_COMPLETE_INLINE, 0);
	smp_ramdisk_round(t, RAMDISK_COMPLETE_SOFTIRQ, 0);
	smp_ramdisk_round(t, RAMDISK_COMPLETE_IRQ, 0);
	smp_ramdisk_round(t, RAMDISK_COMPLETE_IRQ_SOFTIRQ, 0);
}

TEST_CASE(blk_smp_test_a_full_device_is_restarted_by_completions_on_other_cpus)
{
	/* Two requests at a time for every CPU's two: the queue stops and restarts often. */
	smp_ramdisk_round(t, RAMDISK_COMPLETE_IRQ_SOFTIRQ, 2);
	smp_ramdisk_round(t, RAMDISK_COMPLETE_IRQ, 1);
}

/* ---- which CPU ends a request ---- */

/* The online CPU with the highest number, other than 0; skips on one CPU. */
static unsigned int smp_other_cpu(struct ktest *t)
{
	unsigned int cpu, last = 0;

	for_each_online_cpu(cpu)
		last = cpu;
	if (!last)
		ktest_skip(t, "needs two online CPUs (boot with -smp 2 or more)");
	return last;
}

/*
 * One worker on CPU @cpu submits to a ramdisk whose device thread (and so
 * interrupt) is on CPU 0, SAME_COMP as @same_comp: where did its bios end?
 */
static u64 smp_ended_on(struct ktest *t, unsigned int cpu, bool same_comp, bool *in_softirq,
			unsigned long *forwarded)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){
						      .sectors = (cpu + 1) * SMP_SECTORS_PER_CPU,
						      .completion = RAMDISK_COMPLETE_IRQ_SOFTIRQ });
	struct smp_worker w = {
		.bdev = &rd->disk->bdev, .cpu = cpu, .seed = 7, .first = cpu * SMP_SECTORS_PER_CPU
	};
	unsigned long flags, before = blk_softirq_count(true);
	struct task_struct *k;

	ASSERT_EQ(t, ramdisk_bind_device(rd, 0), 0);
	spin_lock_irqsave(rd->queue->queue_lock, flags);
	if (!same_comp)
		queue_flag_clear(QUEUE_FLAG_SAME_COMP, rd->queue);
	spin_unlock_irqrestore(rd->queue->queue_lock, flags);
	for (unsigned int i = 0; i < SMP_PAGES; i++) {
		w.w[i] = alloc_page(GFP_KERNEL);
		w.r[i] = alloc_page(GFP_KERNEL);
		if (!w.w[i] || !w.r[i])
			w.error = -ENOMEM;
	}
	k = w.error ? NULL : ktest_thread_start_on(smp_worker_fn, &w, "blk_smp", cpu);
	EXPECT_NOT_NULL(t, k);
	if (k)
		EXPECT_EQ(t, ktest_thread_finish(k, 60000), 0);
	EXPECT_EQ(t, w.error, 0);
	EXPECT_EQ(t, w.bad, 0);
	*in_softirq = w.in_softirq;
	*forwarded = blk_softirq_count(true) - before;
	smp_free_pages(&w);
	ramdisk_destroy(rd);
	return w.ended_on;
}

TEST_CASE(blk_smp_test_a_request_ends_on_the_cpu_that_submitted_it)
{
	unsigned int cpu = smp_other_cpu(t);
	unsigned long forwarded;
	bool softirq;

	/* "complete on the submitting CPU": the interrupt's CPU 0 hands each request over. */
	EXPECT_EQ(t, smp_ended_on(t, cpu, true, &softirq, &forwarded), 1ULL << cpu);
	EXPECT_TRUE(t, softirq);
	EXPECT_GE(t, forwarded, SMP_ROUNDS * 2 * SMP_BIOS);
}

TEST_CASE(blk_smp_test_without_same_comp_a_request_ends_where_its_interrupt_came)
{
	unsigned int cpu = smp_other_cpu(t);
	unsigned long forwarded;
	bool softirq;

	EXPECT_EQ(t, smp_ended_on(t, cpu, false, &softirq, &forwarded), 1ULL << 0);
	EXPECT_TRUE(t, softirq);
}

/* ---- the runner's virtio-blk disk ---- */

TEST_CASE(blk_smp_test_every_cpu_writes_and_reads_back_its_sectors_of_vda_at_once)
{
	struct virtio_blk *vblk = vblk_test_scratch(t, false);
	unsigned long completed = vblk->stats.completed;
	/* Past the sectors test_virtio_blk.c's cases use, in the disk's second MiB. */
	sector_t base = 2048;
	unsigned int n;
	struct smp_worker *ws;

	ASSERT_GE(t, get_capacity(vblk->disk), base + nr_cpu_ids * SMP_SECTORS_PER_CPU);
	ws = smp_run(t, &vblk->disk->bdev, base, 0x5300, true, &n);
	for (unsigned int i = 0; i < n; i++) {
		EXPECT_EQ(t, ws[i].error, 0);
		EXPECT_EQ(t, ws[i].bad, 0);
		EXPECT_EQ(t, ws[i].wrong_cpu, 0); /* BLOCK_SOFTIRQ on the submitting CPU */
	}
	EXPECT_GE(t, vblk->stats.completed - completed,
		  (unsigned long)n * SMP_ROUNDS * 2 * SMP_BIOS);
	EXPECT_EQ(t, vblk->in_flight, 0);
	smp_free(ws, n);
}

TEST_CASE(blk_smp_test_virtio_blk_mq_gives_each_cpu_its_own_request_queue)
{
	struct virtio_blk *vblk = vblk_test_scratch(t, false);
	unsigned long before[VBLK_MAX_VQS];
	struct smp_worker *ws;
	unsigned int n;

	if (vblk->nr_vqs < 2)
		ktest_skip(t, "the disk has one request queue (MQ needs -smp 2 or more)");
	memcpy(before, vblk->stats.vq_submitted, sizeof(before));
	ws = smp_run(t, &vblk->disk->bdev, 2048, 0x5400, true, &n);
	/* Each CPU's requests went to its queue: every queue a CPU maps to got them all. */
	for (unsigned int i = 0; i < n; i++) {
		unsigned int q = ws[i].cpu % vblk->nr_vqs;

		EXPECT_EQ(t, ws[i].error, 0);
		EXPECT_EQ(t, ws[i].bad, 0);
		EXPECT_GE(t, vblk->stats.vq_submitted[q] - before[q],
			  (unsigned long)SMP_ROUNDS * 2 * SMP_BIOS);
	}
	for (unsigned int q = 0; q < vblk->nr_vqs; q++)
		EXPECT_EQ(t, vblk->vq_in_flight[q], 0);
	smp_free(ws, n);
}

static const struct ktest_case blk_smp_cases[] = {
	KTEST_TIMEOUT(blk_smp_test_every_cpu_writes_and_reads_back_its_sectors_at_once_in_each_mode,
		      120000),
	KTEST_TIMEOUT(blk_smp_test_a_full_device_is_restarted_by_completions_on_other_cpus, 120000),
	KTEST(blk_smp_test_a_request_ends_on_the_cpu_that_submitted_it),
	KTEST(blk_smp_test_without_same_comp_a_request_ends_where_its_interrupt_came),
	KTEST_TIMEOUT(blk_smp_test_every_cpu_writes_and_reads_back_its_sectors_of_vda_at_once,
		      120000),
	KTEST_TIMEOUT(blk_smp_test_virtio_blk_mq_gives_each_cpu_its_own_request_queue, 120000),
	{}
};

TEST_SUITE(blk_smp, blk_smp_cases);
