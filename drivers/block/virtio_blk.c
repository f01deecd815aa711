/*
 * SPDX-License-Identifier: MIT
 * drivers/block/virtio_blk.c - the virtio block driver (virtio 1.2, section 5.2
 * "Block Device"): a disk vda, vdb, ... per virtio-blk device, a request
 * queue driver after the recipe at the top of include/block/blkdev.h.
 *
 * Try it (what `make run` does, with a 64 MiB image made on first run):
 *
 *   truncate -s 64M /tmp/d.img
 *   qemu-system-x86_64 -accel tcg -m 128M -nodefaults -no-reboot -display none \
 *       -serial mon:stdio -kernel build/kernel.elf \
 *       -drive if=none,id=d0,format=raw,file=/tmp/d.img -device virtio-blk-pci,drive=d0
 *   (add ,readonly=on to -drive for a read-only disk: the RO feature)
 *
 *   guest> blk                     vda and its limits, from SEG_MAX, SIZE_MAX, BLK_SIZE
 *   guest> blk write vda 8 0xa5    through this driver to the image
 *   guest> blk read vda 8          and back
 *
 * The life of a request here:
 *
 *   virtblk_request_fn (queue lock = vblk->lock held, interrupts off)
 *     blk_peek_request; a free struct virtblk_req (one per ring entry)
 *     blk_start_request; header + one sg per bio_vec + status byte
 *     virtqueue_add_sgs (indirect when offered) ... virtqueue_kick
 *   device interrupt -> vring_interrupt -> virtblk_done (hardirq)
 *     virtqueue_get_buf (ids and lengths checked by the ring),
 *     the status byte checked here -> rq->errors, blk_complete_request
 *   BLOCK_SOFTIRQ -> virtblk_softirq_done -> blk_end_request_all(rq, errors)
 *
 * What the block layer does before us (block/blk-core.c): a request past
 * the end of the disk ends with -EIO, a write to a read-only disk with
 * -EROFS; neither reaches this file.  virtblk_raw_request goes around
 * those checks on purpose (GET_ID, and the tests making the device say
 * IOERR and UNSUPP).
 *
 * A write with REQ_FLUSH ("flush the cache, then write") becomes two
 * chains, one after the other: the FLUSH, and when it completed OK the
 * write.  Virtio does not order requests in flight (5.2.6.4 leaves it to
 * the driver), so the second is only sent once the first is done.
 *
 * Several request queues (VIRTIO_BLK_F_MQ, 5.2.2): one per CPU, up to the
 * device's num_queues and VBLK_MAX_VQS; request_fn puts a request on the
 * queue of the CPU that submitted it, each queue has its own interrupt
 * (MSI-X vector) where the transport has enough, routed to that CPU at
 * probe (virtblk_set_affinity), and a preflush's write follows it on the
 * same queue.  Without MQ, the one queue "requests".
 *
 *   CPU 0 submits -> req.0      CPU 2 submits -> req.2      (rq->cpu % nr_vqs)
 *   req.2's interrupt (vector on CPU 2) -> virtblk_done(req.2) -> BLOCK_SOFTIRQ on CPU 2
 *   (INTx or a shared vector: every interrupt on CPU 0, and an IPI to CPU 2 to end it)
 *
 * Locking: vblk->lock is the queue lock (3.10's virtio-blk uses the
 * queue's too); it guards every virtqueue (added to in request_fn, emptied
 * in virtblk_done), the free list, the sg array, the in-flight counts and
 * the counters: one lock for all the queues, since the block layer above
 * has one request queue (and one lock) per disk.  Threads on every CPU run
 * request_fn and each queue's interrupt comes on its own CPU, and each
 * takes vblk->lock, so one CPU at a time touches a ring - a virtqueue has
 * no lock of its own (drivers/virtio/virtio_ring.c says so too).  Requests
 * are ended in BLOCK_SOFTIRQ on the CPUs that submitted them
 * (block/blk-softirq.c), taking the lock again to finish.
 *
 * Why not a lock per virtqueue (3.17's blk-mq virtio-blk has one)?  Here
 * every request has already taken q->queue_lock to be queued (blk_queue_bio,
 * the elevator), and request_fn is called with it held: a ring lock would
 * be a second lock on the same path, serialising nothing less.  The part
 * of the work that is long is the notify, a trap to the device (under TCG
 * QEMU runs the queue inside it); request_fn sends it with the lock
 * dropped, as 3.10's scsi_request_fn drops it to dispatch, and the
 * interrupt side holds the lock only to take used entries off the ring.
 * Past that, what serialises CPUs is the one request queue of 3.10's
 * block layer (blk-mq, 3.13, is what splits it).
 * virtblk_lock, a mutex, guards the list of devices and the disk names
 * (3.10's vd_index_ida, whose ida has a lock of its own): probe and
 * remove run in threads, maybe on two CPUs at once.
 */
