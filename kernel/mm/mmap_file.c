// mmap's adapter over the file system (struct file, readi, writei, the
// journal). Everything mmap needs from files goes through here.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "fs.h"
#include "stat.h"
#include "journal.h"
#include "inode.h"
#include "file.h"
#include "proc.h"
#include "klib.h"
#include "mmap_abi.h"
#include "mmap_file.h"
#include "mmap_share.h"

// A page is one block, and mappings start at page-aligned offsets: one
// write-back is one block's write, one small transaction.
_Static_assert(BSIZE == PGSIZE, "write-back assumes a page is one block");
_Static_assert(MAXFILE_BLOCKS <= MSHARE_MAX_PAGES, "mmap_share.c: too small");

// Nonzero if this hart holds a spinlock (push_off depth beyond our own).
static int
spinlocks_held(void)
{
    push_off();
    int held = mycpu()->noff > 1;
    pop_off();
    return held;
}

int
mfile_check(struct file *f, int prot, int flags)
{
    if (f->type != FD_INODE || !f->readable)
        return -1;
    if ((flags & MAP_SHARED) && (prot & PROT_WRITE) && !f->writable)
        return -1;
    ilock(f->ip);
    int type = f->ip->type;
    iunlock(f->ip);
    return type == T_FILE ? 0 : -1;
}

int
mfile_may_wait(struct file *f)
{
    // A kernel copy may fault here holding a spinlock (pipes copy under
    // theirs): a disk read would sleep under it. And readi holds a buffer
    // of its inode while it copies out: taking that inode's lock again,
    // or waiting for another process that needs it, would never end.
    return !spinlocks_held() && !holdingsleep(&f->ip->lock);
}

uint64
mfile_key(struct file *f)
{
    // Every open file of one inode points at the same in-memory inode: the
    // key read() and write() use too, to keep in step with the pages.
    return mshare_key(f->ip);
}

int
mfile_read(struct file *f, uint64 off, void *page)
{
    struct inode *ip = f->ip;
    if (!mfile_may_wait(f))
        return -1; // failing the copy beats sleeping or deadlocking
    ilock(ip);
    // Under the lock: a write() may copy into a page being filled
    // (mshare_update), and only the lock orders its bytes and ours.
    memset(page, 0, PGSIZE);
    int r = off < ip->size ? readi(ip, 0, (uint64)page, off, PGSIZE) : 0;
    iunlock(ip);
    return r < 0 ? -1 : 0;
}

int
mfile_write(struct file *f, uint64 off, const void *page)
{
    struct inode *ip = f->ip;
    // Reserved for the whole page before the size is known; the clip
    // below only makes the write smaller.
    int reserve = write_reserve(off, PGSIZE);
    tx_begin(reserve);
    ilock(ip);
    uint64 n = 0;
    // Clip under the lock: the file may have shrunk since the fault, and
    // write-back never grows it.
    if (off < ip->size)
        n = ip->size - off < PGSIZE ? ip->size - off : PGSIZE;
    int r = n ? writei(ip, 0, (uint64)page, off, n) : 0;
    iunlock(ip);
    tx_end(reserve);
    return r == (int)n ? 0 : -1;
}

struct file *
mfile_dup(struct file *f)
{
    return filedup(f);
}

void
mfile_put(struct file *f)
{
    fileclose(f);
}
