// The kernel functions storage drivers call (drivers/dw_mshc.c,
// drivers/sd_spi.c), as their host tests stand them in (kernel_stubs.c),
// and what they saw. They know nothing of register or card models.
#ifndef LAZYOS_KERNEL_STUBS_H
#define LAZYOS_KERNEL_STUBS_H

#include "kernel/types.h"
#include "kernel/driver.h"

// While capturing is set, printf counts its messages in nmessages, keeps
// the last in last_msg and marks each with "    | " in the output.
extern int capturing, nmessages;
extern char last_msg[512];
// acquire() calls so far (a double acquire or a stray release aborts).
extern int nacquires;
// What kvm_map_device maps: plain memory, and the range it was asked for.
extern uint32 plain_regs[0x1000 / 4];
extern uint64 mapped_pa, mapped_size;

// The last blkdev_register() call, and how many there were.
struct disk_seen {
    const struct blk_ops *ops;
    void *dev;
    uint64 nsectors;
    const char *name;
    int calls;
};
extern struct disk_seen disk;

#endif
