/*
 * SPDX-License-Identifier: MIT
 * kernel/smpboot.c - find the CPUs in the MADT and start the APs.
 *
 * The boot CPU (BSP) is the only one running when the loader jumps to us;
 * every other CPU (an application processor, AP) waits for a start-up IPI.
 * smp_init() numbers the CPUs (the BSP is 0, the others follow in MADT
 * order), then for each AP, one at a time:
 *
 *   1. trap_prepare_cpu(): its GDT, TSS and IST stacks (kernel/gdt.c);
 *      a kernel stack with a guard page (vmap_stack_alloc);
 *   2. the trampoline's parameters: stack, CPU number, page tables;
 *   3. INIT, SIPI, SIPI through the local APIC (apic_wakeup_cpu; the INITs
 *      of all APs go first, together, with one 10 ms wait);
 *   4. the AP runs kernel/trampoline.S: real -> protected -> long mode,
 *      into smp_ap_main() in the higher half, which loads its GDT/TSS and
 *      the IDT, reads its APIC ID, claims its slot and marks itself online;
 *   5. the BSP waits up to AP_TIMEOUT_MS for that, and otherwise takes the
 *      slot back, reports the CPU and INITs it again (it stops wherever it
 *      was and waits for a start-up IPI that never comes).  smp_hang_cpu=N
 *      makes CPU N stop short of online, so the tests can see this path.
 *
 * The claim is a compare-and-exchange on `waiting`: the AP swaps its
 * number for -1 to come online, the BSP does the same when it gives up, and
 * only one of them can win, so a late AP never counts as online and never
 * runs on a slot the BSP has left.
 *
 * The trampoline code sits in a page below 1 MiB that mm_init() reserved;
 * its page tables (mm/paging.c, trampoline_pgd_alloc) map that page at its
 * physical address and share the kernel's higher half.  They are freed when
 * all APs are done.
 *
 * Before it starts an AP the BSP gives it a per-CPU area (kernel/percpu.c)
 * and an idle task on its stack (sched_init_ap).  The AP, once online,
 * points %gs at its area, starts its local APIC and its tick, and runs its
 * idle loop: from then on it runs the threads the scheduler gives it
 * (kernel/sched.c).  It prints nothing itself: the BSP reports for it.
 */
#include <arch/boot.h>
#include <arch/realmode.h>
#include <arch/traps.h>
#include <arch/x86.h>
#include <kernel/acpi.h>
#include <kernel/boot_report.h>
#include <kernel/cmdline.h>
#include <kernel/err.h>
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <mm/mm.h>
#include <mm/paging.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "irqchip.h"

#define AP_TIMEOUT_MS 1000 /* from the start-up IPI to online (TCG on a busy host is slow) */
#define AP_STACK_SIZE THREAD_STACK_SIZE

unsigned int nr_cpu_ids = 1;
long setup_max_cpus = NR_CPUS;
long setup_nr_cpus = NR_CPUS;

cmdline_param_int(maxcpus, &setup_max_cpus, 0, NR_CPUS,
		  "CPUs to bring up at boot, the boot CPU included (0: only it)");
cmdline_param_int(nr_cpus, &setup_nr_cpus, 1, NR_CPUS, "possible CPUs: MADT entries used");
long smp_hang_cpu = -1;
cmdline_param_int(smp_hang_cpu, &smp_hang_cpu, 1, NR_CPUS - 1,
		  "testing: this CPU stops before it comes online (its bring-up times out)");

static struct {
	u64 possible; /* = present */
	u64 online;   /* set by each AP itself */
	int apic_id[NR_CPUS];
	int waiting; /* the CPU number the BSP waits for, or -1 */
	bool stray;  /* an AP left out could not be stopped: it may still run the trampoline */
	u64 inited;  /* APs sent INIT together, up front (smp_init_aps) */
} smp = { .possible = 1, .online = 1, .waiting = -1 };

/* Bits set in @mask (no popcnt instruction assumed, no libgcc helper linked). */
static unsigned int count_cpus(u64 mask)
{
	unsigned int n = 0;

	for (; mask; mask &= mask - 1)
		n++;
	return n;
}

void set_cpu_online(unsigned int cpu, bool online)
{
	if (online)
		__atomic_fetch_or(&smp.online, 1ULL << cpu, __ATOMIC_RELEASE);
	else
		__atomic_fetch_and(&smp.online, ~(1ULL << cpu), __ATOMIC_RELEASE);
}

u64 cpu_online_bits(void)
{
	return __atomic_load_n(&smp.online, __ATOMIC_ACQUIRE);
}

bool cpu_online(unsigned int cpu)
{
	return cpu < NR_CPUS && (__atomic_load_n(&smp.online, __ATOMIC_ACQUIRE) >> cpu & 1);
}

bool cpu_possible(unsigned int cpu)
{
	return cpu < NR_CPUS && (smp.possible >> cpu & 1);
}

