/*
 * SPDX-License-Identifier: MIT
 * kernel/lockdep.c - the lock validator (Linux's lockdep, much reduced).
 *
 * include/kernel/lockdep.h tells what it finds; this file how.  Three
 * fixed tables, so it works from the first lock taken at boot:
 *
 *   lock_classes[]  one per key (+ subclass); found through a hash of the key
 *   list_entries[]  the edges "B was taken while A was held", A's edges
 *                   chained from A->after, each with the stack that took B
 *   task->held_locks[]  per thread, what it holds now (kernel/sched.h)
 *
 * lock_acquire(lock):
 *
 *   class = the lock's class                 (registered on first use)
 *   mark usage: in hardirq? irqs on?         -> "inconsistent lock state"
 *   same class held already?                 -> "possible recursive locking"
 *   for the lock held last (same context):   edge prev -> class, unless known;
 *     a new edge first asks: can class reach prev already?  (a breadth-
 *     first search of the edges)             -> "possible circular locking
 *                                                dependency"
 *   push on the held stack
 *
 * lock_stat (monitor `lock_stat`): a waiter that found its lock held says
 * so once it has it (lock_contended, from kernel/spinlock.c), and the class
 * counts the wait, its spin loops and its cycles with atomic adds.
 *
 * Locking: one arch spinlock (lockdep_lock, never itself validated) with
 * interrupts off guards the tables; current->lockdep_recursion keeps the
 * validator out of the locks its own printing takes.  A thread's held
 * stack is touched only by that thread (and its interrupts, which run with
 * the recursion count checked and always leave the stack as they found it).
 *
 * 3.10 also caches whole chains of held classes to skip known sequences,
 * tracks the interrupt flag at every local_irq_enable() (irq-safe -> irq-
 * unsafe dependencies), and validates read locks fully; we check usage
 * only at acquisition and treat readers as 3.10's recursive readers:
 * docs/linux-3.10.md.
 */
#include <arch/boot.h>
#include <kernel/ktests.h>
#include <kernel/lockdep.h>
#include <kernel/monitor.h>
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <stdio.h>
#include <string.h>

#include "lockdep_internal.h"

#ifdef CONFIG_LOCKDEP /* LOCKDEP=n: nothing here; the hooks are empty inlines */

#define MAX_LOCKDEP_KEYS    512	 /* classes */
#define MAX_LOCKDEP_ENTRIES 4096 /* edges */
#define CLASSHASH_SIZE	    256

/* Usage bits, as 3.10's enum lock_usage_bit: direction in bit 1, read in bit 0. */
enum lock_usage_bit {
	LOCK_USED_IN_HARDIRQ,
	LOCK_USED_IN_HARDIRQ_READ,
	LOCK_ENABLED_HARDIRQ,
	LOCK_ENABLED_HARDIRQ_READ,
	LOCK_USED_IN_SOFTIRQ,
	LOCK_USED_IN_SOFTIRQ_READ,
	LOCK_ENABLED_SOFTIRQ,
	LOCK_ENABLED_SOFTIRQ_READ,
	LOCK_USAGE_STATES
};
#define LOCK_USAGE_READ_MASK 1
#define LOCK_USAGE_DIR_MASK  2

static const char *const usage_str[LOCK_USAGE_STATES] = {
	"IN-HARDIRQ-W", "IN-HARDIRQ-R", "HARDIRQ-ON-W", "HARDIRQ-ON-R",
	"IN-SOFTIRQ-W", "IN-SOFTIRQ-R", "SOFTIRQ-ON-W", "SOFTIRQ-ON-R",
};

struct lock_class {
	const void *key;  /* the key's subkey address; NULL: a free slot */
	const char *name; /* the first instance's name */
	unsigned int subclass;
	unsigned int usage_mask;	  /* 1 << enum lock_usage_bit */
	int hash_next;			  /* next class in this hash bucket, -1: none */
	int after;			  /* first edge from this class, -1: none */
	unsigned int nr_after, nr_before; /* edges out and in */
	unsigned int bfs_gen;		  /* the search that last visited it */
	int bfs_parent;			  /* the edge it was reached by, in that search */
	unsigned long ops;		  /* acquisitions */
	/* lock_stat: waits for a lock of the class (atomic adds, not under lockdep_lock) */
	unsigned long contentions; /* acquisitions that found it held */
	unsigned long spins;	   /* cpu_relax() loops spent waiting */
	u64 wait_total, wait_max;  /* TSC cycles spent waiting, and the longest wait */
	unsigned long usage_traces[LOCK_USAGE_STATES][LOCKDEP_TRACE_DEPTH];
};

/* An edge: @to was taken while @from was held; @trace is where @to was taken. */
struct lock_list {
	u16 from, to;
	int next; /* next edge of @from, -1: none */
	unsigned long trace[LOCKDEP_TRACE_DEPTH];
};

