/*
 * SPDX-License-Identifier: MIT
 * kernel/trace.c - the tracing core: the ring of records, the follow set,
 * the look-behind buffer, and the controls (include/kernel/trace.h has the
 * contract and the pictures; docs/tracing.md the story of one datagram).
 *
 * State.  One lock, trace_lock, taken with interrupts saved, covers all of
 * `trace` below: a tracepoint may fire in a hardirq handler while a thread
 * is in the middle of writing a record.  trace_enabled and trace_filter
 * change only in trace_start/trace_stop (thread context, lock held); the
 * tracepoints read trace_enabled without the lock, so a tracepoint racing
 * with trace_stop may still write one record, which is harmless.
 *
 * Time.  A record is stamped with the lock held, so the ring's records
 * are in time order as written: an interrupt between a stamp and the lock
 * would otherwise write a later stamp first.  Records from the look-behind
 * buffer were stamped when staged, so they may be older than the record
 * just before them (trace.h says so); with several CPUs, older than what
 * other CPUs wrote meanwhile (tests/kernel/test_trace.c unweaves those).
 *
 * Several CPUs: the NAPI poll each CPU runs is tracked per CPU (two CPUs
 * may poll two devices at once); the look-behind buffer is one for all,
 * under the same lock, its context records told apart by their device.
 * record.cpu is the CPU that wrote it.
 */
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <kernel/trace.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

unsigned int trace_enabled;
struct trace_filter trace_filter;

/* A record waiting in the look-behind buffer. */
struct trace_staged {
	struct trace_record rec;
	u32 seq; /* order of staging: committed oldest first */
	u8 cls;	 /* TRACE_SKB or TRACE_BIO; 0: the slot is free */
};

static struct {
	spinlock_t lock;
	/* 3.10 has ftrace's per-CPU ring_buffer; we one ring of records: docs/linux-3.10.md */
	struct trace_record ring[TRACE_RING_RECORDS];
	u64 written;			      /* records ever written; ring[written % N] is next */
	u64 lost;			      /* overwritten before anyone cleared them */
	u64 first;			      /* records before this were cleared */
	u64 evicted;			      /* look-behind records that gave way to newer ones */
	const void *follow[TRACE_FOLLOW_MAX]; /* followed objects; NULL: free */
	unsigned int follow_next;	      /* the slot to give up when all are taken */
	struct trace_staged stage[TRACE_STAGE_MAX];
	u32 stage_seq;
	struct trace_poll {
		bool on;	      /* between TE_NAPI_POLL and TE_NAPI_POLL_DONE */
		bool traced;	      /* it wrote a followed skb, and its context */
		u32 seq;	      /* the stage seq of its napi_poll record */
		char dev[8];	      /* its device */
		unsigned int rx;      /* receive buffers taken from the used ring so far */
		u64 rx_last;	      /* the one taken last */
		u64 rx_followed;      /* bit i: buffer i was a followed skb */
		unsigned int refills; /* ring refills (TE_NETDEV_ALLOC_SKB) so far */
	} poll[NR_CPUS]; /* the NAPI poll running now on each CPU (one at a time there) */
} trace = { .lock = __SPIN_LOCK_UNLOCKED(trace.lock) };

/* This CPU's running poll.  Lock held (interrupts off: the CPU cannot change under us). */
#define THIS_POLL (&trace.poll[raw_smp_processor_id()])

