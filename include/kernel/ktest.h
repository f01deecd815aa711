/*
 * SPDX-License-Identifier: MIT
 * kernel/ktest.h - the in-guest test harness (KUnit-like, KTAP output).
 *
 * A test is a function taking the test's context; a suite is a table of
 * them, registered through the .ktest_suites linker section:
 *
 *   TEST_CASE(list_test_add)
 *   {
 *           LIST_HEAD(l);
 *           ...
 *           EXPECT_TRUE(t, list_empty(&l));   // records a failure, goes on
 *           ASSERT_NOT_NULL(t, p);            // on failure, ends the case
 *   }
 *
 *   static const struct ktest_case list_cases[] = {
 *           KTEST(list_test_add),
 *           {}
 *   };
 *   TEST_SUITE(list, list_cases);
 *
 * Each case runs in a fresh kernel thread.  A case that faults is reported
 * as failed with the fault; one that runs past its timeout (default 10 s,
 * `ktest.timeout=` ms, or .timeout_ms per case) is reported as failed and
 * abandoned.  After each case the harness checks that the resource counters
 * (free + page-table + slab pages, slab objects, threads) are back at the
 * values they had before it, and fails the case if not.
 *
 * Cases that must end the kernel (the contract says "will BUG") are declared
 * with KTEST_PANIC(fn, "expected text"): a normal run lists them as skipped;
 * the host runner boots each alone (`test=suite.case`) and checks that the
 * kernel panics with the expected text.
 *
 * Output is KTAP version 1 (Linux Documentation/dev-tools/ktap.rst).
 *
 * The kernel never calls the harness by name: tests/lib/ktest.c registers it as
 * the runner "test" (include/kernel/runner.h), which test= and the monitor's
 * `test` look up; harness and suites are the tests module (kernel/ktests.h).
 */
#ifndef KERNEL_KTEST_H
#define KERNEL_KTEST_H

#include <kernel/compiler.h>
#include <kernel/list.h>
#include <kernel/time.h>
#include <kernel/types.h>
#include <string.h>

struct ktest;

struct ktest_case {
	const char *name;
	void (*run)(struct ktest *t);
	const char *panic_msg;	 /* non-NULL: a case that must panic with this text */
	unsigned int timeout_ms; /* 0: the default */
};

struct ktest_suite {
	const char *name;
	const struct ktest_case *cases; /* ends with an empty entry */
	int (*init)(void);  /* optional; before the first case; non-zero skips the suite */
	void (*exit)(void); /* optional; after the last case */
	bool selftest;	    /* deliberately failing cases: run only when named */
	/* non-NULL: a real suite run only when named (not by "all"): why (`test list` shows it) */
	const char *by_name_only;
};

/* The state of the running case. */
struct ktest {
	const struct ktest_suite *suite;
	const struct ktest_case *tcase;
	int failures; /* EXPECT/ASSERT failures so far */
	bool skipped;
	char skip_reason[96];
	void *priv; /* for the case's own use */
};

#define TEST_CASE(fn) static void fn(struct ktest *t __unused)
#define KTEST(fn)                      \
	{                              \
		.name = #fn, .run = fn \
	}
#define KTEST_TIMEOUT(fn, ms)                              \
	{                                                  \
		.name = #fn, .run = fn, .timeout_ms = (ms) \
	}
#define KTEST_PANIC(fn, msg)                               \
	{                                                  \
		.name = #fn, .run = fn, .panic_msg = (msg) \
	}

#define TEST_SUITE(sname, table)                                                         \
	static const struct ktest_suite __ktest_suite_##sname __section(".ktest_suites") \
		__used __aligned(8) = {                                                  \
			.name = #sname,                                                  \
			.cases = table,                                                  \
		}

#define TEST_SUITE_INIT(sname, table, initfn, exitfn)                                    \
	static const struct ktest_suite __ktest_suite_##sname __section(".ktest_suites") \
		__used __aligned(8) = {                                                  \
			.name = #sname,                                                  \
			.cases = table,                                                  \
			.init = initfn,                                                  \
			.exit = exitfn,                                                  \
		}

/* Record a failure with a formatted explanation (the EXPECT macros call this). */
__printf(4, 5) void ktest_fail(struct ktest *t, const char *file, int line, const char *fmt, ...);

