/*
 * SPDX-License-Identifier: MIT
 * kernel/trace.h - static tracepoints and a ring buffer of fixed records:
 * follow one skb or one bio through the kernel, live (docs/tracing.md).
 *
 * A tracepoint is one line in the code it traces, naming the event:
 *
 *   trace_skb(TE_UDP_RCV, skb, ntohs(uh->dest));      an skb's hop
 *   trace_net_ctx(TE_NET_IRQ, dev, 0);                 an IRQ or poll of a NIC
 *   trace_bio(TE_BIO_ENDIO, bio, NULL, error);         a bio's hop
 *   trace_rq(TE_VBLK_IRQ, rq, status);                 a request's hop
 *   trace_tcp_skb(TE_TCP_RCV, tp, skb, 0);             a connection's segment
 *   trace_tcp(TE_TCP_CA_STATE, tp, old);               a connection's decision
 *
 * Compiled in, off by default.  Off costs ONE predictable branch: the
 * macro tests the global word trace_enabled with unlikely() and evaluates
 * none of its arguments.  `make TRACE=0` (-DCONFIG_TRACE=0) compiles every
 * tracepoint out (the condition is the constant 0), for the bench.
 *
 * On (the monitor's `trace on skb port=7`, or trace_start()), a tracepoint
 * calls into kernel/trace.c, which keeps a record only for the object the
 * filter follows:
 *
 *   - an object whose contents match the filter (a UDP datagram to or from
 *     the port, an skb on the device; a bio or request on the disk and in
 *     the sector range) joins the FOLLOW set, and from then on every hop
 *     of it is recorded whatever its contents, until it is freed;
 *   - hops of an object not (yet) matching wait in a small LOOK-BEHIND
 *     buffer: when the object matches later (the reply's alloc_skb before
 *     its UDP header exists, a bio_alloc before its disk is set), its
 *     earlier hops are written first, in order;
 *   - a NIC's interrupt and NAPI poll wait there too: the first followed
 *     skb of a poll brings the poll and the interrupt that brought it (the
 *     latest before the poll started, of the skb's queue if there was
 *     one) into the ring, in time order, before its own records.  An
 *     interrupt that comes while the poll runs is not part of it (a
 *     transmit completion in the middle of a receive, another receive
 *     interrupt): it waits for the next poll, beside the one that brought
 *     this poll.  A poll that wrote no followed skb leaves no trace;
 *   - a traced poll's refill of the ring descriptor a followed skb left
 *     (netdev_alloc_skb) is recorded; the refills of the other buffers
 *     it took are not (trace_poll_refill says which is which).  So the
 *     driver counts every buffer it takes from the used ring, dropped or
 *     not, with trace_skb(TE_VIRTNET_RX_TAKEN, ...), a tracepoint that
 *     writes no record.
 *
 * The look-behind buffer holds TRACE_STAGE_MAX records: when it is full, a
 * new one takes the place of the oldest object record (the few context
 * records stay), counted in `evicted`.  Its records
 * carry the time they happened, so once written they may be older than
 * the record before them in the ring (one of another object, written while
 * they waited): the ring is in the order of writing, each object's story
 * in the order of time.
 *
 * The ring: TRACE_RING_RECORDS records of 64 bytes; a full ring overwrites
 * its oldest record and counts it in `lost`.  Written from any context,
 * hardirq included (a spinlock with interrupts saved).
 *
 *   record (64 bytes)                       ring (TRACE_RING_RECORDS)
 *   +------------------------------+        +----+----+----+----+----+
 *   | ts_ns            u64         |        | r5 | r6 | r2 | r3 | r4 |
 *   | obj (skb/bio/rq) u64         |        +----+----+----+----+----+
 *   | event u16 cpu u8 ctx u8      |               ^ next write overwrites
 *   | len u32                      |                 r2, the oldest: lost++
 *   | arg              u64         |
 *   | skb: head u64, data tail end |
 *   |      u32, users dataref u16  |
 *   | bio: sector u64, rq u64,     |
 *   |      vcnt u16, rw u16        |
 *   | tcp: seq ack win u32, ports, |
 *   |      cwnd ssthresh u16,      |
 *   |      flags state ca flight u8|
 *   | dev[8] ("eth0", "vda")       |
 *   +------------------------------+
 */
