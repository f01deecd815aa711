/*
 * SPDX-License-Identifier: MIT
 * block/blk-core.c - request queues and requests: making queues, getting
 * and putting requests, and submitting bios (generic_make_request,
 * submit_bio); attaching bios to requests (blk_rq_append_bio,
 * blk_make_request) is block/blk-chain.c.  Semantics of Linux
 * 3.10's block/blk-core.c; the code is our own.  What a driver calls to
 * take and end requests is block/blk-driver.c; blk_execute_rq is
 * block/blk-exec.c.
 *
 * Design notes.
 *
 *  - Lock: q->queue_lock (the driver's, or q->__queue_lock) guards
 *    q->queue_head, q->queue_flags, q->in_flight, q->root_rl.count and the
 *    disk's ios/sectors counts (3.10 keeps those per CPU); threads on any
 *    CPU submit, and the interrupt (CPU 0) and softirqs (the submitting
 *    CPUs) complete, so everything the driver's request_fn and completion
 *    share is under it too.  It is taken with irqsave: completions come
 *    from interrupts.  It is never held across an allocation that may
 *    sleep.  A request belongs to one party at a time (the submitter, the
 *    queue, the driver, a CPU's completion list) and needs no lock of its
 *    own; a bio's reference count is atomic (block/bio_set.c).
 *
 *  - Requests come from a per-queue mempool over the "blkdev_requests"
 *    slab, BLKDEV_MIN_RQ in reserve.  At most q->nr_requests are out at
 *    once; a sleeping get_request waits for one to be put.  Like bios,
 *    requests handed to the driver are marked in flight in their pool.
 *
 *  - No elevator, no merging, no plugging: each submitted bio becomes one
 *    request, queued in order (XXX: merging a bio into the request at the
 *    tail of the queue would be the next step).
 *
 *  - blk_make_request (block/blk-chain.c) leaves the caller's chain as it
 *    found it on failure: the bios are appended one by one (each bounced
 *    first), so on an error it walks what was appended, drops the bounce
 *    bios, and relinks the originals.
 */
#include <block/blkdev.h>
#include <kernel/completion.h>
#include <kernel/err.h>
#include <kernel/init.h>
#include <kernel/panic.h>
#include <kernel/perf.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <kernel/trace.h>
#include <mm/slab.h>
#include <stdio.h>
#include <string.h>

#include "blk.h"

static struct kmem_cache *request_cachep; /* struct request */
static unsigned int queue_seq;		  /* q->id */

void blk_dev_init(void)
{
	request_cachep = kmem_cache_create("blkdev_requests", sizeof(struct request), 0,
					   SLAB_HWCACHE_ALIGN | SLAB_PANIC, NULL);
}

/* ---- queues ---- */

struct request_queue *blk_alloc_queue(gfp_t gfp_mask)
{
	struct request_queue *q = kzalloc(sizeof(*q), gfp_mask);

	if (!q)
		return NULL;
	INIT_LIST_HEAD(&q->queue_head);
	q->queue_flags = QUEUE_FLAG_DEFAULT;
	spin_lock_init(&q->__queue_lock);
	q->queue_lock = &q->__queue_lock;
	q->id = __atomic_fetch_add(&queue_seq, 1, __ATOMIC_RELAXED);
	q->bounce_gfp = GFP_NOIO;
	blk_set_default_limits(&q->limits);
	init_waitqueue_head(&q->root_rl.wait);
	q->root_rl.q = q;
	return q;
}

void blk_queue_make_request(struct request_queue *q, make_request_fn *mfn)
{
	q->make_request_fn = mfn;
	q->nr_requests = BLKDEV_MAX_RQ;
	blk_queue_max_hw_sectors(q, BLK_SAFE_MAX_SECTORS);
	blk_queue_bounce_limit(q, BLK_BOUNCE_HIGH);
}