static const char *const event_names[TE_NR_EVENTS] = {
	[TE_NET_IRQ] = "virtio_net_irq",
	[TE_NAPI_POLL] = "napi_poll",
	[TE_NAPI_POLL_DONE] = "napi_poll_done",
	[TE_NETDEV_ALLOC_SKB] = "netdev_alloc_skb",
	[TE_ALLOC_SKB] = "alloc_skb",
	[TE_VIRTNET_RX_TAKEN] = "virtnet_rx",
	[TE_VIRTNET_RX] = "virtnet_receive",
	[TE_ETH_TYPE_TRANS] = "eth_type_trans",
	[TE_IP_RCV] = "ip_rcv",
	[TE_UDP_RCV] = "udp_rcv",
	[TE_UDP_QUEUE] = "udp_queue_rcv",
	[TE_UDP_RECV] = "udp_recvfrom",
	[TE_IP_OUTPUT] = "ip_output",
	[TE_ARP_OUTPUT] = "arp_output",
	[TE_DEV_XMIT] = "dev_queue_xmit",
	[TE_VRING_ADD] = "virtqueue_add",
	[TE_VIRTNET_TX_DONE] = "virtnet_tx_done",
	[TE_KFREE_SKB] = "kfree_skb",
	[TE_CONSUME_SKB] = "consume_skb",
	[TE_BIO_ALLOC] = "bio_alloc",
	[TE_BLK_QUEUE_BOUNCE] = "blk_queue_bounce",
	[TE_BLK_MAKE_REQUEST] = "blk_make_request",
	[TE_BLK_EXECUTE_RQ] = "blk_execute_rq",
	[TE_VBLK_ADD_REQ] = "virtblk_add_req",
	[TE_VBLK_IRQ] = "virtblk_irq",
	[TE_BLK_DONE_SOFTIRQ] = "blk_done_softirq",
	[TE_BIO_ENDIO] = "bio_endio",
	[TE_RQ_PUT] = "blk_put_request",
	[TE_TCP_TRANSMIT] = "tcp_transmit_skb",
	[TE_TCP_RCV] = "tcp_v4_rcv",
	[TE_TCP_SET_STATE] = "tcp_set_state",
	[TE_TCP_CA_STATE] = "tcp_set_ca_state",
	[TE_TCP_RTO] = "tcp_retransmit_timer",
	[TE_TCP_NETEM_DROP] = "netem_drop",
	[TE_TCP_DESTROY] = "tcp_destroy_sock",
};

const char *trace_event_name(unsigned int ev)
{
	return ev < TE_NR_EVENTS && event_names[ev] ? event_names[ev] : "?";
}

/* ---- the ring ------------------------------------------------------------------- */

static char trace_ctx(void)
{
	if (in_irq())
		return 'H';
	return in_interrupt() ? 'S' : 'T';
}

/* Write @rec as the newest record, overwriting the oldest when full.  Lock held. */
static void __trace_write(const struct trace_record *rec)
{
	if (trace.written - trace.first >= TRACE_RING_RECORDS) {
		trace.first++;
		trace.lost++;
	}
	trace.ring[trace.written % TRACE_RING_RECORDS] = *rec;
	trace.written++;
}

unsigned int trace_count(void)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&trace.lock, flags);
	n = (unsigned int)(trace.written - trace.first);
	spin_unlock_irqrestore(&trace.lock, flags);
	return n;
}

u64 trace_lost(void)
{
	return READ_ONCE(trace.lost);
}

u64 trace_evicted(void)
{
	return READ_ONCE(trace.evicted);
}

bool trace_read(unsigned int i, struct trace_record *rec)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&trace.lock, flags);
	ok = i < trace.written - trace.first;
	if (ok)
		*rec = trace.ring[(trace.first + i) % TRACE_RING_RECORDS];
	spin_unlock_irqrestore(&trace.lock, flags);
	return ok;
}

void trace_seq_range(u64 *first, u64 *end)
{
	unsigned long flags;

	spin_lock_irqsave(&trace.lock, flags);
	*first = trace.first;
	*end = trace.written;
	spin_unlock_irqrestore(&trace.lock, flags);
}

bool trace_read_seq(u64 *seq, struct trace_record *rec)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&trace.lock, flags);
	if (*seq < trace.first) /* overwritten or cleared while the reader was away */
		*seq = trace.first;
	ok = *seq < trace.written;
	if (ok)
		*rec = trace.ring[*seq % TRACE_RING_RECORDS];
	spin_unlock_irqrestore(&trace.lock, flags);
	return ok;
}

