/*
 * SPDX-License-Identifier: MIT
 * kernel/sched.h - kernel threads and the scheduler.
 *
 * Every thread of control is a struct task_struct with its own 16 KiB stack
 * in the vmap area, an unmapped guard page below it:
 *
 *        higher addresses
 *   +--------------------+ <- stack_top
 *   |  stack (4 pages)   |    grows down
 *   +--------------------+ <- stack_bottom
 *   |  guard page        |    unmapped: overflow faults (#PF -> #DF)
 *   +--------------------+
 *
 * Each CPU has a run queue and schedules round-robin over it.  A thread
 * gives up its CPU by sleeping (wait queues, completions, msleep) or
 * schedule(); the timer also preempts a thread that has run for a whole
 * time slice, unless it is in atomic context (preempt_count() != 0).  When
 * nothing is runnable a CPU's idle task (on CPU 0 the boot thread) takes
 * a thread it may run from another CPU's queue, or halts until the next
 * interrupt.  A thread runs on the CPUs of its cpus_allowed mask
 * (kthread_bind, set_cpus_allowed_ptr); kernel/sched.c tells the locking.
 *
 * Life of a thread:
 *   t = kthread_create(fn, arg, "name")    created, not yet runnable
 *   wake_up_process(t)                     on the run queue
 *   ... fn(arg) returns n, or calls kthread_exit(n) ...
 *   the thread is dead; its stack is freed after the switch away from it
 *   (finish_task_switch), the struct when the last reference is dropped.
 *
 * kthread_run() = create + wake.  A creator that wants to wait for the end
 * holds a reference: get_task_struct(t) before waking it, kthread_join(t, ...),
 * then put_task_struct(t).
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <arch/traps.h>
#include <kernel/completion.h>
#include <kernel/list.h>
#include <kernel/lockdep.h>
#include <kernel/percpu.h>
#include <kernel/perf.h>
#include <kernel/types.h>

enum task_state {
	TASK_RUNNING = 0,	/* on the run queue, or running */
	TASK_INTERRUPTIBLE = 1, /* asleep; wake_up*() makes it runnable */
	TASK_UNINTERRUPTIBLE = 2,
	TASK_DEAD = 64, /* exited; waiting to be reaped */
};
#define TASK_NORMAL (TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE) /* what wake_up_process wakes */

#define TASK_COMM_LEN 16

struct printk_capture;

struct task_struct {
	unsigned long rsp; /* saved stack pointer; switch.S uses offset 0 */
	/* 3.10 has TIF_NEED_RESCHED in thread_info; we a field: docs/linux-3.10.md */
	/* At TASK_NEED_RESCHED_OFFSET: the inline preempt_enable() reads it there. */
	volatile bool need_resched; /* switch away at the next chance */
	volatile long state;	    /* enum task_state */
	int pid;
	int refcount;		    /* references to this struct */
	char comm[TASK_COMM_LEN];   /* name, as Linux's comm */
	struct list_head run_list;  /* on the run queue while runnable */
	struct list_head tasks;	    /* on the list of all tasks */
	unsigned long stack_bottom; /* lowest stack address (guard page below) */
	unsigned long stack_top;
	int (*threadfn)(void *);
	void *data;
	int exit_code;
	struct completion exited;	       /* completed when the thread has exited */
	bool faulted;			       /* died of a CPU exception */
	struct fault_info fault;	       /* what it died of, when faulted */
	bool abandoned;			       /* a hung thread the harness gave up on */
	bool console_force;		       /* printk shows all it prints (the monitor) */
	struct printk_capture *printk_capture; /* printk goes there (kernel/printk.c), or NULL */
	bool sigpending;    /* Ctrl-C reached it (signal_pending); kernel/signal.c */
	u64 runtime_ticks;  /* timer ticks spent running */
	unsigned int slice; /* ticks left in this time slice */
	int on_cpu;	    /* running, or being switched away from */
	unsigned int cpu;   /* the CPU whose run queue it is on, or last ran on */
	/* 3.10 has a struct cpumask; we one u64 (NR_CPUS 64): docs/linux-3.10.md */
	u64 cpus_allowed;		  /* bit n: may run on CPU n */
	unsigned int saved_preempt_count; /* its preempt count while switched out */
	bool sched_new; /* never woken: its first wake-up places it (3.10's wake_up_new_task) */
	struct perf_stack perf; /* its open perf layers (kernel/perf.c) */
#ifdef CONFIG_LOCKDEP
	/* kernel/lockdep.c: the locks this thread holds now, innermost last */
	unsigned int lockdep_depth;
	unsigned int lockdep_recursion; /* inside the validator: it takes no notice */
	struct held_lock held_locks[MAX_LOCK_DEPTH];
#endif
};

