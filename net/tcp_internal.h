/*
 * SPDX-License-Identifier: MIT
 * net/tcp_internal.h - what net/tcp.c, net/tcp_input.c and net/tcp_output.c
 * share: the connection table, a socket's life (references, locking,
 * timers), and the calls each file makes into the others.
 *
 * Locks, in the order they may be taken:
 *
 *   tcp_sk(sk)->sk.sk_lock.slock   one connection or listener: every field
 *                                  of struct tcp_sock (spin_lock_bh)
 *   tcp_hashinfo.lock              the tables (ports, connections, listeners)
 *
 * (3.10's lock_sock, buckets and backlog: docs/linux-3.10.md#tcp-hash.)
 * Two sockets are never held at once.  A child whose handshake completes
 * (softirq, child locked) is put on its listener's accept queue after the
 * child's lock is dropped (tcp_child_ready).  A socket is freed when its
 * last reference goes (sock_put): the user's (until tcp_close), the
 * table's (while hashed) and one per pending timer.
 */
#ifndef NET_TCP_INTERNAL_H
#define NET_TCP_INTERNAL_H

#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <kernel/trace.h>
#include <net/tcp.h>

struct tcp_hashinfo {
	spinlock_t lock;
	struct list_head established; /* every hashed socket but listeners (few: one list) */
	struct list_head listening;
	unsigned int count; /* tcp_socks alive (allocated, not freed) */
	u16 next_ephemeral;
};
extern struct tcp_hashinfo tcp_hashinfo;

#define tcp_mib_inc(field) __atomic_add_fetch(&tcp_mib.field, 1, __ATOMIC_RELAXED)
#define tcp_mib_dec(field) __atomic_sub_fetch(&tcp_mib.field, 1, __ATOMIC_RELAXED)

static inline void tcp_lock(struct tcp_sock *tp)
{
	spin_lock_bh(&tp->sk.sk_lock.slock);
}

static inline void tcp_unlock(struct tcp_sock *tp)
{
	spin_unlock_bh(&tp->sk.sk_lock.slock);
}

/* References (3.10's sock_hold/sock_put); the count is atomic, the last put frees. */
void sock_hold(struct tcp_sock *tp);
void sock_put(struct tcp_sock *tp);

/* Arm/stop a timer holding a reference while pending (3.10's sk_reset_timer/sk_stop_timer). */
void tcp_reset_timer(struct tcp_sock *tp, struct timer_list *t, unsigned long expires);
void tcp_stop_timer(struct tcp_sock *tp, struct timer_list *t);

/* Enter congestion state @state (3.10's tcp_set_ca_state); `trace on tcp` shows it. */
static inline void tcp_set_ca_state(struct tcp_sock *tp, u8 state)
{
	u8 old = tp->ca_state;

	tp->ca_state = state;
	trace_tcp(TE_TCP_CA_STATE, tp, old);
}

/* net/tcp.c */
struct tcp_sock *tcp_sock_alloc(gfp_t gfp);
void tcp_set_state(struct tcp_sock *tp, int state);
void tcp_hash(struct tcp_sock *tp);
void tcp_unhash(struct tcp_sock *tp);
struct tcp_sock *tcp_lookup(__be32 saddr, u16 sport, __be32 daddr, u16 dport);
void tcp_done(struct tcp_sock *tp);
void tcp_reset(struct tcp_sock *tp, int err);
void tcp_time_wait(struct tcp_sock *tp);
void tcp_wake(struct tcp_sock *tp);
void tcp_child_ready(struct tcp_sock *child);
u32 tcp_v4_init_sequence(__be32 saddr, __be32 daddr, u16 sport, u16 dport);
extern long tcp_syncookies;
u32 tcp_cookie_make(__be32 saddr, __be32 daddr, u16 sport, u16 dport, u32 sseq, u16 *mss);
u16 tcp_cookie_check(__be32 saddr, __be32 daddr, u16 sport, u16 dport, u32 sseq, u32 cookie);
void tcp_init_timers(struct tcp_sock *tp);
void tcp_arm_keepalive(struct tcp_sock *tp);
u32 tcp_rto_now(const struct tcp_sock *tp);

/* net/tcp_input.c */
u8 tcp_choose_wscale(int rcvbuf);
int tcp_rcv_state_process(struct tcp_sock *tp, struct sk_buff *skb);
struct tcp_sock *tcp_v4_syn_recv(struct tcp_sock *listener, struct sk_buff *skb);

/* net/tcp_output.c */
void tcp_send_syn(struct tcp_sock *tp);
void tcp_send_synack(struct tcp_sock *tp);
void tcp_send_ack(struct tcp_sock *tp);
void tcp_send_delayed_ack(struct tcp_sock *tp);
void tcp_send_fin(struct tcp_sock *tp, struct sk_buff *spare);
void tcp_send_active_reset(struct tcp_sock *tp);
void tcp_send_keepalive_probe(struct tcp_sock *tp);
void tcp_v4_send_reset(struct sk_buff *skb);
void tcp_v4_send_synack_cookie(struct sk_buff *syn, u32 isn, u16 mss);
void tcp_push(struct tcp_sock *tp);
int tcp_retransmit_skb(struct tcp_sock *tp, struct sk_buff *skb);
void tcp_retransmit_timer(struct timer_list *t);
void tcp_delack_timer(struct timer_list *t);
u32 tcp_select_window(struct tcp_sock *tp);
u32 tcp_select_window_peek(const struct tcp_sock *tp);
void tcp_leave_syn_queue(struct tcp_sock *child);
void tcp_write_queue_purge(struct tcp_sock *tp);
struct sk_buff *tcp_alloc_segment(unsigned int size, gfp_t gfp);
void tcp_queue_skb(struct tcp_sock *tp, struct sk_buff *skb);
unsigned int tcp_mss_for(const struct tcp_sock *tp);

#endif