/* ---- the follow set ---------------------------------------------------------------- */

static int __follow_slot(const void *obj)
{
	for (int i = 0; i < TRACE_FOLLOW_MAX; i++)
		if (trace.follow[i] == obj)
			return i;
	return -1;
}

/* Follow @obj; when every slot is taken, the one taken longest ago gives way.  Lock held. */
static void __follow(const void *obj)
{
	int free = __follow_slot(obj);

	if (free >= 0)
		return;
	free = __follow_slot(NULL);
	if (free < 0) {
		free = (int)trace.follow_next;
		trace.follow_next = (trace.follow_next + 1) % TRACE_FOLLOW_MAX;
	}
	trace.follow[free] = obj;
}

bool trace_following(const void *obj)
{
	unsigned long flags;
	bool yes;

	if (!obj)
		return false;
	spin_lock_irqsave(&trace.lock, flags);
	yes = __follow_slot(obj) >= 0;
	spin_unlock_irqrestore(&trace.lock, flags);
	return yes;
}

void trace_follow(const void *obj)
{
	unsigned long flags;

	if (!obj)
		return;
	spin_lock_irqsave(&trace.lock, flags);
	__follow(obj);
	spin_unlock_irqrestore(&trace.lock, flags);
}

void trace_forget(const void *obj)
{
	unsigned long flags;
	int i;

	if (!obj)
		return;
	spin_lock_irqsave(&trace.lock, flags);
	i = __follow_slot(obj);
	if (i >= 0)
		trace.follow[i] = NULL;
	for (i = 0; i < TRACE_STAGE_MAX; i++)
		if (trace.stage[i].cls && trace.stage[i].rec.obj == (uintptr_t)obj)
			trace.stage[i].cls = 0;
	spin_unlock_irqrestore(&trace.lock, flags);
}

/* ---- the look-behind buffer ---------------------------------------------------------- */

/* A NIC's interrupt or poll: a staged record about no object. */
static bool __stage_is_context(const struct trace_staged *s)
{
	return s->cls && !s->rec.obj;
}

/* Was @s staged before @t? */
static bool __staged_before(const struct trace_staged *s, const struct trace_staged *t)
{
	return (s32)(s->seq - t->seq) < 0;
}

/* When the buffer is full, does @s give way before @t?  Object records first, the oldest first. */
static bool __evicted_first(const struct trace_staged *s, const struct trace_staged *t)
{
	if (!s->rec.obj != !t->rec.obj)
		return s->rec.obj != 0;
	return __staged_before(s, t);
}

/*
 * Is staged @s context of the running poll: its napi_poll record or an
 * interrupt staged before it, which the poll's first followed skb brings
 * along?  Lock held.
 */
static bool __stage_is_poll_context(const struct trace_staged *s)
{
	return THIS_POLL->on && __stage_is_context(s) && (s32)(s->seq - THIS_POLL->seq) <= 0 &&
	       !strncmp(s->rec.dev, THIS_POLL->dev, sizeof(s->rec.dev));
}

/*
 * The slot for a new staged record.  A context record takes the place of
 * the same event of the same device and argument (an interrupt of the
 * same queue): only the latest matters.  But not the place of the running
 * poll's own context: an interrupt that comes while the poll runs waits
 * beside the one that brought the poll, for the next poll.  Else a free
 * slot; when none is free, the oldest object record gives way (counted
 * in evicted): the few context records stay, a poll's first followed skb
 * needs them.
 */
static struct trace_staged *__stage_slot(const struct trace_record *rec)
{
	struct trace_staged *oldest = NULL;

