/*
 * SPDX-License-Identifier: MIT
 * tests/kernel/test_objcache.c - the object cache (kernel/objcache.c;
 * labs/locks/, part B) under the lock validator: get, put and shrink on
 * one thread keep the LRU and the payloads right and take the two locks in
 * one order only (lockdep reports nothing); then users on every CPU race a
 * shrinker, and everything finishes with every payload intact while held;
 * a get that meets the shrinker passing its object over takes it off; and a
 * put that finds its object on the LRU warns instead of adding it twice.
 * The race runs only once the validator saw no cycle: a cycle would
 * deadlock it for real.  Built only with LOCKDEP=y.
 */
#include <kernel/ktest.h>
#include <kernel/lockdep.h>
#include <kernel/lockdep_test.h>
#include <kernel/objcache.h>
#include <kernel/panic.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <errno.h>

#ifdef CONFIG_LOCKDEP

#define NR_OBJS	  4
#define OBJ_BYTES 64

/* Is @o's payload there, every byte its id? */
static bool payload_ok(struct objcache_obj *o)
{
	const u8 *d = READ_ONCE(o->data);

	if (!d)
		return false;
	for (size_t i = 0; i < o->cache->size; i++)
		if (d[i] != (u8)o->id)
			return false;
	return true;
}

/*
 * One thread, every path once: four objects used and put back (the LRU
 * 0 1 2 3), object 0 used again (1 2 3 0), two shrunk (1 and 2 lose their
 * payloads), object 1 used again (made anew), then all shrunk.
 */
static void get_put_shrink(struct ktest *t, struct objcache *c)
{
	for (unsigned int i = 0; i < NR_OBJS; i++) {
		ASSERT_EQ(t, objcache_get(objcache_obj(c, i)), 0);
		EXPECT_TRUE(t, payload_ok(objcache_obj(c, i)));
	}
	EXPECT_EQ(t, c->nr_unused, 0);
	for (unsigned int i = 0; i < NR_OBJS; i++)
		objcache_put(objcache_obj(c, i));
	EXPECT_EQ(t, c->nr_unused, NR_OBJS);

	ASSERT_EQ(t, objcache_get(objcache_obj(c, 0)), 0);
	EXPECT_EQ(t, c->nr_unused, NR_OBJS - 1);
	objcache_put(objcache_obj(c, 0));

	EXPECT_EQ(t, objcache_shrink(c, 2), 2);
	EXPECT_NULL(t, objcache_obj(c, 1)->data);
	EXPECT_NULL(t, objcache_obj(c, 2)->data);
	EXPECT_TRUE(t, payload_ok(objcache_obj(c, 3)));
	EXPECT_TRUE(t, payload_ok(objcache_obj(c, 0)));
	EXPECT_EQ(t, c->nr_unused, 2);

	ASSERT_EQ(t, objcache_get(objcache_obj(c, 1)), 0);
	EXPECT_TRUE(t, payload_ok(objcache_obj(c, 1)));
	objcache_put(objcache_obj(c, 1));
	EXPECT_EQ(t, objcache_shrink(c, 100), 3);
	EXPECT_EQ(t, c->nr_unused, 0);
	for (unsigned int i = 0; i < NR_OBJS; i++) {
		EXPECT_NULL(t, objcache_obj(c, i)->data);
		EXPECT_EQ(t, objcache_obj(c, i)->refs, 0);
	}
}

/* The validator is on and has said nothing since @before; if it spoke, turn it on again. */
static bool no_lock_cycle(struct ktest *t, unsigned long before)
{
	unsigned long now = READ_ONCE(lockdep_reports[LOCKDEP_CIRCULAR]);
	bool on = READ_ONCE(debug_locks);

	if (now != before)
		ktest_fail(
			t, __FILE__, __LINE__,
			"lockdep: possible circular locking dependency (its report is in the log)");
	else if (!on)
		ktest_fail(t, __FILE__, __LINE__,
			   "lockdep turned itself off (its report is in the log)");
	if (now != before || !on)
		lockdep_test_reset();
	return now == before && on;
}

