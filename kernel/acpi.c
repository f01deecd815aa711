/*
 * SPDX-License-Identifier: MIT
 * kernel/acpi.c - find the ACPI tables, check them, parse the MADT; the
 * FADT's PM timer and the HPET table's base for kernel/time.c.
 *
 * Every byte read here was written by the firmware, and firmware has bugs:
 * so before reading a field we check that the bytes holding it lie inside
 * something we already validated.  The order is always
 *
 *   map the 36-byte header -> check the length is sane -> map `length`
 *   bytes -> checksum -> only then look inside
 *
 * A bad table is reported, counted (acpi_bad_tables) and skipped; the
 * kernel boots without it (without a MADT, kernel/irq.c uses the 8259s).
 *
 * Mapping: the direct map covers the first 2 MiB and all RAM in 2 MiB
 * pages, which in QEMU includes the tables at the top of RAM; anything else
 * (some firmware puts tables in reserved holes) is ioremap()ed.  Mappings
 * are permanent, which is what acpi_find_table()'s "valid forever" needs.
 *
 * Try it: qemu-system-x86_64 -accel tcg -serial stdio -kernel kernel.elf
 * prints "ACPI: RSDP ..." and one line per table at boot.
 */
#include <kernel/acpi.h>
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <mm/mm.h>
#include <mm/paging.h>
#include <errno.h>
#include <string.h>

#define ACPI_MAX_TABLES	   64
/* A sanity cap on one table's length: the tables we use are a few KiB. */
#define ACPI_MAX_TABLE_LEN (16U << 20)
/*
 * The direct map is PAGE_OFFSET + physical; a physical address beyond this
 * would land in the vmap area or the kernel image, whose mappings have
 * nothing to do with it, so lookup_pte() would give a wrong "mapped".
 */
#define DIRECT_MAP_LIMIT   (VMAP_START - PAGE_OFFSET)

/* BIOS Data Area word holding the EBDA segment (ACPI 6.5 5.2.5.1). */
#define BDA_EBDA_SEGMENT 0x40e
#define BIOS_ROM_START	 0xe0000
#define BIOS_ROM_END	 0x100000

unsigned long acpi_bad_tables;

/* All the module's state; written only by acpi_init(), read-only after. */
static struct {
	bool initialized;					 /* acpi_init() ran */
	int init_result;					 /* and returned this */
	const struct acpi_table_header *tables[ACPI_MAX_TABLES]; /* valid tables */
	phys_addr_t table_pa[ACPI_MAX_TABLES];			 /* and where they are */
	int nr_tables;
	bool have_madt; /* madt holds a parsed, valid MADT */
	struct acpi_madt_info madt;
} acpi;

u8 acpi_checksum(const void *p, size_t len)
{
	const u8 *b = p;
	u8 sum = 0;

	while (len--)
		sum += *b++;
	return sum;
}

int acpi_table_check(const struct acpi_table_header *h, size_t avail)
{
	if (avail < sizeof(*h) || h->length < sizeof(*h) || h->length > avail)
		return -EINVAL;
	if (acpi_checksum(h, h->length))
		return -EBADMSG;
	return 0;
}

/* true if every page of [pa, pa+len) is in the direct map. */
static bool direct_mapped(phys_addr_t pa, size_t len)
{
	if (pa + len < pa || pa + len > DIRECT_MAP_LIMIT)
		return false;
	for (phys_addr_t a = ALIGN_DOWN(pa, PAGE_SIZE); a < pa + len; a += PAGE_SIZE)
		if (!lookup_pte(PAGE_OFFSET + a, NULL))
			return false;
	return true;
}

/* A kernel pointer to @len bytes of firmware memory at @pa, or NULL. */
static const void *acpi_map(phys_addr_t pa, size_t len)
{
	if (!pa || pa + len < pa)
		return NULL;
	if (direct_mapped(pa, len))
		return __va(pa);
	return ioremap(pa, len);
}