/* Everything below is guarded by lockdep_lock, taken with interrupts off. */
static arch_spinlock_t lockdep_lock = __ARCH_SPIN_LOCK_UNLOCKED;
static struct lock_class lock_classes[MAX_LOCKDEP_KEYS];
static unsigned int nr_lock_classes;
static int classhash[CLASSHASH_SIZE]; /* first class of each bucket, -1: none (+1 stored) */
static struct lock_list list_entries[MAX_LOCKDEP_ENTRIES];
static unsigned int nr_list_entries;
static unsigned int bfs_generation;
static u16 bfs_queue[MAX_LOCKDEP_KEYS];

int debug_locks = 1;
unsigned long lockdep_reports[LOCKDEP_NR_REPORTS];
static unsigned long lockdep_unkeyed; /* acquisitions of locks never initialised, not checked */

/* Before the scheduler gives the boot code a task, its locks are held here. */
static struct task_struct lockdep_boot_task = { .comm = "swapper", .pid = 0 };

static struct task_struct *lockdep_curr(void)
{
	struct task_struct *t = current;

	return t ? t : &lockdep_boot_task;
}

int debug_locks_off(void)
{
	return __atomic_exchange_n(&debug_locks, 0, __ATOMIC_SEQ_CST);
}

/* ---- stack traces ---------------------------------------------------------------- */

extern char _data[], _kernel_end[];

/* May @fp be a frame of this stack?  Aligned, and in the thread's stack or the image. */
static bool frame_plausible(unsigned long fp)
{
	struct task_struct *t = current;

	if (!fp || (fp & 7))
		return false;
	if (t && t->stack_bottom && fp >= t->stack_bottom && fp + 16 <= t->stack_top)
		return true;
	return (fp >= (unsigned long)_data && fp + 16 <= (unsigned long)_kernel_end) ||
	       (ktests_data_contains(fp) && ktests_data_contains(fp + 15));
}

/*
 * Fill @trace with @ip, then the return addresses above the frame @fp (the
 * caller's frame): a few words, read only along a chain that goes up one
 * stack, so a broken chain ends the trace and never faults.
 */
static void save_trace(unsigned long *trace, unsigned long ip, unsigned long fp)
{
	unsigned int i = 1;

	trace[0] = ip;
	while (i < LOCKDEP_TRACE_DEPTH && frame_plausible(fp)) {
		unsigned long next = ((unsigned long *)fp)[0];

		trace[i++] = ((unsigned long *)fp)[1];
		if (next <= fp || next - fp > THREAD_STACK_SIZE)
			break;
		fp = next;
	}
	while (i < LOCKDEP_TRACE_DEPTH)
		trace[i++] = 0;
}

/* The frame of lock_acquire's caller's caller: inline lock functions put ip in the caller. */
#define CALLER_FRAME() (*(unsigned long *)__builtin_frame_address(0))

/* @addr as "func+0x1a/0x40"; a return address (!@exact) is looked up as addr - 1, as %pB. */
static void addr_str(unsigned long addr, bool exact, char *buf, size_t len)
{
	unsigned long off, size;
	const char *name = exact ? NULL : ksym_lookup(addr - 1, &off, &size);

	if (name)
		snprintf(buf, len, "%s+0x%lx/0x%lx", name, off + 1, size);
	else
		ksym_format(addr, buf, len);
}

static void print_trace(const unsigned long *trace)
{
	char buf[128];

	for (unsigned int i = 0; i < LOCKDEP_TRACE_DEPTH && trace[i]; i++) {
		addr_str(trace[i], false, buf, sizeof(buf)); /* all return addresses */
		printk(KERN_WARNING "       %s\n", buf);
	}
}

/* ---- classes --------------------------------------------------------------------- */

/* A lock in the image (.data/.bss, or a CPU's copy of a per-CPU one) is its own key. */
static const void *static_key(struct lockdep_map *lock)
{
	unsigned long a = (unsigned long)lock;
	unsigned long size = __per_cpu_end - __per_cpu_start;

	for (unsigned int cpu = 0; cpu < nr_cpu_ids && cpu < NR_CPUS; cpu++) {
		unsigned long off = per_cpu_offset(cpu);

		/* One class for all CPUs' copies: the template's address. */
		if (off && a - off >= (unsigned long)__per_cpu_start &&
		    a - off < (unsigned long)__per_cpu_start + size)
			return (void *)(a - off);
	}
	if ((a >= (unsigned long)_data && a < (unsigned long)_kernel_end) ||
	    ktests_data_contains(a)) /* the tests module's static locks too */
		return lock;
	return NULL;
}

