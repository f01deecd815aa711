/*
 * SPDX-License-Identifier: MIT
 * tests/kernel/test_monitor_cmds.c - every monitor command checks its arguments:
 * a bad one gets one line saying what was wrong, then the command's usage
 * line, -EINVAL, and nothing done.  Also what the commands do with good
 * arguments that are new: `ifconfig <dev>`, `ifconfig <dev> <addr>` showing
 * the device it set, `blk write` with a byte or a text, `help <command>`,
 * and the picture `skbinfo demo` draws.
 *
 * The disk and the NIC written to or configured here are the test's own
 * (a ramdisk, the test NIC of tests/lib/net_test.h), never the machine's.
 * The host side (tools/cmd_checks.py) sends bad arguments to every command
 * `help` lists on a booted monitor.
 */
#include <drivers/ramdisk.h>
#include <kernel/ktest.h>
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <mm/slab.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blk_test.h"
#include "monitor_test.h"
#include "net_test.h"

#define LOGGED_MAX 4096

/* What the kernel logged since @mark, into @buf (LOGGED_MAX bytes). */
static char *logged_since(u64 mark, char *buf)
{
	log_read(mark, buf, LOGGED_MAX);
	return buf;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/*
 * @text must be refused: -EINVAL, and exactly two lines, @complaint (the
 * whole first line, whatever prefix the log adds) and "usage: <usage>".
 */
static void expect_refused(struct ktest *t, const char *text, const char *complaint)
{
	static char buf[LOGGED_MAX];
	char name[32], want[MONITOR_LINE_MAX + 80];
	const struct monitor_cmd *c;
	const char *at;
	u64 mark = log_seq();

	snprintf(name, sizeof(name), "%.*s", (int)strcspn(text, " "), text);
	c = monitor_find_cmd(name);
	ASSERT_NOT_NULL(t, c);
	EXPECT_EQ(t, exec(text), -EINVAL);
	logged_since(mark, buf);
	snprintf(want, sizeof(want), "%s\n", complaint);
	at = strstr(buf, want);
	snprintf(want, sizeof(want), "usage: %s\n", c->usage);
	if (!at || !strstr(at, want) || count_lines(buf) != 2)
		ktest_fail(t, __FILE__, __LINE__,
			   "'%s' should answer \"%s\" and \"%s\", not \"%s\"", text, complaint,
			   want, buf);
}

TEST_CASE(monitor_cmds_test_every_usage_line_starts_with_the_command_name)
{
	for (const struct monitor_cmd *c = __monitor_cmds_start; c < __monitor_cmds_end; c++) {
		size_t n = strlen(c->name);
		bool ok = c->usage && !strncmp(c->usage, c->name, n) &&
			  (c->usage[n] == '\0' || c->usage[n] == ' ');

		if (!ok)
			ktest_fail(t, __FILE__, __LINE__, "command %s has the usage line \"%s\"",
				   c->name, c->usage ? c->usage : "(none)");
		EXPECT_TRUE(t, c->help && c->help[0]);
	}
}

TEST_CASE(monitor_cmds_test_help_shows_every_usage_line_and_one_command_on_request)
{
	u64 mark = log_seq();

	EXPECT_EQ(t, exec("help"), 0);
	for (const struct monitor_cmd *c = __monitor_cmds_start; c < __monitor_cmds_end; c++) {
		if (!log_contains(mark, c->usage) || !log_contains(mark, c->help))
			ktest_fail(t, __FILE__, __LINE__, "help does not show %s: \"%s\"", c->name,
				   c->usage);
	}
	mark = log_seq();
	EXPECT_EQ(t, exec("help ping"), 0);
	EXPECT_TRUE(t, log_contains(mark, "usage: ping <a.b.c.d> [<count>]\nICMP echo"));
	expect_refused(t, "help nosuchcmd", "help: no command 'nosuchcmd'");
	expect_refused(t, "help ping blk", "help: too many arguments from 'blk' on (at most 1)");
}

TEST_CASE(monitor_cmds_test_test_refuses_a_filter_that_selects_nothing)
{
	u64 mark = log_seq();

	expect_refused(t, "test nosuchsuite",
		       "test: no suite or case 'nosuchsuite' ('test list' shows them)");
	expect_refused(t, "test monitor_cmds.nosuchcase",
		       "test: no suite or case 'monitor_cmds.nosuchcase' ('test list' shows them)");
	/* One good word does not carry a bad one. */
	expect_refused(t, "test signal,nosuchsuite",
		       "test: no suite or case 'nosuchsuite' ('test list' shows them)");
	EXPECT_FALSE(t, log_contains(mark, "KTAP version")); /* nothing ran */
}

TEST_CASE(monitor_cmds_test_a_command_without_arguments_refuses_one)
{
	expect_refused(t, "meminfo all", "meminfo: takes no arguments ('all' given)");
	expect_refused(t, "uptime -h now", "uptime: takes no arguments ('-h' given)");
	/* Still here: a refused poweroff does not power off. */
	expect_refused(t, "poweroff now", "poweroff: takes no arguments ('now' given)");
}

/* monitor_parse_uint(@arg) in 1..1000 must fail saying @complaint, leaving out alone. */
static void expect_bad_number(struct ktest *t, const char *arg, const char *complaint)
{
	unsigned long long out = 77;
	u64 mark = log_seq();

	EXPECT_EQ(t, monitor_parse_uint("cmd", "a count", arg, 1, 1000, &out), -EINVAL);
	EXPECT_EQ(t, out, 77);
	if (!log_contains(mark, complaint))
		ktest_fail(t, __FILE__, __LINE__, "'%s' should be refused with \"%s\"", arg,
			   complaint);
}

TEST_CASE(monitor_cmds_test_parse_uint_says_what_is_wrong_with_a_number)
{
	unsigned long long out = 0;

	EXPECT_EQ(t, monitor_parse_uint("cmd", "a count", "1000", 1, 1000, &out), 0);
	EXPECT_EQ(t, out, 1000);
	EXPECT_EQ(t, monitor_parse_uint("cmd", "a count", "0x1f", 1, 1000, &out), 0);
	EXPECT_EQ(t, out, 31);
	EXPECT_EQ(t, monitor_parse_uint("cmd", "a count", "010", 1, 1000, &out), 0);
	EXPECT_EQ(t, out, 10); /* decimal, not octal */
	expect_bad_number(t, "abc", "cmd: 'abc' is not a count (a number from 1 to 1000)\n");
	expect_bad_number(t, "", "cmd: '' is not a count (a number from 1 to 1000)\n");
	expect_bad_number(t, "-1", "cmd: '-1' is not a count (a number from 1 to 1000)\n");
	expect_bad_number(t, "0x", "cmd: '0x' is not a count (a number from 1 to 1000)\n");
	expect_bad_number(t, "8abc", "cmd: '8abc' is not a count: 'abc' follows the number\n");
	expect_bad_number(t, "0x1g", "cmd: '0x1g' is not a count: 'g' follows the number\n");
	expect_bad_number(t, "0", "cmd: '0' is out of range for a count (1 to 1000)\n");
	expect_bad_number(t, "1001", "cmd: '1001' is out of range for a count (1 to 1000)\n");
	expect_bad_number(t, "18446744073709551617",
			  "cmd: '18446744073709551617' is out of range for a count (1 to 1000)\n");
}

TEST_CASE(monitor_cmds_test_ping_refuses_bad_arguments_and_sends_nothing)
{
	unsigned long sent = icmp_mib.OutEchos;

	expect_refused(t, "ping 10.0.2.2 abc",
		       "ping: 'abc' is not a count (a number from 1 to 1000)");
	expect_refused(t, "ping 10.0.2.2 3x", "ping: '3x' is not a count: 'x' follows the number");
	expect_refused(t, "ping 10.0.2.2 0", "ping: '0' is out of range for a count (1 to 1000)");
	expect_refused(t, "ping 10.0.2", "ping: '10.0.2' is not an address (a.b.c.d)");
	expect_refused(t, "ping", "ping: too few arguments (0 given, at least 1 needed)");
	expect_refused(t, "ping 10.0.2.2 1 2", "ping: too many arguments from '2' on (at most 2)");
	EXPECT_EQ(t, icmp_mib.OutEchos, sent);
}

TEST_CASE(monitor_cmds_test_skbinfo_refuses_an_unknown_subcommand)
{
	unsigned long allocated = skb_stats.allocated;

	expect_refused(t, "skbinfo foo", "skbinfo: unknown subcommand 'foo' (only 'demo')");
	expect_refused(t, "skbinfo demo 2", "skbinfo: too many arguments from '2' on (at most 1)");
	EXPECT_EQ(t, skb_stats.allocated, allocated); /* no demo ran */
}

/* The column of @word in @row (a line of @len bytes), or -1. */
static int column_of(const char *row, int len, const char *word)
{
	int n = (int)strlen(word);

	for (int i = 0; i + n <= len; i++)
		if (!strncmp(row + i, word, n) &&
		    (i + n == len || row[i + n] == ' ' || row[i + n] == '='))
			return i;
	return -1;
}

/*
 * After skb_put(12), the picture is three rows: the pointer names, the bar,
 * the offsets.  Each name sits over a '|' of the bar, over its offset.
 */
TEST_CASE(monitor_cmds_test_skbinfo_demo_draws_each_pointer_over_its_offset)
{
	static const char *const ptr[4] = { "head", "data", "tail", "end" };
	static char buf[LOGGED_MAX];
	const char *step = "after skb_put(12) of \"hello, world\":\n", *row[3];
	int len[3], col[4], end;
	char want[32];
	u64 mark = log_seq();

	ASSERT_EQ(t, exec("skbinfo demo"), 0);
	logged_since(mark, buf);
	EXPECT_TRUE(t, strstr(buf, "  head=data=tail ") != NULL); /* alloc_skb: one spot */
	row[0] = strstr(buf, step);
	ASSERT_NOT_NULL(t, row[0]);
	row[0] += strlen(step);
	for (int i = 0; i < 3; i++) {
		const char *nl = strchr(row[i], '\n');

		ASSERT_NOT_NULL(t, nl);
		len[i] = (int)(nl - row[i]);
		if (i < 2)
			row[i + 1] = nl + 1;
	}
	for (int i = 0; i < 4; i++) {
		col[i] = column_of(row[0], len[0], ptr[i]);
		ASSERT_GE(t, col[i], 2);
		ASSERT_LT(t, col[i], len[1]);
		EXPECT_EQ(t, row[1][col[i]], '|');
		EXPECT_TRUE(t, i == 0 || col[i] > col[i - 1]);
	}
	EXPECT_EQ(t, strtol(row[2] + col[0], NULL, 10), 0);
	EXPECT_EQ(t, strtol(row[2] + col[1], NULL, 10), 42);
	EXPECT_EQ(t, strtol(row[2] + col[2], NULL, 10), 54);
	end = (int)strtol(row[2] + col[3], NULL, 10);
	EXPECT_GE(t, end, 128);
	EXPECT_TRUE(t, strstr(row[1], " headroom 42 ") && strstr(row[1], " len 12 "));
	snprintf(want, sizeof(want), " tailroom %d ", end - 54);
	EXPECT_TRUE(t, strstr(row[1], want) != NULL);
	EXPECT_TRUE(t, column_of(row[1], len[1], "skb_shared_info") > col[3]);
	EXPECT_TRUE(t, col[3] - col[2] > col[2] - col[1]); /* the tailroom wider than len 12 */
	snprintf(want, sizeof(want), "tailroom=%d truesize=", end - 54);
	EXPECT_TRUE(t, strstr(buf, want) != NULL); /* skb_dump's numbers */
}

TEST_CASE(monitor_cmds_test_ifconfig_shows_one_device_and_names_an_unknown_one)
{
	struct net_device *dev = net_test_nic(t);
	char line[MONITOR_LINE_MAX], want[96];
	__be32 addr = dev->ip4.ifa_local;
	u64 mark = log_seq();

	snprintf(line, sizeof(line), "ifconfig %s", dev->name);
	EXPECT_EQ(t, exec(line), 0);
	snprintf(want, sizeof(want), ": %s: <UP", dev->name);
	EXPECT_TRUE(t, log_contains(mark, want));
	EXPECT_TRUE(t, log_contains(mark, "inet 192.168.77.1/24"));
	EXPECT_FALSE(t, log_contains(mark, ": lo: ")); /* that one only */
	expect_refused(t, "ifconfig nosuch0", "ifconfig: no device 'nosuch0'");
	snprintf(line, sizeof(line), "ifconfig %s 10.1.2.3/33", dev->name);
	expect_refused(t, line,
		       "ifconfig: '10.1.2.3/33' is not an address (a.b.c.d/len, len 0-32)");
	snprintf(line, sizeof(line), "ifconfig %s 224.0.0.1/4", dev->name);
	expect_refused(t, line,
		       "ifconfig: 224.0.0.1/4 cannot be an interface address "
		       "(multicast, broadcast or 0.x.x.x)");
	snprintf(line, sizeof(line), "ifconfig %s 10.1.2.3/8 up", dev->name);
	expect_refused(t, line, "ifconfig: '10.1.2.3/8' is not a setting (mtu <n>)");
	snprintf(line, sizeof(line), "ifconfig %s mtu 1400 up", dev->name);
	expect_refused(t, line, "ifconfig: too many arguments from 'up' on (at most 3)");
	EXPECT_EQ(t, dev->ip4.ifa_local, addr); /* nothing was set */
	/* The MTU: 68 (RFC 791) to 1500 on Ethernet, to 65536 on lo. */
	snprintf(line, sizeof(line), "ifconfig %s mtu 67", dev->name);
	expect_refused(t, line, "ifconfig: '67' is out of range for an MTU (68 to 1500)");
	snprintf(line, sizeof(line), "ifconfig %s mtu 1501", dev->name);
	expect_refused(t, line, "ifconfig: '1501' is out of range for an MTU (68 to 1500)");
	snprintf(line, sizeof(line), "ifconfig %s mtu 9k", dev->name);
	expect_refused(t, line, "ifconfig: '9k' is not an MTU: 'k' follows the number");
	expect_refused(t, "ifconfig lo mtu 65537",
		       "ifconfig: '65537' is out of range for an MTU (68 to 65536)");
	EXPECT_EQ(t, dev->mtu, 1500);
	mark = log_seq();
	snprintf(line, sizeof(line), "ifconfig %s mtu 1400", dev->name);
	EXPECT_EQ(t, exec(line), 0);
	EXPECT_EQ(t, dev->mtu, 1400);
	snprintf(want, sizeof(want), ": %s: <UP", dev->name);
	EXPECT_TRUE(t, log_contains(mark, want)); /* the device as it is now */
	EXPECT_TRUE(t, log_contains(mark, "> mtu 1400\n"));
	net_test_nic_destroy(dev);
}

TEST_CASE(monitor_cmds_test_ethtool_refuses_unknown_options_and_devices)
{
	expect_refused(t, "ethtool -x", "ethtool: unknown option '-x' (only -S)");
	expect_refused(t, "ethtool -S nosuch0", "ethtool: no virtio-net device 'nosuch0'");
	expect_refused(t, "ethtool -S eth0 eth1", "ethtool: too many arguments from 'eth1' on");
}

#define CMD_DISK    "rdcmd"
#define CMD_SECTORS 2048
#define CMD_BYTES   (16 * 512) /* the sectors the cases fill and check */

/* The test's own disk, its first CMD_BYTES filled with a pattern, also kept in @copy. */
static struct ramdisk *cmd_disk(struct ktest *t, u8 *copy)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ .name = CMD_DISK,
									.sectors = CMD_SECTORS });

	blk_test_fill(copy, CMD_BYTES, 9);
	ASSERT_EQ(t, ramdisk_poke(rd, 0, copy, CMD_BYTES), 0);
	return rd;
}

