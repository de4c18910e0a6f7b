// Files as inodes: the superblock, block allocation, the in-memory inode
// table, block maps (direct, single- and double-indirect) and inode I/O.
// Directories and path names live in dir.c; nothing here knows about them.
//
// Inode life: iget/idup give a reference (ref), ilock reads the disk inode
// and locks it, iput drops the reference and frees the inode and its blocks
// when no reference and no directory entry remain. Every change to the disk
// goes through the log, so callers bracket writes with begin_op/end_op.
#include "types.h"
#include "param.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "fs.h"
#include "buf.h"
#include "log.h"
#include "inode.h"
#include "stat.h"
#include "proc.h"
#include "printf.h"
#include "klib.h"

struct superblock sb; // one file system: the root disk

// Reads the superblock of dev and replays its log. Sleeps on the disk, so
// it runs in the first process, not in main(). Panics on a foreign image.
void
fsinit(int dev)
{
    struct buf *b = bread(dev, 1);

    memmove(&sb, b->data, sizeof(sb));
    brelse(b);
    if (sb.magic != FSMAGIC)
        panic("fsinit: bad magic %x (not a lazyos image)", sb.magic);
    if (sb.ninodes < 2 || sb.bmapstart >= sb.size)
        panic("fsinit: insane superblock");
    // filewrite's and unlink's log budgets assume the free bitmap spans at
    // most FS_MAX_BITMAP blocks; a bigger image could overflow the log.
    if (sb.size > FS_MAX_BITMAP * BPB)
        panic("fsinit: %d blocks is more than this kernel handles (%d)",
              sb.size, FS_MAX_BITMAP * BPB);
    initlog(dev, &sb);
}

// ---- blocks ----

static void
block_zero(uint dev, uint bno)
{
    struct buf *b = bread(dev, bno);

    memset(b->data, 0, BSIZE);
    log_write(b);
    brelse(b);
}

// A zeroed free block, now marked in use; 0 when the disk is full.
static uint
balloc(uint dev)
{
    for (uint base = 0; base < sb.size; base += BPB) {
        struct buf *b = bread(dev, BBLOCK(base, sb));
        for (uint bi = 0; bi < BPB && base + bi < sb.size; bi++) {
            uchar mask = 1 << (bi % 8);
            if (b->data[bi / 8] & mask)
                continue;
            b->data[bi / 8] |= mask;
            log_write(b);
            brelse(b);
            // Zeroed so stale data never leaks into a file and a fresh
            // indirect block reads as "no blocks".
            block_zero(dev, base + bi);
            return base + bi;
        }
        brelse(b);
    }
    return 0;
}

static void
bfree(uint dev, uint bno)
{
    struct buf *b = bread(dev, BBLOCK(bno, sb));
    uint bi = bno % BPB;
    uchar mask = 1 << (bi % 8);

    if ((b->data[bi / 8] & mask) == 0)
        panic("bfree: block %d already free", bno);
    b->data[bi / 8] &= ~mask;
    log_write(b);
    brelse(b);
}

// ---- the inode table ----

static struct {
    struct spinlock lock; // guards ref, dev and inum of every entry
    struct inode inode[NINODE];
} itable;

// Called once at boot. Never fails.
void
iinit(void)
{
    initlock(&itable.lock, "itable");
    for (int i = 0; i < NINODE; i++)
        initsleeplock(&itable.inode[i].lock, "inode");
}

// A referenced, unlocked entry for inode inum, not read from disk yet.
// 0 when all NINODE entries are in use: callers fail the system call
// rather than panic, since user programs can fill the table.
struct inode *
iget(uint dev, uint inum)
{
    struct inode *ip, *empty = 0;

    acquire(&itable.lock);
    for (ip = itable.inode; ip < itable.inode + NINODE; ip++) {
        if (ip->ref > 0 && ip->dev == dev && ip->inum == inum) {
            ip->ref++;
            release(&itable.lock);
            return ip;
        }
        if (empty == 0 && ip->ref == 0)
            empty = ip;
    }
    if (empty) {
        empty->dev = dev;
        empty->inum = inum;
        empty->ref = 1;
        empty->valid = 0;
    }
    release(&itable.lock);
    return empty;
}

