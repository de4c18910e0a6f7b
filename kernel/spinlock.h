// Spinlocks: mutual exclusion between harts, with interrupts off while
// held. The lock word names its holder, so holding() is one load.
#ifndef LAZYOS_SPINLOCK_H
#define LAZYOS_SPINLOCK_H

#include "types.h"

struct spinlock {
    uint locked;      // 0 free, else the holder's cpus[] index + 1
    const char *name; // for panics
};

void initlock(struct spinlock *lk, const char *name);
// Spin until lk is ours; disables interrupts on this hart until release().
// Panics on re-acquire by the same hart (a kernel bug, never user input).
void acquire(struct spinlock *lk);
void release(struct spinlock *lk);
// Nonzero if this hart holds lk. Call with interrupts off.
int holding(struct spinlock *lk);
// Nestable interrupt disable: pop_off() restores the state of the outermost push_off().
void push_off(void);
void pop_off(void);

#endif
