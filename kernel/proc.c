// The process table and the scheduler: allocation of process slots, per-hart
// scheduling loops, context switches, sleep and wakeup. Process life cycle
// (fork, exit, wait, kill) is in proclife.c.
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
#include "trap.h"
#include "exec.h"
#include "inode.h"
#include "blkdev.h"

struct cpu cpus[NCPU];
int ncpu;
struct proc proc[NPROC];

static struct spinlock pid_lock;
static int next_pid = 1;

extern void swtch(struct context *old, struct context *new);
extern char trampoline[];

void
proc_init(void)
{
    initlock(&pid_lock, "next_pid");
    for (int i = 0; i < NPROC; i++) {
        initlock(&proc[i].lock, "proc");
        proc[i].state = UNUSED;
        proc[i].kstack = KSTACK(i);
    }
}

static int
alloc_pid(void)
{
    acquire(&pid_lock);
    int pid = next_pid++;
    release(&pid_lock);
    return pid;
}

pagetable_t
proc_pagetable(struct proc *p)
{
    pagetable_t pt = uvm_create();
    if (pt == 0)
        return 0;
    if (vm_map(pt, TRAMPOLINE, (uint64)trampoline, PGSIZE, PTE_R | PTE_X) < 0 ||
        vm_map(pt, TRAPFRAME, (uint64)p->trapframe, PGSIZE,
               PTE_R | PTE_W) < 0) {
        vm_unmap_page(pt, TRAMPOLINE);
        vm_unmap_page(pt, TRAPFRAME);
        uvm_free(pt);
        return 0;
    }
    return pt;
}

void
proc_freepagetable(pagetable_t pt, uint64 sz)
{
    (void)sz; // the walk finds what exists; the break does not matter
    vm_unmap_page(pt, TRAMPOLINE);
    vm_unmap_page(pt, TRAPFRAME);
    uvm_free(pt);
}

static void forkret(void);

// Finds an UNUSED slot and gives it a pid, a trapframe and an empty page
// table. Returns it with p->lock held, or 0 (table full, out of memory).
struct proc *
proc_alloc(void)
{
    struct proc *p;
    for (p = proc; p < &proc[NPROC]; p++) {
        acquire(&p->lock);
        if (p->state == UNUSED)
            goto found;
        release(&p->lock);
    }
    return 0;
found:
    p->pid = alloc_pid();
    p->state = USED;
    p->trapframe = kzalloc();
    p->pagetable = p->trapframe ? proc_pagetable(p) : 0;
    if (p->pagetable == 0) {
        proc_free(p);
        release(&p->lock);
        return 0;
    }
    memset(&p->context, 0, sizeof(p->context));
    p->context.ra = (uint64)forkret;
    p->context.sp = p->kstack + KSTACK_SIZE;
    return p;
}

void
proc_free(struct proc *p)
{
    if (p->trapframe)
        kfree(p->trapframe);
    p->trapframe = 0;
    if (p->pagetable)
        proc_freepagetable(p->pagetable, p->sz);
    p->pagetable = 0;
    p->sz = p->heap_start = 0;
    p->faults = p->resident = 0;
    p->cputicks = p->runs = 0;
    p->fp_used = 0;
    p->pid = 0;
    p->parent = 0;
    p->name[0] = 0;
    p->chan = 0;
    p->killed = 0;
    p->xstate = 0;
    p->state = UNUSED;
}

struct proc *initproc;

void
userinit(void)
{
    struct proc *p = proc_alloc();
    if (p == 0)
        panic("userinit: no process slot");
    initproc = p;
    safestrcpy(p->name, "init", sizeof(p->name));
    p->state = RUNNABLE;
    release(&p->lock);
}

// A new process's first scheduling lands here, still holding p->lock from
// the scheduler. The very first process also mounts the root file system
// (which sleeps, so it needs a process) and execs /init.
static void
forkret(void)
{
    static int first = 1;
    struct proc *p = myproc();
    release(&p->lock);
    fpu_switch_in(p);
    if (first) {
        first = 0;
        blkdev_find_fs();
        fsinit(ROOTDEV);
        p->cwd = namei("/");
        char *argv[] = {"init", 0};
        if (exec("/init", argv) < 0)
            panic("cannot exec /init");
    }
    usertrapret();
}

void
scheduler(void)
{
    struct cpu *c = mycpu();
    c->proc = 0;
    for (;;) {
        // Devices may interrupt while we look; a hart with nothing to run
        // waits for an interrupt instead of spinning on the table.
        intr_on();
        int ran = 0;
        for (struct proc *p = proc; p < &proc[NPROC]; p++) {
            acquire(&p->lock);
            if (p->state == RUNNABLE) {
                p->state = RUNNING;
                p->runs++; // p->lock held
                c->proc = p;
                swtch(&c->context, &p->context);
                c->proc = 0;
                ran = 1;
            }
            release(&p->lock);
        }
        if (!ran && !kalloc_idle_work()) // idle: zero a page, else sleep
            asm volatile("wfi");
    }
}

void
sched(void)
{
    struct proc *p = myproc();
    if (!holding(&p->lock))
        panic("sched: p->lock not held");
    if (mycpu()->noff != 1)
        panic("sched: other locks held");
    if (p->state == RUNNING)
        panic("sched: still RUNNING");
    if (intr_get())
        panic("sched: interrupts on");
    fpu_switch_out(p);
    // intena belongs to this kernel thread, not to the hart it lands on.
    int intena = mycpu()->intena;
    swtch(&p->context, &mycpu()->context);
    mycpu()->intena = intena;
    fpu_switch_in(p);
}

void
yield(void)
{
    struct proc *p = myproc();
    acquire(&p->lock);
    p->state = RUNNABLE;
    sched();
    release(&p->lock);
}

void
sleep(void *chan, struct spinlock *lk)
{
    struct proc *p = myproc();
    // Holding p->lock before dropping lk means a wakeup(chan) that follows
    // the caller's condition check cannot be missed.
    acquire(&p->lock);
    release(lk);
    p->chan = chan;
    p->state = SLEEPING;
    sched();
    p->chan = 0;
    release(&p->lock);
    acquire(lk);
}

void
wakeup(void *chan)
{
    struct proc *me = myproc();
    for (struct proc *p = proc; p < &proc[NPROC]; p++) {
        if (p == me)
            continue;
        acquire(&p->lock);
        if (p->state == SLEEPING && p->chan == chan)
            p->state = RUNNABLE;
        release(&p->lock);
    }
}

void
setkilled(struct proc *p)
{
    acquire(&p->lock);
    p->killed = 1;
    release(&p->lock);
}


int
either_copyout(int user_dst, uint64 dst, const void *src, uint64 len)
{
    if (user_dst)
        return copyout(myproc()->pagetable, dst, src, len);
    memmove((void *)dst, src, len);
    return 0;
}

int
either_copyin(void *dst, int user_src, uint64 src, uint64 len)
{
    if (user_src)
        return copyin(myproc()->pagetable, dst, src, len);
    memmove(dst, (void *)src, len);
    return 0;
}
