// Processes and harts: struct proc, per-hart state, and the interface of
// the process layer in kernel/proc/ (docs/processes.md tells the design).
#ifndef LAZYOS_PROC_H
#define LAZYOS_PROC_H

#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "waitq.h"
#include "jobs.h"

// Callee-saved registers of a kernel thread, saved by swtch().
struct context {
    uint64 ra;
    uint64 sp;
    uint64 s[12];
};

// Per-hart state, indexed by the value in tp.
struct cpu {
    struct proc *proc;       // running here, or 0
    struct context context;  // swtch() here to enter scheduler()
    int noff;                // depth of push_off() nesting
    int intena;              // interrupts enabled before push_off()?
    int idle;                // in wfi with an empty queue: wake with an IPI
    uint32 hartid;           // SBI hart id
    int started;
};
extern struct cpu cpus[NCPU];
extern int ncpu; // harts running the kernel
struct proc;

// Saved user registers, one page per process, mapped at TRAPFRAME in the
// user page table. trampoline.S knows these offsets: keep them in step.
struct trapframe {
    /*   0 */ uint64 kernel_satp; // kernel page table
    /*   8 */ uint64 kernel_sp;   // top of this process's kernel stack
    /*  16 */ uint64 kernel_trap; // usertrap()
    /*  24 */ uint64 epc;         // user pc
    /*  32 */ uint64 kernel_tp;   // this hart's cpu index
    /*  40 */ uint64 ra, sp, gp, tp, t0, t1, t2, s0, s1;
    /* 112 */ uint64 a0, a1, a2, a3, a4, a5, a6, a7;
    /* 176 */ uint64 s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
    /* 256 */ uint64 t3, t4, t5, t6;
    /* 288 */ uint64 kernel_fault; // usertrap_fault_fast(): page faults
};

// F/D registers, saved only for processes that used the FPU.
struct fpstate {
    uint64 f[32];
    uint64 fcsr;
};

// The values are those procinfo has always reported (docs/processes.md).
enum procstate { P_FREE, P_EMBRYO, P_BLOCKED, P_RUNNABLE, P_RUNNING, P_ZOMBIE };

struct proc {
    struct spinlock lock;

    // p->lock must be held for these:
    enum procstate state;
    int killed;
    int xstate;           // exit status for the parent's wait()
    struct waitq *waitq;  // the queue a BLOCKED process is on, or 0
    struct proc *wq_next; // next on that queue (the queue's lock)
    void *chan;           // address slept on, for sleep()/wakeup()

    // Set at allocation, constant while the process lives:
    int pid;
    struct proc *pid_next; // pid hash chain (pid_lock)
    struct proc *link;     // free list or run queue (that list's lock)

    // tree_lock must be held for these:
    struct proc *parent;
    struct proc *children; // first child; siblings follow
    struct proc *sibling;
    struct waitq child_wq; // the parent sleeps here in wait()

    int pgid;     // process group; changed only by setpgid (signal.c)
    int last_cpu; // hart it last ran on: its run queue (sched.c)

    // Private to the process (no lock needed by the process itself):
    uint64 kstack;               // bottom of the kernel stack (va)
    uint64 sz;                   // the break: user memory is [0, sz)
    uint64 heap_start;           // break right after exec (bottom of the heap)
    pagetable_t pagetable;
    struct trapframe *trapframe; // kernel address of the trapframe page
    struct context context;      // swtch() here to run the process
    struct file *ofile[NOFILE];
    struct inode *cwd;
    char name[16];
    uint64 faults;               // pages brought in by demand-zero faults
    uint64 resident;             // user pages mapped now
    uint64 peak_resident;        // most user pages mapped at once
    uint64 start_tick, end_tick; // fork and exit, for waitusage()
    int fp_used;                 // fpstate holds live registers
    struct fpstate fp;
    // Progress, for procinfo() and the usertests watchdog: timer ticks
    // that found this process on a hart (timer.c), and times the
    // scheduler switched to it. Atomic adds, racy reads.
    uint64 cputicks;
    uint64 runs;
    // Memory mappings (kernel/mm/mmap*.c): the region list, allocated on
    // the first mmap; vmtrace prints a line per fault while nonzero.
    struct region_list *regions;
    int vmtrace;
};

extern struct proc proc[NPROC];
extern struct proc *initproc;

