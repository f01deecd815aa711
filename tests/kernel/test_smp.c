/*
 * SPDX-License-Identifier: MIT
 * tests/kernel/test_smp.c - the CPUs the kernel brought up (kernel/smpboot.c).
 *
 * Whatever machine this boots on (-smp N, maxcpus=, nr_cpus=), what is online
 * must agree with the firmware's MADT and the command line, as Linux 3.10
 * reads them: nr_cpus= caps the possible CPUs, maxcpus= the ones brought up
 * at boot.  tools/run-tests.py boots this suite under -smp 4 with and
 * without those options; on the plain -smp 1 machine it checks that one
 * CPU stays one.  Then what the CPUs do: each has its own per-CPU area
 * reached through %gs, runs threads bound to it, answers reschedule and
 * function-call IPIs, takes runnable threads from a busy CPU when idle, and
 * stops for stop_machine().
 */
#include <kernel/acpi.h>
#include <kernel/err.h>
#include <kernel/irqchip_test.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/stop_machine.h>
#include <kernel/time.h>
#include <errno.h>

static long lmin(long a, long b)
{
	return a < b ? a : b;
}

/* The possible CPUs the MADT and nr_cpus= allow: 1 without a MADT or an APIC to start them. */
static long expected_possible(void)
{
	const struct acpi_madt_info *m = acpi_madt();

	if (!m || !apic_in_use() || m->nr_cpus < 1)
		return 1;
	return lmin(lmin(m->nr_cpus, setup_nr_cpus), NR_CPUS);
}

/* true if @id is an enabled local APIC of the MADT. */
static bool madt_has_apic_id(int id)
{
	const struct acpi_madt_info *m = acpi_madt();

	for (int i = 0; m && i < m->nr_cpus; i++)
		if (m->lapic_id[i] == id)
			return true;
	return false;
}

TEST_CASE(smp_test_possible_cpus_are_the_madt_capped_by_nr_cpus)
{
	EXPECT_EQ(t, nr_cpu_ids, expected_possible());
	EXPECT_EQ(t, num_possible_cpus(), nr_cpu_ids);
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		EXPECT_EQ(t, cpu_possible(cpu), cpu < nr_cpu_ids);
		EXPECT_EQ(t, cpu_present(cpu), cpu_possible(cpu));
	}
}

/* The highest-numbered online CPU (with smp_hang_cpu= there may be a hole below it). */
static unsigned int last_online_cpu(void)
{
	unsigned int cpu, last = 0;

	for_each_online_cpu(cpu)
		last = cpu;
	return last;
}

/* smp_hang_cpu=: the CPU that was made to fail, if it was one the boot tried. */
static bool hung(unsigned int cpu)
{
	return smp_hang_cpu >= 1 && cpu == smp_hang_cpu && expected_possible() > 1;
}

TEST_CASE(smp_test_online_cpus_are_the_possible_capped_by_maxcpus)
{
	long max = setup_max_cpus < 1 ? 1 : setup_max_cpus;
	long possible = expected_possible(), up = 0;

	/* The boot goes on past a CPU that fails: the next one takes its place. */
	for (unsigned int cpu = 0; cpu < possible && up < max; cpu++) {
		bool want = !hung(cpu);

		EXPECT_EQ(t, cpu_online(cpu), want);
		up += want;
	}
	EXPECT_EQ(t, num_online_cpus(), up);
}

TEST_CASE(smp_test_a_cpu_that_does_not_come_up_is_left_out)
{
	if (smp_hang_cpu < 1 || smp_hang_cpu >= expected_possible())
		ktest_skip(t, "no smp_hang_cpu= within the possible CPUs");
	EXPECT_FALSE(t, cpu_online(smp_hang_cpu));
	EXPECT_TRUE(t, cpu_possible(smp_hang_cpu));
}

TEST_CASE(smp_test_the_boot_cpu_is_cpu_0)
{
	EXPECT_TRUE(t, cpu_online(0));
	if (acpi_madt() && apic_in_use())
		EXPECT_TRUE(t, madt_has_apic_id(cpu_physical_id(0)));
}