static void print_sig(const char *what, const char sig[4], phys_addr_t pa, const char *result)
{
	char s[5];

	/* A corrupt signature may hold anything: print only what is printable. */
	for (int i = 0; i < 4; i++)
		s[i] = sig[i] >= 0x20 && sig[i] < 0x7f ? sig[i] : '?';
	s[4] = '\0';
	printk("%sACPI: %s %s at %#llx%s\n", *result ? KERN_WARNING : KERN_INFO, what, s,
	       (unsigned long long)pa, result);
}

/*
 * Map and validate the table at @pa.  Returns the mapped table, or NULL
 * (reported and counted) if it cannot be mapped or fails the checks.
 */
static const struct acpi_table_header *acpi_map_table(phys_addr_t pa)
{
	const struct acpi_table_header *h = acpi_map(pa, sizeof(*h));
	const char *why;
	u32 len;

	if (!h) {
		why = "cannot be mapped";
		goto bad;
	}
	len = h->length;
	if (len < sizeof(*h) || len > ACPI_MAX_TABLE_LEN) {
		print_sig("table", h->signature, pa, ": bad length, skipped");
		goto bad_reported;
	}
	h = acpi_map(pa, len);
	if (!h) {
		why = "cannot be mapped";
		goto bad;
	}
	/* Re-read the length from the new mapping: checks and use see the same bytes. */
	if (h->length != len || acpi_table_check(h, len)) {
		print_sig("table", h->signature, pa, ": bad checksum, skipped");
		goto bad_reported;
	}
	return h;

bad:
	printk(KERN_WARNING "ACPI: table at %#llx %s, skipped\n", (unsigned long long)pa, why);
bad_reported:
	acpi_bad_tables++;
	return NULL;
}

/* Look for a valid RSDP in [start, end) of low memory (16-byte aligned, ACPI 6.5 5.2.5.1). */
static const struct acpi_rsdp *rsdp_scan(phys_addr_t start, phys_addr_t end)
{
	u64 sig;

	memcpy(&sig, "RSD PTR ", sizeof(sig));
	/* One 8-byte compare a paragraph: a memcmp call each cost ~0.11 M instructions at boot. */
	for (phys_addr_t pa = ALIGN_UP(start, 16); pa + ACPI_RSDP_V1_SIZE <= end; pa += 16) {
		const struct acpi_rsdp *r = __va(pa);

		if (*(const u64 *)r->signature != sig)
			continue;
		if (acpi_checksum(r, ACPI_RSDP_V1_SIZE)) {
			printk(KERN_WARNING "ACPI: RSDP at %#llx has a bad checksum, skipped\n",
			       (unsigned long long)pa);
			acpi_bad_tables++;
			continue;
		}
		return r;
	}
	return NULL;
}

/* The first 1 KiB of the EBDA, then the BIOS ROM area; both are in the direct map's first 2 MiB. */
static const struct acpi_rsdp *rsdp_find(void)
{
	u16 ebda_segment = *(const u16 *)__va(BDA_EBDA_SEGMENT);
	phys_addr_t ebda = (phys_addr_t)ebda_segment << 4;
	const struct acpi_rsdp *r = NULL;

	/* The EBDA lives below 640 KiB; a garbage segment is simply not searched. */
	if (ebda >= 0x400 && ebda < 0xa0000)
		r = rsdp_scan(ebda, ebda + 1024);
	if (!r)
		r = rsdp_scan(BIOS_ROM_START, BIOS_ROM_END);
	return r;
}

/* The XSDT if the RSDP is ACPI 2.0+ with a good extended checksum and the XSDT checks out. */
static const struct acpi_table_header *xsdt_from(const struct acpi_rsdp *r)
{
	phys_addr_t end = __pa(r) < BIOS_ROM_END ? BIOS_ROM_END - __pa(r) : 0;

	if (r->revision < 2 || !r->xsdt_address)
		return NULL;
	/* The extended part must lie inside the area we scanned before we sum it. */
	if (r->length < sizeof(*r) || r->length > end || acpi_checksum(r, r->length)) {
		printk(KERN_WARNING "ACPI: RSDP extended checksum bad, using the RSDT\n");
		acpi_bad_tables++;
		return NULL;
	}
	return acpi_map_table(r->xsdt_address);
}

