/*
 * SPDX-License-Identifier: MIT
 * kernel/traps.c - what happens when a vector fires: interrupt_dispatch().
 *
 * kernel/entry.S saves the interrupted state as a struct pt_regs and calls
 * interrupt_dispatch(regs) with interrupts off.  Vectors 0-31 are CPU
 * exceptions (Intel SDM vol. 3, table 6-1), the rest hardware interrupts:
 *
 *   vector >= 32      do_irq(), then maybe preempt the interrupted thread
 *   NMI (2), #BP (3)  print, return to the interrupted code
 *   any other         an oops: print what happened, where, the registers
 *                     and the backtrace; then
 *                       - in a kernel thread: kill that thread (the system
 *                         goes on, as Linux goes on after an oops), or
 *                       - in the boot/idle task or an interrupt handler,
 *                         where there is nothing to kill: panic.
 *
 * A kernel stack overflow runs into the unmapped guard page below the stack.
 * The CPU cannot push the #PF frame onto that stack, so it raises #DF, which
 * runs on its own stack (IST1, kernel/gdt.c) and reports the overflow.
 *
 * XXX: a fault inside the #DF handler itself would start again at the top
 * of IST1 and overwrite the first #DF's frame.  Nothing here should fault,
 * so this is not guarded against.
 */
#include <arch/traps.h>
#include <arch/x86.h>
#include <kernel/irq.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <mm/mm.h>
#include <mm/paging.h>
#include <stddef.h>
#include <stdio.h>

/* kernel/entry.S hard-codes these offsets. */
_Static_assert(offsetof(struct pt_regs, rbp) == 8 * 8, "entry.S PT_RBP");
_Static_assert(offsetof(struct pt_regs, rip) == 17 * 8, "entry.S PT_RIP");

/* Names as Linux prints them; mnemonics and meanings from SDM vol. 3, table 6-1. */
static const char *const exception_names[32] = {
	[0] = "divide error",		     /* #DE: DIV/IDIV by 0 or overflow */
	[1] = "debug",			     /* #DB */
	[2] = "NMI",			     /* non-maskable interrupt */
	[3] = "int3",			     /* #BP: breakpoint */
	[4] = "overflow",		     /* #OF: INTO */
	[5] = "bounds",			     /* #BR: BOUND range exceeded */
	[6] = "invalid opcode",		     /* #UD: e.g. ud2 */
	[7] = "device not available",	     /* #NM: FPU/SSE used with CR0.TS/EM */
	[8] = "double fault",		     /* #DF: fault while delivering a fault */
	[9] = "coprocessor segment overrun", /* reserved since the 486 */
	[10] = "invalid TSS",		     /* #TS */
	[11] = "segment not present",	     /* #NP */
	[12] = "stack segment",		     /* #SS */
	[13] = "general protection fault",   /* #GP: e.g. non-canonical address */
	[14] = "page fault",		     /* #PF */
	[15] = "reserved exception 15",
	[16] = "coprocessor error",		 /* #MF: x87 FPU error */
	[17] = "alignment check",		 /* #AC */
	[18] = "machine check",			 /* #MC */
	[19] = "SIMD exception",		 /* #XM: SSE floating point */
	[20] = "virtualization exception",	 /* #VE */
	[21] = "control protection fault",	 /* #CP: CET */
	[28] = "hypervisor injection exception", /* #HV (AMD) */
	[29] = "VMM communication exception",	 /* #VC (AMD) */
	[30] = "security exception",		 /* #SX (AMD) */
};

static unsigned int oops_count;

static const char *exception_name(unsigned long vec)
{
	return vec < 32 && exception_names[vec] ? exception_names[vec] : "reserved exception";
}

/*
 * Describe a page fault from its error code (SDM vol. 3, 4.7): what the
 * access was, and why it failed.  Fills @fi->reason and prints the two
 * "#PF:" lines Linux prints.
 */
static void describe_page_fault(struct pt_regs *regs, struct fault_info *fi)
{
	unsigned long ec = regs->error_code, addr = fi->cr2;
	const char *access = ec & PF_INSTR   ? "instruction fetch from"
			     : ec & PF_WRITE ? "write to"
					     : "read from";
	const char *page = !(ec & PF_PROT) ? (addr < PAGE_SIZE ? "NULL page" : "unmapped page")
			   : ec & PF_RSVD  ? "page with reserved bits set"
			   : ec & PF_INSTR ? "no-execute page"
			   : ec & PF_WRITE ? "read-only page"
					   : "protected page";

	if (addr < PAGE_SIZE)
		printk(KERN_ALERT "BUG: kernel NULL pointer dereference, address: 0x%016lx\n",
		       addr);
	else
		printk(KERN_ALERT "BUG: unable to handle page fault for address: 0x%016lx\n", addr);
	printk(KERN_ALERT "#PF: %s %s in %s mode\n", ec & PF_USER ? "user" : "supervisor",
	       ec & PF_INSTR   ? "instruction fetch"
	       : ec & PF_WRITE ? "write access"
			       : "read access",
	       ec & PF_USER ? "user" : "kernel");
	printk(KERN_ALERT "#PF: error_code(0x%04lx) - %s\n", ec,
	       !(ec & PF_PROT) ? "not-present page"
	       : ec & PF_RSVD  ? "reserved bit violation"
			       : "permissions violation");
	snprintf(fi->reason, sizeof(fi->reason), "page fault: %s %s at 0x%lx", access, page, addr);
}

