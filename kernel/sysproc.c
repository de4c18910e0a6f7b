// System calls about processes, time and memory.
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
    if (n < 0)
        n = 0;
    acquire(&tickslock);
    uint64 start = ticks;
    while (ticks - start < (uint64)n) {
        if (killed(myproc())) {
            release(&tickslock);
            return -1;
        }
        sleep(&ticks, &tickslock);
    }
    release(&tickslock);
    return 0;
}

uint64
sys_kill(void)
{
    int pid;
    argint(0, &pid);
    return kill(pid);
}

uint64
sys_uptime(void)
{
    acquire(&tickslock);
    uint64 t = ticks;
    release(&tickslock);
    return t;
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
        memset(&pi, 0, sizeof(pi));
        acquire(&q->lock);
        int live = q->state != UNUSED;
        if (live) {
            pi.pid = q->pid;
            pi.state = q->state;
            safestrcpy(pi.name, q->name, sizeof(pi.name));
            pi.vsize = q->sz;
            pi.resident_pages = q->resident;
            pi.faults = q->faults;
            pi.cputicks = q->cputicks;
            pi.runs = q->runs;
            pi.wchan = q->state == SLEEPING ? (uint64)q->chan : 0;
            // Under q->lock its table cannot be freed by proc_free; the
            // walk is safe against exec and sbrk changing it meanwhile.
            struct vm_usage u;
            uvm_usage(q->pagetable, &u);
            pi.shared_pages = u.shared;
            pi.cow_pages = u.cow;
        }
        release(&q->lock);
        // Copy out without q->lock: the copy may fault a page in.
        if (live && copyout(myproc()->pagetable, addr + n++ * sizeof(pi), &pi,
                            sizeof(pi)) < 0)
            return -1;
    }
    return n;
}
