/*
 * SPDX-License-Identifier: MIT
 * tests/kernel/test_ticket_spinlock.c - the ticket lock itself
 * (kernel/ticket_spinlock.c; labs/locks/, part A) on bare lock words:
 * trylock and unlock on one CPU at chosen ticket values, lock through a
 * wrap of the 8-bit counters, waiters on other CPUs served in the order
 * they took their tickets (spin_is_contended meanwhile), and every CPU
 * taking one lock thousands of times.
 *
 * The test threads spin preemptibly: a lock that never comes free costs a
 * timed-out case, never a CPU.  Nothing here spins on a word a test wrote
 * by hand, so the lab's placeholder (a test-and-set lock on a zero word)
 * fails these cases without hanging them.
 */
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <errno.h>

static void set_tickets(arch_spinlock_t *l, __ticket_t head, __ticket_t tail)
{
	WRITE_ONCE(l->head_tail, (__ticketpair_t)(head | (tail << TICKET_SHIFT)));
}

/* Expect @l's word to read @head and @tail; say what was there. */
#define EXPECT_TICKETS(t, l, h, tl, what)                                                         \
	do {                                                                                      \
		struct __raw_tickets __tk = READ_ONCE((l)->tickets);                              \
		if (__tk.head != (__ticket_t)(h) || __tk.tail != (__ticket_t)(tl))                \
			ktest_fail(t, __FILE__, __LINE__,                                         \
				   "%s: want head %u tail %u, got head %u tail %u", what,         \
				   (unsigned int)(__ticket_t)(h), (unsigned int)(__ticket_t)(tl), \
				   __tk.head, __tk.tail);                                         \
	} while (0)

/* Free at any ticket value: taken with tail + 1.  Held or waited for: refused, untouched. */
TEST_CASE(ticket_spinlock_test_trylock_takes_only_a_free_lock_and_one_ticket)
{
	static const __ticket_t at[] = { 0, 7, 0x80, 0xff };
	arch_spinlock_t l;

	for (unsigned int i = 0; i < ARRAY_SIZE(at); i++) {
		__ticket_t v = at[i];

		set_tickets(&l, v, v);
		EXPECT_TRUE(t, __ticket_spin_trylock(&l));
		EXPECT_TICKETS(t, &l, v, v + 1, "trylock, free");

		set_tickets(&l, v, v + 1); /* held, nobody waiting */
		EXPECT_FALSE(t, __ticket_spin_trylock(&l));
		EXPECT_TICKETS(t, &l, v, v + 1, "trylock, held");

		set_tickets(&l, v, v + 3); /* held, two waiters */
		EXPECT_FALSE(t, __ticket_spin_trylock(&l));
		EXPECT_TICKETS(t, &l, v, v + 3, "trylock, waiters");
		if (t->failures)
			return; /* one value says it */
	}
}

/* head + 1, tail untouched, also while others wait and when head wraps from 255 to 0. */
TEST_CASE(ticket_spinlock_test_unlock_serves_the_next_ticket_and_leaves_tail)
{
	arch_spinlock_t l;

	set_tickets(&l, 3, 4);
	__ticket_spin_unlock(&l);
	EXPECT_TICKETS(t, &l, 4, 4, "unlock, held");
	EXPECT_FALSE(t, arch_spin_is_locked(&l));

	set_tickets(&l, 3, 6); /* two waiters: tickets 4 and 5 */
	__ticket_spin_unlock(&l);
	EXPECT_TICKETS(t, &l, 4, 6, "unlock, two waiters");
	EXPECT_TRUE(t, arch_spin_is_locked(&l)); /* the holder of ticket 4 has it now */

	set_tickets(&l, 0xff, 0x01); /* ticket 255 holds it, ticket 0 waits */
	__ticket_spin_unlock(&l);
	EXPECT_TICKETS(t, &l, 0, 1, "unlock at head 255");
}

/* From a zero word, 300 rounds of lock and unlock on this CPU: both counters wrap once. */
TEST_CASE(ticket_spinlock_test_lock_takes_the_next_ticket_through_a_wrap)
{
	arch_spinlock_t l = __ARCH_SPIN_LOCK_UNLOCKED;

	for (unsigned int i = 0; i < 300; i++) {
		__ticket_spin_lock(&l);
		EXPECT_TICKETS(t, &l, i, i + 1, "lock");
		ASSERT_TRUE(t, arch_spin_is_locked(&l));
		EXPECT_FALSE(t, arch_spin_is_contended(&l));
		__ticket_spin_unlock(&l);
		EXPECT_TICKETS(t, &l, i + 1, i + 1, "unlock after lock");
		if (t->failures)
			return; /* one round says it; 300 would bury it */
	}
}

