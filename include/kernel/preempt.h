/*
 * SPDX-License-Identifier: MIT
 * kernel/preempt.h - which context is the CPU in?  Linux's preempt count.
 *
 * One counter answers "may this code sleep?".  Its bits, as in Linux:
 *
 *    bits  0- 7  PREEMPT   preempt_disable() nesting (spinlocks hold one)
 *    bits  8-15  SOFTIRQ   a softirq is running (or bottom halves are off)
 *    bits 16-19  HARDIRQ   a hardware interrupt handler is running
 *    bits 20-23  NMI       (unused: no NMI handlers yet)
 *
 * in_irq()        inside a hardware interrupt handler
 * in_softirq()    inside a softirq, or bottom halves disabled
 * in_interrupt()  either of the two
 * in_atomic()     anything non-zero: sleeping here is a bug
 *
 * The count is per CPU (include/kernel/percpu.h), as Linux's since 3.13:
 * an interrupt handler raises it on entry and lowers it on exit on the CPU
 * it runs on, and a thread switch saves the leaving thread's count and
 * loads the arriving one's (kernel/sched.c), so a count never follows a
 * CPU to another thread.
 */
#ifndef KERNEL_PREEMPT_H
#define KERNEL_PREEMPT_H

#include <kernel/compiler.h>
#include <kernel/irqflags.h>
#include <kernel/percpu.h>
#include <kernel/types.h>

#define PREEMPT_SHIFT 0
#define SOFTIRQ_SHIFT 8
/* 3.10 has 10 hardirq bits and PREEMPT_ACTIVE; we 4 and none: docs/linux-3.10.md */
#define HARDIRQ_SHIFT 16
#define NMI_SHIFT     20

#define PREEMPT_OFFSET (1U << PREEMPT_SHIFT)
#define SOFTIRQ_OFFSET (1U << SOFTIRQ_SHIFT)
#define HARDIRQ_OFFSET (1U << HARDIRQ_SHIFT)
#define NMI_OFFSET     (1U << NMI_SHIFT)

#define PREEMPT_MASK (0xffU << PREEMPT_SHIFT)
#define SOFTIRQ_MASK (0xffU << SOFTIRQ_SHIFT)
#define HARDIRQ_MASK (0x0fU << HARDIRQ_SHIFT)
#define NMI_MASK     (0x0fU << NMI_SHIFT)

/* 3.10 keeps it in thread_info, per thread; we per CPU, as 3.13: docs/linux-3.10.md */
DECLARE_PER_CPU(unsigned int, __preempt_count);

static inline unsigned int preempt_count(void)
{
	return this_cpu_read(__preempt_count);
}

#define in_irq()       (preempt_count() & HARDIRQ_MASK)
#define in_softirq()   (preempt_count() & SOFTIRQ_MASK)
#define in_interrupt() (preempt_count() & (HARDIRQ_MASK | SOFTIRQ_MASK | NMI_MASK))
#define in_atomic()    (preempt_count() != 0)

static inline void preempt_count_add(unsigned int v)
{
	this_cpu_add(__preempt_count, v);
	barrier();
}

static inline void preempt_count_sub(unsigned int v)
{
	barrier();
	this_cpu_sub(__preempt_count, v);
}

/* Forbid a thread switch until the matching preempt_enable(). */
static inline void preempt_disable(void)
{
	preempt_count_add(PREEMPT_OFFSET);
}

/*
 * The end of a preempt-off section found a switch pending: take it if the
 * count is 0 and interrupts are on (kernel/sched.c).  Call it through
 * preempt_check_resched().
 */
void preempt_schedule(void);

/*
 * Is a switch pending for the thread running here?  need_resched sits at
 * TASK_NEED_RESCHED_OFFSET in struct task_struct (kernel/sched.c asserts it),
 * so this header reads it through current_task without that structure's
 * definition, as 3.10 reads TIF_NEED_RESCHED through thread_info.  A thread's
 * current_task is itself on whatever CPU it runs, so the pointer may be cached.
 */
#define TASK_NEED_RESCHED_OFFSET 8
struct task_struct;
DECLARE_PER_CPU(struct task_struct *, current_task);
static __always_inline bool __preempt_need_resched(void)
{
	char *t = (char *)this_cpu_read_stable(current_task);

	return *(volatile bool *)(t + TASK_NEED_RESCHED_OFFSET);
}

/*
 * 3.10's preempt_check_resched: call out only if a switch is pending (rare)
 * and the count is 0; preempt_schedule() then checks interrupts.  (3.10
 * tests the flag alone, and preempt_schedule the count: with a wake-up
 * pending in a softirq, every unlock there would call out for nothing.)
 */
/* 3.10 tests the flag alone; we the count too: docs/linux-3.10.md */
static __always_inline void preempt_check_resched(void)
{
	if (unlikely(__preempt_need_resched()) && preempt_count() == 0)
		preempt_schedule();
}

/* Allow switches again; if the timer asked for one meanwhile, take it now. */
static __always_inline void preempt_enable(void)
{
	preempt_count_sub(PREEMPT_OFFSET);
	preempt_check_resched();
}

/* Like preempt_enable() but never switches (for code that will soon anyway). */
static inline void preempt_enable_no_resched(void)
{
	preempt_count_sub(PREEMPT_OFFSET);
}

/*
 * might_sleep - say "the code after this may sleep".
 *
 * From interrupt context, atomic context or with interrupts off, prints
 * "BUG: sleeping function called from invalid context" with the context and
 * a backtrace (rate-limited), and counts it in might_sleep_warnings.  It does
 * not stop the kernel: the caller decides how to go on (the allocators then
 * behave as GFP_ATOMIC).  Returns true if the context was invalid.
 */
#define might_sleep()                                                                           \
	({                                                                                      \
		bool __ms = unlikely(!__can_sleep_fast()) && __might_sleep(__FILE__, __LINE__); \
		__ms;                                                                           \
	})
bool __might_sleep(const char *file, int line);

/* The common case, inline: no preempt count and interrupts on means all is well. */
static __always_inline bool __can_sleep_fast(void)
{
	return preempt_count() == 0 && !irqs_disabled();
}
extern unsigned long might_sleep_warnings;

/* true if sleeping is allowed here: no preempt count, interrupts on. */
bool can_sleep(void);

struct task_struct;
/*
 * schedule_debug - schedule() is about to switch away from @prev: if the
 * caller is atomic (a spinlock held, preemption off, an interrupt), print
 * "BUG: scheduling while atomic" with the locks @prev holds and a
 * backtrace, and count it in schedule_atomic_warnings.  The scheduler calls
 * it before it takes its own locks.  Context: schedule().
 */
void schedule_debug(struct task_struct *prev);
extern unsigned long schedule_atomic_warnings;

#endif
