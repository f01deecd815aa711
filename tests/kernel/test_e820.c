/*
 * SPDX-License-Identifier: MIT
 * tests/kernel/test_e820.c - the e820 map (kernel/e820.c, labs/boot/): the map
 * made at boot against the loader's, e820_add_region, e820_print_map's lines,
 * sanitize_e820_map on crafted and on random maps, and the monitor's `e820`.
 *
 * A sanitized map is checked against its definition, never against another
 * sanitizer: it is in canonical form (sorted, no empty entry, no overlap, no
 * two touching entries of one type) and at every address has the type of the
 * highest-numbered input entry that covers it (0: none).  The cases that
 * change the global map save it first and put it back.
 */
#include <arch/e820.h>
#include <kernel/ktest.h>
#include <kernel/multiboot.h>
#include <kernel/printk.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "monitor_test.h"

#define LOGGED_MAX 8192
#define MAX_POINTS (4 * E820_X_MAX)

static struct e820map saved;
static char logged[LOGGED_MAX];

static void save_e820(void)
{
	saved = e820;
}

static void restore_e820(void)
{
	e820 = saved;
}

#define E(a, s, ty)                                    \
	{                                              \
		.addr = (a), .size = (s), .type = (ty) \
	}

/* The type of @map at @addr: the highest type of an entry that covers it, 0 if none. */
static u32 type_at(const struct e820entry *map, u32 nr, u64 addr)
{
	u32 type = 0;

	for (u32 i = 0; i < nr; i++)
		if (map[i].size && addr >= map[i].addr && addr - map[i].addr < map[i].size &&
		    map[i].type > type)
			type = map[i].type;
	return type;
}

/*
 * @out (@out_nr entries) is @in (@in_nr) sanitized: canonical, and of the same
 * type as @in at every point where either map changes.  Reports each problem.
 */
static void expect_sanitized(struct ktest *t, const struct e820entry *in, u32 in_nr,
			     const struct e820entry *out, u32 out_nr, const char *what)
{
	static u64 points[MAX_POINTS];
	int n = 0;

	for (u32 i = 0; i < out_nr; i++) {
		const struct e820entry *e = &out[i], *next = &out[i + 1];

		if (!e->size)
			ktest_fail(t, __FILE__, __LINE__, "%s: entry %u is empty", what, i);
		if (i + 1 < out_nr && e->addr + e->size > next->addr)
			ktest_fail(t, __FILE__, __LINE__,
				   "%s: entry %u [%#llx+%#llx] is not below entry %u at %#llx",
				   what, i, (unsigned long long)e->addr,
				   (unsigned long long)e->size, i + 1,
				   (unsigned long long)next->addr);
		if (i + 1 < out_nr && e->addr + e->size == next->addr && e->type == next->type)
			ktest_fail(
				t, __FILE__, __LINE__,
				"%s: entries %u and %u touch at %#llx, both of type %u: one entry",
				what, i, i + 1, (unsigned long long)next->addr, e->type);
	}
	for (u32 i = 0; i < in_nr && n + 2 <= MAX_POINTS; i++) {
		points[n++] = in[i].addr;
		points[n++] = in[i].addr + in[i].size;
	}
	for (u32 i = 0; i < out_nr && n + 2 <= MAX_POINTS; i++) {
		points[n++] = out[i].addr;
		points[n++] = out[i].addr + out[i].size;
	}
	for (int i = 0; i < n; i++) {
		u32 want = type_at(in, in_nr, points[i]), got = type_at(out, out_nr, points[i]);

		if (want != got) {
			ktest_fail(t, __FILE__, __LINE__,
				   "%s: address %#llx should be of type %u, the map says %u", what,
				   (unsigned long long)points[i], want, got);
			return;
		}
	}
}

/* Sanitize a copy of @in; it must return 0 and come out as @want, entry by entry. */
static void expect_result(struct ktest *t, const struct e820entry *in, u32 in_nr,
			  const struct e820entry *want, u32 want_nr)
{
	struct e820entry map[16];
	u32 nr = in_nr;
	int ret;

	memcpy(map, in, in_nr * sizeof(*in));
	ret = sanitize_e820_map(map, ARRAY_SIZE(map), &nr);
	EXPECT_EQ(t, ret, 0);
	ASSERT_EQ(t, nr, want_nr);
	for (u32 i = 0; i < nr; i++)
		if (map[i].addr != want[i].addr || map[i].size != want[i].size ||
		    map[i].type != want[i].type)
			ktest_fail(t, __FILE__, __LINE__,
				   "entry %u is [%#llx+%#llx] type %u, not [%#llx+%#llx] type %u",
				   i, (unsigned long long)map[i].addr,
				   (unsigned long long)map[i].size, map[i].type,
				   (unsigned long long)want[i].addr,
				   (unsigned long long)want[i].size, want[i].type);
	expect_sanitized(t, in, in_nr, map, nr, "crafted map");
}

