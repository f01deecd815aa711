/*
 * SPDX-License-Identifier: MIT
 * net/napi.c - NAPI: receive work done by polling, in NET_RX_SOFTIRQ, on
 * the CPU that scheduled it; and the per-CPU receive backlog of netif_rx.
 *
 * An interrupt per packet would drown the CPU under load.  NAPI lets a
 * driver turn its receive interrupt off and be polled instead.  Each CPU
 * has its own softnet_data (3.10's, include/net/netdevice.h) with its own
 * poll_list, so a NAPI instance is polled on the CPU whose interrupt (or
 * thread) scheduled it, and CPUs never share a list:
 *
 *        CPU 0                                 CPU 1
 *   IRQ --> napi_schedule(n)              netif_rx(skb) (loopback xmit)
 *           n on CPU 0's poll_list                skb on CPU 1's input_pkt_queue,
 *           raise NET_RX_SOFTIRQ                  backlog on CPU 1's poll_list
 *   net_rx_action (CPU 0's list)          net_rx_action (CPU 1's list)
 *       for each n, while the budget lasts:
 *           done = n->poll(n, n->weight)
 *           done == weight: more work - n goes to the back of the list
 *           done <  weight: the poll called napi_complete_done; n is off
 *       budget used up with work left: time_squeeze++, raise the softirq
 *       again (kernel/softirq.c hands it to ksoftirqd/N after a few rounds)
 *
 * napi->state's NAPI_STATE_SCHED bit is the ownership token: whoever sets
 * it (napi_schedule_prep, an atomic test-and-set) puts n on its own CPU's
 * list; only the poll's napi_complete_done clears it.  So one instance is
 * on one list and polled by one CPU at a time, and a driver's RX ring,
 * touched only by its poll, needs no lock against other CPUs.  A disabled
 * instance keeps SCHED set, so it can never be scheduled; napi_disable
 * waits for a running poll (on any CPU) to complete and then takes SCHED
 * for itself.
 *
 * Locking: a CPU's poll_list and input_pkt_queue are touched only by that
 * CPU, from threads, softirqs and interrupt handlers: interrupts off is
 * the whole lock (3.10 without RPS, where rps_lock() is empty).  The one
 * exception is unregister, which asks every CPU by IPI to drop its own
 * backlog packets of the device (flush_backlog).  The statistics are per
 * CPU too and summed by softnet_stat_read().
 */
#include <kernel/irqflags.h>
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/smp.h>
#include <kernel/softirq.h>
#include <kernel/time.h>
#include <kernel/trace.h>
#include <net/netdevice.h>

#include "net_internal.h"

int netdev_budget = 300;       /* Linux's net.core.netdev_budget */
int netdev_max_backlog = 1000; /* Linux's net.core.netdev_max_backlog */

/* Each CPU's receive state; the rule for every field is in struct softnet_data. */
DEFINE_PER_CPU_ALIGNED(struct softnet_data, softnet_data);

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

/* Put @napi on @sd's poll list, this CPU's.  Interrupts are off (3.10's ____napi_schedule). */
static void ____napi_schedule(struct softnet_data *sd, struct napi_struct *napi)
{
	list_add_tail(&napi->poll_list, &sd->poll_list);
	raise_softirq_irqoff(NET_RX_SOFTIRQ);
}

void __napi_schedule(struct napi_struct *napi)
{
	unsigned long flags;

	local_irq_save(flags); /* pins us to this CPU and keeps its interrupts off its list */
	____napi_schedule(this_cpu_ptr(&softnet_data), napi);
	local_irq_restore(flags);
}

void napi_schedule(struct napi_struct *napi)
{
	if (napi_schedule_prep(napi))
		__napi_schedule(napi);
}

bool napi_complete_done(struct napi_struct *napi, int work_done)
{
	/*
	 * The poll is running, so n is off every poll_list (net_rx_action took
	 * it off).  Clearing SCHED is the release: the poll's ring accesses
	 * are ordered before it, so the next owner, maybe on another CPU,
	 * sees them.
	 */
	WARN_ON_ONCE(!napi_test_bit(napi, NAPI_STATE_SCHED));
	napi_clear_bit(napi, NAPI_STATE_SCHED);
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
	/*
	 * A scheduled poll still runs, on whichever CPU's list it is (that
	 * CPU's net_rx_action completes it); then SCHED is ours.
	 */
	while (napi_test_and_set_bit(napi, NAPI_STATE_SCHED))
		msleep(1);
	napi_clear_bit(napi, NAPI_STATE_DISABLE);
}

