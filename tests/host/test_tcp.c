/*
 * SPDX-License-Identifier: MIT
 * tests/host/test_tcp.c - TCP's state machine on the host under
 * ASan/UBSan, segment by segment, in the spirit of packetdrill: each case
 * is a script (tcp_script.h) that injects the peer's segments on the test
 * NIC and writes out every segment the stack must send back, with the
 * clock moved by hand ("+200": 200 ms pass, the timers due run).  A few
 * checks in C between the lines look at what a script cannot see: the
 * congestion window, the RTO, the counters.
 *
 * Numbers are relative: "< . 1:1001(1000) ack 1" is the peer's first 1000
 * bytes, acknowledging our SYN; "> . 1:1(0) ack 1001" our ACK of them.
 * Our MSS option says 1460 (the NIC's MTU - 40); the peer's says 1000, so
 * our segments carry 1000 bytes.  Every case ends with every connection
 * gone and the fake slab back at its baseline (tcps_end).
 */
#include <errno.h>

#include "htest.h"
#include "tcp_script.h"

/* The peer connects to our listener; we accept.  Our window: 43690 bytes free, whole MSSes. */
static const char *const passive_handshake[] = {
	"listen 8080",
	"< S 0:0(0) win 65535 <mss 1000>",
	"> S. 0:0(0) ack 1 win 65000 <mss 1460>",
	"< . 1:1(0) ack 1 win 65535",
	"accept",
	NULL,
};

/* A case on an established connection: the peer on port @peer_port. */
static bool established(u16 peer_port)
{
	tcps_begin(peer_port);
	return tcps_run(passive_handshake);
}

/* ---- opening ---------------------------------------------------------------------------- */

/* RFC 9293 3.5: LISTEN -> SYN_RECV -> ESTABLISHED; the SYN-ACK carries our MSS. */
HTEST(passive_open)
{
	static const char *const script[] = {
		"listen 8080",
		"accept = -EAGAIN",
		"< S 0:0(0) win 65535 <mss 1000>",
		"> S. 0:0(0) ack 1 win 65000 <mss 1460>",
		"state SYN_RECV",
		"accept = -EAGAIN", /* not before the handshake completes */
		"< . 1:1(0) ack 1 win 65535",
		"state ESTABLISHED",
		"> none", /* nothing to say: the ACK completed it */
		"accept",
		NULL,
	};
	unsigned long opens = tcp_mib.PassiveOpens;

	tcps_begin(40001);
	CHECK(tcps_run(script));
	CHECK(tcp_mib.PassiveOpens == opens + 1);
	CHECK(tcps.tp && tcps.tp->mss_cache == 1000); /* the peer's MSS, below our 1460 */
	CHECK(tcps_end());
}

/*
 * Our SYN (offering window scaling), its SYN-ACK (not taking it), our ACK;
 * the SYN retransmitted once meanwhile (1 s, RFC 6298 2.1).  The SYN's
 * window is never scaled (RFC 7323 2.2): 65535 is all the peer was told,
 * and all the ACK may stand by, though the buffer has room for more.
 */
HTEST(active_open)
{
	static const char *const script[] = {
		"connect",
		"> S 0:0(0) win 65535 <mss 1460,nop,wscale 2>",
		"state SYN_SENT",
		"+999",
		"> none",
		"+1",
		"> S 0:0(0) win 65535 <mss 1460,nop,wscale 2>", /* the initial RTO: 1 s */
		"< S. 0:0(0) ack 1 win 65535 <mss 1000>",
		"> . 1:1(0) ack 1 win 65535", /* what our SYN said: a window never shrinks */
		"state ESTABLISHED",
		"send 1000",
		"> . 1:1001(1000) ack 1",
		"< . 1:1(0) ack 1001 win 65535",
		"> none",
		NULL,
	};
	unsigned long opens = tcp_mib.ActiveOpens;

	tcps_begin(40002);
	CHECK(tcps_run(script));
	CHECK(tcp_mib.ActiveOpens == opens + 1);
	CHECK(tcps_end());
}

/*
 * Both offer window scaling (RFC 7323): the SYN-ACK answers with our
 * shift, 2 for a 256 KiB buffer; every later window is the field << 2.
 */
HTEST(window_scale_when_both_offer_it)
{
	static const char *const script[] = {
		"listen 8080",
		"< S 0:0(0) win 65535 <mss 1000,nop,wscale 7>",
		"> S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 2>", /* a SYN's: unscaled */
		"< . 1:1(0) ack 1 win 512",			       /* 512 << 7: 65536 bytes */
		"accept",
		"< . 1:1001(1000) ack 1 win 512",
		"> . 1:1(0) ack 1001 win 32250", /* 129000 bytes >> 2 */
		NULL,
	};

	tcps_begin(40004);
	CHECK(tcps_run(script));
	CHECK(tcps.tp && tcps.tp->snd_wnd == 65536);
	CHECK(tcps_end());
}

