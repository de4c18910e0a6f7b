// The root disk: drivers offer block devices, the kernel picks the first,
// finds the file system's partition on it, and the buffer cache reads and
// writes that partition in BSIZE blocks.
#include "types.h"
#include "param.h"
#include "fs.h"
#include "driver.h"
#include "buf.h"
#include "printf.h"
#include "kalloc.h"
#include "klib.h"
#include "partition.h"
#include "ramdisk.h"

#define MAX_BLKDEVS 4
#define SECTOR 512

static struct blkdev {
    const struct blk_ops *ops;
    void *dev;
    uint64 nsectors;
    const char *name;
} disks[MAX_BLKDEVS];
static int ndisks;
static struct blkdev *root;
static uint64 fs_start, fs_len; // the file system's sectors on root

void
blkdev_register(const struct blk_ops *ops, void *dev, uint64 nsectors,
                const char *name)
{
    if (ndisks == MAX_BLKDEVS) {
        printf("blkdev: ignoring %s: too many disks\n", name);
        return;
    }
    struct blkdev *d = &disks[ndisks++];
    d->ops = ops;
    d->dev = dev;
    d->nsectors = nsectors;
    d->name = name;
    printf("blkdev: %s, %lu KiB\n", name, nsectors / 2);
}

int
blkdev_init(void)
{
    if (ndisks == 0)
        return -1;
    // An initrd is there because someone loaded it for us: it wins.
    root = &disks[0];
    for (int i = 0; i < ndisks; i++)
        if (strcmp(disks[i].name, RAMDISK_NAME) == 0)
            root = &disks[i];
    printf("blkdev: root disk %s\n", root->name);
    fs_len = root->nsectors; // until blkdev_find_fs() looks closer
    return 0;
}

static int
read_root(void *ctx, uint64 sector, void *buf, uint32 count)
{
    struct blkdev *d = ctx;
    return d->ops->rw(d->dev, sector, buf, count, 0);
}

void
blkdev_find_fs(void)
{
    // A page, not the stack: drivers hand buffers to devices by address.
    uint8 *scratch = kalloc();
    if (scratch == 0)
        panic("blkdev: out of memory");
    if (partition_find_fs(read_root, root, root->nsectors, scratch, &fs_start,
                          &fs_len) < 0)
        panic("blkdev: no usable partition on %s", root->name);
    kfree(scratch);
    if (fs_start != 0)
        printf("blkdev: file system on %s at sector %lu, %lu KiB\n",
               root->name, fs_start, fs_len / 2);
}

void
blkdev_rw_block(uint blockno, void *data, int write)
{
    if (root == 0)
        panic("blkdev: no root disk");
    uint64 sector = (uint64)blockno * (BSIZE / SECTOR);
    if (sector + BSIZE / SECTOR > fs_len)
        panic("blkdev: block %d beyond the end of %s", blockno, root->name);
    if (root->ops->rw(root->dev, fs_start + sector, data, BSIZE / SECTOR,
                      write) < 0)
        panic("blkdev: %s error on block %d of %s", write ? "write" : "read",
              blockno, root->name);
}
