// Wait queues: a lock and a FIFO of blocked processes (docs/processes.md).
// Whoever waits for an object keeps a queue in it and wakes that queue.
#ifndef LAZYOS_WAITQ_H
#define LAZYOS_WAITQ_H

#include "spinlock.h"

struct proc;

struct waitq {
    struct spinlock lock;
    struct proc *head; // oldest sleeper
    struct proc *tail;
};

// Never fails.
void waitq_init(struct waitq *q, const char *name);
// The queues sleep(chan) hashes into; boot hart, once (proc_init).
void waitq_init_chans(void);
// Blocks the caller on q. lk (the lock of the condition the caller
// checked) is held on entry, released while blocked and held again on
// return. Wakes may be spurious: callers loop on their condition.
void waitq_sleep(struct waitq *q, struct spinlock *lk);
// Makes every process blocked on q runnable. Any context, any locks but
// a p->lock of a sleeper.
void waitq_wake_all(struct waitq *q);
// Takes a BLOCKED p off its queue and makes it runnable (kill); p->lock held.
void waitq_cancel(struct proc *p);

#endif
