// The buffer cache: one 4 KiB block of the file system per buffer, found
// by hash, reused least-recently-released first (kernel/fs/cache.c).
#ifndef LAZYOS_CACHE_H
#define LAZYOS_CACHE_H

#include "types.h"
#include "sleeplock.h"

struct buf {
    uint blockno;
    int valid;   // data holds the block (read, or written by us)
    int refs;    // holders, the journal's pin included (cache lock)
    int in_tx;   // in the running transaction (journal lock)
    int in_log;  // committed, not yet installed at home (journal lock)
    struct sleeplock lock; // held while data is read or changed
    struct buf *hnext;     // hash chain
    struct buf *older;     // LRU list of unheld buffers (refs == 0)
    struct buf *newer;
    uchar *data;           // one page
};

// Takes 1/32 of the free pages (64..8192 buffers). Called once at boot.
void cache_init(void);
// Buffers in the cache (the journal sizes its transactions from it).
int cache_size(void);
// The buffer for blockno, locked, holding the block. Sleeps while every
// buffer is held. Panics on a disk error (see blkdev_rw).
struct buf *cache_get(uint blockno);
// As cache_get for a block about to be fully overwritten: no disk read,
// data zeroed.
struct buf *cache_get_zeroed(uint blockno);
// Unlocks b and drops the caller's hold on it.
void cache_put(struct buf *b);
// An extra hold that keeps b cached (the journal pins its blocks).
void cache_pin(struct buf *b);
void cache_unpin(struct buf *b);
// Reads those of blocks[0..n-1] that are not cached, in the background of
// a sequential read; skips any it cannot get without waiting.
// At most RA_CHUNK blocks a call.
#define RA_CHUNK 32
void cache_readahead(const uint *blocks, int n);

#endif
