/*
 * SPDX-License-Identifier: MIT
 * drivers/ramdisk.h - a disk made of memory pages, with configurable
 * hardware limits and completion paths: the block layer's test device
 * (drivers/block/ramdisk.c), and a worked example of a request_fn driver.
 *
 *   struct ramdisk_config cfg = {
 *           .sectors = 2048,                       1 MiB
 *           .bounce_limit = BLK_BOUNCE_ISA,        "DMA" only below 16 MiB
 *           .completion = RAMDISK_COMPLETE_IRQ,    end requests in hardirq
 *   };
 *   struct ramdisk *rd = ramdisk_create(&cfg);     listed as ram<n>
 *   ... bios to &rd->disk->bdev ...
 *   ramdisk_destroy(rd);
 *
 * The "hardware" checks what it is given: a request breaking the queue's
 * limits (too many vecs, a vec too long or crossing a boundary, a page the
 * device cannot reach) fails with -EIO and is counted in limit_violations
 * or dma_violations - the tests check those stay 0.  It reports -EIO for
 * an I/O past the end and for a "bad sector", -EROFS for writes to a
 * read-only disk.  BLOCK_PC requests carry a SCSI command: READ(10),
 * WRITE(10), SYNCHRONIZE CACHE(10), TEST UNIT READY.
 *
 * The boot disk: `ramdisk_size=<KiB>` on the command line (default 1024;
 * 0: none) makes ram0, which the monitor's `blk` command shows.
 */
#ifndef BLOCK_RAMDISK_H
#define BLOCK_RAMDISK_H

#include <block/blkdev.h>
#include <kernel/wait.h>

enum ramdisk_completion {
	RAMDISK_COMPLETE_INLINE,      /* request_fn does the copy and ends it (lock held) */
	RAMDISK_COMPLETE_SOFTIRQ,     /* request_fn copies; BLOCK_SOFTIRQ ends it */
	RAMDISK_COMPLETE_IRQ,	      /* a device thread copies; its IRQ handler ends it */
	RAMDISK_COMPLETE_IRQ_SOFTIRQ, /* the same, the handler calls blk_complete_request */
};

struct ramdisk_config {
	const char *name;		   /* NULL: "ram<n>" */
	sector_t sectors;		   /* capacity in 512-byte sectors (> 0) */
	unsigned short logical_block_size; /* 0: 512 */
	unsigned short max_segments;	   /* 0: BLK_MAX_SEGMENTS */
	unsigned int max_hw_sectors;	   /* 0: BLK_DEF_MAX_SECTORS */
	unsigned int max_segment_size;	   /* 0: BLK_MAX_SEGMENT_SIZE */
	unsigned long seg_boundary_mask;   /* 0: BLK_SEG_BOUNDARY_MASK */
	u64 bounce_limit;		   /* 0: BLK_BOUNCE_HIGH (reaches everything) */
	bool read_only;
	bool write_cache; /* takes REQ_FLUSH (counted in flushes) */
	enum ramdisk_completion completion;
	unsigned int queue_depth; /* requests the device holds at once; 0: no limit */
};

/* What the device saw.  Updated from any context and CPU (atomically); read them when idle. */
struct ramdisk_stats {
	unsigned long requests;		/* requests started */
	unsigned long reads, writes;	/* data requests done */
	unsigned long flushes;		/* cache flushes (REQ_FLUSH, SYNCHRONIZE CACHE) */
	unsigned long pc_commands;	/* BLOCK_PC requests */
	unsigned long bad_cmd_type;	/* requests of no type we know (none set): failed */
	unsigned long errors;		/* requests ended with an error */
	unsigned long limit_violations; /* requests past the queue limits (a block bug) */
	unsigned long dma_violations;	/* pages above the bounce limit (a block layer bug) */
	unsigned long queue_stops;	/* times the device was full and stopped the queue */
	unsigned long inline_completions, softirq_completions, irq_completions;
	unsigned long medium_pages;	     /* medium pages allocated (by first writes) */
	unsigned long medium_alloc_failures; /* writes failed with -ENOMEM: no page for them */
	unsigned int max_in_flight;	     /* most requests held at once */
};

