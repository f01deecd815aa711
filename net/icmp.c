/*
 * SPDX-License-Identifier: MIT
 * net/icmp.c - ICMP (RFC 792): answering echo requests, ping, and errors.
 *
 *   icmp_rcv:  icmp_hdr_check (length, checksum over the whole message)
 *              ECHO       -> icmp_echo: a new packet, same identifier,
 *                            sequence and data, type ECHOREPLY, back to
 *                            the sender from the address it asked
 *              ECHOREPLY  -> ping_rcv: wake the icmp_ping() waiting for it
 *              DEST_UNREACH, TIME_EXCEEDED, PARAMETERPROB
 *                         -> icmp_unreach: the quote checked, then the
 *                            error handler of the quoted protocol (udp_err)
 *              others     -> counted and consumed
 *
 *   icmp_send: an error about a datagram we received (or could not send),
 *              after the RFC 1122 rules and the per-host rate limit
 *
 * Pings in flight are on ping_waiters, each on its waiter's stack, under
 * ping_lock (bottom halves off: ping_rcv runs in the softirq).  The rate
 * limit's buckets are icmp_peers[], under icmp_peer_lock (also _bh).
 */
#include <errno.h>
#include <kernel/cmdline.h>
#include <kernel/list.h>
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <net/checksum.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/netdevice.h>
#include <net/skbuff.h>
#include <net/tcp.h>
#include <net/udp.h>
#include <stdio.h>
#include <string.h>

struct icmp_mib icmp_mib;

#define mib_inc(field) __atomic_add_fetch(&icmp_mib.field, 1, __ATOMIC_RELAXED)

/* Count one message sent, in OutMsgs and its type's counter (3.10's icmp_out_count). */
static void icmp_out_count(u8 type)
{
	mib_inc(OutMsgs);
	switch (type) {
	case ICMP_ECHOREPLY:
		mib_inc(OutEchoReps);
		break;
	case ICMP_DEST_UNREACH:
		mib_inc(OutDestUnreachs);
		break;
	case ICMP_ECHO:
		mib_inc(OutEchos);
		break;
	case ICMP_TIME_EXCEEDED:
		mib_inc(OutTimeExcds);
		break;
	case ICMP_PARAMETERPROB:
		mib_inc(OutParmProbs);
		break;
	}
}

/* One icmp_ping() waiting for its reply. */
struct ping_waiter {
	struct list_head node; /* on ping_waiters */
	u16 id, seq;	       /* what the reply must carry */
	unsigned int len;      /* data bytes sent */
	bool done;	       /* the reply came */
	bool data_ok;	       /* and its data was ours */
	u64 rx_ns;	       /* when it came */
	struct wait_queue_head wq;
};

static LIST_HEAD(ping_waiters);
static DEFINE_SPINLOCK(ping_lock);

/* The data of our echo requests: recognisable in a dump, checkable in the reply. */
static u8 ping_pattern(unsigned int i)
{
	return (u8)(0x10 + i % 64);
}

/* ---- receiving ---------------------------------------------------------------- */

/* RFC 792 "Echo or Echo Reply Message": same data, type 0, checksum recomputed. */
static int icmp_echo(struct sk_buff *skb)
{
	const struct iphdr *iph = (const struct iphdr *)skb_network_header(skb);
	struct icmphdr *icmph;
	struct sk_buff *reply;

	/* RFC 1122 section 3.2.2.6: an echo to a broadcast address MAY be silently discarded. */
	if (!ip_addr_is_local(iph->daddr)) {
		skb_drop(skb, SKB_DROP_REASON_ICMP_BROADCAST);
		return NET_RX_DROP;
	}
	reply = alloc_skb(MAX_HEADER + skb->len, GFP_ATOMIC);
	if (!reply) {
		skb_drop(skb, SKB_DROP_REASON_NOMEM);
		return NET_RX_DROP;
	}
	skb_reserve(reply, MAX_HEADER);
	icmph = skb_put_data(reply, skb->data, skb->len);
	icmph->type = ICMP_ECHOREPLY;
	icmph->code = 0;
	icmph->checksum = 0;
	icmph->checksum = ip_compute_csum(icmph, (int)reply->len);
	icmp_out_count(ICMP_ECHOREPLY);
	/* Same section: the reply's source MUST be the address the request was sent to. */
	ip_build_and_send_pkt(reply, iph->daddr, iph->saddr, IPPROTO_ICMP);
	consume_skb(skb);
	return NET_RX_SUCCESS;
}

