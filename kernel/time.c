/*
 * SPDX-License-Identifier: MIT
 * kernel/time.c - the TSC clock, busy-wait delays, and the periodic tick.
 * Where the TSC's rate comes from: tsc_calibrate below, docs/boot.md.
 *
 * Two clocks (include/kernel/time.h):
 *
 *   ktime_get_ns()  the TSC, converted to nanoseconds.  Its rate comes from
 *                   CPUID where the CPU states it, else time_init() counts
 *                   TSC cycles over ~1 ms of the ACPI PM timer or the HPET
 *                   (fixed-rate counters), else 10 ms of PIT channel 2.
 *   jiffies         the tick: the local APIC timer (with the APIC) or PIT
 *                   channel 0 (with the 8259s), HZ times a second, on line
 *                   TIMER_IRQ.  Each tick, in hardirq context: jiffies++,
 *                   run_local_timers(), scheduler_tick().
 *
 * The PIT (Intel 8254 data sheet): port 0x43 selects a channel and mode,
 * ports 0x40/0x42 take the count, low byte then high byte.  Channel 2's gate
 * is bit 0 of port 0x61 and its output can be read back as bit 5 there;
 * in mode 0 ("interrupt on terminal count") the output goes high when the
 * count reaches zero, which is what the last-resort calibration waits for.
 *
 * Under TCG the TSC follows the host's clock; with `-icount shift=0` it
 * counts one per guest instruction and the calibration reads 1000 MHz
 * (within its stated error).
 */
#include <arch/x86.h>
#include <kernel/irq.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <kernel/acpi.h>
#include <mm/mm.h>
#include <mm/paging.h>
#include <errno.h>
#include <string.h>
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

#define CAL_MS	       10   /* the PIT window, the last resort */
#define CAL_REF_US     1000 /* the PM timer or HPET window */
#define CAL_TRIES      5    /* windows at most; the best is kept (a vCPU may be descheduled) */
#define CAL_GOOD_PPM   1000 /* a window this good ends the tries */
#define CAL_LATCH      (PIT_HZ * CAL_MS / 1000)
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
 * larger.  The last resort (no CPUID leaf, no PM timer, no HPET): one
 * window, its error the two port writes and one poll (bounded below by
 * 1 ppm).  Interrupts off.
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

/* ---- reference counters: the ACPI PM timer and the HPET ------------------ */

#define HPET_CAP	   0x000 /* bits 63:32 the period in femtoseconds */
#define HPET_CONF	   0x010
#define HPET_CONF_ENABLE   0x1	      /* the main counter runs */
#define HPET_COUNTER	   0x0f0      /* read as 32 bits: wraps after 42 s at 100 MHz */
#define HPET_MAX_PERIOD_FS 100000000U /* IA-PC HPET 1.0a 2.3.7: at least 10 MHz */
#define FS_PER_SEC	   1000000000000000ULL

#define EDGE_SPIN_LIMIT	  100000   /* reads without a change: the counter is dead */
#define EDGE_CATCHES	  3	   /* ticks caught at each end of a window; the narrowest kept */
#define WINDOW_SPIN_LIMIT 10000000 /* reads of a live counter before giving up */

static struct acpi_pm_timer_info pm_timer; /* port 0: none */
static volatile u32 *hpet;		   /* ioremap()ed registers, or NULL */
static u64 hpet_hz;

static u64 pm_timer_read(void)
{
	return inl(pm_timer.port) & pm_timer.mask;
}

static u64 hpet_read(void)
{
	return hpet[HPET_COUNTER / 4];
}

static const struct ref_clock {
	const char *name; /* what the boot log says: "the ACPI PM timer" */
	u64 (*read)(void);
	u64 mask; /* the counter's width */
} ref_clocks[] = {
	[TSC_REF_PM_TIMER] = { "ACPI PM timer", pm_timer_read, 0 },
	[TSC_REF_HPET] = { "HPET", hpet_read, 0xffffffff },
};

static u64 ref_hz(enum tsc_ref ref)
{
	return ref == TSC_REF_PM_TIMER ? ACPI_PM_TIMER_HZ : hpet_hz;
}

static u64 ref_mask(enum tsc_ref ref)
{
	return ref == TSC_REF_PM_TIMER ? pm_timer.mask : ref_clocks[ref].mask;
}

bool tsc_ref_present(enum tsc_ref ref)
{
	return ref == TSC_REF_PM_TIMER ? pm_timer.port != 0 : hpet != NULL;
}

/*
 * Find the FADT's PM timer and the HPET.  The HPET's counter is stopped at
 * reset: it is started (no interrupt is enabled), and dropped if its period
 * is out of the specification's range or it does not count.
 */