// Allocates a disk inode of the given type (nlink 0, no blocks) and
// returns it referenced and unlocked. Inside a transaction. 0 when no disk
// inode is free or the inode table is full.
struct inode *
ialloc(uint dev, short type)
{
    for (uint inum = 1; inum < sb.ninodes; inum++) {
        struct buf *b = bread(dev, IBLOCK(inum, sb));
        struct dinode *dip = (struct dinode *)b->data + inum % IPB;
        if (dip->type == 0) {
            // Take the table entry first: failing after marking the disk
            // inode used would leak it.
            struct inode *ip = iget(dev, inum);
            if (ip) {
                memset(dip, 0, sizeof(*dip));
                dip->type = type;
                log_write(b);
            }
            brelse(b);
            return ip;
        }
        brelse(b);
    }
    return 0;
}

// Copies ip's fields to its disk inode. Caller holds ip->lock and is inside
// a transaction.
void
iupdate(struct inode *ip)
{
    struct buf *b = bread(ip->dev, IBLOCK(ip->inum, sb));
    struct dinode *dip = (struct dinode *)b->data + ip->inum % IPB;

    dip->type = ip->type;
    dip->major = ip->major;
    dip->minor = ip->minor;
    dip->nlink = ip->nlink;
    dip->size = ip->size;
    memmove(dip->addrs, ip->addrs, sizeof(ip->addrs));
    log_write(b);
    brelse(b);
}

// Another reference to ip (the cwd of a forked child, a path walk's start).
struct inode *
idup(struct inode *ip)
{
    acquire(&itable.lock);
    ip->ref++;
    release(&itable.lock);
    return ip;
}

// Locks ip, reading it from disk on first use. May sleep. Panics on an
// unreferenced inode or a free disk inode (a corrupt file system).
void
ilock(struct inode *ip)
{
    if (ip == 0 || ip->ref < 1)
        panic("ilock: unreferenced inode");
    acquiresleep(&ip->lock);
    if (ip->valid)
        return;
    struct buf *b = bread(ip->dev, IBLOCK(ip->inum, sb));
    struct dinode *dip = (struct dinode *)b->data + ip->inum % IPB;
    ip->type = dip->type;
    ip->major = dip->major;
    ip->minor = dip->minor;
    ip->nlink = dip->nlink;
    ip->size = dip->size;
    memmove(ip->addrs, dip->addrs, sizeof(ip->addrs));
    brelse(b);
    ip->valid = 1;
    if (ip->type == 0)
        panic("ilock: inode %d is free on disk", ip->inum);
}

// Unlocks ip; the caller must hold its lock.
void
iunlock(struct inode *ip)
{
    if (ip == 0 || ip->ref < 1 || !holdingsleep(&ip->lock))
        panic("iunlock: not locked");
    releasesleep(&ip->lock);
}

// Drops a reference. The last reference to an inode no directory names
// frees it and its blocks, so every caller must be inside a transaction.
void
iput(struct inode *ip)
{
    acquire(&itable.lock);
    if (ip->ref == 1 && ip->valid && ip->nlink == 0) {
        // ref == 1: nobody else can hold or wait for the sleep lock, so
        // taking it here cannot block.
        acquiresleep(&ip->lock);
        release(&itable.lock);
        itrunc(ip);
        ip->type = 0;
        iupdate(ip);
        ip->valid = 0;
        releasesleep(&ip->lock);
        acquire(&itable.lock);
    }
    ip->ref--;
    release(&itable.lock);
}

// iunlock then iput: the common ending of a use of ip.
void
iunlockput(struct inode *ip)
{
    iunlock(ip);
    iput(ip);
}

// ---- block maps ----

// Entry idx of the indirect block tab; with alloc, an empty entry gets a
// fresh zeroed block. 0 for an empty entry or a full disk.
static uint
table_slot(uint dev, uint tab, uint idx, int alloc)
{
    struct buf *b = bread(dev, tab);
    uint *a = (uint *)b->data;
    uint addr = a[idx];

    if (addr == 0 && alloc && (addr = balloc(dev)) != 0) {
        a[idx] = addr;
        log_write(b);
    }
    brelse(b);
    return addr;
}

