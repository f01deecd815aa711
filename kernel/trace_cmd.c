/*
 * SPDX-License-Identifier: MIT
 * kernel/trace_cmd.c - the monitor's `trace` command: switch the
 * tracepoints on with a filter, show the ring, switch them off.
 *
 *   > trace on skb port=7          a new session, from an empty ring: follow one
 *                                  UDP echo datagram and its reply
 *   (host: echo hi | nc -u -w1 127.0.0.1 5555)
 *   > trace show                   every hop, oldest first
 *   > trace on bio disk=vda sector=8-8
 *   > blk read vda 8
 *   > trace show
 *   > trace on tcp port=80          every segment and decision of the connections
 *                                  to or from port 80
 *   > trace off
 *
 * docs/tracing.md explains the records; include/kernel/trace.h the rules.
 */
#include <block/genhd.h>
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/trace.h>
#include <net/netdevice.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define TRACE_IDS 64 /* objects named skb1, bio2... in one `trace show` */

/* ---- parsing `trace on ...` ------------------------------------------------------------ */

/* dev=<name> (skb) or disk=<name> (bio): a device or disk that exists now. */
static int trace_parse_dev(struct trace_filter *f, const char *val)
{
	bool disk = f->class == TRACE_BIO;

	if (strlen(val) >= sizeof(f->dev) ||
	    (disk ? !get_gendisk_by_name(val) : !dev_get_by_name(val)))
		return monitor_bad_arg("trace", "no %s '%s'", disk ? "disk" : "device", val);
	strcpy(f->dev, val);
	return 0;
}

/* sector=<a>-<b>, or sector=<a> for <a>-<a>. */
static int trace_parse_sectors(struct trace_filter *f, const char *val)
{
	char first[24];
	const char *dash = strchr(val, '-');
	size_t n = dash ? (size_t)(dash - val) : strlen(val);
	unsigned long long a, b;
	int err;

	if (n >= sizeof(first))
		return monitor_bad_arg("trace", "'%s' is not a sector range (<a>-<b>)", val);
	memcpy(first, val, n);
	first[n] = '\0';
	err = monitor_parse_uint("trace", "a sector", first, 0, ~0ULL >> 1, &a);
	if (!err)
		err = monitor_parse_uint("trace", "a sector", dash ? dash + 1 : first, 0,
					 ~0ULL >> 1, &b);
	if (err)
		return err;
	if (b < a)
		return monitor_bad_arg("trace", "sector range %llu-%llu ends before it starts", a,
				       b);
	f->sector_set = true;
	f->sector_first = a;
	f->sector_last = b;
	return 0;
}

/* The filters of each class, as the messages name them. */
static const char *trace_class_name(unsigned int cls)
{
	return cls == TRACE_BIO ? "bio" : cls == TRACE_TCP ? "tcp" : "skb";
}

static const char *trace_class_filters(unsigned int cls, bool with_values)
{
	if (cls == TRACE_BIO)
		return with_values ? "disk=<name>, sector=<a>-<b>" : "disk=, sector=";
	if (cls == TRACE_TCP)
		return with_values ? "port=<n>" : "port=";
	return with_values ? "dev=<name>, port=<n>" : "dev=, port=";
}

/* One KEY=VALUE filter word for the class in @f. */
static int trace_parse_filter(struct trace_filter *f, char *word)
{
	char *val = strchr(word, '=');
	bool bio = f->class == TRACE_BIO, tcp = f->class == TRACE_TCP;
	unsigned long long port;
	int err;

	if (!val || !val[1])
		return monitor_bad_arg("trace", "'%s' is not a filter (%s)", word,
				       trace_class_filters(f->class, true));
	*val++ = '\0';
	if (!tcp && !strcmp(word, bio ? "disk" : "dev"))
		return f->dev[0] ? monitor_bad_arg("trace", "%s= given twice", word)
				 : trace_parse_dev(f, val);
	if (!bio && !strcmp(word, "port")) {
		if (f->port)
			return monitor_bad_arg("trace", "port= given twice");
		err = monitor_parse_uint("trace", tcp ? "a TCP port" : "a UDP port", val, 1, 65535,
					 &port);
		if (err)
			return err; /* port is not set: nothing to store */
		f->port = (u16)port;
		return 0;
	}
	if (bio && !strcmp(word, "sector"))
		return f->sector_set ? monitor_bad_arg("trace", "sector= given twice")
				     : trace_parse_sectors(f, val);
	return monitor_bad_arg("trace", "'%s=' is not a filter of %s (%s)", word,
			       trace_class_name(f->class), trace_class_filters(f->class, false));
}