struct task_struct;

struct ramdisk {
	struct gendisk *disk;
	struct request_queue *queue;
	spinlock_t lock;	   /* the queue lock; guards what ramdisk.c's top lists */
	struct ramdisk_config cfg; /* as created (cfg.name: NULL) */
	struct page **pages;	   /* the medium: nr_pages, NULL until first written */
	unsigned long nr_pages;
	sector_t bad_sector;	     /* I/O fails there; (sector_t)-1: none */
	unsigned int hw_in_flight;   /* requests started and not ended */
	struct list_head hw_queue;   /* IRQ modes: for the device thread */
	struct list_head done_queue; /* IRQ modes: done, for the interrupt handler */
	wait_queue_head_t hw_wait;   /* the device thread sleeps here */
	struct task_struct *device;  /* IRQ modes: the device thread */
	int irq;		     /* IRQ modes: its line, -1 otherwise */
	bool irq_msi;		     /* the line came from msi_irq_alloc */
	bool paused;		     /* IRQ modes: the device holds requests */
	bool stopping;
	struct ramdisk_stats stats;
};

/*
 * ramdisk_create - a disk as @cfg says, registered (add_disk).  Returns it,
 * ERR_PTR(-EINVAL) for a bad config, -ENOMEM, or -EBUSY (no interrupt line
 * free for the IRQ modes).  Context: may sleep.
 */
struct ramdisk *ramdisk_create(const struct ramdisk_config *cfg);

/*
 * ramdisk_destroy - unregister, wait for requests in flight, free it all.
 * Context: may sleep.
 */
void ramdisk_destroy(struct ramdisk *rd);

/* Requests touching @sector end with -EIO there (bytes before it succeed); -1: none. */
void ramdisk_set_bad_sector(struct ramdisk *rd, sector_t sector);

/*
 * ramdisk_pause - IRQ modes: while @paused, the device takes requests but
 * does not work on them (the test holds I/O in flight).  Context: any.
 */
void ramdisk_pause(struct ramdisk *rd, bool paused);

/*
 * ramdisk_bind_device - IRQ modes: run the device thread, and so raise the
 * interrupts, on CPU @cpu only (-1: where new threads may run).  A test
 * uses it to end requests on another CPU than the one submitting.
 * Returns 0, or -EINVAL (no device thread, @cpu not online).
 * Context: thread.
 */
int ramdisk_bind_device(struct ramdisk *rd, int cpu);

/*
 * ramdisk_peek / ramdisk_poke - read / write the medium directly, bypassing
 * the block layer: @len bytes at byte @pos.  Returns 0, -EINVAL (past the
 * end), or for a poke -ENOMEM (no page for a part never written; GFP_ATOMIC).
 * A peek of what was never written gives zeros.  For tests and their
 * verification.  Context: any.
 */
int ramdisk_peek(struct ramdisk *rd, u64 pos, void *buf, size_t len);
int ramdisk_poke(struct ramdisk *rd, u64 pos, const void *buf, size_t len);

/* SCSI opcodes the ramdisk understands in BLOCK_PC requests. */
#define TEST_UNIT_READY	  0x00
#define READ_10		  0x28
#define WRITE_10	  0x2a
#define SYNCHRONIZE_CACHE 0x35

/*
 * ramdisk_setup_rw10 - write a READ(10) or WRITE(10) command (by @write)
 * for @blocks logical blocks at @lba into @rq's cmd.  A helper for callers
 * of blk_make_request finishing their request.  Context: any.
 */
void ramdisk_setup_rw10(struct request *rq, bool write, u32 lba, u16 blocks);

#endif
