/*
 * SPDX-License-Identifier: MIT
 * net/echo.c - the Echo Protocol (RFC 862) over UDP, port 7: "When a
 * datagram is received, the data from it is sent back in an answering
 * datagram."
 *
 * A kernel thread per online CPU, started at boot by a late_initcall, once
 * the loopback device and the NICs are up (it answers on 127.0.0.1 and on
 * eth0: the socket is bound to every address, so a NIC added later is
 * served too).  Each thread sleeps in udp_recvfrom on the one port-7 socket
 * and answers each datagram it gets from its sender's address and port.
 * Try it from the host with `make run` (README: the forwarded port).
 *
 *          one socket, port 7: sk_receive_queue, sk_wq
 *                 |            |            |
 *           udp-echo/0    udp-echo/1 ... udp-echo/N-1    bound to CPU 0 .. N-1
 *
 * Readers of a socket wait exclusively (net/socket.c): a datagram wakes one
 * sleeping thread, not all of them - the thread of the CPU that received it
 * if that one sleeps, else the first in line.  With a multiqueue NIC (a
 * queue and its interrupt per CPU) each CPU's thread so answers what its
 * CPU's queue received and sends it on that CPU's transmit queue: the load
 * spreads as the flows do.  A datagram is dequeued under the queue's lock,
 * so it reaches exactly one thread.
 *
 * Each thread has its own buffer and counters, written by it alone; the
 * readers (`netstat`, the tests) sum them, so the sum is exact without an
 * atomic on the hot path.  3.10 has no echo service in the kernel (inetd's
 * "echo dgram udp" in user space, one process): it is ours.
 */
#include <errno.h>
#include <kernel/err.h>
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <mm/slab.h>
#include <stdio.h>
#include <net/echo.h>
#include <net/ip.h>
#include <net/socket.h>

#include "net_internal.h"

/* One echo thread: its CPU, its buffer and what it counted. */
struct echo_worker {
	struct task_struct *thread;
	unsigned int cpu;	 /* bound here (kthread_bind) */
	unsigned long echoed;	 /* datagrams answered; written by the thread only */
	unsigned long failed;	 /* answers udp_sendto refused; likewise */
	u8 buf[UDP_MAX_PAYLOAD]; /* one datagram at a time */
};

/*
 * The service's state, set once at the start.  The workers are a dense
 * array rather than a per-CPU variable: `netstat` and the tests walk them
 * all, and a CPU left out at boot (maxcpus=, a hung AP) leaves no hole.
 */
static struct {
	struct socket *sock;
	unsigned int nr; /* workers started */
	struct echo_worker *workers[NR_CPUS];
} echo;

static int echo_thread(void *arg)
{
	struct echo_worker *w = arg;

	for (;;) {
		__be32 ip;
		u16 port;
		int n = udp_recvfrom(echo.sock, w->buf, sizeof(w->buf), &ip, &port, 0);

		if (n < 0)
			continue;
		/* One writer, readers on other CPUs: WRITE_ONCE so they never see a torn value. */
		if (udp_sendto(echo.sock, w->buf, (size_t)n, ip, port) == n)
			WRITE_ONCE(w->echoed, w->echoed + 1);
		else
			WRITE_ONCE(w->failed, w->failed + 1);
	}
	return 0;
}

/* Start the thread of CPU @cpu as worker echo.nr.  Returns 0 or -errno. */
static int echo_start_worker(unsigned int cpu)
{
	struct echo_worker *w = kzalloc(sizeof(*w), GFP_KERNEL);
	struct task_struct *t;

	if (!w)
		return -ENOMEM;
	t = kthread_create(echo_thread, w, "udp-echo/%u", cpu);
	if (IS_ERR(t)) {
		kfree(w);
		return (int)PTR_ERR(t);
	}
	w->thread = t;
	w->cpu = cpu;
	kthread_bind(t, cpu);
	echo.workers[echo.nr++] = w;
	wake_up_process(t);
	return 0;
}

int echo_service_start(void)
{
	unsigned int cpu;
	int err;

	err = sock_create_udp(&echo.sock);
	if (err)
		return err;
	err = udp_bind(echo.sock, ECHO_PORT);
	if (err)
		goto err_release;
	for_each_online_cpu(cpu) {
		err = echo_start_worker(cpu);
		if (err) /* the threads already started serve every datagram still */
			pr_warn("net: no echo thread for CPU %u: error %d\n", cpu, err);
	}
	if (!echo.nr)
		goto err_release;
	if (echo.nr == 1)
		pr_info("net: UDP echo service on port %d\n", ECHO_PORT);
	else
		pr_info("net: UDP echo service on port %d, %u threads (one per CPU)\n", ECHO_PORT,
			echo.nr);
	return 0;

err_release:
	sock_release(echo.sock);
	echo.sock = NULL;
	return err;
}
late_initcall(echo_service_start);

unsigned int echo_service_threads(void)
{
	return echo.nr;
}

bool echo_service_thread_stat(unsigned int i, struct echo_thread_stat *st)
{
	const struct echo_worker *w;

	if (i >= echo.nr)
		return false;
	w = echo.workers[i];
	st->cpu = w->cpu;
	st->pid = w->thread->pid;
	st->echoed = READ_ONCE(w->echoed);
	st->failed = READ_ONCE(w->failed);
	return true;
}

unsigned long echo_service_count(void)
{
	unsigned long sum = 0;

	for (unsigned int i = 0; i < echo.nr; i++)
		sum += READ_ONCE(echo.workers[i]->echoed);
	return sum;
}

/* Four threads to a line of `netstat`, each line printed whole (other CPUs print too). */
#define ECHO_SHOW_PER_LINE 4

void echo_service_show(void)
{
	struct echo_thread_stat st;
	char line[320]; /* 4 threads of at most 66 characters each fit */
	size_t len = 0;

	for (unsigned int i = 0; echo_service_thread_stat(i, &st); i++) {
		if (i % ECHO_SHOW_PER_LINE == 0)
			len = (size_t)snprintf(line, sizeof(line), "%s", i ? "     " : "Echo:");
		len += (size_t)snprintf(line + len, sizeof(line) - len, " udp-echo/%u %lu", st.cpu,
					st.echoed);
		if (st.failed && len < sizeof(line))
			len += (size_t)snprintf(line + len, sizeof(line) - len, " (%lu failed)",
						st.failed);
		if (i % ECHO_SHOW_PER_LINE == ECHO_SHOW_PER_LINE - 1 || i + 1 == echo.nr)
			printk("%s\n", line);
	}
}