struct request_queue *blk_init_queue(request_fn_proc *rfn, spinlock_t *lock)
{
	struct request_queue *q = blk_alloc_queue(GFP_KERNEL);
	char name[MEMPOOL_NAME_LEN];

	if (!q)
		return NULL;
	q->root_rl.rq_pool = mempool_create_slab_pool(BLKDEV_MIN_RQ, request_cachep);
	if (!q->root_rl.rq_pool) {
		kfree(q);
		return NULL;
	}
	snprintf(name, sizeof(name), "request-q%u", q->id);
	mempool_set_name(q->root_rl.rq_pool, name);
	q->request_fn = rfn;
	if (lock)
		q->queue_lock = lock;
	blk_queue_make_request(q, blk_queue_bio);
	return q;
}

/* Anything still queued, in the driver's hands, or held by a caller? */
static bool blk_queue_busy(struct request_queue *q)
{
	unsigned long flags;
	bool busy;

	spin_lock_irqsave(q->queue_lock, flags);
	busy = !list_empty(&q->queue_head) || q->in_flight || q->root_rl.count ||
	       q->request_fn_active; /* a request_fn that dropped the lock returns to q */
	spin_unlock_irqrestore(q->queue_lock, flags);
	return busy;
}

void blk_cleanup_queue(struct request_queue *q)
{
	unsigned long flags;
	unsigned int waited = 0;

	spin_lock_irqsave(q->queue_lock, flags);
	queue_flag_set(QUEUE_FLAG_DYING, q);
	spin_unlock_irqrestore(q->queue_lock, flags);
	wake_up_all(&q->root_rl.wait);

	/* Linux's blk_drain_queue polls too: the requests end in the driver's own time. */
	while (blk_queue_busy(q)) {
		if (++waited == 5000)
			pr_warn("blk_cleanup_queue: queue %u still has %d requests out after 5 s\n",
				q->id, q->root_rl.count);
		msleep(1);
	}
	spin_lock_irqsave(q->queue_lock, flags);
	queue_flag_set(QUEUE_FLAG_DEAD, q);
	spin_unlock_irqrestore(q->queue_lock, flags);
	mempool_destroy(q->root_rl.rq_pool);
	kfree(q);
}

/* ---- requests ---- */

/*
 * Zero a request with plain 16-byte stores.  GCC turns one memset of more
 * than 80 bytes into `rep stosq`, whose start-up costs a real CPU tens of
 * cycles, more than fourteen stores of 16 bytes take for the whole 224
 * (under -icount it also counts once per 8 bytes: 34 instructions against
 * 15).  Pieces of at most 80 bytes stay inline stores.
 */
static __always_inline void blk_rq_zero(struct request *rq)
{
	char *p = (char *)rq;

	_Static_assert(sizeof(*rq) > 160 && sizeof(*rq) <= 240,
		       "struct request changed size: re-cut blk_rq_zero's pieces");
	__builtin_memset(p, 0, 80);
	__builtin_memset(p + 80, 0, 80);
	__builtin_memset(p + 160, 0, sizeof(*rq) - 160);
}

/* Inline in get_request, external for the rest (blkdev.h declares it without inline). */
__always_inline void blk_rq_init(struct request_queue *q, struct request *rq)
{
	blk_rq_zero(rq);
	INIT_LIST_HEAD(&rq->queuelist);
	INIT_LIST_HEAD(&rq->donelist);
	rq->q = q;
	rq->cpu = -1;
	rq->__sector = (sector_t)-1;
	rq->cmd = rq->__cmd;
	rq->cmd_len = BLK_MAX_CDB;
	rq->ref_count = 1;
}

/*
 * A request left the list: one fewer out, and a sleeper may have it.  Called with the
 * queue lock, under which a sleeper joins rl->wait (get_request_slot): so an empty queue
 * really has nobody to wake, and the wake-up's cost is paid only when somebody waits,
 * as 3.10's __freed_request.
 */
