/*
 * SPDX-License-Identifier: MIT
 * net/napi.c - NAPI: receive work done by polling, in NET_RX_SOFTIRQ.
 *
 * An interrupt per packet would drown the CPU under load.  NAPI lets a
 * driver turn its receive interrupt off and be polled instead:
 *
 *   IRQ --> napi_schedule(n): n on poll_list, raise NET_RX_SOFTIRQ
 *   NET_RX_SOFTIRQ --> net_rx_action():
 *       for each n on poll_list, while the run's budget lasts:
 *           done = n->poll(n, n->weight)
 *           done == weight: more work - n goes to the back of the list
 *           done <  weight: the poll called napi_complete_done; n is off
 *       budget used up with work left: time_squeeze++, raise the softirq
 *       again (kernel/softirq.c hands it to ksoftirqd after a few rounds)
 *
 * napi->state's NAPI_STATE_SCHED bit is the ownership token: whoever sets
 * it (napi_schedule_prep) puts n on the list; only the poll's
 * napi_complete_done clears it.  A disabled instance keeps SCHED set, so
 * it can never be scheduled; napi_disable waits for a running poll to
 * complete and then takes SCHED for itself.
 *
 * The backlog: devices without NAPI (loopback) call netif_rx(), which
 * queues on input_pkt_queue; a NAPI instance of our own (process_backlog)
 * drains it like any device's poll.
 *
 * poll_list is touched by interrupt handlers (napi_schedule), so it is
 * only changed with interrupts off.  One CPU: no per-CPU lists.
 */
#include <kernel/irqflags.h>
#include <kernel/panic.h>
#include <kernel/softirq.h>
#include <kernel/time.h>
#include <kernel/trace.h>
#include <net/netdevice.h>

#include "net_internal.h"

int netdev_budget = 300;       /* Linux's net.core.netdev_budget */
int netdev_max_backlog = 1000; /* Linux's net.core.netdev_max_backlog */
struct softnet_stat softnet_stat;

static LIST_HEAD(poll_list); /* scheduled instances; interrupts off to touch */

/* The receive backlog of netif_rx (Linux's per-CPU softnet_data). */
static struct {
	struct sk_buff_head input_pkt_queue; /* its lock is taken with interrupts off */
	struct napi_struct backlog;	     /* drains it: process_backlog */
} softnet;

static bool napi_test_bit(const struct napi_struct *n, int bit)
{
	return __atomic_load_n(&n->state, __ATOMIC_ACQUIRE) & (1UL << bit);
}

static bool napi_test_and_set_bit(struct napi_struct *n, int bit)
{
	return __atomic_fetch_or(&n->state, 1UL << bit, __ATOMIC_ACQ_REL) & (1UL << bit);
}

static void napi_clear_bit(struct napi_struct *n, int bit)
{
	__atomic_fetch_and(&n->state, ~(1UL << bit), __ATOMIC_RELEASE);
}

bool napi_schedule_prep(struct napi_struct *napi)
{
	if (napi_test_bit(napi, NAPI_STATE_DISABLE))
		return false;
	return !napi_test_and_set_bit(napi, NAPI_STATE_SCHED);
}

void __napi_schedule(struct napi_struct *napi)
{
	unsigned long flags;

	local_irq_save(flags);
	list_add_tail(&napi->poll_list, &poll_list);
	raise_softirq_irqoff(NET_RX_SOFTIRQ);
	local_irq_restore(flags);
}

void napi_schedule(struct napi_struct *napi)
{
	if (napi_schedule_prep(napi))
		__napi_schedule(napi);
}

bool napi_complete_done(struct napi_struct *napi, int work_done)
{
	unsigned long flags;

	/* The poll is running, so n is off poll_list (net_rx_action took it off). */
	local_irq_save(flags);
	WARN_ON_ONCE(!napi_test_bit(napi, NAPI_STATE_SCHED));
	napi_clear_bit(napi, NAPI_STATE_SCHED);
	local_irq_restore(flags);
	return true;
}

void netif_napi_add_weight(struct net_device *dev, struct napi_struct *napi,
			   int (*poll)(struct napi_struct *, int), int weight)
{
	INIT_LIST_HEAD(&napi->poll_list);
	napi->state = 1UL << NAPI_STATE_SCHED; /* disabled until napi_enable */
	napi->weight = weight;
	napi->poll = poll;
	napi->dev = dev;
	napi->polls = 0;
	if (dev)
		list_add_tail(&napi->dev_list, &dev->napi_list);
	else
		INIT_LIST_HEAD(&napi->dev_list);
}

void netif_napi_add(struct net_device *dev, struct napi_struct *napi,
		    int (*poll)(struct napi_struct *, int))
{
	netif_napi_add_weight(dev, napi, poll, NAPI_POLL_WEIGHT);
}

void netif_napi_del(struct napi_struct *napi)
{
	WARN_ON(!napi_test_bit(napi, NAPI_STATE_SCHED)); /* must be disabled */
	list_del_init(&napi->dev_list);
}

void napi_enable(struct napi_struct *napi)
{
	WARN_ON_ONCE(!napi_test_bit(napi, NAPI_STATE_SCHED)); /* enabled twice */
	napi_clear_bit(napi, NAPI_STATE_DISABLE);
	napi_clear_bit(napi, NAPI_STATE_SCHED);
}

