/*
 * SPDX-License-Identifier: MIT
 * block/blkdev.h - request queues, their limits, requests, and the API a
 * block driver implements, after Linux 3.10's include/linux/blkdev.h (the
 * "request_fn" generation: one queue, one lock, no blk-mq, no elevator).
 *
 * The path of I/O:
 *
 *   submit_bio(rw, bio)                       the file-system way
 *     generic_make_request: checks (end of disk -EIO, read-only -EROFS, ...)
 *     q->make_request_fn = blk_queue_bio:
 *       blk_queue_bounce        pages the device cannot reach -> bounce pages
 *       get_request             a struct request from the queue's pool
 *       init from the bio, put it on q->queue_head, run the queue
 *   blk_make_request(q, chain, gfp)           the BLOCK_PC way (see below)
 *     ... caller finishes the request ...
 *   blk_execute_rq(q, disk, rq, at_head)      queue it, run the queue, wait
 *
 *   q->request_fn(q)     the driver, queue lock held, interrupts off
 *     rq = blk_fetch_request(q) ... hands it to the hardware ...
 *   device interrupt -> blk_complete_request(rq)   (or end it right there)
 *   BLOCK_SOFTIRQ  -> q->softirq_done_fn(rq) -> blk_end_request_all(rq, err)
 *     every bio: bio_endio -> bi_end_io; then rq->end_io or blk_put_request
 *
 * A request and its bios:
 *
 *   struct request                        (one I/O the driver does at once)
 *   | cmd_type  REQ_TYPE_FS | REQ_TYPE_BLOCK_PC (a command in cmd[])
 *   | cmd_flags REQ_WRITE, REQ_FLUSH, REQ_FUA, ...
 *   | __sector  where (FS), __data_len  bytes left
 *   | bio ----> bio ----> bio <---- biotail        (linked by bi_next)
 *   |           vecs      vecs
 *   | nr_phys_segments: the vecs of all its bios (one vec = one segment)
 *
 * ----------------------------------------------------------------------
 * Writing a driver (the recipe the ramdisk, drivers/block/ramdisk.c, follows; a
 * virtio-blk driver does the same with a virtqueue as its "hardware"):
 *
 *   probe:
 *     q = blk_init_queue(my_request_fn, &dev->lock);   lock may be NULL
 *     q->queuedata = dev;
 *     blk_queue_max_segments(q, seg_max);        one descriptor per vec
 *     blk_queue_max_segment_size(q, size_max);   longest vec
 *     blk_queue_max_hw_sectors(q, sectors);      largest request
 *     blk_queue_logical_block_size(q, blk_size);
 *     blk_queue_flush(q, REQ_FLUSH);             if it has a write cache
 *     blk_queue_softirq_done(q, my_softirq_done);
 *     disk = alloc_disk(1); name, disk->queue = q, set_capacity,
 *     set_disk_ro; add_disk(disk);               (block/genhd.h)
 *
 *   static void my_request_fn(struct request_queue *q)  // lock held, irqs off
 *   {
 *           struct request *rq;
 *           while ((rq = blk_peek_request(q))) {
 *                   if (!hardware_has_room(dev)) {
 *                           blk_stop_queue(q);     // restarted on completion
 *                           break;
 *                   }
 *                   blk_start_request(rq);         // now it is ours
 *                   // rq->cmd_type: REQ_TYPE_FS (blk_rq_pos, blk_rq_bytes,
 *                   // rq_data_dir, REQ_FLUSH/REQ_FUA in cmd_flags; a FLUSH
 *                   // may have no data), REQ_TYPE_BLOCK_PC (rq->cmd,
 *                   // cmd_len: a SCSI CDB), REQ_TYPE_SPECIAL (driver's own)
 *                   struct req_iterator iter;
 *                   struct bio_vec *bv;
 *                   rq_for_each_segment(bv, rq, iter)
 *                           add_to_hardware(page_to_phys(bv->bv_page) +
 *                                           bv->bv_offset, bv->bv_len);
 *                   hardware_go(rq);
 *           }
 *   }
 *
 *   interrupt handler (hardirq):
 *           for each request the hardware finished:
 *                   rq->errors = status_ok ? 0 : -EIO;
 *                   blk_complete_request(rq);      // ends it in BLOCK_SOFTIRQ
 *           spin_lock(q->queue_lock); blk_start_queue(q) if it was stopped; unlock
 *   static void my_softirq_done(struct request *rq)   // softirq context
 *   {
 *           blk_end_request_all(rq, rq->errors);  // takes the queue lock
 *   }
 *   (Or end it in the handler: spin_lock(q->queue_lock);
 *    __blk_end_request_all(rq, err); spin_unlock.)
 *
 *   remove: del_gendisk(disk); blk_cleanup_queue(q) (waits for requests
 *   in flight); put_disk(disk).
 *
 * The block layer guarantees the driver: every vec of a request lies in
 * one page, is at most max_segment_size long and crosses no
 * seg_boundary_mask boundary; a request has at most max_segments vecs and
 * max_hw_sectors sectors; an FS request is a multiple of the logical block
 * size, starts on one, and lies inside the disk; every page is at or below
 * the queue's bounce limit (bounced otherwise).
 * ----------------------------------------------------------------------
 *
 * Context rules: request_fn runs with queue_lock held and interrupts off,
 * from whatever context ran the queue (a thread submitting, or an interrupt
 * or softirq restarting it): it must not sleep.  bi_end_io and rq->end_io
 * run from softirq or hardirq context, possibly with the queue lock held:
 * they must not sleep or submit to the same queue.
 */
