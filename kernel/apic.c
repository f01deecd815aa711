/*
 * SPDX-License-Identifier: MIT
 * kernel/apic.c - the local APIC and the IO-APICs as this kernel's irq_chip.
 *
 * Since the Pentium, each CPU has a local APIC (Intel SDM vol. 3A, chapter
 * "Advanced Programmable Interrupt Controller (APIC)"): it accepts
 * interrupts for its CPU, prioritizes them by vector, and has a timer.
 * Device lines go to an IO-APIC (Intel 82093AA data sheet), whose
 * redirection table turns each input pin into a message to a local APIC:
 *
 *   device -> IO-APIC pin (GSI) -> redirection entry {vector, polarity,
 *             trigger, mask, destination} -> local APIC -> CPU (vector)
 *
 * ACPI's MADT (kernel/acpi.c) says where the chips are and how the 16 ISA
 * lines are wired: without an "interrupt source override" ISA IRQ n is
 * GSI n, edge-triggered, active high; QEMU overrides IRQ 0 to GSI 2.
 *
 * Line 0 is special here (see kernel/irqchip.h): it is the local APIC
 * timer, not the PIT behind GSI 2, so the tick needs no IO-APIC at all.
 *
 * Registers are memory-mapped, uncached (ioremap).  Each IO-APIC has only
 * two: IOREGSEL selects a register, IOWIN reads or writes it; the pair must
 * not be interleaved, so IO-APIC access is under ioapic_lock with
 * interrupts off.
 */
#include <arch/x86.h>
#include <kernel/acpi.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <mm/mm.h>
#include <mm/paging.h>
#include <errno.h>
#include "irqchip.h"

/* Local APIC registers (offsets from its base), SDM table "Local APIC Register Address Map". */
#define LAPIC_ID	  0x020 /* bits 24-31: this CPU's APIC ID */
#define LAPIC_VERSION	  0x030 /* bits 16-23: number of LVT entries - 1 */
#define LAPIC_TPR	  0x080 /* task priority: 0 accepts every vector */
#define LAPIC_EOI	  0x0b0
#define LAPIC_SVR	  0x0f0 /* spurious vector and the software enable bit */
#define LAPIC_IRR	  0x200 /* requested, not yet delivered: 8 x 32 bits */
#define LAPIC_ESR	  0x280 /* error status */
#define LAPIC_ICR_LOW	  0x300 /* interrupt command: writing this sends the IPI */
#define LAPIC_ICR_HIGH	  0x310
#define LAPIC_LVT_TIMER	  0x320
#define LAPIC_LVT_THERMAL 0x330
#define LAPIC_LVT_PERF	  0x340
#define LAPIC_LVT_LINT0	  0x350 /* the 8259's INTR in "virtual wire" mode */
#define LAPIC_LVT_LINT1	  0x360 /* usually NMI: left as the BIOS set it */
#define LAPIC_LVT_ERROR	  0x370
#define LAPIC_TIMER_INIT  0x380 /* initial count; writing it starts the timer */
#define LAPIC_TIMER_CUR	  0x390
#define LAPIC_TIMER_DIV	  0x3e0

#define APIC_BASE_ENABLE     (1UL << 11) /* IA32_APIC_BASE MSR: global enable */
#define APIC_BASE_ADDR_MASK  0x000ffffffffff000UL
#define SVR_ENABLE	     (1U << 8) /* software enable */
#define LVT_MASKED	     (1U << 16)
#define LVT_TIMER_PERIODIC   (1U << 17)
#define TIMER_DIV_16	     0x3 /* SDM "Divide Configuration Register": 0b0011 */
#define ICR_DELIVERY_PENDING (1U << 12)
#define ICR_LEVEL_ASSERT     (1U << 14)
#define ICR_DEST_SELF	     (1U << 18) /* destination shorthand 01: self */
#define ICR_DM_INIT	     (5U << 8)	/* delivery mode 101: INIT */
#define ICR_DM_STARTUP	     (6U << 8)	/* delivery mode 110: start-up (SIPI) */
#define ICR_TRIGGER_LEVEL    (1U << 15)

