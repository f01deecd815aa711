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
 */
#include <block/blkdev.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/time.h>
#include <mm/mm.h>

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

static const struct ktest_case vblk_bench_cases[] = {
	KTEST_TIMEOUT(vblk_bench_randwrite_qd1, 120000),
	KTEST_TIMEOUT(vblk_bench_randwrite_qd32, 120000),
	KTEST_TIMEOUT(vblk_bench_randread_qd1, 120000),
	KTEST_TIMEOUT(vblk_bench_randread_qd32, 120000),
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