bool cpu_present(unsigned int cpu)
{
	return cpu_possible(cpu);
}

unsigned int num_online_cpus(void)
{
	return count_cpus(__atomic_load_n(&smp.online, __ATOMIC_ACQUIRE));
}

unsigned int num_possible_cpus(void)
{
	return count_cpus(smp.possible);
}

int cpu_physical_id(unsigned int cpu)
{
	return cpu_possible(cpu) ? smp.apic_id[cpu] : -1;
}

int hard_smp_processor_id(void)
{
	return apic_in_use() ? (int)apic_read_id() : 0;
}

void smpboot_spawn_percpu_threads(int (*fn)(void *), const char *name, struct task_struct **store)
{
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		struct task_struct *t = ERR_PTR(-ENOMEM);
		unsigned int tries = 0;
		char what[40];

		for (; IS_ERR(t) && tries < BOOT_ESSENTIAL_TRIES; tries++)
			t = kthread_create(fn, NULL, "%s/%u", name, cpu);
		snprintf(what, sizeof(what), "smpboot: %s/%u", name, cpu);
		boot_essential_retried(what, IS_ERR(t) ? PTR_ERR(t) : -ENOMEM, tries, !IS_ERR(t));
		if (IS_ERR(t))
			panic("smpboot: cannot start %s/%u", name, cpu);
		kthread_bind(t, cpu);
		*per_cpu_ptr(store, cpu) = t;
		wake_up_process(t);
	}
}

/*
 * Number the CPUs: 0 is the BSP (whatever its place in the MADT), then the
 * other enabled entries in table order, while fewer than nr_cpus= (as 3.10,
 * which drops a processor past nr_cpu_ids unless it is the boot one).
 */
static void smp_number_cpus(const struct acpi_madt_info *m, int bsp_id)
{
	unsigned int limit = setup_nr_cpus < NR_CPUS ? setup_nr_cpus : NR_CPUS;
	bool bsp_seen = false;

	smp.apic_id[0] = bsp_id;
	for (int i = 0; i < m->nr_cpus; i++) {
		if (m->lapic_id[i] == bsp_id && !bsp_seen) {
			bsp_seen = true;
			continue;
		}
		if (nr_cpu_ids >= limit) {
			pr_info("smpboot: nr_cpus=%u reached, CPU with APIC ID %u ignored\n", limit,
				m->lapic_id[i]);
			continue;
		}
		smp.apic_id[nr_cpu_ids] = m->lapic_id[i];
		smp.possible |= 1ULL << nr_cpu_ids;
		nr_cpu_ids++;
	}
	if (!bsp_seen)
		pr_warn("smpboot: the boot CPU's APIC ID %d is not in the MADT\n", bsp_id);
}

