/*
 * SPDX-License-Identifier: MIT
 * net/tcp_output.c - TCP segments out: the send queue built as Linux's,
 * the windows, and the timers that send (retransmission, zero-window
 * probes, delayed ACKs).
 *
 * The life of one segment sent (3.10's tcp_sendmsg, tcp_write_xmit,
 * tcp_transmit_skb, tcp_clean_rtx_queue):
 *
 *   kernel_sendmsg      alloc_skb_fclone: the original and, beside it in one
 *                       slab object, a free companion; the user's bytes
 *                       copied in; on the write queue (its headroom left
 *                       to the clones: skb_header_release)
 *   tcp_write_xmit      the window and cwnd allow it: tcp_transmit_skb
 *   tcp_transmit_skb    skb_clone() hands out the companion (no allocation),
 *                       the TCP header is pushed into the clone's headroom,
 *                       checksummed, and the clone goes down through IP to
 *                       the device, which frees it when sent
 *   ...                 the original waits on the write queue
 *   tcp_ack             the peer acknowledged it: the original is freed, and
 *                       its fclone slab object with it
 *
 * A retransmission clones the original again; if the last clone is still
 * in a device queue (skb_cloned), a copy is sent instead, as 3.10 does.
 */
#include <errno.h>
#include <kernel/perf.h>
#include <kernel/time.h>
#include <mm/slab.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/netdevice.h>
#include <net/skbuff.h>
#include <net/tcp.h>
#include <string.h>

#include "tcp_internal.h"

/* Room for every header in front of a segment: link, IP, TCP with options. */
#define MAX_TCP_HEADER (MAX_HEADER + 20 + 60)

/*
 * The data bytes of a new segment: the MSS, but never more than half the
 * largest window the peer has offered (3.10's tcp_bound_to_half_wnd), so a
 * segment never needs a whole window to leave.  A reader with a small
 * buffer on lo (an MSS of 65483) would otherwise see segments it can
 * never take.
 */
unsigned int tcp_mss_for(const struct tcp_sock *tp)
{
	u32 cutoff = tp->max_window > TCP_MSS_DEFAULT ? tp->max_window / 2 : tp->max_window;

	if (cutoff && tp->mss_cache > cutoff)
		return cutoff > 48 ? cutoff : 48;
	return tp->mss_cache;
}

struct sk_buff *tcp_alloc_segment(unsigned int size, gfp_t gfp)
{
	struct sk_buff *skb = alloc_skb_fclone(MAX_TCP_HEADER + size, gfp);

	if (skb)
		skb_reserve(skb, MAX_TCP_HEADER);
	return skb;
}

/* An skb on the write queue: charged to the socket; the clones own the headroom. */
void tcp_queue_skb(struct tcp_sock *tp, struct sk_buff *skb)
{
	skb_header_release(skb);
	__skb_queue_tail(&tp->write_queue, skb);
	tp->wmem_queued += (int)skb->truesize;
	if (!tp->send_head)
		tp->send_head = skb;
}

void tcp_write_queue_purge(struct tcp_sock *tp)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(&tp->write_queue)))
		kfree_skb(skb);
	tp->wmem_queued = 0;
	tp->send_head = NULL;
}

/* ---- windows ----------------------------------------------------------------------- */

/*
 * The window we may offer: half the receive buffer's free room (3.10's
 * tcp_space with tcp_adv_win_scale 1: the rest pays for the skbs'
 * overhead), at most 65535 (no window scaling yet).  Receiver-side silly
 * window avoidance (RFC 9293 3.8.6.2.2): nothing until the room reaches
 * min(half the buffer, one MSS), then whole segments where it holds some.
 */
u32 tcp_select_window_peek(const struct tcp_sock *tp)
{
	int rcvbuf = READ_ONCE(tp->sk.sk_rcvbuf);
	int room = (rcvbuf - __atomic_load_n(&tp->sk.sk_rmem_alloc, __ATOMIC_RELAXED)) / 2;
	u32 unit = tp->mss_cache < (u32)rcvbuf / 2 ? tp->mss_cache : (u32)rcvbuf / 2;
	u32 win;

	u32 max = 65535u << tp->rcv_wscale;

	if (room <= 0 || (u32)room < unit)
		return 0;
	win = (u32)room < max ? (u32)room : max;
	if (win > tp->mss_cache)
		win -= win % tp->mss_cache;
	return win & ~((1u << tp->rcv_wscale) - 1); /* what the scaled field can say */
}

