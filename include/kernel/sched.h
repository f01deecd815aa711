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
 * The scheduler is round-robin over one run queue.  A thread gives up the CPU
 * by sleeping (wait queues, completions, msleep) or schedule(); the timer
 * also preempts a thread that has run for a whole time slice, unless it is
 * in atomic context (preempt_count() != 0).  When nothing is runnable the
 * idle task (the boot thread) halts until the next interrupt.
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
#include <kernel/types.h>

enum task_state {
	TASK_RUNNING = 0,	/* on the run queue, or running */
	TASK_INTERRUPTIBLE = 1, /* asleep; wake_up*() makes it runnable */
	TASK_UNINTERRUPTIBLE = 2,
	TASK_DEAD = 64, /* exited; waiting to be reaped */
};

#define TASK_COMM_LEN 16

struct task_struct {
	unsigned long rsp;   /* saved stack pointer; switch.S uses offset 0 */
	volatile long state; /* enum task_state */
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
	struct completion exited; /* completed when the thread has exited */
	bool faulted;		  /* died of a CPU exception */
	struct fault_info fault;  /* what it died of, when faulted */
	bool abandoned;		  /* a hung thread the harness gave up on */
	bool console_force;	  /* printk shows all it prints (the monitor) */
	bool sigpending;	  /* Ctrl-C reached it (signal_pending); kernel/signal.c */
	u64 runtime_ticks;	  /* timer ticks spent running */
	unsigned int slice;	  /* ticks left in this time slice */
};

extern struct task_struct *current_task;
#define current current_task

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

/* Set by scheduler_tick (or a wake-up) when another thread should run soon. */
extern volatile bool need_resched;

/* From the interrupt return path: preempt the interrupted thread if needed and allowed. */
void preempt_schedule_irq(void);

/* Turn the boot thread into the idle task and start scheduling.  Never returns. */
__noreturn void cpu_idle_loop(void);

/* Set up the idle task from the boot context. */
void sched_init(void);

/* Print every task (monitor `ps`). */
void show_tasks(void);

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
