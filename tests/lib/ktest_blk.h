/*
 * SPDX-License-Identifier: MIT
 * tests/lib/ktest_blk.h - block I/O helpers for the in-guest block suites
 * (bios that record how they ended, a test disk, patterned buffers).
 *
 * Part of the tests module (include/kernel/ktests.h), as every test is;
 * the helpers are defined in tests/ (tests/lib/blk_test.c, tests/drivers/test_virtio_blk.c)
 * and take the running case, as every ktest helper does:
 *
 *   struct virtio_blk *vblk = vblk_test_scratch(t, false);   skips unless a test disk
 *   u8 *buf = vblk_test_buf(t, 5);                           32 pages, direct map
 *   struct bio_result r;
 *   bio_result_init(&r);
 *   struct bio *bio = vblk_test_bio(t, vblk, WRITE, 8, buf, PAGE_SIZE, 0, &r);
 *   submit_bio(WRITE, bio);
 *   bio_result_wait(&r, 1);                                  r.error
 *   bio_put(bio); vblk_test_free_buf(buf, 5);
 *
 * Only a test disk (serial "ktest-...", tests/lib/scratch_dev.h) is ever written:
 * a case that writes finds its disk with vblk_test_scratch(), which skips
 * on a user's disk (make run's vda, serial teachos-vda); vblk_test_find()
 * is for cases that only read.
 *
 * The pattern is a function of the byte's position on the disk and a seed
 * only, so overlapping writes leave the same bytes whatever their order:
 *
 *   byte at disk offset o = little-endian byte (o % 8) of mix(seed ^ (o / 8))
 *   mix = splitmix64's finaliser (tools/disk_checks.py: pattern())
 */
#ifndef KERNEL_KTEST_BLK_H
#define KERNEL_KTEST_BLK_H

#include <block/blkdev.h>
#include <drivers/virtio_blk.h>
#include <kernel/completion.h>
#include <kernel/ktest.h>

/*
 * How bios ended: bio_result_end_io records into bi_private (does not put
 * the bio).  Bios in flight together may end on different CPUs at once,
 * so the record is made under its lock; read it after bio_result_wait.
 */
struct bio_result {
	struct completion done; /* one complete() per ended bio */
	spinlock_t lock;	/* the fields below, against the other CPUs' end_io */
	int calls;		/* bios ended */
	int error;		/* the first error, 0 if none */
	int last_error;
	bool in_irq;	 /* some bio ended in hardirq context */
	bool in_softirq; /* some bio ended in softirq context (not hardirq) */
	u64 cpus;	 /* bit n: some bio ended on CPU n */
};

void bio_result_init(struct bio_result *r);
void bio_result_end_io(struct bio *bio, int error);
/* Wait for @n more bios to end. */
void bio_result_wait(struct bio_result *r, int n);

static inline u64 vblk_test_mix(u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* The first virtio-blk disk that is (not) read-only; skips the case if there is none. */
struct virtio_blk *vblk_test_find(struct ktest *t, bool read_only);

/*
 * The first such disk that the runner made for tests (serial "ktest-...");
 * skips the case if there is none, naming the disk it may not write to.
 * Call it before allocating anything.
 */
struct virtio_blk *vblk_test_scratch(struct ktest *t, bool read_only);

/* Fill / check @len bytes meant for disk byte @pos with pattern @seed. */
void vblk_test_pattern(void *buf, u64 pos, size_t len, u64 seed);
bool vblk_test_holds(const void *buf, u64 pos, size_t len, u64 seed);

/* A bio over @buf (direct map) cut into vecs of mixed sizes (@cut picks them); ends into @r. */
struct bio *vblk_test_bio(struct ktest *t, struct virtio_blk *vblk, int rw, sector_t sector,
			  void *buf, unsigned int len, unsigned int cut, struct bio_result *r);
/*
 * The same without a case: NULL where vblk_test_bio would ASSERT.  For
 * threads a case starts (only the case's own thread may ASSERT).
 */
struct bio *vblk_test_bio_try(struct virtio_blk *vblk, int rw, sector_t sector, void *buf,
			      unsigned int len, unsigned int cut, struct bio_result *r);
/* A vblk_test_bio submitted and waited for: its error. */
int vblk_test_rw(struct ktest *t, struct virtio_blk *vblk, int rw, sector_t sector, void *buf,
		 unsigned int len, unsigned int cut);

/* 2^@order contiguous pages in the direct map (ASSERTed); free with vblk_test_free_buf. */
void *vblk_test_buf(struct ktest *t, unsigned int order);
void vblk_test_free_buf(void *buf, unsigned int order);

#endif