TEST_CASE(objcache_test_get_put_and_shrink_take_the_locks_in_one_order)
{
	struct objcache *c;
	unsigned long before;

	lockdep_test_reset();
	before = READ_ONCE(lockdep_reports[LOCKDEP_CIRCULAR]);
	c = objcache_create(NR_OBJS, OBJ_BYTES);
	ASSERT_NOT_NULL(t, c);
	get_put_shrink(t, c);
	objcache_destroy(c);
	no_lock_cycle(t, before);
}

/* ---- users on every CPU against a shrinker ------------------------------------------- */

#define USER_ROUNDS 3000

static struct {
	struct objcache *c;
	int users_left;	      /* the shrinker runs until this is 0 */
	unsigned long bad;    /* a payload missing or wrong while held */
	unsigned long enomem; /* objcache_get failed: counted, not an error */
} race;

static int race_user(void *p)
{
	unsigned int me = (unsigned int)(long)p;

	for (unsigned int i = 0; i < USER_ROUNDS; i++) {
		struct objcache_obj *o = objcache_obj(race.c, (i * 7 + me) % NR_OBJS);

		if (objcache_get(o)) {
			__atomic_add_fetch(&race.enomem, 1, __ATOMIC_RELAXED);
			continue;
		}
		if (!payload_ok(o))
			__atomic_add_fetch(&race.bad, 1, __ATOMIC_RELAXED);
		cpu_relax();
		if (!payload_ok(o)) /* still ours: the shrinker must not have touched it */
			__atomic_add_fetch(&race.bad, 1, __ATOMIC_RELAXED);
		objcache_put(o);
	}
	__atomic_sub_fetch(&race.users_left, 1, __ATOMIC_RELEASE);
	return 0;
}

static int race_shrinker(void *unused)
{
	while (__atomic_load_n(&race.users_left, __ATOMIC_ACQUIRE)) {
		objcache_shrink(race.c, 2);
		cpu_relax();
	}
	return 0;
}

/* Wait for a racer; false if it is still running after 30 s (a deadlock, most likely). */
static bool race_joined(struct ktest *t, struct task_struct *k, const char *who)
{
	int ret = ktest_thread_finish(k, 30000);

	if (ret == -ETIMEDOUT)
		ktest_fail(t, __FILE__, __LINE__,
			   "%s did not finish in 30 s: a deadlock? (see \"lockup suspected\")",
			   who);
	else
		EXPECT_EQ(t, ret, 0);
	return ret != -ETIMEDOUT;
}

/*
 * A user thread on each CPU but CPU 0 (on CPU 0 when it is alone) gets,
 * checks and puts objects in turn while a shrinker on CPU 0 frees what is
 * unused.  Everything ends (no deadlock), no payload was ever missing or
 * wrong while held, and a last shrink leaves nothing unused or allocated.
 */
TEST_CASE(objcache_test_shrink_races_get_and_put_on_every_cpu)
{
	unsigned int cpus = num_online_cpus(), users = cpus > 1 ? cpus - 1 : 1;
	struct task_struct *k[NR_CPUS], *shrinker;
	unsigned long before;
	bool ended = true;

	lockdep_test_reset();
	before = READ_ONCE(lockdep_reports[LOCKDEP_CIRCULAR]);
	race.c = objcache_create(NR_OBJS, OBJ_BYTES);
	ASSERT_NOT_NULL(t, race.c);
	get_put_shrink(t, race.c); /* the validator learns both paths first */
	if (!no_lock_cycle(t, before) || t->failures) {
		objcache_destroy(race.c);
		return; /* with a cycle the race below would deadlock for real */
	}

	race.users_left = users;
	race.bad = race.enomem = 0;
	for (unsigned int i = 0; i < users; i++) {
		k[i] = ktest_thread_start_on(race_user, (void *)(long)i, "objcache-user",
					     cpus > 1 ? i + 1 : 0);
		if (!k[i])
			__atomic_sub_fetch(&race.users_left, 1, __ATOMIC_RELEASE);
	}
	shrinker = ktest_thread_start_on(race_shrinker, NULL, "objcache-shrink", 0);
	for (unsigned int i = 0; i < users; i++)
		if (k[i])
			ended &= race_joined(t, k[i], "a user");
	if (shrinker)
		ended &= race_joined(t, shrinker, "the shrinker");
	if (!ended)
		return; /* the threads may still hold the cache: leave it be */
	for (unsigned int i = 0; i < users; i++)
		ASSERT_NOT_NULL(t, k[i]);
	ASSERT_NOT_NULL(t, shrinker);

	EXPECT_EQ(t, race.bad, 0);
	objcache_shrink(race.c, NR_OBJS);
	EXPECT_EQ(t, race.c->nr_unused, 0);
	for (unsigned int i = 0; i < NR_OBJS; i++) {
		EXPECT_EQ(t, objcache_obj(race.c, i)->refs, 0);
		EXPECT_NULL(t, objcache_obj(race.c, i)->data);
	}
	objcache_destroy(race.c);
	no_lock_cycle(t, before);
}

