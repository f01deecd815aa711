/*
 * SPDX-License-Identifier: MIT
 * kernel/lockdep.h - the lock validator: deadlocks found before they happen.
 *
 * A deadlock needs an unlucky timing to happen, but the *possibility* of one
 * shows in every run: if one thread ever takes A then B, and another ever
 * takes B then A, the two can one day wait on each other.  The validator
 * (Linux's lockdep, kernel/lockdep.c) watches every lock taken and remembers:
 *
 *   classes      locks are grouped by where they were initialised (a static
 *                struct lock_class_key at each spin_lock_init() call site)
 *                or, for a lock defined statically, by its address.  The
 *                rules are about classes: all "rq->lock"s are one class.
 *   held locks   per thread, the stack of locks it holds now (task_struct)
 *   dependencies an edge A -> B each time B is taken while A is held; the
 *                graph lives in fixed tables (it works from the first lock
 *                taken at boot) guarded by one internal arch lock
 *   usage        per class: ever taken in a hardirq?  ever with interrupts
 *                on?  (the same for softirqs)
 *
 * and reports, once, with Linux's headline and both stacks:
 *
 *   a new edge that closes a cycle    "possible circular locking dependency detected"
 *   a class in hardirq and irqs-on    "inconsistent lock state"
 *   a class taken inside itself       "possible recursive locking detected"
 *   an unlock of a lock not held      "bad unlock balance detected!"
 *
 * After the first report it turns itself off (debug_locks = 0): the graph
 * may be wrong from then on.  LOCKDEP=n in the Makefile builds without it:
 * then every call below is an empty inline and a lock carries no map.
 * docs/locking.md shows each report.
 */
#ifndef KERNEL_LOCKDEP_H
#define KERNEL_LOCKDEP_H

#include <kernel/compiler.h>
#include <kernel/panic.h> /* WARN_ON */
#include <kernel/types.h>

struct task_struct;
struct lock_class;

/* The address of the code here (an inline function's: its caller's), and our caller. */
#define _THIS_IP_                        \
	({                               \
		__label__ __here;        \
__here:                                  \
		(unsigned long)&&__here; \
	})
#define _RET_IP_ ((unsigned long)__builtin_return_address(0))

#define MAX_LOCKDEP_SUBCLASSES 8U
#define SINGLE_DEPTH_NESTING   1 /* the subclass of spin_lock_nested()'s inner lock */

/*
 * A class key is a static object, one per init call site; its only use is
 * its address (each subclass: one byte further).  Never on the stack.
 */
struct lock_class_key {
	char subkeys[MAX_LOCKDEP_SUBCLASSES];
};

/* What a lock carries for the validator (in every lock kind, when LOCKDEP=y). */
struct lockdep_map {
	struct lock_class_key *key;	/* NULL: a static lock, keyed by its address */
	struct lock_class *class_cache; /* subclass 0's class, once looked up */
	const char *name;		/* in reports: "&q->lock", or the variable's name */
};

#ifdef CONFIG_LOCKDEP

#define MAX_LOCK_DEPTH	    48U /* locks one thread may hold at once, as 3.10 */
#define LOCKDEP_TRACE_DEPTH 4	/* return addresses kept per held lock and per edge */

/* One entry of a thread's held-lock stack (task_struct.held_locks). */
struct held_lock {
	struct lockdep_map *instance;		  /* the lock itself */
	struct lock_class *class;		  /* its class (with the subclass) */
	unsigned long trace[LOCKDEP_TRACE_DEPTH]; /* where it was taken; [0] = the ip */
	unsigned int irq_context : 2; /* 0 thread, 1 hardirq, 2 softirq: chains never cross */
	unsigned int trylock : 1;
	unsigned int read : 2; /* 0 exclusive, 2 a reader that may nest (rwlock) */
	unsigned int hardirqs_off : 1;
};

/* The kinds of report, each counted in lockdep_reports[] (the tests read them). */
enum lockdep_report {
	LOCKDEP_CIRCULAR,     /* possible circular locking dependency */
	LOCKDEP_INCONSISTENT, /* inconsistent lock state (irq usage) */
	LOCKDEP_RECURSIVE,    /* possible recursive locking */
	LOCKDEP_BAD_UNLOCK,   /* bad unlock balance */
	LOCKDEP_DEBUG_WARN,   /* DEBUG_LOCKS_WARN_ON: a spinlock or mutex debug check */
	LOCKDEP_NR_REPORTS
};
extern unsigned long lockdep_reports[LOCKDEP_NR_REPORTS];

/* 1 while the validator is on; 0 after its first report (or a debug check's). */
extern int debug_locks;

/*
 * debug_locks_off - turn the validator off (the first report does).  Returns
 * 1 if it was on, so only the first caller prints.  Context: any.
 */
int debug_locks_off(void);

/*
 * lockdep_init_map - give @lock the name @name and the class of @key (a
 * static object; NULL: a static lock's own address is its key).  Called by
 * spin_lock_init() and friends.  Context: any.
 */
void lockdep_init_map(struct lockdep_map *lock, const char *name, struct lock_class_key *key,
		      int subclass);

