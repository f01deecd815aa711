/*
 * SPDX-License-Identifier: MIT
 * tests/host/shim/arch/percpu.h - the host's "architecture" for
 * <kernel/percpu.h>: one CPU, whose copy of a per-CPU variable is the
 * variable itself (its offset is 0), so the operations are plain accesses.
 */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

/* One CPU, the variable itself: a plain pointer. */
#define __pcpu_seg

#define __pcpu_op_read(var)	   (var)
#define __pcpu_op_read_stable(var) (var)
#define __pcpu_op_write(var, val)  ((void)((var) = (val)))
#define __pcpu_op_add(var, val)	   ((void)((var) += (val)))

#endif
