// File contents: mapping a file's block numbers to disk blocks through the
// direct, single- and double-indirect pointers, reading (with sequential
// read-ahead) and writing bytes, and sizing the transactions writes need.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "klib.h"
#include "proc.h"
#include "fs.h"
#include "cache.h"
#include "journal.h"
#include "alloc.h"
#include "inode.h"
#include "mmap_share.h"

// One block is one page: a piece of a read or write that stays in a block
// stays in one of the file's shared pages too (mmap_share.h).
_Static_assert(BSIZE == PGSIZE, "read/write pieces must fit a page");

#define RA_WINDOW 32 // blocks read ahead of a sequential reader

static const uchar zeros[BSIZE]; // what a hole reads as

// Slot idx of index block blk: the block it names, allocated if missing
// and alloc is set (0 for a hole, or when the disk is full).
static uint
index_entry(uint blk, uint idx, int alloc)
{
    struct buf *b = cache_get(blk);
    uint *slot = (uint *)b->data + idx;
    uint v = *slot;
    if (v == 0 && alloc && (v = block_alloc()) != 0) {
        *slot = v;
        tx_add(b);
    }
    cache_put(b);
    return v;
}

// Pointer `slot` of the inode itself; the caller writes the inode back.
static uint
inode_entry(struct inode *ip, int slot, int alloc)
{
    if (ip->addrs[slot] == 0 && alloc)
        ip->addrs[slot] = block_alloc();
    return ip->addrs[slot];
}

uint
bmap(struct inode *ip, uint64 lbn, int alloc)
{
    if (lbn < NDIRECT)
        return inode_entry(ip, lbn, alloc);
    lbn -= NDIRECT;
    if (lbn < NINDIRECT) {
        uint ind = inode_entry(ip, IND_SLOT, alloc);
        return ind ? index_entry(ind, lbn, alloc) : 0;
    }
    lbn -= NINDIRECT;
    if (lbn >= (uint64)NINDIRECT * NINDIRECT)
        return 0;
    uint top = inode_entry(ip, DIND_SLOT, alloc);
    uint mid = top ? index_entry(top, lbn / NINDIRECT, alloc) : 0;
    return mid ? index_entry(mid, lbn % NINDIRECT, alloc) : 0;
}

// Fetches the blocks being read and RA_WINDOW more in long requests, once
// the reader is within half a window of the end of what was fetched. A
// read that starts away from the fetched stream starts a new one.
static void
read_ahead(struct inode *ip, uint64 first, uint64 last)
{
    uint64 end = (ip->size + BSIZE - 1) / BSIZE;
    if (first > ip->ra_next || first + 2 * RA_WINDOW < ip->ra_next)
        ip->ra_next = first;
    if (last + RA_WINDOW / 2 < ip->ra_next)
        return;
    uint64 from = ip->ra_next > first ? ip->ra_next : first;
    uint64 stop = last + 1 + RA_WINDOW < end ? last + 1 + RA_WINDOW : end;
    uint blocks[RA_CHUNK];
    while (from < stop) {
        int n = 0;
        for (; from < stop && n < RA_CHUNK; from++)
            blocks[n++] = bmap(ip, from, 0);
        cache_readahead(blocks, n);
    }
    ip->ra_next = stop;
}

// Bytes to move next: to the end of the block, and for a user address to
// the end of its page, so a buffer running into an unmapped page still
// moves the bytes before it.
static uint
step(uint in_block, uint left, int user, uint64 addr)
{
    uint k = BSIZE - in_block < left ? BSIZE - in_block : left;
    uint in_page = PGSIZE - addr % PGSIZE;
    return user && in_page < k ? in_page : k;
}