	for (int i = 0; i < TRACE_STAGE_MAX; i++) {
		struct trace_staged *s = &trace.stage[i];

		if (!rec->obj && __stage_is_context(s) && s->rec.event == rec->event &&
		    s->rec.arg == rec->arg && !strncmp(s->rec.dev, rec->dev, sizeof(rec->dev)) &&
		    !__stage_is_poll_context(s))
			return s;
	}
	for (int i = 0; i < TRACE_STAGE_MAX; i++) {
		struct trace_staged *s = &trace.stage[i];

		if (!s->cls)
			return s;
		if (!oldest || __evicted_first(s, oldest))
			oldest = s;
	}
	trace.evicted++; /* full: the oldest gives way, its hop is lost */
	return oldest;
}

/* ---- the NAPI poll running now ------------------------------------------------------- */

/*
 * Forget the staged context of the poll that ends: its napi_poll record
 * and the interrupts staged before it, which it served.  An interrupt
 * that came while it ran (a transmit completion) stays for the next
 * poll.  Lock held.
 */
static void __poll_forget_context(void)
{
	for (int i = 0; i < TRACE_STAGE_MAX; i++) {
		struct trace_staged *s = &trace.stage[i];

		if (__stage_is_poll_context(s))
			s->cls = 0;
	}
}

/* A poll starts: @rec, its napi_poll record, is about to be staged.  Lock held. */
static void __poll_begin(const struct trace_record *rec)
{
	if (THIS_POLL->on)
		__poll_forget_context(); /* the last one's end was not seen */
	memset(THIS_POLL, 0, sizeof(*THIS_POLL));
	THIS_POLL->on = true;
	THIS_POLL->seq = trace.stage_seq;
	memcpy(THIS_POLL->dev, rec->dev, sizeof(THIS_POLL->dev));
}

/*
 * @rec, a followed skb's hop, is the TE_VIRTNET_RX of the buffer the
 * running poll took last: mark that buffer followed.  Lock held.
 */
static void __poll_mark_followed(const struct trace_record *rec)
{
	unsigned int i = THIS_POLL->rx - 1;

	if (THIS_POLL->on && rec->event == TE_VIRTNET_RX && THIS_POLL->rx &&
	    rec->obj == THIS_POLL->rx_last && i < 64)
		THIS_POLL->rx_followed |= 1ULL << i;
}

/* Of two staged interrupts, is @s the better one for a hop about @queue than @than? */
static bool __irq_better(const struct trace_staged *s, const struct trace_staged *than, u64 queue)
{
	bool s_fits, than_fits;

	if (!than)
		return true;
	s_fits = s->rec.arg == queue;
	than_fits = than->rec.arg == queue;
	return s_fits != than_fits ? s_fits : __staged_before(than, s);
}

/*
 * The context of the running poll for @rec, its first followed skb: the
 * napi_poll record and the interrupt that brought the poll (one staged
 * before it; of the queue @rec is about if there is one, else the
 * latest).  Puts them in @ctx; returns how many.  Lock held.
 */
static unsigned int __poll_context(const struct trace_record *rec, struct trace_staged **ctx)
{
	struct trace_staged *poll = NULL, *irq = NULL;
	u64 queue = rec->event == TE_VIRTNET_TX_DONE; /* 1 transmit; every other hop: 0 receive */
	unsigned int n = 0;

	for (int i = 0; i < TRACE_STAGE_MAX; i++) {
		struct trace_staged *s = &trace.stage[i];

		if (!__stage_is_context(s) ||
		    strncmp(s->rec.dev, THIS_POLL->dev, sizeof(s->rec.dev)))
			continue;
		if (s->rec.event == TE_NAPI_POLL && s->seq == THIS_POLL->seq)
			poll = s;
		else if (s->rec.event == TE_NET_IRQ && (s32)(s->seq - THIS_POLL->seq) < 0 &&
			 __irq_better(s, irq, queue))
			irq = s;
	}
	if (irq)
		ctx[n++] = irq;
	if (poll)
		ctx[n++] = poll;
	return n;
}

/*
 * The poll ends (@rec: its napi_poll_done record).  Written if the poll
 * wrote a followed skb, with len = the receive buffers it took that were
 * not followed skbs, dropped ones included (the other packets of "did N").
 * Lock held.
 */
