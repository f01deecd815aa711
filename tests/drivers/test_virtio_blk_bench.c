/*
 * SPDX-License-Identifier: MIT
 * tests/drivers/test_virtio_blk_bench.c - suite `virtio_blk_bench`: wall-clock numbers
 * for the virtio-blk driver against QEMU's real device, printed as
 *
 *   vblk_bench: randread_qd1 1234 IOPS
 *   vblk_bench: seqwrite_1m 56.7 MB/s
 *
 * tools/bench_blk.py (run by `make bench`) boots it a few times on a fresh
 * image and prints the medians.  A suite (so it lives in tests/) rather than
 * a BENCH() of bench/guest/: BENCH cases count instructions under -icount,
 * and these want real time on a real device.  Runs only when named
 * (test=virtio_blk_bench), and writes only to a test disk (serial
 * ktest-bench, tests/lib/scratch_dev.h): on any other disk, such as make
 * run's vda, every case skips.
 *
 * Queue depth 32 is kept as batches: 32 bios submitted, all waited for,
 * again (bi_end_io runs in softirq and may not submit to the same queue).
 *
 * randread_qd32_allcpus spreads the same depth over every online CPU: a
 * thread bound to each (kthread_bind) keeps its share of the 32 reads in
 * flight, resubmitting from its own thread as each one ends, so the device
 * sees QD32 whatever the CPU count, and each CPU's reads go to its own
 * request queue (VIRTIO_BLK_F_MQ, rq->cpu % nr_vqs) and end on it
 * (BLOCK_SOFTIRQ on the submitting CPU):
 *
 *   vblk_bench: randread_qd32_allcpus 21000 IOPS (2 CPUs, 2 queues)
 *
 *   CPU 0: worker, 16 slots      CPU 1: worker, 16 slots     32 MiB .. 48 MiB
 *     submit -> req.0               submit -> req.1           of the image, written
 *     end_io (softirq, CPU 0)       end_io (softirq, CPU 1)   first with a stamp
 *     check the stamp, resubmit     check the stamp, resubmit per 8 bytes
 *
 * tools/bench_blk.py boots it with -smp 1, 2 and 4 (num-queues as many) and
 * prints each beside the 1-CPU figure.
 */
#include <block/blkdev.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <mm/mm.h>
#include <mm/slab.h>

#include "ktest_blk.h"

#define AREA_SECTORS ((32 << 20) >> SECTOR_SHIFT) /* random I/O within the first 32 MiB */
#define RAND_OPS     2048
#define SEQ_BYTES    (32 << 20)
#define SEQ_ORDER    8 /* 1 MiB per I/O */

/* @ops random 4 KiB reads or writes, @qd at a time; returns nanoseconds. */
static u64 rand_io(struct ktest *t, struct virtio_blk *vblk, int rw, unsigned int qd, u8 *buf)
{
	struct bio *bios[32];
	u64 rng = 42, start = ktime_get_ns();

	for (unsigned int done = 0; done < RAND_OPS; done += qd) {
		struct bio_result r;

		bio_result_init(&r);
		for (unsigned int i = 0; i < qd; i++) {
			sector_t s = (vblk_test_mix(rng++) % (AREA_SECTORS / 8)) * 8;

			bios[i] = vblk_test_bio(t, vblk, rw, s, buf + i * PAGE_SIZE, PAGE_SIZE, 2,
						&r);
		}
		for (unsigned int i = 0; i < qd; i++)
			submit_bio(rw, bios[i]);
		bio_result_wait(&r, qd);
		for (unsigned int i = 0; i < qd; i++)
			bio_put(bios[i]);
		EXPECT_EQ(t, r.error, 0);
	}
	return ktime_get_ns() - start;
}

static void report_iops(const char *name, u64 ns)
{
	printk("vblk_bench: %s %llu IOPS\n", name,
	       (unsigned long long)(RAND_OPS * 1000000000ULL / ns));
}

static void bench_rand(struct ktest *t, int rw, unsigned int qd, const char *name)
{
	struct virtio_blk *vblk = vblk_test_scratch(t, false);
	u8 *buf = vblk_test_buf(t, 5); /* 32 pages */

	report_iops(name, rand_io(t, vblk, rw, qd, buf));
	vblk_test_free_buf(buf, 5);
}

