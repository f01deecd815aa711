/*
 * SPDX-License-Identifier: MIT
 * Host shim: one thread, never in interrupt context.
 */
#ifndef KERNEL_PREEMPT_H
#define KERNEL_PREEMPT_H

#include <kernel/compiler.h>
#include <kernel/types.h>

extern unsigned int host_preempt_count;
extern unsigned long might_sleep_warnings;

static inline unsigned int preempt_count(void)
{
	return host_preempt_count;
}
#define in_irq()       0
#define in_softirq()   0
#define in_interrupt() 0
#define in_atomic()    (host_preempt_count != 0)
static inline void preempt_disable(void)
{
	host_preempt_count++;
}
static inline void preempt_enable(void)
{
	host_preempt_count--;
}
static inline void preempt_enable_no_resched(void)
{
	host_preempt_count--;
}
static inline void preempt_schedule(void)
{
}
bool host_might_sleep(void);
#define might_sleep() host_might_sleep()
static inline bool can_sleep(void)
{
	return !host_preempt_count;
}

#endif