/* ---- waiters on other CPUs ----------------------------------------------------------- */

#define FIFO_WAITERS 3

static struct {
	spinlock_t lock; /* its arch word alone is used: no lockdep, no debug checks */
	int order[FIFO_WAITERS], n;
} fifo;

static int fifo_waiter(void *p)
{
	int id = (int)(long)p;

	__ticket_spin_lock(&fifo.lock.rlock.raw_lock);
	fifo.order[fifo.n++] = id; /* under the lock */
	udelay(100);
	__ticket_spin_unlock(&fifo.lock.rlock.raw_lock);
	return 0;
}

/* Wait up to two seconds for @l's tail to reach @tail (a waiter took its ticket). */
static bool wait_for_tail(arch_spinlock_t *l, __ticket_t tail)
{
	u64 end = ktime_get_ns() + 2 * NSEC_PER_SEC;

	while (READ_ONCE(l->tickets.tail) != tail) {
		if (ktime_get_ns() > end)
			return false;
		msleep(1);
	}
	return true;
}

/*
 * The test holds the lock; waiters 1, 2, 3 (on CPUs 1, 2, 3 when there are
 * four) queue one after the other, each taking the next ticket; the lock
 * reads contended.  Unlocked, the lock goes to them in ticket order.
 */
TEST_CASE(ticket_spinlock_test_waiters_are_served_in_ticket_order)
{
	unsigned int cpus = num_online_cpus();
	arch_spinlock_t *l = &fifo.lock.rlock.raw_lock;
	struct task_struct *k[FIFO_WAITERS] = { NULL };
	int queued = 0;

	spin_lock_init(&fifo.lock);
	fifo.n = 0;
	__ticket_spin_lock(l);
	EXPECT_FALSE(t, spin_is_contended(&fifo.lock));
	for (int i = 0; i < FIFO_WAITERS; i++) {
		k[i] = ktest_thread_start_on(fifo_waiter, (void *)(long)(i + 1), "fifo",
					     cpus > 1 ? 1 + i % (cpus - 1) : 0);
		if (!k[i]) {
			EXPECT_NOT_NULL(t, k[i]);
			break;
		}
		if (!wait_for_tail(l, i + 2)) {
			ktest_fail(t, __FILE__, __LINE__,
				   "waiter %d took no ticket: tail %u, want %d (xadd, then spin)",
				   i + 1, READ_ONCE(l->tickets.tail), i + 2);
			break;
		}
		queued++;
		EXPECT_TRUE(t, spin_is_contended(&fifo.lock));
	}
	EXPECT_EQ(t, READ_ONCE(fifo.n), 0); /* nobody got in while we held it */
	__ticket_spin_unlock(l);
	for (int i = 0; i < FIFO_WAITERS; i++)
		if (k[i])
			EXPECT_EQ(t, ktest_thread_finish(k[i], 10000), 0);
	ASSERT_EQ(t, queued, FIFO_WAITERS);
	ASSERT_EQ(t, fifo.n, FIFO_WAITERS);
	for (int i = 0; i < FIFO_WAITERS; i++)
		if (fifo.order[i] != i + 1)
			ktest_fail(t, __FILE__, __LINE__,
				   "waiter %d got the lock before waiter %d: not ticket order",
				   fifo.order[i], i + 1);
	EXPECT_TICKETS(t, l, FIFO_WAITERS + 1, FIFO_WAITERS + 1, "all served");
	EXPECT_FALSE(t, spin_is_contended(&fifo.lock));
	EXPECT_FALSE(t, spin_is_locked(&fifo.lock));
}

/* ---- every CPU at once --------------------------------------------------------------- */

#define HAMMER_ROUNDS 10000 /* per CPU: 4 CPUs take 40000 tickets, 156 wraps and a bit */

static struct {
	arch_spinlock_t lock;
	unsigned long counter; /* plain: only the lock keeps increments whole */
	int inside;	       /* -1, or the id of the thread in the critical section */
	unsigned long overlaps;
} hammer;

