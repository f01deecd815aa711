/*
 * SPDX-License-Identifier: MIT
 * tests/mm/test_mempool.c - mempools: the reserve, the order of the attempts,
 * sleeping until an element comes back (from a thread, from an interrupt
 * handler), resize, destroy, and the deadlock diagnosis.
 *
 * Most cases use a test allocator (kmalloc underneath, so the harness's
 * leak check sees everything) that fails on demand and records the gfp of
 * each call; the helper pools are checked at the end.
 */
#include <kernel/completion.h>
#include <kernel/err.h>
#include <kernel/irq.h>
#include <kernel/ktest.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <mm/fault_inject.h>
#include <mm/mempool.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include <stdio.h>

#define TEST_IRQ 10 /* an ISA line no device uses under QEMU's pc machine */
#ifdef CONFIG_DEBUG_MEMPOOL
#define DEBUG_MEMPOOL 1 /* the owner table and the deadlock rule (MEMPOOL_DEBUG=y) */
#else
#define DEBUG_MEMPOOL 0
#endif
#define ELEM_SIZE   64
#define MAX_GFP_LOG 8

/* The test allocator's state: reset by new_pool(). */
static struct {
	enum {
		TA_WORKS,
		TA_FAILS,
		TA_FAILS_UNLESS_WAIT
	} mode;
	int allocs;		/* elements handed out */
	int frees;		/* elements given back */
	int calls;		/* alloc_fn calls */
	gfp_t gfp[MAX_GFP_LOG]; /* the gfp of the first calls since the last reset */
} ta;

static void *test_alloc(gfp_t gfp, void *pool_data)
{
	void *p;

	if (ta.calls < MAX_GFP_LOG)
		ta.gfp[ta.calls] = gfp;
	ta.calls++;
	if (ta.mode == TA_FAILS || (ta.mode == TA_FAILS_UNLESS_WAIT && !(gfp & __GFP_WAIT)))
		return NULL;
	p = kmalloc((size_t)pool_data, gfp);
	if (p)
		ta.allocs++;
	return p;
}

static void test_free(void *element, void *pool_data)
{
	ta.frees++;
	kfree(element);
}

static mempool_t *new_pool(int min_nr, const char *name)
{
	mempool_t *pool;

	memset(&ta, 0, sizeof(ta));
	pool = mempool_create(min_nr, test_alloc, test_free, (void *)ELEM_SIZE);
	if (pool)
		mempool_set_name(pool, name);
	return pool;
}

/* A case about the owner table or the deadlock rule, in a kernel built without them. */
static void need_mempool_debug(struct ktest *t)
{
	if (!DEBUG_MEMPOOL)
		ktest_skip(t, "MEMPOOL_DEBUG=n: no owner table, no deadlock rule (3.10's mempool)");
}

/* The times @pool's lock was released so far, mod 256: the ticket lock's head. */
static u8 pool_unlocks(mempool_t *pool)
{
	return READ_ONCE(pool->lock.rlock.raw_lock.tickets.head);
}

/* Forget the calls so far: the next alloc_fn call is ta.gfp[0]. */
static void forget_calls(void)
{
	ta.calls = 0;
}

/* ---- a thread that holds elements and gives them back ---- */

struct holder {
	mempool_t *pool;
	int take; /* how many elements it takes */
	void *elems[8];
	unsigned int hold_ms;	/* once someone waits on the pool, hold this long more */
	struct completion took; /* it holds them now */
};

static int holder_fn(void *arg)
{
	struct holder *h = arg;
	int i;

	for (i = 0; i < h->take; i++)
		h->elems[i] = mempool_alloc(h->pool, GFP_ATOMIC);
	complete(&h->took);
	ktest_wait_until(waitqueue_active(&h->pool->wait), 2000);
	msleep(h->hold_ms);
	for (i = 0; i < h->take; i++)
		mempool_free(h->elems[i], h->pool);
	return 0;
}

static struct task_struct *start_holder(struct holder *h)
{
	struct task_struct *k;

	init_completion(&h->took);
	k = kthread_create(holder_fn, h, "mp-holder");
	if (IS_ERR(k))
		return NULL;
	get_task_struct(k);
	wake_up_process(k);
	wait_for_completion(&h->took);
	return k;
}

