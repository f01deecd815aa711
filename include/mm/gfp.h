/*
 * SPDX-License-Identifier: MIT
 * mm/gfp.h - "get free pages" flags: how an allocation may behave.
 *
 * Names and meaning as Linux's (include/linux/gfp.h).  The ones callers use:
 *
 *   GFP_KERNEL   may sleep waiting for memory; the normal case in threads
 *   GFP_ATOMIC   never sleeps; may dip a little into the reserve; for
 *                interrupt handlers and code holding spinlocks
 *   GFP_NOIO     may sleep, but must not start I/O to get memory back
 *   GFP_NOWAIT   never sleeps, no reserve
 *
 * modifiers:
 *   __GFP_ZERO        zero the memory
 *   __GFP_NOWARN      no warning when it fails
 *   __GFP_MEMALLOC    may use the whole reserve (writeback, network receive)
 *   __GFP_NOMEMALLOC  may never use the reserve
 *   __GFP_DMA         from ZONE_DMA (below 16 MiB)
 *   __GFP_DMA32       from ZONE_DMA32 (below 4 GiB)
 *
 * __GFP_WAIT is the name Linux 3.10 (and its man pages __alloc_skb(9) and
 * blk_make_request(9)) use
 * for "may sleep"; newer Linux calls it __GFP_DIRECT_RECLAIM.  Both are here.
 */
#ifndef MM_GFP_H
#define MM_GFP_H

#include <kernel/types.h>

typedef unsigned int gfp_t;

#define __GFP_DMA	     0x01u
#define __GFP_HIGHMEM	     0x02u /* no highmem on x86_64: accepted, ignored */
#define __GFP_DMA32	     0x04u
#define __GFP_WAIT	     0x10u /* may sleep */
#define __GFP_DIRECT_RECLAIM __GFP_WAIT
#define __GFP_HIGH	     0x20u /* high priority: may use part of the reserve */
#define __GFP_IO	     0x40u /* may start I/O */
#define __GFP_FS	     0x80u
#define __GFP_NOWARN	     0x200u
#define __GFP_ZERO	     0x8000u
#define __GFP_MEMALLOC	     0x2000u  /* may use all of the reserve */
#define __GFP_NOMEMALLOC     0x10000u /* may never use the reserve */

#define GFP_ATOMIC (__GFP_HIGH)
#define GFP_NOWAIT (0)
#define GFP_NOIO   (__GFP_WAIT)
#define GFP_NOFS   (__GFP_WAIT | __GFP_IO)
#define GFP_KERNEL (__GFP_WAIT | __GFP_IO | __GFP_FS)
#define GFP_DMA	   __GFP_DMA
#define GFP_DMA32  __GFP_DMA32

static inline bool gfpflags_allow_blocking(gfp_t gfp)
{
	return gfp & __GFP_WAIT;
}

#endif