/* @got must be @want, line by line; the first line that differs is reported. */
static void expect_lines(struct ktest *t, const char *got, const char *want)
{
	for (int line = 1;; line++) {
		size_t g = strcspn(got, "\n"), w = strcspn(want, "\n");

		if (g != w || memcmp(got, want, g) || got[g] != want[w]) {
			ktest_fail(t, __FILE__, __LINE__, "line %d is \"%.*s\", should be \"%.*s\"",
				   line, (int)g, got, (int)w, want);
			return;
		}
		if (!got[g])
			return;
		got += g + 1;
		want += w + 1;
	}
}

/* QEMU's map with 128 MiB: sorted, no overlaps, no neighbours of one type. */
static const struct e820entry qemu_map[] = {
	E(0, 0x9fc00, E820_RAM),
	E(0x9fc00, 0x400, E820_RESERVED),
	E(0xf0000, 0x10000, E820_RESERVED),
	E(0x100000, 0x7ee0000, E820_RAM),
	E(0x7fe0000, 0x20000, E820_RESERVED),
	E(0xfffc0000, 0x40000, E820_RESERVED),
};

TEST_CASE(e820_test_boot_map_is_the_loaders_map_sanitized)
{
	static struct e820entry loader[MAX_MEM_REGIONS];
	u32 nr = 0;

	for (int i = 0; i < boot_info.nr_regions; i++) {
		const struct mem_region *r = &boot_info.regions[i];

		loader[nr++] = (struct e820entry){ .addr = r->start,
						   .size = r->end - r->start,
						   .type = r->type };
	}
	ASSERT_GT(t, nr, 0);
	ASSERT_GT(t, e820.nr_map, 0); /* setup_memory_map filled it */
	expect_sanitized(t, loader, nr, e820.map, e820.nr_map, "e820 after boot");
	/* And the boot log printed it, under 3.10's heading. */
	EXPECT_TRUE(t, log_contains(0, "e820: BIOS-provided physical RAM map:\n"
				       "BIOS-e820: [mem 0x0000000000000000-"));
}

TEST_CASE(e820_test_add_region_appends_and_refuses_past_the_end)
{
	u64 mark;

	save_e820();
	e820.nr_map = 0;
	e820_add_region(0x100000, 0x1000, E820_RAM);
	e820_add_region(0, 0x9fc00, E820_RESERVED); /* appended as given: no sorting here */
	EXPECT_EQ(t, e820.nr_map, 2);
	EXPECT_EQ(t, e820.map[0].addr, 0x100000);
	EXPECT_EQ(t, e820.map[0].size, 0x1000);
	EXPECT_EQ(t, e820.map[0].type, E820_RAM);
	EXPECT_EQ(t, e820.map[1].addr, 0);
	EXPECT_EQ(t, e820.map[1].size, 0x9fc00);
	EXPECT_EQ(t, e820.map[1].type, E820_RESERVED);
	while (e820.nr_map < E820_X_MAX && e820.nr_map >= 2)
		e820_add_region(0x200000ULL * e820.nr_map, 0x1000, E820_ACPI);
	EXPECT_EQ(t, e820.nr_map, E820_X_MAX);
	EXPECT_EQ(t, e820.map[E820_X_MAX - 1].addr, 0x200000ULL * (E820_X_MAX - 1));
	mark = log_seq();
	e820_add_region(0x12345000, 0x1000, E820_NVS);
	EXPECT_EQ(t, e820.nr_map, E820_X_MAX);
	EXPECT_TRUE(t, log_contains(mark, "e820: too many entries; ignoring "
					  "[mem 0x12345000-0x12345fff]\n"));
	restore_e820();
}