TEST_CASE(smp_test_each_online_cpu_has_its_own_madt_apic_id)
{
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		if (!cpu_online(cpu))
			continue;
		if (acpi_madt() && apic_in_use())
			EXPECT_TRUE(t, madt_has_apic_id(cpu_physical_id(cpu)));
		for (unsigned int other = 0; other < cpu; other++)
			if (cpu_online(other))
				EXPECT_NE(t, cpu_physical_id(cpu), cpu_physical_id(other));
	}
	EXPECT_EQ(t, cpu_physical_id(NR_CPUS), -1);
}

/* ---- per-CPU data --------------------------------------------------------- */

static DEFINE_PER_CPU(unsigned long, smp_test_counter);
static DEFINE_PER_CPU(unsigned int, smp_test_seen_cpu);

/* Runs on each CPU (on_each_cpu): its own copy, its own number. */
static void count_here(void *unused)
{
	this_cpu_inc(smp_test_counter);
	this_cpu_write(smp_test_seen_cpu, smp_processor_id());
}

TEST_CASE(smp_test_each_cpu_has_its_own_copy_of_a_per_cpu_variable)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		per_cpu(smp_test_counter, cpu) = 0;
	on_each_cpu(count_here, NULL, 1);
	on_each_cpu(count_here, NULL, 1);
	for_each_possible_cpu(cpu) {
		EXPECT_EQ(t, per_cpu(smp_test_counter, cpu), cpu_online(cpu) ? 2UL : 0UL);
		if (cpu_online(cpu)) {
			EXPECT_EQ(t, per_cpu(smp_test_seen_cpu, cpu), cpu);
			EXPECT_EQ(t, per_cpu(cpu_number, cpu), cpu);
		}
		/* Areas are apart: no CPU's copy is another's. */
		for (unsigned int other = 0; other < cpu; other++)
			EXPECT_NE(t, (unsigned long)&per_cpu(smp_test_counter, cpu),
				  (unsigned long)&per_cpu(smp_test_counter, other));
	}
	/* The template, where the linker put the variable, is never written. */
	EXPECT_EQ(t, *(volatile unsigned long *)&smp_test_counter, 0UL);
}

TEST_CASE(smp_test_this_cpu_ptr_is_per_cpu_ptr_of_this_cpu)
{
	unsigned int cpu = get_cpu();

	EXPECT_EQ(t, (unsigned long)this_cpu_ptr(&smp_test_counter),
		  (unsigned long)per_cpu_ptr(&smp_test_counter, cpu));
	EXPECT_EQ(t, this_cpu_read(this_cpu_off), per_cpu_offset(cpu));
	put_cpu();
}

struct where {
	unsigned int cpu;	  /* smp_processor_id() in the thread */
	unsigned int preempt_irq; /* in_irq() seen in a cross call */
	int ran;
};

static int record_cpu(void *arg)
{
	struct where *w = arg;

	w->cpu = raw_smp_processor_id();
	return 0;
}

TEST_CASE(smp_test_a_bound_thread_runs_on_its_cpu)
{
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		struct where w = { .cpu = ~0U };
		struct task_struct *k = ktest_thread_start_on(record_cpu, &w, "bound", cpu);

		ASSERT_NOT_NULL(t, k);
		EXPECT_EQ(t, ktest_thread_finish(k, 5000), 0);
		EXPECT_EQ(t, w.cpu, cpu);
	}
}

static void call_record(void *arg)
{
	struct where *w = arg;

	w->cpu = smp_processor_id();
	w->preempt_irq = in_irq() ? 1 : 0;
	w->ran++;
}

TEST_CASE(smp_test_smp_call_function_single_runs_there_in_interrupt_context)
{
	u64 saved = current->cpus_allowed, zero = 1;
	unsigned int cpu;

	/* On CPU 0 only: "remote" then means every other CPU. */
	ASSERT_EQ(t, set_cpus_allowed_ptr(current, &zero), 0);
	for_each_online_cpu(cpu) {
		struct where w = { .cpu = ~0U };
		unsigned long calls = per_cpu(irq_call_count, cpu);

		EXPECT_EQ(t, smp_call_function_single(cpu, call_record, &w, 1), 0);
		EXPECT_EQ(t, w.ran, 1);
		EXPECT_EQ(t, w.cpu, cpu);
		/* Remote: in the IPI's handler; here: called directly, interrupts off. */
		EXPECT_EQ(t, w.preempt_irq, cpu != 0 ? 1U : 0U);
		if (cpu != 0)
			EXPECT_GT(t, per_cpu(irq_call_count, cpu), calls);
	}
	EXPECT_EQ(t, smp_call_function_single(NR_CPUS - 1, call_record, NULL, 1),
		  cpu_online(NR_CPUS - 1) ? 0 : -ENXIO);
	EXPECT_EQ(t, set_cpus_allowed_ptr(current, &saved), 0);
}