static void ref_clocks_probe(void)
{
	phys_addr_t base;
	u32 period;

	if (acpi_pm_timer(&pm_timer))
		pm_timer.port = 0;
	if (acpi_hpet_base(&base))
		return;
	hpet = ioremap(base, PAGE_SIZE);
	if (!hpet)
		return;
	period = hpet[HPET_CAP / 4 + 1];
	if (!period || period > HPET_MAX_PERIOD_FS) {
		pr_warn("time: HPET period %u fs is out of range; not used\n", period);
		hpet = NULL; /* the mapping stays: ioremap()s are kept (include/mm/paging.h) */
		return;
	}
	hpet_hz = FS_PER_SEC / period;
	hpet[HPET_CONF / 4] |= HPET_CONF_ENABLE;
}

/*
 * One tick of a reference counter, caught: the TSC read before the last read
 * that still gave the old count and the one after the read that gave the
 * new one bracket the tick.  @e gets the new count, the bracket's middle
 * and its width.  False if the counter never moved.
 *
 *   TSC:   before   read(old)   t   read(new)   after
 *          |<------------ the tick is in here ------->|
 */
struct ref_edge {
	u64 count, tsc, width;
};

static noinline bool ref_catch_edge(const struct ref_clock *rc, struct ref_edge *e)
{
	u64 before = rdtsc(), old = rc->read();

	for (long n = 0; n < EDGE_SPIN_LIMIT; n++) {
		u64 t = rdtsc(), now = rc->read(), after;

		if (now != old) {
			after = rdtsc();
			e->count = now;
			e->width = after - before;
			e->tsc = before + e->width / 2;
			return true;
		}
		before = t;
	}
	return false;
}

/* The local APIC timer's count read between two TSC reads, for apic_timer_start. */
struct lapic_sample {
	u64 tsc, width;
	u32 count;
};

static noinline void lapic_sample(struct lapic_sample *s)
{
	u64 a = rdtsc();

	s->count = apic_timer_elapsed();
	s->width = rdtsc() - a;
	s->tsc = a + s->width / 2;
}

/*
 * One end of a window: EDGE_CATCHES ticks in a row, each caught (and, with
 * @lapic, followed by a sample of the local APIC timer), and the one caught
 * most narrowly kept in @e and @ls.  A catch is as wide as the two counter
 * reads it took, and under TCG a read now and then takes several times its
 * usual microsecond (the host thread waits for QEMU's lock, or is
 * descheduled): the narrowest of a few neighbours dodges that for a
 * microsecond or two, where a window spoiled by one wide catch costs a whole
 * new window (3.10's tsc_read_refs has the same aim, differently: it keeps the
 * first of up to five reads whose bracket is narrow enough).  The first
 * catch also pays for translating this code.  False if the counter never
 * moved.
 */
static bool ref_catch_narrowest(const struct ref_clock *rc, bool lapic, struct ref_edge *e,
				struct lapic_sample *ls)
{
	struct ref_edge try;
	struct lapic_sample lt = { 0 };

	for (int i = 0; i < EDGE_CATCHES; i++) {
		if (!ref_catch_edge(rc, &try))
			return false;
		if (lapic)
			lapic_sample(&lt);
		if (!i || try.width < e->width) {
			*e = try;
			*ls = lt;
		}
	}
	return true;
}

/*
 * Measure the TSC against @ref over at least @ticks of it: from one caught
 * tick to another, so the reference's own granularity does not count, only
 * the two brackets.  With @lapic (the local APIC timer counting down from
 * apic_timer_count_start), its counts in the same window against the TSC.
 * Returns 0 or -EIO if the counter does not count.  Interrupts off.
 */
static int ref_window(enum tsc_ref ref, u64 ticks, bool lapic, struct tsc_calibration *c)
{
	const struct ref_clock *rc = &ref_clocks[ref];
	u64 mask = ref_mask(ref), hz = ref_hz(ref);
	struct lapic_sample ls0, ls1;
	struct ref_edge e0, e1;
	long n = 0;

	if (!ref_catch_narrowest(rc, lapic, &e0, &ls0))
		return -EIO;
	/* From the tick kept, which may be before the last one caught. */
	while (((rc->read() - e0.count) & mask) < ticks - 1 && n++ < WINDOW_SPIN_LIMIT)
		;
	if (n >= WINDOW_SPIN_LIMIT || !ref_catch_narrowest(rc, lapic, &e1, &ls1))
		return -EIO;
	ticks = (e1.count - e0.count) & mask;
	c->cycles = e1.tsc - e0.tsc;
	if (!ticks || !c->cycles)
		return -EIO;
	c->window_us = ticks * 1000000 / hz;
	/* kHz = cycles / (ticks / hz) / 1000, rounded; the brackets' halves are the error. */
	c->khz = (c->cycles * hz + ticks * 500) / (ticks * 1000);
	c->ppm = (unsigned int)DIV_ROUND_UP((e0.width + e1.width) / 2 * 1000000, c->cycles) + 1;
	c->source = rc->name;
	if (lapic && ls1.tsc > ls0.tsc && ls1.count > ls0.count) {
		u64 counts = ls1.count - ls0.count, cycles = ls1.tsc - ls0.tsc;

		c->lapic_khz = (counts * c->khz + cycles / 2) / cycles;
		/* one count, the two brackets, and the TSC's own error */
		c->lapic_ppm = (unsigned int)(DIV_ROUND_UP(1000000, counts) +
					      DIV_ROUND_UP((ls0.width + ls1.width) / 2 * 1000000,
							   cycles)) +
			       c->ppm;
	}
	return 0;
}