#ifndef BLOCK_BLKDEV_H
#define BLOCK_BLKDEV_H

#include <block/bio.h>
#include <block/genhd.h>
#include <kernel/list.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>
#include <kernel/wait.h>
#include <mm/mempool.h>

struct request;
struct request_queue;

/* What a request is (Linux's enum rq_cmd_type_bits, the ones used here). */
enum rq_cmd_type_bits {
	REQ_TYPE_FS = 1,       /* read/write at __sector: what submit_bio makes */
	REQ_TYPE_BLOCK_PC = 2, /* a SCSI command in cmd[]: what blk_make_request makes */
	REQ_TYPE_SPECIAL = 7,  /* the driver's own meaning */
};

#define BLK_MAX_CDB 16 /* bytes of a command block */

typedef void(request_fn_proc)(struct request_queue *q);
typedef void(make_request_fn)(struct request_queue *q, struct bio *bio);
typedef void(softirq_done_fn)(struct request *rq);
typedef void(rq_end_io_fn)(struct request *rq, int error);

struct request {
	struct list_head queuelist;  /* on q->queue_head until started; then the driver's */
	struct list_head donelist;   /* on a CPU's BLOCK_SOFTIRQ list (Linux: csd.list) */
	struct call_single_data csd; /* its own, to send it to rq->cpu (block/blk-softirq.c) */
	struct request_queue *q;
	int cpu;		/* the CPU that submitted it, ended there (SAME_COMP); -1: any */
	unsigned int cmd_flags; /* REQ_* (block/bio.h) */
	enum rq_cmd_type_bits cmd_type;
	unsigned int __data_len; /* bytes left: blk_rq_bytes() */
	sector_t __sector;	 /* sector of the next byte: blk_rq_pos() */
	struct bio *bio;	 /* first bio not completed */
	struct bio *biotail;	 /* last bio */
	struct gendisk *rq_disk;
	unsigned short nr_phys_segments; /* vecs of all its bios */
	int ref_count;			 /* blk_put_request frees at 0 */
	void *special;			 /* the driver's */
	void *completion_data;		 /* the driver's, for softirq_done */
	int errors;			 /* the driver's result (blk_execute_rq: != 0 is -EIO) */
	unsigned char __cmd[BLK_MAX_CDB];
	unsigned char *cmd;	/* BLOCK_PC: the command block (points at __cmd) */
	unsigned short cmd_len; /* its length (BLK_MAX_CDB until set) */
	unsigned int sense_len;
	void *sense;		/* BLOCK_PC: where the driver may put sense data */
	unsigned int resid_len; /* BLOCK_PC: bytes not transferred */
	unsigned int timeout;	/* unused: no request timeouts yet */
	rq_end_io_fn *end_io;	/* called when done (instead of blk_put_request) */
	void *end_io_data;
};

/* What the device can do; set through blk_queue_* below. */
struct queue_limits {
	unsigned long bounce_pfn;	   /* highest page frame the device reaches */
	unsigned long seg_boundary_mask;   /* no vec crosses an address with these bits 0 */
	unsigned int max_hw_sectors;	   /* largest request the hardware takes */
	unsigned int max_sectors;	   /* largest FS request we make (<= max_hw_sectors) */
	unsigned int max_segment_size;	   /* longest vec */
	unsigned short logical_block_size; /* smallest addressable unit, bytes */
	unsigned short max_segments;	   /* most vecs in a request */
};

/* Requests of a queue: a mempool of BLKDEV_MIN_RQ in reserve, nr_requests at most. */
struct request_list {
	struct request_queue *q;
	int count;		/* requests out */
	mempool_t *rq_pool;	/* named "request-<disk or queue id>" */
	wait_queue_head_t wait; /* get_request sleepers, count at the limit */
};

