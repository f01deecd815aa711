/*
 * SPDX-License-Identifier: MIT
 * drivers/virtio_blk.h - the virtio block device (virtio 1.2, section 5.2
 * "Block Device"): what the spec defines, and the little the driver
 * (drivers/block/virtio_blk.c) offers besides the block layer's own API.
 *
 * A virtio-blk device has one virtqueue (requestq), or with VIRTIO_BLK_F_MQ
 * num_queues of them (5.2.2); the driver takes one per CPU, up to
 * VBLK_MAX_VQS, and puts a request on the queue of the CPU that submitted
 * it.  Each request is one descriptor chain:
 *
 *   +---------------------------+  device reads    struct virtio_blk_outhdr:
 *   | type | reserved | sector  |  (16 bytes)      what, and where (in 512-byte
 *   +---------------------------+                  sectors whatever BLK_SIZE says)
 *   | data segment 0            |  device reads (OUT) or writes (IN);
 *   | data segment 1 ...        |  one descriptor per bio_vec; none for FLUSH
 *   +---------------------------+
 *   | status                    |  device writes: VIRTIO_BLK_S_OK, _IOERR, _UNSUPP
 *   +---------------------------+  (1 byte)
 *
 * With VIRTIO_RING_F_INDIRECT_DESC the chain sits in a table of its own
 * and takes one ring descriptor (2.7.5.3), so the ring holds as many
 * requests as it has entries.
 *
 * Disks are named vda, vdb, ... in the order their devices are probed (PCI
 * order).  The monitor's `blk` command works on them (block/blk-monitor.c).
 */
#ifndef DRIVERS_VIRTIO_BLK_H
#define DRIVERS_VIRTIO_BLK_H

#include <kernel/compiler.h>
#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>

/* Feature bits (5.2.3). */
#define VIRTIO_BLK_F_SIZE_MAX	1  /* size_max: longest segment, bytes */
#define VIRTIO_BLK_F_SEG_MAX	2  /* seg_max: most segments in a request */
#define VIRTIO_BLK_F_GEOMETRY	4  /* legacy CHS geometry: ignored */
#define VIRTIO_BLK_F_RO		5  /* the disk is read-only */
#define VIRTIO_BLK_F_BLK_SIZE	6  /* blk_size: the logical block size */
#define VIRTIO_BLK_F_FLUSH	9  /* VIRTIO_BLK_T_FLUSH: the device has a write cache */
#define VIRTIO_BLK_F_TOPOLOGY	10 /* physical block size, alignment: ignored */
#define VIRTIO_BLK_F_CONFIG_WCE 11 /* writeback toggle: ignored (we always flush) */
#define VIRTIO_BLK_F_MQ		12 /* num_queues request queues */

/* Request types (5.2.6). */
#define VIRTIO_BLK_T_IN	    0 /* read */
#define VIRTIO_BLK_T_OUT    1 /* write */
#define VIRTIO_BLK_T_FLUSH  4 /* write the cache out; no data, sector 0 */
#define VIRTIO_BLK_T_GET_ID 8 /* device id string: 20 bytes, device-writable */

/* The status byte the device writes last (5.2.6). */
#define VIRTIO_BLK_S_OK	    0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2

#define VIRTIO_BLK_ID_BYTES 20 /* GET_ID's answer; not NUL-terminated when 20 long */

/*
 * The device-specific configuration space (5.2.4), the fields up to
 * num_queues; later fields (discard, ...) are not read.
 * Each field is valid only with its feature, except capacity.
 */
struct virtio_blk_geometry {
	u16 cylinders;
	u8 heads;
	u8 sectors;
};

struct virtio_blk_config {
	u64 capacity;			     /* in 512-byte sectors, always */
	u32 size_max;			     /* SIZE_MAX */
	u32 seg_max;			     /* SEG_MAX */
	struct virtio_blk_geometry geometry; /* GEOMETRY */
	u32 blk_size;			     /* BLK_SIZE */
	u8 physical_block_exp;		     /* TOPOLOGY ... */
	u8 alignment_offset;
	u16 min_io_size;
	u32 opt_io_size; /* ... TOPOLOGY */
	u8 writeback;	 /* CONFIG_WCE */
	u8 unused0;
	u16 num_queues; /* MQ: request queues the device has */
} __packed;

_Static_assert(offsetof(struct virtio_blk_config, capacity) == 0, "5.2.4");
_Static_assert(offsetof(struct virtio_blk_config, size_max) == 8, "5.2.4");
_Static_assert(offsetof(struct virtio_blk_config, seg_max) == 12, "5.2.4");
_Static_assert(offsetof(struct virtio_blk_config, geometry) == 16, "5.2.4");
_Static_assert(offsetof(struct virtio_blk_config, blk_size) == 20, "5.2.4");
_Static_assert(offsetof(struct virtio_blk_config, physical_block_exp) == 24, "5.2.4");
_Static_assert(offsetof(struct virtio_blk_config, opt_io_size) == 28, "5.2.4");
_Static_assert(offsetof(struct virtio_blk_config, writeback) == 32, "5.2.4");
_Static_assert(offsetof(struct virtio_blk_config, num_queues) == 34, "5.2.4");

