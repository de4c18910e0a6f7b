// Keeping instruction fetches in step with the kernel's stores. On RISC-V
// a hart's instruction fetches need not see stores (its own or others')
// until it runs fence.i; the U74 cores of both boards do cache
// instructions apart from data. QEMU's TCG is always coherent, so only
// the boards would show a miss: a stale instruction run from a recycled
// page.
#ifndef LAZYOS_ICACHE_H
#define LAZYOS_ICACHE_H

#include "types.h"
#include "param.h"
#include "riscv.h"

// After the kernel has written a page that user code will run (exec's
// text, an executable mapping's fill, a copy of an executable page):
// this hart runs fence.i now, every other one before it next enters user
// mode (a return that skips usertrapret, as uservec's fast road does, is
// covered by the "now").
void icache_code_written(void);

// What icache_sync_hart compares (icache.c); nothing else touches them.
extern uint64 icache_code_writes;     // bumped after each code write
extern uint64 icache_synced_at[NCPU]; // code_writes as of a hart's fence.i
void icache_sync_slow(uint64 now);

// On the way to user mode, interrupts off: fence.i on this hart if code
// was written since it last did. Inline, as every return to user mode
// asks: two loads and a compare when nothing was written.
static inline void
icache_sync_hart(void)
{
    uint64 now = __atomic_load_n(&icache_code_writes, __ATOMIC_ACQUIRE);
    if (icache_synced_at[r_tp()] != now)
        icache_sync_slow(now);
}

#endif
