/*
 * SPDX-License-Identifier: MIT
 * kernel/time.h - jiffies, nanoseconds and delays.
 *
 * Two clocks:
 *   jiffies          ticks of the periodic timer, HZ per second.  Cheap,
 *                    coarse; what timeouts are written in.
 *   ktime_get_ns()   nanoseconds since boot from the TSC, whose frequency
 *                    (tsc_khz) the CPU states (CPUID) or time_init measures
 *                    against the ACPI PM timer, the HPET or the PIT at boot:
 *                    tsc_calibration says which and how well.
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

/* The counters the TSC can be measured against (kernel/time.c), in the order tried. */
enum tsc_ref {
	TSC_REF_PM_TIMER, /* the ACPI PM timer: 3.579545 MHz, an I/O port the FADT names */
	TSC_REF_HPET,	  /* the HPET's main counter: its period in its capabilities */
	TSC_REF_NR,
};

/*
 * What a calibration found: the rate, where it came from, and its error
 * bound in parts per million (the two brackets of a window, or the rounding
 * of a stated figure); for a window, its length and TSC cycles.  lapic_khz:
 * the local APIC timer's rate (after its divide-by-16) when known from the
 * same source or window, else 0.
 */
struct tsc_calibration {
	const char *source; /* "ACPI PM timer", "HPET", "PIT", "CPUID leaf 0x15", ... */
	u64 khz;
	unsigned int ppm;
	u64 window_us; /* 0: stated, not measured */
	u64 cycles;
	u64 lapic_khz;
	unsigned int lapic_ppm;
};

/* The boot's calibration: tsc_khz came from here. */
extern struct tsc_calibration tsc_calibration;

/* true if the machine has @ref (found in the ACPI tables at boot, and counting). */
bool tsc_ref_present(enum tsc_ref ref);

/*
 * tsc_measure - measure the TSC against @ref over about @us microseconds,
 * interrupts off (a second opinion on tsc_khz: tests/kernel/test_time.c).
 * Returns 0, -ENODEV without @ref, -EIO if it does not count.  Context: any;
 * spins for the window.
 */
int tsc_measure(enum tsc_ref ref, unsigned int us, struct tsc_calibration *c);

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

/* Learn the TSC's rate (tsc_calibration) and start the periodic timer at HZ. */
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
