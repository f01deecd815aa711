/*
 * SPDX-License-Identifier: MIT
 * tests/kernel/test_trace.c - the tracepoints and their ring (include/kernel/trace.h):
 * off means no record; the ring keeps order, overwrites its oldest and
 * counts them; filters choose what is followed; one UDP echo datagram
 * through the test NIC and one RAM-disk read (plain, then bounced) leave
 * every hop in order, with the skb's offsets and counts or the bio's sector
 * and size at each; a datagram that shares its poll with an ARP request
 * (QEMU's first datagram after boot) or with a runt the driver drops tells
 * only its own story, and so does a poll that another interrupt comes
 * into; `trace on` starts from an empty ring.  Every record a case reads
 * is checked.  On several CPUs the echo thread may answer on another CPU
 * while the poll is still running: a story's two sides (the poll's, the
 * echo's) are then checked each in its own order, the echo's after the
 * datagram was queued, and time runs forward on each CPU (unweave_echo).
 *
 * The cases stop, start and clear the one ring there is: a session the
 * user left (`trace on ...`, or records not cleared) when the suite
 * starts is theirs, and every case then skips, saying why.
 *
 * The virtio-net and virtio-blk hops need QEMU's devices: tools/trace_checks.py
 * traces a datagram from the host and a `blk read` (make test's step trace).
 */
#include <block/blkdev.h>
#include <drivers/ramdisk.h>
#include <kernel/irq.h>
#include <kernel/ktest.h>
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/trace.h>
#include <mm/slab.h>
#include <net/loopback.h>
#include <net/netdevice.h>
#include <net/netem.h>
#include <net/skbuff.h>
#include <net/socket.h>
#include <net/tcp.h>
#include <stdio.h>
#include <string.h>

#include "blk_test.h"
#include "net_test.h"

/* What the last trace_collect() read, oldest first. */
static struct trace_record recs[TRACE_RING_RECORDS];
static unsigned int nrecs;
/* unweave_echo() checked the records' time order, CPU by CPU, before it moved some. */
static bool recs_time_checked;

static unsigned int trace_collect(void)
{
	nrecs = 0;
	recs_time_checked = false;
	while (nrecs < TRACE_RING_RECORDS && trace_read(nrecs, &recs[nrecs]))
		nrecs++;
	return nrecs;
}

/* Run @text as the monitor would (monitor_exec changes the line it is given). */
static int trace_line(const char *text)
{
	char line[MONITOR_LINE_MAX];

	snprintf(line, sizeof(line), "%s", text);
	return monitor_exec(line);
}

/* Tracing was on, or the ring held records, when the suite started: the user's. */
static bool trace_user_session;

/* The cases may use the ring: it is not a user's session. */
static void need_the_ring(struct ktest *t)
{
	if (trace_user_session)
		ktest_skip(t,
			   "a trace session is in use: 'trace off' and 'trace clear' to run these");
}

/* A TRACE=0 build has no tracepoints to test. */
static void need_tracepoints(struct ktest *t)
{
	need_the_ring(t);
	if (!CONFIG_TRACE)
		ktest_skip(t, "tracepoints compiled out (make TRACE=0)");
}

/* The test NIC (net_test.h), once we know there are tracepoints to test. */
static struct net_device *trace_test_nic(struct ktest *t)
{
	need_tracepoints(t);
	return net_test_nic(t);
}

/* A RAM disk (blk_test.h), once we know there are tracepoints to test. */
static struct ramdisk *trace_test_disk(struct ktest *t, const struct ramdisk_config *cfg)
{
	need_tracepoints(t);
	return blk_test_disk(t, cfg);
}

/* Start following @f with an empty ring. */
static void trace_begin(struct ktest *t, const struct trace_filter *f)
{
	need_tracepoints(t);
	trace_stop();
	trace_clear();
	ASSERT_EQ(t, trace_start(f), 0);
}

/* Stop, read the ring into recs[], empty it. */
static unsigned int trace_end(void)
{
	trace_stop();
	trace_collect();
	trace_clear();
	return nrecs;
}

/*
 * Do the records hold exactly the events @want[0..n-1], in order, with
 * non-decreasing timestamps?  Says which one differs.
 */
static void expect_events(struct ktest *t, const enum trace_event *want, unsigned int n)
{
	EXPECT_EQ(t, nrecs, n);
	for (unsigned int i = 0; i < nrecs && i < n; i++) {
		if (recs[i].event != want[i])
			ktest_fail(t, __FILE__, __LINE__, "record %u is %s, expected %s", i,
				   trace_event_name(recs[i].event), trace_event_name(want[i]));
		if (i && !recs_time_checked)
			EXPECT_GE(t, recs[i].ts_ns, recs[i - 1].ts_ns);
	}
	if (t->failures) /* what the ring held, to see what went astray */
		for (unsigned int i = 0; i < nrecs; i++)
			ktest_fail(t, __FILE__, __LINE__, "record %u: %s obj %#llx arg %llu", i,
				   trace_event_name(recs[i].event), (unsigned long long)recs[i].obj,
				   (unsigned long long)recs[i].arg);
}

static bool event_in(enum trace_event ev, const enum trace_event *set, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (set[i] == ev)
			return true;
	return false;
}

/*
 * Each CPU's records, in ring order, are in time order.  Across CPUs they
 * need not be: a record the look-behind buffer held (the poll's refill) is
 * written into the ring when its poll ends, after what another CPU wrote
 * meanwhile.
 */
static void expect_time_order_per_cpu(struct ktest *t)
{
	for (unsigned int i = 1; i < nrecs; i++) {
		for (unsigned int j = i; j-- > 0;) {
			if (recs[j].cpu == recs[i].cpu) {
				EXPECT_GE(t, recs[i].ts_ns, recs[j].ts_ns);
				break;
			}
		}
	}
	recs_time_checked = true;
}

/*
 * A datagram's story has two sides: the receive path, where the poll runs
 * (@want[0..@split-1]), and the echo thread's answer (@want[@split..@n-1]);
 * no event is on both sides.  The echo thread may run on any CPU: on
 * another, it takes the datagram while the poll is still busy, and its
 * records come between the poll's last ones.  What is guaranteed is each
 * side's own order and that the echo starts after the datagram was queued
 * (@queued), and each CPU's time order.  Check those on the ring as
 * written, then move the echo's records after the poll's, the order one CPU
 * always gives, so that the caller checks one story by index.
 */
static void unweave_echo(struct ktest *t, const enum trace_event *want, unsigned int n,
			 unsigned int split, enum trace_event queued)
{
	unsigned int npoll = 0, necho = 0; /* recs[npoll..npoll+necho-1]: the echo's so far */
	bool was_queued = false;

	for (unsigned int i = 0; i < split; i++) /* else a record's side is a guess */
		EXPECT_FALSE(t, event_in(want[i], want + split, n - split));
	expect_time_order_per_cpu(t);
	for (unsigned int i = 0; i < nrecs; i++) {
		struct trace_record r = recs[i];

		if (event_in(r.event, want + split, n - split)) {
			if (!necho && !was_queued)
				ktest_fail(t, __FILE__, __LINE__, "the echo's %s came before %s",
					   trace_event_name(r.event), trace_event_name(queued));
			necho++;
			continue;
		}
		was_queued |= r.event == queued;
		if (necho) { /* a poll record after echo ones: move it in front of them */
			memmove(&recs[npoll + 1], &recs[npoll], necho * sizeof(r));
			recs[npoll] = r;
		}
		npoll++;
	}
}

/* An skb record: its offsets inside the buffer, one user, one dataref. */
static void expect_skb_sane(struct ktest *t, const struct trace_record *r,
			    const struct sk_buff *skb)
{
	EXPECT_EQ(t, r->obj, (uintptr_t)skb);
	EXPECT_LE(t, r->skb.data, r->skb.tail);
	EXPECT_LE(t, r->skb.tail, r->skb.end);
	EXPECT_EQ(t, r->len, r->skb.tail - r->skb.data);
	EXPECT_EQ(t, r->skb.users, 1);
	EXPECT_EQ(t, r->skb.dataref, 1);
}

