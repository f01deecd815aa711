/*
 * SPDX-License-Identifier: MIT
 * drivers/block/ramdisk.c - a block device whose medium is memory pages: the test
 * device of the block layer, and the model of a request_fn driver (the
 * recipe at the top of include/block/blkdev.h, followed step by step).
 *
 *   qemu-system-x86_64 -accel tcg -m 128M -nodefaults -no-reboot \
 *       -display none -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
 *       -serial stdio -kernel build/kernel.elf -append "ramdisk_size=4096"
 *   > blk                          ram0, 8192 sectors
 *   > blk write ram0 8 0xa5; blk read ram0 8
 *
 * The "hardware" takes a started request and moves its data between the
 * vecs' pages and the medium.  Where that happens and who ends the request
 * depends on cfg.completion:
 *
 *   INLINE       request_fn: copy, __blk_end_request_all     (thread/irq, lock held)
 *   SOFTIRQ      request_fn: copy, blk_complete_request -> BLOCK_SOFTIRQ:
 *                ramdisk_softirq_done ends it                 (softirq)
 *   IRQ          request_fn: onto hw_queue, wake the device thread;
 *                device thread: copy ("DMA"), onto done_queue,
 *                irq_raise_for_test(line) -> ramdisk_interrupt ends it (hardirq)
 *   IRQ_SOFTIRQ  the same, but the handler calls blk_complete_request
 *
 * The device holds at most cfg.queue_depth requests: when full, request_fn
 * stops the queue, and the completion path starts it again - what a
 * virtio-blk driver does when its ring is full.
 *
 * Locking: rd->lock is the queue lock and guards hw_in_flight, hw_queue,
 * done_queue, paused, bad_sector and stats.max_in_flight; the other
 * counters are atomic.  Several CPUs use a ramdisk at once: threads submit
 * (request_fn on their CPU, lock held), the device thread runs wherever
 * the scheduler puts it and raises its "interrupt" on that CPU (a
 * self-IPI), BLOCK_SOFTIRQ ends requests on the submitters' CPUs.  The
 * copy of the IRQ modes runs without the lock (the device thread owns the
 * request then).
 *
 * The medium is allocated as it is written, as 3.10's brd: rd->pages[i]
 * stays NULL until the first write to its 4 KiB, and a read of a page
 * never written gives zeros.  So a 1 MiB ram0 costs a 2 KiB array at boot,
 * not 256 zeroed pages (0.27 M instructions), and a write can fail for want
 * of memory: the request ends with -ENOMEM and nothing of it is written
 * (ramdisk_populate runs before the copy), as brd's copy_to_brd_setup.
 *
 *   write to sector 9 (page 1), then read sectors 0-15:
 *     pages[]  [0] NULL   [1] NULL -> alloc_page(zeroed) -> cmpxchg in
 *     read     page 0: memset 0    page 1: memcpy from the page
 *
 * The medium needs no lock: a page, once in the array, never changes
 * until ramdisk_destroy, and two writers racing to fill one slot settle it
 * with a compare-and-exchange (the loser frees its page; brd_lock guards
 * only the same step in brd).  Each request copies its own bytes.  Two
 * requests in flight at once over the same sectors leave the disk holding
 * one or the other, in pieces - as 3.10's brd; ordering overlapping I/O is
 * the submitter's business on a real disk too.
 */
#include <drivers/ramdisk.h>
#include <kernel/cmdline.h>
#include <kernel/err.h>
#include <kernel/init.h>
#include <kernel/irq.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <mm/slab.h>
#include <stdio.h>
#include <string.h>

#define stat_inc(rd, field) __atomic_add_fetch(&(rd)->stats.field, 1, __ATOMIC_RELAXED)

static unsigned int ramdisk_seq; /* "ram<n>"; taken atomically (creators on any CPU) */

/* ---- the medium ---- */

/* The medium page @i, or NULL if it was never written.  Pairs with ramdisk_populate's release. */
static struct page *ramdisk_page(struct ramdisk *rd, unsigned long i)
{
	return __atomic_load_n(&rd->pages[i], __ATOMIC_ACQUIRE);
}

