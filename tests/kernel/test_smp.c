/*
 * SPDX-License-Identifier: MIT
 * tests/kernel/test_smp.c - the CPUs the kernel brought up (kernel/smpboot.c).
 *
 * Whatever machine this boots on (-smp N, maxcpus=, nr_cpus=), what is online
 * must agree with the firmware's MADT and the command line, as Linux 3.10
 * reads them: nr_cpus= caps the possible CPUs, maxcpus= the ones brought up
 * at boot.  tools/run-tests.py boots this suite under -smp 4 with and
 * without those options; on the plain -smp 1 machine it checks that one
 * CPU stays one.  The checks run on the boot CPU, the only one that runs
 * threads for now (the APs park).
 */
#include <kernel/acpi.h>
#include <kernel/irqchip_test.h>
#include <kernel/ktest.h>
#include <kernel/smp.h>

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

static const struct ktest_case smp_cases[] = {
	KTEST(smp_test_possible_cpus_are_the_madt_capped_by_nr_cpus),
	KTEST(smp_test_online_cpus_are_the_possible_capped_by_maxcpus),
	KTEST(smp_test_the_boot_cpu_is_cpu_0),
	KTEST(smp_test_a_cpu_that_does_not_come_up_is_left_out),
	KTEST(smp_test_each_online_cpu_has_its_own_madt_apic_id),
	{}
};
TEST_SUITE(smp, smp_cases);
