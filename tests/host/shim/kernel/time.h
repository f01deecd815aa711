/*
 * SPDX-License-Identifier: MIT
 * Host shim: a clock the test can move (sleeping allocations time out instantly).
 */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <kernel/types.h>

#define HZ	      1000
#define NSEC_PER_SEC  1000000000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_USEC 1000ULL

extern volatile unsigned long jiffies;
u64 ktime_get_ns(void);
static inline unsigned long msecs_to_jiffies(unsigned long ms)
{
	return ms;
}
static inline unsigned long jiffies_to_msecs(unsigned long j)
{
	return j;
}

#define time_after(a, b)    ((long)((b) - (a)) < 0)
#define time_before(a, b)   time_after(b, a)
#define time_after_eq(a, b) ((long)((a) - (b)) >= 0)

/*
 * Timers and msleep: shim/host_softirq.c (linked by the tests that use
 * them).  Nothing fires by itself: host_run_timers() runs the due ones,
 * msleep() moves the clock and runs them.
 */
#include <kernel/list.h>
struct timer_list {
	struct list_head entry;
	unsigned long expires;
	void (*function)(struct timer_list *);
	bool pending;
};
void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *), unsigned int flags);
int mod_timer(struct timer_list *t, unsigned long expires);
int del_timer(struct timer_list *t);
static inline bool timer_pending(const struct timer_list *t)
{
	return t->pending;
}
void msleep(unsigned int msecs);

/* No signals on the host: the whole sleep, nothing left. */
static inline unsigned long msleep_interruptible(unsigned int msecs)
{
	msleep(msecs);
	return 0;
}
/* Run every timer due at the current jiffies (and the softirqs they raise). */
void host_run_timers(void);

#endif