/*
 * The window for a segment we send now, remembered as what the peer knows.
 * Never less than what we offered before (RFC 9293 3.8.6.2.2: a window
 * must not shrink).
 */
u32 tcp_select_window(struct tcp_sock *tp)
{
	u32 cur = tp->rcv_wup + tp->rcv_wnd - tp->rcv_nxt, win = tcp_select_window_peek(tp);
	u32 unit = 1u << tp->rcv_wscale;

	/* Never shrink: round what was offered up to what the scaled field can say. */
	if ((s32)cur > 0 && win < cur)
		win = (cur + unit - 1) & ~(unit - 1);
	tp->rcv_wnd = win;
	tp->rcv_wup = tp->rcv_nxt;
	return win;
}

/* Bytes sent and not acknowledged ("flight size", RFC 5681). */
static u32 tcp_flight(const struct tcp_sock *tp)
{
	return (tp->send_head ? TCP_SKB_CB(tp->send_head)->seq : tp->snd_nxt) - tp->snd_una;
}

/* ---- one segment ---------------------------------------------------------------------- */

/*
 * Push the TCP header over @skb's data (it holds tcp_skb_cb's seq and
 * flags) and send it to the peer.  @skb is consumed.  The MSS option goes
 * on a SYN.  Returns 0 or the error of the IP layer.
 */
static int tcp_transmit_skb(struct tcp_sock *tp, struct sk_buff *skb)
{
	const struct tcp_skb_cb *tcb = TCP_SKB_CB(skb);
	bool syn = tcb->tcp_flags & TCPHDR_SYN;
	/* A SYN offers a window scale; a SYN-ACK answers one only if the SYN offered it. */
	bool ws = syn && (!(tcb->tcp_flags & TCPHDR_ACK) || tp->wscale_ok);
	unsigned int hlen = sizeof(struct tcphdr) + (syn ? 4 : 0) + (ws ? 4 : 0);
	u32 win, data = skb->len;
	struct tcphdr *th = skb_push(skb, hlen);

	skb_reset_transport_header(skb);
	memset(th, 0, hlen);
	th->source = htons(tp->sk.inet_num);
	th->dest = htons(tp->inet_dport);
	th->seq = htonl(tcb->seq);
	th->doff = hlen / 4;
	((u8 *)th)[13] = tcb->tcp_flags;
	if (tcb->tcp_flags & TCPHDR_ACK)
		th->ack_seq = htonl(tp->rcv_nxt);
	/* RFC 7323 2.2: a SYN's window is never scaled; the others are >> rcv_wscale. */
	win = tcp_select_window(tp);
	if (syn && tp->rcv_wnd > 65535u)
		tp->rcv_wnd = 65535u; /* what the peer was told (3.10: min(rcv_wnd, 65535)) */
	th->window = htons((u16)(syn ? (win > 65535u ? 65535u : win) : win >> tp->rcv_wscale));
	if (syn) {
		u8 *opt = (u8 *)(th + 1);
		u16 mss = tp->advmss;

		opt[0] = TCPOPT_MSS;
		opt[1] = TCPOLEN_MSS;
		opt[2] = (u8)(mss >> 8);
		opt[3] = (u8)mss;
		if (ws) { /* No SACK or timestamps yet: docs/linux-3.10.md#tcp-buffers */
			opt[4] = TCPOPT_NOP;
			opt[5] = TCPOPT_WINDOW;
			opt[6] = TCPOLEN_WINDOW;
			opt[7] = tp->rcv_wscale;
		}
	}
	th->check = csum_tcpudp_magic(tp->sk.inet_rcv_saddr, tp->inet_daddr, skb->len, IPPROTO_TCP,
				      csum_partial(th, (int)skb->len, 0));
	if (tcb->tcp_flags & TCPHDR_ACK) {
		/* This ACK covers what was owed. */
		tp->ack_pending = 0;
		if (tp->quick_acks)
			tp->quick_acks--;
		tcp_stop_timer(tp, &tp->delack_timer);
	}
	/* Data soon after data came in: an interactive exchange (3.10's tcp_event_data_sent). */
	if (data && jiffies - tp->rcv_tstamp < msecs_to_jiffies(TCP_DELACK_MS))
		tp->pingpong = 1;
	trace_tcp_skb(TE_TCP_TRANSMIT, tp, skb, tcb->when != 0); /* sent before: a retransmission */
	tcp_mib_inc(OutSegs);
	return ip_build_and_send_pkt(skb, tp->sk.inet_rcv_saddr, tp->inet_daddr, IPPROTO_TCP);
}