/*
 * The key of @lock's class: its lock_class_key; for a lock defined
 * statically its address; for a lock defined on the stack (DEFINE_SPINLOCK
 * in a function) its name; else NULL, a lock never initialised.
 */
static const void *lock_key(struct lockdep_map *lock)
{
	const void *key = lock->key;

	if (!key)
		key = static_key(lock);
	/* 3.10 turns off here; we key the lock by its name: docs/linux-3.10.md */
	if (!key)
		key = lock->name;
	return key;
}

static unsigned int hash_key(const void *key)
{
	unsigned long k = (unsigned long)key;

	return (unsigned int)((k >> 3) ^ (k >> 11) ^ (k >> 19)) % CLASSHASH_SIZE;
}

/* The class of @lock/@subclass, registered if new; NULL if untracked.  lockdep_lock held. */
static struct lock_class *register_lock_class(struct lockdep_map *lock, unsigned int subclass)
{
	const char *key = lock_key(lock);
	unsigned int h;
	struct lock_class *c;

	if (!key) {
		lockdep_unkeyed++;
		return NULL;
	}
	key += subclass; /* each subclass one byte further into the key */
	h = hash_key(key);
	for (int i = classhash[h] - 1; i >= 0; i = lock_classes[i].hash_next)
		if (lock_classes[i].key == key)
			return &lock_classes[i];
	if (nr_lock_classes == MAX_LOCKDEP_KEYS) {
		if (debug_locks_off())
			printk(KERN_ERR "BUG: MAX_LOCKDEP_KEYS too low!\n");
		return NULL;
	}
	c = &lock_classes[nr_lock_classes];
	c->key = key;
	c->name = lock->name ? lock->name : "(unnamed)";
	c->subclass = subclass;
	c->after = -1;
	c->hash_next = classhash[h] - 1;
	classhash[h] = ++nr_lock_classes;
	return c;
}

static unsigned int class_index(const struct lock_class *c)
{
	return c - lock_classes;
}

/* "{+.-.}": per irq kind, write then read: '-' used in it, '+' taken with it on, '?' both. */
static void usage_chars(const struct lock_class *c, char *s)
{
	for (int state = 0; state < 2; state++)
		for (int read = 0; read < 2; read++) {
			int in = state * 4 + read, on = in + LOCK_USAGE_DIR_MASK;
			bool u = c->usage_mask & (1U << in), e = c->usage_mask & (1U << on);

			*s++ = u && e ? '?' : u ? '-' : e ? '+' : '.';
		}
	*s = '\0';
}

/* "(&q->lock){+.-.}" or with a subclass "(&q->lock/1){...}". */
static void class_str(const struct lock_class *c, char *buf, size_t len)
{
	char usage[8];

	usage_chars(c, usage);
	if (c->subclass)
		snprintf(buf, len, "(%s/%u){%s}", c->name, c->subclass, usage);
	else
		snprintf(buf, len, "(%s){%s}", c->name, usage);
}

/* "<prefix>(&q->lock){+.+.}, at: func+0x1a/0x40" */
static void print_held_lock(const char *prefix, const struct held_lock *h)
{
	char cls[96], at[128];

	class_str(h->class, cls, sizeof(cls));
	addr_str(h->trace[0], false, at, sizeof(at));
	printk(KERN_WARNING "%s%s, at: %s\n", prefix, cls, at);
}

static void lockdep_print_held_locks(struct task_struct *t)
{
	unsigned int depth = READ_ONCE(t->lockdep_depth);

	if (!depth) {
		printk(KERN_WARNING "no locks held by %s/%d.\n", t->comm, t->pid);
		return;
	}
	printk(KERN_WARNING "%u lock%s held by %s/%d:\n", depth, depth > 1 ? "s" : "", t->comm,
	       t->pid);
	for (unsigned int i = 0; i < depth && i < MAX_LOCK_DEPTH; i++) {
		char prefix[12];

		snprintf(prefix, sizeof(prefix), " #%u: ", i);
		print_held_lock(prefix, &t->held_locks[i]);
	}
}

void debug_show_held_locks(struct task_struct *task)
{
	if (!debug_locks) {
		printk(KERN_WARNING "INFO: lockdep is turned off.\n");
		return;
	}
	lockdep_print_held_locks(task ? task : lockdep_curr());
}

unsigned int lockdep_depth(void)
{
	return lockdep_curr()->lockdep_depth;
}

/* The banner every report starts with: a rule of '=' as long as the headline. */
static void print_banner(const char *headline, char rule)
{
	char line[64];
	size_t n = strlen(headline);

	n = n < sizeof(line) - 1 ? n : sizeof(line) - 1;
	memset(line, '=', n);
	line[n] = '\0';
	printk(KERN_WARNING "\n%s\n%s\n", line, headline);
	memset(line, rule, n);
	printk(KERN_WARNING "%s\n", line);
}

