/*
 * SPDX-License-Identifier: MIT
 * kernel/libc.c - the glue newlib needs from its "operating system".
 *
 * newlib is built with --disable-newlib-supplied-syscalls, so it calls these
 * functions for I/O and memory.  Kernel code uses newlib for strings and
 * formatting (memcpy, strcmp, snprintf, strtol, qsort); kernel memory comes
 * from the kernel's allocators, not from malloc.  malloc still works (the
 * benchmarks compare against it), on a fixed region handed out by sbrk.
 *
 * Everything without a meaning in a kernel fails with ENOSYS, as the C
 * library expects: return -1 and set errno.
 */
#include <kernel/panic.h>
#include <kernel/power.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/time.h>
#include <errno.h>
#include <string.h>
#include <reent.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>

/*
 * newlib has two errnos: the global `errno` its _r wrappers copy from, and
 * the one in the reentrancy struct that <errno.h>'s errno (*__errno()) reads.
 * Kernel code calls these functions directly, so set both.
 */
extern int newlib_global_errno __asm__("errno");

static int fail(int err)
{
	newlib_global_errno = err;
	errno = err;
	return -1;
}

#define SBRK_REGION_SIZE (2 * 1024 * 1024)

/*
 * The heap newlib's malloc grows into: bounded, so a runaway malloc fails instead of trampling.
 * In .noinit (linker.ld), not .bss: the boot loader does not write its 2 MiB, and the pages
 * malloc never asks for are never touched.  So sbrk zeroes what it hands out, as a fresh
 * .bss would be: newlib's malloc takes new sbrk memory as zeroed (calloc skips clearing it).
 */
static char sbrk_region[SBRK_REGION_SIZE] __aligned(4096) __section(".noinit");
static size_t sbrk_used;

void *sbrk(ptrdiff_t incr)
{
	void *old = sbrk_region + sbrk_used;

	if (incr < 0 ? (size_t)-incr > sbrk_used : (size_t)incr > SBRK_REGION_SIZE - sbrk_used) {
		fail(ENOMEM);
		return (void *)-1;
	}
	if (incr > 0)
		memset(old, 0, incr);
	sbrk_used += incr;
	return old;
}

int write(int fd, const void *buf, size_t len)
{
	if (fd != 1 && fd != 2)
		return fail(EBADF);
	console_write(buf, len);
	return (int)len;
}

int read(int fd, void *buf, size_t len)
{
	return fail(ENOSYS);
}

int open(const char *name, int flags, ...)
{
	return fail(ENOSYS);
}

int close(int fd)
{
	return fail(ENOSYS);
}

int fstat(int fd, struct stat *st)
{
	if (fd >= 0 && fd <= 2) { /* the console: a character device, so stdio line-buffers */
		st->st_mode = S_IFCHR;
		return 0;
	}
	return fail(EBADF);
}

int isatty(int fd)
{
	return fd >= 0 && fd <= 2;
}

int lseek(int fd, int off, int whence)
{
	return fail(ESPIPE);
}

int getpid(void)
{
	return 1;
}

int kill(int pid, int sig)
{
	return fail(ENOSYS);
}

int gettimeofday(struct timeval *tv, void *tz)
{
	u64 ns = ktime_get_ns();

	tv->tv_sec = ns / NSEC_PER_SEC;
	tv->tv_usec = (ns % NSEC_PER_SEC) / NSEC_PER_USEC;
	return 0;
}

clock_t times(struct tms *t)
{
	return fail(ENOSYS);
}

void _exit(int status)
{
	qemu_exit(status ? EXIT_FAILED : EXIT_OK);
}

/* newlib's malloc is not reentrant: no thread switch inside it. */
void __malloc_lock(struct _reent *r)
{
	preempt_disable();
}

void __malloc_unlock(struct _reent *r)
{
	preempt_enable();
}
