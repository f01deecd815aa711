/*
 * SPDX-License-Identifier: MIT
 * tests/host/virtio_sim.h - a virtio device in software, for driving
 * drivers/virtio/virtio_ring.c on the host (tests/host/test_virtio_ring.c).
 *
 * It plays the device's half of the split virtqueue (virtio 1.2, 2.7):
 * it sees the rings only through their physical addresses, as DMA would,
 * takes chains from the available ring (checking them as a careful device
 * does: indexes, loops, indirect tables, addresses inside allocated memory),
 * and puts them on the used ring, in any order the test asks, after
 * writing a pattern into their device-writable bytes.  It keeps the
 * notification protocol honestly (2.7.7, 2.7.10): when it has nothing to
 * do it goes to sleep and from then on needs a kick, and it interrupts the
 * driver only when the driver's flags or used_event ask for it.
 *
 * The hostile half (sim_push_raw) writes whatever the test wants into the
 * used ring: the driver must count and survive it.
 */
#ifndef TESTS_HOST_VIRTIO_SIM_H
#define TESTS_HOST_VIRTIO_SIM_H

#include <drivers/virtio_ring.h>
#include <kernel/types.h>

#define SIM_MAX_INFLIGHT 1024

struct sim_req {
	u16 head;	/* the chain's head descriptor */
	u32 out_len;	/* device-readable bytes */
	u32 in_cap;	/* device-writable bytes */
	u32 out_sum;	/* a sum of the readable bytes: the data the driver sent */
	u64 first_addr; /* address of its first buffer: which of the driver's it is */
	u32 written;	/* set by sim_complete: bytes it wrote */
};

struct sim_dev {
	unsigned int num;
	u64 desc_pa, avail_pa, used_pa;
	bool event_idx;			 /* EVENT_IDX negotiated */
	bool indirect;			 /* INDIRECT_DESC negotiated: accept indirect descriptors */
	bool (*dma_ok)(u64 pa, u64 len); /* the test's: is this memory allocated? */

	u16 last_avail; /* next available entry to take */
	u16 used_idx;	/* the device's used->idx */
	bool asleep;	/* waiting for a kick: has said so in flags / avail_event */

	struct sim_req inflight[SIM_MAX_INFLIGHT]; /* taken, not yet used */
	unsigned int nr_inflight;

	unsigned long kicks;	  /* notifications received */
	unsigned long interrupts; /* used buffer notifications sent */
	unsigned long bad_chains; /* chains a careful device refused: driver bugs */
	u32 fill_seed;		  /* pattern of the bytes it writes */
};

/* Attach to the rings of @vq (their physical addresses); device starts awake. */
void sim_init(struct sim_dev *s, struct virtqueue *vq, bool event_idx, bool indirect,
	      bool (*dma_ok)(u64 pa, u64 len));

/* The driver's notify: wakes the device.  Always true. */
void sim_kick(struct sim_dev *s);

/* Take up to @max chains from the available ring; returns how many. */
unsigned int sim_fetch(struct sim_dev *s, unsigned int max);

/*
 * Go to sleep: ask for a kick (flags or avail_event), then look at the
 * available ring once more (the race-free order); returns false (stays
 * awake) if the driver added something meanwhile.
 */
bool sim_try_sleep(struct sim_dev *s);

/* true if the available ring has entries the device has not taken. */
bool sim_avail_pending(const struct sim_dev *s);

/*
 * Finish in-flight request @i (0..nr_inflight-1): write @written bytes
 * (at most its in_cap) of pattern, put it on the used ring, interrupt if
 * the driver asked.  Returns true if it interrupted; *@done gets the
 * request (with ->written set).
 */
bool sim_complete(struct sim_dev *s, unsigned int i, u32 written, struct sim_req *done);

/* The byte the device writes at offset @off for the request whose first buffer is at @key. */
u8 sim_pattern(u64 key, u32 off);

/* Hostile: put {id, len} on the used ring and move used->idx by @idx_step (no checks). */
void sim_push_raw(struct sim_dev *s, u32 id, u32 len, u16 idx_step);

#endif