static void freed_request(struct request_list *rl)
{
	rl->count--;
	if (waitqueue_active(&rl->wait))
		wake_up(&rl->wait);
}

/* get_request_slot when no place was free at first look: try again, sleeping if @gfp allows. */
static noinline bool get_request_slot_wait(struct request_queue *q, gfp_t gfp)
{
	struct request_list *rl = &q->root_rl;
	bool may_wait = (gfp & __GFP_WAIT) && can_sleep(); /* asked before the lock is held */
	bool got = false, waited_long = false;
	unsigned long flags;
	DEFINE_WAIT(wait);

	spin_lock_irqsave(q->queue_lock, flags);
	for (;;) {
		bool dying = blk_queue_dying(q);

		if (!dying && rl->count < (int)q->nr_requests) {
			rl->count++;
			got = true;
		}
		if (got || dying || !may_wait)
			break;
		if (waited_long)
			pr_warn("blk_get_request: queue %u: waited 5 s for one of its %lu "
				"requests\n",
				q->id, q->nr_requests);
		prepare_to_wait(&rl->wait, &wait, TASK_UNINTERRUPTIBLE);
		spin_unlock_irqrestore(q->queue_lock, flags);
		waited_long = !schedule_timeout(msecs_to_jiffies(5000));
		finish_wait(&rl->wait, &wait);
		spin_lock_irqsave(q->queue_lock, flags);
	}
	spin_unlock_irqrestore(q->queue_lock, flags);
	return got;
}

/*
 * Reserve a place among nr_requests, sleeping for one if @gfp allows.  false: none.
 * The sleeper joins rl->wait before it lets go of the queue lock, and freed_request
 * looks at rl->wait under that lock: a put cannot slip between the test and the sleep.
 */
static bool get_request_slot(struct request_queue *q, gfp_t gfp)
{
	struct request_list *rl = &q->root_rl;
	unsigned long flags;

	/* The usual case, a place free: taken at once, nothing set up for a wait. */
	spin_lock_irqsave(q->queue_lock, flags);
	if (likely(!blk_queue_dying(q) && rl->count < (int)q->nr_requests)) {
		rl->count++;
		spin_unlock_irqrestore(q->queue_lock, flags);
		return true;
	}
	spin_unlock_irqrestore(q->queue_lock, flags);
	return get_request_slot_wait(q, gfp);
}

/* A request for @rw from @q's pool, or NULL.  Called without the queue lock. */
static struct request *get_request(struct request_queue *q, int rw, gfp_t gfp)
{
	struct request *rq;
	unsigned long flags;

	if (!get_request_slot(q, gfp))
		return NULL;
	rq = mempool_alloc(q->root_rl.rq_pool, gfp);
	if (!rq) {
		spin_lock_irqsave(q->queue_lock, flags);
		freed_request(&q->root_rl);
		spin_unlock_irqrestore(q->queue_lock, flags);
		return NULL;
	}
	blk_rq_init(q, rq);
	rq->cmd_flags = (rw & RW_MASK) | REQ_ALLOCED;
	return rq;
}

struct request *blk_get_request(struct request_queue *q, int rw, gfp_t gfp_mask)
{
	BUG_ON(rw != READ && rw != WRITE);
	if (!q->root_rl.rq_pool) /* a bio-based queue has no requests */
		return NULL;
	return get_request(q, rw, gfp_mask);
}

/* __blk_put_request's body, inlined in blk_put_request: a call less per request. */
static __always_inline void blk_put_request_locked(struct request_queue *q, struct request *rq)
{
	if (unlikely(!q))
		return;
	if (--rq->ref_count)
		return;
	trace_rq(TE_RQ_PUT, rq, 0);
	WARN_ON_ONCE(rq->bio); /* its bios should have been ended or detached */
	if (rq->cmd_flags & REQ_ALLOCED) {
		BUG_ON(!list_empty(&rq->queuelist));
		mempool_free(rq, q->root_rl.rq_pool);
		freed_request(&q->root_rl);
	}
}

