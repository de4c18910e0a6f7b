// Starts the other harts: through SBI HSM, or by adopting a hart parked at
// the entry (boot/entry.S), and gives up on one that does not arrive in
// time. Owns the arrival gates; knows nothing of devices.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "proc.h"
#include "sbi.h"
#include "printf.h"
#include "harts.h"

// A hart that has not arrived after HART_WAIT_MS is reported and skipped;
// after HART_NOTE_MS the console says it is still waiting. Firmware starts
// a hart in microseconds: the margin is for a busy emulator host.
#define HART_WAIT_MS 3000
#define HART_NOTE_MS 1000
// Reads of the time CSR in a row that may return one value before the
// clock counts as stopped (at >= 1 MHz it moves within a few reads).
#define CLOCK_STUCK_READS (1u << 20)

extern void secondary_entry(void);

uint64 hart_gates[NCPU];
static char arrived_by[NCPU]; // 'h' SBI HSM, 'p' adopted from parking

// A deadline on the time CSR, which also ends if that clock stops moving,
// so a broken timer cannot make a bounded wait endless.
struct bound {
    uint64 start, last, hz;
    uint32 same;
};

static void
bound_start(struct bound *b, uint64 timebase_hz)
{
    b->hz = timebase_hz ? timebase_hz : 10000000; // as timer.c assumes
    b->start = b->last = r_time();
    b->same = 0;
}

// Milliseconds since bound_start; ~0 once the clock is seen stopped.
static uint64
bound_ms(struct bound *b)
{
    uint64 now = r_time();
    if (now != b->last) {
        b->last = now;
        b->same = 0;
    } else if (++b->same >= CLOCK_STUCK_READS) {
        return ~0ull;
    }
    return (now - b->start) / (b->hz / 1000 ? b->hz / 1000 : 1);
}

// The parking slot where hartid waits, or -1.
static int
park_find(uint32 hartid)
{
    uint32 n = __atomic_load_n(&park_next, __ATOMIC_ACQUIRE);
    for (uint32 i = 0; i < n && i < PARK_SLOTS; i++) {
        struct park_slot *s = &park_slots[i];
        // WAITING is stored after the hart id (entry.S fences between).
        if (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) == PARK_WAITING &&
            s->hartid == hartid)
            return (int)i;
    }
    return -1;
}

// Only the boot hart writes a WAITING slot; the hart reads arg after state.
static void
park_post(int slot, uint64 state, uint64 arg)
{
    park_slots[slot].arg = arg;
    __atomic_store_n(&park_slots[slot].state, state, __ATOMIC_RELEASE);
}

// Sends every hart still parked back to the firmware. A hart parking this
// very moment sees park_closed instead (entry.S): both sides fence.
static void
park_close(void)
{
    __atomic_store_n(&park_closed, 1, __ATOMIC_SEQ_CST);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    uint32 n = __atomic_load_n(&park_next, __ATOMIC_SEQ_CST);
    for (uint32 i = 0; i < n && i < PARK_SLOTS; i++)
        if (__atomic_load_n(&park_slots[i].state, __ATOMIC_ACQUIRE) ==
            PARK_WAITING)
            park_post((int)i, PARK_STOP, 0);
}

// Asks hartid to come to secondary_entry as cpu idx. Returns 0, or the SBI
// error of hart_start when the hart can be neither started nor adopted.
static long
send_hart(uint32 hartid, int idx, struct bound *b)
{
    int slot = park_find(hartid);
    if (slot < 0) {
        struct sbiret r =
            sbi_hart_start(hartid, (uint64)secondary_entry, (uint64)idx);
        if (r.error == 0) {
            arrived_by[idx] = 'h';
            return 0;
        }
        // Running already (the firmware sent it to our entry too), or no
        // HSM at all: it is parked, or on its way to park.
        if (r.error != SBI_ERR_ALREADY_AVAILABLE &&
            r.error != SBI_ERR_NOT_SUPPORTED)
            return r.error;
        while ((slot = park_find(hartid)) < 0 && bound_ms(b) < HART_WAIT_MS)
            ;
        if (slot < 0)
            return r.error;
    }
    arrived_by[idx] = 'p';
    park_post(slot, PARK_GO, (uint64)idx);
    return 0;
}