TEST_CASE(e820_test_print_map_prints_3_10s_lines)
{
	static const struct e820entry crafted[] = {
		E(0, 0x9fc00, E820_RAM),
		E(0x9fc00, 0x400, E820_RESERVED),
		E(0x100000, 0x1000, E820_RESERVED_KERN),
		E(0x7fe0000, 0x10000, E820_ACPI),
		E(0x7ff0000, 0x10000, E820_NVS),
		E(0x8000000, 0x1000, E820_UNUSABLE),
		E(0x8001000, 0x1000, 6),
		E(0xfd00000000ULL, 0x300000000ULL, 12),
	};
	static const char want[] =
		"BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
		"BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved\n"
		"BIOS-e820: [mem 0x0000000000100000-0x0000000000100fff] usable\n"
		"BIOS-e820: [mem 0x0000000007fe0000-0x0000000007feffff] ACPI data\n"
		"BIOS-e820: [mem 0x0000000007ff0000-0x0000000007ffffff] ACPI NVS\n"
		"BIOS-e820: [mem 0x0000000008000000-0x0000000008000fff] unusable\n"
		"BIOS-e820: [mem 0x0000000008001000-0x0000000008001fff] type 6\n"
		"BIOS-e820: [mem 0x000000fd00000000-0x000000ffffffffff] type 12\n"
		"modified: [mem 0x0000000000000000-0x000000000009fbff] usable\n";
	u64 mark;

	save_e820();
	memcpy(e820.map, crafted, sizeof(crafted));
	e820.nr_map = ARRAY_SIZE(crafted);
	mark = log_seq();
	e820_print_map("BIOS-e820");
	e820.nr_map = 1;
	e820_print_map("modified");
	restore_e820();
	log_read(mark, logged, sizeof(logged));
	expect_lines(t, logged, want);
}

TEST_CASE(e820_test_sanitize_keeps_a_sane_map_and_refuses_bad_input)
{
	struct e820entry map[8];
	u32 nr = ARRAY_SIZE(qemu_map);
	int ret;

	memcpy(map, qemu_map, sizeof(qemu_map));
	ret = sanitize_e820_map(map, ARRAY_SIZE(map), &nr);
	EXPECT_EQ(t, ret, 0);
	EXPECT_EQ(t, nr, ARRAY_SIZE(qemu_map));
	EXPECT_EQ(t, memcmp(map, qemu_map, sizeof(qemu_map)), 0);

	/* One entry, or none: -1, nothing touched. */
	map[0] = (struct e820entry)E(0x1000, 0, E820_RAM);
	nr = 1;
	ret = sanitize_e820_map(map, ARRAY_SIZE(map), &nr);
	EXPECT_EQ(t, ret, -1);
	EXPECT_EQ(t, nr, 1);
	EXPECT_EQ(t, map[0].size, 0);
	nr = 0;
	ret = sanitize_e820_map(map, ARRAY_SIZE(map), &nr);
	EXPECT_EQ(t, ret, -1);
	EXPECT_EQ(t, nr, 0);

	/* An entry that wraps past 2^64: -1, nothing touched, not even the good entries. */
	map[0] = (struct e820entry)E(0x100000, 0x1000, E820_RAM);
	map[1] = (struct e820entry)E(0, 0x1000, E820_RAM);
	map[2] = (struct e820entry)E(0xfffffffffffff000ULL, 0x2000, E820_RESERVED);
	nr = 3;
	ret = sanitize_e820_map(map, ARRAY_SIZE(map), &nr);
	EXPECT_EQ(t, ret, -1);
	EXPECT_EQ(t, nr, 3);
	EXPECT_EQ(t, map[0].addr, 0x100000);
	EXPECT_EQ(t, map[2].size, 0x2000);
}

TEST_CASE(e820_test_sanitize_sorts_the_entries)
{
	static const struct e820entry in[] = {
		E(0x7fe0000, 0x20000, E820_RESERVED),  E(0x100000, 0x7ee0000, E820_RAM),
		E(0xfffc0000, 0x40000, E820_RESERVED), E(0, 0x9fc00, E820_RAM),
		E(0xf0000, 0x10000, E820_RESERVED),    E(0x9fc00, 0x400, E820_RESERVED),
	};

	expect_result(t, in, ARRAY_SIZE(in), qemu_map, ARRAY_SIZE(qemu_map));
}

