/*
 * SPDX-License-Identifier: MIT
 * tests/host/test_skb.c - net/skbuff.c and net/skb_queue.c on the host,
 * under AddressSanitizer and UBSan.
 *
 * The slab allocator underneath is a fake (shim/host_slab.c): every object
 * is its own malloc, so ASan catches a byte written past a buffer or a use
 * after free, and the fake counts live objects, so a leak on any path
 * shows.  kmalloc rounds sizes up to the kernel's own size classes
 * (<mm/kmalloc_sizes.h>), so the "ksize slack becomes tailroom" rule is
 * exercised with the guest's figures.
 *
 * The centre is a random walk: thousands of alloc / reserve / put / push /
 * pull / trim / clone / copy / get / expand / free operations on a handful
 * of skbs, each checked against a model of headroom, length, tailroom,
 * contents and reference counts (users, both halves of dataref with
 * skb_header_release in the mix, fclone_ref and the companion's state).
 */
#include <kernel/preempt.h>
#include <malloc.h>
#include <mm/slab.h>
#include <net/skbuff.h>
#include <net/sock.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "htest.h"
#include "shim/host_slab.h"

/* The slab is the shared fake (shim/host_slab.c): each object its own malloc. */

/* ---- the model ------------------------------------------------------------------------ */

#define MAX_SKBS 8
#define MAX_BUF	 (1 << 14)

struct mskb {
	struct sk_buff *skb; /* NULL: slot free */
	unsigned int headroom, len, tailroom;
	int users;
	bool nohdr;		     /* skb_header_release was called */
	unsigned char data[MAX_BUF]; /* what [data, data + len) must hold */
};

static struct mskb models[MAX_SKBS];
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static unsigned int rnd(unsigned int n)
{
	htest_rand(&rng);
	return n ? (unsigned int)(rng % n) : 0;
}

static void rnd_bytes(unsigned char *p, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		p[i] = (unsigned char)rnd(256);
}

static bool alive(const struct sk_buff *skb)
{
	for (int i = 0; i < MAX_SKBS; i++)
		if (models[i].skb == skb)
			return true;
	return false;
}

/*
 * How many live skbs use @head (*@nohdr: how many of them released the
 * headers): dataref must be refs + (nohdr << SKB_DATAREF_SHIFT).
 */
static int sharing(const unsigned char *head, int *nohdr)
{
	int n = 0;

	*nohdr = 0;
	for (int i = 0; i < MAX_SKBS; i++) {
		if (models[i].skb && models[i].skb->head == head) {
			n++;
			*nohdr += models[i].nohdr;
		}
	}
	return n;
}

/*
 * 3.10's fast-clone object: original, companion (skb + 1), fclone_ref
 * (skb + 2).  The companion is CLONE exactly while it is a live skb here,
 * and fclone_ref counts the live halves.
 */
static void check_fclone(const struct sk_buff *skb)
{
	const struct sk_buff *orig;

	if (skb->fclone == SKB_FCLONE_ORIG) {
		orig = skb;
		CHECK((orig + 1)->fclone ==
		      (alive(orig + 1) ? SKB_FCLONE_CLONE : SKB_FCLONE_UNAVAILABLE));
	} else if (skb->fclone == SKB_FCLONE_CLONE) {
		orig = skb - 1;
	} else {
		return;
	}
	CHECK(*(const int *)(orig + 2) == alive(orig) + alive(orig + 1));
}

static void check_one(const struct mskb *m)
{
	const struct sk_buff *skb = m->skb;
	int nohdr, refs = sharing(skb->head, &nohdr);

	CHECK(skb->head <= skb->data && skb->data <= skb_tail_pointer(skb));
	CHECK(skb->tail <= skb->end && skb_end_offset(skb) == skb->end);
	CHECK(skb->len == (unsigned int)(skb_tail_pointer(skb) - skb->data));
	CHECK(skb->data_len == 0);
	CHECK(skb_headroom(skb) == m->headroom);
	CHECK(skb->len == m->len);
	CHECK((unsigned int)skb_tailroom(skb) == m->tailroom);
	CHECK(memcmp(skb->data, m->data, m->len) == 0);
	CHECK(skb->users == m->users);
	CHECK(skb->nohdr == m->nohdr);
	CHECK(skb_shinfo(skb)->dataref == refs + (nohdr << SKB_DATAREF_SHIFT));
	CHECK(skb_cloned(skb) == (refs > 1));
	CHECK(skb_header_cloned(skb) == (skb->cloned && refs - nohdr != 1));
	check_fclone(skb);
}