TEST_CASE(vblk_bench_randwrite_qd1)
{
	bench_rand(t, WRITE, 1, "randwrite_qd1");
}
TEST_CASE(vblk_bench_randwrite_qd32)
{
	bench_rand(t, WRITE, 32, "randwrite_qd32");
}
TEST_CASE(vblk_bench_randread_qd1)
{
	bench_rand(t, READ, 1, "randread_qd1");
}
TEST_CASE(vblk_bench_randread_qd32)
{
	bench_rand(t, READ, 32, "randread_qd32");
}

/* SEQ_BYTES in 1 MiB I/Os through blkdev_issue_rw (bio chains, requests as large as allowed). */
static void bench_seq(struct ktest *t, int rw, const char *name)
{
	struct virtio_blk *vblk = vblk_test_scratch(t, false);
	u8 *buf = vblk_test_buf(t, SEQ_ORDER);
	u64 start = ktime_get_ns(), ns;

	for (unsigned int off = 0; off < SEQ_BYTES; off += PAGE_SIZE << SEQ_ORDER)
		ASSERT_EQ(t,
			  blkdev_issue_rw(&vblk->disk->bdev, rw, off >> SECTOR_SHIFT, buf,
					  PAGE_SIZE << SEQ_ORDER, GFP_KERNEL, NULL),
			  0);
	ns = ktime_get_ns() - start;
	printk("vblk_bench: %s %llu.%llu MB/s\n", name,
	       (unsigned long long)(SEQ_BYTES * 1000ULL / ns),
	       (unsigned long long)(SEQ_BYTES * 10000ULL / ns % 10));
	vblk_test_free_buf(buf, SEQ_ORDER);
}

TEST_CASE(vblk_bench_seqwrite_1m)
{
	bench_seq(t, WRITE, "seqwrite_1m");
}
TEST_CASE(vblk_bench_seqread_1m)
{
	bench_seq(t, READ, "seqread_1m");
}

/* ---- random reads from every CPU at once ------------------------------------------------ */

#define ALLCPU_DEPTH   32			    /* reads in flight in all, whatever the CPUs */
#define ALLCPU_OPS     4096			    /* reads in all, shared out among the CPUs */
#define ALLCPU_FIRST   ((32 << 20) >> SECTOR_SHIFT) /* the area: 16 MiB from 32 MiB on */
#define ALLCPU_BLOCKS  ((16 << 20) / PAGE_SIZE)
#define ALLCPU_STAMP   0x7662656e63680000ULL /* "vbench": the word at disk offset o is this ^ o */
#define ALLCPU_TIMEOUT 60000		     /* ms a worker may take */

/*
 * The stamp is cheap on purpose: a word compare per 8 bytes keeps the check
 * of every read from weighing on the IOPS it measures (vblk_test_pattern's
 * mix per byte costs about as much as the read itself under TCG), and still
 * tells a wrong block, a stale buffer or a short read from the right data.
 */
static void allcpu_stamp(u64 *words, u64 pos, size_t len)
{
	for (size_t i = 0; i < len / 8; i++)
		words[i] = ALLCPU_STAMP ^ (pos + i * 8);
}

static bool allcpu_stamped(const u64 *words, u64 pos, size_t len)
{
	for (size_t i = 0; i < len / 8; i++)
		if (words[i] != (ALLCPU_STAMP ^ (pos + i * 8)))
			return false;
	return true;
}

struct allcpu_worker;

/* One read in flight: where it reads into and from. */
struct allcpu_slot {
	struct allcpu_worker *w;
	struct bio *bio; /* NULL while none is out */
	u8 *buf;	 /* a page of the case's buffer */
	sector_t sector;
};

/* The thread of one CPU: what it was given, what it found (the case judges). */
struct allcpu_worker {
	struct virtio_blk *vblk;
	unsigned int cpu, qd, ops; /* its CPU, reads in flight, reads in all */
	struct allcpu_slot slots[ALLCPU_DEPTH];
	struct completion *go;	 /* the case starts every worker at once */
	struct completion ended; /* one complete() per ended read */
	spinlock_t lock;	 /* ended_mask and the counts below, against end_io */
	u32 ended_mask;		 /* bit i: slot i's read ended, not yet looked at */
	int error;		 /* the first I/O or allocation error */
	unsigned int bad;	 /* reads whose data was not the stamp */
	unsigned int wrong_cpu;	 /* reads that ended on another CPU */
	u64 end_ns;		 /* ktime_get_ns when its last read was checked */
};