/*
 * Send @skb of the write queue (the original stays): its fast clone, or a
 * copy when a clone of it is still on its way down (3.10's
 * tcp_transmit_skb with clone_it).
 */
static int tcp_send_original(struct tcp_sock *tp, struct sk_buff *skb)
{
	struct sk_buff *out =
		skb_cloned(skb) ? skb_copy(skb, GFP_ATOMIC) : skb_clone(skb, GFP_ATOMIC);
	struct tcp_skb_cb *tcb = TCP_SKB_CB(skb);

	if (!out)
		return -ENOBUFS;
	if (tcb->when) {
		tcb->retransmitted = 1; /* Karn: no RTT sample from it */
		tcp_mib_inc(RetransSegs);
	}
	tcb->when = jiffies ? jiffies : 1;
	return tcp_transmit_skb(tp, out);
}

/* The current timeout: the RTO doubled per backoff, at most TCP_RTO_MAX (RFC 6298 5.5). */
u32 tcp_rto_now(const struct tcp_sock *tp)
{
	u32 max = msecs_to_jiffies(TCP_RTO_MAX_MS);
	u64 rto = tp->backoff >= 20 ? max : (u64)tp->rto << tp->backoff;

	return rto > max ? max : (u32)rto;
}

static void tcp_arm_rto(struct tcp_sock *tp)
{
	tcp_reset_timer(tp, &tp->retransmit_timer, jiffies + tcp_rto_now(tp));
}

DEFINE_PERF_LAYER(perf_tcp_output, "tcp output");

/*
 * tcp_push - send what the windows allow (3.10's tcp_write_xmit): from
 * send_head, while the congestion window (segments in flight < cwnd) and
 * the peer's window (the segment ends inside snd_una + snd_wnd) have room.
 * Nagle (RFC 896, RFC 9293 3.7.4): a segment shorter than the MSS waits
 * while anything is unacknowledged, unless it carries a FIN.  With nothing
 * in flight and a window too small, the persist timer probes.
 */

void tcp_push(struct tcp_sock *tp)
{
	PERF_SCOPE(&perf_tcp_output);
	struct sk_buff *skb;

	if (tp->state == TCP_SYN_SENT || tp->state == TCP_SYN_RECV || tp->state == TCP_CLOSE ||
	    tp->state == TCP_LISTEN)
		return; /* data waits for the handshake */
	while ((skb = tp->send_head)) {
		const struct tcp_skb_cb *tcb = TCP_SKB_CB(skb);
		u32 flight = tcp_flight(tp), mss = tcp_mss_for(tp);

		if (flight / mss >= tp->snd_cwnd)
			break;
		if (after(tcb->end_seq, tp->snd_una + tp->snd_wnd) && skb->len) {
			if (!flight)
				tcp_arm_rto(tp); /* the persist timer: probes a zero window */
			break;
		}
		if (skb->len < mss && flight && !(tcb->tcp_flags & TCPHDR_FIN) &&
		    after(tcb->end_seq, tp->snd_nxt))
			break; /* Nagle: a small new segment waits for the ACKs */
		if (tcp_send_original(tp, skb))
			break; /* no memory: the retransmit timer tries again */
		tp->send_head = skb_queue_is_last(&tp->write_queue, skb) ? NULL : skb->next;
		if (after(tcb->end_seq, tp->snd_nxt))
			tp->snd_nxt = tcb->end_seq;
		if (!flight) {
			/*
			 * The first in flight: a persist timer running ends here, and its
			 * backoff with it; the RTO starts afresh (3.10's tcp_ack_probe).
			 */
			tp->backoff = 0;
			tcp_arm_rto(tp);
		} else if (!timer_pending(&tp->retransmit_timer)) {
			tcp_arm_rto(tp);
		}
	}
}

/* ---- control segments ----------------------------------------------------------------- */

/* A segment that is not kept: an ACK or a RST of @tp's.  NULL without memory. */
static struct sk_buff *tcp_control_skb(u32 seq, u8 flags)
{
	struct sk_buff *skb = alloc_skb(MAX_TCP_HEADER, GFP_ATOMIC);

