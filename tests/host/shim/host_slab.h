/*
 * SPDX-License-Identifier: MIT
 * tests/host/shim/host_slab.h - the fake slab's knobs and counters (host_slab.c).
 */
#ifndef HOST_SLAB_H
#define HOST_SLAB_H

#include <stdbool.h>

extern unsigned long host_slab_live;	     /* objects not freed */
extern unsigned long host_slab_fail_nth;     /* fail the nth allocation from now (0: off) */
extern bool host_slab_fail_all;		     /* fail every allocation */
extern bool host_slab_pressure;		     /* fail unless the reserve may be used */
extern unsigned long host_slab_bad_destroys; /* caches destroyed with objects out */

#endif