/* Record every valid table listed in the root table @root (entries of @entry_size bytes). */
static void acpi_scan_root(const struct acpi_table_header *root, size_t entry_size)
{
	size_t n = (root->length - sizeof(*root)) / entry_size;
	const u8 *entries = (const u8 *)(root + 1);

	for (size_t i = 0; i < n; i++) {
		u64 pa = 0;
		const struct acpi_table_header *h;

		/* XSDT entries are 8 bytes at 4-byte alignment: copy, don't dereference. */
		memcpy(&pa, entries + i * entry_size, entry_size);
		h = acpi_map_table(pa);
		if (!h)
			continue;
		if (acpi.nr_tables == ACPI_MAX_TABLES) {
			print_sig("table", h->signature, pa, ": too many tables, ignored");
			continue;
		}
		acpi.table_pa[acpi.nr_tables] = pa;
		acpi.tables[acpi.nr_tables++] = h;
		print_sig("table", h->signature, pa, "");
	}
}

static void madt_add_ioapic(const struct acpi_madt_io_apic *e)
{
	struct acpi_ioapic_info *io;

	if (acpi.madt.nr_ioapics == ACPI_MAX_IOAPICS) {
		printk(KERN_WARNING "ACPI: MADT: more than %d IO-APICs, ignoring IO-APIC %u\n",
		       ACPI_MAX_IOAPICS, e->id);
		return;
	}
	io = &acpi.madt.ioapic[acpi.madt.nr_ioapics++];
	io->id = e->id;
	io->address = e->address;
	io->gsi_base = e->gsi_base;
}

static void madt_add_override(const struct acpi_madt_interrupt_override *e)
{
	struct acpi_irq_override *o;

	/* Only ISA sources exist (5.2.12.5); anything else is a firmware bug. */
	if (e->bus != 0 || e->source_irq >= 16 || acpi.madt.nr_overrides == ACPI_MAX_OVERRIDES) {
		printk(KERN_WARNING "ACPI: MADT: override bus %u irq %u ignored\n", e->bus,
		       e->source_irq);
		return;
	}
	o = &acpi.madt.override[acpi.madt.nr_overrides++];
	o->isa_irq = e->source_irq;
	o->gsi = e->gsi;
	o->inti_flags = e->inti_flags;
}

/* An enabled local APIC is a CPU (kernel/smpboot.c starts it); a disabled one is ignored. */
static void madt_add_lapic(const struct acpi_madt_local_apic *e)
{
	if (!(e->flags & 1)) {
		acpi.madt.nr_disabled_cpus++;
		return;
	}
	if (acpi.madt.nr_cpus == ACPI_MAX_LAPICS) {
		printk(KERN_WARNING "ACPI: MADT: more than %d CPUs, APIC ID %u ignored\n",
		       ACPI_MAX_LAPICS, e->apic_id);
		return;
	}
	acpi.madt.lapic_id[acpi.madt.nr_cpus++] = e->apic_id;
}

/* The minimum length of each entry type we read; 0 for types we skip. */
static size_t madt_entry_min(u8 type)
{
	switch (type) {
	case ACPI_MADT_TYPE_LOCAL_APIC:
		return sizeof(struct acpi_madt_local_apic);
	case ACPI_MADT_TYPE_IO_APIC:
		return sizeof(struct acpi_madt_io_apic);
	case ACPI_MADT_TYPE_INTERRUPT_OVERRIDE:
		return sizeof(struct acpi_madt_interrupt_override);
	case ACPI_MADT_TYPE_LOCAL_APIC_OVERRIDE:
		return sizeof(struct acpi_madt_local_apic_override);
	default:
		return 0;
	}
}

