/*
 * SPDX-License-Identifier: MIT
 * tests/lib/ktest.c - the in-guest test harness: runs suites, prints KTAP.
 *
 *   ktest_run(filter)
 *     for each suite of .ktest_suites the filter selects:   ktest_run_suite
 *       init(); every selected case: ktest_run_case; exit()
 *   ktest_run_case
 *     read the resource counters (the baseline)
 *     run the case in a fresh kernel thread, wait at most its timeout
 *     judge it: died / timed out / failed / skipped / leaked / passed
 *
 * Why a thread per case: a case that faults kills only its own thread (the
 * trap handler calls kthread_fault_exit), and a case that hangs can be
 * abandoned; the harness, in the calling thread, lives on to report both.
 * ASSERT and skip end a case the same way, with kthread_exit.
 *
 * The output is KTAP version 1 (Linux Documentation/dev-tools/ktap.rst):
 *
 *   KTAP version 1
 *   1..2                           <- the number of suites that will run
 *       KTAP version 1             <- each suite is a subtest, indented 4
 *       # Subtest: list
 *       1..2                       <- its cases
 *       # list_test_del: EXPECT failed at tests/test_list.c:40: expected ...
 *       not ok 1 list_test_del     <- diagnostics come before the result
 *       ok 2 list_test_add
 *   not ok 1 list
 *   ...
 *   # ktest: 1 passed, 1 failed, 0 skipped
 *
 * tools/run-tests.py parses exactly this; change both together.
 */
#include <kernel/cmdline.h>
#include <kernel/err.h>
#include <kernel/ktest.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/runner.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <mm/mm.h>
#include <mm/paging.h>
#include <mm/slab.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ktest_internal.h"

/*
 * One KTAP line = one printk at KERN_EMERG: the only level that reaches the
 * console whatever loglevel= says, and a single printk is never cut by
 * another context's output (kernel/printk.h).
 */
#define ktap(fmt, ...) printk(KERN_EMERG fmt, ##__VA_ARGS__)

/* Placed by linker.ld around every TEST_SUITE(). */
extern const struct ktest_suite __ktest_suites_start[], __ktest_suites_end[];

long ktest_timeout_ms = 10000;

/* Spelled out: cmdline_param_int() takes an identifier, and this name has a dot. */
static const struct kernel_param __param_ktest_timeout __section(".cmdline_params")
	__used __aligned(8) = {
		.name = "ktest.timeout",
		.type = PARAM_INT,
		.var = &ktest_timeout_ms,
		.min = 1,
		.max = 3600 * 1000,
		.help = "time limit of a test case, ms",
	};

enum ktest_result {
	KTEST_PASS,
	KTEST_FAIL,
	KTEST_SKIP
};

/* How a case's thread ended. */
enum ktest_end {
	KTEST_END_RETURNED,    /* returned, or left by ASSERT or skip */
	KTEST_END_DIED,	       /* a CPU exception killed it */
	KTEST_END_TIMED_OUT,   /* still running at the deadline: abandoned */
	KTEST_END_NOT_STARTED, /* no thread could be made */
};

/* The state of one ktest_run(); only the harness thread writes it. */
static struct {
	struct task_struct *thread; /* the running case's thread, NULL between cases */
	unsigned int passed;	    /* case totals, for the closing summary line */
	unsigned int failed;
	unsigned int skipped;
} run;

/* ---- resource counters ---------------------------------------------- */

/*
 * Page-table pages are never freed (but a failed ioremap's), so a case may
 * take some: count them as still ours.  Pages held by slabs too: a case that leaks slab memory
 * leaks objects, which the next counter catches, while the same number of
 * objects may sit on more slabs than before without anything leaking (a
 * NIC's receive ring recycles its buffers through kmalloc-2048 alongside
 * everyone else's and ends up spread differently; virtio-net's tests).
 */
static unsigned long ktest_read_pages(void)
{
	kmem_cache_shrink_all(); /* empty slabs kept for reuse are not the case's */
	return nr_free_pages() + pgtable_pages + slab_nr_pages();
}

static unsigned long ktest_read_threads(void)
{
	return READ_ONCE(nr_threads);
}

const struct ktest_counter ktest_counters[KTEST_NR_COUNTERS] = {
	{ "pages", ktest_read_pages },
	{ "slab objects", slab_live_objects },
	{ "threads", ktest_read_threads },
};

void ktest_read_counters(unsigned long *vals)
{
	for (int i = 0; i < KTEST_NR_COUNTERS; i++)
		vals[i] = ktest_counters[i].read();
}

