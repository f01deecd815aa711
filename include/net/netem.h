/*
 * SPDX-License-Identifier: MIT
 * net/netem.h - a network emulator on a device: packets lost, duplicated,
 * corrupted, delayed and reordered on purpose, on receive and on transmit.
 *
 * QEMU's user network never loses a packet, so a protocol's recovery (a
 * UDP client's retries today, TCP's retransmissions tomorrow) would never
 * run.  netem makes the wire bad in a way a test can predict exactly:
 *
 *   > netem eth0 tx loss 5% duplicate 2% reorder 10% delay 20ms seed 7
 *   > netem eth0 off
 *   kernel command line: netem=eth0.tx:loss=5%,delay=20ms
 *
 * Where it sits (docs/network.md, "netem: losing packets on purpose"):
 *
 *   dev_queue_xmit  --[dev->netem? netem_xmit]-->  __dev_queue_xmit --> driver
 *   NAPI poll --> netif_receive_skb --[dev->netem? netem_receive]--> ip_rcv/arp_rcv
 *
 * Each packet, as 3.10's sch_netem decides it (netem_enqueue), one draw
 * from the direction's generator per question asked, in this order:
 *
 *   1. duplicate?  (only if duplicate > 0)      one more copy
 *   2. lost?       (only if loss > 0)           one copy fewer; none left: dropped
 *   3. the copy (if any) goes through 2-5 itself, duplication off
 *   4. corrupt?    (only if corrupt > 0)        one bit flipped: 2 more draws
 *   5. reorder?    (only if reorder > 0)        yes: sent at once, ahead of
 *                                               the waiting ones
 *                  no (or no reorder): waits delay (+ a jitter draw if jitter
 *                  > 0) on the device's queue, ordered by send time; beyond
 *                  limit packets waiting it is dropped
 *
 * The hot path when netem is off costs one load and one test of
 * dev->netem (NULL).
 */
#ifndef NET_NETEM_H
#define NET_NETEM_H

#include <kernel/time.h>
#include <kernel/types.h>

struct net_device;
struct sk_buff;

enum netem_direction {
	NETEM_RX,
	NETEM_TX,
	NETEM_NDIRS,
};
#define NETEM_BOTH ((1U << NETEM_RX) | (1U << NETEM_TX))

#define NETEM_PPM_100	    1000000U /* 100% in the unit percentages are kept in */
#define NETEM_LIMIT_DEFAULT 1000U    /* 3.10's netem default (tc's "limit 1000") */
#define NETEM_LIMIT_MAX	    100000U
#define NETEM_DELAY_MAX_MS  60000U
#define NETEM_SEED_DEFAULT  1U

/*
 * One direction's settings.  Probabilities are kept as typed, in
 * millionths (5% = 50000, 0.5% = 5000), and as the 32-bit threshold 3.10
 * compares a draw with (tc's scale: p/100 of UINT32_MAX; an event
 * happens when threshold >= draw).
 */
struct netem_config {
	u32 loss_ppm, duplicate_ppm, reorder_ppm, corrupt_ppm;
	u32 loss, duplicate, reorder, corrupt; /* thresholds, from the ppm */
	unsigned int delay_ms;		       /* jiffies too: HZ is 1000 */
	unsigned int jitter_ms; /* delay is uniform in [delay - jitter, delay + jitter) */
	unsigned int limit;	/* packets that may wait; more are dropped */
	u32 seed;
	bool seed_set; /* seed was given: the generator restarts from it */
};

/* One direction's counters since netem was switched on for it. */
struct netem_stats {
	unsigned long passed;	   /* handed on: at once or after waiting */
	unsigned long lost;	   /* dropped by the loss draw (SKB_DROP_REASON_NETEM) */
	unsigned long duplicated;  /* copies made */
	unsigned long corrupted;   /* a bit flipped */
	unsigned long reordered;   /* sent at once, ahead of the waiting ones */
	unsigned long delayed;	   /* put on the queue */
	unsigned long limit_drops; /* queue full (SKB_DROP_REASON_QDISC_DROP) */
	unsigned long down_drops;  /* waiting when the device went down (DEV_DOWN) */
	unsigned long nomem;	   /* a copy could not be made */
	unsigned int queued;	   /* waiting now */
};

/*
 * The generator, one per direction: splitmix64, seeded with the seed as
 * it is.  3.10 draws from net_random() (per CPU, seeded from entropy); we
 * from one seeded generator, so a test computes which packets fall.
 */
static inline u32 netem_prandom_u32(u64 *state)
{
	u64 z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (u32)((z ^ (z >> 31)) >> 32);
}

/* The threshold for @ppm millionths: 100% is UINT32_MAX (every draw), 0 never. */
static inline u32 netem_ppm_to_prob(u32 ppm)
{
	return (u32)(((u64)ppm * 0xffffffffULL + NETEM_PPM_100 / 2) / NETEM_PPM_100);
}

/*
 * The hooks: dev_queue_xmit and netif_receive_skb call these when
 * dev->netem is set.  Each consumes @skb.  netem_xmit returns
 * NET_XMIT_SUCCESS (sent, waiting, or lost on the "wire") or NET_XMIT_DROP
 * (queue full, or the driver path dropped it); netem_receive NET_RX_SUCCESS
 * or NET_RX_DROP (lost, queue full).  Context: as their callers.
 */
int netem_xmit(struct sk_buff *skb);
int netem_receive(struct sk_buff *skb);

/*
 * netem_change - switch netem on for the directions in @dirs (1 << NETEM_RX,
 * 1 << NETEM_TX) of @dev with @cfg, or change their settings: what waits
 * stays waiting, the counters go on, the generator restarts only if
 * cfg->seed_set.  Returns 0 or -ENOMEM.  Context: thread.
 */
int netem_change(struct net_device *dev, unsigned int dirs, const struct netem_config *cfg);

/*
 * netem_off - switch netem off for @dirs of @dev: what waits is handed on
 * now, in order; with both directions off the state is freed and
 * dev->netem is NULL again.  Context: thread, may sleep.
 */
void netem_off(struct net_device *dev, unsigned int dirs);

/*
 * netem_get - @dir's settings and counters into @cfg and @st (either may
 * be NULL).  Returns false when netem is off in that direction.
 */
bool netem_get(struct net_device *dev, enum netem_direction dir, struct netem_config *cfg,
	       struct netem_stats *st);

/* dev_close: drop what waits (DEV_DOWN), keep the settings.  Context: thread. */
void netem_dev_down(struct net_device *dev);

/*
 * netem_parse - read settings from words: [rx|tx] off, or [rx|tx] and
 * "key value" pairs (loss 5%, duplicate 2%, reorder 10%, corrupt 0.1%,
 * delay 20ms, jitter 5ms, limit 1000, seed 42).  Fills @dirs, @cfg (every
 * setting not named is 0, limit NETEM_LIMIT_DEFAULT) and @off.  Returns 0,
 * or -EINVAL with one line in @err saying what was wrong.
 */
int netem_parse(int argc, char **argv, unsigned int *dirs, struct netem_config *cfg, bool *off,
		char *err, size_t errlen);

/*
 * netem_cmdline_apply - apply a netem= value: specs separated by ';', each
 * DEV[.rx|.tx]:key=value,key=value (or DEV[.rx|.tx]:off).  Each bad spec is
 * reported, counted in netem_cmdline_errors and changes nothing.  Returns
 * the number of bad specs.  Context: thread.
 */
int netem_cmdline_apply(const char *value);
extern unsigned long netem_cmdline_errors;

#endif
