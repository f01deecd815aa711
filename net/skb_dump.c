/*
 * net/skb_dump.c - looking at skbs: skb_dump() and the monitor's `skbinfo`.
 *
 *   > skbinfo            counters since boot and the two slab caches
 *   > skbinfo demo       build one skb step by step, skb_dump it after each
 *                        step (reserve, put, push, pull), then free it
 */
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <mm/slab.h>
#include <net/skbuff.h>
#include <net/sock.h>
#include <stdio.h>
#include <string.h>

#define SKB_DUMP_SHORT	64	/* data bytes shown without full_pkt */

/* Print @len bytes at @p, 16 a line, each line prefixed with @prefix and the offset. */
static void skb_hex_dump(const char *level, const char *prefix, const unsigned char *p,
			 unsigned int len)
{
	char line[16 * 3 + 1];

	for (unsigned int off = 0; off < len; off += 16) {
		unsigned int n = len - off < 16 ? len - off : 16, i;

		for (i = 0; i < n; i++)
			snprintf(line + 3 * i, sizeof(line) - 3 * i, " %02x", p[off + i]);
		line[3 * n] = '\0';
		printk("%s%s%08x:%s\n", level, prefix, off, line);
	}
}

/* A header offset for printing: -1 when unset. */
static int hdr_off(u16 off)
{
	return off == SKB_HEADER_UNSET ? -1 : off;
}

/* skb_dump - three lines of fields, then the data in hex.  Any context (printk only). */
void skb_dump(const char *level, const struct sk_buff *skb, bool full_pkt)
{
	const struct skb_shared_info *sh = skb_shinfo(skb);
	unsigned int shown = full_pkt ? skb_headlen(skb) : min(skb_headlen(skb), SKB_DUMP_SHORT);

	printk("%sskb %p len=%u data_len=%u headroom=%u headlen=%u tailroom=%d truesize=%u\n",
	       level, (const void *)skb, skb->len, skb->data_len, skb_headroom(skb),
	       skb_headlen(skb), skb_tailroom(skb), skb->truesize);
	printk("%sskb head=%p data=+%u tail=+%u end=+%u mac=%d net=%d trans=%d mac_len=%u\n",
	       level, (const void *)skb->head, skb_headroom(skb),
	       (unsigned int)(skb->tail - skb->head), skb_end_offset(skb),
	       hdr_off(skb->mac_header), hdr_off(skb->network_header),
	       hdr_off(skb->transport_header), skb->mac_len);
	printk("%sskb users=%d dataref=%d cloned=%u fclone=%u pfmemalloc=%u proto=0x%04x "
	       "pkttype=%u ip_summed=%u dev=%p sk=%p nr_frags=%u\n",
	       level, __atomic_load_n(&skb->users, __ATOMIC_RELAXED),
	       __atomic_load_n(&sh->dataref, __ATOMIC_RELAXED), skb->cloned, skb->fclone,
	       skb->pfmemalloc, (unsigned int)skb->protocol, skb->pkt_type, skb->ip_summed,
	       (void *)skb->dev, (void *)skb->sk, sh->nr_frags);
	skb_hex_dump(level, "skb linear:   ", skb->data, shown);
	if (shown < skb_headlen(skb))
		printk("%sskb linear:   ... %u more bytes\n", level, skb_headlen(skb) - shown);
}

static void show_cache(const char *name, struct kmem_cache *s)
{
	struct slabinfo si;

	if (!s) {
		printk("  %-20s not created (skb_init has not run)\n", name);
		return;
	}
	get_slabinfo(s, &si);
	printk("  %-20s active %lu of %lu objects, %lu slabs\n", name, si.active_objs,
	       si.num_objs, si.num_slabs);
}

/* The demo: what each step does to the pointers, as docs/network.md draws it. */
static int skbinfo_demo(void)
{
	static const char payload[] = "hello, world";
	struct sk_buff *skb;

	skb_init();	/* the monitor is a thread: fine, and a no-op after boot's */
	skb = alloc_skb(128, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	printk("after alloc_skb(128):\n");
	skb_dump(KERN_INFO, skb, false);
	skb_reserve(skb, 42);
	printk("after skb_reserve(42):\n");
	skb_dump(KERN_INFO, skb, false);
	skb_put_data(skb, payload, sizeof(payload) - 1);
	printk("after skb_put(%zu) of \"%s\":\n", sizeof(payload) - 1, payload);
	skb_dump(KERN_INFO, skb, false);
	memset(skb_push(skb, 8), 0xaa, 8);
	skb_reset_transport_header(skb);
	printk("after skb_push(8) of a header, skb_reset_transport_header:\n");
	skb_dump(KERN_INFO, skb, false);
	skb_pull(skb, 8);
	printk("after skb_pull(8):\n");
	skb_dump(KERN_INFO, skb, false);
	consume_skb(skb);
	return 0;
}

static int cmd_skbinfo(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "demo"))
		return skbinfo_demo();
	if (argc > 1)
		return -EINVAL;
	printk("skbs: %lu live, %lu allocated, %lu freed, %lu dropped, %lu failed\n",
	       skb_live(), skb_stats.allocated, skb_stats.freed, skb_stats.dropped,
	       skb_stats.alloc_failed);
	printk("fast clones used: %lu; reserve (pfmemalloc) buffers: %lu\n",
	       skb_stats.fclone_hits, skb_stats.pfmemalloc);
	printk("memalloc sockets: %d; pfmemalloc drops at sockets: %lu\n", memalloc_socks,
	       sk_pfmemalloc_drops);
	show_cache("skbuff_head_cache", skbuff_head_cache);
	show_cache("skbuff_fclone_cache", skbuff_fclone_cache);
	return 0;
}
MONITOR_CMD(skbinfo, "sk_buff counters and caches; 'skbinfo demo' draws one skb", cmd_skbinfo);
