/*
 * SPDX-License-Identifier: MIT
 * tests/kernel/test_traps.c - CPU exceptions, oops reports, backtraces, WARN/BUG.
 *
 * Each fault is provoked in a thread of its own (a "victim"): the trap
 * handler prints an oops and kills that thread, and the test checks what
 * the victim died of (task->faulted, task->fault) and what the kernel said
 * about it (the log).  The faulting functions are named traps_do_* so the
 * tests can look for their names in the oops.
 */
#include <arch/traps.h>
#include <kernel/err.h>
#include <kernel/irq.h>
#include <kernel/ktest.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <mm/gfp.h>
#include <mm/paging.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define TEST_IRQ 10 /* an ISA line no device uses under QEMU's pc machine */

/*
 * Values the compiler cannot see through: a NULL it cannot prove NULL
 * (gcc would replace a visible NULL dereference by ud2), a 1 it cannot fold.
 */
static int *volatile traps_null_ptr;
static volatile int traps_one = 1;
static volatile int traps_zero;

/* What a victim thread ended with. */
struct victim_result {
	int ret; /* exit code, -EFAULT if killed */
	bool faulted;
	struct fault_info fault;
};

/* Run @fn(@arg) in a new thread, wait for its end, and record how it ended. */
static void run_victim(struct ktest *t, int (*fn)(void *), void *arg, struct victim_result *r)
{
	struct task_struct *k = kthread_create(fn, arg, "traps-victim");

	ASSERT_FALSE(t, IS_ERR(k));
	get_task_struct(k); /* keeps k->fault readable after it dies */
	wake_up_process(k);
	r->ret = kthread_join(k, msecs_to_jiffies(5000));
	if (r->ret == -ETIMEDOUT)
		kthread_abandon(k);
	r->faulted = k->faulted;
	r->fault = k->fault;
	put_task_struct(k);
}

/* The victim died of exception @vector, and the log since @seq shows @text and @func. */
static void expect_killed_by(struct ktest *t, const struct victim_result *r, u64 seq,
			     unsigned long vector, const char *text, const char *func)
{
	char rip_line[96];

	EXPECT_TRUE(t, r->faulted);
	EXPECT_EQ(t, r->ret, -EFAULT);
	EXPECT_EQ(t, r->fault.vector, vector);
	EXPECT_TRUE(t, log_contains(seq, text));
	/* The RIP line names the faulting function: "RIP: 0008:traps_do_x+0x4/0x10". */
	snprintf(rip_line, sizeof(rip_line), ":%s+0x", func);
	EXPECT_TRUE(t, log_contains(seq, rip_line));
	EXPECT_TRUE(t, log_contains(seq, "Call Trace:"));
}

/* ---- one thread per exception ------------------------------------------ */

static noinline int traps_do_divide_error(void *arg)
{
	unsigned int divisor = traps_zero;

	__asm__ __volatile__("xorl %%edx, %%edx\n\t"
			     "movl $1, %%eax\n\t"
			     "divl %0"
			     :
			     : "r"(divisor)
			     : "eax", "edx");
	return 0;
}

TEST_CASE(traps_test_divide_error_kills_the_thread)
{
	struct victim_result r;
	u64 seq = log_seq();

	run_victim(t, traps_do_divide_error, NULL, &r);
	expect_killed_by(t, &r, seq, X86_TRAP_DE, "divide error: 0000", "traps_do_divide_error");
	EXPECT_TRUE(t, strstr(r.fault.reason, "divide error at traps_do_divide_error+") != NULL);
}

static noinline int traps_do_invalid_opcode(void *arg)
{
	__asm__ __volatile__("ud2");
	return 0;
}

TEST_CASE(traps_test_invalid_opcode_kills_the_thread)
{
	struct victim_result r;
	u64 seq = log_seq();

	run_victim(t, traps_do_invalid_opcode, NULL, &r);
	expect_killed_by(t, &r, seq, X86_TRAP_UD, "invalid opcode: 0000",
			 "traps_do_invalid_opcode");
}

