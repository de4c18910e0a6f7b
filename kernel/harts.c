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

// A hart that has not arrived is skipped once HART_WAIT_MS have passed on
// the time CSR and this hart has polled HART_WAIT_POLLS times. Time alone
// could fail a correct boot on a busy emulator host, where a vCPU may get
// little of the host: the polls count how much this hart ran, and the hart
// being started gets a like share. Firmware starts a hart in microseconds.
#define HART_WAIT_MS 3000
#define HART_WAIT_POLLS (1u << 25)
#define HART_NOTE_MS 1000 // after this long the console says it waits
// The time CSR is read every TIME_READ_EVERY polls (it traps to firmware on
// some cores). If it reads the same CLOCK_STUCK_READS times in a row, the
// clock has stopped and the polls alone bound the wait.
#define TIME_READ_EVERY 256
#define CLOCK_STUCK_READS 4096

extern void secondary_entry(void);

uint64 hart_gates[NCPU];
static char arrived_by[NCPU]; // 'h' SBI HSM, 'p' adopted from parking

// A bounded wait, in time and in this hart's own progress.
struct bound {
    uint64 start, last, ticks_per_ms;
    uint64 ms; // since bound_start, as last read
    uint32 polls, same;
};

static void
bound_start(struct bound *b, uint64 timebase_hz)
{
    uint64 hz = timebase_hz ? timebase_hz : 10000000; // as timer.c assumes
    b->ticks_per_ms = hz >= 1000 ? hz / 1000 : 1;
    b->start = b->last = r_time();
    b->ms = 0;
    b->polls = b->same = 0;
}

// One poll of a bounded wait. Returns 1 once the wait is over.
static int
bound_poll(struct bound *b)
{
    if (b->polls < HART_WAIT_POLLS)
        b->polls++;
    if (b->polls % TIME_READ_EVERY == 0 && b->same < CLOCK_STUCK_READS) {
        uint64 now = r_time();
        if (now == b->last) {
            b->same++;
        } else {
            b->same = 0;
            b->last = now;
            b->ms = (now - b->start) / b->ticks_per_ms;
        }
    }
    int time_up = b->ms >= HART_WAIT_MS || b->same >= CLOCK_STUCK_READS;
    return time_up && b->polls >= HART_WAIT_POLLS;
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
        while ((slot = park_find(hartid)) < 0 && !bound_poll(b))
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
                   "entry, not where HSM was asked; adopted\n",
                   hartid);
            arrived_by[idx] = 'p';
            park_post(slot, PARK_GO, (uint64)idx);
        }
        if (bound_poll(b))
            return gate_close(idx, hartid);
        if (b->ms >= HART_NOTE_MS && !noted) {
            printf("lazyos: hart %d: not here after %d ms, waiting at least "
                   "%d ms\n",
                   hartid, HART_NOTE_MS, HART_WAIT_MS);
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
               "%ld and it is not parked at the entry\n",
               hartid, err);
        return 0;
    }
    if (wait_arrival(hartid, idx, &b))
        return 1;
    printf("lazyos: hart %d skipped: %s it, but it did not arrive within %lu "
           "ms (expected at the kernel entry; check the firmware's HSM)\n",
           hartid, arrived_by[idx] == 'h' ? "SBI HSM started" : "adopted",
           b.ms);
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
                       "it anyway\n",
                       h->hartid, h->why);
            continue;
        }
        if (!h->usable) {
            printf("lazyos: hart %d skipped: %s (riscv,isa \"%s\")\n",
                   h->hartid, h->why, h->isa);
        } else if (ncpu >= NCPU) {
            printf("lazyos: hart %d skipped: the kernel runs on %d harts at "
                   "most (NCPU)\n",
                   h->hartid, NCPU);
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
           "%d adopted from the entry)\n",
           ncpu, boot_hartid, by_hsm, ncpu - 1 - by_hsm);
}
