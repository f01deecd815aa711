/*
 * SPDX-License-Identifier: MIT
 * kernel/sched.c - kernel threads and a round-robin scheduler per CPU.
 *
 * State, per CPU (struct rq, a per-CPU variable):
 *   queue      runnable threads waiting for this CPU, in the order they run
 *   curr       the thread running here (never on a queue)
 *   idle       this CPU's idle task: the boot thread on CPU 0, "swapper/N"
 *              on an AP; runs (halts) when nothing else can
 *
 * Locking.  rq->lock, taken with interrupts off, guards the queue, curr,
 * and for a thread whose task->cpu names this CPU: its run_list, its cpu,
 * and a sleeping thread's way back to TASK_RUNNING.  task_rq_lock() finds
 * and locks the queue of a thread that may move meanwhile.  __schedule()
 * holds its CPU's lock from choosing the next thread until the next thread
 * runs, on its own stack, in finish_task_switch(): so whoever takes the
 * lock next sees the switch complete, and a thread is never taken off a
 * queue while its registers are still being saved.  Two run queue locks are
 * held together only when an idle CPU steals from another's queue, and then
 * through spin_trylock(), which cannot deadlock.
 *
 *   CPU 0                                  CPU 1 (idle)
 *   wake_up_process(t): t->cpu = 0
 *     lock rq0, queue t, unlock            tick or IPI: rq0 has a thread
 *                                          that may run here
 *                                          __schedule: trylock rq0,
 *                                          take t (t->cpu = 1), switch
 *
 * A switch happens in three ways:
 *   - a thread sleeps: it sets current->state and calls schedule();
 *   - a thread yields: schedule() with state TASK_RUNNING;
 *   - preemption: the tick sets need_resched at the end of a time slice (a
 *     wake-up or a reschedule IPI does too), and the interrupt return path
 *     (preempt_schedule_irq) or the next preempt_enable() switches, when
 *     preempt_count() is 0.
 *
 * Placement: a new thread goes to the least busy CPU it may run on, a woken
 * one back to the CPU it ran on (if still allowed); an idle CPU steals a
 * queued thread it may run (at its tick, or at once when a wake-up sends it
 * a reschedule IPI).  That is all the balancing there is.
 */
#include <arch/boot.h>
#include <kernel/err.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <mm/paging.h>
#include <mm/slab.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define TIME_SLICE_TICKS 10 /* 10 ms at HZ=1000 */

_Static_assert(offsetof(struct task_struct, rsp) == 0, "switch.S stores rsp at offset 0");
_Static_assert(offsetof(struct task_struct, need_resched) == TASK_NEED_RESCHED_OFFSET,
	       "the inline preempt_enable() reads need_resched there");

struct task_struct *__switch_to(struct task_struct *prev, struct task_struct *next);
extern void kthread_trampoline(void);
extern char boot_stack_bottom[], boot_stack_top[];

struct rq {
	spinlock_t lock;
	struct list_head queue;	   /* runnable, waiting for this CPU */
	unsigned int nr_running;   /* on queue */
	unsigned int nr_movable;   /* on queue and allowed on another CPU too */
	struct task_struct *curr;  /* running here */
	struct task_struct *idle;  /* this CPU's idle task */
	struct task_struct *push;  /* left by __schedule: queue it on a CPU it may run on */
	bool push_preempted;	   /* ... and it was preempted: runnable whatever its state */
	unsigned long nr_switches; /* context switches here */
	unsigned long nr_steals;   /* threads this CPU took from another's queue */
};

static struct task_struct idle_task; /* CPU 0's: the boot thread */
static DEFINE_PER_CPU(struct rq, runqueues);
/* From the first instruction the boot thread is current (3.10's init_task). */
DEFINE_PER_CPU(struct task_struct *, current_task) = &idle_task;
DEFINE_PER_CPU(unsigned int, __preempt_count);

#define cpu_rq(cpu) (&per_cpu(runqueues, (cpu)))
/* This CPU's queue: only with interrupts or preemption off. */
#define this_rq()   __this_cpu_ptr(&runqueues)

