/*
 * SPDX-License-Identifier: MIT
 * mm/numa.c - which memory belongs to which node: the ACPI SRAT.
 *
 * The System Resource Affinity Table (ACPI 6.x, 5.2.16) lists memory
 * ranges and CPUs with a "proximity domain" each.  Each domain that has
 * memory becomes a node, numbered in the order the table names them.
 * QEMU builds an SRAT when started with -numa, for example:
 *
 *   -object memory-backend-ram,id=m0,size=64M -numa node,nodeid=0,memdev=m0
 *   -object memory-backend-ram,id=m1,size=64M -numa node,nodeid=1,memdev=m1
 *
 * Its processor entries name a CPU by local APIC ID: cpu_to_node() looks a
 * CPU up there (one socket per node in QEMU: -smp 2,sockets=2 and
 * -numa cpu,node-id=1,socket-id=1), and numa_node_id() is the running CPU's.
 *
 * No SRAT, or one that makes no sense, gives one node holding everything.
 * The table is input from outside: every entry's length is checked, and a
 * bad entry is reported and skipped.
 */
#include <kernel/acpi.h>
#include <kernel/compiler.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <mm/mmzone.h>
#include <string.h>

#define MAX_MEMBLKS 16
#define MAX_PXM	    256

struct acpi_srat {
	struct acpi_table_header header;
	u32 table_revision;
	u64 reserved;
} __packed;

struct acpi_srat_cpu_affinity { /* type 0 */
	u8 type;
	u8 length;
	u8 proximity_domain_lo;
	u8 apic_id;
	u32 flags; /* bit 0: enabled */
	u8 local_sapic_eid;
	u8 proximity_domain_hi[3];
	u32 clock_domain;
} __packed;

struct acpi_srat_mem_affinity { /* type 1 */
	u8 type;
	u8 length;
	u32 proximity_domain;
	u16 reserved1;
	u64 base_address;
	u64 length_bytes;
	u32 reserved2;
	u32 flags; /* bit 0: enabled, bit 1: hot-pluggable */
	u64 reserved3;
} __packed;

_Static_assert(sizeof(struct acpi_srat) == 48, "ACPI 5.2.16");
_Static_assert(sizeof(struct acpi_srat_cpu_affinity) == 16, "ACPI 5.2.16.1");
_Static_assert(sizeof(struct acpi_srat_mem_affinity) == 40, "ACPI 5.2.16.2");

#define SRAT_ENABLED (1U << 0)
#define SRAT_HOTPLUG (1U << 1)

int nr_online_nodes = 1;

/* What the SRAT said, in node numbers. */
static struct {
	struct {
		u64 start, end;
		int nid;
	} blk[MAX_MEMBLKS];
	int nr_blks;
	int pxm_to_node[MAX_PXM]; /* -1: not seen */
	s8 apic_node[256];	  /* node of each local APIC ID the SRAT names; -1: none */
	unsigned long bad_entries;
} numa;

int cpu_to_node(unsigned int cpu)
{
	int apic = cpu_physical_id(cpu);

	return apic >= 0 && apic < (int)ARRAY_SIZE(numa.apic_node) && numa.apic_node[apic] >= 0
		       ? numa.apic_node[apic]
		       : 0;
}

/* Each CPU's node, looked up once (numa_add_cpu): the allocators ask on every call (mm.h). */
DEFINE_PER_CPU(int, numa_node);

void numa_add_cpu(unsigned int cpu)
{
	per_cpu(numa_node, cpu) = cpu_to_node(cpu);
}

bool numa_memblk(int i, int *nid, u64 *start, u64 *end)
{
	if (i >= numa.nr_blks)
		return false;
	*nid = numa.blk[i].nid;
	*start = numa.blk[i].start;
	*end = numa.blk[i].end;
	return true;
}

static int pxm_node(u32 pxm)
{
	if (pxm >= MAX_PXM)
		return -1;
	if (numa.pxm_to_node[pxm] < 0) {
		if (nr_online_nodes == MAX_NUMNODES)
			return -1;
		numa.pxm_to_node[pxm] = nr_online_nodes++;
	}
	return numa.pxm_to_node[pxm];
}

