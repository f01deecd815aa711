/*
 * SPDX-License-Identifier: MIT
 * kernel/sched.c - kernel threads and a round-robin scheduler.
 *
 * State:
 *   runqueue      runnable threads, in the order they will run
 *   current_task  the running thread (never on the runqueue)
 *   idle_task     the boot thread; runs (halts) when nothing else can
 *
 * Everything here runs with interrupts off while it touches the runqueue
 * or a task's state: one CPU, so that is the whole locking story.
 *
 * A switch happens in three ways:
 *   - a thread sleeps: it sets current->state and calls schedule();
 *   - a thread yields: schedule() with state TASK_RUNNING;
 *   - preemption: the timer tick sets need_resched at the end of a time
 *     slice, and the interrupt return path (preempt_schedule_irq) or the
 *     next preempt_enable() switches, when preempt_count() is 0.
 */
#include <arch/boot.h>
#include <kernel/err.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <mm/paging.h>
#include <mm/slab.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define TIME_SLICE_TICKS 10 /* 10 ms at HZ=1000 */

_Static_assert(offsetof(struct task_struct, rsp) == 0, "switch.S stores rsp at offset 0");

struct task_struct *__switch_to(struct task_struct *prev, struct task_struct *next);
extern void kthread_trampoline(void);
extern char boot_stack_bottom[], boot_stack_top[];

struct task_struct *current_task;
unsigned long nr_threads;
volatile bool need_resched;
unsigned int __preempt_count;

static struct task_struct idle_task;
static LIST_HEAD(runqueue);
static LIST_HEAD(all_tasks);
static int next_pid = 1;

/* Queue @t at the tail unless it is queued already (an empty run_list means not queued). */
static void enqueue(struct task_struct *t)
{
	if (list_empty(&t->run_list))
		list_add_tail(&t->run_list, &runqueue);
}

/* 3.10 picks by CFS vruntime; we the runqueue's head, round robin: docs/linux-3.10.md */
static struct task_struct *pick_next(void)
{
	struct task_struct *t;

	if (list_empty(&runqueue))
		return &idle_task;
	t = list_first_entry(&runqueue, struct task_struct, run_list);
	list_del_init(&t->run_list);
	return t;
}

static void free_task(struct task_struct *t)
{
	unsigned long flags;

	local_irq_save(flags);
	list_del(&t->tasks);
	nr_threads--;
	local_irq_restore(flags);
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
 * Runs on the new thread's stack right after a switch: reap the thread we
 * came from if it died (its stack could not be freed while it ran on it).
 */
static void finish_task_switch(struct task_struct *prev)
{
	if (prev->state == TASK_DEAD) {
		vmap_stack_free(prev->stack_bottom, prev->stack_top - prev->stack_bottom);
		prev->stack_bottom = prev->stack_top = 0;
		put_task_struct(prev); /* the thread's own reference */
	}
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

	if (prev != &idle_task && !prev->abandoned && prev->state != TASK_DEAD &&
	    (preempt || prev->state == TASK_RUNNING))
		enqueue(prev);
	next = pick_next();
	need_resched = false;
	next->slice = TIME_SLICE_TICKS;
	if (next == prev)
		return;
	current_task = next;
	last = __switch_to(prev, next);
	finish_task_switch(last);
}

void schedule(void)
{
	unsigned long flags;

	if (unlikely(in_atomic())) {
		printk(KERN_ERR "BUG: scheduling while atomic: %s/%d/0x%08x\n", current->comm,
		       current->pid, preempt_count());
		dump_stack();
	}
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

	if (!need_resched || preempt_count() != 0 || irqs_disabled())
		return;
	local_irq_save(flags);
	__schedule(true);
	local_irq_restore(flags);
}

void preempt_enable(void)
{
	preempt_count_sub(PREEMPT_OFFSET);
	preempt_schedule();
}

void preempt_schedule_irq(void)
{
	/* Interrupts are off here: we are on the way out of an interrupt. */
	if (need_resched && preempt_count() == 0 && current)
		__schedule(true);
}

bool wake_up_process(struct task_struct *t)
{
	unsigned long flags;
	bool woke = false;

	local_irq_save(flags);
	if (t->state != TASK_RUNNING && t->state != TASK_DEAD && !t->abandoned) {
		t->state = TASK_RUNNING;
		if (t != current)
			enqueue(t);
		if (current == &idle_task)
			need_resched = true;
		woke = true;
	}
	local_irq_restore(flags);
	return woke;
}

void scheduler_tick(void)
{
	struct task_struct *t = current;

	if (!t)
		return;
	t->runtime_ticks++;
	if (t == &idle_task) {
		if (!list_empty(&runqueue))
			need_resched = true;
		return;
	}
	if (t->slice)
		t->slice--;
	/* Slice used up: switch as soon as someone else wants the CPU. */
	if (!t->slice && !list_empty(&runqueue))
		need_resched = true;
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

struct task_struct *kthread_create(int (*threadfn)(void *data), void *data, const char *namefmt,
				   ...)
{
	struct task_struct *t;
	unsigned long flags;
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
	t->refcount = 1;		 /* the thread's own, dropped when it is reaped */
	init_completion(&t->exited);
	INIT_LIST_HEAD(&t->run_list);
	prepare_stack(t);

	local_irq_save(flags);
	t->pid = next_pid++;
	list_add_tail(&t->tasks, &all_tasks);
	nr_threads++;
	local_irq_restore(flags);
	return t;
}

void kthread_exit(int code)
{
	struct task_struct *t = current;

	BUG_ON(t == &idle_task);
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
	__preempt_count = 0;
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

	local_irq_save(flags);
	t->abandoned = true; /* wake_up_process ignores it from now on */
	if (!list_empty(&t->run_list))
		list_del_init(&t->run_list);
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
	del_timer(&s.timer);
	left = (long)(expire - jiffies);
	return left < 0 ? 0 : left;
}

void sched_init(void)
{
	idle_task.pid = 0;
	idle_task.refcount = 1;
	idle_task.state = TASK_RUNNING;
	strcpy(idle_task.comm, "swapper");
	idle_task.stack_bottom = (unsigned long)boot_stack_bottom;
	idle_task.stack_top = (unsigned long)boot_stack_top;
	INIT_LIST_HEAD(&idle_task.run_list);
	init_completion(&idle_task.exited);
	list_add_tail(&idle_task.tasks, &all_tasks);
	nr_threads = 1;
	current_task = &idle_task;
}

void cpu_idle_loop(void)
{
	for (;;) {
		local_irq_disable();
		if (!list_empty(&runqueue)) {
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

	printk("  PID STATE  TICKS NAME\n");
	local_irq_save(flags);
	list_for_each_entry(t, &all_tasks, tasks)
		printk("%5d %-5s %6lu %s%s%s\n", t->pid, state_name(t->state),
		       (unsigned long)t->runtime_ticks, t->comm, t == current ? " (current)" : "",
		       t->abandoned ? " (abandoned)" : "");
	local_irq_restore(flags);
}
