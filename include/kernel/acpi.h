/*
 * SPDX-License-Identifier: MIT
 * kernel/acpi.h - the ACPI tables the firmware leaves in memory.
 *
 * The firmware describes the machine in a tree of tables (ACPI 6.5,
 * chapter 5.2).  The root pointer (RSDP) sits in the BIOS area, found by
 * its signature; it points to a root table (RSDT with 32-bit pointers, or
 * XSDT with 64-bit ones) listing every other table:
 *
 *   RSDP "RSD PTR " (EBDA or 0xE0000-0xFFFFF)
 *     |
 *     v
 *   RSDT/XSDT  header | ptr | ptr | ptr | ...
 *                        |     |     |
 *                        v     v     v
 *                      FACP  APIC  SRAT ...   (each: a 36-byte header, then data)
 *
 * Every table starts with struct acpi_table_header, whose `length` covers
 * the whole table and whose bytes sum to 0 mod 256 (the checksum).  All of
 * it is input from outside the kernel: acpi_init() checks each table's
 * length and checksum before anybody reads it, reports and skips bad ones,
 * and keeps a list of the good ones that acpi_find_table() searches.
 *
 * The MADT (signature "APIC") lists the interrupt controllers; acpi_madt()
 * returns its checked, copied contents for kernel/apic.c.
 */
#ifndef KERNEL_ACPI_H
#define KERNEL_ACPI_H

#include <kernel/compiler.h>
#include <kernel/types.h>

/* Root System Description Pointer, ACPI 6.5 section 5.2.5.3. */
struct acpi_rsdp {
	char signature[8]; /* "RSD PTR " */
	u8 checksum;	   /* of the first 20 bytes (the ACPI 1.0 part) */
	char oem_id[6];
	u8 revision; /* 0: ACPI 1.0 (20 bytes, RSDT only); 2: 2.0+ */
	u32 rsdt_address;
	/* ACPI 2.0+ only: */
	u32 length; /* of the whole structure */
	u64 xsdt_address;
	u8 extended_checksum; /* of all `length` bytes */
	u8 reserved[3];
} __packed;

#define ACPI_RSDP_V1_SIZE 20
_Static_assert(sizeof(struct acpi_rsdp) == 36, "ACPI 5.2.5.3: the RSDP is 36 bytes");
_Static_assert(offsetof(struct acpi_rsdp, rsdt_address) == 16, "ACPI 5.2.5.3");
_Static_assert(offsetof(struct acpi_rsdp, xsdt_address) == 24, "ACPI 5.2.5.3");

/* The header every system description table starts with, ACPI 6.5 section 5.2.6. */
struct acpi_table_header {
	char signature[4]; /* "APIC", "FACP", "SRAT", ... (not NUL-terminated) */
	u32 length;	   /* of the whole table, this header included */
	u8 revision;
	u8 checksum; /* makes all `length` bytes sum to 0 */
	char oem_id[6];
	char oem_table_id[8];
	u32 oem_revision;
	u32 creator_id;
	u32 creator_revision;
} __packed;

_Static_assert(sizeof(struct acpi_table_header) == 36, "ACPI 5.2.6: the header is 36 bytes");

/* Multiple APIC Description Table ("APIC"), ACPI 6.5 section 5.2.12. */
struct acpi_madt {
	struct acpi_table_header header;
	u32 lapic_address; /* physical address of every CPU's local APIC */
	u32 flags;	   /* ACPI_MADT_PCAT_COMPAT */
	/* then variable-length entries, each starting with acpi_subtable_header */
} __packed;

#define ACPI_MADT_PCAT_COMPAT (1U << 0) /* there are also two 8259s */

_Static_assert(sizeof(struct acpi_madt) == 44, "ACPI 5.2.12: MADT entries start at 44");

struct acpi_subtable_header {
	u8 type;   /* ACPI_MADT_TYPE_* */
	u8 length; /* of this entry, these two bytes included */
} __packed;