static int join(struct task_struct *k)
{
	int ret = kthread_join(k, msecs_to_jiffies(5000));

	if (ret == -ETIMEDOUT)
		kthread_abandon(k);
	put_task_struct(k);
	return ret;
}

static bool held_by(const struct holder *h, const void *elem)
{
	for (int i = 0; i < h->take; i++)
		if (h->elems[i] == elem)
			return true;
	return false;
}

/* ---- the cases ---- */

TEST_CASE(mempool_test_create_prefills_min_nr)
{
	mempool_t *pool = new_pool(4, "test");

	ASSERT_NOT_NULL(t, pool);
	EXPECT_EQ(t, pool->min_nr, 4);
	EXPECT_EQ(t, pool->curr_nr, 4);
	EXPECT_EQ(t, ta.allocs, 4);
	EXPECT_TRUE(t, mempool_is_saturated(pool));
	mempool_destroy(pool);
	EXPECT_EQ(t, ta.frees, 4);
}

TEST_CASE(mempool_test_create_fails_cleanly_when_the_reserve_cannot_be_filled)
{
	mempool_t *pool;

	memset(&ta, 0, sizeof(ta));
	ta.mode = TA_FAILS;
	pool = mempool_create(4, test_alloc, test_free, (void *)ELEM_SIZE);
	EXPECT_NULL(t, pool); /* and the leak check says nothing was left */
}

TEST_CASE(mempool_test_alloc_uses_the_allocator_first)
{
	mempool_t *pool = new_pool(2, "test");
	void *e;

	ASSERT_NOT_NULL(t, pool);
	forget_calls();
	e = mempool_alloc(pool, GFP_KERNEL);
	EXPECT_NOT_NULL(t, e);
	EXPECT_EQ(t, pool->curr_nr, 2); /* the reserve is untouched */
	EXPECT_EQ(t, ta.calls, 1);
	/* The first try may not sleep, start I/O, warn or dip into the memalloc reserve. */
	EXPECT_FALSE(t, ta.gfp[0] & (__GFP_WAIT | __GFP_IO));
	EXPECT_TRUE(t, ta.gfp[0] & __GFP_NOWARN);
	EXPECT_TRUE(t, ta.gfp[0] & __GFP_NOMEMALLOC);
	mempool_free(e, pool);
	EXPECT_EQ(t, ta.frees, 1); /* reserve full: back to the allocator */
	mempool_destroy(pool);
}

/*
 * 3.10's fast paths take no lock: an element the allocator gives, and one freed into a full
 * reserve, never touch pool->lock (each unlock moves the ticket lock's head).  With
 * CONFIG_DEBUG_MEMPOOL each takes it once, to record or forget the holder.  The reserve's
 * paths take it in both.
 */
TEST_CASE(mempool_test_the_lock_guards_only_the_reserve_without_mempool_debug)
{
	mempool_t *pool = new_pool(2, "test-lock");
	u8 before;
	void *e;

	ASSERT_NOT_NULL(t, pool);
	before = pool_unlocks(pool);
	e = mempool_alloc(pool, GFP_KERNEL); /* from the allocator */
	ASSERT_NOT_NULL(t, e);
	EXPECT_EQ(t, (u8)(pool_unlocks(pool) - before), DEBUG_MEMPOOL);
	mempool_free(e, pool); /* the reserve is full: back to the allocator */
	EXPECT_EQ(t, ta.frees, 1);
	EXPECT_EQ(t, (u8)(pool_unlocks(pool) - before), 2 * DEBUG_MEMPOOL);

	ta.mode = TA_FAILS;
	before = pool_unlocks(pool);
	e = mempool_alloc(pool, GFP_KERNEL); /* from the reserve: locked */
	EXPECT_EQ(t, pool->curr_nr, 1);
	EXPECT_EQ(t, (u8)(pool_unlocks(pool) - before), 1);
	mempool_free(e, pool); /* the reserve is short: locked, and it refills */
	EXPECT_EQ(t, pool->curr_nr, 2);
	EXPECT_EQ(t, (u8)(pool_unlocks(pool) - before), 2);
	mempool_destroy(pool);
}

