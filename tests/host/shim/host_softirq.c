/*
 * SPDX-License-Identifier: MIT
 * tests/host/shim/host_softirq.c - softirqs, bottom halves and timers on
 * the host, for code such as net/ that raises NET_RX_SOFTIRQ and arms
 * timer_lists.  One thread: raised softirqs run when the outermost
 * local_bh_enable() comes (or at do_softirq()), in raise order, until none
 * is pending - as the kernel's irq_exit/local_bh_enable path, with no
 * ksoftirqd needed because nothing else competes for the CPU.  Timers fire
 * only when a test calls host_run_timers() or msleep(), which moves the
 * clock.
 */
#include <kernel/list.h>
#include <kernel/panic.h>
#include <kernel/sched.h>
#include <kernel/softirq.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>

#include "host_kernel.h"

static void (*softirq_vec[NR_SOFTIRQS])(void);
static unsigned int pending;  /* bit n: softirq n raised */
static unsigned int bh_count; /* local_bh_disable nesting */
static bool in_softirq_run;   /* do_softirq is running actions */
static LIST_HEAD(timers);     /* armed timers, unsorted */
unsigned long softirq_count[NR_SOFTIRQS];

void open_softirq(int nr, void (*action)(void))
{
	BUG_ON(nr < 0 || nr >= NR_SOFTIRQS);
	softirq_vec[nr] = action;
}

void raise_softirq_irqoff(unsigned int nr)
{
	pending |= 1U << nr;
}

void raise_softirq(unsigned int nr)
{
	raise_softirq_irqoff(nr);
}

u32 softirq_pending(void)
{
	return pending;
}

void do_softirq(void)
{
	if (in_softirq_run || bh_count)
		return;
	in_softirq_run = true;
	bh_count++;
	while (pending) {
		unsigned int todo = pending;

		pending = 0;
		for (int nr = 0; nr < NR_SOFTIRQS; nr++) {
			if (!(todo & (1U << nr)))
				continue;
			softirq_count[nr]++;
			if (softirq_vec[nr])
				softirq_vec[nr]();
			else
				WARN_ON(1);
		}
	}
	bh_count--;
	in_softirq_run = false;
}

void local_bh_disable(void)
{
	bh_count++;
}

void local_bh_enable(void)
{
	BUG_ON(!bh_count);
	if (--bh_count == 0)
		do_softirq();
}

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *), unsigned int flags)
{
	INIT_LIST_HEAD(&t->entry);
	t->expires = 0;
	t->function = fn;
	t->pending = false;
}

int del_timer(struct timer_list *t)
{
	if (!t->pending)
		return 0;
	list_del_init(&t->entry);
	t->pending = false;
	return 1;
}

/* One thread: no timer function runs while another caller is here. */
int del_timer_sync(struct timer_list *t)
{
	return del_timer(t);
}

int mod_timer(struct timer_list *t, unsigned long expires)
{
	int was = del_timer(t);

	t->expires = expires;
	list_add_tail(&t->entry, &timers);
	t->pending = true;
	return was;
}

void host_run_timers(void)
{
	bool fired;

	do {
		struct timer_list *t;

		fired = false;
		list_for_each_entry(t, &timers, entry) {
			if (time_after(t->expires, jiffies))
				continue;
			del_timer(t);
			local_bh_disable();
			t->function(t); /* may re-arm or delete any timer */
			local_bh_enable();
			fired = true;
			break; /* the list may have changed: start over */
		}
	} while (fired);
}

void msleep(unsigned int msecs)
{
	schedule_timeout(msecs); /* moves jiffies and the clock */
	host_run_timers();
	do_softirq();
}

/* No signal ever reaches the host thread: the whole sleep, nothing left. */
unsigned long msleep_interruptible(unsigned int msecs)
{
	msleep(msecs);
	return 0;
}