/*
 * Give every 4 KiB of [@pos, @pos + @len) (in range) a zeroed medium page,
 * allocated with @gfp: 0, or -ENOMEM (counted) if one could not be had.
 * Pages given before the failure stay: they read as zeros, as before.
 */
/* 3.10's brd: GFP_NOIO, a radix tree; request_fn here may need GFP_ATOMIC: docs/linux-3.10.md */
static int ramdisk_populate(struct ramdisk *rd, u64 pos, size_t len, gfp_t gfp)
{
	if (!len)
		return 0;
	for (unsigned long i = pos >> PAGE_SHIFT; i <= (pos + len - 1) >> PAGE_SHIFT; i++) {
		struct page *page, *none = NULL;

		if (ramdisk_page(rd, i))
			continue;
		page = alloc_page(gfp | __GFP_ZERO);
		if (!page) {
			stat_inc(rd, medium_alloc_failures);
			return -ENOMEM;
		}
		if (__atomic_compare_exchange_n(&rd->pages[i], &none, page, false, __ATOMIC_RELEASE,
						__ATOMIC_RELAXED))
			stat_inc(rd, medium_pages);
		else
			__free_page(page); /* another writer filled the slot first */
	}
	return 0;
}

/* Copy @len bytes between @buf and the medium at byte @pos (in range; populated to write). */
static void ramdisk_copy(struct ramdisk *rd, u64 pos, void *buf, size_t len, bool write)
{
	char *p = buf;

	while (len) {
		size_t off = pos & (PAGE_SIZE - 1);
		size_t n = len < PAGE_SIZE - off ? len : PAGE_SIZE - off;
		struct page *page = ramdisk_page(rd, pos >> PAGE_SHIFT);

		if (write)
			memcpy((char *)page_address(page) + off, p, n);
		else if (page)
			memcpy(p, (char *)page_address(page) + off, n);
		else
			memset(p, 0, n); /* never written: zeros, as brd */
		pos += n;
		p += n;
		len -= n;
	}
}

static bool ramdisk_in_range(struct ramdisk *rd, u64 pos, size_t len)
{
	u64 size = get_capacity(rd->disk) << SECTOR_SHIFT;

	return len <= size && pos <= size - len;
}

int ramdisk_peek(struct ramdisk *rd, u64 pos, void *buf, size_t len)
{
	if (!ramdisk_in_range(rd, pos, len))
		return -EINVAL;
	ramdisk_copy(rd, pos, buf, len, false);
	return 0;
}

int ramdisk_poke(struct ramdisk *rd, u64 pos, const void *buf, size_t len)
{
	if (!ramdisk_in_range(rd, pos, len))
		return -EINVAL;
	if (ramdisk_populate(rd, pos, len, GFP_ATOMIC))
		return -ENOMEM;
	ramdisk_copy(rd, pos, (void *)buf, len, true);
	return 0;
}

/* ---- one request ---- */

/* Does the request keep the limits the driver stated?  (The block layer's promise.) */
static int ramdisk_check_request(struct ramdisk *rd, struct request *rq)
{
	struct request_queue *q = rd->queue;
	struct req_iterator iter;
	struct bio_vec *bv;
	unsigned int segs = 0;

	rq_for_each_segment(bv, rq, iter) {
		if (page_to_pfn(bv->bv_page) > queue_bounce_pfn(q)) {
			stat_inc(rd, dma_violations);
			return -EIO;
		}
		if (bv->bv_offset + bv->bv_len > PAGE_SIZE ||
		    !blk_seg_fits(q, page_to_phys(bv->bv_page) + bv->bv_offset, bv->bv_len))
			goto violation;
		segs++;
	}
	if (segs > queue_max_segments(q) || segs != rq->nr_phys_segments ||
	    blk_rq_sectors(rq) > queue_max_hw_sectors(q))
		goto violation;
	return 0;

violation:
	stat_inc(rd, limit_violations);
	return -EIO;
}