static void madt_entry(const struct acpi_subtable_header *e)
{
	const struct acpi_madt_local_apic_override *lapic_override;

	switch (e->type) {
	case ACPI_MADT_TYPE_LOCAL_APIC:
		madt_add_lapic((const struct acpi_madt_local_apic *)e);
		break;
	case ACPI_MADT_TYPE_IO_APIC:
		madt_add_ioapic((const struct acpi_madt_io_apic *)e);
		break;
	case ACPI_MADT_TYPE_INTERRUPT_OVERRIDE:
		madt_add_override((const struct acpi_madt_interrupt_override *)e);
		break;
	case ACPI_MADT_TYPE_LOCAL_APIC_OVERRIDE:
		lapic_override = (const struct acpi_madt_local_apic_override *)e;
		acpi.madt.lapic_address = lapic_override->address;
		break;
	}
}

/* Parse a validated MADT into acpi.madt.  Returns 0, or -EINVAL for a malformed entry list. */
static int madt_parse(const struct acpi_table_header *h)
{
	const struct acpi_madt *m = (const struct acpi_madt *)h;
	size_t off = sizeof(*m);

	if (h->length < sizeof(*m))
		return -EINVAL;
	acpi.madt.lapic_address = m->lapic_address;
	acpi.madt.pcat_compat = m->flags & ACPI_MADT_PCAT_COMPAT;
	while (off + sizeof(struct acpi_subtable_header) <= h->length) {
		const struct acpi_subtable_header *e = (const void *)((const u8 *)h + off);

		/* An entry must be at least its own header and end inside the table. */
		if (e->length < sizeof(*e) || off + e->length > h->length)
			return -EINVAL;
		if (e->length >= madt_entry_min(e->type))
			madt_entry(e);
		else
			printk(KERN_WARNING "ACPI: MADT: entry type %u too short, ignored\n",
			       e->type);
		off += e->length;
	}
	return 0;
}

static void acpi_madt_init(void)
{
	const struct acpi_table_header *h = acpi_find_table("APIC", 0);

	if (!h)
		return;
	if (madt_parse(h)) {
		printk(KERN_WARNING "ACPI: MADT entries malformed, not used\n");
		memset(&acpi.madt, 0, sizeof(acpi.madt));
		acpi_bad_tables++;
		return;
	}
	acpi.have_madt = true;
	printk(KERN_INFO
	       "ACPI: MADT: local APIC at %#llx, %d CPU%s, %d IO-APIC%s, %d ISA override%s\n",
	       (unsigned long long)acpi.madt.lapic_address, acpi.madt.nr_cpus,
	       acpi.madt.nr_cpus == 1 ? "" : "s", acpi.madt.nr_ioapics,
	       acpi.madt.nr_ioapics == 1 ? "" : "s", acpi.madt.nr_overrides,
	       acpi.madt.nr_overrides == 1 ? "" : "s");
}

static int __acpi_init(void)
{
	const struct acpi_rsdp *r = rsdp_find();
	const struct acpi_table_header *root;

	if (!r) {
		printk(KERN_INFO "ACPI: no RSDP found\n");
		return -ENODEV;
	}
	printk(KERN_INFO "ACPI: RSDP at %#lx (revision %u, OEM %.6s)\n", __pa(r), r->revision,
	       r->oem_id);
	root = xsdt_from(r);
	if (root && !memcmp(root->signature, "XSDT", 4)) {
		acpi_scan_root(root, sizeof(u64));
	} else {
		root = acpi_map_table(r->rsdt_address);
		if (!root || memcmp(root->signature, "RSDT", 4)) {
			printk(KERN_WARNING "ACPI: no valid RSDT or XSDT\n");
			return -ENODEV;
		}
		acpi_scan_root(root, sizeof(u32));
	}
	acpi_madt_init();
	return 0;
}

int acpi_init(void)
{
	if (!acpi.initialized) {
		/* Set first: acpi_madt_init() looks tables up through acpi_find_table(). */
		acpi.initialized = true;
		acpi.init_result = __acpi_init();
	}
	return acpi.init_result;
}

const struct acpi_table_header *acpi_find_table(const char sig[4], int instance)
{
	acpi_init();
	for (int i = 0; i < acpi.nr_tables; i++)
		if (!memcmp(acpi.tables[i]->signature, sig, 4) && instance-- == 0)
			return acpi.tables[i];
	return NULL;
}

const struct acpi_madt_info *acpi_madt(void)
{
	acpi_init();
	return acpi.have_madt ? &acpi.madt : NULL;
}