/* Does @rd hold @copy, but for sector @sector (-1: none)? */
static bool disk_holds_but(struct ramdisk *rd, const u8 *copy, u8 *now, int sector)
{
	if (ramdisk_peek(rd, 0, now, CMD_BYTES))
		return false;
	for (int s = 0; s < CMD_BYTES / 512; s++)
		if (s != sector && memcmp(now + s * 512, copy + s * 512, 512))
			return false;
	return true;
}

TEST_CASE(monitor_cmds_test_blk_blames_the_bad_word_and_writes_nothing)
{
	u8 *copy = kmalloc(2 * CMD_BYTES, GFP_KERNEL);
	struct ramdisk *rd;
	unsigned long writes;

	ASSERT_NOT_NULL(t, copy);
	rd = cmd_disk(t, copy);
	writes = rd->disk->stats.ios[WRITE];
	expect_refused(t, "blk read " CMD_DISK " 8abc",
		       "blk: '8abc' is not a sector of " CMD_DISK ": 'abc' follows the number");
	expect_refused(t, "blk read " CMD_DISK " 2048",
		       "blk: '2048' is out of range for a sector of " CMD_DISK " (0 to 2047)");
	expect_refused(t, "blk write " CMD_DISK " x 0xbe",
		       "blk: 'x' is not a sector of " CMD_DISK " (a number from 0 to 2047)");
	expect_refused(t, "blk write " CMD_DISK " 9 0x1be",
		       "blk: '0x1be' is out of range for a byte pattern (0 to 255)");
	expect_refused(t, "blk write " CMD_DISK " 9 0xzz",
		       "blk: '0xzz' is not a byte pattern (a number from 0 to 255)");
	expect_refused(t, "blk write nodisk9 9 0xbe", "blk: no disk 'nodisk9' ('blk' lists them)");
	expect_refused(t, "blk check nodisk9", "blk: no disk 'nodisk9' ('blk' lists them)");
	expect_refused(t, "blk write " CMD_DISK " 9",
		       "blk: write is missing an argument (write <disk> <sector> <pattern>)");
	expect_refused(t, "blk read " CMD_DISK " 9 9",
		       "blk: too many arguments for read from '9' on (read <disk> <sector>)");
	expect_refused(t, "blk erase " CMD_DISK,
		       "blk: unknown subcommand 'erase' (read, write, check or chain)");
	EXPECT_EQ(t, rd->disk->stats.ios[WRITE], writes);
	EXPECT_TRUE(t, disk_holds_but(rd, copy, copy + CMD_BYTES, -1));
	ramdisk_destroy(rd);
	kfree(copy);
}