static void print_report_tail(struct task_struct *curr)
{
	printk(KERN_WARNING "\n");
	lockdep_print_held_locks(curr);
	printk(KERN_WARNING "\nstack backtrace:\n");
	dump_stack();
}

/* "swapper/0 [HC1[1]:SC0[0]:HE0:SE1]": the contexts, as 3.10 prints them. */
static void print_irq_context(struct task_struct *curr, const struct held_lock *this)
{
	unsigned int pc = preempt_count();

	printk(KERN_WARNING "%s/%d [HC%u[%u]:SC%u[%u]:HE%u:SE%u] takes:\n", curr->comm, curr->pid,
	       in_irq() ? 1 : 0, (pc & HARDIRQ_MASK) >> HARDIRQ_SHIFT,
	       (pc & SOFTIRQ_OFFSET) ? 1 : 0, (pc & SOFTIRQ_MASK) >> SOFTIRQ_SHIFT,
	       this->hardirqs_off ? 0 : 1, (pc & SOFTIRQ_MASK) ? 0 : 1);
}

/* ---- the reports ----------------------------------------------------------------- */

static void print_usage_bug(struct task_struct *curr, struct held_lock *this,
			    enum lock_usage_bit prev_bit, enum lock_usage_bit new_bit)
{
	const char *name = this->class->name;

	lockdep_reports[LOCKDEP_INCONSISTENT]++;
	print_banner("WARNING: inconsistent lock state", '-');
	printk(KERN_WARNING "inconsistent {%s} -> {%s} usage.\n", usage_str[prev_bit],
	       usage_str[new_bit]);
	print_irq_context(curr, this);
	print_held_lock(" ", this);
	printk(KERN_WARNING "{%s} state was registered at:\n", usage_str[prev_bit]);
	print_trace(this->class->usage_traces[prev_bit]);
	printk(KERN_WARNING "\nother info that might help us debug this:\n");
	printk(KERN_WARNING " Possible unsafe locking scenario:\n\n");
	printk(KERN_WARNING "       CPU0\n       ----\n");
	printk(KERN_WARNING "  lock(%s);\n  <Interrupt>\n    lock(%s);\n", name, name);
	printk(KERN_WARNING "\n *** DEADLOCK ***\n");
	print_report_tail(curr);
}

static void print_deadlock_bug(struct task_struct *curr, struct held_lock *prev,
			       struct held_lock *next)
{
	const char *name = next->class->name;

	lockdep_reports[LOCKDEP_RECURSIVE]++;
	print_banner("WARNING: possible recursive locking detected", '-');
	printk(KERN_WARNING "%s/%d is trying to acquire lock:\n", curr->comm, curr->pid);
	print_held_lock(" ", next);
	printk(KERN_WARNING "\nbut task is already holding lock:\n");
	print_held_lock(" ", prev);
	printk(KERN_WARNING "which was taken at:\n");
	print_trace(prev->trace);
	printk(KERN_WARNING "\nother info that might help us debug this:\n");
	printk(KERN_WARNING " Possible unsafe locking scenario:\n\n");
	printk(KERN_WARNING "       CPU0\n       ----\n  lock(%s);\n  lock(%s);\n", name, name);
	printk(KERN_WARNING "\n *** DEADLOCK ***\n\n");
	printk(KERN_WARNING " May be due to missing lock nesting notation\n");
	print_report_tail(curr);
}

/*
 * The search found @prev reachable from @next: the edges, from the one
 * leaving @next's class to the one reaching @prev's, are chained through
 * bfs_parent back from @prev's class.
 */
static void print_circular_bug(struct task_struct *curr, struct held_lock *prev,
			       struct held_lock *next)
{
	const char *a = prev->class->name, *b = next->class->name;
	char cls[96];
	int depth = 0;

