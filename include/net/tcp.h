/*
 * SPDX-License-Identifier: MIT
 * net/tcp.h - TCP (RFC 9293): the header, the states, the connection's
 * state (struct tcp_sock), and the counters.
 *
 * The states, Linux's numbers (what `netstat` prints by name):
 *
 *                              +---------+ ---------\      active OPEN
 *                              |  CLOSE  |            \    -----------
 *                              +---------+<---------\   \   snd SYN
 *                 passive OPEN   |     ^  CLOSE     \   \
 *                 ------------   |     |  ------     \   \
 *                               V     |  delete      \   \
 *                              +---------+            \   V
 *                              |  LISTEN |          +----------+
 *                rcv SYN       +---------+          | SYN_SENT |
 *   +----------+ snd SYN,ACK  /              rcv SYN+----------+
 *   | SYN_RECV |<------------/  snd ACK                |
 *   +----------+ <--------------------------------------+ rcv SYN,ACK
 *        | rcv ACK of SYN                               |  snd ACK
 *        V                                              V
 *   +-------------+ <-----------------------------------+
 *   | ESTABLISHED |
 *   +-------------+   CLOSE: snd FIN        rcv FIN: snd ACK
 *        |                                         |
 *        V                                         V
 *   +-----------+ rcv FIN  +---------+        +------------+
 *   | FIN_WAIT1 |--------->| CLOSING |        | CLOSE_WAIT |
 *   +-----------+ snd ACK  +---------+        +------------+
 *        | rcv ACK of FIN       | rcv ACK of FIN    | CLOSE: snd FIN
 *        V                      V                   V
 *   +-----------+ rcv FIN  +-----------+      +----------+
 *   | FIN_WAIT2 |--------->| TIME_WAIT |      | LAST_ACK |--rcv ACK of FIN--> CLOSE
 *   +-----------+ snd ACK  +-----------+      +----------+
 *                               | 2 MSL (60 s)
 *                               V
 *                             CLOSE
 *
 * Sequence space, as RFC 9293 section 3.3.1 draws it, for sending:
 *
 *        snd_una        snd_nxt           snd_una + snd_wnd
 *   ------|--------------|--------------------|-------------
 *   acked | sent, unacked| may send            | beyond the window
 *
 * and receiving: rcv_nxt is the next byte expected; rcv_nxt + rcv_wnd
 * the end of what we offered.
 */
#ifndef NET_TCP_H
#define NET_TCP_H

#include <kernel/compiler.h>
#include <kernel/time.h>
#include <kernel/types.h>
#include <net/byteorder.h>
#include <net/skb_queue.h>
#include <net/sock.h>

struct socket;

struct tcphdr {
	__be16 source;
	__be16 dest;
	__be32 seq;
	__be32 ack_seq;
	/* x86 is little-endian: the low bits of each byte come first (see struct iphdr). */
	u16 res1 : 4, doff : 4, fin : 1, syn : 1, rst : 1, psh : 1, ack : 1, urg : 1, ece : 1,
		cwr : 1;
	__be16 window;
	__sum16 check;
	__be16 urg_ptr;
} __packed;
_Static_assert(sizeof(struct tcphdr) == 20, "TCP header without options is 20 octets");

/* The flags as one byte, header octet 13 (3.10's TCPHDR_*). */
#define TCPHDR_FIN 0x01
#define TCPHDR_SYN 0x02
#define TCPHDR_RST 0x04
#define TCPHDR_PSH 0x08
#define TCPHDR_ACK 0x10
#define TCPHDR_URG 0x20

static inline u8 tcp_flag_byte(const struct tcphdr *th)
{
	return ((const u8 *)th)[13];
}

/* Options (RFC 9293 section 3.2; RFC 7323). */
#define TCPOPT_EOL	  0
#define TCPOPT_NOP	  1
#define TCPOPT_MSS	  2
#define TCPOPT_WINDOW	  3 /* window scale (RFC 7323 2) */
#define TCPOPT_SACK_PERM  4 /* SACK permitted (RFC 2018) */
#define TCPOLEN_MSS	  4
#define TCPOLEN_WINDOW	  3
#define TCPOLEN_SACK_PERM 2
#define TCP_MAX_WSCALE	  14   /* RFC 7323 2.3 */
#define TCP_MSS_DEFAULT	  536U /* RFC 9293 3.7.1: when the peer says nothing */

