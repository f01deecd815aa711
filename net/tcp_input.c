/*
 * SPDX-License-Identifier: MIT
 * net/tcp_input.c - TCP segments in: RFC 9293 section 3.10.7, "SEGMENT
 * ARRIVES", state by state, with RFC 5961's defences and RFC 5681/6582's
 * congestion control on each ACK.
 *
 *   ip_rcv --> tcp_v4_rcv     header and checksum; the connection by its
 *                             four numbers, else a listener, else a RST
 *          --> tcp_rcv_state_process (the socket locked)
 *                LISTEN       a SYN makes a child in SYN_RECV (SYN-ACK sent)
 *                SYN_SENT     the SYN-ACK: ESTABLISHED (or a SYN: simultaneous open)
 *                otherwise    1 sequence check  2 RST  4 SYN  5 ACK (tcp_ack)
 *                             7 data (tcp_data_queue)  8 FIN
 *
 * The life of one received segment of data, in order: its payload stays in
 * the skb the driver filled (the headers pulled off), which goes on the
 * socket's receive queue, charged to it; rcv_nxt moves past it; an ACK is
 * owed (sent at once for every second full segment, else within 40 ms);
 * kernel_recvmsg copies the bytes out and frees the skb, which opens the
 * window again.  Out of order: it waits on out_of_order_queue, sorted,
 * and a duplicate ACK goes at once (the sender's fast retransmit).
 * 3.10: net/ipv4/tcp_input.c, tcp_ipv4.c.
 */
#include <errno.h>
#include <kernel/perf.h>
#include <kernel/time.h>
#include <net/checksum.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/netdevice.h>
#include <net/skbuff.h>
#include <net/tcp.h>

#include "tcp_internal.h"
#include "udp_internal.h" /* skb_set_owner_r: the receive-buffer charge sockets share */

static int tcp_drop(struct sk_buff *skb, enum skb_drop_reason reason)
{
	skb_drop(skb, reason);
	return 0;
}

/* ---- options ---------------------------------------------------------------------------- */

/* What a SYN's options say (3.10's struct tcp_options_received, the part we use). */
struct tcp_syn_options {
	u16 mss;    /* 0: none */
	int wscale; /* -1: none; else the shift, at most TCP_MAX_WSCALE */
	bool sack_ok;
};

/*
 * The options of a SYN (3.10's tcp_parse_options).  Every option's length is
 * checked before it is read; a malformed one ends the parse (what came
 * before it stands); one of the wrong length is skipped.
 */
static void tcp_parse_syn_options(const struct tcphdr *th, struct tcp_syn_options *o)
{
	const u8 *p = (const u8 *)(th + 1), *end = (const u8 *)th + th->doff * 4;

	o->mss = 0;
	o->wscale = -1;
	o->sack_ok = false;
	while (p < end) {
		u8 kind = p[0], len;

		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			p++;
			continue;
		}
		if (end - p < 2 || (len = p[1]) < 2 || len > end - p)
			break; /* malformed: ignore the rest */
		if (kind == TCPOPT_MSS && len == TCPOLEN_MSS)
			o->mss = (u16)(p[2] << 8 | p[3]);
		else if (kind == TCPOPT_WINDOW && len == TCPOLEN_WINDOW)
			/* RFC 7323 2.3: more than 14 is taken as 14 (3.10 logs it). */
			o->wscale = p[2] > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : p[2];
		else if (kind == TCPOPT_SACK_PERM && len == TCPOLEN_SACK_PERM)
			o->sack_ok = true;
		p += len;
	}
}

/* The shift that lets half of @rcvbuf be offered: the smallest with 65535 << s >= that. */
u8 tcp_choose_wscale(int rcvbuf)
{
	u8 s = 0;

	while (s < TCP_MAX_WSCALE && (65535u << s) < (u32)rcvbuf / 2)
		s++;
	return s;
}

/* The options agreed in a handshake: window scaling only if both SYNs carry it (RFC 7323 2.2). */
static void tcp_set_options(struct tcp_sock *tp, const struct tcp_syn_options *o)
{
	tp->wscale_ok = o->wscale >= 0;
	tp->snd_wscale = tp->wscale_ok ? (u8)o->wscale : 0;
	if (!tp->wscale_ok)
		tp->rcv_wscale = 0;
	tp->sack_ok = o->sack_ok;
}

/* The MSS to send with: what the peer allows, what our route's MTU allows, at least 88. */
static void tcp_sync_mss(struct tcp_sock *tp, const struct tcp_syn_options *o, unsigned int mtu)
{
	u16 peer = o->mss;
	unsigned int mss = mtu - 40;

	tp->rx_mss = peer ? peer : TCP_MSS_DEFAULT;
	if (tp->rx_mss < mss)
		mss = tp->rx_mss;
	tp->mss_cache = (u16)(mss < 88 ? 88 : mss); /* 3.10's tcp_min_snd_mss came later; a floor */
}

/* ---- round trip and congestion -------------------------------------------------------------- */

/* RFC 6298 2.2-2.3 for one RTT sample @m (jiffies, at least 1), 3.10's scaled fixed point. */
static void tcp_rtt_estimator(struct tcp_sock *tp, u32 m)
{
	u32 min = msecs_to_jiffies(TCP_RTO_MIN_MS), max = msecs_to_jiffies(TCP_RTO_MAX_MS);

	if (!m)
		m = 1;
	if (!tp->srtt) {
		tp->srtt = m << 3;   /* SRTT = R */
		tp->rttvar = m << 1; /* RTTVAR = R/2, kept << 2 */
	} else {
		s32 err = (s32)m - (s32)(tp->srtt >> 3);

		tp->srtt += err; /* SRTT += (R - SRTT)/8 */
		tp->rttvar += (u32)((err < 0 ? -err : err) - (s32)(tp->rttvar >> 2)); /* beta 1/4 */
	}
	tp->rto = (tp->srtt >> 3) + tp->rttvar; /* SRTT + 4 * RTTVAR */
	if (tp->rto < min)
		tp->rto = min;
	if (tp->rto > max)
		tp->rto = max;
}

