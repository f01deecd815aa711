/*
 * SPDX-License-Identifier: MIT
 * kernel/perf.c - layer counters: calls and self cycles per layer, per
 * CPU, and the monitor's `perf` command (include/kernel/perf.h tells the
 * rules, docs/tracing.md "Counting where the time goes" the use).
 *
 *   > perf on                         zero the counters, count
 *   (host: curl -o /dev/null -r 0-4194303 http://127.0.0.1:8080/disk/vda)
 *   > perf off
 *   > perf show bytes=4194304         one line per layer that ran
 *
 * A session is a generation number (perf_gen).  Nothing here writes
 * another CPU's counters or another thread's stack: each CPU zeroes its
 * own counters, and each thread drops its own open layers, at its first
 * transition in a new session.  A reader sums the CPUs whose counters are
 * of the current session.
 */
#include <arch/x86.h>
#include <kernel/irqflags.h>
#include <kernel/monitor.h>
#include <kernel/mutex.h>
#include <kernel/ktests.h>
#include <kernel/perf.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

DEFINE_PERF_LAYER(perf_hardirq, "hardirq");
DEFINE_PERF_LAYER(perf_softirq, "softirq");

unsigned int perf_enabled;
static u32 perf_gen; /* the session; 0: never started */
static u64 (*perf_clock)(void);

/* One CPU's counts, written by that CPU only, with interrupts off. */
struct perf_cpu {
	u32 gen;   /* the session these counts are of */
	u64 last;  /* the clock at this CPU's last transition */
	u64 other; /* no layer open, a thread other than idle */
	u64 idle;  /* no layer open, the idle task */
	u64 unmatched, overflow;
	u64 calls[PERF_LAYERS_MAX];
	u64 cycles[PERF_LAYERS_MAX];
};
static DEFINE_PER_CPU_ALIGNED(struct perf_cpu, perf_cpu);

static u64 perf_now(void)
{
	u64 (*clock)(void) = READ_ONCE(perf_clock);

	return clock ? clock() : rdtsc();
}

/* The tests module's layers (include/kernel/ktests.h), numbered after the kernel's. */
extern const struct perf_layer __ktests_perf_layers_start[], __ktests_perf_layers_end[];

static unsigned int perf_kernel_layers(void)
{
	return (unsigned int)(__perf_layers_end - __perf_layers_start);
}

static unsigned int perf_index(const struct perf_layer *l)
{
	if (l >= __ktests_perf_layers_start) /* at 16 MiB, past the kernel's: linker.ld */
		return perf_kernel_layers() + (unsigned int)(l - __ktests_perf_layers_start);
	return (unsigned int)(l - __perf_layers_start);
}

/*
 * The cycles since this CPU's last transition go to the thread's innermost
 * open layer (or to idle/other); this CPU and @st join the session first.
 * Interrupts off.  Returns this CPU's counts.
 */
static struct perf_cpu *perf_charge(struct perf_stack *st)
{
	struct perf_cpu *pc = __this_cpu_ptr(&perf_cpu);
	u32 gen = READ_ONCE(perf_gen);
	u64 now = perf_now(), delta;

	if (pc->gen != gen) {
		memset(pc, 0, sizeof(*pc));
		pc->gen = gen;
		pc->last = now;
	}
	if (st->gen != gen) {
		st->gen = gen;
		st->depth = 0;
	}
	delta = now > pc->last ? now - pc->last : 0; /* a test's clock may stand still */
	pc->last = now;
	if (st->depth)
		pc->cycles[st->layer[st->depth - 1]] += delta;
	else if (current->pid == 0) /* the idle task (Linux's is_idle_task) */
		pc->idle += delta;
	else
		pc->other += delta;
	return pc;
}

void __perf_enter(const struct perf_layer *l)
{
	struct perf_stack *st = &current->perf;
	unsigned int i = perf_index(l);
	unsigned long flags;
	struct perf_cpu *pc;

	local_irq_save(flags);
	pc = perf_charge(st);
	pc->calls[i]++;
	if (st->depth < PERF_DEPTH)
		st->layer[st->depth++] = (u8)i;
	else
		pc->overflow++;
	local_irq_restore(flags);
}

