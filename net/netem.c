/*
 * SPDX-License-Identifier: MIT
 * net/netem.c - the network emulator: loss, duplication, corruption, delay
 * and reordering on a device's receive and transmit paths (3.10's
 * net/sched/sch_netem.c, as a hook rather than a qdisc).
 *
 * State: dev->netem points to a struct netem_sched while netem is on in
 * either direction, NULL otherwise, so dev_queue_xmit and
 * netif_receive_skb pay one test when it is off.  Each direction has its
 * settings, generator, counters, a queue ordered by send time and a timer:
 *
 *   dev->netem --> netem_sched
 *                  +-- dir[NETEM_RX]: cfg, rnd, stats, tfifo, timer
 *                  +-- dir[NETEM_TX]: cfg, rnd, stats, tfifo, timer
 *
 *   tfifo (send time, jiffies):  [105] -> [105] -> [118] -> [131]
 *                                  ^ head: the timer is armed for it
 *
 * A packet that must wait is put after every packet due at the same time
 * or earlier (3.10's tfifo_enqueue), so equal delays keep their order and
 * a jittered one can pass another.  The timer (softirq) takes the due ones
 * off and hands them on: TX to __dev_queue_xmit, the driver path
 * dev_queue_xmit takes after its hook; RX to netif_deliver_skb, the
 * protocol demux.
 *
 * Locking: dev->netem_lock (bottom halves off) covers dev->netem and
 * everything in the netem_sched.  A change of settings is made in place
 * under it, so a CPU sending or receiving sees the old settings or the new
 * ones, never half.  Packets are dropped and handed on only after the lock
 * is released: a packet handed on may come back (an ICMP echo answered on
 * the same device), and a dropped one may run a socket's destructor.
 * Switching off clears dev->netem under the lock, so a packet arriving
 * later passes by; then del_timer_sync waits for a timer run in progress,
 * and only then is the memory freed: nothing can still point at it.
 * 3.10 swaps a qdisc with RCU (dev_graft_qdisc, synchronize_net); we have
 * no RCU and use the lock, taken only while netem is on.
 */
#include <errno.h>
#include <kernel/cmdline.h>
#include <kernel/init.h>
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <kernel/softirq.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <kernel/trace.h>
#include <mm/slab.h>
#include <net/netdevice.h>
#include <net/netem.h>
#include <net/skb_queue.h>
#include <stdio.h>
#include <string.h>

#include "net_internal.h"

/* A packet's send time while it waits (3.10's netem_skb_cb; we have no qdisc cb, so cb[0..]). */
struct netem_skb_cb {
	unsigned long time_to_send;  /* jiffies */
	enum skb_drop_reason reason; /* on the to-drop list: why */
};

static inline struct netem_skb_cb *netem_skb_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct netem_skb_cb) > sizeof(skb->cb));
	return (struct netem_skb_cb *)skb->cb;
}

struct netem_dir {
	struct net_device *dev;
	enum netem_direction dir;
	bool on;
	struct netem_config cfg;
	u64 rnd;     /* the generator's state */
	u32 counter; /* packets delayed since the last one reordered (3.10's) */
	struct netem_stats stats;
	struct sk_buff_head tfifo; /* waiting, by send time; its lock unused (netem_lock) */
	struct timer_list timer;
};

struct netem_sched {
	struct netem_dir dir[NETEM_NDIRS];
};

/* What one decision made: packets to hand on now, and packets to drop. */
struct netem_out {
	struct sk_buff_head pass;
	struct sk_buff_head drop;
};

unsigned long netem_cmdline_errors;

static const char *const netem_dir_name[NETEM_NDIRS] = { "rx", "tx" };

/* ---- deciding ------------------------------------------------------------------ */

static u32 netem_draw(struct netem_dir *d)
{
	return netem_prandom_u32(&d->rnd);
}