/* @acked segments of new data acknowledged: slow start or avoidance (RFC 5681 3.1). */
static void tcp_cong_avoid(struct tcp_sock *tp, u32 acked)
{
	while (acked--) {
		if (tp->snd_cwnd < tp->snd_ssthresh) {
			tp->snd_cwnd++; /* slow start: one segment per ACKed segment */
		} else if (++tp->snd_cwnd_cnt >= tp->snd_cwnd) {
			tp->snd_cwnd_cnt = 0; /* avoidance: one segment per window */
			tp->snd_cwnd++;
		}
	}
	if (tp->snd_cwnd > 65535)
		tp->snd_cwnd = 65535;
}

/*
 * Free what @ack acknowledges from the write queue (3.10's
 * tcp_clean_rtx_queue): whole segments only.  Returns the segments freed;
 * *@rtt gets an RTT sample from the newest one sent only once (Karn), or
 * stays -1 (0 is a sample: an RTT under a tick).
 */
static u32 tcp_clean_rtx_queue(struct tcp_sock *tp, u32 ack, s32 *rtt)
{
	struct sk_buff *skb;
	u32 freed = 0;

	while ((skb = skb_peek(&tp->write_queue))) {
		const struct tcp_skb_cb *tcb = TCP_SKB_CB(skb);

		if (after(tcb->end_seq, ack) || !tcb->when)
			break; /* not all of it acknowledged, or never sent */
		if (!tcb->retransmitted)
			*rtt = (s32)(jiffies - tcb->when);
		if (skb == tp->send_head)
			tp->send_head = skb_queue_is_last(&tp->write_queue, skb) ? NULL : skb->next;
		__skb_unlink(skb, &tp->write_queue);
		tp->wmem_queued -= (int)skb->truesize;
		consume_skb(skb); /* the original: its fast clone went with the device's free */
		freed++;
	}
	return freed;
}

/*
 * Fast retransmit and recovery, NewReno (RFC 5681 3.2, RFC 6582): the third
 * duplicate ACK resends the oldest segment, halves the window and inflates
 * it by the three segments that left; each further duplicate inflates it by
 * one; a partial ACK resends the next hole; an ACK past high_seq ends it.
 */
static void tcp_fastretrans(struct tcp_sock *tp, bool dup, u32 acked)
{
	struct sk_buff *head = skb_peek(&tp->write_queue);
	u32 flight = tp->snd_nxt - tp->snd_una, mss = tcp_mss_for(tp);

	if (tp->ca_state == TCP_CA_Recovery) {
		if (dup) {
			tp->snd_cwnd++;
		} else if (!before(tp->snd_una, tp->high_seq)) {
			/* Full acknowledgment: deflate (RFC 6582 3.2 step 3). */
			tp->snd_cwnd = tp->snd_ssthresh;
			tp->dupacks = 0;
			tcp_set_ca_state(tp, TCP_CA_Open);
		} else if (head) {
			/* Partial: the next hole, and deflate by what was acked (step 4). */
			tcp_retransmit_skb(tp, head);
			tp->snd_cwnd = tp->snd_cwnd > acked ? tp->snd_cwnd - acked + 1 : 1;
		}
		return;
	}
	if (!dup || ++tp->dupacks < 3 || !head || tp->ca_state == TCP_CA_Loss)
		return;
	tcp_mib_inc(TCPFastRetrans);
	tp->snd_ssthresh = flight / mss / 2 > 2 ? flight / mss / 2 : 2;
	tp->snd_cwnd = tp->snd_ssthresh + 3;
	tp->high_seq = tp->snd_nxt;
	tcp_set_ca_state(tp, TCP_CA_Recovery);
	tcp_retransmit_skb(tp, head);
}

/*
 * tcp_ack - the ACK field of an acceptable segment (RFC 9293 3.10.7.4,
 * fifth): < 0 drop the segment (an ACK of what was never sent: an ACK
 * goes back), else 0.
 */
static int tcp_ack(struct tcp_sock *tp, struct sk_buff *skb)
{
	const struct tcphdr *th = (const struct tcphdr *)skb_transport_header(skb);
	const struct tcp_skb_cb *tcb = TCP_SKB_CB(skb);
	u32 ack = ntohl(th->ack_seq), win = (u32)ntohs(th->window) << tp->snd_wscale;
	u32 acked = 0;
	s32 rtt = -1;
	bool dup;

	if (after(ack, tp->snd_nxt)) {
		tcp_send_ack(tp);
		return -1;
	}
	/* RFC 5961 5.2: older than anything we could have sent in a window: a blind attack. */
	if (before(ack, tp->snd_una - tp->max_window)) {
		tcp_mib_inc(TCPChallengeACK);
		tcp_send_ack(tp);
		return -1;
	}
	dup = ack == tp->snd_una && tcb->end_seq == tcb->seq && win == tp->snd_wnd &&
	      tp->snd_nxt != tp->snd_una;
	if (after(ack, tp->snd_una)) {
		u32 segs = tcp_clean_rtx_queue(tp, ack, &rtt);

		acked = segs ? segs : 1;
		tp->snd_una = ack;
		tp->dupacks = 0;
		tp->backoff = 0;
		tp->retransmits = 0;
		if (rtt >= 0)
			tcp_rtt_estimator(tp, (u32)rtt);
		if (tp->ca_state == TCP_CA_Loss && !before(ack, tp->high_seq))
			tcp_set_ca_state(tp, TCP_CA_Open);
		if (tp->ca_state != TCP_CA_Recovery)
			tcp_cong_avoid(tp, acked);
		/* RFC 6298 5.2/5.3: all acknowledged, the timer stops; else it restarts. */
		if (tp->snd_una == tp->snd_nxt && !tp->send_head)
			tcp_stop_timer(tp, &tp->retransmit_timer);
		else
			tcp_reset_timer(tp, &tp->retransmit_timer, jiffies + tcp_rto_now(tp));
		tcp_wake(tp); /* room in the send buffer */
	}
	/* The window, from the newest segment only (RFC 9293: SND.WL1/WL2). */
	if (before(tp->snd_wl1, tcb->seq) ||
	    (tp->snd_wl1 == tcb->seq && !after(tp->snd_wl2, ack))) {
		tp->snd_wnd = win;
		tp->snd_wl1 = tcb->seq;
		tp->snd_wl2 = ack;
		if (win > tp->max_window)
			tp->max_window = win;
	}
	if (dup || tp->ca_state == TCP_CA_Recovery)
		tcp_fastretrans(tp, dup, acked);
	return 0;
}

