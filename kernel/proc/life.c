// A process's life: fork, the break, exit and wait, and the family tree
// (parent, child list) that exit and wait share under tree_lock.
// Address spaces are kernel/mm/'s: each step here is one call into it.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "spinlock.h"
#include "proc.h"
#include "kalloc.h"
#include "klib.h"
#include "printf.h"
#include "vm.h"
#include "mmap.h"
#include "fpu.h"
#include "file.h"
#include "inode.h"
#include "trap.h"

// The family tree and the exit/wait hand-over; first in the lock order.
static struct spinlock tree_lock = {.name = "tree"};

// tree_lock held.
static void
adopt(struct proc *parent, struct proc *child)
{
    child->parent = parent;
    child->sibling = parent->children;
    parent->children = child;
}

// The parts of p that np starts with; np->lock held.
static int
copy_into(struct proc *p, struct proc *np)
{
    // Pages are shared copy-on-write, and only those that exist: a huge,
    // mostly untouched heap costs what its touched pages cost.
    if (uvm_copy(p->pagetable, np->pagetable, 0, PGROUNDUP(p->sz)) < 0 ||
        mmap_fork(p, np) < 0)
        return -1;
    np->sz = p->sz;
    np->heap_start = p->heap_start;
    np->resident = np->peak_resident = p->resident;
    *np->trapframe = *p->trapframe;
    np->trapframe->a0 = 0; // what fork returns in the child
    fpu_sync(p);
    np->fp = p->fp;
    np->fp_used = p->fp_used;
    for (int fd = 0; fd < NOFILE; fd++)
        if (p->ofile[fd])
            np->ofile[fd] = filedup(p->ofile[fd]);
    np->cwd = idup(p->cwd);
    safestrcpy(np->name, p->name, sizeof(np->name));
    np->pgid = p->pgid;
    np->last_cpu = cpuid(); // a hint only: any hart index will do
    np->start_tick = ticks;
    return 0;
}

int
fork(void)
{
    struct proc *p = myproc();
    if (mmap_fork_prepare(p) < 0) // may sleep: before any lock is held
        return -1;
    struct proc *np = proc_alloc();
    if (np == 0)
        return -1;
    if (copy_into(p, np) < 0) {
        proc_free(np);
        release(&np->lock);
        return -1;
    }
    int pid = np->pid;
    release(&np->lock);
    // tree_lock comes before p->lock: take it with no proc lock held.
    acquire(&tree_lock);
    adopt(p, np);
    release(&tree_lock);
    acquire(&np->lock);
    runq_add(np);
    release(&np->lock);
    return pid;
}

int64
growproc(int64 n)
{
    struct proc *p = myproc();
    uint64 old = p->sz, new = old + n;
    // Growing only moves the break: pages arrive on first touch. The limit
    // is the lowest mapping, or the trapframe; below the heap
    // lie text and stack, which sbrk may not take away.
    if (n > 0 && (new < old || new > mmap_heap_limit(p)))
        return -1;
    if (n < 0 && (new > old || new < p->heap_start))
        return -1;
    if (n < 0) {
        proc_note_resident(p); // the peak may be what we are giving back
        uint64 freed = uvm_dealloc(p->pagetable, old, new);
        p->resident -= freed;
        if (freed)
            sfence_vma(); // the pages are back in the pool: drop stale TLB entries
    }
    p->sz = new;
    return old;
}

// Hands p's children to init; tree_lock held. Init is woken if one of
// them has already exited, or it would never look.
static void
orphan_children(struct proc *p)
{
    int zombie = 0;
    while (p->children) {
        struct proc *c = p->children;
        p->children = c->sibling;
        zombie |= c->state == P_ZOMBIE; // set under tree_lock: stable here
        adopt(initproc, c);
    }
    if (zombie)
        waitq_wake_all(&initproc->child_wq);
}

void
exit(int status)
{
    struct proc *p = myproc();
    if (p == initproc)
        panic("init exiting");
    mmap_release(p, p->pagetable); // writes shared file pages back
    // Files and the directory first: closing may sleep, so no locks yet.
    for (int fd = 0; fd < NOFILE; fd++) {
        if (p->ofile[fd]) {
            fileclose(p->ofile[fd]);
            p->ofile[fd] = 0;
        }
    }
    iput(p->cwd); // its own transaction, if it frees the directory
    p->cwd = 0;
    proc_note_resident(p);

    acquire(&tree_lock);
    orphan_children(p);
    // The parent checks for zombies under tree_lock, which we hold until
    // we are one: the wake cannot fall between its check and its sleep.
    waitq_wake_all(&p->parent->child_wq);
    acquire(&p->lock);
    p->xstate = status;
    p->end_tick = ticks;
    p->state = P_ZOMBIE;
    release(&tree_lock);
    sched();
    panic("zombie ran");
}

// Unlinks child c from parent p's list; tree_lock held.
static void
unlink_child(struct proc *p, struct proc *c)
{
    struct proc **pp = &p->children;
    while (*pp != c)
        pp = &(*pp)->sibling;
    *pp = c->sibling;
}

// tree_lock held. Reaps one zombie child of p: its pid, -2 if the status
// or usage could not be copied out (the child stays), 0 if none is dead.
static int
reap_one(struct proc *p, uint64 status_va, uint64 usage_va)
{
    for (struct proc *c = p->children; c; c = c->sibling) {
        acquire(&c->lock);
        if (c->state != P_ZOMBIE) {
            release(&c->lock);
            continue;
        }
        struct usage u = {.ticks = c->end_tick - c->start_tick,
                          .faults = c->faults,
                          .peak_resident_pages = c->peak_resident};
        int pid = c->pid;
        if ((status_va && copyout(p->pagetable, status_va, &c->xstate,
                                  sizeof(c->xstate)) < 0) ||
            (usage_va && copyout(p->pagetable, usage_va, &u, sizeof(u)) < 0))
            pid = -2;
        else {
            unlink_child(p, c);
            proc_free(c);
        }
        release(&c->lock);
        return pid;
    }
    return 0;
}

int
wait_usage(uint64 status_va, uint64 usage_va)
{
    struct proc *p = myproc();
    acquire(&tree_lock);
    for (;;) {
        int pid = p->children ? reap_one(p, status_va, usage_va) : -1;
        if (pid != 0 || killed(p)) {
            release(&tree_lock);
            return pid > 0 ? pid : -1;
        }
        waitq_sleep(&p->child_wq, &tree_lock);
    }
}

int
wait(uint64 status_va)
{
    return wait_usage(status_va, 0);
}
