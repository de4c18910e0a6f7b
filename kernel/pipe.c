// Pipes: a PIPESIZE-byte ring buffer between a read end and a write end,
// each an open file. Knows the file table and user copies, not inodes.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "file.h"
#include "proc.h"
#include "vm.h"
#include "kalloc.h"

#define PIPESIZE 512

struct pipe {
    struct spinlock lock;
    char data[PIPESIZE];
    // Free-running byte counts; PIPESIZE divides 2^32, so nwrite - nread is
    // the fill level even after they wrap.
    uint nread;
    uint nwrite;
    int readopen;  // read end still open
    int writeopen; // write end still open
};

_Static_assert(sizeof(struct pipe) <= PGSIZE, "a pipe must fit a page");

// Makes a pipe and its two open files: *f0 reads, *f1 writes. 0, or -1
// (nothing allocated) when the file table or memory is exhausted.
int
pipealloc(struct file **f0, struct file **f1)
{
    struct pipe *pi = kalloc();

    *f0 = filealloc();
    *f1 = filealloc();
    if (pi == 0 || *f0 == 0 || *f1 == 0) {
        if (pi)
            kfree(pi);
        // Still FD_NONE: closing them only frees the table entries.
        if (*f0)
            fileclose(*f0);
        if (*f1)
            fileclose(*f1);
        return -1;
    }
    initlock(&pi->lock, "pipe");
    pi->nread = pi->nwrite = 0;
    pi->readopen = pi->writeopen = 1;

    (*f0)->type = FD_PIPE;
    (*f0)->readable = 1;
    (*f0)->writable = 0;
    (*f0)->pipe = pi;
    (*f1)->type = FD_PIPE;
    (*f1)->readable = 0;
    (*f1)->writable = 1;
    (*f1)->pipe = pi;
    return 0;
}

// Closes one end (the write end if writable) and wakes whoever waits on
// the other; the second close frees the pipe.
void
pipeclose(struct pipe *pi, int writable)
{
    acquire(&pi->lock);
    if (writable) {
        pi->writeopen = 0;
        wakeup(&pi->nread); // readers now see end of file
    } else {
        pi->readopen = 0;
        wakeup(&pi->nwrite); // writers now fail
    }
    if (!pi->readopen && !pi->writeopen) {
        release(&pi->lock);
        kfree(pi);
        return;
    }
    release(&pi->lock);
}

// Bytes that can be copied in one piece starting at ring position pos:
// at most want, and never across the end of the buffer.
static uint
ring_span(uint pos, uint avail, uint want)
{
    uint span = PIPESIZE - pos % PIPESIZE;

    if (span > avail)
        span = avail;
    return span < want ? span : want;
}

// Writes n bytes from user address addr, sleeping while the pipe is full.
// Returns n; -1 if the read end is closed or the caller is killed first,
// or for a bad address before anything was written (a bad address later
// returns the bytes written so far).
int
pipewrite(struct pipe *pi, uint64 addr, int n)
{
    struct proc *p = myproc();
    int i = 0;

    acquire(&pi->lock);
    while (i < n) {
        if (!pi->readopen || killed(p)) {
            release(&pi->lock);
            return -1;
        }
        uint room = PIPESIZE - (pi->nwrite - pi->nread);
        if (room == 0) {
            wakeup(&pi->nread);
            sleep(&pi->nwrite, &pi->lock);
            continue;
        }
        // copyin under the spinlock is fine: it may take a lazy heap page
        // from kalloc, but never sleeps.
        uint m = ring_span(pi->nwrite, room, n - i);
        if (copyin(p->pagetable, &pi->data[pi->nwrite % PIPESIZE], addr + i,
                   m) < 0)
            break;
        pi->nwrite += m;
        i += m;
    }
    wakeup(&pi->nread);
    release(&pi->lock);
    return i > 0 || n == 0 ? i : -1;
}

// Reads up to n bytes into user address addr, sleeping while the pipe is
// empty and a writer remains. Returns the bytes read (0 at end of file),
// or -1 if the caller is killed while waiting or addr is bad.
int
piperead(struct pipe *pi, uint64 addr, int n)
{
    struct proc *p = myproc();
    int i = 0;

    if (n == 0)
        return 0; // nothing asked: do not wait for a writer
    acquire(&pi->lock);
    while (pi->nread == pi->nwrite && pi->writeopen) {
        if (killed(p)) {
            release(&pi->lock);
            return -1;
        }
        sleep(&pi->nread, &pi->lock);
    }
    // Two pieces at most: up to the end of the ring, then from its start.
    while (i < n && pi->nread != pi->nwrite) {
        uint m = ring_span(pi->nread, pi->nwrite - pi->nread, n - i);
        if (copyout(p->pagetable, addr + i, &pi->data[pi->nread % PIPESIZE],
                    m) < 0) {
            if (i == 0)
                i = -1;
            break;
        }
        pi->nread += m;
        i += m;
    }
    wakeup(&pi->nwrite);
    release(&pi->lock);
    return i;
}
