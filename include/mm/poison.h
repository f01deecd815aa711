/*
 * SPDX-License-Identifier: MIT
 * mm/poison.h - the byte patterns of freed and padded memory (as 3.10's
 * include/linux/poison.h), which a hex dump of a damaged object shows.
 */
#ifndef MM_POISON_H
#define MM_POISON_H

#define POISON_INUSE	  0x5a /* padding, and slabs before their objects are set up */
#define POISON_FREE	  0x6b /* a free object's bytes */
#define POISON_END	  0xa5 /* a free object's last byte */
#define SLUB_RED_INACTIVE 0xbb /* red zone of a free object */
#define SLUB_RED_ACTIVE	  0xcc /* red zone of an allocated object */

#endif