/* ---- data in -------------------------------------------------------------------------------- */

/* Owe an ACK: at once after every second full segment, a hole, or quick-ack mode; else later. */
static void tcp_ack_snd_check(struct tcp_sock *tp, bool now)
{
	/* 3.10's __tcp_ack_snd_check: more than one full-sized segment unacknowledged. */
	if (now || tp->quick_acks || tp->rcv_nxt - tp->rcv_wup > tp->rcv_mss ||
	    !skb_queue_empty(&tp->out_of_order_queue))
		tcp_send_ack(tp);
	else
		tcp_send_delayed_ack(tp);
}

/* The FIN is in sequence (RFC 9293 3.10.7.4, eighth). */
static void tcp_fin(struct tcp_sock *tp)
{
	tp->rcv_nxt++;
	tp->fin_rcvd = 1;
	switch (tp->state) {
	case TCP_SYN_RECV:
	case TCP_ESTABLISHED:
		tcp_set_state(tp, TCP_CLOSE_WAIT);
		break;
	case TCP_FIN_WAIT1:
		/* Our FIN not acknowledged yet: both closing at once. */
		tcp_set_state(tp, TCP_CLOSING);
		break;
	case TCP_FIN_WAIT2:
		tcp_time_wait(tp);
		break;
	default:
		break;
	}
	tcp_wake(tp);
}

/* Queue @skb (payload at data, in sequence) for the reader; rcv_nxt moves on. */
static void tcp_queue_rcv(struct tcp_sock *tp, struct sk_buff *skb)
{
	const struct tcp_skb_cb *tcb = TCP_SKB_CB(skb);
	bool fin = tcb->tcp_flags & TCPHDR_FIN;

	tp->rcv_nxt = tcb->end_seq - fin;
	if (skb->len && !(tp->shutdown & RCV_SHUTDOWN)) {
		skb_set_owner_r(skb, &tp->sk);
		__skb_queue_tail(&tp->sk.sk_receive_queue, skb);
	} else {
		consume_skb(skb);
	}
	if (fin)
		tcp_fin(tp);
}

/*
 * Is the receive buffer over its limit (3.10's tcp_try_rmem_schedule)?  The
 * window is half the free room, but a peer sending tiny segments fills it
 * with skbs of many times their bytes: without this a slow reader's
 * connection could hold any amount of memory.  A segment in order may
 * first take what the out-of-order queue holds (3.10's
 * tcp_prune_ofo_queue: it can be sent again), or a full out-of-order queue
 * would keep its hole from ever being filled.
 */
/* 3.10 collapses the queue into compact skbs first: docs/linux-3.10.md#tcp-rcvbuf */
static bool tcp_rmem_full(struct tcp_sock *tp, const struct sk_buff *skb)
{
	struct sk_buff *ofo;

	if (!skb->len ||
	    __atomic_load_n(&tp->sk.sk_rmem_alloc, __ATOMIC_RELAXED) <= READ_ONCE(tp->sk.sk_rcvbuf))
		return false;
	if (TCP_SKB_CB(skb)->seq == tp->rcv_nxt)
		while ((ofo = __skb_dequeue(&tp->out_of_order_queue)))
			skb_drop(ofo, SKB_DROP_REASON_SOCKET_RCVBUFF);
	return __atomic_load_n(&tp->sk.sk_rmem_alloc, __ATOMIC_RELAXED) >
	       READ_ONCE(tp->sk.sk_rcvbuf);
}

/*
 * tcp_data_queue - the text of an acceptable segment, already trimmed to the
 * window (RFC 9293 3.10.7.4, seventh and eighth).  Consumes @skb.
 */