/* RFC 9293 figure 8: both ends send a SYN; each answers with a SYN-ACK. */
HTEST(simultaneous_open)
{
	static const char *const script[] = {
		"connect",
		"> S 0:0(0) <mss 1460,nop,wscale 2>",
		"< S 0:0(0) win 65535 <mss 1000>", /* its SYN crossed ours */
		"> S. 0:0(0) ack 1 <mss 1460>",
		"state SYN_RECV",
		/*
		 * Its SYN-ACK: the SYN in it is old (before rcv_nxt), so not "in the
		 * window"; the ACK completes our handshake, and the old SYN gets an
		 * ACK at once, as 3.10 answers a segment it has already had.
		 */
		"< S. 0:0(0) ack 1 win 65535 <mss 1000>",
		"> . 1:1(0) ack 1",
		"state ESTABLISHED",
		"> none",
		NULL,
	};

	tcps_begin(40003);
	CHECK(tcps_run(script));
	CHECK(tcps_end());
}

/*
 * Each allocation of a passive and of an active open failing in turn (the
 * SYN's skb, the child, the SYN-ACK, the SYN): the attempt ends or
 * recovers, and nothing is left once its timers have run (a SYN that
 * could not be allocated gives the attempt up with ENOBUFS, as 3.10's
 * tcp_connect, rather than leaving it in SYN_RECV or SYN_SENT forever).
 */
HTEST(every_allocation_failing_in_turn_during_the_handshake)
{
	for (unsigned long n = 1; n <= 8; n++) {
		tcps_begin((u16)(41000 + n));
		CHECK(tcps_do("listen 8080"));
		net_host_fail_nth(n);
		CHECK(tcps_do("< S 0:0(0) win 65535 <mss 1000>"));
		net_host_fail_nth(0);
		CHECK(tcps_do("+200000")); /* past every SYN-ACK retransmission */
		CHECK(!tcps.tp || tcps.tp->state == TCP_CLOSE); /* no child left half open */
		CHECK(tcps_end());

		tcps_begin((u16)(42000 + n));
		net_host_fail_nth(n);
		if (!sock_create_tcp(&tcps.conn)) /* either may fail */
			kernel_connect(tcps.conn, HOST_PEER_IP, tcps.peer_port, O_NONBLOCK);
		net_host_fail_nth(0);
		CHECK(tcps_do("+200000")); /* past every SYN retransmission */
		CHECK(!tcps.conn || tcp_sk(tcps.conn->sk)->state == TCP_CLOSE);
		CHECK(tcps_end());
	}
}

/* ---- data in ---------------------------------------------------------------------------- */

/*
 * The first two segments are acknowledged at once (quick ACKs after the
 * handshake); then an ACK waits 40 ms for company, and goes at once when
 * a second full segment arrives (RFC 9293 3.8.6.3, RFC 5681 4.2).
 */
HTEST(data_in_order_and_the_delayed_ack)
{
	static const char *const script[] = {
		"< . 1:1001(1000) ack 1",
		"> . 1:1(0) ack 1001", /* quick ACK */
		"< . 1001:2001(1000) ack 1",
		"> . 1:1(0) ack 2001", /* quick ACK */
		"< . 2001:3001(1000) ack 1",
		"> none", /* delayed */
		"+39",
		"> none",
		"+1",
		"> . 1:1(0) ack 3001", /* 40 ms later */
		"< . 3001:4001(1000) ack 1",
		"> none",
		"+10",
		"< . 4001:5001(1000) ack 1",
		"> . 1:1(0) ack 5001", /* the second full segment: at once */
		"+100",
		"> none", /* and the timer does not send it again */
		"recv 5000",
		"recv 1 = -EAGAIN",
		NULL,
	};

	CHECK(established(40010));
	CHECK(tcps_run(script));
	CHECK(tcps_end());
}

/*
 * Past a hole: held, and a duplicate ACK at once for each (the sender's
 * fast retransmit counts them); the hole filled, one cumulative ACK, and
 * every byte in order.  A copy of what is held already is dropped.
 */
HTEST(out_of_order_data_waits_for_the_hole)
{
	static const char *const script[] = {
		"< . 1001:2001(1000) ack 1",
		"> . 1:1(0) ack 1", /* duplicate ACK: still missing 1 */
		"< . 3001:4001(1000) ack 1",
		"> . 1:1(0) ack 1",
		"< . 1001:2001(1000) ack 1", /* a copy of what waits */
		"> . 1:1(0) ack 1",
		"recv 100 = -EAGAIN", /* nothing readable past a hole */
		"< . 1:1001(1000) ack 1",
		"> . 1:1(0) ack 2001", /* up to the next hole */
		"< . 2001:3001(1000) ack 1",
		"> . 1:1(0) ack 4001", /* all of it */
		"recv 4000",
		NULL,
	};
	unsigned long ofo = tcp_mib.TCPOFOQueue;
	unsigned long merged = net_drop_count[SKB_DROP_REASON_TCP_OFOMERGE];

	CHECK(established(40011));
	CHECK(tcps_run(script));
	CHECK(tcp_mib.TCPOFOQueue == ofo + 3);
	CHECK(net_drop_count[SKB_DROP_REASON_TCP_OFOMERGE] == merged + 1);
	CHECK(tcps_end());
}