/* ---- the filter ------------------------------------------------------- */

/* Is the token [tok, tok + len) exactly the string @s? */
static bool token_is(const char *tok, size_t len, const char *s)
{
	return strlen(s) == len && !memcmp(tok, s, len);
}

static enum ktest_match match_token(const char *tok, size_t len, const struct ktest_suite *s,
				    const struct ktest_case *c)
{
	size_t slen = strlen(s->name);

	if (token_is(tok, len, "all"))
		return s->selftest || s->by_name_only ? KTEST_MATCH_NONE : KTEST_MATCH_SUITE;
	if (token_is(tok, len, s->name))
		return KTEST_MATCH_SUITE;
	if (len > slen + 1 && !memcmp(tok, s->name, slen) && tok[slen] == '.' &&
	    token_is(tok + slen + 1, len - slen - 1, c->name))
		return KTEST_MATCH_EXACT;
	return KTEST_MATCH_NONE;
}

enum ktest_match ktest_filter_match(const char *filter, const struct ktest_suite *s,
				    const struct ktest_case *c)
{
	enum ktest_match best = KTEST_MATCH_NONE;
	const char *p = filter;

	while (*p) {
		size_t len = strcspn(p, ",");
		enum ktest_match m = match_token(p, len, s, c);

		if (m > best)
			best = m;
		p += len;
		if (*p == ',')
			p++;
	}
	return best;
}

static unsigned int count_selected(const struct ktest_suite *s, const char *filter)
{
	unsigned int n = 0;

	for (const struct ktest_case *c = s->cases; c->name; c++)
		if (ktest_filter_match(filter, s, c) != KTEST_MATCH_NONE)
			n++;
	return n;
}

/* ---- what a case calls ------------------------------------------------ */

static const char *ktest_case_name(const struct ktest *t)
{
	return t->tcase ? t->tcase->name : "?";
}

/* Print "    # <case>: <text>", a diagnostic of the current case. */
__printf(2, 3) static void ktest_diag(const struct ktest *t, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ktap("    # %s: %s\n", ktest_case_name(t), msg);
}

void ktest_fail(struct ktest *t, const char *file, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	t->failures++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ktest_diag(t, "EXPECT failed at %s:%d: %s", file, line, msg);
}

void ktest_fail_binop(struct ktest *t, const char *file, int line, const char *sa, const char *op,
		      const char *sb, long long a, long long b)
{
	ktest_fail(t, file, line, "expected %s %s %s, but %s == %lld (%#llx), %s == %lld (%#llx)",
		   sa, op, sb, sa, a, a, sb, b, b);
}

void ktest_abort(struct ktest *t)
{
	/* Only a case thread may be ended; anything else is a harness misuse. */
	BUG_ON(!run.thread || current != run.thread);
	ktest_diag(t, "a failed ASSERT ended the case");
	kthread_exit(0);
}

void ktest_skip(struct ktest *t, const char *reason)
{
	BUG_ON(!run.thread || current != run.thread);
	t->skipped = true;
	snprintf(t->skip_reason, sizeof(t->skip_reason), "%s", reason);
	kthread_exit(0);
}

/* ---- running one case -------------------------------------------------- */

static int ktest_case_thread(void *data)
{
	struct ktest *t = data;

	t->tcase->run(t);
	return 0;
}

/*
 * Run @t's case in a new thread and wait for it at most @timeout_ms.
 * Prints the diagnostic for every end but KTEST_END_RETURNED.
 */
static enum ktest_end ktest_exec(struct ktest *t, unsigned int timeout_ms)
{
	struct task_struct *task;
	enum ktest_end end = KTEST_END_RETURNED;
	int ret;

	task = kthread_create(ktest_case_thread, t, "%s", t->tcase->name);
	if (IS_ERR(task)) {
		ktest_diag(t, "could not start its thread: %ld", PTR_ERR(task));
		return KTEST_END_NOT_STARTED;
	}
	get_task_struct(task); /* keeps task->faulted readable after it dies */
	run.thread = task;
	wake_up_process(task);
	ret = kthread_join(task, msecs_to_jiffies(timeout_ms));
	run.thread = NULL;

	if (ret == -ETIMEDOUT) {
		/* Stack and struct stay allocated: the thread may hold anything. */
		kthread_abandon(task);
		ktest_diag(t, "timed out after %u ms", timeout_ms);
		end = KTEST_END_TIMED_OUT;
	} else if (task->faulted) {
		ktest_diag(t, "died: %s", task->fault.reason);
		end = KTEST_END_DIED;
	}
	put_task_struct(task);
	return end;
}