static void tcp_data_queue(struct tcp_sock *tp, struct sk_buff *skb)
{
	struct tcp_skb_cb *tcb = TCP_SKB_CB(skb);
	struct sk_buff *ofo, *prev;

	if (tcb->end_seq == tcb->seq) {
		consume_skb(skb); /* nothing to queue */
		return;
	}
	if (tcp_rmem_full(tp, skb)) {
		skb_drop(skb, SKB_DROP_REASON_SOCKET_RCVBUFF); /* the peer sends it again */
		return;
	}
	if (skb->len > tp->rcv_mss)
		tp->rcv_mss = (u16)(skb->len < tp->mss_cache ? skb->len : tp->mss_cache);
	if (tcb->seq == tp->rcv_nxt) {
		tcp_queue_rcv(tp, skb);
		/* What waited behind the hole may follow now. */
		while ((ofo = skb_peek(&tp->out_of_order_queue)) &&
		       !after(TCP_SKB_CB(ofo)->seq, tp->rcv_nxt)) {
			__skb_unlink(ofo, &tp->out_of_order_queue);
			if (!after(TCP_SKB_CB(ofo)->end_seq, tp->rcv_nxt)) {
				consume_skb(ofo); /* all of it came already */
				continue;
			}
			__skb_pull(ofo, tp->rcv_nxt - TCP_SKB_CB(ofo)->seq);
			TCP_SKB_CB(ofo)->seq = tp->rcv_nxt;
			tcp_queue_rcv(tp, ofo);
		}
		tcp_ack_snd_check(tp, tp->fin_rcvd);
		tcp_wake(tp);
		return;
	}
	/* Past a hole: keep it, sorted by seq, and say at once what we still miss. */
	tcp_mib_inc(TCPOFOQueue);
	tp->quick_acks = 2;
	prev = NULL;
	skb_queue_walk(&tp->out_of_order_queue, ofo) {
		if (!before(TCP_SKB_CB(ofo)->seq, tcb->seq))
			break;
		prev = ofo;
	}
	if ((prev && !after(tcb->end_seq, TCP_SKB_CB(prev)->end_seq)) ||
	    (ofo != (struct sk_buff *)&tp->out_of_order_queue && TCP_SKB_CB(ofo)->seq == tcb->seq &&
	     !after(tcb->end_seq, TCP_SKB_CB(ofo)->end_seq))) {
		skb_drop(skb, SKB_DROP_REASON_TCP_OFOMERGE); /* held already */
	} else {
		skb_set_owner_r(skb, &tp->sk);
		__skb_insert(skb, prev ? prev : (struct sk_buff *)&tp->out_of_order_queue,
			     prev ? prev->next : tp->out_of_order_queue.next,
			     &tp->out_of_order_queue);
	}
	tcp_send_ack(tp);
}

/* ---- states --------------------------------------------------------------------------------- */

/*
 * RFC 9293's acceptability test (3.10.7.4, first): does any of the segment
 * fall in the receive window?  A zero window takes only segments at rcv_nxt
 * without data.
 */
static bool tcp_sequence_ok(const struct tcp_sock *tp, u32 seq, u32 end_seq)
{
	u32 wnd = tp->rcv_wup + tp->rcv_wnd - tp->rcv_nxt;

	if ((s32)wnd < 0)
		wnd = 0;
	/*
	 * 3.10's tcp_sequence, a little wider than RFC 9293's table: it ends no
	 * earlier than the last window we announced began, and starts no later
	 * than the window's end (a FIN or an ACK at the edge of a zero window
	 * passes).  What lies outside is trimmed off before it is queued.
	 */
	return !before(end_seq, tp->rcv_wup) && !after(seq, tp->rcv_nxt + wnd);
}

/* Cut what lies before rcv_nxt or past the window off @skb (payload at data). */
static void tcp_trim_to_window(struct tcp_sock *tp, struct sk_buff *skb)
{
	struct tcp_skb_cb *tcb = TCP_SKB_CB(skb);
	u32 edge = tp->rcv_nxt + (tp->rcv_wup + tp->rcv_wnd - tp->rcv_nxt);

	if (before(tcb->seq, tp->rcv_nxt)) {
		u32 cut = tp->rcv_nxt - tcb->seq;

		if (tcb->tcp_flags & TCPHDR_SYN) {
			cut--; /* the SYN's number is not a byte */
			tcb->tcp_flags &= (u8)~TCPHDR_SYN;
		}
		__skb_pull(skb, cut < skb->len ? cut : skb->len);
		tcb->seq = tp->rcv_nxt;
	}
	if (after(tcb->seq + skb->len, edge)) {
		pskb_trim(skb, edge - tcb->seq);
		tcb->tcp_flags &= (u8)~TCPHDR_FIN; /* the FIN lies beyond: not received */
	}
	tcb->end_seq = tcb->seq + skb->len + !!(tcb->tcp_flags & TCPHDR_FIN);
}

/* A SYN answered our SYN (SYN_SENT, RFC 9293 3.10.7.3). */
static int tcp_rcv_synsent(struct tcp_sock *tp, struct sk_buff *skb)
{
	const struct tcphdr *th = (const struct tcphdr *)skb_transport_header(skb);
	struct tcp_skb_cb *tcb = TCP_SKB_CB(skb);
	u32 ack = ntohl(th->ack_seq);
	struct tcp_syn_options opts;
	s32 rtt = -1;

	if (th->ack && (!after(ack, tp->iss) || after(ack, tp->snd_nxt))) {
		tcp_v4_send_reset(skb); /* not an answer to our SYN */
		return tcp_drop(skb, SKB_DROP_REASON_TCP_ACK_UNSENT_DATA);
	}
	if (th->rst) {
		if (th->ack)
			tcp_reset(tp, ECONNREFUSED);
		return tcp_drop(skb, SKB_DROP_REASON_TCP_RESET);
	}
	if (!th->syn)
		return tcp_drop(skb, SKB_DROP_REASON_TCP_FLAGS);
	tp->irs = tcb->seq;
	tp->rcv_nxt = tcb->seq + 1;
	tp->copied_seq = tp->rcv_nxt;
	tp->rcv_wup = tp->rcv_nxt;
	tcp_parse_syn_options(th, &opts);
	tcp_set_options(tp, &opts);	 /* our SYN offered a window scale */
	tp->snd_wnd = ntohs(th->window); /* a SYN's window is never scaled */
	tp->max_window = tp->snd_wnd;
	tp->snd_wl1 = tcb->seq;
	tcp_sync_mss(tp, &opts, tp->advmss + 40u);
	if (th->ack) {
		tcp_clean_rtx_queue(tp, ack, &rtt);
		tp->snd_una = ack;
		tp->snd_wl2 = ack;
		tp->retransmits = 0;
		tp->backoff = 0;
		if (rtt >= 0)
			tcp_rtt_estimator(tp, (u32)rtt);
		tcp_stop_timer(tp, &tp->retransmit_timer);
		tcp_set_state(tp, TCP_ESTABLISHED);
		tcp_arm_keepalive(tp);
		tp->quick_acks = 2;
		tcp_send_ack(tp);
		tcp_push(tp); /* data queued before the handshake */
		tcp_wake(tp);
	} else {
		/* Simultaneous open (RFC 9293 figure 7): our SYN becomes a SYN-ACK. */
		struct sk_buff *syn = skb_peek(&tp->write_queue);

		tcp_set_state(tp, TCP_SYN_RECV);
		if (syn) {
			TCP_SKB_CB(syn)->tcp_flags |= TCPHDR_ACK;
			tcp_retransmit_skb(tp, syn);
		}
	}
	consume_skb(skb);
	return 0;
}