/* A segment that overlaps what was received: only the new bytes count (RFC 9293 3.10.7.4). */
HTEST(overlapping_data_is_trimmed)
{
	static const char *const script[] = {
		"< . 1:1001(1000) ack 1",
		"> . 1:1(0) ack 1001",
		"< . 501:1501(1000) ack 1", /* half old, half new */
		"> . 1:1(0) ack 1501",
		"< . 1:1001(1000) ack 1", /* all old: an ACK says where we are */
		"> . 1:1(0) ack 1501",
		"recv 1500",
		NULL,
	};

	CHECK(established(40012));
	CHECK(tcps_run(script));
	CHECK(tcps_end());
}

/* ---- retransmission --------------------------------------------------------------------- */

/*
 * No ACK: the segment again after the RTO (200 ms: the handshake's RTT
 * sample is under a tick, so RTO_MIN), then after 400, 800 ... doubling up
 * to 120 s (RFC 6298 5.5); after TCP_RETRIES2 retransmissions the next
 * timeout ends the connection with ETIMEDOUT, and no RST is sent.
 */
HTEST(retransmission_on_rto_with_backoff_until_etimedout)
{
	static const char *const script[] = {
		"send 1000", "> . 1:1001(1000) ack 1",
		"+199",	     "> none",
		"+1",	     "> . 1:1001(1000) ack 1", /* RTO 200 ms */
		"+399",	     "> none",
		"+1",	     "> . 1:1001(1000) ack 1", /* 400 ms */
		"+799",	     "> none",
		"+1",	     "> . 1:1001(1000) ack 1", /* 800 ms */
		NULL,
	};
	unsigned long timeouts = tcp_mib.TCPTimeouts, aborts = tcp_mib.TCPAbortOnTimeout;
	unsigned long retrans = tcp_mib.RetransSegs;
	u32 rto = 1600;

	CHECK(established(40020));
	CHECK(tcps_run(script));
	/* RFC 5681 3.1: ssthresh = max(FlightSize / 2, 2 segments), cwnd one segment. */
	CHECK(tcps.tp && tcps.tp->snd_cwnd == 1 && tcps.tp->snd_ssthresh == 2);
	CHECK(tcps.tp && tcps.tp->ca_state == TCP_CA_Loss);
	for (int n = 4; n <= TCP_RETRIES2; n++) {
		if (!tcps_do("+%u", rto - 1) || !tcps_do("> none") || !tcps_do("+1") ||
		    !tcps_do("> . 1:1001(1000) ack 1")) {
			CHECK(!"the RTO doubles up to 120 s");
			break;
		}
		rto = min(rto * 2, TCP_RTO_MAX_MS);
	}
	CHECK(tcp_mib.RetransSegs == retrans + TCP_RETRIES2);
	CHECK(tcps_do("state ESTABLISHED"));
	CHECK(tcps_do("+%u", TCP_RTO_MAX_MS));
	CHECK(tcps_do("> none")); /* given up quietly (3.10's tcp_write_err) */
	CHECK(tcps_do("state CLOSE"));
	CHECK(tcps_do("recv 10 = -ETIMEDOUT"));
	CHECK(tcps_do("send 10 = -ETIMEDOUT"));
	CHECK(tcp_mib.TCPTimeouts == timeouts + TCP_RETRIES2);
	CHECK(tcp_mib.TCPAbortOnTimeout == aborts + 1);
	CHECK(tcps_end());
}

/*
 * The ACK of a retransmitted segment: no RTT sample from it (Karn), the
 * backoff and the timer reset; later data is timed with the plain RTO.
 */
HTEST(an_ack_after_a_retransmission_resets_the_backoff)
{
	static const char *const script[] = {
		"send 1000",
		"> . 1:1001(1000) ack 1",
		"+200",
		"> . 1:1001(1000) ack 1",
		"+300",
		"< . 1:1(0) ack 1001",
		"> none",
		"send 1000",
		"> . 1001:2001(1000) ack 1",
		"+199",
		"> none",
		"+1",
		"> . 1001:2001(1000) ack 1", /* 200 ms again, not 800 */
		NULL,
	};
	u32 srtt;

	CHECK(established(40021));
	srtt = tcps.tp ? tcps.tp->srtt : 0;
	CHECK(tcps_run(script));
	CHECK(tcps.tp && tcps.tp->srtt == srtt); /* 500 ms would have moved it: Karn */
	CHECK(tcps_end());
}