#define BLKDEV_MIN_RQ 4	  /* reserve per queue */
#define BLKDEV_MAX_RQ 128 /* default nr_requests */

/* q->queue_flags bits (Linux's numbers); changed under the queue lock. */
#define QUEUE_FLAG_STOPPED   2	/* the driver said stop: request_fn not called */
#define QUEUE_FLAG_DYING     5	/* blk_cleanup_queue started: new I/O fails */
#define QUEUE_FLAG_SAME_COMP 9	/* end a request on the CPU that submitted it (default) */
#define QUEUE_FLAG_DEAD	     19 /* drained */

#define QUEUE_FLAG_DEFAULT (1UL << QUEUE_FLAG_SAME_COMP) /* 3.10's, of the flags we have */

struct request_queue {
	struct list_head queue_head;	  /* requests waiting for the driver, in order */
	request_fn_proc *request_fn;	  /* the driver: NULL for a bio-based queue */
	make_request_fn *make_request_fn; /* blk_queue_bio for request queues */
	softirq_done_fn *softirq_done_fn; /* what BLOCK_SOFTIRQ calls for a completed request */
	struct request_list root_rl;
	unsigned long queue_flags; /* QUEUE_FLAG_* */
	spinlock_t __queue_lock;   /* used when blk_init_queue gets no lock */
	spinlock_t *queue_lock;	   /* queue_head, flags, in_flight, root_rl.count, disk stats */
	void *queuedata;	   /* the driver's */
	unsigned long nr_requests; /* most requests out at once */
	unsigned int in_flight;	   /* started and not finished */
	unsigned int request_fn_active; /* request_fn running: do not re-enter it */
	unsigned int flush_flags;	/* REQ_FLUSH / REQ_FUA the device understands */
	gfp_t bounce_gfp;		/* bounce pages: GFP_NOIO, | GFP_DMA for ISA */
	struct queue_limits limits;
	unsigned int id; /* ours: numbers queues for names */
};

/* Iterate the bios of a request, and the vecs of each (struct bio_vec *bvl). */
struct req_iterator {
	int i;
	struct bio *bio;
};

#define __rq_for_each_bio(_bio, rq) for ((_bio) = (rq)->bio; (_bio); (_bio) = (_bio)->bi_next)

#define rq_for_each_segment(bvl, _rq, _iter) \
	__rq_for_each_bio((_iter).bio, _rq)  \
		bio_for_each_segment(bvl, (_iter).bio, (_iter).i)

/* ---- looking at a request ---- */

#define rq_data_dir(rq)	   ((rq)->cmd_flags & RW_MASK)
#define blk_rq_started(rq) ((rq)->cmd_flags & REQ_STARTED)

static inline sector_t blk_rq_pos(const struct request *rq)
{
	return rq->__sector;
}

static inline unsigned int blk_rq_bytes(const struct request *rq)
{
	return rq->__data_len;
}

static inline unsigned int blk_rq_sectors(const struct request *rq)
{
	return blk_rq_bytes(rq) >> SECTOR_SHIFT;
}

/* Bytes of the first unfinished vec (of the first bio). */
static inline unsigned int blk_rq_cur_bytes(const struct request *rq)
{
	return rq->bio ? bio_cur_bytes(rq->bio) : 0;
}

static inline unsigned short blk_rq_nr_phys_segments(const struct request *rq)
{
	return rq->nr_phys_segments;
}

/* ---- queue limits (block/blk-settings.c) ---- */

#define BLK_DEF_MAX_SECTORS   1024
#define BLK_SAFE_MAX_SECTORS  255
#define BLK_MAX_SEGMENTS      128
#define BLK_MAX_SEGMENT_SIZE  65536
#define BLK_SEG_BOUNDARY_MASK 0xFFFFFFFFUL

static inline unsigned long queue_bounce_pfn(const struct request_queue *q)
{
	return q->limits.bounce_pfn;
}

static inline unsigned long queue_segment_boundary(const struct request_queue *q)
{
	return q->limits.seg_boundary_mask;
}

static inline unsigned int queue_max_sectors(const struct request_queue *q)
{
	return q->limits.max_sectors;
}

static inline unsigned int queue_max_hw_sectors(const struct request_queue *q)
{
	return q->limits.max_hw_sectors;
}

static inline unsigned short queue_max_segments(const struct request_queue *q)
{
	return q->limits.max_segments;
}

static inline unsigned int queue_max_segment_size(const struct request_queue *q)
{
	return q->limits.max_segment_size;
}

static inline unsigned short queue_logical_block_size(const struct request_queue *q)
{
	return q->limits.logical_block_size;
}