unsigned long nr_threads;
/*
 * The CPUs a new thread may run on: CPU 0 while it is the only one, every
 * online CPU from sched_init_smp() on, as 3.10's kthreadd hands its children
 * cpu_all_mask.  (To watch one CPU's order of events, boot -smp 1.)
 */
u64 sched_default_cpus_allowed = 1;

static LIST_HEAD(all_tasks);
static DEFINE_SPINLOCK(tasks_lock); /* all_tasks, nr_threads, next_pid */
static int next_pid = 1;

static u64 cpu_bit(unsigned int cpu)
{
	return 1ULL << cpu;
}

static bool allowed_on(const struct task_struct *t, unsigned int cpu)
{
	return t->cpus_allowed & cpu_bit(cpu);
}

/* Is @t allowed on some CPU other than the one it is queued on? */
static bool movable(const struct task_struct *t)
{
	return t->cpus_allowed & ~cpu_bit(t->cpu);
}

/* Queue @t at the tail of @rq.  Caller holds rq->lock; t->cpu names rq's CPU. */
static void enqueue(struct rq *rq, struct task_struct *t)
{
	if (!list_empty(&t->run_list))
		return;
	list_add_tail(&t->run_list, &rq->queue);
	rq->nr_running++;
	if (movable(t))
		rq->nr_movable++;
}

static void dequeue(struct rq *rq, struct task_struct *t)
{
	list_del_init(&t->run_list);
	rq->nr_running--;
	if (movable(t))
		rq->nr_movable--;
}

/* Lock the queue @t belongs to (t->cpu may change until we hold it).  Interrupts off. */
static struct rq *task_rq_lock(struct task_struct *t)
{
	for (;;) {
		struct rq *rq = cpu_rq(READ_ONCE(t->cpu));

		spin_lock(&rq->lock);
		if (rq == cpu_rq(t->cpu))
			return rq;
		spin_unlock(&rq->lock);
	}
}

/* How busy @cpu is: its queue, and its current thread unless that is idle. */
static unsigned int cpu_load(unsigned int cpu)
{
	struct rq *rq = cpu_rq(cpu);

	return READ_ONCE(rq->nr_running) + (READ_ONCE(rq->curr) != rq->idle);
}

/*
 * The CPU a thread that is not running should be queued on: its own if it
 * may run there, else (or for a new thread, when @spread) the least busy
 * online CPU it may run on.
 */
static unsigned int select_task_rq(struct task_struct *t, bool spread)
{
	unsigned int best = t->cpu, best_load = ~0U;

	if (!spread && allowed_on(t, t->cpu) && cpu_online(t->cpu))
		return t->cpu;
	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++) {
		unsigned int load;

		if (!allowed_on(t, cpu) || !cpu_online(cpu))
			continue;
		load = cpu_load(cpu);
		if (load < best_load) {
			best = cpu;
			best_load = load;
		}
	}
	return best;
}

/* Make @cpu look at its run queue soon: now if it is this CPU, else by IPI. */
static void resched_cpu_locked(struct rq *rq, unsigned int cpu)
{
	set_tsk_need_resched(rq->curr);
	if (cpu != raw_smp_processor_id())
		smp_send_reschedule(cpu);
}

/* An idle online CPU in @mask other than @not, or -1. */
static int find_idle_cpu(u64 mask, unsigned int not )
{
	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++)
		if ((mask & cpu_bit(cpu)) && cpu != not &&cpu_online(cpu) &&
		    READ_ONCE(cpu_rq(cpu)->curr) == cpu_rq(cpu)->idle)
			return cpu;
	return -1;
}

/*
 * The end of activate_task: @rq is t->cpu's queue, locked, and t->cpu the CPU @t is to run
 * on.  Queue @t unless someone got to it meanwhile, make the CPU (or an idle one that may
 * steal it) look; unlock.  Interrupts off.
 */
static void activate_locked(struct rq *rq, struct task_struct *t, bool preempted)
{
	int idle;

	if ((t->state != TASK_RUNNING && !preempted) || t->state == TASK_DEAD || t->abandoned ||
	    t->on_cpu || !list_empty(&t->run_list)) {
		spin_unlock(&rq->lock); /* someone else got to it meanwhile */
		return;
	}
	enqueue(rq, t);
	if (rq->curr == rq->idle)
		resched_cpu_locked(rq, t->cpu);
	else if (movable(t) && (idle = find_idle_cpu(t->cpus_allowed, t->cpu)) >= 0)
		smp_send_reschedule(idle); /* it will steal @t */
	spin_unlock(&rq->lock);
}