static void netem_to_drop(struct netem_out *out, struct sk_buff *skb, enum skb_drop_reason why)
{
	netem_skb_cb(skb)->reason = why;
	__skb_queue_tail(&out->drop, skb);
}

/* 3.10's tabledist without a table: uniform in [delay - jitter, delay + jitter). */
static long netem_delay(struct netem_dir *d)
{
	long delay = d->cfg.delay_ms;

	if (d->cfg.jitter_ms) {
		u32 span = 2 * d->cfg.jitter_ms;

		delay += (long)(netem_draw(d) % span) - (long)d->cfg.jitter_ms;
	}
	return delay;
}

/* Put @skb on the queue after every packet due no later (3.10's tfifo_enqueue).  Under the lock. */
static void netem_tfifo_enqueue(struct netem_dir *d, struct sk_buff *skb)
{
	unsigned long when = netem_skb_cb(skb)->time_to_send;
	struct sk_buff *pos = skb_peek_tail(&d->tfifo);

	while (pos && time_before(when, netem_skb_cb(pos)->time_to_send))
		pos = pos->prev == (struct sk_buff *)&d->tfifo ? NULL : pos->prev;
	if (pos)
		__skb_insert(skb, pos, pos->next, &d->tfifo);
	else
		__skb_queue_head(&d->tfifo, skb);
	d->stats.delayed++;
}

/* Flip one bit somewhere in the packet (3.10: a random byte of the linear data, a random bit). */
static struct sk_buff *netem_corrupt(struct netem_dir *d, struct sk_buff *skb,
				     struct netem_out *out)
{
	u32 byte = netem_draw(d), bit = netem_draw(d);

	skb = skb_unshare(skb, GFP_ATOMIC); /* a clone's bytes are shared: copy first */
	if (!skb) {
		d->stats.nomem++;
		return NULL;
	}
	if (skb->len)
		skb->data[byte % skb->len] ^= (u8)(1U << (bit % 8));
	d->stats.corrupted++;
	return skb;
}

/*
 * One packet through the decisions (the head of net/netem.h lists them).
 * @dup: duplication allowed (not for the copy itself).  Under the lock.
 */
static void netem_enqueue(struct netem_dir *d, struct sk_buff *skb, bool dup, struct netem_out *out)
{
	const struct netem_config *c = &d->cfg;
	int count = 1;

	if (dup && c->duplicate && c->duplicate >= netem_draw(d))
		count++;
	if (c->loss && c->loss >= netem_draw(d))
		count--;
	if (!count) {
		d->stats.lost++;
		netem_to_drop(out, skb, SKB_DROP_REASON_NETEM);
		return;
	}
	skb_orphan(skb); /* as 3.10: the socket's memory is not held while the packet waits */
	if (count > 1) {
		/*
		 * TX: a clone, as 3.10 (the driver only reads).  RX: a copy, as
		 * the receive path writes into the buffer it is given.
		 */
		struct sk_buff *copy =
			d->dir == NETEM_TX ? skb_clone(skb, GFP_ATOMIC) : skb_copy(skb, GFP_ATOMIC);

		if (copy) {
			d->stats.duplicated++;
			netem_enqueue(d, copy, false, out);
		} else {
			d->stats.nomem++;
		}
	}
	if (c->corrupt && c->corrupt >= netem_draw(d)) {
		skb = netem_corrupt(d, skb, out);
		if (!skb)
			return;
	}
	/* reorder p%: gap 1, as tc sets it (3.10: gap == 0 || counter < gap - 1 || draw). */
	if (!c->reorder || c->reorder < netem_draw(d)) {
		long delay = netem_delay(d);

		netem_skb_cb(skb)->time_to_send = jiffies + delay;
		d->counter++;
		if (delay <= 0 && skb_queue_empty(&d->tfifo)) {
			__skb_queue_tail(&out->pass, skb); /* due now and nothing ahead of it */
			d->stats.passed++;
		} else if (skb_queue_len(&d->tfifo) >= c->limit) {
			d->stats.limit_drops++;
			netem_to_drop(out, skb, SKB_DROP_REASON_QDISC_DROP);
		} else {
			netem_tfifo_enqueue(d, skb);
		}
	} else {
		/* Sent at once, ahead of every packet waiting (3.10: at the queue's head). */
		d->counter = 0;
		d->stats.reordered++;
		d->stats.passed++;
		__skb_queue_tail(&out->pass, skb);
	}
}

