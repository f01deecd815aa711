/*
 * SPDX-License-Identifier: MIT
 * tests/host/test_virtio_ring.c - drivers/virtio/virtio_ring.c and vring_buf.c on
 * the host under AddressSanitizer and UBSan, against a simulated device
 * (virtio_sim.c).
 *
 * The well-behaved device runs long random sequences of driver and device
 * steps (add with 1-6 pieces, kick, fetch, complete in any order, get,
 * turn callbacks off and on, the device falling asleep) with indirect
 * descriptors and EVENT_IDX each on and off, checked against a model:
 *   - every buffer comes back exactly once, in used-ring order, with the
 *     length the device wrote and the device's bytes in it;
 *   - no lost kick: kick_prepare never says "no" to a sleeping device that
 *     has something new to see;
 *   - no lost interrupt: with callbacks on and nothing left to get, the
 *     device's next completion always interrupts;
 *   - free descriptors are accounted exactly; nothing leaks.
 * The hostile device writes each kind of bad used entry the driver must
 * count and drop (virtio_ring.h): ids out of range or not in flight,
 * lengths past the buffer, an index that jumps, garbage.
 */
#include "htest.h"
#include "virtio_host_mm.h"
#include "virtio_sim.h"

#include <drivers/virtio.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_SIZE (32UL << 20)
#define MAX_TOKENS 1100
#define MAX_PIECES 6

struct token {
	bool live; /* added, not yet got back */
	unsigned int npieces, nout;
	void *piece[MAX_PIECES];
	u32 len[MAX_PIECES];
	u32 in_cap;
	unsigned int descs; /* ring descriptors it took */
};

struct done { /* a completion, in used-ring order: as the driver must return them */
	u64 first_addr;
	u32 written;
};

static struct {
	struct virtio_device vdev;
	struct virtqueue *vq;
	struct sim_dev sim;
	unsigned long callbacks;
	struct token tok[MAX_TOKENS];
	struct done fifo[SIM_MAX_INFLIGHT * 2];
	unsigned int fifo_head, fifo_tail;
	bool cb_on; /* the driver wants callbacks */
	unsigned long lost_kicks, lost_irqs;
} t;

static u64 rng = 0x2545f4914f6cdd1dULL;

static u64 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static bool sim_notify(struct virtqueue *vq)
{
	sim_kick(&t.sim);
	return true;
}

static void on_callback(struct virtqueue *vq)
{
	t.callbacks++;
}

static void arena(void)
{
	static bool done;

	if (!done) {
		host_mm_init(ARENA_SIZE);
		done = true;
	}
}

static void setup(unsigned int num, unsigned int align, bool indirect, bool event)
{
	arena();
	memset(&t, 0, sizeof(t));
	INIT_LIST_HEAD(&t.vdev.vqs);
	strcpy(t.vdev.name, "sim0");
	t.vdev.features = 1ULL << VIRTIO_F_VERSION_1;
	if (indirect)
		t.vdev.features |= 1ULL << VIRTIO_RING_F_INDIRECT_DESC;
	if (event)
		t.vdev.features |= 1ULL << VIRTIO_RING_F_EVENT_IDX;
	t.vq = vring_create_virtqueue(0, num, align, &t.vdev, true, false, false, sim_notify,
				      on_callback, "q0");
	if (!t.vq)
		abort();
	sim_init(&t.sim, t.vq, event, indirect, host_mm_dma_ok);
	t.cb_on = true;
}

static void free_token(struct token *k)
{
	for (unsigned int i = 0; i < k->npieces; i++)
		kfree(k->piece[i]);
	memset(k, 0, sizeof(*k));
}

static void teardown(void)
{
	struct token *k;

	/* As a driver's remove: the device is reset, take back what it never used. */
	while ((k = virtqueue_detach_unused_buf(t.vq)))
		free_token(k);
	CHECK(t.vq->num_free == virtqueue_get_vring_size(t.vq));
	vring_del_virtqueue(t.vq);
	CHECK(list_empty(&t.vdev.vqs));
	CHECK(host_mm_live_pages() == 0);
	CHECK(host_mm_live_kmallocs() == 0);
}