#ifndef KERNEL_TRACE_H
#define KERNEL_TRACE_H

#include <kernel/compiler.h>
#include <kernel/types.h>

/* 1: tracepoints compiled in (the default); 0: compiled out (make TRACE=0). */
#ifndef CONFIG_TRACE
#define CONFIG_TRACE 1
#endif

#define TRACE_RING_RECORDS 512
#define TRACE_FOLLOW_MAX   16 /* objects followed at once; the oldest gives way */
#define TRACE_STAGE_MAX	   16 /* look-behind records */

/* What a tracepoint is about: a bit each in trace_enabled. */
enum trace_class {
	TRACE_SKB = 1,
	TRACE_BIO = 2,
	TRACE_TCP = 4,
};

/*
 * The events, named after the function they fire in (Linux's tracepoints
 * are named the same way: skb:kfree_skb, block:block_bio_queue).
 */
enum trace_event {
	/* skb: the NIC's context (no skb yet) */
	TE_NET_IRQ,	   /* virtio-net queue interrupt; arg: 0 receive, 1 transmit */
	TE_NAPI_POLL,	   /* a NAPI poll starts; arg: budget */
	TE_NAPI_POLL_DONE, /* it ended; arg: packets done; len: receive hops not followed */
	/* skb: hops */
	TE_NETDEV_ALLOC_SKB, /* __netdev_alloc_skb; arg: length asked */
	TE_ALLOC_SKB,	     /* __alloc_skb; arg: size asked */
	TE_VIRTNET_RX_TAKEN, /* virtnet_rx took it from the used ring: counted, no record */
	TE_VIRTNET_RX,	     /* virtnet_receive: the device filled it; arg: bytes written */
	TE_ETH_TYPE_TRANS,   /* Ethernet header pulled; arg: protocol (host order) */
	TE_IP_RCV,	     /* ip_rcv accepted it; arg: IP protocol */
	TE_UDP_RCV,	     /* udp_rcv; arg: destination port */
	TE_UDP_QUEUE,	     /* on a socket's receive queue; arg: port */
	TE_UDP_RECV,	     /* udp_recvfrom: a thread took it; arg: bytes copied */
	TE_IP_OUTPUT,	     /* IPv4 header pushed; arg: IP protocol */
	TE_ARP_OUTPUT,	     /* arp_output; arg: 1 address known, 0 queued for an ARP reply */
	TE_DEV_XMIT,	     /* handed to the driver; arg: NETDEV_TX_* */
	TE_VRING_ADD,	     /* virtqueue_add: on the ring; arg: descriptors << 16 | head */
	TE_VIRTNET_TX_DONE,  /* the device sent it (used ring) */
	TE_KFREE_SKB,	     /* freed as a drop */
	TE_CONSUME_SKB,	     /* freed after use */
	/* bio */
	TE_BIO_ALLOC,	     /* bio_alloc_bioset / bio_kmalloc; arg: vecs */
	TE_BLK_QUEUE_BOUNCE, /* a bounce bio replaces the original; arg: the original */
	TE_BLK_MAKE_REQUEST, /* the bio joined a request (record's rq) */
	TE_BLK_EXECUTE_RQ,   /* the request goes to the queue */
	TE_VBLK_ADD_REQ,     /* virtio-blk put the chain on the ring; arg: descriptors */
	TE_VBLK_IRQ,	     /* the device finished it (hardirq); arg: status byte */
	TE_BLK_DONE_SOFTIRQ, /* BLOCK_SOFTIRQ ends it; arg: error */
	TE_BIO_ENDIO,	     /* bio_endio; arg: error */
	TE_RQ_PUT,	     /* the request goes back to its pool */
	/* tcp: a connection's segments and decisions (obj: its tcp_sock) */
	TE_TCP_TRANSMIT,   /* tcp_transmit_skb: a segment leaves; arg: 1 a retransmission */
	TE_TCP_RCV,	   /* tcp_v4_rcv: a segment for the connection, before it is processed */
	TE_TCP_SET_STATE,  /* the state changed; arg: the old one */
	TE_TCP_CA_STATE,   /* congestion state changed (Open, Recovery, Loss); arg: the old */
	TE_TCP_RTO,	   /* the retransmission timer fired; arg: the timeout it waited, ms */
	TE_TCP_NETEM_DROP, /* netem lost one of the connection's segments; arg: 0 rx, 1 tx */
	TE_TCP_DESTROY,	   /* the socket is freed */
	TE_NR_EVENTS
};

