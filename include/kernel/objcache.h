/*
 * SPDX-License-Identifier: MIT
 * kernel/objcache.h - a small object cache with an LRU list and a shrinker,
 * built like 3.10's inode cache (kernel/objcache.c).
 *
 * A cache holds a fixed number of objects.  A user takes a reference with
 * objcache_get() and gives it back with objcache_put(); while it holds one,
 * the object's payload (o->data, the cache's size in bytes, every byte the
 * object's id) is there.  An object nobody holds keeps its payload, on the
 * cache's LRU list, until objcache_shrink() frees it (least recently used
 * first); the next objcache_get() makes a new one.
 *
 * Two kinds of lock, and one rule for their order:
 *
 *   o->lock          an object's refs and data (one lock per object)
 *   c->lru_lock      the LRU list, each object's lru in it, and nr_unused
 *
 *   o->lock first, then c->lru_lock: get and put hold the object's lock
 *   and take the LRU's to move the object on or off the list when its count
 *   goes 0 -> 1 or 1 -> 0.  Whoever holds c->lru_lock must never wait for
 *   an o->lock (3.10's inode cache has the same rule for i_lock and the
 *   LRU lock).
 *
 * The lock validator checks the rule (labs/locks/, part B, has a copy of
 * kernel/objcache.c that breaks it).
 */
#ifndef KERNEL_OBJCACHE_H
#define KERNEL_OBJCACHE_H

#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>

struct objcache;

struct objcache_obj {
	spinlock_t lock;	/* refs, data */
	int refs;		/* references held by users */
	u8 *data;		/* the payload, or NULL once the shrinker freed it */
	struct list_head lru;	/* on cache->lru while unused with a payload (lru_lock) */
	struct objcache *cache; /* the cache it belongs to */
	unsigned int id;	/* its index in the cache; every payload byte is (u8)id */
};

struct objcache {
	spinlock_t lru_lock;	   /* lru, nr_unused */
	struct list_head lru;	   /* unused objects with a payload, least recently used first */
	unsigned long nr_unused;   /* objects on lru */
	size_t size;		   /* bytes of each payload */
	unsigned int nr;	   /* objects */
	struct objcache_obj *objs; /* objs[0 .. nr - 1] */
};

/*
 * objcache_create - a cache of @nr objects with @size-byte payloads, none
 * made yet.  NULL if out of memory.  objcache_destroy - free it with every
 * payload; nobody may hold a reference.  Context: thread, may sleep.
 */
struct objcache *objcache_create(unsigned int nr, size_t size);
void objcache_destroy(struct objcache *c);

/* Object @id of @c (0 <= id < c->nr). */
static inline struct objcache_obj *objcache_obj(struct objcache *c, unsigned int id)
{
	return &c->objs[id];
}

/*
 * objcache_get - take a reference to @o and make sure its payload is
 * there (taken off the LRU if it was unused; made again if the shrinker
 * freed it).  0, or -ENOMEM (then no reference is held).
 * Context: thread, may sleep; no spinlock held.
 */
int objcache_get(struct objcache_obj *o);

/*
 * objcache_put - give back a reference; the last one puts the object, with
 * its payload, at the tail of the LRU.  Context: any but a hardware
 * interrupt (the locks are taken with interrupts on).
 */
void objcache_put(struct objcache_obj *o);

/*
 * objcache_shrink - look at up to @nr_to_scan objects from the head of the
 * LRU and free the payload of each unused one (it leaves the LRU); one
 * whose lock is busy is passed over (moved to the tail).  Returns how many
 * payloads it freed.  Context: as objcache_put.
 */
unsigned long objcache_shrink(struct objcache *c, unsigned long nr_to_scan);

#endif