/*
 * Queue @t (TASK_RUNNING, or @preempted: runnable whatever its state says;
 * not running, on no queue) on the CPU it should run on, and make that CPU
 * (or an idle one that may steal it) look.  Interrupts off; no run queue
 * lock held.
 */
static void activate_task(struct task_struct *t, bool spread, bool preempted)
{
	struct rq *rq = task_rq_lock(t);

	/*
	 * t->cpu changes under the old queue's lock only; between dropping it
	 * and taking the new one, set_cpus_allowed_ptr may narrow the mask:
	 * look again under the new lock until the CPU is one it may run on.
	 */
	for (;;) {
		unsigned int cpu = select_task_rq(t, spread);

		if (cpu == t->cpu)
			break;
		spin_unlock(&rq->lock);
		WRITE_ONCE(t->cpu, cpu);
		rq = task_rq_lock(t);
		if (allowed_on(t, t->cpu) || !(t->cpus_allowed & cpu_online_bits()))
			break;
	}
	activate_locked(rq, t, preempted);
}

static void free_task(struct task_struct *t)
{
	unsigned long flags;

	spin_lock_irqsave(&tasks_lock, flags);
	list_del(&t->tasks);
	nr_threads--;
	spin_unlock_irqrestore(&tasks_lock, flags);
	kfree(t);
}

void get_task_struct(struct task_struct *t)
{
	__atomic_add_fetch(&t->refcount, 1, __ATOMIC_RELAXED);
}

void put_task_struct(struct task_struct *t)
{
	if (__atomic_sub_fetch(&t->refcount, 1, __ATOMIC_ACQ_REL) == 0)
		free_task(t);
}

/*
 * Runs on the new thread's stack right after a switch, interrupts off,
 * this CPU's rq->lock held (taken by __schedule in the thread we came from):
 * take our preempt count back, let the lock go, then queue elsewhere the
 * thread that may not stay here, or reap the thread we came from if it died
 * (its stack could not be freed while it ran on it).
 */
static void finish_task_switch(struct task_struct *prev)
{
	struct rq *rq = this_rq();
	struct task_struct *push = rq->push;
	bool push_preempted = rq->push_preempted;
	bool dead = prev->state == TASK_DEAD;

	/* rq->curr, not current: the compiler may reuse a `current` read before the switch. */
	this_cpu_write(__preempt_count, rq->curr->saved_preempt_count);
	raw_spin_lock_switch_in(&rq->lock.rlock); /* the lock is ours now (lockdep, owner) */
	rq->push = NULL;
	/* Release: whoever sees on_cpu 0 sees all prev's registers saved. */
	__atomic_store_n(&prev->on_cpu, 0, __ATOMIC_RELEASE);
	spin_unlock(&rq->lock);
	if (push)
		activate_task(push, false, push_preempted);
	if (dead) {
		vmap_stack_free(prev->stack_bottom, prev->stack_top - prev->stack_bottom);
		prev->stack_bottom = prev->stack_top = 0;
		put_task_struct(prev); /* the thread's own reference */
	}
}

/*
 * Take a queued thread that may run on @cpu from another CPU's queue, or
 * NULL.  Only trylocks: we hold our own queue's lock.
 */
static struct task_struct *steal_task(struct rq *this, unsigned int cpu)
{
	for (unsigned int i = 1; i < nr_cpu_ids; i++) {
		unsigned int victim = (cpu + i) % nr_cpu_ids;
		struct rq *rq = cpu_rq(victim);
		struct task_struct *t;

		if (!READ_ONCE(rq->nr_movable) || !spin_trylock(&rq->lock))
			continue;
		list_for_each_entry(t, &rq->queue, run_list) {
			if (!allowed_on(t, cpu))
				continue;
			dequeue(rq, t);
			WRITE_ONCE(t->cpu, cpu);
			spin_unlock(&rq->lock);
			this->nr_steals++;
			return t;
		}
		spin_unlock(&rq->lock);
	}
	return NULL;
}