static inline struct request_queue *bdev_get_queue(const struct block_device *bdev)
{
	return bdev->bd_queue;
}

static inline unsigned short bdev_logical_block_size(const struct block_device *bdev)
{
	return queue_logical_block_size(bdev_get_queue(bdev));
}

/*
 * The queue flags.  queue_flag_set/clear change one with the queue lock
 * held (lockdep checks it: another CPU may be changing another flag of
 * the word); the tests below read them with or without it, a flag read
 * unlocked being only a hint of that moment.
 */
#define queue_lockdep_assert_held(q) lockdep_assert_held(&(q)->queue_lock->rlock)

static inline void queue_flag_set(unsigned int flag, struct request_queue *q)
{
	queue_lockdep_assert_held(q);
	q->queue_flags |= 1UL << flag;
}

static inline void queue_flag_clear(unsigned int flag, struct request_queue *q)
{
	queue_lockdep_assert_held(q);
	q->queue_flags &= ~(1UL << flag);
}

static inline bool queue_flag_test(unsigned int flag, const struct request_queue *q)
{
	return READ_ONCE(q->queue_flags) & (1UL << flag);
}

static inline bool blk_queue_stopped(const struct request_queue *q)
{
	return queue_flag_test(QUEUE_FLAG_STOPPED, q);
}

static inline bool blk_queue_dying(const struct request_queue *q)
{
	return queue_flag_test(QUEUE_FLAG_DYING, q);
}

static inline bool blk_queue_same_comp(const struct request_queue *q)
{
	return queue_flag_test(QUEUE_FLAG_SAME_COMP, q);
}

/*
 * The setters.  Each takes effect for requests made after it; call them
 * before add_disk.  Context: any (they take no lock).
 *
 * blk_queue_max_hw_sectors  largest request, in sectors (at least 1; max_sectors
 *                           becomes min(it, BLK_DEF_MAX_SECTORS))
 * blk_queue_max_segments    most vecs per request (at least 1)
 * blk_queue_max_segment_size  longest vec, bytes (at least 512: Linux
 *                           rounds up to a page; we let a device take less
 *                           so the limit can be seen working)
 * blk_queue_segment_boundary  a vec never crosses an address whose low bits
 *                           (the mask) are 0 (mask at least 511; Linux: a page)
 * blk_queue_logical_block_size  512, 1024, 2048 or 4096
 * blk_queue_flush           REQ_FLUSH and/or REQ_FUA if the device has a
 *                           volatile write cache; 0: flushes complete at once
 * blk_queue_softirq_done    the driver's completion for blk_complete_request
 * blk_queue_bounce_limit    (block/bounce.c) the highest address the device
 *                           reaches: BLK_BOUNCE_ISA, _HIGH, _ANY or a mask
 */
void blk_queue_max_hw_sectors(struct request_queue *q, unsigned int max_hw_sectors);
void blk_queue_max_segments(struct request_queue *q, unsigned short max_segments);
void blk_queue_max_segment_size(struct request_queue *q, unsigned int max_size);
void blk_queue_segment_boundary(struct request_queue *q, unsigned long mask);
void blk_queue_logical_block_size(struct request_queue *q, unsigned short size);
void blk_queue_flush(struct request_queue *q, unsigned int flush);
void blk_queue_softirq_done(struct request_queue *q, softirq_done_fn *fn);

/* blk_set_default_limits - Linux's defaults (listed above) into @lim.  Context: any. */
void blk_set_default_limits(struct queue_limits *lim);

/*
 * blk_seg_fits - ours: true if @len bytes at physical address @phys make
 * one segment @q accepts (length and boundary).  bio_add_page uses it; so
 * can a driver checking what it is given.  Context: any.
 */
static inline bool blk_seg_fits(const struct request_queue *q, phys_addr_t phys, unsigned int len)
{
	unsigned long mask = queue_segment_boundary(q);

	if (!len || len > queue_max_segment_size(q))
		return false;
	/* First and last byte in the same (mask + 1)-aligned window. */
	return (phys | mask) == ((phys + len - 1) | mask);
}

/* ---- bouncing (block/blk-settings.c sets the limit, block/bounce.c bounces) ---- */

/*
 * Bounce limits: the highest physical address the device can reach (as
 * Linux 3.10 on x86_64, where max_low_pfn is max_pfn: all memory is low).
 *   BLK_BOUNCE_ISA   below 16 MiB (ZONE_DMA): the rest is bounced into the ISA pool
 *   BLK_BOUNCE_HIGH  all "low" memory, which on x86_64 is all of it: nothing bounces
 *   BLK_BOUNCE_ANY   every address (-1ULL): nothing bounces
 * Any other mask: one below both 4 GiB and the end of memory is treated
 * as ISA DMA (the ISA pool, pages below 16 MiB); one at or above either
 * bounces nothing (3.10 assumes an IOMMU serves up to 4 GiB).
 */