#include <block/blkdev.h>
#include <drivers/pci.h>
#include <drivers/virtio.h>
#include <drivers/virtio_blk.h>
#include <drivers/virtio_ring.h>
#include <kernel/err.h>
#include <kernel/init.h>
#include <kernel/mutex.h>
#include <kernel/panic.h>
#include <kernel/perf.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/trace.h>
#include <mm/slab.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* One chain in flight: what the device reads first and writes last must outlive the call. */
struct virtblk_req {
	struct virtio_blk_outhdr out_hdr; /* device-readable */
	u8 status;			  /* device-writable; VBLK_S_NONE until it writes */
	bool preflush;			  /* this is the FLUSH before rq's write */
	unsigned int qid;		  /* the request queue its chain is on */
	struct request *rq;
	struct list_head node; /* on vblk->free_reqs while not in flight */
};

#define VBLK_S_NONE    0xff /* not a status the spec defines: "the device wrote nothing" */
#define VBLK_MAX_DISKS 26   /* vda .. vdz */

static DEFINE_MUTEX(virtblk_lock);	 /* virtblk_devices, virtblk_names_used */
LIST_HEAD(virtblk_devices);		 /* under virtblk_lock */
static unsigned long virtblk_names_used; /* bit i: "vd" 'a'+i is taken; under virtblk_lock */

static void virtblk_done(struct virtqueue *vq);

/* Count a chain given to the device.  Lock held. */
static void virtblk_count_submit(struct virtio_blk *vblk, const struct virtblk_req *vbr)
{
	struct virtblk_stats *s = &vblk->stats;

	s->submitted++;
	s->vq_submitted[vbr->qid]++;
	vblk->vq_in_flight[vbr->qid]++;
	if (++vblk->in_flight > s->max_in_flight)
		s->max_in_flight = vblk->in_flight;
	if (vbr->rq->cmd_type == REQ_TYPE_SPECIAL)
		s->specials++;
	else if (vbr->out_hdr.type == VIRTIO_BLK_T_FLUSH)
		s->flushes++;
	else if (vbr->out_hdr.type == VIRTIO_BLK_T_OUT)
		s->writes++;
	else
		s->reads++;
}

/* ---- building a chain ---------------------------------------------------------------- */

/*
 * The header of @rq into @vbr: 0, or -EIO for a request we cannot send.
 * *@data: whether the chain carries the request's data.
 */
static int virtblk_setup_header(struct virtblk_req *vbr, struct request *rq, bool *data)
{
	vbr->out_hdr.ioprio = 0;
	*data = blk_rq_bytes(rq) != 0;
	switch (rq->cmd_type) {
	case REQ_TYPE_FS:
		if (vbr->preflush || !*data) { /* an empty REQ_FLUSH: only the flush */
			vbr->out_hdr.type = VIRTIO_BLK_T_FLUSH;
			vbr->out_hdr.sector = 0; /* 5.2.6.1: sector 0 for FLUSH */
			*data = false;
			return 0;
		}
		vbr->out_hdr.type = rq_data_dir(rq) == WRITE ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN;
		vbr->out_hdr.sector = blk_rq_pos(rq); /* 512-byte units, whatever BLK_SIZE is */
		return 0;
	case REQ_TYPE_SPECIAL: /* virtblk_raw_request: the header is in cmd[] */
		memcpy(&vbr->out_hdr, rq->cmd, sizeof(vbr->out_hdr));
		return 0;
	default:
		/* 3.10 sends BLOCK_PC as VIRTIO_BLK_T_SCSI_CMD; we fail it: docs/linux-3.10.md */
		/* 3.10 BUG()s on a type it does not know; we fail it: docs/linux-3.10.md */
		pr_err("%s: request with cmd_type %d (%s): failed with -EIO\n",
		       rq->rq_disk ? rq->rq_disk->disk_name : "virtio_blk", rq->cmd_type,
		       rq->cmd_type ? "not supported" : "none set");
		return -EIO;
	}
}