void __perf_exit(const struct perf_layer *l)
{
	struct perf_stack *st = &current->perf;
	unsigned long flags;
	struct perf_cpu *pc;

	local_irq_save(flags);
	pc = perf_charge(st);
	if (st->depth && st->layer[st->depth - 1] == perf_index(l))
		st->depth--;
	else
		pc->unmatched++;
	local_irq_restore(flags);
}

void __perf_switch(void)
{
	perf_charge(&current->perf);
}

void perf_start(void)
{
	WRITE_ONCE(perf_enabled, 0);
	WRITE_ONCE(perf_gen, perf_gen + 1);
	WRITE_ONCE(perf_enabled, 1);
}

void perf_stop(void)
{
	WRITE_ONCE(perf_enabled, 0);
}

void perf_set_clock(u64 (*clock)(void))
{
	WRITE_ONCE(perf_clock, clock);
}

/* CPU @cpu's counts, if they are of this session. */
static const struct perf_cpu *perf_cpu_of(unsigned int cpu)
{
	const struct perf_cpu *pc = &per_cpu(perf_cpu, cpu);

	return perf_gen && READ_ONCE(pc->gen) == perf_gen ? pc : NULL;
}

void perf_read_layer(const struct perf_layer *l, struct perf_count *c)
{
	unsigned int i = perf_index(l), cpu;

	c->calls = c->cycles = 0;
	for_each_possible_cpu(cpu) {
		const struct perf_cpu *pc = perf_cpu_of(cpu);

		if (pc) {
			c->calls += READ_ONCE(pc->calls[i]);
			c->cycles += READ_ONCE(pc->cycles[i]);
		}
	}
}

void perf_read_totals(struct perf_totals *t)
{
	unsigned int cpu, n = perf_kernel_layers() +
			      (unsigned int)(__ktests_perf_layers_end - __ktests_perf_layers_start);

	memset(t, 0, sizeof(*t));
	for_each_possible_cpu(cpu) {
		const struct perf_cpu *pc = perf_cpu_of(cpu);

		if (!pc)
			continue;
		t->cpus++;
		t->other += READ_ONCE(pc->other);
		t->idle += READ_ONCE(pc->idle);
		t->unmatched += READ_ONCE(pc->unmatched);
		t->overflow += READ_ONCE(pc->overflow);
		for (unsigned int i = 0; i < n; i++)
			t->layers += READ_ONCE(pc->cycles[i]);
	}
}

/* ---- the monitor's `perf` ----------------------------------------------------------------- */

static DEFINE_MUTEX(perf_show_lock); /* perf_rows */
static struct perf_row {
	const struct perf_layer *l;
	struct perf_count c;
} perf_rows[PERF_LAYERS_MAX];

/* "12.3%": @part of @whole, to a tenth. */
static void perf_pct(char *buf, size_t size, u64 part, u64 whole)
{
	u64 t = whole ? (part * 1000 + whole / 2) / whole : 0;

	snprintf(buf, size, "%lu.%lu%%", t / 10, t % 10);
}

/* "0.301": @cycles per byte, to a thousandth; "" without a byte count. */
static void perf_per_byte(char *buf, size_t size, u64 cycles, u64 bytes)
{
	u64 t = bytes ? (cycles * 1000 + bytes / 2) / bytes : 0;

	if (bytes)
		snprintf(buf, size, "%lu.%03lu", t / 1000, t % 1000);
	else
		buf[0] = '\0';
}

static void perf_show_row(const char *name, const u64 *calls, u64 cycles, u64 busy, u64 bytes)
{
	char pct[16], pb[24], per[24] = "";

	perf_pct(pct, sizeof(pct), cycles, busy);
	perf_per_byte(pb, sizeof(pb), cycles, bytes);
	if (calls && *calls)
		snprintf(per, sizeof(per), "%lu", cycles / *calls);
	if (calls)
		printk("%-20s %9lu %13lu %11s %7s %11s\n", name, *calls, cycles, per, pct, pb);
	else
		printk("%-20s %9s %13lu %11s %7s %11s\n", name, "", cycles, "", pct, pb);
}