/* The next thread for @cpu: its queue's first that may run here, a stolen one, or idle. */
static struct task_struct *pick_next(struct rq *rq, unsigned int cpu)
{
	struct task_struct *t;

	/* 3.10 picks by CFS vruntime; we the queue's head, round robin: docs/linux-3.10.md */
	list_for_each_entry(t, &rq->queue, run_list) {
		if (allowed_on(t, cpu)) {
			dequeue(rq, t);
			return t;
		}
	}
	t = nr_cpu_ids > 1 ? steal_task(rq, cpu) : NULL;
	return t ? t : rq->idle;
}

/*
 * The core: pick the next thread and switch to it.  Interrupts are off.
 * A preempted thread (@preempt) stays runnable whatever its state says: it
 * may have been caught between setting TASK_UNINTERRUPTIBLE and checking its
 * wait condition, and must get to finish that check (Linux's PREEMPT_ACTIVE).
 */
static void __schedule(bool preempt)
{
	struct task_struct *prev = current, *next, *last;
	unsigned int cpu = raw_smp_processor_id();
	struct rq *rq = this_rq();

	spin_lock(&rq->lock);
	clear_tsk_need_resched(prev);
	if (prev != rq->idle && !prev->abandoned && prev->state != TASK_DEAD &&
	    (preempt || prev->state == TASK_RUNNING)) {
		/* Its state may say asleep (@preempt): it stays runnable all the same. */
		if (allowed_on(prev, cpu)) {
			enqueue(rq, prev);
		} else { /* finish_task_switch queues it where it may run */
			rq->push = prev;
			rq->push_preempted = preempt;
		}
	}
	next = pick_next(rq, cpu);
	next->slice = TIME_SLICE_TICKS;
	if (next == prev) {
		spin_unlock(&rq->lock);
		return;
	}
	rq->nr_switches++;
	rq->curr = next;
	next->on_cpu = 1;
	next->cpu = cpu;
	prev->saved_preempt_count = preempt_count();
	raw_spin_lock_switch_out(&rq->lock.rlock); /* next releases it */
	perf_sched_switch(); /* prev's innermost layer stops here: it does not sleep in it */
	this_cpu_write(current_task, next);
	last = __switch_to(prev, next);
	finish_task_switch(last);
}

void schedule(void)
{
	unsigned long flags;

	schedule_debug(current); /* "BUG: scheduling while atomic", with the locks held */
	local_irq_save(flags);
	__schedule(false);
	local_irq_restore(flags);
}

void yield(void)
{
	schedule();
}

/*
 * The end of a preempt-off section (preempt_enable, spin_unlock...) found a
 * switch pending.  It is a preemption, not a sleep: the thread may be half
 * way into going to sleep (prepare_to_wait set its state and is releasing
 * the queue's lock), and must stay runnable to finish checking its wait
 * condition, so __schedule(true), as from an interrupt.
 */
void preempt_schedule(void)
{
	unsigned long flags;

	if (!need_resched() || preempt_count() != 0 || irqs_disabled())
		return;
	local_irq_save(flags);
	__schedule(true);
	local_irq_restore(flags);
}

void preempt_schedule_irq(void)
{
	/* Interrupts are off here: we are on the way out of an interrupt. */
	if (this_cpu_read(current_task) && need_resched() && preempt_count() == 0)
		__schedule(true);
}

/* 3.10's try_to_wake_up: wake @t if its state is one of @state (checked under its queue's lock). */
static bool try_to_wake_up(struct task_struct *t, long state)
{
	unsigned long flags;
	bool woke = false, queue = false;
	struct rq *rq;

	local_irq_save(flags);
	rq = task_rq_lock(t);
	if ((t->state & state) && !t->abandoned) {
		t->state = TASK_RUNNING;
		/* Running (between setting its state and schedule()): it simply goes on. */
		queue = !t->on_cpu && list_empty(&t->run_list);
		woke = true;
	}
	if (queue && !t->sched_new && select_task_rq(t, false) == t->cpu) {
		/* The usual case, back on the queue it left: under the lock held (ttwu_queue). */
		activate_locked(rq, t, false);
	} else {
		spin_unlock(&rq->lock);
		if (queue) {
			bool spread = t->sched_new;

			t->sched_new = false;
			activate_task(t, spread, false);
		}
	}
	local_irq_restore(flags);
	return woke;
}