/* States, Linux's values (include/net/tcp_states.h). */
enum {
	TCP_ESTABLISHED = 1,
	TCP_SYN_SENT,
	TCP_SYN_RECV,
	TCP_FIN_WAIT1,
	TCP_FIN_WAIT2,
	TCP_TIME_WAIT,
	TCP_CLOSE,
	TCP_CLOSE_WAIT,
	TCP_LAST_ACK,
	TCP_LISTEN,
	TCP_CLOSING,
	TCP_MAX_STATES
};

/* "ESTABLISHED" for TCP_ESTABLISHED. */
const char *tcp_state_name(int state);

/* Times (3.10's include/net/tcp.h). */
#define TCP_TIMEOUT_INIT_MS 1000U   /* RFC 6298 2.1: the first RTO */
#define TCP_RTO_MIN_MS	    200U    /* Linux's floor (RFC 6298 says 1 s: docs/linux-3.10.md) */
#define TCP_RTO_MAX_MS	    120000U /* backoff stops doubling here */
#define TCP_RETRIES2	    15	    /* retransmissions of one segment before giving up */
#define TCP_SYN_RETRIES	    6	    /* of a SYN */
#define TCP_INIT_CWND	    10	    /* segments (RFC 6928, as 3.10) */
#define TCP_DELACK_MS	    40U	    /* the delayed ACK timer (TCP_DELACK_MIN) */

/*
 * Buffer sizes: 256 KiB each way, fixed, where 3.10 starts at 87380 and
 * 16384 and grows them with the connection's needs (no autotuning here:
 * docs/linux-3.10.md#tcp-buffers).  A window of half the receive buffer
 * needs a window scale of 2.
 */
#define TCP_RMEM_DEFAULT (256 * 1024)
#define TCP_WMEM_DEFAULT (256 * 1024)

/* 2 MSL: how long TIME_WAIT lasts (3.10: TCP_TIMEWAIT_LEN, 60 s); tests shorten it. */
extern long tcp_timewait_ms;

/* What TCP keeps in skb->cb while it owns an skb (3.10's struct tcp_skb_cb). */
struct tcp_skb_cb {
	u32 seq;	    /* its first sequence number */
	u32 end_seq;	    /* seq + SYN + FIN + data bytes */
	unsigned long when; /* jiffies it was (last) sent */
	u8 tcp_flags;	    /* TCPHDR_* */
	u8 retransmitted;   /* sent more than once: no RTT sample from it (Karn) */
};
#define TCP_SKB_CB(skb) ((struct tcp_skb_cb *)&((skb)->cb[0]))

/* Congestion-avoidance states (3.10's tcp_ca_state, the ones NewReno uses). */
enum tcp_ca_state {
	TCP_CA_Open,	 /* all well */
	TCP_CA_Recovery, /* fast recovery after 3 duplicate ACKs (RFC 6582) */
	TCP_CA_Loss,	 /* after a retransmission timeout */
};

/*
 * struct tcp_sock - one connection, or a listener.  3.10 nests sock in
 * inet_sock in inet_connection_sock in tcp_sock; one struct here, its
 * struct sock first so tcp_sk(sk) is a cast.
 */
struct tcp_sock {
	struct sock sk;
	int state;   /* TCP_* (3.10: sk->sk_state) */
	int sk_err;  /* the error a blocked call returns: ECONNRESET, ETIMEDOUT... */
	u8 shutdown; /* RCV_SHUTDOWN | SEND_SHUTDOWN: what this end has ended */
	u8 fin_rcvd; /* the peer's FIN is in sequence: reads see the end */
	int refcnt;  /* sk_refcnt: the user's, the table's, each pending timer's */

	/* Addresses: local (inet_rcv_saddr, inet_num in struct sock) and remote. */
	__be32 inet_daddr;
	u16 inet_dport;		    /* host order */
	struct list_head hash_node; /* on tcp_hashinfo's established or listening lists */

	/* Sending (RFC 9293 3.3.1 names, lower case as 3.10's). */
	u32 iss, snd_una, snd_nxt, snd_wnd, snd_wl1, snd_wl2, max_window;
	u32 write_seq;			 /* the end of what the user queued */
	struct sk_buff_head write_queue; /* sent and unsent skbs, oldest first (the originals) */
	struct sk_buff *send_head;	 /* the first not sent yet, or NULL */
	int sndbuf;			 /* sk_sndbuf: limit of sk_wmem_queued */
	int wmem_queued;		 /* truesize of write_queue (sk_wmem_queued) */
	u16 mss_cache;			 /* data bytes per segment */
	u16 rx_mss;			 /* the MSS the peer announced */
	u16 advmss;			 /* the MSS we announce: our route's MTU - 40 */
	u8 wscale_ok;			 /* both SYNs carried a window scale (RFC 7323) */
	u8 snd_wscale;			 /* the peer's shift: its windows are << this */
	u8 rcv_wscale;			 /* ours: the windows we send are >> this */
	u8 sack_ok;			 /* the peer permits SACK (we send none yet) */

