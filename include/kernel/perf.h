/*
 * SPDX-License-Identifier: MIT
 * kernel/perf.h - layer counters: where the guest's time goes, layer by
 * layer, like the "self" column of perf report (docs/tracing.md,
 * "Counting where the time goes").
 *
 * A layer is a static object naming a stretch of code, entered and left
 * around it (or the rest of a block, with PERF_SCOPE):
 *
 *   DEFINE_PERF_LAYER(perf_tcp_output, "tcp output");
 *
 *   void tcp_push(struct tcp_sock *tp)
 *   {
 *           PERF_SCOPE(&perf_tcp_output);       left at every return
 *           ...
 *
 *   chain = perf_call(&perf_bio_chain, kern_build_chain(io, addr, len, &bytes));
 *
 * 3.10 counts with perf_events (PMU, sampling); we count named layers: docs/linux-3.10.md
 *
 * Each layer counts its calls and its SELF cycles: TSC cycles while it is
 * the innermost layer open.  Under `-icount shift=0` the TSC reads
 * 1000 MHz and moves one cycle per guest instruction (docs/testing.md), so
 * there the cycles are instructions.  Counting is off by default; `perf on`
 * at the monitor (or perf_start) zeroes the counters and starts.
 *
 * How self time is kept: every transition (an enter, an exit, a context
 * switch) charges the cycles since this CPU's previous transition to what
 * was innermost until now, then moves on:
 *
 *   thread:  |--tcp sendmsg--|--copy--|-sendmsg-|----tcp output----|--sendmsg--|
 *   charged:  sendmsg         copy     sendmsg    tcp output         sendmsg
 *            ^enter(sendmsg) ^enter   ^exit      ^enter(output)     ^exit      ^exit
 *
 * The stack of open layers belongs to the THREAD (task_struct.perf), not
 * to the CPU: a thread may sleep inside a layer (kernel_recvmsg waiting
 * for data, the HTTP server waiting for its disk read) and wake on another
 * CPU; a per-CPU stack would charge whatever ran meanwhile to the sleeper
 * and pop another thread's layers.  The scheduler charges the outgoing
 * thread's innermost layer at every switch (perf_sched_switch), so a
 * layer's self time never includes time it spent asleep.  The counters
 * and the time of the last transition are per CPU, written only by their
 * CPU with interrupts off, so counting takes no lock and loses nothing.
 *
 * Interrupts: irq_enter opens the layer "hardirq" and irq_exit closes it,
 * and each run of the softirqs (from irq_exit, local_bh_enable or
 * ksoftirqd) is in the layer "softirq".  Interrupt work is thus never
 * charged to the layer it interrupted: it goes to its own layers
 * (virtio-net's interrupt and poll, the block completion) nested above
 * these two, and what is left (the timer tick, the softirq loop) to
 * "hardirq" or "softirq" themselves.  We chose that over suspending the
 * interrupted layer without a name, so that the table adds up: the layers,
 * "outside any layer" and the idle task's time are all of a CPU's time
 * (only the few instructions of the entry stub before irq_enter are
 * charged to the interrupted layer).  Time in the idle task with no layer
 * open is "idle"; under -icount that includes the halts, which the clock
 * skips over, so busy = the rest.
 *
 * Off, a perf_enter or perf_exit costs one predictable branch: a test of
 * the global word perf_enabled in memory and a jump not taken (asm goto,
 * as the tracepoints' trace_on_for in <kernel/trace.h>); the slow half is
 * called through a thunk (kernel/thunk.S) that saves every register,
 * so the instrumented function saves none for it.
 *
 * A layer is exited when it is the innermost open layer of the thread;
 * an exit that finds another on top (a layer entered before `perf on`, or
 * one that did not fit on a full stack) changes nothing and is counted
 * as "unmatched".  Layers nest at most PERF_DEPTH deep per thread
 * (interrupts included); an enter beyond that is counted as an overflow.
 */
#ifndef KERNEL_PERF_H
#define KERNEL_PERF_H

#include <kernel/compiler.h>
#include <kernel/types.h>

#define PERF_LAYERS_MAX 64 /* layers in the kernel (linker.ld checks) */
#define PERF_DEPTH	16 /* open layers per thread */

struct perf_layer {
	const char *name; /* "tcp output": what `perf` prints */
} __aligned(8);

/* Define a layer: a static object in the section .perf_layers, which `perf` lists. */
#define DEFINE_PERF_LAYER(id, lname) \
	const struct perf_layer id __section(".perf_layers") __used = { .name = lname }
#define DECLARE_PERF_LAYER(id) extern const struct perf_layer id

/* Every layer, in link order (linker.ld). */
extern const struct perf_layer __perf_layers_start[], __perf_layers_end[];

/* The layers the kernel itself opens around interrupts (kernel/softirq.c). */
DECLARE_PERF_LAYER(perf_hardirq);
DECLARE_PERF_LAYER(perf_softirq);

