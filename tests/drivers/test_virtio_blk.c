/*
 * SPDX-License-Identifier: MIT
 * tests/drivers/test_virtio_blk.c - the virtio-blk driver against QEMU's device,
 * suite `virtio_blk`.  Without a virtio-blk disk every case skips.
 *
 * tools/disk_checks.py's variant boots with two disks (images made under
 * the build folder):
 *
 *   -drive if=none,id=d0,format=raw,file=BUILD/vblk-test-rw.img
 *   -device virtio-blk-pci,drive=d0,serial=ktest-rw                vda, 8 MiB
 *   -drive if=none,id=d1,format=raw,file=BUILD/vblk-test-ro.img,readonly=on
 *   -device virtio-blk-pci,drive=d1,serial=ktest-ro                vdb: the RO feature
 *
 * A case writes only to a disk whose serial starts with "ktest-" (the
 * runner's scratch images, tests/lib/scratch_dev.h): on any other disk, such as
 * make run's vda (serial teachos-vda, the user's build/disk.img), the cases
 * that write skip ("vda is not a test disk (serial teachos-vda): writes
 * skipped") and the ones that only read or ask still run.  The runner
 * fails these boots if anything skips for want of its disks.
 *
 * Every byte written goes through the driver to the image and back; the
 * driver's counters (struct virtblk_stats) show what reached the device.
 * tests/drivers/test_virtio_blk_host.c has the suite the host checks byte by byte.
 */
#include <block/blkdev.h>
#include <drivers/virtio.h>
#include <drivers/virtio_blk.h>
#include <drivers/virtio_pci.h>
#include <kernel/irq.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <mm/fault_inject.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include <errno.h>
#include <string.h>

#include "blk_test.h"
#include "probe_fault.h"
#include "vblk_test.h"

/* ---- helpers ------------------------------------------------------------------------- */

struct virtio_blk *vblk_test_find(struct ktest *t, bool read_only)
{
	struct virtio_blk *vblk;

	list_for_each_entry(vblk, &virtblk_devices, node)
		if (get_disk_ro(vblk->disk) == read_only)
			return vblk;
	ktest_skip(t, read_only ? "no read-only virtio-blk disk (readonly=on)"
				: "no writable virtio-blk disk");
}

struct virtio_blk *vblk_test_scratch(struct ktest *t, bool read_only)
{
	struct virtio_blk *vblk, *other = NULL;

	list_for_each_entry(vblk, &virtblk_devices, node) {
		if (get_disk_ro(vblk->disk) != read_only)
			continue;
		if (scratch_disk(vblk, NULL))
			return vblk;
		if (!other)
			other = vblk;
	}
	if (other)
		scratch_need_disk(t, other); /* skips, naming it */
	return vblk_test_find(t, read_only); /* skips: there is none */
}

/* Bytes @len at disk byte @pos of pattern @seed: a function of the position only. */
void vblk_test_pattern(void *buf, u64 pos, size_t len, u64 seed)
{
	u8 *p = buf;

	for (size_t i = 0; i < len; i++) {
		u64 off = pos + i, x = vblk_test_mix(seed ^ (off >> 3));

		p[i] = x >> ((off & 7) * 8);
	}
}

bool vblk_test_holds(const void *buf, u64 pos, size_t len, u64 seed)
{
	const u8 *p = buf;

	for (size_t i = 0; i < len; i++) {
		u64 off = pos + i;

		if (p[i] != (u8)(vblk_test_mix(seed ^ (off >> 3)) >> ((off & 7) * 8)))
			return false;
	}
	return true;
}

/*
 * A bio for @len bytes of the direct-map buffer @buf at @sector of @vblk's
 * disk, cut into vecs of mixed sizes (512 B .. a page, split at page
 * ends): a multi-segment bio as a file system would make one.  @cut
 * varies the sizes.  Ends into @r.
 */