int tsc_measure(enum tsc_ref ref, unsigned int us, struct tsc_calibration *c)
{
	unsigned long flags;
	int ret;

	if (!tsc_ref_present(ref))
		return -ENODEV;
	memset(c, 0, sizeof(*c));
	local_irq_save(flags);
	ret = ref_window(ref, DIV_ROUND_UP(ref_hz(ref) * us, 1000000), false, c);
	local_irq_restore(flags);
	return ret;
}

int tsc_catch_tick_with(u64 (*read)(void), u64 *count, u64 *width)
{
	const struct ref_clock rc = { "a test's counter", read, ~0ULL };
	struct lapic_sample ls;
	struct ref_edge e;
	unsigned long flags;
	bool moved;

	local_irq_save(flags);
	moved = ref_catch_narrowest(&rc, false, &e, &ls);
	local_irq_restore(flags);
	if (!moved)
		return -EIO;
	*count = e.count;
	*width = e.width;
	return 0;
}

/* ---- what the CPU states ---------------------------------------------------- */

#define CPUID_HV_BASE	0x40000000 /* eax: the highest hypervisor leaf */
#define CPUID_HV_TIMING 0x40000010 /* eax: TSC kHz, ebx: APIC bus kHz (VMware's leaf) */
#define CPUID1_ECX_HV	(1U << 31) /* running under a hypervisor */

/*
 * The hypervisor's timing leaf.  QEMU 7.2 fills it only under KVM, with
 * -cpu's vmware-cpuid-freq (on by default) and a known, invariant TSC
 * (+invtsc); under TCG its hypervisor leaves end at 0x40000001, so this
 * finds nothing there.  Both figures are exact: the error is the rounding to
 * a kHz.
 */
static bool tsc_from_hypervisor(struct tsc_calibration *c)
{
	u32 a, b, cx, d;

	cpuid(1, 0, &a, &b, &cx, &d);
	if (!(cx & CPUID1_ECX_HV))
		return false;
	cpuid(CPUID_HV_BASE, 0, &a, &b, &cx, &d);
	if (a < CPUID_HV_TIMING || a > CPUID_HV_BASE + 0xff)
		return false;
	cpuid(CPUID_HV_TIMING, 0, &a, &b, &cx, &d);
	if (!a)
		return false;
	c->source = "CPUID leaf 0x40000010";
	c->khz = a;
	c->ppm = (unsigned int)DIV_ROUND_UP(1000000, a);
	if (b) { /* the bus clock; the timer counts it through the divider (TIMER_DIV_16) */
		c->lapic_khz = b / 16;
		c->lapic_ppm = (unsigned int)DIV_ROUND_UP(1000000, b) * 16;
	}
	return true;
}

/*
 * Intel's leaf 0x15: TSC = crystal * ebx / eax, the crystal in ecx (Hz); when
 * ecx is 0, the crystal from leaf 0x16's base frequency (MHz) as
 * base * eax / ebx.  No QEMU CPU model reaches leaf 0x15 under TCG
 * (qemu64's highest leaf is 0xd); -cpu host under KVM passes the host's.
 */
static bool tsc_from_cpuid_15(struct tsc_calibration *c)
{
	u32 max, den, num, crystal, d;

	cpuid(0, 0, &max, &num, &crystal, &d);
	if (max < 0x15)
		return false;
	cpuid(0x15, 0, &den, &num, &crystal, &d);
	if (!den || !num)
		return false;
	if (!crystal && max >= 0x16) {
		u32 mhz, b, cx;

		cpuid(0x16, 0, &mhz, &b, &cx, &d);
		crystal = (u32)((u64)(mhz & 0xffff) * 1000000 * den / num);
	}
	if (!crystal)
		return false;
	c->source = "CPUID leaf 0x15";
	c->khz = ((u64)crystal * num / den + 500) / 1000;
	c->ppm = c->khz ? (unsigned int)DIV_ROUND_UP(1000000, c->khz) : 0;
	return c->khz != 0;
}