	/* Receiving. */
	u32 irs, rcv_nxt, rcv_wnd, rcv_wup; /* rcv_wup: rcv_nxt when rcv_wnd was last sent */
	u32 copied_seq;			    /* the next byte the user reads */
	u16 rcv_mss; /* the largest segment received: what "full-sized" means */
	struct sk_buff_head out_of_order_queue; /* segments past a hole, by seq */

	/* Round trip and retransmission (RFC 6298), in jiffies. */
	u32 srtt;	/* smoothed RTT << 3 (0: no sample yet) */
	u32 rttvar;	/* variation << 2 */
	u32 rto;	/* current timeout, before backoff */
	u8 backoff;	/* RTO doublings since the last new ACK (icsk_backoff) */
	u8 retransmits; /* of the head segment (icsk_retransmits) */
	u32 rtt_seq;	/* Karn: sample only segments sent once */

	/* Congestion control: NewReno (RFC 5681, RFC 6582). */
	u32 snd_cwnd, snd_ssthresh, snd_cwnd_cnt;
	u32 high_seq; /* snd_nxt when recovery began */
	u8 ca_state;  /* enum tcp_ca_state */
	u8 dupacks;   /* duplicate ACKs in a row */

	/*
	 * Timers: retransmit (and zero-window probe), delayed ACK, and 3.10's
	 * sk_timer: keepalive, an orphan's FIN_WAIT2 limit, TIME_WAIT.
	 */
	struct timer_list retransmit_timer;
	struct timer_list delack_timer;
	struct timer_list timewait_timer;
	unsigned long rcv_tstamp; /* jiffies of the last segment received (keepalive) */
	u8 keepalive;		  /* SO_KEEPALIVE */
	u8 linger0;		  /* SO_LINGER on, time 0: close aborts with a RST */
	u8 probes_out;		  /* keepalive probes unanswered */
	u8 keepalive_probes;	  /* TCP_KEEPCNT: how many before giving up */
	unsigned int keepalive_time_ms, keepalive_intvl_ms; /* TCP_KEEPIDLE, TCP_KEEPINTVL */
	u8 ack_pending;					    /* an ACK is owed (delayed) */
	u8 pingpong;   /* interactive: our data follows what we receive and carries the ACKs */
	u8 quick_acks; /* segments to ACK at once (after the handshake, a hole) */

	/* A listener: children not yet accepted, and those still in the handshake. */
	struct list_head accept_queue; /* ESTABLISHED children, oldest first */
	struct list_head child_node;   /* a child: on its parent's accept queue */
	struct tcp_sock *parent;       /* a child in SYN_RECV or not accepted: its listener */
	int backlog;		       /* sk_max_ack_backlog */
	int syn_queued;	   /* children in SYN_RECV (atomic: a child leaves it unlocked) */
	u8 in_syn_queue;   /* a child: counted in its parent's syn_queued */
	int accept_queued; /* children on accept_queue */
};

static inline struct tcp_sock *tcp_sk(const struct sock *sk)
{
	return (struct tcp_sock *)sk;
}

#define RCV_SHUTDOWN  1
#define SEND_SHUTDOWN 2
#define SHUT_RD	      0
#define SHUT_WR	      1
#define SHUT_RDWR     2

/* Sequence-number comparisons, modulo 2^32 (RFC 9293 3.4). */
static inline bool before(u32 seq1, u32 seq2)
{
	return (s32)(seq1 - seq2) < 0;
}
#define after(seq2, seq1) before(seq1, seq2)

/* TCP counters, Linux's "Tcp:" names (RFC 4022), and some of its TcpExt. */
struct tcp_mib {
	unsigned long ActiveOpens, PassiveOpens, AttemptFails, EstabResets, CurrEstab;
	unsigned long InSegs, OutSegs, RetransSegs, InErrs, OutRsts, InCsumErrors;
	/* TcpExt */
	unsigned long TCPTimeouts, TCPFastRetrans, TCPChallengeACK, TCPAbortOnData,
		TCPAbortOnTimeout, ListenOverflows, ListenDrops, TCPOFOQueue, OutOfWindowIcmps,
		SyncookiesSent, SyncookiesRecv, SyncookiesFailed, TCPKeepAliveProbes,
		TCPAbortOnLinger;
};
extern struct tcp_mib tcp_mib;