/* A new child of @tp for the connection @skb (a SYN, or a cookie's ACK) belongs to; locked. */
static struct tcp_sock *tcp_new_child(struct tcp_sock *tp, struct sk_buff *skb)
{
	const struct tcphdr *th = (const struct tcphdr *)skb_transport_header(skb);
	const struct iphdr *iph = (const struct iphdr *)skb_network_header(skb);
	struct tcp_sock *child = tcp_sock_alloc(GFP_ATOMIC);

	if (!child)
		return NULL;
	/* Not on the table yet: nobody else can take its lock. */
	spin_lock_nested(&child->sk.sk_lock.slock, SINGLE_DEPTH_NESTING);
	child->sk.inet_num = tp->sk.inet_num;
	child->sk.inet_rcv_saddr = iph->daddr;
	child->inet_daddr = iph->saddr;
	child->inet_dport = ntohs(th->source);
	child->sk.sk_rcvbuf = tp->sk.sk_rcvbuf;
	child->sndbuf = tp->sndbuf;
	child->advmss = (u16)((skb->dev ? skb->dev->mtu : 1500) - 40);
	/* Accepted sockets inherit SO_KEEPALIVE and its times (3.10's sock_copy of the flags). */
	child->keepalive = tp->keepalive;
	child->keepalive_time_ms = tp->keepalive_time_ms;
	child->keepalive_intvl_ms = tp->keepalive_intvl_ms;
	child->keepalive_probes = tp->keepalive_probes;
	child->parent = tp;
	sock_hold(tp);
	return child;
}

/*
 * The ACK that completes a handshake we answered with a SYN cookie: if
 * ack_seq - 1 is a cookie of ours for this four-tuple, the connection is
 * made now, ESTABLISHED, onto the accept queue (3.10's cookie_v4_check).
 * Otherwise it is an ACK nobody expects: RST.
 */
static int tcp_cookie_ack(struct tcp_sock *tp, struct sk_buff *skb)
{
	const struct tcphdr *th = (const struct tcphdr *)skb_transport_header(skb);
	const struct iphdr *iph = (const struct iphdr *)skb_network_header(skb);
	struct tcp_skb_cb *tcb = TCP_SKB_CB(skb);
	u32 ack = ntohl(th->ack_seq);
	struct tcp_sock *child;
	u16 mss;

	mss = tcp_cookie_check(iph->saddr, iph->daddr, ntohs(th->source), ntohs(th->dest),
			       tcb->seq - 1, ack - 1);
	if (!mss || tp->accept_queued >= tp->backlog) {
		if (!mss)
			tcp_mib_inc(SyncookiesFailed);
		tcp_v4_send_reset(skb);
		return tcp_drop(skb, SKB_DROP_REASON_TCP_FLAGS);
	}
	child = tcp_new_child(tp, skb);
	if (!child) {
		tcp_mib_inc(ListenDrops);
		return tcp_drop(skb, SKB_DROP_REASON_NOMEM);
	}
	tcp_mib_inc(SyncookiesRecv);
	child->irs = tcb->seq - 1;
	child->rcv_nxt = tcb->seq;
	child->copied_seq = child->rcv_nxt;
	child->rcv_wup = child->rcv_nxt;
	child->rcv_wnd = 65535; /* what the cookie's SYN-ACK offered */
	child->iss = ack - 1;
	child->snd_una = child->snd_nxt = child->write_seq = ack;
	child->snd_wnd = ntohs(th->window); /* no window scale: the cookie could not say it */
	child->max_window = child->snd_wnd;
	child->snd_wl1 = tcb->seq;
	child->snd_wl2 = ack;
	child->mss_cache = mss < child->advmss ? mss : child->advmss;
	tcp_set_state(child, TCP_ESTABLISHED);
	tcp_arm_keepalive(child);
	tcp_mib_inc(PassiveOpens);
	tcp_hash(child);
	/* Onto the accept queue at once: we hold the listener. */
	tp->accept_queued++;
	list_add_tail(&child->child_node, &tp->accept_queue);
	sock_hold(child);
	tcp_wake(tp);
	/* What the ACK carried is the connection's first data. */
	tcp_trim_to_window(child, skb);
	tcp_data_queue(child, skb);
	spin_unlock(&child->sk.sk_lock.slock);
	sock_put(child); /* the table and the accept queue hold it */
	return 0;
}

/*
 * A segment for a listener (RFC 9293 3.10.7.2).  A SYN makes a child:
 * a connection of its own in SYN_RECV, on the table, which answers
 * SYN-ACK.  The listener counts it against its backlog until accepted.
 * 3.10 keeps a small request_sock until the handshake ends:
 * docs/linux-3.10.md#tcp-child.
 */
