// Spinlocks and the per-hart interrupt-disable nesting they rely on.
// Knows struct cpu (noff, intena) and sstatus.SIE via riscv.h, nothing else.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "printf.h"

// Never fails.
void
initlock(struct spinlock *lk, const char *name)
{
    lk->name = name;
    lk->locked = 0;
    lk->cpu = 0;
}

// Returns with lk held and interrupts off on this hart. Panics if this hart
// already holds lk (it would spin forever).
void
acquire(struct spinlock *lk)
{
    // Interrupts go off first: an interrupt handler on this hart that wanted
    // lk while we hold it would deadlock.
    push_off();
    if (holding(lk))
        panic("acquire: %s already held", lk->name);

    // amoswap.w.aq; while it fails, spin on plain loads so waiting harts
    // keep the line shared instead of bouncing it with stores.
    while (__sync_lock_test_and_set(&lk->locked, 1) != 0) {
        while (*(volatile uint *)&lk->locked)
            ;
    }
    // Full fence: no access of the critical section moves above the swap.
    __sync_synchronize();
    lk->cpu = mycpu();
}

// Drops lk and restores the interrupt state saved by acquire(). Panics if
// this hart does not hold lk.
void
release(struct spinlock *lk)
{
    if (!holding(lk))
        panic("release: %s not held", lk->name);
    lk->cpu = 0;
    // Everything written under the lock is visible before the lock is free.
    __sync_synchronize();
    __sync_lock_release(&lk->locked);
    pop_off();
}

// Interrupts must be off, or the answer could be stale by the time it is
// used (the caller might move to another hart).
int
holding(struct spinlock *lk)
{
    return lk->locked && lk->cpu == mycpu();
}

// Disables interrupts; nests. Never fails.
void
push_off(void)
{
    int was_on = intr_get();
    struct cpu *c;

    // mycpu() is only stable once interrupts are off.
    intr_off();
    c = mycpu();
    if (c->noff == 0)
        c->intena = was_on;
    c->noff++;
}

// Undoes one push_off(); the outermost one re-enables interrupts if they
// were on before it. Panics if interrupts are on (someone enabled them
// inside a critical section) or on more pops than pushes.
void
pop_off(void)
{
    struct cpu *c;

    if (intr_get())
        panic("pop_off: interrupts on");
    c = mycpu();
    if (c->noff < 1)
        panic("pop_off: not pushed");
    c->noff--;
    if (c->noff == 0 && c->intena)
        intr_on();
}
