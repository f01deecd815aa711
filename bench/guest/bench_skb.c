/*
 * SPDX-License-Identifier: MIT
 * bench/guest/bench_skb.c - socket buffers in guest instructions, beside a
 * newlib-malloc buffer of the same size in the same run (make bench, or
 * boot with bench=skb).
 *
 *   alloc_skb(1500, GFP_ATOMIC)+kfree_skb     two slab allocations (the
 *        struct from skbuff_head_cache, 1500 bytes + skb_shared_info from
 *        kmalloc-2048) and the setup of both
 *   vs   malloc(sizeof(struct sk_buff)) + malloc(1500 + shinfo), the same
 *        pointers set by hand, two frees
 *   netdev_alloc_skb(1514)+kfree_skb          the same plus NET_SKB_PAD
 *   skb_clone+kfree_skb, fclone vs plain      the companion of a fast-clone
 *        skb (no allocation) against a struct from skbuff_head_cache
 */
#include <arch/x86.h>
#include <kernel/bench.h>
#include <net/skbuff.h>
#include <stdlib.h>
#include <string.h>

#define BENCH_MTU 1500

/* The malloc-based stand-in: the same two blocks and the fields an skb sets up. */
struct malloc_buf {
	unsigned char *head, *data;
	unsigned int tail, end; /* offsets from head, as sk_buff_data_t */
	unsigned int len, truesize;
	int users;
	char rest[sizeof(struct sk_buff) - 2 * sizeof(void *) - 5 * sizeof(int)];
};

static void malloc_buf_pair(unsigned int size, unsigned int headroom)
{
	struct malloc_buf *b = malloc(sizeof(*b));
	size_t bytes = SKB_DATA_ALIGN(size) + SKB_DATA_ALIGN(sizeof(struct skb_shared_info));
	struct skb_shared_info *shinfo;

	if (!b)
		return;
	memset(b, 0, sizeof(*b));
	b->head = malloc(bytes);
	if (b->head) {
		b->data = b->head + headroom;
		b->tail = headroom;
		b->end = SKB_DATA_ALIGN(size);
		b->users = 1;
		b->truesize = bytes + sizeof(*b);
		shinfo = (struct skb_shared_info *)(b->head + b->end);
		memset(shinfo, 0, offsetof(struct skb_shared_info, dataref)); /* as __alloc_skb */
		shinfo->dataref = 1;
	}
	free(b->head);
	free(b);
}

static u64 bench_alloc_skb(unsigned long iters)
{
	u64 start;

	skb_init();
	start = rdtsc();
	for (unsigned long i = 0; i < iters; i++)
		kfree_skb(alloc_skb(BENCH_MTU, GFP_ATOMIC));
	return rdtsc() - start;
}

static u64 bench_malloc_buf(unsigned long iters)
{
	u64 start = rdtsc();

	for (unsigned long i = 0; i < iters; i++)
		malloc_buf_pair(BENCH_MTU, 0);
	return rdtsc() - start;
}

static u64 bench_netdev_alloc_skb(unsigned long iters)
{
	u64 start;

	skb_init();
	start = rdtsc();
	for (unsigned long i = 0; i < iters; i++)
		kfree_skb(netdev_alloc_skb(NULL, BENCH_MTU + 14));
	return rdtsc() - start;
}

static u64 bench_malloc_rx_buf(unsigned long iters)
{
	u64 start = rdtsc();

	for (unsigned long i = 0; i < iters; i++)
		malloc_buf_pair(NET_SKB_PAD + BENCH_MTU + 14, NET_SKB_PAD);
	return rdtsc() - start;
}

/* Clone and free the clone, @iters times, of one skb allocated with @flags. */
static u64 bench_clone(unsigned long iters, int flags)
{
	struct sk_buff *skb;
	u64 start, ticks;

	skb_init();
	skb = __alloc_skb(BENCH_MTU, GFP_KERNEL, flags, NUMA_NO_NODE);
	if (!skb)
		return 0;
	start = rdtsc();
	for (unsigned long i = 0; i < iters; i++)
		kfree_skb(skb_clone(skb, GFP_ATOMIC));
	ticks = rdtsc() - start;
	kfree_skb(skb);
	return ticks;
}

static u64 bench_clone_fclone(unsigned long iters)
{
	return bench_clone(iters, SKB_ALLOC_FCLONE);
}

static u64 bench_clone_plain(unsigned long iters)
{
	return bench_clone(iters, 0);
}

BENCH(skb_alloc, "skb alloc_skb(1500, GFP_ATOMIC)+kfree_skb", bench_alloc_skb,
      "newlib malloc struct + malloc(1500 + shinfo), two frees", bench_malloc_buf);
BENCH(skb_netdev_alloc, "skb netdev_alloc_skb(1514)+kfree_skb", bench_netdev_alloc_skb,
      "newlib malloc struct + malloc(NET_SKB_PAD + 1514 + shinfo)", bench_malloc_rx_buf);
BENCH(skb_clone, "skb skb_clone+kfree_skb of an fclone skb", bench_clone_fclone,
      "skb_clone+kfree_skb of a plain skb", bench_clone_plain);
