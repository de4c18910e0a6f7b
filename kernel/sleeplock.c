// Sleep locks: held across disk I/O, so a waiter sleeps instead of spinning.
// Built on spinlocks and sleep/wakeup; owners are named by pid.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "proc.h"
#include "printf.h"

// Never fails. The inner spinlock shares the name, so a panic on it still
// says which sleep lock was involved.
void
initsleeplock(struct sleeplock *lk, const char *name)
{
    initlock(&lk->lk, name);
    lk->name = name;
    lk->locked = 0;
    lk->pid = 0;
}

// Returns with lk held by the calling process. Process context only: it may
// sleep, so no spinlock may be held by the caller.
void
acquiresleep(struct sleeplock *lk)
{
    acquire(&lk->lk);
    // Loop: another waiter may take the lock between wakeup() and our turn.
    while (lk->locked)
        sleep(lk, &lk->lk);
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
    wakeup(lk);
    release(&lk->lk);
}

// Nonzero if the calling process holds lk.
int
holdingsleep(struct sleeplock *lk)
{
    int mine;

    acquire(&lk->lk);
    mine = lk->locked && lk->pid == myproc()->pid;
    release(&lk->lk);
    return mine;
}
