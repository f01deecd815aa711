/*
 * SPDX-License-Identifier: MIT
 * net/trace_tcp.c - the TCP half of the tracepoints (include/kernel/trace.h):
 * follow a connection's segments and decisions, `trace on tcp port=80`.
 *
 * The object followed is the connection, its struct tcp_sock: a record
 * carries the segment's fields (a segment's events) and the socket's
 * view at that moment (state, congestion window, ssthresh, segments in
 * flight).  A connection matches from its first event when one of its
 * ports is the filter's, so nothing waits in the look-behind buffer.
 *
 * Sequence numbers are shown relative, as tcpdump does: ours counted from
 * our ISS, the peer's from its IRS, so the first data byte of each side is
 * 1 and the numbers read the same in every run.  A segment netem loses
 * has no socket at hand: its addresses find the connection
 * (tcp_lookup), whose side sent it (tx) or was to receive it (rx).
 *
 * 3.10 has no TCP tracepoints (later kernels': docs/linux-3.10.md#tcp-trace).
 */
#include <kernel/trace.h>
#include <net/byteorder.h>
#include <net/ip.h>
#include <net/netdevice.h>
#include <net/skbuff.h>
#include <net/tcp.h>
#include <stdio.h>
#include <string.h>

#include "net_internal.h"
#include "tcp_internal.h"

static bool trace_tcp_matches(const struct tcp_sock *tp)
{
	u16 port = trace_filter.port;

	return !port || tp->sk.inet_num == port || tp->inet_dport == port;
}

static u16 trace_clamp16(u32 v)
{
	return v > 0xffff ? 0xffff : (u16)v;
}

/* The socket's side of a record: ports, state, windows, what is in flight. */
static void trace_tcp_fill(struct trace_record *rec, const struct tcp_sock *tp)
{
	u32 mss = tp->mss_cache ? tp->mss_cache : TCP_MSS_DEFAULT;
	u32 flight = (tp->snd_nxt - tp->snd_una + mss - 1) / mss;

	rec->obj = (uintptr_t)tp;
	rec->tcp.lport = tp->sk.inet_num;
	rec->tcp.rport = tp->inet_dport;
	rec->tcp.state = (u8)tp->state;
	rec->tcp.ca_state = tp->ca_state;
	rec->tcp.cwnd = trace_clamp16(tp->snd_cwnd);
	rec->tcp.ssthresh = trace_clamp16(tp->snd_ssthresh);
	rec->tcp.flight = flight > 255 ? 255 : (u8)flight;
}

/* Write @rec if @tp is followed or matches now (it then joins the follow set). */
static void trace_tcp_emit(struct trace_record *rec, const struct tcp_sock *tp)
{
	if (trace_following(tp))
		trace_emit(rec, TRACE_TCP, false);
	else if (trace_tcp_matches(tp))
		trace_emit(rec, TRACE_TCP, true);
}

void __trace_tcp(enum trace_event ev, const struct tcp_sock *tp, u64 arg)
{
	struct trace_record rec = { .event = (u16)ev, .arg = arg };

	if (!tp || tp->state == TCP_LISTEN)
		return;
	trace_tcp_fill(&rec, tp);
	trace_tcp_emit(&rec, tp);
	if (ev == TE_TCP_DESTROY)
		trace_forget(tp); /* the next socket at this address is another connection */
}

/* The segment's fields, relative to @tp's numbers; @out: sent by @tp, else received. */
static void trace_tcp_segment(struct trace_record *rec, const struct tcp_sock *tp,
			      const struct tcphdr *th, u32 payload, bool out)
{
	u8 flags = tcp_flag_byte(th);
	u32 seq = ntohl(th->seq), ack = ntohl(th->ack_seq), win = ntohs(th->window);

	rec->len = payload;
	rec->tcp.flags = flags;
	/* A SYN's number is the ISN itself (0 relative); the peer's may not be known yet. */
	rec->tcp.seq = flags & TCPHDR_SYN ? 0 : seq - (out ? tp->iss : tp->irs);
	rec->tcp.ack = flags & TCPHDR_ACK ? ack - (out ? tp->irs : tp->iss) : 0;
	/* RFC 7323 2.2: a SYN's window is never scaled. */
	rec->tcp.win = flags & TCPHDR_SYN ? win : win << (out ? tp->rcv_wscale : tp->snd_wscale);
}