struct bio *vblk_test_bio_try(struct virtio_blk *vblk, int rw, sector_t sector, void *buf,
			      unsigned int len, unsigned int cut, struct bio_result *r)
{
	static const unsigned int sizes[] = { 512, 1536, 4096, 1024, 3072, 2048, 512, 2560 };
	unsigned int done = 0, i = cut;
	struct bio *bio =
		bio_alloc(GFP_KERNEL,
			  len / SECTOR_SIZE < BIO_MAX_PAGES ? len / SECTOR_SIZE : BIO_MAX_PAGES);

	if (!bio)
		return NULL;
	bio->bi_bdev = &vblk->disk->bdev;
	bio->bi_sector = sector;
	bio->bi_rw = rw;
	bio->bi_end_io = bio_result_end_io;
	bio->bi_private = r;
	while (done < len) {
		char *p = (char *)buf + done;
		unsigned int in_page = PAGE_SIZE - ((unsigned long)p & (PAGE_SIZE - 1));
		unsigned int n = sizes[i++ % ARRAY_SIZE(sizes)];

		n = n < in_page ? n : in_page;
		n = n < len - done ? n : len - done;
		if (bio_add_page(bio, virt_to_page(p), n, (unsigned long)p & (PAGE_SIZE - 1)) !=
		    (int)n)
			break;
		done += n;
	}
	if (done != len) {
		bio_put(bio);
		return NULL;
	}
	return bio;
}

struct bio *vblk_test_bio(struct ktest *t, struct virtio_blk *vblk, int rw, sector_t sector,
			  void *buf, unsigned int len, unsigned int cut, struct bio_result *r)
{
	struct bio *bio = vblk_test_bio_try(vblk, rw, sector, buf, len, cut, r);

	ASSERT_NOT_NULL(t, bio); /* no memory, or the vecs did not all fit */
	return bio;
}

/* Submit one vblk_test_bio and wait: its error. */
int vblk_test_rw(struct ktest *t, struct virtio_blk *vblk, int rw, sector_t sector, void *buf,
		 unsigned int len, unsigned int cut)
{
	struct bio_result r;
	struct bio *bio;

	bio_result_init(&r);
	bio = vblk_test_bio(t, vblk, rw, sector, buf, len, cut, &r);
	submit_bio(rw, bio);
	bio_result_wait(&r, 1);
	bio_put(bio);
	return r.error;
}

/* A buffer of 2^@order pages in the direct map. */
void *vblk_test_buf(struct ktest *t, unsigned int order)
{
	struct page *p = alloc_pages(GFP_KERNEL, order);

	ASSERT_NOT_NULL(t, p);
	return page_address(p);
}

void vblk_test_free_buf(void *buf, unsigned int order)
{
	__free_pages(virt_to_page(buf), order);
}

/* ---- probing ------------------------------------------------------------------------- */

TEST_CASE(virtio_blk_test_probe_sets_capacity_and_limits_from_config)
{
	struct virtio_blk *vblk = vblk_test_find(t, false);
	struct request_queue *q = vblk->queue;
	u64 capacity;
	u32 seg_max;

	virtio_cread(vblk->vdev, struct virtio_blk_config, capacity, &capacity);
	EXPECT_EQ(t, get_capacity(vblk->disk), capacity);
	if (scratch_disk(vblk, NULL)) /* the runner's image is 8 MiB; a user's, any size */
		EXPECT_EQ(t, get_capacity(vblk->disk), 8 << 20 >> SECTOR_SHIFT);
	EXPECT_STREQ(t, vblk->disk->disk_name, "vda");
	if (virtio_has_feature(vblk->vdev, VIRTIO_BLK_F_SEG_MAX)) {
		virtio_cread(vblk->vdev, struct virtio_blk_config, seg_max, &seg_max);
		EXPECT_LE(t, queue_max_segments(q), seg_max);
	}
	EXPECT_EQ(t, queue_max_segments(q), vblk->sg_elems);
	EXPECT_EQ(t, queue_logical_block_size(q), SECTOR_SIZE); /* QEMU's default blk_size */
	EXPECT_EQ(t, !!(q->flush_flags & REQ_FLUSH),
		  virtio_has_feature(vblk->vdev, VIRTIO_BLK_F_FLUSH));
	EXPECT_EQ(t, vblk->depth, virtqueue_get_vring_size(vblk->vqs[0]) * vblk->nr_vqs);
	EXPECT_EQ(t, vblk->vdev->driver, &virtblk_driver);
}

TEST_CASE(virtio_blk_test_two_devices_make_vda_and_vdb)
{
	struct virtio_blk *vblk;
	int n = 0;

	list_for_each_entry(vblk, &virtblk_devices, node) {
		char name[8] = "vd?";

		name[2] = 'a' + n++;
		EXPECT_STREQ(t, vblk->disk->disk_name, name);
		EXPECT_EQ(t, get_gendisk_by_name(name), vblk->disk);
	}
	if (n < 2)
		ktest_skip(t, "fewer than two virtio-blk disks (the virtio-blk variants have two)");
}

