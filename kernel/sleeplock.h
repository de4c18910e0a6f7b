// Sleep locks: long-held locks (disk buffers, inodes) whose waiters block
// on a wait queue instead of spinning.
#ifndef LAZYOS_SLEEPLOCK_H
#define LAZYOS_SLEEPLOCK_H

#include "spinlock.h"
#include "waitq.h"

struct sleeplock {
    uint locked;
    struct spinlock lk;  // protects this structure
    struct waitq waiters;
    const char *name;
    int pid;             // holder
};

void initsleeplock(struct sleeplock *lk, const char *name);
// Blocks until lk is free; must be called from a process context.
void acquiresleep(struct sleeplock *lk);
void releasesleep(struct sleeplock *lk);
int holdingsleep(struct sleeplock *lk);

#endif