/* The little-endian u32/u64 at byte @off of @h (tables are packed: no alignment). */
static u32 table_u32(const struct acpi_table_header *h, size_t off)
{
	u32 v;

	memcpy(&v, (const u8 *)h + off, sizeof(v));
	return v;
}

static u64 table_u64(const struct acpi_table_header *h, size_t off)
{
	u64 v;

	memcpy(&v, (const u8 *)h + off, sizeof(v));
	return v;
}

/* Reject a field the firmware got wrong: say so once per table, count it. */
static int bad_field(const struct acpi_table_header *h, const char *what)
{
	pr_warn("ACPI: %.4s: %s; not used\n", h->signature, what);
	acpi_bad_tables++;
	return -EINVAL;
}

int acpi_parse_pm_timer(const struct acpi_table_header *h, struct acpi_pm_timer_info *pm)
{
	u64 port;

	if (h->length < ACPI_FADT_FLAGS + sizeof(u32))
		return bad_field(h, "too short for the PM timer fields");
	port = table_u32(h, ACPI_FADT_PM_TMR_BLK);
	/* ACPI 2.0+: the generic address wins when present and in I/O space (as Linux). */
	if (h->length >= ACPI_FADT_X_PM_TMR_BLK + ACPI_GAS_SIZE &&
	    ((const u8 *)h)[ACPI_FADT_X_PM_TMR_BLK] == ACPI_GAS_SYSTEM_IO &&
	    table_u64(h, ACPI_FADT_X_PM_TMR_BLK + 4))
		port = table_u64(h, ACPI_FADT_X_PM_TMR_BLK + 4);
	if (!port)
		return -ENODEV; /* "no PM timer" is allowed (hardware-reduced ACPI) */
	if (((const u8 *)h)[ACPI_FADT_PM_TMR_LEN] != 4)
		return bad_field(h, "PM_TMR_LEN is not 4");
	if (port > 0xfffc)
		return bad_field(h, "the PM timer port is beyond the I/O space");
	pm->port = (u16)port;
	pm->mask = table_u32(h, ACPI_FADT_FLAGS) & ACPI_FADT_TMR_VAL_EXT ? 0xffffffff : 0xffffff;
	return 0;
}

int acpi_pm_timer(struct acpi_pm_timer_info *pm)
{
	const struct acpi_table_header *h = acpi_find_table("FACP", 0);

	return h ? acpi_parse_pm_timer(h, pm) : -ENODEV;
}

int acpi_parse_hpet(const struct acpi_table_header *h, phys_addr_t *base)
{
	u64 pa;

	if (h->length < ACPI_HPET_ADDRESS + ACPI_GAS_SIZE)
		return bad_field(h, "too short for the base address");
	pa = table_u64(h, ACPI_HPET_ADDRESS + 4);
	if (((const u8 *)h)[ACPI_HPET_ADDRESS] != ACPI_GAS_SYSTEM_MEMORY || !pa || pa % PAGE_SIZE)
		return bad_field(h, "the base is not a page of memory space");
	*base = pa;
	return 0;
}

int acpi_hpet_base(phys_addr_t *base)
{
	const struct acpi_table_header *h = acpi_find_table("HPET", 0);

	return h ? acpi_parse_hpet(h, base) : -ENODEV;
}

/* Monitor `acpi`: the tables that passed the checks. */
static int cmd_acpi(int argc, char **argv)
{
	if (acpi_init())
		printk("no ACPI tables\n");
	for (int i = 0; i < acpi.nr_tables; i++) {
		const struct acpi_table_header *h = acpi.tables[i];

		printk("%.4s at %#010llx, %5u bytes, revision %u, OEM %.6s %.8s\n", h->signature,
		       (unsigned long long)acpi.table_pa[i], h->length, h->revision, h->oem_id,
		       h->oem_table_id);
	}
	printk("rejected: %lu\n", acpi_bad_tables);
	return 0;
}
MONITOR_CMD(acpi, "acpi", "the ACPI tables found at boot", cmd_acpi);