static void check_all(void)
{
	for (int i = 0; i < MAX_SKBS; i++)
		if (models[i].skb)
			check_one(&models[i]);
}

static struct mskb *free_slot(void)
{
	for (int i = 0; i < MAX_SKBS; i++)
		if (!models[i].skb)
			return &models[i];
	return NULL;
}

static struct mskb *some_skb(void)
{
	int start = rnd(MAX_SKBS);

	for (int i = 0; i < MAX_SKBS; i++)
		if (models[(start + i) % MAX_SKBS].skb)
			return &models[(start + i) % MAX_SKBS];
	return NULL;
}

/* ---- the operations ---------------------------------------------------------------------- */

static void op_alloc(void)
{
	struct mskb *m = free_slot();
	unsigned int size = rnd(3000);

	if (!m)
		return;
	m->skb = __alloc_skb(size, GFP_ATOMIC, rnd(2) ? SKB_ALLOC_FCLONE : 0, NUMA_NO_NODE);
	CHECK(m->skb != NULL);
	CHECK(skb_tailroom(m->skb) >= (int)size);
	m->headroom = 0;
	m->len = 0;
	m->tailroom = skb_tailroom(m->skb);
	m->users = 1;
	m->nohdr = false;
}

/* Before writing: data must be private (unclone) - what the stack must do too. */
static bool make_writable(struct mskb *m)
{
	if (m->users > 1)
		return false; /* pskb_expand_head needs an unshared skb */
	if (skb_cloned(m->skb))
		m->nohdr = false; /* a private buffer: the headers are ours again */
	CHECK(skb_unclone(m->skb, GFP_ATOMIC) == 0);
	CHECK(!skb_cloned(m->skb));
	CHECK((unsigned int)skb_tailroom(m->skb) >= m->tailroom);
	m->tailroom = skb_tailroom(m->skb);
	return true;
}

static void op_reserve(struct mskb *m)
{
	unsigned int n = rnd(m->tailroom + 1);

	if (m->len)
		return;
	skb_reserve(m->skb, n);
	m->headroom += n;
	m->tailroom -= n;
}

static void op_put(struct mskb *m)
{
	unsigned int n = rnd(min(m->tailroom, MAX_BUF - m->len) + 1);
	unsigned char *p;

	if (!make_writable(m))
		return;
	p = skb_put(m->skb, n);
	CHECK(p == m->skb->data + m->len);
	rnd_bytes(m->data + m->len, n);
	memcpy(p, m->data + m->len, n);
	m->len += n;
	m->tailroom -= n;
}

static void op_push(struct mskb *m)
{
	unsigned int n = rnd(m->headroom + 1);
	unsigned char *p;

	if (!make_writable(m) || m->len + n > MAX_BUF)
		return;
	p = skb_push(m->skb, n);
	CHECK(p == m->skb->data);
	memmove(m->data + n, m->data, m->len);
	rnd_bytes(m->data, n);
	memcpy(p, m->data, n);
	m->len += n;
	m->headroom -= n;
}

static void op_pull(struct mskb *m)
{
	unsigned int n = rnd(m->len + 6);
	void *p = skb_pull(m->skb, n);

	if (n > m->len) {
		CHECK(p == NULL);
		return;
	}
	CHECK(p == m->skb->data);
	memmove(m->data, m->data + n, m->len - n);
	m->len -= n;
	m->headroom += n;
}

static void op_trim(struct mskb *m)
{
	unsigned int n = rnd(m->len + 6);

	skb_trim(m->skb, n);
	if (n < m->len) {
		m->tailroom += m->len - n;
		m->len = n;
	}
}