void napi_disable(struct napi_struct *napi)
{
	might_sleep();
	napi_test_and_set_bit(napi, NAPI_STATE_DISABLE);
	/* A scheduled poll still runs (and net_rx_action completes it); then SCHED is ours. */
	while (napi_test_and_set_bit(napi, NAPI_STATE_SCHED))
		msleep(1);
	napi_clear_bit(napi, NAPI_STATE_DISABLE);
}

/* Run one poll.  Returns the packets it did; puts @n on @repoll if it wants more. */
static int napi_poll(struct napi_struct *n, struct list_head *repoll)
{
	int work;

	trace_net_ctx(TE_NAPI_POLL, n->dev, n->weight);
	work = n->poll(n, n->weight);
	trace_net_ctx(TE_NAPI_POLL_DONE, n->dev, work);
	n->polls++;
	softnet_stat.processed += work;
	WARN_ON_ONCE(work > n->weight);
	if (work < n->weight)
		return work; /* it called napi_complete_done */
	/* A full budget: more may be waiting.  Unless it is being disabled, poll it again. */
	if (napi_test_bit(n, NAPI_STATE_DISABLE)) {
		napi_complete_done(n, work);
		return work;
	}
	list_add_tail(&n->poll_list, repoll);
	return work;
}

/* Move every entry of @from to the front of @to, keeping their order. */
static void list_splice_front(struct list_head *from, struct list_head *to)
{
	while (!list_empty(from)) {
		struct list_head *last = from->prev;

		list_del(last);
		list_add(last, to);
	}
}

/* NET_RX_SOFTIRQ. */
static void net_rx_action(void)
{
	int budget = netdev_budget;
	LIST_HEAD(list);
	LIST_HEAD(repoll);

	local_irq_disable();
	list_splice_front(&poll_list, &list);
	local_irq_enable();

	while (!list_empty(&list)) {
		struct napi_struct *n = list_first_entry(&list, struct napi_struct, poll_list);

		list_del_init(&n->poll_list);
		budget -= napi_poll(n, &repoll);
		if (budget <= 0)
			break;
	}

	local_irq_disable();
	/* Unpolled ones first, then the ones that want more: everyone gets a turn. */
	list_splice_front(&repoll, &poll_list);
	list_splice_front(&list, &poll_list);
	if (!list_empty(&poll_list)) {
		if (budget <= 0)
			softnet_stat.time_squeeze++;
		raise_softirq_irqoff(NET_RX_SOFTIRQ);
	}
	local_irq_enable();
}

/* ---- the backlog of netif_rx ------------------------------------------------ */

int netif_rx(struct sk_buff *skb)
{
	unsigned long flags;

	local_irq_save(flags);
	if (skb_queue_len(&softnet.input_pkt_queue) >= (u32)netdev_max_backlog) {
		softnet_stat.dropped++;
		skb->dev->stats.rx_dropped++;
		local_irq_restore(flags);
		skb_drop(skb, SKB_DROP_REASON_CPU_BACKLOG);
		return NET_RX_DROP;
	}
	__skb_queue_tail(&softnet.input_pkt_queue, skb);
	napi_schedule(&softnet.backlog);
	local_irq_restore(flags);
	return NET_RX_SUCCESS;
}

/*
 * The backlog's poll.  "Empty, so complete" is decided with interrupts
 * off: a netif_rx from an interrupt cannot slip in between and find SCHED
 * still set (and so not schedule) for a packet nobody would then poll.
 */
static int process_backlog(struct napi_struct *napi, int quota)
{
	int work = 0;

	while (work < quota) {
		struct sk_buff *skb;

		local_irq_disable();
		skb = __skb_dequeue(&softnet.input_pkt_queue);
		if (!skb) {
			napi_complete_done(napi, work);
			local_irq_enable();
			break;
		}
		local_irq_enable();
		netif_receive_skb(skb);
		work++;
	}
	return work;
}

void backlog_purge_dev(struct net_device *dev)
{
	struct sk_buff *skb, *tmp;
	struct sk_buff_head doomed;

	__skb_queue_head_init(&doomed);
	local_irq_disable();
	skb_queue_walk_safe(&softnet.input_pkt_queue, skb, tmp) {
		if (skb->dev != dev)
			continue;
		__skb_unlink(skb, &softnet.input_pkt_queue);
		__skb_queue_tail(&doomed, skb);
	}
	local_irq_enable();
	while ((skb = __skb_dequeue(&doomed)))
		skb_drop(skb, SKB_DROP_REASON_DEV_DOWN);
}

unsigned int backlog_len(void)
{
	return skb_queue_len(&softnet.input_pkt_queue);
}

void napi_core_init(void)
{
	skb_queue_head_init(&softnet.input_pkt_queue);
	softnet.input_pkt_queue.lock.name = "input_pkt_queue";
	netif_napi_add_weight(NULL, &softnet.backlog, process_backlog, NAPI_POLL_WEIGHT);
	napi_enable(&softnet.backlog);
	open_softirq(NET_RX_SOFTIRQ, net_rx_action);
}
