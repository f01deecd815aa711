/*
 * SPDX-License-Identifier: MIT
 * drivers/virtio/virtio_ring.c - the split virtqueue (virtio 1.2, 2.7), used by
 * every virtio driver; <drivers/virtio_ring.h> draws the rings.
 *
 * The driver's side of the protocol, and who owns what:
 *
 *   free descriptors: a list threaded through desc_next[] (ours, private);
 *   add:   take descriptors from the free list, fill them (or one that
 *          points to an indirect table), remember the chain under its
 *          head in desc_state[head], put head in avail->ring, then
 *          wmb, then avail->idx++            (2.7.13 "Supplying Buffers")
 *   kick:  mb, then read avail_event / used->flags: does the device want
 *          to hear about it?                 (2.7.10, 2.7.13.4)
 *   get:   used->idx tells how many entries the device filled; rmb; read
 *          each (id, len); check it; give the chain back to the free list
 *                                            (2.7.14 "Receiving Used Buffers")
 *
 * Nothing the device can write is trusted: the chain of a used id is
 * followed in desc_state/desc_next (which the device cannot see), not in
 * the descriptor table; ids, lengths and the index are range-checked first.
 *
 * The same file builds on the host (tests/host/test_virtio_ring.c), so it
 * uses only the page allocator, kmalloc and printk.
 */
#include <drivers/virtio.h>
#include <drivers/virtio_ring.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/trace.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include <errno.h>
#include <string.h>

/* What the driver knows about the chain whose head is descriptor i. */
struct vring_desc_state {
	void *data;		       /* the token; NULL: i heads no chain in flight */
	struct vring_desc *indir_desc; /* its indirect table (kmalloc), or NULL */
	u64 in_len;		       /* device-writable bytes: the most it may report */
	u16 ndescs;		       /* ring descriptors the chain holds */
	u16 last;		       /* its last ring descriptor */
};

struct vring_virtqueue {
	struct virtqueue vq;
	struct vring vring;	/* the shared memory */
	struct page *ring_page; /* ... allocated as one block */
	unsigned int ring_order;
	bool indirect;		/* INDIRECT_DESC negotiated */
	bool event;		/* EVENT_IDX negotiated */
	bool broken;		/* stop: the device misbehaved or needs a reset */
	u16 free_head;		/* first free descriptor */
	u16 avail_idx_shadow;	/* our copy of avail->idx (we are its only writer) */
	u16 avail_flags_shadow; /* our copy of avail->flags */
	u16 last_used_idx;	/* used entries we have consumed */
	unsigned int num_added; /* added since the last kick_prepare */
	unsigned int reported;	/* kinds of bad entries already reported (a bitmask) */
	bool (*notify)(struct virtqueue *vq);
	struct vring_desc_state *desc_state; /* [num] */
	u16 *desc_next;			     /* [num]: next in chain or in the free list */
};

#define to_vvq(_vq) container_of(_vq, struct vring_virtqueue, vq)

/* ---- scatterlists ------------------------------------------------------------ */

void sg_init_table(struct scatterlist *sgl, unsigned int nents)
{
	memset(sgl, 0, sizeof(*sgl) * nents);
	sg_mark_end(&sgl[nents - 1]);
}

void sg_set_page(struct scatterlist *sg, struct page *page, unsigned int len, unsigned int offset)
{
	sg->page_link = (unsigned long)page | (sg->page_link & SG_END);
	sg->offset = offset;
	sg->length = len;
}

void sg_set_buf(struct scatterlist *sg, const void *buf, unsigned int buflen)
{
	sg_set_page(sg, virt_to_page(buf), buflen, (unsigned long)buf & ~PAGE_MASK);
}

void sg_init_one(struct scatterlist *sg, const void *buf, unsigned int buflen)
{
	sg_init_table(sg, 1);
	sg_set_buf(sg, buf, buflen);
}

u64 sg_phys(const struct scatterlist *sg)
{
	return page_to_phys(sg_page(sg)) + sg->offset;
}

void *sg_virt(const struct scatterlist *sg)
{
	return (char *)page_address(sg_page(sg)) + sg->offset;
}