static void srat_memory(const struct acpi_srat_mem_affinity *m)
{
	int nid;

	if (!(m->flags & SRAT_ENABLED) || (m->flags & SRAT_HOTPLUG) || !m->length_bytes)
		return; /* hot-plug areas hold no memory at boot */
	nid = pxm_node(m->proximity_domain);
	if (nid < 0 || numa.nr_blks == MAX_MEMBLKS ||
	    m->base_address + m->length_bytes < m->base_address) {
		pr_warn("NUMA: SRAT memory entry %#llx+%#llx (PXM %u) not usable, ignored\n",
			(unsigned long long)m->base_address, (unsigned long long)m->length_bytes,
			m->proximity_domain);
		numa.bad_entries++;
		return;
	}
	numa.blk[numa.nr_blks].start = m->base_address;
	numa.blk[numa.nr_blks].end = m->base_address + m->length_bytes;
	numa.blk[numa.nr_blks].nid = nid;
	numa.nr_blks++;
}

static void srat_cpu(const struct acpi_srat_cpu_affinity *c)
{
	u32 pxm = c->proximity_domain_lo | (u32)c->proximity_domain_hi[0] << 8 |
		  (u32)c->proximity_domain_hi[1] << 16 | (u32)c->proximity_domain_hi[2] << 24;

	/* Every CPU, by local APIC ID: the APs are numbered later (kernel/smpboot.c). */
	if (c->flags & SRAT_ENABLED) {
		int nid = pxm < MAX_PXM ? numa.pxm_to_node[pxm] : -1;

		numa.apic_node[c->apic_id] =
			nid < 0 ? 0 : nid; /* a CPU of a memoryless domain: 0 */
	}
}

/* Walk the SRAT twice: memory first (numbering the nodes), then the CPUs. */
static void parse_srat(const struct acpi_srat *srat)
{
	for (int pass = 0; pass < 2; pass++) {
		const u8 *p = (const u8 *)(srat + 1);
		const u8 *end = (const u8 *)srat + srat->header.length;

		while (p + 2 <= end) {
			u8 type = p[0], len = p[1];

			if (len < 2 || p + len > end) {
				pr_warn("NUMA: SRAT entry with bad length %u, stopping\n", len);
				numa.bad_entries++;
				return;
			}
			if (pass == 0 && type == 1 && len >= sizeof(struct acpi_srat_mem_affinity))
				srat_memory((const void *)p);
			if (pass == 1 && type == 0 && len >= sizeof(struct acpi_srat_cpu_affinity))
				srat_cpu((const void *)p);
			p += len;
		}
	}
}

void numa_init(void)
{
	const struct acpi_srat *srat;

	for (int i = 0; i < MAX_PXM; i++)
		numa.pxm_to_node[i] = -1;
	memset(numa.apic_node, -1, sizeof(numa.apic_node));
	nr_online_nodes = 0;
	srat = (const void *)acpi_find_table("SRAT", 0);
	if (srat && srat->header.length >= sizeof(*srat))
		parse_srat(srat);
	if (!numa.nr_blks) {
		/* No NUMA information: one node with all memory. */
		nr_online_nodes = 1;
		numa.nr_blks = 1;
		numa.blk[0].start = 0;
		numa.blk[0].end = ~0ULL;
		numa.blk[0].nid = 0;
		pr_info("NUMA: no SRAT, one node\n");
		return;
	}
	numa_add_cpu(0); /* the boot CPU, by the APIC ID QEMU gives it (0) until smp_init */
	for (int i = 0; i < numa.nr_blks; i++)
		pr_info("NUMA: node %d: [mem 0x%012llx-0x%012llx]\n", numa.blk[i].nid,
			(unsigned long long)numa.blk[i].start,
			(unsigned long long)numa.blk[i].end - 1);
	pr_info("NUMA: %d nodes, boot CPU on node %d\n", nr_online_nodes, numa_node_id());
}

int pfn_to_nid(unsigned long pfn)
{
	u64 pa = (u64)pfn << PAGE_SHIFT;

	for (int i = 0; i < numa.nr_blks; i++)
		if (pa >= numa.blk[i].start && pa < numa.blk[i].end)
			return numa.blk[i].nid;
	return 0;
}

unsigned long pfn_to_nid_end(unsigned long pfn, unsigned long limit)
{
	u64 pa = (u64)pfn << PAGE_SHIFT, end = (u64)limit << PAGE_SHIFT;

	/* pfn_to_nid's answer can change only where some block starts or ends. */
	for (int i = 0; i < numa.nr_blks; i++) {
		if (numa.blk[i].start > pa && numa.blk[i].start < end)
			end = numa.blk[i].start;
		if (numa.blk[i].end > pa && numa.blk[i].end < end)
			end = numa.blk[i].end;
	}
	return DIV_ROUND_UP(end, PAGE_SIZE);
}