static void count_call(void *arg)
{
	__atomic_add_fetch((int *)arg, 1, __ATOMIC_RELAXED);
}

TEST_CASE(smp_test_on_each_cpu_runs_once_on_every_online_cpu)
{
	int n = 0;

	on_each_cpu(count_call, &n, 1);
	EXPECT_EQ(t, n, (int)num_online_cpus());
	n = 0;
	smp_call_function(count_call, &n, 1);
	EXPECT_EQ(t, n, (int)num_online_cpus() - 1); /* every other CPU */
}

static int sleep_then_record(void *arg)
{
	struct where *w = arg;

	msleep(5);
	w->cpu = raw_smp_processor_id();
	w->ran = 1;
	return 0;
}

TEST_CASE(smp_test_waking_a_thread_on_an_idle_cpu_sends_a_reschedule_ipi)
{
	unsigned int cpu = last_online_cpu();
	struct where w = { .cpu = ~0U };
	unsigned long res;
	struct task_struct *k;

	if (cpu == 0)
		ktest_skip(t, "one CPU: no IPI to send");
	res = per_cpu(irq_resched_count, cpu);
	k = ktest_thread_start_on(sleep_then_record, &w, "woken", cpu);
	ASSERT_NOT_NULL(t, k);
	EXPECT_EQ(t, ktest_thread_finish(k, 5000), 0);
	EXPECT_EQ(t, w.cpu, cpu);
	/* Started, then woken by the timer (CPU 0): each time the IPI told the idle CPU. */
	EXPECT_GE(t, per_cpu(irq_resched_count, cpu), res + 1);
}

struct spread {
	volatile int stop;
	u64 cpus; /* bit n: some thread ran on CPU n */
};

static int spin_and_note(void *arg)
{
	struct spread *s = arg;

	while (!READ_ONCE(s->stop)) {
		__atomic_fetch_or(&s->cpus, 1ULL << raw_smp_processor_id(), __ATOMIC_RELAXED);
		cpu_relax();
	}
	return 0;
}

/*
 * Busy threads with the mask every new thread gets, all started from this
 * CPU: idle CPUs take them.
 */
TEST_CASE(smp_test_idle_cpus_take_runnable_threads)
{
	unsigned int n = num_online_cpus();
	struct task_struct *k[NR_CPUS];
	struct spread s = { 0 };
	u64 all = cpu_online_bits();

	if (n < 2)
		ktest_skip(t, "one CPU: nothing to spread over");
	for (unsigned int i = 0; i < n; i++) {
		k[i] = kthread_create(spin_and_note, &s, "spread/%u", i);
		ASSERT_FALSE(t, IS_ERR(k[i]));
		EXPECT_EQ(t, k[i]->cpus_allowed, all); /* nobody narrowed or widened it */
		get_task_struct(k[i]);
		wake_up_process(k[i]);
	}
	ktest_wait_until(READ_ONCE(s.cpus) == all, 2000);
	WRITE_ONCE(s.stop, 1);
	for (unsigned int i = 0; i < n; i++)
		EXPECT_EQ(t, ktest_thread_finish(k[i], 5000), 0);
	EXPECT_EQ(t, s.cpus, all); /* every CPU ran one of them */
}

static int note_mask(void *arg)
{
	*(u64 *)arg = current->cpus_allowed;
	return 0;
}

/* 3.10's kthreadd hands its children cpu_all_mask: nothing pins a new thread to CPU 0. */
TEST_CASE(smp_test_new_threads_may_run_on_every_online_cpu)
{
	u64 seen = 0;
	struct task_struct *k;

	EXPECT_EQ(t, sched_default_cpus_allowed, cpu_online_bits());
	k = ktest_thread_start(note_mask, &seen, "mask");
	ASSERT_NOT_NULL(t, k);
	EXPECT_EQ(t, ktest_thread_finish(k, 5000), 0);
	EXPECT_EQ(t, seen, cpu_online_bits());
	/* The case itself runs in a thread the harness made: the same mask. */
	EXPECT_EQ(t, current->cpus_allowed, cpu_online_bits());
}