/* One sg per bio_vec of @rq into @sg; returns how many, or -EIO past @max (a broken promise). */
static int virtblk_map_data(struct request *rq, struct scatterlist *sg, unsigned int max)
{
	struct req_iterator iter;
	struct bio_vec *bv;
	unsigned int n = 0;

	/* One pass: each entry written whole (no end mark yet), the last marked after. */
	rq_for_each_segment(bv, rq, iter) {
		if (WARN_ON_ONCE(n == max))
			return -EIO;
		sg[n++] = (struct scatterlist){
			.page_link = (unsigned long)bv->bv_page,
			.offset = bv->bv_offset,
			.length = bv->bv_len,
		};
	}
	if (!n)
		return -EIO;
	sg_mark_end(&sg[n - 1]);
	return n;
}

/*
 * Put @vbr's chain on the ring (5.2.6: header, data, status): 0, -ENOSPC
 * (ring full: try later), -EIO (cannot be sent).  Lock held.
 */
static int virtblk_add_req(struct virtio_blk *vblk, struct virtblk_req *vbr)
{
	struct virtqueue *vq = vblk->vqs[vbr->qid];
	struct request *rq = vbr->rq;
	struct scatterlist hdr, status, *sgs[3];
	unsigned int out = 0, in = 0, free;
	bool data, dev_writes = rq_data_dir(rq) == READ;
	int err = virtblk_setup_header(vbr, rq, &data);

	if (err)
		return err;
	sg_init_one(&hdr, &vbr->out_hdr, sizeof(vbr->out_hdr));
	sg_init_one(&status, &vbr->status, sizeof(vbr->status));
	vbr->status = VBLK_S_NONE;
	sgs[out++] = &hdr;
	if (data) {
		err = virtblk_map_data(rq, vblk->sg, vblk->sg_elems);
		if (err < 0)
			return err;
		if (dev_writes)
			sgs[out + in++] = vblk->sg;
		else
			sgs[out++] = vblk->sg;
	}
	sgs[out + in++] = &status;
	free = vq->num_free;
	err = virtqueue_add_sgs(vq, sgs, out, in, vbr, GFP_ATOMIC);
	if (err)
		return err == -ENOSPC ? err : -EIO;
	if (free - vq->num_free == 1) /* 3 or more pieces in one ring entry */
		vblk->stats.indirect++;
	virtblk_count_submit(vblk, vbr);
	trace_rq(TE_VBLK_ADD_REQ, rq, free - vq->num_free);
	return 0;
}

/* ---- request_fn ---------------------------------------------------------------------- */

static struct virtblk_req *virtblk_get_req(struct virtio_blk *vblk)
{
	struct virtblk_req *vbr;

	if (list_empty(&vblk->free_reqs))
		return NULL;
	vbr = list_first_entry(&vblk->free_reqs, struct virtblk_req, node);
	list_del_init(&vbr->node);
	return vbr;
}

static void virtblk_put_req(struct virtio_blk *vblk, struct virtblk_req *vbr)
{
	vbr->rq = NULL;
	list_add(&vbr->node, &vblk->free_reqs);
}

/* No room for @rq now: give it back and stop the queue until a chain completes. */
static void virtblk_stop(struct virtio_blk *vblk, struct request *rq)
{
	blk_requeue_request(vblk->queue, rq);
	blk_stop_queue(vblk->queue);
	vblk->stats.queue_stops++;
}

/*
 * Send one started request; returns true if the queue must stop (the ring
 * is full: @rq was given back).  A request that cannot be sent is ended
 * with -EIO here.  Lock held.
 */
static bool virtblk_issue(struct virtio_blk *vblk, struct request *rq, struct virtblk_req *vbr)
{
	int err;

	vbr->rq = rq;
	vbr->preflush =
		rq->cmd_type == REQ_TYPE_FS && (rq->cmd_flags & REQ_FLUSH) && blk_rq_bytes(rq);
	err = virtblk_add_req(vblk, vbr);
	if (!err)
		return false;
	virtblk_put_req(vblk, vbr);
	if (err == -ENOSPC && vblk->vq_in_flight[vbr->qid]) {
		virtblk_stop(vblk, rq); /* virtblk_done starts it again */
		return true;
	}
	vblk->stats.rejected++; /* -ENOSPC with an empty ring: it never fits */
	__blk_end_request_all(rq, -EIO);
	return false;
}