void __blk_put_request(struct request_queue *q, struct request *rq)
{
	blk_put_request_locked(q, rq);
}

void blk_put_request(struct request *rq)
{
	struct request_queue *q = rq->q;
	unsigned long flags;

	spin_lock_irqsave(q->queue_lock, flags);
	blk_put_request_locked(q, rq);
	spin_unlock_irqrestore(q->queue_lock, flags);
}

#ifdef CONFIG_DEBUG_MEMPOOL
void blk_rq_mark_in_flight(struct request *rq)
{
	struct bio *bio;

	if (rq->cmd_flags & REQ_ALLOCED)
		mempool_mark_in_flight(rq->q->root_rl.rq_pool, rq);
	__rq_for_each_bio(bio, rq) {
		bio_mark_in_flight(bio);
		if (bio_flagged(bio, BIO_BOUNCED))
			bounce_mark_in_flight(bio);
	}
}
#endif

/* ---- bios into requests ---- */

void blk_rq_bio_prep(struct request_queue *q, struct request *rq, struct bio *bio)
{
	rq->cmd_flags |= bio->bi_rw & REQ_WRITE;
	rq->nr_phys_segments = bio_segments(bio);
	rq->__data_len = bio->bi_size;
	rq->bio = rq->biotail = bio;
	bio->bi_next = NULL;
	if (bio->bi_bdev)
		rq->rq_disk = bio->bi_bdev->bd_disk;
}

/* ---- submitting bios ---- */

static void handle_bad_sector(struct bio *bio, sector_t capacity)
{
	pr_info("attempt to access beyond end of device\n");
	pr_info("%s: rw=%lu, want=%llu, limit=%llu\n", bio->bi_bdev->bd_disk->disk_name, bio->bi_rw,
		(unsigned long long)bio_end_sector(bio), (unsigned long long)capacity);
}

/* The checks before a bio reaches its queue: 0 go on, 1 done (ended with 0), -errno fail. */
static int generic_make_request_checks(struct bio *bio)
{
	struct request_queue *q = bio->bi_bdev ? bdev_get_queue(bio->bi_bdev) : NULL;
	struct gendisk *disk = bio->bi_bdev ? bio->bi_bdev->bd_disk : NULL;
	sector_t cap;

	if (!q || !disk) {
		pr_err("generic_make_request: Trying to access nonexistent block-device\n");
		return -ENODEV;
	}
	if (blk_queue_dying(q))
		return -ENODEV;
	cap = get_capacity(disk);
	if (bio_sectors(bio) > cap || bio->bi_sector > cap - bio_sectors(bio)) {
		handle_bad_sector(bio, cap);
		return -EIO;
	}
	if (((bio->bi_sector << SECTOR_SHIFT) | bio->bi_size) & (queue_logical_block_size(q) - 1))
		return -EIO;
	if (bio_segments(bio) > queue_max_segments(q) || bio_sectors(bio) > queue_max_hw_sectors(q))
		return -EIO; /* bio_add_page would not have built it */
	if (bio_data_dir(bio) == WRITE && bio_has_data(bio) && get_disk_ro(disk))
		return -EROFS;
	/* XXX: no flush sequencing (Linux's blk-flush.c): flags the device lacks are dropped. */
	bio->bi_rw &= ~((REQ_FLUSH | REQ_FUA) & ~q->flush_flags);
	if (!bio_has_data(bio) && !(bio->bi_rw & REQ_FLUSH))
		return 1; /* an empty flush for a device without a cache: done */
	return 0;
}