/*
 * Some memory comes back a little after the case that used it has ended:
 * virtio-net frees a sent frame at its next transmit or poll, or else from
 * a timer (VIRTNET_TX_RECLAIM_MS, 10 ms), as the TX interrupt is off.  So
 * counters that moved are read again for up to this long before they count
 * as a leak; a real leak is still there at the end.
 */
#define KTEST_SETTLE_MS 200

/* Compare the counters with @before; print and return true if any moved. */
static bool ktest_check_counters(const struct ktest *t, const unsigned long *before)
{
	unsigned long end = jiffies + msecs_to_jiffies(KTEST_SETTLE_MS);
	unsigned long after[KTEST_NR_COUNTERS];
	bool leaked = false;

	for (;;) {
		ktest_read_counters(after);
		if (!memcmp(after, before, sizeof(after)) || time_after(jiffies, end))
			break;
		msleep(1);
	}
	for (int i = 0; i < KTEST_NR_COUNTERS; i++) {
		if (after[i] == before[i])
			continue;
		ktest_diag(t, "leaked: %s %lu -> %lu", ktest_counters[i].name, before[i], after[i]);
		leaked = true;
	}
	return leaked;
}

/* Judge a case whose thread ended by itself. */
static enum ktest_result ktest_judge(const struct ktest *t, const unsigned long *before)
{
	enum ktest_result res = KTEST_PASS;

	if (t->failures)
		res = KTEST_FAIL;
	else if (t->skipped)
		res = KTEST_SKIP;
	if (t->tcase->panic_msg && !t->skipped) {
		ktest_diag(t, "did not panic");
		res = KTEST_FAIL;
	}
	/* Also after a failure: the leak is worth knowing about. */
	if (ktest_check_counters(t, before))
		res = KTEST_FAIL;
	return res;
}

static void ktest_print_result(const struct ktest *t, enum ktest_result res, unsigned int nr)
{
	const char *name = ktest_case_name(t);

	if (res == KTEST_FAIL)
		ktap("    not ok %u %s\n", nr, name);
	else if (res == KTEST_SKIP)
		ktap("    ok %u %s # SKIP %s\n", nr, name, t->skip_reason);
	else
		ktap("    ok %u %s\n", nr, name);
}

/*
 * Run case @c of suite @s as number @nr of its subtest; @exact: the filter
 * named it, so a panic case really runs.
 */
static enum ktest_result ktest_run_case(const struct ktest_suite *s, const struct ktest_case *c,
					bool exact, unsigned int nr)
{
	unsigned long before[KTEST_NR_COUNTERS];
	unsigned int timeout_ms = c->timeout_ms ? c->timeout_ms : (unsigned int)ktest_timeout_ms;
	enum ktest_result res;
	struct ktest *t;

	if (c->panic_msg && !exact) {
		ktap("    # panic-case: %s.%s expects: %s\n", s->name, c->name, c->panic_msg);
		ktap("    ok %u %s # SKIP panics; run alone by the host runner\n", nr, c->name);
		return KTEST_SKIP;
	}
	if (c->panic_msg)
		ktap("    # expect-panic: %s\n", c->panic_msg);

	/* Allocated before the baseline, so it is not counted as the case's. */
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t) {
		ktap("    # %s: out of memory for the harness\n", c->name);
		ktap("    not ok %u %s\n", nr, c->name);
		return KTEST_FAIL;
	}
	t->suite = s;
	t->tcase = c;
	ktest_read_counters(before);

	switch (ktest_exec(t, timeout_ms)) {
	case KTEST_END_RETURNED:
		res = ktest_judge(t, before);
		break;
	case KTEST_END_TIMED_OUT:
		/* The abandoned thread still points at t: leave it be. */
		ktest_print_result(t, KTEST_FAIL, nr);
		return KTEST_FAIL;
	default:
		/* Died or never ran: what it held is lost, so no leak check. */
		res = KTEST_FAIL;
		break;
	}
	ktest_print_result(t, res, nr);
	kfree(t);
	return res;
}

/* ---- suites and the whole run ----------------------------------------- */

static void ktest_count(enum ktest_result res)
{
	if (res == KTEST_PASS)
		run.passed++;
	else if (res == KTEST_FAIL)
		run.failed++;
	else
		run.skipped++;
}