static u32 get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

void ramdisk_setup_rw10(struct request *rq, bool write, u32 lba, u16 blocks)
{
	memset(rq->cmd, 0, BLK_MAX_CDB);
	rq->cmd[0] = write ? WRITE_10 : READ_10;
	rq->cmd[2] = lba >> 24;
	rq->cmd[3] = lba >> 16;
	rq->cmd[4] = lba >> 8;
	rq->cmd[5] = lba;
	rq->cmd[7] = blocks >> 8;
	rq->cmd[8] = blocks;
	rq->cmd_len = 10;
}

/*
 * The SCSI command of a BLOCK_PC request: 1 with *@pos set for a transfer
 * (direction and length must agree with the request), 0 for a command
 * without data that is done, -EIO for anything else.
 */
static int ramdisk_decode_cdb(struct ramdisk *rd, struct request *rq, u64 *pos)
{
	unsigned int lbs = queue_logical_block_size(rd->queue);
	const u8 *cmd = rq->cmd;
	bool write;

	stat_inc(rd, pc_commands);
	switch (cmd[0]) {
	case TEST_UNIT_READY:
		return blk_rq_bytes(rq) ? -EIO : 0;
	case SYNCHRONIZE_CACHE:
		stat_inc(rd, flushes);
		return blk_rq_bytes(rq) ? -EIO : 0;
	case READ_10:
	case WRITE_10:
		write = cmd[0] == WRITE_10;
		if (rq->cmd_len < 10 || write != (rq_data_dir(rq) == WRITE))
			return -EIO;
		if ((u64)(cmd[7] << 8 | cmd[8]) * lbs != blk_rq_bytes(rq))
			return -EIO;
		*pos = (u64)get_be32(cmd + 2) * lbs;
		return 1;
	default:
		return -EIO; /* ILLEGAL REQUEST */
	}
}

/* Bytes of [pos, pos + bytes) before the bad sector (all of them if it is not inside). */
static unsigned int ramdisk_good_bytes(struct ramdisk *rd, u64 pos, unsigned int bytes)
{
	sector_t bad_sector = READ_ONCE(rd->bad_sector); /* the device thread runs unlocked */
	u64 bad = (u64)bad_sector << SECTOR_SHIFT;

	if (bad_sector == (sector_t)-1 || bad >= pos + bytes || bad + SECTOR_SIZE <= pos)
		return bytes;
	return bad > pos ? bad - pos : 0;
}

/* Move the data of [pos, pos + good) between the request's vecs and the medium. */
static void ramdisk_transfer(struct ramdisk *rd, struct request *rq, u64 pos, unsigned int good)
{
	bool write = rq_data_dir(rq) == WRITE;
	struct req_iterator iter;
	struct bio_vec *bv;

	rq_for_each_segment(bv, rq, iter) {
		unsigned int n = bv->bv_len < good ? bv->bv_len : good;

		if (!n)
			break;
		ramdisk_copy(rd, pos, (char *)page_address(bv->bv_page) + bv->bv_offset, n, write);
		pos += n;
		good -= n;
	}
	if (write)
		stat_inc(rd, writes);
	else
		stat_inc(rd, reads);
}

/* Where a data request starts: 1 and *@pos, 0 nothing to move, -errno. */
static int ramdisk_locate(struct ramdisk *rd, struct request *rq, u64 *pos)
{
	switch (rq->cmd_type) {
	case REQ_TYPE_FS:
		if (!blk_rq_bytes(rq)) {
			if (rq->cmd_flags & REQ_FLUSH)
				stat_inc(rd, flushes);
			return 0;
		}
		*pos = blk_rq_pos(rq) << SECTOR_SHIFT;
		return 1;
	case REQ_TYPE_BLOCK_PC:
		return ramdisk_decode_cdb(rd, rq, pos);
	default:
		/* 3.10's drivers BUG() on a type they do not know; we fail: docs/linux-3.10.md */
		stat_inc(rd, bad_cmd_type);
		pr_err("%s: request with cmd_type %d (none set? blk_make_request leaves it to "
		       "the caller): failed with -EIO\n",
		       rd->disk->disk_name, rq->cmd_type);
		return -EIO;
	}
}