enum acpi_madt_type {
	ACPI_MADT_TYPE_LOCAL_APIC = 0,		/* 5.2.12.2 */
	ACPI_MADT_TYPE_IO_APIC = 1,		/* 5.2.12.3 */
	ACPI_MADT_TYPE_INTERRUPT_OVERRIDE = 2,	/* 5.2.12.5 */
	ACPI_MADT_TYPE_LOCAL_APIC_NMI = 4,	/* 5.2.12.7 */
	ACPI_MADT_TYPE_LOCAL_APIC_OVERRIDE = 5, /* 5.2.12.8 */
};

struct acpi_madt_local_apic {
	struct acpi_subtable_header header;
	u8 processor_id;
	u8 apic_id;
	u32 flags; /* bit 0: enabled */
} __packed;

struct acpi_madt_io_apic {
	struct acpi_subtable_header header;
	u8 id;
	u8 reserved;
	u32 address;  /* physical MMIO base */
	u32 gsi_base; /* the global system interrupt of its pin 0 */
} __packed;

/* "ISA IRQ @source_irq is wired to GSI @gsi, with these electrical properties." */
struct acpi_madt_interrupt_override {
	struct acpi_subtable_header header;
	u8 bus; /* 0: ISA */
	u8 source_irq;
	u32 gsi;
	u16 inti_flags; /* ACPI_MADT_POLARITY_* | ACPI_MADT_TRIGGER_* */
} __packed;

struct acpi_madt_local_apic_override {
	struct acpi_subtable_header header;
	u16 reserved;
	u64 address; /* replaces acpi_madt.lapic_address */
} __packed;

_Static_assert(sizeof(struct acpi_madt_local_apic) == 8, "ACPI 5.2.12.2");
_Static_assert(sizeof(struct acpi_madt_io_apic) == 12, "ACPI 5.2.12.3");
_Static_assert(sizeof(struct acpi_madt_interrupt_override) == 10, "ACPI 5.2.12.5");
_Static_assert(sizeof(struct acpi_madt_local_apic_override) == 12, "ACPI 5.2.12.8");

/* MPS INTI flags (ACPI 6.5 5.2.12.5, "MPS INTI Flags"): "conforms" means the bus's default. */
#define ACPI_MADT_POLARITY_MASK	       0x3
#define ACPI_MADT_POLARITY_CONFORMS    0x0 /* ISA: active high; PCI: active low */
#define ACPI_MADT_POLARITY_ACTIVE_HIGH 0x1
#define ACPI_MADT_POLARITY_ACTIVE_LOW  0x3
#define ACPI_MADT_TRIGGER_MASK	       0xc
#define ACPI_MADT_TRIGGER_CONFORMS     0x0 /* ISA: edge; PCI: level */
#define ACPI_MADT_TRIGGER_EDGE	       0x4
#define ACPI_MADT_TRIGGER_LEVEL	       0xc

/*
 * The two fixed-rate counters the FADT and the HPET table describe, which
 * kernel/time.c measures the TSC against.  Offsets are the ACPI 6.5 tables'
 * (5.2.9 FADT, Table 5.9; the HPET table is Intel's IA-PC HPET spec, 3.2.4).
 *
 *   FADT  +76 PM_TMR_BLK (u32 I/O port)   +91 PM_TMR_LEN (4)   +112 Flags
 *         +208 X_PM_TMR_BLK (12-byte generic address, ACPI 2.0+)
 *   HPET  +40 base address (12-byte generic address, memory space)
 */
#define ACPI_FADT_PM_TMR_BLK   76
#define ACPI_FADT_PM_TMR_LEN   91
#define ACPI_FADT_FLAGS	       112
#define ACPI_FADT_TMR_VAL_EXT  (1U << 8) /* the PM timer has 32 bits, not 24 */
#define ACPI_FADT_X_PM_TMR_BLK 208
#define ACPI_GAS_SIZE	       12 /* space id, bit width, bit offset, access size, u64 */
#define ACPI_GAS_SYSTEM_MEMORY 0
#define ACPI_GAS_SYSTEM_IO     1
#define ACPI_HPET_ADDRESS      40
#define ACPI_PM_TIMER_HZ       3579545 /* ACPI 6.5 4.8.3.3: 3.579545 MHz */

struct acpi_pm_timer_info {
	u16 port; /* I/O port of the 24- or 32-bit up-counter */
	u32 mask; /* 0xffffff or 0xffffffff (TMR_VAL_EXT) */
};

