/*
 * SPDX-License-Identifier: MIT
 * block/blk-monitor.c - the monitor's `blk` command: the disks, and a
 * look at their sectors through the real I/O path (blkdev_issue_rw).
 *
 *   > blk                           every disk: size, limits, I/O counts
 *   > blk read ram0 8               hex dump of sector 8 (512 bytes)
 *   > blk write ram0 8 0xa5         fill sector 8 with the byte 0xa5
 *   > blk write ram0 8 hello        "hello" at its start, zeros after
 *   > blk check ram0                write, read back and restore a few
 *                                   blocks at the start, middle and end
 *   > blk chain 3 all               blk_make_request(9)'s warning, live: a
 *                                   chain of 3 bios from a bio set of 2,
 *                                   each with __GFP_WAIT, while the slab
 *                                   fails; the mempool names the deadlock
 *   > blk chain 3 first             the same, __GFP_WAIT for the first only
 *
 * Any registered disk works: the ramdisk, virtio-blk disks.  Sectors are
 * 512 bytes; on a disk with larger logical blocks, the block holding the
 * sector is read (and written back whole).
 */
#include <block/bio.h>
#include <block/blkdev.h>
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <mm/fault_inject.h>
#include <mm/mempool.h>
#include <mm/slab.h>
#include <stdio.h>
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

/*
 * The disk named @name, and the sector @arg as a number on it; -EINVAL
 * after saying which was wrong.
 */
static int blk_parse(const char *name, const char *arg, struct gendisk **disk, sector_t *sector)
{
	unsigned long long cap, n;
	char what[48];

	*disk = get_gendisk_by_name(name);
	if (!*disk)
		return monitor_bad_arg("blk", "no disk '%s' ('blk' lists them)", name);
	cap = get_capacity(*disk);
	if (!cap)
		return monitor_bad_arg("blk", "%s has no sectors", name);
	snprintf(what, sizeof(what), "a sector of %s", name);
	if (monitor_parse_uint("blk", what, arg, 0, cap - 1, &n))
		return -EINVAL;
	*sector = n;
	return 0;
}

