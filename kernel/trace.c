/*
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
 * just before them (trace.h says so).
 *
 * One CPU: the per-CPU parts Linux would have (the look-behind buffer and
 * the "in a traced poll" flags) are one each here, under the same lock;
 * record.cpu is always 0.
 */
#include <kernel/panic.h>
#include <kernel/preempt.h>
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
	u32 seq;			/* order of staging: committed oldest first */
	u8 cls;				/* TRACE_SKB or TRACE_BIO; 0: the slot is free */
};

static struct {
	spinlock_t lock;
	struct trace_record ring[TRACE_RING_RECORDS];
	u64 written;			/* records ever written; ring[written % N] is next */
	u64 lost;			/* overwritten before anyone cleared them */
	u64 first;			/* records before this were cleared */
	u64 evicted;			/* look-behind records that gave way to newer ones */
	const void *follow[TRACE_FOLLOW_MAX];	/* followed objects; NULL: free */
	unsigned int follow_next;	/* the slot to give up when all are taken */
	struct trace_staged stage[TRACE_STAGE_MAX];
	u32 stage_seq;
	bool in_poll;			/* between TE_NAPI_POLL and TE_NAPI_POLL_DONE */
	bool poll_traced;		/* that poll wrote a followed skb */
} trace = { .lock = __SPIN_LOCK_UNLOCKED(trace.lock) };