	lockdep_reports[LOCKDEP_CIRCULAR]++;
	print_banner("WARNING: possible circular locking dependency detected", '-');
	printk(KERN_WARNING "%s/%d is trying to acquire lock:\n", curr->comm, curr->pid);
	print_held_lock(" ", next);
	printk(KERN_WARNING "\nbut task is already holding lock:\n");
	print_held_lock(" ", prev);
	printk(KERN_WARNING "\nwhich lock already depends on the new lock.\n\n");
	printk(KERN_WARNING "\nthe existing dependency chain (in reverse order) is:\n");
	for (int e = prev->class->bfs_parent; e >= 0;
	     e = lock_classes[list_entries[e].from].bfs_parent)
		depth++;
	for (int e = prev->class->bfs_parent; e >= 0;
	     e = lock_classes[list_entries[e].from].bfs_parent) {
		class_str(&lock_classes[list_entries[e].to], cls, sizeof(cls));
		printk(KERN_WARNING "\n-> #%d %s:\n", depth--, cls);
		print_trace(list_entries[e].trace);
	}
	class_str(next->class, cls, sizeof(cls));
	printk(KERN_WARNING "\n-> #0 %s:\n", cls);
	print_trace(next->trace);
	printk(KERN_WARNING "\nother info that might help us debug this:\n\n");
	printk(KERN_WARNING " Possible unsafe locking scenario:\n\n");
	printk(KERN_WARNING "       CPU0                    CPU1\n");
	printk(KERN_WARNING "       ----                    ----\n");
	printk(KERN_WARNING "  lock(%s);\n", a);
	printk(KERN_WARNING "                               lock(%s);\n", b);
	printk(KERN_WARNING "                               lock(%s);\n", a);
	printk(KERN_WARNING "  lock(%s);\n", b);
	printk(KERN_WARNING "\n *** DEADLOCK ***\n");
	print_report_tail(curr);
}

static void print_unlock_imbalance_bug(struct task_struct *curr, struct lockdep_map *lock,
				       unsigned long ip)
{
	char at[128];

	lockdep_reports[LOCKDEP_BAD_UNLOCK]++;
	print_banner("WARNING: bad unlock balance detected!", '-');
	addr_str(ip, false, at, sizeof(at));
	printk(KERN_WARNING "%s/%d is trying to release lock (%s) at:\n%s\n", curr->comm, curr->pid,
	       lock->name ? lock->name : "(unnamed)", at);
	printk(KERN_WARNING "but there are no more locks to release!\n");
	printk(KERN_WARNING "\nother info that might help us debug this:\n");
	print_report_tail(curr);
}

void debug_locks_warn(const char *file, int line, const char *cond)
{
	if (oops_in_progress || !debug_locks_off())
		return;
	lockdep_reports[LOCKDEP_DEBUG_WARN]++;
	printk(KERN_WARNING "DEBUG_LOCKS_WARN_ON(%s)\n", cond);
	__warn(file, line, cond);
}

/* ---- usage: the interrupt rules --------------------------------------------------- */

/* The bit that @bit may not meet: the other direction, the write variant. */
static enum lock_usage_bit exclusive_bit(enum lock_usage_bit bit)
{
	return (bit & ~(LOCK_USAGE_READ_MASK | LOCK_USAGE_DIR_MASK)) |
	       ((bit & LOCK_USAGE_DIR_MASK) ^ LOCK_USAGE_DIR_MASK);
}

/* Record @bit for @this's class; false after a report. */
static bool mark_lock(struct task_struct *curr, struct held_lock *this, enum lock_usage_bit bit)
{
	struct lock_class *c = this->class;
	enum lock_usage_bit excl = exclusive_bit(bit);

	if (c->usage_mask & (1U << bit))
		return true;
	/* A writer meets both variants of the other direction, a reader only the writer. */
	for (int read = 0; read <= !(bit & LOCK_USAGE_READ_MASK); read++) {
		if (c->usage_mask & (1U << (excl | read))) {
			if (debug_locks_off())
				print_usage_bug(curr, this, excl | read, bit);
			return false;
		}
	}
	c->usage_mask |= 1U << bit;
	memcpy(c->usage_traces[bit], this->trace, sizeof(this->trace));
	return true;
}

static bool mark_irqflags(struct task_struct *curr, struct held_lock *hlock)
{
	unsigned int pc = preempt_count();
	int read = hlock->read ? LOCK_USAGE_READ_MASK : 0;

	/* A trylock never waits, so taking it in an interrupt cannot deadlock. */
	if (!hlock->trylock) {
		if (in_irq() && !mark_lock(curr, hlock, LOCK_USED_IN_HARDIRQ + read))
			return false;
		if ((pc & SOFTIRQ_OFFSET) && !mark_lock(curr, hlock, LOCK_USED_IN_SOFTIRQ + read))
			return false;
	}
	if (!hlock->hardirqs_off) {
		if (!mark_lock(curr, hlock, LOCK_ENABLED_HARDIRQ + read))
			return false;
		if (!(pc & SOFTIRQ_MASK) && !mark_lock(curr, hlock, LOCK_ENABLED_SOFTIRQ + read))
			return false;
	}
	return true;
}

/* ---- the dependency graph --------------------------------------------------------- */

/* Breadth-first from @from along the edges: true if @target is reached (path in bfs_parent). */
static bool reachable(struct lock_class *from, struct lock_class *target)
{
	unsigned int head = 0, tail = 0, gen = ++bfs_generation;

	from->bfs_gen = gen;
	from->bfs_parent = -1;
	bfs_queue[tail++] = class_index(from);
	while (head < tail) {
		struct lock_class *c = &lock_classes[bfs_queue[head++]];

		if (c == target)
			return true;
		for (int e = c->after; e >= 0; e = list_entries[e].next) {
			struct lock_class *n = &lock_classes[list_entries[e].to];

			if (n->bfs_gen == gen)
				continue;
			n->bfs_gen = gen;
			n->bfs_parent = e;
			bfs_queue[tail++] = list_entries[e].to;
		}
	}
	return false;
}