/*
 * Record a failed comparison: "expected a op b, but a == .. (..), b == .. (..)".
 * The EXPECT_EQ family calls this rather than ktest_fail, so that the failing
 * branch of each of their few thousand uses is an eight-argument call, half
 * the code of the thirteen ktest_fail's message takes (the whole kernel image
 * loads at every boot: docs/performance.md).
 */
void ktest_fail_binop(struct ktest *t, const char *file, int line, const char *sa, const char *op,
		      const char *sb, long long a, long long b);
/* End the current case now (after a failed ASSERT).  Never returns. */
__noreturn void ktest_abort(struct ktest *t);
/* Mark the case skipped with a reason and end it.  Never returns. */
__noreturn void ktest_skip(struct ktest *t, const char *reason);

#define __KTEST_CHECK(t, ok, on_fail, fmt, ...)                                \
	do {                                                                   \
		if (unlikely(!(ok))) {                                         \
			ktest_fail(t, __FILE__, __LINE__, fmt, ##__VA_ARGS__); \
			on_fail;                                               \
		}                                                              \
	} while (0)

#define __KTEST_BINOP(t, a, op, b, on_fail)                                             \
	do {                                                                            \
		long long __a = (long long)(a), __b = (long long)(b);                   \
		if (unlikely(!(__a op __b))) {                                          \
			ktest_fail_binop(t, __FILE__, __LINE__, #a, #op, #b, __a, __b); \
			on_fail;                                                        \
		}                                                                       \
	} while (0)

#define __KTEST_NOTHING \
	do {            \
	} while (0)
#define __KTEST_ABORT ktest_abort(t)

#define EXPECT_TRUE(t, c)  __KTEST_CHECK(t, (c), __KTEST_NOTHING, "expected %s to be true", #c)
#define EXPECT_FALSE(t, c) __KTEST_CHECK(t, !(c), __KTEST_NOTHING, "expected %s to be false", #c)
#define EXPECT_EQ(t, a, b) __KTEST_BINOP(t, a, ==, b, __KTEST_NOTHING)
#define EXPECT_NE(t, a, b) __KTEST_BINOP(t, a, !=, b, __KTEST_NOTHING)
#define EXPECT_LT(t, a, b) __KTEST_BINOP(t, a, <, b, __KTEST_NOTHING)
#define EXPECT_LE(t, a, b) __KTEST_BINOP(t, a, <=, b, __KTEST_NOTHING)
#define EXPECT_GT(t, a, b) __KTEST_BINOP(t, a, >, b, __KTEST_NOTHING)
#define EXPECT_GE(t, a, b) __KTEST_BINOP(t, a, >=, b, __KTEST_NOTHING)
#define EXPECT_NULL(t, p) \
	__KTEST_CHECK(t, (p) == NULL, __KTEST_NOTHING, "expected %s to be NULL", #p)
#define EXPECT_NOT_NULL(t, p) \
	__KTEST_CHECK(t, (p) != NULL, __KTEST_NOTHING, "expected %s not to be NULL", #p)
#define EXPECT_STREQ(t, a, b)                                \
	__KTEST_CHECK(t, !strcmp((a), (b)), __KTEST_NOTHING, \
		      "expected %s == %s, but \"%s\" != \"%s\"", #a, #b, (a), (b))

#define ASSERT_TRUE(t, c)  __KTEST_CHECK(t, (c), __KTEST_ABORT, "expected %s to be true", #c)
#define ASSERT_FALSE(t, c) __KTEST_CHECK(t, !(c), __KTEST_ABORT, "expected %s to be false", #c)
#define ASSERT_EQ(t, a, b) __KTEST_BINOP(t, a, ==, b, __KTEST_ABORT)
#define ASSERT_NE(t, a, b) __KTEST_BINOP(t, a, !=, b, __KTEST_ABORT)
#define ASSERT_LT(t, a, b) __KTEST_BINOP(t, a, <, b, __KTEST_ABORT)
#define ASSERT_LE(t, a, b) __KTEST_BINOP(t, a, <=, b, __KTEST_ABORT)
#define ASSERT_GT(t, a, b) __KTEST_BINOP(t, a, >, b, __KTEST_ABORT)
#define ASSERT_GE(t, a, b) __KTEST_BINOP(t, a, >=, b, __KTEST_ABORT)
/* clang-format 14 joins this to one line, then aligns it to column 101: left as written. */
/* clang-format off */
#define ASSERT_NULL(t, p) \
	__KTEST_CHECK(t, (p) == NULL, __KTEST_ABORT, "expected %s to be NULL", #p)
/* clang-format on */
#define ASSERT_NOT_NULL(t, p) \
	__KTEST_CHECK(t, (p) != NULL, __KTEST_ABORT, "expected %s not to be NULL", #p)

/*
 * Run the suites named by @filter: "all", "suite", "suite.case", or a
 * comma-separated list of these.  Prints KTAP; returns the number of failed
 * cases.  A signal to the caller (Ctrl-C at the monitor) stops the run
 * between two cases; the suite cut short ends "not ok N <suite> # interrupted"
 * (tools/ktap.py accepts its short plan), then how many cases ran.
 * Context: thread, may sleep.
 */
int ktest_run(const char *filter);

/*
 * ktest_matches - does every comma-separated word of @filter (as ktest_run
 * takes it) select at least one case?  If not, false with the first word
 * that selects nothing in @bad/@bad_len (an empty word, as in "a,,b", too).
 * Context: any.
 */
bool ktest_matches(const char *filter, const char **bad, size_t *bad_len);

/*
 * ktest_list - print every suite with its number of cases (@suite NULL),
 * suites sorted by name, or every case of @suite as "suite.case" in the
 * suite's order, the names `test` takes.
 * Returns 0, or -ENOENT if there is no suite @suite.  Context: thread.
 */
int ktest_list(const char *suite);

struct task_struct;

/*
 * ktest_thread_start - run @fn(@arg) in a new kernel thread that the test
 * holds a reference to.  Returns it, or NULL if it could not be created.
 * ktest_thread_finish - wait up to @ms for it to end and drop the reference.
 * Returns its exit code, or -ETIMEDOUT (then it is abandoned, and leaks).
 * Context: thread, may sleep.
 */
struct task_struct *ktest_thread_start(int (*fn)(void *), void *arg, const char *name);
/* The same, the thread bound to CPU @cpu (kthread_bind), which must be online. */
struct task_struct *ktest_thread_start_on(int (*fn)(void *), void *arg, const char *name,
					  unsigned int cpu);
int ktest_thread_finish(struct task_struct *k, unsigned int ms);

/*
 * A memory hog, for tests of behaviour under memory pressure.
 * ktest_hog_take(h, gfp) first gives empty slabs back, then takes every
 * page alloc_page(gfp) will give onto a private list (page->lru) and
 * returns how many; with __GFP_DMA it empties ZONE_DMA, without it memory
 * down to the watermark that gfp respects.  ktest_hog_release() gives them
 * all back.  Context: thread.
 */
struct ktest_hog {
	struct list_head pages;
	unsigned long nr;
};
void ktest_hog_init(struct ktest_hog *h);
unsigned long ktest_hog_take(struct ktest_hog *h, unsigned int gfp);
void ktest_hog_release(struct ktest_hog *h);

/*
 * Test data: ktest_fill() writes @len bytes of a pattern made from @seed,
 * ktest_holds() says whether they are still there, byte for byte.
 */
void ktest_fill(void *p, size_t len, unsigned int seed);
bool ktest_holds(const void *p, size_t len, unsigned int seed);

/*
 * ktest_wait_until - evaluate @cond every millisecond, sleeping between, until it
 * holds or about @ms milliseconds have passed; the value is @cond's last (true: it
 * held).  For what another thread, CPU or device does in its own time.  Thread context.
 */
#define ktest_wait_until(cond, ms)                                               \
	({                                                                       \
		unsigned long __ktw_end = jiffies + msecs_to_jiffies(ms);        \
		bool __ktw_met;                                                  \
		while (!(__ktw_met = (cond)) && !time_after(jiffies, __ktw_end)) \
			msleep(1);                                               \
		__ktw_met;                                                       \
	})

/* Has the kernel logged, since @mark, the text @fmt makes with @value (e.g. an address)? */
bool ktest_logged(u64 mark, const char *fmt, unsigned long value);

/* The resource counters checked after every case. */
struct ktest_counter {
	const char *name;
	unsigned long (*read)(void);
};

#endif