/* A free token with @nout readable and @nin writable pieces of random sizes. */
static struct token *make_token(unsigned int nout, unsigned int nin)
{
	struct token *k = NULL;

	for (unsigned int i = 0; i < MAX_TOKENS && !k; i++)
		if (!t.tok[i].live && !t.tok[i].npieces)
			k = &t.tok[i];
	if (!k)
		abort();
	k->nout = nout;
	k->npieces = nout + nin;
	for (unsigned int i = 0; i < k->npieces; i++) {
		k->len[i] = 1 + rnd() % 300;
		k->piece[i] = kmalloc(k->len[i], GFP_KERNEL);
		memset(k->piece[i], i < nout ? 0x5a : 0, k->len[i]);
		if (i >= nout)
			k->in_cap += k->len[i];
	}
	return k;
}

/* Add @k as one list per piece, or as one out and one in table: both shapes drivers use. */
static int add_token(struct token *k)
{
	struct scatterlist sg[MAX_PIECES], *sgs[MAX_PIECES];
	unsigned int nin = k->npieces - k->nout, before = t.vq->num_free;
	int ret;

	if (rnd() % 2) {
		for (unsigned int i = 0; i < k->npieces; i++) {
			sg_init_one(&sg[i], k->piece[i], k->len[i]);
			sgs[i] = &sg[i];
		}
		ret = virtqueue_add_sgs(t.vq, sgs, k->nout, nin, k, GFP_ATOMIC);
	} else {
		unsigned int lists = 0;

		if (k->nout) {
			sg_init_table(sg, k->nout);
			sgs[lists++] = sg;
		}
		if (nin) {
			sg_init_table(sg + k->nout, nin);
			sgs[lists++] = sg + k->nout;
		}
		for (unsigned int i = 0; i < k->npieces; i++)
			sg_set_buf(&sg[i], k->piece[i], k->len[i]);
		ret = virtqueue_add_sgs(t.vq, sgs, k->nout ? 1 : 0, nin ? 1 : 0, k, GFP_ATOMIC);
	}
	if (!ret) {
		k->live = true;
		k->descs = before - t.vq->num_free;
	}
	return ret;
}

/* The device finishes in-flight request @i; the model learns the order. Returns "interrupted". */
static bool complete_at(unsigned int i, u32 written)
{
	struct sim_req r;
	bool irq;

	/* A driver that published nothing (a lab's skeleton): fail, do not index past the end. */
	CHECK(i < t.sim.nr_inflight);
	if (i >= t.sim.nr_inflight)
		return false;
	irq = sim_complete(&t.sim, i, written, &r);

	t.fifo[t.fifo_tail++ % ARRAY_SIZE(t.fifo)] = (struct done){ r.first_addr, r.written };
	return irq;
}

/* ---- the random run ---------------------------------------------------------- */

static void step_add(void)
{
	unsigned int nout = rnd() % 4, nin = rnd() % 4;
	struct token *k;
	unsigned int total;
	int ret;

	if (!nout && !nin)
		nin = 1;
	total = nout + nin;
	k = make_token(nout, nin);
	ret = add_token(k);
	if (total > virtqueue_get_vring_size(t.vq)) {
		CHECK(ret == -EINVAL); /* longer than the ring, indirect or not (2.7.5.3.1) */
		free_token(k);
		return;
	}
	if (ret == -ENOSPC) {
		/* Full means full: no room for the descriptors this chain needs. */
		CHECK(t.vq->num_free <
		      (virtio_has_feature(&t.vdev, VIRTIO_RING_F_INDIRECT_DESC) && total > 1
			       ? 1
			       : total));
		free_token(k);
		return;
	}
	CHECK(ret == 0);
	CHECK(k->descs ==
	      (virtio_has_feature(&t.vdev, VIRTIO_RING_F_INDIRECT_DESC) && total > 1 ? 1 : total));
}

static void step_kick(void)
{
	if (virtqueue_kick_prepare(t.vq))
		virtqueue_notify(t.vq);
	else if (t.sim.asleep && sim_avail_pending(&t.sim))
		t.lost_kicks++;
}