static void op_clone_or_copy(struct mskb *m, bool copy)
{
	struct mskb *n = free_slot();

	if (!n)
		return;
	n->skb = copy ? skb_copy(m->skb, GFP_ATOMIC) : skb_clone(m->skb, GFP_ATOMIC);
	CHECK(n->skb != NULL);
	n->headroom = m->headroom;
	n->len = m->len;
	n->tailroom = skb_tailroom(n->skb);
	CHECK(n->tailroom >= m->tailroom);
	CHECK(copy ? n->skb->head != m->skb->head : n->skb->head == m->skb->head);
	n->users = 1;
	n->nohdr = false;
	memcpy(n->data, m->data, m->len);
}

static void op_expand(struct mskb *m)
{
	unsigned int nhead = rnd(200), ntail = rnd(200);

	if (m->users > 1 || m->headroom + m->len + m->tailroom + nhead + ntail > MAX_BUF)
		return;
	CHECK(pskb_expand_head(m->skb, nhead, ntail, GFP_ATOMIC) == 0);
	m->nohdr = false;
	m->headroom += nhead;
	CHECK((unsigned int)skb_tailroom(m->skb) >= m->tailroom + ntail);
	m->tailroom = skb_tailroom(m->skb);
}

/* Give up the headers, once per skb (as a sender keeping the original does). */
static void op_header_release(struct mskb *m)
{
	if (m->nohdr)
		return;
	skb_header_release(m->skb);
	m->nohdr = true;
}

static void op_free(struct mskb *m)
{
	if (rnd(2))
		kfree_skb(m->skb);
	else
		consume_skb(m->skb);
	if (--m->users == 0)
		m->skb = NULL;
}

static void random_step(void)
{
	struct mskb *m = some_skb();
	unsigned int op = rnd(13);

	if (!m || op == 0) {
		op_alloc();
		return;
	}
	switch (op) {
	case 1:
		op_reserve(m);
		break;
	case 2:
	case 3:
		op_put(m);
		break;
	case 4:
		op_push(m);
		break;
	case 5:
		op_pull(m);
		break;
	case 6:
		op_trim(m);
		break;
	case 7:
		op_clone_or_copy(m, false);
		break;
	case 8:
		op_clone_or_copy(m, true);
		break;
	case 9:
		if (m->users < 3) {
			skb_get(m->skb);
			m->users++;
		}
		break;
	case 10:
		op_expand(m);
		break;
	case 11:
		op_header_release(m);
		break;
	default:
		op_free(m);
		break;
	}
}

HTEST(random_operations_match_the_model)
{
	for (int i = 0; i < 40000 && !htest_failed; i++) {
		random_step();
		check_all();
	}
	for (int i = 0; i < MAX_SKBS; i++)
		while (models[i].skb)
			op_free(&models[i]);
	CHECK(host_slab_live == 0);
	CHECK(skb_live() == 0);
	printf("# %lu skbs allocated, %lu fast clones, %lu dropped\n", skb_stats.allocated,
	       skb_stats.fclone_hits, skb_stats.dropped);
}

/* ---- reference counting rules ------------------------------------------------------------- */

HTEST(fclone_companion_is_reused_and_pair_freed_last)
{
	struct sk_buff *skb = alloc_skb_fclone(100, GFP_ATOMIC), *c1, *c2;
	int *fclone_ref = (int *)(skb + 2);
	unsigned long live = host_slab_live;

	CHECK(skb->fclone == SKB_FCLONE_ORIG && *fclone_ref == 1);
	CHECK((skb + 1)->fclone == SKB_FCLONE_UNAVAILABLE);
	c1 = skb_clone(skb, GFP_ATOMIC);
	CHECK(c1 == skb + 1 && host_slab_live == live && *fclone_ref == 2);
	CHECK(c1->fclone == SKB_FCLONE_CLONE);
	c2 = skb_clone(skb, GFP_ATOMIC);
	CHECK(c2 != skb + 1 && host_slab_live == live + 1 && c2->fclone == SKB_FCLONE_UNAVAILABLE);
	CHECK(skb_shinfo(skb)->dataref == 3);
	kfree_skb(c1); /* the companion is free again ... */
	CHECK((skb + 1)->fclone == SKB_FCLONE_UNAVAILABLE && *fclone_ref == 1);
	c1 = skb_clone(skb, GFP_ATOMIC); /* ... and handed out again */
	CHECK(c1 == skb + 1 && host_slab_live == live + 1 && *fclone_ref == 2);
	kfree_skb(skb); /* orig first: the object stays for c1 */
	CHECK(*fclone_ref == 1 && host_slab_live == live + 1);
	kfree_skb(c2);
	CHECK(skb_shinfo(c1)->dataref == 1 && !skb_cloned(c1));
	kfree_skb(c1);
	CHECK(host_slab_live == live - 2); /* the object and the data gone */
}

