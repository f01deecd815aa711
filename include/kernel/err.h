/*
 * SPDX-License-Identifier: MIT
 * kernel/err.h - returning an error code through a pointer, as Linux does.
 *
 * The top 4095 addresses are never valid objects, so a function returning a
 * pointer can return ERR_PTR(-ENOMEM) instead; the caller tests IS_ERR(p)
 * and recovers the code with PTR_ERR(p).
 */
#ifndef KERNEL_ERR_H
#define KERNEL_ERR_H

#include <errno.h>
#include <kernel/compiler.h>
#include <kernel/types.h>

#define MAX_ERRNO 4095

static inline void *ERR_PTR(long error)
{
	return (void *)error;
}

static inline long PTR_ERR(const void *ptr)
{
	return (long)ptr;
}

static inline bool IS_ERR(const void *ptr)
{
	return unlikely((unsigned long)ptr >= (unsigned long)-MAX_ERRNO);
}

static inline bool IS_ERR_OR_NULL(const void *ptr)
{
	return !ptr || IS_ERR(ptr);
}

#endif
