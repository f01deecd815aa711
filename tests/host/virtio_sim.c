/*
 * SPDX-License-Identifier: MIT
 * tests/host/virtio_sim.c - the simulated virtio device of virtio_sim.h.
 *
 * Everything is read through physical addresses (__va), after dma_ok()
 * says the memory is allocated, so a driver that hands out a freed or
 * wrong address is caught here (or by AddressSanitizer on the poisoned
 * page behind it).
 */
#include "virtio_sim.h"

#include <mm/mm.h>
#include <stdio.h>
#include <string.h>

static void *dma(struct sim_dev *s, u64 pa, u64 len)
{
	if (!s->dma_ok(pa, len))
		return NULL;
	return __va(pa);
}

static struct vring_desc *ring_desc(struct sim_dev *s)
{
	return __va(s->desc_pa);
}

static struct vring_avail *ring_avail(struct sim_dev *s)
{
	return __va(s->avail_pa);
}

static struct vring_used *ring_used(struct sim_dev *s)
{
	return __va(s->used_pa);
}

/* Just past the used ring: where the device says how far the driver may add unkicked (2.7.10). */
static u16 *avail_event(struct sim_dev *s)
{
	return (u16 *)&ring_used(s)->ring[s->num];
}

/* Just past the available ring: where the driver says when it wants an interrupt (2.7.7). */
static u16 used_event(struct sim_dev *s)
{
	return READ_ONCE(ring_avail(s)->ring[s->num]);
}

void sim_init(struct sim_dev *s, struct virtqueue *vq, bool event_idx, bool indirect,
	      bool (*dma_ok)(u64 pa, u64 len))
{
	memset(s, 0, sizeof(*s));
	s->num = virtqueue_get_vring_size(vq);
	s->desc_pa = virtqueue_get_desc_addr(vq);
	s->avail_pa = virtqueue_get_avail_addr(vq);
	s->used_pa = virtqueue_get_used_addr(vq);
	s->event_idx = event_idx;
	s->indirect = indirect;
	s->dma_ok = dma_ok;
}

void sim_kick(struct sim_dev *s)
{
	s->kicks++;
	s->asleep = false;
	/* Awake and polling: without EVENT_IDX say "no need to kick" (2.7.10). */
	if (!s->event_idx)
		ring_used(s)->flags = VRING_USED_F_NO_NOTIFY;
}

bool sim_avail_pending(const struct sim_dev *s)
{
	return READ_ONCE(((struct vring_avail *)__va(s->avail_pa))->idx) != s->last_avail;
}

/* Account one descriptor's buffer into @r; false if its memory is not the driver's. */
static bool take_buffer(struct sim_dev *s, const struct vring_desc *d, struct sim_req *r,
			bool *seen_write)
{
	const u8 *p = dma(s, d->addr, d->len);

	if (!p || !d->len)
		return false;
	if (!r->first_addr)
		r->first_addr = d->addr;
	if (d->flags & VRING_DESC_F_WRITE) {
		*seen_write = true;
		r->in_cap += d->len;
		return true;
	}
	if (*seen_write) /* 2.7.4.2: readable after writable is a driver bug */
		return false;
	r->out_len += d->len;
	for (u32 i = 0; i < d->len; i++)
		r->out_sum += p[i];
	return true;
}

/* Walk an indirect table (2.7.5.3): no nesting, in-table next, no loops. */
static bool take_indirect(struct sim_dev *s, const struct vring_desc *d, struct sim_req *r,
			  bool *seen_write)
{
	unsigned int n = d->len / sizeof(struct vring_desc), i = 0, steps = 0;
	const struct vring_desc *t = dma(s, d->addr, d->len);

	if (!s->indirect || !t || !n || d->len % sizeof(struct vring_desc))
		return false;
	for (;;) {
		if (i >= n || ++steps > n || (t[i].flags & VRING_DESC_F_INDIRECT))
			return false;
		if (!take_buffer(s, &t[i], r, seen_write))
			return false;
		if (!(t[i].flags & VRING_DESC_F_NEXT))
			return true;
		i = t[i].next;
	}
}

static bool take_chain(struct sim_dev *s, u16 head, struct sim_req *r)
{
	const struct vring_desc *desc = ring_desc(s);
	unsigned int i = head, steps = 0;
	bool seen_write = false;

	memset(r, 0, sizeof(*r));
	r->head = head;
	for (;;) {
		if (i >= s->num || ++steps > s->num)
			return false;
		if (desc[i].flags & VRING_DESC_F_INDIRECT) {
			/* 2.7.5.3.1: an indirect descriptor stands alone (no NEXT). */
			return !(desc[i].flags & VRING_DESC_F_NEXT) && steps == 1 &&
			       take_indirect(s, &desc[i], r, &seen_write);
		}
		if (!take_buffer(s, &desc[i], r, &seen_write))
			return false;
		if (!(desc[i].flags & VRING_DESC_F_NEXT))
			return true;
		i = desc[i].next;
	}
}

