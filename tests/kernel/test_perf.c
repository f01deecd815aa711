/*
 * SPDX-License-Identifier: MIT
 * tests/kernel/test_perf.c - the layer counters (include/kernel/perf.h):
 * self time with nesting, calls, off, interrupts and sleep not charged to
 * the layer they interrupt, every CPU at once, and the `perf` command.
 *
 * The accounting cases count with a clock of their own (perf_set_clock):
 * it moves only when a case "burns", one cycle per loop iteration, so
 * every figure is exact whatever the machine, interrupts and other CPUs
 * do meanwhile (they see the same clock standing still).
 */
#include <kernel/irq.h>
#include <kernel/ktest.h>
#include <kernel/monitor.h>
#include <kernel/perf.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <errno.h>
#include <string.h>

DEFINE_PERF_LAYER(perf_test_outer, "test outer");
DEFINE_PERF_LAYER(perf_test_inner, "test inner");
DEFINE_PERF_LAYER(perf_test_other, "test other");

#define TEST_IRQ     10 /* an ISA line no device uses under QEMU's pc machine */
#define CPU_ROUNDS   20000
#define CAPTURE_SIZE 4096

static u64 fake_now;

static u64 fake_clock(void)
{
	return READ_ONCE(fake_now);
}

/* @n loop iterations, one cycle each on the test clock. */
static void burn(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		WRITE_ONCE(fake_now, fake_now + 1);
}

/* A session counted with the test clock (perf_test_end gives the TSC back). */
static void perf_test_begin(void)
{
	perf_stop();
	perf_set_clock(fake_clock);
	perf_start();
}

static void perf_test_end(void)
{
	perf_stop();
	perf_set_clock(NULL);
}

static struct perf_count count_of(const struct perf_layer *l)
{
	struct perf_count c;

	perf_read_layer(l, &c);
	return c;
}

TEST_CASE(perf_test_nesting_charges_each_layer_its_self_time)
{
	struct perf_count outer, inner;

	perf_test_begin();
	perf_enter(&perf_test_outer);
	burn(10);
	perf_enter(&perf_test_inner);
	burn(1000);
	perf_exit(&perf_test_inner);
	burn(5);
	perf_exit(&perf_test_outer);
	perf_test_end();
	outer = count_of(&perf_test_outer);
	inner = count_of(&perf_test_inner);
	EXPECT_EQ(t, outer.calls, 1);
	EXPECT_EQ(t, inner.calls, 1);
	EXPECT_EQ(t, outer.cycles, 15); /* the 1000 inside the inner layer are not its own */
	EXPECT_EQ(t, inner.cycles, 1000);
	EXPECT_EQ(t, current->perf.depth, 0);
}

TEST_CASE(perf_test_counts_every_call_and_the_scope_closes_at_return)
{
	perf_test_begin();
	for (unsigned int i = 0; i < 100; i++) {
		PERF_SCOPE(&perf_test_outer);
		burn(2);
		if (i % 2)
			continue; /* leaves the block: the scope ends here too */
		burn(1);
	}
	EXPECT_EQ(t, perf_call(&perf_test_inner, current->perf.depth), 1);
	perf_test_end();
	EXPECT_EQ(t, count_of(&perf_test_outer).calls, 100);
	EXPECT_EQ(t, count_of(&perf_test_outer).cycles, 250);
	EXPECT_EQ(t, count_of(&perf_test_inner).calls, 1);
	EXPECT_EQ(t, current->perf.depth, 0);
}

TEST_CASE(perf_test_off_counts_nothing_and_on_starts_from_zero)
{
	perf_test_begin();
	perf_enter(&perf_test_outer);
	burn(7);
	perf_exit(&perf_test_outer);
	perf_stop();
	EXPECT_EQ(t, perf_enabled, 0);
	perf_enter(&perf_test_outer); /* off: nothing */
	burn(100);
	perf_exit(&perf_test_outer);
	EXPECT_EQ(t, count_of(&perf_test_outer).calls, 1); /* kept after perf_stop */
	EXPECT_EQ(t, count_of(&perf_test_outer).cycles, 7);
	perf_start(); /* a new session: zero */
	EXPECT_EQ(t, count_of(&perf_test_outer).calls, 0);
	EXPECT_EQ(t, count_of(&perf_test_outer).cycles, 0);
	perf_test_end();
}

TEST_CASE(perf_test_an_exit_of_a_layer_not_innermost_changes_nothing_and_is_counted)
{
	struct perf_totals before, after;

	perf_test_begin();
	perf_read_totals(&before);
	perf_enter(&perf_test_outer);
	perf_exit(&perf_test_inner); /* not open: counted, the stack stays */
	EXPECT_EQ(t, current->perf.depth, 1);
	burn(3);
	perf_exit(&perf_test_outer);
	perf_read_totals(&after);
	perf_test_end();
	EXPECT_GE(t, after.unmatched, before.unmatched + 1);
	EXPECT_EQ(t, count_of(&perf_test_outer).cycles, 3);
	EXPECT_EQ(t, count_of(&perf_test_inner).calls, 0);
	EXPECT_EQ(t, current->perf.depth, 0);
}

