// The allocators: first-fit search of a bitmap from a moving hint, so
// consecutive allocations are consecutive blocks (good for read-ahead and
// multi-block requests) and a search does not restart from block 0.
#include "types.h"
#include "param.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "printf.h"
#include "fs.h"
#include "cache.h"
#include "journal.h"
#include "alloc.h"

static struct spinlock hint_lock;
static uint block_hint, inode_hint; // where the next search starts

void
alloc_init(void)
{
    initlock(&hint_lock, "alloc");
    block_hint = fs_sb.datastart;
    inode_hint = ROOTINO + 1;
}

// Finds and sets a clear bit among bits [lo, hi) of the bitmap at `start`,
// beginning at *hint and wrapping once. Returns the bit's number, or 0.
static uint
bitmap_take(uint start, uint lo, uint hi, uint *hint)
{
    acquire(&hint_lock);
    uint from = *hint < lo || *hint >= hi ? lo : *hint;
    release(&hint_lock);
    uint bit = from;
    for (uint seen = 0; seen < hi - lo;) {
        struct buf *b = cache_get(start + bit / BPB);
        // Scan the rest of this bitmap block (or up to hi).
        uint end = (bit / BPB + 1) * BPB;
        end = end > hi ? hi : end;
        for (; bit < end; bit++, seen++) {
            uchar *byte = &b->data[(bit % BPB) / 8];
            if (*byte == 0xff && bit % 8 == 0 && bit + 8 <= end) {
                bit += 7, seen += 7; // a full byte: skip it whole
                continue;
            }
            if (!(*byte & (1 << (bit % 8)))) {
                *byte |= 1 << (bit % 8);
                tx_add(b);
                cache_put(b);
                acquire(&hint_lock);
                *hint = bit + 1;
                release(&hint_lock);
                return bit;
            }
        }
        cache_put(b);
        if (bit >= hi)
            bit = lo;
    }
    return 0;
}

static void
bitmap_clear(uint start, uint bit)
{
    struct buf *b = cache_get(start + bit / BPB);
    uchar mask = 1 << (bit % 8);
    if (!(b->data[(bit % BPB) / 8] & mask))
        printf("fs: freeing bit %u of the bitmap at %u twice\n", bit, start);
    b->data[(bit % BPB) / 8] &= ~mask;
    tx_add(b);
    cache_put(b);
}

uint
block_alloc(void)
{
    uint bn = bitmap_take(fs_sb.bmapstart, fs_sb.datastart, fs_sb.size,
                          &block_hint);
    if (bn == 0)
        return 0;
    struct buf *b = cache_get_zeroed(bn);
    tx_add(b);
    cache_put(b);
    return bn;
}

void
block_free(uint bn)
{
    if (bn < fs_sb.datastart || bn >= fs_sb.size) {
        printf("fs: not freeing block %u outside the data area\n", bn);
        return;
    }
    bitmap_clear(fs_sb.bmapstart, bn);
}

uint
inode_num_alloc(void)
{
    return bitmap_take(fs_sb.imapstart, ROOTINO + 1, fs_sb.ninodes,
                       &inode_hint);
}

void
inode_num_free(uint inum)
{
    if (inum <= ROOTINO || inum >= fs_sb.ninodes)
        return;
    bitmap_clear(fs_sb.imapstart, inum);
}
