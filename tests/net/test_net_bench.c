/*
 * SPDX-License-Identifier: MIT
 * tests/net/test_net_bench.c - suite `net_bench`: how the stack itself scales
 * with CPUs, without the host in the path.  UDP echo over loopback, a pair
 * of threads bound to each online CPU, each pair with sockets of its own:
 *
 *   CPU 0                          CPU 1                          ...
 *   client (port 4400) --+         client (port 4401) --+
 *        ^               v              ^               v
 *        |     lo, CPU 0's backlog      |     lo, CPU 1's backlog
 *        |               v              |               v
 *        +--- server (port 4300)        +--- server (port 4301)
 *
 * Each client keeps NB_WINDOW datagrams in flight to its server for
 * NB_SECONDS (one unanswered after NB_RETRY_MS is sent again); the server
 * sends each back.  Every datagram crosses udp_sendto, the loopback device,
 * the receiving CPU's backlog and NET_RX softirq, udp_queue_rcv and a
 * wake-up, twice.  Printed as
 *
 *   net_bench: loopback_echo_allcpus 41000 datagrams/s (2 CPUs)
 *
 * tools/bench_net.py boots it with -smp 1, 2 and 4 under MTTCG and prints
 * each beside the 1-CPU figure: what the guest's own locks and shared data
 * cost as CPUs are added.  (A vCPU is still a host thread: on a host with
 * fewer cores than vCPUs the figure also shows the host's time slicing.)
 * With LOCKDEP=y it also prints `lock_stat`: the locks the pairs waited for.
 * Runs only when named (test=net_bench), as the other benchmarks.
 */
#include <errno.h>
#include <kernel/ktest.h>
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <net/ip.h>
#include <net/socket.h>
#include <string.h>

#define NB_SERVER_PORT 4300 /* + CPU */
#define NB_CLIENT_PORT 4400 /* + CPU */
#define NB_WINDOW      4    /* datagrams in flight per pair */
#define NB_SECONDS     2
#define NB_RETRY_MS    100
#define NB_SIZE	       64

/* What each datagram carries: the pair's CPU and a number. */
struct nb_payload {
	u32 cpu;
	u32 seq;
	u8 pad[NB_SIZE - 8];
};

/* One CPU's pair: orders and what they counted. */
struct nb_pair {
	unsigned int cpu;
	unsigned long echoed; /* replies the client got back intact */
	unsigned long bad;    /* replies from elsewhere or changed */
	int err;	      /* the first socket error, or 0 */
};

/* Shared by every pair: when to start and stop (set by the test, read by all). */
static struct {
	u64 start_ns, end_ns;
	int stop; /* the clients are done: servers leave at their next timeout */
} nb;

/* A UDP socket bound to @port that waits at most NB_RETRY_MS; NULL on error (in @err). */
static struct socket *nb_socket(u16 port, int *err)
{
	struct socket *sock;

	*err = sock_create_udp(&sock);
	if (*err)
		return NULL;
	*err = udp_bind(sock, port);
	if (*err) {
		sock_release(sock);
		return NULL;
	}
	sock_set_rcvtimeo(sock, NB_RETRY_MS);
	return sock;
}

static int nb_server(void *arg)
{
	struct nb_pair *p = arg;
	struct nb_payload buf;
	int err;
	struct socket *sock = nb_socket(NB_SERVER_PORT + p->cpu, &err);

	if (!sock) {
		p->err = err;
		return 0;
	}
	while (!READ_ONCE(nb.stop)) {
		__be32 ip;
		u16 port;
		int n = udp_recvfrom(sock, &buf, sizeof(buf), &ip, &port, 0);

		if (n > 0)
			udp_sendto(sock, &buf, (size_t)n, ip, port);
	}
	sock_release(sock);
	return 0;
}

