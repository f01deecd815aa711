/*
 * SPDX-License-Identifier: MIT
 * net/tcp_echo.c - the Echo Protocol (RFC 862) over TCP, port 7: "Once a
 * connection is established any data received is sent back."
 *
 *   tcp-echo         listens on port 7; accepts; a thread per connection
 *   tcp-echo/<n>     reads what comes, writes it back, until the peer's FIN;
 *                    then closes (our FIN) and ends
 *
 * At most TCP_ECHO_MAX connections are served at once; one more is closed
 * at once (the client sees its connection end), so a flood of clients costs
 * a bounded number of threads.  A client that sends and never reads fills
 * its connection's windows and its thread waits: the others go on.
 * `make run` forwards host TCP port 7007 here (README).  3.10 has no echo
 * service in the kernel (inetd's "echo stream tcp"): it is ours.
 */
#include <errno.h>
#include <kernel/err.h>
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <mm/slab.h>
#include <net/echo.h>
#include <net/socket.h>
#include <net/tcp.h>

#define TCP_ECHO_MAX	  16
#define TCP_ECHO_BUF	  4096
#define TCP_ECHO_STALL_MS 3000	 /* a send that makes no progress this long: the client is gone */
#define TCP_ECHO_IDLE_MS  300000 /* nothing received for 5 minutes: likewise */

static struct {
	struct socket *listener;
	int active;	       /* connection threads running (atomic) */
	unsigned long conns;   /* connections served */
	unsigned long refused; /* closed at once: TCP_ECHO_MAX were busy */
	unsigned long aborted; /* reset: the client stalled or went quiet */
	unsigned long bytes;   /* bytes echoed */
} tcp_echo;

/* One connection: echo until the end, then close.  The thread frees what it was given. */
static int tcp_echo_conn(void *arg)
{
	struct socket *sock = arg;
	u8 *buf = kmalloc(TCP_ECHO_BUF, GFP_KERNEL);
	int n = 0;

	/*
	 * A client that stops reading stalls our sends, one that goes quiet our
	 * reads: either way, after a while the connection is aborted (RST), so
	 * it cannot hold a thread and its buffers forever.
	 */
	sock_set_sndtimeo(sock, TCP_ECHO_STALL_MS);
	sock_set_rcvtimeo(sock, TCP_ECHO_IDLE_MS);
	while (buf && (n = kernel_recvmsg(sock, buf, TCP_ECHO_BUF, 0)) > 0) {
		for (int off = 0; off < n;) {
			int w = kernel_sendmsg(sock, buf + off, (size_t)(n - off), 0);

			if (w <= 0) {
				__atomic_add_fetch(&tcp_echo.aborted, 1, __ATOMIC_RELAXED);
				tcp_set_linger0(sock, true);
				goto out;
			}
			off += w;
		}
		__atomic_add_fetch(&tcp_echo.bytes, (unsigned long)n, __ATOMIC_RELAXED);
	}
	if (n == -EAGAIN) {
		__atomic_add_fetch(&tcp_echo.aborted, 1, __ATOMIC_RELAXED);
		tcp_set_linger0(sock, true);
	}
out:
	kfree(buf);
	sock_release(sock);
	__atomic_sub_fetch(&tcp_echo.active, 1, __ATOMIC_RELAXED);
	return 0;
}

static int tcp_echo_listen(void *arg)
{
	(void)arg;
	for (;;) {
		struct socket *sock;
		struct task_struct *t;

		if (kernel_accept(tcp_echo.listener, &sock, 0))
			continue; /* a timeout or no memory: accept again */
		if (__atomic_add_fetch(&tcp_echo.active, 1, __ATOMIC_RELAXED) > TCP_ECHO_MAX) {
			__atomic_sub_fetch(&tcp_echo.active, 1, __ATOMIC_RELAXED);
			tcp_echo.refused++;
			sock_release(sock);
			continue;
		}
		t = kthread_create(tcp_echo_conn, sock, "tcp-echo/%lu", tcp_echo.conns % 1000);
		if (IS_ERR(t)) {
			__atomic_sub_fetch(&tcp_echo.active, 1, __ATOMIC_RELAXED);
			sock_release(sock);
			continue;
		}
		tcp_echo.conns++;
		wake_up_process(t);
	}
	return 0;
}

static int tcp_echo_start(void)
{
	struct task_struct *t;
	int err = sock_create_tcp(&tcp_echo.listener);

	if (!err)
		err = kernel_bind(tcp_echo.listener, ECHO_PORT);
	if (!err)
		err = kernel_listen(tcp_echo.listener, TCP_ECHO_MAX);
	if (!err) {
		t = kthread_run(tcp_echo_listen, NULL, "tcp-echo");
		err = IS_ERR(t) ? (int)PTR_ERR(t) : 0;
	}
	if (err) {
		sock_release(tcp_echo.listener);
		tcp_echo.listener = NULL;
		pr_warn("net: no TCP echo service: error %d\n", err);
		return err;
	}
	pr_info("net: TCP echo service on port %d\n", ECHO_PORT);
	return 0;
}
late_initcall(tcp_echo_start);

void tcp_echo_stat(unsigned long *conns, unsigned long *refused, unsigned long *aborted,
		   unsigned long *bytes, int *active)
{
	*conns = READ_ONCE(tcp_echo.conns);
	*refused = READ_ONCE(tcp_echo.refused);
	*aborted = __atomic_load_n(&tcp_echo.aborted, __ATOMIC_RELAXED);
	*bytes = __atomic_load_n(&tcp_echo.bytes, __ATOMIC_RELAXED);
	*active = __atomic_load_n(&tcp_echo.active, __ATOMIC_RELAXED);
}
