// Open files: a pool of entries handed out from a free list, and reads,
// writes and stat on inodes (in journal-sized chunks), pipes and devices.
// System-call argument handling lives in sys_fd.c and sys_name.c.
#include "types.h"
#include "param.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "proc.h"
#include "printf.h"
#include "vm.h"
#include "stat.h"
#include "fs.h"
#include "journal.h"
#include "inode.h"
#include "file.h"
#include "mmap.h"

// A write within one block: the block, three index blocks, four bits, the
// inode (see write_reserve).
#define ONE_BLOCK_WORST 9

struct devsw devsw[NDEV]; // filled in by the drivers (console.c)

static struct {
    struct spinlock lock; // ref and the free list
    struct file pool[NFILE];
    struct file *free;
} ftable;

void
file_table_init(void)
{
    initlock(&ftable.lock, "ftable");
    for (int i = NFILE - 1; i >= 0; i--) {
        ftable.pool[i].next_free = ftable.free;
        ftable.free = &ftable.pool[i];
    }
}

struct file *
filealloc(void)
{
    acquire(&ftable.lock);
    struct file *f = ftable.free;
    if (f) {
        ftable.free = f->next_free;
        f->ref = 1;
        f->type = FD_NONE;
        f->pipe = 0;
        f->ip = 0;
        f->off = 0;
    }
    release(&ftable.lock);
    return f;
}

struct file *
filedup(struct file *f)
{
    acquire(&ftable.lock);
    if (f->ref < 1)
        panic("filedup: closed file");
    f->ref++;
    release(&ftable.lock);
    return f;
}

void
fileclose(struct file *f)
{
    acquire(&ftable.lock);
    if (f->ref < 1)
        panic("fileclose: closed file");
    if (--f->ref > 0) {
        release(&ftable.lock);
        return;
    }
    // Last reference: take what the entry held, then give it back before
    // the (possibly sleeping) release of the pipe or inode.
    struct file copy = *f;
    f->type = FD_NONE;
    f->next_free = ftable.free;
    ftable.free = f;
    release(&ftable.lock);
    if (copy.type == FD_PIPE)
        pipeclose(copy.pipe, copy.writable);
    else if (copy.type == FD_INODE || copy.type == FD_DEVICE)
        iput(copy.ip);
}

int
filestat(struct file *f, uint64 addr)
{
    struct stat st;
    if (f->type != FD_INODE && f->type != FD_DEVICE)
        return -1;
    ilock(f->ip);
    stati(f->ip, &st);
    iunlock(f->ip);
    return copyout(myproc()->pagetable, addr, (char *)&st, sizeof(st));
}

// Reads in chunks of at most 1 MiB, so a killed reader stops soon.
static int
inode_read(struct file *f, uint64 addr, int n)
{
    const int chunk = 1 << 20;
    int done = 0;
    while (done < n) {
        if (done > 0 && killed(myproc()))
            break;
        int want = n - done < chunk ? n - done : chunk;
        // Mapped file pages first, with no lock held (mmap.h says why).
        mmap_prefault(myproc(), addr + done, want, 1);
        ilock(f->ip);
        int r = readi(f->ip, 1, addr + done, f->off, want);
        if (r > 0)
            f->off += r;
        iunlock(f->ip);
        if (r < 0)
            return done > 0 ? done : -1;
        done += r;
        if (r < want)
            break; // end of file
    }
    return done;
}

// Writes one transaction per chunk; the chunk is what half the journal's
// capacity can carry (see write_chunk).
static int
inode_write(struct file *f, uint64 addr, int n)
{
    int budget = journal_capacity() / 2, done = 0;
    while (done < n) {
        if (done > 0 && killed(myproc()))
            break;
        uint k = write_chunk(f->off, budget);
        if (k > (uint)(n - done))
            k = n - done;
        // Another process sharing f may move the offset before we lock:
        // reserve at least a one-block write's worst case, and shrink to
        // the reservation once the offset is fixed.
        mmap_prefault(myproc(), addr + done, k, 0);
        int reserve = write_reserve(f->off, k);
        reserve = reserve < ONE_BLOCK_WORST ? ONE_BLOCK_WORST : reserve;
        tx_begin(reserve);
        ilock(f->ip);
        if (write_reserve(f->off, k) > reserve &&
            write_chunk(f->off, reserve) < k)
            k = write_chunk(f->off, reserve);
        int r = writei(f->ip, 1, addr + done, f->off, k);
        if (r > 0)
            f->off += r;
        iunlock(f->ip);
        tx_end(reserve);
        if (r < 0)
            break;
        done += r;
        if ((uint)r < k)
            break; // the disk is full, or a bad address
    }
    return done > 0 || n == 0 ? done : -1;
}

int
fileread(struct file *f, uint64 addr, int n)
{
    if (!f->readable || n < 0)
        return -1;
    if (f->type == FD_PIPE)
        return piperead(f->pipe, addr, n);
    if (f->type == FD_DEVICE) {
        if (f->major < 0 || f->major >= NDEV || !devsw[f->major].read)
            return -1;
        return devsw[f->major].read(1, addr, n);
    }
    if (f->type == FD_INODE)
        return inode_read(f, addr, n);
    return -1;
}

int
filewrite(struct file *f, uint64 addr, int n)
{
    if (!f->writable || n < 0)
        return -1;
    if (f->type == FD_PIPE)
        return pipewrite(f->pipe, addr, n);
    if (f->type == FD_DEVICE) {
        if (f->major < 0 || f->major >= NDEV || !devsw[f->major].write)
            return -1;
        return devsw[f->major].write(1, addr, n);
    }
    if (f->type == FD_INODE)
        return inode_write(f, addr, n);
    return -1;
}