TEST_CASE(virtio_blk_test_get_id_returns_the_drive_serial)
{
	struct virtio_blk *vblk = vblk_test_find(t, false);
	char id[VIRTIO_BLK_ID_BYTES + 1];

	ASSERT_EQ(t, virtblk_get_id(vblk->disk, id), 0);
	EXPECT_GT(t, strlen(id), 0); /* make run's disk says teachos-vda */
	if (scratch_disk(vblk, NULL))
		EXPECT_STREQ(t, id, "ktest-rw"); /* all of it, not just the mark */
}

/* ---- data ---------------------------------------------------------------------------- */

TEST_CASE(virtio_blk_test_write_then_read_back_through_the_device)
{
	struct virtio_blk *vblk = vblk_test_scratch(t, false);
	u8 *buf = vblk_test_buf(t, 1);
	unsigned long w = vblk->stats.writes, r = vblk->stats.reads;

	vblk_test_pattern(buf, 64 * SECTOR_SIZE, 2 * PAGE_SIZE, 1);
	EXPECT_EQ(t, vblk_test_rw(t, vblk, WRITE, 64, buf, 2 * PAGE_SIZE, 0), 0);
	memset(buf, 0, 2 * PAGE_SIZE);
	EXPECT_EQ(t, vblk_test_rw(t, vblk, READ, 64, buf, 2 * PAGE_SIZE, 3), 0);
	EXPECT_TRUE(t, vblk_test_holds(buf, 64 * SECTOR_SIZE, 2 * PAGE_SIZE, 1));
	EXPECT_EQ(t, vblk->stats.writes, w + 1);
	EXPECT_EQ(t, vblk->stats.reads, r + 1);
	EXPECT_EQ(t, vblk->stats.bad_len, 0); /* QEMU reports honest lengths */
	vblk_test_free_buf(buf, 1);
}

/*
 * The used length is the device's word for how much it wrote: a read whose
 * length does not cover its data (and the status byte) is an error whatever
 * the status byte says.  QEMU never lies, so the rule itself is checked.
 */
TEST_CASE(virtio_blk_test_used_length_must_cover_what_was_read)
{
	EXPECT_TRUE(t, virtblk_used_len_ok(1, 0));	  /* a write: the status byte */
	EXPECT_FALSE(t, virtblk_used_len_ok(0, 0));	  /* not even that */
	EXPECT_TRUE(t, virtblk_used_len_ok(4097, 4096));  /* a read: data + status */
	EXPECT_FALSE(t, virtblk_used_len_ok(4096, 4096)); /* short by one */
	EXPECT_FALSE(t, virtblk_used_len_ok(1, 4096));	  /* status only: no data came */
}

/* One request = one chain: with INDIRECT_DESC a many-segment request takes one ring entry. */
TEST_CASE(virtio_blk_test_multi_segment_request_is_one_indirect_chain)
{
	struct virtio_blk *vblk = vblk_test_scratch(t, false);
	unsigned long ind = vblk->stats.indirect, sub = vblk->stats.submitted;
	u8 *buf;

	if (!virtio_has_feature(vblk->vdev, VIRTIO_RING_F_INDIRECT_DESC))
		ktest_skip(t, "the device does not offer INDIRECT_DESC");
	buf = vblk_test_buf(t, 2);
	vblk_test_pattern(buf, 0, 4 * PAGE_SIZE, 2);
	EXPECT_EQ(t, vblk_test_rw(t, vblk, WRITE, 0, buf, 4 * PAGE_SIZE, 1), 0);
	EXPECT_EQ(t, vblk->stats.submitted, sub + 1); /* 8+ segments, one chain */
	EXPECT_EQ(t, vblk->stats.indirect, ind + 1);
	vblk_test_free_buf(buf, 2);
}