static noinline int traps_do_non_canonical_read(void *arg)
{
	/* Bits 63..47 not all equal: no page walk at all, the CPU raises #GP (SDM 3.3.7.1). */
	return *(volatile int *)0xdead000000000000UL;
}

TEST_CASE(traps_test_non_canonical_address_is_a_general_protection_fault)
{
	struct victim_result r;
	u64 seq = log_seq();

	run_victim(t, traps_do_non_canonical_read, NULL, &r);
	expect_killed_by(t, &r, seq, X86_TRAP_GP, "general protection fault",
			 "traps_do_non_canonical_read");
	EXPECT_EQ(t, r.fault.cr2, 0);
}

static noinline int traps_do_null_read(void *arg)
{
	return *traps_null_ptr;
}

TEST_CASE(traps_test_null_read_is_a_not_present_page_fault)
{
	struct victim_result r;
	u64 seq = log_seq();

	run_victim(t, traps_do_null_read, NULL, &r);
	expect_killed_by(t, &r, seq, X86_TRAP_PF, "BUG: kernel NULL pointer dereference",
			 "traps_do_null_read");
	EXPECT_EQ(t, r.fault.cr2, 0);
	EXPECT_EQ(t, r.fault.error_code & (PF_PROT | PF_WRITE | PF_INSTR), 0);
	EXPECT_TRUE(t, log_contains(seq, "not-present page"));
}

/*
 * Not here: #SS (a non-canonical stack reference) and #XM (an unmasked SSE
 * exception).  QEMU's TCG raises #GP for the first and never the second,
 * so no test could see them; their handlers print and kill like the others.
 */

/*
 * The exceptions no instruction raises under TCG in ring 0 (#DB, #OF, #BR,
 * #NM, #MF, #MC, #XM, #VE) enter through their own gates with `int $n`:
 * each is reported by name and kills only its thread.  (Vectors with an
 * error code cannot be entered this way: the frame would lack it.)
 */
static noinline int traps_do_int_n(void *arg)
{
	switch ((long)arg) {
	case 1:
		__asm__ __volatile__("int $1");
		break;
	case 4:
		__asm__ __volatile__("int $4");
		break;
	case 5:
		__asm__ __volatile__("int $5");
		break;
	case 7:
		__asm__ __volatile__("int $7");
		break;
	case 16:
		__asm__ __volatile__("int $16");
		break;
	case 18:
		__asm__ __volatile__("int $18");
		break;
	case 19:
		__asm__ __volatile__("int $19");
		break;
	case 20:
		__asm__ __volatile__("int $20");
		break;
	}
	return 0;
}