TEST_CASE(trace_test_off_means_no_record)
{
	struct trace_filter f = { .class = TRACE_BIO };
	struct sk_buff *skb;

	need_tracepoints(t);
	trace_stop();
	trace_clear();
	kfree_skb(alloc_skb(100, GFP_KERNEL)); /* tracing off: nothing */
	ASSERT_EQ(t, trace_start(&f), 0);      /* bio only: skb tracepoints stay quiet */
	EXPECT_EQ(t, trace_enabled, TRACE_BIO);
	skb = alloc_skb(100, GFP_KERNEL);
	ASSERT_NOT_NULL(t, skb);
	trace_skb(TE_UDP_RCV, skb, 7);
	kfree_skb(skb);
	EXPECT_EQ(t, trace_end(), 0);
	EXPECT_EQ(t, trace_enabled, 0);
	EXPECT_EQ(t, trace_lost(), 0);
}

/* An skb on the test NIC, so a dev= filter follows it. */
static struct sk_buff *skb_on(struct ktest *t, struct net_device *dev)
{
	struct sk_buff *skb = alloc_skb(200, GFP_KERNEL);

	ASSERT_NOT_NULL(t, skb);
	skb_reserve(skb, 32);
	skb_put(skb, 40);
	skb->dev = dev;
	return skb;
}

TEST_CASE(trace_test_ring_keeps_every_hop_in_order)
{
	struct net_device *dev = trace_test_nic(t);
	struct trace_filter f = { .class = TRACE_SKB };
	struct sk_buff *skb;

	strcpy(f.dev, dev->name); /* kept: dev is gone when the records are checked */
	trace_begin(t, &f);
	skb = skb_on(t, dev); /* alloc_skb: no device yet, waits in the look-behind */
	for (int i = 0; i < 5; i++)
		trace_skb(TE_UDP_RCV, skb, i);
	kfree_skb(skb);
	trace_end();
	net_test_nic_destroy(dev);

	ASSERT_EQ(t, nrecs, 7);
	EXPECT_EQ(t, recs[0].event, TE_ALLOC_SKB);
	EXPECT_EQ(t, recs[0].arg, 200);
	EXPECT_EQ(t, recs[0].skb.data, 0); /* as __alloc_skb returned it: empty */
	EXPECT_EQ(t, recs[0].len, 0);
	for (int i = 1; i <= 5; i++) {
		EXPECT_EQ(t, recs[i].event, TE_UDP_RCV);
		EXPECT_EQ(t, recs[i].arg, i - 1);
		EXPECT_EQ(t, recs[i].skb.data, 32);
		EXPECT_EQ(t, recs[i].skb.tail, 72);
		EXPECT_EQ(t, recs[i].skb.head, recs[0].skb.head);
		EXPECT_STREQ(t, recs[i].dev, f.dev);
		EXPECT_GE(t, recs[i].ts_ns, recs[i - 1].ts_ns);
		EXPECT_EQ(t, recs[i].ctx, 'T');
	}
	EXPECT_EQ(t, recs[6].event, TE_KFREE_SKB);
	for (unsigned int i = 0; i < nrecs; i++)
		expect_skb_sane(t, &recs[i], skb);
	EXPECT_GE(t, recs[1].skb.end, 200);
	EXPECT_EQ(t, trace_lost(), 0);
}

TEST_CASE(trace_test_a_full_ring_overwrites_its_oldest_and_counts_them)
{
	struct net_device *dev = trace_test_nic(t);
	struct trace_filter f = { .class = TRACE_SKB };
	struct sk_buff *skb;

	strcpy(f.dev, dev->name);
	trace_begin(t, &f);
	skb = skb_on(t, dev);
	for (int i = 0; i < TRACE_RING_RECORDS + 9; i++) /* + alloc_skb: 10 too many */
		trace_skb(TE_UDP_RCV, skb, i);
	EXPECT_EQ(t, trace_count(), TRACE_RING_RECORDS);
	EXPECT_EQ(t, trace_lost(), 10);
	trace_stop();
	kfree_skb(skb); /* tracing off: not recorded */
	trace_collect();
	net_test_nic_destroy(dev);

	ASSERT_EQ(t, nrecs, TRACE_RING_RECORDS);
	for (unsigned int i = 0; i < nrecs; i++) { /* the oldest kept is udp_rcv 9 */
		EXPECT_EQ(t, recs[i].event, TE_UDP_RCV);
		EXPECT_EQ(t, recs[i].arg, i + 9);
	}
	trace_clear();
	EXPECT_EQ(t, trace_count(), 0);
	EXPECT_EQ(t, trace_lost(), 0);
}

TEST_CASE(trace_test_a_reader_overtaken_by_the_writer_goes_on_at_the_oldest_record_kept)
{
	struct net_device *dev = trace_test_nic(t);
	struct trace_filter f = { .class = TRACE_SKB };
	struct trace_record r;
	struct sk_buff *skb;
	u64 first, end, seq;

	strcpy(f.dev, dev->name);
	trace_begin(t, &f);
	skb = skb_on(t, dev);
	trace_skb(TE_UDP_RCV, skb, 0); /* the ring: alloc_skb, udp_rcv 0 */
	trace_seq_range(&first, &end);
	EXPECT_EQ(t, end - first, 2);
	seq = first + 1;
	EXPECT_TRUE(t, trace_read_seq(&seq, &r));
	EXPECT_EQ(t, seq, first + 1);
	EXPECT_EQ(t, r.event, TE_UDP_RCV);
	EXPECT_EQ(t, r.arg, 0);
	seq++;
	EXPECT_FALSE(t, trace_read_seq(&seq, &r));	  /* not written yet */
	for (int i = 1; i <= TRACE_RING_RECORDS + 5; i++) /* 7 too many: 0..6 go */
		trace_skb(TE_UDP_RCV, skb, i);
	/* The reader comes back for record first + 2 (udp_rcv 1): gone, so udp_rcv 6. */
	EXPECT_TRUE(t, trace_read_seq(&seq, &r));
	EXPECT_EQ(t, seq, first + 7);
	EXPECT_EQ(t, r.event, TE_UDP_RCV);
	EXPECT_EQ(t, r.arg, 6);
	trace_stop();
	kfree_skb(skb);
	trace_clear(); /* cleared: nothing to read at that number */
	EXPECT_FALSE(t, trace_read_seq(&seq, &r));
	EXPECT_EQ(t, seq, first + 2 + TRACE_RING_RECORDS + 5);
	net_test_nic_destroy(dev);
}

TEST_CASE(trace_test_a_full_look_behind_buffer_counts_what_it_evicts)
{
	struct net_device *dev = trace_test_nic(t);
	struct trace_filter f = { .class = TRACE_SKB };
	struct sk_buff *skbs[TRACE_STAGE_MAX + 4];
	char said[64];
	u64 mark;

	strcpy(f.dev, dev->name);
	trace_begin(t, &f);
	for (unsigned int i = 0; i < ARRAY_SIZE(skbs); i++)
		skbs[i] = alloc_skb(100, GFP_KERNEL); /* no device yet: each waits */
	EXPECT_GE(t, trace_evicted(), 4);
	if (skbs[0]) {
		skbs[0]->dev = dev; /* now it matches: its alloc_skb is gone */
		trace_skb(TE_UDP_RCV, skbs[0], 0);
	}
	trace_stop();
	for (unsigned int i = 0; i < ARRAY_SIZE(skbs); i++)
		kfree_skb(skbs[i]);
	trace_collect();
	mark = log_seq();
	EXPECT_EQ(t, trace_line("trace"), 0);
	snprintf(said, sizeof(said), ", %llu look-behind evicted\n",
		 (unsigned long long)trace_evicted());
	EXPECT_TRUE(t, log_contains(mark, said));
	trace_clear();
	EXPECT_EQ(t, trace_evicted(), 0);
	net_test_nic_destroy(dev);

	ASSERT_EQ(t, nrecs, 1);
	EXPECT_EQ(t, recs[0].event, TE_UDP_RCV);
	EXPECT_EQ(t, recs[0].obj, (uintptr_t)skbs[0]);
}