static bool ping_data_ok(const u8 *data, unsigned int len, unsigned int want)
{
	if (len != want)
		return false;
	for (unsigned int i = 0; i < len; i++)
		if (data[i] != ping_pattern(i))
			return false;
	return true;
}

/* An echo reply: hand it to the icmp_ping() waiting for this id and sequence. */
static int ping_rcv(struct sk_buff *skb)
{
	const struct icmphdr *icmph = (const struct icmphdr *)skb->data;
	struct ping_waiter *w;

	spin_lock_bh(&ping_lock);
	list_for_each_entry(w, &ping_waiters, node) {
		if (w->done || w->id != ntohs(icmph->un.echo.id) ||
		    w->seq != ntohs(icmph->un.echo.sequence))
			continue;
		w->rx_ns = ktime_get_ns();
		w->data_ok =
			ping_data_ok(skb->data + sizeof(*icmph), skb->len - sizeof(*icmph), w->len);
		w->done = true;
		wake_up(&w->wq);
		break;
	}
	spin_unlock_bh(&ping_lock);
	consume_skb(skb); /* a late or unknown reply is no error */
	return NET_RX_SUCCESS;
}

/* ---- errors: the rules ---------------------------------------------------------- */

/* An error message, or a type we do not know, which might be one (3.10's icmp_pointers[].error). */
static bool icmp_is_error(unsigned int type)
{
	switch (type) {
	case ICMP_DEST_UNREACH:
	case ICMP_SOURCE_QUENCH:
	case ICMP_REDIRECT:
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAMETERPROB:
		return true;
	default:
		return type > NR_ICMP_TYPES;
	}
}

/* Is @addr the broadcast address of one of our subnets? */
static bool ip_is_subnet_broadcast(__be32 addr)
{
	struct net_device *dev;
	bool found = false;

	read_lock_bh(&dev_base_lock);
	for_each_netdev(dev) {
		if (dev->ip4.ifa_broadcast && dev->ip4.ifa_broadcast == addr) {
			found = true;
			break;
		}
	}
	read_unlock_bh(&dev_base_lock);
	return found;
}

/* Does @addr name no single host: multicast, a broadcast, 0/8 or class E (RFC 1122 3.2.1.3)? */
static bool ip_not_one_host(__be32 addr)
{
	return ipv4_is_multicast(addr) || ipv4_is_lbcast(addr) || ipv4_is_zeronet(addr) ||
	       ipv4_is_reserved(addr) || ip_is_subnet_broadcast(addr);
}

/*
 * May an error of @type be sent about @skb?  RFC 1122 section 3.2.2 and RFC
 * 1812 section 4.3.2.7 list when not, in the order 3.10's icmp_send checks
 * them: an error about an error, about a broadcast, or about a later
 * fragment would multiply one problem into many messages, and one to a
 * source that is not one host would reach nobody, or everybody.
 */
static bool icmp_error_allowed(const struct sk_buff *skb, int type)
{
	const struct iphdr *iph;
	unsigned int len, hlen;

	/* Callers are everywhere in the stack: check that the header is there at all. */
	if (!skb_network_header_was_set(skb) ||
	    skb_tail_pointer(skb) < skb_network_header(skb) + sizeof(*iph))
		return false;
	iph = (const struct iphdr *)skb_network_header(skb);
	len = (unsigned int)(skb_tail_pointer(skb) - skb_network_header(skb));
	hlen = iph->ihl * 4u;
	if (iph->ihl < 5 || hlen > len)
		return false;
	if (skb->pkt_type != PACKET_HOST) /* a link-layer broadcast or multicast */
		return false;
	if (ip_not_one_host(iph->daddr) || ip_not_one_host(iph->saddr))
		return false;
	/* 127/8 "MUST NOT appear outside a host" (RFC 1122 3.2.1.3 (g)): nobody to answer. */
	if (ipv4_is_loopback(iph->saddr) && skb->dev && !(skb->dev->flags & IFF_LOOPBACK))
		return false;
	if (iph->frag_off & htons(IP_OFFSET)) /* only about the first fragment */
		return false;
	if (icmp_is_error((unsigned int)type) && iph->protocol == IPPROTO_ICMP) {
		/* Never an error about an error; a message too short to tell is one. */
		if (len < hlen + 1 || icmp_is_error(skb_network_header(skb)[hlen]))
			return false;
	}
	return true;
}