/*
 * Three duplicate ACKs: the missing segment again at once, before any RTO
 * (RFC 5681 3.2): ssthresh = FlightSize / 2 = 4 segments of the 9 in
 * flight, cwnd = ssthresh + 3; each further duplicate inflates it by one.
 * A partial ACK (RFC 6582) resends the next hole; an ACK of everything
 * ends recovery with cwnd = ssthresh.
 */
HTEST(fast_retransmit_on_three_duplicate_acks)
{
	static const char *const send[] = {
		"send 10000",
		"> . 1:1001(1000) ack 1", /* cwnd 10: ten segments at once */
		"> . 1001:2001(1000) ack 1",
		"> . 2001:3001(1000) ack 1",
		"> . 3001:4001(1000) ack 1",
		"> . 4001:5001(1000) ack 1",
		"> . 5001:6001(1000) ack 1",
		"> . 6001:7001(1000) ack 1",
		"> . 7001:8001(1000) ack 1",
		"> . 8001:9001(1000) ack 1",
		"> . 9001:10001(1000) ack 1",
		"> none",
		/* 1001:2001 and 3001:4001 are lost. */
		"< . 1:1(0) ack 1001",
		"< . 1:1(0) ack 1001",
		"< . 1:1(0) ack 1001",
		"> none",
		"< . 1:1(0) ack 1001",
		"> . 1001:2001(1000) ack 1", /* the third duplicate: fast retransmit */
		NULL,
	};
	static const char *const recover[] = {
		"< . 1:1(0) ack 1001",
		"< . 1:1(0) ack 1001",
		"> none",
		"< . 1:1(0) ack 3001",	     /* partial: up to the next hole */
		"> . 3001:4001(1000) ack 1", /* resent at once */
		"< . 1:1(0) ack 10001",	     /* everything */
		"> none",
		NULL,
	};
	unsigned long fast = tcp_mib.TCPFastRetrans, timeouts = tcp_mib.TCPTimeouts;
	struct tcp_sock *tp;

	CHECK(established(40022));
	CHECK(tcps_run(send));
	tp = tcps.tp;
	CHECK(tp && tp->ca_state == TCP_CA_Recovery);
	CHECK(tp && tp->snd_ssthresh == 4 && tp->snd_cwnd == 7);
	CHECK(tcp_mib.TCPFastRetrans == fast + 1);
	CHECK(tcps_run(recover));
	CHECK(tp && tp->ca_state == TCP_CA_Open && tp->snd_cwnd == 4);
	CHECK(tcp_mib.TCPTimeouts == timeouts); /* no RTO on the way */
	CHECK(tcps_end());
}

/* ---- the peer's window ------------------------------------------------------------------ */

/*
 * The peer's window closes: nothing is sent; the persist timer probes
 * (a bare ACK of an old byte, seq snd_una - 1) with backoff, 200, 400,
 * 800 ms; the window opens and the data goes.
 */
HTEST(zero_window_probes_with_backoff_then_data_flows)
{
	static const char *const script[] = {
		"< . 1:1(0) ack 1 win 0",
		"send 1000",
		"> none",
		"+199",
		"> none",
		"+1",
		"> . 0:0(0) ack 1", /* the probe */
		"< . 1:1(0) ack 1 win 0",
		"+399",
		"> none",
		"+1",
		"> . 0:0(0) ack 1", /* 400 ms */
		"< . 1:1(0) ack 1 win 0",
		"+799",
		"> none",
		"+1",
		"> . 0:0(0) ack 1", /* 800 ms */
		"< . 1:1(0) ack 1 win 500",
		"> none", /* 500 bytes: not a segment's worth (Nagle and SWS avoidance) */
		"< . 1:1(0) ack 1 win 65535",
		"> P. 1:1001(1000) ack 1", /* open: the data flows (PSH: the write's last) */
		"+199",
		"> none",
		"+1",
		"> P. 1:1001(1000) ack 1", /* timed by the RTO, the probes' backoff gone */
		"< . 1:1(0) ack 1001 win 65535",
		"> none",
		NULL,
	};

	CHECK(established(40030));
	CHECK(tcps_run(script));
	CHECK(tcps_end());
}

/*
 * A window that stays closed: the probes back off to 120 s and go on as
 * long as the peer answers, for ten hours; the backoff stops counting at
 * tcp_retries2 as 3.10's (a count that went on would wrap after 255 and
 * probe every 200 ms again).  The connection lives, and opens when the
 * window does.
 */
HTEST(zero_window_probes_go_on_every_120_s_while_answered)
{
	u32 every = 200;

	CHECK(established(40035));
	CHECK(tcps_do("< . 1:1(0) ack 1 win 0"));
	CHECK(tcps_do("send 1000"));
	for (int i = 0; i < 300; i++) {
		if (!tcps_do("+%u", every - 1) || !tcps_do("> none") || !tcps_do("+1") ||
		    !tcps_do("> . 0:0(0) ack 1") || !tcps_do("< . 1:1(0) ack 1 win 0")) {
			CHECK(!"a probe every 200 ms, doubling up to 120 s");
			break;
		}
		every = min(every * 2, TCP_RTO_MAX_MS);
	}
	CHECK(tcps_do("state ESTABLISHED"));
	CHECK(tcps_do("< . 1:1(0) ack 1 win 65535"));
	CHECK(tcps_do("> P. 1:1001(1000) ack 1"));
	CHECK(tcps_end());
}

