/*
 * SPDX-License-Identifier: MIT
 * net/skb_dump.c - looking at skbs: skb_dump() and the monitor's `skbinfo`.
 *
 *   > skbinfo            counters since boot and the two slab caches
 *   > skbinfo demo       build one skb step by step (reserve, put, push,
 *                        pull), draw its buffer after each step and
 *                        skb_dump it, then free it
 */
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <mm/slab.h>
#include <net/skbuff.h>
#include <net/sock.h>
#include <stdio.h>
#include <string.h>

#define SKB_DUMP_SHORT 64 /* data bytes shown without full_pkt */

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
static int hdr_off(sk_buff_data_t off)
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
	printk("%sskb head=%p data=+%u tail=+%u end=+%u mac=%d net=%d trans=%d mac_len=%u\n", level,
	       (const void *)skb->head, skb_headroom(skb), skb->tail, skb_end_offset(skb),
	       hdr_off(skb->mac_header), hdr_off(skb->network_header),
	       hdr_off(skb->transport_header), skb->mac_len);
	/* dataref's halves apart: all references, then the payload-only ones (nohdr). */
	printk("%sskb users=%d dataref=%d cloned=%u fclone=%u pfmemalloc=%u proto=0x%04x "
	       "pkttype=%u ip_summed=%u dev=%p sk=%p nr_frags=%u nohdr=%u payload_refs=%d\n",
	       level, __atomic_load_n(&skb->users, __ATOMIC_RELAXED),
	       skb_dataref(skb) & SKB_DATAREF_MASK, skb->cloned, skb->fclone, skb->pfmemalloc,
	       (unsigned int)skb->protocol, skb->pkt_type, skb->ip_summed, (void *)skb->dev,
	       (void *)skb->sk, sh->nr_frags, skb->nohdr, skb_dataref(skb) >> SKB_DATAREF_SHIFT);
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
	printk("  %-20s active %lu of %lu objects, %lu slabs\n", name, si.active_objs, si.num_objs,
	       si.num_slabs);
}

/* ---- skbinfo demo: a picture of the buffer ------------------------------------------- */

#define SKB_DRAW_COLS	40  /* head..end, to scale; each region gets room for its label */
#define SKB_DRAW_MAX	160 /* the longest row */
#define SKB_DRAW_SHINFO "skb_shared_info"

/*
 * Region @from..@to of @bar (the '|' at both ends already there): headroom
 * and tailroom as "<-- label -->", the data as "== label ==".
 */
static void draw_region(char *bar, unsigned int from, unsigned int to, const char *label, bool room)
{
	unsigned int len = (unsigned int)strlen(label);
	unsigned int start = from + 1 + (to - from - 1 - len) / 2;

	memset(bar + from + 1, room ? '-' : '=', to - from - 1);
	if (room) {
		bar[from + 1] = '<';
		bar[to - 1] = '>';
	}
	bar[start - 1] = ' ';
	memcpy(bar + start, label, len);
	bar[start + len] = ' ';
}

/* The length of @row without its trailing spaces. */
static int trimmed_len(const char *row)
{
	size_t len = strlen(row);

	while (len && row[len - 1] == ' ')
		len--;
	return (int)len;
}

/* Write @text into @row at column @col, or after what is there; returns the column after it. */
static unsigned int draw_text(char *row, unsigned int col, unsigned int used, const char *text)
{
	size_t len = strlen(text);

	if (used && col <= used)
		col = used + 1;
	if (col + len >= SKB_DRAW_MAX)
		return used;
	memcpy(row + col, text, len);
	return col + (unsigned int)len;
}

/* The pointer names (head, data, tail, end) and their offsets above and below the bar. */
static void draw_marks(char *names, char *offs, const unsigned int *off, const unsigned int *col)
{
	static const char *const ptr[4] = { "head", "data", "tail", "end" };
	unsigned int nused = 0, oused = 0;
	char buf[32];

	for (int i = 0; i < 4; i++) {
		int n = 0;

		if (i && off[i] == off[i - 1])
			continue; /* named with the pointer before it */
		for (int j = i; j < 4 && off[j] == off[i]; j++)
			n += snprintf(buf + n, sizeof(buf) - n, "%s%s", j > i ? "=" : "", ptr[j]);
		nused = draw_text(names, col[i], nused, buf);
		snprintf(buf, sizeof(buf), "%u", off[i]);
		oused = draw_text(offs, col[i], oused, buf);
	}
	snprintf(buf, sizeof(buf), "%zu", off[3] + sizeof(struct skb_shared_info));
	draw_text(offs, col[3] + (unsigned int)sizeof(SKB_DRAW_SHINFO) + 2, oused, buf);
}