/* ---- errors: the rate limit ---------------------------------------------------- */

long sysctl_icmp_ratelimit = 1000;
long sysctl_icmp_ratemask = 0x1818;

/* Spelled out: cmdline_param_int() takes an identifier, and these names have a dot. */
static const struct kernel_param __param_icmp_ratelimit __section(".cmdline_params")
	__used __aligned(8) = {
		.name = "icmp.ratelimit",
		.type = PARAM_INT,
		.var = &sysctl_icmp_ratelimit,
		.min = 0,
		.max = 60000,
		.help = "ms between ICMP errors to one host, on average (0: no limit)",
	};
static const struct kernel_param __param_icmp_ratemask __section(".cmdline_params")
	__used __aligned(8) = {
		.name = "icmp.ratemask",
		.type = PARAM_INT,
		.var = &sysctl_icmp_ratemask,
		.min = 0,
		.max = (1L << (NR_ICMP_TYPES + 1)) - 1,
		.help = "ICMP types (bit 1<<type) the rate limit applies to",
	};

/*
 * One destination's bucket (3.10 keeps it in the inet_peer of the host).
 * A token is a jiffy of credit: every jiffy adds one, an error costs
 * ratelimit's worth, and at most XRLIM_BURST_FACTOR errors' worth is kept:
 *
 *        +1 per jiffy
 *             |
 *        +----v-----+  full at 6 x ratelimit: a burst of 6, then 1 per ratelimit
 *        | ######## |
 *        +----+-----+
 *             |
 *        -ratelimit per error sent; fewer tokens than that: not sent
 */
struct icmp_peer {
	__be32 daddr;		   /* whose bucket; 0: a free slot */
	unsigned long rate_tokens; /* jiffies of credit */
	unsigned long rate_last;   /* jiffies when last looked at */
	unsigned long used;	   /* icmp_peer_clock at the last use: the least recent goes */
};

/* 3.10 keeps a peer per host in a tree; we keep a fixed table: docs/linux-3.10.md */
#define ICMP_PEERS 64
static struct icmp_peer icmp_peers[ICMP_PEERS];
static unsigned long icmp_peer_clock;
static DEFINE_SPINLOCK(icmp_peer_lock);

/* @daddr's bucket, a new one (full) in the least recently used slot if it has none. */
static struct icmp_peer *icmp_getpeer(__be32 daddr)
{
	struct icmp_peer *p, *lru = &icmp_peers[0];

	for (p = icmp_peers; p < icmp_peers + ICMP_PEERS; p++) {
		if (p->daddr == daddr)
			goto found;
		if (p->used < lru->used)
			lru = p;
	}
	p = lru;
	p->daddr = daddr;
	p->rate_tokens = 0;
	/* As 3.10's inet_getpeer: a minute ago, so the first look fills the bucket. */
	p->rate_last = jiffies - 60 * HZ;
found:
	p->used = ++icmp_peer_clock;
	return p;
}

/* Take one error's worth from @p's bucket if it has it (3.10's inet_peer_xrlim_allow). */
static bool icmp_peer_allow(struct icmp_peer *p, unsigned long timeout)
{
	unsigned long now = jiffies;
	unsigned long tokens = p->rate_tokens + (now - p->rate_last);
	bool allow = false;

	p->rate_last = now;
	tokens = min(tokens, XRLIM_BURST_FACTOR * timeout);
	if (tokens >= timeout) {
		tokens -= timeout;
		allow = true;
	}
	p->rate_tokens = tokens;
	return allow;
}

/* May an error of @type/@code to @daddr, out through @dev, go now?  (3.10's icmpv4_xrlim_allow) */
static bool icmp_xrlim_allow(const struct net_device *dev, __be32 daddr, int type, int code)
{
	bool allow;

	if (type > NR_ICMP_TYPES)
		return true;
	if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED)
		return true; /* path MTU discovery must not starve */
	if (dev->flags & IFF_LOOPBACK)
		return true;
	if (!((1UL << type) & (unsigned long)READ_ONCE(sysctl_icmp_ratemask)))
		return true;
	spin_lock_bh(&icmp_peer_lock);
	allow = icmp_peer_allow(icmp_getpeer(daddr),
				msecs_to_jiffies((unsigned long)READ_ONCE(sysctl_icmp_ratelimit)));
	spin_unlock_bh(&icmp_peer_lock);
	return allow;
}