/*
 * ramdisk_do_request - what the hardware does with @rq: checks, then the
 * copy, a write first getting its medium pages with @gfp.  The result goes
 * in rq->errors, and the bytes not done in rq->resid_len (the ones before a
 * bad sector are done).
 */
static void ramdisk_do_request(struct ramdisk *rd, struct request *rq, gfp_t gfp)
{
	unsigned int lbs = queue_logical_block_size(rd->queue);
	unsigned int bytes = blk_rq_bytes(rq), good;
	u64 pos = 0;
	int ret;

	stat_inc(rd, requests);
	ret = ramdisk_check_request(rd, rq);
	if (!ret)
		ret = ramdisk_locate(rd, rq, &pos);
	if (ret <= 0)
		goto out;
	if (((pos | bytes) & (lbs - 1)) || !ramdisk_in_range(rd, pos, bytes)) {
		ret = -EIO;
		goto out;
	}
	if (rq_data_dir(rq) == WRITE && rd->disk->read_only) {
		ret = -EROFS;
		goto out;
	}
	good = ramdisk_good_bytes(rd, pos, bytes);
	if (rq_data_dir(rq) == WRITE) {
		ret = ramdisk_populate(rd, pos, good, gfp);
		if (ret)
			goto out; /* as brd: -ENOMEM, nothing written */
	}
	ramdisk_transfer(rd, rq, pos, good);
	rq->resid_len = bytes - good;
	rq->errors = good == bytes ? 0 : -EIO;
	return;
out:
	rq->resid_len = ret ? bytes : 0;
	rq->errors = ret < 0 ? ret : 0;
}

/* ---- ending requests ---- */

/* End @rq as ramdisk_do_request left it.  Lock held. */
static void ramdisk_end_request(struct ramdisk *rd, struct request *rq)
{
	unsigned int good = blk_rq_bytes(rq) - rq->resid_len;
	int err = rq->errors;

	rd->hw_in_flight--;
	if (err)
		stat_inc(rd, errors);
	if (err && good)
		__blk_end_request(rq, 0, good); /* the part before the bad sector */
	__blk_end_request_all(rq, err);
}

/* A request left the device: if it had stopped the queue, there is room now.  Lock held. */
static void ramdisk_restart(struct ramdisk *rd)
{
	if (blk_queue_stopped(rd->queue))
		blk_start_queue(rd->queue);
}

static void ramdisk_softirq_done(struct request *rq)
{
	struct ramdisk *rd = rq->q->queuedata;
	unsigned long flags;

	stat_inc(rd, softirq_completions);
	spin_lock_irqsave(&rd->lock, flags);
	ramdisk_end_request(rd, rq);
	ramdisk_restart(rd);
	spin_unlock_irqrestore(&rd->lock, flags);
}

static irqreturn_t ramdisk_interrupt(int irq, void *dev)
{
	struct ramdisk *rd = dev;

	spin_lock(&rd->lock); /* hardirq: interrupts are off already */
	while (!list_empty(&rd->done_queue)) {
		struct request *rq = list_first_entry(&rd->done_queue, struct request, queuelist);

		list_del_init(&rq->queuelist);
		if (rd->cfg.completion == RAMDISK_COMPLETE_IRQ_SOFTIRQ) {
			blk_complete_request(rq);
			continue;
		}
		stat_inc(rd, irq_completions);
		ramdisk_end_request(rd, rq);
	}
	ramdisk_restart(rd);
	spin_unlock(&rd->lock);
	return IRQ_HANDLED; /* the line is ours alone */
}