#define TEST_IRQ 10 /* an ISA line no device uses under QEMU's pc machine */

static struct sk_buff *irq_skb;

static irqreturn_t trace_irq_handler(int irq, void *dev)
{
	trace_skb(TE_VIRTNET_TX_DONE, irq_skb, 1);
	return IRQ_HANDLED;
}

TEST_CASE(trace_test_a_hardirq_handler_writes_between_two_thread_records)
{
	struct net_device *dev = trace_test_nic(t);
	struct trace_filter f = { .class = TRACE_SKB };
	int err;

	strcpy(f.dev, dev->name);
	trace_begin(t, &f);
	irq_skb = skb_on(t, dev);
	trace_skb(TE_UDP_RCV, irq_skb, 0);
	err = request_irq(TEST_IRQ, trace_irq_handler, 0, "trace-test", NULL);
	if (!err) {
		irq_raise_for_test(TEST_IRQ); /* the handler has run when this returns */
		free_irq(TEST_IRQ, NULL);
	}
	trace_skb(TE_UDP_RCV, irq_skb, 2);
	kfree_skb(irq_skb);
	trace_end();
	net_test_nic_destroy(dev);
	ASSERT_EQ(t, err, 0);

	ASSERT_EQ(t, nrecs, 5); /* alloc_skb, T, H, T, kfree_skb */
	EXPECT_EQ(t, recs[1].ctx, 'T');
	EXPECT_EQ(t, recs[2].event, TE_VIRTNET_TX_DONE);
	EXPECT_EQ(t, recs[2].ctx, 'H');
	EXPECT_EQ(t, recs[2].arg, 1);
	EXPECT_EQ(t, recs[3].arg, 2);
	EXPECT_EQ(t, recs[3].ctx, 'T');
	for (unsigned int i = 1; i < nrecs; i++)
		EXPECT_GE(t, recs[i].ts_ns, recs[i - 1].ts_ns);
	EXPECT_EQ(t, recs[4].event, TE_KFREE_SKB);
}

/* ---- a poll as virtnet_poll runs it, on the test NIC ---- */

static struct net_device *irq_nic; /* whose interrupt trace_nic_irq says it is */
static u64 irq_queue;		   /* 0 receive, 1 transmit */

/* What virtnet_rx_done / virtnet_tx_done trace, from a real hardirq. */
static irqreturn_t trace_nic_irq(int irq, void *dev)
{
	trace_net_ctx(TE_NET_IRQ, irq_nic, irq_queue);
	return IRQ_HANDLED;
}

/* The NIC's interrupt for @queue, raised now (its handler has run when this returns). */
static void nic_irq(u64 queue)
{
	irq_queue = queue;
	irq_raise_for_test(TEST_IRQ);
}

/*
 * What virtnet_rx does with a used buffer: it takes @skb from the ring
 * (and counts it there), then virtnet_receive passes the frame @fr up the
 * stack or, for a NULL @fr, drops the buffer as a runt (a used length
 * shorter than the virtio-net header), before its virtnet_receive hop.
 */
static void nic_take(struct net_device *dev, struct sk_buff *skb, const struct frame *fr)
{
	trace_skb(TE_VIRTNET_RX_TAKEN, skb, fr ? fr->len : 1);
	if (!fr) {
		kfree_skb(skb);
		return;
	}
	skb_put_data(skb, fr->data, fr->len);
	trace_skb(TE_VIRTNET_RX, skb, fr->len);
	skb->protocol = eth_type_trans(skb, dev);
	netif_receive_skb(skb);
}

/* A poll to run: the frames in its used buffers, and an interrupt that comes while it runs. */
struct nic_poll {
	const struct frame *fr[2]; /* in the order the poll takes them; NULL: a runt */
	unsigned int n;		   /* buffers taken: 1 or 2 */
	int mid_irq;		   /* the queue of an interrupt in the poll, or -1 */
	unsigned int mid_at;	   /* it comes just before buffer mid_at is taken */
	bool peer_known;	   /* the stack knows the peer's MAC before the poll */
	unsigned int replies;	   /* frames we send after it (ARP reply, echo reply) */
};

/*
 * Poll @p as virtnet_poll runs it, on @dev, following port 7: the receive
 * interrupt, then the poll takes its used buffers (posted before the
 * trace, as at boot) and refills their ring slots into @refill[0..n-1].
 * Returns true if the frames we send after it came, the echo's reply among them.
 */
static bool nic_poll_traced(struct ktest *t, struct net_device *dev, const struct nic_poll *p,
			    struct sk_buff **refill)
{
	struct trace_filter f = { .class = TRACE_SKB, .port = 7 };
	struct sk_buff *bufs[2] = { NULL, NULL };
	unsigned int sent = 0;
	bool echoed = false;
	struct frame fr;

	for (unsigned int i = 0; i < p->n; i++)
		bufs[i] = netdev_alloc_skb(dev, sizeof(fr.data));
	irq_nic = dev;
	if (!bufs[0] || (p->n > 1 && !bufs[1]) ||
	    request_irq(TEST_IRQ, trace_nic_irq, 0, "trace-test", dev)) {
		kfree_skb(bufs[0]);
		kfree_skb(bufs[1]);
		return false;
	}
	trace_begin(t, &f);
	nic_irq(0);
	local_bh_disable(); /* the poll: NET_RX_SOFTIRQ */
	trace_net_ctx(TE_NAPI_POLL, dev, 64);
	for (unsigned int i = 0; i < p->n; i++) {
		if (p->mid_irq >= 0 && p->mid_at == i)
			nic_irq((u64)p->mid_irq);
		nic_take(dev, bufs[i], p->fr[i]);
	}
	for (unsigned int i = 0; i < p->n; i++)
		refill[i] = netdev_alloc_skb(dev, sizeof(fr.data));
	trace_net_ctx(TE_NAPI_POLL_DONE, dev, p->n);
	local_bh_enable();
	free_irq(TEST_IRQ, dev);
	/*
	 * Then p->replies frames: the echo's reply (IPv4), our ARP reply.  And
	 * one more, our own ARP request, if the echo thread answered on another
	 * CPU before this poll took the peer's ARP request: read on until the
	 * echo's reply has come too.
	 */
	while (sent < p->replies + 1 && (sent < p->replies || !echoed) &&
	       tnic_next_tx(dev, &fr, 5000)) {
		sent++;
		echoed |= frame_eth(&fr)->h_proto == htons(ETH_P_IP);
	}
	trace_end();
	return echoed && sent >= p->replies;
}

/* The poll's story of the datagram alone, then the echo's reply (from hop 9 on). */
static const enum trace_event poll_story_hops[] = {
	TE_NET_IRQ,	   TE_NAPI_POLL,  TE_VIRTNET_RX,  TE_ETH_TYPE_TRANS,
	TE_IP_RCV,	   TE_UDP_RCV,	  TE_UDP_QUEUE,	  TE_NETDEV_ALLOC_SKB,
	TE_NAPI_POLL_DONE, TE_UDP_RECV,	  TE_CONSUME_SKB, TE_ALLOC_SKB,
	TE_IP_OUTPUT,	   TE_ARP_OUTPUT, TE_DEV_XMIT,	  TE_CONSUME_SKB,
};
#define POLL_STORY_ECHO_AT 9

/*
 * Run @p, whose one datagram to port 7 is in buffer @udp_at, on a test
 * NIC of its own.  The story is the datagram's alone: the receive
 * interrupt that brought the poll, the poll, the datagram's hops, the
 * refill of its own ring slot (the ring hands out the slot freed last
 * first: refill n - udp_at), `did n (n - 1 not followed)`, the reply.
 */