/* ---- errors: sending ------------------------------------------------------------- */

/* RFC 1812 section 4.3.2.3: an error no longer than 576 bytes, quote included. */
#define ICMP_ERR_MAXLEN 576

/* icmp_send - see include/net/icmp.h. */
void icmp_send(struct sk_buff *skb_in, int type, int code, __be32 info)
{
	const struct iphdr *iph;
	struct icmphdr *icmph;
	struct ip_route rt;
	struct sk_buff *skb;
	unsigned int room, len;
	__be32 saddr;

	if (!icmp_error_allowed(skb_in, type))
		return;
	iph = (const struct iphdr *)skb_network_header(skb_in);
	if (ip_route_output(iph->saddr, &rt))
		return; /* no way back: nothing to count, as 3.10 */
	if (!icmp_xrlim_allow(rt.dev, iph->saddr, type, code)) {
		mib_inc(OutRateLimitHost);
		return;
	}
	room = min(rt.dev->mtu, (unsigned int)ICMP_ERR_MAXLEN) - sizeof(struct iphdr) -
	       sizeof(*icmph);
	len = min((unsigned int)(skb_tail_pointer(skb_in) - skb_network_header(skb_in)), room);
	skb = alloc_skb(MAX_HEADER + sizeof(*icmph) + len, GFP_ATOMIC);
	if (!skb) {
		mib_inc(OutErrors);
		return;
	}
	skb_reserve(skb, MAX_HEADER);
	icmph = skb_put(skb, sizeof(*icmph));
	icmph->type = (u8)type;
	icmph->code = (u8)code;
	icmph->un.gateway = info;
	skb_put_data(skb, iph, len); /* "MUST NOT change this header information" */
	icmph->checksum = 0;
	icmph->checksum = ip_compute_csum(icmph, (int)skb->len);
	/* From the address the datagram was sent to if it is ours, as 3.10 (RTCF_LOCAL). */
	saddr = ip_addr_is_local(iph->daddr) ? iph->daddr : 0;
	icmp_out_count((u8)type);
	ip_build_and_send_pkt(skb, saddr, iph->saddr, IPPROTO_ICMP);
}

/* ---- errors: receiving ----------------------------------------------------------- */

/* Linux's (and newlib's) value; newlib declares it only with __LINUX_ERRNO_EXTENSIONS__. */
#ifndef ENONET
#define ENONET 64
#endif

const struct icmp_err icmp_err_convert[NR_ICMP_UNREACH + 1] = {
	[ICMP_NET_UNREACH] = { ENETUNREACH, 0 },
	[ICMP_HOST_UNREACH] = { EHOSTUNREACH, 0 },
	[ICMP_PROT_UNREACH] = { ENOPROTOOPT, 1 },
	[ICMP_PORT_UNREACH] = { ECONNREFUSED, 1 },
	[ICMP_FRAG_NEEDED] = { EMSGSIZE, 0 },
	[5] = { EOPNOTSUPP, 0 },    /* source route failed */
	[6] = { ENETUNREACH, 1 },   /* destination network unknown */
	[7] = { EHOSTDOWN, 1 },	    /* destination host unknown */
	[8] = { ENONET, 1 },	    /* source host isolated */
	[9] = { ENETUNREACH, 1 },   /* network administratively prohibited */
	[10] = { EHOSTUNREACH, 1 }, /* host administratively prohibited */
	[11] = { ENETUNREACH, 0 },  /* network unreachable for the TOS */
	[12] = { EHOSTUNREACH, 0 }, /* host unreachable for the TOS */
	[13] = { EHOSTUNREACH, 1 }, /* communication administratively prohibited */
	[14] = { EHOSTUNREACH, 1 }, /* host precedence violation */
	[15] = { EHOSTUNREACH, 1 }, /* precedence cutoff in effect */
};

/*
 * The error handler of each protocol an error can quote (3.10:
 * inet_protos[]->err_handler): @skb->data at the quoted IP header, its
 * header and 8 bytes there, the ICMP header at the transport header.
 * (3.10's udp_err and tcp_v4_err).
 */