/*
 * acpi_parse_pm_timer - the ACPI PM timer of the FADT @h (already checked by
 * acpi_table_check): the 64-bit X_PM_TMR_BLK when the table is long enough
 * and it names an I/O port, else PM_TMR_BLK.  Returns 0, or -ENODEV when
 * the table names no timer (port 0), -EINVAL when it is too short to hold
 * the fields, PM_TMR_LEN is not 4, or the port is beyond 0xffff; the last
 * two are counted in acpi_bad_tables.
 */
int acpi_parse_pm_timer(const struct acpi_table_header *h, struct acpi_pm_timer_info *pm);

/* The machine's PM timer (acpi_parse_pm_timer of the FADT), or -ENODEV.  Context: boot. */
int acpi_pm_timer(struct acpi_pm_timer_info *pm);

/*
 * acpi_parse_hpet - the HPET's physical base from the HPET table @h (checked):
 * 0, or -EINVAL (counted) when the table is too short, the address is not in
 * memory space, 0, or not page aligned.
 */
int acpi_parse_hpet(const struct acpi_table_header *h, phys_addr_t *base);

/* The first HPET's base (acpi_parse_hpet of the first "HPET" table), or -ENODEV. */
int acpi_hpet_base(phys_addr_t *base);

/* The MADT, checked and copied into kernel memory (what kernel/apic.c needs). */
#define ACPI_MAX_IOAPICS   8
#define ACPI_MAX_OVERRIDES 16
#define ACPI_MAX_LAPICS	   256 /* an 8-bit APIC ID: at most 256 local APIC entries */

struct acpi_ioapic_info {
	u8 id;
	phys_addr_t address;
	u32 gsi_base;
};

struct acpi_irq_override {
	u8 isa_irq;
	u32 gsi;
	u16 inti_flags;
};

struct acpi_madt_info {
	phys_addr_t lapic_address;
	bool pcat_compat;	      /* 8259s present (must be masked when the APIC is used) */
	int nr_cpus;		      /* enabled local APIC entries */
	int nr_disabled_cpus;	      /* local APIC entries not enabled: ignored */
	u8 lapic_id[ACPI_MAX_LAPICS]; /* APIC ID of each enabled entry, in table order */
	int nr_ioapics;
	struct acpi_ioapic_info ioapic[ACPI_MAX_IOAPICS];
	int nr_overrides;
	struct acpi_irq_override override[ACPI_MAX_OVERRIDES];
};

/*
 * acpi_init - find the RSDP, walk the RSDT/XSDT, check and remember every
 * table, parse the MADT.  Prints one line per table.  Returns 0, or -ENODEV
 * if there is no usable root (then every lookup finds nothing).  Runs once;
 * later calls return the first result.  acpi_find_table() calls it if
 * nobody has yet.  Context: boot, after paging_init (it may ioremap).
 */
int acpi_init(void);

/*
 * acpi_find_table - the @instance'th (from 0) valid table whose signature is
 * @sig (4 characters, e.g. "APIC", "SRAT").  Returns a pointer to the whole
 * table, mapped and of checked length and checksum, valid forever; or NULL
 * if there is no such table.  Tables that failed the checks are never
 * returned.  The DSDT is not in the root table and so is not found here.
 * Context: any after acpi_init(); the first call may ioremap (thread).
 */
const struct acpi_table_header *acpi_find_table(const char sig[4], int instance);

/*
 * acpi_table_check - validate the table at @h, of which @avail bytes are
 * known to be readable: 0 if it is good, -EINVAL if @avail cannot hold the
 * header or h->length is shorter than the header or longer than @avail,
 * -EBADMSG if the bytes do not sum to 0.  Reads nothing past @avail.
 */
int acpi_table_check(const struct acpi_table_header *h, size_t avail);

/* The sum of @len bytes at @p, mod 256: 0 for a good ACPI checksum. */
u8 acpi_checksum(const void *p, size_t len);

/* The parsed MADT, or NULL if there is no valid one.  Context: any after acpi_init(). */
const struct acpi_madt_info *acpi_madt(void);

/* Tables (and root entries) rejected by the checks since boot. */
extern unsigned long acpi_bad_tables;

#endif
