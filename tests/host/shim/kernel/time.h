/* Host shim: a clock the test can move (sleeping allocations time out instantly). */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <kernel/types.h>

#define HZ		1000
#define NSEC_PER_SEC	1000000000ULL
#define NSEC_PER_MSEC	1000000ULL
#define NSEC_PER_USEC	1000ULL

extern volatile unsigned long jiffies;
u64 ktime_get_ns(void);
static inline unsigned long msecs_to_jiffies(unsigned long ms) { return ms; }

#endif