TEST_CASE(e820_test_sanitize_merges_touching_and_overlapping_ranges_of_one_type)
{
	static const struct e820entry in[] = {
		E(0x100000, 0x100000, E820_RAM), /* [1M, 2M) */
		E(0x200000, 0x100000, E820_RAM), /* [2M, 3M): touches it */
		E(0x280000, 0x100000, E820_RAM), /* [2.5M, 3.5M): overlaps */
		E(0x120000, 0x1000, E820_RAM),	 /* inside */
		E(0x100000, 0x100000, E820_RAM), /* the first again */
		E(0x400000, 0x1000, E820_RESERVED),
		E(0x401000, 0x1000, E820_RESERVED), /* touches: merged */
		E(0x402000, 0x1000, E820_ACPI),	    /* touches, another type: not merged */
	};
	static const struct e820entry want[] = {
		E(0x100000, 0x280000, E820_RAM),
		E(0x400000, 0x2000, E820_RESERVED),
		E(0x402000, 0x1000, E820_ACPI),
	};

	expect_result(t, in, ARRAY_SIZE(in), want, ARRAY_SIZE(want));
}

TEST_CASE(e820_test_sanitize_drops_empty_entries)
{
	static const struct e820entry in[] = {
		E(0x5000, 0, E820_RESERVED), E(0, 0x1000, E820_RAM),
		E(0x800, 0, E820_RESERVED), /* inside a RAM entry: does not cut it */
		E(0x1000, 0x1000, E820_RAM), E(0x9000, 0, E820_RAM),
	};
	static const struct e820entry want[] = {
		E(0, 0x2000, E820_RAM),
	};

	expect_result(t, in, ARRAY_SIZE(in), want, ARRAY_SIZE(want));
}

TEST_CASE(e820_test_sanitize_gives_an_overlap_to_the_higher_type)
{
	static const struct e820entry hole[] = {
		E(0, 0x10000, E820_RAM),
		E(0x8000, 0x1000, E820_RESERVED), /* a reserved hole in the middle of RAM */
	};
	static const struct e820entry hole_want[] = {
		E(0, 0x8000, E820_RAM),
		E(0x8000, 0x1000, E820_RESERVED),
		E(0x9000, 0x7000, E820_RAM),
	};
	static const struct e820entry partial[] = {
		E(0x180000, 0x100000, E820_NVS),  /* [1.5M, 2.5M) */
		E(0x100000, 0x100000, E820_ACPI), /* [1M, 2M): NVS, 4, beats ACPI, 3 */
		E(0x300000, 0x100000, E820_RESERVED),
		E(0x200000, 0x300000, E820_RAM), /* [2M, 5M): loses to NVS and RESERVED */
	};
	static const struct e820entry partial_want[] = {
		E(0x100000, 0x80000, E820_ACPI), E(0x180000, 0x100000, E820_NVS),
		E(0x280000, 0x80000, E820_RAM),	 E(0x300000, 0x100000, E820_RESERVED),
		E(0x400000, 0x100000, E820_RAM),
	};
	static const struct e820entry covered[] = {
		E(0x1000, 0x1000, E820_RAM),
		E(0, 0x4000, E820_UNUSABLE), /* covers the RAM whole */
		E(0x2000, 0x4000, E820_RESERVED),
	};
	static const struct e820entry covered_want[] = {
		E(0, 0x4000, E820_UNUSABLE),
		E(0x4000, 0x2000, E820_RESERVED),
	};

	expect_result(t, hole, ARRAY_SIZE(hole), hole_want, ARRAY_SIZE(hole_want));
	expect_result(t, partial, ARRAY_SIZE(partial), partial_want, ARRAY_SIZE(partial_want));
	expect_result(t, covered, ARRAY_SIZE(covered), covered_want, ARRAY_SIZE(covered_want));
}

TEST_CASE(e820_test_sanitize_keeps_only_max_nr_map_entries)
{
	static const struct e820entry in[] = {
		E(0, 0x10000, E820_RAM),	  E(0x1000, 0x1000, E820_RESERVED),
		E(0x3000, 0x1000, E820_RESERVED), E(0x5000, 0x1000, E820_RESERVED),
		E(0x7000, 0x1000, E820_RESERVED),
	};
	static const struct e820entry want[] = {
		E(0, 0x1000, E820_RAM),	     E(0x1000, 0x1000, E820_RESERVED),
		E(0x2000, 0x1000, E820_RAM), E(0x3000, 0x1000, E820_RESERVED),
		E(0x4000, 0x1000, E820_RAM),
	};
	struct e820entry map[ARRAY_SIZE(in)];
	u32 nr = ARRAY_SIZE(in);
	int ret;

	/* Nine pieces, room for five: the first five are kept, in order. */
	memcpy(map, in, sizeof(in));
	ret = sanitize_e820_map(map, ARRAY_SIZE(map), &nr);
	EXPECT_EQ(t, ret, 0);
	ASSERT_EQ(t, nr, ARRAY_SIZE(want));
	EXPECT_EQ(t, memcmp(map, want, sizeof(want)), 0);
}

