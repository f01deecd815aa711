/*
 * SPDX-License-Identifier: MIT
 * drivers/virtio_ring.h - the split virtqueue (virtio 1.2, section 2.7):
 * how a driver hands buffers to a virtio device and gets them back.
 *
 * One virtqueue is three arrays in guest memory, shared with the device
 * (here in one physically contiguous, zeroed allocation; "legacy" devices
 * need exactly this layout, with the used ring on the next 4096 boundary):
 *
 *   descriptor table (16 bytes x num)       driver writes, device reads
 *   +------------------+------+-------+------+
 *   | addr (physical)  | len  | flags | next |  flags: NEXT (chain goes on at
 *   +------------------+------+-------+------+         `next`), WRITE (device
 *   | ...              |      |       |      |         writes this buffer),
 *   +------------------+------+-------+------+         INDIRECT (addr is a
 *                                                      table of descriptors)
 *   available ring                          driver writes, device reads
 *   +-------+-------+---------+---------+-----+------------+
 *   | flags |  idx  | ring[0] | ring[1] | ... | used_event |   ring[i]: head
 *   +-------+-------+---------+---------+-----+------------+   descriptor of a
 *             idx: where the driver will put the next head     chain (mod num)
 *
 *   used ring                               device writes, driver reads
 *   +-------+-------+-----------+-----------+-----+-------------+
 *   | flags |  idx  | id0 len0  | id1 len1  | ... | avail_event |
 *   +-------+-------+-----------+-----------+-----+-------------+
 *             id: head of a chain the device is done with; len: bytes it wrote
 *
 * The life of a buffer (docs/virtio.md draws it step by step):
 *
 *   struct scatterlist sg;
 *   sg_init_one(&sg, buf, len);                      // buf in the direct map
 *   virtqueue_add_inbuf(vq, &sg, 1, token, GFP_ATOMIC);   // descriptors + avail ring
 *   virtqueue_kick(vq);                              // tell the device, if it wants
 *   ... interrupt: vq->callback(vq) ...
 *   while ((token = virtqueue_get_buf(vq, &len)))    // used ring -> the token back
 *           consume(token, len);
 *
 * Buffers are given to the device by physical address (__pa), so they must
 * live in the direct map: kmalloc, page allocator, static data - never a
 * vmap stack.  One sg entry is one physically contiguous piece.
 *
 * Whatever the device writes is checked before use: a used id out of range
 * or not the head of a chain in flight, a length larger than the buffer's
 * writable bytes, a used index that moves by more than the ring size.
 * Each is counted in vq->errors; a bad entry is dropped, never followed; a
 * bad index marks the queue broken (every call then fails or returns NULL
 * until the device is reset and the queue made again).  The driver never
 * reads the descriptor table back: chains are followed in a private copy.
 *
 * Locking: none inside.  A queue is used by one context at a time; a driver
 * that adds from a thread and gets buffers from its interrupt handler
 * serializes the two itself (spin_lock_irqsave, or disable_cb).
 * Context of every call: any (add with GFP_ATOMIC from interrupts), except
 * vring_create_virtqueue / vring_del_virtqueue (thread).
 */
#ifndef DRIVERS_VIRTIO_RING_H
#define DRIVERS_VIRTIO_RING_H

#include <kernel/compiler.h>
#include <kernel/irq.h>
#include <kernel/list.h>
#include <kernel/types.h>
#include <mm/gfp.h>
#include <mm/mm.h>

/* ---- the layout the spec defines (2.7.5, 2.7.6, 2.7.8), little-endian as x86 ---- */

#define VRING_DESC_F_NEXT     1 /* the chain continues at `next` */
#define VRING_DESC_F_WRITE    2 /* device-writable (else device-readable) */
#define VRING_DESC_F_INDIRECT 4 /* addr/len is a table of descriptors */

#define VRING_AVAIL_F_NO_INTERRUPT 1 /* driver to device: do not interrupt me (a hint) */
#define VRING_USED_F_NO_NOTIFY	   1 /* device to driver: do not kick me (a hint) */

#define VIRTQUEUE_MAX_SIZE 32768 /* 2.7: queue size is a power of 2 up to 32768 */

struct vring_desc {
	u64 addr; /* guest-physical */
	u32 len;
	u16 flags;
	u16 next;
};