/* Read (or write) the logical block holding @sector into (from) @buf.  @*off: the sector in it. */
static int blk_block_rw(struct gendisk *disk, int rw, sector_t sector, u8 *buf, unsigned int *off)
{
	unsigned int lbs = bdev_logical_block_size(&disk->bdev);
	sector_t first = sector - sector % (lbs / SECTOR_SIZE);
	int err;

	*off = (sector - first) * SECTOR_SIZE;
	err = blkdev_issue_rw(&disk->bdev, rw, first, buf, lbs, GFP_KERNEL, NULL);
	return err == -EINVAL ? -EIO : err; /* to the monitor, -EINVAL means "bad argument" */
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

/*
 * What `blk write` puts in the sector: "0xNN" is the byte NN in all 512;
 * anything else is text, written once from the start of the sector and
 * zero-padded, so that `blk read` shows exactly what was typed.
 */
struct blk_pattern {
	bool is_byte;
	u8 byte;
	const char *text;
};

/* @arg as a pattern into @pat; -EINVAL (said) for "0x" that is no byte. */
static int blk_parse_pattern(const char *arg, struct blk_pattern *pat)
{
	unsigned long long byte;

	pat->is_byte = arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X');
	pat->text = arg;
	if (!pat->is_byte)
		return 0;
	if (monitor_parse_uint("blk", "a byte pattern", arg, 0, 0xff, &byte))
		return -EINVAL;
	pat->byte = (u8)byte;
	return 0;
}

static void fill_pattern(u8 *p, const struct blk_pattern *pat)
{
	if (pat->is_byte) {
		memset(p, pat->byte, SECTOR_SIZE);
		return;
	}
	memset(p, 0, SECTOR_SIZE);
	/* A monitor line is shorter than a sector; min() only guards against a longer one. */
	memcpy(p, pat->text, min(strlen(pat->text), (size_t)SECTOR_SIZE));
}

static int blk_cmd_write(struct gendisk *disk, sector_t sector, const struct blk_pattern *pat)
{
	u8 *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	unsigned int off;
	int err;

	if (!buf)
		return -ENOMEM;
	err = blk_block_rw(disk, READ, sector, buf, &off); /* the rest of the block stays */
	if (!err) {
		fill_pattern(buf + off, pat);
		err = blk_block_rw(disk, WRITE, sector, buf, &off);
	}
	if (!err && pat->is_byte)
		printk("wrote byte 0x%02x (all %u bytes) to %s sector %llu\n", pat->byte,
		       SECTOR_SIZE, disk->disk_name, (unsigned long long)sector);
	else if (!err)
		printk("wrote text \"%s\" (%zu bytes, zero-padded) to %s sector %llu\n", pat->text,
		       strlen(pat->text), disk->disk_name, (unsigned long long)sector);
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
	for (int i = 0; i < 3 && !err; i++) {
		if (signal_pending(current)) { /* Ctrl-C: stop between blocks, each is restored */
			printk("blk check %s: interrupted after %d of 3 blocks\n", disk->disk_name,
			       i);
			err = -EINTR;
			break;
		}
		err = blk_check_block(disk, where[i], buf, buf + PAGE_SIZE, buf + 2 * PAGE_SIZE);
	}
	kfree(buf);
	if (err == -EINTR)
		return err;
	if (!err)
		printk("blk check %s: ok (%s 3 blocks)\n", disk->disk_name,
		       get_disk_ro(disk) ? "read-only: read" : "wrote, read back and restored");
	else
		printk("blk check %s: FAILED (%d)\n", disk->disk_name, err);
	return err;
}

#define BLK_CHAIN_MAX 8

/*
 * `blk chain <nr> all|first`: the deadlock blk_make_request(9) warns about
 * ("you cannot use __GFP_WAIT for anything but the first bio in the
 * chain"), on a bio set of its own whose reserve holds 2 bios.  Memory is
 * short (failslab fails every slab allocation meanwhile), and <nr> bios
 * are allocated in a row and held, unsubmitted, as a chain: GFP_NOIO for
 * each (all), or GFP_NOIO for the first and GFP_NOWAIT for the rest
 * (first), when the chain stops short, to be submitted and continued.
 * Nothing is submitted: the bios are put again.  With all, the third
 * bio_alloc waits for a bio only this thread could give back: the pool
 * reports the deadlock and returns NULL, where Linux would hang
 * (docs/mempool.md).  failslab is put back as it was.  A kernel built
 * without CONFIG_DEBUG_MEMPOOL has no deadlock rule: there `all` with
 * more bios than the reserve is refused (-EDEADLK), as it would hang.
 */
static int blk_cmd_chain(unsigned int nr, bool all_wait)
{
	unsigned long deadlocks = mempool_deadlocks;
	struct bio *chain[BLK_CHAIN_MAX];
	struct fault_attr saved;
	unsigned int got = 0;
	struct bio_set *bs;

#ifndef CONFIG_DEBUG_MEMPOOL
	if (all_wait && nr > 2) {
		printk("blk chain: built with MEMPOOL_DEBUG=n (no deadlock rule): bio 2 would wait "
		       "for ever, as in Linux; not tried\n");
		return -EDEADLK;
	}
#endif
	bs = bioset_create(2, 0);
	if (!bs)
		return -ENOMEM;
	bioset_set_name(bs, "chain");
	printk("blk chain: %u bios from bio set 'chain' (a reserve of 2), every slab allocation "
	       "failing, __GFP_WAIT for %s\n",
	       nr, all_wait ? "each" : "the first only");
	saved = failslab;
	fault_attr_parse(&failslab, "1,100,0,-1");
	failslab.ignore_gfp_wait = false;
	while (got < nr) {
		gfp_t gfp = got && !all_wait ? GFP_NOWAIT : GFP_NOIO;

		chain[got] = bio_alloc_bioset(gfp, 1, bs);
		printk("blk chain: bio %u (%s): %s\n", got,
		       gfp == GFP_NOIO ? "GFP_NOIO" : "GFP_NOWAIT",
		       chain[got] ? "allocated" : "NULL");
		if (!chain[got])
			break;
		if (got)
			chain[got - 1]->bi_next = chain[got];
		got++;
	}
	failslab = saved;
	if (!got)
		printk("blk chain: 0 of %u bios: the first, with __GFP_WAIT, must always come\n",
		       nr);
	else if (got < nr && all_wait)
		printk("blk chain: %u of %u bios; deadlocks diagnosed: %lu\n", got, nr,
		       mempool_deadlocks - deadlocks);
	else if (got < nr)
		printk("blk chain: %u of %u bios: submit these, then go on with a new chain\n", got,
		       nr);
	else
		printk("blk chain: all %u bios\n", nr);
	while (got)
		bio_put(chain[--got]);
	bioset_free(bs);
	return 0;
}

/* The subcommands and the words each takes after its name. */
enum blk_subcmd {
	BLK_READ,
	BLK_WRITE,
	BLK_CHECK,
	BLK_CHAIN,
	NR_BLK_SUBCMDS
};

static const struct {
	const char *name;
	int nargs;
	const char *args;
} blk_subcmds[NR_BLK_SUBCMDS] = {
	[BLK_READ] = { "read", 2, "<disk> <sector>" },
	[BLK_WRITE] = { "write", 3, "<disk> <sector> <pattern>" },
	[BLK_CHECK] = { "check", 1, "<disk>" },
	[BLK_CHAIN] = { "chain", 2, "<nr> all|first" },
};

/* Which of blk_subcmds argv[1] is, with the right number of words; -EINVAL said otherwise. */
static int blk_parse_subcmd(int argc, char **argv)
{
	for (int i = 0; i < NR_BLK_SUBCMDS; i++) {
		const char *sub = blk_subcmds[i].name, *args = blk_subcmds[i].args;
		int n = blk_subcmds[i].nargs;

		if (strcmp(argv[1], sub))
			continue;
		if (argc - 2 < n)
			return monitor_bad_arg(argv[0], "%s is missing an argument (%s %s)", sub,
					       sub, args);
		if (argc - 2 > n)
			return monitor_bad_arg(argv[0],
					       "too many arguments for %s from '%s' on "
					       "(%s %s)",
					       sub, argv[2 + n], sub, args);
		return i;
	}
	return monitor_bad_arg(argv[0], "unknown subcommand '%s' (read, write, check or chain)",
			       argv[1]);
}

static int cmd_blk(int argc, char **argv)
{
	struct blk_pattern pat;
	struct gendisk *disk;
	sector_t sector = 0;
	int sub;

	if (argc == 1) {
		if (!nr_disks())
			printk("no disks\n");
		disk_for_each(blk_list_one, NULL)
			;
		return 0;
	}
	sub = blk_parse_subcmd(argc, argv);
	if (sub < 0)
		return sub;
	if (sub == BLK_CHECK) {
		disk = get_gendisk_by_name(argv[2]);
		if (!disk)
			return monitor_bad_arg(argv[0], "no disk '%s' ('blk' lists them)", argv[2]);
		return blk_cmd_check(disk);
	}
	if (sub == BLK_CHAIN) {
		unsigned long long nr;

		if (monitor_parse_uint(argv[0], "a number of bios", argv[2], 1, BLK_CHAIN_MAX, &nr))
			return -EINVAL;
		if (strcmp(argv[3], "all") && strcmp(argv[3], "first"))
			return monitor_bad_arg(argv[0], "'%s' is neither all nor first", argv[3]);
		return blk_cmd_chain(nr, !strcmp(argv[3], "all"));
	}
	if (blk_parse(argv[2], argv[3], &disk, &sector))
		return -EINVAL;
	if (sub == BLK_READ)
		return blk_cmd_read(disk, sector);
	if (blk_parse_pattern(argv[4], &pat))
		return -EINVAL;
	return blk_cmd_write(disk, sector, &pat);
}
MONITOR_CMD(blk,
	    "blk [read <disk> <sector> | write <disk> <sector> <pattern> | check <disk> | "
	    "chain <nr> all|first]",
	    "disks: sizes, limits, I/O counts; read or write one sector; check a disk; a bio "
	    "chain's mempool deadlock",
	    cmd_blk);
