// Write-ahead log: groups the block writes of concurrent file-system calls
// into one transaction that reaches the disk all or nothing. Knows the buffer
// cache and the on-disk log region, not inodes or files.
//
// A transaction's blocks stay pinned in the buffer cache until commit, which
// copies them into the log, writes the header (the commit point), installs
// them at home and clears the header. Boot replays a committed header.
#include "types.h"
#include "param.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "fs.h"
#include "buf.h"
#include "log.h"
#include "proc.h"
#include "printf.h"
#include "klib.h"

static struct {
    struct spinlock lock;
    uint dev;
    uint start;          // header block; log data follows it
    uint fs_size;        // blocks in the file system, to sanity-check headers
    int outstanding;     // operations between begin_op and end_op
    int committing;      // commit() running: no new operations may start
    struct logheader lh; // home blocks of the open transaction
} wal;

// Header I/O goes straight to the disk through this block so that commit
// never needs a free cache buffer; only the (single) committer touches it.
static uchar hdr_block[BSIZE] __attribute__((aligned(16)));

static void
write_head(void)
{
    memset(hdr_block, 0, BSIZE);
    memmove(hdr_block, &wal.lh, sizeof(wal.lh));
    blkdev_rw_block(wal.start, hdr_block, 1);
}

static void
read_head(void)
{
    blkdev_rw_block(wal.start, hdr_block, 0);
    memmove(&wal.lh, hdr_block, sizeof(wal.lh));
    // A header we did not write would make us scribble over the disk.
    if (wal.lh.n > LOGSIZE)
        panic("log: header claims %d blocks", wal.lh.n);
    for (uint i = 0; i < wal.lh.n; i++)
        if (wal.lh.block[i] >= wal.fs_size)
            panic("log: header names block %d", wal.lh.block[i]);
}

// Copies each logged block from the cache into its log slot. The blocks are
// pinned, so bread finds them cached and needs no free buffer.
static void
write_log_blocks(void)
{
    for (uint i = 0; i < wal.lh.n; i++) {
        struct buf *b = bread(wal.dev, wal.lh.block[i]);
        blkdev_rw_block(wal.start + 1 + i, b->data, 1);
        brelse(b);
    }
}

// Writes the logged blocks to their home locations. At boot (recovering)
// their contents come from the log; otherwise the pinned cache copies are
// current and lose their pin here.
static void
install(int recovering)
{
    for (uint i = 0; i < wal.lh.n; i++) {
        struct buf *b = bread(wal.dev, wal.lh.block[i]);
        if (recovering)
            blkdev_rw_block(wal.start + 1 + i, b->data, 0);
        bwrite(b);
        if (!recovering)
            bunpin(b);
        brelse(b);
    }
}

// Called with committing set and no operation outstanding, so nobody else
// reads or changes wal.lh.
static void
commit(void)
{
    if (wal.lh.n == 0)
        return;
    write_log_blocks();
    write_head(); // the transaction is now durable
    install(0);
    wal.lh.n = 0;
    write_head(); // a crash from here on replays nothing
}

// Sets up the log of the file system described by sb and replays any
// committed transaction left by a crash. Process context (it sleeps on I/O);
// panics if the image's log region cannot hold LOGSIZE blocks.
void
initlog(int dev, struct superblock *sb)
{
    if (sizeof(struct logheader) > BSIZE)
        panic("initlog: log header larger than a block");
    if (sb->nlog < LOGSIZE + 1)
        panic("initlog: image log has %d blocks, need %d", sb->nlog,
              LOGSIZE + 1);
    initlock(&wal.lock, "log");
    wal.dev = dev;
    wal.start = sb->logstart;
    wal.fs_size = sb->size;

    read_head();
    install(1);
    wal.lh.n = 0;
    write_head();
}

// Starts an operation. Waits while a commit runs, or while the log could not
// absorb MAXOPBLOCKS more blocks on top of what running operations reserve.
void
begin_op(void)
{
    acquire(&wal.lock);
    while (wal.committing ||
           wal.lh.n + (wal.outstanding + 1) * MAXOPBLOCKS > LOGSIZE)
        sleep(&wal, &wal.lock);
    wal.outstanding++;
    release(&wal.lock);
}

// Ends an operation; the last one out commits the shared transaction
// (sleeping for the disk) before returning.
void
end_op(void)
{
    int do_commit = 0;

    acquire(&wal.lock);
    if (wal.committing || wal.outstanding < 1)
        panic("end_op: no operation in progress");
    wal.outstanding--;
    if (wal.outstanding == 0) {
        do_commit = 1;
        wal.committing = 1;
    } else {
        // Our unused reservation may let a waiting begin_op in.
        wakeup(&wal);
    }
    release(&wal.lock);

    if (!do_commit)
        return;
    // No lock held across the disk writes: sleeping with a spinlock is
    // forbidden, and committing keeps everyone else out.
    commit();
    acquire(&wal.lock);
    wal.committing = 0;
    wakeup(&wal);
    release(&wal.lock);
}

// Records that b (locked, modified by the caller) belongs to the current
// transaction; the write happens at commit. Repeated writes of one block in
// a transaction take a single log slot. Panics outside an operation or when
// the transaction would overflow the log (a kernel bug: see MAXOPBLOCKS).
void
log_write(struct buf *b)
{
    uint i;

    acquire(&wal.lock);
    if (wal.outstanding < 1)
        panic("log_write: outside of an operation");
    for (i = 0; i < wal.lh.n; i++)
        if (wal.lh.block[i] == b->blockno)
            break;
    if (i == wal.lh.n) {
        if (wal.lh.n >= LOGSIZE)
            panic("log_write: transaction too big");
        wal.lh.block[i] = b->blockno;
        wal.lh.n++;
        bpin(b);
    }
    release(&wal.lock);
}
