// Finding the lazyos file system inside a partitioned disk (GPT or MBR).
#ifndef LAZYOS_PARTITION_H
#define LAZYOS_PARTITION_H

#include "types.h"

// Partition type GUID of a lazyos file system, F1CC0AAE-49E9-4270-9FD2-
// 368917065D54, as stored on disk (first three fields little-endian).
extern const uint8 lazyos_fs_guid[16];

// Reads `count` 512-byte sectors at `sector` into buf; 0 or -1.
typedef int (*sector_reader_t)(void *ctx, uint64 sector, void *buf, uint32 count);

// Where the file system lives on a disk of nsectors: in a GPT, the
// partition with lazyos_fs_guid, else the last used one; in an MBR, the
// last used primary partition; with neither, the whole disk. scratch is
// 4 KiB the reader may fill. Returns 0 with *start/*len set, or -1 if a
// table names nothing usable (or a read fails).
int partition_find_fs(sector_reader_t read, void *ctx, uint64 nsectors,
                      uint8 *scratch, uint64 *start, uint64 *len);

#endif
