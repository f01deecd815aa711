/*
 * SPDX-License-Identifier: MIT
 * net/arp_test.h - for tests only: an ARP entry's timer, stopped and run by
 * hand, to replay a timer that lost the race for the table lock; and what
 * waits on an entry's queue, to check its byte count.
 *
 * Included by tests/ and by net/net_internal.h (so that the declarations are
 * the ones net/arp.c is compiled against); no other kernel file.
 *
 * The race the two calls replay (net/arp.c, arp_timer):
 *
 *   CPU 0 (timer softirq)              CPU 1
 *   takes n's timer off the list       read_lock_bh(&arp_tbl.lock)
 *   arp_timer: write_lock_bh ... waits  a reply: n REACHABLE, timer armed again
 *                                      read_unlock_bh
 *   gets the lock: n must stay
 *
 *   arp_test_timer_take(dev, ip, &exp);   CPU 0's first line
 *   tnic_inject(dev, reply...);           CPU 1
 *   arp_test_timer_run(dev, ip);          CPU 0 once it has the lock
 */
#ifndef NET_ARP_TEST_H
#define NET_ARP_TEST_H

#include <kernel/types.h>
#include <net/byteorder.h>

struct net_device;

/*
 * arp_test_timer_take - take the timer of @ip's entry on @dev off the
 * pending list without running it, as the timer softirq does just before
 * it calls the function.  Returns true if it was pending, with its expiry
 * (jiffies) in *@expires; false if there is no entry or its timer was not
 * armed.  Context: thread or softirq.
 */
bool arp_test_timer_take(struct net_device *dev, __be32 ip, unsigned long *expires);

/* What waits on one entry's queue (arp_test_queue). */
struct arp_test_queue_info {
	unsigned int bytes;	      /* the entry's count, n->arp_queue_len_bytes */
	unsigned int truesize_sum;    /* the truesize of the queued skbs, added up now */
	unsigned int oldest_truesize; /* the head's (the next pushed out), 0 if empty */
};

/*
 * arp_test_queue - the queue of @ip's entry on @dev, read under its lock:
 * returns the packets waiting (-1 if there is no entry) and fills *@q.
 * Context: thread or softirq.
 */
int arp_test_queue(struct net_device *dev, __be32 ip, struct arp_test_queue_info *q);

/*
 * arp_test_timer_run - run the timer function of @ip's entry on @dev now,
 * in the caller's context, as a timer taken earlier (arp_test_timer_take)
 * runs once it gets the table lock.  Returns false if there is no entry.
 * Context: thread (the function sends with bottom halves on).
 */
bool arp_test_timer_run(struct net_device *dev, __be32 ip);

#endif