static void expect_poll_story(struct ktest *t, const struct nic_poll *p, unsigned int udp_at)
{
	struct net_device *dev = trace_test_nic(t);
	struct sk_buff *refill[2] = { NULL, NULL };
	bool replied;

	if (p->peer_known)
		net_test_learn_peer(dev);
	replied = nic_poll_traced(t, dev, p, refill);
	for (int i = 0; i < 2; i++)
		kfree_skb(refill[i]);
	net_test_nic_destroy(dev);
	ASSERT_TRUE(t, replied);
	unweave_echo(t, poll_story_hops, ARRAY_SIZE(poll_story_hops), POLL_STORY_ECHO_AT,
		     TE_UDP_QUEUE);
	expect_events(t, poll_story_hops, ARRAY_SIZE(poll_story_hops));
	ASSERT_EQ(t, nrecs, ARRAY_SIZE(poll_story_hops));
	EXPECT_EQ(t, recs[0].ctx, 'H');
	EXPECT_EQ(t, recs[0].arg, 0); /* the receive queue's */
	EXPECT_EQ(t, recs[1].ctx, 'S');
	for (unsigned int i = 2; i <= 6; i++)
		EXPECT_EQ(t, recs[i].obj, recs[2].obj);
	EXPECT_EQ(t, recs[5].arg, 7);
	EXPECT_EQ(t, recs[7].obj, (uintptr_t)refill[p->n - 1 - udp_at]);
	EXPECT_EQ(t, recs[7].len, 0);
	EXPECT_EQ(t, recs[8].arg, p->n);	/* did n... */
	EXPECT_EQ(t, recs[8].len, p->n - 1);	/* ...all but the datagram unfollowed */
	EXPECT_EQ(t, recs[9].obj, recs[2].obj); /* the echo thread takes it */
	/*
	 * The peer's MAC was known when the echo answered: surely if it was
	 * before the poll, or the poll took the peer's ARP request before the
	 * datagram, or the echo answered after the poll.  (An echo thread on
	 * another CPU may answer between the datagram and that ARP request: its
	 * reply then waits for the address.)
	 */
	if (p->peer_known || udp_at > 0 || recs[13].ts_ns > recs[8].ts_ns)
		EXPECT_EQ(t, recs[13].arg, 1);
}

/*
 * QEMU's first datagram after boot: its ARP request and the datagram in
 * one poll, our ARP reply's transmit interrupt between them (not this
 * datagram's story); the ARP request teaches us the peer.
 */
static void expect_arp_shared_poll_story(struct ktest *t, bool udp_first)
{
	struct frame arp, udp;
	struct nic_poll p = { .fr = { udp_first ? &udp : &arp, udp_first ? &arp : &udp },
			      .n = 2,
			      .mid_irq = 1,
			      .mid_at = 1,
			      .replies = 2 };

	frame_arp(&arp, ARPOP_REQUEST, peer_mac, PEER_IP, OUR_IP);
	frame_udp(&udp, PEER_IP, OUR_IP, 5555, 7, "one of two", 10);
	expect_poll_story(t, &p, udp_first ? 0 : 1);
}

TEST_CASE(trace_test_a_datagram_after_an_arp_request_in_one_poll_tells_only_its_own_story)
{
	expect_arp_shared_poll_story(t, false);
}

TEST_CASE(trace_test_a_datagram_before_an_arp_request_in_one_poll_tells_only_its_own_story)
{
	expect_arp_shared_poll_story(t, true);
}

/*
 * A runt the driver drops and the datagram in one poll: the runt never
 * reaches the virtnet_receive hop, but its ring slot is refilled all the
 * same, so it counts among the poll's buffers.
 */
static void expect_runt_shared_poll_story(struct ktest *t, bool udp_first)
{
	struct frame udp;
	struct nic_poll p = { .fr = { udp_first ? &udp : NULL, udp_first ? NULL : &udp },
			      .n = 2,
			      .mid_irq = -1,
			      .peer_known = true,
			      .replies = 1 };

	frame_udp(&udp, PEER_IP, OUR_IP, 5555, 7, "after a runt", 12);
	expect_poll_story(t, &p, udp_first ? 0 : 1);
}

TEST_CASE(trace_test_a_datagram_after_a_dropped_runt_in_one_poll_gets_its_own_refill)
{
	expect_runt_shared_poll_story(t, false);
}

TEST_CASE(trace_test_a_datagram_before_a_dropped_runt_in_one_poll_gets_its_own_refill)
{
	expect_runt_shared_poll_story(t, true);
}

/*
 * A second receive interrupt comes while the poll runs, before it has
 * written anything: the story still starts with the interrupt that
 * brought the poll (the new one waits for the next poll).
 */
TEST_CASE(trace_test_an_interrupt_during_the_poll_leaves_it_the_one_that_brought_it)
{
	struct frame udp;
	struct nic_poll p = {
		.fr = { &udp }, .n = 1, .mid_irq = 0, .mid_at = 0, .peer_known = true, .replies = 1
	};

	frame_udp(&udp, PEER_IP, OUR_IP, 5555, 7, "interrupted", 11);
	expect_poll_story(t, &p, 0);
}

/* The stack's hops of one datagram in, and of the echo service's reply out. */
static const enum trace_event udp_echo_hops[] = {
	TE_NETDEV_ALLOC_SKB, /* tnic_inject: the "device" fills a buffer */
	TE_NAPI_POLL,	     TE_ETH_TYPE_TRANS, TE_IP_RCV,	TE_UDP_RCV,  TE_UDP_QUEUE,
	TE_NAPI_POLL_DONE,   TE_UDP_RECV,	TE_CONSUME_SKB, /* the echo thread takes it */
	TE_ALLOC_SKB,	     TE_IP_OUTPUT,	TE_ARP_OUTPUT,	TE_DEV_XMIT, /* the reply */
	TE_CONSUME_SKB, /* tnic_next_tx frees it */
};
#define UDP_ECHO_ECHO_AT 7 /* udp_recvfrom: the echo thread's first hop */

TEST_CASE(trace_test_a_udp_echo_datagram_shows_every_hop_in_order)
{
	struct net_device *dev = trace_test_nic(t);
	struct trace_filter f = { .class = TRACE_SKB, .port = 7 };
	struct frame fr;
	bool answered;

	net_test_learn_peer(dev);
	trace_begin(t, &f);
	frame_udp(&fr, PEER_IP, OUR_IP, 5555, 7, "trace me", 8);
	tnic_inject(dev, fr.data, fr.len);
	answered = tnic_next_tx(dev, &fr, 5000);
	trace_end();
	net_test_nic_destroy(dev);
	ASSERT_TRUE(t, answered);

	unweave_echo(t, udp_echo_hops, ARRAY_SIZE(udp_echo_hops), UDP_ECHO_ECHO_AT, TE_UDP_QUEUE);
	expect_events(t, udp_echo_hops, ARRAY_SIZE(udp_echo_hops));
	ASSERT_EQ(t, nrecs, ARRAY_SIZE(udp_echo_hops));
	/* In: each layer pulls its header, so data moves on by 14, 20, 8. */
	EXPECT_EQ(t, recs[0].skb.data, NET_SKB_PAD);
	EXPECT_EQ(t, recs[2].skb.data, NET_SKB_PAD + ETH_HLEN);
	EXPECT_EQ(t, recs[3].skb.data, recs[2].skb.data + 20);
	EXPECT_EQ(t, recs[4].skb.data, recs[3].skb.data + 8);
	EXPECT_EQ(t, recs[4].len, 8); /* "trace me" */
	EXPECT_EQ(t, recs[4].arg, 7);
	EXPECT_EQ(t, recs[7].arg, 8); /* bytes the echo thread copied */
	EXPECT_EQ(t, recs[1].obj, 0); /* the poll is the NIC's, not the skb's */
	EXPECT_EQ(t, recs[6].obj, 0);
	EXPECT_EQ(t, recs[6].arg, 1); /* one packet in that poll */
	for (unsigned int i = 2; i <= 8; i++)
		if (i != 6)
			EXPECT_EQ(t, recs[i].obj, recs[0].obj); /* one skb, in */
	/* Out: a new skb; headers pushed in front, data moves back by 20 and 14. */
	for (unsigned int i = 10; i <= 13; i++)
		EXPECT_EQ(t, recs[i].obj, recs[9].obj);
	/* (recs[9].obj may well equal recs[0].obj: the slab hands the freed struct out again) */
	EXPECT_EQ(t, recs[9].len, 0);
	EXPECT_EQ(t, recs[10].len, 20 + 8 + 8);
	EXPECT_EQ(t, recs[11].arg, 1); /* the peer's MAC was known */
	EXPECT_EQ(t, recs[12].skb.data, recs[10].skb.data - ETH_HLEN);
	for (unsigned int i = 0; i < nrecs; i++) {
		if (!recs[i].obj)
			continue;
		EXPECT_LE(t, recs[i].skb.data, recs[i].skb.tail);
		EXPECT_LE(t, recs[i].skb.tail, recs[i].skb.end);
		EXPECT_EQ(t, recs[i].skb.users, 1);
		EXPECT_EQ(t, recs[i].skb.dataref, 1);
	}
}

