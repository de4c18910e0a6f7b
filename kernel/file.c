// Open files: the system-wide file table and reads, writes and stat on
// inodes, pipes and devices. Knows the inode and pipe calls, not the disk
// format; system-call argument handling lives in sysfile.c.
#include "types.h"
#include "param.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "fs.h"
#include "log.h"
#include "inode.h"
#include "file.h"
#include "stat.h"
#include "proc.h"
#include "vm.h"
#include "printf.h"

struct devsw devsw[NDEV]; // filled in by the drivers (console.c)

static struct {
    struct spinlock lock; // guards ref and type of every entry
    struct file file[NFILE];
} ftable;

// Blocks one filewrite chunk may dirty besides its data: the inode, two
// bitmap blocks (an FSSIZE image has only two), and at most three index
// blocks (single indirect + double indirect + one second-level block, or
// double indirect + two second-level blocks when a chunk crosses a 256-block
// boundary). Chunks end on block boundaries, so they touch no extra block.
#define CHUNK_META (1 + 2 + 3)
#define CHUNK_BLOCKS (MAXOPBLOCKS - CHUNK_META)
_Static_assert(CHUNK_BLOCKS >= 1, "MAXOPBLOCKS too small for filewrite");

// Called once at boot. Never fails.
void
fileinit(void)
{
    initlock(&ftable.lock, "ftable");
}

// An unused file-table entry with ref 1 and type FD_NONE; 0 when the table
// is full.
struct file *
filealloc(void)
{
    acquire(&ftable.lock);
    for (struct file *f = ftable.file; f < ftable.file + NFILE; f++) {
        if (f->ref == 0) {
            f->ref = 1;
            f->type = FD_NONE;
            release(&ftable.lock);
            return f;
        }
    }
    release(&ftable.lock);
    return 0;
}

// Another reference to f (dup, fork). Panics on a closed file.
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

// Drops a reference; the last one releases the pipe end or the inode (in a
// transaction of its own: it may free an unlinked file). May sleep.
void
fileclose(struct file *f)
{
    struct file copy;

    acquire(&ftable.lock);
    if (f->ref < 1)
        panic("fileclose: closed file");
    if (--f->ref > 0) {
        release(&ftable.lock);
        return;
    }
    // Release the entry before the slow part, which may sleep.
    copy = *f;
    f->type = FD_NONE;
    release(&ftable.lock);

    if (copy.type == FD_PIPE) {
        pipeclose(copy.pipe, copy.writable);
    } else if (copy.type == FD_INODE || copy.type == FD_DEVICE) {
        begin_op();
        iput(copy.ip);
        end_op();
    }
}

// Copies the struct stat of f's inode to user address addr. 0, or -1 for a
// pipe or a bad address.
int
filestat(struct file *f, uint64 addr)
{
    struct stat st;

    if (f->type != FD_INODE && f->type != FD_DEVICE)
        return -1;
    ilock(f->ip);
    stati(f->ip, &st);
    iunlock(f->ip);
    return copyout(myproc()->pagetable, addr, &st, sizeof(st));
}

// Reads up to n bytes into user address addr; inode files advance their
// offset. Returns the bytes read (0 at end of file), or -1 on error.
int
fileread(struct file *f, uint64 addr, int n)
{
    int r;

    if (!f->readable || n < 0)
        return -1;
    switch (f->type) {
    case FD_PIPE:
        return piperead(f->pipe, addr, n);
    case FD_DEVICE:
        if (f->major < 0 || f->major >= NDEV || devsw[f->major].read == 0)
            return -1;
        return devsw[f->major].read(1, addr, n);
    case FD_INODE:
        ilock(f->ip);
        r = readi(f->ip, 1, addr, f->off, n);
        if (r > 0)
            f->off += r;
        iunlock(f->ip);
        return r;
    default:
        panic("fileread: bad file type %d", f->type);
    }
}

// Writes n bytes of an inode file in transactions of at most CHUNK_BLOCKS
// data blocks each, so one big write never overflows the log. Each chunk
// is atomic; the whole write is not.
static int
inode_write(struct file *f, uint64 addr, int n)
{
    int done = 0;

    while (done < n) {
        begin_op();
        ilock(f->ip);
        // End the chunk on a block boundary so it touches CHUNK_BLOCKS
        // blocks at most. Under the lock: a sharer may move f->off.
        int max = CHUNK_BLOCKS * BSIZE - f->off % BSIZE;
        int len = n - done < max ? n - done : max;
        int r = writei(f->ip, 1, addr + done, f->off, len);
        if (r > 0)
            f->off += r;
        iunlock(f->ip);
        end_op();

        if (r < 0)
            return -1;
        done += r;
        if (r != len)
            break; // disk full or file at MAXFILE
    }
    return done > 0 || n == 0 ? done : -1;
}

// Writes n bytes from user address addr. Returns the bytes written (fewer
// only if the disk or the file's maximum size is reached), or -1 on error.
int
filewrite(struct file *f, uint64 addr, int n)
{
    if (!f->writable || n < 0)
        return -1;
    switch (f->type) {
    case FD_PIPE:
        return pipewrite(f->pipe, addr, n);
    case FD_DEVICE:
        if (f->major < 0 || f->major >= NDEV || devsw[f->major].write == 0)
            return -1;
        return devsw[f->major].write(1, addr, n);
    case FD_INODE:
        return inode_write(f, addr, n);
    default:
        panic("filewrite: bad file type %d", f->type);
    }
}