/* `trace on ...`: a new session, the last one's records cleared. */
static int trace_cmd_on(int argc, char **argv)
{
	struct trace_filter f = { 0 };
	unsigned int old;
	char desc[64];
	int err;

	if (argc < 3)
		return monitor_bad_arg("trace", "on what? skb, bio or tcp");
	if (!strcmp(argv[2], "skb"))
		f.class = TRACE_SKB;
	else if (!strcmp(argv[2], "bio"))
		f.class = TRACE_BIO;
	else if (!strcmp(argv[2], "tcp"))
		f.class = TRACE_TCP;
	else
		return monitor_bad_arg("trace", "'%s' is not skb, bio or tcp", argv[2]);
	for (int i = 3; i < argc; i++) {
		err = trace_parse_filter(&f, argv[i]);
		if (err)
			return err;
	}
	old = trace_count();
	err = trace_start(&f);
	if (err == -EOPNOTSUPP) {
		printk("trace: tracepoints are compiled out of this kernel (make TRACE=0)\n");
		return err;
	}
	trace_filter_show(&f, desc, sizeof(desc));
	if (old)
		printk("trace: following %s, from an empty ring (%u records of the last session "
		       "cleared)\n",
		       desc, old);
	else
		printk("trace: following %s, from an empty ring\n", desc);
	return err;
}

/* ---- showing the ring ------------------------------------------------------------------ */

/* Small names for the objects of one listing: skb1, skb2, rq1..., in order of appearance. */
static struct {
	u64 obj[TRACE_IDS]; /* 0: a free slot */
	u8 kind[TRACE_IDS]; /* 0 skb, 1 bio, 2 rq, 3 tcp */
	unsigned int id[TRACE_IDS];
	unsigned int next[4]; /* the last number given, per kind */
	unsigned int victim;  /* the slot to reuse when all are taken */
} ids;

static const char *const id_kind[] = { "skb", "bio", "rq", "tcp" };

/* The slot naming @obj of @kind: its own, a free one, or the next to reuse. */
static int trace_obj_slot(u64 obj, int kind, bool *fresh)
{
	*fresh = false;
	for (int i = 0; i < TRACE_IDS; i++)
		if (ids.obj[i] == obj && ids.kind[i] == kind)
			return i;
	*fresh = true;
	for (int i = 0; i < TRACE_IDS; i++)
		if (!ids.obj[i])
			return i;
	ids.victim = (ids.victim + 1) % TRACE_IDS;
	return (int)ids.victim;
}

/* The name of @obj of @kind (0 skb, 1 bio, 2 rq, 3 tcp) in @buf; a new number the first time. */
static const char *trace_obj_name(u64 obj, int kind, char *buf, size_t size)
{
	bool fresh;
	int slot = trace_obj_slot(obj, kind, &fresh);

	if (fresh) {
		ids.obj[slot] = obj;
		ids.kind[slot] = (u8)kind;
		ids.id[slot] = ++ids.next[kind];
	}
	snprintf(buf, size, "%s%u", id_kind[kind], ids.id[slot]);
	return buf;
}

/* @obj was freed: its name may be given to the next object at the same address. */
static void trace_obj_drop(u64 obj)
{
	for (int i = 0; i < TRACE_IDS; i++)
		if (ids.obj[i] == obj)
			ids.obj[i] = 0;
}

