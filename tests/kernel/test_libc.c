/*
 * SPDX-License-Identifier: MIT
 * tests/kernel/test_libc.c - newlib as the kernel's C library: formatting,
 * strings, numbers, sorting, and the glue (sbrk bounded, write to console,
 * the rest failing with ENOSYS).
 */
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/types.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TEST_CASE(libc_test_snprintf_integers)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "%d %u %ld %lld %llu", -1, 4000000000u, -5L,
		 (long long)LLONG_MIN, (unsigned long long)ULLONG_MAX);
	EXPECT_STREQ(t, buf, "-1 4000000000 -5 -9223372036854775808 18446744073709551615");
	snprintf(buf, sizeof(buf), "%zu %zd %#x %08lx %o", (size_t)123, (ssize_t)-7, 255u, 0xbeefUL,
		 8);
	EXPECT_STREQ(t, buf, "123 -7 0xff 0000beef 10");
}

TEST_CASE(libc_test_snprintf_strings_and_padding)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "[%-6s|%6s|%.2s|%c]", "ab", "cd", "xyz", 'q');
	EXPECT_STREQ(t, buf, "[ab    |    cd|xy|q]");
	snprintf(buf, sizeof(buf), "%p", (void *)0xffffffff80100000UL);
	EXPECT_STREQ(t, buf, "0xffffffff80100000");
}

TEST_CASE(libc_test_snprintf_truncates_and_reports_length)
{
	char buf[8];
	int n = snprintf(buf, sizeof(buf), "%s", "hello, world");

	EXPECT_EQ(t, n, 12);		 /* the length it wanted */
	EXPECT_STREQ(t, buf, "hello, "); /* 7 characters and the NUL */
}

TEST_CASE(libc_test_snprintf_floating_point)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.3f %e", 3.14159, 1234.5);
	EXPECT_STREQ(t, buf, "3.142 1.234500e+03");
}

TEST_CASE(libc_test_strtol_family)
{
	char *end;

	EXPECT_EQ(t, strtol("-123xyz", &end, 10), -123);
	EXPECT_STREQ(t, end, "xyz");
	EXPECT_EQ(t, strtoul("0x1F", NULL, 0), 31);
	EXPECT_EQ(t, strtoul("017", NULL, 0), 15);
	errno = 0;
	EXPECT_EQ(t, strtol("99999999999999999999", NULL, 10), LONG_MAX);
	EXPECT_EQ(t, errno, ERANGE);
}

TEST_CASE(libc_test_string_functions)
{
	char a[16] = "abc";
	char b[16];

	EXPECT_EQ(t, strlen(a), 3);
	EXPECT_LT(t, strcmp("abc", "abd"), 0);
	EXPECT_EQ(t, strncmp("abcX", "abcY", 3), 0);
	strcat(a, "def");
	EXPECT_STREQ(t, a, "abcdef");
	memset(b, 'z', sizeof(b));
	memcpy(b, a, 7);
	EXPECT_STREQ(t, b, "abcdef");
	memmove(b + 1, b, 6);
	EXPECT_EQ(t, memcmp(b, "aabcdef", 7), 0);
	EXPECT_EQ(t, strchr(a, 'd') - a, 3);
	EXPECT_NOT_NULL(t, strstr(a, "cde"));
}

static int cmp_int(const void *x, const void *y)
{
	return *(const int *)x - *(const int *)y;
}

TEST_CASE(libc_test_qsort)
{
	int v[] = { 5, -1, 9, 3, 3, 0, 42, 7 };
	const int sorted[] = { -1, 0, 3, 3, 5, 7, 9, 42 };

	qsort(v, ARRAY_SIZE(v), sizeof(v[0]), cmp_int);
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		EXPECT_EQ(t, v[i], sorted[i]);
}

TEST_CASE(libc_test_malloc_works_and_is_bounded)
{
	char *p = malloc(1000);
	void *huge;

	ASSERT_NOT_NULL(t, p);
	memset(p, 0x5a, 1000);
	EXPECT_EQ(t, (unsigned char)p[999], 0x5a);
	free(p);
	errno = 0;
	huge = malloc(64 * 1024 * 1024); /* beyond the sbrk region: must fail cleanly */
	EXPECT_NULL(t, huge);
	EXPECT_EQ(t, errno, ENOMEM);
}

/*
 * The sbrk region is in .noinit (linker.ld): nobody zeroed it at boot, so sbrk zeroes what it
 * hands out.  Grown, written, shrunk and grown again, the same bytes come back as zeros, as a
 * fresh break's would; newlib's calloc counts on it (it does not clear new sbrk memory).
 */
TEST_CASE(libc_test_sbrk_hands_out_zeroed_memory)
{
	const size_t n = 3 * 4096 + 100;
	unsigned char *p = sbrk(n), *again;
	size_t nonzero = 0;

	ASSERT_TRUE(t, p != (void *)-1);
	for (size_t i = 0; i < n; i++)
		nonzero += p[i] != 0;
	EXPECT_EQ(t, nonzero, 0);
	memset(p, 0xa5, n);
	EXPECT_TRUE(t, sbrk(-(ptrdiff_t)n) != (void *)-1);
	again = sbrk(n);
	ASSERT_TRUE(t, again == p); /* the same bytes */
	for (size_t i = 0; i < n; i++)
		nonzero += again[i] != 0;
	EXPECT_EQ(t, nonzero, 0);
	EXPECT_TRUE(t, sbrk(-(ptrdiff_t)n) != (void *)-1);
}

TEST_CASE(libc_test_unsupported_calls_fail_with_enosys)
{
	char c;

	errno = 0;
	EXPECT_EQ(t, read(0, &c, 1), -1);
	EXPECT_EQ(t, errno, ENOSYS);
	errno = 0;
	EXPECT_EQ(t, close(3), -1);
	EXPECT_EQ(t, errno, ENOSYS);
}

TEST_CASE(libc_test_write_only_to_stdout_and_stderr)
{
	/* write() goes to the console (not the log): check its return and errno for bad fds. */
	EXPECT_EQ(t, write(1, "", 0), 0);
	errno = 0;
	EXPECT_EQ(t, write(7, "x", 1), -1);
	EXPECT_EQ(t, errno, EBADF);
}

TEST_CASE(libc_test_printk_goes_to_the_log)
{
	u64 mark = log_seq();

	printk(KERN_DEBUG "libc-test marker %d %s\n", 1234, "xyzzy");
	EXPECT_TRUE(t, log_contains(mark, "libc-test marker 1234 xyzzy"));
	EXPECT_FALSE(t, log_contains(log_seq(), "xyzzy"));
}

static const struct ktest_case libc_cases[] = {
	KTEST(libc_test_snprintf_integers),
	KTEST(libc_test_snprintf_strings_and_padding),
	KTEST(libc_test_snprintf_truncates_and_reports_length),
	KTEST(libc_test_snprintf_floating_point),
	KTEST(libc_test_strtol_family),
	KTEST(libc_test_string_functions),
	KTEST(libc_test_qsort),
	KTEST(libc_test_malloc_works_and_is_bounded),
	KTEST(libc_test_sbrk_hands_out_zeroed_memory),
	KTEST(libc_test_unsupported_calls_fail_with_enosys),
	KTEST(libc_test_write_only_to_stdout_and_stderr),
	KTEST(libc_test_printk_goes_to_the_log),
	{}
};
TEST_SUITE(libc, libc_cases);