/*
 * The request queue of @rq: the one of the CPU that submitted it (rq->cpu;
 * for a request built by its caller, this CPU), as blk-mq maps a CPU's
 * software queue to a hardware queue (3.17's virtio-blk).  Interrupts off.
 */
static unsigned int virtblk_queue_of(struct virtio_blk *vblk, const struct request *rq)
{
	/* 3.10 has one virtqueue, no MQ; we a queue per CPU: docs/linux-3.10.md */
	unsigned int cpu = rq->cpu >= 0 ? (unsigned int)rq->cpu : smp_processor_id();

	return cpu % vblk->nr_vqs;
}

/*
 * Send what is queued; returns a mask of the request queues whose device
 * wants a notification (bit i: queue i).  Lock held.
 */
static unsigned int virtblk_send(struct virtio_blk *vblk, struct request_queue *q)
{
	unsigned int kick = 0, notify = 0; /* bit i: chains added to request queue i */
	struct request *rq;

	while ((rq = blk_peek_request(q))) {
		struct virtblk_req *vbr = virtblk_get_req(vblk);

		if (!vbr) {
			blk_stop_queue(q);
			vblk->stats.queue_stops++;
			break;
		}
		blk_start_request(rq);
		vbr->qid = virtblk_queue_of(vblk, rq);
		if (virtblk_issue(vblk, rq, vbr))
			break;
		kick |= 1U << vbr->qid; /* (a request ended at once: a kick too many, harmless) */
	}
	for (unsigned int i = 0; i < vblk->nr_vqs; i++)
		/* kick_prepare's barrier orders the chains before the index it publishes */
		if ((kick & (1U << i)) && virtqueue_kick_prepare(vblk->vqs[i]))
			notify |= 1U << i;
	return notify;
}

DEFINE_PERF_LAYER(perf_virtblk_queue, "virtio-blk queue");
DEFINE_PERF_LAYER(perf_virtblk_irq, "virtio-blk irq");

/*
 * request_fn: queue lock held, interrupts off; any context (see blkdev.h).
 * The notify traps to the device (under TCG QEMU runs the queue right
 * there), so it is sent with the lock dropped, interrupts still off, as
 * 3.10's scsi_request_fn drops it to dispatch: other CPUs may queue and
 * complete meanwhile.  __blk_run_queue does not enter request_fn twice,
 * so a request queued then waits for us: we look again until the queue is
 * empty or a pass sent nothing.  blk_cleanup_queue waits for
 * request_fn_active to drop.
 */

static void virtblk_request_fn(struct request_queue *q)
{
	PERF_SCOPE(&perf_virtblk_queue);
	struct virtio_blk *vblk = q->queuedata;
	unsigned int notify;

	/* 3.10's virtio-blk kicks under the queue lock; we notify outside it: docs/linux-3.10.md */
	while (!blk_queue_stopped(q) && !list_empty(&q->queue_head) &&
	       (notify = virtblk_send(vblk, q))) {
		spin_unlock(q->queue_lock);
		for (unsigned int i = 0; i < vblk->nr_vqs; i++)
			if (notify & (1U << i))
				virtqueue_notify(vblk->vqs[i]);
		spin_lock(q->queue_lock);
	}
}

/* ---- completion ---------------------------------------------------------------------- */

/*
 * What the device's status byte means (5.2.6): 0 for OK, -EIO otherwise.
 * The byte is the device's word: a value outside the three the spec
 * defines (or our VBLK_S_NONE left in place) is counted and taken as an
 * error, never as success.  Lock held.
 */
static int virtblk_status_errno(struct virtio_blk *vblk, u8 status)
{
	switch (status) {
	case VIRTIO_BLK_S_OK:
		return 0;
	case VIRTIO_BLK_S_IOERR:
		vblk->stats.ioerr++;
		return -EIO;
	case VIRTIO_BLK_S_UNSUPP:
		vblk->stats.unsupp++;
		return -EIO;
	default:
		vblk->stats.bad_status++;
		pr_warn("%s: device wrote status %#x\n", vblk->disk->disk_name, status);
		return -EIO;
	}
}

/*
 * The device is done with @vbr's chain.  A preflush that went well sends
 * the write that waited for it; anything else ends the request in
 * BLOCK_SOFTIRQ.  Lock held.
 */
