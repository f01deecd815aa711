/*
 * SPDX-License-Identifier: MIT
 * block/genhd.c - the registry of disks: alloc_disk, add_disk, del_gendisk,
 * put_disk, and lookups by name for the monitor (Linux 3.10's
 * block/genhd.c, without device numbers, partitions or sysfs).
 *
 * Locking: disk_lock (irqsave, so lookups work from any context and CPU)
 * guards disk_list, disk_count and every disk's `list` and `registered`.
 * Each driver keeps its disk alive while it is registered; nothing is
 * reference counted.  XXX: so a disk found by name on one CPU may be
 * unregistered and freed by its driver on another while the finder still
 * uses it (3.10's get_gendisk takes a reference); today the finders (the
 * monitor, the tests) never race a driver's remove.
 */
#include <block/blkdev.h>
#include <block/genhd.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <mm/slab.h>
#include <string.h>

static DEFINE_SPINLOCK(disk_lock);
static LIST_HEAD(disk_list); /* registered disks, oldest first */
static unsigned int disk_count;

struct gendisk *alloc_disk(int minors)
{
	struct gendisk *disk = kzalloc(sizeof(*disk), GFP_KERNEL);

	if (!disk)
		return NULL;
	disk->minors = minors;
	disk->bdev.bd_disk = disk;
	INIT_LIST_HEAD(&disk->list);
	return disk;
}

/* The registered disk called @name; disk_lock held. */
static struct gendisk *__find_disk(const char *name)
{
	struct gendisk *disk;

	list_for_each_entry(disk, &disk_list, list)
		if (!strcmp(disk->disk_name, name))
			return disk;
	return NULL;
}

void add_disk(struct gendisk *disk)
{
	unsigned long flags;

	disk->bdev.bd_queue = disk->queue;
	spin_lock_irqsave(&disk_lock, flags);
	if (WARN_ON(disk->registered || __find_disk(disk->disk_name))) {
		spin_unlock_irqrestore(&disk_lock, flags);
		pr_warn("add_disk: a disk called %s is registered already\n", disk->disk_name);
		return;
	}
	list_add_tail(&disk->list, &disk_list);
	disk->registered = true;
	disk_count++;
	spin_unlock_irqrestore(&disk_lock, flags);
}

void del_gendisk(struct gendisk *disk)
{
	unsigned long flags;

	spin_lock_irqsave(&disk_lock, flags);
	if (disk->registered) {
		list_del_init(&disk->list);
		disk->registered = false;
		disk_count--;
	}
	spin_unlock_irqrestore(&disk_lock, flags);
}

void put_disk(struct gendisk *disk)
{
	if (!disk)
		return;
	WARN_ON(disk->registered);
	kfree(disk);
}

struct gendisk *get_gendisk_by_name(const char *name)
{
	struct gendisk *disk;
	unsigned long flags;

	spin_lock_irqsave(&disk_lock, flags);
	disk = __find_disk(name);
	spin_unlock_irqrestore(&disk_lock, flags);
	return disk;
}

int disk_for_each(int (*fn)(struct gendisk *disk, void *arg), void *arg)
{
	struct gendisk *disk;
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&disk_lock, flags);
	list_for_each_entry(disk, &disk_list, list) {
		ret = fn(disk, arg);
		if (ret)
			break;
	}
	spin_unlock_irqrestore(&disk_lock, flags);
	return ret;
}

unsigned int nr_disks(void)
{
	return READ_ONCE(disk_count);
}