static int tcp_rcv_listen(struct tcp_sock *tp, struct sk_buff *skb)
{
	const struct tcphdr *th = (const struct tcphdr *)skb_transport_header(skb);
	const struct iphdr *iph = (const struct iphdr *)skb_network_header(skb);
	struct tcp_skb_cb *tcb = TCP_SKB_CB(skb);
	struct tcp_syn_options opts;
	struct tcp_sock *child;

	if (th->rst)
		return tcp_drop(skb, SKB_DROP_REASON_TCP_RESET);
	if (th->ack && !th->syn && READ_ONCE(tcp_syncookies))
		return tcp_cookie_ack(tp, skb);
	if (th->ack) {
		tcp_v4_send_reset(skb);
		return tcp_drop(skb, SKB_DROP_REASON_TCP_FLAGS);
	}
	if (!th->syn)
		return tcp_drop(skb, SKB_DROP_REASON_TCP_FLAGS);
	if (__atomic_load_n(&tp->syn_queued, __ATOMIC_RELAXED) + tp->accept_queued >= tp->backlog) {
		/* The handshakes fill the backlog (a SYN flood?): answer, but keep nothing. */
		if (READ_ONCE(tcp_syncookies) && tp->accept_queued < tp->backlog) {
			u16 mss = (u16)((skb->dev ? skb->dev->mtu : 1500) - 40);
			struct tcp_syn_options o;
			u32 isn;

			tcp_parse_syn_options(th, &o);
			if (!o.mss)
				o.mss = TCP_MSS_DEFAULT; /* RFC 9293 3.7.1: none said, 536 */
			if (o.mss < mss)
				mss = o.mss;
			isn = tcp_cookie_make(iph->saddr, iph->daddr, ntohs(th->source),
					      ntohs(th->dest), tcb->seq, &mss);
			tcp_v4_send_synack_cookie(skb, isn, mss);
			tcp_mib_inc(SyncookiesSent);
			consume_skb(skb);
			return 0;
		}
		tcp_mib_inc(ListenOverflows);
		tcp_mib_inc(ListenDrops);
		return tcp_drop(skb, SKB_DROP_REASON_TCP_LISTEN_OVERFLOW);
	}
	child = tcp_new_child(tp, skb);
	if (!child) {
		tcp_mib_inc(ListenDrops);
		return tcp_drop(skb, SKB_DROP_REASON_NOMEM);
	}
	child->irs = tcb->seq;
	child->rcv_nxt = tcb->seq + 1;
	child->copied_seq = child->rcv_nxt;
	child->rcv_wup = child->rcv_nxt;
	child->snd_wnd = ntohs(th->window);
	child->max_window = child->snd_wnd;
	child->snd_wl1 = tcb->seq;
	/* A SYN that ended a TIME_WAIT brings its ISN (tcp_tw_syn). */
	child->iss = tcb->when ? (u32)tcb->when
			       : tcp_v4_init_sequence(iph->daddr, iph->saddr, child->sk.inet_num,
						      child->inet_dport);
	tcp_parse_syn_options(th, &opts);
	child->rcv_wscale = tcp_choose_wscale(child->sk.sk_rcvbuf);
	tcp_set_options(child, &opts); /* the SYN-ACK carries one if the SYN did */
	tcp_sync_mss(child, &opts, child->advmss + 40u);
	child->in_syn_queue = 1;
	__atomic_add_fetch(&tp->syn_queued, 1, __ATOMIC_RELAXED);
	child->state = TCP_SYN_RECV;
	trace_tcp_skb(TE_TCP_RCV, child, skb, 0); /* the SYN, as the connection's first segment */
	tcp_hash(child);
	tcp_send_synack(child);
	spin_unlock(&child->sk.sk_lock.slock);
	sock_put(child); /* the table holds it now */
	consume_skb(skb);
	return 0;
}

/* A challenge ACK (RFC 5961 3.2, 4.2): a segment that may be forged gets our real numbers. */
static int tcp_challenge_ack(struct tcp_sock *tp, struct sk_buff *skb, enum skb_drop_reason why)
{
	tcp_mib_inc(TCPChallengeACK);
	tcp_send_ack(tp);
	return tcp_drop(skb, why);
}

/*
 * tcp_rcv_state_process - one segment for @tp, locked (skb->data at the TCP
 * header; tcp_skb_cb filled).  Consumes @skb.  Returns 1 when @tp (a child)
 * has just completed its handshake: the caller puts it on the listener's
 * accept queue once the lock is dropped (tcp_child_ready).
 */