/* The device of the IRQ modes: one request at a time, then an interrupt. */
static int ramdisk_device_fn(void *arg)
{
	struct ramdisk *rd = arg;

	for (;;) {
		struct request *rq = NULL;

		wait_event(rd->hw_wait, READ_ONCE(rd->stopping) || (!READ_ONCE(rd->paused) &&
								    !list_empty(&rd->hw_queue)));
		spin_lock_irq(&rd->lock);
		if (!rd->paused && !list_empty(&rd->hw_queue)) {
			rq = list_first_entry(&rd->hw_queue, struct request, queuelist);
			list_del_init(&rq->queuelist);
		}
		spin_unlock_irq(&rd->lock);
		if (!rq) {
			if (READ_ONCE(rd->stopping))
				return 0;
			continue;
		}
		ramdisk_do_request(rd, rq, GFP_NOIO); /* the "DMA"; a thread: may sleep, as brd */
		spin_lock_irq(&rd->lock);
		list_add_tail(&rq->queuelist, &rd->done_queue);
		spin_unlock_irq(&rd->lock);
		irq_raise_for_test(rd->irq);
	}
}

/* request_fn: queue lock held, interrupts off; any context. */
static void ramdisk_request_fn(struct request_queue *q)
{
	struct ramdisk *rd = q->queuedata;
	struct request *rq;

	while ((rq = blk_peek_request(q))) {
		if (rd->cfg.queue_depth && rd->hw_in_flight >= rd->cfg.queue_depth) {
			blk_stop_queue(q); /* ramdisk_restart starts it again */
			stat_inc(rd, queue_stops);
			return;
		}
		blk_start_request(rq);
		if (++rd->hw_in_flight > rd->stats.max_in_flight)
			rd->stats.max_in_flight = rd->hw_in_flight;
		switch (rd->cfg.completion) {
		case RAMDISK_COMPLETE_INLINE:
			ramdisk_do_request(rd, rq, GFP_ATOMIC); /* queue lock held */
			stat_inc(rd, inline_completions);
			ramdisk_end_request(rd, rq);
			break;
		case RAMDISK_COMPLETE_SOFTIRQ:
			ramdisk_do_request(rd, rq, GFP_ATOMIC); /* queue lock held */
			blk_complete_request(rq);
			break;
		default:
			list_add_tail(&rq->queuelist, &rd->hw_queue);
			wake_up(&rd->hw_wait);
		}
	}
}

void ramdisk_set_bad_sector(struct ramdisk *rd, sector_t sector)
{
	unsigned long flags;

	spin_lock_irqsave(&rd->lock, flags);
	rd->bad_sector = sector;
	spin_unlock_irqrestore(&rd->lock, flags);
}

void ramdisk_pause(struct ramdisk *rd, bool paused)
{
	unsigned long flags;

	spin_lock_irqsave(&rd->lock, flags);
	rd->paused = paused;
	spin_unlock_irqrestore(&rd->lock, flags);
	wake_up(&rd->hw_wait);
}

int ramdisk_bind_device(struct ramdisk *rd, int cpu)
{
	u64 mask = cpu < 0 ? sched_default_cpus_allowed : 1ULL << cpu;

	if (!rd->device || cpu >= (int)nr_cpu_ids || (cpu >= 0 && !cpu_online(cpu)))
		return -EINVAL;
	return set_cpus_allowed_ptr(rd->device, &mask);
}

/* ---- making and unmaking ---- */

static bool ramdisk_irq_mode(const struct ramdisk_config *cfg)
{
	return cfg->completion == RAMDISK_COMPLETE_IRQ ||
	       cfg->completion == RAMDISK_COMPLETE_IRQ_SOFTIRQ;
}

/* An interrupt line of our own: an MSI-style one with a local APIC, else a free ISA line. */
static int ramdisk_get_irq(struct ramdisk *rd)
{
	static const int isa_lines[] = { 5, 9, 10, 11 };
	struct msi_msg msg;
	int irq = msi_irq_alloc(&msg);

	if (irq >= 0) {
		if (!request_irq(irq, ramdisk_interrupt, 0, rd->disk->disk_name, rd)) {
			rd->irq = irq;
			rd->irq_msi = true;
			return 0;
		}
		msi_irq_free(irq);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(isa_lines); i++) {
		if (!request_irq(isa_lines[i], ramdisk_interrupt, 0, rd->disk->disk_name, rd)) {
			rd->irq = isa_lines[i];
			return 0;
		}
	}
	return -EBUSY;
}