unsigned int sim_fetch(struct sim_dev *s, unsigned int max)
{
	struct vring_avail *avail = ring_avail(s);
	unsigned int n = 0;

	while (n < max && s->nr_inflight < SIM_MAX_INFLIGHT) {
		u16 idx = READ_ONCE(avail->idx);
		struct sim_req *r = &s->inflight[s->nr_inflight];

		if (idx == s->last_avail)
			break;
		virtio_rmb(); /* the device's side of the driver's wmb before avail->idx */
		if (!take_chain(s, avail->ring[s->last_avail % s->num], r)) {
			s->bad_chains++;
			fprintf(stderr, "sim: bad chain at avail %u\n", s->last_avail);
		} else {
			s->nr_inflight++;
		}
		s->last_avail++;
		n++;
	}
	/* With EVENT_IDX the device keeps avail_event at what it has seen (2.7.10). */
	if (s->event_idx)
		WRITE_ONCE(*avail_event(s), s->last_avail);
	return n;
}

bool sim_try_sleep(struct sim_dev *s)
{
	struct vring_used *used = ring_used(s);

	if (s->event_idx)
		WRITE_ONCE(*avail_event(s), s->last_avail);
	else
		used->flags = 0;
	virtio_mb(); /* publish "kick me" before the last look at avail->idx */
	if (sim_avail_pending(s)) {
		if (!s->event_idx)
			used->flags = VRING_USED_F_NO_NOTIFY;
		return false;
	}
	s->asleep = true;
	return true;
}

u8 sim_pattern(u64 key, u32 off)
{
	return (u8)(key * 31 + off * 7 + 1);
}

/* Write the pattern into the writable buffers of the chain at @head, up to @len bytes. */
static void fill_writable(struct sim_dev *s, const struct vring_desc *d, unsigned int n,
			  unsigned int start, u64 key, u32 *left, u32 *off)
{
	unsigned int i = start;

	for (unsigned int steps = 0; steps < n && *left; steps++) {
		if (d[i].flags & VRING_DESC_F_INDIRECT) {
			fill_writable(s, dma(s, d[i].addr, d[i].len), d[i].len / sizeof(*d), 0, key,
				      left, off);
			return;
		}
		if (d[i].flags & VRING_DESC_F_WRITE) {
			u8 *p = dma(s, d[i].addr, d[i].len);

			for (u32 k = 0; k < d[i].len && *left; k++, (*left)--, (*off)++)
				p[k] = sim_pattern(key, *off);
		}
		if (!(d[i].flags & VRING_DESC_F_NEXT))
			return;
		i = d[i].next;
	}
}

static bool used_push(struct sim_dev *s, u32 id, u32 len, u16 step)
{
	struct vring_used *used = ring_used(s);
	struct vring_avail *avail = ring_avail(s);
	u16 old = s->used_idx;
	bool irq;

	used->ring[s->used_idx % s->num].id = id;
	used->ring[s->used_idx % s->num].len = len;
	virtio_wmb(); /* the entry before the index that covers it (2.7.8) */
	s->used_idx += step;
	WRITE_ONCE(used->idx, s->used_idx);
	virtio_mb(); /* store used->idx -> load the driver's used_event / flags */
	if (s->event_idx)
		irq = vring_need_event(used_event(s), s->used_idx, old);
	else
		irq = !(avail->flags & VRING_AVAIL_F_NO_INTERRUPT);
	s->interrupts += irq;
	return irq;
}

bool sim_complete(struct sim_dev *s, unsigned int i, u32 written, struct sim_req *done)
{
	struct sim_req r = s->inflight[i];
	u32 left = written < r.in_cap ? written : r.in_cap, off = 0;

	s->inflight[i] = s->inflight[--s->nr_inflight];
	r.written = left;
	fill_writable(s, ring_desc(s), s->num, r.head, r.first_addr, &left, &off);
	if (done)
		*done = r;
	return used_push(s, r.head, r.written, 1);
}

void sim_push_raw(struct sim_dev *s, u32 id, u32 len, u16 idx_step)
{
	used_push(s, id, len, idx_step);
}