// ---- table.c: slots and pids ----
void proc_init(void);
// A FREE slot made EMBRYO, with pid, trapframe and empty page table;
// returned with p->lock held, or 0 when the table is full or memory is out.
struct proc *proc_alloc(void);
// Releases everything a slot holds and puts it back on the free list;
// p->lock held (and kept). The caller has unlinked it from its parent.
void proc_free(struct proc *p);
// The live process with this pid, unlocked (check p->pid under p->lock
// before trusting it), or 0.
struct proc *proc_lookup(int pid);
// Creates the first process, which execs /init.
void userinit(void);

// Index into cpus[] of this hart; interrupts must be off (or the caller
// must not care if the thread moves to another hart right after).
static inline int
cpuid(void)
{
    return r_tp();
}

static inline struct cpu *
mycpu(void)
{
    return &cpus[cpuid()];
}

// The process running on this hart, or 0. Interrupts are off for the two
// loads, so a preemption cannot move us to another hart between reading tp
// and using it. Inline: every system call asks several times.
static inline struct proc *
myproc(void)
{
    uint64 on = intr_save();
    struct proc *p = mycpu()->proc;
    intr_restore(on);
    return p;
}

// ---- sched.c and runq.c: running ----
// Per-hart scheduler loop; never returns.
void scheduler(void) __attribute__((noreturn));
// Gives up the hart; p->lock held, state already changed.
void sched(void);
// Back of the queue: the timer's preemption.
void yield(void);
// Queues p on a run queue as RUNNABLE; p->lock held, p not on any queue.
void runq_add(struct proc *p);

// ---- waitq.c: blocking on an address (the file system and drivers) ----
// Atomically releases lk and blocks until wakeup(chan); reacquires lk.
void sleep(void *chan, struct spinlock *lk);
// Makes runnable every process blocked in sleep(chan, ...). Any context.
void wakeup(void *chan);

// ---- life.c ----
int fork(void);            // child pid, or -1 (table full, out of memory)
void exit(int status) __attribute__((noreturn));
int wait(uint64 status_va);// child pid, or -1 (no children, bad pointer)
// wait() that also copies a struct usage (jobs.h) to usage_va if nonzero.
int wait_usage(uint64 status_va, uint64 usage_va);
// Grows or shrinks the break by n bytes; returns the old break or -1.
int64 growproc(int64 n);
// Records the current resident count in peak_resident if it is higher.
// Inline: every page fault calls it.
static inline void
proc_note_resident(struct proc *p)
{
    if (p->resident > p->peak_resident)
        p->peak_resident = p->resident;
}

// ---- signal.c: kill and process groups ----
// Kills process pid: 0, or -1 if there is none or it is init.
int kill(int pid);
// Kills every process of group pgid but init: 0, or -1 if it has none.
int kill_group(int pgid);
void setkilled(struct proc *p);
// Nonzero once p has been killed. killed only ever goes from 0 to 1, so a
// racy read is at worst one trap late; no lock needed.
static inline int
killed(struct proc *p)
{
    return __atomic_load_n(&p->killed, __ATOMIC_RELAXED);
}
// Puts process pid (0: the caller) into group pgid (0: its own pid). Only
// the caller or its child; 0 or -1.
int proc_setpgid(int pid, int pgid);
// The group of pid (0: the caller), or -1.
int proc_getpgid(int pid);
// Nonzero if some live process is in group pgid.
int proc_group_exists(int pgid);
// Kills the current process with one console line giving pid, name, why,
// the address and pc; returns (the caller goes on to exit()).
void proc_fault_kill(const char *why, uint64 addr);

// Page table with trampoline and trapframe mapped, no user memory; 0 on OOM.
pagetable_t proc_pagetable(struct proc *p);
// Frees a page table made by proc_pagetable and all user memory below sz.
void proc_freepagetable(pagetable_t pt, uint64 sz);

// Copy to/from either a user address (user != 0) or a kernel address.
int either_copyout(int user_dst, uint64 dst, const void *src, uint64 len);
int either_copyin(void *dst, int user_src, uint64 src, uint64 len);
// ^P: one line per process.
void procdump(void);

// Saves/restores the F/D registers around a context switch (fpregs.S).
void fp_save(struct fpstate *fp);
void fp_restore(const struct fpstate *fp);

#endif
