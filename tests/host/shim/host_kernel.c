/*
 * SPDX-License-Identifier: MIT
 * tests/host/shim/host_kernel.c - the kernel services that the real
 * headers declare and the host tests' code calls, written for one host
 * thread: printk into a buffer (and stderr when HTEST_VERBOSE is set), a
 * clock that each sleep moves forward, the preempt count, wait queues that
 * never block, panic and WARN, the "physical memory" arena, and a boot
 * report that records nothing (no boot on the host).  Each
 * definition has the real header's prototype (the compiler checks it).
 */
#include <kernel/boot_report.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <mm/percpu.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_kernel.h"

unsigned long host_phys_base;
bool host_irqs_off;
DEFINE_PER_CPU(unsigned int, __preempt_count);
unsigned long might_sleep_warnings;
unsigned long warn_count;
bool oops_in_progress;
volatile unsigned long jiffies;
static struct task_struct host_task = { .comm = "host" };
DEFINE_PER_CPU(struct task_struct *, current_task) = &host_task;

static u64 fake_ns;
static char logbuf[1 << 20];
static size_t loglen;

/* ---- time and sleeping --------------------------------------------------- */

u64 ktime_get_ns(void)
{
	return fake_ns;
}

/* Nothing else runs while we "sleep": the clock jumps by @timeout, nothing wakes us early. */
long schedule_timeout(long timeout)
{
	fake_ns += (u64)timeout * (NSEC_PER_SEC / HZ);
	jiffies += timeout;
	return 0;
}

/* A sleep with no timeout could never end in a one-thread process. */
void schedule(void)
{
	if (current->state != TASK_RUNNING)
		panic("host: schedule() in state %ld: nothing can wake the only thread",
		      current->state);
}

void arch_safe_halt(void)
{
	panic("host: safe_halt(): nothing can wake the only thread");
}

/* ---- the preempt count and might_sleep ----------------------------------- */

/* No other thread to switch to (preempt_enable() is inline: only the count goes down). */
void preempt_schedule(void)
{
}

bool can_sleep(void)
{
	return preempt_count() == 0 && !irqs_disabled();
}

/* Reached only from an invalid context (might_sleep's inline test failed). */
bool __might_sleep(const char *file, int line)
{
	might_sleep_warnings++;
	printk(KERN_ERR "BUG: sleeping function called from invalid context at %s:%d\n", file,
	       line);
	return true;
}

/* ---- wait queues: nobody else can wake us, so nobody is ever queued ------ */

void init_waitqueue_head(struct wait_queue_head *wq)
{
	spin_lock_init(&wq->lock);
	INIT_LIST_HEAD(&wq->head);
}

void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *w, int state)
{
	current->state = state;
}

void prepare_to_wait_exclusive(struct wait_queue_head *wq, struct wait_queue_entry *w, int state)
{
	current->state = state;
}

void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *w)
{
	current->state = TASK_RUNNING;
}

/* Nobody is ever queued, so nobody is ever there to wake. */
bool wake_up_process(struct task_struct *t)
{
	return false;
}

void __wake_up(struct wait_queue_head *wq, int nr)
{
}

/* ---- panic, BUG and WARN ------------------------------------------------- */

void panic(const char *fmt, ...)
{
	va_list ap;

	fputs("panic: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void __bug_on(const char *file, int line, const char *cond)
{
	panic("kernel BUG at %s:%d: %s", file, line, cond);
}

void spin_lock_bug(spinlock_t *l, const char *why)
{
	panic("spinlock %s: %s", l->name, why);
}

bool virt_spin_lock_enabled; /* false: the ticket lock, as on bare metal */

void __warn(const char *file, int line, const char *cond)
{
	warn_count++;
	fprintf(stderr, "WARNING at %s:%d: %s\n", file, line, cond);
}

void dump_stack(void)
{
}

/* No symbol table on the host: every address prints as a bare number. */
bool ksym_format(unsigned long addr, char *buf, size_t len)
{
	snprintf(buf, len, "%#lx", addr);
	return false;
}

const char *ksym_lookup(unsigned long addr, unsigned long *offset, unsigned long *size)
{
	return NULL;
}

/* ---- printk and the log -------------------------------------------------- */

int vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	const char *text = buf;
	size_t n;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (buf[0] == KERN_SOH[0] && buf[1])
		text += 2;
	if (getenv("HTEST_VERBOSE"))
		fputs(text, stderr);
	n = strlen(text);
	if (loglen + n < sizeof(logbuf)) {
		memcpy(logbuf + loglen, text, n);
		loglen += n;
		logbuf[loglen] = '\0';
	}
	return (int)n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
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

/* No rate limit on the host: every message is logged, for log_contains(). */
bool __ratelimit(struct ratelimit_state *rs, unsigned int interval_ms, int burst)
{
	return true;
}

/* ---- "physical" memory ---------------------------------------------------- */

void *host_phys_init(size_t size)
{
	void *p = aligned_alloc(1 << 22, size);

	if (!p)
		abort();
	memset(p, 0, size);
	host_phys_base = (unsigned long)p;
	return p;
}

/* ---- one CPU: per-CPU data and cross-CPU calls ----------------------------------- */

/* CPU 0's offset is 0: a per-CPU variable's own storage is its copy. */
unsigned long __per_cpu_offset[NR_CPUS];
DEFINE_PER_CPU(unsigned int, cpu_number);
DEFINE_PER_CPU(unsigned long, this_cpu_off);
unsigned int nr_cpu_ids = 1;

bool cpu_online(unsigned int cpu)
{
	return cpu == 0;
}

bool cpu_possible(unsigned int cpu)
{
	return cpu == 0;
}

unsigned int num_online_cpus(void)
{
	return 1;
}

/* The only CPU has local APIC ID 0, as QEMU's boot CPU. */
int cpu_physical_id(unsigned int cpu)
{
	return cpu == 0 ? 0 : -1;
}

/* The only CPU: run it here, "interrupts off" as the kernel's does. */
int on_each_cpu(smp_call_func_t func, void *info, int wait)
{
	unsigned long flags;

	local_irq_save(flags);
	func(info);
	local_irq_restore(flags);
	return 0;
}

/* The only CPU: CPU 0 runs it here, as the kernel's does for its own CPU; others are offline. */
int smp_call_function_single(int cpu, smp_call_func_t func, void *info, int wait)
{
	if (cpu != 0)
		return -ENXIO; /* as the kernel's, for a CPU that is not online */
	return on_each_cpu(func, info, wait);
}

/* The only CPU is this one: the call runs here, at once (as the kernel's for its own CPU). */
void __smp_call_function_single(int cpu, struct call_single_data *csd, int wait)
{
	(void)cpu;
	(void)wait;
	csd->func(csd->info);
}

/* mm/percpu.c's allocator hands out offsets into every CPU's area; with offset 0, memory. */
void __percpu *__alloc_percpu(size_t size, size_t align)
{
	void *p = aligned_alloc(align < 16 ? 16 : align, (size + 15) & ~(size_t)15);

	if (p)
		memset(p, 0, size);
	return p;
}

void free_percpu(void __percpu *ptr)
{
	free(ptr);
}

bool pcpu_area_ready(unsigned int cpu)
{
	return cpu == 0;
}

/* A host test is no boot: a step that degrades (a smaller vring) records nothing. */
int boot_degraded(const char *fmt, ...)
{
	(void)fmt;
	return 0;
}

void boot_essential_retried(const char *what, int err, unsigned int tries, bool done)
{
	(void)what;
	(void)err;
	(void)tries;
	(void)done;
}