TEST_CASE(smp_test_set_cpus_allowed_moves_the_current_thread)
{
	u64 mask;

	for (unsigned int cpu = nr_cpu_ids; cpu-- > 0;) {
		if (!cpu_online(cpu))
			continue;
		mask = 1ULL << cpu;
		EXPECT_EQ(t, set_cpus_allowed_ptr(current, &mask), 0);
		EXPECT_EQ(t, raw_smp_processor_id(), cpu);
	}
	mask = 0;
	EXPECT_EQ(t, set_cpus_allowed_ptr(current, &mask), -EINVAL);
	mask = sched_default_cpus_allowed;
	EXPECT_EQ(t, set_cpus_allowed_ptr(current, &mask), 0);
}

struct stopped {
	volatile unsigned long ticks; /* a busy thread's progress */
	volatile int stop;
	unsigned long during[2];
	bool irqs_off;
};

static int busy_count(void *arg)
{
	struct stopped *s = arg;

	while (!READ_ONCE(s->stop))
		s->ticks++;
	return 0;
}

static int look_twice(void *arg)
{
	struct stopped *s = arg;

	s->irqs_off = irqs_disabled();
	s->during[0] = s->ticks;
	udelay(2000); /* the busy thread would count thousands meanwhile */
	s->during[1] = s->ticks;
	return 42;
}

TEST_CASE(smp_test_stop_machine_runs_with_every_other_cpu_stopped)
{
	struct stopped s = { 0 };
	unsigned int cpu = last_online_cpu();
	struct task_struct *k;
	unsigned long before;

	if (cpu == 0)
		ktest_skip(t, "one CPU: nothing to stop");
	k = ktest_thread_start_on(busy_count, &s, "busy", cpu);
	ASSERT_NOT_NULL(t, k);
	while (!READ_ONCE(s.ticks))
		msleep(1);
	EXPECT_EQ(t, stop_machine(look_twice, &s, NULL), 42);
	EXPECT_TRUE(t, s.irqs_off);
	EXPECT_EQ(t, s.during[1], s.during[0]); /* CPU @cpu did nothing while fn ran */
	before = s.ticks;
	msleep(5);
	EXPECT_GT(t, s.ticks, before); /* and goes on after */
	WRITE_ONCE(s.stop, 1);
	EXPECT_EQ(t, ktest_thread_finish(k, 5000), 0);
}

/* ---- stop_machine while a CPU waits for a cross call --------------------------- */

static volatile int pound_stop;
static volatile unsigned long pound_calls;

static void nop_call(void *unused)
{
}

/* Call CPU @arg again and again, waiting each time (as a TLB shootdown does). */
static int pound_cpu(void *arg)
{
	unsigned int target = (unsigned long)arg;

	while (!READ_ONCE(pound_stop)) {
		smp_call_function_single(target, nop_call, NULL, 1);
		pound_calls++;
	}
	return 0;
}

static int return_7(void *unused)
{
	return 7;
}

/*
 * A stopper that turned interrupts off before every CPU had reached its
 * own would hang the machine here: CPU 2 waits, preemption off, for CPU 1
 * to answer its call, so it never runs migration/2.
 */
TEST_CASE(smp_test_stop_machine_while_another_cpu_waits_for_a_cross_call)
{
	struct task_struct *k;

	if (num_online_cpus() < 3 || !cpu_online(1) || !cpu_online(2))
		ktest_skip(t, "needs CPUs 0, 1 and 2");
	pound_stop = 0;
	pound_calls = 0;
	k = ktest_thread_start_on(pound_cpu, (void *)1UL, "pound", 2);
	ASSERT_NOT_NULL(t, k);
	while (READ_ONCE(pound_calls) < 100)
		msleep(1);
	for (int i = 0; i < 100; i++)
		EXPECT_EQ(t, stop_machine(return_7, NULL, NULL), 7);
	WRITE_ONCE(pound_stop, 1);
	EXPECT_EQ(t, ktest_thread_finish(k, 5000), 0);
}

/* ---- a thread preempted on its way to sleep, moved to another CPU -------------- */

static volatile int sleeper_in_window;

