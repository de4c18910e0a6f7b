// The buffer cache: a fixed set of page-sized buffers, sized from RAM at
// boot, found through a hash of block numbers and recycled in LRU order.
// Knows blkdev_rw and the sleep locks; nothing of inodes or the journal.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "kalloc.h"
#include "klib.h"
#include "printf.h"
#include "proc.h"
#include "blkdev.h"
#include "cache.h"

#define NBUCKET 1024 // power of two; at most 8 buffers a chain on average
#define MIN_BUFS 256 // transactions need 32 (see sys_name.c)
#define MAX_BUFS 8192

static struct {
    struct spinlock lock; // chains, refs, the LRU list, blockno
    int nbuf;
    struct buf *bucket[NBUCKET];
    struct buf *oldest; // LRU ends; unheld buffers only
    struct buf *newest;
} cache;

void
cache_init(void)
{
    initlock(&cache.lock, "cache");
    int want = kalloc_free_pages() / 32;
    want = want < MIN_BUFS ? MIN_BUFS : want > MAX_BUFS ? MAX_BUFS : want;
    int per_page = PGSIZE / sizeof(struct buf);
    struct buf *hdrs = 0;
    for (int i = 0; i < want; i++) {
        if (i % per_page == 0 && (hdrs = kzalloc()) == 0)
            panic("cache: out of memory");
        struct buf *b = &hdrs[i % per_page];
        if ((b->data = kalloc()) == 0)
            panic("cache: out of memory");
        b->blockno = ~0u; // no block: never matches a lookup
        initsleeplock(&b->lock, "buffer");
        b->newer = cache.oldest; // all start unheld, in any order
        if (cache.oldest)
            cache.oldest->older = b;
        else
            cache.newest = b;
        cache.oldest = b;
        cache.nbuf++;
    }
    printf("cache: %d buffers (%d KiB)\n", cache.nbuf, cache.nbuf * 4);
}

int
cache_size(void)
{
    return cache.nbuf;
}

static struct buf **
chain(uint blockno)
{
    return &cache.bucket[(blockno * 2654435761u) % NBUCKET];
}

static void
lru_remove(struct buf *b)
{
    if (b->older)
        b->older->newer = b->newer;
    else
        cache.oldest = b->newer;
    if (b->newer)
        b->newer->older = b->older;
    else
        cache.newest = b->older;
    b->older = b->newer = 0;
}

static void
chain_remove(struct buf *b)
{
    for (struct buf **pp = chain(b->blockno); *pp; pp = &(*pp)->hnext)
        if (*pp == b) {
            *pp = b->hnext;
            return;
        }
}

// Takes a hold on blockno's buffer, recycling the least recently released
// buffer on a miss. Returns with cache.lock held; 0 only if `wait` is 0
// and no buffer is free.
static struct buf *
hold(uint blockno, int wait)
{
    for (;;) {
        for (struct buf *b = *chain(blockno); b; b = b->hnext)
            if (b->blockno == blockno) {
                if (b->refs++ == 0)
                    lru_remove(b);
                return b;
            }
        struct buf *b = cache.oldest;
        if (b) {
            lru_remove(b);
            if (b->blockno != ~0u)
                chain_remove(b);
            b->blockno = blockno;
            b->valid = 0;
            b->refs = 1;
            b->hnext = *chain(blockno);
            *chain(blockno) = b;
            return b;
        }
        if (!wait)
            return 0;
        // Every buffer is held: the journal keeps its pins below a quarter
        // of the cache, so holders release soon.
        sleep(&cache, &cache.lock);
    }
}

// The buffer of blockno, held and locked, its contents as they are.
static struct buf *
get_locked(uint blockno)
{
    acquire(&cache.lock);
    struct buf *b = hold(blockno, 1);
    release(&cache.lock);
    acquiresleep(&b->lock);
    return b;
}

struct buf *
cache_get(uint blockno)
{
    struct buf *b = get_locked(blockno);
    if (!b->valid) {
        blkdev_rw(blockno, &b->data, 1, 0);
        b->valid = 1;
    }
    return b;
}

struct buf *
cache_get_zeroed(uint blockno)
{
    struct buf *b = get_locked(blockno);
    memset(b->data, 0, PGSIZE);
    b->valid = 1;
    return b;
}

// Drops one hold with cache.lock held; the last puts b at the new end of
// the LRU list.
static void
unhold_locked(struct buf *b)
{
    if (--b->refs == 0) {
        b->older = cache.newest;
        b->newer = 0;
        if (cache.newest)
            cache.newest->newer = b;
        else
            cache.oldest = b;
        cache.newest = b;
        wakeup(&cache);
    }
}

static void
unhold(struct buf *b)
{
    acquire(&cache.lock);
    unhold_locked(b);
    release(&cache.lock);
}

void
cache_put(struct buf *b)
{
    releasesleep(&b->lock);
    unhold(b);
}

void
cache_pin(struct buf *b)
{
    acquire(&cache.lock);
    b->refs++;
    release(&cache.lock);
}

void
cache_unpin(struct buf *b)
{
    unhold(b);
}

// Reads run[0..n-1] (held, locked, consecutive blocks) in one request.
static void
fill_run(struct buf **run, int n)
{
    uchar *pages[RA_CHUNK] = {0};
    for (int i = 0; i < n; i++)
        pages[i] = run[i]->data;
    blkdev_rw(run[0]->blockno, pages, n, 0);
    for (int i = 0; i < n; i++) {
        run[i]->valid = 1;
        cache_put(run[i]);
    }
}

// A buffer for blockno that only we hold and that is not yet read, locked;
// 0 if the block is cached, in use, or no buffer is free.
static struct buf *
claim_unread(uint blockno)
{
    acquire(&cache.lock);
    struct buf *b = hold(blockno, 0);
    if (b && (b->valid || b->refs > 1)) {
        unhold_locked(b);
        b = 0;
    }
    release(&cache.lock);
    // Only we hold it, so its lock is free (a later cache_get waits here).
    if (b)
        acquiresleep(&b->lock);
    return b;
}

void
cache_readahead(const uint *blocks, int n)
{
    struct buf *run[RA_CHUNK];
    int len = 0;
    for (int i = 0; i < n && i < RA_CHUNK; i++) {
        struct buf *b = blocks[i] ? claim_unread(blocks[i]) : 0;
        if (len > 0 && (!b || blocks[i] != run[len - 1]->blockno + 1)) {
            fill_run(run, len);
            len = 0;
        }
        if (b)
            run[len++] = b;
    }
    if (len > 0)
        fill_run(run, len);
}
