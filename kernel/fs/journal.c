// The journal: a redo log with group commit and lazy installation.
// Operations reserve room and join the running transaction; the last one
// to end commits it with one write (header and copies, checksummed). The
// blocks stay pinned in the cache and go home together at a checkpoint,
// when the log is nearly full.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "kalloc.h"
#include "klib.h"
#include "printf.h"
#include "proc.h"
#include "fs.h"
#include "blkdev.h"
#include "cache.h"
#include "journal.h"

// The running transaction's pointers fill a page; the logged blocks'
// pointers a static array.
#define MAX_PTRS (PGSIZE / sizeof(struct buf *))
#define MAX_LOGGED 2048
static struct buf *logged_bufs[MAX_LOGGED];

static struct {
    struct spinlock lock; // everything below
    uint anchor;          // the anchor block; the log follows it
    uint logsize;         // blocks in the log
    int capacity;         // blocks one transaction may hold
    int outstanding;      // operations admitted and not ended
    int reserved;         // their reservations, summed
    int committing;       // a commit is writing: nobody joins
    uint pos;             // next free log block (from anchor + 1)
    uint64 seq;           // the running transaction's number
    int n;                // blocks in the running transaction
    struct buf **tx;      // its buffers, pinned
    int nlogged;          // committed, not yet installed
    struct buf **logged;  // their buffers, pinned until the checkpoint
    int max_logged;       // checkpoint before more would be pinned
    struct jheader *head; // page a header is built in
} jr;

static void
write_anchor(uint64 first_seq)
{
    uchar *page = (uchar *)jr.head;
    memset(page, 0, BSIZE);
    jr.head->magic = JANCHOR;
    jr.head->seq = first_seq;
    blkdev_rw(jr.anchor, &page, 1, 1);
}

// jtx_sum's reader: copy i of the transaction at log block *pos.
static int
read_copy(void *pos, uint i, void *buf)
{
    uchar *page = buf;
    blkdev_rw(jr.anchor + 2 + *(uint *)pos + i, &page, 1, 0);
    return 0;
}

// Reads the transaction at log block pos into hdr and checks it against
// seq and its checksum; copies go through scratch. Returns its count, or
// -1 if it is not a whole committed transaction.
static int
read_tx(uint pos, uint64 seq, struct jheader *hdr, uchar *scratch)
{
    uchar *page = (uchar *)hdr;
    if (pos + 1 > jr.logsize)
        return -1;
    blkdev_rw(jr.anchor + 1 + pos, &page, 1, 0);
    if (!jtx_header_ok(hdr, seq, pos, jr.logsize))
        return -1;
    return jtx_sum(hdr, read_copy, &pos, scratch) == hdr->sum
               ? (int)hdr->count
               : -1;
}

// Installs every whole transaction the log holds, in order, then moves
// the anchor past them. Installing twice is harmless: later transactions
// overwrite earlier ones in the same order each time.
static void
replay(uchar *scratch)
{
    uchar *page = (uchar *)jr.head;
    blkdev_rw(jr.anchor, &page, 1, 0);
    if (jr.head->magic != JANCHOR)
        panic("journal: no anchor block");
    uint64 seq = jr.head->seq;
    struct jheader *hdr = kalloc();
    if (hdr == 0)
        panic("journal: out of memory");
    int count, replayed = 0;
    for (uint pos = 0; (count = read_tx(pos, seq, hdr, scratch)) >= 0;) {
        for (int i = 0; i < count; i++) {
            blkdev_rw(jr.anchor + 2 + pos + i, &scratch, 1, 0);
            blkdev_rw(hdr->home[i], &scratch, 1, 1);
        }
        pos += 1 + count;
        seq++;
        replayed++;
    }
    kfree(hdr);
    if (replayed)
        printf("journal: replayed %d transactions\n", replayed);
    jr.seq = seq;
    write_anchor(seq);
}

void
journal_init(const struct superblock *sb)
{
    initlock(&jr.lock, "journal");
    jr.anchor = sb->journalstart;
    jr.logsize = sb->njournal - 1;
    jr.tx = kalloc();
    jr.logged = logged_bufs;
    jr.head = kzalloc();
    uchar *scratch = kalloc();
    if (!jr.tx || !jr.head || !scratch)
        panic("journal: out of memory");
    replay(scratch);
    kfree(scratch);
    // A quarter of the log, so several commits share a checkpoint; at
    // most a quarter of the cache, which must also hold what is logged.
    int cap = jr.logsize / 4 - 1;
    cap = cap > (int)JHEAD_MAX ? (int)JHEAD_MAX : cap;
    cap = cap > (int)MAX_PTRS ? (int)MAX_PTRS : cap;
    cap = cap > cache_size() / 4 ? cache_size() / 4 : cap;
    // The largest operation (creating a directory) reserves 32 blocks.
    if (cap < 40)
        panic("journal: %u blocks leave transactions of %d blocks; "
              "at least 40 are needed", sb->njournal, cap);
    jr.capacity = cap;
    jr.max_logged = cache_size() / 2;
    jr.max_logged = jr.max_logged > MAX_LOGGED ? MAX_LOGGED : jr.max_logged;
    printf("journal: %u blocks, %d per transaction\n", sb->njournal, cap);
}

