/*
 * SPDX-License-Identifier: MIT
 * tests/kernel/test_multiboot.c - kernel/multiboot.c on information a test
 * makes up: multiboot_save() copies at once what a loader left (whatever is
 * written there afterwards), and multiboot_parse() checks that copy, cutting
 * what does not fit with a warning.
 *
 * Each case builds a multiboot information structure in its own memory,
 * saves the real boot_info, runs the pair and puts boot_info back.
 */
#include <kernel/ktest.h>
#include <kernel/multiboot.h>
#include <kernel/printk.h>
#include <errno.h>
#include <string.h>

#include <mm/mm.h>

#define FAKE_ENTRIES 100 /* more than the 64 entries multiboot_save() keeps */

static struct {
	struct multiboot_info mbi;
	char cmdline[700];
	char loader[16];
	struct multiboot_mmap_entry mmap[FAKE_ENTRIES];
} fake;

static struct boot_info real;
static char logged[8192];

/* How many times the log holds @text since @mark. */
static int logged_times(u64 mark, const char *text)
{
	int n = 0;

	log_read(mark, logged, sizeof(logged));
	for (const char *p = logged; (p = strstr(p, text)); p++)
		n++;
	return n;
}

/* A loader's information: @entries map entries of 1 MiB each, the strings given. */
static u64 make_fake(unsigned int entries, const char *cmdline, const char *loader)
{
	memset(&fake, 0, sizeof(fake));
	fake.mbi.flags =
		MULTIBOOT_INFO_CMDLINE | MULTIBOOT_INFO_BOOT_LOADER_NAME | MULTIBOOT_INFO_MEM_MAP;
	strcpy(fake.cmdline, cmdline);
	strcpy(fake.loader, loader);
	fake.mbi.cmdline = (u32)__pa(fake.cmdline);
	fake.mbi.boot_loader_name = (u32)__pa(fake.loader);
	for (unsigned int i = 0; i < entries; i++) {
		fake.mmap[i].size = sizeof(fake.mmap[i]) - sizeof(u32);
		fake.mmap[i].addr = (u64)i << 20;
		fake.mmap[i].len = 1 << 20;
		fake.mmap[i].type = MULTIBOOT_MEMORY_AVAILABLE;
	}
	fake.mbi.mmap_addr = (u32)__pa(fake.mmap);
	fake.mbi.mmap_length = entries * sizeof(fake.mmap[0]);
	return __pa(&fake.mbi);
}

/* Run save and parse on @mbi_phys into a clean boot_info; the real one is kept in `real`. */
static int save_and_parse(u32 magic, u64 mbi_phys, bool scribble)
{
	real = boot_info;
	memset(&boot_info, 0, sizeof(boot_info));
	multiboot_save(magic, mbi_phys);
	if (scribble) /* the loader's memory reused, as .bss is by clear_bss() */
		memset(&fake, 0xa5, sizeof(fake));
	return multiboot_parse();
}

static void restore(void)
{
	boot_info = real;
}

TEST_CASE(multiboot_test_save_copies_before_the_loaders_memory_is_reused)
{
	u64 mark = log_seq();
	int ret = save_and_parse(MULTIBOOT_BOOTLOADER_MAGIC,
				 make_fake(3, "kernel.elf loglevel=7 ip=none", "qemu"), true);
	struct boot_info got = boot_info;

	restore();
	EXPECT_EQ(t, ret, 0);
	EXPECT_STREQ(t, got.cmdline, "loglevel=7 ip=none"); /* "qemu": the path taken off */
	EXPECT_STREQ(t, got.image, "kernel.elf");
	EXPECT_STREQ(t, got.loader, "qemu");
	EXPECT_EQ(t, got.nr_regions, 3);
	EXPECT_EQ(t, got.regions[2].start, 2 << 20);
	EXPECT_EQ(t, got.regions[2].end, 3 << 20);
	EXPECT_EQ(t, got.bad_entries, 0);
	EXPECT_FALSE(t, log_contains(mark, "multiboot:"));
}

TEST_CASE(multiboot_test_what_does_not_fit_is_cut_with_a_warning)
{
	char longline[sizeof(fake.cmdline)];
	u64 mark = log_seq();
	struct boot_info got;
	int ret;

	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	ret = save_and_parse(MULTIBOOT_BOOTLOADER_MAGIC, make_fake(FAKE_ENTRIES, longline, "GRUB"),
			     true);
	got = boot_info;
	restore();
	EXPECT_EQ(t, ret, 0);
	EXPECT_EQ(t, strlen(got.cmdline), sizeof(got.cmdline) - 1);
	EXPECT_TRUE(t, log_contains(mark, "multiboot: command line longer than 511 bytes"));
	EXPECT_STREQ(t, got.loader, "GRUB");
	/* 2400 bytes of map, 1536 kept: 64 whole entries, of which boot_info holds 32 */
	EXPECT_TRUE(t, log_contains(mark, "multiboot: memory map of 2400 bytes, only the first "
					  "1536 read"));
	EXPECT_TRUE(t, log_contains(mark, "more than 32 memory regions, ignoring the rest"));
	EXPECT_EQ(t, logged_times(mark, "more than 32 memory regions"), 1); /* not 32 times */
	EXPECT_EQ(t, got.nr_regions, MAX_MEM_REGIONS);
	EXPECT_EQ(t, got.regions[MAX_MEM_REGIONS - 1].start, (u64)(MAX_MEM_REGIONS - 1) << 20);
	EXPECT_EQ(t, got.bad_entries, 64 - MAX_MEM_REGIONS);
}

TEST_CASE(multiboot_test_bad_magic_reads_nothing)
{
	u64 mark = log_seq();
	int ret;
	struct boot_info got;

	make_fake(3, "loglevel=7", "qemu");
	/* an address no loader would give: nothing may be read through it */
	ret = save_and_parse(0x12345678, 0xfffffff0, false);
	got = boot_info;
	restore();
	EXPECT_EQ(t, ret, -EINVAL);
	EXPECT_TRUE(t, log_contains(mark, "multiboot: bad magic 0x12345678"));
	EXPECT_EQ(t, got.nr_regions, 0);
	EXPECT_STREQ(t, got.cmdline, "");
}

static const struct ktest_case multiboot_cases[] = {
	KTEST(multiboot_test_save_copies_before_the_loaders_memory_is_reused),
	KTEST(multiboot_test_what_does_not_fit_is_cut_with_a_warning),
	KTEST(multiboot_test_bad_magic_reads_nothing),
	{}
};
TEST_SUITE(multiboot, multiboot_cases);