extern unsigned long blk_max_low_pfn, blk_max_pfn; /* max_pfn - 1, blk_settings_init */
#define BLK_BOUNCE_HIGH ((u64)blk_max_low_pfn << PAGE_SHIFT)
#define BLK_BOUNCE_ANY	(-1ULL)
#define BLK_BOUNCE_ISA	(DMA_BIT_MASK(24))
#define DMA_BIT_MASK(n) (((n) == 64) ? ~0ULL : ((1ULL << (n)) - 1))

#define ISA_POOL_SIZE 16 /* pages in the ISA bounce pool's reserve */

/*
 * blk_queue_bounce_limit - the device reaches physical addresses up to
 * @dma_mask (3.10's 64-bit rule, block/blk-settings.c).  A mask below 4
 * GiB and below the end of memory (BLK_BOUNCE_HIGH) means ISA DMA: the
 * ISA pool is made if it does not exist (ISA_POOL_SIZE pages of
 * ZONE_DMA), bounce_gfp gets __GFP_DMA and bounce_pfn is the mask's pfn;
 * pages above it will be bounced into pages below 16 MiB.  Any other mask
 * sets bounce_pfn to max(max_low_pfn, the mask's pfn): nothing bounces.
 * If the ISA pool cannot be made, a warning is printed and I/O that needs
 * bouncing fails with -ENOMEM (3.10 BUGs).  Context: may sleep (the pool).
 */
void blk_queue_bounce_limit(struct request_queue *q, u64 dma_mask);

/*
 * init_emergency_isa_pool - create the ISA bounce pool now if it does not
 * exist (what blk_queue_bounce_limit does for an ISA mask).  Test suites
 * call it in their init so the pool's pages are not blamed on a test case.
 * Returns 0 or -ENOMEM.  Context: may sleep.  (3.10's other pool, the
 * page pool of 64, exists only with highmem or CONFIG_NEED_BOUNCE_POOL;
 * x86_64 without bio integrity and ext3 has neither, and neither do we.)
 */
int init_emergency_isa_pool(void);

/* The ISA pool: NULL until made. */
extern mempool_t *isa_page_pool;

/*
 * blk_queue_bounce - if any page of *@bio_orig from bi_idx on lies above
 * @q's bounce limit, replace *@bio_orig by a bounce bio: a clone from
 * fs_bio_set (bio_clone_bioset, GFP_NOIO) in which every vec - those
 * before bi_idx too, as 3.10 walks them all - whose page is above the
 * limit gets a page of the ISA pool (the data copied in for a write).
 * When the bounce bio completes it copies the data back (a read that
 * succeeded), gives back exactly the pages that differ from the
 * original's, ends the original bio with the same error and puts itself.
 * Returns 0 (*@bio_orig possibly replaced), or -ENOMEM if the bounce bio
 * or a page could not be had - *@bio_orig unchanged, nothing held.  That
 * happens when the mempool diagnoses a deadlock (3.10 returns void and
 * waits for ever) or, where sleeping is not allowed, when the pool is
 * empty (3.10 schedules while atomic).
 * Context: should be able to sleep when bouncing is needed.  Called where
 * it may not (atomic, interrupts off, interrupt handler), the allocations
 * print "BUG: sleeping function called from invalid context" with a
 * backtrace, as 3.10's might_sleep does, and go on as GFP_ATOMIC.
 */
int __blk_queue_bounce_slow(struct request_queue *q, struct bio **bio_orig);
static inline int blk_queue_bounce(struct request_queue *q, struct bio **bio_orig)
{
	/* 3.10's first two tests, inline: a queue that reaches all memory costs no call. */
	if (!bio_has_data(*bio_orig) ||
	    (!(q->bounce_gfp & __GFP_DMA) && queue_bounce_pfn(q) >= blk_max_pfn))
		return 0;
	return __blk_queue_bounce_slow(q, bio_orig);
}

/* Bounce counters since boot, and now. */
struct bounce_stats {
	unsigned long bios;	    /* bounce bios made */
	unsigned long pages;	    /* bounce pages used */
	unsigned long pages_in_use; /* bounce pages not yet given back */
	unsigned long failures;	    /* blk_queue_bounce -ENOMEM */
};
extern struct bounce_stats bounce_stats;

/* ---- queues (block/blk-core.c) ---- */