static void step_complete(void)
{
	bool quiet = t.fifo_head == t.fifo_tail; /* the driver has taken everything */
	bool irq;

	if (!t.sim.nr_inflight)
		return;
	irq = complete_at(rnd() % t.sim.nr_inflight, rnd() % 700);
	if (quiet && t.cb_on && !irq)
		t.lost_irqs++;
	if (irq)
		vring_interrupt(0, t.vq);
}

/* The device's bytes are where the token's writable pieces are. */
static bool token_holds_pattern(const struct token *k, u64 key, u32 written)
{
	u32 off = 0;

	for (unsigned int i = k->nout; i < k->npieces; i++)
		for (u32 b = 0; b < k->len[i] && off < written; b++, off++)
			if (((u8 *)k->piece[i])[b] != sim_pattern(key, off))
				return false;
	return true;
}

static void step_get(void)
{
	unsigned int len = ~0u;
	struct token *k = virtqueue_get_buf(t.vq, &len);
	struct done d;

	if (t.fifo_head == t.fifo_tail) {
		CHECK(k == NULL);
		return;
	}
	d = t.fifo[t.fifo_head++ % ARRAY_SIZE(t.fifo)];
	CHECK(k != NULL);
	if (!k)
		return;
	CHECK(k->live);
	CHECK((u64)__pa(k->piece[0]) == d.first_addr);
	CHECK(len == d.written && len <= k->in_cap);
	CHECK(token_holds_pattern(k, d.first_addr, len));
	free_token(k);
}

static void step_callbacks(void)
{
	if (rnd() % 2) {
		virtqueue_disable_cb(t.vq);
		t.cb_on = false;
		return;
	}
	t.cb_on = true;
	if (!virtqueue_enable_cb(t.vq)) {
		/* Buffers were used meanwhile: no interrupt comes for them; take them now. */
		while (t.fifo_head != t.fifo_tail)
			step_get();
	}
}

/* Everything still out comes back: the device wakes, takes, completes; we get. */
static void drain(void)
{
	sim_kick(&t.sim);
	do {
		while (t.sim.nr_inflight)
			step_complete();
		while (t.fifo_head != t.fifo_tail)
			step_get();
	} while (sim_fetch(&t.sim, 64));
	CHECK(virtqueue_get_buf(t.vq, &(unsigned int){ 0 }) == NULL);
	CHECK(virtqueue_num_in_flight(t.vq) == 0);
}

static void random_run(unsigned int num, bool indirect, bool event, int steps)
{
	setup(num, 64, indirect, event);
	for (int i = 0; i < steps; i++) {
		unsigned int r = rnd() % 100;

		if (r < 30)
			step_add();
		else if (r < 42)
			step_kick();
		else if (r < 54 && !t.sim.asleep)
			sim_fetch(&t.sim, 1 + rnd() % 8);
		else if (r < 58 && !t.sim.asleep)
			sim_try_sleep(&t.sim);
		else if (r < 74)
			step_complete();
		else if (r < 94)
			step_get();
		else
			step_callbacks();
	}
	drain();
	CHECK(t.lost_kicks == 0);
	CHECK(t.lost_irqs == 0);
	CHECK(t.sim.bad_chains == 0);
	CHECK(t.vq->errors.bad_id + t.vq->errors.not_in_flight + t.vq->errors.bad_len +
		      t.vq->errors.bad_idx ==
	      0);
	CHECK(t.sim.kicks > 0 && t.sim.interrupts > 0);
	teardown();
}

HTEST(random_direct_no_event)
{
	random_run(16, false, false, 40000);
}
HTEST(random_indirect_no_event)
{
	random_run(16, true, false, 40000);
}
HTEST(random_direct_event_idx)
{
	random_run(16, false, true, 40000);
}
HTEST(random_indirect_event_idx)
{
	random_run(16, true, true, 40000);
}
HTEST(random_tiny_ring)
{
	random_run(2, false, true, 20000);
}
HTEST(random_big_ring)
{
	random_run(256, true, true, 40000);
}