/* ---- adding buffers ------------------------------------------------------------ */

/* Entries of the list at @sg, at most @max (a list ends at its end mark). */
static unsigned int sg_count(struct scatterlist *sg, unsigned int max)
{
	unsigned int n = 0;

	for (; sg && n < max; sg = sg_next(sg))
		n++;
	return n;
}

/*
 * Write the pieces of the lists into @desc, which is either the ring's
 * table (@ring: follow the free list through desc_next) or an indirect
 * table (entries 0, 1, 2...).  Returns the index of the last one written.
 * in_len gets the device-writable bytes, total the whole chain's.
 */
static u16 fill_descs(struct vring_virtqueue *vq, struct vring_desc *desc, bool ring,
		      struct scatterlist *sgs[], unsigned int out_sgs, unsigned int in_sgs,
		      unsigned int list_max, u64 *in_len, u64 *total)
{
	u16 i = ring ? vq->free_head : 0, prev = i;

	*in_len = *total = 0;
	for (unsigned int n = 0; n < out_sgs + in_sgs; n++) {
		struct scatterlist *sg = sgs[n];
		u16 flags = VRING_DESC_F_NEXT | (n >= out_sgs ? VRING_DESC_F_WRITE : 0);

		for (unsigned int k = 0; sg && k < list_max; k++, sg = sg_next(sg)) {
			u16 next = ring ? vq->desc_next[i] : i + 1;

			desc[i].addr = sg_phys(sg);
			desc[i].len = sg->length;
			desc[i].flags = flags;
			desc[i].next = next;
			*total += sg->length;
			if (n >= out_sgs)
				*in_len += sg->length;
			prev = i;
			i = next;
		}
	}
	desc[prev].flags &= ~VRING_DESC_F_NEXT;
	return prev;
}

/* Put @head in the available ring and publish it (2.7.13.2, 2.7.13.3). */
static void publish_avail(struct vring_virtqueue *vq, u16 head)
{
	struct vring *vr = &vq->vring;

	vr->avail->ring[vq->avail_idx_shadow & (vr->num - 1)] = head;
	/* The descriptors and the ring entry must be visible before the index that covers them. */
	virtio_wmb();
	vq->avail_idx_shadow++;
	WRITE_ONCE(vr->avail->idx, vq->avail_idx_shadow);
	vq->num_added++;
	/* kick_prepare measures num_added in 16 bits: never let it wrap unseen. */
	if (vq->num_added == 0xffff)
		virtqueue_kick(&vq->vq);
}

static int virtqueue_add(struct virtqueue *_vq, struct scatterlist *sgs[], unsigned int out_sgs,
			 unsigned int in_sgs, unsigned int list_max, void *data, gfp_t gfp)
{
	struct vring_virtqueue *vq = to_vvq(_vq);
	struct vring_desc *indir = NULL;
	unsigned int total_sg = 0, used;
	u64 in_len, total;
	u16 head = vq->free_head, last;

	if (vq->broken)
		return -EIO;
	for (unsigned int n = 0; n < out_sgs + in_sgs; n++)
		total_sg += sg_count(sgs[n], list_max);
	/* 2.7.5.3.1 / 2.7.13.1: no empty chains, none longer than the queue size. */
	if (!data || !total_sg || total_sg > vq->vring.num)
		return -EINVAL;
	if (vq->indirect && total_sg > 1 && vq->vq.num_free)
		indir = kmalloc_array(total_sg, sizeof(*indir), gfp | __GFP_NOWARN);
	used = indir ? 1 : total_sg;
	if (vq->vq.num_free < used) {
		kfree(indir);
		return -ENOSPC;
	}
	if (indir) {
		fill_descs(vq, indir, false, sgs, out_sgs, in_sgs, list_max, &in_len, &total);
		vq->vring.desc[head].addr = __pa(indir);
		vq->vring.desc[head].len = total_sg * sizeof(*indir);
		vq->vring.desc[head].flags = VRING_DESC_F_INDIRECT;
		vq->vring.desc[head].next = vq->desc_next[head];
		last = head;
	} else {
		last = fill_descs(vq, vq->vring.desc, true, sgs, out_sgs, in_sgs, list_max, &in_len,
				  &total);
	}
	/* 2.7.5.2: "Drivers MUST NOT add a descriptor chain longer than 2^32 bytes in total". */
	if (total > 0xffffffffULL) {
		kfree(indir); /* nothing is published yet: the free list is untouched */
		return -EINVAL;
	}
	vq->free_head = vq->desc_next[last];
	vq->vq.num_free -= used;
	vq->desc_state[head] = (struct vring_desc_state){
		.data = data,
		.indir_desc = indir,
		.in_len = in_len,
		.ndescs = used,
		.last = last,
	};
	trace_vring(TE_VRING_ADD, data, (u64)used << 16 | head);
	publish_avail(vq, head);
	return 0;
}

