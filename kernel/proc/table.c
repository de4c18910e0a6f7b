// Process slots: the free list, pids and their hash, page tables for new
// processes, and the first process. Knows nothing of scheduling order or
// of the family tree (life.c).
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
#include "runq.h"

#define PID_BUCKETS 64 // a power of two; NPROC live pids spread over them

struct cpu cpus[NCPU];
int ncpu;
struct proc proc[NPROC];
struct proc *initproc;

static struct spinlock free_lock;
static struct proc *free_head;

static struct spinlock pid_lock;
static struct proc *pid_hash[PID_BUCKETS];
static int next_pid = 1;

extern char trampoline[];

// Boot hart, once, before any process exists.
void
proc_init(void)
{
    initlock(&free_lock, "proc_free");
    initlock(&pid_lock, "pid");
    // Pushed in reverse, so slot 0 (init) is the first one handed out.
    for (int i = NPROC - 1; i >= 0; i--) {
        struct proc *p = &proc[i];
        initlock(&p->lock, "proc");
        waitq_init(&p->child_wq, "child_wq");
        p->state = P_FREE;
        p->kstack = KSTACK(i);
        p->link = free_head;
        free_head = p;
    }
    waitq_init_chans();
    runq_init();
}

// Gives p a fresh pid and enters it in the hash.
static void
pid_attach(struct proc *p)
{
    acquire(&pid_lock);
    p->pid = next_pid++;
    struct proc **b = &pid_hash[p->pid % PID_BUCKETS];
    p->pid_next = *b;
    *b = p;
    release(&pid_lock);
}

static void
pid_detach(struct proc *p)
{
    acquire(&pid_lock);
    struct proc **pp = &pid_hash[p->pid % PID_BUCKETS];
    while (*pp && *pp != p)
        pp = &(*pp)->pid_next;
    if (*pp)
        *pp = p->pid_next;
    p->pid_next = 0;
    release(&pid_lock);
}

struct proc *
proc_lookup(int pid)
{
    if (pid <= 0)
        return 0;
    acquire(&pid_lock);
    struct proc *p = pid_hash[pid % PID_BUCKETS];
    while (p && p->pid != pid)
        p = p->pid_next;
    release(&pid_lock);
    return p;
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

struct proc *
proc_alloc(void)
{
    acquire(&free_lock);
    struct proc *p = free_head;
    if (p)
        free_head = p->link;
    release(&free_lock);
    if (p == 0)
        return 0;
    acquire(&p->lock);
    p->link = 0;
    p->state = P_EMBRYO;
    pid_attach(p);
    p->trapframe = kzalloc();
    p->pagetable = p->trapframe ? proc_pagetable(p) : 0;
    if (p->pagetable == 0) {
        proc_free(p);
        release(&p->lock);
        return 0;
    }
    // The first switch to p lands in forkret, on top of its own stack.
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
    if (p->pagetable)
        proc_freepagetable(p->pagetable, p->sz);
    pid_detach(p);
    p->trapframe = 0;
    p->pagetable = 0;
    p->sz = p->heap_start = 0;
    p->faults = p->resident = p->peak_resident = 0;
    p->cputicks = p->runs = 0;
    p->fp_used = 0;
    p->pid = p->pgid = 0;
    p->parent = p->children = p->sibling = 0;
    p->name[0] = 0;
    p->killed = p->xstate = 0;
    p->state = P_FREE;
    acquire(&free_lock);
    p->link = free_head;
    free_head = p;
    release(&free_lock);
}

void
userinit(void)
{
    struct proc *p = proc_alloc();
    if (p == 0)
        panic("userinit: no process slot");
    initproc = p;
    p->pgid = p->pid;
    p->last_cpu = cpuid();
    safestrcpy(p->name, "init", sizeof(p->name));
    runq_add(p);
    release(&p->lock);
}

// A new process's first time on a hart: it still holds p->lock, taken by
// the scheduler. The very first process also mounts the root file system
// (that sleeps, so it needs a process) and becomes /init.
static void
forkret(void)
{
    static int mounted;
    struct proc *p = myproc();
    release(&p->lock);
    fpu_switch_in(p);
    if (!mounted) {
        mounted = 1;
        blkdev_find_fs();
        fsinit(ROOTDEV);
        p->cwd = namei("/");
        char *argv[] = {"init", 0};
        if (exec("/init", argv) < 0)
            panic("cannot exec /init");
    }
    usertrapret();
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
