/*
 * SPDX-License-Identifier: MIT
 * labs/locks/ticket_spinlock.c - YOUR ticket spinlock (labs/locks/README.md, part A).  The
 * kernel built with `make lab LAB=locks` uses this file instead of kernel/ticket_spinlock.c.
 *
 * The lock word (arch_spinlock_t, include/kernel/spinlock.h) is two 8-bit
 * counters in one 16-bit word:
 *
 *        head_tail
 *     +------------+------------+
 *     |   tail     |   head     |      tail: the next ticket to hand out
 *     +------------+------------+      head: the ticket now served
 *       bits 15-8    bits 7-0
 *
 *   free:       head == tail
 *   held:       tail == head + 1
 *   contended:  tail - head > 1 (each waiter holds one of the tickets between)
 *
 * Both count modulo 256: ticket 255 is followed by ticket 0.  Every lock and
 * unlock of the kernel ends here, through arch_spin_lock() and friends
 * (with LOCKDEP=y, through the debug checks of kernel/spinlock.c first).
 *
 * The placeholders below are a test-and-set lock: correct enough to boot
 * the kernel on one CPU or four, but it hands out no tickets, so waiters
 * are not served in order and every graded case fails.  Write the three
 * functions in the README's order (trylock, unlock, lock): each step leaves
 * a kernel that boots.
 */
#include <kernel/atomic.h>
#include <kernel/spinlock.h>

/*
 * __ticket_spin_lock - take a ticket and wait until it is served.
 *
 * Take the next ticket (tail + 1) and read head in ONE locked instruction:
 * xadd() (include/kernel/atomic.h) adds to the whole 16-bit word and
 * returns what the word was before.  Your ticket is the old tail; if the
 * old head equals it, the lock is yours at once.  Otherwise wait: read
 * head again (READ_ONCE) until it equals your ticket, with cpu_relax()
 * between reads.  Finish with barrier(): the critical section's loads and
 * stores must not be moved above the load that saw your turn.
 *
 * Hints: which byte does 1 << TICKET_SHIFT add to, and why must tail be
 * the HIGH byte?  What happens to the carry when tail is 255?
 */
void __ticket_spin_lock(arch_spinlock_t *lock)
{
	/* TODO (part A, step 3): take a ticket with xadd, then spin until head reaches it. */
	while (!__ticket_spin_trylock(lock)) /* placeholder: no ticket, no order */
		cpu_relax();
}

/*
 * __ticket_spin_trylock - take the lock only if it is free; true if taken.
 *
 * Never wait, and never take a ticket you might have to wait for: read the
 * word (READ_ONCE(lock->tickets)); if head != tail, return false.
 * Otherwise replace the whole word by the same word with tail + 1, with
 * cmpxchg() (include/kernel/atomic.h), which does it only if the word is
 * still what you read, and returns what it found.  A failed trylock
 * leaves the word exactly as it was.
 */
bool __ticket_spin_trylock(arch_spinlock_t *lock)
{
	/* TODO (part A, step 1): read the word; free? cmpxchg it to tail + 1. */
	return xchg(&lock->head_tail, 1 << TICKET_SHIFT) == 0; /* placeholder: test-and-set */
}

/*
 * __ticket_spin_unlock - serve the next ticket: head + 1.
 *
 * Only the holder writes head, and a waiter's xadd changes only tail:
 * does this need a locked instruction?  Leave tail alone (a waiter may be
 * taking a ticket right now).  The critical section must be over for
 * whoever sees the new head: keep the compiler from moving its loads and
 * stores below the store (smp_store_release(), include/arch/barrier.h, or
 * an asm with a "memory" clobber).
 */
void __ticket_spin_unlock(arch_spinlock_t *lock)
{
	/* TODO (part A, step 2): head + 1, and nothing else. */
	smp_store_release(&lock->head_tail, 0); /* placeholder: frees the test-and-set lock */
}
