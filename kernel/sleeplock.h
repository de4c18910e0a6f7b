// Sleep locks: long-held locks (disk buffers, inodes) that yield the hart while waiting.
#ifndef LAZYOS_SLEEPLOCK_H
#define LAZYOS_SLEEPLOCK_H

#include "spinlock.h"

struct sleeplock {
    uint locked;
    struct spinlock lk; // protects this structure
    const char *name;
    int pid;            // holder
};

void initsleeplock(struct sleeplock *lk, const char *name);
// Sleeps until lk is free; must be called from a process context.
void acquiresleep(struct sleeplock *lk);
void releasesleep(struct sleeplock *lk);
int holdingsleep(struct sleeplock *lk);

#endif