bool wake_up_process(struct task_struct *t)
{
	return try_to_wake_up(t, TASK_NORMAL);
}

bool wake_up_state(struct task_struct *t, long state)
{
	return try_to_wake_up(t, state);
}

void kthread_bind(struct task_struct *t, unsigned int cpu)
{
	if (WARN_ON(cpu >= nr_cpu_ids || !cpu_online(cpu) || t->on_cpu ||
		    !list_empty(&t->run_list)))
		return;
	t->cpus_allowed = cpu_bit(cpu);
	t->cpu = cpu;
}

int set_cpus_allowed_ptr(struct task_struct *t, const u64 *mask)
{
	unsigned long flags;
	bool requeue = false;
	struct rq *rq;
	unsigned int cpu;

	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		if ((*mask & cpu_bit(cpu)) && cpu_online(cpu))
			break;
	if (cpu == nr_cpu_ids)
		return -EINVAL;
	local_irq_save(flags);
	rq = task_rq_lock(t);
	if (!list_empty(&t->run_list)) {
		dequeue(rq, t);
		requeue = true;
	}
	t->cpus_allowed = *mask;
	if (requeue && allowed_on(t, t->cpu))
		enqueue(rq, t), requeue = false;
	else if (t->on_cpu && !allowed_on(t, t->cpu))
		resched_cpu_locked(rq, t->cpu); /* __schedule pushes it where it may run */
	spin_unlock(&rq->lock);
	if (requeue)
		activate_task(t, false, false);
	local_irq_restore(flags);
	if (t == current && !allowed_on(t, raw_smp_processor_id()))
		schedule(); /* move now (state TASK_RUNNING: a yield) */
	return 0;
}

void scheduler_tick(void)
{
	struct task_struct *t = current;
	struct rq *rq = this_rq();

	if (!t)
		return;
	t->runtime_ticks++;
	spin_lock(&rq->lock);
	if (t == rq->idle) {
		bool work = rq->nr_running;

		/* Something this CPU may steal?  (A racy look: the steal itself checks.) */
		for (unsigned int cpu = 0; !work && cpu < nr_cpu_ids; cpu++)
			work = READ_ONCE(cpu_rq(cpu)->nr_movable) != 0;
		if (work)
			set_tsk_need_resched(t);
	} else {
		if (t->slice)
			t->slice--;
		/* Slice used up: switch as soon as someone else wants the CPU. */
		if (!t->slice && rq->nr_running)
			set_tsk_need_resched(t);
	}
	spin_unlock(&rq->lock);
}

/* First C code of a new thread (kthread_trampoline calls it). */
__noreturn void kthread_entry(struct task_struct *prev)
{
	finish_task_switch(prev);
	local_irq_enable();
	kthread_exit(current->threadfn(current->data));
}

/*
 * Build the stack a new thread's first __switch_to pops: six zero registers,
 * then the trampoline.
 */
static void prepare_stack(struct task_struct *t)
{
	unsigned long *sp = (unsigned long *)t->stack_top;

	/*
	 * __switch_to's ret pops this, leaving rsp == stack_top (16-aligned),
	 * so the trampoline's call enters kthread_entry with rsp 16n+8, as the
	 * ABI requires (gcc uses aligned SSE stores to the stack).
	 */
	*--sp = (unsigned long)kthread_trampoline;
	for (int i = 0; i < 6; i++)
		*--sp = 0; /* rbp rbx r12 r13 r14 r15 */
	t->rsp = (unsigned long)sp;
}

/* A task struct's common fields; @t is zeroed.  On the task list with a pid when @pid. */
static void task_init(struct task_struct *t, bool pid)
{
	unsigned long flags;

	t->refcount = 1; /* the thread's own, dropped when it is reaped */
	init_completion(&t->exited);
	INIT_LIST_HEAD(&t->run_list);
	spin_lock_irqsave(&tasks_lock, flags);
	if (pid)
		t->pid = next_pid++;
	list_add_tail(&t->tasks, &all_tasks);
	nr_threads++;
	spin_unlock_irqrestore(&tasks_lock, flags);
}

