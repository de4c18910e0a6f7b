// vmtrace: the switch (call 29) and the observer that prints one console
// line per user page fault of a traced process: address, cause, cost in
// instructions. It watches the PTE before and after vmfault() and names
// the cause from what changed, so the fault code knows nothing of it.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "printf.h"
#include "syscall.h"
#include "vm.h"
#include "kalloc.h"
#include "region.h"
#include "mmap.h"

// What the PTE of the faulting page was before the fault, or is after.
struct pte_view {
    int valid;
    uint64 pa;
};

static struct pte_view
view(pagetable_t pt, uint64 va)
{
    struct pte_view v = {0, 0};
    pte_t *pte = vm_walk(pt, va, 0);
    if (pte && (*pte & PTE_V)) {
        v.valid = 1;
        v.pa = PTE2PA(*pte);
    }
    return v;
}

// The cause of a fault that succeeded, from the page's before and after.
static const char *
cause(struct proc *p, uint64 va, struct pte_view b, struct pte_view a)
{
    struct region *r = p->regions ? region_find(p->regions, va) : 0;
    if (!b.valid) {
        if (r && r->file)
            return "file read";
        return a.pa == kalloc_zero_page() ? "zero page" : "demand-zero";
    }
    if (b.pa == kalloc_zero_page())
        return "demand-zero"; // the first store to a zero-page mapping
    if (a.pa != b.pa)
        return "cow copy";
    // Same page, now writable: the last owner of a copy-on-write page, or
    // the first store to a clean shared file page.
    return r && (r->flags & MAP_SHARED) ? "shared dirty" : "cow reuse";
}

int
vmtrace_fault(struct proc *p, uint64 va, enum vm_access access)
{
    pagetable_t pt = p->pagetable;
    uint64 page = PGROUNDDOWN(va);
    struct pte_view before = view(pt, page);
    uint64 t0 = r_instret();
    int r = vmfault(pt, va, access);
    uint64 cost = r_instret() - t0;
    const char *why = r == VMFAULT_BAD ? "refused"
                      : r == VMFAULT_NOMEM
                          ? "out of memory"
                          : cause(p, page, before, view(pt, page));
    printf("vmtrace: pid %d %s va %p: %s, %lu instructions\n", p->pid,
           access == VM_STORE   ? "store"
           : access == VM_FETCH ? "fetch"
                                : "load",
           (void *)va, why, cost);
    return r;
}

// vmtrace(pid, on): turns fault tracing on (on != 0) or off for the
// caller (pid 0 or its own) or one of its children; children inherit it,
// exec keeps it. Returns the previous setting, or -1 if pid is no child
// (so a stray call cannot flood the console with another's faults).
uint64
sys_vmtrace(void)
{
    int pid, on;
    argint(0, &pid);
    argint(1, &on);
    struct proc *me = myproc();
    if (pid == 0 || pid == me->pid) {
        int old = me->vmtrace;
        me->vmtrace = on != 0;
        return old;
    }
    for (struct proc *q = proc; q < &proc[NPROC]; q++) {
        acquire(&q->lock);
        // q->parent is only read here, racing a reparent at worst: a
        // child that just became init's is still traced as asked.
        if (q->pid == pid && q->parent == me && q->state != P_FREE &&
            q->state != P_ZOMBIE) {
            int old = q->vmtrace;
            q->vmtrace = on != 0; // read by q itself on its next fault
            release(&q->lock);
            return old;
        }
        release(&q->lock);
    }
    return -1;
}
