/*
 * SPDX-License-Identifier: MIT
 * kernel/panic.c - panic, BUG, WARN and symbolized backtraces.
 *
 * Backtraces follow the frame-pointer chain.  The kernel is built with
 * -fno-omit-frame-pointer, so every function starts with
 *
 *     push %rbp; mov %rsp, %rbp
 *
 * and its frame looks like this:
 *
 *     higher addresses
 *     | return address  |  rbp + 8   where the caller resumes
 *     | caller's rbp    |  rbp       <- the next link of the chain
 *     | locals ...      |
 *
 * Following rbp -> [rbp] -> [[rbp]] ... visits every caller; [rbp + 8] names
 * each one.  The chain ends at 0 (boot.S and new threads start with rbp = 0).
 * An interrupt leaves a fake frame in kernel/entry.S, so a trace taken inside
 * a handler goes on into the interrupted code.
 *
 * A backtrace runs when something is already wrong, so it trusts nothing:
 * every frame pointer is checked (aligned, inside a stack area, mapped,
 * above the previous one) before it is read.
 *
 * Output format, as Linux's, so the text reads familiar:
 *
 *   Kernel panic - not syncing: <reason>
 *   CPU: 0 PID: 3 Comm: ktest
 *   RIP: 0008:func+0x1a/0x40 ... registers ...
 *   Call Trace:
 *    func+0x1a/0x40
 *    caller+0x33/0x80
 *   ---[ end Kernel panic - not syncing: <reason> ]---
 */
#include <arch/boot.h>
#include <arch/traps.h>
#include <arch/x86.h>
#include <kernel/irqflags.h>
#include <kernel/ktests.h>
#include <kernel/panic.h>
#include <kernel/power.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <mm/gfp.h> /* mm/paging.h needs gfp_t */
#include <mm/paging.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_FRAMES 32
#define KSYM_BUF   128

bool oops_in_progress;
unsigned long warn_count;

/* Levels of the three kinds of report: a panic must be seen even with loglevel=1. */
#define LVL_PANIC KERN_EMERG
#define LVL_OOPS  KERN_ALERT
#define LVL_WARN  KERN_WARNING

/* Panic state: how deep we are, and the reason (static: the stack may be the problem). */
static struct {
	int depth; /* panics entered; a second one gives up at once */
	char reason[256];
} panic_state;

extern char _text[], _etext[], _data[], _kernel_end[];

/* ---- symbol printing ------------------------------------------------- */

/*
 * A return address points just past its call instruction, and a call to a
 * __noreturn function may be the last instruction of its function, so the
 * return address is already in the next function.  Look up addr - 1 and add
 * the 1 back, as Linux's %pB does.
 */
static void format_return_address(unsigned long addr, char *buf, size_t len)
{
	unsigned long off, size;
	const char *name = ksym_lookup(addr - 1, &off, &size);

	if (name)
		snprintf(buf, len, "%s+0x%lx/0x%lx", name, off + 1, size);
	else
		snprintf(buf, len, "0x%016lx", addr);
}

/* @exact: @addr is where the CPU was (a trap frame's RIP), not a return address. */
static void print_frame(const char *lvl, unsigned long addr, bool exact, bool reliable)
{
	char sym[KSYM_BUF];

	if (exact)
		ksym_format(addr, sym, sizeof(sym));
	else
		format_return_address(addr, sym, sizeof(sym));
	printk("%s %s%s\n", lvl, reliable ? "" : "? ", sym);
}

/* true if @addr lies in interrupt_common, whose frame's caller is a trap frame. */
static bool is_entry_code(unsigned long addr)
{
	const char *name = ksym_lookup(addr - 1, NULL, NULL);

	return name && !strcmp(name, "interrupt_common");
}

/* "CPU: 0 PID: 3 Comm: name", and the interrupt context if in one. */
static void print_task_line(const char *lvl)
{
	printk("%sCPU: %u PID: %d Comm: %s%s\n", lvl, raw_smp_processor_id(),
	       current ? current->pid : 0, current ? current->comm : "boot",
	       in_irq()	      ? " (in hardirq)"
	       : in_softirq() ? " (in softirq)"
			      : "");
}

/* ---- frame walking --------------------------------------------------- */

/*
 * Kernel stacks live in the vmap area (thread stacks) or in the image's
 * data (the boot stack and the IST stacks of kernel/gdt.c).
 */
