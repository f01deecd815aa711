/*
 * SPDX-License-Identifier: MIT
 * net/tcp.c - TCP's sockets: the connection table, a connection's life
 * (states, references, timers, the end), initial sequence numbers
 * (RFC 6528), and the calls kernel code makes (kernel_listen,
 * kernel_accept, kernel_connect, kernel_sendmsg, kernel_recvmsg,
 * kernel_sock_shutdown, tcp_close).
 *
 * Segments in: net/tcp_input.c.  Segments out and the timers that send
 * them: net/tcp_output.c.  The locks and references: net/tcp_internal.h.
 * 3.10: net/ipv4/tcp.c, tcp_ipv4.c, inet_hashtables.c,
 * inet_connection_sock.c, core/secure_seq.c.
 */
#include <errno.h>
#include <kernel/cmdline.h>
#include <kernel/perf.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <mm/slab.h>
#include <net/ip.h>
#include <net/netdevice.h>
#include <net/socket.h>
#include <net/tcp.h>
#include <kernel/printk.h>
#include <stdio.h>
#include <string.h>

#include "tcp_internal.h"

struct tcp_mib tcp_mib;
struct tcp_hashinfo tcp_hashinfo;

long tcp_timewait_ms = 60000;
cmdline_param_int(tcp_timewait_ms, &tcp_timewait_ms, 1, 600000,
		  "milliseconds a closed TCP connection stays in TIME_WAIT (2 MSL; 60000)");