/*
 * A peer whose window (1000) is smaller than its MSS (1460): segments of
 * half the largest window it offered (3.10's tcp_bound_to_half_wnd), or
 * the first would never fit and nothing would ever be sent.
 */
HTEST(a_window_smaller_than_the_mss_still_carries_data)
{
	static const char *const script[] = {
		"connect",
		"> S 0:0(0) <mss 1460,nop,wscale 2>",
		"< S. 0:0(0) ack 1 win 1000 <mss 1460>",
		"> . 1:1(0) ack 1",
		"send 1500",
		"> . 1:501(500) ack 1",
		"> . 501:1001(500) ack 1",
		"> none", /* the window is full */
		"< . 1:1(0) ack 1001 win 1000",
		"> P. 1001:1501(500) ack 1", /* the write's last segment: PSH */
		"< . 1:1(0) ack 1501 win 1000",
		"> none",
		NULL,
	};

	tcps_begin(40034);
	CHECK(tcps_run(script));
	CHECK(tcps_end());
}

/*
 * Our window closes when the reader does not read: half the free receive
 * buffer is offered, in whole segments of the peer's MSS, and its right
 * edge never moves back (RFC 9293 3.8.6.2.2).  The peer fills it until we
 * advertise 0; beyond it, a segment gets only an ACK, and so does its
 * zero-window probe.  The reader reads: an update opens the window at once
 * (3.10's tcp_cleanup_rbuf), without waiting for the peer's next probe.
 */
HTEST(our_window_closes_and_reopens_with_the_reader)
{
	static const char *const open[] = {
		"listen 8080",
		"< S 0:0(0) win 65535 <mss 1460>",
		"> S. 0:0(0) ack 1 win 64240 <mss 1460>", /* 65535 (no scaling), whole segments */
		"< . 1:1(0) ack 1 win 65535",
		"accept",
		NULL,
	};
	u32 seq = 1;

	tcps_begin(40031);
	CHECK(tcps_run(open));
	for (int i = 0; i < 400 && tcps.tp && tcps.tp->rcv_wnd; i++, seq += 1460) {
		CHECK(tcps_do("< . %u:%u(1460) ack 1", seq, seq + 1460));
		CHECK(tcps_do("+40"));
		tnic_tx_purge(net_host_nic()); /* its ACK, the window shrinking */
	}
	CHECK(tcps.tp && tcps.tp->rcv_wnd == 0 && tcps.tp->sk.sk_rmem_alloc > 0);
	CHECK(tcps_do("< . %u:%u(1460) ack 1", seq, seq + 1460)); /* past the window */
	CHECK(tcps_do("> . 1:1(0) ack %u win 0", seq));
	CHECK(tcps_do("< . %u:%u(0) ack 1", seq - 1, seq - 1)); /* the peer's probe */
	CHECK(tcps_do("> . 1:1(0) ack %u win 0", seq));
	CHECK(tcps_do("recv 1460"));
	CHECK(tcps_do("> none")); /* one segment read: not worth an update */
	CHECK(tcps_do("recv 60000"));
	CHECK(tcps_do("> . 1:1(0) ack %u", seq)); /* room for two segments and more: an update */
	while (tcps.tp && tcps.read < seq - 1 &&
	       tcps_do("recv %u", min(60000u, seq - 1 - tcps.read)))
		;
	CHECK(tcps.read == seq - 1);
	for (struct sk_buff *skb; (skb = tcps_next_frame());) /* more updates as it grows */
		consume_skb(skb);
	CHECK(tcps.tp && tcps.tp->rcv_wnd == 64240);		  /* the last: all of it again */
	CHECK(tcps_do("< . %u:%u(1460) ack 1", seq, seq + 1460)); /* and data flows */
	CHECK(tcps_do("recv 1460"));
	CHECK(tcps.tp && tcps.tp->sk.sk_rmem_alloc == 0);
	CHECK(tcps_end());
}

/*
 * A peer sending one byte per segment: each skb costs hundreds of bytes
 * of buffer for one of window.  The receive buffer stops at its limit
 * (87380 and one skb; 3.10's tcp_try_rmem_schedule): segments past it are
 * dropped and counted (SOCKET_RCVBUFF), and taken again once the reader
 * has read.
 */
