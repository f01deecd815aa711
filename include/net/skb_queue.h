/*
 * SPDX-License-Identifier: MIT
 * net/skb_queue.h - queues of skbs (struct sk_buff_head, in net/skbuff.h).
 *
 * Included by net/skbuff.h: include that.  A queue is a circular doubly
 * linked list whose head is shaped like the first two fields of an
 * sk_buff, so an empty queue points at itself and no element is special:
 *
 *        +--------------------------------------------------+
 *        v                                                  |
 *   sk_buff_head  <->  skb1  <->  skb2  <->  skb3  <->  (back to head)
 *   next = skb1, prev = skb3, qlen = 3
 *
 * Linux's names and semantics (include/linux/skbuff.h).  The recipe for a
 * socket's receive queue, filled by softirq RX and emptied by a thread:
 *
 *   skb_queue_head_init(&sk->sk_receive_queue);        once
 *   skb_queue_tail(&sk->sk_receive_queue, skb);        RX: hands its reference over
 *   skb = skb_dequeue(&sk->sk_receive_queue);          reader: gets it back (or NULL)
 *   skb_queue_purge(&sk->sk_receive_queue);            close: frees what is left
 */
#ifndef NET_SKB_QUEUE_H
#define NET_SKB_QUEUE_H

#include <net/skbuff.h>

/*
 * The __ functions take no lock: for a queue only one context touches, or
 * with the queue's lock held.  The others take list->lock with interrupts
 * off (spin_lock_irqsave), so a thread and an interrupt handler may share a
 * queue.  A queue holds one reference to each skb on it: it is the caller's
 * reference, handed over on enqueue and handed back on dequeue.
 */

/* skb_queue_head_init - an empty queue with its lock.  Context: any. */
static inline void skb_queue_head_init(struct sk_buff_head *list)
{
	spin_lock_init(&list->lock);
	list->lock.name = "sk_buff_head";
	list->prev = list->next = (struct sk_buff *)list;
	list->qlen = 0;
}

/* __skb_queue_head_init - empty the list pointers only (the lock is left as it is). */
static inline void __skb_queue_head_init(struct sk_buff_head *list)
{
	list->prev = list->next = (struct sk_buff *)list;
	list->qlen = 0;
}

static inline bool skb_queue_empty(const struct sk_buff_head *list)
{
	return list->next == (const struct sk_buff *)list;
}

/* skb_queue_len - skbs on the queue (a snapshot without the lock). */
static inline u32 skb_queue_len(const struct sk_buff_head *list)
{
	return READ_ONCE(list->qlen);
}

/* skb_peek - the first skb, left on the queue, or NULL.  Hold the lock while using it. */
static inline struct sk_buff *skb_peek(const struct sk_buff_head *list)
{
	struct sk_buff *skb = list->next;

	return skb == (const struct sk_buff *)list ? NULL : skb;
}

/* skb_peek_tail - the last skb, or NULL. */
static inline struct sk_buff *skb_peek_tail(const struct sk_buff_head *list)
{
	struct sk_buff *skb = list->prev;

	return skb == (const struct sk_buff *)list ? NULL : skb;
}

/*
 * The links of a list element that may be the queue head itself: written
 * through this two-pointer view, not through struct sk_buff, so the
 * compiler does not see a write into a (struct sk_buff *) cast of the much
 * smaller sk_buff_head (Linux's struct sk_buff_list, for -Warray-bounds).
 */
struct sk_buff_list {
	struct sk_buff *next;
	struct sk_buff *prev;
};

_Static_assert(offsetof(struct sk_buff_list, next) == offsetof(struct sk_buff, next) &&
		       offsetof(struct sk_buff_list, prev) == offsetof(struct sk_buff, prev),
	       "sk_buff_list must alias the links of sk_buff and sk_buff_head");

static inline struct sk_buff_list *skb_list(struct sk_buff *skb)
{
	return (struct sk_buff_list *)skb;
}

/* skb_queue_is_last - is @skb the last on @list? */
static inline bool skb_queue_is_last(const struct sk_buff_head *list, const struct sk_buff *skb)
{
	return skb->next == (const struct sk_buff *)list;
}

/* __skb_insert - put @newsk between @prev and @next on @list (no lock). */
static inline void __skb_insert(struct sk_buff *newsk, struct sk_buff *prev, struct sk_buff *next,
				struct sk_buff_head *list)
{
	newsk->next = next;
	newsk->prev = prev;
	skb_list(next)->prev = newsk;
	skb_list(prev)->next = newsk;
	list->qlen++;
}

static inline void __skb_queue_tail(struct sk_buff_head *list, struct sk_buff *newsk)
{
	__skb_insert(newsk, list->prev, (struct sk_buff *)list, list);
}

static inline void __skb_queue_head(struct sk_buff_head *list, struct sk_buff *newsk)
{
	__skb_insert(newsk, (struct sk_buff *)list, list->next, list);
}

/* __skb_unlink - take @skb off @list (no lock). */
static inline void __skb_unlink(struct sk_buff *skb, struct sk_buff_head *list)
{
	struct sk_buff *next = skb->next, *prev = skb->prev;

	list->qlen--;
	skb->next = skb->prev = NULL;
	skb_list(next)->prev = prev;
	skb_list(prev)->next = next;
}

/* __skb_dequeue - the first skb, removed, or NULL (no lock). */
static inline struct sk_buff *__skb_dequeue(struct sk_buff_head *list)
{
	struct sk_buff *skb = skb_peek(list);

	if (skb)
		__skb_unlink(skb, list);
	return skb;
}

/* __skb_dequeue_tail - the last skb, removed, or NULL (no lock). */
static inline struct sk_buff *__skb_dequeue_tail(struct sk_buff_head *list)
{
	struct sk_buff *skb = skb_peek_tail(list);

	if (skb)
		__skb_unlink(skb, list);
	return skb;
}

/* Walk a queue (hold its lock); the _safe form allows unlinking the current skb. */
#define skb_queue_walk(queue, skb) \
	for (skb = (queue)->next; skb != (struct sk_buff *)(queue); skb = skb->next)
#define skb_queue_walk_safe(queue, skb, tmp)                                         \
	for (skb = (queue)->next, tmp = skb->next; skb != (struct sk_buff *)(queue); \
	     skb = tmp, tmp = skb->next)

/* skb_queue_tail - append @newsk under the queue lock (irqsave).  Context: any. */
void skb_queue_tail(struct sk_buff_head *list, struct sk_buff *newsk);

/* skb_queue_head - prepend @newsk under the queue lock.  Context: any. */
void skb_queue_head(struct sk_buff_head *list, struct sk_buff *newsk);

/* skb_dequeue - remove and return the first skb, or NULL, under the lock.  Context: any. */
struct sk_buff *skb_dequeue(struct sk_buff_head *list);

/* skb_dequeue_tail - remove and return the last skb, or NULL, under the lock.  Context: any. */
struct sk_buff *skb_dequeue_tail(struct sk_buff_head *list);

/* skb_unlink - take @skb off @list under the lock.  Context: any. */
void skb_unlink(struct sk_buff *skb, struct sk_buff_head *list);

/*
 * skb_queue_purge - dequeue every skb and kfree_skb it (under the lock one
 * at a time).  __skb_queue_purge: without the lock.  Context: any.
 */
void skb_queue_purge(struct sk_buff_head *list);
void __skb_queue_purge(struct sk_buff_head *list);

#endif