// Copies k bytes at off (within one block) to dst. From the file's shared
// page when one is resident: it may hold stores through a mapping not yet
// written back, so it is at least as new as the block. 0, or -1.
static int
read_piece(struct inode *ip, int user_dst, uint64 dst, uint64 off, uint k)
{
    int r = mshare_read(mshare_key(ip), off, user_dst, dst, k);
    if (r != 0)
        return r < 0 ? -1 : 0;
    uint pb = bmap(ip, off / BSIZE, 0);
    if (pb == 0)
        return either_copyout(user_dst, dst, zeros, k);
    struct buf *b = cache_get(pb);
    r = either_copyout(user_dst, dst, b->data + off % BSIZE, k);
    cache_put(b);
    return r;
}

int
readi(struct inode *ip, int user_dst, uint64 dst, uint64 off, uint n)
{
    if (off >= ip->size)
        return 0;
    if (n > ip->size - off)
        n = ip->size - off;
    if (n == 0)
        return 0;
    read_ahead(ip, off / BSIZE, (off + n - 1) / BSIZE);
    for (uint done = 0; done < n;) {
        uint in = (off + done) % BSIZE;
        uint k = step(in, n - done, user_dst, dst + done);
        if (read_piece(ip, user_dst, dst + done, off + done, k) < 0)
            return -1;
        done += k;
    }
    return n;
}

int
writei(struct inode *ip, int user_src, uint64 src, uint64 off, uint n)
{
    if (off > ip->size || off >= MAXFILE)
        return -1;
    if (n > MAXFILE - off)
        n = MAXFILE - off;
    uint done = 0;
    while (done < n) {
        uint in = (off + done) % BSIZE;
        uint k = step(in, n - done, user_src, src + done);
        // The piece lies in one page: if its first byte is readable, all
        // of it is. Checked first, so a bad address allocates nothing.
        char probe;
        if (either_copyin(&probe, user_src, src + done, 1) < 0)
            break;
        uint pb = bmap(ip, (off + done) / BSIZE, 1);
        if (pb == 0)
            break; // the disk is full
        struct buf *b = cache_get(pb);
        int r = either_copyin(b->data + in, user_src, src + done, k);
        // Even a failed copy may have changed part of the block: journal
        // it, so the cache never differs from what the disk will hold.
        tx_add(b);
        // A write() reaches the file's shared page too, as the block holds
        // it: else mappings keep the old bytes and their write-back undoes
        // it. Kernel sources are directories and mmap's own write-back of
        // that page, which copied back could undo a store made meanwhile.
        if (user_src)
            mshare_update(mshare_key(ip), off + done, b->data + in, k);
        cache_put(b);
        if (r < 0)
            break;
        done += k;
    }
    if (off + done > ip->size)
        ip->size = off + done;
    iupdate(ip); // new pointers, the size
    return done > 0 || n == 0 ? (int)done : -1;
}

// Index blocks a write of blocks [first, last] may allocate or change.
static uint64
index_blocks(uint64 first, uint64 last)
{
    const uint64 dbase = NDIRECT + NINDIRECT;
    uint64 idx = 0;
    if (last >= NDIRECT && first < dbase)
        idx++;
    if (last >= dbase) {
        uint64 a = first > dbase ? first - dbase : 0, b = last - dbase;
        idx += 1 + b / NINDIRECT - a / NINDIRECT + 1;
    }
    return idx;
}

int
write_reserve(uint64 off, uint n)
{
    if (n == 0)
        return 1;
    uint64 first = off / BSIZE, last = (off + n - 1) / BSIZE;
    uint64 blocks = last - first + 1 + index_blocks(first, last);
    uint64 nbmap = fs_sb.inodestart - fs_sb.bmapstart;
    // Each allocation sets one bit; they share bitmap blocks when close.
    return blocks + (blocks < nbmap ? blocks : nbmap) + 1;
}

uint
write_chunk(uint64 off, int budget)
{
    uint64 first = off / BSIZE;
    // Roughly two blocks per data block (the block, its bit): start there
    // and shrink to the exact fit.
    for (uint64 nb = budget / 2; nb > 1; nb--) {
        uint64 n = (first + nb) * BSIZE - off;
        if (write_reserve(off, n) <= budget)
            return n;
    }
    return (first + 1) * BSIZE - off;
}
