/*
 * SPDX-License-Identifier: MIT
 * drivers/virtio/vring_buf.c - the split virtqueue's buffers: adding them
 * (virtqueue_add_sgs and friends) and taking them back (virtqueue_get_buf).
 * The reference for labs/virtio/.  The rest of the queue (scatterlists,
 * kicks, interrupt suppression, creation) is in virtio_ring.c.
 *
 * The driver's side of the protocol, and who owns what:
 *
 *   free descriptors: a list threaded through desc_next[] (ours, private);
 *   add:   take descriptors from the free list, fill them (or one that
 *          points to an indirect table), remember the chain under its
 *          head in desc_state[head], put head in avail->ring, then
 *          wmb, then avail->idx++            (2.7.13 "Supplying Buffers")
 *   get:   used->idx tells how many entries the device filled; rmb; read
 *          each (id, len); check it; give the chain back to the free list
 *                                            (2.7.14 "Receiving Used Buffers")
 *
 * Nothing the device can write is trusted: the chain of a used id is
 * followed in desc_state/desc_next (which the device cannot see), not in
 * the descriptor table; ids, lengths and the index are range-checked first.
 *
 * The same file builds on the host (tests/host/test_virtio_ring.c), so it
 * uses only kmalloc and printk.
 */
#include <drivers/virtio.h>
#include <drivers/virtio_ring.h>
#include <kernel/printk.h>
#include <kernel/trace.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include <errno.h>
#include "virtio_ring_internal.h"

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
 * fill_descs - write the pieces of the @out_sgs + @in_sgs lists of @sgs, in
 * order, at most @list_max entries of each list, into @desc: either the
 * ring's table (@ring: start at vq->free_head and follow the free list
 * through desc_next[]) or an indirect table (entries 0, 1, 2...).  Each
 * descriptor: addr = sg_phys, len = the piece's length, flags WRITE for
 * the pieces of the in lists, NEXT on all but the last, next = where the
 * following one goes.  The free list itself is not changed here.
 * Returns the index of the last descriptor written; *@in_len gets the
 * device-writable bytes, *@total the whole chain's.
 */
static __always_inline u16 fill_descs(struct vring_virtqueue *vq, struct vring_desc *desc,
				      bool ring, struct scatterlist *sgs[], unsigned int out_sgs,
				      unsigned int in_sgs, unsigned int list_max, u64 *in_len,
				      u64 *total)
{
	u16 i = ring ? vq->free_head : 0, prev = i;
	u64 out_bytes = 0, in_bytes = 0; /* in registers: *@in_len may alias nothing we write */

	for (unsigned int n = 0; n < out_sgs + in_sgs; n++) {
		u16 flags = VRING_DESC_F_NEXT | (n >= out_sgs ? VRING_DESC_F_WRITE : 0);
		struct scatterlist *sg = sgs[n];
		u64 bytes = 0;

		for (unsigned int k = 0; sg && k < list_max; k++, sg = sg_next(sg)) {
			u16 next = ring ? vq->desc_next[i] : i + 1;

			desc[i] = (struct vring_desc){
				.addr = sg_phys(sg),
				.len = sg->length,
				.flags = flags,
				.next = next,
			};
			bytes += sg->length;
			prev = i;
			i = next;
		}
		if (n >= out_sgs)
			in_bytes += bytes;
		else
			out_bytes += bytes;
	}
	desc[prev].flags &= ~VRING_DESC_F_NEXT;
	*in_len = in_bytes;
	*total = out_bytes + in_bytes;
	return prev;
}

/*
 * publish_avail - put @head in the next slot of the available ring and
 * publish it (2.7.13.2, 2.7.13.3): the slot, a write barrier, then the
 * index, which the device reads to see the entry.  Counts it in num_added
 * (for kick_prepare), and kicks if that count would wrap 16 bits.
 */
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

/*
 * commit_chain - the chain @head..@last (@used ring descriptors, filled)
 * is ours to publish: take its descriptors off the free list, remember it
 * in desc_state[head] (the token @data, its indirect table @indir or NULL,
 * its device-writable bytes @in_len), and publish @head.
 */
static __always_inline void commit_chain(struct vring_virtqueue *vq, u16 head, u16 last,
					 unsigned int used, struct vring_desc *indir, u64 in_len,
					 void *data)
{
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
}

/*
 * add_one_desc - virtqueue_add for a chain of one piece, @sg (the device
 * writes it if @in): a packet, a one-buffer request - most of what drivers
 * add.  The outcome is the general path's for one piece (the same errors;
 * one piece never takes an indirect table, and its length, a u32, cannot
 * pass 4 GiB), without counting lists or looping over them.
 */
static __always_inline int add_one_desc(struct vring_virtqueue *vq, struct scatterlist *sg, bool in,
					void *data)
{
	u16 head = vq->free_head;

	if (!data)
		return -EINVAL;
	if (!vq->vq.num_free)
		return -ENOSPC;
	vq->vring.desc[head] = (struct vring_desc){
		.addr = sg_phys(sg),
		.len = sg->length,
		.flags = in ? VRING_DESC_F_WRITE : 0,
		.next = vq->desc_next[head],
	};
	commit_chain(vq, head, head, 1, NULL, in ? sg->length : 0, data);
	return 0;
}

/*
 * add_chain - virtqueue_add's general case, any number of pieces (its
 * checks and outcome are listed there, after the first two).  Not inlined:
 * the wrappers inline only virtqueue_add's one-piece case.
 */