static void (*const icmp_err_handlers[256])(struct sk_buff *skb, u32 info) = {
	[IPPROTO_UDP] = udp_err,
	[IPPROTO_TCP] = tcp_v4_err,
};

static int icmp_err_drop(struct sk_buff *skb, enum skb_drop_reason reason)
{
	mib_inc(InErrors);
	skb_drop(skb, reason);
	return NET_RX_DROP;
}

/*
 * A destination unreachable, time exceeded or parameter problem (3.10's
 * icmp_unreach): check what it quotes, then tell the quoted protocol.
 * RFC 1122 sections 3.2.2.1, 3.2.2.2: these MUST reach the transport layer.
 */
static int icmp_unreach(struct sk_buff *skb)
{
	const struct icmphdr *icmph = (const struct icmphdr *)skb->data;
	const struct iphdr *outer = (const struct iphdr *)skb_network_header(skb);
	const struct iphdr *quoted = (const struct iphdr *)(icmph + 1);
	void (*handler)(struct sk_buff * skb, u32 info);
	enum skb_drop_reason reason;
	u32 info = 0;

	/* An error to a broadcast: some router answering a broadcast (RFC 1122 3.2.2). */
	if (!ip_addr_is_local(outer->daddr))
		return icmp_err_drop(skb, SKB_DROP_REASON_ICMP_BROADCAST);
	reason = icmp_quote_check(quoted, skb->len - sizeof(*icmph));
	if (reason != SKB_NOT_DROPPED_YET)
		return icmp_err_drop(skb, reason);
	/* 3.10 leaves this to the socket lookup; we count it: docs/linux-3.10.md */
	if (!ip_addr_is_local(quoted->saddr))
		return icmp_err_drop(skb, SKB_DROP_REASON_ICMP_QUOTE_NOT_OURS);

	if (icmph->type == ICMP_DEST_UNREACH) {
		if (icmph->code > NR_ICMP_UNREACH) { /* a code we do not know: ignored, as 3.10 */
			consume_skb(skb);
			return NET_RX_SUCCESS;
		}
		if (icmph->code == ICMP_FRAG_NEEDED)
			info = ntohs(icmph->un.frag.mtu);
	} else if (icmph->type == ICMP_PARAMETERPROB) {
		info = ntohl(icmph->un.gateway) >> 24; /* the pointer to the bad octet */
	}
	handler = icmp_err_handlers[quoted->protocol];
	__skb_pull(skb, sizeof(*icmph)); /* data at the quote; the ICMP header stays transport */
	if (handler)
		handler(skb, info);
	consume_skb(skb);
	return NET_RX_SUCCESS;
}

int icmp_rcv(struct sk_buff *skb)
{
	const struct icmphdr *icmph = (const struct icmphdr *)skb->data;
	enum skb_drop_reason reason;

	mib_inc(InMsgs);
	reason = icmp_hdr_check(skb->data, skb->len);
	if (reason != SKB_NOT_DROPPED_YET) {
		mib_inc(InErrors);
		skb_drop(skb, reason);
		return NET_RX_DROP;
	}
	switch (icmph->type) {
	case ICMP_ECHO:
		mib_inc(InEchos);
		return icmp_echo(skb);
	case ICMP_ECHOREPLY:
		mib_inc(InEchoReps);
		return ping_rcv(skb);
	case ICMP_DEST_UNREACH:
		mib_inc(InDestUnreachs);
		return icmp_unreach(skb);
	case ICMP_TIME_EXCEEDED:
		mib_inc(InTimeExcds);
		return icmp_unreach(skb);
	case ICMP_PARAMETERPROB:
		mib_inc(InParmProbs);
		return icmp_unreach(skb);
	default:
		/* Source quench, redirect, timestamps...: nothing here acts on them. */
		consume_skb(skb);
		return NET_RX_SUCCESS;
	}
}

/* ---- ping ---------------------------------------------------------------------- */

/* An echo request of @len data bytes, ready for ip_build_and_send_pkt; NULL without memory. */
static struct sk_buff *ping_build(u16 id, u16 seq, unsigned int len)
{
	struct sk_buff *skb = alloc_skb(MAX_HEADER + sizeof(struct icmphdr) + len, GFP_KERNEL);
	struct icmphdr *icmph;
	u8 *data;

