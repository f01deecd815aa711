/*
 * SPDX-License-Identifier: MIT
 * block/blk-softirq.c - ending requests in BLOCK_SOFTIRQ, on the CPU that
 * submitted them (Linux 3.10's block/blk-softirq.c).
 *
 * An interrupt handler should be short.  Ending a request is not: every
 * bio's end_io runs, bounce pages are copied back, waiters are woken.  So
 * the handler calls blk_complete_request(rq), which only puts rq on this
 * CPU's blk_cpu_done list and raises BLOCK_SOFTIRQ; the softirq, interrupts
 * on, calls the queue's softirq_done_fn for each request, which ends it.
 *
 * Which CPU ends it.  The thread that submitted a bio is likely to touch
 * its data next, and that data is in the submitting CPU's cache: so, as
 * 3.10 with QUEUE_FLAG_SAME_COMP (on by default), blk_queue_bio records the
 * submitting CPU in rq->cpu and the request is ended there.  Device
 * interrupts all arrive on CPU 0 here, so that is usually another CPU:
 *
 *   CPU 0, hardirq:  blk_complete_request(rq)  onto CPU 0's blk_cpu_done,
 *                                              raise BLOCK_SOFTIRQ
 *   CPU 0, irq_exit: blk_done_softirq          rq->cpu is 2: not ours, so
 *                      smp_call_function_single(2, blk_trigger_softirq, rq)
 *   CPU 2, IPI:      blk_trigger_softirq(rq)   onto CPU 2's blk_cpu_done,
 *                                              raise BLOCK_SOFTIRQ
 *   CPU 2, irq_exit: blk_done_softirq          rq->q->softirq_done_fn(rq)
 *                                              -> blk_end_request_all(rq, err)
 *
 * A request with rq->cpu -1 (one the caller built: blk_get_request,
 * blk_make_request), on a queue without SAME_COMP, or whose CPU went
 * offline, is ended where the interrupt came.  Raised from a thread (a
 * driver completing in request_fn), the softirq runs in ksoftirqd/N.
 *
 * Locking: each CPU's blk_cpu_done is touched only by that CPU, with
 * interrupts off (so neither the handler nor the IPI can add to it while
 * the softirq takes it): no lock.  The request itself belongs to whoever
 * holds it on a list; it is on one list at a time.
 */
#include <block/blkdev.h>
#include <kernel/irqflags.h>
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/perf.h>
#include <kernel/smp.h>
#include <kernel/softirq.h>
#include <kernel/trace.h>

#include "blk.h"

/* Requests completed on this CPU, not yet ended; its own CPU only, interrupts off. */
static DEFINE_PER_CPU(struct list_head, blk_cpu_done);
/* Requests ended by BLOCK_SOFTIRQ on this CPU, and sent to another to be ended (any context). */
static DEFINE_PER_CPU(unsigned long, blk_softirq_completions);
static DEFINE_PER_CPU(unsigned long, blk_softirq_forwarded);

/* Onto this CPU's list; raise the softirq if it was empty.  Interrupts off. */
static void blk_cpu_done_add(struct request *rq)
{
	struct list_head *list = this_cpu_ptr(&blk_cpu_done);

	list_add_tail(&rq->donelist, list);
	if (list->next == &rq->donelist) /* else it is raised and has not run yet */
		raise_softirq_irqoff(BLOCK_SOFTIRQ);
}

void blk_complete_request(struct request *rq)
{
	unsigned long flags;

	if (WARN_ON_ONCE(!rq->q->softirq_done_fn)) {
		blk_end_request_all(rq, rq->errors);
		return;
	}
	/* 3.10 IPIs rq->cpu from here with rq->csd; we from the softirq: docs/linux-3.10.md */
	local_irq_save(flags);
	blk_cpu_done_add(rq);
	local_irq_restore(flags);
}

/* The IPI of a forwarded request (hardirq on its CPU): end it in this CPU's softirq. */
static void blk_trigger_softirq(void *data)
{
	unsigned long flags;

	local_irq_save(flags);
	blk_cpu_done_add(data);
	local_irq_restore(flags);
}

/*
 * The CPU that should end @rq, if not this one (@cpu): rq->cpu when its
 * queue completes on the submitting CPU and that CPU still runs, else -1.
 */
static int blk_completion_cpu(struct request *rq, unsigned int cpu)
{
	int ccpu = rq->cpu;

	if (ccpu < 0 || (unsigned int)ccpu == cpu || !blk_queue_same_comp(rq->q))
		return -1;
	return cpu_online(ccpu) ? ccpu : -1;
}

DEFINE_PERF_LAYER(perf_blk_softirq, "blk softirq");

static void blk_done_softirq(void)
{
	PERF_SCOPE(&perf_blk_softirq);	       /* bio_endio is a layer of its own */
	unsigned int cpu = smp_processor_id(); /* softirq: we stay on this CPU */
	LIST_HEAD(local);

	/* Take the whole list with interrupts off: handlers and IPIs add to it. */
	local_irq_disable();
	list_splice_init(this_cpu_ptr(&blk_cpu_done), &local);
	local_irq_enable();

	while (!list_empty(&local)) {
		struct request *rq = list_first_entry(&local, struct request, donelist);
		int ccpu;

		list_del_init(&rq->donelist);
		ccpu = blk_completion_cpu(rq, cpu);
		/*
		 * With the request's own csd the call only queues rq for that CPU:
		 * it never waits for an earlier call, which a softirq must not.
		 */
		if (ccpu >= 0) {
			/* Counted first: that CPU may have ended it before the call returns. */
			this_cpu_inc(blk_softirq_forwarded);
			rq->csd.func = blk_trigger_softirq;
			rq->csd.info = rq;
			rq->csd.flags = 0;
			__smp_call_function_single(ccpu, &rq->csd, 0);
			continue;
		}
		this_cpu_inc(blk_softirq_completions);
		trace_rq(TE_BLK_DONE_SOFTIRQ, rq, rq->errors);
		rq->q->softirq_done_fn(rq);
	}
}

unsigned long blk_softirq_count(bool forwarded)
{
	unsigned long sum = 0;
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		sum += forwarded ? per_cpu(blk_softirq_forwarded, cpu)
				 : per_cpu(blk_softirq_completions, cpu);
	return sum;
}

void blk_softirq_init(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		INIT_LIST_HEAD(&per_cpu(blk_cpu_done, cpu));
	open_softirq(BLOCK_SOFTIRQ, blk_done_softirq);
}