/* ---- directed cases ---------------------------------------------------------- */

/* One token of @nout + @nin pieces, added; on failure a CHECK fails and it comes back empty. */
static struct token *add_one(unsigned int nout, unsigned int nin)
{
	struct token *k = make_token(nout, nin);
	int ret = add_token(k);

	CHECK(ret == 0);
	if (ret)
		free_token(k); /* zeroed: the test goes on and fails, never runs out of tokens */
	return k;
}

HTEST(layout_legacy_used_ring_on_a_page)
{
	setup(256, VRING_LEGACY_ALIGN, false, false);
	/* 2.7.2: desc 4096 + avail 6+512, padded to 8192, + used 6+2048. */
	CHECK(vring_size(256, VRING_LEGACY_ALIGN) == 8192 + 6 + 8 * 256);
	CHECK(virtqueue_get_desc_addr(t.vq) % 4096 == 0);
	CHECK(virtqueue_get_avail_addr(t.vq) == virtqueue_get_desc_addr(t.vq) + 16 * 256);
	CHECK(virtqueue_get_used_addr(t.vq) == virtqueue_get_desc_addr(t.vq) + 8192);
	teardown();
	setup(8, VRING_USED_ALIGN_SIZE, false, false);
	/* Modern: each part only at its own alignment (16, 2, 4). */
	CHECK(virtqueue_get_used_addr(t.vq) ==
	      ALIGN_UP(virtqueue_get_avail_addr(t.vq) + 2 * (3 + 8), VRING_USED_ALIGN_SIZE));
	teardown();
}

HTEST(create_rejects_bad_sizes)
{
	struct virtio_device vdev = { .features = 0 };

	INIT_LIST_HEAD(&vdev.vqs);
	setup(4, 64, false, false); /* the arena */
	teardown();
	CHECK(!vring_create_virtqueue(0, 0, 64, &vdev, true, false, false, sim_notify, NULL, "q"));
	CHECK(!vring_create_virtqueue(0, 3, 64, &vdev, true, false, false, sim_notify, NULL, "q"));
	CHECK(!vring_create_virtqueue(0, 65536, 64, &vdev, 1, 0, 0, sim_notify, NULL, "q"));
	CHECK(!vring_create_virtqueue(0, 8, 3, &vdev, true, false, false, sim_notify, NULL, "q"));
	CHECK(host_mm_live_pages() == 0 && host_mm_live_kmallocs() == 0);
}

HTEST(create_reduces_num_when_memory_is_short)
{
	struct virtio_device vdev = { .features = 0 };
	struct virtqueue *vq;

	INIT_LIST_HEAD(&vdev.vqs);
	arena();
	host_mm_fail_pages(1);
	vq = vring_create_virtqueue(0, 256, 64, &vdev, true, true, false, sim_notify, NULL, "q");
	CHECK(vq && virtqueue_get_vring_size(vq) == 128);
	if (vq)
		vring_del_virtqueue(vq);
	host_mm_fail_pages(1);
	CHECK(!vring_create_virtqueue(0, 256, 64, &vdev, true, false, false, sim_notify, 0, "q"));
	host_mm_fail_pages(0);
	CHECK(host_mm_live_pages() == 0 && host_mm_live_kmallocs() == 0);
}

HTEST(add_rejects_empty_oversized_and_tokenless)
{
	struct scatterlist sg[5], *sgs[1] = { sg };
	char *buf;

	setup(4, 64, false, false); /* first: kmalloc needs the arena */
	buf = kmalloc(64, GFP_KERNEL);
	sg_init_table(sg, 5);
	for (int i = 0; i < 5; i++)
		sg_set_buf(&sg[i], buf, 8);
	CHECK(virtqueue_add_sgs(t.vq, sgs, 0, 0, buf, GFP_ATOMIC) == -EINVAL);
	CHECK(virtqueue_add_outbuf(t.vq, sg, 0, buf, GFP_ATOMIC) == -EINVAL); /* no pieces */
	CHECK(t.vq->num_free == 4);
	CHECK(virtqueue_add_outbuf(t.vq, sg, 5, buf, GFP_ATOMIC) == -EINVAL); /* 5 > ring of 4 */
	CHECK(virtqueue_add_outbuf(t.vq, sg, 1, NULL, GFP_ATOMIC) == -EINVAL);
	CHECK(virtqueue_add_outbuf(t.vq, sg, 4, buf, GFP_ATOMIC) == 0); /* exactly the ring */
	CHECK(virtqueue_add_outbuf(t.vq, sg, 1, buf + 1, GFP_ATOMIC) == -ENOSPC);
	CHECK(virtqueue_detach_unused_buf(t.vq) == buf);
	kfree(buf);
	teardown();
}