/* IO-APIC registers (82093AA data sheet, 3.1 and 3.2). */
#define IOAPIC_REGSEL	    0x00 /* byte offsets of the two windows */
#define IOAPIC_WIN	    0x10
#define IOAPIC_REG_VER	    0x01 /* bits 16-23: maximum redirection entry */
#define IOAPIC_REG_REDTBL   0x10 /* entry n: registers 0x10+2n (low), 0x11+2n (high) */
#define IOREDTBL_ACTIVE_LOW (1U << 13)
#define IOREDTBL_LEVEL	    (1U << 15)
#define IOREDTBL_MASKED	    (1U << 16)

#define TIMER_CAL_US 1000    /* the LAPIC timer's own window, when time.c gives no rate */
#define SPIN_LIMIT   1000000 /* polls of a status bit before giving up */

struct ioapic {
	volatile u32 *regs; /* ioremap()ed IOREGSEL/IOWIN */
	phys_addr_t phys;
	u32 gsi_base; /* GSI of pin 0 */
	unsigned int nr_pins;
	u8 id;
};

/* The module's state: set up by apic_init() at boot, read-only after (but ioapic regs). */
static struct {
	volatile u32 *lapic; /* ioremap()ed local APIC page */
	phys_addr_t lapic_phys;
	u8 lapic_id;			   /* destination of every redirection entry */
	const struct acpi_madt_info *madt; /* for the ISA overrides */
	struct ioapic ioapic[ACPI_MAX_IOAPICS];
	int nr_ioapics;
	bool in_use;
	u8 trigger[NR_IRQS];  /* IRQF_TRIGGER_* asked by request_irq; 0: the firmware's */
	u32 timer_count;      /* LAPIC timer counts per tick, calibrated once (apic_timer_start) */
	u8 dest_cpu[NR_IRQS]; /* the CPU each IO-APIC line is delivered to (irq_set_affinity) */
} apic;

static DEFINE_SPINLOCK(ioapic_lock);

static inline u32 lapic_read(unsigned int reg)
{
	return apic.lapic[reg / 4];
}

static inline void lapic_write(unsigned int reg, u32 v)
{
	apic.lapic[reg / 4] = v;
}

/* Caller holds ioapic_lock (or is alone at boot). */
static u32 ioapic_read(const struct ioapic *io, u8 reg)
{
	io->regs[IOAPIC_REGSEL / 4] = reg;
	return io->regs[IOAPIC_WIN / 4];
}

static void ioapic_write(const struct ioapic *io, u8 reg, u32 v)
{
	io->regs[IOAPIC_REGSEL / 4] = reg;
	io->regs[IOAPIC_WIN / 4] = v;
}

bool apic_in_use(void)
{
	return apic.in_use;
}

/*
 * The GSI of line @irq and its MPS INTI flags, or -1 if the line has no
 * pin: an ISA line may be moved by an override, and the GSI it moved to is
 * then not also "line = GSI" for some other line (QEMU: ISA 0 -> GSI 2, so
 * line 2 has no pin).
 */
static long line_to_gsi(unsigned int irq, u16 *flags)
{
	const struct acpi_madt_info *m = apic.madt;

	*flags = ACPI_MADT_POLARITY_CONFORMS | ACPI_MADT_TRIGGER_CONFORMS;
	for (int i = 0; i < m->nr_overrides; i++) {
		if (m->override[i].isa_irq == irq) {
			*flags = m->override[i].inti_flags;
			return m->override[i].gsi;
		}
		if (m->override[i].gsi == irq)
			return -1;
	}
	return irq;
}

/* The IO-APIC serving @gsi and its pin there, or NULL. */
static struct ioapic *gsi_to_ioapic(long gsi, unsigned int *pin)
{
	for (int i = 0; i < apic.nr_ioapics; i++) {
		struct ioapic *io = &apic.ioapic[i];

		if (gsi >= io->gsi_base && gsi < (long)io->gsi_base + io->nr_pins) {
			*pin = gsi - io->gsi_base;
			return io;
		}
	}
	return NULL;
}

