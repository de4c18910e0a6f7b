// Per-hart run queues: where RUNNABLE processes wait for a hart, how an
// idle hart steals work and how a busy one wakes an idle one. Knows struct
// proc's link field and SBI's IPI; the switching itself is in sched.c.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "sbi.h"
#include "runq.h"

struct runq {
    struct spinlock lock;
    struct proc *head; // next to run
    struct proc *tail;
    int len; // read without the lock only as a hint
};

static struct runq runqs[NCPU];

void
runq_init(void)
{
    for (int i = 0; i < NCPU; i++)
        initlock(&runqs[i].lock, "runq");
}

// The hart for p: the one it last ran on keeps its cache warm, unless that
// one is busy and another sits idle, which would otherwise wait for its
// next tick to steal p.
static int
pick_hart(struct proc *p)
{
    int h = p->last_cpu;
    if (__atomic_load_n(&cpus[h].idle, __ATOMIC_RELAXED))
        return h;
    for (int i = 0; i < ncpu; i++)
        if (__atomic_load_n(&cpus[i].idle, __ATOMIC_RELAXED))
            return i;
    return h;
}

void
runq_add(struct proc *p)
{
    int h = pick_hart(p);
    struct runq *q = &runqs[h];
    p->state = P_RUNNABLE;
    acquire(&q->lock);
    p->link = 0;
    if (q->tail)
        q->tail->link = p;
    else
        q->head = p;
    q->tail = p;
    q->len++;
    release(&q->lock);
    // release() fenced the queue update; idle_begin() sets idle before it
    // looks at the queues, so either it sees p or we see it idle.
    if (__atomic_load_n(&cpus[h].idle, __ATOMIC_SEQ_CST) && h != cpuid())
        sbi_send_ipi(cpus[h].hartid);
}

static struct proc *
pop(struct runq *q)
{
    if (__atomic_load_n(&q->len, __ATOMIC_RELAXED) == 0)
        return 0;
    acquire(&q->lock);
    struct proc *p = q->head;
    if (p) {
        q->head = p->link;
        if (q->head == 0)
            q->tail = 0;
        q->len--;
        p->link = 0;
    }
    release(&q->lock);
    return p;
}

struct proc *
runq_take(int hart)
{
    struct proc *p = pop(&runqs[hart]);
    // Nothing of our own: take the oldest process of the next busy hart.
    for (int i = 1; p == 0 && i < ncpu; i++)
        p = pop(&runqs[(hart + i) % ncpu]);
    return p;
}

int
runq_any(void)
{
    for (int i = 0; i < ncpu; i++)
        if (__atomic_load_n(&runqs[i].len, __ATOMIC_SEQ_CST))
            return 1;
    return 0;
}
