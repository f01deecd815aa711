/*
 * SPDX-License-Identifier: MIT
 * kernel/lockdep_internal.h - private to kernel/lockdep.c: the test hook's
 * declaration (include/kernel/lockdep_test.h), checked against its definition.
 */
#ifndef KERNEL_LOCKDEP_INTERNAL_H
#define KERNEL_LOCKDEP_INTERNAL_H

#include <kernel/lockdep_test.h>

#endif