TEST_CASE(trace_test_the_port_filter_leaves_other_traffic_out)
{
	struct net_device *dev = trace_test_nic(t);
	struct trace_filter f = { .class = TRACE_SKB, .port = 4242 };
	struct frame fr;

	trace_begin(t, &f);
	net_test_learn_peer(dev); /* ARP in and out: not UDP */
	frame_udp(&fr, PEER_IP, OUR_IP, 5555, 7, "not me", 6);
	tnic_inject(dev, fr.data, fr.len); /* UDP, but port 7 */
	EXPECT_TRUE(t, tnic_next_tx(dev, &fr, 5000));
	frame_udp(&fr, PEER_IP, OUR_IP, 4242, 4243, "me", 2);
	tnic_inject(dev, fr.data, fr.len); /* from port 4242: nobody listens on 4243 */
	trace_end();
	net_test_nic_destroy(dev);

	/* Only the last datagram: in, dropped (no socket). */
	ASSERT_GE(t, nrecs, 5);
	EXPECT_EQ(t, recs[0].event, TE_NETDEV_ALLOC_SKB);
	EXPECT_EQ(t, recs[1].event, TE_NAPI_POLL);
	EXPECT_EQ(t, recs[nrecs - 2].event, TE_KFREE_SKB);
	EXPECT_EQ(t, recs[nrecs - 1].event, TE_NAPI_POLL_DONE);
	for (unsigned int i = 0; i < nrecs; i++)
		if (recs[i].obj)
			EXPECT_EQ(t, recs[i].obj, recs[0].obj);
}

TEST_CASE(trace_test_the_device_filter_leaves_other_devices_out)
{
	struct net_device *dev = trace_test_nic(t);
	struct trace_filter f = { .class = TRACE_SKB };
	struct sk_buff *mine, *other;

	strcpy(f.dev, "lo");
	trace_begin(t, &f);
	mine = skb_on(t, loopback_dev);
	other = skb_on(t, dev);
	trace_skb(TE_UDP_RCV, other, 1);
	trace_skb(TE_UDP_RCV, mine, 2);
	kfree_skb(other);
	kfree_skb(mine);
	trace_end();
	net_test_nic_destroy(dev);

	ASSERT_EQ(t, nrecs, 3);
	EXPECT_EQ(t, recs[0].event, TE_ALLOC_SKB); /* mine's, from the look-behind */
	EXPECT_EQ(t, recs[1].event, TE_UDP_RCV);
	EXPECT_EQ(t, recs[1].arg, 2);
	EXPECT_EQ(t, recs[2].event, TE_KFREE_SKB);
	for (unsigned int i = 0; i < nrecs; i++)
		EXPECT_EQ(t, recs[i].obj, (uintptr_t)mine);
	EXPECT_STREQ(t, recs[1].dev, "lo");
}

#define BIG_PORT 4011 /* a port of this test's own */

/* The longest payload udp_sendto sends: its skb's tail lies past 64 KiB from head. */
#define BIG_LEN UDP_MAX_PAYLOAD

TEST_CASE(trace_test_the_biggest_skb_shows_its_true_offsets)
{
	struct trace_filter f = { .class = TRACE_SKB, .port = BIG_PORT };
	struct socket *sock;
	u8 *payload;
	int sent, got;
	u32 longest = 0;

	need_tracepoints(t);
	payload = kmalloc(BIG_LEN, GFP_KERNEL);
	ASSERT_NOT_NULL(t, payload);
	if (sock_create_udp(&sock)) {
		kfree(payload);
		ASSERT_TRUE(t, false);
	}
	if (udp_bind(sock, BIG_PORT)) {
		sock_release(sock);
		kfree(payload);
		ASSERT_TRUE(t, false);
	}
	sock_set_rcvtimeo(sock, 5000);
	trace_begin(t, &f);
	sent = udp_sendto(sock, payload, BIG_LEN, INADDR_LOOPBACK, BIG_PORT);
	got = sent < 0 ? sent : udp_recvfrom(sock, payload, BIG_LEN, NULL, NULL, 0);
	trace_end();
	sock_release(sock);
	kfree(payload);
	EXPECT_EQ(t, sent, BIG_LEN);
	EXPECT_EQ(t, got, BIG_LEN);

	ASSERT_GE(t, nrecs, 4); /* alloc_skb, ip_output ... udp_rcv ... consume_skb */
	for (unsigned int i = 0; i < nrecs; i++) {
		const struct trace_record *r = &recs[i];

		if (!r->obj)
			continue;
		EXPECT_LE(t, r->skb.data, r->skb.tail);
		EXPECT_LE(t, r->skb.tail, r->skb.end);
		EXPECT_EQ(t, r->len, r->skb.tail - r->skb.data);
		if (r->event == TE_UDP_RCV)
			EXPECT_EQ(t, r->len, BIG_LEN);
		longest = max(longest, r->skb.tail);
	}
	/* The payload goes in at MAX_HEADER, every header in front of it: tail past 0xffff. */
	EXPECT_EQ(t, longest, MAX_HEADER + BIG_LEN);
}

TEST_CASE(trace_test_a_bio_trace_leaves_virtqueue_tokens_alone)
{
	struct trace_filter bio = { .class = TRACE_BIO }, skb = { .class = TRACE_SKB };
	static int token; /* what virtqueue_add would be handed */

	trace_begin(t, &bio); /* virtio-blk's tokens are never followed: not even looked at */
	trace_follow(&token);
	trace_vring(TE_VRING_ADD, &token, 1 << 16);
	EXPECT_EQ(t, trace_end(), 0);
	trace_begin(t, &skb); /* an skb trace records a followed token's ring hop */
	trace_follow(&token);
	trace_vring(TE_VRING_ADD, &token, 1 << 16);
	ASSERT_EQ(t, trace_end(), 1);
	EXPECT_EQ(t, recs[0].event, TE_VRING_ADD);
	EXPECT_EQ(t, recs[0].obj, (uintptr_t)&token);
}

/* ---- bios ---- */

static const struct ramdisk_config trace_rd_cfg = {
	.sectors = 64,
	.completion = RAMDISK_COMPLETE_IRQ_SOFTIRQ,
};

/* Read sector @sector of @rd (one 512-byte block) through blkdev_issue_rw. */
static int rd_read(struct ramdisk *rd, sector_t sector, void *buf)
{
	return blkdev_issue_rw(&rd->disk->bdev, READ, sector, buf, SECTOR_SIZE, GFP_KERNEL, NULL);
}

static const enum trace_event read_hops[] = {
	TE_BIO_ALLOC,	     TE_BLK_MAKE_REQUEST, TE_BLK_EXECUTE_RQ,
	TE_BLK_DONE_SOFTIRQ, TE_BIO_ENDIO,	  TE_RQ_PUT,
};

