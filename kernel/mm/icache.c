// Instruction-cache coherence by generation: a global count of code
// writes, and per hart the count it last synchronised at. A hart whose
// count is behind runs fence.i before it returns to user mode. A process
// runs on one hart at a time and always enters user mode through
// usertrapret after a switch, so that hart's check covers every write
// made before, on any hart.
#include "types.h"
#include "riscv.h"
#include "param.h"
#include "icache.h"

static uint64 code_writes;          // bumped after each code write
static uint64 synced_at[NCPU];      // code_writes as of a hart's fence.i

void
icache_code_written(void)
{
    // Release: the code's bytes are in memory before a hart can see the
    // new count (and then fence.i makes its fetches see them too);
    // acquire: so are the bytes of every write counted before ours.
    uint64 on = intr_save(); // synced_at must be this hart's
    uint64 now = __atomic_add_fetch(&code_writes, 1, __ATOMIC_ACQ_REL);
    fence_i();
    synced_at[r_tp()] = now;
    intr_restore(on);
}

void
icache_sync_hart(void)
{
    uint64 now = __atomic_load_n(&code_writes, __ATOMIC_ACQUIRE);
    uint64 *mine = &synced_at[r_tp()];
    if (*mine != now) {
        fence_i();
        *mine = now;
    }
}
