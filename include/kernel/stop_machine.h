/*
 * SPDX-License-Identifier: MIT
 * kernel/stop_machine.h - run a function while every other CPU waits,
 * interrupts off: the "big hammer" for the rare change no lock can cover
 * (as Linux 3.10's stop_machine).
 */
#ifndef KERNEL_STOP_MACHINE_H
#define KERNEL_STOP_MACHINE_H

#include <kernel/types.h>

/*
 * stop_machine - run @fn(@data) on this CPU, interrupts off, while every
 * other online CPU spins with interrupts off in its stopper thread
 * (migration/N), so nothing else runs anywhere.  @cpus: unused (3.10's
 * mask of CPUs that may run @fn; ours runs it on the calling CPU).
 * Returns @fn's return value.  One stop_machine at a time (the others
 * wait).  Context: thread, may sleep.
 */
int stop_machine(int (*fn)(void *data), void *data, const u64 *cpus);

#endif