static void ramdisk_put_irq(struct ramdisk *rd)
{
	if (rd->irq < 0)
		return;
	free_irq(rd->irq, rd);
	if (rd->irq_msi)
		msi_irq_free(rd->irq);
	rd->irq = -1;
}

static int ramdisk_start_device(struct ramdisk *rd)
{
	struct task_struct *t;
	int err = ramdisk_get_irq(rd);

	if (err)
		return err;
	t = kthread_create(ramdisk_device_fn, rd, "%s-dev", rd->disk->disk_name);
	if (IS_ERR(t)) {
		ramdisk_put_irq(rd);
		return PTR_ERR(t);
	}
	get_task_struct(t); /* for kthread_join in ramdisk_stop_device */
	rd->device = t;
	wake_up_process(t);
	return 0;
}

static void ramdisk_stop_device(struct ramdisk *rd)
{
	if (!rd->device)
		return;
	WRITE_ONCE(rd->stopping, true);
	wake_up(&rd->hw_wait);
	kthread_join(rd->device, MAX_SCHEDULE_TIMEOUT);
	put_task_struct(rd->device);
	rd->device = NULL;
	ramdisk_put_irq(rd);
}

static void ramdisk_free_medium(struct ramdisk *rd)
{
	for (unsigned long i = 0; i < rd->nr_pages && rd->pages; i++)
		if (rd->pages[i])
			__free_page(rd->pages[i]);
	kfree(rd->pages);
}

/* The medium's page array, all NULL: pages come with the first write to each (above). */
static int ramdisk_alloc_medium(struct ramdisk *rd, sector_t sectors)
{
	rd->nr_pages = DIV_ROUND_UP(sectors << SECTOR_SHIFT, PAGE_SIZE);
	rd->pages = kcalloc(rd->nr_pages, sizeof(*rd->pages), GFP_KERNEL);
	return rd->pages ? 0 : -ENOMEM;
}

/* The queue's limits from the config (0: the default). */
static void ramdisk_set_limits(struct request_queue *q, const struct ramdisk_config *cfg)
{
	blk_queue_max_hw_sectors(q,
				 cfg->max_hw_sectors ? cfg->max_hw_sectors : BLK_DEF_MAX_SECTORS);
	if (cfg->max_segments)
		blk_queue_max_segments(q, cfg->max_segments);
	if (cfg->max_segment_size)
		blk_queue_max_segment_size(q, cfg->max_segment_size);
	if (cfg->seg_boundary_mask)
		blk_queue_segment_boundary(q, cfg->seg_boundary_mask);
	if (cfg->logical_block_size)
		blk_queue_logical_block_size(q, cfg->logical_block_size);
	blk_queue_bounce_limit(q, cfg->bounce_limit ? cfg->bounce_limit : BLK_BOUNCE_HIGH);
	blk_queue_flush(q, cfg->write_cache ? REQ_FLUSH : 0);
	blk_queue_softirq_done(q, ramdisk_softirq_done);
}

static bool ramdisk_config_ok(const struct ramdisk_config *cfg)
{
	unsigned int lbs = cfg->logical_block_size ? cfg->logical_block_size : SECTOR_SIZE;

	if (!cfg->sectors || cfg->sectors > (1UL << 31) / SECTOR_SIZE)
		return false; /* at most 2 GiB of pages */
	if (lbs < SECTOR_SIZE || lbs > PAGE_SIZE || (lbs & (lbs - 1)))
		return false;
	return !((cfg->sectors << SECTOR_SHIFT) & (lbs - 1)) &&
	       cfg->completion <= RAMDISK_COMPLETE_IRQ_SOFTIRQ;
}