static void virtblk_chain_done(struct virtio_blk *vblk, struct virtblk_req *vbr, unsigned int len)
{
	/* virtqueue_get_buf read the used entry then rmb: the status byte is read after it. */
	int err = virtblk_status_errno(vblk, READ_ONCE(vbr->status));
	struct request *rq = vbr->rq;
	bool fs_read = rq->cmd_type == REQ_TYPE_FS && rq_data_dir(rq) == READ && !vbr->preflush;

	/* Validate what the device wrote: a read that came back short has no data. */
	if (!virtblk_used_len_ok(len, fs_read ? blk_rq_bytes(rq) : 0)) {
		vblk->stats.bad_len++;
		err = -EIO;
	}

	vblk->stats.completed++;
	trace_rq(TE_VBLK_IRQ, rq, vbr->status);
	vblk->in_flight--;
	vblk->vq_in_flight[vbr->qid]--;
	if (vbr->preflush && !err) {
		vbr->preflush = false;
		err = virtblk_add_req(vblk, vbr); /* the write itself, on the same queue */
		if (!err) {
			virtqueue_kick(vblk->vqs[vbr->qid]);
			return;
		}
		/* XXX: a full ring (indirect kmalloc failed) fails the write: docs/linux-3.10.md */
		err = -EIO;
	}
	virtblk_put_req(vblk, vbr);
	rq->errors = err;
	blk_complete_request(rq); /* ends it in BLOCK_SOFTIRQ: virtblk_softirq_done */
}

/* The requestq callback (hardirq, from vring_interrupt): take every finished chain. */
static void virtblk_done(struct virtqueue *vq)
{
	struct virtio_blk *vblk = vq->vdev->priv;
	struct virtblk_req *vbr;
	unsigned long flags;
	unsigned int len;

	PERF_SCOPE(&perf_virtblk_irq);
	spin_lock_irqsave(&vblk->lock, flags);
	do {
		virtqueue_disable_cb(vq);
		/* Lengths: the ring drops entries claiming more than the chain's writable bytes. */
		while ((vbr = virtqueue_get_buf(vq, &len)))
			virtblk_chain_done(vblk, vbr, len);
	} while (!virtqueue_enable_cb(vq)); /* used while callbacks were off: look again */
	if (blk_queue_stopped(vblk->queue))
		blk_start_queue(vblk->queue); /* there is room again: runs request_fn */
	spin_unlock_irqrestore(&vblk->lock, flags);
}

/* BLOCK_SOFTIRQ: end the request and its bios with what virtblk_chain_done found. */
static void virtblk_softirq_done(struct request *rq)
{
	blk_end_request_all(rq, rq->errors); /* takes the queue lock */
}

/* ---- requests of our own ------------------------------------------------------------- */

int virtblk_raw_request(struct gendisk *disk, u32 type, u64 sector, void *buf, unsigned int len,
			bool dev_writes)
{
	struct virtio_blk_outhdr hdr = { .type = type, .ioprio = 0, .sector = sector };
	struct request_queue *q = disk->queue;
	struct request *rq;
	int err = 0;

	rq = blk_get_request(q, dev_writes ? READ : WRITE, GFP_KERNEL);
	if (!rq)
		return -ENOMEM;
	rq->cmd_type = REQ_TYPE_SPECIAL;
	memcpy(rq->cmd, &hdr, sizeof(hdr));
	rq->cmd_len = sizeof(hdr);
	if (len)
		err = blk_rq_map_kern(q, rq, buf, len, GFP_KERNEL);
	if (!err)
		err = blk_execute_rq(q, disk, rq, 0);
	blk_put_request(rq);
	return err;
}

int virtblk_get_id(struct gendisk *disk, char id[VIRTIO_BLK_ID_BYTES + 1])
{
	char *buf = kzalloc(VIRTIO_BLK_ID_BYTES, GFP_KERNEL); /* direct map, not the stack */
	int err;

	if (!buf)
		return -ENOMEM;
	err = virtblk_raw_request(disk, VIRTIO_BLK_T_GET_ID, 0, buf, VIRTIO_BLK_ID_BYTES, true);
	if (!err) {
		memcpy(id, buf, VIRTIO_BLK_ID_BYTES);
		id[VIRTIO_BLK_ID_BYTES] = '\0';
	}
	kfree(buf);
	return err;
}

