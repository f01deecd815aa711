/*
 * SPDX-License-Identifier: MIT
 * tests/kernel/test_locks.c - spinlocks, rwlocks, mutexes and atomics: each
 * kind's contract on one CPU, then N threads on N CPUs (at least 2) adding
 * to a plain counter under each kind, the total exact.
 */
#include <kernel/atomic.h>
#include <kernel/err.h>
#include <kernel/ktest.h>
#include <kernel/mutex.h>
#include <kernel/rwlock.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>

TEST_CASE(locks_test_spin_trylock_fails_while_the_lock_is_held)
{
	DEFINE_SPINLOCK(l);

	EXPECT_FALSE(t, spin_is_locked(&l));
	spin_lock(&l);
	EXPECT_TRUE(t, spin_is_locked(&l));
	EXPECT_FALSE(t, spin_trylock(&l));
	spin_unlock(&l);
	ASSERT_TRUE(t, spin_trylock(&l));
	spin_unlock(&l);
	EXPECT_FALSE(t, spin_is_locked(&l));
	EXPECT_EQ(t, preempt_count(), 0);
}

TEST_CASE(locks_test_a_ticket_lock_hands_out_tail_and_serves_head)
{
	spinlock_t l;

	spin_lock_init(&l);
	spin_lock(&l);
	EXPECT_EQ(t, l.rlock.raw_lock.tickets.head, 0);
	EXPECT_EQ(t, l.rlock.raw_lock.tickets.tail, 1);
	EXPECT_FALSE(t, spin_is_contended(&l));
	spin_unlock(&l);
	EXPECT_EQ(t, l.rlock.raw_lock.tickets.head, 1);
	EXPECT_EQ(t, l.rlock.raw_lock.tickets.tail, 1);
}

TEST_CASE(locks_test_spin_lock_irqsave_restores_the_flags_it_saved)
{
	DEFINE_SPINLOCK(l);
	unsigned long flags;

	spin_lock_irqsave(&l, flags);
	EXPECT_TRUE(t, irqs_disabled());
	EXPECT_EQ(t, preempt_count(), 1);
	spin_unlock_irqrestore(&l, flags);
	EXPECT_FALSE(t, irqs_disabled());

	local_irq_disable();
	spin_lock_irqsave(&l, flags);
	spin_unlock_irqrestore(&l, flags);
	EXPECT_TRUE(t, irqs_disabled()); /* they were off before: they stay off */
	local_irq_enable();

	spin_lock_bh(&l);
	EXPECT_TRUE(t, in_softirq());
	spin_unlock_bh(&l);
	EXPECT_FALSE(t, in_softirq());
}

TEST_CASE(locks_test_rwlock_readers_share_and_a_writer_excludes)
{
	DEFINE_RWLOCK(rw);

	read_lock(&rw);
	EXPECT_TRUE(t, read_trylock(&rw)); /* a second reader gets in */
	EXPECT_FALSE(t, write_trylock(&rw));
	read_unlock(&rw);
	EXPECT_FALSE(t, write_trylock(&rw)); /* one reader is enough to keep it out */
	read_unlock(&rw);
	EXPECT_EQ(t, rw.raw_lock.lock, RW_LOCK_BIAS);

	write_lock(&rw);
	EXPECT_EQ(t, rw.raw_lock.lock, 0);
	EXPECT_FALSE(t, read_trylock(&rw));
	EXPECT_FALSE(t, write_trylock(&rw));
	write_unlock(&rw);
	EXPECT_EQ(t, rw.raw_lock.lock, RW_LOCK_BIAS);
	ASSERT_TRUE(t, write_trylock(&rw));
	write_unlock(&rw);
	EXPECT_EQ(t, preempt_count(), 0);
}

TEST_CASE(locks_test_mutex_trylock_fails_while_held)
{
	DEFINE_MUTEX(m);

	EXPECT_FALSE(t, mutex_is_locked(&m));
	mutex_lock(&m);
	EXPECT_TRUE(t, mutex_is_locked(&m));
	EXPECT_EQ(t, mutex_trylock(&m), 0);
	mutex_unlock(&m);
	ASSERT_EQ(t, mutex_trylock(&m), 1);
	EXPECT_TRUE(t, m.owner == current);
	mutex_unlock(&m);
	EXPECT_FALSE(t, mutex_is_locked(&m));
}

/* ---- mutex waiters -------------------------------------------------------------- */

struct fifo {
	struct mutex m;
	int order[3], n;
};