	if (!skb)
		return NULL;
	skb_reserve(skb, MAX_HEADER);
	icmph = skb_put(skb, sizeof(*icmph));
	icmph->type = ICMP_ECHO;
	icmph->code = 0;
	icmph->un.echo.id = htons(id);
	icmph->un.echo.sequence = htons(seq);
	data = skb_put(skb, len);
	for (unsigned int i = 0; i < len; i++)
		data[i] = ping_pattern(i);
	icmph->checksum = 0;
	icmph->checksum = ip_compute_csum(icmph, (int)skb->len);
	return skb;
}

int icmp_ping(__be32 daddr, u16 id, u16 seq, unsigned int len, unsigned int timeout_ms, u64 *rtt_ns)
{
	struct ping_waiter w = { .id = id, .seq = seq, .len = len };
	struct sk_buff *skb;
	u64 t0;
	int err;

	if (len > 65535 - sizeof(struct iphdr) - sizeof(struct icmphdr))
		return -EMSGSIZE;
	skb = ping_build(id, seq, len);
	if (!skb)
		return -ENOMEM;
	init_waitqueue_head(&w.wq);
	spin_lock_bh(&ping_lock);
	list_add_tail(&w.node, &ping_waiters);
	spin_unlock_bh(&ping_lock);

	icmp_out_count(ICMP_ECHO);
	t0 = ktime_get_ns();
	err = ip_build_and_send_pkt(skb, 0, daddr, IPPROTO_ICMP);
	if (!err) {
		long left = wait_event_interruptible_timeout(w.wq, READ_ONCE(w.done),
							     msecs_to_jiffies(timeout_ms));

		/* A timed wait cut short is -EINTR, as Linux's sock_intr_errno() says. */
		if (left == -ERESTARTSYS)
			err = -EINTR;
	}

	spin_lock_bh(&ping_lock);
	list_del(&w.node);
	spin_unlock_bh(&ping_lock);
	if (err)
		return err;
	if (!w.done)
		return -ETIMEDOUT;
	if (!w.data_ok)
		return -EBADMSG;
	if (rtt_ns)
		*rtt_ns = w.rx_ns - t0;
	return 0;
}

/* `ping <a.b.c.d> [<count>]`: one request a second, as ping(8). */
static int cmd_ping(int argc, char **argv)
{
	static u16 next_id = 0x5100;
	unsigned int count = 3, received = 0;
	unsigned long long n = count;
	u16 id = next_id++;
	__be32 daddr;

	if (monitor_check_args(argc, argv, 1, 2))
		return -EINVAL;
	if (ip4_parse(argv[1], &daddr))
		return monitor_bad_arg(argv[0], "'%s' is not an address (a.b.c.d)", argv[1]);
	if (argc > 2 && monitor_parse_uint(argv[0], "a count", argv[2], 1, 1000, &n))
		return -EINVAL;
	count = (unsigned int)n;
	printk("PING %s: 56 data bytes\n", argv[1]);
	for (unsigned int seq = 1; seq <= count; seq++) {
		u64 rtt = 0;
		int err = icmp_ping(daddr, id, (u16)seq, 56, 1000, &rtt);

		if (err == -EINTR) { /* Ctrl-C while waiting: no line for this one */
			count = seq;
			break;
		}
		if (!err) {
			received++;
			printk("64 bytes from %s: icmp_seq=%u time=%llu.%03llu ms\n", argv[1], seq,
			       (unsigned long long)(rtt / 1000000),
			       (unsigned long long)(rtt / 1000 % 1000));
		} else {
			printk("from %s: icmp_seq=%u: %s\n", argv[1], seq,
			       err == -ETIMEDOUT ? "no reply" : strerror(-err));
		}
		if (seq < count)
			msleep_interruptible(err == -ETIMEDOUT ? 0 : 1000);
		if (signal_pending(current)) /* Ctrl-C: the statistics of what was sent */
			count = seq;
	}
	printk("--- %s ping statistics ---\n"
	       "%u packets transmitted, %u received, %u%% packet loss\n",
	       argv[1], count, received, (count - received) * 100 / count);
	return signal_pending(current) ? -EINTR : 0;
}
MONITOR_CMD(ping, "ping <a.b.c.d> [<count>]",
	    "ICMP echo, one a second: replies and round-trip times", cmd_ping);
