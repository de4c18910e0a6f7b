// The inode table: in-memory copies of disk inodes, held by reference and
// locked while used. Freeing an unlinked inode happens at its last iput.
// Knows the cache, the journal and the allocator; nothing of files.
#include "types.h"
#include "param.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "klib.h"
#include "printf.h"
#include "stat.h"
#include "fs.h"
#include "cache.h"
#include "journal.h"
#include "alloc.h"
#include "inode.h"

static struct {
    struct spinlock lock; // ref and inum of every entry
    struct inode slot[NINODE];
} itable;

void
inode_table_init(void)
{
    initlock(&itable.lock, "itable");
    for (int i = 0; i < NINODE; i++)
        initsleeplock(&itable.slot[i].lock, "inode");
}

// An unheld entry that keeps a valid copy is reused only when no empty
// one is left, so recently used inodes stay loaded.
struct inode *
iget(uint inum)
{
    struct inode *empty = 0, *spare = 0;
    acquire(&itable.lock);
    for (int i = 0; i < NINODE; i++) {
        struct inode *ip = &itable.slot[i];
        if (ip->inum == inum && (ip->ref > 0 || ip->valid)) {
            ip->ref++;
            release(&itable.lock);
            return ip;
        }
        if (ip->ref == 0 && !ip->valid && !empty)
            empty = ip;
        if (ip->ref == 0 && !spare)
            spare = ip;
    }
    struct inode *ip = empty ? empty : spare;
    if (ip == 0) {
        release(&itable.lock);
        printf("fs: all %d in-memory inodes in use\n", NINODE);
        return 0;
    }
    ip->inum = inum;
    ip->ref = 1;
    ip->valid = 0;
    ip->ra_next = 0;
    release(&itable.lock);
    return ip;
}

struct inode *
idup(struct inode *ip)
{
    acquire(&itable.lock);
    ip->ref++;
    release(&itable.lock);
    return ip;
}

static struct dinode *
disk_slot(struct buf *b, uint inum)
{
    return (struct dinode *)b->data + inum % IPB;
}

void
ilock(struct inode *ip)
{
    if (ip == 0 || ip->ref < 1)
        panic("ilock: inode not held");
    acquiresleep(&ip->lock);
    if (ip->valid)
        return;
    struct buf *b = cache_get(fs_sb.inodestart + ip->inum / IPB);
    struct dinode *d = disk_slot(b, ip->inum);
    ip->type = d->type;
    ip->major = d->major;
    ip->minor = d->minor;
    ip->nlink = d->nlink;
    ip->size = d->size;
    memmove(ip->addrs, d->addrs, sizeof(ip->addrs));
    cache_put(b);
    ip->valid = 1;
}

void
iunlock(struct inode *ip)
{
    if (ip == 0 || !holdingsleep(&ip->lock) || ip->ref < 1)
        panic("iunlock: inode not locked");
    releasesleep(&ip->lock);
}

void
iupdate(struct inode *ip)
{
    struct buf *b = cache_get(fs_sb.inodestart + ip->inum / IPB);
    struct dinode *d = disk_slot(b, ip->inum);
    d->type = ip->type;
    d->major = ip->major;
    d->minor = ip->minor;
    d->nlink = ip->nlink;
    d->size = ip->size;
    memmove(d->addrs, ip->addrs, sizeof(ip->addrs));
    tx_add(b);
    cache_put(b);
}

struct inode *
inode_create(short type, short major, short minor)
{
    uint inum = inode_num_alloc();
    if (inum == 0)
        return 0;
    struct inode *ip = iget(inum);
    if (ip == 0) {
        inode_num_free(inum);
        return 0;
    }
    acquiresleep(&ip->lock);
    // Whatever the table held for this number is stale: it was free.
    ip->type = type;
    ip->major = major;
    ip->minor = minor;
    ip->nlink = 1;
    ip->size = 0;
    memset(ip->addrs, 0, sizeof(ip->addrs));
    ip->ra_next = 0;
    ip->valid = 1;
    iupdate(ip);
    return ip;
}

// Frees ip (held only by us, no links), as many transactions as it takes.
static void
inode_free(struct inode *ip)
{
    int budget = journal_capacity() / 2;
    for (int more = 1; more;) {
        tx_begin(budget);
        ilock(ip);
        more = inode_free_step(ip, budget);
        iunlock(ip);
        tx_end(budget);
    }
}

int
inode_sole_holder(struct inode *ip)
{
    acquire(&itable.lock);
    int sole = ip->ref == 1;
    release(&itable.lock);
    return sole;
}

void
iput(struct inode *ip)
{
    acquire(&itable.lock);
    // nlink == 0 and ours the only hold: no directory names it and nobody
    // has it open, so nobody can reach it while it is freed.
    if (ip->ref == 1 && ip->valid && ip->nlink == 0 && ip->type != 0) {
        release(&itable.lock);
        inode_free(ip);
        acquire(&itable.lock);
    }
    ip->ref--;
    release(&itable.lock);
}

void
iunlockput(struct inode *ip)
{
    iunlock(ip);
    iput(ip);
}

void
stati(struct inode *ip, struct stat *st)
{
    st->dev = ROOTDEV;
    st->ino = ip->inum;
    st->type = ip->type;
    st->nlink = ip->nlink;
    st->size = ip->size;
}