/* The layers that ran, most self cycles first. */
static unsigned int perf_collect_range(const struct perf_layer *l, const struct perf_layer *end,
				       unsigned int n)
{
	for (; l < end; l++) {
		struct perf_row r = { .l = l };
		unsigned int j;

		perf_read_layer(l, &r.c);
		if (!r.c.calls && !r.c.cycles)
			continue;
		for (j = n++; j && perf_rows[j - 1].c.cycles < r.c.cycles; j--)
			perf_rows[j] = perf_rows[j - 1];
		perf_rows[j] = r;
	}
	return n;
}

static unsigned int perf_collect(void)
{
	unsigned int n = perf_collect_range(__perf_layers_start, __perf_layers_end, 0);

	if (ktests_loaded())
		n = perf_collect_range(__ktests_perf_layers_start, __ktests_perf_layers_end, n);
	return n;
}

static void perf_show(u64 bytes)
{
	struct perf_totals t;
	u64 busy;
	unsigned int n;

	if (!READ_ONCE(perf_gen)) {
		printk("perf: nothing counted yet ('perf on' starts)\n");
		return;
	}
	mutex_lock(&perf_show_lock);
	n = perf_collect();
	perf_read_totals(&t);
	busy = t.layers + t.other;
	printk("perf: %s; %u CPU%s counted; busy %lu cycles, idle %lu (TSC cycles: under "
	       "-icount shift=0, instructions)\n",
	       READ_ONCE(perf_enabled) ? "counting" : "stopped", t.cpus, t.cpus == 1 ? "" : "s",
	       busy, t.idle);
	printk("%-20s %9s %13s %11s %7s %11s\n", "layer", "calls", "self cycles", "cycles/call",
	       "share", bytes ? "cycles/byte" : "");
	for (unsigned int i = 0; i < n; i++)
		perf_show_row(perf_rows[i].l->name, &perf_rows[i].c.calls, perf_rows[i].c.cycles,
			      busy, bytes);
	mutex_unlock(&perf_show_lock);
	perf_show_row("(outside any layer)", NULL, t.other, busy, bytes);
	perf_show_row("(busy: all of it)", NULL, busy, busy, bytes);
	printk("unmatched exits %lu, stack overflows %lu\n", t.unmatched, t.overflow);
}

/* "bytes=<n>": the bytes the work moved, for cycles per byte. */
static int perf_parse_bytes(const char *arg, u64 *bytes)
{
	unsigned long long v;
	int err;

	if (strncmp(arg, "bytes=", 6))
		return monitor_bad_arg("perf", "'%s' is not bytes=<n>", arg);
	err = monitor_parse_uint("perf", "a byte count", arg + 6, 1, 1ULL << 50, &v);
	if (!err)
		*bytes = v;
	return err;
}

static int cmd_perf(int argc, char **argv)
{
	u64 bytes = 0;
	int err = monitor_check_args(argc, argv, 0, 2);

	if (err)
		return err;
	if (argc == 1) {
		perf_show(0);
		return 0;
	}
	if (!strcmp(argv[1], "on") || !strcmp(argv[1], "off")) {
		if (argc > 2)
			return monitor_bad_arg("perf", "'%s' takes no arguments ('%s' given)",
					       argv[1], argv[2]);
		if (argv[1][1] == 'n')
			perf_start();
		else
			perf_stop();
		return 0;
	}
	if (strcmp(argv[1], "show"))
		return monitor_bad_arg("perf", "'%s' is not on, off or show", argv[1]);
	if (argc > 2 && (err = perf_parse_bytes(argv[2], &bytes)))
		return err;
	perf_show(bytes);
	return 0;
}
MONITOR_CMD(perf, "perf [on | off | show [bytes=<n>]]",
	    "count cycles per layer (tcp, ip, virtio-net, block): where the time goes", cmd_perf);