/* The TCP header of a packet netem holds, and its payload length; NULL if not TCP. */
static const struct tcphdr *trace_tcp_header(const struct sk_buff *skb, const struct iphdr **ipp,
					     u32 *payload)
{
	const u8 *ip = trace_skb_l3(skb), *tail = skb_tail_pointer(skb);
	const struct iphdr *iph = (const struct iphdr *)ip;
	const struct tcphdr *th;
	unsigned int ihl, tot, doff;

	if (!ip || ip < skb->head || ip + sizeof(*iph) > tail)
		return NULL;
	ihl = iph->ihl * 4u;
	tot = ntohs(iph->tot_len);
	if (iph->version != 4 || ihl < sizeof(*iph) || iph->protocol != IPPROTO_TCP ||
	    (ntohs(iph->frag_off) & (IP_MF | IP_OFFSET)) || ip + ihl + sizeof(*th) > tail)
		return NULL;
	th = (const struct tcphdr *)(ip + ihl);
	doff = th->doff * 4u;
	if (doff < sizeof(*th) || tot < ihl + doff)
		return NULL;
	*ipp = iph;
	*payload = tot - ihl - doff;
	return th;
}

/* netem lost a packet: if it is a segment of a connection we may follow, record it. */
static void trace_tcp_netem_drop(const struct sk_buff *skb, u64 tx)
{
	struct trace_record rec = { .event = TE_TCP_NETEM_DROP, .arg = tx };
	const struct iphdr *iph;
	struct tcp_sock *tp;
	const struct tcphdr *th = trace_tcp_header(skb, &iph, &rec.len);

	if (!th)
		return;
	/* The connection whose local end sent it (tx) or was to receive it (rx). */
	if (tx)
		tp = tcp_lookup(iph->daddr, ntohs(th->dest), iph->saddr, ntohs(th->source));
	else
		tp = tcp_lookup(iph->saddr, ntohs(th->source), iph->daddr, ntohs(th->dest));
	if (!tp)
		return;
	if (tp->state != TCP_LISTEN) {
		trace_tcp_fill(&rec, tp);
		trace_tcp_segment(&rec, tp, th, rec.len, tx);
		if (skb->dev)
			strncpy(rec.dev, skb->dev->name, sizeof(rec.dev) - 1);
		trace_tcp_emit(&rec, tp);
	}
	sock_put(tp);
}

void __trace_tcp_skb(enum trace_event ev, const struct tcp_sock *tp, const struct sk_buff *skb,
		     u64 arg)
{
	struct trace_record rec = { .event = (u16)ev, .arg = arg };
	const struct tcp_skb_cb *tcb = TCP_SKB_CB(skb);
	const struct tcphdr *th;

	if (ev == TE_TCP_NETEM_DROP) {
		trace_tcp_netem_drop(skb, arg);
		return;
	}
	if (!tp || tp->state == TCP_LISTEN)
		return; /* a listener's SYN is recorded by the child it makes */
	/* Sent or received, the header is at the transport header and tcp_skb_cb is filled. */
	th = (const struct tcphdr *)skb_transport_header(skb);
	trace_tcp_fill(&rec, tp);
	trace_tcp_segment(&rec, tp, th,
			  tcb->end_seq - tcb->seq - !!(tcb->tcp_flags & TCPHDR_SYN) -
				  !!(tcb->tcp_flags & TCPHDR_FIN),
			  ev == TE_TCP_TRANSMIT);
	if (ev == TE_TCP_RCV) /* a duplicate ACK, as tcp_ack will count it */
		rec.arg = ntohl(th->ack_seq) == tp->snd_una && !rec.len &&
			  !(rec.tcp.flags & (TCPHDR_SYN | TCPHDR_FIN)) &&
			  rec.tcp.win == tp->snd_wnd && tp->snd_nxt != tp->snd_una;
	if (skb->dev)
		strncpy(rec.dev, skb->dev->name, sizeof(rec.dev) - 1);
	trace_tcp_emit(&rec, tp);
}

/* ---- the words of a record (`trace show`) -------------------------------------------- */