TEST_CASE(mempool_test_alloc_takes_reserved_elements_when_the_allocator_fails)
{
	mempool_t *pool = new_pool(3, "test");
	void *reserve[3], *e[3];

	ASSERT_NOT_NULL(t, pool);
	memcpy(reserve, pool->elements, sizeof(reserve));
	ta.mode = TA_FAILS;
	for (int i = 0; i < 3; i++) {
		e[i] = mempool_alloc(pool, GFP_KERNEL);
		EXPECT_EQ(t, pool->curr_nr, 2 - i);
	}
	/* Last in, first out: the reserve is a stack. */
	EXPECT_TRUE(t, e[0] == reserve[2] && e[1] == reserve[1] && e[2] == reserve[0]);
	for (int i = 0; i < 3; i++)
		mempool_free(e[i], pool);
	mempool_destroy(pool);
}

TEST_CASE(mempool_test_atomic_alloc_fails_at_once_when_the_reserve_is_empty)
{
	mempool_t *pool = new_pool(2, "test");
	unsigned long deadlocks = mempool_deadlocks;
	void *a, *b, *c;

	ASSERT_NOT_NULL(t, pool);
	ta.mode = TA_FAILS;
	a = mempool_alloc(pool, GFP_ATOMIC);
	b = mempool_alloc(pool, GFP_ATOMIC);
	forget_calls();
	c = mempool_alloc(pool, GFP_ATOMIC);
	EXPECT_NOT_NULL(t, a);
	EXPECT_NOT_NULL(t, b);
	EXPECT_NULL(t, c);
	EXPECT_EQ(t, ta.calls, 1);		    /* one gentle try, no retry */
	EXPECT_EQ(t, mempool_deadlocks, deadlocks); /* not waiting is not a deadlock */
	EXPECT_FALSE(t, waitqueue_active(&pool->wait));
	mempool_free(a, pool);
	mempool_free(b, pool);
	mempool_destroy(pool);
}

TEST_CASE(mempool_test_sleeping_alloc_retries_the_allocator_with_the_full_gfp)
{
	mempool_t *pool = new_pool(1, "test");
	void *a, *b;

	ASSERT_NOT_NULL(t, pool);
	ta.mode = TA_FAILS_UNLESS_WAIT;
	a = mempool_alloc(pool, GFP_KERNEL); /* the reserve's only element */
	forget_calls();
	b = mempool_alloc(pool, GFP_KERNEL); /* gentle fails, empty, then hard */
	EXPECT_NOT_NULL(t, b);
	EXPECT_EQ(t, ta.calls, 2);
	EXPECT_FALSE(t, ta.gfp[0] & __GFP_WAIT);
	EXPECT_TRUE(t, ta.gfp[1] & __GFP_WAIT);
	EXPECT_TRUE(t, ta.gfp[1] & __GFP_IO);
	mempool_free(a, pool);
	mempool_free(b, pool);
	mempool_destroy(pool);
}

TEST_CASE(mempool_test_sleeping_alloc_is_woken_by_a_free_in_another_thread)
{
	struct holder h = { .take = 3, .hold_ms = 20 };
	struct task_struct *k;
	void *e;

	h.pool = new_pool(3, "test");
	ASSERT_NOT_NULL(t, h.pool);
	ta.mode = TA_FAILS;
	k = start_holder(&h); /* it takes the whole reserve */
	ASSERT_NOT_NULL(t, k);
	EXPECT_EQ(t, h.pool->curr_nr, 0);
	e = mempool_alloc(h.pool, GFP_KERNEL); /* sleeps until the holder frees */
	EXPECT_NOT_NULL(t, e);
	EXPECT_TRUE(t, held_by(&h, e));
	EXPECT_EQ(t, join(k), 0);
	mempool_free(e, h.pool);
	EXPECT_EQ(t, h.pool->curr_nr, 3);
	mempool_destroy(h.pool);
}

/* The "device": an interrupt handler completing an element. */
static struct {
	mempool_t *pool;
	void *elem;
	bool ran_in_irq;
} irq_ctx;

static irqreturn_t freeing_irq(int irq, void *dev)
{
	irq_ctx.ran_in_irq = in_irq();
	mempool_free(irq_ctx.elem, irq_ctx.pool);
	return IRQ_HANDLED;
}

/* Raise the interrupt once somebody sleeps on the pool. */
static int irq_raiser(void *arg)
{
	mempool_t *pool = arg;

	ktest_wait_until(waitqueue_active(&pool->wait), 2000);
	irq_raise_for_test(TEST_IRQ);
	return 0;
}

