// System calls about processes, groups, time and memory: argument
// checking here, the work in kernel/proc/, timer.c and console.c.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "kalloc.h"
#include "klib.h"
#include "vm.h"
#include "syscall.h"
#include "trap.h"
#include "power.h"
#include "meminfo.h"
#include "console.h"

uint64
sys_exit(void)
{
    int n;
    argint(0, &n);
    exit(n);
}

uint64
sys_getpid(void)
{
    return myproc()->pid;
}

uint64
sys_fork(void)
{
    return fork();
}

uint64
sys_wait(void)
{
    uint64 status;
    argaddr(0, &status);
    return wait(status);
}

// waitusage(int *status, struct usage *u): wait() that also reports what
// the child used; either pointer may be 0.
uint64
sys_waitusage(void)
{
    uint64 status, usage;
    argaddr(0, &status);
    argaddr(1, &usage);
    return wait_usage(status, usage);
}

uint64
sys_sbrk(void)
{
    // The full register is taken (an int from xv6 programs arrives
    // sign-extended, so they see no difference).
    uint64 n;
    argaddr(0, &n);
    return growproc((int64)n);
}

uint64
sys_sleep(void)
{
    int n;
    argint(0, &n);
    return timer_sleep(n < 0 ? 0 : n);
}

uint64
sys_kill(void)
{
    int pid;
    argint(0, &pid);
    return kill(pid);
}

// killpg(pgid): kill every process of group pgid.
uint64
sys_killpg(void)
{
    int pgid;
    argint(0, &pgid);
    return pgid > 0 ? kill_group(pgid) : -1;
}

uint64
sys_setpgid(void)
{
    int pid, pgid;
    argint(0, &pid);
    argint(1, &pgid);
    return proc_setpgid(pid, pgid);
}

uint64
sys_getpgid(void)
{
    int pid;
    argint(0, &pid);
    return proc_getpgid(pid);
}

// fgpgrp(pgid): the console's foreground group (0: none); -1 if no
// process is in group pgid.
uint64
sys_fgpgrp(void)
{
    int pgid;
    argint(0, &pgid);
    if (pgid < 0 || (pgid > 0 && !proc_group_exists(pgid)))
        return -1;
    console_set_foreground(pgid);
    return 0;
}

// consmode(mode): CONSOLE_COOKED or CONSOLE_RAW; returns the old mode.
uint64
sys_consmode(void)
{
    int mode;
    argint(0, &mode);
    return console_set_mode(mode);
}

uint64
sys_uptime(void)
{
    return __atomic_load_n(&ticks, __ATOMIC_RELAXED);
}

uint64
sys_halt(void)
{
    int status;
    argint(0, &status);
    machine_poweroff(status);
}

uint64
sys_meminfo(void)
{
    uint64 addr;
    argaddr(0, &addr);
    struct proc *p = myproc();
    struct vm_usage u;
    uvm_usage(p->pagetable, &u);
    struct meminfo mi = {
        .page_size = PGSIZE,
        .total_pages = kalloc_total_pages(),
        .free_pages = kalloc_free_pages(),
        .vsize = p->sz,
        .resident_pages = p->resident,
        .faults = p->faults,
        .shared_pages = u.shared,
        .cow_pages = u.cow,
        .zero_pages = u.zero,
        .zeroed_pages = kalloc_zeroed_pages(),
    };
    return copyout(p->pagetable, addr, &mi, sizeof(mi));
}

// q->lock held: fills pi from q; 0 if the slot is free.
static int
describe(struct proc *q, struct procinfo *pi)
{
    memset(pi, 0, sizeof(*pi));
    if (q->state == P_FREE)
        return 0;
    pi->pid = q->pid;
    pi->state = q->state;
    safestrcpy(pi->name, q->name, sizeof(pi->name));
    pi->vsize = q->sz;
    pi->resident_pages = q->resident;
    pi->faults = q->faults;
    pi->cputicks = q->cputicks;
    pi->runs = q->runs;
    // What it waits on: the sleep() address, else the wait queue itself.
    if (q->state == P_BLOCKED)
        pi->wchan = q->chan ? (uint64)q->chan : (uint64)q->waitq;
    // Under q->lock its table cannot be freed by proc_free; the walk is
    // safe against exec and sbrk changing it meanwhile.
    struct vm_usage u;
    uvm_usage(q->pagetable, &u);
    pi->shared_pages = u.shared;
    pi->cow_pages = u.cow;
    return 1;
}

uint64
sys_procinfo(void)
{
    uint64 addr;
    int max, n = 0;
    argaddr(0, &addr);
    argint(1, &max);
    if (max < 0)
        return -1;
    for (struct proc *q = proc; q < &proc[NPROC] && n < max; q++) {
        struct procinfo pi;
        acquire(&q->lock);
        int live = describe(q, &pi);
        release(&q->lock);
        // Copy out without q->lock: the copy may fault a page in.
        if (live && copyout(myproc()->pagetable, addr + n++ * sizeof(pi), &pi,
                            sizeof(pi)) < 0)
            return -1;
    }
    return n;
}
