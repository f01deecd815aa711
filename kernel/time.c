/*
 * SPDX-License-Identifier: MIT
 * kernel/time.c - the TSC clock, busy-wait delays, and the periodic tick.
 *
 * Two clocks (include/kernel/time.h):
 *
 *   ktime_get_ns()  the TSC, converted to nanoseconds.  Its rate is not
 *                   written anywhere we can trust, so time_init() measures
 *                   it: count TSC cycles while PIT channel 2, whose input is
 *                   a fixed 1.193182 MHz crystal, counts down 10 ms.
 *   jiffies         the tick: the local APIC timer (with the APIC) or PIT
 *                   channel 0 (with the 8259s), HZ times a second, on line
 *                   TIMER_IRQ.  Each tick, in hardirq context: jiffies++,
 *                   run_local_timers(), scheduler_tick().
 *
 * The PIT (Intel 8254 data sheet): port 0x43 selects a channel and mode,
 * ports 0x40/0x42 take the count, low byte then high byte.  Channel 2's gate
 * is bit 0 of port 0x61 and its output can be read back as bit 5 there;
 * in mode 0 ("interrupt on terminal count") the output goes high when the
 * count reaches zero, which is what the calibration waits for.
 *
 * Under TCG the TSC follows the host's clock; with `-icount shift=0` it
 * counts one per guest instruction and the calibration reads 1000 MHz.
 */
#include <arch/x86.h>
#include <kernel/irq.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include "irqchip.h"

#define PIT_HZ	       1193182 /* the 8254's input clock */
#define PIT_CH0	       0x40
#define PIT_CH2	       0x42
#define PIT_MODE       0x43
#define PIT_SEL_CH0    0x00
#define PIT_SEL_CH2    0x80
#define PIT_LOHI       0x30 /* access: low byte, then high byte */
#define PIT_MODE0      0x00 /* interrupt on terminal count */
#define PIT_MODE2      0x04 /* rate generator: a pulse every `count` */
#define PORT61	       0x61
#define PORT61_GATE2   0x01
#define PORT61_SPEAKER 0x02
#define PORT61_OUT2    0x20

#define CAL_MS	       10
#define CAL_LATCH      (PIT_HZ * CAL_MS / 1000)
#define CAL_TRIES      3
#define CAL_SPIN_LIMIT 10000000 /* port reads before deciding the PIT is dead */

volatile unsigned long jiffies;
u64 tsc_khz;
const char *clock_event_name = "none";

/* The TSC to nanoseconds conversion: ns = (tsc - base) * mult >> 32. */
static struct {
	u64 base; /* TSC at calibration: ktime 0 */
	u64 mult; /* 10^6 * 2^32 / tsc_khz */
} tsc_conv;

u64 ktime_get_ns(void)
{
	if (!tsc_conv.mult)
		return 0;
	/* 128-bit product: no overflow before the 64-bit TSC itself wraps. */
	return (u64)(((unsigned __int128)(rdtsc() - tsc_conv.base) * tsc_conv.mult) >> 32);
}

/* Spin until @cycles TSC cycles have passed. */
static void tsc_delay(u64 cycles)
{
	u64 start = rdtsc();

	while (rdtsc() - start < cycles)
		cpu_relax();
}

void ndelay(unsigned long nsecs)
{
	if (!tsc_khz) { /* before calibration: ~1 us per port write */
		for (unsigned long i = 0; i < nsecs / 1000 + 1; i++)
			io_delay();
		return;
	}
	/*
	 * cycles = ns * kHz / 10^6, split so the product cannot overflow for
	 * any delay shorter than days; +2 rounds both truncations up.
	 */
	tsc_delay(nsecs / 1000 * tsc_khz / 1000 + nsecs % 1000 * tsc_khz / 1000000 + 2);
}

void udelay(unsigned long usecs)
{
	ndelay(usecs * 1000);
}

void mdelay(unsigned long msecs)
{
	while (msecs--)
		udelay(1000);
}

/*
 * TSC cycles during CAL_LATCH counts of PIT channel 2 (CAL_MS ms), or 0 if
 * the PIT's output never rose.  The first TSC read comes before the write
 * that starts the count and the last after the output is seen high, so a
 * disturbance (an SMI, the host descheduling TCG) can only make the result
 * larger: the smallest of a few windows is the best.  Interrupts off.
 */