TEST_CASE(perf_test_a_layer_open_before_perf_on_is_forgotten)
{
	perf_test_begin();
	perf_enter(&perf_test_outer);
	burn(4);
	perf_start(); /* the open layer belonged to the last session */
	perf_enter(&perf_test_inner);
	burn(6);
	perf_exit(&perf_test_inner);
	perf_exit(&perf_test_outer); /* unmatched now: the thread's stack is empty */
	perf_test_end();
	EXPECT_EQ(t, count_of(&perf_test_outer).calls, 0);
	EXPECT_EQ(t, count_of(&perf_test_outer).cycles, 0);
	EXPECT_EQ(t, count_of(&perf_test_inner).cycles, 6);
	EXPECT_EQ(t, current->perf.depth, 0);
}

TEST_CASE(perf_test_a_full_stack_counts_an_overflow_and_stays_balanced)
{
	struct perf_totals before, after;
	unsigned long flags;
	unsigned int depth;

	perf_test_begin();
	/* Interrupts off: a hardirq layer pushed on the full stack would overflow it too. */
	local_irq_save(flags);
	perf_read_totals(&before);
	for (unsigned int i = 0; i <= PERF_DEPTH; i++)
		perf_enter(&perf_test_outer);
	depth = current->perf.depth;
	for (unsigned int i = 0; i <= PERF_DEPTH; i++)
		perf_exit(&perf_test_outer);
	perf_read_totals(&after);
	local_irq_restore(flags);
	EXPECT_EQ(t, depth, PERF_DEPTH);
	perf_test_end();
	EXPECT_EQ(t, after.overflow, before.overflow + 1);
	EXPECT_GE(t, after.unmatched, before.unmatched + 1); /* the one that did not fit */
	EXPECT_EQ(t, count_of(&perf_test_outer).calls, PERF_DEPTH + 1);
	EXPECT_EQ(t, current->perf.depth, 0);
}

static irqreturn_t perf_test_irq(int irq, void *dev)
{
	burn(100); /* in the hardirq layer */
	return IRQ_HANDLED;
}

TEST_CASE(perf_test_an_interrupt_is_charged_to_hardirq_not_to_the_layer_it_interrupts)
{
	int err = request_irq(TEST_IRQ, perf_test_irq, 0, "perf-test", NULL);

	ASSERT_EQ(t, err, 0);
	perf_test_begin();
	perf_enter(&perf_test_outer);
	burn(3);
	irq_raise_for_test(TEST_IRQ); /* the handler has run when this returns */
	burn(4);
	perf_exit(&perf_test_outer);
	perf_test_end();
	free_irq(TEST_IRQ, NULL);
	EXPECT_EQ(t, count_of(&perf_test_outer).cycles, 7);
	EXPECT_GE(t, count_of(&perf_hardirq).cycles, 100);
}

/* ---- a thread asleep inside a layer ---- */

struct sleeper {
	struct completion entered, go;
};

static int sleep_in_layer(void *arg)
{
	struct sleeper *s = arg;

	perf_enter(&perf_test_outer);
	complete(&s->entered);
	wait_for_completion(&s->go); /* asleep in the layer: not charged meanwhile */
	perf_exit(&perf_test_outer);
	return 0;
}

TEST_CASE(perf_test_a_thread_asleep_in_a_layer_is_not_charged_for_what_runs_meanwhile)
{
	struct sleeper s;
	struct task_struct *k;
	unsigned int waited = 0;

	init_completion(&s.entered);
	init_completion(&s.go);
	perf_test_begin();
	k = ktest_thread_start(sleep_in_layer, &s, "perf-sleeper");
	ASSERT_NOT_NULL(t, k);
	wait_for_completion(&s.entered);
	/* Until it is switched out (its layer charged up to there): then burn. */
	while ((READ_ONCE(k->state) == TASK_RUNNING || READ_ONCE(k->on_cpu)) && waited++ < 5000)
		msleep(1);
	EXPECT_LT(t, waited, 5000);
	perf_enter(&perf_test_inner);
	burn(500);
	perf_exit(&perf_test_inner);
	burn(1000); /* outside any layer, up to the switch to the sleeper: not its time */
	complete(&s.go);
	EXPECT_EQ(t, ktest_thread_finish(k, 5000), 0);
	perf_test_end();
	EXPECT_EQ(t, count_of(&perf_test_outer).calls, 1);
	EXPECT_EQ(t, count_of(&perf_test_outer).cycles, 0);
	EXPECT_EQ(t, count_of(&perf_test_inner).cycles, 500);
}

/* ---- every CPU at once (the TSC: only calls are compared) ---- */

static int enter_exit_rounds(void *arg)
{
	for (unsigned int i = 0; i < CPU_ROUNDS; i++) {
		perf_enter(&perf_test_outer);
		perf_enter(&perf_test_inner);
		perf_exit(&perf_test_inner);
		perf_exit(&perf_test_outer);
	}
	return current->perf.depth;
}