static bool in_stack_area(unsigned long addr)
{
	return (addr >= VMAP_START && addr < VMAP_END) ||
	       (addr >= (unsigned long)_data && addr < (unsigned long)_kernel_end) ||
	       ktests_data_contains(addr);
}

static bool stack_word_readable(unsigned long addr)
{
	return !(addr & 7) && in_stack_area(addr) && lookup_pte(addr, NULL);
}

/*
 * May we read the frame at @fp, coming from the frame at @prev?  Frames grow
 * upwards along the chain, so @fp must be above @prev, except right after a
 * trap frame (@stack_switch): an IST entry (#DF, NMI) moves to another stack.
 */
static bool frame_ok(unsigned long fp, unsigned long prev, bool stack_switch)
{
	if (!stack_switch && fp <= prev)
		return false; /* not increasing: a loop or garbage */
	return stack_word_readable(fp) && stack_word_readable(fp + 8);
}

/*
 * Print the return address of each frame from @fp up the chain.  The first
 * frame is accepted at any address; @exact_first says the first return
 * address is really a trap frame's RIP.  A run of identical frames (deep
 * recursion) is printed once, with a count.
 */
static void walk_frames(const char *lvl, unsigned long fp, bool exact_first)
{
	unsigned long prev = 0, last_ret = 0;
	bool exact = exact_first, stack_switch = true;
	int n, repeats = 0;

	for (n = 0; n < MAX_FRAMES && fp; n++) {
		unsigned long next, ret;

		if (!frame_ok(fp, prev, stack_switch)) {
			printk("%s (bad frame pointer 0x%016lx, trace stops)\n", lvl, fp);
			break;
		}
		next = ((unsigned long *)fp)[0];
		ret = ((unsigned long *)fp)[1];
		if (!ret)
			break;
		if (ret == last_ret && !exact) {
			repeats++;
		} else {
			if (repeats)
				printk("%s (the line above %d more times)\n", lvl, repeats);
			repeats = 0;
			print_frame(lvl, ret, exact, true);
		}
		/* The frame after entry code is the fake one entry.S built from pt_regs. */
		stack_switch = exact;
		exact = is_entry_code(ret);
		last_ret = ret;
		prev = fp;
		fp = next;
	}
	if (repeats)
		printk("%s (the line above %d more times)\n", lvl, repeats);
	if (n == MAX_FRAMES && fp)
		printk("%s (more than %d frames, trace stops)\n", lvl, MAX_FRAMES);
}

/**
 * stack_trace_save - the return addresses up the frame-pointer chain, our
 * caller's own first, into @store (at most @size), checked as a backtrace's
 * frames are; it stops at a bad frame pointer and at entry code (what an
 * interrupt interrupted is not its caller).  Returns how many.  For fault
 * injection's call sites (mm/fault_inject.c).  Context: any.
 */
/* 3.10's save_stack_trace fills a struct stack_trace; ours 5.2's form: docs/linux-3.10.md */
noinline unsigned int stack_trace_save(unsigned long *store, unsigned int size)
{
	unsigned long fp = (unsigned long)__builtin_frame_address(0), prev = 0;
	unsigned int n = 0;

	while (n < size && fp && frame_ok(fp, prev, !prev)) {
		unsigned long ret = ((unsigned long *)fp)[1];

		if (!ret || is_entry_code(ret))
			break;
		store[n++] = ret;
		prev = fp;
		fp = ((unsigned long *)fp)[0];
	}
	return n;
}

/**
 * show_backtrace - print "Call Trace:" and the chain of callers.
 * @rip: where the code was (a trap frame's RIP or a thread's saved
 *       resume address), printed first; 0 for none
 * @rbp: the frame pointer of that code
 *
 * Bad frame pointers end the trace with a note, never a fault.
 * Context: any.
 */
void show_backtrace(unsigned long rip, unsigned long rbp)
{
	printk(LVL_OOPS "Call Trace:\n");
	if (rip)
		print_frame(LVL_OOPS, rip, true, true);
	walk_frames(LVL_OOPS, rbp, false);
}

/**
 * dump_stack - print the backtrace of the caller, starting at the caller.
 * Context: any.
 */
noinline void dump_stack(void)
{
	print_task_line(LVL_WARN);
	printk(LVL_WARN "Call Trace:\n");
	walk_frames(LVL_WARN, (unsigned long)__builtin_frame_address(0), false);
}

/* ---- registers ------------------------------------------------------- */