/* Bios of mixed sizes in flight together, then read back by other mixed-size bios. */
TEST_CASE(virtio_blk_test_mixed_size_bios_keep_the_data)
{
	static const unsigned int lens[] = { 512, 7680, 4096, 1024, 20480, 3584, 65536, 2048 };
	struct virtio_blk *vblk = vblk_test_scratch(t, false);
	u8 *buf = vblk_test_buf(t, 5); /* 128 KiB */
	struct bio *bios[ARRAY_SIZE(lens)];
	struct bio_result r;
	unsigned int off = 0;

	for (int pass = 0; pass < 2; pass++) {
		int rw = pass ? READ : WRITE;

		if (pass)
			memset(buf, 0, 32 * PAGE_SIZE);
		else
			vblk_test_pattern(buf, 1 << 20, 32 * PAGE_SIZE, 3);
		bio_result_init(&r);
		off = 0;
		for (unsigned int i = 0; i < ARRAY_SIZE(lens); i++) {
			bios[i] = vblk_test_bio(t, vblk, rw, ((1 << 20) + off) >> SECTOR_SHIFT,
						buf + off, lens[i], i + pass, &r);
			off += lens[i];
		}
		for (unsigned int i = 0; i < ARRAY_SIZE(lens); i++)
			submit_bio(rw, bios[i]);
		bio_result_wait(&r, ARRAY_SIZE(lens));
		for (unsigned int i = 0; i < ARRAY_SIZE(lens); i++)
			bio_put(bios[i]);
		EXPECT_EQ(t, r.error, 0);
	}
	EXPECT_TRUE(t, vblk_test_holds(buf, 1 << 20, off, 3));
	vblk_test_free_buf(buf, 5);
}

/* blkdev_issue_rw: bio chains through blk_make_request, as large as the queue allows. */
TEST_CASE(virtio_blk_test_bio_chains_through_blk_make_request)
{
	struct virtio_blk *vblk = vblk_test_scratch(t, false);
	size_t len = 256 * 1024 + 3 * SECTOR_SIZE;
	u8 *buf = vblk_test_buf(t, 7);
	struct blk_map_stats st = {};

	vblk_test_pattern(buf, 2 << 20, len, 4);
	ASSERT_EQ(t,
		  blkdev_issue_rw(&vblk->disk->bdev, WRITE, (2 << 20) >> SECTOR_SHIFT, buf, len,
				  GFP_KERNEL, &st),
		  0);
	memset(buf, 0, len);
	ASSERT_EQ(t,
		  blkdev_issue_rw(&vblk->disk->bdev, READ, (2 << 20) >> SECTOR_SHIFT, buf, len,
				  GFP_KERNEL, &st),
		  0);
	EXPECT_TRUE(t, vblk_test_holds(buf, 2 << 20, len, 4));
	EXPECT_GE(t, st.requests, 2); /* a write and a read, each at least one request */
	EXPECT_GE(t, st.bios, st.requests);
	vblk_test_free_buf(buf, 7);
}

/* ---- queueing and completion --------------------------------------------------------- */

#define MANY 96 /* more than one request at once, fewer than the ring */

TEST_CASE(virtio_blk_test_many_bios_in_flight_all_complete_in_softirq)
{
	struct virtio_blk *vblk = vblk_test_scratch(t, false);
	u8 *buf = vblk_test_buf(t, 7); /* 128 pages: MANY of them used */
	struct bio *bios[MANY];
	struct bio_result r;

	vblk_test_pattern(buf, 3 << 20, MANY * PAGE_SIZE, 5);
	bio_result_init(&r);
	for (int i = 0; i < MANY; i++) /* every other page: no two bios merge */
		bios[i] = vblk_test_bio(t, vblk, WRITE, ((3 << 20) >> SECTOR_SHIFT) + i * 8,
					buf + i * PAGE_SIZE, PAGE_SIZE, i, &r);
	for (int i = 0; i < MANY; i++)
		submit_bio(WRITE, bios[i]);
	bio_result_wait(&r, MANY);
	for (int i = 0; i < MANY; i++)
		bio_put(bios[i]);
	EXPECT_EQ(t, r.calls, MANY);
	EXPECT_EQ(t, r.error, 0);
	EXPECT_TRUE(t, r.in_softirq);
	EXPECT_FALSE(t, r.in_irq); /* blk_complete_request: bios end in BLOCK_SOFTIRQ */
	EXPECT_GT(t, vblk->stats.max_in_flight, 1);
	EXPECT_EQ(t, vblk->in_flight, 0);
	memset(buf, 0, MANY * PAGE_SIZE);
	EXPECT_EQ(t,
		  vblk_test_rw(t, vblk, READ, (3 << 20) >> SECTOR_SHIFT, buf, MANY * PAGE_SIZE, 0),
		  0);
	EXPECT_TRUE(t, vblk_test_holds(buf, 3 << 20, MANY * PAGE_SIZE, 5));
	vblk_test_free_buf(buf, 7);
}

