// Pipes: one page each, a small header followed by a ring of bytes.
// Readers and writers sleep on the ring's two counters; both check the
// killed flag whenever they wake, so a killed process never stays blocked.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "kalloc.h"
#include "vm.h"
#include "file.h"

struct pipe {
    struct spinlock lock;
    uint64 taken;  // bytes read so far
    uint64 put;    // bytes written so far; put - taken are waiting
    char reader;   // the read end is open
    char writer;   // the write end is open
    uchar ring[];  // the rest of the page
};

#define RING (PGSIZE - sizeof(struct pipe))

int
pipealloc(struct file **rd, struct file **wr)
{
    struct pipe *pi = kalloc();
    *rd = filealloc();
    *wr = filealloc();
    if (pi == 0 || *rd == 0 || *wr == 0) {
        if (pi)
            kfree(pi);
        if (*rd)
            fileclose(*rd); // still FD_NONE: only the entry goes back
        if (*wr)
            fileclose(*wr);
        return -1;
    }
    initlock(&pi->lock, "pipe");
    pi->taken = pi->put = 0;
    pi->reader = pi->writer = 1;
    (*rd)->type = (*wr)->type = FD_PIPE;
    (*rd)->pipe = (*wr)->pipe = pi;
    (*rd)->readable = 1;
    (*rd)->writable = 0;
    (*wr)->readable = 0;
    (*wr)->writable = 1;
    return 0;
}

void
pipeclose(struct pipe *pi, int writable)
{
    acquire(&pi->lock);
    if (writable)
        pi->writer = 0;
    else
        pi->reader = 0;
    wakeup(&pi->put);
    wakeup(&pi->taken);
    int last = !pi->reader && !pi->writer;
    release(&pi->lock);
    if (last)
        kfree(pi);
}

// Copies between the ring and user memory: at most the contiguous part
// from `pos`. Returns the bytes moved, or -1 for a bad address.
static int
ring_copy(struct pipe *pi, uint64 pos, uint64 addr, uint64 n, int to_user)
{
    uint64 at = pos % RING;
    if (n > RING - at)
        n = RING - at;
    pagetable_t pt = myproc()->pagetable;
    int r = to_user ? copyout(pt, addr, pi->ring + at, n)
                    : copyin(pt, pi->ring + at, addr, n);
    return r < 0 ? -1 : (int)n;
}

int
pipewrite(struct pipe *pi, uint64 addr, int n)
{
    struct proc *p = myproc();
    int done = 0;
    acquire(&pi->lock);
    while (done < n) {
        if (!pi->reader || killed(p)) {
            done = done > 0 && pi->reader ? done : -1;
            break;
        }
        uint64 room = RING - (pi->put - pi->taken);
        if (room == 0) {
            wakeup(&pi->put);
            sleep(&pi->taken, &pi->lock);
            continue;
        }
        uint64 want = (uint64)(n - done) < room ? (uint64)(n - done) : room;
        int r = ring_copy(pi, pi->put, addr + done, want, 0);
        if (r < 0) {
            done = done > 0 ? done : -1;
            break;
        }
        pi->put += r;
        done += r;
    }
    wakeup(&pi->put);
    release(&pi->lock);
    return done;
}

int
piperead(struct pipe *pi, uint64 addr, int n)
{
    struct proc *p = myproc();
    if (n == 0)
        return 0; // nothing asked: no reason to wait for data
    acquire(&pi->lock);
    while (pi->put == pi->taken && pi->writer) {
        if (killed(p)) {
            release(&pi->lock);
            return -1;
        }
        sleep(&pi->put, &pi->lock);
    }
    int done = 0;
    while (done < n && pi->put != pi->taken) {
        uint64 avail = pi->put - pi->taken;
        uint64 want = (uint64)(n - done) < avail ? (uint64)(n - done) : avail;
        int r = ring_copy(pi, pi->taken, addr + done, want, 1);
        if (r < 0) {
            done = done > 0 ? done : -1;
            break;
        }
        pi->taken += r;
        done += r;
    }
    wakeup(&pi->taken);
    release(&pi->lock);
    return done;
}
