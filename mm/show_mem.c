/*
 * SPDX-License-Identifier: MIT
 * mm/show_mem.c - the memory monitor commands, in the formats of Linux's
 * /proc/meminfo, /proc/buddyinfo and /proc/zoneinfo, so the numbers can be
 * read side by side with a Linux machine's.  Per-CPU figures are summed
 * over every CPU (MemFree, "pages free") or shown per CPU (zoneinfo's
 * pagesets), read without stopping the other CPUs: a snapshot.
 */
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <mm/mmzone.h>
#include <mm/paging.h>
#include <mm/percpu.h>
#include <mm/slab.h>
#include <stdio.h>

#define K(pages) ((pages) * (PAGE_SIZE / 1024))

extern unsigned long min_free_kbytes;

static int cmd_meminfo(int argc, char **argv)
{
	printk("MemTotal:       %8lu kB\n", K(totalram_pages));
	printk("MemFree:        %8lu kB\n", K(nr_free_pages()));
	printk("Slab:           %8lu kB\n", K(slab_nr_pages()));
	printk("KernelStack:    %8lu kB\n", nr_threads * (THREAD_STACK_SIZE / 1024));
	printk("PageTables:     %8lu kB\n", K(pgtable_pages));
	return 0;
}
/* 3.10 has these as /proc files; we as monitor commands: docs/linux-3.10.md */
MONITOR_CMD(meminfo, "meminfo", "memory use, as /proc/meminfo", cmd_meminfo);

int buddyinfo_format(const struct zone *z, char *buf, size_t len)
{
	int n = snprintf(buf, len, "Node %d, zone %8s ", z->node, z->name);

	for (int o = 0; o < MAX_ORDER && n < (int)len; o++)
		n += snprintf(buf + n, len - n, "%6lu ", z->free_area[o].nr_free);
	return n;
}

static int cmd_buddyinfo(int argc, char **argv)
{
	for (int n = 0; n < nr_online_nodes; n++)
		for (int zt = 0; zt < MAX_NR_ZONES; zt++) {
			struct zone *z = &NODE_DATA(n)->node_zones[zt];
			char line[160];

			if (!populated_zone(z))
				continue;
			buddyinfo_format(z, line, sizeof(line));
			printk("%s\n", line);
		}
	return 0;
}
MONITOR_CMD(buddyinfo, "buddyinfo", "free blocks per order, as /proc/buddyinfo", cmd_buddyinfo);

static void show_zone(const struct zone *z)
{
	unsigned int cpu;

	printk("Node %d, zone %8s\n", z->node, z->name);
	printk("  pages free     %lu\n", zone_free_pages(z));
	printk("        min      %lu\n", z->watermark[WMARK_MIN]);
	printk("        low      %lu\n", z->watermark[WMARK_LOW]);
	printk("        high     %lu\n", z->watermark[WMARK_HIGH]);
	printk("        spanned  %lu\n", z->spanned_pages);
	printk("        present  %lu\n", z->present_pages);
	printk("        managed  %lu\n", z->managed_pages);
	printk("        protection: (%lu, %lu, %lu)\n", z->lowmem_reserve[0], z->lowmem_reserve[1],
	       z->lowmem_reserve[2]);
	printk("      nr_free_pages %lu\n", z->free_pages);
	printk("      nr_alloc %lu\n", z->alloc_count);
	printk("      nr_alloc_fail %lu\n", z->fail_count);
	printk("      nr_pfmemalloc %lu\n", z->pfmemalloc_count);
	printk("  pagesets\n");
	for_each_pcpu_area(cpu) {
		const struct per_cpu_pages *pcp = &per_cpu_ptr(z->pageset, cpu)->pcp;

		/* Another CPU's list as it is now: its own CPU may change it meanwhile. */
		printk("    cpu: %u\n", cpu);
		printk("              count: %d\n", zone_pcp_count(z, cpu));
		/* Never used yet on that CPU (zeroed): what it will get. */
		printk("              high:  %d\n",
		       pcp->list.next ? READ_ONCE(pcp->high) : z->pageset_high);
		printk("              batch: %d\n",
		       pcp->list.next ? READ_ONCE(pcp->batch) : z->pageset_batch);
	}
	printk("  start_pfn:           %lu\n", z->zone_start_pfn);
}

static int cmd_zoneinfo(int argc, char **argv)
{
	for (int n = 0; n < nr_online_nodes; n++)
		for (int zt = 0; zt < MAX_NR_ZONES; zt++)
			if (NODE_DATA(n)->node_zones[zt].present_pages)
				show_zone(&NODE_DATA(n)->node_zones[zt]);
	printk("min_free_kbytes: %lu\n", min_free_kbytes);
	return 0;
}
MONITOR_CMD(zoneinfo, "zoneinfo", "zones, watermarks and counters, as /proc/zoneinfo",
	    cmd_zoneinfo);