HTEST(users_and_dataref_are_independent)
{
	struct sk_buff *skb = alloc_skb(10, GFP_ATOMIC), *c;

	skb_get(skb);
	CHECK(skb_shared(skb) && !skb_cloned(skb));
	c = skb_clone(skb, GFP_ATOMIC);
	CHECK(skb->users == 2 && c->users == 1);
	CHECK(skb_shinfo(skb)->dataref == 2 && skb_cloned(skb) && skb_cloned(c));
	kfree_skb(skb);
	kfree_skb(skb);
	CHECK(!skb_cloned(c) && host_slab_live == 2); /* c's struct and the data */
	kfree_skb(c);
	CHECK(host_slab_live == 0);
}

/* ---- failures and the reserve ------------------------------------------------------------- */

HTEST(every_allocation_failure_returns_null_and_leaks_nothing)
{
	static const int flags[] = { 0, SKB_ALLOC_FCLONE, SKB_ALLOC_RX };

	for (unsigned int f = 0; f < 3; f++) {
		unsigned long nth;

		for (nth = 1; nth < 10; nth++) {
			struct sk_buff *skb;

			host_slab_fail_nth = nth;
			skb = __alloc_skb(500, GFP_ATOMIC, flags[f], NUMA_NO_NODE);
			host_slab_fail_nth = 0;
			if (skb) {
				kfree_skb(skb);
				break;
			}
			CHECK(host_slab_live == 0);
		}
		CHECK(nth == 3); /* two failure points: the struct, the data */
	}
	struct sk_buff *skb = alloc_skb(100, GFP_ATOMIC), *c;

	host_slab_fail_nth = 1;
	CHECK(skb_clone(skb, GFP_ATOMIC) == NULL);
	host_slab_fail_nth = 1;
	CHECK(skb_copy(skb, GFP_ATOMIC) == NULL);
	host_slab_fail_nth = 1;
	CHECK(pskb_expand_head(skb, 10, 0, GFP_ATOMIC) == -ENOMEM);
	CHECK(skb_headroom(skb) == 0);
	skb_get(skb);
	host_slab_fail_nth = 1;
	c = skb_share_check(skb, GFP_ATOMIC); /* fails: drops our reference */
	CHECK(c == NULL && skb->users == 1);
	host_slab_fail_nth = 0;
	kfree_skb(skb);
	CHECK(host_slab_live == 0);
}

HTEST(rx_buffer_from_reserve_only_with_memalloc_socket)
{
	struct sock sk = { 0 };
	struct sk_buff *skb;

	host_slab_pressure = true;
	CHECK(__alloc_skb(100, GFP_ATOMIC, SKB_ALLOC_RX, NUMA_NO_NODE) == NULL);
	CHECK(host_slab_live == 0);
	sk_set_memalloc(&sk);
	CHECK(__alloc_skb(100, GFP_ATOMIC, 0, NUMA_NO_NODE) == NULL); /* not RX */
	skb = __netdev_alloc_skb(NULL, 100, GFP_ATOMIC);
	host_slab_pressure = false;
	CHECK(skb != NULL && skb_pfmemalloc(skb));
	CHECK(sk_filter(&sk, skb) == 0);
	sk_clear_memalloc(&sk);
	CHECK(sk_filter(&sk, skb) == -ENOMEM);
	kfree_skb(skb);
	skb = netdev_alloc_skb(NULL, 100);
	CHECK(skb != NULL && !skb_pfmemalloc(skb));
	kfree_skb(skb);
	CHECK(host_slab_live == 0);
}