TEST_CASE(perf_test_every_cpu_counting_at_once_loses_no_call)
{
	struct task_struct *k[NR_CPUS] = { NULL };
	struct perf_totals tot;
	unsigned int cpu, n = 0;

	perf_stop();
	perf_start();
	for_each_online_cpu(cpu) {
		k[cpu] = ktest_thread_start_on(enter_exit_rounds, NULL, "perf-cpu", cpu);
		EXPECT_NOT_NULL(t, k[cpu]);
	}
	for_each_online_cpu(cpu)
		if (k[cpu]) {
			EXPECT_EQ(t, ktest_thread_finish(k[cpu], 60000), 0);
			n++;
		}
	perf_stop();
	perf_read_totals(&tot);
	EXPECT_EQ(t, count_of(&perf_test_outer).calls, (u64)n * CPU_ROUNDS);
	EXPECT_EQ(t, count_of(&perf_test_inner).calls, (u64)n * CPU_ROUNDS);
	EXPECT_GT(t, count_of(&perf_test_inner).cycles, 0);
	EXPECT_GE(t, tot.cpus, n);
	EXPECT_EQ(t, tot.overflow, 0);
}

/* ---- the command ---- */

static char out[CAPTURE_SIZE];

TEST_CASE(perf_test_the_command_shows_the_layers_that_ran)
{
	EXPECT_EQ(t, monitor_capture("perf on", out, sizeof(out), NULL), 0);
	EXPECT_EQ(t, perf_enabled, 1);
	perf_enter(&perf_test_other);
	perf_exit(&perf_test_other);
	EXPECT_EQ(t, monitor_capture("perf off", out, sizeof(out), NULL), 0);
	EXPECT_EQ(t, perf_enabled, 0);
	EXPECT_EQ(t, monitor_capture("perf show bytes=1000", out, sizeof(out), NULL), 0);
	EXPECT_NOT_NULL(t, strstr(out, "perf: stopped;"));
	EXPECT_NOT_NULL(t, strstr(out, "cycles/byte"));
	EXPECT_NOT_NULL(t, strstr(out, "\ntest other                   1 "));
	EXPECT_NULL(t, strstr(out, "test inner")); /* did not run */
	EXPECT_NOT_NULL(t, strstr(out, "(busy: all of it)"));
	EXPECT_NOT_NULL(t, strstr(out, "unmatched exits"));
	EXPECT_EQ(t, monitor_capture("perf", out, sizeof(out), NULL), 0);
	EXPECT_NOT_NULL(t, strstr(out, "test other"));
	EXPECT_NULL(t, strstr(out, "cycles/byte")); /* no bytes= */
}

TEST_CASE(perf_test_the_command_refuses_bad_arguments)
{
	static const struct {
		const char *line, *says;
	} bad[] = {
		{ "perf bogus", "perf: 'bogus' is not on, off or show\n" },
		{ "perf on now", "perf: 'on' takes no arguments ('now' given)\n" },
		{ "perf show count=3", "perf: 'count=3' is not bytes=<n>\n" },
		{ "perf show bytes=0", "perf: '0' is out of range for a byte count" },
		{ "perf show bytes=12x",
		  "perf: '12x' is not a byte count: 'x' follows the number\n" },
		{ "perf show bytes=1 more",
		  "perf: too many arguments from 'more' on (at most 2)\n" },
	};
	unsigned int was = perf_enabled;

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(t, monitor_capture(bad[i].line, out, sizeof(out), NULL), -EINVAL);
		EXPECT_EQ(t, strncmp(out, bad[i].says, strlen(bad[i].says)), 0);
		EXPECT_NOT_NULL(t, strstr(out, "usage: perf [on | off | show [bytes=<n>]]\n"));
	}
	EXPECT_EQ(t, perf_enabled, was); /* nothing changed */
}

static const struct ktest_case perf_cases[] = {
	KTEST(perf_test_nesting_charges_each_layer_its_self_time),
	KTEST(perf_test_counts_every_call_and_the_scope_closes_at_return),
	KTEST(perf_test_off_counts_nothing_and_on_starts_from_zero),
	KTEST(perf_test_an_exit_of_a_layer_not_innermost_changes_nothing_and_is_counted),
	KTEST(perf_test_a_layer_open_before_perf_on_is_forgotten),
	KTEST(perf_test_a_full_stack_counts_an_overflow_and_stays_balanced),
	KTEST(perf_test_an_interrupt_is_charged_to_hardirq_not_to_the_layer_it_interrupts),
	KTEST(perf_test_a_thread_asleep_in_a_layer_is_not_charged_for_what_runs_meanwhile),
	KTEST(perf_test_every_cpu_counting_at_once_loses_no_call),
	KTEST(perf_test_the_command_shows_the_layers_that_ran),
	KTEST(perf_test_the_command_refuses_bad_arguments),
	{}
};
TEST_SUITE(perf, perf_cases);