/* The thread running on this CPU (a thread is "current" on whichever CPU it runs). */
DECLARE_PER_CPU(struct task_struct *, current_task);
static __always_inline struct task_struct *get_current(void)
{
	return this_cpu_read_stable(current_task);
}
#define current get_current()

/*
 * Set the current thread's state before testing a wait condition: the full
 * barrier orders the store before the test's loads, so a waker that makes
 * the condition true and then wakes us cannot be missed in between.
 */
#define __set_current_state(s) WRITE_ONCE(current->state, (s))
#define set_current_state(s)                             \
	do {                                             \
		WRITE_ONCE(current->state, (s));         \
		__atomic_thread_fence(__ATOMIC_SEQ_CST); \
	} while (0)

/* true once start_kernel started the scheduler (boot may "sleep" freely before). */
extern bool scheduler_running;

/* Number of task structs alive (the idle task included): a resource counter for the tests. */
extern unsigned long nr_threads;

/*
 * kthread_create - make a new kernel thread that will run threadfn(data).
 * Returns the task (not yet runnable: wake_up_process() it) or
 * ERR_PTR(-ENOMEM).  Context: may sleep (allocates the stack).
 */
__printf(3, 4) struct task_struct *kthread_create(int (*threadfn)(void *data), void *data,
						  const char *namefmt, ...);

/* kthread_create() + wake_up_process(); same returns. */
#define kthread_run(fn, data, ...)                                               \
	({                                                                       \
		struct task_struct *__k = kthread_create(fn, data, __VA_ARGS__); \
		if (!IS_ERR(__k))                                                \
			wake_up_process(__k);                                    \
		__k;                                                             \
	})

/* End the calling thread with @code (what kthread_join returns). */
__noreturn void kthread_exit(int code);

/*
 * Called by the trap handlers when the current kernel thread took a fatal
 * exception: record @fi in the task, mark it faulted and exit it with
 * -EFAULT.  Never returns.  Context: trap handler, interrupts off.
 */
__noreturn void kthread_fault_exit(const struct fault_info *fi);

/*
 * kthread_join - wait for @t to exit, at most @timeout jiffies
 * (MAX_SCHEDULE_TIMEOUT: forever).  Returns its exit code, or -ETIMEDOUT.
 * The caller must hold a reference.  Context: may sleep.
 */
int kthread_join(struct task_struct *t, long timeout);

/*
 * kthread_abandon - give up on a thread that did not finish (a hung test):
 * take it off the run queue so it never runs again.  Its stack and struct
 * stay allocated (a hung thread may be in the middle of anything), so this
 * leaks by design, and the counters say so.
 */
void kthread_abandon(struct task_struct *t);

void get_task_struct(struct task_struct *t);
void put_task_struct(struct task_struct *t);

/* Make a sleeping (or new) task runnable.  Returns true if it was not runnable.  Context: any. */
bool wake_up_process(struct task_struct *t);
/* The same, only if @t's state is one of @state (TASK_INTERRUPTIBLE...).  Context: any. */
bool wake_up_state(struct task_struct *t, long state);

/*
 * schedule - give up the CPU.  If current->state is not TASK_RUNNING the
 * thread sleeps until woken.  Context: thread, may not be atomic.
 */
void schedule(void);

/* Run others that are runnable, then come back. */
void yield(void);