struct task_struct *kthread_create(int (*threadfn)(void *data), void *data, const char *namefmt,
				   ...)
{
	struct task_struct *t;
	va_list ap;

	might_sleep();
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return ERR_PTR(-ENOMEM);
	t->stack_bottom = vmap_stack_alloc(THREAD_STACK_SIZE, GFP_KERNEL);
	if (!t->stack_bottom) {
		kfree(t);
		return ERR_PTR(-ENOMEM);
	}
	t->stack_top = t->stack_bottom + THREAD_STACK_SIZE;
	va_start(ap, namefmt);
	vsnprintf(t->comm, sizeof(t->comm), namefmt, ap);
	va_end(ap);
	t->threadfn = threadfn;
	t->data = data;
	t->state = TASK_UNINTERRUPTIBLE; /* until wake_up_process */
	t->cpus_allowed = READ_ONCE(sched_default_cpus_allowed);
	t->cpu = raw_smp_processor_id();
	t->saved_preempt_count = PREEMPT_OFFSET; /* the run queue lock finish_task_switch drops */
	t->sched_new = true;
	prepare_stack(t);
	task_init(t, true);
	return t;
}

void kthread_exit(int code)
{
	struct task_struct *t = current;

	BUG_ON(t == this_rq()->idle);
	local_irq_disable();
	t->exit_code = code;
	complete_all(&t->exited); /* wakes joiners; they run after we switch away */
	t->state = TASK_DEAD;
	__schedule(false);
	panic("a dead thread (%s) was scheduled again", t->comm);
}

void kthread_fault_exit(const struct fault_info *fi)
{
	struct task_struct *t = current;

	t->fault = *fi;
	t->faulted = true;
	/*
	 * The x87/SSE control state is not switched with threads (entry.S
	 * saves it around interrupts only): a thread that died of, say, an
	 * unmasked SIMD exception must not pass its MXCSR on.  Reset both.
	 */
	{
		u32 mxcsr = 0x1f80; /* the power-on default: all exceptions masked */

		__asm__ __volatile__("fninit; ldmxcsr %0" : : "m"(mxcsr));
	}
	/*
	 * The thread may have died holding a spinlock or inside
	 * preempt_disable(): its part of the count dies with it.  (A lock it
	 * held stays held: Linux behaves the same after an oops.)
	 */
	this_cpu_write(__preempt_count, 0);
	kthread_exit(-EFAULT);
}

int kthread_join(struct task_struct *t, long timeout)
{
	if (timeout == MAX_SCHEDULE_TIMEOUT) {
		wait_for_completion(&t->exited);
		return t->exit_code;
	}
	if (!wait_for_completion_timeout(&t->exited, timeout))
		return -ETIMEDOUT;
	return t->exit_code;
}

void kthread_abandon(struct task_struct *t)
{
	unsigned long flags;
	struct rq *rq;

	local_irq_save(flags);
	rq = task_rq_lock(t);
	t->abandoned = true; /* wake_up_process ignores it from now on */
	if (!list_empty(&t->run_list))
		dequeue(rq, t);
	spin_unlock(&rq->lock);
	local_irq_restore(flags);
	printk(KERN_WARNING "sched: abandoned thread %s/%d; its stack and struct are leaked\n",
	       t->comm, t->pid);
}

struct sleeper {
	struct timer_list timer;
	struct task_struct *task;
};

static void process_timeout(struct timer_list *timer)
{
	wake_up_process(container_of(timer, struct sleeper, timer)->task);
}

long schedule_timeout(long timeout)
{
	struct sleeper s = { .task = current };
	unsigned long expire;
	long left;

	if (timeout == MAX_SCHEDULE_TIMEOUT) {
		schedule();
		return timeout;
	}
	if (timeout < 0) {
		WARN_ON_ONCE(1);
		current->state = TASK_RUNNING;
		return 0;
	}
	expire = jiffies + timeout;
	timer_setup(&s.timer, process_timeout, 0);
	mod_timer(&s.timer, expire);
	schedule();
	del_timer_sync(&s.timer); /* the callback may run on another CPU: s is on our stack */
	left = (long)(expire - jiffies);
	return left < 0 ? 0 : left;
}