	if (skb) {
		skb_reserve(skb, MAX_TCP_HEADER);
		TCP_SKB_CB(skb)->seq = TCP_SKB_CB(skb)->end_seq = seq;
		TCP_SKB_CB(skb)->tcp_flags = flags;
	}
	return skb;
}

void tcp_send_ack(struct tcp_sock *tp)
{
	struct sk_buff *skb;

	if (tp->state == TCP_CLOSE || tp->state == TCP_LISTEN)
		return;
	skb = tcp_control_skb(tp->snd_nxt, TCPHDR_ACK);
	if (!skb) {
		tcp_send_delayed_ack(tp); /* the timer tries again */
		return;
	}
	tcp_transmit_skb(tp, skb);
}

/* An ACK is owed: sent with the next segment, or by the delayed-ACK timer (40 ms). */
void tcp_send_delayed_ack(struct tcp_sock *tp)
{
	tp->ack_pending = 1;
	if (!timer_pending(&tp->delack_timer))
		tcp_reset_timer(tp, &tp->delack_timer, jiffies + msecs_to_jiffies(TCP_DELACK_MS));
}

void tcp_delack_timer(struct timer_list *t)
{
	struct tcp_sock *tp = container_of(t, struct tcp_sock, delack_timer);

	tcp_lock(tp);
	if (!timer_pending(t) && tp->ack_pending) {
		tp->pingpong = 0; /* the ACK had to wait for the timer: not interactive after all */
		tcp_send_ack(tp);
	}
	tcp_unlock(tp);
	sock_put(tp);
}

/* A RST for @tp's peer: the connection is abandoned (3.10's tcp_send_active_reset). */
void tcp_send_active_reset(struct tcp_sock *tp)
{
	struct sk_buff *skb = tcp_control_skb(tp->snd_nxt, TCPHDR_RST | TCPHDR_ACK);

	tcp_mib_inc(OutRsts);
	if (skb)
		tcp_transmit_skb(tp, skb);
}

/*
 * A RST answering @in, a segment no connection wants (RFC 9293 3.10.7.1,
 * "If the state is CLOSED"): with the ACK bit, SEQ = SEG.ACK; without,
 * SEQ = 0 and ACK = SEG.SEQ + SEG.LEN.  Never for a RST, never to a
 * broadcast or multicast address (3.10's tcp_v4_send_reset).
 */
void tcp_v4_send_reset(struct sk_buff *in)
{
	const struct iphdr *iph = (const struct iphdr *)skb_network_header(in);
	const struct tcphdr *th = (const struct tcphdr *)skb_transport_header(in);
	struct sk_buff *skb;
	struct tcphdr *rth;

	if (th->rst || in->pkt_type != PACKET_HOST || ipv4_is_multicast(iph->daddr) ||
	    ipv4_is_lbcast(iph->daddr))
		return;
	skb = alloc_skb(MAX_TCP_HEADER, GFP_ATOMIC);
	if (!skb)
		return;
	skb_reserve(skb, MAX_TCP_HEADER);
	rth = skb_put(skb, sizeof(*rth));
	memset(rth, 0, sizeof(*rth));
	rth->source = th->dest;
	rth->dest = th->source;
	rth->doff = sizeof(*rth) / 4;
	rth->rst = 1;
	if (th->ack) {
		rth->seq = th->ack_seq;
	} else {
		rth->ack = 1;
		rth->ack_seq = htonl(TCP_SKB_CB(in)->end_seq);
	}
	rth->check = csum_tcpudp_magic(iph->daddr, iph->saddr, sizeof(*rth), IPPROTO_TCP,
				       csum_partial(rth, sizeof(*rth), 0));
	tcp_mib_inc(OutRsts);
	tcp_mib_inc(OutSegs);
	ip_build_and_send_pkt(skb, iph->daddr, iph->saddr, IPPROTO_TCP);
}

/*
 * A SYN-ACK that keeps no state: the answer to @syn with ISN @isn (a SYN
 * cookie) and MSS @mss, window 65535 unscaled (a cookie cannot remember a
 * window scale: 3.10 hides it in the timestamp option, which we lack).
 */