struct fifo_arg {
	struct fifo *f;
	int id;
};

static int fifo_waiter(void *p)
{
	struct fifo_arg *a = p;

	mutex_lock(&a->f->m);
	a->f->order[a->f->n++] = a->id;
	mutex_unlock(&a->f->m);
	return 0;
}

static unsigned int waiters(struct mutex *m)
{
	unsigned int n = 0;
	struct mutex_waiter *w;

	spin_lock(&m->wait_lock);
	list_for_each_entry(w, &m->wait_list, list)
		n++;
	spin_unlock(&m->wait_lock);
	return n;
}

/* Wait up to a second for @m to have @n sleepers. */
static bool wait_for_waiters(struct mutex *m, unsigned int n)
{
	for (int i = 0; i < 100 && waiters(m) != n; i++)
		msleep(10);
	return waiters(m) == n;
}

TEST_CASE(locks_test_mutex_waiters_sleep_and_get_it_in_arrival_order)
{
	struct fifo f = { .n = 0 };
	struct fifo_arg args[3];
	struct task_struct *k[3];

	mutex_init(&f.m);
	mutex_lock(&f.m);
	for (int i = 0; i < 3; i++) {
		args[i] = (struct fifo_arg){ .f = &f, .id = i };
		k[i] = ktest_thread_start(fifo_waiter, &args[i], "fifo");
		ASSERT_NOT_NULL(t, k[i]);
		ASSERT_TRUE(t, wait_for_waiters(&f.m, i + 1));
		EXPECT_EQ(t, READ_ONCE(k[i]->state), TASK_UNINTERRUPTIBLE);
	}
	EXPECT_EQ(t, f.n, 0);
	mutex_unlock(&f.m);
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(t, ktest_thread_finish(k[i], 5000), 0);
	ASSERT_EQ(t, f.n, 3);
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(t, f.order[i], i);
	EXPECT_FALSE(t, mutex_is_locked(&f.m));
}

static int interruptible_waiter(void *p)
{
	struct mutex *m = p;
	int ret = mutex_lock_interruptible(m);

	if (!ret)
		mutex_unlock(m);
	return ret;
}

TEST_CASE(locks_test_mutex_lock_interruptible_returns_eintr_on_a_signal)
{
	struct mutex m;
	struct task_struct *k;

	mutex_init(&m);
	mutex_lock(&m);
	k = ktest_thread_start(interruptible_waiter, &m, "intr");
	ASSERT_NOT_NULL(t, k);
	ASSERT_TRUE(t, wait_for_waiters(&m, 1));
	EXPECT_EQ(t, send_sig(SIGINT, k, 0), 0);
	EXPECT_EQ(t, ktest_thread_finish(k, 5000), -EINTR);
	EXPECT_TRUE(t, mutex_is_locked(&m)); /* still ours */
	EXPECT_EQ(t, waiters(&m), 0);
	mutex_unlock(&m);
	EXPECT_FALSE(t, mutex_is_locked(&m));
}

TEST_CASE(locks_test_atomics_return_and_test_as_linux)
{
	atomic_t a = ATOMIC_INIT(1);
	atomic64_t b = ATOMIC64_INIT(1L << 40);

	EXPECT_EQ(t, atomic_inc_return(&a), 2);
	EXPECT_FALSE(t, atomic_dec_and_test(&a));
	EXPECT_TRUE(t, atomic_dec_and_test(&a));
	EXPECT_FALSE(t, atomic_inc_not_zero(&a)); /* 0 stays 0 */
	EXPECT_EQ(t, atomic_read(&a), 0);
	EXPECT_EQ(t, atomic_cmpxchg(&a, 0, 5), 0);
	EXPECT_EQ(t, atomic_cmpxchg(&a, 0, 7), 5); /* failed: returns what it found */
	EXPECT_EQ(t, atomic_xchg(&a, 9), 5);
	EXPECT_TRUE(t, atomic_add_unless(&a, 1, 3));
	EXPECT_FALSE(t, atomic_add_unless(&a, 1, 10));
	EXPECT_EQ(t, atomic_read(&a), 10);
	atomic64_add(1, &b);
	EXPECT_EQ(t, atomic64_read(&b), (1L << 40) + 1);
	EXPECT_EQ(t, atomic64_sub_return(2, &b), (1L << 40) - 1);
}

/* ---- contention: N threads, N CPUs -------------------------------------------------- */

#define CONTENTION_LOOPS 20000