HTEST(tiny_segments_cannot_exceed_the_receive_buffer)
{
	unsigned long drops = net_drop_count[SKB_DROP_REASON_SOCKET_RCVBUFF];
	u32 got;

	CHECK(established(40032));
	for (u32 seq = 1; seq <= 2000; seq++) {
		CHECK(tcps_do("< . %u:%u(1) ack 1", seq, seq + 1));
		tnic_tx_purge(net_host_nic()); /* the ACKs */
	}
	CHECK(tcps.tp && tcps.tp->sk.sk_rmem_alloc <= tcps.tp->sk.sk_rcvbuf + 1024);
	CHECK(net_drop_count[SKB_DROP_REASON_SOCKET_RCVBUFF] > drops);
	got = tcps.tp ? tcps.tp->rcv_nxt - TCPS_PEER_ISN - 1 : 0;
	CHECK(got > 0 && got < 2000);
	CHECK(tcps_do("recv %u", got));
	CHECK(tcps_do("< . %u:%u(1000) ack 1", got + 1, got + 1001)); /* the rest, again */
	CHECK(tcps_do("recv 1000"));
	CHECK(tcps_end());
}

/*
 * The same past a hole: the out-of-order queue stops at the limit too,
 * and the segment that fills the hole takes its place (the held ones are
 * dropped: the peer resends them) rather than being refused forever.
 */
HTEST(a_full_out_of_order_queue_does_not_block_the_hole)
{
	unsigned long drops = net_drop_count[SKB_DROP_REASON_SOCKET_RCVBUFF];

	CHECK(established(40033));
	for (u32 seq = 2; seq <= 2000; seq += 2)
		CHECK(tcps_do("< . %u:%u(1) ack 1", seq, seq + 1));
	tnic_tx_purge(net_host_nic()); /* the duplicate ACKs */
	CHECK(tcps.tp && tcps.tp->sk.sk_rmem_alloc <= tcps.tp->sk.sk_rcvbuf + 1024);
	CHECK(net_drop_count[SKB_DROP_REASON_SOCKET_RCVBUFF] > drops);
	CHECK(tcps_do("< . 1:1001(1000) ack 1"));
	CHECK(tcps_do("> . 1:1(0) ack 1001"));
	CHECK(tcps_do("recv 1000"));
	CHECK(tcps_end());
}

/* ---- RST, state by state ---------------------------------------------------------------- */

/* SYN_SENT: a RST acknowledging our SYN refuses the connection (RFC 9293 3.10.7.3). */
HTEST(rst_in_syn_sent_with_a_good_ack_refuses)
{
	static const char *const script[] = {
		"connect",
		"> S 0:0(0) <mss 1460,nop,wscale 2>",
		"< R. 0:0(0) ack 1",
		"> none", /* never a RST for a RST */
		"state CLOSE",
		"recv 1 = -ECONNREFUSED",
		NULL,
	};
	unsigned long fails = tcp_mib.AttemptFails;

	tcps_begin(40040);
	CHECK(tcps_run(script));
	CHECK(tcp_mib.AttemptFails == fails + 1);
	CHECK(tcps_end());
}

/* SYN_SENT: a RST whose ACK is not of our SYN, or without ACK, is ignored. */
HTEST(rst_in_syn_sent_with_a_bad_or_no_ack_is_ignored)
{
	static const char *const script[] = {
		"connect",
		"> S 0:0(0) <mss 1460,nop,wscale 2>",
		"< R. 0:0(0) ack 0", /* acknowledges our ISN - 1: not our SYN */
		"> none",
		"< R. 0:0(0) ack 2", /* past what we sent */
		"> none",
		"< R 0:0(0)", /* no ACK: RFC 9293 says drop it */
		"> none",
		"state SYN_SENT",
		"< . 0:0(0) ack 5", /* an ACK of nothing we sent: a RST, seq = its ack */
		"> R 5:5(0)",
		"state SYN_SENT",
		"< S. 0:0(0) ack 1 win 65535 <mss 1000>", /* the real answer still works */
		"> . 1:1(0) ack 1",
		"state ESTABLISHED",
		NULL,
	};

	tcps_begin(40041);
	CHECK(tcps_run(script));
	CHECK(tcps_end());
}

/* SYN_RECV: the peer's RST ends the child; the listener goes on (RFC 9293 3.10.7.4). */
HTEST(rst_in_syn_recv_ends_the_half_open_connection)
{
	static const char *const script[] = {
		"listen 8080",
		"< S 0:0(0) win 65535 <mss 1000>",
		"> S. 0:0(0) ack 1 <mss 1460>",
		"state SYN_RECV",
		"< R 1:1(0)",
		"> none",
		"state CLOSE",
		"accept = -EAGAIN",
		NULL,
	};

	tcps_begin(40042);
	CHECK(tcps_run(script));
	CHECK(tcps.listener && tcp_sk(tcps.listener->sk)->state == TCP_LISTEN);
	CHECK(tcps.listener && tcp_sk(tcps.listener->sk)->syn_queued == 0);
	CHECK(tcps_end());
}