int tcp_rcv_state_process(struct tcp_sock *tp, struct sk_buff *skb)
{
	const struct tcphdr *th = (const struct tcphdr *)skb->data;
	struct tcp_skb_cb *tcb = TCP_SKB_CB(skb);
	int ready = 0;

	__skb_pull(skb, th->doff * 4u);
	switch (tp->state) {
	case TCP_CLOSE:
		tcp_v4_send_reset(skb);
		return tcp_drop(skb, SKB_DROP_REASON_TCP_CLOSE);
	case TCP_LISTEN:
		return tcp_rcv_listen(tp, skb);
	case TCP_SYN_SENT:
		return tcp_rcv_synsent(tp, skb);
	}

	/* First: the sequence number. */
	if (!tcp_sequence_ok(tp, tcb->seq, tcb->end_seq)) {
		if (!th->rst)
			tcp_send_ack(tp); /* RFC 9293: an ACK for an unacceptable segment */
		return tcp_drop(skb, SKB_DROP_REASON_TCP_INVALID_SEQUENCE);
	}
	/* Second: RST.  RFC 5961 3.2: only exactly at rcv_nxt; elsewhere, a challenge. */
	if (th->rst) {
		if (tcb->seq != tp->rcv_nxt)
			return tcp_challenge_ack(tp, skb, SKB_DROP_REASON_TCP_RESET);
		tcp_reset(tp, tp->state == TCP_SYN_RECV	    ? ECONNREFUSED
			      : tp->state == TCP_CLOSE_WAIT ? EPIPE
							    : ECONNRESET);
		return tcp_drop(skb, SKB_DROP_REASON_TCP_RESET);
	}
	/* Fourth: a SYN in a synchronized state.  RFC 5961 4.2: challenge, never reset. */
	/*
	 * Simultaneous open: the peer's SYN-ACK.  Its SYN lies before rcv_nxt, so
	 * not in the window (3.10's step 4): its ACK completes the handshake
	 * below, and the old SYN is ACKed as any segment had already.
	 */
	if (th->syn && !(tp->state == TCP_SYN_RECV && tcb->seq == tp->irs && th->ack)) {
		if (tp->state == TCP_SYN_RECV && tcb->seq == tp->irs) {
			/* Our SYN-ACK was lost: the peer's SYN again. */
			struct sk_buff *synack = skb_peek(&tp->write_queue);

			if (synack)
				tcp_retransmit_skb(tp, synack);
			return tcp_drop(skb, SKB_DROP_REASON_TCP_INVALID_SYN);
		}
		return tcp_challenge_ack(tp, skb, SKB_DROP_REASON_TCP_INVALID_SYN);
	}
	/* Fifth: the ACK field. */
	if (!th->ack)
		return tcp_drop(skb, SKB_DROP_REASON_TCP_FLAGS);
	if (tp->state == TCP_SYN_RECV) {
		u32 ack = ntohl(th->ack_seq);

		if (!after(ack, tp->snd_una) || after(ack, tp->snd_nxt)) {
			tcp_v4_send_reset(skb);
			return tcp_drop(skb, SKB_DROP_REASON_TCP_ACK_UNSENT_DATA);
		}
		tcp_set_state(tp, TCP_ESTABLISHED);
		tcp_arm_keepalive(tp);
		tcp_mib_inc(PassiveOpens);
		tp->quick_acks = 2;
		ready = tp->parent != NULL;
	}
	if (tcp_ack(tp, skb) < 0)
		return tcp_drop(skb, SKB_DROP_REASON_TCP_ACK_UNSENT_DATA) + ready;
	/* Our FIN acknowledged? */
	if (tp->snd_una == tp->write_seq && (tp->shutdown & SEND_SHUTDOWN)) {
		switch (tp->state) {
		case TCP_FIN_WAIT1:
			tcp_set_state(tp, TCP_FIN_WAIT2);
			/* An orphan waits for the peer's FIN at most tcp_fin_timeout (60 s). */
			if (sock_flag(&tp->sk, SOCK_DEAD))
				tcp_reset_timer(tp, &tp->timewait_timer,
						jiffies + msecs_to_jiffies(
								  READ_ONCE(tcp_timewait_ms)));
			tcp_wake(tp);
			break;
		case TCP_CLOSING:
			tcp_time_wait(tp);
			break;
		case TCP_LAST_ACK:
			tcp_done(tp);
			consume_skb(skb);
			return ready;
		}
	}
	if (tp->state == TCP_TIME_WAIT) {
		/* A retransmitted FIN: ACK it again, and TIME_WAIT starts over (RFC 9293). */
		if (tcb->tcp_flags & TCPHDR_FIN) {
			tcp_send_ack(tp);
			tcp_reset_timer(tp, &tp->timewait_timer,
					jiffies + msecs_to_jiffies(READ_ONCE(tcp_timewait_ms)));
		}
		consume_skb(skb);
		return ready;
	}
	/* Seventh and eighth: the text and the FIN, where the state still receives. */
	if (tp->state == TCP_ESTABLISHED || tp->state == TCP_FIN_WAIT1 ||
	    tp->state == TCP_FIN_WAIT2 || tp->state == TCP_SYN_RECV) {
		if (tcb->end_seq != tcb->seq && (tp->shutdown & RCV_SHUTDOWN) &&
		    sock_flag(&tp->sk, SOCK_DEAD) && skb->len) {
			/* Data for a closed socket: nobody will read it (3.10's TCPAbortOnData). */
			tcp_mib_inc(TCPAbortOnData);
			tcp_send_active_reset(tp);
			tcp_done(tp);
			return tcp_drop(skb, SKB_DROP_REASON_TCP_CLOSE) + ready;
		}
		if (tcb->end_seq != tcb->seq && !after(tcb->end_seq, tp->rcv_nxt)) {
			/* All of it came before (a retransmission): say so at once (3.10). */
			tcp_send_ack(tp);
			consume_skb(skb);
			tcp_push(tp);
			return ready;
		}
		if (skb->len && !before(tcb->seq, tp->rcv_wup + tp->rcv_wnd)) {
			/*
			 * All of it past the window (data probing a zero window): an
			 * ACK at once says where we are, or the sender would wait in
			 * silence until it gives up (3.10's tcp_data_queue, out_of_window).
			 */
			tcp_send_ack(tp);
			tcp_push(tp);
			return tcp_drop(skb, SKB_DROP_REASON_TCP_INVALID_SEQUENCE) + ready;
		}
		tcp_trim_to_window(tp, skb);
		tcp_data_queue(tp, skb);
	} else {
		/* CLOSE_WAIT, CLOSING, LAST_ACK: the peer sent its FIN; later text is ignored. */
		consume_skb(skb);
	}
	tcp_push(tp); /* the ACK may have opened the window */
	return ready;
}

/* ---- ICMP errors ---------------------------------------------------------------------------- */

/*
 * tcp_v4_err - an ICMP error quoting a segment of ours (@skb->data at the
 * quoted IP header, its 8 bytes of TCP there: ports and seq).  3.10's
 * tcp_v4_err, RFC 1122 4.2.3.9 and RFC 5927: a quote whose seq is not in
 * flight is ignored (blind ICMP attacks); during the handshake a hard error
 * (port or protocol unreachable...) ends the attempt; otherwise the error
 * is kept as soft, and reported if the connection later times out.
 * FRAG_NEEDED changes nothing: we send with DF clear (our IP fragments).
 */