/*
 * The low word of line @irq's redirection entry.  "Conforms to the bus"
 * means ISA's edge/active-high below 16 and PCI's level/active-low above.
 * A trigger the line's driver asked for (request_irq flags) wins.
 */
static u32 redirection_low(unsigned int irq, u16 flags, bool masked)
{
	unsigned int pol = flags & ACPI_MADT_POLARITY_MASK;
	unsigned int trig = flags & ACPI_MADT_TRIGGER_MASK;
	unsigned int asked = apic.trigger[irq];
	bool isa = irq < 16;
	u32 low = IRQ_VECTOR_BASE + irq; /* fixed delivery, physical destination */

	if (asked) {
		if (asked & (IRQF_TRIGGER_LOW | IRQF_TRIGGER_FALLING))
			low |= IOREDTBL_ACTIVE_LOW;
		if (asked & (IRQF_TRIGGER_LOW | IRQF_TRIGGER_HIGH))
			low |= IOREDTBL_LEVEL;
	} else {
		if (pol == ACPI_MADT_POLARITY_ACTIVE_LOW ||
		    (pol == ACPI_MADT_POLARITY_CONFORMS && !isa))
			low |= IOREDTBL_ACTIVE_LOW;
		if (trig == ACPI_MADT_TRIGGER_LEVEL || (trig == ACPI_MADT_TRIGGER_CONFORMS && !isa))
			low |= IOREDTBL_LEVEL;
	}
	if (masked)
		low |= IOREDTBL_MASKED;
	return low;
}

/* The IO-APIC and pin wired to line @irq (its MADT flags in @inti), or NULL: no wire. */
static struct ioapic *line_ioapic(unsigned int irq, unsigned int *pin, u16 *inti)
{
	long gsi = line_to_gsi(irq, inti);

	return gsi < 0 ? NULL : gsi_to_ioapic(gsi, pin);
}

static void ioapic_route(unsigned int irq, bool masked)
{
	unsigned int pin;
	unsigned long flags;
	struct ioapic *io;
	u16 inti;

	io = line_ioapic(irq, &pin, &inti);
	if (!io)
		return; /* no wire: the line can only be raised from software */
	spin_lock_irqsave(&ioapic_lock, flags);
	/* Mask first, so the entry never fires half-written. */
	ioapic_write(io, IOAPIC_REG_REDTBL + 2 * pin, IOREDTBL_MASKED);
	ioapic_write(io, IOAPIC_REG_REDTBL + 2 * pin + 1,
		     (u32)cpu_physical_id(apic.dest_cpu[irq]) << 24);
	ioapic_write(io, IOAPIC_REG_REDTBL + 2 * pin, redirection_low(irq, inti, masked));
	spin_unlock_irqrestore(&ioapic_lock, flags);
}

u32 apic_read_redirection(unsigned int irq)
{
	unsigned int pin;
	unsigned long flags;
	struct ioapic *io;
	u16 inti;
	u32 low;

	io = line_ioapic(irq, &pin, &inti);
	if (!io)
		return 0;
	spin_lock_irqsave(&ioapic_lock, flags);
	low = ioapic_read(io, IOAPIC_REG_REDTBL + 2 * pin);
	spin_unlock_irqrestore(&ioapic_lock, flags);
	return low;
}

static void lapic_timer_set_masked(bool masked)
{
	unsigned long flags;
	u32 lvt;

	local_irq_save(flags);
	lvt = lapic_read(LAPIC_LVT_TIMER);
	lapic_write(LAPIC_LVT_TIMER, masked ? lvt | LVT_MASKED : lvt & ~LVT_MASKED);
	local_irq_restore(flags);
}

static void apic_mask_irq(unsigned int irq)
{
	if (irq == TIMER_IRQ)
		lapic_timer_set_masked(true);
	else
		ioapic_route(irq, true);
}

static void apic_unmask_irq(unsigned int irq)
{
	if (irq == TIMER_IRQ)
		lapic_timer_set_masked(false);
	else
		ioapic_route(irq, false);
}