static noinline int add_chain(struct vring_virtqueue *vq, struct scatterlist *sgs[],
			      unsigned int out_sgs, unsigned int in_sgs, unsigned int list_max,
			      void *data, gfp_t gfp)
{
	struct vring_desc *indir = NULL;
	unsigned int total_sg = 0, used;
	u64 in_len, total;
	u16 head = vq->free_head, last;

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
	commit_chain(vq, head, last, used, indir, in_len, data);
	return 0;
}

/*
 * virtqueue_add - the work of virtqueue_add_sgs/_outbuf/_inbuf (their
 * contract is in <drivers/virtio_ring.h>): @sgs holds @out_sgs lists the
 * device reads, then @in_sgs it writes, of at most @list_max entries each.
 *   - a broken queue: -EIO;
 *   - a chain of one piece (most of what drivers add): add_one_desc, the
 *     outcome below for one piece, in fewer steps;
 *   - no token, no pieces, or more pieces than the ring has: -EINVAL;
 *   - INDIRECT_DESC negotiated, more than one piece, a descriptor free:
 *     try a table from kmalloc(@gfp) (silently: failure means "go direct");
 *   - fewer free descriptors than the chain needs: -ENOSPC;
 *   - a chain of more than 4 GiB: -EINVAL, with nothing taken;
 *   - else take the descriptors off the free list, remember the chain in
 *     desc_state[head], publish head.  0.
 * Context: any; @gfp must suit it.
 */
static __always_inline int virtqueue_add(struct virtqueue *_vq, struct scatterlist *sgs[],
					 unsigned int out_sgs, unsigned int in_sgs,
					 unsigned int list_max, void *data, gfp_t gfp)
{
	struct vring_virtqueue *vq = to_vvq(_vq);

	if (vq->broken)
		return -EIO;
	/* 3.10 walks every chain alike; one piece takes add_one_desc here: docs/linux-3.10.md */
	if (out_sgs + in_sgs == 1 && sgs[0] && list_max && (list_max == 1 || sg_is_last(sgs[0])))
		return add_one_desc(vq, sgs[0], in_sgs, data);
	return add_chain(vq, sgs, out_sgs, in_sgs, list_max, data, gfp);
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

/* ---- taking buffers back ------------------------------------------------------- */

/*
 * detach_buf - give the chain at @head back: its ring descriptors go on the
 * front of the free list (they are still linked through desc_next[], so the
 * chain's last one just points at the old free head), num_free grows by
 * them, its indirect table goes back to kmalloc, desc_state[head] is
 * cleared (head heads no chain in flight now).
 */
static __always_inline void detach_buf(struct vring_virtqueue *vq, u16 head)
{
	struct vring_desc_state *st = &vq->desc_state[head];

	vq->desc_next[st->last] = vq->free_head;
	vq->free_head = head;
	vq->vq.num_free += st->ndescs;
	if (st->indir_desc) /* most chains have none: no call */
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

/*
 * take_used - consume the next used entry (last_used_idx moves past it
 * whatever it holds) and check what the device wrote before using it:
 *   - an id >= the ring size: errors.bad_id, NULL;
 *   - an id that heads no chain in flight: errors.not_in_flight, NULL;
 *   - a length past the chain's device-writable bytes: errors.bad_len,
 *     and the buffer still goes back to its owner with *@len = 0.
 * Each kind is reported once (report_bad).  A good entry: the chain is
 * detached, *@len = the length, and the token is returned.  *@len is not
 * touched when NULL is returned.
 */
static __always_inline void *take_used(struct vring_virtqueue *vq, unsigned int *len)
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

/*
 * get_used - virtqueue_get_buf once used->idx (@used_idx) is past
 * last_used_idx: the loop over entries, with take_used and detach_buf in
 * it.  Out of line, so that the look that finds nothing (the last of every
 * drain) sets up no frame.
 */
static noinline void *get_used(struct vring_virtqueue *vq, unsigned int *len, u16 used_idx)
{
	u16 start = vq->last_used_idx;
	void *data = NULL;

	while (!vq->broken && !data) {
		u16 pending = used_idx - vq->last_used_idx;

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
		if (!data) /* a bad entry, skipped: anything after it? */
			used_idx = READ_ONCE(vq->vring.used->idx);
	}
	if (vq->last_used_idx != start)
		update_used_event(vq);
	return data;
}

/*
 * virtqueue_get_buf - the contract is in <drivers/virtio_ring.h>.  The
 * device's index is read once per look: nothing new (the last call of every
 * drain) returns at once, broken queue or not.  Entries pending = used->idx
 * - last_used_idx (mod 2^16); more than the ring size means the device lost
 * its mind: errors.bad_idx, the queue broken, NULL.  Bad entries are
 * skipped: read used->idx again and go on to the next.  With EVENT_IDX,
 * tell the device how far we have read (update_used_event) if we consumed
 * any.
 */
void *virtqueue_get_buf(struct virtqueue *_vq, unsigned int *len)
{
	struct vring_virtqueue *vq = to_vvq(_vq);
	u16 used_idx = READ_ONCE(vq->vring.used->idx);

	if (used_idx == vq->last_used_idx)
		return NULL;
	return get_used(vq, len, used_idx);
}

/* ---- after a reset --------------------------------------------------------------- */

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
