/*
 * SPDX-License-Identifier: MIT
 * tests/host/tcp_script.h - TCP segment scripts in the spirit of
 * packetdrill, run against the real net/tcp*.c on the host: the test plays
 * the peer on the test NIC, injecting segments and checking each one the
 * stack sends, field by field, with the clock moved by hand.
 *
 * A script is an array of lines, NULL at the end.  Sequence numbers are
 * relative, as packetdrill's: a "<" line's seq counts from the peer's ISN
 * (TCPS_PEER_ISN) and its ack from ours; a ">" line's the other way round.
 * Our ISN is learned from the first SYN we send.
 *
 *   < S 0:0(0) win 65535 <mss 1000>       inject: flags, seq:end(len), ack, window, MSS
 *   > S. 0:0(0) ack 1 win 42000 <mss 1460> expect exactly this (win: only if written;
 *                                          an MSS option only if written)
 *   > none                                 nothing was sent
 *   +40                                    40 ms pass, 1 ms at a time (timers run)
 *   listen 8080 [backlog]                  a listener on our port 8080
 *   accept [= ret]                         kernel_accept, nonblocking (default = 0)
 *   connect [= ret]                        to the peer, nonblocking (= -EINPROGRESS)
 *   send 1000 [= ret]                      kernel_sendmsg of the stream's next bytes
 *   recv 1000 [= ret]                      kernel_recvmsg, nonblocking; bytes checked
 *   shutdown wr|rd|rdwr [= ret]            kernel_sock_shutdown
 *   close | close listener                 tcp_close (through sock_release)
 *   state ESTABLISHED                      the connection's state
 *
 * Flags: S F R P and "." for ACK.  Every data byte is tcps_pat(offset in
 * its stream), both ways, so a byte out of place is seen.  An ARP request
 * from us is answered on the spot (the peer's MAC), as a peer would.
 */
#ifndef TESTS_HOST_TCP_SCRIPT_H
#define TESTS_HOST_TCP_SCRIPT_H

#include <net/tcp.h>

#include "net_host_env.h"

#define TCPS_PEER_ISN 0xfffffc00U /* the peer's ISN: its data crosses 2^32 after 1 KiB */
#define TCPS_PORT     8080	  /* our listener's port */

/* The case under way: its sockets, the connection (held), the numbers learned. */
struct tcps {
	struct socket *listener, *conn;
	struct tcp_sock *tp; /* the connection, a reference held until tcps_end */
	u16 our_port, peer_port;
	u32 iss; /* our ISN */
	bool iss_known;
	u32 sent, read;	   /* bytes of our stream sent by "send", of the peer's read by "recv" */
	unsigned int line; /* the script line that failed (1-based), 0 if none */
};
extern struct tcps tcps;

/* Byte @off of either stream. */
static inline u8 tcps_pat(u32 off)
{
	return (u8)(off * 7 + (off >> 8) + 1);
}

/* Once per program: the stack up, the test NIC, the peer's address learned. */
void tcps_init(void);
/* A case begins: the peer uses @peer_port. */
void tcps_begin(u16 peer_port);
/* Run @lines; false at the first that fails (it and what was seen are printed). */
bool tcps_run(const char *const *lines);
/* Run one line (printf-style). */
bool tcps_do(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * The case ends: the sockets closed, the connection reset if it still
 * lives, the clock moved until every connection is gone, sent frames
 * dropped.  True if no TCP socket and no slab object is left beyond the
 * baseline of tcps_init.
 */
bool tcps_end(void);
/* The next frame we sent that is not ARP (requests answered on the way), or NULL. */
struct sk_buff *tcps_next_frame(void);
/* Objects allocated beyond the baseline. */
long tcps_leaked(void);

#endif