/*
 * Sleep for @timeout jiffies (set current->state first). Returns jiffies left
 * if woken early, else 0.
 */
long schedule_timeout(long timeout);
#define MAX_SCHEDULE_TIMEOUT ((long)(~0UL >> 1))

/*
 * Called from the timer interrupt on every tick: accounts time, asks for
 * preemption at slice end.
 */
void scheduler_tick(void);

/* Ask @t to give up its CPU at its next chance (set by the tick or a wake-up). */
static inline void set_tsk_need_resched(struct task_struct *t)
{
	t->need_resched = true;
}
static inline void clear_tsk_need_resched(struct task_struct *t)
{
	t->need_resched = false;
}
static inline bool test_tsk_need_resched(struct task_struct *t)
{
	return t->need_resched;
}
/* Should the current thread give up its CPU? */
static inline bool need_resched(void)
{
	return test_tsk_need_resched(current);
}

/*
 * kthread_bind - let @t run on CPU @cpu only.  @t must not have started
 * (as 3.10: bind between kthread_create and wake_up_process).
 * Context: thread.
 */
void kthread_bind(struct task_struct *t, unsigned int cpu);

/*
 * set_cpus_allowed_ptr - let @t run on the CPUs of @mask only (bit n: CPU n),
 * moving it now if it is queued on a CPU outside.  Returns 0, or -EINVAL if
 * no online CPU is in @mask.  A running @t moves at its next switch.
 * Context: thread.
 */
int set_cpus_allowed_ptr(struct task_struct *t, const u64 *mask);

/* The mask of CPUs a new thread may run on (see kernel/sched.c). */
extern u64 sched_default_cpus_allowed;

/* From the interrupt return path: preempt the interrupted thread if needed and allowed. */
void preempt_schedule_irq(void);

/* Turn the boot thread into the idle task and start scheduling.  Never returns. */
__noreturn void cpu_idle_loop(void);

/* Set up the idle task from the boot context. */
void sched_init(void);

/*
 * sched_init_ap - give CPU @cpu (an AP not yet started) its run queue and
 * an idle task "swapper/@cpu" on the stack [@stack_bottom, @stack_top).
 * Returns 0 or -ENOMEM.  Context: boot, the BSP.
 */
int sched_init_ap(unsigned int cpu, unsigned long stack_bottom, unsigned long stack_top);

/*
 * After the APs came up: new threads, and init itself, may run on every
 * online CPU from now on (sched_default_cpus_allowed).  Context: init
 * (kernel_init), once, before the initcalls.
 */
void sched_init_smp(void);

/* Print each online CPU's run queue (monitor `ps`). */
void sched_show_cpus(void);

/* Print every task (monitor `ps`). */
void show_tasks(void);
/* Is there a thread with this pid (one ps lists)?  Context: any. */
bool task_pid_exists(int pid);

/*
 * Signals, the little of them a kernel thread needs: Ctrl-C.  Typed at the
 * console while the monitor runs a command, it marks the monitor's thread
 * (drivers/tty/serial.c) and wakes it if it sleeps interruptibly.  A long loop
 * asks the common "interrupted?" question and stops:
 *
 *	if (signal_pending(current))
 *		return -EINTR;
 *
 * Only SIGINT exists; nothing is ever delivered, the flag is only asked.
 */
#define SIGINT 2

/* Has a signal reached @p and not been flushed?  Context: any. */
static inline bool signal_pending(struct task_struct *p)
{
	return READ_ONCE(p->sigpending);
}

/* Forget @p's pending signals (the monitor does, before its next prompt).  Context: any. */
void flush_signals(struct task_struct *p);

/*
 * send_sig - mark @p with signal @sig (SIGINT only) and wake it if it
 * sleeps in TASK_INTERRUPTIBLE; a TASK_UNINTERRUPTIBLE sleep is not cut
 * short.  @priv is unused (Linux's: sent by the kernel).  Returns 0, or
 * -EINVAL for another signal.  Context: any, the serial IRQ included.
 */
int send_sig(int sig, struct task_struct *p, int priv);

#endif