static void __poll_end(struct trace_record *rec)
{
	unsigned int followed = 0;

	if (THIS_POLL->traced) {
		for (u64 bits = THIS_POLL->rx_followed; bits; bits &= bits - 1)
			followed++;
		rec->len = THIS_POLL->rx - followed;
		__trace_write(rec);
	}
	if (THIS_POLL->on)
		__poll_forget_context();
	memset(THIS_POLL, 0, sizeof(*THIS_POLL));
}

void trace_poll_rx_taken(const struct trace_record *rec)
{
	unsigned long flags;

	spin_lock_irqsave(&trace.lock, flags);
	if (THIS_POLL->on &&
	    (!rec->dev[0] || !strncmp(rec->dev, THIS_POLL->dev, sizeof(rec->dev)))) {
		THIS_POLL->rx_last = rec->obj;
		THIS_POLL->rx++;
	}
	spin_unlock_irqrestore(&trace.lock, flags);
}

bool trace_poll_refill(void)
{
	unsigned long flags;
	unsigned int j, taken;
	bool yes = false;

	spin_lock_irqsave(&trace.lock, flags);
	if (THIS_POLL->on && THIS_POLL->traced) {
		j = ++THIS_POLL->refills;
		/* The descriptor freed last goes out first: refill j gets buffer rx - j's. */
		if (j <= THIS_POLL->rx) {
			taken = THIS_POLL->rx - j;
			yes = taken < 64 && (THIS_POLL->rx_followed >> taken & 1);
		}
	}
	spin_unlock_irqrestore(&trace.lock, flags);
	return yes;
}

/* ---- writing a hop --------------------------------------------------------------------- */

void trace_stage(struct trace_record *rec, unsigned int cls)
{
	unsigned long flags;
	struct trace_staged *s;

	rec->ctx = trace_ctx();
	rec->cpu = raw_smp_processor_id();
	spin_lock_irqsave(&trace.lock, flags);
	rec->ts_ns = ktime_get_ns();
	if (rec->event == TE_NAPI_POLL)
		__poll_begin(rec);
	s = __stage_slot(rec);
	s->rec = *rec;
	s->cls = (u8)cls;
	s->seq = trace.stage_seq++;
	spin_unlock_irqrestore(&trace.lock, flags);
}

/* Is staged @s one of @ctx[0..nctx-1], or a record of one of @objs[0..n-1]? */
static bool __stage_belongs(const struct trace_staged *s, const u64 *objs, unsigned int n,
			    struct trace_staged *const *ctx, unsigned int nctx)
{
	if (!s->cls)
		return false;
	for (unsigned int i = 0; i < nctx; i++)
		if (s == ctx[i])
			return true;
	if (!s->rec.obj)
		return false;
	for (unsigned int i = 0; i < n; i++)
		if (s->rec.obj == objs[i])
			return true;
	return false;
}

/*
 * Write the staged records of @objs[0..n-1] and @ctx[0..nctx-1], oldest
 * first, and free their slots.  Lock held.
 */
static void __stage_commit(const u64 *objs, unsigned int n, struct trace_staged *const *ctx,
			   unsigned int nctx)
{
	for (;;) {
		struct trace_staged *first = NULL;

		for (int i = 0; i < TRACE_STAGE_MAX; i++) {
			struct trace_staged *s = &trace.stage[i];

			if (__stage_belongs(s, objs, n, ctx, nctx) &&
			    (!first || __staged_before(s, first)))
				first = s;
		}
		if (!first)
			return;
		__trace_write(&first->rec);
		first->cls = 0;
	}
}