/* The guard page below a kernel stack was touched: say so in words. */
static void describe_stack_overflow(struct pt_regs *regs, struct fault_info *fi)
{
	printk(KERN_ALERT "BUG: stack guard page was hit at 0x%016lx (stack pointer 0x%016lx)\n",
	       (unsigned long)fi->cr2, (unsigned long)regs->rsp);
	snprintf(fi->reason, sizeof(fi->reason), "kernel stack overflow (guard page hit at 0x%lx)",
		 (unsigned long)fi->cr2);
}

/* Any other exception: "<name> at <function>". */
static void describe_exception(struct pt_regs *regs, struct fault_info *fi)
{
	char where[96];

	ksym_format(regs->rip, where, sizeof(where));
	if (regs->vector == X86_TRAP_DF)
		snprintf(fi->reason, sizeof(fi->reason), "double fault (CR2 0x%lx)",
			 (unsigned long)fi->cr2);
	else
		snprintf(fi->reason, sizeof(fi->reason), "%s at %s", exception_name(regs->vector),
			 where);
}

/*
 * Fill @fi from the frame and print the first lines of the oops: what went
 * wrong, then "<name>: <error code> [#n]".
 */
static void describe_fault(struct pt_regs *regs, struct fault_info *fi)
{
	unsigned long vec = regs->vector;
	bool has_cr2 = vec == X86_TRAP_PF || vec == X86_TRAP_DF;

	fi->vector = vec;
	fi->error_code = regs->error_code;
	fi->rip = regs->rip;
	/* Only #PF sets CR2; for #DF it holds the address of the fault that escalated. */
	fi->cr2 = has_cr2 ? read_cr2() : 0;

	if (has_cr2 && is_stack_guard_page(fi->cr2))
		describe_stack_overflow(regs, fi);
	else if (vec == X86_TRAP_PF)
		describe_page_fault(regs, fi);
	else
		describe_exception(regs, fi);
	printk(KERN_ALERT "%s: %04lx [#%u]\n",
	       has_cr2 && is_stack_guard_page(fi->cr2) ? "kernel stack overflow"
	       : vec == X86_TRAP_PF		       ? "Oops"
						       : exception_name(vec),
	       (unsigned long)regs->error_code, ++oops_count);
}

/*
 * Can the fault be survived by killing the thread it happened in?  Only in a
 * kernel thread proper: the idle task (pid 0) must always exist, and a fault
 * inside an interrupt handler or softirq belongs to no thread.
 */
static bool fault_kills_thread(void)
{
	return current && current->pid != 0 && !in_interrupt() && !oops_in_progress;
}

/* A fatal exception: report it, then kill the thread or panic.  Never returns. */
static __noreturn void die(struct pt_regs *regs)
{
	struct fault_info fi = { 0 };

	describe_fault(regs, &fi);
	if (!fault_kills_thread())
		panic_regs(regs, "Fatal exception%s: %s", in_interrupt() ? " in interrupt" : "",
			   fi.reason);

	show_regs(regs);
	printk(KERN_ALERT "---[ end trace ]---\n");
	printk(KERN_ERR "note: %s[%d] killed: %s\n", current->comm, current->pid, fi.reason);
	kthread_fault_exit(&fi);
}

/* int3: a breakpoint a developer put in; report it and carry on after it. */
static void do_int3(struct pt_regs *regs)
{
	char where[96];

	/* RIP already points past the one-byte int3 (a trap, SDM 6.5). */
	ksym_format(regs->rip - 1, where, sizeof(where));
	printk(KERN_WARNING "int3: breakpoint at %s, continuing\n", where);
}

/*
 * NMI: on a PC a hardware error (memory parity, I/O channel check) or a
 * watchdog; under QEMU only the monitor's `nmi` command.  Report, go on.
 */
static void do_nmi(struct pt_regs *regs)
{
	char where[96];

	ksym_format(regs->rip, where, sizeof(where));
	printk(KERN_WARNING "NMI received at %s, ignored\n", where);
}

/**
 * interrupt_dispatch - the C side of every interrupt and exception.
 * @regs: the interrupted state, built by kernel/entry.S; changes to it are
 *        what the interrupted code resumes with
 *
 * Called only from kernel/entry.S, with interrupts off.  For a hardware
 * interrupt it calls do_irq() and, if the interrupted code could have been
 * preempted (IF was set), preempt_schedule_irq(), which may switch to
 * another thread before this returns.  A fatal exception does not return.
 */
void interrupt_dispatch(struct pt_regs *regs)
{
	if (regs->vector >= IRQ_VECTOR_BASE) {
		do_irq(regs);
		/* With IF clear the thread was in a critical section: never switch there. */
		if (regs->rflags & X86_EFLAGS_IF)
			preempt_schedule_irq();
		return;
	}
	switch (regs->vector) {
	case X86_TRAP_NMI:
		do_nmi(regs);
		return;
	case X86_TRAP_BP:
		do_int3(regs);
		return;
	default:
		die(regs);
	}
}