TEST_CASE(trace_test_a_ramdisk_read_shows_every_bio_hop_in_order)
{
	struct ramdisk *rd = trace_test_disk(t, &trace_rd_cfg);
	struct trace_filter f = {
		.class = TRACE_BIO, .sector_set = true, .sector_first = 8, .sector_last = 8
	};
	void *buf = kmalloc(SECTOR_SIZE, GFP_KERNEL);

	strcpy(f.dev, rd->disk->disk_name);
	trace_begin(t, &f);
	EXPECT_EQ(t, buf ? rd_read(rd, 3, buf) : -ENOMEM, 0); /* outside the range */
	EXPECT_EQ(t, buf ? rd_read(rd, 8, buf) : -ENOMEM, 0);
	trace_end();
	kfree(buf);
	ramdisk_destroy(rd);

	expect_events(t, read_hops, ARRAY_SIZE(read_hops));
	ASSERT_EQ(t, nrecs, ARRAY_SIZE(read_hops));
	EXPECT_EQ(t, recs[0].bio.sector, 0); /* bio_alloc: no sector yet */
	EXPECT_EQ(t, recs[0].arg, 1);	     /* one vec */
	for (unsigned int i = 1; i < nrecs; i++) {
		EXPECT_STREQ(t, recs[i].dev, recs[1].dev);
		EXPECT_EQ(t, recs[i].bio.rw, 0);
		if (i != 4) /* bio_endio names no request */
			EXPECT_EQ(t, recs[i].bio.rq, recs[1].bio.rq);
	}
	EXPECT_EQ(t, recs[1].obj, recs[0].obj); /* the same bio... */
	EXPECT_EQ(t, recs[4].obj, recs[0].obj);
	EXPECT_EQ(t, recs[1].bio.sector, 0); /* blk_make_request: the request has it */
	EXPECT_EQ(t, recs[1].len, SECTOR_SIZE);
	EXPECT_EQ(t, recs[1].bio.vcnt, 1);
	for (unsigned int i = 2; i <= 5; i++) { /* ...in one request */
		if (i != 4)
			EXPECT_EQ(t, recs[i].obj, recs[1].bio.rq);
	}
	EXPECT_EQ(t, recs[2].bio.sector, 8);
	EXPECT_EQ(t, recs[2].len, SECTOR_SIZE);
	EXPECT_EQ(t, recs[2].bio.vcnt, 1); /* bios in the request */
	EXPECT_EQ(t, recs[3].ctx, 'S');
	EXPECT_EQ(t, recs[3].arg, 0);
	EXPECT_EQ(t, recs[4].arg, 0);	   /* bio_endio: no error */
	EXPECT_EQ(t, recs[5].bio.vcnt, 0); /* put: its bios are not looked at */
}

static const enum trace_event bounced_read_hops[] = {
	TE_BIO_ALLOC,	     TE_BIO_ALLOC,	TE_BLK_QUEUE_BOUNCE,
	TE_BLK_MAKE_REQUEST, TE_BLK_EXECUTE_RQ, TE_BLK_DONE_SOFTIRQ,
	TE_BIO_ENDIO,	     TE_BIO_ENDIO,	TE_RQ_PUT,
};

TEST_CASE(trace_test_a_bounced_read_shows_the_bounce_bio)
{
	struct ramdisk_config cfg = trace_rd_cfg;
	struct trace_filter f = { .class = TRACE_BIO };
	struct ramdisk *rd;
	struct page *page;
	int err;

	blk_test_need_isa(t);
	cfg.bounce_limit = BLK_BOUNCE_ISA;
	rd = trace_test_disk(t, &cfg);
	page = blk_test_page(t, BLK_TEST_HIGH); /* the device cannot reach it */
	strcpy(f.dev, rd->disk->disk_name);
	trace_begin(t, &f);
	err = rd_read(rd, 8, page_address(page));
	trace_end();
	__free_page(page);
	ramdisk_destroy(rd);
	EXPECT_EQ(t, err, 0);

	expect_events(t, bounced_read_hops, ARRAY_SIZE(bounced_read_hops));
	ASSERT_EQ(t, nrecs, ARRAY_SIZE(bounced_read_hops));
	/* orig = recs[0], bounce = recs[1]: the request holds the bounce bio. */
	EXPECT_NE(t, recs[0].obj, recs[1].obj);
	EXPECT_EQ(t, recs[2].obj, recs[1].obj);
	EXPECT_EQ(t, recs[2].arg, recs[0].obj);
	EXPECT_EQ(t, recs[3].obj, recs[1].obj);
	EXPECT_EQ(t, recs[4].obj, recs[3].bio.rq);
	EXPECT_EQ(t, recs[5].obj, recs[3].bio.rq);
	EXPECT_EQ(t, recs[6].obj, recs[1].obj); /* the bounce bio ends first... */
	EXPECT_EQ(t, recs[7].obj, recs[0].obj); /* ...and ends the original */
	EXPECT_EQ(t, recs[8].obj, recs[3].bio.rq);
	/* blk_make_request's bios name the disk but no sector: the request does. */
	for (unsigned int i = 2; i < nrecs; i++)
		EXPECT_STREQ(t, recs[i].dev, f.dev);
	EXPECT_EQ(t, recs[4].bio.sector, 8);
	EXPECT_EQ(t, recs[4].len, SECTOR_SIZE);
}

/* ---- the monitor command ---- */

TEST_CASE(trace_test_the_command_refuses_bad_arguments)
{
	static const char *const bad[] = {
		"trace on",
		"trace on udp",
		"trace on tcp dev=lo",
		"trace on tcp port=0",
		"trace on tcp sector=1-2",
		"trace bogus",
		"trace show now",
		"trace off 1",
		"trace on skb port=0",
		"trace on skb port=70000",
		"trace on skb port=7x",
		"trace on skb port",
		"trace on skb port=7 port=8",
		"trace on skb dev=nosuch0",
		"trace on skb sector=1-2",
		"trace on bio port=7",
		"trace on bio disk=nodisk",
		"trace on bio sector=9-3",
		"trace on bio sector=a-3",
		"trace on bio sector=3-",
	};

	need_the_ring(t);
	trace_stop();
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		int err = trace_line(bad[i]);

		if (err != -EINVAL)
			ktest_fail(t, __FILE__, __LINE__, "'%s' returned %d, not -EINVAL", bad[i],
				   err);
		EXPECT_EQ(t, trace_enabled, 0);
	}
}

TEST_CASE(trace_test_the_command_sets_the_filter_and_stops)
{
	need_tracepoints(t);
	EXPECT_EQ(t, trace_line("trace on skb dev=lo port=7"), 0);
	EXPECT_EQ(t, trace_enabled, TRACE_SKB);
	EXPECT_EQ(t, trace_filter.port, 7);
	EXPECT_STREQ(t, trace_filter.dev, "lo");
	EXPECT_EQ(t, trace_line("trace on bio sector=8-15"), 0);
	EXPECT_EQ(t, trace_enabled, TRACE_BIO);
	EXPECT_TRUE(t, trace_filter.sector_set);
	EXPECT_EQ(t, trace_filter.sector_first, 8);
	EXPECT_EQ(t, trace_filter.sector_last, 15);
	EXPECT_EQ(t, trace_filter.port, 0);
	EXPECT_EQ(t, trace_line("trace on tcp port=80"), 0);
	EXPECT_EQ(t, trace_enabled, TRACE_TCP);
	EXPECT_EQ(t, trace_filter.port, 80);
	EXPECT_EQ(t, trace_line("trace"), 0);
	EXPECT_EQ(t, trace_line("trace show"), 0);
	EXPECT_EQ(t, trace_line("trace off"), 0);
	EXPECT_EQ(t, trace_enabled, 0);
	EXPECT_EQ(t, trace_line("trace clear"), 0);
	EXPECT_EQ(t, trace_count(), 0);
}