/* A small LCG: the same maps on every run. */
static u32 next_rand(u32 *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 8;
}

TEST_CASE(e820_test_sanitize_is_right_on_random_maps)
{
	static struct e820entry in[24], map[E820_X_MAX];
	u32 seed = 0xe820;
	char what[48];

	for (int round = 0; round < 300; round++) {
		u32 nr = 2 + next_rand(&seed) % 23;

		/* Addresses on a coarse grid, so that entries overlap and touch often. */
		for (u32 i = 0; i < nr; i++) {
			in[i].addr = (u64)(next_rand(&seed) % 64) << 12;
			in[i].size = (u64)(next_rand(&seed) % 16) << 12;
			in[i].type = 1 + next_rand(&seed) % 5;
		}
		if (round % 3 == 0) /* and far apart, above 4 GiB */
			in[0].addr += 0x100000000ULL << (next_rand(&seed) % 20);
		memcpy(map, in, nr * sizeof(*in));
		u32 out_nr = nr;
		snprintf(what, sizeof(what), "random map %d (%u entries)", round, nr);
		if (sanitize_e820_map(map, E820_X_MAX, &out_nr) != 0) {
			ktest_fail(t, __FILE__, __LINE__, "%s: sanitize_e820_map did not return 0",
				   what);
			return;
		}
		expect_sanitized(t, in, nr, map, out_nr, what);
		if (t->failures)
			return;
	}
}

TEST_CASE(e820_test_monitor_command_shows_the_map_and_usable_ram)
{
	static const struct e820entry crafted[] = {
		E(0, 0x9fc00, E820_RAM),
		E(0xf0000, 0x10000, E820_RESERVED),
		E(0x100000, 0x100000, E820_RESERVED_KERN),
		E(0x200000, 0x7de0000, E820_RAM),
		E(0x7fe0000, 0x20000, E820_ACPI),
		E(0x100000000ULL, 0x40000000ULL, E820_RAM),
	};
	static const char want[] =
		"BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
		"BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] reserved\n"
		"BIOS-e820: [mem 0x0000000000100000-0x00000000001fffff] usable\n"
		"BIOS-e820: [mem 0x0000000000200000-0x0000000007fdffff] usable\n"
		"BIOS-e820: [mem 0x0000000007fe0000-0x0000000007ffffff] ACPI data\n"
		"BIOS-e820: [mem 0x0000000100000000-0x000000013fffffff] usable\n"
		"e820: 6 entries, 1179135 KiB usable\n";
	u64 mark;
	int ret;

	save_e820();
	memcpy(e820.map, crafted, sizeof(crafted));
	e820.nr_map = ARRAY_SIZE(crafted);
	mark = log_seq();
	ret = exec("e820");
	restore_e820();
	log_read(mark, logged, sizeof(logged));
	EXPECT_EQ(t, ret, 0);
	expect_lines(t, logged, want);
	EXPECT_EQ(t, exec("e820 all"), -EINVAL); /* takes no arguments */
}

static const struct ktest_case e820_cases[] = {
	KTEST(e820_test_boot_map_is_the_loaders_map_sanitized),
	KTEST(e820_test_add_region_appends_and_refuses_past_the_end),
	KTEST(e820_test_print_map_prints_3_10s_lines),
	KTEST(e820_test_sanitize_keeps_a_sane_map_and_refuses_bad_input),
	KTEST(e820_test_sanitize_sorts_the_entries),
	KTEST(e820_test_sanitize_merges_touching_and_overlapping_ranges_of_one_type),
	KTEST(e820_test_sanitize_drops_empty_entries),
	KTEST(e820_test_sanitize_gives_an_overlap_to_the_higher_type),
	KTEST(e820_test_sanitize_keeps_only_max_nr_map_entries),
	KTEST(e820_test_sanitize_is_right_on_random_maps),
	KTEST(e820_test_monitor_command_shows_the_map_and_usable_ram),
	{}
};
TEST_SUITE(e820, e820_cases);