void generic_make_request(struct bio *bio)
{
	int ret = generic_make_request_checks(bio);

	if (ret) {
		if (ret < 0 && bio->bi_bdev && bio->bi_bdev->bd_disk) /* no queue lock here */
			__atomic_add_fetch(&bio->bi_bdev->bd_disk->stats.errors, 1,
					   __ATOMIC_RELAXED);
		bio_endio(bio, ret < 0 ? ret : 0);
		return;
	}
	bdev_get_queue(bio->bi_bdev)->make_request_fn(bdev_get_queue(bio->bi_bdev), bio);
}

void blk_account_io_start(struct request *rq)
{
	/* 3.10 counts per CPU (part_stat_lock); we under the queue lock: docs/linux-3.10.md */
	struct disk_stats *st;

	if (!rq->rq_disk || !blk_rq_bytes(rq))
		return;
	st = &rq->rq_disk->stats;
	st->ios[rq_data_dir(rq)]++;
	st->sectors[rq_data_dir(rq)] += blk_rq_sectors(rq);
}

DEFINE_PERF_LAYER(perf_submit_bio, "blk submit_bio");

void submit_bio(int rw, struct bio *bio)
{
	PERF_SCOPE(&perf_submit_bio);
	bio->bi_rw |= rw;
	bio_mark_in_flight(bio);
	generic_make_request(bio);
}

struct submit_bio_ret {
	struct completion event;
	int error;
};

static void submit_bio_wait_endio(struct bio *bio, int error)
{
	struct submit_bio_ret *ret = bio->bi_private;

	ret->error = error;
	complete(&ret->event);
}

int submit_bio_wait(int rw, struct bio *bio)
{
	struct submit_bio_ret ret;

	init_completion(&ret.event);
	ret.error = 0;
	bio->bi_private = &ret;
	bio->bi_end_io = submit_bio_wait_endio;
	submit_bio(rw | REQ_SYNC, bio);
	wait_for_completion(&ret.event);
	return ret.error;
}

void blk_queue_bio(struct request_queue *q, struct bio *bio)
{
	unsigned long flags;
	struct request *rq;
	int err;

	err = blk_queue_bounce(q, &bio);
	if (err) {
		bio_endio(bio, err);
		return;
	}
	rq = get_request(q, bio_data_dir(bio), GFP_NOIO);
	if (!rq) {
		/* (a bounce bio ends its original) */
		bio_endio(bio, blk_queue_dying(q) ? -ENODEV : -ENOMEM);
		return;
	}
	rq->cmd_type = REQ_TYPE_FS;
	rq->cmd_flags |= bio->bi_rw & REQ_COMMON_MASK;
	rq->__sector = bio->bi_sector;
	blk_rq_bio_prep(q, rq, bio);
	if (blk_queue_same_comp(q))
		rq->cpu = raw_smp_processor_id(); /* a hint: we may move on, it stays */

	spin_lock_irqsave(q->queue_lock, flags);
	blk_rq_mark_in_flight(rq);
	blk_account_io_start(rq);
	list_add_tail(&rq->queuelist, &q->queue_head);
	__blk_run_queue(q);
	spin_unlock_irqrestore(q->queue_lock, flags);
}

int blkdev_issue_flush(struct block_device *bdev, gfp_t gfp_mask, sector_t *error_sector)
{
	struct bio *bio;
	int ret;

	if (!bdev || !bdev_get_queue(bdev))
		return -ENXIO;
	bio = bio_alloc(gfp_mask, 0);
	if (!bio)
		return -ENOMEM;
	bio->bi_bdev = bdev;
	ret = submit_bio_wait(WRITE | REQ_FLUSH, bio);
	bio_put(bio);
	return ret;
}

/*
 * The block layer at boot: caches, fs_bio_set, BLOCK_SOFTIRQ, the bounce
 * limits.  A subsys_initcall, before the drivers (ram0, virtio-blk) that
 * register disks at device_initcall level.
 */
static int blk_init(void)
{
	blk_settings_init();
	blk_dev_init();
	bio_set_init();
	blk_softirq_init();
	return 0;
}
subsys_initcall(blk_init);
