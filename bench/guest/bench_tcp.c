/*
 * SPDX-License-Identifier: MIT
 * bench/guest/bench_tcp.c - TCP in guest instructions (make bench, or boot
 * with bench=tcp): a 64-byte round trip through the TCP echo service over
 * lo beside the same through the UDP echo service, and a bulk transfer
 * over lo per KiB (the sender's and the receiver's work, both on this CPU).
 */
#include <arch/x86.h>
#include <kernel/bench.h>
#include <kernel/printk.h>
#include <mm/slab.h>
#include <net/echo.h>
#include <net/ip.h>
#include <net/socket.h>
#include <net/tcp.h>

#define ECHO_BYTES 64

static u64 bench_tcp_echo(unsigned long iters)
{
	static u8 buf[ECHO_BYTES];
	struct socket *sock;
	u64 start, used = 0;

	if (sock_create_tcp(&sock))
		return 0;
	sock_set_rcvtimeo(sock, 1000);
	if (kernel_connect(sock, INADDR_LOOPBACK, ECHO_PORT, 0))
		goto out;
	start = rdtsc();
	for (unsigned long i = 0; i < iters; i++) {
		if (kernel_sendmsg(sock, buf, sizeof(buf), 0) != sizeof(buf) ||
		    kernel_recvmsg(sock, buf, sizeof(buf), 0) != sizeof(buf)) {
			pr_warn("bench_tcp: an echo over lo failed\n");
			goto out;
		}
	}
	used = rdtsc() - start;
out:
	sock_release(sock);
	return used;
}

static u64 bench_udp_echo(unsigned long iters)
{
	static u8 buf[ECHO_BYTES];
	struct socket *sock;
	u64 start, used = 0;

	if (sock_create_udp(&sock))
		return 0;
	sock_set_rcvtimeo(sock, 1000);
	start = rdtsc();
	for (unsigned long i = 0; i < iters; i++) {
		if (udp_sendto(sock, buf, sizeof(buf), INADDR_LOOPBACK, ECHO_PORT) != sizeof(buf) ||
		    udp_recvfrom(sock, buf, sizeof(buf), NULL, NULL, 0) != sizeof(buf)) {
			pr_warn("bench_tcp: a UDP echo over lo failed\n");
			goto out;
		}
	}
	used = rdtsc() - start;
out:
	sock_release(sock);
	return used;
}

/*
 * @iters KiB through one connection over lo, sent and read in 16 KiB
 * pieces by this thread (the send buffer holds what is not yet read).
 */
static u64 bench_tcp_bulk(unsigned long iters)
{
	struct socket *l, *c = NULL, *a = NULL;
	u8 *buf = kmalloc(16384, GFP_KERNEL);
	unsigned long left = iters * 1024;
	u64 start, used = 0;

	if (!buf || sock_create_tcp(&l)) {
		kfree(buf);
		return 0;
	}
	/* A fresh ephemeral port each run: the last run's may still be in TIME_WAIT. */
	if (kernel_bind(l, 0) || kernel_listen(l, 1) || sock_create_tcp(&c) ||
	    kernel_connect(c, INADDR_LOOPBACK, l->sk->inet_num, 0) || kernel_accept(l, &a, 0))
		goto out;
	sock_set_rcvtimeo(a, 1000);
	start = rdtsc();
	while (left) {
		size_t n = left < 16384 ? left : 16384;
		int got = 0, r;

		if (kernel_sendmsg(c, buf, n, 0) != (int)n)
			goto out;
		while ((size_t)got < n && (r = kernel_recvmsg(a, buf, n - (size_t)got, 0)) > 0)
			got += r;
		if ((size_t)got != n)
			goto out;
		left -= n;
	}
	used = rdtsc() - start;
out:
	if (!used)
		pr_warn("bench_tcp: the bulk transfer over lo failed\n");
	sock_release(a);
	sock_release(c);
	sock_release(l);
	kfree(buf);
	return used;
}

BENCH(tcp_echo, "tcp echo over lo, 64 B round trip", bench_tcp_echo, "udp echo over lo, 64 B",
      bench_udp_echo);
BENCH(tcp_bulk, "tcp bulk over lo, per KiB sent and received", bench_tcp_bulk, NULL, NULL);