/*
 * blk_init_queue - a request queue whose driver is @rfn, guarded by @lock
 * (NULL: the queue's own).  Default limits (BLK_SAFE_MAX_SECTORS, ...),
 * bounce limit BLK_BOUNCE_HIGH, nr_requests BLKDEV_MAX_RQ, a request pool
 * of BLKDEV_MIN_RQ.  Returns the queue or NULL.  Context: may sleep.
 */
struct request_queue *blk_init_queue(request_fn_proc *rfn, spinlock_t *lock);

/*
 * blk_alloc_queue - a queue without requests: set its make_request_fn with
 * blk_queue_make_request (a bio-based driver).  Returns it or NULL.
 * Context: may sleep if @gfp_mask may.
 */
struct request_queue *blk_alloc_queue(gfp_t gfp_mask);
void blk_queue_make_request(struct request_queue *q, make_request_fn *mfn);

/*
 * blk_cleanup_queue - stop @q: new I/O fails with -ENODEV, requests queued
 * and in flight are waited for (polling every ms), then the queue is
 * freed.  Context: may sleep.
 */
void blk_cleanup_queue(struct request_queue *q);

/* ---- requests ---- */

/*
 * blk_get_request - a fresh request for @rw (READ/WRITE) on @q, one
 * reference, REQ_ALLOCED.  With __GFP_WAIT it sleeps while nr_requests are
 * out, and takes one from the pool's reserve if the slab fails.
 * Returns it, or NULL (no __GFP_WAIT and none to be had, queue dying, or a
 * diagnosed mempool deadlock).  Context: any without __GFP_WAIT.
 */
struct request *blk_get_request(struct request_queue *q, int rw, gfp_t gfp_mask);

/*
 * Several of the functions below (__blk_put_request, blk_rq_init,
 * blk_rq_append_bio, blk_update_request, blk_end_request*,
 * blk_execute_rq_nowait) are defined __always_inline in their .c file, so
 * that file's own callers get the body.  They still exist as functions for
 * everyone else only because these declarations say no `inline`: keep it so.
 */

/*
 * blk_put_request - drop a reference; the last frees the request.  Its
 * bios must have been ended or detached.  __blk_put_request: with the
 * queue lock held.  Context: any.
 */
void blk_put_request(struct request *rq);
void __blk_put_request(struct request_queue *q, struct request *rq);

/*
 * blk_rq_init - zero @rq for @q (a request not from blk_get_request, e.g.
 * on the stack of a driver).  Context: any.
 */
void blk_rq_init(struct request_queue *q, struct request *rq);

/*
 * blk_rq_bio_prep - make @bio the request's only bio: size, segments,
 * direction, disk.  Context: any.
 */
void blk_rq_bio_prep(struct request_queue *q, struct request *rq, struct bio *bio);

/*
 * blk_rq_append_bio - add @bio (alone: its bi_next is overwritten) at the
 * end of @rq.  Fails with -EINVAL, @rq and @bio unchanged, if @bio's
 * direction is not the request's (ours: Linux ORs the direction in
 * silently), or if the request would exceed max_hw_sectors or
 * max_segments.  Returns 0 or -EINVAL.  Context: any.
 */
int blk_rq_append_bio(struct request_queue *q, struct request *rq, struct bio *bio);

/*
 * blk_make_request - given a bio, allocate a corresponding struct request
 * (the Linux man page blk_make_request(9), restated below in our words;
 * every promise of it is tested in tests/block/test_blk_make_request.c).
 * @q:        target request queue
 * @bio:      the bio describing the memory mappings that will be submitted
 *            for I/O: a chain through bi_next is allowed; every bio's
 *            bi_io_vec set, and bio_data_dir the same for all of them
 * @gfp_mask: for allocating the request
 *
 * The parallel of generic_make_request for BLOCK_PC commands: the request
 * comes back with the bios attached (bounced as @q needs: each bio of the
 * chain goes through blk_queue_bounce, then blk_rq_append_bio), its
 * direction from bio_data_dir(@bio), not queued, and its cmd_type not set
 * (0, no REQ_TYPE_*: as in 3.10, which had no blk_rq_set_block_pc yet).
 * The caller finishes initialising it - cmd_type = REQ_TYPE_BLOCK_PC and
 * the command in cmd[]/cmd_len, or cmd_type = REQ_TYPE_FS with __sector -
 * and runs it with blk_execute_rq.  A driver fails a request whose
 * cmd_type nobody set with -EIO.  The request then owns the chain: the
 * bios are ended with the request.
 *
 * Returns the request, ERR_PTR(-ENOMEM) if no request could be had with
 * @gfp_mask (or bouncing failed, see blk_queue_bounce), or
 * ERR_PTR(-EINVAL) from blk_rq_append_bio (a mixed-direction chain, one
 * past the queue's limits).  On an error nothing is left allocated: bounce
 * bios and pages are given back, the request is put, and the chain is the
 * caller's again exactly as it was passed (bi_next links restored, no bio
 * ended).
 *
 * Context: may sleep if @gfp_mask may, and to bounce.  Under non-sleepable
 * conditions the bios' pages must not need bouncing (allocate them below
 * the limit, e.g. GFP_DMA for an ISA device): otherwise blk_queue_bounce
 * "will BUG" - prints "BUG: sleeping function called from invalid
 * context" and bounces with what it can get without sleeping (see
 * blk_queue_bounce).  Allocating the chain: only the first bio may be allocated with
 * __GFP_WAIT from a bio set (see block/bio.h); use bio_kmalloc or no
 * __GFP_WAIT for the rest, and split the I/O when an allocation fails.
 */