/* One record: 64 bytes, whatever the event. */
struct trace_record {
	u64 ts_ns; /* ktime_get_ns() */
	u64 obj;   /* the skb, bio or request; 0 for a context event */
	u16 event; /* enum trace_event */
	u8 cpu;
	u8 ctx;	 /* 'H' hardirq, 'S' softirq or bottom halves off, 'T' thread */
	u32 len; /* skb->len, bio->bi_size, request bytes (napi_poll_done: enum says) */
	u64 arg; /* the event's own (enum trace_event says) */
	union {
		struct {
			u64 head;    /* skb->head (an address) */
			u32 data;    /* the others as offsets from head (an skb */
			u32 tail;    /* buffer stays under 64 KiB today, but the */
			u32 end;     /* record does not count on it) */
			u16 users;   /* skb->users (0xffff: that many or more) */
			u16 dataref; /* dataref's low 16 bits (the same) */
		} skb;
		struct {
			u32 seq;	    /* relative: ours from iss, the peer's from irs */
			u32 ack;	    /* relative (the other way) */
			u32 win;	    /* the window the segment advertises, in bytes */
			u16 lport, rport;   /* the connection's ports */
			u16 cwnd, ssthresh; /* segments; ssthresh 0xffff: not set yet */
			u8 flags;	    /* the segment's TCPHDR_* */
			u8 state;	    /* TCP_* of the socket */
			u8 ca_state;	    /* enum tcp_ca_state */
			u8 flight;	    /* segments sent and not acknowledged (255: more) */
		} tcp;
		struct {
			u64 sector; /* bio->bi_sector, or the request's */
			u64 rq;	    /* the request it is in, or 0 */
			u16 vcnt;   /* bio->bi_vcnt (requests: bios) */
			u16 rw;	    /* 0 read, 1 write */
			u32 pad;
		} bio;
	};
	char dev[8]; /* device or disk name (cut to 7), "" if none */
};
BUILD_BUG_ON(sizeof(struct trace_record) != 64);

/* What to follow (trace on ... [filters]); zero fields do not filter. */
struct trace_filter {
	unsigned int class; /* TRACE_SKB, TRACE_BIO or TRACE_TCP */
	char dev[16];	    /* skb: dev=eth0; bio: disk=vda */
	u16 port;	    /* skb: UDP source or destination port; tcp: either port */
	bool sector_set;    /* bio: sector=first-last */
	u64 sector_first, sector_last;
};

/* The class bits being traced now; written only by trace_start/trace_stop. */
extern unsigned int trace_enabled;

/*
 * Is class @cls traced?  One instruction tests the enable word in memory
 * and one jumps: asm goto, so the compiler can neither keep the word in a
 * register (it is read each time, as READ_ONCE would) nor split the test
 * from the branch.  The jump, taken only when tracing is on, goes to the
 * slow half; the fall-through is the path with tracing off.
 */
#define trace_on_for(cls)                                                 \
	({                                                                \
		__label__ __trace_on;                                     \
		bool __trace_r = false;                                   \
		if (CONFIG_TRACE)                                         \
			asm goto("testb %[c], %[w]\n\tjnz %l[__trace_on]" \
				 :                                        \
				 : [w] "m"(trace_enabled), [c] "i"(cls)   \
				 : "cc"                                   \
				 : __trace_on);                           \
		if (0) {                                                  \
__trace_on:                                                               \
			__trace_r = true;                                 \
		}                                                         \
		__trace_r;                                                \
	})

/*
 * The slow half is called through a thunk (kernel/thunk.S) that
 * saves every register, so the traced function saves none for it: with
 * tracing off, what runs is the load, the test and the branch.  The asm
 * says what the C function behind the thunk may still change: memory,
 * the flags and the SSE registers.
 */
#define __TRACE_CLOBBERS                                                                        \
	"memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", \
		"xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"
