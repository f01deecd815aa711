/*
 * SPDX-License-Identifier: MIT
 * net/icmp.c - ICMP (RFC 792): answering echo requests, and ping.
 *
 *   icmp_rcv:  icmp_hdr_check (length, checksum over the whole message)
 *              ECHO       -> icmp_echo: a new packet, same identifier,
 *                            sequence and data, type ECHOREPLY, back to
 *                            the sender from the address it asked
 *              ECHOREPLY  -> ping_rcv: wake the icmp_ping() waiting for it
 *              others     -> counted and consumed
 *
 * Pings in flight are on ping_waiters, each on its waiter's stack, under
 * ping_lock (bottom halves off: ping_rcv runs in the softirq).
 */
#include <errno.h>
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
#include <stdio.h>
#include <string.h>

struct icmp_mib icmp_mib;

#define mib_inc(field) __atomic_add_fetch(&icmp_mib.field, 1, __ATOMIC_RELAXED)

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
	mib_inc(OutMsgs);
	mib_inc(OutEchoReps);
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
	default:
		/* Unreachables, time exceeded...: nothing here acts on them. */
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

	mib_inc(OutMsgs);
	mib_inc(OutEchos);
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
