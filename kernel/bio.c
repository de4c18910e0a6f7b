// The buffer cache: NBUF block copies of the root disk, reused least recently
// used first, one sleep lock each. Knows blkdev_rw_block, not the log or files.
#include "types.h"
#include "param.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "buf.h"
#include "printf.h"
#include "proc.h"

static struct {
    // Guards the list, refcnt, dev and blockno of every buffer; the data
    // and valid are guarded by each buffer's sleep lock instead.
    struct spinlock lock;
    struct buf buf[NBUF];
    // Circular list through prev/next: head.next is the most recently
    // released buffer, head.prev the best candidate for reuse.
    struct buf head;
} bcache;

// Called once at boot, before any bread. Never fails.
void
binit(void)
{
    initlock(&bcache.lock, "bcache");
    bcache.head.next = &bcache.head;
    bcache.head.prev = &bcache.head;
    for (struct buf *b = bcache.buf; b < bcache.buf + NBUF; b++) {
        initsleeplock(&b->lock, "buffer");
        b->next = bcache.head.next;
        b->prev = &bcache.head;
        bcache.head.next->prev = b;
        bcache.head.next = b;
    }
}

// The buffer for (dev, blockno), locked, holding a reference. Its data is
// stale unless b->valid says otherwise.
static struct buf *
bget(uint dev, uint blockno)
{
    struct buf *b;

    acquire(&bcache.lock);
    for (;;) {
        for (b = bcache.head.next; b != &bcache.head; b = b->next) {
            if (b->dev == dev && b->blockno == blockno) {
                b->refcnt++;
                release(&bcache.lock);
                acquiresleep(&b->lock);
                return b;
            }
        }
        // Not cached: take the least recently used idle buffer. Changing
        // its identity under bcache.lock keeps two callers from caching
        // one block twice.
        for (b = bcache.head.prev; b != &bcache.head; b = b->prev) {
            if (b->refcnt == 0) {
                b->dev = dev;
                b->blockno = blockno;
                b->valid = 0;
                b->refcnt = 1;
                release(&bcache.lock);
                acquiresleep(&b->lock);
                return b;
            }
        }
        // Every buffer is in use (the log pins up to LOGSIZE, readers hold
        // one or two each): wait for one to be released. Each holder needs
        // at most one more, and the log's commit reads only cached blocks,
        // so the wait always ends.
        sleep(&bcache, &bcache.lock);
    }
}

// Locked buffer with the contents of the block. May sleep, also while every
// buffer is in use.
struct buf *
bread(uint dev, uint blockno)
{
    struct buf *b = bget(dev, blockno);

    if (!b->valid) {
        blkdev_rw_block(blockno, b->data, 0);
        b->valid = 1;
    }
    return b;
}

// Writes b's data to its home block now. The caller holds b's lock; file
// system code inside a transaction calls log_write instead.
void
bwrite(struct buf *b)
{
    if (!holdingsleep(&b->lock))
        panic("bwrite: buffer not locked");
    blkdev_rw_block(b->blockno, b->data, 1);
}

// Unlocks b and drops the caller's reference; an idle buffer moves to the
// front of the list so it is the last to be reused.
void
brelse(struct buf *b)
{
    if (!holdingsleep(&b->lock))
        panic("brelse: buffer not locked");
    releasesleep(&b->lock);

    acquire(&bcache.lock);
    b->refcnt--;
    if (b->refcnt == 0) {
        wakeup(&bcache);
        b->next->prev = b->prev;
        b->prev->next = b->next;
        b->next = bcache.head.next;
        b->prev = &bcache.head;
        bcache.head.next->prev = b;
        bcache.head.next = b;
    }
    release(&bcache.lock);
}

// An extra reference keeps a logged block cached (and its data, which is
// newer than the disk) until the log has installed it.
void
bpin(struct buf *b)
{
    acquire(&bcache.lock);
    b->refcnt++;
    release(&bcache.lock);
}

// Drops the reference taken by bpin.
void
bunpin(struct buf *b)
{
    acquire(&bcache.lock);
    if (--b->refcnt == 0)
        wakeup(&bcache);
    release(&bcache.lock);
}