enum lock_kind {
	KIND_SPIN,
	KIND_SPIN_IRQ,
	KIND_RWLOCK,
	KIND_MUTEX,
	KIND_ATOMIC
};

static struct {
	enum lock_kind kind;
	spinlock_t spin;
	rwlock_t rw;
	struct mutex mutex;
	atomic_t atomic;
	unsigned long counter; /* plain: only the lock keeps increments whole */
} race;

static int racer(void *unused)
{
	for (int i = 0; i < CONTENTION_LOOPS; i++) {
		switch (race.kind) {
		case KIND_SPIN:
			spin_lock(&race.spin);
			race.counter++;
			spin_unlock(&race.spin);
			break;
		case KIND_SPIN_IRQ:
			spin_lock_irq(&race.spin);
			race.counter++;
			spin_unlock_irq(&race.spin);
			break;
		case KIND_RWLOCK:
			write_lock(&race.rw);
			race.counter++;
			write_unlock(&race.rw);
			break;
		case KIND_MUTEX:
			mutex_lock(&race.mutex);
			race.counter++;
			mutex_unlock(&race.mutex);
			break;
		case KIND_ATOMIC:
			atomic_inc(&race.atomic);
			break;
		}
	}
	return 0;
}

/* Thread i on CPU i % online; every thread's increments counted, none lost. */
static void contend(struct ktest *t, enum lock_kind kind)
{
	unsigned int cpus = num_online_cpus(), n = cpus < 2 ? 2 : cpus;
	struct task_struct *k[NR_CPUS];

	race.kind = kind;
	race.counter = 0;
	spin_lock_init(&race.spin);
	rwlock_init(&race.rw);
	mutex_init(&race.mutex);
	atomic_set(&race.atomic, 0);
	for (unsigned int i = 0; i < n; i++)
		k[i] = ktest_thread_start_on(racer, NULL, "racer", i % cpus);
	for (unsigned int i = 0; i < n; i++)
		if (k[i])
			EXPECT_EQ(t, ktest_thread_finish(k[i], 60000), 0);
	for (unsigned int i = 0; i < n; i++)
		ASSERT_NOT_NULL(t, k[i]);
	if (kind == KIND_ATOMIC)
		EXPECT_EQ(t, atomic_read(&race.atomic), n * CONTENTION_LOOPS);
	else
		EXPECT_EQ(t, race.counter, n * CONTENTION_LOOPS);
}

TEST_CASE(locks_test_spin_lock_keeps_every_increment_of_n_cpus)
{
	contend(t, KIND_SPIN);
}

TEST_CASE(locks_test_spin_lock_irq_keeps_every_increment_of_n_cpus)
{
	contend(t, KIND_SPIN_IRQ);
}

TEST_CASE(locks_test_write_lock_keeps_every_increment_of_n_cpus)
{
	contend(t, KIND_RWLOCK);
}

TEST_CASE(locks_test_mutex_keeps_every_increment_of_n_cpus)
{
	contend(t, KIND_MUTEX);
}

TEST_CASE(locks_test_atomic_inc_keeps_every_increment_of_n_cpus)
{
	contend(t, KIND_ATOMIC);
}

static const struct ktest_case locks_cases[] = {
	KTEST(locks_test_spin_trylock_fails_while_the_lock_is_held),
	KTEST(locks_test_a_ticket_lock_hands_out_tail_and_serves_head),
	KTEST(locks_test_spin_lock_irqsave_restores_the_flags_it_saved),
	KTEST(locks_test_rwlock_readers_share_and_a_writer_excludes),
	KTEST(locks_test_mutex_trylock_fails_while_held),
	KTEST(locks_test_mutex_waiters_sleep_and_get_it_in_arrival_order),
	KTEST(locks_test_mutex_lock_interruptible_returns_eintr_on_a_signal),
	KTEST(locks_test_atomics_return_and_test_as_linux),
	KTEST_TIMEOUT(locks_test_spin_lock_keeps_every_increment_of_n_cpus, 120000),
	KTEST_TIMEOUT(locks_test_spin_lock_irq_keeps_every_increment_of_n_cpus, 120000),
	KTEST_TIMEOUT(locks_test_write_lock_keeps_every_increment_of_n_cpus, 120000),
	KTEST_TIMEOUT(locks_test_mutex_keeps_every_increment_of_n_cpus, 120000),
	KTEST_TIMEOUT(locks_test_atomic_inc_keeps_every_increment_of_n_cpus, 120000),
	{}
};
TEST_SUITE(locks, locks_cases);