TEST_CASE(mempool_test_sleeping_alloc_is_woken_by_a_free_from_an_interrupt)
{
	mempool_t *pool = new_pool(2, "test");
	struct task_struct *k;
	void *a, *b, *c;

	ASSERT_NOT_NULL(t, pool);
	ta.mode = TA_FAILS;
	a = mempool_alloc(pool, GFP_KERNEL);
	b = mempool_alloc(pool, GFP_KERNEL);
	/* a goes to the "device": without this the wait below would be a deadlock. */
	mempool_mark_in_flight(pool, a);
	irq_ctx.pool = pool;
	irq_ctx.elem = a;
	irq_ctx.ran_in_irq = false;
	ASSERT_EQ(t, request_irq(TEST_IRQ, freeing_irq, 0, "mempool-test", &irq_ctx), 0);
	k = kthread_create(irq_raiser, pool, "mp-raiser");
	if (IS_ERR(k)) {
		free_irq(TEST_IRQ, &irq_ctx);
		ASSERT_FALSE(t, IS_ERR(k));
	}
	get_task_struct(k);
	wake_up_process(k);
	c = mempool_alloc(pool, GFP_KERNEL);
	EXPECT_EQ(t, join(k), 0);
	free_irq(TEST_IRQ, &irq_ctx);
	EXPECT_TRUE(t, irq_ctx.ran_in_irq);
	EXPECT_NOT_NULL(t, c);
	EXPECT_TRUE(t, c == a); /* the element the handler gave back */
	mempool_free(b, pool);
	mempool_free(c, pool);
	mempool_destroy(pool);
}

/* An interrupt handler asking for a sleeping allocation. */
static struct {
	mempool_t *pool;
	void *got;
} irq_alloc;

static irqreturn_t allocating_irq(int irq, void *dev)
{
	irq_alloc.got = mempool_alloc(irq_alloc.pool, GFP_KERNEL);
	return IRQ_HANDLED;
}

TEST_CASE(mempool_test_sleeping_alloc_in_an_interrupt_warns_and_does_not_sleep)
{
	mempool_t *pool = new_pool(1, "test");
	unsigned long warnings = might_sleep_warnings;
	void *a;

	ASSERT_NOT_NULL(t, pool);
	ta.mode = TA_FAILS;
	a = mempool_alloc(pool, GFP_KERNEL); /* the reserve is empty now */
	irq_alloc.pool = pool;
	irq_alloc.got = (void *)1;
	ASSERT_EQ(t, request_irq(TEST_IRQ, allocating_irq, 0, "mempool-test", &irq_alloc), 0);
	irq_raise_for_test(TEST_IRQ);
	free_irq(TEST_IRQ, &irq_alloc);
	EXPECT_NULL(t, irq_alloc.got); /* behaved as GFP_ATOMIC */
	EXPECT_EQ(t, might_sleep_warnings, warnings + 1);
	mempool_free(a, pool);
	mempool_destroy(pool);
}

TEST_CASE(mempool_test_free_refills_the_reserve_before_the_allocator)
{
	mempool_t *pool = new_pool(2, "test");
	void *a, *b, *c;

	ASSERT_NOT_NULL(t, pool);
	ta.mode = TA_FAILS;
	a = mempool_alloc(pool, GFP_KERNEL);
	b = mempool_alloc(pool, GFP_KERNEL);
	ta.mode = TA_WORKS;
	c = mempool_alloc(pool, GFP_KERNEL); /* from the allocator */
	ASSERT_NOT_NULL(t, c);
	mempool_free(c, pool); /* the reserve is short: it stays */
	EXPECT_EQ(t, pool->curr_nr, 1);
	EXPECT_EQ(t, ta.frees, 0);
	mempool_free(a, pool);
	EXPECT_EQ(t, pool->curr_nr, 2);
	EXPECT_EQ(t, ta.frees, 0);
	mempool_free(b, pool); /* full now: to the allocator */
	EXPECT_EQ(t, pool->curr_nr, 2);
	EXPECT_EQ(t, ta.frees, 1);
	mempool_destroy(pool);
}

TEST_CASE(mempool_test_resize_up_fills_the_new_reserve)
{
	mempool_t *pool = new_pool(2, "test");

	ASSERT_NOT_NULL(t, pool);
	EXPECT_EQ(t, mempool_resize(pool, 6), 0);
	EXPECT_EQ(t, pool->min_nr, 6);
	EXPECT_EQ(t, pool->curr_nr, 6);
	EXPECT_EQ(t, ta.allocs, 6);
	mempool_destroy(pool);
	EXPECT_EQ(t, ta.frees, 6);
}