struct vring_avail {
	u16 flags;
	u16 idx;
	u16 ring[]; /* num entries, then used_event (with EVENT_IDX) */
};

struct vring_used_elem {
	u32 id; /* u32 for padding reasons, says the spec; always < num */
	u32 len;
};

struct vring_used {
	u16 flags;
	u16 idx;
	struct vring_used_elem ring[]; /* num entries, then avail_event (with EVENT_IDX) */
};

_Static_assert(sizeof(struct vring_desc) == 16, "virtio 1.2 2.7.5: 16-byte descriptors");
_Static_assert(offsetof(struct vring_desc, len) == 8, "virtio 1.2 2.7.5");
_Static_assert(offsetof(struct vring_desc, next) == 14, "virtio 1.2 2.7.5");
_Static_assert(sizeof(struct vring_avail) == 4, "virtio 1.2 2.7.6: flags, idx, then ring");
_Static_assert(sizeof(struct vring_used_elem) == 8, "virtio 1.2 2.7.8");
_Static_assert(sizeof(struct vring_used) == 4, "virtio 1.2 2.7.8: flags, idx, then ring");

/* Alignment of each part (2.7, table "Virtqueue Part Alignment"); legacy: one page. */
#define VRING_DESC_ALIGN_SIZE  16
#define VRING_AVAIL_ALIGN_SIZE 2
#define VRING_USED_ALIGN_SIZE  4
#define VRING_LEGACY_ALIGN     4096

/* The three parts of one ring, in the driver's address space. */
struct vring {
	unsigned int num;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
};

/* The event index fields live just past each ring (2.7.7, 2.7.10). */
#define vring_used_event(vr)  ((vr)->avail->ring[(vr)->num])
#define vring_avail_event(vr) (*(u16 *)&(vr)->used->ring[(vr)->num])

/* Bytes for a ring of @num entries with the used ring aligned to @align (2.7.2 for legacy). */
static inline unsigned long vring_size(unsigned int num, unsigned long align)
{
	unsigned long avail_end = sizeof(struct vring_desc) * num + sizeof(u16) * (3 + num);

	return ALIGN_UP(avail_end, align) + sizeof(u16) * 3 + sizeof(struct vring_used_elem) * num;
}

/*
 * vring_need_event - with EVENT_IDX, must the other side be told now that
 * our index moved from @old to @new_idx, when it asked to be told once the
 * index passes @event_idx?  (2.7.10: "if the index moved past the event
 * index since the last notification".)  All arithmetic is mod 2^16.
 */
static inline bool vring_need_event(u16 event_idx, u16 new_idx, u16 old)
{
	return (u16)(new_idx - event_idx - 1) < (u16)(new_idx - old);
}

/*
 * The barriers of a virtqueue, for a device that is another CPU (QEMU's
 * thread, or the host).  x86 is "total store order": stores are seen in
 * program order and loads are not reordered with loads, so ordering
 * store->store and load->load needs only the compiler's cooperation; the
 * one reordering the CPU does is a later load passing an earlier store
 * (still in the store buffer), which needs mfence.
 */
static inline void virtio_wmb(void)
{
	barrier(); /* store -> store: TSO keeps the order; stop the compiler moving them */
}

static inline void virtio_rmb(void)
{
	barrier(); /* load -> load: TSO keeps the order; stop the compiler moving them */
}

static inline void virtio_mb(void)
{
	__asm__ __volatile__("mfence" ::: "memory"); /* store -> load: the one x86 reorders */
}

/* ---- scatterlists: a buffer as physically contiguous pieces (Linux's API) ---- */

struct page;

struct scatterlist {
	unsigned long page_link; /* struct page * | SG_END */
	unsigned int offset;	 /* into that page */
	unsigned int length;	 /* may run past the page: the direct map is contiguous */
};

#define SG_END 0x2UL

static inline struct page *sg_page(const struct scatterlist *sg)
{
	return (struct page *)(sg->page_link & ~0x3UL);
}

static inline bool sg_is_last(const struct scatterlist *sg)
{
	return sg->page_link & SG_END;
}

/* The entry after @sg in its array, or NULL after the one marked last. */
static inline struct scatterlist *sg_next(struct scatterlist *sg)
{
	return sg_is_last(sg) ? NULL : sg + 1;
}