struct request *blk_make_request(struct request_queue *q, struct bio *bio, gfp_t gfp_mask);

/*
 * blk_execute_rq_nowait - put @rq on @q (at the head if @at_head) for disk
 * @bd_disk and run the queue; @done(rq, error) is called when it has
 * completed (softirq or hardirq context, maybe with the queue lock held)
 * and then owns it (must blk_put_request / __blk_put_request it).
 * On a dying queue @done is called at once with -ENXIO.  Context: any.
 */
void blk_execute_rq_nowait(struct request_queue *q, struct gendisk *bd_disk, struct request *rq,
			   int at_head, rq_end_io_fn *done);

/*
 * blk_execute_rq - blk_execute_rq_nowait and wait for the end.  Returns 0,
 * or -EIO if the request ended with an error (rq->errors non-zero; the
 * bios got the real error).  The caller still owns @rq (blk_put_request).
 * Context: may sleep.
 */
int blk_execute_rq(struct request_queue *q, struct gendisk *bd_disk, struct request *rq,
		   int at_head);

/* ---- submitting bios ---- */

/*
 * generic_make_request - hand @bio to its queue.  A bio that cannot be
 * done is ended with an error instead: -EIO past the end of the disk (or
 * a size not a multiple of the logical block size), -EROFS writing a
 * read-only disk, -ENODEV for a dying queue or no disk.  A REQ_FLUSH bio
 * without data on a queue without a write cache ends at once with 0.
 * Context: may sleep (bounce, request allocation with GFP_NOIO).
 */
void generic_make_request(struct bio *bio);

/*
 * submit_bio - generic_make_request with @rw added to bi_rw, after
 * marking the bio (and its vec array)
 * in flight in its pool (mempool_mark_in_flight), so the mempool does not
 * take waiting for it for a deadlock.  Completion: bi_end_io.
 * Context: may sleep.
 */
void submit_bio(int rw, struct bio *bio);

/*
 * submit_bio_wait - submit_bio and wait for the end; returns its error.
 * Uses bi_end_io and bi_private (overwritten).  Context: may sleep.
 */
int submit_bio_wait(int rw, struct bio *bio);

/*
 * blk_queue_bio - the make_request_fn of a request queue: bounce, a
 * request (GFP_NOIO) made from the bio, queued at the tail, queue run.
 */
void blk_queue_bio(struct request_queue *q, struct bio *bio);

/*
 * blkdev_issue_flush - flush @bdev's write cache (an empty REQ_FLUSH bio)
 * and wait.  @error_sector: unused, may be NULL (Linux's signature).
 * Returns 0 or the error.  Context: may sleep.
 */
int blkdev_issue_flush(struct block_device *bdev, gfp_t gfp_mask, sector_t *error_sector);

/* ---- the driver side ---- */

/*
 * The driver's request_fn is called by __blk_run_queue with the queue lock
 * held.  From there (lock held):
 *
 * blk_peek_request   the first queued request, still on the queue; NULL if none
 * blk_start_request  take @rq off the queue: the driver owns it now
 * blk_fetch_request  peek + start
 * blk_requeue_request  give a started request back (at the head), e.g. when
 *                    the hardware turned out to be full
 * blk_stop_queue     request_fn will not be called until blk_start_queue
 * blk_start_queue    clear stopped and run the queue (lock held, irqs off)
 * __blk_run_queue    call request_fn now unless stopped (lock held)
 * blk_run_queue      the same, taking the lock (any context)
 */
struct request *blk_peek_request(struct request_queue *q);
void blk_start_request(struct request *rq);
struct request *blk_fetch_request(struct request_queue *q);
void blk_requeue_request(struct request_queue *q, struct request *rq);
void blk_stop_queue(struct request_queue *q);
void blk_start_queue(struct request_queue *q);
void __blk_run_queue(struct request_queue *q);
void blk_run_queue(struct request_queue *q);

