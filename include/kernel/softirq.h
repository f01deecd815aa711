/*
 * SPDX-License-Identifier: MIT
 * kernel/softirq.h - bottom halves: work an interrupt handler defers.
 *
 * A hardware interrupt handler runs with interrupts off and must be short.
 * It does the urgent part, then raise_softirq(NET_RX_SOFTIRQ) for the rest.
 * Pending softirqs run when the outermost interrupt returns (irq_exit), with
 * interrupts back on and in_softirq() true, so they may be interrupted but
 * never sleep.  If they keep being raised, the rest is left to the ksoftirqd
 * thread so threads are not starved, as Linux does.
 */
#ifndef KERNEL_SOFTIRQ_H
#define KERNEL_SOFTIRQ_H

#include <kernel/types.h>

enum {
	HI_SOFTIRQ = 0,
	TIMER_SOFTIRQ,
	NET_TX_SOFTIRQ,
	NET_RX_SOFTIRQ,
	BLOCK_SOFTIRQ,
	TASKLET_SOFTIRQ,
	TEST_SOFTIRQ, /* for the tests of this mechanism */
	NR_SOFTIRQS
};

struct softirq_action {
	void (*action)(void);
};

void open_softirq(int nr, void (*action)(void));
/* Mark @nr pending; it runs at the next irq_exit or local_bh_enable.  Context: any. */
void raise_softirq(unsigned int nr);
void raise_softirq_irqoff(unsigned int nr);
/* Run pending softirqs now (if not in interrupt context). */
void do_softirq(void);
u32 softirq_pending(void);

/* Counts for the tests and the monitor: how often each softirq ran. */
extern unsigned long softirq_count[NR_SOFTIRQS];

/* Interrupt entry/exit bookkeeping (kernel/irq.c calls these around every handler). */
void irq_enter(void);
void irq_exit(void);

#endif