HTEST(indirect_takes_one_descriptor_and_falls_back_when_kmalloc_fails)
{
	struct token *a, *b;

	setup(8, 64, true, false);
	a = add_one(2, 1);
	CHECK(a->descs == 1);
	host_mm_fail_atomic_kmalloc(1);
	b = add_one(2, 1);
	CHECK(b->descs == 3); /* direct chain: the table could not be had */
	drain();
	teardown();
}

HTEST(kick_follows_no_notify_without_event_idx)
{
	setup(8, 64, false, false);
	sim_kick(&t.sim); /* awake: the device sets NO_NOTIFY */
	add_one(1, 0);
	CHECK(!virtqueue_kick_prepare(t.vq));
	sim_fetch(&t.sim, 8);
	CHECK(sim_try_sleep(&t.sim)); /* asleep: flags back to 0 */
	add_one(1, 0);
	CHECK(virtqueue_kick_prepare(t.vq));
	drain();
	teardown();
}

HTEST(kick_follows_avail_event_with_event_idx)
{
	setup(8, 64, false, true);
	add_one(1, 0);
	CHECK(virtqueue_kick_prepare(t.vq)); /* avail_event 0: wants to hear of entry 0 */
	virtqueue_notify(t.vq);
	add_one(1, 0);
	CHECK(!virtqueue_kick_prepare(t.vq)); /* still 0: already told, device is awake */
	sim_fetch(&t.sim, 8);		      /* avail_event = 2 */
	add_one(1, 0);
	CHECK(virtqueue_kick_prepare(t.vq)); /* entry 2 crosses it */
	drain();
	teardown();
}

HTEST(disable_cb_suppresses_and_enable_cb_reports_pending)
{
	for (int event = 0; event < 2; event++) {
		setup(8, 64, false, event);
		add_one(0, 1);
		add_one(0, 1);
		virtqueue_kick(t.vq);
		sim_fetch(&t.sim, 8);
		virtqueue_disable_cb(t.vq);
		t.cb_on = false;
		CHECK(!complete_at(0, 4));
		CHECK(!virtqueue_enable_cb(t.vq)); /* one used meanwhile: poll, no interrupt */
		step_get();
		CHECK(virtqueue_enable_cb(t.vq));
		CHECK(complete_at(0, 4)); /* now it interrupts */
		CHECK(vring_interrupt(0, t.vq) == IRQ_HANDLED && t.callbacks == 1);
		drain();
		teardown();
	}
}

HTEST(enable_cb_delayed_waits_for_three_quarters)
{
	unsigned int irqs = 0;

	setup(16, 64, false, true);
	for (int i = 0; i < 8; i++)
		add_one(1, 0);
	virtqueue_kick(t.vq);
	sim_fetch(&t.sim, 16);
	virtqueue_disable_cb(t.vq);
	CHECK(virtqueue_enable_cb_delayed(t.vq)); /* used_event = 0 + 6 */
	for (int i = 0; i < 8; i++) {
		bool irq = complete_at(0, 0);

		irqs += irq;
		CHECK(irq == (i == 6)); /* the 7th entry is index 6: the first past used_event */
	}
	CHECK(irqs == 1);
	drain();
	teardown();
}

HTEST(vring_interrupt_is_none_when_nothing_was_used)
{
	setup(4, 64, false, false);
	CHECK(vring_interrupt(0, t.vq) == IRQ_NONE && t.callbacks == 0);
	teardown();
}