// Shuts gate idx unless its hart came through. Returns 1 if it came.
static int
gate_close(int idx, uint32 hartid)
{
    uint64 open = (uint64)hartid + 1;
    // The exchange decides a hart arriving this very moment: it either
    // got in, or finds the gate shut and goes back to the firmware.
    return !__atomic_compare_exchange_n(&hart_gates[idx], &open, 0, 0,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

// Waits, bounded, for hartid to pass gate idx. Returns 1 if it did.
// Firmware may send a hart it was asked to start to the cold-boot entry
// instead (OpenSBI 1.1 publishes "start pending" before the start address,
// so a hart can leave with the address it had at boot): it parks there,
// and is adopted.
static int
wait_arrival(uint32 hartid, int idx, struct bound *b)
{
    int noted = 0;
    for (;;) {
        if (__atomic_load_n(&hart_gates[idx], __ATOMIC_ACQUIRE) ==
            (uint64)GATE_ARRIVED)
            return 1;
        int slot = park_find(hartid);
        if (slot >= 0) {
            printf("lazyos: hart %d: the firmware sent it to the cold-boot "
                   "entry, not where HSM was asked; adopted\n", hartid);
            arrived_by[idx] = 'p';
            park_post(slot, PARK_GO, (uint64)idx);
        }
        uint64 ms = bound_ms(b);
        if (ms >= HART_WAIT_MS)
            return gate_close(idx, hartid);
        if (ms >= HART_NOTE_MS && !noted) {
            printf("lazyos: hart %d: not here after %d ms, waiting up to "
                   "%d ms\n", hartid, HART_NOTE_MS, HART_WAIT_MS);
            noted = 1;
        }
    }
}

// Starts one hart as cpus[idx]. Returns 1 if it arrived; else says why not.
static int
start_one(uint32 hartid, int idx, uint64 timebase_hz)
{
    struct bound b;
    cpus[idx].hartid = hartid;
    __atomic_store_n(&hart_gates[idx], (uint64)hartid + 1, __ATOMIC_RELEASE);
    bound_start(&b, timebase_hz);
    long err = send_hart(hartid, idx, &b);
    if (err != 0) {
        if (gate_close(idx, hartid))
            return 1;
        printf("lazyos: hart %d skipped: SBI hart_start failed with error "
               "%ld and it is not parked at the entry\n", hartid, err);
        return 0;
    }
    if (wait_arrival(hartid, idx, &b))
        return 1;
    printf("lazyos: hart %d skipped: %s it, but it did not arrive within %d "
           "ms (expected at the kernel entry; check the firmware's HSM)\n",
           hartid, arrived_by[idx] == 'h' ? "SBI HSM started" : "adopted",
           HART_WAIT_MS);
    return 0;
}

// Starts the other usable harts; see harts.h.
void
harts_start(const struct machine *m, uint32 boot_hartid)
{
    int by_hsm = 0, boot_found = 0;
    for (int i = 0; i < m->nharts; i++) {
        const struct hart_info *h = &m->harts[i];
        if (h->hartid == boot_hartid) {
            boot_found = 1;
            if (!h->usable)
                printf("lazyos: boot hart %d: the tree says %s; running on "
                       "it anyway\n", h->hartid, h->why);
            continue;
        }
        if (!h->usable) {
            printf("lazyos: hart %d skipped: %s (riscv,isa \"%s\")\n",
                   h->hartid, h->why, h->isa);
        } else if (ncpu >= NCPU) {
            printf("lazyos: hart %d skipped: the kernel runs on %d harts at "
                   "most (NCPU)\n", h->hartid, NCPU);
        } else if (start_one(h->hartid, ncpu, m->timebase_hz)) {
            by_hsm += arrived_by[ncpu] == 'h';
            ncpu++;
        }
    }
    park_close();
    if (!boot_found)
        printf("lazyos: boot hart %d is not in the tree's /cpus\n",
               boot_hartid);
    printf("lazyos: %d harts running (boot hart %d; %d started by SBI HSM, "
           "%d adopted from the entry)\n", ncpu, boot_hartid, by_hsm,
           ncpu - 1 - by_hsm);
}
