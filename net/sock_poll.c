/*
 * SPDX-License-Identifier: MIT
 * net/sock_poll.c - waiting on several sockets at once: a small poll(2)
 * for kernel code, over TCP and UDP sockets.
 *
 *   struct kpollfd fds[2] = { { .sock = listener, .events = POLLIN },
 *                             { .sock = conn, .events = POLLIN | POLLOUT } };
 *   n = kernel_poll(fds, 2, 1000);      ready sockets, 0 on timeout
 *
 * The caller joins every socket's wait queue, then looks at each socket;
 * if none is ready it sleeps until one of them wakes its queue (a segment,
 * a datagram, room to send, a connection to accept, an error) or the time
 * is up, and looks again.  Joining before looking means no wake-up is
 * lost between the look and the sleep (3.10's do_poll with its poll_table
 * does the same).  3.10 polls file descriptors through each file's
 * ->poll(); we take sockets directly: docs/linux-3.10.md#tcp-api.
 */
#include <errno.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <mm/slab.h>
#include <net/skb_queue.h>
#include <net/socket.h>
#include <net/tcp.h>

/* What a TCP socket can do now (3.10's tcp_poll, the events we have). */
static short tcp_poll_mask(struct tcp_sock *tp)
{
	short mask = 0;
	int state = READ_ONCE(tp->state);

	if (state == TCP_LISTEN)
		return list_empty(&tp->accept_queue) ? 0 : POLLIN;
	if (READ_ONCE(tp->sk_err))
		mask |= POLLERR;
	if ((READ_ONCE(tp->shutdown) == (RCV_SHUTDOWN | SEND_SHUTDOWN)) || state == TCP_CLOSE)
		mask |= POLLHUP;
	if (!skb_queue_empty(&tp->sk.sk_receive_queue) || READ_ONCE(tp->fin_rcvd) ||
	    (READ_ONCE(tp->shutdown) & RCV_SHUTDOWN))
		mask |= POLLIN;
	if ((state == TCP_ESTABLISHED || state == TCP_CLOSE_WAIT) &&
	    !(READ_ONCE(tp->shutdown) & SEND_SHUTDOWN) &&
	    READ_ONCE(tp->wmem_queued) < READ_ONCE(tp->sndbuf))
		mask |= POLLOUT;
	return mask;
}

static short sock_poll_mask(struct socket *sock)
{
	if (sock->type == SOCK_STREAM)
		return tcp_poll_mask(tcp_sk(sock->sk));
	/* UDP: a datagram waiting; sending never waits here. */
	return (skb_queue_empty(&sock->sk->sk_receive_queue) ? 0 : POLLIN) | POLLOUT;
}

/* Fill every revents; the number of sockets with something to report. */
static int poll_once(struct kpollfd *fds, unsigned int n)
{
	int ready = 0;

	for (unsigned int i = 0; i < n; i++) {
		/* Errors and hang-ups are reported whether asked for or not, as poll(2). */
		fds[i].revents = sock_poll_mask(fds[i].sock) & (fds[i].events | POLLERR | POLLHUP);
		ready += fds[i].revents != 0;
	}
	return ready;
}

int kernel_poll(struct kpollfd *fds, unsigned int n, int timeout_ms)
{
	long timeo = timeout_ms < 0 ? MAX_SCHEDULE_TIMEOUT : (long)msecs_to_jiffies(timeout_ms);
	struct wait_queue_entry *w;
	int ready;

	if (n > KPOLL_MAX)
		return -EINVAL;
	ready = poll_once(fds, n);
	if (ready || !timeo)
		return ready;
	w = kcalloc(n, sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	for (unsigned int i = 0; i < n; i++) {
		w[i].task = current;
		INIT_LIST_HEAD(&w[i].entry);
	}
	for (;;) {
		for (unsigned int i = 0; i < n; i++)
			prepare_to_wait(&fds[i].sock->sk->sk_wq, &w[i], TASK_UNINTERRUPTIBLE);
		ready = poll_once(fds, n);
		if (ready || !timeo)
			break;
		timeo = schedule_timeout(timeo);
	}
	for (unsigned int i = 0; i < n; i++)
		finish_wait(&fds[i].sock->sk->sk_wq, &w[i]);
	kfree(w);
	return ready;
}