HTEST(detach_unused_returns_every_token_once)
{
	struct token *k[6];
	unsigned int seen = 0;

	setup(16, 64, true, true);
	for (int i = 0; i < 6; i++)
		k[i] = add_one(1 + i % 2, i % 3);
	virtqueue_kick(t.vq);
	sim_fetch(&t.sim, 3); /* some taken by the device, some not: all come back */
	for (struct token *x; (x = virtqueue_detach_unused_buf(t.vq));) {
		for (int i = 0; i < 6; i++)
			if (x == k[i])
				seen |= 1u << i;
		free_token(x);
	}
	CHECK(seen == 0x3f);
	teardown();
}

HTEST(descriptor_table_scribbles_do_not_matter)
{
	setup(8, 64, false, false);
	for (int round = 0; round < 20; round++) {
		struct token *k = add_one(2, 1);
		u16 head;

		virtqueue_kick(t.vq);
		sim_fetch(&t.sim, 8);
		head = t.sim.inflight[0].head;
		t.sim.nr_inflight = 0;
		/* A device that writes what it should only read: the driver never reads it back. */
		memset(__va(virtqueue_get_desc_addr(t.vq)), 0xff, 16 * 8);
		sim_push_raw(&t.sim, head, 0, 1);
		CHECK(virtqueue_get_buf(t.vq, &(unsigned int){ 0 }) == k);
		free_token(k);
	}
	CHECK(t.vq->num_free == 8);
	teardown();
}

/* ---- the hostile device ---------------------------------------------------------- */

HTEST(hostile_used_id_out_of_range_is_counted_and_dropped)
{
	struct token *k;
	unsigned int len = 123;

	setup(8, 64, false, false);
	k = add_one(0, 1);
	virtqueue_kick(t.vq);
	sim_fetch(&t.sim, 8);
	sim_push_raw(&t.sim, 8, 4, 1); /* one past the end */
	sim_push_raw(&t.sim, 0xffffffff, 4, 1);
	CHECK(virtqueue_get_buf(t.vq, &len) == NULL && len == 123);
	CHECK(t.vq->errors.bad_id == 2);
	CHECK(virtqueue_num_in_flight(t.vq) == 1 && !virtqueue_is_broken(t.vq));
	complete_at(0, 1); /* the real completion still works */
	CHECK(virtqueue_get_buf(t.vq, &len) == k && len == 1);
	free_token(k);
	teardown();
}

HTEST(hostile_used_id_not_in_flight_is_counted_and_dropped)
{
	struct token *k;

	setup(8, 64, false, false);
	k = add_one(2, 1); /* a fresh ring: descriptors 0 (head), 1, 2 */
	virtqueue_kick(t.vq);
	sim_fetch(&t.sim, 8);
	sim_push_raw(&t.sim, 1, 0, 1); /* the middle of a chain */
	sim_push_raw(&t.sim, 5, 0, 1); /* a free descriptor */
	CHECK(virtqueue_get_buf(t.vq, &(unsigned int){ 0 }) == NULL);
	CHECK(t.vq->errors.not_in_flight == 2);
	sim_push_raw(&t.sim, 0, 0, 1); /* the real one */
	sim_push_raw(&t.sim, 0, 0, 1); /* ... twice */
	CHECK(virtqueue_get_buf(t.vq, &(unsigned int){ 0 }) == k);
	CHECK(virtqueue_get_buf(t.vq, &(unsigned int){ 0 }) == NULL);
	CHECK(t.vq->errors.not_in_flight == 3 && t.vq->num_free == 8);
	free_token(k);
	teardown();
}

HTEST(hostile_used_len_past_buffer_returns_token_with_zero)
{
	struct token *k;
	unsigned int len = 99;

	setup(8, 64, true, false);
	k = add_one(1, 2);
	virtqueue_kick(t.vq);
	sim_fetch(&t.sim, 8);
	sim_push_raw(&t.sim, t.sim.inflight[0].head, k->in_cap + 1, 1);
	CHECK(virtqueue_get_buf(t.vq, &len) == k && len == 0); /* back to its owner, no data */
	CHECK(t.vq->errors.bad_len == 1);
	free_token(k);
	teardown();
}

