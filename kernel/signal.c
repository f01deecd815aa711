/*
 * SPDX-License-Identifier: MIT
 * kernel/signal.c - Ctrl-C for kernel threads: a pending flag and a wake-up.
 *
 * From the key to the loop that stops (docs/monitor.md draws it):
 *
 *   0x03 on COM1 -> serial_irq (drivers/tty/serial.c): the monitor is running a
 *   command, so the byte is not queued as input but
 *   send_sig(SIGINT, monitor thread) -> ->sigpending = true, and a wake-up if
 *   it sleeps in TASK_INTERRUPTIBLE (msleep_interruptible,
 *   wait_event_interruptible_timeout: ping's wait for its reply)
 *   -> the command's loop sees signal_pending(current), returns -EINTR
 *   -> the monitor calls flush_signals() before its next prompt.
 *
 * Interrupts are off around the flag and the state test, so the wake-up
 * cannot slip between a sleeper's "set TASK_INTERRUPTIBLE" and its
 * "signal_pending?" check (see msleep_interruptible, kernel/timer.c).
 */
#include <kernel/irqflags.h>
#include <kernel/sched.h>
#include <errno.h>

/* 3.10 threads ignore signals until allow_signal(); ours all take SIGINT: docs/linux-3.10.md */
int send_sig(int sig, struct task_struct *p, int priv)
{
	if (sig != SIGINT)
		return -EINVAL;
	WRITE_ONCE(p->sigpending, true);
	/* The flag first: a sleeper woken here, or about to sleep, sees it (signal_pending). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	wake_up_state(p, TASK_INTERRUPTIBLE);
	return 0;
}

void flush_signals(struct task_struct *p)
{
	WRITE_ONCE(p->sigpending, false);
}