/* Add the edge prev -> next unless known; false after a report. */
static bool check_prev_add(struct task_struct *curr, struct held_lock *prev, struct held_lock *next)
{
	struct lock_class *p = prev->class, *n = next->class;
	struct lock_list *e;

	for (int i = p->after; i >= 0; i = list_entries[i].next)
		if (list_entries[i].to == class_index(n))
			return true;
	/* The graph has no cycle yet; this edge makes one iff prev is reachable from next. */
	if (reachable(n, p)) {
		if (debug_locks_off())
			print_circular_bug(curr, prev, next);
		return false;
	}
	if (nr_list_entries == MAX_LOCKDEP_ENTRIES) {
		if (debug_locks_off())
			printk(KERN_ERR "BUG: MAX_LOCKDEP_ENTRIES too low!\n");
		return false;
	}
	e = &list_entries[nr_list_entries];
	e->from = class_index(p);
	e->to = class_index(n);
	e->next = p->after;
	memcpy(e->trace, next->trace, sizeof(e->trace));
	p->after = nr_list_entries++;
	p->nr_after++;
	n->nr_before++;
	return true;
}

/*
 * Edges to @next from the locks held before it in the same context: the
 * last one, and below it every trylock'd one up to the first real lock (a
 * trylock adds no edge of its own from what was held before it).  Readers
 * that may nest get no edges (3.10's read == 2).
 */
static bool check_prevs_add(struct task_struct *curr, struct held_lock *next)
{
	for (int i = (int)curr->lockdep_depth - 1; i >= 0; i--) {
		struct held_lock *prev = &curr->held_locks[i];

		if (prev->irq_context != next->irq_context)
			break; /* an interrupt's locks start a chain of their own */
		if (prev->read == 2)
			continue;
		if (!check_prev_add(curr, prev, next))
			return false;
		if (!prev->trylock)
			break;
	}
	return true;
}

/* Is @next's class held already?  A report unless both are nesting readers. */
static bool check_deadlock(struct task_struct *curr, struct held_lock *next)
{
	for (unsigned int i = 0; i < curr->lockdep_depth; i++) {
		struct held_lock *prev = &curr->held_locks[i];

		if (prev->class != next->class)
			continue;
		if (next->read == 2 && prev->read)
			return true;
		if (debug_locks_off())
			print_deadlock_bug(curr, prev, next);
		return false;
	}
	return true;
}

/* ---- the entry points ------------------------------------------------------------- */

void lockdep_init_map(struct lockdep_map *lock, const char *name, struct lock_class_key *key,
		      int subclass)
{
	lock->name = name;
	lock->key = key;
	lock->class_cache = NULL;
}

/* The class of @lock/@subclass, through the lock's cache for subclass 0. */
static struct lock_class *lock_class_of(struct lockdep_map *lock, unsigned int subclass)
{
	struct lock_class *c;

	if (!subclass && lock->class_cache)
		return lock->class_cache;
	c = register_lock_class(lock, subclass);
	if (c && !subclass)
		lock->class_cache = c;
	return c;
}

static void lockdep_acquire_locked(struct task_struct *curr, struct lockdep_map *lock,
				   unsigned int subclass, int trylock, int read, unsigned long ip,
				   unsigned long fp, bool hardirqs_off)
{
	unsigned int pc = preempt_count(), depth = curr->lockdep_depth;
	struct held_lock *hlock;
	struct lock_class *class;

	if (subclass >= MAX_LOCKDEP_SUBCLASSES) {
		if (debug_locks_off())
			printk(KERN_ERR "BUG: looking up invalid subclass: %u\n", subclass);
		return;
	}
	if (depth >= MAX_LOCK_DEPTH) {
		if (debug_locks_off())
			printk(KERN_ERR "BUG: MAX_LOCK_DEPTH too low!\n");
		return;
	}
	class = lock_class_of(lock, subclass);
	if (!class)
		return; /* never initialised: not tracked (lock_release finds nothing either) */
	class->ops++;
	hlock = &curr->held_locks[depth];
	hlock->instance = lock;
	hlock->class = class;
	hlock->trylock = trylock;
	hlock->read = read;
	hlock->hardirqs_off = hardirqs_off;
	hlock->irq_context = in_irq() ? 1 : (pc & SOFTIRQ_OFFSET) ? 2 : 0;
	save_trace(hlock->trace, ip, fp);
	/*
	 * The checks only while the validator is on; the held stack always, so
	 * that it stays true across a report (which turns the checks off) and
	 * the tests' lockdep_test_reset() (which turns them on again while
	 * other CPUs hold locks).
	 */
	if (debug_locks && mark_irqflags(curr, hlock) && !trylock && check_deadlock(curr, hlock))
		check_prevs_add(curr, hlock);
	curr->lockdep_depth = depth + 1;
}