TEST_CASE(virtio_blk_test_flush_reaches_the_device)
{
	struct virtio_blk *vblk = vblk_test_find(t, false);
	unsigned long flushes = vblk->stats.flushes;

	if (!virtio_has_feature(vblk->vdev, VIRTIO_BLK_F_FLUSH))
		ktest_skip(t, "the device does not offer FLUSH");
	EXPECT_EQ(t, blkdev_issue_flush(&vblk->disk->bdev, GFP_KERNEL, NULL), 0);
	EXPECT_EQ(t, vblk->stats.flushes, flushes + 1);
}

/* WRITE|REQ_FLUSH with data: a FLUSH chain, then the write once it is done. */
TEST_CASE(virtio_blk_test_write_with_preflush_sends_flush_then_data)
{
	struct virtio_blk *vblk = vblk_test_scratch(t, false);
	unsigned long flushes = vblk->stats.flushes, writes = vblk->stats.writes;
	u8 *buf;

	if (!virtio_has_feature(vblk->vdev, VIRTIO_BLK_F_FLUSH))
		ktest_skip(t, "the device does not offer FLUSH");
	buf = vblk_test_buf(t, 0);
	vblk_test_pattern(buf, 4 << 20, PAGE_SIZE, 6);
	EXPECT_EQ(t,
		  vblk_test_rw(t, vblk, WRITE | REQ_FLUSH, (4 << 20) >> SECTOR_SHIFT, buf,
			       PAGE_SIZE, 0),
		  0);
	EXPECT_EQ(t, vblk->stats.flushes, flushes + 1);
	EXPECT_EQ(t, vblk->stats.writes, writes + 1);
	memset(buf, 0, PAGE_SIZE);
	EXPECT_EQ(t, vblk_test_rw(t, vblk, READ, (4 << 20) >> SECTOR_SHIFT, buf, PAGE_SIZE, 0), 0);
	EXPECT_TRUE(t, vblk_test_holds(buf, 4 << 20, PAGE_SIZE, 6));
	vblk_test_free_buf(buf, 0);
}

/* ---- errors -------------------------------------------------------------------------- */

TEST_CASE(virtio_blk_test_read_past_the_end_fails_eio_before_the_device)
{
	struct virtio_blk *vblk = vblk_test_find(t, false);
	sector_t end = get_capacity(vblk->disk);
	unsigned long sub = vblk->stats.submitted;
	u8 *buf = vblk_test_buf(t, 0);

	EXPECT_EQ(t, vblk_test_rw(t, vblk, READ, end, buf, SECTOR_SIZE, 0), -EIO);
	EXPECT_EQ(t, vblk_test_rw(t, vblk, READ, end - 1, buf, PAGE_SIZE, 0), -EIO); /* straddles */
	EXPECT_EQ(t, vblk->stats.submitted, sub); /* the device saw nothing */
	EXPECT_EQ(t, vblk_test_rw(t, vblk, READ, end - 1, buf, SECTOR_SIZE, 0),
		  0); /* the last one is fine */
	vblk_test_free_buf(buf, 0);
}

/* The same for a write; only on a test disk, in case the check were broken. */
TEST_CASE(virtio_blk_test_write_past_the_end_fails_eio_before_the_device)
{
	struct virtio_blk *vblk = vblk_test_scratch(t, false);
	sector_t end = get_capacity(vblk->disk);
	unsigned long sub = vblk->stats.submitted;
	u8 *buf = vblk_test_buf(t, 0);

	vblk_test_pattern(buf, (end - 1) * SECTOR_SIZE, PAGE_SIZE, 7);
	EXPECT_EQ(t, vblk_test_rw(t, vblk, WRITE, end, buf, SECTOR_SIZE, 0), -EIO);
	EXPECT_EQ(t, vblk_test_rw(t, vblk, WRITE, end - 1, buf, PAGE_SIZE, 0),
		  -EIO);			  /* straddles */
	EXPECT_EQ(t, vblk->stats.submitted, sub); /* the device saw nothing */
	vblk_test_free_buf(buf, 0);
}

TEST_CASE(virtio_blk_test_read_only_disk_refuses_writes_erofs)
{
	struct virtio_blk *vblk = vblk_test_scratch(t, true);
	unsigned long sub = vblk->stats.submitted;
	u8 *buf = vblk_test_buf(t, 0);

	EXPECT_TRUE(t, virtio_has_feature(vblk->vdev, VIRTIO_BLK_F_RO));
	EXPECT_EQ(t, vblk_test_rw(t, vblk, WRITE, 0, buf, PAGE_SIZE, 0), -EROFS);
	EXPECT_EQ(t, vblk->stats.submitted, sub);
	EXPECT_EQ(t, vblk_test_rw(t, vblk, READ, 0, buf, PAGE_SIZE, 0), 0); /* reads still work */
	EXPECT_EQ(t, vblk->stats.submitted, sub + 1);
	vblk_test_free_buf(buf, 0);
}