TEST_CASE(monitor_cmds_test_blk_write_text_is_written_once_and_zero_padded)
{
	u8 *copy = kmalloc(2 * CMD_BYTES, GFP_KERNEL), *now;
	struct ramdisk *rd;
	u64 mark;
	bool zeros = true;

	ASSERT_NOT_NULL(t, copy);
	now = copy + CMD_BYTES;
	rd = cmd_disk(t, copy);
	mark = log_seq();
	EXPECT_EQ(t, exec("blk write " CMD_DISK " 9 be"), 0);
	EXPECT_TRUE(t, log_contains(mark, "wrote text \"be\" (2 bytes, zero-padded) to " CMD_DISK
					  " sector 9\n"));
	EXPECT_TRUE(t, disk_holds_but(rd, copy, now, 9));
	EXPECT_EQ(t, now[9 * 512], 'b');
	EXPECT_EQ(t, now[9 * 512 + 1], 'e');
	for (int i = 2; i < 512; i++)
		zeros &= now[9 * 512 + i] == 0;
	EXPECT_TRUE(t, zeros);
	mark = log_seq();
	EXPECT_EQ(t, exec("blk read " CMD_DISK " 9"), 0); /* what was typed, then zeros */
	EXPECT_TRUE(t, log_contains(mark, "0000: 62 65 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
					  "  be.............."));
	ramdisk_destroy(rd);
	kfree(copy);
}