/* ---- a get while the shrinker passes the object over ------------------------------- */

static struct {
	struct objcache *c;
	struct task_struct *user; /* the thread getting object 0 */
	int passing;		  /* object 0 is off the list in the middle of its move */
	int done;		  /* the user's objcache_get returned */
	int ret;		  /* what it returned */
} pass;

/* Does the validator see @k holding @l, or spinning for it (it hears of a lock first)? */
static bool task_takes(struct task_struct *k, spinlock_t *l)
{
	unsigned int depth = min(READ_ONCE(k->lockdep_depth), MAX_LOCK_DEPTH);

	for (unsigned int i = 0; i < depth; i++)
		if (READ_ONCE(k->held_locks[i].instance) == &l->rlock.dep_map)
			return true;
	return false;
}

/* Get object 0 once the shrinker's move of it has begun. */
static int pass_user(void *unused)
{
	u64 end = ktime_get_ns() + 10 * NSEC_PER_SEC;

	while (!__atomic_load_n(&pass.passing, __ATOMIC_ACQUIRE))
		if (ktime_get_ns() > end)
			return -ETIMEDOUT;
	pass.ret = objcache_get(objcache_obj(pass.c, 0));
	__atomic_store_n(&pass.done, 1, __ATOMIC_RELEASE);
	return 0;
}

/*
 * What objcache_shrink does with an object whose lock it found busy: under
 * lru_lock alone, off the list and back at its tail.  In between, until the
 * user's get returned or waits for lru_lock (2 s at most), the user gets it.
 */
static int pass_shrinker(void *unused)
{
	struct objcache_obj *o = objcache_obj(pass.c, 0);
	u64 end = ktime_get_ns() + 2 * NSEC_PER_SEC;

	spin_lock(&pass.c->lru_lock);
	list_del(&o->lru);
	__atomic_store_n(&pass.passing, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&pass.done, __ATOMIC_ACQUIRE) &&
	       !task_takes(pass.user, &pass.c->lru_lock) && ktime_get_ns() < end)
		cpu_relax();
	list_add_tail(&o->lru, &pass.c->lru);
	spin_unlock(&pass.c->lru_lock);
	return 0;
}

/*
 * The shrinker passes over a busy object by moving it to the LRU's tail
 * under lru_lock alone; meanwhile the object's lru says "on no list".  A
 * user's get arriving then (the shrinker on CPU 0, the user on CPU 1) still
 * takes the object off the LRU: it is used, so not on the list, its payload
 * is intact, and its put puts it back once.  (A get that read o->lru without
 * lru_lock left it there: the shrinker freed payloads in use, and the put
 * added it a second time, tying the list in a loop.)
 */