/* A thread's open layers (task_struct.perf): indexes into the section, innermost last. */
struct perf_stack {
	u32 gen;  /* the session they were opened in: an older one's are dropped */
	u8 depth; /* how many are open */
	u8 layer[PERF_DEPTH];
};

/* 1: the layers compiled in (the kernel); 0: out (the host tests, -DCONFIG_PERF=0). */
#ifndef CONFIG_PERF
#define CONFIG_PERF 1
#endif

/* Nonzero while counting; written only by perf_start and perf_stop. */
extern unsigned int perf_enabled;

/*
 * Counting on?  One instruction tests the word in memory, one jumps to
 * the slow half (asm goto: the compiler neither caches the word nor
 * separates the test from the branch).
 */
#define perf_on()                                                      \
	({                                                             \
		__label__ __perf_on;                                   \
		bool __perf_r = false;                                 \
		if (CONFIG_PERF)                                       \
			asm goto("testb $1, %[w]\n\tjnz %l[__perf_on]" \
				 :                                     \
				 : [w] "m"(perf_enabled)               \
				 : "cc"                                \
				 : __perf_on);                         \
		if (0) {                                               \
__perf_on:                                                             \
			__perf_r = true;                               \
		}                                                      \
		__perf_r;                                              \
	})

/* What the C function behind a thunk may still change: memory, flags, SSE registers. */
#define __PERF_CLOBBERS                                                                         \
	"memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", \
		"xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"

/* perf_enter - @l is open from now on (innermost).  Any context. */
static __always_inline void perf_enter(const struct perf_layer *l)
{
	if (perf_on())
		asm volatile("call __perf_enter_thunk" : : "D"(l) : __PERF_CLOBBERS);
}

/* perf_exit - @l, the innermost open layer, is closed.  Any context. */
static __always_inline void perf_exit(const struct perf_layer *l)
{
	if (perf_on())
		asm volatile("call __perf_exit_thunk" : : "D"(l) : __PERF_CLOBBERS);
}

/*
 * perf_sched_switch - the scheduler is about to switch away from current:
 * charge its innermost layer.  Interrupts off, current not yet changed.
 */
static __always_inline void perf_sched_switch(void)
{
	if (perf_on())
		asm volatile("call __perf_switch_thunk" : : : __PERF_CLOBBERS);
}

static __always_inline void __perf_scope_end(const struct perf_layer *const *l)
{
	perf_exit(*l);
}

#define __PERF_PASTE2(a, b) a##b
#define __PERF_PASTE(a, b)  __PERF_PASTE2(a, b)
/*
 * PERF_SCOPE - open @l here; it is closed when the enclosing block ends,
 * however it ends (GCC's cleanup attribute).  A `return f(x);` in the
 * block calls f inside the layer.
 */
#define PERF_SCOPE(l)                                                                 \
	const struct perf_layer *const __PERF_PASTE(__perf_scope_, __LINE__) __unused \
		__attribute__((cleanup(__perf_scope_end))) = (perf_enter(l), (l))

/* perf_call - the value of @expr, evaluated inside layer @l. */
#define perf_call(l, expr)                          \
	({                                          \
		perf_enter(l);                      \
		__typeof__(expr) __perf_v = (expr); \
		perf_exit(l);                       \
		__perf_v;                           \
	})

/* The slow halves (kernel/perf.c), reached through the thunks.  Any context. */
void __perf_enter(const struct perf_layer *l);
void __perf_exit(const struct perf_layer *l);
void __perf_switch(void);

/* ---- control and reading (the monitor's `perf`, tests, benchmarks) ---------------- */

/*
 * perf_start - zero every counter and count from now on (a new session:
 * the layers open now are forgotten; their exits will be unmatched).
 * Context: thread.
 */
void perf_start(void);

/* perf_stop - stop counting; the counters are kept for perf_read_*.  Context: thread. */
void perf_stop(void);

/* A layer's counts in this session, all CPUs. */
struct perf_count {
	u64 calls;
	u64 cycles; /* self */
};

/* The session's totals, all CPUs that counted. */
struct perf_totals {
	u64 layers;	   /* self cycles of every layer */
	u64 other;	   /* no layer open, not the idle task */
	u64 idle;	   /* no layer open, the idle task (halts included) */
	u64 unmatched;	   /* exits of a layer that was not the innermost */
	u64 overflow;	   /* enters beyond PERF_DEPTH */
	unsigned int cpus; /* CPUs that counted */
};

/*
 * perf_read_layer / perf_read_totals - the counts so far (exact once
 * counting stopped; while it runs, each CPU's counts up to its last
 * transition).  Context: any.
 */
void perf_read_layer(const struct perf_layer *l, struct perf_count *c);
void perf_read_totals(struct perf_totals *t);

/*
 * perf_set_clock - for tests: count with @clock instead of the TSC (NULL:
 * the TSC again).  Set it while counting is off, then perf_start.
 * Context: thread.
 */
void perf_set_clock(u64 (*clock)(void));

#endif