/* The header that starts every request (5.2.6: type, reserved, sector; little-endian). */
struct virtio_blk_outhdr {
	u32 type;   /* VIRTIO_BLK_T_* */
	u32 ioprio; /* "reserved" in 1.x; 0 */
	u64 sector; /* in 512-byte sectors; 0 for FLUSH and GET_ID */
};

_Static_assert(sizeof(struct virtio_blk_outhdr) == 16, "5.2.6: the header is 16 bytes");
_Static_assert(offsetof(struct virtio_blk_outhdr, sector) == 8, "5.2.6");

#define VBLK_MAX_VQS 8 /* request queues we use at most (one per CPU) */

/* What the driver did, per disk (the `virtio` monitor command and the tests read them). */
struct virtblk_stats {
	unsigned long submitted;			/* chains given to the device */
	unsigned long completed;			/* chains it gave back */
	unsigned long reads, writes, flushes, specials; /* submitted, by kind */
	unsigned long ioerr;				/* status IOERR */
	unsigned long unsupp;				/* status UNSUPP */
	unsigned long bad_status;   /* a status byte that is none of the three */
	unsigned long bad_len;	    /* a used length that cannot be: data not all there */
	unsigned long rejected;	    /* requests ended before the device saw them */
	unsigned long queue_stops;  /* ring full: queue stopped */
	unsigned long indirect;	    /* chains that fit the ring as one descriptor */
	unsigned int max_in_flight; /* most chains out at once */
	unsigned long vq_submitted[VBLK_MAX_VQS]; /* chains given to each request queue */
};

struct virtio_device;
struct virtio_driver;
struct virtqueue;
struct gendisk;
struct request_queue;
struct virtblk_req;
struct scatterlist;

/* One disk (the device's priv).  Fields set at probe and constant after, unless said. */
struct virtio_blk {
	struct virtio_device *vdev;
	struct virtqueue *vqs[VBLK_MAX_VQS]; /* the request queues; under lock */
	unsigned int nr_vqs;		     /* 1, or with MQ one per CPU up to num_queues */
	int vq_cpu[VBLK_MAX_VQS];	     /* the CPU queue i's vector was routed to, or -1 */
	spinlock_t lock;		     /* the queue lock: vqs, free_reqs, in_flight, stats */
	struct gendisk *disk;
	struct request_queue *queue;
	struct virtblk_req *reqs;   /* depth of them, one per chain in flight */
	struct list_head free_reqs; /* the ones not in flight */
	unsigned int depth;	    /* chains the rings hold at once (ring size x nr_vqs) */
	unsigned int sg_elems;	    /* most data segments per request */
	struct scatterlist *sg;	    /* sg_elems of them: the chain being built; under lock */
	unsigned int in_flight;	    /* chains out now */
	unsigned int vq_in_flight[VBLK_MAX_VQS]; /* ... on each queue */
	struct virtblk_stats stats;
	struct list_head node; /* on virtblk_devices */
};

extern struct virtio_driver virtblk_driver;

/*
 * Every bound virtio-blk device, in probe order.  Changed only at
 * probe/remove (thread), under a mutex of the driver's; the tests walk it
 * while they alone probe and remove.
 */
extern struct list_head virtblk_devices;

/* The driver of @disk if it is a virtio-blk disk, else NULL.  Context: any. */
struct virtio_blk *virtblk_from_disk(struct gendisk *disk);

/*
 * virtblk_raw_request - send a request of @type at @sector straight to the
 * device, past the block layer's checks (capacity, read-only): what GET_ID
 * uses, and the tests, to see the device answer IOERR or UNSUPP.  @buf
 * (direct-map memory, @len bytes, may be 0) is device-writable when
 * @dev_writes, else device-readable.  The request is a REQ_TYPE_SPECIAL
 * whose cmd[] holds the header.
 * Returns 0 (status OK), -EIO (any other status), -ENOMEM, -EINVAL (@len
 * too big for one request).  Context: thread, sleeps.
 */
int virtblk_raw_request(struct gendisk *disk, u32 type, u64 sector, void *buf, unsigned int len,
			bool dev_writes);

/*
 * virtblk_get_id - the device's id string (GET_ID: QEMU gives the drive's
 * serial=) into @id, NUL-terminated (at most VIRTIO_BLK_ID_BYTES chars).
 * Returns 0 or virtblk_raw_request's error.  Context: thread, sleeps.
 */
int virtblk_get_id(struct gendisk *disk, char id[VIRTIO_BLK_ID_BYTES + 1]);

/*
 * virtblk_used_len_ok - is @len, the used length the device reported for a
 * chain, possible?  It counts the bytes the device wrote: the status byte
 * always, and for a read of @read_bytes, those too.  A chain that claims
 * less has not delivered its data (or its status), whatever the status byte
 * says.  (The ring already refuses lengths larger than the chain.)
 */
static inline bool virtblk_used_len_ok(unsigned int len, unsigned int read_bytes)
{
	return len >= read_bytes + 1;
}

#endif