// Disk address of file block bn of ip (locked). With alloc (inside a
// transaction) missing blocks, including indirect ones, are allocated.
// 0 when bn is beyond MAXFILE, the block is missing, or the disk is full.
static uint
bmap(struct inode *ip, uint bn, int alloc)
{
    uint slot, idx[2];
    int depth;

    if (bn < NDIRECT) {
        slot = bn;
        depth = 0;
    } else if ((bn -= NDIRECT) < NINDIRECT) {
        slot = NDIRECT;
        depth = 1;
        idx[0] = bn;
    } else if ((bn -= NINDIRECT) < NDINDIRECT) {
        slot = NDIRECT + 1;
        depth = 2;
        idx[0] = bn / NINDIRECT;
        idx[1] = bn % NINDIRECT;
    } else {
        return 0;
    }
    uint addr = ip->addrs[slot];
    if (addr == 0 && alloc)
        addr = ip->addrs[slot] = balloc(ip->dev); // iupdate'd by writei
    for (int d = 0; d < depth && addr != 0; d++)
        addr = table_slot(ip->dev, addr, idx[d], alloc);
    return addr;
}

// Frees block addr and, if it is an indirect block `depth` levels above the
// data, every block below it.
static void
free_tree(uint dev, uint addr, int depth)
{
    if (depth > 0) {
        struct buf *b = bread(dev, addr);
        uint *a = (uint *)b->data;
        for (uint i = 0; i < NINDIRECT; i++)
            if (a[i])
                free_tree(dev, a[i], depth - 1);
        brelse(b);
    }
    bfree(dev, addr);
}

// Frees all of ip's blocks and sets its size to 0. Caller holds ip->lock,
// inside a transaction.
void
itrunc(struct inode *ip)
{
    for (int i = 0; i < NDIRECT + 2; i++) {
        if (ip->addrs[i] == 0)
            continue;
        // addrs[NDIRECT] is one level above data, addrs[NDIRECT+1] two.
        free_tree(ip->dev, ip->addrs[i], i < NDIRECT ? 0 : i - NDIRECT + 1);
        ip->addrs[i] = 0;
    }
    ip->size = 0;
    iupdate(ip);
}

// ---- inode I/O ----

// Fills *st from ip (locked).
void
stati(struct inode *ip, struct stat *st)
{
    st->dev = ip->dev;
    st->ino = ip->inum;
    st->type = ip->type;
    st->nlink = ip->nlink;
    st->size = ip->size;
}

// Reads up to n bytes at off into dst (a user address if user_dst). Caller
// holds ip->lock. Returns the bytes read (0 at or past the end of file), or
// -1 for a bad destination or a missing block.
int
readi(struct inode *ip, int user_dst, uint64 dst, uint off, uint n)
{
    uint tot, m;

    if (off >= ip->size)
        return 0;
    if (n > ip->size - off)
        n = ip->size - off;
    for (tot = 0; tot < n; tot += m, off += m, dst += m) {
        uint addr = bmap(ip, off / BSIZE, 0);
        if (addr == 0)
            return -1;
        struct buf *b = bread(ip->dev, addr);
        m = BSIZE - off % BSIZE;
        if (m > n - tot)
            m = n - tot;
        int r = either_copyout(user_dst, dst, b->data + off % BSIZE, m);
        brelse(b);
        if (r < 0)
            return -1;
    }
    return tot;
}

// Writes n bytes from src (a user address if user_src) at off, growing the
// file. Caller holds ip->lock inside a transaction, and keeps n small enough
// for the transaction (see filewrite). Returns the bytes written, fewer if
// the disk fills or src turns bad part-way (each block is all or nothing);
// -1 if nothing was written: off is past the end of file, the file would
// exceed MAXFILE blocks, or src is bad from the start.
int
writei(struct inode *ip, int user_src, uint64 src, uint off, uint n)
{
    uint tot, m;
    int bad = 0;
    char chunk[BSIZE]; // the user's bytes land here first: a bad address
                       // must not leave half a block changed in the cache

    if (off > ip->size || (uint64)off + n > (uint64)MAXFILE * BSIZE)
        return -1;
    for (tot = 0; tot < n; tot += m, off += m, src += m) {
        uint addr = bmap(ip, off / BSIZE, 1);
        if (addr == 0)
            break;
        struct buf *b = bread(ip->dev, addr);
        m = BSIZE - off % BSIZE;
        if (m > n - tot)
            m = n - tot;
        if (either_copyin(chunk, user_src, src, m) < 0) {
            brelse(b);
            bad = 1;
            break;
        }
        memmove(b->data + off % BSIZE, chunk, m);
        log_write(b);
        brelse(b);
    }
    if (off > ip->size)
        ip->size = off;
    // Even without growth bmap may have filled addrs[], so always write.
    iupdate(ip);
    return bad && tot == 0 ? -1 : (int)tot;
}
