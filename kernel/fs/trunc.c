// Truncation: frees a file's blocks from its end, a transaction's worth at
// a time, so a file of any size shrinks without overflowing the journal
// and a crash leaves it at some step's consistent size.
#include "types.h"
#include "param.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "fs.h"
#include "cache.h"
#include "journal.h"
#include "alloc.h"
#include "inode.h"
#include "mmap_share.h"

// Distinct blocks one step has changed, counted from above: a block counts
// again when it differs from the last one seen in its role.
struct budget {
    int used;
    uint last_bitmap, last_index, last_mid;
};

static void
count(struct budget *bg, uint *last, uint blk)
{
    if (*last != blk) {
        *last = blk;
        bg->used++;
    }
}

static void
free_counted(struct budget *bg, uint blk)
{
    count(bg, &bg->last_bitmap, BMAP_BLOCK(blk));
    block_free(blk);
}

// Clears slot idx of index block blk; returns what it named.
static uint
clear_entry(struct budget *bg, uint *last, uint blk, uint idx)
{
    struct buf *b = cache_get(blk);
    uint *slot = (uint *)b->data + idx;
    uint v = *slot;
    if (v) {
        *slot = 0;
        tx_add(b);
        count(bg, last, blk);
    }
    cache_put(b);
    return v;
}

// Frees block lbn of ip, and each index block that lbn was the first
// entry of (nothing after lbn is left: we free from the end).
static void
free_lbn(struct inode *ip, uint64 lbn, struct budget *bg)
{
    uint v;
    if (lbn < NDIRECT) {
        if ((v = ip->addrs[lbn]) != 0)
            free_counted(bg, v);
        ip->addrs[lbn] = 0;
        return;
    }
    lbn -= NDIRECT;
    uint ind = lbn < NINDIRECT ? ip->addrs[IND_SLOT] : ip->addrs[DIND_SLOT];
    if (ind == 0)
        return;
    if (lbn < NINDIRECT) {
        if ((v = clear_entry(bg, &bg->last_index, ind, lbn)) != 0)
            free_counted(bg, v);
        if (lbn == 0) {
            free_counted(bg, ind);
            ip->addrs[IND_SLOT] = 0;
        }
        return;
    }
    lbn -= NINDIRECT;
    struct buf *b = cache_get(ind);
    uint mid = ((uint *)b->data)[lbn / NINDIRECT];
    cache_put(b);
    if (mid && (v = clear_entry(bg, &bg->last_mid, mid, lbn % NINDIRECT)))
        free_counted(bg, v);
    if (mid && lbn % NINDIRECT == 0) {
        clear_entry(bg, &bg->last_index, ind, lbn / NINDIRECT);
        free_counted(bg, mid);
    }
    if (lbn == 0) {
        free_counted(bg, ind);
        ip->addrs[DIND_SLOT] = 0;
    }
}

// One transaction's worth; returns nonzero while blocks remain to free.
static int
trunc_step(struct inode *ip, uint64 size, int budget)
{
    if (ip->size <= size)
        return 0;
    uint64 keep = (size + BSIZE - 1) / BSIZE;
    uint64 lbn = (ip->size + BSIZE - 1) / BSIZE;
    struct budget bg = {.used = 1}; // the inode's block
    // Freeing one block changes at most five more: bitmap, three index
    // blocks, the bitmap of a freed index block.
    while (lbn > keep && bg.used + 5 <= budget)
        free_lbn(ip, --lbn, &bg);
    ip->size = lbn == keep ? size : lbn * BSIZE;
    iupdate(ip);
    // Pages a mapping keeps resident past the new end read as zeros, as
    // they would if filled from the file now.
    mshare_truncate(mshare_key(ip), ip->size);
    return lbn > keep;
}

int
inode_free_step(struct inode *ip, int budget)
{
    // Two blocks kept back: the inode bitmap and the inode's own block.
    if (trunc_step(ip, 0, budget - 2))
        return 1;
    ip->type = 0;
    ip->nlink = 0;
    iupdate(ip);
    inode_num_free(ip->inum);
    return 0;
}

void
inode_truncate(struct inode *ip, uint64 size)
{
    int budget = journal_capacity() / 2;
    for (int more = 1; more;) {
        tx_begin(budget);
        ilock(ip);
        more = trunc_step(ip, size, budget);
        iunlock(ip);
        tx_end(budget);
    }
}