/*
 * Deliver line @irq to CPU @cpu from now on: the destination field of its
 * redirection entry (bits 56-63, a physical APIC ID), rewritten with the
 * entry masked.  Lines without a pin only remember it (an MSI line is
 * msi_chip's: msi_set_affinity below).
 */
static int apic_set_affinity(unsigned int irq, unsigned int cpu)
{
	unsigned int pin;
	unsigned long flags;
	struct ioapic *io;
	u16 inti;
	u32 low;

	apic.dest_cpu[irq] = cpu;
	io = line_ioapic(irq, &pin, &inti);
	if (!io)
		return 0;
	spin_lock_irqsave(&ioapic_lock, flags);
	low = ioapic_read(io, IOAPIC_REG_REDTBL + 2 * pin);
	ioapic_write(io, IOAPIC_REG_REDTBL + 2 * pin, low | IOREDTBL_MASKED);
	ioapic_write(io, IOAPIC_REG_REDTBL + 2 * pin + 1, (u32)cpu_physical_id(cpu) << 24);
	ioapic_write(io, IOAPIC_REG_REDTBL + 2 * pin, low);
	spin_unlock_irqrestore(&ioapic_lock, flags);
	return 0;
}

/* Remembered, and programmed by the unmask that request_irq does next. */
static void apic_set_type(unsigned int irq, unsigned int flow_type)
{
	if (irq < NR_IRQS)
		apic.trigger[irq] = flow_type & IRQF_TRIGGER_MASK;
}

bool apic_irq_has_pin(unsigned int irq)
{
	unsigned int pin;
	u16 inti;
	long gsi;

	if (irq == TIMER_IRQ)
		return true; /* the local APIC timer's */
	gsi = line_to_gsi(irq, &inti);
	return gsi >= 0 && gsi_to_ioapic(gsi, &pin);
}

/*
 * SDM vol. 3A 11.11.1 "Message Address Register Format": 0xFEE in bits
 * 31-20, the destination APIC ID in 19-12, redirection hint and
 * destination mode 0 (physical); 11.11.2 "Message Data Register Format":
 * the vector in 7-0, delivery mode 000 (fixed), trigger mode 0 (edge).
 */
/* The APIC ID a message to @cpu carries, or -EINVAL: not a CPU, or an ID 8 bits cannot hold. */
static int msi_dest_id(unsigned int cpu)
{
	int id = cpu_physical_id(cpu);

	return id >= 0 && (u32)id <= MSI_ADDR_DEST_ID_MAX ? id : -EINVAL;
}

void apic_compose_msi_msg(unsigned int vector, unsigned int cpu, struct msi_msg *msg)
{
	int id = msi_dest_id(cpu);

	/* Callers check (msi_set_affinity); a bad one gets the boot CPU, never a stray ID. */
	if (WARN_ON_ONCE(id < 0))
		id = apic.lapic_id;
	msg->address_lo = MSI_ADDR_BASE_LO | MSI_ADDR_DEST_ID(id);
	msg->address_hi = 0;
	msg->data = vector & 0xff;
}

/*
 * msi_chip: the lines msi_irq_alloc() hands out.  They reach the local
 * APIC as messages, so there is no pin to mask (each device masks its own
 * entry: drivers/pci/pci_irq.c around request and free) and the
 * destination is in the message: a new one goes to the device through the
 * line's msi_desc (3.10's msi_set_affinity, arch/x86/kernel/apic/io_apic.c).
 */
static void msi_mask_nop(unsigned int irq)
{
}

/* Called by irq_set_affinity with irq_desc_lock held, interrupts off. */
static int msi_set_affinity(unsigned int irq, unsigned int cpu)
{
	struct msi_desc *entry = irq_get_msi_desc(irq);
	struct msi_msg msg;

	if (!entry)
		return -EINVAL; /* reserved, but no device holds its message yet */
	if (msi_dest_id(cpu) < 0)
		return -EINVAL; /* an APIC ID above 255: no xAPIC message reaches it */
	apic_compose_msi_msg(IRQ_VECTOR_BASE + irq, cpu, &msg);
	entry->write_msg(entry, &msg);
	return 0;
}