void tcp_v4_send_synack_cookie(struct sk_buff *syn, u32 isn, u16 mss)
{
	const struct iphdr *iph = (const struct iphdr *)skb_network_header(syn);
	const struct tcphdr *th = (const struct tcphdr *)skb_transport_header(syn);
	struct sk_buff *skb = alloc_skb(MAX_TCP_HEADER, GFP_ATOMIC);
	struct tcphdr *rth;
	u8 *opt;

	if (!skb)
		return;
	skb_reserve(skb, MAX_TCP_HEADER);
	rth = skb_put(skb, sizeof(*rth) + TCPOLEN_MSS);
	memset(rth, 0, sizeof(*rth));
	rth->source = th->dest;
	rth->dest = th->source;
	rth->seq = htonl(isn);
	rth->ack_seq = htonl(TCP_SKB_CB(syn)->seq + 1);
	rth->doff = (sizeof(*rth) + TCPOLEN_MSS) / 4;
	rth->syn = 1;
	rth->ack = 1;
	rth->window = htons(65535);
	opt = (u8 *)(rth + 1);
	opt[0] = TCPOPT_MSS;
	opt[1] = TCPOLEN_MSS;
	opt[2] = (u8)(mss >> 8);
	opt[3] = (u8)mss;
	rth->check = csum_tcpudp_magic(iph->daddr, iph->saddr, skb->len, IPPROTO_TCP,
				       csum_partial(rth, (int)skb->len, 0));
	tcp_mib_inc(OutSegs);
	ip_build_and_send_pkt(skb, iph->daddr, iph->saddr, IPPROTO_TCP);
}

/* ---- the handshake and the end --------------------------------------------------------- */

/* Queue and send the SYN (or the SYN-ACK of a child), kept for retransmission. */
static void tcp_send_syn_flags(struct tcp_sock *tp, u8 flags)
{
	struct sk_buff *skb = tcp_alloc_segment(0, GFP_ATOMIC);

	tp->snd_una = tp->iss;
	tp->snd_nxt = tp->iss;
	tp->write_seq = tp->iss + 1;
	if (!skb) {
		tcp_arm_rto(tp); /* the retransmit timer finds no SYN: it gives the attempt up */
		return;
	}
	TCP_SKB_CB(skb)->seq = tp->iss;
	TCP_SKB_CB(skb)->end_seq = tp->iss + 1;
	TCP_SKB_CB(skb)->tcp_flags = flags;
	tcp_queue_skb(tp, skb);
	if (!tcp_send_original(tp, skb))
		tp->send_head = NULL;
	tp->snd_nxt = tp->iss + 1;
	tcp_arm_rto(tp);
}

void tcp_send_syn(struct tcp_sock *tp)
{
	tcp_send_syn_flags(tp, TCPHDR_SYN);
}

void tcp_send_synack(struct tcp_sock *tp)
{
	tcp_send_syn_flags(tp, TCPHDR_SYN | TCPHDR_ACK);
}

/*
 * Our FIN: on the last segment not sent yet, or in one of its own (from
 * @spare, which the caller allocated where it could sleep; unused, it is
 * freed).  ESTABLISHED and SYN_RECV go to FIN_WAIT1, CLOSE_WAIT to LAST_ACK.
 */
void tcp_send_fin(struct tcp_sock *tp, struct sk_buff *spare)
{
	struct sk_buff *skb = tp->send_head ? skb_peek_tail(&tp->write_queue) : NULL;

	tp->shutdown |= SEND_SHUTDOWN;
	if (tp->state == TCP_CLOSE_WAIT)
		tcp_set_state(tp, TCP_LAST_ACK);
	else
		tcp_set_state(tp, TCP_FIN_WAIT1);
	if (!skb) {
		skb = spare ? spare : tcp_alloc_segment(0, GFP_ATOMIC);
		spare = NULL;
		if (!skb) {
			tcp_send_active_reset(tp); /* no FIN without memory: end it plainly */
			tcp_done(tp);
			return;
		}
		TCP_SKB_CB(skb)->seq = TCP_SKB_CB(skb)->end_seq = tp->write_seq;
		TCP_SKB_CB(skb)->tcp_flags = TCPHDR_ACK;
		tcp_queue_skb(tp, skb);
	}
	kfree_skb(spare);
	TCP_SKB_CB(skb)->tcp_flags |= TCPHDR_FIN;
	TCP_SKB_CB(skb)->end_seq++;
	tp->write_seq++;
	tcp_push(tp);
}

/* ---- retransmission ----------------------------------------------------------------------- */