/* bi_end_io (BLOCK_SOFTIRQ, on the submitting CPU): note it, wake the worker. */
static void allcpu_end_io(struct bio *bio, int error)
{
	struct allcpu_slot *s = bio->bi_private;
	struct allcpu_worker *w = s->w;
	unsigned long flags;

	spin_lock_irqsave(&w->lock, flags);
	if (error && !w->error)
		w->error = error;
	if (smp_processor_id() != w->cpu)
		w->wrong_cpu++;
	w->ended_mask |= 1U << (s - w->slots);
	spin_unlock_irqrestore(&w->lock, flags);
	complete(&w->ended);
}

/* Send slot @s's next read, a random block of the area (@n: the worker's read number). */
static int allcpu_submit(struct allcpu_worker *w, struct allcpu_slot *s, u64 n)
{
	u64 block = vblk_test_mix((u64)w->cpu << 32 | n) % ALLCPU_BLOCKS;

	s->sector = ALLCPU_FIRST + block * (PAGE_SIZE >> SECTOR_SHIFT);
	/* A word the device must overwrite: a read that wrote nothing fails the check. */
	((u64 *)s->buf)[0] = ~(ALLCPU_STAMP ^ ((u64)s->sector << SECTOR_SHIFT));
	s->bio = vblk_test_bio_try(w->vblk, READ, s->sector, s->buf, PAGE_SIZE, 2, NULL);
	if (!s->bio)
		return -ENOMEM;
	s->bio->bi_end_io = allcpu_end_io;
	s->bio->bi_private = s;
	submit_bio(READ, s->bio);
	return 0;
}

/* Slot @s's read ended: check its data, put its bio. */
static void allcpu_check(struct allcpu_worker *w, struct allcpu_slot *s)
{
	if (!allcpu_stamped((const u64 *)s->buf, (u64)s->sector << SECTOR_SHIFT, PAGE_SIZE))
		w->bad++;
	bio_put(s->bio);
	s->bio = NULL;
}

/*
 * Keep qd reads in flight until ops have ended: each ended one is checked
 * and replaced from here (not from end_io: see the top of the file).
 */
static int allcpu_worker_fn(void *arg)
{
	struct allcpu_worker *w = arg;
	unsigned int sent = 0, done = 0;

	wait_for_completion(w->go);
	for (; sent < w->qd && sent < w->ops; sent++)
		if (allcpu_submit(w, &w->slots[sent], sent))
			break;
	while (done < sent) {
		unsigned long flags;
		u32 mask;

		wait_for_completion(&w->ended);
		spin_lock_irqsave(&w->lock, flags);
		mask = w->ended_mask;
		w->ended_mask = 0;
		spin_unlock_irqrestore(&w->lock, flags);
		for (unsigned int i = 0; mask; i++, mask >>= 1) {
			if (!(mask & 1))
				continue;
			allcpu_check(w, &w->slots[i]);
			done++;
			if (sent < w->ops && !w->error && !allcpu_submit(w, &w->slots[i], sent))
				sent++;
		}
	}
	w->end_ns = ktime_get_ns();
	if (sent < w->ops && !w->error)
		w->error = -ENOMEM;
	return 0;
}

/* Write the stamp over the whole area (1 MiB at a time) before any read. */
static void allcpu_fill(struct ktest *t, struct virtio_blk *vblk)
{
	u8 *buf = vblk_test_buf(t, SEQ_ORDER);
	const size_t chunk = PAGE_SIZE << SEQ_ORDER;

	for (u64 off = 0; off < ALLCPU_BLOCKS * PAGE_SIZE; off += chunk) {
		u64 pos = ((u64)ALLCPU_FIRST << SECTOR_SHIFT) + off;

		allcpu_stamp((u64 *)buf, pos, chunk);
		EXPECT_EQ(t,
			  blkdev_issue_rw(&vblk->disk->bdev, WRITE, pos >> SECTOR_SHIFT, buf, chunk,
					  GFP_KERNEL, NULL),
			  0);
	}
	vblk_test_free_buf(buf, SEQ_ORDER);
}

/* A worker per online CPU, ALLCPU_DEPTH slots and ALLCPU_OPS reads shared out. */
static unsigned int allcpu_setup(struct allcpu_worker *ws, struct virtio_blk *vblk, u8 *buf,
				 struct completion *go)
{
	unsigned int cpu, n = 0, slot = 0, cpus = num_online_cpus();