/* Leaf 0x16 alone: the processor's base frequency in MHz; the TSC's, nominally.  Last resort. */
static bool tsc_from_cpuid_16(struct tsc_calibration *c)
{
	u32 a, b, cx, d;

	cpuid(0, 0, &a, &b, &cx, &d);
	if (a < 0x16)
		return false;
	cpuid(0x16, 0, &a, &b, &cx, &d);
	if (!(a & 0xffff))
		return false;
	c->source = "CPUID leaf 0x16";
	c->khz = (u64)(a & 0xffff) * 1000;
	c->ppm = (unsigned int)DIV_ROUND_UP(500000, a & 0xffff); /* +-0.5 MHz */
	return true;
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

/*
 * The TSC's rate, cheapest trustworthy source first (docs/boot.md, "Time
 * sources"): what the CPU states, else one window of about CAL_REF_US
 * against the PM timer or the HPET (the local APIC timer counted in the same
 * window), else the PIT.  Interrupts off.
 */
/* 3.10 calibrates against the PIT; we ask CPUID, then 1 ms of PM timer: docs/linux-3.10.md */
static void tsc_calibrate(struct tsc_calibration *c, bool lapic)
{
	if (tsc_from_hypervisor(c) || tsc_from_cpuid_15(c))
		return;
	for (enum tsc_ref ref = 0; ref < TSC_REF_NR; ref++) {
		if (!tsc_ref_present(ref))
			continue;
		/*
		 * A window is spoiled when the host stops the vCPU at one of its
		 * ends (its stated error grows with it): up to CAL_TRIES, the best
		 * kept, as 3.10's native_calibrate_tsc retries its PIT/HPET windows.
		 */
		memset(c, 0, sizeof(*c));
		for (int i = 0; i < CAL_TRIES && (!c->khz || c->ppm > CAL_GOOD_PPM); i++) {
			struct tsc_calibration try = { 0 };

			if (lapic)
				apic_timer_count_start();
			if (ref_window(ref, DIV_ROUND_UP(ref_hz(ref) * CAL_REF_US, 1000000), lapic,
				       &try))
				break; /* it does not count */
			if (!c->khz || try.ppm < c->ppm)
				*c = try;
		}
		if (c->khz)
			return;
		pr_warn("time: the %s does not count\n", ref_clocks[ref].name);
		memset(c, 0, sizeof(*c));
	}
	c->cycles = pit_measure_tsc();
	if (c->cycles) {
		c->source = "PIT";
		c->window_us = CAL_MS * 1000;
		c->khz = c->cycles * PIT_HZ / CAL_LATCH / 1000;
		/* the poll and the two port accesses: ~3 us of TCG each way, bounded loosely */
		c->ppm = 1000;
		return;
	}
	if (!tsc_from_cpuid_16(c))
		panic("time: cannot tell the TSC frequency (no CPUID leaf, PM timer, HPET or PIT)");
}

struct tsc_calibration tsc_calibration;

/* Measure the TSC; sets tsc_khz and the ns conversion. */
static void tsc_init(void)
{
	struct tsc_calibration *c = &tsc_calibration;
	unsigned long flags;

	ref_clocks_probe();
	local_irq_save(flags);
	tsc_calibrate(c, apic_in_use());
	local_irq_restore(flags);
	tsc_khz = c->khz;
	tsc_conv.mult = (1000000ULL << 32) / tsc_khz;
	tsc_conv.base = rdtsc();
	if (c->window_us)
		pr_info("tsc: %llu.%03llu MHz from the %s over %llu us (+-%u ppm)\n",
			(unsigned long long)(tsc_khz / 1000), (unsigned long long)(tsc_khz % 1000),
			c->source, (unsigned long long)c->window_us, c->ppm);
	else
		pr_info("tsc: %llu.%03llu MHz from %s (+-%u ppm)\n",
			(unsigned long long)(tsc_khz / 1000), (unsigned long long)(tsc_khz % 1000),
			c->source, c->ppm);
}

void time_init(void)
{
	tsc_init();
	if (apic_in_use()) {
		if (!apic_timer_start(HZ, tsc_calibration.lapic_khz, tsc_calibration.lapic_ppm))
			panic("time: the local APIC timer does not count; try booting with noapic");
		clock_event_name = "LAPIC timer";
	} else {
		pit_start_periodic(HZ);
		clock_event_name = "PIT";
	}
	if (request_irq(TIMER_IRQ, timer_interrupt, 0, "timer", NULL))
		panic("time: timer line %d is taken", TIMER_IRQ);
	pr_info("time: tick: %s at %d Hz\n", clock_event_name, HZ);
}
