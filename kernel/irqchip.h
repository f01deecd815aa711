/*
 * SPDX-License-Identifier: MIT
 * kernel/irqchip.h - private to the interrupt code: kernel/irq.c, apic.c,
 * pic.c, time.c, and smpboot.c (which starts CPUs through the local APIC).
 * Drivers use <kernel/irq.h>; what the tests read of the chips is in
 * <kernel/irqchip_test.h>.
 *
 * Two controller set-ups, chosen once by irq_init():
 *
 *   APIC (the default)                     8259 PIC (no APIC, or `noapic`)
 *   line 0   = local APIC timer -> vec 32  line 0 = PIT channel 0 -> vec 32
 *   line 1.. = IO-APIC pin (ISA overrides  lines 0-15 = the two 8259s,
 *              applied)  -> vec 32+line               vectors 32-47
 *
 * Either way line 0 is the periodic tick (TIMER_IRQ), so kstat_irqs(0)
 * counts ticks and the tests need not know which chip is in use.
 */
#ifndef KERNEL_IRQCHIP_H
#define KERNEL_IRQCHIP_H

#include <kernel/irq.h>
#include <kernel/irqchip_test.h>
#include <kernel/types.h>

/* kernel/pic.c: remap the 8259s to vectors 32-47 and mask every line. */
extern const struct irq_chip pic_chip;
void pic_init(void);

/*
 * kernel/apic.c: set up the local APIC and every IO-APIC of the MADT, all
 * lines masked.  Returns 0, or -ENODEV without a usable MADT/IO-APIC (the
 * caller then uses the 8259s).  Context: boot, interrupts off.
 */
extern const struct irq_chip apic_chip;
int apic_init(void);
/*
 * Program the local APIC timer for @hz periodic interrupts on TIMER_IRQ's
 * vector, masked until request_irq(TIMER_IRQ) unmasks it.  @khz (error
 * @ppm) is its input rate after the divide-by-16 when time.c learnt it with
 * the TSC's; 0: measure it here against the TSC (time.c must have set
 * tsc_khz).  Returns the rate in kHz, or 0 if the timer does not count.
 */
unsigned long apic_timer_start(unsigned int hz, u64 khz, unsigned int ppm);
/* Start the timer counting down from ~0, masked, one-shot (time.c's calibration window). */
void apic_timer_count_start(void);
/* Counts since apic_timer_count_start(). */
u32 apic_timer_elapsed(void);
/* true if an IO-APIC pin drives line @irq (false for lines only messages can raise). */
bool apic_irq_has_pin(unsigned int irq);
/*
 * The MSI address/data that delivers @vector to CPU @cpu (Intel SDM vol. 3A,
 * 11.11.1-2), physical destination mode:
 *
 *   address  31      20 19        12 11      4  3   2   1 0
 *           +----------+------------+---------+---+---+---+
 *           |  0xFEE   | APIC ID    | reserved|RH |DM | 00|   RH = DM = 0: physical,
 *           +----------+------------+---------+---+---+---+   the one CPU named
 *   data    vector in 7-0, delivery mode 000 (fixed), trigger 0 (edge)
 * (MSI_ADDR_* in <kernel/irq.h>.)
 */
void apic_compose_msi_msg(unsigned int vector, unsigned int cpu, struct msi_msg *msg);
/* The chip of the lines msi_irq_alloc() reserves: set_affinity rewrites the device's message. */
extern const struct irq_chip msi_chip;
/* Send @vector to this CPU through the ICR; if interrupts are on, return after it ran. */
void apic_send_self_ipi(u8 vector);

/* This CPU's local APIC ID (its LAPIC ID register).  Context: any, with the APIC in use. */
u32 apic_read_id(void);
/*
 * Start the CPU whose local APIC ID is @apic_id at the real-mode code in the
 * page at @start (below 1 MiB, page aligned): INIT (unless @init is false:
 * the caller sent it already), then two start-up IPIs, with the SDM's
 * delays.  Returns 0 once sent, -EINVAL for a bad @start, -EIO if the local
 * APIC could not deliver.  Context: thread, boot CPU.
 */
int apic_wakeup_cpu(u8 apic_id, phys_addr_t start, bool init);
/*
 * INIT (assert, 10 ms, de-assert) to @apic_id: it stops and waits for a
 * start-up IPI.  False if the local APIC could not deliver either half.
 * apic_send_init_many: the same to @n CPUs, with one 10 ms wait for all.
 */
bool apic_send_init(u8 apic_id);
bool apic_send_init_many(const int *apic_ids, unsigned int n);
/*
 * An AP's local APIC, as the boot CPU's (apic_init), and its timer ticking
 * at the boot CPU's calibrated rate, unmasked.  Context: that AP, interrupts off.
 */
void apic_init_ap(void);
/* Send @vector to CPU @cpu (fixed delivery).  False if it could not be sent. */
bool apic_send_ipi(unsigned int cpu, u8 vector);
/* End of interrupt, for a vector that is not an IRQ line (the IPIs). */
void apic_ack_irq(void);

/* kernel/smp.c: the IPIs' vectors (3.10's), their handler, the call queues' set-up. */
#define REBOOT_VECTOR		    0xf8 /* stop (smp_send_stop) */
#define CALL_FUNCTION_SINGLE_VECTOR 0xfb
#define RESCHEDULE_VECTOR	    0xfd
#define FIRST_IPI_VECTOR	    REBOOT_VECTOR
/* Context: hardirq, interrupts off, between irq_enter and irq_exit; acks the APIC. */
void smp_ipi_interrupt(unsigned int vector);
/* Context: boot, once the possible CPUs are known and before any AP runs. */
void smp_ipi_init(void);

#endif