TEST_CASE(monitor_cmds_test_blk_write_0xNN_fills_the_sector_with_that_byte)
{
	u8 *copy = kmalloc(2 * CMD_BYTES, GFP_KERNEL), *now;
	struct ramdisk *rd;
	bool filled = true;
	u64 mark;

	ASSERT_NOT_NULL(t, copy);
	now = copy + CMD_BYTES;
	rd = cmd_disk(t, copy);
	mark = log_seq();
	EXPECT_EQ(t, exec("blk write " CMD_DISK " 9 0xbe"), 0);
	EXPECT_TRUE(t, log_contains(mark,
				    "wrote byte 0xbe (all 512 bytes) to " CMD_DISK " sector 9\n"));
	EXPECT_TRUE(t, disk_holds_but(rd, copy, now, 9));
	for (int i = 0; i < 512; i++)
		filled &= now[9 * 512 + i] == 0xbe;
	EXPECT_TRUE(t, filled);
	ramdisk_destroy(rd);
	kfree(copy);
}

/* Setting an address answers with the device as `ifconfig <dev>` shows it: the new address. */
TEST_CASE(monitor_cmds_test_ifconfig_setting_an_address_shows_the_device_with_it)
{
	struct net_device *dev = net_test_nic(t);
	static char out[LOGGED_MAX];
	char line[MONITOR_LINE_MAX], want[64];
	u64 mark = log_seq();

	snprintf(line, sizeof(line), "ifconfig %s 192.168.79.7/26", dev->name);
	EXPECT_EQ(t, exec(line), 0);
	EXPECT_EQ(t, dev->ip4.ifa_local, htonl(0xc0a84f07));
	logged_since(mark, out);
	snprintf(want, sizeof(want), "%d: %s: <UP", dev->ifindex, dev->name);
	EXPECT_NOT_NULL(t, strstr(out, want));
	EXPECT_NOT_NULL(t, strstr(out, "    inet 192.168.79.7/26 brd 192.168.79.63\n"));
	EXPECT_NOT_NULL(t, strstr(out, "    RX:  bytes packets"));
	EXPECT_NULL(t, strstr(out, ": lo: ")); /* that device only */
	EXPECT_NULL(t, strstr(out, "usage"));
	net_test_nic_destroy(dev);
}

