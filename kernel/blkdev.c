// The root disk: drivers offer block devices, the kernel picks the first
// and the buffer cache reads and writes it in BSIZE blocks.
#include "types.h"
#include "param.h"
#include "fs.h"
#include "driver.h"
#include "buf.h"
#include "printf.h"

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
    root = &disks[0];
    return 0;
}

void
blkdev_rw_block(uint blockno, void *data, int write)
{
    if (root == 0)
        panic("blkdev: no root disk");
    uint64 sector = (uint64)blockno * (BSIZE / SECTOR);
    if (sector + BSIZE / SECTOR > root->nsectors)
        panic("blkdev: block %d beyond the end of %s", blockno, root->name);
    if (root->ops->rw(root->dev, sector, data, BSIZE / SECTOR, write) < 0)
        panic("blkdev: %s error on block %d of %s", write ? "write" : "read",
              blockno, root->name);
}