/* One EOI register for everything: the local APIC forwards level EOIs to the IO-APIC. */
static void apic_eoi(unsigned int irq)
{
	lapic_write(LAPIC_EOI, 0);
}

const struct irq_chip apic_chip = {
	.name = "IO-APIC",
	.mask = apic_mask_irq,
	.unmask = apic_unmask_irq,
	.eoi = apic_eoi,
	.set_type = apic_set_type,
	.set_affinity = apic_set_affinity,
};

const struct irq_chip msi_chip = {
	.name = "PCI-MSI",
	.mask = msi_mask_nop,
	.unmask = msi_mask_nop,
	.eoi = apic_eoi, /* edge: the local APIC's EOI is all */
	.set_affinity = msi_set_affinity,
};

static bool wait_icr_idle(void)
{
	for (int n = 0; n < SPIN_LIMIT; n++)
		if (!(lapic_read(LAPIC_ICR_LOW) & ICR_DELIVERY_PENDING))
			return true;
	return false;
}

static bool vector_requested(u8 vector)
{
	return lapic_read(LAPIC_IRR + 0x10 * (vector / 32)) & (1U << (vector % 32));
}

void apic_send_self_ipi(u8 vector)
{
	unsigned long flags;

	local_irq_save(flags);
	WARN_ON_ONCE(!wait_icr_idle());
	lapic_write(LAPIC_ICR_HIGH, 0); /* destination: ignored with the "self" shorthand */
	lapic_write(LAPIC_ICR_LOW, vector | ICR_LEVEL_ASSERT | ICR_DEST_SELF);
	WARN_ON_ONCE(!wait_icr_idle());
	local_irq_restore(flags);
	if (!(flags & X86_EFLAGS_IF))
		return; /* delivered when the caller turns interrupts on */
	/*
	 * Accepting the interrupt moves it from IRR to ISR, and its handler runs
	 * on this CPU before we get back here: so once IRR is clear, it ran.
	 */
	for (int n = 0; n < SPIN_LIMIT && vector_requested(vector); n++)
		cpu_relax();
}

u32 apic_read_id(void)
{
	return lapic_read(LAPIC_ID) >> 24;
}

/* Send @low to the local APIC with ID @apic_id; false if the ICR stayed busy. */
static bool send_ipi_to(u8 apic_id, u32 low)
{
	unsigned long flags;
	bool ok;

	local_irq_save(flags);
	wait_icr_idle(); /* a previous IPI from this CPU may still be on its way */
	lapic_write(LAPIC_ICR_HIGH, (u32)apic_id << 24); /* destination field, bits 56-63 */
	lapic_write(LAPIC_ICR_LOW, low);
	ok = wait_icr_idle();
	local_irq_restore(flags);
	return ok;
}

bool apic_send_ipi(unsigned int cpu, u8 vector)
{
	int id = cpu_physical_id(cpu);

	return id >= 0 && send_ipi_to(id, vector | ICR_LEVEL_ASSERT); /* fixed delivery */
}

void apic_ack_irq(void)
{
	lapic_write(LAPIC_EOI, 0);
}

bool apic_send_init_many(const int *apic_ids, unsigned int n)
{
	bool ok = true;

	for (unsigned int i = 0; i < n; i++)
		ok &= send_ipi_to(apic_ids[i], ICR_DM_INIT | ICR_LEVEL_ASSERT | ICR_TRIGGER_LEVEL);
	mdelay(10); /* once for all of them: the SDM's wait is per CPU, not per IPI */
	for (unsigned int i = 0; i < n; i++)
		ok &= send_ipi_to(apic_ids[i], ICR_DM_INIT | ICR_TRIGGER_LEVEL); /* de-assert */
	return ok;
}

bool apic_send_init(u8 apic_id)
{
	int id = apic_id;

	return apic_send_init_many(&id, 1);
}