static u64 pit_measure_tsc(void)
{
	u8 port61 = inb(PORT61);
	u64 t0, t1;
	long n;

	/* Gate high so channel 2 counts; speaker off so nobody hears it. */
	outb(PORT61, (port61 & ~PORT61_SPEAKER) | PORT61_GATE2);
	outb(PIT_MODE, PIT_SEL_CH2 | PIT_LOHI | PIT_MODE0);
	outb(PIT_CH2, CAL_LATCH & 0xff);
	t0 = rdtsc();
	outb(PIT_CH2, CAL_LATCH >> 8); /* counting starts now */
	for (n = 0; n < CAL_SPIN_LIMIT && !(inb(PORT61) & PORT61_OUT2); n++)
		;
	t1 = rdtsc();
	outb(PORT61, port61);
	return n < CAL_SPIN_LIMIT ? t1 - t0 : 0;
}

/* TSC kHz from the best of CAL_TRIES windows; 0 if the PIT does not work. */
static u64 tsc_calibrate_khz(void)
{
	u64 best = ~0ULL;

	for (int i = 0; i < CAL_TRIES; i++) {
		u64 cycles = pit_measure_tsc();

		if (!cycles)
			return 0;
		best = min(best, cycles);
	}
	/* cycles / (CAL_LATCH / PIT_HZ seconds) / 1000 */
	return best * PIT_HZ / CAL_LATCH / 1000;
}

/* Without a working PIT: the CPU's base frequency from CPUID leaf 0x16 (MHz), or 0. */
static u64 tsc_cpuid_khz(void)
{
	u32 a, b, c, d;

	cpuid(0, 0, &a, &b, &c, &d);
	if (a < 0x16)
		return 0;
	cpuid(0x16, 0, &a, &b, &c, &d);
	return (u64)(a & 0xffff) * 1000;
}

/* Every CPU's tick; CPU 0's also keeps time (3.10's tick_do_timer_cpu) and runs the timers. */
static irqreturn_t timer_interrupt(int irq, void *dev)
{
	if (smp_processor_id() == 0) {
		jiffies++;
		run_local_timers();
	}
	scheduler_tick();
	return IRQ_HANDLED;
}

/* PIT channel 0 as the tick: mode 2, one pulse (IRQ 0) every PIT_HZ/hz input clocks. */
static void pit_start_periodic(unsigned int hz)
{
	unsigned int latch = (PIT_HZ + hz / 2) / hz;

	outb(PIT_MODE, PIT_SEL_CH0 | PIT_LOHI | PIT_MODE2);
	outb(PIT_CH0, latch & 0xff);
	outb(PIT_CH0, latch >> 8);
}

/* Measure the TSC; sets tsc_khz and the ns conversion.  Returns how it was measured. */
static const char *tsc_init(void)
{
	const char *how = "PIT-calibrated";
	unsigned long flags;

	local_irq_save(flags);
	tsc_khz = tsc_calibrate_khz();
	local_irq_restore(flags);
	if (!tsc_khz) {
		pr_warn("time: PIT channel 2 does not count; asking CPUID\n");
		how = "CPUID";
		tsc_khz = tsc_cpuid_khz();
	}
	if (!tsc_khz)
		panic("time: cannot tell the TSC frequency (no PIT, no CPUID leaf 0x16)");
	tsc_conv.mult = (1000000ULL << 32) / tsc_khz;
	tsc_conv.base = rdtsc();
	return how;
}

void time_init(void)
{
	const char *how = tsc_init();

	if (apic_in_use()) {
		if (!apic_timer_start(HZ))
			panic("time: the local APIC timer does not count; try booting with noapic");
		clock_event_name = "LAPIC timer";
	} else {
		pit_start_periodic(HZ);
		clock_event_name = "PIT";
	}
	if (request_irq(TIMER_IRQ, timer_interrupt, 0, "timer", NULL))
		panic("time: timer line %d is taken", TIMER_IRQ);
	pr_info("time: TSC %llu.%03llu MHz (%s), tick: %s at %d Hz\n",
		(unsigned long long)(tsc_khz / 1000), (unsigned long long)(tsc_khz % 1000), how,
		clock_event_name, HZ);
}