static const struct ktest_case monitor_cmds_cases[] = {
	KTEST(monitor_cmds_test_every_usage_line_starts_with_the_command_name),
	KTEST(monitor_cmds_test_help_shows_every_usage_line_and_one_command_on_request),
	KTEST(monitor_cmds_test_test_refuses_a_filter_that_selects_nothing),
	KTEST(monitor_cmds_test_a_command_without_arguments_refuses_one),
	KTEST(monitor_cmds_test_parse_uint_says_what_is_wrong_with_a_number),
	KTEST(monitor_cmds_test_ping_refuses_bad_arguments_and_sends_nothing),
	KTEST(monitor_cmds_test_skbinfo_refuses_an_unknown_subcommand),
	KTEST(monitor_cmds_test_skbinfo_demo_draws_each_pointer_over_its_offset),
	KTEST(monitor_cmds_test_ifconfig_shows_one_device_and_names_an_unknown_one),
	KTEST(monitor_cmds_test_ifconfig_setting_an_address_shows_the_device_with_it),
	KTEST(monitor_cmds_test_ethtool_refuses_unknown_options_and_devices),
	KTEST(monitor_cmds_test_blk_blames_the_bad_word_and_writes_nothing),
	KTEST(monitor_cmds_test_blk_write_text_is_written_once_and_zero_padded),
	KTEST(monitor_cmds_test_blk_write_0xNN_fills_the_sector_with_that_byte),
	{}
};
TEST_SUITE(monitor_cmds, monitor_cmds_cases);
