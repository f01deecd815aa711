/*
 * SPDX-License-Identifier: MIT
 * Host shim: one task that never really sleeps.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <kernel/list.h>
#include <kernel/types.h>

enum task_state {
	TASK_RUNNING = 0,
	TASK_INTERRUPTIBLE = 1,
	TASK_UNINTERRUPTIBLE = 2
};

#define TASK_COMM_LEN 16

struct task_struct {
	volatile long state;
	int pid;
	char comm[16];
};

extern struct task_struct *host_current;
#define current		     host_current
#define MAX_SCHEDULE_TIMEOUT ((long)(~0UL >> 1))
long schedule_timeout(long timeout);
static inline void schedule(void)
{
}

/* No Ctrl-C on the host: a signal is never pending. */
static inline bool signal_pending(struct task_struct *p)
{
	return false;
}

#endif
