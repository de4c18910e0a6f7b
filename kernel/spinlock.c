// Spinlocks whose word holds the owner, and the per-hart interrupt-off
// nesting they rely on. Knows struct cpu (noff, intena) and sstatus.SIE
// via riscv.h, nothing else.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "printf.h"

// Never fails. A zeroed spinlock is a valid free one too.
void
initlock(struct spinlock *lk, const char *name)
{
    lk->name = name;
    lk->locked = 0;
}

// Returns with lk held and interrupts off on this hart. Panics if this hart
// already holds lk (it would wait for itself forever).
//
// Not a ticket lock, on purpose: QEMU runs each hart as a host thread, and
// on a busy host the hart whose ticket is next may not be running at all,
// which stalls every other waiter. Whoever runs when the lock frees gets it.
void
acquire(struct spinlock *lk)
{
    // Interrupts first: a handler on this hart wanting lk while we hold it
    // would spin forever.
    push_off();
    uint me = cpuid() + 1;
    if (__atomic_load_n(&lk->locked, __ATOMIC_RELAXED) == me)
        panic("acquire: %s already held", lk->name);
    for (;;) {
        uint expect = 0;
        // One compare-and-swap (lr/sc) claims it and names us the holder.
        if (__atomic_compare_exchange_n(&lk->locked, &expect, me, 0,
                                        __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return;
        // Wait with loads only, so the line stays shared among waiters.
        while (__atomic_load_n(&lk->locked, __ATOMIC_RELAXED) != 0)
            ;
    }
}

// Frees lk and restores the interrupt state acquire() saved. Panics if
// this hart does not hold lk.
void
release(struct spinlock *lk)
{
    if (!holding(lk))
        panic("release: %s not held", lk->name);
    // Release order: everything written inside is visible before the word
    // reads free.
    __atomic_store_n(&lk->locked, 0, __ATOMIC_RELEASE);
    pop_off();
}

// Interrupts must be off, or the answer could be stale by the time it is
// used (the caller might move to another hart).
int
holding(struct spinlock *lk)
{
    return __atomic_load_n(&lk->locked, __ATOMIC_RELAXED) == (uint)cpuid() + 1;
}

// Disables interrupts; nests. Never fails.
void
push_off(void)
{
    int was_on = intr_get();
    // mycpu() is only stable once interrupts are off.
    intr_off();
    struct cpu *c = mycpu();
    if (c->noff++ == 0)
        c->intena = was_on;
}

// Undoes one push_off(); the outermost one turns interrupts back on if they
// were on before it. Panics if they are on now (someone enabled them inside
// a critical section) or on more pops than pushes.
void
pop_off(void)
{
    if (intr_get())
        panic("pop_off: interrupts on");
    struct cpu *c = mycpu();
    if (c->noff < 1)
        panic("pop_off: not pushed");
    if (--c->noff == 0 && c->intena)
        intr_on();
}
