/*
 * SPDX-License-Identifier: MIT
 * Host shim: printk to stderr, levels stripped; log_contains searches what was printed.
 */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <stdarg.h>
#include <kernel/compiler.h>
#include <kernel/types.h>

#include <kernel/kern_levels.h>

__printf(1, 2) int printk(const char *fmt, ...);
#define pr_emerg(fmt, ...)  printk(KERN_EMERG fmt, ##__VA_ARGS__)
#define pr_crit(fmt, ...)   printk(KERN_CRIT fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...)    printk(KERN_ERR fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)   printk(KERN_WARNING fmt, ##__VA_ARGS__)
#define pr_notice(fmt, ...) printk(KERN_NOTICE fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)   printk(KERN_INFO fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)  printk(KERN_DEBUG fmt, ##__VA_ARGS__)
#define pr_cont(fmt, ...)   printk(KERN_CONT fmt, ##__VA_ARGS__)

u64 log_seq(void);
bool log_contains(u64 since, const char *text);

struct ratelimit_state {
	u64 begin_ns;
	int printed;
	int missed;
};
static inline bool __ratelimit(struct ratelimit_state *rs, unsigned int ms, int burst)
{
	return true;
}

#endif