/* The suite's init failed with @err: list every selected case as skipped. */
static void ktest_skip_suite(const struct ktest_suite *s, const char *filter, unsigned int nr,
			     int err)
{
	unsigned int i = 0;

	for (const struct ktest_case *c = s->cases; c->name; c++) {
		if (ktest_filter_match(filter, s, c) == KTEST_MATCH_NONE)
			continue;
		ktap("    ok %u %s # SKIP suite init failed: %d\n", ++i, c->name, err);
		run.skipped++;
	}
	ktap("ok %u %s # SKIP init failed: %d\n", nr, s->name, err);
}

/* Run the cases of @s that @filter selects, as subtest number @nr. */
static void ktest_run_suite(const struct ktest_suite *s, const char *filter, unsigned int nr)
{
	unsigned int nr_cases = count_selected(s, filter), i = 0, failed = 0, skipped = 0;
	int err;

	ktap("    KTAP version 1\n");
	ktap("    # Subtest: %s\n", s->name);
	ktap("    1..%u\n", nr_cases);
	if (s->init && (err = s->init()) != 0) {
		ktest_skip_suite(s, filter, nr, err);
		return;
	}
	for (const struct ktest_case *c = s->cases; c->name; c++) {
		enum ktest_match m = ktest_filter_match(filter, s, c);
		enum ktest_result res;

		if (m == KTEST_MATCH_NONE)
			continue;
		if (signal_pending(current)) /* Ctrl-C at the monitor: stop between cases */
			break;
		res = ktest_run_case(s, c, m == KTEST_MATCH_EXACT, ++i);
		ktest_count(res);
		failed += res == KTEST_FAIL;
		skipped += res == KTEST_SKIP;
	}
	if (s->exit)
		s->exit();

	if (i < nr_cases) /* Ctrl-C: fewer results than the plan said */
		ktap("not ok %u %s # interrupted\n", nr, s->name);
	else if (failed)
		ktap("not ok %u %s\n", nr, s->name);
	else if (skipped == nr_cases)
		ktap("ok %u %s # SKIP every case skipped\n", nr, s->name);
	else
		ktap("ok %u %s\n", nr, s->name);
}

static int ktest_nop_thread(void *unused)
{
	return 0;
}

/*
 * Make and reap one thread before the first case, so that whatever the
 * first thread of a run allocates once and keeps (slab pages for task
 * structs, say) is not blamed on the first case.
 */
static void ktest_warm_up(void)
{
	struct task_struct *task = kthread_create(ktest_nop_thread, NULL, "ktest-warmup");

	if (IS_ERR(task))
		return;
	get_task_struct(task);
	wake_up_process(task);
	kthread_join(task, MAX_SCHEDULE_TIMEOUT);
	put_task_struct(task);
}

/* Does the one word @tok (@len bytes) of a filter select any case? */
static bool token_selects(const char *tok, size_t len)
{
	for (const struct ktest_suite *s = __ktest_suites_start; s < __ktest_suites_end; s++)
		for (const struct ktest_case *c = s->cases; c->name; c++)
			if (match_token(tok, len, s, c) != KTEST_MATCH_NONE)
				return true;
	return false;
}

bool ktest_matches(const char *filter, const char **bad, size_t *bad_len)
{
	for (const char *p = filter; *p; p += *p == ',') {
		size_t len = strcspn(p, ",");

		if (!token_selects(p, len)) {
			*bad = p;
			*bad_len = len;
			return false;
		}
		p += len;
	}
	return *filter != '\0';
}

int ktest_run(const char *filter)
{
	const struct ktest_suite *s;
	unsigned int nr_suites = 0, nr = 0;

	memset(&run, 0, sizeof(run));
	for (s = __ktest_suites_start; s < __ktest_suites_end; s++)
		if (count_selected(s, filter))
			nr_suites++;

	ktap("KTAP version 1\n");
	ktap("1..%u\n", nr_suites);
	if (!nr_suites) {
		/* A typo in test= must not pass as "nothing failed". */
		ktap("# ktest: no test matches '%s'\n", filter);
		ktap("# ktest: 0 passed, 1 failed, 0 skipped\n");
		return 1;
	}
	ktest_warm_up();
	for (s = __ktest_suites_start; s < __ktest_suites_end && !signal_pending(current); s++)
		if (count_selected(s, filter))
			ktest_run_suite(s, filter, ++nr);
	if (signal_pending(current))
		ktap("# ktest: interrupted after %u case(s)\n",
		     run.passed + run.failed + run.skipped);
	ktap("# ktest: %u passed, %u failed, %u skipped\n", run.passed, run.failed, run.skipped);
	return run.failed;
}

