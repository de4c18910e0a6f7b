// The root disk: drivers offer block devices, the kernel picks the first,
// finds the file system's partition on it, and the buffer cache reads and
// writes that partition in BSIZE blocks.
#include "types.h"
#include "param.h"
#include "fs.h"
#include "driver.h"
#include "blkdev.h"
#include "printf.h"
#include "kalloc.h"
#include "klib.h"
#include "partition.h"
#include "ramdisk.h"
#include "spinlock.h"
#include "sleeplock.h"

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
    if (ndisks == 0) {
        // The boot stops here (main panics): say what to do about it.
        printf("blkdev: no disk for the root file system\n"
               "  expected: a disk from a storage driver (SD card, virtio) "
               "or an initrd from the boot loader\n"
               "  found: no disk registered (a storage driver's line above "
               "says why)\n"
               "  try: boot with the file system as initrd (flash.sh --initrd "
               "build/<board>/fs.img), or check the card\n");
        return -1;
    }
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

// Stops the boot after saying what was looked for, what was found (with
// the superblock magic read, if one was) and what to try.
static void
no_fs(const char *found, int read_magic, uint32 magic)
{
    printf("blkdev: no lazyos file system on %s\n"
           "  expected: a GPT partition of type F1CC0AAE-49E9-4270-9FD2-"
           "368917065D54, an MBR partition or a bare image, holding "
           "superblock magic 0x%x\n",
           root->name, FSMAGIC);
    if (read_magic)
        printf("  found: %s 0x%x\n", found, magic);
    else
        printf("  found: %s\n", found);
    printf("  try: write the card again with flash.sh, or boot with the "
           "file system as initrd (flash.sh --initrd build/<board>/fs.img)\n");
    panic("blkdev: no root file system on %s", root->name);
}

void
blkdev_find_fs(void)
{
    // A page, not the stack: drivers hand buffers to devices by address.
    uint8 *scratch = kalloc();
    uint32 magic;

    if (scratch == 0)
        panic("blkdev: out of memory");
    if (partition_find_fs(read_root, root, root->nsectors, scratch, &fs_start,
                          &fs_len) < 0)
        no_fs("a partition table that could not be read or names no "
              "usable partition",
              0, 0);
    // The superblock is block 0; its first word is the magic.
    if (fs_len < 2 * (BSIZE / SECTOR) ||
        read_root(root, fs_start, scratch, 1) < 0)
        no_fs("a partition too small to hold one, or a read error", 0, 0);
    memmove(&magic, scratch, sizeof magic);
    kfree(scratch);
    if (magic != FSMAGIC)
        no_fs("a partition whose superblock magic is", 1, magic);
    printf("blkdev: root file system found on %s at sector %lu, %lu KiB\n",
           root->name, fs_start, fs_len / 2);
}

uint64
blkdev_fs_blocks(void)
{
    return fs_len / (BSIZE / SECTOR);
}

// One driver request for blocks [first, first+n) at buf.
static void
transfer(uint64 first, uchar *buf, int n, int write)
{
    uint64 sector = first * (BSIZE / SECTOR);
    uint32 count = n * (BSIZE / SECTOR);
    if (root->ops->rw(root->dev, fs_start + sector, buf, count, write) < 0)
        panic("blkdev: %s error on blocks %lu+%d of %s",
              write ? "write" : "read", first, n, root->name);
}

// Multi-block requests need one contiguous buffer; cache buffers are
// separate pages. Runs go through this staging area: copying a block costs
// far less than a request (an interrupt and a wake-up each).
#define STAGE_BLOCKS 64
static uchar stage[STAGE_BLOCKS][BSIZE] __attribute__((aligned(BSIZE)));
static struct sleeplock stage_lock;
static int stage_ready;

// Blocks [first, first+n) through the staging area, n <= STAGE_BLOCKS.
static void
staged(uint64 first, uchar *const *pages, int n, int write)
{
    acquiresleep(&stage_lock);
    if (write)
        for (int i = 0; i < n; i++)
            memmove(stage[i], pages[i], BSIZE);
    transfer(first, stage[0], n, write);
    if (!write)
        for (int i = 0; i < n; i++)
            memmove(pages[i], stage[i], BSIZE);
    releasesleep(&stage_lock);
}

void
blkdev_rw(uint first, uchar *const *pages, int n, int write)
{
    if (root == 0)
        panic("blkdev: no root disk");
    if ((uint64)first + n > blkdev_fs_blocks())
        panic("blkdev: blocks %u+%d beyond the end of %s", first, n,
              root->name);
    if (!stage_ready) { // the first caller is the mounting process, alone
        initsleeplock(&stage_lock, "stage");
        stage_ready = 1;
    }
    // Pages already next to each other in memory need no copy.
    int adjacent = 1;
    for (int i = 1; i < n && adjacent; i++)
        adjacent = pages[i] == pages[i - 1] + BSIZE;
    if (n == 1 || adjacent) {
        transfer(first, pages[0], n, write);
        return;
    }
    for (int done = 0; done < n; done += STAGE_BLOCKS) {
        int k = n - done < STAGE_BLOCKS ? n - done : STAGE_BLOCKS;
        staged(first + done, pages + done, k, write);
    }
}