/* Move the packets due by now to @out->pass, and arm the timer for the next.  Under the lock. */
static void netem_dequeue_due(struct netem_dir *d, struct netem_out *out)
{
	struct sk_buff *skb;

	while ((skb = skb_peek(&d->tfifo)) &&
	       time_after_eq(jiffies, netem_skb_cb(skb)->time_to_send)) {
		__skb_unlink(skb, &d->tfifo);
		__skb_queue_tail(&out->pass, skb);
		d->stats.passed++;
	}
	skb = skb_peek(&d->tfifo);
	if (skb)
		mod_timer(&d->timer, netem_skb_cb(skb)->time_to_send);
	d->stats.queued = skb_queue_len(&d->tfifo);
}

/* ---- handing on ---------------------------------------------------------------- */

/* Move every packet of @from to the tail of @to, in order (no locks: the caller's). */
static void netem_splice(struct sk_buff_head *from, struct sk_buff_head *to)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(from)))
		__skb_queue_tail(to, skb);
}

static void netem_out_init(struct netem_out *out)
{
	__skb_queue_head_init(&out->pass);
	__skb_queue_head_init(&out->drop);
}

/* Outside the lock: drop what was dropped, hand on the rest in order. */
static void netem_flush(struct net_device *dev, enum netem_direction dir, struct netem_out *out)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(&out->drop))) {
		if (netem_skb_cb(skb)->reason == SKB_DROP_REASON_NETEM)
			trace_tcp_skb(TE_TCP_NETEM_DROP, NULL, skb, dir == NETEM_TX);
		skb_drop(skb, netem_skb_cb(skb)->reason);
	}
	while ((skb = __skb_dequeue(&out->pass))) {
		memset(skb->cb, 0, sizeof(skb->cb)); /* the next layer's, clean */
		if (dir == NETEM_TX)
			__dev_queue_xmit(skb);
		else if (!netif_running(dev))
			skb_drop(skb, SKB_DROP_REASON_DEV_DOWN);
		else
			netif_deliver_skb(skb);
	}
}

/* The hooks' common part.  Returns false if netem is off in @dir (the caller passes @skb by). */
static bool netem_hook(struct net_device *dev, enum netem_direction dir, struct sk_buff *skb,
		       struct netem_out *out, bool *dropped)
{
	struct netem_sched *q;
	struct netem_dir *d;

	netem_out_init(out);
	spin_lock_bh(&dev->netem_lock);
	q = dev->netem;
	/* Off, or the device is going down: dev_close clears IFF_UP, then empties the queue. */
	if (!q || !q->dir[dir].on || !netif_running(dev)) {
		spin_unlock_bh(&dev->netem_lock);
		return false;
	}
	d = &q->dir[dir];
	netem_enqueue(d, skb, true, out);
	/* The packet itself is dropped last, after its copy went its way. */
	*dropped = skb_peek_tail(&out->drop) == skb;
	netem_dequeue_due(d, out);
	spin_unlock_bh(&dev->netem_lock);
	return true;
}

int netem_xmit(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	bool dropped = false, full;
	struct netem_out out;

	if (!netem_hook(dev, NETEM_TX, skb, &out, &dropped))
		return __dev_queue_xmit(skb);
	/* Lost is "sent" (3.10: NET_XMIT_SUCCESS | __NET_XMIT_BYPASS); a full queue is a drop. */
	full = dropped && netem_skb_cb(skb)->reason == SKB_DROP_REASON_QDISC_DROP;
	netem_flush(dev, NETEM_TX, &out);
	return full ? NET_XMIT_DROP : NET_XMIT_SUCCESS;
}