/* Past the block layer's check on purpose: the device itself answers IOERR. */
TEST_CASE(virtio_blk_test_device_ioerr_completes_with_eio)
{
	struct virtio_blk *vblk = vblk_test_find(t, false);
	unsigned long ioerr = vblk->stats.ioerr;
	u8 *buf = vblk_test_buf(t, 0);

	EXPECT_EQ(t,
		  virtblk_raw_request(vblk->disk, VIRTIO_BLK_T_IN, get_capacity(vblk->disk), buf,
				      SECTOR_SIZE, true),
		  -EIO);
	EXPECT_EQ(t, vblk->stats.ioerr, ioerr + 1);
	vblk_test_free_buf(buf, 0);
}

TEST_CASE(virtio_blk_test_unsupported_type_completes_with_eio)
{
	struct virtio_blk *vblk = vblk_test_find(t, false);
	unsigned long unsupp = vblk->stats.unsupp;

	EXPECT_EQ(t, virtblk_raw_request(vblk->disk, 0x7f, 0, NULL, 0, true), -EIO);
	EXPECT_EQ(t, vblk->stats.unsupp, unsupp + 1);
	EXPECT_EQ(t, vblk->stats.bad_status, 0);
}

/*
 * A request from blk_make_request whose cmd_type nobody set (the caller's
 * job, as in 3.10): 3.10's do_req BUG()s; we fail it with -EIO before the
 * device sees it, counted as rejected, with a line saying why.  A read:
 * nothing could be written even if it went out.
 */
TEST_CASE(virtio_blk_test_request_with_no_cmd_type_is_failed_and_counted)
{
	struct virtio_blk *vblk = vblk_test_find(t, false);
	unsigned long rejected = vblk->stats.rejected, submitted = vblk->stats.submitted;
	struct page *page = alloc_page(GFP_KERNEL);
	struct bio *bio = bio_kmalloc(GFP_KERNEL, 1);
	u64 mark = log_seq();
	struct request *rq;

	ASSERT_NOT_NULL(t, page);
	ASSERT_NOT_NULL(t, bio);
	bio->bi_bdev = &vblk->disk->bdev;
	bio->bi_rw = READ;
	ASSERT_EQ(t, bio_add_page(bio, page, SECTOR_SIZE, 0), SECTOR_SIZE);
	rq = blk_make_request(vblk->queue, bio, GFP_KERNEL);
	ASSERT_FALSE(t, IS_ERR(rq));
	EXPECT_EQ(t, blk_execute_rq(vblk->queue, vblk->disk, rq, 0), -EIO);
	blk_put_request(rq);
	EXPECT_EQ(t, vblk->stats.rejected, rejected + 1);
	EXPECT_EQ(t, vblk->stats.submitted, submitted);
	EXPECT_TRUE(t, log_contains(mark, "request with cmd_type 0 (none set)"));
	bio_put(bio);
	__free_page(page);
}

/* A write to a read-only device sent raw: the device refuses it too (IOERR). */
TEST_CASE(virtio_blk_test_read_only_device_refuses_a_raw_write)
{
	struct virtio_blk *vblk = vblk_test_scratch(t, true);
	unsigned long ioerr = vblk->stats.ioerr;
	u8 *buf = vblk_test_buf(t, 0);

	EXPECT_EQ(t, virtblk_raw_request(vblk->disk, VIRTIO_BLK_T_OUT, 0, buf, SECTOR_SIZE, false),
		  -EIO);
	EXPECT_EQ(t, vblk->stats.ioerr, ioerr + 1);
	vblk_test_free_buf(buf, 0);
}

/* ---- which CPU a queue's interrupt comes to ------------------------------------------ */

#define IRQCPU_BIOS   8 /* reads in flight at once, each a page */
#define IRQCPU_ROUNDS 4

/* A thread bound to one CPU reads IRQCPU_ROUNDS x IRQCPU_BIOS pages and waits for them. */
struct irqcpu_work {
	struct virtio_blk *vblk;
	u8 *buf;
	struct bio_result r;
	int error;
};