/*
 * Enter the validator: interrupts off, lockdep_lock held, and the thread
 * marked so that a lock the validator itself takes (printing a report) is
 * not validated.  Returns the thread, or NULL if it is already inside.
 */
static struct task_struct *lockdep_enter(unsigned long *flags)
{
	struct task_struct *curr;

	local_irq_save(*flags);
	curr = lockdep_curr();
	if (curr->lockdep_recursion) {
		local_irq_restore(*flags);
		return NULL;
	}
	curr->lockdep_recursion = 1;
	arch_spin_lock(&lockdep_lock);
	return curr;
}

static void lockdep_exit(struct task_struct *curr, unsigned long flags)
{
	arch_spin_unlock(&lockdep_lock);
	curr->lockdep_recursion = 0;
	local_irq_restore(flags);
}

void lock_acquire(struct lockdep_map *lock, unsigned int subclass, int trylock, int read, int check,
		  struct lockdep_map *nest_lock, unsigned long ip)
{
	unsigned long flags;
	struct task_struct *curr = lockdep_enter(&flags);

	if (!curr)
		return;
	/*
	 * Our return address, not @ip: the lock functions are inline, so it is
	 * the lock call's own site, where a label's address (_THIS_IP_) may be
	 * merged to one place per function by -O2.
	 */
	lockdep_acquire_locked(curr, lock, subclass, trylock, read, _RET_IP_, CALLER_FRAME(),
			       arch_irqs_disabled_flags(flags));
	lockdep_exit(curr, flags);
}

static void lockdep_release_locked(struct task_struct *curr, struct lockdep_map *lock,
				   unsigned long ip)
{
	unsigned int depth = curr->lockdep_depth;

	for (int i = (int)depth - 1; i >= 0; i--) {
		if (curr->held_locks[i].instance != lock)
			continue;
		/* Released out of order is allowed: close the gap. */
		memmove(&curr->held_locks[i], &curr->held_locks[i + 1],
			(depth - 1 - i) * sizeof(struct held_lock));
		curr->lockdep_depth = depth - 1;
		return;
	}
	/* Not held.  A lock never initialised was never pushed: say nothing of it. */
	if (!lock_key(lock))
		return;
	if (debug_locks_off())
		print_unlock_imbalance_bug(curr, lock, ip);
}

void lock_release(struct lockdep_map *lock, int nested, unsigned long ip)
{
	unsigned long flags;
	struct task_struct *curr = lockdep_enter(&flags);

	if (!curr)
		return;
	lockdep_release_locked(curr, lock, _RET_IP_); /* as lock_acquire */
	lockdep_exit(curr, flags);
}

int lock_is_held(struct lockdep_map *lock)
{
	struct task_struct *curr = lockdep_curr();

	for (unsigned int i = 0; i < curr->lockdep_depth; i++)
		if (curr->held_locks[i].instance == lock)
			return 1;
	return 0;
}

void lockdep_test_reset(void)
{
	unsigned long flags;

	local_irq_save(flags);
	arch_spin_lock(&lockdep_lock);
	/* The held stack may be stale after a report stopped the tracking: start it empty. */
	lockdep_curr()->lockdep_depth = 0;
	WRITE_ONCE(debug_locks, 1);
	arch_spin_unlock(&lockdep_lock);
	local_irq_restore(flags);
}

/* ---- lock_stat: who waits for which lock ------------------------------------------ */

/* The class of @lock as current holds it (the held stack knows the subclass). */
static struct lock_class *held_class(struct lockdep_map *lock)
{
	struct task_struct *curr = lockdep_curr();

	for (int i = (int)curr->lockdep_depth - 1; i >= 0; i--)
		if (curr->held_locks[i].instance == lock)
			return curr->held_locks[i].class;
	return lock->class_cache;
}

