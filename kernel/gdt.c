/*
 * SPDX-License-Identifier: MIT
 * kernel/gdt.c - the CPU's descriptor tables: GDT, TSS and IDT.
 *
 * In 64-bit mode segmentation is nearly gone (Intel SDM vol. 3, 3.2.4): base
 * and limit are ignored, but the CPU still wants a code segment with the L
 * bit, a data segment for SS, and a TSS.  The TSS no longer holds a task's
 * registers; it holds the stack pointers the CPU switches to on an
 * interrupt.  We use it for the Interrupt Stack Table (SDM 6.14.5): two
 * vectors get a known-good stack of their own, whatever RSP was:
 *
 *   #DF (8)   IST1   a kernel stack overflow hits the guard page; the CPU
 *                    cannot push the #PF frame onto it and raises #DF,
 *                    which must run somewhere else
 *   NMI (2)   IST2   may arrive anywhere, even half way into another entry
 *
 * The GDT:
 *
 *   selector  entry
 *   0x00      null
 *   0x08      kernel code, 64-bit (L=1), DPL 0
 *   0x10      kernel data (SS, DS, ES)
 *   0x18      TSS (a 16-byte system descriptor, takes slots 3 and 4)
 *
 * Each CPU has its own GDT and TSS (a TSS is marked busy by ltr, and its IST
 * stacks must be the CPU's own); all CPUs share the one IDT.  trap_init()
 * sets up CPU 0's; kernel/smpboot.c has trap_prepare_cpu() fill another
 * CPU's (allocating its IST stacks) on the boot CPU, and the new CPU itself
 * only loads them (trap_load_cpu()).
 *
 * The IDT has one interrupt gate per vector, pointing at the stubs in
 * kernel/entry.S.  Interrupt gates (not trap gates) clear IF on entry, so
 * every handler starts with interrupts off and decides itself when to
 * allow them again.
 */
#include <arch/traps.h>
#include <kernel/boot_report.h>
#include <kernel/compiler.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/types.h>
#include <mm/paging.h>
#include <errno.h>

#define GDT_KERNEL_CS 0x08
#define GDT_KERNEL_DS 0x10
#define GDT_TSS	      0x18

#define IST_DF	1 /* TSS.ist[0] */
#define IST_NMI 2 /* TSS.ist[1] */

/* 64-bit TSS, SDM vol. 3, 8.7 figure 8-11. */
struct tss {
	u32 reserved0;
	u64 rsp[3]; /* stacks for entry from rings 0-2: unused, no ring 3 */
	u64 reserved1;
	u64 ist[7]; /* IST1..IST7 */
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base; /* offset of the I/O bitmap; past the limit = none */
} __packed;

_Static_assert(sizeof(struct tss) == 104, "SDM 8.7: the 64-bit TSS is 104 bytes");

/* 64-bit interrupt gate, SDM vol. 3, 6.14.1 figure 6-8. */
struct idt_gate {
	u16 offset_low;
	u16 selector;
	u8 ist;	      /* bits 0-2: IST index, 0 = stay on the current stack */
	u8 type_attr; /* P(7) DPL(6:5) 0 type(3:0) */
	u16 offset_mid;
	u32 offset_high;
	u32 reserved;
} __packed;

_Static_assert(sizeof(struct idt_gate) == 16, "SDM 6.14.1: 16-byte gates");

#define GATE_INTERRUPT 0x8e /* present, DPL 0, type 0xE (64-bit interrupt gate) */

/* The operand of lgdt/lidt (SDM 3.5.1, 6.10). */
struct desc_ptr {
	u16 limit;
	u64 base;
} __packed;

/*
 * The code and data descriptors, in the raw form of SDM 3.4.5: base 0,
 * limit 0xfffff pages (ignored in long mode), present, DPL 0.
 * 0x9a = code, execute/read; 0x92 = data, read/write; the "a" nibble of the
 * code descriptor sets L (64-bit), the "c" of the data one sets G and D/B.
 */
#define DESC_KERNEL_CODE64 0x00af9a000000ffffULL
#define DESC_KERNEL_DATA   0x00cf92000000ffffULL

/* Everything this file sets up; the CPUs read it for as long as we run. */
struct cpu_desc {
	u64 gdt[5]; /* null, code, data, TSS (two slots) */
	struct tss tss;
} __aligned(16);

static struct cpu_desc cpu_desc[NR_CPUS];
static struct idt_gate idt[256] __aligned(16);

/*
 * An IST stack, from the vmap area like a thread's, so it too has an
 * unmapped guard page below it.  trap_init runs after mm_init, so the
 * allocator is there; without the stacks we cannot go on.
 */
static unsigned long ist_stack_top(void)
{
	unsigned long bottom = vmap_stack_alloc(IST_STACK_SIZE, GFP_KERNEL);

	return bottom ? bottom + IST_STACK_SIZE : 0;
}

/* The 256 entry points, in kernel/entry.S. */
extern const unsigned long interrupt_stub_table[256];

