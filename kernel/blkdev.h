// The root disk as the file system sees it: 4 KiB blocks of one partition
// (kernel/blkdev.c). Drivers offer disks through driver.h.
#ifndef LAZYOS_BLKDEV_H
#define LAZYOS_BLKDEV_H

#include "types.h"

// Picks the root disk among the registered ones; 0, or -1 if there is none.
int blkdev_init(void);
// Finds the file system's partition on the root disk (GPT, MBR or the whole
// disk). Reads the disk, so it runs in the first process; panics if a
// partition table names nothing usable.
void blkdev_find_fs(void);
// Blocks in the file system's partition.
uint64 blkdev_fs_blocks(void);
// Transfers n consecutive blocks from `first`, block i to or from pages[i]
// (page-sized buffers), in as few requests as the driver allows. Panics on
// an I/O error or a block beyond the partition: the file system cannot go
// on with a disk that fails.
void blkdev_rw(uint first, uchar *const *pages, int n, int write);

#endif
