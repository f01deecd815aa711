/*
 * SPDX-License-Identifier: MIT
 * tests/drivers/test_serial.c - suite `serial`: the UART driver on many CPUs.
 * A thread on every online CPU writes lines with serial_console_write at
 * the same time; the port lock must keep each line whole.  The guest
 * cannot read its own console back, so the host does: the runner's
 * smp4-virtio, smp2-all and smp4-all boots (tools/run-tests.py,
 * serial_lines_problems) find every line this suite printed, each exactly
 *
 *   serial_smp cpu=<c> line=<k> <48 letters made from c and k> end
 *
 * SERIAL_LINES of them for each CPU the suite names in its summary line
 * "serial_smp: <n> CPUs x <k> lines".  In the guest the case checks what it
 * can: every byte was counted (tx_bytes).
 *
 *   -smp 4 -append "test=serial"
 */
#include <drivers/serial.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <stdio.h>
#include <string.h>

#define SERIAL_LINES   40
#define SERIAL_LETTERS 48

/* Line @k of CPU @cpu into @buf (NUL-terminated); its length.  The host rebuilds it. */
static int serial_test_line(char *buf, size_t size, unsigned int cpu, unsigned int k)
{
	char letters[SERIAL_LETTERS + 1];

	for (unsigned int i = 0; i < SERIAL_LETTERS; i++)
		letters[i] = (char)('a' + (cpu * 7 + k * 3 + i) % 26);
	letters[SERIAL_LETTERS] = '\0';
	return snprintf(buf, size, "serial_smp cpu=%u line=%u %s end\n", cpu, k, letters);
}

static int serial_writer_fn(void *arg)
{
	unsigned int cpu = (unsigned int)(uintptr_t)arg;
	char line[96];

	for (unsigned int k = 0; k < SERIAL_LINES; k++) {
		int n = serial_test_line(line, sizeof(line), cpu, k);

		serial_console_write(line, n);
		yield(); /* let another CPU's line in between, never inside */
	}
	return 0;
}

TEST_CASE(serial_test_lines_from_every_cpu_at_once_are_not_interleaved)
{
	struct task_struct *k[NR_CPUS] = { NULL };
	unsigned long tx = serial_stats.tx_bytes, want = 0;
	unsigned int cpu, n = 0;
	char line[96];

	for_each_online_cpu(cpu) {
		for (unsigned int j = 0; j < SERIAL_LINES; j++)
			want += serial_test_line(line, sizeof(line), cpu, j) + 1; /* + '\r' */
		k[n] = ktest_thread_start_on(serial_writer_fn, (void *)(uintptr_t)cpu, "serial_smp",
					     cpu);
		EXPECT_NOT_NULL(t, k[n]);
		n++;
	}
	for (unsigned int i = 0; i < n; i++)
		if (k[i])
			EXPECT_EQ(t, ktest_thread_finish(k[i], 30000), 0);
	/* Other output may have gone out meanwhile, never less than ours. */
	EXPECT_GE(t, serial_stats.tx_bytes - tx, want);
	printk("serial_smp: %u CPUs x %u lines\n", n, SERIAL_LINES);
}

static const struct ktest_case serial_cases[] = {
	KTEST(serial_test_lines_from_every_cpu_at_once_are_not_interleaved), {}
};

TEST_SUITE(serial, serial_cases);
