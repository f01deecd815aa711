/*
 * SPDX-License-Identifier: MIT
 * net/echo.c - the Echo Protocol (RFC 862) over UDP, port 7: "When a
 * datagram is received, the data from it is sent back in an answering
 * datagram."
 *
 * One kernel thread, started at boot by a late_initcall, once the loopback
 * device and the NICs are up (it answers on 127.0.0.1 and on eth0: the
 * socket is bound to every address, so a NIC added later is served too).  It sleeps in
 * udp_recvfrom and answers each datagram from its sender's address and
 * port.  Try it from the host with `make run` (README: the forwarded port).
 */
#include <errno.h>
#include <kernel/err.h>
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <net/ip.h>
#include <net/socket.h>

#include "net_internal.h"

#define ECHO_PORT 7

/* The service's state; only its thread writes it after the start. */
static struct {
	struct socket *sock;
	struct task_struct *thread;
	unsigned long echoed;	 /* datagrams answered */
	unsigned long failed;	 /* answers udp_sendto refused */
	u8 buf[UDP_MAX_PAYLOAD]; /* one datagram at a time */
} echo;

static int echo_thread(void *unused)
{
	for (;;) {
		__be32 ip;
		u16 port;
		int n = udp_recvfrom(echo.sock, echo.buf, sizeof(echo.buf), &ip, &port, 0);

		if (n < 0)
			continue;
		if (udp_sendto(echo.sock, echo.buf, (size_t)n, ip, port) == n)
			echo.echoed++;
		else
			echo.failed++;
	}
	return 0;
}

int echo_service_start(void)
{
	struct task_struct *t;
	int err;

	err = sock_create_udp(&echo.sock);
	if (err)
		return err;
	err = udp_bind(echo.sock, ECHO_PORT);
	if (err)
		goto err_release;
	t = kthread_run(echo_thread, NULL, "udp-echo");
	if (IS_ERR(t)) {
		err = (int)PTR_ERR(t);
		goto err_release;
	}
	echo.thread = t;
	pr_info("net: UDP echo service on port %d\n", ECHO_PORT);
	return 0;

err_release:
	sock_release(echo.sock);
	echo.sock = NULL;
	return err;
}
late_initcall(echo_service_start);

/* Datagrams the echo service answered (for `netstat`). */
unsigned long echo_service_count(void)
{
	return echo.echoed;
}