static int irqcpu_reader(void *arg)
{
	struct irqcpu_work *w = arg;
	struct bio *bios[IRQCPU_BIOS];

	bio_result_init(&w->r);
	for (unsigned int round = 0; round < IRQCPU_ROUNDS && !w->error; round++) {
		unsigned int n;

		for (n = 0; n < IRQCPU_BIOS; n++) { /* every other page: no two merge */
			bios[n] =
				vblk_test_bio_try(w->vblk, READ, (4 << 20 >> SECTOR_SHIFT) + n * 16,
						  w->buf + n * PAGE_SIZE, PAGE_SIZE, 0, &w->r);
			if (!bios[n]) {
				w->error = -ENOMEM;
				break;
			}
		}
		for (unsigned int i = 0; i < n; i++)
			submit_bio(READ, bios[i]);
		bio_result_wait(&w->r, n);
		for (unsigned int i = 0; i < n; i++)
			bio_put(bios[i]);
	}
	return 0;
}

/* The interrupt line of @vq: its own MSI-X vector's, the shared one's, or INTx. */
static int irqcpu_line(struct virtqueue *vq)
{
	struct virtio_pci_device *vp = to_vp_device(vq->vdev);
	struct virtio_pci_vq_info *info = vq->priv;

	if (info->msix_vector == VIRTIO_MSI_NO_VECTOR)
		return (int)vp->pci_dev->irq;
	return pci_irq_vector(vp->pci_dev, info->msix_vector);
}

/*
 * Queue k's vector is on CPU k (probe's virtqueue_set_affinity): what a
 * thread on CPU k reads completes with queue k's interrupt counted on CPU k
 * alone, and BLOCK_SOFTIRQ forwards none of it.  Without vectors of their
 * own (INTx, a shared MSI-X vector) the queue cannot move: -EINVAL, its
 * interrupt stays on CPU 0 and each completion is handed over to CPU k.
 * On one CPU, k is 0 and only the counting is shown.
 */
TEST_CASE(virtio_blk_test_each_queue_interrupts_the_cpu_whose_requests_it_carries)
{
	struct virtio_blk *vblk = vblk_test_scratch(t, false);
	struct virtio_pci_device *vp = to_vp_device(vblk->vdev);
	struct irqcpu_work w = { .vblk = vblk };
	unsigned long on_k, elsewhere = 0, forwarded;
	unsigned int cpu, k = 0;
	struct task_struct *thread;
	int line;

	for_each_online_cpu(cpu)
		if (cpu < vblk->nr_vqs)
			k = cpu; /* the highest CPU with a queue of its own */
	line = irqcpu_line(vblk->vqs[k]);
	ASSERT_GE(t, line, 0);
	if (!vp->per_vq_vectors) {
		EXPECT_EQ(t, vblk->vq_cpu[k], -1);
		EXPECT_EQ(t, virtqueue_set_affinity(vblk->vqs[k], (int)k), -EINVAL);
	} else {
		EXPECT_EQ(t, vblk->vq_cpu[k], (int)k);
		EXPECT_EQ(t, irq_get_affinity((unsigned int)line), (int)k);
	}
	w.buf = vblk_test_buf(t, 4); /* 16 pages: IRQCPU_BIOS used */
	on_k = kstat_irqs_cpu((unsigned int)line, k);
	for_each_online_cpu(cpu)
		if (cpu != k)
			elsewhere += kstat_irqs_cpu((unsigned int)line, cpu);
	forwarded = blk_softirq_count(true);

	thread = ktest_thread_start_on(irqcpu_reader, &w, "vblk_irqcpu", k);
	EXPECT_NOT_NULL(t, thread);
	if (thread)
		EXPECT_EQ(t, ktest_thread_finish(thread, 60000), 0);
	forwarded = blk_softirq_count(true) - forwarded;
	for_each_online_cpu(cpu)
		if (cpu != k)
			elsewhere -= kstat_irqs_cpu((unsigned int)line, cpu);
	elsewhere = -elsewhere; /* counted on other CPUs meanwhile */
	on_k = kstat_irqs_cpu((unsigned int)line, k) - on_k;

	EXPECT_EQ(t, w.error, 0);
	EXPECT_EQ(t, w.r.error, 0);
	EXPECT_EQ(t, w.r.calls, IRQCPU_ROUNDS * IRQCPU_BIOS);
	EXPECT_EQ(t, w.r.cpus, 1ULL << k); /* every bio ended on the submitting CPU */
	if (vp->per_vq_vectors || !k) {
		EXPECT_GE(t, on_k, 1);	    /* queue k's interrupt came to CPU k ... */
		EXPECT_EQ(t, elsewhere, 0); /* ... and to no other CPU */
		EXPECT_EQ(t, forwarded, 0); /* so no completion was sent on by IPI */
	} else {
		EXPECT_EQ(t, on_k, 0);			/* the line stayed on CPU 0 */
		EXPECT_GE(t, forwarded, IRQCPU_ROUNDS); /* and completions went to CPU k by IPI */
	}
	EXPECT_EQ(t, vblk->in_flight, 0);
	vblk_test_free_buf(w.buf, 4);
}