static const char *const ca_state_names[] = { "Open", "Recovery", "Loss" };

static const char *trace_ca_name(unsigned int st)
{
	return st < ARRAY_SIZE(ca_state_names) ? ca_state_names[st] : "?";
}

/* tcpdump's flag letters: [S.] for SYN+ACK, [P.] for data with PSH, [.] for an ACK. */
static void trace_tcp_flags(u8 fl, char *buf)
{
	static const struct {
		u8 bit;
		char c;
	} letters[] = { { TCPHDR_SYN, 'S' }, { TCPHDR_FIN, 'F' }, { TCPHDR_RST, 'R' },
			{ TCPHDR_PSH, 'P' }, { TCPHDR_URG, 'U' }, { TCPHDR_ACK, '.' } };
	char *p = buf;

	*p++ = '[';
	for (size_t i = 0; i < ARRAY_SIZE(letters); i++)
		if (fl & letters[i].bit)
			*p++ = letters[i].c;
	*p++ = ']';
	*p = '\0';
}

/* The socket's congestion view: "cwnd 10 ssthresh - flight 3". */
static void trace_tcp_window(const struct trace_record *r, char *buf, size_t size)
{
	char ss[8] = "-";

	if (r->tcp.ssthresh != 0xffff)
		snprintf(ss, sizeof(ss), "%u", r->tcp.ssthresh);
	snprintf(buf, size, "cwnd %u ssthresh %s flight %u", r->tcp.cwnd, ss, r->tcp.flight);
}

/*
 * trace_tcp_format - see include/kernel/trace.h.  The ports, the state,
 * then the segment (flags, relative seq and ack, window) or the decision.
 * The congestion view (taken before the segment is counted in flight)
 * follows a segment the connection sends with data, or any while it has
 * data in flight.
 */
void trace_tcp_format(const struct trace_record *r, char *buf, size_t size)
{
	char what[96], cc[48], fl[12];
	u32 end = r->tcp.seq + r->len;
	const char *note = "";
	int n = snprintf(buf, size, "%5u>%-5u %-11s", r->tcp.lport, r->tcp.rport,
			 tcp_state_name(r->tcp.state));

	if (n < 0 || (size_t)n >= size)
		return;
	buf += n;
	size -= (size_t)n;
	trace_tcp_window(r, cc, sizeof(cc));
	switch (r->event) {
	case TE_TCP_TRANSMIT:
	case TE_TCP_RCV:
	case TE_TCP_NETEM_DROP:
		trace_tcp_flags(r->tcp.flags, fl);
		if (r->len)
			snprintf(what, sizeof(what), "%-5s seq %u:%u", fl, r->tcp.seq, end);
		else
			snprintf(what, sizeof(what), "%-5s seq %u", fl, r->tcp.seq);
		if (r->tcp.flags & TCPHDR_ACK)
			snprintf(what + strlen(what), sizeof(what) - strlen(what), " ack %u",
				 r->tcp.ack);
		snprintf(what + strlen(what), sizeof(what) - strlen(what), " win %u", r->tcp.win);
		if (r->event == TE_TCP_NETEM_DROP)
			note = r->arg ? "  lost on tx" : "  lost on rx";
		else if (r->arg)
			note = r->event == TE_TCP_RCV ? "  duplicate ACK" : "  retransmission";
		if (!r->tcp.flight && !(r->len && r->event != TE_TCP_RCV))
			cc[0] = '\0';
		if (!cc[0] && !note[0])
			snprintf(buf, size, " %s", what);
		else
			snprintf(buf, size, " %-40s  %s%s", what, cc, note);
		return;
	case TE_TCP_SET_STATE:
		snprintf(buf, size, " from %s", tcp_state_name((int)r->arg));
		return;
	case TE_TCP_CA_STATE:
		snprintf(buf, size, " %s -> %s  %s", trace_ca_name((unsigned int)r->arg),
			 trace_ca_name(r->tcp.ca_state), cc);
		return;
	case TE_TCP_RTO:
		snprintf(buf, size, " timeout after %llu ms  %s", (unsigned long long)r->arg, cc);
		return;
	default: /* tcp_destroy_sock: the line ends at the state */
		while (n && buf[-1] == ' ') {
			*--buf = '\0';
			n--;
		}
	}
}