HTEST(sleeping_mask_in_atomic_context_warns_once)
{
	unsigned long before = might_sleep_warnings;
	struct sk_buff *skb;

	preempt_disable();
	skb = alloc_skb(100, GFP_KERNEL);
	preempt_enable();
	CHECK(skb != NULL);
	CHECK(might_sleep_warnings == before + 1);
	kfree_skb(skb);
	skb = alloc_skb(100, GFP_ATOMIC);
	preempt_disable();
	kfree_skb(skb);
	preempt_enable();
	CHECK(might_sleep_warnings == before + 1);
}

static void put_too_much(void)
{
	struct sk_buff *skb = alloc_skb(100, GFP_ATOMIC);

	skb_put(skb, skb_tailroom(skb) + 1);
}

static void push_too_much(void)
{
	struct sk_buff *skb = alloc_skb(100, GFP_ATOMIC);

	skb_reserve(skb, 4);
	skb_push(skb, 5);
}

HTEST(put_and_push_past_the_buffer_panic)
{
	CHECK(htest_child_panics_with(put_too_much, "skb_over_panic: text:"));
	CHECK(htest_child_panics_with(push_too_much, "skb_under_panic: text:"));
}

/* ---- queues ---------------------------------------------------------------------------------- */

static struct sk_buff *tagged(unsigned char tag)
{
	struct sk_buff *skb = alloc_skb(4, GFP_ATOMIC);

	*(unsigned char *)skb_put(skb, 1) = tag;
	return skb;
}

HTEST(queue_functions)
{
	struct sk_buff_head q;
	struct sk_buff *skb, *tmp;
	int order = 0;

	skb_queue_head_init(&q);
	CHECK(skb_queue_empty(&q) && !skb_peek(&q) && !skb_peek_tail(&q) && !skb_dequeue(&q));
	skb_queue_tail(&q, tagged(2));
	skb_queue_head(&q, tagged(1));
	__skb_queue_tail(&q, tagged(3));
	__skb_queue_head(&q, tagged(0));
	CHECK(skb_queue_len(&q) == 4);
	CHECK(skb_peek(&q)->data[0] == 0 && skb_peek_tail(&q)->data[0] == 3);
	skb_queue_walk(&q, skb)
		order = order * 10 + skb->data[0];
	CHECK(order == 123);
	skb = skb_dequeue_tail(&q);
	CHECK(skb->data[0] == 3 && !skb->next && !skb->prev);
	kfree_skb(skb);
	skb = skb_peek(&q)->next;
	skb_unlink(skb, &q);
	CHECK(skb->data[0] == 1 && skb_queue_len(&q) == 2);
	kfree_skb(skb);
	skb = skb_dequeue(&q);
	CHECK(skb->data[0] == 0);
	kfree_skb(skb);
	skb_queue_walk_safe(&q, skb, tmp) {
		__skb_unlink(skb, &q);
		kfree_skb(skb);
	}
	CHECK(skb_queue_empty(&q) && skb_queue_len(&q) == 0);
	for (int i = 0; i < 50; i++)
		skb_queue_tail(&q, tagged(i));
	skb_queue_purge(&q);
	CHECK(skb_queue_empty(&q) && host_slab_live == 0);
	__skb_queue_tail(&q, tagged(9));
	__skb_queue_purge(&q);
	CHECK(skb_queue_empty(&q) && host_slab_live == 0);
}

static const struct htest tests[] = {
	HTEST_ENTRY(random_operations_match_the_model),
	HTEST_ENTRY(fclone_companion_is_reused_and_pair_freed_last),
	HTEST_ENTRY(users_and_dataref_are_independent),
	HTEST_ENTRY(every_allocation_failure_returns_null_and_leaks_nothing),
	HTEST_ENTRY(rx_buffer_from_reserve_only_with_memalloc_socket),
	HTEST_ENTRY(sleeping_mask_in_atomic_context_warns_once),
	HTEST_ENTRY(put_and_push_past_the_buffer_panic),
	HTEST_ENTRY(queue_functions),
};

int main(void)
{
	skb_init();
	return htest_main("test_skb", tests, HTEST_COUNT(tests));
}