int netem_receive(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	bool dropped = false;
	struct netem_out out;

	if (!netem_hook(dev, NETEM_RX, skb, &out, &dropped))
		return netif_deliver_skb(skb);
	netem_flush(dev, NETEM_RX, &out);
	return dropped ? NET_RX_DROP : NET_RX_SUCCESS;
}

/* The timer: hand on what is due now.  Softirq context. */
static void netem_timer_fn(struct timer_list *t)
{
	struct netem_dir *d = container_of(t, struct netem_dir, timer);
	struct net_device *dev = d->dev;
	enum netem_direction dir = d->dir;
	struct netem_out out;

	netem_out_init(&out);
	spin_lock_bh(&dev->netem_lock);
	if (d->on) /* switched off meanwhile: netem_off hands the queue on itself */
		netem_dequeue_due(d, &out);
	spin_unlock_bh(&dev->netem_lock);
	/* d may be freed from here on (netem_off waits for us in del_timer_sync, not longer) */
	netem_flush(dev, dir, &out);
}

/* ---- switching on, changing, off --------------------------------------------------- */

static struct netem_sched *netem_alloc(struct net_device *dev)
{
	struct netem_sched *q = kzalloc(sizeof(*q), GFP_KERNEL);

	if (!q)
		return NULL;
	for (int i = 0; i < NETEM_NDIRS; i++) {
		struct netem_dir *d = &q->dir[i];

		d->dev = dev;
		d->dir = i;
		__skb_queue_head_init(&d->tfifo);
		timer_setup(&d->timer, netem_timer_fn, 0);
	}
	return q;
}

int netem_change(struct net_device *dev, unsigned int dirs, const struct netem_config *cfg)
{
	struct netem_sched *q, *fresh = NULL;

	if (!READ_ONCE(dev->netem)) {
		fresh = netem_alloc(dev);
		if (!fresh)
			return -ENOMEM;
	}
	spin_lock_bh(&dev->netem_lock);
	q = dev->netem;
	if (!q) {
		q = fresh;
		fresh = NULL;
	}
	for (int i = 0; i < NETEM_NDIRS; i++) {
		struct netem_dir *d = &q->dir[i];

		if (!(dirs & (1U << i)))
			continue;
		u32 old_seed = d->cfg.seed;
		bool was_on = d->on;

		if (cfg->seed_set || !was_on)
			d->rnd = cfg->seed_set ? cfg->seed : NETEM_SEED_DEFAULT;
		if (!was_on)
			memset(&d->stats, 0, sizeof(d->stats));
		d->cfg = *cfg;
		/* The seed shown: the one the generator last started from. */
		if (!cfg->seed_set)
			d->cfg.seed = was_on ? old_seed : NETEM_SEED_DEFAULT;
		d->counter = 0; /* as 3.10's netem_change */
		d->on = true;
	}
	WRITE_ONCE(dev->netem, q); /* published under the lock the hooks take */
	spin_unlock_bh(&dev->netem_lock);
	kfree(fresh); /* another CPU switched it on first */
	return 0;
}

/* Hand on (TX: the driver path; RX: the demux) packets taken off a queue, in order.  Thread. */
static void netem_release(struct net_device *dev, enum netem_direction dir,
			  struct sk_buff_head *list)
{
	struct netem_out out;

	netem_out_init(&out);
	netem_splice(list, &out.pass);
	local_bh_disable();
	netem_flush(dev, dir, &out);
	local_bh_enable();
}

