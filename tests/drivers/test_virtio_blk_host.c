/*
 * SPDX-License-Identifier: MIT
 * tests/drivers/test_virtio_blk_host.c - suite `virtio_blk_host`: the guest half of
 * the host-side disk check (tools/disk_checks.py, run by `make test`).
 * Runs only when named, and only on the runner's disk (serial ktest-host,
 * tests/lib/scratch_dev.h): it writes all over it.  On any other disk, such as
 * make run's vda, both cases skip.
 *
 *   host:  image = pattern(seed)                     every byte of a fresh image
 *   guest: test=virtio_blk_host vblk_host_seed=SEED
 *          1. reads the whole disk through bios of mixed sizes, several in
 *             flight, and checks pattern(seed)
 *          2. writes pattern(seed ^ GUEST_SEED) at offsets and lengths from
 *             a PRNG seeded with seed, multi-segment bios, then flushes,
 *             printing each write: "vblk_host: wrote <sector> <sectors>";
 *             with several CPUs online the writes are shared among threads
 *             bound to each (write i by the i % n-th), in flight together:
 *             the pattern is a function of the disk offset only, so writes
 *             that overlap leave the same bytes in any order, and the host's
 *             comparison is the same (tools/disk_checks.py boots it on one
 *             CPU and on four)
 *   host:  regenerates the writes from the seed, checks the guest's list is
 *          that list, and the image byte for byte
 *
 * The pattern and the PRNG are tests/lib/vblk_test.h's (vblk_test_mix).
 */
#include <block/blkdev.h>
#include <kernel/cmdline.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <mm/slab.h>
#include <errno.h>
#include <string.h>

#include "vblk_test.h"

#define GUEST_SEED  0x5eedULL /* the guest's pattern is pattern(seed ^ GUEST_SEED) */
#define HOST_WRITES 48
#define BUF_ORDER   5 /* 128 KiB: the largest read or write */
#define BUF_SECTORS ((PAGE_SIZE << BUF_ORDER) >> SECTOR_SHIFT)

static long vblk_host_seed;
cmdline_param_int(vblk_host_seed, &vblk_host_seed, 0, 0x7fffffff,
		  "virtio_blk_host test: the seed of the host's and the guest's patterns");

/* The PRNG both sides run: mix(state), state counting up from seed << 20. */
static u64 prng_next(u64 *state)
{
	return vblk_test_mix((*state)++);
}

/* Read @sectors at @sector as up to three bios of random sizes in flight together. */
static int read_chunk(struct ktest *t, struct virtio_blk *vblk, sector_t sector,
		      unsigned int sectors, u8 *buf, u64 *rng)
{
	struct bio *bios[3];
	struct bio_result r;
	unsigned int done = 0, n = 0;

	bio_result_init(&r);
	while (done < sectors) {
		unsigned int left = sectors - done;
		unsigned int len = n == 2 ? left : 1 + prng_next(rng) % left;

		bios[n] = vblk_test_bio(t, vblk, READ, sector + done, buf + done * SECTOR_SIZE,
					len * SECTOR_SIZE, n + done, &r);
		done += len;
		n++;
	}
	for (unsigned int i = 0; i < n; i++)
		submit_bio(READ, bios[i]);
	bio_result_wait(&r, n);
	for (unsigned int i = 0; i < n; i++)
		bio_put(bios[i]);
	return r.error;
}

TEST_CASE(virtio_blk_host_test_reads_the_host_pattern)
{
	struct virtio_blk *vblk = vblk_test_scratch(t, false);
	sector_t cap = get_capacity(vblk->disk), sector = 0;
	u64 rng = (u64)vblk_host_seed << 20 | 0x80000;
	u8 *buf = vblk_test_buf(t, BUF_ORDER);
	unsigned int chunks = 0, bad = 0;

	while (sector < cap) {
		unsigned int n = 1 + prng_next(&rng) % BUF_SECTORS;

		if (n > cap - sector)
			n = cap - sector;
		memset(buf, 0, n * SECTOR_SIZE);
		EXPECT_EQ(t, read_chunk(t, vblk, sector, n, buf, &rng), 0);
		if (!vblk_test_holds(buf, sector * SECTOR_SIZE, n * SECTOR_SIZE, vblk_host_seed) &&
		    !bad++)
			ktest_fail(t, __FILE__, __LINE__, "sectors %llu+%u differ from the host's",
				   (unsigned long long)sector, n);
		sector += n;
		chunks++;
	}
	printk("vblk_host: read %llu sectors in %u chunks, %u bad\n", (unsigned long long)cap,
	       chunks, bad);
	vblk_test_free_buf(buf, BUF_ORDER);
}