static inline void sg_mark_end(struct scatterlist *sg)
{
	sg->page_link |= SG_END;
}

/* Zero @nents entries and mark the last. */
void sg_init_table(struct scatterlist *sgl, unsigned int nents);

/*
 * The rest are inline, as in 3.10's <linux/scatterlist.h> (sg_init_one is
 * out of line there; here it is the same two steps written as one store):
 * every descriptor a driver adds goes through them.
 */

/* Point @sg at @len bytes at @offset into @page (keeps its end mark). */
static inline void sg_set_page(struct scatterlist *sg, struct page *page, unsigned int len,
			       unsigned int offset)
{
	sg->page_link = (unsigned long)page | (sg->page_link & SG_END);
	sg->offset = offset;
	sg->length = len;
}

/* Point @sg at @buflen bytes of @buf (keeps its end mark). */
static inline void sg_set_buf(struct scatterlist *sg, const void *buf, unsigned int buflen)
{
	sg_set_page(sg, virt_to_page(buf), buflen, (unsigned long)buf & ~PAGE_MASK);
}

/* sg_init_table(sg, 1) + sg_set_buf. */
static inline void sg_init_one(struct scatterlist *sg, const void *buf, unsigned int buflen)
{
	*sg = (struct scatterlist){
		.page_link = (unsigned long)virt_to_page(buf) | SG_END,
		.offset = (unsigned long)buf & ~PAGE_MASK,
		.length = buflen,
	};
}

/* The physical address / kernel address of the entry's first byte. */
static inline u64 sg_phys(const struct scatterlist *sg)
{
	return page_to_phys(sg_page(sg)) + sg->offset;
}

static inline void *sg_virt(const struct scatterlist *sg)
{
	return (char *)page_address(sg_page(sg)) + sg->offset;
}

/* ---- virtqueues ---- */

struct virtio_device;

/* Bad things the device wrote, per queue; each bad entry counted once. */
struct virtqueue_errors {
	unsigned long bad_id;	     /* used id >= queue size */
	unsigned long not_in_flight; /* used id not the head of a chain we gave */
	unsigned long bad_len;	     /* used len > the chain's device-writable bytes */
	unsigned long bad_idx;	     /* used idx ran more than num ahead of us */
};

/* The public part of a queue (Linux's struct virtqueue, plus the error counters). */
struct virtqueue {
	struct list_head list;			/* on vdev->vqs */
	void (*callback)(struct virtqueue *vq); /* "buffers used", from the interrupt; or NULL */
	const char *name;
	struct virtio_device *vdev;
	unsigned int index;    /* queue number in the device */
	unsigned int num_free; /* free descriptors */
	unsigned int num_max;  /* the queue size */
	void *priv;	       /* the transport's */
	struct virtqueue_errors errors;
};

/*
 * virtqueue_add_sgs - expose a buffer to the device: @out_sgs scatterlists
 * the device reads, then @in_sgs it writes, each list ended by sg_mark_end
 * (sg_init_one/sg_init_table do that).  @data is the token
 * virtqueue_get_buf returns when the device is done; it must not be NULL.
 * With INDIRECT_DESC negotiated a chain of more than one piece takes one
 * ring descriptor and a table from kmalloc(@gfp) (direct descriptors if
 * that fails).  Nothing reaches the device before virtqueue_kick.
 * Returns 0, -ENOSPC if the ring is full, -EINVAL (no pieces, more than
 * the ring size, more than 4 GiB), -EIO if the queue is broken.
 */
int virtqueue_add_sgs(struct virtqueue *vq, struct scatterlist *sgs[], unsigned int out_sgs,
		      unsigned int in_sgs, void *data, gfp_t gfp);

/* One list of @num entries, all device-readable (out) or all device-writable (in). */
int virtqueue_add_outbuf(struct virtqueue *vq, struct scatterlist sg[], unsigned int num,
			 void *data, gfp_t gfp);
int virtqueue_add_inbuf(struct virtqueue *vq, struct scatterlist sg[], unsigned int num, void *data,
			gfp_t gfp);

