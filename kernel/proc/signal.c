// Ending processes from outside: kill by pid or by process group, the
// kernel's own kill for a fault, groups themselves, and the ^P listing.
// The console decides which group is in the foreground; not this file.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "printf.h"
#include "sbi.h"

// p->lock held. Marks p killed; a blocked p is taken off its queue so it
// notices now, not when its event comes (which may be never).
static void
kill_locked(struct proc *p)
{
    p->killed = 1;
    if (p->state == P_BLOCKED)
        waitq_cancel(p);
    // Running elsewhere: an IPI makes it trap, and see the flag, now
    // rather than at its next tick.
    else if (p->state == P_RUNNING && p->last_cpu != cpuid())
        sbi_send_ipi(cpus[p->last_cpu].hartid);
}

// Kills the live process pid; 0 or -1.
static int
kill_pid(int pid)
{
    struct proc *p = proc_lookup(pid);
    if (p == 0 || p == initproc)
        return -1;
    acquire(&p->lock);
    // The slot may have been freed and reused since the lookup.
    int found = p->pid == pid && p->state != P_FREE;
    if (found)
        kill_locked(p);
    release(&p->lock);
    return found ? 0 : -1;
}

// Kills every member of group pgid but init (killpg, ^C). A scan of the table: groups
// are killed rarely (^C, kill -N), and NPROC bounds it.
int
kill_group(int pgid)
{
    int found = 0;
    for (struct proc *p = proc; p < &proc[NPROC]; p++) {
        if (p == initproc)
            continue;
        acquire(&p->lock);
        if (p->state != P_FREE && p->state != P_ZOMBIE && p->pgid == pgid) {
            kill_locked(p);
            found = 1;
        }
        release(&p->lock);
    }
    return found ? 0 : -1;
}

int
kill(int pid)
{
    // xv6's kill knows no groups: zero and negative pids name nobody.
    return pid > 0 ? kill_pid(pid) : -1;
}

void
setkilled(struct proc *p)
{
    acquire(&p->lock);
    p->killed = 1;
    release(&p->lock);
}

int
proc_group_exists(int pgid)
{
    for (struct proc *p = proc; p < &proc[NPROC]; p++)
        if (__atomic_load_n(&p->pgid, __ATOMIC_RELAXED) == pgid &&
            p->state != P_FREE)
            return 1;
    return 0;
}

// The caller or its child pid (0: the caller), unlocked; 0 if neither.
static struct proc *
self_or_child(int pid)
{
    struct proc *me = myproc();
    if (pid == 0 || pid == me->pid)
        return me;
    struct proc *p = proc_lookup(pid);
    // parent is stable enough here: only exit/wait change it, and a child
    // we have not reaped stays ours.
    return p && p->parent == me ? p : 0;
}

int
proc_setpgid(int pid, int pgid)
{
    struct proc *p = self_or_child(pid);
    if (p == 0 || pgid < 0)
        return -1;
    if (pgid == 0)
        pgid = p->pid;
    // A new group is named after its first member; joining needs a group.
    if (pgid != p->pid && !proc_group_exists(pgid))
        return -1;
    acquire(&p->lock);
    int ok = p->pid == (pid ? pid : p->pid) && p->state != P_ZOMBIE &&
             p->state != P_FREE;
    if (ok)
        p->pgid = pgid;
    release(&p->lock);
    return ok ? 0 : -1;
}

int
proc_getpgid(int pid)
{
    struct proc *p = pid == 0 ? myproc() : proc_lookup(pid);
    if (p == 0)
        return -1;
    acquire(&p->lock);
    int pgid = (pid == 0 || p->pid == pid) && p->state != P_FREE ? p->pgid
                                                                 : -1;
    release(&p->lock);
    return pgid;
}

void
proc_fault_kill(const char *why, uint64 addr)
{
    struct proc *p = myproc();
    printf("pid %d (%s): %s at %p pc %p\n", p->pid, p->name, why,
           (void *)addr, (void *)p->trapframe->epc);
    setkilled(p);
}

// ^P: one line per process. No locks: a listing for a person, taken from
// interrupt context while anything may hold them.
void
procdump(void)
{
    static const char *const names[] = {
        [P_FREE] = "free",        [P_EMBRYO] = "embryo",
        [P_BLOCKED] = "blocked",  [P_RUNNABLE] = "runnable",
        [P_RUNNING] = "running",  [P_ZOMBIE] = "zombie"};
    printf("\n");
    for (struct proc *p = proc; p < &proc[NPROC]; p++) {
        if (p->state == P_FREE)
            continue;
        struct waitq *q = p->waitq;
        printf("%d pgid %d %s %s %s %p vsz %lu KiB rss %lu KiB\n", p->pid,
               p->pgid, names[p->state], p->name, q ? q->lock.name : "-",
               p->chan, p->sz / 1024, p->resident * (PGSIZE / 1024));
    }
}