HTEST(hostile_used_idx_jump_breaks_the_queue)
{
	struct scatterlist sg = { 0 };
	struct token *k;

	setup(8, 64, false, true);
	k = add_one(1, 1);
	virtqueue_kick(t.vq);
	sim_fetch(&t.sim, 8);
	sim_push_raw(&t.sim, t.sim.inflight[0].head, 0, 9); /* 9 new entries in a ring of 8 */
	CHECK(virtqueue_get_buf(t.vq, &(unsigned int){ 0 }) == NULL);
	CHECK(t.vq->errors.bad_idx == 1 && virtqueue_is_broken(t.vq));
	CHECK(virtqueue_add_inbuf(t.vq, &sg, 1, k, GFP_ATOMIC) == -EIO);
	CHECK(!virtqueue_notify(t.vq));
	CHECK(!virtqueue_poll(t.vq, 0));
	teardown(); /* after the reset its buffers still come back */
}

HTEST(hostile_garbage_storm_never_returns_a_wrong_token)
{
	unsigned int returned = 0, pushed = 0, bad;

	setup(16, 64, true, false);
	for (int i = 0; i < 20000; i++) {
		unsigned int r = rnd() % 10;
		unsigned int len;
		struct token *k;

		if (r < 3 && t.vq->num_free) {
			add_one(rnd() % 3, 1);
		} else if (r < 6 && pushed < 16) {
			/* Any id, any length; at most a ringful (more breaks the queue). */
			sim_push_raw(&t.sim, rnd() % 40, rnd() % 1000, 1);
			pushed++;
		} else {
			while ((k = virtqueue_get_buf(t.vq, &len))) {
				CHECK(k->live && len <= k->in_cap);
				free_token(k);
				returned++;
			}
			pushed = 0; /* all consumed */
		}
	}
	bad = t.vq->errors.bad_id + t.vq->errors.not_in_flight + t.vq->errors.bad_len;
	CHECK(bad > 0 && t.vq->errors.bad_idx == 0 && returned > 0);
	teardown(); /* every token not returned comes back from detach_unused_buf */
}

static const struct htest tests[] = {
	HTEST_ENTRY(random_direct_no_event),
	HTEST_ENTRY(random_indirect_no_event),
	HTEST_ENTRY(random_direct_event_idx),
	HTEST_ENTRY(random_indirect_event_idx),
	HTEST_ENTRY(random_tiny_ring),
	HTEST_ENTRY(random_big_ring),
	HTEST_ENTRY(layout_legacy_used_ring_on_a_page),
	HTEST_ENTRY(create_rejects_bad_sizes),
	HTEST_ENTRY(create_reduces_num_when_memory_is_short),
	HTEST_ENTRY(add_rejects_empty_oversized_and_tokenless),
	HTEST_ENTRY(indirect_takes_one_descriptor_and_falls_back_when_kmalloc_fails),
	HTEST_ENTRY(kick_follows_no_notify_without_event_idx),
	HTEST_ENTRY(kick_follows_avail_event_with_event_idx),
	HTEST_ENTRY(disable_cb_suppresses_and_enable_cb_reports_pending),
	HTEST_ENTRY(enable_cb_delayed_waits_for_three_quarters),
	HTEST_ENTRY(vring_interrupt_is_none_when_nothing_was_used),
	HTEST_ENTRY(detach_unused_returns_every_token_once),
	HTEST_ENTRY(descriptor_table_scribbles_do_not_matter),
	HTEST_ENTRY(hostile_used_id_out_of_range_is_counted_and_dropped),
	HTEST_ENTRY(hostile_used_id_not_in_flight_is_counted_and_dropped),
	HTEST_ENTRY(hostile_used_len_past_buffer_returns_token_with_zero),
	HTEST_ENTRY(hostile_used_idx_jump_breaks_the_queue),
	HTEST_ENTRY(hostile_garbage_storm_never_returns_a_wrong_token),
};

int main(void)
{
	return htest_main("test_virtio_ring", tests, HTEST_COUNT(tests));
}
