/*
 * SPDX-License-Identifier: MIT
 * kernel/ticket_spinlock.c - the ticket spinlock: take a ticket, wait for your turn, serve the
 * next (3.10's x86 __ticket_spin_*).  The reference for labs/locks/.
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
 * unlock of the tree ends here, through arch_spin_lock() and friends (with
 * LOCKDEP=y, through the debug checks of kernel/spinlock.c first).
 */
#include <kernel/atomic.h>
#include <kernel/spinlock.h>

/*
 * Take a ticket and wait until it is served.  One locked instruction
 * adds 1 to tail and reads the whole word as it was: our ticket is the old
 * tail, and the old head says at once whether it is our turn (uncontended:
 * the lock costs that one instruction).  Adding 1 << TICKET_SHIFT touches
 * only tail, the high byte: its carry out of bit 15 falls off the word, so
 * tail wraps from 255 to 0 and head is never disturbed.
 *
 * Waiting reads head again and again (a read stays in our cache until the
 * holder's unlock writes it), with cpu_relax() (pause) between reads.
 * xadd is a full barrier; barrier() keeps the compiler from moving the
 * critical section's accesses above the load that saw our turn.
 */
void __ticket_spin_lock(arch_spinlock_t *lock)
{
	__ticketpair_t old = xadd(&lock->head_tail, 1 << TICKET_SHIFT);
	__ticket_t my = old >> TICKET_SHIFT, head = (__ticket_t)old;

	while (unlikely(head != my)) {
		cpu_relax();
		head = READ_ONCE(lock->tickets.head);
	}
	barrier();
}

/*
 * Take the lock only if it is free, without waiting and without taking a
 * ticket that would have to be waited for: read the word; if head != tail
 * someone holds it (or waits for it): false.  Otherwise swap in the word
 * with tail + 1 with cmpxchg, which fails if anyone changed the word since
 * we read it.  true if the exchange happened (cmpxchg is a full barrier).
 */
bool __ticket_spin_trylock(arch_spinlock_t *lock)
{
	arch_spinlock_t old;

	old.tickets = READ_ONCE(lock->tickets);
	if (old.tickets.head != old.tickets.tail)
		return false;
	return cmpxchg(&lock->head_tail, old.head_tail,
		       (__ticketpair_t)(old.head_tail + (1 << TICKET_SHIFT))) == old.head_tail;
}

/*
 * Serve the next ticket: head + 1.  Only the holder writes head, and a
 * waiter's xadd changes only tail, so no locked instruction is needed:
 * one add to the head byte (3.10's __add without the lock prefix on
 * x86-64).  x86 does not let a store pass earlier loads or stores, so the
 * critical section is over for everyone who sees the new head; the
 * "memory" clobber keeps the compiler from moving the section below it.
 */
void __ticket_spin_unlock(arch_spinlock_t *lock)
{
	__asm__ __volatile__("addb $1, %0" : "+m"(lock->tickets.head) : : "memory");
}
