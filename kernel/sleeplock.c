// Sleep locks: an owner pid and a wait queue of processes that want it.
// Built on spinlocks and kernel/proc/waitq.c; owners are named by pid.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "proc.h"
#include "printf.h"

// Never fails. The inner locks share the name, so a panic on them still
// says which sleep lock was involved.
void
initsleeplock(struct sleeplock *lk, const char *name)
{
    initlock(&lk->lk, name);
    waitq_init(&lk->waiters, name);
    lk->name = name;
    lk->locked = 0;
    lk->pid = 0;
}

// Returns with lk held by the calling process. Process context only, with
// no spinlock held. Not interruptible: holders never wait for long.
void
acquiresleep(struct sleeplock *lk)
{
    acquire(&lk->lk);
    // Every waiter is woken on release and one wins; the rest block again.
    while (lk->locked)
        waitq_sleep(&lk->waiters, &lk->lk);
    lk->locked = 1;
    lk->pid = myproc()->pid;
    release(&lk->lk);
}

// Frees lk and wakes its waiters. Panics if lk is not held.
void
releasesleep(struct sleeplock *lk)
{
    acquire(&lk->lk);
    if (!lk->locked)
        panic("releasesleep: %s not held", lk->name);
    lk->locked = 0;
    lk->pid = 0;
    waitq_wake_all(&lk->waiters);
    release(&lk->lk);
}

// Nonzero if the calling process holds lk.
int
holdingsleep(struct sleeplock *lk)
{
    acquire(&lk->lk);
    int mine = lk->locked && lk->pid == myproc()->pid;
    release(&lk->lk);
    return mine;
}
