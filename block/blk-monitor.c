/*
 * block/blk-monitor.c - the monitor's `blk` command: the disks, and a
 * look at their sectors through the real I/O path (blkdev_issue_rw).
 *
 *   > blk                           every disk: size, limits, I/O counts
 *   > blk read ram0 8               hex dump of sector 8 (512 bytes)
 *   > blk write ram0 8 a5           fill sector 8 with 0xa5
 *   > blk write ram0 8 hello        ... with "hello" repeated
 *   > blk check ram0                write, read back and restore a few
 *                                   blocks at the start, middle and end
 *
 * Any registered disk works: the ramdisk, virtio-blk disks.  Sectors are
 * 512 bytes; on a disk with larger logical blocks, the block holding the
 * sector is read (and written back whole).
 */
#include <block/blkdev.h>
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <mm/slab.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int blk_list_one(struct gendisk *disk, void *arg)
{
	struct request_queue *q = disk->queue;
	unsigned long long sectors = get_capacity(disk);

	printk("%-8s %10llu sectors %8llu KiB  %s  lbs %u  segs %u x %u B  max %u KiB  ios r %lu w "
	       "%lu  err %lu\n",
	       disk->disk_name, sectors, sectors / 2, get_disk_ro(disk) ? "ro" : "rw",
	       queue_logical_block_size(q), queue_max_segments(q), queue_max_segment_size(q),
	       queue_max_hw_sectors(q) / 2, disk->stats.ios[READ], disk->stats.ios[WRITE],
	       disk->stats.errors);
	return 0;
}

static void hex_dump(const u8 *p, unsigned int len)
{
	for (unsigned int off = 0; off < len; off += 16) {
		char line[96];
		int n = snprintf(line, sizeof(line), "%04x:", off);

		for (unsigned int i = 0; i < 16; i++)
			n += snprintf(line + n, sizeof(line) - n, " %02x", p[off + i]);
		n += snprintf(line + n, sizeof(line) - n, "  ");
		for (unsigned int i = 0; i < 16; i++)
			line[n++] = p[off + i] >= 0x20 && p[off + i] < 0x7f ? p[off + i] : '.';
		line[n] = '\0';
		printk("%s\n", line);
	}
}

/* The disk named @name, and the sector @arg as a number; -ENODEV/-EINVAL with a message. */
static int blk_parse(const char *name, const char *arg, struct gendisk **disk, sector_t *sector)
{
	char *end;

	*disk = get_gendisk_by_name(name);
	if (!*disk) {
		printk("blk: no disk %s\n", name);
		return -ENODEV;
	}
	*sector = strtoull(arg, &end, 0);
	if (*end || *sector >= get_capacity(*disk)) {
		printk("blk: %s has sectors 0 to %llu\n", name,
		       (unsigned long long)get_capacity(*disk) - 1);
		return -EINVAL;
	}
	return 0;
}

/* Read (or write) the logical block holding @sector into (from) @buf.  @*off: the sector in it. */
static int blk_block_rw(struct gendisk *disk, int rw, sector_t sector, u8 *buf, unsigned int *off)
{
	unsigned int lbs = bdev_logical_block_size(&disk->bdev);
	sector_t first = sector - sector % (lbs / SECTOR_SIZE);

	*off = (sector - first) * SECTOR_SIZE;
	return blkdev_issue_rw(&disk->bdev, rw, first, buf, lbs, GFP_KERNEL, NULL);
}

static int blk_cmd_read(struct gendisk *disk, sector_t sector)
{
	u8 *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	unsigned int off;
	int err;

	if (!buf)
		return -ENOMEM;
	err = blk_block_rw(disk, READ, sector, buf, &off);
	if (!err) {
		printk("%s sector %llu:\n", disk->disk_name, (unsigned long long)sector);
		hex_dump(buf + off, SECTOR_SIZE);
	}
	kfree(buf);
	return err;
}

