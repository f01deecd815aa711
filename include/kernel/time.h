/*
 * SPDX-License-Identifier: MIT
 * kernel/time.h - jiffies, nanoseconds and delays.
 *
 * Two clocks:
 *   jiffies          ticks of the periodic timer, HZ per second.  Cheap,
 *                    coarse; what timeouts are written in.
 *   ktime_get_ns()   nanoseconds since boot from the TSC, whose frequency is
 *                    measured against the PIT at boot (tsc_khz).
 *
 * Under QEMU with `-icount shift=0`, the TSC counts guest instructions, one
 * per virtual nanosecond, so ktime and rdtsc() measure work exactly.
 */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <kernel/list.h>
#include <kernel/types.h>

#define HZ	      1000
#define NSEC_PER_SEC  1000000000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_USEC 1000ULL

extern volatile unsigned long jiffies;
extern u64 tsc_khz; /* measured TSC frequency */

static inline unsigned long msecs_to_jiffies(unsigned long ms)
{
	return (ms * HZ + 999) / 1000;
}

static inline unsigned long jiffies_to_msecs(unsigned long j)
{
	return j * 1000 / HZ;
}

/* Wrap-safe comparisons, as Linux's. */
#define time_after(a, b)    ((long)((b) - (a)) < 0)
#define time_before(a, b)   time_after(b, a)
#define time_after_eq(a, b) ((long)((a) - (b)) >= 0)

/* Nanoseconds since the TSC was calibrated.  Context: any. */
u64 ktime_get_ns(void);

/* Busy-wait (no sleep). Context: any. */
void udelay(unsigned long usecs);
void ndelay(unsigned long nsecs);
void mdelay(unsigned long msecs);

/* Sleep at least @msecs milliseconds.  Context: thread, may sleep. */
void msleep(unsigned int msecs);

/*
 * msleep_interruptible - sleep @msecs milliseconds unless a signal comes
 * (Ctrl-C: signal_pending(current)), or is already pending.  Returns the
 * milliseconds left when cut short, 0 after the full sleep.
 * Context: thread, may sleep.
 */
unsigned long msleep_interruptible(unsigned int msecs);

/* Measure the TSC against the PIT and start the periodic timer at HZ. */
void time_init(void);

/* The tick source and how it was set up (for `uptime` and the tests). */
extern const char *clock_event_name;

/* Timers run in softirq context when their expiry jiffy has passed (Linux's timer_list). */
struct timer_list {
	struct list_head entry;
	unsigned long expires;
	void (*function)(struct timer_list *);
	bool pending;
};

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *), unsigned int flags);
/* (Re)arm @t to fire at @expires.  Returns 1 if it was pending.  Context: any. */
int mod_timer(struct timer_list *t, unsigned long expires);
/* Disarm. Returns 1 if it was pending. */
int del_timer(struct timer_list *t);
/*
 * del_timer_sync - del_timer(), and if @t's function is running on another
 * CPU, wait until it returns: then @t may be freed.  Not from interrupt
 * context, nor under a lock the function takes.  Context: thread.
 */
int del_timer_sync(struct timer_list *t);
static inline bool timer_pending(const struct timer_list *t)
{
	return t->pending;
}

/* Called from the tick interrupt: raises TIMER_SOFTIRQ when a timer is due. */
void run_local_timers(void);
void timers_init(void);

#endif
