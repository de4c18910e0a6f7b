// The buffer cache: one BSIZE block of the root disk per buffer, LRU reuse.
#ifndef LAZYOS_BUF_H
#define LAZYOS_BUF_H

#include "fs.h"
#include "sleeplock.h"

struct buf {
    int valid;   // data holds the block's contents
    uint dev;
    uint blockno;
    struct sleeplock lock;
    uint refcnt;
    struct buf *prev; // LRU list, most recently used first
    struct buf *next;
    uchar data[BSIZE];
};

void binit(void);
// Locked buffer holding block blockno of dev (read from disk if needed).
// Sleeps while every buffer is in use.
struct buf *bread(uint dev, uint blockno);
void bwrite(struct buf *b); // b must be locked
void brelse(struct buf *b); // unlocks and releases b
void bpin(struct buf *b);   // keep b cached until bunpin (the log uses it)
void bunpin(struct buf *b);

// The root disk as the buffer cache sees it (blkdev.c): transfers one
// BSIZE block. Panics on an I/O error (the file system cannot go on).
void blkdev_rw_block(uint blockno, void *data, int write);
// Picks the root disk among the registered ones; 0, or -1 if there is none.
int blkdev_init(void);
// Finds the file system's partition on the root disk (GPT, MBR or the whole
// disk). Reads the disk, so it runs in the first process; panics if a
// partition table names nothing usable.
void blkdev_find_fs(void);

#endif