int virtqueue_add_sgs(struct virtqueue *vq, struct scatterlist *sgs[], unsigned int out_sgs,
		      unsigned int in_sgs, void *data, gfp_t gfp)
{
	return virtqueue_add(vq, sgs, out_sgs, in_sgs, ~0u, data, gfp);
}

int virtqueue_add_outbuf(struct virtqueue *vq, struct scatterlist sg[], unsigned int num,
			 void *data, gfp_t gfp)
{
	return virtqueue_add(vq, &sg, 1, 0, num, data, gfp);
}

int virtqueue_add_inbuf(struct virtqueue *vq, struct scatterlist sg[], unsigned int num, void *data,
			gfp_t gfp)
{
	return virtqueue_add(vq, &sg, 0, 1, num, data, gfp);
}

/* ---- notifying the device ------------------------------------------------------ */

bool virtqueue_kick_prepare(struct virtqueue *_vq)
{
	struct vring_virtqueue *vq = to_vvq(_vq);
	u16 new = vq->avail_idx_shadow, old = new - vq->num_added;

	/*
	 * Store -> load: the device must be able to see the new avail->idx
	 * before we read whether it wants a kick.  Otherwise it could look at
	 * the old index, decide to sleep and ask for a kick, while we read its
	 * old "don't kick me": both would wait.  mfence on x86.
	 */
	virtio_mb();
	vq->num_added = 0;
	if (vq->event)
		return vring_need_event(READ_ONCE(vring_avail_event(&vq->vring)), new, old);
	return !(READ_ONCE(vq->vring.used->flags) & VRING_USED_F_NO_NOTIFY);
}

bool virtqueue_notify(struct virtqueue *_vq)
{
	struct vring_virtqueue *vq = to_vvq(_vq);

	if (vq->broken)
		return false;
	/* The notify is an I/O or MMIO write the compiler must not hoist above the ring writes. */
	barrier();
	if (!vq->notify(_vq)) {
		vq->broken = true;
		return false;
	}
	return true;
}

bool virtqueue_kick(struct virtqueue *vq)
{
	if (virtqueue_kick_prepare(vq))
		return virtqueue_notify(vq);
	return true;
}

/* ---- taking buffers back ------------------------------------------------------- */

/* Return the chain at @head to the free list; its indirect table to kmalloc. */
static void detach_buf(struct vring_virtqueue *vq, u16 head)
{
	struct vring_desc_state *st = &vq->desc_state[head];

	vq->desc_next[st->last] = vq->free_head;
	vq->free_head = head;
	vq->vq.num_free += st->ndescs;
	kfree(st->indir_desc);
	*st = (struct vring_desc_state){ 0 };
}

enum {
	BAD_ID = 1,
	NOT_IN_FLIGHT = 2,
	BAD_LEN = 4,
	BAD_IDX = 8
};

/* Tell once per queue and kind; the counters keep the full story. */
static void report_bad(struct vring_virtqueue *vq, unsigned int kind, const char *what,
		       unsigned int a, unsigned int b)
{
	if (vq->reported & kind)
		return;
	vq->reported |= kind;
	pr_warn("virtio %s: %s: device wrote %s (%u, limit %u); dropped\n",
		vq->vq.vdev ? vq->vq.vdev->name : "?", vq->vq.name, what, a, b);
}