TEST_CASE(trace_test_show_stops_at_ctrl_c)
{
	struct net_device *dev = trace_test_nic(t);
	struct trace_filter f = { .class = TRACE_SKB };
	struct sk_buff *skb;
	bool pending;
	u64 mark;
	int err;

	strcpy(f.dev, dev->name);
	trace_begin(t, &f);
	skb = skb_on(t, dev);
	for (int i = 0; i < 3; i++)
		trace_skb(TE_UDP_RCV, skb, i);
	trace_stop();
	kfree_skb(skb);
	net_test_nic_destroy(dev);
	mark = log_seq();
	EXPECT_EQ(t, send_sig(SIGINT, current, 1), 0); /* Ctrl-C, as the monitor sends it */
	err = trace_line("trace show");
	pending = signal_pending(current);
	flush_signals(current);
	EXPECT_EQ(t, err, -EINTR);
	EXPECT_TRUE(t, pending); /* the command leaves it to the monitor */
	EXPECT_TRUE(t, log_contains(mark, "trace: off; 4 records"));
	EXPECT_FALSE(t, log_contains(mark, "udp_rcv")); /* not one record line */
	mark = log_seq();
	EXPECT_EQ(t, trace_line("trace show"), 0); /* no Ctrl-C: all four */
	EXPECT_TRUE(t, log_contains(mark, "udp_rcv"));
	EXPECT_TRUE(t, log_contains(mark, "alloc_skb"));
	trace_clear();
}

TEST_CASE(trace_test_trace_on_starts_a_new_session_from_an_empty_ring)
{
	struct sk_buff *skb;
	u64 mark;

	need_tracepoints(t);
	trace_stop();
	trace_clear();
	EXPECT_EQ(t, trace_line("trace on skb dev=lo"), 0);
	skb = skb_on(t, loopback_dev);
	for (int i = 0; i < TRACE_RING_RECORDS; i++) /* + alloc_skb: one lost */
		trace_skb(TE_UDP_RCV, skb, i);
	kfree_skb(skb); /* two */
	EXPECT_EQ(t, trace_count(), TRACE_RING_RECORDS);
	EXPECT_EQ(t, trace_lost(), 2);
	mark = log_seq();
	EXPECT_EQ(t, trace_line("trace on bio"), 0);
	EXPECT_EQ(t, trace_count(), 0);
	EXPECT_EQ(t, trace_lost(), 0);
	EXPECT_TRUE(t, log_contains(mark, "trace: following bio, from an empty ring (512 records "
					  "of the last session cleared)\n"));
	mark = log_seq();
	EXPECT_EQ(t, trace_line("trace show"), 0);
	EXPECT_TRUE(t, log_contains(mark, "trace: following bio; 0 records (ring of 512), 0 lost"));
	EXPECT_FALSE(t, log_contains(mark, "udp_rcv")); /* not one skb record is left */
	mark = log_seq();
	EXPECT_EQ(t, trace_line("trace on skb"), 0); /* nothing to clear: not said */
	EXPECT_TRUE(t, log_contains(mark, "trace: following skb, from an empty ring\n"));
	trace_stop();
	trace_clear();
}

/* ---- TCP: a lost segment and its fast retransmit ---------------------------------------- */

#define TT_PORT	    5101
#define TT_MSS	    1460 /* lo at MTU 1500 */
#define TT_BYTES    (44 * TT_MSS)
#define TT_LOSS_PPM 30000 /* 3%: netem lo tx loss 3% */

struct tt_env {
	unsigned int mtu, socks;
	long tw;
};

/* lo at MTU 1500 (segments of 1460, as on Ethernet), TIME_WAIT 20 ms. */
static void tt_up(struct tt_env *e)
{
	e->mtu = loopback_dev->mtu;
	e->socks = tcp_sock_count();
	e->tw = tcp_timewait_ms;
	tcp_timewait_ms = 20;
	dev_set_mtu(loopback_dev, 1500);
}

/* netem off, lo as it was; every connection of the case gone (within 2 s)? */
static bool tt_down(struct tt_env *e)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(2000);

	netem_off(loopback_dev, NETEM_BOTH);
	dev_set_mtu(loopback_dev, e->mtu);
	while (tcp_sock_count() != e->socks && !time_after(jiffies, deadline))
		msleep(5);
	tcp_timewait_ms = e->tw;
	return tcp_sock_count() == e->socks;
}

/*
 * The first seed after @after whose loss draws at 3% lose exactly one of
 * the first 100 packets, one of the 8th to 40th: in the middle of the
 * data, whichever packets those are (net/netem.h's generator).
 */
static u32 tt_seed(u32 after)
{
	u32 thr = netem_ppm_to_prob(TT_LOSS_PPM);

	for (u32 seed = after + 1;; seed++) {
		u64 st = seed;
		unsigned int drops = 0, first = 0;

		for (unsigned int i = 1; i <= 100; i++)
			if (netem_prandom_u32(&st) <= thr && !drops++)
				first = i;
		if (drops == 1 && first >= 8 && first <= 40)
			return seed;
	}
}

/*
 * TT_BYTES from the accepted end to the client over lo with netem losing
 * one packet, traced (`trace on tcp port=TT_PORT`); a connection to
 * another port meanwhile (refused) must stay out of the trace.  Every
 * byte checked; the records in recs[] once every socket is gone.
 */
static void tt_transfer(struct ktest *t, u32 seed)
{
	struct trace_filter f = { .class = TRACE_TCP, .port = TT_PORT };
	struct socket *l, *c, *a, *other;
	u8 *buf = kmalloc(TT_BYTES, GFP_KERNEL);
	char cmd[64];
	struct tt_env e;
	int got = 0, n;

	ASSERT_NOT_NULL(t, buf);
	tt_up(&e);
	snprintf(cmd, sizeof(cmd), "netem lo tx loss 3%% seed %u", seed);
	trace_begin(t, &f);
	ASSERT_EQ(t, sock_create_tcp(&l), 0);
	ASSERT_EQ(t, kernel_bind(l, TT_PORT), 0);
	ASSERT_EQ(t, kernel_listen(l, 1), 0);
	ASSERT_EQ(t, trace_line(cmd), 0);
	ASSERT_EQ(t, sock_create_tcp(&c), 0);
	ASSERT_EQ(t, kernel_connect(c, INADDR_LOOPBACK, TT_PORT, 0), 0);
	ASSERT_EQ(t, kernel_accept(l, &a, 0), 0);
	for (int i = 0; i < TT_BYTES; i++)
		buf[i] = (u8)(i * 7 + (i >> 8));
	EXPECT_EQ(t, kernel_sendmsg(a, buf, TT_BYTES, 0), TT_BYTES);
	ASSERT_EQ(t, sock_create_tcp(&other), 0);
	EXPECT_EQ(t, kernel_connect(other, INADDR_LOOPBACK, TT_PORT + 1, 0), -ECONNREFUSED);
	sock_release(other);
	memset(buf, 0, TT_BYTES);
	while (got < TT_BYTES && (n = kernel_recvmsg(c, buf + got, TT_BYTES - got, 0)) > 0)
		got += n;
	EXPECT_EQ(t, got, TT_BYTES);
	for (int i = 0; i < got; i++)
		if (buf[i] != (u8)(i * 7 + (i >> 8))) {
			ktest_fail(t, __FILE__, __LINE__, "byte %d wrong", i);
			break;
		}
	sock_release(a);
	sock_release(c);
	sock_release(l);
	EXPECT_TRUE(t, tt_down(&e));
	trace_end();
	kfree(buf);
}

/* The index in recs[] of the first record from @from on that @pred holds for, or nrecs. */
#define tt_find(from, pred)                                               \
	({                                                                \
		unsigned int __i = (from);                                \
		while (__i < nrecs && !({                                 \
			       const struct trace_record *r = &recs[__i]; \
			       (void)r;                                   \
			       (pred);                                    \
		       }))                                                \
			__i++;                                            \
		__i;                                                      \
	})

/*
 * The story of one lost data segment, as docs/tcp.md tells it: netem loses
 * seq S of the sender; three duplicate ACKs come back; Open -> Recovery
 * with ssthresh half the flight and cwnd ssthresh + 3; S sent again,
 * marked a retransmission; the client receives it; Recovery -> Open with
 * cwnd deflated to ssthresh.  Numbers are relative: the SYNs at 0, the
 * first data byte 1, and the client's records number the server's
 * segments as the server does.  Both connections end with
 * tcp_destroy_sock, and nothing of another port is in the ring.
 * Returns false when the packet lost was not data (the caller tries
 * another seed).
 */