/*
 * Intel SDM vol. 3A 9.4.4.1, "Typical BSP Initialization Sequence": INIT,
 * 10 ms, start-up IPI, 200 us, a second start-up IPI (the first may be lost:
 * the second is ignored by a CPU that already left wait-for-SIPI).  The
 * start-up vector is the page number of the code: CS = vector << 8, IP = 0.
 */
int apic_wakeup_cpu(u8 apic_id, phys_addr_t start, bool init)
{
	u32 vector = start >> PAGE_SHIFT;

	if (start & (PAGE_SIZE - 1) || vector > 0xff)
		return -EINVAL;
	lapic_write(LAPIC_ESR, 0);
	if (init && !apic_send_init(apic_id))
		return -EIO;
	for (int i = 0; i < 2; i++) {
		if (!send_ipi_to(apic_id, ICR_DM_STARTUP | vector))
			return -EIO;
		udelay(200);
	}
	lapic_write(LAPIC_ESR, 0); /* latch the errors of the sends */
	return lapic_read(LAPIC_ESR) & 0xef ? -EIO : 0;
}

void apic_timer_count_start(void)
{
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | (IRQ_VECTOR_BASE + TIMER_IRQ));
	lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
}

u32 apic_timer_elapsed(void)
{
	return 0xffffffff - lapic_read(LAPIC_TIMER_CUR);
}

/*
 * Without a rate from time.c (the TSC's came from CPUID): one window of
 * TIMER_CAL_US against the TSC.  The TSC reads bracket the timer's start
 * and the read of its count, so a host hiccup (TCG) or an SMI can only
 * lengthen the TSC interval: the error is that interval's excess over the
 * window, plus one count.
 */
static u64 lapic_timer_measure_khz(unsigned int *ppm)
{
	u64 t0, t1, cycles = tsc_khz * TIMER_CAL_US / 1000;
	u32 counts;

	t0 = rdtsc();
	apic_timer_count_start();
	while (rdtsc() - t0 < cycles)
		cpu_relax();
	counts = apic_timer_elapsed();
	t1 = rdtsc();
	lapic_write(LAPIC_TIMER_INIT, 0); /* stop */
	if (!counts)
		return 0;
	*ppm = (unsigned int)(DIV_ROUND_UP((t1 - t0 - cycles) * 1000000, cycles) +
			      DIV_ROUND_UP(1000000, counts)) +
	       tsc_calibration.ppm;
	return (u64)counts * tsc_khz / (t1 - t0);
}

/* 3.10 counts it over 100 ms of PIT ticks; we take time.c's window: docs/linux-3.10.md */
unsigned long apic_timer_start(unsigned int hz, u64 khz, unsigned int ppm)
{
	u32 vector = IRQ_VECTOR_BASE + TIMER_IRQ;
	const char *how = tsc_calibration.window_us ? "against the TSC" : "from CPUID";
	u32 count;

	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	if (!khz) {
		/* Masked and one-shot while we measure. */
		lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | vector);
		khz = lapic_timer_measure_khz(&ppm);
		how = "against the TSC";
	}
	count = (khz * 1000 + hz / 2) / hz;
	if (!count)
		return 0;
	/* Periodic: the count reloads itself (SDM "APIC Timer"); masked until request_irq. */
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | LVT_TIMER_PERIODIC | vector);
	lapic_write(LAPIC_TIMER_INIT, count);
	apic.timer_count = count;
	pr_info("apic: local APIC timer %llu kHz (bus / 16) %s (+-%u ppm), %u counts per tick\n",
		(unsigned long long)khz, how, ppm, count);
	return khz;
}

/* Map the IO-APIC described by @info into @io and read its size.  Returns 0 or -ENOMEM. */
static int ioapic_probe(struct ioapic *io, const struct acpi_ioapic_info *info)
{
	io->regs = ioremap(info->address, PAGE_SIZE);
	if (!io->regs)
		return -ENOMEM;
	io->phys = info->address;
	io->id = info->id;
	io->gsi_base = info->gsi_base;
	io->nr_pins = ((ioapic_read(io, IOAPIC_REG_VER) >> 16) & 0xff) + 1;
	return 0;
}

