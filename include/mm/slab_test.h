/*
 * SPDX-License-Identifier: MIT
 * mm/slab_test.h - for tests only: what the slab suites call inside the allocator.
 *
 * Included by tests/ and by mm/slab_internal.h (so that the declaration is
 * the one mm/slab_debug.c is compiled against); no other kernel file.
 */
#ifndef MM_SLAB_TEST_H
#define MM_SLAB_TEST_H

#include <mm/slab.h>

/*
 * slub_debug_parse - the debug flags the slub_debug option @opt (its value,
 * without "slub_debug=") gives the cache named @name: Linux's syntax,
 * "[FZPU-]*[,name[,name...]]" in blocks separated by ';'.  Pure: the tests
 * call it directly.
 */
slab_flags_t slub_debug_parse(const char *opt, const char *name);

#endif