/*
 * ESTABLISHED (RFC 5961 3.2): a RST exactly at rcv_nxt resets; one
 * elsewhere in the window gets a challenge ACK and changes nothing; one
 * outside the window is dropped without a word.
 */
HTEST(rst_in_established_at_rcv_nxt_in_window_and_outside)
{
	static const char *const script[] = {
		"< . 1:1001(1000) ack 1",
		"> . 1:1(0) ack 1001",
		"< R 1501:1501(0)",    /* in the window, not at rcv_nxt */
		"> . 1:1(0) ack 1001", /* the challenge ACK */
		"state ESTABLISHED",
		"< R 200001:200001(0)", /* outside the window */
		"> none",
		"< R 1:1(0)", /* before rcv_nxt: outside too */
		"> none",
		"state ESTABLISHED",
		"< R 1001:1001(0)", /* exactly at rcv_nxt */
		"> none",
		"state CLOSE",
		"recv 1000", /* what came before the RST is still read */
		"recv 10 = -ECONNRESET",
		NULL,
	};
	unsigned long challenges = tcp_mib.TCPChallengeACK, resets = tcp_mib.EstabResets;

	CHECK(established(40043));
	CHECK(tcps_run(script));
	CHECK(tcp_mib.TCPChallengeACK == challenges + 1);
	CHECK(tcp_mib.EstabResets == resets + 1);
	CHECK(tcps_end());
}

/* RFC 5961 4.2: a SYN on an established connection gets a challenge ACK, never a reset. */
HTEST(syn_in_established_gets_a_challenge_ack)
{
	static const char *const script[] = {
		"< S 1000:1000(0) win 65535 <mss 1000>",
		"> . 1:1(0) ack 1",
		"state ESTABLISHED",
		NULL,
	};

	CHECK(established(40044));
	CHECK(tcps_run(script));
	CHECK(tcps_end());
}

/* ---- the end ---------------------------------------------------------------------------- */

/*
 * The peer closes first: its FIN acknowledged at once, reads see the end
 * (0), CLOSE_WAIT; our close sends our FIN, LAST_ACK; its ACK ends it.
 */
HTEST(passive_close_close_wait_and_last_ack)
{
	static const char *const script[] = {
		"< . 1:101(100) ack 1",
		"> . 1:1(0) ack 101",
		"< F. 101:101(0) ack 1",
		"> . 1:1(0) ack 102",
		"state CLOSE_WAIT",
		"recv 1000 = 100",
		"recv 1000 = 0", /* the end of the stream */
		"send 100",	 /* one way closed, not the other */
		"> P. 1:101(100) ack 102",
		"< . 102:102(0) ack 101",
		"close",
		"> F. 101:101(0) ack 102",
		"state LAST_ACK",
		"< . 102:102(0) ack 102",
		"> none",
		"state CLOSE",
		NULL,
	};

	CHECK(established(40050));
	CHECK(tcps_run(script));
	CHECK(tcps_end());
}

/*
 * We close first: FIN_WAIT1, FIN_WAIT2 on its ACK, TIME_WAIT on the
 * peer's FIN.  A retransmitted FIN in TIME_WAIT is acknowledged again and
 * TIME_WAIT starts over (RFC 9293 3.10.7.4; 3.10's
 * tcp_timewait_state_process); 2 MSL (60 s) after the last, the end.
 */
HTEST(active_close_time_wait_restarts_on_a_retransmitted_fin)
{
	static const char *const script[] = {
		"close",
		"> F. 1:1(0) ack 1",
		"state FIN_WAIT1",
		"< . 1:1(0) ack 2",
		"state FIN_WAIT2",
		"< F. 1:1(0) ack 2",
		"> . 2:2(0) ack 2",
		"state TIME_WAIT",
		"+30000",
		"< F. 1:1(0) ack 2", /* our ACK was lost: the FIN again */
		"> . 2:2(0) ack 2",
		"state TIME_WAIT",
		"+59999", /* 2 MSL from the second FIN, not the first */
		"state TIME_WAIT",
		"+1",
		"state CLOSE",
		NULL,
	};

	CHECK(established(40051));
	CHECK(tcps_run(script));
	CHECK(tcps_end());
}

/*
 * A new SYN for a connection in TIME_WAIT: one at or before what it
 * received is an old duplicate and gets the old connection's ACK; one past
 * it ends TIME_WAIT, and the listener answers with an ISN 65537 past all
 * the old connection sent (3.10's tcp_timewait_state_process), so no old
 * segment fits the new window.  A client that reuses its port at once
 * (thousands of short requests) is not made to wait 2 MSL.
 */