/* With EVENT_IDX, ask for an interrupt at the next entry after those we have consumed. */
static void update_used_event(struct vring_virtqueue *vq)
{
	if (!vq->event || (vq->avail_flags_shadow & VRING_AVAIL_F_NO_INTERRUPT))
		return;
	WRITE_ONCE(vring_used_event(&vq->vring), vq->last_used_idx);
	/*
	 * Store -> load: the new used_event must be visible before the next
	 * read of used->idx, or the device could skip the interrupt for an
	 * entry we then fail to see.  mfence on x86.
	 */
	virtio_mb();
}

/* Take the next used entry; its token, or NULL if it was bad (counted). */
static void *take_used(struct vring_virtqueue *vq, unsigned int *len)
{
	unsigned int num = vq->vring.num;
	u16 slot = vq->last_used_idx & (num - 1);
	u32 id = READ_ONCE(vq->vring.used->ring[slot].id);
	u32 l = READ_ONCE(vq->vring.used->ring[slot].len);
	void *data;

	vq->last_used_idx++;
	if (id >= num) {
		vq->vq.errors.bad_id++;
		report_bad(vq, BAD_ID, "a used id out of range", id, num - 1);
		return NULL;
	}
	if (!vq->desc_state[id].data) {
		vq->vq.errors.not_in_flight++;
		report_bad(vq, NOT_IN_FLIGHT, "a used id not in flight", id, num - 1);
		return NULL;
	}
	/* 3.10 passes the used length on unchecked; we check it: docs/linux-3.10.md */
	if (l > vq->desc_state[id].in_len) {
		vq->vq.errors.bad_len++;
		report_bad(vq, BAD_LEN, "a used length past the buffer", l,
			   (unsigned int)vq->desc_state[id].in_len);
		l = 0;
	}
	data = vq->desc_state[id].data;
	detach_buf(vq, id);
	*len = l;
	return data;
}

void *virtqueue_get_buf(struct virtqueue *_vq, unsigned int *len)
{
	struct vring_virtqueue *vq = to_vvq(_vq);
	u16 start = vq->last_used_idx;
	void *data = NULL;

	while (!vq->broken && !data) {
		u16 pending = READ_ONCE(vq->vring.used->idx) - vq->last_used_idx;

		if (!pending)
			break;
		if (pending > vq->vring.num) {
			vq->vq.errors.bad_idx++;
			report_bad(vq, BAD_IDX, "a used idx too far ahead", pending, vq->vring.num);
			vq->broken = true;
			break;
		}
		/* Load -> load: read used->idx before the entries it says are there. */
		virtio_rmb();
		data = take_used(vq, len);
	}
	if (vq->last_used_idx != start)
		update_used_event(vq);
	return data;
}

/* ---- interrupt suppression ------------------------------------------------------ */

void virtqueue_disable_cb(struct virtqueue *_vq)
{
	struct vring_virtqueue *vq = to_vvq(_vq);

	if (vq->avail_flags_shadow & VRING_AVAIL_F_NO_INTERRUPT)
		return;
	vq->avail_flags_shadow |= VRING_AVAIL_F_NO_INTERRUPT;
	/*
	 * 2.7.7.2: with EVENT_IDX the flags must stay 0; instead put used_event
	 * just behind what we consumed, which the device's index (never behind
	 * ours) will only cross again after 65535 more entries.
	 */
	if (vq->event)
		WRITE_ONCE(vring_used_event(&vq->vring), (u16)(vq->last_used_idx - 1));
	else
		WRITE_ONCE(vq->vring.avail->flags, vq->avail_flags_shadow);
}

unsigned int virtqueue_enable_cb_prepare(struct virtqueue *_vq)
{
	struct vring_virtqueue *vq = to_vvq(_vq);

	if (vq->avail_flags_shadow & VRING_AVAIL_F_NO_INTERRUPT) {
		vq->avail_flags_shadow &= ~VRING_AVAIL_F_NO_INTERRUPT;
		if (!vq->event)
			WRITE_ONCE(vq->vring.avail->flags, vq->avail_flags_shadow);
	}
	if (vq->event)
		WRITE_ONCE(vring_used_event(&vq->vring), vq->last_used_idx);
	return vq->last_used_idx;
}

