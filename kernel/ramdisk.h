// The initrd as a block device (ramdisk.c).
#ifndef LAZYOS_RAMDISK_H
#define LAZYOS_RAMDISK_H

#include "types.h"

#define RAMDISK_NAME "initrd"

// Offers [start, end) (already reserved from the page allocator and
// identity-mapped as RAM) as a disk; nothing if the range is empty.
void ramdisk_init(uint64 start, uint64 end);

#endif