/* A TSS descriptor is a 16-byte system descriptor (SDM 8.2.3, figure 8-4). */
static void set_tss_descriptor(u64 *slot, const struct tss *tss)
{
	u64 base = (u64)(unsigned long)tss;
	u64 limit = sizeof(*tss) - 1;

	slot[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		  (0x89ULL << 40) | /* present, DPL 0, type 9: available 64-bit TSS */
		  (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	slot[1] = base >> 32;
}

/* Fill @d: the descriptors and a TSS with fresh IST stacks.  Returns 0 or -ENOMEM. */
static int gdt_setup(struct cpu_desc *d)
{
	d->gdt[0] = 0;
	d->gdt[GDT_KERNEL_CS / 8] = DESC_KERNEL_CODE64;
	d->gdt[GDT_KERNEL_DS / 8] = DESC_KERNEL_DATA;

	if (!d->tss.ist[IST_DF - 1])
		d->tss.ist[IST_DF - 1] = ist_stack_top();
	if (!d->tss.ist[IST_NMI - 1])
		d->tss.ist[IST_NMI - 1] = ist_stack_top();
	if (!d->tss.ist[IST_DF - 1] || !d->tss.ist[IST_NMI - 1])
		return -ENOMEM; /* a stack made stays for the next try */
	d->tss.iomap_base = sizeof(d->tss);
	set_tss_descriptor(&d->gdt[GDT_TSS / 8], &d->tss);
	return 0;
}

/*
 * Load the new GDT and make every segment register use it.  CS can only be
 * changed by a far transfer: push the new CS:RIP and "return" to it.
 */
static void gdt_load(struct cpu_desc *d)
{
	struct desc_ptr p = { .limit = sizeof(d->gdt) - 1, .base = (unsigned long)d->gdt };
	u64 gs_base = rdmsr(MSR_GS_BASE); /* the per-CPU offset: a %gs load may clear it */

	__asm__ __volatile__("lgdt %0" : : "m"(p));
	__asm__ __volatile__("pushq %[cs]\n\t"
			     "leaq 1f(%%rip), %%rax\n\t"
			     "pushq %%rax\n\t"
			     "lretq\n"
			     "1:\n\t"
			     "movl %[ds], %%eax\n\t"
			     "movl %%eax, %%ds\n\t"
			     "movl %%eax, %%es\n\t"
			     "movl %%eax, %%ss\n\t"
			     "xorl %%eax, %%eax\n\t"
			     "movl %%eax, %%fs\n\t"
			     "movl %%eax, %%gs"
			     :
			     : [cs] "i"(GDT_KERNEL_CS), [ds] "i"(GDT_KERNEL_DS)
			     : "rax", "memory");
	wrmsr(MSR_GS_BASE, gs_base);
	/* ltr marks the descriptor busy; loading it twice would #GP. */
	__asm__ __volatile__("ltr %w0" : : "r"(GDT_TSS));
}

/*
 * noinline: inlined into idt_setup()'s loop, gcc vectorises the loop into some 600
 * instructions of SSE shuffles, run once; under TCG translating them cost 0.7 ms of the
 * boot, two hundred times what the plain loop costs (docs/performance.md, "Boot").
 */
static noinline void idt_set_gate(unsigned int vec, unsigned long handler, unsigned int ist)
{
	struct idt_gate *g = &idt[vec];

	g->offset_low = handler & 0xffff;
	g->selector = GDT_KERNEL_CS;
	g->ist = ist;
	g->type_attr = GATE_INTERRUPT;
	g->offset_mid = (handler >> 16) & 0xffff;
	g->offset_high = handler >> 32;
	g->reserved = 0;
}

static void idt_setup(void)
{
	for (unsigned int vec = 0; vec < ARRAY_SIZE(idt); vec++)
		idt_set_gate(vec, interrupt_stub_table[vec], 0);
	idt[X86_TRAP_DF].ist = IST_DF;
	idt[X86_TRAP_NMI].ist = IST_NMI;
}

static void idt_load(void)
{
	struct desc_ptr p = { .limit = sizeof(idt) - 1, .base = (unsigned long)idt };

	__asm__ __volatile__("lidt %0" : : "m"(p));
}

/**
 * trap_init - install the GDT (with a TSS whose IST stacks serve #DF and
 * NMI) and the IDT, so that every CPU exception and interrupt vector enters
 * interrupt_dispatch() (kernel/traps.c) with a struct pt_regs.
 *
 * Call once, at boot, with interrupts off, before anything can fault or
 * interrupt: until then an exception is a triple fault (a silent reset).
 * The boot GDT (boot/boot.S) is reached through its physical address in a
 * mapping paging_init() removes, so this also retires it.
 */
void trap_init(void)
{
	unsigned int tries;
	int err = -ENOMEM;

	for (tries = 0; err && tries < BOOT_ESSENTIAL_TRIES; tries++)
		err = gdt_setup(&cpu_desc[0]); /* a stack made stays for the next try */
	boot_essential_retried("traps: the IST stacks", -ENOMEM, tries, !err);
	if (err)
		panic("traps: no memory for the IST stacks");
	gdt_load(&cpu_desc[0]);
	idt_setup();
	idt_load();
	pr_info("traps: GDT, TSS and IDT loaded (#DF on IST%d, NMI on IST%d)\n", IST_DF, IST_NMI);
}

unsigned long trap_ist_stack_top(int ist)
{
	return ist >= 1 && ist <= 7 ? cpu_desc[0].tss.ist[ist - 1] : 0;
}

int trap_prepare_cpu(unsigned int cpu)
{
	if (cpu == 0 || cpu >= NR_CPUS)
		return -EINVAL;
	return gdt_setup(&cpu_desc[cpu]);
}

void trap_load_cpu(unsigned int cpu)
{
	gdt_load(&cpu_desc[cpu]);
	idt_load();
}