static bool tt_expect_fast_retransmit_story(struct ktest *t)
{
	unsigned int drop, dup = 0, i, rec, retr, open;
	u64 sender;
	u32 lost;

	for (i = 0; i < nrecs; i++)
		if (recs[i].event != TE_TCP_NETEM_DROP && recs[i].tcp.lport != TT_PORT &&
		    recs[i].tcp.rport != TT_PORT)
			ktest_fail(t, __FILE__, __LINE__, "record %u: ports %u>%u", i,
				   recs[i].tcp.lport, recs[i].tcp.rport);
	drop = tt_find(0, r->event == TE_TCP_NETEM_DROP);
	if (drop == nrecs) {
		ktest_fail(t, __FILE__, __LINE__, "no netem_drop record in %u", nrecs);
		return true;
	}
	EXPECT_EQ(t, tt_find(drop + 1, r->event == TE_TCP_NETEM_DROP), nrecs); /* one loss */
	if (!recs[drop].len || recs[drop].tcp.lport != TT_PORT)
		return false; /* an ACK or the handshake was lost: no fast retransmit to see */
	sender = recs[drop].obj;
	lost = recs[drop].tcp.seq;
	EXPECT_EQ(t, recs[drop].arg, 1); /* lost on tx */
	EXPECT_EQ(t, recs[drop].len, TT_MSS);
	EXPECT_EQ(t, (lost - 1) % TT_MSS, 0);
	/* The sender's SYN-ACK at 0 and its first data byte at 1. */
	i = tt_find(0, r->obj == sender && r->event == TE_TCP_TRANSMIT);
	ASSERT_TRUE(t, i < nrecs);
	EXPECT_EQ(t, recs[i].tcp.flags, TCPHDR_SYN | TCPHDR_ACK);
	EXPECT_EQ(t, recs[i].tcp.seq, 0);
	i = tt_find(0, r->obj == sender && r->event == TE_TCP_TRANSMIT && r->len);
	ASSERT_TRUE(t, i < nrecs);
	EXPECT_EQ(t, recs[i].tcp.seq, 1);
	/* Duplicate ACKs, then Open -> Recovery on the third. */
	rec = tt_find(drop, r->obj == sender && r->event == TE_TCP_CA_STATE);
	ASSERT_TRUE(t, rec < nrecs);
	for (i = drop; i < rec; i++)
		if (recs[i].obj == sender && recs[i].event == TE_TCP_RCV && recs[i].arg) {
			EXPECT_EQ(t, recs[i].tcp.ack, lost);
			dup++;
		}
	EXPECT_EQ(t, dup, 3);
	EXPECT_EQ(t, recs[rec].arg, TCP_CA_Open);
	EXPECT_EQ(t, recs[rec].tcp.ca_state, TCP_CA_Recovery);
	EXPECT_EQ(t, recs[rec].tcp.ssthresh, max(recs[rec].tcp.flight / 2, 2));
	EXPECT_EQ(t, recs[rec].tcp.cwnd, recs[rec].tcp.ssthresh + 3);
	/* The retransmission: the lost numbers, right after. */
	retr = tt_find(rec, r->obj == sender && r->event == TE_TCP_TRANSMIT);
	ASSERT_TRUE(t, retr < nrecs);
	EXPECT_EQ(t, recs[retr].arg, 1);
	EXPECT_EQ(t, recs[retr].tcp.seq, lost);
	EXPECT_EQ(t, recs[retr].len, TT_MSS);
	EXPECT_EQ(t, tt_find(0, r->obj == sender && r->event == TE_TCP_TRANSMIT && r->arg), retr);
	/* The client gets it, under the same numbers. */
	EXPECT_TRUE(t, tt_find(retr, r->obj != sender && r->event == TE_TCP_RCV &&
					     r->tcp.seq == lost && r->len == TT_MSS) < nrecs);
	/* Recovery ends, cwnd deflated. */
	open = tt_find(retr, r->obj == sender && r->event == TE_TCP_CA_STATE);
	ASSERT_TRUE(t, open < nrecs);
	EXPECT_EQ(t, recs[open].arg, TCP_CA_Recovery);
	EXPECT_EQ(t, recs[open].tcp.ca_state, TCP_CA_Open);
	EXPECT_EQ(t, recs[open].tcp.cwnd, recs[open].tcp.ssthresh);
	/* Every connection's last record is its destruction. */
	for (i = 0; i < nrecs; i++) {
		u64 obj = recs[i].obj;
		unsigned int last = i;

		for (unsigned int j = i + 1; j < nrecs; j++)
			if (recs[j].obj == obj)
				last = j;
		if (last == i && recs[i].event != TE_TCP_DESTROY)
			ktest_fail(t, __FILE__, __LINE__, "record %u (%s) ends a story", i,
				   trace_event_name(recs[i].event));
	}
	return true;
}

TEST_CASE(trace_test_tcp_shows_a_lost_segment_recovered_by_fast_retransmit)
{
	u32 seed = 0;
	int tries;

	need_tracepoints(t);
	/* A lost ACK shows no recovery: another seed, until it is data (about 3 in 5). */
	for (tries = 0; tries < 12; tries++) {
		seed = tt_seed(seed);
		tt_transfer(t, seed);
		if (t->failures || tt_expect_fast_retransmit_story(t))
			break;
	}
	EXPECT_LT(t, tries, 12);
}

/* Leave tracing off and the ring empty, unless it was the user's session. */
static void trace_suite_exit(void)
{
	if (trace_user_session)
		return;
	trace_stop();
	trace_clear();
}

static int trace_suite_init(void)
{
	blk_test_make_isa_pool();
	trace_user_session = READ_ONCE(trace_enabled) || trace_count();
	trace_suite_exit();
	return 0;
}

static const struct ktest_case trace_cases[] = {
	KTEST(trace_test_off_means_no_record),
	KTEST(trace_test_ring_keeps_every_hop_in_order),
	KTEST(trace_test_a_full_ring_overwrites_its_oldest_and_counts_them),
	KTEST(trace_test_a_reader_overtaken_by_the_writer_goes_on_at_the_oldest_record_kept),
	KTEST(trace_test_a_full_look_behind_buffer_counts_what_it_evicts),
	KTEST(trace_test_a_hardirq_handler_writes_between_two_thread_records),
	KTEST(trace_test_a_udp_echo_datagram_shows_every_hop_in_order),
	KTEST(trace_test_a_datagram_after_an_arp_request_in_one_poll_tells_only_its_own_story),
	KTEST(trace_test_a_datagram_before_an_arp_request_in_one_poll_tells_only_its_own_story),
	KTEST(trace_test_a_datagram_after_a_dropped_runt_in_one_poll_gets_its_own_refill),
	KTEST(trace_test_a_datagram_before_a_dropped_runt_in_one_poll_gets_its_own_refill),
	KTEST(trace_test_an_interrupt_during_the_poll_leaves_it_the_one_that_brought_it),
	KTEST(trace_test_the_port_filter_leaves_other_traffic_out),
	KTEST(trace_test_the_device_filter_leaves_other_devices_out),
	KTEST(trace_test_the_biggest_skb_shows_its_true_offsets),
	KTEST(trace_test_a_bio_trace_leaves_virtqueue_tokens_alone),
	KTEST(trace_test_a_ramdisk_read_shows_every_bio_hop_in_order),
	KTEST(trace_test_a_bounced_read_shows_the_bounce_bio),
	KTEST(trace_test_the_command_refuses_bad_arguments),
	KTEST(trace_test_the_command_sets_the_filter_and_stops),
	KTEST(trace_test_show_stops_at_ctrl_c),
	KTEST(trace_test_trace_on_starts_a_new_session_from_an_empty_ring),
	KTEST_TIMEOUT(trace_test_tcp_shows_a_lost_segment_recovered_by_fast_retransmit, 60000),
	{}
};
TEST_SUITE_INIT(trace, trace_cases, trace_suite_init, trace_suite_exit);