TEST_CASE(objcache_test_a_get_while_the_shrinker_passes_the_object_over_takes_it_off)
{
	struct task_struct *shrinker;
	struct objcache_obj *o;

	if (num_online_cpus() < 2)
		ktest_skip(t, "one CPU: the user and the shrinker need one each");
	pass.c = objcache_create(2, OBJ_BYTES);
	ASSERT_NOT_NULL(t, pass.c);
	o = objcache_obj(pass.c, 0);
	for (unsigned int i = 0; i < 2; i++)
		EXPECT_EQ(t, objcache_get(objcache_obj(pass.c, i)), 0);
	for (unsigned int i = 0; i < 2; i++)
		objcache_put(objcache_obj(pass.c, i)); /* the LRU: 0 1 */
	pass.passing = pass.done = 0;
	pass.ret = -1;
	pass.user = ktest_thread_start_on(pass_user, NULL, "objcache-user", 1);
	shrinker =
		pass.user ? ktest_thread_start_on(pass_shrinker, NULL, "objcache-pass", 0) : NULL;
	if (shrinker)
		EXPECT_EQ(t, ktest_thread_finish(shrinker, 10000), 0);
	else
		__atomic_store_n(&pass.passing, 1, __ATOMIC_RELEASE); /* the user gets it plainly */
	if (pass.user)
		EXPECT_EQ(t, ktest_thread_finish(pass.user, 10000), 0);
	ASSERT_NOT_NULL(t, pass.user);
	ASSERT_NOT_NULL(t, shrinker);

	EXPECT_EQ(t, pass.ret, 0);
	EXPECT_TRUE(t, list_empty(&o->lru));
	EXPECT_EQ(t, pass.c->nr_unused, 1);
	EXPECT_TRUE(t, payload_ok(o));
	objcache_put(o); /* the LRU: 1 0 */
	EXPECT_EQ(t, pass.c->nr_unused, 2);
	EXPECT_EQ(t, objcache_shrink(pass.c, 4), 2);
	EXPECT_EQ(t, pass.c->nr_unused, 0);
	for (unsigned int i = 0; i < 2; i++)
		EXPECT_NULL(t, objcache_obj(pass.c, i)->data);
	objcache_destroy(pass.c);
}

/*
 * A put that finds its object on the LRU already (a used object never is
 * there: only a bug elsewhere leaves it there) warns and keeps the list as
 * it is, rather than adding the object a second time, which would tie the
 * list in a loop (the shrinker then frees the same object for ever).
 */
TEST_CASE(objcache_test_a_put_that_finds_its_object_on_the_lru_warns_and_adds_it_once)
{
	struct objcache *c = objcache_create(1, OBJ_BYTES);
	struct objcache_obj *o;
	unsigned long warns;

	ASSERT_NOT_NULL(t, c);
	o = objcache_obj(c, 0);
	ASSERT_EQ(t, objcache_get(o), 0);
	spin_lock(&c->lru_lock); /* the broken state: used, and on the LRU */
	list_add_tail(&o->lru, &c->lru);
	c->nr_unused++;
	spin_unlock(&c->lru_lock);
	warns = READ_ONCE(warn_count);
	objcache_put(o);
	EXPECT_EQ(t, READ_ONCE(warn_count), warns + 1);
	EXPECT_EQ(t, c->nr_unused, 1);
	EXPECT_TRUE(t, c->lru.next == &o->lru && o->lru.next == &c->lru);
	EXPECT_EQ(t, objcache_shrink(c, 4), 1);
	EXPECT_NULL(t, o->data);
	EXPECT_TRUE(t, list_empty(&c->lru));
	objcache_destroy(c);
}

static const struct ktest_case objcache_cases[] = {
	KTEST(objcache_test_get_put_and_shrink_take_the_locks_in_one_order),
	KTEST_TIMEOUT(objcache_test_shrink_races_get_and_put_on_every_cpu, 90000),
	KTEST(objcache_test_a_get_while_the_shrinker_passes_the_object_over_takes_it_off),
	KTEST(objcache_test_a_put_that_finds_its_object_on_the_lru_warns_and_adds_it_once),
	{}
};
TEST_SUITE(objcache, objcache_cases);

#endif /* CONFIG_LOCKDEP */