/* What the event's argument means, as "word %llu", by event; NULL: nothing worth showing. */
static const char *const arg_words[TE_NR_EVENTS] = {
	[TE_NAPI_POLL] = "budget %llu",
	[TE_NETDEV_ALLOC_SKB] = "size %llu",
	[TE_ALLOC_SKB] = "size %llu",
	[TE_VIRTNET_RX] = "device wrote %llu",
	[TE_ETH_TYPE_TRANS] = "proto %#06llx",
	[TE_IP_RCV] = "proto %llu",
	[TE_UDP_RCV] = "port %llu",
	[TE_UDP_QUEUE] = "port %llu",
	[TE_UDP_RECV] = "copied %llu",
	[TE_IP_OUTPUT] = "proto %llu",
	[TE_BIO_ALLOC] = "vecs %llu",
	[TE_VBLK_ADD_REQ] = "ring descs %llu",
	[TE_VBLK_IRQ] = "status %llu",
	[TE_BLK_DONE_SOFTIRQ] = "error %lld",
	[TE_BIO_ENDIO] = "error %lld",
};

/* The event's own argument, in words, after two spaces ("" if there is nothing to say). */
static void trace_arg_show(const struct trace_record *r, char *buf, size_t size)
{
	char name[12];

	buf[0] = '\0';
	if (size < 3)
		return;
	memcpy(buf, "  ", 2);
	buf += 2;
	size -= 2;
	buf[0] = '\0';
	switch (r->event) {
	case TE_NET_IRQ:
		snprintf(buf, size, "%s queue", r->arg ? "transmit" : "receive");
		return;
	case TE_NAPI_POLL_DONE: /* len: the packets of the poll not followed */
		snprintf(buf, size, r->len ? "did %llu (%u not followed)" : "did %llu",
			 (unsigned long long)r->arg, r->len);
		return;
	case TE_ARP_OUTPUT:
		snprintf(buf, size, r->arg ? "neighbour known" : "queued for ARP");
		return;
	case TE_VRING_ADD:
		snprintf(buf, size, "head desc %llu, %llu desc%s",
			 (unsigned long long)(r->arg & 0xffff), (unsigned long long)(r->arg >> 16),
			 r->arg >> 16 == 1 ? "" : "s");
		return;
	case TE_BLK_QUEUE_BOUNCE:
		snprintf(buf, size, "for %s", trace_obj_name(r->arg, 1, name, sizeof(name)));
		return;
	default:
		if (r->event < TE_NR_EVENTS && arg_words[r->event])
			snprintf(buf, size, arg_words[r->event], (unsigned long long)r->arg);
		return;
	}
}

static void trace_show_skb(const struct trace_record *r, const char *ts, const char *arg)
{
	char name[12];

	if (!r->obj) { /* the NIC's interrupt or poll */
		printk("%s %c %-16s %-6s%s\n", ts, r->ctx, trace_event_name(r->event), r->dev, arg);
		return;
	}
	if (r->event == TE_VRING_ADD) { /* the ring knows the token, not what it is */
		printk("%s %c %-16s %-6s %-6s%s\n", ts, r->ctx, trace_event_name(r->event), "-",
		       trace_obj_name(r->obj, 0, name, sizeof(name)), arg);
		return;
	}
	printk("%s %c %-16s %-6s %-6s len %4u  head %#llx data %3u tail %4u end %4u  users %u "
	       "dataref %u%s\n",
	       ts, r->ctx, trace_event_name(r->event), r->dev[0] ? r->dev : "-",
	       trace_obj_name(r->obj, 0, name, sizeof(name)), r->len,
	       (unsigned long long)r->skb.head, r->skb.data, r->skb.tail, r->skb.end, r->skb.users,
	       r->skb.dataref, arg);
}

/*
 * A bio's record names its request ("in rq1") when it has one; a request's
 * record is the request.
 */
static void trace_show_bio(const struct trace_record *r, const char *ts, const char *arg)
{
	bool is_rq = r->obj == r->bio.rq;
	char name[12], in[16] = "";

	if (is_rq) {
		trace_obj_name(r->obj, 2, name, sizeof(name));
	} else {
		trace_obj_name(r->obj, 1, name, sizeof(name));
		if (r->bio.rq)
			trace_obj_name(r->bio.rq, 2, in + 5, sizeof(in) - 5);
		if (r->bio.rq)
			memcpy(in, "  in ", 5);
	}
	printk("%s %c %-16s %-6s %-6s %-5s sector %llu size %u %s %u%s%s\n", ts, r->ctx,
	       trace_event_name(r->event), r->dev[0] ? r->dev : "-", name,
	       r->bio.rw ? "write" : "read", (unsigned long long)r->bio.sector, r->len,
	       is_rq ? "bios" : "vcnt", r->bio.vcnt, in, arg);
}