void tcp_v4_err(struct sk_buff *skb, u32 info)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	const struct tcphdr *th = (const struct tcphdr *)(skb->data + iph->ihl * 4);
	const struct icmphdr *icmph = (const struct icmphdr *)skb_transport_header(skb);
	struct tcp_sock *tp;
	int err = EHOSTUNREACH;
	bool hard = false;
	u32 seq;

	(void)info;
	if (icmph->type == ICMP_DEST_UNREACH) {
		if (icmph->code == ICMP_FRAG_NEEDED)
			return;
		if (icmph->code <= NR_ICMP_UNREACH) {
			err = icmp_err_convert[icmph->code].err;
			hard = icmp_err_convert[icmph->code].fatal;
		}
	} else if (icmph->type == ICMP_PARAMETERPROB) {
		err = EPROTO;
		hard = true;
	} else if (icmph->type != ICMP_TIME_EXCEEDED) {
		return;
	}
	tp = tcp_lookup(iph->daddr, ntohs(th->dest), iph->saddr, ntohs(th->source));
	if (!tp)
		return;
	seq = ntohl(th->seq);
	tcp_lock(tp);
	if (tp->state == TCP_LISTEN || tp->state == TCP_CLOSE || before(seq, tp->snd_una) ||
	    !before(seq, tp->snd_nxt)) {
		tcp_mib_inc(OutOfWindowIcmps);
	} else if (hard && (tp->state == TCP_SYN_SENT || tp->state == TCP_SYN_RECV)) {
		tcp_reset(tp, err);
	} else {
		tp->sk.sk_err_soft = err;
	}
	tcp_unlock(tp);
	sock_put(tp);
}

/* ---- from IP ------------------------------------------------------------------------------- */

/*
 * A new SYN for a connection in TIME_WAIT, past all it received (3.10's
 * tcp_timewait_state_process, TCP_TW_SYN; RFC 9293 3.6.1 allows it): the
 * old connection ends now, and the listener answers with an ISN past all
 * it sent, so no old duplicate fits the new window.  The ISN goes in
 * tcp_skb_cb's when, as 3.10 carries it.  True if so (@tp locked).
 */
static bool tcp_tw_syn(struct tcp_sock *tp, struct sk_buff *skb)
{
	struct tcp_skb_cb *tcb = TCP_SKB_CB(skb);
	u32 isn = tp->snd_nxt + 65535 + 2;

	if (tp->state != TCP_TIME_WAIT || tcb->when ||
	    (tcb->tcp_flags & (TCPHDR_SYN | TCPHDR_ACK | TCPHDR_RST)) != TCPHDR_SYN ||
	    !after(tcb->seq, tp->rcv_nxt))
		return false;
	tcp_done(tp);
	tcb->when = isn ? isn : 1; /* 0 says "none" */
	return true;
}

DEFINE_PERF_LAYER(perf_tcp_input, "tcp input");

/*
 * tcp_v4_rcv - see include/net/tcp.h.  The header checks (length, data
 * offset, checksum with the pseudo-header), then the connection.
 */

int tcp_v4_rcv(struct sk_buff *skb)
{
	PERF_SCOPE(&perf_tcp_input);
	const struct iphdr *iph = (const struct iphdr *)skb_network_header(skb);
	const struct tcphdr *th = (const struct tcphdr *)skb->data;
	struct tcp_skb_cb *tcb = TCP_SKB_CB(skb);
	struct tcp_sock *tp;
	int ready;

	tcp_mib_inc(InSegs);
	if (skb->len < sizeof(*th) || th->doff < 5 || th->doff * 4u > skb->len) {
		tcp_mib_inc(InErrs);
		return tcp_drop(skb, SKB_DROP_REASON_TCP_TRUNCATED);
	}
	if (csum_tcpudp_magic(iph->saddr, iph->daddr, skb->len, IPPROTO_TCP,
			      csum_partial(th, (int)skb->len, 0))) {
		tcp_mib_inc(InErrs);
		tcp_mib_inc(InCsumErrors);
		return tcp_drop(skb, SKB_DROP_REASON_TCP_CSUM);
	}
	/* RFC 1122 4.2.3.10: never a connection with a broadcast or multicast address. */
	if (skb->pkt_type != PACKET_HOST || ipv4_is_multicast(iph->daddr) ||
	    ipv4_is_lbcast(iph->daddr))
		return tcp_drop(skb, SKB_DROP_REASON_TCP_FLAGS);
	skb_reset_transport_header(skb);
	tcb->seq = ntohl(th->seq);
	tcb->end_seq = tcb->seq + th->syn + th->fin + skb->len - th->doff * 4u;
	tcb->tcp_flags = tcp_flag_byte(th);
	tcb->when = 0; /* received: or the ISN a listener is to use (below) */
	tcb->retransmitted = 0;

lookup:
	tp = tcp_lookup(iph->saddr, ntohs(th->source), iph->daddr, ntohs(th->dest));
	if (!tp) {
		tcp_v4_send_reset(skb);
		return tcp_drop(skb, SKB_DROP_REASON_NO_SOCKET);
	}
	if (sk_filter(&tp->sk, skb)) {
		sock_put(tp);
		return tcp_drop(skb, SKB_DROP_REASON_PFMEMALLOC);
	}
	tcp_lock(tp);
	trace_tcp_skb(TE_TCP_RCV, tp, skb, 0);
	if (tcp_tw_syn(tp, skb)) {
		/* The old connection is gone: the listener, if any, takes the SYN. */
		tcp_unlock(tp);
		sock_put(tp);
		goto lookup;
	}
	tp->rcv_tstamp = jiffies;
	tp->probes_out = 0;
	ready = tcp_rcv_state_process(tp, skb);
	tcp_unlock(tp);
	if (ready)
		tcp_child_ready(tp);
	sock_put(tp);
	return 0;
}