TEST_CASE(mempool_test_resize_down_frees_the_surplus)
{
	mempool_t *pool = new_pool(5, "test");

	ASSERT_NOT_NULL(t, pool);
	EXPECT_EQ(t, mempool_resize(pool, 2), 0);
	EXPECT_EQ(t, pool->min_nr, 2);
	EXPECT_EQ(t, pool->curr_nr, 2);
	EXPECT_EQ(t, ta.frees, 3);
	EXPECT_EQ(t, mempool_resize(pool, 0), -EINVAL);
	mempool_destroy(pool);
}

TEST_CASE(mempool_test_resize_up_with_a_failing_allocator_leaves_the_gap_to_free)
{
	mempool_t *pool = new_pool(1, "test");
	void *a;

	ASSERT_NOT_NULL(t, pool);
	ta.mode = TA_WORKS;
	a = mempool_alloc(pool, GFP_KERNEL); /* from the allocator */
	ta.mode = TA_FAILS;
	EXPECT_EQ(t, mempool_resize(pool, 3), 0);
	EXPECT_EQ(t, pool->min_nr, 3);
	EXPECT_EQ(t, pool->curr_nr, 1);
	mempool_free(a, pool); /* fills the gap */
	EXPECT_EQ(t, pool->curr_nr, 2);
	ta.mode = TA_WORKS;
	a = mempool_alloc(pool, GFP_KERNEL); /* from the allocator: the reserve stays short */
	EXPECT_EQ(t, pool->curr_nr, 2);
	mempool_free(a, pool); /* and the next free fills the rest */
	EXPECT_EQ(t, pool->curr_nr, 3);
	EXPECT_EQ(t, ta.frees, 0);
	mempool_destroy(pool); /* full: nothing to report, with the owner table or without */
}

TEST_CASE(mempool_test_destroy_frees_everything)
{
	mempool_t *pool = new_pool(4, "test");
	void *e[10];

	ASSERT_NOT_NULL(t, pool);
	/* More out than the owner table's base holds: it grows, then shrinks back. */
	for (int i = 0; i < 10; i++)
		e[i] = mempool_alloc(pool, GFP_KERNEL);
#ifdef CONFIG_DEBUG_MEMPOOL
	EXPECT_EQ(t, pool->nr_out, 10);
#endif
	for (int i = 0; i < 10; i++)
		mempool_free(e[i], pool);
#ifdef CONFIG_DEBUG_MEMPOOL
	EXPECT_EQ(t, pool->nr_out, 0);
#endif
	mempool_destroy(pool);
	EXPECT_EQ(t, ta.allocs, ta.frees); /* and the harness checks pages and objects */
}

/*
 * 3.10's mempool_destroy BUGs when elements are still out; ours reports the count and
 * WARNs, and the elements stay the caller's (docs/linux-3.10.md#mempool-destroy).  An
 * element from the allocator is known only to the owner table.
 */
TEST_CASE(mempool_test_destroy_with_elements_out_warns_instead_of_bug)
{
	mempool_t *pool;
	void *e;
	u64 mark;

	need_mempool_debug(t);
	pool = mempool_create_kmalloc_pool(1, 32);
	ASSERT_NOT_NULL(t, pool);
	mempool_set_name(pool, "test-destroy-out");
	e = mempool_alloc(pool, GFP_KERNEL);
	ASSERT_NOT_NULL(t, e);
	mark = log_seq();
	mempool_destroy(pool);
	EXPECT_TRUE(t,
		    log_contains(mark, "'test-destroy-out' destroyed with 1 elements still out"));
	EXPECT_TRUE(t, log_contains(mark, "WARNING: "));
	kfree(e); /* still a kmalloc object: the harness sees nothing leaked */
}

/*
 * The same with an element of the reserve out: seen with or without CONFIG_DEBUG_MEMPOOL
 * (without, the reserve's gap is all that shows: 3.10's own test, curr_nr != min_nr).
 */