struct virtio_blk *virtblk_from_disk(struct gendisk *disk)
{
	struct virtio_blk *vblk = disk ? disk->private_data : NULL;

	return vblk && disk->queue && disk->queue->request_fn == virtblk_request_fn ? vblk : NULL;
}

/* ---- probe and remove ---------------------------------------------------------------- */

/*
 * How many data segments a request may have: seg_max (SEG_MAX, else 1 as
 * Linux assumes), at most BLK_MAX_SEGMENTS, and without indirect
 * descriptors at most what the ring holds beside header and status.
 */
static unsigned int virtblk_sg_elems(struct virtio_blk *vblk)
{
	struct virtio_device *vdev = vblk->vdev;
	unsigned int ring = virtqueue_get_vring_size(vblk->vqs[0]);
	u32 seg_max = 1;

	if (virtio_cread_feature(vdev, VIRTIO_BLK_F_SEG_MAX, struct virtio_blk_config, seg_max,
				 &seg_max) == 0 &&
	    seg_max == 0)
		seg_max = 1; /* the device's word: 0 would mean no data at all */
	if (seg_max > BLK_MAX_SEGMENTS)
		seg_max = BLK_MAX_SEGMENTS;
	if (!virtio_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC) && seg_max > ring - 2)
		seg_max = ring > 2 ? ring - 2 : 1;
	return seg_max;
}

/* The logical block size from BLK_SIZE if it is one the block layer takes, else 512. */
static unsigned int virtblk_block_size(struct virtio_blk *vblk)
{
	u32 bs = SECTOR_SIZE;

	if (virtio_cread_feature(vblk->vdev, VIRTIO_BLK_F_BLK_SIZE, struct virtio_blk_config,
				 blk_size, &bs))
		return SECTOR_SIZE;
	if (bs < SECTOR_SIZE || bs > PAGE_SIZE || (bs & (bs - 1))) {
		pr_warn("%s: blk_size %u not supported, using 512\n", vblk->vdev->name, bs);
		return SECTOR_SIZE;
	}
	return bs;
}

/* The queue's limits from the features (5.2.5 step 3 and 5.2.3). */
static void virtblk_set_limits(struct virtio_blk *vblk)
{
	struct request_queue *q = vblk->queue;
	u32 size_max = 0;
	unsigned int seg_len;

	blk_queue_max_segments(q, vblk->sg_elems);
	virtio_cread_feature(vblk->vdev, VIRTIO_BLK_F_SIZE_MAX, struct virtio_blk_config, size_max,
			     &size_max);
	if (size_max >= SECTOR_SIZE) /* smaller ones are not usable: ignored */
		blk_queue_max_segment_size(q, size_max);
	seg_len = queue_max_segment_size(q) < PAGE_SIZE ? queue_max_segment_size(q) : PAGE_SIZE;
	/* The most a request can carry: every vec lies in one page (blkdev.h's promise). */
	blk_queue_max_hw_sectors(q, vblk->sg_elems * seg_len >> SECTOR_SHIFT);
	blk_queue_logical_block_size(q, virtblk_block_size(vblk));
	blk_queue_bounce_limit(q, BLK_BOUNCE_ANY); /* no ACCESS_PLATFORM: all memory */
	if (virtio_has_feature(vblk->vdev, VIRTIO_BLK_F_FLUSH))
		blk_queue_flush(q, REQ_FLUSH);
	blk_queue_softirq_done(q, virtblk_softirq_done);
}

/* One struct virtblk_req per ring entry, and the sg array: 0 or -ENOMEM (freed by caller). */
static int virtblk_alloc_reqs(struct virtio_blk *vblk)
{
	vblk->depth = virtqueue_get_vring_size(vblk->vqs[0]) * vblk->nr_vqs; /* all alike */
	vblk->reqs = kcalloc(vblk->depth, sizeof(*vblk->reqs), GFP_KERNEL);
	vblk->sg = kcalloc(vblk->sg_elems, sizeof(*vblk->sg), GFP_KERNEL);
	if (!vblk->reqs || !vblk->sg)
		return -ENOMEM;
	for (unsigned int i = 0; i < vblk->depth; i++)
		list_add_tail(&vblk->reqs[i].node, &vblk->free_reqs);
	return 0;
}

static void virtblk_free(struct virtio_blk *vblk)
{
	kfree(vblk->reqs);
	kfree(vblk->sg);
	kfree(vblk);
}

