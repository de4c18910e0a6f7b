// What the kernel needs to know about the machine, read once from the device
// tree at boot: RAM banks, reserved ranges, harts, timebase, initrd, console.
#ifndef LAZYOS_MACHINE_H
#define LAZYOS_MACHINE_H

#include "types.h"
#include "fdt.h"

#define MACHINE_MAX_MEM 8
#define MACHINE_MAX_RESV 32
#define MACHINE_MAX_HARTS 16

struct mem_range {
    uint64 base;
    uint64 size;
};

struct hart_info {
    uint32 hartid;
    uint8 usable;    // the kernel may run here (why == 0)
    uint8 has_sstc;  // "sstc" in riscv,isa or riscv,isa-extensions
    const char *why; // if not usable, why not: a phrase for the boot log
    const char *isa; // riscv,isa as written, "" if absent (in the tree)
};

struct machine {
    struct mem_range mem[MACHINE_MAX_MEM]; // /memory nodes, all banks
    int nmem;
    // /reserved-memory children and the header's reservation block. The
    // kernel also adds its own image, the tree and the initrd at boot.
    struct mem_range resv[MACHINE_MAX_RESV];
    int nresv;
    struct hart_info harts[MACHINE_MAX_HARTS]; // /cpus/cpu@N in tree order
    int nharts;
    uint64 timebase_hz;       // /cpus timebase-frequency (or per cpu); 0 if absent
    uint64 initrd_start;      // /chosen linux,initrd-start/end; 0 if none
    uint64 initrd_end;
    const char *bootargs;     // /chosen bootargs, "" if absent (points into the tree)
    int stdout_node;          // node named by /chosen stdout-path, FDT_NONE if none
};

// Fills *m from the tree. Returns 0, or -1 if the tree names no memory or
// more reserved ranges than the table holds.
int machine_from_fdt(const struct fdt *f, struct machine *m);
// Adds a reserved range (ignored with a return of -1 when the table is full).
int machine_reserve(struct machine *m, uint64 base, uint64 size);

#endif