/* Run one poll.  Returns the packets it did; puts @n on @repoll if it wants more. */
static int napi_poll(struct softnet_data *sd, struct napi_struct *n, struct list_head *repoll)
{
	int work;

	trace_net_ctx(TE_NAPI_POLL, n->dev, n->weight);
	work = n->poll(n, n->weight);
	trace_net_ctx(TE_NAPI_POLL_DONE, n->dev, work);
	sd->processed += work;
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

/*
 * NET_RX_SOFTIRQ: poll what is on this CPU's list.  A softirq does not
 * move between CPUs, so @sd stays this CPU's for the whole run.
 */
static void net_rx_action(void)
{
	struct softnet_data *sd = this_cpu_ptr(&softnet_data);
	int budget = netdev_budget;
	LIST_HEAD(list);
	LIST_HEAD(repoll);

	local_irq_disable();
	list_splice_front(&sd->poll_list, &list);
	local_irq_enable();

	while (!list_empty(&list)) {
		struct napi_struct *n = list_first_entry(&list, struct napi_struct, poll_list);

		list_del_init(&n->poll_list);
		budget -= napi_poll(sd, n, &repoll);
		if (budget <= 0)
			break;
	}

	local_irq_disable();
	/* Unpolled ones first, then the ones that want more: everyone gets a turn. */
	list_splice_front(&repoll, &sd->poll_list);
	list_splice_front(&list, &sd->poll_list);
	if (!list_empty(&sd->poll_list)) {
		if (budget <= 0)
			sd->time_squeeze++;
		raise_softirq_irqoff(NET_RX_SOFTIRQ);
	}
	local_irq_enable();
}

/* ---- the backlog of netif_rx ------------------------------------------------ */

/*
 * Queue @skb on this CPU's backlog (3.10's enqueue_to_backlog for the
 * local CPU).  Interrupts are off: the queue and poll_list are this CPU's.
 */
static int enqueue_to_backlog(struct softnet_data *sd, struct sk_buff *skb)
{
	if (skb_queue_len(&sd->input_pkt_queue) >= (u32)netdev_max_backlog) {
		sd->dropped++;
		__atomic_add_fetch(&skb->dev->stats.rx_dropped, 1, __ATOMIC_RELAXED);
		return NET_RX_DROP;
	}
	__skb_queue_tail(&sd->input_pkt_queue, skb);
	if (napi_schedule_prep(&sd->backlog))
		____napi_schedule(sd, &sd->backlog);
	return NET_RX_SUCCESS;
}

/* 3.10 may steer to another CPU's backlog (RPS); we queue on this one: docs/linux-3.10.md */
int netif_rx(struct sk_buff *skb)
{
	unsigned long flags;
	int ret;

	local_irq_save(flags);
	ret = enqueue_to_backlog(this_cpu_ptr(&softnet_data), skb);
	local_irq_restore(flags);
	if (ret == NET_RX_DROP)
		skb_drop(skb, SKB_DROP_REASON_CPU_BACKLOG);
	return ret;
}

/*
 * The backlog's poll, on the CPU whose backlog it is.  "Empty, so
 * complete" is decided with interrupts off: a netif_rx from an interrupt
 * cannot slip in between and find SCHED still set (and so not schedule)
 * for a packet nobody would then poll.
 */
static int process_backlog(struct napi_struct *napi, int quota)
{
	struct softnet_data *sd = container_of(napi, struct softnet_data, backlog);
	int work = 0;

	while (work < quota) {
		struct sk_buff *skb;

		local_irq_disable();
		skb = __skb_dequeue(&sd->input_pkt_queue);
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

/* What flush_backlog needs: the device, and where to put its packets. */
struct backlog_flush {
	struct net_device *dev;
	struct sk_buff_head doomed; /* locked: every CPU's IPI adds to it */
};

/*
 * IPI handler, on every CPU (interrupts off): move this CPU's backlog
 * packets of the device to the doomed queue.  They are freed afterwards
 * by the thread, not here, to keep the interrupt short.
 */
static void flush_backlog(void *arg)
{
	struct backlog_flush *f = arg;
	struct softnet_data *sd = this_cpu_ptr(&softnet_data);
	struct sk_buff *skb, *tmp;

	skb_queue_walk_safe(&sd->input_pkt_queue, skb, tmp) {
		if (skb->dev != f->dev)
			continue;
		__skb_unlink(skb, &sd->input_pkt_queue);
		skb_queue_tail(&f->doomed, skb);
	}
}

void backlog_purge_dev(struct net_device *dev)
{
	struct backlog_flush f = { .dev = dev };
	struct sk_buff *skb;

	skb_queue_head_init(&f.doomed);
	on_each_cpu(flush_backlog, &f, 1);
	while ((skb = __skb_dequeue(&f.doomed)))
		skb_drop(skb, SKB_DROP_REASON_DEV_DOWN);
}

unsigned int backlog_len(void)
{
	unsigned int len = 0;
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		len += skb_queue_len(&per_cpu(softnet_data, cpu).input_pkt_queue);
	return len;
}

void softnet_stat_read(struct softnet_stat *sum)
{
	unsigned int cpu;

	sum->processed = sum->time_squeeze = sum->dropped = 0;
	for_each_possible_cpu(cpu) {
		const struct softnet_data *sd = &per_cpu(softnet_data, cpu);

		sum->processed += READ_ONCE(sd->processed);
		sum->time_squeeze += READ_ONCE(sd->time_squeeze);
		sum->dropped += READ_ONCE(sd->dropped);
	}
}

void napi_core_init(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct softnet_data *sd = &per_cpu(softnet_data, cpu);

		INIT_LIST_HEAD(&sd->poll_list);
		skb_queue_head_init(&sd->input_pkt_queue);
		sd->input_pkt_queue.lock.name = "input_pkt_queue";
		netif_napi_add_weight(NULL, &sd->backlog, process_backlog, NAPI_POLL_WEIGHT);
		napi_enable(&sd->backlog);
	}
	open_softirq(NET_RX_SOFTIRQ, net_rx_action);
}