/*
 * lock_acquire - @lock is about to be taken (before any spinning or
 * sleeping, so a deadlock is reported before it hangs).  @subclass: 0, or a
 * nesting level (spin_lock_nested); @trylock: it cannot wait, so it cannot
 * deadlock; @read: 0 exclusive, 2 a reader that may nest; @ip: the caller.
 * Pushes it on current's held-lock stack, records the dependencies on the
 * locks held and the usage, and reports what that reveals.  Context: any.
 */
void lock_acquire(struct lockdep_map *lock, unsigned int subclass, int trylock, int read, int check,
		  struct lockdep_map *nest_lock, unsigned long ip);

/* lock_release - @lock was released (@nested is unused, as in 3.10). Context: any. */
void lock_release(struct lockdep_map *lock, int nested, unsigned long ip);

/* Is @lock on current's held-lock stack?  (lockdep_assert_held). */
int lock_is_held(struct lockdep_map *lock);

/*
 * lock_contended - a wait for @lock just ended: it was found held, and the
 * waiter spun @spins times for @cycles TSC cycles before it got it.  Counted
 * for the lock's class (monitor `lock_stat`).  3.10's CONFIG_LOCK_STAT has
 * lock_contended() before the wait and lock_acquired() after it; the one
 * call after the wait is ours (the waiter measures): docs/linux-3.10.md.
 * Context: any; @lock is on current's held-lock stack (spin_acquire came first).
 */
void lock_contended(struct lockdep_map *lock, unsigned long spins, u64 cycles);

/* How often a lock of @lock's class was found held (0 before its first use). */
unsigned long lock_stat_contentions(struct lockdep_map *lock);

/* Print "N locks held by comm/pid:" and each, with where it was taken. */
void debug_show_held_locks(struct task_struct *task);

/* How many locks current holds (0 with LOCKDEP=n: unknown). */
unsigned int lockdep_depth(void);

#define lockdep_assert_held(l) WARN_ON(debug_locks && !lock_is_held(&(l)->dep_map))

/*
 * DEBUG_LOCKS_WARN_ON(c) - a debug check of a lock (unlock by a non-owner,
 * a mutex from an interrupt): if @c, the first time only, turn the
 * validator off and print a WARNING with a backtrace.  Evaluates to @c.
 */
#define DEBUG_LOCKS_WARN_ON(c)                                    \
	({                                                        \
		bool __dlw = !!(c);                               \
		if (unlikely(__dlw))                              \
			debug_locks_warn(__FILE__, __LINE__, #c); \
		unlikely(__dlw);                                  \
	})
void debug_locks_warn(const char *file, int line, const char *cond);

#define STATIC_LOCKDEP_MAP_INIT(_name, _key)   \
	{                                      \
		.key = (_key), .name = (_name) \
	}

/* The names each lock kind calls (3.10's); check=2 is "full validation". */
#define spin_acquire(l, s, t, i)	lock_acquire(l, s, t, 0, 2, NULL, i)
#define spin_release(l, n, i)		lock_release(l, n, i)
#define rwlock_acquire(l, s, t, i)	lock_acquire(l, s, t, 0, 2, NULL, i)
#define rwlock_acquire_read(l, s, t, i) lock_acquire(l, s, t, 2, 2, NULL, i)
#define rwlock_release(l, n, i)		lock_release(l, n, i)
#define mutex_acquire(l, s, t, i)	lock_acquire(l, s, t, 0, 2, NULL, i)
#define mutex_release(l, n, i)		lock_release(l, n, i)

#else /* !CONFIG_LOCKDEP: nothing is tracked, every hook is empty */

#define debug_locks 0
/* A macro: a lock has no dep_map to name here. */
#define lockdep_init_map(lock, name, key, subclass) \
	do {                                        \
	} while (0)
static inline void lock_acquire(struct lockdep_map *lock, unsigned int subclass, int trylock,
				int read, int check, struct lockdep_map *nest_lock,
				unsigned long ip)
{
}
static inline void lock_release(struct lockdep_map *lock, int nested, unsigned long ip)
{
}
static inline void debug_show_held_locks(struct task_struct *task)
{
}
static inline unsigned int lockdep_depth(void)
{
	return 0;
}
#define lockdep_assert_held(l) ((void)(l))
#define DEBUG_LOCKS_WARN_ON(c) \
	({                     \
		(void)(c);     \
		false;         \
	})

/* Locks carry no lockdep_map: the arguments are never evaluated. */
#define spin_acquire(l, s, t, i) \
	do {                     \
	} while (0)
#define spin_release(l, n, i) \
	do {                  \
	} while (0)
#define rwlock_acquire(l, s, t, i) \
	do {                       \
	} while (0)
#define rwlock_acquire_read(l, s, t, i) \
	do {                            \
	} while (0)
#define rwlock_release(l, n, i) \
	do {                    \
	} while (0)
#define mutex_acquire(l, s, t, i) \
	do {                      \
	} while (0)
#define mutex_release(l, n, i) \
	do {                   \
	} while (0)

#endif /* CONFIG_LOCKDEP */

#endif
