/*
 * SPDX-License-Identifier: MIT
 * block/genhd.h - disks: struct gendisk and the registry of disks, after
 * Linux 3.10's include/linux/genhd.h (the parts we need; no partitions, no
 * device numbers).
 *
 * A driver makes a disk in four steps and takes it down in two:
 *
 *   q = blk_init_queue(my_request_fn, &my_lock);   (block/blkdev.h)
 *   disk = alloc_disk(1);
 *   snprintf(disk->disk_name, DISK_NAME_LEN, "vda");
 *   disk->queue = q;  disk->private_data = me;
 *   set_capacity(disk, sectors);  set_disk_ro(disk, ro);
 *   add_disk(disk);                 now listed by the monitor's `blk`
 *   ...
 *   del_gendisk(disk);              unlisted; no new I/O through the registry
 *   blk_cleanup_queue(q);  put_disk(disk);
 *
 * Each disk has one struct block_device (Linux: one per partition, part0
 * for the whole disk), embedded: bios say bio->bi_bdev = &disk->bdev
 * (or bdget_disk(disk, 0)).
 *
 * Locking: the registry has its own lock; add_disk and del_gendisk are
 * thread context.  A disk's capacity and read-only flag are set before
 * add_disk (or changed while no I/O runs).
 */
#ifndef BLOCK_GENHD_H
#define BLOCK_GENHD_H

#include <block/bio.h>
#include <kernel/list.h>
#include <kernel/types.h>

#define DISK_NAME_LEN 32

struct gendisk;
struct request_queue;

/* What a bio points at: the disk and its queue. */
struct block_device {
	struct gendisk *bd_disk;
	struct request_queue *bd_queue;
};

/* I/O counters of a disk (Linux's part_stat, in part). */
struct disk_stats {
	unsigned long ios[2];	  /* requests with data queued, [READ] and [WRITE] */
	unsigned long sectors[2]; /* their sectors */
	unsigned long errors;	  /* bios refused before reaching the queue */
};

struct gendisk {
	char disk_name[DISK_NAME_LEN]; /* "ram0", "vda" */
	int minors;		       /* as asked of alloc_disk; only 1 is supported */
	struct request_queue *queue;
	void *private_data;	  /* the driver's */
	sector_t capacity;	  /* in 512-byte sectors (Linux: part0.nr_sects) */
	bool read_only;		  /* writes fail with -EROFS (Linux: part0.policy) */
	bool registered;	  /* between add_disk and del_gendisk */
	struct block_device bdev; /* the whole disk */
	struct disk_stats stats;
	struct list_head list; /* on the registry, while registered */
};

static inline sector_t get_capacity(const struct gendisk *disk)
{
	return disk->capacity;
}

static inline void set_capacity(struct gendisk *disk, sector_t sectors)
{
	disk->capacity = sectors;
}

static inline void set_disk_ro(struct gendisk *disk, int flag)
{
	disk->read_only = flag != 0;
}

static inline int get_disk_ro(const struct gendisk *disk)
{
	return disk->read_only;
}

/* The block_device of partition @partno; only 0 (the whole disk) exists here. */
static inline struct block_device *bdget_disk(struct gendisk *disk, int partno)
{
	return partno == 0 ? &disk->bdev : NULL;
}

static inline int bdev_read_only(const struct block_device *bdev)
{
	return bdev && bdev->bd_disk && get_disk_ro(bdev->bd_disk);
}

/*
 * alloc_disk - a zeroed disk for @minors minors (pass 1), its bdev pointing
 * at it.  Returns it or NULL.  Context: may sleep.
 */
struct gendisk *alloc_disk(int minors);

/*
 * add_disk - list @disk (name, queue and capacity set) in the registry;
 * bdev.bd_queue becomes disk->queue.  A second disk of the same name is
 * refused with a warning (not listed).  Context: thread.
 */
void add_disk(struct gendisk *disk);

/* del_gendisk - take @disk off the registry.  Context: thread. */
void del_gendisk(struct gendisk *disk);

/* put_disk - free a disk from alloc_disk (del_gendisk it first).  NULL is ignored. */
void put_disk(struct gendisk *disk);

/*
 * get_gendisk_by_name - ours: the registered disk called @name, or NULL.
 * The disk stays valid while its driver keeps it registered (there is no
 * reference counting).  Context: any.
 */
struct gendisk *get_gendisk_by_name(const char *name);

/*
 * disk_for_each - ours: call @fn(disk, arg) for each registered disk, in
 * the order they were added, until it returns non-zero (returned).
 * @fn runs with the registry lock held: it must not sleep or add/remove
 * disks.  Context: any.
 */
int disk_for_each(int (*fn)(struct gendisk *disk, void *arg), void *arg);

/* Registered disks now (the monitor, the tests). */
unsigned int nr_disks(void);

#endif
