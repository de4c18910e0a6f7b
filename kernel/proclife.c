// A process's life: fork, growing the break, exit, wait, kill, and the
// one-line report when the kernel kills a process for a fault.
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
#include "fpu.h"
#include "file.h"
#include "inode.h"

// Held while changing any p->parent, and by wait(); taken before p->lock.
static struct spinlock wait_lock = {0, "wait_lock", 0};

int
fork(void)
{
    struct proc *p = myproc();
    struct proc *np = proc_alloc();
    if (np == 0)
        return -1;
    // Pages are shared copy-on-write, and only those that exist: a huge,
    // mostly untouched heap costs what its touched pages cost.
    if (uvm_copy(p->pagetable, np->pagetable, 0, PGROUNDUP(p->sz)) < 0) {
        proc_free(np);
        release(&np->lock);
        return -1;
    }
    np->sz = p->sz;
    np->heap_start = p->heap_start;
    np->resident = p->resident;
    *np->trapframe = *p->trapframe;
    np->trapframe->a0 = 0; // fork returns 0 in the child
    fpu_sync(p);
    np->fp = p->fp;
    np->fp_used = p->fp_used;
    for (int i = 0; i < NOFILE; i++)
        if (p->ofile[i])
            np->ofile[i] = filedup(p->ofile[i]);
    np->cwd = idup(p->cwd);
    safestrcpy(np->name, p->name, sizeof(p->name));
    int pid = np->pid;
    release(&np->lock);

    acquire(&wait_lock);
    np->parent = p;
    release(&wait_lock);

    acquire(&np->lock);
    np->state = RUNNABLE;
    release(&np->lock);
    return pid;
}

int64
growproc(int64 n)
{
    struct proc *p = myproc();
    uint64 old = p->sz, new = old + n;
    // Growing only moves the break: pages arrive on first touch. The limit
    // is the trapframe at the top of the address space; below the heap
    // lie text and stack, which sbrk may not take away.
    if (n > 0 && (new < old || new > USER_HEAP_TOP))
        return -1;
    if (n < 0 && (new > old || new < p->heap_start))
        return -1;
    if (n < 0) {
        uint64 freed = uvm_dealloc(p->pagetable, old, new);
        p->resident -= freed;
        if (freed)
            sfence_vma(); // the pages are back in the pool: drop stale TLB entries
    }
    p->sz = new;
    return old;
}

// Gives p's children to init; wait_lock held.
static void
reparent(struct proc *p)
{
    for (struct proc *pp = proc; pp < &proc[NPROC]; pp++) {
        if (pp->parent == p) {
            pp->parent = initproc;
            wakeup(initproc);
        }
    }
}

void
exit(int status)
{
    struct proc *p = myproc();
    if (p == initproc)
        panic("init exiting");
    for (int fd = 0; fd < NOFILE; fd++) {
        if (p->ofile[fd]) {
            fileclose(p->ofile[fd]);
            p->ofile[fd] = 0;
        }
    }
    iput(p->cwd);
    p->cwd = 0;

    acquire(&wait_lock);
    reparent(p);
    wakeup(p->parent);
    acquire(&p->lock);
    p->xstate = status;
    p->state = ZOMBIE;
    release(&wait_lock);
    sched();
    panic("zombie exit");
}

// Frees a zombie child and collects its status; both locks held.
static int
reap(struct proc *child, uint64 status_va)
{
    int pid = child->pid;
    if (status_va != 0 &&
        copyout(myproc()->pagetable, status_va, &child->xstate,
                sizeof(child->xstate)) < 0)
        return -2;
    proc_free(child);
    return pid;
}

int
wait(uint64 status_va)
{
    struct proc *p = myproc();
    acquire(&wait_lock);
    for (;;) {
        int have_kids = 0;
        for (struct proc *pp = proc; pp < &proc[NPROC]; pp++) {
            if (pp->parent != p)
                continue;
            acquire(&pp->lock);
            have_kids = 1;
            if (pp->state == ZOMBIE) {
                int pid = reap(pp, status_va);
                release(&pp->lock);
                release(&wait_lock);
                return pid < 0 ? -1 : pid; // a bad pointer leaves the child
            }
            release(&pp->lock);
        }
        if (!have_kids || killed(p)) {
            release(&wait_lock);
            return -1;
        }
        sleep(p, &wait_lock);
    }
}

int
kill(int pid)
{
    // init must not exit (it reaps orphans): killing it is refused.
    if (initproc && pid == initproc->pid)
        return -1;
    for (struct proc *p = proc; p < &proc[NPROC]; p++) {
        acquire(&p->lock);
        if (p->pid == pid && p->state != UNUSED) {
            p->killed = 1;
            if (p->state == SLEEPING) // let it notice and exit
                p->state = RUNNABLE;
            release(&p->lock);
            return 0;
        }
        release(&p->lock);
    }
    return -1;
}

void
proc_fault_kill(const char *why, uint64 addr)
{
    struct proc *p = myproc();
    printf("pid %d (%s): %s at %p pc %p\n", p->pid, p->name, why,
           (void *)addr, (void *)p->trapframe->epc);
    setkilled(p);
}

void
procdump(void)
{
    static const char *const names[] = {
        [UNUSED] = "unused", [USED] = "used",         [SLEEPING] = "sleep",
        [RUNNABLE] = "runble", [RUNNING] = "run",     [ZOMBIE] = "zombie"};
    printf("\n");
    for (struct proc *p = proc; p < &proc[NPROC]; p++) {
        if (p->state == UNUSED)
            continue;
        printf("%d %s %s vsz %lu KiB rss %lu KiB\n", p->pid, names[p->state],
               p->name, p->sz / 1024, p->resident * (PGSIZE / 1024));
    }
}
