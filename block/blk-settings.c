/*
 * SPDX-License-Identifier: MIT
 * block/blk-settings.c - what a device can do: the queue limits and their
 * setters (Linux 3.10's block/blk-settings.c), the bounce limit among them
 * (the pool it may need and the bouncing are block/bounce.c).
 *
 * A driver states its hardware's limits once, before add_disk:
 *
 *   blk_queue_max_segments(q, 126);        descriptors per request
 *   blk_queue_max_segment_size(q, 65536);  bytes per descriptor
 *   blk_queue_max_hw_sectors(q, 1024);     sectors per request
 *
 * and everything above the driver (bio_add_page, blk_rq_append_bio,
 * blkdev_issue_rw) keeps within them.  Values below what the block layer
 * can work with are raised to the minimum, with a message, as Linux does.
 */
#include <block/blkdev.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <mm/mm.h>

#include "blk.h"

unsigned long blk_max_low_pfn, blk_max_pfn;

void blk_settings_init(void)
{
	/* x86_64 3.10 raises max_low_pfn to max_pfn in setup_arch: all memory is low. */
	blk_max_low_pfn = max_pfn - 1;
	blk_max_pfn = max_pfn - 1;
}

void blk_set_default_limits(struct queue_limits *lim)
{
	lim->max_segments = BLK_MAX_SEGMENTS;
	lim->max_segment_size = BLK_MAX_SEGMENT_SIZE;
	lim->seg_boundary_mask = BLK_SEG_BOUNDARY_MASK;
	lim->max_hw_sectors = BLK_SAFE_MAX_SECTORS;
	lim->max_sectors = BLK_SAFE_MAX_SECTORS;
	lim->logical_block_size = SECTOR_SIZE;
	lim->bounce_pfn = blk_max_low_pfn;
}

void blk_queue_bounce_limit(struct request_queue *q, u64 dma_mask)
{
	unsigned long b_pfn = dma_mask >> PAGE_SHIFT;
	u64 iommu_reach = BLK_BOUNCE_HIGH < 0xffffffffULL ? BLK_BOUNCE_HIGH : 0xffffffffULL;

	q->bounce_gfp = GFP_NOIO;
	/* 3.10 (64-bit) assumes an IOMMU serves any device that reaches 4 GiB or all memory. */
	q->limits.bounce_pfn = b_pfn > blk_max_low_pfn + 1 ? b_pfn : blk_max_low_pfn + 1;
	if (b_pfn >= (iommu_reach >> PAGE_SHIFT))
		return;
	/* Less: ISA DMA, bounced into the ISA pool's pages below 16 MiB. */
	if (init_emergency_isa_pool())
		/* 3.10 BUGs when the pool cannot be made; we warn: docs/linux-3.10.md */
		pr_warn("blk_queue_bounce_limit: no ISA bounce pool: I/O above %#llx will fail\n",
			(unsigned long long)dma_mask);
	q->bounce_gfp = GFP_NOIO | __GFP_DMA;
	q->limits.bounce_pfn = b_pfn;
}

void blk_queue_max_hw_sectors(struct request_queue *q, unsigned int max_hw_sectors)
{
	if (!max_hw_sectors) {
		max_hw_sectors = 1;
		pr_info("%s: set to minimum %u\n", __func__, max_hw_sectors);
	}
	q->limits.max_hw_sectors = max_hw_sectors;
	q->limits.max_sectors =
		max_hw_sectors < BLK_DEF_MAX_SECTORS ? max_hw_sectors : BLK_DEF_MAX_SECTORS;
}

void blk_queue_max_segments(struct request_queue *q, unsigned short max_segments)
{
	if (!max_segments) {
		max_segments = 1;
		pr_info("%s: set to minimum %u\n", __func__, max_segments);
	}
	q->limits.max_segments = max_segments;
}

void blk_queue_max_segment_size(struct request_queue *q, unsigned int max_size)
{
	if (max_size < SECTOR_SIZE) {
		max_size = SECTOR_SIZE;
		pr_info("%s: set to minimum %u\n", __func__, max_size);
	}
	q->limits.max_segment_size = max_size;
}

void blk_queue_segment_boundary(struct request_queue *q, unsigned long mask)
{
	if (mask < SECTOR_SIZE - 1) {
		mask = SECTOR_SIZE - 1;
		pr_info("%s: set to minimum %lx\n", __func__, mask);
	}
	q->limits.seg_boundary_mask = mask;
}

void blk_queue_logical_block_size(struct request_queue *q, unsigned short size)
{
	if (size < SECTOR_SIZE || size > PAGE_SIZE || (size & (size - 1))) {
		pr_warn("%s: %u is not a power of two from 512 to 4096; using 512\n", __func__,
			size);
		size = SECTOR_SIZE;
	}
	q->limits.logical_block_size = size;
}

void blk_queue_flush(struct request_queue *q, unsigned int flush)
{
	WARN_ON_ONCE(flush & ~(REQ_FLUSH | REQ_FUA));
	if (WARN_ON_ONCE(!(flush & REQ_FLUSH) && (flush & REQ_FUA)))
		flush &= ~REQ_FUA;
	q->flush_flags = flush & (REQ_FLUSH | REQ_FUA);
}

void blk_queue_softirq_done(struct request_queue *q, softirq_done_fn *fn)
{
	q->softirq_done_fn = fn;
}