/* Send datagram @seq of pair @p; false on an error (kept in p->err). */
static bool nb_send(struct nb_pair *p, struct socket *sock, u32 seq)
{
	struct nb_payload d = { .cpu = p->cpu, .seq = seq };
	int n = udp_sendto(sock, &d, sizeof(d), INADDR_LOOPBACK, NB_SERVER_PORT + p->cpu);

	if (n == (int)sizeof(d))
		return true;
	p->err = n < 0 ? n : -EIO;
	return false;
}

static int nb_client(void *arg)
{
	struct nb_pair *p = arg;
	struct nb_payload got;
	u32 seq = 0;
	int err;
	struct socket *sock = nb_socket(NB_CLIENT_PORT + p->cpu, &err);

	if (!sock) {
		p->err = err;
		return 0;
	}
	while (ktime_get_ns() < READ_ONCE(nb.start_ns))
		msleep(1);
	while (seq < NB_WINDOW && nb_send(p, sock, seq))
		seq++;
	while (!p->err && ktime_get_ns() < nb.end_ns) {
		int n = udp_recvfrom(sock, &got, sizeof(got), NULL, NULL, 0);

		if (n == (int)sizeof(got) && got.cpu == p->cpu)
			p->echoed++;
		else if (n != -EAGAIN)
			p->bad++;
		/* An answer, or a timeout (one lost): either way one more keeps the window. */
		if (!nb_send(p, sock, seq++))
			break;
	}
	sock_release(sock);
	return 0;
}

#ifdef CONFIG_LOCKDEP
/* Run monitor command @cmd (lock_stat: which locks the pairs waited for). */
static void nb_lock_stat(const char *cmd)
{
	char line[32];

	strcpy(line, cmd); /* monitor_exec splits it in place */
	monitor_exec(line);
}
#else
static void nb_lock_stat(const char *cmd)
{
}
#endif

/* The echo pairs on every online CPU at once; prints the datagrams echoed per second. */
TEST_CASE(net_bench_loopback_echo_allcpus)
{
	static struct nb_pair pairs[NR_CPUS];
	static struct task_struct *srv[NR_CPUS], *cli[NR_CPUS];
	unsigned int n = 0, cpu;
	unsigned long sum = 0;

	nb_lock_stat("lock_stat clear");
	WRITE_ONCE(nb.stop, 0);
	nb.start_ns = ktime_get_ns() + 200000000ULL; /* every thread started and bound by then */
	nb.end_ns = nb.start_ns + NB_SECONDS * 1000000000ULL;
	for_each_online_cpu(cpu) {
		pairs[n] = (struct nb_pair){ .cpu = cpu };
		srv[n] = ktest_thread_start_on(nb_server, &pairs[n], "nb-server", cpu);
		cli[n] = ktest_thread_start_on(nb_client, &pairs[n], "nb-client", cpu);
		n++;
	}
	for (unsigned int i = 0; i < n; i++)
		if (cli[i])
			EXPECT_EQ(t, ktest_thread_finish(cli[i], 60000), 0);
	WRITE_ONCE(nb.stop, 1);
	for (unsigned int i = 0; i < n; i++)
		if (srv[i])
			EXPECT_EQ(t, ktest_thread_finish(srv[i], 60000), 0);
	for (unsigned int i = 0; i < n; i++) {
		ASSERT_NOT_NULL(t, srv[i]);
		ASSERT_NOT_NULL(t, cli[i]);
		EXPECT_EQ(t, pairs[i].err, 0);
		EXPECT_EQ(t, pairs[i].bad, 0);
		EXPECT_GT(t, pairs[i].echoed, 0);
		sum += pairs[i].echoed;
	}
	printk("net_bench: loopback_echo_allcpus %lu datagrams/s (%u CPUs)\n", sum / NB_SECONDS, n);
	nb_lock_stat("lock_stat");
}

static const struct ktest_case net_bench_cases[] = {
	KTEST_TIMEOUT(net_bench_loopback_echo_allcpus, 120000), {}
};

static const struct ktest_suite __ktest_suite_net_bench __section(".ktest_suites")
	__used __aligned(8) = {
		.name = "net_bench",
		.cases = net_bench_cases,
		.by_name_only = "a benchmark: make bench runs it",
	};
