/*
 * SPDX-License-Identifier: MIT
 * drivers/virtio/virtio_ring_internal.h - private to the split virtqueue:
 * the driver's state of one queue, shared by virtio_ring.c (queue life,
 * kicks, interrupt suppression) and vring_buf.c (adding buffers and taking
 * them back).  Drivers see only <drivers/virtio_ring.h>.
 */
#ifndef DRIVERS_VIRTIO_RING_INTERNAL_H
#define DRIVERS_VIRTIO_RING_INTERNAL_H

#include <drivers/virtio_ring.h>
#include <kernel/compiler.h>
#include <kernel/types.h>

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

#endif