bool virtqueue_poll(struct virtqueue *_vq, unsigned int last_used_idx)
{
	struct vring_virtqueue *vq = to_vvq(_vq);

	if (vq->broken)
		return false;
	/*
	 * Store -> load: the flags / used_event we just wrote must be visible
	 * before we read used->idx.  Else the device could use a buffer while
	 * still seeing "no interrupt", and we would miss it here too.
	 */
	virtio_mb();
	return (u16)last_used_idx != READ_ONCE(vq->vring.used->idx);
}

bool virtqueue_enable_cb(struct virtqueue *vq)
{
	return !virtqueue_poll(vq, virtqueue_enable_cb_prepare(vq));
}

bool virtqueue_enable_cb_delayed(struct virtqueue *_vq)
{
	struct vring_virtqueue *vq = to_vvq(_vq);
	u16 bufs;

	if (!vq->event)
		return virtqueue_enable_cb(_vq);
	vq->avail_flags_shadow &= ~VRING_AVAIL_F_NO_INTERRUPT;
	bufs = (u16)(vq->avail_idx_shadow - vq->last_used_idx) * 3 / 4;
	WRITE_ONCE(vring_used_event(&vq->vring), (u16)(vq->last_used_idx + bufs));
	virtio_mb(); /* store used_event -> load used->idx, as in virtqueue_poll */
	return (u16)(READ_ONCE(vq->vring.used->idx) - vq->last_used_idx) <= bufs;
}

irqreturn_t vring_interrupt(int irq, void *_vq)
{
	struct vring_virtqueue *vq = to_vvq((struct virtqueue *)_vq);

	if (vq->last_used_idx == READ_ONCE(vq->vring.used->idx))
		return IRQ_NONE;
	if (!vq->broken && vq->vq.callback)
		vq->vq.callback(&vq->vq);
	return IRQ_HANDLED;
}

/* ---- queue life ------------------------------------------------------------------- */

void *virtqueue_detach_unused_buf(struct virtqueue *_vq)
{
	struct vring_virtqueue *vq = to_vvq(_vq);

	for (unsigned int i = 0; i < vq->vring.num; i++) {
		void *data = vq->desc_state[i].data;

		if (!data)
			continue;
		detach_buf(vq, i);
		/* After the reset no one reads the ring: take the entry off as if never added. */
		vq->avail_idx_shadow--;
		WRITE_ONCE(vq->vring.avail->idx, vq->avail_idx_shadow);
		return data;
	}
	return NULL;
}

unsigned int virtqueue_get_vring_size(const struct virtqueue *vq)
{
	return to_vvq(vq)->vring.num;
}

bool virtqueue_is_broken(const struct virtqueue *vq)
{
	return READ_ONCE(to_vvq(vq)->broken);
}

void virtqueue_break(struct virtqueue *vq)
{
	WRITE_ONCE(to_vvq(vq)->broken, true);
}

unsigned int virtqueue_num_in_flight(const struct virtqueue *_vq)
{
	const struct vring_virtqueue *vq = to_vvq(_vq);
	unsigned int n = 0;

	for (unsigned int i = 0; i < vq->vring.num; i++)
		n += vq->desc_state[i].data != NULL;
	return n;
}

u64 virtqueue_get_desc_addr(const struct virtqueue *vq)
{
	return __pa(to_vvq(vq)->vring.desc);
}

u64 virtqueue_get_avail_addr(const struct virtqueue *vq)
{
	return __pa(to_vvq(vq)->vring.avail);
}

u64 virtqueue_get_used_addr(const struct virtqueue *vq)
{
	return __pa(to_vvq(vq)->vring.used);
}

void vring_transport_features(struct virtio_device *vdev)
{
	for (unsigned int i = VIRTIO_TRANSPORT_F_START; i < VIRTIO_TRANSPORT_F_END; i++) {
		if (i == VIRTIO_RING_F_INDIRECT_DESC || i == VIRTIO_RING_F_EVENT_IDX ||
		    i == VIRTIO_F_VERSION_1)
			continue;
		vdev->features &= ~(1ULL << i);
	}
}