int
journal_capacity(void)
{
    return jr.capacity;
}

void
tx_begin(int reserve)
{
    if (reserve > jr.capacity || reserve <= 0)
        panic("tx_begin: reserve %d of %d", reserve, jr.capacity);
    acquire(&jr.lock);
    while (jr.committing || jr.n + jr.reserved + reserve > jr.capacity)
        sleep(&jr, &jr.lock);
    jr.outstanding++;
    jr.reserved += reserve;
    release(&jr.lock);
}

void
tx_add(struct buf *b)
{
    acquire(&jr.lock);
    if (!b->in_tx) {
        if (jr.outstanding == 0 || jr.n == jr.capacity)
            panic("tx_add: block %u outside a transaction or over budget",
                  b->blockno);
        b->in_tx = 1;
        cache_pin(b);
        jr.tx[jr.n++] = b;
    }
    release(&jr.lock);
}

// Sorts bufs by home block, so runs of consecutive blocks go out as one
// request. Insertion sort: blocks mostly arrive in order already.
static void
sort_blocks(struct buf **bufs, int n)
{
    for (int i = 1; i < n; i++) {
        struct buf *b = bufs[i];
        int j = i;
        for (; j > 0 && bufs[j - 1]->blockno > b->blockno; j--)
            bufs[j] = bufs[j - 1];
        bufs[j] = b;
    }
}

// Writes `first` (if not 0) then the data of bufs[0..n-1] to consecutive
// blocks from `to`, in requests of at most 64 blocks.
static void
write_run(uint to, uchar *first, struct buf **bufs, int n)
{
    uchar *pages[64];
    int k = 0;
    if (first)
        pages[k++] = first;
    for (int i = 0; i < n; i++) {
        pages[k++] = bufs[i]->data;
        if (k == 64 || i == n - 1) {
            blkdev_rw(to, pages, k, 1);
            to += k;
            k = 0;
        }
    }
    if (k > 0) // only the header (an empty run)
        blkdev_rw(to, pages, k, 1);
}

// Installs every logged block at home and empties the log. Runs inside a
// commit: nobody changes a buffer meanwhile.
static void
checkpoint(void)
{
    sort_blocks(jr.logged, jr.nlogged);
    int start = 0;
    for (int i = 1; i <= jr.nlogged; i++)
        if (i == jr.nlogged ||
            jr.logged[i]->blockno != jr.logged[i - 1]->blockno + 1) {
            write_run(jr.logged[start]->blockno, 0, jr.logged + start,
                      i - start);
            start = i;
        }
    write_anchor(jr.seq); // from here on the log starts empty
    jr.pos = 0;
    for (int i = 0; i < jr.nlogged; i++) {
        jr.logged[i]->in_log = 0;
        cache_unpin(jr.logged[i]);
    }
    jr.nlogged = 0;
}

// Writes the running transaction to the log as one checksummed run; its
// blocks join the logged set, pinned until the checkpoint.
static void
commit(void)
{
    sort_blocks(jr.tx, jr.n);
    memset(jr.head, 0, BSIZE);
    jr.head->magic = JTXMAGIC;
    jr.head->count = jr.n;
    jr.head->seq = jr.seq;
    for (int i = 0; i < jr.n; i++)
        jr.head->home[i] = jr.tx[i]->blockno;
    uint64 h = jsum(JSUM_START, jr.head, BSIZE); // with sum still 0
    for (int i = 0; i < jr.n; i++)
        h = jsum(h, jr.tx[i]->data, BSIZE);
    jr.head->sum = h;
    write_run(jr.anchor + 1 + jr.pos, (uchar *)jr.head, jr.tx, jr.n);
    jr.pos += 1 + jr.n;
    jr.seq++;
    for (int i = 0; i < jr.n; i++) {
        struct buf *b = jr.tx[i];
        b->in_tx = 0;
        if (b->in_log) {
            cache_unpin(b); // the log's pin is enough
        } else {
            b->in_log = 1;
            jr.logged[jr.nlogged++] = b;
        }
    }
    jr.n = 0;
    // The next transaction must fit in the log and in the cache.
    if (jr.pos + 1 + jr.capacity > jr.logsize ||
        jr.nlogged + jr.capacity > jr.max_logged)
        checkpoint();
}

void
tx_end(int reserve)
{
    acquire(&jr.lock);
    jr.outstanding--;
    jr.reserved -= reserve;
    if (jr.outstanding == 0 && jr.n > 0) {
        jr.committing = 1;
        release(&jr.lock);
        commit();
        acquire(&jr.lock);
        jr.committing = 0;
    }
    // Freed reservations (or a finished commit) may admit waiters.
    wakeup(&jr);
    release(&jr.lock);
}
