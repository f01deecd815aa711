/*
 * SPDX-License-Identifier: MIT
 * kernel/completion.h - "wait until that is done", Linux's completions.
 *
 * A completion counts how many complete() calls nobody has waited for yet.
 * wait_for_completion() takes one (sleeping until there is one);
 * complete_all() makes every present and future wait return at once, until
 * reinit_completion().  complete() may be called from interrupt context.
 */
#ifndef KERNEL_COMPLETION_H
#define KERNEL_COMPLETION_H

#include <kernel/wait.h>

#define COMPLETION_ALL (~0U >> 1)

struct completion {
	unsigned int done;
	struct wait_queue_head wait;
};

#define DECLARE_COMPLETION(n) struct completion n = { 0, __WAIT_QUEUE_HEAD_INITIALIZER(n.wait) }

void init_completion(struct completion *c);
void reinit_completion(struct completion *c);
void complete(struct completion *c);
void complete_all(struct completion *c);
/* Context: may sleep. */
void wait_for_completion(struct completion *c);
/* Returns 0 on timeout, else jiffies left (at least 1).  Context: may sleep. */
unsigned long wait_for_completion_timeout(struct completion *c, unsigned long timeout);
/* Take one without sleeping; false if none.  Context: any. */
bool try_wait_for_completion(struct completion *c);
/* true if a wait would not sleep. */
bool completion_done(struct completion *c);

#endif