	for_each_online_cpu(cpu) {
		struct allcpu_worker *w = &ws[n];

		w->vblk = vblk;
		w->cpu = cpu;
		w->go = go;
		w->qd = ALLCPU_DEPTH / cpus + (n < ALLCPU_DEPTH % cpus);
		w->ops = ALLCPU_OPS / cpus + (n < ALLCPU_OPS % cpus);
		init_completion(&w->ended);
		spin_lock_init(&w->lock);
		for (unsigned int i = 0; i < w->qd; i++)
			w->slots[i] =
				(struct allcpu_slot){ .w = w, .buf = buf + slot++ * PAGE_SIZE };
		n++;
	}
	return n;
}

/* Start every worker, let them go together, join them: the nanoseconds it took. */
static u64 allcpu_run(struct ktest *t, struct allcpu_worker *ws, unsigned int n,
		      struct completion *go)
{
	struct task_struct *k[NR_CPUS] = { NULL };
	u64 start, end = 0;

	for (unsigned int i = 0; i < n; i++) {
		k[i] = ktest_thread_start_on(allcpu_worker_fn, &ws[i], "vblk_bench", ws[i].cpu);
		EXPECT_NOT_NULL(t, k[i]);
	}
	start = ktime_get_ns();
	complete_all(go);
	for (unsigned int i = 0; i < n; i++) {
		if (k[i])
			EXPECT_EQ(t, ktest_thread_finish(k[i], ALLCPU_TIMEOUT), 0);
		if (ws[i].end_ns > end)
			end = ws[i].end_ns;
	}
	return end > start ? end - start : 1;
}

TEST_CASE(vblk_bench_randread_qd32_allcpus)
{
	struct virtio_blk *vblk = vblk_test_scratch(t, false);
	unsigned long before[VBLK_MAX_VQS];
	struct allcpu_worker *ws;
	struct completion go;
	unsigned int n, queues = 0;
	u8 *buf;
	u64 ns;

	ASSERT_GE(t, get_capacity(vblk->disk),
		  ALLCPU_FIRST + ALLCPU_BLOCKS * (PAGE_SIZE >> SECTOR_SHIFT));
	allcpu_fill(t, vblk);
	buf = vblk_test_buf(t, 5); /* ALLCPU_DEPTH pages */
	ws = kcalloc(nr_cpu_ids, sizeof(*ws), GFP_KERNEL);
	ASSERT_NOT_NULL(t, ws);
	init_completion(&go);
	n = allcpu_setup(ws, vblk, buf, &go);
	memcpy(before, vblk->stats.vq_submitted, sizeof(before));
	ns = allcpu_run(t, ws, n, &go);
	for (unsigned int i = 0; i < n; i++) {
		unsigned int q = ws[i].cpu % vblk->nr_vqs;

		EXPECT_EQ(t, ws[i].error, 0);
		EXPECT_EQ(t, ws[i].bad, 0);
		EXPECT_EQ(t, ws[i].wrong_cpu, 0); /* ended on the CPU that submitted it */
		/* Each CPU's reads went to its own request queue. */
		EXPECT_GE(t, vblk->stats.vq_submitted[q] - before[q], (unsigned long)ws[i].ops);
	}
	for (unsigned int q = 0; q < vblk->nr_vqs; q++)
		queues += vblk->stats.vq_submitted[q] != before[q];
	EXPECT_EQ(t, vblk->in_flight, 0);
	printk("vblk_bench: randread_qd32_allcpus %llu IOPS (%u CPUs, %u queues)\n",
	       (unsigned long long)(ALLCPU_OPS * 1000000000ULL / ns), n, queues);
	kfree(ws);
	vblk_test_free_buf(buf, 5);
}

static const struct ktest_case vblk_bench_cases[] = {
	KTEST_TIMEOUT(vblk_bench_randwrite_qd1, 120000),
	KTEST_TIMEOUT(vblk_bench_randwrite_qd32, 120000),
	KTEST_TIMEOUT(vblk_bench_randread_qd1, 120000),
	KTEST_TIMEOUT(vblk_bench_randread_qd32, 120000),
	KTEST_TIMEOUT(vblk_bench_randread_qd32_allcpus, 120000),
	KTEST_TIMEOUT(vblk_bench_seqwrite_1m, 120000),
	KTEST_TIMEOUT(vblk_bench_seqread_1m, 120000),
	{}
};

static const struct ktest_suite __ktest_suite_virtio_blk_bench __section(".ktest_suites")
	__used __aligned(8) = {
		.name = "virtio_blk_bench",
		.cases = vblk_bench_cases,
		.by_name_only = "a benchmark on a test disk: make bench runs it",
	};
