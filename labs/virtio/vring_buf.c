/*
 * SPDX-License-Identifier: MIT
 * labs/virtio/vring_buf.c - YOUR copy of drivers/virtio/vring_buf.c, the split
 * virtqueue's buffers: adding them (virtqueue_add_sgs and friends) and taking
 * them back (virtqueue_get_buf).  The assignment: labs/virtio/README.md.  The
 * rest of the queue (scatterlists, kicks, interrupt suppression, creation) is
 * drivers/virtio/virtio_ring.c.
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
static __unused unsigned int sg_count(struct scatterlist *sg, unsigned int max)
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
static __unused u16 fill_descs(struct vring_virtqueue *vq, struct vring_desc *desc, bool ring,
			       struct scatterlist *sgs[], unsigned int out_sgs, unsigned int in_sgs,
			       unsigned int list_max, u64 *in_len, u64 *total)
{
	/*
	 * TODO (step 1).  Walk the lists: for (n = 0; n < out_sgs + in_sgs; n++),
	 * then each list's entries with sg_next(), at most @list_max of them.
	 *   - where does descriptor number i go?  ring: start at vq->free_head and
	 *     go on at vq->desc_next[i]; table: 0, 1, 2...
	 *   - set desc[i].addr (sg_phys), .len, .flags (VRING_DESC_F_NEXT, and
	 *     VRING_DESC_F_WRITE for the lists from out_sgs on), .next;
	 *   - add up *total and, for writable pieces, *in_len;
	 *   - at the end, clear NEXT on the last descriptor and return its index.
	 */
	*in_len = *total = 0;
	return 0;
}

/*
 * publish_avail - put @head in the next slot of the available ring and
 * publish it (2.7.13.2, 2.7.13.3): the slot, a write barrier, then the
 * index, which the device reads to see the entry.  Counts it in num_added
 * (for kick_prepare), and kicks if that count would wrap 16 bits.
 */
static __unused void publish_avail(struct vring_virtqueue *vq, u16 head)
{
	/*
	 * TODO (step 2).  avail->ring[] slot: vq->avail_idx_shadow mod the ring
	 * size (a power of 2).  Then virtio_wmb() - why here? - then the index:
	 * vq->avail_idx_shadow++ and WRITE_ONCE it to vr->avail->idx.  Count the
	 * entry in vq->num_added; when it reaches 0xffff, virtqueue_kick.
	 */
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
	/*
	 * TODO (step 3).  Take the chain off the free list: free_head =
	 * desc_next[last]; num_free -= used.  Remember it: desc_state[head] =
	 * { data, indir, in_len, used, last }.  Then
	 * trace_vring(TE_VRING_ADD, data, (u64)used << 16 | head) and
	 * publish_avail(vq, head).
	 */
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
	/*
	 * TODO (step 3).  The head is vq->free_head.  No token: -EINVAL; no free
	 * descriptor: -ENOSPC.  Fill desc[head] (addr, len, flags: WRITE if @in,
	 * next = desc_next[head]), then commit_chain(vq, head, head, 1, NULL,
	 * the writable bytes, data).  0.
	 */
	return -ENOSPC;
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
	/*
	 * TODO (steps 3 and 4).  In the order of virtqueue_add's contract below
	 * (virtqueue_add has done the broken-queue test):
	 *   - count the pieces with sg_count (at most @list_max per list); check
	 *     the token, the count, the ring size.
	 *   - indirect (step 4): vq->indirect && more than one piece && a free
	 *     descriptor: kmalloc_array(pieces, sizeof(struct vring_desc),
	 *     gfp | __GFP_NOWARN).  NULL is fine: go direct.
	 *   - descriptors needed: 1 with a table, else one per piece; if
	 *     vq->vq.num_free is less: -ENOSPC (and the table back to kfree).
	 *   - fill_descs into the table (then point the head descriptor at it:
	 *     __pa(table), pieces * 16 bytes, VRING_DESC_F_INDIRECT) or into the
	 *     ring.  The head is the old vq->free_head.
	 *   - more than 0xffffffff bytes in total: -EINVAL; nothing taken yet.
	 *   - commit_chain(vq, head, last, needed, table, in_len, data); 0.
	 */
	return -ENOSPC;
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
	/*
	 * TODO (step 5).  desc_state[head] knows the chain: its last ring
	 * descriptor, how many it holds, its indirect table.  Link the chain in
	 * front of the free list (no walk needed), give back num_free, kfree the
	 * table, clear the state.
	 */
}

enum {
	BAD_ID = 1,
	NOT_IN_FLIGHT = 2,
	BAD_LEN = 4,
	BAD_IDX = 8
};

/* Tell once per queue and kind; the counters keep the full story. */
static __unused void report_bad(struct vring_virtqueue *vq, unsigned int kind, const char *what,
				unsigned int a, unsigned int b)
{
	if (vq->reported & kind)
		return;
	vq->reported |= kind;
	pr_warn("virtio %s: %s: device wrote %s (%u, limit %u); dropped\n",
		vq->vq.vdev ? vq->vq.vdev->name : "?", vq->vq.name, what, a, b);
}

/* With EVENT_IDX, ask for an interrupt at the next entry after those we have consumed. */
static __unused void update_used_event(struct vring_virtqueue *vq)
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
	/*
	 * TODO (steps 5 and 6).  Read used->ring[last_used_idx mod num] once
	 * (READ_ONCE: the device may change it under us) and move last_used_idx
	 * on.  Step 5: detach the chain, *len = the length, return the token.
	 * Step 6: before that, the three checks of the contract above; count each
	 * in vq->vq.errors, tell once with report_bad(vq, BAD_ID, "...", id,
	 * num - 1) and friends.
	 */
	return NULL;
}

/*
 * get_used - virtqueue_get_buf once used->idx (@used_idx) is past
 * last_used_idx: the loop over entries, with take_used and detach_buf in
 * it.  Out of line, so that the look that finds nothing (the last of every
 * drain) sets up no frame.
 */
static noinline void *get_used(struct vring_virtqueue *vq, unsigned int *len, u16 used_idx)
{
	/*
	 * TODO (steps 5 and 6).  Loop while the queue is not broken and nothing
	 * was found: pending = used_idx - vq->last_used_idx, as a u16.  None:
	 * stop.  More than the ring size (step 6): bad_idx, report, vq->broken
	 * = true, stop.  Else virtio_rmb() (why?) and take_used(); after a bad
	 * entry, READ_ONCE(used->idx) again.  If any entry was consumed,
	 * update_used_event(vq).
	 */
	return NULL;
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