/* "a5" or "0xa5": that byte; anything else: the text repeated. */
static void fill_pattern(u8 *p, unsigned int len, const char *pattern)
{
	size_t plen = strlen(pattern);
	char *end;
	unsigned long byte = strtoul(pattern, &end, 16);

	if (!*end && plen <= 4 && byte <= 0xff) {
		memset(p, (int)byte, len);
		return;
	}
	for (unsigned int i = 0; i < len; i++)
		p[i] = pattern[i % plen];
}

static int blk_cmd_write(struct gendisk *disk, sector_t sector, const char *pattern)
{
	u8 *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	unsigned int off;
	int err;

	if (!buf)
		return -ENOMEM;
	err = blk_block_rw(disk, READ, sector, buf, &off);	/* the rest of the block stays */
	if (!err) {
		fill_pattern(buf + off, SECTOR_SIZE, pattern);
		err = blk_block_rw(disk, WRITE, sector, buf, &off);
	}
	if (!err)
		printk("%s sector %llu written\n", disk->disk_name, (unsigned long long)sector);
	kfree(buf);
	return err;
}

/* Write a pattern over the block at @sector, read it back, put the old data back. */
static int blk_check_block(struct gendisk *disk, sector_t sector, u8 *old, u8 *pat, u8 *back)
{
	unsigned int lbs = bdev_logical_block_size(&disk->bdev), off;
	int err = blk_block_rw(disk, READ, sector, old, &off);

	if (err || get_disk_ro(disk))
		return err;
	for (unsigned int i = 0; i < lbs; i++)
		pat[i] = (u8)(sector * 31 + i * 7 + 1);
	err = blk_block_rw(disk, WRITE, sector, pat, &off);
	if (!err)
		err = blk_block_rw(disk, READ, sector, back, &off);
	if (!err && memcmp(pat, back, lbs)) {
		printk("blk check: %s: sector %llu read back different data\n", disk->disk_name,
		       (unsigned long long)sector);
		err = -EIO;
	}
	if (!blk_block_rw(disk, WRITE, sector, old, &off) && !err)
		return 0;
	return err ? err : -EIO;
}

static int blk_cmd_check(struct gendisk *disk)
{
	sector_t cap = get_capacity(disk), where[3] = { 0, cap / 2, cap - 1 };
	u8 *buf = kmalloc(3 * PAGE_SIZE, GFP_KERNEL);
	int err = 0;

	if (!buf)
		return -ENOMEM;
	for (int i = 0; i < 3 && !err; i++)
		err = blk_check_block(disk, where[i], buf, buf + PAGE_SIZE, buf + 2 * PAGE_SIZE);
	kfree(buf);
	if (!err)
		printk("blk check %s: ok (%s 3 blocks)\n", disk->disk_name,
		       get_disk_ro(disk) ? "read-only: read" : "wrote, read back and restored");
	else
		printk("blk check %s: FAILED (%d)\n", disk->disk_name, err);
	return err;
}

static int cmd_blk(int argc, char **argv)
{
	struct gendisk *disk;
	sector_t sector;
	int err;

	if (argc == 1) {
		if (!nr_disks())
			printk("no disks\n");
		disk_for_each(blk_list_one, NULL);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "check")) {
		disk = get_gendisk_by_name(argv[2]);
		if (!disk) {
			printk("blk: no disk %s\n", argv[2]);
			return -ENODEV;
		}
		return blk_cmd_check(disk);
	}
	if (argc == 4 && !strcmp(argv[1], "read")) {
		err = blk_parse(argv[2], argv[3], &disk, &sector);
		return err ? err : blk_cmd_read(disk, sector);
	}
	if (argc == 5 && !strcmp(argv[1], "write")) {
		err = blk_parse(argv[2], argv[3], &disk, &sector);
		return err ? err : blk_cmd_write(disk, sector, argv[4]);
	}
	printk("usage: blk | blk read <disk> <sector> | blk write <disk> <sector> <pattern> | "
	       "blk check <disk>\n");
	return -EINVAL;
}
MONITOR_CMD(blk, "disks; blk read|write <disk> <sector> [pattern]; blk check <disk>", cmd_blk);