static const char *const event_names[TE_NR_EVENTS] = {
	[TE_NET_IRQ] = "virtio_net_irq",
	[TE_NAPI_POLL] = "napi_poll",
	[TE_NAPI_POLL_DONE] = "napi_poll_done",
	[TE_NETDEV_ALLOC_SKB] = "netdev_alloc_skb",
	[TE_ALLOC_SKB] = "alloc_skb",
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
	if (*seq < trace.first)		/* overwritten or cleared while the reader was away */
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

/* The slot for a new staged record: the same context event of the same device, a free one, or the oldest. */
static struct trace_staged *__stage_slot(const struct trace_record *rec)
{
	struct trace_staged *oldest = &trace.stage[0];

	for (int i = 0; i < TRACE_STAGE_MAX; i++) {
		struct trace_staged *s = &trace.stage[i];

		if (s->cls && !rec->obj && !s->rec.obj && s->rec.event == rec->event &&
		    !strncmp(s->rec.dev, rec->dev, sizeof(rec->dev)))
			return s;	/* a context event: only the latest one matters */
	}
	for (int i = 0; i < TRACE_STAGE_MAX; i++) {
		struct trace_staged *s = &trace.stage[i];

		if (!s->cls)
			return s;
		if ((s32)(s->seq - oldest->seq) < 0)
			oldest = s;
	}
	trace.evicted++;	/* full: the oldest gives way, its hop is lost */
	return oldest;
}

void trace_stage(struct trace_record *rec, unsigned int cls)
{
	unsigned long flags;
	struct trace_staged *s;

	rec->ctx = trace_ctx();
	rec->cpu = 0;
	spin_lock_irqsave(&trace.lock, flags);
	rec->ts_ns = ktime_get_ns();
	if (rec->event == TE_NAPI_POLL) {
		trace.in_poll = true;
		trace.poll_traced = false;
	}
	s = __stage_slot(rec);
	s->rec = *rec;
	s->cls = (u8)cls;
	s->seq = trace.stage_seq++;
	spin_unlock_irqrestore(&trace.lock, flags);
}

/* Is staged @s part of the story of the objects @objs[0..n-1] (class @cls) now being written? */
static bool __stage_belongs(const struct trace_staged *s, const u64 *objs, unsigned int n,
			    unsigned int cls)
{
	if (!s->cls)
		return false;
	if (!s->rec.obj)
		return s->cls == cls && cls == TRACE_SKB;	/* the NIC's IRQ and poll */
	for (unsigned int i = 0; i < n; i++)
		if (s->rec.obj == objs[i])
			return true;
	return false;
}

/* Write the staged records of @objs[0..n-1], oldest first, and free their slots.  Lock held. */
static void __stage_commit(const u64 *objs, unsigned int n, unsigned int cls)
{
	for (;;) {
		struct trace_staged *first = NULL;

		for (int i = 0; i < TRACE_STAGE_MAX; i++) {
			struct trace_staged *s = &trace.stage[i];

			if (__stage_belongs(s, objs, n, cls) &&
			    (!first || (s32)(s->seq - first->seq) < 0))
				first = s;
		}
		if (!first)
			return;
		__trace_write(&first->rec);
		first->cls = 0;
	}
}

/* Forget staged NIC context (a poll that carried nothing we follow).  Lock held. */
static void __stage_drop_context(void)
{
	for (int i = 0; i < TRACE_STAGE_MAX; i++)
		if (trace.stage[i].cls && !trace.stage[i].rec.obj)
			trace.stage[i].cls = 0;
}

void trace_emit_related(struct trace_record *rec, unsigned int cls, bool matched,
			const u64 *related, unsigned int n)
{
	u64 objs[TRACE_RELATED_MAX + 1];
	unsigned long flags;

	n = min(n, (unsigned int)TRACE_RELATED_MAX);
	if (n)
		memcpy(objs, related, n * sizeof(*objs));
	objs[n++] = rec->obj;
	rec->ctx = trace_ctx();
	rec->cpu = 0;
	spin_lock_irqsave(&trace.lock, flags);
	rec->ts_ns = ktime_get_ns();	/* under the lock: the ring stays in time order */
	if (rec->event == TE_NAPI_POLL_DONE) {
		if (trace.poll_traced)
			__trace_write(rec);
		else
			__stage_drop_context();
		trace.in_poll = trace.poll_traced = false;
		goto out;
	}
	for (unsigned int i = 0; i < n; i++)
		if (matched || i < n - 1)
			__follow((const void *)(uintptr_t)objs[i]);
	__stage_commit(objs, n, cls);
	if (cls == TRACE_SKB && trace.in_poll)
		trace.poll_traced = true;
	__trace_write(rec);
out:
	spin_unlock_irqrestore(&trace.lock, flags);
}

void trace_emit(struct trace_record *rec, unsigned int cls, bool matched)
{
	trace_emit_related(rec, cls, matched, NULL, 0);
}

bool trace_poll_traced(void)
{
	return READ_ONCE(trace.poll_traced);
}

void __trace_token(enum trace_event ev, const void *token, u64 arg)
{
	struct trace_record rec = { .event = (u16)ev, .obj = (uintptr_t)token, .arg = arg };

	if (trace_following(token))
		trace_emit(&rec, TRACE_SKB, false);	/* only skbs are followed through a ring */
}

/* ---- control -------------------------------------------------------------------------- */

/* Forget followed objects and staged records.  Lock held. */
static void __trace_forget_all(void)
{
	memset(trace.follow, 0, sizeof(trace.follow));
	memset(trace.stage, 0, sizeof(trace.stage));
	trace.follow_next = 0;
	trace.in_poll = trace.poll_traced = false;
}

int trace_start(const struct trace_filter *f)
{
	unsigned long flags;

	if (!CONFIG_TRACE)
		return -EOPNOTSUPP;
	spin_lock_irqsave(&trace.lock, flags);
	WRITE_ONCE(trace_enabled, 0);
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
	trace.first = trace.written;
	trace.lost = 0;
	trace.evicted = 0;
	__trace_forget_all();
	spin_unlock_irqrestore(&trace.lock, flags);
}

void trace_filter_show(const struct trace_filter *f, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s", f->class == TRACE_BIO ? "bio" : "skb");

	if (f->dev[0] && n < (int)size)
		n += snprintf(buf + n, size - n, " %s=%s", f->class == TRACE_BIO ? "disk" : "dev",
			      f->dev);
	if (f->port && n < (int)size)
		n += snprintf(buf + n, size - n, " port=%u", f->port);
	if (f->sector_set && n < (int)size)
		snprintf(buf + n, size - n, " sector=%llu-%llu", (unsigned long long)f->sector_first,
			 (unsigned long long)f->sector_last);
}