TEST_CASE(mempool_test_destroy_with_the_reserve_short_warns)
{
	mempool_t *pool = new_pool(2, "test-destroy-short");
	u64 mark;
	void *e;

	ASSERT_NOT_NULL(t, pool);
	ta.mode = TA_FAILS;
	e = mempool_alloc(pool, GFP_KERNEL);
	ASSERT_NOT_NULL(t, e);
	mark = log_seq();
	mempool_destroy(pool);
	EXPECT_TRUE(t,
		    log_contains(mark, "'test-destroy-short' destroyed with 1 elements still out"));
	EXPECT_TRUE(t,
		    log_contains(mark, DEBUG_MEMPOOL ? "one held by pid" : "the reserve is short"));
	EXPECT_TRUE(t, log_contains(mark, "WARNING: "));
	EXPECT_EQ(t, ta.frees, 1); /* the reserve's other element */
	kfree(e);
}

TEST_CASE(mempool_test_deadlock_is_reported_with_the_pool_name)
{
	unsigned long deadlocks = mempool_deadlocks;
	u64 mark = log_seq();
	char expect[160];
	void *e[4], *more;
	mempool_t *pool;

	need_mempool_debug(t);
	pool = new_pool(4, "test-deadlock");
	ASSERT_NOT_NULL(t, pool);
	ta.mode = TA_FAILS;
	for (int i = 0; i < 4; i++)
		e[i] = mempool_alloc(pool, GFP_KERNEL);
	/* We hold all four and ask for a fifth, sleeping: nobody can give one back. */
	more = mempool_alloc(pool, GFP_KERNEL);
	EXPECT_NULL(t, more);
	EXPECT_EQ(t, mempool_deadlocks, deadlocks + 1);
	snprintf(expect, sizeof(expect),
		 "mempool_alloc: deadlock: pool 'test-deadlock' is empty "
		 "and all 4 outstanding elements are held by %s/%d",
		 current->comm, current->pid);
	EXPECT_TRUE(t, log_contains(mark, expect));
	EXPECT_TRUE(t, log_contains(mark, "without __GFP_WAIT"));
	EXPECT_TRUE(t, log_contains(mark, "Call Trace:"));
	for (int i = 0; i < 4; i++)
		mempool_free(e[i], pool);
	mempool_destroy(pool);
}

/* Two threads, each holding one element of a pool of two, each asking for a second. */
static struct {
	mempool_t *pool;
	struct completion has_one[2];
} pair;

static int pair_fn(void *arg)
{
	int me = (int)(long)arg;
	void *first, *second;

	first = mempool_alloc(pair.pool, GFP_KERNEL);
	complete(&pair.has_one[me]);
	wait_for_completion(&pair.has_one[!me]);
	second = mempool_alloc(pair.pool, GFP_KERNEL);
	mempool_free(first, pair.pool);
	mempool_free(second, pair.pool);
	return second != NULL;
}

TEST_CASE(mempool_test_deadlock_among_waiters_fails_one_and_frees_the_other)
{
	unsigned long deadlocks = mempool_deadlocks;
	struct task_struct *k[2];
	u64 mark = log_seq();
	int got = 0;

	need_mempool_debug(t);
	pair.pool = new_pool(2, "test-pair");
	ASSERT_NOT_NULL(t, pair.pool);
	ta.mode = TA_FAILS;
	for (int i = 0; i < 2; i++) {
		init_completion(&pair.has_one[i]);
		k[i] = kthread_create(pair_fn, (void *)(long)i, "mp-pair%d", i);
		ASSERT_FALSE(t, IS_ERR(k[i]));
		get_task_struct(k[i]);
	}
	wake_up_process(k[0]);
	wake_up_process(k[1]);
	got = join(k[0]) + join(k[1]);
	/* The second to ask saw the first waiting: it failed and freed; the first went on. */
	EXPECT_EQ(t, got, 1);
	EXPECT_EQ(t, mempool_deadlocks, deadlocks + 1);
	EXPECT_TRUE(t, log_contains(mark, "pool 'test-pair' is empty and all 2 outstanding"));
	EXPECT_TRUE(t, log_contains(mark, "all waiting on this pool"));
	EXPECT_EQ(t, pair.pool->curr_nr, 2);
	mempool_destroy(pair.pool);
}

