// Keeping instruction fetches in step with the kernel's stores. On RISC-V
// a hart's instruction fetches need not see stores (its own or others')
// until it runs fence.i; the U74 cores of both boards do cache
// instructions apart from data. QEMU's TCG is always coherent, so only
// the boards would show a miss: a stale instruction run from a recycled
// page.
#ifndef LAZYOS_ICACHE_H
#define LAZYOS_ICACHE_H

// After the kernel has written a page that user code will run (exec's
// text, an executable mapping's fill, a copy of an executable page):
// this hart runs fence.i now, every other one before it next enters user
// mode (a return that skips usertrapret, as uservec's fast road does, is
// covered by the "now").
void icache_code_written(void);
// On the way to user mode, interrupts off: fence.i on this hart if code
// was written since it last did. Costs a load and a compare otherwise.
void icache_sync_hart(void);

#endif