void netem_off(struct net_device *dev, unsigned int dirs)
{
	struct sk_buff_head waiting[NETEM_NDIRS];
	struct netem_sched *q;
	bool free_it;

	spin_lock_bh(&dev->netem_lock);
	q = dev->netem;
	if (!q) {
		spin_unlock_bh(&dev->netem_lock);
		return;
	}
	for (int i = 0; i < NETEM_NDIRS; i++) {
		__skb_queue_head_init(&waiting[i]);
		if (!(dirs & (1U << i)))
			continue;
		q->dir[i].on = false;
		netem_splice(&q->dir[i].tfifo, &waiting[i]);
		q->dir[i].stats.queued = 0;
	}
	free_it = !q->dir[NETEM_RX].on && !q->dir[NETEM_TX].on;
	if (free_it)
		WRITE_ONCE(dev->netem, NULL);
	spin_unlock_bh(&dev->netem_lock);

	for (int i = 0; i < NETEM_NDIRS; i++) {
		if (!(dirs & (1U << i)))
			continue;
		/* A timer run in progress hands on what it took first: the order is kept. */
		del_timer_sync(&q->dir[i].timer);
		netem_release(dev, i, &waiting[i]);
	}
	if (free_it)
		kfree(q);
}

void netem_dev_down(struct net_device *dev)
{
	struct sk_buff_head waiting[NETEM_NDIRS];
	struct netem_sched *q;
	struct sk_buff *skb;

	spin_lock_bh(&dev->netem_lock);
	q = dev->netem;
	for (int i = 0; i < NETEM_NDIRS; i++) {
		__skb_queue_head_init(&waiting[i]);
		if (!q)
			continue;
		netem_splice(&q->dir[i].tfifo, &waiting[i]);
		q->dir[i].stats.down_drops += skb_queue_len(&waiting[i]);
		q->dir[i].stats.queued = 0;
	}
	spin_unlock_bh(&dev->netem_lock);
	if (!q)
		return;
	for (int i = 0; i < NETEM_NDIRS; i++) {
		del_timer_sync(&q->dir[i].timer);
		while ((skb = __skb_dequeue(&waiting[i])))
			skb_drop(skb, SKB_DROP_REASON_DEV_DOWN);
	}
}

bool netem_get(struct net_device *dev, enum netem_direction dir, struct netem_config *cfg,
	       struct netem_stats *st)
{
	struct netem_sched *q;
	bool on;

	spin_lock_bh(&dev->netem_lock);
	q = dev->netem;
	on = q && q->dir[dir].on;
	if (on && cfg)
		*cfg = q->dir[dir].cfg;
	if (on && st)
		*st = q->dir[dir].stats;
	spin_unlock_bh(&dev->netem_lock);
	return on;
}

/* ---- parsing ------------------------------------------------------------------------ */

/* "5%", "0.5%", "100%": millionths of one.  Up to four decimals.  false if not one. */
static bool parse_percent(const char *s, u32 *ppm)
{
	u32 whole = 0, frac = 0, scale = 10000;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9') {
		whole = whole * 10 + (u32)(*p++ - '0');
		if (whole > 100)
			return false;
	}
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9') {
			if (scale == 1)
				return false; /* more than four decimals */
			scale /= 10;
			frac += (u32)(*p++ - '0') * scale;
		}
	}
	if (p[0] != '%' || p[1])
		return false;
	*ppm = whole * 10000 + frac;
	return *ppm <= NETEM_PPM_100;
}

/* "20ms", "1s", "0ms": milliseconds, up to NETEM_DELAY_MAX_MS.  false if not one. */
static bool parse_time(const char *s, unsigned int *ms)
{
	unsigned long v = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (unsigned long)(*p++ - '0');
		if (v > NETEM_DELAY_MAX_MS)
			return false;
	}
	if (!strcmp(p, "s"))
		v *= 1000;
	else if (strcmp(p, "ms"))
		return false;
	if (v > NETEM_DELAY_MAX_MS)
		return false;
	*ms = (unsigned int)v;
	return true;
}

/* A decimal number @lo..@hi (nothing after it).  false if not one. */
static bool parse_number(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
	unsigned long v = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (unsigned long)(*p++ - '0');
		if (v > hi)
			return false;
	}
	if (*p || v < lo)
		return false;
	*out = v;
	return true;
}