static int hammer_thread(void *p)
{
	int id = (int)(long)p;
	unsigned int seed = id * 2654435761U + 1;
	unsigned long c;

	for (int i = 0; i < HAMMER_ROUNDS; i++) {
		/*
		 * A random pause first, so that CPUs arrive at any moment, also
		 * while another is in the middle of taking its ticket or of
		 * unlocking: where a lock built of separate reads and writes
		 * loses a ticket.
		 */
		seed = seed * 1103515245 + 12345;
		for (unsigned int n = (seed >> 16) % 32; n; n--)
			cpu_relax();
		if (i % 4 == 3) {
			while (!__ticket_spin_trylock(&hammer.lock))
				cpu_relax();
		} else {
			__ticket_spin_lock(&hammer.lock);
		}
		if (READ_ONCE(hammer.inside) != -1)
			hammer.overlaps++;
		WRITE_ONCE(hammer.inside, id);
		c = READ_ONCE(hammer.counter);
		cpu_relax(); /* widen the window a broken lock would leave open */
		WRITE_ONCE(hammer.counter, c + 1);
		if (READ_ONCE(hammer.inside) != id)
			hammer.overlaps++;
		WRITE_ONCE(hammer.inside, -1);
		__ticket_spin_unlock(&hammer.lock);
	}
	return 0;
}

/*
 * A thread per CPU takes the lock HAMMER_ROUNDS times (every fourth time
 * with trylock): no two are ever inside together, no increment is lost, and
 * the word ends with head == tail == the number of acquisitions (mod 256):
 * every one took exactly one ticket and every unlock served one.
 */
TEST_CASE(ticket_spinlock_test_every_cpu_at_once_excludes_and_serves_every_ticket)
{
	unsigned int cpus = num_online_cpus(), total = cpus * HAMMER_ROUNDS;
	struct task_struct *k[NR_CPUS];
	u64 end;
	bool hung = false;

	if (cpus < 2)
		ktest_skip(t, "needs two CPUs");
	hammer.lock = (arch_spinlock_t)__ARCH_SPIN_LOCK_UNLOCKED;
	hammer.counter = 0;
	hammer.inside = -1;
	hammer.overlaps = 0;
	for (unsigned int i = 0; i < cpus; i++)
		k[i] = ktest_thread_start_on(hammer_thread, (void *)(long)i, "hammer", i);
	end = ktime_get_ns() + 30 * NSEC_PER_SEC;
	for (unsigned int i = 0; i < cpus; i++) {
		u64 now = ktime_get_ns();
		int ret;

		if (!k[i])
			continue;
		ret = ktest_thread_finish(k[i], now < end ? (end - now) / NSEC_PER_MSEC + 1 : 1);
		if (ret == -ETIMEDOUT)
			hung = true;
		else
			EXPECT_EQ(t, ret, 0);
	}
	if (hung) {
		struct __raw_tickets tk = READ_ONCE(hammer.lock.tickets);

		ktest_fail(t, __FILE__, __LINE__,
			   "still spinning after 30 s (head %u tail %u): a ticket lost?", tk.head,
			   tk.tail);
		return;
	}
	for (unsigned int i = 0; i < cpus; i++)
		ASSERT_NOT_NULL(t, k[i]);
	EXPECT_EQ(t, hammer.overlaps, 0);
	EXPECT_EQ(t, hammer.counter, total);
	EXPECT_TICKETS(t, &hammer.lock, total, total, "one ticket per lock");
}

static const struct ktest_case ticket_spinlock_cases[] = {
	KTEST(ticket_spinlock_test_trylock_takes_only_a_free_lock_and_one_ticket),
	KTEST(ticket_spinlock_test_unlock_serves_the_next_ticket_and_leaves_tail),
	KTEST(ticket_spinlock_test_lock_takes_the_next_ticket_through_a_wrap),
	KTEST_TIMEOUT(ticket_spinlock_test_waiters_are_served_in_ticket_order, 60000),
	KTEST_TIMEOUT(ticket_spinlock_test_every_cpu_at_once_excludes_and_serves_every_ticket,
		      60000),
	{}
};
TEST_SUITE(ticket_spinlock, ticket_spinlock_cases);