/* Sets a sleeping state, then dawdles (preemptible) before "checking" its condition. */
static int dawdling_sleeper(void *unused)
{
	set_current_state(TASK_UNINTERRUPTIBLE);
	WRITE_ONCE(sleeper_in_window, 1);
	mdelay(50); /* its condition is already true: it will not sleep */
	__set_current_state(TASK_RUNNING);
	return 0;
}

/*
 * Moved while between set_current_state() and its condition check, the
 * thread is preempted (a reschedule IPI) and queued on the new CPU: it
 * must stay runnable whatever its state says, or it is lost.
 */
TEST_CASE(smp_test_a_preempted_sleeper_moved_to_another_cpu_is_not_lost)
{
	u64 two = 1ULL << 2;
	struct task_struct *k;

	if (num_online_cpus() < 3 || !cpu_online(1) || !cpu_online(2))
		ktest_skip(t, "needs CPUs 0, 1 and 2");
	sleeper_in_window = 0;
	k = kthread_create(dawdling_sleeper, NULL, "dawdler");
	ASSERT_FALSE(t, IS_ERR(k));
	kthread_bind(k, 1);
	k->cpus_allowed = (1ULL << 1) | two; /* starts on CPU 1, may go to CPU 2 */
	get_task_struct(k);
	wake_up_process(k);
	while (!READ_ONCE(sleeper_in_window))
		msleep(1);
	EXPECT_EQ(t, set_cpus_allowed_ptr(k, &two), 0); /* move it while it runs */
	EXPECT_EQ(t, ktest_thread_finish(k, 2000), 0);
}

#ifdef CONFIG_DEBUG_PREEMPT
extern unsigned long preempt_check_reports;

TEST_CASE(smp_test_smp_processor_id_in_preemptible_code_is_reported)
{
	unsigned long before = preempt_check_reports;
	u64 saved = current->cpus_allowed, all = ~0ULL;
	u64 mark = log_seq();

	EXPECT_EQ(t, set_cpus_allowed_ptr(current, &all), 0);
	(void)smp_processor_id(); /* preemptible, may move: a report */
	EXPECT_EQ(t, preempt_check_reports, before + 1);
	EXPECT_TRUE(t, log_contains(mark, "BUG: using smp_processor_id() in preemptible"));
	preempt_disable();
	(void)smp_processor_id(); /* fine */
	preempt_enable();
	all = 1; /* CPU 0 only */
	EXPECT_EQ(t, set_cpus_allowed_ptr(current, &all), 0);
	(void)smp_processor_id(); /* bound to one CPU: fine */
	EXPECT_EQ(t, preempt_check_reports, before + 1);
	EXPECT_EQ(t, set_cpus_allowed_ptr(current, &saved), 0);
}
#endif

static const struct ktest_case smp_cases[] = {
	KTEST(smp_test_possible_cpus_are_the_madt_capped_by_nr_cpus),
	KTEST(smp_test_online_cpus_are_the_possible_capped_by_maxcpus),
	KTEST(smp_test_the_boot_cpu_is_cpu_0),
	KTEST(smp_test_a_cpu_that_does_not_come_up_is_left_out),
	KTEST(smp_test_each_online_cpu_has_its_own_madt_apic_id),
	KTEST(smp_test_each_cpu_has_its_own_copy_of_a_per_cpu_variable),
	KTEST(smp_test_this_cpu_ptr_is_per_cpu_ptr_of_this_cpu),
	KTEST(smp_test_a_bound_thread_runs_on_its_cpu),
	KTEST(smp_test_smp_call_function_single_runs_there_in_interrupt_context),
	KTEST(smp_test_on_each_cpu_runs_once_on_every_online_cpu),
	KTEST(smp_test_waking_a_thread_on_an_idle_cpu_sends_a_reschedule_ipi),
	KTEST(smp_test_new_threads_may_run_on_every_online_cpu),
	KTEST(smp_test_idle_cpus_take_runnable_threads),
	KTEST(smp_test_set_cpus_allowed_moves_the_current_thread),
	KTEST(smp_test_stop_machine_runs_with_every_other_cpu_stopped),
	KTEST(smp_test_stop_machine_while_another_cpu_waits_for_a_cross_call),
	KTEST(smp_test_a_preempted_sleeper_moved_to_another_cpu_is_not_lost),
#ifdef CONFIG_DEBUG_PREEMPT
	KTEST(smp_test_smp_processor_id_in_preemptible_code_is_reported),
#endif
	{}
};
TEST_SUITE(smp, smp_cases);