/* Send the oldest unacknowledged segment again (fast retransmit, RTO, partial ACK). */
int tcp_retransmit_skb(struct tcp_sock *tp, struct sk_buff *skb)
{
	return tcp_send_original(tp, skb);
}

/*
 * An ACK of a byte the peer has already acknowledged (seq snd_una - 1): out
 * of its window, so it must answer with an ACK that tells its window and
 * that it is alive (3.10's tcp_xmit_probe_skb).  Zero-window and keepalive
 * probes both.
 */
void tcp_send_keepalive_probe(struct tcp_sock *tp)
{
	struct sk_buff *skb = tcp_control_skb(tp->snd_una - 1, TCPHDR_ACK);

	if (skb)
		tcp_transmit_skb(tp, skb);
}

/* A zero window and nothing in flight: probe, and back off. */
static void tcp_send_probe0(struct tcp_sock *tp)
{
	tcp_send_keepalive_probe(tp);
	if (tp->backoff < TCP_RETRIES2)
		tp->backoff++; /* 3.10's limit: a u8 counting forever would wrap to 0 */
	tcp_arm_rto(tp);
}

/*
 * The retransmission timer (RFC 6298 5.4-5.7; 3.10's tcp_retransmit_timer):
 * the oldest segment is sent again, the timeout doubles, and congestion
 * control starts again from one segment (RFC 5681 3.1: ssthresh =
 * max(FlightSize / 2, 2 * SMSS)).  What was sent after it is sent again as
 * the window reopens (send_head back at the oldest).  Too many tries: the
 * connection is given up (ETIMEDOUT).  With nothing in flight it is the
 * persist timer, and probes.
 */
void tcp_retransmit_timer(struct timer_list *t)
{
	struct tcp_sock *tp = container_of(t, struct tcp_sock, retransmit_timer);
	struct sk_buff *head;
	u32 flight;

	tcp_lock(tp);
	if (timer_pending(t) || tp->state == TCP_CLOSE || tp->state == TCP_LISTEN ||
	    tp->state == TCP_TIME_WAIT)
		goto out;
	head = skb_peek(&tp->write_queue);
	flight = tcp_flight(tp);
	if (!head && (tp->state == TCP_SYN_SENT || tp->state == TCP_SYN_RECV)) {
		/* No SYN to send again: tcp_send_syn_flags had no memory (3.10: -ENOBUFS). */
		tcp_reset(tp, ENOBUFS);
		goto out;
	}
	if (!head || (!flight && tp->state != TCP_SYN_SENT && tp->state != TCP_SYN_RECV)) {
		if (head)
			tcp_send_probe0(tp);
		goto out;
	}
	if (tp->retransmits >= ((tp->state == TCP_SYN_SENT || tp->state == TCP_SYN_RECV)
					? TCP_SYN_RETRIES
					: TCP_RETRIES2)) {
		tcp_mib_inc(TCPAbortOnTimeout);
		if (tp->state == TCP_SYN_RECV)
			tcp_send_active_reset(tp);
		/* RFC 1122 4.2.3.9: the soft error that came, if any, says why. */
		tcp_reset(tp, tp->sk.sk_err_soft ? tp->sk.sk_err_soft : ETIMEDOUT);
		goto out;
	}
	tcp_mib_inc(TCPTimeouts);
	trace_tcp(TE_TCP_RTO, tp, jiffies_to_msecs(tcp_rto_now(tp)));
	tp->snd_cwnd = 1;
	tp->snd_cwnd_cnt = 0;
	tp->dupacks = 0;
	if (tp->ca_state != TCP_CA_Loss) {
		u32 segs = flight / tcp_mss_for(tp);

		tp->snd_ssthresh = segs / 2 > 2 ? segs / 2 : 2;
		tp->high_seq = tp->snd_nxt;
		tcp_set_ca_state(tp, TCP_CA_Loss);
	}
	/* 3.10 marks them lost and resends from its own loop: docs/linux-3.10.md#tcp-loss */
	tp->send_head = head; /* everything in flight is sent again, oldest first */
	tp->retransmits++;
	tp->backoff++;
	if (!tcp_retransmit_skb(tp, head))
		tp->send_head = skb_queue_is_last(&tp->write_queue, head) ? NULL : head->next;
	tcp_arm_rto(tp);
out:
	tcp_unlock(tp);
	sock_put(tp);
}
