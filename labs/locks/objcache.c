/*
 * SPDX-License-Identifier: MIT
 * labs/locks/objcache.c - the object cache as handed out (labs/locks/README.md, part B): a
 * copy of kernel/objcache.c with a lock-order bug in it.  The lab kernel uses this file.
 *
 *   get(o):     lock o; refs++; first reference: lock lru, take o off
 *               the LRU if on it, unlock lru; unlock o; no payload: make one
 *   put(o):     lock o; refs--; last reference: lock lru, o to the
 *               LRU's tail, unlock lru; unlock o
 *   shrink(c):  lock lru; for each o from the head: lock o, o off the
 *               LRU, free its payload, unlock o; unlock lru
 *
 * An object is on the LRU exactly while it is unused and has a payload, and
 * only a holder of both its lock and the LRU's moves it on or off: so the
 * shrinker, holding both, knows an object it finds there is unused.
 *
 * Part B of the lab: `test objcache` makes the lock validator report a
 * possible deadlock in this file.  Read its report, find the two paths it
 * names, and fix the one that breaks the rule in include/kernel/objcache.h,
 * keeping what each function promises.
 */
#include <kernel/objcache.h>
#include <kernel/panic.h>
#include <mm/slab.h>
#include <errno.h>
#include <string.h>

struct objcache *objcache_create(unsigned int nr, size_t size)
{
	struct objcache *c = kzalloc(sizeof(*c), GFP_KERNEL);

	if (!c)
		return NULL;
	c->objs = kcalloc(nr, sizeof(*c->objs), GFP_KERNEL);
	if (!c->objs) {
		kfree(c);
		return NULL;
	}
	spin_lock_init(&c->lru_lock);
	INIT_LIST_HEAD(&c->lru);
	c->size = size;
	c->nr = nr;
	for (unsigned int i = 0; i < nr; i++) {
		struct objcache_obj *o = &c->objs[i];

		spin_lock_init(&o->lock); /* one class for every object's lock */
		INIT_LIST_HEAD(&o->lru);
		o->cache = c;
		o->id = i;
	}
	return c;
}

void objcache_destroy(struct objcache *c)
{
	for (unsigned int i = 0; i < c->nr; i++)
		kfree(c->objs[i].data);
	kfree(c->objs);
	kfree(c);
}

int objcache_get(struct objcache_obj *o)
{
	struct objcache *c = o->cache;
	u8 *data, *fresh;

	spin_lock(&o->lock);
	if (o->refs++ == 0) {
		/*
		 * Off the LRU if it is there, looked at under lru_lock: a shrinker
		 * passing o over moves it to the tail under lru_lock alone, and
		 * meanwhile o->lru says "on no list" (as 3.10's inode_lru_list_del).
		 */
		spin_lock(&c->lru_lock);
		if (!list_empty(&o->lru)) {
			list_del_init(&o->lru);
			c->nr_unused--;
		}
		spin_unlock(&c->lru_lock);
	}
	data = o->data;
	spin_unlock(&o->lock);
	if (data)
		return 0;

	/* The shrinker freed it while unused; our reference now keeps the shrinker away. */
	fresh = kmalloc(c->size, GFP_KERNEL);
	if (!fresh) {
		objcache_put(o);
		return -ENOMEM;
	}
	memset(fresh, (u8)o->id, c->size);
	spin_lock(&o->lock);
	if (!o->data) {
		o->data = fresh; /* another user may have made one meanwhile */
		fresh = NULL;
	}
	spin_unlock(&o->lock);
	kfree(fresh);
	return 0;
}

void objcache_put(struct objcache_obj *o)
{
	struct objcache *c = o->cache;

	spin_lock(&o->lock);
	if (--o->refs == 0 && o->data) {
		spin_lock(&c->lru_lock);
		/* A used object is never on the LRU: added twice, the list would loop. */
		if (!WARN_ON(!list_empty(&o->lru))) {
			list_add_tail(&o->lru, &c->lru);
			c->nr_unused++;
		}
		spin_unlock(&c->lru_lock);
	}
	spin_unlock(&o->lock);
}

unsigned long objcache_shrink(struct objcache *c, unsigned long nr_to_scan)
{
	unsigned long freed = 0;

	spin_lock(&c->lru_lock);
	for (; nr_to_scan && !list_empty(&c->lru); nr_to_scan--) {
		struct objcache_obj *o = list_first_entry(&c->lru, struct objcache_obj, lru);
		u8 *data;

		spin_lock(&o->lock);
		list_del_init(&o->lru);
		c->nr_unused--;
		data = o->data;
		o->data = NULL;
		spin_unlock(&o->lock);
		kfree(data);
		freed++;
	}
	spin_unlock(&c->lru_lock);
	return freed;
}