#define __trace_call3(thunk, a, b, c) \
	asm volatile("call " #thunk : : "D"((u64)(a)), "S"(b), "d"((u64)(c)) : __TRACE_CLOBBERS)
#define __trace_call4(thunk, a, b, c, d)                            \
	asm volatile("call " #thunk                                 \
		     :                                              \
		     : "D"((u64)(a)), "S"(b), "d"(c), "c"((u64)(d)) \
		     : __TRACE_CLOBBERS)

/* The tracepoints: one branch when off, arguments untouched. */
#define __tracepoint(class, call)        \
	do {                             \
		if (trace_on_for(class)) \
			call;            \
	} while (0)
#define trace_skb(ev, skb, arg) \
	__tracepoint(TRACE_SKB, __trace_call3(__trace_skb_thunk, (ev), (skb), (arg)))
#define trace_net_ctx(ev, dev, arg) \
	__tracepoint(TRACE_SKB, __trace_call3(__trace_net_ctx_thunk, (ev), (dev), (arg)))
#define trace_bio(ev, bio, rq, arg) \
	__tracepoint(TRACE_BIO, __trace_call4(__trace_bio_thunk, (ev), (bio), (rq), (arg)))
#define trace_rq(ev, rq, arg) \
	__tracepoint(TRACE_BIO, __trace_call3(__trace_rq_thunk, (ev), (rq), (arg)))
/* A TCP connection's event, and one about a segment (@tp NULL: found by its addresses). */
#define trace_tcp(ev, tp, arg) \
	__tracepoint(TRACE_TCP, __trace_call3(__trace_tcp_thunk, (ev), (tp), (arg)))
#define trace_tcp_skb(ev, tp, skb, arg) \
	__tracepoint(TRACE_TCP, __trace_call4(__trace_tcp_skb_thunk, (ev), (tp), (skb), (arg)))
/*
 * A tracepoint for the token of a virtqueue: recorded only if it is
 * followed.  Only skbs are: virtio-blk's token is its virtblk_req, which
 * is never followed (the request's own tracepoints tell its ring hops), so
 * a bio trace does not take the slow path here.
 */
#define trace_vring(ev, token, arg) \
	__tracepoint(TRACE_SKB, __trace_call3(__trace_token_thunk, (ev), (token), (arg)))

struct sk_buff;
struct net_device;
struct bio;
struct request;
struct tcp_sock;

/*
 * The slow halves (net/trace_skb.c, block/trace_bio.c, kernel/trace.c),
 * reached through their thunks.  Any context.  Cold: kept out of the way
 * in .text.unlikely.
 */
#define __trace_cold __attribute__((cold))
__trace_cold void __trace_skb(enum trace_event ev, const struct sk_buff *skb, u64 arg);
__trace_cold void __trace_net_ctx(enum trace_event ev, const struct net_device *dev, u64 arg);
__trace_cold void __trace_bio(enum trace_event ev, const struct bio *bio, const struct request *rq,
			      u64 arg);
__trace_cold void __trace_rq(enum trace_event ev, const struct request *rq, u64 arg);
__trace_cold void __trace_token(enum trace_event ev, const void *token, u64 arg);
__trace_cold void __trace_tcp(enum trace_event ev, const struct tcp_sock *tp, u64 arg);
__trace_cold void __trace_tcp_skb(enum trace_event ev, const struct tcp_sock *tp,
				  const struct sk_buff *skb, u64 arg);

/* ---- control (the monitor's `trace` command, tests) ------------------------------- */

/*
 * trace_start - a new session: empty the ring (its records, lost and
 * evicted, as trace_clear does), forget what was followed, and follow
 * what @f describes from now on.  Returns 0, or -EOPNOTSUPP in a TRACE=0
 * build (then nothing changes).  Context: thread.
 */
int trace_start(const struct trace_filter *f);

/* trace_stop - tracepoints off (the ring is kept for trace show).  Context: thread. */
void trace_stop(void);

/*
 * trace_clear - empty the ring, zero lost and evicted, forget the followed
 * objects.  Context: thread.
 */
void trace_clear(void);

/*
 * The records in the ring now (at most TRACE_RING_RECORDS), those
 * overwritten, and the look-behind records that gave way to newer ones
 * (since the last trace_clear).
 */
unsigned int trace_count(void);
u64 trace_lost(void);
u64 trace_evicted(void);

/*
 * trace_read - copy record @i (0 is the oldest kept) into @rec; false past
 * the end.  Only for a ring that does not move (tracing off): each record
 * written while tracing runs shifts every index by one.  Any context.
 */
bool trace_read(unsigned int i, struct trace_record *rec);

/*
 * Reading while tracing runs.  Records are numbered in the order written,
 * from 0 at boot, and a number is never reused.  trace_seq_range gives
 * [*first, *end): the numbers of the records kept now.  trace_read_seq
 * copies record *@seq into @rec; if it was overwritten (or cleared) since,
 * *@seq moves on to the oldest one kept, so the caller sees the gap.
 * Returns false when *@seq is not written yet.  Any context.
 */
void trace_seq_range(u64 *first, u64 *end);
bool trace_read_seq(u64 *seq, struct trace_record *rec);

/* trace_event_name - "udp_rcv" for TE_UDP_RCV, "?" for an unknown one. */
const char *trace_event_name(unsigned int ev);

/* trace_event_class - TRACE_TCP, TRACE_BIO or TRACE_SKB: the class @ev belongs to. */
static inline unsigned int trace_event_class(unsigned int ev)
{
	if (ev >= TE_TCP_TRANSMIT)
		return TRACE_TCP;
	return ev >= TE_BIO_ALLOC ? TRACE_BIO : TRACE_SKB;
}

/*
 * trace_tcp_format - a TCP record in words, after its name (net/trace_tcp.c):
 * "   80>49152 ESTABLISHED [.]   seq 1:1461 ack 119 win 129940  cwnd 10 ...".
 */
void trace_tcp_format(const struct trace_record *r, char *buf, size_t size);

/* trace_filter_show - the filter in @buf as the command took it: "skb port=7". */
void trace_filter_show(const struct trace_filter *f, char *buf, size_t size);

/* ---- for the class files (net/trace_skb.c, block/trace_bio.c) ------------------------ */

/*
 * trace_emit - @rec (event, obj, len, arg, class fields, dev filled) is a
 * hop of a followed object, or of one that just matched (@matched: it
 * joins the follow set): stamp it and write it, after the look-behind
 * records of the same object (and, for an skb, the staged NIC context).
 * Any context.
 */
void trace_emit(struct trace_record *rec, unsigned int cls, bool matched);

/*
 * trace_emit_related - trace_emit, and the objects @related[0..n-1] (at
 * most TRACE_RELATED_MAX: the bios of a request that just matched, the
 * original of a bounce bio) are followed from now on, their staged records
 * written first, all in the order they happened.  Any context.
 */
#define TRACE_RELATED_MAX 8
void trace_emit_related(struct trace_record *rec, unsigned int cls, bool matched,
			const u64 *related, unsigned int n);

/* trace_stage - @rec did not match (yet): keep it in the look-behind buffer.  Any context. */
void trace_stage(struct trace_record *rec, unsigned int cls);

/* trace_following - is @obj in the follow set?  Any context. */
bool trace_following(const void *obj);

/* trace_follow - add @obj to the follow set (a request a followed bio joined).  Any context. */
void trace_follow(const void *obj);

/*
 * trace_forget - @obj was freed: it leaves the follow set, and its staged
 * records go (a new object at the same address must not inherit them).
 * Any context.
 */
void trace_forget(const void *obj);

/*
 * trace_poll_rx_taken - the running NAPI poll took receive buffer @rec->obj
 * (on device @rec->dev) from the used ring: count it, whatever the driver
 * does with it next (a buffer dropped for a bad length or header is
 * counted too, and its descriptor is refilled like any other).  Writes no
 * record.  Any context.
 */
void trace_poll_rx_taken(const struct trace_record *rec);

/*
 * trace_poll_refill - a netdev_alloc_skb in the running NAPI poll: is it
 * the refill of a followed skb's ring descriptor?  A poll takes its
 * receive buffers, then refills the ring; the ring hands out the
 * descriptor freed last first, so refill j of a poll that took k buffers
 * (counted by trace_poll_rx_taken) gets the descriptor of buffer
 * k + 1 - j.  Buffer i is a followed skb's if its TE_VIRTNET_RX record,
 * written right after it was taken, was.  Counts the refill (a refill
 * that matches the filter itself, with dev= only, is kept whatever the
 * count says).  Any context.
 */
bool trace_poll_refill(void);

/* The filter in force (read by the class files while tracing). */
extern struct trace_filter trace_filter;

#endif