/* A connection's record: its name, then what net/trace_tcp.c says of it. */
static void trace_show_tcp(const struct trace_record *r, const char *ts)
{
	char name[12], rest[192];

	trace_tcp_format(r, rest, sizeof(rest));
	printk("%s %c %-16s %-6s %s\n", ts, r->ctx, trace_event_name(r->event),
	       trace_obj_name(r->obj, 3, name, sizeof(name)), rest);
}

static void trace_show_one(const struct trace_record *r)
{
	char ts[LOG_STAMP_SIZE], arg[32];

	log_format_stamp(r->ts_ns, ts, sizeof(ts)); /* dmesg's "[    5.123456]" */
	trace_arg_show(r, arg, sizeof(arg));
	if (!arg[2])
		arg[0] = '\0';
	if (trace_event_class(r->event) == TRACE_TCP)
		trace_show_tcp(r, ts);
	else if (trace_event_class(r->event) == TRACE_SKB)
		trace_show_skb(r, ts, arg);
	else
		trace_show_bio(r, ts, arg);
	if (r->event == TE_KFREE_SKB || r->event == TE_CONSUME_SKB || r->event == TE_BIO_ENDIO ||
	    r->event == TE_RQ_PUT || r->event == TE_TCP_DESTROY)
		trace_obj_drop(r->obj);
}

static void trace_status(void)
{
	char desc[64] = "off";

	if (READ_ONCE(trace_enabled))
		trace_filter_show(&trace_filter, desc, sizeof(desc));
	printk("trace: %s%s; %u records (ring of %u), %llu lost, %llu look-behind evicted\n",
	       READ_ONCE(trace_enabled) ? "following " : "", desc, trace_count(),
	       TRACE_RING_RECORDS, (unsigned long long)trace_lost(),
	       (unsigned long long)trace_evicted());
}

/*
 * The records kept when the command starts, oldest first.  Tracing may run
 * on while they are printed (512 lines take seconds on the serial line):
 * they are read by number, so a record overwritten meanwhile is passed
 * over and the gap said where it falls, and records written after the
 * start are left for the next `trace show`.  Ctrl-C stops it: -EINTR.
 */
static int trace_cmd_show(void)
{
	struct trace_record r;
	u64 seq, end;

	memset(&ids, 0, sizeof(ids));
	trace_status();
	trace_seq_range(&seq, &end);
	for (; seq < end; seq++) {
		u64 asked = seq;

		if (signal_pending(current))
			return -EINTR;
		if (!trace_read_seq(&seq, &r))
			break;
		if (seq != asked)
			printk("trace: %llu records overwritten while this listing ran\n",
			       (unsigned long long)(min(seq, end) - asked));
		if (seq >= end)
			break;
		trace_show_one(&r);
	}
	return 0;
}

static int cmd_trace(int argc, char **argv)
{
	if (argc == 1) {
		trace_status();
		return 0;
	}
	if (!strcmp(argv[1], "on"))
		return trace_cmd_on(argc, argv);
	if (strcmp(argv[1], "off") && strcmp(argv[1], "show") && strcmp(argv[1], "clear"))
		return monitor_bad_arg("trace", "'%s' is not on, off, show or clear", argv[1]);
	if (argc > 2)
		return monitor_bad_arg("trace", "'%s' takes nothing after it ('%s' is too many)",
				       argv[1], argv[2]);
	if (!strcmp(argv[1], "show"))
		return trace_cmd_show();
	if (!strcmp(argv[1], "off"))
		trace_stop();
	else
		trace_clear();
	trace_status();
	return 0;
}
MONITOR_CMD(
	trace,
	"trace [on skb [dev=<name>] [port=<n>] | on bio [disk=<name>] [sector=<a>-<b>] "
	"| on tcp [port=<n>] | off | show | clear]",
	"follow one skb, bio or TCP connection through the kernel: tracepoints and a ring buffer",
	cmd_trace);