enum netem_key {
	K_LOSS,
	K_DUPLICATE,
	K_REORDER,
	K_CORRUPT,
	K_DELAY,
	K_JITTER,
	K_LIMIT,
	K_SEED
};

static const char *const netem_keys[] = {
	"loss", "duplicate", "reorder", "corrupt", "delay", "jitter", "limit", "seed",
};

static int netem_key(const char *word)
{
	for (size_t i = 0; i < ARRAY_SIZE(netem_keys); i++)
		if (!strcmp(word, netem_keys[i]))
			return (int)i;
	return -1;
}

/* Store @val under @key in @cfg.  0, or -EINVAL with the complaint in @err. */
static int netem_set_key(struct netem_config *cfg, int key, const char *val, char *err,
			 size_t errlen)
{
	u32 *pcts[] = { &cfg->loss_ppm, &cfg->duplicate_ppm, &cfg->reorder_ppm, &cfg->corrupt_ppm };
	unsigned long n;

	switch (key) {
	case K_LOSS:
	case K_DUPLICATE:
	case K_REORDER:
	case K_CORRUPT:
		if (parse_percent(val, pcts[key]))
			return 0;
		snprintf(err, errlen,
			 "%s: '%.32s' is not a percentage (0%% to 100%%, like 5%% or 0.5%%)",
			 netem_keys[key], val);
		return -EINVAL;
	case K_DELAY:
	case K_JITTER:
		if (parse_time(val, key == K_DELAY ? &cfg->delay_ms : &cfg->jitter_ms))
			return 0;
		snprintf(err, errlen, "%s: '%.32s' is not a time (like 20ms or 1s, at most %us)",
			 netem_keys[key], val, NETEM_DELAY_MAX_MS / 1000);
		return -EINVAL;
	case K_LIMIT:
		if (parse_number(val, 1, NETEM_LIMIT_MAX, &n)) {
			cfg->limit = (unsigned int)n;
			return 0;
		}
		snprintf(err, errlen, "limit: '%.32s' is not a packet count (1 to %u)", val,
			 NETEM_LIMIT_MAX);
		return -EINVAL;
	default: /* K_SEED */
		if (parse_number(val, 0, 0xffffffffUL, &n)) {
			cfg->seed = (u32)n;
			cfg->seed_set = true;
			return 0;
		}
		snprintf(err, errlen, "seed: '%.32s' is not a number (0 to 4294967295)", val);
		return -EINVAL;
	}
}

/* The rules across settings: reorder and jitter need a delay, as tc says. */
static int netem_check(struct netem_config *cfg, char *err, size_t errlen)
{
	if (cfg->reorder_ppm && !cfg->delay_ms) {
		snprintf(err, errlen,
			 "reorder needs a delay (the packets not reordered wait for it)");
		return -EINVAL;
	}
	if (cfg->jitter_ms && !cfg->delay_ms) {
		snprintf(err, errlen, "jitter needs a delay (it varies the delay)");
		return -EINVAL;
	}
	cfg->loss = netem_ppm_to_prob(cfg->loss_ppm);
	cfg->duplicate = netem_ppm_to_prob(cfg->duplicate_ppm);
	cfg->reorder = netem_ppm_to_prob(cfg->reorder_ppm);
	cfg->corrupt = netem_ppm_to_prob(cfg->corrupt_ppm);
	return 0;
}

