/*
 * SPDX-License-Identifier: MIT
 * net/skb_queue.c - the locked sk_buff_head functions.
 *
 * The unlocked __skb_* versions are inline in include/net/skbuff.h; these
 * wrap them in the queue's lock with interrupts off (spin_lock_irqsave),
 * so a queue may be shared by threads, softirqs and interrupt handlers -
 * say a socket's receive queue filled from the NIC's poll and emptied by
 * recvfrom().  Each function holds the lock for one list operation only.
 *
 * A queue owns one reference per skb on it: the enqueuer hands its
 * reference over, the dequeuer gets it back and must free or pass it on.
 */
#include <net/skbuff.h>

/* skb_queue_tail - append under the lock.  Any context. */
void skb_queue_tail(struct sk_buff_head *list, struct sk_buff *newsk)
{
	unsigned long flags;

	spin_lock_irqsave(&list->lock, flags);
	__skb_queue_tail(list, newsk);
	spin_unlock_irqrestore(&list->lock, flags);
}

/* skb_queue_head - prepend under the lock.  Any context. */
void skb_queue_head(struct sk_buff_head *list, struct sk_buff *newsk)
{
	unsigned long flags;

	spin_lock_irqsave(&list->lock, flags);
	__skb_queue_head(list, newsk);
	spin_unlock_irqrestore(&list->lock, flags);
}

/* skb_dequeue - the first skb, unlinked, or NULL.  Any context. */
struct sk_buff *skb_dequeue(struct sk_buff_head *list)
{
	struct sk_buff *skb;
	unsigned long flags;

	spin_lock_irqsave(&list->lock, flags);
	skb = __skb_dequeue(list);
	spin_unlock_irqrestore(&list->lock, flags);
	return skb;
}

/* skb_dequeue_tail - the last skb, unlinked, or NULL.  Any context. */
struct sk_buff *skb_dequeue_tail(struct sk_buff_head *list)
{
	struct sk_buff *skb;
	unsigned long flags;

	spin_lock_irqsave(&list->lock, flags);
	skb = __skb_dequeue_tail(list);
	spin_unlock_irqrestore(&list->lock, flags);
	return skb;
}

/* skb_unlink - take @skb, which must be on @list, off it.  Any context. */
void skb_unlink(struct sk_buff *skb, struct sk_buff_head *list)
{
	unsigned long flags;

	spin_lock_irqsave(&list->lock, flags);
	__skb_unlink(skb, list);
	spin_unlock_irqrestore(&list->lock, flags);
}

/*
 * The lock is taken per skb, not around the whole purge: kfree_skb runs
 * destructors, which may take other locks, and a long queue should not
 * keep interrupts off for long.
 */
void skb_queue_purge(struct sk_buff_head *list)
{
	struct sk_buff *skb;

	while ((skb = skb_dequeue(list)))
		kfree_skb(skb);
}

/* __skb_queue_purge - skb_queue_purge without the lock (the caller holds it, or owns the queue). */
void __skb_queue_purge(struct sk_buff_head *list)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(list)))
		kfree_skb(skb);
}