/* Make @t the idle task of @cpu (running there, never queued). */
static void idle_init(struct task_struct *t, unsigned int cpu)
{
	struct rq *rq = cpu_rq(cpu);

	t->state = TASK_RUNNING;
	t->cpu = cpu;
	t->cpus_allowed = cpu_bit(cpu);
	t->on_cpu = 1;
	spin_lock_init(&rq->lock);
	INIT_LIST_HEAD(&rq->queue);
	rq->idle = rq->curr = t;
	per_cpu(current_task, cpu) = t;
}

void sched_init(void)
{
	idle_task.pid = 0;
	strcpy(idle_task.comm, "swapper/0");
	idle_task.stack_bottom = (unsigned long)boot_stack_bottom;
	idle_task.stack_top = (unsigned long)boot_stack_top;
	task_init(&idle_task, false);
	idle_init(&idle_task, 0);
}

void sched_init_smp(void)
{
	u64 all = cpu_online_bits();

	WRITE_ONCE(sched_default_cpus_allowed, all);
	/* init (current) was made while CPU 0 ran alone: it may go anywhere too, as in 3.10. */
	set_cpus_allowed_ptr(current, &all);
	if (num_online_cpus() > 1)
		pr_info("sched: new threads run on every CPU (%u)\n", num_online_cpus());
}

int sched_init_ap(unsigned int cpu, unsigned long stack_bottom, unsigned long stack_top)
{
	struct task_struct *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return -ENOMEM;
	snprintf(t->comm, sizeof(t->comm), "swapper/%u", cpu);
	t->stack_bottom = stack_bottom;
	t->stack_top = stack_top;
	task_init(t, false);
	idle_init(t, cpu);
	return 0;
}

void cpu_idle_loop(void)
{
	for (;;) {
		local_irq_disable();
		if (need_resched()) {
			local_irq_enable();
			schedule();
		} else {
			safe_halt(); /* sti; hlt: the wake-up interrupt cannot slip in between */
		}
	}
}

static const char *state_name(long s)
{
	switch (s) {
	case TASK_RUNNING:
		return "R";
	case TASK_INTERRUPTIBLE:
		return "S";
	case TASK_UNINTERRUPTIBLE:
		return "D";
	case TASK_DEAD:
		return "X";
	}
	return "?";
}

void show_tasks(void)
{
	struct task_struct *t;
	unsigned long flags;

	printk("  PID STATE CPU  TICKS NAME\n");
	spin_lock_irqsave(&tasks_lock, flags);
	list_for_each_entry(t, &all_tasks, tasks)
		printk("%5d %-5s %3u %6lu %s%s%s\n", t->pid, state_name(t->state), t->cpu,
		       (unsigned long)t->runtime_ticks, t->comm, t == current ? " (current)" : "",
		       t->abandoned ? " (abandoned)" : "");
	spin_unlock_irqrestore(&tasks_lock, flags);
}

bool task_pid_exists(int pid)
{
	struct task_struct *t;
	unsigned long flags;
	bool found = false;

	spin_lock_irqsave(&tasks_lock, flags);
	list_for_each_entry(t, &all_tasks, tasks) {
		if (t->pid == pid) {
			found = true;
			break;
		}
	}
	spin_unlock_irqrestore(&tasks_lock, flags);
	return found;
}

void sched_show_cpus(void)
{
	printk("CPU  QUEUED  SWITCHES  STEALS  CURRENT\n");
	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++) {
		struct rq *rq = cpu_rq(cpu);
		struct task_struct *curr;

		if (!cpu_online(cpu))
			continue;
		curr = READ_ONCE(rq->curr);
		printk("%3u %7u %9lu %7lu  %s\n", cpu, READ_ONCE(rq->nr_running),
		       READ_ONCE(rq->nr_switches), READ_ONCE(rq->nr_steals),
		       curr ? curr->comm : "-");
	}
}