TEST_CASE(mempool_test_long_wait_prints_a_stall_warning)
{
	struct holder h = { .take = 2, .hold_ms = 300 };
	unsigned long saved = mempool_stall_ms;
	struct task_struct *k;
	u64 mark = log_seq();
	void *e;

	h.pool = new_pool(2, "test-stall");
	ASSERT_NOT_NULL(t, h.pool);
	ta.mode = TA_FAILS;
	mempool_stall_ms = 100;
	k = start_holder(&h);
	ASSERT_NOT_NULL(t, k);
	e = mempool_alloc(h.pool, GFP_KERNEL);
	mempool_stall_ms = saved;
	EXPECT_NOT_NULL(t, e);
	/* Who holds what only the owner table knows. */
	EXPECT_TRUE(t, log_contains(mark, DEBUG_MEMPOOL ? "on pool 'test-stall': reserve empty, 2 "
							  "elements out"
							: "on pool 'test-stall': reserve empty"));
	EXPECT_TRUE(t, log_contains(mark, "still waiting"));
	EXPECT_EQ(t, join(k), 0);
	mempool_free(e, h.pool);
	mempool_destroy(h.pool);
}

#ifdef CONFIG_DEBUG_MEMPOOL /* the next case is about the owner table */
/* Give @elem back to @pool once somebody has waited on it for @hold_ms. */
struct releaser {
	mempool_t *pool;
	void *elem;
	unsigned int hold_ms;
};

static int releaser_fn(void *arg)
{
	struct releaser *r = arg;

	ktest_wait_until(waitqueue_active(&r->pool->wait), 2000);
	msleep(r->hold_ms);
	mempool_free(r->elem, r->pool);
	return 0;
}

TEST_CASE(mempool_test_untracked_element_turns_a_deadlock_into_a_stall)
{
	mempool_t *pool = mempool_create_page_pool(1, 0);
	struct releaser r = { .pool = pool, .hold_ms = 300 };
	unsigned long deadlocks = mempool_deadlocks, saved = mempool_stall_ms;
	unsigned long stalls = mempool_stalls;
	struct task_struct *k;
	void *e[10], *x;

	ASSERT_NOT_NULL(t, pool);
	mempool_set_name(pool, "test-untracked");
	/* Eight out fill the owner table's base (16 slots at load 1/2). */
	for (int i = 0; i < 8; i++)
		e[i] = mempool_alloc(pool, GFP_KERNEL);
	/* The ninth needs a bigger table; failslab makes that GFP_ATOMIC kmalloc fail. */
	fault_attr_reset(&failslab);
	failslab.nth = 1;
	e[8] = mempool_alloc(pool, GFP_KERNEL);
	fault_attr_reset(&failslab);
	EXPECT_NOT_NULL(t, e[8]);
	EXPECT_EQ(t, pool->nr_untracked, 1);

	r.elem = e[0];
	k = kthread_create(releaser_fn, &r, "mp-release"); /* before pages start failing */
	ASSERT_FALSE(t, IS_ERR(k));
	get_task_struct(k);
	wake_up_process(k);
	fault_attr_parse(&fail_page_alloc, "1,100,0,-1");
	fail_page_alloc.ignore_gfp_wait = false;
	fail_page_alloc.min_order = 0;
	e[9] = mempool_alloc(pool, GFP_KERNEL); /* the reserve's last */
	/* We hold all ten, but one is untracked: the rule must not claim a deadlock. */
	mempool_stall_ms = 100;
	x = mempool_alloc(pool, GFP_KERNEL);
	mempool_stall_ms = saved;
	fault_attr_reset(&fail_page_alloc);

	EXPECT_TRUE(t, x == e[0]);
	EXPECT_EQ(t, mempool_deadlocks, deadlocks);
	/* It stalled instead (the message itself is rate-limited: count, don't read it). */
	EXPECT_GT(t, mempool_stalls, stalls);
	EXPECT_EQ(t, join(k), 0);
	for (int i = 1; i < 10; i++)
		mempool_free(e[i], pool);
	mempool_free(x, pool);
	EXPECT_EQ(t, pool->nr_untracked, 0);
	EXPECT_EQ(t, pool->nr_out, 0);
	mempool_destroy(pool);
}
#else
TEST_CASE(mempool_test_untracked_element_turns_a_deadlock_into_a_stall)
{
	need_mempool_debug(t);
}
#endif