/*
 * Ending requests, wholly or in part (@nr_bytes from the front):
 *
 * blk_update_request    end the first @nr_bytes: each bio wholly done gets
 *                       bio_endio(@error), a half-done one is advanced.
 *                       Returns true if bytes remain.  No lock needed.
 * blk_end_request       update, and if nothing remains finish the request
 *                       (rq->end_io, or free it).  Returns true if bytes
 *                       remain.  Takes the queue lock: any context, lock
 *                       NOT held.
 * blk_end_request_all   all of it (BUGs if anything would remain).
 * __blk_end_request(_all)  the same with the queue lock held.
 *
 * An I/O error of an FS request is printed ("end_request: I/O error, dev
 * ram0, sector 8") unless REQ_QUIET.  Context: any.
 */
bool blk_update_request(struct request *rq, int error, unsigned int nr_bytes);
bool blk_end_request(struct request *rq, int error, unsigned int nr_bytes);
void blk_end_request_all(struct request *rq, int error);
bool __blk_end_request(struct request *rq, int error, unsigned int nr_bytes);
void __blk_end_request_all(struct request *rq, int error);

/*
 * blk_complete_request - the hardware is done with @rq: end it later, in
 * BLOCK_SOFTIRQ, through q->softirq_done_fn (which calls
 * blk_end_request_all, usually with rq->errors).  For interrupt handlers
 * that want the bios' end_io out of hardirq context.  The softirq runs on
 * rq->cpu, the CPU that submitted it (QUEUE_FLAG_SAME_COMP, and that CPU
 * online), else on this one (block/blk-softirq.c).  Uses rq->donelist.
 * Context: any.
 */
void blk_complete_request(struct request *rq);

/*
 * blk_softirq_count - requests ended through BLOCK_SOFTIRQ since boot, on
 * all CPUs (@forwarded false), or those a CPU's softirq sent on to the CPU
 * that submitted them (@forwarded true; block/blk-softirq.c).  Context: any.
 */
unsigned long blk_softirq_count(bool forwarded);

/* ---- mapping kernel buffers (block/blk-map.c) ---- */

/*
 * bio_map_kern - a bio (from kmalloc) describing @len bytes of kernel
 * memory at @data (direct-map memory: kmalloc, pages; any alignment), cut
 * into vecs @q accepts, for a BLOCK_PC request.  Its end_io puts it.
 * Returns it, ERR_PTR(-EINVAL) if the buffer does not fit in one request of
 * @q (Linux returns a shorter bio there), ERR_PTR(-ENOMEM).
 * Context: as kmalloc with @gfp_mask.
 */
struct bio *bio_map_kern(struct request_queue *q, void *data, unsigned int len, gfp_t gfp_mask);

/*
 * blk_rq_map_kern - bio_map_kern @kbuf into @rq (direction: the request's),
 * bounced as @q needs, appended.  Returns 0, -EINVAL (too big for one
 * request, or no room left in @rq), -ENOMEM.  Context: may sleep if @gfp_mask may, and to bounce.
 */
int blk_rq_map_kern(struct request_queue *q, struct request *rq, void *kbuf, unsigned int len,
		    gfp_t gfp_mask);

/* What blkdev_issue_rw did, for the curious and the tests. */
struct blk_map_stats {
	unsigned int requests;	   /* requests executed */
	unsigned int bios;	   /* bios in them */
	unsigned int short_chains; /* chains cut short by a failed allocation */
	unsigned int retries;	   /* blk_make_request -ENOMEM: retried with less */
};

/*
 * blkdev_issue_rw - ours: read or write (@rw) @len bytes at @sector of
 * @bdev from/to the kernel buffer @buf (direct-map memory, @len a multiple
 * of the logical block size), as requests as large as the queue allows,
 * each a bio chain made by blk_make_request, run with blk_execute_rq.
 *
 * The man page's advice, followed: only the first bio of a chain is
 * allocated with @gfp_mask; the rest without __GFP_WAIT, and when one of
 * those fails the chain ends there and what was built is sent: partial
 * allocation is not an error.  A request that cannot be made (-ENOMEM) is
 * retried with half the chain.  It fails with -ENOMEM only when not even
 * one bio of one vec and its request can be had with @gfp_mask.
 *
 * Returns 0, the first I/O error (-EIO, -EROFS, ...; the transfer stops
 * there), -EINVAL (bad length), -ENOMEM.  @stats may be NULL.
 * Context: may sleep.
 */
int blkdev_issue_rw(struct block_device *bdev, int rw, sector_t sector, void *buf, size_t len,
		    gfp_t gfp_mask, struct blk_map_stats *stats);

#endif
