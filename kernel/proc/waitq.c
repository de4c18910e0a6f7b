// Wait queues and the address-keyed sleep()/wakeup() built on them. Knows
// struct proc's queue fields and the run queues; nothing of what is awaited.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "printf.h"

// sleep(chan) picks a queue by hashing chan. Distinct addresses may share
// a bucket, so wakeup() checks each sleeper's chan.
#define CHAN_BUCKETS 32
static struct waitq chan_q[CHAN_BUCKETS];

void
waitq_init(struct waitq *q, const char *name)
{
    initlock(&q->lock, name);
    q->head = q->tail = 0;
}

void
waitq_init_chans(void)
{
    for (int i = 0; i < CHAN_BUCKETS; i++)
        waitq_init(&chan_q[i], "chan");
}

static struct waitq *
chan_bucket(void *chan)
{
    uint64 a = (uint64)chan;
    // Objects are at least 8-byte aligned; fold higher bits in as well.
    return &chan_q[((a >> 3) ^ (a >> 11)) % CHAN_BUCKETS];
}

// q->lock held: unlinks p from q (it must be there).
static void
unlink_locked(struct waitq *q, struct proc *p)
{
    struct proc **pp = &q->head, *prev = 0;
    while (*pp != p) {
        prev = *pp;
        pp = &(*pp)->wq_next;
    }
    *pp = p->wq_next;
    if (q->tail == p)
        q->tail = prev;
    p->wq_next = 0;
    p->waitq = 0;
}

static void
block_on(struct waitq *q, void *chan, struct spinlock *lk)
{
    struct proc *p = myproc();
    // p->lock before lk is dropped: a waker that takes lk after us finds
    // us on q, and cannot make us runnable before sched() has saved us.
    acquire(&p->lock);
    acquire(&q->lock);
    p->wq_next = 0;
    if (q->tail)
        q->tail->wq_next = p;
    else
        q->head = p;
    q->tail = p;
    p->waitq = q;
    p->chan = chan;
    release(&q->lock);
    p->state = P_BLOCKED;
    release(lk);
    sched();
    p->chan = 0;
    release(&p->lock);
    acquire(lk);
}

void
waitq_sleep(struct waitq *q, struct spinlock *lk)
{
    block_on(q, 0, lk);
}

// Makes each detached process runnable. The queue lock is no longer held,
// which is what lets us take p->lock (lock order). The batch is an array,
// not a list through the procs: once detached, a proc may be killed, run
// and block again before we get to it.
static void
wake_batch(struct proc **batch, int n)
{
    for (int i = 0; i < n; i++) {
        struct proc *p = batch[i];
        acquire(&p->lock);
        // Only if nobody (kill) got there first and it has not blocked
        // again: p->waitq is set anew whenever it joins a queue.
        if (p->state == P_BLOCKED && p->waitq == 0)
            runq_add(p);
        release(&p->lock);
    }
}

// Detaches from q the sleepers on chan (all of them if match_any) into
// batch, which has room for NPROC; returns how many.
static int
detach(struct waitq *q, void *chan, int match_any, struct proc **batch)
{
    int n = 0;
    acquire(&q->lock);
    struct proc *p = q->head;
    while (p) {
        struct proc *next = p->wq_next;
        if (match_any || p->chan == chan) {
            unlink_locked(q, p);
            batch[n++] = p;
        }
        p = next;
    }
    release(&q->lock);
    return n;
}

void
waitq_wake_all(struct waitq *q)
{
    struct proc *batch[NPROC];
    wake_batch(batch, detach(q, 0, 1, batch));
}

void
waitq_cancel(struct proc *p)
{
    struct waitq *q = p->waitq;
    if (q) {
        acquire(&q->lock);
        unlink_locked(q, p);
        release(&q->lock);
    }
    runq_add(p);
}

void
sleep(void *chan, struct spinlock *lk)
{
    block_on(chan_bucket(chan), chan, lk);
}

void
wakeup(void *chan)
{
    struct proc *batch[NPROC];
    wake_batch(batch, detach(chan_bucket(chan), chan, 0, batch));
}