/* The writes of the second case: made by the case, done by a thread per online CPU. */
struct host_writes {
	struct virtio_blk *vblk;
	u64 seed;
	sector_t sector[HOST_WRITES];
	unsigned int sectors[HOST_WRITES];
	int error[HOST_WRITES];
	unsigned int nr_threads;
};

/* One writer: its own buffer, the writes i with i % nr_threads == @w->index. */
struct host_writer {
	struct host_writes *hw;
	unsigned int index;
	u8 *buf; /* BUF_ORDER pages, direct map */
};

static int host_writer_fn(void *arg)
{
	struct host_writer *w = arg;
	struct host_writes *hw = w->hw;

	for (unsigned int i = w->index; i < HOST_WRITES; i += hw->nr_threads) {
		unsigned int len = hw->sectors[i] * SECTOR_SIZE;
		struct bio_result r;
		struct bio *bio;

		vblk_test_pattern(w->buf, hw->sector[i] * SECTOR_SIZE, len, hw->seed);
		bio_result_init(&r);
		bio = vblk_test_bio_try(hw->vblk, WRITE, hw->sector[i], w->buf, len, i, &r);
		if (!bio) {
			hw->error[i] = -ENOMEM;
			continue;
		}
		submit_bio(WRITE, bio);
		bio_result_wait(&r, 1);
		bio_put(bio);
		hw->error[i] = r.error;
	}
	return 0;
}

/* A writer per online CPU, bound to it, all at once; joined.  Returns how many ran. */
static unsigned int host_write_on_every_cpu(struct ktest *t, struct host_writes *hw)
{
	struct host_writer w[NR_CPUS];
	struct task_struct *k[NR_CPUS];
	unsigned int cpu, n = 0;

	hw->nr_threads = num_online_cpus();
	for_each_online_cpu(cpu) {
		w[n] = (struct host_writer){ .hw = hw,
					     .index = n,
					     .buf = vblk_test_buf(t, BUF_ORDER) };
		k[n] = ktest_thread_start_on(host_writer_fn, &w[n], "vblk_host", cpu);
		EXPECT_NOT_NULL(t, k[n]);
		n++;
	}
	for (unsigned int i = 0; i < n; i++) {
		if (k[i])
			EXPECT_EQ(t, ktest_thread_finish(k[i], 60000), 0);
		vblk_test_free_buf(w[i].buf, BUF_ORDER);
	}
	return n;
}

TEST_CASE(virtio_blk_host_test_writes_its_pattern_and_flushes)
{
	struct virtio_blk *vblk = vblk_test_scratch(t, false);
	sector_t cap = get_capacity(vblk->disk);
	u64 rng = (u64)vblk_host_seed << 20;
	struct host_writes *hw = kzalloc(sizeof(*hw), GFP_KERNEL);
	unsigned int threads;

	ASSERT_NOT_NULL(t, hw);
	hw->vblk = vblk;
	hw->seed = vblk_host_seed ^ GUEST_SEED;
	printk("vblk_host: seed %ld\n", vblk_host_seed);
	for (int i = 0; i < HOST_WRITES; i++) {
		hw->sectors[i] = 1 + prng_next(&rng) % BUF_SECTORS;
		hw->sector[i] = prng_next(&rng) % (cap - hw->sectors[i] + 1);
	}
	threads = host_write_on_every_cpu(t, hw);
	for (int i = 0; i < HOST_WRITES; i++) { /* in the PRNG's order, whoever wrote it */
		EXPECT_EQ(t, hw->error[i], 0);
		printk("vblk_host: wrote %llu %u\n", (unsigned long long)hw->sector[i],
		       hw->sectors[i]);
	}
	EXPECT_EQ(t, blkdev_issue_flush(&vblk->disk->bdev, GFP_KERNEL, NULL), 0);
	printk("vblk_host: done %d writes from %u CPUs, flushed\n", HOST_WRITES, threads);
	kfree(hw);
}

static const struct ktest_case virtio_blk_host_cases[] = {
	KTEST_TIMEOUT(virtio_blk_host_test_reads_the_host_pattern, 120000),
	KTEST_TIMEOUT(virtio_blk_host_test_writes_its_pattern_and_flushes, 60000),
	{}
};

/* Only when named (test=virtio_blk_host), never by test=all: the disk comes from the host. */
static const struct ktest_suite __ktest_suite_virtio_blk_host __section(".ktest_suites")
	__used __aligned(8) = {
		.name = "virtio_blk_host",
		.cases = virtio_blk_host_cases,
		.by_name_only = "needs the disk the host runner prepares",
	};
