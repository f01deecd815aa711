/*
 * SPDX-License-Identifier: MIT
 * kernel/lockdep_test.h - for tests only: turning the lock validator back on.
 *
 * Included by tests/ and by kernel/lockdep_internal.h (so that the
 * declaration is the one kernel/lockdep.c is compiled against); no other
 * kernel file.
 */
#ifndef KERNEL_LOCKDEP_TEST_H
#define KERNEL_LOCKDEP_TEST_H

/*
 * lockdep_test_reset - turn the validator on again after a report (which
 * turned it off: debug_locks = 0), for the next test that provokes one.
 * The classes, edges and usage it learnt stay: a test's locks keep their
 * history, so a test provokes with classes of its own.  Context: thread,
 * holding no lock.
 */
void lockdep_test_reset(void);

#endif
