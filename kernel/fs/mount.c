// Boot-time set-up and mounting: reads and checks the superblock, replays
// the journal, and frees inodes a crash left with no links (orphans).
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "kalloc.h"
#include "klib.h"
#include "printf.h"
#include "stat.h"
#include "fs.h"
#include "blkdev.h"
#include "cache.h"
#include "journal.h"
#include "alloc.h"
#include "inode.h"
#include "file.h"

struct superblock fs_sb;

void
fs_init(void)
{
    cache_init();
    inode_table_init();
    file_table_init();
}

// Panics unless the areas follow each other inside the partition.
static void
check_superblock(const struct superblock *sb)
{
    if (sb->magic != FSMAGIC || sb->version != FSVERSION)
        panic("fs: no lazyfs here (magic %x version %u)", sb->magic,
              sb->version);
    uint64 nbmap = ((uint64)sb->size + BPB - 1) / BPB;
    uint64 nimap = ((uint64)sb->ninodes + BPB - 1) / BPB;
    uint64 nitab = ((uint64)sb->ninodes + IPB - 1) / IPB;
    if (sb->size > blkdev_fs_blocks() || sb->journalstart != 1 ||
        sb->njournal < 20 || sb->ninodes > FS_MAX_INODES + 1 ||
        sb->ninodes <= ROOTINO ||
        sb->imapstart != sb->journalstart + sb->njournal ||
        sb->bmapstart != sb->imapstart + nimap ||
        sb->inodestart != sb->bmapstart + nbmap ||
        sb->datastart != sb->inodestart + nitab || sb->datastart >= sb->size)
        panic("fs: damaged superblock");
}

// Nonzero if inum's bit is set in the inode bitmap. Only those inodes
// count: the table of a file system written sparsely onto a used card
// holds garbage where no inode was ever allocated.
static int
inode_in_use(uint inum)
{
    struct buf *b = cache_get(fs_sb.imapstart + inum / BPB);
    int set = (b->data[(inum % BPB) / 8] >> (inum % 8)) & 1;
    cache_put(b);
    return set;
}

// A crash between an unlink (or a failed create) and the freeing of the
// inode leaves it allocated with no links. Nobody can have it open now.
static void
free_orphans(void)
{
    int freed = 0;
    for (uint inum = ROOTINO + 1; inum < fs_sb.ninodes; inum++) {
        if (inum % IPB == 0 || inum == ROOTINO + 1) {
            // Skip a whole block of inodes with no orphan candidate
            // without locking each.
            struct buf *b = cache_get(fs_sb.inodestart + inum / IPB);
            int any = 0;
            struct dinode *d = (struct dinode *)b->data;
            for (uint i = inum % IPB; i < IPB; i++)
                any |= d[i].type != 0 && d[i].nlink == 0;
            cache_put(b);
            if (!any) {
                inum = (inum / IPB + 1) * IPB - 1;
                continue;
            }
        }
        if (!inode_in_use(inum))
            continue;
        struct inode *ip = iget(inum);
        if (ip == 0)
            panic("fs: no in-memory inode for the orphan sweep");
        ilock(ip);
        int orphan = ip->type != 0 && ip->nlink == 0;
        iunlock(ip);
        freed += orphan;
        iput(ip); // the last hold of an orphan frees it
    }
    if (freed)
        printf("fs: freed %d orphaned inodes\n", freed);
}

void
fsinit(int dev)
{
    uchar *page = kalloc();
    if (page == 0)
        panic("fs: out of memory");
    blkdev_rw(0, &page, 1, 0);
    memmove(&fs_sb, page, sizeof(fs_sb));
    kfree(page);
    check_superblock(&fs_sb);
    journal_init(&fs_sb);
    alloc_init();
    free_orphans();
    printf("fs: %u blocks of %d KiB, %u inodes\n", fs_sb.size, BSIZE / 1024,
           fs_sb.ninodes);
}