/* The first free letter, taken: 0..25, or -ENOSPC.  Takes virtblk_lock. */
static int virtblk_name_get(void)
{
	int i;

	mutex_lock(&virtblk_lock);
	for (i = 0; i < VBLK_MAX_DISKS && (virtblk_names_used & (1UL << i)); i++)
		;
	if (i < VBLK_MAX_DISKS)
		virtblk_names_used |= 1UL << i;
	mutex_unlock(&virtblk_lock);
	return i < VBLK_MAX_DISKS ? i : -ENOSPC;
}

static void virtblk_name_put(int i)
{
	mutex_lock(&virtblk_lock);
	virtblk_names_used &= ~(1UL << i);
	mutex_unlock(&virtblk_lock);
}

/* The disk: "vd" + the first free letter, capacity, read-only.  0 or -errno. */
static int virtblk_make_disk(struct virtio_blk *vblk)
{
	unsigned int lbs = queue_logical_block_size(vblk->queue);
	int i = virtblk_name_get();
	u64 capacity;

	if (i < 0)
		return i;
	vblk->disk = alloc_disk(1);
	if (!vblk->disk) {
		virtblk_name_put(i);
		return -ENOMEM;
	}
	snprintf(vblk->disk->disk_name, DISK_NAME_LEN, "vd%c", 'a' + i);
	vblk->disk->queue = vblk->queue;
	vblk->disk->private_data = vblk;
	/*
	 * 5.2.4: capacity counts 512-byte sectors; a partial logical block at
	 * the end is unusable.
	 */
	virtio_cread(vblk->vdev, struct virtio_blk_config, capacity, &capacity);
	capacity &= ~(u64)(lbs / SECTOR_SIZE - 1);
	set_capacity(vblk->disk, capacity);
	set_disk_ro(vblk->disk, virtio_has_feature(vblk->vdev, VIRTIO_BLK_F_RO));
	return 0;
}

static void virtblk_put_disk(struct virtio_blk *vblk)
{
	virtblk_name_put(vblk->disk->disk_name[2] - 'a');
	put_disk(vblk->disk);
}

static void virtblk_report(struct virtio_blk *vblk)
{
	struct request_queue *q = vblk->queue;

	char queues[16] = "";

	if (vblk->nr_vqs > 1)
		snprintf(queues, sizeof(queues), " x %u queues", vblk->nr_vqs);
	pr_info("%s: virtio-blk on %s, %llu sectors%s, block %u, %u segs x %u B, ring %u%s%s%s\n",
		vblk->disk->disk_name, vblk->vdev->name,
		(unsigned long long)get_capacity(vblk->disk),
		get_disk_ro(vblk->disk) ? " (read-only)" : "", queue_logical_block_size(q),
		queue_max_segments(q), queue_max_segment_size(q), vblk->depth / vblk->nr_vqs,
		queues,
		virtio_has_feature(vblk->vdev, VIRTIO_RING_F_INDIRECT_DESC) ? ", indirect" : "",
		q->flush_flags ? ", flush" : "");
}

/*
 * How many request queues to use: with MQ one per possible CPU, at most the
 * device's num_queues and VBLK_MAX_VQS (5.2.5: "the driver ... MAY use fewer
 * than num_queues"); else the one.
 */
static unsigned int virtblk_nr_vqs(struct virtio_device *vdev)
{
	u16 num_queues = 1;
	unsigned int n;

	if (virtio_cread_feature(vdev, VIRTIO_BLK_F_MQ, struct virtio_blk_config, num_queues,
				 &num_queues) ||
	    !num_queues)
		return 1;
	n = num_queues < nr_cpu_ids ? num_queues : nr_cpu_ids;
	return n < VBLK_MAX_VQS ? n : VBLK_MAX_VQS;
}

/*
 * Queue i's interrupt to CPU i (i online), the CPU whose requests it
 * carries (virtblk_queue_of): its completions then come where they were
 * submitted, and BLOCK_SOFTIRQ ends them there without an IPI.  Only a
 * queue with an MSI-X vector of its own can move; a shared vector or INTx
 * says -EINVAL and stays on CPU 0, which is correct, only slower.  The
 * vectors go back to CPU 0 when del_vqs frees them (kernel/irq.c).
 */
