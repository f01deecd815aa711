/*
 * SPDX-License-Identifier: MIT
 * net/echo.h - the UDP echo service (RFC 862, port 7; net/echo.c): what it
 * counts, for `netstat` and the tests.
 *
 * One thread per online CPU, "udp-echo/N" bound to CPU N, all reading the
 * one socket bound to port 7.  Each datagram wakes one of them (the
 * socket's readers wait exclusively, net/socket.c), so a burst spreads over
 * the CPUs and every datagram is answered exactly once.  Each thread counts
 * its own answers; the sum over the threads is exact.
 */
#ifndef NET_ECHO_H
#define NET_ECHO_H

#include <kernel/types.h>

#define ECHO_PORT 7

/* One echo thread's figures (echo_service_thread_stat). */
struct echo_thread_stat {
	unsigned int cpu;     /* the CPU it is bound to */
	int pid;	      /* its thread */
	unsigned long echoed; /* datagrams it answered */
	unsigned long failed; /* answers udp_sendto refused */
};

/*
 * echo_service_threads - how many echo threads run (one per CPU online at
 * boot; 0 if the service did not start).  Context: any.
 */
unsigned int echo_service_threads(void);

/*
 * echo_service_thread_stat - the figures of echo thread @i (0 ..
 * echo_service_threads() - 1) into @st.  Returns false if there is no
 * thread @i.  Each counter is read once; a thread may answer more meanwhile.
 * Context: any.
 */
bool echo_service_thread_stat(unsigned int i, struct echo_thread_stat *st);

/* Datagrams the service answered, summed over its threads.  Context: any. */
unsigned long echo_service_count(void);

/* Print the per-thread line of `netstat` ("Echo: udp-echo/0 12 ...").  Context: thread. */
void echo_service_show(void);

#endif
