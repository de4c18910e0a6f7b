// The per-hart scheduler loop, switching a process in and out, and the idle
// hart. Queues are runq.c's business; this file only takes and gives back.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "printf.h"
#include "fpu.h"
#include "runq.h"
#include "kalloc.h"

extern void swtch(struct context *old, struct context *new);

// Nothing to run: sleep in wfi until an interrupt (a tick, a device, or
// the IPI runq_add sends). Interrupts stay off from the last look at the
// queues to wfi, so an IPI in between leaves SSIP pending and wfi returns
// at once instead of sleeping through it.
static void
idle(struct cpu *c)
{
    // Spare time first zeroes pages for later demand-zero faults; only
    // with that pool full does the hart sleep. Look at the queues again
    // after each page, so a woken process waits one page at most.
    if (kalloc_idle_work())
        return;
    intr_off();
    __atomic_store_n(&c->idle, 1, __ATOMIC_SEQ_CST);
    if (!runq_any())
        asm volatile("wfi");
    __atomic_store_n(&c->idle, 0, __ATOMIC_SEQ_CST);
}

// Runs p on this hart until it gives the hart back. p->lock is taken here
// and released by the process (forkret or the return from sched), and the
// same the other way round: it is held across both swtch()es.
static void
run(struct cpu *c, struct proc *p)
{
    acquire(&p->lock);
    p->state = P_RUNNING;
    p->runs++; // p->lock held
    p->last_cpu = cpuid();
    c->proc = p;
    swtch(&c->context, &p->context);
    c->proc = 0;
    release(&p->lock);
}

void
scheduler(void)
{
    struct cpu *c = mycpu();
    c->proc = 0;
    for (;;) {
        // Devices may interrupt between processes.
        intr_on();
        struct proc *p = runq_take(cpuid());
        if (p)
            run(c, p);
        else
            idle(c);
    }
}

void
sched(void)
{
    struct proc *p = myproc();
    if (!holding(&p->lock))
        panic("sched: p->lock not held");
    if (mycpu()->noff != 1)
        panic("sched: %d locks held", mycpu()->noff);
    if (p->state == P_RUNNING)
        panic("sched: still running");
    if (intr_get())
        panic("sched: interrupts on");
    fpu_switch_out(p);
    // The interrupt state saved by push_off belongs to this thread, which
    // may come back on another hart.
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
    runq_add(p);
    sched();
    release(&p->lock);
}