/* Mask every pin: the BIOS may have left entries enabled. */
static void ioapic_mask_all(const struct ioapic *io)
{
	for (unsigned int pin = 0; pin < io->nr_pins; pin++) {
		ioapic_write(io, IOAPIC_REG_REDTBL + 2 * pin, IOREDTBL_MASKED);
		ioapic_write(io, IOAPIC_REG_REDTBL + 2 * pin + 1, 0);
	}
	pr_info("apic: IO-APIC %u at %#llx: GSI %u-%u\n", io->id, (unsigned long long)io->phys,
		io->gsi_base, io->gsi_base + io->nr_pins - 1);
}

/* Enable this CPU's local APIC: every LVT masked, all priorities accepted, spurious vector 0xff. */
static void lapic_enable(void)
{
	unsigned int nr_lvt = ((lapic_read(LAPIC_VERSION) >> 16) & 0xff) + 1;

	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED); /* the 8259s are not used */
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	if (nr_lvt >= 5)
		lapic_write(LAPIC_LVT_PERF, LVT_MASKED);
	if (nr_lvt >= 6)
		lapic_write(LAPIC_LVT_THERMAL, LVT_MASKED);
	/* The ESR latches on a write; writing twice clears stale errors (SDM "Error Handling"). */
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_SVR, SVR_ENABLE | SPURIOUS_VECTOR);
	lapic_write(LAPIC_EOI, 0); /* drop anything the BIOS left in service */
}

void apic_init_ap(void)
{
	u32 vector = IRQ_VECTOR_BASE + TIMER_IRQ;
	u64 msr = rdmsr(MSR_IA32_APIC_BASE);

	if (!(msr & APIC_BASE_ENABLE))
		wrmsr(MSR_IA32_APIC_BASE, msr | APIC_BASE_ENABLE);
	lapic_enable();
	/* The boot CPU's calibration: every local APIC timer counts the same bus clock. */
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_PERIODIC | vector);
	lapic_write(LAPIC_TIMER_INIT, apic.timer_count);
}

/* The local APIC's physical base from the MSR (the CPU answers there), enabling it globally. */
static phys_addr_t lapic_base(const struct acpi_madt_info *m)
{
	u64 msr = rdmsr(MSR_IA32_APIC_BASE);
	phys_addr_t base = msr & APIC_BASE_ADDR_MASK;

	if (base != m->lapic_address)
		pr_warn("apic: MADT says local APIC at %#llx, the MSR %#llx; using the MSR\n",
			(unsigned long long)m->lapic_address, (unsigned long long)base);
	if (!(msr & APIC_BASE_ENABLE))
		wrmsr(MSR_IA32_APIC_BASE, msr | APIC_BASE_ENABLE);
	return base;
}

static bool cpu_has_apic(void)
{
	u32 a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	return d & (1U << 9); /* CPUID.01H:EDX.APIC */
}

int apic_init(void)
{
	const struct acpi_madt_info *m = acpi_madt();
	int i;

	if (!cpu_has_apic() || !m || !m->nr_ioapics) {
		pr_info("apic: no local APIC or no IO-APIC in the MADT\n");
		return -ENODEV;
	}
	/* Probe everything before changing anything: on failure the 8259s must still work. */
	apic.madt = m;
	for (i = 0; i < m->nr_ioapics; i++)
		if (ioapic_probe(&apic.ioapic[i], &m->ioapic[i]))
			return -ENOMEM;
	apic.lapic_phys = lapic_base(m);
	apic.lapic = ioremap(apic.lapic_phys, PAGE_SIZE);
	if (!apic.lapic)
		return -ENOMEM;

	apic.nr_ioapics = m->nr_ioapics;
	for (i = 0; i < apic.nr_ioapics; i++)
		ioapic_mask_all(&apic.ioapic[i]);
	lapic_enable();
	apic.lapic_id = lapic_read(LAPIC_ID) >> 24;
	apic.in_use = true;
	pr_info("apic: local APIC id %u at %#llx, version %#x\n", apic.lapic_id,
		(unsigned long long)apic.lapic_phys, lapic_read(LAPIC_VERSION) & 0xff);
	return 0;
}