/*
 * skb_draw - the buffer of @skb as a picture, roughly to scale:
 *
 *   head              data       tail                    end
 *   |<- headroom 42 ->|= len 12 =|<---- tailroom 74 ---->| skb_shared_info |
 *   0                 42         54                      128               152
 */
static void skb_draw(const struct sk_buff *skb)
{
	static const char *const what[3] = { "headroom", "len", "tailroom" };
	unsigned int off[4] = { 0, skb_headroom(skb), skb_headroom(skb) + skb_headlen(skb),
				skb_end_offset(skb) };
	char names[SKB_DRAW_MAX] = "", bar[SKB_DRAW_MAX] = "", offs[SKB_DRAW_MAX] = "";
	unsigned int col[4] = { 0 };

	memset(names, ' ', sizeof(names) - 1);
	memset(offs, ' ', sizeof(offs) - 1);
	memset(bar, ' ', sizeof(bar) - 1);
	bar[0] = '|';
	for (int i = 0; i < 3; i++) {
		unsigned int bytes = off[i + 1] - off[i], width;
		char label[24];

		col[i + 1] = col[i];
		if (!bytes)
			continue;
		snprintf(label, sizeof(label), "%s %u", what[i], bytes);
		width = max((unsigned int)strlen(label) + (i == 1 ? 4 : 6),
			    bytes * SKB_DRAW_COLS / off[3]); /* bytes != 0: off[3] > 0 */
		col[i + 1] = col[i] + width + 1;
		bar[col[i + 1]] = '|';
		draw_region(bar, col[i], col[i + 1], label, i != 1);
	}
	snprintf(bar + col[3] + 1, sizeof(bar) - col[3] - 1, " " SKB_DRAW_SHINFO " |");
	draw_marks(names, offs, off, col);
	printk("  %.*s\n  %s\n  %.*s\n", trimmed_len(names), names, bar, trimmed_len(offs), offs);
}

/* One step of the demo: what was done, the picture, then skb_dump's numbers. */
static void skbinfo_step(const struct sk_buff *skb, const char *what)
{
	printk("after %s:\n", what);
	skb_draw(skb);
	skb_dump(KERN_INFO, skb, false);
}

/* The demo: what each step does to the pointers, as docs/network.md draws it. */
static int skbinfo_demo(void)
{
	static const char payload[] = "hello, world";
	struct sk_buff *skb;
	char step[48];

	skb_init(); /* the monitor is a thread: fine, and a no-op after boot's */
	skb = alloc_skb(128, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	printk("one skb, drawn after each step (offsets from head; skb_shared_info after end):\n");
	skbinfo_step(skb, "alloc_skb(128)");
	skb_reserve(skb, 42);
	skbinfo_step(skb, "skb_reserve(42)");
	skb_put_data(skb, payload, sizeof(payload) - 1);
	snprintf(step, sizeof(step), "skb_put(%zu) of \"%s\"", sizeof(payload) - 1, payload);
	skbinfo_step(skb, step);
	memset(skb_push(skb, 8), 0xaa, 8);
	skb_reset_transport_header(skb);
	skbinfo_step(skb, "skb_push(8) of a header, skb_reset_transport_header");
	skb_pull(skb, 8);
	skbinfo_step(skb, "skb_pull(8)");
	consume_skb(skb);
	return 0;
}

/* `skbinfo`: counters and caches; `skbinfo demo`: the drawn demo. */
static int cmd_skbinfo(int argc, char **argv)
{
	if (monitor_check_args(argc, argv, 0, 1))
		return -EINVAL;
	if (argc > 1 && strcmp(argv[1], "demo"))
		return monitor_bad_arg(argv[0], "unknown subcommand '%s' (only 'demo')", argv[1]);
	if (argc > 1)
		return skbinfo_demo();
	printk("skbs: %lu live, %lu allocated, %lu freed, %lu dropped, %lu failed\n", skb_live(),
	       skb_stats.allocated, skb_stats.freed, skb_stats.dropped, skb_stats.alloc_failed);
	printk("fast clones used: %lu; reserve (pfmemalloc) buffers: %lu\n", skb_stats.fclone_hits,
	       skb_stats.pfmemalloc);
	printk("memalloc sockets: %d; pfmemalloc drops at sockets: %lu\n", memalloc_socks,
	       sk_pfmemalloc_drops);
	show_cache("skbuff_head_cache", skbuff_head_cache);
	show_cache("skbuff_fclone_cache", skbuff_fclone_cache);
	return 0;
}
MONITOR_CMD(skbinfo, "skbinfo [demo]",
	    "sk_buff counters and caches; 'demo' builds one skb and draws it at each step",
	    cmd_skbinfo);
