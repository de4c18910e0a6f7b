// The initrd as a block device: the memory U-Boot (or QEMU's -initrd) loaded
// and named in /chosen becomes a disk, so a board whose storage driver fails
// still boots to the shell with its file system in RAM.
#include "types.h"
#include "driver.h"
#include "klib.h"
#include "ramdisk.h"

#define SECTOR 512

static struct {
    uint8 *base;
    uint64 nsectors;
} rd;

// Memory copies cannot fail; the bounds were checked by blkdev.c, checked
// again here because a disk must never reach past its own end.
static int
ramdisk_rw(void *dev, uint64 sector, void *buf, uint32 count, int write)
{
    if (sector + count > rd.nsectors || sector + count < sector)
        return -1;
    uint8 *p = rd.base + sector * SECTOR;
    if (write)
        memmove(p, buf, (uint64)count * SECTOR);
    else
        memmove(buf, p, (uint64)count * SECTOR);
    return 0;
}

static const struct blk_ops ramdisk_ops = {.rw = ramdisk_rw};

void
ramdisk_init(uint64 start, uint64 end)
{
    if (end <= start)
        return;
    rd.base = (uint8 *)start;
    rd.nsectors = (end - start) / SECTOR;
    blkdev_register(&ramdisk_ops, &rd, rd.nsectors, RAMDISK_NAME);
}