/* ---- the driver comes and goes, out of memory -------------------------------------- */

/*
 * Bind @vdev with the @nth eligible allocation of @attr failing, for nth =
 * 1, 2, ... until the probe takes none.  A failed probe must be -ENOMEM and
 * leave the device unbound (no disk); one that survived a failure (a
 * smaller ring) is unbound again for the next.  The harness then finds
 * every page and slab object of the failed tries freed.
 */
static void vblk_probe_failing_in_turn(struct ktest *t, struct virtio_device *vdev,
				       struct fault_attr *attr)
{
	struct probe_fault_run run = probe_failing_in_turn(t, vdev, attr, NULL);

	ASSERT_EQ(t, run.err, 0);
	EXPECT_GT(t, run.hit, 0);
	pr_info("virtio_blk test: %s: %u failures injected, %u probes failed cleanly\n", attr->name,
		run.hit, run.failed);
}

/* Every failure path of the probe, once each: nothing leaks; the disk reads and writes after. */
TEST_CASE(virtio_blk_test_each_probe_allocation_failing_in_turn_leaks_nothing)
{
	struct virtio_blk *vblk = vblk_test_scratch(t, false);
	struct virtio_device *vdev = vblk->vdev;
	char name[32];

#ifndef CONFIG_FAILSLAB
	ktest_skip(t, "built with FAILSLAB=n: failslab never fires");
#endif
	strcpy(name, vblk->disk->disk_name);
	vblk_probe_failing_in_turn(t, vdev, &failslab);
	vblk_probe_failing_in_turn(t, vdev, &fail_page_alloc);
	vblk = vdev->priv;
	ASSERT_NOT_NULL(t, vblk);
	EXPECT_STREQ(t, vblk->disk->disk_name, name); /* the lowest free letter: the same */
	EXPECT_EQ(t, vblk->depth, virtqueue_get_vring_size(vblk->vqs[0]) * vblk->nr_vqs);
}

static const struct ktest_case virtio_blk_cases[] = {
	KTEST(virtio_blk_test_probe_sets_capacity_and_limits_from_config),
	KTEST(virtio_blk_test_two_devices_make_vda_and_vdb),
	KTEST(virtio_blk_test_get_id_returns_the_drive_serial),
	KTEST(virtio_blk_test_write_then_read_back_through_the_device),
	KTEST(virtio_blk_test_used_length_must_cover_what_was_read),
	KTEST(virtio_blk_test_multi_segment_request_is_one_indirect_chain),
	KTEST(virtio_blk_test_mixed_size_bios_keep_the_data),
	KTEST(virtio_blk_test_bio_chains_through_blk_make_request),
	KTEST(virtio_blk_test_many_bios_in_flight_all_complete_in_softirq),
	KTEST(virtio_blk_test_flush_reaches_the_device),
	KTEST(virtio_blk_test_write_with_preflush_sends_flush_then_data),
	KTEST(virtio_blk_test_read_past_the_end_fails_eio_before_the_device),
	KTEST(virtio_blk_test_write_past_the_end_fails_eio_before_the_device),
	KTEST(virtio_blk_test_read_only_disk_refuses_writes_erofs),
	KTEST(virtio_blk_test_device_ioerr_completes_with_eio),
	KTEST(virtio_blk_test_unsupported_type_completes_with_eio),
	KTEST(virtio_blk_test_request_with_no_cmd_type_is_failed_and_counted),
	KTEST(virtio_blk_test_read_only_device_refuses_a_raw_write),
	KTEST(virtio_blk_test_each_queue_interrupts_the_cpu_whose_requests_it_carries),
	KTEST_TIMEOUT(virtio_blk_test_each_probe_allocation_failing_in_turn_leaks_nothing, 120000),
	{}
};
TEST_SUITE(virtio_blk, virtio_blk_cases);