/*
 * virtqueue_kick_prepare - publish what was added since the last kick and
 * say whether the device wants a notification (EVENT_IDX: avail_event;
 * else the used ring's NO_NOTIFY flag).  virtqueue_notify - send it (false
 * if the queue is broken).  virtqueue_kick - both.  Split so a driver can
 * drop its lock before the (slow, trapping) notify.
 */
bool virtqueue_kick_prepare(struct virtqueue *vq);
bool virtqueue_notify(struct virtqueue *vq);
bool virtqueue_kick(struct virtqueue *vq);

/*
 * virtqueue_get_buf - the next buffer the device is done with: returns its
 * token and puts the bytes the device wrote in *@len (0 for a length that
 * was out of range: see vq->errors), or NULL if there is none (or the
 * queue is broken).  Bad used entries are counted and skipped.
 */
void *virtqueue_get_buf(struct virtqueue *vq, unsigned int *len);

/*
 * Interrupt suppression (2.7.7, 2.7.10): a hint to the device, which may
 * still interrupt.  virtqueue_disable_cb - ask for no more callbacks.
 * virtqueue_enable_cb - ask again; returns false if buffers were used in
 * the meantime (the caller must process them: no interrupt may come for
 * them).  virtqueue_enable_cb_prepare + virtqueue_poll - the same in two
 * steps.  virtqueue_enable_cb_delayed - ask for a callback only after
 * about 3/4 of the buffers in flight are used (TX completion batching).
 */
void virtqueue_disable_cb(struct virtqueue *vq);
bool virtqueue_enable_cb(struct virtqueue *vq);
unsigned int virtqueue_enable_cb_prepare(struct virtqueue *vq);
bool virtqueue_poll(struct virtqueue *vq, unsigned int last_used_idx);
bool virtqueue_enable_cb_delayed(struct virtqueue *vq);

/*
 * virtqueue_detach_unused_buf - after the device was reset: take back one
 * buffer it never used and return its token (NULL when none is left).
 * How a driver frees its RX buffers on remove.
 */
void *virtqueue_detach_unused_buf(struct virtqueue *vq);

unsigned int virtqueue_get_vring_size(const struct virtqueue *vq);
bool virtqueue_is_broken(const struct virtqueue *vq);
/* Buffers given to the device and not yet taken back. */
unsigned int virtqueue_num_in_flight(const struct virtqueue *vq);

/* ---- for transports (drivers/virtio_pci*.c) and the host test ---- */

/* Physical addresses of the three parts, for the device's registers. */
u64 virtqueue_get_desc_addr(const struct virtqueue *vq);
u64 virtqueue_get_avail_addr(const struct virtqueue *vq);
u64 virtqueue_get_used_addr(const struct virtqueue *vq);

/*
 * vring_create_virtqueue - allocate and set up a queue of @num entries (a
 * power of 2, at most 32768) with the used ring aligned to @vring_align.
 * With @may_reduce_num, halve num until the ring memory can be had.
 * Features (INDIRECT_DESC, EVENT_IDX) are taken from @vdev->features.
 * @notify kicks the device; @callback is called from vring_interrupt.
 * @weak_barriers and @ctx are Linux's, accepted and ignored (x86 needs
 * no stronger barriers; no per-buffer context).  Returns NULL on failure.
 * Context: thread, may sleep (GFP_KERNEL).
 */
struct virtqueue *vring_create_virtqueue(unsigned int index, unsigned int num,
					 unsigned int vring_align, struct virtio_device *vdev,
					 bool weak_barriers, bool may_reduce_num, bool ctx,
					 bool (*notify)(struct virtqueue *vq),
					 void (*callback)(struct virtqueue *vq), const char *name);

/* Free the queue and its ring memory: only after the device was reset (it may still DMA). */
void vring_del_virtqueue(struct virtqueue *vq);

/*
 * vring_interrupt - the queue's interrupt: calls vq->callback if the
 * device used buffers.  @_vq is the struct virtqueue *.  Returns
 * IRQ_HANDLED if it did, IRQ_NONE if nothing was new.  Context: hardirq.
 */
irqreturn_t vring_interrupt(int irq, void *_vq);

/* Mark the queue broken: every later call fails.  Context: any. */
void virtqueue_break(struct virtqueue *vq);

/* Clear the features of @vdev this ring does not implement (among 28-41). */
void vring_transport_features(struct virtio_device *vdev);

#endif