int netem_parse(int argc, char **argv, unsigned int *dirs, struct netem_config *cfg, bool *off,
		char *err, size_t errlen)
{
	unsigned int given = 0;
	int i = 0;

	memset(cfg, 0, sizeof(*cfg));
	cfg->limit = NETEM_LIMIT_DEFAULT;
	*dirs = NETEM_BOTH;
	*off = false;
	if (i < argc && (!strcmp(argv[i], "rx") || !strcmp(argv[i], "tx"))) {
		*dirs = 1U << (strcmp(argv[i], "rx") ? NETEM_TX : NETEM_RX);
		i++;
	}
	if (i < argc && !strcmp(argv[i], "off")) {
		if (i + 1 < argc) {
			snprintf(err, errlen, "'off' stands alone, '%.32s' follows it",
				 argv[i + 1]);
			return -EINVAL;
		}
		*off = true;
		return 0;
	}
	if (i == argc) {
		snprintf(err, errlen,
			 "no settings (loss, duplicate, reorder, corrupt, delay, "
			 "jitter, limit, seed) and not 'off'");
		return -EINVAL;
	}
	for (; i < argc; i += 2) {
		int key = netem_key(argv[i]);

		if (key < 0) {
			snprintf(err, errlen,
				 "'%.32s' is not a setting (loss, duplicate, reorder, "
				 "corrupt, delay, jitter, limit, seed)",
				 argv[i]);
			return -EINVAL;
		}
		if (given & (1U << key)) {
			snprintf(err, errlen, "%.16s given twice", argv[i]);
			return -EINVAL;
		}
		given |= 1U << key;
		if (i + 1 == argc) {
			snprintf(err, errlen, "%.16s needs a value", argv[i]);
			return -EINVAL;
		}
		if (netem_set_key(cfg, key, argv[i + 1], err, errlen))
			return -EINVAL;
	}
	return netem_check(cfg, err, errlen);
}

/* ---- the command line -------------------------------------------------------------- */

static char netem_param[256];
cmdline_param_string(
	netem, netem_param,
	"network emulator: DEV[.rx|.tx]:loss=5%,delay=20ms,...[;DEV...] (net/netem.h)");

#define NETEM_SPEC_WORDS 24

/* One spec, DEV[.rx|.tx]:k=v,k=v, split in place.  0, or -EINVAL with the complaint in @err. */
static int netem_apply_spec(char *spec, char *err, size_t errlen)
{
	char *words[NETEM_SPEC_WORDS], *colon = strchr(spec, ':'), *dot, *p;
	struct netem_config cfg;
	struct net_device *dev;
	unsigned int dirs;
	int n = 0, ret;
	bool off;

	if (!colon) {
		snprintf(err, errlen, "'%.32s': no ':' after the device name", spec);
		return -EINVAL;
	}
	*colon = '\0';
	dot = strchr(spec, '.');
	if (dot) {
		*dot = '\0';
		words[n++] = dot + 1;
	}
	dev = dev_get_by_name(spec);
	if (!dev) {
		snprintf(err, errlen, "no device '%.32s'", spec);
		return -EINVAL;
	}
	for (p = colon + 1; p && *p && n < NETEM_SPEC_WORDS - 2;) {
		char *comma = strchr(p, ','), *eq;

		if (comma)
			*comma = '\0';
		eq = strchr(p, '=');
		if (eq)
			*eq = '\0';
		words[n++] = p;
		if (eq)
			words[n++] = eq + 1;
		p = comma ? comma + 1 : NULL;
	}
	if (dot && strcmp(words[0], "rx") && strcmp(words[0], "tx")) {
		snprintf(err, errlen, "'%.16s.%.16s': the direction is rx or tx", spec, words[0]);
		return -EINVAL;
	}
	ret = netem_parse(n, words, &dirs, &cfg, &off, err, errlen);
	if (ret)
		return ret;
	if (off) {
		netem_off(dev, dirs);
		return 0;
	}
	ret = netem_change(dev, dirs, &cfg);
	if (ret)
		snprintf(err, errlen, "no memory");
	return ret;
}

int netem_cmdline_apply(const char *value)
{
	char buf[sizeof(netem_param)], err[160];
	char *spec, *next;
	int bad = 0;

	snprintf(buf, sizeof(buf), "%s", value);
	for (spec = buf; spec && *spec; spec = next) {
		next = strchr(spec, ';');
		if (next)
			*next++ = '\0';
		if (netem_apply_spec(spec, err, sizeof(err))) {
			pr_warn("netem: netem=: %s: ignored\n", err);
			__atomic_add_fetch(&netem_cmdline_errors, 1, __ATOMIC_RELAXED);
			bad++;
		}
	}
	return bad;
}

