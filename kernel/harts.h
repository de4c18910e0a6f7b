// Bringing up the harts: the parking area where harts that lose the entry
// lottery wait (boot/entry.S), the arrival gates, and the start-up of every
// usable hart with bounded waits (kernel/harts.c). Included by assembly.
#ifndef LAZYOS_HARTS_H
#define LAZYOS_HARTS_H

// Harts that may park at the entry at once; more than that stop at once.
#define PARK_SLOTS 16
// A parking slot: 32 bytes, written by its hart and by the boot hart only.
#define PARK_SLOT_SHIFT 5
#define PARK_STATE 0   // PARK_* below
#define PARK_HARTID 8  // the parked hart's a0
#define PARK_ARG 16    // cpu index to enter the kernel with (PARK_GO)
#define PARK_FREE 0    // not yet written by its hart
#define PARK_WAITING 1 // hartid valid: the hart polls state
#define PARK_GO 2      // go to secondary_entry with a1 = arg
#define PARK_STOP 3    // give the hart back to the firmware
// hart_gates[i] holds hartid + 1 while cpu i waits for that hart, then
// GATE_ARRIVED once it came; anything else turns a hart away.
#define GATE_ARRIVED (-1)

#ifndef __ASSEMBLER__
#include "types.h"
#include "param.h"
#include "machine.h"

struct park_slot {
    uint64 state;
    uint64 hartid;
    uint64 arg;
    uint64 pad;
};

extern struct park_slot park_slots[PARK_SLOTS]; // in .data (entry.S)
extern uint32 park_next;   // slots handed out, may pass PARK_SLOTS
extern uint64 park_closed; // set once the boot hart stops adopting
extern uint64 hart_gates[NCPU];

// Boot hart, after the kernel is set up: starts every usable hart of m
// other than the boot hart, through SBI HSM or by adopting it from the
// parking area, each wait bounded in time. Prints one line per hart skipped
// and why; ncpu then counts the harts that arrived. Parked harts nobody
// adopted are given back to the firmware.
void harts_start(const struct machine *m, uint32 boot_hartid);

#endif
#endif