/* The disk and queue of @rd (medium allocated).  0 or -errno, nothing to undo on failure. */
static int ramdisk_make_disk(struct ramdisk *rd)
{
	rd->queue = blk_init_queue(ramdisk_request_fn, &rd->lock);
	if (!rd->queue)
		return -ENOMEM;
	rd->queue->queuedata = rd;
	ramdisk_set_limits(rd->queue, &rd->cfg);
	rd->disk = alloc_disk(1);
	if (!rd->disk) {
		blk_cleanup_queue(rd->queue);
		return -ENOMEM;
	}
	if (rd->cfg.name)
		snprintf(rd->disk->disk_name, DISK_NAME_LEN, "%s", rd->cfg.name);
	else
		snprintf(rd->disk->disk_name, DISK_NAME_LEN, "ram%u",
			 __atomic_fetch_add(&ramdisk_seq, 1, __ATOMIC_RELAXED));
	rd->cfg.name = NULL; /* the caller's string need not outlive this call */
	rd->disk->queue = rd->queue;
	rd->disk->private_data = rd;
	set_capacity(rd->disk, rd->cfg.sectors);
	set_disk_ro(rd->disk, rd->cfg.read_only);
	return 0;
}

struct ramdisk *ramdisk_create(const struct ramdisk_config *cfg)
{
	struct ramdisk *rd;
	int err;

	if (!ramdisk_config_ok(cfg))
		return ERR_PTR(-EINVAL);
	rd = kzalloc(sizeof(*rd), GFP_KERNEL);
	if (!rd)
		return ERR_PTR(-ENOMEM);
	rd->cfg = *cfg;
	rd->irq = -1;
	rd->bad_sector = (sector_t)-1;
	spin_lock_init(&rd->lock);
	INIT_LIST_HEAD(&rd->hw_queue);
	INIT_LIST_HEAD(&rd->done_queue);
	init_waitqueue_head(&rd->hw_wait);
	err = ramdisk_alloc_medium(rd, cfg->sectors);
	if (err)
		goto free_medium;
	err = ramdisk_make_disk(rd);
	if (err)
		goto free_medium;
	if (ramdisk_irq_mode(cfg)) {
		err = ramdisk_start_device(rd);
		if (err)
			goto free_disk;
	}
	add_disk(rd->disk);
	return rd;

free_disk:
	blk_cleanup_queue(rd->queue);
	put_disk(rd->disk);
free_medium:
	ramdisk_free_medium(rd);
	kfree(rd);
	return ERR_PTR(err);
}

void ramdisk_destroy(struct ramdisk *rd)
{
	if (IS_ERR_OR_NULL(rd))
		return;
	del_gendisk(rd->disk);
	blk_cleanup_queue(rd->queue); /* waits for requests in flight */
	ramdisk_stop_device(rd);
	put_disk(rd->disk);
	ramdisk_free_medium(rd);
	kfree(rd);
}

/* ---- the boot disk ---- */

static long ramdisk_size = 1024;
cmdline_param_int(ramdisk_size, &ramdisk_size, 0, 1 << 20,
		  "size of the boot ramdisk ram0 in KiB (0: none)");

/* ram0, the disk of ramdisk_size=: a driver's start at boot (3.10's brd_init). */
static int ramdisk_boot_init(void)
{
	struct ramdisk_config cfg = { .name = "ram0",
				      .sectors = (sector_t)ramdisk_size * 2,
				      .write_cache = true };
	struct ramdisk *rd;

	if (!ramdisk_size)
		return 0;
	ramdisk_seq = 1;
	rd = ramdisk_create(&cfg);
	if (IS_ERR(rd)) {
		pr_warn("ramdisk: cannot make ram0 (%ld KiB): %ld\n", ramdisk_size, PTR_ERR(rd));
		return PTR_ERR(rd);
	}
	pr_info("ramdisk: ram0, %ld KiB\n", ramdisk_size);
	return 0;
}
device_initcall(ramdisk_boot_init);
