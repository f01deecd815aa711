/*
 * SPDX-License-Identifier: MIT
 * tests/host/shim/host_kernel.c - the few kernel services the shims declare:
 * printk into a buffer (and stderr when HTEST_VERBOSE is set), a clock that
 * each sleep moves forward, the "physical memory" arena.
 */
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned long host_phys_base;
bool host_irqs_off;
unsigned int host_preempt_count;
unsigned long might_sleep_warnings;
unsigned long warn_count;
bool oops_in_progress;
volatile unsigned long jiffies;
static struct task_struct host_task = { .comm = "host" };
struct task_struct *host_current = &host_task;

static u64 fake_ns;
static char logbuf[1 << 20];
static size_t loglen;

u64 ktime_get_ns(void)
{
	return fake_ns;
}

long schedule_timeout(long timeout)
{
	fake_ns += (u64)timeout * NSEC_PER_MSEC; /* jiffies are ms here */
	jiffies += timeout;
	return 0;
}

bool host_might_sleep(void)
{
	if (host_preempt_count || host_irqs_off) {
		might_sleep_warnings++;
		return true;
	}
	return false;
}

int printk(const char *fmt, ...)
{
	char buf[512];
	const char *text = buf;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (buf[0] == '\001' && buf[1])
		text += 2;
	if (getenv("HTEST_VERBOSE"))
		fputs(text, stderr);
	n = (int)strlen(text);
	if (loglen + n < sizeof(logbuf)) {
		memcpy(logbuf + loglen, text, n);
		loglen += n;
		logbuf[loglen] = '\0';
	}
	return n;
}

u64 log_seq(void)
{
	return loglen;
}

bool log_contains(u64 since, const char *text)
{
	return since <= loglen && strstr(logbuf + since, text);
}

/* Map @size bytes of zeroed host memory as physical addresses 0..size. */
void *host_phys_init(size_t size)
{
	void *p = aligned_alloc(1 << 22, size);

	if (!p)
		abort();
	memset(p, 0, size);
	host_phys_base = (unsigned long)p;
	return p;
}
