/*
 * SPDX-License-Identifier: MIT
 * tests/mm/slab_suites.h - what the slab suites (test_slab.c, test_slab_debug.c) share.
 */
#ifndef TESTS_MM_SLAB_SUITES_H
#define TESTS_MM_SLAB_SUITES_H

#include <mm/slab.h>

/* Objects of @s handed out and not freed, from its slabinfo. */
static inline unsigned long slab_test_active_objs(struct kmem_cache *s)
{
	struct slabinfo si;

	get_slabinfo(s, &si);
	return si.active_objs;
}

#endif