/* After the drivers' device_initcalls: eth0 exists. */
static int netem_cmdline_init(void)
{
	if (netem_param[0])
		netem_cmdline_apply(netem_param);
	return 0;
}
late_initcall(netem_cmdline_init);

/* ---- the monitor -------------------------------------------------------------------- */

/* "5%", "0.5%", "0.0125%": the percentage as typed, without trailing zeros. */
static const char *fmt_pct(char *buf, size_t len, u32 ppm)
{
	size_t n;

	if (!(ppm % 10000)) {
		snprintf(buf, len, "%u%%", ppm / 10000);
		return buf;
	}
	snprintf(buf, len, "%u.%04u", ppm / 10000, ppm % 10000);
	n = strlen(buf);
	while (buf[n - 1] == '0')
		buf[--n] = '\0';
	snprintf(buf + n, len - n, "%%");
	return buf;
}

static void netem_show_dir(struct net_device *dev, enum netem_direction dir)
{
	struct netem_config c;
	struct netem_stats s;
	char a[16], b[16], e[16], f[16];

	if (!netem_get(dev, dir, &c, &s)) {
		printk("%-6s %s  off\n", dev->name, netem_dir_name[dir]);
		return;
	}
	printk("%-6s %s  loss %s duplicate %s reorder %s corrupt %s delay %ums jitter %ums "
	       "limit %u seed %u\n",
	       dev->name, netem_dir_name[dir], fmt_pct(a, sizeof(a), c.loss_ppm),
	       fmt_pct(b, sizeof(b), c.duplicate_ppm), fmt_pct(e, sizeof(e), c.reorder_ppm),
	       fmt_pct(f, sizeof(f), c.corrupt_ppm), c.delay_ms, c.jitter_ms, c.limit, c.seed);
	printk("           passed %lu lost %lu duplicated %lu corrupted %lu reordered %lu "
	       "delayed %lu\n",
	       s.passed, s.lost, s.duplicated, s.corrupted, s.reordered, s.delayed);
	printk("           limit_drops %lu down_drops %lu nomem %lu queued %u\n", s.limit_drops,
	       s.down_drops, s.nomem, s.queued);
}

static void netem_show(struct net_device *only)
{
	struct net_device *dev;

	read_lock_bh(&dev_base_lock);
	for_each_netdev(dev) {
		if (only && dev != only)
			continue;
		netem_show_dir(dev, NETEM_RX);
		netem_show_dir(dev, NETEM_TX);
	}
	read_unlock_bh(&dev_base_lock);
	if (!only && netem_cmdline_errors)
		printk("netem= errors on the command line: %lu\n", netem_cmdline_errors);
}

static int cmd_netem(int argc, char **argv)
{
	struct netem_config cfg;
	struct net_device *dev;
	unsigned int dirs;
	char err[160];
	bool off;
	int ret;

	if (argc == 1) {
		netem_show(NULL);
		return 0;
	}
	dev = dev_get_by_name(argv[1]);
	if (!dev)
		return monitor_bad_arg(argv[0], "no device '%s'", argv[1]);
	if (argc == 2) {
		netem_show(dev);
		return 0;
	}
	if (netem_parse(argc - 2, argv + 2, &dirs, &cfg, &off, err, sizeof(err)))
		return monitor_bad_arg(argv[0], "%s", err);
	if (off) {
		netem_off(dev, dirs);
		return 0;
	}
	ret = netem_change(dev, dirs, &cfg);
	if (!ret)
		netem_show(dev);
	return ret;
}
MONITOR_CMD(netem, "netem [<dev> [rx|tx] [off|<setting> <value>...]]",
	    "lose, duplicate, corrupt, delay, reorder a device's packets (docs/network.md)",
	    cmd_netem);