/* The suite after @prev by name (the first for NULL); NULL after the last. */
static const struct ktest_suite *ktest_suite_after(const struct ktest_suite *prev)
{
	const struct ktest_suite *next = NULL;

	for (const struct ktest_suite *s = __ktest_suites_start; s < __ktest_suites_end; s++)
		if ((!prev || strcmp(s->name, prev->name) > 0) &&
		    (!next || strcmp(s->name, next->name) < 0))
			next = s;
	return next;
}

/*
 * `test list`: every suite and its number of cases, by name, for a reader
 * looking one up (`test all` still runs them in link order: by source path).
 */
static void ktest_list_suites(void)
{
	for (const struct ktest_suite *s = ktest_suite_after(NULL); s; s = ktest_suite_after(s)) {
		unsigned int n = 0;
		char why[96] = "";

		for (const struct ktest_case *c = s->cases; c->name; c++)
			n++;
		if (s->selftest)
			snprintf(why, sizeof(why),
				 "  (selftest: fails on purpose, run only by name)");
		else if (s->by_name_only)
			snprintf(why, sizeof(why), "  (run only by name: %s)", s->by_name_only);
		printk("  %-24s %3u case%s%s\n", s->name, n, n == 1 ? "" : "s", why);
	}
}

int ktest_list(const char *suite)
{
	const struct ktest_suite *s;

	if (!suite) {
		ktest_list_suites();
		return 0;
	}
	for (s = __ktest_suites_start; s < __ktest_suites_end; s++)
		if (!strcmp(s->name, suite))
			break;
	if (s == __ktest_suites_end)
		return -ENOENT;
	for (const struct ktest_case *c = s->cases; c->name; c++)
		printk("  %s.%s%s\n", s->name, c->name,
		       c->panic_msg ? "  (panics: run alone)" : "");
	return 0;
}

/* What the kernel knows of the harness: test= and the monitor's `test` (kernel/runner.c). */
KERNEL_RUNNER(ktest, .name = "test", .run = ktest_run, .matches = ktest_matches,
	      .list = ktest_list);

struct task_struct *ktest_thread_start(int (*fn)(void *), void *arg, const char *name)
{
	struct task_struct *k = kthread_create(fn, arg, "%s", name);

	if (IS_ERR(k))
		return NULL;
	get_task_struct(k);
	wake_up_process(k);
	return k;
}

struct task_struct *ktest_thread_start_on(int (*fn)(void *), void *arg, const char *name,
					  unsigned int cpu)
{
	struct task_struct *k = kthread_create(fn, arg, "%s", name);

	if (IS_ERR(k))
		return NULL;
	kthread_bind(k, cpu);
	get_task_struct(k);
	wake_up_process(k);
	return k;
}

int ktest_thread_finish(struct task_struct *k, unsigned int ms)
{
	int ret = kthread_join(k, msecs_to_jiffies(ms));

	if (ret == -ETIMEDOUT)
		kthread_abandon(k);
	else /* it exited; on another CPU it may still be switching away: wait for its reaping */
		while (__atomic_load_n(&k->refcount, __ATOMIC_ACQUIRE) > 1)
			cpu_relax();
	put_task_struct(k);
	return ret;
}

void ktest_hog_init(struct ktest_hog *h)
{
	INIT_LIST_HEAD(&h->pages);
	h->nr = 0;
}

unsigned long ktest_hog_take(struct ktest_hog *h, unsigned int gfp)
{
	unsigned long n = 0;
	struct page *p;

	kmem_cache_shrink_all(); /* no empty slab left to serve from */
	while ((p = alloc_page(gfp | __GFP_NOWARN))) {
		list_add(&p->lru, &h->pages);
		n++;
	}
	h->nr += n;
	return n;
}

void ktest_hog_release(struct ktest_hog *h)
{
	while (!list_empty(&h->pages)) {
		struct page *p = list_first_entry(&h->pages, struct page, lru);

		list_del(&p->lru);
		__free_page(p);
	}
	h->nr = 0;
}

void ktest_fill(void *p, size_t len, unsigned int seed)
{
	unsigned char *b = p;

	for (size_t i = 0; i < len; i++)
		b[i] = (unsigned char)(seed + i * 7);
}

bool ktest_holds(const void *p, size_t len, unsigned int seed)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i] != (unsigned char)(seed + i * 7))
			return false;
	return true;
}

bool ktest_logged(u64 mark, const char *fmt, unsigned long value)
{
	char text[128];

	snprintf(text, sizeof(text), fmt, value);
	return log_contains(mark, text);
}
