/*
 * SPDX-License-Identifier: MIT
 * drivers/virtio/virtio_ring.c - the split virtqueue (virtio 1.2, 2.7), used by
 * every virtio driver; <drivers/virtio_ring.h> draws the rings.
 *
 * This file: scatterlists, kicking the device, interrupt suppression, and a
 * queue's life (creation, layout, deletion).  Adding buffers and taking them
 * back (virtqueue_add_sgs, virtqueue_get_buf) are in vring_buf.c; the queue's
 * private state in virtio_ring_internal.h.
 *
 *   kick:  mb, then read avail_event / used->flags: does the device want
 *          to hear about it?                 (2.7.10, 2.7.13.4)
 *
 * The same file builds on the host (tests/host/test_virtio_ring.c), so it
 * uses only the page allocator, kmalloc and printk.
 */
#include <drivers/virtio.h>
#include <drivers/virtio_ring.h>
#include <kernel/boot_report.h>
#include <kernel/printk.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include <errno.h>
#include <string.h>
#include "virtio_ring_internal.h"

/* ---- scatterlists ------------------------------------------------------------ */

void sg_init_table(struct scatterlist *sgl, unsigned int nents)
{
	/* Entry by entry, not memset: a table is one or a few entries (the call cost more). */
	for (unsigned int i = 0; i < nents; i++) {
		sgl[i].page_link = 0;
		sgl[i].offset = 0;
		sgl[i].length = 0;
	}
	sg_mark_end(&sgl[nents - 1]);
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
	unsigned int asked = num;
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
	if (num != asked) { /* smaller works: the transport tells the device the size used */
		pr_warn("%s: queue %s: ring of %u, not %u: out of memory\n", vdev->name, name, num,
			asked);
		boot_degraded("%s: queue %s: ring of %u, not %u", vdev->name, name, num, asked);
	}
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