TEST_CASE(mempool_test_kmalloc_pool)
{
	mempool_t *pool = mempool_create_kmalloc_pool(2, 100);
	void *e;

	ASSERT_NOT_NULL(t, pool);
	EXPECT_STREQ(t, pool->name, "kmalloc-100");
	e = mempool_alloc(pool, GFP_KERNEL);
	ASSERT_NOT_NULL(t, e);
	EXPECT_GE(t, ksize(e), 100);
	mempool_free(e, pool);
	mempool_destroy(pool);
}

TEST_CASE(mempool_test_page_pool)
{
	mempool_t *pool = mempool_create_page_pool(2, 1);
	struct page *p;

	ASSERT_NOT_NULL(t, pool);
	EXPECT_STREQ(t, pool->name, "page-order1");
	p = mempool_alloc(pool, GFP_KERNEL);
	ASSERT_NOT_NULL(t, p);
	memset(page_address(p), 0x5a, 2 * PAGE_SIZE); /* two whole pages of it */
	mempool_free(p, pool);
	mempool_destroy(pool);
}

TEST_CASE(mempool_test_slab_pool)
{
	struct kmem_cache *kc = kmem_cache_create("mempool_test", 48, 0, 0, NULL);
	mempool_t *pool;
	void *e;

	ASSERT_NOT_NULL(t, kc);
	pool = mempool_create_slab_pool(3, kc);
	if (!pool) {
		kmem_cache_destroy(kc);
		ASSERT_NOT_NULL(t, pool);
	}
	EXPECT_STREQ(t, pool->name, "slab-48");
	e = mempool_alloc(pool, GFP_KERNEL);
	EXPECT_NOT_NULL(t, e);
	mempool_free(e, pool);
	mempool_destroy(pool);
	kmem_cache_destroy(kc);
}

TEST_CASE(mempool_test_unnamed_pool_is_named_after_its_alloc_fn)
{
	mempool_t *pool;

	memset(&ta, 0, sizeof(ta));
	pool = mempool_create(1, test_alloc, test_free, (void *)ELEM_SIZE);
	ASSERT_NOT_NULL(t, pool);
	EXPECT_STREQ(t, pool->name, "test_alloc");
	mempool_destroy(pool);
}

static const struct ktest_case mempool_cases[] = {
	KTEST(mempool_test_create_prefills_min_nr),
	KTEST(mempool_test_create_fails_cleanly_when_the_reserve_cannot_be_filled),
	KTEST(mempool_test_alloc_uses_the_allocator_first),
	KTEST(mempool_test_the_lock_guards_only_the_reserve_without_mempool_debug),
	KTEST(mempool_test_alloc_takes_reserved_elements_when_the_allocator_fails),
	KTEST(mempool_test_atomic_alloc_fails_at_once_when_the_reserve_is_empty),
	KTEST(mempool_test_sleeping_alloc_retries_the_allocator_with_the_full_gfp),
	KTEST(mempool_test_sleeping_alloc_is_woken_by_a_free_in_another_thread),
	KTEST(mempool_test_sleeping_alloc_is_woken_by_a_free_from_an_interrupt),
	KTEST(mempool_test_sleeping_alloc_in_an_interrupt_warns_and_does_not_sleep),
	KTEST(mempool_test_free_refills_the_reserve_before_the_allocator),
	KTEST(mempool_test_resize_up_fills_the_new_reserve),
	KTEST(mempool_test_resize_down_frees_the_surplus),
	KTEST(mempool_test_resize_up_with_a_failing_allocator_leaves_the_gap_to_free),
	KTEST(mempool_test_destroy_frees_everything),
	KTEST(mempool_test_destroy_with_elements_out_warns_instead_of_bug),
	KTEST(mempool_test_destroy_with_the_reserve_short_warns),
	KTEST_TIMEOUT(mempool_test_deadlock_is_reported_with_the_pool_name, 3000),
	KTEST_TIMEOUT(mempool_test_deadlock_among_waiters_fails_one_and_frees_the_other, 5000),
	KTEST(mempool_test_long_wait_prints_a_stall_warning),
	KTEST(mempool_test_untracked_element_turns_a_deadlock_into_a_stall),
	KTEST(mempool_test_kmalloc_pool),
	KTEST(mempool_test_page_pool),
	KTEST(mempool_test_slab_pool),
	KTEST(mempool_test_unnamed_pool_is_named_after_its_alloc_fn),
	{}
};
TEST_SUITE(mempool, mempool_cases);