/*
 * tcp_v4_rcv - a segment for us (skb->data at the TCP header, network and
 * transport headers set).  Consumes @skb.  Context: softirq (or thread
 * with bottom halves off).
 */
int tcp_v4_rcv(struct sk_buff *skb);

/* tcp_v4_err - an ICMP error about one of our segments (net/icmp.c's handler table). */
void tcp_v4_err(struct sk_buff *skb, u32 info);

/* Called by inet_init(). */
void tcp_init(void);

/* ---- the socket calls (net/tcp.c): 3.10's kernel_*() (docs/linux-3.10.md#tcp-api) ---- */

#define SOCK_STREAM 1

/* A new TCP socket in *@res, CLOSE.  0 or -ENOMEM.  Context: thread. */
int sock_create_tcp(struct socket **res);
/* Bind to local port @port (0: an ephemeral one).  0, -EADDRINUSE, -EINVAL (not CLOSE). */
int kernel_bind(struct socket *sock, u16 port);
/* LISTEN with at most @backlog connections waiting (accept queue and handshakes). */
int kernel_listen(struct socket *sock, int backlog);
/*
 * kernel_accept - the oldest connection the listener @sock has; sleeps for
 * one unless @flags has O_NONBLOCK (then -EAGAIN).  0 and *@newsock, or
 * -EINVAL (not listening), -EAGAIN (timeout, or nonblocking and none).
 */
int kernel_accept(struct socket *sock, struct socket **newsock, int flags);
/*
 * kernel_connect - open a connection to @daddr:@dport (RFC 9293's active
 * OPEN); waits for it unless @flags has O_NONBLOCK (then -EINPROGRESS).
 * 0, -ECONNREFUSED (RST), -ETIMEDOUT (no answer after the SYN retries),
 * -ENETUNREACH, -EISCONN, -EADDRINUSE.
 */
int kernel_connect(struct socket *sock, __be32 daddr, u16 dport, int flags);
/*
 * kernel_sendmsg - queue @len bytes of @buf for sending; sleeps while the
 * send buffer is full (unless MSG_DONTWAIT).  The bytes queued (maybe
 * fewer when interrupted by the timeout or nonblocking), or -EPIPE (sending
 * shut down), -ENOTCONN, -ECONNRESET, -EAGAIN (nothing could be queued).
 */
int kernel_sendmsg(struct socket *sock, const void *buf, size_t len, int flags);
/*
 * kernel_recvmsg - copy up to @len received bytes to @buf; sleeps until at
 * least one is there (unless MSG_DONTWAIT).  The bytes copied; 0 at the
 * end of the stream (the peer's FIN); -EAGAIN, -ENOTCONN, -ECONNRESET.
 */
int kernel_recvmsg(struct socket *sock, void *buf, size_t len, int flags);
/* kernel_sock_shutdown - end reading (SHUT_RD), sending (SHUT_WR: a FIN) or both. */
int kernel_sock_shutdown(struct socket *sock, int how);
/*
 * tcp_set_keepalive - SO_KEEPALIVE with TCP_KEEPIDLE, TCP_KEEPINTVL and
 * TCP_KEEPCNT in one call: after @idle_ms without a segment from the peer,
 * a probe every @intvl_ms; after @probes unanswered, the connection is
 * reset (ETIMEDOUT).  0s take 3.10's defaults (2 h, 75 s, 9).  Context: thread.
 */
void tcp_set_keepalive(struct socket *sock, bool on, unsigned int idle_ms, unsigned int intvl_ms,
		       unsigned int probes);

/* tcp_set_linger0 - SO_LINGER on with a time of 0: tcp_close sends a RST and drops what waits. */
void tcp_set_linger0(struct socket *sock, bool on);

/* tcp_close - the user is done: FIN (or RST if data was left unread); freed when done. */
void tcp_close(struct socket *sock);

#define O_NONBLOCK 04000

/* Connections that exist now, any state (the tests' "back to where it began"). */
unsigned int tcp_sock_count(void);

/*
 * tcp_show - every TCP socket, one line each, as `netstat -tn` with its
 * queues and round-trip estimate (for the monitor's `netstat`).  Context: thread.
 */
void tcp_show(void);

/* The TCP echo service's figures (net/tcp_echo.c). */
void tcp_echo_stat(unsigned long *conns, unsigned long *refused, unsigned long *aborted,
		   unsigned long *bytes, int *active);

#endif