void smp_ap_main(unsigned long cpu)
{
	int expected = (int)cpu;
	int id;

	trap_load_cpu(cpu);
	percpu_load_cpu(cpu); /* after the segment loads: %gs now reaches this CPU's area */
	id = apic_read_id();
	/* The BSP reads apic_id[] after it sees the claim: store it first. */
	__atomic_store_n(&smp.apic_id[cpu], id, __ATOMIC_RELAXED);
	if (!__atomic_compare_exchange_n(&smp.waiting, &expected, -1, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		for (;;) /* too late: the BSP gave up on us; park */
			__asm__ __volatile__("cli; hlt" ::: "memory");
	apic_init_ap(); /* its tick, and the IPIs can reach it */
	/* Release: whoever sees the bit sees apic_id[cpu] and this CPU's idle task. */
	__atomic_fetch_or(&smp.online, 1ULL << cpu, __ATOMIC_RELEASE);
	local_irq_enable();
	cpu_idle_loop();
}

/* The trampoline's copy below 1 MiB, its parameter block, and its page tables. */
struct trampoline {
	u8 *code;
	struct trampoline_params *params;
	phys_addr_t pgd;
};

static int trampoline_setup(struct trampoline *t)
{
	size_t size = trampoline_end - trampoline_start;

	if (!realmode_trampoline_pa || size > PAGE_SIZE)
		return -ENOMEM;
	t->pgd = trampoline_pgd_alloc(realmode_trampoline_pa);
	if (!t->pgd)
		return -ENOMEM;
	t->code = __va(realmode_trampoline_pa);
	memcpy(t->code, trampoline_start, size);
	t->params = (void *)(t->code + (trampoline_params - trampoline_start));
	t->params->pgd = t->pgd;
	t->params->cr4 = read_cr4();
	t->params->cr0 = read_cr0();
	t->params->kernel_pgd = kernel_pgd_phys();
	t->params->entry = (unsigned long)ap_start64;
	return 0;
}

/* Start CPU @cpu and wait for it.  Returns 0 once it is online, or -errno. */
static int smp_boot_cpu(struct trampoline *t, unsigned int cpu)
{
	int want_id = smp.apic_id[cpu], expected = cpu, err;
	unsigned long stack;
	u64 t0;

	err = trap_prepare_cpu(cpu);
	stack = err ? 0 : vmap_stack_alloc(AP_STACK_SIZE, GFP_KERNEL);
	if (stack && sched_init_ap(cpu, stack, stack + AP_STACK_SIZE)) {
		vmap_stack_free(stack, AP_STACK_SIZE);
		stack = 0;
	}
	if (!stack) {
		pr_err("smpboot: CPU %u (APIC ID %d): no memory for its stacks, left out\n", cpu,
		       want_id);
		return -ENOMEM;
	}
	t->params->stack = stack + AP_STACK_SIZE;
	t->params->cpu = cpu;
	t->params->entry = (unsigned long)(cpu == smp_hang_cpu ? ap_hang64 : ap_start64);
	__atomic_store_n(&smp.waiting, (int)cpu, __ATOMIC_RELEASE);

	err = apic_wakeup_cpu(want_id, realmode_trampoline_pa, !(smp.inited >> cpu & 1));
	t0 = ktime_get_ns();
	while (!err && !cpu_online(cpu)) {
		if (ktime_get_ns() - t0 > AP_TIMEOUT_MS * 1000000ULL) {
			err = -ETIMEDOUT;
			break;
		}
		udelay(10);
	}
	if (!err)
		goto online;
	/* Take the slot back; if the AP claimed it meanwhile, it made it after all. */
	if (!__atomic_compare_exchange_n(&smp.waiting, &expected, -1, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		while (!cpu_online(cpu))
			cpu_relax();
		goto online;
	}
	/* It may still run: stop it, and leave its stack to it. */
	if (!apic_send_init(want_id))
		smp.stray = true; /* then the trampoline and its tables stay its own */
	pr_err("smpboot: CPU %u (APIC ID %d) did not come up (%s), left out\n", cpu, want_id,
	       err == -ETIMEDOUT ? "timeout" : "IPI not delivered");
	return err;

online:
	if (smp.apic_id[cpu] != want_id)
		pr_warn("smpboot: CPU %u: the MADT says APIC ID %d, it has %d\n", cpu, want_id,
			smp.apic_id[cpu]);
	return 0;
}

/*
 * INIT every AP the boot will start (the first @max - 1), with one 10 ms
 * wait for all instead of one each: then each needs only its two SIPIs.
 * One that must replace a CPU that failed gets its own INIT later.
 */
static void smp_init_aps(unsigned int max)
{
	int ids[NR_CPUS];
	unsigned int n = 0;

	for (unsigned int cpu = 1; cpu < nr_cpu_ids && cpu < max; cpu++) {
		ids[n++] = smp.apic_id[cpu];
		smp.inited |= 1ULL << cpu;
	}
	if (n && !apic_send_init_many(ids, n))
		smp.inited = 0; /* each gets its own INIT, and its own report */
}

void smp_init(void)
{
	const struct acpi_madt_info *m = acpi_madt();
	unsigned int max = setup_max_cpus < 1 ? 1 : setup_max_cpus;
	struct trampoline t;
	u64 t0;

	if (!m || !apic_in_use())
		return; /* one CPU: the 8259s (noapic) or no MADT leave us no way to the others */
	smp_number_cpus(m, apic_read_id());
	numa_add_cpu(0); /* by its real APIC ID now */
	if (nr_cpu_ids == 1)
		return;
	if (max < nr_cpu_ids)
		pr_info("smpboot: maxcpus=%ld: bringing up %u of %u CPUs\n", setup_max_cpus, max,
			nr_cpu_ids);
	if (max == 1)
		return;
	if (setup_per_cpu_areas()) {
		pr_err("smpboot: no memory for the per-CPU areas: only the boot CPU runs\n");
		return;
	}
	for (unsigned int cpu = 1; cpu < nr_cpu_ids; cpu++)
		numa_add_cpu(cpu);
	smp_ipi_init();
	if (trampoline_setup(&t)) {
		pr_err("smpboot: no trampoline page below 1 MiB: only the boot CPU runs\n");
		return;
	}
	pr_info("smpboot: trampoline at %#llx, %zu bytes\n",
		(unsigned long long)realmode_trampoline_pa,
		(size_t)(trampoline_end - trampoline_start));
	t0 = ktime_get_ns();
	smp_init_aps(max);
	for (unsigned int cpu = 1; cpu < nr_cpu_ids && num_online_cpus() < max && !smp.stray; cpu++)
		if (!smp_boot_cpu(&t, cpu))
			pr_info("smpboot: CPU %u (APIC ID %d) is up\n", cpu, smp.apic_id[cpu]);
	if (smp.stray)
		pr_err("smpboot: an AP could not be stopped: no more CPUs, its trampoline kept\n");
	else
		trampoline_pgd_free(t.pgd);
	pr_info("smpboot: %u of %u CPUs online in %llu us\n", num_online_cpus(), nr_cpu_ids,
		(unsigned long long)(ktime_get_ns() - t0) / 1000);
}
