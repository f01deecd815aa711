/*
 * SPDX-License-Identifier: MIT
 * kernel/spinlock.c - the spinlock debug checks (3.10's CONFIG_DEBUG_SPINLOCK,
 * lib/spinlock_debug.c), built with the validator (LOCKDEP=y); and, always,
 * the boot-time choice of virt_spin_lock (include/kernel/spinlock.h).
 *
 * The ticket lock itself is in kernel/ticket_spinlock.c.  Here each lock
 * also records its holder (owner, owner_cpu), so that
 *
 *   taking a lock this thread, or this CPU, holds      "recursion", "cpu recursion"
 *   releasing a free lock, another's, another CPU's    "already unlocked",
 *                                                      "wrong owner", "wrong CPU"
 *   spinning for more than a second                    "lockup suspected"
 *
 * and every wait (the first trylock failed) is counted for the lock's class,
 * with its spin loops and cycles: lock contention, monitor `lock_stat`.
 *
 * print "BUG: spinlock <what> on CPU#n, comm/pid", the lock and its holder,
 * and a backtrace.  As in 3.10, the first report turns the validator off
 * (debug_locks_off()) and later ones are silent, except the lockup report,
 * which a second CPU needs to see; then the lock goes on as asked (a
 * recursion then spins for ever, which is what it is).
 */
#include <arch/x86.h>
#include <kernel/cmdline.h>
#include <kernel/init.h>
#include <kernel/lockdep.h>
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>

#ifdef CONFIG_LOCKDEP

/* Spin this long (TSC cycles: one second) before "lockup suspected"; 2^32 before tsc_khz. */
static u64 lockup_cycles(void)
{
	return tsc_khz ? tsc_khz * 1000 : 1ULL << 32;
}

void __raw_spin_lock_init(raw_spinlock_t *lock, const char *name, struct lock_class_key *key)
{
	lockdep_init_map(&lock->dep_map, name, key, 0);
	lock->raw_lock = (arch_spinlock_t)__ARCH_SPIN_LOCK_UNLOCKED;
	lock->owner = NULL;
	lock->owner_cpu = -1;
}

/* The report: what, where, the lock, its holder; then the backtrace. */
static void spin_dump(raw_spinlock_t *lock, const char *msg)
{
	struct task_struct *owner = lock->owner;

	printk(KERN_EMERG "BUG: spinlock %s on CPU#%u, %s/%d\n", msg, raw_smp_processor_id(),
	       current ? current->comm : "boot", current ? current->pid : 0);
	printk(KERN_EMERG " lock: %s (%p), .owner: %s/%d, .owner_cpu: %d\n",
	       lock->dep_map.name ? lock->dep_map.name : "(unnamed)", (void *)lock,
	       owner ? owner->comm : "<none>", owner ? owner->pid : -1, lock->owner_cpu);
	dump_stack();
}

static void spin_bug(raw_spinlock_t *lock, const char *msg)
{
	if (!debug_locks_off())
		return;
	lockdep_reports[LOCKDEP_DEBUG_WARN]++;
	spin_dump(lock, msg);
}

#define SPIN_BUG_ON(cond, lock, msg)         \
	do {                                 \
		if (unlikely(cond))          \
			spin_bug(lock, msg); \
	} while (0)

/* Interrupts or preemption are off (spin_lock did that): the CPU number is stable. */
static void debug_spin_lock_before(raw_spinlock_t *lock)
{
	bool held = arch_spin_is_locked(&lock->raw_lock);

	SPIN_BUG_ON(held && lock->owner == current && current, lock, "recursion");
	SPIN_BUG_ON(held && lock->owner && lock->owner_cpu == (int)raw_smp_processor_id(), lock,
		    "cpu recursion");
}

static void debug_spin_lock_after(raw_spinlock_t *lock)
{
	lock->owner_cpu = raw_smp_processor_id();
	lock->owner = current;
}

static void debug_spin_unlock(raw_spinlock_t *lock)
{
	SPIN_BUG_ON(!arch_spin_is_locked(&lock->raw_lock), lock, "already unlocked");
	SPIN_BUG_ON(lock->owner != current, lock, "wrong owner");
	SPIN_BUG_ON(lock->owner_cpu != (int)raw_smp_processor_id(), lock, "wrong CPU");
	lock->owner = NULL;
	lock->owner_cpu = -1;
}

/*
 * Spin with trylock for a second, then say so and wait for real (in ticket
 * order).  The wait, its loops and its cycles, goes to the class's lock_stat.
 */
static void __spin_lock_debug(raw_spinlock_t *lock)
{
	u64 start = rdtsc(), limit = lockup_cycles();
	unsigned long spins = 0;

	while (rdtsc() - start < limit) {
		if (arch_spin_trylock(&lock->raw_lock))
			goto out;
		cpu_relax();
		spins++;
	}
	spin_dump(lock, "lockup suspected");
	arch_spin_lock(&lock->raw_lock);
out:
	lock_contended(&lock->dep_map, spins, rdtsc() - start);
}

void do_raw_spin_lock(raw_spinlock_t *lock)
{
	debug_spin_lock_before(lock);
	if (unlikely(!arch_spin_trylock(&lock->raw_lock)))
		__spin_lock_debug(lock);
	debug_spin_lock_after(lock);
}

bool do_raw_spin_trylock(raw_spinlock_t *lock)
{
	bool ret = arch_spin_trylock(&lock->raw_lock);

	if (ret)
		debug_spin_lock_after(lock);
	return ret;
}

void do_raw_spin_unlock(raw_spinlock_t *lock)
{
	debug_spin_unlock(lock);
	arch_spin_unlock(&lock->raw_lock);
}

void raw_spin_lock_switch_out(raw_spinlock_t *lock)
{
	spin_release(&lock->dep_map, 1, _RET_IP_);
}

void raw_spin_lock_switch_in(raw_spinlock_t *lock)
{
	lock->owner = current; /* 3.10: "a valid case when another task releases the spinlock" */
	spin_acquire(&lock->dep_map, 0, 0, _RET_IP_);
}

#endif /* CONFIG_LOCKDEP */

/* Waiters spin with trylock rather than take tickets (include/kernel/spinlock.h). */
bool virt_spin_lock_enabled;

static bool nopvspin;
cmdline_param_bool(nopvspin, &nopvspin,
		   "keep the fair ticket spinlock under a hypervisor (no virt_spin_lock)");

/*
 * Under a hypervisor (CPUID.01H:ECX bit 31, which QEMU and KVM set), and
 * unless nopvspin: the trylock spin.  The APs are up already; a lock taken
 * either way is freed the same way, so switching now is safe.
 */
static int virt_spin_lock_init(void)
{
	u32 a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	WRITE_ONCE(virt_spin_lock_enabled, (c & (1U << 31)) && !nopvspin);
	return 0;
}
early_initcall(virt_spin_lock_init);

bool print_lock_irqsave(struct print_lock *l, unsigned long *flags)
{
	int cpu;

	local_irq_save(*flags);
	cpu = (int)raw_smp_processor_id();
	if (READ_ONCE(l->cpu) == cpu)
		return false;
	if (oops_in_progress) {
		for (int n = 0; !arch_spin_trylock(&l->lock); n++)
			if (n > 1000000)
				return false;
	} else {
		arch_spin_lock(&l->lock);
	}
	WRITE_ONCE(l->cpu, cpu);
	return true;
}

void print_unlock_irqrestore(struct print_lock *l, bool locked, unsigned long flags)
{
	if (locked) {
		WRITE_ONCE(l->cpu, -1);
		arch_spin_unlock(&l->lock);
	}
	local_irq_restore(flags);
}