static const char *const tcp_state_names[TCP_MAX_STATES] = {
	[TCP_ESTABLISHED] = "ESTABLISHED",
	[TCP_SYN_SENT] = "SYN_SENT",
	[TCP_SYN_RECV] = "SYN_RECV",
	[TCP_FIN_WAIT1] = "FIN_WAIT1",
	[TCP_FIN_WAIT2] = "FIN_WAIT2",
	[TCP_TIME_WAIT] = "TIME_WAIT",
	[TCP_CLOSE] = "CLOSE",
	[TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[TCP_LAST_ACK] = "LAST_ACK",
	[TCP_LISTEN] = "LISTEN",
	[TCP_CLOSING] = "CLOSING",
};

const char *tcp_state_name(int state)
{
	return state > 0 && state < TCP_MAX_STATES ? tcp_state_names[state] : "?";
}

/* A TCP socket as the user holds it: the socket, and the connection it names. */
struct tcp_socket {
	struct socket socket;
};

/* ---- references and timers ------------------------------------------------------- */

void sock_hold(struct tcp_sock *tp)
{
	__atomic_add_fetch(&tp->refcnt, 1, __ATOMIC_RELAXED);
}

void sock_put(struct tcp_sock *tp)
{
	if (__atomic_sub_fetch(&tp->refcnt, 1, __ATOMIC_ACQ_REL))
		return;
	/* Nobody can reach it: unhashed, no timer, no user.  What it still holds goes. */
	tcp_write_queue_purge(tp);
	skb_queue_purge(&tp->sk.sk_receive_queue);
	skb_queue_purge(&tp->out_of_order_queue);
	WARN_ON(__atomic_load_n(&tp->sk.sk_rmem_alloc, __ATOMIC_RELAXED));
	if (tp->parent)
		sock_put(tp->parent);
	spin_lock_bh(&tcp_hashinfo.lock);
	tcp_hashinfo.count--;
	spin_unlock_bh(&tcp_hashinfo.lock);
	trace_tcp(TE_TCP_DESTROY, tp, 0);
	kfree(tp);
}

void tcp_reset_timer(struct tcp_sock *tp, struct timer_list *t, unsigned long expires)
{
	if (!mod_timer(t, expires))
		sock_hold(tp);
}

void tcp_stop_timer(struct tcp_sock *tp, struct timer_list *t)
{
	if (del_timer(t))
		sock_put(tp); /* never the last: the caller holds one */
}

/* ---- the table ------------------------------------------------------------------- */

/*
 * One list of connections and one of listeners, under one lock: a teaching
 * stack has few.  3.10 hashes both (inet_hashtables.c): docs/linux-3.10.md#tcp-hash.
 */
void tcp_hash(struct tcp_sock *tp)
{
	spin_lock_bh(&tcp_hashinfo.lock);
	list_add_tail(&tp->hash_node, tp->state == TCP_LISTEN ? &tcp_hashinfo.listening
							      : &tcp_hashinfo.established);
	spin_unlock_bh(&tcp_hashinfo.lock);
	sock_hold(tp);
}

void tcp_unhash(struct tcp_sock *tp)
{
	bool was;

	spin_lock_bh(&tcp_hashinfo.lock);
	was = !list_empty(&tp->hash_node);
	list_del_init(&tp->hash_node);
	spin_unlock_bh(&tcp_hashinfo.lock);
	if (was)
		sock_put(tp);
}

/* Is @port used by any socket (bound, listening or connected)?  Under tcp_hashinfo.lock. */
static bool __tcp_port_used(u16 port)
{
	struct tcp_sock *tp;

	list_for_each_entry(tp, &tcp_hashinfo.listening, hash_node)
		if (tp->sk.inet_num == port)
			return true;
	list_for_each_entry(tp, &tcp_hashinfo.established, hash_node)
		if (tp->sk.inet_num == port)
			return true;
	return false;
}

/*
 * The socket for a segment from @saddr:@sport to @daddr:@dport: the
 * connection with exactly these four, else a listener on @dport.  With a
 * reference (sock_put when done), or NULL.
 */
struct tcp_sock *tcp_lookup(__be32 saddr, u16 sport, __be32 daddr, u16 dport)
{
	struct tcp_sock *tp, *found = NULL;

	spin_lock_bh(&tcp_hashinfo.lock);
	list_for_each_entry(tp, &tcp_hashinfo.established, hash_node) {
		if (tp->sk.inet_num == dport && tp->inet_dport == sport &&
		    tp->inet_daddr == saddr && tp->sk.inet_rcv_saddr == daddr) {
			found = tp;
			goto out;
		}
	}
	list_for_each_entry(tp, &tcp_hashinfo.listening, hash_node) {
		if (tp->sk.inet_num == dport &&
		    (tp->sk.inet_rcv_saddr == INADDR_ANY || tp->sk.inet_rcv_saddr == daddr)) {
			found = tp;
			break;
		}
	}
out:
	if (found)
		sock_hold(found);
	spin_unlock_bh(&tcp_hashinfo.lock);
	return found;
}

/* One socket's line; caller holds tcp_hashinfo.lock (the fields are read racily: a view). */
static void tcp_show_one(const struct tcp_sock *tp)
{
	char local[24], remote[24];
	u32 srtt_ms = jiffies_to_msecs(READ_ONCE(tp->srtt) >> 3);

	snprintf(local, sizeof(local), IP4_FMT ":%u", IP4_ARG(tp->sk.inet_rcv_saddr),
		 tp->sk.inet_num);
	snprintf(remote, sizeof(remote), IP4_FMT ":%u", IP4_ARG(tp->inet_daddr), tp->inet_dport);
	printk("tcp %7u %7u  %-21s %-21s %-11s rtt %u ms rto %u ms cwnd %u\n",
	       tp->rcv_nxt - tp->copied_seq, tp->write_seq - tp->snd_una, local, remote,
	       tcp_state_name(tp->state), srtt_ms, (u32)jiffies_to_msecs(tcp_rto_now(tp)),
	       tp->snd_cwnd);
}

void tcp_show(void)
{
	struct tcp_sock *tp;

	printk("Proto Recv-Q  Send-Q  Local Address         Foreign Address       State\n");
	spin_lock_bh(&tcp_hashinfo.lock);
	list_for_each_entry(tp, &tcp_hashinfo.listening, hash_node)
		tcp_show_one(tp);
	list_for_each_entry(tp, &tcp_hashinfo.established, hash_node)
		tcp_show_one(tp);
	spin_unlock_bh(&tcp_hashinfo.lock);
}

unsigned int tcp_sock_count(void)
{
	return __atomic_load_n(&tcp_hashinfo.count, __ATOMIC_RELAXED);
}

/* ---- a connection's life ------------------------------------------------------------ */

struct tcp_sock *tcp_sock_alloc(gfp_t gfp)
{
	struct tcp_sock *tp = kzalloc(sizeof(*tp), gfp);
	struct sock *sk;

	if (!tp)
		return NULL;
	sk = &tp->sk;
	sk->sk_protocol = IPPROTO_TCP;
	sk->sk_allocation = GFP_KERNEL;
	sk->sk_rcvbuf = TCP_RMEM_DEFAULT;
	sk->sk_rcvtimeo = MAX_SCHEDULE_TIMEOUT;
	sk->sk_sndtimeo = MAX_SCHEDULE_TIMEOUT;
	spin_lock_init(&sk->sk_lock.slock);
	sk->sk_lock.slock.name = "tcp_sock";
	skb_queue_head_init(&sk->sk_receive_queue);
	sk->sk_receive_queue.lock.name = "tcp_receive_queue";
	init_waitqueue_head(&sk->sk_wq);
	INIT_LIST_HEAD(&sk->sk_bind_node);
	skb_queue_head_init(&tp->write_queue);
	tp->write_queue.lock.name = "tcp_write_queue";
	skb_queue_head_init(&tp->out_of_order_queue);
	tp->out_of_order_queue.lock.name = "tcp_ofo_queue";
	INIT_LIST_HEAD(&tp->hash_node);
	INIT_LIST_HEAD(&tp->accept_queue);
	INIT_LIST_HEAD(&tp->child_node);
	tp->state = TCP_CLOSE;
	tp->refcnt = 1;
	tp->sndbuf = TCP_WMEM_DEFAULT;
	tp->mss_cache = TCP_MSS_DEFAULT;
	tp->rcv_mss = TCP_MSS_DEFAULT;
	tp->rto = msecs_to_jiffies(TCP_TIMEOUT_INIT_MS);
	tp->snd_cwnd = TCP_INIT_CWND;
	tp->snd_ssthresh = ~0U >> 1; /* "arbitrarily high" (RFC 5681 3.1) */
	tcp_init_timers(tp);
	spin_lock_bh(&tcp_hashinfo.lock);
	tcp_hashinfo.count++;
	spin_unlock_bh(&tcp_hashinfo.lock);
	return tp;
}

void tcp_set_state(struct tcp_sock *tp, int state)
{
	int old;

	if (state == TCP_ESTABLISHED && tp->state != TCP_ESTABLISHED)
		tcp_mib_inc(CurrEstab);
	else if (tp->state == TCP_ESTABLISHED && state != TCP_ESTABLISHED)
		tcp_mib_dec(CurrEstab);
	old = tp->state;
	tp->state = state;
	trace_tcp(TE_TCP_SET_STATE, tp, old);
}

/* Wake whoever sleeps on @tp: readers, writers, accept, connect. */
void tcp_wake(struct tcp_sock *tp)
{
	wake_up_all(&tp->sk.sk_wq);
}

/*
 * tcp_done - the connection is over (CLOSE): off the table, no timer, the
 * sleepers woken.  3.10's tcp_done.  Caller holds the lock and a reference.
 */
void tcp_done(struct tcp_sock *tp)
{
	if (tp->state == TCP_SYN_SENT || tp->state == TCP_SYN_RECV)
		tcp_mib_inc(AttemptFails);
	tcp_leave_syn_queue(tp);
	tcp_set_state(tp, TCP_CLOSE);
	tp->shutdown = RCV_SHUTDOWN | SEND_SHUTDOWN;
	tcp_stop_timer(tp, &tp->retransmit_timer);
	tcp_stop_timer(tp, &tp->delack_timer);
	tcp_stop_timer(tp, &tp->timewait_timer);
	tcp_unhash(tp);
	tcp_wake(tp);
}

/* The peer reset the connection (or it timed out): @err for the user, then done. */
void tcp_reset(struct tcp_sock *tp, int err)
{
	if (tp->state == TCP_ESTABLISHED || tp->state == TCP_CLOSE_WAIT)
		tcp_mib_inc(EstabResets);
	tp->sk_err = err;
	tcp_done(tp);
}

/* TIME_WAIT (RFC 9293 3.6.1): 2 MSL, answering a retransmitted FIN with an ACK. */
void tcp_time_wait(struct tcp_sock *tp)
{
	tcp_set_state(tp, TCP_TIME_WAIT);
	tp->shutdown = RCV_SHUTDOWN | SEND_SHUTDOWN;
	tcp_stop_timer(tp, &tp->retransmit_timer);
	tcp_stop_timer(tp, &tp->delack_timer);
	tcp_reset_timer(tp, &tp->timewait_timer,
			jiffies + msecs_to_jiffies(READ_ONCE(tcp_timewait_ms)));
	tcp_wake(tp);
}

/*
 * Keepalive (RFC 1122 4.2.3.6, 3.10's tcp_keepalive_timer): on an idle
 * connection with nothing to send, a probe (an ACK of an old byte, which the
 * peer must answer) every keepalive_intvl once keepalive_time has passed
 * without a segment; keepalive_probes unanswered and the peer is gone.
 */
static void tcp_keepalive(struct tcp_sock *tp)
{
	unsigned long idle = jiffies - tp->rcv_tstamp;
	unsigned long when = msecs_to_jiffies(tp->keepalive_time_ms);

	if (tp->snd_una != tp->snd_nxt || tp->send_head) {
		/* Data in flight: the retransmission timer watches the peer. */
	} else if (idle >= when) {
		if (tp->probes_out >= tp->keepalive_probes) {
			tcp_send_active_reset(tp);
			tcp_reset(tp, tp->sk.sk_err_soft ? tp->sk.sk_err_soft : ETIMEDOUT);
			return;
		}
		tcp_send_keepalive_probe(tp);
		tp->probes_out++;
		tcp_mib_inc(TCPKeepAliveProbes);
		when = msecs_to_jiffies(tp->keepalive_intvl_ms);
	} else {
		when -= idle;
	}
	tcp_reset_timer(tp, &tp->timewait_timer, jiffies + when);
}

void tcp_arm_keepalive(struct tcp_sock *tp)
{
	if (tp->keepalive && tp->state == TCP_ESTABLISHED)
		tcp_reset_timer(tp, &tp->timewait_timer,
				jiffies + msecs_to_jiffies(tp->keepalive_time_ms));
}

void tcp_set_linger0(struct socket *sock, bool on)
{
	WRITE_ONCE(tcp_sk(sock->sk)->linger0, on);
}

void tcp_set_keepalive(struct socket *sock, bool on, unsigned int idle_ms, unsigned int intvl_ms,
		       unsigned int probes)
{
	struct tcp_sock *tp = tcp_sk(sock->sk);

	tcp_lock(tp);
	tp->keepalive = on;
	tp->keepalive_time_ms = idle_ms ? idle_ms : 7200 * 1000;
	tp->keepalive_intvl_ms = intvl_ms ? intvl_ms : 75 * 1000;
	tp->keepalive_probes = (u8)(probes ? (probes > 127 ? 127 : probes) : 9);
	if (on)
		tcp_arm_keepalive(tp);
	else if (tp->state == TCP_ESTABLISHED)
		tcp_stop_timer(tp, &tp->timewait_timer);
	tcp_unlock(tp);
}

/* The socket's timer: keepalive, an orphan's wait in FIN_WAIT2, TIME_WAIT's end. */
static void tcp_timewait_timer(struct timer_list *t)
{
	struct tcp_sock *tp = container_of(t, struct tcp_sock, timewait_timer);

	tcp_lock(tp);
	if (timer_pending(t))
		goto out; /* armed again meanwhile: a newer decision */
	if (tp->state == TCP_TIME_WAIT ||
	    (tp->state == TCP_FIN_WAIT2 && sock_flag(&tp->sk, SOCK_DEAD)))
		tcp_done(tp);
	else if (tp->state == TCP_ESTABLISHED && tp->keepalive)
		tcp_keepalive(tp);
out:
	tcp_unlock(tp);
	sock_put(tp); /* the timer's */
}

void tcp_init_timers(struct tcp_sock *tp)
{
	timer_setup(&tp->retransmit_timer, tcp_retransmit_timer, 0);
	timer_setup(&tp->delack_timer, tcp_delack_timer, 0);
	timer_setup(&tp->timewait_timer, tcp_timewait_timer, 0);
}

/* ---- initial sequence numbers: RFC 6528 ---------------------------------------------- */

static u64 isn_key[2];

static inline u64 rotl64(u64 x, int b)
{
	return (x << b) | (x >> (64 - b));
}

/* SipHash-2-4 of two 64-bit words under isn_key (Aumasson and Bernstein's keyed hash). */
static u64 siphash_2u64(u64 a, u64 b)
{
	u64 v0 = 0x736f6d6570736575ULL ^ isn_key[0], v1 = 0x646f72616e646f6dULL ^ isn_key[1];
	u64 v2 = 0x6c7967656e657261ULL ^ isn_key[0], v3 = 0x7465646279746573ULL ^ isn_key[1];
	u64 m[3] = { a, b, 16ULL << 56 };

#define SIPROUND                                                              \
	do {                                                                  \
		v0 += v1, v1 = rotl64(v1, 13), v1 ^= v0, v0 = rotl64(v0, 32); \
		v2 += v3, v3 = rotl64(v3, 16), v3 ^= v2;                      \
		v0 += v3, v3 = rotl64(v3, 21), v3 ^= v0;                      \
		v2 += v1, v1 = rotl64(v1, 17), v1 ^= v2, v2 = rotl64(v2, 32); \
	} while (0)
	for (int i = 0; i < 3; i++) {
		v3 ^= m[i];
		SIPROUND;
		SIPROUND;
		v0 ^= m[i];
	}
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
#undef SIPROUND
	return v0 ^ v1 ^ v2 ^ v3;
}

/*
 * RFC 6528: ISN = M + F(localip, localport, remoteip, remoteport, secretkey),
 * M a clock ticking every 4 microseconds, F a keyed hash (3.10: MD5 in
 * secure_tcp_sequence_number; we SipHash: docs/linux-3.10.md#tcp-isn).
 * A new incarnation of a connection starts above the old one's numbers,
 * and an off-path attacker cannot guess another connection's.
 */
u32 tcp_v4_init_sequence(__be32 saddr, __be32 daddr, u16 sport, u16 dport)
{
	u64 f = siphash_2u64(((u64)saddr << 32) | daddr, ((u64)sport << 16) | dport);

	return (u32)f + (u32)(ktime_get_ns() >> 2 >> 10); /* ~4 us: 4096 ns */
}

/* ---- SYN cookies (RFC 4987 3.6; 3.10's net/ipv4/syncookies.c) ------------------------ */

long tcp_syncookies = 1;
cmdline_param_int(tcp_syncookies, &tcp_syncookies, 0, 1,
		  "answer SYNs with a cookie when a listener's backlog is full (3.10's sysctl)");

/* The MSS a cookie can say: three bits' worth (3.10's msstab has four). */
static const u16 cookie_msstab[] = { 536, 1300, 1440, 1460 };

#define COOKIEBITS 24 /* the low bits: hash and MSS index; the high 8: the minute */
#define COOKIEMASK (((u32)1 << COOKIEBITS) - 1)

static u32 cookie_hash(__be32 saddr, __be32 daddr, u16 sport, u16 dport, u32 count, int c)
{
	return (u32)siphash_2u64(((u64)saddr << 32) | daddr,
				 ((u64)sport << 48) | ((u64)dport << 32) | ((u64)c << 31) | count);
}

static u32 cookie_minute(void)
{
	return (u32)(jiffies / msecs_to_jiffies(60000));
}

/*
 * The ISN that answers a SYN from @saddr:@sport (seq @sseq) to @daddr:@dport
 * when no state may be kept: everything the final ACK needs to rebuild the
 * connection, in 32 bits (3.10's secure_tcp_syn_cookie).  *@mss: the MSS it
 * encodes (the largest of the table not above @mss).
 */
u32 tcp_cookie_make(__be32 saddr, __be32 daddr, u16 sport, u16 dport, u32 sseq, u16 *mss)
{
	u32 count = cookie_minute(), idx = ARRAY_SIZE(cookie_msstab) - 1;

	while (idx && cookie_msstab[idx] > *mss)
		idx--;
	*mss = cookie_msstab[idx];
	return cookie_hash(saddr, daddr, sport, dport, 0, 0) + sseq + (count << COOKIEBITS) +
	       ((cookie_hash(saddr, daddr, sport, dport, count, 1) + idx) & COOKIEMASK);
}

/*
 * Is @cookie (an ACK's ack_seq - 1) one we made for this four-tuple and the
 * client's @sseq (its seq - 1) in the last two minutes?  The MSS it says, or 0.
 */
u16 tcp_cookie_check(__be32 saddr, __be32 daddr, u16 sport, u16 dport, u32 sseq, u32 cookie)
{
	u32 count = cookie_minute(), diff, idx;

	cookie -= cookie_hash(saddr, daddr, sport, dport, 0, 0) + sseq;
	diff = (count - (cookie >> COOKIEBITS)) & ((u32)-1 >> COOKIEBITS);
	if (diff >= 2)
		return 0; /* too old, or never ours */
	idx = (cookie - cookie_hash(saddr, daddr, sport, dport, count - diff, 1)) & COOKIEMASK;
	return idx < ARRAY_SIZE(cookie_msstab) ? cookie_msstab[idx] : 0;
}

void tcp_init(void)
{
	spin_lock_init(&tcp_hashinfo.lock);
	tcp_hashinfo.lock.name = "tcp_hashinfo";
	INIT_LIST_HEAD(&tcp_hashinfo.established);
	INIT_LIST_HEAD(&tcp_hashinfo.listening);
	/* The secret: the TSC at boot, mixed (no RNG here: docs/linux-3.10.md#tcp-isn). */
	isn_key[0] = ktime_get_ns() * 0x9e3779b97f4a7c15ULL;
	isn_key[1] = rotl64(isn_key[0], 29) ^ (u64)(uintptr_t)&tcp_hashinfo;
}

/* ---- waiting ------------------------------------------------------------------------ */

/*
 * Sleep until @cond (evaluated with the lock held) or *@timeo runs out.
 * Called and returns with tp locked.  0 when @cond, -EAGAIN on timeout.
 */
#define tcp_wait_event(tp, timeo, cond)                                               \
	({                                                                            \
		int __ret = 0;                                                        \
		DEFINE_WAIT(__w);                                                     \
		while (!(cond)) {                                                     \
			if (!*(timeo)) {                                              \
				__ret = -EAGAIN;                                      \
				break;                                                \
			}                                                             \
			prepare_to_wait(&(tp)->sk.sk_wq, &__w, TASK_UNINTERRUPTIBLE); \
			tcp_unlock(tp);                                               \
			*(timeo) = schedule_timeout(*(timeo));                        \
			tcp_lock(tp);                                                 \
			finish_wait(&(tp)->sk.sk_wq, &__w);                           \
		}                                                                     \
		__ret;                                                                \
	})

/* How long a call may sleep: SO_RCVTIMEO (receive, accept, connect) or SO_SNDTIMEO (send). */
static long tcp_timeo(struct tcp_sock *tp, int flags)
{
	return (flags & (MSG_DONTWAIT | O_NONBLOCK)) ? 0 : READ_ONCE(tp->sk.sk_rcvtimeo);
}

static long tcp_sndtimeo(struct tcp_sock *tp, int flags)
{
	return (flags & (MSG_DONTWAIT | O_NONBLOCK)) ? 0 : READ_ONCE(tp->sk.sk_sndtimeo);
}

/* ---- the calls ---------------------------------------------------------------------- */

int sock_create_tcp(struct socket **res)
{
	struct tcp_socket *ts = kzalloc(sizeof(*ts), GFP_KERNEL);
	struct tcp_sock *tp = tcp_sock_alloc(GFP_KERNEL);

	if (!ts || !tp) {
		kfree(ts);
		if (tp)
			sock_put(tp);
		return -ENOMEM;
	}
	ts->socket.type = SOCK_STREAM;
	ts->socket.sk = &tp->sk;
	tp->sk.sk_socket = &ts->socket;
	*res = &ts->socket;
	return 0;
}

/* Bind @tp to @port (0: an ephemeral one).  Caller holds tp's lock. */
static int __tcp_bind(struct tcp_sock *tp, u16 port)
{
	unsigned int range = UDP_PORT_EPHEMERAL_MAX - UDP_PORT_EPHEMERAL_MIN + 1;
	int err = -EADDRINUSE;

	spin_lock_bh(&tcp_hashinfo.lock);
	if (port) {
		if (!__tcp_port_used(port))
			err = 0;
	} else {
		for (unsigned int i = 0; i < range && err; i++) {
			port = (u16)(UDP_PORT_EPHEMERAL_MIN +
				     tcp_hashinfo.next_ephemeral++ % range);
			if (!__tcp_port_used(port))
				err = 0;
		}
	}
	if (!err) {
		tp->sk.inet_num = port;
		/* On the table now, so the port is taken: bound sockets sit with the others. */
		list_add_tail(&tp->hash_node, &tcp_hashinfo.established);
	}
	spin_unlock_bh(&tcp_hashinfo.lock);
	if (!err)
		sock_hold(tp);
	return err;
}

int kernel_bind(struct socket *sock, u16 port)
{
	struct tcp_sock *tp = tcp_sk(sock->sk);
	int err = -EINVAL;

	tcp_lock(tp);
	if (tp->state == TCP_CLOSE && !tp->sk.inet_num)
		err = __tcp_bind(tp, port);
	tcp_unlock(tp);
	return err;
}

int kernel_listen(struct socket *sock, int backlog)
{
	struct tcp_sock *tp = tcp_sk(sock->sk);
	int err = 0;

	tcp_lock(tp);
	if (tp->state != TCP_CLOSE && tp->state != TCP_LISTEN) {
		err = -EINVAL;
	} else if (tp->state == TCP_CLOSE && !tp->sk.inet_num && (err = __tcp_bind(tp, 0))) {
		;
	} else {
		tp->backlog = backlog < 1 ? 1 : backlog > 1024 ? 1024 : backlog;
		if (tp->state == TCP_CLOSE) {
			/* From the bound list to the listeners'. */
			spin_lock_bh(&tcp_hashinfo.lock);
			list_del(&tp->hash_node);
			list_add_tail(&tp->hash_node, &tcp_hashinfo.listening);
			tp->state = TCP_LISTEN;
			spin_unlock_bh(&tcp_hashinfo.lock);
		}
	}
	tcp_unlock(tp);
	return err;
}

/*
 * tcp_child_ready - @child's handshake completed (it was SYN_RECV): onto
 * its listener's accept queue, and the accepter woken.  Called without any
 * socket lock (two are never held at once).  A listener that closed
 * meanwhile has let go of its children: then the child is reset.
 */
/* A child leaves its listener's count of handshakes in progress, once. */
void tcp_leave_syn_queue(struct tcp_sock *child)
{
	if (child->parent && __atomic_exchange_n(&child->in_syn_queue, 0, __ATOMIC_RELAXED))
		__atomic_sub_fetch(&child->parent->syn_queued, 1, __ATOMIC_RELAXED);
}

void tcp_child_ready(struct tcp_sock *child)
{
	struct tcp_sock *parent = child->parent;
	bool queued = false;

	tcp_leave_syn_queue(child);
	tcp_lock(parent);
	if (parent->state == TCP_LISTEN && list_empty(&child->child_node)) {
		parent->accept_queued++;
		list_add_tail(&child->child_node, &parent->accept_queue);
		sock_hold(child); /* the accept queue's */
		queued = true;
		tcp_wake(parent);
	}
	tcp_unlock(parent);
	if (!queued) {
		tcp_lock(child);
		if (child->state != TCP_CLOSE) {
			tcp_send_active_reset(child);
			tcp_done(child);
		}
		tcp_unlock(child);
	}
}

int kernel_accept(struct socket *sock, struct socket **newsock, int flags)
{
	struct tcp_sock *tp = tcp_sk(sock->sk), *child = NULL;
	long timeo = tcp_timeo(tp, flags);
	struct tcp_socket *ts = kzalloc(sizeof(*ts), GFP_KERNEL);
	int err;

	if (!ts)
		return -ENOMEM;
	tcp_lock(tp);
	err = tcp_wait_event(tp, &timeo, tp->state != TCP_LISTEN || !list_empty(&tp->accept_queue));
	if (!err && tp->state != TCP_LISTEN)
		err = -EINVAL;
	if (!err) {
		child = list_first_entry(&tp->accept_queue, struct tcp_sock, child_node);
		list_del_init(&child->child_node);
		tp->accept_queued--;
	}
	tcp_unlock(tp);
	if (err) {
		kfree(ts);
		return err;
	}
	/* The accept queue's reference becomes the user's. */
	ts->socket.type = SOCK_STREAM;
	ts->socket.sk = &child->sk;
	tcp_lock(child);
	child->sk.sk_socket = &ts->socket;
	tcp_unlock(child);
	*newsock = &ts->socket;
	return 0;
}

int kernel_connect(struct socket *sock, __be32 daddr, u16 dport, int flags)
{
	struct tcp_sock *tp = tcp_sk(sock->sk);
	long timeo = tcp_timeo(tp, flags);
	struct ip_route rt;
	int err = 0;

	if (!dport)
		return -EINVAL;
	if (ip_route_output(daddr, &rt))
		return -ENETUNREACH;
	tcp_lock(tp);
	if (tp->state != TCP_CLOSE) {
		err = tp->state == TCP_SYN_SENT ? -EALREADY : -EISCONN;
		goto out;
	}
	if (!tp->sk.inet_num && (err = __tcp_bind(tp, 0)))
		goto out;
	tp->sk.inet_rcv_saddr = rt.saddr;
	tp->inet_daddr = daddr;
	tp->inet_dport = dport;
	tp->mss_cache = (u16)(rt.dev->mtu - 40);
	tp->advmss = tp->mss_cache;
	tp->rcv_wscale = tcp_choose_wscale(tp->sk.sk_rcvbuf);
	tp->iss = tcp_v4_init_sequence(rt.saddr, daddr, tp->sk.inet_num, dport);
	tcp_set_state(tp, TCP_SYN_SENT);
	tcp_mib_inc(ActiveOpens);
	tcp_send_syn(tp);
	if (flags & O_NONBLOCK) {
		err = -EINPROGRESS;
		goto out;
	}
	err = tcp_wait_event(tp, &timeo, tp->state != TCP_SYN_SENT);
	if (!err && tp->state != TCP_ESTABLISHED && tp->state != TCP_CLOSE_WAIT)
		err = tp->sk_err ? -tp->sk_err : -ECONNREFUSED;
	if (err == -EAGAIN) {
		/* The caller's timeout, not the SYN retries': give up the attempt. */
		tcp_done(tp);
		err = -ETIMEDOUT;
	}
out:
	tcp_unlock(tp);
	return err;
}

/* Room for more in the send buffer? */
static bool tcp_wspace(const struct tcp_sock *tp)
{
	return tp->wmem_queued < tp->sndbuf;
}

/* Why @tp cannot take data now: -errno, or 0 if it can. */
static int tcp_send_error(const struct tcp_sock *tp)
{
	if (tp->sk_err)
		return -tp->sk_err;
	if (tp->shutdown & SEND_SHUTDOWN)
		return -EPIPE;
	/* Data may wait in SYN_SENT (it goes once connected); not in the other states. */
	if (tp->state != TCP_ESTABLISHED && tp->state != TCP_CLOSE_WAIT &&
	    tp->state != TCP_SYN_SENT)
		return -ENOTCONN;
	return 0;
}

DEFINE_PERF_LAYER(perf_tcp_sendmsg, "tcp sendmsg");
DEFINE_PERF_LAYER(perf_tcp_copy_to, "tcp copy to skb");
DEFINE_PERF_LAYER(perf_tcp_recvmsg, "tcp recvmsg");
DEFINE_PERF_LAYER(perf_tcp_copy_from, "tcp copy from skb");

/*
 * kernel_sendmsg - see include/net/tcp.h.  Bytes go into the last segment
 * not sent yet while it has room, else into a new one of one MSS,
 * allocated with SKB_ALLOC_FCLONE: the original stays on the write queue
 * until acknowledged, its fast clone goes to the device (3.10's
 * tcp_sendmsg, sk_stream_alloc_skb).
 */

int kernel_sendmsg(struct socket *sock, const void *buf, size_t len, int flags)
{
	PERF_SCOPE(&perf_tcp_sendmsg);
	struct tcp_sock *tp = tcp_sk(sock->sk);
	long timeo = tcp_sndtimeo(tp, flags);
	size_t copied = 0;
	int err = 0;

	tcp_lock(tp);
	while (copied < len) {
		struct sk_buff *skb = tp->send_head ? skb_peek_tail(&tp->write_queue) : NULL;
		unsigned int mss = tcp_mss_for(tp), n;

		err = tcp_send_error(tp);
		if (err)
			break;
		if (!skb || skb->len >= mss || !skb_tailroom(skb) ||
		    (TCP_SKB_CB(skb)->tcp_flags & (TCPHDR_SYN | TCPHDR_FIN))) {
			/* An MSS, or what is left if less (at least 2 KiB: more may follow). */
			size_t want = len - copied < 2048 ? 2048 : len - copied;

			if (!tcp_wspace(tp)) {
				tcp_push(tp);
				err = tcp_wait_event(tp, &timeo,
						     tcp_wspace(tp) || tcp_send_error(tp));
				if (err)
					break;
				continue;
			}
			/* The allocation may sleep: not under the lock. */
			tcp_unlock(tp);
			skb = tcp_alloc_segment(want < mss ? (unsigned int)want : mss,
						tp->sk.sk_allocation);
			tcp_lock(tp);
			if (!skb) {
				err = -ENOMEM;
				break;
			}
			if ((err = tcp_send_error(tp))) {
				kfree_skb(skb);
				break;
			}
			TCP_SKB_CB(skb)->seq = TCP_SKB_CB(skb)->end_seq = tp->write_seq;
			TCP_SKB_CB(skb)->tcp_flags = TCPHDR_ACK;
			tcp_queue_skb(tp, skb);
		}
		n = (unsigned int)min(len - copied, (size_t)(mss - skb->len));
		if (n > (unsigned int)skb_tailroom(skb))
			n = (unsigned int)skb_tailroom(skb);
		perf_enter(&perf_tcp_copy_to); /* a layer of its own: out of sendmsg's self */
		skb_put_data(skb, (const u8 *)buf + copied, n);
		perf_exit(&perf_tcp_copy_to);
		TCP_SKB_CB(skb)->end_seq += n;
		tp->write_seq += n;
		copied += n;
		if (skb->len >= mss)
			tcp_push(tp);
	}
	/*
	 * MSG_MORE: more follows at once; a short last segment waits for it.
	 * Else the write's last segment, if not sent yet, says PSH: "hand it
	 * to the reader now" (3.10's tcp_push and tcp_mark_push; not its
	 * forced push every half window: docs/linux-3.10.md#tcp-push).
	 */
	if (!(flags & MSG_MORE)) {
		if (tp->send_head)
			TCP_SKB_CB(skb_peek_tail(&tp->write_queue))->tcp_flags |= TCPHDR_PSH;
		tcp_push(tp);
	}
	tcp_unlock(tp);
	return copied ? (int)copied : err;
}

/*
 * After the user read: if the window we can offer now grew by at least two
 * segments beyond what the peer knows, say so at once (3.10's
 * tcp_cleanup_rbuf), or a sender stopped by a full window would wait for
 * its persist timer.
 */
static void tcp_cleanup_rbuf(struct tcp_sock *tp)
{
	u32 offered = tp->rcv_wup + tp->rcv_wnd - tp->rcv_nxt;

	if (tp->state != TCP_ESTABLISHED && tp->state != TCP_FIN_WAIT1 &&
	    tp->state != TCP_FIN_WAIT2)
		return;
	/*
	 * An ACK owed, and the reader has taken everything: send it now rather
	 * than in 40 ms.  A sender whose next small segment Nagle holds for this
	 * ACK would otherwise wait out the delayed-ACK timer on every write
	 * (3.10's ICSK_ACK_PUSHED case in tcp_cleanup_rbuf).
	 */
	if (tp->ack_pending && !tp->pingpong && skb_queue_empty(&tp->sk.sk_receive_queue))
		tcp_send_ack(tp);
	else if (tcp_select_window_peek(tp) >= offered + 2u * tp->mss_cache)
		tcp_send_ack(tp);
}

/* What a reader waits for: data, the end of the stream, an error. */
static bool tcp_readable(const struct tcp_sock *tp)
{
	return !skb_queue_empty(&tp->sk.sk_receive_queue) || tp->fin_rcvd || tp->sk_err ||
	       (tp->shutdown & RCV_SHUTDOWN) || tp->state == TCP_CLOSE;
}

int kernel_recvmsg(struct socket *sock, void *buf, size_t len, int flags)
{
	PERF_SCOPE(&perf_tcp_recvmsg);
	struct tcp_sock *tp = tcp_sk(sock->sk);
	long timeo = tcp_timeo(tp, flags);
	size_t copied = 0;
	struct sk_buff *skb;
	int err;

	tcp_lock(tp);
	if (tp->state == TCP_LISTEN) {
		err = -ENOTCONN;
		goto out;
	}
	err = tcp_wait_event(tp, &timeo, tcp_readable(tp));
	while (copied < len && (skb = skb_peek(&tp->sk.sk_receive_queue))) {
		unsigned int n = (unsigned int)min(len - copied, (size_t)skb->len);

		perf_enter(&perf_tcp_copy_from);
		memcpy((u8 *)buf + copied, skb->data, n);
		perf_exit(&perf_tcp_copy_from);
		copied += n;
		tp->copied_seq += n;
		if (n == skb->len) {
			__skb_unlink(skb, &tp->sk.sk_receive_queue);
			consume_skb(skb); /* sock_rfree: the window opens */
		} else {
			__skb_pull(skb, n);
		}
	}
	if (copied) {
		err = 0;
		tcp_cleanup_rbuf(tp);
	} else if (!err) {
		/* Nothing to read: the end of the stream, or why not. */
		err = tp->sk_err					? -tp->sk_err
		      : (tp->fin_rcvd || (tp->shutdown & RCV_SHUTDOWN)) ? 0
		      : tp->state == TCP_CLOSE				? -ENOTCONN
									: -EAGAIN;
	}
out:
	tcp_unlock(tp);
	return copied ? (int)copied : err;
}

int kernel_sock_shutdown(struct socket *sock, int how)
{
	struct tcp_sock *tp = tcp_sk(sock->sk);
	int err = 0;

	struct sk_buff *spare;

	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	spare = tcp_alloc_segment(0, GFP_KERNEL); /* a FIN's, if it needs one */
	tcp_lock(tp);
	if (tp->state == TCP_LISTEN || tp->state == TCP_CLOSE || tp->state == TCP_SYN_SENT) {
		err = -ENOTCONN;
	} else {
		if (how != SHUT_WR)
			tp->shutdown |= RCV_SHUTDOWN;
		if (how != SHUT_RD && !(tp->shutdown & SEND_SHUTDOWN)) {
			tcp_send_fin(tp,
				     spare); /* ESTABLISHED -> FIN_WAIT1, CLOSE_WAIT -> LAST_ACK */
			spare = NULL;
		}
		tcp_wake(tp);
	}
	tcp_unlock(tp);
	kfree_skb(spare);
	return err;
}

/* A listener closes: it takes no more, and the connections not accepted are reset. */
static void tcp_close_listener(struct tcp_sock *tp)
{
	struct tcp_sock *child, *next;
	LIST_HEAD(children);

	tcp_lock(tp);
	tcp_set_state(tp, TCP_CLOSE);
	list_splice_init(&tp->accept_queue, &children);
	tp->accept_queued = 0;
	tcp_unhash(tp);
	tcp_wake(tp);
	tcp_unlock(tp);
	/* Children still in the handshake see the listener closed when they complete. */
	list_for_each_entry_safe(child, next, &children, child_node) {
		tcp_lock(child);
		list_del_init(&child->child_node);
		if (child->state != TCP_CLOSE) {
			tcp_send_active_reset(child);
			tcp_done(child);
		}
		tcp_unlock(child);
		sock_put(child); /* the accept queue's */
	}
}

/*
 * tcp_close - see include/net/tcp.h.  The connection lives on without its
 * user (3.10's orphan) until its FIN is acknowledged and TIME_WAIT ends.
 * Unread data means the application lost it: RST, not FIN (RFC 2525 2.17,
 * 3.10's TCPAbortOnData).
 */
void tcp_close(struct socket *sock)
{
	struct tcp_sock *tp = tcp_sk(sock->sk);

	if (tp->state == TCP_LISTEN) {
		tcp_close_listener(tp);
	} else {
		struct sk_buff *spare = tcp_alloc_segment(0, GFP_KERNEL);

		tcp_lock(tp);
		sock_set_flag(&tp->sk, SOCK_DEAD);
		tp->sk.sk_socket = NULL;
		tp->shutdown |= RCV_SHUTDOWN;
		if (tp->linger0 && tp->state != TCP_CLOSE) {
			/* SO_LINGER, time 0: abort, whatever is queued (3.10's tcp_close). */
			tcp_mib_inc(TCPAbortOnLinger);
			tcp_send_active_reset(tp);
			tcp_done(tp);
		} else if (!skb_queue_empty(&tp->sk.sk_receive_queue)) {
			tcp_mib_inc(TCPAbortOnData);
			skb_queue_purge(&tp->sk.sk_receive_queue);
			tcp_send_active_reset(tp);
			tcp_done(tp);
		} else if (tp->state == TCP_SYN_SENT || tp->state == TCP_CLOSE) {
			tcp_done(tp);
		} else if (!(tp->shutdown & SEND_SHUTDOWN)) {
			tcp_send_fin(tp, spare);
			spare = NULL;
		}
		tcp_unlock(tp);
		kfree_skb(spare);
	}
	kfree(container_of(sock, struct tcp_socket, socket));
	sock_put(tp); /* the user's */
}