HTEST(a_new_syn_ends_time_wait_and_the_listener_answers)
{
	static const char *const script[] = {
		"close",
		"> F. 1:1(0) ack 1",
		"< . 1:1(0) ack 2",
		"< F. 1:1(0) ack 2",
		"> . 2:2(0) ack 2",
		"state TIME_WAIT",
		"< S 1:1(0) win 65535", /* not past rcv_nxt: an old duplicate */
		"> . 2:2(0) ack 2",
		"state TIME_WAIT",
		"< S 5000:5000(0) win 65535 <mss 1000>",
		"> S. 65539:65539(0) ack 5001 <mss 1460>", /* snd_nxt (2) + 65535 + 2 */
		"state CLOSE",				   /* the old connection */
		"< . 5001:5001(0) ack 65540 win 65535",
		"accept",
		"> none",
		NULL,
	};

	CHECK(established(40053));
	CHECK(tcps_run(script));
	CHECK(tcps_end());
}

/* Both close at once (RFC 9293 figure 13): FIN_WAIT1 -> CLOSING -> TIME_WAIT. */
HTEST(simultaneous_close_goes_through_closing)
{
	static const char *const script[] = {
		"shutdown wr",	     "> F. 1:1(0) ack 1",
		"< F. 1:1(0) ack 1", /* its FIN crossed ours */
		"> . 2:2(0) ack 2",  "state CLOSING",
		"< . 2:2(0) ack 2",  "state TIME_WAIT",
		"recv 10 = 0",	     "+60000",
		"state CLOSE",	     NULL,
	};

	CHECK(established(40052));
	CHECK(tcps_run(script));
	CHECK(tcps_end());
}

/* TIME_WAIT: a RST at rcv_nxt ends it at once (3.10 with tcp_rfc1337 = 0, its default). */
HTEST(rst_in_time_wait_ends_it)
{
	static const char *const script[] = {
		"close",
		"> F. 1:1(0) ack 1",
		"< F. 1:1(0) ack 2",
		"> . 2:2(0) ack 2",
		"state TIME_WAIT",
		"< R 2:2(0)",
		"> none",
		"state CLOSE",
		NULL,
	};

	CHECK(established(40053));
	CHECK(tcps_run(script));
	CHECK(tcps_end());
}

/* Unread data at close: a RST instead of a FIN (RFC 2525 2.17), TCPAbortOnData. */
HTEST(close_with_unread_data_sends_a_reset)
{
	static const char *const script[] = {
		"< . 1:101(100) ack 1", "> . 1:1(0) ack 101", "close",
		"> R. 1:1(0) ack 101",	"state CLOSE",	      NULL,
	};
	unsigned long aborts = tcp_mib.TCPAbortOnData;

	CHECK(established(40054));
	CHECK(tcps_run(script));
	CHECK(tcp_mib.TCPAbortOnData == aborts + 1);
	CHECK(tcps_end());
}

static const struct htest tests[] = {
	HTEST_ENTRY(passive_open),
	HTEST_ENTRY(active_open),
	HTEST_ENTRY(window_scale_when_both_offer_it),
	HTEST_ENTRY(simultaneous_open),
	HTEST_ENTRY(every_allocation_failing_in_turn_during_the_handshake),
	HTEST_ENTRY(data_in_order_and_the_delayed_ack),
	HTEST_ENTRY(out_of_order_data_waits_for_the_hole),
	HTEST_ENTRY(overlapping_data_is_trimmed),
	HTEST_ENTRY(retransmission_on_rto_with_backoff_until_etimedout),
	HTEST_ENTRY(an_ack_after_a_retransmission_resets_the_backoff),
	HTEST_ENTRY(fast_retransmit_on_three_duplicate_acks),
	HTEST_ENTRY(zero_window_probes_with_backoff_then_data_flows),
	HTEST_ENTRY(zero_window_probes_go_on_every_120_s_while_answered),
	HTEST_ENTRY(a_window_smaller_than_the_mss_still_carries_data),
	HTEST_ENTRY(a_new_syn_ends_time_wait_and_the_listener_answers),
	HTEST_ENTRY(our_window_closes_and_reopens_with_the_reader),
	HTEST_ENTRY(tiny_segments_cannot_exceed_the_receive_buffer),
	HTEST_ENTRY(a_full_out_of_order_queue_does_not_block_the_hole),
	HTEST_ENTRY(rst_in_syn_sent_with_a_good_ack_refuses),
	HTEST_ENTRY(rst_in_syn_sent_with_a_bad_or_no_ack_is_ignored),
	HTEST_ENTRY(rst_in_syn_recv_ends_the_half_open_connection),
	HTEST_ENTRY(rst_in_established_at_rcv_nxt_in_window_and_outside),
	HTEST_ENTRY(syn_in_established_gets_a_challenge_ack),
	HTEST_ENTRY(passive_close_close_wait_and_last_ack),
	HTEST_ENTRY(active_close_time_wait_restarts_on_a_retransmitted_fin),
	HTEST_ENTRY(simultaneous_close_goes_through_closing),
	HTEST_ENTRY(rst_in_time_wait_ends_it),
	HTEST_ENTRY(close_with_unread_data_sends_a_reset),
};

int main(void)
{
	tcps_init();
	return htest_main("test_tcp", tests, HTEST_COUNT(tests));
}