void trace_emit_related(struct trace_record *rec, unsigned int cls, bool matched,
			const u64 *related, unsigned int n)
{
	struct trace_staged *ctx[2];
	u64 objs[TRACE_RELATED_MAX + 1];
	unsigned int nctx = 0;
	unsigned long flags;

	n = min(n, (unsigned int)TRACE_RELATED_MAX);
	if (n)
		memcpy(objs, related, n * sizeof(*objs));
	objs[n++] = rec->obj;
	rec->ctx = trace_ctx();
	rec->cpu = raw_smp_processor_id();
	spin_lock_irqsave(&trace.lock, flags);
	rec->ts_ns = ktime_get_ns(); /* under the lock: the ring stays in time order */
	if (rec->event == TE_NAPI_POLL_DONE) {
		__poll_end(rec);
		goto out;
	}
	for (unsigned int i = 0; i < n; i++)
		if (matched || i < n - 1)
			__follow((const void *)(uintptr_t)objs[i]);
	/* The poll's first followed skb brings the poll and its interrupt (not a hardirq's hop). */
	if (cls == TRACE_SKB && THIS_POLL->on && !THIS_POLL->traced && rec->ctx != 'H') {
		nctx = __poll_context(rec, ctx);
		THIS_POLL->traced = true;
	}
	__poll_mark_followed(rec);
	__stage_commit(objs, n, ctx, nctx);
	__trace_write(rec);
out:
	spin_unlock_irqrestore(&trace.lock, flags);
}

void trace_emit(struct trace_record *rec, unsigned int cls, bool matched)
{
	trace_emit_related(rec, cls, matched, NULL, 0);
}

void __trace_token(enum trace_event ev, const void *token, u64 arg)
{
	struct trace_record rec = { .event = (u16)ev, .obj = (uintptr_t)token, .arg = arg };

	if (trace_following(token))
		trace_emit(&rec, TRACE_SKB, false); /* only skbs are followed through a ring */
}

/* ---- control -------------------------------------------------------------------------- */

/* Forget followed objects and staged records.  Lock held. */
static void __trace_forget_all(void)
{
	memset(trace.follow, 0, sizeof(trace.follow));
	memset(trace.stage, 0, sizeof(trace.stage));
	trace.follow_next = 0;
	memset(THIS_POLL, 0, sizeof(*THIS_POLL));
}

/* Empty the ring: its records, lost and evicted.  Lock held. */
static void __trace_empty_ring(void)
{
	trace.first = trace.written;
	trace.lost = 0;
	trace.evicted = 0;
}

int trace_start(const struct trace_filter *f)
{
	unsigned long flags;

	if (!CONFIG_TRACE)
		return -EOPNOTSUPP;
	spin_lock_irqsave(&trace.lock, flags);
	WRITE_ONCE(trace_enabled, 0);
	__trace_empty_ring(); /* a new session: nothing of the last one's */
	__trace_forget_all();
	trace_filter = *f;
	WRITE_ONCE(trace_enabled, f->class);
	spin_unlock_irqrestore(&trace.lock, flags);
	return 0;
}

void trace_stop(void)
{
	unsigned long flags;

	spin_lock_irqsave(&trace.lock, flags);
	WRITE_ONCE(trace_enabled, 0);
	__trace_forget_all();
	spin_unlock_irqrestore(&trace.lock, flags);
}

void trace_clear(void)
{
	unsigned long flags;

	spin_lock_irqsave(&trace.lock, flags);
	__trace_empty_ring();
	__trace_forget_all();
	spin_unlock_irqrestore(&trace.lock, flags);
}

void trace_filter_show(const struct trace_filter *f, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s",
			 f->class == TRACE_BIO	 ? "bio"
			 : f->class == TRACE_TCP ? "tcp"
						 : "skb");

	if (f->dev[0] && n < (int)size)
		n += snprintf(buf + n, size - n, " %s=%s", f->class == TRACE_BIO ? "disk" : "dev",
			      f->dev);
	if (f->port && n < (int)size)
		n += snprintf(buf + n, size - n, " port=%u", f->port);
	if (f->sector_set && n < (int)size)
		snprintf(buf + n, size - n, " sector=%llu-%llu",
			 (unsigned long long)f->sector_first, (unsigned long long)f->sector_last);
}
