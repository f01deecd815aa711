/*
 * SPDX-License-Identifier: MIT
 * drivers/net/virtio_net_ethtool.c - what the virtio-net driver shows on the
 * monitor: `ethtool [dev]` (its counters, as Linux's `ethtool -S` does),
 * and `memcheck`, the kernel's own memory counters in one line, which the
 * host-side network tests (tools/net_checks.py) read before and after a
 * burst of traffic to see that everything came back.
 */
#include <block/bio.h>
#include <drivers/virtio.h>
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <mm/mm.h>
#include <mm/paging.h>
#include <mm/slab.h>
#include <net/skbuff.h>
#include <string.h>

#include "virtio_net_internal.h"

/* One counter: its name and where it is in struct virtnet_stats. */
#define VNET_STAT(name)                                     \
	{                                                   \
#name, offsetof(struct virtnet_stats, name) \
	}

static const struct {
	const char *name;
	size_t offset;
} virtnet_stat_names[] = {
	VNET_STAT(rx_short),	     VNET_STAT(rx_too_long),	 VNET_STAT(rx_bad_hdr),
	VNET_STAT(rx_merged),	     VNET_STAT(rx_merged_bufs),	 VNET_STAT(rx_pfmemalloc),
	VNET_STAT(rx_refill_failed), VNET_STAT(rx_refill_timer), VNET_STAT(tx_hdr_pushed),
	VNET_STAT(tx_hdr_separate),  VNET_STAT(tx_ring_full),	 VNET_STAT(tx_errors),
	VNET_STAT(tx_completed),     VNET_STAT(link_changes),	 VNET_STAT(polls),
	VNET_STAT(interrupts),	     VNET_STAT(tx_interrupts),	 VNET_STAT(tx_reclaim_timer),
	VNET_STAT(ctrl_ok),	     VNET_STAT(ctrl_failed),	 VNET_STAT(affinity_failed),
};

/* Receive buffers posted and frames in flight, over the pairs in use. */
static void virtnet_ring_use(struct virtnet_info *vi, unsigned int *rx, unsigned int *tx)
{
	*rx = *tx = 0;
	for (unsigned int i = 0; i < vi->curr_queue_pairs; i++) {
		*rx += READ_ONCE(vi->rq[i].rx_posted);
		*tx += virtqueue_num_in_flight(vi->sq[i].vq);
	}
}

static void virtnet_show(struct virtnet_info *vi)
{
	struct virtio_device *vdev = vi->vdev;
	unsigned int rx, tx;

	virtnet_ring_use(vi, &rx, &tx);
	printk("%s: virtio-net on %s (%s), %s, features %#llx\n", vi->dev->name, vdev->name,
	       vdev->config->bus_name(vdev),
	       virtio_has_feature(vdev, VIRTIO_F_VERSION_1) ? "modern" : "legacy",
	       (unsigned long long)vdev->features);
	printk("    link %s; %u-byte header %s; rx: %u buffers of %u bytes in rings of %u; "
	       "tx: %u of %u in flight\n",
	       netif_carrier_ok(vi->dev) ? "up" : "down", vi->hdr_len,
	       vi->any_layout ? "in front of the frame" : "in its own descriptor", rx,
	       vi->rx_buf_len, vi->rq[0].vq->num_max, tx, vi->sq[0].vq->num_max);
	/* In use of offered (`ethtool -l`'s combined); tools/net_checks.py parses it. */
	printk("    queue pairs: %u of %u\n", vi->curr_queue_pairs, vi->dev_queue_pairs);
	printk("NIC statistics:\n");
	for (size_t i = 0; i < ARRAY_SIZE(virtnet_stat_names); i++)
		printk("     %s: %lu\n", virtnet_stat_names[i].name,
		       *(unsigned long *)((char *)&vi->stats + virtnet_stat_names[i].offset));
	/* The names later Linux virtio_net uses for these; tools/net_checks.py parses them. */
	for (unsigned int i = 0; i < vi->curr_queue_pairs; i++)
		printk("     rx_queue_%u_packets: %lu\n     tx_queue_%u_packets: %lu\n", i,
		       READ_ONCE(vi->rq[i].packets), i, READ_ONCE(vi->sq[i].packets));
}

/* `ethtool [-S] [<dev>]`: -S (the counters) is accepted as Linux's, and always shown. */
static int cmd_ethtool(int argc, char **argv)
{
	struct virtnet_info *vi;
	const char *name = NULL;
	bool found = false;
	int i = 1;

	if (i < argc && !strcmp(argv[i], "-S"))
		i++;
	if (i < argc && argv[i][0] == '-')
		return monitor_bad_arg(argv[0], "unknown option '%s' (only -S)", argv[i]);
	if (i < argc)
		name = argv[i++];
	if (i < argc)
		return monitor_bad_arg(argv[0], "too many arguments from '%s' on", argv[i]);
	list_for_each_entry(vi, &virtnet_devices, node) {
		if (name && strcmp(name, vi->dev->name))
			continue;
		virtnet_show(vi);
		found = true;
	}
	if (!found && name)
		return monitor_bad_arg(argv[0], "no virtio-net device '%s'", name);
	if (!found)
		printk("ethtool: no virtio-net device\n");
	return 0;
}
MONITOR_CMD(ethtool, "ethtool [-S] [<dev>]", "virtio-net devices, their layout and driver counters",
	    cmd_ethtool);

/*
 * memcheck: pages (free + page tables + slab, as the test harness counts
 * them: slab pages move with fragmentation, slab objects do not), slab
 * objects, live skbs, threads, bios in use.  Empty slabs are returned first.
 * The four first fields keep their order: host checks parse the line's start.
 */
static int cmd_memcheck(int argc, char **argv)
{
	unsigned long free, slab;

	kmem_cache_shrink_all();
	free = nr_free_pages();
	slab = slab_nr_pages();
	printk("memcheck: pages %lu objects %lu skbs %lu threads %lu bios %lu (free %lu, "
	       "page tables %lu, slab %lu)\n",
	       free + pgtable_pages + slab, slab_live_objects(), skb_live(), READ_ONCE(nr_threads),
	       bios_in_use(), free, pgtable_pages, slab);
	return 0;
}
MONITOR_CMD(memcheck, "memcheck",
	    "memory counters in one line: pages, slab objects, skbs, threads, bios", cmd_memcheck);