/*
 * Does @addr look like a return address: inside the kernel's text (or the
 * tests module's), right after one of the call instructions gcc emits?
 * (Intel SDM vol. 2, CALL: E8 rel32; FF /2 through a register, a register
 * plus disp8, or RIP+disp32.)
 */
static bool looks_like_return_address(unsigned long addr)
{
	const u8 *p = (const u8 *)addr;
	bool in_text = (addr >= (unsigned long)_text + 7 && addr <= (unsigned long)_etext) ||
		       (ktests_text_contains(addr - 7) && ktests_text_contains(addr - 1));

	if (!in_text || !ksym_lookup(addr - 1, NULL, NULL))
		return false;
	return p[-5] == 0xe8 ||				    /* call rel32 */
	       (p[-2] == 0xff && (p[-1] & 0xf8) == 0xd0) || /* call *%reg */
	       (p[-3] == 0xff && (p[-2] & 0xf8) == 0x50) || /* call *disp8(%reg) */
	       (p[-6] == 0xff && p[-5] == 0x15);	    /* call *disp32(%rip) */
}

/*
 * The rbp chain starts at the interrupted function's frame, but a function
 * may have none: gcc sets up no frame in a leaf that needs no stack, and a
 * trap on a function's first instruction (a call through a bad pointer, a
 * jump into data) comes before its `push %rbp`.  Either way the chain would
 * skip the caller, whose return address is still on top of the stack.  Print
 * it marked "?" (a guess, as Linux marks them) when it looks like one and
 * the chain does not already start with it.
 */
static void show_stack_top_guess(struct pt_regs *regs)
{
	unsigned long top;

	if (!stack_word_readable(regs->rsp))
		return;
	top = *(unsigned long *)regs->rsp;
	if (!looks_like_return_address(top))
		return;
	if (frame_ok(regs->rbp, 0, true) && ((unsigned long *)regs->rbp)[1] == top)
		return;
	print_frame(LVL_OOPS, top, false, false);
}

/* The backtrace of a trap frame: RIP, the guess above, then the rbp chain. */
static void show_trap_backtrace(struct pt_regs *regs)
{
	printk(LVL_OOPS "Call Trace:\n");
	print_frame(LVL_OOPS, regs->rip, true, true);
	show_stack_top_guess(regs);
	walk_frames(LVL_OOPS, regs->rbp, false);
}

/**
 * show_regs - print the task, the registers of a trap frame and the
 * backtrace of the interrupted code.
 * @regs: the frame kernel/entry.S built
 *
 * Context: any; used by oopses and panic_regs().
 */
void show_regs(struct pt_regs *regs)
{
	char sym[KSYM_BUF];

	print_task_line(LVL_OOPS);
	ksym_format(regs->rip, sym, sizeof(sym));
	printk(LVL_OOPS "RIP: %04lx:%s\n", (unsigned long)regs->cs, sym);
	printk(LVL_OOPS "RSP: %04lx:%016lx EFLAGS: %08lx\n", (unsigned long)regs->ss,
	       (unsigned long)regs->rsp, (unsigned long)regs->rflags);
	printk(LVL_OOPS "RAX: %016lx RBX: %016lx RCX: %016lx\n", (unsigned long)regs->rax,
	       (unsigned long)regs->rbx, (unsigned long)regs->rcx);
	printk(LVL_OOPS "RDX: %016lx RSI: %016lx RDI: %016lx\n", (unsigned long)regs->rdx,
	       (unsigned long)regs->rsi, (unsigned long)regs->rdi);
	printk(LVL_OOPS "RBP: %016lx R08: %016lx R09: %016lx\n", (unsigned long)regs->rbp,
	       (unsigned long)regs->r8, (unsigned long)regs->r9);
	printk(LVL_OOPS "R10: %016lx R11: %016lx R12: %016lx\n", (unsigned long)regs->r10,
	       (unsigned long)regs->r11, (unsigned long)regs->r12);
	printk(LVL_OOPS "R13: %016lx R14: %016lx R15: %016lx\n", (unsigned long)regs->r13,
	       (unsigned long)regs->r14, (unsigned long)regs->r15);
	printk(LVL_OOPS "CR0: %016lx CR2: %016lx CR3: %016lx CR4: %016lx\n",
	       (unsigned long)read_cr0(), (unsigned long)read_cr2(), (unsigned long)read_cr3(),
	       (unsigned long)read_cr4());
	show_trap_backtrace(regs);
}

/* ---- panic ----------------------------------------------------------- */