TEST_CASE(traps_test_every_other_exception_is_reported_by_name)
{
	static const struct {
		long vector;
		const char *name;
	} cases[] = {
		{ 1, "debug" },
		{ 4, "overflow" },
		{ 5, "bounds" },
		{ 7, "device not available" },
		{ 16, "coprocessor error" },
		{ 18, "machine check" },
		{ 19, "SIMD exception" },
		{ 20, "virtualization exception" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct victim_result r;
		u64 seq = log_seq();

		run_victim(t, traps_do_int_n, (void *)cases[i].vector, &r);
		expect_killed_by(t, &r, seq, cases[i].vector, cases[i].name, "traps_do_int_n");
	}
}

static noinline int traps_do_int3(void *arg)
{
	__asm__ __volatile__("int3");
	return 42;
}

TEST_CASE(traps_test_int3_reports_and_continues)
{
	struct victim_result r;
	u64 seq = log_seq();

	run_victim(t, traps_do_int3, NULL, &r);
	EXPECT_FALSE(t, r.faulted);
	EXPECT_EQ(t, r.ret, 42);
	EXPECT_TRUE(t, log_contains(seq, "int3: breakpoint at traps_do_int3+"));
}

static noinline int traps_do_nmi_vector(void *arg)
{
	__asm__ __volatile__("int $2"); /* enters through the NMI gate, on the IST2 stack */
	return 43;
}

TEST_CASE(traps_test_nmi_reports_and_continues)
{
	struct victim_result r;
	u64 seq = log_seq();

	run_victim(t, traps_do_nmi_vector, NULL, &r);
	EXPECT_FALSE(t, r.faulted);
	EXPECT_EQ(t, r.ret, 43);
	EXPECT_TRUE(t, log_contains(seq, "NMI received at traps_do_nmi_vector+"));
}

/* ---- page protections: read-only text and rodata, no-execute data ------ */

/* Write the byte at @arg back to itself: harmless if it were writable. */
static noinline int traps_do_write_same_byte(void *arg)
{
	volatile u8 *p = arg;

	*p = *p;
	return 0;
}

static void expect_write_protection_fault(struct ktest *t, void *addr)
{
	struct victim_result r;
	u64 seq = log_seq();

	run_victim(t, traps_do_write_same_byte, addr, &r);
	expect_killed_by(t, &r, seq, X86_TRAP_PF, "permissions violation",
			 "traps_do_write_same_byte");
	EXPECT_EQ(t, r.fault.error_code & (PF_PROT | PF_WRITE), PF_PROT | PF_WRITE);
	EXPECT_EQ(t, r.fault.cr2, (unsigned long)addr);
	EXPECT_TRUE(t, strstr(r.fault.reason, "write to read-only page") != NULL);
}

TEST_CASE(traps_test_write_to_kernel_text_faults)
{
	expect_write_protection_fault(t, (void *)traps_do_int3);
}

static const char traps_rodata_string[] = "read-only";

TEST_CASE(traps_test_write_to_rodata_faults)
{
	expect_write_protection_fault(t, (void *)traps_rodata_string);
}

/* A `ret` instruction, in writable data: it must not run. */
static u8 traps_data_code[16] = { 0xc3 };

static noinline int traps_do_call(void *arg)
{
	((void (*)(void))arg)();
	return 0;
}

/* Copy a `ret` onto this thread's stack and call it; @arg receives its address. */
static noinline int traps_do_exec_stack(void *arg)
{
	u8 code[16] = { 0xc3 };
	int ret;

	*(unsigned long *)arg = (unsigned long)code;
	ret = traps_do_call(code);
	barrier(); /* no tail call: code[] must outlive the call */
	return ret;
}

static void expect_nx_fault(struct ktest *t, const struct victim_result *r, unsigned long addr)
{
	EXPECT_TRUE(t, r->faulted);
	EXPECT_EQ(t, r->fault.vector, X86_TRAP_PF);
	EXPECT_EQ(t, r->fault.error_code & (PF_PROT | PF_INSTR), PF_PROT | PF_INSTR);
	EXPECT_EQ(t, r->fault.cr2, addr);
	EXPECT_EQ(t, r->fault.rip, addr);
	EXPECT_TRUE(t, strstr(r->fault.reason, "instruction fetch from no-execute page") != NULL);
}

TEST_CASE(traps_test_execute_from_data_faults)
{
	struct victim_result r;
	u64 seq = log_seq();

	run_victim(t, traps_do_call, traps_data_code, &r);
	expect_nx_fault(t, &r, (unsigned long)traps_data_code);
	EXPECT_TRUE(t, log_contains(seq, "#PF: supervisor instruction fetch in kernel mode"));
	/* RIP is in data; the caller, still on top of the stack, is named as a guess. */
	EXPECT_TRUE(t, log_contains(seq, " ? traps_do_call+"));
}

TEST_CASE(traps_test_execute_from_stack_faults)
{
	struct victim_result r;
	unsigned long code_addr = 0;

	run_victim(t, traps_do_exec_stack, &code_addr, &r);
	ASSERT_NE(t, code_addr, 0);
	expect_nx_fault(t, &r, code_addr);
}

/* ---- kernel stack overflow --------------------------------------------- */

static volatile unsigned long traps_recursion_limit = ~0UL;

/* Recurse until the stack runs into its guard page (the limit is never reached). */
static noinline unsigned long traps_do_recurse(unsigned long depth)
{
	volatile char pad[128];

	pad[0] = (char)depth;
	if (depth >= traps_recursion_limit)
		return depth;
	return traps_do_recurse(depth + 1) + pad[0]; /* not a tail call */
}

static noinline int traps_do_overflow_stack(void *arg)
{
	return (int)traps_do_recurse(0);
}

static int traps_return_7(void *arg)
{
	return 7;
}

TEST_CASE(traps_test_stack_overflow_is_reported_and_the_system_goes_on)
{
	struct victim_result r;
	u64 seq = log_seq();

	run_victim(t, traps_do_overflow_stack, NULL, &r);
	EXPECT_TRUE(t, r.faulted);
	/* Normally #DF (the #PF frame cannot be pushed onto the guard page). */
	EXPECT_TRUE(t, r.fault.vector == X86_TRAP_DF || r.fault.vector == X86_TRAP_PF);
	EXPECT_TRUE(t, is_stack_guard_page(r.fault.cr2));
	EXPECT_TRUE(t, strstr(r.fault.reason, "kernel stack overflow") != NULL);
	EXPECT_TRUE(t, log_contains(seq, "kernel stack overflow"));
	EXPECT_TRUE(t, log_contains(seq, "traps_do_recurse+"));

	/* The machine survived: threads still start, run and end. */
	run_victim(t, traps_return_7, NULL, &r);
	EXPECT_FALSE(t, r.faulted);
	EXPECT_EQ(t, r.ret, 7);
}

static noinline int traps_do_read_guard_page(void *arg)
{
	volatile u8 *guard = (u8 *)(current->stack_bottom - 64);

	*(unsigned long *)arg = (unsigned long)guard;
	barrier();
	return *guard;
}

TEST_CASE(traps_test_guard_page_read_is_reported_as_stack_overflow)
{
	struct victim_result r;
	unsigned long guard = 0;

	run_victim(t, traps_do_read_guard_page, &guard, &r);
	EXPECT_TRUE(t, r.faulted);
	EXPECT_EQ(t, r.fault.vector, X86_TRAP_PF);
	EXPECT_EQ(t, r.fault.cr2, guard);
	EXPECT_TRUE(t, strstr(r.fault.reason, "kernel stack overflow (guard page hit at") != NULL);
}

/* ---- interrupted code keeps its SSE registers ------------------------- */

#define XMM_TEST_TICKS 60 /* six time slices: each thread is preempted several times */

/*
 * Hold a pattern in %xmm7 while interrupts (and preemptions by the other
 * thread, which holds its own pattern in the same register) come and go,
 * for XMM_TEST_TICKS jiffies.  The wait is written in assembly so that no
 * compiler-generated code of ours touches %xmm7 meanwhile: only the
 * interrupt path could change it.  Returns 0 if the pattern survived.
 */
static noinline int traps_do_hold_xmm7(void *arg)
{
	unsigned long pattern = (unsigned long)arg, out, end = jiffies + XMM_TEST_TICKS;

	__asm__ __volatile__("movq %[p], %%xmm7\n"
			     "1:\n\t"
			     "pause\n\t"
			     "cmpq %[end], %[j]\n\t"
			     "jb 1b\n\t"
			     "movq %%xmm7, %[o]"
			     : [o] "=r"(out)
			     : [p] "r"(pattern), [end] "r"(end), [j] "m"(jiffies)
			     : "xmm7", "cc");
	return out == pattern ? 0 : -EIO;
}

TEST_CASE(traps_test_interrupts_and_preemption_preserve_sse_registers)
{
	struct task_struct *k[2];
	unsigned long patterns[2] = { 0x1111222233334444UL, 0x5555666677778888UL };

	for (int i = 0; i < 2; i++) {
		k[i] = kthread_create(traps_do_hold_xmm7, (void *)patterns[i], "traps-xmm%d", i);
		EXPECT_FALSE(t,
			     IS_ERR(k[i])); /* not ASSERT: the other thread must still be reaped */
		if (IS_ERR(k[i]))
			k[i] = NULL;
		else
			get_task_struct(k[i]);
	}
	for (int i = 0; i < 2; i++)
		if (k[i])
			wake_up_process(k[i]);
	for (int i = 0; i < 2; i++) {
		int ret;

		if (!k[i])
			continue;
		ret = kthread_join(k[i], msecs_to_jiffies(5000));

		if (ret == -ETIMEDOUT)
			kthread_abandon(k[i]);
		EXPECT_EQ(t, ret, 0);
		EXPECT_FALSE(t, k[i]->faulted);
		put_task_struct(k[i]);
	}
}

/* ---- symbols, backtraces, warnings ------------------------------------- */

TEST_CASE(traps_test_ksym_lookup_finds_a_function_and_offset)
{
	unsigned long off = 0, size = 0;
	const char *name = ksym_lookup((unsigned long)printk + 5, &off, &size);

	ASSERT_NOT_NULL(t, name);
	EXPECT_STREQ(t, name, "printk");
	EXPECT_EQ(t, off, 5);
	EXPECT_GT(t, size, 5);
}

TEST_CASE(traps_test_ksym_format_symbolizes_or_prints_hex)
{
	char buf[96];

	EXPECT_TRUE(t, ksym_format((unsigned long)printk + 5, buf, sizeof(buf)));
	EXPECT_TRUE(t, strncmp(buf, "printk+0x5/0x", 13) == 0);
	/* Address 0x1000 is in no function. */
	EXPECT_FALSE(t, ksym_format(0x1000, buf, sizeof(buf)));
	EXPECT_STREQ(t, buf, "0x0000000000001000");
}

static noinline void traps_dump_stack_caller(void)
{
	dump_stack();
	barrier(); /* keeps the call from becoming a tail jump */
}

TEST_CASE(traps_test_dump_stack_names_its_caller)
{
	u64 seq = log_seq();

	traps_dump_stack_caller();
	EXPECT_TRUE(t, log_contains(seq, "Call Trace:"));
	EXPECT_TRUE(t, log_contains(seq, " traps_dump_stack_caller+0x"));
	EXPECT_TRUE(t, log_contains(seq, " traps_test_dump_stack_names_its_caller+0x"));
}

static volatile int traps_irq_dumps;

static irqreturn_t traps_dump_stack_irq_handler(int irq, void *dev)
{
	dump_stack();
	traps_irq_dumps++;
	return IRQ_HANDLED;
}

/* A trace taken in an interrupt handler goes on through entry.S into the interrupted code. */
TEST_CASE(traps_test_backtrace_crosses_interrupt_entry)
{
	u64 seq = log_seq();

	traps_irq_dumps = 0;
	ASSERT_EQ(t, request_irq(TEST_IRQ, traps_dump_stack_irq_handler, 0, "traps-test", NULL), 0);
	irq_raise_for_test(TEST_IRQ);
	ktest_wait_until(traps_irq_dumps, 100);
	free_irq(TEST_IRQ, NULL);
	ASSERT_EQ(t, traps_irq_dumps, 1);
	EXPECT_TRUE(t, log_contains(seq, " interrupt_common+0x"));
	EXPECT_TRUE(t, log_contains(seq, " ktest_case_thread+0x"));
}

TEST_CASE(traps_test_warn_on_returns_its_condition_and_counts)
{
	unsigned long before = warn_count;
	u64 seq = log_seq();

	EXPECT_FALSE(t, WARN_ON(traps_zero));
	EXPECT_EQ(t, warn_count, before);
	EXPECT_FALSE(t, log_contains(seq, "WARNING:"));

	EXPECT_TRUE(t, WARN_ON(traps_one == 1));
	EXPECT_EQ(t, warn_count, before + 1);
	EXPECT_TRUE(t, log_contains(seq, "WARNING: CPU: ")); /* whichever CPU it ran on */
	EXPECT_TRUE(t, log_contains(seq, "traps_one == 1"));
	EXPECT_TRUE(t, log_contains(seq, "traps_test_warn_on_returns_its_condition_and_counts+0x"));
}

static noinline bool traps_warn_once_site(int v)
{
	return WARN_ON_ONCE(v);
}

TEST_CASE(traps_test_warn_on_once_prints_once)
{
	unsigned long before = warn_count;

	EXPECT_TRUE(t, traps_warn_once_site(traps_one));
	EXPECT_EQ(t, warn_count, before + 1);
	EXPECT_TRUE(t, traps_warn_once_site(traps_one)); /* still true, ... */
	EXPECT_EQ(t, warn_count, before + 1);		 /* ... but silent */
	EXPECT_FALSE(t, traps_warn_once_site(traps_zero));
}

/* ---- cases that must panic (run alone by the host runner) -------------- */

TEST_CASE(traps_test_bug_on_panics)
{
	BUG_ON(traps_one);
}

static irqreturn_t traps_faulting_irq_handler(int irq, void *dev)
{
	__asm__ __volatile__("ud2");
	return IRQ_HANDLED;
}

/* A fault in an interrupt handler belongs to no thread: nothing to kill, so panic. */
TEST_CASE(traps_test_fault_in_irq_panics)
{
	if (request_irq(TEST_IRQ, traps_faulting_irq_handler, 0, "traps-test", NULL))
		ktest_skip(t, "TEST_IRQ is taken");
	irq_raise_for_test(TEST_IRQ);
	free_irq(TEST_IRQ, NULL);
}

static const struct ktest_case traps_cases[] = {
	KTEST(traps_test_divide_error_kills_the_thread),
	KTEST(traps_test_invalid_opcode_kills_the_thread),
	KTEST(traps_test_non_canonical_address_is_a_general_protection_fault),
	KTEST(traps_test_null_read_is_a_not_present_page_fault),
	KTEST(traps_test_every_other_exception_is_reported_by_name),
	KTEST(traps_test_int3_reports_and_continues),
	KTEST(traps_test_nmi_reports_and_continues),
	KTEST(traps_test_write_to_kernel_text_faults),
	KTEST(traps_test_write_to_rodata_faults),
	KTEST(traps_test_execute_from_data_faults),
	KTEST(traps_test_execute_from_stack_faults),
	KTEST(traps_test_stack_overflow_is_reported_and_the_system_goes_on),
	KTEST(traps_test_guard_page_read_is_reported_as_stack_overflow),
	KTEST(traps_test_interrupts_and_preemption_preserve_sse_registers),
	KTEST(traps_test_ksym_lookup_finds_a_function_and_offset),
	KTEST(traps_test_ksym_format_symbolizes_or_prints_hex),
	KTEST(traps_test_dump_stack_names_its_caller),
	KTEST(traps_test_backtrace_crosses_interrupt_entry),
	KTEST(traps_test_warn_on_returns_its_condition_and_counts),
	KTEST(traps_test_warn_on_once_prints_once),
	KTEST_PANIC(traps_test_bug_on_panics, "kernel BUG at tests/kernel/test_traps.c"),
	KTEST_PANIC(traps_test_fault_in_irq_panics, "Fatal exception in interrupt: invalid opcode"),
	{}
};
TEST_SUITE(traps, traps_cases);