static void virtblk_set_affinity(struct virtio_blk *vblk)
{
	for (unsigned int i = 0; i < vblk->nr_vqs; i++) {
		vblk->vq_cpu[i] = -1;
		if (cpu_online(i) && !virtqueue_set_affinity(vblk->vqs[i], (int)i))
			vblk->vq_cpu[i] = (int)i;
	}
}

static const char *const virtblk_vq_name[] = { "requests" }; /* without MQ */
static const char *const virtblk_vq_names[VBLK_MAX_VQS] = {
	"req.0", "req.1", "req.2", "req.3", "req.4", "req.5", "req.6", "req.7",
};

/* 5.2.5: the queues, the limits, the disk; DRIVER_OK before add_disk lets I/O start. */
static int virtblk_probe(struct virtio_device *vdev)
{
	vq_callback_t *callbacks[VBLK_MAX_VQS];
	struct virtio_blk *vblk = kzalloc(sizeof(*vblk), GFP_KERNEL);
	int err;

	if (!vblk)
		return -ENOMEM;
	vblk->vdev = vdev;
	spin_lock_init(&vblk->lock);
	INIT_LIST_HEAD(&vblk->free_reqs);
	INIT_LIST_HEAD(&vblk->node);
	vdev->priv = vblk; /* before the queue: its callback looks here */
	vblk->nr_vqs = virtblk_nr_vqs(vdev);
	for (unsigned int i = 0; i < vblk->nr_vqs; i++)
		callbacks[i] = virtblk_done;
	err = vdev->config->find_vqs(vdev, vblk->nr_vqs, vblk->vqs, callbacks,
				     vblk->nr_vqs > 1 ? virtblk_vq_names : virtblk_vq_name);
	if (err)
		goto free;
	virtblk_set_affinity(vblk);
	vblk->sg_elems = virtblk_sg_elems(vblk);
	err = virtblk_alloc_reqs(vblk);
	if (err)
		goto del_vqs;
	err = -ENOMEM;
	vblk->queue = blk_init_queue(virtblk_request_fn, &vblk->lock);
	if (!vblk->queue)
		goto del_vqs;
	vblk->queue->queuedata = vblk;
	virtblk_set_limits(vblk);
	err = virtblk_make_disk(vblk);
	if (err)
		goto cleanup_queue;
	virtio_device_ready(vdev); /* 3.1.1 step 8: no request may reach it before */
	add_disk(vblk->disk);
	mutex_lock(&virtblk_lock);
	list_add_tail(&vblk->node, &virtblk_devices);
	mutex_unlock(&virtblk_lock);
	virtblk_report(vblk);
	return 0;

cleanup_queue:
	blk_cleanup_queue(vblk->queue);
del_vqs:
	vdev->config->del_vqs(vdev);
free:
	vdev->priv = NULL;
	virtblk_free(vblk);
	return err;
}

static void virtblk_remove(struct virtio_device *vdev)
{
	struct virtio_blk *vblk = vdev->priv;

	mutex_lock(&virtblk_lock);
	list_del(&vblk->node);
	mutex_unlock(&virtblk_lock);
	del_gendisk(vblk->disk);
	blk_cleanup_queue(vblk->queue); /* waits for the requests in flight */
	virtio_reset_device(vdev);	/* 2.4: the device lets go of the ring */
	vdev->config->del_vqs(vdev);
	virtblk_put_disk(vblk);
	vdev->priv = NULL;
	virtblk_free(vblk);
}

static const struct virtio_device_id virtblk_ids[] = { { VIRTIO_ID_BLOCK, VIRTIO_DEV_ANY_ID }, {} };

/* What we understand; the core adds the ring's own (INDIRECT_DESC, EVENT_IDX, VERSION_1). */
static const unsigned int virtblk_features[] = {
	VIRTIO_BLK_F_SIZE_MAX, VIRTIO_BLK_F_SEG_MAX, VIRTIO_BLK_F_RO,
	VIRTIO_BLK_F_BLK_SIZE, VIRTIO_BLK_F_FLUSH,   VIRTIO_BLK_F_MQ,
};

struct virtio_driver virtblk_driver = {
	.name = "virtio-blk",
	.id_table = virtblk_ids,
	.feature_table = virtblk_features,
	.feature_table_size = ARRAY_SIZE(virtblk_features),
	.probe = virtblk_probe,
	.remove = virtblk_remove,
};

static int virtblk_init(void)
{
	return register_virtio_driver(&virtblk_driver);
}
device_initcall(virtblk_init);