/*
 * Enter the panic path: interrupts off for good, and only once.  A fault
 * or BUG while panicking (printing is the most likely culprit) would recurse,
 * so the second entry writes a fixed line straight to the console and exits.
 */
static void panic_enter(void)
{
	static const char msg[] = "\nKernel panic during panic: giving up\n";
	static int panic_cpu = -1;
	int cpu, none = -1;

	local_irq_disable();
	cpu = (int)raw_smp_processor_id();
	/* One CPU panics; another that panics meanwhile stops (3.10's panic_smp_self_stop). */
	if (!__atomic_compare_exchange_n(&panic_cpu, &none, cpu, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE) &&
	    none != cpu)
		smp_self_stop();
	if (panic_state.depth++) {
		console_write(msg, sizeof(msg) - 1);
		qemu_exit(EXIT_PANIC);
	}
	oops_in_progress = true;
	smp_send_stop(); /* the others stop where they are: nothing runs under our report */
}

static __noreturn void panic_finish(void)
{
	printk(LVL_PANIC "---[ end Kernel panic - not syncing: %s ]---\n", panic_state.reason);
	qemu_exit(EXIT_PANIC);
}

/**
 * panic - stop the kernel: print the reason, the task and the caller's
 * backtrace, then exit QEMU with EXIT_PANIC.
 * @fmt: printf format of the reason (no trailing newline)
 *
 * Never returns.  Context: any; disables interrupts.  A panic inside a
 * panic exits at once.
 */
__noreturn void panic(const char *fmt, ...)
{
	va_list ap;

	panic_enter();
	va_start(ap, fmt);
	vsnprintf(panic_state.reason, sizeof(panic_state.reason), fmt, ap);
	va_end(ap);
	printk(LVL_PANIC "Kernel panic - not syncing: %s\n", panic_state.reason);
	print_task_line(LVL_PANIC);
	printk(LVL_PANIC "Call Trace:\n");
	walk_frames(LVL_PANIC, (unsigned long)__builtin_frame_address(0), false);
	panic_finish();
}

/**
 * panic_regs - like panic(), but show the registers and backtrace of a
 * trap frame (an exception that cannot be survived) instead of the caller's.
 * @regs: the trap frame
 * @fmt:  printf format of the reason
 *
 * Never returns.  Context: trap handlers.
 */
__noreturn void panic_regs(struct pt_regs *regs, const char *fmt, ...)
{
	va_list ap;

	panic_enter();
	va_start(ap, fmt);
	vsnprintf(panic_state.reason, sizeof(panic_state.reason), fmt, ap);
	va_end(ap);
	printk(LVL_PANIC "Kernel panic - not syncing: %s\n", panic_state.reason);
	show_regs(regs);
	panic_finish();
}

/**
 * __bug_on - BUG_ON(cond) found @cond true at @file:@line: panic.
 * Never returns.  Context: any.
 */
__noreturn void __bug_on(const char *file, int line, const char *cond)
{
	panic("kernel BUG at %s:%d! BUG_ON(%s)", file, line, cond);
}

/**
 * __warn - WARN_ON(cond) found @cond true at @file:@line: print a warning
 * with the caller's backtrace and count it in warn_count.  Returns; the
 * caller goes on.  Context: any.
 */
noinline void __warn(const char *file, int line, const char *cond)
{
	char where[KSYM_BUF];

	format_return_address((unsigned long)__builtin_return_address(0), where, sizeof(where));
	printk(LVL_WARN "------------[ cut here ]------------\n");
	printk(LVL_WARN "WARNING: CPU: %u PID: %d at %s:%d %s: %s\n", raw_smp_processor_id(),
	       current ? current->pid : 0, file, line, where, cond);
	print_task_line(LVL_WARN);
	printk(LVL_WARN "Call Trace:\n");
	walk_frames(LVL_WARN, (unsigned long)__builtin_frame_address(0), false);
	printk(LVL_WARN "---[ end trace ]---\n");
	warn_count++;
}

/**
 * spin_lock_bug - a spinlock was misused (@why: taken twice, released while
 * free).  On one CPU both are bugs the kernel cannot recover from: panic,
 * naming the lock and the function that misused it.
 * Never returns.  Context: any.
 */
noinline void spin_lock_bug(spinlock_t *l, const char *why)
{
	char where[KSYM_BUF];

	format_return_address((unsigned long)__builtin_return_address(0), where, sizeof(where));
	panic("BUG: spinlock %s: %s, in %s", l->name ? l->name : "(unnamed)", why, where);
}