/* The ring memory: zeroed, physically contiguous, page aligned (so 16/2/4/4096 aligned). */
static struct page *alloc_ring(unsigned int *num, unsigned int align, bool may_reduce_num,
			       unsigned int *order)
{
	for (;;) {
		struct page *page;

		*order = get_order(vring_size(*num, align));
		page = alloc_pages(GFP_KERNEL | __GFP_ZERO | (may_reduce_num ? __GFP_NOWARN : 0),
				   *order);
		if (page || !may_reduce_num || *num == 1)
			return page;
		*num /= 2;
	}
}

static void vring_init(struct vring *vr, unsigned int num, void *p, unsigned long align)
{
	unsigned long avail_end;

	vr->num = num;
	vr->desc = p;
	vr->avail = (struct vring_avail *)((char *)p + num * sizeof(struct vring_desc));
	avail_end = (unsigned long)&vr->avail->ring[num + 1]; /* ring, then used_event */
	vr->used = (struct vring_used *)ALIGN_UP(avail_end, align);
}

struct virtqueue *vring_create_virtqueue(unsigned int index, unsigned int num,
					 unsigned int vring_align, struct virtio_device *vdev,
					 bool weak_barriers, bool may_reduce_num, bool ctx,
					 bool (*notify)(struct virtqueue *vq),
					 void (*callback)(struct virtqueue *vq), const char *name)
{
	struct vring_virtqueue *vq;

	/* 2.7: "Queue Size value is always a power of 2", at most 32768. */
	if (!num || (num & (num - 1)) || num > VIRTQUEUE_MAX_SIZE || !notify || !vring_align ||
	    (vring_align & (vring_align - 1)))
		return NULL;
	vq = kzalloc(sizeof(*vq), GFP_KERNEL);
	if (!vq)
		return NULL;
	vq->ring_page = alloc_ring(&num, vring_align, may_reduce_num, &vq->ring_order);
	if (!vq->ring_page)
		goto free_vq;
	vq->desc_state = kcalloc(num, sizeof(*vq->desc_state), GFP_KERNEL);
	vq->desc_next = kcalloc(num, sizeof(*vq->desc_next), GFP_KERNEL);
	if (!vq->desc_state || !vq->desc_next)
		goto free_state;

	vring_init(&vq->vring, num, page_address(vq->ring_page), vring_align);
	for (unsigned int i = 0; i < num; i++)
		vq->desc_next[i] = i + 1; /* the last points past the end: never followed */
	vq->vq = (struct virtqueue){
		.callback = callback,
		.name = name,
		.vdev = vdev,
		.index = index,
		.num_free = num,
		.num_max = num,
	};
	vq->notify = notify;
	vq->indirect = virtio_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC);
	vq->event = virtio_has_feature(vdev, VIRTIO_RING_F_EVENT_IDX);
	/* No callback: ask for no interrupts (with EVENT_IDX, used_event stays 0: a hint only). */
	if (!callback) {
		vq->avail_flags_shadow |= VRING_AVAIL_F_NO_INTERRUPT;
		if (!vq->event)
			vq->vring.avail->flags = vq->avail_flags_shadow;
	}
	list_add_tail(&vq->vq.list, &vdev->vqs);
	return &vq->vq;

free_state:
	kfree(vq->desc_state);
	kfree(vq->desc_next);
	__free_pages(vq->ring_page, vq->ring_order);
free_vq:
	kfree(vq);
	return NULL;
}

void vring_del_virtqueue(struct virtqueue *_vq)
{
	struct vring_virtqueue *vq = to_vvq(_vq);
	unsigned int left = 0;

	for (unsigned int i = 0; i < vq->vring.num; i++) {
		if (!vq->desc_state[i].data)
			continue;
		left++;
		kfree(vq->desc_state[i].indir_desc);
	}
	if (left)
		pr_warn("virtio %s: %s deleted with %u buffers in flight (their owner leaks)\n",
			_vq->vdev->name, _vq->name, left);
	list_del(&_vq->list);
	kfree(vq->desc_state);
	kfree(vq->desc_next);
	__free_pages(vq->ring_page, vq->ring_order);
	kfree(vq);
}