void lock_contended(struct lockdep_map *lock, unsigned long spins, u64 cycles)
{
	unsigned long flags;
	struct lock_class *c;
	u64 max;

	local_irq_save(flags); /* an interrupt's locks may push on the held stack meanwhile */
	c = held_class(lock);
	local_irq_restore(flags);
	if (!c)
		return;
	__atomic_fetch_add(&c->contentions, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&c->spins, spins, __ATOMIC_RELAXED);
	__atomic_fetch_add(&c->wait_total, cycles, __ATOMIC_RELAXED);
	max = READ_ONCE(c->wait_max);
	while (cycles > max && !__atomic_compare_exchange_n(&c->wait_max, &max, cycles, false,
							    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

unsigned long lock_stat_contentions(struct lockdep_map *lock)
{
	struct lock_class *c = lock->class_cache;

	return c ? READ_ONCE(c->contentions) : 0;
}

static unsigned long cycles_to_us(u64 cycles)
{
	return tsc_khz ? (unsigned long)(cycles * 1000 / tsc_khz) : (unsigned long)cycles;
}

/* Clear every class's counts ("echo 0 > /proc/lock_stat"). */
static void lock_stat_clear(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		struct lock_class *c = &lock_classes[i];

		WRITE_ONCE(c->contentions, 0);
		WRITE_ONCE(c->spins, 0);
		WRITE_ONCE(c->wait_total, 0);
		WRITE_ONCE(c->wait_max, 0);
	}
}

/* The index of the most contended class not yet printed (@done), -1 when none is left. */
static int lock_stat_next(unsigned int n, const u8 *done)
{
	int best = -1;

	for (unsigned int i = 0; i < n; i++) {
		unsigned long con = READ_ONCE(lock_classes[i].contentions);

		if (con && !done[i] && (best < 0 || con > lock_classes[best].contentions))
			best = (int)i;
	}
	return best;
}

/*
 * Monitor `lock_stat [clear]`: the classes that were waited for, most
 * contended first, as 3.10's /proc/lock_stat (CONFIG_LOCK_STAT): how often
 * a lock of the class was found held, how long its waiters spun (loops and
 * microseconds, the longest and the total) and how often it was taken.
 */
static int cmd_lock_stat(int argc, char **argv)
{
	static u8 done[MAX_LOCKDEP_KEYS]; /* the monitor runs one command at a time */
	unsigned int n = READ_ONCE(nr_lock_classes);
	int i, err = monitor_check_args(argc, argv, 0, 1);

	if (err)
		return err;
	if (argc > 1) {
		if (strcmp(argv[1], "clear"))
			return monitor_bad_arg(argv[0], "'%s' is not 'clear'", argv[1]);
		lock_stat_clear(n);
		printk("lock_stat: cleared\n");
		return 0;
	}
	memset(done, 0, sizeof(done));
	printk("%-32s %11s %12s %11s %13s %13s\n", "class name", "contentions", "spins",
	       "waitmax-us", "waittotal-us", "acquisitions");
	while ((i = lock_stat_next(n, done)) >= 0) {
		const struct lock_class *c = &lock_classes[i];
		char name[40];

		done[i] = 1;
		if (c->subclass)
			snprintf(name, sizeof(name), "%s/%u", c->name, c->subclass);
		else
			snprintf(name, sizeof(name), "%s", c->name);
		printk("%-32s %11lu %12lu %11lu %13lu %13lu\n", name, READ_ONCE(c->contentions),
		       READ_ONCE(c->spins), cycles_to_us(READ_ONCE(c->wait_max)),
		       cycles_to_us(READ_ONCE(c->wait_total)), READ_ONCE(c->ops));
	}
	return 0;
}
MONITOR_CMD(lock_stat, "lock_stat [clear]",
	    "lock contention per class, most contended first, as /proc/lock_stat", cmd_lock_stat);

/*
 * Monitor `lockdep`: every class with its dependencies out (FD: classes
 * taken while it was held) and in (BD), its acquisitions and usage, as
 * 3.10's /proc/lockdep.  Classes are only ever added, so reading them
 * without lockdep_lock shows each one whole or not yet; the counts may
 * lag a lock taken meanwhile.
 */
static int cmd_lockdep(int argc, char **argv)
{
	unsigned int n = READ_ONCE(nr_lock_classes);

	printk("lock classes: %u of %u, dependencies: %u of %u, validator %s\n", n,
	       MAX_LOCKDEP_KEYS, READ_ONCE(nr_list_entries), MAX_LOCKDEP_ENTRIES,
	       READ_ONCE(debug_locks) ? "on" : "off (it reported)");
	printk("   FD    BD       OPS  CLASS{hardirq, softirq usage}\n");
	for (unsigned int i = 0; i < n; i++) {
		const struct lock_class *c = &lock_classes[i];
		char cls[96];

		if (!READ_ONCE(c->key))
			continue;
		class_str(c, cls, sizeof(cls));
		printk("%5u %5u %9lu  %s\n", c->nr_after, c->nr_before, c->ops, cls);
	}
	return 0;
}
MONITOR_CMD(lockdep, "lockdep", "the lock validator's classes and dependencies, as /proc/lockdep",
	    cmd_lockdep);

#endif /* CONFIG_LOCKDEP */
